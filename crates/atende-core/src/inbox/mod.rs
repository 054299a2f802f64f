//! The agents' side of messaging: the inbox, a conversation's messages, replying, assigning,
//! transferring, templates, and the job that delivers outbound messages.
//!
//! - [`conversations`]: list (filters, search, agent scope, keyset by last activity), show,
//!   change status/priority/snooze/tags, assign, transfer, mark read.
//! - [`lifecycle`]: taking a conversation ("Atender", and the first reply that takes it).
//! - [`send`]: an agent's message (text, media, template, interactive, reaction, reply, private
//!   note) checked against the 24-hour window and stored `queued` with its delivery job in one
//!   transaction; `Idempotency-Key`; retry of a failed message; uploads.
//! - [`media_retry`]: "tentar novamente" on an inbound file that could not be downloaded.
//! - [`deliver`]: the `message.deliver` job (pacing, retries, provider errors, never twice).
//! - [`templates`]: WhatsApp templates synced from Graph and their review status.
//! - views ([`ConversationView`], [`MessageView`]) here.

pub mod conversations;
pub mod deliver;
pub mod lifecycle;
pub mod media_retry;
pub mod send;
pub mod start;
mod template_sync;
pub mod templates;

use crate::Core;
use crate::error::CoreResult;
use atende_db::TenantTx;
use atende_db::entities::{contacts, conversations as conv, messages, tags};
use atende_db::repo::conversations::Visibility;
use atende_db::repo::{
    channels as channel_repo, contacts as contact_repo, messages as message_repo, tags as tag_repo, teams,
};
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

impl From<message_repo::Preview> for MessagePreview {
    fn from(p: message_repo::Preview) -> Self {
        Self {
            id: p.id,
            direction: p.direction,
            kind: p.kind,
            body: p.body,
            status: p.status,
            created_at: p.created_at,
        }
    }
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
        let media =
            (m.media_object_key.is_some() || m.media_mime.is_some() || m.media_file_name.is_some()).then(|| {
                MediaView {
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
                }
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

/// Builds the inbox view of a page of conversations with a fixed number of statements, whatever
/// the page's size: contacts (one), tags (two: links, then the tags), last-message previews
/// (one, [`atende_db::repo::messages::previews_of`], between two `SET LOCAL`s on PostgreSQL) and
/// channel kinds (one). Unread counts and every other field come with the conversation rows
/// themselves.
///
/// # Errors
/// Database failure; `NotFound` if a conversation's contact is missing.
pub async fn conversation_views(tx: &TenantTx, rows: Vec<conv::Model>) -> CoreResult<Vec<ConversationView>> {
    let now = Utc::now();
    let conversation_ids: Vec<Uuid> = rows.iter().map(|c| c.id).collect();
    let contact_ids: Vec<Uuid> = rows.iter().map(|c| c.contact_id).collect();
    let mut channel_ids: Vec<Uuid> = rows.iter().map(|c| c.channel_id).collect();
    channel_ids.sort_unstable();
    channel_ids.dedup();
    let contacts = contact_repo::get_many(tx, &contact_ids).await?;
    let mut tags_of = tag_repo::of_conversations(tx, &conversation_ids).await?;
    let mut previews = message_repo::previews_of(tx, &conversation_ids).await?;
    let channel_kinds = channel_repo::kinds_of(tx, &channel_ids).await?;
    rows.into_iter()
        .map(|c| {
            let contact = contacts.get(&c.contact_id).ok_or(crate::CoreError::NotFound)?;
            let tags = tags_of.remove(&c.id).unwrap_or_default();
            let windowed = channel_kinds.get(&c.channel_id).is_some_and(|k| has_window(k));
            Ok(ConversationView {
                id: c.id,
                channel_id: c.channel_id,
                contact: ContactSummary::from(contact),
                status: c.status,
                assignee_id: c.assignee_id,
                team_id: c.team_id,
                department_id: c.department_id,
                priority: c.priority,
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
                last_message: previews.remove(&c.id).map(MessagePreview::from),
                created_at: c.created_at,
                updated_at: c.updated_at,
            })
        })
        .collect()
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
    // Assigned to the caller or to nobody: inside every user's view (`Visibility::allows`), so
    // the caller's teams need not be read. The common case, an agent opening their own
    // conversation, saves a statement.
    if ctx
        .user_id()
        .is_some_and(|u| c.assignee_id.is_none_or(|a| a == u.uuid()))
    {
        return Ok(c);
    }
    if let Some(v) = visibility(tx, ctx).await?
        && !v.allows(&c)
    {
        return Err(crate::CoreError::NotFound);
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    //! [`conversation_views`] on both engines: what each view says, and (on PostgreSQL, which can
    //! count a connection's statement executions) that a page costs the same few statements
    //! whatever its size.

    use super::*;
    use atende_db::repo::{channels, contacts, conversations, messages, tags, tenants};
    use atende_db::sea_orm::{ConnectionTrait, DbBackend, Statement};
    use atende_db::testing::TestDb;
    use atende_db::{Backend, Db, Scoped};
    use atende_domain::{Author, MessageType, TenantId};

    /// A tenant with a WhatsApp and a web-chat channel and `n` conversations alternating between
    /// them. Conversation `i` has an inbound text and an agent's reply; then every third ends on a
    /// private note, every fifth on a system line (neither is a preview), the first has a
    /// 300-character reply, the last no message at all, and even ones carry a tag.
    async fn inbox_of(db: &Db, n: usize) -> (TenantId, Vec<conv::Model>) {
        let tenant = TenantId::new();
        let tx = db.platform_tx().await.unwrap();
        let new = tenants::NewTenant {
            id: tenant,
            slug: "views",
            name: "Views",
            time_zone: "America/Sao_Paulo",
            locale: "pt-BR",
        };
        tenants::create(&tx, new).await.unwrap();
        tx.commit().await.unwrap();
        let tx = db.tenant_tx(tenant).await.unwrap();
        let channel = |kind: &'static str, external: &str| channels::NewChannel {
            kind,
            name: kind.to_owned(),
            status: channels::status::CONNECTED,
            credentials_enc: None,
            credentials_hint: None,
            external_id: Some(external.to_owned()),
            public_token: None,
            settings: serde_json::json!({}),
        };
        let whatsapp = channels::create(&tx, channel(channels::kind::WHATSAPP_CLOUD, "views-wa"))
            .await
            .unwrap();
        let webchat = channels::create(&tx, channel(channels::kind::WEBCHAT, "views-web"))
            .await
            .unwrap();
        let tag = tags::create(&tx, "vip", None).await.unwrap();
        let mut rows = Vec::new();
        for i in 0..n {
            let ch = if i % 2 == 0 { &whatsapp } else { &webchat };
            let contact = contacts::NewContact {
                name: format!("Cliente {i}"),
                ..contacts::NewContact::default()
            };
            let contact = contacts::create(&tx, contact).await.unwrap();
            let c = conversations::create(&tx, conversations::NewConversation::open(ch.id, contact.id))
                .await
                .unwrap();
            if i % 2 == 0 {
                tags::tag_conversation(&tx, c.id, tag.id).await.unwrap();
            }
            if i + 1 < n {
                let say = |author, kind, body: String| messages::NewMessage {
                    body: Some(body),
                    is_private_note: author == Author::Agent && i % 3 == 0 && kind == MessageType::Text,
                    ..messages::NewMessage::new(c.id, ch.id, author, kind)
                };
                let inbound = messages::NewMessage {
                    body: Some(format!("Oi {i}")),
                    ..messages::NewMessage::new(c.id, ch.id, Author::Contact, MessageType::Text)
                };
                messages::insert(&tx, inbound).await.unwrap();
                conversations::record_message(&tx, c.id, Utc::now(), true)
                    .await
                    .unwrap();
                let reply = if i == 0 {
                    "x".repeat(300)
                } else {
                    format!("Resposta {i}")
                };
                let reply = messages::NewMessage {
                    body: Some(reply),
                    ..messages::NewMessage::new(c.id, ch.id, Author::Agent, MessageType::Text)
                };
                messages::insert(&tx, reply).await.unwrap();
                if i % 3 == 0 {
                    messages::insert(&tx, say(Author::Agent, MessageType::Text, "nota".into()))
                        .await
                        .unwrap();
                }
                if i % 5 == 0 {
                    messages::insert(&tx, say(Author::System, MessageType::System, "resolvida".into()))
                        .await
                        .unwrap();
                }
            }
            rows.push(conversations::get(&tx, c.id).await.unwrap());
        }
        tx.commit().await.unwrap();
        (tenant, rows)
    }

    /// Statements this connection has executed through prepared statements (every repository
    /// query is one; the planner settings around the previews, sent as simple queries, are not
    /// counted), including the execution of this query itself.
    async fn executed(tx: &TenantTx) -> i64 {
        let row = tx
            .conn()
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT coalesce(sum(generic_plans + custom_plans), 0)::int8 AS n FROM pg_prepared_statements",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get("", "n").unwrap()
    }

    /// Builds the views of `rows` and, on PostgreSQL, how many statements that took.
    async fn views_counted(db: &Db, tenant: TenantId, rows: &[conv::Model]) -> (Vec<ConversationView>, Option<i64>) {
        let tx = db.tenant_tx(tenant).await.unwrap();
        let pg = db.backend() == Backend::Postgres;
        let before = if pg { executed(&tx).await } else { 0 };
        let views = conversation_views(&tx, rows.to_vec()).await.unwrap();
        // The second count's own execution is the `- 1`.
        let count = if pg {
            Some(executed(&tx).await - before - 1)
        } else {
            None
        };
        tx.commit().await.unwrap();
        (views, count)
    }

    async fn a_page_of_views_costs_the_same_statements_whatever_its_size(t: TestDb) {
        // Arrange
        let (tenant, rows) = inbox_of(&t.db, 25).await;

        // Act
        let (small, small_count) = views_counted(&t.db, tenant, &rows[..2]).await;
        let (views, count) = views_counted(&t.db, tenant, &rows).await;

        // Assert: contacts, tag links, tags, previews, channel kinds.
        if t.backend() == Backend::Postgres {
            assert_eq!(small_count, Some(5));
            assert_eq!(count, Some(5), "25 conversations, the same statements as 2");
        }
        assert_eq!(small.len(), 2);
        assert_eq!(views.len(), 25);
        for (i, v) in views.iter().enumerate() {
            assert_eq!(v.id, rows[i].id, "the page's order is kept");
            assert_eq!(v.contact.name, format!("Cliente {i}"));
            assert_eq!(v.tags.len(), usize::from(i % 2 == 0), "conversation {i}");
            let preview = v.last_message.as_ref();
            if i == 24 {
                assert!(preview.is_none(), "no message, no preview");
                continue;
            }
            let preview = preview.unwrap();
            assert_eq!(
                preview.direction, "outbound",
                "the reply, not a note or system line ({i})"
            );
            assert_eq!(preview.kind, "text");
            let body = preview.body.as_deref().unwrap();
            if i == 0 {
                assert_eq!(body, "x".repeat(200), "cut to 200 characters");
            } else {
                assert_eq!(body, format!("Resposta {i}"));
            }
            assert_eq!(v.unread_count, 1);
            // WhatsApp (even) has the 24-hour window, open since the customer just wrote;
            // web chat (odd) has none.
            assert!(v.window_open);
            assert_eq!(v.window_closes_at.is_some(), i % 2 == 0, "conversation {i}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn views_sqlite() {
        a_page_of_views_costs_the_same_statements_whatever_its_size(TestDb::sqlite().await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn views_postgres() {
        let Some(t) = TestDb::postgres().await else {
            eprintln!("{} not set: Postgres variant skipped", atende_db::testing::PG_ENV);
            return;
        };
        a_page_of_views_costs_the_same_statements_whatever_its_size(t).await;
    }
}
