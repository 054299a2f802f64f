//! Tags on contacts, and tag names unique per tenant regardless of case.
//!
//! - `contact_tags` mirrors `conversation_tags`: composite `(tenant_id, x_id)` foreign keys so a
//!   row can only join a contact and a tag of the same tenant; deleting either removes the link.
//! - `uq_tags__name` is replaced by `uq_tags__lower_name` on `(tenant_id, lower(name))`, so
//!   `VIP` and `vip` cannot both exist while the tag keeps the spelling its author chose (the
//!   tag use cases report a clash on the field `name`). SQLite's `lower()` folds ASCII only: on the embedded
//!   engine `Ação` and `AÇÃO` are two names (Postgres folds them to one).

use super::cols::*;
use super::{CONTACT_TAGS_TENANT_TABLES, disable_rls_sql, enable_rls_sql};
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
                .table(a("contact_tags"))
                .col(uuid("tenant_id"))
                .col(uuid("contact_id"))
                .col(uuid("tag_id"))
                .col(ts("created_at"))
                .primary_key(Index::create().col(a("contact_id")).col(a("tag_id")))
                .foreign_key(&mut tenant_fk("contact_tags"))
                .foreign_key(&mut tenant_ref("contact_tags", "contact_id", "contacts", Cascade))
                .foreign_key(&mut tenant_ref("contact_tags", "tag_id", "tags", Cascade))
                .to_owned(),
        )
        .await?;
        // The `tag` filter of the contact list.
        m.create_index(index("contact_tags", "tag", &["tenant_id", "tag_id", "contact_id"]))
            .await?;

        // Raw SQL: an expression index, and the same statements on both engines.
        let conn = m.get_connection();
        conn.execute_unprepared("CREATE UNIQUE INDEX uq_tags__lower_name ON tags (tenant_id, lower(name))")
            .await?;
        conn.execute_unprepared("DROP INDEX uq_tags__name").await?;

        if m.get_database_backend() == DbBackend::Postgres {
            for t in CONTACT_TAGS_TENANT_TABLES {
                m.get_connection().execute_unprepared(&enable_rls_sql(t)).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == DbBackend::Postgres {
            for t in CONTACT_TAGS_TENANT_TABLES {
                m.get_connection().execute_unprepared(&disable_rls_sql(t)).await?;
            }
        }
        m.get_connection()
            .execute_unprepared("DROP INDEX uq_tags__lower_name")
            .await?;
        m.create_index(unique("tags", &["tenant_id", "name"])).await?;
        m.drop_table(Table::drop().table(a("contact_tags")).to_owned()).await
    }
}
