//! Messages: idempotent insert (also under concurrency), history paging, delivery statuses
//! applied monotonically.

use crate::harness::TestDb;
use crate::msg_fixtures::{self, inbound, outbound};
use atende_db::repo::messages::{self, StatusOutcome, StatusReport};
use atende_db::{DbError, PageRequest};
use atende_domain::MessageStatus::{Delivered, Failed, Read, Sent};
use chrono::{TimeDelta, Utc};
use std::collections::HashSet;
use uuid::Uuid;

async fn a_repeated_provider_id_returns_the_existing_row(t: TestDb) {
    // Arrange
    let a = msg_fixtures::inbox(&t.db, "a", 1).await;
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();

    // Act
    let first = messages::insert(&tx, inbound(a.conversation, a.channel, "wamid.X", "Olá"))
        .await
        .unwrap();
    let again = messages::insert(&tx, inbound(a.conversation, a.channel, "wamid.X", "Olá (de novo)"))
        .await
        .unwrap();
    let page = messages::list_by_conversation(&tx, a.conversation, PageRequest::default())
        .await
        .unwrap();

    // Assert
    assert!(first.created);
    assert!(!again.created);
    assert_eq!(again.message, first.message);
    assert_eq!(again.message.body.as_deref(), Some("Olá"));
    assert_eq!(page.items.len(), 2, "the fixture's message and this one, once");
    assert_eq!(first.message.direction, "inbound");
    assert_eq!(first.message.status, None);
}

async fn concurrent_inserts_of_one_provider_id_store_exactly_one_row(t: TestDb) {
    // Arrange
    let a = msg_fixtures::inbox(&t.db, "a", 1).await;

    // Act: 16 tasks, each in its own transaction, deliver the same message.
    let mut tasks = Vec::new();
    for i in 0..16 {
        let db = t.db.clone();
        tasks.push(tokio::spawn(async move {
            let tx = db.tenant_tx(a.tenant).await.unwrap();
            let r = messages::insert(
                &tx,
                inbound(a.conversation, a.channel, "wamid.RACE", &format!("try {i}")),
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            r
        }));
    }
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }

    // Assert
    assert_eq!(
        results.iter().filter(|r| r.created).count(),
        1,
        "exactly one insert created"
    );
    let ids: HashSet<Uuid> = results.iter().map(|r| r.message.id).collect();
    assert_eq!(ids.len(), 1, "every caller got the same row");
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    let stored = messages::find_by_provider_id(&tx, a.channel, "wamid.RACE")
        .await
        .unwrap();
    assert_eq!(stored.map(|m| m.id), ids.into_iter().next());
    let all = messages::list_by_conversation(&tx, a.conversation, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        all.items
            .iter()
            .filter(|m| m.provider_message_id.as_deref() == Some("wamid.RACE"))
            .count(),
        1
    );
}

async fn an_idempotency_key_is_honoured_for_api_posts(t: TestDb) {
    // Arrange
    let a = msg_fixtures::inbox(&t.db, "a", 1).await;
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    let post = || messages::NewMessage {
        idempotency_key: Some("key-1".into()),
        ..outbound(a.conversation, a.channel, "Bom dia")
    };

    // Act
    let first = messages::insert(&tx, post()).await.unwrap();
    let again = messages::insert(&tx, post()).await.unwrap();
    let other = messages::insert(&tx, outbound(a.conversation, a.channel, "sem chave"))
        .await
        .unwrap();

    // Assert
    assert!(first.created && !again.created && other.created);
    assert_eq!(first.message.id, again.message.id);
    assert_eq!(first.message.status.as_deref(), Some("queued"));
}

async fn read_then_delivered_keeps_read(t: TestDb) {
    // Arrange
    let a = msg_fixtures::inbox(&t.db, "a", 1).await;
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    let queued = messages::insert(&tx, outbound(a.conversation, a.channel, "Seu pedido saiu"))
        .await
        .unwrap()
        .message;
    let t0 = Utc::now();

    // Act
    let sent = messages::mark_sent(&tx, queued.id, "wamid.OUT", t0).await.unwrap();
    let read = messages::apply_status_by_provider_id(
        &tx,
        a.channel,
        "wamid.OUT",
        &StatusReport::new(Read, t0 + TimeDelta::seconds(2)),
    )
    .await
    .unwrap();
    let late_delivered = messages::apply_status_by_provider_id(
        &tx,
        a.channel,
        "wamid.OUT",
        &StatusReport::new(Delivered, t0 + TimeDelta::seconds(1)),
    )
    .await
    .unwrap();
    let late_failed = messages::apply_status(
        &tx,
        queued.id,
        &StatusReport {
            error_code: Some("131047".into()),
            ..StatusReport::new(Failed, t0 + TimeDelta::seconds(3))
        },
    )
    .await
    .unwrap();
    let late_sent = messages::apply_status(&tx, queued.id, &StatusReport::new(Sent, t0))
        .await
        .unwrap();

    // Assert
    assert!(matches!(sent, StatusOutcome::Applied(ref m) if m.status.as_deref() == Some("sent")));
    assert!(matches!(read, StatusOutcome::Applied(ref m) if m.status.as_deref() == Some("read")));
    let StatusOutcome::Unchanged(m) = late_delivered else {
        panic!("a late delivered is not applied: {late_delivered:?}")
    };
    assert_eq!(m.status.as_deref(), Some("read"));
    assert!(m.delivered_at.is_some(), "the delivery is still dated");
    let StatusOutcome::Unchanged(m) = late_failed else {
        panic!("a failure after read is ignored: {late_failed:?}")
    };
    assert_eq!(m.status.as_deref(), Some("read"));
    assert_eq!(m.error_code, None);
    assert_eq!(m.failed_at, None);
    assert!(matches!(late_sent, StatusOutcome::Unchanged(_)));
    assert_eq!(m.provider_message_id.as_deref(), Some("wamid.OUT"));
}

async fn failed_keeps_code_and_title_and_delivery_evidence_overrides_it(t: TestDb) {
    // Arrange
    let a = msg_fixtures::inbox(&t.db, "a", 1).await;
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    let m = messages::insert(&tx, outbound(a.conversation, a.channel, "oi"))
        .await
        .unwrap()
        .message;
    messages::mark_sent(&tx, m.id, "wamid.F", Utc::now()).await.unwrap();

    // Act
    let failed = messages::apply_status(
        &tx,
        m.id,
        &StatusReport {
            error_code: Some("131026".into()),
            error_title: Some("Message undeliverable".into()),
            ..StatusReport::new(Failed, Utc::now())
        },
    )
    .await
    .unwrap();
    let requeued_while_failed = messages::get(&tx, m.id).await.unwrap();
    let delivered = messages::apply_status(&tx, m.id, &StatusReport::new(Delivered, Utc::now()))
        .await
        .unwrap();

    // Assert
    let StatusOutcome::Applied(f) = failed else {
        panic!("{failed:?}")
    };
    assert_eq!(f.status.as_deref(), Some("failed"));
    assert_eq!(f.error_code.as_deref(), Some("131026"));
    assert_eq!(f.error_title.as_deref(), Some("Message undeliverable"));
    assert!(f.failed_at.is_some());
    assert_eq!(requeued_while_failed.status.as_deref(), Some("failed"));
    assert!(matches!(delivered, StatusOutcome::Applied(ref d) if d.status.as_deref() == Some("delivered")));
}

async fn concurrent_reports_end_on_the_furthest_status(t: TestDb) {
    // Arrange
    let a = msg_fixtures::inbox(&t.db, "a", 1).await;
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    let m = messages::insert(&tx, outbound(a.conversation, a.channel, "oi"))
        .await
        .unwrap()
        .message;
    messages::mark_sent(&tx, m.id, "wamid.C", Utc::now()).await.unwrap();
    tx.commit().await.unwrap();

    // Act: delivered and read race, several times each.
    let mut tasks = Vec::new();
    for i in 0..12 {
        let db = t.db.clone();
        let status = if i % 2 == 0 { Delivered } else { Read };
        tasks.push(tokio::spawn(async move {
            let tx = db.tenant_tx(a.tenant).await.unwrap();
            messages::apply_status_by_provider_id(&tx, a.channel, "wamid.C", &StatusReport::new(status, Utc::now()))
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }

    // Assert
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    assert_eq!(messages::get(&tx, m.id).await.unwrap().status.as_deref(), Some("read"));
}

async fn a_status_for_an_unknown_message_is_reported_not_an_error(t: TestDb) {
    // Arrange
    let a = msg_fixtures::inbox(&t.db, "a", 1).await;
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();

    // Act
    let r = messages::apply_status_by_provider_id(&tx, a.channel, "wamid.NOPE", &StatusReport::new(Read, Utc::now()))
        .await
        .unwrap();
    let inbound_read = messages::apply_status(&tx, a.message, &StatusReport::new(Read, Utc::now()))
        .await
        .unwrap();

    // Assert
    assert_eq!(r, StatusOutcome::Unknown);
    assert!(
        matches!(inbound_read, StatusOutcome::Unchanged(ref m) if m.status.is_none()),
        "an inbound message has no delivery status"
    );
}

async fn history_pages_backwards_with_before(t: TestDb) {
    // Arrange
    let a = msg_fixtures::inbox(&t.db, "a", 1).await;
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    let mut ids = vec![a.message];
    for i in 0..4 {
        let m = messages::insert(&tx, inbound(a.conversation, a.channel, &format!("wamid.{i}"), "x"))
            .await
            .unwrap();
        ids.push(m.message.id);
    }

    // Act
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = messages::list_by_conversation(
            &tx,
            a.conversation,
            PageRequest::parse(Some(2), cursor.as_deref()).unwrap(),
        )
        .await
        .unwrap();
        seen.extend(page.items.iter().map(|m| m.id));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }

    // Assert
    ids.reverse();
    assert_eq!(seen, ids, "newest first, every message once");
}

async fn messages_of_another_tenant_are_out_of_reach(t: TestDb) {
    // Arrange
    let a = msg_fixtures::inbox(&t.db, "a", 1).await;
    let b = msg_fixtures::inbox(&t.db, "b", 2).await;
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();

    // Act
    let get = messages::get(&tx, b.message).await;
    let by_provider = messages::find_by_provider_id(&tx, b.channel, "wamid.b").await.unwrap();
    let list = messages::list_by_conversation(&tx, b.conversation, PageRequest::default())
        .await
        .unwrap();
    let status = messages::apply_status(&tx, b.message, &StatusReport::new(Read, Utc::now()))
        .await
        .unwrap();
    let into_b = messages::insert(&tx, inbound(b.conversation, b.channel, "wamid.intruder", "x")).await;
    drop(tx);

    // Assert
    assert!(matches!(get, Err(DbError::NotFound)), "{get:?}");
    assert!(by_provider.is_none());
    assert!(list.items.is_empty());
    assert_eq!(status, StatusOutcome::Unknown);
    assert!(matches!(into_b, Err(DbError::MissingReference)), "{into_b:?}");
    let tx = t.db.tenant_tx(b.tenant).await.unwrap();
    assert_eq!(
        messages::list_by_conversation(&tx, b.conversation, PageRequest::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
}

/// A bot message of `conversation`.
fn bot(conversation: Uuid, channel: Uuid, body: &str) -> messages::NewMessage {
    messages::NewMessage {
        author: atende_domain::Author::Bot,
        ..outbound(conversation, channel, body)
    }
}

async fn previews_show_what_people_wrote_and_the_bot_only_when_nobody_else_did(t: TestDb) {
    // Arrange: the fixture's conversation has the customer's "Oi", then the greeting; a second
    // conversation has only a bot message (a campaign's).
    let a = msg_fixtures::inbox(&t.db, "p", 1).await;
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    messages::insert(&tx, bot(a.conversation, a.channel, "Olá! Bem-vindo."))
        .await
        .unwrap();
    let contact = atende_db::repo::conversations::get(&tx, a.conversation)
        .await
        .unwrap()
        .contact_id;
    let mut other = atende_db::repo::conversations::NewConversation::open(a.channel, contact);
    other.status = atende_domain::ConversationStatus::Resolved;
    let lonely = atende_db::repo::conversations::create(&tx, other).await.unwrap();
    messages::insert(&tx, bot(lonely.id, a.channel, "Promoção de dezembro"))
        .await
        .unwrap();

    // Act
    let previews = messages::previews_of(&tx, &[a.conversation, lonely.id]).await.unwrap();

    // Assert
    assert_eq!(previews[&a.conversation].body.as_deref(), Some("Oi"));
    assert_eq!(previews[&lonely.id].body.as_deref(), Some("Promoção de dezembro"));
}

both_engines!(
    a_repeated_provider_id_returns_the_existing_row,
    concurrent_inserts_of_one_provider_id_store_exactly_one_row,
    an_idempotency_key_is_honoured_for_api_posts,
    read_then_delivered_keeps_read,
    failed_keeps_code_and_title_and_delivery_evidence_overrides_it,
    concurrent_reports_end_on_the_furthest_status,
    a_status_for_an_unknown_message_is_reported_not_an_error,
    history_pages_backwards_with_before,
    messages_of_another_tenant_are_out_of_reach,
    previews_show_what_people_wrote_and_the_bot_only_when_nobody_else_did,
);
