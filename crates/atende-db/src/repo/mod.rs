//! Repositories, one module per aggregate. Functions over tenant data take a
//! [`TenantTx`](crate::TenantTx) and filter by its tenant; global data (users, sign-in tokens)
//! and cross-tenant screens take a [`PlatformTx`](crate::PlatformTx) or any [`Scoped`](crate::Scoped).

pub mod api_keys;
pub mod audit;
pub mod channels;
pub mod contact_activity;
pub mod contacts;
pub mod conversations;
pub mod departments;
pub mod domains;
pub mod flows;
pub mod memberships;
pub mod message_status;
pub mod messages;
pub mod quick_replies;
pub mod tags;
pub mod teams;
pub mod templates;
pub mod tenants;
pub mod tokens;
pub mod users;
pub mod webhook_events;

use chrono::{DateTime, Utc};

/// Copies each `Some` field of a patch into an active model (`None` keeps the stored value).
macro_rules! apply_patch {
    ($am:ident, $patch:ident, $($field:ident),+ $(,)?) => {
        $(
            if let Some(v) = $patch.$field {
                $am.$field = sea_orm::ActiveValue::Set(v);
            }
        )+
    };
}
pub(crate) use apply_patch;

/// Now, as stored: UTC with microsecond precision (what Postgres keeps), so a value read back
/// compares equal to the one written on both engines.
#[must_use]
pub fn now() -> DateTime<Utc> {
    let n = Utc::now();
    let micros = n.timestamp_micros();
    DateTime::from_timestamp_micros(micros).unwrap_or(n)
}

/// `t` as stored: truncated to microseconds, like [`now`], so a time passed in (a provider's
/// timestamp) reads back equal on both engines and compares consistently on SQLite.
#[must_use]
pub fn stored_time(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

/// Refuses a row of another tenant in a tenant transaction (`NotFound`, like any foreign id).
/// The by-primary-key writes call it, so they are safe even if a caller passed in a row it did
/// not load through the tenant filter; on Postgres, RLS enforces the same.
///
/// # Errors
/// `NotFound` when the row's tenant is not the transaction's.
pub fn ensure_own(tx: &crate::TenantTx, row_tenant: uuid::Uuid) -> Result<(), crate::DbError> {
    if tx.tenant_id().uuid() == row_tenant {
        Ok(())
    } else {
        Err(crate::DbError::NotFound)
    }
}
