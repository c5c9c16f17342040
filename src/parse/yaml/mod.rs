//! The only door to the YAML library. serde_yaml (frozen upstream) deserializes; the
//! positions of keys and values, and the meaning of syntax errors, come from the events
//! and marks of libyaml, the parser serde_yaml itself reads with (`events`, `tree`).
//! Keeping every use of both here means a maintained fork can replace them in one folder.

mod events;
mod tree;
mod value;

use serde::Serialize;
use serde::de::DeserializeOwned;

pub use events::Stage;
pub use serde_yaml::{Mapping, Value};
pub use tree::{Locator, Scope, SyntaxKind};

/// A YAML syntax error at a 1-based line and column of the parsed text.
#[derive(Debug)]
pub struct YamlError {
    pub line: u32,
    pub column: u32,
    pub kind: SyntaxKind,
    pub message: String,
}

impl YamlError {
    pub fn hint(&self) -> &'static str {
        self.kind.hint()
    }
}

/// Parses `text` (line `first_line` of its file) into a value and where each of its parts
/// is written. The error's line and column count from the start of `text`.
pub fn parse(text: &str, first_line: u32) -> Result<(Value, Locator<'_>), YamlError> {
    if let Some((line, column)) = flow_nesting_too_deep(text) {
        return Err(YamlError {
            line,
            column,
            kind: SyntaxKind::Other(Stage::Parser),
            message: format!(
                "lists and mappings nested more than {} deep: recursion limit exceeded",
                MAX_NESTING - 1
            ),
        });
    }
    let locator = tree::locate(text, first_line).map_err(|error| {
        let (line, column) = inside(text, error.at.line + 1, error.at.column + 1);
        YamlError {
            line,
            column,
            kind: error.kind,
            message: error.message,
        }
    })?;
    // The text is read once: the value is built from the nodes libyaml gave the locator.
    // Only what they cannot tell (anchors, tags, what serde_yaml refuses after libyaml
    // accepted it: too deep, too many aliases, 128-bit integers) is read again by serde_yaml.
    let value = match locator.to_value() {
        Some(value) => {
            #[cfg(debug_assertions)]
            same_as_serde_yaml(text, &value);
            value
        }
        None => serde_yaml::from_str::<Value>(text).map_err(|error| {
            let (line, column) = error
                .location()
                .map_or((1, 1), |at| (at.line() as u32, at.column() as u32));
            let (line, column) = inside(text, line, column);
            YamlError {
                line,
                column,
                kind: SyntaxKind::Other(Stage::Parser),
                message: without_location(&error.to_string()),
            }
        })?,
    };
    Ok((value, locator))
}

/// Every debug build (all tests) checks the value built from the events against serde_yaml
/// reading the text itself.
#[cfg(debug_assertions)]
fn same_as_serde_yaml(text: &str, value: &Value) {
    match serde_yaml::from_str::<Value>(text) {
        Ok(read) => assert_eq!(&read, value, "serde_yaml reads {text:?} otherwise"),
        Err(error) => panic!("serde_yaml refuses {text:?} ({error}), the events gave {value:?}"),
    }
}

/// serde_yaml's own nesting limit: a value nested this deep is refused whatever we do.
const MAX_NESTING: usize = 128;

/// Where a `[` or `{` opens the `MAX_NESTING`th level of flow nesting, found before libyaml
/// reads the text: libyaml's time grows with the square of the depth (100,000 brackets took
/// minutes), and serde_yaml refuses the same value at the same bracket anyway. Quoted
/// scalars and comments are skipped; a quote inside a plain word (`it's`) is not a quote.
fn flow_nesting_too_deep(text: &str) -> Option<(u32, u32)> {
    // The depth never exceeds the number of brackets opened: a text with fewer than the
    // limit (every front matter but a hostile one) needs no character-by-character walk.
    if text.bytes().filter(|&b| b == b'[' || b == b'{').count() < MAX_NESTING {
        return None;
    }
    let (mut depth, mut line, mut column) = (0usize, 1u32, 0u32);
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut previous = '\n';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        column += 1;
        if c == '\n' {
            (line, column, comment) = (line + 1, 0, false);
        } else if comment {
        } else if let Some(open) = quote {
            // A doubled single quote, or a backslash escape in double quotes, is text.
            let escaped = match open {
                '\'' => c == '\'' && chars.peek() == Some(&'\''),
                _ => c == '\\' && chars.peek().is_some_and(|&next| next != '\n'),
            };
            if escaped {
                chars.next();
                column += 1;
            } else if c == open {
                quote = None;
            }
        } else if (c == '"' || c == '\'') && (previous.is_whitespace() || "[{,:".contains(previous)) {
            quote = Some(c);
        } else if c == '#' && previous.is_whitespace() {
            comment = true;
        } else if c == '[' || c == '{' {
            depth += 1;
            if depth >= MAX_NESTING {
                return Some((line, column));
            }
        } else if (c == ']' || c == '}') && depth > 0 {
            depth -= 1;
        }
        previous = c;
    }
    None
}

pub fn parse_value(text: &str) -> Result<Value, YamlError> {
    parse(text, 1).map(|(value, _)| value)
}

/// Moves a position past the end of the text (an unclosed quote or bracket at the end of
/// a file without a final line break: "line 2" of a one-line text) onto the text's last
/// character, so that a finding always points into the file (found by the fuzzer,
/// tests/properties.rs).
fn inside(text: &str, line: u32, column: u32) -> (u32, u32) {
    let lines: Vec<&str> = text.split('\n').collect();
    let line = (line.max(1) as usize).min(lines.len());
    let length = lines[line - 1].chars().count() as u32;
    (line as u32, column.clamp(1, length + 1))
}

/// Converts an already-parsed value into a typed one; the error is serde's message, which
/// names the offending field or value in backticks.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_yaml::from_value(value).map_err(|error| without_location(&error.to_string()))
}

pub fn to_string<T: Serialize>(value: &T) -> Result<String, String> {
    serde_yaml::to_string(value).map_err(|error| error.to_string())
}

/// Drops serde_yaml's " at line N column M" fragments: findings carry the position themselves.
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
    fn what_serde_yaml_refuses_after_libyaml_is_at_its_place() {
        let deep = format!("a: {}{}\n", "[".repeat(200), "]".repeat(200));
        let error = parse_value(&deep).unwrap_err();
        assert_eq!(error.kind, SyntaxKind::Other(Stage::Parser));
        assert!(error.message.contains("recursion limit"), "{error:?}");
        assert!(!error.message.contains(" at line "), "{}", error.message);
    }

    #[test]
    fn flow_nesting_is_refused_before_libyaml_reads_it() {
        let deep = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(flow_nesting_too_deep(&deep), Some((1, 4 + 127)));
        let error = parse_value(&deep).unwrap_err();
        assert_eq!((error.line, error.column), (1, 4 + 127), "{error:?}");
        assert!(error.message.contains("recursion limit"), "{error:?}");
        // Brackets inside quotes and comments are text, and a quote inside a word is not a quote.
        let quoted = format!("a: \"{0}\"\nb: '{0}'\n# {0}\nc: it's [1, [2]]\n", "[".repeat(500));
        assert!(parse_value(&quoted).is_ok());
        assert!(flow_nesting_too_deep(&format!("a: {}", "[".repeat(127))).is_none());
        assert_eq!(
            flow_nesting_too_deep(&format!("a: {}", "[".repeat(128))),
            Some((1, 4 + 127))
        );
        let spread = format!("{}a: {}\n", "b: [x]\n".repeat(200), "{".repeat(128));
        assert_eq!(flow_nesting_too_deep(&spread), Some((201, 4 + 127)));
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
