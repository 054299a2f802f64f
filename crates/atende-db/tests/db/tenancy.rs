//! Repositories opened for tenant A never hand out tenant B's rows: a foreign id is "not
//! found", and lists hold only A's rows.

use crate::fixtures::{self, Owned};
use crate::harness::TestDb;
use atende_db::repo::{api_keys, audit, departments, domains, memberships, teams, tenants};
use atende_db::{DbError, PageRequest};
use uuid::Uuid;

fn not_found<T: std::fmt::Debug>(r: Result<T, DbError>) {
    assert!(matches!(r, Err(DbError::NotFound)), "expected NotFound, got {r:?}");
}

async fn two_tenants(t: &TestDb) -> (Owned, Owned) {
    let a = fixtures::populated_tenant(&t.db, "a").await;
    let b = fixtures::populated_tenant(&t.db, "b").await;
    (a, b)
}

async fn another_tenants_ids_are_not_found(t: TestDb) {
    // Arrange
    let (a, b) = two_tenants(&t).await;

    // Act
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    let department = departments::get(&tx, b.department).await;
    let team = teams::get(&tx, b.team).await;
    let membership = memberships::get(&tx, b.membership).await;
    let api_key = api_keys::get(&tx, b.api_key).await;
    let member_of_b = memberships::of_user(&tx, b.user).await.unwrap();
    let b_team_members = teams::members(&tx, b.team).await.unwrap();
    let b_user_teams = teams::of_user(&tx, b.user).await.unwrap();
    let remove_from_b_team = teams::remove_member(&tx, b.team, b.user).await;
    let own = tenants::own(&tx).await.unwrap();

    // Assert
    not_found(department);
    not_found(team);
    not_found(membership);
    not_found(api_key);
    not_found(remove_from_b_team);
    assert!(member_of_b.is_none());
    assert!(b_team_members.is_empty());
    assert!(b_user_teams.is_empty());
    assert_eq!(own.id, a.tenant.uuid());
    // A's own rows are reachable through the same transaction.
    departments::get(&tx, a.department).await.unwrap();
    teams::get(&tx, a.team).await.unwrap();
    memberships::get(&tx, a.membership).await.unwrap();
    api_keys::get(&tx, a.api_key).await.unwrap();
    assert_eq!(teams::members(&tx, a.team).await.unwrap(), vec![a.user.uuid()]);
    drop(tx);

    // B's rows are untouched by A's attempt to remove its member.
    let tx = t.db.tenant_tx(b.tenant).await.unwrap();
    assert_eq!(teams::members(&tx, b.team).await.unwrap(), vec![b.user.uuid()]);
}

async fn lists_hold_only_the_transactions_tenant(t: TestDb) {
    // Arrange
    let (a, _b) = two_tenants(&t).await;
    let page = PageRequest {
        limit: 100,
        after: None,
    };
    let only_a = |ids: Vec<Uuid>| ids.is_empty() || ids.iter().all(|id| *id == a.tenant.uuid());

    // Act
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    let deps = departments::list(&tx, page).await.unwrap().items;
    let team_list = teams::list(&tx, page, None).await.unwrap().items;
    let members = memberships::list(&tx, page, None).await.unwrap().items;
    let keys = api_keys::list(&tx, page).await.unwrap().items;
    let trail = audit::list(&tx, &audit::AuditFilter::default(), page)
        .await
        .unwrap()
        .items;
    let trail_count = audit::count(&tx).await.unwrap();
    let domain_list = domains::list(&tx).await.unwrap();
    let admins = memberships::count_active_admins(&tx).await.unwrap();

    // Assert
    assert_eq!(deps.iter().map(|d| d.id).collect::<Vec<_>>(), vec![a.department.uuid()]);
    assert_eq!(team_list.iter().map(|x| x.id).collect::<Vec<_>>(), vec![a.team.uuid()]);
    assert_eq!(
        members.iter().map(|x| x.id).collect::<Vec<_>>(),
        vec![a.membership.uuid()]
    );
    assert_eq!(keys.iter().map(|x| x.id).collect::<Vec<_>>(), vec![a.api_key.uuid()]);
    assert_eq!(trail.len(), 1);
    assert_eq!(trail_count, 1);
    assert_eq!(domain_list.len(), 1);
    assert_eq!(admins, 0);
    assert!(only_a(deps.iter().map(|x| x.tenant_id).collect()));
    assert!(only_a(team_list.iter().map(|x| x.tenant_id).collect()));
    assert!(only_a(members.iter().map(|x| x.tenant_id).collect()));
    assert!(only_a(keys.iter().map(|x| x.tenant_id).collect()));
    assert!(only_a(trail.iter().filter_map(|x| x.tenant_id).collect()));
    assert!(only_a(domain_list.iter().map(|x| x.tenant_id).collect()));
    assert_eq!(trail[0].tenant_id, Some(a.tenant.uuid()));
}

async fn platform_scope_sees_every_tenant(t: TestDb) {
    // Arrange
    let (a, b) = two_tenants(&t).await;

    // Act
    let tx = t.db.platform_tx().await.unwrap();
    let all = tenants::list(&tx, PageRequest { limit: 10, after: None }, None)
        .await
        .unwrap();
    let memberships_of_b = memberships::all_of_user(&tx, b.user).await.unwrap();
    let by_hash = api_keys::authenticate(&tx, "hash-b").await.unwrap();

    // Assert
    let ids: Vec<Uuid> = all.items.iter().map(|x| x.id).collect();
    assert_eq!(ids, vec![a.tenant.uuid(), b.tenant.uuid()]);
    assert_eq!(memberships_of_b.len(), 1);
    assert_eq!(memberships_of_b[0].tenant_id, b.tenant.uuid());
    assert_eq!(by_hash.map(|k| k.id), Some(b.api_key.uuid()));
}

async fn recent_audit_times_in_a_tenant_tx_count_only_that_tenant(t: TestDb) {
    // Arrange: the same action about the same entity in both tenants.
    let (a, b) = two_tenants(&t).await;
    let since = atende_db::repo::now() - chrono::Duration::minutes(5);
    for (tenant, times) in [(a.tenant, 1), (b.tenant, 2)] {
        for _ in 0..times {
            let tx = t.db.tenant_tx(tenant).await.unwrap();
            audit::record(
                &tx,
                audit::NewAudit {
                    action: "auth.login_failed".into(),
                    entity_type: "user".into(),
                    entity_id: Some("ana@example.com".into()),
                    ..audit::NewAudit::default()
                },
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
    }

    // Act
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    let in_a = audit::recent_times(&tx, "auth.login_failed", "ana@example.com", since)
        .await
        .unwrap();
    drop(tx);
    let tx = t.db.platform_tx().await.unwrap();
    let everywhere = audit::recent_times(&tx, "auth.login_failed", "ana@example.com", since)
        .await
        .unwrap();
    let in_future = audit::recent_times(
        &tx,
        "auth.login_failed",
        "ana@example.com",
        atende_db::repo::now() + chrono::Duration::minutes(5),
    )
    .await
    .unwrap();

    // Assert
    assert_eq!(in_a.len(), 1);
    assert_eq!(everywhere.len(), 3);
    assert!(everywhere.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    assert!(in_future.is_empty());
}

both_engines!(
    another_tenants_ids_are_not_found,
    recent_audit_times_in_a_tenant_tx_count_only_that_tenant,
    lists_hold_only_the_transactions_tenant,
    platform_scope_sees_every_tenant,
);
