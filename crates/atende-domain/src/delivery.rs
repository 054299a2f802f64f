//! Delivery status of an outbound message, applied monotonically.
//!
//! Providers report statuses through webhooks that may arrive late, twice or out of order
//! (WhatsApp does not order `delivered` and `read`; a retried delivery can replay an old one). So a
//! status is never *set*, it is *applied*: [`apply_status`] keeps the furthest-along status seen,
//! and the result does not depend on the order in which the reports arrive.
//!
//! # Rules
//!
//! `queued < sent < delivered < read < played` by rank (`played`: a voice note was listened to,
//! which WhatsApp reports after `read`). `failed` sits outside the chain:
//!
//! | current \ incoming              | queued/sent/delivered/read/played | failed  |
//! |---------------------------------|-----------------------------------|---------|
//! | queued, sent                    | the higher rank wins              | failed  |
//! | delivered, read, played         | the higher rank wins              | ignored |
//! | failed                          | delivered/read/played win; queued/sent ignored | ignored |
//!
//! Why: Meta can send `failed` after `sent` (the message could not be delivered within its TTL),
//! so `failed` beats `queued`/`sent`. But `delivered`, `read` and `played` are evidence that the
//! recipient's phone has the message, and evidence beats a contradictory failure in either order —
//! otherwise the outcome would depend on webhook arrival order. The final status of any set of
//! reports is therefore: the highest of delivered/read/played if any arrived, else `failed` if it
//! arrived, else the highest of queued/sent. Putting a failed message back to `queued` for a manual
//! retry is a deliberate reset by the use case, not something a report can do.

use crate::names::named_enum;

named_enum! {
    /// Where an outbound message is on its way to the recipient.
    pub enum MessageStatus (error = "invalid_message_status") {
        /// Stored, waiting for the `DeliverMessage` job. Only we set it; no provider reports it.
        Queued = "queued",
        /// Accepted by the provider (we have its message id).
        Sent = "sent",
        /// On the recipient's device.
        Delivered = "delivered",
        /// Opened by the recipient.
        Read = "read",
        /// A voice note was played (after `read`).
        Played = "played",
        /// The provider gave up; its error code and title are kept on the message.
        Failed = "failed",
    }
}

impl MessageStatus {
    /// Position in the progress chain `queued < sent < delivered < read < played`; `None` for
    /// `failed`, which is not on the chain.
    #[must_use]
    pub fn rank(self) -> Option<u8> {
        match self {
            Self::Queued => Some(0),
            Self::Sent => Some(1),
            Self::Delivered => Some(2),
            Self::Read => Some(3),
            Self::Played => Some(4),
            Self::Failed => None,
        }
    }

    /// Whether the recipient's device is known to hold the message (`delivered` or later).
    #[must_use]
    pub fn reached_recipient(self) -> bool {
        self.rank().is_some_and(|r| r >= 2)
    }

    /// Only a failed message can be put back in the queue by hand.
    #[must_use]
    pub fn is_retriable(self) -> bool {
        self == Self::Failed
    }
}

/// Applies a reported status to the current one: `Some(new)` when the message moves, `None` when
/// the report is stale, a duplicate or contradicted (see the module's table).
///
/// Invariant: folding any set of reports with this function gives the same result in every
/// order, and never moves a message backwards along the chain.
#[must_use]
pub fn apply_status(current: MessageStatus, incoming: MessageStatus) -> Option<MessageStatus> {
    match (current.rank(), incoming.rank()) {
        (Some(cur), Some(inc)) => (inc > cur).then_some(incoming),
        // A failure wins until the recipient is known to have the message.
        (Some(_), None) => (!current.reached_recipient()).then_some(incoming),
        // Evidence of delivery overrides a failure; a late `sent` does not.
        (None, Some(_)) => incoming.reached_recipient().then_some(incoming),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MessageStatus::{Delivered, Failed, Played, Queued, Read, Sent};
    use proptest::prelude::*;

    fn fold(start: MessageStatus, reports: &[MessageStatus]) -> MessageStatus {
        reports
            .iter()
            .fold(start, |cur, inc| apply_status(cur, *inc).unwrap_or(cur))
    }

    #[test]
    fn apply_status_table() {
        let table = [
            (Queued, Sent, Some(Sent)),
            (Sent, Delivered, Some(Delivered)),
            (Sent, Read, Some(Read)),
            (Read, Delivered, None),
            (Delivered, Delivered, None),
            (Read, Played, Some(Played)),
            (Played, Read, None),
            (Queued, Failed, Some(Failed)),
            (Sent, Failed, Some(Failed)),
            (Delivered, Failed, None),
            (Read, Failed, None),
            (Failed, Failed, None),
            (Failed, Sent, None),
            (Failed, Queued, None),
            (Failed, Delivered, Some(Delivered)),
            (Failed, Read, Some(Read)),
            (Sent, Queued, None),
        ];
        for (current, incoming, expected) in table {
            assert_eq!(apply_status(current, incoming), expected, "{current} + {incoming}");
        }
    }

    #[test]
    fn read_before_delivered_is_not_undone() {
        assert_eq!(fold(Queued, &[Sent, Read, Delivered]), Read);
    }

    #[test]
    fn status_names_round_trip() {
        for s in MessageStatus::ALL {
            assert_eq!(MessageStatus::parse(s.as_str()).unwrap(), *s);
        }
        assert_eq!(MessageStatus::parse("seen").unwrap_err().code, "invalid_message_status");
        assert!(Failed.is_retriable() && !Sent.is_retriable());
    }

    fn any_status() -> impl Strategy<Value = MessageStatus> {
        proptest::sample::select(MessageStatus::ALL)
    }

    fn progress_status() -> impl Strategy<Value = MessageStatus> {
        proptest::sample::select(&[Queued, Sent, Delivered, Read, Played][..])
    }

    /// The documented closed form of the final status.
    fn expected_final(start: MessageStatus, reports: &[MessageStatus]) -> MessageStatus {
        let all: Vec<_> = std::iter::once(start).chain(reports.iter().copied()).collect();
        let best = |pred: fn(&MessageStatus) -> bool| all.iter().copied().filter(pred).max_by_key(|s| s.rank());
        best(|s| s.reached_recipient())
            .or_else(|| all.contains(&Failed).then_some(Failed))
            .or_else(|| best(|s| s.rank().is_some()))
            .unwrap_or(start)
    }

    proptest! {
        #[test]
        fn without_failures_the_maximum_rank_wins(reports in proptest::collection::vec(progress_status(), 0..12)) {
            let max = reports.iter().copied().chain([Queued]).max_by_key(|s| s.rank()).unwrap();
            prop_assert_eq!(fold(Queued, &reports), max);
        }

        #[test]
        fn the_final_status_does_not_depend_on_arrival_order(
            (reports, shuffled) in proptest::collection::vec(any_status(), 0..12)
                .prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle()))
        ) {
            prop_assert_eq!(fold(Queued, &reports), fold(Queued, &shuffled));
            prop_assert_eq!(fold(Queued, &reports), expected_final(Queued, &reports));
        }

        #[test]
        fn a_status_never_moves_backwards(current in any_status(), incoming in any_status()) {
            if let (Some(next), Some(cur)) = (apply_status(current, incoming), current.rank()) {
                prop_assert!(next.rank().is_none_or(|n| n > cur));
            }
        }
    }
}
