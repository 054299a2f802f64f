//! Postgres `LISTEN/NOTIFY` plumbing for the cross-node event bus (`atende-core::bus`), so the
//! crates above never import sqlx themselves.
//!
//! - [`notify`] / [`notify_all`]: `pg_notify` on the pool, as a statement of its own. Callers
//!   publish *after* their commit: a `pg_notify` inside every write transaction serializes
//!   commits on the notification queue lock (DESIGN §5 measured 0.4–0.55× write throughput).
//! - [`Listener`]: one dedicated connection that `LISTEN`s on one channel and reconnects (and
//!   re-`LISTEN`s) by itself when the connection drops; notifications sent while it was
//!   disconnected are lost, and [`Received::Reconnected`] says so.
//!
//! Payloads are text shorter than [`MAX_PAYLOAD`] + 1 bytes (Postgres' default limit is "shorter
//! than 8000 bytes"); splitting a larger message into several notifications is the caller's job.

use crate::db::{Backend, Db};
use crate::error::DbError;
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, RuntimeErr, Statement};
use std::sync::Arc;

/// The largest payload one notification may carry, in bytes (Postgres rejects 8000 and more).
pub const MAX_PAYLOAD: usize = 7999;

/// Sends one notification on `channel`.
///
/// # Errors
/// Not Postgres, a payload longer than [`MAX_PAYLOAD`], or the database is unreachable.
pub async fn notify(db: &Db, channel: &str, payload: &str) -> Result<(), DbError> {
    check(db, std::slice::from_ref(&payload))?;
    db.raw()
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [channel.into(), payload.into()],
        ))
        .await?;
    Ok(())
}

/// Sends several notifications on `channel` in one statement (one round trip, one implicit
/// transaction): listeners receive all of them, in this order, or none.
///
/// # Errors
/// Not Postgres, a payload longer than [`MAX_PAYLOAD`], or the database is unreachable.
pub async fn notify_all<S: AsRef<str>>(db: &Db, channel: &str, payloads: &[S]) -> Result<(), DbError> {
    match payloads {
        [] => Ok(()),
        [one] => notify(db, channel, one.as_ref()).await,
        many => {
            check(db, many)?;
            let list: Vec<&str> = many.iter().map(AsRef::as_ref).collect();
            let list = serde_json::to_string(&list).map_err(|e| other(e.to_string()))?;
            // A set-returning function yields its rows in array order, so the notifications
            // are queued (and delivered) in that order.
            db.raw()
                .execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT pg_notify($1, p) FROM json_array_elements_text($2::json) AS p",
                    [channel.into(), list.into()],
                ))
                .await?;
            Ok(())
        }
    }
}

fn check<S: AsRef<str>>(db: &Db, payloads: &[S]) -> Result<(), DbError> {
    if db.backend() != Backend::Postgres {
        return Err(other("LISTEN/NOTIFY exists only on PostgreSQL".into()));
    }
    if let Some(p) = payloads.iter().find(|p| p.as_ref().len() > MAX_PAYLOAD) {
        return Err(other(format!(
            "notification payload of {} bytes exceeds {MAX_PAYLOAD}",
            p.as_ref().len()
        )));
    }
    Ok(())
}

fn other(msg: String) -> DbError {
    DbError::Other(DbErr::Custom(msg))
}

fn sqlx_err(e: sea_orm::sqlx::Error) -> DbError {
    DbError::Other(DbErr::Conn(RuntimeErr::SqlxError(Arc::new(e))))
}

/// What [`Listener::recv`] got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Received {
    /// A notification on the channel.
    Notification {
        payload: String,
        /// The backend that sent it (informational).
        sender_pid: u32,
    },
    /// The connection was lost and is open again (and listening); anything notified in between
    /// is gone.
    Reconnected,
}

/// A dedicated connection listening on one channel.
pub struct Listener {
    inner: PgListener,
    channel: String,
}

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listener")
            .field("channel", &self.channel)
            .finish_non_exhaustive()
    }
}

impl Listener {
    /// Opens a connection to `url` (its own, outside the pool) and `LISTEN`s on `channel`. When
    /// this returns, every notification committed from now on is received.
    ///
    /// # Errors
    /// Not a Postgres URL, or the server is unreachable.
    pub async fn connect(url: &str, channel: &str) -> Result<Self, DbError> {
        if crate::db::backend_of(url) != Some(Backend::Postgres) {
            return Err(other("LISTEN/NOTIFY exists only on PostgreSQL".into()));
        }
        let mut inner = PgListener::connect(url).await.map_err(sqlx_err)?;
        // Reconnect inside `try_recv` before reporting the loss, so nothing sent after the
        // `Reconnected` we return can be missed.
        inner.eager_reconnect(true);
        inner.listen(channel).await.map_err(sqlx_err)?;
        Ok(Self {
            inner,
            channel: channel.to_owned(),
        })
    }

    #[must_use]
    pub fn channel(&self) -> &str {
        &self.channel
    }

    /// Waits for the next notification. A dropped connection is re-opened here and reported as
    /// [`Received::Reconnected`].
    ///
    /// # Errors
    /// The connection failed in a way the driver does not retry (a protocol error, or the
    /// server refusing the reconnection). The listener may still recover on a later call, but
    /// the safe reaction is to drop it and [`Listener::connect`] again after a pause.
    pub async fn recv(&mut self) -> Result<Received, DbError> {
        match self.inner.try_recv().await.map_err(sqlx_err)? {
            Some(n) => Ok(Received::Notification {
                payload: n.payload().to_owned(),
                sender_pid: n.process_id(),
            }),
            None => Ok(Received::Reconnected),
        }
    }
}
