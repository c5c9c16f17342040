//! CSL-JSON, the format Zotero, Mendeley and citation.js export: an array of items with
//! CSL variables (`title`, `author`, `container-title`, `issued`, `DOI`, `PMID`…).
//!
//! Each item is kept as raw JSON text first, so that its fields' positions in the file are
//! known: serde_json's values carry none.

use super::{Entry, blank_reference, kind_from_words, leading_year, names};
use crate::date::{Date, PublicationDate};
use crate::diagnostic::{Code, Diagnostic, Position};
use crate::load::LineIndex;
use crate::parse::front_matter::ReferenceKind;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// serde_json's message without its " at line N column M": the finding carries the
/// position itself, in characters, and a message naming another would contradict it.
fn without_location(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(at) if message[at..].contains(" column ") => &message[..at],
        _ => message,
    }
}

/// serde_json's 1-based line and byte column as a line and character column, inside the
/// text: a line with accented names put a finding past its end (found by the fuzzer).
fn char_position(text: &str, line: usize, byte_column: usize) -> Position {
    let line = line.max(1);
    let Some(content) = text.split('\n').nth(line - 1) else {
        return Position::new(line as u32, 1);
    };
    let mut end = byte_column.saturating_sub(1).min(content.len());
    while !content.is_char_boundary(end) {
        end -= 1;
    }
    Position::new(line as u32, content[..end].chars().count() as u32 + 1)
}

pub fn parse(file: &str, text: &str) -> (Vec<Entry>, Vec<Diagnostic>) {
    let lines = LineIndex::new(text);
    // A single item, as Crossref and citation.js serve one, is a list of one.
    let parsed = match text.trim_start().starts_with('{') {
        true => serde_json::from_str::<&RawValue>(text).map(|item| vec![item]),
        false => serde_json::from_str(text),
    };
    let items: Vec<&RawValue> = match parsed {
        Ok(items) => items,
        Err(error) => {
            let at = char_position(text, error.line(), error.column());
            let hint = if error.is_data() {
                "a CSL-JSON file is an array of items: `[{\"id\": \"…\", \"type\": \"article-journal\", …}]`"
            } else {
                "the file is not valid JSON; export it again from your reference manager"
            };
            let diagnostic = Diagnostic::new(
                Code::BibliographySyntax,
                file,
                at,
                format!("malformed CSL-JSON: {}", without_location(&error.to_string())),
            )
            .with_hint(hint);
            return (Vec::new(), vec![diagnostic]);
        }
    };
    let mut entries = Vec::new();
    let mut diagnostics = Vec::new();
    for raw in items {
        let offset = offset_in(text, raw.get());
        let at = lines.position(offset);
        match read_item(raw, text, &lines) {
            Ok((mut entry, problems)) => {
                entry.file = file.to_string();
                entry.at = at;
                diagnostics.extend(problems.into_iter().map(|(position, message, hint)| {
                    Diagnostic::new(Code::BibliographySyntax, file, position.unwrap_or(at), message).with_hint(hint)
                }));
                entries.push(entry);
            }
            Err((code, message, hint)) => {
                diagnostics.push(Diagnostic::new(code, file, at, message).with_hint(hint));
            }
        }
    }
    (entries, diagnostics)
}

/// The byte offset of a slice of `text` (serde_json's raw values borrow from the input).
fn offset_in(text: &str, part: &str) -> usize {
    (part.as_ptr() as usize)
        .saturating_sub(text.as_ptr() as usize)
        .min(text.len())
}

#[derive(Deserialize)]
#[serde(untagged)]
enum TextOrNumber {
    Text(String),
    Number(serde_json::Number),
}

/// A variable CSL-JSON holds as text but Crossref serves as a list (`"ISSN": ["…", "…"]`,
/// `"container-title": ["…"]`): the first non-empty value is the one kept.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(TextOrNumber),
    Many(Vec<TextOrNumber>),
}

impl OneOrMany {
    fn first(self) -> Option<String> {
        match self {
            OneOrMany::One(value) => Some(value.text()),
            OneOrMany::Many(values) => values.into_iter().map(TextOrNumber::text).find(|v| !v.is_empty()),
        }
        .filter(|v| !v.is_empty())
    }
}

fn first(value: Option<OneOrMany>) -> Option<String> {
    value.and_then(OneOrMany::first)
}

impl TextOrNumber {
    fn text(self) -> String {
        match self {
            TextOrNumber::Text(text) => text.trim().to_string(),
            TextOrNumber::Number(n) => n.to_string(),
        }
    }
}

#[derive(Deserialize)]
struct Name {
    #[serde(default)]
    family: Option<String>,
    #[serde(default)]
    given: Option<String>,
    #[serde(default)]
    literal: Option<String>,
    #[serde(default, rename = "non-dropping-particle")]
    particle: Option<String>,
    #[serde(default, rename = "dropping-particle")]
    dropping_particle: Option<String>,
    #[serde(default)]
    suffix: Option<String>,
}

impl Name {
    /// "de Bono JS", "Smith J Jr", or a group's name as written.
    fn vancouver(self) -> String {
        match (self.family, self.literal) {
            (Some(family), _) => {
                let family = [self.dropping_particle, self.particle, Some(family)]
                    .into_iter()
                    .flatten()
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                names::with_suffix(
                    &family,
                    self.given.as_deref().unwrap_or(""),
                    self.suffix.as_deref().unwrap_or(""),
                )
            }
            (None, Some(literal)) => literal,
            (None, None) => self.given.unwrap_or_default(),
        }
    }
}

#[derive(Deserialize)]
struct CslDate {
    #[serde(default, rename = "date-parts")]
    date_parts: Option<Vec<Vec<TextOrNumber>>>,
    #[serde(default)]
    raw: Option<String>,
    #[serde(default)]
    literal: Option<String>,
}

impl CslDate {
    fn parts(self) -> Vec<i32> {
        if let Some(first) = self.date_parts.and_then(|parts| parts.into_iter().next()) {
            return first.into_iter().filter_map(|p| p.text().parse().ok()).collect();
        }
        let text = self.raw.or(self.literal).unwrap_or_default();
        let parts: Vec<i32> = text.trim().split(['-', '/']).map_while(|p| p.parse().ok()).collect();
        if parts.first().is_some_and(|year| *year >= 1000) {
            return parts;
        }
        leading_year(&text).into_iter().collect()
    }
}

/// The CSL variables Evident uses; the many others are ignored.
#[derive(Deserialize)]
struct Item {
    /// Crossref's CSL-JSON has none: the import then makes a key.
    #[serde(default)]
    id: Option<TextOrNumber>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    title: Option<OneOrMany>,
    #[serde(default)]
    author: Vec<Name>,
    #[serde(default)]
    editor: Vec<Name>,
    #[serde(default, rename = "container-title")]
    container_title: Option<OneOrMany>,
    #[serde(default, rename = "container-title-short", alias = "short-container-title")]
    container_title_short: Option<OneOrMany>,
    #[serde(default, rename = "journalAbbreviation")]
    journal_abbreviation: Option<OneOrMany>,
    #[serde(default)]
    publisher: Option<OneOrMany>,
    #[serde(default)]
    authority: Option<String>,
    #[serde(default)]
    issued: Option<CslDate>,
    #[serde(default)]
    accessed: Option<CslDate>,
    #[serde(default)]
    volume: Option<TextOrNumber>,
    #[serde(default)]
    issue: Option<TextOrNumber>,
    #[serde(default)]
    page: Option<TextOrNumber>,
    #[serde(default)]
    edition: Option<TextOrNumber>,
    #[serde(default, rename = "DOI")]
    doi: Option<OneOrMany>,
    #[serde(default, rename = "PMID")]
    pmid: Option<TextOrNumber>,
    #[serde(default, rename = "PMCID")]
    pmcid: Option<OneOrMany>,
    #[serde(default, rename = "ISBN")]
    isbn: Option<OneOrMany>,
    #[serde(default, rename = "ISSN")]
    issn: Option<OneOrMany>,
    #[serde(default, rename = "URL")]
    url: Option<OneOrMany>,
    #[serde(default)]
    genre: Option<String>,
    /// Zotero writes its "Extra" field here, one `Name: value` per line.
    #[serde(default)]
    note: Option<String>,
}

/// Evident's field names for the CSL variables that fill them, to place findings.
const FIELD_OF: &[(&str, &str)] = &[
    ("id", "id"),
    ("type", "type"),
    ("title", "title"),
    ("author", "authors"),
    ("editor", "editors"),
    ("container-title", "journal"),
    ("publisher", "publisher"),
    ("authority", "publisher"),
    ("issued", "year"),
    ("accessed", "accessed"),
    ("volume", "volume"),
    ("issue", "issue"),
    ("page", "pages"),
    ("edition", "edition"),
    ("DOI", "doi"),
    ("PMID", "pmid"),
    ("PMCID", "pmcid"),
    ("ISBN", "isbn"),
    ("ISSN", "issn"),
    ("URL", "url"),
];

type Problem = (Option<Position>, String, String);

fn read_item(
    raw: &RawValue,
    text: &str,
    lines: &LineIndex<'_>,
) -> Result<(Entry, Vec<Problem>), (Code, String, String)> {
    let shape = "each item is an object with at least `id` and `title`";
    let by_name: BTreeMap<String, &RawValue> = serde_json::from_str(raw.get()).map_err(|_| {
        (
            Code::BibliographySyntax,
            "this item is not a JSON object".to_string(),
            shape.to_string(),
        )
    })?;
    let mut fields = super::FieldPositions::default();
    for (csl, ours) in FIELD_OF {
        if let Some(value) = by_name.get(*csl) {
            fields.insert_first(ours, lines.position(offset_in(text, value.get())));
        }
    }
    let item: Item = serde_json::from_str(raw.get()).map_err(|error| {
        (
            Code::BibliographySyntax,
            format!("this item cannot be read: {error}"),
            shape.to_string(),
        )
    })?;
    let id = item.id.map(TextOrNumber::text).unwrap_or_default();
    let Some(title) = first(item.title) else {
        return Err((
            Code::ReferenceMissingField,
            format!("the item `{id}` has no `title`"),
            "add the title of the work".to_string(),
        ));
    };
    let extra = extra_fields(item.note.as_deref().unwrap_or(""));
    let csl_type = item.kind.clone().unwrap_or_default();
    let kind = extra
        .get("evident-type")
        .and_then(|t| parse_kind(t))
        .or_else(|| item.genre.as_deref().and_then(kind_from_words))
        .unwrap_or_else(|| kind_from_csl_type(&csl_type));
    let mut reference = blank_reference(id, kind, title.trim().to_string());
    reference.authors = item
        .author
        .into_iter()
        .map(Name::vancouver)
        .filter(|name| !name.is_empty())
        .collect();
    reference.editors = item
        .editor
        .into_iter()
        .map(Name::vancouver)
        .filter(|n| !n.is_empty())
        .collect();
    let is_chapter = matches!(
        csl_type.as_str(),
        "chapter" | "book-chapter" | "entry-encyclopedia" | "entry-dictionary"
    );
    let container = first(item.container_title);
    let container_for_site = container.clone().filter(|_| kind == ReferenceKind::Web);
    if kind == ReferenceKind::Textbook && is_chapter {
        // A chapter's container is its book, not a journal.
        reference.book_title = container;
    } else {
        // A guideline or report printed in a journal keeps its journal.
        reference.journal = first(item.journal_abbreviation)
            .or(first(item.container_title_short))
            .or(container)
            .filter(|_| {
                matches!(
                    kind,
                    ReferenceKind::Research | ReferenceKind::Review | ReferenceKind::Guideline | ReferenceKind::Other
                )
            });
    }
    reference.publisher = first(item.publisher).or(item.authority);
    if kind == ReferenceKind::Web {
        // A web page's container is the site, which AMA prints where Evident's `publisher` is.
        reference.publisher = container_for_site.or(reference.publisher);
    }
    let mut problems = Vec::new();
    if let Some(issued) = item.issued {
        let parts = issued.parts();
        reference.year = parts.first().copied();
        reference.date = PublicationDate::from_parts(&parts);
        if reference.year.is_none() {
            problems.push((
                fields.get("year").copied(),
                "`issued` holds no year".to_string(),
                "write the date as `\"issued\": {\"date-parts\": [[2021, 9, 16]]}`".to_string(),
            ));
        }
    }
    if let Some(accessed) = item.accessed {
        let parts = accessed.parts();
        reference.accessed = match parts.as_slice() {
            [year, month, day, ..] => u8::try_from(*month)
                .ok()
                .zip(u8::try_from(*day).ok())
                .and_then(|(month, day)| Date::new(*year, month, day)),
            _ => None,
        };
    }
    reference.volume = item.volume.map(TextOrNumber::text);
    reference.issue = item.issue.map(TextOrNumber::text);
    reference.pages = item.page.map(TextOrNumber::text);
    reference.edition = item.edition.map(TextOrNumber::text);
    reference.doi = first(item.doi);
    reference.pmid = item.pmid.map(TextOrNumber::text).or_else(|| extra.get("pmid").cloned());
    reference.pmcid = first(item.pmcid).or_else(|| extra.get("pmcid").cloned());
    reference.isbn = first(item.isbn);
    reference.issn = first(item.issn);
    reference.url = first(item.url);
    reference.retraction_note = extra.get("retraction-note").cloned();
    let source_type = match item.genre {
        Some(genre) if !genre.is_empty() => Some(format!("{csl_type} ({genre})")),
        _ => (!csl_type.is_empty()).then_some(csl_type),
    };
    Ok((
        Entry {
            reference,
            file: String::new(),
            at: Position::START,
            fields,
            source_type,
        },
        problems,
    ))
}

/// Zotero's "Extra" lines (`PMID: 123`, `PMCID: PMC456`, `evident-type: guideline`).
fn extra_fields(note: &str) -> BTreeMap<String, String> {
    note.lines()
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            let value = value.trim();
            (!value.is_empty()).then(|| (name.trim().to_ascii_lowercase(), value.to_string()))
        })
        .collect()
}

fn parse_kind(word: &str) -> Option<ReferenceKind> {
    match word.trim().to_ascii_lowercase().as_str() {
        "guideline" => Some(ReferenceKind::Guideline),
        "research" => Some(ReferenceKind::Research),
        "review" => Some(ReferenceKind::Review),
        "textbook" => Some(ReferenceKind::Textbook),
        "web" => Some(ReferenceKind::Web),
        "other" => Some(ReferenceKind::Other),
        _ => None,
    }
}

/// CSL types to Evident's: CSL has no "guideline", so guidelines come from `genre` or an
/// `evident-type: guideline` line in the note.
pub fn kind_from_csl_type(csl_type: &str) -> ReferenceKind {
    match csl_type {
        // Crossref serves its own type names in CSL-JSON: `journal-article`, `book-chapter`…
        "article-journal" | "article" | "paper-conference" | "dataset" | "journal-article" | "proceedings-article" => {
            ReferenceKind::Research
        }
        "review" | "review-book" => ReferenceKind::Review,
        "book" | "chapter" | "entry-encyclopedia" | "entry-dictionary" | "book-chapter" | "monograph"
        | "edited-book" => ReferenceKind::Textbook,
        "webpage" | "post" | "post-weblog" => ReferenceKind::Web,
        _ => ReferenceKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZOTERO: &str = r#"[
  {
    "id": "sartor-2021",
    "type": "article-journal",
    "title": "Lutetium-177–PSMA-617 for Metastatic Castration-Resistant Prostate Cancer",
    "container-title": "New England Journal of Medicine",
    "container-title-short": "N Engl J Med",
    "volume": "385",
    "issue": 12,
    "page": "1091-1103",
    "DOI": "10.1056/NEJMoa2107322",
    "PMID": "34161051",
    "author": [{"family": "Sartor", "given": "Oliver"}, {"family": "Bono", "given": "Johann", "non-dropping-particle": "de"}],
    "issued": {"date-parts": [[2021, 9, 16]]},
    "note": "PMCID: PMC8446797"
  },
  {"id": 7, "type": "report", "genre": "Clinical practice guideline", "title": "Guidelines on Prostate Cancer",
   "publisher": "European Association of Urology", "issued": {"raw": "2025"}}
]"#;

    #[test]
    fn reads_a_zotero_export() {
        let (entries, found) = parse("references/zotero.json", ZOTERO);
        assert!(found.is_empty(), "{found:?}");
        let vision = &entries[0].reference;
        assert_eq!(vision.id, "sartor-2021");
        assert_eq!(vision.kind, ReferenceKind::Research);
        assert_eq!(vision.authors, ["Sartor O", "de Bono J"]);
        assert_eq!(vision.journal.as_deref(), Some("N Engl J Med"));
        assert_eq!(vision.year, Some(2021));
        assert_eq!(vision.issue.as_deref(), Some("12"));
        assert_eq!(vision.pmcid.as_deref(), Some("PMC8446797"));
        assert_eq!(entries[0].at, Position::new(2, 3));
        assert_eq!(entries[0].field_position("doi"), Position::new(11, 12));
        let eau = &entries[1].reference;
        assert_eq!(
            (eau.id.as_str(), eau.kind, eau.year),
            ("7", ReferenceKind::Guideline, Some(2025))
        );
    }

    #[test]
    fn malformed_json_is_reported_at_its_character_column() {
        // Found by the fuzzer (tests/properties.rs, target `csl-json`).
        let text = "[{\"id\": \"a\", \"author\": [{\"family\": \"Müller\u{FFFD}\"}]";
        let (_, diagnostics) = parse("references/x.json", text);
        let d = &diagnostics[0];
        // serde_json points at the last byte read; that is the last character, not past it.
        assert_eq!((d.line, d.column), (1, text.chars().count() as u32), "{}", d.message);
        assert!(!d.message.contains("column"), "{}", d.message);
    }

    #[test]
    fn names_keep_suffixes_and_particles() {
        let text = r#"[{"id": "a", "title": "T", "author": [
            {"family": "Smith", "given": "John", "suffix": "Jr"},
            {"family": "Berg", "given": "Anna", "dropping-particle": "van der"}]}]"#;
        let (entries, found) = parse("a.json", text);
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(entries[0].reference.authors, ["Smith J Jr", "van der Berg A"]);
    }

    #[test]
    fn malformed_json_is_reported_at_its_line() {
        let (_, found) = parse("references/a.json", "[\n  {\"id\": \"a\",}\n]");
        assert_eq!(found[0].code, Code::BibliographySyntax);
        assert_eq!(found[0].line, 2);
        let (_, found) = parse("references/a.json", "[{\"id\": \"a\"}]");
        assert_eq!(found[0].code, Code::ReferenceMissingField);
    }
}
