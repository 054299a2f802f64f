//! Delivery statuses applied monotonically, one report or a webhook batch of them at once.
//!
//! The messages a batch reports on are read **locked** (`FOR UPDATE`, in id order so two
//! batches never deadlock; SQLite's single writer needs no lock), every report is folded over
//! its message in arrival order by `atende_domain::delivery::apply_status`, and the messages
//! that changed are written back with one `UPDATE … FROM (VALUES …)`. Holding the rows makes
//! the read–decide–write atomic: two reports racing (`read` and `delivered` on two workers)
//! can never leave a message on the lower one. A report that does not move the status still
//! dates what it says happened, when that time is missing (a late `delivered` after `read`);
//! it never overwrites a time and never touches a failure's reason.

use crate::db::{Backend, Scoped, TenantTx};
use crate::entities::messages::{Column, Entity, Model};
use crate::error::DbError;
use crate::repo::stored_time;
use atende_domain::MessageStatus;
use atende_domain::delivery::apply_status as decide;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use std::hash::Hash;
use uuid::Uuid;

/// A delivery status report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusReport {
    pub status: MessageStatus,
    /// When the provider says it happened (or when we learned it).
    pub at: DateTime<Utc>,
    /// Kept on `failed`: the provider's code and title.
    pub error_code: Option<String>,
    pub error_title: Option<String>,
}

impl StatusReport {
    #[must_use]
    pub fn new(status: MessageStatus, at: DateTime<Utc>) -> Self {
        Self {
            status,
            at,
            error_code: None,
            error_title: None,
        }
    }
}

/// What a status report did.
#[derive(Clone, Debug, PartialEq)]
pub enum StatusOutcome {
    /// The message moved to the reported status (the row as it stood right after).
    Applied(Model),
    /// Stale, duplicate or contradicted: the status stays (its time may be filled in).
    Unchanged(Model),
    /// No such message (a status for a message we do not know: recorded by the caller, ignored).
    Unknown,
}

/// Where the time of reaching `status` is kept.
fn time_of(m: &mut Model, status: MessageStatus) -> Option<&mut Option<DateTime<Utc>>> {
    match status {
        MessageStatus::Queued => None,
        MessageStatus::Sent => Some(&mut m.sent_at),
        MessageStatus::Delivered => Some(&mut m.delivered_at),
        MessageStatus::Read => Some(&mut m.read_at),
        MessageStatus::Played => Some(&mut m.played_at),
        MessageStatus::Failed => Some(&mut m.failed_at),
    }
}

/// Applies one report to a message in memory; `true` when its status moved.
fn fold(m: &mut Model, report: &StatusReport) -> bool {
    let incoming = report.status;
    let at = stored_time(report.at);
    let current = m.status.as_deref().and_then(|s| s.parse::<MessageStatus>().ok());
    if current.and_then(|c| decide(c, incoming)).is_some() {
        m.status = Some(incoming.as_str().to_owned());
        if let Some(t) = time_of(m, incoming) {
            *t = Some(at);
        }
        if incoming == MessageStatus::Failed {
            m.error_code.clone_from(&report.error_code);
            m.error_title.clone_from(&report.error_title);
        }
        return true;
    }
    if m.status.is_some()
        && (incoming.reached_recipient() || incoming == MessageStatus::Sent)
        && let Some(t) = time_of(m, incoming)
        && t.is_none()
    {
        *t = Some(at);
    }
    false
}

/// Reads the messages `filter` selects, locked, oldest first.
async fn locked(tx: &TenantTx, filter: sea_orm::Condition) -> Result<Vec<Model>, DbError> {
    Ok(locked_query(tx.backend(), tx.tenant_id().uuid(), filter)
        .all(tx.conn())
        .await?)
}

/// The locked read of [`apply_statuses`] and [`apply_status`] (public for the plan checks in
/// the tests): the tenant's messages `filter` selects, `FOR UPDATE` on PostgreSQL, by id.
#[must_use]
pub fn locked_query(backend: Backend, tenant: Uuid, filter: sea_orm::Condition) -> sea_orm::Select<Entity> {
    let q = Entity::find()
        .filter(Column::TenantId.eq(tenant))
        .filter(filter)
        .order_by_asc(Column::Id);
    match backend {
        Backend::Postgres => q.lock_exclusive(),
        Backend::Sqlite => q,
    }
}

/// The messages of a channel among provider ids: the filter of [`apply_statuses`].
#[must_use]
pub fn by_provider_ids(channel_id: Uuid, provider_message_ids: &[&str]) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(Column::ChannelId.eq(channel_id))
        .add(Column::ProviderMessageId.is_in(provider_message_ids.iter().copied()))
}

/// The write of [`apply_statuses`]: the delivery columns of `changed` messages in one
/// statement; `None` when nothing changed (public for the plan checks in the tests).
#[must_use]
pub fn write_statement(backend: Backend, tenant: Uuid, changed: &[&Model]) -> Option<sea_orm::Statement> {
    let mut rows = crate::bulk::Rows::new(&[
        "uuid",
        "text",
        "timestamptz",
        "timestamptz",
        "timestamptz",
        "timestamptz",
        "timestamptz",
        "text",
        "text",
    ]);
    for m in changed {
        rows.push(vec![
            m.id.into(),
            m.status.clone().into(),
            m.sent_at.into(),
            m.delivered_at.into(),
            m.read_at.into(),
            m.played_at.into(),
            m.failed_at.into(),
            m.error_code.clone().into(),
            m.error_title.clone().into(),
        ]);
    }
    if rows.is_empty() {
        return None;
    }
    Some(rows.update_by_id(
        backend,
        "UPDATE messages AS m SET status = v.column2, sent_at = v.column3, delivered_at = v.column4, \
         read_at = v.column5, played_at = v.column6, failed_at = v.column7, error_code = v.column8, \
         error_title = v.column9",
        "m",
        tenant,
    ))
}

/// Folds `reports` (in order) over the rows they name by `key`, writes back what changed in
/// one statement, and answers one outcome per report.
async fn apply_all<K: Hash + Eq>(
    tx: &TenantTx,
    rows: Vec<Model>,
    key: impl Fn(&Model) -> Option<K>,
    reports: &[(K, &StatusReport)],
) -> Result<Vec<StatusOutcome>, DbError> {
    let before: HashMap<Uuid, Model> = rows.iter().map(|m| (m.id, m.clone())).collect();
    let mut current: HashMap<K, Model> = rows.into_iter().filter_map(|m| Some((key(&m)?, m))).collect();
    let mut out = Vec::with_capacity(reports.len());
    for (k, report) in reports {
        out.push(match current.get_mut(k) {
            None => StatusOutcome::Unknown,
            Some(m) => {
                if fold(m, report) {
                    StatusOutcome::Applied(m.clone())
                } else {
                    StatusOutcome::Unchanged(m.clone())
                }
            }
        });
    }
    let changed: Vec<&Model> = current.values().filter(|m| before.get(&m.id) != Some(*m)).collect();
    if let Some(stmt) = write_statement(tx.backend(), tx.tenant_id().uuid(), &changed) {
        tx.conn().execute_raw(stmt).await?;
    }
    Ok(out)
}

/// Applies a report to the message `id`.
///
/// # Errors
/// Database failure.
pub async fn apply_status(tx: &TenantTx, id: Uuid, report: &StatusReport) -> Result<StatusOutcome, DbError> {
    let rows = locked(tx, sea_orm::Condition::all().add(Column::Id.eq(id))).await?;
    let mut out = apply_all(tx, rows, |m| Some(m.id), &[(id, report)]).await?;
    Ok(out.pop().unwrap_or(StatusOutcome::Unknown))
}

/// Applies a report to the message a provider id names on a channel (the webhook's path).
///
/// # Errors
/// Database failure.
pub async fn apply_status_by_provider_id(
    tx: &TenantTx,
    channel_id: Uuid,
    provider_message_id: &str,
    report: &StatusReport,
) -> Result<StatusOutcome, DbError> {
    let batch = [(provider_message_id.to_owned(), report.clone())];
    Ok(apply_statuses(tx, channel_id, &batch)
        .await?
        .pop()
        .unwrap_or(StatusOutcome::Unknown))
}

/// Applies a batch of reports of one channel, in order, keyed by provider id: one locked read
/// and at most one write whatever their number. One outcome per report, as if they had been
/// applied one after the other.
///
/// # Errors
/// Database failure.
pub async fn apply_statuses(
    tx: &TenantTx,
    channel_id: Uuid,
    reports: &[(String, StatusReport)],
) -> Result<Vec<StatusOutcome>, DbError> {
    if reports.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<&str> = reports.iter().map(|(p, _)| p.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let rows = locked(tx, by_provider_ids(channel_id, &ids)).await?;
    let keyed: Vec<(String, &StatusReport)> = reports.iter().map(|(p, r)| (p.clone(), r)).collect();
    apply_all(tx, rows, |m| m.provider_message_id.clone(), &keyed).await
}

/// Records the provider's id of a message we sent and moves it to `sent` (unless a report
/// already took it further). The provider id is set only if the message had none.
///
/// # Errors
/// `NotFound`, also for another tenant's message; `Conflict { field: "provider_message_id" }`
/// if another message of the channel already has that id.
pub async fn mark_sent(
    tx: &TenantTx,
    id: Uuid,
    provider_message_id: &str,
    at: DateTime<Utc>,
) -> Result<StatusOutcome, DbError> {
    Entity::update_many()
        .col_expr(Column::ProviderMessageId, Expr::value(provider_message_id))
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .filter(Column::Id.eq(id))
        .filter(Column::ProviderMessageId.is_null())
        .exec(tx.conn())
        .await?;
    match apply_status(tx, id, &StatusReport::new(MessageStatus::Sent, at)).await? {
        StatusOutcome::Unknown => Err(DbError::NotFound),
        other => Ok(other),
    }
}
