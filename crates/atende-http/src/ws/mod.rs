//! The WebSocket hub behind `/api/v1/ws`: one connection per browser tab, fed from the event
//! bus, every subscription authorized (DESIGN §5 "Realtime").
//!
//! # Protocol
//! JSON text frames tagged by `type` ([`protocol`]).
//! 1. **Authenticate, never in the URL.** Either the first frame is
//!    `{"type":"auth","token":"<access token or API key>"}` within [`WsConfig::auth_timeout`],
//!    or the upgrade request offers `Sec-WebSocket-Protocol: bearer, <token>` (what a browser
//!    can send; the server answers with the `bearer` subprotocol, or 401 before upgrading).
//!    The server answers `{"type":"authenticated",...}`; a bad token gets an `error` frame and
//!    close 4401.
//! 2. **Subscribe** with `{"type":"subscribe","topic":"tenant"|"conversation:<id>"|"presence"}`
//!    (`unsubscribe` likewise) → `subscribed` or an `error` frame (`forbidden`, `not_found` —
//!    also for another tenant's id). Events come as `{"type":"event","topic","event"}`, one
//!    frame per subscribed topic the event is on.
//! 3. **Typing**: `{"type":"typing","conversation_id","on"}` → a `typing` event on that
//!    conversation's topic. **Presence**: `{"type":"presence","state":"away"|"online"}`.
//! 4. **Heartbeat**: any frame counts; send `{"type":"ping"}` (→ `pong`) at least every 30 s.
//!    After [`WsConfig::heartbeat_timeout`] of silence the socket closes (4408).
//!
//! # Fan-out
//! One task per node reads the bus ([`Hub::run`]) and hands each event only to the
//! connections subscribed to one of its topics in its tenant ([`router`]); a connection then
//! applies the caller's visibility (`Watcher::sees`) and writes one frame per matching topic.
//! Idle sockets never wake for other people's events, so a node holds many thousands of them.
//!
//! # Limits
//! Each connection has a mailbox of [`WsConfig::queue_capacity`] routed events and a queue of
//! as many frames; a client that falls behind by either is closed with 4429 `too_slow` and
//! reloads. If the node itself falls behind its bus, or loses other nodes' events, subscribed
//! sockets close with 1012 `events_interrupted`. The socket closes when the access token
//! expires (4401 `token_expired`), when a re-check every [`WsConfig::recheck_every`] finds the
//! tenant suspended or the membership deactivated (4403), and on shutdown (1001).
//!
//! # Memory
//! An idle socket costs about 12 KB, not the ~140 KB it did (`bench/realtime`): the read buffer is
//! [`WsConfig::read_buffer_bytes`] (tungstenite's default is 128 KiB, allocated and zeroed per
//! socket) and grows only for a larger frame; the write buffer fills only while a burst is
//! written; a connection's authentication and handlers are boxed, so an idle socket's task
//! holds only its `select!`.
//!
//! # Layout
//! - [`protocol`]: the frames and close codes.
//! - [`router`]: the index of subscriptions and the per-connection mailboxes.
//! - [`outbox`]: the bounded per-connection queue and its writer task.
//! - `connection`: one socket's life.

mod connection;
pub mod outbox;
pub mod protocol;
pub mod router;

use atende_core::Core;
use atende_core::bus::{Event, EventKind, RecvError, Subscription};
use atende_core::realtime::{Credential, PresenceRegistry, presence};
use axum::extract::ws::WebSocket;
use protocol::Close;
use router::Router;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Tunables of the hub.
#[derive(Clone, Debug)]
pub struct WsConfig {
    /// How long a new socket may take to send its `auth` frame.
    pub auth_timeout: Duration,
    /// Silence after which a socket is closed.
    pub heartbeat_timeout: Duration,
    /// How often a socket re-checks the tenant and the membership.
    pub recheck_every: Duration,
    /// Events waiting in a connection's mailbox, and frames in its queue, before the client
    /// counts as too slow.
    pub queue_capacity: usize,
    /// Topics one connection may hold.
    pub max_subscriptions: usize,
    /// Largest frame a client may send, in bytes.
    pub max_frame_bytes: usize,
    /// The WebSocket's read buffer per socket, allocated up front; a larger frame (up to
    /// `max_frame_bytes`) grows it.
    pub read_buffer_bytes: usize,
    /// Bytes of frames gathered before they are written to the socket (a burst is flushed at
    /// its end anyway).
    pub write_buffer_bytes: usize,
}

impl Default for WsConfig {
    fn default() -> Self {
        Self {
            auth_timeout: Duration::from_secs(10),
            heartbeat_timeout: Duration::from_secs(60),
            recheck_every: Duration::from_secs(60),
            queue_capacity: 256,
            max_subscriptions: 64,
            max_frame_bytes: 16 * 1024,
            // Client frames are small (`auth` with its token is the largest, < 2 KiB).
            read_buffer_bytes: 2 * 1024,
            write_buffer_bytes: 8 * 1024,
        }
    }
}

/// The live connections of this node: their settings, the router that feeds them, the
/// presence registry and the switch that closes them all on shutdown.
pub struct Hub {
    core: Core,
    config: WsConfig,
    presence: Arc<PresenceRegistry>,
    router: Arc<Router>,
    /// The bus, subscribed when the hub is made (so nothing published after that is missed)
    /// and read by [`Hub::run`].
    bus: Mutex<Option<Subscription>>,
    shutdown: CancellationToken,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Counts open sockets in `atende_ws_connections` while alive.
struct Gauge;

impl Gauge {
    fn open() -> Self {
        metrics::gauge!("atende_ws_connections").increment(1.0);
        Self
    }
}

impl Drop for Gauge {
    fn drop(&mut self) {
        metrics::gauge!("atende_ws_connections").decrement(1.0);
    }
}

impl Hub {
    #[must_use]
    pub fn new(core: Core, config: WsConfig) -> Self {
        let router = Arc::new(Router::new(config.queue_capacity));
        // Presence changes are routed as they happen, under the registry's lock: a screen that
        // subscribed after a change never hears of it, and its snapshot already shows it.
        let to_screens = Arc::clone(&router);
        let presence = Arc::new(PresenceRegistry::with_listener(move |e| {
            to_screens.dispatch(Arc::new(e));
        }));
        Self {
            bus: Mutex::new(Some(core.bus.subscribe())),
            router,
            core,
            config,
            presence,
            shutdown: CancellationToken::new(),
        }
    }

    #[must_use]
    pub fn config(&self) -> &WsConfig {
        &self.config
    }

    #[must_use]
    pub fn presence(&self) -> &PresenceRegistry {
        &self.presence
    }

    /// Tells the other nodes about this node's users (presence announcements). Not delivered
    /// here: this node's screens learn presence from the registry.
    async fn announce(&self, events: Vec<Event>) {
        if events.is_empty() {
            return;
        }
        if let Err(e) = self.core.bus.publish_to_others(events).await {
            tracing::warn!(error = %e, "presence announcement failed");
        }
    }

    /// Serves one upgraded socket until it closes; `credential` when the upgrade request
    /// carried the token.
    pub async fn serve(self: Arc<Self>, socket: WebSocket, credential: Option<Credential>) {
        let _gauge = Gauge::open();
        connection::run(self, socket, credential).await;
    }

    /// The hub's background work until `stop`: routing bus events to the connections
    /// subscribed to them, taking in other nodes' presence, this node's periodic presence
    /// announcements, and closing every socket on shutdown. Run it once per hub: without it no
    /// socket receives events.
    pub async fn run(self: Arc<Self>, stop: CancellationToken) {
        let bus = self
            .bus
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        let Some(mut bus) = bus else {
            tracing::error!("the websocket hub is already running");
            return;
        };
        let mut refresh = tokio::time::interval(presence::REFRESH);
        refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = stop.cancelled() => break,
                _ = refresh.tick() => {
                    self.presence.expire();
                    let mine = self.presence.announcements();
                    self.announce(mine).await;
                }
                e = bus.recv() => match e {
                    // Nodes' announcements: merged by the registry, which reports changes.
                    Ok(e) if e.kind == EventKind::Presence => self.presence.apply_remote(&e),
                    Ok(e) => {
                        self.router.dispatch(e);
                    }
                    Err(RecvError::Lagged(n)) => {
                        tracing::warn!(missed = n, "websocket router fell behind the bus; subscribed sockets reconnect");
                        self.router.interrupt(Close::EVENTS_INTERRUPTED);
                    }
                    Err(RecvError::Interrupted) => self.router.interrupt(Close::EVENTS_INTERRUPTED),
                    Err(RecvError::Closed) => {
                        self.router.interrupt(Close::BUS_CLOSED);
                        break;
                    }
                },
            }
        }
        self.shutdown.cancel();
    }
}
