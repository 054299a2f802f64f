//! WhatsApp Cloud API end to end against a local fake Graph API (wiremock, speaking the
//! documented formats of `shared/fixtures/channels/whatsapp`): connecting a number, Meta's
//! handshake, signed deliveries of every inbound fixture, statuses, media, replays, and the
//! outbound path with the provider's errors.

use crate::harness::{Engine, TenantFixture, TestApp, error_code};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::path::PathBuf;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, ResponseTemplate};

pub const PHONE_ID: &str = "109284736501827";
pub const OTHER_PHONE_ID: &str = "119384756201938";
pub const APP_SECRET: &str = "casa-aurora-app-secret";
pub const VERIFY_TOKEN: &str = "aurora-verify-2025";
pub const ANA: &str = "5511987654321";

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/channels/whatsapp")
}

pub fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn fixture_json(rel: &str) -> Value {
    serde_json::from_slice(&fixture(rel)).unwrap()
}

/// Mounts what every test needs from Graph: the phone number check, message sends (each answer
/// a new wamid), media info and download, read receipts, uploads.
pub async fn mount_graph(app: &TestApp) {
    mount_graph_on(&app.graph).await;
}

/// [`mount_graph`] on any fake server (tests that run the real binary start their own).
pub async fn mount_graph_on(graph: &wiremock::MockServer) {
    for id in [PHONE_ID, OTHER_PHONE_ID] {
        Mock::given(method("GET"))
            .and(path(format!("/{id}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "id": id,
                "display_phone_number": "+55 11 4002-8922",
                "verified_name": "Casa Aurora",
                "quality_rating": "GREEN"
            })))
            .with_priority(1)
            .mount(graph)
            .await;
        Mock::given(method("POST"))
            .and(path(format!("/{id}/messages")))
            .respond_with(SendReply::default())
            .with_priority(5)
            .mount(graph)
            .await;
        Mock::given(method("POST"))
            .and(path(format!("/{id}/media")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "id": "4490709327384033" })))
            .mount(graph)
            .await;
    }
    Mock::given(method("GET"))
        .and(path_regex(r"^/1[0-9]{15}$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messaging_product": "whatsapp",
            "url": format!("{}/lookaside/file", graph.uri()),
            "mime_type": "image/jpeg",
            "id": "1184392716648213"
        })))
        .with_priority(2)
        .mount(graph)
        .await;
    Mock::given(method("GET"))
        .and(path("/lookaside/file"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "image/jpeg")
                .set_body_bytes(b"\xff\xd8\xff fake jpeg".to_vec()),
        )
        .mount(graph)
        .await;
}

/// Answers sends with a fresh wamid each time.
#[derive(Default)]
struct SendReply(std::sync::atomic::AtomicUsize);

impl wiremock::Respond for SendReply {
    fn respond(&self, req: &wiremock::Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        if body.get("status").and_then(Value::as_str) == Some("read") {
            return ResponseTemplate::new(200).set_body_json(json!({ "success": true }));
        }
        ResponseTemplate::new(200).set_body_json(json!({
            "messaging_product": "whatsapp",
            "contacts": [{ "input": body["to"], "wa_id": body["to"] }],
            "messages": [{ "id": format!("wamid.test-{n}") }]
        }))
    }
}

pub async fn connect(app: &TestApp, t: &TenantFixture, phone_id: &str) -> String {
    let (s, b) = app
        .post(
            "/api/v1/channels/connectors",
            Some(&t.admin.access),
            json!({
                "kind": "whatsapp_cloud",
                "name": "Casa Aurora",
                "credentials": {
                    "phone_number_id": phone_id,
                    "waba_id": "104829375610293",
                    "access_token": "EAAG-secret-token-abcd",
                    "app_secret": APP_SECRET,
                    "verify_token": VERIFY_TOKEN
                }
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b["id"].as_str().unwrap().to_owned()
}

/// Posts a delivery signed as Meta signs it.
pub async fn deliver(app: &TestApp, channel: &str, body: &[u8]) -> StatusCode {
    let sig = atende_channels::whatsapp_cloud::signature_header(APP_SECRET.as_bytes(), body).unwrap();
    app.client
        .post(app.url(&format!("/api/v1/webhooks/whatsapp/{channel}")))
        .header("content-type", "application/json")
        .header("x-hub-signature-256", sig)
        .body(body.to_vec())
        .send()
        .await
        .unwrap()
        .status()
}

/// `text.json` with Ana's message stamped now (inside the 24-hour window) and a fresh id.
pub fn fresh_text(body: &str) -> Vec<u8> {
    let mut v = fixture_json("inbound/text.json");
    let m = &mut v["entry"][0]["changes"][0]["value"]["messages"][0];
    m["timestamp"] = json!(chrono::Utc::now().timestamp().to_string());
    m["id"] = json!(format!("wamid.fresh-{}", uuid::Uuid::now_v7().simple()));
    m["text"]["body"] = json!(body);
    serde_json::to_vec(&v).unwrap()
}

/// A status delivery for one of our messages.
pub fn status(wamid: &str, status: &str, ts: i64, callback: Option<&str>) -> Vec<u8> {
    let mut st = json!({
        "id": wamid, "status": status, "timestamp": ts.to_string(), "recipient_id": ANA
    });
    if let Some(c) = callback {
        st["biz_opaque_callback_data"] = json!(c);
    }
    if status == "failed" {
        st["errors"] =
            json!([{ "code": 131026, "title": "Message undeliverable", "message": "Message undeliverable" }]);
    }
    serde_json::to_vec(&json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "104829375610293", "changes": [{ "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": { "display_phone_number": "551140028922", "phone_number_id": PHONE_ID },
            "statuses": [st]
        }}]}]
    }))
    .unwrap()
}

pub async fn conversations(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let (s, b) = app.get(&format!("/api/v1/conversations?{query}"), token).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().unwrap().clone()
}

pub async fn messages(app: &TestApp, token: &str, conv: &str) -> Vec<Value> {
    let (s, b) = app
        .get(&format!("/api/v1/conversations/{conv}/messages?limit=200"), token)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().unwrap().clone()
}

async fn webhook_event_count(app: &TestApp) -> u64 {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let tx = app.core().db.platform_tx().await.unwrap();
    let n = atende_db::entities::webhook_events::Entity::find()
        .count(atende_db::Scoped::conn(&tx))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    n
}

/// Jobs in the dead letter (any queue), with their errors.
pub async fn dead_jobs(app: &TestApp) -> Vec<String> {
    use atende_db::entities::jobs;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let tx = app.core().db.platform_tx().await.unwrap();
    let dead = jobs::Entity::find()
        .filter(jobs::Column::Status.eq("dead"))
        .all(atende_db::Scoped::conn(&tx))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    dead.into_iter()
        .map(|j| format!("{}: {:?}", j.kind, j.last_error))
        .collect()
}

/// Requests the fake Graph API received to send messages.
pub async fn sent_bodies(app: &TestApp) -> Vec<Value> {
    app.graph
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.method.as_str() == "POST" && r.url.path().ends_with("/messages"))
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap())
        .filter(|b| b.get("status").is_none())
        .collect()
}

both_engines!(
    connecting_checks_credentials_with_graph_and_never_returns_them,
    meta_handshake_answers_the_challenge_only_with_the_verify_token,
    unsigned_or_badly_signed_deliveries_are_refused_and_not_stored,
    every_inbound_fixture_is_ingested_without_loss_or_duplicates,
    statuses_apply_monotonically_and_unknown_ids_are_ignored,
    reopen_policy_reopens_within_window_and_starts_new_after,
    replay_reapplies_a_delivery_without_duplicating,
    concurrent_deliveries_share_commits_and_are_all_applied,
);

async fn concurrent_deliveries_share_commits_and_are_all_applied(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    mount_graph(&app).await;
    let t = app.tenant("aurora").await;
    let id = connect(&app, &t, PHONE_ID).await;
    let bodies: Vec<Vec<u8>> = (0..60).map(|i| fresh_text(&format!("mensagem {i}"))).collect();
    let statuses = futures::future::join_all(bodies.iter().map(|b| deliver(&app, &id, b))).await;
    assert!(statuses.iter().all(|s| *s == StatusCode::OK), "{statuses:?}");
    assert_eq!(webhook_event_count(&app).await, 60);
    app.run_pending_jobs().await;
    let conv = conversations(&app, &t.admin.access, "").await;
    assert_eq!(conv.len(), 1, "one customer, one conversation");
    assert_eq!(
        messages(&app, &t.admin.access, conv[0]["id"].as_str().unwrap())
            .await
            .len(),
        60
    );
    assert_eq!(conv[0]["unread_count"], 60);
}

async fn connecting_checks_credentials_with_graph_and_never_returns_them(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    mount_graph(&app).await;
    let t = app.tenant("aurora").await;
    let id = connect(&app, &t, PHONE_ID).await;
    let (s, ch) = app.get(&format!("/api/v1/channels/{id}"), &t.admin.access).await;
    assert_eq!(s, StatusCode::OK);
    let text = ch.to_string();
    assert!(
        !text.contains("EAAG-secret-token-abcd") && !text.contains(APP_SECRET) && !text.contains(VERIFY_TOKEN),
        "{text}"
    );
    assert_eq!(ch["status"], "connected");
    assert_eq!(ch["credentials_hint"], "+55 11 4002-8922 · token …abcd");
    assert!(
        ch["webhook_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/api/v1/webhooks/whatsapp/{id}"))
    );

    // The same number twice: 409 naming the field.
    let (s, b) = app
        .post(
            "/api/v1/channels/connectors",
            Some(&t.admin.access),
            json!({"kind": "whatsapp_cloud", "name": "again", "credentials": {
                "phone_number_id": PHONE_ID, "access_token": "x-token-123456", "app_secret": "s", "verify_token": "v-token-e2e"}}),
        )
        .await;
    assert_eq!(error_code(s, &b), "channel_already_connected");
    assert!(b["error"]["fields"]["credentials.phone_number_id"].is_array(), "{b}");
    assert_eq!(
        b["error"]["field_codes"]["credentials.phone_number_id"],
        json!(["channel_already_connected"])
    );

    // Missing fields: 422 per field, Graph not asked.
    let (s, b) = app
        .post(
            "/api/v1/channels/connectors",
            Some(&t.admin.access),
            json!({"kind": "whatsapp_cloud", "name": "x", "credentials": {"phone_number_id": "1"}}),
        )
        .await;
    assert_eq!(error_code(s, &b), "validation_failed");
    assert!(b["error"]["fields"]["credentials.access_token"].is_array(), "{b}");
    assert_eq!(
        b["error"]["field_codes"]["credentials.access_token"],
        json!(["invalid"])
    );
    // A parser's own code comes through.
    let (s, b) = app
        .post(
            "/api/v1/channels/connectors",
            Some(&t.admin.access),
            json!({"kind": "webchat", "name": " "}),
        )
        .await;
    assert_eq!(error_code(s, &b), "validation_failed");
    let code = b["error"]["field_codes"]["name"][0].as_str().unwrap();
    assert!(code != "invalid" && !code.is_empty(), "{b}");

    // Graph refuses the token (190): 422, nothing stored.
    Mock::given(method("GET"))
        .and(path("/999000111"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(fixture_json("outbound/error-190-token-expired.json")["response"]["body"].clone()),
        )
        .mount(&app.graph)
        .await;
    let (s, b) = app
        .post(
            "/api/v1/channels/connectors",
            Some(&t.admin.access),
            json!({"kind": "whatsapp_cloud", "name": "x", "credentials": {
                "phone_number_id": "999000111", "access_token": "expired-token", "app_secret": "s", "verify_token": "v-token-e2e"}}),
        )
        .await;
    assert_eq!(error_code(s, &b), "validation_failed", "{b}");
    // Graph down: stored in `error` with the reason, activatable later.
    Mock::given(method("GET"))
        .and(path("/888000222"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&app.graph)
        .await;
    let (s, b) = app
        .post(
            "/api/v1/channels/connectors",
            Some(&t.admin.access),
            json!({"kind": "whatsapp_cloud", "name": "later", "credentials": {
                "phone_number_id": "888000222", "access_token": "some-token", "app_secret": "s", "verify_token": "v-token-e2e"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["status"], "error");
    assert!(b["last_error"].as_str().unwrap().contains("WhatsApp API"), "{b}");

    let (s, list) = app.get("/api/v1/channels", &t.admin.access).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["items"].as_array().unwrap().len(), 2);

    // Health re-checks with Graph; an agent may read it, not change channels.
    let agent = app.member(&t, "agent").await;
    let (s, h) = app.get(&format!("/api/v1/channels/{id}/health"), &agent.access).await;
    assert_eq!(s, StatusCode::OK, "{h}");
    assert_eq!(h["account"]["quality_rating"], "GREEN");
    let (s, b) = app
        .post_empty(&format!("/api/v1/channels/accounts/{id}/activate"), &agent.access)
        .await;
    assert_eq!(error_code(s, &b), "forbidden");
    let (s, b) = app
        .post_empty(&format!("/api/v1/channels/accounts/{id}/activate"), &t.admin.access)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");

    // Settings: validated, merged.
    let (s, b) = app
        .patch(
            &format!("/api/v1/channels/{id}"),
            &t.admin.access,
            json!({"settings": {"reopen_window_hours": 9999}}),
        )
        .await;
    assert_eq!(error_code(s, &b), "validation_failed");
    let (s, b) = app
        .patch(
            &format!("/api/v1/channels/{id}"),
            &t.admin.access,
            json!({"name": "Aurora SAC", "settings": {"greeting": "Olá!", "reopen_window_hours": 48}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["settings"]["reopen_window_hours"], 48);
    assert_eq!(b["settings"]["account"]["verified_name"], "Casa Aurora");

    // Another tenant sees none of it.
    let other = app.tenant("outra").await;
    for p in [
        format!("/api/v1/channels/{id}"),
        format!("/api/v1/channels/{id}/health"),
    ] {
        let (s, b) = app.get(&p, &other.admin.access).await;
        assert_eq!(error_code(s, &b), "not_found", "{p}");
    }
    let (s, b) = app
        .patch(
            &format!("/api/v1/channels/{id}"),
            &other.admin.access,
            json!({"name": "x"}),
        )
        .await;
    assert_eq!(error_code(s, &b), "not_found");
    let (s, b) = app
        .post_empty(&format!("/api/v1/channels/accounts/{id}/activate"), &other.admin.access)
        .await;
    assert_eq!(error_code(s, &b), "not_found");
    let (s, b) = app.delete(&format!("/api/v1/channels/{id}"), &other.admin.access).await;
    assert_eq!(error_code(s, &b), "not_found");
    let (s, _) = app.delete(&format!("/api/v1/channels/{id}"), &t.admin.access).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
}

async fn meta_handshake_answers_the_challenge_only_with_the_verify_token(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    mount_graph(&app).await;
    let t = app.tenant("aurora").await;
    let id = connect(&app, &t, PHONE_ID).await;
    let get = |q: String| {
        let url = app.url(&format!("/api/v1/webhooks/whatsapp/{id}?{q}"));
        let c = app.client.clone();
        async move {
            let r = c.get(url).send().await.unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let (s, body) = get(format!(
        "hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1158201444"
    ))
    .await;
    assert_eq!((s, body.as_str()), (StatusCode::OK, "1158201444"));
    let (s, _) = get("hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1".into()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = get(format!(
        "hub.mode=unsubscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1"
    ))
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let r = app
        .client
        .get(app.url(&format!(
            "/api/v1/webhooks/whatsapp/{}?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1",
            uuid::Uuid::now_v7()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

async fn unsigned_or_badly_signed_deliveries_are_refused_and_not_stored(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    mount_graph(&app).await;
    let t = app.tenant("aurora").await;
    let id = connect(&app, &t, PHONE_ID).await;
    let body = fixture("inbound/text.json");
    let post = |sig: Option<String>| {
        let mut r = app
            .client
            .post(app.url(&format!("/api/v1/webhooks/whatsapp/{id}")))
            .header("content-type", "application/json")
            .body(body.clone());
        if let Some(s) = sig {
            r = r.header("x-hub-signature-256", s);
        }
        async move { r.send().await.unwrap().status() }
    };
    assert_eq!(post(None).await, StatusCode::UNAUTHORIZED);
    assert_eq!(post(Some("sha256=00".into())).await, StatusCode::UNAUTHORIZED);
    let wrong = atende_channels::whatsapp_cloud::signature_header(b"another-secret", &body).unwrap();
    assert_eq!(post(Some(wrong)).await, StatusCode::UNAUTHORIZED);
    assert_eq!(webhook_event_count(&app).await, 0);
    // The documented signature example verifies (shared/…/signature.md is checked in the adapter's
    // tests); a correct one here is stored and acknowledged.
    assert_eq!(deliver(&app, &id, &body).await, StatusCode::OK);
    assert_eq!(webhook_event_count(&app).await, 1);
}

async fn every_inbound_fixture_is_ingested_without_loss_or_duplicates(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    mount_graph(&app).await;
    let t = app.tenant("aurora").await;
    let id = connect(&app, &t, PHONE_ID).await;
    let mut files: Vec<_> = std::fs::read_dir(fixtures().join("inbound"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert!(files.len() >= 28, "{files:?}");
    for f in &files {
        assert_eq!(
            deliver(&app, &id, &fixture(&format!("inbound/{f}"))).await,
            StatusCode::OK,
            "{f}"
        );
    }
    app.run_pending_jobs().await;
    assert_eq!(dead_jobs(&app).await, Vec::<String>::new());

    let convs = conversations(&app, &t.admin.access, "status=all").await;
    assert!(!convs.is_empty());
    let ana = convs
        .iter()
        .find(|c| c["contact"]["phone"] == "+5511987654321")
        .expect("Ana's conversation");
    assert_eq!(ana["contact"]["name"], "Ana Beatriz 🌻");
    let msgs = messages(&app, &t.admin.access, ana["id"].as_str().unwrap()).await;
    let mut everyone = Vec::new();
    for c in &convs {
        everyone.extend(messages(&app, &t.admin.access, c["id"].as_str().unwrap()).await);
    }
    let types: std::collections::BTreeSet<String> = everyone
        .iter()
        .map(|m| m["type"].as_str().unwrap().to_owned())
        .collect();
    for expected in [
        "text",
        "image",
        "audio",
        "video",
        "document",
        "sticker",
        "location",
        "contact",
        "reaction",
        "interactive",
        "unsupported",
        "system",
    ] {
        assert!(types.contains(expected), "no {expected} in {types:?}");
    }
    let image = msgs.iter().find(|m| m["type"] == "image").unwrap();
    let url = image["media"]["url"].as_str().expect("signed media link");
    let r = app.client.get(app.url(url)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"\xff\xd8\xff fake jpeg");
    // A tampered link is refused.
    let r = app
        .client
        .get(app.url(&url.replace("sig=", "sig=x")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Replies keep their context; the reaction points at its target.
    assert!(
        msgs.iter()
            .any(|m| m["type"] == "text" && m["reply_to_id"].is_null() && m["body"].as_str().is_some())
    );

    // Everything again: nothing new.
    let before: usize = msgs.len();
    for f in &files {
        assert_eq!(
            deliver(&app, &id, &fixture(&format!("inbound/{f}"))).await,
            StatusCode::OK
        );
    }
    app.run_pending_jobs().await;
    let again = messages(&app, &t.admin.access, ana["id"].as_str().unwrap()).await;
    assert_eq!(again.len(), before);
    assert_eq!(
        conversations(&app, &t.admin.access, "status=all").await.len(),
        convs.len()
    );
    assert_eq!(dead_jobs(&app).await, Vec::<String>::new());
}

async fn statuses_apply_monotonically_and_unknown_ids_are_ignored(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    mount_graph(&app).await;
    let t = app.tenant("aurora").await;
    let id = connect(&app, &t, PHONE_ID).await;
    assert_eq!(deliver(&app, &id, &fresh_text("Oi")).await, StatusCode::OK);
    app.run_pending_jobs().await;
    let conv = conversations(&app, &t.admin.access, "").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (s, m) = app
        .post(
            &format!("/api/v1/conversations/{conv}/messages"),
            Some(&t.admin.access),
            json!({"type": "text", "body": "Olá, Ana!"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert_eq!(m["status"], "queued");
    app.run_pending_jobs().await;
    let mid = m["id"].as_str().unwrap();
    let sent = messages(&app, &t.admin.access, &conv)
        .await
        .into_iter()
        .find(|x| x["id"] == mid)
        .unwrap();
    assert_eq!(sent["status"], "sent");
    let wamid = sent["provider_message_id"].as_str().unwrap().to_owned();
    let now = chrono::Utc::now().timestamp();
    // read arrives before delivered: delivered must not undo it (but still dates the delivery).
    for (st, ts) in [("read", now), ("delivered", now - 1), ("sent", now - 2)] {
        assert_eq!(deliver(&app, &id, &status(&wamid, st, ts, None)).await, StatusCode::OK);
    }
    // A status for an id we never sent: recorded, ignored, no error.
    assert_eq!(
        deliver(&app, &id, &status("wamid.unknown", "delivered", now, None)).await,
        StatusCode::OK
    );
    app.run_pending_jobs().await;
    assert_eq!(dead_jobs(&app).await, Vec::<String>::new());
    let m = messages(&app, &t.admin.access, &conv)
        .await
        .into_iter()
        .find(|x| x["id"] == mid)
        .unwrap();
    assert_eq!(m["status"], "read", "{m}");
    assert!(m["delivered_at"].is_string() && m["read_at"].is_string(), "{m}");

    // failed keeps code and title.
    let (_, m2) = app
        .post(
            &format!("/api/v1/conversations/{conv}/messages"),
            Some(&t.admin.access),
            json!({"type": "text", "body": "Segunda"}),
        )
        .await;
    app.run_pending_jobs().await;
    let m2id = m2["id"].as_str().unwrap();
    let m2 = messages(&app, &t.admin.access, &conv)
        .await
        .into_iter()
        .find(|x| x["id"] == m2id)
        .unwrap();
    let w2 = m2["provider_message_id"].as_str().unwrap();
    assert_eq!(
        deliver(&app, &id, &status(w2, "failed", now, None)).await,
        StatusCode::OK
    );
    app.run_pending_jobs().await;
    let m2 = messages(&app, &t.admin.access, &conv)
        .await
        .into_iter()
        .find(|x| x["id"] == m2id)
        .unwrap();
    assert_eq!(m2["status"], "failed");
    assert_eq!(m2["error"]["code"], "131026");
    assert_eq!(m2["error"]["title"], "Message undeliverable");
}

async fn reopen_policy_reopens_within_window_and_starts_new_after(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    mount_graph(&app).await;
    let t = app.tenant("aurora").await;
    let id = connect(&app, &t, PHONE_ID).await;
    deliver(&app, &id, &fresh_text("primeira")).await;
    app.run_pending_jobs().await;
    let first = conversations(&app, &t.admin.access, "").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{first}"),
            &t.admin.access,
            json!({"status": "resolved"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    deliver(&app, &id, &fresh_text("voltei")).await;
    app.run_pending_jobs().await;
    let all = conversations(&app, &t.admin.access, "status=all").await;
    assert_eq!(all.len(), 1, "reopened, not new");
    assert_eq!(all[0]["status"], "open");

    // With a zero-hour window, a message after resolution starts a new conversation.
    let (s, b) = app
        .patch(
            &format!("/api/v1/channels/{id}"),
            &t.admin.access,
            json!({"settings": {"reopen_window_hours": 0}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    app.patch(
        &format!("/api/v1/conversations/{first}"),
        &t.admin.access,
        json!({"status": "resolved"}),
    )
    .await;
    deliver(&app, &id, &fresh_text("de novo")).await;
    app.run_pending_jobs().await;
    let all = conversations(&app, &t.admin.access, "status=all").await;
    assert_eq!(all.len(), 2);
    assert_eq!(all[0]["status"], "open");
    assert_eq!(all[1]["status"], "resolved");
    assert_eq!(all[0]["contact"]["id"], all[1]["contact"]["id"]);
}

async fn replay_reapplies_a_delivery_without_duplicating(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    mount_graph(&app).await;
    let t = app.tenant("aurora").await;
    let id = connect(&app, &t, PHONE_ID).await;
    deliver(&app, &id, &fixture("inbound/text.json")).await;
    app.run_pending_jobs().await;
    let event_id = {
        use sea_orm::EntityTrait;
        let tx = app.core().db.platform_tx().await.unwrap();
        let e = atende_db::entities::webhook_events::Entity::find()
            .one(atende_db::Scoped::conn(&tx))
            .await
            .unwrap()
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(e.status, "processed");
        e.id
    };
    let (s, b) = app
        .post_empty(&format!("/api/v1/webhooks/events/{event_id}/replay"), &t.admin.access)
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    app.run_pending_jobs().await;
    let conv = conversations(&app, &t.admin.access, "status=all").await;
    assert_eq!(conv.len(), 1);
    assert_eq!(
        messages(&app, &t.admin.access, conv[0]["id"].as_str().unwrap())
            .await
            .len(),
        1
    );
    // Agents cannot replay; another tenant gets 404.
    let agent = app.member(&t, "agent").await;
    let (s, b) = app
        .post_empty(&format!("/api/v1/webhooks/events/{event_id}/replay"), &agent.access)
        .await;
    assert_eq!(error_code(s, &b), "forbidden");
    let other = app.tenant("outra").await;
    let (s, b) = app
        .post_empty(
            &format!("/api/v1/webhooks/events/{event_id}/replay"),
            &other.admin.access,
        )
        .await;
    assert_eq!(error_code(s, &b), "not_found");
}
