//! A running flow's state, what can happen to it, and what a step asks the core to do.

use super::nodes::{ListRow, MediaKind, ReplyButton, TransferTarget};
use super::webhook::{WebhookOutcome, WebhookRequest};
use crate::ids::TagId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Most nodes one input may run through before the session is ended as a runaway loop.
pub const MAX_STEPS_PER_INPUT: u32 = 50;

/// Everything the interpreter needs to continue a session, stored as JSON by the caller beside
/// the flow version it runs on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SessionState {
    /// The node the session is at (the one it waits on, or the last one it ran).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// Answers and webhook fields (`vars.<name>` in templates).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub vars: BTreeMap<String, Value>,
    pub status: SessionStatus,
    /// Invalid answers to the current question so far.
    #[serde(default)]
    pub attempts: u32,
    /// Nodes run over the session's life.
    #[serde(default)]
    pub steps: u64,
    /// The last wait token handed out; every wait gets the next one.
    #[serde(default)]
    pub seq: u64,
}

/// Where a session stands. Waits carry a `token`: the caller puts it in the job it schedules
/// and hands it back with the input, and an input whose token is not the current wait's is
/// stale and changes nothing (a timer that fired after the customer already answered).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SessionStatus {
    /// Running; never the status after a step (a caller may store it before the first one).
    #[default]
    Active,
    /// Waiting for the answer to a question, until `deadline` if it has a timeout.
    WaitingInput {
        node: String,
        token: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deadline: Option<DateTime<Utc>>,
    },
    /// A delay: continues when the timer with `token` fires at `until`.
    WaitingTimer {
        node: String,
        token: u64,
        until: DateTime<Utc>,
    },
    /// Waiting for the result of the webhook call with `token`.
    WaitingWebhook { node: String, token: u64 },
    /// A transfer node ran, or a person took over ([`SessionState::hand_off`]).
    HandedOff,
    /// Finished, for `reason`.
    Completed { reason: EndReason },
    /// Abandoned by the caller's policy ([`SessionState::expire`]).
    Expired,
}

/// Why a session finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// An end node.
    EndNode,
    /// A handle without an edge: the flow simply ends there.
    EndOfFlow,
    /// A transfer node handed the conversation over.
    Transferred,
    /// A question ran out of re-asks and has no `invalid` edge.
    InvalidAnswer,
    /// A question timed out and has no `timeout` edge.
    QuestionTimeout,
    /// More than [`MAX_STEPS_PER_INPUT`] nodes for one input: a loop without a wait.
    StepLimit,
    /// The definition does not match the session (no start node, a node id that is gone).
    BrokenFlow,
}

/// Something that happened to a waiting session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Input {
    /// The customer wrote: `text` (a caption or empty for media), and the id of the tapped
    /// reply button or list row, if any.
    Message {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply_id: Option<String>,
    },
    /// A delay's timer fired.
    TimerFired { token: u64 },
    /// A question's timeout fired.
    TimeoutFired { token: u64 },
    /// A webhook call came back (or failed).
    WebhookResult { token: u64, result: WebhookOutcome },
}

/// What the core must do after a step, in order. Texts are already rendered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Effect {
    SendText {
        text: String,
    },
    SendMedia {
        kind: MediaKind,
        url: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caption: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file_name: Option<String>,
    },
    SendTemplate {
        name: String,
        language: String,
        parameters: Vec<String>,
    },
    SendButtons {
        text: String,
        buttons: Vec<ReplyButton>,
    },
    SendList {
        text: String,
        button: String,
        rows: Vec<ListRow>,
    },
    AddTags {
        #[schema(value_type = Vec<uuid::Uuid>)]
        tag_ids: Vec<TagId>,
    },
    RemoveTags {
        #[schema(value_type = Vec<uuid::Uuid>)]
        tag_ids: Vec<TagId>,
    },
    /// Hand the conversation over; the session is already `handed_off`.
    Transfer {
        target: TransferTarget,
    },
    /// Resolve the conversation.
    Resolve,
    /// Schedule [`Input::TimerFired`] with `token` at `at`.
    ScheduleTimer {
        token: u64,
        at: DateTime<Utc>,
    },
    /// Schedule [`Input::TimeoutFired`] with `token` at `at`.
    ScheduleTimeout {
        token: u64,
        at: DateTime<Utc>,
    },
    /// Make the call and report [`Input::WebhookResult`] with `token`.
    CallWebhook {
        token: u64,
        request: WebhookRequest,
    },
    /// Worth recording for whoever debugs the flow (an invalid answer, a template error).
    Log {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        node: Option<String>,
        message: String,
    },
    /// The session finished (also after a transfer).
    Ended {
        reason: EndReason,
    },
}

/// Why an input changed nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Ignored {
    /// The session is handed off, completed or expired.
    Finished,
    /// The input's token is not the current wait's (a late job), or it is for another kind
    /// of wait.
    Stale,
    /// A customer message while the session waits on a timer or a webhook.
    NotWaitingForMessage,
}

/// The outcome of [`super::start`] or [`super::resume`]: the new state to store and the
/// effects to carry out, in the same transaction when possible.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Step {
    pub state: SessionState,
    pub effects: Vec<Effect>,
    /// Node ids run in this step, in order.
    pub path: Vec<String>,
    /// Set when the input was ignored; `state` is then the one given and `effects` is empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignored: Option<Ignored>,
}

impl SessionStatus {
    /// The status name as a column would hold it (`waiting_input`, …).
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::WaitingInput { .. } => "waiting_input",
            Self::WaitingTimer { .. } => "waiting_timer",
            Self::WaitingWebhook { .. } => "waiting_webhook",
            Self::HandedOff => "handed_off",
            Self::Completed { .. } => "completed",
            Self::Expired => "expired",
        }
    }

    /// Whether the session is over (handed off, completed or expired).
    #[must_use]
    pub fn is_finished(&self) -> bool {
        matches!(self, Self::HandedOff | Self::Completed { .. } | Self::Expired)
    }

    /// The current wait's token.
    #[must_use]
    pub fn token(&self) -> Option<u64> {
        match self {
            Self::WaitingInput { token, .. }
            | Self::WaitingTimer { token, .. }
            | Self::WaitingWebhook { token, .. } => Some(*token),
            _ => None,
        }
    }
}

impl SessionState {
    /// A person took over (an agent replied, the conversation was assigned): the bot stops.
    /// A finished session stays as it is.
    pub fn hand_off(&mut self) {
        if !self.status.is_finished() {
            self.status = SessionStatus::HandedOff;
        }
    }

    /// The caller's expiry policy ended the session (e.g. no answer for days and no timeout).
    /// A finished session stays as it is.
    pub fn expire(&mut self) {
        if !self.status.is_finished() {
            self.status = SessionStatus::Expired;
        }
    }
}
