//! Nothing acknowledged is lost, and nothing waits long after a crash: a webhook answered `200`
//! survives the process being killed (SIGKILL, no shutdown) right after the answer and is
//! applied by the next process; a job the killed worker was running is applied within seconds
//! of the restart (its lease, renewed by a heartbeat while it ran, runs out at most one lease
//! after the kill).

use crate::cli::{BIN, atende, free_port, temp_dir, wait_healthy};
use crate::harness::{Engine, PASSWORD};
use crate::whatsapp::{ANA, APP_SECRET, PHONE_ID, VERIFY_TOKEN, fresh_text, mount_graph_on};
use atende_db::Scoped;
use atende_db::testing::TestDb;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

both_engines!(
    a_delivery_acknowledged_with_200_survives_kill_9_before_it_is_applied,
    a_job_held_by_a_killed_worker_is_applied_within_seconds_of_the_restart,
);

/// A tenant with a connected number, served by the real binary on a database of its own.
struct Node {
    dir: std::path::PathBuf,
    tdb: TestDb,
    graph: wiremock::MockServer,
    base: String,
    port: u16,
    client: reqwest::Client,
    token: String,
    channel: String,
}

impl Node {
    /// Creates the tenant and connects the number through a first `serve --no-worker`, which
    /// is left running.
    async fn start(engine: Engine, graph: wiremock::MockServer) -> (Self, Child) {
        let _ = BIN;
        let tdb = match engine {
            Engine::Sqlite => TestDb::sqlite().await,
            Engine::Postgres => TestDb::postgres().await.unwrap(),
        };
        let port = free_port();
        let mut node = Self {
            dir: temp_dir(),
            tdb,
            graph,
            base: format!("http://127.0.0.1:{port}"),
            port,
            client: reqwest::Client::new(),
            token: String::new(),
            channel: String::new(),
        };
        let created = node
            .cmd(&[
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
        assert!(created.success());
        let first = node.serve(false).await;
        let login: Value = node
            .client
            .post(format!("{}/api/v1/auth/token", node.base))
            .json(&json!({"email": "admin@aurora.test", "password": PASSWORD}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        node.token = login["access_token"].as_str().unwrap().to_owned();
        let ch: Value = node
            .client
            .post(format!("{}/api/v1/channels/connectors", node.base))
            .bearer_auth(&node.token)
            .json(&json!({"kind": "whatsapp_cloud", "name": "Aurora", "credentials": {
                "phone_number_id": PHONE_ID, "waba_id": "104829375610293", "access_token": "EAAG-token-1234",
                "app_secret": APP_SECRET, "verify_token": VERIFY_TOKEN}}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        node.channel = ch["id"].as_str().unwrap().to_owned();
        (node, first)
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = atende(&self.dir, &self.tdb.url);
        c.env("ATENDE_MIGRATION_DATABASE_URL", &self.tdb.owner_url)
            .env("ATENDE_SECRET_KEY", "7f".repeat(32))
            .env("ATENDE_LISTEN", format!("127.0.0.1:{}", self.port))
            .env("ATENDE_DEMO", "false")
            .env("ATENDE_WHATSAPP_GRAPH_URL", self.graph.uri())
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    }

    /// `atende serve` (with its worker or not), once it answers.
    async fn serve(&self, worker: bool) -> Child {
        let args: &[&str] = if worker { &["serve"] } else { &["serve", "--no-worker"] };
        let child = self.cmd(args).spawn().unwrap();
        wait_healthy(&self.base).await;
        child
    }

    /// Posts a delivery signed as Meta signs it.
    async fn deliver(&self, body: Vec<u8>) {
        let sig = atende_channels::whatsapp_cloud::signature_header(APP_SECRET.as_bytes(), &body).unwrap();
        let r = self
            .client
            .post(format!("{}/api/v1/webhooks/whatsapp/{}", self.base, self.channel))
            .header("x-hub-signature-256", sig)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }

    /// The latest message of the first conversation, once there is one (bounded wait).
    async fn first_preview(&self, within: Duration) -> Option<Value> {
        let started = Instant::now();
        while started.elapsed() < within {
            let list: Value = self
                .client
                .get(format!("{}/api/v1/conversations", self.base))
                .bearer_auth(&self.token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if let Some(c) = list["items"].as_array().and_then(|a| a.first()) {
                return Some(c["last_message"].clone());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        None
    }

    /// The `webhooks` jobs now running (held by a worker).
    async fn running_webhook_jobs(&self) -> usize {
        use atende_db::entities::jobs;
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        let db = self.tdb.connect_again().await;
        let tx = db.platform_tx().await.unwrap();
        let n = jobs::Entity::find()
            .filter(jobs::Column::Queue.eq("webhooks"))
            .filter(jobs::Column::Status.eq("running"))
            .count(tx.conn())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        usize::try_from(n).unwrap()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn kill_9(mut child: Child) {
    let killed = Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
}

async fn stop(mut child: Child) {
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let _ = tokio::task::spawn_blocking(move || child.wait()).await;
}

async fn a_delivery_acknowledged_with_200_survives_kill_9_before_it_is_applied(engine: Engine) {
    // Arrange: a tenant and a connected number, on a server without a worker.
    let graph = wiremock::MockServer::start().await;
    mount_graph_on(&graph).await;
    let (node, first) = Node::start(engine, graph).await;

    // Act: a signed delivery is acknowledged, and the process dies at once.
    node.deliver(fresh_text("Chegou? Ninguém pode perder esta mensagem."))
        .await;
    kill_9(first).await;

    // Assert: the next process (with its worker) applies it.
    let second = node.serve(true).await;
    let preview = node.first_preview(Duration::from_secs(20)).await;
    stop(second).await;
    let preview = preview.expect("the acknowledged delivery was applied after the restart");
    assert_eq!(preview["body"], "Chegou? Ninguém pode perder esta mensagem.");
}

async fn a_job_held_by_a_killed_worker_is_applied_within_seconds_of_the_restart(engine: Engine) {
    // Arrange: Graph answers this image's download only after a long while, so the worker is
    // still holding its job when the process is killed.
    let graph = wiremock::MockServer::start().await;
    let slow = Mock::given(method("GET"))
        .and(path("/1777666555444333"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(120)))
        .with_priority(1)
        .mount_as_scoped(&graph)
        .await;
    mount_graph_on(&graph).await;
    let (node, first) = Node::start(engine, graph).await;
    stop(first).await;
    let worker = node.serve(true).await;
    let ts = chrono::Utc::now().timestamp();
    let body = json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "104829375610293", "changes": [{ "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": { "display_phone_number": "551140028922", "phone_number_id": PHONE_ID },
            "contacts": [{ "profile": { "name": "Ana" }, "wa_id": ANA }],
            "messages": [{ "from": ANA, "id": "wamid.held-by-the-dead", "timestamp": ts.to_string(),
                "type": "image", "image": { "mime_type": "image/jpeg", "id": "1777666555444333", "caption": "comprovante" } }]
        }}]}]
    });
    node.deliver(serde_json::to_vec(&body).unwrap()).await;
    let mut held = false;
    for _ in 0..400 {
        if node.running_webhook_jobs().await == 1 {
            held = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(held, "the worker took the job");

    // Act: the worker dies holding it; the download answers at once from now on; a new process.
    kill_9(worker).await;
    drop(slow);
    let restarted = Instant::now();
    let second = node.serve(true).await;
    let preview = node.first_preview(Duration::from_secs(60)).await;
    let took = restarted.elapsed();
    stop(second).await;

    // Assert
    let preview = preview.expect("the held delivery was applied after the restart");
    assert_eq!(preview["body"], "comprovante");
    eprintln!("held job applied {took:?} after the restart ({engine:?})");
    assert!(
        took <= Duration::from_secs(10),
        "recovery took {took:?}: a job in hand must be free again within one lease (6 s) of the kill"
    );
}
