//! Indexes for the inbox's first page, one per tab of the web app, over *working* conversations
//! only (`open`, `pending`, `waiting`: the statuses the list shows by default).
//!
//! | index | the tab it answers (`repo::conversations::list_query`) |
//! |---|---|
//! | `ix_conversations__working (tenant_id, last_message_at, id)` | *All* |
//! | `ix_conversations__working_assignee (tenant_id, assignee_id, last_message_at, id)`, also `WHERE assignee_id IS NOT NULL` | *Mine* (`assignee_id = me`) |
//! | `ix_conversations__working_unassigned (tenant_id, last_message_at, id)`, also `WHERE assignee_id IS NULL` | *Unassigned* |
//!
//! Why partial indexes:
//! - **The page must not grow with the backlog.** Before these, *All* and *Unassigned* with the
//!   default statuses could only read the tenant's working conversations from
//!   `ix_conversations__inbox` (three status ranges, one `status = ANY(…)` scan) and sort them all
//!   for the newest 30; *Mine* walked the agent's every conversation, resolved ones included,
//!   until 30 working ones were found. Read backwards, each index here yields the page in order
//!   and stops after it, and holds only working conversations — a small share of a tenant's
//!   history, and the rows that change.
//! - **`assignee_id IS NULL` gets its own index**: PostgreSQL does not treat `IS NULL` as an
//!   equality that fixes the column, so `(tenant_id, assignee_id, last_message_at, id)` cannot
//!   give *Unassigned* its order without a sort.
//! - **The assignee indexes split the working conversations**: assigned ones in
//!   `…_working_assignee` (`assignee_id = me` implies its `IS NOT NULL`), unassigned ones in
//!   `…_working_unassigned`, so neither holds the other's rows.
//! - **Without statistics**, while the table is small, the planner estimates every path at one
//!   row and may read *Mine* or *Unassigned* from `ix_conversations__working` with the assignee as
//!   a filter: still in order and bounded by the (few) working conversations of a small table. At
//!   the sizes where it would matter the tab's own index is the cheaper path (`bench/inbox`
//!   EXPLAINs it at a million conversations; `tests/db/plans.rs` checks the order and the partial
//!   indexes at a few thousand).
//!
//! The predicate's literals must appear as literals in the query (a bound `$2` cannot be matched
//! against an index predicate by either planner), so `list_query` writes the statuses into its
//! SQL in this order. Both engines accept the same `CREATE INDEX … WHERE` statements.
//!
//! Cost: every message moves its conversation's `last_message_at`, so a working conversation's
//! update now also writes an entry in two of these indexes (the *All* one and one of the two
//! assignee ones). Resolved and archived conversations are in none of them.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The working statuses, as `ConversationStatus::is_active` names them in 2026-12; a migration
/// is history, so they are written out rather than read from the code.
const WORKING: &str = "status IN ('open', 'pending', 'waiting')";

const INDEXES: &[(&str, &str, &str)] = &[
    ("ix_conversations__working", "tenant_id, last_message_at, id", ""),
    (
        "ix_conversations__working_assignee",
        "tenant_id, assignee_id, last_message_at, id",
        " AND assignee_id IS NOT NULL",
    ),
    (
        "ix_conversations__working_unassigned",
        "tenant_id, last_message_at, id",
        " AND assignee_id IS NULL",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let conn = m.get_connection();
        for (name, cols, more) in INDEXES {
            conn.execute_unprepared(&format!(
                "CREATE INDEX {name} ON conversations ({cols}) WHERE {WORKING}{more}"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let conn = m.get_connection();
        for (name, _, _) in INDEXES {
            conn.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        Ok(())
    }
}
