//! The durable job queue: claims are exclusive, leases expire, failures retry or go to the
//! dead letter.

use crate::fixtures;
use crate::harness::TestDb;
use atende_db::jobs::{self, NewJob, queue, status};
use atende_db::sea_orm::{ConnectionTrait, DbBackend, Statement};
use atende_db::{Backend, Db, DbError, Scoped};
use atende_domain::JobId;
use chrono::{Duration as ChronoDuration, Utc};
use std::collections::HashSet;
use std::time::Duration;

const LEASE: Duration = Duration::from_secs(300);

async fn enqueue_one(db: &Db, job: NewJob) -> JobId {
    let tx = db.platform_tx().await.unwrap();
    let id = jobs::enqueue(&tx, job).await.unwrap();
    tx.commit().await.unwrap();
    id
}

fn job(kind: &'static str) -> NewJob {
    NewJob::new(queue::DEFAULT, kind, serde_json::json!({ "n": 1 }))
}

/// Claims and completes until the queue is empty; returns the ids this worker ran.
async fn drain(db: Db, worker: &'static str) -> Vec<JobId> {
    let mut ran = Vec::new();
    while let Some(j) = jobs::claim(&db, &[queue::DEFAULT], worker, LEASE).await.unwrap() {
        let id = JobId::from(j.id);
        assert_eq!(j.locked_by.as_deref(), Some(worker));
        assert_eq!(j.status, status::RUNNING);
        ran.push(id);
        assert!(
            jobs::complete(&db, id, worker).await.unwrap(),
            "{worker} still held {id}"
        );
    }
    ran
}

async fn two_workers_claim_every_job_exactly_once(t: TestDb) {
    // Arrange
    const N: usize = 60;
    let tx = t.db.platform_tx().await.unwrap();
    let mut enqueued = HashSet::new();
    for i in 0..N {
        let id = jobs::enqueue(
            &tx,
            NewJob::new(queue::DEFAULT, "test.count", serde_json::json!({ "i": i })),
        )
        .await
        .unwrap();
        enqueued.insert(id);
    }
    tx.commit().await.unwrap();
    let first = t.connect_again().await;
    let second = t.connect_again().await;

    // Act
    let w1 = tokio::spawn(drain(first, "worker-1"));
    let w2 = tokio::spawn(drain(second, "worker-2"));
    let (ran1, ran2) = (w1.await.unwrap(), w2.await.unwrap());

    // Assert
    let all: Vec<JobId> = ran1.iter().chain(ran2.iter()).copied().collect();
    let distinct: HashSet<JobId> = all.iter().copied().collect();
    assert_eq!(
        all.len(),
        N,
        "no job claimed twice (worker-1 ran {}, worker-2 ran {})",
        ran1.len(),
        ran2.len()
    );
    assert_eq!(distinct, enqueued, "every job claimed");
    for id in &enqueued {
        let row = jobs::get(&t.db, *id).await.unwrap();
        assert_eq!(row.status, status::DONE);
        assert_eq!(row.attempts, 1);
        assert!(row.locked_by.is_none() && row.locked_until.is_none());
        assert!(row.finished_at.is_some());
    }
    assert_eq!(jobs::stats(&t.db, queue::DEFAULT).await.unwrap().depth, 0);
}

async fn claim_takes_only_due_jobs_of_the_asked_queues(t: TestDb) {
    // Arrange
    let later = enqueue_one(
        &t.db,
        NewJob {
            run_at: Some(Utc::now() + ChronoDuration::hours(1)),
            ..job("test.later")
        },
    )
    .await;
    let outbound = enqueue_one(&t.db, NewJob::new(queue::OUTBOUND, "test.send", serde_json::json!({}))).await;

    // Act
    let from_default = jobs::claim(&t.db, &[queue::DEFAULT], "w", LEASE).await.unwrap();
    let from_none = jobs::claim(&t.db, &[], "w", LEASE).await.unwrap();
    let from_both = jobs::claim(&t.db, &[queue::DEFAULT, queue::OUTBOUND], "w", LEASE)
        .await
        .unwrap();

    // Assert
    assert!(from_default.is_none(), "a job scheduled for later is not due");
    assert!(from_none.is_none());
    assert_eq!(from_both.map(|j| j.id), Some(outbound.uuid()));
    assert_eq!(jobs::get(&t.db, later).await.unwrap().status, status::QUEUED);
}

async fn a_failing_job_is_retried_later_and_then_buried(t: TestDb) {
    // Arrange
    let id = enqueue_one(
        &t.db,
        NewJob {
            max_attempts: 2,
            ..job("test.flaky")
        },
    )
    .await;
    let claimed = jobs::claim(&t.db, &[queue::DEFAULT], "w", LEASE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, id.uuid());
    let retry_at = atende_db::repo::now() + ChronoDuration::hours(1);

    // Act: the first attempt fails and is scheduled an hour later.
    let retried = jobs::retry(&t.db, id, "w", "timeout talking to provider", retry_at)
        .await
        .unwrap();
    let before_run_at = jobs::claim(&t.db, &[queue::DEFAULT], "w", LEASE).await.unwrap();
    let after_retry = jobs::get(&t.db, id).await.unwrap();

    // Assert
    assert!(retried);
    assert!(before_run_at.is_none(), "not claimable before its run_at");
    assert_eq!(after_retry.status, status::QUEUED);
    assert_eq!(after_retry.run_at, retry_at);
    assert!(after_retry.run_at > claimed.run_at);
    assert_eq!(after_retry.attempts, 1);
    assert_eq!(after_retry.last_error.as_deref(), Some("timeout talking to provider"));
    assert!(after_retry.locked_by.is_none());

    // Arrange: time passes (the schedule is moved into the past instead of sleeping an hour).
    let tx = t.db.platform_tx().await.unwrap();
    let moved = tx
        .conn()
        .execute_raw(Statement::from_sql_and_values(
            match t.backend() {
                Backend::Sqlite => DbBackend::Sqlite,
                Backend::Postgres => DbBackend::Postgres,
            },
            match t.backend() {
                Backend::Sqlite => "UPDATE jobs SET run_at = ?1 WHERE id = ?2",
                Backend::Postgres => "UPDATE jobs SET run_at = $1 WHERE id = $2",
            },
            [(Utc::now() - ChronoDuration::seconds(1)).into(), id.uuid().into()],
        ))
        .await
        .unwrap();
    assert_eq!(moved.rows_affected(), 1);
    tx.commit().await.unwrap();

    // Act: the second attempt is claimed and fails for good.
    let second = jobs::claim(&t.db, &[queue::DEFAULT], "w", LEASE)
        .await
        .unwrap()
        .unwrap();
    let buried = jobs::bury(&t.db, id, "w", "provider said no").await.unwrap();
    let dead = jobs::get(&t.db, id).await.unwrap();
    let after_bury = jobs::claim(&t.db, &[queue::DEFAULT], "w", LEASE).await.unwrap();

    // Assert
    assert_eq!(second.id, id.uuid());
    assert_eq!(second.attempts, 2);
    assert!(buried);
    assert_eq!(dead.status, status::DEAD);
    assert_eq!(dead.last_error.as_deref(), Some("provider said no"));
    assert!(dead.finished_at.is_some());
    assert!(dead.locked_by.is_none());
    assert!(after_bury.is_none(), "a dead job is never claimed");
}

async fn an_expired_lease_is_claimed_again_and_the_old_worker_cannot_complete(t: TestDb) {
    // Arrange
    let id = enqueue_one(&t.db, job("test.slow")).await;
    let other = t.connect_again().await;
    let first = jobs::claim(&t.db, &[queue::DEFAULT], "dying", Duration::from_millis(1))
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;

    // Act
    let second = jobs::claim(&other, &[queue::DEFAULT], "healthy", LEASE).await.unwrap();
    let stale_complete = jobs::complete(&t.db, id, "dying").await.unwrap();
    let stale_retry = jobs::retry(&t.db, id, "dying", "late", Utc::now()).await.unwrap();
    let fresh_complete = jobs::complete(&other, id, "healthy").await.unwrap();

    // Assert
    assert_eq!(first.id, id.uuid());
    let second = second.expect("the expired lease makes the job due again");
    assert_eq!(second.id, id.uuid());
    assert_eq!(second.locked_by.as_deref(), Some("healthy"));
    assert_eq!(second.attempts, 2);
    assert!(!stale_complete, "the first worker lost the job");
    assert!(!stale_retry);
    assert!(fresh_complete);
    assert_eq!(jobs::get(&t.db, id).await.unwrap().status, status::DONE);
}

async fn a_live_lease_is_not_claimed_by_another_worker(t: TestDb) {
    // Arrange
    enqueue_one(&t.db, job("test.busy")).await;
    jobs::claim(&t.db, &[queue::DEFAULT], "holder", LEASE)
        .await
        .unwrap()
        .unwrap();

    // Act
    let other = jobs::claim(&t.db, &[queue::DEFAULT], "other", LEASE).await.unwrap();

    // Assert
    assert!(other.is_none());
}

async fn release_worker_requeues_its_running_jobs_and_restores_attempts(t: TestDb) {
    // Arrange
    let mine_a = enqueue_one(&t.db, job("test.a")).await;
    let mine_b = enqueue_one(&t.db, job("test.b")).await;
    let theirs = enqueue_one(&t.db, job("test.c")).await;
    let mut claimed = HashSet::new();
    for _ in 0..2 {
        claimed.insert(JobId::from(
            jobs::claim(&t.db, &[queue::DEFAULT], "leaving", LEASE)
                .await
                .unwrap()
                .unwrap()
                .id,
        ));
    }
    let other = jobs::claim(&t.db, &[queue::DEFAULT], "staying", LEASE)
        .await
        .unwrap()
        .unwrap();

    // Act
    let released = jobs::release_worker(&t.db, "leaving").await.unwrap();

    // Assert
    assert_eq!(claimed, HashSet::from([mine_a, mine_b]));
    assert_eq!(other.id, theirs.uuid());
    assert_eq!(released, 2);
    for id in [mine_a, mine_b] {
        let row = jobs::get(&t.db, id).await.unwrap();
        assert_eq!(row.status, status::QUEUED);
        assert_eq!(row.attempts, 0, "the interrupted attempt is not charged");
        assert!(row.locked_by.is_none() && row.locked_until.is_none());
    }
    let row = jobs::get(&t.db, theirs).await.unwrap();
    assert_eq!((row.status.as_str(), row.attempts), (status::RUNNING, 1));
    assert_eq!(jobs::stats(&t.db, queue::DEFAULT).await.unwrap().depth, 2);
    let again = jobs::claim(&t.db, &[queue::DEFAULT], "next", LEASE)
        .await
        .unwrap()
        .unwrap();
    assert!(again.id == mine_a.uuid() || again.id == mine_b.uuid());
    assert_eq!(again.attempts, 1);
}

async fn a_duplicate_dedupe_key_conflicts(t: TestDb) {
    // Arrange
    let keyed = || NewJob {
        dedupe_key: Some("sla-check:conv-1".into()),
        ..job("test.sla")
    };
    enqueue_one(&t.db, keyed()).await;

    // Act
    let tx = t.db.platform_tx().await.unwrap();
    let again = jobs::enqueue(&tx, keyed()).await;
    drop(tx);

    // Assert
    assert!(
        matches!(&again, Err(DbError::Conflict { field }) if field == "dedupe_key"),
        "got {again:?}"
    );
    assert_eq!(jobs::stats(&t.db, queue::DEFAULT).await.unwrap().depth, 1);
}

async fn a_job_enqueued_in_a_tenant_tx_belongs_to_that_tenant(t: TestDb) {
    // Arrange
    let a = fixtures::tenant(&t.db, "a").await;
    let b = fixtures::tenant(&t.db, "b").await;

    // Act
    let tx = t.db.tenant_tx(a).await.unwrap();
    let claimed_for_b = jobs::enqueue(
        &tx,
        NewJob {
            tenant_id: Some(b),
            ..job("test.tenant")
        },
    )
    .await
    .unwrap();
    let unassigned = jobs::enqueue(&tx, job("test.tenant")).await.unwrap();
    tx.commit().await.unwrap();
    let platform = enqueue_one(
        &t.db,
        NewJob {
            tenant_id: Some(b),
            ..job("test.platform")
        },
    )
    .await;
    let global = enqueue_one(&t.db, job("test.global")).await;

    // Assert
    assert_eq!(jobs::get(&t.db, claimed_for_b).await.unwrap().tenant_id, Some(a.uuid()));
    assert_eq!(jobs::get(&t.db, unassigned).await.unwrap().tenant_id, Some(a.uuid()));
    assert_eq!(jobs::get(&t.db, platform).await.unwrap().tenant_id, Some(b.uuid()));
    assert_eq!(jobs::get(&t.db, global).await.unwrap().tenant_id, None);
}

async fn a_job_enqueued_in_a_rolled_back_tx_never_exists(t: TestDb) {
    // Arrange
    let a = fixtures::tenant(&t.db, "a").await;
    let tx = t.db.tenant_tx(a).await.unwrap();
    let id = jobs::enqueue(&tx, job("test.rollback")).await.unwrap();

    // Act
    drop(tx);

    // Assert
    assert!(matches!(jobs::get(&t.db, id).await, Err(DbError::NotFound)));
    assert!(
        jobs::claim(&t.db, &[queue::DEFAULT], "w", LEASE)
            .await
            .unwrap()
            .is_none()
    );
}

both_engines!(
    two_workers_claim_every_job_exactly_once,
    claim_takes_only_due_jobs_of_the_asked_queues,
    a_failing_job_is_retried_later_and_then_buried,
    an_expired_lease_is_claimed_again_and_the_old_worker_cannot_complete,
    a_live_lease_is_not_claimed_by_another_worker,
    release_worker_requeues_its_running_jobs_and_restores_attempts,
    a_duplicate_dedupe_key_conflicts,
    a_job_enqueued_in_a_tenant_tx_belongs_to_that_tenant,
    a_job_enqueued_in_a_rolled_back_tx_never_exists,
);
