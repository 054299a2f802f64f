//! Configs of the simple node types (message, question, delay, tag, transfer, end) and
//! WhatsApp's limits on interactive messages. Conditions and webhooks have their own modules.

use crate::ids::{DepartmentId, TagId, TeamId, UserId};
use serde::{Deserialize, Serialize};

/// Most reply buttons in one message (WhatsApp).
pub const MAX_BUTTONS: usize = 3;
/// Longest reply-button title, in characters (WhatsApp).
pub const MAX_BUTTON_TITLE: usize = 20;
/// Most rows in a list message (WhatsApp, all sections together).
pub const MAX_LIST_ROWS: usize = 10;
/// Longest list-row title (WhatsApp).
pub const MAX_ROW_TITLE: usize = 24;
/// Longest list-row description (WhatsApp).
pub const MAX_ROW_DESCRIPTION: usize = 72;
/// Longest label of the button that opens a list (WhatsApp).
pub const MAX_LIST_BUTTON: usize = 20;
/// Longest text message body (WhatsApp).
pub const MAX_TEXT: usize = 4096;
/// Longest body of a buttons or list message, and longest media caption (WhatsApp).
pub const MAX_INTERACTIVE_BODY: usize = 1024;
/// Most options of a question shown as a numbered text menu.
pub const MAX_OPTIONS: usize = 20;
/// Longest option title (in a numbered text menu; buttons and lists have their own limits).
pub const MAX_OPTION_TITLE: usize = 100;
/// Shortest and longest delay: one second to thirty days.
pub const DELAY_RANGE: std::ops::RangeInclusive<u32> = 1..=30 * 24 * 60 * 60;
/// Most re-asks of a question before its `invalid` handle.
pub const MAX_RETRIES: u32 = 10;
/// Longest question timeout, in minutes (thirty days).
pub const MAX_TIMEOUT_MINUTES: u32 = 30 * 24 * 60;
/// Label of the list-opening button when a question's options become a list without one.
pub const DEFAULT_LIST_BUTTON: &str = "Ver opções";

/// What a message node sends (`"type"` inside `config`). Texts are templates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MessageConfig {
    /// Plain text, up to 4,096 characters.
    Text { text: String },
    /// An image, video, audio, document or sticker by URL (a template, e.g. a per-contact link).
    Media {
        kind: MediaKind,
        url: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caption: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file_name: Option<String>,
    },
    /// An approved WhatsApp template; each body parameter is a template.
    Template {
        name: String,
        language: String,
        #[serde(default)]
        parameters: Vec<String>,
    },
    /// Text with up to 3 reply buttons (titles ≤ 20 characters). The flow goes on at once; to
    /// branch on the tapped button, use a question with options instead.
    Buttons { text: String, buttons: Vec<ReplyButton> },
    /// Text with a list of up to 10 rows (titles ≤ 24 characters) behind a button (≤ 20).
    List {
        text: String,
        button: String,
        rows: Vec<ListRow>,
    },
}

/// The kind of a media message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Image,
    Video,
    Audio,
    Document,
    Sticker,
}

/// One reply button; `id` comes back as the reply id when tapped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReplyButton {
    pub id: String,
    pub title: String,
}

/// One row of a list message; `id` comes back as the reply id when picked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ListRow {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A question: ask, wait, validate, store, re-ask; with an optional timeout.
///
/// Handles: `default` (a valid answer), one per option id (the option picked; falls back to
/// `default` when that handle has no edge), `invalid` (after `max_retries` re-asks), `timeout`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct QuestionConfig {
    /// The question (a template).
    pub prompt: String,
    /// How the answer is validated and normalized.
    #[serde(default)]
    pub answer: AnswerKind,
    /// The choices, for `answer = options` (ids are handles, so unique and not `default`,
    /// `invalid` or `timeout`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<QuestionOption>,
    /// How options are shown; `auto` picks buttons (≤ 3), a list (≤ 10) or a numbered text.
    #[serde(default)]
    pub display: OptionsDisplay,
    /// Label of the button opening the list when options are shown as a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_button: Option<String>,
    /// Variable the normalized answer is stored in (`vars.<variable>` in templates).
    pub variable: String,
    /// Re-asks after an invalid answer before following `invalid` (0 = none).
    #[serde(
        default = "default_retries",
        deserialize_with = "crate::values::whole_number::required"
    )]
    pub max_retries: u32,
    /// Text of a re-ask (a template); the prompt again when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_text: Option<String>,
    /// Minutes without an answer before `timeout`; no timeout when absent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::values::whole_number::optional"
    )]
    pub timeout_minutes: Option<u32>,
}

fn default_retries() -> u32 {
    2
}

/// How an answer is validated and what is stored.
///
/// | kind | accepts | stores |
/// |---|---|---|
/// | `text` | any non-blank text | the trimmed text |
/// | `number` | `42`, `-3.5`, `1.234,56` | a JSON number |
/// | `email` | an address | the lower-cased address |
/// | `phone` | a number as people type it | E.164 digits, `5511987654321` |
/// | `cpf_cnpj` | CPF or CNPJ, with or without punctuation | digits (check digits verified) |
/// | `date` | `dd/mm/yyyy` (also `-` `.`) or `yyyy-mm-dd` | `yyyy-mm-dd` |
/// | `options` | reply id, `1`…`n`, or the title (case/accents ignored) | the option's title |
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    #[default]
    Text,
    Number,
    Email,
    Phone,
    CpfCnpj,
    Date,
    Options,
}

/// One choice of a question; `id` is also the handle its edge leaves by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct QuestionOption {
    pub id: String,
    pub title: String,
    /// Shown under the title when the options are a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// How a question's options reach the customer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OptionsDisplay {
    /// Buttons when they fit (≤ 3, titles ≤ 20), else a list when it fits, else text.
    #[default]
    Auto,
    Buttons,
    List,
    /// The prompt followed by a numbered menu (`1. Vendas`).
    Text,
}

/// A durable pause.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DelayConfig {
    /// 1 second to 30 days.
    #[schema(minimum = 1, maximum = 2_592_000)]
    #[serde(deserialize_with = "crate::values::whole_number::required")]
    pub seconds: u32,
}

/// Tags added to and removed from the contact.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TagConfig {
    #[serde(default)]
    #[schema(value_type = Vec<uuid::Uuid>)]
    pub add: Vec<TagId>,
    #[serde(default)]
    #[schema(value_type = Vec<uuid::Uuid>)]
    pub remove: Vec<TagId>,
}

/// Who a transfer hands the conversation to: `{"to": "team", "id": "…"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "to", content = "id", rename_all = "snake_case")]
pub enum TransferTarget {
    #[schema(value_type = String, format = Uuid)]
    Agent(UserId),
    #[schema(value_type = String, format = Uuid)]
    Team(TeamId),
    #[schema(value_type = String, format = Uuid)]
    Department(DepartmentId),
}

/// The end of the session.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EndConfig {
    /// Also resolve the conversation.
    #[serde(default)]
    pub resolve: bool,
}
