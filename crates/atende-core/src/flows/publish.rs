//! Publishing a flow (its draft checked as a graph, then snapshotted as the next version), its
//! versions, and the preview that runs the draft on sample messages without sending anything.

use super::FlowView;
use crate::Core;
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::authz::require;
use crate::error::{CoreError, CoreResult};
use atende_db::DbError;
use atende_db::entities::flow_versions;
use atende_db::repo::flows;
use atende_domain::flows::{ContactFacts, Effect, FlowContext, FlowDefinition, FlowIssue, simulate, validate};
use atende_domain::{Action, FieldErrors, TenantCtx};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Messages a preview takes at most.
pub const PREVIEW_MESSAGES_MAX: usize = 50;
/// Characters per preview message.
pub const PREVIEW_MESSAGE_MAX: usize = 4096;

/// The field a graph issue is reported under: its node's id, or `flow` for the whole graph.
pub const FLOW_FIELD: &str = "flow";

/// A published snapshot of a flow.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FlowVersionView {
    pub id: Uuid,
    pub flow_id: Uuid,
    /// 1, 2, …
    pub version: i32,
    pub definition: FlowDefinition,
    /// Who published it (`null` for an API key).
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<&flow_versions::Model> for FlowVersionView {
    fn from(v: &flow_versions::Model) -> Self {
        Self {
            id: v.id,
            flow_id: v.flow_id,
            version: v.version,
            definition: serde_json::from_value(v.definition.clone()).unwrap_or_default(),
            created_by: v.created_by,
            created_at: v.created_at,
        }
    }
}

/// A flow and the version just published.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublishedView {
    pub flow: FlowView,
    pub version: FlowVersionView,
}

/// The code of a draft whose graph cannot run.
pub const FLOW_INVALID: &str = "flow_invalid";

/// The graph's issues as a 409 `flow_invalid`: one entry per offending node (its id as the
/// field), `flow` for issues of the whole graph; codes from `atende_domain::flows`.
fn issues_error(issues: Vec<FlowIssue>) -> CoreError {
    let mut errors = FieldErrors::new();
    for i in issues {
        errors.add_code(i.node_id.as_deref().unwrap_or(FLOW_FIELD), i.code, i.message);
    }
    CoreError::InvalidState {
        code: FLOW_INVALID,
        message: "the flow's graph has issues; fix the draft and publish again".into(),
        errors,
    }
}

/// The stored draft, checked as a graph.
fn checked_draft(f: &atende_db::entities::flows::Model) -> CoreResult<FlowDefinition> {
    let def: FlowDefinition = serde_json::from_value(f.definition.clone())
        .map_err(|e| CoreError::Internal(format!("flow {} has an unreadable draft: {e}", f.id)))?;
    validate(&def).map_err(issues_error)?;
    Ok(def)
}

/// Publishes the draft as the next version (supervisor, admin). Sessions already running keep
/// the version they started on.
///
/// # Errors
/// `Forbidden`; `NotFound`; `InvalidState` `flow_invalid` with the graph's issues by node id (409);
/// `Conflict` on `version` when another publish of the same flow won the race.
pub async fn publish(core: &Core, ctx: &TenantCtx, id: Uuid, meta: &RequestMeta) -> CoreResult<PublishedView> {
    require(ctx, Action::ConversationsManage)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let f = flows::get(&tx, id).await?;
    let def = checked_draft(&f)?;
    let json = serde_json::to_value(&def).map_err(|e| CoreError::Internal(e.to_string()))?;
    let (f, v) = flows::publish(&tx, f, json, ctx.user_id().map(|u| u.uuid()))
        .await
        .map_err(|e| match e {
            DbError::Conflict { .. } => CoreError::Conflict {
                code: "already_exists",
                field: "version".into(),
                message: "the flow was published meanwhile; try again".into(),
            },
            other => other.into(),
        })?;
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("flows.publish", "flow", f.id).after(&serde_json::json!({ "version": v.version })),
    )
    .await?;
    tx.commit().await?;
    Ok(PublishedView {
        flow: FlowView::from(&f),
        version: FlowVersionView::from(&v),
    })
}

/// A flow's published versions, newest first.
///
/// # Errors
/// `NotFound`, also for another tenant's flow.
pub async fn versions(core: &Core, ctx: &TenantCtx, id: Uuid) -> CoreResult<Vec<FlowVersionView>> {
    require(ctx, Action::ConversationsRead)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    flows::get(&tx, id).await?;
    let rows = flows::versions(&tx, id).await?;
    tx.commit().await?;
    Ok(rows.iter().map(FlowVersionView::from).collect())
}

/// What the bot would do with some messages.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PreviewView {
    /// Every effect in order: the messages the bot would send (`send_*`), and its schedules,
    /// tags, transfers and logs.
    pub replies: Vec<Effect>,
    /// Node ids in the order they ran.
    pub path: Vec<String>,
    /// The session's status at the end (`waiting_input`, `completed`, `handed_off`, …).
    pub status: String,
}

/// Runs the draft on `messages` as a customer "Maria Silva" would send them, sending nothing.
/// The first message is the one that starts the flow; the later ones answer its questions.
/// Delays are skipped and webhook nodes follow `failure` (nothing leaves the server).
///
/// # Errors
/// `Forbidden`; `NotFound`; `Validation` on `messages`; `InvalidState` `flow_invalid` with the
/// graph's issues by node id.
pub async fn preview(core: &Core, ctx: &TenantCtx, id: Uuid, messages: &[String]) -> CoreResult<PreviewView> {
    require(ctx, Action::ConversationsManage)?;
    if messages.len() > PREVIEW_MESSAGES_MAX || messages.iter().any(|m| m.chars().count() > PREVIEW_MESSAGE_MAX) {
        return Err(CoreError::field(
            "messages",
            format!("at most {PREVIEW_MESSAGES_MAX} messages of at most {PREVIEW_MESSAGE_MAX} characters"),
        ));
    }
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let f = flows::get(&tx, id).await?;
    tx.commit().await?;
    let def = checked_draft(&f)?;
    let ctx = FlowContext {
        conversation_id: None,
        contact: ContactFacts {
            name: Some("Maria Silva".into()),
            phone: Some("+5511987654321".into()),
            email: None,
            fields: Default::default(),
        },
        tags: Vec::new(),
        channel_kind: atende_db::repo::channels::kind::WHATSAPP_CLOUD.into(),
        business_hours: None,
        now: Utc::now(),
    };
    let refs: Vec<&str> = messages.iter().map(String::as_str).collect();
    let sim = simulate(&def, &refs, &ctx);
    Ok(PreviewView {
        replies: sim.replies,
        path: sim.path,
        status: sim.state.status.name().to_owned(),
    })
}
