//! The connection pool and the two kinds of transaction.

use crate::error::DbError;
use crate::jobs::wakeup::Wakeups;
use crate::migration::Migrator;
use atende_domain::TenantId;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// Which engine the URL chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Pool settings.
#[derive(Clone, Debug)]
pub struct DbOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

/// The database: a pool plus its backend, and the job wake-ups of this process.
#[derive(Clone, Debug)]
pub struct Db {
    conn: DatabaseConnection,
    backend: Backend,
    wakeups: Arc<Wakeups>,
}

/// The backend a URL selects, or `None` for an unsupported scheme.
#[must_use]
pub fn backend_of(url: &str) -> Option<Backend> {
    if url.starts_with("sqlite:") {
        Some(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Some(Backend::Postgres)
    } else {
        None
    }
}

impl Db {
    /// Connects to `url` (`sqlite://path`, `sqlite::memory:`, `postgres://…`). A SQLite file is
    /// created if missing and opened in WAL mode with `foreign_keys=ON` and a busy timeout, so
    /// readers never block the writer and writers queue instead of failing.
    ///
    /// # Errors
    /// An unsupported scheme or an unreachable server.
    pub async fn connect(url: &str, opts: &DbOptions) -> Result<Self, DbError> {
        let backend = backend_of(url).ok_or_else(|| {
            DbError::Other(sea_orm::DbErr::Custom(format!(
                "unsupported database URL scheme (use sqlite:// or postgres://): {}",
                url.split(':').next().unwrap_or_default()
            )))
        })?;
        let mut co = ConnectOptions::new(url.to_owned());
        co.max_connections(opts.max_connections)
            .min_connections(1)
            .acquire_timeout(opts.acquire_timeout)
            .sqlx_logging(false);
        if backend == Backend::Sqlite {
            co.map_sqlx_sqlite_opts(|o: SqliteConnectOptions| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
            });
            if url.contains(":memory:") {
                // Every pooled connection would open its own empty in-memory database.
                co.max_connections(1);
            }
        }
        if backend == Backend::Postgres {
            // Every execution is planned for its values and the tables as they are now
            // (`plan_cache_mode = force_custom_plan`, sent in the startup packet). sqlx keeps
            // its prepared statements per pooled connection, and by default PostgreSQL switches
            // a statement to a cached *generic* plan after five executions, which nothing plans
            // again while a table is never analysed (autovacuum off, a fresh restore). A generic
            // plan made while `messages` was nearly empty looked up provider ids through
            // `ix_messages__conversation` with only `tenant_id` as its condition (a tie in cost,
            // at that size, with the unique index), then read every message of the tenant on
            // each webhook (bench/README.md, bench/ingest). The price is planning on every
            // execution: 0.06-0.17 ms a statement in bench/inbox's EXPLAINs at 20 M messages;
            // parsing is still done once per connection. `tests/db/plans.rs` checks both.
            co.map_sqlx_postgres_opts(|o: sea_orm::sqlx::postgres::PgConnectOptions| {
                o.options([("plan_cache_mode", "force_custom_plan")])
            });
        }
        let conn = Database::connect(co).await?;
        Ok(Self {
            conn,
            backend,
            wakeups: Arc::new(Wakeups::default()),
        })
    }

    /// The job wake-ups of this process (see [`crate::jobs::wakeup`]): every `Db` cloned from
    /// this one shares them.
    #[must_use]
    pub fn wakeups(&self) -> &Arc<Wakeups> {
        &self.wakeups
    }

    #[must_use]
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The raw pool, for health checks and migrations only. Tenant data goes through
    /// [`Db::tenant_tx`].
    #[must_use]
    pub fn raw(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// Applies every pending migration (run as the schema owner).
    ///
    /// # Errors
    /// A failed migration.
    pub async fn migrate(&self) -> Result<(), DbError> {
        Migrator::up(&self.conn, None).await?;
        Ok(())
    }

    /// How many migrations are still to apply (0 when the schema is current). Read-only: it
    /// never creates the migrations table, so the application role (no DDL rights) may ask.
    ///
    /// # Errors
    /// The database is unreachable.
    pub async fn pending_migrations(&self) -> Result<usize, DbError> {
        Ok(Migrator::get_pending_migrations_read_only(&self.conn).await?.len())
    }

    /// `SELECT 1`.
    ///
    /// # Errors
    /// The database is unreachable.
    pub async fn ping(&self) -> Result<(), DbError> {
        self.conn.execute_unprepared("SELECT 1").await?;
        Ok(())
    }

    async fn begin(&self) -> Result<DatabaseTransaction, DbError> {
        // SQLite: take the write lock at BEGIN, so two writers queue on the busy timeout instead
        // of one failing with SQLITE_BUSY when it upgrades a read snapshot to a write.
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        };
        Ok(self.conn.begin_with_options(options).await?)
    }

    /// A transaction scoped to one tenant.
    ///
    /// # Errors
    /// The database is unreachable.
    pub async fn tenant_tx(&self, tenant_id: TenantId) -> Result<TenantTx, DbError> {
        let tx = self.begin().await?;
        if self.backend == Backend::Postgres {
            tx.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT set_config('app.tenant_id', $1, true)",
                [tenant_id.to_string().into()],
            ))
            .await?;
        }
        Ok(TenantTx {
            tx,
            tenant_id,
            hooks: CommitHooks::new(self),
        })
    }

    /// A transaction that may cross tenants: sign-in lookups, super-admin work, the job
    /// claimer. Keep its uses few and obvious.
    ///
    /// # Errors
    /// The database is unreachable.
    pub async fn platform_tx(&self) -> Result<PlatformTx, DbError> {
        let tx = self.begin().await?;
        if self.backend == Backend::Postgres {
            tx.execute_unprepared("SELECT set_config('app.scope', 'platform', true)")
                .await?;
        }
        Ok(PlatformTx {
            tx,
            hooks: CommitHooks::new(self),
        })
    }

    /// Creates (or updates) the application role on Postgres: it may log in and read and write
    /// every table, is neither owner nor `BYPASSRLS` — so row-level security binds it — and may
    /// only insert into and read `audit_logs`. Run as the schema owner after migrating.
    ///
    /// # Errors
    /// Not Postgres, an invalid role name, or missing privileges.
    pub async fn create_app_role(&self, role: &str, password: Option<&str>) -> Result<(), DbError> {
        if self.backend != Backend::Postgres {
            return Err(DbError::Other(sea_orm::DbErr::Custom(
                "the application role exists only on PostgreSQL".into(),
            )));
        }
        let valid = !role.is_empty()
            && role.len() <= 63
            && role
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !role.starts_with(|c: char| c.is_ascii_digit());
        if !valid {
            return Err(DbError::Other(sea_orm::DbErr::Custom(format!(
                "invalid role name: {role}"
            ))));
        }
        let password_sql = match password {
            Some(p) => format!(" PASSWORD '{}'", p.replace('\'', "''")),
            None => String::new(),
        };
        let sql = format!(
            "DO $$ BEGIN
               CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
             ALTER ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS{password_sql};
             GRANT USAGE ON SCHEMA public TO {role};
             GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
             REVOKE UPDATE, DELETE, TRUNCATE ON audit_logs FROM {role};
             REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON seaql_migrations FROM {role};"
        );
        self.conn.execute_unprepared(&sql).await?;
        let dbname = self
            .conn
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT current_database() AS d",
            ))
            .await?
            .and_then(|r| r.try_get::<String>("", "d").ok())
            .unwrap_or_default();
        self.conn
            .execute_unprepared(&format!(
                "GRANT CONNECT ON DATABASE \"{}\" TO {role}",
                dbname.replace('"', "")
            ))
            .await?;
        Ok(())
    }
}

/// What a transaction does after it commits: wake the workers of the queues it enqueued into.
struct CommitHooks {
    db: Db,
    enqueued: Mutex<Vec<&'static str>>,
}

impl CommitHooks {
    fn new(db: &Db) -> Self {
        Self {
            db: db.clone(),
            enqueued: Mutex::new(Vec::new()),
        }
    }

    fn note(&self, queue: &'static str) {
        let mut q = self.enqueued.lock().unwrap_or_else(PoisonError::into_inner);
        if !q.contains(&queue) {
            q.push(queue);
        }
    }

    fn committed(self) {
        let queues = self.enqueued.into_inner().unwrap_or_else(PoisonError::into_inner);
        if !queues.is_empty() {
            self.db.wakeups.announce(&self.db, &queues);
        }
    }
}

/// A transaction inside one tenant. Repositories read its tenant id; there is no other way in.
pub struct TenantTx {
    tx: DatabaseTransaction,
    tenant_id: TenantId,
    hooks: CommitHooks,
}

/// A transaction that may cross tenants (see [`Db::platform_tx`]).
pub struct PlatformTx {
    tx: DatabaseTransaction,
    hooks: CommitHooks,
}

/// Something that holds an open transaction: both kinds do, so helpers that are not about
/// tenant data (audit rows, jobs) accept either.
pub trait Scoped: Send + Sync {
    fn conn(&self) -> &DatabaseTransaction;
    /// The tenant this transaction is bound to, if any.
    fn scope_tenant(&self) -> Option<TenantId>;
    /// A job was enqueued on `queue` in this transaction: its workers are woken once it commits
    /// (never before, and not at all if it rolls back).
    fn note_enqueued(&self, queue: &'static str);
}

impl TenantTx {
    #[must_use]
    pub fn tenant_id(&self) -> TenantId {
        self.tenant_id
    }

    /// The engine this transaction runs on (for the few statements written per engine).
    #[must_use]
    pub fn backend(&self) -> Backend {
        self.hooks.db.backend
    }

    /// Serialises this transaction with every other one taking the same `purpose` lock in the
    /// same tenant, until commit or rollback (Postgres `pg_advisory_xact_lock`). For checks that
    /// read then write across rows, like "keep at least one admin", which READ COMMITTED alone
    /// would let two transactions pass at once. On SQLite every write transaction already holds
    /// the database's single write lock from `BEGIN IMMEDIATE`.
    ///
    /// # Errors
    /// Database failure.
    pub async fn lock(&self, purpose: &str) -> Result<(), DbError> {
        if self.tx.get_database_backend() == DbBackend::Postgres {
            self.tx
                .execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                    [format!("{}:{purpose}", self.tenant_id).into()],
                ))
                .await?;
        }
        Ok(())
    }

    /// [`TenantTx::lock`] for several purposes at once, in one statement, taken in a fixed
    /// order (by their hash) so that two transactions locking overlapping sets never deadlock.
    /// Take them before touching any row.
    ///
    /// # Errors
    /// Database failure.
    pub async fn lock_all(&self, purposes: &[String]) -> Result<(), DbError> {
        if purposes.is_empty() || self.tx.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let keys: Vec<String> = purposes.iter().map(|p| format!("{}:{p}", self.tenant_id)).collect();
        let keys = serde_json::to_string(&keys).map_err(|e| DbError::Other(sea_orm::DbErr::Custom(e.to_string())))?;
        self.tx
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_advisory_xact_lock(k) FROM \
                 (SELECT DISTINCT hashtextextended(p, 0) AS k FROM json_array_elements_text($1::json) AS p \
                  ORDER BY k) AS s",
                [keys.into()],
            ))
            .await?;
        Ok(())
    }

    /// # Errors
    /// The commit failed; nothing was written.
    pub async fn commit(self) -> Result<(), DbError> {
        self.tx.commit().await?;
        self.hooks.committed();
        Ok(())
    }
}

impl PlatformTx {
    /// # Errors
    /// The commit failed; nothing was written.
    pub async fn commit(self) -> Result<(), DbError> {
        self.tx.commit().await?;
        self.hooks.committed();
        Ok(())
    }
}

impl Scoped for TenantTx {
    fn conn(&self) -> &DatabaseTransaction {
        &self.tx
    }
    fn scope_tenant(&self) -> Option<TenantId> {
        Some(self.tenant_id)
    }
    fn note_enqueued(&self, queue: &'static str) {
        self.hooks.note(queue);
    }
}

impl Scoped for PlatformTx {
    fn conn(&self) -> &DatabaseTransaction {
        &self.tx
    }
    fn scope_tenant(&self) -> Option<TenantId> {
        None
    }
    fn note_enqueued(&self, queue: &'static str) {
        self.hooks.note(queue);
    }
}
