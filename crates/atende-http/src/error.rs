//! The one error type of the API and its body:
//! `{"error": {"code": "snake_case", "message": "human text", "fields": {"email": ["…"]}}}`.
//!
//! Codes are stable; the web app translates them. Internal causes are logged with the request
//! id and never returned.

use atende_core::CoreError;
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// The error body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code, e.g. `validation_failed`, `not_found`, `invalid_credentials`.
    pub code: String,
    /// English text for developers; the web app shows its own translation of `code`.
    pub message: String,
    /// Messages per field, for validation and conflict errors (English).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, Vec<String>>>,
    /// The same errors as stable snake_case codes (`invalid_phone`, `already_exists`, …), in
    /// the same order, for the web app to translate; `invalid` when a check has no finer code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_codes: Option<BTreeMap<String, Vec<String>>>,
}

/// An error on its way to becoming a response.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub fields: Option<BTreeMap<String, Vec<String>>>,
    /// Boxed: keeps `ApiError` small, it travels in every handler's `Result`.
    pub field_codes: Option<Box<BTreeMap<String, Vec<String>>>>,
    pub retry_after: Option<u64>,
}

impl ApiError {
    #[must_use]
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.to_owned(),
            message: message.into(),
            fields: None,
            field_codes: None,
            retry_after: None,
        }
    }

    #[must_use]
    pub fn unauthorized(message: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        let code = e.code();
        match e {
            CoreError::Validation(f) => Self {
                fields: Some(f.messages),
                field_codes: Some(Box::new(f.codes)),
                ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, "some fields are invalid")
            },
            CoreError::InvalidState { message, errors, .. } => Self {
                fields: Some(errors.messages),
                field_codes: Some(Box::new(errors.codes)),
                ..Self::new(StatusCode::CONFLICT, code, message)
            },
            CoreError::Unauthorized(_, m) => Self::new(StatusCode::UNAUTHORIZED, code, m),
            CoreError::Forbidden(_, m) => Self::new(StatusCode::FORBIDDEN, code, m),
            CoreError::Rejected(_, m) => Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, m),
            CoreError::NotFound => Self::new(StatusCode::NOT_FOUND, code, "not found"),
            CoreError::WrongPassword { field } => Self {
                field_codes: Some(Box::new(BTreeMap::from([(field.clone(), vec![code.to_owned()])]))),
                fields: Some(BTreeMap::from([(field, vec!["the password is incorrect".to_owned()])])),
                ..Self::new(StatusCode::FORBIDDEN, code, "the password is incorrect")
            },
            CoreError::MissingReference { field, message } => Self {
                field_codes: Some(Box::new(BTreeMap::from([(field.clone(), vec![code.to_owned()])]))),
                fields: Some(BTreeMap::from([(field, vec![message.clone()])])),
                ..Self::new(StatusCode::NOT_FOUND, code, message)
            },
            CoreError::Conflict { field, message, .. } => Self {
                field_codes: Some(Box::new(BTreeMap::from([(field.clone(), vec![code.to_owned()])]))),
                fields: Some(BTreeMap::from([(field, vec![message.clone()])])),
                ..Self::new(StatusCode::CONFLICT, code, message)
            },
            CoreError::TooManyRequests { retry_after_secs } => Self {
                retry_after: Some(retry_after_secs),
                ..Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    code,
                    "too many attempts; try again later",
                )
            },
            CoreError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    code,
                    "something went wrong on our side",
                )
            }
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let status = r.status();
        let (code, message) = match status {
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                ("unsupported_media_type", "send the body as application/json".to_owned())
            }
            StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "the body is too large".to_owned()),
            StatusCode::UNPROCESSABLE_ENTITY => ("invalid_body", trim(&r.body_text())),
            _ => ("malformed_json", trim(&r.body_text())),
        };
        let status = if status.is_client_error() {
            status
        } else {
            StatusCode::BAD_REQUEST
        };
        Self::new(status, code, message)
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_path", trim(&r.body_text()))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_query", trim(&r.body_text()))
    }
}

/// Keeps serde's message (it names the field and position) but never echoes a whole payload.
fn trim(s: &str) -> String {
    s.chars().take(300).collect()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        let retry = self.retry_after;
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
                fields: self.fields,
                field_codes: self.field_codes.map(|b| *b),
            },
        };
        let mut res = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"atende\""),
            );
        }
        if let Some(s) = retry
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
