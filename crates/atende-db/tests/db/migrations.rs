//! The one migration set applies on both engines and is idempotent.

use crate::harness::TestDb;
use atende_db::Backend;

async fn migrations_leave_nothing_pending(t: TestDb) {
    // Arrange: the harness migrated a fresh database.

    // Act
    let pending_for_owner = t.owner.pending_migrations().await.unwrap();
    let pending_for_app = t.db.pending_migrations().await.unwrap();

    // Assert
    assert_eq!(pending_for_owner, 0);
    assert_eq!(
        pending_for_app, 0,
        "the application role can check the schema is current"
    );
    t.db.ping().await.unwrap();
}

async fn migrating_twice_is_a_no_op(t: TestDb) {
    // Arrange
    let tenant = crate::fixtures::tenant(&t.db, "acme").await;

    // Act
    t.owner.migrate().await.unwrap();
    t.owner.migrate().await.unwrap();

    // Assert: still current, and the data survived.
    assert_eq!(t.owner.pending_migrations().await.unwrap(), 0);
    let tx = t.db.platform_tx().await.unwrap();
    let row = atende_db::repo::tenants::get(&tx, tenant).await.unwrap();
    assert_eq!(row.slug, "acme");
}

async fn app_role_is_bound_by_row_level_security(t: TestDb) {
    // Only meaningful on Postgres: the harness must really test as a role that RLS binds.
    if t.backend() != Backend::Postgres {
        return;
    }
    use atende_db::sea_orm::{ConnectionTrait, DbBackend, Statement};

    // Act
    let row =
        t.db.raw()
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT current_user::text AS u, r.rolsuper AS su, r.rolbypassrls AS bypass, \
             (SELECT tableowner::text FROM pg_tables WHERE tablename = 'departments') AS owner \
             FROM pg_roles r WHERE r.rolname = current_user",
            ))
            .await
            .unwrap()
            .unwrap();

    // Assert
    assert_eq!(row.try_get::<String>("", "u").unwrap(), crate::harness::APP_ROLE);
    assert!(!row.try_get::<bool>("", "su").unwrap());
    assert!(!row.try_get::<bool>("", "bypass").unwrap());
    assert_ne!(row.try_get::<String>("", "owner").unwrap(), crate::harness::APP_ROLE);
}

async fn create_app_role_is_refused_on_sqlite_and_repeatable_on_postgres(t: TestDb) {
    // Act
    let again = match t.backend() {
        Backend::Sqlite => t.owner.create_app_role(crate::harness::APP_ROLE, None).await,
        Backend::Postgres => crate::harness::create_app_role(&t.owner).await,
    };
    let invalid = t.owner.create_app_role("bad name; drop", None).await;

    // Assert
    match t.backend() {
        Backend::Sqlite => assert!(again.is_err()),
        Backend::Postgres => again.unwrap(),
    }
    assert!(invalid.is_err());
}

both_engines!(
    migrations_leave_nothing_pending,
    migrating_twice_is_a_no_op,
    app_role_is_bound_by_row_level_security,
    create_app_role_is_refused_on_sqlite_and_repeatable_on_postgres,
);

#[tokio::test]
async fn a_fresh_database_reports_every_migration_pending_without_creating_tables() {
    // Arrange
    let dir = std::env::temp_dir().join(format!("atende-dbtest-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("fresh.db").display());
    let db = atende_db::Db::connect(&url, &atende_db::DbOptions::default())
        .await
        .unwrap();

    // Act
    let before = db.pending_migrations().await.unwrap();
    db.migrate().await.unwrap();
    let after = db.pending_migrations().await.unwrap();

    // Assert
    let all = <atende_db::migration::Migrator as sea_orm_migration::MigratorTrait>::migrations().len();
    assert!(all > 0);
    assert_eq!(before, all);
    assert_eq!(after, 0);
    drop(db);
    let _ = std::fs::remove_dir_all(dir);
}
