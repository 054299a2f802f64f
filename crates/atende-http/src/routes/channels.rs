//! `/channels`: connect a WhatsApp number or a web-chat widget, settings, activation, health.

use super::no_content;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Meta, Tenant};
use crate::state::AppState;
use atende_core::channels::setup::ChannelSetup;
use atende_core::channels::{self, ChannelHealth, ChannelView, Connect, Update};
use atende_core::people::page_request;
use atende_core::views::Paged;
use atende_domain::ChannelId;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListChannelsQuery {
    pub limit: Option<u64>,
    pub cursor: Option<String>,
    /// Only channels of this kind (`whatsapp_cloud`, `webchat`).
    #[param(schema_with = super::contract::channel_kind)]
    pub kind: Option<String>,
}

/// Channels of the tenant.
#[utoipa::path(get, path = "/channels", tag = "channels", params(ListChannelsQuery),
    security(("bearer" = [])), responses((status = 200, body = Paged<ChannelView>)))]
pub async fn list(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiQuery(q): ApiQuery<ListChannelsQuery>,
) -> ApiResult<Json<Paged<ChannelView>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    Ok(Json(channels::list(&s.core, &ctx, page, q.kind.as_deref()).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectBody {
    /// `whatsapp_cloud` or `webchat`.
    #[schema(schema_with = super::contract::channel_kind)]
    pub kind: String,
    #[schema(schema_with = super::contract::display_name)]
    pub name: String,
    /// WhatsApp: `phone_number_id`, `waba_id`, `access_token`, `app_secret`, `verify_token`.
    /// Never returned afterwards.
    #[schema(value_type = Option<Object>)]
    pub credentials: Option<serde_json::Value>,
    /// `greeting`, `away_message`, `reopen_window_hours`, `default_team_id`, `allowed_origins`,
    /// `pre_chat_form`.
    #[schema(value_type = Option<Object>)]
    pub settings: Option<serde_json::Value>,
}

/// Connect a channel (admin). WhatsApp credentials are checked with Graph first.
#[utoipa::path(post, path = "/channels/connectors", tag = "channels", request_body = ConnectBody,
    security(("bearer" = [])), responses((status = 201, body = ChannelView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn connect(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<ConnectBody>,
) -> ApiResult<(StatusCode, Json<ChannelView>)> {
    let input = Connect {
        kind: b.kind,
        name: b.name,
        credentials: b.credentials,
        settings: b.settings,
    };
    Ok((
        StatusCode::CREATED,
        Json(channels::connect(&s.core, &ctx, input, &meta).await?),
    ))
}

/// One channel.
#[utoipa::path(get, path = "/channels/{id}", tag = "channels", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = ChannelView)))]
pub async fn get(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiPath(id): ApiPath<ChannelId>,
) -> ApiResult<Json<ChannelView>> {
    Ok(Json(channels::get(&s.core, &ctx, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateChannelBody {
    #[schema(schema_with = super::contract::display_name_opt)]
    pub name: Option<String>,
    /// Merged key by key; `null` removes a key.
    #[schema(value_type = Option<Object>)]
    pub settings: Option<serde_json::Value>,
    /// Merged over the stored credentials and checked again (rotate a token by sending only it).
    #[schema(value_type = Option<Object>)]
    pub credentials: Option<serde_json::Value>,
}

/// Update a channel (admin).
#[utoipa::path(patch, path = "/channels/{id}", tag = "channels", request_body = UpdateChannelBody,
    params(("id" = uuid::Uuid, Path)), security(("bearer" = [])), responses((status = 200, body = ChannelView)))]
pub async fn update(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<ChannelId>,
    ApiJson(b): ApiJson<UpdateChannelBody>,
) -> ApiResult<Json<ChannelView>> {
    let input = Update {
        name: b.name,
        settings: b.settings,
        credentials: b.credentials,
    };
    Ok(Json(channels::update(&s.core, &ctx, id, input, &meta).await?))
}

/// Remove a channel (admin). Its conversations and messages stay.
#[utoipa::path(delete, path = "/channels/{id}", tag = "channels", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 204)))]
pub async fn delete(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<ChannelId>,
) -> ApiResult<StatusCode> {
    channels::delete(&s.core, &ctx, id, &meta).await?;
    Ok(no_content())
}

/// Check the credentials again and mark the channel connected (or in error, with the reason).
#[utoipa::path(post, path = "/channels/accounts/{id}/activate", tag = "channels", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = ChannelView)))]
pub async fn activate(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<ChannelId>,
) -> ApiResult<Json<ChannelView>> {
    Ok(Json(channels::activate(&s.core, &ctx, id, &meta).await?))
}

/// Live health of a channel: provider check, queue backlog.
#[utoipa::path(get, path = "/channels/{id}/health", tag = "channels", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = ChannelHealth)))]
pub async fn health(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiPath(id): ApiPath<ChannelId>,
) -> ApiResult<Json<ChannelHealth>> {
    Ok(Json(channels::health(&s.core, &ctx, id).await?))
}

/// What the connect form needs before a channel exists: the public address and whether Meta
/// can deliver webhooks to it (HTTPS, not a local address).
#[utoipa::path(get, path = "/channels/setup", tag = "channels", security(("bearer" = [])), responses(
    (status = 200, body = ChannelSetup),
    (status = 401, body = crate::error::ErrorBody),
    (status = 403, body = crate::error::ErrorBody)))]
pub async fn setup(State(s): State<AppState>, Tenant(ctx, _): Tenant) -> ApiResult<Json<ChannelSetup>> {
    Ok(Json(channels::setup::setup(&s.core, &ctx)?))
}
