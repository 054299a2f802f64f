//! The worker against a real database: batches, takeovers after a crash, wake-ups.

use super::{JobError, JobHandler, Registry, Worker, WorkerConfig};
use crate::{Core, CoreConfig};
use async_trait::async_trait;
use atende_db::entities::jobs::Model as Job;
use atende_db::jobs::{self, NewJob, queue, status};
use atende_db::testing::TestDb;
use atende_domain::JobId;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const KIND: &str = "test.note";

/// Records the size of every batch it is handed, and succeeds.
#[derive(Default)]
struct Notes(Mutex<Vec<usize>>);

#[async_trait]
impl JobHandler for Notes {
    async fn run(&self, core: &Core, job: &Job) -> Result<(), JobError> {
        self.run_batch(core, std::slice::from_ref(job)).await.remove(0)
    }

    async fn run_batch(&self, _core: &Core, jobs: &[Job]) -> Vec<Result<(), JobError>> {
        self.0.lock().unwrap().push(jobs.len());
        jobs.iter().map(|_| Ok(())).collect()
    }
}

fn core(db: &atende_db::Db) -> Core {
    let keys = crate::crypto::Keys::from_secret(&[7u8; 32]).unwrap();
    Core::new(
        db.clone(),
        keys,
        Arc::new(crate::mail::LogMailer),
        CoreConfig::default(),
    )
    .unwrap()
}

fn worker(core: &Core, notes: &Arc<Notes>, config: WorkerConfig) -> Worker {
    let mut registry = Registry::default();
    registry.register(KIND, notes.clone());
    Worker::new(core.clone(), registry, config)
}

async fn enqueue(db: &atende_db::Db, n: usize, max_attempts: i32) -> Vec<JobId> {
    let tx = db.platform_tx().await.unwrap();
    let batch = (0..n)
        .map(|i| NewJob {
            max_attempts,
            ..NewJob::new(queue::WEBHOOKS, KIND, serde_json::json!({ "i": i }))
        })
        .collect();
    let ids = jobs::enqueue_many(&tx, batch).await.unwrap();
    tx.commit().await.unwrap();
    ids
}

/// A worker claims the jobs and dies holding them (its lease runs out), `times` times over.
async fn die_holding(db: &atende_db::Db, times: usize) {
    for i in 0..times {
        let name = format!("dead-{i}");
        let lease = Duration::from_millis(1);
        if i == 0 {
            jobs::claim_due(db, queue::WEBHOOKS, &name, lease, 100).await.unwrap();
        } else {
            jobs::claim_expired(db, &[queue::WEBHOOKS], &name, lease, 100)
                .await
                .unwrap();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn statuses(db: &atende_db::Db, ids: &[JobId]) -> Vec<String> {
    let mut out = Vec::new();
    for id in ids {
        out.push(jobs::get(db, *id).await.unwrap().status);
    }
    out
}

async fn takeover_after_one_crash_is_a_batch_and_after_two_runs_alone(t: TestDb) {
    let core = core(&t.db);
    let notes = Arc::new(Notes::default());

    // Once: the dead worker's three jobs are taken over together.
    let once = enqueue(&t.db, 3, 8).await;
    die_holding(&t.db, 1).await;
    worker(&core, &notes, WorkerConfig::default()).drain().await.unwrap();
    assert_eq!(*notes.0.lock().unwrap(), vec![3]);
    assert_eq!(statuses(&t.db, &once).await, vec![status::DONE; 3]);

    // Twice: each runs alone (one of them may be what kills the worker).
    notes.0.lock().unwrap().clear();
    let twice = enqueue(&t.db, 2, 8).await;
    die_holding(&t.db, 2).await;
    worker(&core, &notes, WorkerConfig::default()).drain().await.unwrap();
    assert_eq!(*notes.0.lock().unwrap(), vec![1, 1]);
    assert_eq!(statuses(&t.db, &twice).await, vec![status::DONE; 2]);
}

async fn a_job_that_keeps_killing_its_worker_ends_in_the_dead_letter_unrun(t: TestDb) {
    let core = core(&t.db);
    let notes = Arc::new(Notes::default());
    let ids = enqueue(&t.db, 1, 2).await;

    // Claimed three times, each time its worker died: past its two attempts.
    die_holding(&t.db, 3).await;
    worker(&core, &notes, WorkerConfig::default()).drain().await.unwrap();

    let job = jobs::get(&t.db, ids[0]).await.unwrap();
    assert_eq!(job.status, status::DEAD);
    assert!(job.last_error.unwrap_or_default().contains("worker stopped"));
    assert!(notes.0.lock().unwrap().is_empty(), "it is not run again");
}

/// A worker whose fallback poll is an hour: only a wake-up (or a timer it set itself) makes it
/// look at the queue during this test.
fn sleepy(listen_url: Option<String>) -> WorkerConfig {
    WorkerConfig {
        idle_poll: Duration::from_secs(3600),
        listen_url,
        ..WorkerConfig::default()
    }
}

async fn wait_done(db: &atende_db::Db, ids: &[JobId]) {
    for _ in 0..400 {
        if statuses(db, ids).await.iter().all(|s| s == status::DONE) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("not done within 20 s: {:?}", statuses(db, ids).await);
}

async fn an_idle_worker_is_woken_by_a_commit_and_by_its_own_timer(t: TestDb) {
    // A second pool stands for another process: on PostgreSQL only LISTEN/NOTIFY reaches the
    // worker from it; on SQLite the same pool's in-process wake-up does.
    let (producer, listen) = match t.backend() {
        atende_db::Backend::Postgres => (t.connect_again().await, Some(t.url.clone())),
        atende_db::Backend::Sqlite => (t.db.clone(), None),
    };
    let core = core(&t.db);
    let notes = Arc::new(Notes::default());
    let stop = CancellationToken::new();
    let running = tokio::spawn(worker(&core, &notes, sleepy(listen)).run(stop.clone()));
    tokio::time::sleep(Duration::from_millis(300)).await; // idle by now

    let woken = enqueue(&producer, 2, 8).await;
    wait_done(&t.db, &woken).await;

    // A job due a moment from now: the worker's timer (the next run_at), not a poll.
    let tx = producer.platform_tx().await.unwrap();
    let later = jobs::enqueue(
        &tx,
        NewJob {
            run_at: Some(atende_db::repo::now() + chrono::Duration::milliseconds(300)),
            ..NewJob::new(queue::WEBHOOKS, KIND, serde_json::json!({ "later": true }))
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    wait_done(&t.db, &[later]).await;

    stop.cancel();
    running.await.unwrap();
}

macro_rules! both_engines {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(atende_db::testing::TestDb::sqlite().await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(t) = atende_db::testing::TestDb::postgres().await else { return };
                super::$name(t).await;
            }
        }
    )*};
}

both_engines!(
    takeover_after_one_crash_is_a_batch_and_after_two_runs_alone,
    a_job_that_keeps_killing_its_worker_ends_in_the_dead_letter_unrun,
    an_idle_worker_is_woken_by_a_commit_and_by_its_own_timer,
);
