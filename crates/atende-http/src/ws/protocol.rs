//! The frames of `/api/v1/ws`: JSON text messages tagged by `type`, and the close codes.

use atende_core::bus::Event;
use atende_core::realtime::PresenceState;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a client sends.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientFrame {
    /// The first frame (unless the upgrade carried `Sec-WebSocket-Protocol: bearer, <token>`).
    Auth {
        token: String,
    },
    Subscribe {
        topic: String,
    },
    Unsubscribe {
        topic: String,
    },
    Typing {
        conversation_id: Uuid,
        on: bool,
    },
    Ping,
    /// `online` or `away`.
    Presence {
        state: PresenceState,
    },
}

/// A user's presence as screens get it.
#[derive(Clone, Debug, Serialize)]
pub struct PresenceEntry {
    pub user_id: Uuid,
    pub state: PresenceState,
}

/// What the server sends.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame<'a> {
    /// The credential was accepted.
    Authenticated {
        tenant_id: Uuid,
        #[serde(skip_serializing_if = "Option::is_none")]
        user_id: Option<Uuid>,
        role: &'static str,
        /// The socket closes then (`token_expired`); `null` for API keys.
        expires_at: Option<DateTime<Utc>>,
        /// Send a frame (`ping`) at least this often.
        heartbeat_secs: u64,
    },
    Subscribed {
        topic: String,
        /// On `presence`: who is online or away right now.
        #[serde(skip_serializing_if = "Option::is_none")]
        online: Option<Vec<PresenceEntry>>,
    },
    Unsubscribed {
        topic: String,
        /// Set when the server ended the subscription (the conversation is no longer visible,
        /// the role changed).
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<&'static str>,
    },
    Event {
        topic: String,
        event: &'a Event,
    },
    Error {
        code: &'static str,
        message: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        topic: Option<String>,
    },
    Pong,
}

impl ServerFrame<'_> {
    /// The frame as JSON text.
    #[must_use]
    pub fn text(&self) -> String {
        // Serializing these types cannot fail (string keys, no maps with other keys).
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::Error {
            code,
            message: message.into(),
            topic: None,
        }
    }
}

/// Why the server closes a socket: a close code (4000-4999 are ours) and a stable reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Close {
    pub code: u16,
    pub reason: &'static str,
}

impl Close {
    /// No `auth` frame in time, a frame before it, or a bad credential.
    pub const AUTH_REQUIRED: Self = Self::new(4401, "auth_required");
    pub const INVALID_TOKEN: Self = Self::new(4401, "invalid_token");
    /// The access token expired: reconnect with a fresh one.
    pub const TOKEN_EXPIRED: Self = Self::new(4401, "token_expired");
    /// No frame for longer than the heartbeat timeout.
    pub const HEARTBEAT_TIMEOUT: Self = Self::new(4408, "heartbeat_timeout");
    /// The client did not read its frames fast enough; reconnect and refetch.
    pub const TOO_SLOW: Self = Self::new(4429, "too_slow");
    /// The server is shutting down; reconnect (to another node).
    pub const GOING_AWAY: Self = Self::new(1001, "server_shutting_down");
    /// The cross-node bus closed.
    pub const BUS_CLOSED: Self = Self::new(1011, "bus_closed");
    /// Events may be missing (the link to the other nodes dropped, or this node fell behind
    /// its bus): reconnect and refetch.
    pub const EVENTS_INTERRUPTED: Self = Self::new(1012, "events_interrupted");

    #[must_use]
    pub const fn new(code: u16, reason: &'static str) -> Self {
        Self { code, reason }
    }

    /// Refused by the membership or tenant check (`tenant_suspended`, `membership_inactive`,
    /// ...): 4403 with the error code as the reason.
    #[must_use]
    pub const fn forbidden(reason: &'static str) -> Self {
        Self::new(4403, reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn client_frames_parse_by_type() {
        let f: ClientFrame = serde_json::from_value(json!({"type": "subscribe", "topic": "tenant"})).unwrap();
        assert!(matches!(f, ClientFrame::Subscribe { topic } if topic == "tenant"));
        let f: ClientFrame = serde_json::from_value(json!({"type": "presence", "state": "away"})).unwrap();
        assert!(matches!(
            f,
            ClientFrame::Presence {
                state: PresenceState::Away
            }
        ));
        assert!(serde_json::from_value::<ClientFrame>(json!({"type": "ping"})).is_ok());
        assert!(serde_json::from_value::<ClientFrame>(json!({"type": "presence", "state": "asleep"})).is_err());
        assert!(serde_json::from_value::<ClientFrame>(json!({"type": "auth"})).is_err());
        assert!(serde_json::from_value::<ClientFrame>(json!({"type": "shout"})).is_err());
    }

    #[test]
    fn server_frames_are_tagged() {
        assert_eq!(ServerFrame::Pong.text(), r#"{"type":"pong"}"#);
        let v: serde_json::Value = serde_json::from_str(&ServerFrame::error("not_found", "no").text()).unwrap();
        assert_eq!(v, json!({"type": "error", "code": "not_found", "message": "no"}));
    }
}
