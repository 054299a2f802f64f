//! Phone numbers in one canonical E.164 form, so that every spelling of a customer's number finds
//! the same contact.
//!
//! People type `(11) 98765-4321`, `011 98765-4321` or `+55 (11) 98765-4321`; WhatsApp sends
//! `5511987654321` as the `wa_id`. All of them become `+5511987654321`, parsed with a port of
//! libphonenumber (the `phonenumber` crate) with Brazil as the default region.
//!
//! # The ninth digit
//!
//! Brazil put a `9` in front of every 8-digit mobile number (2012–2016). WhatsApp accounts older
//! than that still have a `wa_id` without it (`551187654321`), while the number people type has it.
//! Canonical form: **with** the 9 (`+55 DD 9XXXX-XXXX`), the number that can be dialled today.
//! A 10-digit Brazilian national number whose local part starts with 6–9 is such an old mobile and
//! gains the 9 when parsed — this includes the retired 8-digit radio range starting with 7
//! (Nextel), which libphonenumber still calls valid. Local parts starting with 2–5 are landlines
//! and never gain a 9. [`PhoneE164::whatsapp_candidates`] gives both forms of a mobile, to find an
//! identity whichever form its `wa_id` has; replies go to the `wa_id` the identity was stored with.
//!
//! Input is limited to digits, spaces and `+ - ( ) . /`: libphonenumber reads letters as keypad
//! digits (`ramal` would become `72625`), which only ever turns a typo into a wrong number.

use crate::error::ValidationError;
use phonenumber::{Mode, PhoneNumber, country};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// Longest input accepted; `+55 (11) 98765-4321` has 19 characters.
/// The longest phone input accepted (any spelling); the OpenAPI `maxLength`.
pub const MAX_INPUT_CHARS: usize = 40;
/// Brazil's country calling code.
const BRAZIL: u16 = 55;

/// A valid phone number in E.164 form (`+5511987654321`); Brazilian mobiles always carry their
/// ninth digit. Extensions are not representable.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct PhoneE164(String);

impl PhoneE164 {
    /// Parses a number as a person writes it. Without `+` it is read as Brazilian first: 10 or 11
    /// digits not starting with `0` are a national number (`DD` + local part), anything else goes
    /// through libphonenumber with Brazil as the default region (the `0` trunk prefix, a leading
    /// `55`). If that gives no valid Brazilian number and the text does not start with `0`, it is
    /// read as international digits (`16502530000` → `+16502530000`), which is how a `wa_id` looks.
    ///
    /// The explicit 10/11-digit rule exists because the `phonenumber` port strips a leading `55`
    /// as the country code even when it is the area code of Rio Grande do Sul (`(55) 98765-4321`).
    ///
    /// # Errors
    /// `invalid_phone` when the text is not a valid number of any country, has an extension or
    /// holds characters other than digits, spaces and `+ - ( ) . /`.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let s = raw.trim();
        let plus_ok = s.rfind('+').is_none_or(|i| i == 0);
        let chars_ok = s
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace() || matches!(c, '+' | '-' | '(' | ')' | '.' | '/'));
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        if !plus_ok || !chars_ok || s.chars().count() > MAX_INPUT_CHARS || digits.is_empty() {
            return Err(invalid());
        }
        let bare = !s.starts_with('+') && !digits.starts_with('0');
        let national = bare && matches!(digits.len(), 10 | 11);
        national
            .then(|| canonical(None, &format!("+55{digits}")))
            .flatten()
            .or_else(|| canonical(Some(country::Id::BR), s))
            .or_else(|| bare.then(|| canonical(None, &format!("+{digits}"))).flatten())
            .ok_or_else(invalid)
    }

    /// Parses a WhatsApp `wa_id`: the full international number as digits, without `+`.
    ///
    /// # Errors
    /// `invalid_phone` when it is not 8–15 digits forming a valid number.
    pub fn from_wa_id(wa_id: &str) -> Result<Self, ValidationError> {
        let s = wa_id.trim();
        if !(8..=15).contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) || s.starts_with('0') {
            return Err(invalid());
        }
        canonical(None, &format!("+{s}")).ok_or_else(invalid)
    }

    /// The canonical E.164 text, `+` included.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The canonical number as a `wa_id` (digits, no `+`).
    #[must_use]
    pub fn wa_id(&self) -> &str {
        self.0.strip_prefix('+').unwrap_or(&self.0)
    }

    /// Whether this is a Brazilian number (country code 55).
    #[must_use]
    pub fn is_brazilian(&self) -> bool {
        // E.164 country codes are prefix-free, so the text prefix decides.
        self.0.starts_with("+55")
    }

    /// Every `wa_id` WhatsApp may use for this number, the canonical one first: for a Brazilian
    /// mobile whose local part is `9` followed by 6–9, also the old form without the `9`.
    /// Landlines, newer mobile ranges and foreign numbers have exactly one.
    #[must_use]
    pub fn whatsapp_candidates(&self) -> Vec<String> {
        let mut out = vec![self.wa_id().to_owned()];
        if let Some(national) = self.wa_id().strip_prefix("55").filter(|_| self.is_brazilian())
            && let Some(old) = drop_ninth_digit(national)
        {
            out.push(format!("55{old}"));
        }
        out
    }

    /// The number for people to read: national format for Brazil (`(11) 98765-4321`),
    /// international for other countries (`+1 650-253-0000`), since the UI's home is Brazil.
    #[must_use]
    pub fn display(&self) -> String {
        let mode = if self.is_brazilian() {
            Mode::National
        } else {
            Mode::International
        };
        phonenumber::parse(None, &self.0)
            .map(|n| n.format().mode(mode).to_string())
            .unwrap_or_else(|_| self.0.clone())
    }
}

impl fmt::Display for PhoneE164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for PhoneE164 {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

fn invalid() -> ValidationError {
    ValidationError::new(
        "invalid_phone",
        "must be a valid phone number, such as +55 11 98765-4321",
    )
}

/// Parses, restores a Brazilian mobile's ninth digit, and keeps the result only if valid.
fn canonical(region: Option<country::Id>, text: &str) -> Option<PhoneE164> {
    let number = phonenumber::parse(region, text).ok()?;
    if number.extension().is_some() {
        return None;
    }
    let number = with_ninth_digit(number);
    number
        .is_valid()
        .then(|| PhoneE164(number.format().mode(Mode::E164).to_string()))
}

fn with_ninth_digit(number: PhoneNumber) -> PhoneNumber {
    if number.code().value() != BRAZIL {
        return number;
    }
    add_ninth_digit(&number.national().to_string())
        .and_then(|fixed| phonenumber::parse(None, format!("+55{fixed}")).ok())
        .filter(PhoneNumber::is_valid)
        .unwrap_or(number)
}

/// `DD` + `[6-9]XXXXXXX` (an 8-digit mobile) → `DD9` + the same eight digits.
fn add_ninth_digit(national: &str) -> Option<String> {
    let b = national.as_bytes();
    let old_mobile = b.len() == 10 && b.iter().all(u8::is_ascii_digit) && (b'6'..=b'9').contains(&b[2]);
    old_mobile.then(|| format!("{}9{}", &national[..2], &national[2..]))
}

/// The inverse of [`add_ninth_digit`]: `DD9[6-9]XXXXXXX` → `DD[6-9]XXXXXXX`.
fn drop_ninth_digit(national: &str) -> Option<String> {
    let b = national.as_bytes();
    let has_it = b.len() == 11 && b.iter().all(u8::is_ascii_digit) && b[2] == b'9' && (b'6'..=b'9').contains(&b[3]);
    has_it.then(|| format!("{}{}", &national[..2], &national[3..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn spellings_of_one_brazilian_mobile_are_one_number() {
        for raw in [
            "5511987654321",
            "+5511987654321",
            "+55 (11) 98765-4321",
            "011 98765-4321",
            "(11) 98765-4321",
            "11 98765 4321",
            "  +55 11 9 8765-4321 ",
            "11.98765.4321",
            "551187654321",
            "+55 11 8765-4321",
            "(11) 8765-4321",
        ] {
            assert_eq!(PhoneE164::parse(raw).unwrap().as_str(), "+5511987654321", "{raw:?}");
        }
    }

    #[test]
    fn area_code_55_is_not_taken_for_the_country_code() {
        let table = [
            ("(55) 98765-4321", "+5555987654321"),
            ("55 98765-4321", "+5555987654321"),
            ("055 98765-4321", "+5555987654321"),
            ("5555987654321", "+5555987654321"),
            ("555587654321", "+5555987654321"),
            ("(55) 3333-4444", "+555533334444"),
        ];
        for (raw, e164) in table {
            assert_eq!(PhoneE164::parse(raw).unwrap().as_str(), e164, "{raw:?}");
        }
    }

    #[test]
    fn wa_ids_with_and_without_ninth_digit_resolve_to_one_number() {
        let new = PhoneE164::from_wa_id("5511987654321").unwrap();
        let old = PhoneE164::from_wa_id("551187654321").unwrap();
        assert_eq!(new, old);
        assert_eq!(new.whatsapp_candidates(), ["5511987654321", "551187654321"]);
        assert_eq!(new.wa_id(), "5511987654321");
    }

    #[test]
    fn landlines_never_gain_a_ninth_digit() {
        let p = PhoneE164::parse("(11) 3333-4444").unwrap();
        assert_eq!(p.as_str(), "+551133334444");
        assert_eq!(p.whatsapp_candidates(), ["551133334444"]);
        assert_eq!(PhoneE164::from_wa_id("556132334444").unwrap().as_str(), "+556132334444");
    }

    #[test]
    fn newer_mobile_ranges_have_no_old_form() {
        let p = PhoneE164::parse("(11) 91234-5678").unwrap();
        assert_eq!(p.whatsapp_candidates(), ["5511912345678"]);
    }

    #[test]
    fn foreign_numbers_keep_their_country() {
        let table = [
            ("+1 650 253 0000", "+16502530000", "+1 650-253-0000"),
            ("16502530000", "+16502530000", "+1 650-253-0000"),
            ("+351 912 345 678", "+351912345678", "+351 912 345 678"),
        ];
        for (raw, e164, shown) in table {
            let p = PhoneE164::parse(raw).unwrap();
            assert_eq!(p.as_str(), e164, "{raw}");
            assert_eq!(p.display(), shown, "{raw}");
            assert!(!p.is_brazilian());
            assert_eq!(p.whatsapp_candidates().len(), 1);
        }
        assert_eq!(PhoneE164::from_wa_id("16502530000").unwrap().as_str(), "+16502530000");
    }

    #[test]
    fn brazilian_numbers_display_in_national_format() {
        assert_eq!(PhoneE164::parse("5511987654321").unwrap().display(), "(11) 98765-4321");
        assert_eq!(PhoneE164::parse("1133334444").unwrap().display(), "(11) 3333-4444");
    }

    #[test]
    fn garbage_is_rejected_as_invalid_phone() {
        for raw in [
            "",
            "   ",
            "abc",
            "123",
            "+55",
            "+5511",
            "0000000000",
            "+55 11 98765-4321 ext. 12",
            "+55 11 98765-4321 ramal 2",
            "11 9876-ABCD",
            "55+11987654321",
            "+55 11 1234-5678",
            "5510987654321",
            "+99 123 456",
            "1111111111111111111111111111111111111111111",
        ] {
            assert_eq!(PhoneE164::parse(raw).unwrap_err().code, "invalid_phone", "{raw:?}");
        }
        for wa_id in [
            "",
            "+5511987654321",
            "55 11 98765 4321",
            "0511987654321",
            "1234567",
            "5599",
        ] {
            assert!(PhoneE164::from_wa_id(wa_id).is_err(), "{wa_id:?}");
        }
    }

    #[test]
    fn serializes_as_its_e164_text() {
        let p: PhoneE164 = "(21) 99999-8888".parse().unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"+5521999998888\"");
        assert_eq!(p.to_string(), "+5521999998888");
    }

    /// Area codes in service (ANATEL).
    const DDDS: &[u8] = &[
        11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38, 41, 42, 43, 44, 45, 46, 47,
        48, 49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69, 71, 73, 74, 75, 77, 79, 81, 82, 83, 84, 85, 86, 87,
        88, 89, 91, 92, 93, 94, 95, 96, 97, 98, 99,
    ];

    proptest! {
        #[test]
        fn parse_never_panics_and_is_idempotent(s in "\\PC{0,50}") {
            if let Ok(p) = PhoneE164::parse(&s) {
                prop_assert_eq!(PhoneE164::parse(p.as_str()).unwrap(), p.clone());
                prop_assert_eq!(PhoneE164::from_wa_id(p.wa_id()).unwrap(), p);
            }
        }

        #[test]
        fn parse_never_panics_on_phone_like_text(s in "[+0-9 ().-]{0,30}") {
            if let Ok(p) = PhoneE164::parse(&s) {
                prop_assert!(p.as_str().starts_with('+'));
                prop_assert!(p.as_str()[1..].bytes().all(|b| b.is_ascii_digit()));
                prop_assert_eq!(PhoneE164::parse(p.as_str()).unwrap(), p);
            }
        }

        #[test]
        fn old_and_new_mobile_forms_are_one_number(ddd in proptest::sample::select(DDDS), first in 6u8..=9, rest in 0u32..10_000_000) {
            let local = format!("{first}{rest:07}");
            let old = PhoneE164::from_wa_id(&format!("55{ddd}{local}")).unwrap();
            let new = PhoneE164::parse(&format!("({ddd}) 9{local}")).unwrap();
            prop_assert_eq!(&old, &new);
            prop_assert_eq!(new.as_str(), format!("+55{ddd}9{local}"));
            prop_assert_eq!(new.whatsapp_candidates(), vec![format!("55{ddd}9{local}"), format!("55{ddd}{local}")]);
            for candidate in new.whatsapp_candidates() {
                prop_assert_eq!(PhoneE164::from_wa_id(&candidate).unwrap(), new.clone());
            }
        }

        #[test]
        fn landlines_keep_eight_digits(ddd in proptest::sample::select(DDDS), first in 2u8..=5, rest in 0u32..10_000_000) {
            let local = format!("{first}{rest:07}");
            if let Ok(p) = PhoneE164::parse(&format!("({ddd}) {local}")) {
                prop_assert_eq!(p.as_str(), format!("+55{ddd}{local}"));
                prop_assert_eq!(p.whatsapp_candidates().len(), 1);
            }
        }
    }
}
