//! The visitor's live feed: the bus's events, filtered to the visitor's conversations and turned
//! into what the widget shows — a message (an agent's reply, or the visitor's own from another
//! tab), a status change, an agent typing, or "resync" when events may have been missed.
//!
//! The filter is a set of conversation ids. A conversation joins it when it is the visitor's at
//! the start, or when a `conversation.created` event names a conversation of the visitor's
//! contact on its channel (its first message, or a new conversation after the reopen window) —
//! the only events that cost a lookup; everything else of the tenant is dropped by id.

use super::{Visitor, VisitorConversation, VisitorMessage, visible};
use crate::Core;
use crate::bus::{EventKind, RecvError, Subscription};
use atende_db::repo::channels::kind;
use atende_db::repo::{contacts, conversations, messages};
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

/// What the widget is told.
#[derive(Clone, Debug)]
pub enum WidgetEvent {
    /// A new or changed message of the conversation.
    Message(VisitorMessage),
    /// The conversation's status changed (resolved, reopened …).
    Conversation(VisitorConversation),
    /// An agent started or stopped typing.
    Typing { on: bool },
    /// Events may have been missed (the feed fell behind or the bus reconnected): refetch.
    Resync,
}

impl WidgetEvent {
    /// The SSE event name.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Message(_) => "message",
            Self::Conversation(_) => "conversation",
            Self::Typing { .. } => "typing",
            Self::Resync => "resync",
        }
    }

    /// The SSE data line (JSON).
    #[must_use]
    pub fn data(&self) -> String {
        let v = match self {
            Self::Message(m) => serde_json::to_value(m).unwrap_or(Value::Null),
            Self::Conversation(c) => serde_json::to_value(c).unwrap_or(Value::Null),
            Self::Typing { on } => serde_json::json!({ "on": on }),
            Self::Resync => serde_json::json!({}),
        };
        v.to_string()
    }
}

/// One visitor's subscription.
pub struct VisitorStream {
    core: Core,
    visitor: Visitor,
    sub: Subscription,
    contact: Option<Uuid>,
    /// The visitor's conversations and their last status told.
    conversations: HashMap<Uuid, String>,
}

impl VisitorStream {
    /// Subscribes, then reads the visitor's current conversation: an event published in
    /// between is queued, not lost.
    ///
    /// # Errors
    /// Database failure.
    pub async fn open(core: &Core, visitor: &Visitor) -> crate::CoreResult<Self> {
        let sub = core.bus.subscribe();
        let mut s = Self {
            core: core.clone(),
            visitor: *visitor,
            sub,
            contact: None,
            conversations: HashMap::new(),
        };
        let tx = core.db.tenant_tx(visitor.tenant()).await?;
        if let Some(c) = contacts::find_by_identity(&tx, kind::WEBCHAT, &visitor.external_id()).await? {
            s.contact = Some(c.id);
            if let Some(conv) = conversations::latest_for(&tx, c.id, visitor.channel_id).await? {
                s.conversations.insert(conv.id, conv.status);
            }
        }
        tx.commit().await?;
        Ok(s)
    }

    /// The next thing to tell the widget; `None` when the bus is gone (shutdown).
    pub async fn next(&mut self) -> Option<WidgetEvent> {
        loop {
            let e = match self.sub.recv().await {
                Ok(e) => e,
                Err(RecvError::Lagged(_) | RecvError::Interrupted) => return Some(WidgetEvent::Resync),
                Err(RecvError::Closed) => return None,
            };
            if e.tenant_id != self.visitor.tenant() {
                continue;
            }
            let Some(cid) = e.conversation_id else { continue };
            if !self.conversations.contains_key(&cid)
                && (e.kind != EventKind::ConversationCreated || !self.adopt(cid).await)
            {
                continue;
            }
            let told = match e.kind {
                EventKind::MessageCreated | EventKind::MessageStatusChanged => match e.message_id {
                    Some(id) => self.message(id).await,
                    None => None,
                },
                EventKind::ConversationCreated | EventKind::ConversationUpdated | EventKind::ConversationAssigned => {
                    self.status(cid).await
                }
                EventKind::Typing if e.data.get("contact").and_then(Value::as_bool) != Some(true) => {
                    Some(WidgetEvent::Typing {
                        on: e.data.get("on").and_then(Value::as_bool).unwrap_or(true),
                    })
                }
                _ => None,
            };
            if told.is_some() {
                return told;
            }
        }
    }

    /// Whether a new conversation is the visitor's (and adds it).
    async fn adopt(&mut self, id: Uuid) -> bool {
        let found = async {
            let tx = self.core.db.tenant_tx(self.visitor.tenant()).await?;
            let conv = conversations::get(&tx, id).await?;
            let contact = match self.contact {
                Some(c) => Some(c),
                None => contacts::find_by_identity(&tx, kind::WEBCHAT, &self.visitor.external_id())
                    .await?
                    .map(|c| c.id),
            };
            tx.commit().await?;
            Ok::<_, atende_db::DbError>((conv, contact))
        }
        .await;
        match found {
            Ok((conv, Some(contact))) if conv.channel_id == self.visitor.channel_id && conv.contact_id == contact => {
                self.contact = Some(contact);
                // An empty status: the first `conversation` event is always told.
                self.conversations.insert(conv.id, String::new());
                true
            }
            Ok(_) => false,
            Err(e) => {
                tracing::warn!(error = %e, "widget stream: conversation lookup failed");
                false
            }
        }
    }

    async fn message(&self, id: Uuid) -> Option<WidgetEvent> {
        let tx = self.core.db.tenant_tx(self.visitor.tenant()).await.ok()?;
        let m = messages::get(&tx, id).await.ok()?;
        tx.commit().await.ok()?;
        (visible(&m) && self.conversations.contains_key(&m.conversation_id))
            .then(|| WidgetEvent::Message(VisitorMessage::of(&self.core, &m)))
    }

    async fn status(&mut self, id: Uuid) -> Option<WidgetEvent> {
        let tx = self.core.db.tenant_tx(self.visitor.tenant()).await.ok()?;
        let conv = conversations::get(&tx, id).await.ok()?;
        tx.commit().await.ok()?;
        let last = self.conversations.insert(conv.id, conv.status.clone());
        (last.as_deref() != Some(conv.status.as_str()))
            .then(|| WidgetEvent::Conversation(VisitorConversation::of(&conv)))
    }
}
