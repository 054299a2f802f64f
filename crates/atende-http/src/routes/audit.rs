//! `/audit/logs` (admins; read-only).

use crate::error::ApiResult;
use crate::extract::{ApiQuery, Tenant};
use crate::state::AppState;
use atende_core::people::{audit_logs, page_request};
use atende_core::views::{AuditLogView, Paged};
use atende_db::repo::audit::AuditFilter;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    pub limit: Option<u64>,
    pub cursor: Option<String>,
    /// Entries at or after this instant (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Entries before this instant (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Exact action (`members.role_changed`) or a prefix with `*` (`members.*`).
    pub action: Option<String>,
    /// User or API key id of the actor.
    pub actor: Option<Uuid>,
    /// Entity type (`team`, `membership`, …).
    pub entity: Option<String>,
    /// Entity id.
    pub entity_id: Option<String>,
}

/// The tenant's audit trail, newest first.
#[utoipa::path(get, path = "/audit/logs", tag = "audit", params(AuditQuery),
    security(("bearer" = [])), responses((status = 200, body = Paged<AuditLogView>)))]
pub async fn list(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<Paged<AuditLogView>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    let filter = AuditFilter {
        from: q.from,
        to: q.to,
        action: q.action,
        actor: q.actor,
        entity_type: q.entity,
        entity_id: q.entity_id,
    };
    Ok(Json(audit_logs::list(&s.core, &ctx, &filter, page).await?))
}
