//! The agents' side of messaging: the inbox, a conversation's messages, replying, assigning,
//! transferring, templates, and the job that delivers outbound messages.
//!
//! - [`conversations`]: list (filters, search, agent scope, keyset by last activity), show,
//!   change status/priority/snooze/tags, assign, transfer, mark read.
//! - [`send`]: an agent's message (text, media, template, interactive, reaction, reply, private
//!   note) checked against the 24-hour window and stored `queued` with its delivery job in one
//!   transaction; `Idempotency-Key`; retry of a failed message; uploads.
//! - [`deliver`]: the `message.deliver` job (pacing, retries, provider errors, never twice).
//! - [`templates`]: WhatsApp templates synced from Graph and their review status.
//! - views ([`ConversationView`], [`MessageView`]) here.

pub mod conversations;
pub mod deliver;
pub mod send;
pub mod templates;

use crate::Core;
use crate::error::CoreResult;
use atende_db::TenantTx;
use atende_db::entities::{contacts, conversations as conv, messages, tags};
use atende_db::repo::conversations::Visibility;
use atende_db::repo::{contacts as contact_repo, tags as tag_repo, teams};
use atende_domain::permission::{ConversationScope, conversation_scope};
use atende_domain::window::{window_closes_at, window_open};
use atende_domain::{TeamId, TenantCtx};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

/// The contact as a conversation shows it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ContactSummary {
    pub id: Uuid,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub avatar_url: Option<String>,
}

impl From<&contacts::Model> for ContactSummary {
    fn from(c: &contacts::Model) -> Self {
        Self {
            id: c.id,
            name: c.name.clone(),
            phone: c.phone_e164.clone(),
            email: c.email.clone(),
            avatar_url: c.avatar_url.clone(),
        }
    }
}

/// A tag on a conversation.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TagSummary {
    pub id: Uuid,
    pub name: String,
    pub color: Option<String>,
}

impl From<&tags::Model> for TagSummary {
    fn from(t: &tags::Model) -> Self {
        Self {
            id: t.id,
            name: t.name.clone(),
            color: t.color.clone(),
        }
    }
}

/// A conversation as the inbox shows it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ConversationView {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub contact: ContactSummary,
    /// `open`, `pending`, `waiting`, `resolved`, `archived`, `spam`.
    pub status: String,
    pub assignee_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    /// `low`, `normal`, `high`, `urgent`.
    pub priority: String,
    pub last_message_at: DateTime<Utc>,
    pub last_inbound_at: Option<DateTime<Utc>>,
    /// Whether a free-form message may go now (WhatsApp's 24-hour window). Always true for
    /// channels without a window.
    pub window_open: bool,
    /// When the window closes (WhatsApp); `null` if the customer never wrote or no window applies.
    pub window_closes_at: Option<DateTime<Utc>>,
    pub unread_count: i32,
    pub snoozed_until: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub tags: Vec<TagSummary>,
    /// The latest message that is not a private note.
    pub last_message: Option<MessagePreview>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A one-line preview of a message.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MessagePreview {
    pub id: Uuid,
    pub direction: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub body: Option<String>,
    pub status: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A file of a message: `url` is a signed link that expires (an `<img>` needs no token).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MediaView {
    pub url: Option<String>,
    pub mime: Option<String>,
    pub size: Option<i64>,
    pub file_name: Option<String>,
    pub sha256: Option<String>,
}

/// The provider's reason for a failure.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FailureView {
    pub code: Option<String>,
    pub title: Option<String>,
}

/// A message.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MessageView {
    pub id: Uuid,
    pub conversation_id: Uuid,
    /// `inbound` or `outbound`.
    pub direction: String,
    /// `contact`, `agent`, `bot`, `system`.
    pub author: String,
    pub author_user_id: Option<Uuid>,
    /// `text`, `image`, `audio`, `video`, `document`, `location`, `contact`, `sticker`,
    /// `reaction`, `template`, `interactive`, `unsupported`, `system`.
    #[serde(rename = "type")]
    pub kind: String,
    pub body: Option<String>,
    /// Structured content (location, contact cards, buttons, template parameters, reaction).
    #[schema(value_type = Option<Object>)]
    pub payload: Option<Value>,
    pub media: Option<MediaView>,
    pub reply_to_id: Option<Uuid>,
    pub provider_message_id: Option<String>,
    /// `queued`, `sent`, `delivered`, `read`, `played`, `failed`; `null` for inbound messages
    /// and notes.
    pub status: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub read_at: Option<DateTime<Utc>>,
    pub failed_at: Option<DateTime<Utc>>,
    pub error: Option<FailureView>,
    pub is_private_note: bool,
    #[schema(value_type = Option<Object>)]
    pub mentions: Option<Value>,
    pub provider_timestamp: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl MessageView {
    /// The view, with a signed link for its file.
    #[must_use]
    pub fn of(core: &Core, m: &messages::Model) -> Self {
        let media = (m.media_object_key.is_some() || m.media_mime.is_some()).then(|| MediaView {
            url: m.media_object_key.as_ref().map(|k| {
                crate::media::media_url(
                    &core.keys,
                    k,
                    m.media_mime.as_deref(),
                    core.config.media_link_ttl,
                    Utc::now(),
                )
            }),
            mime: m.media_mime.clone(),
            size: m.media_size,
            file_name: m.media_file_name.clone(),
            sha256: m.media_sha256.clone(),
        });
        let error = (m.error_code.is_some() || m.error_title.is_some()).then(|| FailureView {
            code: m.error_code.clone(),
            title: m.error_title.clone(),
        });
        Self {
            id: m.id,
            conversation_id: m.conversation_id,
            direction: m.direction.clone(),
            author: m.author_kind.clone(),
            author_user_id: m.author_user_id,
            kind: m.kind.clone(),
            body: m.body.clone(),
            payload: m.payload.clone(),
            media,
            reply_to_id: m.reply_to_id,
            provider_message_id: m.provider_message_id.clone(),
            status: m.status.clone(),
            sent_at: m.sent_at,
            delivered_at: m.delivered_at,
            read_at: m.read_at,
            failed_at: m.failed_at,
            error,
            is_private_note: m.is_private_note,
            mentions: m.mentions.clone(),
            provider_timestamp: m.provider_timestamp,
            created_at: m.created_at,
        }
    }
}

/// Whether the channel kind has WhatsApp's 24-hour window.
#[must_use]
pub fn has_window(channel_kind: &str) -> bool {
    channel_kind == atende_db::repo::channels::kind::WHATSAPP_CLOUD
}

/// Builds the inbox view of conversations (one query each for contact, tags and preview).
///
/// # Errors
/// Database failure.
pub async fn conversation_views(tx: &TenantTx, rows: Vec<conv::Model>) -> CoreResult<Vec<ConversationView>> {
    let now = Utc::now();
    let mut out = Vec::with_capacity(rows.len());
    let mut channel_kinds = std::collections::HashMap::new();
    let ids: Vec<Uuid> = rows.iter().map(|c| c.contact_id).collect();
    let contacts = contact_repo::get_many(tx, &ids).await?;
    let conversation_ids: Vec<Uuid> = rows.iter().map(|c| c.id).collect();
    let mut tags_of = tag_repo::of_conversations(tx, &conversation_ids).await?;
    for c in rows {
        let contact = contacts.get(&c.contact_id).ok_or(crate::CoreError::NotFound)?;
        let tags = tags_of.remove(&c.id).unwrap_or_default();
        let last = atende_db::repo::messages::last_of(tx, c.id).await?;
        if let std::collections::hash_map::Entry::Vacant(e) = channel_kinds.entry(c.channel_id) {
            e.insert(
                atende_db::repo::channels::get_any(tx, c.channel_id)
                    .await?
                    .map(|ch| ch.kind),
            );
        }
        let windowed = channel_kinds
            .get(&c.channel_id)
            .and_then(Option::as_deref)
            .is_some_and(has_window);
        out.push(ConversationView {
            id: c.id,
            channel_id: c.channel_id,
            contact: ContactSummary::from(contact),
            status: c.status.clone(),
            assignee_id: c.assignee_id,
            team_id: c.team_id,
            department_id: c.department_id,
            priority: c.priority.clone(),
            last_message_at: c.last_message_at,
            last_inbound_at: c.last_inbound_at,
            window_open: !windowed || window_open(c.last_inbound_at, now),
            window_closes_at: if windowed {
                window_closes_at(c.last_inbound_at)
            } else {
                None
            },
            unread_count: c.unread_count,
            snoozed_until: c.snoozed_until,
            resolved_at: c.resolved_at,
            tags: tags.iter().map(TagSummary::from).collect(),
            last_message: last.map(|m| MessagePreview {
                id: m.id,
                direction: m.direction,
                kind: m.kind,
                body: m.body.map(|b| b.chars().take(200).collect()),
                status: m.status,
                created_at: m.created_at,
            }),
            created_at: c.created_at,
            updated_at: c.updated_at,
        });
    }
    Ok(out)
}

/// The conversations a caller may see: `None` for everything (supervisors, admins, API keys),
/// or an agent's or viewer's scope.
///
/// # Errors
/// Database failure.
pub async fn visibility(tx: &TenantTx, ctx: &TenantCtx) -> CoreResult<Option<Visibility>> {
    let Some(user) = ctx.user_id() else {
        return Ok(None);
    };
    if conversation_scope(ctx.role) == ConversationScope::All {
        return Ok(None);
    }
    let team_ids = teams::of_user(tx, user).await?;
    let mut departments = Vec::new();
    for t in &team_ids {
        if let Some(d) = teams::get(tx, TeamId(*t)).await?.department_id {
            departments.push(d);
        }
    }
    Ok(Some(Visibility {
        user: user.uuid(),
        teams: team_ids,
        departments,
    }))
}

/// A conversation the caller may see (404 otherwise, like a foreign id).
///
/// # Errors
/// `NotFound`.
pub async fn visible_conversation(tx: &TenantTx, ctx: &TenantCtx, id: Uuid) -> CoreResult<conv::Model> {
    let c = atende_db::repo::conversations::get(tx, id).await?;
    if let Some(v) = visibility(tx, ctx).await?
        && !v.allows(&c)
    {
        return Err(crate::CoreError::NotFound);
    }
    Ok(c)
}
