//! The web-chat widget: visitor sessions and tokens, the round trip with the agents' inbox, the
//! live feed (SSE), private notes, CORS per channel, the per-IP limit, tenancy, attachments,
//! the pre-chat form, and the script and demo page.

use crate::harness::{Engine, Options, TenantFixture, TestApp, error_code};
use atende_core::bus::{Event, EventKind};
use atende_domain::{TenantId, UserId};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

/// Connects a web-chat channel; returns (channel id, public token).
pub(crate) async fn webchat(app: &TestApp, t: &TenantFixture, settings: Value) -> (String, String) {
    let (s, b) = app
        .post(
            "/api/v1/channels/connectors",
            Some(&t.admin.access),
            json!({"kind": "webchat", "name": "Site", "settings": settings}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    (
        b["id"].as_str().unwrap().to_owned(),
        b["public_token"].as_str().unwrap().to_owned(),
    )
}

/// A request from a page at `origin` (when given), with a visitor token (when given).
async fn visitor_call(
    app: &TestApp,
    method: Method,
    path: &str,
    visitor: Option<&str>,
    origin: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut req = app.client.request(method, app.url(&format!("/api/v1/widget/{path}")));
    if let Some(v) = visitor {
        req = req.bearer_auth(v);
    }
    if let Some(o) = origin {
        req = req.header("origin", o);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let text = res.text().await.unwrap();
    let v = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, headers, v)
}

pub(crate) async fn session(app: &TestApp, public: &str, extra: Value) -> Value {
    let mut body = json!({"token": public});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (s, _, b) = visitor_call(app, Method::POST, "sessions", None, None, Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

pub(crate) async fn say(app: &TestApp, visitor: &str, text: &str) -> Value {
    let (s, _, b) = visitor_call(
        app,
        Method::POST,
        "messages",
        Some(visitor),
        None,
        Some(json!({"body": text})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b
}

pub(crate) async fn visitor_messages(app: &TestApp, visitor: &str) -> Value {
    let (s, _, b) = visitor_call(app, Method::GET, "messages", Some(visitor), None, None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

async fn inbox(app: &TestApp, token: &str) -> Vec<Value> {
    let (s, b) = app.get("/api/v1/conversations?status=all", token).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().unwrap().clone()
}

/// The visitor's SSE feed, read event by event.
struct Feed {
    res: reqwest::Response,
    buf: String,
}

impl Feed {
    async fn open(app: &TestApp, visitor: &str) -> Self {
        let res = app
            .client
            .get(app.url("/api/v1/widget/stream"))
            .bearer_auth(visitor)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(ct.starts_with("text/event-stream"), "{ct}");
        let mut f = Self {
            res,
            buf: String::new(),
        };
        assert_eq!(f.next().await.0, "ready");
        f
    }

    /// The next event (name, data); comments (keep-alives) are skipped.
    async fn next(&mut self) -> (String, Value) {
        loop {
            if let Some(i) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..i + 2).collect();
                let mut name = String::from("message");
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(n) = line.strip_prefix("event:") {
                        name = n.trim().to_owned();
                    } else if let Some(d) = line.strip_prefix("data:") {
                        data.push_str(d.trim_start());
                    }
                }
                if data.is_empty() {
                    continue;
                }
                return (name, serde_json::from_str(&data).unwrap());
            }
            let chunk = tokio::time::timeout(Duration::from_secs(10), self.res.chunk())
                .await
                .expect("an event within 10 s")
                .unwrap()
                .expect("the feed stays open");
            self.buf.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// Events until one named `name`; returns it and everything seen before it.
    async fn until(&mut self, name: &str) -> (Value, Vec<(String, Value)>) {
        let mut seen = Vec::new();
        loop {
            let (n, d) = self.next().await;
            if n == name {
                return (d, seen);
            }
            seen.push((n, d));
        }
    }
}

async fn session_starts_and_resumes_with_the_same_token(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("loja").await;
    let (_, public) = webchat(&app, &t, json!({"greeting": "Olá!", "pre_chat_form": true})).await;

    // Act
    let first = session(&app, &public, json!({})).await;
    let token = first["visitor_token"].as_str().unwrap();
    let again = session(&app, &public, json!({"visitor_token": token})).await;
    let (unknown, _, b) = visitor_call(
        &app,
        Method::POST,
        "sessions",
        None,
        None,
        Some(json!({"token": "wct_nope"})),
    )
    .await;

    // Assert
    assert!(token.starts_with("vst_"), "{token}");
    assert_eq!(first["resumed"], false);
    assert_eq!(first["channel"]["name"], "Site");
    assert_eq!(first["channel"]["greeting"], "Olá!");
    assert_eq!(first["channel"]["pre_chat_form"], true);
    assert!(first["profile"].is_null() && first["conversation"].is_null());
    assert_eq!(again["resumed"], true);
    assert_eq!(again["visitor_id"], first["visitor_id"]);
    assert_eq!(again["visitor_token"], first["visitor_token"]);
    assert_eq!(error_code(unknown, &b), "not_found");
}

async fn forged_or_foreign_visitor_tokens_get_401(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("loja").await;
    let (_, public_a) = webchat(&app, &t, json!({})).await;
    let (_, public_b) = webchat(&app, &t, json!({})).await;
    let token = session(&app, &public_a, json!({})).await["visitor_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (body, sig) = token.split_once('.').unwrap();
    let flipped = if sig.starts_with('A') { "B" } else { "A" };
    let forged_sig = format!("{body}.{flipped}{}", &sig[1..]);
    // Claims for another visitor, re-encoded with the old signature.
    let other_claims = {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut claims: Value = serde_json::from_slice(&b64.decode(&body[4..]).unwrap()).unwrap();
        claims["v"] = json!(uuid::Uuid::now_v7());
        format!("vst_{}.{sig}", b64.encode(claims.to_string()))
    };

    for (label, bad) in [
        ("signature", forged_sig.as_str()),
        ("claims", other_claims.as_str()),
        ("agent token", t.admin.access.as_str()),
        ("garbage", "vst_x.y"),
    ] {
        // Act
        let (s, headers, b) = visitor_call(&app, Method::GET, "messages", Some(bad), None, None).await;

        // Assert
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{label}: {b}");
        assert!(headers.contains_key("www-authenticate"), "{label}");
    }
    let (s, _, b) = visitor_call(&app, Method::GET, "stream", None, None, None).await;
    assert_eq!(error_code(s, &b), "unauthorized");
    // A token of channel A does not resume a session on channel B.
    let (s, _, b) = visitor_call(
        &app,
        Method::POST,
        "sessions",
        None,
        None,
        Some(json!({"token": public_b, "visitor_token": token})),
    )
    .await;
    assert_eq!(error_code(s, &b), "invalid_visitor_token");
}

async fn a_visitor_message_reaches_the_inbox_and_the_reply_arrives_live(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("loja").await;
    let (channel, public) = webchat(&app, &t, json!({})).await;
    let visitor = session(&app, &public, json!({})).await["visitor_token"]
        .as_str()
        .unwrap()
        .to_owned();

    // Act: the visitor writes (emoji are text) and keeps the feed open.
    let mine = say(&app, &visitor, "Olá 👋 tem o tênis 42?").await;
    let mut feed = Feed::open(&app, &visitor).await;

    // Assert: an inbound web-chat conversation in the agents' inbox.
    let convs = inbox(&app, &t.admin.access).await;
    assert_eq!(convs.len(), 1);
    let conv = &convs[0];
    assert_eq!(conv["channel_id"], channel.as_str());
    assert_eq!(conv["status"], "open");
    assert_eq!(conv["unread_count"], 1);
    assert_eq!(conv["last_message"]["direction"], "inbound");
    assert_eq!(conv["last_message"]["body"], "Olá 👋 tem o tênis 42?");
    assert!(conv["contact"]["name"].as_str().unwrap().starts_with("Visitante "));
    assert_eq!(mine["from"], "visitor");
    let id = conv["id"].as_str().unwrap().to_owned();

    // Act: an agent types, then replies.
    app.core()
        .publish(vec![
            Event::new(EventKind::Typing, TenantId(t.id))
                .conversation(uuid::Uuid::parse_str(&id).unwrap())
                .user(UserId(t.admin.user_id))
                .data(json!({"on": true})),
        ])
        .await;
    let (typing, _) = feed.until("typing").await;
    let (s, reply) = app
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            Some(&t.admin.access),
            json!({"type": "text", "body": "Temos sim! 😊"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{reply}");
    app.run_pending_jobs().await;

    // Assert: typing and the reply arrive on the feed, and the visitor can read it.
    assert_eq!(typing, json!({"on": true}));
    let (live, _) = feed.until("message").await;
    assert_eq!(live["id"], reply["id"]);
    assert_eq!(live["from"], "agent");
    assert_eq!(live["body"], "Temos sim! 😊");
    let read = visitor_messages(&app, &visitor).await;
    let bodies: Vec<&str> = read["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["Temos sim! 😊", "Olá 👋 tem o tênis 42?"]);
    assert_eq!(read["items"][0]["status"], "sent");
    assert_eq!(read["conversation"]["id"], id.as_str());

    // And a status change is told live.
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{id}"),
            &t.admin.access,
            json!({"status": "resolved"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (status, _) = feed.until("conversation").await;
    assert_eq!(status["status"], "resolved");
}

async fn private_notes_never_reach_the_visitor(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("loja").await;
    let (_, public) = webchat(&app, &t, json!({})).await;
    let visitor = session(&app, &public, json!({})).await["visitor_token"]
        .as_str()
        .unwrap()
        .to_owned();
    say(&app, &visitor, "Oi").await;
    let id = inbox(&app, &t.admin.access).await[0]["id"].as_str().unwrap().to_owned();
    let mut feed = Feed::open(&app, &visitor).await;

    // Act: a note, then a reply.
    for body in [
        json!({"type": "text", "body": "cliente VIP, desconto ok", "private_note": true}),
        json!({"type": "text", "body": "Olá!"}),
    ] {
        let (s, b) = app
            .post(
                &format!("/api/v1/conversations/{id}/messages"),
                Some(&t.admin.access),
                body,
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    app.run_pending_jobs().await;

    // Assert: the first message the feed tells is the reply; the list has no note either.
    let (first, _) = feed.until("message").await;
    assert_eq!(first["body"], "Olá!");
    let read = visitor_messages(&app, &visitor).await.to_string();
    assert!(!read.contains("VIP"), "{read}");
    let (_, agents) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &t.admin.access)
        .await;
    assert!(agents.to_string().contains("VIP"), "the agents still see it");
}

async fn cors_allows_listed_origins_and_refuses_others(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("loja").await;
    let shop = "https://shop.example.com";
    let (_, public) = webchat(&app, &t, json!({"allowed_origins": [shop]})).await;
    let (_, open_public) = webchat(&app, &t, json!({})).await;
    let start = |p: &str| Some(json!({"token": p}));

    // Act + Assert: the listed origin gets a grant.
    let (s, h, b) = visitor_call(&app, Method::POST, "sessions", None, Some(shop), start(&public)).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(h["access-control-allow-origin"], shop);
    assert!(h.get_all("vary").iter().any(|v| v.to_str().unwrap().contains("Origin")));
    let visitor = b["visitor_token"].as_str().unwrap().to_owned();
    let (s, h, _) = visitor_call(&app, Method::GET, "messages", Some(&visitor), Some(shop), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h["access-control-allow-origin"], shop);

    // Another origin is refused, without a grant.
    let evil = "https://evil.example";
    let (s, h, b) = visitor_call(&app, Method::POST, "sessions", None, Some(evil), start(&public)).await;
    assert_eq!(error_code(s, &b), "origin_not_allowed");
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(!h.contains_key("access-control-allow-origin"));
    let (s, h, b) = visitor_call(
        &app,
        Method::POST,
        "messages",
        Some(&visitor),
        Some(evil),
        Some(json!({"body": "oi"})),
    )
    .await;
    assert_eq!(error_code(s, &b), "origin_not_allowed");
    assert!(!h.contains_key("access-control-allow-origin"));
    assert!(inbox(&app, &t.admin.access).await.is_empty(), "nothing stored");

    // A channel without a list accepts any site.
    let (s, h, _) = visitor_call(&app, Method::POST, "sessions", None, Some(evil), start(&open_public)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h["access-control-allow-origin"], evil);

    // Preflights are answered.
    let r = app
        .client
        .request(Method::OPTIONS, app.url("/api/v1/widget/messages"))
        .header("origin", shop)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization, content-type")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(r.headers()["access-control-allow-origin"], shop);
    let allowed = r.headers()["access-control-allow-headers"].to_str().unwrap().to_owned();
    assert!(
        allowed.contains("authorization") && allowed.contains("content-type"),
        "{allowed}"
    );
}

async fn the_visitor_api_is_rate_limited_per_ip(engine: Engine) {
    // Arrange
    let app = TestApp::spawn_with(
        engine,
        Options {
            widget_per_ip_per_minute: 5,
            ..Options::default()
        },
    )
    .await;
    let t = app.tenant("loja").await;
    let (_, public) = webchat(&app, &t, json!({})).await;

    // Act
    let mut last = (StatusCode::OK, reqwest::header::HeaderMap::new(), Value::Null);
    for _ in 0..6 {
        last = visitor_call(
            &app,
            Method::POST,
            "sessions",
            None,
            None,
            Some(json!({"token": public})),
        )
        .await;
    }

    // Assert
    let (s, h, b) = last;
    assert_eq!(error_code(s, &b), "too_many_requests");
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = h["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry >= 1);
    // The agents' API is not affected.
    let (s, _) = app.get("/api/v1/conversations", &t.admin.access).await;
    assert_eq!(s, StatusCode::OK);
}

async fn another_tenants_agents_cannot_see_the_visitors_conversation(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("loja").await;
    let other = app.tenant("outra").await;
    let (_, public) = webchat(&app, &t, json!({})).await;
    let visitor = session(&app, &public, json!({})).await["visitor_token"]
        .as_str()
        .unwrap()
        .to_owned();
    say(&app, &visitor, "segredo da loja").await;
    let id = inbox(&app, &t.admin.access).await[0]["id"].as_str().unwrap().to_owned();

    // Act
    let theirs = inbox(&app, &other.admin.access).await;
    let (s1, b1) = app
        .get(&format!("/api/v1/conversations/{id}"), &other.admin.access)
        .await;
    let (s2, b2) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &other.admin.access)
        .await;

    // Assert
    assert!(theirs.is_empty(), "{theirs:?}");
    assert_eq!(error_code(s1, &b1), "not_found");
    assert_eq!(error_code(s2, &b2), "not_found");
}

async fn an_attachment_goes_up_and_comes_back(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("loja").await;
    let (_, public) = webchat(&app, &t, json!({})).await;
    let visitor = session(&app, &public, json!({})).await["visitor_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let png = b"\x89PNG\r\n\x1a\n fake image".to_vec();

    // Act
    let part = reqwest::multipart::Part::bytes(png.clone())
        .file_name("foto.png")
        .mime_str("image/png")
        .unwrap();
    let r = app
        .client
        .post(app.url("/api/v1/widget/uploads"))
        .bearer_auth(&visitor)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let a: Value = r.json().await.unwrap();
    let (s, _, sent) = visitor_call(
        &app,
        Method::POST,
        "messages",
        Some(&visitor),
        None,
        Some(json!({"attachment_id": a["attachment_id"], "body": "olha"})),
    )
    .await;
    let (bad, _, forged) = visitor_call(
        &app,
        Method::POST,
        "messages",
        Some(&visitor),
        None,
        Some(json!({"attachment_id": "att_eyJ0Ijoi.forged"})),
    )
    .await;

    // Assert
    assert_eq!(s, StatusCode::CREATED, "{sent}");
    assert_eq!(sent["type"], "image");
    assert_eq!(sent["media"]["file_name"], "foto.png");
    let url = sent["media"]["url"].as_str().unwrap();
    let got = app.client.get(app.url(url)).send().await.unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(got.bytes().await.unwrap().to_vec(), png);
    assert_eq!(error_code(bad, &forged), "validation_failed");
    let conv = &inbox(&app, &t.admin.access).await[0];
    assert_eq!(conv["last_message"]["type"], "image");
    // Not multipart: 415.
    let (s, _, b) = visitor_call(&app, Method::POST, "uploads", Some(&visitor), None, Some(json!({}))).await;
    assert_eq!(error_code(s, &b), "unsupported_media_type");
}

async fn the_pre_chat_form_fills_the_contact_without_exposing_another(engine: Engine) {
    // Arrange: a customer who already chatted on the site with her phone.
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("loja").await;
    let (_, public) = webchat(&app, &t, json!({"pre_chat_form": true})).await;
    let ana = session(
        &app,
        &public,
        json!({"name": "Ana", "email": "ana@example.com", "phone": "+55 (11) 98765-4321"}),
    )
    .await;
    let ana_token = ana["visitor_token"].as_str().unwrap().to_owned();
    say(&app, &ana_token, "meu pedido 123").await;

    // Act: someone else types Ana's phone.
    let other = session(&app, &public, json!({"name": "Mallory", "phone": "11987654321"})).await;
    let other_token = other["visitor_token"].as_str().unwrap().to_owned();
    let seen = visitor_messages(&app, &other_token).await;
    say(&app, &other_token, "oi").await;

    // Assert: Ana's profile is her contact's; the other visitor sees nothing of hers and is a
    // contact of its own, with the claimed number kept aside.
    assert_eq!(ana["profile"]["name"], "Ana");
    assert_eq!(ana["profile"]["phone"], "+5511987654321");
    assert_eq!(ana["profile"]["email"], "ana@example.com");
    assert!(seen["items"].as_array().unwrap().is_empty(), "{seen}");
    assert_eq!(other["profile"]["name"], "Mallory");
    assert!(other["profile"]["phone"].is_null());
    let convs = inbox(&app, &t.admin.access).await;
    assert_eq!(convs.len(), 2);
    assert_ne!(convs[0]["contact"]["id"], convs[1]["contact"]["id"]);
    // Bad pre-chat input is a 422 naming the field.
    let (s, _, b) = visitor_call(
        &app,
        Method::POST,
        "sessions",
        None,
        None,
        Some(json!({"token": public, "email": "not-an-email"})),
    )
    .await;
    assert_eq!(error_code(s, &b), "validation_failed");
    assert!(b["error"]["fields"]["email"].is_array(), "{b}");
}

async fn a_retried_message_is_stored_once_and_visitor_typing_reaches_the_bus(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("loja").await;
    let (_, public) = webchat(&app, &t, json!({})).await;
    let visitor = session(&app, &public, json!({})).await["visitor_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = json!({"body": "oi", "client_id": "c-123"});

    // Act
    let (s1, _, first) = visitor_call(&app, Method::POST, "messages", Some(&visitor), None, Some(body.clone())).await;
    let (s2, _, again) = visitor_call(&app, Method::POST, "messages", Some(&visitor), None, Some(body)).await;
    let mut sub = app.core().bus.subscribe();
    let (s3, _, _) = visitor_call(
        &app,
        Method::POST,
        "typing",
        Some(&visitor),
        None,
        Some(json!({"on": true})),
    )
    .await;

    // Assert
    assert_eq!(
        (s1, s2, s3),
        (StatusCode::CREATED, StatusCode::CREATED, StatusCode::NO_CONTENT)
    );
    assert_eq!(first["id"], again["id"]);
    assert_eq!(first["client_id"], "c-123");
    assert_eq!(
        visitor_messages(&app, &visitor).await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let e = tokio::time::timeout(Duration::from_secs(5), sub.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(e.kind, EventKind::Typing);
    assert_eq!(e.data, json!({"contact": true, "on": true}));
    assert!(e.user_id.is_none());
}

async fn the_script_and_the_demo_page_are_served(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;

    // Act
    let js = app.client.get(app.url("/widget.js")).send().await.unwrap();
    let empty_demo = app.client.get(app.url("/demo/widget")).send().await.unwrap();

    // Assert: the script.
    assert_eq!(js.status(), StatusCode::OK);
    let h = js.headers().clone();
    assert!(h["content-type"].to_str().unwrap().starts_with("text/javascript"));
    assert!(h["cache-control"].to_str().unwrap().contains("max-age="));
    let etag = h["etag"].to_str().unwrap().to_owned();
    let text = js.text().await.unwrap();
    assert!(text.len() < 25 * 1024, "widget.js is {} bytes", text.len());
    assert!(text.contains("attachShadow") && text.contains("data-atende-token"));
    let again = app
        .client
        .get(app.url("/widget.js"))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    // The demo page without a web-chat channel explains how to create one.
    assert_eq!(empty_demo.status(), StatusCode::OK);
    assert!(empty_demo.text().await.unwrap().contains("/api/v1/channels/connectors"));

    // With the demo tenant of a first start, it embeds its channel "Site" under our CSP.
    atende_core::people::bootstrap::demo_if_empty(app.core())
        .await
        .unwrap()
        .expect("demo created");
    let demo = app.client.get(app.url("/demo/widget")).send().await.unwrap();
    assert_eq!(demo.status(), StatusCode::OK);
    let h = demo.headers().clone();
    assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'self'") && !csp.contains("script-src"),
        "{csp}"
    );
    let html = demo.text().await.unwrap();
    let scripts: Vec<&str> = html.split("<script").skip(1).collect();
    assert_eq!(scripts.len(), 1, "{html}");
    let tag = scripts[0];
    assert!(tag.starts_with(" src=\"/widget.js\""), "{tag}");
    assert!(tag.contains("data-atende-token=\"wct_"), "{tag}");
    let inner = &tag[tag.find('>').unwrap() + 1..tag.find("</script>").unwrap()];
    assert!(inner.trim().is_empty(), "inline script: {inner}");
    assert!(!html.contains(" on") || !html.contains("onclick"), "no inline handlers");
    let token = tag
        .split("data-atende-token=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let s = session(&app, token, json!({})).await;
    assert_eq!(s["channel"]["name"], "Site");
}

both_engines!(
    session_starts_and_resumes_with_the_same_token,
    forged_or_foreign_visitor_tokens_get_401,
    a_visitor_message_reaches_the_inbox_and_the_reply_arrives_live,
    private_notes_never_reach_the_visitor,
    cors_allows_listed_origins_and_refuses_others,
    the_visitor_api_is_rate_limited_per_ip,
    another_tenants_agents_cannot_see_the_visitors_conversation,
    an_attachment_goes_up_and_comes_back,
    the_pre_chat_form_fills_the_contact_without_exposing_another,
    a_retried_message_is_stored_once_and_visitor_typing_reaches_the_bus,
    the_script_and_the_demo_page_are_served,
);
