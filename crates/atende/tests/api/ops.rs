//! Health, readiness, metrics, request ids, fallbacks, docs.

use crate::harness::{Engine, TestApp, error_code};
use reqwest::StatusCode;

async fn health_and_readiness_answer(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["status"], "ready");
}

async fn request_id_is_generated_or_propagated(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    let id = r
        .headers()
        .get("x-request-id")
        .expect("generated id")
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 36);
    let r = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers().get("x-request-id").unwrap(), "abc-123");
}

async fn metrics_expose_request_counters(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.client.get(app.url("/healthz")).send().await.unwrap();
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("atende_http_requests_total"), "{text}");
    assert!(text.contains("atende_queue_depth"), "{text}");
}

async fn unknown_routes_and_methods_get_the_error_body(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (s, b) = app.call(reqwest::Method::GET, "/api/v1/nope", None, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(error_code(s, &b), "route_not_found");
    let (s, b) = app.call(reqwest::Method::PUT, "/api/v1/auth/token", None, None).await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(error_code(s, &b), "method_not_allowed");
    // Other methods on app paths are not pages.
    let (s, b) = app.call(reqwest::Method::POST, "/settings/users", None, None).await;
    assert_eq!(error_code(s, &b), "route_not_found");
}

/// Client routes of the web app load its `index.html` (or, without a web build, the page that
/// says how to build it) — never the API's 404; hashed assets are cached for good.
async fn client_routes_of_the_web_app_get_its_index(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let r = app.client.get(app.url("/settings/users")).send().await.unwrap();
    let status = r.status();
    let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
    let html = r.text().await.unwrap();
    assert!(
        status == StatusCode::OK || status == StatusCode::SERVICE_UNAVAILABLE,
        "{status}"
    );
    assert!(ct.starts_with("text/html"), "{ct}");
    let asset = html
        .split('"')
        .find(|s| s.starts_with("/assets/") && s.ends_with(".js"));
    if let Some(a) = asset {
        let r = app.client.get(app.url(a)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable");
    }
}

async fn missing_auth_is_401_with_www_authenticate(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let r = app.client.get(app.url("/api/v1/users/me")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(
        r.headers()
            .get("www-authenticate")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    let r = app
        .client
        .get(app.url("/api/v1/users/me"))
        .bearer_auth("not-a-jwt")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let b: serde_json::Value = r.json().await.unwrap();
    assert_eq!(b["error"]["code"], "invalid_token");
}

async fn docs_page_is_served_without_cdn(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let r = app.client.get(app.url("/api/docs")).send().await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "web/dist is built by scripts/test before the suite"
    );
    let html = r.text().await.unwrap();
    assert!(html.contains("/api/docs/swagger-ui-bundle.js"));
    assert!(
        !html.contains("https://"),
        "the docs page must not load anything from the internet"
    );
    let js = app
        .client
        .get(app.url("/api/docs/swagger-ui-bundle.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(js.status(), StatusCode::OK);
    assert!(js.headers()["content-type"].to_str().unwrap().contains("javascript"));
}

both_engines!(
    health_and_readiness_answer,
    request_id_is_generated_or_propagated,
    metrics_expose_request_counters,
    unknown_routes_and_methods_get_the_error_body,
    missing_auth_is_401_with_www_authenticate,
    docs_page_is_served_without_cdn,
    client_routes_of_the_web_app_get_its_index,
);
