//! Teams and their members.

use crate::db::{Scoped, TenantTx};
use crate::entities::team_members;
use crate::entities::teams::{ActiveModel, Column, Entity, Model};
use crate::error::DbError;
use crate::page::{self, Direction, Page, PageRequest};
use crate::repo::{apply_patch, ensure_own, now};
use atende_domain::{TeamId, UserId};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, ModelTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// # Errors
/// `Conflict { field: "name" }`.
pub async fn create(
    tx: &TenantTx,
    name: &str,
    description: Option<String>,
    department_id: Option<Uuid>,
) -> Result<Model, DbError> {
    let at = now();
    Ok(ActiveModel {
        id: Set(TeamId::new().uuid()),
        tenant_id: Set(tx.tenant_id().uuid()),
        department_id: Set(department_id),
        name: Set(name.to_owned()),
        description: Set(description),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(tx.conn())
    .await?)
}

/// # Errors
/// `NotFound`, also for another tenant's team.
pub async fn get(tx: &TenantTx, id: TeamId) -> Result<Model, DbError> {
    Entity::find_by_id(id.uuid())
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .one(tx.conn())
        .await?
        .ok_or(DbError::NotFound)
}

/// # Errors
/// Database failure.
pub async fn list(tx: &TenantTx, page: PageRequest, department: Option<Uuid>) -> Result<Page<Model>, DbError> {
    let mut q = Entity::find().filter(Column::TenantId.eq(tx.tenant_id().uuid()));
    if let Some(d) = department {
        q = q.filter(Column::DepartmentId.eq(d));
    }
    page::fetch(tx.conn(), q, Column::Id, page, Direction::OldestFirst, |m| m.id).await
}

/// Changes to apply; `Some(None)` clears an optional field.
#[derive(Default)]
pub struct TeamPatch {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub department_id: Option<Option<Uuid>>,
}

/// # Errors
/// `Conflict { field: "name" }`.
pub async fn update(tx: &TenantTx, current: Model, p: TeamPatch) -> Result<Model, DbError> {
    ensure_own(tx, current.tenant_id)?;
    let mut am: ActiveModel = current.into();
    apply_patch!(am, p, name, description, department_id);
    am.updated_at = Set(now());
    Ok(am.update(tx.conn()).await?)
}

/// # Errors
/// Database failure.
pub async fn delete(tx: &TenantTx, current: Model) -> Result<(), DbError> {
    ensure_own(tx, current.tenant_id)?;
    team_members::Entity::delete_many()
        .filter(team_members::Column::TeamId.eq(current.id))
        .filter(team_members::Column::TenantId.eq(tx.tenant_id().uuid()))
        .exec(tx.conn())
        .await?;
    current.delete(tx.conn()).await?;
    Ok(())
}

/// User ids of a team's members.
///
/// # Errors
/// Database failure.
pub async fn members(tx: &TenantTx, team: TeamId) -> Result<Vec<Uuid>, DbError> {
    Ok(team_members::Entity::find()
        .filter(team_members::Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(team_members::Column::TeamId.eq(team.uuid()))
        .order_by_asc(team_members::Column::CreatedAt)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect())
}

/// Teams a user belongs to in this tenant.
///
/// # Errors
/// Database failure.
pub async fn of_user(tx: &TenantTx, user: UserId) -> Result<Vec<Uuid>, DbError> {
    Ok(team_members::Entity::find()
        .filter(team_members::Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(team_members::Column::UserId.eq(user.uuid()))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|m| m.team_id)
        .collect())
}

/// Adds a member; adding twice is a conflict on `user_id`.
///
/// # Errors
/// `Conflict { field: "user_id" }`.
pub async fn add_member(tx: &TenantTx, team: TeamId, user: UserId) -> Result<(), DbError> {
    team_members::ActiveModel {
        team_id: Set(team.uuid()),
        user_id: Set(user.uuid()),
        tenant_id: Set(tx.tenant_id().uuid()),
        created_at: Set(now()),
    }
    .insert(tx.conn())
    .await
    .map_err(|e| match DbError::from(e) {
        DbError::Conflict { .. } => DbError::Conflict {
            field: "user_id".into(),
        },
        other => other,
    })?;
    Ok(())
}

/// Removes a member.
///
/// # Errors
/// `NotFound` when the user was not a member.
pub async fn remove_member(tx: &TenantTx, team: TeamId, user: UserId) -> Result<(), DbError> {
    let res = team_members::Entity::delete_many()
        .filter(team_members::Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(team_members::Column::TeamId.eq(team.uuid()))
        .filter(team_members::Column::UserId.eq(user.uuid()))
        .exec(tx.conn())
        .await?;
    if res.rows_affected == 0 {
        Err(DbError::NotFound)
    } else {
        Ok(())
    }
}
