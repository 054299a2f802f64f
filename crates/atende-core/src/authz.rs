//! Enforcement of the permission matrix.

use crate::error::{CoreError, CoreResult};
use atende_domain::{Action, TenantCtx};

/// Fails with `403 forbidden` unless the caller's role allows `action`.
///
/// # Errors
/// `Forbidden` naming the action.
pub fn require(ctx: &TenantCtx, action: Action) -> CoreResult<()> {
    if ctx.can(action) {
        Ok(())
    } else {
        Err(CoreError::Forbidden(
            "forbidden",
            format!("your role ({}) does not allow {}", ctx.role.as_str(), action.as_str()),
        ))
    }
}

/// Fails with `403 person_required` when the caller is an API key: keys may work data, but not
/// mint more keys, manage people or change the tenant — so a leaked key cannot entrench itself.
///
/// # Errors
/// `Forbidden` for API keys.
pub fn require_person(ctx: &TenantCtx) -> CoreResult<()> {
    if ctx.user_id().is_some() {
        Ok(())
    } else {
        Err(CoreError::Forbidden(
            "person_required",
            "API keys cannot manage keys, members or tenant settings".into(),
        ))
    }
}
