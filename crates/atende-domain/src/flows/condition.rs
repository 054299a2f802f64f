//! Condition nodes: branches of rules over variables, contact fields, tags, the channel and
//! business hours; the first branch that holds wins, else `else`.

use super::answer::{parse_date, parse_number};
use super::context::FlowContext;
use super::definition::ELSE;
use super::text::fold;
use crate::ids::TagId;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// A condition's branches, tried in order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ConditionConfig {
    pub branches: Vec<Branch>,
}

/// One branch: its id is the handle taken when its rules hold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Branch {
    pub id: String,
    /// `all` (every rule holds) or `any` (one does).
    #[serde(rename = "match", default)]
    pub mode: MatchMode,
    pub rules: Vec<Rule>,
}

/// How a branch combines its rules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchMode {
    #[default]
    All,
    Any,
}

/// `subject op value`, e.g. `vars.idade greater 17`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Rule {
    pub subject: Subject,
    pub op: Op,
    /// The right-hand side; not needed by `is_set` and `is_empty`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

/// What a rule looks at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Subject {
    /// A session variable (`vars.<name>`).
    Var { name: String },
    /// A contact field: `name`, `phone`, `email` or a custom key.
    ContactField { field: String },
    /// The contact's tags: `contains`/`equals` a tag id (has it), `not_equals` (has not),
    /// `is_set`/`is_empty` (has any / none).
    Tags,
    /// The channel kind (`whatsapp`, `webchat`, …).
    ChannelKind,
    /// Whether the business is open now: compare with `equals true` / `equals false`.
    BusinessHours,
}

/// The comparisons. Text comparisons ignore case and accents; `greater`/`less` compare numbers
/// (`1.234,5` counts) or, failing that, dates (`dd/mm/yyyy` or ISO); anything else is false.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Equals,
    NotEquals,
    Contains,
    StartsWith,
    Greater,
    Less,
    IsSet,
    IsEmpty,
}

impl Op {
    /// Whether the rule needs a `value`.
    #[must_use]
    pub fn needs_value(self) -> bool {
        !matches!(self, Self::IsSet | Self::IsEmpty)
    }
}

/// The handle a condition leaves by: the first branch that holds, else [`ELSE`]. `tags` are the
/// contact's tags as this step sees them (tag nodes earlier in the step included).
#[must_use]
pub fn evaluate<'c>(
    c: &'c ConditionConfig,
    vars: &BTreeMap<String, Value>,
    tags: &[TagId],
    ctx: &FlowContext,
) -> &'c str {
    c.branches
        .iter()
        .find(|b| branch_holds(b, vars, tags, ctx))
        .map_or(ELSE, |b| b.id.as_str())
}

fn branch_holds(b: &Branch, vars: &BTreeMap<String, Value>, tags: &[TagId], ctx: &FlowContext) -> bool {
    let holds = |r: &Rule| rule_holds(r, vars, tags, ctx);
    match b.mode {
        MatchMode::All => !b.rules.is_empty() && b.rules.iter().all(holds),
        MatchMode::Any => b.rules.iter().any(holds),
    }
}

fn rule_holds(r: &Rule, vars: &BTreeMap<String, Value>, tags: &[TagId], ctx: &FlowContext) -> bool {
    let left = match &r.subject {
        Subject::Var { name } => vars.get(name).cloned(),
        Subject::ContactField { field } => ctx.contact.get(field),
        Subject::ChannelKind => Some(Value::String(ctx.channel_kind.clone())),
        Subject::BusinessHours => Some(Value::Bool(ctx.business_open())),
        Subject::Tags => return tags_rule(r, tags),
    };
    compare(left.as_ref(), r.op, r.value.as_ref())
}

fn tags_rule(r: &Rule, tags: &[TagId]) -> bool {
    let wanted = r.value.as_ref().map(text).and_then(|t| t.trim().parse::<TagId>().ok());
    match r.op {
        Op::Equals | Op::Contains => wanted.is_some_and(|w| tags.contains(&w)),
        Op::NotEquals => wanted.is_some_and(|w| !tags.contains(&w)),
        Op::IsSet => !tags.is_empty(),
        Op::IsEmpty => tags.is_empty(),
        Op::StartsWith | Op::Greater | Op::Less => false,
    }
}

/// Text of a JSON value for comparisons: strings as they are, other scalars as JSON.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => parse_number(s.trim()).and_then(|n| n.as_f64()),
        _ => None,
    }
}

fn is_set(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
        Some(_) => true,
    }
}

fn equals(a: &Value, b: &Value) -> bool {
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x == y,
        _ => fold(&text(a)) == fold(&text(b)),
    }
}

fn ordering(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    if let (Some(x), Some(y)) = (number(a), number(b)) {
        return x.partial_cmp(&y);
    }
    let (x, y) = (parse_date(&text(a))?, parse_date(&text(b))?);
    Some(x.cmp(&y))
}

/// Applies `op`; a missing left side equals nothing, contains nothing and is empty.
#[must_use]
pub fn compare(left: Option<&Value>, op: Op, right: Option<&Value>) -> bool {
    match op {
        Op::IsSet => return is_set(left),
        Op::IsEmpty => return !is_set(left),
        _ => {}
    }
    let Some(right) = right else {
        return false;
    };
    let Some(left) = left.filter(|l| !l.is_null()) else {
        return op == Op::NotEquals;
    };
    match op {
        Op::Equals => equals(left, right),
        Op::NotEquals => !equals(left, right),
        Op::Contains => match left {
            Value::Array(items) => items.iter().any(|i| equals(i, right)),
            _ => fold(&text(left)).contains(&fold(&text(right))),
        },
        Op::StartsWith => fold(&text(left)).starts_with(&fold(&text(right))),
        Op::Greater => ordering(left, right) == Some(std::cmp::Ordering::Greater),
        Op::Less => ordering(left, right) == Some(std::cmp::Ordering::Less),
        Op::IsSet | Op::IsEmpty => false,
    }
}
