//! Read-path timings of the inbox (used by `bench/inbox`): opening a conversation (its latest 50
//! messages) and the first page of the inbox's tabs, through Atende's own use cases
//! (`inbox::send::list`, `inbox::conversations::list`) over a real pool as the application role
//! under row-level security, each beside the bare indexed `SELECT` of the same rows on the same
//! server (the baseline).
//!
//! The use cases run exactly as behind the HTTP API, minus HTTP and JSON: a tenant transaction
//! (`BEGIN`, `set_config('app.tenant_id', …)`), the permission check, the agent's visibility, the
//! reads, the views, `COMMIT`. The baseline is one prepared `SELECT` per operation, as the schema
//! owner (no row-level security), outside any transaction, on its own connection with the
//! server's default plan caching. Both fetch the same rows: 51 messages (a page of 50 plus the
//! one that tells whether more exist) and 31 conversations.
//!
//! Two regimes, on disjoint halves of the targets:
//! - **cold**: each operation's first touch of its rows since the run began (the rows may still
//!   be in the OS page cache; PostgreSQL's shared buffers are far smaller than the data). Even
//!   targets time the use case first, odd ones the baseline first, so both sample the same
//!   distribution and neither warms the other's rows;
//! - **warm**: one untimed pass of both, then `--rounds` timed passes alternating baseline and use
//!   case.
//!
//! Finally `EXPLAIN (ANALYZE, BUFFERS)` of the use cases' main statements (built by the
//! repositories' `*_query` functions, so they are the statements that run) for a few targets:
//! planning and execution time, buffers, and the plan's shape.
//!
//! Targets come from `--targets`: one line per target, `tenant agent conversation` (UUIDs): an
//! agent of the tenant and a conversation of more than 50 messages the agent may open.
//! Prints one JSON object on stdout.
//!
//! ```sh
//! cargo run --release --example inbox_reads -- --url postgres://app@127.0.0.1/db \
//!     --owner-url postgres://postgres@127.0.0.1/db --targets targets.txt
//! ```

use anyhow::{Context, bail};
use atende_core::inbox::conversations::{ListQuery, list as list_conversations};
use atende_core::inbox::send::list as list_messages;
use atende_core::{Core, CoreConfig, crypto::Keys, mail::LogMailer};
use atende_db::repo::conversations::{AssigneeFilter, InboxFilter, InboxPage, Visibility, list_query};
use atende_db::repo::messages::{SORTS_OFF, history_query, previews_query};
use atende_db::sea_orm::{ConnectionTrait, DbBackend, QueryTrait, Statement};
use atende_db::{Db, DbOptions, PageRequest, Scoped};
use atende_domain::{Actor, ConversationStatus, Role, TenantCtx, TenantId, UserId};
use clap::Parser;
use sea_orm::sqlx::postgres::{PgPool, PgPoolOptions};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;

#[derive(Parser, Debug)]
#[command(about = "Time Atende's inbox reads against the bare indexed SELECT of the same rows")]
struct Args {
    /// The application role's URL (row-level security binds it).
    #[arg(long, env = "INBOX_URL")]
    url: String,
    /// The schema owner's URL (the baseline's connection).
    #[arg(long, env = "INBOX_OWNER_URL")]
    owner_url: String,
    /// The targets file (`tenant agent conversation` per line).
    #[arg(long, env = "INBOX_TARGETS")]
    targets: std::path::PathBuf,
    /// Timed passes per target in the warm regime.
    #[arg(long, env = "INBOX_ROUNDS", default_value_t = 2)]
    rounds: usize,
    /// Targets whose statements are EXPLAINed.
    #[arg(long, env = "INBOX_EXPLAIN", default_value_t = 20)]
    explain: usize,
}

#[derive(Clone, Copy, Debug)]
struct Target {
    tenant: TenantId,
    agent: UserId,
    conversation: Uuid,
}

/// The inbox's tabs as the web app asks for them (`web/src/inbox/queries.ts`, page of 30, the
/// API's default statuses) and who asks: *Mine* is the app's default tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Open,
    Mine,
    Unassigned,
    AllSupervisor,
}

impl Op {
    const ALL: [Self; 4] = [Self::Open, Self::Mine, Self::Unassigned, Self::AllSupervisor];

    fn name(self) -> &'static str {
        match self {
            Self::Open => "open a conversation (latest 50)",
            Self::Mine => "inbox first page: Mine (agent, default tab)",
            Self::Unassigned => "inbox first page: Unassigned (agent)",
            Self::AllSupervisor => "inbox first page: All (supervisor)",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Mine => "mine",
            Self::Unassigned => "unassigned",
            Self::AllSupervisor => "all_supervisor",
        }
    }

    fn ctx(self, t: &Target) -> TenantCtx {
        TenantCtx {
            tenant_id: t.tenant,
            actor: Actor::User(t.agent),
            role: if self == Self::AllSupervisor {
                Role::Supervisor
            } else {
                Role::Agent
            },
            impersonator: None,
        }
    }

    /// The `assignee` query parameter the web app sends for the tab.
    fn assignee(self) -> Option<String> {
        match self {
            Self::Mine => Some("me".into()),
            Self::Unassigned => Some("none".into()),
            Self::Open | Self::AllSupervisor => None,
        }
    }

    /// The bare SELECT of the rows the operation returns.
    fn bare_sql(self) -> &'static str {
        match self {
            Self::Open => {
                "SELECT * FROM messages WHERE tenant_id = $1 AND conversation_id = $2 ORDER BY id DESC LIMIT 51"
            }
            Self::Mine => {
                "SELECT * FROM conversations WHERE tenant_id = $1 AND status IN ('open', 'pending', 'waiting') \
                 AND assignee_id = $2 ORDER BY last_message_at DESC, id DESC LIMIT 31"
            }
            Self::Unassigned => {
                "SELECT * FROM conversations WHERE tenant_id = $1 AND status IN ('open', 'pending', 'waiting') \
                 AND assignee_id IS NULL ORDER BY last_message_at DESC, id DESC LIMIT 31"
            }
            Self::AllSupervisor => {
                "SELECT * FROM conversations WHERE tenant_id = $1 AND status IN ('open', 'pending', 'waiting') \
                 ORDER BY last_message_at DESC, id DESC LIMIT 31"
            }
        }
    }
}

/// Runs the use case; returns how many rows it produced.
async fn app(core: &Core, op: Op, t: &Target) -> anyhow::Result<usize> {
    let ctx = op.ctx(t);
    Ok(match op {
        Op::Open => list_messages(core, &ctx, t.conversation, Some(50), None)
            .await?
            .items
            .len(),
        _ => {
            let q = ListQuery {
                assignee: op.assignee(),
                limit: Some(30),
                ..ListQuery::default()
            };
            list_conversations(core, &ctx, q).await?.items.len()
        }
    })
}

/// Runs the baseline; returns how many rows it fetched.
async fn bare(pool: &PgPool, op: Op, t: &Target) -> anyhow::Result<usize> {
    let mut q = sea_orm::sqlx::query(op.bare_sql()).bind(t.tenant.uuid());
    match op {
        Op::Open => q = q.bind(t.conversation),
        Op::Mine => q = q.bind(t.agent.uuid()),
        Op::Unassigned | Op::AllSupervisor => {}
    }
    Ok(q.fetch_all(pool).await?.len())
}

#[derive(Default)]
struct Samples {
    us: Vec<u64>,
    rows: usize,
}

impl Samples {
    fn push(&mut self, started: Instant, rows: usize) {
        self.us
            .push(u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX));
        self.rows += rows;
    }

    fn summary(&mut self) -> Value {
        self.us.sort_unstable();
        let n = self.us.len();
        let ms = |us: u64| us as f64 / 1000.0;
        let pct = |p: f64| {
            if n == 0 {
                return f64::NAN;
            }
            let rank = ((p / 100.0) * n as f64).ceil() as usize;
            ms(self.us[rank.clamp(1, n) - 1])
        };
        let mean = if n == 0 {
            f64::NAN
        } else {
            self.us.iter().sum::<u64>() as f64 / n as f64 / 1000.0
        };
        json!({
            "n": n,
            "rows_per_op": if n == 0 { 0.0 } else { self.rows as f64 / n as f64 },
            "p50_ms": pct(50.0), "p90_ms": pct(90.0), "p99_ms": pct(99.0),
            "max_ms": self.us.last().map_or(f64::NAN, |u| ms(*u)),
            "mean_ms": mean,
            "per_s": 1000.0 / mean,
        })
    }
}

async fn time_app(core: &Core, op: Op, t: &Target, s: &mut Samples) -> anyhow::Result<()> {
    let started = Instant::now();
    let rows = app(core, op, t).await?;
    s.push(started, rows);
    Ok(())
}

async fn time_bare(pool: &PgPool, op: Op, t: &Target, s: &mut Samples) -> anyhow::Result<()> {
    let started = Instant::now();
    let rows = bare(pool, op, t).await?;
    s.push(started, rows);
    Ok(())
}

/// `(cold, warm)` samples of `(use case, baseline)` for one operation.
async fn measure(
    core: &Core,
    pool: &PgPool,
    op: Op,
    cold: &[Target],
    warm: &[Target],
    rounds: usize,
) -> anyhow::Result<Value> {
    let (mut app_cold, mut bare_cold) = (Samples::default(), Samples::default());
    for (i, t) in cold.iter().enumerate() {
        if i % 2 == 0 {
            time_app(core, op, t, &mut app_cold).await?;
            bare(pool, op, t).await?;
        } else {
            time_bare(pool, op, t, &mut bare_cold).await?;
            app(core, op, t).await?;
        }
    }
    let (mut app_warm, mut bare_warm) = (Samples::default(), Samples::default());
    for t in warm {
        app(core, op, t).await?;
        bare(pool, op, t).await?;
    }
    for _ in 0..rounds {
        for t in warm {
            time_bare(pool, op, t, &mut bare_warm).await?;
            time_app(core, op, t, &mut app_warm).await?;
        }
    }
    Ok(json!({
        "name": op.name(),
        "cold": { "app": app_cold.summary(), "bare": bare_cold.summary() },
        "warm": { "app": app_warm.summary(), "bare": bare_warm.summary() },
    }))
}

/// `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` of `stmt` in a tenant transaction of the
/// application's pool (so as the application plans it), after `setting` if any.
async fn explain(db: &Db, tenant: TenantId, setting: Option<&str>, stmt: Statement) -> anyhow::Result<Value> {
    let tx = db.tenant_tx(tenant).await?;
    if let Some(s) = setting {
        tx.conn().execute_unprepared(s).await?;
    }
    let explain = Statement {
        sql: format!("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {}", stmt.sql),
        ..stmt
    };
    let row = tx
        .conn()
        .query_one_raw(explain)
        .await?
        .context("EXPLAIN returned no row")?;
    let plan: Value = row.try_get("", "QUERY PLAN")?;
    tx.commit().await?;
    Ok(plan[0].clone())
}

/// The outline of a plan: one `node type [using index] [on table]` per node, indented.
fn outline(node: &Value, depth: usize, out: &mut Vec<String>) {
    let s = |k: &str| node[k].as_str().map(|v| v.to_owned());
    let mut line = format!(
        "{:indent$}{}",
        "",
        s("Node Type").unwrap_or_default(),
        indent = depth * 2
    );
    if let Some(d) = s("Scan Direction").filter(|d| d != "Forward") {
        line.push_str(&format!(" {d}"));
    }
    if let Some(i) = s("Index Name") {
        line.push_str(&format!(" using {i}"));
    }
    if let Some(r) = s("Relation Name") {
        line.push_str(&format!(" on {r}"));
    }
    line.push_str(&format!(
        " (rows {}, loops {}, hit {}, read {})",
        node["Actual Rows"], node["Actual Loops"], node["Shared Hit Blocks"], node["Shared Read Blocks"]
    ));
    out.push(line);
    for c in node["Plans"].as_array().into_iter().flatten() {
        outline(c, depth + 1, out);
    }
}

/// EXPLAIN ANALYZE of the statements behind *open* and the tabs for the first `n` warm targets,
/// each as the repository runs it (with sorts off, see
/// `atende_db::repo::messages::in_index_order`), plus the history and the *All* page as the
/// planner would run them without that setting: planning and execution times, buffers, and the
/// last target's outlines.
async fn explain_all(db: &Db, targets: &[Target]) -> anyhow::Result<Value> {
    let working = vec![
        ConversationStatus::Open,
        ConversationStatus::Pending,
        ConversationStatus::Waiting,
    ];
    let mut out = serde_json::Map::new();
    for t in targets {
        let agent_view = Some(Visibility {
            user: t.agent.uuid(),
            teams: Vec::new(),
            departments: Vec::new(),
        });
        let tab = |assignee, visible_to| InboxFilter {
            statuses: working.clone(),
            assignee,
            visible_to,
            ..InboxFilter::default()
        };
        let mine = tab(Some(AssigneeFilter::Me(t.agent)), agent_view.clone());
        let unassigned = tab(Some(AssigneeFilter::Nobody), agent_view);
        let all = tab(None, None);
        let page = InboxPage { limit: 30, after: None };
        let tx = db.tenant_tx(t.tenant).await?;
        let ids: Vec<Uuid> = atende_db::repo::conversations::list(&tx, &mine, page)
            .await?
            .items
            .iter()
            .map(|c| c.id)
            .collect();
        tx.commit().await?;
        let history = history_query(t.tenant, t.conversation, PageRequest { limit: 50, after: None });
        let pg = DbBackend::Postgres;
        let mut statements = vec![
            ("history", Some(SORTS_OFF), history.clone().build(pg)),
            ("history_planner_default", None, history.build(pg)),
            (
                "inbox_mine",
                Some(SORTS_OFF),
                list_query(t.tenant, &mine, page).build(pg),
            ),
            (
                "inbox_unassigned",
                Some(SORTS_OFF),
                list_query(t.tenant, &unassigned, page).build(pg),
            ),
            (
                "inbox_all_supervisor",
                Some(SORTS_OFF),
                list_query(t.tenant, &all, page).build(pg),
            ),
            (
                "inbox_all_supervisor_planner_default",
                None,
                list_query(t.tenant, &all, page).build(pg),
            ),
        ];
        if let Some(p) = previews_query(pg, t.tenant, &ids) {
            statements.push(("previews_mine", Some(SORTS_OFF), p));
        }
        for (name, setting, stmt) in statements {
            let e = explain(db, t.tenant, setting, stmt).await?;
            let entry = out
                .entry(name)
                .or_insert_with(|| json!({ "planning_ms": [], "execution_ms": [], "hit": [], "read": [] }));
            for (key, field) in [
                ("planning_ms", &e["Planning Time"]),
                ("execution_ms", &e["Execution Time"]),
                ("hit", &e["Plan"]["Shared Hit Blocks"]),
                ("read", &e["Plan"]["Shared Read Blocks"]),
            ] {
                if let Some(list) = entry[key].as_array_mut() {
                    list.push(field.clone());
                }
            }
            let mut lines = Vec::new();
            outline(&e["Plan"], 0, &mut lines);
            entry["outline"] = json!(lines);
        }
    }
    Ok(Value::Object(out))
}

fn read_targets(path: &std::path::Path) -> anyhow::Result<Vec<Target>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let [tenant, agent, conversation] = f.as_slice() else {
                bail!("a target line is `tenant agent conversation`: {l}");
            };
            Ok(Target {
                tenant: TenantId::from(Uuid::parse_str(tenant)?),
                agent: UserId::from(Uuid::parse_str(agent)?),
                conversation: Uuid::parse_str(conversation)?,
            })
        })
        .collect()
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let targets = read_targets(&args.targets)?;
    if targets.len() < 4 {
        bail!("need at least 4 targets, got {}", targets.len());
    }
    let (cold, warm) = targets.split_at(targets.len() / 2);
    let opts = DbOptions {
        max_connections: 2,
        ..DbOptions::default()
    };
    let db = Db::connect(&args.url, &opts)
        .await
        .context("connecting as the application role")?;
    let core = Core::new(
        db.clone(),
        Keys::from_secret(&[7u8; 32])?,
        Arc::new(LogMailer),
        CoreConfig::default(),
    )?;
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect(&args.owner_url)
        .await
        .context("connecting as the owner")?;
    let started = Instant::now();
    let mut ops = serde_json::Map::new();
    for op in Op::ALL {
        ops.insert(
            op.key().into(),
            measure(&core, &pool, op, cold, warm, args.rounds).await?,
        );
    }
    let measured_s = started.elapsed().as_secs_f64();
    let explained = explain_all(&db, &warm[..args.explain.min(warm.len())]).await?;
    println!(
        "{}",
        json!({
            "targets": targets.len(), "cold_targets": cold.len(), "warm_targets": warm.len(),
            "rounds": args.rounds, "measured_s": measured_s, "ops": ops, "explain": explained,
        })
    );
    Ok(())
}
