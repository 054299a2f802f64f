//! Channels of a tenant: create, read, update, soft-delete, and the two platform-scope lookups
//! webhooks and the widget route by.
//!
//! `kind` and `status` are stored as text; their vocabularies live in `atende-channels`
//! (`ChannelKind::as_str`), which this crate may not import, so the names are mirrored in
//! [`kind`] and [`status`]. Deleting a channel only stamps `deleted_at`: its conversations and
//! messages stay, it disappears from lists and lookups, and its `(kind, external_id)` is free
//! for a new channel.

use crate::db::{PlatformTx, Scoped, TenantTx};
use crate::entities::channels::{ActiveModel, Column, Entity, Model};
use crate::error::DbError;
use crate::page::{self, Direction, Page, PageRequest};
use crate::repo::{ensure_own, now, stored_time};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;
use uuid::Uuid;

/// Channel kinds as stored (the names of `atende_channels::ChannelKind`).
pub mod kind {
    pub const WHATSAPP_CLOUD: &str = "whatsapp_cloud";
    pub const WEBCHAT: &str = "webchat";
    pub const INSTAGRAM: &str = "instagram";
    pub const MESSENGER: &str = "messenger";
    pub const TELEGRAM: &str = "telegram";
    pub const EMAIL: &str = "email";
}

/// Connection states.
pub mod status {
    pub const CONNECTED: &str = "connected";
    pub const DISCONNECTED: &str = "disconnected";
    pub const ERROR: &str = "error";
}

/// The reopen window when a channel's settings do not set `reopen_window_hours`.
pub const DEFAULT_REOPEN_WINDOW_HOURS: i64 = 24;

/// The channel's reopen window in hours (`settings.reopen_window_hours`, default 24).
#[must_use]
pub fn reopen_window_hours(channel: &Model) -> i64 {
    channel
        .settings
        .get("reopen_window_hours")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(DEFAULT_REOPEN_WINDOW_HOURS)
}

/// A channel to create.
#[derive(Clone, Debug)]
pub struct NewChannel {
    pub kind: &'static str,
    pub name: String,
    pub status: &'static str,
    pub credentials_enc: Option<String>,
    pub credentials_hint: Option<String>,
    pub external_id: Option<String>,
    pub public_token: Option<String>,
    /// Greeting, away message, `reopen_window_hours`, `default_team_id`, CORS allowlist …
    pub settings: serde_json::Value,
}

/// # Errors
/// `Conflict { field: "external_id" }` when a live channel of the same kind already has that
/// endpoint (in any tenant); `Conflict { field: "public_token" }`.
pub async fn create(tx: &TenantTx, c: NewChannel) -> Result<Model, DbError> {
    let at = now();
    Ok(ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tx.tenant_id().uuid()),
        kind: Set(c.kind.to_owned()),
        name: Set(c.name),
        status: Set(c.status.to_owned()),
        last_error: Set(None),
        credentials_enc: Set(c.credentials_enc),
        credentials_hint: Set(c.credentials_hint),
        external_id: Set(c.external_id),
        public_token: Set(c.public_token),
        settings: Set(c.settings),
        provider_error_code: Set(None),
        provider_error_title: Set(None),
        provider_error_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        deleted_at: Set(None),
    }
    .insert(tx.conn())
    .await?)
}

/// A live channel of this tenant.
///
/// # Errors
/// `NotFound`, also for another tenant's channel or a deleted one.
pub async fn get(tx: &TenantTx, id: Uuid) -> Result<Model, DbError> {
    Entity::find_by_id(id)
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::DeletedAt.is_null())
        .one(tx.conn())
        .await?
        .ok_or(DbError::NotFound)
}

/// Live channels, oldest first, optionally of one kind.
///
/// # Errors
/// Database failure.
pub async fn list(tx: &TenantTx, page: PageRequest, of_kind: Option<&str>) -> Result<Page<Model>, DbError> {
    let mut q = Entity::find()
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::DeletedAt.is_null());
    if let Some(k) = of_kind {
        q = q.filter(Column::Kind.eq(k));
    }
    page::fetch(tx.conn(), q, Column::Id, page, Direction::OldestFirst, |m| m.id).await
}

/// Changes to apply; `Some(None)` clears an optional field.
#[derive(Clone, Debug, Default)]
pub struct ChannelPatch {
    pub name: Option<String>,
    pub status: Option<&'static str>,
    pub last_error: Option<Option<String>>,
    pub credentials_enc: Option<Option<String>>,
    pub credentials_hint: Option<Option<String>>,
    pub external_id: Option<Option<String>>,
    pub settings: Option<serde_json::Value>,
}

/// # Errors
/// `NotFound` for another tenant's row; `Conflict { field: "external_id" }`.
pub async fn update(tx: &TenantTx, current: Model, p: ChannelPatch) -> Result<Model, DbError> {
    ensure_own(tx, current.tenant_id)?;
    let mut am: ActiveModel = current.into();
    if let Some(v) = p.name {
        am.name = Set(v);
    }
    if let Some(v) = p.status {
        am.status = Set(v.to_owned());
    }
    if let Some(v) = p.last_error {
        am.last_error = Set(v);
    }
    if let Some(v) = p.credentials_enc {
        am.credentials_enc = Set(v);
    }
    if let Some(v) = p.credentials_hint {
        am.credentials_hint = Set(v);
    }
    if let Some(v) = p.external_id {
        am.external_id = Set(v);
    }
    if let Some(v) = p.settings {
        am.settings = Set(v);
    }
    am.updated_at = Set(now());
    Ok(am.update(tx.conn()).await?)
}

/// Records the channel's last provider error (it is now *degraded*). Returns whether a live
/// channel of this tenant was updated.
///
/// # Errors
/// Database failure.
pub async fn record_provider_error(
    tx: &TenantTx,
    id: Uuid,
    code: &str,
    title: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<bool, DbError> {
    let res = Entity::update_many()
        .col_expr(
            Column::ProviderErrorCode,
            Expr::value(code.chars().take(64).collect::<String>()),
        )
        .col_expr(
            Column::ProviderErrorTitle,
            Expr::value(title.chars().take(1000).collect::<String>()),
        )
        .col_expr(Column::ProviderErrorAt, Expr::value(stored_time(at)))
        .filter(Column::Id.eq(id))
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::DeletedAt.is_null())
        .exec(tx.conn())
        .await?;
    Ok(res.rows_affected > 0)
}

/// Clears the channel's provider error after a successful send. Returns whether there was one
/// (a no-op, no write, on a healthy channel).
///
/// # Errors
/// Database failure.
pub async fn clear_provider_error(tx: &TenantTx, id: Uuid) -> Result<bool, DbError> {
    let res = Entity::update_many()
        .col_expr(Column::ProviderErrorCode, Expr::value(Option::<String>::None))
        .col_expr(Column::ProviderErrorTitle, Expr::value(Option::<String>::None))
        .col_expr(
            Column::ProviderErrorAt,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .filter(Column::Id.eq(id))
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::ProviderErrorAt.is_not_null())
        .exec(tx.conn())
        .await?;
    Ok(res.rows_affected > 0)
}

/// Soft-deletes: the channel leaves lists and lookups, its history stays.
///
/// # Errors
/// `NotFound` for another tenant's row.
pub async fn delete(tx: &TenantTx, current: Model) -> Result<Model, DbError> {
    ensure_own(tx, current.tenant_id)?;
    let mut am: ActiveModel = current.into();
    let at = now();
    am.status = Set(status::DISCONNECTED.to_owned());
    am.deleted_at = Set(Some(at));
    am.updated_at = Set(at);
    Ok(am.update(tx.conn()).await?)
}

/// A live channel by id in platform scope: the webhook URL names the channel before its tenant
/// is known (the app secret that verifies the signature is on the row).
///
/// # Errors
/// Database failure.
pub async fn find_for_webhook(tx: &PlatformTx, id: Uuid) -> Result<Option<Model>, DbError> {
    Ok(Entity::find_by_id(id)
        .filter(Column::DeletedAt.is_null())
        .one(tx.conn())
        .await?)
}

/// Live channels by id, across tenants (the worker applying a batch of deliveries).
///
/// # Errors
/// Database failure.
pub async fn find_live_many(tx: &PlatformTx, ids: &[Uuid]) -> Result<Vec<Model>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(Column::DeletedAt.is_null())
        .all(tx.conn())
        .await?)
}

/// The live channels of a kind among `external_ids`, across tenants (one query for a batch's
/// routing).
///
/// # Errors
/// Database failure.
pub async fn find_by_external_ids(tx: &PlatformTx, kind: &str, external_ids: &[String]) -> Result<Vec<Model>, DbError> {
    if external_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(Entity::find()
        .filter(Column::Kind.eq(kind))
        .filter(Column::ExternalId.is_in(external_ids.iter().map(String::as_str)))
        .filter(Column::DeletedAt.is_null())
        .all(tx.conn())
        .await?)
}

/// The live channel a webhook event routes to, by `(kind, external_id)` — WhatsApp's
/// `phone_number_id` — across tenants.
///
/// # Errors
/// Database failure.
pub async fn find_by_external_id(tx: &PlatformTx, kind: &str, external_id: &str) -> Result<Option<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::Kind.eq(kind))
        .filter(Column::ExternalId.eq(external_id))
        .filter(Column::DeletedAt.is_null())
        .one(tx.conn())
        .await?)
}

/// The live web-chat channel a widget's public token names, across tenants.
///
/// # Errors
/// Database failure.
pub async fn find_by_public_token(tx: &PlatformTx, token: &str) -> Result<Option<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::PublicToken.eq(token))
        .filter(Column::DeletedAt.is_null())
        .one(tx.conn())
        .await?)
}

/// A channel of this tenant even if deleted (a conversation's history still names it).
///
/// # Errors
/// Database failure.
pub async fn get_any(tx: &TenantTx, id: Uuid) -> Result<Option<Model>, DbError> {
    Ok(Entity::find_by_id(id)
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .one(tx.conn())
        .await?)
}

/// The kind of each of these channels of this tenant, deleted ones included (the inbox needs a
/// conversation's channel kind for WhatsApp's window whatever became of the channel): one
/// statement for a page of conversations instead of a [`get_any`] per channel.
///
/// # Errors
/// Database failure.
pub async fn kinds_of(tx: &TenantTx, ids: &[Uuid]) -> Result<HashMap<Uuid, String>, DbError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, String)> = Entity::find()
        .select_only()
        .column(Column::Id)
        .column(Column::Kind)
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(tx.conn())
        .await?;
    Ok(rows.into_iter().collect())
}
