//! Query plans that do not depend on statistics.
//!
//! Production PostgreSQL may run with tables that were never analysed (`reltuples = -1`, no
//! `pg_statistic` rows): a freshly restored database, or a server with autovacuum off, like the
//! one these tests run on. The planner then guesses every selectivity, and "every index leads
//! with `tenant_id`" means several indexes look alike. These tests seed a few thousand rows into
//! such tables and `EXPLAIN` the very statements the repositories run (each repository builds its
//! statement with a public `*_query` function) as the application role under row-level security,
//! twice: as a *custom* plan (planned for the values, what the application's connections use,
//! see `Db::connect`) and as a *generic* plan (planned once for any value, what PostgreSQL caches
//! by default after five executions of a prepared statement). The SQLite test asks SQLite's
//! planner the same questions with `EXPLAIN QUERY PLAN`.
//!
//! What a few thousand rows cannot show: the ordered reads (a conversation's history, the
//! previews, the inbox's list) run with sorts off (`messages::in_index_order`), because at
//! millions of rows the planner, misled by the row-level-security policy counted as a second
//! tenant filter, prefers a bitmap scan of the whole conversation (or of the tenant's working
//! conversations) plus a sort. At this size it walks the index either way, so these checks
//! EXPLAIN them as they run (with the setting), and `bench/inbox` shows the plans at 20 M
//! messages, with and without it.
//!
//! # Helpers (for more plan checks, e.g. the job claim)
//! - [`postgres_only!`]: a test that runs when `ATENDE_TEST_DATABASE_URL` is set.
//! - [`owner_sql`]: runs SQL as the schema owner (seeding with `generate_series`, no RLS).
//! - [`assert_never_analysed`]: the precondition, checked after seeding.
//! - [`seed_inbox`]: tenants with channels, agents, contacts, conversations and messages.
//! - [`explain`]: `EXPLAIN (FORMAT JSON)` of a SeaORM [`Statement`] as a custom or a generic plan
//!   (`PREPARE` with the parameters' types, `SET LOCAL plan_cache_mode`, `EXPLAIN EXECUTE` with
//!   the values as literals), inside the caller's transaction.
//! - [`Plan`]: the plan tree, with [`Plan::uses_index`], [`Plan::has_node`],
//!   [`Plan::seq_scans`] and [`Plan::scans_of`]; it prints as an indented outline in assertion
//!   messages.
//! - [`sqlite_plan`]: the detail lines of SQLite's `EXPLAIN QUERY PLAN`.

use crate::fixtures;
use crate::harness::TestDb;
use crate::msg_fixtures;
use atende_db::repo::conversations::{self, AssigneeFilter, InboxFilter, InboxPage, Visibility};
use atende_db::repo::messages;
use atende_db::sea_orm::sea_query::{PostgresQueryBuilder, QueryBuilder, Value};
use atende_db::sea_orm::{ConnectionTrait, DbBackend, QueryTrait, Statement};
use atende_db::{Backend, Db, PageRequest, Scoped, TenantTx};
use atende_domain::{ConversationStatus, TenantId, UserId};
use serde_json::Value as Json;
use std::fmt;
use uuid::Uuid;

/// Declares `async fn(TestDb)` tests that only mean something on PostgreSQL: each runs on a fresh
/// PostgreSQL database when `ATENDE_TEST_DATABASE_URL` is set and passes without running
/// otherwise (like the Postgres half of `both_engines!`).
macro_rules! postgres_only {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(t) = $crate::harness::TestDb::postgres().await else {
                    eprintln!("{} not set: Postgres plan check skipped", $crate::harness::PG_ENV);
                    return;
                };
                super::$name(t).await;
            }
        }
    )*};
}

// --------------------------------------------------------------------------------- helpers

/// Runs `sql` (one or more statements, simple protocol, one implicit transaction) as the schema
/// owner, which row-level security does not bind.
pub async fn owner_sql(t: &TestDb, sql: &str) {
    t.owner.raw().execute_unprepared(sql).await.unwrap();
}

/// Asserts that `tables` have never been analysed (`reltuples = -1`, no column statistics): the
/// condition these plans must hold under. `CREATE INDEX` on a non-empty table, `VACUUM` or
/// `ANALYZE` would set them, so seed after migrating and never analyse.
pub async fn assert_never_analysed(t: &TestDb, tables: &[&str]) {
    for table in tables {
        let row = t
            .owner
            .raw()
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                format!(
                    "SELECT c.reltuples::float8 AS reltuples, \
                     (SELECT count(*) FROM pg_stats s WHERE s.tablename = c.relname) AS stats \
                     FROM pg_class c WHERE c.oid = '{table}'::regclass"
                ),
            ))
            .await
            .unwrap()
            .unwrap();
        let reltuples: f64 = row.try_get("", "reltuples").unwrap();
        let stats: i64 = row.try_get("", "stats").unwrap();
        assert!(
            reltuples < 0.0 && stats == 0,
            "{table} has statistics (reltuples {reltuples}, {stats} pg_stats rows): the check would not test the unanalysed case"
        );
    }
}

/// How the statement is planned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanMode {
    /// Planned for the parameters' values (`plan_cache_mode = force_custom_plan`).
    Custom,
    /// Planned once for any value, as PostgreSQL caches it (`force_generic_plan`).
    Generic,
}

impl PlanMode {
    pub const BOTH: [Self; 2] = [Self::Custom, Self::Generic];

    fn setting(self) -> &'static str {
        match self {
            Self::Custom => "force_custom_plan",
            Self::Generic => "force_generic_plan",
        }
    }
}

/// The SQL type PostgreSQL receives for a bound value of this kind (what sqlx declares when it
/// prepares the statement).
fn pg_type(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "boolean",
        Value::TinyInt(_) | Value::SmallInt(_) => "smallint",
        Value::Int(_) | Value::TinyUnsigned(_) | Value::SmallUnsigned(_) => "integer",
        Value::BigInt(_) | Value::Unsigned(_) | Value::BigUnsigned(_) => "bigint",
        Value::String(_) => "text",
        Value::Uuid(_) => "uuid",
        Value::ChronoDateTimeUtc(_) => "timestamptz",
        Value::Json(_) => "jsonb",
        other => panic!("plans::explain does not know the SQL type of {other:?}"),
    }
}

/// `EXPLAIN (FORMAT JSON)` of `stmt` (built for PostgreSQL, `$n` placeholders) planned as `mode`,
/// inside the caller's transaction (a [`TenantTx`] for tenant queries, so row-level security
/// applies as in the application). The statement is prepared with its parameters' types and
/// executed with its values written as literals, then deallocated; `plan_cache_mode` is set with
/// `SET LOCAL`, so it ends with the transaction.
pub async fn explain(conn: &impl ConnectionTrait, stmt: &Statement, mode: PlanMode) -> Plan {
    let values = stmt.values.as_ref().map(|v| v.0.clone()).unwrap_or_default();
    let types: Vec<&str> = values.iter().map(pg_type).collect();
    let literals: Vec<String> = values.iter().map(|v| PostgresQueryBuilder.value_to_string(v)).collect();
    let (types, args) = if values.is_empty() {
        (String::new(), String::new())
    } else {
        (format!("({})", types.join(", ")), format!("({})", literals.join(", ")))
    };
    conn.execute_unprepared(&format!(
        "SET LOCAL plan_cache_mode = {}; PREPARE plan_check{types} AS {}",
        mode.setting(),
        stmt.sql
    ))
    .await
    .unwrap();
    let row = conn
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("EXPLAIN (FORMAT JSON) EXECUTE plan_check{args}"),
        ))
        .await
        .unwrap()
        .unwrap();
    conn.execute_unprepared("DEALLOCATE plan_check").await.unwrap();
    let json: Json = row.try_get("", "QUERY PLAN").unwrap();
    Plan::from_explain(&json)
}

/// A PostgreSQL plan tree (the `Plan` object of `EXPLAIN (FORMAT JSON)`).
#[derive(Clone, Debug)]
pub struct Plan(Json);

impl Plan {
    /// Takes the `[{"Plan": {…}}]` that `EXPLAIN (FORMAT JSON)` returns.
    pub fn from_explain(explain: &Json) -> Self {
        Self(explain[0]["Plan"].clone())
    }

    /// Every node, root first (depth first), init plans and sub plans included.
    pub fn nodes(&self) -> Vec<&Json> {
        fn walk<'a>(n: &'a Json, out: &mut Vec<&'a Json>) {
            out.push(n);
            for child in n["Plans"].as_array().into_iter().flatten() {
                walk(child, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.0, &mut out);
        out
    }

    /// Whether some node scans the index `name` (index, index-only or bitmap index scan).
    pub fn uses_index(&self, name: &str) -> bool {
        self.nodes().iter().any(|n| n["Index Name"] == name)
    }

    /// Whether some node has this `Node Type` (`"Sort"`, `"Incremental Sort"`, `"Hash Join"` …).
    pub fn has_node(&self, node_type: &str) -> bool {
        self.nodes().iter().any(|n| n["Node Type"] == node_type)
    }

    /// The tables read by a sequential scan.
    pub fn seq_scans(&self) -> Vec<String> {
        self.nodes()
            .iter()
            .filter(|n| n["Node Type"] == "Seq Scan")
            .map(|n| n["Relation Name"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// How `table` is read: one `(node type, index name or "", index condition or "")` per scan
    /// node of that table.
    pub fn scans_of(&self, table: &str) -> Vec<(String, String, String)> {
        let s = |v: &Json| v.as_str().unwrap_or_default().to_owned();
        let mut out: Vec<(String, String, String)> = self
            .nodes()
            .iter()
            .filter(|n| n["Relation Name"] == table)
            .map(|n| (s(&n["Node Type"]), s(&n["Index Name"]), s(&n["Index Cond"])))
            .collect();
        // A bitmap heap scan names the table; its index is in the child bitmap index scan.
        for n in self.nodes() {
            if n["Node Type"] == "Bitmap Index Scan" && self.bitmap_table(n) == Some(table) {
                out.push((s(&n["Node Type"]), s(&n["Index Name"]), s(&n["Index Cond"])));
            }
        }
        out
    }

    /// The table of the bitmap heap scan above a bitmap index scan.
    fn bitmap_table(&self, index_scan: &Json) -> Option<&str> {
        self.nodes().into_iter().find_map(|n| {
            let is_parent = n["Plans"]
                .as_array()
                .is_some_and(|c| c.iter().any(|c| std::ptr::eq(c, index_scan)));
            if !is_parent {
                return None;
            }
            if n["Node Type"] == "Bitmap Heap Scan" {
                n["Relation Name"].as_str()
            } else {
                self.bitmap_table(n)
            }
        })
    }

    /// The `Scan Direction` of the scan of `index`, if it is scanned.
    pub fn direction_of(&self, index: &str) -> Option<String> {
        self.nodes()
            .iter()
            .find(|n| n["Index Name"] == index)
            .and_then(|n| n["Scan Direction"].as_str().map(str::to_owned))
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn line(n: &Json, depth: usize, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let s = |k: &str| n[k].as_str().map(str::to_owned);
            write!(
                f,
                "\n{:indent$}-> {}",
                "",
                s("Node Type").unwrap_or_default(),
                indent = depth * 2
            )?;
            if let Some(d) = s("Scan Direction").filter(|d| d != "Forward") {
                write!(f, " {d}")?;
            }
            if let Some(i) = s("Index Name") {
                write!(f, " using {i}")?;
            }
            if let Some(r) = s("Relation Name") {
                write!(f, " on {r}")?;
            }
            for key in ["Index Cond", "Recheck Cond", "Filter", "Hash Cond", "Sort Key"] {
                if !n[key].is_null() {
                    write!(f, " [{key}: {}]", n[key].to_string().trim_matches('"'))?;
                }
            }
            for c in n["Plans"].as_array().into_iter().flatten() {
                line(c, depth + 1, f)?;
            }
            Ok(())
        }
        line(&self.0, 0, f)
    }
}

/// The detail lines of SQLite's `EXPLAIN QUERY PLAN` for `stmt` (values bound as the
/// application binds them).
pub async fn sqlite_plan(conn: &impl ConnectionTrait, stmt: &Statement) -> Vec<String> {
    let explain = Statement {
        sql: format!("EXPLAIN QUERY PLAN {}", stmt.sql),
        ..stmt.clone()
    };
    conn.query_all_raw(explain)
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String>("", "detail").unwrap())
        .collect()
}

/// What [`seed_inbox`] made for one tenant (the ids the checks query with).
pub struct SeededTenant {
    pub id: TenantId,
    pub channel: Uuid,
    /// An agent with conversations of their own.
    pub agent: UserId,
    /// A conversation with more messages than a page.
    pub long_conversation: Uuid,
    /// The provider id of one of its inbound messages.
    pub provider_message_id: String,
}

/// Seeds, as the owner and with `generate_series`, `tenants` tenants, each with one WhatsApp
/// channel, 5 agents and `conversations` conversations (one contact each). Every 25th
/// conversation has 60 messages, the others 2 (inbound and agent texts, a private note every
/// 15th, a closing system line on resolved ones); the newest tenth of the conversations and a few
/// old ones are working (open, pending, waiting; 70 % assigned), the rest resolved. Message ids
/// are UUIDv7 of their time, as the application makes them. Returns the second tenant's ids.
///
/// Foreign keys are not checked while seeding when the owner may say so
/// (`session_replication_role = replica`, superusers only; the rows are consistent by
/// construction): it makes the seed several times faster.
pub async fn seed_inbox(t: &TestDb, tenants: u32, conversations: u32) -> SeededTenant {
    let agents = 5;
    owner_sql(
        t,
        &format!(
            r#"
DO $$ BEGIN SET LOCAL session_replication_role = replica;
   EXCEPTION WHEN insufficient_privilege THEN NULL; END $$;
CREATE FUNCTION pg_temp.v7(ts timestamptz, kind int, n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE AS
$$ SELECT (lpad(to_hex((extract(epoch FROM ts) * 1000)::bigint), 12, '0') || '7' || lpad(to_hex(kind), 3, '0')
          || '8' || lpad(to_hex(n), 15, '0'))::uuid $$;
CREATE TEMP TABLE seed_conv AS
SELECT k, k / {conversations} AS t, k % {conversations} AS i,
       now() - interval '181 days' + ((k % {conversations})::float8 / {conversations}) * interval '180 days' AS start,
       CASE WHEN k % 25 = 0 THEN 60 ELSE 2 END AS n,
       CASE WHEN k % {conversations} >= {conversations} * 9 / 10 OR k % 97 = 0
            THEN (ARRAY['open', 'pending', 'waiting'])[1 + k % 3] ELSE 'resolved' END AS st
FROM generate_series(0, {tenants} * {conversations} - 1) k;
INSERT INTO tenants (id, slug, name, settings, created_at, updated_at)
SELECT pg_temp.v7(now() - interval '1 year', 1, t), 'plan-' || t, 'Plan ' || t, '{{}}', now(), now()
FROM generate_series(0, {tenants} - 1) t;
INSERT INTO users (id, email, name, created_at, updated_at)
SELECT pg_temp.v7(now() - interval '1 year', 2, t * {agents} + a), 'agent' || a || '@plan' || t || '.test', 'Agent ' || a, now(), now()
FROM generate_series(0, {tenants} - 1) t, generate_series(0, {agents} - 1) a;
INSERT INTO memberships (id, tenant_id, user_id, role, created_at, updated_at)
SELECT pg_temp.v7(now() - interval '1 year', 3, t * {agents} + a), pg_temp.v7(now() - interval '1 year', 1, t),
       pg_temp.v7(now() - interval '1 year', 2, t * {agents} + a), 'agent', now(), now()
FROM generate_series(0, {tenants} - 1) t, generate_series(0, {agents} - 1) a;
INSERT INTO channels (id, tenant_id, kind, name, status, external_id, settings, created_at, updated_at)
SELECT pg_temp.v7(now() - interval '1 year', 4, t), pg_temp.v7(now() - interval '1 year', 1, t), 'whatsapp_cloud',
       'WhatsApp', 'connected', 'plan-' || t, '{{}}', now(), now()
FROM generate_series(0, {tenants} - 1) t;
INSERT INTO contacts (id, tenant_id, name, phone_e164, attributes, created_at, updated_at)
SELECT pg_temp.v7(start, 5, k), pg_temp.v7(now() - interval '1 year', 1, t), 'Cliente ' || k, '+55119' || lpad(k::text, 8, '0'),
       '{{}}', start, start
FROM seed_conv;
INSERT INTO conversations (id, tenant_id, channel_id, contact_id, status, assignee_id, last_message_at,
                           last_inbound_at, unread_count, resolved_at, created_at, updated_at)
SELECT pg_temp.v7(start, 6, k), pg_temp.v7(now() - interval '1 year', 1, t), pg_temp.v7(now() - interval '1 year', 4, t),
       pg_temp.v7(start, 5, k), st,
       CASE WHEN st <> 'resolved' AND i % 10 >= 7 THEN NULL ELSE pg_temp.v7(now() - interval '1 year', 2, t * {agents} + i % {agents}) END,
       start + (n - 1) * interval '5 minutes', start + (n - 2) * interval '5 minutes',
       CASE WHEN st <> 'resolved' AND i % 10 >= 7 THEN 1 ELSE 0 END,
       CASE WHEN st = 'resolved' THEN start + (n - 1) * interval '5 minutes' END, start, start
FROM seed_conv;
INSERT INTO messages (id, tenant_id, conversation_id, channel_id, direction, author_kind, author_user_id, type, body,
                      provider_message_id, status, is_private_note, created_at)
SELECT pg_temp.v7(ts, 7, k * 256 + j), pg_temp.v7(now() - interval '1 year', 1, t), pg_temp.v7(start, 6, k),
       pg_temp.v7(now() - interval '1 year', 4, t),
       CASE WHEN kind = 'in' THEN 'inbound' ELSE 'outbound' END,
       CASE kind WHEN 'in' THEN 'contact' WHEN 'sys' THEN 'system' ELSE 'agent' END,
       CASE WHEN kind IN ('out', 'note') THEN pg_temp.v7(now() - interval '1 year', 2, t * {agents} + i % {agents}) END,
       CASE WHEN kind = 'sys' THEN 'system' ELSE 'text' END,
       CASE kind WHEN 'sys' THEN 'Conversa resolvida' WHEN 'note' THEN 'Nota interna' ELSE 'Mensagem ' || j END,
       CASE WHEN kind IN ('in', 'out') THEN 'wamid.' || kind || '.' || k || '.' || j END,
       CASE WHEN kind = 'out' THEN 'read' END, kind = 'note', ts
FROM (SELECT c.*, j, c.start + j * interval '5 minutes' AS ts,
             CASE WHEN j = c.n - 1 AND c.st = 'resolved' THEN 'sys' WHEN j % 15 = 14 THEN 'note'
                  WHEN j % 2 = 0 THEN 'in' ELSE 'out' END AS kind
      FROM generate_series(0, 59) j JOIN seed_conv c ON j < c.n ORDER BY j, c.k) m;
"#
        ),
    )
    .await;
    assert_never_analysed(t, &["messages", "conversations", "contacts", "channels"]).await;
    let row = t
        .owner
        .raw()
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT t.id AS tenant, ch.id AS channel, \
             (SELECT assignee_id FROM conversations c WHERE c.tenant_id = t.id AND c.status = 'open' \
              AND c.assignee_id IS NOT NULL ORDER BY last_message_at DESC LIMIT 1) AS agent, \
             (SELECT conversation_id FROM messages m WHERE m.tenant_id = t.id GROUP BY conversation_id \
              ORDER BY count(*) DESC, conversation_id LIMIT 1) AS long_conversation \
             FROM tenants t JOIN channels ch ON ch.tenant_id = t.id WHERE t.slug = 'plan-1'",
        ))
        .await
        .unwrap()
        .unwrap();
    let long_conversation: Uuid = row.try_get("", "long_conversation").unwrap();
    let provider = t
        .owner
        .raw()
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!(
                "SELECT provider_message_id FROM messages WHERE conversation_id = '{long_conversation}' \
                 AND direction = 'inbound' ORDER BY id DESC LIMIT 1"
            ),
        ))
        .await
        .unwrap()
        .unwrap();
    SeededTenant {
        id: TenantId::from(row.try_get::<Uuid>("", "tenant").unwrap()),
        channel: row.try_get("", "channel").unwrap(),
        agent: UserId::from(row.try_get::<Uuid>("", "agent").unwrap()),
        long_conversation,
        provider_message_id: provider.try_get("", "provider_message_id").unwrap(),
    }
}

/// One tab of the inbox as a check sees it.
pub struct Tab {
    pub name: &'static str,
    pub filter: InboxFilter,
    /// The indexes PostgreSQL may read the page from, in order. The tab's own index first; while
    /// the table is small, every path is estimated at one row and *Mine* / *Unassigned* may come
    /// from the *All* index with the assignee as a filter: the same order over the same working
    /// conversations (see `m20261207_000007_inbox_reads`). `bench/inbox` shows the choice at a
    /// million conversations.
    pub postgres: &'static [&'static str],
    /// The same for SQLite, which counts `IS NULL` as an equality and, without `sqlite_stat1`,
    /// prefers two equality columns to a partial index with one: *Unassigned* walks
    /// `ix_conversations__assignee (tenant_id, assignee_id = NULL, last_message_at, id)` in order
    /// and filters on the status (PostgreSQL cannot: `IS NULL` does not fix the column's value for
    /// its ordering rules, hence the partial index there).
    pub sqlite: &'static [&'static str],
}

const WORKING: &str = "ix_conversations__working";
const WORKING_ASSIGNEE: &str = "ix_conversations__working_assignee";
const WORKING_UNASSIGNED: &str = "ix_conversations__working_unassigned";

/// The inbox's tabs as the web app asks for them (`web/src/inbox/queries.ts`: `assignee=me`,
/// `assignee=none`, nothing; `status` left to the API's default, the working statuses) and the
/// filter `atende_core::inbox::conversations::list` builds from that: an agent's view adds their
/// visibility, a supervisor's does not. The supervisor's *All* comes last.
fn tabs(agent: UserId) -> Vec<Tab> {
    let agent_view = Some(Visibility {
        user: agent.uuid(),
        teams: Vec::new(),
        departments: Vec::new(),
    });
    let tab = |name, assignee: Option<AssigneeFilter>, visible_to: Option<Visibility>| {
        let (postgres, sqlite): (&'static [&'static str], &'static [&'static str]) = match assignee {
            Some(AssigneeFilter::Nobody) => (
                &[WORKING_UNASSIGNED, WORKING],
                &[WORKING_UNASSIGNED, "ix_conversations__assignee"],
            ),
            Some(_) => (&[WORKING_ASSIGNEE, WORKING], &[WORKING_ASSIGNEE]),
            None => (&[WORKING], &[WORKING]),
        };
        let filter = InboxFilter {
            statuses: vec![
                ConversationStatus::Open,
                ConversationStatus::Pending,
                ConversationStatus::Waiting,
            ],
            assignee,
            visible_to,
            ..InboxFilter::default()
        };
        Tab {
            name,
            filter,
            postgres,
            sqlite,
        }
    };
    vec![
        tab("Mine (agent)", Some(AssigneeFilter::Me(agent)), agent_view.clone()),
        tab("Unassigned (agent)", Some(AssigneeFilter::Nobody), agent_view.clone()),
        tab("All (agent)", None, agent_view),
        tab("Mine (supervisor)", Some(AssigneeFilter::Me(agent)), None),
        tab("Unassigned (supervisor)", Some(AssigneeFilter::Nobody), None),
        tab("All (supervisor)", None, None),
    ]
}

/// The checks' seed: 4,000 conversations and about 17,000 messages (see [`seed_inbox`]).
const SEED_TENANTS: u32 = 4;
const SEED_CONVERSATIONS: u32 = 1_000;

/// The web app's page of conversations (`PAGE_SIZE` in `web/src/inbox/queries.ts`).
const INBOX_PAGE: InboxPage = InboxPage { limit: 30, after: None };

// --------------------------------------------------------------------------------- PostgreSQL

async fn provider_id_lookup_uses_its_unique_index_in_custom_and_generic_plans(t: TestDb) {
    // Arrange
    let s = seed_inbox(&t, SEED_TENANTS, SEED_CONVERSATIONS).await;
    let stmt = messages::find_by_provider_id_query(s.id, s.channel, &s.provider_message_id).build(DbBackend::Postgres);
    let tx = t.db.tenant_tx(s.id).await.unwrap();

    for mode in PlanMode::BOTH {
        // Act
        let plan = explain(tx.conn(), &stmt, mode).await;

        // Assert: the three columns are the unique index's condition, not a filter after it.
        let scans = plan.scans_of("messages");
        assert_eq!(scans.len(), 1, "{mode:?}: {plan}");
        let (_, index, cond) = &scans[0];
        assert_eq!(index, "uq_messages__provider_message_id", "{mode:?}: {plan}");
        assert!(
            cond.contains("channel_id") && cond.contains("provider_message_id"),
            "{mode:?}: {plan}"
        );
    }
    // The lookup finds the row (the statement checked is the one that runs).
    let found = messages::find_by_provider_id(&tx, s.channel, &s.provider_message_id)
        .await
        .unwrap();
    assert_eq!(found.map(|m| m.conversation_id), Some(s.long_conversation));
}

async fn opening_a_conversation_walks_its_index_backwards_without_sorting(t: TestDb) {
    // Arrange
    let s = seed_inbox(&t, SEED_TENANTS, SEED_CONVERSATIONS).await;
    let page = PageRequest { limit: 50, after: None };
    let stmt = messages::history_query(s.id, s.long_conversation, page).build(DbBackend::Postgres);
    let tx = t.db.tenant_tx(s.id).await.unwrap();

    for mode in PlanMode::BOTH {
        // Act
        // As the repository runs it (`messages::in_index_order`).
        tx.conn().execute_unprepared(messages::SORTS_OFF).await.unwrap();
        let plan = explain(tx.conn(), &stmt, mode).await;

        // Assert
        assert!(plan.uses_index("ix_messages__conversation"), "{mode:?}: {plan}");
        assert_eq!(
            plan.direction_of("ix_messages__conversation").as_deref(),
            Some("Backward"),
            "{mode:?}: {plan}"
        );
        assert!(
            !plan.has_node("Sort") && !plan.has_node("Incremental Sort"),
            "{mode:?}: {plan}"
        );
        assert_eq!(plan.seq_scans(), Vec::<String>::new(), "{mode:?}: {plan}");
        let scans = plan.scans_of("messages");
        assert!(
            scans.iter().all(|(_, _, cond)| cond.contains("conversation_id")),
            "{mode:?}: {plan}"
        );
    }
    let rows = messages::list_by_conversation(&tx, s.long_conversation, page)
        .await
        .unwrap();
    assert_eq!(rows.items.len(), 50);
    assert!(rows.next_cursor.is_some(), "the long conversation has more than a page");
}

async fn every_inbox_tab_reads_its_first_page_in_index_order(t: TestDb) {
    // Arrange
    let s = seed_inbox(&t, SEED_TENANTS, SEED_CONVERSATIONS).await;
    let tx = t.db.tenant_tx(s.id).await.unwrap();

    for Tab {
        name, filter, postgres, ..
    } in tabs(s.agent)
    {
        let stmt = conversations::list_query(s.id, &filter, INBOX_PAGE).build(DbBackend::Postgres);
        for mode in PlanMode::BOTH {
            // Act: as the repository runs it (`messages::in_index_order`).
            tx.conn().execute_unprepared(messages::SORTS_OFF).await.unwrap();
            let plan = explain(tx.conn(), &stmt, mode).await;

            // Assert: the page comes out of a working-conversations index in order; nothing
            // sorts the backlog.
            let scans = plan.scans_of("conversations");
            assert_eq!(scans.len(), 1, "{name}, {mode:?}: {plan}");
            let index = scans[0].1.as_str();
            assert!(postgres.contains(&index), "{name}, {mode:?}: {plan}");
            assert_eq!(
                plan.direction_of(index).as_deref(),
                Some("Backward"),
                "{name}, {mode:?}: {plan}"
            );
            assert!(
                !plan.has_node("Sort") && !plan.has_node("Incremental Sort"),
                "{name}, {mode:?}: {plan}"
            );
            assert_eq!(plan.seq_scans(), Vec::<String>::new(), "{name}, {mode:?}: {plan}");
        }
        // The statement runs and pages.
        let page = conversations::list(&tx, &filter, INBOX_PAGE).await.unwrap();
        assert!(
            !page.items.is_empty(),
            "{name}: the seed has working conversations for every tab"
        );
        assert!(page.items.iter().all(|c| c.status != "resolved"), "{name}");
    }
}

async fn previews_probe_the_conversation_index_once_per_conversation(t: TestDb) {
    // Arrange: the conversations of the supervisor's first page of *All*.
    let s = seed_inbox(&t, SEED_TENANTS, SEED_CONVERSATIONS).await;
    let tx = t.db.tenant_tx(s.id).await.unwrap();
    let all = tabs(s.agent).pop().unwrap().filter;
    let ids: Vec<Uuid> = conversations::list(&tx, &all, INBOX_PAGE)
        .await
        .unwrap()
        .items
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids.len(), 30);
    let stmt = messages::previews_query(DbBackend::Postgres, s.id, &ids).unwrap();

    for mode in PlanMode::BOTH {
        // Act
        // As the repository runs it (`messages::in_index_order`).
        tx.conn().execute_unprepared(messages::SORTS_OFF).await.unwrap();
        let plan = explain(tx.conn(), &stmt, mode).await;

        // Assert: messages is only ever read through the backward probe, never scanned for the
        // tenant (a hash join over the tenant's messages is what the portable forms get).
        let scans = plan.scans_of("messages");
        assert!(!scans.is_empty(), "{mode:?}: {plan}");
        for (node, index, cond) in &scans {
            assert!(node == "Index Scan" || node == "Index Only Scan", "{mode:?}: {plan}");
            assert_eq!(index, "ix_messages__conversation", "{mode:?}: {plan}");
            assert!(cond.contains("conversation_id"), "{mode:?}: {plan}");
        }
        assert!(
            !plan.has_node("Hash Join") && !plan.has_node("Sort"),
            "{mode:?}: {plan}"
        );
    }
    let previews = messages::previews_of(&tx, &ids).await.unwrap();
    assert_eq!(
        previews.len(),
        ids.len(),
        "every seeded conversation has a visible message"
    );
}

async fn reads_in_index_order_leave_sorting_on_for_the_rest_of_the_transaction(t: TestDb) {
    // Arrange
    let a = msg_fixtures::inbox(&t.db, "order", 1).await;
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    let enable_sort = || async {
        let row = tx
            .conn()
            .query_one_raw(Statement::from_string(DbBackend::Postgres, "SHOW enable_sort"))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<String>("", "enable_sort").unwrap()
    };

    // Act
    let page = messages::list_by_conversation(&tx, a.conversation, PageRequest::default())
        .await
        .unwrap();
    let after_history = enable_sort().await;
    let previews = messages::previews_of(&tx, &[a.conversation]).await.unwrap();
    let after_previews = enable_sort().await;
    let inbox = conversations::list(&tx, &InboxFilter::default(), INBOX_PAGE)
        .await
        .unwrap();
    let after_list = enable_sort().await;

    // Assert
    assert_eq!(page.items.len(), 1);
    assert_eq!(previews.len(), 1);
    assert_eq!(inbox.items.len(), 1);
    assert_eq!(after_history, "on");
    assert_eq!(after_previews, "on");
    assert_eq!(after_list, "on");
}

async fn a_statement_prepared_while_the_table_was_empty_is_planned_again_as_it_grows(t: TestDb) {
    // Arrange: one tenant with a channel and a conversation; messages holds the fixture's one row.
    let a = msg_fixtures::inbox(&t.db, "early", 1).await;
    let stmt = messages::find_by_provider_id_query(a.tenant, a.channel, "wamid.unknown").build(DbBackend::Postgres);
    // One transaction, so one pooled connection of the application's pool holds the statement.
    let tx = t.db.tenant_tx(a.tenant).await.unwrap();
    for _ in 0..8 {
        // More than the five custom plans after which PostgreSQL would cache a generic plan.
        assert!(
            messages::find_by_provider_id(&tx, a.channel, "wamid.unknown")
                .await
                .unwrap()
                .is_none()
        );
    }

    // Act: the table grows (as the application role, inside the same transaction), then the
    // statement the connection prepared is explained as it would run now.
    grow_messages(&tx, a.conversation, a.channel, 5_000).await;
    let name = prepared_statement_name(&tx, &stmt.sql).await;
    let values = stmt.values.as_ref().unwrap().0.iter();
    let args: Vec<String> = values.map(|v| PostgresQueryBuilder.value_to_string(v)).collect();
    let row = tx
        .conn()
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("EXPLAIN (FORMAT JSON) EXECUTE {name}({})", args.join(", ")),
        ))
        .await
        .unwrap()
        .unwrap();
    let plan = Plan::from_explain(&row.try_get("", "QUERY PLAN").unwrap());
    let counts = tx
        .conn()
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = '{name}'"),
        ))
        .await
        .unwrap()
        .unwrap();

    // Assert
    assert!(plan.uses_index("uq_messages__provider_message_id"), "{plan}");
    assert_eq!(counts.try_get::<i64>("", "generic_plans").unwrap(), 0);
    assert!(counts.try_get::<i64>("", "custom_plans").unwrap() >= 9);
}

/// Inserts `n` inbound messages into a conversation, inside `tx`.
async fn grow_messages(tx: &TenantTx, conversation: Uuid, channel: Uuid, n: u32) {
    let tenant = tx.tenant_id();
    tx.conn()
        .execute_unprepared(&format!(
            "INSERT INTO messages (id, tenant_id, conversation_id, channel_id, direction, author_kind, type, body, \
             provider_message_id, is_private_note, created_at) \
             SELECT gen_random_uuid(), '{tenant}', '{conversation}', '{channel}', 'inbound', 'contact', 'text', \
             'Oi ' || g, 'wamid.grown.' || g, false, now() FROM generate_series(1, {n}) g"
        ))
        .await
        .unwrap();
}

/// The name sqlx gave the statement `sql` on this transaction's connection.
async fn prepared_statement_name(tx: &TenantTx, sql: &str) -> String {
    let rows = tx
        .conn()
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT name, statement FROM pg_prepared_statements",
        ))
        .await
        .unwrap();
    rows.iter()
        .find(|r| r.try_get::<String>("", "statement").unwrap() == sql)
        .map(|r| r.try_get::<String>("", "name").unwrap())
        .unwrap_or_else(|| panic!("the connection has no prepared statement for {sql}"))
}

/// The contacts list's conversation count and last contact (issue 10): one grouped read for the
/// page's contacts, through the contact index, never a scan of the tenant's conversations.
async fn contact_activity_reads_the_contact_index_for_the_page(t: TestDb) {
    // Arrange: the first page of the contacts list.
    let s = seed_inbox(&t, SEED_TENANTS, SEED_CONVERSATIONS).await;
    let tx = t.db.tenant_tx(s.id).await.unwrap();
    let ids: Vec<Uuid> = atende_db::repo::contacts::list(&tx, None, PageRequest { limit: 50, after: None })
        .await
        .unwrap()
        .items
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids.len(), 50);
    let stmt = atende_db::repo::contacts::activity_query(DbBackend::Postgres, s.id, &ids);

    for mode in PlanMode::BOTH {
        // Act
        let plan = explain(tx.conn(), &stmt, mode).await;

        // Assert
        let scans = plan.scans_of("conversations");
        assert!(!scans.is_empty(), "{mode:?}: {plan}");
        for (node, index, cond) in &scans {
            assert_ne!(node, "Seq Scan", "{mode:?}: {plan}");
            assert_eq!(index, "ix_conversations__contact_latest", "{mode:?}: {plan}");
            assert!(cond.contains("contact_id"), "{mode:?}: {plan}");
        }
    }
    let activity = atende_db::repo::contacts::activity_of_many(&tx, &ids).await.unwrap();
    assert!(!activity.is_empty(), "the seeded contacts have conversations");
}

postgres_only!(
    contact_activity_reads_the_contact_index_for_the_page,
    provider_id_lookup_uses_its_unique_index_in_custom_and_generic_plans,
    opening_a_conversation_walks_its_index_backwards_without_sorting,
    every_inbox_tab_reads_its_first_page_in_index_order,
    previews_probe_the_conversation_index_once_per_conversation,
    reads_in_index_order_leave_sorting_on_for_the_rest_of_the_transaction,
    a_statement_prepared_while_the_table_was_empty_is_planned_again_as_it_grows,
);

// --------------------------------------------------------------------------------- SQLite

/// SQLite plans without `sqlite_stat1` by fixed rules, not by row counts, so an empty database
/// shows the plans a full one gets (until someone runs `ANALYZE`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_answers_the_same_reads_from_the_same_indexes() {
    // Arrange
    let t = TestDb::sqlite().await;
    assert_eq!(t.backend(), Backend::Sqlite);
    let db: &Db = &t.db;
    let tenant = fixtures::tenant(db, "lite").await;
    let agent = fixtures::user(db, "agent@lite.test").await;
    let tx = db.tenant_tx(tenant).await.unwrap();
    let id = Uuid::now_v7();
    let page = PageRequest { limit: 50, after: None };
    let backend = DbBackend::Sqlite;
    let mut checks: Vec<(String, Statement, Vec<&str>)> = vec![
        (
            "provider id".into(),
            messages::find_by_provider_id_query(tenant, id, "wamid.x").build(backend),
            vec!["uq_messages__provider_message_id"],
        ),
        (
            "open a conversation".into(),
            messages::history_query(tenant, id, page).build(backend),
            vec!["ix_messages__conversation"],
        ),
        (
            "previews".into(),
            messages::previews_query(backend, tenant, &[id, Uuid::now_v7()]).unwrap(),
            vec!["sqlite_autoindex_messages_1", "ix_messages__conversation"],
        ),
    ];
    for tab in tabs(agent) {
        checks.push((
            tab.name.to_owned(),
            conversations::list_query(tenant, &tab.filter, INBOX_PAGE).build(backend),
            tab.sqlite.to_vec(),
        ));
    }

    for (what, stmt, indexes) in checks {
        // Act
        let plan = sqlite_plan(tx.conn(), &stmt).await;

        // Assert: every table access is a SEARCH through one of the expected indexes (only the
        // VALUES list is scanned); no temporary B-tree sorts the rows.
        let text = plan.join("\n  ");
        eprintln!("{what}:\n  {text}");
        assert!(!text.contains("TEMP B-TREE"), "{what}:\n  {text}");
        for line in &plan {
            // A full scan names its table (or alias); the VALUES list of ids may be scanned.
            let scanned = line.strip_prefix("SCAN ").and_then(|r| r.split_whitespace().next());
            assert!(
                !matches!(scanned, Some("messages" | "m" | "latest" | "conversations")),
                "{what}:\n  {text}"
            );
            if line.starts_with("SEARCH") {
                assert!(
                    indexes.iter().any(|i| line.contains(&format!("INDEX {i} "))),
                    "{what}:\n  {text}"
                );
            }
        }
        assert!(plan.iter().any(|l| l.starts_with("SEARCH")), "{what}:\n  {text}");
    }
}
