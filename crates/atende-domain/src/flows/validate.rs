//! Publishing checks: a flow that passes cannot strand a session on a dangling edge or spin
//! without waiting. Node config limits are in [`super::validate_nodes`].
//!
//! | code | meaning |
//! |---|---|
//! | `too_many_nodes`, `too_many_edges` | more than [`MAX_NODES`] / [`MAX_EDGES`] |
//! | `invalid_node_id`, `duplicate_node_id` | ids are 1–64 characters and unique |
//! | `no_start`, `multiple_starts` | exactly one start node |
//! | `start_not_connected` | the start node leads nowhere |
//! | `unreachable_node` | no path from the start reaches the node |
//! | `unknown_edge_node` | an edge names a node that does not exist |
//! | `unknown_handle` | an edge leaves by a handle its node type does not have |
//! | `duplicate_handle_edge` | two edges leave the same handle |
//! | `question_without_answer_path` | a question's `default` handle has no edge |
//! | `cycle_without_wait` | a cycle with neither a question nor a delay in it |
//!
//! plus the config codes of [`super::validate_nodes`].

use super::definition::{DEFAULT, FlowDefinition, NodeKind};
use super::validate_nodes::check_node;
use serde::Serialize;
use std::collections::{HashMap, HashSet, VecDeque};

/// Most nodes in one flow.
pub const MAX_NODES: usize = 500;
/// Most edges in one flow.
pub const MAX_EDGES: usize = 2_000;
/// Longest node id.
pub const MAX_ID_LEN: usize = 64;

/// One reason a flow cannot be published; `node_id` lets the builder mark the node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FlowIssue {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_id: Option<String>,
    /// A stable snake_case code the web app translates.
    #[schema(value_type = String)]
    pub code: &'static str,
    /// English text for API users.
    pub message: String,
}

impl FlowIssue {
    pub(crate) fn at(node: &str, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            node_id: Some(node.to_owned()),
            code,
            message: message.into(),
        }
    }

    fn flow(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            node_id: None,
            code,
            message: message.into(),
        }
    }
}

/// Checks a flow for publishing; drafts may be checked the same way to show issues on the
/// canvas. Issues come in a stable order: flow-level first, then by node order.
///
/// # Errors
/// Every issue found (see the module's table of codes).
pub fn validate(def: &FlowDefinition) -> Result<(), Vec<FlowIssue>> {
    let mut issues = Vec::new();
    if def.nodes.len() > MAX_NODES {
        issues.push(FlowIssue::flow("too_many_nodes", format!("at most {MAX_NODES} nodes")));
    }
    if def.edges.len() > MAX_EDGES {
        issues.push(FlowIssue::flow("too_many_edges", format!("at most {MAX_EDGES} edges")));
    }
    if !issues.is_empty() {
        // Too big to inspect further: the graph checks are quadratic.
        return Err(issues);
    }
    check_ids_and_start(def, &mut issues);
    check_edges(def, &mut issues);
    check_reachability(def, &mut issues);
    check_cycles(def, &mut issues);
    for node in &def.nodes {
        check_node(node, &mut issues);
    }
    if issues.is_empty() { Ok(()) } else { Err(issues) }
}

fn check_ids_and_start(def: &FlowDefinition, issues: &mut Vec<FlowIssue>) {
    let mut seen = HashSet::new();
    for node in &def.nodes {
        if node.id.trim().is_empty() || node.id.chars().count() > MAX_ID_LEN {
            issues.push(FlowIssue::at(
                &node.id,
                "invalid_node_id",
                format!("node ids are 1-{MAX_ID_LEN} characters"),
            ));
        }
        if !seen.insert(node.id.as_str()) {
            issues.push(FlowIssue::at(&node.id, "duplicate_node_id", "another node has this id"));
        }
    }
    let starts: Vec<&str> = def
        .nodes
        .iter()
        .filter(|n| matches!(n.kind, NodeKind::Start(_)))
        .map(|n| n.id.as_str())
        .collect();
    match starts.as_slice() {
        [] => issues.push(FlowIssue::flow("no_start", "the flow needs a start node")),
        [one] => {
            if def.target(one, DEFAULT).is_none() {
                issues.push(FlowIssue::at(
                    one,
                    "start_not_connected",
                    "the start node leads nowhere",
                ));
            }
        }
        [_, rest @ ..] => {
            for id in rest {
                issues.push(FlowIssue::at(
                    id,
                    "multiple_starts",
                    "a flow has exactly one start node",
                ));
            }
        }
    }
}

fn check_edges(def: &FlowDefinition, issues: &mut Vec<FlowIssue>) {
    let kinds: HashMap<&str, &NodeKind> = def.nodes.iter().map(|n| (n.id.as_str(), &n.kind)).collect();
    let mut used = HashSet::new();
    for edge in &def.edges {
        let Some(kind) = kinds.get(edge.from.as_str()) else {
            issues.push(FlowIssue::flow(
                "unknown_edge_node",
                format!("an edge leaves {:?}, which is not a node", edge.from),
            ));
            continue;
        };
        if !kinds.contains_key(edge.to.as_str()) {
            issues.push(FlowIssue::at(
                &edge.from,
                "unknown_edge_node",
                format!("an edge leads to {:?}, which is not a node", edge.to),
            ));
        }
        if !kind.handles().contains(&edge.handle.as_str()) {
            issues.push(FlowIssue::at(
                &edge.from,
                "unknown_handle",
                format!("a {} node has no handle {:?}", kind.type_name(), edge.handle),
            ));
        } else if !used.insert((edge.from.as_str(), edge.handle.as_str())) {
            issues.push(FlowIssue::at(
                &edge.from,
                "duplicate_handle_edge",
                format!("more than one edge leaves the handle {:?}", edge.handle),
            ));
        }
    }
    for node in &def.nodes {
        if matches!(node.kind, NodeKind::Question(_)) && def.target(&node.id, DEFAULT).is_none() {
            issues.push(FlowIssue::at(
                &node.id,
                "question_without_answer_path",
                "connect the question's default handle: where a valid answer goes",
            ));
        }
    }
}

/// Successors of every node over edges whose both ends exist.
fn successors(def: &FlowDefinition) -> HashMap<&str, Vec<&str>> {
    let ids: HashSet<&str> = def.nodes.iter().map(|n| n.id.as_str()).collect();
    let mut next: HashMap<&str, Vec<&str>> = HashMap::new();
    for e in &def.edges {
        if ids.contains(e.from.as_str()) && ids.contains(e.to.as_str()) {
            next.entry(e.from.as_str()).or_default().push(e.to.as_str());
        }
    }
    next
}

fn check_reachability(def: &FlowDefinition, issues: &mut Vec<FlowIssue>) {
    let Some(start) = def.start_node() else { return };
    let next = successors(def);
    let mut seen = HashSet::from([start.id.as_str()]);
    let mut queue = VecDeque::from([start.id.as_str()]);
    while let Some(id) = queue.pop_front() {
        for to in next.get(id).into_iter().flatten() {
            if seen.insert(to) {
                queue.push_back(to);
            }
        }
    }
    for node in &def.nodes {
        if !seen.contains(node.id.as_str()) {
            issues.push(FlowIssue::at(
                &node.id,
                "unreachable_node",
                "no path from the start reaches this node",
            ));
        }
    }
}

/// A node is in a bad cycle when it can reach itself through nodes that do not wait.
fn check_cycles(def: &FlowDefinition, issues: &mut Vec<FlowIssue>) {
    let waits: HashSet<&str> = def
        .nodes
        .iter()
        .filter(|n| n.kind.waits())
        .map(|n| n.id.as_str())
        .collect();
    let next = successors(def);
    let mut checked = HashSet::new();
    for node in &def.nodes {
        let id = node.id.as_str();
        if waits.contains(id) || !checked.insert(id) {
            continue;
        }
        let mut seen = HashSet::new();
        let mut queue: VecDeque<&str> = next.get(id).into_iter().flatten().copied().collect();
        let mut cycles = false;
        while let Some(v) = queue.pop_front() {
            if waits.contains(v) || !seen.insert(v) {
                continue;
            }
            if v == id {
                cycles = true;
                break;
            }
            queue.extend(next.get(v).into_iter().flatten().copied());
        }
        if cycles {
            issues.push(FlowIssue::at(
                id,
                "cycle_without_wait",
                "this node is on a loop with no question or delay: it would spin",
            ));
        }
    }
}
