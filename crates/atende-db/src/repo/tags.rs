//! Tags of a tenant and the tags on conversations and contacts. A tag name is unique per tenant
//! regardless of case (`uq_tags__name` is on `lower(name)`); deleting a tag takes it off
//! everything it was on.

use crate::db::{Scoped, TenantTx};
use crate::entities::tags::{ActiveModel, Column, Entity, Model};
use crate::entities::{contact_tags, conversation_tags};
use crate::error::DbError;
use crate::page::{self, Direction, Page, PageRequest};
use crate::repo::{apply_patch, ensure_own, now};
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

/// Changes to a tag; `color: Some(None)` clears the colour.
#[derive(Clone, Debug, Default)]
pub struct TagPatch {
    pub name: Option<String>,
    pub color: Option<Option<String>>,
}

/// # Errors
/// `NotFound` for another tenant's row; `Conflict { field: "name" }`.
pub async fn update(tx: &TenantTx, current: Model, p: TagPatch) -> Result<Model, DbError> {
    ensure_own(tx, current.tenant_id)?;
    let mut am: ActiveModel = current.into();
    apply_patch!(am, p, name, color);
    Ok(am.update(tx.conn()).await?)
}

/// Those of `ids` that are tags of this tenant (a foreign or unknown id is simply absent).
///
/// # Errors
/// Database failure.
pub async fn existing(tx: &TenantTx, ids: &[Uuid]) -> Result<Vec<Model>, DbError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(tx.conn())
        .await?)
}

/// Deletes the tag; it leaves every conversation and contact it was on.
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

/// The tags on each of `conversation_ids` (two queries for a whole inbox page), by name; a
/// conversation without tags is absent from the map.
///
/// # Errors
/// Database failure.
pub async fn of_conversations(
    tx: &TenantTx,
    conversation_ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Vec<Model>>, DbError> {
    let mut out: std::collections::HashMap<Uuid, Vec<Model>> = std::collections::HashMap::new();
    if conversation_ids.is_empty() {
        return Ok(out);
    }
    let tenant = tx.tenant_id().uuid();
    let links = conversation_tags::Entity::find()
        .filter(conversation_tags::Column::TenantId.eq(tenant))
        .filter(conversation_tags::Column::ConversationId.is_in(conversation_ids.iter().copied()))
        .all(tx.conn())
        .await?;
    if links.is_empty() {
        return Ok(out);
    }
    let tags: std::collections::HashMap<Uuid, Model> = Entity::find()
        .filter(Column::TenantId.eq(tenant))
        .filter(Column::Id.is_in(links.iter().map(|l| l.tag_id)))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    for l in links {
        if let Some(t) = tags.get(&l.tag_id) {
            out.entry(l.conversation_id).or_default().push(t.clone());
        }
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| a.name.cmp(&b.name));
    }
    Ok(out)
}

/// Replaces the tags on a contact with `tag_ids` (duplicates ignored).
///
/// # Errors
/// `MissingReference` when the contact or a tag is not this tenant's.
pub async fn set_contact_tags(tx: &TenantTx, contact_id: Uuid, tag_ids: &[Uuid]) -> Result<(), DbError> {
    let tenant = tx.tenant_id().uuid();
    contact_tags::Entity::delete_many()
        .filter(contact_tags::Column::TenantId.eq(tenant))
        .filter(contact_tags::Column::ContactId.eq(contact_id))
        .exec(tx.conn())
        .await?;
    let mut seen = std::collections::HashSet::new();
    let rows: Vec<_> = tag_ids
        .iter()
        .filter(|id| seen.insert(**id))
        .map(|tag_id| contact_tags::ActiveModel {
            tenant_id: Set(tenant),
            contact_id: Set(contact_id),
            tag_id: Set(*tag_id),
            created_at: Set(now()),
        })
        .collect();
    if !rows.is_empty() {
        contact_tags::Entity::insert_many(rows)
            .exec_without_returning(tx.conn())
            .await?;
    }
    Ok(())
}

/// The tags of each of `contact_ids`, by name; contacts without tags are absent from the map.
///
/// # Errors
/// Database failure.
pub async fn of_contacts(
    tx: &TenantTx,
    contact_ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Vec<Model>>, DbError> {
    let mut out = std::collections::HashMap::<Uuid, Vec<Model>>::new();
    if contact_ids.is_empty() {
        return Ok(out);
    }
    let tenant = tx.tenant_id().uuid();
    let links = contact_tags::Entity::find()
        .filter(contact_tags::Column::TenantId.eq(tenant))
        .filter(contact_tags::Column::ContactId.is_in(contact_ids.iter().copied()))
        .all(tx.conn())
        .await?;
    let tag_ids: Vec<Uuid> = links.iter().map(|l| l.tag_id).collect();
    let by_id: std::collections::HashMap<Uuid, Model> =
        existing(tx, &tag_ids).await?.into_iter().map(|t| (t.id, t)).collect();
    for l in links {
        if let Some(t) = by_id.get(&l.tag_id) {
            out.entry(l.contact_id).or_default().push(t.clone());
        }
    }
    for tags in out.values_mut() {
        tags.sort_by_key(|t| t.name.to_lowercase());
    }
    Ok(out)
}
