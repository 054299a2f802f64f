//! WhatsApp message templates, as last synced from the Graph API (one row per channel, name and
//! language), with their review status kept current by `message_template_status_update` webhooks.

use crate::db::{Scoped, TenantTx};
use crate::entities::whatsapp_templates::{ActiveModel, Column, Entity, Model};
use crate::error::DbError;
use crate::page::{self, Direction, Page, PageRequest};
use crate::repo::now;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// A template as the provider lists it.
#[derive(Clone, Debug)]
pub struct SyncedTemplate {
    pub name: String,
    pub language: String,
    pub category: Option<String>,
    pub status: String,
    pub components: serde_json::Value,
    pub external_id: Option<String>,
}

/// Inserts or refreshes a template by `(channel, name, language)`.
///
/// # Errors
/// `MissingReference` for another tenant's channel.
pub async fn upsert(tx: &TenantTx, channel_id: Uuid, t: SyncedTemplate) -> Result<(), DbError> {
    let at = now();
    Entity::insert(ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tx.tenant_id().uuid()),
        channel_id: Set(channel_id),
        name: Set(t.name),
        language: Set(t.language),
        category: Set(t.category),
        status: Set(t.status),
        components: Set(t.components),
        external_id: Set(t.external_id),
        created_at: Set(at),
        updated_at: Set(at),
    })
    .on_conflict(
        OnConflict::columns([Column::TenantId, Column::ChannelId, Column::Name, Column::Language])
            .update_columns([
                Column::Category,
                Column::Status,
                Column::Components,
                Column::ExternalId,
                Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(tx.conn())
    .await?;
    Ok(())
}

/// Templates of the tenant, optionally of one channel and one status, in name order of creation.
///
/// # Errors
/// Database failure.
pub async fn list(
    tx: &TenantTx,
    channel_id: Option<Uuid>,
    status: Option<&str>,
    page: PageRequest,
) -> Result<Page<Model>, DbError> {
    let mut q = Entity::find().filter(Column::TenantId.eq(tx.tenant_id().uuid()));
    if let Some(c) = channel_id {
        q = q.filter(Column::ChannelId.eq(c));
    }
    if let Some(s) = status {
        q = q.filter(Column::Status.eq(s));
    }
    page::fetch(tx.conn(), q, Column::Id, page, Direction::OldestFirst, |m| m.id).await
}

/// The template a send names.
///
/// # Errors
/// Database failure.
pub async fn find(tx: &TenantTx, channel_id: Uuid, name: &str, language: &str) -> Result<Option<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::ChannelId.eq(channel_id))
        .filter(Column::Name.eq(name))
        .filter(Column::Language.eq(language))
        .one(tx.conn())
        .await?)
}

/// Sets the review status of the template the provider id (or name and language) names, on any
/// channel of the tenant. Returns how many rows changed (0: not synced yet).
///
/// # Errors
/// Database failure.
pub async fn set_status(
    tx: &TenantTx,
    external_id: Option<&str>,
    name_language: Option<(&str, &str)>,
    status: &str,
) -> Result<u64, DbError> {
    let mut q = Entity::update_many()
        .col_expr(Column::Status, Expr::value(status))
        .col_expr(Column::UpdatedAt, Expr::value(now()))
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()));
    match (external_id, name_language) {
        (Some(id), _) => q = q.filter(Column::ExternalId.eq(id)),
        (None, Some((n, l))) => q = q.filter(Column::Name.eq(n)).filter(Column::Language.eq(l)),
        (None, None) => return Ok(0),
    }
    Ok(q.exec(tx.conn()).await?.rows_affected)
}
