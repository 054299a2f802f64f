//! Business hours (horário de atendimento) and campaign sending windows: weekly wall-clock ranges
//! in one IANA time zone.
//!
//! Ranges are read in local wall-clock time, so "09:00–18:00" stays 09:00–18:00 across a DST
//! change; the zone arithmetic is jiff's (the tz database of the system, or jiff's bundled copy).
//!
//! Edges, decided:
//! - A range is `[open, close)`: open at 09:00:00, closed at 18:00:00. `close` may be `24:00`
//!   (until midnight); a range never crosses midnight — write two ranges (a [`SendWindow`] across
//!   midnight is split that way for you).
//! - Several ranges per day are allowed (lunch breaks); overlapping ranges simply union.
//! - On a spring-forward day a range that starts in the skipped hour opens when the clock jumps
//!   (`02:00` in New York on that day is `03:00` EDT); a range wholly inside the gap never opens.
//! - A value that fails [`BusinessHours::validate`] (unknown zone, bad time) is never open:
//!   [`BusinessHours::is_open`] is `false` and [`BusinessHours::next_open`] is `None`, so an
//!   invalid stored value cannot panic a worker, it only reads as "closed".

use crate::error::FieldErrors;
use chrono::{DateTime, Utc};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use serde::{Deserialize, Serialize};

/// At most this many ranges per week (7 days × a few ranges is plenty).
pub const MAX_RANGES: usize = 64;
/// Minutes in a day: the value of `24:00`.
const DAY_MINUTES: u16 = 24 * 60;

/// Weekly opening ranges in one time zone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BusinessHours {
    /// IANA time zone name, e.g. `America/Sao_Paulo`.
    #[schema(example = "America/Sao_Paulo")]
    pub time_zone: String,
    /// The opening ranges; a weekday without ranges is closed all day.
    pub days: Vec<DayHours>,
}

/// One opening range on one weekday.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DayHours {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    #[schema(minimum = 1, maximum = 7)]
    pub weekday: u8,
    /// Opening time, `HH:MM` (00:00–23:59).
    #[schema(example = "09:00")]
    pub open: String,
    /// Closing time, `HH:MM`, after `open`; `24:00` means until midnight.
    #[schema(example = "18:00")]
    pub close: String,
}

/// A campaign's sending window: the same clock ranges every listed day, in the tenant's zone.
/// `end` before `start` means the window crosses midnight (`22:00`–`06:00`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SendWindow {
    /// `HH:MM`.
    #[schema(example = "09:00")]
    pub start: String,
    /// `HH:MM` (`24:00` allowed); must differ from `start`.
    #[schema(example = "18:00")]
    pub end: String,
    /// ISO weekdays (1 = Monday … 7 = Sunday) on which the window opens.
    pub days: Vec<u8>,
}

/// A parsed range: weekday 1–7, minutes since local midnight, `open < close`.
#[derive(Clone, Copy, Debug)]
struct Range {
    weekday: i8,
    open: u16,
    close: u16,
}

/// Parses `HH:MM` into minutes since midnight; `24:00` only when `allow_midnight_end`.
fn parse_clock(s: &str, allow_midnight_end: bool) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) if allow_midnight_end => Some(DAY_MINUTES),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

fn to_timestamp(at: DateTime<Utc>) -> Option<Timestamp> {
    let nanos = i32::try_from(at.timestamp_subsec_nanos()).ok()?;
    Timestamp::new(at.timestamp(), nanos).ok()
}

fn to_chrono(ts: Timestamp) -> Option<DateTime<Utc>> {
    let nanos = u32::try_from(ts.subsec_nanosecond()).ok()?;
    DateTime::from_timestamp(ts.as_second(), nanos)
}

impl BusinessHours {
    /// Open every day all day in `time_zone` (useful as a neutral default).
    #[must_use]
    pub fn always(time_zone: &str) -> Self {
        Self {
            time_zone: time_zone.to_owned(),
            days: (1..=7)
                .map(|weekday| DayHours {
                    weekday,
                    open: "00:00".into(),
                    close: "24:00".into(),
                })
                .collect(),
        }
    }

    /// The sending window of a campaign as business hours in the tenant's `time_zone`. A window
    /// across midnight becomes `[start, 24:00)` on each listed day plus `[00:00, end)` on the
    /// following day. Invalid clock texts are carried over as they are, so [`Self::validate`]
    /// still reports them (validate the window with [`SendWindow::validate`] for its own fields).
    #[must_use]
    pub fn from_send_window(window: &SendWindow, time_zone: &str) -> Self {
        let (start, end) = (parse_clock(&window.start, false), parse_clock(&window.end, true));
        let mut days = Vec::new();
        for &weekday in &window.days {
            match (start, end) {
                (Some(s), Some(e)) if e < s => {
                    days.push(DayHours {
                        weekday,
                        open: window.start.clone(),
                        close: "24:00".into(),
                    });
                    if e > 0 {
                        days.push(DayHours {
                            weekday: weekday % 7 + 1,
                            open: "00:00".into(),
                            close: window.end.clone(),
                        });
                    }
                }
                _ => days.push(DayHours {
                    weekday,
                    open: window.start.clone(),
                    close: window.end.clone(),
                }),
            }
        }
        Self {
            time_zone: time_zone.to_owned(),
            days,
        }
    }

    /// Checks every field. Field names: `time_zone`, `days`, `days[i].weekday`, `days[i].open`,
    /// `days[i].close`.
    ///
    /// # Errors
    /// `invalid_time_zone`, `too_many_ranges`, `invalid_weekday`, `invalid_time`,
    /// `open_not_before_close`.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check("time_zone", crate::values::TimeZoneName::parse(&self.time_zone));
        if self.days.len() > MAX_RANGES {
            errors.add_code("days", "too_many_ranges", format!("at most {MAX_RANGES} ranges"));
        }
        for (i, day) in self.days.iter().enumerate() {
            if !(1..=7).contains(&day.weekday) {
                errors.add_code(
                    &format!("days[{i}].weekday"),
                    "invalid_weekday",
                    "must be 1 (Monday) to 7 (Sunday)",
                );
            }
            let open = parse_clock(&day.open, false);
            let close = parse_clock(&day.close, true);
            if open.is_none() {
                errors.add_code(&format!("days[{i}].open"), "invalid_time", "must be HH:MM");
            }
            if close.is_none() {
                errors.add_code(&format!("days[{i}].close"), "invalid_time", "must be HH:MM or 24:00");
            }
            if let (Some(o), Some(c)) = (open, close)
                && o >= c
            {
                errors.add_code(
                    &format!("days[{i}].close"),
                    "open_not_before_close",
                    "must be after the opening time",
                );
            }
        }
        errors.into_result()
    }

    /// The zone and the valid ranges; `None` when the zone is unknown or any range is invalid.
    fn compiled(&self) -> Option<(TimeZone, Vec<Range>)> {
        let tz = TimeZone::get(self.time_zone.trim()).ok()?;
        let mut ranges = Vec::with_capacity(self.days.len());
        for d in &self.days {
            let weekday = i8::try_from(d.weekday).ok().filter(|w| (1..=7).contains(w))?;
            let open = parse_clock(&d.open, false)?;
            let close = parse_clock(&d.close, true)?;
            if open >= close {
                return None;
            }
            ranges.push(Range { weekday, open, close });
        }
        Some((tz, ranges))
    }

    /// Whether `at` falls inside an opening range (local wall-clock time of the zone).
    #[must_use]
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        let Some((tz, ranges)) = self.compiled() else {
            return false;
        };
        to_timestamp(at).is_some_and(|ts| open_at(&ranges, &ts.to_zoned(tz)))
    }

    /// The first instant at or after `at` when it is open: `at` itself when open now; `None` when
    /// no range ever opens (no ranges, invalid value).
    #[must_use]
    pub fn next_open(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let (tz, ranges) = self.compiled()?;
        let ts = to_timestamp(at)?;
        let now = ts.to_zoned(tz.clone());
        if open_at(&ranges, &now) {
            return Some(at);
        }
        let mut date = now.date();
        // Today plus a full week (and one day of slack for a range lost in a DST gap).
        for _ in 0..9 {
            let weekday = date.weekday().to_monday_one_offset();
            let mut opens: Vec<u16> = ranges.iter().filter(|r| r.weekday == weekday).map(|r| r.open).collect();
            opens.sort_unstable();
            for open in opens {
                let Some(candidate) = local_instant(&tz, date, open) else {
                    continue;
                };
                if candidate.timestamp() >= ts && open_at(&ranges, &candidate) {
                    return to_chrono(candidate.timestamp());
                }
            }
            date = date.tomorrow().ok()?;
        }
        None
    }
}

/// The instant of local `date` at `minutes` past midnight; a time in a DST gap resolves to the
/// moment the clock jumps past it (jiff's "compatible" rule).
fn local_instant(tz: &TimeZone, date: Date, minutes: u16) -> Option<Zoned> {
    let hour = i8::try_from(minutes / 60).ok()?;
    let minute = i8::try_from(minutes % 60).ok()?;
    tz.to_ambiguous_zoned(date.at(hour, minute, 0, 0)).compatible().ok()
}

fn open_at(ranges: &[Range], local: &Zoned) -> bool {
    let weekday = local.weekday().to_monday_one_offset();
    let minute = u16::try_from(i16::from(local.hour()) * 60 + i16::from(local.minute())).unwrap_or(0);
    ranges
        .iter()
        .any(|r| r.weekday == weekday && r.open <= minute && minute < r.close)
}

impl SendWindow {
    /// Checks the window's own fields: `start`, `end`, `days`.
    ///
    /// # Errors
    /// `invalid_time`, `empty_window` (start equals end), `invalid_weekday`, `no_days`.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        let start = parse_clock(&self.start, false);
        let end = parse_clock(&self.end, true);
        if start.is_none() {
            errors.add_code("start", "invalid_time", "must be HH:MM");
        }
        if end.is_none() {
            errors.add_code("end", "invalid_time", "must be HH:MM or 24:00");
        }
        if start.is_some() && start == end {
            errors.add_code("end", "empty_window", "must differ from the start");
        }
        if self.days.is_empty() {
            errors.add_code("days", "no_days", "at least one weekday");
        }
        if self.days.iter().any(|d| !(1..=7).contains(d)) {
            errors.add_code("days", "invalid_weekday", "weekdays are 1 (Monday) to 7 (Sunday)");
        }
        errors.into_result()
    }

    /// This window as business hours in `time_zone`.
    #[must_use]
    pub fn to_business_hours(&self, time_zone: &str) -> BusinessHours {
        BusinessHours::from_send_window(self, time_zone)
    }
}

#[cfg(test)]
#[path = "hours_tests.rs"]
mod tests;
