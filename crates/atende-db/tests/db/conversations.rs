//! Conversations: the inbox order and its keyset cursor, filters, counters, the reopen lookup.

use crate::harness::TestDb;
use crate::msg_fixtures;
use atende_db::repo::conversations::{
    self, AssigneeFilter, ConversationPatch, InboxCursor, InboxFilter, InboxPage, NewConversation,
};
use atende_db::repo::{contacts, tags};
use atende_db::{DbError, TenantTx};
use atende_domain::{ConversationStatus, Priority};
use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

async fn new_conversation(tx: &TenantTx, channel: Uuid, n: u32) -> Uuid {
    let contact = contacts::create(
        tx,
        msg_fixtures::contact(&format!("C{n}"), &format!("+55 21 98{n:03}-1234")),
    )
    .await
    .unwrap();
    conversations::create(tx, NewConversation::open(channel, contact.id))
        .await
        .unwrap()
        .id
}

/// A day ahead, at a whole second: later than anything the fixtures create.
fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(Utc::now().timestamp() + 86_400, 0).unwrap()
}

async fn inbox_runs_newest_activity_first_and_pages_through_ties(t: TestDb) {
    // Arrange: six conversations; two pairs share an activity time.
    let a = msg_fixtures::inbox(&t.db, "a", 1).await;
    let b = msg_fixtures::inbox(&t.db, "b", 2).await;
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    let offsets = [5, 1, 3, 3, 1, 4];
    let mut ids = Vec::new();
    for (n, minutes) in offsets.iter().enumerate() {
        let id = new_conversation(&tx, a.channel, u32::try_from(n).unwrap()).await;
        conversations::record_message(&tx, id, t0() + TimeDelta::minutes(*minutes), false)
            .await
            .unwrap();
        ids.push((t0() + TimeDelta::minutes(*minutes), id));
    }
    // The fixture's conversation was created now, before t0: it comes last.
    ids.push((
        conversations::get(&tx, a.conversation).await.unwrap().last_message_at,
        a.conversation,
    ));
    ids.sort_by(|x, y| y.cmp(x));
    let expected: Vec<Uuid> = ids.into_iter().map(|(_, id)| id).collect();

    // Act
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = conversations::list(
            &tx,
            &InboxFilter::default(),
            InboxPage::parse(Some(2), cursor.as_deref()).unwrap(),
        )
        .await
        .unwrap();
        pages += 1;
        seen.extend(page.items.iter().map(|c| c.id));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
        assert!(pages < 10, "paging does not end");
    }

    // Assert
    assert_eq!(pages, 4);
    assert_eq!(
        seen, expected,
        "ordered by (last_message_at desc, id desc), no gaps, no repeats"
    );
    assert!(!seen.contains(&b.conversation));
}

async fn inbox_filters_combine(t: TestDb) {
    // Arrange
    let a = msg_fixtures::inbox(&t.db, "a", 1).await;
    let agent = crate::fixtures::user(&t.db, "ana@a.example").await;
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    let mine = new_conversation(&tx, a.channel, 1).await;
    let resolved = new_conversation(&tx, a.channel, 2).await;
    let c = conversations::get(&tx, mine).await.unwrap();
    conversations::update(
        &tx,
        c,
        ConversationPatch {
            assignee_id: Some(Some(agent.uuid())),
            priority: Some(Priority::Urgent),
            ..ConversationPatch::default()
        },
    )
    .await
    .unwrap();
    let r = conversations::get(&tx, resolved).await.unwrap();
    let r = conversations::update(
        &tx,
        r,
        ConversationPatch {
            status: Some(ConversationStatus::Resolved),
            ..ConversationPatch::default()
        },
    )
    .await
    .unwrap();
    conversations::record_message(&tx, mine, Utc::now(), true)
        .await
        .unwrap();
    let list = |f: InboxFilter| {
        let tx = &tx;
        async move {
            conversations::list(tx, &f, InboxPage::parse(None, None).unwrap())
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|c| c.id)
                .collect::<Vec<_>>()
        }
    };

    // Act
    let me = list(InboxFilter {
        assignee: Some(AssigneeFilter::Me(agent)),
        ..InboxFilter::default()
    })
    .await;
    let nobody_open = list(InboxFilter {
        assignee: Some(AssigneeFilter::Nobody),
        statuses: vec![ConversationStatus::Open],
        ..InboxFilter::default()
    })
    .await;
    let resolved_only = list(InboxFilter {
        statuses: vec![ConversationStatus::Resolved],
        ..InboxFilter::default()
    })
    .await;
    let unread = list(InboxFilter {
        unread: true,
        ..InboxFilter::default()
    })
    .await;
    let tagged = list(InboxFilter {
        tag_id: Some(a.tag),
        channel_id: Some(a.channel),
        ..InboxFilter::default()
    })
    .await;

    // Assert
    assert_eq!(me, vec![mine]);
    assert_eq!(nobody_open, vec![a.conversation]);
    assert_eq!(resolved_only, vec![resolved]);
    assert!(r.resolved_at.is_some());
    assert_eq!(unread, vec![mine]);
    assert_eq!(tagged, vec![a.conversation]);
    assert_eq!(tags::of_conversation(&tx, a.conversation).await.unwrap()[0].name, "vip");
    let batch = tags::of_conversations(&tx, &[a.conversation, mine, resolved])
        .await
        .unwrap();
    assert_eq!(batch.len(), 1, "only the tagged conversation is in the map");
    assert_eq!(
        batch[&a.conversation]
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        vec!["vip"]
    );
    assert!(tags::of_conversations(&tx, &[]).await.unwrap().is_empty());
}

async fn record_message_moves_counters_and_never_backwards(t: TestDb) {
    // Arrange
    let a = msg_fixtures::inbox(&t.db, "a", 1).await;
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    let later = atende_db::repo::now() + TimeDelta::minutes(10);

    // Act
    conversations::record_message(&tx, a.conversation, later, true)
        .await
        .unwrap();
    let after_old = conversations::record_message(&tx, a.conversation, later - TimeDelta::minutes(5), true)
        .await
        .unwrap();
    let after_out = conversations::record_message(&tx, a.conversation, later + TimeDelta::minutes(1), false)
        .await
        .unwrap();
    conversations::mark_read(&tx, a.conversation).await.unwrap();
    let read = conversations::get(&tx, a.conversation).await.unwrap();

    // Assert
    assert_eq!(after_old.unread_count, 2);
    assert_eq!(
        after_old.last_message_at, later,
        "an older message does not move activity back"
    );
    assert_eq!(after_old.last_inbound_at, Some(later));
    assert_eq!(after_out.last_message_at, later + TimeDelta::minutes(1));
    assert_eq!(
        after_out.last_inbound_at,
        Some(later),
        "outbound does not touch the window"
    );
    assert_eq!(read.unread_count, 0);
}

async fn latest_for_finds_the_newest_conversation_of_contact_and_channel(t: TestDb) {
    // Arrange
    let a = msg_fixtures::inbox(&t.db, "a", 1).await;
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    let newer = conversations::create(&tx, NewConversation::open(a.channel, a.contact))
        .await
        .unwrap();

    // Act
    let latest = conversations::latest_for(&tx, a.contact, a.channel).await.unwrap();
    let none = conversations::latest_for(&tx, Uuid::now_v7(), a.channel).await.unwrap();

    // Assert
    assert_eq!(latest.map(|c| c.id), Some(newer.id));
    assert!(none.is_none());
}

async fn conversations_of_another_tenant_are_out_of_reach(t: TestDb) {
    // Arrange
    let a = msg_fixtures::inbox(&t.db, "a", 1).await;
    let b = msg_fixtures::inbox(&t.db, "b", 2).await;
    let b_row = {
        let txb = t.db.tenant_tx(b.tenant).await.unwrap();
        conversations::get(&txb, b.conversation).await.unwrap()
    };
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();

    // Act
    let get = conversations::get(&tx, b.conversation).await;
    let latest = conversations::latest_for(&tx, b.contact, b.channel).await.unwrap();
    let counters = conversations::record_message(&tx, b.conversation, Utc::now(), true).await;
    let read = conversations::mark_read(&tx, b.conversation).await;
    let filtered = conversations::list(
        &tx,
        &InboxFilter {
            channel_id: Some(b.channel),
            ..InboxFilter::default()
        },
        InboxPage::parse(None, None).unwrap(),
    )
    .await
    .unwrap();
    let all = conversations::list(&tx, &InboxFilter::default(), InboxPage::parse(None, None).unwrap())
        .await
        .unwrap();
    let update = conversations::update(&tx, b_row, ConversationPatch::default()).await;
    let with_b_contact = conversations::create(&tx, NewConversation::open(a.channel, b.contact)).await;
    drop(tx);

    // Assert
    assert!(matches!(get, Err(DbError::NotFound)));
    assert!(latest.is_none());
    assert!(matches!(counters, Err(DbError::NotFound)));
    assert!(matches!(read, Err(DbError::NotFound)));
    assert!(matches!(update, Err(DbError::NotFound)));
    assert!(filtered.items.is_empty());
    assert!(all.items.iter().all(|c| c.tenant_id == a.tenant.uuid()));
    assert_eq!(all.items.len(), 1);
    assert!(
        matches!(with_b_contact, Err(DbError::MissingReference)),
        "{with_b_contact:?}"
    );
    let txb = t.db.tenant_tx(b.tenant).await.unwrap();
    assert_eq!(conversations::get(&txb, b.conversation).await.unwrap().unread_count, 0);
}

#[test]
fn inbox_cursor_round_trips_and_rejects_garbage() {
    let c = InboxCursor {
        last_message_at: DateTime::from_timestamp_micros(1_773_144_000_123_456).unwrap(),
        id: Uuid::now_v7(),
    };
    assert_eq!(InboxCursor::decode(&c.encode()), Some(c));
    assert_eq!(InboxCursor::decode("!!"), None);
    assert_eq!(
        InboxCursor::decode(&atende_db::page::encode_cursor(Uuid::now_v7())),
        None
    );
    assert!(InboxPage::parse(Some(0), None).is_err());
    assert!(InboxPage::parse(None, Some("zzz")).is_err());
}

both_engines!(
    inbox_runs_newest_activity_first_and_pages_through_ties,
    inbox_filters_combine,
    record_message_moves_counters_and_never_backwards,
    latest_for_finds_the_newest_conversation_of_contact_and_channel,
    conversations_of_another_tenant_are_out_of_reach,
);
