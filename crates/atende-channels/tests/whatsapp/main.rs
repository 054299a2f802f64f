//! WhatsApp Cloud API adapter against the shared wire fixtures and a local fake Graph API.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod client;
mod hostile;
mod inbound;
mod outbound;
mod signature;

use std::path::PathBuf;

/// `../shared/fixtures/channels/whatsapp/` beside the repository.
pub fn fixture_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/channels/whatsapp");
    assert!(
        dir.is_dir(),
        "WhatsApp fixtures not found at {}: clone the shared repository beside this one (../shared)",
        dir.display()
    );
    dir
}

/// The raw bytes of a fixture file, e.g. `inbound/text.json`.
pub fn fixture_bytes(rel: &str) -> Vec<u8> {
    let path = fixture_dir().join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading fixture {}: {e}", path.display()))
}

/// A fixture file parsed as JSON.
pub fn fixture_json(rel: &str) -> serde_json::Value {
    serde_json::from_slice(&fixture_bytes(rel)).unwrap_or_else(|e| panic!("fixture {rel} is not JSON: {e}"))
}
