//! Load client for `bench/realtime`: webhook → WebSocket latency with many sockets connected,
//! and what those sockets cost the server.
//!
//! 1. **Sockets.** Opens `--sockets` authenticated WebSockets to `--url`. `--watchers` of them
//!    sign in with `--token` (the bench tenant's admin); the others, the *idle* ones, sign in
//!    round-robin with the tokens of `--idle-tokens-file` (one per line: members of other
//!    tenants). An idle socket is an agent with the inbox open in a tenant that gets no
//!    traffic: it subscribes to its own tenant's `tenant` and `presence` topics, pings every
//!    30 s as the web app does, and only reads.
//! 2. **Warm-up.** One delivery per customer (`--watchers` customers), so each has a
//!    conversation; then watcher `k` subscribes to the `k`-th conversation created (a chat open
//!    on screen). Each later delivery lands in exactly one watched conversation.
//! 3. **Baselines** in the same run, with every socket connected: the WebSocket round trip
//!    (`ping` → `pong`) on the watchers; with `--pg-url`, publish → receive between two
//!    `PgNotifyBus`es on a channel of their own (the cross-node floor). Then `--idle-secs` of
//!    no traffic: the CPU that merely holding the sockets costs (heartbeats, re-checks).
//! 4. **Phases**, for each of `--rates` R (deliveries/s), each for `--phase-secs`, all sent
//!    open-loop (a send that finds `--in-flight` requests busy goes late: the achieved rate is
//!    reported), then waiting until every watcher got what it should, or
//!    `--drain-timeout-secs`:
//!    - `typing` (the realtime path alone, any engine): 2R `typing` frames/s (as many events as
//!      R deliveries publish) from `--typists` sockets of another member of the bench tenant
//!      (`--typist-token`), each into one watched conversation in turn, alternating on/off;
//!      measured from the frame's send to the `typing` event's arrival on the conversation's
//!      watcher;
//!    - `bus` (with `--pg-events-url`: the cross-node path without the apply): R batches/s of
//!      a delivery's events (`message.created` + `conversation.updated` of a watched
//!      conversation) published by this process as another node would, one `NOTIFY` per batch
//!      on the servers' channel; measured from the publish to the frame's arrival;
//!    - `webhook` (the whole path): R signed deliveries/s (text messages shaped like
//!      `shared/fixtures/channels/whatsapp/inbound/text.json`) to `--ingest-url`, the customers
//!      in turn; measured from the start of the delivery's POST to the arrival of its
//!      `message.created` on the watcher.
//! 5. **Matching.** Maps each received message id to its delivery through the API
//!    (`GET /conversations/{id}/messages` lists the provider message id); typing events by
//!    their order per conversation. Every time comes from this process's monotonic clock.
//!
//! With `--server-pid` it reads the server's `VmRSS`/`VmHWM` before the sockets, once they are
//! connected, and after each phase; `--cpu-pid name=PID` (repeatable) and `--cpu-comm NAME`
//! add CPU seconds per phase. Prints one JSON object on stdout, progress on stderr.
//!
//! ```sh
//! cargo run --release --example realtime_load -- --url http://127.0.0.1:8080 \
//!     --channel <uuid> --secret <app secret> --token <admin access token> \
//!     --idle-tokens-file tokens.txt --sockets 10000 --rates 500,2000
//! ```

use anyhow::{Context, bail};
use atende_core::bus::{Event, EventBus, EventKind, PgNotifyBus};
use atende_domain::TenantId;
use clap::Parser;
use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc, oneshot};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use uuid::Uuid;

#[derive(Parser, Debug, Clone)]
#[command(about = "Webhook → WebSocket latency and memory with many sockets on an Atende server")]
struct Args {
    /// The server holding the sockets.
    #[arg(long, env = "RT_URL", default_value = "http://127.0.0.1:8080")]
    url: String,
    /// The server receiving the webhooks (default: `--url`).
    #[arg(long, env = "RT_INGEST_URL")]
    ingest_url: Option<String>,
    /// The WhatsApp channel id and its app secret (signs the deliveries).
    #[arg(long, env = "RT_CHANNEL")]
    channel: String,
    #[arg(long, env = "RT_SECRET")]
    secret: String,
    #[arg(long, env = "RT_PHONE_NUMBER_ID", default_value = "109284736501827")]
    phone_number_id: String,
    /// Access token of the bench tenant's admin (the watchers; reads messages for matching).
    #[arg(long, env = "RT_TOKEN")]
    token: String,
    /// Access tokens of other tenants' members, one per line, for the idle sockets.
    #[arg(long, env = "RT_IDLE_TOKENS_FILE")]
    idle_tokens_file: Option<std::path::PathBuf>,
    /// Sockets in all, watchers included.
    #[arg(long, env = "RT_SOCKETS", default_value_t = 1_000)]
    sockets: usize,
    /// Sockets watching one conversation each; also the number of customers.
    #[arg(long, env = "RT_WATCHERS", default_value_t = 100)]
    watchers: usize,
    /// Deliveries per second of each phase.
    #[arg(long, env = "RT_RATES", value_delimiter = ',', default_value = "500,2000")]
    rates: Vec<f64>,
    #[arg(long, env = "RT_PHASE_SECS", default_value_t = 3.0)]
    phase_secs: f64,
    #[arg(long, env = "RT_IN_FLIGHT", default_value_t = 64)]
    in_flight: usize,
    #[arg(long, env = "RT_DRAIN_TIMEOUT_SECS", default_value_t = 600.0)]
    drain_timeout_secs: f64,
    /// Sockets being opened at once.
    #[arg(long, env = "RT_OPENING", default_value_t = 128)]
    opening: usize,
    /// Seconds of no traffic after the baselines, to measure what holding the sockets costs
    /// (heartbeats, re-checks) in CPU. A socket's first re-check comes 30 to 60 s after it
    /// connected: the default minute holds about one re-check per socket, and the phases that
    /// follow run in the steady state.
    #[arg(long, env = "RT_IDLE_SECS", default_value_t = 60.0)]
    idle_secs: f64,
    /// `ping` round trips of the WebSocket baseline.
    #[arg(long, env = "RT_PINGS", default_value_t = 1_000)]
    pings: usize,
    /// A PostgreSQL URL for the cross-node bus baseline.
    #[arg(long, env = "RT_PG_URL")]
    pg_url: Option<String>,
    /// The servers' PostgreSQL database (owner URL): adds the `bus` phases, publishing on
    /// their event channel as another node.
    #[arg(long, env = "RT_PG_EVENTS_URL")]
    pg_events_url: Option<String>,
    /// Sockets sending `typing` in the `typing` phases (0: no such phases).
    #[arg(long, env = "RT_TYPISTS", default_value_t = 100)]
    typists: usize,
    /// Access token of another member of the bench tenant, for the typists (a user's own
    /// typing is not echoed to their other sockets, so it cannot be the watchers' user).
    #[arg(long, env = "RT_TYPIST_TOKEN")]
    typist_token: Option<String>,
    /// The socket server's pid, for its memory.
    #[arg(long, env = "RT_SERVER_PID")]
    server_pid: Option<u32>,
    /// `name=PID` of a process whose CPU seconds to report per phase.
    #[arg(long = "cpu-pid")]
    cpu_pids: Vec<String>,
    /// A process name (`comm`) whose processes' CPU seconds to add up per phase.
    #[arg(long = "cpu-comm")]
    cpu_comms: Vec<String>,
    /// Prefix of the WhatsApp message ids; must differ between runs against one channel.
    #[arg(long, env = "RT_ID_PREFIX")]
    id_prefix: Option<String>,
}

fn log(msg: impl AsRef<str>) {
    eprintln!("realtime_load: {}", msg.as_ref());
}

// ------------------------------------------------------------------------------- sockets

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const PING_EVERY: Duration = Duration::from_secs(30);
/// How long the phases without an apply (`typing`, `bus`) wait for their events.
const REALTIME_DRAIN: Duration = Duration::from_secs(60);
const REPLY_WAIT: Duration = Duration::from_secs(120);

/// Opens a socket (4 KiB client read buffer), authenticates and subscribes, waiting for each
/// answer; returns it with the `authenticated` frame.
async fn open(base: &str, token: &str, topics: &[&str]) -> anyhow::Result<(Ws, Value)> {
    let url = format!("{}/api/v1/ws", base.replacen("http://", "ws://", 1));
    let config = WebSocketConfig::default().read_buffer_size(4096);
    let (mut ws, _) = tokio::time::timeout(
        REPLY_WAIT,
        tokio_tungstenite::connect_async_with_config(url, Some(config), true),
    )
    .await
    .context("handshake timed out")??;
    ws.send(Message::text(json!({"type": "auth", "token": token}).to_string()))
        .await?;
    let hello = expect(&mut ws, "authenticated").await?;
    for topic in topics {
        ws.send(Message::text(json!({"type": "subscribe", "topic": topic}).to_string()))
            .await?;
        expect(&mut ws, "subscribed").await?;
    }
    Ok((ws, hello))
}

/// Reads until a frame of type `kind` (events on the way are skipped) and returns it.
async fn expect(ws: &mut Ws, kind: &str) -> anyhow::Result<Value> {
    loop {
        let m = tokio::time::timeout(REPLY_WAIT, ws.next())
            .await
            .with_context(|| format!("no `{kind}` in time"))?;
        match m {
            Some(Ok(Message::Text(t))) => {
                let v: Value = serde_json::from_str(t.as_str())?;
                if v["type"] == kind {
                    return Ok(v);
                }
                if v["type"] != "event" {
                    bail!("expected `{kind}`, got {v}");
                }
            }
            Some(Ok(Message::Close(f))) => bail!("closed while waiting for `{kind}`: {f:?}"),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(e.into()),
            None => bail!("ended while waiting for `{kind}`"),
        }
    }
}

/// What the idle sockets saw.
#[derive(Default)]
struct IdleStats {
    events: AtomicUsize,
    closed: std::sync::Mutex<BTreeMap<String, usize>>,
}

impl IdleStats {
    fn closed(&self, why: String) {
        *self
            .closed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(why)
            .or_default() += 1;
    }
}

/// An idle socket's life: ping every 30 s (the first after `offset`), count what arrives.
async fn idle(mut ws: Ws, offset: Duration, stats: Arc<IdleStats>, stop: tokio_util::sync::CancellationToken) {
    let mut next = Instant::now() + offset;
    loop {
        tokio::select! {
            () = stop.cancelled() => {
                let _ = ws.close(None).await;
                return;
            }
            () = tokio::time::sleep_until(next) => {
                next += PING_EVERY;
                if ws.send(Message::text(r#"{"type":"ping"}"#)).await.is_err() {
                    stats.closed("send failed".into());
                    return;
                }
            }
            m = ws.next() => match m {
                Some(Ok(Message::Text(t))) => {
                    if t.as_str().starts_with(r#"{"type":"event""#) {
                        stats.events.fetch_add(1, Ordering::Relaxed);
                    }
                }
                Some(Ok(Message::Close(f))) => {
                    stats.closed(f.map_or_else(|| "1005".into(), |f| format!("{} {}", u16::from(f.code), f.reason)));
                    return;
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => {
                    stats.closed(format!("error: {e}"));
                    return;
                }
                None => {
                    stats.closed("ended".into());
                    return;
                }
            },
        }
    }
}

/// What a watcher is asked to do.
enum Cmd {
    Send(Value),
    /// Send a `ping`; answer with the round trip.
    Ping(oneshot::Sender<Duration>),
    /// Stop; answer with what was received.
    Finish(oneshot::Sender<Received>),
}

/// What a watcher received, each with its arrival.
#[derive(Default)]
struct Received {
    /// `message.created`: the message id.
    created: Vec<(Uuid, Instant)>,
    /// `typing`: the conversation id.
    typing: Vec<(Uuid, Instant)>,
}

/// Shared by the watchers: counts, and the conversations seen created (warm-up).
struct Seen {
    created: AtomicUsize,
    typing: AtomicUsize,
    conversations: mpsc::UnboundedSender<Uuid>,
    replies: mpsc::UnboundedSender<Value>,
    closes: std::sync::Mutex<Vec<String>>,
}

/// A watcher socket's life: run commands, timestamp every `message.created` on arrival.
async fn watcher(ws: Ws, mut cmds: mpsc::Receiver<Cmd>, seen: Arc<Seen>) {
    let (mut sink, mut stream): (SplitSink<Ws, Message>, SplitStream<Ws>) = ws.split();
    let mut received = Received::default();
    // Pings in flight, oldest first (pongs come back in order); `None` for heartbeats.
    let mut pings: VecDeque<Option<(Instant, oneshot::Sender<Duration>)>> = VecDeque::new();
    let mut heartbeat = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
    loop {
        tokio::select! {
            m = stream.next() => {
                let at = Instant::now();
                match m {
                    Some(Ok(Message::Text(t))) => {
                        let Ok(v) = serde_json::from_str::<Value>(t.as_str()) else { continue };
                        match v["type"].as_str() {
                            Some("event") => on_event(&v, at, &seen, &mut received),
                            Some("pong") => {
                                if let Some(Some((sent, tx))) = pings.pop_front() {
                                    let _ = tx.send(at - sent);
                                }
                            }
                            _ => {
                                let _ = seen.replies.send(v);
                            }
                        }
                    }
                    Some(Ok(Message::Close(f))) => {
                        seen.closes.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(format!("{f:?}"));
                        break;
                    }
                    Some(Ok(_)) => {}
                    Some(Err(_)) | None => break,
                }
            }
            _ = heartbeat.tick() => {
                if sink.send(Message::text(r#"{"type":"ping"}"#)).await.is_err() {
                    break;
                }
                pings.push_back(None);
            }
            cmd = cmds.recv() => match cmd {
                Some(Cmd::Send(v)) => {
                    let _ = sink.send(Message::text(v.to_string())).await;
                }
                Some(Cmd::Ping(tx)) => {
                    let sent = Instant::now();
                    if sink.send(Message::text(r#"{"type":"ping"}"#)).await.is_ok() {
                        pings.push_back(Some((sent, tx)));
                    }
                }
                Some(Cmd::Finish(tx)) => {
                    let _ = tx.send(std::mem::take(&mut received));
                    let _ = sink.close().await;
                    return;
                }
                None => return,
            },
        }
    }
    // Closed by the server: answer a later Finish with what was received.
    while let Some(cmd) = cmds.recv().await {
        if let Cmd::Finish(tx) = cmd {
            let _ = tx.send(std::mem::take(&mut received));
            return;
        }
    }
}

fn on_event(v: &Value, at: Instant, seen: &Seen, received: &mut Received) {
    let e = &v["event"];
    match e["type"].as_str() {
        Some("message.created") => {
            if let Some(id) = e["message_id"].as_str().and_then(|s| Uuid::parse_str(s).ok()) {
                received.created.push((id, at));
                seen.created.fetch_add(1, Ordering::Relaxed);
            }
        }
        Some("typing") => {
            if let Some(id) = e["conversation_id"].as_str().and_then(|s| Uuid::parse_str(s).ok()) {
                received.typing.push((id, at));
                seen.typing.fetch_add(1, Ordering::Relaxed);
            }
        }
        Some("conversation.created") => {
            if let Some(id) = e["conversation_id"].as_str().and_then(|s| Uuid::parse_str(s).ok()) {
                let _ = seen.conversations.send(id);
            }
        }
        _ => {}
    }
}

// ------------------------------------------------------------------------------- deliveries

struct Delivery {
    body: Vec<u8>,
    signature: String,
}

/// A text message from customer `customer`, id `wamid.<id>`, signed.
fn delivery(args: &Args, customer: usize, id: &str) -> anyhow::Result<Delivery> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("clock before 1970")?
        .as_secs()
        .to_string();
    let wa_id = format!("55119{customer:08}");
    let body = json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "104829375610293",
            "changes": [{
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": { "display_phone_number": "551140028922", "phone_number_id": args.phone_number_id },
                    "contacts": [{ "profile": { "name": format!("Cliente {customer}") }, "wa_id": wa_id }],
                    "messages": [{
                        "from": wa_id,
                        "id": format!("wamid.{id}"),
                        "timestamp": now,
                        "type": "text",
                        "text": { "body": "Olá! Meu pedido ainda não chegou. Vocês conseguem verificar, por favor?" },
                    }],
                },
                "field": "messages",
            }],
        }],
    });
    let body = serde_json::to_vec(&body)?;
    let signature = atende_channels::whatsapp_cloud::signature_header(args.secret.as_bytes(), &body)?;
    Ok(Delivery { body, signature })
}

/// One delivery's POST: when it started and ended, and the status (0: no answer).
#[derive(Clone, Copy)]
struct Sent {
    start: Instant,
    end: Instant,
    status: u16,
}

/// Sends `deliveries` open-loop at `rate`/s, at most `in_flight` at once.
async fn send_all(
    client: &reqwest::Client,
    url: &str,
    deliveries: Vec<Delivery>,
    rate: f64,
    in_flight: usize,
) -> Vec<Sent> {
    let permits = Arc::new(Semaphore::new(in_flight.max(1)));
    let t0 = Instant::now() + Duration::from_millis(20);
    let mut tasks = Vec::with_capacity(deliveries.len());
    for (i, d) in deliveries.into_iter().enumerate() {
        tokio::time::sleep_until(t0 + Duration::from_secs_f64(i as f64 / rate)).await;
        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
            break;
        };
        let (client, url) = (client.clone(), url.to_owned());
        tasks.push(tokio::spawn(async move {
            let start = Instant::now();
            let r = client
                .post(&url)
                .header("content-type", "application/json")
                .header("x-hub-signature-256", d.signature)
                .body(d.body)
                .send()
                .await;
            let status = match r {
                Ok(res) => {
                    let s = res.status().as_u16();
                    let _ = res.bytes().await;
                    s
                }
                Err(_) => 0,
            };
            drop(permit);
            Sent {
                start,
                end: Instant::now(),
                status,
            }
        }));
    }
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        if let Ok(s) = t.await {
            out.push(s);
        }
    }
    out
}

// ------------------------------------------------------------------------------- measures

/// Nearest-rank percentiles of milliseconds.
fn summary(mut ms: Vec<f64>) -> Value {
    ms.sort_by(f64::total_cmp);
    let pick = |p: f64| -> Value {
        if ms.is_empty() {
            return Value::Null;
        }
        let rank = ((p / 100.0) * ms.len() as f64).ceil() as usize;
        let v = ms[rank.clamp(1, ms.len()) - 1];
        json!((v * 1000.0).round() / 1000.0)
    };
    json!({ "n": ms.len(), "p50": pick(50.0), "p90": pick(90.0), "p99": pick(99.0), "max": pick(100.0) })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `VmRSS` and `VmHWM` of a process, in kB.
fn memory(pid: Option<u32>) -> Value {
    let Some(pid) = pid else { return Value::Null };
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return Value::Null;
    };
    let field = |name: &str| -> Option<u64> {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
    };
    json!({ "rss_kb": field("VmRSS:"), "hwm_kb": field("VmHWM:"), "threads": field("Threads:") })
}

/// utime + stime of a process, in seconds.
fn cpu_of(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields 14 and 15 of stat(5), counted after the command name.
    (ticks(11) + ticks(12)) / 100.0
}

/// CPU seconds of every process named `comm` (processes that exited meanwhile are missed).
fn cpu_of_comm(comm: &str) -> f64 {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    dir.filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()))
        .filter(|pid| std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == comm))
        .map(cpu_of)
        .sum()
}

/// The CPU counters of the processes asked for, this process's included.
fn cpu_now(args: &Args) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    out.insert("client".to_owned(), cpu_of(std::process::id()));
    for spec in &args.cpu_pids {
        if let Some((name, pid)) = spec.split_once('=')
            && let Ok(pid) = pid.parse()
        {
            out.insert(name.to_owned(), cpu_of(pid));
        }
    }
    for comm in &args.cpu_comms {
        out.insert(comm.clone(), cpu_of_comm(comm));
    }
    out
}

fn cpu_delta(before: &BTreeMap<String, f64>, after: &BTreeMap<String, f64>) -> Value {
    after
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                json!(((v - before.get(k).unwrap_or(&0.0)) * 100.0).round() / 100.0),
            )
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// Publish → receive between two `PgNotifyBus`es on a channel of their own.
async fn pg_bus_floor(url: &str) -> anyhow::Result<Value> {
    const N: usize = 500;
    let opts = atende_db::DbOptions {
        max_connections: 2,
        ..atende_db::DbOptions::default()
    };
    let channel = format!("atende_bench_floor_{}", std::process::id());
    let a = PgNotifyBus::connect_on(atende_db::Db::connect(url, &opts).await?, url, &channel, 4096).await?;
    let b = PgNotifyBus::connect_on(atende_db::Db::connect(url, &opts).await?, url, &channel, 4096).await?;
    let mut sub = a.subscribe();
    let tenant = TenantId::new();
    let mut lat = Vec::with_capacity(N);
    for i in 0..N {
        let e = Event::new(EventKind::MessageCreated, tenant)
            .conversation(Uuid::now_v7())
            .message(Uuid::now_v7())
            .data(json!({ "i": i }));
        let sent = Instant::now();
        b.publish(e).await?;
        let got = tokio::time::timeout(Duration::from_secs(10), sub.recv()).await??;
        lat.push(ms(sent.elapsed()));
        anyhow::ensure!(got.data["i"] == i, "out of order");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Ok(summary(lat))
}

// ------------------------------------------------------------------------------- run

struct Watchers {
    /// The bench tenant (from the `authenticated` frame).
    tenant: TenantId,
    cmds: Vec<mpsc::Sender<Cmd>>,
    seen: Arc<Seen>,
    conversations: mpsc::UnboundedReceiver<Uuid>,
    replies: mpsc::UnboundedReceiver<Value>,
}

/// Sockets that are neither watchers nor typists.
fn idle_count(args: &Args) -> usize {
    args.sockets.saturating_sub(args.watchers + args.typists)
}

async fn open_idle(
    args: &Args,
    stop: &tokio_util::sync::CancellationToken,
) -> anyhow::Result<(Arc<IdleStats>, usize, f64)> {
    let n = idle_count(args);
    let tokens: Vec<String> = match &args.idle_tokens_file {
        Some(p) => std::fs::read_to_string(p)?
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        None => Vec::new(),
    };
    if n > 0 && tokens.is_empty() {
        bail!("{n} idle sockets need --idle-tokens-file");
    }
    let stats = Arc::new(IdleStats::default());
    let started = Instant::now();
    let failed = AtomicUsize::new(0);
    let opened: Vec<Ws> = futures::stream::iter(0..n)
        .map(|i| {
            let token = tokens[i % tokens.len()].clone();
            let url = args.url.clone();
            async move { open(&url, &token, &["tenant", "presence"]).await.map(|(ws, _)| ws) }
        })
        .buffer_unordered(args.opening.max(1))
        .filter_map(|r| {
            let kept = match r {
                Ok(ws) => Some(ws),
                Err(e) => {
                    if failed.fetch_add(1, Ordering::Relaxed) < 3 {
                        log(format!("an idle socket failed to open: {e:#}"));
                    }
                    None
                }
            };
            futures::future::ready(kept)
        })
        .collect()
        .await;
    let secs = started.elapsed().as_secs_f64();
    let count = opened.len();
    for (i, ws) in opened.into_iter().enumerate() {
        // Pings spread over the 30 s, as tabs opened at different times would.
        let offset = PING_EVERY.mul_f64(i as f64 / n.max(1) as f64);
        tokio::spawn(idle(ws, offset, Arc::clone(&stats), stop.clone()));
    }
    Ok((stats, count, secs))
}

async fn open_watchers(args: &Args) -> anyhow::Result<Watchers> {
    let (ctx, conversations) = mpsc::unbounded_channel();
    let (rtx, replies) = mpsc::unbounded_channel();
    let seen = Arc::new(Seen {
        created: AtomicUsize::new(0),
        typing: AtomicUsize::new(0),
        conversations: ctx,
        replies: rtx,
        closes: std::sync::Mutex::new(Vec::new()),
    });
    let mut cmds = Vec::with_capacity(args.watchers);
    let mut tenant = None;
    for k in 0..args.watchers {
        // The first also watches the inbox during the warm-up, to learn the conversations.
        let topics: &[&str] = if k == 0 { &["tenant"] } else { &[] };
        let (ws, hello) = open(&args.url, &args.token, topics).await?;
        tenant = hello["tenant_id"].as_str().and_then(|t| Uuid::parse_str(t).ok());
        let (tx, rx) = mpsc::channel(16);
        tokio::spawn(watcher(ws, rx, Arc::clone(&seen)));
        cmds.push(tx);
    }
    Ok(Watchers {
        tenant: TenantId(tenant.context("no tenant in the `authenticated` frame")?),
        cmds,
        seen,
        conversations,
        replies,
    })
}

/// One delivery per customer; each watcher then subscribes to one of the new conversations.
async fn warm_up(
    args: &Args,
    client: &reqwest::Client,
    hook: &str,
    prefix: &str,
    w: &mut Watchers,
) -> anyhow::Result<Vec<Uuid>> {
    let deliveries = (0..args.watchers)
        .map(|k| delivery(args, k, &format!("{prefix}-warm-{k}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let sent = send_all(client, hook, deliveries, 200.0, args.in_flight).await;
    let refused = sent.iter().filter(|s| s.status != 200).count();
    if refused > 0 {
        bail!("{refused} warm-up deliveries were not accepted");
    }
    let mut conversations = Vec::with_capacity(args.watchers);
    let deadline = Instant::now() + Duration::from_secs_f64(args.drain_timeout_secs);
    while conversations.len() < args.watchers {
        match tokio::time::timeout_at(deadline, w.conversations.recv()).await {
            Ok(Some(id)) if !conversations.contains(&id) => conversations.push(id),
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => bail!(
                "warm-up: {} of {} conversations created in time (is the channel's worker running?)",
                conversations.len(),
                args.watchers
            ),
        }
    }
    w.cmds[0]
        .send(Cmd::Send(json!({"type": "unsubscribe", "topic": "tenant"})))
        .await?;
    expect_reply(&mut w.replies, "unsubscribed").await?;
    for (k, id) in conversations.iter().enumerate() {
        w.cmds[k]
            .send(Cmd::Send(
                json!({"type": "subscribe", "topic": format!("conversation:{id}")}),
            ))
            .await?;
        expect_reply(&mut w.replies, "subscribed").await?;
    }
    Ok(conversations)
}

async fn expect_reply(replies: &mut mpsc::UnboundedReceiver<Value>, kind: &str) -> anyhow::Result<()> {
    let r = tokio::time::timeout(REPLY_WAIT, replies.recv())
        .await
        .with_context(|| format!("no `{kind}` in time"))?
        .context("watchers gone")?;
    anyhow::ensure!(r["type"] == kind, "expected `{kind}`, got {r}");
    Ok(())
}

/// The WebSocket round trip, `pings` times, round-robin over the watchers, one at a time.
async fn ping_floor(w: &Watchers, pings: usize) -> anyhow::Result<Value> {
    let mut lat = Vec::with_capacity(pings);
    for i in 0..pings {
        let (tx, rx) = oneshot::channel();
        w.cmds[i % w.cmds.len()].send(Cmd::Ping(tx)).await?;
        let rtt = tokio::time::timeout(REPLY_WAIT, rx)
            .await
            .context("no pong in time")??;
        lat.push(ms(rtt));
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Ok(summary(lat))
}

/// How a phase went, whatever it sent.
struct Tally {
    kind: &'static str,
    label: String,
    rate: f64,
    events_per_s: f64,
    planned: usize,
    /// When each send started (in order of sending), and how many were accepted.
    starts: Vec<Instant>,
    accepted: usize,
}

/// Waits until `counter` reached `base + expected` (or the drain timeout from `started`;
/// at most [`REALTIME_DRAIN`] for phases without an apply), then describes the phase;
/// samples the server's RSS meanwhile.
async fn settle(
    args: &Args,
    t: &Tally,
    counter: &AtomicUsize,
    base: usize,
    started: Instant,
    cpu0: &BTreeMap<String, f64>,
) -> Value {
    let sending = started.elapsed().as_secs_f64();
    let mut drain = Duration::from_secs_f64(args.drain_timeout_secs);
    if t.kind != "webhook" {
        drain = drain.min(REALTIME_DRAIN);
    }
    let deadline = started + drain;
    let mut peak_rss = 0;
    while counter.load(Ordering::Relaxed) < base + t.accepted && Instant::now() < deadline {
        if let Some(kb) = memory(args.server_pid)["rss_kb"].as_u64() {
            peak_rss = peak_rss.max(kb);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let arrived = counter.load(Ordering::Relaxed) - base;
    let window = match (t.starts.iter().min(), t.starts.iter().max()) {
        (Some(a), Some(b)) => (*b - *a).as_secs_f64(),
        _ => 0.0,
    };
    json!({
        "kind": t.kind,
        "label": t.label,
        "rate": t.rate,
        "events_per_s": t.events_per_s,
        "planned": t.planned,
        "sent": t.starts.len(),
        "acked": t.accepted,
        "non_200": t.starts.len() - t.accepted,
        "send_s": sending,
        "achieved_rate": if window > 0.0 { (t.starts.len().saturating_sub(1)) as f64 / window } else { f64::NAN },
        "arrived": arrived,
        "drained": arrived >= t.accepted,
        "drain_s": started.elapsed().as_secs_f64(),
        "cpu_s": cpu_delta(cpu0, &cpu_now(args)),
        "memory_after": memory(args.server_pid),
        "peak_rss_kb_sampled": peak_rss,
    })
}

fn planned(args: &Args, per_s: f64) -> usize {
    ((per_s * args.phase_secs).round() as usize).max(1)
}

/// Webhooks: `rate` deliveries/s, the customers in turn.
async fn webhook_phase(
    args: &Args,
    client: &reqwest::Client,
    hook: &str,
    label: &str,
    rate: f64,
    w: &Watchers,
) -> anyhow::Result<(Value, Vec<Sent>)> {
    let total = planned(args, rate);
    let deliveries = (0..total)
        .map(|i| delivery(args, i % args.watchers, &format!("{label}-{i}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let base = w.seen.created.load(Ordering::Relaxed);
    let cpu0 = cpu_now(args);
    let started = Instant::now();
    let sent = send_all(client, hook, deliveries, rate, args.in_flight).await;
    let tally = Tally {
        kind: "webhook",
        label: label.to_owned(),
        rate,
        events_per_s: 2.0 * rate,
        planned: total,
        starts: sent.iter().map(|s| s.start).collect(),
        accepted: sent.iter().filter(|s| s.status == 200).count(),
    };
    let mut out = settle(args, &tally, &w.seen.created, base, started, &cpu0).await;
    out["intake_ms"] = summary(
        sent.iter()
            .filter(|s| s.status == 200)
            .map(|s| ms(s.end - s.start))
            .collect(),
    );
    Ok((out, sent))
}

/// Typing: `2 × rate` frames/s from the typists, conversation after conversation, each
/// conversation's frames alternating on and off (so the server's one-second filter, which
/// only drops a repeat of the typist's previous conversation and state, drops none). Returns, per conversation, when
/// each of its frames was sent.
async fn typing_phase(
    args: &Args,
    typists: &[Typist],
    conversations: &[Uuid],
    label: &str,
    rate: f64,
    w: &Watchers,
) -> anyhow::Result<(Value, HashMap<Uuid, Vec<Instant>>)> {
    let per_s = 2.0 * rate;
    let total = planned(args, per_s);
    let base = w.seen.typing.load(Ordering::Relaxed);
    let cpu0 = cpu_now(args);
    let started = Instant::now();
    let t0 = started + Duration::from_millis(20);
    let mut sent: HashMap<Uuid, Vec<Instant>> = HashMap::new();
    let mut starts = Vec::with_capacity(total);
    let mut accepted = 0;
    for i in 0..total {
        let k = i % conversations.len();
        let on = (i / conversations.len()).is_multiple_of(2);
        let frame = json!({"type": "typing", "conversation_id": conversations[k], "on": on}).to_string();
        tokio::time::sleep_until(t0 + Duration::from_secs_f64(i as f64 / per_s)).await;
        let at = Instant::now();
        starts.push(at);
        // A typist the server closed (too slow, say) is counted, not fatal.
        let typist = &typists[k % typists.len()];
        if typist.lock().await.send(Message::text(frame)).await.is_ok() {
            sent.entry(conversations[k]).or_default().push(at);
            accepted += 1;
        }
    }
    let tally = Tally {
        kind: "typing",
        label: label.to_owned(),
        rate,
        events_per_s: per_s,
        planned: total,
        accepted,
        starts,
    };
    Ok((settle(args, &tally, &w.seen.typing, base, started, &cpu0).await, sent))
}

/// Another node's publishes: `rate` batches/s of a delivery's events, one `NOTIFY` each.
/// Returns when each message id was published.
async fn bus_phase(
    args: &Args,
    bus: &Arc<PgNotifyBus>,
    tenant: TenantId,
    conversations: &[Uuid],
    label: &str,
    rate: f64,
    w: &Watchers,
) -> anyhow::Result<(Value, HashMap<Uuid, Instant>)> {
    let total = planned(args, rate);
    let base = w.seen.created.load(Ordering::Relaxed);
    let cpu0 = cpu_now(args);
    let started = Instant::now();
    let t0 = started + Duration::from_millis(20);
    let permits = Arc::new(Semaphore::new(args.in_flight.max(1)));
    let mut tasks = Vec::with_capacity(total);
    for i in 0..total {
        let conversation = conversations[i % conversations.len()];
        let message = Uuid::now_v7();
        let batch = vec![
            Event::new(EventKind::MessageCreated, tenant)
                .conversation(conversation)
                .message(message)
                .data(json!({ "direction": "inbound", "type": "text" })),
            Event::new(EventKind::ConversationUpdated, tenant).conversation(conversation),
        ];
        tokio::time::sleep_until(t0 + Duration::from_secs_f64(i as f64 / rate)).await;
        let permit = Arc::clone(&permits).acquire_owned().await?;
        let bus = Arc::clone(bus);
        tasks.push(tokio::spawn(async move {
            let at = Instant::now();
            let ok = bus.publish_batch(batch).await.is_ok();
            drop(permit);
            (message, at, ok)
        }));
    }
    let mut published = HashMap::with_capacity(total);
    let mut starts = Vec::with_capacity(total);
    let mut accepted = 0;
    for t in tasks {
        let (message, at, ok) = t.await?;
        starts.push(at);
        if ok {
            accepted += 1;
            published.insert(message, at);
        }
    }
    let tally = Tally {
        kind: "bus",
        label: label.to_owned(),
        rate,
        events_per_s: 2.0 * rate,
        planned: total,
        starts,
        accepted,
    };
    Ok((
        settle(args, &tally, &w.seen.created, base, started, &cpu0).await,
        published,
    ))
}

/// Message id → provider message id of the watched conversations, through the API.
async fn provider_ids(
    args: &Args,
    client: &reqwest::Client,
    conversations: &[Uuid],
) -> anyhow::Result<HashMap<Uuid, String>> {
    let mut out = HashMap::new();
    for c in conversations {
        let mut before: Option<String> = None;
        loop {
            let mut url = format!(
                "{}/api/v1/conversations/{c}/messages?limit=200",
                args.url.trim_end_matches('/')
            );
            if let Some(b) = &before {
                url.push_str(&format!("&before={b}"));
            }
            let page: Value = client
                .get(&url)
                .bearer_auth(&args.token)
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            let items = page["items"].as_array().cloned().unwrap_or_default();
            for m in &items {
                if let (Some(id), Some(p)) = (
                    m["id"].as_str().and_then(|s| Uuid::parse_str(s).ok()),
                    m["provider_message_id"].as_str(),
                ) {
                    out.insert(id, p.to_owned());
                }
            }
            before = items.last().and_then(|m| m["id"].as_str()).map(str::to_owned);
            if page["next_cursor"].is_null() || items.is_empty() {
                break;
            }
        }
    }
    Ok(out)
}

/// A typist's sending half, shared with its heartbeat.
type Typist = Arc<tokio::sync::Mutex<SplitSink<Ws, Message>>>;

/// The typists: sockets of another member of the bench tenant that only send `typing` and
/// their heartbeat (what they are sent back is read and dropped).
async fn open_typists(args: &Args, stop: &tokio_util::sync::CancellationToken) -> anyhow::Result<Vec<Typist>> {
    if args.typists == 0 {
        return Ok(Vec::new());
    }
    let token = args
        .typist_token
        .as_deref()
        .context("--typists needs --typist-token (another member of the bench tenant)")?;
    let mut sinks = Vec::with_capacity(args.typists);
    for _ in 0..args.typists {
        let (ws, _) = open(&args.url, token, &[]).await?;
        let (sink, mut stream) = ws.split();
        tokio::spawn(async move {
            while let Some(Ok(m)) = stream.next().await {
                if let Message::Text(t) = m
                    && t.as_str().starts_with(r#"{"type":"error""#)
                {
                    log(format!("a typist was refused: {}", t.as_str()));
                }
            }
        });
        let sink: Typist = Arc::new(tokio::sync::Mutex::new(sink));
        let (beat, stop) = (Arc::clone(&sink), stop.clone());
        tokio::spawn(async move {
            let mut every = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
            loop {
                tokio::select! {
                    () = stop.cancelled() => return,
                    _ = every.tick() => {
                        if beat.lock().await.send(Message::text(r#"{"type":"ping"}"#)).await.is_err() {
                            return;
                        }
                    }
                }
            }
        });
        sinks.push(sink);
    }
    Ok(sinks)
}

/// Latencies in ms per phase label: message ids (webhook: through the provider id; bus: by
/// id) and typing events (by order per conversation).
struct Matching {
    by_label: HashMap<String, Vec<f64>>,
    unmatched: usize,
}

impl Matching {
    fn new() -> Self {
        Self {
            by_label: HashMap::new(),
            unmatched: 0,
        }
    }

    fn created(
        &mut self,
        received: &[(Uuid, Instant)],
        provider: &HashMap<Uuid, String>,
        sends: &HashMap<String, Vec<Sent>>,
        bus: &HashMap<String, HashMap<Uuid, Instant>>,
    ) {
        for (message, at) in received {
            let via_webhook = || {
                let p = provider.get(message)?;
                let (label, i) = p.strip_prefix("wamid.")?.rsplit_once('-')?;
                let sent = sends.get(label)?.get(i.parse::<usize>().ok()?)?;
                Some((label.to_owned(), sent.start))
            };
            let via_bus = || {
                bus.iter()
                    .find_map(|(label, m)| m.get(message).map(|t| (label.clone(), *t)))
            };
            match via_bus().or_else(via_webhook) {
                Some((label, sent)) => self.by_label.entry(label).or_default().push(ms(*at - sent)),
                None => self.unmatched += 1,
            }
        }
    }

    fn typing(&mut self, received: &[(Uuid, Instant)], typing: &[(String, HashMap<Uuid, Vec<Instant>>)]) {
        let mut per_conversation: HashMap<Uuid, Vec<Instant>> = HashMap::new();
        for (c, at) in received {
            per_conversation.entry(*c).or_default().push(*at);
        }
        for (c, arrivals) in per_conversation {
            // Phases ran one after another: the n-th arrival answers the n-th frame sent.
            let sent = typing
                .iter()
                .flat_map(|(label, m)| m.get(&c).into_iter().flatten().map(move |t| (label, *t)));
            for ((label, t), at) in sent.zip(arrivals) {
                self.by_label.entry(label.clone()).or_default().push(ms(at - t));
            }
        }
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.watchers == 0 || args.watchers + args.typists > args.sockets {
        bail!("--watchers must be at least 1, and watchers + typists at most --sockets");
    }
    let prefix = args
        .id_prefix
        .clone()
        .unwrap_or_else(|| format!("rt-{}", Uuid::now_v7().simple()));
    let hook = format!(
        "{}/api/v1/webhooks/whatsapp/{}",
        args.ingest_url.as_deref().unwrap_or(&args.url).trim_end_matches('/'),
        args.channel
    );
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.in_flight)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(120))
        .build()?;
    let stop = tokio_util::sync::CancellationToken::new();

    let before = memory(args.server_pid);
    log(format!("opening {} idle sockets", idle_count(&args)));
    let (idle_stats, idle_open, idle_secs) = open_idle(&args, &stop).await?;
    log(format!(
        "{idle_open} idle sockets open in {idle_secs:.1} s; opening {} watchers",
        args.watchers
    ));
    let mut w = open_watchers(&args).await?;
    let typists = open_typists(&args, &stop).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let connected = memory(args.server_pid);

    log("warm-up: one delivery per customer");
    let conversations = warm_up(&args, &client, &hook, &prefix, &mut w).await?;
    log("baselines");
    let ping = ping_floor(&w, args.pings).await?;
    let bus_floor = match &args.pg_url {
        Some(url) => pg_bus_floor(url)
            .await
            .unwrap_or_else(|e| json!({ "error": format!("{e:#}") })),
        None => Value::Null,
    };
    let idle_cpu = {
        let before = cpu_now(&args);
        tokio::time::sleep(Duration::from_secs_f64(args.idle_secs)).await;
        let spent = cpu_delta(&before, &cpu_now(&args));
        json!({ "seconds": args.idle_secs, "cpu_s": spent })
    };
    let other_node = match &args.pg_events_url {
        Some(url) => {
            let opts = atende_db::DbOptions {
                max_connections: 8,
                ..atende_db::DbOptions::default()
            };
            let db = atende_db::Db::connect(url, &opts).await?;
            Some(Arc::new(PgNotifyBus::connect(db, url, 4096).await?))
        }
        None => None,
    };

    let mut phases = Vec::new();
    let mut sends: HashMap<String, Vec<Sent>> = HashMap::new();
    let mut typed: Vec<(String, HashMap<Uuid, Vec<Instant>>)> = Vec::new();
    let mut published: HashMap<String, HashMap<Uuid, Instant>> = HashMap::new();
    for rate in &args.rates {
        if !typists.is_empty() {
            let label = format!("{prefix}-t{rate}");
            log(format!(
                "typing phase: {} frames/s for {} s",
                2.0 * rate,
                args.phase_secs
            ));
            let (summary, sent) = typing_phase(&args, &typists, &conversations, &label, *rate, &w).await?;
            log(format!("  {summary}"));
            phases.push(summary);
            typed.push((label, sent));
        }
        if let Some(bus) = &other_node {
            let label = format!("{prefix}-b{rate}");
            log(format!("bus phase: {rate} batches/s for {} s", args.phase_secs));
            let (summary, sent) = bus_phase(&args, bus, w.tenant, &conversations, &label, *rate, &w).await?;
            log(format!("  {summary}"));
            phases.push(summary);
            published.insert(label, sent);
        }
        let label = format!("{prefix}-r{rate}");
        log(format!("webhook phase: {rate} deliveries/s for {} s", args.phase_secs));
        let (summary, sent) = webhook_phase(&args, &client, &hook, &label, *rate, &w).await?;
        log(format!("  {summary}"));
        phases.push(summary);
        sends.insert(label, sent);
    }

    // Everything each watcher received, then the matching (through the API for webhooks).
    let mut received = Received::default();
    for c in &w.cmds {
        let (tx, rx) = oneshot::channel();
        if c.send(Cmd::Finish(tx)).await.is_ok()
            && let Ok(r) = rx.await
        {
            received.created.extend(r.created);
            received.typing.extend(r.typing);
        }
    }
    let ids = provider_ids(&args, &client, &conversations).await?;
    let mut matching = Matching::new();
    matching.created(&received.created, &ids, &sends, &published);
    matching.typing(&received.typing, &typed);
    for p in &mut phases {
        let label = p["label"].as_str().unwrap_or_default().to_owned();
        p["e2e_ms"] = summary(matching.by_label.remove(&label).unwrap_or_default());
    }
    let unmatched = matching.unmatched;
    stop.cancel();
    let closes = w
        .seen
        .closes
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    let idle_closed = idle_stats
        .closed
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    let out = json!({
        "sockets": args.sockets,
        "watchers": args.watchers,
        "idle_opened": idle_open,
        "idle_open_s": idle_secs,
        "memory_before": before,
        "memory_connected": connected,
        "memory_end": memory(args.server_pid),
        "baseline_ws_ping_ms": ping,
        "baseline_pg_bus_ms": bus_floor,
        "typists": args.typists,
        "idle_cpu": idle_cpu,
        "phases": phases,
        "received_other": unmatched,
        "idle_events": idle_stats.events.load(Ordering::Relaxed),
        "idle_closed": idle_closed,
        "watcher_closes": closes,
    });
    println!("{out}");
    Ok(())
}
