//! A contact's conversations at a glance, for the contacts list and the contact page: how many
//! and when the last message was, for a whole page of contacts in one statement.

use crate::db::{Scoped, TenantTx};
use crate::entities::conversations;
use crate::error::DbError;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use std::collections::HashMap;
use uuid::Uuid;

/// A contact's conversations at a glance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Activity {
    pub conversations: u64,
    /// The last message of any of their conversations.
    pub last_message_at: chrono::DateTime<chrono::Utc>,
}

/// The statement of [`activity_of_many`]: for each of `contact_ids` (a `VALUES` list), a count
/// and a `max` over that contact's conversations, each a probe of
/// `ix_conversations__contact_latest (tenant_id, contact_id, …)` — never a read of the tenant's
/// conversations filtered by the list (what `contact_id IN (…)` plans as while the table is small
/// or never analysed).
#[must_use]
pub fn activity_query(
    backend: sea_orm::DbBackend,
    tenant: atende_domain::TenantId,
    contact_ids: &[Uuid],
) -> sea_orm::Statement {
    const V: &str = "v";
    const C: &str = "c";
    let probe = |what: Expr| {
        Query::select()
            .expr(what)
            .from_as(conversations::Entity, C)
            .and_where(Expr::col((C, conversations::Column::TenantId)).eq(tenant.uuid()))
            .and_where(Expr::col((C, conversations::Column::ContactId)).equals((V, "column1")))
            .to_owned()
    };
    let mut q = Query::select();
    q.expr_as(Expr::col((V, "column1")), "contact_id")
        .expr_as(
            Expr::from(probe(Expr::col((C, conversations::Column::Id)).count())),
            "conversations",
        )
        .expr_as(
            Expr::from(probe(Expr::col((C, conversations::Column::LastMessageAt)).max())),
            "last_message_at",
        )
        .from_values(contact_ids.iter().copied(), V);
    backend.build(&q)
}

/// Conversation count and last message time of each of `contact_ids` (one query for a page);
/// contacts without conversations are absent.
///
/// # Errors
/// Database failure.
pub async fn activity_of_many(tx: &TenantTx, contact_ids: &[Uuid]) -> Result<HashMap<Uuid, Activity>, DbError> {
    let mut out = HashMap::new();
    if contact_ids.is_empty() {
        return Ok(out);
    }
    use sea_orm::ConnectionTrait;
    let stmt = activity_query(tx.conn().get_database_backend(), tx.tenant_id(), contact_ids);
    for row in tx.conn().query_all_raw(stmt).await? {
        let id: Uuid = row.try_get("", "contact_id")?;
        let n: i64 = row.try_get("", "conversations")?;
        let last: Option<chrono::DateTime<chrono::Utc>> = row.try_get("", "last_message_at")?;
        if let (Some(last), true) = (last, n > 0) {
            out.insert(
                id,
                Activity {
                    conversations: u64::try_from(n).unwrap_or(0),
                    last_message_at: last,
                },
            );
        }
    }
    Ok(out)
}
