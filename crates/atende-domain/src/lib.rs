//! Pure rules of Atende: the vocabulary every other crate speaks.
//!
//! Nothing here does IO, spawns tasks or knows about databases or HTTP, so every rule can be
//! tested as a table and reused by the API, the worker and the CLI alike.
//!
//! # Layout
//! - [`ids`]: UUIDv7 newtypes (`TenantId`, `UserId`, ...) — time-ordered, so keyset pagination
//!   by id is pagination by creation time.
//! - [`values`]: parsed value types (`Email`, `Slug`, `Password`, `TimeZoneName`, `Locale`):
//!   an instance is valid by construction.
//! - [`role`]: tenant roles and the platform's super-admin flag.
//! - [`permission`]: the one permission matrix (role × action).
//! - [`ctx`]: `TenantCtx`, the authenticated caller inside one tenant.
//! - [`tenant`]: tenant status.
//! - [`backoff`]: retry delays for jobs (2^n with jitter, capped).
//! - [`error`]: field-level validation errors shared by all parsers.

#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod backoff;
pub mod ctx;
pub mod error;
pub mod ids;
pub mod permission;
pub mod role;
pub mod tenant;
pub mod values;

pub use ctx::{Actor, TenantCtx};
pub use error::{FieldErrors, ValidationError};
pub use ids::*;
pub use permission::{Action, ConversationScope};
pub use role::Role;
pub use tenant::TenantStatus;
pub use values::{Email, Locale, Password, Slug, TimeZoneName};
