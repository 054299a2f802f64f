//! Chatbot flows (issue 11): the flows a supervisor builds, their published versions and the
//! preview. The graph, its checks and the interpreter are pure (`atende_domain::flows`); this
//! module stores and authorizes.
//!
//! Permissions: everyone in the tenant reads flows (`ConversationsRead`: an agent sees which
//! bot talks to a customer); creating, editing, publishing and deleting them is
//! `ConversationsManage` (supervisor, admin), like quick replies: a flow speaks for the business.
//!
//! # Layout
//! - this module: views, list/get/create/update/delete.
//! - [`publish`]: publish (validate, snapshot a version), versions, preview.

pub mod publish;

use crate::Core;
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::authz::require;
use crate::error::{CoreError, CoreResult};
use crate::views::Paged;
use atende_db::DbError;
use atende_db::TenantTx;
use atende_db::entities::flows::Model;
use atende_db::page::PageRequest;
use atende_db::repo::channels;
use atende_db::repo::flows::{self, FlowPatch, NewFlow};
use atende_domain::flows::{FlowDefinition, Node, NodeKind, Position, StartConfig, Trigger};
use atende_domain::values::{NAME_MAX, parse_name};
use atende_domain::{Action, FieldErrors, TenantCtx, ValidationError};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub const DESCRIPTION_MAX: usize = 500;
/// Priorities run from 0 to this; a higher one wins when two flows match a message.
pub const PRIORITY_MAX: i32 = 1000;
/// Triggers per flow.
pub const TRIGGERS_MAX: usize = 20;

/// A flow: its draft graph, triggers and what is published.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FlowView {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    /// The draft the builder edits; publishing snapshots it as a version.
    pub definition: FlowDefinition,
    pub triggers: Vec<Trigger>,
    /// 0–1000; a higher one wins when two flows match.
    pub priority: i32,
    /// Whether its triggers start sessions (only once a version is published).
    pub active: bool,
    /// The published version's number, `null` before the first publish.
    pub published_version: Option<i32>,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Model> for FlowView {
    fn from(f: &Model) -> Self {
        Self {
            id: f.id,
            name: f.name.clone(),
            description: f.description.clone(),
            definition: serde_json::from_value(f.definition.clone()).unwrap_or_default(),
            triggers: serde_json::from_value(f.triggers.clone()).unwrap_or_default(),
            priority: f.priority,
            active: f.active,
            published_version: f.published_version,
            published_at: f.published_at,
            created_at: f.created_at,
            updated_at: f.updated_at,
        }
    }
}

/// The graph of a new flow: one start node, where the builder draws it first.
#[must_use]
pub fn starter_definition() -> FlowDefinition {
    FlowDefinition {
        nodes: vec![Node {
            id: "start".into(),
            kind: NodeKind::Start(StartConfig::default()),
            position: Position { x: 0.0, y: 0.0 },
        }],
        edges: Vec::new(),
    }
}

fn parse_description(raw: &str) -> Result<Option<String>, ValidationError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.chars().count() > DESCRIPTION_MAX {
        return Err(ValidationError::new(
            "too_long",
            format!("must have at most {DESCRIPTION_MAX} characters"),
        ));
    }
    Ok(Some(s.to_owned()))
}

fn check_priority(p: i32) -> Result<i32, ValidationError> {
    if (0..=PRIORITY_MAX).contains(&p) {
        Ok(p)
    } else {
        Err(ValidationError::new(
            "out_of_range",
            format!("must be 0 to {PRIORITY_MAX}"),
        ))
    }
}

fn check_triggers(t: &[Trigger]) -> Result<serde_json::Value, ValidationError> {
    if t.len() > TRIGGERS_MAX {
        return Err(ValidationError::new(
            "too_many",
            format!("at most {TRIGGERS_MAX} triggers"),
        ));
    }
    for trigger in t {
        trigger.validate()?;
    }
    serde_json::to_value(t).map_err(|_| ValidationError::new("invalid", "cannot be stored"))
}

/// Channels named by `NewConversation` triggers must be the tenant's (404 on `triggers`).
async fn check_trigger_channels(tx: &TenantTx, t: &[Trigger]) -> CoreResult<()> {
    for trigger in t {
        if let Trigger::NewConversation { channel_id } = trigger
            && channels::get_any(tx, channel_id.uuid()).await?.is_none()
        {
            return Err(CoreError::MissingReference {
                field: "triggers".into(),
                message: format!("no channel {}", channel_id.uuid()),
            });
        }
    }
    Ok(())
}

fn name_taken(e: DbError) -> CoreError {
    match e {
        DbError::Conflict { .. } => CoreError::Conflict {
            code: "already_exists",
            field: "name".into(),
            message: "another flow has this name".into(),
        },
        other => other.into(),
    }
}

/// The tenant's flows, oldest first.
///
/// # Errors
/// Database failure.
pub async fn list(core: &Core, ctx: &TenantCtx, page: PageRequest) -> CoreResult<Paged<FlowView>> {
    require(ctx, Action::ConversationsRead)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let rows = flows::list(&tx, page).await?;
    tx.commit().await?;
    Ok(Paged::from_page(rows, |f| FlowView::from(&f)))
}

/// # Errors
/// `NotFound`, also for another tenant's flow.
pub async fn get(core: &Core, ctx: &TenantCtx, id: Uuid) -> CoreResult<FlowView> {
    require(ctx, Action::ConversationsRead)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let f = flows::get(&tx, id).await?;
    tx.commit().await?;
    Ok(FlowView::from(&f))
}

/// What a client sends to create a flow.
#[derive(Clone, Debug, Default)]
pub struct NewFlowInput {
    pub name: String,
    pub description: Option<String>,
    /// `None`: a start node alone ([`starter_definition`]).
    pub definition: Option<FlowDefinition>,
    pub triggers: Vec<Trigger>,
    pub priority: Option<i32>,
    pub active: Option<bool>,
}

/// Creates a draft flow (supervisor, admin). Drafts are not checked as graphs: the builder saves
/// work in progress; publishing checks.
///
/// # Errors
/// `Forbidden`; `Validation`; `MissingReference` on `triggers`; `Conflict` on `name`.
pub async fn create(core: &Core, ctx: &TenantCtx, input: NewFlowInput, meta: &RequestMeta) -> CoreResult<FlowView> {
    require(ctx, Action::ConversationsManage)?;
    let mut errs = FieldErrors::new();
    let name = errs.check("name", parse_name(&input.name, NAME_MAX));
    let description = input
        .description
        .as_deref()
        .and_then(|d| errs.check("description", parse_description(d)))
        .flatten();
    let triggers = errs.check("triggers", check_triggers(&input.triggers));
    let priority = errs.check("priority", check_priority(input.priority.unwrap_or(0)));
    errs.into_result()?;
    let definition = input.definition.unwrap_or_else(starter_definition);
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    check_trigger_channels(&tx, &input.triggers).await?;
    let new = NewFlow {
        name: name.unwrap_or_default(),
        description,
        definition: serde_json::to_value(&definition).map_err(|e| CoreError::Internal(e.to_string()))?,
        triggers: triggers.unwrap_or_default(),
        priority: priority.unwrap_or_default(),
        active: input.active.unwrap_or(false),
    };
    let f = flows::create(&tx, new).await.map_err(name_taken)?;
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("flows.create", "flow", f.id).after(&serde_json::json!({ "name": f.name })),
    )
    .await?;
    tx.commit().await?;
    Ok(FlowView::from(&f))
}

/// A flow's changes; `Some(None)` clears the description.
#[derive(Clone, Debug, Default)]
pub struct FlowChanges {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub definition: Option<FlowDefinition>,
    pub triggers: Option<Vec<Trigger>>,
    pub priority: Option<i32>,
    pub active: Option<bool>,
}

/// Edits a flow's draft, triggers or switches (supervisor, admin). The published version is
/// unchanged until the next publish.
///
/// # Errors
/// `Forbidden`; `NotFound`; `Validation`; `MissingReference` on `triggers`; `Conflict` on `name`.
pub async fn update(
    core: &Core,
    ctx: &TenantCtx,
    id: Uuid,
    input: FlowChanges,
    meta: &RequestMeta,
) -> CoreResult<FlowView> {
    require(ctx, Action::ConversationsManage)?;
    let mut errs = FieldErrors::new();
    let name = input
        .name
        .as_deref()
        .and_then(|n| errs.check("name", parse_name(n, NAME_MAX)));
    let description = input.description.as_ref().map(|d| {
        d.as_deref()
            .and_then(|d| errs.check("description", parse_description(d)).flatten())
    });
    let triggers = input
        .triggers
        .as_deref()
        .and_then(|t| errs.check("triggers", check_triggers(t)));
    let priority = input.priority.and_then(|p| errs.check("priority", check_priority(p)));
    errs.into_result()?;
    let definition = input
        .definition
        .as_ref()
        .map(serde_json::to_value)
        .transpose()
        .map_err(|e| CoreError::Internal(e.to_string()))?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    if let Some(t) = &input.triggers {
        check_trigger_channels(&tx, t).await?;
    }
    let current = flows::get(&tx, id).await?;
    let patch = FlowPatch {
        name,
        description,
        definition,
        triggers,
        priority,
        active: input.active,
    };
    let f = flows::update(&tx, current, patch).await.map_err(name_taken)?;
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("flows.update", "flow", f.id).after(&serde_json::json!({ "name": f.name, "active": f.active })),
    )
    .await?;
    tx.commit().await?;
    Ok(FlowView::from(&f))
}

/// Deletes a flow and its versions (supervisor, admin).
///
/// # Errors
/// `Forbidden`; `NotFound`.
pub async fn delete(core: &Core, ctx: &TenantCtx, id: Uuid, meta: &RequestMeta) -> CoreResult<()> {
    require(ctx, Action::ConversationsManage)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let f = flows::get(&tx, id).await?;
    let name = f.name.clone();
    flows::delete(&tx, f).await?;
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("flows.delete", "flow", id).before(&serde_json::json!({ "name": name })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
