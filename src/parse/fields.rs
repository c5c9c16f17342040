//! Reading a YAML mapping field by field, so that one file yields every finding at once
//! (each unknown, missing or invalid field at its own line) instead of serde's first error.

use super::yaml::{self, Mapping, Value};
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
        let value = yaml::parse_value(text).map_err(|error| {
            Diagnostic::new(
                codes.syntax,
                file,
                Position::new(first_line + error.line - 1, error.column),
                format!("malformed YAML: {}", error.message),
            )
            .with_hint(syntax_hint(&error))
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
            locator: Locator::new(text, first_line),
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
            .map_or(Position::new(self.locator.first_line, 1), |(at, _)| at)
    }

    /// Where a top-level key's value starts.
    pub fn value_position(&self, key: &str) -> Position {
        self.locator.value(&[key]).unwrap_or_else(|| self.key_position(key))
    }

    pub fn optional<T: DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        // Taking the value out (rather than cloning it) also marks the key as known to
        // `finish`, which reports whatever is left.
        let value = self.mapping.remove(key)?;
        if value.is_null() {
            return None;
        }
        match yaml::from_value::<T>(value) {
            Ok(typed) => Some(typed),
            Err(message) => {
                let scope = self.locator.key(&[key]).map(|(_, scope)| scope);
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
                    Position::new(self.locator.first_line.saturating_sub(1).max(1), 1),
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
        for (index, item) in items.into_iter().enumerate() {
            let (at, scope) = match item_scopes.get(index) {
                Some((at, scope)) => (*at, Some(*scope)),
                None => (self.value_position(key), key_scope.as_ref().map(|(_, s)| *s)),
            };
            match yaml::from_value::<T>(item) {
                Ok(value) => typed.push((value, at)),
                Err(message) => {
                    let label = format!("{key}[{}]", index + 1);
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
                let at = Position::new(self.locator.first_line, 1);
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

fn syntax_hint(error: &yaml::YamlError) -> &'static str {
    if error.message.contains("could not find expected ':'") {
        "write the field as `name: value`, with a colon after the name"
    } else if error.column == 1 && error.line > 1 {
        // libyaml notices an unclosed bracket or quote only on the next line.
        "the mistake may be on the line before: an unclosed `[`, `{` or quote; quote values that contain `:` or `#`"
    } else {
        "check the indentation and quote values that contain `:` or `#`"
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

/// A range of lines of the YAML text (0-based indices into its lines) and the indentation
/// its keys must exceed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scope {
    start: usize,
    end: usize,
    parent_indent: Option<usize>,
}

/// Finds where keys and values are written in a YAML text, by indentation. serde_yaml's
/// values carry no positions, and findings must point at the exact line.
#[derive(Clone)]
pub struct Locator<'a> {
    lines: Vec<&'a str>,
    first_line: u32,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str, first_line: u32) -> Locator<'a> {
        let lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
        Locator { lines, first_line }
    }

    fn lines(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.lines.iter().copied()
    }

    /// The whole text, e.g. to list the entries of a file that is one YAML list.
    pub fn whole(&self) -> Scope {
        Scope {
            start: 0,
            end: self.lines.len(),
            parent_indent: None,
        }
    }

    fn position(&self, line_index: usize, char_column: usize) -> Position {
        Position::new(self.first_line + line_index as u32, char_column as u32 + 1)
    }

    /// The position of the last key of `path` and the scope of its value.
    pub fn key(&self, path: &[&str]) -> Option<(Position, Scope)> {
        let mut scope = self.whole();
        let mut found = None;
        for key in path {
            let (at, inner) = self.key_with_scope(scope, key)?;
            found = Some(at);
            scope = inner;
        }
        found.map(|at| (at, scope))
    }

    /// Where the value of the last key of `path` starts (the next line for block values).
    pub fn value(&self, path: &[&str]) -> Option<Position> {
        let (at, scope) = self.key(path)?;
        let line_index = (at.line - self.first_line) as usize;
        let line = *self.lines.get(line_index)?;
        let key = path.last()?;
        let key_start = at.column as usize - 1;
        let after_key = after_chars(line, key_start + key.chars().count());
        let after_colon = after_key.trim_start_matches(['"', '\'']).trim_start();
        let after_colon = after_colon.strip_prefix(':').unwrap_or(after_colon);
        let value = after_colon.trim_start();
        if value.is_empty() || value.starts_with(['>', '|']) {
            let next = self.first_content_line(scope)?;
            let text = *self.lines.get(next)?;
            let indent = text.chars().take_while(|c| *c == ' ').count();
            return Some(self.position(next, indent));
        }
        let column = line.chars().count() - value.chars().count();
        Some(self.position(line_index, column))
    }

    pub fn key_in(&self, scope: Scope, key: &str) -> Option<Position> {
        self.find_key(scope, key)
            .map(|(index, column)| self.position(index, column))
    }

    /// Where the value of `key` in a scope starts when it is on the key's line (`doi: "10…"`
    /// points at the quote), else the key itself.
    pub fn value_in(&self, scope: Scope, key: &str) -> Option<Position> {
        let (index, column) = self.find_key(scope, key)?;
        Some(self.value_position(index, column, key))
    }

    /// `value_in` for several keys in one pass over the scope's lines: the value of each
    /// key's first occurrence, in the order of `keys`, for the keys that are written.
    pub fn values_in<'k>(&self, scope: Scope, keys: &[&'k str]) -> Vec<(&'k str, Position)> {
        let mut found: Vec<Option<Position>> = vec![None; keys.len()];
        let mut missing = keys.len();
        let top_level_only = scope.parent_indent.is_none();
        for index in scope.start..scope.end.min(self.lines.len()) {
            let Some((column, rest)) = key_start(self.lines[index], top_level_only) else {
                continue;
            };
            // One key at most per line: a key must be followed by its colon.
            if let Some(k) = keys.iter().position(|key| starts_with_key(rest, key)) {
                if found[k].is_none() {
                    found[k] = Some(self.value_position(index, column, keys[k]));
                    missing -= 1;
                    if missing == 0 {
                        break;
                    }
                }
            }
        }
        keys.iter()
            .zip(found)
            .filter_map(|(key, at)| at.map(|at| (*key, at)))
            .collect()
    }

    /// Where the value of `key`, written on line `index` from `column`, starts: on the key's
    /// line (`doi: "10…"` points at the quote), else the key itself.
    fn value_position(&self, index: usize, column: usize, key: &str) -> Position {
        let at = self.position(index, column);
        let line = self.lines[index];
        let after_key = after_chars(line, at.column as usize - 1 + key.chars().count());
        let after_colon = after_key.trim_start_matches(['"', '\'']).trim_start();
        let value = after_colon.strip_prefix(':').unwrap_or(after_colon).trim_start();
        if value.is_empty() || value.starts_with(['>', '|', '#']) {
            return at;
        }
        Position::new(at.line, (line.chars().count() - value.chars().count()) as u32 + 1)
    }

    /// The `n`-th (from 0) occurrence of `needle` in the scope's lines.
    pub fn nth_text_in(&self, scope: Scope, needle: &str, n: usize) -> Option<Position> {
        if needle.is_empty() {
            return None;
        }
        let start = scope.start.saturating_sub(1);
        let mut seen = 0;
        for (index, line) in self.lines().enumerate().skip(start).take(scope.end - start) {
            for (byte, _) in line.match_indices(needle) {
                if seen == n {
                    return Some(self.position(index, line[..byte].chars().count()));
                }
                seen += 1;
            }
        }
        None
    }

    /// The first occurrence of `needle` in the scope's lines.
    pub fn text_in(&self, scope: Scope, needle: &str) -> Option<Position> {
        if needle.is_empty() {
            return None;
        }
        let start = scope.start.saturating_sub(1);
        for (index, line) in self.lines().enumerate().skip(start).take(scope.end - start) {
            if let Some(byte) = line.find(needle) {
                return Some(self.position(index, line[..byte].chars().count()));
            }
        }
        None
    }

    /// The entries of a block list (`- …` lines) in a scope, each with its own scope.
    pub fn items(&self, scope: Scope) -> Vec<(Position, Scope)> {
        let lines = &self.lines;
        let mut dash_indent = None;
        let mut starts = Vec::new();
        for (index, line) in lines.iter().enumerate().take(scope.end).skip(scope.start) {
            let indent = line.chars().take_while(|c| *c == ' ').count();
            let rest = &line[indent..];
            if rest.starts_with("- ") || rest == "-" {
                // An empty item (`-` alone) has its content at the end of the line, not past
                // it (found by the fuzzer, tests/properties.rs).
                let content_column = indent + rest.len().min(2);
                match dash_indent {
                    None => {
                        dash_indent = Some(indent);
                        starts.push((index, content_column));
                    }
                    Some(expected) if expected == indent => starts.push((index, content_column)),
                    _ => {}
                }
            }
        }
        let mut items = Vec::with_capacity(starts.len());
        for (n, (index, content_column)) in starts.iter().enumerate() {
            let end = starts.get(n + 1).map_or(scope.end, |next| next.0);
            let first = lines[*index];
            let content = after_chars(first, *content_column);
            let skipped = content.chars().count() - content.trim_start().chars().count();
            items.push((
                self.position(*index, content_column + skipped),
                Scope {
                    start: *index,
                    end,
                    parent_indent: dash_indent,
                },
            ));
        }
        items
    }

    fn first_content_line(&self, scope: Scope) -> Option<usize> {
        self.lines()
            .enumerate()
            .skip(scope.start)
            .take(scope.end - scope.start)
            .find(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .map(|(i, _)| i)
    }

    fn key_with_scope(&self, scope: Scope, key: &str) -> Option<(Position, Scope)> {
        let (index, key_indent) = self.find_key(scope, key)?;
        let lines = &self.lines;
        let top_level_only = scope.parent_indent.is_none();
        let end = (index + 1..scope.end.min(lines.len()))
            .find(|&i| leaves_block(lines[i], key_indent, top_level_only))
            .unwrap_or(scope.end.min(lines.len()));
        Some((
            self.position(index, key_indent),
            Scope {
                start: index + 1,
                end,
                parent_indent: Some(key_indent),
            },
        ))
    }

    /// The line and column of `key` in a scope, without working out where its block ends.
    fn find_key(&self, scope: Scope, key: &str) -> Option<(usize, usize)> {
        let top_level_only = scope.parent_indent.is_none();
        (scope.start..scope.end.min(self.lines.len())).find_map(|index| {
            let (column, rest) = key_start(self.lines[index], top_level_only)?;
            starts_with_key(rest, key).then_some((index, column))
        })
    }
}

/// Where a key could start on `line`: its column, past any list dashes, and the text from
/// there; `None` for a line that cannot hold a top-level key when only those are wanted.
fn key_start(line: &str, top_level_only: bool) -> Option<(usize, &str)> {
    // A top-level key starts its line; most lines of a front matter are indented fields of
    // references, passed over here without being measured.
    if top_level_only && (line.starts_with(' ') || line.starts_with("- ")) {
        return None;
    }
    let mut column = line.bytes().take_while(|b| *b == b' ').count();
    let mut rest = &line[column..];
    while let Some(after) = rest.strip_prefix("- ") {
        column += 2 + after.len() - after.trim_start().len();
        rest = after.trim_start();
    }
    (!top_level_only || column == 0).then_some((column, rest))
}

/// Whether `line` ends the block of a key indented by `key_indent`. A top-level key's block
/// list may sit at its own indentation (`references:` then `- id: x` at column 1).
fn leaves_block(line: &str, key_indent: usize, top_level: bool) -> bool {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    if trimmed.is_empty() || trimmed.starts_with('#') || indent > key_indent {
        return false;
    }
    !(top_level && indent == key_indent && (trimmed.starts_with("- ") || trimmed == "-"))
}

fn starts_with_key(rest: &str, key: &str) -> bool {
    let unquoted = rest.strip_prefix(['"', '\'']).unwrap_or(rest);
    let Some(after) = unquoted.strip_prefix(key) else {
        return false;
    };
    let after = after.strip_prefix(['"', '\'']).unwrap_or(after);
    after.trim_start_matches(' ').starts_with(':')
}

/// `line` from its `n`-th character on (empty past its end), borrowed.
fn after_chars(line: &str, n: usize) -> &str {
    line.char_indices().nth(n).map_or("", |(at, _)| &line[at..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "question: \"Why?\"\nreview:\n  status: aproved\n  reviewers:\n    - name: A\n      date: 2026-13-01\nreferences:\n  - id: one\n    title: One\n  - id: two\n    titel: Two\nrelated: [a, b]\n";

    #[test]
    fn locates_top_level_and_nested_keys() {
        let locator = Locator::new(TEXT, 2);
        assert_eq!(locator.key(&["question"]).unwrap().0, Position::new(2, 1));
        assert_eq!(locator.key(&["review", "status"]).unwrap().0, Position::new(4, 3));
        assert_eq!(locator.value(&["review", "status"]), Some(Position::new(4, 11)));
        assert_eq!(locator.value(&["question"]), Some(Position::new(2, 11)));
        assert_eq!(locator.key(&["status"]), None, "nested keys are not top-level");
    }

    #[test]
    fn locates_list_items() {
        let locator = Locator::new(TEXT, 2);
        let (_, scope) = locator.key(&["references"]).unwrap();
        let items = locator.items(scope);
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].0, Position::new(11, 5));
        assert_eq!(locator.key_in(items[1].1, "titel"), Some(Position::new(12, 5)));
    }

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
