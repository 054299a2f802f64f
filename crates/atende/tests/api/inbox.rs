//! The agents' side: replying (the documented bodies reach the fake Graph API), the 24-hour
//! window and templates, provider errors, idempotency, notes, assignment and transfer, agent
//! scope, uploads, and every conversation route called with another tenant's ids.

use crate::harness::{Engine, Session, TenantFixture, TestApp, error_code};
use crate::whatsapp::{
    ANA, PHONE_ID, connect, conversations, dead_jobs, deliver, fixture, fresh_text, messages, mount_graph, sent_bodies,
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

/// A tenant with a WhatsApp channel and one conversation in which Ana just wrote.
struct Setup {
    app: TestApp,
    t: TenantFixture,
    channel: String,
    conv: String,
}

async fn setup(engine: Engine) -> Setup {
    let app = TestApp::spawn(engine).await;
    mount_graph(&app).await;
    let t = app.tenant("aurora").await;
    let channel = connect(&app, &t, PHONE_ID).await;
    assert_eq!(
        deliver(&app, &channel, &fresh_text("Oi, tudo bem?")).await,
        StatusCode::OK
    );
    app.run_pending_jobs().await;
    let conv = conversations(&app, &t.admin.access, "").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Setup { app, t, channel, conv }
}

fn outbound_fixture(name: &str) -> Value {
    let v: Value = serde_json::from_slice(&fixture(&format!("outbound/{name}"))).unwrap();
    v["request"]["body"].clone()
}

/// Our body without the callback data (ours carries the message id, the fixture a ticket tag).
fn without_callback(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("biz_opaque_callback_data");
    v
}

async fn send(app: &TestApp, token: &str, conv: &str, body: Value) -> (StatusCode, Value) {
    app.post(&format!("/api/v1/conversations/{conv}/messages"), Some(token), body)
        .await
}

async fn message(app: &TestApp, token: &str, conv: &str, id: &str) -> Value {
    messages(app, token, conv)
        .await
        .into_iter()
        .find(|m| m["id"] == id)
        .unwrap()
}

both_engines!(
    a_reply_sends_the_documented_body_once_and_becomes_sent,
    outside_the_window_only_an_approved_template_goes,
    provider_errors_fail_retry_or_hold_as_classified,
    idempotency_key_returns_the_first_message,
    private_notes_are_never_sent,
    assignment_and_transfer_follow_roles_and_leave_a_trail,
    agents_see_only_their_scope_and_filters_work,
    uploaded_media_is_uploaded_to_graph_then_sent_by_id,
    conversation_routes_answer_404_to_another_tenant,
    a_snoozed_conversation_is_pending_until_its_time_then_open,
);

async fn a_snoozed_conversation_is_pending_until_its_time_then_open(engine: Engine) {
    let Setup { app, t, conv, .. } = setup(engine).await;
    let until = chrono::Utc::now() + chrono::TimeDelta::milliseconds(1200);
    let (s, c) = app
        .patch(
            &format!("/api/v1/conversations/{conv}"),
            &t.admin.access,
            json!({"snoozed_until": until}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["status"], "pending");
    assert!(c["snoozed_until"].is_string());
    assert_eq!(
        atende_core::inbox::conversations::wake_snoozed(app.core())
            .await
            .unwrap(),
        0,
        "not yet"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(
        atende_core::inbox::conversations::wake_snoozed(app.core())
            .await
            .unwrap(),
        1
    );
    let (_, c) = app.get(&format!("/api/v1/conversations/{conv}"), &t.admin.access).await;
    assert_eq!(c["status"], "open");
    assert!(c["snoozed_until"].is_null());
    // A time in the past is refused: 409, the body is well-formed but the time has passed.
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{conv}"),
            &t.admin.access,
            json!({"snoozed_until": "2020-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(s, 409, "{b}");
    assert_eq!(error_code(s, &b), "snooze_in_past");
}

async fn a_reply_sends_the_documented_body_once_and_becomes_sent(engine: Engine) {
    let Setup { app, t, conv, .. } = setup(engine).await;
    let doc = outbound_fixture("send-text.json");
    let (s, m) = send(
        &app,
        &t.admin.access,
        &conv,
        json!({"type": "text", "body": doc["text"]["body"]}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert_eq!(m["status"], "queued");
    app.run_pending_jobs().await;
    app.run_pending_jobs().await;
    let bodies = sent_bodies(&app).await;
    assert_eq!(bodies.len(), 1, "sent exactly once: {bodies:?}");
    assert_eq!(without_callback(bodies[0].clone()), without_callback(doc));
    assert_eq!(bodies[0]["biz_opaque_callback_data"], m["id"]);
    let stored = message(&app, &t.admin.access, &conv, m["id"].as_str().unwrap()).await;
    assert_eq!(stored["status"], "sent");
    assert_eq!(stored["provider_message_id"], "wamid.test-0");

    // Reply with context, buttons and a list: the documented shapes.
    let inbound = messages(&app, &t.admin.access, &conv)
        .await
        .into_iter()
        .find(|m| m["direction"] == "inbound")
        .unwrap();
    let (s, _) = send(
        &app,
        &t.admin.access,
        &conv,
        json!({"type": "text", "body": "Respondendo", "reply_to_id": inbound["id"]}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let buttons = outbound_fixture("send-interactive-buttons.json");
    let i = &buttons["interactive"];
    let (s, b) = send(
        &app,
        &t.admin.access,
        &conv,
        json!({
            "type": "buttons",
            "body": i["body"]["text"],
            "header": i["header"]["text"],
            "footer": i["footer"]["text"],
            "buttons": i["action"]["buttons"].as_array().unwrap().iter()
                .map(|b| json!({"id": b["reply"]["id"], "title": b["reply"]["title"]})).collect::<Vec<_>>()
        }),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    app.run_pending_jobs().await;
    let bodies = sent_bodies(&app).await;
    assert_eq!(bodies.len(), 3);
    assert_eq!(bodies[1]["context"]["message_id"], inbound["provider_message_id"]);
    assert_eq!(bodies[2]["interactive"], buttons["interactive"]);
    assert_eq!(dead_jobs(&app).await, Vec::<String>::new());
}

async fn outside_the_window_only_an_approved_template_goes(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    mount_graph(&app).await;
    let t = app.tenant("aurora").await;
    let channel = connect(&app, &t, PHONE_ID).await;
    // The fixture's message is from June 2025: the window closed long ago.
    deliver(&app, &channel, &fixture("inbound/text.json")).await;
    app.run_pending_jobs().await;
    let c = &conversations(&app, &t.admin.access, "").await[0];
    assert_eq!(c["window_open"], false);
    let conv = c["id"].as_str().unwrap();
    let (s, b) = send(&app, &t.admin.access, conv, json!({"type": "text", "body": "Oi"})).await;
    assert_eq!(error_code(s, &b), "whatsapp_window_closed");

    // Templates come from Graph.
    let list: Value = serde_json::from_slice(&fixture("outbound/templates-list.json")).unwrap();
    Mock::given(method("GET"))
        .and(path("/104829375610293/message_templates"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": list["response"]["body"]["data"]})))
        .mount(&app.graph)
        .await;
    let (s, b) = app
        .post("/api/v1/whatsapp/templates/sync", Some(&t.admin.access), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert!(b[0]["synced"].as_u64().unwrap() >= 1, "{b}");
    let (s, tl) = app
        .get("/api/v1/whatsapp/templates?status=approved", &t.admin.access)
        .await;
    assert_eq!(s, StatusCode::OK, "{tl}");
    assert!(
        tl["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["name"] == "pedido_enviado"),
        "{tl}"
    );
    // Another tenant lists none of them.
    let other = app.tenant("outra").await;
    let (s, none) = app.get("/api/v1/whatsapp/templates", &other.admin.access).await;
    assert_eq!(s, StatusCode::OK);
    assert!(none["items"].as_array().unwrap().is_empty(), "{none}");

    // The documented positional template, exactly.
    let doc = outbound_fixture("send-template-positional.json");
    let tpl = &doc["template"];
    let comp = |kind: &str| {
        tpl["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["type"] == kind)
            .unwrap()
            .clone()
    };
    let header = comp("header")["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| json!({"type": "document", "link": p["document"]["link"], "filename": p["document"]["filename"]}))
        .collect::<Vec<_>>();
    let body = comp("body")["parameters"].as_array().unwrap().iter().map(|p| match p["type"].as_str().unwrap() {
        "text" => p["text"].clone(),
        "currency" => json!({"type": "currency", "fallback_value": p["currency"]["fallback_value"], "code": p["currency"]["code"], "amount_1000": p["currency"]["amount_1000"]}),
        "date_time" => json!({"type": "date_time", "fallback_value": p["date_time"]["fallback_value"]}),
        other => panic!("{other}"),
    }).collect::<Vec<_>>();
    let buttons = tpl["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "button")
        .map(|c| {
            let p = &c["parameters"][0];
            json!({
                "index": c["index"].as_str().unwrap().parse::<u32>().unwrap(),
                "sub_type": c["sub_type"],
                "text": p.get("text").or_else(|| p.get("payload")).unwrap()
            })
        })
        .collect::<Vec<_>>();
    let (s, m) = send(
        &app,
        &t.admin.access,
        conv,
        json!({"type": "template", "name": "pedido_enviado", "language": "pt_BR", "language_policy": "deterministic",
               "header": header, "body": body, "buttons": buttons}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert!(
        m["body"]
            .as_str()
            .unwrap()
            .starts_with("Olá, Ana! Seu pedido #48213 no valor de R$ 259,90"),
        "{m}"
    );
    app.run_pending_jobs().await;
    let bodies = sent_bodies(&app).await;
    assert_eq!(bodies.len(), 1);
    assert_eq!(without_callback(bodies[0].clone()), without_callback(doc));

    // The documented named template, exactly: its parameters go in the template's reading order
    // whatever order the request's object had (a JSON object has none).
    let named = outbound_fixture("send-template-named.json");
    let values: serde_json::Map<String, Value> = named["template"]["components"][0]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|p| (p["parameter_name"].as_str().unwrap().to_owned(), p["text"].clone()))
        .collect();
    let (s, m) = send(
        &app,
        &t.admin.access,
        conv,
        json!({"type": "template", "name": "lembrete_pagamento", "language": "pt_BR", "body": values}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert_eq!(
        m["body"],
        "Olá, João! O boleto do pedido #48377 vence em 30/06/2025. Se já pagou, desconsidere."
    );
    app.run_pending_jobs().await;
    let bodies = sent_bodies(&app).await;
    assert_eq!(bodies.len(), 2);
    let mut expected = without_callback(named);
    expected["to"] = bodies[1]["to"].clone();
    assert_eq!(without_callback(bodies[1].clone()), expected);

    // An unknown or unapproved template is refused before anything is stored.
    let (s, b) = send(
        &app,
        &t.admin.access,
        conv,
        json!({"type": "template", "name": "nope", "language": "pt_BR"}),
    )
    .await;
    assert_eq!(error_code(s, &b), "template_not_found");
}

async fn provider_errors_fail_retry_or_hold_as_classified(engine: Engine) {
    let Setup { app, t, conv, channel } = setup(engine).await;
    let error_body = |name: &str| {
        let v: Value = serde_json::from_slice(&fixture(&format!("outbound/{name}"))).unwrap();
        (
            v["response"]["status"].as_u64().unwrap() as u16,
            v["response"]["body"].clone(),
        )
    };
    let answer_once = |name: &str| {
        let (status, body) = error_body(name);
        Mock::given(method("POST"))
            .and(path(format!("/{PHONE_ID}/messages")))
            .respond_with(ResponseTemplate::new(status).set_body_json(body))
            .up_to_n_times(1)
            .with_priority(1)
    };

    // 131047 (re-engagement): failed with the provider's code and title, re-triable.
    answer_once("error-131047-reengagement.json").mount(&app.graph).await;
    let (_, m) = send(&app, &t.admin.access, &conv, json!({"type": "text", "body": "um"})).await;
    app.run_pending_jobs().await;
    let m = message(&app, &t.admin.access, &conv, m["id"].as_str().unwrap()).await;
    assert_eq!(m["status"], "failed", "{m}");
    assert_eq!(m["error"]["code"], "131047");
    assert!(m["error"]["title"].as_str().unwrap().contains("Re-engagement"), "{m}");
    let (s, r) = app
        .post_empty(
            &format!(
                "/api/v1/conversations/{conv}/messages/{}/retry",
                m["id"].as_str().unwrap()
            ),
            &t.admin.access,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["status"], "queued");
    app.run_pending_jobs().await;
    assert_eq!(
        message(&app, &t.admin.access, &conv, m["id"].as_str().unwrap()).await["status"],
        "sent"
    );
    let (s, b) = app
        .post_empty(
            &format!(
                "/api/v1/conversations/{conv}/messages/{}/retry",
                m["id"].as_str().unwrap()
            ),
            &t.admin.access,
        )
        .await;
    assert_eq!(error_code(s, &b), "message_not_failed");

    // A 500 retries later (the job is back in the queue, the message still queued).
    Mock::given(method("POST"))
        .and(path(format!("/{PHONE_ID}/messages")))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"error": {"message": "boom", "code": 1}})))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&app.graph)
        .await;
    let (_, m2) = send(&app, &t.admin.access, &conv, json!({"type": "text", "body": "dois"})).await;
    app.run_pending_jobs().await;
    let m2 = message(&app, &t.admin.access, &conv, m2["id"].as_str().unwrap()).await;
    assert_eq!(m2["status"], "queued", "{m2}");
    let depth = atende_db::jobs::stats(&app.core().db, "outbound").await.unwrap().depth;
    assert_eq!(depth, 1);

    // 190 (token expired): the message fails and the channel goes to `error`.
    answer_once("error-190-token-expired.json").mount(&app.graph).await;
    let (_, m3) = send(&app, &t.admin.access, &conv, json!({"type": "text", "body": "três"})).await;
    app.run_pending_jobs().await;
    let m3 = message(&app, &t.admin.access, &conv, m3["id"].as_str().unwrap()).await;
    assert_eq!(m3["status"], "failed");
    assert_eq!(m3["error"]["code"], "190");
    let (_, ch) = app.get(&format!("/api/v1/channels/{channel}"), &t.admin.access).await;
    assert_eq!(ch["status"], "error", "{ch}");
    // Further sends are refused up front, with the reason.
    let (s, b) = send(&app, &t.admin.access, &conv, json!({"type": "text", "body": "quatro"})).await;
    assert_eq!(error_code(s, &b), "channel_error");
    // Reconnecting (activate) clears it.
    let (s, ch) = app
        .post_empty(
            &format!("/api/v1/channels/accounts/{channel}/activate"),
            &t.admin.access,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ch["status"], "connected");

    // 130429 (throughput): the number is held back; the message waits, not fails.
    answer_once("error-130429-throughput.json").mount(&app.graph).await;
    let (_, m4) = send(&app, &t.admin.access, &conv, json!({"type": "text", "body": "cinco"})).await;
    app.run_pending_jobs().await;
    assert_eq!(
        message(&app, &t.admin.access, &conv, m4["id"].as_str().unwrap()).await["status"],
        "queued"
    );
}

async fn idempotency_key_returns_the_first_message(engine: Engine) {
    let Setup { app, t, conv, .. } = setup(engine).await;
    let post = |key: &str, conv: String| {
        let req = app
            .client
            .post(app.url(&format!("/api/v1/conversations/{conv}/messages")))
            .bearer_auth(&t.admin.access)
            .header("idempotency-key", key)
            .json(&json!({"type": "text", "body": "só uma vez"}));
        async move {
            let r = req.send().await.unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        }
    };
    let (s1, a) = post("k-1", conv.clone()).await;
    let (s2, b) = post("k-1", conv.clone()).await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::OK));
    assert_eq!(a["id"], b["id"]);
    app.run_pending_jobs().await;
    assert_eq!(sent_bodies(&app).await.len(), 1);
}

async fn private_notes_are_never_sent(engine: Engine) {
    let Setup { app, t, conv, .. } = setup(engine).await;
    let agent = app.member(&t, "agent").await;
    let (s, n) = send(
        &app,
        &t.admin.access,
        &conv,
        json!({"type": "text", "body": "@colega cliente VIP", "private_note": true, "mentions": [agent.user_id]}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    assert_eq!(n["is_private_note"], true);
    assert!(n["status"].is_null());
    app.run_pending_jobs().await;
    assert!(sent_bodies(&app).await.is_empty());
    // Audited without its text.
    let (_, log) = app.get("/api/v1/audit/logs?action=messages.*", &t.admin.access).await;
    let entry = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "messages.note")
        .expect("audited");
    assert!(!entry.to_string().contains("cliente VIP"), "{entry}");
    // Notes may be written outside the window too; only text.
    let (s, b) = send(
        &app,
        &t.admin.access,
        &conv,
        json!({"type": "buttons", "body": "x", "buttons": [{"id": "a", "title": "b"}], "private_note": true}),
    )
    .await;
    assert_eq!(error_code(s, &b), "validation_failed");
    let viewer = app.member(&t, "viewer").await;
    let (s, b) = send(
        &app,
        &viewer.access,
        &conv,
        json!({"type": "text", "body": "x", "private_note": true}),
    )
    .await;
    assert_eq!(error_code(s, &b), "forbidden");
}

async fn assignment_and_transfer_follow_roles_and_leave_a_trail(engine: Engine) {
    let Setup { app, t, conv, .. } = setup(engine).await;
    let a1 = app.member(&t, "agent").await;
    let a2 = app.member(&t, "agent").await;
    let assign = |who: &Session, body: Value| {
        let conv = conv.clone();
        let tok = who.access.clone();
        let app = &app;
        async move {
            app.post(&format!("/api/v1/conversations/{conv}/assign"), Some(&tok), body)
                .await
        }
    };
    // a1 takes it.
    let (s, c) = assign(&a1, json!({"user_id": a1.user_id})).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["assignee_id"], json!(a1.user_id));
    // a2 may not take a colleague's conversation.
    let (s, b) = assign(&a2, json!({"user_id": a2.user_id})).await;
    assert_eq!(
        error_code(s, &b),
        "not_found",
        "outside a2's scope it does not exist: {b}"
    );
    // A supervisor may.
    let sup = app.member(&t, "supervisor").await;
    let (s, c) = assign(&sup, json!({"user_id": a2.user_id})).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    // Assigning to someone who is not a member of the tenant: 404 naming the field.
    let (s, b) = assign(&sup, json!({"user_id": uuid::Uuid::now_v7()})).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    assert!(b["error"]["fields"]["user_id"].is_array(), "{b}");

    // a2 transfers to a team with a note: unassigned, in the team, note + system line.
    let (s, team) = app
        .post("/api/v1/teams", Some(&t.admin.access), json!({"name": "Financeiro"}))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, c) = app
        .post(
            &format!("/api/v1/conversations/{conv}/transfer"),
            Some(&a2.access),
            json!({"team_id": team["id"], "note": "Cliente quer segunda via do boleto"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert!(c["assignee_id"].is_null());
    assert_eq!(c["team_id"], team["id"]);
    let msgs = messages(&app, &t.admin.access, &conv).await;
    assert!(
        msgs.iter().any(|m| m["type"] == "system" && m["body"] == "transferred"),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m["is_private_note"] == true && m["body"] == "Cliente quer segunda via do boleto")
    );
    app.run_pending_jobs().await;
    assert!(sent_bodies(&app).await.is_empty(), "a transfer note is never sent");
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{conv}/transfer"),
            Some(&sup.access),
            json!({}),
        )
        .await;
    assert_eq!(error_code(s, &b), "validation_failed");

    // Status changes follow the table; audit rows exist.
    let (s, c) = app
        .patch(
            &format!("/api/v1/conversations/{conv}"),
            &sup.access,
            json!({"status": "resolved", "priority": "high"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(
        (c["status"].as_str(), c["priority"].as_str()),
        (Some("resolved"), Some("high"))
    );
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{conv}"),
            &sup.access,
            json!({"status": "waiting"}),
        )
        .await;
    // A move the status machine refuses from the current status: 409.
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert_eq!(error_code(s, &b), "invalid_transition");
    let (s, log) = app
        .get("/api/v1/audit/logs?action=conversations.*", &t.admin.access)
        .await;
    assert_eq!(s, StatusCode::OK, "{log}");
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in ["conversations.assign", "conversations.transfer", "conversations.update"] {
        assert!(actions.contains(&a), "{a} not in {actions:?}");
    }
    // Reading resets the unread count and sends a read receipt for Ana's last message.
    let (s, _) = app
        .post_empty(&format!("/api/v1/conversations/{conv}/read"), &t.admin.access)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    app.run_pending_jobs().await;
    let (_, c) = app.get(&format!("/api/v1/conversations/{conv}"), &t.admin.access).await;
    assert_eq!(c["unread_count"], 0);
    let receipts: Vec<Value> = app
        .graph
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter_map(|r| serde_json::from_slice::<Value>(&r.body).ok())
        .filter(|b| b["status"] == "read")
        .collect();
    assert_eq!(receipts.len(), 1, "{receipts:?}");
}

async fn agents_see_only_their_scope_and_filters_work(engine: Engine) {
    let Setup { app, t, conv, channel } = setup(engine).await;
    let a1 = app.member(&t, "agent").await;
    let a2 = app.member(&t, "agent").await;
    // A second customer.
    let mut other: Value = serde_json::from_slice(&fresh_text("Bom dia, quero um orçamento")).unwrap();
    other["entry"][0]["changes"][0]["value"]["contacts"][0]["wa_id"] = json!("5521998765432");
    other["entry"][0]["changes"][0]["value"]["contacts"][0]["profile"]["name"] = json!("Bruno");
    other["entry"][0]["changes"][0]["value"]["messages"][0]["from"] = json!("5521998765432");
    deliver(&app, &channel, &serde_json::to_vec(&other).unwrap()).await;
    app.run_pending_jobs().await;
    assert_eq!(
        conversations(&app, &a2.access, "").await.len(),
        2,
        "unassigned: everyone sees them"
    );
    app.post(
        &format!("/api/v1/conversations/{conv}/assign"),
        Some(&a1.access),
        json!({"user_id": a1.user_id}),
    )
    .await;
    let seen = conversations(&app, &a2.access, "").await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["contact"]["name"], "Bruno");
    let (s, b) = app.get(&format!("/api/v1/conversations/{conv}"), &a2.access).await;
    assert_eq!(error_code(s, &b), "not_found");
    assert_eq!(conversations(&app, &a1.access, "assignee=me").await.len(), 1);
    assert_eq!(conversations(&app, &t.admin.access, "assignee=none").await.len(), 1);
    assert_eq!(conversations(&app, &t.admin.access, "q=orçamento").await.len(), 1);
    assert_eq!(conversations(&app, &t.admin.access, "q=21998").await.len(), 1);
    assert_eq!(
        conversations(&app, &t.admin.access, "q=Bruno").await[0]["contact"]["name"],
        "Bruno"
    );
    assert_eq!(conversations(&app, &t.admin.access, "unread=true").await.len(), 2);
    assert_eq!(conversations(&app, &t.admin.access, "status=resolved").await.len(), 0);
    let (s, b) = app.get("/api/v1/conversations?status=bogus", &t.admin.access).await;
    assert_eq!(error_code(s, &b), "validation_failed");
    // Keyset paging by last activity.
    let (s, page) = app.get("/api/v1/conversations?limit=1", &t.admin.access).await;
    assert_eq!(s, StatusCode::OK);
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, page2) = app
        .get(
            &format!("/api/v1/conversations?limit=1&cursor={cursor}"),
            &t.admin.access,
        )
        .await;
    assert_ne!(page["items"][0]["id"], page2["items"][0]["id"]);
    assert!(page2["next_cursor"].is_null());
    // Ana's preview and window.
    let ana = conversations(&app, &t.admin.access, &format!("q={}", &ANA[4..])).await;
    assert_eq!(ana[0]["last_message"]["body"], "Oi, tudo bem?");
    assert_eq!(ana[0]["window_open"], true);
}

async fn uploaded_media_is_uploaded_to_graph_then_sent_by_id(engine: Engine) {
    let Setup { app, t, conv, .. } = setup(engine).await;
    let part = reqwest::multipart::Part::bytes(b"\x89PNG fake".to_vec())
        .file_name("foto.png")
        .mime_str("image/png")
        .unwrap();
    let r = app
        .client
        .post(app.url("/api/v1/uploads"))
        .bearer_auth(&t.admin.access)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["media_type"], "image");
    let (s, m) = send(
        &app,
        &t.admin.access,
        &conv,
        json!({"type": "media", "attachment_id": a["attachment_id"], "caption": "Segue a foto"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert_eq!(m["type"], "image");
    app.run_pending_jobs().await;
    let bodies = sent_bodies(&app).await;
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0]["type"], "image");
    assert_eq!(
        bodies[0]["image"],
        json!({"id": "4490709327384033", "caption": "Segue a foto"})
    );
    // Another tenant cannot use the attachment id.
    let other = app.tenant("outra").await;
    let och = connect(&app, &other, crate::whatsapp::OTHER_PHONE_ID).await;
    let mut body: Value = serde_json::from_slice(&fresh_text("oi")).unwrap();
    body["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = json!(crate::whatsapp::OTHER_PHONE_ID);
    deliver(&app, &och, &serde_json::to_vec(&body).unwrap()).await;
    app.run_pending_jobs().await;
    let oconv = conversations(&app, &other.admin.access, "").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (s, b) = send(
        &app,
        &other.admin.access,
        &oconv,
        json!({"type": "media", "attachment_id": a["attachment_id"]}),
    )
    .await;
    assert_eq!(error_code(s, &b), "validation_failed");
    // Not multipart: 415.
    let (s, b) = app
        .post("/api/v1/uploads", Some(&t.admin.access), json!({"file": "x"}))
        .await;
    assert_eq!(error_code(s, &b), "unsupported_media_type");
}

async fn conversation_routes_answer_404_to_another_tenant(engine: Engine) {
    let Setup { app, t, conv, channel } = setup(engine).await;
    let msg = messages(&app, &t.admin.access, &conv).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = app.tenant("outra").await;
    let tok = &other.admin.access;
    let gets = [
        format!("/api/v1/conversations/{conv}"),
        format!("/api/v1/conversations/{conv}/messages"),
        format!("/api/v1/channels/{channel}"),
        format!("/api/v1/channels/{channel}/health"),
    ];
    for p in &gets {
        let (s, b) = app.get(p, tok).await;
        assert_eq!(error_code(s, &b), "not_found", "{p}");
    }
    let posts = [
        (
            format!("/api/v1/conversations/{conv}/messages"),
            json!({"type": "text", "body": "x"}),
        ),
        (
            format!("/api/v1/conversations/{conv}/assign"),
            json!({"user_id": other.admin.user_id}),
        ),
        (
            format!("/api/v1/conversations/{conv}/transfer"),
            json!({"user_id": other.admin.user_id}),
        ),
        (format!("/api/v1/conversations/{conv}/read"), json!({})),
        (format!("/api/v1/conversations/{conv}/messages/{msg}/retry"), json!({})),
        (format!("/api/v1/channels/accounts/{channel}/activate"), json!({})),
        (
            "/api/v1/whatsapp/templates/sync".to_owned(),
            json!({"channel_id": channel}),
        ),
    ];
    for (p, body) in &posts {
        let (s, b) = app.post(p, Some(tok), body.clone()).await;
        assert_eq!(error_code(s, &b), "not_found", "{p}: {b}");
    }
    let (s, b) = app
        .patch(&format!("/api/v1/conversations/{conv}"), tok, json!({"status": "spam"}))
        .await;
    assert_eq!(error_code(s, &b), "not_found");
    // Lists show nothing of A.
    assert!(conversations(&app, tok, "status=all").await.is_empty());
    let (_, l) = app.get("/api/v1/channels", tok).await;
    assert!(l["items"].as_array().unwrap().is_empty());
    // Nothing of A changed.
    let (_, c) = app.get(&format!("/api/v1/conversations/{conv}"), &t.admin.access).await;
    assert_eq!(c["status"], "open");
    assert_eq!(messages(&app, &t.admin.access, &conv).await.len(), 1);
}
