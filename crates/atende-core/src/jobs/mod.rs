//! Job handlers and the worker that runs them.
//!
//! Outcomes: success → `done`; a retryable failure → `queued` again after 2^n seconds with
//! jitter (capped at an hour); a permanent failure, or the last attempt → `dead` (the dead
//! letter, kept with its error and re-triable).
//!
//! # Layout
//! - this module: [`JobError`], [`JobHandler`] (one job, or a batch of one kind at once),
//!   [`Registry`], [`WorkerConfig`].
//! - [`worker`]: [`Worker`]: batched claims, wake-ups instead of polling, leases renewed by a
//!   heartbeat, release on shutdown, and the deterministic [`Worker::drain`] of the tests.

#[cfg(test)]
mod tests;
mod worker;

pub use worker::Worker;

use crate::Core;
use crate::mail::{self, OutgoingMail};
use async_trait::async_trait;
use atende_db::entities::jobs::Model as Job;
use atende_db::jobs;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// How a handler failed.
#[derive(Clone, Debug)]
pub enum JobError {
    /// Try again later (network trouble, 5xx, timeouts).
    Retry(String),
    /// Try again after at least this long (a provider's rate limit said so).
    RetryAfter(Duration, String),
    /// Retrying cannot help (bad payload, a permanent provider error).
    Permanent(String),
    /// Not run: wait this long and run it again, without spending an attempt (pacing, a rate
    /// limit's hold on the whole channel).
    Postpone(Duration),
}

/// Runs one kind of job.
#[async_trait]
pub trait JobHandler: Send + Sync {
    /// # Errors
    /// How it failed, which decides retry or dead letter.
    async fn run(&self, core: &Core, job: &Job) -> Result<(), JobError>;

    /// Runs several jobs of this kind at once and answers one outcome per job, in order. The
    /// default runs them one after the other; a handler that can do better (one transaction for
    /// many webhook deliveries) overrides it. The worker hands a batch only to kinds of a queue
    /// configured with a batch size above one ([`WorkerConfig::batch`]).
    async fn run_batch(&self, core: &Core, jobs: &[Job]) -> Vec<Result<(), JobError>> {
        let mut out = Vec::with_capacity(jobs.len());
        for job in jobs {
            out.push(self.run(core, job).await);
        }
        out
    }

    /// Whether the payload holds secrets to erase once the job is done or dead (kept while it
    /// may still be retried).
    fn payload_is_secret(&self) -> bool {
        false
    }
}

/// The uuid at `key` of a job's payload.
///
/// # Errors
/// `Permanent` when it is missing or not a uuid (retrying cannot fix a payload).
pub fn payload_uuid(job: &Job, key: &str) -> Result<uuid::Uuid, JobError> {
    job.payload
        .get(key)
        .and_then(serde_json::Value::as_str)
        .and_then(|s| uuid::Uuid::parse_str(s).ok())
        .ok_or_else(|| JobError::Permanent(format!("bad payload: {key}")))
}

/// The tenant a job belongs to.
///
/// # Errors
/// `Permanent` for a platform job.
pub fn job_tenant(job: &Job) -> Result<atende_domain::TenantId, JobError> {
    job.tenant_id
        .map(atende_domain::TenantId)
        .ok_or_else(|| JobError::Permanent("job without a tenant".into()))
}

/// Job kinds and their handlers.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<&'static str, Arc<dyn JobHandler>>,
}

impl Registry {
    /// The handlers every installation has.
    #[must_use]
    pub fn standard() -> Self {
        let mut r = Self::default();
        r.register(mail::SEND_KIND, Arc::new(SendMail));
        r.register(crate::ingest::INGEST_KIND, Arc::new(crate::ingest::IngestWebhook));
        r.register(
            crate::inbox::send::DELIVER_KIND,
            Arc::new(crate::inbox::deliver::DeliverMessage),
        );
        r.register(
            crate::inbox::templates::SYNC_KIND,
            Arc::new(crate::inbox::templates::SyncTemplates),
        );
        r.register(
            crate::inbox::media_retry::REFETCH_KIND,
            Arc::new(crate::inbox::media_retry::RefetchMedia),
        );
        r.register(
            crate::inbox::conversations::READ_RECEIPT_KIND,
            Arc::new(crate::inbox::deliver::SendReadReceipt),
        );
        r
    }

    pub fn register(&mut self, kind: &'static str, handler: Arc<dyn JobHandler>) {
        self.handlers.insert(kind, handler);
    }

    fn get(&self, kind: &str) -> Option<&Arc<dyn JobHandler>> {
        self.handlers.get(kind)
    }
}

struct SendMail;

#[async_trait]
impl JobHandler for SendMail {
    async fn run(&self, core: &Core, job: &Job) -> Result<(), JobError> {
        let mail: OutgoingMail = serde_json::from_value(job.payload.clone())
            .map_err(|e| JobError::Permanent(format!("bad payload: {e}")))?;
        core.mailer.send(&mail).await.map_err(JobError::Retry)
    }

    /// Sign-in and invitation mails carry live links.
    fn payload_is_secret(&self) -> bool {
        true
    }
}

/// Worker settings.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    pub queues: Vec<&'static str>,
    /// Claim loops: how many batches (or single jobs) run at once.
    pub concurrency: usize,
    /// How long a claim holds a job without renewal. After `kill -9` the jobs in hand are
    /// claimable again this long after the last heartbeat: it bounds recovery.
    pub lease: Duration,
    /// How often the leases of jobs in hand are renewed (a fraction of `lease`, so a few missed
    /// beats are survived).
    pub heartbeat: Duration,
    /// The longest a handler (or a batch) may run before it counts as timed out.
    pub job_timeout: Duration,
    /// The slow fallback: idle loops look at their queues at least this often even without a
    /// wake-up (a lost notification, a second process on one SQLite file).
    pub idle_poll: Duration,
    /// The longest back-off between attempts.
    pub max_backoff: Duration,
    /// Jobs claimed at once per queue (default 1): a queue whose handlers apply batches in one
    /// transaction (`webhooks`) takes many.
    pub batch: Vec<(&'static str, usize)>,
    /// The PostgreSQL URL to `LISTEN` on for wake-ups from other processes (`None`: in-process
    /// wake-ups only, e.g. SQLite).
    pub listen_url: Option<String>,
}

/// Deliveries applied per batch: one tenant transaction each, multi-row statements inside.
pub const WEBHOOK_BATCH: usize = 256;

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            queues: jobs::queue::ALL.to_vec(),
            concurrency: 2,
            lease: Duration::from_secs(6),
            heartbeat: Duration::from_millis(1500),
            job_timeout: Duration::from_secs(300),
            idle_poll: Duration::from_secs(5),
            max_backoff: Duration::from_secs(3600),
            batch: vec![(jobs::queue::WEBHOOKS, WEBHOOK_BATCH)],
            listen_url: None,
        }
    }
}

impl WorkerConfig {
    /// The batch size of `queue`.
    #[must_use]
    pub fn batch_of(&self, queue: &str) -> usize {
        self.batch
            .iter()
            .find(|(q, _)| *q == queue)
            .map_or(1, |(_, n)| (*n).max(1))
    }
}
