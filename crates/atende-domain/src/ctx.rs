//! The authenticated caller inside one tenant.

use crate::ids::{ApiKeyId, TenantId, UserId};
use crate::permission::{Action, ConversationScope};
use crate::role::Role;

/// Who is acting: a signed-in user or an integration's API key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    User(UserId),
    ApiKey(ApiKeyId),
}

/// Everything a use case needs to know about the caller. Built only from a verified token or
/// API key; repositories take it (or a transaction opened from it) so tenant data cannot be read
/// without one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenantCtx {
    pub tenant_id: TenantId,
    pub actor: Actor,
    pub role: Role,
    /// Set when a super admin acts inside this tenant through an explicit impersonation.
    pub impersonator: Option<UserId>,
}

impl TenantCtx {
    /// The user behind the call, if it is a user (not an API key).
    #[must_use]
    pub fn user_id(&self) -> Option<UserId> {
        match self.actor {
            Actor::User(u) => Some(u),
            Actor::ApiKey(_) => None,
        }
    }

    /// The API key behind the call, if any.
    #[must_use]
    pub fn api_key_id(&self) -> Option<ApiKeyId> {
        match self.actor {
            Actor::ApiKey(k) => Some(k),
            Actor::User(_) => None,
        }
    }

    /// Whether the matrix lets this caller do `action`.
    #[must_use]
    pub fn can(&self, action: Action) -> bool {
        crate::permission::allows(self.role, action)
    }

    /// Which conversations this caller may work.
    #[must_use]
    pub fn conversation_scope(&self) -> ConversationScope {
        crate::permission::conversation_scope(self.role)
    }
}
