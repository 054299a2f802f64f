//! "Tentar novamente" on an inbound message whose file could not be downloaded.
//!
//! The ingest keeps such a message (its caption as the body, its type, MIME type and file name)
//! with the reason in `payload.media_error`. An agent asks for the file again:
//! [`request`] marks the error `retrying` and enqueues a [`REFETCH_KIND`] job in one
//! transaction; the job ([`RefetchMedia`]) downloads through the channel's adapter outside any
//! transaction (the same download the ingest runs) and then stores the file and drops the
//! error, or stores the new reason. Either way the screens hear `message.updated` and the
//! "retrying" state ends: an agent never waits on a spinner that nothing will stop.
//!
//! Providers keep a file for a limited time (WhatsApp: the media id lives for days, not
//! forever): past it the provider answers "not found" and the message says so.
//!
//! Not audited: fetching a file the customer already sent changes no data an admin reviews.

use super::{MessageView, visible_conversation};
use crate::Core;
use crate::bus::{Event, EventKind};
use crate::error::{CoreError, CoreResult};
use crate::ingest::{FileToFetch, MediaOutcome, download_file};
use crate::jobs::{JobError, JobHandler};
use async_trait::async_trait;
use atende_db::DbError;
use atende_db::entities::jobs::Model as Job;
use atende_db::entities::messages::Model as Message;
use atende_db::jobs::{self as queue, NewJob};
use atende_db::repo::{channels, messages};
use atende_domain::{Action, TenantCtx, TenantId};
use serde_json::{Value, json};
use uuid::Uuid;

/// The job kind that downloads a message's file again.
pub const REFETCH_KIND: &str = "media.refetch";

/// Transient failures (network, a provider 5xx) are retried this many times with backoff
/// before the message records the failure.
const ATTEMPTS: i32 = 4;

/// The code of a request for a file that is not missing.
pub const NOT_FAILED: &str = "media_not_failed";

/// Whether `m` is an inbound message whose file is missing (a failed download).
fn file_missing(m: &Message) -> bool {
    m.media_object_key.is_none() && m.payload.as_ref().is_some_and(|p| p.get("media_error").is_some())
}

/// Asks for the file of a message again (an agent pressed "tentar novamente"). Answers the
/// message with `payload.media_error.retrying = true`; asking again while a download is queued
/// queues nothing more.
///
/// # Errors
/// 404 (also for a conversation the caller cannot see); 422 `media_not_failed` for a message
/// whose file is not missing.
pub async fn request(core: &Core, ctx: &TenantCtx, conversation_id: Uuid, message_id: Uuid) -> CoreResult<MessageView> {
    crate::authz::require(ctx, Action::ConversationsWork)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    visible_conversation(&tx, ctx, conversation_id).await?;
    let m = messages::get(&tx, message_id).await?;
    if m.conversation_id != conversation_id {
        return Err(CoreError::NotFound);
    }
    if !file_missing(&m) {
        return Err(CoreError::Rejected(
            NOT_FAILED,
            "this message's file is not missing".into(),
        ));
    }
    let mut m = m;
    let mut payload = m.payload.take().unwrap_or(Value::Null);
    let queued = payload["media_error"]["retrying"].as_bool() == Some(true);
    if !queued {
        payload["media_error"]["retrying"] = json!(true);
        messages::set_payload(&tx, message_id, payload.clone()).await?;
        queue::enqueue(
            &tx,
            NewJob {
                max_attempts: ATTEMPTS,
                ..NewJob::new(queue::queue::DEFAULT, REFETCH_KIND, json!({ "message_id": message_id }))
            },
        )
        .await?;
    }
    // The row as written (no second read).
    m.payload = Some(payload);
    tx.commit().await?;
    if !queued {
        publish(core, ctx.tenant_id, &m).await;
    }
    Ok(MessageView::of(core, &m))
}

async fn publish(core: &Core, tenant: TenantId, m: &Message) {
    core.publish(vec![
        Event::new(EventKind::MessageUpdated, tenant)
            .conversation(m.conversation_id)
            .message(m.id),
    ])
    .await;
}

/// The [`REFETCH_KIND`] job.
pub struct RefetchMedia;

#[async_trait]
impl JobHandler for RefetchMedia {
    async fn run(&self, core: &Core, job: &Job) -> Result<(), JobError> {
        let retry = |e: DbError| JobError::Retry(e.to_string());
        let id = crate::jobs::payload_uuid(job, "message_id")?;
        let tenant = crate::jobs::job_tenant(job)?;
        let tx = core.db.tenant_tx(tenant).await.map_err(retry)?;
        let m = match messages::get(&tx, id).await {
            Ok(m) => m,
            Err(DbError::NotFound) => return Ok(()),
            Err(e) => return Err(retry(e)),
        };
        if !file_missing(&m) {
            return Ok(());
        }
        let channel = match channels::get_any(&tx, m.channel_id).await.map_err(retry)? {
            Some(c) => c,
            None => {
                return finish(
                    core,
                    tenant,
                    &m,
                    None,
                    Some(("media_unavailable", "the channel is gone".into())),
                )
                .await;
            }
        };
        tx.commit().await.map_err(retry)?;
        let payload = m.payload.clone().unwrap_or(Value::Null);
        let Some(media_id) = payload.get("media_id").and_then(Value::as_str) else {
            return finish(
                core,
                tenant,
                &m,
                None,
                Some(("media_unavailable", "the provider gave no media id".into())),
            )
            .await;
        };
        let file = FileToFetch {
            kind: &m.kind,
            media_id,
            mime: m.media_mime.as_deref(),
            file_name: m.media_file_name.as_deref(),
        };
        match download_file(core, tenant, &channel, &file).await {
            Ok(MediaOutcome::Stored(r)) => finish(core, tenant, &m, Some(r), None).await,
            Ok(MediaOutcome::Failed(code, detail)) => finish(core, tenant, &m, None, Some((code, detail))).await,
            Err(e) if job.attempts < job.max_attempts => Err(JobError::Retry(e)),
            Err(e) => finish(core, tenant, &m, None, Some(("media_unavailable", e))).await,
        }
    }
}

/// Stores the outcome on the message and tells the screens: the file (and no error), or the
/// new reason (no longer retrying).
async fn finish(
    core: &Core,
    tenant: TenantId,
    m: &Message,
    file: Option<messages::MediaRef>,
    error: Option<(&'static str, String)>,
) -> Result<(), JobError> {
    let retry = |e: DbError| JobError::Retry(e.to_string());
    let mut payload = m.payload.clone().unwrap_or(Value::Null);
    match error {
        Some((code, detail)) => payload["media_error"] = json!({ "code": code, "detail": detail }),
        None => {
            if let Some(p) = payload.as_object_mut() {
                p.remove("media_error");
            }
        }
    }
    let tx = core.db.tenant_tx(tenant).await.map_err(retry)?;
    messages::set_media(&tx, m.id, file, payload).await.map_err(retry)?;
    tx.commit().await.map_err(retry)?;
    publish(core, tenant, m).await;
    Ok(())
}
