//! The one migration set, for SQLite and PostgreSQL alike. Postgres-only statements (row-level
//! security) run under a backend check inside the same migrations.
//!
//! `DeriveMigrationName` names a migration after its file, so there is one migration per file.

use sea_orm_migration::prelude::*;

mod cols;
mod m20261122_000001_foundation;
mod m20261122_000002_row_level_security;
mod m20261122_000003_messaging;
mod m20261122_000004_totp_replay;
mod m20261122_000005_contact_tags;
mod m20261207_000006_ingest_batches;
mod m20261207_000007_inbox_reads;
mod m20261208_000020_channels_provider_errors;
mod m20261208_000021_flows;

/// Every migration, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_foundation::Migration),
            Box::new(m20261122_000002_row_level_security::Migration),
            Box::new(m20261122_000003_messaging::Migration),
            Box::new(m20261122_000004_totp_replay::Migration),
            Box::new(m20261122_000005_contact_tags::Migration),
            Box::new(m20261207_000006_ingest_batches::Migration),
            Box::new(m20261207_000007_inbox_reads::Migration),
            Box::new(m20261208_000020_channels_provider_errors::Migration),
            Box::new(m20261208_000021_flows::Migration),
        ]
    }
}

/// Tenant tables created by the foundation migration: the RLS migration (000002) covers exactly
/// these. Frozen — a later migration lists its own tables and enables RLS on them itself, because
/// on a fresh database 000002 runs before those tables exist.
pub(crate) const FOUNDATION_TENANT_TABLES: &[&str] = &[
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

/// Tenant tables created (and put under RLS) by `m20261122_000003_messaging`.
pub const MESSAGING_TENANT_TABLES: &[&str] = &[
    "channels",
    "contacts",
    "contact_identities",
    "tags",
    "conversations",
    "conversation_tags",
    "messages",
    "webhook_events",
    "quick_replies",
    "whatsapp_templates",
];

/// Tenant tables created (and put under RLS) by `m20261122_000005_contact_tags`.
pub const CONTACT_TAGS_TENANT_TABLES: &[&str] = &["contact_tags"];

/// Tenant tables created (and put under RLS) by `m20261208_000021_flows`.
pub const FLOWS_TENANT_TABLES: &[&str] = &["flows", "flow_versions"];

const BEFORE_CONTACT_TAGS: usize = FOUNDATION_TENANT_TABLES.len() + MESSAGING_TENANT_TABLES.len();
const BEFORE_FLOWS: usize = BEFORE_CONTACT_TAGS + CONTACT_TAGS_TENANT_TABLES.len();
const TENANT_TABLE_COUNT: usize = BEFORE_FLOWS + FLOWS_TENANT_TABLES.len();
const BEFORE_CONTACT_TAGS_ARRAY: [&str; BEFORE_CONTACT_TAGS] =
    concat(FOUNDATION_TENANT_TABLES, MESSAGING_TENANT_TABLES);
const BEFORE_FLOWS_ARRAY: [&str; BEFORE_FLOWS] = concat(&BEFORE_CONTACT_TAGS_ARRAY, CONTACT_TAGS_TENANT_TABLES);
const TENANT_TABLE_ARRAY: [&str; TENANT_TABLE_COUNT] = concat(&BEFORE_FLOWS_ARRAY, FLOWS_TENANT_TABLES);

/// Tables that carry a `tenant_id` and are therefore under row-level security on Postgres.
/// `tenants` is listed too: a tenant transaction sees only its own tenant row.
pub const TENANT_TABLES: &[&str] = &TENANT_TABLE_ARRAY;

const fn concat<const N: usize>(a: &[&'static str], b: &[&'static str]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < a.len() {
        out[i] = a[i];
        i += 1;
    }
    let mut j = 0;
    while j < b.len() {
        out[i + j] = b[j];
        j += 1;
    }
    out
}

/// The `tenant_isolation` policy's expression for `table`: a row is visible and writable when its
/// tenant is the transaction's (`app.tenant_id`), or in platform scope (`app.scope`). A row with a
/// NULL tenant (a job or a webhook delivery not yet routed) is therefore platform-only.
fn policy_expr(table: &str) -> String {
    let col = if table == "tenants" { "id" } else { "tenant_id" };
    format!(
        "current_setting('app.scope', true) = 'platform' \
         OR {col} = NULLIF(current_setting('app.tenant_id', true), '')::uuid"
    )
}

/// Postgres statements that put `table` under row-level security with the `tenant_isolation`
/// policy. Every migration that creates tenant tables runs this for its own tables: the RLS
/// migration only covered the tables that existed when it ran.
pub(crate) fn enable_rls_sql(table: &str) -> String {
    let expr = policy_expr(table);
    format!(
        "ALTER TABLE {table} ENABLE ROW LEVEL SECURITY; \
         CREATE POLICY tenant_isolation ON {table} USING ({expr}) WITH CHECK ({expr});"
    )
}

/// Undoes [`enable_rls_sql`].
pub(crate) fn disable_rls_sql(table: &str) -> String {
    format!("DROP POLICY IF EXISTS tenant_isolation ON {table}; ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_tables_are_every_migrations_list_once() {
        assert_eq!(
            TENANT_TABLES,
            [
                FOUNDATION_TENANT_TABLES,
                MESSAGING_TENANT_TABLES,
                CONTACT_TAGS_TENANT_TABLES,
                FLOWS_TENANT_TABLES
            ]
            .concat()
            .as_slice()
        );
        let unique: std::collections::HashSet<_> = TENANT_TABLES.iter().collect();
        assert_eq!(unique.len(), TENANT_TABLES.len());
    }
}
