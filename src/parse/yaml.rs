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
        let (line, column) = error
            .location()
            .map_or((1, 1), |at| (at.line() as u32, at.column() as u32));
        YamlError {
            line,
            column,
            message: without_location(&error.to_string()),
        }
    })
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
    fn syntax_errors_carry_their_position() {
        let error = parse_value("a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        assert!(error.line >= 2, "{error:?}");
        assert!(!error.message.contains(" at line "), "{}", error.message);
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
