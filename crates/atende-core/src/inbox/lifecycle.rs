//! A conversation's lifecycle beyond the plain status change: who handles it (the explicit take,
//! "Atender", and the first reply that takes an unassigned conversation — the tenant's
//! `assign_on_reply`, on by default), the thread's lines for resolve and reopen, and undoing a
//! resolve.
//!
//! Both leave the same trail as an assignment: a stored `assigned` system line whose `to` is the
//! agent who `by` took it (the thread reads "Você assumiu a conversa"), a
//! `conversations.assign` audit row, and `conversation.assigned` on the bus.
//!
//! Taking is atomic (`UPDATE … WHERE assignee_id IS NULL`): of two agents pressing "Atender" at
//! once, one gets the conversation and the other a 409 `conversation_taken` naming nobody's
//! mistake. A supervisor or admin (`conversations.manage`) who takes a colleague's conversation
//! takes it over instead, like Chatwoot's "assign to me"; an agent cannot (409, or 404 when the
//! conversation is outside their scope). Taking one's own conversation changes nothing.

use super::conversations::publish_assignment;
use super::{ConversationView, conversation_views, visible_conversation};
use crate::Core;
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::authz::{require, require_person};
use crate::bus::{Event, EventKind};
use crate::error::{CoreError, CoreResult};
use atende_db::TenantTx;
use atende_db::entities::conversations::Model as Conversation;
use atende_db::repo::conversations::{self, ConversationPatch};
use atende_db::repo::messages::{self, NewMessage};
use atende_domain::{Action, Author, MessageType, SystemEvent, TenantCtx, UserId};
use chrono::Utc;
use serde_json::json;
use uuid::Uuid;

async fn view_of(tx: &TenantTx, c: Conversation) -> CoreResult<ConversationView> {
    conversation_views(tx, vec![c]).await?.pop().ok_or(CoreError::NotFound)
}

/// Writes the `assigned` line and the audit row of `user` taking `before`'s conversation, and
/// returns the conversation as it is now.
async fn record_take(
    tx: &TenantTx,
    ctx: &TenantCtx,
    before: &ConversationView,
    user: Uuid,
    reason: &str,
    meta: &RequestMeta,
) -> CoreResult<ConversationView> {
    let c = conversations::get(tx, before.id).await?;
    let mut line = NewMessage::new(c.id, c.channel_id, Author::System, MessageType::System);
    line.body = Some(SystemEvent::Assigned.as_str().into());
    line.payload = Some(json!({
        "from": { "assignee_id": before.assignee_id, "team_id": before.team_id, "department_id": before.department_id },
        "to": { "assignee_id": user, "team_id": c.team_id, "department_id": c.department_id },
        "by": user,
        "reason": reason,
    }));
    line.author_user_id = Some(user);
    messages::insert(tx, line).await?;
    conversations::record_message(tx, c.id, Utc::now(), false).await?;
    let after = view_of(tx, conversations::get(tx, c.id).await?).await?;
    audit::record(
        tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("conversations.assign", "conversation", after.id)
            .before(before)
            .after(&json!({ "assignee_id": after.assignee_id, "reason": reason })),
    )
    .await?;
    Ok(after)
}

/// The first reply takes the conversation: called by `send` inside its transaction after an
/// agent's (not a note's, not an API key's) message was stored. Returns the conversation when
/// this reply took it, for the caller to publish after the commit.
///
/// # Errors
/// Database failure.
pub(crate) async fn take_on_reply(
    tx: &TenantTx,
    ctx: &TenantCtx,
    conv: &Conversation,
    meta: &RequestMeta,
) -> CoreResult<Option<ConversationView>> {
    let Some(me) = ctx.user_id().map(UserId::uuid) else {
        return Ok(None);
    };
    if conv.assignee_id.is_some() || !crate::people::tenants::settings_of(tx).await?.assign_on_reply {
        return Ok(None);
    }
    let before = view_of(tx, conv.clone()).await?;
    if !conversations::claim_unassigned(tx, conv.id, me).await? {
        return Ok(None);
    }
    Ok(Some(record_take(tx, ctx, &before, me, "reply", meta).await?))
}

/// "Atender": the caller takes the conversation (see the module's rules).
///
/// # Errors
/// 403 for a viewer or an API key; 404; 409 `conversation_taken`.
pub async fn take(core: &Core, ctx: &TenantCtx, id: Uuid, meta: &RequestMeta) -> CoreResult<ConversationView> {
    require(ctx, Action::ConversationsWork)?;
    require_person(ctx)?;
    let me = ctx.user_id().map(UserId::uuid).ok_or_else(CoreError::forbidden)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let current = visible_conversation(&tx, ctx, id).await?;
    if current.assignee_id == Some(me) {
        let view = view_of(&tx, current).await?;
        tx.commit().await?;
        return Ok(view);
    }
    let before = view_of(&tx, current.clone()).await?;
    let taken = if current.assignee_id.is_none() {
        conversations::claim_unassigned(&tx, id, me).await?
    } else if atende_domain::permission::allows(ctx.role, Action::ConversationsManage) {
        let patch = ConversationPatch {
            assignee_id: Some(Some(me)),
            ..ConversationPatch::default()
        };
        conversations::update(&tx, current, patch).await?;
        true
    } else {
        false
    };
    if !taken {
        return Err(CoreError::Conflict {
            code: "conversation_taken",
            field: "assignee_id".into(),
            message: "another agent is already handling this conversation".into(),
        });
    }
    let view = record_take(&tx, ctx, &before, me, "take", meta).await?;
    tx.commit().await?;
    publish_assignment(core, ctx, &view).await;
    Ok(view)
}

/// Writes the thread's line for a person's status change when it resolves the conversation
/// (`resolved`, remembering the status, assignee and snooze it had, for [`undo_resolve`]) or
/// reopens a resolved or archived one (`reopened`). Returns whether a line was written. Other
/// moves (snooze, waiting) leave no line; a customer's message that reopens a resolved
/// conversation is visible in the thread itself.
///
/// # Errors
/// Database failure.
pub(crate) async fn status_line(
    tx: &TenantTx,
    ctx: &TenantCtx,
    before: &ConversationView,
    after: &Conversation,
) -> CoreResult<bool> {
    use atende_domain::ConversationStatus as S;
    let from: S = before.status.parse().unwrap_or(S::Open);
    let to: S = after.status.parse().unwrap_or(S::Open);
    let event = match (from, to) {
        (f, S::Resolved) if f != S::Resolved => SystemEvent::Resolved,
        (S::Resolved | S::Archived, S::Open | S::Pending | S::Waiting) => SystemEvent::Reopened,
        _ => return Ok(false),
    };
    let payload = json!({
        "from": { "status": before.status, "assignee_id": before.assignee_id, "snoozed_until": before.snoozed_until },
        "to": { "status": after.status, "assignee_id": after.assignee_id },
        "by": ctx.user_id().map(UserId::uuid),
    });
    system_line(tx, ctx, after, event, payload).await?;
    Ok(true)
}

async fn system_line(
    tx: &TenantTx,
    ctx: &TenantCtx,
    c: &Conversation,
    event: SystemEvent,
    payload: serde_json::Value,
) -> CoreResult<()> {
    let mut line = NewMessage::new(c.id, c.channel_id, Author::System, MessageType::System);
    line.body = Some(event.as_str().into());
    line.payload = Some(payload);
    line.author_user_id = ctx.user_id().map(UserId::uuid);
    messages::insert(tx, line).await?;
    Ok(())
}

/// Undoes the last resolve (the web's "Desfazer" toast): the conversation goes back to the
/// status, assignee and snooze it had, as the `resolved` line remembered them, with a
/// `reopened` line marked `undo` and a `conversations.undo_resolve` audit row. A restoration,
/// not a person's move: `pending` and `waiting` come back although a reopen goes to `open` (a
/// snooze whose time has passed comes back `open`); an assignee who is no longer an active
/// agent is not restored. Allowed to whoever may work the conversation, for as long as it is
/// still resolved.
///
/// # Errors
/// 403; 404; 409 `conversation_not_resolved`.
pub async fn undo_resolve(core: &Core, ctx: &TenantCtx, id: Uuid, meta: &RequestMeta) -> CoreResult<ConversationView> {
    use atende_domain::ConversationStatus as S;
    require(ctx, Action::ConversationsWork)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let current = visible_conversation(&tx, ctx, id).await?;
    let line = if current.status == S::Resolved.as_str() {
        messages::latest_system_line(&tx, id, SystemEvent::Resolved.as_str()).await?
    } else {
        None
    };
    let Some(line) = line else {
        return Err(CoreError::Conflict {
            code: "conversation_not_resolved",
            field: "status".into(),
            message: "this conversation is not resolved (anymore): there is nothing to undo".into(),
        });
    };
    let from = line
        .payload
        .as_ref()
        .and_then(|p| p.get("from"))
        .cloned()
        .unwrap_or_default();
    let snoozed = from
        .get("snoozed_until")
        .and_then(|v| serde_json::from_value::<chrono::DateTime<Utc>>(v.clone()).ok())
        .filter(|t| *t > Utc::now());
    let status = match from
        .get("status")
        .and_then(|s| s.as_str())
        .and_then(|s| s.parse::<S>().ok())
    {
        Some(S::Pending) if snoozed.is_none() => S::Open,
        Some(s @ (S::Open | S::Pending | S::Waiting)) => s,
        _ => S::Open,
    };
    let mut assignee = from
        .get("assignee_id")
        .and_then(|v| serde_json::from_value::<Option<Uuid>>(v.clone()).ok())
        .unwrap_or(current.assignee_id);
    if let Some(a) = assignee
        && !super::conversations::is_workable_member(&tx, a).await?
    {
        assignee = current.assignee_id;
    }
    let before = view_of(&tx, current.clone()).await?;
    let patch = ConversationPatch {
        status: Some(status),
        assignee_id: Some(assignee),
        snoozed_until: Some(snoozed),
        ..ConversationPatch::default()
    };
    let c = conversations::update(&tx, current, patch).await?;
    let payload = json!({
        "from": { "status": before.status, "assignee_id": before.assignee_id },
        "to": { "status": c.status, "assignee_id": c.assignee_id },
        "by": ctx.user_id().map(UserId::uuid),
        "undo": line.id,
    });
    system_line(&tx, ctx, &c, SystemEvent::Reopened, payload).await?;
    let view = view_of(&tx, c).await?;
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("conversations.undo_resolve", "conversation", id)
            .before(&before)
            .after(&view),
    )
    .await?;
    tx.commit().await?;
    let mut events = vec![
        Event::new(EventKind::ConversationUpdated, ctx.tenant_id)
            .conversation(id)
            .data(json!({ "status": view.status })),
        Event::new(EventKind::MessageCreated, ctx.tenant_id).conversation(id),
    ];
    if view.assignee_id != before.assignee_id {
        events.push(
            Event::new(EventKind::ConversationAssigned, ctx.tenant_id)
                .conversation(id)
                .data(json!({ "assignee_id": view.assignee_id, "team_id": view.team_id, "department_id": view.department_id })),
        );
    }
    core.publish(events).await;
    Ok(view)
}
