//! Inbound side: the subscription handshake, `X-Hub-Signature-256` and the webhook parser.
//!
//! The parser walks the JSON as a tree instead of deserializing into strict structs: a field with
//! an unexpected type or a new message type must degrade to `None`/`Unsupported` for that item,
//! not reject the whole delivery (Meta retries rejected deliveries for 7 days).

use crate::inbound::{
    ContactCard, ContactProfile, ConversationInfo, DeliveryStatus, InboundEvent, InboundMedia, InboundMessage,
    MediaKind, MessageContent, MessageContext, PricingInfo, ProviderErrorDetail, Referral, Routing, StatusUpdate,
    TemplateStatusUpdate,
};
use crate::{ChannelError, SubscriptionCheck};
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;

/// The header Meta signs deliveries with.
pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";

/// The value of `object` in WhatsApp Business Account deliveries.
const OBJECT_WABA: &str = "whatsapp_business_account";

/// Longest `hub.challenge` echoed back; Meta sends a short integer.
const MAX_CHALLENGE_LEN: usize = 256;

type HmacSha256 = Hmac<Sha256>;

/// Answers Meta's verification GET: the challenge when `hub.mode` is `subscribe` and
/// `hub.verify_token` equals the channel's token (compared in constant time).
///
/// # Errors
/// `Forbidden` on any mismatch, a missing parameter, an empty expected token or an oversized
/// challenge.
pub fn verify_subscription(check: &SubscriptionCheck<'_>, expected_token: &str) -> Result<String, ChannelError> {
    let (Some("subscribe"), Some(token), Some(challenge)) = (check.mode, check.verify_token, check.challenge) else {
        return Err(ChannelError::Forbidden);
    };
    let challenge_ok =
        !challenge.is_empty() && challenge.len() <= MAX_CHALLENGE_LEN && !challenge.chars().any(char::is_control);
    if expected_token.is_empty() || !constant_time_eq(token.as_bytes(), expected_token.as_bytes()) || !challenge_ok {
        return Err(ChannelError::Forbidden);
    }
    Ok(challenge.to_owned())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Verifies `X-Hub-Signature-256: sha256=<hex>` over the raw body with the app secret.
///
/// # Errors
/// `BadSignature` when the header is missing, not `sha256=` + 64 hex digits, the secret is empty,
/// or the MAC differs (checked in constant time by `hmac`).
pub fn verify_signature(app_secret: &[u8], headers: &http::HeaderMap, raw_body: &[u8]) -> Result<(), ChannelError> {
    let header = headers.get(SIGNATURE_HEADER).ok_or(ChannelError::BadSignature)?;
    verify_signature_value(app_secret, header.as_bytes(), raw_body)
}

/// Like [`verify_signature`], given the header's value.
///
/// # Errors
/// As [`verify_signature`].
pub fn verify_signature_value(app_secret: &[u8], header_value: &[u8], raw_body: &[u8]) -> Result<(), ChannelError> {
    let value = std::str::from_utf8(header_value)
        .map_err(|_| ChannelError::BadSignature)?
        .trim();
    let hex_digest = value.strip_prefix("sha256=").ok_or(ChannelError::BadSignature)?;
    let tag = hex::decode(hex_digest).map_err(|_| ChannelError::BadSignature)?;
    if tag.len() != 32 {
        return Err(ChannelError::BadSignature);
    }
    let mut mac = new_mac(app_secret)?;
    mac.update(raw_body);
    mac.verify_slice(&tag).map_err(|_| ChannelError::BadSignature)
}

/// The `X-Hub-Signature-256` value Meta would send for this body: for tests, the local fake
/// provider and load scenarios that sign their own deliveries.
///
/// # Errors
/// `BadSignature` when the secret is empty.
pub fn signature_header(app_secret: &[u8], raw_body: &[u8]) -> Result<String, ChannelError> {
    let mut mac = new_mac(app_secret)?;
    mac.update(raw_body);
    Ok(format!("sha256={}", hex::encode(mac.finalize().into_bytes())))
}

fn new_mac(app_secret: &[u8]) -> Result<HmacSha256, ChannelError> {
    // An empty secret is a misconfigured channel; accepting it would let anyone sign.
    if app_secret.is_empty() {
        return Err(ChannelError::BadSignature);
    }
    HmacSha256::new_from_slice(app_secret).map_err(|_| ChannelError::BadSignature)
}

/// Parses one delivery into events, in document order (entries, changes, then per change:
/// messages, statuses, errors).
///
/// # Errors
/// `Malformed` when the body is not JSON, not an object, has an `object` other than
/// `whatsapp_business_account`, or has no `entry` array.
pub fn parse_webhook(raw_body: &[u8]) -> Result<Vec<InboundEvent>, ChannelError> {
    let root: Value =
        serde_json::from_slice(raw_body).map_err(|e| ChannelError::Malformed(format!("not JSON: {e}")))?;
    let obj = root
        .as_object()
        .ok_or_else(|| ChannelError::Malformed("not a JSON object".into()))?;
    if let Some(object) = obj.get("object")
        && object.as_str() != Some(OBJECT_WABA)
    {
        return Err(ChannelError::Malformed(format!("object is not {OBJECT_WABA}")));
    }
    let entries = obj
        .get("entry")
        .and_then(Value::as_array)
        .ok_or_else(|| ChannelError::Malformed("no entry array".into()))?;

    let mut events = Vec::new();
    for entry in entries {
        let account_id = id_of(entry.get("id"));
        let entry_time = timestamp_of(entry.get("time"));
        let Some(changes) = entry.get("changes").and_then(Value::as_array) else {
            continue;
        };
        for change in changes {
            let value = change.get("value").unwrap_or(&Value::Null);
            match change.get("field").and_then(Value::as_str) {
                Some("messages") => parse_messages_change(account_id.as_ref(), value, &mut events),
                Some("message_template_status_update") => {
                    events.push(parse_template_status(account_id.as_ref(), entry_time, value));
                }
                other => events.push(InboundEvent::Other {
                    routing: routing_of(account_id.as_ref(), value),
                    kind: other.unwrap_or("unknown").to_owned(),
                    payload: value.clone(),
                }),
            }
        }
    }
    Ok(events)
}

fn routing_of(account_id: Option<&String>, value: &Value) -> Routing {
    let metadata = value.get("metadata");
    Routing {
        account_id: account_id.cloned(),
        endpoint_id: metadata.and_then(|m| id_of(m.get("phone_number_id"))),
        display_address: metadata.and_then(|m| id_of(m.get("display_phone_number"))),
    }
}

fn parse_messages_change(account_id: Option<&String>, value: &Value, events: &mut Vec<InboundEvent>) {
    let routing = routing_of(account_id, value);
    let contacts: Vec<ContactProfile> = array(value.get("contacts"))
        .iter()
        .filter_map(|c| {
            Some(ContactProfile {
                external_id: id_of(c.get("wa_id"))?,
                name: string(c.get("profile").and_then(|p| p.get("name"))),
            })
        })
        .collect();
    let before = events.len();
    for message in array(value.get("messages")) {
        events.push(parse_message(&routing, &contacts, message));
    }
    for status in array(value.get("statuses")) {
        events.push(parse_status(&routing, status));
    }
    let errors = errors_of(value.get("errors"));
    if !errors.is_empty() {
        events.push(InboundEvent::ProviderErrors {
            routing: routing.clone(),
            errors,
        });
    }
    if events.len() == before {
        // A `messages` change with nothing we model (e.g. only contacts): keep it.
        events.push(InboundEvent::Other {
            routing,
            kind: "messages".into(),
            payload: value.clone(),
        });
    }
}

fn parse_message(routing: &Routing, contacts: &[ContactProfile], m: &Value) -> InboundEvent {
    let (Some(id), Some(from)) = (id_of(m.get("id")), id_of(m.get("from"))) else {
        return InboundEvent::Other {
            routing: routing.clone(),
            kind: "message_without_id".into(),
            payload: m.clone(),
        };
    };
    let contact = contacts
        .iter()
        .find(|c| c.external_id == from)
        .or(if contacts.len() == 1 { contacts.first() } else { None })
        .cloned();
    let errors = errors_of(m.get("errors"));
    let kind = m.get("type").and_then(Value::as_str).unwrap_or("unknown");
    let content = content_of(kind, m, &errors);
    InboundEvent::Message(Box::new(InboundMessage {
        routing: routing.clone(),
        from,
        contact,
        provider_message_id: id,
        timestamp: timestamp_of(m.get("timestamp")),
        content,
        context: context_of(m.get("context")),
        referral: m.get("referral").filter(|r| r.is_object()).map(referral_of),
        errors,
        raw: m.clone(),
    }))
}

fn content_of(kind: &str, m: &Value, errors: &[ProviderErrorDetail]) -> MessageContent {
    let body = m.get(kind);
    let field = |name: &str| string(body.and_then(|b| b.get(name)));
    let unsupported = |provider_type: String| MessageContent::Unsupported {
        provider_type,
        error_code: errors.first().and_then(|e| e.code),
    };
    let parsed = match kind {
        "text" => field("body").map(|body| MessageContent::Text { body }),
        "image" | "audio" | "video" | "document" | "sticker" => media_of(kind, body).map(MessageContent::Media),
        "location" => body.filter(|b| b.is_object()).map(|b| MessageContent::Location {
            latitude: b.get("latitude").and_then(Value::as_f64),
            longitude: b.get("longitude").and_then(Value::as_f64),
            name: string(b.get("name")),
            address: string(b.get("address")),
            url: string(b.get("url")),
        }),
        "contacts" => body.and_then(Value::as_array).map(|cards| {
            MessageContent::Contacts(
                cards
                    .iter()
                    .filter_map(|c| serde_json::from_value::<ContactCard>(c.clone()).ok())
                    .collect(),
            )
        }),
        "interactive" => return interactive_of(body).unwrap_or_else(&unsupported),
        "button" => body.filter(|b| b.is_object()).map(|_| MessageContent::TemplateButton {
            payload: field("payload"),
            text: field("text"),
        }),
        "reaction" => field("message_id").map(|target_message_id| MessageContent::Reaction {
            target_message_id,
            // Removal arrives without `emoji`; treat an empty one the same.
            emoji: field("emoji").filter(|e| !e.is_empty()),
        }),
        "system" => body.filter(|b| b.is_object()).map(|_| MessageContent::System {
            kind: field("type"),
            body: field("body"),
            new_external_id: field("wa_id").or_else(|| field("new_wa_id")),
        }),
        "unsupported" => return unsupported(field("type").unwrap_or_else(|| "unsupported".into())),
        _ => None,
    };
    parsed.unwrap_or_else(|| unsupported(kind.to_owned()))
}

fn media_of(kind: &str, body: Option<&Value>) -> Option<InboundMedia> {
    let b = body?;
    let media_kind = match kind {
        "image" => MediaKind::Image,
        "audio" => MediaKind::Audio,
        "video" => MediaKind::Video,
        "document" => MediaKind::Document,
        _ => MediaKind::Sticker,
    };
    Some(InboundMedia {
        kind: media_kind,
        media_id: id_of(b.get("id"))?,
        mime_type: string(b.get("mime_type")),
        sha256: string(b.get("sha256")),
        caption: string(b.get("caption")),
        filename: string(b.get("filename")),
        voice: b.get("voice").and_then(Value::as_bool).unwrap_or(false),
        animated: b.get("animated").and_then(Value::as_bool).unwrap_or(false),
        url: string(b.get("url")),
    })
}

/// `Err` carries the provider type to report as unsupported.
fn interactive_of(body: Option<&Value>) -> Result<MessageContent, String> {
    let sub = body
        .and_then(|b| b.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("unknown");
    let reply = body.and_then(|b| b.get(sub));
    let field = |name: &str| string(reply.and_then(|r| r.get(name)));
    let parsed = match sub {
        "button_reply" => field("id")
            .zip(field("title"))
            .map(|(id, title)| MessageContent::ButtonReply { id, title }),
        "list_reply" => field("id")
            .zip(field("title"))
            .map(|(id, title)| MessageContent::ListReply {
                id,
                title,
                description: field("description"),
            }),
        _ => None,
    };
    parsed.ok_or_else(|| format!("interactive.{sub}"))
}

fn context_of(context: Option<&Value>) -> Option<MessageContext> {
    let c = context.filter(|c| c.is_object())?;
    Some(MessageContext {
        replied_to: id_of(c.get("id")),
        replied_to_from: id_of(c.get("from")),
        forwarded: c.get("forwarded").and_then(Value::as_bool).unwrap_or(false),
        frequently_forwarded: c.get("frequently_forwarded").and_then(Value::as_bool).unwrap_or(false),
    })
}

fn referral_of(r: &Value) -> Referral {
    let s = |name: &str| string(r.get(name));
    Referral {
        source_url: s("source_url"),
        source_id: id_of(r.get("source_id")),
        source_type: s("source_type"),
        headline: s("headline"),
        body: s("body"),
        media_type: s("media_type"),
        image_url: s("image_url"),
        video_url: s("video_url"),
        thumbnail_url: s("thumbnail_url"),
        ctwa_clid: s("ctwa_clid"),
        welcome_message: string(r.get("welcome_message").and_then(|w| w.get("text"))),
    }
}

fn parse_status(routing: &Routing, s: &Value) -> InboundEvent {
    let (Some(id), Some(status)) = (id_of(s.get("id")), string(s.get("status"))) else {
        return InboundEvent::Other {
            routing: routing.clone(),
            kind: "status_without_id".into(),
            payload: s.clone(),
        };
    };
    let conversation = s
        .get("conversation")
        .filter(|c| c.is_object())
        .map(|c| ConversationInfo {
            id: id_of(c.get("id")),
            origin_type: string(c.get("origin").and_then(|o| o.get("type"))),
            expires_at: timestamp_of(c.get("expiration_timestamp")),
        });
    let pricing = s.get("pricing").filter(|p| p.is_object()).map(|p| PricingInfo {
        billable: p.get("billable").and_then(Value::as_bool),
        pricing_model: string(p.get("pricing_model")),
        category: string(p.get("category")),
        pricing_type: string(p.get("type")),
    });
    InboundEvent::Status(Box::new(StatusUpdate {
        routing: routing.clone(),
        provider_message_id: id,
        status: DeliveryStatus::parse(&status),
        timestamp: timestamp_of(s.get("timestamp")),
        recipient_id: id_of(s.get("recipient_id")),
        errors: errors_of(s.get("errors")),
        conversation,
        pricing,
        callback_data: string(s.get("biz_opaque_callback_data")),
        raw: s.clone(),
    }))
}

fn parse_template_status(account_id: Option<&String>, time: Option<DateTime<Utc>>, v: &Value) -> InboundEvent {
    let Some(event) = string(v.get("event")) else {
        return InboundEvent::Other {
            routing: routing_of(account_id, v),
            kind: "message_template_status_update".into(),
            payload: v.clone(),
        };
    };
    let rejection = v.get("rejection_info");
    InboundEvent::TemplateStatus(TemplateStatusUpdate {
        account_id: account_id.cloned(),
        event,
        template_id: id_of(v.get("message_template_id")),
        name: string(v.get("message_template_name")),
        language: string(v.get("message_template_language")),
        category: string(v.get("message_template_category")),
        reason: string(v.get("reason")),
        rejection_detail: string(rejection.and_then(|r| r.get("reason"))),
        recommendation: string(rejection.and_then(|r| r.get("recommendation"))),
        time,
    })
}

fn errors_of(v: Option<&Value>) -> Vec<ProviderErrorDetail> {
    array(v)
        .iter()
        .filter(|e| e.is_object())
        .map(|e| ProviderErrorDetail {
            code: e.get("code").and_then(int_of),
            title: string(e.get("title")),
            message: string(e.get("message")),
            details: string(e.get("error_data").and_then(|d| d.get("details"))),
            href: string(e.get("href")),
        })
        .collect()
}

fn array(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn string(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::to_owned)
}

/// Ids arrive as strings, but some (template ids, `entry[].id` in places) as JSON numbers.
fn id_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn int_of(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

/// Unix seconds as a string (messages, statuses) or an integer (template `entry[].time`).
fn timestamp_of(v: Option<&Value>) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(int_of(v?)?, 0)
}
