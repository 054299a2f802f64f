//! Files: uploads (for outbound media) and the signed, expiring download links the message
//! views carry (`/media?key=…&exp=…&sig=…`; an `<img>` sends no bearer token, the signature is
//! the authorization and binds the tenant's key and the expiry).

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiQuery, Tenant};
use crate::state::AppState;
use atende_core::inbox::send::{self, Attachment};
use atende_core::media::{inline_safe, verify_link};
use atende_domain::TenantId;
use axum::Json;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The multipart form of an upload.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file (its part's content type and file name are kept).
    #[schema(value_type = String, format = Binary, min_length = 1)]
    file: Vec<u8>,
}

/// Upload a file to send (multipart form, field `file`); returns its `attachment_id`.
#[utoipa::path(post, path = "/uploads", tag = "conversations",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    security(("bearer" = [])), responses((status = 201, body = Attachment)))]
pub async fn upload(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    req: Request,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    let bad = |m: &str| ApiError::new(StatusCode::BAD_REQUEST, "invalid_upload", m);
    let mut form = Multipart::from_request(req, &s).await.map_err(|_| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send multipart/form-data with a `file` field",
        )
    })?;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| bad("the multipart body is malformed"))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let mime = field.content_type().map(str::to_owned);
        let name = field.file_name().map(str::to_owned);
        let bytes = field
            .bytes()
            .await
            .map_err(|_| bad("the file part could not be read"))?;
        let a = send::upload(&s.core, &ctx, bytes, mime.as_deref(), name.as_deref()).await?;
        return Ok((StatusCode::CREATED, Json(a)));
    }
    Err(ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        "the form has no `file` field",
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MediaQuery {
    pub key: String,
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub mime: String,
    pub exp: i64,
    pub sig: String,
}

struct Signed {
    key: String,
    mime: String,
    exp: i64,
    sig: String,
}

/// A media file by signed link.
#[utoipa::path(get, path = "/media", tag = "conversations", params(MediaQuery),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 403, description = "The link is invalid or expired", body = crate::error::ErrorBody),
        (status = 404, description = "The file is gone", body = crate::error::ErrorBody)))]
pub async fn download(State(s): State<AppState>, ApiQuery(q): ApiQuery<MediaQuery>) -> ApiResult<Response> {
    // A missing parameter is a 400 `invalid_query` from the extractor.
    let MediaQuery { key, mime, exp, sig } = q;
    let q = Signed { key, mime, exp, sig };
    if !verify_link(&s.core.keys, &q.key, &q.mime, q.exp, &q.sig, chrono::Utc::now()) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "link_expired",
            "this link is invalid or expired",
        ));
    }
    let tenant = q
        .key
        .split('/')
        .next()
        .and_then(|t| Uuid::parse_str(t).ok())
        .map(TenantId)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "not found"))?;
    let bytes = s.core.media.get(tenant, &q.key).await?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    let safe = inline_safe(&q.mime);
    let mime = if safe {
        q.mime.as_str()
    } else {
        "application/octet-stream"
    };
    if let Ok(v) = HeaderValue::from_str(mime) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if !safe {
        h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment"));
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Never rendered as a page of ours: a hostile HTML or SVG upload cannot script the app.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    Ok(res)
}
