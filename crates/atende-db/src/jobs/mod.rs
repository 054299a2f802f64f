//! The durable job queue (DESIGN §5).
//!
//! A job is a row. Enqueue it in the same transaction as the change that calls for it, and it
//! exists exactly when the change does; the commit wakes the workers of its queue
//! ([`wakeup`]). Workers claim due jobs in batches, each claim one statement, and hold them with
//! a short **lease** (`locked_by`, `locked_until`) that the running worker renews while it
//! works ([`renew`]). A worker that dies stops renewing: its lease runs out within seconds and
//! the jobs are claimed again ([`claim_expired`]). Postgres claims with `FOR UPDATE SKIP
//! LOCKED`, so concurrent workers skip each other's rows instead of queueing on them; SQLite
//! claims with one `UPDATE … RETURNING` statement, atomic under its single writer lock.
//!
//! # Layout
//! - this module: queues, states, [`NewJob`], [`enqueue`], inspection ([`get`], [`stats`]).
//! - [`claim`](mod@claim): taking due jobs and expired leases; when the next one is due.
//! - [`finish`]: done, retry, postpone, dead letter (one job or a batch), lease renewal,
//!   release on shutdown.
//! - [`wakeup`]: in-process and `LISTEN/NOTIFY` wake-ups after a commit that enqueued.

mod claim;
mod finish;
pub mod wakeup;

pub use claim::{
    claim, claim_due, claim_due_statement, claim_expired, claim_expired_statement, next_wakeup, next_wakeup_statement,
};
pub use finish::{
    Outcome, bury, clear_payload, complete, complete_many, finish_batch, postpone, release_worker, renew, retry,
};

use crate::db::{Db, Scoped};
use crate::entities::jobs::{self, Column, Entity, Model};
use crate::error::DbError;
use crate::repo::now;
use atende_domain::{JobId, TenantId};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// Named queues, so a flood in one never starves another.
pub mod queue {
    pub const DEFAULT: &str = "default";
    pub const WEBHOOKS: &str = "webhooks";
    pub const OUTBOUND: &str = "outbound";
    pub const AUTOMATIONS: &str = "automations";
    pub const CAMPAIGNS: &str = "campaigns";
    pub const ANALYTICS: &str = "analytics";
    pub const MAIL: &str = "mail";
    /// Every queue, the set a worker serves unless told otherwise.
    pub const ALL: &[&str] = &[DEFAULT, WEBHOOKS, OUTBOUND, AUTOMATIONS, CAMPAIGNS, ANALYTICS, MAIL];
}

/// Job states. `dead` is the dead letter: out of attempts, kept for inspection and retry.
pub mod status {
    pub const QUEUED: &str = "queued";
    pub const RUNNING: &str = "running";
    pub const DONE: &str = "done";
    pub const DEAD: &str = "dead";
}

/// A job to enqueue.
#[derive(Clone, Debug)]
pub struct NewJob {
    pub queue: &'static str,
    pub kind: &'static str,
    pub payload: serde_json::Value,
    pub tenant_id: Option<TenantId>,
    pub run_at: Option<DateTime<Utc>>,
    pub max_attempts: i32,
    /// A job with the same key is enqueued only once (until it is deleted).
    pub dedupe_key: Option<String>,
}

impl NewJob {
    #[must_use]
    pub fn new(queue: &'static str, kind: &'static str, payload: serde_json::Value) -> Self {
        Self {
            queue,
            kind,
            payload,
            tenant_id: None,
            run_at: None,
            max_attempts: 8,
            dedupe_key: None,
        }
    }
}

fn active(tx: &impl Scoped, job: NewJob, id: JobId, at: DateTime<Utc>) -> jobs::ActiveModel {
    jobs::ActiveModel {
        id: Set(id.uuid()),
        tenant_id: Set(tx.scope_tenant().or(job.tenant_id).map(TenantId::uuid)),
        queue: Set(job.queue.to_owned()),
        kind: Set(job.kind.to_owned()),
        payload: Set(job.payload),
        status: Set(status::QUEUED.to_owned()),
        run_at: Set(job.run_at.unwrap_or(at)),
        attempts: Set(0),
        max_attempts: Set(Ord::max(job.max_attempts, 1)),
        last_error: Set(None),
        locked_by: Set(None),
        locked_until: Set(None),
        dedupe_key: Set(job.dedupe_key),
        created_at: Set(at),
        updated_at: Set(at),
        finished_at: Set(None),
    }
}

/// Enqueues in the caller's transaction. Inside a tenant transaction the job belongs to that
/// tenant whatever `job.tenant_id` says. The queue's workers are woken when it commits.
///
/// # Errors
/// `Conflict { field: "dedupe_key" }` for a duplicate key.
pub async fn enqueue(tx: &impl Scoped, job: NewJob) -> Result<JobId, DbError> {
    Ok(enqueue_many(tx, vec![job]).await?.remove(0))
}

/// Enqueues several jobs with one multi-row `INSERT` (the webhook intake's batch), returning
/// their ids in order.
///
/// # Errors
/// As [`enqueue`]; on an error nothing of the batch is written by this statement.
pub async fn enqueue_many(tx: &impl Scoped, batch: Vec<NewJob>) -> Result<Vec<JobId>, DbError> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let at = now();
    let mut ids = Vec::with_capacity(batch.len());
    let mut rows = Vec::with_capacity(batch.len());
    for job in batch {
        tx.note_enqueued(job.queue);
        let id = JobId::new();
        ids.push(id);
        rows.push(active(tx, job, id, at));
    }
    Entity::insert_many(rows).exec_without_returning(tx.conn()).await?;
    Ok(ids)
}

/// A job by id (platform scope).
///
/// # Errors
/// `NotFound`.
pub async fn get(db: &Db, id: JobId) -> Result<Model, DbError> {
    let tx = db.platform_tx().await?;
    let job = Entity::find_by_id(id.uuid())
        .one(tx.conn())
        .await?
        .ok_or(DbError::NotFound)?;
    tx.commit().await?;
    Ok(job)
}

/// What `/metrics` reports per queue.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct QueueStats {
    /// Jobs waiting (queued, due or scheduled).
    pub depth: u64,
    /// How long the oldest due job has waited, in seconds (0 when none is due).
    pub oldest_due_secs: f64,
}

/// Depth and age of one queue.
///
/// # Errors
/// Database failure.
pub async fn stats(db: &Db, queue: &str) -> Result<QueueStats, DbError> {
    use sea_orm::{QueryOrder, QuerySelect};
    let at = now();
    let tx = db.platform_tx().await?;
    let waiting = Entity::find()
        .filter(Column::Queue.eq(queue))
        .filter(Column::Status.eq(status::QUEUED));
    let depth = waiting.clone().count(tx.conn()).await?;
    let oldest = waiting
        .filter(Column::RunAt.lte(at))
        .order_by_asc(Column::RunAt)
        .limit(1)
        .one(tx.conn())
        .await?;
    tx.commit().await?;
    let oldest_due_secs = oldest.map_or(0.0, |j| Ord::max((at - j.run_at).num_milliseconds(), 0) as f64 / 1000.0);
    Ok(QueueStats { depth, oldest_due_secs })
}
