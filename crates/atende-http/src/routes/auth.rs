//! `/auth`: sign-in, refresh, logout, tenant switch, magic links.

use super::{limit_ip, no_content};
use crate::error::ApiResult;
use crate::extract::{ApiJson, Auth, Meta};
use crate::state::AppState;
use atende_core::auth::{magic, reset, session};
use atende_core::views::TokenResponse;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    pub email: String,
    pub password: String,
    /// Slug of the tenant to sign in to; default: the first active one.
    pub tenant: Option<String>,
    /// Six-digit code, required when the account has two-factor authentication.
    pub totp_code: Option<String>,
}

/// Sign in with e-mail and password.
///
/// Five failed attempts for an account within 15 minutes answer 429 with `Retry-After`.
#[utoipa::path(post, path = "/auth/token", tag = "auth", request_body = LoginBody,
    responses((status = 200, body = TokenResponse), (status = 401, description = "Wrong credentials, or an invalid, expired or used token", body = crate::error::ErrorBody),
        (status = 403, description = "The account or its tenant is suspended", body = crate::error::ErrorBody)))]
pub async fn token(
    State(s): State<AppState>,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<LoginBody>,
) -> ApiResult<Json<TokenResponse>> {
    limit_ip(&s, meta.ip.as_deref())?;
    let input = session::LoginInput {
        email: &b.email,
        password: &b.password,
        tenant: b.tenant.as_deref(),
        totp_code: b.totp_code.as_deref(),
    };
    Ok(Json(session::login(&s.core, input, &meta).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshBody {
    pub refresh_token: String,
}

/// Exchange a refresh token for a new pair. Presenting a token that was already used revokes
/// the whole session (`token_reused`).
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = RefreshBody,
    responses((status = 200, body = TokenResponse), (status = 401, description = "Wrong credentials, or an invalid, expired or used token", body = crate::error::ErrorBody),
        (status = 403, description = "The account or its tenant is suspended", body = crate::error::ErrorBody)))]
pub async fn refresh(
    State(s): State<AppState>,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<RefreshBody>,
) -> ApiResult<Json<TokenResponse>> {
    limit_ip(&s, meta.ip.as_deref())?;
    Ok(Json(session::refresh(&s.core, &b.refresh_token, &meta).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct LogoutBody {
    /// The session to end; default: the access token's own session.
    pub refresh_token: Option<String>,
}

/// End the session (revokes its refresh tokens).
#[utoipa::path(post, path = "/auth/logout", tag = "auth", request_body = Option<LogoutBody>,
    security(("bearer" = [])), responses((status = 204)))]
pub async fn logout(
    State(s): State<AppState>,
    Auth(p): Auth,
    Meta(meta): Meta,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<StatusCode> {
    // The body is optional here, so an empty one is fine; a present one must be JSON.
    let b: LogoutBody = if body.iter().all(u8::is_ascii_whitespace) {
        LogoutBody::default()
    } else {
        let json = headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json {
            return Err(crate::error::ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as application/json",
            ));
        }
        serde_json::from_slice(&body).map_err(|e| {
            crate::error::ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                e.to_string().chars().take(300).collect::<String>(),
            )
        })?
    };
    session::logout(&s.core, &p, b.refresh_token.as_deref(), &meta).await?;
    Ok(no_content())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SwitchTenantBody {
    /// Slug or id of another tenant the caller belongs to.
    pub tenant: String,
}

/// Start a session in another tenant of the caller.
#[utoipa::path(post, path = "/auth/switch-tenant", tag = "auth", request_body = SwitchTenantBody,
    security(("bearer" = [])), responses((status = 200, body = TokenResponse)))]
pub async fn switch_tenant(
    State(s): State<AppState>,
    Auth(p): Auth,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<SwitchTenantBody>,
) -> ApiResult<Json<TokenResponse>> {
    Ok(Json(session::switch_tenant(&s.core, &p, &b.tenant, &meta).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MagicLinkBody {
    pub email: String,
    pub tenant: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Accepted {
    pub status: &'static str,
}

/// Request a sign-in link by e-mail. Always 202, whether or not the account exists.
#[utoipa::path(post, path = "/auth/magic-link", tag = "auth", request_body = MagicLinkBody,
    responses((status = 202, body = Accepted)))]
pub async fn magic_link(
    State(s): State<AppState>,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<MagicLinkBody>,
) -> ApiResult<(StatusCode, Json<Accepted>)> {
    limit_ip(&s, meta.ip.as_deref())?;
    magic::request(&s.core, &b.email, b.tenant.as_deref(), &meta).await?;
    Ok((StatusCode::ACCEPTED, Json(Accepted { status: "accepted" })))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MagicVerifyBody {
    /// The `token` parameter of the link.
    pub token: String,
    /// Required to accept an invitation to an account without a password.
    pub password: Option<String>,
    pub name: Option<String>,
    pub totp_code: Option<String>,
}

/// Use a magic link (single use, 15 minutes; invitations 7 days) and start a session.
#[utoipa::path(post, path = "/auth/magic-link/verify", tag = "auth", request_body = MagicVerifyBody,
    responses((status = 200, body = TokenResponse), (status = 401, description = "Wrong credentials, or an invalid, expired or used token", body = crate::error::ErrorBody),
        (status = 403, description = "The account or its tenant is suspended", body = crate::error::ErrorBody)))]
pub async fn magic_link_verify(
    State(s): State<AppState>,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<MagicVerifyBody>,
) -> ApiResult<Json<TokenResponse>> {
    limit_ip(&s, meta.ip.as_deref())?;
    let input = magic::VerifyInput {
        token: &b.token,
        password: b.password.as_deref(),
        name: b.name.as_deref(),
        totp_code: b.totp_code.as_deref(),
    };
    Ok(Json(magic::verify(&s.core, input, &meta).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetBody {
    pub email: String,
}

/// "Esqueci a senha": mail a password-reset link (single use, 30 minutes). Always 202, whether
/// or not the account exists; at most five links per account per 15 minutes.
#[utoipa::path(post, path = "/auth/password-reset", tag = "auth", request_body = PasswordResetBody,
    responses((status = 202, body = Accepted)))]
pub async fn password_reset(
    State(s): State<AppState>,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<PasswordResetBody>,
) -> ApiResult<(StatusCode, Json<Accepted>)> {
    limit_ip(&s, meta.ip.as_deref())?;
    reset::request(&s.core, &b.email, &meta).await?;
    Ok((StatusCode::ACCEPTED, Json(Accepted { status: "accepted" })))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirmBody {
    /// The `token` parameter of the link.
    pub token: String,
    /// The new password (at least 10 characters, like everywhere).
    #[schema(schema_with = super::contract::new_password_required)]
    pub password: String,
}

/// Set a new password with a reset link. Every session of the account ends; sign in again
/// with the new password (and the second factor, if any).
#[utoipa::path(post, path = "/auth/password-reset/confirm", tag = "auth", request_body = PasswordResetConfirmBody,
    responses((status = 204),
        (status = 401, description = "`invalid_token`: unknown, used or expired link", body = crate::error::ErrorBody),
        (status = 403, description = "`account_disabled`", body = crate::error::ErrorBody)))]
pub async fn password_reset_confirm(
    State(s): State<AppState>,
    Meta(meta): Meta,
    ApiJson(b): ApiJson<PasswordResetConfirmBody>,
) -> ApiResult<StatusCode> {
    limit_ip(&s, meta.ip.as_deref())?;
    reset::confirm(&s.core, &b.token, &b.password, &meta).await?;
    Ok(no_content())
}
