//! What core asks an adapter to send, typed so invalid combinations are hard to build.
//!
//! The shapes follow WhatsApp (the richest channel); other adapters send what they can and answer
//! [`crate::ChannelError::Unsupported`] for the rest.

use crate::inbound::MediaKind;
use serde::{Deserialize, Serialize};

/// A message to one recipient, already validated by core (window, permissions, limits).
#[derive(Clone, Debug, PartialEq)]
pub struct OutboundMessage {
    /// The recipient's external id or phone number (WhatsApp accepts formatted numbers).
    pub to: String,
    /// Provider id of the message this one quotes.
    pub reply_to: Option<String>,
    /// Opaque tag the provider echoes on status webhooks (WhatsApp `biz_opaque_callback_data`).
    pub callback_data: Option<String>,
    pub content: OutboundContent,
}

/// Where outbound media comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaSource {
    /// A media id from an earlier upload to the provider.
    Id(String),
    /// A public HTTPS URL the provider fetches (e.g. a signed object-store link).
    Link(String),
}

/// The body of an outbound message.
#[derive(Clone, Debug, PartialEq)]
pub enum OutboundContent {
    Text {
        body: String,
        /// Ask for a link preview; `None` leaves the key out (provider default).
        preview_url: Option<bool>,
    },
    Media {
        kind: MediaKind,
        source: MediaSource,
        /// Not allowed on audio and stickers; the adapter drops it there.
        caption: Option<String>,
        /// Documents only.
        filename: Option<String>,
    },
    /// An approved template: the only thing allowed outside WhatsApp's 24-hour window.
    Template(TemplateMessage),
    /// Up to three reply buttons.
    Buttons(InteractiveButtons),
    /// A list with sections of rows.
    List(InteractiveList),
    /// React to `message_id`; `emoji: None` removes our reaction.
    Reaction { message_id: String, emoji: Option<String> },
}

/// A template message with its parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateMessage {
    pub name: String,
    /// Language code of the approved translation (`pt_BR`).
    pub language: String,
    /// Graph `language.policy` (`deterministic`); usually omitted.
    pub language_policy: Option<String>,
    pub components: Vec<TemplateComponent>,
}

/// One component's parameters.
#[derive(Clone, Debug, PartialEq)]
pub enum TemplateComponent {
    Header(Vec<TemplateParameter>),
    Body(Vec<TemplateParameter>),
    Button {
        /// `quick_reply`, `url`, `copy_code`, `flow` …
        sub_type: String,
        /// Position of the button in the template, from 0.
        index: u32,
        parameters: Vec<TemplateParameter>,
    },
}

/// A parameter: positional when `name` is `None`, named (`parameter_name`) otherwise.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateParameter {
    pub name: Option<String>,
    pub value: TemplateValue,
}

impl TemplateParameter {
    /// A positional text parameter.
    #[must_use]
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            name: None,
            value: TemplateValue::Text(text.into()),
        }
    }

    /// A named text parameter (templates created with `parameter_format: NAMED`).
    #[must_use]
    pub fn named_text(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            value: TemplateValue::Text(text.into()),
        }
    }
}

/// The value of a template parameter.
#[derive(Clone, Debug, PartialEq)]
pub enum TemplateValue {
    Text(String),
    Currency {
        fallback_value: String,
        code: String,
        amount_1000: i64,
    },
    DateTime {
        fallback_value: String,
    },
    Image(MediaSource),
    Video(MediaSource),
    Document {
        source: MediaSource,
        filename: Option<String>,
    },
    /// Quick-reply payload, echoed back when the customer taps the button.
    Payload(String),
    CouponCode(String),
}

/// Header of an interactive message.
#[derive(Clone, Debug, PartialEq)]
pub enum InteractiveHeader {
    Text(String),
    Image(MediaSource),
    Video(MediaSource),
    Document {
        source: MediaSource,
        filename: Option<String>,
    },
}

/// A reply button: the `id` comes back in the customer's tap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplyButton {
    pub id: String,
    pub title: String,
}

/// An interactive reply-buttons message.
#[derive(Clone, Debug, PartialEq)]
pub struct InteractiveButtons {
    pub header: Option<InteractiveHeader>,
    pub body: String,
    pub footer: Option<String>,
    pub buttons: Vec<ReplyButton>,
}

/// A row of a list: the `id` comes back in the customer's choice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListRow {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
}

/// A titled group of rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListSection {
    pub title: Option<String>,
    pub rows: Vec<ListRow>,
}

/// An interactive list message.
#[derive(Clone, Debug, PartialEq)]
pub struct InteractiveList {
    /// Lists only take a text header.
    pub header: Option<String>,
    pub body: String,
    pub footer: Option<String>,
    /// Label of the button that opens the list.
    pub button: String,
    pub sections: Vec<ListSection>,
}
