//! What an inbound provider message becomes in our `messages` table: its type, text, payload
//! (location, cards, buttons, reactions, forwards, referral, errors) and file.

use atende_channels::{InboundMessage, MessageContent};
use atende_db::repo::messages::{MediaRef, NewMessage};
use atende_domain::{Author, MessageType};
use serde_json::{Value, json};
use uuid::Uuid;

/// What happened to an inbound message's file.
#[derive(Clone, Debug)]
pub(crate) enum MediaOutcome {
    Stored(MediaRef),
    /// Kept as a message without its file, with the reason (code, detail) in its payload.
    Failed(&'static str, String),
}

/// The message to store for `m` on `channel_id` (its conversation is picked when recorded).
pub(super) fn new_message(channel_id: Uuid, m: &InboundMessage, media: Option<MediaOutcome>) -> NewMessage {
    let (kind, body, mut payload) = content_parts(m);
    let mut media_ref = None;
    match media {
        Some(MediaOutcome::Stored(r)) => media_ref = Some(r),
        Some(MediaOutcome::Failed(code, detail)) => {
            payload["media_error"] = json!({ "code": code, "detail": detail });
            // The file is missing, not what it was: its type and name stay on the message (the
            // caption is its body), so the agent reads "comprovante.pdf (PDF)" and can try again.
            if let MessageContent::Media(x) = &m.content {
                media_ref = Some(MediaRef {
                    object_key: None,
                    mime: x.mime_type.clone(),
                    size: None,
                    file_name: x.filename.clone(),
                    sha256: None,
                });
            }
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
    NewMessage {
        body,
        payload: if payload.is_null() { None } else { Some(payload) },
        media: media_ref,
        reply_to_provider_id,
        provider_message_id: Some(m.provider_message_id.clone()),
        provider_timestamp: m.timestamp,
        ..NewMessage::new(Uuid::nil(), channel_id, Author::Contact, kind)
    }
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
