//! Keyset pagination and the audit screen's filters.

use crate::fixtures;
use crate::harness::TestDb;
use atende_db::repo::audit::{self, AuditFilter, NewAudit};
use atende_db::repo::departments;
use atende_db::{Db, PageRequest};
use atende_domain::TenantId;
use std::collections::HashSet;
use std::time::Duration;
use uuid::Uuid;

async fn five_departments_page_by_two_in_three_pages(t: TestDb) {
    // Arrange
    let a = fixtures::tenant(&t.db, "a").await;
    let b = fixtures::tenant(&t.db, "b").await;
    let mut created = Vec::new();
    for name in ["Vendas", "Suporte", "Financeiro", "Cobrança", "Ouvidoria"] {
        created.push(fixtures::department(&t.db, a, name).await.unwrap().uuid());
    }
    fixtures::department(&t.db, b, "Vendas").await.unwrap();

    // Act
    let tx = t.db.tenant_tx(a).await.unwrap();
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let req = PageRequest::parse(Some(2), cursor.as_deref()).unwrap();
        let page = departments::list(&tx, req).await.unwrap();
        cursor = page.next_cursor.clone();
        pages.push(page.items.iter().map(|d| d.id).collect::<Vec<Uuid>>());
        if cursor.is_none() {
            break;
        }
        assert!(pages.len() < 10, "pagination does not end");
    }

    // Assert
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), vec![2, 2, 1]);
    let seen: Vec<Uuid> = pages.concat();
    assert_eq!(seen, created, "every department once, oldest first, no gaps");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 5, "no duplicates");
}

async fn an_exact_page_has_no_next_cursor_after_the_last_row(t: TestDb) {
    // Arrange
    let a = fixtures::tenant(&t.db, "a").await;
    for name in ["Um", "Dois"] {
        fixtures::department(&t.db, a, name).await.unwrap();
    }

    // Act
    let tx = t.db.tenant_tx(a).await.unwrap();
    let page = departments::list(&tx, PageRequest { limit: 2, after: None })
        .await
        .unwrap();

    // Assert
    assert_eq!(page.items.len(), 2);
    assert!(page.next_cursor.is_none());
}

/// The audit entries of the filter tests, in the order they are written.
struct Trail {
    tenant: TenantId,
    ids: Vec<Uuid>,
    ana: Uuid,
    bia: Uuid,
    key: Uuid,
}

async fn record(db: &Db, tenant: TenantId, e: NewAudit) -> Uuid {
    let tx = db.tenant_tx(tenant).await.unwrap();
    audit::record(&tx, e).await.unwrap();
    tx.commit().await.unwrap();
    // The newest entry of the tenant is the one just written.
    let tx = db.tenant_tx(tenant).await.unwrap();
    let page = audit::list(&tx, &AuditFilter::default(), PageRequest { limit: 1, after: None })
        .await
        .unwrap();
    page.items[0].id
}

fn entry(action: &str, actor: Option<Uuid>, key: Option<Uuid>, entity_type: &str, entity_id: &str) -> NewAudit {
    NewAudit {
        actor_user_id: actor,
        actor_api_key_id: key,
        action: action.into(),
        entity_type: entity_type.into(),
        entity_id: Some(entity_id.into()),
        ..NewAudit::default()
    }
}

async fn trail(db: &Db) -> Trail {
    let tenant = fixtures::tenant(db, "a").await;
    let other = fixtures::tenant(db, "b").await;
    let (ana, bia, key) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let entries = [
        entry("members.invited", Some(ana), None, "membership", "m1"),
        entry("members.role_changed", Some(bia), None, "membership", "m1"),
        entry("departments.created", Some(ana), None, "department", "d1"),
        entry("members.removed", None, Some(key), "membership", "m2"),
        entry("departments.updated", Some(bia), None, "department", "d1"),
    ];
    let mut ids = Vec::new();
    for e in entries {
        ids.push(record(db, tenant, e).await);
        // Distinct timestamps, so from/to can cut between entries.
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    // Another tenant's entry that matches every filter below.
    record(db, other, entry("members.invited", Some(ana), None, "membership", "m1")).await;
    Trail {
        tenant,
        ids,
        ana,
        bia,
        key,
    }
}

async fn list_audit(db: &Db, tenant: TenantId, f: AuditFilter) -> Vec<Uuid> {
    let tx = db.tenant_tx(tenant).await.unwrap();
    audit::list(
        &tx,
        &f,
        PageRequest {
            limit: 100,
            after: None,
        },
    )
    .await
    .unwrap()
    .items
    .into_iter()
    .map(|m| m.id)
    .collect()
}

async fn the_audit_trail_lists_newest_first_in_pages(t: TestDb) {
    // Arrange
    let tr = trail(&t.db).await;
    let newest_first: Vec<Uuid> = tr.ids.iter().rev().copied().collect();

    // Act
    let all = list_audit(&t.db, tr.tenant, AuditFilter::default()).await;
    let tx = t.db.tenant_tx(tr.tenant).await.unwrap();
    let mut paged = Vec::new();
    let mut req = PageRequest { limit: 2, after: None };
    loop {
        let page = audit::list(&tx, &AuditFilter::default(), req).await.unwrap();
        paged.extend(page.items.iter().map(|m| m.id));
        match page.next_cursor {
            Some(c) => req = PageRequest::parse(Some(2), Some(&c)).unwrap(),
            None => break,
        }
    }

    // Assert
    assert_eq!(all, newest_first);
    assert_eq!(paged, newest_first);
}

async fn the_audit_trail_filters_by_action_actor_and_entity(t: TestDb) {
    // Arrange
    let tr = trail(&t.db).await;
    let id = |i: usize| tr.ids[i];
    let f = AuditFilter::default;

    // Act
    let members = list_audit(
        &t.db,
        tr.tenant,
        AuditFilter {
            action: Some("members.*".into()),
            ..f()
        },
    )
    .await;
    let exact = list_audit(
        &t.db,
        tr.tenant,
        AuditFilter {
            action: Some("departments.created".into()),
            ..f()
        },
    )
    .await;
    let by_ana = list_audit(
        &t.db,
        tr.tenant,
        AuditFilter {
            actor: Some(tr.ana),
            ..f()
        },
    )
    .await;
    let by_bia = list_audit(
        &t.db,
        tr.tenant,
        AuditFilter {
            actor: Some(tr.bia),
            ..f()
        },
    )
    .await;
    let by_key = list_audit(
        &t.db,
        tr.tenant,
        AuditFilter {
            actor: Some(tr.key),
            ..f()
        },
    )
    .await;
    let d1 = list_audit(
        &t.db,
        tr.tenant,
        AuditFilter {
            entity_type: Some("department".into()),
            entity_id: Some("d1".into()),
            ..f()
        },
    )
    .await;
    let memberships = list_audit(
        &t.db,
        tr.tenant,
        AuditFilter {
            entity_type: Some("membership".into()),
            ..f()
        },
    )
    .await;
    let combined = list_audit(
        &t.db,
        tr.tenant,
        AuditFilter {
            action: Some("members.*".into()),
            actor: Some(tr.ana),
            ..f()
        },
    )
    .await;

    // Assert
    assert_eq!(members, vec![id(3), id(1), id(0)]);
    assert_eq!(exact, vec![id(2)]);
    assert_eq!(by_ana, vec![id(2), id(0)]);
    assert_eq!(by_bia, vec![id(4), id(1)]);
    assert_eq!(by_key, vec![id(3)]);
    assert_eq!(d1, vec![id(4), id(2)]);
    assert_eq!(memberships, vec![id(3), id(1), id(0)]);
    assert_eq!(combined, vec![id(0)]);
}

async fn the_audit_trail_filters_by_time_window(t: TestDb) {
    // Arrange
    let tr = trail(&t.db).await;
    let tx = t.db.tenant_tx(tr.tenant).await.unwrap();
    let rows = audit::list(
        &tx,
        &AuditFilter::default(),
        PageRequest {
            limit: 100,
            after: None,
        },
    )
    .await
    .unwrap()
    .items;
    drop(tx);
    let at = |id: Uuid| rows.iter().find(|r| r.id == id).unwrap().created_at;
    let (from, to) = (at(tr.ids[1]), at(tr.ids[3]));

    // Act
    let window = list_audit(
        &t.db,
        tr.tenant,
        AuditFilter {
            from: Some(from),
            to: Some(to),
            ..AuditFilter::default()
        },
    )
    .await;
    let since = list_audit(
        &t.db,
        tr.tenant,
        AuditFilter {
            from: Some(from),
            ..AuditFilter::default()
        },
    )
    .await;
    let until = list_audit(
        &t.db,
        tr.tenant,
        AuditFilter {
            to: Some(to),
            ..AuditFilter::default()
        },
    )
    .await;

    // Assert: `from` is inclusive, `to` exclusive.
    assert_eq!(window, vec![tr.ids[2], tr.ids[1]]);
    assert_eq!(since, vec![tr.ids[4], tr.ids[3], tr.ids[2], tr.ids[1]]);
    assert_eq!(until, vec![tr.ids[2], tr.ids[1], tr.ids[0]]);
}

both_engines!(
    five_departments_page_by_two_in_three_pages,
    an_exact_page_has_no_next_cursor_after_the_last_row,
    the_audit_trail_lists_newest_first_in_pages,
    the_audit_trail_filters_by_action_actor_and_entity,
    the_audit_trail_filters_by_time_window,
);
