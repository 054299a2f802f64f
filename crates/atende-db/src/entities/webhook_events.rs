//! The durable inbox of raw webhook deliveries, stored before they are applied.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// NULL until routed (and for deliveries that route nowhere).
    pub tenant_id: Option<Uuid>,
    pub channel_id: Option<Uuid>,
    pub provider: String,
    /// Exactly the bytes received (signatures are over them).
    pub raw_body: Vec<u8>,
    #[sea_orm(column_type = "JsonBinary")]
    pub headers: Json,
    pub received_at: DateTimeUtc,
    pub status: String,
    pub attempts: i32,
    pub processed_at: Option<DateTimeUtc>,
    pub error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
