//! The cross-node bus: Postgres `LISTEN/NOTIFY` behind the same trait as the in-process one.
//!
//! **Publishing.** `publish_batch` first delivers the batch to this node's subscribers, then
//! sends it with `pg_notify` on the pool (`publish_to_others` only sends it), as a statement of its own after the caller's commit
//! (never inside the write transaction: DESIGN §5). A batch is one notification, or several when
//! it does not fit Postgres' payload limit (< 8000 bytes): the events are packed into as few
//! self-contained chunks as fit, sent in one statement, so they arrive together and in order.
//! An event too large for a notification by itself (only its `data` can be) travels without its
//! data, as `{"truncated": true}`; the ids tell the screen what to refetch.
//!
//! **Receiving.** A background task holds a dedicated `LISTEN` connection (opened with the same
//! URL) and re-broadcasts what other nodes published into the local channel. Each notification
//! carries the publishing node's random origin id and a per-node sequence number; a node skips
//! its own notifications, since it delivered them locally already, so every subscriber sees each
//! event exactly once. (Delivering locally first keeps a single node independent of the round
//! trip through Postgres; the price is that events of two nodes interleave differently on each
//! node, which screens refetching by id do not notice.)
//!
//! **Failures.** When the listening connection drops, the driver reconnects and re-`LISTEN`s
//! (and if that fails, the task reconnects from scratch with back-off, 100 ms doubling to 10 s);
//! the task never ends until the bus is dropped. Notifications sent while disconnected are lost
//! — `LISTEN/NOTIFY` keeps no history — so subscribers get [`RecvError::Interrupted`] once the
//! connection is back and refetch.
//!
//! [`RecvError::Interrupted`]: super::RecvError::Interrupted

use super::{BusError, Event, EventBus, InProcessBus, Subscription};
use async_trait::async_trait;
use atende_db::Db;
use atende_db::notify::{self, Listener, MAX_PAYLOAD, Received};
use serde::Deserialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio_util::sync::{CancellationToken, DropGuard};
use uuid::Uuid;

/// The notification channel all nodes share.
pub const CHANNEL: &str = "atende_events";

const BACKOFF_MIN: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(10);

/// `{"o":"<uuid>","s":<u64>,"e":[` + `]}`: the frame around the events, at its longest.
const FRAME: usize = r#"{"o":"","s":,"e":[]}"#.len() + 36 + 20;
/// Room for the events of one notification, commas included.
const BUDGET: usize = MAX_PAYLOAD - FRAME;

/// The bus of one node of several sharing a Postgres database.
pub struct PgNotifyBus {
    local: InProcessBus,
    db: Db,
    channel: String,
    origin: Uuid,
    seq: AtomicU64,
    // Stops the listener task when the bus goes away.
    _listener: DropGuard,
}

impl std::fmt::Debug for PgNotifyBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgNotifyBus")
            .field("channel", &self.channel)
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

impl PgNotifyBus {
    /// Starts listening on [`CHANNEL`] with a connection to `url` (the database `db` is on) and
    /// returns once the `LISTEN` is in place: whatever another node publishes from now on
    /// arrives here. `capacity` bounds each subscriber's queue.
    ///
    /// # Errors
    /// Postgres is unreachable.
    pub async fn connect(db: Db, url: &str, capacity: usize) -> Result<Self, BusError> {
        Self::connect_on(db, url, CHANNEL, capacity).await
    }

    /// As [`PgNotifyBus::connect`] on another channel (separate buses on one database).
    ///
    /// # Errors
    /// Postgres is unreachable.
    pub async fn connect_on(db: Db, url: &str, channel: &str, capacity: usize) -> Result<Self, BusError> {
        let listener = Listener::connect(url, channel).await?;
        let local = InProcessBus::new(capacity);
        let origin = Uuid::now_v7();
        let cancel = CancellationToken::new();
        tokio::spawn(listen(listener, url.to_owned(), origin, local.clone(), cancel.clone()));
        Ok(Self {
            local,
            db,
            channel: channel.to_owned(),
            origin,
            seq: AtomicU64::new(0),
            _listener: cancel.drop_guard(),
        })
    }

    /// This node's id in the notifications it sends.
    #[must_use]
    pub fn origin(&self) -> Uuid {
        self.origin
    }

    /// The notifications carrying `events`, numbered in this node's sequence.
    fn payloads(&self, events: &[Event]) -> Vec<String> {
        let groups = pack(events);
        let first = self.seq.fetch_add(groups.len() as u64, Ordering::Relaxed);
        groups
            .iter()
            .zip(first..)
            .map(|(g, seq)| frame(self.origin, seq, g))
            .collect()
    }
}

#[async_trait]
impl EventBus for PgNotifyBus {
    async fn publish_batch(&self, events: Vec<Event>) -> Result<(), BusError> {
        if events.is_empty() {
            return Ok(());
        }
        let payloads = self.payloads(&events);
        self.local.deliver(events);
        notify::notify_all(&self.db, &self.channel, &payloads).await?;
        Ok(())
    }

    async fn publish_to_others(&self, events: Vec<Event>) -> Result<(), BusError> {
        if events.is_empty() {
            return Ok(());
        }
        let payloads = self.payloads(&events);
        notify::notify_all(&self.db, &self.channel, &payloads).await?;
        Ok(())
    }

    fn subscribe(&self) -> Subscription {
        self.local.subscribe()
    }

    fn transport(&self) -> &'static str {
        "postgres"
    }
}

/// The events encoded and grouped so that each group fits one notification, in order.
fn pack(events: &[Event]) -> Vec<Vec<String>> {
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut used = 0;
    for e in events {
        let Some(json) = encode(e) else { continue };
        match groups.last_mut() {
            Some(g) if used + 1 + json.len() <= BUDGET => {
                used += 1 + json.len();
                g.push(json);
            }
            _ => {
                used = json.len();
                groups.push(vec![json]);
            }
        }
    }
    groups
}

fn encode(e: &Event) -> Option<String> {
    let json = serde_json::to_string(e).ok()?;
    if json.len() <= BUDGET {
        return Some(json);
    }
    tracing::warn!(
        event = e.name(),
        bytes = json.len(),
        "event too large for NOTIFY: sent without its data"
    );
    let mut slim = e.clone();
    slim.data = serde_json::json!({ "truncated": true });
    serde_json::to_string(&slim).ok().filter(|j| j.len() <= BUDGET)
}

fn frame(origin: Uuid, seq: u64, events: &[String]) -> String {
    format!(r#"{{"o":"{origin}","s":{seq},"e":[{}]}}"#, events.join(","))
}

#[derive(Deserialize)]
struct Frame {
    o: Uuid,
    s: u64,
    e: Vec<serde_json::Value>,
}

/// The loop of the listener task: re-broadcast other nodes' events until cancelled.
async fn listen(listener: Listener, url: String, origin: Uuid, local: InProcessBus, cancel: CancellationToken) {
    let channel = listener.channel().to_owned();
    let mut listener = Some(listener);
    let mut backoff = BACKOFF_MIN;
    loop {
        let Some(l) = listener.as_mut() else {
            let connected = tokio::select! {
                () = cancel.cancelled() => return,
                r = Listener::connect(&url, &channel) => r,
            };
            match connected {
                Ok(l) => {
                    tracing::info!(channel, "event bus listener reconnected");
                    listener = Some(l);
                    backoff = BACKOFF_MIN;
                    local.interrupted();
                }
                Err(e) => {
                    tracing::warn!(channel, error = %e, retry_in = ?backoff, "event bus listener cannot connect");
                    tokio::select! {
                        () = cancel.cancelled() => return,
                        () = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(BACKOFF_MAX);
                }
            }
            continue;
        };
        let received = tokio::select! {
            () = cancel.cancelled() => return,
            r = l.recv() => r,
        };
        match received {
            Ok(Received::Notification { payload, .. }) => relay(&payload, origin, &local),
            Ok(Received::Reconnected) => {
                tracing::warn!(channel, "event bus listener lost its connection and reconnected");
                local.interrupted();
            }
            Err(e) => {
                // Start over with a fresh connection; `Interrupted` goes out once it listens.
                tracing::warn!(channel, error = %e, "event bus listener failed");
                listener = None;
            }
        }
    }
}

fn relay(payload: &str, origin: Uuid, local: &InProcessBus) {
    let frame: Frame = match serde_json::from_str(payload) {
        Ok(f) => f,
        Err(e) => {
            tracing::warn!(error = %e, "event bus: unreadable notification ignored");
            return;
        }
    };
    if frame.o == origin {
        return; // ours: delivered locally when published
    }
    let events: Vec<Event> = frame
        .e
        .into_iter()
        .filter_map(|v| match serde_json::from_value(v) {
            Ok(e) => Some(e),
            Err(e) => {
                // A newer node may know kinds this one does not.
                tracing::debug!(error = %e, from = %frame.o, seq = frame.s, "event bus: unknown event skipped");
                None
            }
        })
        .collect();
    local.deliver(events);
}

#[cfg(test)]
mod tests {
    use super::super::{EventKind, RecvError};
    use super::*;
    use atende_db::sea_orm::{ConnectionTrait, DbBackend, Statement};
    use atende_db::testing::TestDb;
    use atende_domain::TenantId;
    use std::sync::Arc;
    use std::time::Instant;

    fn batch(tenant: TenantId, n: usize, pad: usize) -> Vec<Event> {
        (0..n)
            .map(|i| {
                Event::new(EventKind::MessageCreated, tenant)
                    .conversation(Uuid::now_v7())
                    .message(Uuid::now_v7())
                    .data(serde_json::json!({ "i": i, "pad": "x".repeat(pad) }))
            })
            .collect()
    }

    fn unframe(payload: &str) -> Vec<Event> {
        let f: Frame = serde_json::from_str(payload).unwrap();
        f.e.into_iter().map(|v| serde_json::from_value(v).unwrap()).collect()
    }

    #[test]
    fn large_batches_are_split_under_the_payload_limit() {
        let events = batch(TenantId::new(), 300, 150);
        let groups = pack(&events);
        assert!(groups.len() > 5, "{} groups", groups.len());
        let mut back = Vec::new();
        for (i, g) in groups.iter().enumerate() {
            let p = frame(Uuid::now_v7(), u64::MAX - i as u64, g);
            assert!(p.len() <= MAX_PAYLOAD, "{} bytes", p.len());
            back.extend(unframe(&p));
        }
        assert_eq!(back, events);
    }

    #[test]
    fn an_oversized_event_travels_without_its_data() {
        let mut events = batch(TenantId::new(), 3, 10);
        events[1].data = serde_json::json!({ "huge": "é".repeat(5000) });
        let groups = pack(&events);
        assert_eq!(groups.len(), 1);
        let back = unframe(&frame(Uuid::now_v7(), 0, &groups[0]));
        assert_eq!(back.len(), 3);
        assert_eq!(back[1].data, serde_json::json!({ "truncated": true }));
        assert_eq!(back[1].message_id, events[1].message_id);
        assert_eq!(back[2], events[2]);
    }

    async fn two_nodes(t: &TestDb, capacity: usize) -> (PgNotifyBus, PgNotifyBus) {
        let a = PgNotifyBus::connect(t.db.clone(), &t.url, capacity).await.unwrap();
        let b = PgNotifyBus::connect(t.connect_again().await, &t.url, capacity)
            .await
            .unwrap();
        (a, b)
    }

    async fn recv(sub: &mut Subscription) -> Result<Arc<Event>, RecvError> {
        tokio::time::timeout(Duration::from_secs(20), sub.recv())
            .await
            .expect("no event within 20 s")
    }

    /// Nothing more arrives within a short grace period.
    async fn assert_quiet(sub: &mut Subscription) {
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(sub.try_recv().unwrap().is_none(), "unexpected extra event");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_a_batch_from_one_node_reaches_the_other_once_in_order() {
        let Some(t) = TestDb::postgres().await else { return };
        let (a, b) = two_nodes(&t, 1024).await;
        let mut on_a = a.subscribe();
        let mut on_b = b.subscribe();
        let events = batch(TenantId::new(), 25, 8);
        b.publish_batch(events.clone()).await.unwrap();
        for want in &events {
            assert_eq!(&*recv(&mut on_a).await.unwrap(), want);
            // The publishing node's own subscribers see it once too (not again via NOTIFY).
            assert_eq!(&*recv(&mut on_b).await.unwrap(), want);
        }
        // And back the other way.
        let reply = batch(TenantId::new(), 2, 0);
        a.publish_batch(reply.clone()).await.unwrap();
        for want in &reply {
            assert_eq!(&*recv(&mut on_b).await.unwrap(), want);
            assert_eq!(&*recv(&mut on_a).await.unwrap(), want);
        }
        assert_quiet(&mut on_a).await;
        assert_quiet(&mut on_b).await;
        assert_eq!(a.transport(), "postgres");
        let via_selector = super::super::for_database(&t.db, &t.url).await.unwrap();
        assert_eq!(via_selector.transport(), "postgres");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_publishing_to_others_skips_this_nodes_subscribers() {
        let Some(t) = TestDb::postgres().await else { return };
        let (a, b) = two_nodes(&t, 1024).await;
        let mut on_a = a.subscribe();
        let mut on_b = b.subscribe();
        let announcements = batch(TenantId::new(), 3, 8);
        b.publish_to_others(announcements.clone()).await.unwrap();
        for want in &announcements {
            assert_eq!(&*recv(&mut on_a).await.unwrap(), want);
        }
        // On the publishing node the sentinel comes first: the announcements never did.
        let sentinel = batch(TenantId::new(), 1, 0);
        b.publish_batch(sentinel.clone()).await.unwrap();
        assert_eq!(*recv(&mut on_b).await.unwrap(), sentinel[0]);
        assert_quiet(&mut on_b).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_a_batch_over_the_payload_limit_arrives_complete() {
        let Some(t) = TestDb::postgres().await else { return };
        let (a, b) = two_nodes(&t, 4096).await;
        let mut on_a = a.subscribe();
        let events = batch(TenantId::new(), 400, 200);
        let bytes: usize = events.iter().map(|e| serde_json::to_string(e).unwrap().len()).sum();
        let notifications = pack(&events).len();
        assert!(notifications > 1);
        b.publish_batch(events.clone()).await.unwrap();
        for want in &events {
            assert_eq!(&*recv(&mut on_a).await.unwrap(), want);
        }
        assert_quiet(&mut on_a).await;
        eprintln!(
            "bus: batch of {} events ({bytes} bytes of JSON) went as {notifications} notifications",
            events.len()
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_the_listener_survives_its_connection_being_killed() {
        let Some(t) = TestDb::postgres().await else { return };
        let (a, b) = two_nodes(&t, 1024).await;
        let mut on_a = a.subscribe();
        let tenant = TenantId::new();
        b.publish(Event::new(EventKind::ConversationCreated, tenant))
            .await
            .unwrap();
        assert_eq!(recv(&mut on_a).await.unwrap().kind, EventKind::ConversationCreated);

        // Kill every LISTEN connection on this test's database (both nodes').
        let killed = t
            .owner
            .raw()
            .query_all_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT pg_terminate_backend(pid) AS k FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid()
                   AND query ILIKE 'LISTEN%'",
            ))
            .await
            .unwrap()
            .len();
        assert_eq!(killed, 2, "both listeners found");

        // Publish until something arrives after the reconnection; bounded, no speed asserted.
        let started = Instant::now();
        let mut interrupted = false;
        let mut attempts = 0;
        let got = 'wait: loop {
            attempts += 1;
            assert!(
                attempts <= 200,
                "no event after the reconnection in {attempts} attempts"
            );
            let e = Event::new(EventKind::ConversationUpdated, tenant).data(serde_json::json!({ "n": attempts }));
            b.publish(e).await.unwrap();
            let deadline = tokio::time::Instant::now() + Duration::from_millis(100);
            while let Ok(r) = tokio::time::timeout_at(deadline, on_a.recv()).await {
                match r {
                    // The backend may deliver a notification or two before it exits.
                    Ok(e) if interrupted => break 'wait e,
                    Ok(_) => {}
                    Err(RecvError::Interrupted) => interrupted = true,
                    Err(other) => panic!("{other}"),
                }
            }
        };
        // Subscribers were told events may be missing, then got the later ones.
        assert_eq!(got.kind, EventKind::ConversationUpdated);
        eprintln!(
            "bus: listener back after {:?} ({attempts} publishes)",
            started.elapsed()
        );
        // Still healthy afterwards, and the other direction too. `b`'s listener was killed as
        // well and may still be reconnecting (a notification sent meanwhile is lost by design):
        // publish until one arrives, bounded.
        let mut on_b = b.subscribe();
        'back: for attempt in 1..=200 {
            a.publish(Event::new(EventKind::Read, tenant)).await.unwrap();
            let deadline = tokio::time::Instant::now() + Duration::from_millis(100);
            while let Ok(r) = tokio::time::timeout_at(deadline, on_b.recv()).await {
                match r {
                    Ok(e) if e.kind == EventKind::Read => break 'back,
                    Ok(_) | Err(RecvError::Interrupted) => {}
                    Err(other) => panic!("{other}"),
                }
            }
            assert!(attempt < 200, "no event from a to b after the reconnection");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_publish_to_receive_latency() {
        let Some(t) = TestDb::postgres().await else { return };
        let (a, b) = two_nodes(&t, 4096).await;
        let tenant = TenantId::new();
        // ~1000/s, so latency is measured on an idle path, not a queue; then back to back: each
        // publish is one round trip, the listener keeps up or queues.
        latency_run("paced", &a, &b, tenant, Some(Duration::from_millis(1))).await;
        latency_run("back to back", &a, &b, tenant, None).await;
    }

    /// Publishes N events on `b`, one per batch, and reports how long each took to reach `a`.
    async fn latency_run(label: &str, a: &PgNotifyBus, b: &PgNotifyBus, tenant: TenantId, pace: Option<Duration>) {
        const N: usize = 500;
        let mut on_a = a.subscribe();
        let receiver = tokio::spawn(async move {
            let mut at = Vec::with_capacity(N);
            while at.len() < N {
                let e = recv(&mut on_a).await.unwrap();
                at.push((e.data["i"].as_u64().unwrap(), Instant::now()));
            }
            at
        });
        let mut sent = Vec::with_capacity(N);
        let started = Instant::now();
        for i in 0..N {
            sent.push(Instant::now());
            let e = Event::new(EventKind::MessageCreated, tenant)
                .conversation(Uuid::now_v7())
                .data(serde_json::json!({ "i": i }));
            b.publish(e).await.unwrap();
            if let Some(p) = pace {
                tokio::time::sleep(p).await;
            }
        }
        report(label, N, started.elapsed(), &sent, &receiver.await.unwrap());
    }

    fn report(label: &str, n: usize, elapsed: Duration, sent: &[Instant], received: &[(u64, Instant)]) {
        let mut lat: Vec<Duration> = received
            .iter()
            .enumerate()
            .map(|(k, (i, at))| {
                assert_eq!(*i, k as u64, "in order");
                at.duration_since(sent[k])
            })
            .collect();
        lat.sort();
        let pct = |p: usize| lat[(lat.len() * p / 100).min(lat.len() - 1)];
        eprintln!(
            "bus latency publish→receive across nodes, {label}, {n} events ({:.0}/s): p50 {:?}, p90 {:?}, p99 {:?}, max {:?}",
            n as f64 / elapsed.as_secs_f64(),
            pct(50),
            pct(90),
            pct(99),
            lat[lat.len() - 1]
        );
    }
}
