//! `/api-keys`: integration keys (admins).

use super::departments::PageQuery;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Meta, Tenant};
use crate::state::AppState;
use atende_core::people::{api_keys, page_request};
use atende_core::views::{ApiKeyCreated, ApiKeyView, Paged};
use atende_domain::ApiKeyId;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

/// The tenant's API keys (never their secrets).
#[utoipa::path(get, path = "/api-keys", tag = "api_keys", params(PageQuery),
    security(("bearer" = [])), responses((status = 200, body = Paged<ApiKeyView>)))]
pub async fn list(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<ApiKeyView>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    Ok(Json(api_keys::list(&s.core, &ctx, page).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKeyBody {
    #[schema(schema_with = super::contract::display_name)]
    pub name: String,
    /// The role the key acts with: `admin`, `supervisor`, `agent` or `viewer`.
    #[schema(value_type = atende_domain::Role)]
    pub role: String,
}

/// Create a key. The secret is in this response only.
#[utoipa::path(post, path = "/api-keys", tag = "api_keys", request_body = CreateApiKeyBody,
    security(("bearer" = [])), responses((status = 201, body = ApiKeyCreated)))]
pub async fn create(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<CreateApiKeyBody>,
) -> ApiResult<(StatusCode, Json<ApiKeyCreated>)> {
    Ok((
        StatusCode::CREATED,
        Json(api_keys::create(&s.core, &ctx, &b.name, &b.role, &meta).await?),
    ))
}

/// Revoke a key (it stops working at once).
#[utoipa::path(delete, path = "/api-keys/{id}", tag = "api_keys", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = ApiKeyView)))]
pub async fn revoke(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<ApiKeyId>,
) -> ApiResult<Json<ApiKeyView>> {
    Ok(Json(api_keys::revoke(&s.core, &ctx, id, &meta).await?))
}
