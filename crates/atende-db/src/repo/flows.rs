//! Chatbot flows and their published versions. The name is unique per tenant
//! (`uq_flows__tenant_id_name`); a version number is unique per flow.

use crate::db::{Scoped, TenantTx};
use crate::entities::flow_versions::{self, Entity as Versions};
use crate::entities::flows::{ActiveModel, Column, Entity, Model};
use crate::error::DbError;
use crate::page::{self, Direction, Page, PageRequest};
use crate::repo::{apply_patch, ensure_own, now};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, ModelTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// A flow to create (a draft, inactive until published and switched on).
#[derive(Clone, Debug, Default)]
pub struct NewFlow {
    pub name: String,
    pub description: Option<String>,
    pub definition: serde_json::Value,
    pub triggers: serde_json::Value,
    pub priority: i32,
    pub active: bool,
}

/// # Errors
/// `Conflict { field: "name" }` when the tenant has a flow of that name.
pub async fn create(tx: &TenantTx, f: NewFlow) -> Result<Model, DbError> {
    let at = now();
    Ok(ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tx.tenant_id().uuid()),
        name: Set(f.name),
        description: Set(f.description),
        definition: Set(f.definition),
        triggers: Set(f.triggers),
        priority: Set(f.priority),
        active: Set(f.active),
        published_version: Set(None),
        published_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(tx.conn())
    .await?)
}

/// # Errors
/// `NotFound`, also for another tenant's flow.
pub async fn get(tx: &TenantTx, id: Uuid) -> Result<Model, DbError> {
    Entity::find_by_id(id)
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .one(tx.conn())
        .await?
        .ok_or(DbError::NotFound)
}

/// The tenant's flows, oldest first.
///
/// # Errors
/// Database failure.
pub async fn list(tx: &TenantTx, page: PageRequest) -> Result<Page<Model>, DbError> {
    let q = Entity::find().filter(Column::TenantId.eq(tx.tenant_id().uuid()));
    page::fetch(tx.conn(), q, Column::Id, page, Direction::OldestFirst, |m| m.id).await
}

/// Changes to apply; `Some(None)` clears an optional field.
#[derive(Clone, Debug, Default)]
pub struct FlowPatch {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub definition: Option<serde_json::Value>,
    pub triggers: Option<serde_json::Value>,
    pub priority: Option<i32>,
    pub active: Option<bool>,
}

/// # Errors
/// `NotFound` for another tenant's row; `Conflict { field: "name" }`.
pub async fn update(tx: &TenantTx, current: Model, p: FlowPatch) -> Result<Model, DbError> {
    ensure_own(tx, current.tenant_id)?;
    let mut am: ActiveModel = current.into();
    apply_patch!(am, p, name, description, definition, triggers, priority, active);
    am.updated_at = Set(now());
    Ok(am.update(tx.conn()).await?)
}

/// Deletes the flow and its versions.
///
/// # Errors
/// `NotFound` for another tenant's row.
pub async fn delete(tx: &TenantTx, current: Model) -> Result<(), DbError> {
    ensure_own(tx, current.tenant_id)?;
    current.delete(tx.conn()).await?;
    Ok(())
}

/// Stores `definition` as the flow's next version and marks it published, in the caller's
/// transaction. Two publishes racing on one flow: the second insert hits the unique version and
/// is a `Conflict` (nothing half-written).
///
/// # Errors
/// `NotFound` for another tenant's row; `Conflict { field: "version" }` on a race.
pub async fn publish(
    tx: &TenantTx,
    current: Model,
    definition: serde_json::Value,
    by: Option<Uuid>,
) -> Result<(Model, flow_versions::Model), DbError> {
    ensure_own(tx, current.tenant_id)?;
    let version = current.published_version.unwrap_or(0) + 1;
    let at = now();
    let v = flow_versions::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(current.tenant_id),
        flow_id: Set(current.id),
        version: Set(version),
        definition: Set(definition),
        created_by: Set(by),
        created_at: Set(at),
    }
    .insert(tx.conn())
    .await?;
    let mut am: ActiveModel = current.into();
    am.published_version = Set(Some(version));
    am.published_at = Set(Some(at));
    am.updated_at = Set(at);
    Ok((am.update(tx.conn()).await?, v))
}

/// A flow's versions, newest first.
///
/// # Errors
/// Database failure.
pub async fn versions(tx: &TenantTx, flow_id: Uuid) -> Result<Vec<flow_versions::Model>, DbError> {
    Ok(Versions::find()
        .filter(flow_versions::Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(flow_versions::Column::FlowId.eq(flow_id))
        .order_by_desc(flow_versions::Column::Version)
        .all(tx.conn())
        .await?)
}
