//! A conversation between a contact and the team on one channel.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "conversations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub channel_id: Uuid,
    pub contact_id: Uuid,
    /// `ConversationStatus` name.
    pub status: String,
    pub assignee_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    /// `Priority` name.
    pub priority: String,
    /// Last activity (creation, then every message); the inbox's order.
    pub last_message_at: DateTimeUtc,
    /// The customer's last message: drives WhatsApp's 24-hour window.
    pub last_inbound_at: Option<DateTimeUtc>,
    pub unread_count: i32,
    pub snoozed_until: Option<DateTimeUtc>,
    pub resolved_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
