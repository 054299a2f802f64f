//! A channel's degraded state: provider errors of the channel (not of one message) are kept on
//! it with their code, text and time, shown by `GET /channels`, and cleared by the next send
//! that goes through.

use crate::harness::{Engine, TenantFixture, TestApp, error_code};
use crate::whatsapp::{PHONE_ID, connect, conversations, deliver, fixture, fresh_text, mount_graph};
use reqwest::StatusCode;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

both_engines!(
    a_channel_error_on_send_degrades_the_channel_and_a_success_clears_it,
    the_account_level_error_webhook_degrades_the_channel,
);

async fn channel(app: &TestApp, token: &str, id: &str) -> Value {
    let (s, b) = app.get(&format!("/api/v1/channels/{id}"), token).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, list) = app.get("/api/v1/channels", token).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let listed = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap();
    assert_eq!(listed["health"], b["health"], "the list shows the same state");
    b
}

async fn answer_once(app: &TestApp, status: u16, body: Value) {
    Mock::given(method("POST"))
        .and(path(format!("/{PHONE_ID}/messages")))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&app.graph)
        .await;
}

async fn say(app: &TestApp, t: &TenantFixture, conv: &str, text: &str) {
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{conv}/messages"),
            Some(&t.admin.access),
            json!({"type": "text", "body": text}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    app.run_pending_jobs().await;
}

fn graph_error(name: &str) -> (u16, Value) {
    let v: Value = serde_json::from_slice(&fixture(&format!("outbound/{name}"))).unwrap();
    (
        u16::try_from(v["response"]["status"].as_u64().unwrap()).unwrap(),
        v["response"]["body"].clone(),
    )
}

async fn a_channel_error_on_send_degrades_the_channel_and_a_success_clears_it(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    mount_graph(&app).await;
    let t = app.tenant("aurora").await;
    let id = connect(&app, &t, PHONE_ID).await;
    deliver(&app, &id, &fresh_text("oi")).await;
    app.run_pending_jobs().await;
    let conv = conversations(&app, &t.admin.access, "").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let fresh = channel(&app, &t.admin.access, &id).await;
    assert_eq!(fresh["health"], "ok");
    assert!(fresh["provider_error"].is_null());

    // An error of one message (window closed, undeliverable) leaves the channel alone.
    let (st, body) = graph_error("error-131026-undeliverable.json");
    answer_once(&app, st, body).await;
    say(&app, &t, &conv, "um").await;
    assert_eq!(channel(&app, &t.admin.access, &id).await["health"], "ok");

    // Graph failing: degraded, with the code, the text and when.
    let before = chrono::Utc::now();
    answer_once(
        &app,
        500,
        json!({"error": {"message": "Something went wrong", "code": 131_000}}),
    )
    .await;
    say(&app, &t, &conv, "dois").await;
    let ch = channel(&app, &t.admin.access, &id).await;
    assert_eq!(ch["health"], "degraded", "{ch}");
    assert_eq!(ch["status"], "connected", "still sending: degraded, not in error");
    assert_eq!(ch["provider_error"]["code"], "131000");
    assert!(
        ch["provider_error"]["title"]
            .as_str()
            .unwrap()
            .contains("Something went wrong")
    );
    let at: chrono::DateTime<chrono::Utc> = ch["provider_error"]["at"].as_str().unwrap().parse().unwrap();
    assert!(at >= before - chrono::TimeDelta::seconds(1), "{at} {before}");

    // The next send that goes through clears it.
    say(&app, &t, &conv, "três").await;
    let ch = channel(&app, &t.admin.access, &id).await;
    assert_eq!(ch["health"], "ok", "{ch}");
    assert!(ch["provider_error"].is_null());

    // 130429 (throughput) too.
    let (st, body) = graph_error("error-130429-throughput.json");
    answer_once(&app, st, body).await;
    say(&app, &t, &conv, "quatro").await;
    let ch = channel(&app, &t.admin.access, &id).await;
    assert_eq!(ch["health"], "degraded");
    assert_eq!(ch["provider_error"]["code"], "130429");
    assert!(
        ch["provider_error"]["title"]
            .as_str()
            .unwrap()
            .contains("Rate limit hit"),
        "{ch}"
    );

    // Another tenant cannot read it.
    let other = app.tenant("outra").await;
    let (s, b) = app.get(&format!("/api/v1/channels/{id}"), &other.admin.access).await;
    assert_eq!(error_code(s, &b), "not_found");
}

async fn the_account_level_error_webhook_degrades_the_channel(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    mount_graph(&app).await;
    let t = app.tenant("aurora").await;
    let id = connect(&app, &t, PHONE_ID).await;
    assert_eq!(
        deliver(&app, &id, &fixture("inbound/errors-system-level.json")).await,
        StatusCode::OK
    );
    app.run_pending_jobs().await;
    let ch = channel(&app, &t.admin.access, &id).await;
    assert_eq!(ch["health"], "degraded", "{ch}");
    assert_eq!(ch["provider_error"]["code"], "130429");
    assert_eq!(
        ch["provider_error"]["title"],
        "Rate limit hit: Cloud API message throughput has been reached."
    );
    // An agent sees it too (channels.read).
    let agent = app.member(&t, "agent").await;
    assert_eq!(channel(&app, &agent.access, &id).await["health"], "degraded");
}
