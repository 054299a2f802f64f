//! `/tenants/{tenant}/members`: people of a tenant.

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Auth, Meta};
use crate::state::AppState;
use atende_core::people::members::InvitationView;
use atende_core::people::{members, page_request, tenants};
use atende_core::views::{MemberView, Paged};
use atende_domain::MembershipId;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListMembersQuery {
    pub limit: Option<u64>,
    pub cursor: Option<String>,
    /// Only active (`true`) or deactivated (`false`) members.
    pub active: Option<bool>,
}

/// Members of the tenant.
#[utoipa::path(get, path = "/tenants/{tenant}/members", tag = "tenants",
    params(("tenant" = String, Path, description = "Tenant id or slug"), ListMembersQuery),
    security(("bearer" = [])), responses((status = 200, body = Paged<MemberView>)))]
pub async fn list(
    State(s): State<AppState>,
    Auth(p): Auth,
    ApiPath(tenant): ApiPath<String>,
    ApiQuery(q): ApiQuery<ListMembersQuery>,
) -> ApiResult<Json<Paged<MemberView>>> {
    let ctx = tenants::ctx_for(&s.core, &p, &tenant).await?;
    let page = page_request(q.limit, q.cursor.as_deref())?;
    Ok(Json(members::list(&s.core, &ctx, page, q.active).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteBody {
    #[schema(schema_with = super::contract::email)]
    pub email: String,
    /// `admin`, `supervisor`, `agent` or `viewer`.
    #[schema(value_type = atende_domain::Role)]
    pub role: String,
    #[schema(schema_with = super::contract::display_name_opt)]
    pub name: Option<String>,
}

/// Invite someone by e-mail: the message carries a link to set a password (7 days), written in
/// the tenant's language. Without a mail server, `mail_sent` is `false` and `accept_url` carries
/// the single-use link for the admin to pass on.
#[utoipa::path(post, path = "/tenants/{tenant}/members", tag = "tenants", request_body = InviteBody,
    params(("tenant" = String, Path, description = "Tenant id or slug")),
    security(("bearer" = [])), responses((status = 201, body = InvitationView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn invite(
    State(s): State<AppState>,
    Auth(p): Auth,
    Meta(meta): Meta,
    ApiPath(tenant): ApiPath<String>,
    ApiJson(b): ApiJson<InviteBody>,
) -> ApiResult<(StatusCode, Json<InvitationView>)> {
    let ctx = tenants::ctx_for(&s.core, &p, &tenant).await?;
    let m = members::invite(&s.core, &ctx, &b.email, &b.role, b.name.as_deref(), &meta).await?;
    Ok((StatusCode::CREATED, Json(m)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMemberBody {
    #[schema(value_type = Option<atende_domain::Role>)]
    pub role: Option<String>,
    /// `false` deactivates the member (their sessions end at once).
    pub active: Option<bool>,
}

/// Change a member's role or deactivate them. The last active admin cannot be removed.
#[utoipa::path(patch, path = "/tenants/{tenant}/members/{member_id}", tag = "tenants", request_body = UpdateMemberBody,
    params(("tenant" = String, Path, description = "Tenant id or slug"), ("member_id" = uuid::Uuid, Path, description = "Membership id")),
    security(("bearer" = [])), responses((status = 200, body = MemberView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn update(
    State(s): State<AppState>,
    Auth(p): Auth,
    Meta(meta): Meta,
    ApiPath((tenant, member_id)): ApiPath<(String, MembershipId)>,
    ApiJson(b): ApiJson<UpdateMemberBody>,
) -> ApiResult<Json<MemberView>> {
    let ctx = tenants::ctx_for(&s.core, &p, &tenant).await?;
    Ok(Json(
        members::update(&s.core, &ctx, member_id, b.role.as_deref(), b.active, &meta).await?,
    ))
}

/// Send a pending invitation again: a new link, and the earlier links stop working.
#[utoipa::path(post, path = "/tenants/{tenant}/members/{member_id}/resend-invitation", tag = "tenants",
    params(("tenant" = String, Path, description = "Tenant id or slug"), ("member_id" = uuid::Uuid, Path, description = "Membership id")),
    security(("bearer" = [])), responses((status = 200, body = InvitationView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn resend_invitation(
    State(s): State<AppState>,
    Auth(p): Auth,
    Meta(meta): Meta,
    ApiPath((tenant, member_id)): ApiPath<(String, MembershipId)>,
) -> ApiResult<Json<InvitationView>> {
    let ctx = tenants::ctx_for(&s.core, &p, &tenant).await?;
    Ok(Json(members::resend_invitation(&s.core, &ctx, member_id, &meta).await?))
}
