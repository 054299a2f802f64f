//! The event bus that feeds live screens (the WebSocket hub subscribes to it). Best effort by
//! design: durable reactions (outgoing webhooks, automations, notifications) are outbox/job rows
//! written in the same transaction as the change, never bus subscribers (DESIGN §5).
//!
//! - [`Event`]: a dotted name ([`EventKind`]), the tenant, the ids of what changed and a small
//!   JSON hint — never whole rows. [`Topic`]s (`tenant`, `conversation:{id}`, `presence`) and
//!   [`Event::is_for`] let the subscriber filter; the bus itself carries every tenant's events.
//! - [`EventBus`]: `publish_batch` once per committed batch (after the commit), `subscribe` for
//!   a bounded [`Subscription`]. A subscriber that falls more than the capacity behind gets
//!   [`RecvError::Lagged`] — the hub then closes the sockets that may have missed events — and
//!   memory never grows with a slow reader. `publish_to_others` is for what only the other
//!   nodes need (a node's presence announcements).
//! - [`InProcessBus`]: a `tokio::sync::broadcast` channel; all one node needs (SQLite).
//! - [`PgNotifyBus`]: the same locally, plus Postgres `LISTEN/NOTIFY` between nodes.
//! - [`for_database`]: picks one from the database backend.

mod event;
mod pg;

pub use event::{Event, EventKind, Topic, UnknownName};
pub use pg::{CHANNEL, PgNotifyBus};

use async_trait::async_trait;
use atende_db::{Backend, Db, DbError};
use std::sync::Arc;
use tokio::sync::broadcast;

/// Events a subscriber may fall behind before it is told it lagged.
pub const DEFAULT_CAPACITY: usize = 4096;

/// A transport failure. The events were still delivered to this node's subscribers.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("event bus transport: {0}")]
    Transport(#[from] DbError),
}

/// Publishes events and hands out subscriptions.
#[async_trait]
pub trait EventBus: Send + Sync {
    /// Publishes a committed batch, in order. Call it once per commit, after the commit, with
    /// every event of that commit. Returns once the batch is handed to the transport (for
    /// Postgres: the notification is queued by the server); it never waits for subscribers.
    ///
    /// # Errors
    /// The cross-node transport failed; local subscribers got the events anyway. Live screens
    /// are best effort: log it, never fail the request that made the change.
    async fn publish_batch(&self, events: Vec<Event>) -> Result<(), BusError>;

    /// Publishes a batch to the other nodes only: this node's subscribers do not get it. For
    /// what only other nodes need — a node's presence announcements (it knows its own users),
    /// which at every refresh name every user online on the node and, delivered locally too,
    /// would flood this node's subscribers past their capacity. The in-process bus has no
    /// other nodes: there it does nothing.
    ///
    /// # Errors
    /// As [`EventBus::publish_batch`].
    async fn publish_to_others(&self, events: Vec<Event>) -> Result<(), BusError>;

    /// A new subscriber: every event published from now on (every tenant's; filter with
    /// [`Event::is_for`]), through a queue bounded by the bus's capacity.
    fn subscribe(&self) -> Subscription;

    /// `in-process` or `postgres`, for logs and health.
    fn transport(&self) -> &'static str;

    /// A batch of one.
    ///
    /// # Errors
    /// As [`EventBus::publish_batch`].
    async fn publish(&self, event: Event) -> Result<(), BusError> {
        self.publish_batch(vec![event]).await
    }
}

/// Picks the bus for a database: Postgres → [`PgNotifyBus`] (listening with `url`, the URL `db`
/// was opened with), SQLite → [`InProcessBus`] (SQLite is one node).
///
/// # Errors
/// Postgres is unreachable for the listener connection.
pub async fn for_database(db: &Db, url: &str) -> Result<Arc<dyn EventBus>, BusError> {
    Ok(match db.backend() {
        Backend::Postgres => Arc::new(PgNotifyBus::connect(db.clone(), url, DEFAULT_CAPACITY).await?),
        Backend::Sqlite => Arc::new(InProcessBus::new(DEFAULT_CAPACITY)),
    })
}

/// What the broadcast channel carries: an event, shared by every subscriber, or the news that
/// the cross-node transport lost events.
#[derive(Clone, Debug)]
enum Signal {
    Event(Arc<Event>),
    Interrupted,
}

/// Why [`Subscription::recv`] gave no event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RecvError {
    /// The subscriber fell behind and this many events were dropped for it. The subscription
    /// continues with the oldest event still queued; a WebSocket connection is closed instead
    /// ("dropped: too slow") and the client reloads.
    #[error("subscriber lagged: {0} events dropped")]
    Lagged(u64),
    /// The link to the other nodes dropped and was re-established: events published elsewhere
    /// meanwhile are missing. The subscription continues; screens should refetch.
    #[error("bus interrupted: events from other nodes may be missing")]
    Interrupted,
    /// The bus is gone (shutdown).
    #[error("bus closed")]
    Closed,
}

/// One subscriber's bounded queue.
#[derive(Debug)]
pub struct Subscription {
    rx: broadcast::Receiver<Signal>,
}

impl Subscription {
    /// The next event, in publish order.
    ///
    /// # Errors
    /// See [`RecvError`]: only `Closed` ends the subscription.
    pub async fn recv(&mut self) -> Result<Arc<Event>, RecvError> {
        match self.rx.recv().await {
            Ok(signal) => unwrap(signal),
            Err(broadcast::error::RecvError::Lagged(n)) => Err(RecvError::Lagged(n)),
            Err(broadcast::error::RecvError::Closed) => Err(RecvError::Closed),
        }
    }

    /// The next event if one is queued, without waiting.
    ///
    /// # Errors
    /// As [`Subscription::recv`].
    pub fn try_recv(&mut self) -> Result<Option<Arc<Event>>, RecvError> {
        match self.rx.try_recv() {
            Ok(signal) => unwrap(signal).map(Some),
            Err(broadcast::error::TryRecvError::Empty) => Ok(None),
            Err(broadcast::error::TryRecvError::Lagged(n)) => Err(RecvError::Lagged(n)),
            Err(broadcast::error::TryRecvError::Closed) => Err(RecvError::Closed),
        }
    }
}

fn unwrap(signal: Signal) -> Result<Arc<Event>, RecvError> {
    match signal {
        Signal::Event(e) => Ok(e),
        Signal::Interrupted => Err(RecvError::Interrupted),
    }
}

/// The single-node bus.
#[derive(Clone, Debug)]
pub struct InProcessBus {
    tx: broadcast::Sender<Signal>,
}

impl InProcessBus {
    /// A bus whose subscribers may each fall `capacity` events behind.
    ///
    /// # Panics
    /// `capacity` is 0.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        Self {
            tx: broadcast::channel(capacity).0,
        }
    }

    fn deliver(&self, events: Vec<Event>) {
        for e in events {
            // Err only means nobody is subscribed right now.
            let _ = self.tx.send(Signal::Event(Arc::new(e)));
        }
    }

    fn interrupted(&self) {
        let _ = self.tx.send(Signal::Interrupted);
    }
}

#[async_trait]
impl EventBus for InProcessBus {
    async fn publish_batch(&self, events: Vec<Event>) -> Result<(), BusError> {
        self.deliver(events);
        Ok(())
    }

    async fn publish_to_others(&self, _events: Vec<Event>) -> Result<(), BusError> {
        Ok(())
    }

    fn subscribe(&self) -> Subscription {
        Subscription {
            rx: self.tx.subscribe(),
        }
    }

    fn transport(&self) -> &'static str {
        "in-process"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atende_domain::TenantId;
    use uuid::Uuid;

    fn events(tenant: TenantId, n: usize) -> Vec<Event> {
        (0..n)
            .map(|i| {
                Event::new(EventKind::MessageCreated, tenant)
                    .conversation(Uuid::now_v7())
                    .data(serde_json::json!({ "i": i }))
            })
            .collect()
    }

    #[tokio::test]
    async fn in_process_fans_out_to_every_subscriber_in_order() {
        let bus = InProcessBus::new(64);
        let mut subs: Vec<_> = (0..3).map(|_| bus.subscribe()).collect();
        let batch = events(TenantId::new(), 10);
        bus.publish_batch(batch.clone()).await.unwrap();
        for sub in &mut subs {
            for want in &batch {
                assert_eq!(&*sub.recv().await.unwrap(), want);
            }
            assert!(sub.try_recv().unwrap().is_none());
        }
        assert_eq!(bus.transport(), "in-process");
    }

    #[tokio::test]
    async fn a_slow_subscriber_lags_and_the_others_do_not() {
        let bus = InProcessBus::new(8);
        let mut fast = [bus.subscribe(), bus.subscribe()];
        let mut slow = bus.subscribe();
        let all = events(TenantId::new(), 20);
        for e in &all {
            bus.publish(e.clone()).await.unwrap();
            for f in &mut fast {
                assert_eq!(&*f.recv().await.unwrap(), e);
            }
        }
        // The slow one read nothing: the 12 oldest were dropped for it, not queued.
        assert_eq!(slow.recv().await.unwrap_err(), RecvError::Lagged(12));
        for want in &all[12..] {
            assert_eq!(&*slow.recv().await.unwrap(), want);
        }
        assert!(slow.try_recv().unwrap().is_none());
        for f in &mut fast {
            assert!(f.try_recv().unwrap().is_none());
        }
    }

    #[tokio::test]
    async fn in_process_publishing_to_others_reaches_no_subscriber() {
        let bus = InProcessBus::new(8);
        let mut sub = bus.subscribe();
        let tenant = TenantId::new();
        bus.publish_to_others(events(tenant, 3)).await.unwrap();
        let sentinel = events(tenant, 1);
        bus.publish_batch(sentinel.clone()).await.unwrap();
        assert_eq!(
            *sub.recv().await.unwrap(),
            sentinel[0],
            "nothing came before the sentinel"
        );
        assert!(sub.try_recv().unwrap().is_none());
    }

    #[tokio::test]
    async fn closing_the_bus_ends_subscriptions() {
        let bus = InProcessBus::new(4);
        let mut sub = bus.subscribe();
        bus.interrupted();
        assert_eq!(sub.recv().await.unwrap_err(), RecvError::Interrupted);
        drop(bus);
        assert_eq!(sub.recv().await.unwrap_err(), RecvError::Closed);
    }

    #[tokio::test]
    async fn sqlite_gets_the_in_process_bus() {
        let t = atende_db::testing::TestDb::sqlite().await;
        let bus = for_database(&t.db, &t.url).await.unwrap();
        assert_eq!(bus.transport(), "in-process");
        let mut sub = bus.subscribe();
        let e = Event::new(EventKind::Presence, TenantId::new()).user(atende_domain::UserId::new());
        bus.publish(e.clone()).await.unwrap();
        assert_eq!(*sub.recv().await.unwrap(), e);
    }
}
