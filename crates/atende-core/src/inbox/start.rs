//! Starting a conversation with an approved template — the only way a business may write first
//! on WhatsApp (outside the 24-hour window only templates go).
//!
//! `POST /conversations` with a channel, a contact (by id) or a phone number (a new contact if
//! nobody has it), and the template with its parameters. In one transaction: the contact is
//! found or created, the contact's conversation on the channel is reused when it is still being
//! worked (`open`, `pending`, `waiting`) or a new one is opened — assigned to whoever started it
//! (they are the one waiting for the answer, as in Chatwoot) and in the channel's default team —
//! and the template goes the normal outbound path (a queued message and its `message.deliver`
//! job). An `Idempotency-Key` makes a retried request return the first one's conversation and
//! message instead of sending twice.
//!
//! The customer's reply then lands in this conversation (the inbound path continues the
//! contact's working conversation), opening the window for free-form messages.

use super::{ConversationView, MessageView, conversation_views, visible_conversation};
use crate::Core;
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::authz::require;
use crate::bus::{Event, EventKind};
use crate::error::{CoreError, CoreResult};
use atende_db::TenantTx;
use atende_db::entities::channels::Model as Channel;
use atende_db::entities::contacts::Model as Contact;
use atende_db::repo::channels::kind;
use atende_db::repo::contacts::{self, NewContact};
use atende_db::repo::conversations::{self, NewConversation};
use atende_db::repo::messages::{self, NewMessage};
use atende_db::repo::templates;
use atende_domain::{
    Action, Author, ConversationStatus, FieldErrors, MessageStatus, MessageType, PhoneE164, TenantCtx, UserId,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

/// The template to open with. `body` and `header` parameters are positional (`["Ana"]`) or named
/// (`{"nome": "Ana"}`), as in a template message.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartTemplate {
    #[schema(min_length = 1, max_length = 512)]
    pub name: String,
    /// `pt_BR`, `en_US` …
    #[schema(min_length = 1, max_length = 20)]
    pub language: String,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub header: Option<Value>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub body: Option<Value>,
    #[serde(default)]
    pub buttons: Vec<super::send::TemplateButtonParam>,
}

/// Whom to write to, on which channel, with which template. Give `contact_id` or `phone`.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartConversation {
    /// A WhatsApp channel of the workspace.
    pub channel_id: Uuid,
    /// An existing contact (with a phone number).
    #[serde(default)]
    pub contact_id: Option<Uuid>,
    /// A number as people write it (`(11) 98765-4321`, `+55 11 98765-4321`): Brazilian when it
    /// has no country code. Its contact is found, or created.
    #[serde(default)]
    #[schema(max_length = 40)]
    pub phone: Option<String>,
    /// The new contact's name (ignored for a known one); the number when absent.
    #[serde(default)]
    #[schema(max_length = 120)]
    pub name: Option<String>,
    pub template: StartTemplate,
}

/// What `POST /conversations` did.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Started {
    pub conversation: ConversationView,
    /// The template message, `queued` until the channel sends it.
    pub message: MessageView,
    /// Whether the conversation was opened by this request (`false`: the contact's working
    /// conversation was reused, or the `Idempotency-Key` named an earlier request).
    pub conversation_created: bool,
    /// `false`: the `Idempotency-Key` named an earlier request; nothing was sent again.
    pub created: bool,
}

fn check(input: &StartConversation, key: Option<&str>) -> CoreResult<Option<PhoneE164>> {
    let mut errs = FieldErrors::new();
    let t = &input.template;
    for (field, text, max) in [("template.name", &t.name, 512), ("template.language", &t.language, 20)] {
        if text.trim().is_empty() {
            errs.add(field, "must not be empty");
        } else if text.chars().count() > max {
            errs.add(field, format!("must have at most {max} characters"));
        }
    }
    let phone = match (&input.contact_id, &input.phone) {
        (Some(_), Some(_)) => {
            errs.add("phone", "give contact_id or phone, not both");
            None
        }
        (None, None) => {
            errs.add("contact_id", "give contact_id or phone");
            None
        }
        (None, Some(p)) => errs.check("phone", PhoneE164::parse(p)),
        (Some(_), None) => None,
    };
    if input.name.as_ref().is_some_and(|n| n.chars().count() > 120) {
        errs.add("name", "must have at most 120 characters");
    }
    if key.is_some_and(|k| k.is_empty() || k.len() > 200) {
        errs.add("idempotency_key", "1 to 200 characters");
    }
    errs.into_result()?;
    Ok(phone)
}

/// # Errors
/// 422 for bad fields, a channel that is not WhatsApp, an unknown or unapproved template, a
/// contact without a phone or blocked; 404 for a channel of another workspace; 409
/// `conversation_elsewhere` when the contact's working conversation is one the agent cannot see.
pub async fn start(
    core: &Core,
    ctx: &TenantCtx,
    input: StartConversation,
    idempotency_key: Option<String>,
    meta: &RequestMeta,
) -> CoreResult<Started> {
    require(ctx, Action::ConversationsWork)?;
    let phone = check(&input, idempotency_key.as_deref())?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    if let Some(k) = &idempotency_key
        && let Some(m) = messages::find_by_idempotency_key(&tx, k).await?
    {
        let conv = visible_conversation(&tx, ctx, m.conversation_id).await?;
        let view = conversation_views(&tx, vec![conv])
            .await?
            .pop()
            .ok_or(CoreError::NotFound)?;
        tx.commit().await?;
        return Ok(Started {
            conversation: view,
            message: MessageView::of(core, &m),
            conversation_created: false,
            created: false,
        });
    }
    let channel = atende_db::repo::channels::get(&tx, input.channel_id).await?;
    if channel.kind != kind::WHATSAPP_CLOUD {
        return Err(CoreError::field(
            "channel_id",
            "conversations start with a template on WhatsApp channels only",
        ));
    }
    if channel.status == atende_db::repo::channels::status::ERROR {
        return Err(CoreError::Rejected(
            "channel_error",
            format!(
                "the channel cannot send: {}",
                channel.last_error.clone().unwrap_or_else(|| "it is in error".into())
            ),
        ));
    }
    let t = &input.template;
    let stored = templates::find(&tx, channel.id, &t.name, &t.language)
        .await?
        .ok_or_else(|| {
            CoreError::Rejected(
                "template_not_found",
                format!(
                    "no template {} ({}) on this channel: sync the templates",
                    t.name, t.language
                ),
            )
        })?;
    if stored.status != "APPROVED" {
        return Err(CoreError::Rejected(
            "template_not_approved",
            format!("template {} is {} at WhatsApp", t.name, stored.status),
        ));
    }
    let contact = contact_for(&tx, &channel, input.contact_id, phone, input.name.as_deref()).await?;
    let (conv, conversation_created) = conversation_for(&tx, ctx, &channel, &contact).await?;

    let mut payload = json!({
        "type": "template",
        "name": t.name,
        "language": t.language,
        "header": t.header,
        "body": t.body,
        "buttons": t.buttons,
    });
    payload["parameter_format"] = stored
        .components
        .get("parameter_format")
        .cloned()
        .unwrap_or(Value::Null);
    payload["parameter_order"] = json!(super::templates::placeholder_order(&stored.components));
    let me = ctx.user_id().map(UserId::uuid);
    let m = messages::insert(
        &tx,
        NewMessage {
            author_user_id: me,
            body: super::templates::render_body(&stored.components, t.body.as_ref()),
            payload: Some(payload),
            status: Some(MessageStatus::Queued),
            idempotency_key: idempotency_key.clone(),
            ..NewMessage::new(
                conv.id,
                channel.id,
                if me.is_some() { Author::Agent } else { Author::Bot },
                MessageType::Template,
            )
        },
    )
    .await?
    .message;
    super::send::enqueue_delivery(core, &tx, m.id).await?;
    let conv = conversations::record_message(&tx, conv.id, m.created_at, false).await?;
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("conversations.start", "conversation", conv.id).after(&json!({
            "channel_id": channel.id,
            "contact_id": contact.id,
            "template": t.name,
            "message_id": m.id,
            "conversation_created": conversation_created,
        })),
    )
    .await?;
    let view = conversation_views(&tx, vec![conv])
        .await?
        .pop()
        .ok_or(CoreError::NotFound)?;
    tx.commit().await?;
    let mut events = Vec::new();
    if conversation_created {
        events.push(Event::new(EventKind::ConversationCreated, ctx.tenant_id).conversation(view.id));
    }
    events.push(
        Event::new(EventKind::MessageCreated, ctx.tenant_id)
            .conversation(view.id)
            .message(m.id)
            .data(json!({ "direction": "outbound", "type": m.kind, "private_note": false })),
    );
    events.push(Event::new(EventKind::ConversationUpdated, ctx.tenant_id).conversation(view.id));
    core.publish(events).await;
    Ok(Started {
        conversation: view,
        message: MessageView::of(core, &m),
        conversation_created,
        created: true,
    })
}

/// The contact by id (it must have a number and not be blocked), or by phone — created with
/// its WhatsApp identity when nobody has that number.
async fn contact_for(
    tx: &TenantTx,
    channel: &Channel,
    contact_id: Option<Uuid>,
    phone: Option<PhoneE164>,
    name: Option<&str>,
) -> CoreResult<Contact> {
    let contact = match (contact_id, phone) {
        (Some(id), _) => match contacts::get(tx, id).await {
            Ok(c) => c,
            Err(atende_db::DbError::NotFound) => return Err(CoreError::field("contact_id", "no such contact")),
            Err(e) => return Err(e.into()),
        },
        (None, Some(phone)) => {
            // Serialized with the inbound path of the same number: one contact, one conversation.
            tx.lock(&format!("ingest:{}:{}", channel.id, phone.wa_id())).await?;
            match contacts::find_by_phone(tx, &phone).await? {
                Some(c) => c,
                None => {
                    let name = name
                        .map(str::trim)
                        .filter(|n| !n.is_empty())
                        .map_or_else(|| phone.as_str().to_owned(), str::to_owned);
                    let new = NewContact {
                        name,
                        phone: Some(phone.clone()),
                        ..NewContact::default()
                    };
                    contacts::resolve_identities(tx, &channel.kind, vec![(phone.wa_id().to_owned(), new)])
                        .await?
                        .into_values()
                        .next()
                        .ok_or(CoreError::NotFound)?
                        .contact
                }
            }
        }
        (None, None) => return Err(CoreError::field("contact_id", "give contact_id or phone")),
    };
    if contact.phone_e164.is_none() {
        let identities = contacts::identities_of(tx, contact.id).await?;
        if !identities.iter().any(|i| i.channel_kind == channel.kind) {
            return Err(CoreError::field("contact_id", "this contact has no WhatsApp number"));
        }
    }
    if contact.blocked {
        return Err(CoreError::Rejected("contact_blocked", "this contact is blocked".into()));
    }
    Ok(contact)
}

/// The contact's working conversation on the channel, or a new one assigned to the starter.
async fn conversation_for(
    tx: &TenantTx,
    ctx: &TenantCtx,
    channel: &Channel,
    contact: &Contact,
) -> CoreResult<(atende_db::entities::conversations::Model, bool)> {
    let latest = conversations::latest_for_many(tx, channel.id, &[contact.id]).await?;
    if let Some(c) = latest.get(&contact.id)
        && c.status
            .parse::<ConversationStatus>()
            .is_ok_and(ConversationStatus::is_active)
    {
        return match visible_conversation(tx, ctx, c.id).await {
            Ok(c) => Ok((c, false)),
            Err(CoreError::NotFound) => Err(CoreError::Conflict {
                code: "conversation_elsewhere",
                field: "contact_id".into(),
                message: "this contact already has an open conversation handled by another team".into(),
            }),
            Err(e) => Err(e),
        };
    }
    let team = crate::messaging::inbound::default_team(tx, channel).await?;
    let c = conversations::create(
        tx,
        NewConversation {
            assignee_id: ctx.user_id().map(UserId::uuid),
            team_id: team,
            ..NewConversation::open(channel.id, contact.id)
        },
    )
    .await?;
    Ok((c, true))
}
