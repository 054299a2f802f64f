//! What a webhook delivery says, normalized so core can store it without knowing the provider.
//!
//! Every event carries [`Routing`] (which connected number/account it is for): one delivery may
//! concern several channels (WhatsApp batches entries of several numbers), so core routes each
//! event, not the delivery.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Which channel an event belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Routing {
    /// The provider's business account (WhatsApp: WABA id, `entry[].id`).
    pub account_id: Option<String>,
    /// The address that received the event, the key core finds the channel by (WhatsApp:
    /// `metadata.phone_number_id`). `None` only for account-level events (template updates).
    pub endpoint_id: Option<String>,
    /// The address as people see it (WhatsApp: `metadata.display_phone_number`).
    pub display_address: Option<String>,
}

/// Something a webhook delivery said. One delivery becomes zero or more events.
#[derive(Clone, Debug, PartialEq)]
pub enum InboundEvent {
    /// A customer wrote (or did something that shows as a message: reaction, system notice).
    Message(Box<InboundMessage>),
    /// A message we sent changed status.
    Status(Box<StatusUpdate>),
    /// A message template was approved, rejected, paused …
    TemplateStatus(TemplateStatusUpdate),
    /// The provider reported errors not tied to one message (WhatsApp `value.errors`).
    ProviderErrors {
        routing: Routing,
        errors: Vec<ProviderErrorDetail>,
    },
    /// Recognised as well-formed but not modelled (another webhook field, an item without an id);
    /// kept so core can store it rather than drop it.
    Other {
        routing: Routing,
        kind: String,
        payload: serde_json::Value,
    },
}

/// The sender as the provider describes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactProfile {
    /// The provider's id of the person (WhatsApp `wa_id`, the phone number without `+`).
    pub external_id: String,
    /// Profile name the person chose; may be absent or change at any time.
    pub name: Option<String>,
}

/// An inbound message.
#[derive(Clone, Debug, PartialEq)]
pub struct InboundMessage {
    pub routing: Routing,
    /// The sender's external id (WhatsApp `from`). For a number change this is the *old* id.
    pub from: String,
    /// The sender's profile, when the delivery carried one (system messages do not).
    pub contact: Option<ContactProfile>,
    /// Provider message id (`wamid.…`), unique per channel: the idempotency key.
    pub provider_message_id: String,
    /// When the provider says the message was sent; `None` if absent or unreadable.
    pub timestamp: Option<DateTime<Utc>>,
    pub content: MessageContent,
    /// Reply/forward information.
    pub context: Option<MessageContext>,
    /// Click-to-chat ad the conversation started from.
    pub referral: Option<Referral>,
    /// Errors attached to the message itself (e.g. 131051 on unsupported types).
    pub errors: Vec<ProviderErrorDetail>,
    /// The provider's message object, verbatim, for whatever is not modelled.
    pub raw: serde_json::Value,
}

/// The kinds of media a message can carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MediaKind {
    Image,
    Audio,
    Video,
    Document,
    Sticker,
}

impl MediaKind {
    /// The provider's and the API's name of the kind.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Audio => "audio",
            Self::Video => "video",
            Self::Document => "document",
            Self::Sticker => "sticker",
        }
    }
}

/// A media attachment of an inbound message: a reference to fetch, not the bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboundMedia {
    pub kind: MediaKind,
    /// Provider media id, valid for a limited time (WhatsApp: 7 days); fetch it on ingest.
    pub media_id: String,
    pub mime_type: Option<String>,
    /// Digest as the provider sent it (WhatsApp webhooks: base64).
    pub sha256: Option<String>,
    pub caption: Option<String>,
    pub filename: Option<String>,
    /// Audio recorded as a voice note.
    pub voice: bool,
    /// Animated sticker.
    pub animated: bool,
    /// Direct download URL when the provider includes it (short-lived, needs the token).
    pub url: Option<String>,
}

/// What an inbound message contains.
#[derive(Clone, Debug, PartialEq)]
pub enum MessageContent {
    Text {
        body: String,
    },
    Media(InboundMedia),
    Location {
        latitude: Option<f64>,
        longitude: Option<f64>,
        name: Option<String>,
        address: Option<String>,
        url: Option<String>,
    },
    /// Shared contact cards, kept structured.
    Contacts(Vec<ContactCard>),
    /// Tap on an interactive reply button we sent.
    ButtonReply {
        id: String,
        title: String,
    },
    /// Row picked in an interactive list we sent.
    ListReply {
        id: String,
        title: String,
        description: Option<String>,
    },
    /// Quick-reply button tapped inside a template message.
    TemplateButton {
        payload: Option<String>,
        text: Option<String>,
    },
    /// A reaction to `target_message_id`; `emoji: None` means the reaction was removed.
    Reaction {
        target_message_id: String,
        emoji: Option<String>,
    },
    /// A notice from the provider (e.g. `user_changed_number`, with the new id).
    System {
        kind: Option<String>,
        body: Option<String>,
        new_external_id: Option<String>,
    },
    /// A type the provider could not deliver to us or we do not model (polls, orders, new types).
    /// `provider_type` names it; the raw message is in [`InboundMessage::raw`].
    Unsupported {
        provider_type: String,
        error_code: Option<i64>,
    },
}

/// Reply and forward information of a message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MessageContext {
    /// The provider id of the message this one replies to (often ours).
    pub replied_to: Option<String>,
    /// Who sent the replied-to message.
    pub replied_to_from: Option<String>,
    pub forwarded: bool,
    pub frequently_forwarded: bool,
}

/// The ad or post a click-to-chat conversation came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Referral {
    pub source_url: Option<String>,
    pub source_id: Option<String>,
    pub source_type: Option<String>,
    pub headline: Option<String>,
    pub body: Option<String>,
    pub media_type: Option<String>,
    pub image_url: Option<String>,
    pub video_url: Option<String>,
    pub thumbnail_url: Option<String>,
    /// Click id for conversion reporting.
    pub ctwa_clid: Option<String>,
    /// Text of the ad's pre-filled welcome message.
    pub welcome_message: Option<String>,
}

/// A shared contact card (vCard-like). Every field is optional on the wire.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactCard {
    pub name: ContactCardName,
    pub org: Option<ContactCardOrg>,
    pub phones: Vec<ContactCardPhone>,
    pub emails: Vec<ContactCardEmail>,
    pub urls: Vec<ContactCardUrl>,
    pub addresses: Vec<ContactCardAddress>,
    pub birthday: Option<String>,
}

/// Name part of a [`ContactCard`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactCardName {
    pub formatted_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub middle_name: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
}

/// Organisation part of a [`ContactCard`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactCardOrg {
    pub company: Option<String>,
    pub department: Option<String>,
    pub title: Option<String>,
}

/// A phone of a [`ContactCard`]; `wa_id` is set when the number is on WhatsApp.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactCardPhone {
    pub phone: Option<String>,
    pub wa_id: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// An e-mail of a [`ContactCard`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactCardEmail {
    pub email: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// A URL of a [`ContactCard`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactCardUrl {
    pub url: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// A postal address of a [`ContactCard`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactCardAddress {
    pub street: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub country: Option<String>,
    pub country_code: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// Delivery state of a message we sent.
///
/// Statuses arrive out of order and `delivered` may be skipped; core applies them monotonically
/// by [`DeliveryStatus::rank`], except `Failed`, which always records its reason.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DeliveryStatus {
    Sent,
    Delivered,
    Read,
    /// A voice message was played (after `read`).
    Played,
    Failed,
    /// A status this adapter does not know (e.g. `deleted`, `warning`), kept by name.
    Other(String),
}

impl DeliveryStatus {
    /// Parses the provider's word; unknown words become [`DeliveryStatus::Other`].
    #[must_use]
    pub fn parse(s: &str) -> Self {
        match s {
            "sent" => Self::Sent,
            "delivered" => Self::Delivered,
            "read" => Self::Read,
            "played" => Self::Played,
            "failed" => Self::Failed,
            other => Self::Other(other.to_owned()),
        }
    }

    /// Progress order: a status may replace the stored one only if its rank is higher.
    /// `Failed` and unknown statuses have no rank (`None`): they are not part of the progression.
    #[must_use]
    pub fn rank(&self) -> Option<u8> {
        match self {
            Self::Sent => Some(1),
            Self::Delivered => Some(2),
            Self::Read => Some(3),
            Self::Played => Some(4),
            Self::Failed | Self::Other(_) => None,
        }
    }
}

/// An error reported inside a webhook (on a status, a message or a change).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderErrorDetail {
    pub code: Option<i64>,
    pub title: Option<String>,
    pub message: Option<String>,
    /// Graph `error_data.details`.
    pub details: Option<String>,
    pub href: Option<String>,
}

/// Billing conversation a status belongs to (omitted by WhatsApp from v24.0 for most statuses).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConversationInfo {
    pub id: Option<String>,
    /// `service`, `utility`, `marketing`, `authentication`, …
    pub origin_type: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Pricing of a sent message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PricingInfo {
    pub billable: Option<bool>,
    pub pricing_model: Option<String>,
    pub category: Option<String>,
    /// Graph `pricing.type` (`regular`, `free_customer_service`, …).
    pub pricing_type: Option<String>,
}

/// A status change of a message we sent.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusUpdate {
    pub routing: Routing,
    /// The id returned when we sent it; may be unknown to core (then recorded and ignored).
    pub provider_message_id: String,
    pub status: DeliveryStatus,
    pub timestamp: Option<DateTime<Utc>>,
    /// The customer's external id.
    pub recipient_id: Option<String>,
    /// Set on `failed`: the first one is the reason to show.
    pub errors: Vec<ProviderErrorDetail>,
    pub conversation: Option<ConversationInfo>,
    pub pricing: Option<PricingInfo>,
    /// Our own opaque tag echoed back (WhatsApp `biz_opaque_callback_data`).
    pub callback_data: Option<String>,
    pub raw: serde_json::Value,
}

/// A template review outcome (WhatsApp `message_template_status_update`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateStatusUpdate {
    /// The business account (WABA id).
    pub account_id: Option<String>,
    /// `APPROVED`, `REJECTED`, `PAUSED`, `DISABLED`, …
    pub event: String,
    /// The template id; the provider sends a JSON number, kept as a string.
    pub template_id: Option<String>,
    pub name: Option<String>,
    pub language: Option<String>,
    pub category: Option<String>,
    /// Provider reason code (`NONE`, `INVALID_FORMAT`, …).
    pub reason: Option<String>,
    /// Human explanation of a rejection, when given.
    pub rejection_detail: Option<String>,
    pub recommendation: Option<String>,
    pub time: Option<DateTime<Utc>>,
}
