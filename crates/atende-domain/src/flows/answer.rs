//! Validating and normalizing a customer's answer to a question.

use super::nodes::{AnswerKind, QuestionConfig, QuestionOption};
use super::text::{clip, fold_keyword};
use crate::cpf_cnpj::CpfCnpj;
use crate::phone::PhoneE164;
use crate::values::Email;
use chrono::NaiveDate;
use serde_json::{Number, Value};

/// Longest free-text answer stored, in characters.
pub const MAX_ANSWER: usize = 4096;

/// A valid answer: the normalized value to store and, for options, the option picked.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer<'q> {
    pub value: Value,
    pub option: Option<&'q QuestionOption>,
}

/// Validates `text` (and the tapped button/row id, if any) against the question's answer kind.
/// `None` means invalid: the interpreter re-asks or follows `invalid`.
#[must_use]
pub fn parse_answer<'q>(q: &'q QuestionConfig, text: &str, reply_id: Option<&str>) -> Option<Answer<'q>> {
    let plain = |value: Value| Some(Answer { value, option: None });
    let t = text.trim();
    match q.answer {
        AnswerKind::Options => {
            let option = match_option(&q.options, text, reply_id)?;
            Some(Answer {
                value: Value::String(option.title.clone()),
                option: Some(option),
            })
        }
        _ if t.is_empty() => None,
        AnswerKind::Text => plain(Value::String(clip(t, MAX_ANSWER))),
        AnswerKind::Number => parse_number(t).and_then(|n| plain(Value::Number(n))),
        AnswerKind::Email => Email::parse(t).ok().and_then(|e| plain(e.as_str().into())),
        AnswerKind::Phone => PhoneE164::parse(t)
            .ok()
            .and_then(|p| plain(p.as_str().trim_start_matches('+').into())),
        AnswerKind::CpfCnpj => CpfCnpj::parse(t).ok().and_then(|c| plain(c.as_str().into())),
        AnswerKind::Date => parse_date(t).and_then(|d| plain(d.format("%Y-%m-%d").to_string().into())),
    }
}

/// The option a reply picks: by the tapped button/row id, else by title (case- and
/// accent-insensitive, punctuation at the ends ignored), else by its number `1`…`n` in the menu.
/// Titles win over numbers so that options titled `10`, `20` mean themselves.
#[must_use]
pub fn match_option<'q>(
    options: &'q [QuestionOption],
    text: &str,
    reply_id: Option<&str>,
) -> Option<&'q QuestionOption> {
    if let Some(id) = reply_id
        && let Some(o) = options.iter().find(|o| o.id == id)
    {
        return Some(o);
    }
    let key = fold_keyword(text);
    if key.is_empty() {
        return None;
    }
    if let Some(o) = options.iter().find(|o| fold_keyword(&o.title) == key) {
        return Some(o);
    }
    if key.len() <= 3 && key.bytes().all(|b| b.is_ascii_digit()) {
        let n: usize = key.parse().ok()?;
        return n.checked_sub(1).and_then(|i| options.get(i));
    }
    None
}

/// Parses a number as people type it: `42`, `-3.5`, `3,5`, `1.234,56`, `1,234.56`, `2.500`.
///
/// With both `.` and `,` the last one is the decimal separator. With one kind only: a single `,`
/// is decimal (pt-BR); a single `.` is decimal unless it is followed by exactly three digits
/// after a non-zero integer part (`2.500` is two thousand five hundred in Brazil); repeated
/// separators are thousands and must group by three. Integers stay integers in JSON.
#[must_use]
pub fn parse_number(raw: &str) -> Option<Number> {
    let s: String = raw.chars().filter(|c| !matches!(c, ' ' | '\u{a0}')).collect();
    if s.is_empty() || s.len() > 40 {
        return None;
    }
    let (sign, body) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s.strip_prefix('+').unwrap_or(&s)),
    };
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
        return None;
    }
    let (int_part, frac_part) = split_decimal(body)?;
    let int_digits = ungroup(int_part)?;
    if int_digits.is_empty() && frac_part.is_empty() {
        return None;
    }
    if frac_part.is_empty() {
        let text = format!("{sign}{int_digits}");
        if let Ok(i) = text.parse::<i64>() {
            return Some(Number::from(i));
        }
    }
    let int_digits = if int_digits.is_empty() { "0" } else { &int_digits };
    let frac_part = if frac_part.is_empty() { "0" } else { frac_part };
    let text = format!("{sign}{int_digits}.{frac_part}");
    text.parse::<f64>().ok().and_then(Number::from_f64)
}

/// Splits into (integer part, possibly with thousands separators; fractional digits).
fn split_decimal(body: &str) -> Option<(&str, &str)> {
    let dots = body.matches('.').count();
    let commas = body.matches(',').count();
    let sep = match (dots, commas) {
        (0, 0) => return Some((body, "")),
        (1, 0) => {
            let (int, frac) = body.split_once('.')?;
            let grouping = frac.len() == 3 && (1..=3).contains(&int.len()) && !int.starts_with('0');
            if grouping {
                return Some((body, ""));
            }
            '.'
        }
        (0, 1) => ',',
        // One kind repeated: thousands separators only.
        (_, 0) | (0, _) => return Some((body, "")),
        _ => {
            if body.rfind('.') > body.rfind(',') {
                '.'
            } else {
                ','
            }
        }
    };
    let (int, frac) = body.rsplit_once(sep)?;
    if int.contains(sep) || frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((int, frac))
}

/// Removes thousands separators after checking they group by three (`1.234.567`).
fn ungroup(int: &str) -> Option<String> {
    let groups: Vec<&str> = int.split(['.', ',']).collect();
    if groups.len() > 1 {
        let first_ok = (1..=3).contains(&groups[0].len());
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return None;
        }
    }
    Some(groups.concat())
}

/// Parses `dd/mm/yyyy` (also with `-` or `.`, one-digit day and month allowed) or ISO
/// `yyyy-mm-dd`; years 1900–2200.
#[must_use]
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let s = raw.trim();
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let (y, m, d) = if parts[0].len() == 4 {
        (parts[0], parts[1], parts[2])
    } else if parts[2].len() == 4 && parts[0].len() <= 2 && parts[1].len() <= 2 {
        (parts[2], parts[1], parts[0])
    } else {
        return None;
    };
    let year: i32 = y.parse().ok()?;
    if !(1900..=2200).contains(&year) || m.len() > 2 || d.len() > 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(year, m.parse().ok()?, d.parse().ok()?)
}
