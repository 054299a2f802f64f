//! Tenants and the people and structures inside them.
//!
//! # Layout
//! - [`tenants`]: create (with the first admin), list, show, update, domains.
//! - [`members`]: list, invite, change role, deactivate.
//! - [`org`]: departments and teams with their members.
//! - [`api_keys`]: integration keys.
//! - [`audit_logs`]: reading the trail.
//! - [`bootstrap`]: what the CLI and the first start create (super admin, users).

pub mod api_keys;
pub mod audit_logs;
pub mod bootstrap;
pub mod members;
pub mod org;
pub mod tenants;

use crate::error::{CoreError, CoreResult};
use atende_db::Page;
use atende_db::page::PageRequest;

/// Parses pagination query values into a request, as a 422 on the field at fault.
///
/// # Errors
/// `Validation` on `limit` or `cursor`.
pub fn page_request(limit: Option<u64>, cursor: Option<&str>) -> CoreResult<PageRequest> {
    PageRequest::parse(limit, cursor).map_err(|(f, m)| CoreError::field(f, m))
}

/// Keeps the type in scope for modules that build pages.
pub type DbPage<T> = Page<T>;
