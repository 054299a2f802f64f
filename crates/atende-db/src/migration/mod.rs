//! The one migration set, for SQLite and PostgreSQL alike. Postgres-only statements (row-level
//! security) run under a backend check inside the same migrations.
//!
//! `DeriveMigrationName` names a migration after its file, so there is one migration per file.

use sea_orm_migration::prelude::*;

mod m20261122_000001_foundation;
mod m20261122_000002_row_level_security;

/// Every migration, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_foundation::Migration),
            Box::new(m20261122_000002_row_level_security::Migration),
        ]
    }
}

/// Tables that carry a `tenant_id` and are therefore under row-level security on Postgres.
/// `tenants` is listed too: a tenant transaction sees only its own tenant row.
pub const TENANT_TABLES: &[&str] = &[
    "tenants",
    "tenant_domains",
    "memberships",
    "departments",
    "teams",
    "team_members",
    "api_keys",
    "audit_logs",
    "jobs",
];
