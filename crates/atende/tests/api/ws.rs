//! The live connection `/api/v1/ws` with a real WebSocket client: authentication in the first
//! frame (or the `bearer` subprotocol), authorized subscriptions, events from signed webhooks,
//! tenancy, agent visibility, typing, presence, closing on expiry and deactivation, and two
//! `atende serve` processes sharing one Postgres.
//!
//! Negative checks ("never sees X") use a sentinel: something the socket must see, published
//! after X on the same bus; the bus keeps order, so had X leaked it would arrive first.

use crate::harness::{Engine, Options, PASSWORD, Session, TenantFixture, TestApp, error_code, postgres_configured};
use crate::whatsapp::{APP_SECRET, PHONE_ID, connect, deliver, fresh_text, mount_graph};
use atende_core::bus::{Event, EventKind};
use futures::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use uuid::Uuid;

/// Generous bound on any single wait (2 shared cores, debug build).
const WAIT: Duration = Duration::from_secs(30);

type Stream = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// What the socket said next.
#[derive(Debug)]
enum Frame {
    Json(Value),
    Closed(u16, String),
}

/// A WebSocket client speaking the protocol.
struct Client {
    ws: Stream,
    /// Frames read while looking for another one.
    stash: VecDeque<Value>,
}

fn ws_url(base: &str) -> String {
    format!("{}/api/v1/ws", base.replacen("http://", "ws://", 1))
}

impl Client {
    async fn open(base: &str) -> Self {
        let (ws, _) = tokio_tungstenite::connect_async(ws_url(base))
            .await
            .expect("websocket handshake");
        Self {
            ws,
            stash: VecDeque::new(),
        }
    }

    /// Opens a socket and authenticates with the first frame; panics unless accepted.
    async fn signed_in(base: &str, token: &str) -> Self {
        let mut c = Self::open(base).await;
        c.send(json!({"type": "auth", "token": token})).await;
        let hello = c.json().await;
        assert_eq!(hello["type"], "authenticated", "{hello}");
        c
    }

    async fn send(&mut self, v: Value) {
        self.ws.send(Message::text(v.to_string())).await.expect("frame sent");
    }

    /// The next frame from the server (stashed ones first), bounded by [`WAIT`].
    async fn next(&mut self) -> Frame {
        if let Some(v) = self.stash.pop_front() {
            return Frame::Json(v);
        }
        loop {
            let m = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("a frame within the wait");
            match m {
                Some(Ok(Message::Text(t))) => {
                    return Frame::Json(serde_json::from_str(t.as_str()).expect("JSON frame"));
                }
                Some(Ok(Message::Close(Some(f)))) => return Frame::Closed(f.code.into(), f.reason.as_str().to_owned()),
                Some(Ok(Message::Close(None))) | None | Some(Err(_)) => return Frame::Closed(1005, String::new()),
                Some(Ok(_)) => {}
            }
        }
    }

    async fn json(&mut self) -> Value {
        match self.next().await {
            Frame::Json(v) => v,
            Frame::Closed(code, reason) => panic!("socket closed ({code} {reason}) where a frame was expected"),
        }
    }

    /// The next frame that is not an event (events met on the way are kept for later).
    async fn reply(&mut self) -> Value {
        let mut skipped = VecDeque::new();
        let found = loop {
            let v = self.json().await;
            if v["type"] == "event" {
                skipped.push_back(v);
            } else {
                break v;
            }
        };
        skipped.extend(self.stash.drain(..));
        self.stash = skipped;
        found
    }

    async fn subscribe(&mut self, topic: &str) -> Value {
        self.send(json!({"type": "subscribe", "topic": topic})).await;
        self.reply().await
    }

    /// Subscribes and asserts it was accepted.
    async fn subscribed(&mut self, topic: &str) -> Value {
        let r = self.subscribe(topic).await;
        assert_eq!(r["type"], "subscribed", "{topic}: {r}");
        assert_eq!(r["topic"], topic);
        r
    }

    /// The next event frame named `name` (other events are skipped).
    async fn event(&mut self, name: &str) -> Value {
        loop {
            let v = self.json().await;
            if v["type"] == "event" && v["event"]["type"] == name {
                return v;
            }
        }
    }

    /// Reads until the server closes the socket; returns code and reason.
    async fn closed(&mut self) -> (u16, String) {
        self.stash.clear();
        loop {
            if let Frame::Closed(code, reason) = self.next().await {
                return (code, reason);
            }
        }
    }
}

/// `text.json` from another customer (a conversation of its own), stamped now.
fn text_from(wa_id: &str, body: &str) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(&fresh_text(body)).unwrap();
    let value = &mut v["entry"][0]["changes"][0]["value"];
    value["contacts"][0]["wa_id"] = json!(wa_id);
    value["contacts"][0]["profile"]["name"] = json!(format!("Cliente {wa_id}"));
    value["messages"][0]["from"] = json!(wa_id);
    serde_json::to_vec(&v).unwrap()
}

/// A tenant with a connected WhatsApp number.
async fn tenant_with_channel(app: &TestApp, slug: &str) -> (TenantFixture, String) {
    mount_graph(app).await;
    let t = app.tenant(slug).await;
    let channel = connect(app, &t, PHONE_ID).await;
    (t, channel)
}

/// Delivers a signed webhook and applies it; returns nothing until the events are published.
async fn ingest(app: &TestApp, channel: &str, body: &[u8]) {
    assert_eq!(deliver(app, channel, body).await, StatusCode::OK);
    assert!(app.run_pending_jobs().await >= 1);
}

fn conversation_of(frame: &Value) -> String {
    frame["event"]["conversation_id"]
        .as_str()
        .expect("conversation id")
        .to_owned()
}

both_engines!(
    a_socket_must_authenticate_first_and_a_bad_token_is_refused,
    the_bearer_subprotocol_authenticates_the_upgrade,
    an_ingested_message_arrives_on_the_tenant_and_conversation_topics,
    another_tenants_socket_never_sees_events_nor_subscribes_to_its_conversations,
    an_agent_does_not_receive_events_of_conversations_assigned_to_someone_else,
    typing_is_relayed_to_the_other_sockets_of_the_conversation,
    presence_follows_connections_and_is_listed,
);

async fn a_socket_must_authenticate_first_and_a_bad_token_is_refused(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("aurora").await;

    // Act + Assert: anything but `auth` first → error frame, close 4401.
    let mut c = Client::open(&app.base).await;
    c.send(json!({"type": "subscribe", "topic": "tenant"})).await;
    assert_eq!(c.json().await["code"], "auth_required");
    assert_eq!(c.closed().await, (4401, "auth_required".into()));

    // A forged token.
    let mut c = Client::open(&app.base).await;
    c.send(json!({"type": "auth", "token": "eyJhbGciOiJIUzI1NiJ9.e30.forged"}))
        .await;
    assert_eq!(c.json().await["code"], "invalid_token");
    assert_eq!(c.closed().await, (4401, "invalid_token".into()));

    // A plain HTTP request (no upgrade) is a 426 with the error body.
    let (s, b) = app.get("/api/v1/ws", &t.admin.access).await;
    assert_eq!(s, StatusCode::UPGRADE_REQUIRED);
    assert_eq!(error_code(s, &b), "upgrade_required");

    // The right token: authenticated, and pings are answered.
    let mut c = Client::open(&app.base).await;
    c.send(json!({"type": "auth", "token": t.admin.access})).await;
    let hello = c.json().await;
    assert_eq!(hello["type"], "authenticated");
    assert_eq!(hello["tenant_id"], t.id.to_string());
    assert_eq!(hello["user_id"], t.admin.user_id.to_string());
    assert_eq!(hello["role"], "admin");
    assert!(hello["expires_at"].is_string());
    c.send(json!({"type": "ping"})).await;
    assert_eq!(c.json().await, json!({"type": "pong"}));
    c.send(json!({"type": "subscribe", "topic": "tickets"})).await;
    assert_eq!(c.json().await["code"], "unknown_topic");
    c.send(json!({"nonsense": true})).await;
    assert_eq!(c.json().await["code"], "invalid_frame");
}

async fn the_bearer_subprotocol_authenticates_the_upgrade(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("aurora").await;
    let request = |token: &str| {
        let mut r = ws_url(&app.base).into_client_request().unwrap();
        r.headers_mut()
            .insert("sec-websocket-protocol", format!("bearer, {token}").parse().unwrap());
        r
    };

    // Act: a bad token is refused before the upgrade.
    let refused = tokio_tungstenite::connect_async(request("atk_not-a-key")).await;

    // Assert
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => assert_eq!(res.status(), StatusCode::UNAUTHORIZED),
        other => panic!("expected a 401 handshake, got {other:?}"),
    }

    // A good one: the server picks `bearer` and the socket starts authenticated.
    let (ws, res) = tokio_tungstenite::connect_async(request(&t.admin.access))
        .await
        .unwrap();
    assert_eq!(res.headers()["sec-websocket-protocol"], "bearer");
    let mut c = Client {
        ws,
        stash: VecDeque::new(),
    };
    assert_eq!(c.json().await["type"], "authenticated");
    c.subscribed("tenant").await;
}

async fn an_ingested_message_arrives_on_the_tenant_and_conversation_topics(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let (t, channel) = tenant_with_channel(&app, "aurora").await;
    let mut c = Client::signed_in(&app.base, &t.admin.access).await;
    c.subscribed("tenant").await;

    // Act: the customer writes (a signed webhook, applied by the ingest job).
    ingest(&app, &channel, &fresh_text("Olá, meu pedido?")).await;

    // Assert
    let created = c.event("message.created").await;
    assert_eq!(created["topic"], "tenant");
    assert_eq!(created["event"]["tenant_id"], t.id.to_string());
    assert_eq!(created["event"]["data"]["direction"], "inbound");
    assert!(created["event"]["message_id"].is_string());
    let conversation = conversation_of(&created);

    // Watching the conversation too: the next message comes on both topics.
    c.subscribed(&format!("conversation:{conversation}")).await;
    ingest(&app, &channel, &fresh_text("Alguém aí?")).await;
    let first = c.event("message.created").await;
    let second = c.event("message.created").await;
    let mut topics = [first["topic"].as_str().unwrap(), second["topic"].as_str().unwrap()];
    topics.sort_unstable();
    assert_eq!(
        topics,
        ["conversation:".to_owned() + &conversation, "tenant".to_owned()]
    );
    assert_eq!(first["event"]["message_id"], second["event"]["message_id"]);
    assert_ne!(first["event"]["message_id"], created["event"]["message_id"]);

    // Unsubscribed from the conversation: only the tenant topic remains.
    c.send(json!({"type": "unsubscribe", "topic": format!("conversation:{conversation}")}))
        .await;
    assert_eq!(c.reply().await["type"], "unsubscribed");
    ingest(&app, &channel, &fresh_text("Oi?")).await;
    assert_eq!(c.event("message.created").await["topic"], "tenant");
    ingest(&app, &channel, &fresh_text("Oi de novo")).await;
    assert_eq!(c.event("message.created").await["topic"], "tenant");
}

async fn another_tenants_socket_never_sees_events_nor_subscribes_to_its_conversations(engine: Engine) {
    // Arrange: tenant A has a conversation; tenant B's admin watches B's inbox.
    let app = TestApp::spawn(engine).await;
    let (a, channel) = tenant_with_channel(&app, "aurora").await;
    let b = app.tenant("brisa").await;
    let mut watch_a = Client::signed_in(&app.base, &a.admin.access).await;
    watch_a.subscribed("tenant").await;
    let mut watch_b = Client::signed_in(&app.base, &b.admin.access).await;
    watch_b.subscribed("tenant").await;
    ingest(&app, &channel, &fresh_text("Olá")).await;
    let conversation = conversation_of(&watch_a.event("message.created").await);

    // Act: B asks for A's conversation, by its real id and by one that exists nowhere.
    let foreign = watch_b.subscribe(&format!("conversation:{conversation}")).await;
    let missing = watch_b.subscribe(&format!("conversation:{}", Uuid::now_v7())).await;

    // Assert: the same refusal for both, never confirming the foreign id.
    assert_eq!(foreign["type"], "error");
    assert_eq!(foreign["code"], "not_found");
    assert_eq!(missing["code"], "not_found");
    assert_eq!(foreign["message"], missing["message"]);

    // A's next message, then a sentinel of B's own: B's first event is the sentinel.
    ingest(&app, &channel, &fresh_text("Mais uma")).await;
    watch_a.event("message.created").await;
    let sentinel = Uuid::now_v7();
    app.core()
        .publish(vec![
            Event::new(EventKind::ConversationUpdated, atende_domain::TenantId(b.id)).conversation(sentinel),
        ])
        .await;
    let first = watch_b.json().await;
    assert_eq!(first["type"], "event");
    assert_eq!(first["event"]["conversation_id"], sentinel.to_string(), "{first}");
}

async fn an_agent_does_not_receive_events_of_conversations_assigned_to_someone_else(engine: Engine) {
    // Arrange: a conversation assigned to another agent, outside any shared team.
    let app = TestApp::spawn(engine).await;
    let (t, channel) = tenant_with_channel(&app, "aurora").await;
    let (ana, bia) = (app.member(&t, "agent").await, app.member(&t, "agent").await);
    let mut admin = Client::signed_in(&app.base, &t.admin.access).await;
    admin.subscribed("tenant").await;
    ingest(&app, &channel, &text_from("5511911110001", "Sou da Bia")).await;
    let hers = conversation_of(&admin.event("message.created").await);
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{hers}/assign"),
            Some(&t.admin.access),
            json!({"user_id": bia.user_id}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let mut ana_ws = Client::signed_in(&app.base, &ana.access).await;
    ana_ws.subscribed("tenant").await;
    let mut bia_ws = Client::signed_in(&app.base, &bia.access).await;
    bia_ws.subscribed("tenant").await;

    // Act + Assert: Ana cannot watch it and hears nothing of it.
    let refused = ana_ws.subscribe(&format!("conversation:{hers}")).await;
    assert_eq!(refused["code"], "not_found", "{refused}");
    ingest(&app, &channel, &text_from("5511911110001", "Bia, tudo bem?")).await;
    assert_eq!(conversation_of(&bia_ws.event("message.created").await), hers);
    // The sentinel: a new customer, unassigned, which Ana may see.
    ingest(&app, &channel, &text_from("5511922220002", "Oi, sou novo")).await;
    let first = ana_ws.event("message.created").await;
    let open = conversation_of(&first);
    assert_ne!(open, hers, "Ana received a message of Bia's conversation");

    // Ana watches the open one; when it goes to Bia, Ana is told and loses the topic.
    ana_ws.subscribed(&format!("conversation:{open}")).await;
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{open}/assign"),
            Some(&t.admin.access),
            json!({"user_id": bia.user_id}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let assigned = ana_ws.event("conversation.assigned").await;
    assert_eq!(assigned["event"]["data"]["assignee_id"], bia.user_id.to_string());
    let gone = ana_ws.reply().await;
    assert_eq!(gone["type"], "unsubscribed", "{gone}");
    assert_eq!(gone["topic"], format!("conversation:{open}"));
    assert_eq!(gone["reason"], "not_found");
}

async fn typing_is_relayed_to_the_other_sockets_of_the_conversation(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let (t, channel) = tenant_with_channel(&app, "aurora").await;
    let agent = app.member(&t, "agent").await;
    let viewer = app.member(&t, "viewer").await;
    let mut admin = Client::signed_in(&app.base, &t.admin.access).await;
    admin.subscribed("tenant").await;
    ingest(&app, &channel, &fresh_text("Olá")).await;
    let conversation = conversation_of(&admin.event("message.created").await);
    let topic = format!("conversation:{conversation}");
    admin.subscribed(&topic).await;
    let mut typist = Client::signed_in(&app.base, &agent.access).await;
    typist.subscribed(&topic).await;

    // Act
    typist
        .send(json!({"type": "typing", "conversation_id": conversation, "on": true}))
        .await;

    // Assert: the admin sees the agent typing, on the conversation's topic only.
    let typing = admin.event("typing").await;
    assert_eq!(typing["topic"], topic);
    assert_eq!(typing["event"]["user_id"], agent.user_id.to_string());
    assert_eq!(typing["event"]["data"]["on"], true);
    typist
        .send(json!({"type": "typing", "conversation_id": conversation, "on": false}))
        .await;
    assert_eq!(admin.event("typing").await["event"]["data"]["on"], false);

    // Typing in a conversation that is not there, or as a viewer: refused.
    typist
        .send(json!({"type": "typing", "conversation_id": Uuid::now_v7(), "on": true}))
        .await;
    assert_eq!(typist.reply().await["code"], "not_found");
    let mut watcher = Client::signed_in(&app.base, &viewer.access).await;
    watcher
        .send(json!({"type": "typing", "conversation_id": conversation, "on": true}))
        .await;
    assert_eq!(watcher.reply().await["code"], "forbidden");
}

async fn presence_follows_connections_and_is_listed(engine: Engine) {
    // Arrange: the admin watches presence.
    let app = TestApp::spawn(engine).await;
    let t = app.tenant("aurora").await;
    let agent = app.member(&t, "agent").await;
    let mut admin = Client::signed_in(&app.base, &t.admin.access).await;
    let sub = admin.subscribed("presence").await;
    assert_eq!(
        sub["online"],
        json!([{"user_id": t.admin.user_id, "state": "online"}]),
        "{sub}"
    );

    // Act + Assert: the agent connects → online, says away → away, leaves → offline.
    let mut agent_ws = Client::signed_in(&app.base, &agent.access).await;
    let online = admin.event("presence").await;
    assert_eq!(online["topic"], "presence");
    assert_eq!(online["event"]["user_id"], agent.user_id.to_string());
    assert_eq!(online["event"]["data"]["state"], "online");
    let listed = presence_of(&app, &t.admin, agent.user_id).await;
    assert_eq!(listed.as_deref(), Some("online"));
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("atende_ws_connections"), "gauge exported");

    agent_ws.send(json!({"type": "presence", "state": "away"})).await;
    assert_eq!(admin.event("presence").await["event"]["data"]["state"], "away");
    assert_eq!(
        presence_of(&app, &t.admin, agent.user_id).await.as_deref(),
        Some("away")
    );

    agent_ws.ws.close(None).await.unwrap();
    let offline = admin.event("presence").await;
    assert_eq!(offline["event"]["user_id"], agent.user_id.to_string());
    assert_eq!(offline["event"]["data"]["state"], "offline");
    assert_eq!(presence_of(&app, &t.admin, agent.user_id).await, None);

    // Another tenant's list does not show this one's members.
    let other = app.tenant("brisa").await;
    let (s, b) = app.get("/api/v1/presence", &other.admin.access).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["items"], json!([]));
}

/// The state `GET /presence` lists for `user`, if listed.
async fn presence_of(app: &TestApp, caller: &Session, user: Uuid) -> Option<String> {
    let (s, b) = app.get("/api/v1/presence", &caller.access).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["user_id"] == user.to_string())
        .map(|i| i["state"].as_str().unwrap().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_socket_closes_when_the_access_token_expires() {
    // Arrange: a token that lives three seconds.
    let app = TestApp::spawn(Engine::Sqlite).await;
    let t = app.tenant("aurora").await;
    let short = atende_core::auth::tokens::issue_access(
        &app.core().keys,
        atende_domain::UserId(t.admin.user_id),
        Some(atende_domain::TenantId(t.id)),
        false,
        None,
        Uuid::now_v7(),
        Duration::from_secs(3),
    )
    .unwrap();

    // Act
    let mut c = Client::signed_in(&app.base, &short).await;
    c.subscribed("tenant").await;

    // Assert
    assert_eq!(c.closed().await, (4401, "token_expired".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deactivated_member_and_a_silent_socket_are_closed() {
    // Arrange: re-checks every second; silence tolerated for two.
    let app = TestApp::spawn_with(
        Engine::Sqlite,
        Options {
            ws_recheck_secs: 1,
            ws_heartbeat_timeout_secs: 2,
            ..Options::default()
        },
    )
    .await;
    let t = app.tenant("aurora").await;
    let agent = app.member(&t, "agent").await;
    let mut c = Client::signed_in(&app.base, &agent.access).await;
    c.subscribed("tenant").await;

    // Act: the admin deactivates the agent (who keeps pinging meanwhile).
    let (s, members) = app.get("/api/v1/tenants/aurora/members", &t.admin.access).await;
    assert_eq!(s, StatusCode::OK);
    let membership = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == agent.user_id.to_string())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (s, b) = app
        .patch(
            &format!("/api/v1/tenants/aurora/members/{membership}"),
            &t.admin.access,
            json!({"active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let mut closed = None;
    'waiting: for _ in 0..120 {
        // The socket may be closing while this ping goes out: a failed send is fine.
        let _ = c.ws.send(Message::text(json!({"type": "ping"}).to_string())).await;
        let until = tokio::time::Instant::now() + Duration::from_millis(500);
        while let Ok(frame) = tokio::time::timeout_at(until, c.next()).await {
            if let Frame::Closed(code, reason) = frame {
                closed = Some((code, reason));
                break 'waiting;
            }
        }
    }

    // Assert
    assert_eq!(closed, Some((4403, "membership_inactive".into())));

    // A socket that says nothing after authenticating is closed for silence.
    let mut quiet = Client::signed_in(&app.base, &t.admin.access).await;
    assert_eq!(quiet.closed().await, (4408, "heartbeat_timeout".into()));
}

/// The issue's proof of fan-out across nodes: two `atende serve` processes on one Postgres;
/// a socket on the first receives the message the second ingested from a signed webhook.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_on_one_process_receives_a_message_ingested_by_another() {
    if !postgres_configured() {
        eprintln!("{} not set: two-process test skipped", crate::harness::PG_ENV);
        return;
    }
    // Arrange: one database, one fake Graph, a tenant made with the CLI.
    let db = atende_db::testing::TestDb::postgres().await.unwrap();
    let graph = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path(format!("/{PHONE_ID}")))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({
            "id": PHONE_ID, "display_phone_number": "+55 11 4002-8922", "verified_name": "Casa Aurora"
        })))
        .mount(&graph)
        .await;
    let dir = std::env::temp_dir().join(format!("atende-ws2-{}", Uuid::now_v7().simple()));
    let node = |name: &str, port: u16| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_atende"));
        c.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("ATENDE_DATA_DIR", dir.join(name))
            .env("ATENDE_DATABASE_URL", &db.url)
            .env("ATENDE_MIGRATION_DATABASE_URL", &db.owner_url)
            .env("ATENDE_SECRET_KEY", "3c".repeat(32))
            .env("ATENDE_WHATSAPP_GRAPH_URL", graph.uri())
            .env("ATENDE_LISTEN", format!("127.0.0.1:{port}"))
            .env("ATENDE_DEMO", "false")
            .env("ATENDE_LOG_FORMAT", "json")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        c
    };
    let out = node("cli", 0)
        .args([
            "tenant",
            "create",
            "--slug",
            "aurora",
            "--name",
            "Aurora",
            "--admin-email",
            "dona@aurora.test",
            "--admin-password",
            PASSWORD,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (p1, p2) = (free_port(), free_port());
    let first = Node(node("one", p1).args(["serve", "--no-worker"]).spawn().unwrap());
    let (one, two) = (format!("http://127.0.0.1:{p1}"), format!("http://127.0.0.1:{p2}"));
    wait_ready(&one).await;
    // The second runs the embedded worker: it applies the delivery it receives.
    let second = Node(node("two", p2).arg("serve").spawn().unwrap());
    wait_ready(&two).await;
    let client = reqwest::Client::new();
    let login: Value = client
        .post(format!("{two}/api/v1/auth/token"))
        .json(&json!({"email": "dona@aurora.test", "password": PASSWORD, "tenant": "aurora"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().expect("signed in").to_owned();
    let res = client
        .post(format!("{two}/api/v1/channels/connectors"))
        .bearer_auth(&token)
        .json(
            &json!({"kind": "whatsapp_cloud", "name": "Casa Aurora", "credentials": {
            "phone_number_id": PHONE_ID, "waba_id": "104829375610293",
            "access_token": "EAAG-secret-token-abcd", "app_secret": APP_SECRET, "verify_token": "v-token-e2e"}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let channel = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let mut watcher = Client::signed_in(&one, &token).await;
    watcher.subscribed("tenant").await;

    // Act: Meta delivers to the second process.
    let body = fresh_text("Chegou no outro nó?");
    let sig = atende_channels::whatsapp_cloud::signature_header(APP_SECRET.as_bytes(), &body).unwrap();
    let res = client
        .post(format!("{two}/api/v1/webhooks/whatsapp/{channel}"))
        .header("content-type", "application/json")
        .header("x-hub-signature-256", sig)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    // Assert: the first process's socket gets it, via LISTEN/NOTIFY.
    let created = watcher.event("message.created").await;
    assert_eq!(created["topic"], "tenant");
    assert_eq!(created["event"]["data"]["direction"], "inbound");
    drop((first, second));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A child process killed when the test ends, however it ends.
struct Node(std::process::Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn wait_ready(base: &str) {
    let client = reqwest::Client::new();
    for _ in 0..1200 {
        if client
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == StatusCode::OK)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{base} never became ready");
}
