//! Test support (feature `testing`): one fresh database per test, on SQLite always and on
//! PostgreSQL when `ATENDE_TEST_DATABASE_URL` names a server. Used by this crate's repository
//! tests and by the API tests of the binary, so both build databases the same way.
//!
//! On Postgres the database is created through the admin URL, migrated by its owner, and the
//! tests talk to it as the application role (`atende_app`), which is neither owner nor
//! `BYPASSRLS`, so row-level security binds exactly as in production. The database is dropped
//! when the [`TestDb`] goes away, even if the test panicked.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::missing_panics_doc)]

use crate::sea_orm::ConnectionTrait;
use crate::{Backend, Db, DbOptions};
use std::path::PathBuf;
use std::time::Duration;
use uuid::Uuid;

/// The environment variable that names the Postgres admin URL.
pub const PG_ENV: &str = "ATENDE_TEST_DATABASE_URL";
/// The application role the tests connect as on Postgres.
pub const APP_ROLE: &str = "atende_app";

/// A fresh, migrated database.
pub struct TestDb {
    /// What the tests use: on Postgres the application role, bound by row-level security.
    pub db: Db,
    /// The schema owner (on SQLite the same database as `db`).
    pub owner: Db,
    /// The URL `db` was opened with, to open more pools on the same database.
    pub url: String,
    /// The owner's URL (migrations); on SQLite the same as `url`.
    pub owner_url: String,
    // Dropped last, after the pools above.
    _cleanup: Cleanup,
}

impl TestDb {
    #[must_use]
    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// Another pool on the same database, as the same role (a second worker process).
    pub async fn connect_again(&self) -> Db {
        Db::connect(&self.url, &opts()).await.expect("second connection")
    }

    /// A fresh SQLite file in a temporary directory, migrated.
    pub async fn sqlite() -> Self {
        let dir = std::env::temp_dir().join(format!("atende-dbtest-{}", Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.join("t.db").display());
        let db = Db::connect(&url, &opts()).await.expect("connect sqlite");
        db.migrate().await.expect("migrate sqlite");
        Self {
            owner: db.clone(),
            db,
            owner_url: url.clone(),
            url,
            _cleanup: Cleanup::Dir(dir),
        }
    }

    /// A fresh Postgres database, migrated by its owner, used as the application role; `None`
    /// when `ATENDE_TEST_DATABASE_URL` is not set.
    pub async fn postgres() -> Option<Self> {
        let admin_url = std::env::var(PG_ENV).ok().filter(|u| !u.trim().is_empty())?;
        assert!(
            admin_url.starts_with("postgres://") || admin_url.starts_with("postgresql://"),
            "{PG_ENV} must be a postgres:// URL"
        );
        let name = format!("atende_t_{}", Uuid::now_v7().simple());

        let admin = Db::connect(
            &admin_url,
            &DbOptions {
                max_connections: 1,
                ..opts()
            },
        )
        .await
        .expect("connect to the Postgres admin URL");
        admin
            .raw()
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("create test database");
        drop(admin);
        // From here on the database exists: drop it whatever happens next.
        let cleanup = Cleanup::PgDatabase {
            admin_url: admin_url.clone(),
            name: name.clone(),
        };

        let owner_url = pg_url(&admin_url, None, &name);
        let owner = Db::connect(
            &owner_url,
            &DbOptions {
                max_connections: 2,
                ..opts()
            },
        )
        .await
        .expect("connect as owner");
        owner.migrate().await.expect("migrate postgres");
        create_app_role(&owner).await.expect("create_app_role");
        let url = pg_url(&admin_url, Some(APP_ROLE), &name);
        let db = Db::connect(&url, &opts())
            .await
            .expect("connect as the application role");
        Some(Self {
            db,
            owner,
            owner_url,
            url,
            _cleanup: cleanup,
        })
    }
}

/// `Db::create_app_role` for [`APP_ROLE`], retried: roles are cluster-wide and tests run in
/// parallel, and two concurrent `ALTER ROLE`s of the same role can fail with "tuple
/// concurrently updated" even though each would succeed alone.
pub async fn create_app_role(owner: &Db) -> Result<(), crate::DbError> {
    let mut attempt = 0;
    loop {
        match owner.create_app_role(APP_ROLE, None).await {
            Err(e) if attempt < 5 => {
                attempt += 1;
                eprintln!("create_app_role attempt {attempt} failed, retrying: {e}");
                tokio::time::sleep(Duration::from_millis(50 * attempt)).await;
            }
            other => return other,
        }
    }
}

fn opts() -> DbOptions {
    DbOptions {
        max_connections: 4,
        acquire_timeout: Duration::from_secs(30),
    }
}

/// `admin_url` with the database replaced by `db` and, if given, the user replaced by `user`
/// (no password: the local test server trusts local connections).
fn pg_url(admin_url: &str, user: Option<&str>, db: &str) -> String {
    let (scheme, rest) = admin_url.split_once("://").expect("URL has a scheme");
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let query = path.split_once('?').map(|(_, q)| format!("?{q}")).unwrap_or_default();
    let (userinfo, hostport) = authority.rsplit_once('@').unwrap_or(("", authority));
    let userinfo = user.unwrap_or(userinfo);
    let at = if userinfo.is_empty() { "" } else { "@" };
    format!("{scheme}://{userinfo}{at}{hostport}/{db}{query}")
}

enum Cleanup {
    Dir(PathBuf),
    PgDatabase { admin_url: String, name: String },
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        match self {
            Self::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Self::PgDatabase { admin_url, name } => {
                let admin_url = admin_url.clone();
                let name = name.clone();
                // We may be inside the test's runtime, which cannot be blocked on: drop the
                // database from a thread with its own small runtime, and wait for it.
                let handle = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
                    rt.block_on(async {
                        let admin = Db::connect(
                            &admin_url,
                            &DbOptions {
                                max_connections: 1,
                                ..opts()
                            },
                        )
                        .await?;
                        admin
                            .raw()
                            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                            .await?;
                        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
                    })
                    .map_err(|e| std::io::Error::other(e.to_string()))
                });
                match handle.join() {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => eprintln!("could not drop test database: {e}"),
                    Err(_) => eprintln!("the thread dropping the test database panicked"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pg_url;

    #[test]
    fn pg_url_swaps_database_and_user() {
        assert_eq!(
            pg_url("postgres://postgres@127.0.0.1:5432/postgres", None, "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            pg_url(
                "postgresql://postgres:pw@h:1/postgres?sslmode=disable",
                Some("atende_app"),
                "x"
            ),
            "postgresql://atende_app@h:1/x?sslmode=disable"
        );
        assert_eq!(pg_url("postgres://h", None, "x"), "postgres://h/x");
    }
}
