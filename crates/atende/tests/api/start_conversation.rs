//! `POST /conversations`: write first with an approved template — to a new number (a contact is
//! created) or an existing contact — through the outbound path, idempotent with a key.

use crate::harness::{Engine, TenantFixture, TestApp, error_code};
use crate::whatsapp::{
    ANA, PHONE_ID, connect, conversations, deliver, fixture, fresh_text, messages, mount_graph, sent_bodies,
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

both_engines!(
    a_new_number_gets_a_contact_a_conversation_and_the_template,
    an_existing_contact_reuses_its_working_conversation,
    bad_starts_are_refused_before_anything_is_stored,
);

async fn setup(engine: Engine) -> (TestApp, TenantFixture, String) {
    let app = TestApp::spawn(engine).await;
    mount_graph(&app).await;
    let list: Value = serde_json::from_slice(&fixture("outbound/templates-list.json")).unwrap();
    Mock::given(method("GET"))
        .and(path("/104829375610293/message_templates"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": list["response"]["body"]["data"]})))
        .mount(&app.graph)
        .await;
    let t = app.tenant("aurora").await;
    let channel = connect(&app, &t, PHONE_ID).await;
    app.run_pending_jobs().await; // the templates sync
    (app, t, channel)
}

async fn start(app: &TestApp, token: &str, key: Option<&str>, body: Value) -> (StatusCode, Value) {
    let mut req = app
        .client
        .post(app.url("/api/v1/conversations"))
        .bearer_auth(token)
        .json(&body);
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    let r = req.send().await.unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

fn lembrete(channel: &str) -> Value {
    json!({
        "channel_id": channel,
        "phone": "(31) 99123-4567",
        "name": "Joana Lima",
        "template": {
            "name": "lembrete_pagamento",
            "language": "pt_BR",
            "body": { "nome_cliente": "Joana", "numero_pedido": "4821", "data_vencimento": "10/12" }
        }
    })
}

async fn a_new_number_gets_a_contact_a_conversation_and_the_template(engine: Engine) {
    let (app, t, channel) = setup(engine).await;
    let agent = app.member(&t, "agent").await;
    let (s, b) = start(&app, &agent.access, Some("start-1"), lembrete(&channel)).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["created"], true);
    assert_eq!(b["conversation_created"], true);
    assert_eq!(b["conversation"]["contact"]["name"], "Joana Lima");
    assert_eq!(
        b["conversation"]["assignee_id"],
        json!(agent.user_id),
        "the starter handles it"
    );
    assert_eq!(b["message"]["type"], "template");
    assert_eq!(b["message"]["status"], "queued");
    assert_eq!(
        b["message"]["body"],
        "Olá, Joana! O boleto do pedido #4821 vence em 10/12. Se já pagou, desconsidere."
    );

    // The same key again: the same conversation and message, nothing sent twice.
    let (s2, again) = start(&app, &agent.access, Some("start-1"), lembrete(&channel)).await;
    assert_eq!(s2, StatusCode::OK, "{again}");
    assert_eq!(again["created"], false);
    assert_eq!(again["message"]["id"], b["message"]["id"]);
    app.run_pending_jobs().await;
    let sent = sent_bodies(&app).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["to"], "5531991234567", "the number, normalised");
    assert_eq!(sent[0]["type"], "template");
    assert_eq!(sent[0]["template"]["name"], "lembrete_pagamento");
    let conv = b["conversation"]["id"].as_str().unwrap();
    let thread = messages(&app, &agent.access, conv).await;
    assert_eq!(thread.len(), 1);
    assert_eq!(thread[0]["status"], "sent");

    // Audited; another workspace cannot use this channel.
    let (_, log) = app
        .get("/api/v1/audit/logs?action=conversations.*", &t.admin.access)
        .await;
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "conversations.start"),
        "{log}"
    );
    let other = app.tenant("outra").await;
    let (s, b) = start(&app, &other.admin.access, None, lembrete(&channel)).await;
    assert_eq!(error_code(s, &b), "not_found");
}

async fn an_existing_contact_reuses_its_working_conversation(engine: Engine) {
    let (app, t, channel) = setup(engine).await;
    // Ana wrote; her conversation is open.
    deliver(&app, &channel, &fresh_text("oi")).await;
    app.run_pending_jobs().await;
    let conv = conversations(&app, &t.admin.access, "").await[0].clone();
    let contact = conv["contact"]["id"].as_str().unwrap();
    let body = json!({
        "channel_id": channel,
        "contact_id": contact,
        "template": { "name": "pedido_enviado", "language": "pt_BR", "body": ["Ana", "48377", "R$ 10", "sexta"] }
    });
    let (s, b) = start(&app, &t.admin.access, None, body).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["conversation_created"], false);
    assert_eq!(b["conversation"]["id"], conv["id"]);
    // By her number, typed another way, it is the same contact and conversation.
    let (s, b2) = start(
        &app,
        &t.admin.access,
        None,
        json!({
            "channel_id": channel,
            "phone": format!("+{ANA}"),
            "template": { "name": "pedido_enviado", "language": "pt_BR", "body": ["Ana", "1", "R$ 1", "hoje"] }
        }),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b2}");
    assert_eq!(b2["conversation"]["id"], conv["id"]);
    assert_eq!(conversations(&app, &t.admin.access, "status=all").await.len(), 1);
}

async fn bad_starts_are_refused_before_anything_is_stored(engine: Engine) {
    let (app, t, channel) = setup(engine).await;
    let tok = &t.admin.access;
    let with = |patch: Value| {
        let mut b = lembrete(&channel);
        for (k, v) in patch.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let cases = [
        (
            with(json!({"template": {"name": "promo_inverno", "language": "pt_BR"}})),
            "template_not_approved",
        ),
        (
            with(json!({"template": {"name": "nao_existe", "language": "pt_BR"}})),
            "template_not_found",
        ),
        (with(json!({"phone": "abc"})), "validation_failed"),
        (with(json!({"contact_id": uuid::Uuid::now_v7()})), "validation_failed"),
        (with(json!({"phone": null})), "validation_failed"),
        (with(json!({"channel_id": uuid::Uuid::now_v7()})), "not_found"),
    ];
    for (body, code) in cases {
        let (s, b) = start(&app, tok, None, body.clone()).await;
        assert_eq!(error_code(s, &b), code, "{body}: {b}");
    }
    // A web-chat channel has no templates.
    let (s, w) = app
        .post(
            "/api/v1/channels/connectors",
            Some(tok),
            json!({"kind": "webchat", "name": "Site"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, b) = start(&app, tok, None, with(json!({"channel_id": w["id"]}))).await;
    assert_eq!(error_code(s, &b), "validation_failed", "{b}");
    // Viewers cannot start conversations.
    let viewer = app.member(&t, "viewer").await;
    let (s, b) = start(&app, &viewer.access, None, lembrete(&channel)).await;
    assert_eq!(error_code(s, &b), "forbidden");
    // Nothing was stored.
    assert!(conversations(&app, tok, "status=all").await.is_empty());
    app.run_pending_jobs().await;
    assert!(sent_bodies(&app).await.is_empty());
}
