//! Row-level security on Postgres: the second wall behind the repositories' tenant filter.
//!
//! Each transaction sets `app.tenant_id` (tenant scope) or `app.scope = 'platform'` (auth
//! lookups, super-admin work, the job claimer) with `set_config(..., true)`, i.e. `SET LOCAL`.
//! A row is visible and writable only when its `tenant_id` equals the transaction's tenant, or
//! in platform scope. The application role is neither the tables' owner nor `BYPASSRLS`, so the
//! policies bind it; migrations run as the owner. SQLite has no RLS: there the repositories'
//! filter is the wall, and the tests prove it on both engines.

use super::{FOUNDATION_TENANT_TABLES, disable_rls_sql, enable_rls_sql};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = m.get_connection();
        for t in FOUNDATION_TENANT_TABLES {
            db.execute_unprepared(&enable_rls_sql(t)).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = m.get_connection();
        for t in FOUNDATION_TENANT_TABLES {
            db.execute_unprepared(&disable_rls_sql(t)).await?;
        }
        Ok(())
    }
}
