use super::*;
use chrono::TimeZone as _;
use proptest::prelude::*;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

fn range(weekday: u8, open: &str, close: &str) -> DayHours {
    DayHours {
        weekday,
        open: open.into(),
        close: close.into(),
    }
}

fn hours(tz: &str, days: Vec<DayHours>) -> BusinessHours {
    BusinessHours {
        time_zone: tz.into(),
        days,
    }
}

fn weekdays_9_to_18(tz: &str) -> BusinessHours {
    hours(tz, (1..=5).map(|d| range(d, "09:00", "18:00")).collect())
}

fn field_codes(h: &BusinessHours) -> Vec<(String, String)> {
    let errors = h.validate().unwrap_err();
    errors
        .codes
        .into_iter()
        .flat_map(|(f, cs)| cs.into_iter().map(move |c| (f.clone(), c)))
        .collect()
}

#[test]
fn sao_paulo_range_is_half_open_in_local_time() {
    let h = weekdays_9_to_18("America/Sao_Paulo");
    // Monday 2025-06-02; São Paulo is UTC-3 all year since 2019.
    assert!(!h.is_open(utc(2025, 6, 2, 11, 59, 59)));
    assert!(h.is_open(utc(2025, 6, 2, 12, 0, 0)));
    assert!(h.is_open(utc(2025, 6, 2, 20, 59, 59)));
    assert!(!h.is_open(utc(2025, 6, 2, 21, 0, 0)));
}

#[test]
fn weekday_is_the_local_one_across_the_utc_day_boundary() {
    // Friday 23:30 in São Paulo is Saturday 02:30 UTC.
    let h = hours("America/Sao_Paulo", vec![range(5, "22:00", "24:00")]);
    assert!(h.is_open(utc(2025, 6, 7, 2, 30, 0)));
    // Saturday 23:30 local (Sunday UTC) is closed.
    assert!(!h.is_open(utc(2025, 6, 8, 2, 30, 0)));
}

#[test]
fn next_open_skips_the_weekend() {
    let h = weekdays_9_to_18("America/Sao_Paulo");
    // Friday 2025-06-06 18:00 local → Monday 09:00 local.
    assert_eq!(h.next_open(utc(2025, 6, 6, 21, 0, 0)), Some(utc(2025, 6, 9, 12, 0, 0)));
    // Open now: the same instant.
    let now = utc(2025, 6, 4, 15, 0, 0);
    assert_eq!(h.next_open(now), Some(now));
    // Early the same morning: later today.
    assert_eq!(h.next_open(utc(2025, 6, 4, 10, 0, 0)), Some(utc(2025, 6, 4, 12, 0, 0)));
}

#[test]
fn new_york_opens_at_local_nine_on_both_sides_of_spring_forward() {
    let h = hours(
        "America/New_York",
        (1..=7).map(|d| range(d, "09:00", "17:00")).collect(),
    );
    // Friday 2025-03-07 (EST, UTC-5): 09:00 local is 14:00 UTC.
    assert!(!h.is_open(utc(2025, 3, 7, 13, 30, 0)));
    assert!(h.is_open(utc(2025, 3, 7, 14, 0, 0)));
    // Monday 2025-03-10 (EDT, UTC-4): 09:00 local is 13:00 UTC.
    assert!(h.is_open(utc(2025, 3, 10, 13, 30, 0)));
    // Saturday evening EST → Sunday 09:00 EDT (the clocks moved that night).
    assert_eq!(h.next_open(utc(2025, 3, 8, 23, 0, 0)), Some(utc(2025, 3, 9, 13, 0, 0)));
}

#[test]
fn a_range_starting_in_the_spring_forward_gap_opens_when_the_clock_jumps() {
    // Sunday 2025-03-09 in New York: 02:00 EST jumps to 03:00 EDT (07:00 UTC).
    let h = hours("America/New_York", vec![range(7, "02:00", "04:00")]);
    assert_eq!(h.next_open(utc(2025, 3, 9, 5, 0, 0)), Some(utc(2025, 3, 9, 7, 0, 0)));
    // A range wholly inside the gap never opens that day: the next Sunday (EDT, UTC-4).
    let gap = hours("America/New_York", vec![range(7, "02:00", "02:45")]);
    assert_eq!(gap.next_open(utc(2025, 3, 9, 5, 0, 0)), Some(utc(2025, 3, 16, 6, 0, 0)));
}

#[test]
fn the_repeated_hour_of_fall_back_is_open_twice() {
    // Sunday 2025-11-02 in New York: 01:00–02:00 happens in EDT (05:00Z) and again in EST (06:00Z).
    let h = hours("America/New_York", vec![range(7, "01:00", "02:00")]);
    assert!(h.is_open(utc(2025, 11, 2, 5, 30, 0)));
    assert!(h.is_open(utc(2025, 11, 2, 6, 30, 0)));
    assert!(!h.is_open(utc(2025, 11, 2, 7, 0, 0)));
    assert_eq!(h.next_open(utc(2025, 11, 2, 4, 0, 0)), Some(utc(2025, 11, 2, 5, 0, 0)));
}

#[test]
fn several_ranges_per_day_leave_a_lunch_break() {
    let h = hours(
        "America/Sao_Paulo",
        vec![range(1, "08:00", "12:00"), range(1, "13:00", "17:00")],
    );
    assert!(!h.is_open(utc(2025, 6, 2, 15, 30, 0))); // 12:30 local
    assert_eq!(h.next_open(utc(2025, 6, 2, 15, 30, 0)), Some(utc(2025, 6, 2, 16, 0, 0)));
}

#[test]
fn validation_reports_each_bad_field() {
    let h = hours(
        "Mars/Olympus",
        vec![
            range(0, "09:00", "18:00"),
            range(1, "9:00", "25:00"),
            range(2, "18:00", "09:00"),
            range(3, "24:00", "24:00"),
        ],
    );
    let codes = field_codes(&h);
    let has = |f: &str, c: &str| codes.iter().any(|(ff, cc)| ff == f && cc == c);
    assert!(has("time_zone", "invalid_time_zone"));
    assert!(has("days[0].weekday", "invalid_weekday"));
    assert!(has("days[1].open", "invalid_time"));
    assert!(has("days[1].close", "invalid_time"));
    assert!(has("days[2].close", "open_not_before_close"));
    assert!(has("days[3].open", "invalid_time"));
    assert!(weekdays_9_to_18("America/Sao_Paulo").validate().is_ok());
    assert!(BusinessHours::always("UTC").validate().is_ok());
}

#[test]
fn an_invalid_value_reads_as_closed_without_panicking() {
    let bad_zone = hours("Nowhere/Atlantis", vec![range(1, "00:00", "24:00")]);
    let bad_range = hours("UTC", vec![range(1, "10:00", "09:00")]);
    let at = utc(2025, 6, 2, 12, 0, 0);
    for h in [bad_zone, bad_range, hours("UTC", vec![])] {
        assert!(!h.is_open(at));
        assert_eq!(h.next_open(at), None);
    }
}

#[test]
fn send_window_across_midnight_splits_into_two_days() {
    let w = SendWindow {
        start: "22:00".into(),
        end: "06:00".into(),
        days: vec![5, 7],
    };
    assert!(w.validate().is_ok());
    let h = w.to_business_hours("America/Sao_Paulo");
    assert!(h.validate().is_ok());
    assert_eq!(
        h.days,
        vec![
            range(5, "22:00", "24:00"),
            range(6, "00:00", "06:00"),
            range(7, "22:00", "24:00"),
            range(1, "00:00", "06:00"),
        ]
    );
    // Saturday 05:00 local (08:00Z) is inside Friday's window.
    assert!(h.is_open(utc(2025, 6, 7, 8, 0, 0)));
}

#[test]
fn send_window_validation_codes() {
    let w = SendWindow {
        start: "09:00".into(),
        end: "09:00".into(),
        days: vec![],
    };
    let e = w.validate().unwrap_err();
    assert_eq!(e.codes["end"], vec!["empty_window"]);
    assert_eq!(e.codes["days"], vec!["no_days"]);
    let w = SendWindow {
        start: "9h".into(),
        end: "18:00".into(),
        days: vec![8],
    };
    let e = w.validate().unwrap_err();
    assert_eq!(e.codes["start"], vec!["invalid_time"]);
    assert_eq!(e.codes["days"], vec!["invalid_weekday"]);
}

fn arb_hours() -> impl Strategy<Value = BusinessHours> {
    let day = (1u8..=7, 0u16..1439, 1u16..=180).prop_map(|(weekday, open, len)| {
        let close = (open + len).min(DAY_MINUTES);
        let fmt = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        range(weekday, &fmt(open), &fmt(close))
    });
    let zone = prop::sample::select(vec!["America/Sao_Paulo", "America/New_York", "Europe/Lisbon", "UTC"]);
    (zone, prop::collection::vec(day, 1..6)).prop_map(|(tz, days)| hours(tz, days))
}

proptest! {
    #[test]
    fn next_open_is_open_and_not_before_the_start(h in arb_hours(), secs in 1_600_000_000i64..1_900_000_000) {
        let at = DateTime::from_timestamp(secs, 0).unwrap();
        let next = h.next_open(at);
        prop_assert!(next.is_some(), "a week always contains one of the ranges");
        let next = next.unwrap();
        prop_assert!(next >= at);
        prop_assert!(h.is_open(next));
        prop_assert!(next - at <= chrono::TimeDelta::days(8));
        prop_assert_eq!(h.is_open(at), next == at);
    }
}
