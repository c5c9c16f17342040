//! `evident import FILE`: BibTeX, CSL-JSON, RIS or PubMed MEDLINE (`.nbib`) in, the front
//! matter's `references:` YAML out, keeping PMID, PMCID and the source's publication type
//! (as a comment beside the `type` Evident chose from it).

mod tagged;

use crate::bibliography::{Entry, KeyGenerator, bibtex, csl_json};
use crate::diagnostic::Diagnostic;
use crate::parse::citation::citation_key_len;
use crate::parse::front_matter::Reference;
use std::fmt::Write as _;

pub use tagged::{parse_medline, parse_ris};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceFormat {
    Bibtex,
    CslJson,
    Ris,
    Medline,
}

#[derive(Debug)]
pub struct Imported {
    pub yaml: String,
    pub count: usize,
    /// Records that could not be converted, at their line in the input.
    pub diagnostics: Vec<Diagnostic>,
    /// What the user should know about how the file was read.
    pub notes: Vec<String>,
}

/// Why a file cannot be imported at all (as opposed to records in it that cannot).
#[derive(Debug, PartialEq, Eq)]
pub enum ImportError {
    /// Neither the extension nor the content says what the file is.
    UnknownFormat(String),
    /// The bytes are not UTF-8; where the first bad byte is.
    NotUtf8 {
        byte: u8,
        offset: usize,
        line: usize,
        column: usize,
    },
    /// The file was read as a format but holds no records of it.
    NoRecords { format: SourceFormat },
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::UnknownFormat(hint) => f.write_str(hint),
            ImportError::NotUtf8 {
                byte,
                offset,
                line,
                column,
            } => write!(
                f,
                "the file is not UTF-8: byte 0x{byte:02X} at offset {offset} (line {line}, column {column}); \
                 export it again as UTF-8, or convert it (e.g. `iconv -f WINDOWS-1252 -t UTF-8`)"
            ),
            ImportError::NoRecords { format } => write!(
                f,
                "found no {} records in the file; check that it is an export in that format",
                format.name()
            ),
        }
    }
}

impl SourceFormat {
    pub fn name(self) -> &'static str {
        match self {
            SourceFormat::Bibtex => "BibTeX",
            SourceFormat::CslJson => "CSL-JSON",
            SourceFormat::Ris => "RIS",
            SourceFormat::Medline => "PubMed MEDLINE",
        }
    }
}

/// The format the extension names.
fn format_by_name(name: &str) -> Option<SourceFormat> {
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match extension.as_deref() {
        Some("bib" | "bibtex") => Some(SourceFormat::Bibtex),
        Some("json") => Some(SourceFormat::CslJson),
        Some("ris") => Some(SourceFormat::Ris),
        Some("nbib" | "medline") => Some(SourceFormat::Medline),
        _ => None,
    }
}

/// The format the first characters show, and what showed it.
fn format_by_content(text: &str) -> Option<(SourceFormat, &'static str)> {
    let start = text.trim_start();
    if start.starts_with('[') || start.starts_with('{') {
        Some((SourceFormat::CslJson, "it starts with a JSON `[` or `{`"))
    } else if start.starts_with('@') {
        Some((SourceFormat::Bibtex, "it starts with a BibTeX `@` entry"))
    } else if start.starts_with("TY  -") {
        Some((SourceFormat::Ris, "it starts with a RIS `TY  -` line"))
    } else if start.starts_with("PMID-") {
        Some((SourceFormat::Medline, "it starts with a MEDLINE `PMID-` line"))
    } else {
        None
    }
}

/// The format from the content where the first characters show it (an export saved under
/// the wrong extension is common), else from the extension.
pub fn detect(name: &str, text: &str) -> Option<SourceFormat> {
    format_by_content(text)
        .map(|(format, _)| format)
        .or_else(|| format_by_name(name))
}

/// `import` on the bytes of a file: they must be UTF-8 (a byte-order mark is skipped).
pub fn import_bytes(name: &str, bytes: &[u8]) -> Result<Imported, ImportError> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => import(name, text),
        Err(error) => {
            let offset = error.valid_up_to();
            let before = &bytes[..offset];
            let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            // `before` is valid UTF-8 up to `offset`, so the column counts characters.
            let column = std::str::from_utf8(&before[line_start..]).map_or(0, |t| t.chars().count()) + 1;
            Err(ImportError::NotUtf8 {
                byte: bytes[offset],
                offset,
                line: before.iter().filter(|&&b| b == b'\n').count() + 1,
                column,
            })
        }
    }
}

pub fn import(name: &str, text: &str) -> Result<Imported, ImportError> {
    let by_content = format_by_content(text);
    let by_name = format_by_name(name);
    let Some(format) = by_content.map(|(format, _)| format).or(by_name) else {
        return Err(ImportError::UnknownFormat(format!(
            "neither its name nor its first characters say what format {name} is: use .bib (BibTeX), .json (CSL-JSON), .ris (RIS) or .nbib (PubMed MEDLINE)"
        )));
    };
    let mut notes = Vec::new();
    if let (Some((found, why)), Some(named)) = (by_content, by_name)
        && found != named
    {
        notes.push(format!(
            "{name} is named like a {} file, but {why}: read as {}",
            named.name(),
            found.name()
        ));
    }
    let original = text;
    // A single CSL-JSON item, as citation.js writes it, is read as a list of one. The
    // brackets go on lines of their own, so that positions move by exactly one line.
    let single_item = format == SourceFormat::CslJson && text.trim_start().starts_with('{');
    let text = match single_item {
        true => format!("[\n{text}\n]"),
        false => text.to_string(),
    };
    let (mut entries, mut diagnostics) = match format {
        SourceFormat::Bibtex => bibtex::parse(name, &text),
        SourceFormat::CslJson => csl_json::parse(name, &text),
        SourceFormat::Ris => parse_ris(name, &text),
        SourceFormat::Medline => parse_medline(name, &text),
    };
    if single_item {
        for diagnostic in &mut diagnostics {
            (diagnostic.line, diagnostic.column) = unwrapped_position(original, diagnostic.line, diagnostic.column);
        }
    }
    if entries.is_empty() && diagnostics.is_empty() {
        return Err(ImportError::NoRecords { format });
    }
    let mut keys = KeyGenerator::default();
    let mut renamed = Vec::new();
    for entry in &mut entries {
        let id = entry.reference.id.clone();
        let usable = !id.is_empty() && citation_key_len(&id) == id.len() && keys.claim(&id);
        if !usable {
            let key = keys.generate(&entry.reference);
            renamed.push((!id.is_empty()).then_some(id));
            entry.reference.id = key;
            continue;
        }
        renamed.push(None);
    }
    for entry in &mut entries {
        normalize_identifiers(&mut entry.reference);
    }
    let mut yaml = String::from("references:\n");
    for (entry, was) in entries.iter().zip(&renamed) {
        write_entry(&mut yaml, entry, was.as_deref());
    }
    Ok(Imported {
        yaml,
        count: entries.len(),
        diagnostics,
        notes,
    })
}

/// Exports write identifiers in forms the check refuses (`doi:10.…`, `ISBN 978…`,
/// `//host/…`, two URLs in one field); the import writes the identifier itself.
fn normalize_identifiers(reference: &mut Reference) {
    use crate::bibliography::identifiers::{imported_doi, imported_isbn, imported_url};
    reference.doi = reference.doi.as_deref().map(imported_doi).filter(|d| !d.is_empty());
    reference.isbn = reference.isbn.as_deref().map(imported_isbn).filter(|i| !i.is_empty());
    reference.url = reference.url.as_deref().map(imported_url).filter(|u| !u.is_empty());
}

/// One `- id: …` list entry, indented to sit under `references:` in front matter.
fn write_entry(out: &mut String, entry: &Entry, was: Option<&str>) {
    let r: &Reference = &entry.reference;
    match was {
        Some(old) => {
            let _ = writeln!(out, "  - id: {}   # was `{}`, not a usable citation key", r.id, old);
        }
        None => {
            let _ = writeln!(out, "  - id: {}", r.id);
        }
    }
    match &entry.source_type {
        Some(source) => {
            let _ = writeln!(out, "    type: {}   # source: {}", r.kind.as_str(), one_line(source));
        }
        None => {
            let _ = writeln!(out, "    type: {}", r.kind.as_str());
        }
    }
    if !r.authors.is_empty() {
        let authors: Vec<String> = r.authors.iter().map(|a| quote(a)).collect();
        let _ = writeln!(out, "    authors: [{}]", authors.join(", "));
    }
    let _ = writeln!(out, "    title: {}", quote(&r.title));
    if !r.editors.is_empty() {
        let editors: Vec<String> = r.editors.iter().map(|e| quote(e)).collect();
        let _ = writeln!(out, "    editors: [{}]", editors.join(", "));
    }
    let text_fields = [
        ("book_title", &r.book_title),
        ("journal", &r.journal),
        ("publisher", &r.publisher),
    ];
    for (name, value) in text_fields {
        if let Some(value) = value {
            let _ = writeln!(out, "    {name}: {}", quote(value));
        }
    }
    if let Some(year) = r.year {
        let _ = writeln!(out, "    year: {year}");
    }
    if let Some(date) = r.date {
        let _ = writeln!(out, "    date: {date}");
    }
    let identifiers = [
        ("volume", &r.volume),
        ("issue", &r.issue),
        ("pages", &r.pages),
        ("edition", &r.edition),
        ("doi", &r.doi),
        ("pmid", &r.pmid),
        ("pmcid", &r.pmcid),
        ("isbn", &r.isbn),
        ("issn", &r.issn),
        ("url", &r.url),
    ];
    for (name, value) in identifiers {
        if let Some(value) = value {
            let _ = writeln!(out, "    {name}: {}", quote(value));
        }
    }
    if let Some(accessed) = r.accessed {
        let _ = writeln!(out, "    accessed: {accessed}");
    }
    if let Some(note) = &r.retraction_note {
        let _ = writeln!(out, "    retraction_note: {}", quote(note));
    }
}

/// A position in `[\n{text}\n]` as one in `text`: a line up, and a finding on either
/// added bracket at the nearest end of the text (found by the fuzzer: `{` alone was
/// reported at column 3 of a one-character file).
fn unwrapped_position(text: &str, line: u32, column: u32) -> (u32, u32) {
    let lines: Vec<&str> = text.split('\n').collect();
    match line {
        0 | 1 => (1, 1),
        n if n as usize - 1 > lines.len() => {
            let last = lines.len() as u32;
            (last, lines[lines.len() - 1].chars().count() as u32 + 1)
        }
        n => (n - 1, column),
    }
}

/// A YAML double-quoted scalar. JSON's string syntax is a subset of it, but JSON leaves
/// DEL and the C1 controls unescaped where YAML allows none of them raw (a fuzzed RIS
/// record made unreadable output): those are written as `\uXXXX`.
fn quote(text: &str) -> String {
    let json = serde_json::to_string(text.trim()).unwrap_or_else(|_| "\"\"".into());
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if is_yaml_printable(c) {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{:04X}", u32::from(c)));
        }
    }
    out
}

/// Text for a YAML comment: one line, and only characters YAML allows in a stream.
fn one_line(text: &str) -> String {
    crate::text::collapse_whitespace(text)
        .chars()
        .map(|c| if is_yaml_printable(c) { c } else { '\u{FFFD}' })
        .collect()
}

/// YAML 1.2's printable set (§5.1), which every character of a stream must be in, less
/// NEL (U+0085), which YAML 1.1 readers take for a line break.
fn is_yaml_printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}') || c >= '\u{10000}'
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    #[test]
    fn detects_formats_by_content_then_extension() {
        assert_eq!(detect("a.bib", ""), Some(SourceFormat::Bibtex));
        assert_eq!(detect("a.bib", "% JabRef\n@article{a,}"), Some(SourceFormat::Bibtex));
        assert_eq!(detect("zotero.bib", "[{\"id\": \"a\"}]"), Some(SourceFormat::CslJson));
        assert_eq!(detect("pubmed-export.nbib", ""), Some(SourceFormat::Medline));
        assert_eq!(detect("export.txt", "PMID- 1\n"), Some(SourceFormat::Medline));
        assert_eq!(detect("export.txt", "TY  - JOUR\n"), Some(SourceFormat::Ris));
        assert_eq!(detect("export", " [ {} ]"), Some(SourceFormat::CslJson));
        assert_eq!(detect("notes.txt", "hello"), None);
    }

    #[test]
    fn csl_json_named_bib_is_read_as_json_and_says_so() {
        let imported = import(
            "zotero.bib",
            r#"[{"id": "a", "type": "article-journal", "title": "T"}]"#,
        )
        .unwrap();
        assert_eq!(imported.count, 1);
        assert_eq!(
            imported.notes,
            ["zotero.bib is named like a BibTeX file, but it starts with a JSON `[` or `{`: read as CSL-JSON"]
        );
    }

    #[test]
    fn a_file_with_no_records_is_an_error_not_zero_references() {
        assert_eq!(
            import("empty.bib", "% nothing here\n").unwrap_err(),
            ImportError::NoRecords {
                format: SourceFormat::Bibtex
            }
        );
    }

    #[test]
    fn invalid_utf8_is_reported_at_its_byte_and_line() {
        let bytes = b"TY  - JOUR\nTI  - Caf\xe9 study\nER  - \n";
        assert_eq!(
            import_bytes("latin1.ris", bytes).unwrap_err(),
            ImportError::NotUtf8 {
                byte: 0xE9,
                offset: 20,
                line: 2,
                column: 10
            }
        );
        let with_bom = b"\xef\xbb\xbfTY  - JOUR\nTI  - T\nER  - \n";
        assert_eq!(import_bytes("bom.ris", with_bom).map(|i| i.count), Ok(1));
    }

    #[test]
    fn the_output_reads_back_as_front_matter_references() {
        let bib = "@article{sartor2021!,\n title = {A \"quoted\" title: with colon},\n author = {Sartor, Oliver},\n journal = {N Engl J Med}, year = {2021}, pmid = {34161051}}\n";
        // `!` may end a BibTeX key but not a citation key.
        let imported = import("a.bib", bib);
        let Ok(imported) = imported else { panic!("{imported:?}") };
        let value = yaml::parse_value(&imported.yaml).unwrap();
        let references = value.get("references").cloned().unwrap();
        let references: Vec<Reference> = yaml::from_value(references).unwrap();
        assert_eq!(references[0].title, "A \"quoted\" title: with colon");
        assert_eq!(references[0].pmid.as_deref(), Some("34161051"));
        assert!(
            imported.yaml.contains("type: research   # source: @article"),
            "{}",
            imported.yaml
        );
    }

    #[test]
    fn control_characters_yaml_forbids_are_escaped_or_replaced() {
        // Found by the fuzzer (tests/properties.rs, target `ris`): a DEL in a field.
        let ris = "TY  - JOUR\nM3  - Journal\u{7f}Article\nTI  - A\u{7f}B\u{85}C\u{9f}\nPY  - 2020\nER  - \n";
        let imported = import("x.ris", ris).unwrap();
        let value: serde_yaml::Value =
            serde_yaml::from_str(&imported.yaml).unwrap_or_else(|e| panic!("{e}\n{}", imported.yaml));
        assert_eq!(
            value["references"][0]["title"].as_str(),
            Some("A\u{7f}B\u{85}C\u{9f}"),
            "{}",
            imported.yaml
        );
        assert!(!imported.yaml.contains('\u{7f}'), "{}", imported.yaml);
    }

    #[test]
    fn findings_in_a_single_csl_json_item_point_into_the_file() {
        // Found by the fuzzer (tests/properties.rs, target `nbib`, a file holding `{`).
        for (text, at) in [
            ("{", (1, 2)),
            ("{\"id\": \"a\", \"title\": }", (1, 22)),
            ("{\"id\":\n  1,}", (2, 5)),
        ] {
            let imported = import("x.json", text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            let d = &imported.diagnostics[0];
            assert_eq!((d.line, d.column), at, "{text:?}: {d:?}");
        }
    }

    #[test]
    fn medline_keeps_pmid_pmcid_and_publication_type() {
        let nbib = "PMID- 32343890\nDP  - 2020 May 28\nTI  - Olaparib for Metastatic Castration-Resistant Prostate Cancer.\nFAU - de Bono, Johann\nPT  - Journal Article\nPT  - Randomized Controlled Trial\nTA  - N Engl J Med\nPMC - PMC7000000\n";
        let imported = import("x.nbib", nbib).unwrap();
        assert!(imported.yaml.contains("  - id: de-bono-2020\n"), "{}", imported.yaml);
        assert!(
            imported
                .yaml
                .contains("type: research   # source: Journal Article; Randomized Controlled Trial"),
            "{}",
            imported.yaml
        );
        assert!(imported.yaml.contains("pmid: \"32343890\""));
        assert!(imported.yaml.contains("pmcid: \"PMC7000000\""));
    }
}
