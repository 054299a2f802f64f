//! Row-level security on the messaging tables (Postgres): a raw read in a tenant transaction
//! sees only that tenant's rows, and a raw write for another tenant is refused by the policy.

use crate::harness::TestDb;
use crate::msg_fixtures;
use atende_db::sea_orm::{ConnectionTrait, DbBackend, Statement, Value};
use atende_db::{Backend, Scoped};
use uuid::Uuid;

/// Every table the messaging migrations created (all carry `tenant_id`).
fn tables() -> impl Iterator<Item = &'static str> {
    use atende_db::migration::{CONTACT_TAGS_TENANT_TABLES, MESSAGING_TENANT_TABLES};
    MESSAGING_TENANT_TABLES
        .iter()
        .chain(CONTACT_TAGS_TENANT_TABLES)
        .copied()
}

async fn tenants_seen(conn: &impl ConnectionTrait, table: &str) -> Vec<Option<Uuid>> {
    conn.query_all_raw(Statement::from_string(
        DbBackend::Postgres,
        format!("SELECT tenant_id FROM {table}"),
    ))
    .await
    .unwrap()
    .iter()
    .map(|r| r.try_get::<Option<Uuid>>("", "tenant_id").unwrap())
    .collect()
}

/// Fills the two tables no repository writes yet, for both tenants.
async fn seed_templates_and_quick_replies(t: &TestDb, a: &msg_fixtures::Inbox) {
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    let tenant: Value = a.tenant.uuid().into();
    tx.conn()
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO quick_replies (id, tenant_id, shortcut, title, content, created_at, updated_at) \
             VALUES ($1, $2, '/saudacao', 'Saudação', 'Olá!', now(), now())",
            [Uuid::now_v7().into(), tenant.clone()],
        ))
        .await
        .unwrap();
    tx.conn()
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO whatsapp_templates (id, tenant_id, channel_id, name, language, status, components, created_at, updated_at) \
             VALUES ($1, $2, $3, 'boas_vindas', 'pt_BR', 'APPROVED', '[]', now(), now())",
            [Uuid::now_v7().into(), tenant, a.channel.into()],
        ))
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn messaging_tables_show_a_tenant_only_its_own_rows(t: TestDb) {
    if t.backend() == Backend::Sqlite {
        return; // no RLS: the repositories' filter is the wall, tested per repository
    }
    // Arrange
    let a = msg_fixtures::inbox(&t.db, "a", 1).await;
    let b = msg_fixtures::inbox(&t.db, "b", 2).await;
    seed_templates_and_quick_replies(&t, &a).await;
    seed_templates_and_quick_replies(&t, &b).await;

    // Act
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    let mut seen = Vec::new();
    for table in tables() {
        seen.push((table, tenants_seen(tx.conn(), table).await));
    }
    drop(tx);
    let platform = t.db.platform_tx().await.unwrap();
    let mut all = Vec::new();
    for table in tables() {
        all.push((table, tenants_seen(platform.conn(), table).await));
    }

    // Assert
    for (table, tenants) in seen {
        assert!(!tenants.is_empty(), "{table}: A's own rows are visible");
        assert!(
            tenants.iter().all(|x| *x == Some(a.tenant.uuid())),
            "{table}: only A's rows, got {tenants:?}"
        );
    }
    for (table, tenants) in all {
        assert!(
            tenants.contains(&Some(b.tenant.uuid())),
            "{table}: platform scope sees B"
        );
    }
}

async fn messaging_writes_for_another_tenant_are_refused_by_the_policy(t: TestDb) {
    if t.backend() == Backend::Sqlite {
        return;
    }
    // Arrange
    let a = msg_fixtures::inbox(&t.db, "a", 1).await;
    let b = msg_fixtures::inbox(&t.db, "b", 2).await;

    // Act
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    let insert = tx
        .conn()
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO tags (id, tenant_id, name, created_at) VALUES ($1, $2, 'intruso', now())",
            [Uuid::now_v7().into(), b.tenant.uuid().into()],
        ))
        .await;
    drop(tx);
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    let touch = tx
        .conn()
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE messages SET body = 'tomado' WHERE tenant_id = $1",
            [b.tenant.uuid().into()],
        ))
        .await
        .unwrap();
    let unrouted = tx
        .conn()
        .execute_raw(Statement::from_string(
            DbBackend::Postgres,
            "UPDATE webhook_events SET status = 'processed' WHERE tenant_id IS NULL",
        ))
        .await
        .unwrap();

    // Assert
    let err = insert.expect_err("insert a tag for B").to_string();
    assert!(err.contains("row-level security"), "unexpected error {err}");
    assert_eq!(touch.rows_affected(), 0, "B's messages are invisible to an update");
    assert_eq!(unrouted.rows_affected(), 0);
}

both_engines!(
    messaging_tables_show_a_tenant_only_its_own_rows,
    messaging_writes_for_another_tenant_are_refused_by_the_policy,
);
