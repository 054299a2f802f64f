//! Chatbot flows: the definition the builder saves, the checks before publishing, the pure
//! interpreter that runs sessions, triggers, and the preview.
//!
//! # How the caller drives it
//! 1. **Publish**: [`validate()`] the [`FlowDefinition`]; on `Err` answer 422 with the
//!    [`FlowIssue`]s (each names its node). Store the definition as a version.
//! 2. **Start**: on an inbound message with no running session, [`pick_flow`] among the published
//!    flows' [`Trigger`]s; then [`start`] with a fresh [`FlowContext`].
//! 3. **Store and act**: save [`Step::state`] (JSON) on the session row together with the flow
//!    version, and carry out [`Step::effects`] in order: send messages, change tags, transfer,
//!    resolve, and schedule jobs for [`Effect::ScheduleTimer`] / [`Effect::ScheduleTimeout`] /
//!    [`Effect::CallWebhook`], putting the effect's `token` in the job's payload.
//! 4. **Resume**: with the session row locked, [`resume`] with the stored state and the input
//!    (the customer's message, or the job's [`Input::TimerFired`] / [`Input::TimeoutFired`] /
//!    [`Input::WebhookResult`] with its token). A late or duplicate job is [`Step::ignored`] and
//!    changes nothing, so jobs never need cancelling.
//! 5. **Stop**: when a person takes over, [`SessionState::hand_off`]; an expiry policy
//!    [`SessionState::expire`]s.
//!
//! # Layout
//! - [`definition`]: the graph (`FlowDefinition`, `Node`, `NodeKind`, `Edge`) and handles.
//! - [`nodes`]: configs of message, question, delay, tag, transfer and end; WhatsApp's limits.
//! - [`condition`]: condition branches and rules, and their evaluation.
//! - [`webhook`]: webhook config, the rendered request, mapping the answer into variables.
//! - [`mod@validate`], [`validate_nodes`]: publishing checks, with their error codes.
//! - [`session`]: `SessionState`, `SessionStatus`, `Input`, `Effect`, `Step`.
//! - [`interpreter`]: `start` and `resume`.
//! - [`question`]: how a question and its options are shown.
//! - [`outbound`]: rendering the texts a step sends.
//! - [`answer`]: validating and normalizing answers.
//! - [`template`]: the sandboxed template engine for texts.
//! - [`context`]: `FlowContext`, the facts a step reads.
//! - [`trigger`]: triggers and `pick_flow`.
//! - [`mod@simulate`]: the preview.
//! - [`text`]: case- and accent-folding.

pub mod answer;
pub mod condition;
pub mod context;
pub mod definition;
pub mod interpreter;
pub mod nodes;
pub mod outbound;
pub mod question;
pub mod session;
pub mod simulate;
pub mod template;
pub mod text;
pub mod trigger;
pub mod validate;
pub mod validate_nodes;
pub mod webhook;

#[cfg(test)]
mod tests;

pub use condition::{Branch, ConditionConfig, MatchMode, Op, Rule, Subject};
pub use context::{ContactFacts, FlowContext};
pub use definition::{Edge, FlowDefinition, Node, NodeKind, Position, StartConfig};
pub use interpreter::{resume, start};
pub use nodes::{
    AnswerKind, DelayConfig, EndConfig, ListRow, MediaKind, MessageConfig, OptionsDisplay, QuestionConfig,
    QuestionOption, ReplyButton, TagConfig, TransferTarget,
};
pub use session::{Effect, EndReason, Ignored, Input, SessionState, SessionStatus, Step};
pub use simulate::{Simulation, simulate};
pub use template::TemplateError;
pub use trigger::{FlowCandidate, InboundEvent, KeywordMatch, Trigger, pick_flow};
pub use validate::{FlowIssue, validate};
pub use webhook::{
    Header, HttpMethod, ResponseMapping, WebhookConfig, WebhookOutcome, WebhookRequest, is_blocked_address,
};
