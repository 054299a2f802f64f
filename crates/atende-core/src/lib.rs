//! Use cases of Atende: what a caller may do and what happens when they do it. Knows no HTTP:
//! the API, the CLI and the worker all call the same functions.
//!
//! # Layout
//! - [`Core`]: the service object (database, keys, mailer, settings) every use case hangs off.
//! - [`error`]: [`CoreError`], each variant with a stable code the web app translates.
//! - [`crypto`]: key derivation from the secret key, argon2id passwords, token digests,
//!   AES-256-GCM for secrets at rest.
//! - [`authz`]: enforcement of the permission matrix of `atende-domain`.
//! - [`audit`]: request metadata and the one helper that writes audit rows.
//! - [`auth`]: sign-in, JWT access tokens, rotating refresh tokens, magic links, TOTP,
//!   principals (users and API keys).
//! - [`messaging`]: contacts (phone-normalised search, tags on contacts), tags, quick replies.
//! - [`people`]: tenants, members and invitations, departments, teams, API keys, the audit trail.
//! - [`mail`]: the mailer (SMTP via lettre, or the log in development) and the `mail.send` job.
//! - [`jobs`]: the worker loop, handlers, retries with back-off, graceful release.
//! - [`views`]: the response shapes (serde + OpenAPI schemas).
//! - [`channels`]: connecting channels (credentials encrypted at rest, checked against the
//!   provider), the adapter registry, per-number send pacing.
//! - [`media`]: media files in object storage (local directory or S3) and signed download links.
//! - [`intake`]: group commit of webhook deliveries (one transaction for those that arrive
//!   together).
//! - [`ingest`]: webhook intake (verify, store raw, acknowledge) and the job that applies
//!   stored deliveries in batches: contacts, conversations (reopen policy), messages,
//!   statuses, media — one tenant transaction per batch.
//! - [`inbox`]: conversations and messages for agents: lists, sending (window check, queue),
//!   assignment, transfer, status, read; the `message.deliver` job.
//! - [`widget`]: the web-chat widget's visitors: signed visitor tokens, sessions, messages,
//!   uploads, typing, and the live feed of a visitor's conversation.
//! - [`bus`]: the event bus feeding live screens (`EventBus`; in-process, or Postgres
//!   `LISTEN/NOTIFY` across nodes), events with dotted names and their topics.
//! - [`realtime`]: what a live connection may watch (subscriptions authorized, events filtered
//!   by the agent's visibility), typing, and presence per node announced on the bus.

#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod audit;
pub mod auth;
pub mod authz;
pub mod bus;
pub mod channels;
pub mod crypto;
pub mod error;
pub mod flows;
pub mod inbox;
pub mod ingest;
pub mod intake;
pub mod jobs;
pub mod mail;
pub mod media;
pub mod messaging;
pub mod people;
pub mod realtime;
pub mod views;
pub mod widget;

pub use audit::RequestMeta;
pub use error::{CoreError, CoreResult};

use atende_db::Db;
use std::sync::Arc;
use std::time::Duration;

/// Settings the use cases read. Built once by the binary and passed in.
#[derive(Clone, Debug)]
pub struct CoreConfig {
    /// Where users reach the web app; links in e-mails start with it.
    pub public_url: String,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    pub magic_link_ttl: Duration,
    pub invite_ttl: Duration,
    /// How long a password-reset link stays valid ("Esqueci a senha").
    pub password_reset_ttl: Duration,
    /// Failed sign-ins allowed per account inside `login_window` before a 429.
    pub login_max_failures: usize,
    pub login_window: Duration,
    pub mail_from: String,
    /// The WhatsApp Graph API base URL with its version (`ATENDE_WHATSAPP_GRAPH_URL`).
    pub whatsapp_graph_url: String,
    /// Send attempts of an outbound message before it fails for good.
    pub outbound_max_attempts: i32,
    /// Messages per second per WhatsApp number (Meta's default throughput is 80).
    pub whatsapp_rate_per_second: u32,
    /// How long signed media links stay valid.
    pub media_link_ttl: Duration,
    /// Webhook intake writers committing at once on PostgreSQL (SQLite has one).
    pub intake_writers: usize,
}

impl Default for CoreConfig {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
            access_ttl: Duration::from_secs(15 * 60),
            refresh_ttl: Duration::from_secs(30 * 24 * 3600),
            magic_link_ttl: Duration::from_secs(15 * 60),
            invite_ttl: Duration::from_secs(7 * 24 * 3600),
            password_reset_ttl: Duration::from_secs(30 * 60),
            login_max_failures: 5,
            login_window: Duration::from_secs(15 * 60),
            mail_from: "Atende <no-reply@atende.local>".into(),
            whatsapp_graph_url: atende_channels::whatsapp_cloud::DEFAULT_GRAPH_URL.into(),
            outbound_max_attempts: 8,
            whatsapp_rate_per_second: 80,
            media_link_ttl: Duration::from_secs(3600),
            intake_writers: 1,
        }
    }
}

/// The service object. Cheap to clone.
#[derive(Clone)]
pub struct Core {
    pub db: Db,
    pub keys: Arc<crypto::Keys>,
    pub mailer: Arc<dyn mail::Mailer>,
    pub config: Arc<CoreConfig>,
    /// One adapter per channel kind.
    pub adapters: Arc<channels::Adapters>,
    /// Media files (inbound downloads, agent uploads).
    pub media: Arc<media::MediaStore>,
    /// Live-screen events; in-process unless [`Core::with_bus`] sets another.
    pub bus: Arc<dyn bus::EventBus>,
    /// Per-number and per-recipient send pacing (process-local).
    pub pacing: Arc<channels::Pacing>,
    /// The group-commit writer of webhook deliveries, started on first use.
    intake: Arc<std::sync::OnceLock<intake::Intake>>,
    /// Channels (and their webhook secrets) as the intake path last read them.
    pub webhook_channels: Arc<ingest::WebhookChannels>,
}

impl Core {
    /// The core with an in-memory media store and the in-process bus; the binary swaps in the
    /// configured ones with [`Core::with_media`] and [`Core::with_bus`].
    ///
    /// # Errors
    /// `Internal` when an adapter's HTTP client cannot be built.
    pub fn new(db: Db, keys: crypto::Keys, mailer: Arc<dyn mail::Mailer>, config: CoreConfig) -> CoreResult<Self> {
        let adapters = channels::Adapters::new(&config)?;
        let pacing = channels::Pacing::new(config.whatsapp_rate_per_second);
        Ok(Self {
            db,
            keys: Arc::new(keys),
            mailer,
            config: Arc::new(config),
            adapters: Arc::new(adapters),
            media: Arc::new(media::MediaStore::in_memory()),
            bus: Arc::new(bus::InProcessBus::new(bus::DEFAULT_CAPACITY)),
            pacing: Arc::new(pacing),
            intake: Arc::new(std::sync::OnceLock::new()),
            webhook_channels: Arc::new(ingest::WebhookChannels::default()),
        })
    }

    #[must_use]
    pub fn with_bus(mut self, bus: Arc<dyn bus::EventBus>) -> Self {
        self.bus = bus;
        self
    }

    #[must_use]
    pub fn with_media(mut self, media: media::MediaStore) -> Self {
        self.media = Arc::new(media);
        self
    }

    /// The webhook intake writer (see [`intake`]); started on first use, inside the runtime.
    #[must_use]
    pub fn intake(&self) -> &intake::Intake {
        self.intake
            .get_or_init(|| intake::Intake::start(self.db.clone(), self.config.intake_writers))
    }

    /// Publishes a committed batch to live screens. Best effort: a transport failure is logged,
    /// never returned (the change is committed; screens refetch on reconnect).
    pub async fn publish(&self, events: Vec<bus::Event>) {
        if events.is_empty() {
            return;
        }
        if let Err(e) = self.bus.publish_batch(events).await {
            tracing::warn!(error = %e, "event bus publish failed");
        }
    }
}
