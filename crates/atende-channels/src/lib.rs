//! Channel adapters: the one trait every channel (WhatsApp Cloud API, Instagram, Messenger,
//! Telegram, e-mail, web chat) implements, and the types that cross it.
//!
//! Adapters verify and parse webhooks and send messages. They own their HTTP clients, read
//! their base URLs from configuration (so tests point them at a local fake), and never touch the
//! database: `atende-core` stores what they parse and enqueues what they send.
//!
//! # Layout
//! - [`ChannelAdapter`] (here): the trait; [`ChannelKind`], [`ProviderMessageId`], [`SubscriptionCheck`],
//!   [`AccountInfo`], [`DownloadedMedia`], [`TemplateInfo`]: small types of its signature.
//! - `inbound`: [`InboundEvent`] and what it carries ([`InboundMessage`], [`MessageContent`],
//!   [`StatusUpdate`], [`TemplateStatusUpdate`] …).
//! - `outbound`: [`OutboundMessage`], [`OutboundContent`] and template/interactive parts.
//! - `error`: [`ChannelError`], [`ErrorClass`] (retry, wait, give up, window closed),
//!   [`ProviderFailure`].
//! - [`whatsapp_cloud`]: the WhatsApp Cloud API adapter (webhook parsing and signature, body
//!   building, Graph client, error classification).
//!
//! The other adapters (`meta_messaging`, `telegram`, `email`, `webchat`) follow the same shape.

#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod error;
mod inbound;
mod outbound;
pub mod whatsapp_cloud;

pub use error::{BackoffScope, ChannelError, ErrorClass, ProviderFailure};
pub use inbound::{
    ContactCard, ContactCardAddress, ContactCardEmail, ContactCardName, ContactCardOrg, ContactCardPhone,
    ContactCardUrl, ContactProfile, ConversationInfo, DeliveryStatus, InboundEvent, InboundMedia, InboundMessage,
    MediaKind, MessageContent, MessageContext, PricingInfo, ProviderErrorDetail, Referral, Routing, StatusUpdate,
    TemplateStatusUpdate,
};
pub use outbound::{
    InteractiveButtons, InteractiveHeader, InteractiveList, ListRow, ListSection, MediaSource, OutboundContent,
    OutboundMessage, ReplyButton, TemplateComponent, TemplateMessage, TemplateParameter, TemplateValue,
};

use async_trait::async_trait;

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
    /// The stable name stored in the database and used in webhook URLs.
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

/// The query of a webhook subscription handshake (Meta: `hub.mode`, `hub.verify_token`,
/// `hub.challenge`), each as received; a missing parameter is `None`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SubscriptionCheck<'a> {
    pub mode: Option<&'a str>,
    pub verify_token: Option<&'a str>,
    pub challenge: Option<&'a str>,
}

/// What the provider says about the connected account when credentials are checked.
#[derive(Clone, Debug, PartialEq)]
pub struct AccountInfo {
    /// The provider's id of the endpoint (WhatsApp: phone number id).
    pub id: String,
    pub display_address: Option<String>,
    pub verified_name: Option<String>,
    /// Provider quality signal (WhatsApp `quality_rating`: GREEN, YELLOW, RED …).
    pub quality_rating: Option<String>,
    pub raw: serde_json::Value,
}

/// A media file fetched from the provider, checked against the size limit and (when the provider
/// gave one) its sha256.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DownloadedMedia {
    pub bytes: bytes::Bytes,
    pub mime_type: Option<String>,
    /// Lowercase hex sha256 of `bytes`.
    pub sha256_hex: String,
}

/// A message template as the provider lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateInfo {
    pub id: String,
    pub name: String,
    pub language: String,
    /// `APPROVED`, `PENDING`, `REJECTED`, `PAUSED` …
    pub status: String,
    /// `UTILITY`, `MARKETING`, `AUTHENTICATION`.
    pub category: Option<String>,
    /// `POSITIONAL` or `NAMED`.
    pub parameter_format: Option<String>,
    /// The provider's component list, verbatim (for previews and parameter forms).
    pub components: serde_json::Value,
}

/// One channel kind's behaviour. Object-safe, so core holds a registry of `dyn ChannelAdapter`.
///
/// Credentials are the channel's decrypted credential document (JSON, as stored encrypted in
/// `channels`); each adapter parses the fields it needs and answers
/// [`ChannelError::InvalidCredentials`] when one is missing.
#[async_trait]
pub trait ChannelAdapter: Send + Sync {
    /// Which kind this adapter serves.
    fn kind(&self) -> ChannelKind;

    /// Answers a webhook subscription handshake: the challenge to echo back.
    ///
    /// # Errors
    /// `Forbidden` when the mode or token do not match; `Unsupported` for channels without one.
    fn verify_subscription(
        &self,
        _check: &SubscriptionCheck<'_>,
        _expected_token: &str,
    ) -> Result<String, ChannelError> {
        Err(ChannelError::Unsupported("webhook subscription handshake"))
    }

    /// Checks the delivery's signature over the raw bytes, in constant time.
    ///
    /// # Errors
    /// `BadSignature` when the signature is missing, garbled or wrong.
    fn verify_webhook(&self, secret: &[u8], headers: &http::HeaderMap, raw_body: &[u8]) -> Result<(), ChannelError>;

    /// Turns one delivery into events. Accepts every documented payload of the provider; unknown
    /// fields are ignored and unknown types become `Unsupported`/`Other` events, never errors.
    ///
    /// # Errors
    /// `Malformed` only for bodies that are not the provider's webhook shape at all.
    fn parse_webhook(&self, raw_body: &[u8]) -> Result<Vec<InboundEvent>, ChannelError>;

    /// Classifies an error the provider reported asynchronously (e.g. on a `failed` status), the
    /// same way a synchronous refusal would be.
    fn classify(&self, error: &ProviderErrorDetail) -> ErrorClass;

    /// Checks the credentials against the provider (the channel-connect check).
    ///
    /// # Errors
    /// `Provider` (with `credentials_invalid` when they are wrong), `Transport`,
    /// `InvalidCredentials`.
    async fn validate_credentials(&self, credentials: &serde_json::Value) -> Result<AccountInfo, ChannelError>;

    /// Sends a message with the channel's credentials.
    ///
    /// # Errors
    /// `Provider` with its class, `Transport` (retry; the request may have reached the provider),
    /// `UnexpectedResponse`, `InvalidCredentials`, `Unsupported`.
    async fn send(
        &self,
        credentials: &serde_json::Value,
        msg: &OutboundMessage,
    ) -> Result<ProviderMessageId, ChannelError>;

    /// Tells the provider an inbound message was read, optionally showing a typing indicator.
    /// Channels without read receipts do nothing.
    ///
    /// # Errors
    /// As [`ChannelAdapter::send`].
    async fn mark_read(
        &self,
        _credentials: &serde_json::Value,
        _provider_message_id: &str,
        _typing_indicator: bool,
    ) -> Result<(), ChannelError> {
        Ok(())
    }

    /// Downloads an inbound media file by the provider's media id, aborting past `max_bytes`.
    ///
    /// # Errors
    /// `MediaTooLarge`, `MediaChecksum`, `Provider`, `Transport`, `Unsupported`.
    async fn fetch_media(
        &self,
        _credentials: &serde_json::Value,
        _media_id: &str,
        _max_bytes: u64,
    ) -> Result<DownloadedMedia, ChannelError> {
        Err(ChannelError::Unsupported("media download"))
    }

    /// Lists the account's message templates (all pages).
    ///
    /// # Errors
    /// `Provider`, `Transport`, `Unsupported`.
    async fn sync_templates(&self, _credentials: &serde_json::Value) -> Result<Vec<TemplateInfo>, ChannelError> {
        Err(ChannelError::Unsupported("message templates"))
    }
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

    #[test]
    fn delivery_status_ranks_are_monotonic() {
        let order = ["sent", "delivered", "read", "played"].map(|s| DeliveryStatus::parse(s).rank());
        assert!(order.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(DeliveryStatus::parse("failed").rank(), None);
        assert_eq!(
            DeliveryStatus::parse("deleted"),
            DeliveryStatus::Other("deleted".into())
        );
    }
}
