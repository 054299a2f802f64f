//! The WhatsApp customer-service window: for 24 hours after the customer's last message the
//! business may send anything; outside it only a pre-approved template.
//!
//! Meta enforces the rule itself (error 131047), but a send it rejects has already been queued,
//! retried and shown to the agent as failed. Checking before storing the message lets the API
//! answer at once with `whatsapp_window_closed`, and the UI offer a template instead.
//!
//! Edges, decided:
//! - The window is `[last_inbound_at, last_inbound_at + 24h)`: exactly 24 hours later it is closed.
//! - No inbound message ever: closed — only a template can start a conversation.
//! - `last_inbound_at` in the future (nodes' clocks disagree, or a provider timestamp ahead of
//!   ours): open. Wrongly open costs one send that Meta rejects and we show as failed; wrongly
//!   closed would block an agent from answering a customer who just wrote. [`inbound_time`] keeps
//!   stored times from running ahead in the first place.

use crate::message::MessageType;
use chrono::{DateTime, TimeDelta, Utc};

/// Length of WhatsApp's customer-service window.
pub const SERVICE_WINDOW: TimeDelta = TimeDelta::hours(24);

/// Whether the customer-service window is open at `now`.
#[must_use]
pub fn window_open(last_inbound_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last_inbound_at.is_some_and(|at| now - at < SERVICE_WINDOW)
}

/// When the window closes (or closed); `None` if the customer never wrote (or the time is at the
/// very end of chrono's range, which no real message has).
#[must_use]
pub fn window_closes_at(last_inbound_at: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    last_inbound_at.and_then(|at| at.checked_add_signed(SERVICE_WINDOW))
}

/// Outside the service window only a template may be sent. Code: `whatsapp_window_closed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the 24-hour WhatsApp window is closed: only an approved template can be sent")]
pub struct WindowClosed {
    /// When the window closed; `None` when the customer never wrote.
    pub closed_at: Option<DateTime<Utc>>,
}

impl WindowClosed {
    /// The stable error code the API returns.
    pub const CODE: &'static str = "whatsapp_window_closed";
}

/// Checks an outbound WhatsApp message of type `kind` against the window.
///
/// Only messages that go to the channel are checked: internal notes and `system` lines never
/// leave the platform, and the caller does not ask.
///
/// # Errors
/// [`WindowClosed`] when the window is closed and `kind` is not [`MessageType::Template`].
pub fn check_outbound(
    kind: MessageType,
    last_inbound_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), WindowClosed> {
    if kind == MessageType::Template || window_open(last_inbound_at, now) {
        Ok(())
    } else {
        Err(WindowClosed {
            closed_at: window_closes_at(last_inbound_at),
        })
    }
}

/// The time to store as `last_inbound_at` for a message the provider stamped `provider_ts` and we
/// received at `received_at`: the earlier of the two, so a provider clock running ahead can never
/// hold the window open longer than 24 hours after the customer really wrote.
#[must_use]
pub fn inbound_time(provider_ts: Option<DateTime<Utc>>, received_at: DateTime<Utc>) -> DateTime<Utc> {
    provider_ts.map_or(received_at, |ts| ts.min(received_at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-10T12:00:00Z").unwrap().to_utc()
    }

    #[test]
    fn window_open_edges() {
        let now = t0();
        let s = TimeDelta::seconds;
        let table = [
            (None, false),
            (Some(now), true),
            (Some(now - s(1)), true),
            (Some(now - SERVICE_WINDOW + s(1)), true),
            (Some(now - SERVICE_WINDOW), false),
            (Some(now - SERVICE_WINDOW - s(1)), false),
            (Some(now + s(30)), true),
        ];
        for (last, open) in table {
            assert_eq!(window_open(last, now), open, "{last:?}");
        }
    }

    #[test]
    fn only_templates_pass_a_closed_window() {
        let now = t0();
        let last = Some(now - TimeDelta::hours(30));
        assert_eq!(check_outbound(MessageType::Template, last, now), Ok(()));
        assert_eq!(check_outbound(MessageType::Template, None, now), Ok(()));
        let err = check_outbound(MessageType::Text, last, now).unwrap_err();
        assert_eq!(err.closed_at, Some(now - TimeDelta::hours(6)));
        assert_eq!(
            check_outbound(MessageType::Image, None, now).unwrap_err().closed_at,
            None
        );
        assert_eq!(WindowClosed::CODE, "whatsapp_window_closed");
        for kind in MessageType::ALL {
            assert_eq!(check_outbound(*kind, Some(now - TimeDelta::hours(1)), now), Ok(()));
        }
    }

    #[test]
    fn inbound_time_never_runs_ahead() {
        let now = t0();
        assert_eq!(inbound_time(Some(now + TimeDelta::hours(5)), now), now);
        assert_eq!(
            inbound_time(Some(now - TimeDelta::seconds(3)), now),
            now - TimeDelta::seconds(3)
        );
        assert_eq!(inbound_time(None, now), now);
    }

    proptest! {
        #[test]
        fn window_open_matches_elapsed_time(offset_s in -100_000i64..300_000) {
            let now = t0();
            let open = window_open(Some(now - TimeDelta::seconds(offset_s)), now);
            prop_assert_eq!(open, offset_s < 24 * 3600);
            let kind_ok = check_outbound(MessageType::Text, Some(now - TimeDelta::seconds(offset_s)), now).is_ok();
            prop_assert_eq!(kind_ok, open);
        }
    }
}
