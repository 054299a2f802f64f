//! WhatsApp Business Cloud API (Graph API v23.0).
//!
//! - `webhook`: subscription handshake, `X-Hub-Signature-256`, delivery parser.
//! - `outbound`: the JSON bodies for `/{phone-number-id}/messages`.
//! - `client`: the Graph HTTP client (send, mark read, phone number check, media, templates).
//! - `errors`: Graph error envelope → [`crate::ErrorClass`].
//!
//! [`WhatsappCloudAdapter`] puts them behind [`crate::ChannelAdapter`]; the free functions are
//! public too, so the HTTP layer can verify a delivery before anything else is loaded.

mod client;
mod errors;
mod outbound;
mod webhook;

pub use client::{DEFAULT_GRAPH_URL, GraphClient, GraphConfig, MediaInfo, SendReceipt};
pub use errors::{
    CODE_PAIR_RATE, CODE_REENGAGEMENT, CODE_THROUGHPUT, CODE_TOKEN_INVALID, PAIR_RATE_BACKOFF, THROUGHPUT_BACKOFF,
    classify_code, classify_detail, from_response,
};
pub use outbound::{mark_read_body, message_body};
pub use webhook::{
    SIGNATURE_HEADER, parse_webhook, signature_header, verify_signature, verify_signature_value, verify_subscription,
};

use crate::{
    AccountInfo, ChannelAdapter, ChannelError, ChannelKind, DownloadedMedia, ErrorClass, InboundEvent, OutboundMessage,
    ProviderErrorDetail, ProviderMessageId, SubscriptionCheck, TemplateInfo,
};
use async_trait::async_trait;
use serde_json::Value;

/// A WhatsApp channel's credentials, parsed from the decrypted credential document
/// (`{"phone_number_id", "waba_id", "access_token", "app_secret", "verify_token"}`).
///
/// Invariant: `phone_number_id` (and `waba_id` when present) are Graph ids (ASCII alphanumerics),
/// so they are safe as URL path segments. `Debug` never prints the secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct WhatsappCredentials {
    pub phone_number_id: String,
    /// Needed for template sync only.
    pub waba_id: Option<String>,
    pub access_token: String,
    /// Key of the webhook signature; needed on the inbound path only.
    pub app_secret: Option<String>,
    /// Token of the subscription handshake; needed on the inbound path only.
    pub verify_token: Option<String>,
}

impl std::fmt::Debug for WhatsappCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WhatsappCredentials")
            .field("phone_number_id", &self.phone_number_id)
            .field("waba_id", &self.waba_id)
            .field("access_token", &"<redacted>")
            .field("app_secret", &self.app_secret.as_ref().map(|_| "<redacted>"))
            .field("verify_token", &self.verify_token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl WhatsappCredentials {
    /// Parses the credential document.
    ///
    /// # Errors
    /// `InvalidCredentials` naming the missing or malformed field.
    pub fn from_json(v: &Value) -> Result<Self, ChannelError> {
        let text = |name: &str| {
            v.get(name)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let required = |name: &'static str| {
            text(name)
                .map(str::to_owned)
                .ok_or_else(|| ChannelError::InvalidCredentials(format!("{name} is missing")))
        };
        let phone_number_id = required("phone_number_id")?;
        let waba_id = text("waba_id").map(str::to_owned);
        for id in std::iter::once(&phone_number_id).chain(waba_id.as_ref()) {
            if !is_graph_id(id) {
                return Err(ChannelError::InvalidCredentials(format!("{id:?} is not a Graph id")));
            }
        }
        Ok(Self {
            phone_number_id,
            waba_id,
            access_token: required("access_token")?,
            app_secret: text("app_secret").map(str::to_owned),
            verify_token: text("verify_token").map(str::to_owned),
        })
    }
}

/// Graph ids are numeric today; alphanumerics (plus `_`/`-`) are accepted, nothing that could
/// change the URL path.
/// What [`is_graph_id`] accepts, for the API document.
pub const GRAPH_ID_PATTERN: &str = "^[A-Za-z0-9_-]{1,64}$";

fn is_graph_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The WhatsApp Cloud API adapter.
#[derive(Clone, Debug)]
pub struct WhatsappCloudAdapter {
    client: GraphClient,
}

impl WhatsappCloudAdapter {
    /// Builds the adapter with its Graph client.
    ///
    /// # Errors
    /// `Transport` when the HTTP client cannot be built.
    pub fn new(config: GraphConfig) -> Result<Self, ChannelError> {
        Ok(Self {
            client: GraphClient::new(config)?,
        })
    }

    /// The Graph client, for calls outside the trait (media upload, send receipts with `wa_id`).
    #[must_use]
    pub fn client(&self) -> &GraphClient {
        &self.client
    }
}

#[async_trait]
impl ChannelAdapter for WhatsappCloudAdapter {
    fn kind(&self) -> ChannelKind {
        ChannelKind::WhatsappCloud
    }

    fn verify_subscription(&self, check: &SubscriptionCheck<'_>, expected_token: &str) -> Result<String, ChannelError> {
        verify_subscription(check, expected_token)
    }

    fn verify_webhook(&self, secret: &[u8], headers: &http::HeaderMap, raw_body: &[u8]) -> Result<(), ChannelError> {
        verify_signature(secret, headers, raw_body)
    }

    fn parse_webhook(&self, raw_body: &[u8]) -> Result<Vec<InboundEvent>, ChannelError> {
        parse_webhook(raw_body)
    }

    fn classify(&self, error: &ProviderErrorDetail) -> ErrorClass {
        classify_detail(error)
    }

    async fn validate_credentials(&self, credentials: &Value) -> Result<AccountInfo, ChannelError> {
        self.client
            .phone_number(&WhatsappCredentials::from_json(credentials)?)
            .await
    }

    async fn send(&self, credentials: &Value, msg: &OutboundMessage) -> Result<ProviderMessageId, ChannelError> {
        let receipt = self
            .client
            .send_message(&WhatsappCredentials::from_json(credentials)?, msg)
            .await?;
        Ok(ProviderMessageId(receipt.message_id))
    }

    async fn mark_read(
        &self,
        credentials: &Value,
        provider_message_id: &str,
        typing_indicator: bool,
    ) -> Result<(), ChannelError> {
        let creds = WhatsappCredentials::from_json(credentials)?;
        self.client
            .mark_read(&creds, provider_message_id, typing_indicator)
            .await
    }

    async fn fetch_media(
        &self,
        credentials: &Value,
        media_id: &str,
        max_bytes: u64,
    ) -> Result<DownloadedMedia, ChannelError> {
        self.client
            .fetch_media(&WhatsappCredentials::from_json(credentials)?, media_id, max_bytes)
            .await
    }

    async fn sync_templates(&self, credentials: &Value) -> Result<Vec<TemplateInfo>, ChannelError> {
        self.client
            .list_templates(&WhatsappCredentials::from_json(credentials)?)
            .await
    }
}
