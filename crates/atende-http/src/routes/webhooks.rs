//! Provider webhooks (`/webhooks/whatsapp/{channel_id}`: Meta's handshake and deliveries) and
//! the admin's replay of a stored delivery.
//!
//! A delivery is answered `200` only after it is stored with its ingestion job (one commit);
//! a wrong or missing signature is a `401` and nothing is stored.

use crate::error::ApiResult;
use crate::extract::{ApiPath, ApiQuery, Meta, Tenant};
use crate::state::AppState;
use atende_channels::SubscriptionCheck;
use atende_core::ingest;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HandshakeQuery {
    #[serde(rename = "hub.mode")]
    #[param(rename = "hub.mode")]
    pub mode: Option<String>,
    #[serde(rename = "hub.verify_token")]
    #[param(rename = "hub.verify_token")]
    pub verify_token: Option<String>,
    #[serde(rename = "hub.challenge")]
    #[param(rename = "hub.challenge")]
    pub challenge: Option<String>,
}

/// Meta's subscription check: echoes `hub.challenge` when `hub.verify_token` is the channel's.
#[utoipa::path(get, path = "/webhooks/whatsapp/{channel_id}", tag = "webhooks",
    params(("channel_id" = Uuid, Path), HandshakeQuery),
    responses((status = 200, body = String, content_type = "text/plain"),
        (status = 403, description = "The verify token or mode does not match", body = crate::error::ErrorBody)))]
pub async fn whatsapp_verify(
    State(s): State<AppState>,
    ApiPath(channel_id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<HandshakeQuery>,
) -> ApiResult<String> {
    let check = SubscriptionCheck {
        mode: q.mode.as_deref(),
        verify_token: q.verify_token.as_deref(),
        challenge: q.challenge.as_deref(),
    };
    Ok(ingest::verify_subscription(&s.core, channel_id, &check).await?)
}

/// Meta's webhook envelope (documented for readers; the raw bytes are what is verified).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct WhatsappDelivery {
    /// `whatsapp_business_account`.
    object: String,
    /// One entry per business account, each with `changes` (messages, statuses, template
    /// updates …).
    #[schema(value_type = Vec<Object>)]
    entry: Vec<serde_json::Value>,
}

/// A WhatsApp Cloud API delivery, signed with `X-Hub-Signature-256` (HMAC-SHA256 of the raw
/// body with the app secret).
#[utoipa::path(post, path = "/webhooks/whatsapp/{channel_id}", tag = "webhooks",
    params(("channel_id" = Uuid, Path)),
    request_body(content = WhatsappDelivery, content_type = "application/json"),
    responses((status = 200, description = "Stored; it will be applied shortly"),
        (status = 401, description = "`X-Hub-Signature-256` is missing or wrong (`invalid_signature`)", body = crate::error::ErrorBody)))]
pub async fn whatsapp_deliver(
    State(s): State<AppState>,
    ApiPath(channel_id): ApiPath<Uuid>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    ingest::receive(&s.core, channel_id, &headers, &body).await?;
    Ok(StatusCode::OK)
}

/// Apply a stored delivery again (admin). Idempotent: what was applied is not duplicated.
#[utoipa::path(post, path = "/webhooks/events/{id}/replay", tag = "webhooks", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 202, description = "Queued")))]
pub async fn replay(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    ingest::replay(&s.core, &ctx, id, &meta).await?;
    Ok(StatusCode::ACCEPTED)
}
