//! Request bodies for `POST /{phone-number-id}/messages`, exactly as the Cloud API documents them
//! (checked against `fixtures/channels/whatsapp/outbound/*.json`).

use crate::inbound::MediaKind;
use crate::outbound::{
    InteractiveButtons, InteractiveHeader, InteractiveList, MediaSource, OutboundContent, OutboundMessage,
    TemplateComponent, TemplateMessage, TemplateParameter, TemplateValue,
};
use serde_json::{Map, Value, json};

/// The JSON body that sends `msg`.
#[must_use]
pub fn message_body(msg: &OutboundMessage) -> Value {
    let mut body = Map::new();
    body.insert("messaging_product".into(), json!("whatsapp"));
    body.insert("recipient_type".into(), json!("individual"));
    body.insert("to".into(), json!(msg.to));
    if let Some(reply_to) = &msg.reply_to {
        body.insert("context".into(), json!({ "message_id": reply_to }));
    }
    if let Some(callback) = &msg.callback_data {
        body.insert("biz_opaque_callback_data".into(), json!(callback));
    }
    let (kind, payload) = content_body(&msg.content);
    body.insert("type".into(), json!(kind));
    body.insert(kind.into(), payload);
    Value::Object(body)
}

/// The body that marks an inbound message (and the earlier ones) as read, optionally showing the
/// typing indicator (~25 s or until we reply).
#[must_use]
pub fn mark_read_body(provider_message_id: &str, typing_indicator: bool) -> Value {
    let mut body = json!({
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": provider_message_id,
    });
    if typing_indicator && let Some(map) = body.as_object_mut() {
        map.insert("typing_indicator".into(), json!({ "type": "text" }));
    }
    body
}

fn content_body(content: &OutboundContent) -> (&'static str, Value) {
    match content {
        OutboundContent::Text { body, preview_url } => {
            let mut text = Map::new();
            text.insert("body".into(), json!(body));
            if let Some(preview) = preview_url {
                text.insert("preview_url".into(), json!(preview));
            }
            ("text", Value::Object(text))
        }
        OutboundContent::Media {
            kind,
            source,
            caption,
            filename,
        } => {
            let mut media = source_map(source);
            // The API rejects captions on audio and stickers and file names outside documents.
            if let Some(caption) = caption
                .as_ref()
                .filter(|_| !matches!(kind, MediaKind::Audio | MediaKind::Sticker))
            {
                media.insert("caption".into(), json!(caption));
            }
            if let Some(filename) = filename.as_ref().filter(|_| *kind == MediaKind::Document) {
                media.insert("filename".into(), json!(filename));
            }
            (kind.as_str(), Value::Object(media))
        }
        OutboundContent::Template(template) => ("template", template_body(template)),
        OutboundContent::Buttons(buttons) => ("interactive", buttons_body(buttons)),
        OutboundContent::List(list) => ("interactive", list_body(list)),
        OutboundContent::Reaction { message_id, emoji } => (
            "reaction",
            // Removing our own reaction is an empty emoji.
            json!({ "message_id": message_id, "emoji": emoji.as_deref().unwrap_or("") }),
        ),
    }
}

fn source_map(source: &MediaSource) -> Map<String, Value> {
    let mut map = Map::new();
    match source {
        MediaSource::Id(id) => map.insert("id".into(), json!(id)),
        MediaSource::Link(link) => map.insert("link".into(), json!(link)),
    };
    map
}

fn document_map(source: &MediaSource, filename: Option<&String>) -> Value {
    let mut map = source_map(source);
    if let Some(filename) = filename {
        map.insert("filename".into(), json!(filename));
    }
    Value::Object(map)
}

fn template_body(t: &TemplateMessage) -> Value {
    let mut language = Map::new();
    if let Some(policy) = &t.language_policy {
        language.insert("policy".into(), json!(policy));
    }
    language.insert("code".into(), json!(t.language));
    let mut body = Map::new();
    body.insert("name".into(), json!(t.name));
    body.insert("language".into(), Value::Object(language));
    if !t.components.is_empty() {
        body.insert("components".into(), t.components.iter().map(component_body).collect());
    }
    Value::Object(body)
}

fn component_body(c: &TemplateComponent) -> Value {
    let params = |ps: &[TemplateParameter]| ps.iter().map(parameter_body).collect::<Value>();
    match c {
        TemplateComponent::Header(ps) => json!({ "type": "header", "parameters": params(ps) }),
        TemplateComponent::Body(ps) => json!({ "type": "body", "parameters": params(ps) }),
        TemplateComponent::Button {
            sub_type,
            index,
            parameters,
        } => json!({
            "type": "button",
            "sub_type": sub_type,
            // The API wants the index as a string.
            "index": index.to_string(),
            "parameters": params(parameters),
        }),
    }
}

fn parameter_body(p: &TemplateParameter) -> Value {
    let (kind, value) = match &p.value {
        TemplateValue::Text(text) => ("text", json!(text)),
        TemplateValue::Currency {
            fallback_value,
            code,
            amount_1000,
        } => (
            "currency",
            json!({ "fallback_value": fallback_value, "code": code, "amount_1000": amount_1000 }),
        ),
        TemplateValue::DateTime { fallback_value } => ("date_time", json!({ "fallback_value": fallback_value })),
        TemplateValue::Image(source) => ("image", Value::Object(source_map(source))),
        TemplateValue::Video(source) => ("video", Value::Object(source_map(source))),
        TemplateValue::Document { source, filename } => ("document", document_map(source, filename.as_ref())),
        TemplateValue::Payload(payload) => ("payload", json!(payload)),
        TemplateValue::CouponCode(code) => ("coupon_code", json!(code)),
    };
    let mut map = Map::new();
    map.insert("type".into(), json!(kind));
    if let Some(name) = &p.name {
        map.insert("parameter_name".into(), json!(name));
    }
    map.insert(kind.into(), value);
    Value::Object(map)
}

fn header_body(h: &InteractiveHeader) -> Value {
    match h {
        InteractiveHeader::Text(text) => json!({ "type": "text", "text": text }),
        InteractiveHeader::Image(source) => json!({ "type": "image", "image": Value::Object(source_map(source)) }),
        InteractiveHeader::Video(source) => json!({ "type": "video", "video": Value::Object(source_map(source)) }),
        InteractiveHeader::Document { source, filename } => {
            json!({ "type": "document", "document": document_map(source, filename.as_ref()) })
        }
    }
}

fn interactive_frame(kind: &str, header: Option<Value>, body: &str, footer: Option<&String>, action: Value) -> Value {
    let mut map = Map::new();
    map.insert("type".into(), json!(kind));
    if let Some(header) = header {
        map.insert("header".into(), header);
    }
    map.insert("body".into(), json!({ "text": body }));
    if let Some(footer) = footer {
        map.insert("footer".into(), json!({ "text": footer }));
    }
    map.insert("action".into(), action);
    Value::Object(map)
}

fn buttons_body(b: &InteractiveButtons) -> Value {
    let buttons: Value = b
        .buttons
        .iter()
        .map(|button| json!({ "type": "reply", "reply": { "id": button.id, "title": button.title } }))
        .collect();
    interactive_frame(
        "button",
        b.header.as_ref().map(header_body),
        &b.body,
        b.footer.as_ref(),
        json!({ "buttons": buttons }),
    )
}

fn list_body(l: &InteractiveList) -> Value {
    let sections: Value = l
        .sections
        .iter()
        .map(|section| {
            let rows: Value = section
                .rows
                .iter()
                .map(|row| {
                    let mut map = Map::new();
                    map.insert("id".into(), json!(row.id));
                    map.insert("title".into(), json!(row.title));
                    if let Some(description) = &row.description {
                        map.insert("description".into(), json!(description));
                    }
                    Value::Object(map)
                })
                .collect();
            let mut map = Map::new();
            if let Some(title) = &section.title {
                map.insert("title".into(), json!(title));
            }
            map.insert("rows".into(), rows);
            Value::Object(map)
        })
        .collect();
    interactive_frame(
        "list",
        l.header.as_ref().map(|text| json!({ "type": "text", "text": text })),
        &l.body,
        l.footer.as_ref(),
        json!({ "button": l.button, "sections": sections }),
    )
}
