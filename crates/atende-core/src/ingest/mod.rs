//! Inbound: a provider's webhook delivery, from the HTTP request to stored messages.
//!
//! 1. [`receive`] (the HTTP request): find the channel the URL names (cached), verify the
//!    signature over the raw bytes with the channel's app secret (constant time), then store
//!    the raw delivery (`webhook_events`) and its `webhook.ingest` job in **one transaction**,
//!    shared by the deliveries arriving together ([`crate::intake`]). Only after the commit
//!    does the caller answer `200`: a delivery Meta saw acknowledged is on disk, and a process
//!    killed right after still has the job to run. The commit wakes the workers.
//! 2. [`IngestWebhook`] (the job, in batches of up to [`crate::jobs::WEBHOOK_BATCH`]): parse,
//!    route, download media outside any transaction, then apply each tenant's deliveries in one
//!    transaction with set-based statements, mark them processed in the same commit, and
//!    publish to live screens once ([`apply`]). Running a delivery twice changes nothing the
//!    second time.
//!
//! # Layout
//! - [`receive`](mod@receive): handshake, signature, storing; the channel cache.
//! - `apply`: a batch of deliveries, per tenant, with halving on failure.
//! - `content`: what a provider message becomes in `messages`.
//! - `media`: downloads before the transaction (and the one download "try again" reuses).

mod apply;
mod content;
mod media;
pub mod receive;

pub(crate) use content::MediaOutcome;
pub(crate) use media::{FileToFetch, download_file};

pub use receive::{WebhookChannels, receive, verify_subscription};

use crate::Core;
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::authz::require;
use crate::error::CoreResult;
use crate::jobs::{JobError, JobHandler};
use async_trait::async_trait;
use atende_db::entities::jobs::Model as Job;
use atende_db::jobs::{self as queue, NewJob};
use atende_db::repo::webhook_events;
use atende_domain::{Action, TenantCtx};
use serde_json::{Value, json};
use uuid::Uuid;

/// The job kind that applies a stored delivery.
pub const INGEST_KIND: &str = "webhook.ingest";

fn ingest_job(event_id: Uuid) -> NewJob {
    NewJob::new(queue::queue::WEBHOOKS, INGEST_KIND, json!({ "event_id": event_id }))
}

/// Queues a stored delivery again (admin): for a delivery that failed, or to re-apply one after
/// a fix. Applying is idempotent, so a replay of a processed delivery creates nothing new.
///
/// # Errors
/// 404, also for another tenant's delivery.
pub async fn replay(core: &Core, ctx: &TenantCtx, event_id: Uuid, meta: &RequestMeta) -> CoreResult<()> {
    require(ctx, Action::ChannelsManage)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let ev = webhook_events::reset_for_replay(&tx, event_id).await?;
    queue::enqueue(&tx, ingest_job(ev.id)).await?;
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("webhooks.replay", "webhook_event", ev.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The `webhook.ingest` job: applies stored deliveries, many at once.
pub struct IngestWebhook;

fn event_id(job: &Job) -> Option<Uuid> {
    job.payload
        .get("event_id")
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok())
}

#[async_trait]
impl JobHandler for IngestWebhook {
    async fn run(&self, core: &Core, job: &Job) -> Result<(), JobError> {
        self.run_batch(core, std::slice::from_ref(job))
            .await
            .pop()
            .unwrap_or_else(|| Err(JobError::Retry("no outcome".into())))
    }

    async fn run_batch(&self, core: &Core, jobs: &[Job]) -> Vec<Result<(), JobError>> {
        let ids: Vec<Uuid> = jobs.iter().filter_map(event_id).collect();
        let mut applied = apply::apply_batch(core, &ids).await.into_iter();
        jobs.iter()
            .map(|job| match event_id(job) {
                None => Err(JobError::Permanent("bad payload: event_id".into())),
                Some(_) => applied
                    .next()
                    .unwrap_or_else(|| Err(JobError::Retry("no outcome".into()))),
            })
            .collect()
    }
}
