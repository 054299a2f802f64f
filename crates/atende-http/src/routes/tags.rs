//! `/tags`: the tenant's labels, shared by contacts and conversations.

use super::{double_option, no_content};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Meta, Tenant};
use crate::state::AppState;
use atende_core::messaging::tags::{self, TagView};
use atende_core::people::page_request;
use atende_core::views::Paged;
use atende_domain::TagId;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListTagsQuery {
    pub limit: Option<u64>,
    pub cursor: Option<String>,
}

/// Tags of the tenant, oldest first (everyone).
#[utoipa::path(get, path = "/tags", tag = "tags", params(ListTagsQuery),
    security(("bearer" = [])), responses((status = 200, body = Paged<TagView>)))]
pub async fn list(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiQuery(q): ApiQuery<ListTagsQuery>,
) -> ApiResult<Json<Paged<TagView>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    Ok(Json(tags::list(&s.core, &ctx, page).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTagBody {
    /// Unique per tenant, ignoring case (409 on `name`).
    #[schema(schema_with = super::contract::tag_name)]
    pub name: String,
    /// `#rrggbb`.
    #[schema(schema_with = super::contract::color)]
    pub color: Option<String>,
}

/// Create a tag (supervisor, admin).
#[utoipa::path(post, path = "/tags", tag = "tags", request_body = CreateTagBody,
    security(("bearer" = [])), responses((status = 201, body = TagView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<CreateTagBody>,
) -> ApiResult<(StatusCode, Json<TagView>)> {
    let t = tags::create(&s.core, &ctx, &b.name, b.color.as_deref(), &meta).await?;
    Ok((StatusCode::CREATED, Json(t)))
}

/// One tag.
#[utoipa::path(get, path = "/tags/{id}", tag = "tags", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = TagView)))]
pub async fn get(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiPath(id): ApiPath<TagId>,
) -> ApiResult<Json<TagView>> {
    Ok(Json(tags::get(&s.core, &ctx, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTagBody {
    #[schema(schema_with = super::contract::tag_name_opt)]
    pub name: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(schema_with = super::contract::color)]
    pub color: Option<Option<String>>,
}

/// Rename or recolour a tag (supervisor, admin).
#[utoipa::path(patch, path = "/tags/{id}", tag = "tags", request_body = UpdateTagBody, params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = TagView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn update(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<TagId>,
    ApiJson(b): ApiJson<UpdateTagBody>,
) -> ApiResult<Json<TagView>> {
    let color = b.color.as_ref().map(Option::as_deref);
    Ok(Json(
        tags::update(&s.core, &ctx, id, b.name.as_deref(), color, &meta).await?,
    ))
}

/// Delete a tag (supervisor, admin); it leaves every contact and conversation it was on.
#[utoipa::path(delete, path = "/tags/{id}", tag = "tags", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 204)))]
pub async fn delete(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<TagId>,
) -> ApiResult<StatusCode> {
    tags::delete(&s.core, &ctx, id, &meta).await?;
    Ok(no_content())
}
