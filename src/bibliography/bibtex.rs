//! BibTeX and BibLaTeX files, read with the `biblatex` crate (Typst's): it resolves TeX
//! accents, `@string` abbreviations and `crossref`s, and every value keeps its byte span,
//! which is what lets findings point at the field.

use super::{Entry, bibtex_limits, blank_reference, kind_from_words, leading_year, names};
use crate::date::{Date, PublicationDate, month_number};
use crate::diagnostic::{Code, Diagnostic};
use crate::load::LineIndex;
use crate::parse::front_matter::ReferenceKind;
use biblatex::{Bibliography, ChunksExt, Person, RawBibliography};
use std::collections::HashMap;

/// Evident's field names and the BibTeX fields that fill them, first match wins.
const FIELDS: &[(&str, &[&str])] = &[
    ("title", &["title"]),
    ("authors", &["author"]),
    ("journal", &["shortjournal", "journaltitle", "journal"]),
    ("publisher", &["publisher", "institution", "organization"]),
    ("year", &["year", "date"]),
    ("date", &["date", "month", "day"]),
    ("volume", &["volume"]),
    ("issue", &["number", "issue"]),
    ("pages", &["pages"]),
    ("edition", &["edition"]),
    ("doi", &["doi"]),
    ("pmid", &["pmid"]),
    ("pmcid", &["pmcid", "pmc"]),
    ("editors", &["editor"]),
    ("book_title", &["booktitle"]),
    ("isbn", &["isbn"]),
    ("issn", &["issn"]),
    ("url", &["url"]),
    ("accessed", &["urldate"]),
    ("retraction_note", &["retraction_note"]),
];

pub fn parse(file: &str, original: &str) -> (Vec<Entry>, Vec<Diagnostic>) {
    let (named, inserted) = name_keyless(original);
    let text = named.as_str();
    let lines = Positions {
        index: LineIndex::new(original),
        inserted,
    };
    let failed = |error: biblatex::ParseError| {
        let (message, hint) = explain(&error, text);
        Diagnostic::new(
            Code::BibliographySyntax,
            file,
            lines.position(error.span.start),
            message,
        )
        .with_hint(hint)
    };
    let mut raw = match RawBibliography::parse(text) {
        Ok(raw) => raw,
        Err(error) => return (Vec::new(), vec![failed(error)]),
    };
    let mut diagnostics: Vec<Diagnostic> = bibtex_limits::enforce(&mut raw)
        .into_iter()
        .map(|excess| {
            Diagnostic::new(
                Code::BibliographySyntax,
                file,
                lines.position(excess.offset),
                excess.message,
            )
            .with_hint(excess.hint)
        })
        .collect();
    // Where each entry starts and where each of its fields is written, before the crate
    // resolves abbreviations and cross-references into plain values.
    let mut written: HashMap<String, (usize, String, HashMap<String, usize>)> = HashMap::new();
    let mut order = Vec::new();
    for entry in &raw.entries {
        let fields = entry
            .v
            .fields
            .iter()
            .map(|pair| {
                // Point inside `{…}` or `"…"`, at the value itself.
                let start = pair.value.span.start;
                let opened = text.get(start..).is_some_and(|rest| rest.starts_with(['{', '"']));
                (pair.key.v.to_ascii_lowercase(), start + usize::from(opened))
            })
            .collect();
        let key = entry.v.key.v.to_string();
        order.push(key.clone());

        written.insert(
            key,
            (entry.v.key.span.start, entry.v.kind.v.to_ascii_lowercase(), fields),
        );
    }
    let bibliography = match Bibliography::from_raw(raw) {
        Ok(bibliography) => bibliography,
        Err(error) => {
            diagnostics.push(failed(error));
            return (Vec::new(), diagnostics);
        }
    };
    let mut entries = Vec::new();
    for key in order {
        let (Some(entry), Some((start, entry_type, spans))) = (bibliography.get(&key), written.get(&key)) else {
            continue;
        };
        let at = lines.position(*start);
        let mut positions = super::FieldPositions::default();
        positions.insert_first("id", at);
        for (ours, theirs) in FIELDS {
            if let Some(offset) = theirs.iter().find_map(|name| spans.get(*name)) {
                positions.insert_first(ours, lines.position(*offset));
            }
        }
        let value = |names: &[&str]| -> Option<String> {
            names.iter().find_map(|name| {
                let text = entry.get(name)?.format_verbatim();
                let text = crate::text::collapse_whitespace(&text);
                (!text.is_empty()).then_some(text)
            })
        };
        // Titles keep their TeX markup as rich text (`\textit{…}` → `<i>…</i>`, `$\beta$` → β).
        let rich = |name: &str| -> Option<String> {
            let text = super::tex::title_text(entry.get(name)?);
            (!text.is_empty()).then_some(text)
        };
        let Some(title) = rich("title").map(|title| with_subtitle(title, rich("subtitle"))) else {
            diagnostics.push(
                Diagnostic::new(
                    Code::ReferenceMissingField,
                    file,
                    at,
                    format!("the entry `{key}` has no `title`"),
                )
                .with_hint("add `title = {…}`"),
            );
            continue;
        };
        let words = [value(&["type"]), value(&["keywords"]), value(&["pubstate"])]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let kind =
            kind_from_words(&words).unwrap_or_else(|| kind_from_entry_type(entry_type, value(&["url"]).is_some()));
        // A key-less entry's stand-in key is no key: the import or the bibliography makes one.
        let id = if key.starts_with(KEYLESS) {
            String::new()
        } else {
            key.clone()
        };
        let mut reference = blank_reference(id, kind, title);
        for (field, ours) in [("author", "authors"), ("editor", "editors")] {
            match entry.get_as::<Vec<Person>>(field) {
                Ok(people) => {
                    let people = people.iter().map(vancouver).collect();
                    match field {
                        "author" => reference.authors = people,
                        _ => reference.editors = people,
                    }
                }
                Err(biblatex::RetrievalError::Missing(_)) => {}
                Err(error) => diagnostics.push(
                    Diagnostic::new(
                        Code::BibliographySyntax,
                        file,
                        positions.get(ours).copied().unwrap_or(at),
                        format!("the {ours} of `{key}` cannot be read: {error}"),
                    )
                    .with_hint("separate names with ` and `, each as `Family, Given`"),
                ),
            }
        }
        // A chapter's book (`@incollection`, `@inbook`): with it the reference prints as a chapter.
        reference.book_title = rich("booktitle")
            .map(|book| with_subtitle(book, rich("booksubtitle")))
            .filter(|_| kind == ReferenceKind::Textbook);
        reference.journal = value(FIELDS[2].1).filter(|_| {
            // A guideline or report printed in a journal keeps its journal (ADA Standards of Care).
            matches!(
                kind,
                ReferenceKind::Research | ReferenceKind::Review | ReferenceKind::Guideline | ReferenceKind::Other
            )
        });
        reference.publisher = value(FIELDS[3].1);
        reference.year = value(&["year", "date"]).as_deref().and_then(leading_year);
        // BibLaTeX's `date` holds the day; BibTeX splits it into `year`, `month` and `day`.
        reference.date = value(&["date"])
            .and_then(|d| PublicationDate::parse_loose(&d))
            .or_else(|| {
                let month = value(&["month"]).and_then(|m| month_number(&m))?;
                let day = value(&["day"]).and_then(|d| d.trim().parse::<i32>().ok());
                let parts = [reference.year?, i32::from(month)];
                PublicationDate::from_parts(&[&parts[..], day.as_slice()].concat())
            })
            .filter(|date| reference.year.is_none_or(|year| year == date.year()));
        reference.volume = value(&["volume"]);
        reference.issue = value(&["number", "issue"]);
        // BibTeX writes ranges with `--`, which the crate turns into an en dash; the front
        // matter writes a hyphen and the formatter prints the dash.
        reference.pages = value(&["pages"]).map(|p| p.replace("--", "-").replace('\u{2013}', "-"));
        reference.edition = value(&["edition"]);
        reference.doi = value(&["doi"]);
        let eprint_is_pubmed = value(&["eprinttype"]).is_some_and(|t| t.eq_ignore_ascii_case("pubmed"));
        reference.pmid = value(&["pmid"]).or_else(|| value(&["eprint"]).filter(|_| eprint_is_pubmed));
        // JabRef writes the PubMed Central id as `pmc`, sometimes without its `PMC`.
        reference.pmcid = value(&["pmcid", "pmc"]).map(|p| match p.bytes().all(|b| b.is_ascii_digit()) {
            true => format!("PMC{p}"),
            false => p,
        });
        reference.isbn = value(&["isbn"]);
        reference.issn = value(&["issn"]);
        reference.url = value(&["url"]);
        reference.accessed = value(&["urldate"]).and_then(|d| Date::parse_iso(d.trim()));
        reference.retraction_note = value(&["retraction_note"]);
        let source_type = Some(match words.is_empty() {
            true => format!("@{entry_type}"),
            false => format!("@{entry_type} ({words})"),
        });
        entries.push(Entry {
            reference,
            file: file.to_string(),
            at,
            fields: positions,
            source_type,
        });
    }
    (entries, diagnostics)
}

/// "de Bono JS", "Smith J Jr".
fn vancouver(person: &Person) -> String {
    // Names can hold the TeX the crate leaves (`Garc{\'\i}a`).
    let [prefix, name, given, suffix] =
        [&person.prefix, &person.name, &person.given_name, &person.suffix].map(|part| super::tex::plain_text(part));
    let family = match prefix.is_empty() {
        true => name,
        false => format!("{prefix} {name}"),
    };
    names::with_suffix(&family, &given, &suffix)
}

/// BibLaTeX keeps the subtitle apart; AMA prints it after a colon.
fn with_subtitle(title: String, subtitle: Option<String>) -> String {
    match subtitle {
        Some(subtitle) if title.ends_with(['?', '!', ':', '.']) => format!("{title} {subtitle}"),
        Some(subtitle) => format!("{title}: {subtitle}"),
        None => title,
    }
}

/// The stand-in key given to `@article{,` entries: the crate refuses a second empty key, and
/// README promises generated keys for them.
const KEYLESS: &str = "evident-keyless-entry-";

/// The text with a stand-in key in every key-less entry, and where (in the original text)
/// each was inserted and how long it is.
fn name_keyless(text: &str) -> (String, Vec<(usize, usize)>) {
    let mut named = String::with_capacity(text.len());
    let mut inserted = Vec::new();
    let mut copied = 0;
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(found) = text[at..].find('@') {
        let start = at + found;
        at = start + 1;
        let kind_end = start + 1 + text[start + 1..].bytes().take_while(u8::is_ascii_alphabetic).count();
        let kind = &text[start + 1..kind_end];
        if kind.is_empty()
            || ["string", "comment", "preamble"]
                .iter()
                .any(|k| kind.eq_ignore_ascii_case(k))
        {
            continue;
        }
        let open = kind_end + text[kind_end..].bytes().take_while(u8::is_ascii_whitespace).count();
        if !matches!(bytes.get(open), Some(b'{' | b'(')) {
            continue;
        }
        let key_at = open + 1;
        let comma = key_at + text[key_at..].bytes().take_while(u8::is_ascii_whitespace).count();
        if bytes.get(comma) != Some(&b',') {
            continue;
        }
        let key = format!("{KEYLESS}{}", inserted.len() + 1);
        named.push_str(&text[copied..key_at]);
        named.push_str(&key);
        copied = key_at;
        inserted.push((key_at, key.len()));
    }
    named.push_str(&text[copied..]);
    (named, inserted)
}

/// Positions in the original text for offsets in the text `name_keyless` made.
struct Positions<'a> {
    index: LineIndex<'a>,
    inserted: Vec<(usize, usize)>,
}

impl Positions<'_> {
    fn position(&self, offset: usize) -> crate::diagnostic::Position {
        let mut shift = 0;
        for &(at, len) in &self.inserted {
            let start = at + shift;
            if offset < start {
                break;
            }
            if offset < start + len {
                // Inside a stand-in key: where it was inserted.
                return self.index.position(at);
            }
            shift += len;
        }
        self.index.position(offset - shift)
    }
}

/// The crate's message, made true where it is not: it says "unexpected end of file" for
/// any value that starts with something other than `{`, `"`, a digit or a name.
fn explain(error: &biblatex::ParseError, text: &str) -> (String, &'static str) {
    const SHAPE: &str = "each entry reads `@article{key, field = {value}, …}`; check braces, quotes and commas";
    let rest = text.get(error.span.start..).unwrap_or("");
    if error.kind == biblatex::ParseErrorKind::UnexpectedEof && !rest.trim().is_empty() {
        let found: String = rest.chars().take_while(|c| !matches!(c, ',' | '}' | '\n')).collect();
        return (
            format!(
                "malformed BibTeX: the value `{}` is neither a number, an @string name, nor written in braces or quotes",
                found.trim()
            ),
            "write the value in braces, e.g. `volume = {-1}`",
        );
    }
    if error.kind == biblatex::ParseErrorKind::UnexpectedEof {
        return (
            "malformed BibTeX: the file ends inside an entry".to_string(),
            "a `{` or `\"` is not closed; check the last entry's braces and quotes",
        );
    }
    (format!("malformed BibTeX: {}", error.kind), SHAPE)
}

fn kind_from_entry_type(entry_type: &str, has_url: bool) -> ReferenceKind {
    match entry_type {
        "article" => ReferenceKind::Research,
        "book" | "inbook" | "incollection" | "mvbook" | "bookinbook" | "collection" | "reference" => {
            ReferenceKind::Textbook
        }
        "online" | "electronic" | "www" => ReferenceKind::Web,
        "misc" if has_url => ReferenceKind::Web,
        _ => ReferenceKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Position;

    const BIB: &str = r#"@string{nejm = "N Engl J Med"}

@article{sartor-2021,
  author  = {Sartor, Oliver and de Bono, Johann and Chi, Kim N.},
  title   = {Lutetium-177--{PSMA}-617 for Metastatic Castration-Resistant Prostate Cancer},
  journal = nejm,
  year    = 2021,
  volume  = {385},
  number  = {12},
  pages   = {1091--1103},
  doi     = {10.1056/NEJMoa2107322},
  pmid    = {34161051},
}

@report{eau-2025,
  title       = {Guidelines on Prostate Cancer},
  type        = {Clinical practice guideline},
  institution = {European Association of Urology},
  date        = {2025-03},
}
"#;

    #[test]
    fn reads_entries_with_people_abbreviations_and_positions() {
        let (entries, found) = parse("references/library.bib", BIB);
        assert!(found.is_empty(), "{found:?}");
        let vision = &entries[0].reference;
        assert_eq!(vision.id, "sartor-2021");
        assert_eq!(vision.kind, ReferenceKind::Research);
        assert_eq!(vision.authors, ["Sartor O", "de Bono J", "Chi KN"]);
        assert_eq!(vision.journal.as_deref(), Some("N Engl J Med"));
        assert_eq!(vision.year, Some(2021));
        assert_eq!(vision.pages.as_deref(), Some("1091-1103"));
        assert_eq!(vision.pmid.as_deref(), Some("34161051"));
        assert_eq!(entries[0].at, Position::new(3, 10));
        assert_eq!(entries[0].field_position("doi"), Position::new(11, 14));
        let eau = &entries[1].reference;
        assert_eq!(eau.kind, ReferenceKind::Guideline);
        assert_eq!(eau.publisher.as_deref(), Some("European Association of Urology"));
        assert_eq!(eau.year, Some(2025));
    }

    #[test]
    fn key_less_entries_are_read_and_positioned_as_written() {
        let text =
            "@article{,\n  title = {First},\n}\n@article{ ,\n  title = {Second},\n  doi = {x y}\n}\n@string{a = {b}}\n";
        let (entries, found) = parse("a.bib", text);
        assert!(found.is_empty(), "{found:?}");
        let titles: Vec<(&str, &str)> = entries
            .iter()
            .map(|e| (e.reference.id.as_str(), e.reference.title.as_str()))
            .collect();
        assert_eq!(titles, [("", "First"), ("", "Second")]);
        assert_eq!(entries[1].at, Position::new(4, 10));
        assert_eq!(entries[1].field_position("title"), Position::new(5, 12));
        assert_eq!(entries[1].field_position("doi"), Position::new(6, 10));
    }

    #[test]
    fn suffixes_of_authors_are_kept() {
        let text = "@article{a, title = {T}, author = {Smith, Jr., John and Given, III, Charles A.}}";
        let (entries, found) = parse("a.bib", text);
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(entries[0].reference.authors, ["Smith J Jr", "Given CA III"]);
    }

    #[test]
    fn a_bare_value_that_is_not_a_number_says_so() {
        let (_, found) = parse("references/a.bib", "@article{a, title={T},\n  volume=-1, year=2020}\n");
        assert_eq!((found[0].line, found[0].column), (2, 10));
        assert!(
            found[0].message.contains("the value `-1` is neither"),
            "{}",
            found[0].message
        );
        let (_, found) = parse("references/a.bib", "@article{a, title={T}, note = {open\n");
        assert!(
            found[0].message.contains("ends inside an entry"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn a_syntax_error_points_at_its_line() {
        let (_, found) = parse("references/a.bib", "@article{a,\n  title = {Open\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, Code::BibliographySyntax);
        assert!(found[0].line >= 2, "{:?}", found[0]);
    }
}
