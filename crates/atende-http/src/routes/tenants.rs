//! `/tenants`: the platform's tenants, a tenant's profile and domains, impersonation.

use super::limit_ip;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Auth, Meta};
use crate::state::AppState;
use atende_core::auth::session;
use atende_core::people::{page_request, tenants};
use atende_core::views::{DomainView, Paged, TenantView, TokenResponse, UserView};
use atende_domain::TenantId;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListTenantsQuery {
    /// 1-200, default 50.
    pub limit: Option<u64>,
    pub cursor: Option<String>,
    /// `active` or `suspended`.
    pub status: Option<String>,
}

/// Every tenant (super admin).
#[utoipa::path(get, path = "/tenants", tag = "tenants", params(ListTenantsQuery),
    security(("bearer" = [])), responses((status = 200, body = Paged<TenantView>)))]
pub async fn list(
    State(s): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<ListTenantsQuery>,
) -> ApiResult<Json<Paged<TenantView>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    Ok(Json(tenants::list(&s.core, &p, page, q.status.as_deref()).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminBody {
    #[schema(schema_with = super::contract::email)]
    pub email: String,
    #[schema(schema_with = super::contract::display_name_opt)]
    pub name: Option<String>,
    /// Without a password the admin receives an invitation e-mail to choose one.
    #[schema(schema_with = super::contract::new_password)]
    pub password: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTenantBody {
    #[schema(schema_with = super::contract::slug)]
    pub slug: String,
    #[schema(schema_with = super::contract::display_name)]
    pub name: String,
    /// IANA zone, default `America/Sao_Paulo`.
    #[schema(schema_with = super::contract::time_zone)]
    pub time_zone: Option<String>,
    /// `pt-BR` (default), `en`, `es`.
    #[schema(value_type = Option<atende_domain::values::Locale>)]
    pub locale: Option<String>,
    pub admin: AdminBody,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedTenant {
    pub tenant: TenantView,
    pub admin: UserView,
}

/// Create a tenant and its first admin (super admin).
#[utoipa::path(post, path = "/tenants", tag = "tenants", request_body = CreateTenantBody,
    security(("bearer" = [])), responses((status = 201, body = CreatedTenant), (status = 409, body = crate::error::ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    Auth(p): Auth,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<CreateTenantBody>,
) -> ApiResult<(StatusCode, Json<CreatedTenant>)> {
    if !p.super_admin || p.impersonator.is_some() {
        return Err(atende_core::CoreError::forbidden().into());
    }
    let input = tenants::CreateTenant {
        slug: b.slug,
        name: b.name,
        time_zone: b.time_zone,
        locale: b.locale,
        admin_email: b.admin.email,
        admin_name: b.admin.name,
        admin_password: b.admin.password,
    };
    let created = tenants::create(&s.core, Some(p.user_id()?), input, &meta).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedTenant {
            tenant: created.tenant,
            admin: created.admin,
        }),
    ))
}

/// A tenant, by id or slug: any for a super admin, the caller's own otherwise.
#[utoipa::path(get, path = "/tenants/{tenant}", tag = "tenants",
    params(("tenant" = String, Path, description = "Tenant id or slug")),
    security(("bearer" = [])), responses((status = 200, body = TenantView)))]
pub async fn get(
    State(s): State<AppState>,
    Auth(p): Auth,
    ApiPath(tenant): ApiPath<String>,
) -> ApiResult<Json<TenantView>> {
    Ok(Json(tenants::get(&s.core, &p, &tenant).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTenantBody {
    #[schema(schema_with = super::contract::display_name_opt)]
    pub name: Option<String>,
    /// `active` or `suspended` (super admin only).
    #[schema(value_type = Option<atende_domain::TenantStatus>)]
    pub status: Option<String>,
    #[schema(schema_with = super::contract::time_zone)]
    pub time_zone: Option<String>,
    #[schema(value_type = Option<atende_domain::values::Locale>)]
    pub locale: Option<String>,
    /// A JSON object replacing the settings. Keys the platform reads: `assign_on_reply`
    /// (boolean, default `true`: an agent's first reply to an unassigned conversation assigns it
    /// to them). Other keys are kept as given.
    #[schema(value_type = Option<Object>)]
    pub settings: Option<serde_json::Value>,
}

/// Update a tenant (tenant admin: their own, except `status`; super admin: any).
#[utoipa::path(patch, path = "/tenants/{tenant}", tag = "tenants", request_body = UpdateTenantBody,
    params(("tenant" = String, Path, description = "Tenant id or slug")),
    security(("bearer" = [])), responses((status = 200, body = TenantView)))]
pub async fn update(
    State(s): State<AppState>,
    Auth(p): Auth,
    Meta(meta): Meta,
    ApiPath(tenant): ApiPath<String>,
    ApiJson(b): ApiJson<UpdateTenantBody>,
) -> ApiResult<Json<TenantView>> {
    let input = tenants::UpdateTenant {
        name: b.name,
        status: b.status,
        time_zone: b.time_zone,
        locale: b.locale,
        settings: b.settings,
    };
    Ok(Json(tenants::update(&s.core, &p, &tenant, input, &meta).await?))
}

/// The tenant's custom domains.
#[utoipa::path(get, path = "/tenants/{tenant}/domains", tag = "tenants",
    params(("tenant" = String, Path, description = "Tenant id or slug")),
    security(("bearer" = [])), responses((status = 200, body = Vec<DomainView>)))]
pub async fn list_domains(
    State(s): State<AppState>,
    Auth(p): Auth,
    ApiPath(tenant): ApiPath<String>,
) -> ApiResult<Json<Vec<DomainView>>> {
    Ok(Json(tenants::list_domains(&s.core, &p, &tenant).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DomainBody {
    pub domain: String,
}

/// Add a custom domain (tenant admin).
#[utoipa::path(post, path = "/tenants/{tenant}/domains", tag = "tenants", request_body = DomainBody,
    params(("tenant" = String, Path, description = "Tenant id or slug")),
    security(("bearer" = [])), responses((status = 201, body = DomainView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn add_domain(
    State(s): State<AppState>,
    Auth(p): Auth,
    Meta(meta): Meta,
    ApiPath(tenant): ApiPath<String>,
    ApiJson(b): ApiJson<DomainBody>,
) -> ApiResult<(StatusCode, Json<DomainView>)> {
    Ok((
        StatusCode::CREATED,
        Json(tenants::add_domain(&s.core, &p, &tenant, &b.domain, &meta).await?),
    ))
}

/// Enter a tenant as its administrator (super admin). Audited, and every action of the
/// session records the impersonator.
#[utoipa::path(post, path = "/tenants/{tenant}/impersonate", tag = "tenants",
    params(("tenant" = String, Path, description = "Tenant id")),
    security(("bearer" = [])), responses((status = 200, body = TokenResponse)))]
pub async fn impersonate(
    State(s): State<AppState>,
    Auth(p): Auth,
    Meta(meta): Meta,
    ApiPath(tenant): ApiPath<String>,
) -> ApiResult<Json<TokenResponse>> {
    limit_ip(&s, meta.ip.as_deref())?;
    if !p.super_admin || p.impersonator.is_some() {
        // Only the platform impersonates. Anyone else gets the 404 of any foreign tenant
        // (so an id is never confirmed to exist), and a 403 for their own.
        tenants::ctx_for(&s.core, &p, &tenant).await?;
        return Err(atende_core::CoreError::forbidden().into());
    }
    let id: TenantId = match tenant.parse() {
        Ok(id) => id,
        Err(_) => {
            let t = tenants::get(&s.core, &p, &tenant).await?;
            TenantId(t.id)
        }
    };
    Ok(Json(session::impersonate(&s.core, &p, id, &meta).await?))
}
