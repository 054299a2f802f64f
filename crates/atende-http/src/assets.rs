//! Static assets from `web/dist`: the offline API docs viewer at `/api/docs` and the web app
//! (with an `index.html` fallback for client-side routes). Release builds embed the files;
//! debug builds read them from disk, so a rebuilt web app shows without recompiling.

use axum::Router;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use rust_embed::RustEmbed;

use crate::state::AppState;

#[derive(RustEmbed)]
#[folder = "../../web/dist/"]
#[allow_missing = true]
struct Dist;

/// A strict policy: the docs viewer and the app load only their own files.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";

fn file(path: &str) -> Option<Response> {
    let f = Dist::get(path)?;
    let mime = f.metadata.mimetype().to_owned();
    let mut res = (StatusCode::OK, f.data.into_owned()).into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&mime) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    let cache = if path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Some(res)
}

fn missing_build() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Html(
            "<!doctype html><meta charset=utf-8><title>Atende</title>\
             <h1>Atende is running</h1><p>The web assets are not built: run <code>scripts/run</code> \
             (or <code>npm ci &amp;&amp; npm run build</code> in <code>web/</code>).</p>\
             <p>API: <a href=\"/api/openapi.json\">/api/openapi.json</a></p>",
        ),
    )
        .into_response()
}

async fn docs_index() -> Response {
    file("api-docs/index.html").unwrap_or_else(missing_build)
}

async fn docs_file(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    file(&format!("api-docs/{name}")).unwrap_or_else(|| {
        crate::error::ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such file").into_response()
    })
}

/// Anything not under `/api`: a file of the app, or `index.html` so client routes load.
async fn app(method: Method, uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let page = method == Method::GET || method == Method::HEAD;
    if !page || path.starts_with("api/") || path == "api" {
        return crate::middleware::not_found().await.into_response();
    }
    if !path.is_empty()
        && let Some(r) = file(path)
    {
        return r;
    }
    file("index.html").unwrap_or_else(missing_build)
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/docs", get(docs_index))
        .route("/api/docs/", get(docs_index))
        .route("/api/docs/{name}", get(docs_file))
        .fallback(app)
}
