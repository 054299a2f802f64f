//! Downloading the files of a batch's new inbound messages, before (and outside) the
//! transaction that records them: a slow provider never holds a transaction open.
//!
//! Files of messages already stored (a repeated delivery) are not downloaded again: one read per
//! tenant finds them. The downloads run a few at a time. A download that may succeed later
//! (network trouble, a provider 5xx) makes its whole delivery retry; one that cannot (too
//! large, wrong checksum, gone) still records the message, with the reason in its payload.

use super::content::MediaOutcome;
use crate::Core;
use crate::channels::credentials_of;
use atende_channels::{ChannelError, InboundMessage, MessageContent};
use atende_db::entities::channels::Model as Channel;
use atende_db::repo::messages::{self, MediaRef};
use atende_domain::TenantId;
use futures::StreamExt;
use std::collections::{HashMap, HashSet};

/// Downloads in flight at once per batch.
const PARALLEL: usize = 8;

/// A file to fetch: which message of which delivery, on which channel.
pub(super) struct Wanted<'a> {
    /// (delivery, event) position in the batch.
    pub at: (usize, usize),
    pub channel: &'a Channel,
    pub message: &'a InboundMessage,
}

/// What the downloads gave: an outcome per (delivery, event), and the deliveries to retry
/// (with the reason).
#[derive(Default)]
pub(super) struct Fetched {
    pub outcomes: HashMap<(usize, usize), MediaOutcome>,
    pub retry: HashMap<usize, String>,
}

/// Fetches the files of one tenant's new media messages.
pub(super) async fn fetch(core: &Core, tenant: TenantId, wanted: Vec<Wanted<'_>>) -> Fetched {
    let mut fetched = Fetched::default();
    if wanted.is_empty() {
        return fetched;
    }
    let known = match stored(core, tenant, &wanted).await {
        Ok(k) => k,
        Err(e) => {
            for w in &wanted {
                fetched.retry.insert(w.at.0, e.to_string());
            }
            return fetched;
        }
    };
    let todo: Vec<&Wanted<'_>> = wanted
        .iter()
        .filter(|w| !known.contains(&(w.channel.id, w.message.provider_message_id.clone())))
        .collect();
    let downloads: Vec<_> = todo.into_iter().map(|w| download_at(core, tenant, w)).collect();
    let results: Vec<((usize, usize), Result<MediaOutcome, String>)> = futures::stream::iter(downloads)
        .buffer_unordered(PARALLEL)
        .collect()
        .await;
    for (at, r) in results {
        match r {
            Ok(outcome) => {
                fetched.outcomes.insert(at, outcome);
            }
            Err(e) => {
                fetched.retry.insert(at.0, e);
            }
        }
    }
    fetched
}

/// (channel, provider id) of the wanted messages that are stored already.
async fn stored(
    core: &Core,
    tenant: TenantId,
    wanted: &[Wanted<'_>],
) -> Result<HashSet<(uuid::Uuid, String)>, atende_db::DbError> {
    let mut by_channel: HashMap<uuid::Uuid, Vec<&str>> = HashMap::new();
    for w in wanted {
        by_channel
            .entry(w.channel.id)
            .or_default()
            .push(w.message.provider_message_id.as_str());
    }
    let tx = core.db.tenant_tx(tenant).await?;
    let mut known = HashSet::new();
    for (channel, pids) in by_channel {
        for m in messages::find_by_provider_ids(&tx, channel, &pids).await? {
            if let Some(p) = m.provider_message_id {
                known.insert((channel, p));
            }
        }
    }
    tx.commit().await?;
    Ok(known)
}

async fn download_at(core: &Core, tenant: TenantId, w: &Wanted<'_>) -> ((usize, usize), Result<MediaOutcome, String>) {
    (w.at, download(core, tenant, w).await)
}

/// One file into the media store; `Err` when the delivery should be tried again later.
async fn download(core: &Core, tenant: TenantId, w: &Wanted<'_>) -> Result<MediaOutcome, String> {
    let MessageContent::Media(media_ref) = &w.message.content else {
        return Err("not a media message".into());
    };
    let file = FileToFetch {
        kind: media_ref.kind.as_str(),
        media_id: &media_ref.media_id,
        mime: media_ref.mime_type.as_deref(),
        file_name: media_ref.filename.as_deref(),
    };
    download_file(core, tenant, w.channel, &file).await
}

/// A file the provider keeps for us, by its media id.
pub(crate) struct FileToFetch<'a> {
    /// `image`, `audio`, `video`, `document`, `sticker` (it picks the size limit).
    pub kind: &'a str,
    pub media_id: &'a str,
    /// What the provider said the type is (kept when the download does not say).
    pub mime: Option<&'a str>,
    pub file_name: Option<&'a str>,
}

/// Downloads `file` through `channel`'s adapter into the media store: what the message keeps
/// ([`MediaOutcome`]), or `Err` when trying again later may succeed (network trouble, a 5xx).
/// Used by the ingest and by "try again" on a message whose file failed
/// ([`crate::inbox::media_retry`]).
pub(crate) async fn download_file(
    core: &Core,
    tenant: TenantId,
    channel: &Channel,
    file: &FileToFetch<'_>,
) -> Result<MediaOutcome, String> {
    let Some(adapter) = core.adapters.get(&channel.kind) else {
        return Ok(MediaOutcome::Failed(
            "media_unavailable",
            format!("channels of kind {} have no downloads", channel.kind),
        ));
    };
    let Ok(creds) = credentials_of(core, channel) else {
        return Ok(MediaOutcome::Failed(
            "media_unavailable",
            "the channel's credentials cannot be read".into(),
        ));
    };
    let limit = crate::media::max_bytes(file.kind);
    match adapter.fetch_media(&creds, file.media_id, limit).await {
        Ok(d) => {
            let size = i64::try_from(d.bytes.len()).unwrap_or(i64::MAX);
            let key = core.media.put(tenant, d.bytes).await.map_err(|e| e.to_string())?;
            Ok(MediaOutcome::Stored(MediaRef {
                object_key: Some(key),
                mime: d.mime_type.or_else(|| file.mime.map(str::to_owned)),
                size: Some(size),
                file_name: file.file_name.map(str::to_owned),
                sha256: Some(d.sha256_hex),
            }))
        }
        Err(ChannelError::MediaTooLarge { size, limit }) => Ok(MediaOutcome::Failed(
            "media_too_large",
            format!("{size} bytes, the limit is {limit}"),
        )),
        Err(ChannelError::MediaChecksum) => Ok(MediaOutcome::Failed(
            "media_checksum",
            "the file does not match its sha256".into(),
        )),
        Err(e) if e.class().is_retryable() => Err(e.to_string()),
        Err(e) => Ok(MediaOutcome::Failed("media_unavailable", e.to_string())),
    }
}
