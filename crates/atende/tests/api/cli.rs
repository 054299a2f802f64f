//! The real binary as a user runs it: help, first start, shutdown on SIGTERM, shell commands.

use crate::harness::{Engine, PASSWORD, postgres_configured};
use atende_db::testing::TestDb;
use reqwest::StatusCode;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_atende");

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) fn temp_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("atende-cli-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `atende` with a clean environment pointing at `dir`.
pub(crate) fn atende(dir: &std::path::Path, db_url: &str) -> Command {
    let mut c = Command::new(BIN);
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("ATENDE_DATA_DIR", dir.join("data"))
        .env("ATENDE_DATABASE_URL", db_url)
        .env("ATENDE_LOG_FORMAT", "json")
        .current_dir(dir);
    c
}

/// Sends SIGTERM and waits for the process to exit.
async fn terminate(mut child: std::process::Child) -> std::process::ExitStatus {
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap()
}

pub(crate) async fn wait_healthy(base: &str) {
    let client = reqwest::Client::new();
    for _ in 0..400 {
        if client
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == StatusCode::OK)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("server at {base} never became ready");
}

#[test]
fn help_lists_every_command_and_each_has_help() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for cmd in [
        "serve",
        "worker",
        "migrate",
        "tenant",
        "superadmin",
        "user",
        "healthcheck",
    ] {
        assert!(text.contains(cmd), "{cmd} missing from --help:\n{text}");
    }
    for args in [
        &["serve", "--help"][..],
        &["worker", "--help"],
        &["migrate", "--help"],
        &["tenant", "create", "--help"],
        &["superadmin", "create", "--help"],
        &["user", "create", "--help"],
    ] {
        let out = Command::new(BIN).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"), "{args:?}");
    }
}

/// Reads the server's stdout until the banner's last line; returns the URL and, on a first
/// start, the demo credentials.
fn read_banner(stdout: impl std::io::Read) -> (String, Option<(String, String)>) {
    let (mut url, mut email, mut password) = (None, None, None);
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let l = line.trim();
        if let Some(u) = l.strip_prefix("Atende is running at ") {
            url = Some(u.to_owned());
        } else if let Some(e) = l.strip_prefix("e-mail:") {
            email = Some(e.trim().to_owned());
        } else if let Some(p) = l.strip_prefix("password:") {
            password = Some(p.trim().to_owned());
        } else if l.starts_with("Press Ctrl-C to stop") {
            return (url.expect("URL in the banner"), email.zip(password));
        }
    }
    panic!("the server exited before printing its banner");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_start_prints_demo_login_and_sigterm_stops_cleanly() {
    let dir = temp_dir();
    let port = free_port();
    let db = format!("sqlite://{}/data/atende.db", dir.display());

    let mut child = atende(&dir, &db)
        .env("ATENDE_LISTEN", format!("127.0.0.1:{port}"))
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (url, creds) = tokio::task::spawn_blocking(move || read_banner(stdout)).await.unwrap();
    let (email, password) = creds.expect("a first start prints the demo credentials");
    assert_eq!(url, format!("http://127.0.0.1:{port}"));
    wait_healthy(&url).await;

    let res = reqwest::Client::new()
        .post(format!("{url}/api/v1/auth/token"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let key = std::fs::metadata(dir.join("data/secret.key")).expect("secret key generated");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(key.permissions().mode() & 0o777, 0o600);
    }

    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "graceful exit after SIGTERM: {status:?}");

    // A second start on the same database creates nothing and prints no password.
    let mut child = atende(&dir, &db)
        .env("ATENDE_LISTEN", format!("127.0.0.1:{port}"))
        .args(["serve", "--no-worker"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (_, creds) = tokio::task::spawn_blocking(move || read_banner(stdout)).await.unwrap();
    assert!(creds.is_none());
    assert!(terminate(child).await.success(), "graceful exit after SIGTERM");
    let _ = std::fs::remove_dir_all(dir);
}

async fn shell_commands_create_tenant_super_admin_and_user(engine: Engine) {
    let dir = temp_dir();
    let tdb = match engine {
        Engine::Sqlite => TestDb::sqlite().await,
        Engine::Postgres => TestDb::postgres().await.unwrap(),
    };
    let cmd = |args: &[&str]| {
        let mut c = atende(&dir, &tdb.url);
        c.env("ATENDE_MIGRATION_DATABASE_URL", &tdb.owner_url)
            .env("ATENDE_SECRET_KEY", "7f".repeat(32))
            .args(args);
        c
    };
    let run = |args: &[&str]| {
        let out = cmd(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };

    let out = run(&[
        "tenant",
        "create",
        "--slug",
        "loja",
        "--name",
        "Loja",
        "--admin-email",
        "dona@loja.test",
        "--admin-password",
        PASSWORD,
    ]);
    assert!(out.contains("tenant loja"), "{out}");
    run(&[
        "superadmin",
        "create",
        "--email",
        "root@platform.test",
        "--password",
        PASSWORD,
    ]);
    run(&[
        "user",
        "create",
        "--email",
        "ana@loja.test",
        "--name",
        "Ana",
        "--password",
        PASSWORD,
        "--tenant",
        "loja",
        "--role",
        "agent",
    ]);
    let bad = cmd(&["user", "create", "--email", "x", "--name", "X", "--password", "short"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("email"),
        "a clear message names the field"
    );

    // The same database, served: every account signs in.
    let port = free_port();
    let child = cmd(&["serve", "--no-worker"])
        .env("ATENDE_LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    wait_healthy(&base).await;
    let client = reqwest::Client::new();
    for (email, role) in [
        ("dona@loja.test", Some("admin")),
        ("ana@loja.test", Some("agent")),
        ("root@platform.test", None),
    ] {
        let r = client
            .post(format!("{base}/api/v1/auth/token"))
            .json(&json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{email}");
        let b: serde_json::Value = r.json().await.unwrap();
        assert_eq!(b["tenant"]["role"].as_str(), role, "{email}");
    }
    assert!(terminate(child).await.success(), "graceful exit after SIGTERM");
    let _ = std::fs::remove_dir_all(dir);
}

both_engines!(shell_commands_create_tenant_super_admin_and_user);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_creates_an_app_role_bound_by_rls() {
    if !postgres_configured() {
        eprintln!("ATENDE_TEST_DATABASE_URL not set: Postgres-only test skipped");
        return;
    }
    let tdb = TestDb::postgres().await.unwrap();
    let dir = temp_dir();
    let out = atende(&dir, &tdb.owner_url)
        .args(["migrate", "--create-app-role", "atende_cli_app"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("atende_cli_app"));
    use atende_db::sea_orm::ConnectionTrait;
    let row = tdb
        .owner
        .raw()
        .query_one_raw(atende_db::sea_orm::Statement::from_string(
            atende_db::sea_orm::DbBackend::Postgres,
            "SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = 'atende_cli_app'",
        ))
        .await
        .unwrap()
        .unwrap();
    assert!(!row.try_get::<bool>("", "rolsuper").unwrap());
    assert!(!row.try_get::<bool>("", "rolbypassrls").unwrap());
    assert!(row.try_get::<bool>("", "rolcanlogin").unwrap());
    let _ = std::fs::remove_dir_all(dir);
}
