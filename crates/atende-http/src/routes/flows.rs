//! `/flows`: chatbot flows — the draft graph the builder saves, publishing (the graph checked,
//! a version snapshotted), versions, and the preview.

use super::{double_option, no_content};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Meta, Tenant};
use crate::state::AppState;
use atende_core::flows::publish::{self, FlowVersionView, PreviewView, PublishedView};
use atende_core::flows::{self, FlowChanges, FlowView, NewFlowInput};
use atende_core::people::page_request;
use atende_core::views::Paged;
use atende_domain::flows::{FlowDefinition, Trigger};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListFlowsQuery {
    pub limit: Option<u64>,
    pub cursor: Option<String>,
}

/// The tenant's flows, oldest first (everyone).
#[utoipa::path(get, path = "/flows", tag = "flows", params(ListFlowsQuery),
    security(("bearer" = [])), responses((status = 200, body = Paged<FlowView>)))]
pub async fn list(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiQuery(q): ApiQuery<ListFlowsQuery>,
) -> ApiResult<Json<Paged<FlowView>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    Ok(Json(flows::list(&s.core, &ctx, page).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateFlowBody {
    /// Unique per tenant (409 on `name`).
    #[schema(schema_with = super::contract::display_name)]
    pub name: String,
    #[schema(schema_with = super::contract::flow_description)]
    pub description: Option<String>,
    /// The draft graph; absent: a start node alone. Drafts are saved as they are; publishing
    /// checks the graph.
    pub definition: Option<FlowDefinition>,
    #[serde(default)]
    #[schema(schema_with = super::contract::flow_triggers)]
    pub triggers: Vec<Trigger>,
    #[serde(default, deserialize_with = "atende_domain::values::whole_number::optional")]
    #[schema(schema_with = super::contract::flow_priority)]
    pub priority: Option<i32>,
    /// Whether its triggers start sessions once a version is published (default off).
    pub active: Option<bool>,
}

/// Create a flow (supervisor, admin).
#[utoipa::path(post, path = "/flows", tag = "flows", request_body = CreateFlowBody,
    security(("bearer" = [])), responses((status = 201, body = FlowView)))]
pub async fn create(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<CreateFlowBody>,
) -> ApiResult<(StatusCode, Json<FlowView>)> {
    let input = NewFlowInput {
        name: b.name,
        description: b.description,
        definition: b.definition,
        triggers: b.triggers,
        priority: b.priority,
        active: b.active,
    };
    Ok((
        StatusCode::CREATED,
        Json(flows::create(&s.core, &ctx, input, &meta).await?),
    ))
}

/// One flow, with its draft.
#[utoipa::path(get, path = "/flows/{id}", tag = "flows", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = FlowView)))]
pub async fn get(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<FlowView>> {
    Ok(Json(flows::get(&s.core, &ctx, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateFlowBody {
    #[schema(schema_with = super::contract::display_name)]
    pub name: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(schema_with = super::contract::flow_description)]
    pub description: Option<Option<String>>,
    pub definition: Option<FlowDefinition>,
    #[schema(schema_with = super::contract::flow_triggers)]
    pub triggers: Option<Vec<Trigger>>,
    #[serde(default, deserialize_with = "atende_domain::values::whole_number::optional")]
    #[schema(schema_with = super::contract::flow_priority)]
    pub priority: Option<i32>,
    pub active: Option<bool>,
}

/// Edit a flow's draft, triggers or switches (supervisor, admin). What is published changes
/// only on the next publish.
#[utoipa::path(patch, path = "/flows/{id}", tag = "flows", request_body = UpdateFlowBody,
    params(("id" = Uuid, Path)), security(("bearer" = [])), responses((status = 200, body = FlowView)))]
pub async fn update(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<UpdateFlowBody>,
) -> ApiResult<Json<FlowView>> {
    let input = FlowChanges {
        name: b.name,
        description: b.description,
        definition: b.definition,
        triggers: b.triggers,
        priority: b.priority,
        active: b.active,
    };
    Ok(Json(flows::update(&s.core, &ctx, id, input, &meta).await?))
}

/// Delete a flow and its versions (supervisor, admin).
#[utoipa::path(delete, path = "/flows/{id}", tag = "flows", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 204)))]
pub async fn delete(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    flows::delete(&s.core, &ctx, id, &meta).await?;
    Ok(no_content())
}

/// Publish the draft as the next version (supervisor, admin). A draft whose graph cannot run is
/// a 409 `flow_invalid` whose `fields` name the offending nodes by id (`flow` for the whole
/// graph), with codes in `field_codes` (`unreachable`, `dangling_edge`, `no_start`, …): the
/// request is fine, the stored draft must change (the same answer from the preview).
#[utoipa::path(post, path = "/flows/{id}/publish", tag = "flows", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = PublishedView)))]
pub async fn publish(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<PublishedView>> {
    Ok(Json(publish::publish(&s.core, &ctx, id, &meta).await?))
}

/// A flow's published versions, newest first.
#[utoipa::path(get, path = "/flows/{id}/versions", tag = "flows", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = Vec<FlowVersionView>)))]
pub async fn versions(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<FlowVersionView>>> {
    Ok(Json(publish::versions(&s.core, &ctx, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewBody {
    /// What the customer writes, in order: the first starts the flow, the next ones answer.
    #[schema(schema_with = super::contract::preview_messages)]
    pub messages: Vec<String>,
}

/// Run the draft on sample messages and see the bot's replies and path; nothing is sent
/// (supervisor, admin).
#[utoipa::path(post, path = "/flows/{id}/preview", tag = "flows", request_body = PreviewBody,
    params(("id" = Uuid, Path)), security(("bearer" = [])), responses((status = 200, body = PreviewView)))]
pub async fn preview(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<PreviewBody>,
) -> ApiResult<Json<PreviewView>> {
    Ok(Json(publish::preview(&s.core, &ctx, id, &b.messages).await?))
}
