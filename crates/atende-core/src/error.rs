//! Errors of the use cases. Each carries a stable snake_case code; the HTTP layer maps the
//! variant to a status and never shows `Internal`'s text to clients.

use atende_db::DbError;
use atende_domain::FieldErrors;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// Input failed validation, field by field (422).
    #[error("validation failed")]
    Validation(FieldErrors),
    /// The request is well-formed but what it acts on is not in a state that allows it, with
    /// the reasons by field (409), e.g. `flow_invalid`: publishing a draft whose graph has
    /// issues, named by node id. Not 422: the request carries no data to correct; the stored
    /// resource must change first.
    #[error("{message}")]
    InvalidState {
        code: &'static str,
        message: String,
        errors: FieldErrors,
    },
    /// Not signed in, or the credentials are wrong (401).
    #[error("{1}")]
    Unauthorized(&'static str, String),
    /// Signed in, but not allowed (403).
    #[error("{1}")]
    Forbidden(&'static str, String),
    /// No such thing — or it belongs to another tenant, which is indistinguishable (404).
    #[error("not found")]
    NotFound,
    /// The change clashes with existing data (409), naming the field.
    #[error("{message}")]
    Conflict {
        code: &'static str,
        field: String,
        message: String,
    },
    /// Re-authentication failed: the caller's own password, asked again before a sensitive
    /// change, is wrong (403 `invalid_password`, naming the field). Not 422: the request is
    /// well-formed, the caller just did not prove who they are.
    #[error("the password is incorrect")]
    WrongPassword { field: String },
    /// An id in the body names nothing in the tenant (404, naming the field), e.g. a team's
    /// `department_id`. Like [`Self::NotFound`], ids of another tenant answer the same.
    #[error("{message}")]
    MissingReference { field: String, message: String },
    /// Well-formed, but a business rule refuses it (422), e.g. `whatsapp_window_closed`.
    #[error("{1}")]
    Rejected(&'static str, String),
    /// Too many attempts; try again after this many seconds (429).
    #[error("too many attempts")]
    TooManyRequests { retry_after_secs: u64 },
    /// A bug or an outage. The text goes to the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl CoreError {
    /// A single-field validation error.
    #[must_use]
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(FieldErrors::single(field, message))
    }

    #[must_use]
    pub fn forbidden() -> Self {
        Self::Forbidden("forbidden", "you are not allowed to do this".into())
    }

    /// The stable code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation(_) => "validation_failed",
            Self::Unauthorized(c, _) | Self::Forbidden(c, _) | Self::Rejected(c, _) => c,
            Self::NotFound | Self::MissingReference { .. } => "not_found",
            Self::WrongPassword { .. } => "invalid_password",
            Self::Conflict { code, .. } | Self::InvalidState { code, .. } => code,
            Self::TooManyRequests { .. } => "too_many_attempts",
            Self::Internal(_) => "internal_error",
        }
    }
}

impl From<DbError> for CoreError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => Self::NotFound,
            DbError::Conflict { field } => Self::Conflict {
                code: "already_exists",
                message: format!("{field} is already in use"),
                field,
            },
            DbError::MissingReference => Self::NotFound,
            DbError::Other(e) => Self::Internal(e.to_string()),
        }
    }
}

impl From<FieldErrors> for CoreError {
    fn from(f: FieldErrors) -> Self {
        Self::Validation(f)
    }
}

pub type CoreResult<T> = Result<T, CoreError>;
