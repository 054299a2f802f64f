//! Unique violations come back as `DbError::Conflict` naming the clashing field.

use crate::fixtures;
use crate::harness::TestDb;
use atende_db::DbError;
use atende_db::repo::{domains, memberships, teams, tenants, users};
use atende_domain::{Role, TeamId, TenantId, UserId};

fn conflict_field<T: std::fmt::Debug>(r: Result<T, DbError>) -> String {
    match r {
        Err(DbError::Conflict { field }) => field,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

async fn duplicate_tenant_slug_conflicts_on_slug(t: TestDb) {
    // Arrange
    fixtures::tenant(&t.db, "acme").await;

    // Act
    let tx = t.db.platform_tx().await.unwrap();
    let again = tenants::create(
        &tx,
        tenants::NewTenant {
            id: TenantId::new(),
            slug: "acme",
            name: "Outra Acme",
            time_zone: "America/Sao_Paulo",
            locale: "pt-BR",
        },
    )
    .await;
    drop(tx);

    // Assert
    assert_eq!(conflict_field(again), "slug");
}

async fn duplicate_user_email_conflicts_on_email(t: TestDb) {
    // Arrange
    fixtures::user(&t.db, "ana@example.com").await;

    // Act
    let tx = t.db.platform_tx().await.unwrap();
    let again = users::create(
        &tx,
        users::NewUser {
            id: UserId::new(),
            email: "ana@example.com",
            name: "Outra Ana",
            password_hash: None,
            is_super_admin: false,
            locale: "pt-BR",
        },
    )
    .await;
    drop(tx);

    // Assert
    assert_eq!(conflict_field(again), "email");
}

async fn duplicate_department_name_conflicts_within_a_tenant_only(t: TestDb) {
    // Arrange
    let a = fixtures::tenant(&t.db, "a").await;
    let b = fixtures::tenant(&t.db, "b").await;
    fixtures::department(&t.db, a, "Vendas").await.unwrap();

    // Act
    let same_tenant = fixtures::department(&t.db, a, "Vendas").await;
    let other_tenant = fixtures::department(&t.db, b, "Vendas").await;

    // Assert
    assert_eq!(conflict_field(same_tenant), "name");
    other_tenant.expect("the same name in another tenant is allowed");
}

async fn other_unique_keys_map_to_their_field(t: TestDb) {
    // Arrange
    let a = fixtures::tenant(&t.db, "a").await;
    let b = fixtures::tenant(&t.db, "b").await;
    let user = fixtures::user(&t.db, "bia@example.com").await;
    let tx = t.db.tenant_tx(a).await.unwrap();
    memberships::create(&tx, user, Role::Agent).await.unwrap();
    let team = teams::create(&tx, "Plantão", None, None).await.unwrap();
    teams::add_member(&tx, TeamId::from(team.id), user).await.unwrap();
    domains::create(&tx, "suporte.a.example").await.unwrap();
    tx.commit().await.unwrap();

    // Act: each attempt in its own transaction (a failed statement aborts a Postgres one).
    let tx = t.db.tenant_tx(a).await.unwrap();
    let membership = memberships::create(&tx, user, Role::Admin).await;
    drop(tx);
    let tx = t.db.tenant_tx(a).await.unwrap();
    let team_name = teams::create(&tx, "Plantão", None, None).await;
    drop(tx);
    let tx = t.db.tenant_tx(a).await.unwrap();
    let team_member = teams::add_member(&tx, TeamId::from(team.id), user).await;
    drop(tx);
    let tx = t.db.tenant_tx(b).await.unwrap();
    let domain_elsewhere = domains::create(&tx, "suporte.a.example").await;
    drop(tx);

    // Assert
    assert_eq!(conflict_field(membership), "user_id");
    assert_eq!(conflict_field(team_name), "name");
    assert_eq!(conflict_field(team_member), "user_id");
    assert_eq!(conflict_field(domain_elsewhere), "domain");
}

async fn reference_to_a_missing_row_is_missing_reference(t: TestDb) {
    // Arrange
    let a = fixtures::tenant(&t.db, "a").await;

    // Act
    let tx = t.db.tenant_tx(a).await.unwrap();
    let r = memberships::create(&tx, UserId::new(), Role::Agent).await;
    drop(tx);

    // Assert
    assert!(matches!(r, Err(DbError::MissingReference)), "got {r:?}");
}

both_engines!(
    duplicate_tenant_slug_conflicts_on_slug,
    duplicate_user_email_conflicts_on_email,
    duplicate_department_name_conflicts_within_a_tenant_only,
    other_unique_keys_map_to_their_field,
    reference_to_a_missing_row_is_missing_reference,
);
