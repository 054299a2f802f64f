//! Members of a tenant: list, invite, change role, deactivate.

use crate::audit::{self, Entry, RequestMeta, Who};
use crate::auth::magic::{self, LinkTenant, Purpose, SentLink};
use crate::authz::{require, require_person};
use crate::error::{CoreError, CoreResult};
use crate::views::{MemberView, Paged};
use crate::{Core, crypto};
use atende_db::entities::{memberships as m_ent, users as u_ent};
use atende_db::page::PageRequest;
use atende_db::repo::{memberships, tokens as token_repo, users};
use atende_db::{DbError, Scoped};
use atende_domain::{Action, Email, MembershipId, Role, TenantCtx, UserId};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub(crate) struct Attach<'a> {
    pub tenant: LinkTenant,
    pub email: &'a Email,
    pub name: Option<&'a str>,
    /// Given by the CLI and tenant creation; otherwise the person gets an invitation link.
    pub password: Option<&'a str>,
    pub role: Role,
}

/// What inviting (or re-inviting) someone produced.
///
/// Without a mail server nothing reaches the invitee, so the admin who invited is told so and
/// given the single-use link to pass on (WhatsApp, chat…). With one, the link is never shown:
/// it belongs to the invitee's mailbox.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct InvitationView {
    pub member: MemberView,
    /// `true` when the invitation e-mail is on its way (an SMTP server is configured).
    pub mail_sent: bool,
    /// The accept link, only when `mail_sent` is `false`.
    pub accept_url: Option<String>,
}

impl InvitationView {
    fn new(member: MemberView, link: SentLink) -> Self {
        Self {
            member,
            mail_sent: link.mailed,
            accept_url: (!link.mailed).then_some(link.url),
        }
    }
}

/// Makes `email` a member of the tenant with `role`: creates the account if needed and mails
/// an invitation link unless a password was set here (then the link is returned).
pub(crate) async fn invite_or_attach(
    core: &Core,
    tx: &impl Scoped,
    a: Attach<'_>,
    who: Who<'_>,
    meta: &RequestMeta,
) -> CoreResult<(m_ent::Model, u_ent::Model, Option<SentLink>)> {
    let user = match users::by_email(tx, a.email.as_str()).await? {
        Some(u) => u,
        None => {
            let default_name = a.email.as_str().split('@').next().unwrap_or("user").to_owned();
            let hash = match a.password {
                Some(p) => Some(crypto::hash_password(p)?),
                None => None,
            };
            let u = users::create(
                tx,
                users::NewUser {
                    id: UserId::new(),
                    email: a.email.as_str(),
                    name: a.name.unwrap_or(&default_name),
                    password_hash: hash,
                    is_super_admin: false,
                    locale: "pt-BR",
                },
            )
            .await?;
            audit::record(tx, who, meta, Entry::new("users.create", "user", u.id)).await?;
            u
        }
    };
    let m = memberships::create_in(tx, a.tenant.id, UserId(user.id), a.role)
        .await
        .map_err(|e| match e {
            DbError::Conflict { .. } => CoreError::Conflict {
                code: "already_member",
                field: "email".into(),
                message: "this person is already a member of the tenant".into(),
            },
            other => other.into(),
        })?;
    let link = match a.password {
        None => Some(magic::send_link(core, tx, &user, Some(&a.tenant), Purpose::Invite).await?),
        Some(_) => None,
    };
    let view = MemberView::new(&m, &user);
    audit::record(
        tx,
        who,
        meta,
        Entry::new("members.invite", "membership", m.id).after(&view),
    )
    .await?;
    Ok((m, user, link))
}

/// Members of the caller's tenant, oldest first.
///
/// # Errors
/// 403 without `members.read`.
pub async fn list(
    core: &Core,
    ctx: &TenantCtx,
    page: PageRequest,
    active: Option<bool>,
) -> CoreResult<Paged<MemberView>> {
    require(ctx, Action::MembersRead)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let rows = memberships::list(&tx, page, active).await?;
    let ids: Vec<Uuid> = rows.items.iter().map(|m| m.user_id).collect();
    let us = users::many(&tx, &ids).await?;
    tx.commit().await?;
    let items = rows
        .items
        .iter()
        .filter_map(|m| us.iter().find(|u| u.id == m.user_id).map(|u| MemberView::new(m, u)))
        .collect();
    Ok(Paged {
        items,
        next_cursor: rows.next_cursor,
    })
}

/// Invites someone to the caller's tenant.
///
/// # Errors
/// 422 on `email` / `role`; 409 `already_member`.
pub async fn invite(
    core: &Core,
    ctx: &TenantCtx,
    email: &str,
    role: &str,
    name: Option<&str>,
    meta: &RequestMeta,
) -> CoreResult<InvitationView> {
    require(ctx, Action::MembersInvite)?;
    require_person(ctx)?;
    let mut errs = atende_domain::FieldErrors::new();
    let email = errs.check("email", Email::parse(email));
    let role = errs.check("role", Role::parse(role));
    let name = match name {
        Some(n) => errs.check(
            "name",
            atende_domain::values::parse_name(n, atende_domain::values::NAME_MAX),
        ),
        None => None,
    };
    errs.into_result()?;
    let (Some(email), Some(role)) = (email, role) else {
        return Err(CoreError::Internal("validation bookkeeping".into()));
    };
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let tenant = atende_db::repo::tenants::own(&tx).await?;
    let (m, u, link) = invite_or_attach(
        core,
        &tx,
        Attach {
            tenant: LinkTenant {
                id: ctx.tenant_id,
                name: tenant.name,
                locale: tenant.locale,
            },
            email: &email,
            name: name.as_deref(),
            password: None,
            role,
        },
        Who::Ctx(ctx),
        meta,
    )
    .await?;
    tx.commit().await?;
    let link = link.ok_or_else(|| CoreError::Internal("an invitation without a link".into()))?;
    Ok(InvitationView::new(MemberView::new(&m, &u), link))
}

/// Sends a pending invitation again with a new link; the earlier links of this invitation stop
/// working. Pending means the invitee has not chosen a password yet.
///
/// # Errors
/// 404 for another tenant's membership; 409 `invitation_not_pending` once accepted or for a
/// deactivated member.
pub async fn resend_invitation(
    core: &Core,
    ctx: &TenantCtx,
    id: MembershipId,
    meta: &RequestMeta,
) -> CoreResult<InvitationView> {
    require(ctx, Action::MembersInvite)?;
    require_person(ctx)?;
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    let m = memberships::get(&tx, id).await?;
    let user = users::get(&tx, UserId(m.user_id)).await?;
    if user.password_hash.is_some() || !m.active || !user.active {
        return Err(CoreError::Conflict {
            code: "invitation_not_pending",
            field: "member_id".into(),
            message: "this person has already accepted the invitation or is deactivated".into(),
        });
    }
    let tenant = atende_db::repo::tenants::own(&tx).await?;
    token_repo::revoke_magic_links(&tx, user.id, Purpose::Invite.as_str(), Some(ctx.tenant_id.uuid())).await?;
    let link = magic::send_link(
        core,
        &tx,
        &user,
        Some(&LinkTenant {
            id: ctx.tenant_id,
            name: tenant.name,
            locale: tenant.locale,
        }),
        Purpose::Invite,
    )
    .await?;
    let view = MemberView::new(&m, &user);
    audit::record(
        &tx,
        Who::Ctx(ctx),
        meta,
        Entry::new("members.invitation_resent", "membership", m.id),
    )
    .await?;
    tx.commit().await?;
    Ok(InvitationView::new(view, link))
}

/// Changes a member's role and/or active flag. The last active admin can be neither demoted
/// nor deactivated, so a tenant never locks itself out.
///
/// # Errors
/// 404 for another tenant's membership; 409 `last_admin`; 422 on `role`.
pub async fn update(
    core: &Core,
    ctx: &TenantCtx,
    id: MembershipId,
    role: Option<&str>,
    active: Option<bool>,
    meta: &RequestMeta,
) -> CoreResult<MemberView> {
    require(ctx, Action::MembersManage)?;
    require_person(ctx)?;
    let role = match role {
        Some(r) => Some(Role::parse(r).map_err(|e| CoreError::field("role", e.message))?),
        None => None,
    };
    let tx = core.db.tenant_tx(ctx.tenant_id).await?;
    // Role and activity changes of one tenant go one at a time, so two admins demoting each
    // other at once cannot both pass the last-admin check.
    tx.lock("memberships").await?;
    let current = memberships::get(&tx, id).await?;
    let user = users::get(&tx, UserId(current.user_id)).await?;
    let before = MemberView::new(&current, &user);
    let loses_admin = before.role == Role::Admin
        && before.active
        && (role.is_some_and(|r| r != Role::Admin) || active == Some(false));
    if loses_admin && memberships::count_active_admins(&tx).await? <= 1 {
        return Err(CoreError::Conflict {
            code: "last_admin",
            field: if active == Some(false) {
                "active".into()
            } else {
                "role".into()
            },
            message: "the tenant must keep at least one active admin".into(),
        });
    }
    let m = memberships::update(&tx, current, role, active).await?;
    let after = MemberView::new(&m, &user);
    if before.role != after.role {
        audit::record(
            &tx,
            Who::Ctx(ctx),
            meta,
            Entry::new("members.role_changed", "membership", m.id)
                .before(&before)
                .after(&after),
        )
        .await?;
    }
    if before.active != after.active {
        let action = if after.active {
            "members.reactivated"
        } else {
            "members.deactivated"
        };
        audit::record(
            &tx,
            Who::Ctx(ctx),
            meta,
            Entry::new(action, "membership", m.id).before(&before).after(&after),
        )
        .await?;
        if !after.active {
            // End the member's sessions in this tenant only; their other tenants are theirs.
            // Access tokens already fail the per-request membership check.
            token_repo::revoke_user_in_tenant(&tx, user.id, ctx.tenant_id.uuid()).await?;
        }
    }
    tx.commit().await?;
    Ok(after)
}
