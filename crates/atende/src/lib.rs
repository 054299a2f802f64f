//! Atende, the binary: settings, telemetry and the composition root. It is the only crate that
//! picks the database backend and wires the parts together; `main.rs` is the CLI over it, and
//! the API tests start the same [`start`] in-process.
//!
//! # Layout
//! - [`settings`]: defaults → optional TOML (`--config`) → `ATENDE_*` environment.
//! - [`secret`]: the installation's secret key (from settings, or generated into the data dir).
//! - [`telemetry`]: logs (JSON, or human-readable on a terminal).
//! - [`app`]: [`start`] (migrate, connect, first-run demo, HTTP server, embedded worker) and
//!   graceful shutdown.

#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod app;
pub mod secret;
pub mod settings;
pub mod telemetry;

pub use app::{Running, StartOptions, build_core, start};
pub use settings::Settings;
