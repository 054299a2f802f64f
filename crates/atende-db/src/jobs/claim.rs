//! Taking jobs: a batch of due jobs of one queue, or jobs whose worker stopped renewing its
//! lease, each in one statement; and when the next job falls due.
//!
//! # Plans that do not depend on statistics
//!
//! `jobs` is written and emptied all day and may never be analysed (autovacuum off, a freshly
//! restored database). Each query here is shaped so that the index answers it in order however
//! long the backlog is and whatever the planner believes about the table:
//! - due jobs: `status = 'queued' AND queue = $q AND run_at <= $now ORDER BY run_at LIMIT $n` is
//!   a range of `ix_jobs__claim (status, queue, run_at)` read in index order, stopping after
//!   `$n` rows. There is no `id` tie-break: `ORDER BY run_at, id` is more than the index gives,
//!   and without statistics Postgres sorted the whole backlog to get it (measured: 30 ms per
//!   claim with 19,000 jobs waiting; `bench/README.md`).
//! - the update then finds its rows by primary key: `id = ANY(ARRAY(SELECT …))` on Postgres is
//!   an index condition on `jobs_pkey` (a join or `IN (subquery)` leaves the planner free to
//!   pick a hash join over a sequential scan of `jobs`, which it may when it knows nothing).
//! - expired leases: `status = 'running'` is a short range of the same index (only the jobs in
//!   hand), filtered by `locked_until`, in no particular order (an order would be a sort).
//!
//! `plans.rs` in this crate's tests checks these plans with `EXPLAIN` on an unanalysed table.

use super::status;
use crate::db::{Backend, Db, Scoped};
use crate::entities::jobs::{Entity, Model};
use crate::error::DbError;
use crate::repo::now;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement, Value};
use std::time::Duration;

fn lease_end(at: DateTime<Utc>, lease: Duration) -> DateTime<Utc> {
    at + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::seconds(30))
}

/// The claim statement over the rows `pick` selects (a `SELECT id FROM jobs …` whose
/// parameters start at `$4`/the fourth `?`): marks them running for `$1` until `$2`, charging
/// an attempt, at `$3`.
fn claim_sql(backend: Backend, pick: &str) -> (DbBackend, String) {
    let set = "SET status = 'running', locked_by = {p1}, locked_until = {p2}, \
               attempts = attempts + 1, updated_at = {p3}";
    match backend {
        Backend::Postgres => (
            DbBackend::Postgres,
            format!("UPDATE jobs {set} WHERE id = ANY(ARRAY({pick} FOR UPDATE SKIP LOCKED)) RETURNING *")
                .replace("{p1}", "$1")
                .replace("{p2}", "$2")
                .replace("{p3}", "$3"),
        ),
        Backend::Sqlite => (
            DbBackend::Sqlite,
            format!("UPDATE jobs {set} WHERE id IN ({pick}) RETURNING *")
                .replace("{p1}", "?1")
                .replace("{p2}", "?2")
                .replace("{p3}", "?3"),
        ),
    }
}

/// The `n`-th parameter (1-based) in the backend's syntax.
fn param(backend: Backend, n: usize) -> String {
    match backend {
        Backend::Postgres => format!("${n}"),
        Backend::Sqlite => format!("?{n}"),
    }
}

/// The statement [`claim_due`] runs (public for the plan checks in the tests).
#[must_use]
pub fn claim_due_statement(
    backend: Backend,
    queue: &str,
    worker: &str,
    until: DateTime<Utc>,
    at: DateTime<Utc>,
    limit: usize,
) -> Statement {
    let pick = format!(
        "SELECT id FROM jobs WHERE status = '{}' AND queue = {} AND run_at <= {} ORDER BY run_at LIMIT {}",
        status::QUEUED,
        param(backend, 4),
        param(backend, 3),
        param(backend, 5),
    );
    let (db_backend, sql) = claim_sql(backend, &pick);
    let values: Vec<Value> = vec![
        worker.into(),
        until.into(),
        at.into(),
        queue.into(),
        i64::try_from(limit).unwrap_or(i64::MAX).into(),
    ];
    Statement::from_sql_and_values(db_backend, sql, values)
}

/// The statement [`claim_expired`] runs (public for the plan checks in the tests).
#[must_use]
pub fn claim_expired_statement(
    backend: Backend,
    queues: &[&str],
    worker: &str,
    until: DateTime<Utc>,
    at: DateTime<Utc>,
    limit: usize,
) -> Statement {
    let listed: Vec<String> = (0..queues.len()).map(|i| param(backend, i + 5)).collect();
    // No ORDER BY: which expired jobs come first does not matter, and ordering them by
    // `locked_until` made PostgreSQL sort every running job for each look.
    let pick = format!(
        "SELECT id FROM jobs WHERE status = '{}' AND queue IN ({}) AND locked_until < {} LIMIT {}",
        status::RUNNING,
        listed.join(", "),
        param(backend, 3),
        param(backend, 4),
    );
    let (db_backend, sql) = claim_sql(backend, &pick);
    let mut values: Vec<Value> = vec![
        worker.into(),
        until.into(),
        at.into(),
        i64::try_from(limit).unwrap_or(i64::MAX).into(),
    ];
    values.extend(queues.iter().map(|q| Value::from(*q)));
    Statement::from_sql_and_values(db_backend, sql, values)
}

async fn run(db: &Db, stmt: Statement) -> Result<Vec<Model>, DbError> {
    let tx = db.platform_tx().await?;
    let mut jobs = Entity::find().from_raw_sql(stmt).all(tx.conn()).await?;
    tx.commit().await?;
    // `RETURNING` keeps no order: oldest first, as they were picked.
    jobs.sort_by_key(|j| (j.run_at, j.id));
    Ok(jobs)
}

/// Claims up to `limit` due jobs of `queue` for `worker`, oldest `run_at` first, holding each
/// for `lease` (renew it with [`super::renew`] while working).
///
/// # Errors
/// Database failure.
pub async fn claim_due(
    db: &Db,
    queue: &str,
    worker: &str,
    lease: Duration,
    limit: usize,
) -> Result<Vec<Model>, DbError> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let at = now();
    run(
        db,
        claim_due_statement(db.backend(), queue, worker, lease_end(at, lease), at, limit),
    )
    .await
}

/// Claims up to `limit` jobs of `queues` whose lease ran out: their worker stopped renewing it
/// (it died, or lost the database). They may have been half done; handlers are idempotent.
///
/// # Errors
/// Database failure.
pub async fn claim_expired(
    db: &Db,
    queues: &[&str],
    worker: &str,
    lease: Duration,
    limit: usize,
) -> Result<Vec<Model>, DbError> {
    if limit == 0 || queues.is_empty() {
        return Ok(Vec::new());
    }
    let at = now();
    run(
        db,
        claim_expired_statement(db.backend(), queues, worker, lease_end(at, lease), at, limit),
    )
    .await
}

/// Claims one job: the first due job of `queues` (tried in a rotating order, so a flood in one
/// queue does not starve the others), else one whose lease expired. The tests' and the CLI's
/// deterministic drain uses it.
///
/// # Errors
/// Database failure.
pub async fn claim(db: &Db, queues: &[&str], worker: &str, lease: Duration) -> Result<Option<Model>, DbError> {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    if queues.is_empty() {
        return Ok(None);
    }
    let first = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % queues.len();
    for i in 0..queues.len() {
        let queue = queues[(first + i) % queues.len()];
        if let Some(job) = claim_due(db, queue, worker, lease, 1).await?.pop() {
            return Ok(Some(job));
        }
    }
    Ok(claim_expired(db, queues, worker, lease, 1).await?.pop())
}

/// When the next job of `queues` falls due: the earliest `run_at` of a queued job, or the
/// earliest end of a running job's lease (it will be claimable again then, unless renewed).
/// `None` when nothing is queued or running. One statement: per queue, the first entry of the
/// claim index (an index probe each, however long the backlog).
///
/// # Errors
/// Database failure.
pub async fn next_wakeup(db: &Db, queues: &[&str]) -> Result<Option<DateTime<Utc>>, DbError> {
    if queues.is_empty() {
        return Ok(None);
    }
    let tx = db.platform_tx().await?;
    let row = tx
        .conn()
        .query_one_raw(next_wakeup_statement(db.backend(), queues))
        .await?;
    tx.commit().await?;
    Ok(row.and_then(|r| r.try_get::<Option<DateTime<Utc>>>("", "at").ok().flatten()))
}

/// The statement [`next_wakeup`] runs (public for the plan checks in the tests).
#[must_use]
pub fn next_wakeup_statement(backend: Backend, queues: &[&str]) -> Statement {
    let per_queue: Vec<String> = (0..queues.len())
        .map(|i| {
            format!(
                "(SELECT run_at FROM jobs WHERE status = '{}' AND queue = {} ORDER BY run_at LIMIT 1)",
                status::QUEUED,
                param(backend, i + 1)
            )
        })
        .collect();
    let listed: Vec<String> = (0..queues.len()).map(|i| param(backend, i + 1)).collect();
    let lease = format!(
        "(SELECT MIN(locked_until) FROM jobs WHERE status = '{}' AND queue IN ({}))",
        status::RUNNING,
        listed.join(", ")
    );
    let mut candidates = per_queue;
    candidates.push(lease);
    let (db_backend, sql) = match backend {
        Backend::Postgres => (
            DbBackend::Postgres,
            format!("SELECT LEAST({}) AS at", candidates.join(", ")),
        ),
        // SQLite's multi-argument MIN is NULL as soon as one argument is: pick from a union.
        Backend::Sqlite => (
            DbBackend::Sqlite,
            format!(
                "SELECT MIN(t) AS at FROM ({})",
                candidates
                    .iter()
                    .map(|c| format!("SELECT {c} AS t"))
                    .collect::<Vec<_>>()
                    .join(" UNION ALL ")
            ),
        ),
    };
    let values: Vec<Value> = queues.iter().map(|q| Value::from(*q)).collect();
    Statement::from_sql_and_values(db_backend, sql, values)
}
