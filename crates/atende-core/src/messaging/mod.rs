//! Messaging use cases.
//!
//! # Layout
//! - [`contacts`]: the contact book — search by any spelling of a phone, create, edit, delete
//!   (with their conversations), tags on a contact.
//! - [`tags`]: the tenant's labels, shared by contacts and conversations (and deals later).
//! - [`quick_replies`]: canned answers behind a `/shortcut`, and the composer's search.

pub mod contacts;
pub mod quick_replies;
pub mod tags;
