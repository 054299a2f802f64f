//! Hostile input thrown at every route: broken and oversized bodies, wrong types, SQL and HTML
//! in strings, deep nesting, bad ids in the path, bad query strings — with and without a
//! token. Whatever comes in, the answer is a 4xx with the error body (or a 2xx when the input
//! happens to be valid), never a 5xx or a dropped connection.
//!
//! The routes come from `/api/openapi.json`, so a new route is covered the day it is added.

use crate::harness::{Engine, Session, TenantFixture, TestApp, error_code};
use futures::StreamExt;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

const SQL_OR: &str = "' OR 1=1 --";
const SQL_DROP: &str = "\"; DROP TABLE users; --";
const HTML: &str = "<script>alert(1)</script>";

/// Requests in flight at once.
const CONCURRENCY: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    String,
    Uuid,
    Bool,
    Number,
    Object,
    Any,
}

/// One operation of the document.
#[derive(Clone, Debug)]
struct Op {
    method: Method,
    path: String,
    /// Properties of the JSON body, when the operation takes one.
    body: Option<BTreeMap<String, Kind>>,
    /// The document marks the body optional (`requestBody.required` is not true).
    body_optional: bool,
    query: BTreeSet<String>,
    secured: bool,
}

impl Op {
    fn string_props(&self) -> Vec<String> {
        self.body
            .iter()
            .flatten()
            .filter(|(_, k)| **k == Kind::String)
            .map(|(n, _)| n.clone())
            .collect()
    }
}

fn kind_of(schema: &Value) -> Kind {
    if schema.get("$ref").is_some() {
        return Kind::Object;
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if types.contains(&"string") {
        return if schema["format"] == "uuid" {
            Kind::Uuid
        } else {
            Kind::String
        };
    }
    if types.contains(&"boolean") {
        Kind::Bool
    } else if types.contains(&"integer") || types.contains(&"number") {
        Kind::Number
    } else if types.contains(&"object") {
        Kind::Object
    } else {
        Kind::Any
    }
}

fn operations(doc: &Value) -> Vec<Op> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for m in ["get", "post", "put", "patch", "delete"] {
            let Some(op) = item.get(m) else { continue };
            let schema = &op["requestBody"]["content"]["application/json"]["schema"];
            // An optional body is documented as `oneOf: [$ref, null]`.
            let reference = schema["$ref"].as_str().or_else(|| {
                schema["oneOf"]
                    .as_array()
                    .and_then(|alts| alts.iter().find_map(|a| a["$ref"].as_str()))
            });
            let body = reference.map(|r| {
                let schema = doc.pointer(r.trim_start_matches('#')).expect("body schema");
                schema["properties"]
                    .as_object()
                    .map(|ps| ps.iter().map(|(n, s)| (n.clone(), kind_of(s))).collect())
                    .unwrap_or_default()
            });
            let query = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query")
                .map(|p| p["name"].as_str().unwrap().to_owned())
                .collect();
            out.push(Op {
                method: Method::from_bytes(m.to_uppercase().as_bytes()).unwrap(),
                path: path.clone(),
                body,
                body_optional: op["requestBody"]["required"] != true,
                query,
                secured: op.get("security").is_some(),
            });
        }
    }
    out
}

/// When a 2xx is an acceptable answer to a case.
#[derive(Clone, Debug)]
enum Valid {
    /// Never: the input is broken for any route that reads it.
    Never,
    /// Any answer but an error is fine (a plausible request to a real path).
    Always,
    /// Only where the route reads no body (or the body is optional and this one is empty).
    IfNoBody,
    /// The strings may be a valid name: then they must come back verbatim.
    Strings(&'static str),
    /// A query parameter: fine where the route does not read it.
    IfQueryUnused(&'static str),
}

#[derive(Clone, Debug)]
struct Case {
    name: String,
    content_type: Option<&'static str>,
    body: Option<Vec<u8>>,
    query: Option<String>,
    valid: Valid,
}

impl Case {
    fn json(name: impl Into<String>, body: impl Into<Vec<u8>>, valid: Valid) -> Self {
        Self {
            name: name.into(),
            content_type: Some("application/json"),
            body: Some(body.into()),
            query: None,
            valid,
        }
    }
}

/// Non-UTF-8 bytes, the same every run.
fn random_bytes(n: usize) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9;
    (0..n)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            if i % 7 == 0 { 0xff } else { (x & 0xff) as u8 }
        })
        .collect()
}

/// Cases that break any route, whatever its body.
fn generic_cases() -> Vec<Case> {
    let mut multipart = Case::json(
        "multipart body",
        "--xyz\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--xyz--\r\n",
        Valid::IfNoBody,
    );
    multipart.content_type = Some("multipart/form-data; boundary=xyz");
    let mut text = Case::json("text/plain body", "{\"name\": \"x\"}", Valid::IfNoBody);
    text.content_type = Some("text/plain");
    let mut untyped = Case::json("JSON without content type", "{}", Valid::IfNoBody);
    untyped.content_type = None;
    let mid = format!("{{\"x\": \"{}\"}}", "a".repeat(512 * 1024));
    let big = format!("{{\"x\": \"{}\"}}", "a".repeat(2 * 1024 * 1024));
    vec![
        Case::json("random bytes", random_bytes(512), Valid::IfNoBody),
        text,
        multipart,
        untyped,
        Case::json("empty body", "", Valid::IfNoBody),
        Case::json("null", "null", Valid::IfNoBody),
        Case::json("array", "[]", Valid::IfNoBody),
        Case::json("array of numbers", "[1, 2, 3]", Valid::IfNoBody),
        Case::json("bare string", "\"hello\"", Valid::IfNoBody),
        Case::json("bare number", "12345", Valid::IfNoBody),
        Case::json("truncated JSON", "{\"name\": ", Valid::IfNoBody),
        Case::json("trailing garbage", "{} {}", Valid::IfNoBody),
        Case::json("10000 nested arrays", "[".repeat(10_000), Valid::IfNoBody),
        Case::json(
            "10000 nested objects",
            "{\"a\":".repeat(10_000) + "1" + &"}".repeat(10_000),
            Valid::IfNoBody,
        ),
        Case::json("unknown field", "{\"unexpected_field\": 1}", Valid::IfNoBody),
        Case::json("lone surrogate", "{\"x\": \"\\ud800\"}", Valid::IfNoBody),
        Case::json("number out of range", "{\"x\": 1e400}", Valid::IfNoBody),
        Case::json("512 KiB body", mid, Valid::IfNoBody),
        Case::json("2 MB body", big, Valid::IfNoBody),
    ]
}

/// Cases built from the operation's body schema: wrong types, oversized and broken strings,
/// SQL and HTML.
fn field_cases(op: &Op) -> Vec<Case> {
    let Some(props) = &op.body else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, kind) in props {
        let wrong: Vec<Value> = match kind {
            Kind::String | Kind::Uuid => vec![json!(12345), json!({}), json!(true), json!([])],
            Kind::Bool => vec![json!("yes"), json!(1), json!({})],
            Kind::Number => vec![json!("12"), json!(true), json!(-1)],
            Kind::Object | Kind::Any => vec![json!("x"), json!(1), json!(true), json!([])],
        };
        for w in wrong {
            let body = json!({ name.clone(): w }).to_string();
            out.push(Case::json(format!("{name} = {w}"), body, Valid::Never));
        }
        let huge = format!("{{\"{name}\": 123456789012345678901234567890}}");
        out.push(Case::json(format!("{name} = huge number"), huge, Valid::Never));
        if *kind == Kind::Uuid {
            let body = json!({ name.clone(): SQL_OR }).to_string();
            out.push(Case::json(format!("{name} = SQL"), body, Valid::Never));
        }
    }
    let target = op.string_props().into_iter().next().unwrap_or_else(|| "x".into());
    let mb = json!({ target.clone(): "é".repeat(512 * 1024) }).to_string();
    out.push(Case::json(format!("{target} = 1 MB string"), mb, Valid::Never));
    let surrogate = format!("{{\"{target}\": \"ok \\udc00 ok\"}}");
    out.push(Case::json(
        format!("{target} = lone low surrogate"),
        surrogate,
        Valid::Never,
    ));
    let strings = op.string_props();
    if !strings.is_empty() {
        for s in [SQL_OR, SQL_DROP, HTML] {
            let body: serde_json::Map<String, Value> = strings.iter().map(|p| (p.clone(), json!(s))).collect();
            out.push(Case::json(
                format!("strings = {s}"),
                Value::Object(body).to_string(),
                Valid::Strings(s),
            ));
        }
    }
    out
}

/// Bad query strings, for reads.
fn query_cases() -> Vec<Case> {
    let q = |param: &'static str, value: &str| Case {
        name: format!("?{param}={value}"),
        content_type: None,
        body: None,
        query: Some(format!("{param}={value}")),
        valid: Valid::IfQueryUnused(param),
    };
    vec![
        q("limit", "-1"),
        q("limit", "abc"),
        q("limit", "0"),
        q("limit", "201"),
        q("limit", "99999999999999999999999"),
        q("limit", "1%20OR%201%3D1"),
        q("cursor", "garbage"),
        q("cursor", "%27%20OR%201%3D1%20--"),
        q("from", "notadate"),
        q("to", "2024-13-45T99:00:00Z"),
        q("actor", "not-a-uuid"),
        q("department_id", "..%2F..%2Fetc"),
        q("active", "maybe"),
        q("status", "%3Cscript%3E"),
    ]
}

/// A tenant with one of everything, so path parameters can name real rows.
struct World {
    app: TestApp,
    acme: TenantFixture,
    root: Session,
    department: String,
    team: String,
    api_key: String,
    viewer_user: String,
    viewer_membership: String,
}

async fn world(engine: Engine) -> World {
    let app = TestApp::spawn(engine).await;
    let root = app.super_admin().await;
    let acme = app.tenant("acme").await;
    let viewer = app.member(&acme, "viewer").await;
    let tok = acme.admin.access.clone();
    let (s, d) = app
        .post("/api/v1/departments", Some(&tok), json!({"name": "Suporte"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let department = d["id"].as_str().unwrap().to_owned();
    let (s, t) = app
        .post(
            "/api/v1/teams",
            Some(&tok),
            json!({"name": "N1", "department_id": department}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    let team = t["id"].as_str().unwrap().to_owned();
    let viewer_user = viewer.user_id.to_string();
    let (s, b) = app
        .post(
            &format!("/api/v1/teams/{team}/members"),
            Some(&tok),
            json!({"user_id": viewer_user}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, k) = app
        .post("/api/v1/api-keys", Some(&tok), json!({"name": "crm", "role": "agent"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    let api_key = k["key"]["id"].as_str().unwrap().to_owned();
    let (s, ms) = app.get("/api/v1/tenants/acme/members", &tok).await;
    assert_eq!(s, StatusCode::OK);
    let viewer_membership = ms["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == viewer_user)
        .expect("viewer listed")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    World {
        app,
        acme,
        root,
        department,
        team,
        api_key,
        viewer_user,
        viewer_membership,
    }
}

impl World {
    /// A real value for `{param}` of `path` in the caller's tenant (a random id for a parameter
    /// this test does not know yet).
    fn real(&self, path: &str, param: &str) -> String {
        let under = |p: &str| path.starts_with(p);
        match param {
            "tenant" => self.acme.slug.clone(),
            "member_id" => self.viewer_membership.clone(),
            "user_id" => self.viewer_user.clone(),
            "id" if under("/api/v1/departments/") => self.department.clone(),
            "id" if under("/api/v1/teams/") => self.team.clone(),
            "id" if under("/api/v1/api-keys/") => self.api_key.clone(),
            _ => Uuid::now_v7().to_string(),
        }
    }
}

/// Replaces each `{param}` with what `value` says.
fn fill(path: &str, mut value: impl FnMut(&str) -> String) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').expect("closed brace") + start;
        out.push_str(&value(&rest[start + 1..end]));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

struct Request {
    op: Op,
    case: Case,
    url_path: String,
    token: Option<(&'static str, String)>,
}

impl Request {
    fn label(&self) -> String {
        let who = self.token.as_ref().map_or("anonymous", |(w, _)| w);
        format!("{} {} [{}] as {who}", self.op.method, self.url_path, self.case.name)
    }
}

/// Sends one request and returns what is wrong with the answer, if anything.
async fn check(app: &TestApp, r: Request) -> Option<String> {
    let url = match &r.case.query {
        Some(q) => format!("{}?{q}", app.url(&r.url_path)),
        None => app.url(&r.url_path),
    };
    let mut req = app.client.request(r.op.method.clone(), url);
    if let Some((_, t)) = &r.token {
        req = req.bearer_auth(t);
    }
    if let Some(ct) = r.case.content_type {
        req = req.header("content-type", ct);
    }
    if let Some(b) = &r.case.body {
        req = req.body(b.clone());
    }
    let res = match req.send().await {
        Ok(res) => res,
        Err(e) => return Some(format!("{}: no answer ({e:?})", r.label())),
    };
    let status = res.status();
    let www = res.headers().contains_key("www-authenticate");
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = match res.text().await {
        Ok(t) => t,
        Err(e) => return Some(format!("{}: {status} with a broken body ({e})", r.label())),
    };
    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let short: String = text.chars().take(200).collect();
    if status.is_server_error() {
        return Some(format!("{}: {status} {short}", r.label()));
    }
    // A body over the hard limit is refused before anyone looks at the credentials.
    let refused_at_the_door = status == StatusCode::PAYLOAD_TOO_LARGE;
    if r.op.secured && r.token.is_none() && status != StatusCode::UNAUTHORIZED && !refused_at_the_door {
        return Some(format!("{}: {status} without credentials, not 401", r.label()));
    }
    if status.is_client_error() {
        if !(body["error"]["code"].is_string() && body["error"]["message"].is_string()) {
            return Some(format!("{}: {status} without the error body: {short}", r.label()));
        }
        if !ct.starts_with("application/json") {
            return Some(format!("{}: {status} error body as {ct}", r.label()));
        }
        if status == StatusCode::UNAUTHORIZED && !www {
            return Some(format!("{}: 401 without WWW-Authenticate", r.label()));
        }
        return None;
    }
    if !status.is_success() {
        return Some(format!("{}: unexpected {status}", r.label()));
    }
    let no_body = r.op.body.is_none();
    let empty = r.case.body.as_deref().is_some_and(<[u8]>::is_empty);
    let acceptable = match &r.case.valid {
        Valid::Never => no_body,
        Valid::IfNoBody => no_body || (r.op.body_optional && empty),
        Valid::Strings(_) | Valid::Always => true,
        Valid::IfQueryUnused(p) => !r.op.query.contains(*p),
    };
    if !acceptable {
        return Some(format!("{}: accepted with {status}: {short}", r.label()));
    }
    if let Valid::Strings(s) = r.case.valid {
        if !text.is_empty() && !ct.starts_with("application/json") {
            return Some(format!("{}: {status} answered as {ct}", r.label()));
        }
        for p in r.op.string_props() {
            if let Some(got) = body.get(&p).and_then(Value::as_str)
                && got != s
            {
                return Some(format!("{}: {p} stored as {got:?}, sent {s:?}", r.label()));
            }
        }
    }
    None
}

/// Runs the requests, `CONCURRENCY` at a time; returns every problem found.
async fn run(app: &TestApp, requests: Vec<Request>) -> Vec<String> {
    futures::stream::iter(requests)
        .map(|r| check(app, r))
        .buffer_unordered(CONCURRENCY)
        .filter_map(|p| async move { p })
        .collect()
        .await
}

async fn document_operations(app: &TestApp) -> Vec<Op> {
    let doc: Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut ops = operations(&doc);
    assert!(ops.len() >= 40, "the document lists {} operations", ops.len());
    // Deletions last, so the other routes meet the real rows.
    ops.sort_by_key(|op| op.method == Method::DELETE);
    ops
}

/// The callers each request is sent as: nobody, the tenant's admin (a session of its own for
/// the session routes, which may close it), and the platform on `/tenants`.
async fn callers(w: &World, op: &Op) -> Vec<Option<(&'static str, String)>> {
    let mut out = vec![None];
    if op.path.starts_with("/api/v1/auth/") {
        let s = w.app.login_to(&w.acme.admin_email, &w.acme.slug).await;
        out.push(Some(("admin", s.access)));
    } else {
        out.push(Some(("admin", w.acme.admin.access.clone())));
    }
    if op.path.starts_with("/api/v1/tenants") {
        out.push(Some(("super admin", w.root.access.clone())));
    }
    out
}

fn report(problems: &[String], sent: usize) {
    eprintln!("{sent} hostile requests sent");
    let shown: Vec<&String> = problems.iter().take(40).collect();
    assert!(
        problems.is_empty(),
        "{} of {sent} hostile requests were mishandled:\n{shown:#?}",
        problems.len()
    );
}

/// Everything still works afterwards: the tables are there and the admin's session works.
/// (Not a fresh sign-in: the wrong passwords thrown at the re-authenticating routes rightly
/// lock the account for 15 minutes.)
async fn still_standing(w: &World) {
    let admin = &w.acme.admin;
    for path in [
        "/api/v1/departments",
        "/api/v1/teams",
        "/api/v1/tenants/acme/members",
        "/api/v1/audit/logs",
        "/api/v1/users/me",
    ] {
        let (s, b) = w.app.get(path, &admin.access).await;
        assert_eq!(s, StatusCode::OK, "{path}: {b}");
    }
}

async fn hostile_bodies_get_a_4xx_with_the_error_body_on_every_route(engine: Engine) {
    // Arrange
    let w = world(engine).await;
    let ops = document_operations(&w.app).await;
    let generic = generic_cases();
    let few: Vec<Case> = generic
        .iter()
        .filter(|c| {
            [
                "random bytes",
                "text/plain body",
                "null",
                "10000 nested arrays",
                "512 KiB body",
                "2 MB body",
            ]
            .contains(&c.name.as_str())
        })
        .cloned()
        .collect();
    assert_eq!(few.len(), 6);
    let (mut first, mut deletes) = (Vec::new(), Vec::new());
    for op in &ops {
        let url_path = fill(&op.path, |p| w.real(&op.path, p));
        let all: Vec<Case> = generic.iter().cloned().chain(field_cases(op)).collect();
        for token in callers(&w, op).await {
            // A route that reads no body, or stops at the credentials first, treats every body
            // alike: a few kinds of it show that.
            let cases = if op.body.is_none() || (token.is_none() && op.secured) {
                &few
            } else {
                &all
            };
            for case in cases {
                let r = Request {
                    op: op.clone(),
                    case: case.clone(),
                    url_path: url_path.clone(),
                    token: token.clone(),
                };
                if op.method == Method::DELETE {
                    deletes.push(r)
                } else {
                    first.push(r)
                }
            }
        }
    }
    let sent = first.len() + deletes.len();

    // Act
    let mut problems = run(&w.app, first).await;
    problems.extend(run(&w.app, deletes).await);

    // Assert
    report(&problems, sent);
    still_standing(&w).await;
}

async fn hostile_path_ids_and_query_strings_get_a_4xx_with_the_error_body_on_every_route(engine: Engine) {
    // Arrange
    let w = world(engine).await;
    let ops = document_operations(&w.app).await;
    let bad_ids = [
        "..%2F..%2Fetc",
        "1%20OR%201%3D1",
        "%27%20OR%20%271%27%3D%271",
        "%3Cscript%3E",
        "%FF%FE",
        "0",
    ];
    let probes = [
        Case::json("empty object", "{}", Valid::IfNoBody),
        Case::json("strings = SQL", json!({"name": SQL_DROP}).to_string(), Valid::IfNoBody),
    ];
    let queries = query_cases();
    let (mut first, mut deletes) = (Vec::new(), Vec::new());
    for op in &ops {
        let mut paths: Vec<String> = Vec::new();
        if op.path.contains('{') {
            paths.push(fill(&op.path, |_| Uuid::now_v7().to_string()));
            paths.extend(bad_ids.iter().map(|bad| fill(&op.path, |_| (*bad).to_owned())));
            // One parameter bad at a time, the others real.
            let count = op.path.matches('{').count();
            for i in (0..count).filter(|_| count > 1) {
                for bad in bad_ids {
                    let mut n = 0;
                    paths.push(fill(&op.path, |p| {
                        n += 1;
                        if n == i + 1 {
                            bad.to_owned()
                        } else {
                            w.real(&op.path, p)
                        }
                    }));
                }
            }
        }
        // The tenant by id rather than slug: a real path, where the probes may well be valid.
        let by_id = op.path.contains("{tenant}").then(|| {
            fill(&op.path, |p| {
                if p == "tenant" {
                    w.acme.id.to_string()
                } else {
                    w.real(&op.path, p)
                }
            })
        });
        for token in callers(&w, op).await {
            let real = by_id.iter().map(|p| (p, true));
            for (path, real) in paths.iter().map(|p| (p, false)).chain(real) {
                for case in &probes {
                    let mut case = case.clone();
                    if real {
                        case.valid = Valid::Always;
                    }
                    let r = Request {
                        op: op.clone(),
                        case,
                        url_path: path.clone(),
                        token: token.clone(),
                    };
                    if op.method == Method::DELETE {
                        deletes.push(r)
                    } else {
                        first.push(r)
                    }
                }
            }
            if op.method == Method::GET {
                let url_path = fill(&op.path, |p| w.real(&op.path, p));
                for case in &queries {
                    first.push(Request {
                        op: op.clone(),
                        case: case.clone(),
                        url_path: url_path.clone(),
                        token: token.clone(),
                    });
                }
            }
        }
    }
    let sent = first.len() + deletes.len();

    // Act
    let mut problems = run(&w.app, first).await;
    problems.extend(run(&w.app, deletes).await);

    // Assert
    report(&problems, sent);
    still_standing(&w).await;
}

async fn sql_and_html_in_strings_are_stored_verbatim_and_harmless(engine: Engine) {
    // Arrange
    let w = world(engine).await;
    let (app, tok) = (&w.app, w.acme.admin.access.clone());
    let tricky = "Robert'); DROP TABLE teams;-- \"quoted\" \\ back\\slash";

    // Act
    let (s, created) = app
        .post(
            "/api/v1/departments",
            Some(&tok),
            json!({"name": SQL_DROP, "description": HTML}),
        )
        .await;
    let id = created["id"].as_str().unwrap_or_default().to_owned();
    let raw = app
        .client
        .get(app.url(&format!("/api/v1/departments/{id}")))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap();
    let ct = raw.headers()["content-type"].to_str().unwrap().to_owned();
    let raw = raw.text().await.unwrap();
    let (team, team_body) = app
        .post(
            "/api/v1/teams",
            Some(&tok),
            json!({"name": tricky, "description": SQL_OR}),
        )
        .await;
    let (renamed, renamed_body) = app.patch("/api/v1/tenants/acme", &tok, json!({"name": SQL_OR})).await;
    let (filtered, filtered_body) = app.get("/api/v1/audit/logs?action=%27%20OR%201%3D1%20--", &tok).await;
    let (by_entity, by_entity_body) = app
        .get("/api/v1/audit/logs?entity=department%27%20OR%20%271%27%3D%271", &tok)
        .await;

    // Assert
    assert_eq!(s, StatusCode::CREATED, "{created}");
    assert_eq!(created["name"], SQL_DROP);
    assert_eq!(created["description"], HTML);
    assert!(ct.starts_with("application/json"), "{ct}");
    let fetched: Value = serde_json::from_str(&raw).expect("valid JSON");
    assert_eq!(fetched["name"], SQL_DROP);
    assert_eq!(fetched["description"], HTML);
    assert!(
        raw.contains(r#""\"; DROP TABLE users; --""#),
        "quotes escaped in JSON: {raw}"
    );
    assert_eq!(team, StatusCode::CREATED, "{team_body}");
    assert_eq!(team_body["name"], tricky);
    assert_eq!(team_body["description"], SQL_OR);
    assert_eq!(renamed, StatusCode::OK, "{renamed_body}");
    assert_eq!(renamed_body["name"], SQL_OR);
    assert_eq!(filtered, StatusCode::OK, "{filtered_body}");
    assert_eq!(filtered_body["items"], json!([]), "the filter is a literal, not SQL");
    assert_eq!(by_entity, StatusCode::OK, "{by_entity_body}");
    assert_eq!(by_entity_body["items"], json!([]), "the filter is a literal, not SQL");
    let (_, list) = app.get("/api/v1/departments", &tok).await;
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&SQL_DROP), "{names:?}");
    let (_, tenant) = app.get("/api/v1/tenants/acme", &w.root.access).await;
    assert_eq!(tenant["name"], SQL_OR);
    still_standing(&w).await;
    let (s, b) = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"email": SQL_OR, "password": SQL_DROP}),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    assert_eq!(error_code(s, &b), "invalid_credentials");
}

both_engines!(
    hostile_bodies_get_a_4xx_with_the_error_body_on_every_route,
    hostile_path_ids_and_query_strings_get_a_4xx_with_the_error_body_on_every_route,
    sql_and_html_in_strings_are_stored_verbatim_and_harmless,
);
