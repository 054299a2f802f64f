//! Group commit for webhook intake: concurrent deliveries share one transaction.
//!
//! Every acknowledged delivery must be on disk with its ingestion job before the `200`, and a
//! commit costs a disk flush: one transaction per delivery caps intake at the database's
//! commit rate (DESIGN §5 measured ≈ 6,900 one-row transactions/s on Postgres here, far less on
//! SQLite). One writer task takes whatever deliveries queued up while the previous commit ran
//! — up to [`MAX_BATCH`] — and stores them all, events and jobs, in one platform-scope
//! transaction; each request then gets its answer. There is no waiting window: a lone delivery
//! commits at once, and batches grow only under load, so latency stays one commit.
//!
//! The batch is two multi-row `INSERT`s (deliveries, then their jobs): one statement per row
//! would cap the writer at the database's round-trip rate (`bench/ingest` measured the same
//! rows as two 32-row `INSERT`s 3.6× faster on PostgreSQL). Its commit wakes the workers of the
//! `webhooks` queue once for the whole batch.
//!
//! Several writers can take turns at the queue (`ATENDE_INTAKE_WRITERS`, PostgreSQL only makes
//! use of it: SQLite has one write lock): while one waits for its commit, the next gathers and
//! sends the following batch. The default is one: `bench/ingest` on 2 cores measured one writer
//! ahead at 32 requests in flight (5,896 acks/s, ≈ 16 deliveries per commit) of two (5,246/s)
//! and four (4,616/s, ≈ 4 per commit, more CPU per delivery), and all three alike at 256 (9–10k/s).
//! A machine with more cores and a slower disk may want more.
//!
//! If a commit fails, every delivery of its batch gets the error and answers 5xx: Meta retries
//! them. Nothing is acknowledged that was not committed.

use crate::error::{CoreError, CoreResult};
use atende_db::jobs::{self, NewJob};
use atende_db::repo::webhook_events::{self, NewWebhookEvent};
use atende_db::{Db, DbError};
use std::sync::Arc;
use tokio::sync::{Mutex, mpsc, oneshot};
use uuid::Uuid;

/// Most deliveries one transaction stores.
pub const MAX_BATCH: usize = 256;

/// Deliveries waiting for the writer; past this the callers wait for room.
const QUEUE: usize = 4096;

struct Pending {
    event: NewWebhookEvent,
    job: fn(Uuid) -> NewJob,
    done: oneshot::Sender<Result<Uuid, String>>,
}

/// The intake writer's handle. Cheap to clone; the writer stops when the last handle is gone.
#[derive(Clone)]
pub struct Intake {
    tx: mpsc::Sender<Pending>,
}

impl Intake {
    /// Starts `writers` writer tasks (at least one; SQLite always gets one). Needs a Tokio
    /// runtime.
    #[must_use]
    pub fn start(db: Db, writers: usize) -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        let writers = match db.backend() {
            atende_db::Backend::Postgres => writers.max(1),
            atende_db::Backend::Sqlite => 1,
        };
        let rx = Arc::new(Mutex::new(rx));
        for _ in 0..writers {
            tokio::spawn(writer(db.clone(), rx.clone()));
        }
        Self { tx }
    }

    /// Stores a delivery and its job (built from the delivery's id), returning once committed.
    ///
    /// # Errors
    /// `Internal` when the batch's transaction failed (nothing of it was stored).
    pub async fn submit(&self, event: NewWebhookEvent, job: fn(Uuid) -> NewJob) -> CoreResult<Uuid> {
        let (done, answer) = oneshot::channel();
        self.tx
            .send(Pending { event, job, done })
            .await
            .map_err(|_| CoreError::Internal("webhook intake stopped".into()))?;
        answer
            .await
            .map_err(|_| CoreError::Internal("webhook intake stopped".into()))?
            .map_err(CoreError::Internal)
    }
}

/// One writer: takes what is queued (waiting its turn at the queue), stores it, answers.
async fn writer(db: Db, rx: Arc<Mutex<mpsc::Receiver<Pending>>>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.lock().await.recv_many(&mut batch, MAX_BATCH).await > 0 {
        metrics::histogram!("atende_webhook_intake_batch_size").record(batch.len() as f64);
        let mut events = Vec::with_capacity(batch.len());
        let mut waiting = Vec::with_capacity(batch.len());
        for p in batch.drain(..) {
            events.push(p.event);
            waiting.push((p.job, p.done));
        }
        let jobs: Vec<fn(Uuid) -> NewJob> = waiting.iter().map(|(j, _)| *j).collect();
        match store(&db, events, &jobs).await {
            Ok(ids) => {
                for ((_, done), id) in waiting.into_iter().zip(ids) {
                    let _ = done.send(Ok(id));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, deliveries = waiting.len(), "webhook intake commit failed");
                for (_, done) in waiting {
                    let _ = done.send(Err(e.to_string()));
                }
            }
        }
    }
}

/// One transaction, two multi-row `INSERT`s: the deliveries, then their jobs. The commit wakes
/// the `webhooks` workers (one notification for the whole batch on PostgreSQL).
async fn store(db: &Db, events: Vec<NewWebhookEvent>, jobs: &[fn(Uuid) -> NewJob]) -> Result<Vec<Uuid>, DbError> {
    let tenants: Vec<_> = events.iter().map(|e| e.tenant_id).collect();
    let tx = db.platform_tx().await?;
    let ids = webhook_events::insert_many(&tx, events).await?;
    let new_jobs: Vec<NewJob> = jobs
        .iter()
        .zip(&ids)
        .zip(tenants)
        .map(|((job, id), tenant)| NewJob {
            tenant_id: tenant,
            ..job(*id)
        })
        .collect();
    jobs::enqueue_many(&tx, new_jobs).await?;
    tx.commit().await?;
    Ok(ids)
}
