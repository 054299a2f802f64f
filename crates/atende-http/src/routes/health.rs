//! Liveness, readiness and metrics.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Status {
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "ops", responses((status = 200, body = Status)))]
pub async fn healthz() -> Json<Status> {
    Json(Status { status: "ok" })
}

/// The database is reachable and every migration is applied.
#[utoipa::path(get, path = "/readyz", tag = "ops", responses((status = 200, body = Status), (status = 503, body = crate::error::ErrorBody)))]
pub async fn readyz(State(s): State<AppState>) -> ApiResult<Json<Status>> {
    let unavailable = |m: &str| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "not_ready", m);
    s.core
        .db
        .ping()
        .await
        .map_err(|_| unavailable("the database is unreachable"))?;
    match s.core.db.pending_migrations().await {
        Ok(0) => Ok(Json(Status { status: "ready" })),
        Ok(_) => Err(unavailable("migrations are pending: run `atende migrate`")),
        Err(_) => Err(unavailable("cannot read the migration state")),
    }
}

/// Prometheus metrics (text exposition format).
#[utoipa::path(get, path = "/metrics", tag = "ops", responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
pub async fn metrics(State(s): State<AppState>) -> impl IntoResponse {
    for q in atende_db::jobs::queue::ALL {
        if let Ok(st) = atende_db::jobs::stats(&s.core.db, q).await {
            #[allow(clippy::cast_precision_loss)]
            metrics::gauge!("atende_queue_depth", "queue" => *q).set(st.depth as f64);
            metrics::gauge!("atende_queue_oldest_due_seconds", "queue" => *q).set(st.oldest_due_secs);
        }
    }
    let body = s
        .metrics
        .as_ref()
        .map(metrics_exporter_prometheus::PrometheusHandle::render)
        .unwrap_or_default();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body)
}
