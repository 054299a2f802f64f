//! Custom domains of a tenant.

use crate::db::{Scoped, TenantTx};
use crate::entities::tenant_domains::{ActiveModel, Column, Entity, Model};
use crate::error::DbError;
use crate::repo::now;
use atende_domain::TenantDomainId;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

/// # Errors
/// `Conflict { field: "domain" }` when any tenant already has it.
pub async fn create(tx: &TenantTx, domain: &str) -> Result<Model, DbError> {
    Ok(ActiveModel {
        id: Set(TenantDomainId::new().uuid()),
        tenant_id: Set(tx.tenant_id().uuid()),
        domain: Set(domain.to_owned()),
        verified_at: Set(None),
        created_at: Set(now()),
    }
    .insert(tx.conn())
    .await?)
}

/// # Errors
/// Database failure.
pub async fn list(tx: &TenantTx) -> Result<Vec<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .order_by_asc(Column::Id)
        .all(tx.conn())
        .await?)
}
