//! Channel adapters: the one trait every channel (WhatsApp Cloud API, Instagram, Messenger,
//! Telegram, e-mail, web chat) implements, and the types that cross it.
//!
//! Adapters verify and parse webhooks and send messages. They own their HTTP clients, read
//! their base URLs from configuration (so tests point them at a local fake), and never touch the
//! database: `atende-core` stores what they parse and enqueues what they send.
//!
//! # Layout
//! - [`ChannelAdapter`]: the trait.
//! - [`InboundEvent`], [`OutboundMessage`], [`ProviderMessageId`]: what crosses it.
//! - [`ErrorClass`]: how a provider error is handled (retry, wait, give up, window closed).
//!
//! The adapters themselves (`whatsapp_cloud`, `meta_messaging`, `telegram`, `email`, `webchat`)
//! arrive with the messaging issue; this crate fixes their contract now.

#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

use async_trait::async_trait;
use std::time::Duration;

/// The kind of a channel, as stored in `channels.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChannelKind {
    WhatsappCloud,
    Instagram,
    Messenger,
    Telegram,
    Email,
    Webchat,
}

impl ChannelKind {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WhatsappCloud => "whatsapp_cloud",
            Self::Instagram => "instagram",
            Self::Messenger => "messenger",
            Self::Telegram => "telegram",
            Self::Email => "email",
            Self::Webchat => "webchat",
        }
    }
}

/// The provider's id of a sent message (`wamid.…`, a Telegram message id …), unique per channel.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ProviderMessageId(pub String);

/// Something a webhook delivery said. Parsing turns one delivery into zero or more events.
#[derive(Clone, Debug, PartialEq)]
pub enum InboundEvent {
    /// A customer wrote.
    Message {
        external_contact_id: String,
        provider_message_id: String,
        payload: serde_json::Value,
    },
    /// A message we sent changed status.
    Status {
        provider_message_id: String,
        status: String,
        error: Option<(String, String)>,
    },
    /// Anything the adapter recognised but the platform does not act on yet; kept, not dropped.
    Other {
        kind: String,
        payload: serde_json::Value,
    },
}

/// A message to send, already validated by core.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboundMessage {
    pub to: String,
    pub body: serde_json::Value,
}

/// How to treat a failed send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorClass {
    /// Transient: retry with back-off.
    Retry,
    /// Rate limited: retry after at least this long.
    RetryAfter(Duration),
    /// Retrying cannot help; keep the provider's reason.
    Permanent(String),
    /// The customer-service window is closed: only a template may go.
    WindowClosed,
}

/// A failure of an adapter call.
#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    #[error("signature missing or invalid")]
    BadSignature,
    #[error("malformed webhook body: {0}")]
    Malformed(String),
    #[error("provider error {code}: {message}")]
    Provider {
        code: String,
        message: String,
        class: ErrorClass,
    },
    #[error("transport error: {0}")]
    Transport(String),
}

/// One channel kind's behaviour. Object-safe, so core holds a registry of `dyn ChannelAdapter`.
#[async_trait]
pub trait ChannelAdapter: Send + Sync {
    fn kind(&self) -> ChannelKind;

    /// Checks the delivery's signature over the raw bytes, in constant time.
    ///
    /// # Errors
    /// `BadSignature`.
    fn verify_webhook(
        &self,
        secret: &[u8],
        headers: &http::HeaderMap,
        raw_body: &[u8],
    ) -> Result<(), ChannelError>;

    /// Turns one delivery into events. Must accept every documented payload of the provider.
    ///
    /// # Errors
    /// `Malformed` for bodies that are not the provider's format.
    fn parse_webhook(&self, raw_body: &[u8]) -> Result<Vec<InboundEvent>, ChannelError>;

    /// Sends a message with the channel's credentials.
    ///
    /// # Errors
    /// `Provider` with its class, or `Transport`.
    async fn send(
        &self,
        credentials: &serde_json::Value,
        msg: &OutboundMessage,
    ) -> Result<ProviderMessageId, ChannelError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_stable_names() {
        assert_eq!(ChannelKind::WhatsappCloud.as_str(), "whatsapp_cloud");
        assert_eq!(ChannelKind::Webchat.as_str(), "webchat");
    }

    #[test]
    fn trait_is_object_safe() {
        fn takes(_: Option<&dyn ChannelAdapter>) {}
        takes(None);
    }
}
