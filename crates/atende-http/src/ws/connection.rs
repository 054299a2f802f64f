//! One socket's life: authenticate, then handle client frames and the events the router
//! hands it until something closes it.

use super::Hub;
use super::outbox::{self, Outbox, Refused};
use super::protocol::{ClientFrame, Close, PresenceEntry, ServerFrame};
use super::router::{Mail, Routed, Subscriber};
use atende_core::CoreError;
use atende_core::bus::{EventKind, Topic};
use atende_core::realtime::{self, ConnectionId, Credential, PresenceState, Sight, Watcher};
use axum::extract::ws::{Message, WebSocket};
use chrono::Utc;
use futures::StreamExt;
use futures::stream::SplitStream;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// How long the writer gets to flush the close frame before the socket is dropped.
const WRITER_GRACE: Duration = Duration::from_secs(5);

pub(super) async fn run(hub: Arc<Hub>, socket: WebSocket, credential: Option<Credential>) {
    let (sink, mut stream) = socket.split();
    let (mut outbox, writer) = outbox::bounded(hub.config.queue_capacity);
    let mut writing = tokio::spawn(writer.run(sink));
    // Boxed, like the handlers in `serve`: a task's allocation is its future's largest state,
    // and these states (database calls) would otherwise stay reserved in every idle socket.
    let why = match Box::pin(authenticated(&hub, &mut stream, &outbox, credential)).await {
        Ok(mut conn) => {
            let why = conn.serve(&mut stream).await;
            conn.leave().await;
            why
        }
        Err(why) => why,
    };
    if let Some(why) = why {
        tracing::debug!(code = why.code, reason = why.reason, "closing websocket");
        outbox.close(why);
    }
    drop(outbox);
    if tokio::time::timeout(WRITER_GRACE, &mut writing).await.is_err() {
        writing.abort();
    }
}

/// Waits for the credential (unless the upgrade carried it) and opens the connection.
async fn authenticated<'h>(
    hub: &'h Arc<Hub>,
    stream: &mut SplitStream<WebSocket>,
    outbox: &'h Outbox,
    credential: Option<Credential>,
) -> Result<Connection<'h>, Option<Close>> {
    let credential = match credential {
        Some(c) => c,
        None => {
            let first = tokio::time::timeout(hub.config.auth_timeout, next_text(stream)).await;
            let Ok(Some(text)) = first else {
                // Timed out (or the client left: then the close goes nowhere).
                return Err(Some(Close::AUTH_REQUIRED));
            };
            let Ok(ClientFrame::Auth { token }) = serde_json::from_str::<ClientFrame>(&text) else {
                let _ = outbox.push(
                    ServerFrame::error(
                        "auth_required",
                        "the first frame must be {\"type\":\"auth\",\"token\":…}",
                    )
                    .text(),
                );
                return Err(Some(Close::AUTH_REQUIRED));
            };
            match realtime::authenticate(&hub.core, &token).await {
                Ok(c) => c,
                Err(e) => {
                    let _ = outbox.push(ServerFrame::error(e.code(), e.to_string()).text());
                    return Err(Some(if e.code() == "token_expired" {
                        Close::TOKEN_EXPIRED
                    } else {
                        Close::INVALID_TOKEN
                    }));
                }
            }
        }
    };
    let expires_at = credential.expires_at;
    let watcher = match Watcher::new(&hub.core, credential).await {
        Ok(w) => w,
        Err(e) => {
            let _ = outbox.push(ServerFrame::error(e.code(), e.to_string()).text());
            return Err(Some(close_for(&e)));
        }
    };
    let ctx = watcher.ctx();
    let hello = ServerFrame::Authenticated {
        tenant_id: ctx.tenant_id.uuid(),
        user_id: ctx.user_id().map(atende_domain::UserId::uuid),
        role: ctx.role.as_str(),
        expires_at,
        heartbeat_secs: hub.config.heartbeat_timeout.as_secs() / 2,
    };
    let _ = outbox.push(hello.text());
    let presence_conn = match watcher.user_id() {
        Some(user) => {
            let (conn, announce) = hub.presence.connect(watcher.ctx().tenant_id, user);
            hub.announce(announce.into_iter().collect()).await;
            Some(conn)
        }
        None => None,
    };
    let expires_at = expires_at.map(|at| {
        let left = (at - Utc::now()).to_std().unwrap_or(Duration::ZERO);
        Instant::now() + left
    });
    // No topics yet, so nothing is routed here until the first `subscribe`.
    let topics = hub.router.subscriber(watcher.ctx().tenant_id);
    Ok(Connection {
        hub,
        outbox,
        watcher,
        topics,
        presence_conn,
        expires_at,
        last_typing: None,
    })
}

/// The close for a refused credential or membership.
fn close_for(e: &CoreError) -> Close {
    match e {
        CoreError::Unauthorized(code, _) if *code == "token_expired" => Close::TOKEN_EXPIRED,
        CoreError::Unauthorized(..) => Close::INVALID_TOKEN,
        CoreError::Forbidden(code, _) => Close::forbidden(code),
        _ => Close::new(1011, "internal_error"),
    }
}

/// The next text frame; `None` when the client closed or broke the socket.
async fn next_text(stream: &mut SplitStream<WebSocket>) -> Option<String> {
    loop {
        match stream.next().await? {
            Ok(Message::Text(t)) => return Some(t.as_str().to_owned()),
            Ok(Message::Binary(_)) => return Some(String::new()),
            Ok(Message::Ping(_) | Message::Pong(_)) => {}
            Ok(Message::Close(_)) | Err(_) => return None,
        }
    }
}

struct Connection<'h> {
    hub: &'h Arc<Hub>,
    outbox: &'h Outbox,
    watcher: Watcher,
    /// The subscribed topics, mirrored in the router, and the mailbox it fills.
    topics: Subscriber,
    presence_conn: Option<ConnectionId>,
    expires_at: Option<Instant>,
    /// The last typing event published, to drop repeats of it.
    last_typing: Option<(uuid::Uuid, bool, Instant)>,
}

/// A number in `[0, 1)` for each `n`, evenly spread over consecutive `n` (the golden ratio's
/// fractional multiples).
fn spread(n: u64) -> f64 {
    const PHI_FRACTION: f64 = 0.618_033_988_749_895;
    // Exact for any realistic number of connections (below 2^53).
    (n as f64 * PHI_FRACTION).fract()
}

/// What a step of the loop decided.
type Step = Result<(), Option<Close>>;

impl Connection<'_> {
    /// Runs until the socket must close; returns the close to send (`None`: the client left).
    async fn serve(&mut self, stream: &mut SplitStream<WebSocket>) -> Option<Close> {
        let cfg = self.hub.config.clone();
        let mut last_heard = Instant::now();
        // The first re-check comes after a half to a whole period, spread over connections, so
        // sockets that connected together (a node's restart) do not re-check together forever.
        let first = cfg.recheck_every.mul_f64(0.5 + 0.5 * spread(self.topics.id()));
        let mut recheck = tokio::time::interval_at(Instant::now() + first, cfg.recheck_every);
        recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let shutdown = self.hub.shutdown.clone();
        loop {
            let expiry = async {
                match self.expires_at {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            let step: Step = tokio::select! {
                () = shutdown.cancelled() => Err(Some(Close::GOING_AWAY)),
                () = expiry => Err(Some(Close::TOKEN_EXPIRED)),
                () = tokio::time::sleep_until(last_heard + cfg.heartbeat_timeout) => Err(Some(Close::HEARTBEAT_TIMEOUT)),
                _ = recheck.tick() => Box::pin(self.recheck()).await,
                m = stream.next() => match m {
                    Some(Ok(m)) => {
                        last_heard = Instant::now();
                        Box::pin(self.on_message(m)).await
                    }
                    Some(Err(_)) | None => Err(None),
                },
                mail = self.topics.recv() => match mail {
                    Mail::Event(r) if r.event.kind == EventKind::Presence => self.on_presence(&r),
                    Mail::Event(r) => Box::pin(self.on_event(&r)).await,
                    // Too slow (a whole mailbox behind: dropped rather than buffered), or events
                    // may be missing (the screen refetches on reconnect).
                    Mail::Close(why) => Err(Some(why)),
                },
            };
            if let Err(why) = step {
                return why;
            }
        }
    }

    /// Announces the departure to presence.
    async fn leave(&mut self) {
        if let Some(conn) = self.presence_conn.take() {
            let announce = self.hub.presence.disconnect(conn);
            self.hub.announce(announce.into_iter().collect()).await;
        }
    }

    fn send(&self, frame: &ServerFrame<'_>) -> Step {
        self.push(frame.text())
    }

    fn push(&self, frame: impl Into<axum::extract::ws::Utf8Bytes>) -> Step {
        match self.outbox.push(frame) {
            Ok(()) => Ok(()),
            Err(Refused::Full) => Err(Some(Close::TOO_SLOW)),
            Err(Refused::Gone) => Err(None),
        }
    }

    fn refuse(&self, e: &CoreError, topic: Option<String>) -> Step {
        self.send(&ServerFrame::Error {
            code: e.code(),
            message: match e {
                CoreError::NotFound => "not found".into(),
                CoreError::Internal(_) => "something went wrong on our side".into(),
                other => other.to_string(),
            },
            topic,
        })
    }

    async fn on_message(&mut self, m: Message) -> Step {
        let text = match m {
            Message::Text(t) => t,
            Message::Binary(_) => {
                return self.send(&ServerFrame::error("invalid_frame", "send JSON text frames"));
            }
            Message::Ping(_) | Message::Pong(_) => return Ok(()),
            Message::Close(_) => return Err(None),
        };
        let frame = match serde_json::from_str::<ClientFrame>(text.as_str()) {
            Ok(f) => f,
            Err(e) => return self.send(&ServerFrame::error("invalid_frame", format!("unreadable frame: {e}"))),
        };
        match frame {
            ClientFrame::Ping => self.send(&ServerFrame::Pong),
            ClientFrame::Auth { .. } => self.send(&ServerFrame::error(
                "already_authenticated",
                "this socket is authenticated",
            )),
            ClientFrame::Subscribe { topic } => self.subscribe(&topic).await,
            ClientFrame::Unsubscribe { topic } => {
                if let Ok(t) = topic.parse::<Topic>() {
                    self.topics.remove(&t);
                }
                self.send(&ServerFrame::Unsubscribed { topic, reason: None })
            }
            ClientFrame::Typing { conversation_id, on } => self.typing(conversation_id, on).await,
            ClientFrame::Presence { state } => {
                let (Some(conn), PresenceState::Online | PresenceState::Away) = (self.presence_conn, state) else {
                    return self.send(&ServerFrame::error(
                        "invalid_presence",
                        "a signed-in user may say `online` or `away`",
                    ));
                };
                let announce = self.hub.presence.set(conn, state);
                self.hub.announce(announce.into_iter().collect()).await;
                Ok(())
            }
        }
    }

    async fn subscribe(&mut self, name: &str) -> Step {
        let Ok(topic) = name.parse::<Topic>() else {
            return self.send(&ServerFrame::Error {
                code: "unknown_topic",
                message: "topics: `tenant`, `conversation:<id>`, `presence`".into(),
                topic: Some(name.to_owned()),
            });
        };
        if !self.topics.contains(&topic) && self.topics.len() >= self.hub.config.max_subscriptions {
            return self.send(&ServerFrame::Error {
                code: "too_many_subscriptions",
                message: format!("at most {} topics per connection", self.hub.config.max_subscriptions),
                topic: Some(name.to_owned()),
            });
        }
        if let Err(e) = self.watcher.authorize(&topic).await {
            return self.refuse(&e, Some(topic.to_string()));
        }
        // Routed here first, then the snapshot: a presence change in between may come twice,
        // never not at all (the registry routes each change under its lock).
        self.topics.insert(topic);
        let online = (topic == Topic::Presence).then(|| {
            self.hub
                .presence
                .of_tenant(self.watcher.ctx().tenant_id)
                .into_iter()
                .map(|(user, state)| PresenceEntry {
                    user_id: user.uuid(),
                    state,
                })
                .collect()
        });
        self.send(&ServerFrame::Subscribed {
            topic: topic.to_string(),
            online,
        })
    }

    async fn typing(&mut self, conversation_id: uuid::Uuid, on: bool) -> Step {
        // A client repeating the same state (one frame per keystroke) is published once a second.
        let now = Instant::now();
        if let Some((c, o, at)) = self.last_typing
            && c == conversation_id
            && o == on
            && now.duration_since(at) < Duration::from_secs(1)
        {
            return Ok(());
        }
        match self.watcher.typing(conversation_id, on).await {
            Ok(()) => {
                self.last_typing = Some((conversation_id, on, now));
                Ok(())
            }
            Err(e) => self.refuse(&e, Some(Topic::Conversation(conversation_id).to_string())),
        }
    }

    /// An event the router found on one of this connection's topics. The router only skips
    /// connections without a matching topic; every rule of what this caller may see is
    /// applied here.
    async fn on_event(&mut self, r: &Routed) -> Step {
        let e = &*r.event;
        // Presence reaches screens through the registry (merged over nodes), not raw.
        if e.kind == EventKind::Presence || e.tenant_id != self.watcher.ctx().tenant_id {
            return Ok(());
        }
        // Unsubscribed while the event waited in the mailbox: not shown.
        let topics: Vec<Topic> = r.topics().iter().copied().filter(|t| self.topics.contains(t)).collect();
        if topics.is_empty() {
            return Ok(());
        }
        // Nobody needs to see their own typing echoed back.
        if e.kind == EventKind::Typing && e.user_id.is_some() && e.user_id == self.watcher.user_id() {
            return Ok(());
        }
        let sight = self.watcher.sees(e).await;
        if sight == Sight::Hidden {
            // A conversation this caller watched is out of their sight now: end that topic.
            if let Some(t) = topics.iter().find(|t| matches!(t, Topic::Conversation(_))) {
                return self.end_topic(*t);
            }
            return Ok(());
        }
        for t in &topics {
            self.push(r.frame(t))?;
        }
        if sight == Sight::Leaving
            && let Some(t) = topics.iter().find(|t| matches!(t, Topic::Conversation(_)))
        {
            return self.end_topic(*t);
        }
        Ok(())
    }

    /// The server ends a conversation subscription the caller can no longer see.
    fn end_topic(&mut self, t: Topic) -> Step {
        self.topics.remove(&t);
        self.send(&ServerFrame::Unsubscribed {
            topic: t.to_string(),
            reason: Some("not_found"),
        })
    }

    /// A change of what a member of this tenant looks like (from the presence registry).
    fn on_presence(&self, r: &Routed) -> Step {
        if r.event.tenant_id != self.watcher.ctx().tenant_id || !self.topics.contains(&Topic::Presence) {
            return Ok(());
        }
        self.push(r.frame(&Topic::Presence))
    }

    /// Re-reads the tenant, membership and role; ends subscriptions the caller lost.
    async fn recheck(&mut self) -> Step {
        match self.watcher.refresh().await {
            Ok(()) => {}
            Err(e @ (CoreError::Forbidden(..) | CoreError::Unauthorized(..))) => {
                let _ = self.refuse(&e, None);
                return Err(Some(close_for(&e)));
            }
            Err(e) => {
                tracing::warn!(error = %e, "websocket re-check failed; trying again later");
                return Ok(());
            }
        }
        for t in self.topics.topics() {
            if let Err(e @ (CoreError::NotFound | CoreError::Forbidden(..))) = self.watcher.authorize(&t).await {
                self.topics.remove(&t);
                self.send(&ServerFrame::Unsubscribed {
                    topic: t.to_string(),
                    reason: Some(e.code()),
                })?;
            }
        }
        Ok(())
    }
}
