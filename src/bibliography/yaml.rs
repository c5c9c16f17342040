//! Evident's own bibliography format: a YAML list of entries with exactly the fields of the
//! front matter's `references`.

use super::{Entry, FieldPositions, REFERENCE_FIELDS};
use crate::diagnostic::{Code, Diagnostic, Position, did_you_mean};
use crate::parse::front_matter::Reference;
use crate::parse::yaml::{self, Value};
use crate::parse::yaml::{Locator, Scope};

pub fn parse(file: &str, text: &str) -> (Vec<Entry>, Vec<Diagnostic>) {
    let (value, locator) = match yaml::parse(text, 1) {
        Ok(parsed) => parsed,
        Err(error) => {
            let diagnostic = Diagnostic::new(
                Code::BibliographySyntax,
                file,
                Position::new(error.line, error.column),
                format!("malformed YAML: {}", error.message),
            )
            .with_hint(error.hint());
            return (Vec::new(), vec![diagnostic]);
        }
    };
    let items = match value {
        Value::Sequence(items) => items,
        Value::Null => return (Vec::new(), Vec::new()),
        _ => {
            let diagnostic = Diagnostic::new(
                Code::BibliographySyntax,
                file,
                Position::START,
                "a YAML bibliography is a list of references",
            )
            .with_hint("start each entry with `- id: key` at the start of a line, followed by its fields");
            return (Vec::new(), vec![diagnostic]);
        }
    };
    let scopes = locator.items(locator.whole());
    let mut entries = Vec::new();
    let mut diagnostics = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let (at, scope) = match scopes.get(index) {
            Some((at, scope)) => (*at, Some(*scope)),
            None => (Position::START, None),
        };
        match yaml::from_value::<Reference>(item) {
            Ok(reference) => entries.push(Entry {
                reference,
                file: file.to_string(),
                at,
                fields: scope.map(|s| field_positions(&locator, s)).unwrap_or_default(),
                source_type: None,
            }),
            Err(message) => diagnostics.push(explain(file, &locator, at, scope, &message)),
        }
    }
    (entries, diagnostics)
}

/// Where each reference field's value is written in one list entry.
pub fn field_positions(locator: &Locator<'_>, scope: Scope) -> FieldPositions {
    let mut positions = FieldPositions::default();
    for (field, at) in locator.values_in(scope, REFERENCE_FIELDS) {
        positions.insert_first(field, at);
    }
    positions
}

/// serde's message about one entry, at the field it names.
fn explain(file: &str, locator: &Locator<'_>, at: Position, scope: Option<Scope>, message: &str) -> Diagnostic {
    let named: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    let find = |name: &str| scope.and_then(|s| locator.key_in(s, name)).unwrap_or(at);
    if message.starts_with("unknown field") {
        let field = named.first().copied().unwrap_or("");
        let hint = match did_you_mean(field, REFERENCE_FIELDS.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("reference fields: {}", REFERENCE_FIELDS.join(", ")),
        };
        return Diagnostic::new(
            Code::BibliographySyntax,
            file,
            find(field),
            format!("unknown field `{field}`"),
        )
        .with_hint(hint);
    }
    if message.starts_with("missing field") {
        let field = named.first().copied().unwrap_or("");
        return Diagnostic::new(
            Code::ReferenceMissingField,
            file,
            at,
            format!("the entry has no `{field}`"),
        )
        .with_hint(format!("add `{field}:` to the entry"));
    }
    if message.starts_with("unknown variant") {
        let variant = named.first().copied().unwrap_or("");
        return Diagnostic::new(
            Code::BibliographySyntax,
            file,
            scope.and_then(|s| locator.value_in(s, "type")).unwrap_or(at),
            format!("`{variant}` is not a reference type"),
        )
        .with_hint("use guideline, research, review, textbook, web or other");
    }
    Diagnostic::new(
        Code::BibliographySyntax,
        file,
        at,
        format!("this entry cannot be read: {message}"),
    )
    .with_hint("write the entry like a front-matter reference: `id`, `type`, `title` and the fields of its type")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_entry_is_reported_inside_its_line() {
        // Found by the fuzzer (tests/properties.rs, target `yaml-bibliography`).
        let (_, diagnostics) = parse("references/x.yaml", "-");
        assert_eq!((diagnostics[0].line, diagnostics[0].column), (1, 2), "{diagnostics:?}");
        let (_, diagnostics) = parse("references/x.yaml", "- id: a\n  title: T\n  type: web\n  -\n-");
        assert!(
            diagnostics.iter().all(|d| d.line <= 5 && (d.line < 5 || d.column <= 2)),
            "{diagnostics:?}"
        );
    }

    #[test]
    fn reads_entries_with_field_positions() {
        let text = "# shared sources\n- id: vision-2021\n  type: research\n  title: \"VISION\"\n  doi: \"10.1056/NEJMoa2107322\"\n- id: b\n  type: web\n  title: B\n";
        let (entries, found) = parse("references/a.yaml", text);
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].at, Position::new(2, 3));
        assert_eq!(entries[0].field_position("doi"), Position::new(5, 8));
        assert_eq!(entries[1].at, Position::new(6, 3));
    }

    #[test]
    fn reports_bad_entries_where_they_are_and_keeps_the_good_ones() {
        let text =
            "- id: a\n  type: web\n  title: A\n  dio: x\n- id: b\n  type: reserch\n  title: B\n- id: c\n  type: web\n";
        let (entries, found) = parse("references/a.yaml", text);
        assert!(entries.is_empty());
        let found: Vec<(Code, u32, u32)> = found.iter().map(|d| (d.code, d.line, d.column)).collect();
        assert_eq!(
            found,
            [
                (Code::BibliographySyntax, 4, 3),
                (Code::BibliographySyntax, 6, 9),
                (Code::ReferenceMissingField, 8, 3),
            ]
        );
    }
}
