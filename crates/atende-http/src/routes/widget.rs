//! `/widget/*`: the web-chat visitor API the embedded widget talks to from other sites.
//!
//! - Auth: `POST /widget/sessions` takes the channel's public token (`wct_…`) and returns a
//!   signed visitor token; every other route wants it as `Authorization: Bearer vst_…` (a
//!   header, so it never lands in a URL or a log).
//! - CORS per channel ([`guard`]): preflights are answered for any origin (they carry no token,
//!   so the channel is unknown); the real request is refused with `403 origin_not_allowed`
//!   when the page's `Origin` is not in the channel's `allowed_origins` (empty: any), and
//!   otherwise answered with `Access-Control-Allow-Origin: <origin>` and `Vary: Origin`.
//! - A per-IP rate limit of its own ([`crate::HttpConfig::widget_per_ip_per_minute`]): 429 with
//!   `Retry-After`.
//! - The live feed is Server-Sent Events read with `fetch()` (not `EventSource`, which cannot
//!   send a header).

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery, client_ip};
use crate::state::AppState;
use atende_core::inbox::send::Attachment;
use atende_core::widget::stream::{VisitorStream, WidgetEvent};
use atende_core::widget::{self, StartSession, Visitor, VisitorMessage, VisitorMessages, VisitorSend, WidgetSession};
use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::StreamExt as _;
use serde::Deserialize;
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Where the visitor API lives.
pub const PREFIX: &str = "/api/v1/widget/";
/// Uploads of visitors: [`widget::MAX_UPLOAD_BYTES`] plus the multipart framing.
pub const UPLOAD_LIMIT: usize = 10 * 1024 * 1024 + 64 * 1024;
/// A live feed is closed after this long; the widget reconnects at once. Bounds how long a
/// graceful shutdown waits for open feeds.
const STREAM_LIFETIME: Duration = Duration::from_secs(10 * 60);

/// Set by the routes when the page's origin is refused, so [`guard`] sends no CORS grant.
#[derive(Clone, Default)]
struct OriginRefused(Arc<AtomicBool>);

/// The page's `Origin`, and the slot to report a refusal in.
pub struct PageOrigin {
    origin: Option<String>,
    refused: Option<OriginRefused>,
}

impl PageOrigin {
    fn of(parts: &Parts) -> Self {
        Self {
            origin: parts
                .headers
                .get(header::ORIGIN)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            refused: parts.extensions.get::<OriginRefused>().cloned(),
        }
    }

    /// Notes a refusal for [`guard`] and passes the error on.
    fn note(&self, e: atende_core::CoreError) -> ApiError {
        if e.code() == "origin_not_allowed"
            && let Some(r) = &self.refused
        {
            r.0.store(true, Ordering::Relaxed);
        }
        e.into()
    }
}

impl FromRequestParts<AppState> for PageOrigin {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self::of(parts))
    }
}

/// The visitor of `Authorization: Bearer vst_…`, on a live channel that accepts the page's
/// origin.
pub struct VisitorAuth(pub Visitor, pub atende_db::entities::channels::Model);

impl FromRequestParts<AppState> for VisitorAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, t)| t.trim())
            .ok_or_else(|| ApiError::unauthorized("send `Authorization: Bearer <visitor token>`"))?;
        let v = Visitor::from_token(&state.core, token)?;
        let page = PageOrigin::of(parts);
        let ch = widget::check_origin(&state.core, &v, page.origin.as_deref())
            .await
            .map_err(|e| page.note(e))?;
        Ok(Self(v, ch))
    }
}

fn cors_headers(res: &mut Response, origin: &HeaderValue) {
    let h = res.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
    h.append(header::VARY, HeaderValue::from_static("Origin"));
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Retry-After"),
    );
}

/// Rate limit and CORS around `/api/v1/widget/*` (a no-op elsewhere).
pub async fn guard(State(s): State<AppState>, mut req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with(PREFIX) {
        return next.run(req).await;
    }
    let origin = req.headers().get(header::ORIGIN).cloned();
    if req.method() == Method::OPTIONS {
        let mut res = StatusCode::NO_CONTENT.into_response();
        if let Some(o) = &origin {
            cors_headers(&mut res, o);
            let h = res.headers_mut();
            h.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET, POST, OPTIONS"),
            );
            h.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("authorization, content-type"),
            );
            h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        }
        return res;
    }
    let (parts, body) = req.into_parts();
    let ip = client_ip(&parts, s.trust_proxy);
    req = Request::from_parts(parts, body);
    if let Some(ip) = ip
        && let Err(not_until) = s.widget_limiter.check_key(&ip)
    {
        use governor::clock::{Clock, DefaultClock};
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        let mut res = ApiError {
            retry_after: Some(wait.as_secs().max(1)),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                "too many requests from your address; slow down",
            )
        }
        .into_response();
        if let Some(o) = &origin {
            cors_headers(&mut res, o);
        }
        return res;
    }
    let refused = OriginRefused::default();
    req.extensions_mut().insert(refused.clone());
    let mut res = next.run(req).await;
    if let Some(o) = &origin
        && !refused.0.load(Ordering::Relaxed)
    {
        cors_headers(&mut res, o);
    }
    res
}

/// Start or resume a visitor session.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    /// The widget's public token (`wct_…`, from the channel's embed snippet).
    #[schema(min_length = 1, max_length = 200)]
    pub token: String,
    /// The visitor token kept from an earlier session, to resume it.
    #[serde(default)]
    pub visitor_token: Option<String>,
    /// Pre-chat form: the visitor's name.
    #[serde(default)]
    #[schema(schema_with = super::contract::display_name_opt)]
    pub name: Option<String>,
    /// Pre-chat form: e-mail.
    #[serde(default)]
    #[schema(schema_with = super::contract::email_nullable)]
    pub email: Option<String>,
    /// Pre-chat form: phone (any spelling; stored in E.164).
    #[serde(default)]
    #[schema(schema_with = super::contract::phone)]
    pub phone: Option<String>,
}

/// Start a visitor session (or resume one with the kept visitor token); the answer carries the
/// visitor token and the widget's settings. Public: the widget's public token names the channel.
#[utoipa::path(post, path = "/widget/sessions", tag = "widget", operation_id = "widget_start_session", request_body = SessionRequest,
    responses((status = 200, body = WidgetSession),
        (status = 404, description = "No live web-chat channel has this public token", body = crate::error::ErrorBody)))]
pub async fn start_session(
    State(s): State<AppState>,
    page: PageOrigin,
    ApiJson(b): ApiJson<SessionRequest>,
) -> ApiResult<Json<WidgetSession>> {
    let input = StartSession {
        public_token: b.token,
        visitor_token: b.visitor_token,
        name: b.name,
        email: b.email,
        phone: b.phone,
    };
    let session = widget::start(&s.core, page.origin.as_deref(), input)
        .await
        .map_err(|e| page.note(e))?;
    Ok(Json(session))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessagesQuery {
    /// 1-100 (default 50).
    pub limit: Option<u64>,
    /// A message id: older messages than it.
    pub before: Option<Uuid>,
}

/// The visitor's conversation, newest first (no private notes, no system lines).
#[utoipa::path(get, path = "/widget/messages", tag = "widget", operation_id = "widget_messages", params(MessagesQuery),
    security(("visitor" = [])), responses((status = 200, body = VisitorMessages)))]
pub async fn messages(
    State(s): State<AppState>,
    VisitorAuth(v, _): VisitorAuth,
    ApiQuery(q): ApiQuery<MessagesQuery>,
) -> ApiResult<Json<VisitorMessages>> {
    Ok(Json(widget::messages(&s.core, &v, q.limit, q.before).await?))
}

/// A visitor's message: text (emoji are text), or a file uploaded first.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitorSendBody {
    /// The text, or the caption of the file.
    #[serde(default)]
    pub body: Option<String>,
    /// From `POST /widget/uploads`.
    #[serde(default)]
    pub attachment_id: Option<String>,
    /// The widget's id for this message (letters, digits, `-`, `_`; up to 64): a retry with
    /// the same id stores nothing new.
    #[serde(default)]
    pub client_id: Option<String>,
}

/// Send a message as the visitor.
#[utoipa::path(post, path = "/widget/messages", tag = "widget", operation_id = "widget_send_message", request_body = VisitorSendBody,
    security(("visitor" = [])), responses((status = 201, body = VisitorMessage)))]
pub async fn send(
    State(s): State<AppState>,
    VisitorAuth(v, ch): VisitorAuth,
    ApiJson(b): ApiJson<VisitorSendBody>,
) -> ApiResult<(StatusCode, Json<VisitorMessage>)> {
    let input = VisitorSend {
        body: b.body,
        attachment_id: b.attachment_id,
        client_id: b.client_id,
    };
    let m = widget::send(&s.core, &v, &ch, input).await?;
    Ok((StatusCode::CREATED, Json(m)))
}

/// The multipart form of a visitor's upload.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct WidgetUploadForm {
    /// The file (up to 10 MB; its part's content type and file name are kept).
    #[schema(value_type = String, format = Binary, min_length = 1)]
    file: Vec<u8>,
}

/// Upload a file as the visitor (multipart, field `file`); send it with its `attachment_id`.
#[utoipa::path(post, path = "/widget/uploads", tag = "widget", operation_id = "widget_upload",
    request_body(content = WidgetUploadForm, content_type = "multipart/form-data"),
    security(("visitor" = [])), responses((status = 201, body = Attachment)))]
pub async fn upload(
    State(s): State<AppState>,
    VisitorAuth(v, _): VisitorAuth,
    req: Request,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "the file is too large",
            )
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_upload",
                "the multipart body is malformed",
            )
        }
    };
    let mut form = Multipart::from_request(req, &s).await.map_err(|_| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send multipart/form-data with a `file` field",
        )
    })?;
    while let Some(field) = form.next_field().await.map_err(bad)? {
        if field.name() != Some("file") {
            continue;
        }
        let mime = field.content_type().map(str::to_owned);
        let name = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.map_err(bad)?;
        let a = widget::upload(&s.core, &v, bytes, mime.as_deref(), name.as_deref()).await?;
        return Ok((StatusCode::CREATED, Json(a)));
    }
    Err(ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        "the form has no `file` field",
    ))
}

/// The visitor started or stopped typing.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TypingBody {
    pub on: bool,
}

/// Tell the agents the visitor is typing (`on: true`) or stopped.
#[utoipa::path(post, path = "/widget/typing", tag = "widget", operation_id = "widget_typing", request_body = TypingBody,
    security(("visitor" = [])), responses((status = 204, description = "Told")))]
pub async fn typing(
    State(s): State<AppState>,
    VisitorAuth(v, _): VisitorAuth,
    ApiJson(b): ApiJson<TypingBody>,
) -> ApiResult<StatusCode> {
    widget::typing(&s.core, &v, b.on).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The visitor's live feed (Server-Sent Events). Events: `ready` (connected; refetch what may
/// have been missed), `message` (a `VisitorMessage`, new or changed), `conversation`
/// (`{id, status}`), `typing` (`{on}`: an agent typing), `resync` (events were missed:
/// refetch). Comments keep the connection alive; it closes after 10 minutes — reconnect.
#[utoipa::path(get, path = "/widget/stream", tag = "widget", operation_id = "widget_stream", security(("visitor" = [])),
    responses((status = 200, description = "An event stream", content_type = "text/event-stream", body = String)))]
pub async fn stream(State(s): State<AppState>, VisitorAuth(v, _): VisitorAuth) -> ApiResult<Response> {
    let feed = VisitorStream::open(&s.core, &v).await?;
    let ready = futures::stream::once(async { Ok::<_, Infallible>(SseEvent::default().event("ready").data("{}")) });
    let events = futures::stream::unfold(feed, |mut feed| async move {
        let e: WidgetEvent = feed.next().await?;
        Some((Ok(SseEvent::default().event(e.name()).data(e.data())), feed))
    });
    let body = ready.chain(events).take_until(tokio::time::sleep(STREAM_LIFETIME));
    let mut res = Sse::new(body)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Proxies (nginx) must pass events on as they come.
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(res)
}
