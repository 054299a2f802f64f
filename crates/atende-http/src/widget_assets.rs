//! The web-chat widget's script (`/widget.js`, embedded in the binary) and the demo page
//! (`/demo/widget`) where a newcomer chats as a customer with their own server.
//!
//! The demo page follows the app's CSP (no inline script): it only loads `/widget.js`, and the
//! widget reads its settings from the tag's `data-*` attributes.

use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The widget: hand-written, dependency-free JavaScript.
pub const WIDGET_JS: &str = include_str!("../assets/widget.js");

/// The app's policy (see `assets`), for the demo page.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";

fn etag() -> String {
    // Changes with every release and every edit of the script.
    format!(
        "\"{}-{}\"",
        env!("CARGO_PKG_VERSION"),
        WIDGET_JS
            .bytes()
            .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
    )
}

async fn widget_js(headers: HeaderMap) -> Response {
    let tag = etag();
    let cached = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == tag);
    let mut res = if cached {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        WIDGET_JS.into_response()
    };
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    // The embed snippet's URL has no version: a day of caching, then a cheap revalidation.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400, stale-while-revalidate=604800"),
    );
    if let Ok(v) = HeaderValue::from_str(&tag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Loadable by sites that isolate themselves (COEP).
    h.insert("cross-origin-resource-policy", HeaderValue::from_static("cross-origin"));
    res
}

fn escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

fn page(body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"pt-BR\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Atende · demo do chat</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:720px;margin:40px auto;padding:0 20px;\
         line-height:1.5;color:#1d2939}}code,pre{{background:#f2f4f7;padding:2px 5px;border-radius:4px}}\
         pre{{padding:12px;overflow:auto}}</style></head><body>{body}</body></html>"
    )
}

async fn demo(State(s): State<AppState>) -> Response {
    let token = match atende_core::widget::demo_token(&s.core).await {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(error = %e, "demo widget: channel lookup failed");
            None
        }
    };
    let body = match token {
        Some(t) => format!(
            "<h1>Chat de demonstração</h1>\
             <p>Esta página faz o papel do site de um cliente. Clique no balão no canto inferior \
             direito e escreva como se fosse um cliente: a conversa aparece na caixa de entrada \
             do Atende (empresa <code>demo</code>), e as respostas dos agentes chegam aqui ao vivo.</p>\
             <p>Para colocar o chat no seu site, cole esta linha antes de <code>&lt;/body&gt;</code>:</p>\
             <pre>{snippet}</pre>\
             <script src=\"/widget.js\" data-atende-token=\"{token}\" data-atende-open=\"true\" async></script>",
            snippet = escape(&format!(
                "<script src=\"{}/widget.js\" data-atende-token=\"{t}\" async></script>",
                s.core.config.public_url.trim_end_matches('/')
            )),
            token = escape(&t),
        ),
        None => "<h1>Chat de demonstração</h1>\
             <p>Nenhum canal de chat web encontrado na empresa <code>demo</code>. Crie um no Atende \
             (Canais → Conectar → Chat web) ou pela API:</p>\
             <pre>curl -X POST http://localhost:8080/api/v1/channels/connectors \\\n  \
             -H 'Authorization: Bearer &lt;token&gt;' -H 'Content-Type: application/json' \\\n  \
             -d '{\"kind\": \"webchat\", \"name\": \"Site\"}'</pre>\
             <p>Depois recarregue esta página. Em outra empresa, cole o <code>embed_snippet</code> \
             do canal em qualquer página.</p>"
            .to_owned(),
    };
    let mut res = (StatusCode::OK, page(&body)).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/widget.js", get(widget_js))
        .route("/demo/widget", get(demo))
}
