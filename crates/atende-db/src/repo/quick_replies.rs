//! Quick replies (respostas rápidas): canned answers an agent inserts by typing their
//! `/shortcut` in the composer. The shortcut is unique per tenant (`uq_quick_replies__shortcut`);
//! callers store it normalised (lowercase, leading `/`), so uniqueness is case-insensitive.

use crate::db::{Scoped, TenantTx};
use crate::entities::quick_replies::{ActiveModel, Column, Entity, Model};
use crate::error::DbError;
use crate::page::{self, Direction, Page, PageRequest};
use crate::repo::contacts::contains_pattern;
use crate::repo::{apply_patch, ensure_own, now};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, ModelTrait, QueryFilter};
use uuid::Uuid;

/// A quick reply to create.
#[derive(Clone, Debug, Default)]
pub struct NewQuickReply {
    /// Normalised: lowercase with a leading `/`.
    pub shortcut: String,
    pub title: String,
    pub content: String,
    pub category: Option<String>,
    /// A reference to a stored file (object key or URL, mime type, file name); its shape is
    /// the caller's until attachments have their own table.
    pub attachment: Option<serde_json::Value>,
}

/// # Errors
/// `Conflict { field: "shortcut" }` when the tenant already has the shortcut.
pub async fn create(tx: &TenantTx, q: NewQuickReply) -> Result<Model, DbError> {
    let at = now();
    Ok(ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tx.tenant_id().uuid()),
        shortcut: Set(q.shortcut),
        title: Set(q.title),
        content: Set(q.content),
        category: Set(q.category),
        attachment: Set(q.attachment),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(tx.conn())
    .await?)
}

/// # Errors
/// `NotFound`, also for another tenant's quick reply.
pub async fn get(tx: &TenantTx, id: Uuid) -> Result<Model, DbError> {
    Entity::find_by_id(id)
        .filter(Column::TenantId.eq(tx.tenant_id().uuid()))
        .one(tx.conn())
        .await?
        .ok_or(DbError::NotFound)
}

/// `text%` for LIKE, with the wildcards of `text` escaped.
fn prefix_pattern(text: &str) -> LikeExpr {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    LikeExpr::new(format!("{escaped}%")).escape('\\')
}

/// Quick replies, oldest first. `search` is what the agent typed after `/` in the composer (or
/// in a search box): a reply matches when its shortcut starts with the text (with or without
/// the `/`), or when every word of the text appears in its title or content (case-insensitive
/// for ASCII). `category` narrows to one category.
///
/// # Errors
/// Database failure.
pub async fn list(
    tx: &TenantTx,
    search: Option<&str>,
    category: Option<&str>,
    page: PageRequest,
) -> Result<Page<Model>, DbError> {
    let mut q = Entity::find().filter(Column::TenantId.eq(tx.tenant_id().uuid()));
    if let Some(s) = search.map(str::trim).filter(|s| !s.is_empty()) {
        let lower = s.to_lowercase();
        let shortcut = format!("/{}", lower.trim_start_matches('/'));
        let mut words = Condition::all();
        for w in lower.split_whitespace().take(10) {
            words = words.add(
                Condition::any()
                    .add(Expr::expr(Func::lower(Expr::col(Column::Title))).like(contains_pattern(w)))
                    .add(Expr::expr(Func::lower(Expr::col(Column::Content))).like(contains_pattern(w))),
            );
        }
        q = q.filter(
            Condition::any()
                .add(Column::Shortcut.like(prefix_pattern(&shortcut)))
                .add(words),
        );
    }
    if let Some(c) = category {
        q = q.filter(Column::Category.eq(c));
    }
    page::fetch(tx.conn(), q, Column::Id, page, Direction::OldestFirst, |m| m.id).await
}

/// Changes to apply; `Some(None)` clears an optional field.
#[derive(Clone, Debug, Default)]
pub struct QuickReplyPatch {
    pub shortcut: Option<String>,
    pub title: Option<String>,
    pub content: Option<String>,
    pub category: Option<Option<String>>,
    pub attachment: Option<Option<serde_json::Value>>,
}

/// # Errors
/// `NotFound` for another tenant's row; `Conflict { field: "shortcut" }`.
pub async fn update(tx: &TenantTx, current: Model, p: QuickReplyPatch) -> Result<Model, DbError> {
    ensure_own(tx, current.tenant_id)?;
    let mut am: ActiveModel = current.into();
    apply_patch!(am, p, shortcut, title, content, category, attachment);
    am.updated_at = Set(now());
    Ok(am.update(tx.conn()).await?)
}

/// # Errors
/// `NotFound` for another tenant's row.
pub async fn delete(tx: &TenantTx, current: Model) -> Result<(), DbError> {
    ensure_own(tx, current.tenant_id)?;
    current.delete(tx.conn()).await?;
    Ok(())
}
