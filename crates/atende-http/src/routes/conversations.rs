//! `/conversations`: the inbox, a conversation's messages, replies, assignment, take, transfer.

use super::double_option;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery, IdempotencyKey, Meta, Tenant};
use crate::state::AppState;
use atende_core::inbox::conversations::{self, ListQuery, Target, Update};
use atende_core::inbox::lifecycle;
use atende_core::inbox::send::{self, SendMessage};
use atende_core::inbox::{ConversationView, MessageView};
use atende_core::views::Paged;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// Comma-separated: `open,pending,waiting` (default), `resolved`, `archived`, `spam`, or `all`.
    #[param(schema_with = super::contract::conversation_status_filter)]
    pub status: Option<String>,
    /// `me`, `none` or a user id.
    #[param(schema_with = super::contract::assignee_filter)]
    pub assignee: Option<String>,
    pub team_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub channel_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub tag_id: Option<Uuid>,
    /// Only conversations with unread messages.
    pub unread: Option<bool>,
    /// Text in the contact's name, phone or e-mail, or in a message.
    pub q: Option<String>,
    pub limit: Option<u64>,
    #[param(schema_with = super::contract::inbox_cursor)]
    pub cursor: Option<String>,
}

/// The inbox: conversations by last activity, newest first.
#[utoipa::path(get, path = "/conversations", tag = "conversations", params(InboxQuery),
    security(("bearer" = [])), responses((status = 200, body = Paged<ConversationView>)))]
pub async fn list(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiQuery(q): ApiQuery<InboxQuery>,
) -> ApiResult<Json<Paged<ConversationView>>> {
    let q = ListQuery {
        status: q.status,
        assignee: q.assignee,
        team_id: q.team_id,
        department_id: q.department_id,
        channel_id: q.channel_id,
        contact_id: q.contact_id,
        tag_id: q.tag_id,
        unread: q.unread,
        q: q.q,
        limit: q.limit,
        cursor: q.cursor,
    };
    Ok(Json(conversations::list(&s.core, &ctx, q).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CountsQuery {
    /// Comma-separated: `open,pending,waiting` (default), `resolved`, `archived`, `spam`, or `all`.
    #[param(schema_with = super::contract::conversation_status_filter)]
    pub status: Option<String>,
    /// `me`, `none` or a user id: narrows every count.
    #[param(schema_with = super::contract::assignee_filter)]
    pub assignee: Option<String>,
    pub team_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub channel_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub tag_id: Option<Uuid>,
    /// Only conversations with unread messages.
    pub unread: Option<bool>,
    /// Text in the contact's name, phone or e-mail, or in a message.
    pub q: Option<String>,
}

/// How many conversations each inbox tab lists.
#[derive(Serialize, ToSchema)]
pub struct InboxCountsView {
    /// Assigned to the caller (always 0 for an API key).
    pub mine: u64,
    /// Assigned to nobody: the queue.
    pub unassigned: u64,
    /// Every conversation the caller may see.
    pub all: u64,
}

/// The inbox tabs' counts: conversations (not messages) under the list's filters.
#[utoipa::path(get, path = "/conversations/counts", tag = "conversations", params(CountsQuery),
    security(("bearer" = [])), responses(
        (status = 200, body = InboxCountsView),
        (status = 400, description = "Malformed query (e.g. an id that is not a UUID)", body = crate::error::ErrorBody),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
        (status = 403, description = "The role may not read conversations", body = crate::error::ErrorBody),
        (status = 422, description = "Unknown status or too long a search", body = crate::error::ErrorBody)))]
pub async fn counts(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiQuery(q): ApiQuery<CountsQuery>,
) -> ApiResult<Json<InboxCountsView>> {
    let q = ListQuery {
        status: q.status,
        assignee: q.assignee,
        team_id: q.team_id,
        department_id: q.department_id,
        channel_id: q.channel_id,
        contact_id: q.contact_id,
        tag_id: q.tag_id,
        unread: q.unread,
        q: q.q,
        ..ListQuery::default()
    };
    let c = conversations::counts(&s.core, &ctx, q).await?;
    Ok(Json(InboxCountsView {
        mine: c.mine,
        unassigned: c.unassigned,
        all: c.all,
    }))
}

/// One conversation.
#[utoipa::path(get, path = "/conversations/{id}", tag = "conversations", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = ConversationView)))]
pub async fn get(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ConversationView>> {
    Ok(Json(conversations::get(&s.core, &ctx, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateConversationBody {
    /// `open`, `pending`, `waiting`, `resolved`, `archived`, `spam` (allowed moves only).
    #[schema(value_type = Option<atende_domain::ConversationStatus>)]
    pub status: Option<String>,
    /// `low`, `normal`, `high`, `urgent`.
    #[schema(value_type = Option<atende_domain::Priority>)]
    pub priority: Option<String>,
    /// Park it until then (becomes `pending`); `null` wakes it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub snoozed_until: Option<Option<DateTime<Utc>>>,
    /// Replaces the conversation's tags.
    pub tag_ids: Option<Vec<Uuid>>,
}

/// Change status, priority, snooze or tags.
#[utoipa::path(patch, path = "/conversations/{id}", tag = "conversations", request_body = UpdateConversationBody,
    params(("id" = Uuid, Path)), security(("bearer" = [])), responses((status = 200, body = ConversationView)))]
pub async fn update(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<UpdateConversationBody>,
) -> ApiResult<Json<ConversationView>> {
    let u = Update {
        status: b.status,
        priority: b.priority,
        snoozed_until: b.snoozed_until,
        tag_ids: b.tag_ids,
    };
    Ok(Json(conversations::update(&s.core, &ctx, id, u, &meta).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    /// The agent; `null` unassigns.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub user_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub team_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub department_id: Option<Option<Uuid>>,
}

/// Assign (or unassign) a conversation.
#[utoipa::path(post, path = "/conversations/{id}/assign", tag = "conversations", request_body = AssignBody,
    params(("id" = Uuid, Path)), security(("bearer" = [])), responses((status = 200, body = ConversationView)))]
pub async fn assign(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<AssignBody>,
) -> ApiResult<Json<ConversationView>> {
    let t = Target {
        user_id: b.user_id,
        team_id: b.team_id,
        department_id: b.department_id,
    };
    Ok(Json(conversations::assign(&s.core, &ctx, id, t, &meta).await?))
}

/// "Atender": the caller takes the conversation. An unassigned one becomes theirs (atomically:
/// of two agents at once, one gets 409); a colleague's is taken over only by a supervisor or an
/// admin (an agent gets 409 `conversation_taken`); one's own is returned unchanged.
#[utoipa::path(post, path = "/conversations/{id}/take", tag = "conversations", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = ConversationView),
    (status = 409, body = crate::error::ErrorBody, description = "`conversation_taken`: another agent has it")))]
pub async fn take(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ConversationView>> {
    Ok(Json(lifecycle::take(&s.core, &ctx, id, &meta).await?))
}

/// Undo the last resolve: back to the status, assignee and snooze the conversation had before
/// it (the web's "Desfazer"), with a `reopened` line marked `undo`. 409 when it is not resolved.
#[utoipa::path(post, path = "/conversations/{id}/resolve/undo", tag = "conversations", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = ConversationView),
    (status = 409, body = crate::error::ErrorBody, description = "`conversation_not_resolved`: nothing to undo")))]
pub async fn undo_resolve(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ConversationView>> {
    Ok(Json(lifecycle::undo_resolve(&s.core, &ctx, id, &meta).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferBody {
    pub user_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    /// For the receiver: stored as a private note.
    pub note: Option<String>,
}

/// Transfer to an agent, a team or a department, with a note.
#[utoipa::path(post, path = "/conversations/{id}/transfer", tag = "conversations", request_body = TransferBody,
    params(("id" = Uuid, Path)), security(("bearer" = [])), responses((status = 200, body = ConversationView)))]
pub async fn transfer(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<TransferBody>,
) -> ApiResult<Json<ConversationView>> {
    let t = Target {
        user_id: b.user_id.map(Some),
        team_id: b.team_id.map(Some),
        department_id: b.department_id.map(Some),
    };
    Ok(Json(
        conversations::transfer(&s.core, &ctx, id, t, b.note, &meta).await?,
    ))
}

/// Mark the conversation read (and the customer's last message read on WhatsApp).
#[utoipa::path(post, path = "/conversations/{id}/read", tag = "conversations", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 204)))]
pub async fn read(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    conversations::mark_read(&s.core, &ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessagesQuery {
    pub limit: Option<u64>,
    /// Messages older than this message id.
    pub before: Option<Uuid>,
}

/// A conversation's messages, newest first.
#[utoipa::path(get, path = "/conversations/{id}/messages", tag = "conversations",
    params(("id" = Uuid, Path), MessagesQuery), security(("bearer" = [])), responses((status = 200, body = Paged<MessageView>)))]
pub async fn messages(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<MessagesQuery>,
) -> ApiResult<Json<Paged<MessageView>>> {
    Ok(Json(send::list(&s.core, &ctx, id, q.limit, q.before).await?))
}

/// Send a message or write a private note. An `Idempotency-Key` header makes a retried request
/// return the first one's message instead of sending twice.
#[utoipa::path(post, path = "/conversations/{id}/messages", tag = "conversations", request_body = SendMessage,
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    security(("bearer" = [])), responses((status = 201, body = MessageView), (status = 200, body = MessageView, description = "Idempotent repeat")))]
pub async fn send_message(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath(id): ApiPath<Uuid>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(b): ApiJson<SendMessage>,
) -> ApiResult<(StatusCode, Json<MessageView>)> {
    let sent = send::send(&s.core, &ctx, id, b, key, &meta).await?;
    let code = if sent.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((code, Json(sent.message)))
}

/// Download a message's file again: for an inbound message whose file could not be fetched
/// (`payload.media_error`). Answers at once with `payload.media_error.retrying`; the download
/// runs as a job, and `message.updated` tells the screens when the file (or the new reason) is
/// stored.
#[utoipa::path(post, path = "/conversations/{id}/messages/{message_id}/media/retry", tag = "conversations",
    params(("id" = Uuid, Path), ("message_id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 202, body = MessageView, description = "The download is queued")))]
pub async fn retry_media(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    ApiPath((id, message_id)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<(StatusCode, Json<MessageView>)> {
    let m = atende_core::inbox::media_retry::request(&s.core, &ctx, id, message_id).await?;
    Ok((StatusCode::ACCEPTED, Json(m)))
}

/// Send a failed message again.
#[utoipa::path(post, path = "/conversations/{id}/messages/{message_id}/retry", tag = "conversations",
    params(("id" = Uuid, Path), ("message_id" = Uuid, Path)), security(("bearer" = [])), responses((status = 200, body = MessageView)))]
pub async fn retry(
    State(s): State<AppState>,
    Tenant(ctx, _): Tenant,
    Meta(meta): Meta,
    ApiPath((id, message_id)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<Json<MessageView>> {
    Ok(Json(send::retry(&s.core, &ctx, id, message_id, &meta).await?))
}
