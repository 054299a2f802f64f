//! Builders for the messaging tables: a tenant with a channel, a contact, a conversation, a
//! message, a tag and a routed webhook delivery.

use crate::fixtures;
use atende_db::Db;
use atende_db::repo::{channels, contacts, conversations, messages, tags, webhook_events};
use atende_domain::{Author, MessageType, PhoneE164, TenantId};
use uuid::Uuid;

/// One tenant's messaging rows.
pub struct Inbox {
    pub tenant: TenantId,
    pub channel: Uuid,
    pub contact: Uuid,
    pub conversation: Uuid,
    pub message: Uuid,
    pub tag: Uuid,
    pub webhook_event: Uuid,
}

/// A WhatsApp channel with `external_id` (the phone number id).
pub fn whatsapp(name: &str, external_id: &str) -> channels::NewChannel {
    channels::NewChannel {
        kind: channels::kind::WHATSAPP_CLOUD,
        name: name.to_owned(),
        status: channels::status::CONNECTED,
        credentials_enc: Some("enc:v1:opaque".into()),
        credentials_hint: Some("****4321".into()),
        external_id: Some(external_id.to_owned()),
        public_token: None,
        settings: serde_json::json!({ "reopen_window_hours": 24 }),
    }
}

/// A contact with a phone.
pub fn contact(name: &str, phone: &str) -> contacts::NewContact {
    contacts::NewContact {
        name: name.to_owned(),
        phone: Some(PhoneE164::parse(phone).unwrap()),
        ..contacts::NewContact::default()
    }
}

/// An inbound text with a provider id.
pub fn inbound(conversation: Uuid, channel: Uuid, wamid: &str, body: &str) -> messages::NewMessage {
    messages::NewMessage {
        body: Some(body.to_owned()),
        provider_message_id: Some(wamid.to_owned()),
        ..messages::NewMessage::new(conversation, channel, Author::Contact, MessageType::Text)
    }
}

/// An outbound text by an agent, queued.
pub fn outbound(conversation: Uuid, channel: Uuid, body: &str) -> messages::NewMessage {
    messages::NewMessage {
        body: Some(body.to_owned()),
        status: Some(atende_domain::MessageStatus::Queued),
        ..messages::NewMessage::new(conversation, channel, Author::Agent, MessageType::Text)
    }
}

/// A tenant with one of each messaging row. `n` keeps phone number ids distinct per tenant.
pub async fn inbox(db: &Db, slug: &str, n: u8) -> Inbox {
    let tenant = fixtures::tenant(db, slug).await;
    let tx = db.tenant_tx(tenant).await.unwrap();
    let channel = channels::create(&tx, whatsapp("Vendas", &format!("10000000000{n}")))
        .await
        .unwrap();
    let wa_id = format!("551198765432{n}");
    let contact =
        contacts::find_or_create_by_identity(&tx, channels::kind::WHATSAPP_CLOUD, &wa_id, contact("Maria", &wa_id))
            .await
            .unwrap()
            .contact;
    let conversation = conversations::create(&tx, conversations::NewConversation::open(channel.id, contact.id))
        .await
        .unwrap();
    let message = messages::insert(
        &tx,
        inbound(conversation.id, channel.id, &format!("wamid.{slug}"), "Oi"),
    )
    .await
    .unwrap()
    .message;
    let tag = tags::create(&tx, "vip", None).await.unwrap();
    tags::tag_conversation(&tx, conversation.id, tag.id).await.unwrap();
    tags::set_contact_tags(&tx, contact.id, &[tag.id]).await.unwrap();
    tx.commit().await.unwrap();
    let tx = db.platform_tx().await.unwrap();
    let event = webhook_events::insert(
        &tx,
        webhook_events::NewWebhookEvent {
            provider: channels::kind::WHATSAPP_CLOUD,
            channel_id: Some(channel.id),
            tenant_id: Some(tenant),
            raw_body: br#"{"object":"whatsapp_business_account"}"#.to_vec(),
            headers: serde_json::json!({ "x-hub-signature-256": "sha256=00" }),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    Inbox {
        tenant,
        channel: channel.id,
        contact: contact.id,
        conversation: conversation.id,
        message: message.id,
        tag: tag.id,
        webhook_event: event.id,
    }
}
