//! Tenant isolation through the API: every route that takes an id, called by tenant A with
//! tenant B's ids, answers 404 (never 403, which would confirm the id exists) and leaves B's
//! data as it was. Lists never show another tenant's rows.
//!
//! The routes are one table: a new tenant-scoped route is a new row in `foreign_id_calls`.

use crate::harness::{Engine, Session, TenantFixture, TestApp, error_code};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

/// A tenant with one of everything: a department, a team in it with an agent as member, an
/// API key and a custom domain.
struct World {
    t: TenantFixture,
    department: String,
    team: String,
    agent: Session,
    agent_membership: String,
    admin_membership: String,
    key_id: String,
    key_secret: String,
    domain: String,
    contact: String,
    tag: String,
    quick_reply: String,
}

fn id_of(body: &Value) -> String {
    body["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {body}"))
        .to_owned()
}

async fn populate(app: &TestApp, slug: &str) -> World {
    let t = app.tenant(slug).await;
    let tok = t.admin.access.clone();
    let (s, d) = app
        .post(
            "/api/v1/departments",
            Some(&tok),
            json!({"name": "Vendas", "description": "sales floor"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let department = id_of(&d);
    let (s, tm) = app
        .post(
            "/api/v1/teams",
            Some(&tok),
            json!({"name": "Plantão", "department_id": department}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{tm}");
    let team = id_of(&tm);
    let agent = app.member(&t, "agent").await;
    let (s, b) = app
        .post(
            &format!("/api/v1/teams/{team}/members"),
            Some(&tok),
            json!({"user_id": agent.user_id}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, k) = app
        .post(
            "/api/v1/api-keys",
            Some(&tok),
            json!({"name": "crm sync", "role": "admin"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    let key_id = id_of(&k["key"]);
    let key_secret = k["secret"].as_str().unwrap().to_owned();
    let domain = format!("atendimento.{slug}.example.com");
    let (s, b) = app
        .post(
            &format!("/api/v1/tenants/{slug}/domains"),
            Some(&tok),
            json!({"domain": domain}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, ms) = app.get(&format!("/api/v1/tenants/{slug}/members"), &tok).await;
    assert_eq!(s, StatusCode::OK, "{ms}");
    let membership_of = |user: Uuid| {
        ms["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["user_id"] == user.to_string())
            .map(id_of)
            .unwrap_or_else(|| panic!("{user} not in {ms}"))
    };
    let agent_membership = membership_of(agent.user_id);
    let admin_membership = membership_of(t.admin.user_id);
    let (contact, tag, quick_reply) = populate_messaging(app, &tok).await;
    World {
        t,
        department,
        team,
        agent,
        agent_membership,
        admin_membership,
        key_id,
        key_secret,
        domain,
        contact,
        tag,
        quick_reply,
    }
}

/// A tagged contact, the tag and a quick reply.
async fn populate_messaging(app: &TestApp, tok: &str) -> (String, String, String) {
    let (s, tag) = app.post("/api/v1/tags", Some(tok), json!({"name": "vip"})).await;
    assert_eq!(s, StatusCode::CREATED, "{tag}");
    let (s, c) = app
        .post(
            "/api/v1/contacts",
            Some(tok),
            json!({"name": "Maria", "phone": "11987654321"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let (contact, tag) = (id_of(&c), id_of(&tag));
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/contacts/{contact}/tags"),
            Some(tok),
            Some(json!({"tag_ids": [tag]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, q) = app
        .post(
            "/api/v1/quick-replies",
            Some(tok),
            json!({"shortcut": "/oi", "title": "Oi", "content": "Olá!"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{q}");
    (contact, tag, id_of(&q))
}

/// Every call A could make with B's ids. Tenant paths come in both forms (id and slug).
fn foreign_id_calls(a: &World, b: &World) -> Vec<(Method, String, Option<Value>)> {
    let (dept, team, key) = (&b.department, &b.team, &b.key_id);
    let b_agent = b.agent.user_id;
    let a_agent = a.agent.user_id;
    let mut rows = vec![
        (Method::GET, format!("/api/v1/departments/{dept}"), None),
        (
            Method::PATCH,
            format!("/api/v1/departments/{dept}"),
            Some(json!({"name": "Hijacked"})),
        ),
        (Method::DELETE, format!("/api/v1/departments/{dept}"), None),
        (Method::GET, format!("/api/v1/teams/{team}"), None),
        (
            Method::PATCH,
            format!("/api/v1/teams/{team}"),
            Some(json!({"name": "Hijacked"})),
        ),
        (Method::DELETE, format!("/api/v1/teams/{team}"), None),
        (Method::GET, format!("/api/v1/teams/{team}/members"), None),
        (
            Method::POST,
            format!("/api/v1/teams/{team}/members"),
            Some(json!({"user_id": a_agent})),
        ),
        (
            Method::POST,
            format!("/api/v1/teams/{team}/members"),
            Some(json!({"user_id": b_agent})),
        ),
        (Method::DELETE, format!("/api/v1/teams/{team}/members/{b_agent}"), None),
        // A's own team with B's user.
        (
            Method::POST,
            format!("/api/v1/teams/{}/members", a.team),
            Some(json!({"user_id": b_agent})),
        ),
        (
            Method::DELETE,
            format!("/api/v1/teams/{}/members/{b_agent}", a.team),
            None,
        ),
        (Method::DELETE, format!("/api/v1/api-keys/{key}"), None),
        // A's own tenant path with B's membership.
        (
            Method::PATCH,
            format!("/api/v1/tenants/{}/members/{}", a.t.slug, b.agent_membership),
            Some(json!({"role": "viewer"})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/tenants/{}/members/{}", a.t.id, b.admin_membership),
            Some(json!({"active": false})),
        ),
    ];
    let (contact, tag, qr) = (&b.contact, &b.tag, &b.quick_reply);
    rows.extend([
        (Method::GET, format!("/api/v1/contacts/{contact}"), None),
        (
            Method::PATCH,
            format!("/api/v1/contacts/{contact}"),
            Some(json!({"name": "Hijacked"})),
        ),
        (Method::DELETE, format!("/api/v1/contacts/{contact}"), None),
        (
            Method::PUT,
            format!("/api/v1/contacts/{contact}/tags"),
            Some(json!({"tag_ids": []})),
        ),
        (Method::GET, format!("/api/v1/tags/{tag}"), None),
        (
            Method::PATCH,
            format!("/api/v1/tags/{tag}"),
            Some(json!({"name": "Hijacked"})),
        ),
        (Method::DELETE, format!("/api/v1/tags/{tag}"), None),
        (Method::GET, format!("/api/v1/quick-replies/{qr}"), None),
        (
            Method::PATCH,
            format!("/api/v1/quick-replies/{qr}"),
            Some(json!({"title": "Hijacked"})),
        ),
        (Method::DELETE, format!("/api/v1/quick-replies/{qr}"), None),
    ]);
    for tenant in [b.t.id.to_string(), b.t.slug.clone()] {
        rows.extend([
            (Method::GET, format!("/api/v1/tenants/{tenant}"), None),
            (
                Method::PATCH,
                format!("/api/v1/tenants/{tenant}"),
                Some(json!({"name": "Hijacked"})),
            ),
            (Method::GET, format!("/api/v1/tenants/{tenant}/members"), None),
            (
                Method::POST,
                format!("/api/v1/tenants/{tenant}/members"),
                Some(json!({"email": "mole@alpha.test", "role": "admin"})),
            ),
            (
                Method::PATCH,
                format!("/api/v1/tenants/{tenant}/members/{}", b.agent_membership),
                Some(json!({"role": "admin"})),
            ),
            (Method::GET, format!("/api/v1/tenants/{tenant}/domains"), None),
            (
                Method::POST,
                format!("/api/v1/tenants/{tenant}/domains"),
                Some(json!({"domain": "mole.example.com"})),
            ),
            (Method::POST, format!("/api/v1/tenants/{tenant}/impersonate"), None),
        ]);
    }
    rows
}

/// What B's admin sees of B: compared before and after A's attempts.
async fn snapshot(app: &TestApp, b: &World) -> Vec<(String, Value)> {
    let slug = &b.t.slug;
    let mut out = vec![];
    for path in [
        "/api/v1/departments".to_owned(),
        "/api/v1/teams".to_owned(),
        "/api/v1/api-keys".to_owned(),
        "/api/v1/audit/logs?limit=200".to_owned(),
        "/api/v1/contacts".to_owned(),
        "/api/v1/tags".to_owned(),
        "/api/v1/quick-replies".to_owned(),
        format!("/api/v1/tenants/{slug}"),
        format!("/api/v1/tenants/{slug}/members"),
        format!("/api/v1/tenants/{slug}/domains"),
    ] {
        let (s, body) = app.get(&path, &b.t.admin.access).await;
        assert_eq!(s, StatusCode::OK, "{path}: {body}");
        out.push((path, body));
    }
    out
}

/// Runs every foreign-id call with `token`; returns a line per call that was not a 404 with
/// the error body.
async fn non_404s(app: &TestApp, token: &str, calls: Vec<(Method, String, Option<Value>)>) -> Vec<String> {
    let mut wrong = vec![];
    for (method, path, body) in calls {
        let (s, b) = app.call(method.clone(), &path, Some(token), body).await;
        if s != StatusCode::NOT_FOUND || b["error"]["code"] != "not_found" || !b["error"]["message"].is_string() {
            wrong.push(format!("{method} {path} → {s} {b}"));
        }
    }
    wrong
}

async fn every_route_answers_404_for_another_tenants_ids(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let a = populate(&app, "alpha").await;
    let b = populate(&app, "bravo").await;
    let before = snapshot(&app, &b).await;

    // Act
    let wrong = non_404s(&app, &a.t.admin.access, foreign_id_calls(&a, &b)).await;

    // Assert
    assert!(wrong.is_empty(), "expected 404 not_found for:\n{}", wrong.join("\n"));
    assert_eq!(snapshot(&app, &b).await, before, "B's data changed");
}

async fn an_api_key_gets_404_for_another_tenants_ids_too(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let a = populate(&app, "alpha").await;
    let b = populate(&app, "bravo").await;
    let before = snapshot(&app, &b).await;

    // Act
    let wrong = non_404s(&app, &a.key_secret, foreign_id_calls(&a, &b)).await;

    // Assert: keys may not manage keys or members at all (403 `person_required`, whatever the
    // id, so it confirms nothing); every other route answers 404.
    let wrong: Vec<_> = wrong
        .into_iter()
        .filter(|w| !w.contains("\"person_required\""))
        .collect();
    assert!(wrong.is_empty(), "expected 404 not_found for:\n{}", wrong.join("\n"));
    assert_eq!(snapshot(&app, &b).await, before, "B's data changed");
}

async fn lists_never_contain_another_tenants_rows(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let a = populate(&app, "alpha").await;
    let b = populate(&app, "bravo").await;
    let foreign = [
        b.t.id.to_string(),
        b.department.clone(),
        b.team.clone(),
        b.key_id.clone(),
        b.agent_membership.clone(),
        b.admin_membership.clone(),
        b.agent.user_id.to_string(),
        b.t.admin.user_id.to_string(),
        b.domain.clone(),
        b.contact.clone(),
        b.tag.clone(),
        b.quick_reply.clone(),
    ];
    let own = |path: &str| match path {
        p if p.starts_with("/api/v1/departments") => a.department.clone(),
        p if p.starts_with("/api/v1/teams") => a.team.clone(),
        p if p.starts_with("/api/v1/api-keys") => a.key_id.clone(),
        p if p.contains("/domains") => a.domain.clone(),
        p if p.starts_with("/api/v1/contacts") => a.contact.clone(),
        p if p.starts_with("/api/v1/tags") => a.tag.clone(),
        p if p.starts_with("/api/v1/quick-replies") => a.quick_reply.clone(),
        _ => a.agent.user_id.to_string(),
    };

    for path in [
        "/api/v1/departments?limit=200".to_owned(),
        "/api/v1/teams?limit=200".to_owned(),
        "/api/v1/api-keys?limit=200".to_owned(),
        "/api/v1/audit/logs?limit=200".to_owned(),
        "/api/v1/contacts?limit=200".to_owned(),
        "/api/v1/contacts?q=98765".to_owned(),
        "/api/v1/tags?limit=200".to_owned(),
        "/api/v1/quick-replies?q=oi".to_owned(),
        format!("/api/v1/tenants/{}/members?limit=200", a.t.slug),
        format!("/api/v1/tenants/{}/domains", a.t.slug),
    ] {
        // Act
        let (s, body) = app.get(&path, &a.t.admin.access).await;

        // Assert
        assert_eq!(s, StatusCode::OK, "{path}: {body}");
        let text = body.to_string();
        assert!(text.contains(&own(&path)), "{path} does not show A's own rows: {text}");
        for id in &foreign {
            assert!(!text.contains(id.as_str()), "{path} leaks B's {id}: {text}");
        }
    }
    let (s, body) = app
        .get(
            &format!("/api/v1/teams?department_id={}", b.department),
            &a.t.admin.access,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["items"], json!([]), "filtering by B's department shows nothing");
    let (s, body) = app
        .get(&format!("/api/v1/contacts?tag={}", b.tag), &a.t.admin.access)
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["items"], json!([]), "filtering by B's tag shows nothing");
}

async fn another_tenants_tag_on_a_contact_is_404(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let a = populate(&app, "alpha").await;
    let b = populate(&app, "bravo").await;
    let path = format!("/api/v1/contacts/{}/tags", a.contact);

    // Act
    let (s, body) = app
        .call(
            Method::PUT,
            &path,
            Some(&a.t.admin.access),
            Some(json!({"tag_ids": [b.tag]})),
        )
        .await;

    // Assert: like any id of another tenant, it names nothing here (404, naming the field).
    assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
    error_code(s, &body);
    assert!(body["error"]["fields"]["tag_ids"].is_array(), "{body}");
    let (_, contact) = app
        .get(&format!("/api/v1/contacts/{}", a.contact), &a.t.admin.access)
        .await;
    assert_eq!(contact["tags"][0]["id"], a.tag.as_str(), "{contact}");
    assert_eq!(contact["tags"].as_array().unwrap().len(), 1, "{contact}");
}

async fn adding_another_tenants_user_to_a_team_is_404(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let a = populate(&app, "alpha").await;
    let b = populate(&app, "bravo").await;

    // Act
    let (s, body) = app
        .post(
            &format!("/api/v1/teams/{}/members", a.team),
            Some(&a.t.admin.access),
            json!({"user_id": b.t.admin.user_id}),
        )
        .await;

    // Assert
    assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(error_code(s, &body), "not_found");
    let (_, team) = app.get(&format!("/api/v1/teams/{}", a.team), &a.t.admin.access).await;
    assert_eq!(team["member_ids"], json!([a.agent.user_id]));
}

async fn another_tenants_department_id_in_a_team_body_is_404(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let a = populate(&app, "alpha").await;
    let b = populate(&app, "bravo").await;
    let tok = &a.t.admin.access;

    // Act
    let (created, created_body) = app
        .post(
            "/api/v1/teams",
            Some(tok),
            json!({"name": "Infiltrado", "department_id": b.department}),
        )
        .await;
    let (moved, moved_body) = app
        .patch(
            &format!("/api/v1/teams/{}", a.team),
            tok,
            json!({"department_id": b.department}),
        )
        .await;

    // Assert
    for (s, body) in [(created, created_body), (moved, moved_body)] {
        assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
        error_code(s, &body);
        assert!(body["error"]["fields"]["department_id"].is_array(), "{body}");
    }
    let (_, team) = app.get(&format!("/api/v1/teams/{}", a.team), tok).await;
    assert_eq!(team["department_id"], a.department.as_str());
}

both_engines!(
    every_route_answers_404_for_another_tenants_ids,
    an_api_key_gets_404_for_another_tenants_ids_too,
    lists_never_contain_another_tenants_rows,
    adding_another_tenants_user_to_a_team_is_404,
    another_tenants_department_id_in_a_team_body_is_404,
    another_tenants_tag_on_a_contact_is_404,
);
