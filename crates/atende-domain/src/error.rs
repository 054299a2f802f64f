//! Validation errors carried back to the caller field by field.

use std::collections::BTreeMap;

/// One value failed to parse. `code` is a stable snake_case code the web app translates;
/// `message` is English text for API users.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ValidationError {
    pub code: &'static str,
    pub message: String,
}

impl ValidationError {
    #[must_use]
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// Errors keyed by field name, in the shape of the API's `error.fields` (English messages) and
/// `error.field_codes` (stable codes the web app translates), entry for entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors {
    pub messages: BTreeMap<String, Vec<String>>,
    pub codes: BTreeMap<String, Vec<String>>,
}

/// The code of a field error added without one.
pub const INVALID: &str = "invalid";

impl FieldErrors {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one message for `field` (code [`INVALID`]).
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.add_code(field, INVALID, message);
    }

    /// Adds one error for `field` with its code.
    pub fn add_code(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.messages.entry(field.to_owned()).or_default().push(message.into());
        self.codes.entry(field.to_owned()).or_default().push(code.to_owned());
    }

    /// Parses a value, recording the error under `field` and returning `None` on failure.
    pub fn check<T>(&mut self, field: &str, result: Result<T, ValidationError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.add_code(field, e.code, e.message);
                None
            }
        }
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// `Ok(())` when no field failed.
    ///
    /// # Errors
    /// Returns itself when at least one field failed.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }

    /// A single-field error.
    #[must_use]
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut f = Self::new();
        f.add(field, message);
        f
    }
}
