//! The only door to the YAML library. serde_yaml is frozen upstream; keeping every use of it
//! here means a maintained fork can replace it by editing this one file.

use serde::Serialize;
use serde::de::DeserializeOwned;

pub use serde_yaml::{Mapping, Value};

/// A YAML syntax error at a 1-based line and column of the parsed text.
#[derive(Debug)]
pub struct YamlError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

pub fn parse_value(text: &str) -> Result<Value, YamlError> {
    serde_yaml::from_str::<Value>(text).map_err(|error| {
        let full = error.to_string();
        let (line, column) = context_location(&full)
            .or_else(|| error.location().map(|at| (at.line() as u32, at.column() as u32)))
            .unwrap_or((1, 1));
        let (line, column) = duplicate_key_location(text, &full, line, column).unwrap_or((line, column));
        let (line, column) = inside(text, line, column);
        YamlError {
            line,
            column,
            message: without_location(&full),
        }
    })
}

/// libyaml reports a duplicate key at the start of its mapping (`line`, `column`); the
/// editor must look at the second `key:` of that mapping, which is found here: the second
/// line from the mapping's start, at its indentation, that opens with the key.
fn duplicate_key_location(text: &str, message: &str, line: u32, column: u32) -> Option<(u32, u32)> {
    let key = message.split_once("duplicate entry with key \"")?.1.split_once('"')?.0;
    let indent = column.checked_sub(1)? as usize;
    let mut seen = 0;
    for (index, content) in text.split('\n').enumerate().skip(line.checked_sub(1)? as usize) {
        // A mapping in a list starts after its dash: `- id: a` opens one at column 3.
        let (Some(lead), Some(rest)) = (content.get(..indent), content.get(indent..)) else {
            continue;
        };
        if lead.chars().all(|c| c == ' ' || c == '-') && opens_with_key(rest, key) {
            seen += 1;
            if seen == 2 {
                return Some((index as u32 + 1, column));
            }
        }
    }
    None
}

fn opens_with_key(line: &str, key: &str) -> bool {
    [key.to_string(), format!("\"{key}\""), format!("'{key}'")]
        .iter()
        .any(|k| {
            line.strip_prefix(k.as_str())
                .is_some_and(|r| r.trim_start().starts_with(':'))
        })
}

/// Moves a position libyaml gives past the end of the text (an unclosed quote or bracket
/// at the end of a file without a final line break: "line 2" of a one-line text) onto the
/// text's last character, so that a finding always points into the file (found by the
/// fuzzer, tests/properties.rs).
fn inside(text: &str, line: u32, column: u32) -> (u32, u32) {
    let lines: Vec<&str> = text.split('\n').collect();
    let line = (line.max(1) as usize).min(lines.len());
    let length = lines[line - 1].chars().count() as u32;
    (line as u32, column.clamp(1, length + 1))
}

/// libyaml finds a key without its `:` only on the next line; the line it was scanning
/// ("while scanning a simple key at line N column M") is where the editor must look.
fn context_location(message: &str) -> Option<(u32, u32)> {
    let rest = &message[message.find("while scanning a simple key at line ")? + 36..];
    let (line, rest) = rest.split_once(" column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.parse().ok()?, column.parse().ok()?))
}

/// Converts an already-parsed value into a typed one; the error is serde's message, which
/// names the offending field or value in backticks.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_yaml::from_value(value).map_err(|error| without_location(&error.to_string()))
}

pub fn to_string<T: Serialize>(value: &T) -> Result<String, String> {
    serde_yaml::to_string(value).map_err(|error| error.to_string())
}

/// Drops libyaml's " at line N column M" fragments: findings carry the position themselves.
fn without_location(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(index) = rest.find(" at line ") {
        out.push_str(&rest[..index]);
        let tail = &rest[index + " at line ".len()..];
        let after_line = tail.trim_start_matches(|c: char| c.is_ascii_digit());
        match after_line.strip_prefix(" column ") {
            Some(col) => rest = col.trim_start_matches(|c: char| c.is_ascii_digit()),
            None => rest = after_line,
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duplicate_key_is_reported_at_its_second_occurrence() {
        let error = parse_value("question: a\nanswer: b\nquestion: c\n").unwrap_err();
        assert_eq!((error.line, error.column), (3, 1), "{error:?}");
        let nested = "title: t\nreview:\n  status: draft\n  date: x\n  status: approved\n";
        let error = parse_value(nested).unwrap_err();
        assert_eq!((error.line, error.column), (5, 3), "{error:?}");
        assert!(
            error.message.contains("duplicate entry with key \"status\""),
            "{error:?}"
        );
        let error = parse_value("- id: a\n  title: t\n- id: b\n  id: c\n").unwrap_err();
        assert_eq!((error.line, error.column), (4, 3), "{error:?}");
    }

    #[test]
    fn errors_at_the_end_of_the_text_point_into_it() {
        for text in ["title: \"unclosed", "- {id: a, title: b", "a: [1, 2"] {
            let error = parse_value(text).unwrap_err();
            assert_eq!(error.line, 1, "{text:?}: {error:?}");
            assert!(error.column as usize <= text.chars().count() + 1, "{text:?}: {error:?}");
        }
        let error = parse_value("a: 1\nb: \"open").unwrap_err();
        assert_eq!(error.line, 2, "{error:?}");
    }

    #[test]
    fn syntax_errors_carry_their_position() {
        let error = parse_value("a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        assert!(error.line >= 2, "{error:?}");
        assert!(!error.message.contains(" at line "), "{}", error.message);
    }

    #[test]
    fn a_key_without_its_colon_is_reported_on_its_own_line() {
        let error = parse_value("a: 1\ncreated 2025-01-10\nb: 2\n").unwrap_err();
        assert_eq!((error.line, error.column), (2, 1), "{error:?}");
    }

    #[test]
    fn strips_location_fragments() {
        assert_eq!(
            without_location(
                "did not find expected key at line 3 column 1, while parsing a block mapping at line 1 column 1"
            ),
            "did not find expected key, while parsing a block mapping"
        );
    }
}
