//! The composition root: from settings to a running server and worker.

use crate::secret;
use crate::settings::Settings;
use anyhow::Context;
use atende_core::jobs::{Registry, Worker, WorkerConfig};
use atende_core::mail::{LogMailer, Mailer, SmtpMailer};
use atende_core::media::MediaStore;
use atende_core::{Core, CoreConfig, crypto::Keys};
use atende_db::{Db, DbOptions};
use atende_http::{AppState, HttpConfig};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// What to run.
#[derive(Clone, Copy, Debug)]
pub struct StartOptions {
    /// Run the embedded worker (`serve` without `--no-worker`).
    pub worker: bool,
    /// Print the URL (and the demo credentials on a first start).
    pub banner: bool,
}

/// A running server.
pub struct Running {
    pub addr: SocketAddr,
    pub public_url: String,
    pub core: Core,
    pub settings: Settings,
    shutdown: CancellationToken,
    server: JoinHandle<std::io::Result<()>>,
    worker: Option<JoinHandle<()>>,
}

impl Running {
    /// A token that stops the server when cancelled.
    #[must_use]
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Stops accepting connections, lets in-flight requests finish, stops the worker and hands
    /// its claimed jobs back to the queue.
    ///
    /// # Errors
    /// The server task failed.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        self.wait().await
    }

    /// Waits until the shutdown token is cancelled and everything has stopped.
    ///
    /// # Errors
    /// The server task failed.
    pub async fn wait(self) -> anyhow::Result<()> {
        self.server.await.context("server task")??;
        if let Some(w) = self.worker {
            w.await.context("worker task")?;
        }
        Ok(())
    }
}

/// A worker over `core` configured from settings.
#[must_use]
pub fn worker(core: Core, s: &Settings) -> Worker {
    let mut cfg = WorkerConfig {
        concurrency: s.worker_concurrency.max(1),
        // Other processes' commits wake this worker through LISTEN (PostgreSQL only).
        listen_url: (core.db.backend() == atende_db::Backend::Postgres).then(|| s.database_url.clone()),
        ..WorkerConfig::default()
    };
    if let Some(q) = &s.worker_queues {
        let wanted: Vec<&'static str> = atende_db::jobs::queue::ALL
            .iter()
            .copied()
            .filter(|name| q.split(',').any(|x| x.trim() == *name))
            .collect();
        if !wanted.is_empty() {
            cfg.queues = wanted;
        }
    }
    Worker::new(core, Registry::standard(), cfg)
}

fn ensure_sqlite_dir(url: &str) -> anyhow::Result<()> {
    if let Some(rest) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
        let path = rest.split('?').next().unwrap_or_default();
        if path.is_empty() || path.contains(":memory:") {
            return Ok(());
        }
        if let Some(parent) = std::path::Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
    }
    Ok(())
}

/// Applies pending migrations through the owner's connection.
///
/// # Errors
/// Unreachable database or a failed migration.
pub async fn migrate(s: &Settings) -> anyhow::Result<Db> {
    let url = s.migration_database_url.as_deref().unwrap_or(&s.database_url);
    ensure_sqlite_dir(url)?;
    let owner = Db::connect(
        url,
        &DbOptions {
            max_connections: 1,
            ..DbOptions::default()
        },
    )
    .await
    .context("cannot connect to the database for migrations")?;
    owner.migrate().await.context("migration failed")?;
    Ok(owner)
}

/// Connects, migrates and builds the use-case layer (no server).
///
/// # Errors
/// Database, secret key or SMTP configuration problems.
pub async fn build_core(s: &Settings, public_url: String) -> anyhow::Result<Core> {
    ensure_sqlite_dir(&s.database_url)?;
    let connect_app = async {
        Db::connect(
            &s.database_url,
            &DbOptions {
                max_connections: s.db_max_connections,
                ..DbOptions::default()
            },
        )
        .await
        .context("cannot connect to the database")
    };
    let separate_owner = s.migration_database_url.as_deref().is_some_and(|u| u != s.database_url);
    let db = if separate_owner {
        // Two roles (Postgres): connect the application pool while the owner migrates, since
        // each new Postgres connection costs a round of TLS handshakes.
        let (migrated, db) = tokio::join!(migrate(s), connect_app);
        migrated?;
        db?
    } else {
        // One URL (always on SQLite): one pool does both.
        let db = connect_app.await?;
        db.migrate().await.context("migration failed")?;
        db
    };
    let keys = Keys::from_secret(&secret::load_or_create(s)?).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mailer: Arc<dyn Mailer> = match s.smtp_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => Arc::new(SmtpMailer::new(url, &s.mail_from).map_err(anyhow::Error::msg)?),
        None => {
            tracing::warn!("ATENDE_SMTP_URL is not set: e-mails (magic links, invitations) are written to the log");
            Arc::new(LogMailer)
        }
    };
    let cfg = CoreConfig {
        public_url,
        mail_from: s.mail_from.clone(),
        whatsapp_graph_url: s.whatsapp_graph_url.clone(),
        outbound_max_attempts: s.outbound_max_attempts.clamp(1, 50),
        whatsapp_rate_per_second: s.whatsapp_rate_per_second.max(1),
        intake_writers: s.intake_writers,
        ..CoreConfig::default()
    };
    let media_url = s
        .media_url
        .clone()
        .unwrap_or_else(|| format!("file://{}", absolute(&s.data_dir.join("media")).display()));
    let media = MediaStore::open(&media_url).map_err(|e| anyhow::anyhow!("{e}"))?;
    let bus = atende_core::bus::for_database(&db, &s.database_url)
        .await
        .context("cannot start the event bus")?;
    Ok(Core::new(db, keys, mailer, cfg)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .with_media(media)
        .with_bus(bus))
}

fn absolute(p: &std::path::Path) -> std::path::PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Starts the server (and the worker) on `listen` or an already bound listener.
///
/// # Errors
/// Anything that keeps the server from starting.
pub async fn start(s: Settings, listener: Option<TcpListener>, opts: StartOptions) -> anyhow::Result<Running> {
    let started = std::time::Instant::now();
    let listener = match listener {
        Some(l) => l,
        None => TcpListener::bind(&s.listen)
            .await
            .with_context(|| format!("cannot listen on {}", s.listen))?,
    };
    let addr = listener.local_addr()?;
    let public_url = s.public_url_for(addr);
    let core = build_core(&s, public_url.clone()).await?;

    let demo = if s.demo {
        atende_core::people::bootstrap::demo_if_empty(&core)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
    } else {
        None
    };

    let http_cfg = HttpConfig {
        auth_per_ip_per_minute: s.auth_per_ip_per_minute,
        widget_per_ip_per_minute: s.widget_per_ip_per_minute,
        trust_proxy: s.trust_proxy,
        ws: atende_http::ws::WsConfig {
            heartbeat_timeout: Duration::from_secs(s.ws_heartbeat_timeout_secs.max(1)),
            recheck_every: Duration::from_secs(s.ws_recheck_secs.max(1)),
            ..atende_http::ws::WsConfig::default()
        },
        ..HttpConfig::default()
    };
    let state = AppState::new(core.clone(), atende_http::metrics_handle(), &http_cfg);
    let shutdown = CancellationToken::new();
    let janitor = {
        let (state, stop) = (state.clone(), shutdown.clone());
        async move {
            let mut every = tokio::time::interval(Duration::from_secs(60));
            loop {
                tokio::select! {
                    () = stop.cancelled() => break,
                    _ = every.tick() => state.prune_limiters(),
                }
            }
        }
    };
    let state_hub = Arc::clone(&state.hub);
    let app = atende_http::router(state, &http_cfg);
    let stop = shutdown.clone();
    let server = tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async move { stop.cancelled().await })
            .await
    });
    tokio::spawn(janitor);
    // Presence across nodes, and every WebSocket closed (1001) when the server stops.
    tokio::spawn(Arc::clone(&state_hub).run(shutdown.clone()));
    let worker = opts.worker.then(|| {
        let w = worker(core.clone(), &s);
        tokio::spawn(w.run(shutdown.child_token()))
    });
    tracing::info!(%addr, elapsed_ms = started.elapsed().as_millis(), worker = opts.worker, "atende is listening");
    if opts.banner {
        println!("\n  Atende is running at {public_url}");
        println!("  API docs: {public_url}/api/docs");
        if let Some(d) = &demo {
            println!("\n  First start: created the demo tenant '{}'. Sign in with", d.slug);
            println!("    e-mail:   {}", d.email);
            println!("    password: {}", d.password);
            println!("  (shown once; change it under your profile)");
        }
        println!("\n  Press Ctrl-C to stop.\n");
    }
    Ok(Running {
        addr,
        public_url,
        core,
        settings: s,
        shutdown,
        server,
        worker,
    })
}

/// Resolves on SIGTERM or Ctrl-C.
pub fn termination() -> impl std::future::Future<Output = ()> {
    // The handlers are installed here, at the call, not when the future is first polled: a
    // SIGTERM that arrives right after the banner is printed must not find the default action
    // (which kills the process without a graceful shutdown).
    #[cfg(unix)]
    let (term, int) = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::terminate()).ok(),
            signal(SignalKind::interrupt()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(term) => {},
                () = wait(int) => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Grace period for in-flight requests after a termination signal.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);
