//! Tenants, people, auth tokens, audit trail and the job queue.

use super::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};

        m.create_table(
            Table::create()
                .table(a("tenants"))
                .col(id())
                .col(string("slug"))
                .col(string("name"))
                .col(ColumnDef::new(a("status")).string().not_null().default("active"))
                .col(uuid_null("plan_id"))
                .col(
                    ColumnDef::new(a("time_zone"))
                        .string()
                        .not_null()
                        .default("America/Sao_Paulo"),
                )
                .col(ColumnDef::new(a("locale")).string().not_null().default("pt-BR"))
                .col(json("settings"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("tenants", &["slug"])).await?;

        m.create_table(
            Table::create()
                .table(a("tenant_domains"))
                .col(id())
                .col(uuid("tenant_id"))
                .col(string("domain"))
                .col(ts_null("verified_at"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("tenant_domains", "tenant_id", "tenants", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("tenant_domains", &["domain"])).await?;
        m.create_index(index("tenant_domains", "tenant", &["tenant_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table(a("users"))
                .col(id())
                .col(string("email"))
                .col(string("name"))
                .col(string_null("password_hash"))
                .col(boolean("is_super_admin", false))
                .col(ColumnDef::new(a("locale")).string().not_null().default("pt-BR"))
                .col(boolean("active", true))
                .col(string_null("totp_secret_enc"))
                .col(boolean("totp_enabled", false))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("users", &["email"])).await?;

        m.create_table(
            Table::create()
                .table(a("memberships"))
                .col(id())
                .col(uuid("tenant_id"))
                .col(uuid("user_id"))
                .col(string("role"))
                .col(boolean("active", true))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("memberships", "tenant_id", "tenants", Cascade))
                .foreign_key(&mut fk("memberships", "user_id", "users", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("memberships", &["tenant_id", "user_id"])).await?;
        m.create_index(index("memberships", "user", &["user_id"])).await?;

        m.create_table(
            Table::create()
                .table(a("departments"))
                .col(id())
                .col(uuid("tenant_id"))
                .col(string("name"))
                .col(text_null("description"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("departments", "tenant_id", "tenants", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("departments", &["tenant_id", "name"])).await?;

        m.create_table(
            Table::create()
                .table(a("teams"))
                .col(id())
                .col(uuid("tenant_id"))
                .col(uuid_null("department_id"))
                .col(string("name"))
                .col(text_null("description"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("teams", "tenant_id", "tenants", Cascade))
                .foreign_key(&mut fk("teams", "department_id", "departments", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("teams", &["tenant_id", "name"])).await?;

        m.create_table(
            Table::create()
                .table(a("team_members"))
                .col(uuid("team_id"))
                .col(uuid("user_id"))
                .col(uuid("tenant_id"))
                .col(ts("created_at"))
                .primary_key(Index::create().col(a("team_id")).col(a("user_id")))
                .foreign_key(&mut fk("team_members", "team_id", "teams", Cascade))
                .foreign_key(&mut fk("team_members", "user_id", "users", Cascade))
                .foreign_key(&mut fk("team_members", "tenant_id", "tenants", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("team_members", "user", &["tenant_id", "user_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table(a("refresh_tokens"))
                .col(id())
                .col(uuid("user_id"))
                .col(uuid_null("tenant_id"))
                .col(uuid("family_id"))
                .col(string("token_hash"))
                .col(uuid_null("impersonator_id"))
                .col(ts("expires_at"))
                .col(ts_null("revoked_at"))
                .col(uuid_null("replaced_by"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("refresh_tokens", "user_id", "users", Cascade))
                .foreign_key(&mut fk("refresh_tokens", "tenant_id", "tenants", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("refresh_tokens", &["token_hash"])).await?;
        m.create_index(index("refresh_tokens", "family", &["family_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table(a("magic_link_tokens"))
                .col(id())
                .col(uuid("user_id"))
                .col(uuid_null("tenant_id"))
                .col(string("purpose"))
                .col(string("token_hash"))
                .col(ts("expires_at"))
                .col(ts_null("used_at"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("magic_link_tokens", "user_id", "users", Cascade))
                .foreign_key(&mut fk("magic_link_tokens", "tenant_id", "tenants", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("magic_link_tokens", &["token_hash"])).await?;

        m.create_table(
            Table::create()
                .table(a("api_keys"))
                .col(id())
                .col(uuid("tenant_id"))
                .col(string("name"))
                .col(string("prefix"))
                .col(string("key_hash"))
                .col(string("role"))
                .col(json("scopes"))
                .col(uuid_null("created_by"))
                .col(ts_null("last_used_at"))
                .col(ts_null("revoked_at"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("api_keys", "tenant_id", "tenants", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("api_keys", &["key_hash"])).await?;
        m.create_index(index("api_keys", "tenant", &["tenant_id"])).await?;

        // Audit rows outlive what they describe: no foreign keys, so deleting a user or a
        // tenant never deletes its history.
        m.create_table(
            Table::create()
                .table(a("audit_logs"))
                .col(id())
                .col(uuid_null("tenant_id"))
                .col(uuid_null("actor_user_id"))
                .col(uuid_null("actor_api_key_id"))
                .col(uuid_null("impersonator_id"))
                .col(string("action"))
                .col(string("entity_type"))
                .col(string_null("entity_id"))
                .col(json_null("before"))
                .col(json_null("after"))
                .col(string_null("ip"))
                .col(string_null("user_agent"))
                .col(string_null("request_id"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("audit_logs", "tenant", &["tenant_id", "id"]))
            .await?;
        m.create_index(index(
            "audit_logs",
            "action_entity",
            &["action", "entity_id", "created_at"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(a("jobs"))
                .col(id())
                .col(uuid_null("tenant_id"))
                .col(string("queue"))
                .col(string("kind"))
                .col(json("payload"))
                .col(ColumnDef::new(a("status")).string().not_null().default("queued"))
                .col(ts("run_at"))
                .col(int("attempts", 0))
                .col(int("max_attempts", 8))
                .col(text_null("last_error"))
                .col(string_null("locked_by"))
                .col(ts_null("locked_until"))
                .col(string_null("dedupe_key"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("finished_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("jobs", "claim", &["status", "queue", "run_at"]))
            .await?;
        m.create_index(unique("jobs", &["dedupe_key"])).await?;
        m.create_index(index("jobs", "tenant", &["tenant_id", "status"]))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "jobs",
            "audit_logs",
            "api_keys",
            "magic_link_tokens",
            "refresh_tokens",
            "team_members",
            "teams",
            "departments",
            "memberships",
            "users",
            "tenant_domains",
            "tenants",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
