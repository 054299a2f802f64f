//! Messaging: channels, contacts and their channel identities, tags, conversations, messages,
//! the raw webhook inbox, quick replies and WhatsApp templates.
//!
//! Decisions a reader would otherwise have to reverse-engineer:
//! - **Same-tenant references are enforced by the schema.** A conversation points at its channel
//!   and contact, a message at its conversation, through *composite* foreign keys
//!   `(tenant_id, x_id) → x(tenant_id, id)` (each parent has a unique `(tenant_id, id)` index for
//!   it). A row can therefore never reference another tenant's row, even if a caller passed a
//!   foreign id — the insert fails with a foreign-key violation (`MissingReference`). Postgres runs
//!   foreign-key checks without RLS, so a plain `x_id → x(id)` key would not be enough.
//! - **Idempotency keys lead with the tenant.** `messages (tenant_id, channel_id,
//!   provider_message_id)` is as unique as `(channel_id, provider_message_id)` (a channel has one
//!   tenant) and keeps the rule that every index starts with `tenant_id` (Citus sharding).
//!   `channels (kind, external_id)` is the exception: webhooks route by it before the tenant is
//!   known, so it is unique across tenants — among live channels only (a partial index), so a
//!   number disconnected by one tenant can be connected again, by it or another.
//! - **Media are columns**, not JSON: the object key, size and digest are what retention,
//!   storage accounting and dedupe read, and columns keep them typed on both engines. A media
//!   message's caption is its `body`, so text search covers captions with no special case.
//! - **`webhook_events` is under RLS with a nullable tenant** (like `jobs`): a delivery is stored
//!   in platform scope the moment it arrives — before or without routing — and rows without a
//!   tenant are visible only there; once routed, its tenant sees it (the replay screen).
//! - `messages.status` is NULL for messages that are not delivered by a provider on our behalf
//!   (inbound, private notes, system lines): there is no delivery to track.

use super::cols::*;
use super::{MESSAGING_TENANT_TABLES, disable_rls_sql, enable_rls_sql};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    #[allow(clippy::too_many_lines)] // one table after another; splitting would only scatter them
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, NoAction, SetNull};

        m.create_table(
            Table::create()
                .table(a("channels"))
                .col(id())
                .col(uuid("tenant_id"))
                .col(string("kind"))
                .col(string("name"))
                .col(string_default("status", "disconnected"))
                .col(text_null("last_error"))
                .col(text_null("credentials_enc"))
                .col(string_null("credentials_hint"))
                .col(string_null("external_id"))
                .col(string_null("public_token"))
                .col(json("settings"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("deleted_at"))
                .foreign_key(&mut tenant_fk("channels"))
                .to_owned(),
        )
        .await?;
        m.create_index(tenant_key("channels")).await?;
        m.create_index(unique("channels", &["public_token"])).await?;
        // Webhooks route by (kind, external_id) across tenants; deleted channels release it.
        // Partial indexes have the same syntax on both engines.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX uq_channels__external_id ON channels (kind, external_id) \
                 WHERE deleted_at IS NULL",
            )
            .await?;

        m.create_table(
            Table::create()
                .table(a("contacts"))
                .col(id())
                .col(uuid("tenant_id"))
                .col(string("name"))
                .col(string_null("phone_e164"))
                .col(string_null("email"))
                .col(text_null("avatar_url"))
                .col(json("attributes"))
                .col(boolean("blocked", false))
                .col(boolean("opted_out", false))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut tenant_fk("contacts"))
                .to_owned(),
        )
        .await?;
        m.create_index(tenant_key("contacts")).await?;
        m.create_index(unique("contacts", &["tenant_id", "phone_e164"])).await?;
        m.create_index(index("contacts", "email", &["tenant_id", "email"]))
            .await?;

        m.create_table(
            Table::create()
                .table(a("contact_identities"))
                .col(id())
                .col(uuid("tenant_id"))
                .col(uuid("contact_id"))
                .col(string("channel_kind"))
                .col(string("external_id"))
                .col(ts("created_at"))
                .foreign_key(&mut tenant_fk("contact_identities"))
                .foreign_key(&mut tenant_ref("contact_identities", "contact_id", "contacts", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            "contact_identities",
            &["tenant_id", "channel_kind", "external_id"],
        ))
        .await?;
        m.create_index(index("contact_identities", "contact", &["tenant_id", "contact_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table(a("tags"))
                .col(id())
                .col(uuid("tenant_id"))
                .col(string("name"))
                .col(string_null("color"))
                .col(ts("created_at"))
                .foreign_key(&mut tenant_fk("tags"))
                .to_owned(),
        )
        .await?;
        m.create_index(tenant_key("tags")).await?;
        m.create_index(unique("tags", &["tenant_id", "name"])).await?;

        m.create_table(
            Table::create()
                .table(a("conversations"))
                .col(id())
                .col(uuid("tenant_id"))
                .col(uuid("channel_id"))
                .col(uuid("contact_id"))
                .col(string_default("status", "open"))
                .col(uuid_null("assignee_id"))
                .col(uuid_null("team_id"))
                .col(uuid_null("department_id"))
                .col(string_default("priority", "normal"))
                // Last activity: set to the creation time, then to every message's time. Never
                // NULL, so the inbox's keyset order needs no NULLS FIRST/LAST rule.
                .col(ts("last_message_at"))
                .col(ts_null("last_inbound_at"))
                .col(int("unread_count", 0))
                .col(ts_null("snoozed_until"))
                .col(ts_null("resolved_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut tenant_fk("conversations"))
                .foreign_key(&mut tenant_ref("conversations", "channel_id", "channels", NoAction))
                .foreign_key(&mut tenant_ref("conversations", "contact_id", "contacts", Cascade))
                .foreign_key(&mut fk("conversations", "assignee_id", "users", SetNull))
                .foreign_key(&mut fk("conversations", "team_id", "teams", SetNull))
                .foreign_key(&mut fk("conversations", "department_id", "departments", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(tenant_key("conversations")).await?;
        // The inbox: newest activity first within a status (a btree is read backwards for DESC).
        m.create_index(index(
            "conversations",
            "inbox",
            &["tenant_id", "status", "last_message_at", "id"],
        ))
        .await?;
        m.create_index(index(
            "conversations",
            "assignee",
            &["tenant_id", "assignee_id", "last_message_at", "id"],
        ))
        .await?;
        // The reopen policy's lookup: the contact's latest conversation on a channel.
        m.create_index(index(
            "conversations",
            "contact_channel",
            &["tenant_id", "contact_id", "channel_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(a("conversation_tags"))
                .col(uuid("tenant_id"))
                .col(uuid("conversation_id"))
                .col(uuid("tag_id"))
                .col(ts("created_at"))
                .primary_key(Index::create().col(a("conversation_id")).col(a("tag_id")))
                .foreign_key(&mut tenant_fk("conversation_tags"))
                .foreign_key(&mut tenant_ref(
                    "conversation_tags",
                    "conversation_id",
                    "conversations",
                    Cascade,
                ))
                .foreign_key(&mut tenant_ref("conversation_tags", "tag_id", "tags", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("conversation_tags", "tag", &["tenant_id", "tag_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table(a("messages"))
                .col(id())
                .col(uuid("tenant_id"))
                .col(uuid("conversation_id"))
                .col(uuid("channel_id"))
                .col(string("direction"))
                .col(string("author_kind"))
                .col(uuid_null("author_user_id"))
                .col(string("type"))
                .col(text_null("body"))
                .col(json_null("payload"))
                .col(string_null("media_object_key"))
                .col(string_null("media_mime"))
                .col(ColumnDef::new(a("media_size")).big_integer().null())
                .col(string_null("media_file_name"))
                .col(string_null("media_sha256"))
                .col(uuid_null("reply_to_id"))
                .col(string_null("reply_to_provider_id"))
                .col(string_null("provider_message_id"))
                .col(string_null("status"))
                .col(ts_null("sent_at"))
                .col(ts_null("delivered_at"))
                .col(ts_null("read_at"))
                .col(ts_null("played_at"))
                .col(ts_null("failed_at"))
                .col(string_null("error_code"))
                .col(text_null("error_title"))
                .col(boolean("is_private_note", false))
                .col(json_null("mentions"))
                .col(ts_null("provider_timestamp"))
                .col(string_null("idempotency_key"))
                .col(ts("created_at"))
                .foreign_key(&mut tenant_fk("messages"))
                .foreign_key(&mut tenant_ref("messages", "conversation_id", "conversations", Cascade))
                .foreign_key(&mut tenant_ref("messages", "channel_id", "channels", NoAction))
                .foreign_key(&mut fk("messages", "author_user_id", "users", SetNull))
                .to_owned(),
        )
        .await?;
        // The idempotency key of inbound and sent messages; NULLs (queued, notes) never clash.
        m.create_index(unique("messages", &["tenant_id", "channel_id", "provider_message_id"]))
            .await?;
        m.create_index(unique("messages", &["tenant_id", "idempotency_key"]))
            .await?;
        // A conversation's history, newest first (ids are time-ordered).
        m.create_index(index(
            "messages",
            "conversation",
            &["tenant_id", "conversation_id", "id"],
        ))
        .await?;

        // No foreign keys: a raw delivery outlives whatever it was routed to (like audit rows),
        // and must be storable before its tenant and channel are known.
        m.create_table(
            Table::create()
                .table(a("webhook_events"))
                .col(id())
                .col(uuid_null("tenant_id"))
                .col(uuid_null("channel_id"))
                .col(string("provider"))
                .col(ColumnDef::new(a("raw_body")).blob().not_null())
                .col(json("headers"))
                .col(ts("received_at"))
                .col(string_default("status", "pending"))
                .col(int("attempts", 0))
                .col(ts_null("processed_at"))
                .col(text_null("error"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("webhook_events", "tenant", &["tenant_id", "id"]))
            .await?;
        m.create_index(index("webhook_events", "status", &["status", "received_at"]))
            .await?;

        m.create_table(
            Table::create()
                .table(a("quick_replies"))
                .col(id())
                .col(uuid("tenant_id"))
                .col(string("shortcut"))
                .col(string("title"))
                .col(text("content"))
                .col(string_null("category"))
                .col(json_null("attachment"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut tenant_fk("quick_replies"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("quick_replies", &["tenant_id", "shortcut"]))
            .await?;

        m.create_table(
            Table::create()
                .table(a("whatsapp_templates"))
                .col(id())
                .col(uuid("tenant_id"))
                .col(uuid("channel_id"))
                .col(string("name"))
                .col(string("language"))
                .col(string_null("category"))
                .col(string("status"))
                .col(json("components"))
                .col(string_null("external_id"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut tenant_fk("whatsapp_templates"))
                .foreign_key(&mut tenant_ref("whatsapp_templates", "channel_id", "channels", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            "whatsapp_templates",
            &["tenant_id", "channel_id", "name", "language"],
        ))
        .await?;

        if m.get_database_backend() == DbBackend::Postgres {
            for t in MESSAGING_TENANT_TABLES {
                m.get_connection().execute_unprepared(&enable_rls_sql(t)).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == DbBackend::Postgres {
            for t in MESSAGING_TENANT_TABLES {
                m.get_connection().execute_unprepared(&disable_rls_sql(t)).await?;
            }
        }
        for t in [
            "whatsapp_templates",
            "quick_replies",
            "webhook_events",
            "messages",
            "conversation_tags",
            "conversations",
            "tags",
            "contact_identities",
            "contacts",
            "channels",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
