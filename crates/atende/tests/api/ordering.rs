//! Issue 10, slice A: a customer's messages sit in the thread (and the list's preview) by when
//! they were sent, not by when their delivery was applied — a video whose download finished
//! after the texts sent later still comes first.

use crate::harness::{Engine, TestApp};
use crate::whatsapp::{PHONE_ID, connect, conversations, deliver, fixture, messages, mount_graph};
use reqwest::StatusCode;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

fn at(raw: Value, sent: i64, id: &str) -> Vec<u8> {
    let mut v = raw;
    let m = &mut v["entry"][0]["changes"][0]["value"]["messages"][0];
    m["timestamp"] = json!(sent.to_string());
    m["id"] = json!(id);
    serde_json::to_vec(&v).unwrap()
}

fn text(sent: i64, id: &str, body: &str) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(&fixture("inbound/text.json")).unwrap();
    v["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"] = json!(body);
    at(v, sent, id)
}

both_engines!(inbound_messages_are_ordered_by_send_time_whatever_their_media_took);

async fn inbound_messages_are_ordered_by_send_time_whatever_their_media_took(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    // The video's file is slow to come (and it applies last, as when its download finished
    // after the texts sent after it).
    Mock::given(method("GET"))
        .and(path("/lookaside/slow-video"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "video/mp4")
                .set_body_bytes(b"fake mp4".to_vec())
                .set_delay(std::time::Duration::from_millis(1500)),
        )
        .mount(&app.graph)
        .await;
    Mock::given(method("GET"))
        .and(path("/1290384756102938"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messaging_product": "whatsapp",
            "url": format!("{}/lookaside/slow-video", app.graph.uri()),
            "mime_type": "video/mp4",
            "id": "1290384756102938"
        })))
        .with_priority(1)
        .mount(&app.graph)
        .await;
    mount_graph(&app).await;
    let t = app.tenant("aurora").await;
    let channel = connect(&app, &t, PHONE_ID).await;
    let now = chrono::Utc::now().timestamp();
    let first = text(now - 40, "wamid.order-1", "Oi, meu pedido chegou assim:");
    let video_raw: Value = serde_json::from_slice(&fixture("inbound/video.json")).unwrap();
    let video = at(video_raw, now - 30, "wamid.order-2");
    let third = text(now - 20, "wamid.order-3", "Dá pra trocar?");
    let fourth = text(now - 10, "wamid.order-4", "Aguardo");

    for d in [&first, &third, &fourth] {
        assert_eq!(deliver(&app, &channel, d).await, StatusCode::OK);
        app.run_pending_jobs().await;
    }
    assert_eq!(deliver(&app, &channel, &video).await, StatusCode::OK);
    app.run_pending_jobs().await;

    let tok = &t.admin.access;
    let conv = conversations(&app, tok, "").await;
    assert_eq!(conv.len(), 1);
    let id = conv[0]["id"].as_str().unwrap();
    // Newest first, by send time: the video is third from the top, not on top.
    let thread: Vec<String> = messages(&app, tok, id)
        .await
        .iter()
        .map(|m| m["provider_message_id"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        thread,
        ["wamid.order-4", "wamid.order-3", "wamid.order-2", "wamid.order-1"],
        "the thread is in send order"
    );
    let all = messages(&app, tok, id).await;
    let v = all
        .iter()
        .find(|m| m["provider_message_id"] == "wamid.order-2")
        .unwrap();
    assert_eq!(v["type"], "video");
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(v["provider_timestamp"].as_str().unwrap())
            .unwrap()
            .timestamp(),
        now - 30,
        "the bubble's time is the send time"
    );
    // The list's preview is the last message sent, not the last applied.
    assert_eq!(conv[0]["last_message"]["body"], "Aguardo");
    // Paging back from the newest two gives the older two, in order.
    let newest = &all[1]["id"];
    let (s, page) = app
        .get(
            &format!(
                "/api/v1/conversations/{id}/messages?limit=2&before={}",
                newest.as_str().unwrap()
            ),
            tok,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let older: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["provider_message_id"].as_str().unwrap())
        .collect();
    assert_eq!(older, ["wamid.order-2", "wamid.order-1"]);
}
