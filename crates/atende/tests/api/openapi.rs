//! The OpenAPI document at `/api/openapi.json` and the offline docs page at `/api/docs`.
//!
//! The document and the router must not drift: every route of the foundation is listed here
//! explicitly and must be in the document, and every operation of the document must be served.

use crate::harness::{Engine, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Every route the foundation promises (issue 2, items 4-10), written out by hand so a route
/// dropped from the document (or from the router) fails a test.
const EXPECTED: &[(&str, &str)] = &[
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/refresh"),
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/auth/switch-tenant"),
    ("POST", "/api/v1/auth/magic-link"),
    ("POST", "/api/v1/auth/magic-link/verify"),
    ("POST", "/api/v1/auth/password-reset"),
    ("POST", "/api/v1/auth/password-reset/confirm"),
    ("GET", "/api/v1/users/me"),
    ("PATCH", "/api/v1/users/me"),
    ("POST", "/api/v1/users/me/totp/enroll"),
    ("POST", "/api/v1/users/me/totp/confirm"),
    ("POST", "/api/v1/users/me/totp/disable"),
    ("GET", "/api/v1/tenants"),
    ("POST", "/api/v1/tenants"),
    ("GET", "/api/v1/tenants/{tenant}"),
    ("PATCH", "/api/v1/tenants/{tenant}"),
    ("GET", "/api/v1/tenants/{tenant}/domains"),
    ("POST", "/api/v1/tenants/{tenant}/domains"),
    ("POST", "/api/v1/tenants/{tenant}/impersonate"),
    ("GET", "/api/v1/tenants/{tenant}/members"),
    ("POST", "/api/v1/tenants/{tenant}/members"),
    ("PATCH", "/api/v1/tenants/{tenant}/members/{member_id}"),
    ("POST", "/api/v1/tenants/{tenant}/members/{member_id}/resend-invitation"),
    ("GET", "/api/v1/departments"),
    ("POST", "/api/v1/departments"),
    ("GET", "/api/v1/departments/{id}"),
    ("PATCH", "/api/v1/departments/{id}"),
    ("DELETE", "/api/v1/departments/{id}"),
    ("GET", "/api/v1/teams"),
    ("POST", "/api/v1/teams"),
    ("GET", "/api/v1/teams/{id}"),
    ("PATCH", "/api/v1/teams/{id}"),
    ("DELETE", "/api/v1/teams/{id}"),
    ("GET", "/api/v1/teams/{id}/members"),
    ("POST", "/api/v1/teams/{id}/members"),
    ("DELETE", "/api/v1/teams/{id}/members/{user_id}"),
    ("GET", "/api/v1/api-keys"),
    ("POST", "/api/v1/api-keys"),
    ("DELETE", "/api/v1/api-keys/{id}"),
    ("GET", "/api/v1/audit/logs"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    // Signed by the provider (X-Hub-Signature-256) or by us (media links), not by a bearer.
    ("GET", "/api/v1/webhooks/whatsapp/{channel_id}"),
    ("POST", "/api/v1/webhooks/whatsapp/{channel_id}"),
    ("GET", "/api/v1/media"),
    ("POST", "/api/v1/widget/sessions"),
    ("GET", "/api/v1/widget/messages"),
    ("POST", "/api/v1/widget/messages"),
    ("POST", "/api/v1/widget/uploads"),
    ("POST", "/api/v1/widget/typing"),
    ("GET", "/api/v1/widget/stream"),
    ("GET", "/api/v1/ws"),
    ("GET", "/api/v1/presence"),
];

/// The web-chat visitor's operations: a `vst_` visitor token (security scheme `visitor`), not
/// a member's bearer.
const VISITOR: &[(&str, &str)] = &[
    ("GET", "/api/v1/widget/messages"),
    ("POST", "/api/v1/widget/messages"),
    ("POST", "/api/v1/widget/uploads"),
    ("POST", "/api/v1/widget/typing"),
    ("GET", "/api/v1/widget/stream"),
];

/// The operations anyone may call without credentials; every other one must be secured.
const PUBLIC: &[(&str, &str)] = &[
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/refresh"),
    ("POST", "/api/v1/auth/magic-link"),
    ("POST", "/api/v1/auth/magic-link/verify"),
    ("POST", "/api/v1/auth/password-reset"),
    ("POST", "/api/v1/auth/password-reset/confirm"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    // Signed by the provider (X-Hub-Signature-256) or by us (media links), not by a bearer.
    ("GET", "/api/v1/webhooks/whatsapp/{channel_id}"),
    ("POST", "/api/v1/webhooks/whatsapp/{channel_id}"),
    ("GET", "/api/v1/media"),
    // The widget's public token (in the body) names the channel; the answer is a visitor token.
    ("POST", "/api/v1/widget/sessions"),
    // Authenticated inside the socket (first frame), never by a header a browser cannot send.
    ("GET", "/api/v1/ws"),
];

const METHODS: &[&str] = &["get", "put", "post", "patch", "delete", "head", "options", "trace"];

async fn fetch_document(app: &TestApp) -> Value {
    let r = app.client.get(app.url("/api/openapi.json")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(ct.starts_with("application/json"), "content type {ct}");
    r.json().await.unwrap()
}

/// Every `(METHOD, path)` of the document with its operation object.
fn operations(doc: &Value) -> BTreeMap<(String, String), Value> {
    let mut out = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for m in METHODS {
            if let Some(op) = item.get(*m) {
                out.insert((m.to_uppercase(), path.clone()), op.clone());
            }
        }
    }
    out
}

/// Replaces every `{param}` with `value`.
fn fill(path: &str, value: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').expect("closed brace") + start;
        out.push_str(value);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref"
                    && let Some(s) = v.as_str()
                {
                    out.push(s.to_owned());
                }
                collect_refs(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

fn resolves(doc: &Value, reference: &str) -> bool {
    let Some(pointer) = reference.strip_prefix('#') else {
        return false;
    };
    doc.pointer(pointer).is_some()
}

async fn document_is_openapi_3_1_with_every_route_of_the_foundation(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;

    // Act
    let doc = fetch_document(&app).await;

    // Assert
    let version = doc["openapi"].as_str().expect("openapi version");
    assert!(version.starts_with("3.1."), "OpenAPI {version}");
    assert!(doc["info"]["title"].is_string());
    let documented: BTreeSet<(String, String)> = operations(&doc).into_keys().collect();
    let missing: Vec<String> = EXPECTED
        .iter()
        .filter(|(m, p)| !documented.contains(&((*m).to_owned(), (*p).to_owned())))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        missing.is_empty(),
        "routes missing from the OpenAPI document: {missing:?}"
    );
}

async fn every_documented_operation_is_served(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let doc = fetch_document(&app).await;
    let ops = operations(&doc);
    assert!(ops.len() >= EXPECTED.len());
    let id = uuid::Uuid::now_v7().to_string();

    for (method, path) in ops.keys() {
        // Act: no credentials, an empty JSON object as body.
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let body = (m != Method::GET && m != Method::DELETE).then(|| serde_json::json!({}));
        let (status, b) = app.call(m, &fill(path, &id), None, body).await;

        // Assert
        assert_ne!(
            status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path} is documented but not routed: {b}"
        );
        let code = b["error"]["code"].as_str().unwrap_or("");
        assert!(
            !(status == StatusCode::NOT_FOUND && code == "route_not_found"),
            "{method} {path} is documented but not routed"
        );
        assert!(!status.is_server_error(), "{method} {path}: {status} {b}");
    }
}

async fn secured_operations_declare_bearer_and_answer_401_without_it(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let doc = fetch_document(&app).await;
    let scheme = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");
    let public: BTreeSet<(String, String)> = PUBLIC.iter().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())).collect();
    let id = uuid::Uuid::now_v7().to_string();

    for ((method, path), op) in operations(&doc) {
        let visitor = VISITOR.contains(&(method.as_str(), path.as_str()));
        let scheme_name = if visitor { "visitor" } else { "bearer" };
        let declared = op["security"]
            .as_array()
            .is_some_and(|reqs| reqs.iter().any(|r| r.get(scheme_name).is_some()));
        let is_public = public.contains(&(method.clone(), path.clone()));

        // Act
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let body = (m != Method::GET && m != Method::DELETE).then(|| serde_json::json!({}));
        let r = {
            let mut req = app.client.request(m, app.url(&fill(&path, &id)));
            if let Some(b) = body {
                req = req.json(&b);
            }
            req.send().await.unwrap()
        };

        // Assert
        if is_public {
            assert!(!declared, "{method} {path} is public but documents `security`");
            assert_ne!(r.status(), StatusCode::UNAUTHORIZED, "{method} {path} should be public");
        } else {
            assert!(
                declared,
                "{method} {path} needs a bearer token but does not document `security`"
            );
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{method} {path} without a token");
            let www = r
                .headers()
                .get("www-authenticate")
                .map(|v| v.to_str().unwrap().to_owned());
            assert!(
                www.is_some_and(|v| v.starts_with("Bearer")),
                "{method} {path}: WWW-Authenticate"
            );
        }
    }
}

async fn every_operation_documents_its_error_responses_with_the_error_body(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;

    // Act
    let doc = fetch_document(&app).await;

    // Assert
    assert!(
        doc["components"]["schemas"]["ErrorBody"].is_object(),
        "ErrorBody schema"
    );
    let error_ref = "#/components/schemas/ErrorBody";
    let mut problems = Vec::new();
    for ((method, path), op) in operations(&doc) {
        let responses = op["responses"].as_object().expect("responses");
        let codes: BTreeSet<&str> = responses.keys().map(String::as_str).collect();
        let mut want = vec!["400"];
        if op.get("requestBody").is_some() {
            want.extend(["413", "415", "422"]);
        }
        if op.get("security").is_some() {
            want.extend(["401", "403", "404"]);
        }
        for code in want {
            if !codes.contains(code) {
                problems.push(format!("{method} {path}: no {code} response"));
            }
        }
        for (code, res) in responses {
            if !(code.starts_with('4') || code.starts_with('5')) {
                continue;
            }
            let schema = &res["content"]["application/json"]["schema"]["$ref"];
            if schema != error_ref {
                problems.push(format!("{method} {path}: {code} is not an ErrorBody ({schema})"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

async fn every_schema_reference_and_request_body_resolves_in_components(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;

    // Act
    let doc = fetch_document(&app).await;

    // Assert: request bodies are JSON schemas named in components.
    for ((method, path), op) in operations(&doc) {
        let Some(body) = op.get("requestBody") else {
            continue;
        };
        // JSON bodies, and file uploads (multipart), are named schemas.
        let content = &body["content"];
        let schema = if content.get("multipart/form-data").is_some() {
            &content["multipart/form-data"]["schema"]
        } else {
            &content["application/json"]["schema"]
        };
        // A required body is a `$ref`; an optional one is `oneOf: [$ref, null]`.
        let reference = schema["$ref"]
            .as_str()
            .or_else(|| {
                let alts = schema["oneOf"].as_array()?;
                assert!(body["required"] != true, "{method} {path}: oneOf body marked required");
                alts.iter().find_map(|a| a["$ref"].as_str())
            })
            .unwrap_or_else(|| panic!("{method} {path}: body without a named schema"));
        assert!(
            reference.starts_with("#/components/schemas/"),
            "{method} {path}: {reference}"
        );
        assert!(
            resolves(&doc, reference),
            "{method} {path}: {reference} is not in components"
        );
    }
    // And no reference anywhere dangles.
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty());
    let dangling: BTreeSet<&String> = refs.iter().filter(|r| !resolves(&doc, r)).collect();
    assert!(dangling.is_empty(), "dangling references: {dangling:?}");
}

async fn operation_ids_are_unique(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;

    // Act
    let doc = fetch_document(&app).await;

    // Assert: OpenAPI requires unique ids, and the web app's client names its functions by them.
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for ((method, path), op) in operations(&doc) {
        if let Some(id) = op["operationId"].as_str() {
            seen.entry(id.to_owned()).or_default().push(format!("{method} {path}"));
        }
    }
    let dupes: BTreeMap<&String, &Vec<String>> = seen.iter().filter(|(_, v)| v.len() > 1).collect();
    assert!(dupes.is_empty(), "operationId used more than once: {dupes:#?}");
}

async fn parameters_are_documented_where_they_are_read(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;

    // Act
    let doc = fetch_document(&app).await;

    // Assert: `{x}` of a template is a required path parameter; anything else (limit, cursor,
    // filters) is an optional query parameter.
    let mut problems = Vec::new();
    let mut query_params = BTreeSet::new();
    for ((method, path), op) in operations(&doc) {
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        for p in &params {
            let name = p["name"].as_str().unwrap();
            let in_template = path.contains(&format!("{{{name}}}"));
            match (p["in"].as_str().unwrap(), in_template) {
                ("path", true) => {
                    if p["required"] != true {
                        problems.push(format!("{method} {path}: path parameter {name} not required"));
                    }
                }
                ("query", false) => {
                    query_params.insert(name.to_owned());
                    // The signed media link's four parameters are all required.
                    if p["required"] == true && path != "/api/v1/media" {
                        problems.push(format!("{method} {path}: query parameter {name} is optional"));
                    }
                }
                // The one header the API reads besides Authorization.
                ("header", false) if name == "Idempotency-Key" => {}
                (at, _) => problems.push(format!("{method} {path}: {name} documented in {at}")),
            }
        }
        let mut rest = path.as_str();
        while let Some(i) = rest.find('{') {
            let end = rest[i..].find('}').unwrap() + i;
            let name = &rest[i + 1..end];
            if !params.iter().any(|p| p["name"] == name && p["in"] == "path") {
                problems.push(format!("{method} {path}: {name} is not documented"));
            }
            rest = &rest[end + 1..];
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    for name in [
        "limit",
        "cursor",
        "status",
        "active",
        "department_id",
        "from",
        "to",
        "action",
    ] {
        assert!(
            query_params.contains(name),
            "query parameter {name} is documented nowhere"
        );
    }
}

/// `src` and `href` attribute values of an HTML page.
fn linked_urls(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["src=\"", "href=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').expect("closed attribute");
            out.push(rest[..end].to_owned());
            rest = &rest[end..];
        }
    }
    out
}

async fn docs_page_loads_only_local_assets(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;

    // Act
    let r = app.client.get(app.url("/api/docs")).send().await.unwrap();

    // Assert
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "web/dist is built by scripts/test before the suite"
    );
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    let html = r.text().await.unwrap();
    let urls = linked_urls(&html);
    assert!(urls.iter().any(|u| u.ends_with(".js")), "a script: {urls:?}");
    let mut loads_local_document = false;
    for u in &urls {
        assert!(u.starts_with('/') && !u.starts_with("//"), "non-local asset {u}");
        let res = app.client.get(app.url(u)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{u}");
        // Our own scripts (not the vendored bundle) must not reach out either.
        if u.ends_with(".js") && !u.ends_with("-bundle.js") {
            let js = res.text().await.unwrap();
            assert!(
                !js.contains("http://") && !js.contains("https://"),
                "{u} reaches out: {js}"
            );
            loads_local_document |= js.contains("\"/api/openapi.json\"");
        }
    }
    assert!(loads_local_document, "no script of the page loads /api/openapi.json");
}

both_engines!(
    document_is_openapi_3_1_with_every_route_of_the_foundation,
    every_documented_operation_is_served,
    secured_operations_declare_bearer_and_answer_401_without_it,
    every_operation_documents_its_error_responses_with_the_error_body,
    every_schema_reference_and_request_body_resolves_in_components,
    operation_ids_are_unique,
    parameters_are_documented_where_they_are_read,
    docs_page_loads_only_local_assets,
);

/// The web app's typed client is generated from `web/openapi.json`; it must be the document the
/// server serves, or the client and the API drift. `ATENDE_UPDATE_OPENAPI=1` rewrites the
/// snapshot (then run `npm run gen:api` in `web/`).
#[tokio::test]
async fn web_snapshot_of_the_document_is_current() {
    let app = TestApp::spawn(Engine::Sqlite).await;
    let served = atende_http::openapi()
        .to_json()
        .map(|s| serde_json::from_str::<Value>(&s).unwrap())
        .unwrap();
    let fetched = fetch_document(&app).await;
    assert_eq!(served, fetched, "the document served is the one the router builds");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/openapi.json");
    if std::env::var("ATENDE_UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(&path, serde_json::to_string_pretty(&fetched).unwrap() + "\n").unwrap();
        return;
    }
    let committed: Value = serde_json::from_slice(&std::fs::read(&path).expect("web/openapi.json exists")).unwrap();
    assert!(
        committed == fetched,
        "web/openapi.json is stale: run `ATENDE_UPDATE_OPENAPI=1 cargo nextest run -p atende --test api \
         web_snapshot` and `npm run gen:api` in web/"
    );
}
