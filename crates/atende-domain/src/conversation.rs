//! The conversation's life: its status, the transitions people may make, and what an inbound
//! message does to it (the reopen policy). Also its priority.
//!
//! # Statuses and the seeds
//!
//! | status     | meaning                                                  | seeds                          |
//! |------------|----------------------------------------------------------|--------------------------------|
//! | `open`     | needs or has an agent's attention                        | ABERTA, EM_ATENDIMENTO, aberta |
//! | `pending`  | parked by the team (waiting on a colleague, a third party, a snooze) | pendente           |
//! | `waiting`  | the team answered and waits for the customer             | AGUARDANDO                     |
//! | `resolved` | done; a new message within the reopen window reopens it  | RESOLVIDA, resolvida           |
//! | `archived` | history: out of every working list, never reopened by a message | ARQUIVADA               |
//! | `spam`     | junk: kept, silenced, never reopened by a message        | spam                           |
//!
//! ABERTA ("new, nobody took it") and EM_ATENDIMENTO ("an agent is on it") are both `open`: the
//! difference is whether the conversation has an assignee, and keeping it only in the assignee
//! column means the two can never disagree. An importer maps EM_ATENDIMENTO without an assignee
//! to `open` unassigned. [`ConversationStatus::from_seed`] holds the mapping.
//!
//! # Transitions made by people (API, automations)
//!
//! | from \ to  | open | pending | waiting | resolved | archived | spam |
//! |------------|------|---------|---------|----------|----------|------|
//! | open       | =    | yes     | yes     | yes      | —        | yes  |
//! | pending    | yes  | =       | yes     | yes      | —        | yes  |
//! | waiting    | yes  | yes     | =       | yes      | —        | yes  |
//! | resolved   | yes (reopen) | — | —     | =        | yes      | yes  |
//! | archived   | yes (reopen) | — | —     | yes (unarchive) | = | —    |
//! | spam       | yes (not spam) | — | —   | —        | yes      | =    |
//!
//! `=` is allowed and changes nothing (a repeated `PATCH` must not fail). Archiving needs a closed
//! conversation (`resolved` or `spam`) so resolution time, CSAT and the `resolved` event are never
//! skipped; a reopened conversation comes back as `open`, and from there goes wherever the agent
//! likes.
//!
//! # What an inbound message does ([`on_inbound`])
//!
//! | status                 | outcome                                               |
//! |------------------------|-------------------------------------------------------|
//! | open                   | stays `open`                                          |
//! | pending, waiting       | `open`: the customer spoke, the team must look again  |
//! | resolved, within window| `open` (reopened)                                     |
//! | resolved, past window  | a new conversation                                    |
//! | archived               | a new conversation                                    |
//! | spam                   | stays `spam` (the message is stored, nobody is alerted) |
//!
//! The reopen window is per channel (default 24 hours). The message is within it when
//! `now - resolved_at < window` — exactly at the window's end it is past, like the WhatsApp
//! service window in [`crate::window`]. A `resolved_at` in the future (clock skew between nodes)
//! counts as just resolved. A resolved conversation without a `resolved_at` (imported data) starts
//! a new one: it cannot be shown to be within the window.

use crate::names::named_enum;
use chrono::{DateTime, TimeDelta, Utc};

named_enum! {
    /// The status of a conversation; see the module docs for meanings and transitions.
    pub enum ConversationStatus (error = "invalid_conversation_status") {
        Open = "open",
        Pending = "pending",
        Waiting = "waiting",
        Resolved = "resolved",
        Archived = "archived",
        Spam = "spam",
    }
}

impl ConversationStatus {
    /// `open`, `pending` and `waiting`: the conversation is in the team's working lists and
    /// counts against SLAs.
    #[must_use]
    pub fn is_active(self) -> bool {
        matches!(self, Self::Open | Self::Pending | Self::Waiting)
    }

    /// Maps a status of the seed systems (upper or lower case) onto ours; `None` if unknown.
    #[must_use]
    pub fn from_seed(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "aberta" | "em_atendimento" => Some(Self::Open),
            "pendente" => Some(Self::Pending),
            "aguardando" => Some(Self::Waiting),
            "resolvida" => Some(Self::Resolved),
            "arquivada" => Some(Self::Archived),
            "spam" => Some(Self::Spam),
            _ => None,
        }
    }
}

/// The reopen window used when a channel does not set one.
pub const DEFAULT_REOPEN_WINDOW: TimeDelta = TimeDelta::hours(24);

/// An allowed status change. `from == to` is a no-op the caller may skip (no event, no audit).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    pub from: ConversationStatus,
    pub to: ConversationStatus,
}

impl Transition {
    /// Nothing changes.
    #[must_use]
    pub fn is_noop(self) -> bool {
        self.from == self.to
    }

    /// A closed conversation (`resolved`, `archived`, `spam`) becomes active again.
    #[must_use]
    pub fn is_reopen(self) -> bool {
        !self.from.is_active() && self.to.is_active()
    }

    /// An active conversation is closed (stamps `resolved_at` when `to` is `resolved`).
    #[must_use]
    pub fn is_close(self) -> bool {
        self.from.is_active() && !self.to.is_active()
    }
}

/// A status change the table forbids. Code: `invalid_status_transition`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a conversation cannot go from {from} to {to}")]
pub struct TransitionError {
    pub from: ConversationStatus,
    pub to: ConversationStatus,
}

impl TransitionError {
    /// The stable error code the API returns.
    pub const CODE: &'static str = "invalid_status_transition";
}

/// Checks a status change requested by a person or an automation against the module's table.
///
/// # Errors
/// [`TransitionError`] when the table does not allow `from → to`.
pub fn transition(from: ConversationStatus, to: ConversationStatus) -> Result<Transition, TransitionError> {
    use ConversationStatus::{Archived, Open, Pending, Resolved, Spam, Waiting};
    let allowed = from == to
        || match from {
            Open | Pending | Waiting => matches!(to, Open | Pending | Waiting | Resolved | Spam),
            Resolved => matches!(to, Open | Archived | Spam),
            Archived => matches!(to, Open | Resolved),
            Spam => matches!(to, Open | Archived),
        };
    if allowed {
        Ok(Transition { from, to })
    } else {
        Err(TransitionError { from, to })
    }
}

/// What to do with a conversation when its contact writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InboundOutcome {
    /// Append the message to this conversation, which now has this status.
    Continue(ConversationStatus),
    /// Leave this conversation alone and open a new one (status `open`).
    StartNew,
}

/// The reopen policy: what an inbound message does to the contact's latest conversation on the
/// channel (see the module's table).
///
/// `last_resolved_at` is when the conversation was last resolved; it only matters for
/// `resolved`. A zero or negative `reopen_window` disables reopening.
#[must_use]
pub fn on_inbound(
    status: ConversationStatus,
    last_resolved_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    reopen_window: TimeDelta,
) -> InboundOutcome {
    use ConversationStatus::{Archived, Open, Pending, Resolved, Spam, Waiting};
    match status {
        Open | Pending | Waiting => InboundOutcome::Continue(Open),
        Spam => InboundOutcome::Continue(Spam),
        Archived => InboundOutcome::StartNew,
        Resolved => match last_resolved_at {
            Some(at) if (now - at).max(TimeDelta::zero()) < reopen_window => InboundOutcome::Continue(Open),
            _ => InboundOutcome::StartNew,
        },
    }
}

named_enum! {
    /// How urgently a conversation should be worked, independent of the channel. Ordered:
    /// `low < normal < high < urgent`.
    #[derive(PartialOrd, Ord, Default)]
    pub enum Priority (error = "invalid_priority") {
        Low = "low",
        #[default]
        Normal = "normal",
        High = "high",
        Urgent = "urgent",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConversationStatus::{Archived, Open, Pending, Resolved, Spam, Waiting};
    use proptest::prelude::*;

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-10T12:00:00Z").unwrap().to_utc()
    }

    #[test]
    fn transition_table() {
        // Rows in the order of ConversationStatus::ALL: open, pending, waiting, resolved, archived, spam.
        let table: [(ConversationStatus, [bool; 6]); 6] = [
            (Open, [true, true, true, true, false, true]),
            (Pending, [true, true, true, true, false, true]),
            (Waiting, [true, true, true, true, false, true]),
            (Resolved, [true, false, false, true, true, true]),
            (Archived, [true, false, false, true, true, false]),
            (Spam, [true, false, false, false, true, true]),
        ];
        for (from, row) in table {
            for (to, allowed) in ConversationStatus::ALL.iter().zip(row) {
                assert_eq!(transition(from, *to).is_ok(), allowed, "{from} -> {to}");
            }
        }
    }

    #[test]
    fn transition_kinds() {
        assert!(transition(Resolved, Open).unwrap().is_reopen());
        assert!(transition(Open, Resolved).unwrap().is_close());
        assert!(transition(Open, Open).unwrap().is_noop());
        assert!(!transition(Open, Waiting).unwrap().is_close());
        let err = transition(Open, Archived).unwrap_err();
        assert_eq!(err.to_string(), "a conversation cannot go from open to archived");
        assert_eq!(TransitionError::CODE, "invalid_status_transition");
    }

    #[test]
    fn on_inbound_table() {
        let w = DEFAULT_REOPEN_WINDOW;
        let now = t0();
        let h = TimeDelta::hours;
        let table = [
            (Open, None, InboundOutcome::Continue(Open)),
            (Pending, None, InboundOutcome::Continue(Open)),
            (Waiting, Some(now - h(100)), InboundOutcome::Continue(Open)),
            (Resolved, Some(now - h(1)), InboundOutcome::Continue(Open)),
            (
                Resolved,
                Some(now - h(24) + TimeDelta::seconds(1)),
                InboundOutcome::Continue(Open),
            ),
            (Resolved, Some(now - h(24)), InboundOutcome::StartNew),
            (Resolved, Some(now - h(25)), InboundOutcome::StartNew),
            (Resolved, Some(now + h(1)), InboundOutcome::Continue(Open)),
            (Resolved, None, InboundOutcome::StartNew),
            (Archived, Some(now - h(1)), InboundOutcome::StartNew),
            (Spam, None, InboundOutcome::Continue(Spam)),
        ];
        for (status, resolved_at, expected) in table {
            assert_eq!(
                on_inbound(status, resolved_at, now, w),
                expected,
                "{status} {resolved_at:?}"
            );
        }
    }

    #[test]
    fn zero_reopen_window_never_reopens() {
        assert_eq!(
            on_inbound(Resolved, Some(t0()), t0(), TimeDelta::zero()),
            InboundOutcome::StartNew
        );
    }

    #[test]
    fn seeds_map_onto_statuses() {
        let table = [
            ("ABERTA", Open),
            ("EM_ATENDIMENTO", Open),
            ("AGUARDANDO", Waiting),
            ("RESOLVIDA", Resolved),
            ("ARQUIVADA", Archived),
            ("aberta", Open),
            ("pendente", Pending),
            ("resolvida", Resolved),
            ("spam", Spam),
        ];
        for (seed, status) in table {
            assert_eq!(ConversationStatus::from_seed(seed), Some(status), "{seed}");
        }
        assert_eq!(ConversationStatus::from_seed("FECHADA"), None);
    }

    #[test]
    fn priority_is_ordered_and_defaults_to_normal() {
        assert_eq!(Priority::default(), Priority::Normal);
        assert!(Priority::Low < Priority::Normal && Priority::High < Priority::Urgent);
        assert_eq!(Priority::parse("urgent").unwrap(), Priority::Urgent);
        assert_eq!(Priority::parse("critical").unwrap_err().code, "invalid_priority");
    }

    fn any_status() -> impl Strategy<Value = ConversationStatus> {
        proptest::sample::select(ConversationStatus::ALL)
    }

    proptest! {
        #[test]
        fn inbound_never_leaves_an_active_conversation_inactive(
            status in any_status(),
            offset_s in -200_000i64..200_000,
            window_h in 0i64..200,
        ) {
            let now = t0();
            let outcome = on_inbound(status, Some(now - TimeDelta::seconds(offset_s)), now, TimeDelta::hours(window_h));
            match outcome {
                InboundOutcome::Continue(next) => {
                    prop_assert!(next == Open || (status == Spam && next == Spam));
                    // The outcome is a transition people could also make.
                    prop_assert!(transition(status, next).is_ok());
                }
                InboundOutcome::StartNew => prop_assert!(matches!(status, Resolved | Archived)),
            }
        }

        #[test]
        fn every_reachable_status_can_get_back_to_open(path in proptest::collection::vec(any_status(), 0..10)) {
            let mut cur = Open;
            for next in path {
                if let Ok(t) = transition(cur, next) {
                    cur = t.to;
                }
            }
            prop_assert!(transition(cur, Open).is_ok());
        }
    }
}
