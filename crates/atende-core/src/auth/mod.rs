//! Authentication: who is calling, and as whom inside which tenant.
//!
//! Access tokens are HS256 JWTs (15 minutes) carrying the user, the tenant and the session
//! (refresh-token family). They say *who*; the role is read from the membership on every
//! request, so a role change, a deactivation or a suspended tenant takes effect at once rather
//! than when the token expires. API keys (`atk_…`) are looked up by digest.
//!
//! # Layout
//! - [`tokens`]: JWT claims, issuing and verifying.
//! - [`session`]: sign-in, refresh with rotation and reuse detection, logout, tenant switch,
//!   impersonation.
//! - [`magic`]: magic links and invitations.
//! - [`reset`]: "Esqueci a senha" (password-reset links).
//! - [`totp`]: the second factor.
//! - [`me`]: the caller's own profile.

pub mod magic;
pub mod me;
pub mod reset;
pub mod session;
pub mod tokens;
pub mod totp;

use crate::error::{CoreError, CoreResult};
use crate::{Core, crypto};
use atende_db::repo::{api_keys, memberships, tenants};
use atende_domain::{Actor, ApiKeyId, Role, TenantCtx, TenantId, UserId};
use uuid::Uuid;

/// A verified caller, before a tenant context is derived from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub actor: Actor,
    pub tenant_id: Option<TenantId>,
    pub super_admin: bool,
    pub impersonator: Option<UserId>,
    /// The refresh-token family of this session (users only).
    pub session: Option<Uuid>,
    /// For API keys, the role stored with the key.
    pub key_role: Option<Role>,
}

impl Principal {
    /// The signed-in user, or `Unauthorized` for an API key on a user-only route.
    ///
    /// # Errors
    /// `Forbidden` for API keys.
    pub fn user_id(&self) -> CoreResult<UserId> {
        match self.actor {
            Actor::User(u) => Ok(u),
            Actor::ApiKey(_) => Err(CoreError::Forbidden(
                "user_required",
                "this route needs a signed-in user".into(),
            )),
        }
    }
}

/// The prefix of API keys, so they are recognisable (and scannable for leaks).
pub const API_KEY_PREFIX: &str = "atk_";

/// Verifies a bearer token: an API key or an access JWT.
///
/// # Errors
/// `Unauthorized` (`invalid_token` / `token_expired`).
pub async fn authenticate(core: &Core, bearer: &str) -> CoreResult<Principal> {
    if bearer.starts_with(API_KEY_PREFIX) {
        let tx = core.db.platform_tx().await?;
        let key = api_keys::authenticate(&tx, &crypto::token_digest(bearer)).await?;
        tx.commit().await?;
        let key =
            key.ok_or_else(|| CoreError::Unauthorized("invalid_token", "the API key is invalid or revoked".into()))?;
        return Ok(Principal {
            actor: Actor::ApiKey(ApiKeyId(key.id)),
            tenant_id: Some(TenantId(key.tenant_id)),
            super_admin: false,
            impersonator: None,
            session: None,
            key_role: Some(Role::parse(&key.role).unwrap_or(Role::Viewer)),
        });
    }
    let claims = tokens::verify_access(&core.keys, bearer)?;
    claims.principal()
}

/// Derives the tenant context of a principal, checking against the database that the tenant
/// is active and the membership still exists and is active (and reading its current role).
///
/// # Errors
/// `Forbidden` (`tenant_required`, `tenant_suspended`, `membership_inactive`).
pub async fn tenant_ctx(core: &Core, p: &Principal) -> CoreResult<TenantCtx> {
    let Some(tenant_id) = p.tenant_id else {
        return Err(CoreError::Forbidden(
            "tenant_required",
            "this route acts inside a tenant: sign in to a tenant or switch to one".into(),
        ));
    };
    let tx = core.db.tenant_tx(tenant_id).await?;
    let tenant = tenants::own(&tx).await.map_err(|e| match e {
        atende_db::DbError::NotFound => CoreError::Unauthorized("invalid_token", "the tenant no longer exists".into()),
        other => other.into(),
    })?;
    if tenant.status != "active" {
        return Err(CoreError::Forbidden(
            "tenant_suspended",
            "this tenant is suspended".into(),
        ));
    }
    let role = match (p.actor, p.impersonator, p.key_role) {
        (Actor::ApiKey(_), _, Some(role)) => role,
        (Actor::User(_), Some(_), _) => Role::Admin,
        (Actor::User(user), None, _) => {
            let m = memberships::of_user(&tx, user).await?;
            match m {
                Some(m) if m.active => Role::parse(&m.role).unwrap_or(Role::Viewer),
                _ => {
                    return Err(CoreError::Forbidden(
                        "membership_inactive",
                        "you are no longer a member of this tenant".into(),
                    ));
                }
            }
        }
        (Actor::ApiKey(_), _, None) => Role::Viewer,
    };
    tx.commit().await?;
    Ok(TenantCtx {
        tenant_id,
        actor: p.actor,
        role,
        impersonator: p.impersonator,
    })
}
