//! Chatbot flows: the draft the builder edits and which version is published.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "flows")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    /// The draft graph (`atende_domain::flows::FlowDefinition`).
    #[sea_orm(column_type = "JsonBinary")]
    pub definition: Json,
    /// `Vec<atende_domain::flows::Trigger>`.
    #[sea_orm(column_type = "JsonBinary")]
    pub triggers: Json,
    pub priority: i32,
    pub active: bool,
    pub published_version: Option<i32>,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
