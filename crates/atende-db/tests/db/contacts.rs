//! Contacts: search and paging, the identity upsert (idempotent, concurrent, phone-merging),
//! conflicts and tenancy.

use crate::harness::TestDb;
use crate::msg_fixtures::{self, contact};
use atende_db::repo::contacts::{self, ContactPatch, NewContact};
use atende_db::{DbError, PageRequest};
use atende_domain::{Email, PhoneE164};
use std::collections::HashSet;

const WA: &str = "whatsapp_cloud";

async fn search_matches_name_email_and_phone_and_pages(t: TestDb) {
    // Arrange
    let a = crate::fixtures::tenant(&t.db, "a").await;
    let tx = t.db.tenant_tx(a).await.unwrap();
    contacts::create(&tx, contact("Maria Souza", "11987654321"))
        .await
        .unwrap();
    contacts::create(
        &tx,
        NewContact {
            email: Some(Email::parse("joao@example.com").unwrap()),
            ..contact("João", "21998765432")
        },
    )
    .await
    .unwrap();
    contacts::create(&tx, contact("Ana 100%", "31987651234")).await.unwrap();
    let search = |s: &'static str| {
        let tx = &tx;
        async move {
            contacts::list(tx, Some(s), PageRequest::default())
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|c| c.name)
                .collect::<Vec<_>>()
        }
    };

    // Act
    let by_name = search("maria").await;
    let by_email = search("JOAO@").await;
    let by_phone = search("(21) 99876").await;
    let percent = search("100%").await;
    let wildcard_is_literal = search("%").await;
    let first = contacts::list(&tx, None, PageRequest { limit: 2, after: None })
        .await
        .unwrap();
    let second = contacts::list(
        &tx,
        None,
        PageRequest::parse(Some(2), first.next_cursor.as_deref()).unwrap(),
    )
    .await
    .unwrap();

    // Assert
    assert_eq!(by_name, vec!["Maria Souza"]);
    assert_eq!(by_email, vec!["João"]);
    assert_eq!(by_phone, vec!["João"]);
    assert_eq!(percent, vec!["Ana 100%"]);
    assert_eq!(wildcard_is_literal, vec!["Ana 100%"]);
    assert_eq!(first.items.len() + second.items.len(), 3);
    assert!(second.next_cursor.is_none());
}

async fn find_or_create_by_identity_is_idempotent(t: TestDb) {
    // Arrange
    let a = crate::fixtures::tenant(&t.db, "a").await;
    let tx = t.db.tenant_tx(a).await.unwrap();
    let new = || contact("Maria", "5511987654321");

    // Act
    let first = contacts::find_or_create_by_identity(&tx, WA, "5511987654321", new())
        .await
        .unwrap();
    let again = contacts::find_or_create_by_identity(&tx, WA, "5511987654321", new())
        .await
        .unwrap();
    // An old wa_id without the ninth digit, same person: the phone resolves to the same contact.
    let old_form = contacts::find_or_create_by_identity(
        &tx,
        WA,
        "551187654321",
        NewContact {
            phone: Some(PhoneE164::from_wa_id("551187654321").unwrap()),
            ..new()
        },
    )
    .await
    .unwrap();

    // Assert
    assert!(first.created);
    assert!(!again.created);
    assert!(!old_form.created);
    assert_eq!(again.contact.id, first.contact.id);
    assert_eq!(old_form.contact.id, first.contact.id);
    assert_eq!(first.contact.phone_e164.as_deref(), Some("+5511987654321"));
    let ids = contacts::identities_of(&tx, first.contact.id).await.unwrap();
    assert_eq!(ids.len(), 2);
    assert_eq!(
        contacts::list(&tx, None, PageRequest::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
}

async fn concurrent_upserts_of_one_identity_end_on_one_contact(t: TestDb) {
    // Arrange
    let a = crate::fixtures::tenant(&t.db, "a").await;

    // Act: with a phone and without (the widget's visitor), eight racers each.
    let mut tasks = Vec::new();
    for i in 0..16 {
        let db = t.db.clone();
        tasks.push(tokio::spawn(async move {
            let tx = db.tenant_tx(a).await.unwrap();
            let r = if i % 2 == 0 {
                contacts::find_or_create_by_identity(&tx, WA, "5511912345678", contact("Zé", "5511912345678")).await
            } else {
                contacts::find_or_create_by_identity(
                    &tx,
                    "webchat",
                    "visitor-1",
                    NewContact {
                        name: "Visitante".into(),
                        ..NewContact::default()
                    },
                )
                .await
            }
            .unwrap();
            tx.commit().await.unwrap();
            (i % 2, r.contact.id, r.created)
        }));
    }
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }

    // Assert
    for kind in 0..2 {
        let of_kind: Vec<_> = results.iter().filter(|r| r.0 == kind).collect();
        let ids: HashSet<_> = of_kind.iter().map(|r| r.1).collect();
        assert_eq!(ids.len(), 1, "one contact per identity");
    }
    let tx = t.db.tenant_tx(a).await.unwrap();
    let all = contacts::list(&tx, None, PageRequest::default()).await.unwrap();
    assert_eq!(all.items.len(), 2, "no orphan contacts left behind: {:?}", all.items);
}

async fn a_taken_phone_conflicts_on_phone_e164(t: TestDb) {
    // Arrange
    let a = crate::fixtures::tenant(&t.db, "a").await;
    let b = crate::fixtures::tenant(&t.db, "b").await;
    let tx = t.db.tenant_tx(a).await.unwrap();
    contacts::create(&tx, contact("Um", "+55 (11) 98765-4321"))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // Act
    let tx = t.db.tenant_tx(a).await.unwrap();
    let same = contacts::create(&tx, contact("Dois", "11 987654321")).await;
    drop(tx);
    let tx = t.db.tenant_tx(b).await.unwrap();
    let other_tenant = contacts::create(&tx, contact("Dois", "11 987654321")).await;

    // Assert
    match same {
        Err(DbError::Conflict { field }) => assert_eq!(field, "phone_e164"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    other_tenant.expect("the same number in another tenant is allowed");
}

async fn contacts_of_another_tenant_are_out_of_reach(t: TestDb) {
    // Arrange
    let a = msg_fixtures::inbox(&t.db, "a", 1).await;
    let b = msg_fixtures::inbox(&t.db, "b", 2).await;
    let txb = t.db.tenant_tx(b.tenant).await.unwrap();
    let b_row = contacts::get(&txb, b.contact).await.unwrap();
    contacts::find_or_create_by_identity(&txb, WA, "5511987650002", contact("B", "5511987650002"))
        .await
        .unwrap();
    txb.commit().await.unwrap();
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();

    // Act
    let get = contacts::get(&tx, b.contact).await;
    let list = contacts::list(&tx, Some("maria"), PageRequest::default())
        .await
        .unwrap();
    let identity = contacts::find_by_identity(&tx, WA, "5511987650002").await.unwrap();
    let update = contacts::update(&tx, b_row.clone(), ContactPatch::default()).await;
    let delete = contacts::delete(&tx, b_row).await;
    let upsert = contacts::find_or_create_by_identity(&tx, WA, "5511987650002", contact("A", "5511987650002"))
        .await
        .unwrap();

    // Assert
    assert!(matches!(get, Err(DbError::NotFound)));
    assert!(matches!(update, Err(DbError::NotFound)));
    assert!(matches!(delete, Err(DbError::NotFound)));
    assert!(identity.is_none());
    assert_eq!(list.items.iter().map(|c| c.id).collect::<Vec<_>>(), vec![a.contact]);
    assert!(upsert.created, "A's own contact, not B's");
    assert_eq!(upsert.contact.tenant_id, a.tenant.uuid());
}

both_engines!(
    search_matches_name_email_and_phone_and_pages,
    find_or_create_by_identity_is_idempotent,
    concurrent_upserts_of_one_identity_end_on_one_contact,
    a_taken_phone_conflicts_on_phone_e164,
    contacts_of_another_tenant_are_out_of_reach,
);
