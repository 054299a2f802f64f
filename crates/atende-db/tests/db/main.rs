//! Repository tests of `atende-db`, each run on SQLite and, when `ATENDE_TEST_DATABASE_URL` is
//! set, again on PostgreSQL as the row-level-security-bound application role.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod harness;
mod fixtures;
mod msg_fixtures;
// Plan-check helpers and `postgres_only!`, used by `ingest_plans` too.
#[macro_use]
mod plans;

mod channels;
mod conflicts;
mod contacts;
mod conversations;
mod inbox_counts_plans;
mod ingest_plans;
mod job_batches;
mod jobs;
mod messages;
mod messaging_rls;
mod migrations;
mod notify;
mod pagination;
mod quick_replies;
mod rls;
mod tenancy;
mod tokens;
mod webhook_events;
