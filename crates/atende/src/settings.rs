//! Settings: defaults in code, then an optional TOML file, then `ATENDE_*` environment
//! variables (the TOML keys are the variable names without the prefix, in lower case).

use serde::Deserialize;
use std::fmt;
use std::path::PathBuf;

#[derive(Clone, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// `sqlite://./data/atende.db` (default) or `postgres://user@host/db` (the application role).
    pub database_url: String,
    /// The schema owner's connection, used for migrations (Postgres); default: `database_url`.
    pub migration_database_url: Option<String>,
    pub db_max_connections: u32,
    /// Address to listen on.
    pub listen: String,
    /// Where users reach the app (links in e-mails); default `http://<listen>`.
    pub public_url: Option<String>,
    /// 64 hex characters (32 bytes). Generated into `<data_dir>/secret.key` when absent.
    pub secret_key: Option<String>,
    pub data_dir: PathBuf,
    /// `smtp://user:pass@host:587?tls=required`, `smtps://…`; absent: mail goes to the log.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// `json` or `pretty`; default: pretty on a terminal, JSON otherwise.
    pub log_format: Option<String>,
    /// A `tracing` filter, e.g. `info` or `atende=debug,info`.
    pub log: String,
    /// Create a demo tenant on a first start with an empty database.
    pub demo: bool,
    /// Comma-separated queues the embedded/standalone worker serves; default all.
    pub worker_queues: Option<String>,
    pub worker_concurrency: usize,
    /// Webhook intake writers committing at once on PostgreSQL (SQLite has one).
    pub intake_writers: usize,
    /// Sign-in requests per minute per client IP.
    pub auth_per_ip_per_minute: u32,
    /// Web-chat visitor API requests per minute per client IP.
    pub widget_per_ip_per_minute: u32,
    /// Trust `X-Forwarded-For` (only behind your own proxy).
    pub trust_proxy: bool,
    /// The WhatsApp Graph API base URL with its version; point it at a local fake for demos.
    pub whatsapp_graph_url: String,
    /// Where media files go: `file:///path` or `s3://bucket/prefix` (AWS_* variables configure
    /// S3-compatible stores); default `file://<data_dir>/media`.
    pub media_url: Option<String>,
    /// Send attempts of an outbound message before it fails.
    pub outbound_max_attempts: i32,
    /// Messages per second per WhatsApp number.
    pub whatsapp_rate_per_second: u32,
    /// A WebSocket silent for this long is closed (clients ping every 30 s).
    pub ws_heartbeat_timeout_secs: u64,
    /// How often a WebSocket re-checks the tenant's status and the caller's membership.
    pub ws_recheck_secs: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: "sqlite://./data/atende.db".into(),
            migration_database_url: None,
            db_max_connections: 16,
            listen: "127.0.0.1:8080".into(),
            public_url: None,
            secret_key: None,
            data_dir: PathBuf::from("./data"),
            smtp_url: None,
            mail_from: "Atende <no-reply@atende.local>".into(),
            log_format: None,
            // sqlx reports Postgres notices ("relation … already exists, skipping") at info.
            log: "info,sqlx=warn".into(),
            demo: true,
            worker_queues: None,
            worker_concurrency: 2,
            intake_writers: 1,
            auth_per_ip_per_minute: 30,
            widget_per_ip_per_minute: 240,
            trust_proxy: false,
            whatsapp_graph_url: atende_channels::whatsapp_cloud::DEFAULT_GRAPH_URL.into(),
            media_url: None,
            outbound_max_attempts: 8,
            whatsapp_rate_per_second: 80,
            ws_heartbeat_timeout_secs: 60,
            ws_recheck_secs: 60,
        }
    }
}

fn redact_url(u: &str) -> String {
    // scheme://user:password@host → scheme://user:***@host
    match (u.find("://"), u.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &u[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &u[..s + 3], user, &u[at..]),
                None => u.to_owned(),
            }
        }
        _ => u.to_owned(),
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &redact_url(&self.database_url))
            .field(
                "migration_database_url",
                &self.migration_database_url.as_deref().map(redact_url),
            )
            .field("listen", &self.listen)
            .field("public_url", &self.public_url)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "***"))
            .field("data_dir", &self.data_dir)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("demo", &self.demo)
            .field("whatsapp_graph_url", &self.whatsapp_graph_url)
            .field("media_url", &self.media_url)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// Loads defaults, then `file` (if given), then the environment.
    ///
    /// # Errors
    /// An unreadable file, or a value of the wrong type.
    pub fn load(file: Option<&std::path::Path>) -> anyhow::Result<Self> {
        let mut b = config::Config::builder();
        if let Some(f) = file {
            b = b.add_source(config::File::from(f).format(config::FileFormat::Toml).required(true));
        }
        b = b.add_source(config::Environment::with_prefix("ATENDE").try_parsing(true));
        let s: Self = b.build()?.try_deserialize()?;
        Ok(s)
    }

    /// The URL users reach.
    #[must_use]
    pub fn public_url_for(&self, bound: std::net::SocketAddr) -> String {
        self.public_url.clone().unwrap_or_else(|| {
            let host = if bound.ip().is_unspecified() {
                "127.0.0.1".to_owned()
            } else {
                bound.ip().to_string()
            };
            format!("http://{host}:{}", bound.port())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let s = Settings {
            secret_key: Some("ab".repeat(32)),
            smtp_url: Some("smtp://mailer:hunter2@mail.example.com:587".into()),
            database_url: "postgres://app:s3cret@db/atende".into(),
            ..Settings::default()
        };
        let d = format!("{s:?}");
        assert!(
            !d.contains("hunter2") && !d.contains("s3cret") && !d.contains(&"ab".repeat(32)),
            "{d}"
        );
        assert!(d.contains("mailer:***@mail.example.com"));
    }

    #[test]
    fn toml_then_env() {
        let dir = std::env::temp_dir().join(format!("atende-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("a.toml");
        std::fs::write(&f, "listen = \"0.0.0.0:9000\"\ndemo = false\n").unwrap();
        let s = Settings::load(Some(&f)).unwrap();
        assert_eq!(s.listen, "0.0.0.0:9000");
        assert!(!s.demo);
        assert_eq!(s.database_url, "sqlite://./data/atende.db");
    }
}
