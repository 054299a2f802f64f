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
//! - [`phone`]: `PhoneE164`, one canonical form per number (Brazil's ninth digit restored).
//! - [`conversation`]: conversation status machine, the reopen policy, priority.
//! - [`message`]: message type, direction and author.
//! - [`delivery`]: message delivery status, applied monotonically.
//! - [`window`]: WhatsApp's 24-hour customer-service window.
//! - [`role`]: tenant roles and the platform's super-admin flag.
//! - [`permission`]: the one permission matrix (role × action).
//! - [`ctx`]: `TenantCtx`, the authenticated caller inside one tenant.
//! - [`tenant`]: tenant status.
//! - [`cpf_cnpj`]: CPF and CNPJ (alphanumeric CNPJ included), check digits verified.
//! - [`flows`]: chatbot flows — definition, publishing checks, the pure interpreter, triggers,
//!   preview.
//! - [`hours`]: business hours and campaign sending windows in a time zone (DST-correct).
//! - [`backoff`]: retry delays for jobs (2^n with jitter, capped).
//! - [`error`]: field-level validation errors shared by all parsers.

#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod backoff;
pub mod conversation;
pub mod cpf_cnpj;
pub mod ctx;
pub mod delivery;
pub mod error;
pub mod flows;
pub mod hours;
pub mod ids;
pub mod message;
mod names;
pub mod permission;
pub mod phone;
pub mod role;
pub mod tenant;
pub mod values;
pub mod window;

pub use conversation::{ConversationStatus, InboundOutcome, Priority, Transition, TransitionError};
pub use cpf_cnpj::CpfCnpj;
pub use ctx::{Actor, TenantCtx};
pub use delivery::MessageStatus;
pub use error::{FieldErrors, ValidationError};
pub use hours::{BusinessHours, DayHours, SendWindow};
pub use ids::*;
pub use message::{Author, Direction, MessageType, SystemEvent};
pub use permission::{Action, ConversationScope};
pub use phone::PhoneE164;
pub use role::Role;
pub use tenant::{TenantSettings, TenantStatus};
pub use values::{Email, Locale, Password, Slug, TimeZoneName};
pub use window::WindowClosed;
