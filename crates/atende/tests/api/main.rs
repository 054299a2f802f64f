//! API tests: the real binary's server on port 0, a fresh database per test, real HTTP.
//! Every test runs on SQLite; with `ATENDE_TEST_DATABASE_URL` set it runs again on PostgreSQL
//! as the row-level-security-bound application role.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod harness;

mod audit;
mod auth;
mod cli;
mod contacts;
mod contract;
mod durability;
mod hostile;
mod inbox;
mod ingest_batch;
mod openapi;
mod ops;
mod org;
mod quick_replies;
mod rbac;
mod tags;
mod tenancy;
mod tenants;
mod whatsapp;
mod widget;
mod ws;
mod ws_scale;
