//! A channel's live health: the credentials checked again with the provider (activate, health)
//! and the `error` state a refused token puts it in.

use super::ChannelView;
use super::credentials::{Check, account_json, check_with_provider, credentials_of};
use crate::Core;
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::authz::require;
use crate::error::CoreResult;
use atende_db::TenantTx;
use atende_db::entities::channels::Model as Channel;
use atende_db::repo::channels::{self, ChannelPatch, kind, status};
use atende_domain::{Action, ChannelId, TenantCtx};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

/// Health of a channel: its stored state, refreshed from the provider.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ChannelHealth {
    pub id: Uuid,
    pub status: String,
    pub last_error: Option<String>,
    pub checked_at: DateTime<Utc>,
    /// What the provider says about the number (display number, verified name, quality rating).
    #[schema(value_type = Option<Object>)]
    pub account: Value,
    /// Messages waiting to be sent on this channel.
    pub queued_messages: u64,
    /// Messages that failed and wait for a retry or an agent.
    pub failed_messages: u64,
}

/// Re-checks the credentials and records the outcome. Used by `activate` (admin) and
/// `health` (anyone who can read channels: it reveals no secret).
async fn recheck(
    core: &Core,
    ctx: &TenantCtx,
    id: ChannelId,
    meta: Option<&RequestMeta>,
) -> CoreResult<(Channel, Value)> {
    let current = {
        let tx = core.db.tenant_tx(ctx.tenant_id).await?;
        let c = channels::get(&tx, id.uuid()).await?;
        tx.commit().await?;
        c
    };
    let (st, err, account) = if current.kind == kind::WHATSAPP_CLOUD {
        let doc = credentials_of(core, &current)?;
        match check_with_provider(core, &doc).await {
            Check::Ok(info) => (status::CONNECTED, None, account_json(&info)),
            Check::Refused(m) | Check::Unreachable(m) => (status::ERROR, Some(m), Value::Null),
        }
    } else {
        (status::CONNECTED, None, Value::Null)
    };
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let fresh = channels::get(&tx, id.uuid()).await?;
    let changed = fresh.status != st || fresh.last_error != err || meta.is_some();
    let c = if changed {
        let mut settings = fresh.settings.clone();
        if !account.is_null() {
            settings["account"] = account.clone();
        }
        let before = ChannelView::of(core, &fresh);
        let c = channels::update(
            &tx,
            fresh,
            ChannelPatch {
                status: Some(st),
                last_error: Some(err),
                settings: Some(settings),
                ..ChannelPatch::default()
            },
        )
        .await?;
        if let Some(meta) = meta {
            let view = ChannelView::of(core, &c);
            audit::record(
                &tx,
                Who::Ctx(ctx),
                meta,
                Entry::new("channels.activate", "channel", c.id)
                    .before(&before)
                    .after(&view),
            )
            .await?;
        }
        c
    } else {
        fresh
    };
    tx.commit().await?;
    Ok((c, account))
}

/// Re-checks the credentials and marks the channel `connected` (or `error` with the reason).
///
/// # Errors
/// 404.
pub async fn activate(core: &Core, ctx: &TenantCtx, id: ChannelId, meta: &RequestMeta) -> CoreResult<ChannelView> {
    require(ctx, Action::ChannelsManage)?;
    let (c, _) = recheck(core, ctx, id, Some(meta)).await?;
    Ok(ChannelView::of(core, &c))
}

/// # Errors
/// 404.
pub async fn health(core: &Core, ctx: &TenantCtx, id: ChannelId) -> CoreResult<ChannelHealth> {
    require(ctx, Action::ChannelsRead)?;
    let (c, account) = recheck(core, ctx, id, None).await?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let (queued, failed) = atende_db::repo::messages::outbound_backlog(&tx, c.id).await?;
    tx.commit().await?;
    Ok(ChannelHealth {
        id: c.id,
        status: c.status,
        last_error: c.last_error,
        checked_at: Utc::now(),
        account: if account.is_null() {
            c.settings.get("account").cloned().unwrap_or(Value::Null)
        } else {
            account
        },
        queued_messages: queued,
        failed_messages: failed,
    })
}

/// Marks a channel `error` with the provider's reason (e.g. Graph 190: the token expired), so
/// sending stops until an admin reconnects it.
///
/// # Errors
/// Database failure.
pub async fn mark_error(tx: &TenantTx, channel: Channel, reason: &str) -> CoreResult<()> {
    channels::update(
        tx,
        channel,
        ChannelPatch {
            status: Some(status::ERROR),
            last_error: Some(Some(reason.chars().take(1000).collect())),
            ..ChannelPatch::default()
        },
    )
    .await?;
    Ok(())
}
