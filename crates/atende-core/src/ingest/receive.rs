//! The HTTP side of inbound: Meta's subscription handshake and a signed delivery, verified and
//! stored before the `200`.
//!
//! A delivery's channel (and the app secret its signature is checked with) comes from a small
//! in-process cache, [`WebhookChannels`], so the intake path reads the database only to store:
//! at campaign rates a lookup per request was most of intake's cost (on SQLite every lookup
//! also queued for the single write lock). An entry lives [`TTL`]; a change or deletion of the
//! channel through this process drops it at once ([`WebhookChannels::forget`]), other nodes
//! see it within the TTL. Until then a deleted channel's deliveries are still stored, then
//! marked failed ("the channel was deleted") by the worker, and a rotated app secret refuses
//! (401) what is signed with the new one — Meta retries those.

use super::ingest_job;
use crate::Core;
use crate::channels::credentials_of;
use crate::error::{CoreError, CoreResult};
use atende_channels::SubscriptionCheck;
use atende_channels::whatsapp_cloud::WhatsappCredentials;
use atende_db::entities::channels::Model as Channel;
use atende_db::repo::channels::kind;
use atende_db::repo::webhook_events::NewWebhookEvent;
use atende_domain::TenantId;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long a channel is trusted from the cache.
pub const TTL: Duration = Duration::from_secs(10);
/// Entries kept before the cache starts over (an installation with more live numbers still
/// works, it only reads the database more often).
const CAPACITY: usize = 10_000;

/// A channel as intake needs it: the row and its webhook secrets, decrypted once.
#[derive(Clone)]
pub struct WebhookChannel {
    pub channel: Channel,
    pub app_secret: Option<String>,
    pub verify_token: Option<String>,
}

/// Channels by id for the webhook intake (see the module docs).
#[derive(Default)]
pub struct WebhookChannels {
    entries: Mutex<HashMap<Uuid, (Instant, Arc<WebhookChannel>)>>,
}

impl std::fmt::Debug for WebhookChannels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookChannels").finish_non_exhaustive()
    }
}

impl WebhookChannels {
    fn cached(&self, id: Uuid) -> Option<Arc<WebhookChannel>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(&id)
            .filter(|(at, _)| at.elapsed() < TTL)
            .map(|(_, c)| c.clone())
    }

    fn keep(&self, id: Uuid, c: Arc<WebhookChannel>) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(id, (Instant::now(), c));
    }

    /// Drops a channel that changed (credentials, deletion) so the next delivery reads it anew.
    pub fn forget(&self, id: Uuid) {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).remove(&id);
    }
}

async fn webhook_channel(core: &Core, channel_id: Uuid) -> CoreResult<Arc<WebhookChannel>> {
    if let Some(c) = core.webhook_channels.cached(channel_id) {
        return Ok(c);
    }
    let tx = core.db.platform_tx().await?;
    let ch = atende_db::repo::channels::find_for_webhook(&tx, channel_id).await?;
    tx.commit().await?;
    let ch = ch
        .filter(|c| c.kind == kind::WHATSAPP_CLOUD)
        .ok_or(CoreError::NotFound)?;
    let creds =
        WhatsappCredentials::from_json(&credentials_of(core, &ch)?).map_err(|e| CoreError::Internal(e.to_string()))?;
    let found = Arc::new(WebhookChannel {
        channel: ch,
        app_secret: creds.app_secret,
        verify_token: creds.verify_token,
    });
    core.webhook_channels.keep(channel_id, found.clone());
    Ok(found)
}

fn bad_signature() -> CoreError {
    CoreError::Unauthorized(
        "invalid_signature",
        "the webhook signature is missing or invalid".into(),
    )
}

/// Meta's subscription handshake: echoes `hub.challenge` when `hub.verify_token` matches.
///
/// # Errors
/// 404 for an unknown channel; 403 `webhook_verification_failed`.
pub async fn verify_subscription(core: &Core, channel_id: Uuid, check: &SubscriptionCheck<'_>) -> CoreResult<String> {
    let ch = webhook_channel(core, channel_id).await?;
    let expected = ch.verify_token.clone().unwrap_or_default();
    atende_channels::whatsapp_cloud::verify_subscription(check, &expected).map_err(|_| {
        CoreError::Forbidden(
            "webhook_verification_failed",
            "hub.mode must be subscribe and hub.verify_token must match the channel's verify token".into(),
        )
    })
}

/// Verifies and stores a delivery, and enqueues its ingestion, in one commit (shared with the
/// deliveries arriving at the same time: [`crate::intake`]).
///
/// # Errors
/// 404 for an unknown channel; 401 `invalid_signature` (nothing is stored).
pub async fn receive(core: &Core, channel_id: Uuid, headers: &http::HeaderMap, raw_body: &[u8]) -> CoreResult<Uuid> {
    let ch = webhook_channel(core, channel_id).await?;
    let secret = ch.app_secret.as_deref().ok_or_else(bad_signature)?;
    atende_channels::whatsapp_cloud::verify_signature(secret.as_bytes(), headers, raw_body)
        .map_err(|_| bad_signature())?;

    let kept: serde_json::Map<String, Value> = ["content-type", "x-hub-signature-256", "x-request-id", "user-agent"]
        .iter()
        .filter_map(|h| {
            let v = headers.get(*h)?.to_str().ok()?;
            Some(((*h).to_owned(), Value::String(v.chars().take(512).collect())))
        })
        .collect();
    let event = NewWebhookEvent {
        provider: kind::WHATSAPP_CLOUD,
        channel_id: Some(ch.channel.id),
        tenant_id: Some(TenantId(ch.channel.tenant_id)),
        raw_body: raw_body.to_vec(),
        headers: Value::Object(kept),
    };
    let id = core.intake().submit(event, ingest_job).await?;
    metrics::counter!("atende_webhooks_received_total", "provider" => kind::WHATSAPP_CLOUD).increment(1);
    Ok(id)
}
