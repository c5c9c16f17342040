//! The shared bibliography: `references/*.yaml|*.yml` (a list of entries written like the
//! front matter's), `*.json` (CSL-JSON, as Zotero exports it) and `*.bib` (BibTeX). Any
//! article may cite its entries by key; its own references win over shared ones.

pub mod bibtex;
mod bibtex_limits;
pub mod config;
pub mod csl;
pub mod csl_json;
pub mod identifiers;
pub mod names;
pub mod retraction;
pub mod tex;
pub mod yaml;

use crate::diagnostic::{Code, Diagnostic, Position};
use crate::load::SourceFile;
use crate::parse::front_matter::{Reference, ReferenceKind};
use std::collections::{HashMap, HashSet};

/// The folder under the site root that holds the shared bibliography.
pub use crate::load::{BIBLIOGRAPHY_DIR, is_bibliography_file};

/// The fields a reference may have, in the order Evident writes them.
pub const REFERENCE_FIELDS: &[&str] = &[
    "id",
    "type",
    "authors",
    "editors",
    "title",
    "book_title",
    "journal",
    "publisher",
    "year",
    "date",
    "volume",
    "issue",
    "pages",
    "edition",
    "doi",
    "pmid",
    "pmcid",
    "isbn",
    "issn",
    "url",
    "accessed",
    "retraction_note",
];

/// A reference and where each of its fields is written, so that findings about a field
/// point at it.
#[derive(Clone, Debug)]
pub struct Entry {
    pub reference: Reference,
    pub file: String,
    /// Where the entry starts.
    pub at: Position,
    /// Where each field's value is written, by Evident's field name (`doi`, `year`, …).
    pub fields: FieldPositions,
    /// The source's own word for the kind of work ("article-journal", "@article",
    /// "Randomized Controlled Trial"), kept by `evident import`.
    pub source_type: Option<String>,
}

/// Where each of a reference's fields is written, by Evident's field name. A small list
/// of static names rather than a map of strings: a large site holds one per reference.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldPositions(Vec<(&'static str, Position)>);

impl FieldPositions {
    /// Records where `field` is written unless it already has a place (the first value
    /// wins, as when several source fields fill one of ours). Names that are not
    /// reference fields are not kept: no finding can point at them.
    pub fn insert_first(&mut self, field: &str, at: Position) {
        let Some(name) = REFERENCE_FIELDS.iter().copied().find(|known| *known == field) else {
            return;
        };
        if self.get(name).is_none() {
            self.0.push((name, at));
        }
    }

    pub fn get(&self, field: &str) -> Option<&Position> {
        self.0.iter().find(|(name, _)| *name == field).map(|(_, at)| at)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Entry {
    pub fn field_position(&self, field: &str) -> Position {
        self.fields.get(field).copied().unwrap_or(self.at)
    }
}

#[derive(Debug, Default)]
pub struct Bibliography {
    pub entries: Vec<Entry>,
    index: HashMap<String, usize>,
}

impl Bibliography {
    /// The index of the entry with this key.
    pub fn lookup(&self, key: &str) -> Option<usize> {
        self.index.get(key).copied()
    }

    pub fn get(&self, index: usize) -> Option<&Entry> {
        self.entries.get(index)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Reads every bibliography file; a key defined twice keeps its first definition (files
/// are read in name order) and the second is a finding.
pub fn parse_bibliography(files: &[SourceFile]) -> (Bibliography, Vec<Diagnostic>) {
    let mut bibliography = Bibliography::default();
    let mut diagnostics = Vec::new();
    let parsed: Vec<(Vec<Entry>, Vec<Diagnostic>)> = files
        .iter()
        .map(|file| parse_file(&file.rel_path, &file.text))
        .collect();
    // Entries written without a key (`@article{,`, Crossref's CSL-JSON has no `id`) get one
    // made as the import makes it, after every written key is taken, so none is shadowed.
    let mut keys = KeyGenerator::default();
    for (entries, _) in &parsed {
        for entry in entries.iter().filter(|e| !e.reference.id.is_empty()) {
            keys.claim(&entry.reference.id);
        }
    }
    for (mut entries, found) in parsed {
        diagnostics.extend(found);
        for entry in &mut entries {
            if entry.reference.id.is_empty() {
                entry.reference.id = keys.generate(&entry.reference);
            }
        }
        for entry in entries {
            if let Some(&first) = bibliography.index.get(&entry.reference.id) {
                let first = &bibliography.entries[first];
                diagnostics.push(
                    Diagnostic::new(
                        Code::ReferenceDuplicate,
                        &entry.file,
                        entry.field_position("id"),
                        format!(
                            "the key `{}` is already defined at {}:{}",
                            entry.reference.id, first.file, first.at.line
                        ),
                    )
                    .with_hint("give each entry of the shared bibliography its own key"),
                );
                continue;
            }
            bibliography
                .index
                .insert(entry.reference.id.clone(), bibliography.entries.len());
            bibliography.entries.push(entry);
        }
    }
    (bibliography, diagnostics)
}

/// Parses one bibliography file by its extension.
pub fn parse_file(file: &str, text: &str) -> (Vec<Entry>, Vec<Diagnostic>) {
    match extension(file).as_deref() {
        Some("yaml" | "yml") => yaml::parse(file, text),
        Some("json") => csl_json::parse(file, text),
        Some("bib") => bibtex::parse(file, text),
        _ => (
            Vec::new(),
            vec![
                Diagnostic::new(
                    Code::BibliographySyntax,
                    file,
                    Position::START,
                    "this file is not a bibliography format Evident reads",
                )
                .with_hint("use .yaml (Evident's reference fields), .json (CSL-JSON) or .bib (BibTeX)"),
            ],
        ),
    }
}

fn extension(name: &str) -> Option<String> {
    let (_, ext) = name.rsplit_once('.')?;
    Some(ext.to_ascii_lowercase())
}

/// What a source's word for a kind of work means in Evident's types. Sources have no
/// "guideline" type, so a guideline is recognised from the words the source uses for it.
pub fn kind_from_words(words: &str) -> Option<ReferenceKind> {
    let words = words.to_ascii_lowercase();
    if words.contains("guideline") || words.contains("consensus") || words.contains("position statement") {
        Some(ReferenceKind::Guideline)
    } else if words.contains("review") || words.contains("meta-analysis") {
        Some(ReferenceKind::Review)
    } else {
        None
    }
}

/// A year from the start of a date written in any of the usual ways ("2021", "2021-03",
/// "2021 Mar 4", "2021/03/04").
pub fn leading_year(text: &str) -> Option<i32> {
    let digits: String = text.trim().chars().take_while(char::is_ascii_digit).collect();
    (digits.len() == 4).then(|| digits.parse().ok()).flatten()
}

/// Citation keys for one import: the source's own keys as they are claimed, and keys made
/// from the first author's family name and the year ("sartor-2021", then "sartor-2021a"
/// … "sartor-2021z", "sartor-2021aa" …) for entries without a usable one.
#[derive(Debug, Default)]
pub struct KeyGenerator {
    taken: HashSet<String>,
    /// The next suffix number to try for each base, so that the thousandth entry by one
    /// author in one year does not try the 999 keys before it.
    next_suffix: HashMap<String, u64>,
}

impl KeyGenerator {
    /// Takes `key` if no entry has it yet.
    pub fn claim(&mut self, key: &str) -> bool {
        self.taken.insert(key.to_string())
    }

    /// A new key for `reference`, unique among all claimed and generated so far.
    pub fn generate(&mut self, reference: &Reference) -> String {
        let base = key_base(reference);
        if self.claim(&base) {
            return base;
        }
        let next = self.next_suffix.entry(base.clone()).or_insert(1);
        loop {
            let key = format!("{base}{}", suffix_letters(*next));
            *next += 1;
            if self.taken.insert(key.clone()) {
                return key;
            }
        }
    }
}

/// "family-year" from the first author (or the title's first word).
fn key_base(reference: &Reference) -> String {
    let family = reference
        .authors
        .first()
        // "de Bono J": the family name is all but the initials (and a suffix: "Smith J Jr").
        .map(|a| {
            let name = a.trim();
            let name = match name.rsplit_once(' ') {
                Some((rest, last)) if names::is_suffix(last) => rest,
                _ => name,
            };
            name.rsplit_once(' ').map_or(name, |(family, _)| family).to_string()
        })
        .unwrap_or_else(|| reference.title.split_whitespace().next().unwrap_or("ref").to_string());
    let mut base: String = crate::slug::suggest_slug(&family);
    if base.is_empty() {
        base = "ref".into();
    }
    if let Some(year) = reference.year {
        base = format!("{base}-{year}");
    }
    base
}

/// 1 → "a", 26 → "z", 27 → "aa", 702 → "zz", 703 → "aaa": spreadsheet columns, so that
/// every number has its own run of lowercase letters.
fn suffix_letters(mut number: u64) -> String {
    let mut letters = Vec::new();
    while number > 0 {
        number -= 1;
        letters.push(b'a' + (number % 26) as u8);
        number /= 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// An empty reference of a kind, for the parsers to fill in.
pub fn blank_reference(id: String, kind: ReferenceKind, title: String) -> Reference {
    Reference {
        id,
        kind,
        title,
        authors: Vec::new(),
        editors: Vec::new(),
        book_title: None,
        journal: None,
        publisher: None,
        year: None,
        date: None,
        volume: None,
        issue: None,
        pages: None,
        edition: None,
        doi: None,
        pmid: None,
        pmcid: None,
        isbn: None,
        issn: None,
        url: None,
        accessed: None,
        retraction_note: None,
        correction: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(name: &str, text: &str) -> SourceFile {
        SourceFile {
            rel_path: format!("references/{name}"),
            section: String::new(),
            text: text.to_string(),
            bom: false,
        }
    }

    #[test]
    fn keys_resolve_across_files_and_a_second_definition_is_reported() {
        let yaml = "- id: a\n  type: web\n  title: A\n  url: https://a.org/\n";
        let json = r#"[{"id": "b", "type": "webpage", "title": "B"}, {"id": "a", "title": "Again"}]"#;
        let (bibliography, found) = parse_bibliography(&[source("a.yaml", yaml), source("b.json", json)]);
        assert_eq!(bibliography.lookup("a"), Some(0));
        assert_eq!(bibliography.lookup("b"), Some(1));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code, Code::ReferenceDuplicate);
        assert_eq!((found[0].file.as_str(), found[0].line), ("references/b.json", 1));
    }

    #[test]
    fn generated_keys_are_unique_slugs() {
        let mut keys = KeyGenerator::default();
        let mut reference = blank_reference(String::new(), ReferenceKind::Research, "T".into());
        reference.authors = vec!["de Bono J".into()];
        reference.year = Some(2020);
        assert_eq!(keys.generate(&reference), "de-bono-2020");
        assert_eq!(keys.generate(&reference), "de-bono-2020a");
        assert_eq!(leading_year("2021 Mar 4"), Some(2021));
        assert_eq!(leading_year("21"), None);
    }

    #[test]
    fn suffixes_run_past_z_as_letters_only() {
        let cases = [
            (1, "a"),
            (2, "b"),
            (26, "z"),
            (27, "aa"),
            (52, "az"),
            (53, "ba"),
            (702, "zz"),
            (703, "aaa"),
        ];
        for (number, letters) in cases {
            assert_eq!(suffix_letters(number), letters, "{number}");
        }
    }

    #[test]
    fn ten_thousand_entries_by_one_author_in_one_year_get_distinct_valid_keys_quickly() {
        let mut keys = KeyGenerator::default();
        // A key the source already uses is skipped, not duplicated.
        assert!(keys.claim("smith-2021c"));
        let mut reference = blank_reference(String::new(), ReferenceKind::Research, "T".into());
        reference.authors = vec!["Smith J".into()];
        reference.year = Some(2021);
        let start = std::time::Instant::now();
        let generated: Vec<String> = (0..10_000).map(|_| keys.generate(&reference)).collect();
        assert!(
            start.elapsed() < std::time::Duration::from_secs(30),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(
            &generated[..4],
            ["smith-2021", "smith-2021a", "smith-2021b", "smith-2021d"]
        );
        assert_eq!(generated[26], "smith-2021aa");
        let unique: HashSet<&String> = generated.iter().collect();
        assert_eq!(unique.len(), 10_000);
        for key in &generated {
            assert_eq!(crate::parse::citation::citation_key_len(key), key.len(), "{key}");
            assert!(
                key.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{key}"
            );
        }
    }
}
