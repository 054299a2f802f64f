//! Users: global identities, looked up by e-mail while signing in.

use crate::db::Scoped;
use crate::entities::users::{ActiveModel, Column, Entity, Model};
use crate::error::DbError;
use crate::repo::{apply_patch, now};
use atende_domain::UserId;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// What creating a user needs. `password_hash` is `None` for an invited user who has not set
/// a password yet.
pub struct NewUser<'a> {
    pub id: UserId,
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: Option<String>,
    pub is_super_admin: bool,
    pub locale: &'a str,
}

/// # Errors
/// `Conflict { field: "email" }` when the e-mail is taken.
pub async fn create(tx: &impl Scoped, u: NewUser<'_>) -> Result<Model, DbError> {
    let at = now();
    Ok(ActiveModel {
        id: Set(u.id.uuid()),
        email: Set(u.email.to_owned()),
        name: Set(u.name.to_owned()),
        password_hash: Set(u.password_hash),
        is_super_admin: Set(u.is_super_admin),
        locale: Set(u.locale.to_owned()),
        active: Set(true),
        totp_secret_enc: Set(None),
        totp_enabled: Set(false),
        totp_last_step: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(tx.conn())
    .await?)
}

/// # Errors
/// Database failure.
pub async fn by_email(tx: &impl Scoped, email: &str) -> Result<Option<Model>, DbError> {
    Ok(Entity::find().filter(Column::Email.eq(email)).one(tx.conn()).await?)
}

/// # Errors
/// `NotFound`.
pub async fn get(tx: &impl Scoped, id: UserId) -> Result<Model, DbError> {
    Entity::find_by_id(id.uuid())
        .one(tx.conn())
        .await?
        .ok_or(DbError::NotFound)
}

/// # Errors
/// Database failure.
pub async fn many(tx: &impl Scoped, ids: &[Uuid]) -> Result<Vec<Model>, DbError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(tx.conn())
        .await?)
}

/// Changes to apply; `None` keeps the current value. `totp_secret_enc: Some(None)` clears it.
#[derive(Default)]
pub struct UserPatch {
    pub name: Option<String>,
    pub locale: Option<String>,
    pub password_hash: Option<String>,
    pub is_super_admin: Option<bool>,
    pub active: Option<bool>,
    pub totp_secret_enc: Option<Option<String>>,
    pub totp_enabled: Option<bool>,
    pub totp_last_step: Option<Option<i64>>,
}

/// # Errors
/// Database failure.
pub async fn update(tx: &impl Scoped, current: Model, p: UserPatch) -> Result<Model, DbError> {
    let mut am: ActiveModel = current.into();
    apply_patch!(
        am,
        p,
        name,
        locale,
        is_super_admin,
        active,
        totp_secret_enc,
        totp_enabled,
        totp_last_step
    );
    if let Some(v) = p.password_hash {
        am.password_hash = Set(Some(v));
    }
    am.updated_at = Set(now());
    Ok(am.update(tx.conn()).await?)
}

/// Whether any super admin exists (first-run detection).
///
/// # Errors
/// Database failure.
pub async fn any_exists(tx: &impl Scoped) -> Result<bool, DbError> {
    Ok(Entity::find().one(tx.conn()).await?.is_some())
}
