//! Messaging use cases.
//!
//! # Layout
//! - [`inbound`]: the one use case that records what customers write (every channel, one
//!   message or a batch of deliveries): duplicates skipped, the reopen policy, set-based writes.
//! - [`contacts`]: the contact book — search by any spelling of a phone, create, edit, delete
//!   (with their conversations), tags on a contact.
//! - [`tags`]: the tenant's labels, shared by contacts and conversations (and deals later).
//! - [`quick_replies`]: canned answers behind a `/shortcut`, and the composer's search.

pub mod contacts;
pub mod inbound;
pub mod quick_replies;
pub mod tags;
