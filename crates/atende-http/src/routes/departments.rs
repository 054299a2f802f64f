//! `/departments`.

use super::{double_option, no_content};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Meta, Tenant};
use crate::state::AppState;
use atende_core::people::{org, page_request};
use atende_core::views::{DepartmentView, Paged};
use atende_domain::DepartmentId;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1-200, default 50.
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Departments of the tenant.
#[utoipa::path(get, path = "/departments", tag = "org", params(PageQuery),
    security(("bearer" = [])), responses((status = 200, body = Paged<DepartmentView>)))]
pub async fn list(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<DepartmentView>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    Ok(Json(org::list_departments(&s.core, &ctx, page).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDepartmentBody {
    #[schema(schema_with = super::contract::display_name)]
    pub name: String,
    #[schema(schema_with = super::contract::description)]
    pub description: Option<String>,
}

/// Create a department (supervisor, admin).
#[utoipa::path(post, path = "/departments", tag = "org", request_body = CreateDepartmentBody,
    security(("bearer" = [])), responses((status = 201, body = DepartmentView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<CreateDepartmentBody>,
) -> ApiResult<(StatusCode, Json<DepartmentView>)> {
    let d = org::create_department(&s.core, &ctx, &b.name, b.description.as_deref(), &meta).await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// One department.
#[utoipa::path(get, path = "/departments/{id}", tag = "org", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = DepartmentView)))]
pub async fn get(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiPath(id): ApiPath<DepartmentId>,
) -> ApiResult<Json<DepartmentView>> {
    Ok(Json(org::get_department(&s.core, &ctx, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDepartmentBody {
    #[schema(schema_with = super::contract::display_name_opt)]
    pub name: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(schema_with = super::contract::description)]
    pub description: Option<Option<String>>,
}

/// Rename or describe a department.
#[utoipa::path(patch, path = "/departments/{id}", tag = "org", request_body = UpdateDepartmentBody, params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = DepartmentView)))]
pub async fn update(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<DepartmentId>,
    ApiJson(b): ApiJson<UpdateDepartmentBody>,
) -> ApiResult<Json<DepartmentView>> {
    let desc = b.description.as_ref().map(Option::as_deref);
    Ok(Json(
        org::update_department(&s.core, &ctx, id, b.name.as_deref(), desc, &meta).await?,
    ))
}

/// Delete a department (its teams stay, without a department).
#[utoipa::path(delete, path = "/departments/{id}", tag = "org", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 204)))]
pub async fn delete(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<DepartmentId>,
) -> ApiResult<StatusCode> {
    org::delete_department(&s.core, &ctx, id, &meta).await?;
    Ok(no_content())
}
