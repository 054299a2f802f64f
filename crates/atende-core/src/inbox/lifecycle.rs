//! Who handles a conversation: the explicit take ("Atender") and the first reply that takes an
//! unassigned conversation (the tenant's `assign_on_reply`, on by default).
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
