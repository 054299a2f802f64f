//! Recording what became of claimed jobs, renewing the leases of jobs in hand, and handing
//! them back on shutdown.
//!
//! Every write here is guarded by `locked_by = <worker> AND status = 'running'`: a worker whose
//! lease ran out and was taken over by another can no longer change the job (it learns so from
//! the returned count, or from [`renew`] not returning the job).

use super::status;
use crate::db::{Db, PlatformTx, Scoped};
use crate::entities::jobs::{Column, Entity};
use crate::error::DbError;
use crate::repo::now;
use atende_domain::JobId;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashSet;
use std::time::Duration;

/// What became of a job.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// It ran to completion.
    Done,
    /// Another attempt at `run_at`, keeping the error.
    Retry { error: String, run_at: DateTime<Utc> },
    /// It did not run (pacing, a rate limit's hold): again at `run_at`, without spending the
    /// attempt it was charged.
    Postpone { run_at: DateTime<Utc> },
    /// The dead letter, with its last error.
    Bury { error: String },
}

impl Outcome {
    fn set(&self, at: DateTime<Utc>) -> Vec<(Column, SimpleExpr)> {
        match self {
            Self::Done => vec![
                (Column::Status, Expr::value(status::DONE)),
                (Column::FinishedAt, Expr::value(Some(at))),
            ],
            Self::Retry { error, run_at } => vec![
                (Column::Status, Expr::value(status::QUEUED)),
                (Column::RunAt, Expr::value(*run_at)),
                (Column::LastError, Expr::value(Some(error.clone()))),
            ],
            Self::Postpone { run_at } => vec![
                (Column::Status, Expr::value(status::QUEUED)),
                (Column::RunAt, Expr::value(*run_at)),
                (Column::Attempts, Expr::col(Column::Attempts).sub(1)),
            ],
            Self::Bury { error } => vec![
                (Column::Status, Expr::value(status::DEAD)),
                (Column::LastError, Expr::value(Some(error.clone()))),
                (Column::FinishedAt, Expr::value(Some(at))),
            ],
        }
    }
}

/// Applies `outcome` to the jobs `ids` this worker still holds; returns the ids it held.
async fn record(tx: &PlatformTx, ids: &[JobId], worker: &str, outcome: &Outcome) -> Result<Vec<JobId>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let at = now();
    let mut q = Entity::update_many()
        .filter(Column::Id.is_in(ids.iter().map(|i| i.uuid())))
        .filter(Column::LockedBy.eq(worker))
        .filter(Column::Status.eq(status::RUNNING));
    for (c, e) in outcome.set(at) {
        q = q.col_expr(c, e);
    }
    Ok(q.col_expr(Column::UpdatedAt, Expr::value(at))
        .col_expr(Column::LockedBy, Expr::value(Option::<String>::None))
        .col_expr(Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .exec_with_returning(tx.conn())
        .await?
        .into_iter()
        .map(|j| JobId::from(j.id))
        .collect())
}

/// Records the outcomes of a batch in one transaction: the finished jobs with one statement,
/// the rest (retries, the dead letter: rare, each with its own error) one by one. Returns,
/// per entry, whether this worker still held the job.
///
/// # Errors
/// Database failure (nothing is recorded).
pub async fn finish_batch(db: &Db, worker: &str, outcomes: &[(JobId, Outcome)]) -> Result<Vec<bool>, DbError> {
    let tx = db.platform_tx().await?;
    let done: Vec<JobId> = outcomes
        .iter()
        .filter(|(_, o)| *o == Outcome::Done)
        .map(|(id, _)| *id)
        .collect();
    let mut held: HashSet<JobId> = record(&tx, &done, worker, &Outcome::Done).await?.into_iter().collect();
    for (id, outcome) in outcomes.iter().filter(|(_, o)| *o != Outcome::Done) {
        held.extend(record(&tx, std::slice::from_ref(id), worker, outcome).await?);
    }
    tx.commit().await?;
    Ok(outcomes.iter().map(|(id, _)| held.contains(id)).collect())
}

async fn finish_one(db: &Db, id: JobId, worker: &str, outcome: Outcome) -> Result<bool, DbError> {
    Ok(finish_batch(db, worker, &[(id, outcome)]).await?.first() == Some(&true))
}

/// Marks a job done. Returns `false` if this worker no longer held it (its lease expired and
/// another worker took it).
///
/// # Errors
/// Database failure.
pub async fn complete(db: &Db, id: JobId, worker: &str) -> Result<bool, DbError> {
    finish_one(db, id, worker, Outcome::Done).await
}

/// Marks the jobs this worker still holds among `ids` done, in one statement; returns how many.
///
/// # Errors
/// Database failure.
pub async fn complete_many(db: &Db, ids: &[JobId], worker: &str) -> Result<u64, DbError> {
    let outcomes: Vec<(JobId, Outcome)> = ids.iter().map(|id| (*id, Outcome::Done)).collect();
    Ok(finish_batch(db, worker, &outcomes)
        .await?
        .into_iter()
        .filter(|held| *held)
        .count() as u64)
}

/// Schedules another attempt at `run_at`, keeping the error.
///
/// # Errors
/// Database failure.
pub async fn retry(db: &Db, id: JobId, worker: &str, error: &str, run_at: DateTime<Utc>) -> Result<bool, DbError> {
    let error = error.to_owned();
    finish_one(db, id, worker, Outcome::Retry { error, run_at }).await
}

/// Puts a job back for `run_at` without spending an attempt: it did not run (its channel is
/// paced or held back by a provider's rate limit), it waited its turn.
///
/// # Errors
/// Database failure.
pub async fn postpone(db: &Db, id: JobId, worker: &str, run_at: DateTime<Utc>) -> Result<bool, DbError> {
    finish_one(db, id, worker, Outcome::Postpone { run_at }).await
}

/// Moves a job to the dead letter with its last error.
///
/// # Errors
/// Database failure.
pub async fn bury(db: &Db, id: JobId, worker: &str, error: &str) -> Result<bool, DbError> {
    let error = error.to_owned();
    finish_one(db, id, worker, Outcome::Bury { error }).await
}

/// Empties a finished job's payload (it may carry secrets, such as a mail with a sign-in link,
/// that must not outlive the job).
///
/// # Errors
/// Database failure.
pub async fn clear_payload(db: &Db, id: JobId) -> Result<(), DbError> {
    let tx = db.platform_tx().await?;
    Entity::update_many()
        .col_expr(Column::Payload, Expr::value(serde_json::json!({"redacted": true})))
        .filter(Column::Id.eq(id.uuid()))
        .filter(Column::Status.is_in([status::DONE, status::DEAD]))
        .exec(tx.conn())
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The heartbeat: extends by `lease` the leases of the jobs `ids` that `worker` still runs, in
/// one statement, and returns the ids it still holds. A job missing from the answer was taken
/// over (its lease had run out): its handler must stop. Only the jobs in hand are renewed, so a
/// job the worker gave up on runs out its lease and is taken over.
///
/// # Errors
/// Database failure (the leases are unchanged and keep running out).
pub async fn renew(db: &Db, worker: &str, ids: &[JobId], lease: Duration) -> Result<Vec<JobId>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let at = now();
    let until = at + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::seconds(30));
    let tx = db.platform_tx().await?;
    let held: Vec<uuid::Uuid> = Entity::update_many()
        .col_expr(Column::LockedUntil, Expr::value(Some(until)))
        .filter(Column::Id.is_in(ids.iter().map(|i| i.uuid())))
        .filter(Column::LockedBy.eq(worker))
        .filter(Column::Status.eq(status::RUNNING))
        .exec_with_returning(tx.conn())
        .await?
        .into_iter()
        .map(|j| j.id)
        .collect();
    tx.commit().await?;
    Ok(held.into_iter().map(JobId::from).collect())
}

/// On graceful shutdown: hands this worker's running jobs back to the queue, undoing the
/// attempt they were charged for, so another worker picks them up at once.
///
/// # Errors
/// Database failure.
pub async fn release_worker(db: &Db, worker: &str) -> Result<u64, DbError> {
    let tx = db.platform_tx().await?;
    let n = Entity::update_many()
        .col_expr(Column::Status, Expr::value(status::QUEUED))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).sub(1))
        .col_expr(Column::LockedBy, Expr::value(Option::<String>::None))
        .col_expr(Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(Column::UpdatedAt, Expr::value(now()))
        .filter(Column::LockedBy.eq(worker))
        .filter(Column::Status.eq(status::RUNNING))
        .exec(tx.conn())
        .await?
        .rows_affected;
    tx.commit().await?;
    if n > 0 {
        // Handed back: due now, for this process's other loops and the other workers.
        db.wakeups().wake_all();
    }
    Ok(n)
}
