//! Sessions: sign-in, refresh with rotation, logout, tenant switch, impersonation.
//!
//! A session is a family of refresh tokens. Each refresh consumes the presented token and
//! issues the next one of the family; presenting a token that was already rotated means it was
//! copied, so the whole family is revoked (RFC 6819 §5.2.2.3) and the caller must sign in again.

use super::{Principal, tokens, totp};
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::error::{CoreError, CoreResult};
use crate::views::{TenantBrief, TokenResponse, UserView};
use crate::{Core, crypto};
use atende_db::PlatformTx;
use atende_db::entities::users;
use atende_db::repo::{self, memberships, tenants, tokens as token_repo};
use atende_domain::{Email, Role, TenantId, UserId};
use chrono::Utc;
use uuid::Uuid;

/// The audit action counted by the login throttle.
pub const LOGIN_FAILED: &str = "auth.login_failed";

/// Every tenant the user belongs to, for the switcher.
pub(crate) async fn tenant_briefs(tx: &PlatformTx, user: UserId) -> CoreResult<Vec<TenantBrief>> {
    let ms = memberships::all_of_user(tx, user).await?;
    let ids: Vec<Uuid> = ms.iter().filter(|m| m.active).map(|m| m.tenant_id).collect();
    let ts = tenants::many(tx, &ids).await?;
    Ok(ms
        .iter()
        .filter(|m| m.active)
        .filter_map(|m| {
            let t = ts.iter().find(|t| t.id == m.tenant_id)?;
            Some(TenantBrief {
                id: t.id,
                slug: t.slug.clone(),
                name: t.name.clone(),
                status: t.status.clone(),
                role: Role::parse(&m.role).unwrap_or(Role::Viewer),
            })
        })
        .collect())
}

/// Issues an access token and a refresh token for `user` in `tenant` (a new family unless
/// `family` continues one) and assembles the response.
pub(crate) async fn issue(
    core: &Core,
    tx: &PlatformTx,
    user: &users::Model,
    tenant: Option<TenantBrief>,
    tenants: Vec<TenantBrief>,
    impersonator: Option<UserId>,
    family: Option<Uuid>,
) -> CoreResult<TokenResponse> {
    let user_id = UserId(user.id);
    let family = family.unwrap_or_else(Uuid::now_v7);
    let tenant_id = tenant.as_ref().map(|t| TenantId(t.id));
    let refresh = crypto::random_token("rt_");
    token_repo::insert_refresh(
        tx,
        token_repo::NewRefresh {
            id: Uuid::now_v7(),
            user_id: user.id,
            tenant_id: tenant_id.map(TenantId::uuid),
            family_id: family,
            token_hash: crypto::token_digest(&refresh),
            impersonator_id: impersonator.map(UserId::uuid),
            expires_at: Utc::now()
                + chrono::Duration::from_std(core.config.refresh_ttl).unwrap_or(chrono::Duration::days(30)),
        },
    )
    .await?;
    let access = tokens::issue_access(
        &core.keys,
        user_id,
        tenant_id,
        user.is_super_admin,
        impersonator,
        family,
        core.config.access_ttl,
    )?;
    Ok(TokenResponse {
        access_token: access,
        refresh_token: refresh,
        token_type: "Bearer",
        expires_in: core.config.access_ttl.as_secs(),
        user: UserView::from(user),
        tenant,
        tenants,
    })
}

/// Picks the tenant a session starts in: the one asked for (by slug), else the first active
/// one the user belongs to. A super admin with no membership gets a platform-only session.
fn choose_tenant(
    briefs: &[TenantBrief],
    requested: Option<&str>,
    super_admin: bool,
) -> CoreResult<Option<TenantBrief>> {
    let suspended = || {
        CoreError::Forbidden(
            "tenant_suspended",
            "this tenant is suspended; contact the platform".into(),
        )
    };
    if let Some(slug) = requested {
        let t = briefs
            .iter()
            .find(|t| t.slug == slug)
            .ok_or_else(|| CoreError::Forbidden("not_a_member", "you are not a member of this tenant".into()))?;
        if t.status != "active" {
            return Err(suspended());
        }
        return Ok(Some(t.clone()));
    }
    if let Some(t) = briefs.iter().find(|t| t.status == "active") {
        return Ok(Some(t.clone()));
    }
    if super_admin {
        return Ok(None);
    }
    if briefs.is_empty() {
        Err(CoreError::Forbidden(
            "not_a_member",
            "your account belongs to no tenant".into(),
        ))
    } else {
        Err(suspended())
    }
}

/// The audit entry of a failed sign-in; the throttle counts these per e-mail.
fn failed_login(email: &str, reason: &'static str) -> Entry<'static> {
    Entry {
        action: LOGIN_FAILED,
        entity_type: "login",
        entity_id: Some(email.to_owned()),
        before: None,
        after: Some(serde_json::json!({ "reason": reason })),
    }
}

/// Checks the second factor of a sign-in (password or magic link) and hands the transaction
/// back. Without a code the transaction is dropped, so the caller can ask for one and retry
/// (a magic link is not used up). A wrong code is recorded as a failed sign-in — it counts
/// toward the account lock — and committed with whatever else `tx` holds.
///
/// # Errors
/// `totp_required` or `invalid_totp` (401).
pub(crate) async fn check_second_factor(
    core: &Core,
    tx: PlatformTx,
    user: &users::Model,
    code: Option<&str>,
    meta: &RequestMeta,
) -> CoreResult<PlatformTx> {
    if !user.totp_enabled {
        return Ok(tx);
    }
    let Some(code) = code else {
        return Err(CoreError::Unauthorized(
            "totp_required",
            "enter the code from your authenticator app".into(),
        ));
    };
    // A code is good once: its step must be later than the last one accepted (RFC 6238 §5.2),
    // so a code seen over a shoulder or replayed from a log is refused.
    let step = totp::matched_step(core, user, code)?.and_then(|s| i64::try_from(s).ok());
    if let Some(step) = step.filter(|s| user.totp_last_step.is_none_or(|last| *s > last)) {
        let patch = repo::users::UserPatch {
            totp_last_step: Some(Some(step)),
            ..Default::default()
        };
        repo::users::update(&tx, user.clone(), patch).await?;
        return Ok(tx);
    }
    let who = Who::User {
        user: UserId(user.id),
        tenant: None,
    };
    audit::record(&tx, who, meta, failed_login(&user.email, "bad_totp")).await?;
    tx.commit().await?;
    Err(CoreError::Unauthorized(
        "invalid_totp",
        "the authenticator code is incorrect".into(),
    ))
}

/// Checks the signed-in user's password again before a sensitive change (password, second
/// factor). Like a sign-in, it honours and feeds the account lock, and verifies off the runtime
/// with no transaction open. A user without a password (invited, signed in by link) passes.
///
/// # Errors
/// 422 on `field` for a wrong or missing password; 429 while the account is locked.
pub(crate) async fn reauthenticate(
    core: &Core,
    user_id: UserId,
    password: Option<&str>,
    field: &str,
    meta: &RequestMeta,
) -> CoreResult<()> {
    let tx = core.db.platform_tx().await?;
    let user = repo::users::get(&tx, user_id).await?;
    check_throttle(core, &tx, &user.email).await?;
    tx.commit().await?;
    let Some(phc) = user.password_hash.clone() else {
        return Ok(());
    };
    let ok = match password {
        Some(pw) => crypto::verify_password_off_runtime(pw.to_owned(), Some(phc)).await,
        None => false,
    };
    if ok {
        return Ok(());
    }
    let tx = core.db.platform_tx().await?;
    audit::record(
        &tx,
        Who::User {
            user: user_id,
            tenant: None,
        },
        meta,
        failed_login(&user.email, "bad_reauth"),
    )
    .await?;
    tx.commit().await?;
    Err(CoreError::WrongPassword {
        field: field.to_owned(),
    })
}

/// A sign-in request.
pub struct LoginInput<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub tenant: Option<&'a str>,
    pub totp_code: Option<&'a str>,
}

/// Fails with 429 while an account is locked by recent failed sign-ins.
pub(crate) async fn check_throttle(core: &Core, tx: &PlatformTx, email: &str) -> CoreResult<()> {
    let window = chrono::Duration::from_std(core.config.login_window).unwrap_or(chrono::Duration::minutes(15));
    let since = Utc::now() - window;
    let failures = repo::audit::recent_times(tx, LOGIN_FAILED, email, since).await?;
    if failures.len() >= core.config.login_max_failures {
        let oldest = failures.len() - core.config.login_max_failures;
        let free_at = failures[oldest] + window;
        let secs = (free_at - Utc::now()).num_seconds().max(1);
        return Err(CoreError::TooManyRequests {
            retry_after_secs: u64::try_from(secs).unwrap_or(1),
        });
    }
    Ok(())
}

/// Signs in with e-mail and password (and the TOTP code when the account has one).
///
/// Failures are audited as `auth.login_failed` and committed even though the call fails; the
/// throttle counts them, so five wrong passwords in the window lock the account with a 429.
///
/// # Errors
/// `invalid_credentials`, `totp_required`, `invalid_totp`, `account_disabled`,
/// `tenant_suspended`, `not_a_member`, or `TooManyRequests`.
pub async fn login(core: &Core, input: LoginInput<'_>, meta: &RequestMeta) -> CoreResult<TokenResponse> {
    let invalid = || CoreError::Unauthorized("invalid_credentials", "e-mail or password is incorrect".into());
    // Not an address: no account can match, and nothing attacker-sized is written anywhere.
    let Ok(email) = Email::parse(input.email).map(|e| e.as_str().to_owned()) else {
        crypto::verify_password_off_runtime(input.password.to_owned(), None).await;
        return Err(invalid());
    };
    // Read, then verify with no transaction open (on SQLite a transaction holds the write lock,
    // and argon2id takes tens of milliseconds), then write.
    let tx = core.db.platform_tx().await?;
    check_throttle(core, &tx, &email).await?;
    let user = repo::users::by_email(&tx, &email).await?;
    tx.commit().await?;
    let phc = user.as_ref().and_then(|u| u.password_hash.clone());
    let password_ok = crypto::verify_password_off_runtime(input.password.to_owned(), phc).await;
    let tx = core.db.platform_tx().await?;
    let (Some(user), true) = (user, password_ok) else {
        audit::record(
            &tx,
            Who::Anonymous { tenant: None },
            meta,
            failed_login(&email, "bad_password"),
        )
        .await?;
        tx.commit().await?;
        return Err(invalid());
    };
    let user_id = UserId(user.id);
    if !user.active {
        return Err(CoreError::Forbidden(
            "account_disabled",
            "this account is disabled".into(),
        ));
    }
    let tx = check_second_factor(core, tx, &user, input.totp_code, meta).await?;
    let briefs = tenant_briefs(&tx, user_id).await?;
    let tenant = choose_tenant(&briefs, input.tenant, user.is_super_admin)?;
    audit::record(
        &tx,
        Who::User {
            user: user_id,
            tenant: tenant.as_ref().map(|t| TenantId(t.id)),
        },
        meta,
        Entry::new("auth.login", "user", user.id),
    )
    .await?;
    let out = issue(core, &tx, &user, tenant, briefs, None, None).await?;
    tx.commit().await?;
    Ok(out)
}

fn invalid_refresh() -> CoreError {
    CoreError::Unauthorized("invalid_token", "the refresh token is invalid or expired".into())
}

/// Exchanges a refresh token for a new pair (rotation).
///
/// # Errors
/// `invalid_token`; `token_reused` (and the family is revoked) when an already-rotated token
/// comes back; `tenant_suspended` / `membership_inactive` / `account_disabled`.
pub async fn refresh(core: &Core, token: &str, meta: &RequestMeta) -> CoreResult<TokenResponse> {
    let tx = core.db.platform_tx().await?;
    let Some(row) = token_repo::refresh_by_hash(&tx, &crypto::token_digest(token)).await? else {
        return Err(invalid_refresh());
    };
    let reuse = |tx: PlatformTx| async move {
        token_repo::revoke_family(&tx, row.family_id).await?;
        audit::record(
            &tx,
            Who::User {
                user: UserId(row.user_id),
                tenant: row.tenant_id.map(TenantId),
            },
            meta,
            Entry::new("auth.refresh_reused", "session", row.family_id),
        )
        .await?;
        tx.commit().await?;
        Err::<TokenResponse, _>(CoreError::Unauthorized(
            "token_reused",
            "this refresh token was already used; the session has been closed for safety".into(),
        ))
    };
    if row.revoked_at.is_some() {
        return if row.replaced_by.is_some() {
            reuse(tx).await
        } else {
            Err(invalid_refresh())
        };
    }
    if row.expires_at <= Utc::now() {
        return Err(invalid_refresh());
    }
    let next_id = Uuid::now_v7();
    if !token_repo::rotate_refresh(&tx, row.id, next_id).await? {
        // Lost a race with another refresh of the same token: that is reuse too.
        return reuse(tx).await;
    }
    let user = repo::users::get(&tx, UserId(row.user_id)).await?;
    if !user.active {
        return Err(CoreError::Forbidden(
            "account_disabled",
            "this account is disabled".into(),
        ));
    }
    let briefs = tenant_briefs(&tx, UserId(user.id)).await?;
    let tenant = match row.tenant_id {
        None => None,
        // An impersonation lasts only while its user is still a super admin (and is the
        // impersonator); a demoted admin's impersonation sessions end at the next refresh.
        Some(_) if row.impersonator_id.is_some() && !(user.is_super_admin && row.impersonator_id == Some(user.id)) => {
            token_repo::revoke_family(&tx, row.family_id).await?;
            tx.commit().await?;
            return Err(CoreError::Unauthorized(
                "invalid_token",
                "this impersonation has ended".into(),
            ));
        }
        Some(tid) if row.impersonator_id.is_some() => {
            let t = tenants::get(&tx, TenantId(tid)).await?;
            Some(TenantBrief {
                id: t.id,
                slug: t.slug,
                name: t.name,
                status: t.status,
                role: Role::Admin,
            })
        }
        Some(tid) => {
            let t = briefs.iter().find(|b| b.id == tid).cloned().ok_or_else(|| {
                CoreError::Forbidden(
                    "membership_inactive",
                    "you are no longer a member of this tenant".into(),
                )
            })?;
            if t.status != "active" {
                return Err(CoreError::Forbidden(
                    "tenant_suspended",
                    "this tenant is suspended".into(),
                ));
            }
            Some(t)
        }
    };
    // The new row takes the id recorded as `replaced_by` so the chain can be followed.
    let refresh = crypto::random_token("rt_");
    token_repo::insert_refresh(
        &tx,
        token_repo::NewRefresh {
            id: next_id,
            user_id: user.id,
            tenant_id: row.tenant_id,
            family_id: row.family_id,
            token_hash: crypto::token_digest(&refresh),
            impersonator_id: row.impersonator_id,
            expires_at: row.expires_at,
        },
    )
    .await?;
    let access = tokens::issue_access(
        &core.keys,
        UserId(user.id),
        row.tenant_id.map(TenantId),
        user.is_super_admin,
        row.impersonator_id.map(UserId),
        row.family_id,
        core.config.access_ttl,
    )?;
    tx.commit().await?;
    Ok(TokenResponse {
        access_token: access,
        refresh_token: refresh,
        token_type: "Bearer",
        expires_in: core.config.access_ttl.as_secs(),
        user: UserView::from(&user),
        tenant,
        tenants: briefs,
    })
}

/// Ends a session: revokes its refresh-token family. The refresh token, when given, names the
/// session; otherwise the access token's session is used.
///
/// # Errors
/// `invalid_token` for an unknown refresh token of another user.
pub async fn logout(core: &Core, p: &Principal, refresh_token: Option<&str>, meta: &RequestMeta) -> CoreResult<()> {
    let user = p.user_id()?;
    let tx = core.db.platform_tx().await?;
    let family = match refresh_token {
        Some(t) => match token_repo::refresh_by_hash(&tx, &crypto::token_digest(t)).await? {
            Some(row) if row.user_id == user.uuid() => Some(row.family_id),
            _ => return Err(invalid_refresh()),
        },
        None => p.session,
    };
    if let Some(f) = family {
        token_repo::revoke_family(&tx, f).await?;
        audit::record(
            &tx,
            Who::User {
                user,
                tenant: p.tenant_id,
            },
            meta,
            Entry::new("auth.logout", "session", f),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The caller's account, provided the session their access token names is still live and the
/// account active. Routes that mint a new session (tenant switch, impersonation) call it, so a
/// stolen access token cannot outlive a logout, a password change or reuse detection by turning
/// itself into a fresh 30-day session.
async fn live_session_user(tx: &PlatformTx, p: &Principal, user_id: UserId) -> CoreResult<users::Model> {
    let session_ended = || CoreError::Unauthorized("invalid_token", "this session has ended; sign in again".into());
    let family = p.session.ok_or_else(session_ended)?;
    if !token_repo::family_is_live(tx, family, user_id.uuid()).await? {
        return Err(session_ended());
    }
    let user = repo::users::get(tx, user_id).await?;
    if !user.active {
        return Err(CoreError::Forbidden(
            "account_disabled",
            "this account is disabled".into(),
        ));
    }
    Ok(user)
}

/// Starts a session in another tenant of the caller (by slug or id) and closes the current one.
///
/// # Errors
/// `not_a_member`, `tenant_suspended`.
pub async fn switch_tenant(core: &Core, p: &Principal, tenant: &str, meta: &RequestMeta) -> CoreResult<TokenResponse> {
    let user_id = p.user_id()?;
    if p.impersonator.is_some() {
        return Err(CoreError::Forbidden(
            "impersonating",
            "end the impersonation before switching tenant".into(),
        ));
    }
    let tx = core.db.platform_tx().await?;
    let user = live_session_user(&tx, p, user_id).await?;
    let briefs = tenant_briefs(&tx, user_id).await?;
    let slug = match Uuid::parse_str(tenant) {
        Ok(id) => briefs
            .iter()
            .find(|b| b.id == id)
            .map(|b| b.slug.clone())
            .unwrap_or_default(),
        Err(_) => tenant.to_owned(),
    };
    let chosen = choose_tenant(&briefs, Some(&slug), user.is_super_admin)?;
    if let Some(f) = p.session {
        token_repo::revoke_family(&tx, f).await?;
    }
    audit::record(
        &tx,
        Who::User {
            user: user_id,
            tenant: chosen.as_ref().map(|t| TenantId(t.id)),
        },
        meta,
        Entry::new(
            "auth.switch_tenant",
            "tenant",
            chosen.as_ref().map(|t| t.id.to_string()).unwrap_or_default(),
        ),
    )
    .await?;
    let out = issue(core, &tx, &user, chosen, briefs, None, None).await?;
    tx.commit().await?;
    Ok(out)
}

/// A super admin enters a tenant as an administrator. Audited inside the tenant, and every
/// action taken during the session carries the impersonator in its audit row.
///
/// # Errors
/// `Forbidden` for anyone but a super admin; `NotFound` for an unknown tenant.
pub async fn impersonate(
    core: &Core,
    p: &Principal,
    tenant: TenantId,
    meta: &RequestMeta,
) -> CoreResult<TokenResponse> {
    let admin_id = p.user_id()?;
    if !p.super_admin || p.impersonator.is_some() {
        return Err(CoreError::forbidden());
    }
    let tx = core.db.platform_tx().await?;
    let admin = live_session_user(&tx, p, admin_id).await?;
    if !admin.is_super_admin {
        return Err(CoreError::forbidden());
    }
    let t = tenants::get(&tx, tenant).await?;
    let brief = TenantBrief {
        id: t.id,
        slug: t.slug.clone(),
        name: t.name.clone(),
        status: t.status.clone(),
        role: Role::Admin,
    };
    audit::record(
        &tx,
        Who::User {
            user: admin_id,
            tenant: Some(tenant),
        },
        meta,
        Entry::new("platform.impersonate", "tenant", t.id),
    )
    .await?;
    let briefs = tenant_briefs(&tx, admin_id).await?;
    let out = issue(core, &tx, &admin, Some(brief), briefs, Some(admin_id), None).await?;
    tx.commit().await?;
    Ok(out)
}
