//! Placeholder text that `evident new` writes into a fresh article and that an editor must
//! replace: left in, it would be published — and could be approved — as if it were content
//! ("Write the bottom line here…" under a "Medically reviewed" banner). Each one still in
//! the file is a `content/placeholder` error at its line and column.

use crate::diagnostic::{Code, Diagnostic};
use crate::load::{SourceFile, position_of_offset};
use memchr::memmem::Finder;
use std::sync::LazyLock;

/// What `evident new` writes (`scaffold::ARTICLE_SKELETON`), by the field it stands in.
/// `scaffold`'s tests keep the two in step.
pub const PLACEHOLDERS: [(&str, &str); 4] = [
    ("answer", "Write the bottom line here"),
    ("a reference's title", "Title of the guideline or study"),
    ("a reference's publisher", "Publishing organisation"),
    ("the body", "Each statement ends with the citation that supports it"),
];

/// One prebuilt SIMD searcher per placeholder: every file of the site is searched for
/// each, and building a `str` searcher per file and needle cost more than the search.
static FINDERS: LazyLock<Vec<Finder<'static>>> =
    LazyLock::new(|| PLACEHOLDERS.iter().map(|(_, text)| Finder::new(text)).collect());

/// Every placeholder left in `file`, outside YAML comments, in the order of the file.
pub fn placeholders(file: &SourceFile) -> Vec<Diagnostic> {
    let mut found: Vec<(usize, Diagnostic)> = Vec::new();
    for ((field, text), finder) in PLACEHOLDERS.iter().zip(FINDERS.iter()) {
        for offset in finder.find_iter(file.text.as_bytes()) {
            if in_comment(&file.text, offset) {
                continue;
            }
            found.push((
                offset,
                Diagnostic::new(
                    Code::ContentPlaceholder,
                    &file.rel_path,
                    position_of_offset(&file.text, offset),
                    format!("{field} still holds the placeholder `evident new` wrote: \"{text}…\""),
                )
                .with_hint(
                    "replace it with the article's own words and sources: an article with a placeholder is neither built nor approved",
                ),
            ));
        }
    }
    found.sort_by_key(|(offset, _)| *offset);
    found.into_iter().map(|(_, d)| d).collect()
}

/// Whether the text at `offset` is in a `#` comment line (the skeleton's hints are).
fn in_comment(text: &str, offset: usize) -> bool {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..offset].trim_start().starts_with('#')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> SourceFile {
        SourceFile {
            rel_path: "content/t/a.md".into(),
            section: "t".into(),
            text: text.into(),
            bom: false,
        }
    }

    #[test]
    fn each_placeholder_is_found_at_its_line_and_column() {
        let found = placeholders(&source(
            "---\nanswer: >-\n  Write the bottom line here in one sentence.\nreferences:\n  - title: \"Title of the guideline or study\"\n---\n",
        ));
        let at: Vec<(u32, u32)> = found.iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(at, [(3, 3), (5, 13)]);
        assert!(
            found[0].message.starts_with("answer still holds"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn every_placeholder_is_what_evident_new_writes() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join(crate::config::CONFIG_FILE), "title: T\n").unwrap();
        let today = crate::date::Date::new(2026, 1, 1).unwrap();
        let path = crate::scaffold::new_article(root.path(), "Is it new?", "t", today).unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        let found = placeholders(&source(&text));
        assert_eq!(found.len(), PLACEHOLDERS.len(), "{text}");
    }

    #[test]
    fn a_comment_and_edited_text_are_not_placeholders() {
        let found = placeholders(&source(
            "---\n# Write the bottom line here\nanswer: Write the bottom line first, then the body.\n---\n",
        ));
        assert!(found.is_empty(), "{found:?}");
    }
}
