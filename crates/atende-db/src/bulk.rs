//! Set-based writes: one `UPDATE … FROM (VALUES …)` for many rows, each with its own values.
//!
//! Both engines accept `UPDATE t AS x SET … FROM (VALUES (…), (…)) AS v WHERE x.id = v.column1`
//! (SQLite since 3.33); both name the columns of a `VALUES` list `column1`, `column2`, ….
//! Postgres needs the parameters' types (`$3::timestamptz`), SQLite takes them as they come.
//! A batch of webhook deliveries updates a few hundred conversations or messages this way in
//! one round trip, where one statement per row would cost a round trip each.

use crate::db::Backend;
use sea_orm::{DbBackend, Statement, Value};

/// Rows of values for a `VALUES` list, with each column's Postgres type.
pub(crate) struct Rows {
    types: Vec<&'static str>,
    rows: Vec<Vec<Value>>,
}

impl Rows {
    pub(crate) fn new(types: &[&'static str]) -> Self {
        Self {
            types: types.to_vec(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; it must have one value per column.
    pub(crate) fn push(&mut self, row: Vec<Value>) {
        debug_assert_eq!(row.len(), self.types.len());
        self.rows.push(row);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The statement `{head} FROM (VALUES …) AS v {tail}`: each `{p}` in `head` and in `tail`
    /// is the next parameter, taken from `head_values` and `tail_values` in order. E.g. head
    /// `UPDATE conversations AS c SET …`, tail `WHERE c.tenant_id = {p} AND c.id = v.column1`.
    pub(crate) fn statement(self, backend: Backend, head: (&str, Vec<Value>), tail: (&str, Vec<Value>)) -> Statement {
        let mut n = 0usize;
        let mut next = |ty: &str| {
            n += 1;
            match backend {
                Backend::Postgres if ty.is_empty() => format!("${n}"),
                Backend::Postgres => format!("${n}::{ty}"),
                Backend::Sqlite => format!("?{n}"),
            }
        };
        let fill = |sql: &str, next: &mut dyn FnMut(&str) -> String| {
            let mut out = String::with_capacity(sql.len() + 16);
            let mut parts = sql.split("{p}");
            if let Some(first) = parts.next() {
                out.push_str(first);
            }
            for part in parts {
                out.push_str(&next(""));
                out.push_str(part);
            }
            out
        };
        let mut values = Vec::with_capacity(head.1.len() + self.rows.len() * self.types.len() + tail.1.len());
        let head_sql = fill(head.0, &mut next);
        values.extend(head.1);
        let mut list = Vec::with_capacity(self.rows.len());
        for row in self.rows {
            let cells: Vec<String> = self.types.iter().map(|t| next(t)).collect();
            list.push(format!("({})", cells.join(", ")));
            values.extend(row);
        }
        let tail_sql = fill(tail.0, &mut next);
        values.extend(tail.1);
        let db_backend = match backend {
            Backend::Postgres => DbBackend::Postgres,
            Backend::Sqlite => DbBackend::Sqlite,
        };
        Statement::from_sql_and_values(
            db_backend,
            format!("{head_sql} FROM (VALUES {}) AS v {tail_sql}", list.join(", ")),
            values,
        )
    }

    /// `UPDATE <table> AS <alias> SET … FROM (VALUES …) AS v` of one tenant's rows, by id: the
    /// first column of every row is the id of the row to update.
    ///
    /// How the rows are found matters on PostgreSQL without statistics: the ids are also listed
    /// in an `IN (…)`, so the primary key can answer; and the tenant is compared with a value
    /// carried by every row (`v.columnN`), not with a constant. With `tenant_id = $1` the planner
    /// — which counts the tenant condition twice under row-level security — read *every row of
    /// the tenant* through an index leading with `tenant_id` and filtered them by id (caught by
    /// `tests/db/ingest_plans.rs`); a join condition cannot start an index scan.
    pub(crate) fn update_by_id(mut self, backend: Backend, head: &str, alias: &str, tenant: uuid::Uuid) -> Statement {
        let ids: Vec<Value> = self.rows.iter().filter_map(|r| r.first().cloned()).collect();
        let list = vec!["{p}"; ids.len()].join(", ");
        let tenant_column = self.types.len() + 1;
        self.types.push("uuid");
        for row in &mut self.rows {
            row.push(tenant.into());
        }
        self.statement(
            backend,
            (head, Vec::new()),
            (
                &format!(
                    "WHERE {alias}.tenant_id = v.column{tenant_column} AND {alias}.id = v.column1 \
                     AND {alias}.id IN ({list})"
                ),
                ids,
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_and_typed_per_engine() {
        let mut rows = Rows::new(&["uuid", "int4"]);
        rows.push(vec![uuid::Uuid::nil().into(), 1i32.into()]);
        rows.push(vec![uuid::Uuid::nil().into(), 2i32.into()]);
        let stmt = rows.update_by_id(
            Backend::Postgres,
            "UPDATE t AS x SET n = v.column2",
            "x",
            uuid::Uuid::nil(),
        );
        assert_eq!(
            stmt.sql,
            "UPDATE t AS x SET n = v.column2 FROM (VALUES ($1::uuid, $2::int4, $3::uuid), ($4::uuid, $5::int4, $6::uuid)) \
             AS v WHERE x.tenant_id = v.column3 AND x.id = v.column1 AND x.id IN ($7, $8)"
        );
        assert_eq!(stmt.values.map(|v| v.0.len()), Some(8));
        let mut rows = Rows::new(&["uuid"]);
        rows.push(vec![uuid::Uuid::nil().into()]);
        let lite = rows.statement(
            Backend::Sqlite,
            (
                "SELECT (SELECT id FROM t WHERE t.k = {p} AND t.c = v.column1)",
                vec![1i32.into()],
            ),
            ("WHERE {p}", vec![true.into()]),
        );
        assert_eq!(
            lite.sql,
            "SELECT (SELECT id FROM t WHERE t.k = ?1 AND t.c = v.column1) FROM (VALUES (?2)) AS v WHERE ?3"
        );
        assert_eq!(lite.values.map(|v| v.0.len()), Some(3));
    }
}
