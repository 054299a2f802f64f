//! An inbound file the provider would not give: the message keeps its caption, type, MIME type
//! and file name with the reason, and "tentar novamente" downloads it again as a job.

use crate::harness::{Engine, TestApp, error_code};
use crate::whatsapp::{PHONE_ID, connect, conversations, deliver, fixture, messages, mount_graph};
use reqwest::StatusCode;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

both_engines!(
    a_failed_download_keeps_caption_type_and_name_and_try_again_fetches_it,
    try_again_that_fails_again_records_the_new_reason_and_stops_retrying,
    try_again_refuses_a_message_whose_file_is_there_and_other_tenants,
);

/// The media id of `inbound/document.json` (a Pix receipt).
const RECEIPT_MEDIA: &str = "1413728596047182";

/// Graph answers the receipt's media id as gone (a permanent error), ahead of the usual mocks.
async fn receipt_gone(app: &TestApp) {
    Mock::given(method("GET"))
        .and(path(format!("/{RECEIPT_MEDIA}")))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "error": {
                "message": "Unsupported get request. Object with ID '1413728596047182' does not exist",
                "type": "GraphMethodException",
                "code": 100,
                "error_subcode": 33,
                "fbtrace_id": "AbCdEf"
            }
        })))
        .with_priority(1)
        .mount(&app.graph)
        .await;
}

/// A tenant with a WhatsApp channel that received the receipt while Graph refused its file:
/// (token, conversation id, the message).
async fn receipt_that_failed(app: &TestApp) -> (String, String, Value) {
    receipt_gone(app).await;
    mount_graph(app).await;
    let t = app.tenant("aurora").await;
    let ch = connect(app, &t, PHONE_ID).await;
    assert_eq!(
        deliver(app, &ch, &fixture("inbound/document.json")).await,
        StatusCode::OK
    );
    app.run_pending_jobs().await;
    let conv = conversations(app, &t.admin.access, "").await;
    let conv_id = conv[0]["id"].as_str().unwrap().to_owned();
    let thread = messages(app, &t.admin.access, &conv_id).await;
    let m = thread
        .into_iter()
        .find(|m| m["type"] == "document")
        .expect("the receipt is stored");
    (t.admin.access, conv_id, m)
}

fn retry_path(conv: &str, m: &Value) -> String {
    format!(
        "/api/v1/conversations/{conv}/messages/{}/media/retry",
        m["id"].as_str().unwrap()
    )
}

async fn a_failed_download_keeps_caption_type_and_name_and_try_again_fetches_it(engine: Engine) {
    // Arrange: the receipt arrived while Graph had no file for it.
    let app = TestApp::spawn(engine).await;
    let (token, conv, m) = receipt_that_failed(&app).await;
    assert_eq!(m["body"], "Comprovante do Pix – pedido 48213");
    assert_eq!(m["media"]["file_name"], "comprovante-pix-48213.pdf");
    assert_eq!(m["media"]["mime"], "application/pdf");
    assert!(m["media"]["url"].is_null(), "{m}");
    assert_eq!(m["payload"]["media_error"]["code"], "media_unavailable");

    // Act: the agent asks twice (a double click); Graph has the file again.
    let (s1, asked) = app.post_empty(&retry_path(&conv, &m), &token).await;
    let (s2, again) = app.post_empty(&retry_path(&conv, &m), &token).await;
    app.graph.reset().await;
    mount_graph(&app).await;
    let ran = app.run_pending_jobs().await;

    // Assert: one download job; the file is there and the error gone.
    assert_eq!(s1, StatusCode::ACCEPTED, "{asked}");
    assert_eq!(s2, StatusCode::ACCEPTED, "{again}");
    assert_eq!(asked["payload"]["media_error"]["retrying"], true);
    assert_eq!(ran, 1, "one download for two presses");
    let thread = messages(&app, &token, &conv).await;
    let m = thread.iter().find(|x| x["id"] == m["id"]).unwrap();
    assert!(m["payload"].get("media_error").is_none(), "{m}");
    assert_eq!(m["body"], "Comprovante do Pix – pedido 48213");
    assert_eq!(m["media"]["file_name"], "comprovante-pix-48213.pdf");
    let url = m["media"]["url"].as_str().expect("a signed link now");
    let file = app.client.get(app.url(url)).send().await.unwrap();
    assert_eq!(file.status(), StatusCode::OK);
    assert_eq!(file.bytes().await.unwrap().as_ref(), b"\xff\xd8\xff fake jpeg");
}

async fn try_again_that_fails_again_records_the_new_reason_and_stops_retrying(engine: Engine) {
    // Arrange
    let app = TestApp::spawn(engine).await;
    let (token, conv, m) = receipt_that_failed(&app).await;

    // Act: Graph still has no file.
    let (s, _) = app.post_empty(&retry_path(&conv, &m), &token).await;
    app.run_pending_jobs().await;

    // Assert: the reason is stored again, not "retrying"; asking again queues a new download.
    assert_eq!(s, StatusCode::ACCEPTED);
    let thread = messages(&app, &token, &conv).await;
    let after = thread.iter().find(|x| x["id"] == m["id"]).unwrap();
    assert_eq!(after["payload"]["media_error"]["code"], "media_unavailable");
    assert!(after["payload"]["media_error"].get("retrying").is_none(), "{after}");
    assert!(after["media"]["url"].is_null());
    let (s, asked) = app.post_empty(&retry_path(&conv, &m), &token).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{asked}");
    assert_eq!(app.run_pending_jobs().await, 1);
}

async fn try_again_refuses_a_message_whose_file_is_there_and_other_tenants(engine: Engine) {
    // Arrange: the receipt failed; a customer's image arrived whole; another tenant's admin.
    let app = TestApp::spawn(engine).await;
    let (token, conv, receipt) = receipt_that_failed(&app).await;
    let mut image: Value = serde_json::from_slice(&fixture("inbound/image.json")).unwrap();
    let ch = conversations(&app, &token, "").await[0]["channel_id"]
        .as_str()
        .unwrap()
        .to_owned();
    image["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"] = json!("1750681100");
    deliver(&app, &ch, &serde_json::to_vec(&image).unwrap()).await;
    app.run_pending_jobs().await;
    let thread = messages(&app, &token, &conv).await;
    let photo = thread
        .iter()
        .find(|x| x["type"] == "image")
        .expect("the image is stored");
    assert!(photo["media"]["url"].is_string());
    let other = app.tenant("outra").await;

    // Act
    let (s_whole, whole) = app.post_empty(&retry_path(&conv, photo), &token).await;
    let (s_other, foreign) = app.post_empty(&retry_path(&conv, &receipt), &other.admin.access).await;
    let wrong_conv = format!(
        "/api/v1/conversations/{}/messages/{}/media/retry",
        uuid::Uuid::now_v7(),
        receipt["id"].as_str().unwrap()
    );
    let (s_wrong, _) = app.post_empty(&wrong_conv, &token).await;

    // Assert: nothing queued by any of them.
    assert_eq!(error_code(s_whole, &whole), "media_not_failed");
    assert_eq!(s_whole, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(s_other, StatusCode::NOT_FOUND, "{foreign}");
    assert_eq!(s_wrong, StatusCode::NOT_FOUND);
    assert_eq!(app.run_pending_jobs().await, 0);
}
