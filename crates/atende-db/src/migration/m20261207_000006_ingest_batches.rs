//! Indexes for batched ingest.
//!
//! - `ix_conversations__contact_latest (tenant_id, contact_id, channel_id, id)` replaces
//!   `ix_conversations__contact_channel` (the same without `id`): the reopen policy's lookup of
//!   a contact's latest conversation on a channel (`ORDER BY id DESC LIMIT 1`, once per contact
//!   of a batch) becomes one backward step in the index instead of reading the contact's
//!   conversations and sorting them.
//! - `ix_conversations__snoozed` (partial, only snoozed conversations): the worker's periodic
//!   wake-up of snoozed conversations, across tenants, read the whole table every 30 s. It does
//!   not lead with `tenant_id` on purpose: the look is cross-tenant, and a partial index of
//!   snoozed rows stays small (under Citus each shard keeps its own).

use super::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index(
            "conversations",
            "contact_latest",
            &["tenant_id", "contact_id", "channel_id", "id"],
        ))
        .await?;
        m.get_connection()
            .execute_unprepared("DROP INDEX ix_conversations__contact_channel")
            .await?;
        // Partial indexes have the same syntax on both engines.
        m.get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_conversations__snoozed ON conversations (snoozed_until) \
                 WHERE snoozed_until IS NOT NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DROP INDEX ix_conversations__snoozed")
            .await?;
        m.create_index(index(
            "conversations",
            "contact_channel",
            &["tenant_id", "contact_id", "channel_id"],
        ))
        .await?;
        m.get_connection()
            .execute_unprepared("DROP INDEX ix_conversations__contact_latest")
            .await?;
        Ok(())
    }
}
