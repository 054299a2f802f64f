//! Chatbot flows (issue 11): the draft a builder edits and the versions publishing snapshots.
//!
//! - `flows`: name (unique per tenant), the draft `definition` (JSON graph), `triggers`,
//!   `priority`, `active`, and which version is published (`published_version`, 1, 2, …).
//! - `flow_versions`: one immutable row per publish, `(tenant_id, flow_id, version)` unique.
//!   A running session points at its version, so publishing again never changes a conversation
//!   in progress. Deleting a flow deletes its versions.

use super::cols::*;
use super::{FLOWS_TENANT_TABLES, disable_rls_sql, enable_rls_sql};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::Cascade;
        m.create_table(
            Table::create()
                .table(a("flows"))
                .col(id())
                .col(uuid("tenant_id"))
                .col(string("name"))
                .col(text_null("description"))
                .col(json("definition"))
                .col(json("triggers"))
                .col(int("priority", 0))
                .col(boolean("active", false))
                .col(ColumnDef::new(a("published_version")).integer().null())
                .col(ts_null("published_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut tenant_fk("flows"))
                .to_owned(),
        )
        .await?;
        m.create_index(tenant_key("flows")).await?;
        m.create_index(unique("flows", &["tenant_id", "name"])).await?;

        m.create_table(
            Table::create()
                .table(a("flow_versions"))
                .col(id())
                .col(uuid("tenant_id"))
                .col(uuid("flow_id"))
                .col(ColumnDef::new(a("version")).integer().not_null())
                .col(json("definition"))
                .col(uuid_null("created_by"))
                .col(ts("created_at"))
                .foreign_key(&mut tenant_fk("flow_versions"))
                .foreign_key(&mut tenant_ref("flow_versions", "flow_id", "flows", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("flow_versions", &["tenant_id", "flow_id", "version"]))
            .await?;

        if m.get_database_backend() == DbBackend::Postgres {
            for t in FLOWS_TENANT_TABLES {
                m.get_connection().execute_unprepared(&enable_rls_sql(t)).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == DbBackend::Postgres {
            for t in FLOWS_TENANT_TABLES {
                m.get_connection().execute_unprepared(&disable_rls_sql(t)).await?;
            }
        }
        for t in ["flow_versions", "flows"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
