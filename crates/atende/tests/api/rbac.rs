//! The permission matrix through the API: one table of routes with the expected outcome for
//! each role, API keys acting with their role, and the platform's super admin.

use crate::harness::{Engine, TenantFixture, TestApp, error_code};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// A 2xx.
    Allowed,
    /// 403 `forbidden`.
    Denied,
}

use Expect::{Allowed as Y, Denied as N};

const ROLES: [&str; 4] = ["viewer", "agent", "supervisor", "admin"];

/// Outcomes in the order of `ROLES`.
const EVERYONE: [Expect; 4] = [Y, Y, Y, Y];
const AGENT_UP: [Expect; 4] = [N, Y, Y, Y];
const SUPERVISOR_UP: [Expect; 4] = [N, N, Y, Y];
const ADMIN_ONLY: [Expect; 4] = [N, N, N, Y];
const NOBODY: [Expect; 4] = [N, N, N, N];

struct Row {
    method: Method,
    path: String,
    body: Option<Value>,
    expect: [Expect; 4],
}

fn row(method: Method, path: String, body: Option<Value>, expect: [Expect; 4]) -> Row {
    Row {
        method,
        path,
        body,
        expect,
    }
}

/// What one role's rows act on, created fresh by the admin so a role's deletes do not
/// disturb the next role's rows.
struct Targets {
    department: String,
    team: String,
    key: String,
    member_user: Uuid,
    member_membership: String,
    contact: String,
    tag: String,
    quick_reply: String,
}

async fn targets(app: &TestApp, t: &TenantFixture, role: &str) -> Targets {
    let tok = &t.admin.access;
    let (s, d) = app
        .post(
            "/api/v1/departments",
            Some(tok),
            json!({"name": format!("Dept of {role}")}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let (s, tm) = app
        .post("/api/v1/teams", Some(tok), json!({"name": format!("Team of {role}")}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{tm}");
    let (s, k) = app
        .post(
            "/api/v1/api-keys",
            Some(tok),
            json!({"name": format!("Key of {role}"), "role": "viewer"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    let member = app.member(t, "viewer").await;
    let (s, c) = app
        .post(
            "/api/v1/contacts",
            Some(tok),
            json!({"name": format!("Contact of {role}")}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let (s, tag) = app
        .post("/api/v1/tags", Some(tok), json!({"name": format!("Tag of {role}")}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{tag}");
    let (s, q) = app
        .post(
            "/api/v1/quick-replies",
            Some(tok),
            json!({"shortcut": format!("/of-{role}"), "title": "Oi", "content": "Olá!"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{q}");
    Targets {
        contact: c["id"].as_str().unwrap().to_owned(),
        tag: tag["id"].as_str().unwrap().to_owned(),
        quick_reply: q["id"].as_str().unwrap().to_owned(),
        department: d["id"].as_str().unwrap().to_owned(),
        team: tm["id"].as_str().unwrap().to_owned(),
        key: k["key"]["id"].as_str().unwrap().to_owned(),
        member_user: member.user_id,
        member_membership: membership_id(app, t, member.user_id).await,
    }
}

async fn membership_id(app: &TestApp, t: &TenantFixture, user: Uuid) -> String {
    let (s, ms) = app
        .get(
            &format!("/api/v1/tenants/{}/members?limit=200", t.slug),
            &t.admin.access,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{ms}");
    ms["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == user.to_string())
        .and_then(|m| m["id"].as_str())
        .unwrap_or_else(|| panic!("{user} not in {ms}"))
        .to_owned()
}

/// The table. Rows run in order, so a team member is added before being removed and a
/// department is deleted last.
fn table(t: &TenantFixture, role: &str, x: &Targets) -> Vec<Row> {
    let (slug, d, tm, key) = (&t.slug, &x.department, &x.team, &x.key);
    let user = x.member_user;
    let mut rows = vec![
        // Reads: everyone in the tenant.
        row(Method::GET, "/api/v1/departments".into(), None, EVERYONE),
        row(Method::GET, format!("/api/v1/departments/{d}"), None, EVERYONE),
        row(Method::GET, "/api/v1/teams".into(), None, EVERYONE),
        row(Method::GET, format!("/api/v1/teams/{tm}"), None, EVERYONE),
        row(Method::GET, format!("/api/v1/teams/{tm}/members"), None, EVERYONE),
        row(Method::GET, format!("/api/v1/tenants/{slug}"), None, EVERYONE),
        row(Method::GET, format!("/api/v1/tenants/{}", t.id), None, EVERYONE),
        row(Method::GET, format!("/api/v1/tenants/{slug}/members"), None, EVERYONE),
        row(Method::GET, format!("/api/v1/tenants/{slug}/domains"), None, EVERYONE),
        // Departments and teams: supervisors and admins.
        row(
            Method::POST,
            "/api/v1/departments".into(),
            Some(json!({"name": format!("Created by {role}")})),
            SUPERVISOR_UP,
        ),
        row(
            Method::PATCH,
            format!("/api/v1/departments/{d}"),
            Some(json!({"description": format!("edited by {role}")})),
            SUPERVISOR_UP,
        ),
        row(
            Method::POST,
            "/api/v1/teams".into(),
            Some(json!({"name": format!("Created by {role}"), "department_id": d})),
            SUPERVISOR_UP,
        ),
        row(
            Method::PATCH,
            format!("/api/v1/teams/{tm}"),
            Some(json!({"name": format!("Renamed by {role}")})),
            SUPERVISOR_UP,
        ),
        row(
            Method::POST,
            format!("/api/v1/teams/{tm}/members"),
            Some(json!({"user_id": user})),
            SUPERVISOR_UP,
        ),
        row(
            Method::DELETE,
            format!("/api/v1/teams/{tm}/members/{user}"),
            None,
            SUPERVISOR_UP,
        ),
        row(Method::DELETE, format!("/api/v1/teams/{tm}"), None, SUPERVISOR_UP),
        row(Method::DELETE, format!("/api/v1/departments/{d}"), None, SUPERVISOR_UP),
        // People, the tenant's settings, keys and the audit trail: admins.
        row(
            Method::POST,
            format!("/api/v1/tenants/{slug}/members"),
            Some(json!({"email": format!("invited-by-{role}@{slug}.test"), "role": "agent"})),
            ADMIN_ONLY,
        ),
        row(
            Method::PATCH,
            format!("/api/v1/tenants/{slug}/members/{}", x.member_membership),
            Some(json!({"role": "agent"})),
            ADMIN_ONLY,
        ),
        row(
            Method::PATCH,
            format!("/api/v1/tenants/{slug}/members/{}", x.member_membership),
            Some(json!({"active": false})),
            ADMIN_ONLY,
        ),
        row(
            Method::PATCH,
            format!("/api/v1/tenants/{slug}"),
            Some(json!({"name": format!("Renamed by {role}")})),
            ADMIN_ONLY,
        ),
        row(
            Method::POST,
            format!("/api/v1/tenants/{slug}/domains"),
            Some(json!({"domain": format!("{role}.{slug}.example.com")})),
            ADMIN_ONLY,
        ),
        row(Method::GET, "/api/v1/api-keys".into(), None, ADMIN_ONLY),
        row(
            Method::POST,
            "/api/v1/api-keys".into(),
            Some(json!({"name": format!("Made by {role}"), "role": "viewer"})),
            ADMIN_ONLY,
        ),
        row(Method::DELETE, format!("/api/v1/api-keys/{key}"), None, ADMIN_ONLY),
        row(Method::GET, "/api/v1/audit/logs".into(), None, ADMIN_ONLY),
        // The platform's: no tenant role reaches them.
        row(Method::GET, "/api/v1/tenants".into(), None, NOBODY),
        row(
            Method::POST,
            format!("/api/v1/tenants/{slug}/impersonate"),
            None,
            NOBODY,
        ),
    ];
    rows.extend(messaging_rows(role, x));
    rows
}

/// Contacts (agents write them), tags and quick replies (supervisors manage them).
fn messaging_rows(role: &str, x: &Targets) -> Vec<Row> {
    let (c, tag, q) = (&x.contact, &x.tag, &x.quick_reply);
    vec![
        row(Method::GET, "/api/v1/contacts".into(), None, EVERYONE),
        row(Method::GET, format!("/api/v1/contacts/{c}"), None, EVERYONE),
        row(Method::GET, "/api/v1/tags".into(), None, EVERYONE),
        row(Method::GET, format!("/api/v1/tags/{tag}"), None, EVERYONE),
        row(Method::GET, "/api/v1/quick-replies?q=of".into(), None, EVERYONE),
        row(Method::GET, format!("/api/v1/quick-replies/{q}"), None, EVERYONE),
        row(
            Method::POST,
            "/api/v1/contacts".into(),
            Some(json!({"name": format!("Created by {role}")})),
            AGENT_UP,
        ),
        row(
            Method::PATCH,
            format!("/api/v1/contacts/{c}"),
            Some(json!({"custom_attributes": {"edited_by": role}})),
            AGENT_UP,
        ),
        row(
            Method::PUT,
            format!("/api/v1/contacts/{c}/tags"),
            Some(json!({"tag_ids": [tag]})),
            AGENT_UP,
        ),
        row(
            Method::POST,
            "/api/v1/tags".into(),
            Some(json!({"name": format!("Created by {role}")})),
            SUPERVISOR_UP,
        ),
        row(
            Method::PATCH,
            format!("/api/v1/tags/{tag}"),
            Some(json!({"color": "#ff0000"})),
            SUPERVISOR_UP,
        ),
        row(
            Method::POST,
            "/api/v1/quick-replies".into(),
            Some(json!({"shortcut": format!("/by-{role}"), "title": "T", "content": "C"})),
            SUPERVISOR_UP,
        ),
        row(
            Method::PATCH,
            format!("/api/v1/quick-replies/{q}"),
            Some(json!({"title": format!("Edited by {role}")})),
            SUPERVISOR_UP,
        ),
        row(Method::DELETE, format!("/api/v1/contacts/{c}"), None, AGENT_UP),
        row(Method::DELETE, format!("/api/v1/tags/{tag}"), None, SUPERVISOR_UP),
        row(
            Method::DELETE,
            format!("/api/v1/quick-replies/{q}"),
            None,
            SUPERVISOR_UP,
        ),
    ]
}

async fn each_role_gets_exactly_what_the_matrix_allows(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let mut wrong = vec![];

    for (i, role) in ROLES.iter().enumerate() {
        let session = if *role == "admin" {
            t.admin.clone()
        } else {
            app.member(&t, role).await
        };
        let x = targets(&app, &t, role).await;
        for r in table(&t, role, &x) {
            if r.method != Method::GET {
                assert_eq!(r.expect[0], N, "the table lets a viewer write: {} {}", r.method, r.path);
            }

            // Act
            let (s, b) = app.call(r.method.clone(), &r.path, Some(&session.access), r.body).await;

            // Assert
            let ok = match r.expect[i] {
                Y => s.is_success(),
                N => s == StatusCode::FORBIDDEN && error_code(s, &b) == "forbidden",
            };
            if !ok {
                wrong.push(format!(
                    "{role}: {} {} → {s} {b} (expected {:?})",
                    r.method, r.path, r.expect[i]
                ));
            }
        }
    }

    assert!(
        wrong.is_empty(),
        "the API disagrees with the matrix:\n{}",
        wrong.join("\n")
    );
}

async fn refused_writes_leave_no_trace(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let x = targets(&app, &t, "viewer").await;
    let viewer = app.member(&t, "viewer").await;
    let agent = app.member(&t, "agent").await;
    let (_, departments_before) = app.get("/api/v1/departments", &t.admin.access).await;
    let (_, teams_before) = app.get("/api/v1/teams", &t.admin.access).await;

    // Act
    for (i, who) in [&viewer, &agent].into_iter().enumerate() {
        for r in table(&t, "viewer", &x) {
            if r.method != Method::GET && r.expect[i] == N {
                app.call(r.method, &r.path, Some(&who.access), r.body).await;
            }
        }
    }

    // Assert
    assert_eq!(
        app.get("/api/v1/departments", &t.admin.access).await.1,
        departments_before
    );
    assert_eq!(app.get("/api/v1/teams", &t.admin.access).await.1, teams_before);
    for who in [&viewer, &agent] {
        let (s, logs) = app
            .get(&format!("/api/v1/audit/logs?actor={}", who.user_id), &t.admin.access)
            .await;
        assert_eq!(s, StatusCode::OK, "{logs}");
        let written: Vec<&Value> = logs["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| !e["action"].as_str().unwrap().starts_with("auth."))
            .collect();
        assert!(written.is_empty(), "a refused write left an audit row: {written:?}");
    }
}

async fn create_key(app: &TestApp, t: &TenantFixture, role: &str) -> (String, String) {
    let (s, k) = app
        .post(
            "/api/v1/api-keys",
            Some(&t.admin.access),
            json!({"name": format!("{role} key"), "role": role}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    assert_eq!(k["key"]["role"], role);
    (
        k["key"]["id"].as_str().unwrap().to_owned(),
        k["secret"].as_str().unwrap().to_owned(),
    )
}

async fn an_agent_key_acts_as_an_agent(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let (_, secret) = create_key(&app, &t, "agent").await;

    // Act
    let (read, read_body) = app.get("/api/v1/departments", &secret).await;
    let (write, write_body) = app
        .post("/api/v1/departments", Some(&secret), json!({"name": "Not allowed"}))
        .await;
    let (keys, keys_body) = app.get("/api/v1/api-keys", &secret).await;

    // Assert
    assert_eq!(read, StatusCode::OK, "{read_body}");
    assert_eq!(write, StatusCode::FORBIDDEN, "{write_body}");
    assert_eq!(error_code(write, &write_body), "forbidden");
    assert_eq!(keys, StatusCode::FORBIDDEN, "{keys_body}");
    assert_eq!(error_code(keys, &keys_body), "forbidden");
}

async fn a_supervisor_key_manages_departments(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let (key_id, secret) = create_key(&app, &t, "supervisor").await;

    // Act
    let (s, b) = app
        .post("/api/v1/departments", Some(&secret), json!({"name": "Made by a key"}))
        .await;

    // Assert
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (_, logs) = app
        .get("/api/v1/audit/logs?action=departments.create", &t.admin.access)
        .await;
    assert_eq!(logs["items"][0]["actor_api_key_id"], key_id.as_str(), "{logs}");
    assert_eq!(logs["items"][0]["actor_user_id"], Value::Null, "{logs}");
}

async fn a_revoked_key_is_401(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let (id, secret) = create_key(&app, &t, "admin").await;
    assert_eq!(app.get("/api/v1/departments", &secret).await.0, StatusCode::OK);

    // Act
    let (s, revoked) = app.delete(&format!("/api/v1/api-keys/{id}"), &t.admin.access).await;

    // Assert
    assert_eq!(s, StatusCode::OK, "{revoked}");
    assert!(revoked["revoked_at"].is_string(), "{revoked}");
    let (s, b) = app.get("/api/v1/departments", &secret).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    assert_eq!(error_code(s, &b), "invalid_token");
}

async fn a_key_role_must_be_a_tenant_role(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;

    for role in ["super_admin", "owner", ""] {
        // Act
        let (s, b) = app
            .post(
                "/api/v1/api-keys",
                Some(&t.admin.access),
                json!({"name": "too strong", "role": role}),
            )
            .await;

        // Assert
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{role}: {b}");
        assert_eq!(error_code(s, &b), "validation_failed");
        assert!(b["error"]["fields"]["role"].is_array(), "{b}");
    }
    let (_, keys) = app.get("/api/v1/api-keys", &t.admin.access).await;
    assert_eq!(keys["items"], json!([]));
}

async fn a_super_admin_without_membership_needs_a_tenant_for_tenant_routes(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    app.tenant("acme").await;
    let root = app.super_admin().await;

    for path in [
        "/api/v1/departments",
        "/api/v1/teams",
        "/api/v1/api-keys",
        "/api/v1/audit/logs",
    ] {
        // Act
        let (s, b) = app.get(path, &root.access).await;

        // Assert
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}: {b}");
        assert_eq!(error_code(s, &b), "tenant_required", "{path}");
    }
}

fn new_tenant_body(slug: &str) -> Value {
    json!({
        "slug": slug,
        "name": format!("Tenant {slug}"),
        "admin": {"email": format!("boss@{slug}.test"), "password": crate::harness::PASSWORD},
    })
}

async fn only_the_super_admin_lists_and_creates_tenants(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let root = app.super_admin().await;

    // Act
    let (listed, list) = app.get("/api/v1/tenants", &root.access).await;
    let (created, body) = app
        .post("/api/v1/tenants", Some(&root.access), new_tenant_body("globex"))
        .await;
    let (admin_list, admin_list_body) = app.get("/api/v1/tenants", &t.admin.access).await;
    let (admin_create, admin_create_body) = app
        .post("/api/v1/tenants", Some(&t.admin.access), new_tenant_body("initech"))
        .await;

    // Assert
    assert_eq!(listed, StatusCode::OK, "{list}");
    assert!(
        list["items"].as_array().unwrap().iter().any(|x| x["slug"] == "acme"),
        "{list}"
    );
    assert_eq!(created, StatusCode::CREATED, "{body}");
    assert_eq!(body["tenant"]["slug"], "globex");
    assert_eq!(body["admin"]["email"], "boss@globex.test");
    app.login_to("boss@globex.test", "globex").await;
    for (s, b) in [(admin_list, admin_list_body), (admin_create, admin_create_body)] {
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
        assert_eq!(error_code(s, &b), "forbidden");
    }
    let (_, list) = app.get("/api/v1/tenants", &root.access).await;
    assert!(!list.to_string().contains("initech"), "{list}");
}

async fn impersonation_acts_as_admin_and_is_recorded(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let root = app.super_admin().await;

    // Act
    let (s, b) = app
        .call(
            Method::POST,
            &format!("/api/v1/tenants/{}/impersonate", t.id),
            Some(&root.access),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let token = b["access_token"].as_str().unwrap().to_owned();
    let (created, dept) = app
        .post(
            "/api/v1/departments",
            Some(&token),
            json!({"name": "Made while impersonating"}),
        )
        .await;
    let (keys, keys_body) = app.get("/api/v1/api-keys", &token).await;

    // Assert
    assert_eq!(b["tenant"]["id"], t.id.to_string());
    assert_eq!(b["tenant"]["role"], "admin");
    let (_, me) = app.get("/api/v1/users/me", &token).await;
    assert_eq!(me["impersonator_id"], root.user_id.to_string(), "{me}");
    assert_eq!(created, StatusCode::CREATED, "{dept}");
    assert_eq!(keys, StatusCode::OK, "{keys_body}");
    let (_, logs) = app.get("/api/v1/audit/logs?limit=200", &t.admin.access).await;
    let items = logs["items"].as_array().unwrap();
    let entry = items
        .iter()
        .find(|e| e["action"] == "departments.create")
        .unwrap_or_else(|| panic!("{logs}"));
    assert_eq!(entry["entity_id"], dept["id"]);
    assert_eq!(entry["impersonator_id"], root.user_id.to_string(), "{entry}");
    assert!(
        items
            .iter()
            .any(|e| e["action"] == "platform.impersonate" && e["actor_user_id"] == root.user_id.to_string()),
        "the impersonation itself is in the tenant's trail: {logs}"
    );
}

async fn an_impersonation_token_cannot_act_as_the_platform(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let root = app.super_admin().await;
    let (_, b) = app
        .call(
            Method::POST,
            &format!("/api/v1/tenants/{}/impersonate", t.id),
            Some(&root.access),
            None,
        )
        .await;
    let token = b["access_token"].as_str().unwrap().to_owned();

    // Act
    let (create, create_body) = app
        .post("/api/v1/tenants", Some(&token), new_tenant_body("globex"))
        .await;
    let (again, again_body) = app
        .call(
            Method::POST,
            &format!("/api/v1/tenants/{}/impersonate", t.id),
            Some(&token),
            None,
        )
        .await;

    // Assert
    for (s, b) in [(create, create_body), (again, again_body)] {
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
        assert_eq!(error_code(s, &b), "forbidden");
    }
}

/// The role an API key is created with, as it reads back in the list.
async fn keys_list_their_role(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    for role in ROLES {
        create_key(&app, &t, role).await;
    }

    // Act
    let (s, keys) = app.get("/api/v1/api-keys", &t.admin.access).await;

    // Assert
    assert_eq!(s, StatusCode::OK, "{keys}");
    let mut roles: Vec<&str> = keys["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["role"].as_str().unwrap())
        .collect();
    roles.sort_unstable();
    assert_eq!(roles, ["admin", "agent", "supervisor", "viewer"]);
    assert!(!keys.to_string().contains("key_hash"), "{keys}");
}

both_engines!(
    each_role_gets_exactly_what_the_matrix_allows,
    refused_writes_leave_no_trace,
    an_agent_key_acts_as_an_agent,
    a_supervisor_key_manages_departments,
    a_revoked_key_is_401,
    a_key_role_must_be_a_tenant_role,
    a_super_admin_without_membership_needs_a_tenant_for_tenant_routes,
    only_the_super_admin_lists_and_creates_tenants,
    impersonation_acts_as_admin_and_is_recorded,
    an_impersonation_token_cannot_act_as_the_platform,
    keys_list_their_role,
);
