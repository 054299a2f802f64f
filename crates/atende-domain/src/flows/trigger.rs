//! What starts a flow, and which flow an inbound message starts when several could.

use super::text::{fold, fold_keyword};
use crate::error::ValidationError;
use crate::ids::ChannelId;
use serde::{Deserialize, Serialize};

/// Most keywords of one trigger.
pub const MAX_KEYWORDS: usize = 50;
/// Longest keyword, in characters.
pub const MAX_KEYWORD_LEN: usize = 100;

/// One way a flow starts. Keywords compare case- and accent-insensitively, with punctuation at
/// the ends ignored (`Olá!` equals `ola`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Trigger {
    /// The message equals, contains or starts with one of the keywords.
    Keyword {
        #[serde(rename = "match", default)]
        mode: KeywordMatch,
        #[schema(schema_with = keywords_schema)]
        keywords: Vec<String>,
    },
    /// The first message of a new conversation, on any channel.
    FirstMessage,
    /// A message while the business is closed.
    OutsideBusinessHours,
    /// Every new conversation on this channel.
    NewConversation {
        #[schema(value_type = String, format = Uuid)]
        channel_id: ChannelId,
    },
    /// Started by an agent from the inbox (or by a rule); never by a message on its own.
    Manual,
}

/// How a keyword compares with the message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeywordMatch {
    #[default]
    Equals,
    Contains,
    StartsWith,
}

/// An inbound message, as far as triggers care.
#[derive(Clone, Copy, Debug)]
pub struct InboundEvent<'a> {
    pub text: &'a str,
    /// The message opened a new conversation.
    pub new_conversation: bool,
    pub channel_id: ChannelId,
    /// Whether the business is open now (see [`crate::hours::BusinessHours::is_open`]).
    pub business_open: bool,
}

/// The document's schema of `keywords`, from the limits [`Trigger::validate`] checks: 1 to
/// [`MAX_KEYWORDS`], each of at most [`MAX_KEYWORD_LEN`] characters. The schema asks every keyword
/// to hold a letter or digit of the Latin alphabet, a little stricter than the check (at least
/// one keyword with a letter or digit of any script), so what the document allows is accepted.
fn keywords_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .max_length(Some(MAX_KEYWORD_LEN))
                .pattern(Some("[0-9A-Za-z]")),
        )
        .min_items(Some(1))
        .max_items(Some(MAX_KEYWORDS))
        .build()
}

/// A published flow that may start: its id, priority (higher wins), triggers, and the channels
/// it runs on (empty = all).
#[derive(Clone, Debug)]
pub struct FlowCandidate<Id> {
    pub id: Id,
    pub priority: i32,
    pub triggers: Vec<Trigger>,
    pub channels: Vec<ChannelId>,
}

impl Trigger {
    /// Checks a trigger before saving.
    ///
    /// # Errors
    /// `no_keywords` (none, or all blank), `too_many_keywords`, `keyword_too_long`.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let Self::Keyword { keywords, .. } = self else {
            return Ok(());
        };
        if keywords.len() > MAX_KEYWORDS {
            return Err(ValidationError::new(
                "too_many_keywords",
                format!("at most {MAX_KEYWORDS} keywords"),
            ));
        }
        if keywords.iter().any(|k| k.chars().count() > MAX_KEYWORD_LEN) {
            return Err(ValidationError::new(
                "keyword_too_long",
                format!("keywords have at most {MAX_KEYWORD_LEN} characters"),
            ));
        }
        if keywords.iter().all(|k| fold_keyword(k).is_empty()) {
            return Err(ValidationError::new("no_keywords", "add at least one keyword"));
        }
        Ok(())
    }

    /// How specific the trigger is when it matches `event` (higher is more specific), or `None`
    /// when it does not match. Ties of priority go to the more specific trigger.
    #[must_use]
    pub fn rank(&self, event: &InboundEvent<'_>) -> Option<u8> {
        match self {
            Self::Keyword { mode, keywords } => {
                let text = fold_keyword(event.text);
                let hit = keywords
                    .iter()
                    .map(|k| fold_keyword(k))
                    .filter(|k| !k.is_empty())
                    .any(|k| match mode {
                        KeywordMatch::Equals => text == k,
                        KeywordMatch::StartsWith => text.starts_with(&k),
                        KeywordMatch::Contains => fold(event.text).contains(&k),
                    });
                hit.then_some(match mode {
                    KeywordMatch::Equals => 6,
                    KeywordMatch::StartsWith => 5,
                    KeywordMatch::Contains => 4,
                })
            }
            Self::OutsideBusinessHours => (!event.business_open).then_some(3),
            Self::NewConversation { channel_id } => {
                (event.new_conversation && *channel_id == event.channel_id).then_some(2)
            }
            Self::FirstMessage => event.new_conversation.then_some(1),
            Self::Manual => None,
        }
    }
}

/// The flow an inbound message starts: among candidates on the event's channel with a matching
/// trigger, the highest priority, then the most specific trigger, then the first in the slice.
/// The caller calls this only when the conversation has no running session and no person is
/// handling it (one flow at a time per conversation).
#[must_use]
pub fn pick_flow<Id: Clone>(candidates: &[FlowCandidate<Id>], event: &InboundEvent<'_>) -> Option<Id> {
    let mut best: Option<(&FlowCandidate<Id>, u8)> = None;
    for c in candidates {
        if !c.channels.is_empty() && !c.channels.contains(&event.channel_id) {
            continue;
        }
        let Some(rank) = c.triggers.iter().filter_map(|t| t.rank(event)).max() else {
            continue;
        };
        let better = best.is_none_or(|(b, r)| (c.priority, rank) > (b.priority, r));
        if better {
            best = Some((c, rank));
        }
    }
    best.map(|(c, _)| c.id.clone())
}
