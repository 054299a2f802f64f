//! API tests: the real binary's server on port 0, a fresh database per test, real HTTP.
//! Every test runs on SQLite; with `ATENDE_TEST_DATABASE_URL` set it runs again on PostgreSQL
//! as the row-level-security-bound application role.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod harness;

mod audit;
mod auth;
mod channel_health;
mod channel_setup;
mod cli;
mod contacts;
mod contacts_list;
mod contract;
mod durability;
mod flows;
mod greeting;
mod hostile;
mod inbox;
mod inbox_list;
mod ingest_batch;
mod invitations;
mod lifecycle;
mod media_retry;
mod openapi;
mod ops;
mod ordering;
mod org;
mod password_reset;
mod quick_replies;
mod rbac;
mod start_conversation;
mod tags;
mod templates_sync;
mod tenancy;
mod tenants;
mod whatsapp;
mod widget;
mod ws;
mod ws_scale;
