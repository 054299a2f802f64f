//! A published snapshot of a flow's graph; immutable.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "flow_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub flow_id: Uuid,
    /// 1, 2, … per flow.
    pub version: i32,
    #[sea_orm(column_type = "JsonBinary")]
    pub definition: Json,
    /// The member who published it (`None` for an API key).
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
