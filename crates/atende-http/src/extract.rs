//! Extractors: JSON, path and query with our error body on rejection, and the caller.

use crate::error::ApiError;
use crate::state::AppState;
use atende_core::RequestMeta;
use atende_core::auth::{self, Principal};
use atende_domain::TenantCtx;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use std::net::SocketAddr;

/// `axum::Json` whose rejections are [`ApiError`]s (400 malformed, 415 wrong content type,
/// 413 too large, 422 wrong shape).
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// `axum::extract::Path` with a 400 `invalid_path` rejection.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// `axum::extract::Query` with a 400 `invalid_query` rejection.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

fn bearer(parts: &Parts) -> Option<&str> {
    let v = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The verified caller (user or API key), with or without a tenant.
pub struct Auth(pub Principal);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(parts)
            .ok_or_else(|| ApiError::unauthorized("send `Authorization: Bearer <access token or API key>`"))?;
        Ok(Self(auth::authenticate(&state.core, token).await?))
    }
}

/// The caller inside their tenant, with the current role.
pub struct Tenant(pub TenantCtx, pub Principal);

impl FromRequestParts<AppState> for Tenant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Auth(p) = Auth::from_request_parts(parts, state).await?;
        let ctx = auth::tenant_ctx(&state.core, &p).await?;
        Ok(Self(ctx, p))
    }
}

/// Where the request came from, for audit rows.
pub struct Meta(pub RequestMeta);

impl FromRequestParts<AppState> for Meta {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self(RequestMeta {
            ip: client_ip(parts, state.trust_proxy).map(|ip| ip.to_string()),
            user_agent: parts
                .headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            request_id: parts
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        }))
    }
}

/// The optional `Idempotency-Key` header of a send: a retried request with the same key returns
/// the first one's result. 400 `invalid_header` when it is not visible ASCII.
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(v) = parts.headers.get("idempotency-key") else {
            return Ok(Self(None));
        };
        let key = v.to_str().map_err(|_| {
            ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "invalid_header",
                "Idempotency-Key must be visible ASCII",
            )
        })?;
        Ok(Self(Some(key.to_owned())))
    }
}

/// The client's address: the socket peer, or the last `X-Forwarded-For` hop when the
/// deployment says a trusted proxy sits in front.
#[must_use]
pub fn client_ip(parts: &Parts, trust_proxy: bool) -> Option<std::net::IpAddr> {
    if trust_proxy {
        // The rightmost hop is the one our proxy appended; anything left of it came from the
        // client and can be forged.
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|s| s.trim().parse().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
}
