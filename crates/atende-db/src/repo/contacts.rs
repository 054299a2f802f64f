//! Contacts and their channel identities.
//!
//! A contact is found by an identity (`channel_kind`, `external_id`, e.g. WhatsApp's `wa_id`) or
//! by its canonical phone, so `5511987654321`, `+55 (11) 98765-4321` and an old `wa_id` without
//! the ninth digit all land on one row: the caller parses them into one `PhoneE164`, which is
//! unique per tenant. [`find_or_create_by_identity`] is the ingest path's upsert; it is
//! idempotent and safe under concurrent calls for the same person (see its docs).

use crate::db::{Scoped, TenantTx};
use crate::entities::contact_identities as identities;
use crate::entities::contacts::{ActiveModel, Column, Entity, Model};
use crate::entities::{contact_tags, conversations};
use crate::error::DbError;
use crate::page::{self, Direction, Page, PageRequest};
use crate::repo::{apply_patch, ensure_own, now};
use atende_domain::{Email, PhoneE164};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, OnConflict, Query};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, ModelTrait, QueryFilter};
use std::collections::HashMap;
use uuid::Uuid;

pub use super::contact_activity::{Activity, activity_of_many, activity_query};

/// A contact to create.
#[derive(Clone, Debug, Default)]
pub struct NewContact {
    pub name: String,
    pub phone: Option<PhoneE164>,
    pub email: Option<Email>,
    pub avatar_url: Option<String>,
    /// Custom attributes; `None` stores `{}`.
    pub attributes: Option<serde_json::Value>,
}

fn active(tx: &TenantTx, c: NewContact) -> ActiveModel {
    let at = now();
    ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tx.tenant_id().uuid()),
        name: Set(c.name),
        phone_e164: Set(c.phone.map(|p| p.as_str().to_owned())),
        email: Set(c.email.map(|e| e.as_str().to_owned())),
        avatar_url: Set(c.avatar_url),
        attributes: Set(c.attributes.unwrap_or_else(|| serde_json::json!({}))),
        blocked: Set(false),
        opted_out: Set(false),
        created_at: Set(at),
        updated_at: Set(at),
    }
}

/// # Errors
/// `Conflict { field: "phone_e164" }` when another contact of the tenant has the number.
pub async fn create(tx: &TenantTx, c: NewContact) -> Result<Model, DbError> {
    Ok(active(tx, c).insert(tx.conn()).await?)
}

/// # Errors
/// `NotFound`, also for another tenant's contact.
pub async fn get(tx: &TenantTx, id: Uuid) -> Result<Model, DbError> {
    Entity::find_by_id(id)
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .one(tx.conn())
        .await?
        .ok_or(DbError::NotFound)
}

/// The contact with this canonical phone, if any.
///
/// # Errors
/// Database failure.
pub async fn find_by_phone(tx: &TenantTx, phone: &PhoneE164) -> Result<Option<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::PhoneE164.eq(phone.as_str()))
        .one(tx.conn())
        .await?)
}

/// The oldest contact with this e-mail (stored as typed; compared case-insensitively), if any.
///
/// # Errors
/// Database failure.
pub async fn find_by_email(tx: &TenantTx, email: &Email) -> Result<Option<Model>, DbError> {
    use sea_orm::QueryOrder;
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Expr::expr(Func::lower(Expr::col(Column::Email))).eq(email.as_str().to_lowercase()))
        .order_by_asc(Column::Id)
        .one(tx.conn())
        .await?)
}

/// `%text%` for LIKE, with the wildcards of `text` escaped.
pub(crate) fn contains_pattern(text: &str) -> LikeExpr {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

/// Contacts, oldest first; `search` matches a part of the name or e-mail (case-insensitive
/// for ASCII) or, when it holds at least three digits, a part of the phone's digits.
///
/// # Errors
/// Database failure.
pub async fn list(tx: &TenantTx, search: Option<&str>, page: PageRequest) -> Result<Page<Model>, DbError> {
    list_filtered(tx, &ContactFilter { search, tag: None }, page).await
}

/// What the contact list is narrowed to.
#[derive(Clone, Copy, Debug, Default)]
pub struct ContactFilter<'a> {
    /// Text the user typed: see [`list_filtered`].
    pub search: Option<&'a str>,
    /// Only contacts carrying this tag.
    pub tag: Option<Uuid>,
}

/// Contacts, oldest first. `search` matches a part of the name or e-mail (case-insensitive for
/// ASCII), the phone when the text parses as a number (any spelling: `(11) 98765-4321`,
/// `+55 11 8765-4321` without the ninth digit, `5511987654321`), or — with at least three
/// digits — a part of the phone's digits, for numbers typed halfway.
///
/// # Errors
/// Database failure.
pub async fn list_filtered(tx: &TenantTx, f: &ContactFilter<'_>, page: PageRequest) -> Result<Page<Model>, DbError> {
    let q = filtered(tx.tenant_id().uuid(), f);
    page::fetch(tx.conn(), q, Column::Id, page, Direction::OldestFirst, |m| m.id).await
}

/// How many contacts [`list_filtered`] lists over all its pages (the list's total).
///
/// # Errors
/// Database failure.
pub async fn count_filtered(tx: &TenantTx, f: &ContactFilter<'_>) -> Result<u64, DbError> {
    use sea_orm::PaginatorTrait;
    Ok(filtered(tx.tenant_id().uuid(), f).count(tx.conn()).await?)
}

fn filtered(tenant: Uuid, f: &ContactFilter<'_>) -> sea_orm::Select<Entity> {
    let mut q = Entity::find().filter(Column::TenantId.eq(tenant));
    if let Some(s) = f.search.map(str::trim).filter(|s| !s.is_empty()) {
        let lower = s.to_lowercase();
        let mut any = Condition::any()
            .add(Expr::expr(Func::lower(Expr::col(Column::Name))).like(contains_pattern(&lower)))
            .add(Expr::expr(Func::lower(Expr::col(Column::Email))).like(contains_pattern(&lower)));
        if let Ok(phone) = PhoneE164::parse(s) {
            any = any.add(Column::PhoneE164.eq(phone.as_str()));
        }
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 3 {
            any = any.add(Expr::col(Column::PhoneE164).like(contains_pattern(&digits)));
        }
        q = q.filter(any);
    }
    if let Some(tag) = f.tag {
        q = q.filter(
            Column::Id.in_subquery(
                Query::select()
                    .column(contact_tags::Column::ContactId)
                    .from(contact_tags::Entity)
                    .and_where(contact_tags::Column::TenantId.eq(tenant))
                    .and_where(contact_tags::Column::TagId.eq(tag))
                    .to_owned(),
            ),
        );
    }
    q
}

/// How many conversations the contact has (deleting it deletes them).
///
/// # Errors
/// Database failure.
pub async fn conversation_count(tx: &TenantTx, contact_id: Uuid) -> Result<u64, DbError> {
    use sea_orm::PaginatorTrait;
    Ok(conversations::Entity::find()
        .filter(conversations::Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(conversations::Column::ContactId.eq(contact_id))
        .count(tx.conn())
        .await?)
}

/// The identities of each of `contact_ids`, oldest first; contacts without any are absent.
///
/// # Errors
/// Database failure.
pub async fn identities_of_many(
    tx: &TenantTx,
    contact_ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Vec<identities::Model>>, DbError> {
    use sea_orm::QueryOrder;
    let mut out = std::collections::HashMap::<Uuid, Vec<identities::Model>>::new();
    if contact_ids.is_empty() {
        return Ok(out);
    }
    let rows = identities::Entity::find()
        .filter(identities::Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(identities::Column::ContactId.is_in(contact_ids.iter().copied()))
        .order_by_asc(identities::Column::Id)
        .all(tx.conn())
        .await?;
    for r in rows {
        out.entry(r.contact_id).or_default().push(r);
    }
    Ok(out)
}

/// Changes to apply; `Some(None)` clears an optional field.
#[derive(Clone, Debug, Default)]
pub struct ContactPatch {
    pub name: Option<String>,
    pub phone: Option<Option<PhoneE164>>,
    pub email: Option<Option<Email>>,
    pub avatar_url: Option<Option<String>>,
    pub attributes: Option<serde_json::Value>,
    pub blocked: Option<bool>,
    pub opted_out: Option<bool>,
}

/// # Errors
/// `NotFound` for another tenant's row; `Conflict { field: "phone_e164" }`.
pub async fn update(tx: &TenantTx, current: Model, p: ContactPatch) -> Result<Model, DbError> {
    ensure_own(tx, current.tenant_id)?;
    let mut am: ActiveModel = current.into();
    if let Some(v) = p.name {
        am.name = Set(v);
    }
    if let Some(v) = p.phone {
        am.phone_e164 = Set(v.map(|p| p.as_str().to_owned()));
    }
    if let Some(v) = p.email {
        am.email = Set(v.map(|e| e.as_str().to_owned()));
    }
    apply_patch!(am, p, avatar_url, attributes, blocked, opted_out);
    am.updated_at = Set(now());
    Ok(am.update(tx.conn()).await?)
}

/// Deletes the contact with its identities, tags, conversations and messages (erasure on
/// request): the foreign keys cascade.
///
/// # Errors
/// `NotFound` for another tenant's row.
pub async fn delete(tx: &TenantTx, current: Model) -> Result<(), DbError> {
    ensure_own(tx, current.tenant_id)?;
    current.delete(tx.conn()).await?;
    Ok(())
}

/// The contact an identity belongs to, if the identity is known.
///
/// # Errors
/// Database failure.
pub async fn find_by_identity(tx: &TenantTx, channel_kind: &str, external_id: &str) -> Result<Option<Model>, DbError> {
    let Some(identity) = identities::Entity::find()
        .filter(identities::Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(identities::Column::ChannelKind.eq(channel_kind))
        .filter(identities::Column::ExternalId.eq(external_id))
        .one(tx.conn())
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(get(tx, identity.contact_id).await?))
}

/// The identities of a contact, oldest first.
///
/// # Errors
/// Database failure.
pub async fn identities_of(tx: &TenantTx, contact_id: Uuid) -> Result<Vec<identities::Model>, DbError> {
    use sea_orm::QueryOrder;
    Ok(identities::Entity::find()
        .filter(identities::Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(identities::Column::ContactId.eq(contact_id))
        .order_by_asc(identities::Column::Id)
        .all(tx.conn())
        .await?)
}

/// Gives an existing contact the identity `(channel_kind, external_id)`, unless the identity is
/// already someone's; returns the contact the identity belongs to afterwards.
///
/// # Errors
/// Database failure.
pub async fn link_identity(
    tx: &TenantTx,
    contact_id: Uuid,
    channel_kind: &str,
    external_id: &str,
) -> Result<Model, DbError> {
    insert_identities(tx, channel_kind, &[(external_id.to_owned(), contact_id)]).await?;
    find_by_identity(tx, channel_kind, external_id)
        .await?
        .ok_or(DbError::NotFound)
}

/// Links `(external id, contact)` pairs of one channel kind with one multi-row `INSERT`, leaving
/// any identity that is already someone's (`ON CONFLICT DO NOTHING`).
async fn insert_identities(tx: &TenantTx, channel_kind: &str, links: &[(String, Uuid)]) -> Result<(), DbError> {
    if links.is_empty() {
        return Ok(());
    }
    let at = now();
    let rows: Vec<identities::ActiveModel> = links
        .iter()
        .map(|(ext, contact_id)| identities::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(tx.tenant_id().uuid()),
            contact_id: Set(*contact_id),
            channel_kind: Set(channel_kind.to_owned()),
            external_id: Set(ext.clone()),
            created_at: Set(at),
        })
        .collect();
    identities::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([
                identities::Column::TenantId,
                identities::Column::ChannelKind,
                identities::Column::ExternalId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(tx.conn())
        .await?;
    Ok(())
}

/// What [`find_or_create_by_identity`] did.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    pub contact: Model,
    /// A new contact row was created (not merely a new identity on an existing contact).
    pub created: bool,
}

/// The contact behind `(channel_kind, external_id)`, created (with `new`) if unknown. With a
/// phone, an existing contact with that number gains the identity instead of a duplicate.
/// Existing contacts are returned as stored: a changed profile name is the caller's update.
/// One person of [`resolve_identities`].
///
/// # Errors
/// Database failure.
pub async fn find_or_create_by_identity(
    tx: &TenantTx,
    channel_kind: &str,
    external_id: &str,
    new: NewContact,
) -> Result<Resolved, DbError> {
    resolve_identities(tx, channel_kind, vec![(external_id.to_owned(), new)])
        .await?
        .remove(external_id)
        .ok_or(DbError::NotFound)
}

/// [`find_or_create_by_identity`] for many people of one channel kind at once (a batch of
/// webhook deliveries), in a handful of statements whatever their number: read the known
/// identities; insert the missing contacts with one multi-row `INSERT` (by phone: `ON CONFLICT
/// DO NOTHING` on the number, then read them back); link the identities with another; read the
/// winners. Keyed by external id; the first `NewContact` given for an external id is used.
///
/// Idempotent and race-free without retries: both inserts are `ON CONFLICT DO NOTHING`
/// followed by a read, so two transactions resolving the same person concurrently end on one
/// contact and one identity (Postgres makes the second insert wait for the first to commit;
/// SQLite has one writer). Without a phone, the loser of the race has created a contact nobody
/// points at, and deletes it before returning the winner's.
///
/// # Errors
/// Database failure.
pub async fn resolve_identities(
    tx: &TenantTx,
    channel_kind: &str,
    people: Vec<(String, NewContact)>,
) -> Result<HashMap<String, Resolved>, DbError> {
    let mut wanted: Vec<(String, NewContact)> = Vec::with_capacity(people.len());
    for (ext, new) in people {
        if !wanted.iter().any(|(e, _)| *e == ext) {
            wanted.push((ext, new));
        }
    }
    let externals: Vec<String> = wanted.iter().map(|(e, _)| e.clone()).collect();
    let mut out = known_identities(tx, channel_kind, &externals).await?;
    let missing: Vec<(String, NewContact)> = wanted.into_iter().filter(|(e, _)| !out.contains_key(e)).collect();
    if missing.is_empty() {
        return Ok(out);
    }

    // The contacts: by phone where there is one (an existing number gains the identity), else new.
    let mut ours: Vec<(String, Uuid)> = Vec::with_capacity(missing.len());
    let mut inserted: Vec<ActiveModel> = Vec::new();
    let mut created_ids: std::collections::HashSet<Uuid> = std::collections::HashSet::new();
    let mut by_phone: Vec<(String, String)> = Vec::new();
    let mut phoned: Vec<ActiveModel> = Vec::new();
    for (ext, new) in missing {
        match new.phone.as_ref().map(|p| p.as_str().to_owned()) {
            Some(phone) => {
                if !by_phone.iter().any(|(_, p)| *p == phone) {
                    phoned.push(active(tx, new));
                }
                by_phone.push((ext, phone));
            }
            None => {
                let am = active(tx, new);
                if let sea_orm::ActiveValue::Set(id) = am.id {
                    ours.push((ext, id));
                    created_ids.insert(id);
                }
                inserted.push(am);
            }
        }
    }
    if !inserted.is_empty() {
        Entity::insert_many(inserted).exec_without_returning(tx.conn()).await?;
    }
    if !phoned.is_empty() {
        let attempted: Vec<Uuid> = phoned
            .iter()
            .filter_map(|am| match am.id {
                sea_orm::ActiveValue::Set(id) => Some(id),
                _ => None,
            })
            .collect();
        Entity::insert_many(phoned)
            .on_conflict(
                OnConflict::columns([Column::TenantId, Column::PhoneE164])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(tx.conn())
            .await?;
        let phones: Vec<String> = by_phone.iter().map(|(_, p)| p.clone()).collect();
        let holders: HashMap<String, Uuid> = Entity::find()
            .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
            .filter(Column::PhoneE164.is_in(phones))
            .all(tx.conn())
            .await?
            .into_iter()
            .filter_map(|c| Some((c.phone_e164?, c.id)))
            .collect();
        for (ext, phone) in by_phone {
            let id = *holders.get(&phone).ok_or(DbError::NotFound)?;
            if attempted.contains(&id) {
                created_ids.insert(id);
            }
            ours.push((ext, id));
        }
    }

    // The identities, unless a concurrent transaction linked them first.
    insert_identities(tx, channel_kind, &ours).await?;
    let linked: Vec<String> = ours.iter().map(|(e, _)| e.clone()).collect();
    let winners = known_identities(tx, channel_kind, &linked).await?;
    for (ext, contact_id) in ours {
        let winner = winners.get(&ext).ok_or(DbError::NotFound)?;
        let created = created_ids.contains(&contact_id);
        if winner.contact.id == contact_id {
            out.insert(
                ext,
                Resolved {
                    contact: winner.contact.clone(),
                    created,
                },
            );
            continue;
        }
        // Lost a race: another transaction linked this person first.
        if created && !winners.values().any(|w| w.contact.id == contact_id) {
            Entity::delete_many()
                .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
                .filter(Column::Id.eq(contact_id))
                .exec(tx.conn())
                .await?;
        }
        out.insert(
            ext,
            Resolved {
                contact: winner.contact.clone(),
                created: false,
            },
        );
    }
    Ok(out)
}

/// The contacts behind known identities, keyed by external id (`created: false`).
async fn known_identities(
    tx: &TenantTx,
    channel_kind: &str,
    externals: &[String],
) -> Result<HashMap<String, Resolved>, DbError> {
    if externals.is_empty() {
        return Ok(HashMap::new());
    }
    let links = identities::Entity::find()
        .filter(identities::Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(identities::Column::ChannelKind.eq(channel_kind))
        .filter(identities::Column::ExternalId.is_in(externals.iter().map(String::as_str)))
        .all(tx.conn())
        .await?;
    let ids: Vec<Uuid> = links.iter().map(|l| l.contact_id).collect();
    let contacts = get_many(tx, &ids).await?;
    Ok(links
        .into_iter()
        .filter_map(|l| {
            let contact = contacts.get(&l.contact_id)?.clone();
            Some((
                l.external_id,
                Resolved {
                    contact,
                    created: false,
                },
            ))
        })
        .collect())
}

/// Contacts of this tenant by id, in one query (the inbox renders a page of conversations).
///
/// # Errors
/// Database failure.
pub async fn get_many(tx: &TenantTx, ids: &[Uuid]) -> Result<HashMap<Uuid, Model>, DbError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect())
}
