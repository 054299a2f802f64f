//! Tests of the flow engine, by concern. Flows are written as JSON, the builder's shape.

mod answers;
mod nodes;
mod properties;
mod questions;
mod schema;
mod simulate;
mod triggers;
mod validation;
mod waits;

use super::*;
use crate::ids::ConversationId;
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};

pub(super) fn t0() -> DateTime<Utc> {
    // Monday 2025-06-02 09:00 in São Paulo.
    Utc.with_ymd_and_hms(2025, 6, 2, 12, 0, 0).unwrap()
}

pub(super) fn ctx() -> FlowContext {
    let mut c = FlowContext::new(t0());
    c.conversation_id = Some(ConversationId(uuid::Uuid::nil()));
    c.contact.name = Some("Ana".into());
    c.contact.phone = Some("+5511987654321".into());
    c.channel_kind = "whatsapp".into();
    c
}

pub(super) fn flow(v: Value) -> FlowDefinition {
    serde_json::from_value(v).expect("a valid flow shape")
}

/// A flow from `(id, type, config)` nodes and `(from, handle, to)` edges.
pub(super) fn graph(nodes: &[(&str, &str, Value)], edges: &[(&str, &str, &str)]) -> FlowDefinition {
    let nodes: Vec<Value> = nodes
        .iter()
        .map(|(id, ty, config)| json!({"id": id, "type": ty, "config": config}))
        .collect();
    let edges: Vec<Value> = edges
        .iter()
        .map(|(from, handle, to)| json!({"from": from, "handle": handle, "to": to}))
        .collect();
    flow(json!({"nodes": nodes, "edges": edges}))
}

pub(super) fn text(t: &str) -> Value {
    json!({"type": "text", "text": t})
}

pub(super) fn msg(t: &str) -> Input {
    Input::Message {
        text: t.into(),
        reply_id: None,
    }
}

/// The texts a step sends (text messages and the bodies of buttons and lists).
pub(super) fn sent(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::SendText { text } | Effect::SendButtons { text, .. } | Effect::SendList { text, .. } => {
                Some(text.clone())
            }
            _ => None,
        })
        .collect()
}

pub(super) fn ended(step: &Step) -> Option<EndReason> {
    step.effects.iter().find_map(|e| match e {
        Effect::Ended { reason } => Some(*reason),
        _ => None,
    })
}

pub(super) fn token(step: &Step) -> u64 {
    step.state.status.token().expect("the session waits")
}
