//! The flow graph as the builder saves it and the interpreter reads it.

use super::condition::ConditionConfig;
use super::nodes::{DelayConfig, EndConfig, MessageConfig, QuestionConfig, TagConfig, TransferTarget};
use super::webhook::WebhookConfig;
use serde::{Deserialize, Serialize};

/// Handle every node with one way out leaves by; a question's valid answer.
pub const DEFAULT: &str = "default";
/// A question's way out after its re-asks are used up.
pub const INVALID: &str = "invalid";
/// A question's way out when nobody answers in time.
pub const TIMEOUT: &str = "timeout";
/// A webhook's way out on a 2xx answer.
pub const SUCCESS: &str = "success";
/// A webhook's way out on anything else (error, timeout, non-2xx).
pub const FAILURE: &str = "failure";
/// A condition's way out when no branch matches.
pub const ELSE: &str = "else";

/// A chatbot flow: nodes and the edges between their handles.
///
/// ```json
/// {"nodes": [{"id": "n1", "type": "message", "config": {"type": "text", "text": "Oi!"},
///             "position": {"x": 0, "y": 0}}],
///  "edges": [{"from": "n1", "handle": "default", "to": "n2"}]}
/// ```
///
/// Deserializing only checks shapes; [`super::validate()`] checks the graph before publishing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FlowDefinition {
    pub nodes: Vec<Node>,
    #[serde(default)]
    pub edges: Vec<Edge>,
}

/// One node: its id (unique in the flow), its type with its typed config, and where the builder
/// draws it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Node {
    /// Unique within the flow; 1–64 characters.
    pub id: String,
    #[serde(flatten)]
    pub kind: NodeKind,
    /// Canvas position; ignored by the interpreter.
    #[serde(default)]
    pub position: Position,
}

/// A point on the builder's canvas.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Position {
    pub x: f64,
    pub y: f64,
}

/// An arrow from one handle of a node to another node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Edge {
    /// Source node id.
    pub from: String,
    /// Which way out of the source node (see [`NodeKind::handles`]); `default` when omitted.
    #[serde(default = "default_handle")]
    pub handle: String,
    /// Target node id.
    pub to: String,
}

fn default_handle() -> String {
    DEFAULT.to_owned()
}

/// The nine node types, each with its config (`"type"` and `"config"` in JSON).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", content = "config", rename_all = "snake_case")]
pub enum NodeKind {
    /// Where every session begins; exactly one per flow. Its config is empty and may be omitted.
    Start(StartConfig),
    /// Sends one message and goes on at once.
    Message(MessageConfig),
    /// Sends a prompt and waits for a valid answer, re-asking, with an optional timeout.
    Question(QuestionConfig),
    /// Picks the first branch whose rules hold, else `else`.
    Condition(ConditionConfig),
    /// Waits a fixed time (a durable timer, never a sleep).
    Delay(DelayConfig),
    /// Calls an HTTP endpoint and maps its JSON answer into variables.
    Webhook(WebhookConfig),
    /// Adds and removes contact tags.
    Tag(TagConfig),
    /// Hands the conversation to an agent, a team or a department; the bot stops.
    Transfer(TransferTarget),
    /// Ends the session, optionally resolving the conversation.
    End(EndConfig),
}

/// The start node's config: nothing. Accepts `{}`, `null` or no `config` at all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StartConfig {}

impl<'de> Deserialize<'de> for StartConfig {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Option::<serde_json::Map<String, serde_json::Value>>::deserialize(d).map(|_| Self {})
    }
}

impl NodeKind {
    /// The `type` name in JSON.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Start(_) => "start",
            Self::Message(_) => "message",
            Self::Question(_) => "question",
            Self::Condition(_) => "condition",
            Self::Delay(_) => "delay",
            Self::Webhook(_) => "webhook",
            Self::Tag(_) => "tag",
            Self::Transfer(_) => "transfer",
            Self::End(_) => "end",
        }
    }

    /// The handles an edge may leave this node by. Transfer and end have none: the session
    /// stops there. A question with options has one handle per option id besides `default`,
    /// `invalid` and `timeout`; a condition one per branch id plus `else`.
    #[must_use]
    pub fn handles(&self) -> Vec<&str> {
        match self {
            Self::Start(_) | Self::Message(_) | Self::Delay(_) | Self::Tag(_) => vec![DEFAULT],
            Self::Question(q) => {
                let mut h = vec![DEFAULT, INVALID, TIMEOUT];
                h.extend(q.options.iter().map(|o| o.id.as_str()));
                h
            }
            Self::Condition(c) => {
                let mut h: Vec<&str> = c.branches.iter().map(|b| b.id.as_str()).collect();
                h.push(ELSE);
                h
            }
            Self::Webhook(_) => vec![SUCCESS, FAILURE],
            Self::Transfer(_) | Self::End(_) => vec![],
        }
    }

    /// Whether a session stops here and waits for something from outside (an answer, a timer):
    /// a cycle through such a node cannot spin within one input.
    #[must_use]
    pub fn waits(&self) -> bool {
        matches!(self, Self::Question(_) | Self::Delay(_))
    }
}

impl FlowDefinition {
    /// The node with this id (the first one, should ids repeat in an unvalidated draft).
    #[must_use]
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// The start node, if there is one.
    #[must_use]
    pub fn start_node(&self) -> Option<&Node> {
        self.nodes.iter().find(|n| matches!(n.kind, NodeKind::Start(_)))
    }

    /// Where the edge leaving `from` by `handle` leads (the first such edge).
    #[must_use]
    pub fn target(&self, from: &str, handle: &str) -> Option<&str> {
        self.edges
            .iter()
            .find(|e| e.from == from && e.handle == handle)
            .map(|e| e.to.as_str())
    }
}
