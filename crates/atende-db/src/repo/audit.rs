//! The audit trail: append and read, never edit.

use crate::db::{Scoped, TenantTx};
use crate::entities::audit_logs::{ActiveModel, Column, Entity, Model};
use crate::error::DbError;
use crate::page::{self, Direction, Page, PageRequest};
use crate::repo::now;
use atende_domain::{AuditLogId, TenantId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// One audit entry. `tenant_id` is ignored inside a tenant transaction (the transaction's
/// tenant is used), and used as given in platform scope (`None` for platform-level actions).
#[derive(Clone, Debug, Default)]
pub struct NewAudit {
    pub tenant_id: Option<TenantId>,
    pub actor_user_id: Option<Uuid>,
    pub actor_api_key_id: Option<Uuid>,
    pub impersonator_id: Option<Uuid>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
}

/// Appends an entry in the caller's transaction, so it commits or rolls back with the change.
///
/// # Errors
/// Database failure.
pub async fn record(tx: &impl Scoped, e: NewAudit) -> Result<(), DbError> {
    let tenant = tx.scope_tenant().or(e.tenant_id);
    ActiveModel {
        id: Set(AuditLogId::new().uuid()),
        tenant_id: Set(tenant.map(TenantId::uuid)),
        actor_user_id: Set(e.actor_user_id),
        actor_api_key_id: Set(e.actor_api_key_id),
        impersonator_id: Set(e.impersonator_id),
        action: Set(e.action),
        entity_type: Set(e.entity_type),
        entity_id: Set(e.entity_id),
        before: Set(e.before),
        after: Set(e.after),
        ip: Set(e.ip),
        user_agent: Set(e.user_agent),
        request_id: Set(e.request_id),
        created_at: Set(now()),
    }
    .insert(tx.conn())
    .await?;
    Ok(())
}

/// Filters of the audit screen.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Exact action, or a prefix ending in `*` (`members.*`).
    pub action: Option<String>,
    pub actor: Option<Uuid>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
}

/// The tenant's trail, newest first.
///
/// # Errors
/// Database failure.
pub async fn list(tx: &TenantTx, f: &AuditFilter, page: PageRequest) -> Result<Page<Model>, DbError> {
    let mut q = Entity::find().filter(Column::TenantId.eq(tx.tenant_id().uuid()));
    if let Some(from) = f.from {
        q = q.filter(Column::CreatedAt.gte(from));
    }
    if let Some(to) = f.to {
        q = q.filter(Column::CreatedAt.lt(to));
    }
    if let Some(a) = &f.action {
        if let Some(prefix) = a.strip_suffix('*') {
            q = q.filter(Column::Action.starts_with(prefix));
        } else {
            q = q.filter(Column::Action.eq(a.as_str()));
        }
    }
    if let Some(actor) = f.actor {
        q = q.filter(Column::ActorUserId.eq(actor).or(Column::ActorApiKeyId.eq(actor)));
    }
    if let Some(t) = &f.entity_type {
        q = q.filter(Column::EntityType.eq(t.as_str()));
    }
    if let Some(id) = &f.entity_id {
        q = q.filter(Column::EntityId.eq(id.as_str()));
    }
    page::fetch(tx.conn(), q, Column::Id, page, Direction::NewestFirst, |m| m.id).await
}

/// Times of recent entries with `action` about `entity_id`, oldest first — the login
/// throttle counts failed sign-ins this way, so the audit trail is the single record of them.
/// Inside a tenant transaction only that tenant's entries count.
///
/// # Errors
/// Database failure.
pub async fn recent_times(
    tx: &impl Scoped,
    action: &str,
    entity_id: &str,
    since: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, DbError> {
    let mut q = Entity::find();
    if let Some(tenant) = tx.scope_tenant() {
        q = q.filter(Column::TenantId.eq(tenant.uuid()));
    }
    Ok(q.filter(Column::Action.eq(action))
        .filter(Column::EntityId.eq(entity_id))
        .filter(Column::CreatedAt.gte(since))
        .order_by_asc(Column::CreatedAt)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|m| m.created_at)
        .collect())
}

/// How many entries the tenant has (tests and the admin overview).
///
/// # Errors
/// Database failure.
pub async fn count(tx: &TenantTx) -> Result<u64, DbError> {
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .count(tx.conn())
        .await?)
}
