//! Column, key and index builders shared by the migrations, so every table is declared the same
//! way on both engines. Unique indexes are named `uq_{table}__{last column}` (a violation maps
//! back to the field), other indexes `ix_{table}__{name}`, foreign keys `fk_{table}__{column}`.

use sea_orm_migration::prelude::*;

pub(super) fn a(name: &str) -> Alias {
    Alias::new(name)
}

pub(super) fn id() -> ColumnDef {
    ColumnDef::new(a("id")).uuid().not_null().primary_key().to_owned()
}

pub(super) fn uuid(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).uuid().not_null().to_owned()
}

pub(super) fn uuid_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).uuid().null().to_owned()
}

pub(super) fn string(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).string().not_null().to_owned()
}

pub(super) fn string_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).string().null().to_owned()
}

pub(super) fn text_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).text().null().to_owned()
}

pub(super) fn ts(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).timestamp_with_time_zone().not_null().to_owned()
}

pub(super) fn ts_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).timestamp_with_time_zone().null().to_owned()
}

pub(super) fn boolean(name: &str, default: bool) -> ColumnDef {
    ColumnDef::new(a(name)).boolean().not_null().default(default).to_owned()
}

pub(super) fn json(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).json_binary().not_null().to_owned()
}

pub(super) fn json_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).json_binary().null().to_owned()
}

pub(super) fn int(name: &str, default: i32) -> ColumnDef {
    ColumnDef::new(a(name)).integer().not_null().default(default).to_owned()
}

pub(super) fn fk(table: &str, col: &str, to: &str, on_delete: ForeignKeyAction) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}__{col}"))
        .from(a(table), a(col))
        .to(a(to), a("id"))
        .on_delete(on_delete)
        .to_owned()
}

/// Unique indexes are named `uq_{table}__{last column}` so a violation maps back to the field.
pub(super) fn unique(table: &str, cols: &[&str]) -> IndexCreateStatement {
    let last = cols.last().copied().unwrap_or("id");
    let mut idx = Index::create()
        .name(format!("uq_{table}__{last}"))
        .table(a(table))
        .unique()
        .to_owned();
    for c in cols {
        idx.col(a(c));
    }
    idx
}

pub(super) fn index(table: &str, name: &str, cols: &[&str]) -> IndexCreateStatement {
    let mut idx = Index::create()
        .name(format!("ix_{table}__{name}"))
        .table(a(table))
        .to_owned();
    for c in cols {
        idx.col(a(c));
    }
    idx
}

pub(super) fn string_default(name: &str, default: &str) -> ColumnDef {
    ColumnDef::new(a(name)).string().not_null().default(default).to_owned()
}

pub(super) fn text(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).text().not_null().to_owned()
}

/// `tenant_id → tenants(id)`, cascading: a deleted tenant takes its data with it.
pub(super) fn tenant_fk(table: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}__tenant_id"))
        .from(a(table), a("tenant_id"))
        .to(a("tenants"), a("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

/// `(tenant_id, col) → to(tenant_id, id)`: the referenced row exists *in the same tenant*.
pub(super) fn tenant_ref(table: &str, col: &str, to: &str, on_delete: ForeignKeyAction) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}__{col}"))
        .from_tbl(a(table))
        .from_col(a("tenant_id"))
        .from_col(a(col))
        .to_tbl(a(to))
        .to_col(a("tenant_id"))
        .to_col(a("id"))
        .on_delete(on_delete)
        .to_owned()
}

/// The `(tenant_id, id)` key that composite foreign keys point at.
pub(super) fn tenant_key(table: &str) -> IndexCreateStatement {
    Index::create()
        .name(format!("uq_{table}__tenant_key"))
        .table(a(table))
        .unique()
        .col(a("tenant_id"))
        .col(a("id"))
        .to_owned()
}
