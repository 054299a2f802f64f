//! Parsed value types: an instance is valid by construction ("parse, don't validate").

use crate::error::ValidationError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An e-mail address, trimmed and lower-cased.
///
/// Lower-casing the whole address (not only the domain) is a deliberate choice: mailbox
/// providers treat the local part case-insensitively in practice, and storing one canonical form
/// makes "unique case-insensitively" a plain unique index on both engines.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// # Errors
    /// `invalid_email` when the text is not a plausible address.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let s = raw.trim().to_lowercase();
        let err = || ValidationError::new("invalid_email", "must be a valid e-mail address");
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(err());
        }
        let (local, domain) = s.split_once('@').ok_or_else(err)?;
        if local.is_empty()
            || local.len() > 64
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
            || domain.chars().any(|c| !(c.is_alphanumeric() || c == '-' || c == '.'))
            || local
                .chars()
                .any(|c| matches!(c, '<' | '>' | '(' | ')' | ',' | ';' | ':' | '\\' | '"' | '[' | ']'))
        {
            return Err(err());
        }
        Ok(Self(s))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A tenant slug: 2–63 characters of `a-z`, `0-9` and inner hyphens (usable as a subdomain).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    /// # Errors
    /// `invalid_slug` otherwise.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let s = raw.trim();
        let ok = (2..=63).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(ValidationError::new(
                "invalid_slug",
                "must be 2-63 characters of a-z, 0-9 and inner hyphens",
            ))
        }
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password: 10 to 256 characters. Never printed by `Debug`.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// Bounds in characters; the OpenAPI document's `minLength`/`maxLength` are these.
    pub const MIN: usize = 10;
    pub const MAX: usize = 256;

    /// # Errors
    /// `password_too_short` / `password_too_long`.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let n = raw.chars().count();
        if n < Self::MIN {
            return Err(ValidationError::new(
                "password_too_short",
                format!("must have at least {} characters", Self::MIN),
            ));
        }
        if n > Self::MAX {
            return Err(ValidationError::new(
                "password_too_long",
                format!("must have at most {} characters", Self::MAX),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// An IANA time zone name known to the time zone database (`America/Sao_Paulo`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct TimeZoneName(String);

impl TimeZoneName {
    /// # Errors
    /// `invalid_time_zone` when the database does not know the name.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let s = raw.trim();
        if s.is_empty() || s.len() > 64 || jiff::tz::TimeZone::get(s).is_err() {
            return Err(ValidationError::new(
                "invalid_time_zone",
                "must be an IANA time zone such as America/Sao_Paulo",
            ));
        }
        Ok(Self(s.to_owned()))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The languages the product speaks. pt-BR is the default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
pub enum Locale {
    #[default]
    #[serde(rename = "pt-BR")]
    PtBr,
    #[serde(rename = "en")]
    En,
    #[serde(rename = "es")]
    Es,
}

impl Locale {
    /// # Errors
    /// `invalid_locale` for anything but `pt-BR`, `en`, `es`.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw.trim() {
            "pt-BR" | "pt-br" | "pt" => Ok(Self::PtBr),
            "en" => Ok(Self::En),
            "es" => Ok(Self::Es),
            _ => Err(ValidationError::new("invalid_locale", "must be one of pt-BR, en, es")),
        }
    }

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PtBr => "pt-BR",
            Self::En => "en",
            Self::Es => "es",
        }
    }
}

/// Serde helpers for integers in JSON bodies: JSON Schema's `integer` includes `3.0` (Python's
/// `json` writes whole floats that way), which serde's integer types refuse. These read any JSON
/// number without a fractional part that fits the target type.
pub mod whole_number {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer};

    fn read<'de, D: Deserializer<'de>, T: TryFrom<i64>>(v: &serde_json::Value) -> Result<T, D::Error> {
        let n = v
            .as_i64()
            .or_else(|| {
                v.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            })
            .ok_or_else(|| D::Error::custom(format!("invalid type: {v}, expected an integer")))?;
        T::try_from(n).map_err(|_| D::Error::custom(format!("{n} is out of range")))
    }

    /// `#[serde(deserialize_with = "whole_number::required")]`
    ///
    /// # Errors
    /// When the value is not a whole number in range.
    pub fn required<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<T, D::Error> {
        read::<D, T>(&serde_json::Value::deserialize(d)?)
    }

    /// `#[serde(default, deserialize_with = "whole_number::optional")]`; `null` is `None`.
    ///
    /// # Errors
    /// When the value is neither `null` nor a whole number in range.
    pub fn optional<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<Option<T>, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Null => Ok(None),
            v => read::<D, T>(&v).map(Some),
        }
    }

    #[cfg(test)]
    mod tests {
        #[derive(serde::Deserialize)]
        struct T {
            #[serde(deserialize_with = "super::required")]
            n: u32,
            #[serde(default, deserialize_with = "super::optional")]
            m: Option<i64>,
        }

        #[test]
        fn whole_floats_are_integers_and_fractions_are_not() {
            let t: T = serde_json::from_str(r#"{"n": 213.0, "m": -4}"#).unwrap();
            assert_eq!((t.n, t.m), (213, Some(-4)));
            let t: T = serde_json::from_str(r#"{"n": 7, "m": null}"#).unwrap();
            assert_eq!((t.n, t.m), (7, None));
            assert!(serde_json::from_str::<T>(r#"{"n": 1.5}"#).is_err());
            assert!(serde_json::from_str::<T>(r#"{"n": -1}"#).is_err());
            assert!(serde_json::from_str::<T>(r#"{"n": "1"}"#).is_err());
        }
    }
}

/// The longest display name of a person, tenant, department, team, channel or API key.
pub const NAME_MAX: usize = 120;

/// What [`parse_name`] accepts, as an ECMA-262 / Python regular expression for the OpenAPI
/// document: at least one non-blank character and no control character (C0, DEL, C1). Together
/// with `maxLength` = the `max` given to [`parse_name`] it describes exactly the accepted names
/// (the length limit counts the trimmed text, so the schema is, if anything, stricter).
pub const NAME_PATTERN: &str = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$";

/// Trims a display name and checks its length (1..=`max` characters, no control characters).
///
/// # Errors
/// `invalid_name` when empty, too long or containing control characters.
pub fn parse_name(raw: &str, max: usize) -> Result<String, ValidationError> {
    let s = raw.trim();
    if s.is_empty() || s.chars().count() > max || s.chars().any(char::is_control) {
        return Err(ValidationError::new(
            "invalid_name",
            format!("must have 1 to {max} characters and no control characters"),
        ));
    }
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn email_is_lowercased_and_trimmed() {
        assert_eq!(
            Email::parse("  Ana.Silva@Example.COM ").unwrap().as_str(),
            "ana.silva@example.com"
        );
    }

    #[test]
    fn email_rejects_garbage() {
        for bad in [
            "", "a", "a@", "@b.c", "a@b", "a b@c.d", "a@b..c", "a@@b.c", "<a>@b.c", "a@b\n.c",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn slug_rules() {
        for ok in ["ab", "acme", "loja-123"] {
            assert!(Slug::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["a", "-ab", "ab-", "Acme", "ação", "a_b", &"x".repeat(64)] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn password_length_limits() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("long enough pass").is_ok());
        assert!(Password::parse(&"x".repeat(257)).is_err());
        assert_eq!(
            format!("{:?}", Password::parse("long enough pass").unwrap()),
            "Password(***)"
        );
    }

    #[test]
    fn time_zone_known_names_only() {
        assert!(TimeZoneName::parse("America/Sao_Paulo").is_ok());
        assert!(TimeZoneName::parse("Mars/Olympus").is_err());
    }

    #[test]
    fn locale_parses_three_languages() {
        assert_eq!(Locale::parse("pt-BR").unwrap(), Locale::PtBr);
        assert_eq!(Locale::parse("es").unwrap().as_str(), "es");
        assert!(Locale::parse("fr").is_err());
    }

    proptest! {
        #[test]
        fn email_parse_never_panics_and_is_idempotent(s in "\\PC{0,80}") {
            if let Ok(e) = Email::parse(&s) {
                prop_assert_eq!(Email::parse(e.as_str()).unwrap(), e);
            }
        }

        #[test]
        fn slug_parse_never_panics(s in "\\PC{0,80}") {
            let _ = Slug::parse(&s);
        }
    }
}
