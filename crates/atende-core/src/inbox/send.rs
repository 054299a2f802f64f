//! An agent's message: checked, stored `queued` with its `message.deliver` job in the same
//! transaction, delivered by [`super::deliver`]. Private notes are stored and never sent.
//!
//! Outbound media goes **upload-then-send**: the job uploads the file to Graph
//! (`POST /{phone-number-id}/media`) and sends by media id. Sending by link would need our
//! server to be reachable from Meta's fetchers on a public HTTPS address — not true of a
//! self-hosted install behind NAT or of a laptop demo — and would put a bearer-less link to the
//! file on the wire; an upload works wherever the server can reach Graph. The media id is kept
//! in the message's payload, so a retried job does not upload again.

use super::{MessageView, has_window, visible_conversation};
use crate::Core;
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::bus::{Event, EventKind};
use crate::error::{CoreError, CoreResult};
use crate::media;
use atende_db::jobs::{self as queue, NewJob};
use atende_db::repo::channels::status as channel_status;
use atende_db::repo::messages::{self, MediaRef, NewMessage};
use atende_db::repo::{contacts, conversations, memberships, templates};
use atende_domain::window::{WindowClosed, check_outbound};
use atende_domain::{Action, Author, FieldErrors, MessageType, TenantCtx, TenantId, UserId};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

/// The job kind that delivers an outbound message.
pub const DELIVER_KIND: &str = "message.deliver";

/// What an agent sends. Stored as the message's payload; the delivery job builds the provider's
/// body from it.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Content {
    /// Plain text (WhatsApp formatting such as `*bold*` passes through).
    Text { body: String },
    /// A file uploaded with `POST /uploads` first.
    Media {
        attachment_id: String,
        caption: Option<String>,
    },
    /// An approved template (the only thing allowed outside the 24-hour window). `header` and
    /// `body` parameters are positional (`["João", "#123"]`) or named (`{"nome": "João"}`); a
    /// value is text or a typed object (`{"type": "currency", "fallback_value", "code",
    /// "amount_1000"}`, `{"type": "date_time", "fallback_value"}`, `{"type": "document", "link",
    /// "filename"}`, `image`, `video`).
    Template {
        name: String,
        language: String,
        /// Graph's `language.policy` (`deterministic`); usually omitted.
        #[serde(default)]
        language_policy: Option<String>,
        #[serde(default)]
        #[schema(value_type = Option<Object>)]
        header: Option<Value>,
        #[serde(default)]
        #[schema(value_type = Option<Object>)]
        body: Option<Value>,
        /// Quick-reply payloads or URL suffixes per button: `[{"index": 0, "sub_type": "quick_reply", "text": "…"}]`.
        #[serde(default)]
        buttons: Vec<TemplateButtonParam>,
    },
    /// Up to three reply buttons.
    Buttons {
        body: String,
        header: Option<String>,
        footer: Option<String>,
        buttons: Vec<Choice>,
    },
    /// A list of choices in sections.
    List {
        body: String,
        header: Option<String>,
        footer: Option<String>,
        /// Label of the button that opens the list.
        button: String,
        sections: Vec<ChoiceSection>,
    },
    /// React to a message of the conversation; `emoji: null` removes our reaction.
    Reaction { message_id: Uuid, emoji: Option<String> },
}

/// A template button's parameter.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateButtonParam {
    #[serde(deserialize_with = "atende_domain::values::whole_number::required")]
    pub index: u32,
    /// `quick_reply` (a payload) or `url` (the URL's variable part).
    pub sub_type: String,
    pub text: String,
}

/// A button or list row: `id` comes back when the customer picks it.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// A titled group of list rows.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceSection {
    pub title: Option<String>,
    pub rows: Vec<Choice>,
}

/// A message to send or a note to write. (Unknown fields are ignored here: serde cannot refuse
/// them on a struct that flattens the tagged content.)
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct SendMessage {
    #[serde(flatten)]
    pub content: Content,
    /// Quote this message of the conversation.
    #[serde(default)]
    pub reply_to_id: Option<Uuid>,
    /// An internal note: stored, shown to the team, never sent to the customer.
    #[serde(default)]
    pub private_note: bool,
    /// Members mentioned in a note (they are notified).
    #[serde(default)]
    pub mentions: Vec<Uuid>,
}

/// WhatsApp's limits on what is sent (the strictest channel), in characters or items. The API
/// document's `maxLength`/`maxItems` on `Content` are these (`atende-http`'s `contract`).
pub mod limits {
    pub const TEXT_BODY: usize = 4096;
    pub const CAPTION: usize = 1024;
    pub const TEMPLATE_NAME: usize = 512;
    pub const LANGUAGE: usize = 20;
    pub const BUTTONS_BODY: usize = 1024;
    pub const HEADER: usize = 60;
    pub const FOOTER: usize = 60;
    pub const BUTTONS: usize = 3;
    pub const BUTTON_TITLE: usize = 20;
    pub const CHOICE_ID: usize = 200;
    pub const CHOICE_DESCRIPTION: usize = 72;
    pub const LIST_BUTTON: usize = 20;
    pub const SECTIONS: usize = 10;
    /// Rows of all sections together.
    pub const ROWS: usize = 10;
    pub const SECTION_TITLE: usize = 24;
    pub const ROW_TITLE: usize = 24;
    pub const EMOJI: usize = 8;
    /// Members one note mentions.
    pub const MENTIONS: usize = 20;
    /// Length of an `Idempotency-Key`.
    pub const IDEMPOTENCY_KEY: usize = 200;
}

fn text_limit(errs: &mut FieldErrors, field: &str, text: &str, max: usize) {
    if text.trim().is_empty() {
        errs.add(field, "must not be empty");
    } else if text.chars().count() > max {
        errs.add(field, format!("must have at most {max} characters"));
    }
}

fn opt_limit(errs: &mut FieldErrors, field: &str, text: Option<&String>, max: usize) {
    if let Some(t) = text {
        text_limit(errs, field, t, max);
    }
}

fn check_choice(errs: &mut FieldErrors, field: &str, c: &Choice, title_max: usize) {
    text_limit(errs, &format!("{field}.id"), &c.id, limits::CHOICE_ID);
    text_limit(errs, &format!("{field}.title"), &c.title, title_max);
    opt_limit(
        errs,
        &format!("{field}.description"),
        c.description.as_ref(),
        limits::CHOICE_DESCRIPTION,
    );
}

/// Validates content against WhatsApp's limits (the strictest channel).
fn validate(content: &Content, note: bool, errs: &mut FieldErrors) {
    match content {
        Content::Text { body } => text_limit(errs, "body", body, limits::TEXT_BODY),
        Content::Media { caption, .. } => opt_limit(errs, "caption", caption.as_ref(), limits::CAPTION),
        Content::Template { name, language, .. } => {
            text_limit(errs, "name", name, limits::TEMPLATE_NAME);
            text_limit(errs, "language", language, limits::LANGUAGE);
        }
        Content::Buttons {
            body,
            header,
            footer,
            buttons,
        } => {
            text_limit(errs, "body", body, limits::BUTTONS_BODY);
            opt_limit(errs, "header", header.as_ref(), limits::HEADER);
            opt_limit(errs, "footer", footer.as_ref(), limits::FOOTER);
            if buttons.is_empty() || buttons.len() > limits::BUTTONS {
                errs.add("buttons", "one to three buttons");
            }
            for (i, b) in buttons.iter().enumerate() {
                check_choice(errs, &format!("buttons.{i}"), b, limits::BUTTON_TITLE);
            }
        }
        Content::List {
            body,
            header,
            footer,
            button,
            sections,
        } => {
            text_limit(errs, "body", body, limits::TEXT_BODY);
            opt_limit(errs, "header", header.as_ref(), limits::HEADER);
            opt_limit(errs, "footer", footer.as_ref(), limits::FOOTER);
            text_limit(errs, "button", button, limits::LIST_BUTTON);
            let rows: usize = sections.iter().map(|s| s.rows.len()).sum();
            if sections.is_empty() || sections.len() > limits::SECTIONS || rows == 0 || rows > limits::ROWS {
                errs.add("sections", "one to ten sections with one to ten rows in all");
            }
            for (i, s) in sections.iter().enumerate() {
                opt_limit(
                    errs,
                    &format!("sections.{i}.title"),
                    s.title.as_ref(),
                    limits::SECTION_TITLE,
                );
                for (j, r) in s.rows.iter().enumerate() {
                    check_choice(errs, &format!("sections.{i}.rows.{j}"), r, limits::ROW_TITLE);
                }
            }
        }
        Content::Reaction { emoji, .. } => {
            if emoji
                .as_ref()
                .is_some_and(|e| e.is_empty() || e.chars().count() > limits::EMOJI)
            {
                errs.add("emoji", "one emoji");
            }
        }
    }
    if note && !matches!(content, Content::Text { .. }) {
        errs.add("private_note", "a private note is text");
    }
}

fn kind_of(c: &Content) -> MessageType {
    match c {
        Content::Text { .. } => MessageType::Text,
        Content::Media { .. } => MessageType::Document,
        Content::Template { .. } => MessageType::Template,
        Content::Buttons { .. } | Content::List { .. } => MessageType::Interactive,
        Content::Reaction { .. } => MessageType::Reaction,
    }
}

/// An uploaded file, referenced by a signed, tenant-bound id until a message uses it.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct Attachment {
    /// Pass as `attachment_id` when sending.
    pub attachment_id: String,
    pub mime: String,
    pub size: i64,
    pub file_name: Option<String>,
    /// `image`, `audio`, `video`, `document` or `sticker`: how it will be sent.
    pub media_type: String,
}

#[derive(Deserialize, Serialize)]
pub(crate) struct AttachmentClaims {
    t: Uuid,
    pub(crate) k: String,
    pub(crate) m: String,
    pub(crate) s: i64,
    pub(crate) n: Option<String>,
    pub(crate) h: String,
    pub(crate) ty: String,
}

/// The media type a MIME type is sent as on WhatsApp.
fn media_type_of(mime: &str) -> &'static str {
    match mime {
        "image/jpeg" | "image/png" => "image",
        "image/webp" => "sticker",
        m if m.starts_with("audio/") => "audio",
        "video/mp4" | "video/3gpp" => "video",
        _ => "document",
    }
}

/// Stores an uploaded file and returns its attachment id.
///
/// # Errors
/// 422 for an empty or oversized file.
pub async fn upload(
    core: &Core,
    ctx: &TenantCtx,
    bytes: Bytes,
    mime: Option<&str>,
    file_name: Option<&str>,
) -> CoreResult<Attachment> {
    crate::authz::require(ctx, Action::ConversationsWork)?;
    store_attachment(core, ctx.tenant_id, bytes, mime, file_name).await
}

/// Stores a file for `tenant` and signs its attachment id; the caller has authorized the
/// upload (an agent's role, or a web-chat visitor's token).
///
/// # Errors
/// 422 for an empty or oversized file.
pub(crate) async fn store_attachment(
    core: &Core,
    tenant: TenantId,
    bytes: Bytes,
    mime: Option<&str>,
    file_name: Option<&str>,
) -> CoreResult<Attachment> {
    if bytes.is_empty() {
        return Err(CoreError::field("file", "is empty"));
    }
    let mime = mime
        .filter(|m| !m.is_empty() && *m != "application/octet-stream")
        .map(str::to_owned)
        .or_else(|| file_name.and_then(|n| mime_from_name(n).map(str::to_owned)))
        .unwrap_or_else(|| "application/octet-stream".into());
    let media_type = media_type_of(&mime);
    let size = bytes.len() as u64;
    if size > media::max_bytes(media_type) {
        return Err(CoreError::field(
            "file",
            format!(
                "a {media_type} may have at most {} MB",
                media::max_bytes(media_type) / (1024 * 1024)
            ),
        ));
    }
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
    let key = core.media.put(tenant, bytes).await?;
    let file_name = file_name.map(|n| n.chars().filter(|c| !c.is_control()).take(200).collect::<String>());
    let claims = AttachmentClaims {
        t: tenant.uuid(),
        k: key,
        m: mime.clone(),
        s: i64::try_from(size).unwrap_or(i64::MAX),
        n: file_name.clone(),
        h: sha,
        ty: media_type.into(),
    };
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).map_err(|e| CoreError::Internal(e.to_string()))?);
    let sig = core.keys.sign(&format!("attachment\n{body}"));
    Ok(Attachment {
        attachment_id: format!("att_{body}.{sig}"),
        mime,
        size: claims.s,
        file_name,
        media_type: media_type.into(),
    })
}

fn mime_from_name(name: &str) -> Option<&'static str> {
    let ext = name.rsplit('.').next()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "mp4" => "video/mp4",
        "ogg" | "opus" => "audio/ogg",
        "mp3" => "audio/mpeg",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        _ => return None,
    })
}

pub(crate) fn open_attachment(core: &Core, tenant: TenantId, id: &str) -> Option<AttachmentClaims> {
    let (body, sig) = id.strip_prefix("att_")?.split_once('.')?;
    if !core.keys.verify_signed(&format!("attachment\n{body}"), sig) {
        return None;
    }
    let claims: AttachmentClaims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()?;
    (claims.t == tenant.uuid()).then_some(claims)
}

/// The outcome of [`send`]: the message, and whether this call created it (`false`: the
/// `Idempotency-Key` named an earlier one).
pub struct Sent {
    pub message: MessageView,
    pub created: bool,
}

/// Sends a message (or writes a note) in a conversation.
///
/// # Errors
/// 422 `whatsapp_window_closed`, `template_not_approved`, `channel_error`, bad fields; 404;
/// 409 `idempotency_key_reused` for a key used in another conversation.
#[allow(clippy::too_many_lines)] // one check after another, in the order the user meets them
pub async fn send(
    core: &Core,
    ctx: &TenantCtx,
    conversation_id: Uuid,
    input: SendMessage,
    idempotency_key: Option<String>,
    meta: &RequestMeta,
) -> CoreResult<Sent> {
    crate::authz::require(ctx, Action::ConversationsWork)?;
    let mut errs = FieldErrors::new();
    validate(&input.content, input.private_note, &mut errs);
    if input.mentions.len() > limits::MENTIONS {
        errs.add("mentions", format!("at most {}", limits::MENTIONS));
    }
    if idempotency_key
        .as_ref()
        .is_some_and(|k| k.is_empty() || k.len() > limits::IDEMPOTENCY_KEY)
    {
        errs.add(
            "idempotency_key",
            format!("1 to {} characters", limits::IDEMPOTENCY_KEY),
        );
    }
    errs.into_result()?;

    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let conv = visible_conversation(&tx, ctx, conversation_id).await?;
    if let Some(k) = &idempotency_key
        && let Some(m) = messages::find_by_idempotency_key(&tx, k).await?
    {
        tx.commit().await?;
        if m.conversation_id != conversation_id {
            return Err(CoreError::Conflict {
                code: "idempotency_key_reused",
                field: "Idempotency-Key".into(),
                message: "this Idempotency-Key was used for a message in another conversation".into(),
            });
        }
        return Ok(Sent {
            message: MessageView::of(core, &m),
            created: false,
        });
    }
    let channel = atende_db::repo::channels::get_any(&tx, conv.channel_id)
        .await?
        .ok_or(CoreError::NotFound)?;
    let mut kind = kind_of(&input.content);
    let mut payload = serde_json::to_value(&input.content).map_err(|e| CoreError::Internal(e.to_string()))?;
    let mut body = None;
    let mut media_ref = None;
    let mut reply_to_id = input.reply_to_id;

    if !input.private_note {
        if channel.deleted_at.is_some() {
            return Err(CoreError::Rejected(
                "channel_deleted",
                "this conversation's channel was removed".into(),
            ));
        }
        if channel.status == channel_status::ERROR {
            return Err(CoreError::Rejected(
                "channel_error",
                format!(
                    "the channel cannot send: {}",
                    channel.last_error.clone().unwrap_or_else(|| "it is in error".into())
                ),
            ));
        }
        let contact = contacts::get(&tx, conv.contact_id).await?;
        if contact.blocked {
            return Err(CoreError::Rejected("contact_blocked", "this contact is blocked".into()));
        }
        if has_window(&channel.kind) {
            check_outbound(kind, conv.last_inbound_at, Utc::now())
                .map_err(|e: WindowClosed| CoreError::Rejected(WindowClosed::CODE, e.to_string()))?;
        }
    }
    match &input.content {
        Content::Text { body: b } => body = Some(b.clone()),
        Content::Media { attachment_id, caption } => {
            let a = open_attachment(core, ctx.tenant_id, attachment_id)
                .ok_or_else(|| CoreError::field("attachment_id", "unknown or expired attachment"))?;
            kind = a.ty.parse().unwrap_or(MessageType::Document);
            body.clone_from(caption);
            payload = json!({ "type": "media", "caption": caption });
            media_ref = Some(MediaRef {
                object_key: Some(a.k),
                mime: Some(a.m),
                size: Some(a.s),
                file_name: a.n,
                sha256: Some(a.h),
            });
        }
        Content::Template {
            name,
            language,
            body: params,
            ..
        } => {
            let t = templates::find(&tx, channel.id, name, language).await?.ok_or_else(|| {
                CoreError::Rejected(
                    "template_not_found",
                    format!("no template {name} ({language}) on this channel: sync the templates"),
                )
            })?;
            if t.status != "APPROVED" {
                return Err(CoreError::Rejected(
                    "template_not_approved",
                    format!("template {name} is {} at WhatsApp", t.status),
                ));
            }
            body = super::templates::render_body(&t.components, params.as_ref());
            payload["parameter_format"] = t.components.get("parameter_format").cloned().unwrap_or(Value::Null);
            payload["parameter_order"] = json!(super::templates::placeholder_order(&t.components));
        }
        Content::Buttons { body: b, .. } | Content::List { body: b, .. } => body = Some(b.clone()),
        Content::Reaction { message_id, emoji } => {
            let target = messages::get(&tx, *message_id)
                .await
                .map_err(|_| CoreError::field("message_id", "no such message"))?;
            if target.conversation_id != conversation_id || target.provider_message_id.is_none() {
                return Err(CoreError::field(
                    "message_id",
                    "react to a delivered message of this conversation",
                ));
            }
            reply_to_id = Some(target.id);
            body.clone_from(emoji);
        }
    }
    if let Some(r) = input.reply_to_id {
        let target = messages::get(&tx, r)
            .await
            .map_err(|_| CoreError::field("reply_to_id", "no such message"))?;
        if target.conversation_id != conversation_id {
            return Err(CoreError::field("reply_to_id", "quote a message of this conversation"));
        }
    }
    for m in &input.mentions {
        match memberships::of_user(&tx, UserId(*m)).await? {
            Some(x) if x.active => {}
            _ => return Err(CoreError::field("mentions", "mention members of this workspace")),
        }
    }
    let me = ctx.user_id().map(UserId::uuid);
    let inserted = messages::insert(
        &tx,
        NewMessage {
            author_user_id: me,
            body,
            payload: Some(payload),
            media: media_ref,
            reply_to_id,
            status: (!input.private_note).then_some(atende_domain::MessageStatus::Queued),
            is_private_note: input.private_note,
            mentions: (!input.mentions.is_empty()).then(|| json!(input.mentions)),
            idempotency_key: idempotency_key.clone(),
            ..NewMessage::new(
                conversation_id,
                channel.id,
                if me.is_some() { Author::Agent } else { Author::Bot },
                kind,
            )
        },
    )
    .await?;
    if !inserted.created {
        tx.commit().await?;
        return Ok(Sent {
            message: MessageView::of(core, &inserted.message),
            created: false,
        });
    }
    let m = inserted.message;
    let mut taken = None;
    if !input.private_note {
        enqueue_delivery(core, &tx, m.id).await?;
        taken = super::lifecycle::take_on_reply(&tx, ctx, &conv, meta).await?;
    }
    // The audit trail names the message, never its text (bodies stay in `messages` only).
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new(
            if m.is_private_note {
                "messages.note"
            } else {
                "messages.send"
            },
            "message",
            m.id,
        )
        .after(&json!({ "conversation_id": conversation_id, "type": m.kind, "private_note": m.is_private_note })),
    )
    .await?;
    conversations::record_message(&tx, conversation_id, m.created_at, false).await?;
    // An agent's answer means the team now waits for the customer, unless it was only a note.
    tx.commit().await?;
    core.publish(vec![
        Event::new(EventKind::MessageCreated, ctx.tenant_id)
            .conversation(conversation_id)
            .message(m.id)
            .data(json!({ "direction": "outbound", "type": m.kind, "private_note": m.is_private_note })),
        Event::new(EventKind::ConversationUpdated, ctx.tenant_id).conversation(conversation_id),
    ])
    .await;
    if let Some(v) = &taken {
        super::conversations::publish_assignment(core, ctx, v).await;
    }
    Ok(Sent {
        message: MessageView::of(core, &m),
        created: true,
    })
}

pub(crate) async fn enqueue_delivery(core: &Core, tx: &atende_db::TenantTx, message_id: Uuid) -> CoreResult<()> {
    let job = NewJob {
        max_attempts: core.config.outbound_max_attempts,
        ..NewJob::new(
            queue::queue::OUTBOUND,
            DELIVER_KIND,
            json!({ "message_id": message_id }),
        )
    };
    queue::enqueue(tx, job).await?;
    Ok(())
}

/// Puts a failed message back in the queue (an agent pressed retry). The window is checked
/// again: a free-form reply that failed with 131047 stays failed until the customer writes.
///
/// # Errors
/// 404; 422 `message_not_failed`, `whatsapp_window_closed`.
pub async fn retry(
    core: &Core,
    ctx: &TenantCtx,
    conversation_id: Uuid,
    message_id: Uuid,
    meta: &RequestMeta,
) -> CoreResult<MessageView> {
    crate::authz::require(ctx, Action::ConversationsWork)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let conv = visible_conversation(&tx, ctx, conversation_id).await?;
    let m = messages::get(&tx, message_id).await?;
    if m.conversation_id != conversation_id {
        return Err(CoreError::NotFound);
    }
    let channel = atende_db::repo::channels::get_any(&tx, conv.channel_id)
        .await?
        .ok_or(CoreError::NotFound)?;
    if has_window(&channel.kind) {
        let kind: MessageType = m.kind.parse().unwrap_or(MessageType::Text);
        check_outbound(kind, conv.last_inbound_at, Utc::now())
            .map_err(|e| CoreError::Rejected(WindowClosed::CODE, e.to_string()))?;
    }
    if !messages::requeue_failed(&tx, message_id).await? {
        return Err(CoreError::Rejected(
            "message_not_failed",
            "only a failed message can be retried".into(),
        ));
    }
    enqueue_delivery(core, &tx, message_id).await?;
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("messages.retry", "message", message_id),
    )
    .await?;
    let m = messages::get(&tx, message_id).await?;
    tx.commit().await?;
    core.publish(vec![
        Event::new(EventKind::MessageStatusChanged, ctx.tenant_id)
            .conversation(conversation_id)
            .message(message_id)
            .data(json!({ "status": "queued" })),
    ])
    .await;
    Ok(MessageView::of(core, &m))
}

/// A conversation's messages, newest first; `before` pages back from a message id.
///
/// # Errors
/// 404; 422 for a bad limit.
pub async fn list(
    core: &Core,
    ctx: &TenantCtx,
    conversation_id: Uuid,
    limit: Option<u64>,
    before: Option<Uuid>,
) -> CoreResult<crate::views::Paged<MessageView>> {
    crate::authz::require(ctx, Action::ConversationsRead)?;
    let cursor = before.map(atende_db::page::encode_cursor);
    let page = crate::people::page_request(limit, cursor.as_deref())?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    visible_conversation(&tx, ctx, conversation_id).await?;
    let rows = messages::list_by_conversation(&tx, conversation_id, page).await?;
    tx.commit().await?;
    Ok(crate::views::Paged::from_page(rows, |m| MessageView::of(core, &m)))
}
