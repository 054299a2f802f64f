//! API keys of a tenant.

use crate::db::{PlatformTx, Scoped, TenantTx};
use crate::entities::api_keys::{ActiveModel, Column, Entity, Model};
use crate::error::DbError;
use crate::page::{self, Direction, Page, PageRequest};
use crate::repo::{ensure_own, now};
use atende_domain::ApiKeyId;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// A key to store: the secret itself is never stored, only its digest and a shown prefix.
pub struct NewApiKey<'a> {
    pub id: ApiKeyId,
    pub name: &'a str,
    pub prefix: &'a str,
    pub key_hash: String,
    pub role: &'a str,
    pub scopes: serde_json::Value,
    pub created_by: Option<Uuid>,
}

/// # Errors
/// Database failure.
pub async fn create(tx: &TenantTx, k: NewApiKey<'_>) -> Result<Model, DbError> {
    Ok(ActiveModel {
        id: Set(k.id.uuid()),
        tenant_id: Set(tx.tenant_id().uuid()),
        name: Set(k.name.to_owned()),
        prefix: Set(k.prefix.to_owned()),
        key_hash: Set(k.key_hash),
        role: Set(k.role.to_owned()),
        scopes: Set(k.scopes),
        created_by: Set(k.created_by),
        last_used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now()),
    }
    .insert(tx.conn())
    .await?)
}

/// # Errors
/// Database failure.
pub async fn list(tx: &TenantTx, page: PageRequest) -> Result<Page<Model>, DbError> {
    let q = Entity::find().filter(Column::TenantId.eq(tx.tenant_id().uuid()));
    page::fetch(tx.conn(), q, Column::Id, page, Direction::OldestFirst, |m| m.id).await
}

/// # Errors
/// `NotFound`, also for another tenant's key.
pub async fn get(tx: &TenantTx, id: ApiKeyId) -> Result<Model, DbError> {
    Entity::find_by_id(id.uuid())
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .one(tx.conn())
        .await?
        .ok_or(DbError::NotFound)
}

/// # Errors
/// Database failure.
pub async fn revoke(tx: &TenantTx, current: Model) -> Result<Model, DbError> {
    ensure_own(tx, current.tenant_id)?;
    let mut am: ActiveModel = current.into();
    am.revoked_at = Set(Some(now()));
    Ok(am.update(tx.conn()).await?)
}

/// Finds a live key by digest (platform scope: the key names its tenant) and stamps its use.
///
/// # Errors
/// Database failure.
pub async fn authenticate(tx: &PlatformTx, hash: &str) -> Result<Option<Model>, DbError> {
    let Some(key) = Entity::find()
        .filter(Column::KeyHash.eq(hash))
        .filter(Column::RevokedAt.is_null())
        .one(tx.conn())
        .await?
    else {
        return Ok(None);
    };
    Entity::update_many()
        .col_expr(Column::LastUsedAt, Expr::value(now()))
        .filter(Column::Id.eq(key.id))
        .exec(tx.conn())
        .await?;
    Ok(Some(key))
}
