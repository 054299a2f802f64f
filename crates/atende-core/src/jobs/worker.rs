//! The worker: claim loops, the lease heartbeat and the wake-up listener.
//!
//! # Claiming
//! Each loop takes, in a rotating order over its queues, up to the queue's batch size of due
//! jobs in one statement ([`jobs::claim_due`]), runs them (a batch of one kind goes to
//! [`super::JobHandler::run_batch`]) and records every outcome in one transaction
//! ([`jobs::finish_batch`]). A queue that gave fewer jobs than asked is *drained* until its
//! wake-up generation moves ([`atende_db::jobs::wakeup`]): the loop does not ask it again for
//! nothing. When every queue is drained the loop sleeps until the first of: a wake-up (a commit
//! that enqueued, in this process or — through `LISTEN` — in another), the next `run_at` or
//! lease end it knows of ([`jobs::next_wakeup`]), or the slow fallback poll.
//!
//! # Leases and recovery (why a heartbeat, not "reclaim at start")
//! A claim holds its jobs for a short lease ([`WorkerConfig::lease`], 6 s) that a heartbeat
//! task renews every [`WorkerConfig::heartbeat`] (1.5 s) for every job in hand. A process killed
//! with `kill -9` stops renewing, so its jobs are claimable again at most one lease after its
//! last beat — wherever the next worker runs, after a restart or on another node, with nothing
//! to configure. Reclaiming "the previous incarnation's" leases at start would need a stable
//! identity per process (two replicas sharing one would steal each other's work) and would do
//! nothing for a node that never comes back.
//! A renewal that does not return a job means another worker took it (the lease had run out):
//! the batch it belongs to is abandoned, unrecorded. When renewals keep failing (the database
//! is unreachable) a batch is abandoned as its lease runs out, so two workers never run one
//! job at once while both believe they hold it.
//!
//! Jobs taken over from an expired lease may have been running when a worker crashed — maybe
//! *because* of one of them. The first time they run in batches as usual (recovery after a
//! `kill -9` is one batch, not hundreds of single transactions); a job whose worker died twice
//! while running it runs alone, so a job that crashes the process soon crashes alone: each
//! claim charges it an attempt, and past `max_attempts` it goes to the dead letter without
//! running (the rest of its batch is applied normally).

use super::{JobError, Registry, WorkerConfig};
use crate::Core;
use atende_db::entities::jobs::Model as Job;
use atende_db::jobs::{self, Outcome};
use atende_db::notify::{Listener, Received};
use atende_domain::JobId;
use chrono::Utc;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// How often a busy loop looks for jobs whose lease ran out (an idle one wakes at the lease's
/// end by its timer).
const EXPIRED_CHECK: Duration = Duration::from_secs(1);

/// Most jobs taken over from expired leases in one look (a dead worker's two batches).
const MAX_TAKEOVER: usize = 512;

/// Attempts after which a job taken over from an expired lease runs alone: its worker died
/// twice while running it, so it may be what crashes the process.
const SUSPECT_AFTER: i32 = 2;

/// A batch in hand: when it was claimed and how to abandon it.
struct Held {
    claimed: Instant,
    /// The lease as last confirmed (claim or renewal).
    valid_until: Instant,
    abandon: CancellationToken,
}

/// A worker (one or more claim loops sharing one lease identity and one heartbeat).
#[derive(Clone)]
pub struct Worker {
    core: Core,
    registry: Arc<Registry>,
    config: WorkerConfig,
    name: String,
    held: Arc<Mutex<HashMap<JobId, Arc<Held>>>>,
}

/// A claim loop's memory of which queues are drained, by their wake-up generation then.
#[derive(Default)]
struct Drained(HashMap<&'static str, u64>);

impl Worker {
    #[must_use]
    pub fn new(core: Core, registry: Registry, config: WorkerConfig) -> Self {
        let name = format!("{}-{}", std::process::id(), uuid::Uuid::now_v7().simple());
        Self {
            core,
            registry: Arc::new(registry),
            config,
            name,
            held: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// The name this worker's leases carry (`jobs.locked_by`).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    fn held(&self) -> std::sync::MutexGuard<'_, HashMap<JobId, Arc<Held>>> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs the claim loops, the heartbeat and the wake-up listener until `shutdown` fires,
    /// then hands back whatever was in hand.
    pub async fn run(self, shutdown: CancellationToken) {
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..self.config.concurrency.max(1) {
            let (me, stop) = (self.clone(), shutdown.clone());
            set.spawn(async move { me.run_loop(&stop).await });
        }
        let background = shutdown.child_token();
        {
            let (me, stop) = (self.clone(), background.clone());
            set.spawn(async move { me.heartbeat(&stop).await });
        }
        if let Some(url) = self.config.listen_url.clone() {
            let (core, stop) = (self.core.clone(), background.clone());
            set.spawn(async move { listen(core, url, stop).await });
        }
        {
            let (core, stop) = (self.core.clone(), background.clone());
            set.spawn(async move { periodic(core, stop).await });
        }
        while set.join_next().await.is_some() {}
        match jobs::release_worker(&self.core.db, &self.name).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(worker = %self.name, released = n, "released claimed jobs on shutdown"),
            Err(e) => tracing::error!(worker = %self.name, error = %e, "could not release claimed jobs"),
        }
        tracing::info!(worker = %self.name, "worker stopped");
    }

    async fn run_loop(&self, stop: &CancellationToken) {
        let mut drained = Drained::default();
        let mut next_expired_check = Instant::now();
        loop {
            if stop.is_cancelled() {
                break;
            }
            let wakeups = self.core.db.wakeups().clone();
            let woken = wakeups.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            let worked = if Instant::now() >= next_expired_check {
                next_expired_check = Instant::now() + EXPIRED_CHECK;
                self.take_over_expired(Some(stop)).await
            } else {
                Ok(0)
            };
            let worked = match worked {
                Ok(0) => self.claim_round(&mut drained, Some(stop)).await,
                other => other,
            };
            match worked {
                Ok(0) => {
                    let until = self.idle_until().await;
                    tokio::select! {
                        () = stop.cancelled() => break,
                        () = &mut woken => {}
                        () = tokio::time::sleep_until(until) => {
                            // A timer fired: something scheduled may be due, or a lease ended.
                            drained.0.clear();
                            next_expired_check = Instant::now();
                        }
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(error = %e, "job queue unavailable");
                    drained.0.clear();
                    tokio::select! {
                        () = stop.cancelled() => break,
                        () = tokio::time::sleep(Duration::from_secs(2)) => {}
                    }
                }
            }
        }
    }

    /// When an idle loop should look again by itself: the next due job or lease end it knows
    /// of, but no later than the fallback poll.
    async fn idle_until(&self) -> Instant {
        let fallback = Instant::now() + self.config.idle_poll;
        match jobs::next_wakeup(&self.core.db, &self.config.queues).await {
            Ok(Some(at)) => {
                let wait = (at - Utc::now()).to_std().unwrap_or(Duration::ZERO);
                // A little after the time itself: `run_at <= now` must hold when it looks.
                (Instant::now() + wait + Duration::from_millis(5)).min(fallback)
            }
            Ok(None) => fallback,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the next due job");
                fallback
            }
        }
    }

    /// One pass over the queues, in a rotating order: the first that gives jobs is worked.
    /// Returns how many jobs ran.
    async fn claim_round(
        &self,
        drained: &mut Drained,
        stop: Option<&CancellationToken>,
    ) -> Result<usize, atende_db::DbError> {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let queues = &self.config.queues;
        if queues.is_empty() {
            return Ok(0);
        }
        let first = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % queues.len();
        let wakeups = self.core.db.wakeups();
        for i in 0..queues.len() {
            let queue = queues[(first + i) % queues.len()];
            let generation = wakeups.generation(queue);
            if drained.0.get(queue) == Some(&generation) {
                continue;
            }
            let limit = self.config.batch_of(queue);
            let claimed = jobs::claim_due(&self.core.db, queue, &self.name, self.config.lease, limit).await?;
            if claimed.len() < limit {
                drained.0.insert(queue, generation);
            } else {
                drained.0.remove(queue);
            }
            if !claimed.is_empty() {
                let n = claimed.len();
                self.run_claimed(claimed, stop).await?;
                return Ok(n);
            }
        }
        Ok(0)
    }

    /// Takes over jobs whose lease ran out and runs them one at a time (see the module docs).
    async fn take_over_expired(&self, stop: Option<&CancellationToken>) -> Result<usize, atende_db::DbError> {
        let claimed = jobs::claim_expired(
            &self.core.db,
            &self.config.queues,
            &self.name,
            self.config.lease,
            MAX_TAKEOVER,
        )
        .await?;
        let n = claimed.len();
        if n > 0 {
            tracing::warn!(jobs = n, "taking over jobs whose worker stopped renewing their lease");
        }
        // A first takeover runs in batches as usual (a crash mid-batch charged each job one
        // attempt); a job whose worker died twice while running it runs alone.
        let (suspects, rest): (Vec<Job>, Vec<Job>) = claimed.into_iter().partition(|j| j.attempts > SUSPECT_AFTER);
        let mut batches: Vec<Vec<Job>> = Vec::new();
        for job in rest {
            let limit = self.config.batch_of(&job.queue);
            match batches
                .iter_mut()
                .find(|b| b.len() < limit && b.first().is_some_and(|f| f.queue == job.queue))
            {
                Some(b) => b.push(job),
                None => batches.push(vec![job]),
            }
        }
        batches.extend(suspects.into_iter().map(|j| vec![j]));
        for batch in batches {
            self.run_claimed(batch, stop).await?;
        }
        Ok(n)
    }

    /// Runs claimed jobs (grouped by kind) and records their outcomes.
    async fn run_claimed(&self, claimed: Vec<Job>, stop: Option<&CancellationToken>) -> Result<(), atende_db::DbError> {
        let abandon = CancellationToken::new();
        let now = Instant::now();
        let entry = Arc::new(Held {
            claimed: now,
            valid_until: now + self.config.lease,
            abandon: abandon.clone(),
        });
        {
            let mut held = self.held();
            for j in &claimed {
                held.insert(JobId(j.id), entry.clone());
            }
        }
        let result = self.run_kinds(claimed.clone(), stop, &abandon).await;
        {
            let mut held = self.held();
            for j in &claimed {
                held.remove(&JobId(j.id));
            }
        }
        let Some(outcomes) = result else {
            // Stopped or abandoned: not recorded. A shutdown hands the jobs back; a lost lease
            // means another worker has them.
            return Ok(());
        };
        let records: Vec<(JobId, Outcome)> = outcomes.iter().map(|(j, o, _)| (JobId(j.id), o.clone())).collect();
        let kept = jobs::finish_batch(&self.core.db, &self.name, &records).await?;
        for ((job, outcome, secret), held) in outcomes.iter().zip(kept) {
            if !held {
                tracing::warn!(job = %job.id, kind = %job.kind, "job finished after its lease was taken over");
                continue;
            }
            if *secret && matches!(outcome, Outcome::Done | Outcome::Bury { .. }) {
                jobs::clear_payload(&self.core.db, JobId(job.id)).await?;
            }
            let label = match outcome {
                Outcome::Done => "done",
                Outcome::Bury { .. } => "dead",
                Outcome::Retry { .. } | Outcome::Postpone { .. } => "retry",
            };
            metrics::counter!("atende_jobs_total", "queue" => job.queue.clone(), "kind" => job.kind.clone(), "outcome" => label)
                .increment(1);
        }
        Ok(())
    }

    /// The outcome of each job, with whether its payload is secret; `None` when stopped or
    /// abandoned before the end.
    async fn run_kinds(
        &self,
        claimed: Vec<Job>,
        stop: Option<&CancellationToken>,
        abandon: &CancellationToken,
    ) -> Option<Vec<(Job, Outcome, bool)>> {
        let started = std::time::Instant::now();
        let queue = claimed.first().map(|j| j.queue.clone()).unwrap_or_default();
        let total = claimed.len();
        let mut by_kind: Vec<(String, Vec<Job>)> = Vec::new();
        let mut out = Vec::with_capacity(total);
        for job in claimed {
            if job.attempts > job.max_attempts {
                // Claimed again after its lease ran out on every attempt: its worker died while
                // running it (it may crash the process). Stop instead of looping forever.
                let e = "out of attempts: the worker stopped while running it".to_owned();
                tracing::warn!(job = %job.id, kind = %job.kind, attempts = job.attempts, "{e}");
                out.push((job, Outcome::Bury { error: e }, false));
                continue;
            }
            match by_kind.iter_mut().find(|(k, _)| *k == job.kind) {
                Some((_, v)) => v.push(job),
                None => by_kind.push((job.kind.clone(), vec![job])),
            }
        }
        for (kind, group) in by_kind {
            let handler = self.registry.get(&kind).cloned();
            let results = match &handler {
                None => vec![Err(JobError::Permanent(format!("no handler for job kind {kind}"))); group.len()],
                Some(h) => {
                    let run = tokio::time::timeout(self.config.job_timeout, h.run_batch(&self.core, &group));
                    let stopped = async {
                        match stop {
                            Some(s) => s.cancelled().await,
                            None => std::future::pending().await,
                        }
                    };
                    tokio::select! {
                        () = stopped => return None,
                        () = abandon.cancelled() => return None,
                        r = run => r.unwrap_or_else(|_| vec![Err(JobError::Retry("timed out".into())); group.len()]),
                    }
                }
            };
            let secret = handler.as_ref().is_some_and(|h| h.payload_is_secret());
            for (job, result) in group.into_iter().zip(results) {
                let outcome = self.outcome(&job, result);
                out.push((job, outcome, secret));
            }
        }
        metrics::histogram!("atende_job_duration_seconds", "queue" => queue.clone())
            .record(started.elapsed().as_secs_f64());
        metrics::histogram!("atende_job_batch_size", "queue" => queue).record(total as f64);
        Some(out)
    }

    /// What a handler's answer means for the job.
    fn outcome(&self, job: &Job, result: Result<(), JobError>) -> Outcome {
        let at = |d: Duration| Utc::now() + chrono::Duration::from_std(d).unwrap_or(chrono::Duration::seconds(60));
        match result {
            Ok(()) => Outcome::Done,
            Err(JobError::Permanent(e)) => {
                tracing::warn!(job = %job.id, kind = %job.kind, error = %e, "job failed permanently");
                Outcome::Bury { error: e }
            }
            Err(JobError::Postpone(d)) => Outcome::Postpone { run_at: at(d) },
            Err(JobError::Retry(e) | JobError::RetryAfter(_, e)) if job.attempts >= job.max_attempts => {
                tracing::warn!(job = %job.id, kind = %job.kind, error = %e, attempts = job.attempts, "job out of attempts");
                Outcome::Bury { error: e }
            }
            Err(JobError::Retry(e)) => self.retry_outcome(job, Duration::ZERO, e),
            Err(JobError::RetryAfter(min, e)) => self.retry_outcome(job, min, e),
        }
    }

    fn retry_outcome(&self, job: &Job, min: Duration, error: String) -> Outcome {
        let attempt = u32::try_from(job.attempts).unwrap_or(1);
        let delay =
            atende_domain::backoff::retry_delay(attempt, rand::random::<f64>(), self.config.max_backoff).max(min);
        tracing::info!(job = %job.id, kind = %job.kind, error = %error, retry_in = ?delay, "job will retry");
        Outcome::Retry {
            error,
            run_at: Utc::now() + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::seconds(60)),
        }
    }

    /// Renews the leases of the jobs in hand every `heartbeat`, abandoning batches whose lease
    /// was taken over or could not be renewed in time.
    async fn heartbeat(&self, stop: &CancellationToken) {
        let mut every = tokio::time::interval(self.config.heartbeat);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = stop.cancelled() => break,
                _ = every.tick() => {}
            }
            let in_hand: Vec<JobId> = self.held().keys().copied().collect();
            let asked_for: std::collections::HashSet<JobId> = in_hand.iter().copied().collect();
            if in_hand.is_empty() {
                continue;
            }
            let asked = Instant::now();
            match jobs::renew(&self.core.db, &self.name, &in_hand, self.config.lease).await {
                Ok(kept) => {
                    let kept: std::collections::HashSet<JobId> = kept.into_iter().collect();
                    let mut held = self.held();
                    let mut renewed: Vec<(JobId, Arc<Held>)> = Vec::new();
                    for (id, h) in held.iter().filter(|(id, _)| asked_for.contains(id)) {
                        if kept.contains(id) {
                            renewed.push((*id, h.clone()));
                        } else if h.claimed < asked {
                            tracing::warn!(job = %id, "lease taken over by another worker: abandoning the batch");
                            h.abandon.cancel();
                        }
                    }
                    for (id, h) in renewed {
                        held.insert(
                            id,
                            Arc::new(Held {
                                claimed: h.claimed,
                                valid_until: asked + self.config.lease,
                                abandon: h.abandon.clone(),
                            }),
                        );
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "could not renew job leases");
                    // Abandon before the lease runs out, leaving a beat of margin.
                    let limit = Instant::now() + self.config.heartbeat;
                    for h in self.held().values() {
                        if h.valid_until <= limit {
                            h.abandon.cancel();
                        }
                    }
                }
            }
        }
    }

    /// Runs due jobs until none is left (tests and the CLI): deterministic, no background task,
    /// batches as configured. Jobs whose lease ran out are taken over too.
    ///
    /// # Errors
    /// The queue is unreachable.
    pub async fn drain(&self) -> Result<usize, atende_db::DbError> {
        let mut n = 0;
        loop {
            let mut drained = Drained::default();
            let ran = match self.take_over_expired(None).await? {
                0 => self.claim_round(&mut drained, None).await?,
                k => k,
            };
            if ran == 0 {
                return Ok(n);
            }
            n += ran;
        }
    }
}

/// Turns other processes' commits (`pg_notify` on [`jobs::wakeup::CHANNEL`]) into wake-ups of
/// this process's loops. Reconnects with back-off; a reconnection wakes every queue (what was
/// notified meanwhile is lost).
async fn listen(core: Core, url: String, stop: CancellationToken) {
    let mut backoff = Duration::from_millis(100);
    loop {
        let connected = tokio::select! {
            () = stop.cancelled() => return,
            r = Listener::connect(&url, jobs::wakeup::CHANNEL) => r,
        };
        let mut listener = match connected {
            Ok(l) => {
                backoff = Duration::from_millis(100);
                core.db.wakeups().wake_all();
                l
            }
            Err(e) => {
                tracing::warn!(error = %e, retry_in = ?backoff, "job wake-up listener cannot connect");
                tokio::select! {
                    () = stop.cancelled() => return,
                    () = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(Duration::from_secs(10));
                continue;
            }
        };
        loop {
            let got = tokio::select! {
                () = stop.cancelled() => return,
                r = listener.recv() => r,
            };
            match got {
                Ok(Received::Notification { payload, .. }) => core.db.wakeups().wake(&payload),
                Ok(Received::Reconnected) => core.db.wakeups().wake_all(),
                Err(e) => {
                    tracing::warn!(error = %e, "job wake-up listener failed; reconnecting");
                    break;
                }
            }
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
