//! A channel's *degraded* state (issue 10, defect 7): the provider refused or failed sends for a
//! reason of the channel itself, not of one message.
//!
//! - **What degrades**: an error whose cause is the number or the provider — WhatsApp 130429
//!   (throughput), the spam and call-rate limits (4, 80007, 131048), Graph failing or unreachable
//!   (5xx, 131000, 131016 …, timeouts), and account-level refusals (368 blocked for policy,
//!   131031 account locked, 131042 payment …), on a send; and any error of Meta's account-level
//!   error webhook not known to be about one message.
//! - **What does not**: errors about one message or one recipient — 131047 (window closed),
//!   131056 (pair rate limit: that recipient waits, the rest flow), 131026 (undeliverable),
//!   parameter and template errors. They fail that message only, as before.
//! - Graph 190 (token invalid) is more than degraded: the channel goes to `error` and stops
//!   sending (`super::mark_error`); it does not pass through here.
//! - The code, text and time are kept on the channel (`channels.provider_error_*`), shown by
//!   `GET /channels` as `health: degraded` with `provider_error`, and cleared by the next
//!   successful send. A conversation's `message.status_changed` events reach the chat, which
//!   refetches the channel list, so the inbox banner follows without a new event kind.

use crate::Core;
use atende_channels::{BackoffScope, ChannelError, ErrorClass, ProviderErrorDetail};
use atende_db::TenantTx;
use atende_db::entities::channels::Model as Channel;
use atende_db::repo::channels;
use atende_domain::TenantId;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// How the channel is doing at sending.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChannelHealthState {
    /// No provider error since the last successful send.
    Ok,
    /// The provider failed or refused a send for a reason of the channel (see `provider_error`).
    Degraded,
}

/// The provider's last error of a degraded channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProviderErrorView {
    /// The provider's code (`130429`), or `http_503`, `transport` when it gave none.
    pub code: String,
    /// The provider's text.
    pub title: String,
    /// When it happened.
    pub at: DateTime<Utc>,
}

/// The health state and last error of a stored channel.
#[must_use]
pub fn of(c: &Channel) -> (ChannelHealthState, Option<ProviderErrorView>) {
    match c.provider_error_at {
        Some(at) => (
            ChannelHealthState::Degraded,
            Some(ProviderErrorView {
                code: c.provider_error_code.clone().unwrap_or_default(),
                title: c.provider_error_title.clone().unwrap_or_default(),
                at,
            }),
        ),
        None => (ChannelHealthState::Ok, None),
    }
}

/// Graph codes that are about one message or one recipient, never the channel.
const MESSAGE_CODES: &[i64] = &[
    100, 131_008, 131_009, 131_021, 131_026, 131_047, 131_051, 131_052, 131_053, 131_056, 132_000, 132_001, 132_005,
    132_007, 132_012, 132_015, 132_016, 135_000,
];

/// Graph codes that refuse every send of the number until someone acts (policy block, account
/// locked, payment, certificate, display name, registration).
const ACCOUNT_CODES: &[i64] = &[368, 131_031, 131_037, 131_042, 131_045, 133_000, 133_010];

/// Whether a failed send says the channel is in trouble (see the module docs).
#[must_use]
pub fn degrades(e: &ChannelError) -> bool {
    if e.credentials_invalid() {
        return false;
    }
    match e {
        ChannelError::Transport(_) => true,
        ChannelError::Provider(f) => {
            if f.code.is_some_and(|c| MESSAGE_CODES.contains(&c)) {
                return false;
            }
            match &f.class {
                ErrorClass::WindowClosed
                | ErrorClass::RetryAfter {
                    scope: BackoffScope::Recipient,
                    ..
                } => false,
                ErrorClass::Retry | ErrorClass::RetryAfter { .. } => true,
                // A permanent refusal is the message's, unless its code names the account.
                ErrorClass::Permanent(_) => f.code.is_some_and(|c| ACCOUNT_CODES.contains(&c)),
            }
        }
        _ => false,
    }
}

/// Whether an error of Meta's account-level error webhook degrades the channel.
#[must_use]
pub fn detail_degrades(d: &ProviderErrorDetail) -> bool {
    !d.code.is_some_and(|c| MESSAGE_CODES.contains(&c))
}

/// The code and text of a webhook error, as stored.
#[must_use]
pub fn detail_reason(d: &ProviderErrorDetail) -> (String, String) {
    let code = d.code.map_or_else(|| "unknown".into(), |c| c.to_string());
    let text = d
        .title
        .clone()
        .or_else(|| d.message.clone())
        .unwrap_or_else(|| "error".into());
    let text = match &d.details {
        Some(more) if !more.is_empty() => format!("{text}: {more}"),
        _ => text,
    };
    (code, text)
}

/// Records a channel's provider error in `tx`.
///
/// # Errors
/// Database failure.
pub async fn record(tx: &TenantTx, channel: Uuid, code: &str, title: &str) -> Result<bool, atende_db::DbError> {
    channels::record_provider_error(tx, channel, code, title, Utc::now()).await
}

/// Records a channel's provider error in its own transaction (a failed send has none open).
/// A failure to record is logged, never the job's failure: the message's own outcome matters
/// more than the channel's badge.
pub async fn record_now(core: &Core, tenant: TenantId, channel: Uuid, code: &str, title: &str) {
    let res = async {
        let tx = core.db.tenant_tx(tenant).await?;
        record(&tx, channel, code, title).await?;
        tx.commit().await
    }
    .await;
    if let Err(e) = res {
        tracing::warn!(channel = %channel, error = %e, "could not record the channel's provider error");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atende_channels::whatsapp_cloud::from_response;
    use serde_json::json;

    fn graph(status: u16, code: i64) -> ChannelError {
        let body = json!({ "error": { "code": code, "message": "x" } }).to_string();
        from_response(status, None, body.as_bytes())
    }

    #[test]
    fn channel_errors_degrade_and_message_errors_do_not() {
        assert!(degrades(&graph(429, 130_429)), "throughput");
        assert!(degrades(&graph(400, 131_048)), "spam rate limit");
        assert!(degrades(&graph(500, 131_000)), "Graph failing");
        assert!(degrades(&graph(503, 1)));
        assert!(degrades(&graph(403, 368)), "blocked for policy");
        assert!(degrades(&graph(403, 131_031)), "account locked");
        assert!(!degrades(&graph(400, 131_047)), "window closed");
        assert!(!degrades(&graph(400, 131_056)), "pair rate limit");
        assert!(!degrades(&graph(400, 131_026)), "undeliverable");
        assert!(!degrades(&graph(400, 132_001)), "template missing");
        assert!(!degrades(&graph(401, 190)), "token: the channel goes to error instead");
    }
}
