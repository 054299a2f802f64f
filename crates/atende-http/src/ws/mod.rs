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
//! # Limits
//! Each connection has a queue of [`WsConfig::queue_capacity`] frames; a client that falls
//! behind by a whole queue (or by the bus's capacity) is closed with 4429 `too_slow` and
//! reloads. The socket closes when the access token expires (4401 `token_expired`), when a
//! re-check every [`WsConfig::recheck_every`] finds the tenant suspended or the membership
//! deactivated (4403), and on shutdown (1001).
//!
//! # Layout
//! - [`protocol`]: the frames and close codes.
//! - [`outbox`]: the bounded per-connection queue and its writer task.
//! - `connection`: one socket's life.

mod connection;
pub mod outbox;
pub mod protocol;

use atende_core::Core;
use atende_core::bus::{EventKind, RecvError};
use atende_core::realtime::{Credential, PresenceRegistry, presence};
use axum::extract::ws::WebSocket;
use std::sync::Arc;
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
    /// Frames queued per connection before the client counts as too slow.
    pub queue_capacity: usize,
    /// Topics one connection may hold.
    pub max_subscriptions: usize,
    /// Largest frame a client may send, in bytes.
    pub max_frame_bytes: usize,
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
        }
    }
}

/// The live connections of this node: their settings, the presence registry and the switch
/// that closes them all on shutdown.
pub struct Hub {
    core: Core,
    config: WsConfig,
    presence: Arc<PresenceRegistry>,
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
        Self {
            core,
            config,
            presence: Arc::new(PresenceRegistry::new()),
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

    /// Serves one upgraded socket until it closes; `credential` when the upgrade request
    /// carried the token.
    pub async fn serve(self: Arc<Self>, socket: WebSocket, credential: Option<Credential>) {
        let _gauge = Gauge::open();
        connection::run(self, socket, credential).await;
    }

    /// The hub's background work until `stop`: other nodes' presence from the bus, this
    /// node's periodic presence announcements, and closing every socket on shutdown.
    pub async fn run(self: Arc<Self>, stop: CancellationToken) {
        let mut sub = self.core.bus.subscribe();
        let mut refresh = tokio::time::interval(presence::REFRESH);
        refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = stop.cancelled() => break,
                _ = refresh.tick() => {
                    self.presence.expire();
                    let mine = self.presence.announcements();
                    self.core.publish(mine).await;
                }
                e = sub.recv() => match e {
                    Ok(e) if e.kind == EventKind::Presence => self.presence.apply_remote(&e),
                    Ok(_) | Err(RecvError::Lagged(_) | RecvError::Interrupted) => {}
                    Err(RecvError::Closed) => break,
                },
            }
        }
        self.shutdown.cancel();
    }
}
