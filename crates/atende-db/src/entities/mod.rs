//! SeaORM entities, one module per table. Columns mirror `migration/`.

pub mod api_keys;
pub mod audit_logs;
pub mod departments;
pub mod jobs;
pub mod magic_link_tokens;
pub mod memberships;
pub mod refresh_tokens;
pub mod team_members;
pub mod teams;
pub mod tenant_domains;
pub mod tenants;
pub mod users;
