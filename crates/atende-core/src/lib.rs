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
//! - [`bus`]: the event bus feeding live screens (`EventBus`; in-process, or Postgres
//!   `LISTEN/NOTIFY` across nodes), events with dotted names and their topics.

#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod audit;
pub mod auth;
pub mod authz;
pub mod bus;
pub mod crypto;
pub mod error;
pub mod jobs;
pub mod mail;
pub mod messaging;
pub mod people;
pub mod views;

pub use audit::RequestMeta;
pub use error::CoreError;

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
    /// Failed sign-ins allowed per account inside `login_window` before a 429.
    pub login_max_failures: usize,
    pub login_window: Duration,
    pub mail_from: String,
}

impl Default for CoreConfig {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
            access_ttl: Duration::from_secs(15 * 60),
            refresh_ttl: Duration::from_secs(30 * 24 * 3600),
            magic_link_ttl: Duration::from_secs(15 * 60),
            invite_ttl: Duration::from_secs(7 * 24 * 3600),
            login_max_failures: 5,
            login_window: Duration::from_secs(15 * 60),
            mail_from: "Atende <no-reply@atende.local>".into(),
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
}

impl Core {
    #[must_use]
    pub fn new(db: Db, keys: crypto::Keys, mailer: Arc<dyn mail::Mailer>, config: CoreConfig) -> Self {
        Self {
            db,
            keys: Arc::new(keys),
            mailer,
            config: Arc::new(config),
        }
    }
}
