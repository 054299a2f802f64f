//! Load generator for WhatsApp webhook intake (used by `bench/ingest`).
//!
//! Pre-builds `--total` signed deliveries in the shape of
//! `shared/fixtures/channels/whatsapp/inbound/text.json` (one text message each; a fresh
//! `messages[0].id`, the customer cycling through `--customers` distinct numbers, a current
//! timestamp), signs each raw body as Meta does (`X-Hub-Signature-256`, HMAC-SHA256 with the
//! channel's app secret), opens `--concurrency` keep-alive connections and fires the deliveries
//! over them, each connection sending its next delivery as soon as the previous one is answered.
//! Prints one JSON line on stdout: acknowledged deliveries per second, latency percentiles and
//! how many answers were not `200`.
//!
//! ```sh
//! cargo run --release --example ingest_load -- \
//!     --url http://127.0.0.1:8080 --channel <uuid> --secret <app secret> \
//!     --total 20000 --concurrency 32
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
}

struct Delivery {
    body: Vec<u8>,
    signature: String,
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    status: BTreeMap<u16, usize>,
    errors: usize,
    first_error: Option<String>,
}

fn build(args: &Args, prefix: &str) -> anyhow::Result<Vec<Delivery>> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("clock before 1970")?
        .as_secs()
        .to_string();
    let customers = args.customers.max(1);
    (0..args.total)
        .map(|i| {
            let customer = i % customers;
            let wa_id = format!("55119{customer:08}");
            let body = json!({
                "object": "whatsapp_business_account",
                "entry": [{
                    "id": "104829375610293",
                    "changes": [{
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "551140028922",
                                "phone_number_id": args.phone_number_id,
                            },
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
                        },
                        "field": "messages",
                    }],
                }],
            });
            let body = serde_json::to_vec(&body)?;
            let signature = atende_channels::whatsapp_cloud::signature_header(args.secret.as_bytes(), &body)?;
            Ok(Delivery { body, signature })
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

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.concurrency == 0 {
        bail!("--concurrency must be at least 1");
    }
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

    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(args.concurrency);
    for _ in 0..args.concurrency {
        let client = client.clone();
        let url = url.clone();
        let next = Arc::clone(&next);
        let deliveries = Arc::clone(&deliveries);
        tasks.push(tokio::spawn(async move {
            let mut tally = Tally {
                latencies_us: Vec::with_capacity(deliveries.len() / args.concurrency + 1),
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
        all.errors += t.errors;
        if all.first_error.is_none() {
            all.first_error = t.first_error;
        }
    }
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
        "mean_body_bytes": mean_body.round(),
        "build_ms": (build_ms * 10.0).round() / 10.0,
        "elapsed_s": elapsed,
        "acknowledged": ok,
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
