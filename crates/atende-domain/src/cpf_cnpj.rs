//! Brazilian taxpayer numbers: CPF (people, 11 digits) and CNPJ (companies, 14 characters),
//! check digits verified.
//!
//! From July 2026 new CNPJs are alphanumeric: the first 12 characters may be `0-9A-Z`, the last
//! two stay digits, and the check digits are computed over each character's ASCII code minus 48
//! (`A` = 17). Numeric CNPJs are the special case with digits only, so one rule serves both.

use crate::error::ValidationError;
use serde::Serialize;
use std::fmt;

/// A CPF or CNPJ without punctuation (`52998224725`, `11222333000181`, `12ABC34501DE35`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct CpfCnpj(String);

/// Which of the two a [`CpfCnpj`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaxIdKind {
    Cpf,
    Cnpj,
}

/// The check digit over `values` with `weights` (mod 11; remainders 0 and 1 give 0).
fn check_digit(values: &[u32], weights: &[u32]) -> u32 {
    let sum: u32 = values.iter().zip(weights).map(|(v, w)| v * w).sum();
    match sum % 11 {
        0 | 1 => 0,
        r => 11 - r,
    }
}

fn valid_cpf(s: &str) -> bool {
    let d: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 11 || d.iter().all(|x| *x == d[0]) {
        return false;
    }
    let w1: Vec<u32> = (2..=10).rev().collect();
    let w2: Vec<u32> = (2..=11).rev().collect();
    let d1 = check_digit(&d[..9], &w1);
    let d2 = check_digit(&d[..10], &w2);
    d[9] == d1 && d[10] == d2
}

fn valid_cnpj(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 14
        || !chars[..12].iter().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        || !chars[12..].iter().all(char::is_ascii_digit)
        || chars.iter().all(|c| *c == chars[0])
    {
        return false;
    }
    // ASCII code minus 48: digits keep their value, `A` is 17 … `Z` is 42.
    let values: Vec<u32> = chars.iter().map(|c| u32::from(*c) - 48).collect();
    let w1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    let w2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    let d1 = check_digit(&values[..12], &w1);
    let d2 = check_digit(&values[..13], &w2);
    values[12] == d1 && values[13] == d2
}

impl CpfCnpj {
    /// Parses a CPF or CNPJ typed with or without `.`, `-`, `/` and spaces; letters of an
    /// alphanumeric CNPJ in either case.
    ///
    /// # Errors
    /// `invalid_cpf_cnpj` when the length, characters or check digits are wrong, or every digit
    /// is the same (`111.111.111-11` passes the arithmetic but is no one's number).
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let s: String = raw
            .trim()
            .chars()
            .filter(|c| !matches!(c, '.' | '-' | '/' | ' '))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if valid_cpf(&s) || valid_cnpj(&s) {
            Ok(Self(s))
        } else {
            Err(ValidationError::new("invalid_cpf_cnpj", "must be a valid CPF or CNPJ"))
        }
    }

    /// CPF or CNPJ.
    #[must_use]
    pub fn kind(&self) -> TaxIdKind {
        if self.0.len() == 11 {
            TaxIdKind::Cpf
        } else {
            TaxIdKind::Cnpj
        }
    }

    /// The number without punctuation.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CpfCnpj {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn valid_cpf_with_and_without_punctuation() {
        let a = CpfCnpj::parse("529.982.247-25").unwrap();
        assert_eq!(a.as_str(), "52998224725");
        assert_eq!(a.kind(), TaxIdKind::Cpf);
        assert_eq!(CpfCnpj::parse(" 52998224725 ").unwrap(), a);
    }

    #[test]
    fn cpf_with_a_wrong_check_digit_or_repeated_digits_is_refused() {
        assert!(CpfCnpj::parse("529.982.247-24").is_err());
        assert!(CpfCnpj::parse("529.982.247-15").is_err());
        assert!(CpfCnpj::parse("111.111.111-11").is_err());
        assert!(CpfCnpj::parse("5299822472").is_err());
    }

    #[test]
    fn numeric_and_alphanumeric_cnpj() {
        let n = CpfCnpj::parse("11.222.333/0001-81").unwrap();
        assert_eq!(n.as_str(), "11222333000181");
        assert_eq!(n.kind(), TaxIdKind::Cnpj);
        // The Receita Federal's example of the 2026 alphanumeric format.
        assert_eq!(CpfCnpj::parse("12.abc.345/01de-35").unwrap().as_str(), "12ABC34501DE35");
        assert!(CpfCnpj::parse("11.222.333/0001-80").is_err());
        assert!(CpfCnpj::parse("12.ABC.345/01DE-36").is_err());
        assert!(CpfCnpj::parse("00.000.000/0000-00").is_err());
        // Letters are only allowed before the check digits.
        assert!(CpfCnpj::parse("11222333000A81").is_err());
    }

    proptest! {
        #[test]
        fn any_nine_digits_complete_to_exactly_one_valid_cpf(base in "[0-9]{9}") {
            let valid: Vec<String> = (0..100)
                .map(|dv| format!("{base}{dv:02}"))
                .filter(|c| CpfCnpj::parse(c).is_ok())
                .collect();
            // Nine equal digits complete to eleven equal digits, which are refused.
            let all_same = base.bytes().all(|c| c == base.as_bytes()[0]);
            prop_assert_eq!(valid.len(), usize::from(!all_same));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            let _ = CpfCnpj::parse(&s);
        }
    }
}
