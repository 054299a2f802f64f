//! The installation's secret key: every signing and encryption key derives from it.

use crate::settings::Settings;
use anyhow::Context;
use std::io::Write;

/// Returns the secret bytes: from `ATENDE_SECRET_KEY` (hex), else from `<data_dir>/secret.key`,
/// else a new random key written there (mode 0600) with a warning. The key is never logged.
///
/// # Errors
/// A malformed key, or an unwritable data directory.
pub fn load_or_create(s: &Settings) -> anyhow::Result<Vec<u8>> {
    if let Some(hexkey) = &s.secret_key {
        let k = hex::decode(hexkey.trim()).context("ATENDE_SECRET_KEY must be hex")?;
        anyhow::ensure!(
            k.len() >= 32,
            "ATENDE_SECRET_KEY must be at least 64 hex characters (32 bytes)"
        );
        return Ok(k);
    }
    let path = s.data_dir.join("secret.key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let k = hex::decode(text.trim()).with_context(|| format!("{} is not hex", path.display()))?;
        anyhow::ensure!(k.len() >= 32, "{} is too short", path.display());
        return Ok(k);
    }
    std::fs::create_dir_all(&s.data_dir).with_context(|| format!("cannot create {}", s.data_dir.display()))?;
    let mut k = [0u8; 32];
    rand::fill(&mut k);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(&path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    f.write_all(hex::encode(k).as_bytes())?;
    tracing::warn!(path = %path.display(), "ATENDE_SECRET_KEY is not set: generated a new secret key; keep this file safe and back it up (tokens and encrypted secrets depend on it)");
    Ok(k.to_vec())
}
