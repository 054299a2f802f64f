//! One message of a conversation, either way, including private notes and system lines.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "messages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub conversation_id: Uuid,
    pub channel_id: Uuid,
    /// `Direction` name.
    pub direction: String,
    /// `Author` name.
    pub author_kind: String,
    pub author_user_id: Option<Uuid>,
    /// `MessageType` name.
    #[sea_orm(column_name = "type")]
    pub kind: String,
    /// Text, or a media message's caption.
    pub body: Option<String>,
    /// Structured content: location, contact cards, interactive, template parameters, reaction.
    #[sea_orm(column_type = "JsonBinary")]
    pub payload: Option<Json>,
    pub media_object_key: Option<String>,
    pub media_mime: Option<String>,
    pub media_size: Option<i64>,
    pub media_file_name: Option<String>,
    pub media_sha256: Option<String>,
    pub reply_to_id: Option<Uuid>,
    pub reply_to_provider_id: Option<String>,
    pub provider_message_id: Option<String>,
    /// `MessageStatus` name; NULL for messages no provider delivers for us (inbound, notes).
    pub status: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
    pub delivered_at: Option<DateTimeUtc>,
    pub read_at: Option<DateTimeUtc>,
    pub played_at: Option<DateTimeUtc>,
    pub failed_at: Option<DateTimeUtc>,
    pub error_code: Option<String>,
    pub error_title: Option<String>,
    pub is_private_note: bool,
    #[sea_orm(column_type = "JsonBinary")]
    pub mentions: Option<Json>,
    pub provider_timestamp: Option<DateTimeUtc>,
    pub idempotency_key: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
