//! Refresh tokens and magic-link tokens. Only SHA-256 digests of the secrets are stored.

use crate::db::Scoped;
use crate::entities::{magic_link_tokens as ml, refresh_tokens as rt};
use crate::error::DbError;
use crate::repo::now;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// A refresh token to store.
pub struct NewRefresh {
    pub id: Uuid,
    pub user_id: Uuid,
    pub tenant_id: Option<Uuid>,
    pub family_id: Uuid,
    pub token_hash: String,
    pub impersonator_id: Option<Uuid>,
    pub expires_at: DateTime<Utc>,
}

/// # Errors
/// Database failure.
pub async fn insert_refresh(tx: &impl Scoped, t: NewRefresh) -> Result<rt::Model, DbError> {
    Ok(rt::ActiveModel {
        id: Set(t.id),
        user_id: Set(t.user_id),
        tenant_id: Set(t.tenant_id),
        family_id: Set(t.family_id),
        token_hash: Set(t.token_hash),
        impersonator_id: Set(t.impersonator_id),
        expires_at: Set(t.expires_at),
        revoked_at: Set(None),
        replaced_by: Set(None),
        created_at: Set(now()),
    }
    .insert(tx.conn())
    .await?)
}

/// # Errors
/// Database failure.
pub async fn refresh_by_hash(tx: &impl Scoped, hash: &str) -> Result<Option<rt::Model>, DbError> {
    Ok(rt::Entity::find()
        .filter(rt::Column::TokenHash.eq(hash))
        .one(tx.conn())
        .await?)
}

/// Marks a token rotated: revoked now and replaced by `next`. Conditional on the token still
/// being live, so two concurrent refreshes with the same token cannot both succeed.
///
/// # Errors
/// Database failure. Returns `false` when the token was no longer live.
pub async fn rotate_refresh(tx: &impl Scoped, id: Uuid, next: Uuid) -> Result<bool, DbError> {
    let res = rt::Entity::update_many()
        .col_expr(rt::Column::RevokedAt, Expr::value(now()))
        .col_expr(rt::Column::ReplacedBy, Expr::value(next))
        .filter(rt::Column::Id.eq(id))
        .filter(rt::Column::RevokedAt.is_null())
        .exec(tx.conn())
        .await?;
    Ok(res.rows_affected == 1)
}

/// Whether a session (refresh-token family) of `user` still has a live, unexpired token — i.e.
/// it was not logged out, revoked for reuse, or ended by a password change.
///
/// # Errors
/// Database failure.
pub async fn family_is_live(tx: &impl Scoped, family: Uuid, user: Uuid) -> Result<bool, DbError> {
    Ok(rt::Entity::find()
        .filter(rt::Column::FamilyId.eq(family))
        .filter(rt::Column::UserId.eq(user))
        .filter(rt::Column::RevokedAt.is_null())
        .filter(rt::Column::ExpiresAt.gt(now()))
        .one(tx.conn())
        .await?
        .is_some())
}

/// Revokes every live token of a family (logout, or reuse of a rotated token).
///
/// # Errors
/// Database failure.
pub async fn revoke_family(tx: &impl Scoped, family: Uuid) -> Result<u64, DbError> {
    let res = rt::Entity::update_many()
        .col_expr(rt::Column::RevokedAt, Expr::value(now()))
        .filter(rt::Column::FamilyId.eq(family))
        .filter(rt::Column::RevokedAt.is_null())
        .exec(tx.conn())
        .await?;
    Ok(res.rows_affected)
}

/// Revokes every live refresh token of a user (password change, deactivation), except the
/// family of the session making the change, if given.
///
/// # Errors
/// Database failure.
pub async fn revoke_user(tx: &impl Scoped, user: Uuid, except_family: Option<Uuid>) -> Result<u64, DbError> {
    let mut q = rt::Entity::update_many()
        .col_expr(rt::Column::RevokedAt, Expr::value(now()))
        .filter(rt::Column::UserId.eq(user))
        .filter(rt::Column::RevokedAt.is_null());
    if let Some(f) = except_family {
        q = q.filter(rt::Column::FamilyId.ne(f));
    }
    let res = q.exec(tx.conn()).await?;
    Ok(res.rows_affected)
}

/// Revokes a user's live refresh tokens in one tenant only (a deactivated membership must not
/// sign the person out of their other tenants).
///
/// # Errors
/// Database failure.
pub async fn revoke_user_in_tenant(tx: &impl Scoped, user: Uuid, tenant: Uuid) -> Result<u64, DbError> {
    let res = rt::Entity::update_many()
        .col_expr(rt::Column::RevokedAt, Expr::value(now()))
        .filter(rt::Column::UserId.eq(user))
        .filter(rt::Column::TenantId.eq(tenant))
        .filter(rt::Column::RevokedAt.is_null())
        .exec(tx.conn())
        .await?;
    Ok(res.rows_affected)
}

/// A magic link to store.
pub struct NewMagicLink {
    pub user_id: Uuid,
    pub tenant_id: Option<Uuid>,
    pub purpose: &'static str,
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
}

/// # Errors
/// Database failure.
pub async fn insert_magic_link(tx: &impl Scoped, t: NewMagicLink) -> Result<ml::Model, DbError> {
    Ok(ml::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(t.user_id),
        tenant_id: Set(t.tenant_id),
        purpose: Set(t.purpose.to_owned()),
        token_hash: Set(t.token_hash),
        expires_at: Set(t.expires_at),
        used_at: Set(None),
        created_at: Set(now()),
    }
    .insert(tx.conn())
    .await?)
}

/// Consumes a live magic link: marks it used and returns it. Conditional on `used_at IS NULL`
/// and not expired, so a link works exactly once even under concurrent clicks.
///
/// # Errors
/// Database failure. `Ok(None)` for an unknown, used or expired link.
pub async fn consume_magic_link(tx: &impl Scoped, hash: &str) -> Result<Option<ml::Model>, DbError> {
    let at = now();
    let Some(row) = ml::Entity::find()
        .filter(ml::Column::TokenHash.eq(hash))
        .one(tx.conn())
        .await?
    else {
        return Ok(None);
    };
    if row.used_at.is_some() || row.expires_at <= at {
        return Ok(None);
    }
    let res = ml::Entity::update_many()
        .col_expr(ml::Column::UsedAt, Expr::value(at))
        .filter(ml::Column::Id.eq(row.id))
        .filter(ml::Column::UsedAt.is_null())
        .exec(tx.conn())
        .await?;
    Ok((res.rows_affected == 1).then_some(row))
}

/// Revokes the live links of `user` with `purpose` (in `tenant`, when given): a resent
/// invitation or a completed reset leaves no older link working.
///
/// # Errors
/// Database failure.
pub async fn revoke_magic_links(
    tx: &impl Scoped,
    user: Uuid,
    purpose: &str,
    tenant: Option<Uuid>,
) -> Result<u64, DbError> {
    let mut q = ml::Entity::update_many()
        .col_expr(ml::Column::UsedAt, Expr::value(now()))
        .filter(ml::Column::UserId.eq(user))
        .filter(ml::Column::Purpose.eq(purpose))
        .filter(ml::Column::UsedAt.is_null());
    if let Some(t) = tenant {
        q = q.filter(ml::Column::TenantId.eq(t));
    }
    Ok(q.exec(tx.conn()).await?.rows_affected)
}
