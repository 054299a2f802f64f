//! The API contract (`crates/atende-http/src/routes/contract.rs`): the error statuses the
//! document lists are derived from what each operation takes, constraints come from the
//! validating constants, and the answers the contract promises for well-formed requests that
//! name nothing (404) or clash with state (409) are the ones the server gives. The full check is
//! `scripts/api-contract` (schemathesis against a real server).

use crate::harness::{Engine, TestApp, error_code};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push((method.clone(), path.clone(), op));
        }
    }
    out
}

async fn every_operation_lists_the_errors_it_can_answer(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let r = app.client.get(app.url("/api/openapi.json")).send().await.unwrap();
    let doc: Value = r.json().await.unwrap();

    let ops = operations(&doc);
    assert!(ops.len() > 80, "{} operations", ops.len());
    for (method, path, op) in ops {
        let has = |code: &str| op["responses"].get(code).is_some();
        let label = format!("{} {path}", method.to_uppercase());
        for code in ["400", "429", "500"] {
            assert!(has(code), "{label} does not list {code}");
        }
        let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
        if secured {
            for code in ["401", "403", "404", "422"] {
                assert!(has(code), "{label} does not list {code}");
            }
            if method != "get" {
                assert!(has("409"), "{label} does not list 409");
            }
        }
        if op.get("requestBody").is_some() {
            for code in ["413", "415", "422"] {
                assert!(has(code), "{label} does not list {code}");
            }
        }
        for p in op["parameters"].as_array().into_iter().flatten() {
            if p["in"] == "query" && p["name"] == "limit" {
                assert_eq!(p["schema"]["minimum"], 1, "{label}");
                assert_eq!(p["schema"]["maximum"], atende_db::page::MAX_LIMIT, "{label}");
            }
            if p["in"] == "query" && p["name"] == "cursor" {
                assert!(p["schema"]["pattern"].is_string(), "{label}: cursor without a pattern");
            }
        }
    }
    // Constraints come from the constants that validate.
    let team = &doc["components"]["schemas"]["CreateTeamBody"]["properties"]["name"];
    assert_eq!(team["maxLength"], atende_domain::values::NAME_MAX);
    assert_eq!(team["pattern"], atende_domain::values::NAME_PATTERN);
    let status = &doc["components"]["schemas"]["ConversationStatus"]["enum"];
    assert_eq!(status[0], "open", "wire names, not Rust variant names: {status}");
}

async fn a_body_naming_nothing_is_404_with_the_field(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let other = app.tenant("globex").await;
    let (s, their_dept) = app
        .post(
            "/api/v1/departments",
            Some(&other.admin.access),
            json!({"name": "Vendas"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{their_dept}");

    for dept in [
        Uuid::now_v7().to_string(),
        their_dept["id"].as_str().unwrap().to_owned(),
    ] {
        let (s, b) = app
            .post(
                "/api/v1/teams",
                Some(&t.admin.access),
                json!({"name": "Suporte", "department_id": dept}),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
        assert_eq!(error_code(s, &b), "not_found");
        assert!(b["error"]["fields"]["department_id"].is_array(), "{b}");
    }

    let (s, contact) = app
        .post(
            "/api/v1/contacts",
            Some(&t.admin.access),
            json!({"name": "Ana", "phone": "+5511987654321"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{contact}");
    let (s, b) = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/contacts/{}/tags", contact["id"].as_str().unwrap()),
            Some(&t.admin.access),
            Some(json!({"tag_ids": [Uuid::now_v7()]})),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    assert!(b["error"]["fields"]["tag_ids"].is_array(), "{b}");
}

async fn credentials_for_a_web_chat_conflict_with_its_kind(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let (s, ch) = app
        .post(
            "/api/v1/channels/connectors",
            Some(&t.admin.access),
            json!({"kind": "webchat", "name": "Site"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{ch}");
    let (s, b) = app
        .patch(
            &format!("/api/v1/channels/{}", ch["id"].as_str().unwrap()),
            &t.admin.access,
            json!({"credentials": {"access_token": "x"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert_eq!(error_code(s, &b), "no_credentials");
}

both_engines!(
    every_operation_lists_the_errors_it_can_answer,
    a_body_naming_nothing_is_404_with_the_field,
    credentials_for_a_web_chat_conflict_with_its_kind,
);
