//! The per-test databases come from `atende_db::testing`; this file adds the macro that runs
//! each test on both engines.

pub use atende_db::testing::*;

/// Generates, for each named `async fn(TestDb)`, a module with a `sqlite` and a `postgres`
/// test. The Postgres variant passes without running when `ATENDE_TEST_DATABASE_URL` is absent.
macro_rules! both_engines {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::harness::TestDb::sqlite().await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(t) = $crate::harness::TestDb::postgres().await else {
                    eprintln!("{} not set: Postgres variant skipped", $crate::harness::PG_ENV);
                    return;
                };
                super::$name(t).await;
            }
        }
    )*};
}
