//! Nothing acknowledged is lost: a webhook answered `200` survives the process being killed
//! (SIGKILL, no shutdown) right after the answer, and is applied by the next process.

use crate::cli::{BIN, atende, free_port, temp_dir, wait_healthy};
use crate::harness::{Engine, PASSWORD};
use crate::whatsapp::{APP_SECRET, PHONE_ID, VERIFY_TOKEN, fresh_text, mount_graph_on};
use atende_db::testing::TestDb;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::process::{Command, Stdio};
use std::time::Duration;

both_engines!(a_delivery_acknowledged_with_200_survives_kill_9_before_it_is_applied);

async fn a_delivery_acknowledged_with_200_survives_kill_9_before_it_is_applied(engine: Engine) {
    // Arrange: a tenant and a connected number, on a server without a worker.
    let _ = BIN;
    let dir = temp_dir();
    let tdb = match engine {
        Engine::Sqlite => TestDb::sqlite().await,
        Engine::Postgres => TestDb::postgres().await.unwrap(),
    };
    let graph = wiremock::MockServer::start().await;
    mount_graph_on(&graph).await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let cmd = |args: &[&str]| {
        let mut c = atende(&dir, &tdb.url);
        c.env("ATENDE_MIGRATION_DATABASE_URL", &tdb.owner_url)
            .env("ATENDE_SECRET_KEY", "7f".repeat(32))
            .env("ATENDE_LISTEN", format!("127.0.0.1:{port}"))
            .env("ATENDE_DEMO", "false")
            .env("ATENDE_WHATSAPP_GRAPH_URL", graph.uri())
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    };
    let out = cmd(&[
        "tenant",
        "create",
        "--slug",
        "aurora",
        "--name",
        "Aurora",
        "--admin-email",
        "admin@aurora.test",
        "--admin-password",
        PASSWORD,
    ])
    .status()
    .unwrap();
    assert!(out.success());
    let mut first = cmd(&["serve", "--no-worker"]).spawn().unwrap();
    wait_healthy(&base).await;
    let client = reqwest::Client::new();
    let login: Value = client
        .post(format!("{base}/api/v1/auth/token"))
        .json(&json!({"email": "admin@aurora.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().unwrap().to_owned();
    let ch: Value = client
        .post(format!("{base}/api/v1/channels/connectors"))
        .bearer_auth(&token)
        .json(&json!({"kind": "whatsapp_cloud", "name": "Aurora", "credentials": {
            "phone_number_id": PHONE_ID, "waba_id": "104829375610293", "access_token": "EAAG-token-1234",
            "app_secret": APP_SECRET, "verify_token": VERIFY_TOKEN}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let channel = ch["id"].as_str().unwrap().to_owned();

    // Act: a signed delivery is acknowledged, and the process dies at once.
    let body = fresh_text("Chegou? Ninguém pode perder esta mensagem.");
    let sig = atende_channels::whatsapp_cloud::signature_header(APP_SECRET.as_bytes(), &body).unwrap();
    let r = client
        .post(format!("{base}/api/v1/webhooks/whatsapp/{channel}"))
        .header("x-hub-signature-256", sig)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let killed = Command::new("kill")
        .args(["-KILL", &first.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    tokio::task::spawn_blocking(move || first.wait())
        .await
        .unwrap()
        .unwrap();

    // Assert: the next process (with its worker) applies it.
    let mut second = cmd(&["serve"]).spawn().unwrap();
    wait_healthy(&base).await;
    let mut found = None;
    for _ in 0..200 {
        let list: Value = client
            .get(format!("{base}/api/v1/conversations"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if let Some(c) = list["items"].as_array().and_then(|a| a.first()) {
            found = Some(c.clone());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = Command::new("kill").args(["-TERM", &second.id().to_string()]).status();
    let _ = tokio::task::spawn_blocking(move || second.wait()).await;
    let c = found.expect("the acknowledged delivery was applied after the restart");
    assert_eq!(c["last_message"]["body"], "Chegou? Ninguém pode perder esta mensagem.");
    let _ = std::fs::remove_dir_all(&dir);
}
