//! The web-chat widget's visitor side: what a customer on a site can do through
//! `/api/v1/widget/...`.
//!
//! A visitor is anonymous until it writes: [`start`] hands out a **visitor token**
//! (`vst_{claims}.{hmac}`, signed with the installation's link key) naming a random visitor id,
//! the channel and its tenant. The token is the only credential; verifying it is an HMAC check,
//! never a lookup, so it cannot be guessed from ids and it cannot be moved to another channel.
//! The widget keeps it in the host page's `localStorage` and sends it back as a bearer token.
//!
//! The visitor becomes a contact with a `webchat` identity (external id = visitor id) on its
//! first message, or earlier when it fills in the pre-chat form. A phone or e-mail typed there
//! attaches the visitor to the contact that has it **only when that contact has no conversation
//! on this channel yet**: the data is unverified, and attaching to a contact with web-chat
//! history would let anyone who types a customer's number read that customer's conversation.
//! Otherwise the visitor gets a contact of its own and the claim is kept in its attributes
//! (`pre_chat_phone`) for an agent to merge.
//!
//! Messages go the inbound path of every channel, [`crate::messaging::inbound::record`]: the
//! reopen policy, an idempotent insert (per `client_id`), the counters, and the bus after the
//! commit. The visitor reads the latest conversation of its contact on
//! the channel, without private notes or system lines.
//!
//! # Layout
//! - this module: visitor tokens, sessions, reading, sending, uploads, typing.
//! - [`stream`]: the visitor's live feed (bus events of its conversation).

pub mod stream;

use crate::Core;
use crate::bus::{Event, EventKind};
use crate::error::{CoreError, CoreResult};
use crate::inbox::send::{Attachment, open_attachment, store_attachment};
use crate::messaging::inbound::{self, Inbound};
use atende_db::entities::channels::Model as Channel;
use atende_db::entities::contacts::Model as Contact;
use atende_db::entities::conversations::Model as Conversation;
use atende_db::entities::messages::Model as Message;
use atende_db::repo::channels::kind;
use atende_db::repo::contacts::{self, ContactPatch, NewContact};
use atende_db::repo::conversations;
use atende_db::repo::messages::{self, MediaRef, NewMessage};
use atende_db::{DbError, TenantTx};
use atende_domain::{Author, Email, FieldErrors, MessageType, PhoneE164, TenantId};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

const TOKEN_PREFIX: &str = "vst_";
/// Files a visitor may send: smaller than an agent's (anyone on the internet can upload).
pub const MAX_UPLOAD_BYTES: u64 = 10 * 1024 * 1024;

/// A visitor, as its signed token names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visitor {
    #[serde(rename = "v")]
    pub id: Uuid,
    #[serde(rename = "c")]
    pub channel_id: Uuid,
    #[serde(rename = "t")]
    pub tenant_id: Uuid,
}

fn invalid_token() -> CoreError {
    CoreError::Unauthorized(
        "invalid_visitor_token",
        "the visitor token is missing, invalid or for another widget; start a new session".into(),
    )
}

impl Visitor {
    /// The signed token (`vst_{claims}.{hmac}`).
    ///
    /// # Errors
    /// `Internal` if the claims cannot be encoded (they always can).
    pub fn token(&self, core: &Core) -> CoreResult<String> {
        let claims = serde_json::to_vec(self).map_err(|e| CoreError::Internal(e.to_string()))?;
        let body = URL_SAFE_NO_PAD.encode(claims);
        let sig = core.keys.sign(&format!("visitor\n{body}"));
        Ok(format!("{TOKEN_PREFIX}{body}.{sig}"))
    }

    /// Verifies a token (constant-time HMAC check, no database).
    ///
    /// # Errors
    /// 401 `invalid_visitor_token`.
    pub fn from_token(core: &Core, token: &str) -> CoreResult<Self> {
        let (body, sig) = token
            .strip_prefix(TOKEN_PREFIX)
            .and_then(|t| t.split_once('.'))
            .filter(|(b, s)| b.len() <= 512 && s.len() <= 128)
            .ok_or_else(invalid_token)?;
        if !core.keys.verify_signed(&format!("visitor\n{body}"), sig) {
            return Err(invalid_token());
        }
        let raw = URL_SAFE_NO_PAD.decode(body).map_err(|_| invalid_token())?;
        serde_json::from_slice(&raw).map_err(|_| invalid_token())
    }

    #[must_use]
    pub fn tenant(&self) -> TenantId {
        TenantId(self.tenant_id)
    }

    /// The external id of the visitor's `webchat` identity.
    #[must_use]
    pub fn external_id(&self) -> String {
        self.id.to_string()
    }

    fn default_name(&self) -> String {
        let hex = self.id.simple().to_string();
        format!("Visitante {}", &hex[hex.len() - 6..])
    }
}

/// What the widget shows of its channel.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WidgetChannel {
    pub name: String,
    /// Shown as the first line of the chat.
    pub greeting: Option<String>,
    /// Ask for name and e-mail or phone before the first message.
    pub pre_chat_form: bool,
}

impl WidgetChannel {
    fn of(c: &Channel) -> Self {
        Self {
            name: c.name.clone(),
            greeting: c.settings.get("greeting").and_then(Value::as_str).map(str::to_owned),
            pre_chat_form: c
                .settings
                .get("pre_chat_form")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        }
    }
}

/// What the visitor told us about itself.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct VisitorProfile {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// The visitor's current conversation.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct VisitorConversation {
    pub id: Uuid,
    /// `open`, `pending`, `waiting`, `resolved`, `archived`, `spam`.
    pub status: String,
}

impl VisitorConversation {
    fn of(c: &Conversation) -> Self {
        Self {
            id: c.id,
            status: c.status.clone(),
        }
    }
}

/// A started or resumed session.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WidgetSession {
    /// Send as `Authorization: Bearer <visitor_token>`; keep it (the widget uses `localStorage`).
    pub visitor_token: String,
    pub visitor_id: Uuid,
    /// The request's visitor token was valid and is kept (a returning visitor).
    pub resumed: bool,
    pub channel: WidgetChannel,
    /// `null` until the visitor writes or fills in the pre-chat form.
    pub profile: Option<VisitorProfile>,
    pub conversation: Option<VisitorConversation>,
}

/// The pre-chat form and the tokens of a session request.
#[derive(Clone, Debug, Default)]
pub struct StartSession {
    pub public_token: String,
    pub visitor_token: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// The parsed pre-chat form.
#[derive(Clone, Debug, Default)]
struct PreChat {
    name: Option<String>,
    email: Option<Email>,
    phone: Option<PhoneE164>,
}

impl PreChat {
    fn is_empty(&self) -> bool {
        self.name.is_none() && self.email.is_none() && self.phone.is_none()
    }
}

fn present(s: Option<&String>) -> Option<&str> {
    s.map(|s| s.trim()).filter(|s| !s.is_empty())
}

fn parse_pre_chat(input: &StartSession) -> CoreResult<PreChat> {
    let mut errs = FieldErrors::new();
    let name = present(input.name.as_ref()).and_then(|n| {
        errs.check(
            "name",
            atende_domain::values::parse_name(n, atende_domain::values::NAME_MAX),
        )
    });
    let email = present(input.email.as_ref()).and_then(|e| errs.check("email", Email::parse(e)));
    let phone = present(input.phone.as_ref()).and_then(|p| errs.check("phone", PhoneE164::parse(p)));
    if input.public_token.is_empty() || input.public_token.len() > 200 {
        errs.add("token", "the widget's public token (wct_…) is required");
    }
    errs.into_result()?;
    Ok(PreChat { name, email, phone })
}

/// The live web-chat channel a public token names.
///
/// # Errors
/// 404 for an unknown or deleted widget.
pub async fn channel_by_public_token(core: &Core, token: &str) -> CoreResult<Channel> {
    let tx = core.db.platform_tx().await?;
    let ch = atende_db::repo::channels::find_by_public_token(&tx, token).await?;
    tx.commit().await?;
    ch.filter(|c| c.kind == kind::WEBCHAT).ok_or(CoreError::NotFound)
}

/// The visitor's channel, still live.
///
/// # Errors
/// 401 `invalid_visitor_token` when the channel was deleted.
pub async fn channel_of(core: &Core, v: &Visitor) -> CoreResult<Channel> {
    let tx = core.db.tenant_tx(v.tenant()).await?;
    let ch = atende_db::repo::channels::get(&tx, v.channel_id).await;
    tx.commit().await?;
    match ch {
        Ok(c) if c.kind == kind::WEBCHAT => Ok(c),
        Ok(_) | Err(DbError::NotFound) => Err(invalid_token()),
        Err(e) => Err(e.into()),
    }
}

/// `scheme://host[:port]` in lower case, without a trailing slash or path.
fn normalize_origin(o: &str) -> String {
    let o = o.trim().trim_end_matches('/').to_ascii_lowercase();
    match o.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.split('/').next().unwrap_or(rest);
            let host = match (scheme, host.rsplit_once(':')) {
                ("https", Some((h, "443"))) | ("http", Some((h, "80"))) => h,
                _ => host,
            };
            format!("{scheme}://{host}")
        }
        None => o,
    }
}

/// Whether a browser page at `origin` may use this widget: the channel's `allowed_origins`
/// (empty: any), plus this installation's own address (the demo page). No `Origin` header
/// means no browser page is involved (a server, curl), which CORS does not concern.
#[must_use]
pub fn origin_allowed(core: &Core, ch: &Channel, origin: Option<&str>) -> bool {
    let Some(origin) = origin else {
        return true;
    };
    let allowed: Vec<&str> = ch
        .settings
        .get("allowed_origins")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if allowed.is_empty() {
        return true;
    }
    let o = normalize_origin(origin);
    o == normalize_origin(&core.config.public_url) || allowed.iter().any(|a| normalize_origin(a) == o)
}

fn origin_refused() -> CoreError {
    CoreError::Forbidden(
        "origin_not_allowed",
        "this site is not among the widget's allowed origins".into(),
    )
}

/// Checks the page's origin against the visitor's channel.
///
/// # Errors
/// 401 for a deleted channel; 403 `origin_not_allowed`.
pub async fn check_origin(core: &Core, v: &Visitor, origin: Option<&str>) -> CoreResult<Channel> {
    let ch = channel_of(core, v).await?;
    if origin_allowed(core, &ch, origin) {
        Ok(ch)
    } else {
        Err(origin_refused())
    }
}

/// Starts a session, or resumes one with the visitor token the widget kept; a filled-in
/// pre-chat form creates or completes the visitor's contact.
///
/// # Errors
/// 422 for bad pre-chat fields; 404 for an unknown widget; 403 `origin_not_allowed`;
/// 401 `invalid_visitor_token` for a forged token or one of another widget.
pub async fn start(core: &Core, origin: Option<&str>, input: StartSession) -> CoreResult<WidgetSession> {
    let pre = parse_pre_chat(&input)?;
    let ch = channel_by_public_token(core, &input.public_token).await?;
    if !origin_allowed(core, &ch, origin) {
        return Err(origin_refused());
    }
    let (visitor, resumed) = match present(input.visitor_token.as_ref()) {
        Some(t) => {
            let v = Visitor::from_token(core, t)?;
            if v.channel_id != ch.id || v.tenant_id != ch.tenant_id {
                return Err(invalid_token());
            }
            (v, true)
        }
        None => (
            Visitor {
                id: Uuid::now_v7(),
                channel_id: ch.id,
                tenant_id: ch.tenant_id,
            },
            false,
        ),
    };
    let tx = core.db.tenant_tx(visitor.tenant()).await?;
    let contact = if pre.is_empty() {
        contacts::find_by_identity(&tx, kind::WEBCHAT, &visitor.external_id()).await?
    } else {
        tx.lock(&widget_lock(&visitor)).await?;
        Some(resolve_contact(&tx, &ch, &visitor, &pre).await?)
    };
    let conversation = match &contact {
        Some(c) => conversations::latest_for(&tx, c.id, ch.id).await?,
        None => None,
    };
    tx.commit().await?;
    Ok(WidgetSession {
        visitor_token: visitor.token(core)?,
        visitor_id: visitor.id,
        resumed,
        channel: WidgetChannel::of(&ch),
        profile: contact.map(|c| VisitorProfile {
            name: c.name,
            email: c.email,
            phone: c.phone_e164,
        }),
        conversation: conversation.as_ref().map(VisitorConversation::of),
    })
}

fn widget_lock(v: &Visitor) -> String {
    format!("ingest:{}:{}", v.channel_id, v.id)
}

/// The visitor's contact, created (or attached, see the module docs) if it has none yet, and
/// completed with what the pre-chat form adds.
async fn resolve_contact(tx: &TenantTx, ch: &Channel, v: &Visitor, pre: &PreChat) -> Result<Contact, DbError> {
    let external = v.external_id();
    if let Some(c) = contacts::find_by_identity(tx, kind::WEBCHAT, &external).await? {
        return complete_profile(tx, c, v, pre).await;
    }
    let by_phone = match &pre.phone {
        Some(p) => contacts::find_by_phone(tx, p).await?,
        None => None,
    };
    let owner = match (&by_phone, &pre.email) {
        (Some(c), _) => Some(c.clone()),
        (None, Some(e)) => contacts::find_by_email(tx, e).await?,
        (None, None) => None,
    };
    if let Some(owner) = owner
        && conversations::latest_for(tx, owner.id, ch.id).await?.is_none()
    {
        let c = contacts::link_identity(tx, owner.id, kind::WEBCHAT, &external).await?;
        return complete_profile(tx, c, v, pre).await;
    }
    let claimed_phone = by_phone.is_some().then(|| pre.phone.clone()).flatten();
    let new = NewContact {
        name: pre.name.clone().unwrap_or_else(|| v.default_name()),
        phone: if claimed_phone.is_some() {
            None
        } else {
            pre.phone.clone()
        },
        email: pre.email.clone(),
        attributes: claimed_phone.map(|p| json!({ "pre_chat_phone": p.as_str() })),
        ..NewContact::default()
    };
    let c = contacts::create(tx, new).await?;
    contacts::link_identity(tx, c.id, kind::WEBCHAT, &external).await
}

/// Fills what the contact lacks from the pre-chat form; never overwrites what an agent or
/// another channel recorded, except the placeholder name.
async fn complete_profile(tx: &TenantTx, c: Contact, v: &Visitor, pre: &PreChat) -> Result<Contact, DbError> {
    let mut patch = ContactPatch::default();
    if let Some(n) = &pre.name
        && (c.name.is_empty() || c.name == v.default_name())
    {
        patch.name = Some(n.clone());
    }
    if c.email.is_none()
        && let Some(e) = &pre.email
    {
        patch.email = Some(Some(e.clone()));
    }
    if c.phone_e164.is_none()
        && let Some(p) = &pre.phone
        && contacts::find_by_phone(tx, p).await?.is_none()
    {
        patch.phone = Some(Some(p.clone()));
    }
    if patch.name.is_none() && patch.email.is_none() && patch.phone.is_none() {
        return Ok(c);
    }
    contacts::update(tx, c, patch).await
}

/// A file of a message, with a signed link that expires.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct VisitorMedia {
    pub url: Option<String>,
    pub mime: Option<String>,
    pub size: Option<i64>,
    pub file_name: Option<String>,
}

/// A message as the visitor sees it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct VisitorMessage {
    pub id: Uuid,
    /// `visitor` (sent by the visitor) or `agent` (an agent or a bot of the company).
    pub from: String,
    /// `text`, `image`, `audio`, `video`, `document`, `template`, `interactive`, …
    #[serde(rename = "type")]
    pub kind: String,
    pub body: Option<String>,
    pub media: Option<VisitorMedia>,
    /// Outbound only: `queued`, `sent`, `delivered`, `read`, `failed`.
    pub status: Option<String>,
    /// The `client_id` the widget sent with it, to match its optimistic bubble.
    pub client_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Whether the visitor may see a message: never private notes or system lines.
fn visible(m: &Message) -> bool {
    !m.is_private_note && m.kind != MessageType::System.as_str() && m.author_kind != Author::System.as_str()
}

impl VisitorMessage {
    fn of(core: &Core, m: &Message) -> Self {
        let media = (m.media_object_key.is_some() || m.media_mime.is_some()).then(|| VisitorMedia {
            url: crate::media::link_of(core, m),
            mime: m.media_mime.clone(),
            size: m.media_size,
            file_name: m.media_file_name.clone(),
        });
        let inbound = m.author_kind == Author::Contact.as_str();
        Self {
            id: m.id,
            from: if inbound { "visitor" } else { "agent" }.into(),
            kind: m.kind.clone(),
            body: m.body.clone(),
            media,
            status: if inbound { None } else { m.status.clone() },
            client_id: m
                .payload
                .as_ref()
                .and_then(|p| p.get("client_id"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            created_at: m.created_at,
        }
    }
}

/// A page of the visitor's conversation, newest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct VisitorMessages {
    pub conversation: Option<VisitorConversation>,
    pub items: Vec<VisitorMessage>,
    /// Pass as `before` for older messages; `null` at the start.
    pub next_cursor: Option<Uuid>,
}

/// The visitor's latest conversation on its channel.
async fn current_conversation(tx: &TenantTx, v: &Visitor) -> Result<Option<Conversation>, DbError> {
    match contacts::find_by_identity(tx, kind::WEBCHAT, &v.external_id()).await? {
        Some(c) => conversations::latest_for(tx, c.id, v.channel_id).await,
        None => Ok(None),
    }
}

/// The visitor's conversation, newest first; `before` pages back from a message id.
///
/// # Errors
/// 422 for a bad limit.
pub async fn messages(
    core: &Core,
    v: &Visitor,
    limit: Option<u64>,
    before: Option<Uuid>,
) -> CoreResult<VisitorMessages> {
    let limit = limit.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return Err(CoreError::field("limit", "between 1 and 100"));
    }
    let cursor = before.map(atende_db::page::encode_cursor);
    let page = crate::people::page_request(Some(limit), cursor.as_deref())?;
    let tx = core.db.tenant_tx(v.tenant()).await?;
    let Some(conv) = current_conversation(&tx, v).await? else {
        tx.commit().await?;
        return Ok(VisitorMessages {
            conversation: None,
            items: Vec::new(),
            next_cursor: None,
        });
    };
    let rows = messages::list_by_conversation(&tx, conv.id, page).await?;
    tx.commit().await?;
    let next_cursor = rows.next_cursor.as_ref().and_then(|_| rows.items.last().map(|m| m.id));
    Ok(VisitorMessages {
        conversation: Some(VisitorConversation::of(&conv)),
        items: rows
            .items
            .iter()
            .filter(|m| visible(m))
            .map(|m| VisitorMessage::of(core, m))
            .collect(),
        next_cursor,
    })
}

/// What a visitor sends: text, or a file uploaded first (with an optional caption).
#[derive(Clone, Debug, Default)]
pub struct VisitorSend {
    pub body: Option<String>,
    pub attachment_id: Option<String>,
    /// The widget's id for the message: a retry with the same id stores nothing new.
    pub client_id: Option<String>,
}

/// Stores the visitor's message as an inbound message of its conversation (opened or reopened
/// by the channel's reopen policy) and tells the agents' screens.
///
/// # Errors
/// 422 for an empty or too long text, an unknown attachment, a bad `client_id`;
/// 403 `contact_blocked`.
pub async fn send(core: &Core, v: &Visitor, ch: &Channel, input: VisitorSend) -> CoreResult<VisitorMessage> {
    let mut errs = FieldErrors::new();
    let body = input.body.filter(|b| !b.trim().is_empty());
    if body.as_ref().is_some_and(|b| b.chars().count() > 4096) {
        errs.add("body", "must have at most 4096 characters");
    }
    if body.is_none() && input.attachment_id.is_none() {
        errs.add("body", "write a message or attach a file");
    }
    let client_id = input.client_id.filter(|c| !c.is_empty());
    if client_id
        .as_ref()
        .is_some_and(|c| c.len() > 64 || !c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    {
        errs.add("client_id", "1 to 64 letters, digits, - or _");
    }
    let attachment = match &input.attachment_id {
        Some(a) => {
            let claims = open_attachment(core, v.tenant(), a);
            if claims.is_none() {
                errs.add("attachment_id", "unknown or expired attachment");
            }
            claims
        }
        None => None,
    };
    errs.into_result()?;

    let (kind, media) = match attachment {
        Some(a) => (
            a.ty.parse().unwrap_or(MessageType::Document),
            Some(MediaRef {
                object_key: Some(a.k),
                mime: Some(a.m),
                size: Some(a.s),
                file_name: a.n,
                sha256: Some(a.h),
            }),
        ),
        None => (MessageType::Text, None),
    };
    let tx = core.db.tenant_tx(v.tenant()).await?;
    tx.lock(&widget_lock(v)).await?;
    let contact = resolve_contact(&tx, ch, v, &PreChat::default()).await?;
    if contact.blocked {
        return Err(CoreError::Forbidden(
            "contact_blocked",
            "this conversation is closed to new messages".into(),
        ));
    }
    let mut out = Vec::new();
    let now = Utc::now();
    let item = Inbound {
        channel: ch.clone(),
        contact_id: contact.id,
        message: NewMessage {
            body,
            payload: client_id.as_ref().map(|c| json!({ "client_id": c })),
            media,
            provider_message_id: client_id.as_ref().map(|c| format!("web-{}-{c}", v.id.simple())),
            provider_timestamp: Some(now),
            ..NewMessage::new(Uuid::nil(), ch.id, Author::Contact, kind)
        },
        at: now,
        customer_wrote: true,
    };
    let recorded = inbound::record(&tx, vec![item], now, core.config.outbound_max_attempts, &mut out)
        .await?
        .pop()
        .ok_or(CoreError::NotFound)?;
    tx.commit().await?;
    core.publish(out).await;
    if recorded.created {
        metrics::counter!("atende_widget_messages_total").increment(1);
    }
    Ok(VisitorMessage::of(core, &recorded.message))
}

/// Stores a visitor's file (within [`MAX_UPLOAD_BYTES`] and the per-type limits) and returns
/// the attachment id to send it with.
///
/// # Errors
/// 422 for an empty or oversized file.
pub async fn upload(
    core: &Core,
    v: &Visitor,
    bytes: Bytes,
    mime: Option<&str>,
    file_name: Option<&str>,
) -> CoreResult<Attachment> {
    if bytes.len() as u64 > MAX_UPLOAD_BYTES {
        return Err(CoreError::field(
            "file",
            format!("a file may have at most {} MB", MAX_UPLOAD_BYTES / (1024 * 1024)),
        ));
    }
    store_attachment(core, v.tenant(), bytes, mime, file_name).await
}

/// Tells the agents watching the visitor's conversation that it is typing (or stopped).
/// Nothing happens before the visitor's first message (no conversation to show it in).
///
/// # Errors
/// Database failure.
pub async fn typing(core: &Core, v: &Visitor, on: bool) -> CoreResult<()> {
    let tx = core.db.tenant_tx(v.tenant()).await?;
    let conv = current_conversation(&tx, v).await?;
    tx.commit().await?;
    if let Some(c) = conv {
        core.publish(vec![
            Event::new(EventKind::Typing, v.tenant())
                .conversation(c.id)
                .data(json!({ "contact": true, "on": on })),
        ])
        .await;
    }
    Ok(())
}

/// The public token of the widget `/demo/widget` shows: the first web-chat channel of the
/// demo tenant (created on a first start), or `None` when there is none.
///
/// # Errors
/// Database failure.
pub async fn demo_token(core: &Core) -> CoreResult<Option<String>> {
    let tx = core.db.platform_tx().await?;
    let tenant = atende_db::repo::tenants::by_slug(&tx, crate::people::bootstrap::DEMO_SLUG).await?;
    tx.commit().await?;
    let Some(tenant) = tenant else {
        return Ok(None);
    };
    let tx = core.db.tenant_tx(TenantId(tenant.id)).await?;
    let page = crate::people::page_request(Some(1), None)?;
    let rows = atende_db::repo::channels::list(&tx, page, Some(kind::WEBCHAT)).await?;
    tx.commit().await?;
    Ok(rows.items.into_iter().find_map(|c| c.public_token))
}
