//! Waking idle workers when a queue gets work, instead of having them poll.
//!
//! A transaction that enqueues a job notes the job's queue ([`crate::Scoped::note_enqueued`]);
//! when it commits, [`Wakeups::announce`] tells this process's workers at once (a counter per
//! queue plus a [`Notify`]) and, on PostgreSQL, every other process too: one
//! `pg_notify('atende_jobs', <queue>)` per commit, sent *after* the commit as a statement of its
//! own (a `pg_notify` inside the write transaction would serialize commits on the notification
//! queue's lock; DESIGN §5 measured 0.4–0.55× write throughput). Notifications of one queue are
//! coalesced: while one is in flight, further commits only mark that another is due, so a burst
//! of commits costs a few notifications, not one each. A worker process listens on
//! [`CHANNEL`] (see `atende_core::jobs`) and turns what it hears into [`Wakeups::wake`].
//!
//! Losing a wake-up costs latency, never a job: a notification can be lost (listener
//! reconnecting, process killed between commit and notify), so workers still look at the
//! queues on a slow timer and at the next scheduled `run_at` or lease expiry they know of.
//!
//! SQLite has no cross-process notifications: a separate `atende worker` process beside
//! `atende serve --no-worker` on one SQLite file is woken by its timer only.

use crate::db::Backend;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::Notify;

/// The notification channel job wake-ups travel on (payload: the queue's name).
pub const CHANNEL: &str = "atende_jobs";

/// One queue's wake-up state.
#[derive(Debug, Default)]
struct QueueSignal {
    /// Bumped on every wake-up; a worker compares it with what it saw before its last claim.
    generation: AtomicU64,
    /// A `pg_notify` for this queue is queued or being sent.
    notifying: AtomicBool,
}

/// Wake-ups of one process, shared by its [`crate::Db`] handles.
#[derive(Debug, Default)]
pub struct Wakeups {
    queues: Mutex<HashMap<String, Arc<QueueSignal>>>,
    notify: Notify,
}

impl Wakeups {
    fn signal(&self, queue: &str) -> Arc<QueueSignal> {
        let mut map = self.queues.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(s) = map.get(queue) {
            return s.clone();
        }
        let s = Arc::new(QueueSignal::default());
        map.insert(queue.to_owned(), s.clone());
        s
    }

    /// Tells this process's workers that `queue` may have work.
    pub fn wake(&self, queue: &str) {
        self.signal(queue).generation.fetch_add(1, Ordering::AcqRel);
        self.notify.notify_waiters();
    }

    /// Tells them every queue may have work (a listener reconnected: notifications were lost).
    pub fn wake_all(&self) {
        let signals: Vec<Arc<QueueSignal>> = self
            .queues
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .cloned()
            .collect();
        for s in signals {
            s.generation.fetch_add(1, Ordering::AcqRel);
        }
        self.notify.notify_waiters();
    }

    /// How many wake-ups `queue` has had. Read it *before* looking at the queue: if it has
    /// changed when the look found nothing, something was enqueued meanwhile.
    #[must_use]
    pub fn generation(&self, queue: &str) -> u64 {
        self.signal(queue).generation.load(Ordering::Acquire)
    }

    /// Resolves at the next wake-up of any queue. Create it (and `enable` it, or poll it once)
    /// before reading the generations, so a wake-up in between is not missed.
    pub fn notified(&self) -> tokio::sync::futures::Notified<'_> {
        self.notify.notified()
    }

    /// After a commit that enqueued into `queues`: wakes this process's workers and, on
    /// PostgreSQL, sends one notification per queue to the others (coalesced, in a task of its
    /// own: the committer does not wait for it).
    pub(crate) fn announce(self: &Arc<Self>, db: &crate::Db, queues: &[&'static str]) {
        for q in queues {
            self.wake(q);
            if db.backend() != Backend::Postgres {
                continue;
            }
            let signal = self.signal(q);
            if signal.notifying.swap(true, Ordering::AcqRel) {
                continue; // one is on its way; it will cover this commit too
            }
            let db = db.clone();
            let queue: &'static str = q;
            tokio::spawn(async move {
                // Cleared before sending: a commit after this point sends its own.
                signal.notifying.store(false, Ordering::Release);
                if let Err(e) = crate::notify::notify(&db, CHANNEL, queue).await {
                    tracing::debug!(queue, error = %e, "job wake-up notification not sent");
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_wake_up_bumps_its_queue_and_releases_waiters() {
        let w = Arc::new(Wakeups::default());
        let before = w.generation("webhooks");
        let waiter = {
            let w = w.clone();
            tokio::spawn(async move {
                let n = w.notified();
                tokio::pin!(n);
                n.as_mut().enable();
                n.await;
            })
        };
        tokio::task::yield_now().await;
        // The waiter may not have registered yet: wake until it has.
        while !waiter.is_finished() {
            w.wake("webhooks");
            tokio::task::yield_now().await;
        }
        assert!(w.generation("webhooks") > before);
        assert_eq!(w.generation("outbound"), 0);
        w.wake_all();
        assert_eq!(w.generation("outbound"), 1);
    }
}
