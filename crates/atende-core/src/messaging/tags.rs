//! Tags (etiquetas): the tenant's labels, put on contacts and conversations (and deals later).
//!
//! Permissions: everyone in the tenant reads them (`ContactsRead`); creating, renaming,
//! recolouring and deleting them is tag management, `ConversationsManage` (supervisor, admin),
//! because a tag change affects every contact and conversation carrying it. Putting an existing
//! tag on a contact is a contact write (see [`super::contacts::set_tags`]).

use crate::Core;
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::authz::require;
use crate::error::{CoreError, CoreResult};
use crate::views::Paged;
use atende_db::DbError;
use atende_db::entities::tags::Model;
use atende_db::page::PageRequest;
use atende_db::repo::tags::{self, TagPatch};
use atende_domain::values::parse_name;
use atende_domain::{Action, FieldErrors, TagId, TenantCtx, ValidationError};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Longest tag name.
pub const NAME_MAX: usize = 50;

/// A tag.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TagView {
    pub id: Uuid,
    pub name: String,
    /// `#rrggbb` (lowercase), or `null` for the UI's default colour.
    pub color: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&Model> for TagView {
    fn from(t: &Model) -> Self {
        Self {
            id: t.id,
            name: t.name.clone(),
            color: t.color.clone(),
            created_at: t.created_at,
        }
    }
}

/// `#rrggbb` (any case), normalised to lowercase.
///
/// # Errors
/// `invalid_color` for anything else.
pub fn parse_color(raw: &str) -> Result<String, ValidationError> {
    let s = raw.trim();
    let ok = s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if ok {
        Ok(s.to_ascii_lowercase())
    } else {
        Err(ValidationError::new("invalid_color", "must be a colour like #1f9d55"))
    }
}

/// A clash on the case-insensitive unique name.
fn name_taken(e: DbError) -> CoreError {
    match e {
        DbError::Conflict { .. } => CoreError::Conflict {
            code: "already_exists",
            field: "name".into(),
            message: "a tag with this name already exists".into(),
        },
        other => other.into(),
    }
}

/// # Errors
/// `Validation` on `limit`/`cursor` (from the caller's page request).
pub async fn list(core: &Core, ctx: &TenantCtx, page: PageRequest) -> CoreResult<Paged<TagView>> {
    require(ctx, Action::ContactsRead)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let rows = tags::list(&tx, page).await?;
    tx.commit().await?;
    Ok(Paged::from_page(rows, |t| TagView::from(&t)))
}

/// # Errors
/// `NotFound`, also for another tenant's tag.
pub async fn get(core: &Core, ctx: &TenantCtx, id: TagId) -> CoreResult<TagView> {
    require(ctx, Action::ContactsRead)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let t = tags::get(&tx, id.uuid()).await?;
    tx.commit().await?;
    Ok(TagView::from(&t))
}

/// Creates a tag (supervisor, admin).
///
/// # Errors
/// `Forbidden`; `Validation` on `name`/`color`; `Conflict` on `name` (case-insensitive).
pub async fn create(
    core: &Core,
    ctx: &TenantCtx,
    name: &str,
    color: Option<&str>,
    meta: &RequestMeta,
) -> CoreResult<TagView> {
    require(ctx, Action::ConversationsManage)?;
    let mut errs = FieldErrors::new();
    let name = errs.check("name", parse_name(name, NAME_MAX));
    let color = color.and_then(|c| errs.check("color", parse_color(c)));
    errs.into_result()?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let t = tags::create(&tx, &name.unwrap_or_default(), color)
        .await
        .map_err(name_taken)?;
    let view = TagView::from(&t);
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("tags.create", "tag", t.id).after(&view),
    )
    .await?;
    tx.commit().await?;
    Ok(view)
}

/// Renames or recolours a tag (supervisor, admin); `color: Some(None)` clears the colour.
///
/// # Errors
/// `Forbidden`; `NotFound`; `Validation`; `Conflict` on `name`.
pub async fn update(
    core: &Core,
    ctx: &TenantCtx,
    id: TagId,
    name: Option<&str>,
    color: Option<Option<&str>>,
    meta: &RequestMeta,
) -> CoreResult<TagView> {
    require(ctx, Action::ConversationsManage)?;
    let mut errs = FieldErrors::new();
    let name = name.and_then(|n| errs.check("name", parse_name(n, NAME_MAX)));
    let color = match color {
        Some(Some(c)) => errs.check("color", parse_color(c)).map(Some),
        Some(None) => Some(None),
        None => None,
    };
    errs.into_result()?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let current = tags::get(&tx, id.uuid()).await?;
    let before = TagView::from(&current);
    let t = tags::update(&tx, current, TagPatch { name, color })
        .await
        .map_err(name_taken)?;
    let after = TagView::from(&t);
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("tags.update", "tag", t.id).before(&before).after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Deletes a tag (supervisor, admin); it leaves every contact and conversation it was on.
///
/// # Errors
/// `Forbidden`; `NotFound`.
pub async fn delete(core: &Core, ctx: &TenantCtx, id: TagId, meta: &RequestMeta) -> CoreResult<()> {
    require(ctx, Action::ConversationsManage)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let current = tags::get(&tx, id.uuid()).await?;
    let before = TagView::from(&current);
    tags::delete(&tx, current).await?;
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("tags.delete", "tag", id).before(&before),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_color;

    #[test]
    fn colors_are_hex_triplets_normalised_to_lowercase() {
        assert_eq!(parse_color(" #1F9D55 ").unwrap(), "#1f9d55");
        for bad in ["1f9d55", "#1f9d5", "#1f9d555", "#gggggg", "red", "", "#ééé"] {
            assert!(parse_color(bad).is_err(), "{bad}");
        }
    }
}
