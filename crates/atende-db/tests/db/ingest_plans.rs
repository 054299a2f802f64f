//! Plans of the ingest path that do not depend on statistics: the job claim over a backlog, and
//! the set-based statements a batch of deliveries runs (the statuses' locked read and write, the
//! conversations' counters, each contact's latest conversation), on never-analysed tables, as
//! custom and as generic plans. Helpers and method: [`crate::plans`].

use crate::harness::TestDb;
use crate::plans::{PlanMode, assert_never_analysed, explain, owner_sql, seed_inbox};
use atende_db::jobs::{self, queue};
use atende_db::repo::conversations::{self, Activity};
use atende_db::repo::message_status;
use atende_db::sea_orm::{ConnectionTrait, DbBackend, QueryTrait, Statement};
use atende_db::{Backend, Scoped};
use chrono::Utc;
use std::time::Duration;
use uuid::Uuid;

/// Messages a batch's statuses touch: 30 % of a batch of 256 deliveries are statuses (the
/// campaign mix of `bench/ingest`).
const STATUSES: usize = 77;

/// 20,000 jobs: most queued on `webhooks` (the backlog), some on `outbound`, some done, and 200
/// running (held), all older than now.
async fn seed_jobs(t: &TestDb) {
    owner_sql(
        t,
        "INSERT INTO jobs (id, tenant_id, queue, kind, payload, status, run_at, attempts, max_attempts, \
                           locked_by, locked_until, created_at, updated_at) \
         SELECT gen_random_uuid(), NULL, CASE WHEN g % 10 = 0 THEN 'outbound' ELSE 'webhooks' END, \
                'webhook.ingest', '{}'::jsonb, \
                CASE WHEN g % 100 = 0 THEN 'running' WHEN g % 7 = 0 THEN 'done' ELSE 'queued' END, \
                now() - make_interval(secs => g / 10.0), 1, 8, \
                CASE WHEN g % 100 = 0 THEN 'seed-worker' END, \
                CASE WHEN g % 100 = 0 THEN now() + interval '5 seconds' END, now(), now() \
         FROM generate_series(1, 20000) AS g",
    )
    .await;
    assert_never_analysed(t, &["jobs"]).await;
}

async fn claiming_reads_the_claim_index_in_order_however_long_the_backlog(t: TestDb) {
    // Arrange
    seed_jobs(&t).await;
    let at = Utc::now();
    let until = at + chrono::Duration::seconds(6);
    let statements = [
        (
            "due",
            jobs::claim_due_statement(Backend::Postgres, queue::WEBHOOKS, "w", until, at, 256),
        ),
        (
            "expired",
            jobs::claim_expired_statement(Backend::Postgres, queue::ALL, "w", until, at, 512),
        ),
        ("next", jobs::next_wakeup_statement(Backend::Postgres, queue::ALL)),
    ];
    let tx = t.db.platform_tx().await.unwrap();

    for (what, stmt) in &statements {
        for mode in PlanMode::BOTH {
            // Act
            let plan = explain(tx.conn(), stmt, mode).await;

            // Assert: an index walk that stops early, never the backlog read and sorted.
            assert!(plan.seq_scans().is_empty(), "{what} {mode:?}: {plan}");
            assert!(
                !plan.has_node("Sort") && !plan.has_node("Incremental Sort"),
                "{what} {mode:?}: {plan}"
            );
            assert!(plan.uses_index("ix_jobs__claim"), "{what} {mode:?}: {plan}");
            if *what != "next" {
                // The update finds its rows by key.
                assert!(plan.uses_index("jobs_pkey"), "{what} {mode:?}: {plan}");
            }
        }
    }
    drop(tx);

    // The statement checked is the one that runs: it claims the oldest due jobs.
    let claimed = jobs::claim_due(&t.db, queue::WEBHOOKS, "w", Duration::from_secs(6), 256)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 256);
    assert!(claimed.windows(2).all(|w| w[0].run_at <= w[1].run_at));
}

async fn a_batchs_writes_find_their_rows_by_key(t: TestDb) {
    // Arrange: the inbox seed, never analysed, large enough that reading a batch's rows by key
    // is cheaper than reading the table (on a table of a few thousand rows a sequential scan is
    // honestly the cheaper plan for 200 ids; the planner reads the table's real size even
    // without statistics, so that choice cannot follow it to a large table).
    let s = seed_inbox(&t, 10, 4_000).await;
    assert_never_analysed(&t, &["messages", "conversations"]).await;
    let tenant = s.id.uuid();
    let ids = |sql: &str| {
        let owner = t.owner.clone();
        let sql = sql.replace("{tenant}", &tenant.to_string());
        async move {
            owner
                .raw()
                .query_all_raw(Statement::from_string(DbBackend::Postgres, sql))
                .await
                .unwrap()
                .iter()
                .map(|r| r.try_get::<Uuid>("", "id").unwrap())
                .collect::<Vec<Uuid>>()
        }
    };
    let contacts = ids("SELECT id FROM contacts WHERE tenant_id = '{tenant}' ORDER BY id LIMIT 200").await;
    let convs = ids("SELECT id FROM conversations WHERE tenant_id = '{tenant}' ORDER BY id LIMIT 200").await;
    let tx = t.db.tenant_tx(s.id).await.unwrap();
    let pids: Vec<String> = message_status::locked_query(
        Backend::Postgres,
        tenant,
        atende_db::sea_orm::Condition::all().add(atende_db::sea_orm::ColumnTrait::eq(
            &atende_db::entities::messages::Column::ChannelId,
            s.channel,
        )),
    )
    .all(tx.conn())
    .await
    .unwrap()
    .into_iter()
    .filter_map(|m| m.provider_message_id)
    .take(STATUSES)
    .collect();
    let pid_refs: Vec<&str> = pids.iter().map(String::as_str).collect();
    let rows = message_status::locked_query(
        Backend::Postgres,
        tenant,
        message_status::by_provider_ids(s.channel, &pid_refs),
    )
    .all(tx.conn())
    .await
    .unwrap();
    assert_eq!(rows.len(), pids.len());
    let changed: Vec<&atende_db::entities::messages::Model> = rows.iter().collect();
    let activity: Vec<Activity> = convs
        .iter()
        .map(|c| Activity {
            conversation_id: *c,
            last_message_at: Utc::now(),
            last_inbound_at: Some(Utc::now()),
            unread: 1,
        })
        .collect();
    let statements = [
        (
            "statuses: locked read",
            "messages",
            "uq_messages__provider_message_id",
            message_status::locked_query(
                Backend::Postgres,
                tenant,
                message_status::by_provider_ids(s.channel, &pid_refs),
            )
            .build(DbBackend::Postgres),
        ),
        (
            "statuses: write",
            "messages",
            "messages_pkey",
            message_status::write_statement(Backend::Postgres, tenant, &changed).unwrap(),
        ),
        (
            "counters",
            "conversations",
            "conversations_pkey",
            conversations::record_activity_statement(Backend::Postgres, tenant, activity).unwrap(),
        ),
        (
            "latest conversation per contact",
            "conversations",
            "ix_conversations__contact_latest",
            conversations::latest_ids_statement(Backend::Postgres, tenant, s.channel, &contacts),
        ),
    ];

    for (what, table, index, stmt) in &statements {
        for mode in PlanMode::BOTH {
            // Act
            let plan = explain(tx.conn(), stmt, mode).await;

            // Assert
            assert!(!plan.seq_scans().iter().any(|t| t == table), "{what} {mode:?}: {plan}");
            assert!(plan.uses_index(index), "{what} {mode:?}: {plan}");
        }
    }
}

postgres_only!(
    claiming_reads_the_claim_index_in_order_however_long_the_backlog,
    a_batchs_writes_find_their_rows_by_key,
);
