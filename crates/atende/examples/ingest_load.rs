//! Load generator for WhatsApp webhook intake (used by `bench/ingest`).
//!
//! Pre-builds `--total` signed deliveries, signs each raw body as Meta does
//! (`X-Hub-Signature-256`, HMAC-SHA256 with the channel's app secret), opens `--concurrency`
//! keep-alive connections and fires the deliveries over them, each connection sending its next
//! delivery as soon as the previous one is answered. Prints one JSON line on stdout:
//! acknowledged deliveries per second (in all and per kind), latency percentiles and how many
//! answers were not `200`.
//!
//! Two kinds of delivery, in the shapes of `shared/fixtures/channels/whatsapp/inbound/`:
//! - **text** (`text.json`): a customer writes; a fresh `messages[0].id` (`wamid.<id-prefix>-<n>`,
//!   `n` the delivery's index in this run), the customer cycling through `--customers` distinct
//!   numbers (`n % customers`), a current timestamp;
//! - **status** (`status-sent.json`, `status-delivered.json`, `status-read.json`): WhatsApp
//!   reports on a message the business sent. Only with `--status-share` > 0: that share of the
//!   deliveries, spread evenly (delivery `n` is a status when `floor((n+1)·share)` >
//!   `floor(n·share)`, so a run of `total` has exactly `floor(total·share)`). The statuses
//!   follow one sequence over every run of a bench, numbered from `--status-offset`: status `j`
//!   reports on outbound message `k` (`wamid.<outbound-prefix>-<k>`, sent to customer
//!   `k % customers`, our message id `--outbound-id-base + k` echoed as
//!   `biz_opaque_callback_data`), and every message goes `sent` → `delivered` → `read`: the
//!   messages come in waves of `--status-wave`; a wave's `sent` statuses come first, then its
//!   `delivered`, then its `read`, then the next wave's. The caller creates those outbound
//!   messages before the statuses are applied; the JSON line's `next_status_offset` is the
//!   `--status-offset` of the next run.
//!
//! ```sh
//! cargo run --release --example ingest_load -- \
//!     --url http://127.0.0.1:8080 --channel <uuid> --secret <app secret> \
//!     --total 20000 --concurrency 32
//! # with 30 % statuses for the outbound messages wamid.camp-out-0 … wamid.camp-out-1999
//! ingest_load … --status-share 0.3 --outbound-prefix camp-out --outbound-count 2000
//! ```
//!
//! Every flag can also come from the environment (`INGEST_URL`, `INGEST_CHANNEL`, …).

use anyhow::{Context, bail};
use clap::Parser;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(Parser, Debug)]
#[command(about = "Fire signed WhatsApp webhook deliveries at an Atende server")]
struct Args {
    /// The server's base URL.
    #[arg(long, env = "INGEST_URL", default_value = "http://127.0.0.1:8080")]
    url: String,
    /// The channel id (from `POST /api/v1/channels/connectors`).
    #[arg(long, env = "INGEST_CHANNEL")]
    channel: String,
    /// The channel's app secret (signs the bodies).
    #[arg(long, env = "INGEST_SECRET")]
    secret: String,
    /// How many deliveries to send.
    #[arg(long, env = "INGEST_TOTAL", default_value_t = 20_000)]
    total: usize,
    /// How many requests are in flight at once (one keep-alive connection each).
    #[arg(long, env = "INGEST_CONCURRENCY", default_value_t = 32)]
    concurrency: usize,
    /// How many distinct customers (`from` / `wa_id`) the deliveries cycle through.
    #[arg(long, env = "INGEST_CUSTOMERS", default_value_t = 1_000)]
    customers: usize,
    /// Prefix of the WhatsApp message ids (`wamid.<prefix>-<n>`); must differ between runs
    /// against the same channel, or the messages are duplicates the server ignores.
    #[arg(long, env = "INGEST_ID_PREFIX")]
    id_prefix: Option<String>,
    /// The business phone number id in the deliveries' metadata.
    #[arg(long, env = "INGEST_PHONE_NUMBER_ID", default_value = "109284736501827")]
    phone_number_id: String,
    /// Share of the deliveries that are delivery statuses for outbound messages (0 to 1).
    #[arg(long, env = "INGEST_STATUS_SHARE", default_value_t = 0.0)]
    status_share: f64,
    /// Provider ids of the outbound messages the statuses report on: `wamid.<prefix>-<k>`.
    #[arg(long, env = "INGEST_OUTBOUND_PREFIX")]
    outbound_prefix: Option<String>,
    /// How many outbound messages exist (`k` in `0..count`); each gets three statuses.
    #[arg(long, env = "INGEST_OUTBOUND_COUNT", default_value_t = 0)]
    outbound_count: usize,
    /// Our id of outbound message 0 (a UUID); message `k`'s is this plus `k`, echoed as
    /// `biz_opaque_callback_data`. Without it the statuses carry no callback data.
    #[arg(long, env = "INGEST_OUTBOUND_ID_BASE")]
    outbound_id_base: Option<uuid::Uuid>,
    /// Index of this run's first status in the sequence shared by all runs (see the docs).
    #[arg(long, env = "INGEST_STATUS_OFFSET", default_value_t = 0)]
    status_offset: usize,
    /// Outbound messages per wave: all their `sent`, then all `delivered`, then all `read`.
    #[arg(long, env = "INGEST_STATUS_WAVE", default_value_t = 500)]
    status_wave: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Status,
}

struct Delivery {
    kind: Kind,
    body: Vec<u8>,
    signature: String,
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    status: BTreeMap<u16, usize>,
    acked_text: usize,
    acked_status: usize,
    errors: usize,
    first_error: Option<String>,
}

/// The three reports every outbound message gets, in this order.
const STAGES: [&str; 3] = ["sent", "delivered", "read"];

/// Which outbound message and which stage the `j`-th status of the sequence reports (see the
/// module docs); `None` past the last message's `read`.
fn status_target(j: usize, count: usize, wave: usize) -> Option<(usize, usize)> {
    let wave = wave.max(1);
    let first = (j / (3 * wave)) * wave;
    let size = count.checked_sub(first)?.min(wave);
    if size == 0 {
        return None;
    }
    let within = j % (3 * wave);
    let stage = within / size;
    (stage < STAGES.len()).then_some((first + within % size, stage))
}

/// Whether delivery `i` of a run is a status (evenly spread, `floor(total·share)` in all).
fn is_status(i: usize, share: f64) -> bool {
    ((i + 1) as f64 * share).floor() > (i as f64 * share).floor()
}

/// The `value` of a `messages` change, around one entry of `messages` or `statuses`.
fn envelope(args: &Args, value: serde_json::Value) -> serde_json::Value {
    let mut value = value;
    value["messaging_product"] = json!("whatsapp");
    value["metadata"] = json!({
        "display_phone_number": "551140028922",
        "phone_number_id": args.phone_number_id,
    });
    json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "104829375610293", "changes": [{ "value": value, "field": "messages" }] }],
    })
}

fn wa_id(customer: usize) -> String {
    format!("55119{customer:08}")
}

fn text_delivery(args: &Args, prefix: &str, i: usize, now: &str) -> serde_json::Value {
    let customer = i % args.customers.max(1);
    let wa_id = wa_id(customer);
    envelope(
        args,
        json!({
            "contacts": [{ "profile": { "name": format!("Cliente {customer} 🌻") }, "wa_id": wa_id }],
            "messages": [{
                "from": wa_id,
                "id": format!("wamid.{prefix}-{i}"),
                "timestamp": now,
                "type": "text",
                "text": { "body": format!(
                    "Olá! Meu pedido #{} ainda não chegou 😟 Vocês conseguem verificar, por favor?",
                    40_000 + i
                ) },
            }],
        }),
    )
}

/// Status `j` of the sequence, shaped like WhatsApp's: `sent` and `delivered` carry the
/// conversation and pricing objects (only `sent` the conversation's expiry), `read` neither.
fn status_delivery(args: &Args, out_prefix: &str, j: usize, now: u64) -> anyhow::Result<serde_json::Value> {
    let Some((k, stage)) = status_target(j, args.outbound_count, args.status_wave) else {
        bail!(
            "status {j} is past the last report of the {} outbound messages (raise --outbound-count)",
            args.outbound_count
        );
    };
    let customer = k % args.customers.max(1);
    let mut status = json!({
        "id": format!("wamid.{out_prefix}-{k}"),
        "status": STAGES[stage],
        "timestamp": now.to_string(),
        "recipient_id": wa_id(customer),
    });
    if let Some(base) = args.outbound_id_base {
        let ours = uuid::Uuid::from_u128(base.as_u128().wrapping_add(k as u128));
        status["biz_opaque_callback_data"] = json!(ours.to_string());
    }
    if stage < 2 {
        let mut conversation = json!({
            "id": format!("{:032x}", 0xa3f1_c9e2_7b5d_4086_u128 << 64 | customer as u128),
            "origin": { "type": "service" },
        });
        if stage == 0 {
            conversation["expiration_timestamp"] = json!((now + 86_400).to_string());
        }
        status["conversation"] = conversation;
        status["pricing"] = json!({
            "billable": false,
            "pricing_model": "PMP",
            "type": "free_customer_service",
            "category": "service",
        });
    }
    Ok(envelope(args, json!({ "statuses": [status] })))
}

fn build(args: &Args, prefix: &str) -> anyhow::Result<Vec<Delivery>> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("clock before 1970")?
        .as_secs();
    let now_text = now.to_string();
    let share = args.status_share;
    let out_prefix = args.outbound_prefix.as_deref();
    let mut next_status = args.status_offset;
    (0..args.total)
        .map(|i| {
            let (kind, body) = match out_prefix {
                Some(out) if is_status(i, share) => {
                    next_status += 1;
                    (Kind::Status, status_delivery(args, out, next_status - 1, now)?)
                }
                _ => (Kind::Text, text_delivery(args, prefix, i, &now_text)),
            };
            let body = serde_json::to_vec(&body)?;
            let signature = atende_channels::whatsapp_cloud::signature_header(args.secret.as_bytes(), &body)?;
            Ok(Delivery { kind, body, signature })
        })
        .collect()
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    // Nearest rank.
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    let idx = rank.clamp(1, sorted.len()) - 1;
    sorted[idx] as f64 / 1000.0
}

/// Sends every delivery over `concurrency` connections, each sending its next one as soon as the
/// previous one is answered.
async fn fire(
    client: &reqwest::Client,
    url: &str,
    deliveries: Arc<Vec<Delivery>>,
    concurrency: usize,
) -> anyhow::Result<Tally> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let client = client.clone();
        let url = url.to_owned();
        let next = Arc::clone(&next);
        let deliveries = Arc::clone(&deliveries);
        tasks.push(tokio::spawn(async move {
            let mut tally = Tally {
                latencies_us: Vec::with_capacity(deliveries.len() / concurrency + 1),
                ..Tally::default()
            };
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(d) = deliveries.get(i) else { break };
                let t0 = Instant::now();
                let sent = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("x-hub-signature-256", &d.signature)
                    .body(d.body.clone())
                    .send()
                    .await;
                match sent {
                    Ok(resp) => {
                        let status = resp.status().as_u16();
                        // Read the (empty) body so the connection goes back to the pool.
                        let _ = resp.bytes().await;
                        tally.latencies_us.push(t0.elapsed().as_micros() as u64);
                        *tally.status.entry(status).or_default() += 1;
                        if status == 200 {
                            match d.kind {
                                Kind::Text => tally.acked_text += 1,
                                Kind::Status => tally.acked_status += 1,
                            }
                        }
                    }
                    Err(e) => {
                        tally.errors += 1;
                        tally.first_error.get_or_insert_with(|| e.to_string());
                    }
                }
            }
            tally
        }));
    }
    let mut all = Tally::default();
    for t in tasks {
        let t = t.await?;
        all.latencies_us.extend(t.latencies_us);
        for (k, v) in t.status {
            *all.status.entry(k).or_default() += v;
        }
        all.acked_text += t.acked_text;
        all.acked_status += t.acked_status;
        all.errors += t.errors;
        if all.first_error.is_none() {
            all.first_error = t.first_error;
        }
    }
    Ok(all)
}

fn check(args: &Args) -> anyhow::Result<()> {
    if args.concurrency == 0 {
        bail!("--concurrency must be at least 1");
    }
    if !(0.0..=1.0).contains(&args.status_share) {
        bail!("--status-share must be between 0 and 1");
    }
    if args.status_share > 0.0 && (args.outbound_prefix.is_none() || args.outbound_count == 0) {
        bail!("--status-share needs --outbound-prefix and --outbound-count (the messages the statuses report on)");
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    check(&args)?;
    let prefix = args.id_prefix.clone().unwrap_or_else(|| {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        format!("bench-{t}")
    });
    let t_build = Instant::now();
    let deliveries = Arc::new(build(&args, &prefix)?);
    let build_ms = t_build.elapsed().as_secs_f64() * 1000.0;
    let mean_body = deliveries.iter().map(|d| d.body.len()).sum::<usize>() as f64 / deliveries.len().max(1) as f64;
    let statuses = deliveries.iter().filter(|d| d.kind == Kind::Status).count();

    let url = format!(
        "{}/api/v1/webhooks/whatsapp/{}",
        args.url.trim_end_matches('/'),
        args.channel
    );
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .pool_idle_timeout(Duration::from_secs(120))
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(60))
        .build()?;

    // Open every connection before the clock starts (one cheap request each, all at once).
    let ready = format!("{}/healthz", args.url.trim_end_matches('/'));
    let warm = (0..args.concurrency).map(|_| {
        let client = client.clone();
        let ready = ready.clone();
        async move { client.get(&ready).send().await.map(|r| r.status()) }
    });
    for r in futures::future::join_all(warm).await {
        r.context("the server does not answer /healthz")?;
    }

    let started = Instant::now();
    let mut all = fire(&client, &url, deliveries, args.concurrency).await?;
    let elapsed = started.elapsed().as_secs_f64();
    all.latencies_us.sort_unstable();
    let ok = all.status.get(&200).copied().unwrap_or(0);
    let answered: usize = all.status.values().sum();
    let mean_ms = if all.latencies_us.is_empty() {
        f64::NAN
    } else {
        all.latencies_us.iter().sum::<u64>() as f64 / all.latencies_us.len() as f64 / 1000.0
    };
    let out = json!({
        "deliveries": args.total,
        "concurrency": args.concurrency,
        "customers": args.customers,
        "id_prefix": prefix,
        "text_deliveries": args.total - statuses,
        "status_deliveries": statuses,
        "status_share": args.status_share,
        "status_offset": args.status_offset,
        "next_status_offset": args.status_offset + statuses,
        "mean_body_bytes": mean_body.round(),
        "build_ms": (build_ms * 10.0).round() / 10.0,
        "elapsed_s": elapsed,
        "acknowledged": ok,
        "acknowledged_text": all.acked_text,
        "acknowledged_status": all.acked_status,
        "acks_per_s": ok as f64 / elapsed,
        "non_200": answered - ok,
        "errors": all.errors,
        "first_error": all.first_error,
        "status_counts": all.status.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "latency_ms": {
            "p50": percentile(&all.latencies_us, 50.0),
            "p90": percentile(&all.latencies_us, 90.0),
            "p99": percentile(&all.latencies_us, 99.0),
            "max": percentile(&all.latencies_us, 100.0),
            "mean": mean_ms,
        },
    });
    println!("{out}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_gets_its_three_statuses_in_order() {
        let (count, wave) = (7, 3);
        let mut seen: Vec<Vec<usize>> = vec![Vec::new(); count];
        let mut j = 0;
        while let Some((k, stage)) = status_target(j, count, wave) {
            seen[k].push(stage);
            j += 1;
        }
        assert_eq!(j, 3 * count);
        assert!(seen.iter().all(|s| s == &[0, 1, 2]));
    }

    #[test]
    fn a_run_has_floor_total_times_share_statuses() {
        let n = (0..1000).filter(|i| is_status(*i, 0.3)).count();
        assert_eq!(n, 300);
    }
}
