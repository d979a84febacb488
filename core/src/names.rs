//! Names people type: connection names and team names. One rule for both, so the
//! page only shows core's answer.
//!
//! A name is compared and stored in Unicode NFC, so "é" typed as one character and as
//! "e" plus a combining accent is the same name (and taken once). Characters that are
//! invisible or change how the surrounding text is shown are refused, because a name
//! that looks like another one, or reorders the text around it, misleads whoever picks a
//! connection from a list: control characters (NUL included), line and paragraph
//! separators, and format characters (bidi overrides and isolates, zero-width spaces,
//! byte-order marks, tags). The zero-width joiner stays allowed: emoji sequences and
//! several scripts need it.

use crate::error::{AppError, AppResult, InputField};
use unicode_normalization::UnicodeNormalization;

/// The longest name, in characters (after normalisation).
pub const MAX_NAME_CHARS: usize = 100;

const ZERO_WIDTH_JOINER: char = '\u{200D}';

/// The name in NFC with surrounding white space removed, or why it cannot be saved.
pub fn clean_name(text: &str, field: InputField) -> AppResult<String> {
    let normalized: String = text.nfc().collect();
    let trimmed = normalized.trim();
    if let Some(character) = trimmed.chars().find(|&c| is_refused(c)) {
        return Err(AppError::NameInvalidCharacters { field, character });
    }
    let chars = trimmed.chars().count();
    if chars == 0 {
        return Err(AppError::text_missing(field));
    }
    if chars > MAX_NAME_CHARS {
        return Err(AppError::text_too_long(field, chars, MAX_NAME_CHARS));
    }
    Ok(trimmed.to_string())
}

fn is_refused(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}')
        || (is_format(c) && c != ZERO_WIDTH_JOINER)
}

/// Unicode general category Cf (Format), as of Unicode 15.1.
fn is_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{0600}'..='\u{0605}'
        | '\u{061C}'
        | '\u{06DD}'
        | '\u{070F}'
        | '\u{0890}'..='\u{0891}'
        | '\u{08E2}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{110BD}'
        | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}'
        | '\u{E0020}'..='\u{E007F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str) -> AppResult<String> {
        clean_name(text, InputField::Name)
    }

    #[test]
    fn names_are_stored_in_nfc_so_look_alikes_are_one_name() {
        let decomposed = "Cafe\u{301} Ops";
        let composed = "Caf\u{E9} Ops";
        assert_ne!(decomposed, composed);
        assert_eq!(name(decomposed).unwrap(), composed);
        assert_eq!(name(composed).unwrap(), composed);
    }

    #[test]
    fn the_length_limit_counts_characters_after_normalisation() {
        let hundred_decomposed = "e\u{301}".repeat(100);
        assert_eq!(name(&hundred_decomposed).unwrap().chars().count(), 100);
        assert_eq!(
            name(&"a".repeat(101)).unwrap_err(),
            AppError::text_too_long(InputField::Name, 101, 100)
        );
    }

    #[test]
    fn invisible_and_reordering_characters_are_refused_with_their_own_code() {
        for c in [
            '\0',
            '\u{7}',
            '\u{1B}',
            '\u{7F}',
            '\u{85}',
            '\u{202E}',
            '\u{202D}',
            '\u{2066}',
            '\u{200B}',
            '\u{200C}',
            '\u{200E}',
            '\u{2060}',
            '\u{FEFF}',
            '\u{00AD}',
            '\u{2028}',
            '\u{E0041}',
        ] {
            let err = clean_name(&format!("Ac{c}me"), InputField::Team).unwrap_err();
            assert_eq!(
                err,
                AppError::NameInvalidCharacters {
                    field: InputField::Team,
                    character: c
                },
                "U+{:04X}",
                c as u32
            );
            assert_eq!(err.code(), "name_invalid_characters");
        }
    }

    #[test]
    fn joiners_accents_and_other_scripts_are_kept() {
        for ok in [
            "Family \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}",
            "\u{0915}\u{094D}\u{200D}\u{0937}",
            "Zürich Ø 東京 שלום",
            "Toggl – name@example.com",
        ] {
            assert_eq!(name(ok).unwrap(), ok.nfc().collect::<String>());
        }
    }

    #[test]
    fn white_space_around_a_name_is_trimmed_and_an_empty_name_refused() {
        assert_eq!(name("\t Acme \n").unwrap(), "Acme");
        assert_eq!(
            name("   ").unwrap_err(),
            AppError::text_missing(InputField::Name)
        );
    }
}
