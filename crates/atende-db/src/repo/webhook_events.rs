//! The durable inbox of raw webhook deliveries (DESIGN §5): stored before the `200`, applied
//! by a job, kept for replay.
//!
//! A delivery arrives before anything vouches for its tenant, so it is written in platform
//! scope (any [`Scoped`] transaction is accepted: in a tenant transaction the row belongs to
//! that tenant whatever the caller says). The table is under row-level security with a nullable
//! tenant, like `jobs`: unrouted rows are visible only in platform scope, routed ones also to
//! their tenant (the admin's replay screen). Batching several deliveries into one commit is the
//! caller's: insert them in one transaction.

use crate::db::{PlatformTx, Scoped, TenantTx};
use crate::entities::webhook_events::{ActiveModel, Column, Entity, Model};
use crate::error::DbError;
use crate::repo::now;
use atende_domain::TenantId;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Processing states.
pub mod status {
    pub const PENDING: &str = "pending";
    pub const PROCESSED: &str = "processed";
    pub const FAILED: &str = "failed";
}

/// A delivery as received.
#[derive(Clone, Debug)]
pub struct NewWebhookEvent {
    /// `whatsapp_cloud`, `webchat`, …
    pub provider: &'static str,
    /// The channel the URL named, when it did.
    pub channel_id: Option<Uuid>,
    pub tenant_id: Option<TenantId>,
    /// Exactly the bytes received.
    pub raw_body: Vec<u8>,
    /// The headers worth keeping (signature, content type, request id).
    pub headers: serde_json::Value,
}

fn active(tx: &impl Scoped, e: NewWebhookEvent, id: Uuid, at: chrono::DateTime<chrono::Utc>) -> ActiveModel {
    ActiveModel {
        id: Set(id),
        tenant_id: Set(tx.scope_tenant().or(e.tenant_id).map(TenantId::uuid)),
        channel_id: Set(e.channel_id),
        provider: Set(e.provider.to_owned()),
        raw_body: Set(e.raw_body),
        headers: Set(e.headers),
        received_at: Set(at),
        status: Set(status::PENDING.to_owned()),
        attempts: Set(0),
        processed_at: Set(None),
        error: Set(None),
    }
}

/// Stores a delivery as `pending`.
///
/// # Errors
/// Database failure.
pub async fn insert(tx: &impl Scoped, e: NewWebhookEvent) -> Result<Model, DbError> {
    Ok(active(tx, e, Uuid::now_v7(), now()).insert(tx.conn()).await?)
}

/// Stores several deliveries as `pending` with one multi-row `INSERT` (the intake's group
/// commit), returning their ids in order.
///
/// # Errors
/// Database failure.
pub async fn insert_many(tx: &impl Scoped, batch: Vec<NewWebhookEvent>) -> Result<Vec<Uuid>, DbError> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let at = now();
    let ids: Vec<Uuid> = batch.iter().map(|_| Uuid::now_v7()).collect();
    let rows: Vec<ActiveModel> = batch
        .into_iter()
        .zip(&ids)
        .map(|(e, id)| active(tx, e, *id, at))
        .collect();
    Entity::insert_many(rows).exec_without_returning(tx.conn()).await?;
    Ok(ids)
}

/// Any delivery, for the worker that applies it.
///
/// # Errors
/// `NotFound`.
pub async fn get(tx: &PlatformTx, id: Uuid) -> Result<Model, DbError> {
    Entity::find_by_id(id).one(tx.conn()).await?.ok_or(DbError::NotFound)
}

/// A delivery routed to this tenant (the replay screen).
///
/// # Errors
/// `NotFound`, also for another tenant's or an unrouted delivery.
pub async fn get_for_tenant(tx: &TenantTx, id: Uuid) -> Result<Model, DbError> {
    Entity::find_by_id(id)
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .one(tx.conn())
        .await?
        .ok_or(DbError::NotFound)
}

/// Records where a delivery was routed (once known from its content).
///
/// # Errors
/// `NotFound`.
pub async fn route(tx: &PlatformTx, id: Uuid, tenant_id: TenantId, channel_id: Uuid) -> Result<(), DbError> {
    let n = Entity::update_many()
        .col_expr(Column::TenantId, Expr::value(tenant_id.uuid()))
        .col_expr(Column::ChannelId, Expr::value(channel_id))
        .filter(Column::Id.eq(id))
        .exec(tx.conn())
        .await?
        .rows_affected;
    if n == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

async fn finish(tx: &PlatformTx, id: Uuid, to: &str, error: Option<String>) -> Result<(), DbError> {
    let n = Entity::update_many()
        .col_expr(Column::Status, Expr::value(to))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .col_expr(Column::ProcessedAt, Expr::value(Some(now())))
        .col_expr(Column::Error, Expr::value(error))
        .filter(Column::Id.eq(id))
        .exec(tx.conn())
        .await?
        .rows_affected;
    if n == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// The delivery was applied (in the same transaction as its effects, ideally).
///
/// # Errors
/// `NotFound`.
pub async fn mark_processed(tx: &PlatformTx, id: Uuid) -> Result<(), DbError> {
    finish(tx, id, status::PROCESSED, None).await
}

/// Applying it failed; the error is kept and a replay may try again.
///
/// # Errors
/// `NotFound`.
pub async fn mark_failed(tx: &PlatformTx, id: Uuid, error: &str) -> Result<(), DbError> {
    finish(tx, id, status::FAILED, Some(error.to_owned())).await
}

/// Deliveries by id (platform scope), for the worker applying a batch.
///
/// # Errors
/// Database failure.
pub async fn get_many(tx: &PlatformTx, ids: &[Uuid]) -> Result<Vec<Model>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(tx.conn())
        .await?)
}

/// Marks deliveries applied, in the transaction that applied them (a tenant transaction sees
/// its tenant's deliveries), with one statement.
///
/// # Errors
/// Database failure.
pub async fn mark_processed_many(tx: &impl Scoped, ids: &[Uuid]) -> Result<u64, DbError> {
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(Entity::update_many()
        .col_expr(Column::Status, Expr::value(status::PROCESSED))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .col_expr(Column::ProcessedAt, Expr::value(Some(now())))
        .col_expr(Column::Error, Expr::value(Option::<String>::None))
        .filter(Column::Id.is_in(ids.iter().copied()))
        .exec(tx.conn())
        .await?
        .rows_affected)
}

/// Back to `pending` for a replay; returns the delivery.
///
/// # Errors
/// `NotFound`, also for another tenant's delivery.
pub async fn reset_for_replay(tx: &TenantTx, id: Uuid) -> Result<Model, DbError> {
    Entity::update_many()
        .col_expr(Column::Status, Expr::value(status::PENDING))
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    get_for_tenant(tx, id).await
}
