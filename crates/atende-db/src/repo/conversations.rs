//! Conversations: the reopen policy's lookup, the inbox list, status/assignee/priority changes
//! and the activity counters.
//!
//! # The inbox cursor
//!
//! The inbox runs newest activity first: `ORDER BY last_message_at DESC, id DESC`. Activity is
//! not unique (two conversations can share a microsecond) and changes while a client pages, so
//! the cursor is the *pair* of the last row, `(last_message_at, id)`, and the next page is the
//! rows strictly after it in that order: `(last_message_at, id) < (:at, :id)`, i.e.
//! `last_message_at < :at OR (last_message_at = :at AND id < :id)`, written as a row comparison
//! so that both engines use it as the bound of an index range (see [`list_query`]). Encoded as 24 bytes (the
//! time in microseconds since the epoch, big-endian `i64`, then the UUID), base64url without
//! padding: opaque to clients, like every cursor. A conversation that gets a message while the
//! client pages moves to the top, so it may be missed by the pages still to come (the client
//! learns of it live through the `conversation.updated` event) but is never shown twice.

use crate::db::{Scoped, TenantTx};
use crate::entities::conversations::{ActiveModel, Column, Entity, Model};
use crate::entities::{contacts, conversation_tags, messages};
use crate::error::DbError;
use crate::page::Page;
use crate::repo::messages::in_index_order;
use crate::repo::{apply_patch, ensure_own, now, stored_time};
use atende_domain::{ConversationStatus, Priority, TenantId, UserId};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select,
};
use uuid::Uuid;

/// A conversation to open.
#[derive(Clone, Debug)]
pub struct NewConversation {
    pub channel_id: Uuid,
    pub contact_id: Uuid,
    pub status: ConversationStatus,
    pub priority: Priority,
    pub assignee_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
}

impl NewConversation {
    /// An open, unassigned conversation of normal priority.
    #[must_use]
    pub fn open(channel_id: Uuid, contact_id: Uuid) -> Self {
        Self {
            channel_id,
            contact_id,
            status: ConversationStatus::Open,
            priority: Priority::Normal,
            assignee_id: None,
            team_id: None,
            department_id: None,
        }
    }
}

/// Opens a conversation; its last activity is its creation.
///
/// # Errors
/// `MissingReference` when the channel or the contact is not this tenant's (the foreign keys
/// include the tenant).
pub async fn create(tx: &TenantTx, c: NewConversation) -> Result<Model, DbError> {
    Ok(active(tx, c, now()).insert(tx.conn()).await?)
}

fn active(tx: &TenantTx, c: NewConversation, at: DateTime<Utc>) -> ActiveModel {
    ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tx.tenant_id().uuid()),
        channel_id: Set(c.channel_id),
        contact_id: Set(c.contact_id),
        status: Set(c.status.as_str().to_owned()),
        assignee_id: Set(c.assignee_id),
        team_id: Set(c.team_id),
        department_id: Set(c.department_id),
        priority: Set(c.priority.as_str().to_owned()),
        last_message_at: Set(at),
        last_inbound_at: Set(None),
        unread_count: Set(0),
        snoozed_until: Set(None),
        resolved_at: Set((c.status == ConversationStatus::Resolved).then_some(at)),
        created_at: Set(at),
        updated_at: Set(at),
    }
}

/// # Errors
/// `NotFound`, also for another tenant's conversation.
pub async fn get(tx: &TenantTx, id: Uuid) -> Result<Model, DbError> {
    Entity::find_by_id(id)
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .one(tx.conn())
        .await?
        .ok_or(DbError::NotFound)
}

/// The contact's most recently opened conversation on the channel, whatever its status: what
/// the reopen policy (`atende_domain::conversation::on_inbound`) decides about.
///
/// # Errors
/// Database failure.
pub async fn latest_for(tx: &TenantTx, contact_id: Uuid, channel_id: Uuid) -> Result<Option<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::ContactId.eq(contact_id))
        .filter(Column::ChannelId.eq(channel_id))
        .order_by_desc(Column::Id)
        .one(tx.conn())
        .await?)
}

/// [`latest_for`] for many contacts of one channel: each contact's most recently opened
/// conversation there, keyed by contact. Two statements whatever their number, each an index
/// probe per contact: for each contact (a `VALUES` list) its newest conversation id
/// (`ix_conversations__contact_latest` read backwards, `LIMIT 1`), then those rows by key.
///
/// # Errors
/// Database failure.
pub async fn latest_for_many(
    tx: &TenantTx,
    channel_id: Uuid,
    contact_ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Model>, DbError> {
    if contact_ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let tenant = tx.tenant_id().uuid();
    let stmt = latest_ids_statement(tx.backend(), tenant, channel_id, contact_ids);
    let mut ids = Vec::with_capacity(contact_ids.len());
    for row in tx.conn().query_all_raw(stmt).await? {
        if let Some(id) = row.try_get::<Option<Uuid>>("", "id")? {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tenant))
        .filter(Column::Id.is_in(ids))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|c| (c.contact_id, c))
        .collect())
}

/// The first statement of [`latest_for_many`] (public for the plan checks in the tests).
#[must_use]
pub fn latest_ids_statement(
    backend: crate::Backend,
    tenant: Uuid,
    channel_id: Uuid,
    contact_ids: &[Uuid],
) -> sea_orm::Statement {
    let mut rows = crate::bulk::Rows::new(&["uuid"]);
    for c in contact_ids {
        rows.push(vec![(*c).into()]);
    }
    rows.statement(
        backend,
        (
            "SELECT (SELECT c.id FROM conversations AS c WHERE c.tenant_id = {p} AND c.contact_id = v.column1 \
             AND c.channel_id = {p} ORDER BY c.id DESC LIMIT 1) AS id",
            vec![tenant.into(), channel_id.into()],
        ),
        ("", Vec::new()),
    )
}

/// Opens several conversations with one multi-row `INSERT`, in order; each one's last activity
/// is its creation (as [`create`]).
///
/// # Errors
/// `MissingReference` when a channel, contact or team is not this tenant's.
pub async fn create_many(tx: &TenantTx, batch: Vec<NewConversation>) -> Result<Vec<Model>, DbError> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let at = now();
    let rows: Vec<ActiveModel> = batch.into_iter().map(|c| active(tx, c, at)).collect();
    let mut insert = Entity::insert_many(rows).into_query();
    insert.returning_all();
    let stmt = tx.conn().get_database_backend().build(&insert);
    let mut made = Entity::find().from_raw_sql(stmt).all(tx.conn()).await?;
    made.sort_by_key(|c| c.id);
    Ok(made)
}

/// Whose conversations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssigneeFilter {
    /// Assigned to the caller (`assignee=me`).
    Me(UserId),
    /// Unassigned (`assignee=none`).
    Nobody,
    /// Assigned to this user.
    User(Uuid),
}

/// The inbox's filters; every one set must hold.
#[derive(Clone, Debug, Default)]
pub struct InboxFilter {
    /// Any of these statuses (empty: all).
    pub statuses: Vec<ConversationStatus>,
    pub assignee: Option<AssigneeFilter>,
    pub team_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub channel_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub tag_id: Option<Uuid>,
    /// Only conversations with unread messages.
    pub unread: bool,
    /// Text that must appear in the contact's name, phone or e-mail, or in a message.
    pub search: Option<String>,
    /// Restricts to what an agent may see (see `atende_domain::permission::ConversationScope`).
    pub visible_to: Option<Visibility>,
}

/// An agent's view: conversations assigned to them, unassigned ones, and those of their teams
/// or of their teams' departments.
#[derive(Clone, Debug, Default)]
pub struct Visibility {
    pub user: Uuid,
    pub teams: Vec<Uuid>,
    pub departments: Vec<Uuid>,
}

impl Visibility {
    /// Whether a conversation is inside this view.
    #[must_use]
    pub fn allows(&self, c: &Model) -> bool {
        c.assignee_id.is_none_or(|a| a == self.user)
            || c.team_id.is_some_and(|t| self.teams.contains(&t))
            || c.department_id.is_some_and(|d| self.departments.contains(&d))
    }
}

/// A position in the inbox order (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InboxCursor {
    pub last_message_at: DateTime<Utc>,
    pub id: Uuid,
}

/// What [`InboxCursor::decode`] accepts (and `""`), for the OpenAPI document: 24 bytes in
/// unpadded URL-safe base64, the first 8 a non-negative big-endian timestamp in microseconds
/// below 2^62 (a first character of `A`–`Z`, `a`, `b`; well inside chrono's range).
pub const INBOX_CURSOR_PATTERN: &str = "^([A-Za-b][A-Za-z0-9_-]{31})?$";

impl InboxCursor {
    #[must_use]
    pub fn of(c: &Model) -> Self {
        Self {
            last_message_at: c.last_message_at,
            id: c.id,
        }
    }

    #[must_use]
    pub fn encode(&self) -> String {
        let mut bytes = [0u8; 24];
        bytes[..8].copy_from_slice(&self.last_message_at.timestamp_micros().to_be_bytes());
        bytes[8..].copy_from_slice(self.id.as_bytes());
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// `None` for anything [`Self::encode`] did not produce.
    #[must_use]
    pub fn decode(s: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(s).ok()?;
        let (micros, id) = bytes.split_at_checked(8)?;
        let micros = i64::from_be_bytes(micros.try_into().ok()?);
        Some(Self {
            last_message_at: DateTime::from_timestamp_micros(micros)?,
            id: Uuid::from_slice(id).ok()?,
        })
    }
}

/// One page of the inbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InboxPage {
    pub limit: u64,
    pub after: Option<InboxCursor>,
}

impl InboxPage {
    /// Builds a request from raw query values (same limits as [`crate::PageRequest`]).
    ///
    /// # Errors
    /// A message for the field at fault.
    pub fn parse(limit: Option<u64>, cursor: Option<&str>) -> Result<Self, (&'static str, &'static str)> {
        let limit = limit.unwrap_or(crate::page::DEFAULT_LIMIT);
        if !(1..=crate::page::MAX_LIMIT).contains(&limit) {
            return Err(("limit", "must be between 1 and 200"));
        }
        let after = match cursor {
            None | Some("") => None,
            Some(c) => Some(InboxCursor::decode(c).ok_or(("cursor", "is not a valid cursor"))?),
        };
        Ok(Self { limit, after })
    }
}

/// The inbox: conversations matching `f`, newest activity first, keyset-paged by
/// `(last_message_at, id)`.
///
/// # Errors
/// Database failure.
pub async fn list(tx: &TenantTx, f: &InboxFilter, page: InboxPage) -> Result<Page<Model>, DbError> {
    let query = list_query(tx.tenant_id(), f, page);
    let mut rows = in_index_order(tx, query.all(tx.conn())).await?;
    let more = rows.len() as u64 > page.limit;
    rows.truncate(usize::try_from(page.limit).unwrap_or(usize::MAX));
    let next_cursor = if more {
        rows.last().map(|r| InboxCursor::of(r).encode())
    } else {
        None
    };
    Ok(Page {
        items: rows,
        next_cursor,
    })
}

/// The statement [`list`] runs (one row more than the page, to know whether another follows),
/// with the planner's sorts off on PostgreSQL (`messages::in_index_order`: under row-level
/// security, without statistics, the planner expects about one row per page and would rather
/// sort a bitmap scan of the tenant's working conversations than walk the index; measured on the
/// *All* tab at a million conversations). Public so the plan tests EXPLAIN the very statement
/// the repository runs.
///
/// Which index answers it (see `m20261207_000007_inbox_reads` and `tests/db/plans.rs`):
/// - the working statuses (`open, pending, waiting`: the app's default) — the *Mine* tab
///   (`assignee_id = me`) walks `ix_conversations__working_assignee`, *Unassigned*
///   `ix_conversations__working_unassigned`, *All* `ix_conversations__working`: partial indexes
///   that hold only working conversations, read backwards in `(last_message_at, id)` order, so a
///   page reads its rows and stops, however many resolved conversations the tenant keeps;
/// - one status: `ix_conversations__inbox (tenant_id, status, last_message_at, id)`;
/// - an assignee with other statuses: `ix_conversations__assignee`.
///
/// The statuses are written into the SQL as literals (from the closed [`ConversationStatus`]
/// vocabulary, in its declaration order, without duplicates) rather than bound: a partial
/// index's `WHERE status IN (…)` can only be matched against constants. Bound, a generic plan
/// (PostgreSQL) or SQLite's planner could never use the working indexes.
///
/// Without statistics, while the table is small, PostgreSQL estimates every path of a page at
/// one row, and *Mine* or *Unassigned* may then be read from `ix_conversations__working` with the
/// assignee as a filter: the same order, no sort, and a read bounded by the tenant's working
/// conversations, which in a small table are few. As the table grows (plans are made per
/// execution, see `Db::connect`) the estimates part and the tab's own index wins; `bench/inbox`
/// shows the plans at a million conversations.
///
/// The cursor is a row comparison, `(last_message_at, id) < (:at, :id)`, which both engines use
/// as an index bound.
#[must_use]
pub fn list_query(tenant: TenantId, f: &InboxFilter, page: InboxPage) -> Select<Entity> {
    let mut q = filtered(tenant, f);
    if let Some(c) = page.after {
        q = q.filter(
            Expr::tuple([Expr::col(Column::LastMessageAt), Expr::col(Column::Id)])
                .lt(Expr::tuple([Expr::val(c.last_message_at), Expr::val(c.id)])),
        );
    }
    q.order_by_desc(Column::LastMessageAt)
        .order_by_desc(Column::Id)
        .limit(page.limit + 1)
}

/// How many conversations each inbox tab lists under the same filters: the tab badges.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InboxCounts {
    /// Assigned to the caller (*Mine*).
    pub mine: u64,
    /// Assigned to nobody (*Unassigned*, the queue).
    pub unassigned: u64,
    /// Every conversation the caller may see (*All*).
    pub all: u64,
}

/// The three tab counts for `f` (an `assignee` in `f` narrows all three), as one statement
/// (see [`counts_query`]).
///
/// # Errors
/// Database failure.
pub async fn counts(tx: &TenantTx, f: &InboxFilter, me: Option<UserId>) -> Result<InboxCounts, DbError> {
    let row: Option<(i64, i64, i64)> = counts_query(tx.tenant_id(), f, me).into_tuple().one(tx.conn()).await?;
    let (mine, unassigned, all) = row.unwrap_or_default();
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    Ok(InboxCounts {
        mine: n(mine),
        unassigned: n(unassigned),
        all: n(all),
    })
}

/// `SELECT COUNT(CASE WHEN assignee_id = :me THEN 1 END), COUNT(CASE WHEN assignee_id IS NULL
/// THEN 1 END), COUNT(*) FROM conversations WHERE …` with [`list_query`]'s filters: one pass over
/// the rows the *All* tab lists, so the badges cost one read whatever the number of tabs. With
/// the working statuses (the app's default) it reads `ix_conversations__working`, which holds only
/// working conversations, never the tenant's resolved backlog (`tests/db/plans.rs`). Without a
/// user (an API key) *Mine* counts nothing. Public so the plan tests EXPLAIN this very statement.
#[must_use]
pub fn counts_query(tenant: TenantId, f: &InboxFilter, me: Option<UserId>) -> Select<Entity> {
    let mine = match me {
        Some(u) => Expr::col(Column::AssigneeId).eq(u.uuid()),
        None => Expr::val(1).eq(0),
    };
    let when = |cond: Expr| -> Expr { Expr::case(cond, Expr::val(1)).into() };
    filtered(tenant, f)
        .select_only()
        .expr_as(Func::count(when(mine)), "mine")
        .expr_as(Func::count(when(Expr::col(Column::AssigneeId).is_null())), "unassigned")
        .expr_as(Func::count(Expr::col(Column::Id)), "all")
}

/// The conversations of `tenant` that `f` lets through, unordered (the inbox's `WHERE`).
fn filtered(tenant: TenantId, f: &InboxFilter) -> Select<Entity> {
    let tenant = tenant.uuid();
    let mut q = Entity::find().filter(Column::TenantId.eq(tenant));
    if !f.statuses.is_empty() {
        let statuses = ConversationStatus::ALL
            .iter()
            .filter(|s| f.statuses.contains(s))
            .map(|s| Expr::Constant(s.as_str().into()));
        q = q.filter(Expr::col(Column::Status).is_in(statuses));
    }
    let assignee = match f.assignee {
        Some(AssigneeFilter::Me(u)) => Some(u.uuid()),
        Some(AssigneeFilter::User(u)) => Some(u),
        Some(AssigneeFilter::Nobody) => {
            q = q.filter(Column::AssigneeId.is_null());
            None
        }
        None => None,
    };
    if let Some(u) = assignee {
        q = q.filter(Column::AssigneeId.eq(u));
    }
    if let Some(t) = f.team_id {
        q = q.filter(Column::TeamId.eq(t));
    }
    if let Some(d) = f.department_id {
        q = q.filter(Column::DepartmentId.eq(d));
    }
    if let Some(c) = f.channel_id {
        q = q.filter(Column::ChannelId.eq(c));
    }
    if let Some(c) = f.contact_id {
        q = q.filter(Column::ContactId.eq(c));
    }
    if let Some(tag) = f.tag_id {
        q = q.filter(
            Column::Id.in_subquery(
                Query::select()
                    .column(conversation_tags::Column::ConversationId)
                    .from(conversation_tags::Entity)
                    .and_where(conversation_tags::Column::TenantId.eq(tenant))
                    .and_where(conversation_tags::Column::TagId.eq(tag))
                    .to_owned(),
            ),
        );
    }
    if f.unread {
        q = q.filter(Column::UnreadCount.gt(0));
    }
    if let Some(v) = &f.visible_to {
        let mut any = Condition::any()
            .add(Column::AssigneeId.is_null())
            .add(Column::AssigneeId.eq(v.user));
        if !v.teams.is_empty() {
            any = any.add(Column::TeamId.is_in(v.teams.clone()));
        }
        if !v.departments.is_empty() {
            any = any.add(Column::DepartmentId.is_in(v.departments.clone()));
        }
        q = q.filter(any);
    }
    if let Some(text) = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(search_condition(tenant, text));
    }
    q
}

/// `%text%` for LIKE with the wildcards of `text` escaped.
fn like(text: &str) -> LikeExpr {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

/// The contact matches (name, e-mail, phone digits) or a message of the conversation contains the
/// text (case-insensitive for ASCII). A sequential scan of messages on SQLite; Postgres can add
/// a trigram index later without changing this query.
fn search_condition(tenant: Uuid, text: &str) -> Condition {
    let lower = text.to_lowercase();
    let mut contact = Condition::any()
        .add(Expr::expr(Func::lower(Expr::col(contacts::Column::Name))).like(like(&lower)))
        .add(Expr::expr(Func::lower(Expr::col(contacts::Column::Email))).like(like(&lower)));
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if digits.len() >= 3 {
        contact = contact.add(Expr::col(contacts::Column::PhoneE164).like(like(&digits)));
    }
    Condition::any()
        .add(
            Column::ContactId.in_subquery(
                Query::select()
                    .column(contacts::Column::Id)
                    .from(contacts::Entity)
                    .and_where(contacts::Column::TenantId.eq(tenant))
                    .cond_where(contact)
                    .to_owned(),
            ),
        )
        .add(
            Column::Id.in_subquery(
                Query::select()
                    .column(messages::Column::ConversationId)
                    .from(messages::Entity)
                    .and_where(messages::Column::TenantId.eq(tenant))
                    .and_where(Expr::expr(Func::lower(Expr::col(messages::Column::Body))).like(like(&lower)))
                    .to_owned(),
            ),
        )
}

/// Changes to apply; `Some(None)` clears an optional field. The status is stored as given:
/// whether the change is allowed is `atende_domain::conversation::transition`'s call, made by the
/// use case. Becoming `resolved` stamps `resolved_at`.
#[derive(Clone, Debug, Default)]
pub struct ConversationPatch {
    pub status: Option<ConversationStatus>,
    pub assignee_id: Option<Option<Uuid>>,
    pub team_id: Option<Option<Uuid>>,
    pub department_id: Option<Option<Uuid>>,
    pub priority: Option<Priority>,
    pub snoozed_until: Option<Option<DateTime<Utc>>>,
}

/// # Errors
/// `NotFound` for another tenant's row.
pub async fn update(tx: &TenantTx, current: Model, p: ConversationPatch) -> Result<Model, DbError> {
    ensure_own(tx, current.tenant_id)?;
    let at = now();
    let was = current.status.clone();
    let mut am: ActiveModel = current.into();
    if let Some(s) = p.status {
        if s == ConversationStatus::Resolved && was != s.as_str() {
            am.resolved_at = Set(Some(at));
        }
        am.status = Set(s.as_str().to_owned());
    }
    apply_patch!(am, p, assignee_id, team_id, department_id);
    if let Some(v) = p.priority {
        am.priority = Set(v.as_str().to_owned());
    }
    if let Some(v) = p.snoozed_until {
        am.snoozed_until = Set(v.map(stored_time));
    }
    am.updated_at = Set(at);
    Ok(am.update(tx.conn()).await?)
}

/// Assigns an unassigned conversation to `user`, atomically: of two agents taking it at once,
/// one wins. Returns `false` when it had an assignee already (or is not this tenant's).
///
/// # Errors
/// Database failure.
pub async fn claim_unassigned(tx: &TenantTx, id: Uuid, user: Uuid) -> Result<bool, DbError> {
    let n = Entity::update_many()
        .col_expr(Column::AssigneeId, Expr::value(Some(user)))
        .col_expr(Column::UpdatedAt, Expr::value(now()))
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::Id.eq(id))
        .filter(Column::AssigneeId.is_null())
        .exec(tx.conn())
        .await?
        .rows_affected;
    Ok(n == 1)
}

/// Records a message in the counters, atomically in SQL (concurrent messages never lose an
/// increment): the last activity moves to `at` unless a later message already set it; an
/// inbound message also moves `last_inbound_at` (the window; pass
/// `atende_domain::window::inbound_time`) and adds one unread.
///
/// # Errors
/// `NotFound`, also for another tenant's conversation.
pub async fn record_message(tx: &TenantTx, id: Uuid, at: DateTime<Utc>, inbound: bool) -> Result<Model, DbError> {
    let delta = Activity {
        conversation_id: id,
        last_message_at: at,
        last_inbound_at: inbound.then_some(at),
        unread: i32::from(inbound),
    };
    if record_activity(tx, vec![delta]).await? == 0 {
        return Err(DbError::NotFound);
    }
    get(tx, id).await
}

/// What a batch of messages did to one conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Activity {
    pub conversation_id: Uuid,
    /// The latest message's time.
    pub last_message_at: DateTime<Utc>,
    /// The latest time the customer wrote, if they did.
    pub last_inbound_at: Option<DateTime<Utc>>,
    /// Messages to add to the unread count.
    pub unread: i32,
}

/// [`record_message`] for many conversations at once (one statement, `UPDATE … FROM
/// (VALUES …)`): each moves its activity forward, never back, and adds its unread messages in
/// SQL. Returns how many conversations were updated.
///
/// # Errors
/// Database failure.
pub async fn record_activity(tx: &TenantTx, batch: Vec<Activity>) -> Result<u64, DbError> {
    let Some(stmt) = record_activity_statement(tx.backend(), tx.tenant_id().uuid(), batch) else {
        return Ok(0);
    };
    Ok(tx.conn().execute_raw(stmt).await?.rows_affected())
}

/// The statement [`record_activity`] runs, `None` for an empty batch (public for the plan
/// checks in the tests).
#[must_use]
pub fn record_activity_statement(
    backend: crate::Backend,
    tenant: Uuid,
    batch: Vec<Activity>,
) -> Option<sea_orm::Statement> {
    let at = now();
    let mut rows = crate::bulk::Rows::new(&["uuid", "timestamptz", "timestamptz", "int4", "timestamptz"]);
    for a in batch {
        rows.push(vec![
            a.conversation_id.into(),
            stored_time(a.last_message_at).into(),
            a.last_inbound_at.map(stored_time).into(),
            a.unread.into(),
            at.into(),
        ]);
    }
    if rows.is_empty() {
        return None;
    }
    Some(rows.update_by_id(
        backend,
        "UPDATE conversations AS c SET \
         last_message_at = CASE WHEN c.last_message_at < v.column2 THEN v.column2 ELSE c.last_message_at END, \
         last_inbound_at = CASE WHEN v.column3 IS NOT NULL AND (c.last_inbound_at IS NULL OR c.last_inbound_at < v.column3) \
                           THEN v.column3 ELSE c.last_inbound_at END, \
         unread_count = c.unread_count + v.column4, \
         updated_at = v.column5",
        "c",
        tenant,
    ))
}

/// The team read everything: unread back to zero.
///
/// # Errors
/// `NotFound`, also for another tenant's conversation.
pub async fn mark_read(tx: &TenantTx, id: Uuid) -> Result<(), DbError> {
    let n = Entity::update_many()
        .col_expr(Column::UnreadCount, Expr::value(0))
        .col_expr(Column::UpdatedAt, Expr::value(now()))
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::Id.eq(id))
        .exec(tx.conn())
        .await?
        .rows_affected;
    if n == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// Wakes every snoozed conversation whose time has come, in every tenant: back to `open`,
/// snooze cleared. Returns `(tenant_id, conversation_id)` of each one woken.
///
/// # Errors
/// Database failure.
pub async fn wake_snoozed(tx: &crate::db::PlatformTx, at: DateTime<Utc>) -> Result<Vec<(Uuid, Uuid)>, DbError> {
    let due = Entity::find()
        .filter(Column::SnoozedUntil.lte(stored_time(at)))
        .limit(500)
        .all(tx.conn())
        .await?;
    let mut woken = Vec::with_capacity(due.len());
    for c in due {
        let n = Entity::update_many()
            .col_expr(Column::SnoozedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(
                Column::Status,
                Expr::case(
                    Expr::col(Column::Status).eq(ConversationStatus::Pending.as_str()),
                    Expr::value(ConversationStatus::Open.as_str()),
                )
                .finally(Expr::col(Column::Status))
                .into(),
            )
            .col_expr(Column::UpdatedAt, Expr::value(now()))
            .filter(Column::Id.eq(c.id))
            .filter(Column::SnoozedUntil.is_not_null())
            .exec(tx.conn())
            .await?
            .rows_affected;
        if n == 1 {
            woken.push((c.tenant_id, c.id));
        }
    }
    Ok(woken)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cursor_of_the_documented_shape_decodes() {
        for first in ['A', 'Z', 'a', 'b'] {
            for fill in ['A', 'z', '_', '-', '9'] {
                let c = format!("{first}{}", fill.to_string().repeat(31));
                assert!(InboxCursor::decode(&c).is_some(), "{c}");
            }
        }
        assert!(InboxCursor::decode("!!").is_none());
    }
}
