//! Graph API errors → [`ErrorClass`].
//!
//! Meta asks integrators to branch on `error.code`, not on the HTTP status (the same code comes
//! with 400, 429 or 404 depending on the endpoint). So known codes decide first; the HTTP status
//! only decides for unknown codes (5xx and 429 retry, other 4xx are permanent).

use crate::error::{BackoffScope, ChannelError, ErrorClass, ProviderFailure};
use crate::inbound::ProviderErrorDetail;
use serde_json::Value;
use std::time::Duration;

/// Back-off after 130429 (the number's throughput, default 80 msg/s, was exceeded). Meta gives no
/// duration; one minute lets the per-number bucket refill many times over without stalling a
/// queue for long.
pub const THROUGHPUT_BACKOFF: Duration = Duration::from_secs(60);

/// Back-off for one recipient after 131056 (pair rate limit: too many messages from this number
/// to the same person in a short time; roughly one per 6 s is allowed with bursts). Only that
/// recipient waits; the others keep flowing.
pub const PAIR_RATE_BACKOFF: Duration = Duration::from_secs(60);

/// Graph error 190: the access token is invalid or expired.
pub const CODE_TOKEN_INVALID: i64 = 190;
/// 131047: more than 24 hours since the customer last wrote; only a template may go.
pub const CODE_REENGAGEMENT: i64 = 131_047;
/// 130429: throughput of the business number reached.
pub const CODE_THROUGHPUT: i64 = 130_429;
/// 131056: business/consumer pair rate limit.
pub const CODE_PAIR_RATE: i64 = 131_056;

/// Classifies a Graph error code (synchronous envelope or asynchronous webhook error).
/// Returns the class and whether the channel's credentials are invalid.
#[must_use]
pub fn classify_code(code: Option<i64>, http_status: Option<u16>, reason: &str) -> (ErrorClass, bool) {
    let permanent = || ErrorClass::Permanent(reason.to_owned());
    match code {
        Some(CODE_TOKEN_INVALID) => (permanent(), true),
        Some(CODE_REENGAGEMENT) => (ErrorClass::WindowClosed, false),
        Some(CODE_THROUGHPUT) => (
            ErrorClass::RetryAfter {
                after: THROUGHPUT_BACKOFF,
                scope: BackoffScope::Channel,
            },
            false,
        ),
        Some(CODE_PAIR_RATE) => (
            ErrorClass::RetryAfter {
                after: PAIR_RATE_BACKOFF,
                scope: BackoffScope::Recipient,
            },
            false,
        ),
        // App / account call-rate limits and the spam rate limit: the whole number waits.
        Some(4 | 80_007 | 131_048) => (
            ErrorClass::RetryAfter {
                after: THROUGHPUT_BACKOFF,
                scope: BackoffScope::Channel,
            },
            false,
        ),
        // Unknown error, service unavailable, "something went wrong", overloaded, maintenance.
        Some(1 | 2 | 131_000 | 131_016 | 131_057 | 133_004) => (ErrorClass::Retry, false),
        // Undeliverable, invalid parameter, template missing: retrying the same request cannot help.
        Some(100 | 131_026 | 132_001) => (permanent(), false),
        _ => match http_status {
            Some(s) if s >= 500 || s == 429 => (ErrorClass::Retry, false),
            _ => (permanent(), false),
        },
    }
}

/// Classifies an error reported in a webhook (e.g. on a `failed` status).
#[must_use]
pub fn classify_detail(detail: &ProviderErrorDetail) -> ErrorClass {
    let text = detail
        .title
        .as_deref()
        .or(detail.message.as_deref())
        .unwrap_or("failed");
    let reason = match (detail.code, &detail.details) {
        (Some(code), Some(details)) => format!("{code} {text}: {details}"),
        (Some(code), None) => format!("{code} {text}"),
        (None, _) => text.to_owned(),
    };
    classify_code(detail.code, None, &reason).0
}

/// Builds the error for a non-success Graph answer from its status, `Retry-After` and body.
#[must_use]
pub fn from_response(status: u16, retry_after: Option<Duration>, body: &[u8]) -> ChannelError {
    let envelope: Option<Value> = serde_json::from_slice::<Value>(body).ok();
    let error = envelope.as_ref().and_then(|v| v.get("error")).filter(|e| e.is_object());
    let int = |name: &str| error.and_then(|e| e.get(name)).and_then(Value::as_i64);
    let code = int("code");
    let message = error
        .and_then(|e| e.get("message"))
        .and_then(Value::as_str)
        .map_or_else(|| format!("HTTP {status}"), str::to_owned);
    let details = error
        .and_then(|e| e.get("error_data"))
        .and_then(|d| d.get("details"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let reason = details
        .as_ref()
        .map_or_else(|| message.clone(), |d| format!("{message}: {d}"));
    let (mut class, credentials_invalid) = classify_code(code, Some(status), &reason);
    // An explicit Retry-After on a plain retry is better advice than blind exponential back-off.
    if let (ErrorClass::Retry, Some(after)) = (&class, retry_after) {
        class = ErrorClass::RetryAfter {
            after,
            scope: BackoffScope::Message,
        };
    }
    ChannelError::Provider(Box::new(ProviderFailure {
        http_status: Some(status),
        code,
        subcode: int("error_subcode"),
        message,
        details,
        trace_id: error
            .and_then(|e| e.get("fbtrace_id"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        class,
        credentials_invalid,
    }))
}
