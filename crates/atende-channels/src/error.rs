//! Failures of adapter calls and how core should react to them.

use std::time::Duration;

/// Who a back-off applies to. A provider rate limit can be about the whole sending number or
/// only about one recipient; pausing the whole number for a per-recipient limit would stall
/// every other conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BackoffScope {
    /// Only this message (e.g. an HTTP `Retry-After` on one request).
    Message,
    /// Every message to this recipient from this channel (WhatsApp 131056, pair rate limit).
    Recipient,
    /// Every message of the channel (WhatsApp 130429, number throughput).
    Channel,
}

/// How to treat a failed send. Core maps it to the job's next step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorClass {
    /// Transient (5xx, 429 without advice, timeouts, connection errors): retry with exponential
    /// back-off and jitter.
    Retry,
    /// Rate limited: retry no sooner than `after`, and hold back everything in `scope` meanwhile.
    RetryAfter { after: Duration, scope: BackoffScope },
    /// Retrying cannot help; the text is the provider's reason, fit for the message's failure field.
    Permanent(String),
    /// The customer-service window is closed: only an approved template may go.
    WindowClosed,
}

impl ErrorClass {
    /// Whether a later attempt of the same request may succeed.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Retry | Self::RetryAfter { .. })
    }
}

/// A provider's answer that a request failed, normalized across channels.
///
/// Built from the Graph error envelope for WhatsApp: `error.code`, `error.error_subcode`,
/// `error.message`, `error.error_data.details`, the HTTP status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderFailure {
    /// HTTP status of the answer; providers' own codes are the reliable discriminator.
    pub http_status: Option<u16>,
    /// The provider's numeric error code (`131047`, `190` …), when it gave one.
    pub code: Option<i64>,
    /// A finer code (Graph `error_subcode`, deprecated by Meta but still sent).
    pub subcode: Option<i64>,
    /// The provider's human message (e.g. `(#131047) Re-engagement message`).
    pub message: String,
    /// Extra detail (Graph `error_data.details`).
    pub details: Option<String>,
    /// Correlation id to quote to the provider's support (Graph `fbtrace_id`).
    pub trace_id: Option<String>,
    /// What core should do about it.
    pub class: ErrorClass,
    /// True when the channel's credentials are invalid or expired (Graph 190): core marks the
    /// channel `error` and stops sending until an admin reconnects it.
    pub credentials_invalid: bool,
}

/// A failure of an adapter call.
#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    /// The webhook signature is missing, garbled or wrong: answer 401 and store nothing.
    #[error("signature missing or invalid")]
    BadSignature,
    /// The subscription handshake (e.g. Meta's `hub.verify_token`) did not match: answer 403.
    #[error("webhook verification refused")]
    Forbidden,
    /// The body is not the provider's webhook format at all (not JSON, wrong top-level shape).
    #[error("malformed webhook body: {0}")]
    Malformed(String),
    /// The stored credentials lack a field or have the wrong shape.
    #[error("invalid channel credentials: {0}")]
    InvalidCredentials(String),
    /// The provider refused the request.
    #[error("provider error {}: {}", .0.code.map_or_else(|| "?".to_owned(), |c| c.to_string()), .0.message)]
    Provider(Box<ProviderFailure>),
    /// The provider answered success with a body we cannot read (e.g. no message id). Not retried:
    /// the message may have gone out.
    #[error("unexpected provider response: {0}")]
    UnexpectedResponse(String),
    /// A media file exceeds the caller's limit; the download was aborted.
    #[error("media too large: {size} bytes exceeds the limit of {limit} bytes")]
    MediaTooLarge { size: u64, limit: u64 },
    /// Downloaded media does not match the provider's sha256.
    #[error("media checksum mismatch")]
    MediaChecksum,
    /// Timeout or connection failure: the request may or may not have reached the provider.
    #[error("transport error: {0}")]
    Transport(String),
    /// This adapter does not offer the operation.
    #[error("not supported by this channel: {0}")]
    Unsupported(&'static str),
}

impl ChannelError {
    /// How core should react. Transport failures retry; input, signature and size problems are
    /// permanent; provider refusals carry the adapter's classification.
    #[must_use]
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::Provider(failure) => failure.class.clone(),
            Self::Transport(_) => ErrorClass::Retry,
            other => ErrorClass::Permanent(other.to_string()),
        }
    }

    /// True when the channel's credentials must be fixed before anything else can be sent.
    #[must_use]
    pub fn credentials_invalid(&self) -> bool {
        match self {
            Self::Provider(failure) => failure.credentials_invalid,
            Self::InvalidCredentials(_) => true,
            _ => false,
        }
    }
}
