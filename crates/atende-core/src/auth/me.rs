//! The caller's own profile.

use super::Principal;
use super::session::{self, tenant_briefs};
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::error::CoreResult;
use crate::views::{MeView, UserView};
use crate::{Core, crypto};
use atende_db::repo::{
    tokens as token_repo,
    users::{self as user_repo, UserPatch},
};
use atende_domain::{FieldErrors, Locale, Password, TenantId, UserId};

/// `GET /users/me`.
///
/// # Errors
/// `NotFound` if the user was deleted.
pub async fn get(core: &Core, p: &Principal) -> CoreResult<MeView> {
    let user_id = p.user_id()?;
    let tx = core.db.platform_tx().await?;
    let user = user_repo::get(&tx, user_id).await?;
    let tenants = tenant_briefs(&tx, user_id).await?;
    let tenant = match p.tenant_id {
        Some(t) if p.impersonator.is_some() => {
            let t = atende_db::repo::tenants::get(&tx, t).await?;
            Some(crate::views::TenantBrief {
                id: t.id,
                slug: t.slug,
                name: t.name,
                status: t.status,
                role: atende_domain::Role::Admin,
            })
        }
        Some(t) => tenants.iter().find(|b| b.id == t.uuid()).cloned(),
        None => None,
    };
    tx.commit().await?;
    Ok(MeView {
        user: UserView::from(&user),
        tenant,
        tenants,
        impersonator_id: p.impersonator.map(UserId::uuid),
    })
}

/// `PATCH /users/me`.
#[derive(Default)]
pub struct UpdateMe<'a> {
    pub name: Option<&'a str>,
    pub locale: Option<&'a str>,
    pub current_password: Option<&'a str>,
    pub new_password: Option<&'a str>,
}

/// Updates name, language and/or password. A password change needs the current password and
/// signs out every other session.
///
/// # Errors
/// 422 with the fields at fault.
pub async fn update(core: &Core, p: &Principal, input: UpdateMe<'_>, meta: &RequestMeta) -> CoreResult<UserView> {
    let user_id = p.user_id()?;
    let mut errs = FieldErrors::new();
    let mut patch = UserPatch::default();
    if let Some(n) = input.name {
        patch.name = errs.check(
            "name",
            atende_domain::values::parse_name(n, atende_domain::values::NAME_MAX),
        );
    }
    if let Some(l) = input.locale {
        patch.locale = errs.check("locale", Locale::parse(l)).map(|l| l.as_str().to_owned());
    }
    let new_password = match input.new_password {
        Some(np) => errs.check("new_password", Password::parse(np)),
        None => None,
    };
    errs.into_result()?;
    if let Some(np) = &new_password {
        session::reauthenticate(core, user_id, input.current_password, "current_password", meta).await?;
        patch.password_hash = Some(crypto::hash_password(np.expose())?);
    }
    let tx = core.db.platform_tx().await?;
    let user = user_repo::get(&tx, user_id).await?;
    let before = UserView::from(&user);
    let changed_password = patch.password_hash.is_some();
    let user = user_repo::update(&tx, user, patch).await?;
    let after = UserView::from(&user);
    let who = Who::User {
        user: user_id,
        tenant: p.tenant_id.map(TenantId::uuid).map(TenantId),
    };
    audit::record(
        &tx,
        who,
        meta,
        Entry::new("users.update_profile", "user", user.id)
            .before(&before)
            .after(&after),
    )
    .await?;
    if changed_password {
        token_repo::revoke_user(&tx, user.id, p.session).await?;
        audit::record(&tx, who, meta, Entry::new("auth.password_changed", "user", user.id)).await?;
    }
    tx.commit().await?;
    Ok(after)
}
