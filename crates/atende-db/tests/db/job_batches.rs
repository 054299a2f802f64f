//! Batches of jobs: claimed in one statement, renewed by a heartbeat, finished together; and
//! the wake-ups a commit sends.

use crate::harness::TestDb;
use atende_db::jobs::{self, NewJob, Outcome, queue, status};
use atende_db::notify::{Listener, Received};
use atende_db::{Backend, Db};
use atende_domain::JobId;
use chrono::{Duration as ChronoDuration, Utc};
use std::collections::HashSet;
use std::time::Duration;

const LEASE: Duration = Duration::from_secs(300);

fn job_at(queue: &'static str, seconds_ago: i64) -> NewJob {
    NewJob {
        run_at: Some(Utc::now() - ChronoDuration::seconds(seconds_ago)),
        ..NewJob::new(queue, "test.batch", serde_json::json!({ "ago": seconds_ago }))
    }
}

async fn enqueue_all(db: &Db, batch: Vec<NewJob>) -> Vec<JobId> {
    let tx = db.platform_tx().await.unwrap();
    let ids = jobs::enqueue_many(&tx, batch).await.unwrap();
    tx.commit().await.unwrap();
    ids
}

async fn a_batch_claim_takes_the_oldest_due_jobs_of_its_queue_once(t: TestDb) {
    // Arrange: ten due webhooks jobs (oldest first: 100 s ago … 10 s ago), a due job of
    // another queue and a webhooks job scheduled later.
    let due = enqueue_all(&t.db, (1..=10).rev().map(|i| job_at(queue::WEBHOOKS, i * 10)).collect()).await;
    let other = enqueue_all(&t.db, vec![job_at(queue::OUTBOUND, 500)]).await;
    let later = enqueue_all(
        &t.db,
        vec![NewJob {
            run_at: Some(Utc::now() + ChronoDuration::hours(1)),
            ..NewJob::new(queue::WEBHOOKS, "test.later", serde_json::json!({}))
        }],
    )
    .await;

    // Act
    let first = jobs::claim_due(&t.db, queue::WEBHOOKS, "w1", LEASE, 4).await.unwrap();
    let second_db = t.connect_again().await;
    let (a, b) = tokio::join!(
        jobs::claim_due(&t.db, queue::WEBHOOKS, "w2", LEASE, 100),
        jobs::claim_due(&second_db, queue::WEBHOOKS, "w3", LEASE, 100),
    );
    let (a, b) = (a.unwrap(), b.unwrap());

    // Assert
    let ids = |v: &[atende_db::entities::jobs::Model]| v.iter().map(|j| JobId::from(j.id)).collect::<Vec<_>>();
    assert_eq!(ids(&first), due[..4].to_vec(), "the four oldest, oldest first");
    assert!(first.iter().all(|j| j.status == status::RUNNING && j.attempts == 1));
    assert!(first.iter().all(|j| j.locked_by.as_deref() == Some("w1")));
    let rest: HashSet<JobId> = ids(&a).into_iter().chain(ids(&b)).collect();
    assert_eq!(a.len() + b.len(), 6, "each remaining job claimed once");
    assert_eq!(rest, due[4..].iter().copied().collect());
    assert!(!rest.contains(&other[0]) && !rest.contains(&later[0]));
    assert_eq!(jobs::get(&t.db, later[0]).await.unwrap().status, status::QUEUED);
}

async fn renewal_keeps_the_jobs_in_hand_and_reports_those_taken_over(t: TestDb) {
    // Arrange: w1 holds two jobs on a lease that runs out at once.
    let ids = enqueue_all(&t.db, vec![job_at(queue::WEBHOOKS, 2), job_at(queue::WEBHOOKS, 1)]).await;
    let held = jobs::claim_due(&t.db, queue::WEBHOOKS, "w1", Duration::from_millis(1), 10)
        .await
        .unwrap();
    assert_eq!(held.len(), 2);
    tokio::time::sleep(Duration::from_millis(20)).await;

    // Act: w2 takes over one expired lease; then w1's heartbeat comes.
    let taken = jobs::claim_expired(&t.db, &[queue::WEBHOOKS], "w2", LEASE, 1)
        .await
        .unwrap();
    let kept = jobs::renew(&t.db, "w1", &ids, LEASE).await.unwrap();
    let not_mine = jobs::renew(&t.db, "w3", &ids, LEASE).await.unwrap();

    // Assert
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].attempts, 2, "a takeover charges an attempt");
    let lost = JobId::from(taken[0].id);
    assert_eq!(kept, ids.iter().copied().filter(|i| *i != lost).collect::<Vec<_>>());
    assert!(not_mine.is_empty());
    let renewed = jobs::get(&t.db, kept[0]).await.unwrap();
    assert!(renewed.locked_until.unwrap() > Utc::now() + ChronoDuration::seconds(200));
    assert!(
        jobs::claim_expired(&t.db, &[queue::WEBHOOKS], "w2", LEASE, 10)
            .await
            .unwrap()
            .is_empty(),
        "a renewed lease is not expired"
    );
}

async fn a_batch_of_outcomes_is_recorded_at_once_and_only_for_jobs_still_held(t: TestDb) {
    // Arrange
    let ids = enqueue_all(&t.db, (1..=4).rev().map(|i| job_at(queue::WEBHOOKS, i)).collect()).await;
    jobs::claim_due(&t.db, queue::WEBHOOKS, "w1", LEASE, 4).await.unwrap();
    let later = atende_db::repo::now() + ChronoDuration::minutes(5);

    // Act
    let held = jobs::finish_batch(
        &t.db,
        "w1",
        &[
            (ids[0], Outcome::Done),
            (
                ids[1],
                Outcome::Retry {
                    error: "provider 503".into(),
                    run_at: later,
                },
            ),
            (
                ids[2],
                Outcome::Bury {
                    error: "bad payload".into(),
                },
            ),
            (ids[3], Outcome::Done),
        ],
    )
    .await
    .unwrap();
    let again = jobs::finish_batch(&t.db, "w1", &[(ids[0], Outcome::Done)])
        .await
        .unwrap();

    // Assert
    assert_eq!(held, vec![true; 4]);
    assert_eq!(again, vec![false], "a finished job is no longer held");
    let rows: Vec<_> = futures_rows(&t.db, &ids).await;
    assert_eq!(rows[0].status, status::DONE);
    assert!(rows[0].finished_at.is_some() && rows[0].locked_by.is_none());
    assert_eq!((rows[1].status.as_str(), rows[1].run_at), (status::QUEUED, later));
    assert_eq!(rows[1].last_error.as_deref(), Some("provider 503"));
    assert_eq!(rows[2].status, status::DEAD);
    assert_eq!(rows[3].status, status::DONE);
}

async fn futures_rows(db: &Db, ids: &[JobId]) -> Vec<atende_db::entities::jobs::Model> {
    let mut out = Vec::new();
    for id in ids {
        out.push(jobs::get(db, *id).await.unwrap());
    }
    out
}

async fn the_next_wakeup_is_the_first_due_job_or_lease_end(t: TestDb) {
    // Arrange
    let queues = [queue::WEBHOOKS, queue::OUTBOUND];
    let empty = jobs::next_wakeup(&t.db, &queues).await.unwrap();
    let in_an_hour = atende_db::repo::now() + ChronoDuration::hours(1);
    let in_a_minute = atende_db::repo::now() + ChronoDuration::minutes(1);
    enqueue_all(
        &t.db,
        vec![
            NewJob {
                run_at: Some(in_an_hour),
                ..NewJob::new(queue::WEBHOOKS, "test.later", serde_json::json!({}))
            },
            NewJob {
                run_at: Some(in_a_minute),
                ..NewJob::new(queue::MAIL, "test.other-queue", serde_json::json!({}))
            },
        ],
    )
    .await;

    // Act
    let scheduled = jobs::next_wakeup(&t.db, &queues).await.unwrap();
    enqueue_all(&t.db, vec![job_at(queue::OUTBOUND, 1)]).await;
    let held = jobs::claim_due(&t.db, queue::OUTBOUND, "w", Duration::from_secs(30), 1)
        .await
        .unwrap();
    let leased = jobs::next_wakeup(&t.db, &queues).await.unwrap();

    // Assert
    assert_eq!(empty, None);
    assert_eq!(scheduled, Some(in_an_hour), "another queue's job does not count");
    assert_eq!(leased, held[0].locked_until, "a lease's end comes first");
}

async fn a_commit_that_enqueues_wakes_its_queue_and_a_rollback_does_not(t: TestDb) {
    // Arrange
    let wakeups = t.db.wakeups().clone();
    let mut listener = match t.backend() {
        Backend::Postgres => Some(Listener::connect(&t.url, jobs::wakeup::CHANNEL).await.unwrap()),
        Backend::Sqlite => None,
    };
    let before = wakeups.generation(queue::WEBHOOKS);

    // Act
    let rolled_back = t.db.platform_tx().await.unwrap();
    jobs::enqueue(&rolled_back, job_at(queue::WEBHOOKS, 0)).await.unwrap();
    drop(rolled_back);
    let after_rollback = wakeups.generation(queue::WEBHOOKS);
    let tx = t.db.platform_tx().await.unwrap();
    jobs::enqueue_many(&tx, vec![job_at(queue::WEBHOOKS, 0), job_at(queue::WEBHOOKS, 0)])
        .await
        .unwrap();
    let before_commit = wakeups.generation(queue::WEBHOOKS);
    tx.commit().await.unwrap();
    let after_commit = wakeups.generation(queue::WEBHOOKS);

    // Assert
    assert_eq!(after_rollback, before);
    assert_eq!(before_commit, before, "nothing is announced before the commit");
    assert_eq!(after_commit, before + 1, "one wake-up per commit, however many jobs");
    if let Some(l) = listener.as_mut() {
        let got = tokio::time::timeout(Duration::from_secs(20), l.recv())
            .await
            .expect("a notification within 20 s")
            .unwrap();
        assert!(
            matches!(&got, Received::Notification { payload, .. } if payload == queue::WEBHOOKS),
            "{got:?}"
        );
    }
}

both_engines!(
    a_batch_claim_takes_the_oldest_due_jobs_of_its_queue_once,
    renewal_keeps_the_jobs_in_hand_and_reports_those_taken_over,
    a_batch_of_outcomes_is_recorded_at_once_and_only_for_jobs_still_held,
    the_next_wakeup_is_the_first_due_job_or_lease_end,
    a_commit_that_enqueues_wakes_its_queue_and_a_rollback_does_not,
);
