//! `TestApp`: an Atende server started in-process on `127.0.0.1:0` with its own database, a
//! real SMTP server to receive its mail, and typed helpers.
//!
//! Jobs do not run in the background: `run_pending_jobs()` drains the queue when a test wants
//! them to, so every test is deterministic.

use atende::{Running, Settings, StartOptions};
use atende_core::jobs::{Registry, Worker, WorkerConfig};
use atende_db::testing::TestDb;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

pub use atende_db::testing::PG_ENV;

/// Runs each named `async fn(Engine)` test on SQLite and, when `ATENDE_TEST_DATABASE_URL` is
/// set, on PostgreSQL (the Postgres variant passes without running otherwise).
macro_rules! both_engines {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::harness::Engine::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if !$crate::harness::postgres_configured() {
                    eprintln!("{} not set: Postgres variant skipped", $crate::harness::PG_ENV);
                    return;
                }
                super::$name($crate::harness::Engine::Postgres).await;
            }
        }
    )*};
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

pub fn postgres_configured() -> bool {
    std::env::var(PG_ENV).is_ok_and(|v| !v.trim().is_empty())
}

/// Options of a test server.
#[derive(Clone, Debug)]
pub struct Options {
    /// Start a real SMTP server and point `ATENDE_SMTP_URL` at it.
    pub smtp: bool,
    /// Per-IP sign-in limit (high by default so only the throttle tests meet it).
    pub auth_per_ip_per_minute: u32,
    /// Per-IP limit of the web-chat visitor API (high by default, like sign-in's).
    pub widget_per_ip_per_minute: u32,
    /// WebSocket re-check interval and heartbeat timeout (short in the tests of closing).
    pub ws_recheck_secs: u64,
    pub ws_heartbeat_timeout_secs: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            smtp: false,
            auth_per_ip_per_minute: 10_000,
            widget_per_ip_per_minute: 10_000,
            ws_recheck_secs: 60,
            ws_heartbeat_timeout_secs: 60,
        }
    }
}

/// A received e-mail.
#[derive(Clone, Debug)]
pub struct Mail {
    pub to: Vec<String>,
    pub raw: Vec<u8>,
}

impl Mail {
    /// The decoded plain-text body.
    pub fn text(&self) -> String {
        let msg = mail_parser::MessageParser::default()
            .parse(&self.raw)
            .expect("parseable message");
        msg.body_text(0).expect("a text body").into_owned()
    }

    pub fn subject(&self) -> String {
        let msg = mail_parser::MessageParser::default()
            .parse(&self.raw)
            .expect("parseable message");
        msg.subject().unwrap_or_default().to_owned()
    }

    /// The token of the first `/auth/magic?token=` link in the body.
    pub fn magic_token(&self) -> String {
        let text = self.text();
        let start = text.find("token=").expect("a magic link in the mail") + "token=".len();
        text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect()
    }
}

/// A real SMTP server (mailin) on an ephemeral port, collecting what it receives.
#[derive(Clone)]
struct Sink {
    inbox: Arc<Mutex<Vec<Mail>>>,
    current: Vec<u8>,
    to: Vec<String>,
}

impl mailin_embedded::Handler for Sink {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> mailin_embedded::Response {
        self.current.clear();
        self.to = to.to_vec();
        mailin_embedded::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        self.inbox.lock().unwrap().push(Mail {
            to: self.to.clone(),
            raw: std::mem::take(&mut self.current),
        });
        mailin_embedded::response::OK
    }
}

fn start_smtp() -> (String, Arc<Mutex<Vec<Mail>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox = Arc::new(Mutex::new(Vec::new()));
    let mut server = mailin_embedded::Server::new(Sink {
        inbox: inbox.clone(),
        current: vec![],
        to: vec![],
    });
    server.with_name("atende-test-smtp").with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    (format!("smtp://127.0.0.1:{port}"), inbox)
}

/// A signed-in session.
#[derive(Clone, Debug)]
pub struct Session {
    pub access: String,
    pub refresh: String,
    pub user_id: Uuid,
    pub tenant_id: Option<Uuid>,
    pub body: Value,
}

impl Session {
    fn from_body(body: Value) -> Self {
        Self {
            access: body["access_token"].as_str().expect("access_token").to_owned(),
            refresh: body["refresh_token"].as_str().expect("refresh_token").to_owned(),
            user_id: body["user"]["id"].as_str().unwrap().parse().unwrap(),
            tenant_id: body["tenant"]["id"].as_str().map(|s| s.parse().unwrap()),
            body,
        }
    }
}

/// A tenant made for a test, with its admin signed in.
#[derive(Clone, Debug)]
pub struct TenantFixture {
    pub id: Uuid,
    pub slug: String,
    pub admin: Session,
    pub admin_email: String,
}

pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub running: Option<Running>,
    inbox: Option<Arc<Mutex<Vec<Mail>>>>,
    pub data_dir: std::path::PathBuf,
    /// A local fake of Meta's Graph API (`ATENDE_WHATSAPP_GRAPH_URL` points at it).
    pub graph: wiremock::MockServer,
    // Dropped after the server: the database outlives its pools.
    _db: TestDb,
}

impl TestApp {
    pub async fn spawn(engine: Engine) -> Self {
        Self::spawn_with(engine, Options::default()).await
    }

    pub async fn spawn_with(engine: Engine, opts: Options) -> Self {
        let db = match engine {
            Engine::Sqlite => TestDb::sqlite().await,
            Engine::Postgres => TestDb::postgres().await.expect("ATENDE_TEST_DATABASE_URL"),
        };
        let data_dir = std::env::temp_dir().join(format!("atende-apitest-{}", Uuid::now_v7().simple()));
        std::fs::create_dir_all(&data_dir).unwrap();
        let (smtp_url, inbox) = if opts.smtp {
            let (u, i) = start_smtp();
            (Some(u), Some(i))
        } else {
            (None, None)
        };
        let graph = wiremock::MockServer::start().await;
        let settings = Settings {
            whatsapp_graph_url: graph.uri(),
            database_url: db.url.clone(),
            migration_database_url: Some(db.owner_url.clone()),
            db_max_connections: 4,
            listen: "127.0.0.1:0".into(),
            secret_key: Some("5a".repeat(32)),
            data_dir: data_dir.clone(),
            smtp_url,
            demo: false,
            auth_per_ip_per_minute: opts.auth_per_ip_per_minute,
            widget_per_ip_per_minute: opts.widget_per_ip_per_minute,
            ws_recheck_secs: opts.ws_recheck_secs,
            ws_heartbeat_timeout_secs: opts.ws_heartbeat_timeout_secs,
            ..Settings::default()
        };
        let running = atende::start(
            settings,
            None,
            StartOptions {
                worker: false,
                banner: false,
            },
        )
        .await
        .expect("server starts");
        let base = format!("http://{}", running.addr);
        Self {
            base,
            client: reqwest::Client::new(),
            running: Some(running),
            inbox,
            data_dir,
            graph,
            _db: db,
        }
    }

    pub fn core(&self) -> &atende_core::Core {
        &self.running.as_ref().expect("running").core
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Runs every due job now; returns how many ran.
    pub async fn run_pending_jobs(&self) -> usize {
        self.run_pending_jobs_with(WorkerConfig::default()).await
    }

    /// [`TestApp::run_pending_jobs`] with other worker settings (e.g. no batches).
    pub async fn run_pending_jobs_with(&self, config: WorkerConfig) -> usize {
        let w = Worker::new(self.core().clone(), Registry::standard(), config);
        w.drain().await.expect("queue reachable")
    }

    /// Mail received so far.
    pub fn mails(&self) -> Vec<Mail> {
        self.inbox.as_ref().expect("spawned with smtp").lock().unwrap().clone()
    }

    /// Waits (bounded) until `n` mails have arrived: delivery crosses a real socket.
    pub async fn wait_for_mails(&self, n: usize) -> Vec<Mail> {
        for _ in 0..200 {
            let m = self.mails();
            if m.len() >= n {
                return m;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("expected {n} mails, got {}", self.mails().len());
    }

    /// Sends a request; returns status and JSON body (`Value::Null` when empty).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request sent");
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        let v = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, v)
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, token, Some(body)).await
    }

    /// A POST without a body (logout, enrolment steps that take none).
    pub async fn post_empty(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(token), None).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, path, Some(token), Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// Signs in; panics unless 200.
    pub async fn login(&self, email: &str, password: &str) -> Session {
        let (s, b) = self
            .post(
                "/api/v1/auth/token",
                None,
                json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "login of {email} failed: {b}");
        Session::from_body(b)
    }

    pub async fn login_to(&self, email: &str, tenant: &str) -> Session {
        let (s, b) = self
            .post(
                "/api/v1/auth/token",
                None,
                json!({"email": email, "password": PASSWORD, "tenant": tenant}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "login of {email} to {tenant} failed: {b}");
        Session::from_body(b)
    }

    /// A super admin (created as the CLI does), signed in.
    pub async fn super_admin(&self) -> Session {
        let email = format!("root-{}@platform.test", Uuid::now_v7().simple());
        atende_core::people::bootstrap::create_super_admin(self.core(), &email, PASSWORD)
            .await
            .expect("super admin");
        self.login(&email, PASSWORD).await
    }

    /// A tenant with an admin (created as the CLI does), the admin signed in.
    pub async fn tenant(&self, slug: &str) -> TenantFixture {
        let admin_email = format!("admin@{slug}.test");
        let created = atende_core::people::tenants::create(
            self.core(),
            None,
            atende_core::people::tenants::CreateTenant {
                slug: slug.into(),
                name: format!("Tenant {slug}"),
                admin_email: admin_email.clone(),
                admin_name: Some(format!("Admin {slug}")),
                admin_password: Some(PASSWORD.into()),
                ..Default::default()
            },
            &atende_core::RequestMeta::default(),
        )
        .await
        .expect("tenant created");
        let admin = self.login_to(&admin_email, slug).await;
        TenantFixture {
            id: created.tenant.id,
            slug: slug.into(),
            admin,
            admin_email,
        }
    }

    /// A member of `tenant` with `role`, signed in to it.
    pub async fn member(&self, tenant: &TenantFixture, role: &str) -> Session {
        let email = format!("{role}-{}@{}.test", Uuid::now_v7().simple(), tenant.slug);
        atende_core::people::bootstrap::create_user(
            self.core(),
            &email,
            &format!("A {role}"),
            PASSWORD,
            Some((&tenant.slug, role)),
        )
        .await
        .expect("member created");
        self.login_to(&email, &tenant.slug).await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown_token().cancel();
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// Asserts the standard error body and returns its code.
pub fn error_code(status: StatusCode, body: &Value) -> String {
    assert!(
        status.is_client_error() || status.is_server_error(),
        "not an error: {status} {body}"
    );
    let code = body["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error body: {status} {body}"));
    assert!(body["error"]["message"].is_string(), "error without message: {body}");
    code.to_owned()
}
