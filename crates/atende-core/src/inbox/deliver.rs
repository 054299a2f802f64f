//! The `message.deliver` job: sends one queued message through its channel's adapter.
//!
//! # Never twice
//!
//! The job sends only a message that is still `queued` with no provider id, and records the
//! provider id (`sent`) right after the provider accepts it. One window remains: the provider
//! accepted the message but the process died (or the answer timed out) before the id was
//! stored. A second attempt would then send it again. It is narrowed two ways:
//! - every send carries our message id as WhatsApp's `biz_opaque_callback_data`, echoed on the
//!   status webhooks of that message; ingest uses it to record the provider id of a message it
//!   does not know yet (see `ingest`), which moves it out of `queued`;
//! - an attempt that may have reached the provider (timeout, connection reset, a crash noticed
//!   by an expired lease) is retried no sooner than [`AMBIGUOUS_RETRY`], long enough for Meta's
//!   `sent` status webhook to arrive and settle it.
//!
//! So a duplicate needs the provider to accept the message, our process to lose the answer, and
//! the `sent` webhook to be later than [`AMBIGUOUS_RETRY`]. Graph has no idempotency key for
//! sends, so the window cannot be closed entirely from our side.

use super::send::Content;
use crate::Core;
use crate::bus::{Event, EventKind};
use crate::channels::credentials_of;
use crate::jobs::{JobError, JobHandler};
use async_trait::async_trait;
use atende_channels::whatsapp_cloud::WhatsappCredentials;
use atende_channels::{
    BackoffScope, ChannelAdapter, ChannelError, ErrorClass, InteractiveButtons, InteractiveHeader, InteractiveList,
    ListRow, ListSection, MediaKind, MediaSource, OutboundContent, OutboundMessage, ReplyButton, TemplateComponent,
    TemplateMessage, TemplateParameter, TemplateValue,
};
use atende_db::entities::jobs::Model as Job;
use atende_db::entities::messages::Model as Message;
use atende_db::repo::channels::{self, kind};
use atende_db::repo::messages::{self, StatusOutcome, StatusReport};
use atende_db::repo::{contacts, conversations};
use atende_domain::{MessageStatus, TenantId};
use chrono::Utc;
use serde_json::{Value, json};
use std::time::Duration;
use uuid::Uuid;

/// The least wait before re-sending after an attempt that may have reached the provider.
pub const AMBIGUOUS_RETRY: Duration = Duration::from_secs(30);

/// Pacing waits up to this long inside the job; longer waits put the job back.
const MAX_INLINE_WAIT: Duration = Duration::from_millis(1500);

/// The `message.deliver` job.
pub struct DeliverMessage;

fn retry(e: impl std::fmt::Display) -> JobError {
    JobError::Retry(e.to_string())
}

#[async_trait]
impl JobHandler for DeliverMessage {
    async fn run(&self, core: &Core, job: &Job) -> Result<(), JobError> {
        let id = crate::jobs::payload_uuid(job, "message_id")?;
        let tenant = crate::jobs::job_tenant(job)?;
        deliver(core, tenant, id, job.attempts >= job.max_attempts).await
    }
}

/// Everything a send needs, read in one short transaction.
struct Prepared {
    message: Message,
    channel: atende_db::entities::channels::Model,
    recipient: String,
    reply_to: Option<String>,
}

async fn prepare(core: &Core, tenant: TenantId, id: Uuid) -> Result<Option<Prepared>, JobError> {
    let tx = core.db.tenant_tx(tenant).await.map_err(retry)?;
    let message = match messages::get(&tx, id).await {
        Ok(m) => m,
        Err(atende_db::DbError::NotFound) => return Ok(None),
        Err(e) => return Err(retry(e)),
    };
    // Sent (or settled by a webhook), failed, or a note: nothing to do, ever.
    if message.status.as_deref() != Some(MessageStatus::Queued.as_str()) || message.provider_message_id.is_some() {
        return Ok(None);
    }
    let channel = channels::get_any(&tx, message.channel_id)
        .await
        .map_err(retry)?
        .ok_or_else(|| JobError::Permanent("channel not found".into()))?;
    let conv = conversations::get(&tx, message.conversation_id).await.map_err(retry)?;
    let contact = contacts::get(&tx, conv.contact_id).await.map_err(retry)?;
    let recipient = contacts::identities_of(&tx, contact.id)
        .await
        .map_err(retry)?
        .into_iter()
        .find(|i| i.channel_kind == channel.kind)
        .map(|i| i.external_id)
        .or_else(|| {
            contact
                .phone_e164
                .as_ref()
                .map(|p| p.trim_start_matches('+').to_owned())
        })
        .unwrap_or_default();
    let reply_to = match message.reply_to_id {
        Some(r) => messages::get(&tx, r).await.ok().and_then(|m| m.provider_message_id),
        None => None,
    };
    tx.commit().await.map_err(retry)?;
    Ok(Some(Prepared {
        message,
        channel,
        recipient,
        reply_to,
    }))
}

/// Marks the message failed with the provider's code and title, and tells live screens.
async fn fail(core: &Core, tenant: TenantId, m: &Message, code: &str, title: &str) -> Result<(), JobError> {
    let tx = core.db.tenant_tx(tenant).await.map_err(retry)?;
    let mut report = StatusReport::new(MessageStatus::Failed, Utc::now());
    report.error_code = Some(code.chars().take(64).collect());
    report.error_title = Some(title.chars().take(500).collect());
    let outcome = messages::apply_status(&tx, m.id, &report).await.map_err(retry)?;
    tx.commit().await.map_err(retry)?;
    if matches!(outcome, StatusOutcome::Applied(_)) {
        core.publish(vec![
            Event::new(EventKind::MessageStatusChanged, tenant)
                .conversation(m.conversation_id)
                .message(m.id)
                .data(json!({ "status": "failed", "error_code": code })),
        ])
        .await;
    }
    Ok(())
}

async fn deliver(core: &Core, tenant: TenantId, id: Uuid, last_attempt: bool) -> Result<(), JobError> {
    let Some(p) = prepare(core, tenant, id).await? else {
        return Ok(());
    };
    if p.channel.kind != kind::WHATSAPP_CLOUD {
        // Web chat: the visitor reads the conversation through the widget API; there is no
        // provider to hand the message to, so it counts as sent on storage.
        let tx = core.db.tenant_tx(tenant).await.map_err(retry)?;
        let pid = format!("local-{}", p.message.id);
        messages::mark_sent(&tx, p.message.id, &pid, Utc::now())
            .await
            .map_err(retry)?;
        tx.commit().await.map_err(retry)?;
        publish_status(core, tenant, &p.message, "sent").await;
        return Ok(());
    }
    if p.channel.deleted_at.is_some() || p.channel.status == channels::status::ERROR {
        let why = p
            .channel
            .last_error
            .clone()
            .unwrap_or_else(|| "the channel is disconnected".into());
        return fail(core, tenant, &p.message, "channel_error", &why).await;
    }
    if p.recipient.is_empty() {
        return fail(
            core,
            tenant,
            &p.message,
            "no_recipient",
            "the contact has no WhatsApp number",
        )
        .await;
    }
    let wait = core.pacing.wait(p.channel.id, &p.recipient);
    if wait > MAX_INLINE_WAIT {
        return Err(JobError::Postpone(wait));
    } else if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
    let creds = credentials_of(core, &p.channel).map_err(|e| JobError::Permanent(e.to_string()))?;
    let content = match build_content(core, tenant, &p, &creds).await {
        Ok(c) => c,
        Err(Failure::Job(e)) => return Err(e),
        Err(Failure::Message(code, title)) => return fail(core, tenant, &p.message, &code, &title).await,
    };
    let msg = OutboundMessage {
        to: p.recipient.clone(),
        reply_to: p.reply_to.clone(),
        callback_data: Some(p.message.id.to_string()),
        content,
    };
    match core.adapters.whatsapp().send(&creds, &msg).await {
        Ok(pid) => {
            let tx = core.db.tenant_tx(tenant).await.map_err(retry)?;
            let outcome = messages::mark_sent(&tx, p.message.id, &pid.0, Utc::now())
                .await
                .map_err(retry)?;
            // A send went through: the channel is no longer degraded (a no-op when it was not).
            if p.channel.provider_error_at.is_some() {
                channels::clear_provider_error(&tx, p.channel.id).await.map_err(retry)?;
            }
            tx.commit().await.map_err(retry)?;
            metrics::counter!("atende_messages_sent_total", "channel" => "whatsapp_cloud").increment(1);
            if matches!(outcome, StatusOutcome::Applied(_)) {
                publish_status(core, tenant, &p.message, "sent").await;
            }
            Ok(())
        }
        Err(e) => on_error(core, tenant, &p, e, last_attempt).await,
    }
}

async fn publish_status(core: &Core, tenant: TenantId, m: &Message, status: &str) {
    core.publish(vec![
        Event::new(EventKind::MessageStatusChanged, tenant)
            .conversation(m.conversation_id)
            .message(m.id)
            .data(json!({ "status": status })),
    ])
    .await;
}

fn provider_reason(e: &ChannelError) -> (String, String) {
    match e {
        ChannelError::Provider(f) => (
            f.code
                .map_or_else(|| format!("http_{}", f.http_status.unwrap_or(0)), |c| c.to_string()),
            f.details
                .clone()
                .map_or_else(|| f.message.clone(), |d| format!("{}: {d}", f.message)),
        ),
        other => ("delivery_error".into(), other.to_string()),
    }
}

async fn on_error(
    core: &Core,
    tenant: TenantId,
    p: &Prepared,
    e: ChannelError,
    last_attempt: bool,
) -> Result<(), JobError> {
    metrics::counter!("atende_provider_errors_total", "channel" => "whatsapp_cloud", "code" => provider_reason(&e).0)
        .increment(1);
    if e.credentials_invalid() {
        let (code, title) = provider_reason(&e);
        let tx = core.db.tenant_tx(tenant).await.map_err(retry)?;
        if let Ok(ch) = channels::get(&tx, p.channel.id).await {
            crate::channels::mark_error(&tx, ch, &format!("WhatsApp refused the access token ({code}): {title}"))
                .await
                .map_err(|e| retry(e.to_string()))?;
        }
        tx.commit().await.map_err(retry)?;
        return fail(core, tenant, &p.message, &code, &title).await;
    }
    if crate::channels::health::degrades(&e) {
        let (code, title) = provider_reason(&e);
        crate::channels::health::record_now(core, tenant, p.channel.id, &code, &title).await;
    }
    let ambiguous = matches!(e, ChannelError::Transport(_));
    match e.class() {
        ErrorClass::Retry | ErrorClass::RetryAfter { .. } if last_attempt => {
            let (code, title) = provider_reason(&e);
            fail(core, tenant, &p.message, &code, &title).await
        }
        ErrorClass::Retry if ambiguous => Err(JobError::RetryAfter(AMBIGUOUS_RETRY, e.to_string())),
        ErrorClass::Retry => Err(JobError::Retry(e.to_string())),
        ErrorClass::RetryAfter { after, scope } => {
            match scope {
                BackoffScope::Channel => core.pacing.hold(p.channel.id, None, after),
                BackoffScope::Recipient => core.pacing.hold(p.channel.id, Some(&p.recipient), after),
                BackoffScope::Message => {}
            }
            Err(JobError::RetryAfter(after, e.to_string()))
        }
        ErrorClass::Permanent(_) | ErrorClass::WindowClosed => {
            let (code, title) = provider_reason(&e);
            fail(core, tenant, &p.message, &code, &title).await
        }
    }
}

enum Failure {
    Job(JobError),
    /// The message cannot be sent as it is: fail it with this code and title.
    Message(String, String),
}

async fn build_content(core: &Core, tenant: TenantId, p: &Prepared, creds: &Value) -> Result<OutboundContent, Failure> {
    let m = &p.message;
    let payload = m.payload.clone().unwrap_or(Value::Null);
    if m.media_object_key.is_some() {
        return media_content(core, tenant, p, creds, &payload).await;
    }
    let order: Vec<String> = payload
        .get("parameter_order")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    let params = |v: &Value| params(v, &order);
    let content: Content = serde_json::from_value(payload)
        .map_err(|e| Failure::Message("invalid_message".into(), format!("stored content unreadable: {e}")))?;
    Ok(match content {
        Content::Text { body } => OutboundContent::Text {
            preview_url: Some(body.contains("https://") || body.contains("http://")),
            body,
        },
        Content::Template {
            name,
            language,
            language_policy,
            header,
            body,
            buttons,
        } => {
            let mut components = Vec::new();
            if let Some(h) = header.as_ref().and_then(&params) {
                components.push(TemplateComponent::Header(h));
            }
            if let Some(b) = body.as_ref().and_then(&params) {
                components.push(TemplateComponent::Body(b));
            }
            for b in buttons {
                let value = if b.sub_type == "quick_reply" {
                    TemplateValue::Payload(b.text)
                } else {
                    TemplateValue::Text(b.text)
                };
                components.push(TemplateComponent::Button {
                    sub_type: b.sub_type,
                    index: b.index,
                    parameters: vec![TemplateParameter { name: None, value }],
                });
            }
            OutboundContent::Template(TemplateMessage {
                name,
                language,
                language_policy,
                components,
            })
        }
        Content::Buttons {
            body,
            header,
            footer,
            buttons,
        } => OutboundContent::Buttons(InteractiveButtons {
            header: header.map(InteractiveHeader::Text),
            body,
            footer,
            buttons: buttons
                .into_iter()
                .map(|b| ReplyButton {
                    id: b.id,
                    title: b.title,
                })
                .collect(),
        }),
        Content::List {
            body,
            header,
            footer,
            button,
            sections,
        } => OutboundContent::List(InteractiveList {
            header,
            body,
            footer,
            button,
            sections: sections
                .into_iter()
                .map(|s| ListSection {
                    title: s.title,
                    rows: s
                        .rows
                        .into_iter()
                        .map(|r| ListRow {
                            id: r.id,
                            title: r.title,
                            description: r.description,
                        })
                        .collect(),
                })
                .collect(),
        }),
        Content::Reaction { emoji, .. } => {
            let target = p.reply_to.clone().ok_or_else(|| {
                Failure::Message(
                    "invalid_message".into(),
                    "the reacted message was never delivered".into(),
                )
            })?;
            OutboundContent::Reaction {
                message_id: target,
                emoji,
            }
        }
        Content::Media { .. } => {
            return Err(Failure::Message(
                "invalid_message".into(),
                "media message without a file".into(),
            ));
        }
    })
}

/// Template parameters: a list (positional) or an object (named by parameter name). Each value
/// is a string (text) or a typed object as Graph names them: `{"type": "currency",
/// "fallback_value", "code", "amount_1000"}`, `{"type": "date_time", "fallback_value"}`,
/// `{"type": "document"|"image"|"video", "link", "filename"}`, `{"type": "payload", "payload"}`.
/// Named parameters follow `order` (the template's reading order); names it lacks come last.
fn params(v: &Value, order: &[String]) -> Option<Vec<TemplateParameter>> {
    let list: Vec<TemplateParameter> = match v {
        Value::Array(a) => a
            .iter()
            .map(|x| TemplateParameter {
                name: None,
                value: param_value(x),
            })
            .collect(),
        Value::Object(o) => {
            let mut named: Vec<(&String, &Value)> = o.iter().collect();
            named.sort_by_key(|(k, _)| order.iter().position(|n| n == *k).unwrap_or(usize::MAX));
            named
                .into_iter()
                .map(|(k, x)| TemplateParameter {
                    name: Some(k.clone()),
                    value: param_value(x),
                })
                .collect()
        }
        _ => return None,
    };
    (!list.is_empty()).then_some(list)
}

fn param_value(v: &Value) -> TemplateValue {
    let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    let link = || MediaSource::Link(s("link"));
    match v.get("type").and_then(Value::as_str) {
        Some("currency") => TemplateValue::Currency {
            fallback_value: s("fallback_value"),
            code: s("code"),
            amount_1000: v.get("amount_1000").and_then(Value::as_i64).unwrap_or_default(),
        },
        Some("date_time") => TemplateValue::DateTime {
            fallback_value: s("fallback_value"),
        },
        Some("document") => TemplateValue::Document {
            source: link(),
            filename: v.get("filename").and_then(Value::as_str).map(str::to_owned),
        },
        Some("image") => TemplateValue::Image(link()),
        Some("video") => TemplateValue::Video(link()),
        Some("payload") => TemplateValue::Payload(s("payload")),
        Some("text") => TemplateValue::Text(s("text")),
        _ => TemplateValue::Text(super::templates::value_text(v)),
    }
}

async fn media_content(
    core: &Core,
    tenant: TenantId,
    p: &Prepared,
    creds: &Value,
    payload: &Value,
) -> Result<OutboundContent, Failure> {
    let m = &p.message;
    let kind = match m.kind.as_str() {
        "image" => MediaKind::Image,
        "audio" => MediaKind::Audio,
        "video" => MediaKind::Video,
        "sticker" => MediaKind::Sticker,
        _ => MediaKind::Document,
    };
    let media_id = match payload.get("provider_media_id").and_then(Value::as_str) {
        Some(id) => id.to_owned(),
        None => {
            let key = m.media_object_key.clone().unwrap_or_default();
            let bytes = core
                .media
                .get(tenant, &key)
                .await
                .map_err(|e| Failure::Message("media_missing".into(), e.to_string()))?;
            let wa =
                WhatsappCredentials::from_json(creds).map_err(|e| Failure::Job(JobError::Permanent(e.to_string())))?;
            let mime = m
                .media_mime
                .clone()
                .unwrap_or_else(|| "application/octet-stream".into());
            let id = core
                .adapters
                .whatsapp()
                .client()
                .upload_media(&wa, &bytes, &mime, m.media_file_name.as_deref().unwrap_or("file"))
                .await
                .map_err(|e| {
                    if e.class().is_retryable() {
                        Failure::Job(JobError::Retry(e.to_string()))
                    } else {
                        let (c, t) = provider_reason(&e);
                        Failure::Message(c, t)
                    }
                })?;
            let mut stored = payload.clone();
            stored["provider_media_id"] = json!(id);
            let tx = core.db.tenant_tx(tenant).await.map_err(|e| Failure::Job(retry(e)))?;
            messages::set_payload(&tx, m.id, stored)
                .await
                .map_err(|e| Failure::Job(retry(e)))?;
            tx.commit().await.map_err(|e| Failure::Job(retry(e)))?;
            id
        }
    };
    Ok(OutboundContent::Media {
        kind,
        source: MediaSource::Id(media_id),
        caption: m.body.clone(),
        filename: m.media_file_name.clone(),
    })
}

/// The `message.read_receipt` job: marks the customer's latest message read on WhatsApp.
pub struct SendReadReceipt;

#[async_trait]
impl JobHandler for SendReadReceipt {
    async fn run(&self, core: &Core, job: &Job) -> Result<(), JobError> {
        let tenant = crate::jobs::job_tenant(job)?;
        let conv_id = crate::jobs::payload_uuid(job, "conversation_id")?;
        let tx = core.db.tenant_tx(tenant).await.map_err(retry)?;
        let conv = conversations::get(&tx, conv_id)
            .await
            .map_err(|e| JobError::Permanent(e.to_string()))?;
        let channel = channels::get_any(&tx, conv.channel_id).await.map_err(retry)?;
        let last_inbound = messages::last_inbound(&tx, conv_id).await.map_err(retry)?;
        tx.commit().await.map_err(retry)?;
        let (Some(channel), Some(pid)) = (channel, last_inbound.and_then(|m| m.provider_message_id)) else {
            return Ok(());
        };
        if channel.kind != kind::WHATSAPP_CLOUD || channel.deleted_at.is_some() {
            return Ok(());
        }
        let creds = credentials_of(core, &channel).map_err(|e| JobError::Permanent(e.to_string()))?;
        match core.adapters.whatsapp().mark_read(&creds, &pid, false).await {
            Ok(()) => Ok(()),
            Err(e) if e.class().is_retryable() => Err(JobError::Retry(e.to_string())),
            // A read receipt is a courtesy: a refusal (message too old) is not worth a retry.
            Err(e) => {
                tracing::info!(error = %e, "read receipt refused");
                Ok(())
            }
        }
    }
}
