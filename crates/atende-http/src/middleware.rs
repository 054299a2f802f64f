//! Layers around every request: request id in and out, a tracing span without query strings
//! (they may carry tokens), request metrics, panic → 500 with the error body, JSON 404/405,
//! the error body on any other error of `/api/v1` that axum itself produced, and request bodies
//! read in full before any handler runs.

use crate::error::ApiError;
use axum::Router;
use axum::body::Body;
use axum::body::HttpBody as _;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use std::any::Any;
use std::pin::Pin;
use std::time::{Duration, Instant};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::trace::TraceLayer;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub(crate) async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "route_not_found", "no such route")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not take that method",
    )
}

fn panic_response(_: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!("a handler panicked");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
        "something went wrong on our side",
    )
    .into_response()
}

async fn record_metrics(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    metrics::counter!("atende_http_requests_total", "method" => method.to_string(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("atende_http_request_duration_seconds", "method" => method.to_string(), "route" => route)
        .record(started.elapsed().as_secs_f64());
    res
}

/// Errors that axum produces before or outside our extractors (e.g. a body over the limit on a
/// route that reads raw bytes) come as plain text; under `/api/v1` every error has the one
/// error body, so those are rewritten, keeping the status and the other headers.
async fn error_body(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/v1/");
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !api || is_json || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "the body is too large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "send the body as application/json"),
        s if s.is_server_error() => ("internal_error", "something went wrong on our side"),
        _ => ("bad_request", "the request is malformed"),
    };
    let (mut parts, _) = res.into_parts();
    let (ours, body) = ApiError::new(status, code, message).into_response().into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    for (name, value) in &ours.headers {
        parts.headers.insert(name, value.clone());
    }
    Response::from_parts(parts, body)
}

/// Bodies up to this size are read into memory before the handler runs. No route takes more
/// (JSON bodies are limited to 256 KiB by default); a route for large uploads would need its
/// own limit here.
const BUFFER_LIMIT: u64 = 1024 * 1024;
/// A larger body is read and thrown away up to this size, so the client can read the 413.
const DRAIN_LIMIT: u64 = 16 * 1024 * 1024;
/// File uploads (`…/uploads`): the largest media WhatsApp takes (100 MB documents) plus the
/// multipart framing. Buffered like any body; the use case checks the per-type limit.
pub const UPLOAD_LIMIT: u64 = 100 * 1024 * 1024 + 64 * 1024;

/// Provider webhooks: Meta documents deliveries of up to 3 MB.
pub const WEBHOOK_LIMIT: u64 = 4 * 1024 * 1024;

/// The buffer and drain limits of a request path.
fn limits_for(path: &str) -> (u64, u64) {
    if path.ends_with("/uploads") {
        (UPLOAD_LIMIT, UPLOAD_LIMIT)
    } else if path.starts_with("/api/v1/webhooks/") {
        (WEBHOOK_LIMIT, WEBHOOK_LIMIT.max(DRAIN_LIMIT))
    } else {
        (BUFFER_LIMIT, DRAIN_LIMIT)
    }
}
const DRAIN_TIME: Duration = Duration::from_secs(10);

fn payload_too_large(close: bool) -> Response {
    let mut res = ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        "the body is too large",
    )
    .into_response();
    if close {
        res.headers_mut()
            .insert(header::CONNECTION, axum::http::HeaderValue::from_static("close"));
    }
    res
}

/// Reads the request body in full before the handler runs.
///
/// A handler that answers without reading the body (a 401 before the JSON, a route without a
/// body, a `Content-Length` over the limit) leaves unread bytes on the socket; hyper then closes
/// the connection, the kernel resets it, and the client may lose the answer or find its pooled
/// connection dead on the next request. Reading first keeps every answer deliverable and every
/// connection reusable. Bodies over [`BUFFER_LIMIT`] are drained (bounded) and refused here.
async fn read_body_first(req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let chunked = req.headers().contains_key(header::TRANSFER_ENCODING);
    if declared == Some(0) || (declared.is_none() && !chunked) {
        return next.run(req).await;
    }
    let (buffer_limit, drain_limit) = limits_for(req.uri().path());
    if declared.is_some_and(|n| n > drain_limit) {
        return payload_too_large(true);
    }
    let (parts, mut body) = req.into_parts();
    let capacity = declared.map_or(0, |n| n.min(buffer_limit));
    let mut buf = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    let mut seen: u64 = 0;
    let read = tokio::time::timeout(DRAIN_TIME, async {
        while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            let Ok(frame) = frame else {
                return false;
            };
            if let Ok(data) = frame.into_data() {
                seen = seen.saturating_add(data.len() as u64);
                if seen <= buffer_limit {
                    buf.extend_from_slice(&data);
                } else if seen > drain_limit {
                    return false;
                }
            }
        }
        true
    })
    .await;
    match read {
        Ok(true) if seen <= buffer_limit => next.run(Request::from_parts(parts, Body::from(buf))).await,
        Ok(true) => payload_too_large(false),
        // Too long, too slow or cut off: answer and close.
        _ if seen > buffer_limit => payload_too_large(true),
        _ => {
            let mut res = ApiError::new(
                StatusCode::BAD_REQUEST,
                "incomplete_body",
                "the request body could not be read",
            )
            .into_response();
            res.headers_mut()
                .insert(header::CONNECTION, axum::http::HeaderValue::from_static("close"));
            res
        }
    }
}

/// Adds the fallbacks and layers to the application router.
pub fn wrap(app: Router) -> Router {
    let trace = TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
        let id = req
            .headers()
            .get(&REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let route = req
            .extensions()
            .get::<MatchedPath>()
            .map_or(req.uri().path(), MatchedPath::as_str);
        tracing::info_span!("http", method = %req.method(), route = %route, request_id = %id)
    });
    // The router's fallback is the assets' (`assets::routes`): the web app's files and its
    // `index.html` for client routes, `route_not_found` under `/api` and for other methods.
    // Setting another fallback here would replace it.
    app.method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(read_body_first))
        .layer(middleware::from_fn(error_body))
        .layer(middleware::from_fn(record_metrics))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(trace)
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(SetSensitiveRequestHeadersLayer::new([
            axum::http::header::AUTHORIZATION,
            axum::http::header::COOKIE,
            // `bearer, <token>` on WebSocket upgrades.
            axum::http::header::SEC_WEBSOCKET_PROTOCOL,
        ]))
}
