//! Batched apply: a batch of webhook deliveries ends in exactly the rows that applying them one
//! by one gives — duplicates, several statuses of one message, two tenants, a reply to a message
//! of the same batch, a delivery that can never apply and one whose media must be retried.

use crate::harness::{Engine, TestApp};
use crate::whatsapp::{ANA, OTHER_PHONE_ID, PHONE_ID, connect, deliver, mount_graph, status};
use atende_core::jobs::WorkerConfig;
use atende_db::Scoped;
use atende_db::entities::{contact_identities, contacts, conversations, jobs, messages, webhook_events};
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

both_engines!(a_batch_applies_exactly_as_one_by_one);

const BIA: &str = "5521998877665";
/// A media id whose download fails with a 500 (retried later).
const BROKEN_MEDIA: &str = "1999888777666555";

fn envelope(phone_id: &str, value: Value) -> Vec<u8> {
    let mut value = value;
    value["messaging_product"] = json!("whatsapp");
    value["metadata"] = json!({ "display_phone_number": "551140028922", "phone_number_id": phone_id });
    serde_json::to_vec(&json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "104829375610293", "changes": [{ "field": "messages", "value": value }]}]
    }))
    .unwrap()
}

fn text(phone_id: &str, from: &str, name: &str, id: &str, ts: i64, body: &str, reply_to: Option<&str>) -> Vec<u8> {
    let mut m =
        json!({ "from": from, "id": id, "timestamp": ts.to_string(), "type": "text", "text": { "body": body } });
    if let Some(r) = reply_to {
        m["context"] = json!({ "from": from, "id": r });
    }
    envelope(
        phone_id,
        json!({ "contacts": [{ "profile": { "name": name }, "wa_id": from }], "messages": [m] }),
    )
}

fn image(id: &str, media_id: &str, ts: i64, caption: &str) -> Vec<u8> {
    envelope(
        PHONE_ID,
        json!({
            "contacts": [{ "profile": { "name": "Ana Beatriz 🌻" }, "wa_id": ANA }],
            "messages": [{ "from": ANA, "id": id, "timestamp": ts.to_string(), "type": "image",
                "image": { "mime_type": "image/jpeg", "id": media_id, "caption": caption } }]
        }),
    )
}

/// The deliveries, in the order they are posted: (channel index, body).
fn deliveries(outbound: &[String], ts: i64) -> Vec<(usize, Vec<u8>)> {
    let a1 = "wamid.batch-ana-1";
    let bia1 = "wamid.batch-bia-1";
    let reaction = envelope(
        PHONE_ID,
        json!({ "messages": [{ "from": ANA, "id": "wamid.batch-ana-react", "timestamp": (ts + 9).to_string(),
            "type": "reaction", "reaction": { "message_id": a1, "emoji": "👍" } }] }),
    );
    let changed_number = envelope(
        PHONE_ID,
        json!({ "messages": [{ "from": ANA, "id": "wamid.batch-ana-system", "timestamp": (ts + 11).to_string(),
            "type": "system", "system": { "body": "Ana changed number", "wa_id": "5511900001111", "type": "user_changed_number" } }] }),
    );
    // A message and a status in one delivery.
    let mixed = envelope(
        PHONE_ID,
        json!({
            "contacts": [{ "profile": { "name": "Bia" }, "wa_id": BIA }],
            "messages": [{ "from": BIA, "id": "wamid.batch-bia-3", "timestamp": (ts + 12).to_string(), "type": "text", "text": { "body": "e agora?" } }],
            "statuses": [{ "id": outbound[1], "status": "delivered", "timestamp": (ts + 12).to_string(), "recipient_id": ANA }]
        }),
    );
    let first = text(PHONE_ID, ANA, "Ana Beatriz 🌻", a1, ts, "Oi, meu pedido chegou?", None);
    vec![
        (0, first.clone()),
        (0, first),
        (0, status(&outbound[0], "sent", ts + 1, None)),
        (0, status(&outbound[0], "read", ts + 3, None)),
        (0, status(&outbound[0], "delivered", ts + 2, None)),
        (0, status(&outbound[1], "failed", ts + 4, None)),
        (0, text(PHONE_ID, BIA, "Bia", bia1, ts + 5, "Boa tarde!", None)),
        (
            0,
            text(
                PHONE_ID,
                BIA,
                "Bia",
                "wamid.batch-bia-2",
                ts + 6,
                "Respondendo a mim mesma",
                Some(bia1),
            ),
        ),
        (
            0,
            image(
                "wamid.batch-ana-img",
                "1184392716648213",
                ts + 7,
                "comprovante Pix R$ 48,90",
            ),
        ),
        (
            0,
            image("wamid.batch-ana-broken", BROKEN_MEDIA, ts + 8, "vai falhar por ora"),
        ),
        (0, reaction),
        (
            0,
            b"{\"object\":\"whatsapp_business_account\",\"entry\":\"not a list\"}".to_vec(),
        ),
        (
            1,
            text(
                OTHER_PHONE_ID,
                ANA,
                "Ana (outra empresa)",
                "wamid.batch-other-1",
                ts + 10,
                "Olá, outra loja",
                None,
            ),
        ),
        (
            1,
            envelope(
                OTHER_PHONE_ID,
                json!({ "statuses": [{ "id": "wamid.nobody-knows", "status": "read",
            "timestamp": (ts + 10).to_string(), "recipient_id": ANA }] }),
            ),
        ),
        (0, changed_number),
        (0, mixed),
        (
            0,
            text(
                PHONE_ID,
                ANA,
                "Ana Beatriz 🌻",
                "wamid.batch-ana-2",
                ts + 13,
                "Alguém aí?",
                None,
            ),
        ),
    ]
}

/// The stored state that matters, without ids and clocks of our own.
async fn snapshot(app: &TestApp, provider_until: chrono::DateTime<chrono::Utc>) -> Value {
    let tx = app.core().db.platform_tx().await.unwrap();
    let conn = tx.conn();
    let contacts = contacts::Entity::find().all(conn).await.unwrap();
    let identities = contact_identities::Entity::find().all(conn).await.unwrap();
    let convs = conversations::Entity::find().all(conn).await.unwrap();
    let msgs = messages::Entity::find().all(conn).await.unwrap();
    let events = webhook_events::Entity::find().all(conn).await.unwrap();
    let jobs = jobs::Entity::find().all(conn).await.unwrap();
    tx.commit().await.unwrap();

    // Tenants by creation order (UUIDv7): the same in both runs.
    let mut tenants: Vec<uuid::Uuid> = contacts.iter().map(|c| c.tenant_id).collect();
    tenants.sort_unstable();
    tenants.dedup();
    let tenant = |id: uuid::Uuid| tenants.iter().position(|t| *t == id);
    let person = |id: uuid::Uuid| {
        contacts
            .iter()
            .find(|c| c.id == id)
            .map(|c| {
                format!(
                    "{}|{}|{:?}",
                    c.name,
                    c.phone_e164.clone().unwrap_or_default(),
                    tenant(c.tenant_id)
                )
            })
            .unwrap_or_default()
    };
    // Times the provider gave are compared as they are; times we stamped ourselves (a send's
    // answer) only as "ours".
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| match t {
        Some(t) if t > provider_until => json!("ours"),
        other => json!(other),
    };
    let conv_key = |id: uuid::Uuid| {
        convs
            .iter()
            .find(|c| c.id == id)
            .map(|c| person(c.contact_id))
            .unwrap_or_default()
    };
    let provider_of = |id: Option<uuid::Uuid>| {
        id.and_then(|id| msgs.iter().find(|m| m.id == id))
            .and_then(|m| m.provider_message_id.clone())
    };
    let mut out = BTreeMap::new();
    out.insert(
        "contacts",
        sorted(contacts.iter().map(|c| {
            let ids: Vec<String> = identities
                .iter()
                .filter(|i| i.contact_id == c.id)
                .map(|i| format!("{}:{}", i.channel_kind, i.external_id))
                .collect();
            json!({ "tenant": tenant(c.tenant_id), "name": c.name, "phone": c.phone_e164, "identities": ids })
        })),
    );
    out.insert(
        "conversations",
        sorted(convs.iter().map(|c| {
            json!({ "contact": person(c.contact_id), "status": c.status, "unread": c.unread_count,
                    "last_inbound_at": c.last_inbound_at, "team": c.team_id })
        })),
    );
    out.insert(
        "messages",
        sorted(msgs.iter().map(|m| {
            json!({
                "conversation": conv_key(m.conversation_id), "provider_id": m.provider_message_id,
                "direction": m.direction, "type": m.kind, "body": m.body,
                // System lines name members (their ids differ between the two runs).
                "payload": if m.kind == "system" && m.direction == "outbound" { json!("members") } else { json!(m.payload) },
                "media": [m.media_mime.clone(), m.media_sha256.clone(), m.media_size.map(|s| s.to_string())],
                "reply_to": provider_of(m.reply_to_id), "reply_to_provider_id": m.reply_to_provider_id,
                "status": m.status,
                "times": [when(m.sent_at), when(m.delivered_at), when(m.read_at), when(m.played_at), when(m.failed_at)],
                "error": [m.error_code.clone(), m.error_title.clone()], "provider_timestamp": m.provider_timestamp,
            })
        })),
    );
    out.insert(
        "deliveries",
        sorted(events.iter().map(
            |e| json!({ "body": String::from_utf8_lossy(&e.raw_body), "status": e.status, "error": e.error.is_some() }),
        )),
    );
    out.insert(
        "jobs",
        sorted(jobs.iter().map(
            |j| json!({ "kind": j.kind, "status": j.status, "attempts": j.attempts, "error": j.last_error.is_some() }),
        )),
    );
    serde_json::to_value(out).unwrap()
}

fn sorted(rows: impl Iterator<Item = Value>) -> Value {
    let mut rows: Vec<Value> = rows.collect();
    rows.sort_by_key(Value::to_string);
    Value::Array(rows)
}

/// Runs the scenario with the given worker settings; returns the final state.
async fn run(engine: Engine, config: WorkerConfig, ts: i64) -> Value {
    let app = TestApp::spawn(engine).await;
    Mock::given(method("GET"))
        .and(path(format!("/{BROKEN_MEDIA}")))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(json!({ "error": { "message": "try later", "code": 2 } })),
        )
        .with_priority(1)
        .mount(&app.graph)
        .await;
    mount_graph(&app).await;
    let a = app.tenant("aurora").await;
    let b = app.tenant("boreal").await;
    let channels = [
        connect(&app, &a, PHONE_ID).await,
        connect(&app, &b, OTHER_PHONE_ID).await,
    ];

    // Before the batch: Ana wrote, and the team answered twice (wamid.test-0 and -1).
    let hello = text(
        PHONE_ID,
        ANA,
        "Ana Beatriz 🌻",
        "wamid.batch-ana-0",
        ts - 60,
        "Olá",
        None,
    );
    assert_eq!(deliver(&app, &channels[0], &hello).await, StatusCode::OK);
    app.run_pending_jobs().await;
    let (_, list) = app.get("/api/v1/conversations", &a.admin.access).await;
    let conv = list["items"][0]["id"].as_str().unwrap().to_owned();
    for body in ["Vamos verificar!", "Já encontramos."] {
        let (s, r) = app
            .post(
                &format!("/api/v1/conversations/{conv}/messages"),
                Some(&a.admin.access),
                json!({ "type": "text", "body": body }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        app.run_pending_jobs().await;
    }
    let outbound = vec!["wamid.test-0".to_owned(), "wamid.test-1".to_owned()];

    // The batch: every delivery acknowledged, one commit each, then the worker.
    for (ch, body) in deliveries(&outbound, ts) {
        assert_eq!(deliver(&app, &channels[ch], &body).await, StatusCode::OK);
    }
    app.run_pending_jobs_with(config).await;
    snapshot(&app, chrono::DateTime::from_timestamp(ts + 600, 0).unwrap()).await
}

async fn a_batch_applies_exactly_as_one_by_one(engine: Engine) {
    let ts = chrono::Utc::now().timestamp() - 3600;
    let one_by_one = run(
        engine,
        WorkerConfig {
            batch: Vec::new(),
            ..WorkerConfig::default()
        },
        ts,
    )
    .await;
    let batched = run(engine, WorkerConfig::default(), ts).await;

    // The scenario did what it should (so the comparison is not between two empty states).
    let msgs = one_by_one["messages"].as_array().unwrap();
    let by_id = |id: &str| msgs.iter().find(|m| m["provider_id"] == id).cloned();
    assert_eq!(
        msgs.iter().filter(|m| m["provider_id"] == "wamid.batch-ana-1").count(),
        1,
        "the duplicate is stored once"
    );
    assert_eq!(by_id("wamid.test-0").unwrap()["status"], "read");
    let times = by_id("wamid.test-0").unwrap()["times"].clone();
    assert!(!times[0].is_null(), "sent");
    assert!(
        times[1].is_string() && times[1] != "ours" && times[2].is_string() && times[2] != "ours",
        "delivered (late) and read are dated by the provider: {times}"
    );
    assert_eq!(
        by_id("wamid.test-1").unwrap()["status"],
        "delivered",
        "evidence of delivery overrides the failure"
    );
    assert_eq!(by_id("wamid.batch-bia-2").unwrap()["reply_to"], "wamid.batch-bia-1");
    assert_eq!(by_id("wamid.batch-ana-react").unwrap()["reply_to"], "wamid.batch-ana-1");
    assert!(by_id("wamid.batch-ana-img").unwrap()["media"][1].is_string());
    assert!(
        by_id("wamid.batch-ana-broken").is_none(),
        "its delivery waits for a retry"
    );
    assert!(by_id("wamid.batch-other-1").is_some());
    let deliveries = one_by_one["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.iter().filter(|d| d["status"] == "failed").count(), 1);
    assert_eq!(deliveries.iter().filter(|d| d["status"] == "pending").count(), 1);
    let contacts = one_by_one["contacts"].as_array().unwrap();
    assert_eq!(
        contacts.iter().filter(|c| c["phone"] == format!("+{ANA}")).count(),
        2,
        "one Ana per tenant"
    );

    assert_eq!(batched, one_by_one, "a batch ends where one-by-one does");
}
