//! Media files in object storage, and the signed, expiring links the UI downloads them by.
//!
//! Keys are `{tenant_id}/{yyyy}/{mm}/{uuid}`: never a user-supplied name (the file name is a
//! column of the message), so a key cannot escape its tenant's prefix. The store is a local
//! directory by default (`file://…`), any S3-compatible bucket with `s3://bucket/prefix` (the
//! usual `AWS_*` variables configure the client: endpoint, region, keys), or memory in tests.

use crate::crypto::Keys;
use crate::error::{CoreError, CoreResult};
use atende_domain::TenantId;
use bytes::Bytes;
use chrono::{DateTime, Datelike, Utc};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use std::sync::Arc;
use uuid::Uuid;

/// Largest file per kind of media we accept (WhatsApp's own limits).
#[must_use]
pub fn max_bytes(kind: &str) -> u64 {
    const MB: u64 = 1024 * 1024;
    match kind {
        "image" => 5 * MB,
        "sticker" => MB / 2,
        "audio" | "video" => 16 * MB,
        _ => 100 * MB,
    }
}

/// Where media lives.
#[derive(Clone)]
pub struct MediaStore {
    store: Arc<dyn ObjectStore>,
    /// `memory`, `file` or `s3`, for logs.
    kind: &'static str,
}

impl std::fmt::Debug for MediaStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MediaStore({})", self.kind)
    }
}

fn internal(e: impl std::fmt::Display) -> CoreError {
    CoreError::Internal(format!("media store: {e}"))
}

impl MediaStore {
    #[must_use]
    pub fn in_memory() -> Self {
        Self {
            store: Arc::new(object_store::memory::InMemory::new()),
            kind: "memory",
        }
    }

    /// Opens `file:///dir` (created if missing) or `s3://bucket[/prefix]`.
    ///
    /// # Errors
    /// An unsupported scheme, an unusable directory or bucket configuration.
    pub fn open(url: &str) -> CoreResult<Self> {
        if let Some(dir) = url.strip_prefix("file://") {
            std::fs::create_dir_all(dir).map_err(internal)?;
            let fs = object_store::local::LocalFileSystem::new_with_prefix(dir).map_err(internal)?;
            return Ok(Self {
                store: Arc::new(fs),
                kind: "file",
            });
        }
        if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let s3 = object_store::aws::AmazonS3Builder::from_env()
                .with_bucket_name(bucket)
                .build()
                .map_err(internal)?;
            let store: Arc<dyn ObjectStore> = if prefix.trim_matches('/').is_empty() {
                Arc::new(s3)
            } else {
                Arc::new(object_store::prefix::PrefixStore::new(s3, prefix.trim_matches('/')))
            };
            return Ok(Self { store, kind: "s3" });
        }
        Err(CoreError::Internal(format!(
            "media URL must start with file:// or s3://, got {url:?}"
        )))
    }

    #[must_use]
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// Stores a file for a tenant and returns its key.
    ///
    /// # Errors
    /// The store failed.
    pub async fn put(&self, tenant: TenantId, bytes: Bytes) -> CoreResult<String> {
        let now = Utc::now();
        let key = format!(
            "{}/{:04}/{:02}/{}",
            tenant.uuid(),
            now.year(),
            now.month(),
            Uuid::now_v7()
        );
        self.store
            .put(&Path::from(key.as_str()), PutPayload::from_bytes(bytes))
            .await
            .map_err(internal)?;
        Ok(key)
    }

    /// The file under `key`, which must be inside `tenant`'s prefix.
    ///
    /// # Errors
    /// `NotFound` for a missing file or another tenant's key.
    pub async fn get(&self, tenant: TenantId, key: &str) -> CoreResult<Bytes> {
        if !key.starts_with(&format!("{}/", tenant.uuid())) || key.contains("..") {
            return Err(CoreError::NotFound);
        }
        match self.store.get(&Path::from(key)).await {
            Ok(r) => r.bytes().await.map_err(internal),
            Err(object_store::Error::NotFound { .. }) => Err(CoreError::NotFound),
            Err(e) => Err(internal(e)),
        }
    }
}

/// Expiries of media links are rounded up to this step.
const LINK_EXPIRY_STEP_SECS: i64 = 600;

/// The app's URL for a stored file, valid for at least `ttl` from `now`. The expiry is rounded up
/// to the next ten minutes, so a file keeps the same URL across refetches for that long: a page
/// that refreshes its messages does not restart a voice note or download an image again.
#[must_use]
pub fn media_url(keys: &Keys, key: &str, mime: Option<&str>, ttl: std::time::Duration, now: DateTime<Utc>) -> String {
    let earliest = now.timestamp() + i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2);
    let exp = (earliest + LINK_EXPIRY_STEP_SECS - 1).div_euclid(LINK_EXPIRY_STEP_SECS) * LINK_EXPIRY_STEP_SECS;
    let expires = DateTime::from_timestamp(exp, 0).unwrap_or(now);
    let mime = mime.unwrap_or("application/octet-stream");
    format!("/api/v1/media?{}", sign_link(keys, key, mime, expires))
}

/// A signed link's query: `?key=…&exp=…&sig=…`. The signature covers key and expiry, so a link
/// works for anyone who holds it (an `<img>` or `<audio>` tag sends no bearer token) until it
/// expires.
#[must_use]
pub fn sign_link(keys: &Keys, key: &str, mime: &str, expires: DateTime<Utc>) -> String {
    let exp = expires.timestamp();
    let sig = keys.sign(&format!("media\n{key}\n{mime}\n{exp}"));
    format!("key={}&type={}&exp={exp}&sig={sig}", urlencode(key), urlencode(mime))
}

/// Checks a signed link's parts.
#[must_use]
pub fn verify_link(keys: &Keys, key: &str, mime: &str, exp: i64, sig: &str, now: DateTime<Utc>) -> bool {
    exp > now.timestamp() && keys.verify_signed(&format!("media\n{key}\n{mime}\n{exp}"), sig)
}

/// Whether a browser may show a file of this type inline (anything else is a download).
#[must_use]
pub fn inline_safe(mime: &str) -> bool {
    matches!(
        mime.split(';').next().unwrap_or(""),
        "image/jpeg" | "image/png" | "image/webp" | "image/gif"
    ) || ["audio/", "video/"].iter().any(|p| mime.starts_with(p))
        || mime == "application/pdf"
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The signed link to a stored message's file (`None` when the file is missing), valid for
/// `media_link_ttl` from now.
#[must_use]
pub fn link_of(core: &crate::Core, m: &atende_db::entities::messages::Model) -> Option<String> {
    m.media_object_key.as_ref().map(|k| {
        media_url(
            &core.keys,
            k,
            m.media_mime.as_deref(),
            core.config.media_link_ttl,
            chrono::Utc::now(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::from_secret(&[7u8; 32]).unwrap()
    }

    #[tokio::test]
    async fn stored_media_is_read_back_only_inside_its_tenant() {
        let store = MediaStore::in_memory();
        let (a, b) = (TenantId::new(), TenantId::new());
        let key = store.put(a, Bytes::from_static(b"hello")).await.unwrap();
        assert_eq!(store.get(a, &key).await.unwrap(), Bytes::from_static(b"hello"));
        assert!(matches!(store.get(b, &key).await, Err(CoreError::NotFound)));
        assert!(matches!(
            store.get(a, &format!("{}/../x", a.uuid())).await,
            Err(CoreError::NotFound)
        ));
    }

    #[test]
    fn media_urls_stay_the_same_for_minutes_and_last_at_least_the_ttl() {
        let k = keys();
        let ttl = std::time::Duration::from_secs(3600);
        let at = |s: i64| DateTime::from_timestamp(s, 0).unwrap();
        let base = 1_800_000_000; // a multiple of 600: on a ten-minute boundary
        let a = media_url(&k, "t/x", Some("audio/ogg"), ttl, at(base + 1));
        let b = media_url(&k, "t/x", Some("audio/ogg"), ttl, at(base + 599));
        assert_eq!(a, b, "one URL within the same ten minutes");
        assert_ne!(a, media_url(&k, "t/x", Some("audio/ogg"), ttl, at(base + 601)));
        let exp: i64 = a
            .split("exp=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(exp >= base + 1 + 3600 && exp < base + 1 + 3600 + 600, "{exp}");
        assert!(media_url(&k, "t/x", None, ttl, at(base)).contains("type=application%2Foctet-stream"));
    }

    #[test]
    fn signed_links_expire_and_cannot_be_moved_to_another_key() {
        let k = keys();
        let now = Utc::now();
        let exp = now + chrono::TimeDelta::minutes(5);
        let q = sign_link(&k, "t/2026/11/x", "image/png", exp);
        assert!(q.starts_with("key=t%2F2026%2F11%2Fx&type=image%2Fpng&"));
        let sig = q.rsplit("sig=").next().unwrap();
        assert!(verify_link(&k, "t/2026/11/x", "image/png", exp.timestamp(), sig, now));
        assert!(!verify_link(&k, "t/2026/11/y", "image/png", exp.timestamp(), sig, now));
        assert!(!verify_link(&k, "t/2026/11/x", "text/html", exp.timestamp(), sig, now));
        assert!(!verify_link(
            &k,
            "t/2026/11/x",
            "image/png",
            exp.timestamp() + 1,
            sig,
            now
        ));
        assert!(!verify_link(
            &k,
            "t/2026/11/x",
            "image/png",
            exp.timestamp(),
            sig,
            exp + chrono::TimeDelta::seconds(1)
        ));
    }
}
