//! Tenants.

use super::members::{Attach, invite_or_attach};
use crate::Core;
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::auth::magic::LinkTenant;
use crate::auth::{self, Principal};
use crate::authz::{require, require_person};
use crate::error::{CoreError, CoreResult};
use crate::views::{DomainView, Paged, TenantView, UserView};
use atende_db::page::PageRequest;
use atende_db::repo::{
    domains,
    tenants::{self, NewTenant, TenantPatch},
};
use atende_domain::{Action, Email, FieldErrors, Locale, Role, Slug, TenantId, TenantStatus, TimeZoneName, UserId};

/// A new tenant and its first admin.
#[derive(Clone, Debug, Default)]
pub struct CreateTenant {
    pub slug: String,
    pub name: String,
    pub time_zone: Option<String>,
    pub locale: Option<String>,
    pub admin_email: String,
    pub admin_name: Option<String>,
    /// When absent, the admin receives an invitation to set one.
    pub admin_password: Option<String>,
}

/// The created tenant and its admin.
pub struct Created {
    pub tenant: TenantView,
    pub admin: UserView,
}

/// Creates a tenant with its first admin (an existing account with that e-mail is reused).
/// `actor` is the super admin doing it (`None` from the CLI).
///
/// # Errors
/// 422 on the fields at fault; 409 on `slug`.
pub async fn create(
    core: &Core,
    actor: Option<UserId>,
    input: CreateTenant,
    meta: &RequestMeta,
) -> CoreResult<Created> {
    let mut errs = FieldErrors::new();
    let slug = errs.check("slug", Slug::parse(&input.slug));
    let name = errs.check(
        "name",
        atende_domain::values::parse_name(&input.name, atende_domain::values::NAME_MAX),
    );
    let tz = errs.check(
        "time_zone",
        TimeZoneName::parse(input.time_zone.as_deref().unwrap_or("America/Sao_Paulo")),
    );
    let locale = errs.check("locale", Locale::parse(input.locale.as_deref().unwrap_or("pt-BR")));
    let email = errs.check("admin_email", Email::parse(&input.admin_email));
    let password = match &input.admin_password {
        Some(p) => errs
            .check("admin_password", atende_domain::Password::parse(p))
            .map(Some),
        None => Some(None),
    };
    let admin_name = match &input.admin_name {
        Some(n) => errs
            .check(
                "admin_name",
                atende_domain::values::parse_name(n, atende_domain::values::NAME_MAX),
            )
            .map(Some),
        None => Some(None),
    };
    errs.into_result()?;
    let (Some(slug), Some(name), Some(tz), Some(locale), Some(email), Some(password), Some(admin_name)) =
        (slug, name, tz, locale, email, password, admin_name)
    else {
        return Err(CoreError::Internal("validation bookkeeping".into()));
    };

    let tx = core.db.platform_tx().await?;
    let tenant_id = TenantId::new();
    let t = tenants::create(
        &tx,
        NewTenant {
            id: tenant_id,
            slug: slug.as_str(),
            name: &name,
            time_zone: tz.as_str(),
            locale: locale.as_str(),
        },
    )
    .await?;
    let view = TenantView::from(&t);
    let who = match actor {
        Some(user) => Who::User {
            user,
            tenant: Some(tenant_id),
        },
        None => Who::Anonymous {
            tenant: Some(tenant_id),
        },
    };
    audit::record(
        &tx,
        who,
        meta,
        Entry::new("tenants.create", "tenant", t.id).after(&view),
    )
    .await?;
    let admin = invite_or_attach(
        core,
        &tx,
        Attach {
            tenant: LinkTenant {
                id: tenant_id,
                name: t.name.clone(),
                locale: t.locale.clone(),
            },
            email: &email,
            name: admin_name.as_deref(),
            password: password.as_ref().map(atende_domain::Password::expose),
            role: Role::Admin,
        },
        who,
        meta,
    )
    .await?;
    tx.commit().await?;
    Ok(Created {
        tenant: view,
        admin: UserView::from(&admin.1),
    })
}

/// Every tenant (super admin).
///
/// # Errors
/// `Forbidden` for anyone else.
pub async fn list(
    core: &Core,
    p: &Principal,
    page: PageRequest,
    status: Option<&str>,
) -> CoreResult<Paged<TenantView>> {
    if !p.super_admin {
        return Err(CoreError::forbidden());
    }
    if let Some(s) = status {
        TenantStatus::parse(s).map_err(|e| CoreError::field("status", e.message))?;
    }
    let tx = core.db.platform_tx().await?;
    let rows = tenants::list(&tx, page, status).await?;
    tx.commit().await?;
    Ok(Paged::from_page(rows, |t| TenantView::from(&t)))
}

/// Resolves `{tenant}` (an id or a slug) to an id, as the platform sees it.
async fn resolve(core: &Core, reference: &str) -> CoreResult<TenantId> {
    if let Ok(id) = reference.parse::<TenantId>() {
        return Ok(id);
    }
    let tx = core.db.platform_tx().await?;
    let t = tenants::by_slug(&tx, reference).await?.ok_or(CoreError::NotFound)?;
    tx.commit().await?;
    Ok(TenantId(t.id))
}

/// Resolves `{tenant}` for a tenant-scoped route: it must be the caller's own tenant, and any
/// other — existing or not — is a 404.
///
/// # Errors
/// `NotFound`, or what [`auth::tenant_ctx`] refuses.
pub async fn ctx_for(core: &Core, p: &Principal, reference: &str) -> CoreResult<atende_domain::TenantCtx> {
    let ctx = auth::tenant_ctx(core, p).await?;
    let own = match reference.parse::<TenantId>() {
        Ok(id) => id == ctx.tenant_id,
        Err(_) => {
            let tx = core.db.tenant_tx(ctx.tenant_id).await?;
            let t = tenants::own(&tx).await?;
            tx.commit().await?;
            t.slug == reference
        }
    };
    if own { Ok(ctx) } else { Err(CoreError::NotFound) }
}

/// One tenant: a super admin sees any; a member sees their own.
///
/// # Errors
/// `NotFound` for anything else.
pub async fn get(core: &Core, p: &Principal, reference: &str) -> CoreResult<TenantView> {
    if p.super_admin && p.impersonator.is_none() {
        let id = resolve(core, reference).await?;
        let tx = core.db.platform_tx().await?;
        let t = tenants::get(&tx, id).await?;
        tx.commit().await?;
        return Ok(TenantView::from(&t));
    }
    let ctx = ctx_for(core, p, reference).await?;
    require(&ctx, Action::TenantRead)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let t = tenants::own(&tx).await?;
    tx.commit().await?;
    Ok(TenantView::from(&t))
}

/// Changes to a tenant.
#[derive(Clone, Debug, Default)]
pub struct UpdateTenant {
    pub name: Option<String>,
    pub status: Option<String>,
    pub time_zone: Option<String>,
    pub locale: Option<String>,
    pub settings: Option<serde_json::Value>,
}

/// Updates a tenant. Only a super admin changes `status` (suspend / reactivate); a tenant
/// admin changes the rest of their own tenant.
///
/// # Errors
/// 422 on fields; 403 for `status` from a tenant admin; 404 for another tenant.
pub async fn update(
    core: &Core,
    p: &Principal,
    reference: &str,
    input: UpdateTenant,
    meta: &RequestMeta,
) -> CoreResult<TenantView> {
    let mut errs = FieldErrors::new();
    let mut patch = TenantPatch::default();
    if let Some(n) = &input.name {
        patch.name = errs.check(
            "name",
            atende_domain::values::parse_name(n, atende_domain::values::NAME_MAX),
        );
    }
    if let Some(s) = &input.status {
        patch.status = errs
            .check("status", TenantStatus::parse(s))
            .map(|s| s.as_str().to_owned());
    }
    if let Some(tz) = &input.time_zone {
        patch.time_zone = errs
            .check("time_zone", TimeZoneName::parse(tz))
            .map(|t| t.as_str().to_owned());
    }
    if let Some(l) = &input.locale {
        patch.locale = errs.check("locale", Locale::parse(l)).map(|l| l.as_str().to_owned());
    }
    if let Some(s) = &input.settings {
        if let Err(e) = atende_domain::TenantSettings::parse(s) {
            errs.add("settings", e.message);
        } else if s.to_string().len() > 64 * 1024 {
            errs.add("settings", "must be at most 64 KiB");
        } else {
            patch.settings = Some(s.clone());
        }
    }
    errs.into_result()?;

    if p.super_admin && p.impersonator.is_none() {
        let id = resolve(core, reference).await?;
        let tx = core.db.platform_tx().await?;
        let current = tenants::get(&tx, id).await?;
        let before = TenantView::from(&current);
        let t = tenants::update(&tx, current, patch).await?;
        let after = TenantView::from(&t);
        let action = match (&before.status, &after.status) {
            (a, b) if a == b => "tenants.update",
            (_, b) if b == "suspended" => "tenants.suspend",
            _ => "tenants.reactivate",
        };
        let who = Who::User {
            user: p.user_id()?,
            tenant: Some(id),
        };
        audit::record(
            &tx,
            who,
            meta,
            Entry::new(action, "tenant", t.id).before(&before).after(&after),
        )
        .await?;
        tx.commit().await?;
        return Ok(after);
    }
    let ctx = ctx_for(core, p, reference).await?;
    require(&ctx, Action::TenantUpdate)?;
    require_person(&ctx)?;
    if patch.status.is_some() {
        return Err(CoreError::Forbidden(
            "forbidden",
            "only the platform can suspend or reactivate a tenant".into(),
        ));
    }
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let current = tenants::own(&tx).await?;
    let before = TenantView::from(&current);
    let t = tenants::update(&tx, current, patch).await?;
    let after = TenantView::from(&t);
    audit::record(
        &tx,
        Who::Ctx(&ctx),
        meta,
        Entry::new("tenants.update", "tenant", t.id)
            .before(&before)
            .after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

fn parse_domain(raw: &str) -> Result<String, String> {
    let d = raw.trim().trim_end_matches('.').to_lowercase();
    let labels: Vec<&str> = d.split('.').collect();
    let ok = d.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if ok {
        Ok(d)
    } else {
        Err("must be a host name such as atendimento.example.com.br".into())
    }
}

/// Adds a custom domain to the caller's tenant.
///
/// # Errors
/// 422 on `domain`; 409 when any tenant has it.
pub async fn add_domain(
    core: &Core,
    p: &Principal,
    reference: &str,
    domain: &str,
    meta: &RequestMeta,
) -> CoreResult<DomainView> {
    let ctx = ctx_for(core, p, reference).await?;
    require(&ctx, Action::TenantUpdate)?;
    require_person(&ctx)?;
    let domain = parse_domain(domain).map_err(|m| CoreError::field("domain", m))?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let d = domains::create(&tx, &domain).await?;
    let view = DomainView::from(&d);
    audit::record(
        &tx,
        Who::Ctx(&ctx),
        meta,
        Entry::new("tenants.domain_added", "tenant_domain", d.id).after(&view),
    )
    .await?;
    tx.commit().await?;
    Ok(view)
}

/// The caller's tenant's domains.
///
/// # Errors
/// 404 for another tenant.
pub async fn list_domains(core: &Core, p: &Principal, reference: &str) -> CoreResult<Vec<DomainView>> {
    let ctx = ctx_for(core, p, reference).await?;
    require(&ctx, Action::TenantRead)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let ds = domains::list(&tx).await?;
    tx.commit().await?;
    Ok(ds.iter().map(DomainView::from).collect())
}

/// The settings of the transaction's tenant that the platform acts on (defaults for missing
/// keys; a stored value of the wrong type, which [`update`] refuses, also reads as the default).
///
/// # Errors
/// Database failure.
pub(crate) async fn settings_of(tx: &atende_db::TenantTx) -> CoreResult<atende_domain::TenantSettings> {
    let t = tenants::own(tx).await?;
    Ok(atende_domain::TenantSettings::parse(&t.settings).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::parse_domain;

    #[test]
    fn domains() {
        assert_eq!(parse_domain("Atende.Example.com.").unwrap(), "atende.example.com");
        for bad in ["localhost", "a..b", "-a.b", "a b.c", "<x>.com", ""] {
            assert!(parse_domain(bad).is_err(), "{bad}");
        }
    }
}
