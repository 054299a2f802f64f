//! The last provider error of a channel (issue 10, defect 7): when a send fails for a reason of
//! the channel (WhatsApp 130429 throughput, the spam rate limit, Graph down, an account-level
//! error webhook) its code, text and time are kept here, so the API and the web app can show the
//! channel as *degraded* instead of "connected". The next successful send clears them.
//!
//! Three nullable columns on `channels` (already under row-level security). One `ALTER` each:
//! SQLite adds one column per statement.

use super::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: &[&str] = &["provider_error_code", "provider_error_title", "provider_error_at"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            string_null("provider_error_code"),
            text_null("provider_error_title"),
            ts_null("provider_error_at"),
        ] {
            m.alter_table(Table::alter().table(a("channels")).add_column(col).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in COLUMNS {
            m.alter_table(Table::alter().table(a("channels")).drop_column(a(col)).to_owned())
                .await?;
        }
        Ok(())
    }
}
