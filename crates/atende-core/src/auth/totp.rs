//! TOTP second factor (RFC 6238: SHA-1, 6 digits, 30 s steps, ±1 step of clock skew — what
//! every authenticator app speaks). The secret is stored encrypted with the secrets key.

use super::Principal;
use crate::Core;
use crate::audit::{self, Entry, RequestMeta, Who};
use crate::error::{CoreError, CoreResult};
use crate::views::TotpEnrollView;
use atende_db::entities::users;
use atende_db::repo::users::{self as user_repo, UserPatch};
use data_encoding::BASE32_NOPAD;
use totp_rs::{Builder, Totp};

const ISSUER: &str = "Atende";

fn build(secret: Vec<u8>, account: &str) -> CoreResult<Totp> {
    Builder::new()
        .with_secret(secret)
        .with_account_name(account.replace(':', ""))
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|e| CoreError::Internal(format!("totp: {e}")))
}

fn load(core: &Core, user: &users::Model) -> CoreResult<Option<Totp>> {
    let Some(enc) = user.totp_secret_enc.as_deref() else {
        return Ok(None);
    };
    let b32 = core.keys.decrypt(enc)?;
    let raw = BASE32_NOPAD
        .decode(&b32)
        .map_err(|_| CoreError::Internal("stored TOTP secret is corrupt".into()))?;
    build(raw, &user.email).map(Some)
}

/// Applies a change to the caller's factor and audits it, in `tx`.
async fn save(
    tx: &atende_db::PlatformTx,
    p: &Principal,
    user: users::Model,
    patch: UserPatch,
    action: &str,
    meta: &RequestMeta,
) -> CoreResult<()> {
    let id = user.id;
    user_repo::update(tx, user, patch).await?;
    audit::record(
        tx,
        Who::User {
            user: atende_domain::UserId(id),
            tenant: p.tenant_id,
        },
        meta,
        Entry::new(action, "user", id),
    )
    .await
}

/// The 30-second time step `code` belongs to, if it is one of the user's current codes
/// (±1 step of clock skew). Spaces are ignored ("123 456").
///
/// # Errors
/// The stored secret cannot be decrypted.
pub fn matched_step(core: &Core, user: &users::Model, code: &str) -> CoreResult<Option<u64>> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Ok(None);
    }
    Ok(load(core, user)?.and_then(|t| t.check_current(&code)))
}

/// Whether `code` is one of the user's current codes.
///
/// # Errors
/// The stored secret cannot be decrypted.
pub fn check(core: &Core, user: &users::Model, code: &str) -> CoreResult<bool> {
    Ok(matched_step(core, user, code)?.is_some())
}

/// Starts enrolment (needs the password): a new secret, stored but not active until confirmed
/// with a code.
///
/// # Errors
/// `totp_already_enabled` (409) when a factor is active.
pub async fn enroll(core: &Core, p: &Principal, password: &str, meta: &RequestMeta) -> CoreResult<TotpEnrollView> {
    let user_id = p.user_id()?;
    // Without this, a stolen access token could put a second factor it controls on the account
    // and lock the owner out.
    super::session::reauthenticate(core, user_id, Some(password), "password", meta).await?;
    let tx = core.db.platform_tx().await?;
    let user = user_repo::get(&tx, user_id).await?;
    if user.totp_enabled {
        return Err(CoreError::Conflict {
            code: "totp_already_enabled",
            field: "totp".into(),
            message: "two-factor authentication is already on; disable it first".into(),
        });
    }
    let mut raw = [0u8; 20];
    rand::fill(&mut raw);
    let b32 = BASE32_NOPAD.encode(&raw);
    let totp = build(raw.to_vec(), &user.email)?;
    let uri = totp
        .to_url()
        .map_err(|e| CoreError::Internal(format!("totp url: {e}")))?;
    let enc = core.keys.encrypt(b32.as_bytes())?;
    save(
        &tx,
        p,
        user,
        UserPatch {
            totp_secret_enc: Some(Some(enc)),
            totp_enabled: Some(false),
            ..UserPatch::default()
        },
        "auth.totp_enroll_started",
        meta,
    )
    .await?;
    tx.commit().await?;
    Ok(TotpEnrollView {
        secret: b32,
        otpauth_uri: uri,
    })
}

/// Confirms enrolment with a code from the app; from then on sign-in asks for a code.
///
/// # Errors
/// `totp_not_enrolled` (409), `invalid_totp` (422 on `code`).
pub async fn confirm(core: &Core, p: &Principal, code: &str, meta: &RequestMeta) -> CoreResult<()> {
    let user_id = p.user_id()?;
    let tx = core.db.platform_tx().await?;
    let user = user_repo::get(&tx, user_id).await?;
    if user.totp_secret_enc.is_none() || user.totp_enabled {
        return Err(CoreError::Conflict {
            code: "totp_not_enrolled",
            field: "totp".into(),
            message: "start the enrolment first".into(),
        });
    }
    if !check(core, &user, code)? {
        return Err(CoreError::field("code", "the code is incorrect"));
    }
    save(
        &tx,
        p,
        user,
        UserPatch {
            totp_enabled: Some(true),
            ..UserPatch::default()
        },
        "auth.totp_enabled",
        meta,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Turns the second factor off; needs the password and a current code.
///
/// # Errors
/// `invalid_credentials` (401) for a wrong password, 422 on `code` for a wrong code.
pub async fn disable(core: &Core, p: &Principal, password: &str, code: &str, meta: &RequestMeta) -> CoreResult<()> {
    let user_id = p.user_id()?;
    super::session::reauthenticate(core, user_id, Some(password), "password", meta).await?;
    let tx = core.db.platform_tx().await?;
    let user = user_repo::get(&tx, user_id).await?;
    if user.totp_enabled && !check(core, &user, code)? {
        return Err(CoreError::field("code", "the code is incorrect"));
    }
    save(
        &tx,
        p,
        user,
        UserPatch {
            totp_secret_enc: Some(None),
            totp_enabled: Some(false),
            ..UserPatch::default()
        },
        "auth.totp_disabled",
        meta,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
