//! Errors of the persistence layer.

use sea_orm::{DbErr, SqlErr};

/// What went wrong, in terms a use case can act on.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The row does not exist (or belongs to another tenant, which is the same thing).
    #[error("not found")]
    NotFound,
    /// A unique constraint was violated; `field` names the column that clashed.
    #[error("conflict on {field}")]
    Conflict { field: String },
    /// A foreign key pointed at a missing row.
    #[error("reference to a missing row")]
    MissingReference,
    /// Anything else: a bug or an outage, logged and never shown to clients.
    #[error(transparent)]
    Other(DbErr),
}

impl From<DbErr> for DbError {
    fn from(e: DbErr) -> Self {
        match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(msg)) => Self::Conflict {
                field: conflict_field(&msg),
            },
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => Self::MissingReference,
            _ => match e {
                DbErr::RecordNotFound(_) => Self::NotFound,
                other => Self::Other(other),
            },
        }
    }
}

/// Finds the clashing column in a driver message.
///
/// Postgres names the index (`uq_{table}__{column}`, our naming rule); SQLite lists the columns
/// (`UNIQUE constraint failed: teams.tenant_id, teams.name`), of which the last is the field.
fn conflict_field(msg: &str) -> String {
    if let Some(start) = msg.find("uq_") {
        let rest = &msg[start..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if let Some((_, field)) = name.split_once("__") {
            return field.to_owned();
        }
    }
    if let Some((_, cols)) = msg.split_once("failed:")
        && let Some(last) = cols.split(',').next_back()
    {
        let col = last.trim().rsplit('.').next().unwrap_or_default();
        let col: String = col
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !col.is_empty() {
            return col;
        }
    }
    "id".to_owned()
}

#[cfg(test)]
mod tests {
    use super::conflict_field;

    #[test]
    fn finds_field_in_both_engines_messages() {
        assert_eq!(
            conflict_field("duplicate key value violates unique constraint \"uq_tenants__slug\""),
            "slug"
        );
        assert_eq!(
            conflict_field("UNIQUE constraint failed: teams.tenant_id, teams.name"),
            "name"
        );
        assert_eq!(
            conflict_field("error returned from database: UNIQUE constraint failed: users.email"),
            "email"
        );
    }
}
