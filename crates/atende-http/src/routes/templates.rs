//! `/whatsapp/templates`: approved message templates per channel, synced from Graph.

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Meta, Tenant};
use crate::state::AppState;
use atende_core::inbox::templates::{self, SyncReport, TemplateView};
use atende_core::people::page_request;
use atende_core::views::Paged;
use atende_domain::ChannelId;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemplatesQuery {
    pub channel_id: Option<Uuid>,
    /// `APPROVED`, `PENDING`, `REJECTED` …
    #[param(schema_with = super::contract::template_status)]
    pub status: Option<String>,
    pub limit: Option<u64>,
    pub cursor: Option<String>,
}

/// Synced templates.
#[utoipa::path(get, path = "/whatsapp/templates", tag = "conversations", params(TemplatesQuery),
    security(("bearer" = [])), responses((status = 200, body = Paged<TemplateView>)))]
pub async fn list(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiQuery(q): ApiQuery<TemplatesQuery>,
) -> ApiResult<Json<Paged<TemplateView>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    Ok(Json(
        templates::list(&s.core, &ctx, q.channel_id, q.status.as_deref(), page).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncBody {
    /// One channel; absent: every WhatsApp channel.
    pub channel_id: Option<Uuid>,
}

/// Fetch the templates from Graph: one channel (whoever works conversations: the composer's
/// button) or every WhatsApp channel (admins). A provider's refusal is reported per channel.
#[utoipa::path(post, path = "/whatsapp/templates/sync", tag = "conversations", request_body = SyncBody,
    security(("bearer" = [])), responses(
        (status = 200, body = Vec<SyncReport>),
        (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody),
        (status = 404, description = "No such channel in this workspace", body = crate::error::ErrorBody),
        (status = 422, description = "Not a WhatsApp channel, or a bad body", body = crate::error::ErrorBody)))]
pub async fn sync(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<SyncBody>,
) -> ApiResult<Json<Vec<SyncReport>>> {
    Ok(Json(
        templates::sync(&s.core, &ctx, b.channel_id.map(ChannelId), &meta).await?,
    ))
}
