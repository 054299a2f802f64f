//! "Esqueci a senha": a password-reset link by e-mail, then a new password.
//!
//! The link is a magic link with purpose [`Purpose::PasswordReset`] (same table, same digest,
//! same single-use consumption), valid `password_reset_ttl` (30 minutes). Confirming it sets
//! the password and ends every session of the account; it does not sign in, so an account with
//! a second factor still needs its code at the next sign-in.

use super::magic::{MAX_LINKS_PER_WINDOW, Purpose, send_link};
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::error::{CoreError, CoreResult};
use crate::{Core, crypto};
use atende_db::repo::{self, tokens as token_repo};
use atende_domain::{Email, Password, UserId};
use chrono::Utc;

/// The audit action of a request; also what the per-account rate limit counts.
pub const REQUESTED: &str = "auth.password_reset_requested";

/// Mails a reset link if the account exists and is active. Always succeeds from the caller's
/// point of view (the API answers 202 either way), so it reveals nothing about accounts; at
/// most [`MAX_LINKS_PER_WINDOW`] links per account per 15 minutes, like sign-in links.
///
/// # Errors
/// Only database failures.
pub async fn request(core: &Core, email: &str, meta: &RequestMeta) -> CoreResult<()> {
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
    let since = Utc::now() - chrono::Duration::minutes(15);
    let recent = repo::audit::recent_times(&tx, REQUESTED, &user.id.to_string(), since).await?;
    if recent.len() >= MAX_LINKS_PER_WINDOW {
        tracing::info!(user = %user.id, "password reset not sent: too many requests in the window");
        return Ok(());
    }
    send_link(core, &tx, &user, None, Purpose::PasswordReset).await?;
    audit::record(
        &tx,
        Who::User {
            user: UserId(user.id),
            tenant: None,
        },
        meta,
        Entry::new(REQUESTED, "user", user.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Consumes a reset link and sets `password`; every session of the account ends.
///
/// # Errors
/// `invalid_token` (401) for unknown, used, expired or non-reset links; 422 on `password`
/// (the same policy as everywhere: the link stays usable then); 403 `account_disabled`.
pub async fn confirm(core: &Core, token: &str, password: &str, meta: &RequestMeta) -> CoreResult<()> {
    // Checked before the link is consumed, so a weak password does not burn it.
    let password = Password::parse(password).map_err(|e| CoreError::field("password", e.message))?;
    let tx = core.db.platform_tx().await?;
    let invalid = || CoreError::Unauthorized("invalid_token", "this link is invalid, expired or already used".into());
    let Some(link) = token_repo::consume_magic_link(&tx, &crypto::token_digest(token)).await? else {
        return Err(invalid());
    };
    if Purpose::parse(&link.purpose) != Some(Purpose::PasswordReset) {
        // A sign-in or invitation link is not a reset link; dropping the transaction keeps it.
        return Err(invalid());
    }
    let user = repo::users::get(&tx, UserId(link.user_id)).await?;
    if !user.active {
        return Err(CoreError::Forbidden(
            "account_disabled",
            "this account is disabled".into(),
        ));
    }
    let patch = repo::users::UserPatch {
        password_hash: Some(crypto::hash_password(password.expose())?),
        ..Default::default()
    };
    let user = repo::users::update(&tx, user, patch).await?;
    token_repo::revoke_user(&tx, user.id, None).await?;
    token_repo::revoke_magic_links(&tx, user.id, Purpose::PasswordReset.as_str(), None).await?;
    audit::record(
        &tx,
        Who::User {
            user: UserId(user.id),
            tenant: None,
        },
        meta,
        Entry::new("auth.password_reset", "user", user.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
