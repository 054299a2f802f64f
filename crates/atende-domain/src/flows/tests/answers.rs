//! Answer parsing: numbers, dates, options; invalid inputs.

use super::*;
use crate::flows::answer::{match_option, parse_answer, parse_date, parse_number};
use chrono::NaiveDate;
use proptest::prelude::*;

fn n(s: &str) -> Option<f64> {
    parse_number(s).and_then(|n| n.as_f64())
}

#[test]
fn numbers_in_brazilian_and_english_spelling() {
    assert_eq!(parse_number("42"), Some(42.into()));
    assert_eq!(parse_number("-7"), Some((-7).into()));
    assert_eq!(n("3,5"), Some(3.5));
    assert_eq!(n("3.5"), Some(3.5));
    assert_eq!(n("1.234,56"), Some(1234.56));
    assert_eq!(n("1,234.56"), Some(1234.56));
    assert_eq!(
        parse_number("2.500"),
        Some(2500.into()),
        "a dot and three digits is thousands"
    );
    assert_eq!(n("0.500"), Some(0.5));
    assert_eq!(parse_number("1.000.000"), Some(1_000_000.into()));
    assert_eq!(n("R$ 10"), None);
    for bad in ["", "-", "1.2.3", "1,2,3", "12a", "1..2", "5.", "1.234.5,6", "--1"] {
        assert_eq!(parse_number(bad), None, "{bad:?}");
    }
}

#[test]
fn dates_day_first_or_iso() {
    let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
    assert_eq!(parse_date("05/03/2024"), d(2024, 3, 5));
    assert_eq!(parse_date("5-3-2024"), d(2024, 3, 5));
    assert_eq!(parse_date("05.03.2024"), d(2024, 3, 5));
    assert_eq!(parse_date("2024-03-05"), d(2024, 3, 5));
    for bad in [
        "31/02/2024",
        "2024/13/01",
        "05/03/24",
        "hoje",
        "1/1/1800",
        "05/03/2024/1",
    ] {
        assert_eq!(parse_date(bad), None, "{bad:?}");
    }
}

fn options() -> Vec<QuestionOption> {
    [("a", "10"), ("b", "20"), ("c", "Não sei")]
        .into_iter()
        .map(|(id, title)| QuestionOption {
            id: id.into(),
            title: title.into(),
            description: None,
        })
        .collect()
}

#[test]
fn option_titles_win_over_menu_numbers() {
    let o = options();
    assert_eq!(match_option(&o, "10", None).map(|o| o.id.as_str()), Some("a"));
    assert_eq!(match_option(&o, "2", None).map(|o| o.id.as_str()), Some("b"));
    assert_eq!(match_option(&o, "nao sei.", None).map(|o| o.id.as_str()), Some("c"));
    assert_eq!(match_option(&o, "x", Some("c")).map(|o| o.id.as_str()), Some("c"));
    assert_eq!(match_option(&o, "0", None), None);
    assert_eq!(match_option(&o, "", None), None);
}

#[test]
fn invalid_answers_per_kind() {
    let q = |answer: AnswerKind| QuestionConfig {
        prompt: "?".into(),
        answer,
        options: vec![],
        display: OptionsDisplay::Auto,
        list_button: None,
        variable: "v".into(),
        max_retries: 1,
        retry_text: None,
        timeout_minutes: None,
    };
    assert!(parse_answer(&q(AnswerKind::Email), "ana@", None).is_none());
    assert!(parse_answer(&q(AnswerKind::Phone), "ramal 12", None).is_none());
    assert!(parse_answer(&q(AnswerKind::CpfCnpj), "123.456.789-00", None).is_none());
    assert!(parse_answer(&q(AnswerKind::CpfCnpj), "11.222.333/0001-81", None).is_some());
    assert!(parse_answer(&q(AnswerKind::Date), "amanhã", None).is_none());
    assert!(
        parse_answer(&q(AnswerKind::Options), "1", None).is_none(),
        "no options, nothing matches"
    );
    assert_eq!(
        parse_answer(&q(AnswerKind::Text), "oi", None).map(|a| a.value),
        Some(json!("oi"))
    );
}

proptest! {
    #[test]
    fn grouped_integers_parse_back(v in 1_000i64..1_000_000_000) {
        let plain = v.to_string();
        let mut grouped = String::new();
        for (i, c) in plain.chars().enumerate() {
            if i > 0 && (plain.len() - i) % 3 == 0 {
                grouped.push('.');
            }
            grouped.push(c);
        }
        prop_assert_eq!(parse_number(&grouped), Some(v.into()));
        prop_assert_eq!(parse_number(&plain), Some(v.into()));
    }

    #[test]
    fn parsers_never_panic(s in "\\PC{0,40}") {
        let _ = parse_number(&s);
        let _ = parse_date(&s);
        let _ = match_option(&options(), &s, Some(&s));
    }
}
