//! `LISTEN/NOTIFY` plumbing under the cross-node event bus: Postgres only (SQLite is refused).

use crate::harness::TestDb;
use atende_db::notify::{self, Listener, MAX_PAYLOAD, Received};
use atende_db::sea_orm::{ConnectionTrait, DbBackend, Statement};
use std::time::Duration;

async fn next(l: &mut Listener) -> Received {
    tokio::time::timeout(Duration::from_secs(20), l.recv())
        .await
        .expect("a notification within 20 s")
        .expect("listener error")
}

fn payload(r: Received) -> String {
    match r {
        Received::Notification { payload, .. } => payload,
        Received::Reconnected => panic!("unexpected reconnection"),
    }
}

#[tokio::test]
async fn sqlite_has_no_notify() {
    let t = TestDb::sqlite().await;
    assert!(notify::notify(&t.db, "c", "x").await.is_err());
    assert!(Listener::connect(&t.url, "c").await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_notifications_arrive_in_order_up_to_the_limit() {
    let Some(t) = TestDb::postgres().await else { return };
    // The application role needs no grant to LISTEN or NOTIFY.
    let mut l = Listener::connect(&t.url, "atende_test").await.unwrap();
    assert_eq!(l.channel(), "atende_test");
    notify::notify(&t.db, "atende_test", "one").await.unwrap();
    let biggest = "é".repeat(MAX_PAYLOAD / 2) + "x";
    assert_eq!(biggest.len(), MAX_PAYLOAD);
    notify::notify_all(&t.db, "atende_test", &["two", "three", biggest.as_str()])
        .await
        .unwrap();
    notify::notify_all::<&str>(&t.db, "atende_test", &[]).await.unwrap();
    // Other channels are not heard.
    notify::notify(&t.db, "elsewhere", "no").await.unwrap();
    notify::notify(&t.db, "atende_test", "last").await.unwrap();
    for want in ["one", "two", "three", biggest.as_str(), "last"] {
        assert_eq!(payload(next(&mut l).await), want);
    }

    // One byte over is refused before it reaches the server, and the batch is all or nothing.
    let over = "x".repeat(MAX_PAYLOAD + 1);
    assert!(notify::notify(&t.db, "atende_test", &over).await.is_err());
    assert!(
        notify::notify_all(&t.db, "atende_test", &["fine", over.as_str()])
            .await
            .is_err()
    );
    // Postgres agrees on the limit.
    let raw =
        t.db.raw()
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_notify('atende_test', $1)",
                [over.into()],
            ))
            .await;
    assert!(raw.is_err());
    notify::notify(&t.db, "atende_test", "after").await.unwrap();
    assert_eq!(payload(next(&mut l).await), "after");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_listener_reconnects_after_its_backend_is_terminated() {
    let Some(t) = TestDb::postgres().await else { return };
    let mut l = Listener::connect(&t.url, "atende_test").await.unwrap();
    let killed = t
        .owner
        .raw()
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%'",
        ))
        .await
        .unwrap();
    assert_eq!(killed.len(), 1);
    assert_eq!(next(&mut l).await, Received::Reconnected);
    // Listening again: a notification sent now arrives.
    notify::notify(&t.db, "atende_test", "back").await.unwrap();
    assert_eq!(payload(next(&mut l).await), "back");
}
