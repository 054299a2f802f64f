//! Contacts (contatos): the tenant's customers, one per phone number.
//!
//! Permissions: everyone in the tenant reads contacts (`ContactsRead`); creating, editing and
//! tagging them is `ContactsWrite` (agent, supervisor, admin).
//!
//! Phones are parsed into [`PhoneE164`], unique per tenant: `5511987654321`,
//! `+55 (11) 98765-4321` and the same mobile without its ninth digit (`+55 11 8765-4321`) are
//! one number, so the second create is a 409 on `phone`, and a search with any of them finds it.
//!
//! **Deleting a contact deletes its conversations and messages**, as in Chatwoot (whose contact
//! deletion takes the conversations with it) and as LGPD erasure requires; nothing dangles,
//! because the foreign keys cascade. Since that erases history, an agent may delete only a
//! contact *without* conversations (a typo, a duplicate just made); one with conversations
//! needs `ConversationsManage` (supervisor, admin) — an agent gets 403
//! `contact_has_conversations`. The audit row records how many conversations went with it.

use super::tags::TagView;
use crate::Core;
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::authz::require;
use crate::error::{CoreError, CoreResult};
use atende_db::entities::{contact_identities, contacts::Model};
use atende_db::page::PageRequest;
use atende_db::repo::contacts::{self, ContactFilter, ContactPatch, NewContact};
use atende_db::repo::tags;
use atende_db::{DbError, TenantTx};
use atende_domain::values::parse_name;
use atende_domain::{Action, ContactId, Email, FieldErrors, PhoneE164, TagId, TenantCtx, ValidationError};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use utoipa::ToSchema;
use uuid::Uuid;

pub const NAME_MAX: usize = 200;
pub const URL_MAX: usize = 2048;
/// Serialised size limit of `custom_attributes`.
pub const ATTRIBUTES_MAX_BYTES: usize = 16 * 1024;
pub const ATTRIBUTES_MAX_KEYS: usize = 100;
/// Longest key of `custom_attributes`.
pub const ATTRIBUTE_KEY_MAX: usize = 64;
/// Most tags one contact carries.
pub const TAGS_MAX: usize = 50;

/// How a contact is known on a channel (`whatsapp_cloud` + its `wa_id`, …).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct IdentityView {
    pub channel_kind: String,
    pub external_id: String,
    pub created_at: DateTime<Utc>,
}

impl From<&contact_identities::Model> for IdentityView {
    fn from(i: &contact_identities::Model) -> Self {
        Self {
            channel_kind: i.channel_kind.clone(),
            external_id: i.external_id.clone(),
            created_at: i.created_at,
        }
    }
}

/// A contact with its tags and channel identities.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ContactView {
    pub id: Uuid,
    pub name: String,
    /// E.164 (`+5511987654321`); Brazilian mobiles always with the ninth digit.
    pub phone: Option<String>,
    /// The phone for people to read: `(11) 98765-4321` in Brazil, international elsewhere.
    pub phone_display: Option<String>,
    pub email: Option<String>,
    pub avatar_url: Option<String>,
    /// Free-form JSON object of the tenant's own fields.
    #[schema(value_type = Object)]
    pub custom_attributes: Value,
    pub blocked: bool,
    /// The contact asked not to receive campaigns.
    pub opt_out: bool,
    pub tags: Vec<TagView>,
    pub identities: Vec<IdentityView>,
    /// How many conversations the contact has (every status).
    pub conversation_count: u64,
    /// When the last message of any of their conversations was written (null: none yet).
    pub last_contact_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A page of contacts with the number of contacts the filter matches over every page.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ContactPage {
    pub items: Vec<ContactView>,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
    /// Contacts matching `q` / `tag`, over all pages.
    pub total: u64,
}

impl ContactView {
    fn new(
        c: &Model,
        tags: &[atende_db::entities::tags::Model],
        ids: &[contact_identities::Model],
        activity: Option<contacts::Activity>,
    ) -> Self {
        Self {
            id: c.id,
            name: c.name.clone(),
            phone: c.phone_e164.clone(),
            phone_display: c
                .phone_e164
                .as_deref()
                .map(|p| PhoneE164::parse(p).map_or_else(|_| p.to_owned(), |p| p.display())),
            email: c.email.clone(),
            avatar_url: c.avatar_url.clone(),
            custom_attributes: c.attributes.clone(),
            blocked: c.blocked,
            opt_out: c.opted_out,
            tags: tags.iter().map(TagView::from).collect(),
            identities: ids.iter().map(IdentityView::from).collect(),
            conversation_count: activity.map_or(0, |a| a.conversations),
            last_contact_at: activity.map(|a| a.last_message_at),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// Views of `rows` with their tags, identities and conversation activity, in three queries for
/// the whole page (never one per contact).
async fn views(tx: &TenantTx, rows: &[Model]) -> CoreResult<Vec<ContactView>> {
    let ids: Vec<Uuid> = rows.iter().map(|c| c.id).collect();
    let mut tags = tags::of_contacts(tx, &ids).await?;
    let mut identities = contacts::identities_of_many(tx, &ids).await?;
    let activity = contacts::activity_of_many(tx, &ids).await?;
    Ok(rows
        .iter()
        .map(|c| {
            ContactView::new(
                c,
                &tags.remove(&c.id).unwrap_or_default(),
                &identities.remove(&c.id).unwrap_or_default(),
                activity.get(&c.id).copied(),
            )
        })
        .collect())
}

async fn view(tx: &TenantTx, c: &Model) -> CoreResult<ContactView> {
    let mut v = views(tx, std::slice::from_ref(c)).await?;
    v.pop().ok_or(CoreError::NotFound)
}

/// A phone clash names the API's field, `phone`.
fn phone_taken(e: DbError) -> CoreError {
    match e {
        DbError::Conflict { .. } => CoreError::Conflict {
            code: "already_exists",
            field: "phone".into(),
            message: "another contact has this phone number".into(),
        },
        other => other.into(),
    }
}

fn parse_avatar(raw: &str) -> Result<String, ValidationError> {
    let bad = || ValidationError::new("invalid_url", "must be an http or https URL");
    let s = raw.trim();
    if s.chars().count() > URL_MAX {
        return Err(bad());
    }
    let u = url::Url::parse(s).map_err(|_| bad())?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(bad());
    }
    Ok(u.to_string())
}

fn check_attributes(v: &Value) -> Result<&Map<String, Value>, ValidationError> {
    let Some(map) = v.as_object() else {
        return Err(ValidationError::new("invalid_attributes", "must be a JSON object"));
    };
    let size = serde_json::to_vec(v).map_or(usize::MAX, |b| b.len());
    let keys_ok = map
        .keys()
        .all(|k| (1..=ATTRIBUTE_KEY_MAX).contains(&k.chars().count()) && !k.chars().any(char::is_control));
    if map.len() > ATTRIBUTES_MAX_KEYS || size > ATTRIBUTES_MAX_BYTES || !keys_ok {
        return Err(ValidationError::new(
            "invalid_attributes",
            "at most 100 keys of 1 to 64 characters and 16 KiB in all",
        ));
    }
    Ok(map)
}

/// What a client sends to create a contact. Every field is optional, but a contact needs a
/// name, a phone or an e-mail; without a name it is named after its phone or e-mail.
#[derive(Clone, Debug, Default)]
pub struct NewContactInput {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub avatar_url: Option<String>,
    pub custom_attributes: Option<Value>,
    pub blocked: bool,
    pub opt_out: bool,
}

/// # Errors
/// `Validation` on `limit`/`cursor`/`q`.
pub async fn list(
    core: &Core,
    ctx: &TenantCtx,
    search: Option<&str>,
    tag: Option<TagId>,
    page: PageRequest,
) -> CoreResult<ContactPage> {
    require(ctx, Action::ContactsRead)?;
    if search.is_some_and(|s| s.chars().count() > 200) {
        return Err(CoreError::field("q", "must have at most 200 characters"));
    }
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let filter = ContactFilter {
        search,
        tag: tag.map(TagId::uuid),
    };
    let rows = contacts::list_filtered(&tx, &filter, page).await?;
    let items = views(&tx, &rows.items).await?;
    let total = contacts::count_filtered(&tx, &filter).await?;
    tx.commit().await?;
    Ok(ContactPage {
        items,
        next_cursor: rows.next_cursor,
        total,
    })
}

/// # Errors
/// `NotFound`, also for another tenant's contact.
pub async fn get(core: &Core, ctx: &TenantCtx, id: ContactId) -> CoreResult<ContactView> {
    require(ctx, Action::ContactsRead)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let c = contacts::get(&tx, id.uuid()).await?;
    let v = view(&tx, &c).await?;
    tx.commit().await?;
    Ok(v)
}

/// Creates a contact (agent, supervisor, admin).
///
/// # Errors
/// `Forbidden`; `Validation`; `Conflict` on `phone` when another contact has the number.
pub async fn create(
    core: &Core,
    ctx: &TenantCtx,
    input: NewContactInput,
    meta: &RequestMeta,
) -> CoreResult<ContactView> {
    require(ctx, Action::ContactsWrite)?;
    let mut errs = FieldErrors::new();
    let phone = input
        .phone
        .as_deref()
        .and_then(|p| errs.check("phone", PhoneE164::parse(p)));
    let email = input
        .email
        .as_deref()
        .and_then(|e| errs.check("email", Email::parse(e)));
    let avatar_url = input
        .avatar_url
        .as_deref()
        .and_then(|u| errs.check("avatar_url", parse_avatar(u)));
    let attributes = input
        .custom_attributes
        .as_ref()
        .and_then(|a| errs.check("custom_attributes", check_attributes(a)).map(|_| a.clone()));
    let name = match input.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => errs.check("name", parse_name(n, NAME_MAX)),
        None => phone
            .as_ref()
            .map(PhoneE164::display)
            .or_else(|| email.as_ref().map(|e| e.as_str().to_owned())),
    };
    if name.is_none() && !errs.messages.contains_key("name") && errs.is_empty() {
        errs.add("name", "a contact needs a name, a phone or an e-mail");
    }
    errs.into_result()?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let new = NewContact {
        name: name.unwrap_or_default(),
        phone,
        email,
        avatar_url,
        attributes,
    };
    let mut c = contacts::create(&tx, new).await.map_err(phone_taken)?;
    if input.blocked || input.opt_out {
        let flags = ContactPatch {
            blocked: Some(input.blocked),
            opted_out: Some(input.opt_out),
            ..ContactPatch::default()
        };
        c = contacts::update(&tx, c, flags).await?;
    }
    let v = view(&tx, &c).await?;
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("contacts.create", "contact", c.id).after(&v),
    )
    .await?;
    tx.commit().await?;
    Ok(v)
}

/// A contact's changes; `Some(None)` clears an optional field. `custom_attributes` is merged
/// into the stored object key by key (a key set to `null` is removed), as Chatwoot does, so
/// two screens editing different fields do not overwrite each other.
#[derive(Clone, Debug, Default)]
pub struct ContactChanges {
    pub name: Option<String>,
    pub phone: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub avatar_url: Option<Option<String>>,
    pub custom_attributes: Option<Value>,
    pub blocked: Option<bool>,
    pub opt_out: Option<bool>,
}

/// Edits a contact (agent, supervisor, admin).
///
/// # Errors
/// `Forbidden`; `NotFound`; `Validation`; `Conflict` on `phone`.
pub async fn update(
    core: &Core,
    ctx: &TenantCtx,
    id: ContactId,
    input: ContactChanges,
    meta: &RequestMeta,
) -> CoreResult<ContactView> {
    require(ctx, Action::ContactsWrite)?;
    let mut errs = FieldErrors::new();
    let name = input
        .name
        .as_deref()
        .and_then(|n| errs.check("name", parse_name(n, NAME_MAX)));
    let phone = match input.phone.as_ref() {
        Some(Some(p)) => errs.check("phone", PhoneE164::parse(p)).map(Some),
        Some(None) => Some(None),
        None => None,
    };
    let email = match input.email.as_ref() {
        Some(Some(e)) => errs.check("email", Email::parse(e)).map(Some),
        Some(None) => Some(None),
        None => None,
    };
    let avatar_url = match input.avatar_url.as_ref() {
        Some(Some(u)) => errs.check("avatar_url", parse_avatar(u)).map(Some),
        Some(None) => Some(None),
        None => None,
    };
    let changes = input
        .custom_attributes
        .as_ref()
        .and_then(|a| errs.check("custom_attributes", check_attributes(a)));
    errs.into_result()?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let current = contacts::get(&tx, id.uuid()).await?;
    let before = view(&tx, &current).await?;
    let attributes = match changes {
        Some(changes) => Some(merged(&current.attributes, changes)?),
        None => None,
    };
    let patch = ContactPatch {
        name,
        phone,
        email,
        avatar_url,
        attributes,
        blocked: input.blocked,
        opted_out: input.opt_out,
    };
    let c = contacts::update(&tx, current, patch).await.map_err(phone_taken)?;
    let after = view(&tx, &c).await?;
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("contacts.update", "contact", c.id)
            .before(&before)
            .after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// `stored` with `changes` applied key by key (`null` removes a key), within the size limits.
fn merged(stored: &Value, changes: &Map<String, Value>) -> CoreResult<Value> {
    let mut out = stored.as_object().cloned().unwrap_or_default();
    for (k, v) in changes {
        if v.is_null() {
            out.remove(k);
        } else {
            out.insert(k.clone(), v.clone());
        }
    }
    let out = Value::Object(out);
    check_attributes(&out).map_err(|e| CoreError::field("custom_attributes", e.message))?;
    Ok(out)
}

/// Deletes a contact with its conversations (see the module docs for who may).
///
/// # Errors
/// `Forbidden` (also `contact_has_conversations` for an agent); `NotFound`.
pub async fn delete(core: &Core, ctx: &TenantCtx, id: ContactId, meta: &RequestMeta) -> CoreResult<()> {
    require(ctx, Action::ContactsWrite)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let current = contacts::get(&tx, id.uuid()).await?;
    let conversations = contacts::conversation_count(&tx, current.id).await?;
    if conversations > 0 && !ctx.can(Action::ConversationsManage) {
        return Err(CoreError::Forbidden(
            "contact_has_conversations",
            format!(
                "this contact has {conversations} conversation(s); only a supervisor or an admin \
                 can delete it with its history"
            ),
        ));
    }
    let mut before = serde_json::to_value(view(&tx, &current).await?).unwrap_or(Value::Null);
    if let Some(o) = before.as_object_mut() {
        o.insert("conversations_deleted".into(), conversations.into());
    }
    contacts::delete(&tx, current).await?;
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("contacts.delete", "contact", id).before(&before),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Replaces the tags on a contact with `tag_ids` (agent, supervisor, admin): tagging is a
/// contact write. Duplicates are ignored; an id that is not one of the tenant's tags is a 422
/// on `tag_ids`.
///
/// # Errors
/// `Forbidden`; `NotFound` for the contact; `Validation` on `tag_ids`.
pub async fn set_tags(
    core: &Core,
    ctx: &TenantCtx,
    id: ContactId,
    tag_ids: &[Uuid],
    meta: &RequestMeta,
) -> CoreResult<ContactView> {
    require(ctx, Action::ContactsWrite)?;
    let mut wanted: Vec<Uuid> = tag_ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    if wanted.len() > TAGS_MAX {
        return Err(CoreError::field("tag_ids", format!("at most {TAGS_MAX} tags")));
    }
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let current = contacts::get(&tx, id.uuid()).await?;
    let known: HashMap<Uuid, _> = tags::existing(&tx, &wanted)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    if let Some(missing) = wanted.iter().find(|t| !known.contains_key(t)) {
        return Err(CoreError::MissingReference {
            field: "tag_ids".into(),
            message: format!("no such tag: {missing}"),
        });
    }
    let before = view(&tx, &current).await?;
    tags::set_contact_tags(&tx, current.id, &wanted).await?;
    let after = view(&tx, &current).await?;
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("contacts.tags", "contact", current.id)
            .before(&before.tags)
            .after(&after.tags),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
