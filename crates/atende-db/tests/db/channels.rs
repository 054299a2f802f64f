//! Channels: CRUD, soft delete, and the platform-scope lookups webhooks route by.

use crate::harness::TestDb;
use crate::msg_fixtures::{self, whatsapp};
use atende_db::repo::channels::{self, ChannelPatch};
use atende_db::{DbError, PageRequest};

fn conflict_field<T: std::fmt::Debug>(r: Result<T, DbError>) -> String {
    match r {
        Err(DbError::Conflict { field }) => field,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

async fn a_channel_is_created_updated_listed_and_soft_deleted(t: TestDb) {
    // Arrange
    let a = crate::fixtures::tenant(&t.db, "a").await;
    let tx = t.db.tenant_tx(a).await.unwrap();
    let created = channels::create(&tx, whatsapp("Vendas", "111")).await.unwrap();

    // Act
    let updated = channels::update(
        &tx,
        created.clone(),
        ChannelPatch {
            status: Some(channels::status::ERROR),
            last_error: Some(Some("190: token expired".into())),
            ..ChannelPatch::default()
        },
    )
    .await
    .unwrap();
    let listed = channels::list(&tx, PageRequest::default(), Some(channels::kind::WHATSAPP_CLOUD))
        .await
        .unwrap();
    let deleted = channels::delete(&tx, updated.clone()).await.unwrap();
    let after_delete = channels::get(&tx, created.id).await;
    let listed_after = channels::list(&tx, PageRequest::default(), None).await.unwrap();
    // The number is free again once the channel is deleted.
    let reconnected = channels::create(&tx, whatsapp("Vendas 2", "111")).await;

    // Assert
    assert_eq!(updated.status, "error");
    assert_eq!(updated.last_error.as_deref(), Some("190: token expired"));
    assert_eq!(channels::reopen_window_hours(&updated), 24);
    assert_eq!(listed.items.len(), 1);
    assert!(deleted.deleted_at.is_some());
    assert!(matches!(after_delete, Err(DbError::NotFound)));
    assert!(listed_after.items.is_empty());
    reconnected.expect("a deleted channel's number can be connected again");
}

async fn webhooks_route_by_kind_and_external_id_across_tenants(t: TestDb) {
    // Arrange
    let a = msg_fixtures::inbox(&t.db, "a", 1).await;
    let b = msg_fixtures::inbox(&t.db, "b", 2).await;
    let tx = t.db.tenant_tx(b.tenant).await.unwrap();
    let widget = channels::create(
        &tx,
        channels::NewChannel {
            kind: channels::kind::WEBCHAT,
            public_token: Some("pub_abc".into()),
            external_id: None,
            ..whatsapp("Site", "")
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    // Act
    let tx = t.db.platform_tx().await.unwrap();
    let to_a = channels::find_by_external_id(&tx, channels::kind::WHATSAPP_CLOUD, "100000000001")
        .await
        .unwrap();
    let to_b = channels::find_by_external_id(&tx, channels::kind::WHATSAPP_CLOUD, "100000000002")
        .await
        .unwrap();
    let wrong_kind = channels::find_by_external_id(&tx, channels::kind::INSTAGRAM, "100000000001")
        .await
        .unwrap();
    let by_token = channels::find_by_public_token(&tx, "pub_abc").await.unwrap();
    let by_url = channels::find_for_webhook(&tx, a.channel).await.unwrap();

    // Assert
    assert_eq!(to_a.map(|c| (c.id, c.tenant_id)), Some((a.channel, a.tenant.uuid())));
    assert_eq!(to_b.map(|c| c.id), Some(b.channel));
    assert!(wrong_kind.is_none());
    assert_eq!(by_token.map(|c| c.id), Some(widget.id));
    assert_eq!(by_url.map(|c| c.id), Some(a.channel));
}

async fn unique_keys_of_channels_map_to_their_field(t: TestDb) {
    // Arrange
    let a = msg_fixtures::inbox(&t.db, "a", 1).await;
    let b = crate::fixtures::tenant(&t.db, "b").await;

    // Act: the same phone number id in another tenant, and a reused widget token.
    let tx = t.db.tenant_tx(b).await.unwrap();
    let same_number = channels::create(&tx, whatsapp("Roubado", "100000000001")).await;
    drop(tx);
    let tx = t.db.tenant_tx(b).await.unwrap();
    let widget = |name: &str| channels::NewChannel {
        kind: channels::kind::WEBCHAT,
        public_token: Some("tok".into()),
        external_id: None,
        ..whatsapp(name, "")
    };
    channels::create(&tx, widget("w1")).await.unwrap();
    let same_token = channels::create(&tx, widget("w2")).await;
    drop(tx);

    // Assert
    assert_eq!(conflict_field(same_number), "external_id");
    assert_eq!(conflict_field(same_token), "public_token");
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    channels::get(&tx, a.channel).await.unwrap();
}

async fn channels_of_another_tenant_are_out_of_reach(t: TestDb) {
    // Arrange
    let a = msg_fixtures::inbox(&t.db, "a", 1).await;
    let b = msg_fixtures::inbox(&t.db, "b", 2).await;
    let b_row = {
        let tx = t.db.tenant_tx(b.tenant).await.unwrap();
        channels::get(&tx, b.channel).await.unwrap()
    };
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();

    // Act
    let get = channels::get(&tx, b.channel).await;
    let list = channels::list(&tx, PageRequest::default(), None).await.unwrap();
    let update = channels::update(&tx, b_row.clone(), ChannelPatch::default()).await;
    let delete = channels::delete(&tx, b_row).await;

    // Assert
    assert!(matches!(get, Err(DbError::NotFound)));
    assert!(matches!(update, Err(DbError::NotFound)));
    assert!(matches!(delete, Err(DbError::NotFound)));
    assert_eq!(list.items.iter().map(|c| c.id).collect::<Vec<_>>(), vec![a.channel]);
}

both_engines!(
    a_channel_is_created_updated_listed_and_soft_deleted,
    webhooks_route_by_kind_and_external_id_across_tenants,
    unique_keys_of_channels_map_to_their_field,
    channels_of_another_tenant_are_out_of_reach,
);
