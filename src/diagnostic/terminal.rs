//! Text from articles and file names made safe to print on a terminal: an escape sequence in
//! a file must show as text, never move the cursor, recolour the report or hide a finding.

use std::borrow::Cow;

/// What to keep as is: messages may span lines (a template error quotes its cause), a quoted
/// source line or a file name never does.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    Nothing,
    LineBreaksAndTabs,
}

/// Control characters (C0, DEL, C1) and the invisible bidirectional formatting characters
/// (which can reorder what a reader sees, as in "Trojan Source") printed as `\u{…}`.
pub fn escape(text: &str, keep: Keep) -> Cow<'_, str> {
    if !text.chars().any(|c| needs_escape(c, keep)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_shown(&mut out, c, keep);
    }
    Cow::Owned(out)
}

/// Appends `c` as it is shown, and returns how many terminal cells that takes.
pub fn push_shown(out: &mut String, c: char, keep: Keep) -> usize {
    if needs_escape(c, keep) {
        let escaped = format!("\\u{{{:x}}}", c as u32);
        out.push_str(&escaped);
        escaped.len()
    } else {
        out.push(c);
        1
    }
}

/// How many cells `c` takes once shown by `push_shown`.
pub fn shown_width(c: char, keep: Keep) -> usize {
    if needs_escape(c, keep) {
        // `\u{` + hex digits + `}`
        4 + format!("{:x}", c as u32).len()
    } else {
        1
    }
}

fn needs_escape(c: char, keep: Keep) -> bool {
    if keep == Keep::LineBreaksAndTabs && matches!(c, '\n' | '\t') {
        return false;
    }
    c.is_control() || is_bidi_control(c)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(
            escape("résumé — ok", Keep::Nothing),
            Cow::Borrowed("résumé — ok")
        ));
    }

    #[test]
    fn escape_sequences_and_c1_controls_are_shown_as_text() {
        assert_eq!(escape("a\x1b[2Jb", Keep::Nothing), "a\\u{1b}[2Jb");
        assert_eq!(escape("\u{9b}31m", Keep::Nothing), "\\u{9b}31m");
        assert_eq!(escape("bell\x07\x7f", Keep::Nothing), "bell\\u{7}\\u{7f}");
    }

    #[test]
    fn bidi_overrides_are_shown_as_text() {
        assert_eq!(escape("x\u{202e}cod.exe", Keep::Nothing), "x\\u{202e}cod.exe");
        assert_eq!(escape("\u{2066}a\u{2069}", Keep::Nothing), "\\u{2066}a\\u{2069}");
    }

    #[test]
    fn line_breaks_are_kept_only_where_asked() {
        assert_eq!(escape("a\nb\tc", Keep::LineBreaksAndTabs), "a\nb\tc");
        assert_eq!(escape("a\nb\tc", Keep::Nothing), "a\\u{a}b\\u{9}c");
        assert_eq!(escape("a\rb", Keep::LineBreaksAndTabs), "a\\u{d}b");
    }

    #[test]
    fn widths_match_what_is_pushed() {
        for c in ['a', 'é', '\x1b', '\u{9b}', '\u{202e}', '\u{10ffff}'] {
            let mut out = String::new();
            let width = push_shown(&mut out, c, Keep::Nothing);
            assert_eq!(width, out.chars().count(), "{c:?}");
            assert_eq!(width, shown_width(c, Keep::Nothing), "{c:?}");
        }
    }
}
