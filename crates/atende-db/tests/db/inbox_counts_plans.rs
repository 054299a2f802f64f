//! The inbox tab badges (`conversations::counts_query`): one statement for the three tabs, read
//! from the working-conversations index, never from the tenant's resolved backlog. Uses the
//! helpers of `plans.rs` (same seed, same never-analysed tables, custom and generic plans).

use crate::fixtures;
use crate::harness::TestDb;
use crate::plans::{PlanMode, explain, seed_inbox, sqlite_plan};
use atende_db::repo::conversations::{self, InboxFilter, Visibility};
use atende_db::sea_orm::{ConnectionTrait, DbBackend, QueryTrait, Statement};
use atende_db::{Backend, Scoped};
use atende_domain::{ConversationStatus, UserId};

fn working(visible_to: Option<Visibility>) -> InboxFilter {
    InboxFilter {
        statuses: vec![
            ConversationStatus::Open,
            ConversationStatus::Pending,
            ConversationStatus::Waiting,
        ],
        visible_to,
        ..InboxFilter::default()
    }
}

fn agent_view(agent: UserId) -> Option<Visibility> {
    Some(Visibility {
        user: agent.uuid(),
        teams: Vec::new(),
        departments: Vec::new(),
    })
}

async fn owner_count(t: &TestDb, sql: String) -> i64 {
    let row = t
        .owner
        .raw()
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

async fn tab_counts_read_only_working_conversations_in_one_statement(t: TestDb) {
    // Arrange: 4,000 conversations, a tenth working (see `seed_inbox`).
    let s = seed_inbox(&t, 4, 1_000).await;
    let tx = t.db.tenant_tx(s.id).await.unwrap();

    for (name, filter) in [("agent", working(agent_view(s.agent))), ("supervisor", working(None))] {
        let stmt = conversations::counts_query(s.id, &filter, Some(s.agent)).build(DbBackend::Postgres);
        for mode in PlanMode::BOTH {
            // Act
            let plan = explain(tx.conn(), &stmt, mode).await;

            // Assert: one scan of conversations, through the partial index of working ones.
            let scans = plan.scans_of("conversations");
            assert_eq!(scans.len(), 1, "{name}, {mode:?}: {plan}");
            assert_eq!(scans[0].1, "ix_conversations__working", "{name}, {mode:?}: {plan}");
            assert_eq!(plan.seq_scans(), Vec::<String>::new(), "{name}, {mode:?}: {plan}");
        }
    }
    // The numbers are the tabs' (as the owner counts them, without row-level security).
    let c = conversations::counts(&tx, &working(None), Some(s.agent)).await.unwrap();
    let tenant = s.id.uuid();
    let base = format!(
        "SELECT count(*) AS n FROM conversations WHERE tenant_id = '{tenant}' AND status IN ('open','pending','waiting')"
    );
    assert_eq!(c.all as i64, owner_count(&t, base.clone()).await);
    assert_eq!(
        c.unassigned as i64,
        owner_count(&t, format!("{base} AND assignee_id IS NULL")).await
    );
    assert_eq!(
        c.mine as i64,
        owner_count(&t, format!("{base} AND assignee_id = '{}'", s.agent.uuid())).await
    );
    assert!(c.mine > 0 && c.unassigned > 0 && c.all > c.mine + c.unassigned, "{c:?}");
    // An agent counts what they may see: theirs and the queue, not a colleague's.
    let a = conversations::counts(&tx, &working(agent_view(s.agent)), Some(s.agent))
        .await
        .unwrap();
    assert_eq!(
        (a.mine, a.unassigned, a.all),
        (c.mine, c.unassigned, c.mine + c.unassigned)
    );
    // Without a user (an API key) nothing is "mine".
    let k = conversations::counts(&tx, &working(None), None).await.unwrap();
    assert_eq!((k.mine, k.all), (0, c.all));
}

postgres_only!(tab_counts_read_only_working_conversations_in_one_statement);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_counts_the_tabs_from_the_working_index() {
    // Arrange
    let t = TestDb::sqlite().await;
    assert_eq!(t.backend(), Backend::Sqlite);
    let tenant = fixtures::tenant(&t.db, "lite").await;
    let agent = fixtures::user(&t.db, "agent@lite.test").await;
    let tx = t.db.tenant_tx(tenant).await.unwrap();

    for filter in [working(agent_view(agent)), working(None)] {
        let stmt = conversations::counts_query(tenant, &filter, Some(agent)).build(DbBackend::Sqlite);
        // Act
        let plan = sqlite_plan(tx.conn(), &stmt).await;

        // Assert: a search that reads only working conversations (the partial working index,
        // or SQLite's choice without statistics, `ix_conversations__inbox` probed once per
        // working status), no full scan.
        let text = plan.join("\n  ");
        assert!(
            plan.iter().any(|l| l.starts_with("SEARCH")
                && (l.contains("ix_conversations__working")
                    || l.contains("ix_conversations__inbox (tenant_id=? AND status=?)"))),
            "{text}"
        );
        assert!(!plan.iter().any(|l| l.starts_with("SCAN conversations")), "{text}");
    }
    // An empty tenant counts zero everywhere.
    let c = conversations::counts(&tx, &working(None), Some(agent)).await.unwrap();
    assert_eq!((c.mine, c.unassigned, c.all), (0, 0, 0));
}
