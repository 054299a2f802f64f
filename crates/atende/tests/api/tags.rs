//! `/tags`: names unique per tenant ignoring case, colours, permissions and the audit trail.

use crate::harness::{Engine, TestApp, error_code};
use reqwest::StatusCode;
use serde_json::json;

async fn a_tag_name_is_unique_per_tenant_ignoring_case(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let other = app.tenant("globex").await;
    let (s, vip) = app
        .post(
            "/api/v1/tags",
            Some(&t.admin.access),
            json!({"name": "VIP", "color": "#1F9D55"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{vip}");

    // Act
    let (dup, dup_body) = app
        .post("/api/v1/tags", Some(&t.admin.access), json!({"name": " vip "}))
        .await;
    let (elsewhere, elsewhere_body) = app
        .post("/api/v1/tags", Some(&other.admin.access), json!({"name": "vip"}))
        .await;
    let (_, lead) = app
        .post("/api/v1/tags", Some(&t.admin.access), json!({"name": "lead"}))
        .await;
    let (renamed, renamed_body) = app
        .patch(
            &format!("/api/v1/tags/{}", lead["id"].as_str().unwrap()),
            &t.admin.access,
            json!({"name": "Vip"}),
        )
        .await;

    // Assert
    assert_eq!(vip["color"], "#1f9d55");
    for (s, b) in [(dup, dup_body), (renamed, renamed_body)] {
        assert_eq!(s, StatusCode::CONFLICT, "{b}");
        assert_eq!(error_code(s, &b), "already_exists");
        assert!(b["error"]["fields"]["name"].is_array(), "{b}");
    }
    assert_eq!(
        elsewhere,
        StatusCode::CREATED,
        "another tenant may use the name: {elsewhere_body}"
    );
}

async fn a_tag_is_renamed_recoloured_and_deleted(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let (_, tag) = app
        .post(
            "/api/v1/tags",
            Some(&t.admin.access),
            json!({"name": "lead", "color": "#000000"}),
        )
        .await;
    let path = format!("/api/v1/tags/{}", tag["id"].as_str().unwrap());

    // Act
    let (s, edited) = app
        .patch(&path, &t.admin.access, json!({"name": "Lead quente", "color": null}))
        .await;
    let (bad, bad_body) = app.patch(&path, &t.admin.access, json!({"color": "red"})).await;
    let (deleted, _) = app.delete(&path, &t.admin.access).await;
    let (gone, _) = app.get(&path, &t.admin.access).await;

    // Assert
    assert_eq!(s, StatusCode::OK, "{edited}");
    assert_eq!(edited["name"], "Lead quente");
    assert!(edited["color"].is_null());
    assert_eq!(bad, StatusCode::UNPROCESSABLE_ENTITY, "{bad_body}");
    assert!(bad_body["error"]["fields"]["color"].is_array(), "{bad_body}");
    assert_eq!(deleted, StatusCode::NO_CONTENT);
    assert_eq!(gone, StatusCode::NOT_FOUND);
    let (_, logs) = app.get("/api/v1/audit/logs?limit=200", &t.admin.access).await;
    let actions: Vec<&str> = logs["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity_id"] == tag["id"])
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in ["tags.create", "tags.update", "tags.delete"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
}

async fn agents_read_tags_but_only_supervisors_manage_them(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("acme").await;
    let agent = app.member(&t, "agent").await;
    let supervisor = app.member(&t, "supervisor").await;

    // Act
    let (agent_create, agent_body) = app
        .post("/api/v1/tags", Some(&agent.access), json!({"name": "agente"}))
        .await;
    let (sup_create, sup_body) = app
        .post("/api/v1/tags", Some(&supervisor.access), json!({"name": "supervisor"}))
        .await;
    let (read, list) = app.get("/api/v1/tags", &agent.access).await;

    // Assert
    assert_eq!(agent_create, StatusCode::FORBIDDEN, "{agent_body}");
    assert_eq!(error_code(agent_create, &agent_body), "forbidden");
    assert_eq!(sup_create, StatusCode::CREATED, "{sup_body}");
    assert_eq!(read, StatusCode::OK, "{list}");
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["name"], "supervisor");
}

both_engines!(
    a_tag_name_is_unique_per_tenant_ignoring_case,
    a_tag_is_renamed_recoloured_and_deleted,
    agents_read_tags_but_only_supervisors_manage_them,
);
