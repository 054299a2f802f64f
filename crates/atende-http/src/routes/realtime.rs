//! The live connection (`/ws`) and who is online (`/presence`). The protocol is in
//! [`crate::ws`].

use crate::error::{ApiError, ApiResult};
use crate::extract::Tenant;
use crate::state::AppState;
use atende_core::realtime::{self, PresenceState};
use axum::Json;
use axum::extract::State;
use axum::extract::ws::{WebSocketUpgrade, rejection::WebSocketUpgradeRejection};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::sync::Arc;
use utoipa::ToSchema;
use uuid::Uuid;

/// The token of `Sec-WebSocket-Protocol: bearer, <token>`, if the client offered one.
fn subprotocol_token(headers: &HeaderMap) -> Option<String> {
    let offered: Vec<&str> = headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let at = offered.iter().position(|p| p.eq_ignore_ascii_case("bearer"))?;
    offered.get(at + 1).filter(|t| !t.is_empty()).map(|t| (*t).to_owned())
}

/// The live connection: a WebSocket carrying events of the caller's tenant.
///
/// Authenticate without putting the token in the URL: send
/// `{"type":"auth","token":"<access token or API key>"}` as the first frame within 10 s, or
/// offer `Sec-WebSocket-Protocol: bearer, <token>` on the upgrade (then a bad token is a 401
/// before upgrading). Then `{"type":"subscribe","topic":"tenant"|"conversation:<id>"|"presence"}`;
/// events arrive as `{"type":"event","topic","event"}`. Send `{"type":"ping"}` at least every
/// 30 s. See `docs/architecture.md` ("Realtime") for every frame and close code. A request
/// that is not a WebSocket upgrade gets 426.
#[utoipa::path(get, path = "/ws", tag = "realtime", responses(
    (status = 101, description = "Switching protocols: the WebSocket is open"),
    (status = 401, description = "The `bearer` subprotocol carried a bad token", body = crate::error::ErrorBody),
    (status = 426, description = "Not a WebSocket upgrade request", body = crate::error::ErrorBody)
))]
pub async fn ws(
    State(s): State<AppState>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> ApiResult<Response> {
    let upgrade = upgrade.map_err(|_| {
        ApiError::new(
            StatusCode::UPGRADE_REQUIRED,
            "upgrade_required",
            "this route speaks WebSocket: send an upgrade request",
        )
    })?;
    let credential = match subprotocol_token(&headers) {
        Some(token) => Some(realtime::authenticate(&s.core, &token).await?),
        None => None,
    };
    let hub = Arc::clone(&s.hub);
    let cfg = hub.config();
    let upgrade = upgrade
        .protocols(["bearer"])
        .max_message_size(cfg.max_frame_bytes)
        .max_frame_size(cfg.max_frame_bytes)
        .read_buffer_size(cfg.read_buffer_bytes)
        .write_buffer_size(cfg.write_buffer_bytes);
    Ok(upgrade
        .on_upgrade(move |socket| hub.serve(socket, credential))
        .into_response())
}

/// A member who is online or away.
#[derive(Serialize, ToSchema)]
pub struct PresenceView {
    pub user_id: Uuid,
    pub state: PresenceState,
}

/// Who is online.
#[derive(Serialize, ToSchema)]
pub struct PresenceList {
    pub items: Vec<PresenceView>,
}

/// The members of the caller's tenant who are online or away right now (those with a live
/// connection on any node; other nodes' users appear once their node has announced them,
/// within a minute of this node starting).
#[utoipa::path(get, path = "/presence", tag = "realtime",
    security(("bearer" = [])), responses((status = 200, body = PresenceList)))]
pub async fn presence(State(s): State<AppState>, Tenant(ctx, _): Tenant) -> Json<PresenceList> {
    let items = s
        .hub
        .presence()
        .of_tenant(ctx.tenant_id)
        .into_iter()
        .map(|(user, state)| PresenceView {
            user_id: user.uuid(),
            state,
        })
        .collect();
    Json(PresenceList { items })
}
