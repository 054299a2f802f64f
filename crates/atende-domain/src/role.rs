//! Roles inside a tenant. The platform's super admin is a flag on the user, not a role here.

use crate::error::ValidationError;
use serde::{Deserialize, Serialize};

/// A member's role in one tenant, from least to most powerful.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Viewer,
    Agent,
    Supervisor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Agent, Role::Supervisor, Role::Admin];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Agent => "agent",
            Self::Supervisor => "supervisor",
            Self::Admin => "admin",
        }
    }

    /// # Errors
    /// `invalid_role` for an unknown name.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw {
            "viewer" => Ok(Self::Viewer),
            "agent" => Ok(Self::Agent),
            "supervisor" => Ok(Self::Supervisor),
            "admin" => Ok(Self::Admin),
            _ => Err(ValidationError::new(
                "invalid_role",
                "must be one of admin, supervisor, agent, viewer",
            )),
        }
    }
}
