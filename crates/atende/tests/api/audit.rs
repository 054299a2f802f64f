//! The audit trail: every mutation leaves a row (who, what, before/after, from where), the
//! admin's `/audit/logs` filters and pages it, and nothing in the API edits or deletes it.

use crate::harness::{Engine, TenantFixture, TestApp, error_code};
use chrono::{DateTime, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::HashSet;

/// The items of `/audit/logs?{query}` as the tenant's admin sees them.
async fn logs(app: &TestApp, t: &TenantFixture, query: &str) -> Vec<Value> {
    let (s, b) = app
        .get(&format!("/api/v1/audit/logs?limit=200&{query}"), &t.admin.access)
        .await;
    assert_eq!(s, StatusCode::OK, "{query}: {b}");
    b["items"].as_array().unwrap().clone()
}

fn created_at(e: &Value) -> DateTime<Utc> {
    e["created_at"].as_str().unwrap().parse().unwrap()
}

fn actions(items: &[Value]) -> Vec<&str> {
    items.iter().map(|e| e["action"].as_str().unwrap()).collect()
}

async fn ok(app: &TestApp, method: Method, path: &str, token: &str, body: Option<Value>) -> Value {
    let (s, b) = app.call(method.clone(), path, Some(token), body).await;
    assert!(s.is_success(), "{method} {path} → {s} {b}");
    b
}

async fn every_mutation_writes_a_row_with_actor_request_id_and_ip(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let tok = t.admin.access.clone();
    let admin = t.admin.user_id.to_string();
    let agent = app.member(&t, "agent").await;
    let (_, ms) = app.get("/api/v1/tenants/acme/members", &tok).await;
    let membership = ms["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == agent.user_id.to_string())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Act: one of each mutation. (expected action, entity type, entity id)
    let mut expected: Vec<(&str, &str, String)> = vec![];
    let d = ok(
        &app,
        Method::POST,
        "/api/v1/departments",
        &tok,
        Some(json!({"name": "Vendas"})),
    )
    .await;
    let dept = d["id"].as_str().unwrap().to_owned();
    expected.push(("departments.create", "department", dept.clone()));
    let path = format!("/api/v1/departments/{dept}");
    ok(&app, Method::PATCH, &path, &tok, Some(json!({"name": "Comercial"}))).await;
    expected.push(("departments.update", "department", dept.clone()));
    let tm = ok(
        &app,
        Method::POST,
        "/api/v1/teams",
        &tok,
        Some(json!({"name": "Plantão", "department_id": dept})),
    )
    .await;
    let team = tm["id"].as_str().unwrap().to_owned();
    expected.push(("teams.create", "team", team.clone()));
    let path_t = format!("/api/v1/teams/{team}");
    ok(
        &app,
        Method::PATCH,
        &path_t,
        &tok,
        Some(json!({"description": "nights"})),
    )
    .await;
    expected.push(("teams.update", "team", team.clone()));
    ok(
        &app,
        Method::POST,
        &format!("{path_t}/members"),
        &tok,
        Some(json!({"user_id": agent.user_id})),
    )
    .await;
    expected.push(("teams.member_added", "team", team.clone()));
    ok(
        &app,
        Method::DELETE,
        &format!("{path_t}/members/{}", agent.user_id),
        &tok,
        None,
    )
    .await;
    expected.push(("teams.member_removed", "team", team.clone()));
    ok(&app, Method::DELETE, &path_t, &tok, None).await;
    expected.push(("teams.delete", "team", team.clone()));
    ok(&app, Method::DELETE, &path, &tok, None).await;
    expected.push(("departments.delete", "department", dept.clone()));
    let member_path = format!("/api/v1/tenants/acme/members/{membership}");
    ok(
        &app,
        Method::PATCH,
        &member_path,
        &tok,
        Some(json!({"role": "supervisor"})),
    )
    .await;
    expected.push(("members.role_changed", "membership", membership.clone()));
    ok(&app, Method::PATCH, &member_path, &tok, Some(json!({"active": false}))).await;
    expected.push(("members.deactivated", "membership", membership.clone()));
    let inv = ok(
        &app,
        Method::POST,
        "/api/v1/tenants/acme/members",
        &tok,
        Some(json!({"email": "new@acme.test", "role": "viewer"})),
    )
    .await;
    expected.push((
        "members.invite",
        "membership",
        inv["member"]["id"].as_str().unwrap().to_owned(),
    ));
    let k = ok(
        &app,
        Method::POST,
        "/api/v1/api-keys",
        &tok,
        Some(json!({"name": "crm", "role": "agent"})),
    )
    .await;
    let key = k["key"]["id"].as_str().unwrap().to_owned();
    expected.push(("api_keys.create", "api_key", key.clone()));
    ok(&app, Method::DELETE, &format!("/api/v1/api-keys/{key}"), &tok, None).await;
    expected.push(("api_keys.revoke", "api_key", key.clone()));
    ok(
        &app,
        Method::PATCH,
        "/api/v1/tenants/acme",
        &tok,
        Some(json!({"name": "Acme Ltda", "locale": "en"})),
    )
    .await;
    expected.push(("tenants.update", "tenant", t.id.to_string()));
    let dom = ok(
        &app,
        Method::POST,
        "/api/v1/tenants/acme/domains",
        &tok,
        Some(json!({"domain": "help.acme.com"})),
    )
    .await;
    expected.push((
        "tenants.domain_added",
        "tenant_domain",
        dom["id"].as_str().unwrap().to_owned(),
    ));

    // Assert
    let items = logs(&app, &t, "").await;
    let mut request_ids = HashSet::new();
    for (action, entity, entity_id) in &expected {
        let row = items
            .iter()
            .find(|e| e["action"] == *action && e["entity_id"] == entity_id.as_str())
            .unwrap_or_else(|| panic!("no {action} row for {entity_id} in {:?}", actions(&items)));
        assert_eq!(row["entity_type"], *entity, "{row}");
        assert_eq!(row["actor_user_id"], admin.as_str(), "{row}");
        assert_eq!(row["actor_api_key_id"], Value::Null, "{row}");
        assert_eq!(row["impersonator_id"], Value::Null, "{row}");
        assert_eq!(row["ip"], "127.0.0.1", "{row}");
        let rid = row["request_id"]
            .as_str()
            .unwrap_or_else(|| panic!("no request id: {row}"));
        assert!(!rid.is_empty());
        assert!(request_ids.insert(rid.to_owned()), "each request has its own id: {row}");
    }
    let by_action = |a: &str| items.iter().find(|e| e["action"] == a).unwrap().clone();
    let upd = by_action("departments.update");
    assert_eq!(upd["before"]["name"], "Vendas", "{upd}");
    assert_eq!(upd["after"]["name"], "Comercial", "{upd}");
    let role = by_action("members.role_changed");
    assert_eq!(role["before"]["role"], "agent", "{role}");
    assert_eq!(role["after"]["role"], "supervisor", "{role}");
    let added = by_action("teams.member_added");
    assert_eq!(added["after"]["user_id"], agent.user_id.to_string(), "{added}");
    let tenant = by_action("tenants.update");
    assert_eq!(tenant["before"]["name"], "Tenant acme", "{tenant}");
    assert_eq!(tenant["after"]["name"], "Acme Ltda", "{tenant}");
    assert_eq!(tenant["after"]["locale"], "en", "{tenant}");
    let text = Value::Array(items).to_string();
    assert!(
        !text.contains(k["secret"].as_str().unwrap()),
        "a key's secret never reaches the trail"
    );
    assert!(!text.contains("password_hash") && !text.contains("key_hash"), "{text}");
}

async fn the_request_id_of_the_request_is_recorded(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;

    // Act
    let res = app
        .client
        .post(app.url("/api/v1/departments"))
        .bearer_auth(&t.admin.access)
        .header("x-request-id", "trace-me-42")
        .header("user-agent", "atende-tests/1.0")
        .json(&json!({"name": "Vendas"}))
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.headers()["x-request-id"], "trace-me-42");
    let items = logs(&app, &t, "action=departments.create").await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["request_id"], "trace-me-42");
    assert_eq!(items[0]["user_agent"], "atende-tests/1.0");
}

async fn a_failed_mutation_writes_no_row(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let tok = &t.admin.access;
    ok(
        &app,
        Method::POST,
        "/api/v1/departments",
        tok,
        Some(json!({"name": "Vendas"})),
    )
    .await;
    let before = logs(&app, &t, "").await;

    // Act
    let (dup, _) = app
        .post("/api/v1/departments", Some(tok), json!({"name": "Vendas"}))
        .await;
    let (bad, _) = app.post("/api/v1/departments", Some(tok), json!({"name": ""})).await;
    let (missing, _) = app
        .patch(
            "/api/v1/departments/01a20000-0000-7000-8000-000000000000",
            tok,
            json!({"name": "X"}),
        )
        .await;

    // Assert
    assert_eq!(
        [dup, bad, missing],
        [
            StatusCode::CONFLICT,
            StatusCode::UNPROCESSABLE_ENTITY,
            StatusCode::NOT_FOUND
        ]
    );
    assert_eq!(logs(&app, &t, "").await, before);
}

/// A tenant with a trail written by two people: the admin and a supervisor.
async fn trail(app: &TestApp) -> (TenantFixture, String, Vec<String>) {
    let t = app.tenant("acme").await;
    let sup = app.member(&t, "supervisor").await;
    let mut depts = vec![];
    for name in ["Vendas", "Suporte"] {
        let d = ok(
            app,
            Method::POST,
            "/api/v1/departments",
            &t.admin.access,
            Some(json!({"name": name})),
        )
        .await;
        depts.push(d["id"].as_str().unwrap().to_owned());
    }
    ok(
        app,
        Method::PATCH,
        &format!("/api/v1/departments/{}", depts[0]),
        &t.admin.access,
        Some(json!({"name": "Comercial"})),
    )
    .await;
    ok(
        app,
        Method::POST,
        "/api/v1/teams",
        &sup.access,
        Some(json!({"name": "Plantão"})),
    )
    .await;
    ok(
        app,
        Method::PATCH,
        &format!("/api/v1/departments/{}", depts[1]),
        &sup.access,
        Some(json!({"description": "help"})),
    )
    .await;
    ok(
        app,
        Method::POST,
        "/api/v1/api-keys",
        &t.admin.access,
        Some(json!({"name": "crm", "role": "viewer"})),
    )
    .await;
    (t, sup.user_id.to_string(), depts)
}

async fn filters_by_action_exact_and_prefix(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let (t, _, _) = trail(&app).await;

    // Act
    let exact = logs(&app, &t, "action=departments.update").await;
    let prefix = logs(&app, &t, "action=departments.*").await;
    let none = logs(&app, &t, "action=departments").await;

    // Assert
    assert_eq!(actions(&exact), ["departments.update", "departments.update"]);
    assert_eq!(
        actions(&prefix),
        [
            "departments.update",
            "departments.update",
            "departments.create",
            "departments.create"
        ],
        "newest first"
    );
    assert!(none.is_empty(), "an action without `*` is exact: {none:?}");
}

async fn filters_by_actor_and_entity(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let (t, sup, depts) = trail(&app).await;

    // Act
    let by_sup = logs(&app, &t, &format!("actor={sup}")).await;
    let of_dept = logs(&app, &t, &format!("entity=department&entity_id={}", depts[0])).await;
    let teams = logs(&app, &t, "entity=team").await;
    let combined = logs(&app, &t, &format!("actor={sup}&entity=department")).await;

    // Assert
    let written: Vec<&str> = actions(&by_sup)
        .into_iter()
        .filter(|a| !a.starts_with("auth."))
        .collect();
    assert_eq!(written, ["departments.update", "teams.create"], "{by_sup:?}");
    assert!(by_sup.iter().all(|e| e["actor_user_id"] == sup.as_str()));
    assert_eq!(actions(&of_dept), ["departments.update", "departments.create"]);
    assert!(of_dept.iter().all(|e| e["entity_id"] == depts[0].as_str()));
    assert_eq!(actions(&teams), ["teams.create"]);
    assert_eq!(actions(&combined), ["departments.update"]);
    assert_eq!(combined[0]["entity_id"], depts[1].as_str());
}

async fn filters_by_time_range(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let (t, _, _) = trail(&app).await;
    let all = logs(&app, &t, "").await;
    let middle = &all[all.len() / 2];
    let at = middle["created_at"].as_str().unwrap().to_owned();

    // Act
    let past = logs(&app, &t, "to=2001-01-01T00:00:00Z").await;
    let future = logs(&app, &t, "from=2999-01-01T00:00:00Z").await;
    let wide = logs(&app, &t, "from=2001-01-01T00:00:00Z&to=2999-01-01T00:00:00Z").await;
    let since = logs(&app, &t, &format!("from={at}")).await;
    let until = logs(&app, &t, &format!("to={at}")).await;
    let offset = logs(&app, &t, "from=2001-01-01T00:00:00-03:00").await;

    // Assert
    assert!(past.is_empty(), "`to` in the past: {past:?}");
    assert!(future.is_empty(), "`from` in the future: {future:?}");
    assert_eq!(wide, all);
    assert_eq!(offset, all, "offsets other than Z are understood");
    assert!(since.iter().any(|e| e["id"] == middle["id"]), "`from` is inclusive");
    assert!(until.iter().all(|e| e["id"] != middle["id"]), "`to` is exclusive");
    assert!(since.iter().all(|e| created_at(e) >= created_at(middle)));
    assert!(until.iter().all(|e| created_at(e) < created_at(middle)));
    assert_eq!(since.len() + until.len(), all.len(), "the two halves make the whole");
    let (s, b) = app.get("/api/v1/audit/logs?from=yesterday", &t.admin.access).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    error_code(s, &b);
}

async fn pages_newest_first_without_duplicates(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let (t, _, _) = trail(&app).await;
    let all = logs(&app, &t, "").await;
    assert!(all.len() >= 7, "{all:?}");

    // Act
    let (mut seen, mut path) = (vec![], "/api/v1/audit/logs?limit=2".to_owned());
    for _ in 0..50 {
        let (s, b) = app.get(&path, &t.admin.access).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let items = b["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().cloned());
        match b["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/audit/logs?limit=2&cursor={c}"),
            None => break,
        }
    }

    // Assert
    assert_eq!(seen, all, "pages join into the full list, in the same order");
    let ids: HashSet<&str> = seen.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), seen.len(), "no duplicates");
    for pair in seen.windows(2) {
        assert!(created_at(&pair[0]) >= created_at(&pair[1]), "newest first: {pair:?}");
        assert!(
            pair[0]["id"].as_str() > pair[1]["id"].as_str(),
            "newest first: {pair:?}"
        );
    }
    let (_, filtered) = app
        .get("/api/v1/audit/logs?action=departments.*&limit=1", &t.admin.access)
        .await;
    assert_eq!(actions(filtered["items"].as_array().unwrap()), ["departments.update"]);
    assert!(filtered["next_cursor"].is_string(), "{filtered}");
}

async fn only_admins_read_the_trail(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let (_, key) = app
        .post(
            "/api/v1/api-keys",
            Some(&t.admin.access),
            json!({"name": "sup", "role": "supervisor"}),
        )
        .await;
    let mut tokens = vec![key["secret"].as_str().unwrap().to_owned()];
    for role in ["viewer", "agent", "supervisor"] {
        tokens.push(app.member(&t, role).await.access);
    }

    for tok in &tokens {
        // Act
        let (s, b) = app.get("/api/v1/audit/logs", tok).await;

        // Assert
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
        assert_eq!(error_code(s, &b), "forbidden");
    }
    let (s, b) = app.call(Method::GET, "/api/v1/audit/logs", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    error_code(s, &b);
}

async fn no_route_edits_or_deletes_the_trail(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let tok = &t.admin.access;
    ok(
        &app,
        Method::POST,
        "/api/v1/departments",
        tok,
        Some(json!({"name": "Vendas"})),
    )
    .await;
    let before = logs(&app, &t, "").await;
    let row = before[0]["id"].as_str().unwrap().to_owned();

    for method in [Method::PATCH, Method::DELETE, Method::PUT, Method::POST] {
        // Act
        let (s, b) = app
            .call(
                method.clone(),
                "/api/v1/audit/logs",
                Some(tok),
                Some(json!({"action": "x"})),
            )
            .await;

        // Assert
        assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED, "{method}: {b}");
        assert_eq!(error_code(s, &b), "method_not_allowed");
    }
    for method in [Method::GET, Method::PATCH, Method::DELETE, Method::PUT] {
        let (s, b) = app
            .call(
                method.clone(),
                &format!("/api/v1/audit/logs/{row}"),
                Some(tok),
                Some(json!({"action": "x"})),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{method}: {b}");
        assert_eq!(error_code(s, &b), "route_not_found");
    }
    assert_eq!(logs(&app, &t, "").await, before);
}

both_engines!(
    every_mutation_writes_a_row_with_actor_request_id_and_ip,
    the_request_id_of_the_request_is_recorded,
    a_failed_mutation_writes_no_row,
    filters_by_action_exact_and_prefix,
    filters_by_actor_and_entity,
    filters_by_time_range,
    pages_newest_first_without_duplicates,
    only_admins_read_the_trail,
    no_route_edits_or_deletes_the_trail,
);
