//! Persistence for Atende: one schema on SQLite and PostgreSQL, tenant-scoped transactions and
//! the durable job queue.
//!
//! Tenancy is in the types: every repository function over tenant data takes a [`TenantTx`],
//! which can only be opened for one tenant and filters by it; on Postgres the same transaction
//! also runs `SET LOCAL app.tenant_id`, so row-level security is a second wall behind the filter.
//! Work that must cross tenants (sign-in lookups, super-admin screens, the job claimer) uses a
//! [`PlatformTx`], and is kept to those places.
//!
//! # Layout
//! - [`entities`]: SeaORM entities, one per table.
//! - [`migration`]: the one migration set (`Migrator`) and the Postgres RLS policies.
//! - [`db`]: [`Db`] (pool, backend), [`TenantTx`], [`PlatformTx`], application-role setup.
//! - [`error`]: [`DbError`], with unique violations mapped back to a field.
//! - [`page`]: keyset pagination ([`PageRequest`], [`Page`]).
//! - [`repo`]: repositories per aggregate (tenants, users, memberships, departments, teams,
//!   tokens, API keys, audit logs; channels, contacts, conversations, messages, tags, raw
//!   webhook events).
//! - `testing` (feature `testing`): fresh per-test databases on both engines.
//! - [`jobs`]: enqueue, claim (`FOR UPDATE SKIP LOCKED` / `UPDATE … RETURNING`), finish, retry.
//! - [`notify`]: Postgres `LISTEN/NOTIFY` (`pg_notify` after a commit, a reconnecting listener)
//!   under the cross-node event bus.

#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod bulk;
pub mod db;
pub mod entities;
pub mod error;
pub mod jobs;
pub mod migration;
pub mod notify;
pub mod page;
pub mod repo;
#[cfg(feature = "testing")]
pub mod testing;

pub use db::{Backend, Db, DbOptions, PlatformTx, Scoped, TenantTx};
pub use error::DbError;
pub use page::{Page, PageRequest};
pub use sea_orm;
