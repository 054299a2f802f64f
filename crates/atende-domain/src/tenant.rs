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
