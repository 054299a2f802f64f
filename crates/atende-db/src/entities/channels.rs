//! A connected channel (a WhatsApp number, a web-chat widget, ...). Soft-deleted: history stays.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "channels")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub kind: String,
    pub name: String,
    pub status: String,
    pub last_error: Option<String>,
    /// Encrypted by core; opaque here and never returned by the API.
    pub credentials_enc: Option<String>,
    /// A masked hint of the credentials, safe to show.
    pub credentials_hint: Option<String>,
    /// The provider's id of the endpoint webhooks route by (WhatsApp: phone number id).
    pub external_id: Option<String>,
    /// The web-chat widget's public token.
    pub public_token: Option<String>,
    #[sea_orm(column_type = "JsonBinary")]
    pub settings: Json,
    /// The last provider error of the channel itself (not of one message): code, text, when.
    /// Set means *degraded*; the next successful send clears them.
    pub provider_error_code: Option<String>,
    pub provider_error_title: Option<String>,
    pub provider_error_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
