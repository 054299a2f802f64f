//! Magic links: sign-in by e-mail, and invitations that let the invitee set a password.

use super::session::{self, tenant_briefs};
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::error::{CoreError, CoreResult};
use crate::mail::{self, Lang, LinkMail};
use crate::views::{TenantBrief, TokenResponse};
use crate::{Core, crypto};
use atende_db::Scoped;
use atende_db::entities::users;
use atende_db::jobs::{self, NewJob, queue};
use atende_db::repo::{self, tokens as token_repo};
use atende_domain::{Email, Password, TenantId, UserId};
use chrono::Utc;
use std::time::Duration;

/// What a link is for (the `purpose` column of `magic_link_tokens`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Sign in without a password.
    Login,
    /// Join a tenant (and set a password when the account has none).
    Invite,
    /// Choose a new password ("Esqueci a senha"); never signs in by itself.
    PasswordReset,
}

impl Purpose {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::Invite => "invite",
            Self::PasswordReset => "password_reset",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Login, Self::Invite, Self::PasswordReset]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

/// At most this many links per account per window; more requests still answer 202.
pub(crate) const MAX_LINKS_PER_WINDOW: usize = 5;

/// The tenant a link belongs to, with what its mail needs.
#[derive(Clone, Debug)]
pub(crate) struct LinkTenant {
    pub id: TenantId,
    pub name: String,
    /// The tenant's language: an invitation is written in it.
    pub locale: String,
}

/// A link just created.
pub(crate) struct SentLink {
    /// The full URL carrying the single-use token.
    pub url: String,
    /// Whether the mail will reach the recipient (`false` without SMTP).
    pub mailed: bool,
}

/// Creates a link for `user` and enqueues the e-mail carrying it, in the caller's transaction.
/// Returns the link so a caller that may see it (an admin inviting) can pass it on when mail
/// does not go out.
pub(crate) async fn send_link(
    core: &Core,
    tx: &impl Scoped,
    user: &users::Model,
    tenant: Option<&LinkTenant>,
    purpose: Purpose,
) -> CoreResult<SentLink> {
    let token = crypto::random_token("ml_");
    let ttl = match purpose {
        Purpose::Invite => core.config.invite_ttl,
        Purpose::Login => core.config.magic_link_ttl,
        Purpose::PasswordReset => core.config.password_reset_ttl,
    };
    token_repo::insert_magic_link(
        tx,
        token_repo::NewMagicLink {
            user_id: user.id,
            tenant_id: tenant.map(|t| t.id.uuid()),
            purpose: purpose.as_str(),
            token_hash: crypto::token_digest(&token),
            expires_at: Utc::now() + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::minutes(15)),
        },
    )
    .await?;
    let base = core.config.public_url.trim_end_matches('/');
    let (url, kind, lang) = match purpose {
        Purpose::Invite => (
            format!("{base}/auth/magic?token={token}"),
            LinkMail::Invite {
                tenant: tenant.map_or("Atende", |t| t.name.as_str()),
                days: (ttl.as_secs() / 86_400).max(1),
            },
            Lang::from_locale(tenant.map_or(user.locale.as_str(), |t| t.locale.as_str())),
        ),
        Purpose::Login => (
            format!("{base}/auth/magic?token={token}"),
            LinkMail::Login {
                minutes: ttl.as_secs() / 60,
            },
            Lang::from_locale(&user.locale),
        ),
        Purpose::PasswordReset => (
            format!("{base}/auth/reset?token={token}"),
            LinkMail::PasswordReset {
                minutes: ttl.as_secs() / 60,
            },
            Lang::from_locale(&user.locale),
        ),
    };
    let mail = mail::render_link(kind, lang, &user.email, &user.name, &url);
    let payload = serde_json::to_value(&mail).map_err(|e| CoreError::Internal(e.to_string()))?;
    jobs::enqueue(
        tx,
        NewJob {
            max_attempts: 10,
            ..NewJob::new(queue::MAIL, mail::SEND_KIND, payload)
        },
    )
    .await?;
    Ok(SentLink {
        url,
        mailed: core.mailer.delivers(),
    })
}

/// Sends a sign-in link if the account exists and is active. Always succeeds from the caller's
/// point of view (the API answers 202 either way), so it reveals nothing about accounts.
///
/// # Errors
/// Only database failures.
pub async fn request(core: &Core, email: &str, tenant: Option<&str>, meta: &RequestMeta) -> CoreResult<()> {
    let Ok(email) = Email::parse(email) else {
        return Ok(());
    };
    let tx = core.db.platform_tx().await?;
    let Some(user) = repo::users::by_email(&tx, email.as_str()).await? else {
        return Ok(());
    };
    if !user.active {
        return Ok(());
    }
    let window = chrono::Duration::from_std(Duration::from_secs(15 * 60)).unwrap_or(chrono::Duration::minutes(15));
    let recent = repo::audit::recent_times(
        &tx,
        "auth.magic_link_requested",
        &user.id.to_string(),
        Utc::now() - window,
    )
    .await?;
    if recent.len() >= MAX_LINKS_PER_WINDOW {
        tracing::info!(user = %user.id, "magic link not sent: too many requests in the window");
        return Ok(());
    }
    let briefs = tenant_briefs(&tx, UserId(user.id)).await?;
    let t = tenant
        .and_then(|slug| briefs.iter().find(|b| b.slug == slug))
        .map(|b| LinkTenant {
            id: TenantId(b.id),
            name: b.name.clone(),
            locale: user.locale.clone(),
        });
    send_link(core, &tx, &user, t.as_ref(), Purpose::Login).await?;
    audit::record(
        &tx,
        Who::User {
            user: UserId(user.id),
            tenant: None,
        },
        meta,
        Entry::new("auth.magic_link_requested", "user", user.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What the link's page sends back.
pub struct VerifyInput<'a> {
    pub token: &'a str,
    /// Required for an invitation to an account without a password; optional otherwise.
    pub password: Option<&'a str>,
    pub name: Option<&'a str>,
    pub totp_code: Option<&'a str>,
}

/// Consumes a link and starts a session (setting the password first for invitations).
///
/// # Errors
/// `invalid_token` (401) for unknown, used or expired links; 422 on `password` when an
/// invitation needs one; `totp_required` / `invalid_totp` when the account has a second factor.
pub async fn verify(core: &Core, input: VerifyInput<'_>, meta: &RequestMeta) -> CoreResult<TokenResponse> {
    let tx = core.db.platform_tx().await?;
    let digest = crypto::token_digest(input.token);
    // Any failure below drops the transaction uncommitted, so a missing TOTP code or a weak
    // password does not burn the link.
    let Some(link) = token_repo::consume_magic_link(&tx, &digest).await? else {
        return Err(CoreError::Unauthorized(
            "invalid_token",
            "this link is invalid, expired or already used".into(),
        ));
    };
    let purpose = Purpose::parse(&link.purpose);
    if purpose == Some(Purpose::PasswordReset) || purpose.is_none() {
        // A reset link only sets a password (`/auth/password-reset/confirm`); it never signs in,
        // so a second factor cannot be skipped through it. Dropping the transaction keeps it live.
        return Err(CoreError::Unauthorized(
            "invalid_token",
            "this link is invalid, expired or already used".into(),
        ));
    }
    let invite = purpose == Some(Purpose::Invite);
    let mut user = repo::users::get(&tx, UserId(link.user_id)).await?;
    if !user.active {
        return Err(CoreError::Forbidden(
            "account_disabled",
            "this account is disabled".into(),
        ));
    }
    // A locked account stays locked whatever the way in; a wrong code burns the link and
    // counts as a failed sign-in.
    session::check_throttle(core, &tx, &user.email).await?;
    let tx = session::check_second_factor(core, tx, &user, input.totp_code, meta).await?;
    let needs_password = invite && user.password_hash.is_none();
    let mut patch = repo::users::UserPatch::default();
    match input.password {
        Some(p) => {
            let p = Password::parse(p).map_err(|e| CoreError::field("password", e.message))?;
            patch.password_hash = Some(crypto::hash_password(p.expose())?);
        }
        None if needs_password => {
            return Err(CoreError::field(
                "password",
                "choose a password to finish the invitation",
            ));
        }
        None => {}
    }
    if let Some(n) = input.name {
        patch.name = Some(
            atende_domain::values::parse_name(n, atende_domain::values::NAME_MAX)
                .map_err(|e| CoreError::field("name", e.message))?,
        );
    }
    let changed_password = patch.password_hash.is_some();
    user = repo::users::update(&tx, user, patch).await?;
    let user_id = UserId(user.id);
    let briefs = tenant_briefs(&tx, user_id).await?;
    let requested = link
        .tenant_id
        .and_then(|t| briefs.iter().find(|b| b.id == t))
        .map(|b| b.slug.clone());
    let tenant: Option<TenantBrief> = match requested {
        Some(slug) => briefs.iter().find(|b| b.slug == slug && b.status == "active").cloned(),
        None => briefs.iter().find(|b| b.status == "active").cloned(),
    };
    if tenant.is_none() && !user.is_super_admin {
        return Err(CoreError::Forbidden(
            "tenant_suspended",
            "no active tenant to sign in to".into(),
        ));
    }
    let action = if invite {
        "auth.invite_accepted"
    } else {
        "auth.magic_link_login"
    };
    audit::record(
        &tx,
        Who::User {
            user: user_id,
            tenant: tenant.as_ref().map(|t| TenantId(t.id)),
        },
        meta,
        Entry::new(action, "user", user.id),
    )
    .await?;
    if changed_password {
        audit::record(
            &tx,
            Who::User {
                user: user_id,
                tenant: None,
            },
            meta,
            Entry::new("auth.password_set", "user", user.id),
        )
        .await?;
    }
    if changed_password {
        // As with a password change in the profile: every other session ends.
        token_repo::revoke_user(&tx, user.id, None).await?;
    }
    let out = session::issue(core, &tx, &user, tenant, briefs, None, None).await?;
    tx.commit().await?;
    Ok(out)
}
