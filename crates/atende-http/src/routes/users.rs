//! `/users/me`: the caller's profile and second factor.

use super::no_content;
use crate::error::ApiResult;
use crate::extract::{ApiJson, Auth, Meta};
use crate::state::AppState;
use atende_core::auth::{me, totp};
use atende_core::views::{MeView, TotpEnrollView, UserView};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

/// The caller, their current tenant and every tenant they belong to.
#[utoipa::path(get, path = "/users/me", tag = "users", security(("bearer" = [])), responses((status = 200, body = MeView)))]
pub async fn me(State(s): State<AppState>, Auth(p): Auth) -> ApiResult<Json<MeView>> {
    Ok(Json(me::get(&s.core, &p).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeBody {
    #[schema(schema_with = super::contract::display_name_opt)]
    pub name: Option<String>,
    /// `pt-BR`, `en` or `es`.
    #[schema(value_type = Option<atende_domain::values::Locale>)]
    pub locale: Option<String>,
    /// Required with `new_password`.
    pub current_password: Option<String>,
    #[schema(schema_with = super::contract::new_password)]
    pub new_password: Option<String>,
}

/// Change name, language or password (a password change signs out other sessions).
#[utoipa::path(patch, path = "/users/me", tag = "users", request_body = UpdateMeBody,
    security(("bearer" = [])), responses((status = 200, body = UserView)))]
pub async fn update_me(
    State(s): State<AppState>,
    Auth(p): Auth,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<UpdateMeBody>,
) -> ApiResult<Json<UserView>> {
    let input = me::UpdateMe {
        name: b.name.as_deref(),
        locale: b.locale.as_deref(),
        current_password: b.current_password.as_deref(),
        new_password: b.new_password.as_deref(),
    };
    Ok(Json(me::update(&s.core, &p, input, &meta).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpEnrollBody {
    /// The account's password: a second factor is only set up by its owner.
    pub password: String,
}

/// Start two-factor enrolment: returns the secret and an `otpauth://` URI for a QR code.
#[utoipa::path(post, path = "/users/me/totp/enroll", tag = "users", request_body = TotpEnrollBody, security(("bearer" = [])),
    responses((status = 200, body = TotpEnrollView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn totp_enroll(
    State(s): State<AppState>,
    Auth(p): Auth,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<TotpEnrollBody>,
) -> ApiResult<Json<TotpEnrollView>> {
    Ok(Json(totp::enroll(&s.core, &p, &b.password, &meta).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpCodeBody {
    pub code: String,
}

/// Confirm enrolment with a current code; sign-in then requires a code.
#[utoipa::path(post, path = "/users/me/totp/confirm", tag = "users", request_body = TotpCodeBody,
    security(("bearer" = [])), responses((status = 204), (status = 409, body = crate::error::ErrorBody)))]
pub async fn totp_confirm(
    State(s): State<AppState>,
    Auth(p): Auth,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<TotpCodeBody>,
) -> ApiResult<StatusCode> {
    totp::confirm(&s.core, &p, &b.code, &meta).await?;
    Ok(no_content())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpDisableBody {
    pub password: String,
    pub code: String,
}

/// Turn two-factor authentication off (password and a current code).
#[utoipa::path(post, path = "/users/me/totp/disable", tag = "users", request_body = TotpDisableBody,
    security(("bearer" = [])), responses((status = 204)))]
pub async fn totp_disable(
    State(s): State<AppState>,
    Auth(p): Auth,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<TotpDisableBody>,
) -> ApiResult<StatusCode> {
    totp::disable(&s.core, &p, &b.password, &b.code, &meta).await?;
    Ok(no_content())
}
