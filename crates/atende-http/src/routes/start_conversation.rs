//! `POST /conversations`: write first to a contact or a new number with an approved WhatsApp
//! template (see `atende_core::inbox::start`).

use crate::error::ApiResult;
use crate::extract::{ApiJson, IdempotencyKey, Meta, Tenant};
use crate::state::AppState;
use atende_core::inbox::start::{self, StartConversation, Started};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

/// Start a conversation with an approved template (the only way to write first on WhatsApp).
/// Reuses the contact's working conversation on the channel, or opens one assigned to the
/// caller. An `Idempotency-Key` header makes a retried request return the first one's result.
#[utoipa::path(post, path = "/conversations", tag = "conversations", request_body = StartConversation,
    params(("Idempotency-Key" = Option<String>, Header)),
    security(("bearer" = [])), responses(
        (status = 201, body = Started),
        (status = 200, body = Started, description = "Idempotent repeat: nothing sent again"),
        (status = 400, description = "Idempotency-Key is not visible ASCII", body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody),
        (status = 404, description = "No such channel in this workspace", body = crate::error::ErrorBody),
        (status = 409, description = "`conversation_elsewhere`: the contact's open conversation is another team's", body = crate::error::ErrorBody),
        (status = 422, description = "Bad fields; `template_not_found`, `template_not_approved`, `contact_blocked`, `channel_error`", body = crate::error::ErrorBody)))]
pub async fn start_conversation(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(b): ApiJson<StartConversation>,
) -> ApiResult<(StatusCode, Json<Started>)> {
    let started = start::start(&s.core, &ctx, b, key, &meta).await?;
    let code = if started.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((code, Json(started)))
}
