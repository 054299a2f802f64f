//! Writing audit rows. Every mutation calls [`record`] inside its own transaction, so the row
//! exists exactly when the change does.

use atende_db::Scoped;
use atende_db::repo::audit::{self, NewAudit};
use atende_domain::{TenantCtx, TenantId, UserId};
use serde::Serialize;

use crate::error::CoreResult;

/// Where a request came from, for the audit trail.
#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
}

/// Who did it: a tenant context, a bare user (sign-in, platform work) or nobody (a failed
/// sign-in of an unknown account, the CLI).
#[derive(Clone, Copy, Debug)]
pub enum Who<'a> {
    Ctx(&'a TenantCtx),
    User { user: UserId, tenant: Option<TenantId> },
    Anonymous { tenant: Option<TenantId> },
}

/// One entry to write.
pub struct Entry<'a> {
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl<'a> Entry<'a> {
    #[must_use]
    pub fn new(action: &'a str, entity_type: &'a str, entity_id: impl ToString) -> Self {
        Self {
            action,
            entity_type,
            entity_id: Some(entity_id.to_string()),
            before: None,
            after: None,
        }
    }

    #[must_use]
    pub fn before(mut self, v: &impl Serialize) -> Self {
        self.before = serde_json::to_value(v).ok();
        self
    }

    #[must_use]
    pub fn after(mut self, v: &impl Serialize) -> Self {
        self.after = serde_json::to_value(v).ok();
        self
    }
}

/// Writes one audit row in `tx`.
///
/// # Errors
/// Database failure (the caller's transaction then rolls back with it).
pub async fn record(tx: &impl Scoped, who: Who<'_>, meta: &RequestMeta, e: Entry<'_>) -> CoreResult<()> {
    let (tenant_id, actor_user_id, actor_api_key_id, impersonator_id) = match who {
        Who::Ctx(ctx) => (
            Some(ctx.tenant_id),
            ctx.user_id().map(UserId::uuid),
            ctx.api_key_id().map(atende_domain::ApiKeyId::uuid),
            ctx.impersonator.map(UserId::uuid),
        ),
        Who::User { user, tenant } => (tenant, Some(user.uuid()), None, None),
        Who::Anonymous { tenant } => (tenant, None, None, None),
    };
    audit::record(
        tx,
        NewAudit {
            tenant_id,
            actor_user_id,
            actor_api_key_id,
            impersonator_id,
            action: e.action.to_owned(),
            entity_type: e.entity_type.to_owned(),
            entity_id: e.entity_id,
            before: e.before,
            after: e.after,
            ip: meta.ip.clone(),
            user_agent: meta.user_agent.as_ref().map(|u| u.chars().take(512).collect()),
            request_id: meta.request_id.clone(),
        },
    )
    .await?;
    Ok(())
}
