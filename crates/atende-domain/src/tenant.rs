//! Tenant lifecycle.

use crate::error::ValidationError;
use serde::{Deserialize, Serialize};

/// A suspended tenant keeps its data but none of its users can sign in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TenantStatus {
    Active,
    Suspended,
}

impl TenantStatus {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
        }
    }

    /// # Errors
    /// `invalid_status` for anything else.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw {
            "active" => Ok(Self::Active),
            "suspended" => Ok(Self::Suspended),
            _ => Err(ValidationError::new("invalid_status", "must be active or suspended")),
        }
    }
}

/// The tenant's settings that the platform reads, from the `settings` JSON object (other keys
/// are kept as given). A missing key takes its default; [`TenantSettings::parse`] is the one
/// place that reads them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TenantSettings {
    /// The first reply (a message, not a note) by an agent to an unassigned conversation
    /// assigns it to them, as in Chatwoot: a supervisor sees who handles whom. On by default.
    pub assign_on_reply: bool,
}

impl Default for TenantSettings {
    fn default() -> Self {
        Self { assign_on_reply: true }
    }
}

impl TenantSettings {
    /// Reads the known keys of a tenant's settings object.
    ///
    /// # Errors
    /// `invalid_settings` when a known key has the wrong type, or the value is not an object.
    pub fn parse(v: &serde_json::Value) -> Result<Self, ValidationError> {
        if !v.is_object() {
            return Err(ValidationError::new("invalid_settings", "must be a JSON object"));
        }
        serde_json::from_value(v.clone()).map_err(|e| ValidationError::new("invalid_settings", e.to_string()))
    }
}

#[cfg(test)]
mod settings_tests {
    use super::TenantSettings;
    use serde_json::json;

    #[test]
    fn defaults_and_known_keys() {
        assert!(TenantSettings::parse(&json!({})).unwrap().assign_on_reply);
        assert!(
            TenantSettings::parse(&json!({"greeting": "x"}))
                .unwrap()
                .assign_on_reply
        );
        assert!(
            !TenantSettings::parse(&json!({"assign_on_reply": false}))
                .unwrap()
                .assign_on_reply
        );
        assert!(TenantSettings::parse(&json!({"assign_on_reply": "no"})).is_err());
        assert!(TenantSettings::parse(&json!([1])).is_err());
    }
}
