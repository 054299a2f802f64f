//! Quick replies: shortcut uniqueness per tenant, the composer's search, patching, tenancy.
//! Contact tags: replacing the set, the tag filter, case-insensitive tag names.

use crate::harness::TestDb;
use crate::msg_fixtures::contact;
use atende_db::repo::contacts::{self, ContactFilter};
use atende_db::repo::quick_replies::{self, NewQuickReply, QuickReplyPatch};
use atende_db::repo::tags;
use atende_db::{DbError, PageRequest, TenantTx};

fn reply(shortcut: &str, title: &str, content: &str) -> NewQuickReply {
    NewQuickReply {
        shortcut: shortcut.to_owned(),
        title: title.to_owned(),
        content: content.to_owned(),
        ..NewQuickReply::default()
    }
}

async fn search(tx: &TenantTx, q: &str) -> Vec<String> {
    quick_replies::list(tx, Some(q), None, PageRequest::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|r| r.shortcut)
        .collect()
}

async fn a_shortcut_is_unique_per_tenant_only(t: TestDb) {
    // Arrange
    let a = crate::fixtures::tenant(&t.db, "a").await;
    let b = crate::fixtures::tenant(&t.db, "b").await;
    let tx = t.db.tenant_tx(a).await.unwrap();
    quick_replies::create(&tx, reply("/oi", "Oi", "Olá!")).await.unwrap();

    // Act
    let dup = quick_replies::create(&tx, reply("/oi", "Outro", "Oi")).await;
    tx.commit().await.unwrap();
    let tx = t.db.tenant_tx(b).await.unwrap();
    let other_tenant = quick_replies::create(&tx, reply("/oi", "Oi", "Olá!")).await;

    // Assert
    assert!(
        matches!(&dup, Err(DbError::Conflict { field }) if field == "shortcut"),
        "{dup:?}"
    );
    assert!(other_tenant.is_ok(), "{other_tenant:?}");
}

async fn search_is_a_shortcut_prefix_or_all_words_in_title_or_content(t: TestDb) {
    // Arrange
    let a = crate::fixtures::tenant(&t.db, "a").await;
    let tx = t.db.tenant_tx(a).await.unwrap();
    quick_replies::create(&tx, reply("/saudacao", "Saudação", "Olá! Como posso ajudar?"))
        .await
        .unwrap();
    quick_replies::create(&tx, reply("/pix", "Chave Pix", "Nossa chave é o CNPJ"))
        .await
        .unwrap();
    quick_replies::create(&tx, reply("/50_off", "Promo", "Cupom de 50%"))
        .await
        .unwrap();

    // Act + Assert
    assert_eq!(search(&tx, "/sa").await, ["/saudacao"]);
    assert_eq!(search(&tx, "SAU").await, ["/saudacao"]);
    assert_eq!(search(&tx, "chave cnpj").await, ["/pix"]);
    assert_eq!(search(&tx, "ajudar posso").await, ["/saudacao"]);
    assert!(search(&tx, "chave ajudar").await.is_empty());
    assert_eq!(search(&tx, "50%").await, ["/50_off"]);
    assert!(search(&tx, "/_").await.is_empty(), "`_` is not a wildcard");
}

async fn patch_changes_and_clears_fields_and_is_tenant_checked(t: TestDb) {
    // Arrange
    let a = crate::fixtures::tenant(&t.db, "a").await;
    let b = crate::fixtures::tenant(&t.db, "b").await;
    let tx = t.db.tenant_tx(a).await.unwrap();
    let q = quick_replies::create(
        &tx,
        NewQuickReply {
            category: Some("vendas".into()),
            attachment: Some(serde_json::json!({"url": "https://x.test/a.pdf"})),
            ..reply("/cat", "Catálogo", "Segue")
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    // Act
    let tx_b = t.db.tenant_tx(b).await.unwrap();
    let foreign_get = quick_replies::get(&tx_b, q.id).await;
    let foreign_update = quick_replies::update(&tx_b, q.clone(), QuickReplyPatch::default()).await;
    drop(tx_b);
    let tx = t.db.tenant_tx(a).await.unwrap();
    let edited = quick_replies::update(
        &tx,
        q,
        QuickReplyPatch {
            title: Some("Catálogo 2026".into()),
            category: Some(None),
            attachment: Some(None),
            ..QuickReplyPatch::default()
        },
    )
    .await
    .unwrap();

    // Assert
    assert!(matches!(foreign_get, Err(DbError::NotFound)));
    assert!(matches!(foreign_update, Err(DbError::NotFound)));
    assert_eq!(edited.title, "Catálogo 2026");
    assert_eq!(edited.shortcut, "/cat");
    assert!(edited.category.is_none());
    assert!(edited.attachment.is_none());
}

async fn contact_tags_are_replaced_as_a_set_and_filter_contacts(t: TestDb) {
    // Arrange
    let a = crate::fixtures::tenant(&t.db, "a").await;
    let tx = t.db.tenant_tx(a).await.unwrap();
    let maria = contacts::create(&tx, contact("Maria", "11987654321")).await.unwrap();
    let jose = contacts::create(&tx, contact("José", "21998765432")).await.unwrap();
    let vip = tags::create(&tx, "VIP", None).await.unwrap();
    let lead = tags::create(&tx, "lead", Some("#00ff00".into())).await.unwrap();

    // Act
    tags::set_contact_tags(&tx, maria.id, &[vip.id, lead.id, vip.id])
        .await
        .unwrap();
    tags::set_contact_tags(&tx, jose.id, &[lead.id]).await.unwrap();
    tags::set_contact_tags(&tx, jose.id, &[vip.id]).await.unwrap();
    let with_lead = contacts::list_filtered(
        &tx,
        &ContactFilter {
            tag: Some(lead.id),
            ..ContactFilter::default()
        },
        PageRequest::default(),
    )
    .await
    .unwrap();
    let of = tags::of_contacts(&tx, &[maria.id, jose.id]).await.unwrap();
    let same_name = tags::create(&tx, "vip", None).await;

    // Assert
    assert_eq!(with_lead.items.iter().map(|c| c.id).collect::<Vec<_>>(), [maria.id]);
    let names = |id| of[&id].iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(maria.id), ["lead", "VIP"]);
    assert_eq!(names(jose.id), ["VIP"]);
    assert!(
        matches!(same_name, Err(DbError::Conflict { .. })),
        "tag names are unique ignoring case: {same_name:?}"
    );
}

async fn a_contact_cannot_carry_another_tenants_tag(t: TestDb) {
    // Arrange
    let a = crate::fixtures::tenant(&t.db, "a").await;
    let b = crate::fixtures::tenant(&t.db, "b").await;
    let tx = t.db.tenant_tx(b).await.unwrap();
    let foreign = tags::create(&tx, "vip", None).await.unwrap();
    tx.commit().await.unwrap();
    let tx = t.db.tenant_tx(a).await.unwrap();
    let maria = contacts::create(&tx, contact("Maria", "11987654321")).await.unwrap();

    // Act
    let linked = tags::set_contact_tags(&tx, maria.id, &[foreign.id]).await;
    drop(tx); // a failed statement aborts a Postgres transaction
    let tx = t.db.tenant_tx(a).await.unwrap();
    let existing = tags::existing(&tx, &[foreign.id]).await.unwrap();

    // Assert
    assert!(matches!(linked, Err(DbError::MissingReference)), "{linked:?}");
    assert!(existing.is_empty());
}

both_engines!(
    a_shortcut_is_unique_per_tenant_only,
    search_is_a_shortcut_prefix_or_all_words_in_title_or_content,
    patch_changes_and_clears_fields_and_is_tenant_checked,
    contact_tags_are_replaced_as_a_set_and_filter_contacts,
    a_contact_cannot_carry_another_tenants_tag,
);
