//! Memberships: a user's role in a tenant.

use crate::db::{PlatformTx, Scoped, TenantTx};
use crate::entities::memberships::{ActiveModel, Column, Entity, Model};
use crate::error::DbError;
use crate::page::{self, Direction, Page, PageRequest};
use crate::repo::{ensure_own, now};
use atende_domain::{MembershipId, Role, TenantId, UserId};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

/// Adds `user` to the transaction's tenant.
///
/// # Errors
/// `Conflict { field: "user_id" }` when already a member.
pub async fn create(tx: &TenantTx, user: UserId, role: Role) -> Result<Model, DbError> {
    insert(tx, tx.tenant_id(), user, role).await
}

/// Adds `user` to `tenant`: from platform scope (creating a tenant and its first admin) or in
/// that tenant's own transaction. Inside a tenant transaction its tenant wins over `tenant`.
///
/// # Errors
/// `Conflict { field: "user_id" }` when already a member.
pub async fn create_in(tx: &impl Scoped, tenant: TenantId, user: UserId, role: Role) -> Result<Model, DbError> {
    insert(tx, tx.scope_tenant().unwrap_or(tenant), user, role).await
}

async fn insert(tx: &impl Scoped, tenant: TenantId, user: UserId, role: Role) -> Result<Model, DbError> {
    let at = now();
    Ok(ActiveModel {
        id: Set(MembershipId::new().uuid()),
        tenant_id: Set(tenant.uuid()),
        user_id: Set(user.uuid()),
        role: Set(role.as_str().to_owned()),
        active: Set(true),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(tx.conn())
    .await?)
}

/// The membership of `user` in the transaction's tenant.
///
/// # Errors
/// Database failure.
pub async fn of_user(tx: &TenantTx, user: UserId) -> Result<Option<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::UserId.eq(user.uuid()))
        .one(tx.conn())
        .await?)
}

/// Every membership of a user across tenants (platform scope: sign-in, tenant switcher).
///
/// # Errors
/// Database failure.
pub async fn all_of_user(tx: &PlatformTx, user: UserId) -> Result<Vec<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::UserId.eq(user.uuid()))
        .order_by_asc(Column::Id)
        .all(tx.conn())
        .await?)
}

/// One membership by id in the transaction's tenant.
///
/// # Errors
/// `NotFound`, also for another tenant's membership.
pub async fn get(tx: &TenantTx, id: MembershipId) -> Result<Model, DbError> {
    Entity::find_by_id(id.uuid())
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .one(tx.conn())
        .await?
        .ok_or(DbError::NotFound)
}

/// Members of the tenant, oldest first.
///
/// # Errors
/// Database failure.
pub async fn list(tx: &TenantTx, page: PageRequest, active: Option<bool>) -> Result<Page<Model>, DbError> {
    let mut q = Entity::find().filter(Column::TenantId.eq(tx.tenant_id().uuid()));
    if let Some(a) = active {
        q = q.filter(Column::Active.eq(a));
    }
    page::fetch(tx.conn(), q, Column::Id, page, Direction::OldestFirst, |m| m.id).await
}

/// How many active admins the tenant has (the last one cannot be demoted or deactivated).
///
/// # Errors
/// Database failure.
pub async fn count_active_admins(tx: &TenantTx) -> Result<usize, DbError> {
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::Role.eq("admin"))
        .filter(Column::Active.eq(true))
        .all(tx.conn())
        .await?
        .len())
}

/// Changes role and/or active flag.
///
/// # Errors
/// Database failure.
pub async fn update(tx: &TenantTx, current: Model, role: Option<Role>, active: Option<bool>) -> Result<Model, DbError> {
    ensure_own(tx, current.tenant_id)?;
    let mut am: ActiveModel = current.into();
    if let Some(r) = role {
        am.role = Set(r.as_str().to_owned());
    }
    if let Some(a) = active {
        am.active = Set(a);
    }
    am.updated_at = Set(now());
    Ok(am.update(tx.conn()).await?)
}
