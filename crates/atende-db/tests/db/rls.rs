//! Row-level security, the second wall behind the repositories' filter (Postgres only; on
//! SQLite the repository filter is the wall, and these tests check just that).

use crate::fixtures::{self, Owned};
use crate::harness::TestDb;
use atende_db::repo::departments;
use atende_db::sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, Statement, Value};
use atende_db::{Backend, PageRequest, Scoped};
use uuid::Uuid;

/// Tables under RLS, with the column that names the tenant.
const TABLES: &[(&str, &str)] = &[
    ("tenants", "id"),
    ("tenant_domains", "tenant_id"),
    ("memberships", "tenant_id"),
    ("departments", "tenant_id"),
    ("teams", "tenant_id"),
    ("team_members", "tenant_id"),
    ("api_keys", "tenant_id"),
    ("audit_logs", "tenant_id"),
    ("jobs", "tenant_id"),
];

/// The tenant column of every row of `table`, read with no WHERE at all.
async fn tenants_seen(conn: &impl ConnectionTrait, table: &str, col: &str) -> Vec<Option<Uuid>> {
    let rows = conn
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT * FROM {table}"),
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| r.try_get::<Option<Uuid>>("", col).unwrap())
        .collect()
}

async fn exec(tx: &DatabaseTransaction, sql: &str, values: Vec<Value>) -> Result<u64, DbErr> {
    tx.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values))
        .await
        .map(|r| r.rows_affected())
}

fn assert_refused_by_policy(r: Result<u64, DbErr>, what: &str) {
    let err = r.expect_err(what).to_string();
    assert!(err.contains("row-level security"), "{what}: unexpected error {err}");
}

fn assert_permission_denied(r: Result<u64, DbErr>, what: &str) {
    let err = r.expect_err(what).to_string();
    assert!(err.contains("permission denied"), "{what}: unexpected error {err}");
}

async fn two_tenants(t: &TestDb) -> (Owned, Owned) {
    (
        fixtures::populated_tenant(&t.db, "a").await,
        fixtures::populated_tenant(&t.db, "b").await,
    )
}

async fn raw_reads_in_a_tenant_tx_see_only_that_tenant(t: TestDb) {
    // Arrange
    let (a, b) = two_tenants(&t).await;
    if t.backend() == Backend::Sqlite {
        // No RLS on SQLite: the repository filter is the only wall.
        let tx = t.db.tenant_tx(a.tenant).await.unwrap();
        let deps = departments::list(&tx, PageRequest::default()).await.unwrap().items;
        assert!(deps.iter().all(|d| d.tenant_id == a.tenant.uuid()));
        return;
    }

    // Act
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    let mut seen = Vec::new();
    for (table, col) in TABLES {
        seen.push((*table, tenants_seen(tx.conn(), table, col).await));
    }
    drop(tx);

    // Assert
    for (table, tenants) in seen {
        assert!(!tenants.is_empty(), "{table}: tenant A's own rows are visible");
        assert!(
            tenants.iter().all(|x| *x == Some(a.tenant.uuid())),
            "{table}: only tenant A's rows, got {tenants:?}"
        );
        assert!(!tenants.contains(&Some(b.tenant.uuid())), "{table}");
    }
}

async fn raw_reads_in_platform_scope_see_every_tenant(t: TestDb) {
    if t.backend() == Backend::Sqlite {
        return;
    }
    // Arrange
    let (a, b) = two_tenants(&t).await;

    // Act
    let tx = t.db.platform_tx().await.unwrap();
    let mut seen = Vec::new();
    for (table, col) in TABLES {
        seen.push((*table, tenants_seen(tx.conn(), table, col).await));
    }
    drop(tx);

    // Assert
    for (table, tenants) in seen {
        assert!(
            tenants.contains(&Some(a.tenant.uuid())),
            "{table}: A visible in platform scope"
        );
        assert!(
            tenants.contains(&Some(b.tenant.uuid())),
            "{table}: B visible in platform scope"
        );
    }
}

async fn raw_reads_outside_any_scope_see_no_tenant_rows(t: TestDb) {
    if t.backend() == Backend::Sqlite {
        return;
    }
    // Arrange: rows exist, and pooled connections have already run scoped transactions (so
    // `app.tenant_id` exists on them as an empty placeholder).
    let (_a, _b) = two_tenants(&t).await;

    // Act
    let mut seen = Vec::new();
    for (table, col) in TABLES {
        seen.push((*table, tenants_seen(t.db.raw(), table, col).await));
    }

    // Assert
    for (table, tenants) in seen {
        assert!(
            tenants.is_empty(),
            "{table}: the app role without a scope sees nothing, got {tenants:?}"
        );
    }
}

async fn writes_for_another_tenant_are_refused_by_the_policy(t: TestDb) {
    if t.backend() == Backend::Sqlite {
        return;
    }
    // Arrange
    let (a, b) = two_tenants(&t).await;
    let b_id: Value = b.tenant.uuid().into();
    let tx_for = || t.db.tenant_tx(a.tenant);

    // Act: each attempt in its own transaction scoped to A (a refused statement aborts it).
    let tx = tx_for().await.unwrap();
    let department = exec(
        tx.conn(),
        "INSERT INTO departments (id, tenant_id, name, created_at, updated_at) VALUES ($1, $2, 'Intruso', now(), now())",
        vec![Uuid::now_v7().into(), b_id.clone()],
    )
    .await;
    drop(tx);
    let tx = tx_for().await.unwrap();
    let audit_row = exec(
        tx.conn(),
        "INSERT INTO audit_logs (id, tenant_id, action, entity_type, created_at) VALUES ($1, $2, 'x.y', 'x', now())",
        vec![Uuid::now_v7().into(), b_id.clone()],
    )
    .await;
    drop(tx);
    let tx = tx_for().await.unwrap();
    let job = exec(
        tx.conn(),
        "INSERT INTO jobs (id, tenant_id, queue, kind, payload, status, run_at, attempts, max_attempts, created_at, updated_at) \
         VALUES ($1, $2, 'default', 'x', '{}', 'queued', now(), 0, 1, now(), now())",
        vec![Uuid::now_v7().into(), b_id.clone()],
    )
    .await;
    drop(tx);
    let tx = tx_for().await.unwrap();
    let move_to_b = exec(
        tx.conn(),
        "UPDATE departments SET tenant_id = $1 WHERE id = $2",
        vec![b_id.clone(), a.department.uuid().into()],
    )
    .await;
    drop(tx);
    let tx = tx_for().await.unwrap();
    let touch_b = exec(
        tx.conn(),
        "UPDATE departments SET name = 'Tomado' WHERE tenant_id = $1",
        vec![b_id.clone()],
    )
    .await;
    let delete_b = exec(tx.conn(), "DELETE FROM teams WHERE tenant_id = $1", vec![b_id.clone()]).await;
    drop(tx);

    // Assert
    assert_refused_by_policy(department, "insert a department for B");
    assert_refused_by_policy(audit_row, "insert an audit row for B");
    assert_refused_by_policy(job, "insert a job for B");
    assert_refused_by_policy(move_to_b, "move A's department to B");
    assert_eq!(touch_b.unwrap(), 0, "B's departments are invisible to an update");
    assert_eq!(delete_b.unwrap(), 0, "B's teams are invisible to a delete");
    let tx = t.db.tenant_tx(b.tenant).await.unwrap();
    let dep = departments::get(&tx, b.department).await.unwrap();
    assert_eq!(dep.name, "Suporte");
    atende_db::repo::teams::get(&tx, b.team).await.unwrap();
}

async fn platform_scope_may_write_any_tenant(t: TestDb) {
    if t.backend() == Backend::Sqlite {
        return;
    }
    // Arrange
    let (_a, b) = two_tenants(&t).await;

    // Act
    let tx = t.db.platform_tx().await.unwrap();
    let inserted = exec(
        tx.conn(),
        "INSERT INTO departments (id, tenant_id, name, created_at, updated_at) VALUES ($1, $2, 'Plataforma', now(), now())",
        vec![Uuid::now_v7().into(), b.tenant.uuid().into()],
    )
    .await;
    tx.commit().await.unwrap();

    // Assert
    assert_eq!(inserted.unwrap(), 1);
    let tx = t.db.tenant_tx(b.tenant).await.unwrap();
    let names: Vec<String> = departments::list(&tx, PageRequest::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert!(names.contains(&"Plataforma".to_owned()));
}

async fn audit_rows_cannot_be_updated_or_deleted_by_the_app_role(t: TestDb) {
    if t.backend() == Backend::Sqlite {
        return;
    }
    // Arrange
    let (a, _b) = two_tenants(&t).await;

    // Act: even in platform scope, where RLS would let the rows through.
    let tx = t.db.platform_tx().await.unwrap();
    let update = exec(tx.conn(), "UPDATE audit_logs SET action = 'forged'", vec![]).await;
    drop(tx);
    let tx = t.db.platform_tx().await.unwrap();
    let delete = exec(tx.conn(), "DELETE FROM audit_logs", vec![]).await;
    drop(tx);
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    let delete_own = exec(tx.conn(), "DELETE FROM audit_logs", vec![]).await;
    drop(tx);
    let tx = t.db.platform_tx().await.unwrap();
    let truncate = exec(tx.conn(), "TRUNCATE audit_logs", vec![]).await;
    drop(tx);

    // Assert
    assert_permission_denied(update, "update audit_logs");
    assert_permission_denied(delete, "delete from audit_logs");
    assert_permission_denied(delete_own, "delete own audit rows");
    assert_permission_denied(truncate, "truncate audit_logs");
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    assert_eq!(atende_db::repo::audit::count(&tx).await.unwrap(), 1);
}

both_engines!(
    raw_reads_in_a_tenant_tx_see_only_that_tenant,
    raw_reads_in_platform_scope_see_every_tenant,
    raw_reads_outside_any_scope_see_no_tenant_rows,
    writes_for_another_tenant_are_refused_by_the_policy,
    platform_scope_may_write_any_tenant,
    audit_rows_cannot_be_updated_or_deleted_by_the_app_role,
);
