//! Inbound: a provider's webhook delivery, from the HTTP request to stored messages.
//!
//! 1. [`receive`] (the HTTP request): find the channel the URL names, verify the signature over
//!    the raw bytes with the channel's app secret (constant time), then in **one transaction**
//!    store the raw delivery (`webhook_events`) and enqueue a `webhook.ingest` job (deliveries
//!    arriving together share that transaction: [`crate::intake`]). Only after
//!    the commit does the caller answer `200`: a delivery Meta saw acknowledged is on disk, and
//!    a process killed right after still has the job to run.
//! 2. [`IngestWebhook`] (the job): parse the delivery into events, download media (outside any
//!    transaction), then apply every event in one tenant transaction — contact and identity,
//!    conversation (reopen policy), message (idempotent per provider id), delivery statuses
//!    (monotonic) — mark the delivery processed, and publish to live screens after the commit.
//!    Running it twice changes nothing the second time.
//!
//! Two deliveries about the same customer may be applied concurrently by two workers; a
//! per-(channel, customer) advisory lock (Postgres; SQLite has one writer) makes the second wait,
//! so a first contact never opens two conversations.

use crate::Core;
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::authz::require;
use crate::bus::{Event, EventKind};
use crate::channels::credentials_of;
use crate::error::{CoreError, CoreResult};
use crate::jobs::{JobError, JobHandler};
use crate::media;
use async_trait::async_trait;
use atende_channels::whatsapp_cloud::WhatsappCredentials;
use atende_channels::{
    ChannelAdapter, ChannelError, DeliveryStatus, InboundEvent, InboundMessage, MessageContent, StatusUpdate,
    SubscriptionCheck,
};
use atende_db::entities::channels::Model as Channel;
use atende_db::entities::conversations::Model as Conversation;
use atende_db::entities::jobs::Model as Job;
use atende_db::jobs::{self as queue, NewJob};
use atende_db::repo::channels::kind;
use atende_db::repo::contacts::{self, ContactPatch, NewContact};
use atende_db::repo::conversations::{self, ConversationPatch, NewConversation};
use atende_db::repo::messages::{self, MediaRef, NewMessage, StatusOutcome, StatusReport};
use atende_db::repo::webhook_events::{self, NewWebhookEvent};
use atende_db::{DbError, TenantTx};
use atende_domain::conversation::{InboundOutcome, on_inbound};
use atende_domain::window::inbound_time;
use atende_domain::{Action, Author, ConversationStatus, MessageStatus, MessageType, PhoneE164, TenantCtx, TenantId};
use chrono::{TimeDelta, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

/// The job kind that applies a stored delivery.
pub const INGEST_KIND: &str = "webhook.ingest";

fn bad_signature() -> CoreError {
    CoreError::Unauthorized(
        "invalid_signature",
        "the webhook signature is missing or invalid".into(),
    )
}

async fn webhook_channel(core: &Core, channel_id: Uuid) -> CoreResult<Channel> {
    let tx = core.db.platform_tx().await?;
    let ch = atende_db::repo::channels::find_for_webhook(&tx, channel_id).await?;
    tx.commit().await?;
    ch.filter(|c| c.kind == kind::WHATSAPP_CLOUD).ok_or(CoreError::NotFound)
}

fn whatsapp_credentials(core: &Core, ch: &Channel) -> CoreResult<WhatsappCredentials> {
    WhatsappCredentials::from_json(&credentials_of(core, ch)?).map_err(|e| CoreError::Internal(e.to_string()))
}

/// Meta's subscription handshake: echoes `hub.challenge` when `hub.verify_token` matches.
///
/// # Errors
/// 404 for an unknown channel; 403 `webhook_verification_failed`.
pub async fn verify_subscription(core: &Core, channel_id: Uuid, check: &SubscriptionCheck<'_>) -> CoreResult<String> {
    let ch = webhook_channel(core, channel_id).await?;
    let creds = whatsapp_credentials(core, &ch)?;
    let expected = creds.verify_token.unwrap_or_default();
    atende_channels::whatsapp_cloud::verify_subscription(check, &expected).map_err(|_| {
        CoreError::Forbidden(
            "webhook_verification_failed",
            "hub.mode must be subscribe and hub.verify_token must match the channel's verify token".into(),
        )
    })
}

/// Verifies and stores a delivery, and enqueues its ingestion, in one commit.
///
/// # Errors
/// 404 for an unknown channel; 401 `invalid_signature` (nothing is stored).
pub async fn receive(core: &Core, channel_id: Uuid, headers: &http::HeaderMap, raw_body: &[u8]) -> CoreResult<Uuid> {
    let ch = webhook_channel(core, channel_id).await?;
    let creds = whatsapp_credentials(core, &ch)?;
    let secret = creds.app_secret.ok_or_else(bad_signature)?;
    atende_channels::whatsapp_cloud::verify_signature(secret.as_bytes(), headers, raw_body)
        .map_err(|_| bad_signature())?;

    let kept: serde_json::Map<String, Value> = ["content-type", "x-hub-signature-256", "x-request-id", "user-agent"]
        .iter()
        .filter_map(|h| {
            let v = headers.get(*h)?.to_str().ok()?;
            Some(((*h).to_owned(), Value::String(v.chars().take(512).collect())))
        })
        .collect();
    let tenant = TenantId(ch.tenant_id);
    let event = NewWebhookEvent {
        provider: kind::WHATSAPP_CLOUD,
        channel_id: Some(ch.id),
        tenant_id: Some(tenant),
        raw_body: raw_body.to_vec(),
        headers: Value::Object(kept),
    };
    let id = core.intake().submit(event, ingest_job).await?;
    metrics::counter!("atende_webhooks_received_total", "provider" => kind::WHATSAPP_CLOUD).increment(1);
    Ok(id)
}

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

/// The `webhook.ingest` job.
pub struct IngestWebhook;

#[async_trait]
impl JobHandler for IngestWebhook {
    async fn run(&self, core: &Core, job: &Job) -> Result<(), JobError> {
        let id = job
            .payload
            .get("event_id")
            .and_then(Value::as_str)
            .and_then(|s| Uuid::parse_str(s).ok())
            .ok_or_else(|| JobError::Permanent("bad payload: event_id".into()))?;
        apply_delivery(core, id).await
    }
}

fn retry(e: impl std::fmt::Display) -> JobError {
    JobError::Retry(e.to_string())
}

async fn finish(core: &Core, id: Uuid, error: Option<&str>) -> Result<(), JobError> {
    let tx = core.db.platform_tx().await.map_err(retry)?;
    match error {
        None => webhook_events::mark_processed(&tx, id).await,
        Some(e) => webhook_events::mark_failed(&tx, id, e).await,
    }
    .map_err(retry)?;
    tx.commit().await.map_err(retry)
}

/// Applies one stored delivery. Retryable failures (database, provider unreachable for media)
/// leave the delivery `pending` and the job retries; a delivery that can never apply (not the
/// provider's format, channel deleted) is marked `failed` with the reason, kept for a replay.
async fn apply_delivery(core: &Core, id: Uuid) -> Result<(), JobError> {
    let ev = {
        let tx = core.db.platform_tx().await.map_err(retry)?;
        let ev = webhook_events::get(&tx, id).await;
        tx.commit().await.map_err(retry)?;
        match ev {
            Ok(ev) => ev,
            Err(DbError::NotFound) => return Err(JobError::Permanent("delivery not found".into())),
            Err(e) => return Err(retry(e)),
        }
    };
    let (Some(tenant), Some(channel_id)) = (ev.tenant_id, ev.channel_id) else {
        return finish(core, id, Some("delivery without a channel")).await;
    };
    let tenant = TenantId(tenant);
    let channel = {
        let tx = core.db.tenant_tx(tenant).await.map_err(retry)?;
        let ch = atende_db::repo::channels::get(&tx, channel_id).await;
        tx.commit().await.map_err(retry)?;
        match ch {
            Ok(c) => c,
            Err(DbError::NotFound) => return finish(core, id, Some("the channel was deleted")).await,
            Err(e) => return Err(retry(e)),
        }
    };
    let events = match atende_channels::whatsapp_cloud::parse_webhook(&ev.raw_body) {
        Ok(e) => e,
        Err(e) => return finish(core, id, Some(&e.to_string())).await,
    };
    let routes = route_events(core, tenant, &channel, &events).await.map_err(retry)?;
    let media = fetch_media(core, tenant, &routes, &events).await?;

    let tx = core.db.tenant_tx(tenant).await.map_err(retry)?;
    let mut out = Vec::new();
    let mut ignored = Vec::new();
    for (i, event) in events.iter().enumerate() {
        let Some(ch) = routes.get(&i) else {
            ignored.push(format!("event {i}: for a number not connected in this workspace"));
            continue;
        };
        match event {
            InboundEvent::Message(m) => {
                apply_message(&tx, ch, m, media.get(&i).cloned(), &mut out)
                    .await
                    .map_err(retry)?;
            }
            InboundEvent::Status(s) => {
                if !apply_status(&tx, ch, s, &mut out).await.map_err(retry)? {
                    ignored.push(format!(
                        "status {} for unknown message {}",
                        status_name(&s.status),
                        s.provider_message_id
                    ));
                }
            }
            InboundEvent::TemplateStatus(t) => {
                crate::inbox::templates::apply_status_update(&tx, t)
                    .await
                    .map_err(retry)?;
            }
            InboundEvent::ProviderErrors { errors, .. } => {
                let codes: Vec<String> = errors
                    .iter()
                    .map(|e| e.code.map_or_else(|| "?".into(), |c| c.to_string()))
                    .collect();
                tracing::warn!(channel = %ch.id, codes = ?codes, "provider reported errors");
            }
            InboundEvent::Other { kind, .. } => ignored.push(format!("not modelled: {kind}")),
        }
    }
    tx.commit().await.map_err(retry)?;
    if !ignored.is_empty() {
        tracing::info!(delivery = %id, notes = ?ignored, "delivery partly ignored (kept raw)");
    }
    finish(core, id, None).await?;
    core.publish(out).await;
    Ok(())
}

fn status_name(s: &DeliveryStatus) -> String {
    match s {
        DeliveryStatus::Other(o) => o.clone(),
        other => format!("{other:?}").to_lowercase(),
    }
}

/// Which channel each event belongs to. Meta delivers every number of an app to the app's one
/// callback URL, so an event may be for another number than the URL's channel: it is applied to
/// that number's channel when it is connected in the same workspace, ignored otherwise (a
/// delivery signed with one workspace's secret never writes into another workspace).
async fn route_events(
    core: &Core,
    tenant: TenantId,
    url_channel: &Channel,
    events: &[InboundEvent],
) -> Result<HashMap<usize, Channel>, DbError> {
    let mut by_endpoint: HashMap<String, Option<Channel>> = HashMap::new();
    let mut routes = HashMap::new();
    for (i, e) in events.iter().enumerate() {
        let endpoint = match e {
            InboundEvent::Message(m) => m.routing.endpoint_id.clone(),
            InboundEvent::Status(s) => s.routing.endpoint_id.clone(),
            InboundEvent::ProviderErrors { routing, .. } | InboundEvent::Other { routing, .. } => {
                routing.endpoint_id.clone()
            }
            InboundEvent::TemplateStatus(_) => None,
        };
        let ch = match endpoint {
            None => Some(url_channel.clone()),
            Some(ep) if url_channel.external_id.as_deref() == Some(ep.as_str()) => Some(url_channel.clone()),
            Some(ep) => {
                if !by_endpoint.contains_key(&ep) {
                    let tx = core.db.platform_tx().await?;
                    let found = atende_db::repo::channels::find_by_external_id(&tx, kind::WHATSAPP_CLOUD, &ep).await?;
                    tx.commit().await?;
                    by_endpoint.insert(ep.clone(), found.filter(|c| c.tenant_id == tenant.uuid()));
                }
                by_endpoint.get(&ep).cloned().flatten()
            }
        };
        if let Some(ch) = ch {
            routes.insert(i, ch);
        }
    }
    Ok(routes)
}

/// Downloads the media of new inbound messages into the store, before the transaction.
async fn fetch_media(
    core: &Core,
    tenant: TenantId,
    routes: &HashMap<usize, Channel>,
    events: &[InboundEvent],
) -> Result<HashMap<usize, MediaOutcome>, JobError> {
    let mut out = HashMap::new();
    for (i, e) in events.iter().enumerate() {
        let (InboundEvent::Message(m), Some(ch)) = (e, routes.get(&i)) else {
            continue;
        };
        let MessageContent::Media(media_ref) = &m.content else {
            continue;
        };
        // Already stored (a repeated delivery): do not download again.
        let tx = core.db.tenant_tx(tenant).await.map_err(retry)?;
        let known = messages::find_by_provider_id(&tx, ch.id, &m.provider_message_id)
            .await
            .map_err(retry)?;
        tx.commit().await.map_err(retry)?;
        if known.is_some() {
            continue;
        }
        let creds = credentials_of(core, ch).map_err(|e| JobError::Permanent(e.to_string()))?;
        let limit = media::max_bytes(media_ref.kind.as_str());
        let outcome = match core
            .adapters
            .whatsapp()
            .fetch_media(&creds, &media_ref.media_id, limit)
            .await
        {
            Ok(d) => {
                let size = i64::try_from(d.bytes.len()).unwrap_or(i64::MAX);
                let key = core.media.put(tenant, d.bytes).await.map_err(retry)?;
                MediaOutcome::Stored(MediaRef {
                    object_key: Some(key),
                    mime: d.mime_type.or_else(|| media_ref.mime_type.clone()),
                    size: Some(size),
                    file_name: media_ref.filename.clone(),
                    sha256: Some(d.sha256_hex),
                })
            }
            Err(ChannelError::MediaTooLarge { size, limit }) => {
                MediaOutcome::Failed("media_too_large", format!("{size} bytes, the limit is {limit}"))
            }
            Err(ChannelError::MediaChecksum) => {
                MediaOutcome::Failed("media_checksum", "the file does not match its sha256".into())
            }
            Err(e) if e.class().is_retryable() => return Err(retry(e)),
            Err(e) => MediaOutcome::Failed("media_unavailable", e.to_string()),
        };
        out.insert(i, outcome);
    }
    Ok(out)
}

/// What happened to an inbound message's file.
#[derive(Clone, Debug)]
enum MediaOutcome {
    Stored(MediaRef),
    /// Kept as a message without its file, with the reason (code, detail) in its payload.
    Failed(&'static str, String),
}

/// The message type, text and structured payload of inbound content.
fn content_parts(m: &InboundMessage) -> (MessageType, Option<String>, Value) {
    match &m.content {
        MessageContent::Text { body } => (MessageType::Text, Some(body.clone()), Value::Null),
        MessageContent::Media(x) => {
            let kind = match x.kind.as_str() {
                "image" => MessageType::Image,
                "audio" => MessageType::Audio,
                "video" => MessageType::Video,
                "sticker" => MessageType::Sticker,
                _ => MessageType::Document,
            };
            (
                kind,
                x.caption.clone(),
                json!({ "media_id": x.media_id, "voice": x.voice, "animated": x.animated }),
            )
        }
        MessageContent::Location {
            latitude,
            longitude,
            name,
            address,
            url,
        } => (
            MessageType::Location,
            name.clone().or_else(|| address.clone()),
            json!({ "latitude": latitude, "longitude": longitude, "name": name, "address": address, "url": url }),
        ),
        MessageContent::Contacts(cards) => (
            MessageType::Contact,
            cards.first().and_then(|c| c.name.formatted_name.clone()),
            json!({ "contacts": cards }),
        ),
        MessageContent::ButtonReply { id, title } => (
            MessageType::Interactive,
            Some(title.clone()),
            json!({ "type": "button_reply", "id": id, "title": title }),
        ),
        MessageContent::ListReply { id, title, description } => (
            MessageType::Interactive,
            Some(title.clone()),
            json!({ "type": "list_reply", "id": id, "title": title, "description": description }),
        ),
        MessageContent::TemplateButton { payload, text } => (
            MessageType::Interactive,
            text.clone(),
            json!({ "type": "template_button", "payload": payload, "text": text }),
        ),
        MessageContent::Reaction {
            target_message_id,
            emoji,
        } => (
            MessageType::Reaction,
            emoji.clone(),
            json!({ "target_provider_id": target_message_id, "emoji": emoji, "removed": emoji.is_none() }),
        ),
        MessageContent::System {
            kind,
            body,
            new_external_id,
        } => (
            MessageType::System,
            body.clone(),
            json!({ "kind": kind, "new_external_id": new_external_id }),
        ),
        MessageContent::Unsupported {
            provider_type,
            error_code,
        } => (
            MessageType::Unsupported,
            None,
            json!({ "provider_type": provider_type, "error_code": error_code }),
        ),
    }
}

/// The conversation an inbound message goes to, by the reopen policy (also the web-chat
/// widget's); a new one is announced in `out`.
pub(crate) async fn conversation_for(
    tx: &TenantTx,
    ch: &Channel,
    contact_id: Uuid,
    now: chrono::DateTime<Utc>,
    out: &mut Vec<Event>,
) -> Result<Conversation, DbError> {
    let window = TimeDelta::hours(atende_db::repo::channels::reopen_window_hours(ch));
    let tenant = tx.tenant_id();
    if let Some(c) = conversations::latest_for(tx, contact_id, ch.id).await? {
        let status: ConversationStatus = c.status.parse().unwrap_or(ConversationStatus::Open);
        match on_inbound(status, c.resolved_at, now, window) {
            InboundOutcome::Continue(s) if s == status => return Ok(c),
            InboundOutcome::Continue(s) => {
                let c = conversations::update(
                    tx,
                    c,
                    ConversationPatch {
                        status: Some(s),
                        snoozed_until: Some(None),
                        ..ConversationPatch::default()
                    },
                )
                .await?;
                out.push(
                    Event::new(EventKind::ConversationUpdated, tenant)
                        .conversation(c.id)
                        .data(json!({ "status": s.as_str(), "reopened": true })),
                );
                return Ok(c);
            }
            InboundOutcome::StartNew => {}
        }
    }
    let mut new = NewConversation::open(ch.id, contact_id);
    new.team_id = ch
        .settings
        .get("default_team_id")
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok());
    let c = match conversations::create(tx, new.clone()).await {
        // The default team was deleted since it was configured: open without a team.
        Err(DbError::MissingReference) if new.team_id.is_some() => {
            new.team_id = None;
            conversations::create(tx, new).await?
        }
        other => other?,
    };
    out.push(Event::new(EventKind::ConversationCreated, tenant).conversation(c.id));
    Ok(c)
}

async fn apply_message(
    tx: &TenantTx,
    ch: &Channel,
    m: &InboundMessage,
    media: Option<MediaOutcome>,
    out: &mut Vec<Event>,
) -> Result<(), DbError> {
    if messages::find_by_provider_id(tx, ch.id, &m.provider_message_id)
        .await?
        .is_some()
    {
        return Ok(());
    }
    // One customer at a time per channel: a first contact must not open two conversations.
    tx.lock(&format!("ingest:{}:{}", ch.id, m.from)).await?;
    let name = m.contact.as_ref().and_then(|c| c.name.clone()).unwrap_or_default();
    let phone = PhoneE164::parse(&format!("+{}", m.from.trim_start_matches('+'))).ok();
    let resolved = contacts::find_or_create_by_identity(
        tx,
        kind::WHATSAPP_CLOUD,
        &m.from,
        NewContact {
            name: if name.is_empty() {
                phone.as_ref().map_or_else(|| m.from.clone(), |p| p.as_str().to_owned())
            } else {
                name.clone()
            },
            phone: phone.clone(),
            ..NewContact::default()
        },
    )
    .await?;
    let mut contact = resolved.contact;
    // A contact known only by number takes the profile name WhatsApp gives.
    if !name.is_empty() && (contact.name.is_empty() || Some(contact.name.as_str()) == contact.phone_e164.as_deref()) {
        contact = contacts::update(
            tx,
            contact,
            ContactPatch {
                name: Some(name),
                ..ContactPatch::default()
            },
        )
        .await?;
    }
    let now = Utc::now();
    let conversation = conversation_for(tx, ch, contact.id, now, out).await?;

    let (kind, body, mut payload) = content_parts(m);
    let mut media_ref = None;
    match media {
        Some(MediaOutcome::Stored(r)) => media_ref = Some(r),
        Some(MediaOutcome::Failed(code, detail)) => {
            payload["media_error"] = json!({ "code": code, "detail": detail });
        }
        None => {}
    }
    if let Some(ctx) = &m.context
        && (ctx.forwarded || ctx.frequently_forwarded)
    {
        payload["forwarded"] = json!(true);
        payload["frequently_forwarded"] = json!(ctx.frequently_forwarded);
    }
    if let Some(r) = &m.referral {
        payload["referral"] = serde_json::to_value(r).unwrap_or(Value::Null);
    }
    if !m.errors.is_empty() {
        payload["errors"] = Value::Array(
            m.errors
                .iter()
                .map(|e| json!({ "code": e.code, "title": e.title, "message": e.message, "details": e.details }))
                .collect(),
        );
    }
    let reply_to_provider_id = match &m.content {
        MessageContent::Reaction { target_message_id, .. } => Some(target_message_id.clone()),
        _ => m.context.as_ref().and_then(|c| c.replied_to.clone()),
    };
    let reply_to_id = match &reply_to_provider_id {
        Some(p) => messages::find_by_provider_id(tx, ch.id, p).await?.map(|x| x.id),
        None => None,
    };
    let inserted = messages::insert(
        tx,
        NewMessage {
            body,
            payload: if payload.is_null() { None } else { Some(payload) },
            media: media_ref,
            reply_to_id,
            reply_to_provider_id,
            provider_message_id: Some(m.provider_message_id.clone()),
            provider_timestamp: m.timestamp,
            ..NewMessage::new(conversation.id, ch.id, Author::Contact, kind)
        },
    )
    .await?;
    if !inserted.created {
        return Ok(());
    }
    // A provider notice (the customer changed number) is not the customer writing: it neither
    // opens the 24-hour window nor counts as unread.
    let customer_wrote = kind != MessageType::System;
    conversations::record_message(tx, conversation.id, inbound_time(m.timestamp, now), customer_wrote).await?;
    let tenant = tx.tenant_id();
    out.push(
        Event::new(EventKind::MessageCreated, tenant)
            .conversation(conversation.id)
            .message(inserted.message.id)
            .data(json!({ "direction": "inbound", "type": kind.as_str() })),
    );
    out.push(Event::new(EventKind::ConversationUpdated, tenant).conversation(conversation.id));
    Ok(())
}

/// A status for a provider id we do not know, carrying our message id as callback data: the
/// send reached WhatsApp but its answer was lost (timeout, crash). Records the provider id on
/// the still-queued message, so its delivery job sees it sent and never sends it again.
async fn settle_by_callback(tx: &TenantTx, ch: &Channel, s: &StatusUpdate) -> Result<bool, DbError> {
    let Some(id) = s.callback_data.as_deref().and_then(|c| Uuid::parse_str(c).ok()) else {
        return Ok(false);
    };
    let m = match messages::get(tx, id).await {
        Ok(m) => m,
        Err(DbError::NotFound) => return Ok(false),
        Err(e) => return Err(e),
    };
    if m.channel_id != ch.id || m.provider_message_id.is_some() {
        return Ok(false);
    }
    messages::mark_sent(tx, id, &s.provider_message_id, s.timestamp.unwrap_or_else(Utc::now)).await?;
    Ok(true)
}

/// Applies a delivery status; `false` when the message is unknown (recorded, ignored).
async fn apply_status(tx: &TenantTx, ch: &Channel, s: &StatusUpdate, out: &mut Vec<Event>) -> Result<bool, DbError> {
    let status = match &s.status {
        DeliveryStatus::Sent => MessageStatus::Sent,
        DeliveryStatus::Delivered => MessageStatus::Delivered,
        DeliveryStatus::Read => MessageStatus::Read,
        DeliveryStatus::Played => MessageStatus::Played,
        DeliveryStatus::Failed => MessageStatus::Failed,
        // `deleted`, `warning` …: nothing of ours changes; the raw delivery keeps it.
        DeliveryStatus::Other(_) => return Ok(true),
    };
    let mut report = StatusReport::new(status, s.timestamp.unwrap_or_else(Utc::now));
    if let Some(e) = s.errors.first() {
        report.error_code = e.code.map(|c| c.to_string());
        report.error_title = e.title.clone().or_else(|| e.message.clone());
    }
    let mut outcome = messages::apply_status_by_provider_id(tx, ch.id, &s.provider_message_id, &report).await?;
    if outcome == StatusOutcome::Unknown && settle_by_callback(tx, ch, s).await? {
        outcome = messages::apply_status_by_provider_id(tx, ch.id, &s.provider_message_id, &report).await?;
    }
    Ok(match outcome {
        StatusOutcome::Applied(m) => {
            out.push(
                Event::new(EventKind::MessageStatusChanged, tx.tenant_id())
                    .conversation(m.conversation_id)
                    .message(m.id)
                    .data(json!({ "status": m.status })),
            );
            true
        }
        StatusOutcome::Unchanged(_) => true,
        StatusOutcome::Unknown => false,
    })
}
