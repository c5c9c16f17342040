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
}

#[derive(Debug)]
pub enum ImportError {
    /// Neither the extension nor the content says what the file is.
    UnknownFormat(String),
}

/// The format from the extension, else from the first characters.
pub fn detect(name: &str, text: &str) -> Option<SourceFormat> {
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match extension.as_deref() {
        Some("bib" | "bibtex") => return Some(SourceFormat::Bibtex),
        Some("json") => return Some(SourceFormat::CslJson),
        Some("ris") => return Some(SourceFormat::Ris),
        Some("nbib" | "medline") => return Some(SourceFormat::Medline),
        _ => {}
    }
    let start = text.trim_start();
    if start.starts_with('[') || start.starts_with('{') {
        Some(SourceFormat::CslJson)
    } else if start.starts_with('@') {
        Some(SourceFormat::Bibtex)
    } else if start.starts_with("TY  -") {
        Some(SourceFormat::Ris)
    } else if start.starts_with("PMID-") {
        Some(SourceFormat::Medline)
    } else {
        None
    }
}

pub fn import(name: &str, text: &str) -> Result<Imported, ImportError> {
    let Some(format) = detect(name, text) else {
        return Err(ImportError::UnknownFormat(format!(
            "cannot tell the format of {name}: use .bib (BibTeX), .json (CSL-JSON), .ris (RIS) or .nbib (PubMed MEDLINE)"
        )));
    };
    let text = match format {
        // A single CSL-JSON item, as citation.js writes it, is read as a list of one.
        SourceFormat::CslJson if text.trim_start().starts_with('{') => format!("[{text}]"),
        _ => text.to_string(),
    };
    let (mut entries, diagnostics) = match format {
        SourceFormat::Bibtex => bibtex::parse(name, &text),
        SourceFormat::CslJson => csl_json::parse(name, &text),
        SourceFormat::Ris => parse_ris(name, &text),
        SourceFormat::Medline => parse_medline(name, &text),
    };
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
    let mut yaml = String::from("references:\n");
    for (entry, was) in entries.iter().zip(&renamed) {
        write_entry(&mut yaml, entry, was.as_deref());
    }
    Ok(Imported {
        yaml,
        count: entries.len(),
        diagnostics,
    })
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
    let text_fields = [("journal", &r.journal), ("publisher", &r.publisher)];
    for (name, value) in text_fields {
        if let Some(value) = value {
            let _ = writeln!(out, "    {name}: {}", quote(value));
        }
    }
    if let Some(year) = r.year {
        let _ = writeln!(out, "    year: {year}");
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

/// A YAML double-quoted scalar: JSON's string syntax is a subset of it.
fn quote(text: &str) -> String {
    serde_json::to_string(text.trim()).unwrap_or_else(|_| "\"\"".into())
}

fn one_line(text: &str) -> String {
    crate::text::collapse_whitespace(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    #[test]
    fn detects_formats_by_extension_then_content() {
        assert_eq!(detect("a.bib", ""), Some(SourceFormat::Bibtex));
        assert_eq!(detect("pubmed-export.nbib", ""), Some(SourceFormat::Medline));
        assert_eq!(detect("export.txt", "PMID- 1\n"), Some(SourceFormat::Medline));
        assert_eq!(detect("export.txt", "TY  - JOUR\n"), Some(SourceFormat::Ris));
        assert_eq!(detect("export", " [ {} ]"), Some(SourceFormat::CslJson));
        assert_eq!(detect("notes.txt", "hello"), None);
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
