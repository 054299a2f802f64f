//! Departments and teams: CRUD, conflicts, validation, team members, keyset pagination.

use crate::harness::{Engine, PASSWORD, TestApp, error_code};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::HashSet;

async fn create(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let (s, b) = app.post(path, Some(token), body).await;
    assert_eq!(s, StatusCode::CREATED, "{path}: {b}");
    b
}

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}"))
}

/// Asserts a 422 whose `fields` names `field`.
fn assert_field_error(s: StatusCode, b: &Value, field: &str) {
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(error_code(s, b), "validation_failed", "{b}");
    let msgs = b["error"]["fields"][field]
        .as_array()
        .unwrap_or_else(|| panic!("no fields.{field}: {b}"));
    assert!(!msgs.is_empty() && msgs.iter().all(Value::is_string), "{b}");
}

async fn department_crud_answers_201_200_200_204(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let tok = &t.admin.access;

    // Act / Assert: create
    let d = create(
        &app,
        tok,
        "/api/v1/departments",
        json!({"name": "  Vendas ", "description": "sales"}),
    )
    .await;
    assert_eq!(d["name"], "Vendas", "names are trimmed");
    assert_eq!(d["description"], "sales");
    let path = format!("/api/v1/departments/{}", id(&d));

    // read
    let (s, got) = app.get(&path, tok).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(got, d);

    // update
    let (s, upd) = app.patch(&path, tok, json!({"name": "Comercial"})).await;
    assert_eq!(s, StatusCode::OK, "{upd}");
    assert_eq!(upd["name"], "Comercial");
    assert_eq!(upd["description"], "sales", "an absent field is left as it was");
    let (_, listed) = app.get("/api/v1/departments", tok).await;
    assert_eq!(listed["items"], json!([upd]));

    // delete
    let (s, body) = app.delete(&path, tok).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(body, Value::Null);
    let (s, b) = app.get(&path, tok).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(error_code(s, &b), "not_found");
    let (s, b) = app.delete(&path, tok).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
}

async fn team_crud_answers_201_200_200_204(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let tok = &t.admin.access;
    let d = create(&app, tok, "/api/v1/departments", json!({"name": "Suporte"})).await;

    // Act / Assert: create
    let tm = create(
        &app,
        tok,
        "/api/v1/teams",
        json!({"name": "Nível 1", "department_id": id(&d)}),
    )
    .await;
    assert_eq!(tm["name"], "Nível 1");
    assert_eq!(tm["department_id"], d["id"]);
    assert_eq!(tm["description"], Value::Null);
    assert_eq!(tm["member_ids"], json!([]));
    let path = format!("/api/v1/teams/{}", id(&tm));

    // read
    let (s, got) = app.get(&path, tok).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(got, tm);

    // update: rename, describe, leave the department
    let (s, upd) = app
        .patch(
            &path,
            tok,
            json!({"name": "Nível 2", "description": "escalations", "department_id": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{upd}");
    assert_eq!(upd["name"], "Nível 2");
    assert_eq!(upd["description"], "escalations");
    assert_eq!(upd["department_id"], Value::Null);
    let (s, upd) = app.patch(&path, tok, json!({"department_id": id(&d)})).await;
    assert_eq!(s, StatusCode::OK, "{upd}");
    assert_eq!(upd["department_id"], d["id"]);
    let (_, by_dept) = app.get(&format!("/api/v1/teams?department_id={}", id(&d)), tok).await;
    assert_eq!(by_dept["items"], json!([upd]));

    // delete
    let (s, body) = app.delete(&path, tok).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(body, Value::Null);
    let (s, b) = app.get(&path, tok).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(error_code(s, &b), "not_found");
}

async fn duplicate_names_are_409_on_name_within_a_tenant_only(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let a = app.tenant("alpha").await;
    let b = app.tenant("bravo").await;
    for path in ["/api/v1/departments", "/api/v1/teams"] {
        create(&app, &a.admin.access, path, json!({"name": "Financeiro"})).await;
        let other = create(&app, &a.admin.access, path, json!({"name": "Cobrança"})).await;

        // Act
        let (dup, dup_body) = app
            .post(path, Some(&a.admin.access), json!({"name": "Financeiro"}))
            .await;
        let (renamed, renamed_body) = app
            .patch(
                &format!("{path}/{}", id(&other)),
                &a.admin.access,
                json!({"name": "Financeiro"}),
            )
            .await;
        let (elsewhere, elsewhere_body) = app
            .post(path, Some(&b.admin.access), json!({"name": "Financeiro"}))
            .await;

        // Assert
        for (s, body) in [(dup, dup_body), (renamed, renamed_body)] {
            assert_eq!(s, StatusCode::CONFLICT, "{path}: {body}");
            error_code(s, &body);
            assert!(body["error"]["fields"]["name"].is_array(), "{path}: {body}");
        }
        assert_eq!(
            elsewhere,
            StatusCode::CREATED,
            "{path}: the same name in another tenant: {elsewhere_body}"
        );
        let (_, list) = app.get(path, &a.admin.access).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 2, "{path}: {list}");
    }
}

async fn invalid_bodies_are_422(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let tok = &t.admin.access;
    let long = "x".repeat(200);
    let d = create(&app, tok, "/api/v1/departments", json!({"name": "Existing"})).await;
    let tm = create(&app, tok, "/api/v1/teams", json!({"name": "Existing"})).await;

    for path in ["/api/v1/departments", "/api/v1/teams"] {
        let one = format!(
            "{path}/{}",
            if path.ends_with("departments") { id(&d) } else { id(&tm) }
        );
        // (method, path, body, field at fault)
        let cases = [
            (Method::POST, path.to_owned(), json!({"name": ""}), "name"),
            (Method::POST, path.to_owned(), json!({"name": "   "}), "name"),
            (Method::POST, path.to_owned(), json!({"name": long}), "name"),
            (Method::POST, path.to_owned(), json!({"name": "tab\there"}), "name"),
            (
                Method::POST,
                path.to_owned(),
                json!({"name": "ok", "description": "d".repeat(2001)}),
                "description",
            ),
            (Method::PATCH, one.clone(), json!({"name": ""}), "name"),
            (Method::PATCH, one.clone(), json!({"name": long}), "name"),
        ];
        for (method, p, body, field) in cases {
            // Act
            let (s, b) = app.call(method.clone(), &p, Some(tok), Some(body)).await;

            // Assert
            assert_field_error(s, &b, field);
        }
        for body in [
            json!([]),
            json!("Vendas"),
            json!(42),
            json!(null),
            json!({}),
            json!({"name": 5}),
        ] {
            // Act
            let (s, b) = app.post(path, Some(tok), body.clone()).await;

            // Assert
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{path} {body}: {b}");
            error_code(s, &b);
        }
        let (s, b) = app.post(path, Some(tok), json!({"name": "x".repeat(120)})).await;
        assert_eq!(s, StatusCode::CREATED, "120 characters are allowed: {b}");
    }
    let (_, list) = app.get("/api/v1/departments", tok).await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        2,
        "nothing invalid was stored: {list}"
    );
}

async fn patch_with_null_description_clears_it(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let tok = &t.admin.access;

    for path in ["/api/v1/departments", "/api/v1/teams"] {
        let x = create(
            &app,
            tok,
            path,
            json!({"name": "Pós-venda", "description": "after sales"}),
        )
        .await;
        let one = format!("{path}/{}", id(&x));

        // Act
        let (kept, kept_body) = app.patch(&one, tok, json!({"name": "Pós-vendas"})).await;
        let (cleared, cleared_body) = app.patch(&one, tok, json!({"description": null})).await;

        // Assert
        assert_eq!(kept, StatusCode::OK, "{kept_body}");
        assert_eq!(kept_body["description"], "after sales");
        assert_eq!(cleared, StatusCode::OK, "{cleared_body}");
        assert_eq!(cleared_body["description"], Value::Null);
        assert_eq!(cleared_body["name"], "Pós-vendas");
        assert_eq!(app.get(&one, tok).await.1["description"], Value::Null);
    }
}

async fn deleting_a_department_keeps_its_teams_without_one(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let tok = &t.admin.access;
    let d = create(&app, tok, "/api/v1/departments", json!({"name": "Logística"})).await;
    let keep = create(&app, tok, "/api/v1/departments", json!({"name": "Outro"})).await;
    let t1 = create(
        &app,
        tok,
        "/api/v1/teams",
        json!({"name": "Entregas", "department_id": id(&d)}),
    )
    .await;
    let t2 = create(
        &app,
        tok,
        "/api/v1/teams",
        json!({"name": "Coletas", "department_id": id(&d)}),
    )
    .await;
    let t3 = create(
        &app,
        tok,
        "/api/v1/teams",
        json!({"name": "Vendas", "department_id": id(&keep)}),
    )
    .await;

    // Act
    let (s, b) = app.delete(&format!("/api/v1/departments/{}", id(&d)), tok).await;

    // Assert
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    for team in [&t1, &t2] {
        let (s, got) = app.get(&format!("/api/v1/teams/{}", id(team)), tok).await;
        assert_eq!(s, StatusCode::OK, "{got}");
        assert_eq!(got["department_id"], Value::Null, "{got}");
    }
    let (_, got) = app.get(&format!("/api/v1/teams/{}", id(&t3)), tok).await;
    assert_eq!(got["department_id"], keep["id"]);
}

async fn team_members_are_added_listed_and_removed(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let tok = &t.admin.access;
    let agent = app.member(&t, "agent").await;
    let tm = create(&app, tok, "/api/v1/teams", json!({"name": "Plantão"})).await;
    let members = format!("/api/v1/teams/{}/members", id(&tm));
    let one = format!("{members}/{}", agent.user_id);

    // Act / Assert: add
    let (s, b) = app.post(&members, Some(tok), json!({"user_id": agent.user_id})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["member_ids"], json!([agent.user_id]));
    let (s, b) = app.get(&members, tok).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["member_ids"], json!([agent.user_id]));

    // add again
    let (s, b) = app.post(&members, Some(tok), json!({"user_id": agent.user_id})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert_eq!(error_code(s, &b), "already_member");
    assert!(b["error"]["fields"]["user_id"].is_array(), "{b}");

    // remove, and remove again
    let (s, b) = app.delete(&one, tok).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    assert_eq!(app.get(&members, tok).await.1["member_ids"], json!([]));
    let (s, b) = app.delete(&one, tok).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    assert_eq!(error_code(s, &b), "not_found");
}

async fn adding_someone_outside_the_tenant_to_a_team_is_404(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let tok = &t.admin.access;
    let tm = create(&app, tok, "/api/v1/teams", json!({"name": "Plantão"})).await;
    let members = format!("/api/v1/teams/{}/members", id(&tm));
    let loner = atende_core::people::bootstrap::create_user(app.core(), "loner@nowhere.test", "Loner", PASSWORD, None)
        .await
        .expect("a user without a tenant");

    for user in [loner.id, uuid::Uuid::now_v7()] {
        // Act
        let (s, b) = app.post(&members, Some(tok), json!({"user_id": user})).await;

        // Assert
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
        assert_eq!(error_code(s, &b), "not_found");
    }
    let (s, b) = app
        .post(
            "/api/v1/teams/01a20000-0000-7000-8000-000000000000/members",
            Some(tok),
            json!({"user_id": t.admin.user_id}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "an unknown team: {b}");
    assert_eq!(app.get(&members, tok).await.1["member_ids"], json!([]));
}

/// Follows `next_cursor` from `first` to the end; returns the ids in order.
async fn page_through(app: &TestApp, token: &str, first: &str) -> (Vec<String>, usize) {
    let (mut ids, mut pages, mut path) = (vec![], 0, first.to_owned());
    loop {
        let (s, b) = app.get(&path, token).await;
        assert_eq!(s, StatusCode::OK, "{path}: {b}");
        let items = b["items"].as_array().unwrap();
        assert!(items.len() <= 2, "{b}");
        ids.extend(items.iter().map(|x| id(x).to_owned()));
        pages += 1;
        assert!(pages <= 10, "the cursor does not advance");
        match b["next_cursor"].as_str() {
            Some(c) => path = format!("{first}&cursor={c}"),
            None => return (ids, pages),
        }
    }
}

async fn lists_page_through_with_a_keyset_cursor(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let tok = &t.admin.access;
    for path in ["/api/v1/departments", "/api/v1/teams"] {
        let mut created = vec![];
        for i in 0..5 {
            created.push(id(&create(&app, tok, path, json!({"name": format!("N{i}")})).await).to_owned());
        }

        // Act
        let (ids, pages) = page_through(&app, tok, &format!("{path}?limit=2")).await;

        // Assert
        assert_eq!(pages, 3, "{path}: 2 + 2 + 1");
        assert_eq!(
            ids.iter().collect::<HashSet<_>>().len(),
            5,
            "{path}: no duplicates: {ids:?}"
        );
        assert_eq!(ids, created, "{path}: oldest first, nothing missing");
    }
}

async fn bad_pagination_parameters_are_422_on_the_field(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let tok = &t.admin.access;

    let members = format!("/api/v1/tenants/{}/members", t.slug);
    for list in [
        "/api/v1/departments",
        "/api/v1/teams",
        "/api/v1/api-keys",
        "/api/v1/audit/logs",
        &members,
    ] {
        for (query, field) in [
            ("limit=0", "limit"),
            ("limit=201", "limit"),
            ("cursor=not-a-cursor", "cursor"),
            ("cursor=AAAA", "cursor"),
        ] {
            // Act
            let (s, b) = app.get(&format!("{list}?{query}"), tok).await;

            // Assert
            assert_field_error(s, &b, field);
        }
        let (s, b) = app.get(&format!("{list}?limit=200"), tok).await;
        assert_eq!(s, StatusCode::OK, "{list}: 200 is the largest page: {b}");
    }
}

both_engines!(
    department_crud_answers_201_200_200_204,
    team_crud_answers_201_200_200_204,
    duplicate_names_are_409_on_name_within_a_tenant_only,
    invalid_bodies_are_422,
    patch_with_null_description_clears_it,
    deleting_a_department_keeps_its_teams_without_one,
    team_members_are_added_listed_and_removed,
    adding_someone_outside_the_tenant_to_a_team_is_404,
    lists_page_through_with_a_keyset_cursor,
    bad_pagination_parameters_are_422_on_the_field,
);
