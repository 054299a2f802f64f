//! SeaORM entities, one module per table. Columns mirror `migration/`.

pub mod api_keys;
pub mod audit_logs;
pub mod channels;
pub mod contact_identities;
pub mod contact_tags;
pub mod contacts;
pub mod conversation_tags;
pub mod conversations;
pub mod departments;
pub mod flow_versions;
pub mod flows;
pub mod jobs;
pub mod magic_link_tokens;
pub mod memberships;
pub mod messages;
pub mod quick_replies;
pub mod refresh_tokens;
pub mod tags;
pub mod team_members;
pub mod teams;
pub mod tenant_domains;
pub mod tenants;
pub mod users;
pub mod webhook_events;
pub mod whatsapp_templates;
