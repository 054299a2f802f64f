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
