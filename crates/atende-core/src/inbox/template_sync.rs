//! Syncing a channel's WhatsApp templates from Graph: on request (the composer's and the
//! channel settings' button) and as the `templates.sync` job enqueued when a number is connected
//! or its credentials change.

use crate::Core;
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::authz::require;
use crate::channels::credentials_of;
use crate::error::{CoreError, CoreResult};
use atende_channels::{ChannelAdapter, ChannelError};
use atende_db::page::PageRequest;
use atende_db::repo::channels::{self, kind};
use atende_db::repo::templates::{self, SyncedTemplate};
use atende_db::{DbError, TenantTx};
use atende_domain::{Action, ChannelId, TenantCtx};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

/// What a sync did.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SyncReport {
    pub channel_id: Uuid,
    /// Templates the provider listed (all stored or refreshed).
    pub synced: usize,
    /// Set when the provider could not be asked; earlier templates stay.
    pub error: Option<String>,
}

/// The job that fetches a WhatsApp channel's templates, enqueued when the channel is connected
/// or its credentials change (`crate::channels`): the composer has them without anyone pressing
/// "sync".
pub const SYNC_KIND: &str = "templates.sync";

/// Enqueues the template sync of a channel in the caller's transaction.
///
/// # Errors
/// Database failure.
pub async fn enqueue_sync(tx: &TenantTx, channel_id: Uuid) -> Result<(), DbError> {
    atende_db::jobs::enqueue(
        tx,
        atende_db::jobs::NewJob {
            max_attempts: 5,
            ..atende_db::jobs::NewJob::new(
                atende_db::jobs::queue::DEFAULT,
                SYNC_KIND,
                json!({ "channel_id": channel_id }),
            )
        },
    )
    .await?;
    Ok(())
}

/// Fetches the templates of every WhatsApp channel (or one) from Graph and stores them.
///
/// RBAC: syncing **one** channel is open to whoever works conversations (the composer's
/// "Sincronizar" button): it changes no configuration, it only brings what Meta already approved,
/// and an agent waiting for a new template should not need an admin. Syncing every channel at
/// once stays with who manages channels.
///
/// # Errors
/// 404 for an unknown channel; 422 for a channel that is not WhatsApp.
pub async fn sync(
    core: &Core,
    ctx: &TenantCtx,
    channel_id: Option<ChannelId>,
    meta: &RequestMeta,
) -> CoreResult<Vec<SyncReport>> {
    require(
        ctx,
        if channel_id.is_some() {
            Action::ConversationsWork
        } else {
            Action::ChannelsManage
        },
    )?;
    let targets = {
        let tx = core.db.tenant_tx(ctx.tenant_id).await?;
        let list = match channel_id {
            Some(id) => {
                let c = channels::get(&tx, id.uuid()).await?;
                if c.kind != kind::WHATSAPP_CLOUD {
                    return Err(CoreError::field(
                        "channel_id",
                        "templates exist on WhatsApp channels only",
                    ));
                }
                vec![c]
            }
            None => {
                channels::list(
                    &tx,
                    PageRequest::parse(Some(200), None).map_err(|(f, m)| CoreError::field(f, m))?,
                    Some(kind::WHATSAPP_CLOUD),
                )
                .await?
                .items
            }
        };
        tx.commit().await?;
        list
    };
    let mut reports = Vec::new();
    for ch in targets {
        match sync_channel(core, ctx.tenant_id, &ch, Some((ctx, meta))).await? {
            Ok(n) => reports.push(SyncReport {
                channel_id: ch.id,
                synced: n,
                error: None,
            }),
            Err(e) => reports.push(SyncReport {
                channel_id: ch.id,
                synced: 0,
                error: Some(e.to_string()),
            }),
        }
    }
    Ok(reports)
}

/// Fetches one channel's templates and stores them in one transaction (audited when a person
/// asked). The outer error is ours (database, credentials unreadable); the inner one is the
/// provider's.
async fn sync_channel(
    core: &Core,
    tenant: atende_domain::TenantId,
    ch: &atende_db::entities::channels::Model,
    asked_by: Option<(&TenantCtx, &RequestMeta)>,
) -> CoreResult<Result<usize, ChannelError>> {
    let creds = credentials_of(core, ch)?;
    let list = match core.adapters.whatsapp().sync_templates(&creds).await {
        Ok(list) => list,
        Err(e) => return Ok(Err(e)),
    };
    let tx = core.db.tenant_tx(tenant).await?;
    let n = list.len();
    for t in list {
        templates::upsert(
            &tx,
            ch.id,
            SyncedTemplate {
                name: t.name,
                language: t.language,
                category: t.category,
                status: t.status,
                components: json!({ "components": t.components, "parameter_format": t.parameter_format }),
                external_id: Some(t.id),
            },
        )
        .await?;
    }
    if let Some((ctx, meta)) = asked_by {
        audit::record(
            &tx,
            Who::Ctx(ctx),
            meta,
            Entry::new("templates.sync", "channel", ch.id).after(&json!({ "synced": n })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Ok(n))
}

/// The `templates.sync` job: one channel's templates from Graph. A provider that cannot be
/// reached is retried (5 attempts); a refusal (no WABA id, a token without the permission) ends
/// the job with a warning — retrying cannot help, and the composer's button or the channel's
/// settings sync again once it is fixed. A channel deleted meanwhile is nothing to do.
pub struct SyncTemplates;

#[async_trait::async_trait]
impl crate::jobs::JobHandler for SyncTemplates {
    async fn run(&self, core: &Core, job: &atende_db::entities::jobs::Model) -> Result<(), crate::jobs::JobError> {
        use crate::jobs::JobError;
        let channel = crate::jobs::payload_uuid(job, "channel_id")?;
        let tenant = crate::jobs::job_tenant(job)?;
        let ch = {
            let tx = core
                .db
                .tenant_tx(tenant)
                .await
                .map_err(|e| JobError::Retry(e.to_string()))?;
            let c = match channels::get(&tx, channel).await {
                Ok(c) => c,
                Err(DbError::NotFound) => return Ok(()),
                Err(e) => return Err(JobError::Retry(e.to_string())),
            };
            tx.commit().await.map_err(|e| JobError::Retry(e.to_string()))?;
            c
        };
        if ch.kind != kind::WHATSAPP_CLOUD {
            return Ok(());
        }
        match sync_channel(core, tenant, &ch, None).await {
            Ok(Ok(n)) => {
                tracing::info!(channel = %ch.id, templates = n, "templates synced");
                Ok(())
            }
            Ok(Err(e)) if e.class().is_retryable() => Err(JobError::Retry(e.to_string())),
            Ok(Err(e)) => {
                tracing::warn!(channel = %ch.id, error = %e, "the provider refused the template sync");
                Ok(())
            }
            Err(e) => Err(JobError::Retry(e.to_string())),
        }
    }
}
