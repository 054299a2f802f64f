//! Tags of a tenant and the tags on conversations.

use crate::db::{Scoped, TenantTx};
use crate::entities::conversation_tags;
use crate::entities::tags::{ActiveModel, Column, Entity, Model};
use crate::error::DbError;
use crate::page::{self, Direction, Page, PageRequest};
use crate::repo::{ensure_own, now};
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, ModelTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// # Errors
/// `Conflict { field: "name" }` when the tenant has a tag of that name.
pub async fn create(tx: &TenantTx, name: &str, color: Option<String>) -> Result<Model, DbError> {
    Ok(ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tx.tenant_id().uuid()),
        name: Set(name.to_owned()),
        color: Set(color),
        created_at: Set(now()),
    }
    .insert(tx.conn())
    .await?)
}

/// # Errors
/// `NotFound`, also for another tenant's tag.
pub async fn get(tx: &TenantTx, id: Uuid) -> Result<Model, DbError> {
    Entity::find_by_id(id)
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

/// Deletes the tag; it leaves every conversation it was on.
///
/// # Errors
/// `NotFound` for another tenant's row.
pub async fn delete(tx: &TenantTx, current: Model) -> Result<(), DbError> {
    ensure_own(tx, current.tenant_id)?;
    current.delete(tx.conn()).await?;
    Ok(())
}

/// Puts a tag on a conversation; tagging twice changes nothing.
///
/// # Errors
/// `MissingReference` when the conversation or the tag is not this tenant's.
pub async fn tag_conversation(tx: &TenantTx, conversation_id: Uuid, tag_id: Uuid) -> Result<(), DbError> {
    conversation_tags::Entity::insert(conversation_tags::ActiveModel {
        tenant_id: Set(tx.tenant_id().uuid()),
        conversation_id: Set(conversation_id),
        tag_id: Set(tag_id),
        created_at: Set(now()),
    })
    .on_conflict(
        OnConflict::columns([
            conversation_tags::Column::ConversationId,
            conversation_tags::Column::TagId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(tx.conn())
    .await?;
    Ok(())
}

/// Takes a tag off a conversation; returns whether it was on.
///
/// # Errors
/// Database failure.
pub async fn untag_conversation(tx: &TenantTx, conversation_id: Uuid, tag_id: Uuid) -> Result<bool, DbError> {
    let n = conversation_tags::Entity::delete_many()
        .filter(conversation_tags::Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(conversation_tags::Column::ConversationId.eq(conversation_id))
        .filter(conversation_tags::Column::TagId.eq(tag_id))
        .exec(tx.conn())
        .await?
        .rows_affected;
    Ok(n == 1)
}

/// The tags on a conversation, by name.
///
/// # Errors
/// Database failure.
pub async fn of_conversation(tx: &TenantTx, conversation_id: Uuid) -> Result<Vec<Model>, DbError> {
    let tenant = tx.tenant_id().uuid();
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tenant))
        .filter(
            Column::Id.in_subquery(
                Query::select()
                    .column(conversation_tags::Column::TagId)
                    .from(conversation_tags::Entity)
                    .and_where(conversation_tags::Column::TenantId.eq(tenant))
                    .and_where(conversation_tags::Column::ConversationId.eq(conversation_id))
                    .to_owned(),
            ),
        )
        .order_by_asc(Column::Name)
        .all(tx.conn())
        .await?)
}
