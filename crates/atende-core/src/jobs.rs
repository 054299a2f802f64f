//! The worker: claims jobs, runs their handlers, records the outcome.
//!
//! Outcomes: success → `done`; a retryable failure → `queued` again after 2^n seconds with
//! jitter (capped at an hour); a permanent failure, or the last attempt → `dead` (the dead
//! letter, kept with its error and re-triable). On shutdown a worker stops claiming, abandons
//! the job in hand and hands it back to the queue at once instead of waiting for its lease to
//! expire.

use crate::Core;
use crate::mail::{self, OutgoingMail};
use async_trait::async_trait;
use atende_db::entities::jobs::Model as Job;
use atende_db::jobs;
use atende_domain::JobId;
use chrono::Utc;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How a handler failed.
#[derive(Debug)]
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

    /// Whether the payload holds secrets to erase once the job is done or dead (kept while it
    /// may still be retried).
    fn payload_is_secret(&self) -> bool {
        false
    }
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
            crate::inbox::conversations::READ_RECEIPT_KIND,
            Arc::new(crate::inbox::deliver::SendReadReceipt),
        );
        r
    }

    pub fn register(&mut self, kind: &'static str, handler: Arc<dyn JobHandler>) {
        self.handlers.insert(kind, handler);
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
    pub concurrency: usize,
    /// How long a claimed job is held before another worker may take it.
    pub lease: Duration,
    /// How long to sleep when the queues are empty.
    pub idle_poll: Duration,
    /// The longest back-off between attempts.
    pub max_backoff: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            queues: jobs::queue::ALL.to_vec(),
            concurrency: 2,
            lease: Duration::from_secs(300),
            idle_poll: Duration::from_millis(500),
            max_backoff: Duration::from_secs(3600),
        }
    }
}

/// Time-driven upkeep every worker does besides claiming jobs: waking snoozed conversations.
/// (SLA checks, reminders and the retention purge join here, with their schedules.)
async fn periodic(core: Core, stop: CancellationToken) {
    let mut every = tokio::time::interval(Duration::from_secs(30));
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            _ = every.tick() => {
                match crate::inbox::conversations::wake_snoozed(&core).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(woken = n, "snoozed conversations woken"),
                    Err(e) => tracing::warn!(error = %e, "waking snoozed conversations failed"),
                }
            }
        }
    }
}

/// A worker (one or more claim loops).
#[derive(Clone)]
pub struct Worker {
    core: Core,
    registry: Arc<Registry>,
    config: WorkerConfig,
    name: String,
}

impl Worker {
    #[must_use]
    pub fn new(core: Core, registry: Registry, config: WorkerConfig) -> Self {
        let name = format!("{}-{}", std::process::id(), uuid::Uuid::now_v7().simple());
        Self {
            core,
            registry: Arc::new(registry),
            config,
            name,
        }
    }

    /// Runs the claim loops until `shutdown` fires, then releases whatever they held.
    pub async fn run(self, shutdown: CancellationToken) {
        let mut set = tokio::task::JoinSet::new();
        for n in 0..self.config.concurrency.max(1) {
            let me = self.clone();
            let stop = shutdown.clone();
            set.spawn(async move { me.run_loop(&format!("{}-{n}", me.name), stop).await });
        }
        {
            let (core, stop) = (self.core.clone(), shutdown.clone());
            set.spawn(async move { periodic(core, stop).await });
        }
        while set.join_next().await.is_some() {}
        tracing::info!(worker = %self.name, "worker stopped");
    }

    async fn run_loop(&self, id: &str, stop: CancellationToken) {
        loop {
            if stop.is_cancelled() {
                break;
            }
            // Database steps (claim, finish) are never interrupted; only a running handler is,
            // and its job is then handed back below.
            let worked = self.run_one(id, Some(&stop)).await;
            match worked {
                Ok(true) => {}
                Ok(false) => {
                    tokio::select! {
                        () = stop.cancelled() => break,
                        () = tokio::time::sleep(self.config.idle_poll) => {}
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "job queue unavailable");
                    tokio::select! {
                        () = stop.cancelled() => break,
                        () = tokio::time::sleep(Duration::from_secs(2)) => {}
                    }
                }
            }
        }
        match jobs::release_worker(&self.core.db, id).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(worker = id, released = n, "released claimed jobs on shutdown"),
            Err(e) => tracing::error!(worker = id, error = %e, "could not release claimed jobs"),
        }
    }

    /// Claims and runs one job. `Ok(false)` when nothing was due, or when `stop` fired while the
    /// handler ran (the job stays claimed by `id` until [`jobs::release_worker`] hands it back).
    ///
    /// # Errors
    /// The queue itself is unreachable.
    pub async fn run_one(&self, id: &str, stop: Option<&CancellationToken>) -> Result<bool, atende_db::DbError> {
        if stop.is_some_and(CancellationToken::is_cancelled) {
            return Ok(false);
        }
        let Some(job) = jobs::claim(&self.core.db, &self.config.queues, id, self.config.lease).await? else {
            return Ok(false);
        };
        let job_id = JobId(job.id);
        if job.attempts > job.max_attempts {
            // Claimed again after its lease expired on every attempt: its worker died while
            // running it (e.g. it crashes the process). Stop instead of looping forever.
            let e = "out of attempts: the worker stopped while running it";
            tracing::warn!(job = %job.id, kind = %job.kind, attempts = job.attempts, "{e}");
            jobs::bury(&self.core.db, job_id, id, e).await?;
            return Ok(true);
        }
        let started = std::time::Instant::now();
        let run = async {
            match self.registry.handlers.get(job.kind.as_str()) {
                None => Err(JobError::Permanent(format!("no handler for job kind {}", job.kind))),
                Some(h) => match tokio::time::timeout(self.config.lease, h.run(&self.core, &job)).await {
                    Ok(r) => r,
                    Err(_) => Err(JobError::Retry("timed out".into())),
                },
            }
        };
        let outcome = match stop {
            Some(stop) => tokio::select! {
                () = stop.cancelled() => return Ok(false),
                r = run => r,
            },
            None => run.await,
        };
        let label = match &outcome {
            Ok(()) => {
                jobs::complete(&self.core.db, job_id, id).await?;
                "done"
            }
            Err(JobError::Permanent(e)) => {
                tracing::warn!(job = %job.id, kind = %job.kind, error = %e, "job failed permanently");
                jobs::bury(&self.core.db, job_id, id, e).await?;
                "dead"
            }
            Err(JobError::Postpone(d)) => {
                let run_at = Utc::now() + chrono::Duration::from_std(*d).unwrap_or(chrono::Duration::seconds(60));
                jobs::postpone(&self.core.db, job_id, id, run_at).await?;
                "retry"
            }
            Err(JobError::Retry(e) | JobError::RetryAfter(_, e)) if job.attempts >= job.max_attempts => {
                tracing::warn!(job = %job.id, kind = %job.kind, error = %e, attempts = job.attempts, "job out of attempts");
                jobs::bury(&self.core.db, job_id, id, e).await?;
                "dead"
            }
            Err(err @ (JobError::Retry(_) | JobError::RetryAfter(..))) => {
                let (min, e) = match err {
                    JobError::RetryAfter(d, e) => (*d, e),
                    JobError::Retry(e) | JobError::Permanent(e) => (Duration::ZERO, e),
                    JobError::Postpone(_) => (Duration::ZERO, &String::new()),
                };
                let attempt = u32::try_from(job.attempts).unwrap_or(1);
                let delay =
                    atende_domain::backoff::retry_delay(attempt, rand::random::<f64>(), self.config.max_backoff)
                        .max(min);
                let run_at = Utc::now() + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::seconds(60));
                tracing::info!(job = %job.id, kind = %job.kind, error = %e, retry_in = ?delay, "job will retry");
                jobs::retry(&self.core.db, job_id, id, e, run_at).await?;
                "retry"
            }
        };
        if label != "retry"
            && self
                .registry
                .handlers
                .get(job.kind.as_str())
                .is_some_and(|h| h.payload_is_secret())
        {
            jobs::clear_payload(&self.core.db, job_id).await?;
        }
        metrics::counter!("atende_jobs_total", "queue" => job.queue.clone(), "kind" => job.kind.clone(), "outcome" => label)
            .increment(1);
        metrics::histogram!("atende_job_duration_seconds", "queue" => job.queue.clone())
            .record(started.elapsed().as_secs_f64());
        Ok(true)
    }

    /// Runs due jobs until none is left (tests and the CLI): deterministic, no background task.
    ///
    /// # Errors
    /// The queue is unreachable.
    pub async fn drain(&self) -> Result<usize, atende_db::DbError> {
        let id = format!("{}-drain", self.name);
        let mut n = 0;
        while self.run_one(&id, None).await? {
            n += 1;
        }
        Ok(n)
    }
}
