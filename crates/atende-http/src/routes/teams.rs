//! `/teams` and their members.

use super::{double_option, no_content};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Meta, Tenant};
use crate::state::AppState;
use atende_core::people::{org, page_request};
use atende_core::views::{Paged, TeamView};
use atende_domain::{TeamId, UserId};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListTeamsQuery {
    pub limit: Option<u64>,
    pub cursor: Option<String>,
    /// Only teams of this department.
    pub department_id: Option<Uuid>,
}

/// Teams of the tenant, with their member ids.
#[utoipa::path(get, path = "/teams", tag = "org", params(ListTeamsQuery),
    security(("bearer" = [])), responses((status = 200, body = Paged<TeamView>)))]
pub async fn list(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiQuery(q): ApiQuery<ListTeamsQuery>,
) -> ApiResult<Json<Paged<TeamView>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    Ok(Json(org::list_teams(&s.core, &ctx, page, q.department_id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTeamBody {
    #[schema(schema_with = super::contract::display_name)]
    pub name: String,
    #[schema(schema_with = super::contract::description)]
    pub description: Option<String>,
    pub department_id: Option<Uuid>,
}

/// Create a team (supervisor, admin).
#[utoipa::path(post, path = "/teams", tag = "org", request_body = CreateTeamBody,
    security(("bearer" = [])), responses((status = 201, body = TeamView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<CreateTeamBody>,
) -> ApiResult<(StatusCode, Json<TeamView>)> {
    let t = org::create_team(&s.core, &ctx, &b.name, b.description.as_deref(), b.department_id, &meta).await?;
    Ok((StatusCode::CREATED, Json(t)))
}

/// One team.
#[utoipa::path(get, path = "/teams/{id}", tag = "org", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = TeamView)))]
pub async fn get(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiPath(id): ApiPath<TeamId>,
) -> ApiResult<Json<TeamView>> {
    Ok(Json(org::get_team(&s.core, &ctx, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTeamBody {
    #[schema(schema_with = super::contract::display_name_opt)]
    pub name: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(schema_with = super::contract::description)]
    pub description: Option<Option<String>>,
    /// `null` takes the team out of its department.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub department_id: Option<Option<Uuid>>,
}

/// Update a team.
#[utoipa::path(patch, path = "/teams/{id}", tag = "org", request_body = UpdateTeamBody, params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = TeamView)))]
pub async fn update(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<TeamId>,
    ApiJson(b): ApiJson<UpdateTeamBody>,
) -> ApiResult<Json<TeamView>> {
    let input = org::UpdateTeam {
        name: b.name.as_deref(),
        description: b.description.as_ref().map(Option::as_deref),
        department_id: b.department_id,
    };
    Ok(Json(org::update_team(&s.core, &ctx, id, input, &meta).await?))
}

/// Delete a team.
#[utoipa::path(delete, path = "/teams/{id}", tag = "org", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 204)))]
pub async fn delete(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<TeamId>,
) -> ApiResult<StatusCode> {
    org::delete_team(&s.core, &ctx, id, &meta).await?;
    Ok(no_content())
}

/// A team's members (user ids).
#[utoipa::path(get, path = "/teams/{id}/members", tag = "org", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = TeamView)))]
pub async fn list_members(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiPath(id): ApiPath<TeamId>,
) -> ApiResult<Json<TeamView>> {
    Ok(Json(org::get_team(&s.core, &ctx, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMemberBody {
    pub user_id: Uuid,
}

/// Add a tenant member to the team.
#[utoipa::path(post, path = "/teams/{id}/members", tag = "org", request_body = AddMemberBody, params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 201, body = TeamView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn add_member(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<TeamId>,
    ApiJson(b): ApiJson<AddMemberBody>,
) -> ApiResult<(StatusCode, Json<TeamView>)> {
    Ok((
        StatusCode::CREATED,
        Json(org::add_team_member(&s.core, &ctx, id, UserId(b.user_id), &meta).await?),
    ))
}

/// Remove a member from the team.
#[utoipa::path(delete, path = "/teams/{id}/members/{user_id}", tag = "org", params(("id" = Uuid, Path), ("user_id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 204)))]
pub async fn remove_member(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath((id, user)): ApiPath<(TeamId, UserId)>,
) -> ApiResult<StatusCode> {
    org::remove_team_member(&s.core, &ctx, id, user, &meta).await?;
    Ok(no_content())
}
