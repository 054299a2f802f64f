//! Tenants.

use crate::db::{PlatformTx, Scoped, TenantTx};
use crate::entities::tenants::{self, ActiveModel, Column, Entity, Model};
use crate::error::DbError;
use crate::page::{self, Direction, Page, PageRequest};
use crate::repo::{apply_patch, now};
use atende_domain::TenantId;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// What creating a tenant needs.
pub struct NewTenant<'a> {
    pub id: TenantId,
    pub slug: &'a str,
    pub name: &'a str,
    pub time_zone: &'a str,
    pub locale: &'a str,
}

/// # Errors
/// `Conflict { field: "slug" }` when the slug is taken.
pub async fn create(tx: &PlatformTx, t: NewTenant<'_>) -> Result<Model, DbError> {
    let at = now();
    Ok(ActiveModel {
        id: Set(t.id.uuid()),
        slug: Set(t.slug.to_owned()),
        name: Set(t.name.to_owned()),
        status: Set("active".to_owned()),
        plan_id: Set(None),
        time_zone: Set(t.time_zone.to_owned()),
        locale: Set(t.locale.to_owned()),
        settings: Set(serde_json::json!({})),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(tx.conn())
    .await?)
}

/// Any tenant by id (platform scope).
///
/// # Errors
/// `NotFound`.
pub async fn get(tx: &PlatformTx, id: TenantId) -> Result<Model, DbError> {
    Entity::find_by_id(id.uuid())
        .one(tx.conn())
        .await?
        .ok_or(DbError::NotFound)
}

/// A tenant by slug (platform scope: used while signing in).
///
/// # Errors
/// Database failure.
pub async fn by_slug(tx: &PlatformTx, slug: &str) -> Result<Option<Model>, DbError> {
    Ok(Entity::find().filter(Column::Slug.eq(slug)).one(tx.conn()).await?)
}

/// The transaction's own tenant.
///
/// # Errors
/// `NotFound` (it was deleted under us).
pub async fn own(tx: &TenantTx) -> Result<Model, DbError> {
    Entity::find_by_id(tx.tenant_id().uuid())
        .one(tx.conn())
        .await?
        .ok_or(DbError::NotFound)
}

/// Several tenants by id, in any order.
///
/// # Errors
/// Database failure.
pub async fn many(tx: &PlatformTx, ids: &[Uuid]) -> Result<Vec<Model>, DbError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(tx.conn())
        .await?)
}

/// Every tenant, oldest first (platform scope).
///
/// # Errors
/// Database failure.
pub async fn list(tx: &PlatformTx, page: PageRequest, status: Option<&str>) -> Result<Page<Model>, DbError> {
    let mut q = Entity::find();
    if let Some(s) = status {
        q = q.filter(Column::Status.eq(s));
    }
    page::fetch(tx.conn(), q, Column::Id, page, Direction::OldestFirst, |r| r.id).await
}

/// Changes to apply; `None` keeps the current value.
#[derive(Default)]
pub struct TenantPatch {
    pub name: Option<String>,
    pub status: Option<String>,
    pub time_zone: Option<String>,
    pub locale: Option<String>,
    pub settings: Option<serde_json::Value>,
}

/// Applies a patch to a loaded row in whichever transaction can see it.
///
/// # Errors
/// Database failure.
pub async fn update(tx: &impl Scoped, current: Model, p: TenantPatch) -> Result<Model, DbError> {
    let mut am: ActiveModel = current.into();
    apply_patch!(am, p, name, status, time_zone, locale, settings);
    am.updated_at = Set(now());
    Ok(am.update(tx.conn()).await?)
}

pub use tenants::Model as Tenant;
