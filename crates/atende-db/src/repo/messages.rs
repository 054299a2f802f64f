//! Messages: idempotent insert, a conversation's history, the inbox's previews, and delivery
//! statuses applied monotonically.
//!
//! # Idempotency
//!
//! `(tenant_id, channel_id, provider_message_id)` is unique: a webhook delivered twice, a job
//! replayed after a crash, or two workers racing on the same delivery all end on one row.
//! [`insert`] is `INSERT … ON CONFLICT DO NOTHING RETURNING *` followed, on a conflict, by a
//! read of the existing row — on both engines, with no error and no retry loop. On Postgres a
//! conflicting insert waits for the transaction holding the other row to finish, then reads the
//! committed row (each statement of a `READ COMMITTED` transaction takes a new snapshot); on
//! SQLite the single writer serializes them. API posts without a provider id use
//! `(tenant_id, idempotency_key)` the same way.
//!
//! [`insert_many`] does the same for a batch (one multi-row `INSERT`, one read of the rows that
//! were there already).
//!
//! # Delivery status
//!
//! In [`super::message_status`] (re-exported here): reports folded over locked rows by
//! `atende_domain::delivery::apply_status`, one report or a webhook batch at a time.
//!
//! # Reads in index order (PostgreSQL)
//!
//! A conversation's history and the inbox's previews want the newest rows of one conversation:
//! a backward walk of `ix_messages__conversation` that stops after the page. Under row-level
//! security, on tables without statistics, the planner does not choose it. It estimates
//! `tenant_id = $1` at 0.5 %, then the policy's `tenant_id = current_setting(…)` at 0.5 % again
//! (the same condition, counted twice), so it expects two rows of the conversation where there are
//! hundreds; a `LIMIT 51` then saves nothing on the walk, and a bitmap scan of *every* message of
//! the conversation plus a sort comes out about 1 % cheaper (measured at 20 M messages: 113 pages
//! read and sorted to open a 110-message conversation, 55 pages walked in order; a conversation of
//! 10,000 messages would read 10,000). So [`in_index_order`] plans these reads with
//! `enable_sort = off` (`SET LOCAL`, set back right after): the planner still chooses, but every
//! alternative to the ordered walk would need a sort. Two more statements a read, each a round
//! trip (~0.1 ms on the bench machine). The inbox's list (`conversations::list`) runs the same
//! way, for the same reason. The plan tests EXPLAIN them with the same setting.

pub use super::message_status::{
    StatusOutcome, StatusReport, apply_status, apply_status_by_provider_id, apply_statuses, mark_sent,
};

use crate::db::{Scoped, TenantTx};
use crate::entities::messages::{ActiveModel, Column, Entity, Model};
use crate::error::DbError;
use crate::page::{Page, PageRequest};
use crate::repo::{now, stored_time};
use atende_domain::TenantId;
use atende_domain::{Author, MessageStatus, MessageType};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, JoinType, OnConflict, Order, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select, Statement,
};
use std::collections::HashMap;
use uuid::Uuid;

/// A file in object storage. A media message's caption is its `body`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MediaRef {
    pub object_key: Option<String>,
    pub mime: Option<String>,
    pub size: Option<i64>,
    pub file_name: Option<String>,
    /// Lowercase hex.
    pub sha256: Option<String>,
}

/// A message to store. Its direction follows from its author (only the contact writes inbound).
#[derive(Clone, Debug)]
pub struct NewMessage {
    pub conversation_id: Uuid,
    pub channel_id: Uuid,
    pub author: Author,
    pub author_user_id: Option<Uuid>,
    pub kind: MessageType,
    pub body: Option<String>,
    pub payload: Option<serde_json::Value>,
    pub media: Option<MediaRef>,
    pub reply_to_id: Option<Uuid>,
    pub reply_to_provider_id: Option<String>,
    /// The idempotency key of inbound messages (and of sent ones, once known).
    pub provider_message_id: Option<String>,
    /// `None` for messages no provider delivers for us: inbound, private notes, system lines.
    pub status: Option<MessageStatus>,
    pub is_private_note: bool,
    pub mentions: Option<serde_json::Value>,
    pub provider_timestamp: Option<DateTime<Utc>>,
    /// The API's `Idempotency-Key`.
    pub idempotency_key: Option<String>,
}

impl NewMessage {
    /// A message with only the required parts; set the rest with struct update syntax.
    #[must_use]
    pub fn new(conversation_id: Uuid, channel_id: Uuid, author: Author, kind: MessageType) -> Self {
        Self {
            conversation_id,
            channel_id,
            author,
            author_user_id: None,
            kind,
            body: None,
            payload: None,
            media: None,
            reply_to_id: None,
            reply_to_provider_id: None,
            provider_message_id: None,
            status: None,
            is_private_note: false,
            mentions: None,
            provider_timestamp: None,
            idempotency_key: None,
        }
    }
}

/// What [`insert`] did.
#[derive(Clone, Debug, PartialEq)]
pub struct Inserted {
    pub message: Model,
    /// `false`: the key was known and `message` is the row stored before; nothing was written.
    pub created: bool,
}

/// Stores a message once per idempotency key (see the module docs).
///
/// # Errors
/// `MissingReference` when the conversation or channel is not this tenant's;
/// `Conflict { field: "idempotency_key" }` when a message with a provider id reuses another
/// message's API key.
pub async fn insert(tx: &TenantTx, m: NewMessage) -> Result<Inserted, DbError> {
    let Some(key) = m.idempotency_key.clone().filter(|_| m.provider_message_id.is_none()) else {
        return insert_many(tx, vec![m]).await?.pop().ok_or(DbError::NotFound);
    };
    // `INSERT … ON CONFLICT (key) DO NOTHING RETURNING *`: one row if inserted, none on a conflict.
    let at = now();
    let insert = Entity::insert(active(tx, m.clone(), thread_id(&m, at), at)).on_conflict(
        OnConflict::columns([Column::TenantId, Column::IdempotencyKey])
            .do_nothing()
            .to_owned(),
    );
    if let Some(message) = returning(tx, insert.into_query()).await?.pop() {
        return Ok(Inserted { message, created: true });
    }
    let message = find_by_idempotency_key(tx, &key).await?.ok_or(DbError::NotFound)?;
    Ok(Inserted {
        message,
        created: false,
    })
}

/// Micro-seconds of arrival after the customer's send time that an id can order (≈ 12.7 days,
/// longer than a provider retries a delivery).
const ARRIVAL_BITS: u32 = 40;

/// A message's id, which is also its place in the thread (ids are UUIDv7, ordered by time; the
/// history, its keyset and the list's preview all order by id).
///
/// A customer's message takes its place by when they sent it (the provider's timestamp), not by
/// when it was stored: a video whose download took longer than the texts sent after it still
/// sits before them. The id's time is the send time, and the bits that follow hold the arrival
/// (micro-seconds after the send time, capped at [`ARRIVAL_BITS`]): messages sent in the same
/// second (WhatsApp's resolution) keep their order of arrival. The last 34 bits stay random.
/// A send time in the future (a skewed clock) counts as now. Every other message is
/// `Uuid::now_v7()`: its time is when it was written.
fn thread_id(m: &NewMessage, at: DateTime<Utc>) -> Uuid {
    match m.provider_timestamp {
        Some(sent) if m.author == Author::Contact && sent < at => ordered_id(sent, at),
        _ => Uuid::now_v7(),
    }
}

/// A UUIDv7 whose time is `sent` (ms) and whose next 40 bits are `arrived - sent` in µs.
fn ordered_id(sent: DateTime<Utc>, arrived: DateTime<Utc>) -> Uuid {
    let ms = u128::from(u64::try_from(sent.timestamp_millis()).unwrap_or(0)) & ((1 << 48) - 1);
    let late = (arrived - sent).num_microseconds().unwrap_or(i64::MAX);
    let late = u128::from(std::cmp::min(
        u64::try_from(late).unwrap_or(0),
        (1_u64 << ARRIVAL_BITS) - 1,
    ));
    let random = u128::from(rand_u64()) & ((1 << 34) - 1);
    let rand_a = late >> 28; // 12 bits
    let rand_b = ((late & ((1 << 28) - 1)) << 34) | random; // 62 bits
    Uuid::from_u128((ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b)
}

/// Random bits, from the random tail of a fresh UUIDv7.
fn rand_u64() -> u64 {
    let b = *Uuid::now_v7().as_bytes();
    u64::from_le_bytes([b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]])
}

#[cfg(test)]
mod thread_order {
    use super::{NewMessage, ordered_id, thread_id};
    use atende_domain::{Author, MessageType};
    use chrono::{TimeDelta, TimeZone, Utc};
    use uuid::Uuid;

    #[test]
    fn ids_follow_send_time_then_arrival() {
        let s = Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap();
        let sec = TimeDelta::seconds(1);
        // Sent 12:00:00, arrived late; sent 12:00:01, arrived early: the first sorts first.
        let video = ordered_id(s, s + sec * 40);
        let text = ordered_id(s + sec, s + sec * 2);
        assert!(video < text);
        // Same send second: arrival order.
        let a = ordered_id(s, s + TimeDelta::milliseconds(300));
        let b = ordered_id(s, s + TimeDelta::milliseconds(301));
        assert!(a < b);
        assert_eq!(a.get_version_num(), 7);
        assert_eq!(a.get_variant(), uuid::Variant::RFC4122);
        let (secs, _) = a.get_timestamp().unwrap().to_unix();
        assert_eq!(i64::try_from(secs).unwrap(), s.timestamp());
        // An agent's message, or a customer's with a future time: now.
        let now = Utc::now();
        let mut m = NewMessage::new(Uuid::nil(), Uuid::nil(), Author::Agent, MessageType::Text);
        m.provider_timestamp = Some(s);
        assert!(thread_id(&m, now) > ordered_id(now - sec, now));
        m.author = Author::Contact;
        m.provider_timestamp = Some(now + sec * 60);
        assert!(thread_id(&m, now) > ordered_id(now - sec, now));
    }
}

fn active(tx: &TenantTx, m: NewMessage, id: Uuid, at: DateTime<Utc>) -> ActiveModel {
    let media = m.media.unwrap_or_default();
    let stamp = |s: MessageStatus| (m.status == Some(s)).then_some(at);
    ActiveModel {
        id: Set(id),
        tenant_id: Set(tx.tenant_id().uuid()),
        conversation_id: Set(m.conversation_id),
        channel_id: Set(m.channel_id),
        direction: Set(m.author.direction().as_str().to_owned()),
        author_kind: Set(m.author.as_str().to_owned()),
        author_user_id: Set(m.author_user_id),
        kind: Set(m.kind.as_str().to_owned()),
        body: Set(m.body),
        payload: Set(m.payload),
        media_object_key: Set(media.object_key),
        media_mime: Set(media.mime),
        media_size: Set(media.size),
        media_file_name: Set(media.file_name),
        media_sha256: Set(media.sha256),
        reply_to_id: Set(m.reply_to_id),
        reply_to_provider_id: Set(m.reply_to_provider_id),
        provider_message_id: Set(m.provider_message_id),
        status: Set(m.status.map(|s| s.as_str().to_owned())),
        sent_at: Set(stamp(MessageStatus::Sent)),
        delivered_at: Set(stamp(MessageStatus::Delivered)),
        read_at: Set(stamp(MessageStatus::Read)),
        played_at: Set(stamp(MessageStatus::Played)),
        failed_at: Set(stamp(MessageStatus::Failed)),
        error_code: Set(None),
        error_title: Set(None),
        is_private_note: Set(m.is_private_note),
        mentions: Set(m.mentions),
        provider_timestamp: Set(m.provider_timestamp.map(stored_time)),
        idempotency_key: Set(m.idempotency_key),
        created_at: Set(at),
    }
}

/// Stores a batch of messages in order, once per provider id (see the module docs), with one
/// multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING *` for those with a provider id, one
/// plain multi-row `INSERT` for those without, and one read of the rows that were there
/// already. A provider id repeated within the batch is stored once: the later ones answer the
/// first's row with `created: false`, as if they had come one after the other. For messages
/// with only an API `Idempotency-Key`, use [`insert`].
///
/// # Errors
/// `MissingReference` when a conversation or channel is not this tenant's.
pub async fn insert_many(tx: &TenantTx, batch: Vec<NewMessage>) -> Result<Vec<Inserted>, DbError> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let at = now();
    // Which row of the batch answers each entry: its own, or the first with its provider id.
    let mut first_of: HashMap<(Uuid, String), usize> = HashMap::new();
    let mut answer: Vec<usize> = Vec::with_capacity(batch.len());
    let mut ids: Vec<Uuid> = Vec::with_capacity(batch.len());
    let mut keyed = Vec::new();
    let mut plain = Vec::new();
    for (i, m) in batch.into_iter().enumerate() {
        let id = thread_id(&m, at);
        ids.push(id);
        match &m.provider_message_id {
            Some(p) => match first_of.entry((m.channel_id, p.clone())) {
                std::collections::hash_map::Entry::Occupied(e) => answer.push(*e.get()),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(i);
                    answer.push(i);
                    keyed.push(active(tx, m, id, at));
                }
            },
            None => {
                answer.push(i);
                plain.push(active(tx, m, id, at));
            }
        }
    }
    let mut stored: HashMap<Uuid, Model> = HashMap::new();
    if !keyed.is_empty() {
        let insert = Entity::insert_many(keyed).on_conflict(
            OnConflict::columns([Column::TenantId, Column::ChannelId, Column::ProviderMessageId])
                .do_nothing()
                .to_owned(),
        );
        stored.extend(returning(tx, insert.into_query()).await?.into_iter().map(|m| (m.id, m)));
    }
    if !plain.is_empty() {
        let insert = Entity::insert_many(plain).into_query();
        stored.extend(returning(tx, insert).await?.into_iter().map(|m| (m.id, m)));
    }
    // Provider ids that were stored before: their existing rows.
    let clashed: Vec<(Uuid, String)> = first_of
        .iter()
        .filter(|(_, i)| !stored.contains_key(&ids[**i]))
        .map(|(k, _)| k.clone())
        .collect();
    let mut existing: HashMap<(Uuid, String), Model> = HashMap::new();
    if !clashed.is_empty() {
        let channels: Vec<Uuid> = clashed.iter().map(|(c, _)| *c).collect();
        let pids: Vec<&str> = clashed.iter().map(|(_, p)| p.as_str()).collect();
        for m in Entity::find()
            .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
            .filter(Column::ChannelId.is_in(channels))
            .filter(Column::ProviderMessageId.is_in(pids))
            .all(tx.conn())
            .await?
        {
            if let Some(p) = m.provider_message_id.clone() {
                existing.insert((m.channel_id, p), m);
            }
        }
    }
    let mut out = Vec::with_capacity(answer.len());
    for (i, source) in answer.into_iter().enumerate() {
        let own = i == source;
        if let Some(m) = stored.get(&ids[source]) {
            out.push(Inserted {
                message: m.clone(),
                created: own,
            });
            continue;
        }
        let key = first_of
            .iter()
            .find(|(_, at)| **at == source)
            .map(|(k, _)| k.clone())
            .ok_or(DbError::NotFound)?;
        let message = existing.get(&key).cloned().ok_or(DbError::NotFound)?;
        out.push(Inserted {
            message,
            created: false,
        });
    }
    Ok(out)
}

/// Runs an `INSERT` with `RETURNING *`: the rows it inserted (none for those `ON CONFLICT DO
/// NOTHING` skipped). Built by hand: SeaORM's returning insert reports a conflict differently
/// per engine.
async fn returning(tx: &TenantTx, mut insert: sea_orm::sea_query::InsertStatement) -> Result<Vec<Model>, DbError> {
    insert.returning_all();
    let stmt = tx.conn().get_database_backend().build(&insert);
    Ok(Entity::find().from_raw_sql(stmt).all(tx.conn()).await?)
}

/// # Errors
/// `NotFound`, also for another tenant's message.
pub async fn get(tx: &TenantTx, id: Uuid) -> Result<Model, DbError> {
    Entity::find_by_id(id)
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .one(tx.conn())
        .await?
        .ok_or(DbError::NotFound)
}

/// The message a provider id names on a channel (replies' `context`, reactions, statuses).
///
/// # Errors
/// Database failure.
pub async fn find_by_provider_id(
    tx: &TenantTx,
    channel_id: Uuid,
    provider_message_id: &str,
) -> Result<Option<Model>, DbError> {
    Ok(
        find_by_provider_id_query(tx.tenant_id(), channel_id, provider_message_id)
            .one(tx.conn())
            .await?,
    )
}

/// The statement [`find_by_provider_id`] runs:
/// `tenant_id = ? AND channel_id = ? AND provider_message_id = ? LIMIT 1`, answered by the
/// unique `uq_messages__provider_message_id` on exactly those columns. Public so the plan tests
/// (`tests/db/plans.rs`) EXPLAIN the very statement the repository runs.
#[must_use]
pub fn find_by_provider_id_query(tenant: TenantId, channel_id: Uuid, provider_message_id: &str) -> Select<Entity> {
    Entity::find()
        .filter(Column::TenantId.eq(tenant.uuid()))
        .filter(Column::ChannelId.eq(channel_id))
        .filter(Column::ProviderMessageId.eq(provider_message_id))
        .limit(1)
}

/// The messages of a channel among `provider_message_ids`, in one query (a batch's
/// duplicates, the messages its replies quote).
///
/// # Errors
/// Database failure.
pub async fn find_by_provider_ids(
    tx: &TenantTx,
    channel_id: Uuid,
    provider_message_ids: &[&str],
) -> Result<Vec<Model>, DbError> {
    if provider_message_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::ChannelId.eq(channel_id))
        .filter(Column::ProviderMessageId.is_in(provider_message_ids.iter().copied()))
        .all(tx.conn())
        .await?)
}

/// Points replies at the messages they quote: `(reply, quoted)` pairs, one statement.
///
/// # Errors
/// Database failure.
pub async fn set_reply_targets(tx: &TenantTx, links: Vec<(Uuid, Uuid)>) -> Result<(), DbError> {
    let mut rows = crate::bulk::Rows::new(&["uuid", "uuid"]);
    for (reply, quoted) in links {
        rows.push(vec![reply.into(), quoted.into()]);
    }
    if rows.is_empty() {
        return Ok(());
    }
    let stmt = rows.update_by_id(
        tx.backend(),
        "UPDATE messages AS m SET reply_to_id = v.column2",
        "m",
        tx.tenant_id().uuid(),
    );
    tx.conn().execute_raw(stmt).await?;
    Ok(())
}

/// A conversation's messages, newest first. The page's `after` is the API's `before`: the id of
/// the oldest message the client holds (ids are time-ordered).
///
/// # Errors
/// Database failure.
pub async fn list_by_conversation(
    tx: &TenantTx,
    conversation_id: Uuid,
    page: PageRequest,
) -> Result<Page<Model>, DbError> {
    let query = history_query(tx.tenant_id(), conversation_id, page);
    let rows = in_index_order(tx, query.all(tx.conn())).await?;
    Ok(Page::from_rows(rows, page, |m| m.id))
}

/// The newest `system` line of a conversation whose body is `event` (e.g. the last
/// `resolved`), walking `ix_messages__conversation` backward.
///
/// # Errors
/// Database failure.
pub async fn latest_system_line(tx: &TenantTx, conversation_id: Uuid, event: &str) -> Result<Option<Model>, DbError> {
    let q = Entity::find()
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::ConversationId.eq(conversation_id))
        .filter(Column::Kind.eq(MessageType::System.as_str()))
        .filter(Column::Body.eq(event))
        .order_by_desc(Column::Id);
    in_index_order(tx, q.one(tx.conn())).await
}

/// Turns the planner's sorts off for the rest of the transaction (PostgreSQL), so a read that
/// an index can return in order is planned as that walk (see the module docs).
pub const SORTS_OFF: &str = "SET LOCAL enable_sort = off";
/// Turns them back on (to the session's value).
pub const SORTS_BACK: &str = "SET LOCAL enable_sort TO DEFAULT";

/// Runs `read` with [`SORTS_OFF`] on PostgreSQL, then [`SORTS_BACK`]; on SQLite just `read`.
///
/// # Errors
/// `read`'s, or a database failure setting the planner option.
pub async fn in_index_order<T, E>(tx: &TenantTx, read: impl Future<Output = Result<T, E>>) -> Result<T, DbError>
where
    DbError: From<E>,
{
    let pg = tx.conn().get_database_backend() == DbBackend::Postgres;
    if pg {
        tx.conn().execute_unprepared(SORTS_OFF).await?;
    }
    let out = read.await?;
    if pg {
        tx.conn().execute_unprepared(SORTS_BACK).await?;
    }
    Ok(out)
}

/// The statement [`list_by_conversation`] runs (in index order, see [`in_index_order`]):
/// `tenant_id = ? AND conversation_id = ? [AND id < before] ORDER BY id DESC LIMIT page + 1`, a
/// backward walk of `ix_messages__conversation (tenant_id, conversation_id, id)` that stops after
/// the page: no sort, whatever the length of the conversation.
#[must_use]
pub fn history_query(tenant: TenantId, conversation_id: Uuid, page: PageRequest) -> Select<Entity> {
    let mut q = Entity::find()
        .filter(Column::TenantId.eq(tenant.uuid()))
        .filter(Column::ConversationId.eq(conversation_id));
    if let Some(before) = page.after {
        q = q.filter(Column::Id.lt(before));
    }
    q.order_by_desc(Column::Id).limit(page.limit + 1)
}

/// Puts a failed message back in the queue for a manual retry (the one way a status moves
/// back, and a deliberate one). Returns `false` if it was not `failed`.
///
/// # Errors
/// Database failure.
pub async fn requeue_failed(tx: &TenantTx, id: Uuid) -> Result<bool, DbError> {
    let n = Entity::update_many()
        .col_expr(Column::Status, Expr::value(MessageStatus::Queued.as_str()))
        .col_expr(Column::FailedAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(Column::ErrorCode, Expr::value(Option::<String>::None))
        .col_expr(Column::ErrorTitle, Expr::value(Option::<String>::None))
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(MessageStatus::Failed.as_str()))
        .exec(tx.conn())
        .await?
        .rows_affected;
    Ok(n == 1)
}

/// How many messages of a channel wait to be sent (`queued`) and how many failed.
///
/// # Errors
/// Database failure.
pub async fn outbound_backlog(tx: &TenantTx, channel_id: Uuid) -> Result<(u64, u64), DbError> {
    use sea_orm::PaginatorTrait;
    let count = |s: MessageStatus| {
        Entity::find()
            .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
            .filter(Column::ChannelId.eq(channel_id))
            .filter(Column::Status.eq(s.as_str()))
            .count(tx.conn())
    };
    Ok((count(MessageStatus::Queued).await?, count(MessageStatus::Failed).await?))
}

/// How many characters of a body a [`Preview`] carries.
pub const PREVIEW_CHARS: u32 = 200;

/// A conversation's latest *visible* message as the inbox list shows it: the latest that is
/// neither a private note nor a system line (the preview shows what the customer and the team
/// said).
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct Preview {
    pub conversation_id: Uuid,
    pub id: Uuid,
    pub direction: String,
    /// `MessageType` name.
    pub kind: String,
    /// The first [`PREVIEW_CHARS`] characters of the body (cut in SQL: a long e-mail is not
    /// fetched whole for one line of the list).
    pub body: Option<String>,
    pub status: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The previews of a page of conversations, in one statement (see [`previews_query`]).
/// Conversations without a visible message are absent from the map.
///
/// # Errors
/// Database failure.
pub async fn previews_of(tx: &TenantTx, conversation_ids: &[Uuid]) -> Result<HashMap<Uuid, Preview>, DbError> {
    let Some(stmt) = previews_query(tx.conn().get_database_backend(), tx.tenant_id(), conversation_ids) else {
        return Ok(HashMap::new());
    };
    let rows = in_index_order(tx, Preview::find_by_statement(stmt).all(tx.conn())).await?;
    Ok(rows.into_iter().map(|p| (p.conversation_id, p)).collect())
}

/// The statement [`previews_of`] runs (in index order, see [`in_index_order`]); `None` for no
/// conversations.
///
/// Visible: not a private note, not a system line. People's messages come first: the newest
/// message not written by the bot (the greeting, the away message: the agent scanning the queue
/// wants what the customer wrote, not "Você:" before an automatic reply nobody typed), and only
/// when there is none, the bot's newest (a campaign's message nobody answered yet).
///
/// For each conversation id it walks `ix_messages__conversation` backwards from the newest
/// message and stops at the first visible one (usually the first or second entry), and walks
/// again without skipping the bot only when the first walk found nothing: a few short index
/// probes per conversation of the page, never a pass over a tenant's messages. The ids come in
/// as a `VALUES` list, so the planner knows exactly how many probes it makes.
///
/// How the picked row is joined differs, because each planner, without statistics, turns the
/// other engine's natural form into a scan of every message of the tenant:
/// - PostgreSQL: `VALUES … JOIN LATERAL ((probe) UNION ALL (probe) LIMIT 1) ON TRUE`, a nested
///   loop by construction. The portable `m.id = (probe)` join and `m.id IN (SELECT probe …)` both become
///   a hash join over a bitmap scan of the tenant's messages (measured with `EXPLAIN ANALYZE`).
/// - SQLite (no `LATERAL`): `VALUES … JOIN messages m ON m.id = COALESCE(probe, probe)`, one
///   primary-key lookup per row. Its `m.id IN (SELECT probe …)` form scans the tenant's range of
///   `ix_messages__conversation` instead.
#[must_use]
pub fn previews_query(backend: DbBackend, tenant: TenantId, conversation_ids: &[Uuid]) -> Option<Statement> {
    const V: &str = "v";
    const LATEST: &str = "latest";
    const M: &str = "m";
    if conversation_ids.is_empty() {
        return None;
    }
    // A probe: the newest visible message of the conversation `v.column1`, with `cols`.
    let probe = |skip_bot: bool, cols: &[(Column, &'static str)]| {
        let mut q = Query::select();
        for (col, alias) in cols {
            q.expr_as(preview_column(LATEST, *col), *alias);
        }
        q.from_as(Entity, LATEST)
            .and_where(Expr::col((LATEST, Column::TenantId)).eq(tenant.uuid()))
            .and_where(Expr::col((LATEST, Column::ConversationId)).equals((V, "column1")))
            .and_where(Expr::col((LATEST, Column::IsPrivateNote)).eq(false))
            .and_where(Expr::col((LATEST, Column::Kind)).ne(MessageType::System.as_str()))
            .and_where_option(skip_bot.then(|| Expr::col((LATEST, Column::AuthorKind)).ne(Author::Bot.as_str())))
            .order_by((LATEST, Column::Id), Order::Desc)
            .limit(1)
            .to_owned()
    };
    let columns = [
        (Column::Id, "id"),
        (Column::Direction, "direction"),
        (Column::Kind, "kind"),
        (Column::Body, "body"),
        (Column::Status, "status"),
        (Column::CreatedAt, "created_at"),
    ];
    let mut q = Query::select();
    q.expr_as(Expr::col((V, "column1")), "conversation_id")
        .from_values(conversation_ids.iter().copied(), V);
    if backend == DbBackend::Postgres {
        const L: &str = "l";
        const U: &str = "u";
        for (_, alias) in &columns {
            q.expr(Expr::col((L, *alias)));
        }
        // `(people's probe) UNION ALL (any probe) LIMIT 1`: the append runs the second probe
        // only when the first found nothing.
        let wrap = |inner: sea_orm::sea_query::SelectStatement, alias: &'static str| {
            Query::select()
                .column(sea_orm::sea_query::Asterisk)
                .from_subquery(inner, alias)
                .to_owned()
        };
        let mut both = wrap(probe(true, &columns), "people");
        both.union(
            sea_orm::sea_query::UnionType::All,
            wrap(probe(false, &columns), "anyone"),
        );
        let first = Query::select()
            .column(sea_orm::sea_query::Asterisk)
            .from_subquery(both, U)
            .limit(1)
            .to_owned();
        q.join_lateral(JoinType::InnerJoin, first, L, Expr::Constant(true.into()));
    } else {
        for (col, alias) in &columns {
            q.expr_as(preview_column(M, *col), *alias);
        }
        let id = |skip_bot| Expr::from(probe(skip_bot, &[(Column::Id, "id")]));
        let pick = Expr::from(Func::coalesce([id(true), id(false)]));
        q.join_as(JoinType::InnerJoin, Entity, M, Expr::col((M, Column::Id)).eq(pick))
            .and_where(Expr::col((M, Column::TenantId)).eq(tenant.uuid()));
    }
    Some(backend.build(&q))
}

/// `table.col`, with the body cut to [`PREVIEW_CHARS`] characters (`substr` counts characters on
/// both engines).
fn preview_column(table: &'static str, col: Column) -> Expr {
    if matches!(col, Column::Body) {
        Func::cust("substr")
            .arg(Expr::col((table, col)))
            .arg(Expr::Constant(1.into()))
            .arg(Expr::Constant(PREVIEW_CHARS.into()))
            .into()
    } else {
        Expr::col((table, col))
    }
}

/// The message a send job delivers, with the last attempt's bookkeeping: sets the provider
/// media id an upload returned (so a retry does not upload again).
///
/// # Errors
/// Database failure.
pub async fn set_payload(tx: &TenantTx, id: Uuid, payload: serde_json::Value) -> Result<(), DbError> {
    Entity::update_many()
        .col_expr(Column::Payload, Expr::value(payload))
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// Sets an inbound message's file (a download that succeeded later, after "try again") and its
/// payload in one statement: the file's columns come from `media`, `None` leaves them as they
/// are.
///
/// # Errors
/// Database failure.
pub async fn set_media(
    tx: &TenantTx,
    id: Uuid,
    media: Option<MediaRef>,
    payload: serde_json::Value,
) -> Result<(), DbError> {
    let mut q = Entity::update_many().col_expr(Column::Payload, Expr::value(payload));
    if let Some(m) = media {
        q = q
            .col_expr(Column::MediaObjectKey, Expr::value(m.object_key))
            .col_expr(Column::MediaMime, Expr::value(m.mime))
            .col_expr(Column::MediaSize, Expr::value(m.size))
            .col_expr(Column::MediaFileName, Expr::value(m.file_name))
            .col_expr(Column::MediaSha256, Expr::value(m.sha256));
    }
    q.filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// A message of an API `Idempotency-Key`, if one was stored.
///
/// # Errors
/// Database failure.
pub async fn find_by_idempotency_key(tx: &TenantTx, key: &str) -> Result<Option<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::IdempotencyKey.eq(key))
        .one(tx.conn())
        .await?)
}

/// The customer's latest message in a conversation.
///
/// # Errors
/// Database failure.
pub async fn last_inbound(tx: &TenantTx, conversation_id: Uuid) -> Result<Option<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::ConversationId.eq(conversation_id))
        .filter(Column::Direction.eq(atende_domain::Direction::Inbound.as_str()))
        .order_by_desc(Column::Id)
        .one(tx.conn())
        .await?)
}
