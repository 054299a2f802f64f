//! Quick replies (respostas rápidas): canned answers behind a `/shortcut` that agents insert
//! from the composer.
//!
//! Permissions: everyone in the tenant reads and searches them (`ConversationsRead`); creating,
//! editing and deleting them is `ConversationsManage` (supervisor, admin), since they speak for
//! the business to every customer.
//!
//! A shortcut is `/` followed by 1–40 lowercase letters, digits, `_` or `-` (accents allowed:
//! `/saudação`). Input is normalised — trimmed, lowercased, `/` added when missing — so
//! `Saudacao` and `/saudacao` are the same shortcut and the second one is a 409 on `shortcut`.

use crate::Core;
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::authz::require;
use crate::error::{CoreError, CoreResult};
use crate::views::Paged;
use atende_db::DbError;
use atende_db::entities::quick_replies::Model;
use atende_db::page::PageRequest;
use atende_db::repo::quick_replies::{self, NewQuickReply, QuickReplyPatch};
use atende_domain::values::parse_name;
use atende_domain::{Action, FieldErrors, QuickReplyId, TenantCtx, ValidationError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub const SHORTCUT_MAX: usize = 40;
pub const TITLE_MAX: usize = 120;
/// WhatsApp's limit for a text message body.
pub const CONTENT_MAX: usize = 4096;
pub const CATEGORY_MAX: usize = 60;
pub const ATTACHMENT_TEXT_MAX: usize = 2048;

/// A file sent with the reply. Stored as given until attachments get their own table; at least
/// one of `object_key` (an uploaded file) or `url` is required.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentRef {
    /// Key of an uploaded file in the object store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_key: Option<String>,
    /// An `http(s)` URL of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
}

/// A quick reply.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct QuickReplyView {
    pub id: Uuid,
    /// `/saudacao`: lowercase, with the leading `/`.
    pub shortcut: String,
    pub title: String,
    pub content: String,
    pub category: Option<String>,
    pub attachment: Option<AttachmentRef>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Model> for QuickReplyView {
    fn from(q: &Model) -> Self {
        Self {
            id: q.id,
            shortcut: q.shortcut.clone(),
            title: q.title.clone(),
            content: q.content.clone(),
            category: q.category.clone(),
            attachment: q.attachment.clone().and_then(|a| serde_json::from_value(a).ok()),
            created_at: q.created_at,
            updated_at: q.updated_at,
        }
    }
}

/// Normalises a shortcut (see the module docs).
///
/// # Errors
/// `invalid_shortcut` when it is empty, too long or has other characters.
pub fn parse_shortcut(raw: &str) -> Result<String, ValidationError> {
    let lower = raw.trim().to_lowercase();
    let body = lower.strip_prefix('/').unwrap_or(&lower);
    let n = body.chars().count();
    let ok = (1..=SHORTCUT_MAX).contains(&n) && body.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(format!("/{body}"))
    } else {
        Err(ValidationError::new(
            "invalid_shortcut",
            format!("must be / followed by 1 to {SHORTCUT_MAX} letters, digits, _ or -"),
        ))
    }
}

fn parse_content(raw: &str) -> Result<String, ValidationError> {
    let s = raw.trim();
    let bad_control = s.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r');
    if s.is_empty() || s.chars().count() > CONTENT_MAX || bad_control {
        return Err(ValidationError::new(
            "invalid_content",
            format!("must have 1 to {CONTENT_MAX} characters"),
        ));
    }
    Ok(s.to_owned())
}

/// An optional category: blank clears it.
fn parse_category(raw: &str) -> Result<Option<String>, ValidationError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    parse_name(s, CATEGORY_MAX).map(Some)
}

fn check_attachment(a: &AttachmentRef) -> Result<serde_json::Value, ValidationError> {
    let bad = |m: &str| ValidationError::new("invalid_attachment", m.to_owned());
    if a.object_key.is_none() && a.url.is_none() {
        return Err(bad("needs object_key or url"));
    }
    let texts = [&a.object_key, &a.url, &a.mime_type, &a.file_name];
    if texts
        .iter()
        .flat_map(|t| t.as_deref())
        .any(|t| t.trim().is_empty() || t.chars().count() > ATTACHMENT_TEXT_MAX || t.chars().any(char::is_control))
    {
        return Err(bad("fields must be 1 to 2048 characters without control characters"));
    }
    if let Some(u) = &a.url {
        let parsed = url::Url::parse(u).map_err(|_| bad("url is not a URL"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(bad("url must be http or https"));
        }
    }
    serde_json::to_value(a).map_err(|_| bad("cannot be stored"))
}

fn shortcut_taken(e: DbError) -> CoreError {
    match e {
        DbError::Conflict { .. } => CoreError::Conflict {
            code: "already_exists",
            field: "shortcut".into(),
            message: "another quick reply has this shortcut".into(),
        },
        other => other.into(),
    }
}

/// Lists quick replies; `search` is the composer's `/` popup text (see the repository).
///
/// # Errors
/// Database failure.
pub async fn list(
    core: &Core,
    ctx: &TenantCtx,
    search: Option<&str>,
    category: Option<&str>,
    page: PageRequest,
) -> CoreResult<Paged<QuickReplyView>> {
    require(ctx, Action::ConversationsRead)?;
    if search.is_some_and(|s| s.chars().count() > 200) {
        return Err(CoreError::field("q", "must have at most 200 characters"));
    }
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let rows = quick_replies::list(&tx, search, category, page).await?;
    tx.commit().await?;
    Ok(Paged::from_page(rows, |q| QuickReplyView::from(&q)))
}

/// # Errors
/// `NotFound`, also for another tenant's quick reply.
pub async fn get(core: &Core, ctx: &TenantCtx, id: QuickReplyId) -> CoreResult<QuickReplyView> {
    require(ctx, Action::ConversationsRead)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let q = quick_replies::get(&tx, id.uuid()).await?;
    tx.commit().await?;
    Ok(QuickReplyView::from(&q))
}

/// What a client sends to create a quick reply.
#[derive(Clone, Debug, Default)]
pub struct NewQuickReplyInput {
    pub shortcut: String,
    pub title: String,
    pub content: String,
    pub category: Option<String>,
    pub attachment: Option<AttachmentRef>,
}

/// Creates a quick reply (supervisor, admin).
///
/// # Errors
/// `Forbidden`; `Validation`; `Conflict` on `shortcut`.
pub async fn create(
    core: &Core,
    ctx: &TenantCtx,
    input: NewQuickReplyInput,
    meta: &RequestMeta,
) -> CoreResult<QuickReplyView> {
    require(ctx, Action::ConversationsManage)?;
    let mut errs = FieldErrors::new();
    let shortcut = errs.check("shortcut", parse_shortcut(&input.shortcut));
    let title = errs.check("title", parse_name(&input.title, TITLE_MAX));
    let content = errs.check("content", parse_content(&input.content));
    let category = input
        .category
        .as_deref()
        .and_then(|c| errs.check("category", parse_category(c)))
        .flatten();
    let attachment = input
        .attachment
        .as_ref()
        .and_then(|a| errs.check("attachment", check_attachment(a)));
    errs.into_result()?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let new = NewQuickReply {
        shortcut: shortcut.unwrap_or_default(),
        title: title.unwrap_or_default(),
        content: content.unwrap_or_default(),
        category,
        attachment,
    };
    let q = quick_replies::create(&tx, new).await.map_err(shortcut_taken)?;
    let view = QuickReplyView::from(&q);
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("quick_replies.create", "quick_reply", q.id).after(&view),
    )
    .await?;
    tx.commit().await?;
    Ok(view)
}

/// A quick reply's changes; `Some(None)` clears an optional field.
#[derive(Clone, Debug, Default)]
pub struct QuickReplyChanges {
    pub shortcut: Option<String>,
    pub title: Option<String>,
    pub content: Option<String>,
    pub category: Option<Option<String>>,
    pub attachment: Option<Option<AttachmentRef>>,
}

/// Edits a quick reply (supervisor, admin).
///
/// # Errors
/// `Forbidden`; `NotFound`; `Validation`; `Conflict` on `shortcut`.
pub async fn update(
    core: &Core,
    ctx: &TenantCtx,
    id: QuickReplyId,
    input: QuickReplyChanges,
    meta: &RequestMeta,
) -> CoreResult<QuickReplyView> {
    require(ctx, Action::ConversationsManage)?;
    let mut errs = FieldErrors::new();
    let patch = QuickReplyPatch {
        shortcut: input
            .shortcut
            .as_deref()
            .and_then(|s| errs.check("shortcut", parse_shortcut(s))),
        title: input
            .title
            .as_deref()
            .and_then(|t| errs.check("title", parse_name(t, TITLE_MAX))),
        content: input
            .content
            .as_deref()
            .and_then(|c| errs.check("content", parse_content(c))),
        category: match input.category {
            Some(Some(c)) => errs.check("category", parse_category(&c)),
            Some(None) => Some(None),
            None => None,
        },
        attachment: match input.attachment {
            Some(Some(a)) => errs.check("attachment", check_attachment(&a)).map(Some),
            Some(None) => Some(None),
            None => None,
        },
    };
    errs.into_result()?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let current = quick_replies::get(&tx, id.uuid()).await?;
    let before = QuickReplyView::from(&current);
    let q = quick_replies::update(&tx, current, patch)
        .await
        .map_err(shortcut_taken)?;
    let after = QuickReplyView::from(&q);
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("quick_replies.update", "quick_reply", q.id)
            .before(&before)
            .after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Deletes a quick reply (supervisor, admin).
///
/// # Errors
/// `Forbidden`; `NotFound`.
pub async fn delete(core: &Core, ctx: &TenantCtx, id: QuickReplyId, meta: &RequestMeta) -> CoreResult<()> {
    require(ctx, Action::ConversationsManage)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let current = quick_replies::get(&tx, id.uuid()).await?;
    let before = QuickReplyView::from(&current);
    quick_replies::delete(&tx, current).await?;
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("quick_replies.delete", "quick_reply", id).before(&before),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_shortcut;

    #[test]
    fn shortcuts_are_normalised_and_shaped() {
        assert_eq!(parse_shortcut(" Saudacao ").unwrap(), "/saudacao");
        assert_eq!(parse_shortcut("/pix-2").unwrap(), "/pix-2");
        assert_eq!(parse_shortcut("/Saudação").unwrap(), "/saudação");
        for bad in [
            "",
            "/",
            "//x",
            "/bom dia",
            "/a.b",
            "/<script>",
            &format!("/{}", "a".repeat(41)),
        ] {
            assert!(parse_shortcut(bad).is_err(), "{bad}");
        }
    }
}
