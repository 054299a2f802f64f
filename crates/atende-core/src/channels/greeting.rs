//! The welcome message (`settings.greeting`): sent once on every **new** conversation of a
//! channel that has one, whatever the channel.
//!
//! It goes the normal outbound path: an outbound message row (author `bot`, status `queued`)
//! and its `message.deliver` job, written in the transaction that creates the conversation, so
//! it is durable (a crash before the commit loses both, after it the job sends it), shown in the
//! thread as the bot's, and sent inside the 24-hour window the customer's message just opened.
//! A batch of deliveries creates its conversations set-based; their greetings go in with one
//! multi-row `INSERT` and their jobs with one more.
//!
//! Decisions (as Chatwoot and WhatsApp Business do):
//! - **new conversations only**: a resolved conversation reopened by the customer's message
//!   (within the channel's reopen window) gets no second greeting; a message after the window,
//!   which starts a new conversation, does;
//! - never twice: the message carries the idempotency key `greeting:<conversation id>`, unique
//!   per tenant, and a repeated webhook creates no conversation, so no greeting;
//! - a conversation opened by a provider's notice alone (the customer changed number) is not
//!   greeted: the customer wrote nothing and the window is not open;
//! - web chat stores it too (the agent sees what the visitor got); the widget shows the channel's
//!   greeting as an invitation only while the visitor's thread is empty, and the stored message
//!   replaces it once the visitor writes.

use crate::bus::{Event, EventKind};
use crate::inbox::send::DELIVER_KIND;
use atende_db::entities::channels::Model as Channel;
use atende_db::jobs::{self as queue, NewJob};
use atende_db::repo::messages::{self, NewMessage};
use atende_db::{DbError, TenantTx};
use atende_domain::{Author, MessageStatus, MessageType};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

/// The greeting a channel sends on new conversations, if it has a non-blank one.
#[must_use]
pub fn of(channel: &Channel) -> Option<&str> {
    channel
        .settings
        .get("greeting")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|g| !g.is_empty())
}

/// The idempotency key of a conversation's greeting.
#[must_use]
pub fn key(conversation_id: Uuid) -> String {
    format!("greeting:{conversation_id}")
}

/// A greeting stored and queued: its conversation and when it was written.
#[derive(Clone, Copy, Debug)]
pub struct Queued {
    pub conversation_id: Uuid,
    pub at: DateTime<Utc>,
}

/// Stores and queues the greeting of each new conversation `(conversation id, its channel)`
/// whose channel has one: one `INSERT` for the messages, one for their delivery jobs. Adds the
/// live screens' events to `out`.
///
/// # Errors
/// Database failure.
pub async fn queue_for_new(
    tx: &TenantTx,
    new_conversations: &[(Uuid, &Channel)],
    max_attempts: i32,
    out: &mut Vec<Event>,
) -> Result<Vec<Queued>, DbError> {
    let batch: Vec<NewMessage> = new_conversations
        .iter()
        .filter_map(|(conv, ch)| {
            let text = of(ch)?;
            Some(NewMessage {
                body: Some(text.to_owned()),
                payload: Some(json!({ "type": "text", "body": text, "greeting": true })),
                status: Some(MessageStatus::Queued),
                idempotency_key: Some(key(*conv)),
                ..NewMessage::new(*conv, ch.id, Author::Bot, MessageType::Text)
            })
        })
        .collect();
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let inserted = messages::insert_many(tx, batch).await?;
    let mut jobs = Vec::with_capacity(inserted.len());
    let mut queued = Vec::with_capacity(inserted.len());
    let tenant = tx.tenant_id();
    for ins in inserted.into_iter().filter(|i| i.created) {
        let m = ins.message;
        jobs.push(NewJob {
            max_attempts,
            ..NewJob::new(queue::queue::OUTBOUND, DELIVER_KIND, json!({ "message_id": m.id }))
        });
        out.push(
            Event::new(EventKind::MessageCreated, tenant)
                .conversation(m.conversation_id)
                .message(m.id)
                .data(json!({ "direction": "outbound", "type": m.kind, "private_note": false })),
        );
        queued.push(Queued {
            conversation_id: m.conversation_id,
            at: m.created_at,
        });
    }
    queue::enqueue_many(tx, jobs).await?;
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(settings: Value) -> Channel {
        Channel {
            id: Uuid::now_v7(),
            tenant_id: Uuid::now_v7(),
            kind: "whatsapp_cloud".into(),
            name: "x".into(),
            status: "connected".into(),
            last_error: None,
            credentials_enc: None,
            credentials_hint: None,
            external_id: None,
            public_token: None,
            settings,
            provider_error_code: None,
            provider_error_title: None,
            provider_error_at: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            deleted_at: None,
        }
    }

    #[test]
    fn a_blank_or_missing_greeting_sends_nothing() {
        assert_eq!(of(&channel(json!({ "greeting": "  Olá!  " }))), Some("Olá!"));
        assert_eq!(of(&channel(json!({ "greeting": "   " }))), None);
        assert_eq!(of(&channel(json!({}))), None);
        assert_eq!(of(&channel(json!({ "greeting": null }))), None);
    }
}
