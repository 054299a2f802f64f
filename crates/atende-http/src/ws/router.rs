//! The node's one reader of the event bus: it hands each event to the connections subscribed to
//! one of its topics in its tenant, so a socket wakes only for events it may show.
//!
//! **Why.** With a bus subscription per socket, every socket's task woke for every event of
//! every tenant and threw nearly all of them away: at 10,000 sockets and 2,000 deliveries/s that
//! is tens of millions of wake-ups per second for a few thousand frames. Here one task per node
//! ([`super::Hub::run`]) reads the bus and looks each event up in an index
//! `(tenant, topic) → connections`, which each connection keeps current as it subscribes and
//! unsubscribes (through its [`Subscriber`]). Idle sockets, and sockets of other tenants or of
//! other conversations, are never touched.
//!
//! **What stays with the connection.** The index only answers the question the connection used
//! to ask first of every event: "is this event on one of my topics, in my tenant?". Everything
//! after that — the agent's visibility (`Watcher::sees`, with its Hidden/Leaving outcomes),
//! the typing echo rule, one frame per matching topic — still runs on the connection, for every
//! event routed to it, exactly as before.
//!
//! **Order and bounds.** The router reads events in bus order and pushes them, without waiting,
//! into each interested connection's mailbox (bounded by `WsConfig::queue_capacity`), so every
//! connection sees its events in bus order, each once even when several of its topics match.
//! A connection whose mailbox is full is not keeping up: it is told to close (4429
//! `too_slow`) and nothing more is queued for it. When the router itself fell behind the bus
//! (the node is overloaded) or the bus lost other nodes' events, any subscribed connection may
//! have missed some: each is closed with 1012 `events_interrupted`, and its screen reconnects
//! and refetches.
//!
//! **Frames are built once.** An event routed to many connections carries a cache of its
//! `event` frame per topic ([`Routed::frame`]): the first connection to send it serializes it,
//! the others share the bytes.

use super::protocol::{Close, ServerFrame};
use atende_core::bus::{Event, Topic};
use atende_domain::TenantId;
use axum::extract::ws::Utf8Bytes;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// An event on its way to connections, with its frames built on first use.
#[derive(Debug)]
pub struct Routed {
    pub event: Arc<Event>,
    /// `event.topics()`, computed once.
    topics: Vec<Topic>,
    /// The frame of each of `topics`, by position.
    frames: Vec<OnceLock<Utf8Bytes>>,
}

impl Routed {
    #[must_use]
    pub fn new(event: Arc<Event>) -> Self {
        let topics = event.topics();
        let frames = topics.iter().map(|_| OnceLock::new()).collect();
        Self { event, topics, frames }
    }

    /// The topics the event is on.
    #[must_use]
    pub fn topics(&self) -> &[Topic] {
        &self.topics
    }

    /// The `{"type":"event","topic":…,"event":…}` frame of `topic`, serialized once per event
    /// and topic however many connections send it.
    #[must_use]
    pub fn frame(&self, topic: &Topic) -> Utf8Bytes {
        let build = || {
            Utf8Bytes::from(
                ServerFrame::Event {
                    topic: topic.to_string(),
                    event: &self.event,
                }
                .text(),
            )
        };
        match self.topics.iter().position(|t| t == topic) {
            Some(at) => self.frames[at].get_or_init(build).clone(),
            None => build(),
        }
    }
}

/// What a connection's mailbox carries.
#[derive(Debug)]
pub enum Mail {
    /// An event on at least one of the connection's topics.
    Event(Arc<Routed>),
    /// Close with this: events may be missing.
    Close(Close),
}

/// The router's end of a connection's mailbox.
#[derive(Clone, Debug)]
struct Mailbox {
    tx: mpsc::Sender<Mail>,
    /// Cancelled when the mailbox overflowed: the connection closes as too slow.
    overflow: CancellationToken,
}

impl Mailbox {
    fn offer(&self, mail: Mail) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.tx.try_send(mail) {
            self.overflow.cancel();
        }
    }
}

/// Who is subscribed to what on this node.
#[derive(Debug)]
pub struct Router {
    index: Mutex<HashMap<(TenantId, Topic), HashMap<u64, Mailbox>>>,
    next: AtomicU64,
    capacity: usize,
}

impl Router {
    /// A router whose connections may each fall `capacity` events behind.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        Self {
            index: Mutex::new(HashMap::new()),
            next: AtomicU64::new(0),
            capacity: capacity.max(1),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<(TenantId, Topic), HashMap<u64, Mailbox>>> {
        // Every critical section leaves the index whole (single inserts and removes).
        self.index.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A connection of `tenant` with no topics yet.
    #[must_use]
    pub fn subscriber(self: &Arc<Self>, tenant: TenantId) -> Subscriber {
        let (tx, rx) = mpsc::channel(self.capacity);
        Subscriber {
            router: Arc::clone(self),
            key: self.next.fetch_add(1, Ordering::Relaxed),
            tenant,
            mailbox: Mailbox {
                tx,
                overflow: CancellationToken::new(),
            },
            rx,
            topics: HashSet::new(),
        }
    }

    /// Hands `event` to every connection subscribed to one of its topics in its tenant, once
    /// per connection, without waiting. Returns how many connections it reached.
    pub fn dispatch(&self, event: Arc<Event>) -> usize {
        let tenant = event.tenant_id;
        let mut routed: Option<Arc<Routed>> = None;
        let mut reached = 0;
        let index = self.lock();
        let topics = event.topics();
        for (i, topic) in topics.iter().enumerate() {
            let Some(subscribers) = index.get(&(tenant, *topic)) else {
                continue;
            };
            for (key, mailbox) in subscribers {
                // A connection on two of the event's topics gets it once, by the first.
                let earlier = topics[..i]
                    .iter()
                    .any(|t| index.get(&(tenant, *t)).is_some_and(|s| s.contains_key(key)));
                if earlier {
                    continue;
                }
                let r = routed.get_or_insert_with(|| Arc::new(Routed::new(Arc::clone(&event))));
                mailbox.offer(Mail::Event(Arc::clone(r)));
                reached += 1;
            }
        }
        reached
    }

    /// Tells every connection with a subscription to close with `why` (events were lost).
    pub fn interrupt(&self, why: Close) {
        let index = self.lock();
        let mut told = HashSet::new();
        for subscribers in index.values() {
            for (key, mailbox) in subscribers {
                if told.insert(*key) {
                    mailbox.offer(Mail::Close(why));
                }
            }
        }
    }

    /// Connections with at least one subscription on this node.
    #[must_use]
    pub fn subscribed_connections(&self) -> usize {
        let index = self.lock();
        index.values().flat_map(HashMap::keys).collect::<HashSet<_>>().len()
    }
}

/// One connection's subscriptions and its mailbox. The topics it holds are in the router's
/// index exactly while they are in this set; dropping it removes them all.
#[derive(Debug)]
pub struct Subscriber {
    router: Arc<Router>,
    key: u64,
    tenant: TenantId,
    mailbox: Mailbox,
    rx: mpsc::Receiver<Mail>,
    topics: HashSet<Topic>,
}

impl Subscriber {
    /// This connection's number on the node, unique while the node runs.
    #[must_use]
    pub fn id(&self) -> u64 {
        self.key
    }

    /// Starts routing `topic`'s events here; `false` if it already was.
    pub fn insert(&mut self, topic: Topic) -> bool {
        if !self.topics.insert(topic) {
            return false;
        }
        self.router
            .lock()
            .entry((self.tenant, topic))
            .or_default()
            .insert(self.key, self.mailbox.clone());
        true
    }

    /// Stops routing `topic`'s events here; `false` if it was not subscribed. Events already
    /// in the mailbox stay there: check [`Subscriber::contains`] before showing one.
    pub fn remove(&mut self, topic: &Topic) -> bool {
        if !self.topics.remove(topic) {
            return false;
        }
        let mut index = self.router.lock();
        let key = (self.tenant, *topic);
        if let Some(subscribers) = index.get_mut(&key) {
            subscribers.remove(&self.key);
            if subscribers.is_empty() {
                index.remove(&key);
            }
        }
        true
    }

    #[must_use]
    pub fn contains(&self, topic: &Topic) -> bool {
        self.topics.contains(topic)
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.topics.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.topics.is_empty()
    }

    /// The topics held, in no particular order.
    #[must_use]
    pub fn topics(&self) -> Vec<Topic> {
        self.topics.iter().copied().collect()
    }

    /// The next mail, in routing order; a close with 4429 `too_slow` as soon as the mailbox
    /// overflowed (the connection fell a whole mailbox behind), ahead of what is queued.
    /// Cancel-safe.
    pub async fn recv(&mut self) -> Mail {
        tokio::select! {
            biased;
            () = self.mailbox.overflow.cancelled() => Mail::Close(Close::TOO_SLOW),
            m = self.rx.recv() => match m {
                Some(m) => m,
                // This side holds a sender too: the channel never closes while `self` lives.
                None => std::future::pending().await,
            },
        }
    }
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        if self.topics.is_empty() {
            return;
        }
        let mut index = self.router.lock();
        for topic in self.topics.drain() {
            let key = (self.tenant, topic);
            if let Some(subscribers) = index.get_mut(&key) {
                subscribers.remove(&self.key);
                if subscribers.is_empty() {
                    index.remove(&key);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atende_core::bus::EventKind;
    use uuid::Uuid;

    fn message(tenant: TenantId, conversation: Uuid) -> Arc<Event> {
        Arc::new(Event::new(EventKind::MessageCreated, tenant).conversation(conversation))
    }

    /// Every mail waiting in the mailbox, without waiting for more.
    fn drain(s: &mut Subscriber) -> Vec<Mail> {
        std::iter::from_fn(|| s.rx.try_recv().ok()).collect()
    }

    fn events(mail: &[Mail]) -> Vec<Arc<Event>> {
        mail.iter()
            .map(|m| match m {
                Mail::Event(r) => Arc::clone(&r.event),
                Mail::Close(c) => panic!("unexpected close {c:?}"),
            })
            .collect()
    }

    #[test]
    fn an_event_reaches_only_the_subscribers_of_its_topics_in_its_tenant() {
        let router = Arc::new(Router::new(16));
        let (t, other) = (TenantId::new(), TenantId::new());
        let (c, d) = (Uuid::now_v7(), Uuid::now_v7());
        let mut inbox = router.subscriber(t);
        inbox.insert(Topic::Tenant);
        let mut watching_c = router.subscriber(t);
        watching_c.insert(Topic::Conversation(c));
        let mut watching_d = router.subscriber(t);
        watching_d.insert(Topic::Conversation(d));
        let mut foreign = router.subscriber(other);
        foreign.insert(Topic::Tenant);
        foreign.insert(Topic::Conversation(c));
        let mut idle = router.subscriber(t);

        let e = message(t, c);
        assert_eq!(router.dispatch(Arc::clone(&e)), 2);

        assert_eq!(events(&drain(&mut inbox)), vec![Arc::clone(&e)]);
        assert_eq!(events(&drain(&mut watching_c)), vec![e]);
        assert!(drain(&mut watching_d).is_empty());
        assert!(drain(&mut foreign).is_empty());
        assert!(drain(&mut idle).is_empty());
    }

    #[test]
    fn a_connection_on_two_matching_topics_gets_the_event_once_in_order() {
        let router = Arc::new(Router::new(16));
        let t = TenantId::new();
        let c = Uuid::now_v7();
        let mut both = router.subscriber(t);
        both.insert(Topic::Tenant);
        both.insert(Topic::Conversation(c));
        let sent: Vec<_> = (0..5).map(|_| message(t, c)).collect();
        for e in &sent {
            assert_eq!(router.dispatch(Arc::clone(e)), 1);
        }
        assert_eq!(events(&drain(&mut both)), sent);
    }

    #[test]
    fn unsubscribing_and_dropping_leave_the_index() {
        let router = Arc::new(Router::new(16));
        let t = TenantId::new();
        let c = Uuid::now_v7();
        let mut s = router.subscriber(t);
        assert!(s.insert(Topic::Tenant));
        assert!(!s.insert(Topic::Tenant));
        assert!(s.insert(Topic::Conversation(c)));
        assert_eq!(router.subscribed_connections(), 1);
        assert!(s.remove(&Topic::Tenant));
        assert!(!s.remove(&Topic::Tenant));
        assert_eq!(router.dispatch(message(t, Uuid::now_v7())), 0, "tenant topic left");
        assert_eq!(router.dispatch(message(t, c)), 1, "conversation topic kept");
        drop(s);
        assert_eq!(router.subscribed_connections(), 0);
        assert_eq!(router.dispatch(message(t, c)), 0);
        assert!(router.lock().is_empty(), "no empty entries left behind");
    }

    #[tokio::test]
    async fn a_full_mailbox_flags_the_connection_and_queues_nothing_more() {
        let router = Arc::new(Router::new(2));
        let t = TenantId::new();
        let mut slow = router.subscriber(t);
        slow.insert(Topic::Tenant);
        let mut fast = router.subscriber(t);
        fast.insert(Topic::Tenant);
        for _ in 0..2 {
            router.dispatch(message(t, Uuid::now_v7()));
            assert_eq!(events(&drain(&mut fast)).len(), 1);
        }
        assert!(!slow.mailbox.overflow.is_cancelled());
        router.dispatch(message(t, Uuid::now_v7()));
        assert_eq!(events(&drain(&mut fast)).len(), 1, "the others are not held back");
        assert!(
            matches!(slow.recv().await, Mail::Close(c) if c == Close::TOO_SLOW),
            "closed ahead of the queue"
        );
        assert_eq!(slow.rx.len(), 2, "bounded: the third was not queued");
    }

    #[test]
    fn an_interruption_reaches_each_subscribed_connection_once() {
        let router = Arc::new(Router::new(4));
        let t = TenantId::new();
        let mut both = router.subscriber(t);
        both.insert(Topic::Tenant);
        both.insert(Topic::Presence);
        let mut inbox = router.subscriber(t);
        inbox.insert(Topic::Tenant);
        let mut idle = router.subscriber(t);

        router.interrupt(Close::EVENTS_INTERRUPTED);
        for s in [&mut both, &mut inbox] {
            let got = drain(s);
            assert_eq!(got.len(), 1);
            assert!(matches!(got[0], Mail::Close(c) if c == Close::EVENTS_INTERRUPTED));
        }
        assert!(drain(&mut idle).is_empty());
    }

    #[test]
    fn a_frame_is_built_once_per_topic_and_matches_the_protocol() {
        let t = TenantId::new();
        let c = Uuid::now_v7();
        let e = message(t, c);
        let r = Routed::new(Arc::clone(&e));
        let on_tenant = r.frame(&Topic::Tenant);
        let expected = ServerFrame::Event {
            topic: "tenant".into(),
            event: &e,
        }
        .text();
        assert_eq!(on_tenant.as_str(), expected);
        let again = r.frame(&Topic::Tenant);
        assert_eq!(again.as_str().as_ptr(), on_tenant.as_str().as_ptr(), "shared bytes");
        let on_conversation = r.frame(&Topic::Conversation(c));
        let v: serde_json::Value = serde_json::from_str(on_conversation.as_str()).unwrap();
        assert_eq!(v["topic"], format!("conversation:{c}"));
        assert_eq!(v["event"]["conversation_id"], c.to_string());
    }
}
