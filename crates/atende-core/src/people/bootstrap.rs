//! What the shell creates: super admins, users, and the demo tenant of a first start.

use super::members::{Attach, invite_or_attach};
use super::tenants::{self, CreateTenant};
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::auth::magic::LinkTenant;
use crate::error::{CoreError, CoreResult};
use crate::views::UserView;
use crate::{Core, crypto};
use atende_db::repo::{tenants as tenant_repo, users};
use atende_domain::{Email, FieldErrors, Password, Role, TenantId, UserId};

/// Creates a super admin, or promotes an existing account (setting the given password).
///
/// # Errors
/// 422 on `email` / `password`.
pub async fn create_super_admin(core: &Core, email: &str, password: &str) -> CoreResult<UserView> {
    let mut errs = FieldErrors::new();
    let email = errs.check("email", Email::parse(email));
    let password = errs.check("password", Password::parse(password));
    errs.into_result()?;
    let (Some(email), Some(password)) = (email, password) else {
        return Err(CoreError::Internal("validation bookkeeping".into()));
    };
    let meta = RequestMeta::default();
    let hash = crypto::hash_password(password.expose())?;
    let tx = core.db.platform_tx().await?;
    let user = match users::by_email(&tx, email.as_str()).await? {
        Some(u) => {
            users::update(
                &tx,
                u,
                users::UserPatch {
                    is_super_admin: Some(true),
                    password_hash: Some(hash),
                    ..Default::default()
                },
            )
            .await?
        }
        None => {
            users::create(
                &tx,
                users::NewUser {
                    id: UserId::new(),
                    email: email.as_str(),
                    name: "Super Admin",
                    password_hash: Some(hash),
                    is_super_admin: true,
                    locale: "pt-BR",
                },
            )
            .await?
        }
    };
    audit::record(
        &tx,
        Who::Anonymous { tenant: None },
        &meta,
        Entry::new("platform.super_admin_set", "user", user.id),
    )
    .await?;
    tx.commit().await?;
    Ok(UserView::from(&user))
}

/// Creates a user, optionally as a member of a tenant (by slug) with a role.
///
/// # Errors
/// 422 on fields; 404 for an unknown tenant; 409 on `email`.
pub async fn create_user(
    core: &Core,
    email: &str,
    name: &str,
    password: &str,
    tenant: Option<(&str, &str)>,
) -> CoreResult<UserView> {
    let mut errs = FieldErrors::new();
    let email = errs.check("email", Email::parse(email));
    let name = errs.check(
        "name",
        atende_domain::values::parse_name(name, atende_domain::values::NAME_MAX),
    );
    let password = errs.check("password", Password::parse(password));
    let role = match tenant {
        Some((_, r)) => errs.check("role", Role::parse(r)),
        None => None,
    };
    errs.into_result()?;
    let (Some(email), Some(name), Some(password)) = (email, name, password) else {
        return Err(CoreError::Internal("validation bookkeeping".into()));
    };
    let meta = RequestMeta::default();
    let tx = core.db.platform_tx().await?;
    let user = match (tenant, role) {
        (Some((slug, _)), Some(role)) => {
            let t = tenant_repo::by_slug(&tx, slug).await?.ok_or(CoreError::NotFound)?;
            let (_, u, _) = invite_or_attach(
                core,
                &tx,
                Attach {
                    tenant: LinkTenant {
                        id: TenantId(t.id),
                        name: t.name,
                        locale: t.locale,
                    },
                    email: &email,
                    name: Some(&name),
                    password: Some(password.expose()),
                    role,
                },
                Who::Anonymous {
                    tenant: Some(TenantId(t.id)),
                },
                &meta,
            )
            .await?;
            u
        }
        _ => {
            let u = users::create(
                &tx,
                users::NewUser {
                    id: UserId::new(),
                    email: email.as_str(),
                    name: &name,
                    password_hash: Some(crypto::hash_password(password.expose())?),
                    is_super_admin: false,
                    locale: "pt-BR",
                },
            )
            .await?;
            audit::record(
                &tx,
                Who::Anonymous { tenant: None },
                &meta,
                Entry::new("users.create", "user", u.id),
            )
            .await?;
            u
        }
    };
    tx.commit().await?;
    Ok(UserView::from(&user))
}

/// The slug of the demo tenant.
pub const DEMO_SLUG: &str = "demo";

/// The demo tenant's web-chat channel "Site", so `/demo/widget` works out of the box.
async fn demo_webchat(core: &Core, tenant: TenantId) -> CoreResult<()> {
    use atende_db::repo::channels::{self, NewChannel, kind, status};
    let tx = core.db.tenant_tx(tenant).await?;
    channels::create(
        &tx,
        NewChannel {
            kind: kind::WEBCHAT,
            name: "Site".into(),
            status: status::CONNECTED,
            credentials_enc: None,
            credentials_hint: None,
            external_id: None,
            public_token: Some(crypto::random_token("wct_")),
            settings: serde_json::json!({ "greeting": "Olá! Como podemos ajudar?" }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Credentials of the demo tenant created on a first start.
pub struct Demo {
    pub slug: String,
    pub email: String,
    pub password: String,
}

/// On an empty database (no user at all), creates tenant `demo` with an admin whose random
/// password is returned once for printing. Returns `None` when the database has users.
///
/// # Errors
/// Database failure.
pub async fn demo_if_empty(core: &Core) -> CoreResult<Option<Demo>> {
    let tx = core.db.platform_tx().await?;
    let empty = !users::any_exists(&tx).await?;
    tx.commit().await?;
    if !empty {
        return Ok(None);
    }
    let password = crypto::random_token("")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(16)
        .collect::<String>();
    let email = "admin@demo.atende.local".to_owned();
    let created = tenants::create(
        core,
        None,
        CreateTenant {
            slug: "demo".into(),
            name: "Demo".into(),
            admin_email: email.clone(),
            admin_name: Some("Admin Demo".into()),
            admin_password: Some(password.clone()),
            ..CreateTenant::default()
        },
        &RequestMeta::default(),
    )
    .await?;
    demo_webchat(core, TenantId(created.tenant.id)).await?;
    Ok(Some(Demo {
        slug: "demo".into(),
        email,
        password,
    }))
}
