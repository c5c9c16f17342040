//! Reading a YAML mapping field by field, so that one file yields every finding at once
//! (each unknown, missing or invalid field at its own line) instead of serde's first error.

use super::yaml::{self, Mapping, Value};
pub use super::yaml::{Locator, Scope};
use crate::diagnostic::{Code, Diagnostic, Position, did_you_mean};
use serde::de::DeserializeOwned;

/// The codes a reader reports with: front matter and `evident.yaml` share the machinery
/// but not the codes.
#[derive(Clone, Copy, Debug)]
pub struct FieldCodes {
    pub syntax: Code,
    pub missing: Code,
    pub unknown: Code,
    pub invalid: Code,
}

pub const FRONT_MATTER_CODES: FieldCodes = FieldCodes {
    syntax: Code::FrontmatterSyntax,
    missing: Code::FrontmatterMissingField,
    unknown: Code::FrontmatterUnknownField,
    invalid: Code::FrontmatterInvalidValue,
};

pub const CONFIG_CODES: FieldCodes = FieldCodes {
    syntax: Code::ConfigSyntax,
    missing: Code::ConfigInvalidValue,
    unknown: Code::ConfigUnknownField,
    invalid: Code::ConfigInvalidValue,
};

pub struct FieldReader<'a> {
    file: &'a str,
    locator: Locator<'a>,
    mapping: Mapping,
    codes: FieldCodes,
    known: &'static [&'static str],
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> FieldReader<'a> {
    /// Parses `text` (which starts at line `first_line` of `file`) as a YAML mapping.
    pub fn parse(
        file: &'a str,
        text: &'a str,
        first_line: u32,
        codes: FieldCodes,
        known: &'static [&'static str],
    ) -> Result<FieldReader<'a>, Diagnostic> {
        let (value, locator) = yaml::parse(text, first_line).map_err(|error| {
            Diagnostic::new(
                codes.syntax,
                file,
                Position::new(first_line + error.line - 1, error.column),
                format!("malformed YAML: {}", error.message),
            )
            .with_hint(error.hint())
        })?;
        let mapping = match value {
            Value::Mapping(mapping) => mapping,
            Value::Null => Mapping::new(),
            _ => {
                return Err(Diagnostic::new(
                    codes.syntax,
                    file,
                    Position::new(first_line, 1),
                    "expected `field: value` lines",
                )
                .with_hint("write one `name: value` pair per line"));
            }
        };
        Ok(FieldReader {
            file,
            locator,
            mapping,
            codes,
            known,
            diagnostics: Vec::new(),
        })
    }

    pub fn file(&self) -> &str {
        self.file
    }

    pub fn locator(&self) -> &Locator<'a> {
        &self.locator
    }

    pub fn has(&self, key: &str) -> bool {
        self.mapping.get(key).is_some_and(|v| !v.is_null())
    }

    /// Where a top-level key is written, or the start of the block when it is absent.
    pub fn key_position(&self, key: &str) -> Position {
        self.locator
            .key(&[key])
            .map_or(Position::new(self.locator.first_line(), 1), |(at, _)| at)
    }

    /// Where a top-level key's value starts.
    pub fn value_position(&self, key: &str) -> Position {
        self.locator.value(&[key]).unwrap_or_else(|| self.key_position(key))
    }

    pub fn optional<T: DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        // Taking the value out (rather than cloning it) also marks the key as known to
        // `finish`, which reports whatever is left.
        let mut value = self.mapping.remove(key)?;
        if value.is_null() {
            return None;
        }
        let scope = self.locator.key(&[key]).map(|(_, scope)| scope);
        self.take_unknown_fields::<T>(key, &mut value, scope);
        match yaml::from_value::<T>(value) {
            Ok(typed) => Some(typed),
            Err(message) => {
                let diagnostic = self.explain(key, scope, &message);
                self.diagnostics.push(diagnostic);
                None
            }
        }
    }

    pub fn required<T: DeserializeOwned>(&mut self, key: &str, hint: &str) -> Option<T> {
        if !self.has(key) {
            self.diagnostics.push(
                Diagnostic::new(
                    self.codes.missing,
                    self.file,
                    Position::new(self.locator.first_line().saturating_sub(1).max(1), 1),
                    format!("missing required field `{key}`"),
                )
                .with_hint(hint.to_string()),
            );
            return None;
        }
        self.optional(key)
    }

    /// Reads a list item by item, so that a bad entry is reported at its own line and the
    /// good ones are kept.
    pub fn list<T: DeserializeOwned>(&mut self, key: &str) -> Vec<(T, Position)> {
        let Some(value) = self.mapping.remove(key) else {
            return Vec::new();
        };
        let items = match value {
            Value::Null => return Vec::new(),
            Value::Sequence(items) => items,
            _ => {
                self.diagnostics.push(
                    Diagnostic::new(
                        self.codes.invalid,
                        self.file,
                        self.value_position(key),
                        format!("`{key}` must be a list"),
                    )
                    .with_hint(format!(
                        "write each entry on its own line starting with `- ` under `{key}:`"
                    )),
                );
                return Vec::new();
            }
        };
        let key_scope = self.locator.key(&[key]);
        let item_scopes = key_scope
            .as_ref()
            .map(|(_, scope)| self.locator.items(*scope))
            .unwrap_or_default();
        let mut typed = Vec::with_capacity(items.len());
        for (index, mut item) in items.into_iter().enumerate() {
            let (at, scope) = match item_scopes.get(index) {
                Some((at, scope)) => (*at, Some(*scope)),
                None => (self.value_position(key), key_scope.as_ref().map(|(_, s)| *s)),
            };
            let label = format!("{key}[{}]", index + 1);
            self.take_unknown_fields::<T>(&label, &mut item, scope);
            match yaml::from_value::<T>(item) {
                Ok(value) => typed.push((value, at)),
                Err(message) => {
                    let mut diagnostic = self.explain(&label, scope, &message);
                    if diagnostic.position() == self.key_position(&label) {
                        diagnostic.line = at.line;
                        diagnostic.column = at.column;
                    }
                    self.diagnostics.push(diagnostic);
                }
            }
        }
        typed
    }

    /// Takes out of a mapping every key its type `T` has no field for, reporting each once
    /// at its line with the nearest field name, so that the rest is still read: a misspelt
    /// `journal` must not also lose the reference its citations point at.
    fn take_unknown_fields<T: DeserializeOwned>(&mut self, label: &str, value: &mut Value, scope: Option<Scope>) {
        let (Value::Mapping(mapping), Some(fields)) = (value, struct_fields::<T>()) else {
            return;
        };
        let unknown: Vec<String> = mapping
            .keys()
            .filter_map(Value::as_str)
            .filter(|name| !fields.contains(name))
            .map(str::to_string)
            .collect();
        for name in unknown {
            let taken = mapping.remove(name.as_str());
            let suggestion = did_you_mean(&name, fields.iter().copied());
            // Read as the field it almost names, when that one is not written too: one
            // finding for the misspelling, not a second for a "missing" field.
            if let (Some(field), Some(taken)) = (suggestion, taken) {
                if !mapping.contains_key(field) {
                    mapping.insert(Value::String(field.to_string()), taken);
                }
            }
            let hint = match suggestion {
                Some(suggestion) => format!("did you mean `{suggestion}`?"),
                None => format!("expected one of: {}", fields.join(", ")),
            };
            let at = scope
                .and_then(|s| self.locator.key_in(s, &name))
                .unwrap_or_else(|| self.value_position(label));
            self.diagnostics.push(
                Diagnostic::new(
                    self.codes.unknown,
                    self.file,
                    at,
                    format!("unknown field `{name}` in `{label}`"),
                )
                .with_hint(hint),
            );
        }
    }

    /// Turns serde's message about a field's value into a finding at the offending line.
    fn explain(&self, key: &str, scope: Option<Scope>, message: &str) -> Diagnostic {
        let key_at = self.value_position(key);
        let quoted = backticked(message);
        let find_key = |name: &str| scope.and_then(|s| self.locator.key_in(s, name)).unwrap_or(key_at);
        let find_text = |text: &str| scope.and_then(|s| self.locator.text_in(s, text)).unwrap_or(key_at);

        if let Some(rest) = message.strip_prefix("unknown field ") {
            let field = quoted.first().cloned().unwrap_or_default();
            let expected: Vec<&str> = quoted.iter().skip(1).map(String::as_str).collect();
            let hint = match did_you_mean(&field, expected.iter().copied()) {
                Some(suggestion) => format!("did you mean `{suggestion}`?"),
                None => format!("expected one of: {}", expected.join(", ")),
            };
            let _ = rest;
            return Diagnostic::new(
                self.codes.unknown,
                self.file,
                find_key(&field),
                format!("unknown field `{field}` in `{key}`"),
            )
            .with_hint(hint);
        }
        if message.starts_with("missing field ") {
            let field = quoted.first().cloned().unwrap_or_default();
            return Diagnostic::new(
                self.codes.missing,
                self.file,
                key_at,
                format!("`{key}` is missing the field `{field}`"),
            )
            .with_hint(format!("add `{field}:` to `{key}`"));
        }
        if message.starts_with("unknown variant ") {
            let variant = quoted.first().cloned().unwrap_or_default();
            let expected: Vec<&str> = quoted.iter().skip(1).map(String::as_str).collect();
            let hint = match did_you_mean(&variant, expected.iter().copied()) {
                Some(suggestion) => format!("did you mean `{suggestion}`? Allowed: {}", expected.join(", ")),
                None => format!("allowed values: {}", expected.join(", ")),
            };
            return Diagnostic::new(
                self.codes.invalid,
                self.file,
                find_text(&variant),
                format!("`{variant}` is not an allowed value for `{key}`"),
            )
            .with_hint(hint);
        }
        let at = quoted
            .first()
            .map(|text| find_text(text))
            .or_else(|| quoted_literal(message).map(|text| find_text(&text)))
            .unwrap_or(key_at);
        Diagnostic::new(
            self.codes.invalid,
            self.file,
            at,
            format!("invalid value for `{key}`: {message}"),
        )
        .with_optional_hint(type_hint(message))
    }

    /// Reports every key this reader was not built for, with the nearest known name.
    pub fn finish(mut self) -> Vec<Diagnostic> {
        for key in self.mapping.keys() {
            let Some(name) = key.as_str() else {
                let at = Position::new(self.locator.first_line(), 1);
                self.diagnostics.push(
                    Diagnostic::new(self.codes.unknown, self.file, at, "field names must be text")
                        .with_hint("write field names as plain words, like `question:`"),
                );
                continue;
            };
            if self.known.contains(&name) {
                continue;
            }
            let hint = match did_you_mean(name, self.known.iter().copied()) {
                Some(suggestion) => format!("did you mean `{suggestion}`?"),
                None => format!("known fields: {}", self.known.join(", ")),
            };
            let at = self.key_position(name);
            self.diagnostics.push(
                Diagnostic::new(self.codes.unknown, self.file, at, format!("unknown field `{name}`")).with_hint(hint),
            );
        }
        self.diagnostics
    }
}

fn type_hint(message: &str) -> Option<String> {
    if message.contains("expected a sequence") {
        Some("write a list, e.g. `[a, b]` or one `- item` per line".into())
    } else if message.contains("expected u32") || message.contains("expected i32") || message.contains("expected u16") {
        Some("write a whole number without quotes".into())
    } else if message.contains("expected a string") {
        Some("put the value in quotes".into())
    } else if message.contains("invalid date") {
        Some("write dates as YYYY-MM-DD, e.g. 2026-01-08".into())
    } else {
        None
    }
}

/// The fields a struct type is read from, asked of its `Deserialize` implementation
/// (derived ones name them when they ask for a struct); `None` for any other type.
fn struct_fields<T: DeserializeOwned>() -> Option<&'static [&'static str]> {
    use serde::de::{self, Deserializer, Visitor};
    use std::cell::Cell;

    #[derive(Debug)]
    struct Asked;
    impl std::fmt::Display for Asked {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("only the field names were asked for")
        }
    }
    impl std::error::Error for Asked {}
    impl de::Error for Asked {
        fn custom<M: std::fmt::Display>(_: M) -> Asked {
            Asked
        }
    }

    struct Probe<'c>(&'c Cell<Option<&'static [&'static str]>>);
    impl<'de> Deserializer<'de> for Probe<'_> {
        type Error = Asked;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Asked> {
            Err(Asked)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Asked> {
            self.0.set(Some(fields));
            Err(Asked)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    let asked = Cell::new(None);
    let _ = T::deserialize(Probe(&asked));
    asked.get()
}

/// The `backticked` words of a serde message, in order.
fn backticked(message: &str) -> Vec<String> {
    message
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_string())
        .collect()
}

/// The first `"quoted"` literal in a serde type error ("invalid type: string \"x\"").
fn quoted_literal(message: &str) -> Option<String> {
    let start = message.find('"')? + 1;
    let end = start + message[start..].find('"')?;
    Some(message[start..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["question", "review", "references", "related"];

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    struct Review {
        #[allow(dead_code)]
        status: Status,
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(rename_all = "snake_case")]
    enum Status {
        Draft,
        Approved,
    }

    #[test]
    fn explains_a_bad_variant_at_its_line_with_a_suggestion() {
        let text = "question: x\nreview:\n  status: aproved\n";
        let mut reader = FieldReader::parse("a.md", text, 2, FRONT_MATTER_CODES, KNOWN).unwrap();
        assert!(reader.optional::<Review>("review").is_none());
        let found = reader.finish();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, Code::FrontmatterInvalidValue);
        assert_eq!(found[0].position(), Position::new(4, 11));
        assert!(
            found[0]
                .hint
                .as_deref()
                .unwrap()
                .starts_with("did you mean `approved`?"),
            "{:?}",
            found[0].hint
        );
    }

    #[test]
    fn reports_every_unknown_field() {
        let text = "question: x\nreveiw: {}\ncolour: red\n";
        let reader = FieldReader::parse("a.md", text, 2, FRONT_MATTER_CODES, KNOWN).unwrap();
        let found = reader.finish();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].position(), Position::new(3, 1));
        assert_eq!(found[0].hint.as_deref(), Some("did you mean `review`?"));
        assert_eq!(found[1].position(), Position::new(4, 1));
    }

    #[test]
    fn reports_malformed_yaml_at_the_file_line() {
        let text = "question: x\nreview: [unclosed\n";
        let error = FieldReader::parse("a.md", text, 2, FRONT_MATTER_CODES, KNOWN)
            .err()
            .unwrap();
        assert_eq!(error.code, Code::FrontmatterSyntax);
        assert!(error.line >= 3, "{error:?}");
    }
}
