//! The inbox: listing and working conversations.

use super::{ConversationView, conversation_views, visibility, visible_conversation};
use crate::Core;
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::authz::require;
use crate::bus::{Event, EventKind};
use crate::error::{CoreError, CoreResult};
use crate::views::Paged;
use atende_db::TenantTx;
use atende_db::entities::conversations::Model as Conversation;
use atende_db::jobs::{self as queue, NewJob};
pub use atende_db::repo::conversations::InboxCounts;
use atende_db::repo::conversations::{self, AssigneeFilter, ConversationPatch, InboxFilter, InboxPage};
use atende_db::repo::messages::{self, NewMessage};
use atende_db::repo::{departments, memberships, tags, teams};
use atende_domain::conversation::transition;
use atende_domain::{
    Action, Author, ConversationStatus, DepartmentId, FieldErrors, MessageType, Priority, Role, TeamId, TenantCtx,
    UserId,
};
use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

/// The inbox's query, as received.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    /// Comma-separated statuses; default: the working ones (`open,pending,waiting`).
    pub status: Option<String>,
    /// `me`, `none` or a user id.
    pub assignee: Option<String>,
    pub team_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub channel_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub tag_id: Option<Uuid>,
    pub unread: Option<bool>,
    pub q: Option<String>,
    pub limit: Option<u64>,
    pub cursor: Option<String>,
}

fn parse_statuses(raw: Option<&str>, errs: &mut FieldErrors) -> Vec<ConversationStatus> {
    match raw.map(str::trim) {
        None | Some("") => vec![
            ConversationStatus::Open,
            ConversationStatus::Pending,
            ConversationStatus::Waiting,
        ],
        Some("all") => Vec::new(),
        Some(list) => list
            .split(',')
            .filter_map(|s| match s.trim().parse::<ConversationStatus>() {
                Ok(v) => Some(v),
                Err(_) => {
                    errs.add("status", format!("unknown status {:?}", s.trim()));
                    None
                }
            })
            .collect(),
    }
}

/// The inbox, newest activity first.
///
/// # Errors
/// 422 for bad filters.
pub async fn list(core: &Core, ctx: &TenantCtx, q: ListQuery) -> CoreResult<Paged<ConversationView>> {
    require(ctx, Action::ConversationsRead)?;
    let filter = parse_filter(ctx, &q)?;
    let page = InboxPage::parse(q.limit, q.cursor.as_deref()).map_err(|(f, m)| CoreError::field(f, m))?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let filter = InboxFilter {
        visible_to: visibility(&tx, ctx).await?,
        ..filter
    };
    let rows = conversations::list(&tx, &filter, page).await?;
    let next_cursor = rows.next_cursor.clone();
    let items = conversation_views(&tx, rows.items).await?;
    tx.commit().await?;
    Ok(Paged { items, next_cursor })
}

/// How many conversations each tab (*Mine*, *Unassigned*, *All*) lists under the list's filters
/// (`limit` and `cursor` are not read; an `assignee` narrows all three, e.g. *All* of one agent):
/// what the tab badges show, and what an empty *Mine* points to (the queue). Conversations, not
/// unread messages: a badge that says 3 over a tab listing 5 was defect 5 of issue 10.
///
/// # Errors
/// 422 for bad filters.
pub async fn counts(core: &Core, ctx: &TenantCtx, q: ListQuery) -> CoreResult<InboxCounts> {
    require(ctx, Action::ConversationsRead)?;
    let filter = parse_filter(ctx, &q)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let filter = InboxFilter {
        visible_to: visibility(&tx, ctx).await?,
        ..filter
    };
    let counts = conversations::counts(&tx, &filter, ctx.user_id()).await?;
    tx.commit().await?;
    Ok(counts)
}

/// The filters of `q` (not the page; the caller's visibility is added inside the transaction).
fn parse_filter(ctx: &TenantCtx, q: &ListQuery) -> CoreResult<InboxFilter> {
    let mut errs = FieldErrors::new();
    let assignee = match q.assignee.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("me") => match ctx.user_id() {
            Some(u) => Some(AssigneeFilter::Me(u)),
            None => {
                errs.add("assignee", "an API key has no conversations of its own");
                None
            }
        },
        Some("none") => Some(AssigneeFilter::Nobody),
        Some(id) => match Uuid::parse_str(id) {
            Ok(u) => Some(AssigneeFilter::User(u)),
            Err(_) => {
                errs.add("assignee", "must be me, none or a user id");
                None
            }
        },
    };
    let statuses = parse_statuses(q.status.as_deref(), &mut errs);
    if q.q.as_deref().is_some_and(|s| s.chars().count() > 200) {
        errs.add("q", "must have at most 200 characters");
    }
    errs.into_result()?;
    Ok(InboxFilter {
        statuses,
        assignee,
        team_id: q.team_id,
        department_id: q.department_id,
        channel_id: q.channel_id,
        contact_id: q.contact_id,
        tag_id: q.tag_id,
        unread: q.unread.unwrap_or(false),
        search: q.q.clone(),
        visible_to: None,
    })
}

/// # Errors
/// 404, also outside an agent's scope.
pub async fn get(core: &Core, ctx: &TenantCtx, id: Uuid) -> CoreResult<ConversationView> {
    require(ctx, Action::ConversationsRead)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let c = visible_conversation(&tx, ctx, id).await?;
    let view = one_view(&tx, c).await?;
    tx.commit().await?;
    Ok(view)
}

async fn one_view(tx: &TenantTx, c: Conversation) -> CoreResult<ConversationView> {
    conversation_views(tx, vec![c]).await?.pop().ok_or(CoreError::NotFound)
}

/// A change of a conversation: every field optional.
#[derive(Clone, Debug, Default)]
pub struct Update {
    pub status: Option<String>,
    pub priority: Option<String>,
    /// `Some(None)` wakes it up.
    pub snoozed_until: Option<Option<DateTime<Utc>>>,
    /// Replaces the conversation's tags.
    pub tag_ids: Option<Vec<Uuid>>,
}

/// Changes status (by the transition table), priority, snooze and tags. Snoozing parks the
/// conversation as `pending` until the time; an inbound message wakes it earlier.
///
/// # Errors
/// 422 `invalid_status_transition` or bad fields; 404.
pub async fn update(
    core: &Core,
    ctx: &TenantCtx,
    id: Uuid,
    u: Update,
    meta: &RequestMeta,
) -> CoreResult<ConversationView> {
    require(ctx, Action::ConversationsWork)?;
    let mut errs = FieldErrors::new();
    let status = u
        .status
        .as_deref()
        .and_then(|s| errs.check("status", s.parse::<ConversationStatus>()));
    let priority = u
        .priority
        .as_deref()
        .and_then(|s| errs.check("priority", s.parse::<Priority>()));
    if u.tag_ids.as_ref().is_some_and(|t| t.len() > 50) {
        errs.add("tag_ids", "at most 50 tags");
    }
    errs.into_result()?;
    // A time that has passed is refused, as 409: the body is well-formed (the same one was fine
    // a moment earlier), it conflicts with the clock at the time of the request.
    if let Some(Some(t)) = u.snoozed_until
        && t <= Utc::now()
    {
        return Err(CoreError::Conflict {
            code: "snooze_in_past",
            field: "snoozed_until".into(),
            message: "must be in the future".into(),
        });
    }

    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let current = visible_conversation(&tx, ctx, id).await?;
    let before = one_view(&tx, current.clone()).await?;
    let from: ConversationStatus = current.status.parse().unwrap_or(ConversationStatus::Open);
    let mut patch = ConversationPatch {
        priority,
        snoozed_until: u.snoozed_until,
        ..ConversationPatch::default()
    };
    let mut target = status;
    if matches!(u.snoozed_until, Some(Some(_))) && target.is_none() {
        target = Some(ConversationStatus::Pending);
    }
    if let Some(to) = target {
        // A move the status machine does not allow from the current status is a 409.
        let t = transition(from, to).map_err(|e| CoreError::Conflict {
            code: "invalid_transition",
            field: "status".into(),
            message: e.to_string(),
        })?;
        if !t.is_noop() {
            patch.status = Some(to);
            if to != ConversationStatus::Pending && u.snoozed_until.is_none() {
                patch.snoozed_until = Some(None);
            }
        }
    }
    let c = conversations::update(&tx, current, patch).await?;
    if let Some(ids) = &u.tag_ids {
        let now_on: Vec<Uuid> = tags::of_conversation(&tx, c.id).await?.iter().map(|t| t.id).collect();
        for t in ids.iter().filter(|t| !now_on.contains(t)) {
            tags::tag_conversation(&tx, c.id, *t).await.map_err(|e| match e {
                atende_db::DbError::MissingReference => CoreError::MissingReference {
                    field: "tag_ids".into(),
                    message: "no such tag".into(),
                },
                other => other.into(),
            })?;
        }
        for t in now_on.iter().filter(|t| !ids.contains(t)) {
            tags::untag_conversation(&tx, c.id, *t).await?;
        }
    }
    let lined = super::lifecycle::status_line(&tx, ctx, &before, &c).await?;
    let view = one_view(&tx, c).await?;
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("conversations.update", "conversation", id)
            .before(&before)
            .after(&view),
    )
    .await?;
    tx.commit().await?;
    let mut events = vec![
        Event::new(EventKind::ConversationUpdated, ctx.tenant_id)
            .conversation(id)
            .data(json!({ "status": view.status })),
    ];
    if lined {
        events.push(Event::new(EventKind::MessageCreated, ctx.tenant_id).conversation(id));
    }
    core.publish(events).await;
    Ok(view)
}

/// Whether `user` is an active member who can work conversations (not a viewer).
pub(super) async fn is_workable_member(tx: &TenantTx, user: Uuid) -> CoreResult<bool> {
    Ok(matches!(memberships::of_user(tx, UserId(user)).await?,
        Some(m) if m.active && Role::parse(&m.role).is_ok_and(|r| r != Role::Viewer)))
}

/// An active member who can work conversations (not a viewer).
async fn workable_member(tx: &TenantTx, user: Uuid, field: &str) -> CoreResult<()> {
    match memberships::of_user(tx, UserId(user)).await? {
        Some(m) if m.active && Role::parse(&m.role).is_ok_and(|r| r != Role::Viewer) => Ok(()),
        // A member who cannot take conversations (deactivated, viewer): 409; nobody: 404.
        Some(_) => Err(CoreError::Conflict {
            code: "not_an_agent",
            field: field.to_owned(),
            message: "not an active agent of this workspace".into(),
        }),
        None => Err(CoreError::MissingReference {
            field: field.to_owned(),
            message: "no such member".into(),
        }),
    }
}

/// Who a conversation goes to.
#[derive(Clone, Debug, Default)]
pub struct Target {
    /// `Some(None)` unassigns.
    pub user_id: Option<Option<Uuid>>,
    pub team_id: Option<Option<Uuid>>,
    pub department_id: Option<Option<Uuid>>,
}

async fn check_target(tx: &TenantTx, t: &Target) -> CoreResult<()> {
    if let Some(Some(u)) = t.user_id {
        workable_member(tx, u, "user_id").await?;
    }
    if let Some(Some(team)) = t.team_id {
        teams::get(tx, TeamId(team))
            .await
            .map_err(|_| CoreError::MissingReference {
                field: "team_id".into(),
                message: "no such team".into(),
            })?;
    }
    if let Some(Some(d)) = t.department_id {
        departments::get(tx, DepartmentId(d))
            .await
            .map_err(|_| CoreError::MissingReference {
                field: "department_id".into(),
                message: "no such department".into(),
            })?;
    }
    Ok(())
}

/// Assigns (or unassigns) a conversation. Any agent may take an unassigned conversation or pass
/// one of theirs on; taking a colleague's needs a supervisor (`conversations.manage`).
///
/// # Errors
/// 403, 404, 422.
pub async fn assign(
    core: &Core,
    ctx: &TenantCtx,
    id: Uuid,
    t: Target,
    meta: &RequestMeta,
) -> CoreResult<ConversationView> {
    require(ctx, Action::ConversationsWork)?;
    if t.user_id.is_none() && t.team_id.is_none() && t.department_id.is_none() {
        return Err(CoreError::field(
            "user_id",
            "name a user (or null to unassign), a team or a department",
        ));
    }
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let current = visible_conversation(&tx, ctx, id).await?;
    let me = ctx.user_id().map(UserId::uuid);
    let others = current.assignee_id.is_some_and(|a| Some(a) != me);
    if others && !atende_domain::permission::allows(ctx.role, Action::ConversationsManage) {
        return Err(CoreError::Forbidden(
            "conversation_assigned_to_someone_else",
            "this conversation is assigned to another agent: ask them or a supervisor to transfer it".into(),
        ));
    }
    check_target(&tx, &t).await?;
    let view = move_to(core, &tx, ctx, current, &t, None, "conversations.assign", meta).await?;
    tx.commit().await?;
    publish_assignment(core, ctx, &view).await;
    Ok(view)
}

/// Transfers a conversation to a user, a team or a department, with an optional note for the
/// receiver (a private note) and a system line in the history.
///
/// # Errors
/// 403, 404, 422.
pub async fn transfer(
    core: &Core,
    ctx: &TenantCtx,
    id: Uuid,
    t: Target,
    note: Option<String>,
    meta: &RequestMeta,
) -> CoreResult<ConversationView> {
    require(ctx, Action::ConversationsWork)?;
    let target_named = matches!(t.user_id, Some(Some(_)))
        || matches!(t.team_id, Some(Some(_)))
        || matches!(t.department_id, Some(Some(_)));
    if !target_named {
        return Err(CoreError::field(
            "user_id",
            "name a user, a team or a department to transfer to",
        ));
    }
    if note.as_ref().is_some_and(|n| n.chars().count() > 4096) {
        return Err(CoreError::field("note", "must have at most 4096 characters"));
    }
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let current = visible_conversation(&tx, ctx, id).await?;
    let me = ctx.user_id().map(UserId::uuid);
    if current.assignee_id.is_some_and(|a| Some(a) != me)
        && !atende_domain::permission::allows(ctx.role, Action::ConversationsManage)
    {
        return Err(CoreError::Forbidden(
            "conversation_assigned_to_someone_else",
            "only its assignee or a supervisor can transfer this conversation".into(),
        ));
    }
    check_target(&tx, &t).await?;
    // A transfer to a team or a department without a user hands it to the queue: unassigned.
    let mut t = t;
    if t.user_id.is_none() {
        t.user_id = Some(None);
    }
    if t.department_id.is_some() && t.team_id.is_none() {
        t.team_id = Some(None);
    }
    let view = move_to(
        core,
        &tx,
        ctx,
        current,
        &t,
        note.filter(|n| !n.trim().is_empty()),
        "conversations.transfer",
        meta,
    )
    .await?;
    tx.commit().await?;
    publish_assignment(core, ctx, &view).await;
    Ok(view)
}

#[allow(clippy::too_many_arguments)]
async fn move_to(
    core: &Core,
    tx: &TenantTx,
    ctx: &TenantCtx,
    current: Conversation,
    t: &Target,
    note: Option<String>,
    action: &str,
    meta: &RequestMeta,
) -> CoreResult<ConversationView> {
    let _ = core;
    let before = one_view(tx, current.clone()).await?;
    let c = conversations::update(
        tx,
        current,
        ConversationPatch {
            assignee_id: t.user_id,
            team_id: t.team_id,
            department_id: t.department_id,
            ..ConversationPatch::default()
        },
    )
    .await?;
    let changes = json!({
        "from": { "assignee_id": before.assignee_id, "team_id": before.team_id, "department_id": before.department_id },
        "to": { "assignee_id": c.assignee_id, "team_id": c.team_id, "department_id": c.department_id },
        "by": ctx.user_id().map(UserId::uuid),
    });
    let line = if action == "conversations.transfer" {
        "transferred"
    } else {
        "assigned"
    };
    let mut system = NewMessage::new(c.id, c.channel_id, Author::System, MessageType::System);
    system.body = Some(line.into());
    system.payload = Some(changes);
    system.author_user_id = ctx.user_id().map(UserId::uuid);
    messages::insert(tx, system).await?;
    if let Some(text) = note {
        let mut n = NewMessage::new(c.id, c.channel_id, Author::Agent, MessageType::Text);
        n.body = Some(text);
        n.is_private_note = true;
        n.author_user_id = ctx.user_id().map(UserId::uuid);
        messages::insert(tx, n).await?;
    }
    conversations::record_message(tx, c.id, Utc::now(), false).await?;
    let c = conversations::get(tx, c.id).await?;
    let view = one_view(tx, c).await?;
    audit::record(
        tx,
        Who::Ctx(ctx),
        meta,
        Entry::new(action, "conversation", view.id).before(&before).after(&view),
    )
    .await?;
    Ok(view)
}

pub(super) async fn publish_assignment(core: &Core, ctx: &TenantCtx, v: &ConversationView) {
    core.publish(vec![
        Event::new(EventKind::ConversationAssigned, ctx.tenant_id)
            .conversation(v.id)
            .data(json!({ "assignee_id": v.assignee_id, "team_id": v.team_id, "department_id": v.department_id })),
        Event::new(EventKind::MessageCreated, ctx.tenant_id).conversation(v.id),
    ])
    .await;
}

/// The job that tells the provider the customer's messages were read (blue ticks).
pub const READ_RECEIPT_KIND: &str = "message.read_receipt";

/// The team read the conversation: unread back to zero, and the customer's last message is
/// marked read on WhatsApp (by a job: the provider call never holds the request).
///
/// # Errors
/// 404.
pub async fn mark_read(core: &Core, ctx: &TenantCtx, id: Uuid) -> CoreResult<()> {
    require(ctx, Action::ConversationsRead)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let c = visible_conversation(&tx, ctx, id).await?;
    let had_unread = c.unread_count > 0;
    conversations::mark_read(&tx, id).await?;
    if had_unread && atende_domain::permission::allows(ctx.role, Action::ConversationsWork) {
        let job = NewJob::new(
            queue::queue::OUTBOUND,
            READ_RECEIPT_KIND,
            json!({ "conversation_id": id }),
        );
        queue::enqueue(&tx, job).await?;
    }
    tx.commit().await?;
    core.publish(vec![
        Event::new(EventKind::Read, ctx.tenant_id)
            .conversation(id)
            .data(json!({ "by": ctx.user_id().map(UserId::uuid) })),
    ])
    .await;
    Ok(())
}

/// Wakes snoozed conversations whose time has come (every tenant) and tells live screens.
/// Run periodically by every worker; concurrent runs are harmless (the update is conditional).
///
/// # Errors
/// Database failure.
pub async fn wake_snoozed(core: &Core) -> CoreResult<usize> {
    let tx = core.db.platform_tx().await?;
    let woken = conversations::wake_snoozed(&tx, Utc::now()).await?;
    tx.commit().await?;
    let events = woken
        .iter()
        .map(|(tenant, id)| {
            Event::new(EventKind::ConversationUpdated, atende_domain::TenantId(*tenant))
                .conversation(*id)
                .data(json!({ "status": "open", "woken": true }))
        })
        .collect();
    core.publish(events).await;
    Ok(woken.len())
}
