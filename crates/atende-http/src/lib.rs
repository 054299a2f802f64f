//! The HTTP face of Atende: REST + JSON under `/api/v1`, the OpenAPI document, the offline API
//! docs viewer, health and metrics, and the embedded web app.
//!
//! # Layout
//! - [`error`]: [`ApiError`] and the one error body.
//! - [`extract`]: JSON/path/query extractors with our rejections; `Auth`, `Tenant`, `Meta`.
//! - [`state`]: [`AppState`] and [`HttpConfig`].
//! - [`routes`]: handlers per resource and the [`routes::ApiDoc`] they assemble.
//! - [`assets`]: the docs viewer and the web app from `web/dist` (embedded in release builds).
//! - [`middleware`]: request id, tracing, metrics, panics, fallbacks.
//! - [`widget_assets`]: the web-chat widget's script (`/widget.js`) and its demo page.
//! - [`ws`]: the WebSocket hub behind `/api/v1/ws` (protocol, per-connection queues, presence).

#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod assets;
pub mod error;
pub mod extract;
pub mod middleware;
pub mod routes;
pub mod state;
pub mod widget_assets;
pub mod ws;

pub use error::{ApiError, ErrorBody};
pub use state::{AppState, HttpConfig};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use std::sync::{Arc, OnceLock};

/// The process-wide Prometheus recorder (metrics has one global recorder per process).
#[must_use]
pub fn metrics_handle() -> Option<metrics_exporter_prometheus::PrometheusHandle> {
    static HANDLE: OnceLock<Option<metrics_exporter_prometheus::PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            metrics_exporter_prometheus::PrometheusBuilder::new()
                .install_recorder()
                .ok()
        })
        .clone()
}

/// The whole application router.
pub fn router(state: AppState, cfg: &HttpConfig) -> Router {
    let (api, doc) = routes::api();
    let doc = Arc::new(doc);
    let doc_json = Arc::new(doc.to_json().unwrap_or_else(|_| "{}".into()));
    let app = api
        .route(
            "/api/openapi.json",
            get(move || {
                let d = Arc::clone(&doc_json);
                async move {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        d.as_str().to_owned(),
                    )
                }
            }),
        )
        .merge(widget_assets::routes())
        .merge(assets::routes())
        .layer(DefaultBodyLimit::max(cfg.max_body_bytes))
        .with_state(state.clone());
    // Outermost, so preflights and every answer of the visitor API (405s and 413s included)
    // get their CORS headers.
    middleware::wrap(app).layer(axum::middleware::from_fn_with_state(state, routes::widget::guard))
}

/// The OpenAPI document (tests compare it with the router).
#[must_use]
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes::api().1
}
