//! Realtime at scale, CI-sized: 1,000 authenticated sockets on one test server. Every socket
//! subscribed to a topic of a delivered message receives its events, once per topic it holds
//! and never twice, and the sockets of another tenant receive none of them.
//!
//! Sockets are opened [`OPENING`] at a time, with 4 KiB client read buffers (the client
//! library's default is 128 KiB per socket, which would make this test's own memory the
//! largest cost). Each socket holds two file descriptors in this process, its client and
//! its server end: 2,000 of the 20,000 `ulimit -n` allows here and in CI. Nothing is timed;
//! every wait is bounded by [`WAIT`].

use crate::harness::{Engine, TenantFixture, TestApp};
use crate::whatsapp::{PHONE_ID, connect, deliver, fresh_text, mount_graph};
use atende_core::bus::{Event, EventKind};
use futures::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use uuid::Uuid;

/// Bound on any single wait (1,000 sockets on 2 shared cores, debug build).
const WAIT: Duration = Duration::from_secs(60);
/// Sockets being opened at once.
const OPENING: usize = 64;

/// Who opens how many sockets, and what each subscribes to.
const INBOX: usize = 500;
const CONVERSATION: usize = 200;
const BOTH: usize = 200;
const OTHER_TENANT: usize = 100;

type Stream = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// What one socket subscribes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Watch {
    Inbox,
    Conversation,
    Both,
    /// The other tenant's inbox.
    Foreign,
}

/// One authenticated, subscribed socket.
struct Socket {
    watch: Watch,
    ws: Stream,
}

impl Socket {
    /// Opens a socket, authenticates with the first frame and subscribes to `topics`, waiting
    /// for each answer.
    async fn open(base: &str, token: &str, watch: Watch, topics: &[String]) -> Self {
        let url = format!("{}/api/v1/ws", base.replacen("http://", "ws://", 1));
        let config = WebSocketConfig::default().read_buffer_size(4096);
        let (ws, _) = tokio::time::timeout(
            WAIT,
            tokio_tungstenite::connect_async_with_config(url, Some(config), true),
        )
        .await
        .expect("handshake within the wait")
        .expect("websocket handshake");
        let mut s = Self { watch, ws };
        s.send(json!({"type": "auth", "token": token})).await;
        let hello = s.json().await;
        assert_eq!(hello["type"], "authenticated", "{hello}");
        for topic in topics {
            s.send(json!({"type": "subscribe", "topic": topic})).await;
            let r = s.json().await;
            assert_eq!(r["type"], "subscribed", "{topic}: {r}");
        }
        s
    }

    async fn send(&mut self, v: Value) {
        self.ws.send(Message::text(v.to_string())).await.expect("frame sent");
    }

    /// The next JSON frame, bounded by [`WAIT`]; panics if the socket closes.
    async fn json(&mut self) -> Value {
        loop {
            let m = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("a frame within the wait");
            match m {
                Some(Ok(Message::Text(t))) => return serde_json::from_str(t.as_str()).expect("JSON frame"),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                other => panic!("socket ({:?}) ended where a frame was expected: {other:?}", self.watch),
            }
        }
    }

    /// The next `n` event frames.
    async fn events(mut self, n: usize) -> (Watch, Vec<Value>) {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let v = self.json().await;
            assert_eq!(v["type"], "event", "{v}");
            out.push(v);
        }
        (self.watch, out)
    }
}

/// A signed delivery, applied by the ingest job.
async fn ingest(app: &TestApp, channel: &str, body: &[u8]) {
    assert_eq!(deliver(app, channel, body).await, StatusCode::OK);
    assert!(app.run_pending_jobs().await >= 1);
}

/// The id of the tenant's only conversation.
async fn only_conversation(app: &TestApp, t: &TenantFixture) -> String {
    let (s, b) = app.get("/api/v1/conversations", &t.admin.access).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let items = b["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{b}");
    items[0]["id"].as_str().unwrap().to_owned()
}

/// The id of the newest message of a conversation.
async fn newest_message(app: &TestApp, t: &TenantFixture, conversation: &str) -> String {
    let (s, b) = app
        .get(
            &format!("/api/v1/conversations/{conversation}/messages"),
            &t.admin.access,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"][0]["id"].as_str().expect("a message").to_owned()
}

both_engines!(every_subscribed_socket_of_a_thousand_receives_the_event_of_a_delivered_message);

async fn every_subscribed_socket_of_a_thousand_receives_the_event_of_a_delivered_message(engine: Engine) {
    // Arrange: tenant A's customer has written once (the conversation exists); tenant B is
    // another workspace on the same server.
    let app = TestApp::spawn(engine).await;
    mount_graph(&app).await;
    let a = app.tenant("aurora").await;
    let channel = connect(&app, &a, PHONE_ID).await;
    let b = app.tenant("brisa").await;
    ingest(&app, &channel, &fresh_text("Olá")).await;
    let conversation = only_conversation(&app, &a).await;
    let on_conversation = format!("conversation:{conversation}");
    let plan = std::iter::repeat_n(Watch::Inbox, INBOX)
        .chain(std::iter::repeat_n(Watch::Conversation, CONVERSATION))
        .chain(std::iter::repeat_n(Watch::Both, BOTH))
        .chain(std::iter::repeat_n(Watch::Foreign, OTHER_TENANT));
    let sockets: Vec<Socket> = futures::stream::iter(plan)
        .map(|watch| {
            let (token, topics) = match watch {
                Watch::Inbox => (&a.admin.access, vec!["tenant".to_owned()]),
                Watch::Conversation => (&a.admin.access, vec![on_conversation.clone()]),
                Watch::Both => (&a.admin.access, vec!["tenant".to_owned(), on_conversation.clone()]),
                Watch::Foreign => (&b.admin.access, vec!["tenant".to_owned()]),
            };
            let base = app.base.clone();
            async move { Socket::open(&base, token, watch, &topics).await }
        })
        .buffer_unordered(OPENING)
        .collect()
        .await;
    assert_eq!(sockets.len(), INBOX + CONVERSATION + BOTH + OTHER_TENANT);

    // Act: the customer writes again; then a sentinel on tenant B's inbox. The bus keeps
    // order, so had A's events reached a B socket they would arrive before the sentinel.
    ingest(&app, &channel, &fresh_text("Meu pedido já saiu?")).await;
    let sentinel = Uuid::now_v7();
    app.core()
        .publish(vec![
            Event::new(EventKind::ConversationUpdated, atende_domain::TenantId(b.id)).conversation(sentinel),
        ])
        .await;

    // Assert: the delivery published `message.created` then `conversation.updated`. Each A
    // socket gets the first once per topic it holds, then the second likewise (so nothing
    // came twice); each B socket gets the sentinel first.
    let message = newest_message(&app, &a, &conversation).await;
    let received = futures::future::join_all(sockets.into_iter().map(|s| {
        let n = match s.watch {
            Watch::Foreign => 1,
            Watch::Both => 4,
            Watch::Inbox | Watch::Conversation => 2,
        };
        s.events(n)
    }))
    .await;
    let mut reached = 0;
    for (watch, events) in received {
        if watch == Watch::Foreign {
            assert_eq!(
                events[0]["event"]["conversation_id"],
                sentinel.to_string(),
                "{events:?}"
            );
            continue;
        }
        let expected: Vec<&str> = match watch {
            Watch::Inbox => vec!["tenant"],
            Watch::Conversation => vec![on_conversation.as_str()],
            Watch::Both => vec![on_conversation.as_str(), "tenant"],
            Watch::Foreign => unreachable!(),
        };
        let (created, updated) = events.split_at(expected.len());
        for e in created {
            assert_eq!(e["event"]["type"], "message.created", "{watch:?}: {events:?}");
            assert_eq!(e["event"]["message_id"], message, "{watch:?}: {e}");
            assert_eq!(e["event"]["tenant_id"], a.id.to_string());
        }
        for e in updated {
            assert_eq!(e["event"]["type"], "conversation.updated", "{watch:?}: {events:?}");
            assert_eq!(e["event"]["conversation_id"], conversation, "{watch:?}: {e}");
        }
        for part in [created, updated] {
            let mut topics: Vec<&str> = part.iter().map(|e| e["topic"].as_str().unwrap()).collect();
            topics.sort_unstable();
            assert_eq!(topics, expected, "{watch:?}: {events:?}");
        }
        reached += 1;
    }
    assert_eq!(reached, INBOX + CONVERSATION + BOTH);
}
