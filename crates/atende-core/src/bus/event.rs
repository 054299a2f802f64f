//! What travels on the bus: small events that name what changed (ids, never whole rows), and
//! the topics a subscriber filters them by.

use atende_domain::{TenantId, UserId};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// The stable dotted names; the same strings go to WebSocket clients, automations and outgoing
/// webhooks (DESIGN §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventKind {
    #[serde(rename = "message.created")]
    MessageCreated,
    #[serde(rename = "message.status_changed")]
    MessageStatusChanged,
    /// A message's content changed after it was stored (its file arrived on "try again").
    #[serde(rename = "message.updated")]
    MessageUpdated,
    #[serde(rename = "conversation.created")]
    ConversationCreated,
    #[serde(rename = "conversation.updated")]
    ConversationUpdated,
    #[serde(rename = "conversation.assigned")]
    ConversationAssigned,
    #[serde(rename = "typing")]
    Typing,
    #[serde(rename = "presence")]
    Presence,
    #[serde(rename = "read")]
    Read,
}

impl EventKind {
    pub const ALL: [Self; 9] = [
        Self::MessageCreated,
        Self::MessageStatusChanged,
        Self::MessageUpdated,
        Self::ConversationCreated,
        Self::ConversationUpdated,
        Self::ConversationAssigned,
        Self::Typing,
        Self::Presence,
        Self::Read,
    ];

    /// The dotted name, e.g. `message.created`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MessageCreated => "message.created",
            Self::MessageStatusChanged => "message.status_changed",
            Self::MessageUpdated => "message.updated",
            Self::ConversationCreated => "conversation.created",
            Self::ConversationUpdated => "conversation.updated",
            Self::ConversationAssigned => "conversation.assigned",
            Self::Typing => "typing",
            Self::Presence => "presence",
            Self::Read => "read",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EventKind {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownName(s.to_owned()))
    }
}

/// A name that is no event kind or topic.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown name: {0}")]
pub struct UnknownName(pub String);

/// One event: what happened, in which tenant, to which conversation, message or user, and a
/// small JSON hint (a new status, who is typing). Screens refetch by id; the ids are the truth
/// and `data` is a convenience that may be dropped (see [`crate::bus`] on the payload limit).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub tenant_id: TenantId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub data: serde_json::Value,
}

impl Event {
    /// An event with only its kind and tenant; add ids with the builder methods.
    #[must_use]
    pub fn new(kind: EventKind, tenant_id: TenantId) -> Self {
        Self {
            kind,
            tenant_id,
            conversation_id: None,
            message_id: None,
            user_id: None,
            data: serde_json::Value::Null,
        }
    }

    #[must_use]
    pub fn conversation(mut self, id: impl Into<Uuid>) -> Self {
        self.conversation_id = Some(id.into());
        self
    }

    #[must_use]
    pub fn message(mut self, id: impl Into<Uuid>) -> Self {
        self.message_id = Some(id.into());
        self
    }

    #[must_use]
    pub fn user(mut self, id: UserId) -> Self {
        self.user_id = Some(id);
        self
    }

    #[must_use]
    pub fn data(mut self, data: serde_json::Value) -> Self {
        self.data = data;
        self
    }

    /// The tenant the event belongs to: a subscriber only ever sees its own tenant's events.
    #[must_use]
    pub fn tenant_id(&self) -> TenantId {
        self.tenant_id
    }

    /// The dotted name.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.kind.as_str()
    }

    /// The topics this event is published on, inside its tenant:
    /// - `presence` events go to `presence` only;
    /// - `typing` goes to its `conversation:{id}` only (too chatty for the inbox list);
    /// - everything else goes to `tenant` (the inbox) and, when it names a conversation, to
    ///   `conversation:{id}`.
    #[must_use]
    pub fn topics(&self) -> Vec<Topic> {
        match self.kind {
            EventKind::Presence => vec![Topic::Presence],
            EventKind::Typing => self.conversation_id.map(Topic::Conversation).into_iter().collect(),
            _ => std::iter::once(Topic::Tenant)
                .chain(self.conversation_id.map(Topic::Conversation))
                .collect(),
        }
    }

    /// Whether a subscriber of `topic` in `tenant_id` should get this event. Authorization of
    /// the subscription itself is the hub's job.
    #[must_use]
    pub fn is_for(&self, tenant_id: TenantId, topic: &Topic) -> bool {
        self.tenant_id == tenant_id && self.topics().contains(topic)
    }
}

/// What a live screen subscribes to, always inside its own tenant: `tenant` (the inbox),
/// `conversation:{id}`, `presence`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Topic {
    Tenant,
    Conversation(Uuid),
    Presence,
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tenant => f.write_str("tenant"),
            Self::Conversation(id) => write!(f, "conversation:{id}"),
            Self::Presence => f.write_str("presence"),
        }
    }
}

impl FromStr for Topic {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "tenant" => Ok(Self::Tenant),
            "presence" => Ok(Self::Presence),
            _ => s
                .strip_prefix("conversation:")
                .and_then(|id| Uuid::parse_str(id).ok())
                .map(Self::Conversation)
                .ok_or_else(|| UnknownName(s.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_stable_dotted_names() {
        for k in EventKind::ALL {
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.as_str()));
            assert_eq!(k.as_str().parse::<EventKind>().unwrap(), k);
        }
        assert_eq!(EventKind::MessageStatusChanged.as_str(), "message.status_changed");
        assert!("message.deleted".parse::<EventKind>().is_err());
    }

    #[test]
    fn event_serializes_ids_only() {
        let t = TenantId::new();
        let c = Uuid::now_v7();
        let e = Event::new(EventKind::MessageCreated, t).conversation(c);
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"type": "message.created", "tenant_id": t, "conversation_id": c})
        );
        assert_eq!(serde_json::from_value::<Event>(v).unwrap(), e);
    }

    #[test]
    fn topics_route_events() {
        let t = TenantId::new();
        let c = Uuid::now_v7();
        let conv = Topic::Conversation(c);
        let created = Event::new(EventKind::MessageCreated, t).conversation(c);
        assert_eq!(created.topics(), vec![Topic::Tenant, conv]);
        assert!(created.is_for(t, &Topic::Tenant));
        assert!(!created.is_for(TenantId::new(), &Topic::Tenant));
        assert!(!created.is_for(t, &Topic::Conversation(Uuid::now_v7())));
        let typing = Event::new(EventKind::Typing, t).conversation(c);
        assert_eq!(typing.topics(), vec![conv]);
        let presence = Event::new(EventKind::Presence, t).user(UserId::new());
        assert_eq!(presence.topics(), vec![Topic::Presence]);
    }

    #[test]
    fn topic_names_round_trip() {
        let c = Uuid::now_v7();
        for t in [Topic::Tenant, Topic::Presence, Topic::Conversation(c)] {
            assert_eq!(t.to_string().parse::<Topic>().unwrap(), t);
        }
        assert_eq!(Topic::Conversation(c).to_string(), format!("conversation:{c}"));
        assert!("conversation:nope".parse::<Topic>().is_err());
        assert!("tickets".parse::<Topic>().is_err());
    }
}
