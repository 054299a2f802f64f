//! WhatsApp templates come by themselves: a `templates.sync` job when a channel is connected or
//! its credentials change; and anyone who works conversations can sync one channel from the
//! composer (every channel at once stays an admin's).

use crate::harness::{Engine, TestApp, error_code};
use crate::whatsapp::{PHONE_ID, connect, fixture, mount_graph};
use reqwest::StatusCode;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

both_engines!(
    connecting_a_number_syncs_its_templates_in_a_job,
    agents_sync_one_channel_and_admins_every_channel,
);

const TEMPLATES_PATH: &str = "/104829375610293/message_templates";

async fn mount_templates(app: &TestApp) {
    let list: Value = serde_json::from_slice(&fixture("outbound/templates-list.json")).unwrap();
    Mock::given(method("GET"))
        .and(path(TEMPLATES_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": list["response"]["body"]["data"]})))
        .mount(&app.graph)
        .await;
}

async fn template_fetches(app: &TestApp) -> usize {
    app.graph
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.method.as_str() == "GET" && r.url.path() == TEMPLATES_PATH)
        .count()
}

async fn template_names(app: &TestApp, token: &str) -> Vec<String> {
    let (s, b) = app.get("/api/v1/whatsapp/templates", token).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn connecting_a_number_syncs_its_templates_in_a_job(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    mount_graph(&app).await;
    mount_templates(&app).await;
    let t = app.tenant("aurora").await;
    let id = connect(&app, &t, PHONE_ID).await;
    // Not during the request: a job does it.
    assert_eq!(template_fetches(&app).await, 0);
    assert!(template_names(&app, &t.admin.access).await.is_empty());
    app.run_pending_jobs().await;
    assert_eq!(template_fetches(&app).await, 1);
    assert!(
        template_names(&app, &t.admin.access)
            .await
            .contains(&"pedido_enviado".to_owned()),
        "synced without pressing sync"
    );

    // A settings change does not sync again; new credentials do.
    let (s, b) = app
        .patch(
            &format!("/api/v1/channels/{id}"),
            &t.admin.access,
            json!({"settings": {"greeting": "Olá"}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    app.run_pending_jobs().await;
    assert_eq!(template_fetches(&app).await, 1);
    let (s, b) = app
        .patch(
            &format!("/api/v1/channels/{id}"),
            &t.admin.access,
            json!({"credentials": {"access_token": "EAAG-rotated-token-wxyz"}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    app.run_pending_jobs().await;
    assert_eq!(template_fetches(&app).await, 2);
    assert!(crate::whatsapp::dead_jobs(&app).await.is_empty());
}

async fn agents_sync_one_channel_and_admins_every_channel(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    mount_graph(&app).await;
    let t = app.tenant("aurora").await;
    let id = connect(&app, &t, PHONE_ID).await;
    // Graph has no templates route yet: the job's refusal ends it, nothing dead-lettered.
    app.run_pending_jobs().await;
    assert!(crate::whatsapp::dead_jobs(&app).await.is_empty());
    mount_templates(&app).await;

    let agent = app.member(&t, "agent").await;
    let (s, b) = app
        .post(
            "/api/v1/whatsapp/templates/sync",
            Some(&agent.access),
            json!({"channel_id": id}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert!(b[0]["synced"].as_u64().unwrap() >= 1, "{b}");
    assert!(
        template_names(&app, &agent.access)
            .await
            .contains(&"pedido_enviado".to_owned())
    );
    // Audited as the agent's.
    let (_, log) = app.get("/api/v1/audit/logs?action=templates.*", &t.admin.access).await;
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "templates.sync"),
        "{log}"
    );

    // Every channel at once: admins only; viewers cannot sync at all.
    let (s, b) = app
        .post("/api/v1/whatsapp/templates/sync", Some(&agent.access), json!({}))
        .await;
    assert_eq!(error_code(s, &b), "forbidden");
    let viewer = app.member(&t, "viewer").await;
    let (s, b) = app
        .post(
            "/api/v1/whatsapp/templates/sync",
            Some(&viewer.access),
            json!({"channel_id": id}),
        )
        .await;
    assert_eq!(error_code(s, &b), "forbidden");
    let (s, b) = app
        .post("/api/v1/whatsapp/templates/sync", Some(&t.admin.access), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}
