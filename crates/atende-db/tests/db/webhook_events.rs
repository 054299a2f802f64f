//! The raw webhook inbox: exact bytes, routing, processing states, tenant visibility.

use crate::harness::TestDb;
use crate::msg_fixtures;
use atende_db::DbError;
use atende_db::repo::webhook_events::{self, NewWebhookEvent, status};

fn unrouted(body: Vec<u8>) -> NewWebhookEvent {
    NewWebhookEvent {
        provider: "whatsapp_cloud",
        channel_id: None,
        tenant_id: None,
        raw_body: body,
        headers: serde_json::json!({ "x-hub-signature-256": "sha256=ab" }),
    }
}

async fn raw_bytes_are_stored_exactly_and_processed_once_routed(t: TestDb) {
    // Arrange: not valid UTF-8, with a NUL and a trailing newline: stored as received.
    let a = msg_fixtures::inbox(&t.db, "a", 1).await;
    let body = vec![0x7b, 0x00, 0xff, 0xfe, b'"', b'\n'];
    let tx = t.db.platform_tx().await.unwrap();
    let stored = webhook_events::insert(&tx, unrouted(body.clone())).await.unwrap();
    tx.commit().await.unwrap();

    // Act
    let tx = t.db.platform_tx().await.unwrap();
    let read = webhook_events::get(&tx, stored.id).await.unwrap();
    webhook_events::route(&tx, stored.id, a.tenant, a.channel)
        .await
        .unwrap();
    webhook_events::mark_failed(&tx, stored.id, "truncated JSON")
        .await
        .unwrap();
    let failed = webhook_events::get(&tx, stored.id).await.unwrap();
    webhook_events::mark_processed(&tx, stored.id).await.unwrap();
    let processed = webhook_events::get(&tx, stored.id).await.unwrap();
    tx.commit().await.unwrap();
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    let replay = webhook_events::reset_for_replay(&tx, stored.id).await.unwrap();

    // Assert
    assert_eq!(read.raw_body, body);
    assert_eq!(read.status, status::PENDING);
    assert_eq!(read.tenant_id, None);
    assert_eq!(failed.status, status::FAILED);
    assert_eq!(failed.error.as_deref(), Some("truncated JSON"));
    assert_eq!(processed.status, status::PROCESSED);
    assert_eq!(processed.attempts, 2);
    assert!(processed.processed_at.is_some());
    assert_eq!(processed.error, None);
    assert_eq!(processed.channel_id, Some(a.channel));
    assert_eq!(replay.status, status::PENDING);
}

async fn webhook_events_of_another_tenant_or_unrouted_are_out_of_reach(t: TestDb) {
    // Arrange
    let a = msg_fixtures::inbox(&t.db, "a", 1).await;
    let b = msg_fixtures::inbox(&t.db, "b", 2).await;
    let tx = t.db.platform_tx().await.unwrap();
    let loose = webhook_events::insert(&tx, unrouted(b"{}".to_vec())).await.unwrap();
    tx.commit().await.unwrap();
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();

    // Act
    let own = webhook_events::get_for_tenant(&tx, a.webhook_event).await;
    let foreign = webhook_events::get_for_tenant(&tx, b.webhook_event).await;
    let unrouted_one = webhook_events::get_for_tenant(&tx, loose.id).await;
    let replay_foreign = webhook_events::reset_for_replay(&tx, b.webhook_event).await;
    // In a tenant transaction the row is that tenant's, whatever the caller says.
    let forced = webhook_events::insert(
        &tx,
        NewWebhookEvent {
            tenant_id: Some(b.tenant),
            ..unrouted(b"{}".to_vec())
        },
    )
    .await
    .unwrap();

    // Assert
    assert_eq!(own.unwrap().tenant_id, Some(a.tenant.uuid()));
    assert!(matches!(foreign, Err(DbError::NotFound)));
    assert!(matches!(unrouted_one, Err(DbError::NotFound)));
    assert!(matches!(replay_foreign, Err(DbError::NotFound)));
    assert_eq!(forced.tenant_id, Some(a.tenant.uuid()));
}

both_engines!(
    raw_bytes_are_stored_exactly_and_processed_once_routed,
    webhook_events_of_another_tenant_or_unrouted_are_out_of_reach,
);
