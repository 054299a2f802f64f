//! Repository tests of `atende-db`, each run on SQLite and, when `ATENDE_TEST_DATABASE_URL` is
//! set, again on PostgreSQL as the row-level-security-bound application role.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod harness;
mod fixtures;

mod conflicts;
mod jobs;
mod migrations;
mod pagination;
mod rls;
mod tenancy;
mod tokens;
