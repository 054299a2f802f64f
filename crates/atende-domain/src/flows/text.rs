//! Text folding for comparisons people expect to be forgiving: `Olá`, `OLA` and ` ola ` are the
//! same word to a customer typing on a phone.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower-cases, strips accents (Unicode NFD, combining marks dropped), collapses runs of
/// whitespace to one space and trims. Lower-casing comes first: it can itself produce a
/// combining mark (`İ` → `i̇`), which the decomposition then drops.
#[must_use]
pub fn fold(s: &str) -> String {
    let lower = s.to_lowercase();
    let mut out = String::with_capacity(lower.len());
    let mut pending_space = false;
    for c in lower.nfd().filter(|c| !is_combining_mark(*c)) {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// [`fold`], then punctuation and symbols trimmed from both ends (`Oi!!` → `oi`, `"2."` → `2`),
/// for keywords and menu answers.
#[must_use]
pub fn fold_keyword(s: &str) -> String {
    fold(s).trim_matches(|c: char| !c.is_alphanumeric()).to_owned()
}

/// The first `max` characters of `s` (not bytes).
#[must_use]
pub fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => s[..i].to_owned(),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fold_strips_accents_case_and_extra_space() {
        assert_eq!(fold("  Olá,   CORAÇÃO\tàç "), "ola, coracao ac");
        assert_eq!(fold("São Paulo"), fold("SAO PAULO"));
        // Precomposed and decomposed spellings fold alike.
        assert_eq!(fold("e\u{301}"), fold("\u{e9}"));
    }

    #[test]
    fn fold_keyword_trims_punctuation_at_the_ends_only() {
        assert_eq!(fold_keyword("Oi!!"), "oi");
        assert_eq!(fold_keyword("«2.»"), "2");
        assert_eq!(fold_keyword("bom-dia!"), "bom-dia");
        assert_eq!(fold_keyword("?!"), "");
    }

    #[test]
    fn clip_counts_characters() {
        assert_eq!(clip("ação", 2), "aç");
        assert_eq!(clip("ok", 5), "ok");
    }

    proptest! {
        #[test]
        fn fold_is_idempotent(s in "\\PC{0,40}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once.clone());
            prop_assert_eq!(once.trim(), once.as_str());
        }
    }
}
