//! `/quick-replies`: canned answers behind a `/shortcut`, searchable for the composer's popup.

use super::{double_option, no_content};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Meta, Tenant};
use crate::state::AppState;
use atende_core::messaging::quick_replies::{
    self, AttachmentRef, NewQuickReplyInput, QuickReplyChanges, QuickReplyView,
};
use atende_core::people::page_request;
use atende_core::views::Paged;
use atende_domain::QuickReplyId;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuickRepliesQuery {
    pub limit: Option<u64>,
    pub cursor: Option<String>,
    /// What the agent typed: a prefix of the shortcut (`/sau` or `sau`), or words that all
    /// appear in the title or content.
    pub q: Option<String>,
    /// Only this category.
    pub category: Option<String>,
}

/// Quick replies of the tenant, oldest first (everyone).
#[utoipa::path(get, path = "/quick-replies", tag = "quick_replies", params(ListQuickRepliesQuery),
    security(("bearer" = [])), responses((status = 200, body = Paged<QuickReplyView>)))]
pub async fn list(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiQuery(q): ApiQuery<ListQuickRepliesQuery>,
) -> ApiResult<Json<Paged<QuickReplyView>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    Ok(Json(
        quick_replies::list(&s.core, &ctx, q.q.as_deref(), q.category.as_deref(), page).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateQuickReplyBody {
    /// `/saudacao` (the `/` is added when missing); unique per tenant (409 on `shortcut`).
    #[schema(schema_with = super::contract::shortcut)]
    pub shortcut: String,
    #[schema(schema_with = super::contract::quick_reply_title)]
    pub title: String,
    /// Up to 4096 characters.
    #[schema(schema_with = super::contract::quick_reply_content)]
    pub content: String,
    #[schema(schema_with = super::contract::quick_reply_category)]
    pub category: Option<String>,
    pub attachment: Option<AttachmentRef>,
}

/// Create a quick reply (supervisor, admin).
#[utoipa::path(post, path = "/quick-replies", tag = "quick_replies", request_body = CreateQuickReplyBody,
    security(("bearer" = [])), responses((status = 201, body = QuickReplyView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<CreateQuickReplyBody>,
) -> ApiResult<(StatusCode, Json<QuickReplyView>)> {
    let input = NewQuickReplyInput {
        shortcut: b.shortcut,
        title: b.title,
        content: b.content,
        category: b.category,
        attachment: b.attachment,
    };
    Ok((
        StatusCode::CREATED,
        Json(quick_replies::create(&s.core, &ctx, input, &meta).await?),
    ))
}

/// One quick reply.
#[utoipa::path(get, path = "/quick-replies/{id}", tag = "quick_replies", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = QuickReplyView)))]
pub async fn get(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiPath(id): ApiPath<QuickReplyId>,
) -> ApiResult<Json<QuickReplyView>> {
    Ok(Json(quick_replies::get(&s.core, &ctx, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateQuickReplyBody {
    #[schema(schema_with = super::contract::shortcut)]
    pub shortcut: Option<String>,
    #[schema(schema_with = super::contract::quick_reply_title)]
    pub title: Option<String>,
    #[schema(schema_with = super::contract::quick_reply_content)]
    pub content: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(schema_with = super::contract::quick_reply_category)]
    pub category: Option<Option<String>>,
    /// `null` removes it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<AttachmentRef>)]
    pub attachment: Option<Option<AttachmentRef>>,
}

/// Edit a quick reply (supervisor, admin).
#[utoipa::path(patch, path = "/quick-replies/{id}", tag = "quick_replies", request_body = UpdateQuickReplyBody,
    params(("id" = uuid::Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = QuickReplyView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn update(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<QuickReplyId>,
    ApiJson(b): ApiJson<UpdateQuickReplyBody>,
) -> ApiResult<Json<QuickReplyView>> {
    let input = QuickReplyChanges {
        shortcut: b.shortcut,
        title: b.title,
        content: b.content,
        category: b.category,
        attachment: b.attachment,
    };
    Ok(Json(quick_replies::update(&s.core, &ctx, id, input, &meta).await?))
}

/// Delete a quick reply (supervisor, admin).
#[utoipa::path(delete, path = "/quick-replies/{id}", tag = "quick_replies", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 204)))]
pub async fn delete(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<QuickReplyId>,
) -> ApiResult<StatusCode> {
    quick_replies::delete(&s.core, &ctx, id, &meta).await?;
    Ok(no_content())
}
