//! Departments (queues).

use crate::db::{Scoped, TenantTx};
use crate::entities::departments::{ActiveModel, Column, Entity, Model};
use crate::error::DbError;
use crate::page::{self, Direction, Page, PageRequest};
use crate::repo::{ensure_own, now};
use atende_domain::DepartmentId;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, ModelTrait, QueryFilter};

/// # Errors
/// `Conflict { field: "name" }` when the name is taken in this tenant.
pub async fn create(tx: &TenantTx, name: &str, description: Option<String>) -> Result<Model, DbError> {
    let at = now();
    Ok(ActiveModel {
        id: Set(DepartmentId::new().uuid()),
        tenant_id: Set(tx.tenant_id().uuid()),
        name: Set(name.to_owned()),
        description: Set(description),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(tx.conn())
    .await?)
}

/// # Errors
/// `NotFound`, also for another tenant's department.
pub async fn get(tx: &TenantTx, id: DepartmentId) -> Result<Model, DbError> {
    Entity::find_by_id(id.uuid())
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .one(tx.conn())
        .await?
        .ok_or(DbError::NotFound)
}

/// # Errors
/// Database failure.
pub async fn list(tx: &TenantTx, page: PageRequest) -> Result<Page<Model>, DbError> {
    let q = Entity::find().filter(Column::TenantId.eq(tx.tenant_id().uuid()));
    page::fetch(tx.conn(), q, Column::Id, page, Direction::OldestFirst, |m| m.id).await
}

/// `description: Some(None)` clears it.
///
/// # Errors
/// `Conflict { field: "name" }`.
pub async fn update(
    tx: &TenantTx,
    current: Model,
    name: Option<String>,
    description: Option<Option<String>>,
) -> Result<Model, DbError> {
    ensure_own(tx, current.tenant_id)?;
    let mut am: ActiveModel = current.into();
    if let Some(n) = name {
        am.name = Set(n);
    }
    if let Some(d) = description {
        am.description = Set(d);
    }
    am.updated_at = Set(now());
    Ok(am.update(tx.conn()).await?)
}

/// Deletes the department; its teams stay, without a department.
///
/// # Errors
/// Database failure.
pub async fn delete(tx: &TenantTx, current: Model) -> Result<(), DbError> {
    ensure_own(tx, current.tenant_id)?;
    current.delete(tx.conn()).await?;
    Ok(())
}
