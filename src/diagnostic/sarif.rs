//! Findings as a SARIF 2.1.0 log, for GitHub code scanning and other SARIF viewers. Rule ids
//! are the finding codes, which never change once published; every code is listed as a rule
//! so that a viewer can show what each check does even when it found nothing.

use super::{Code, Diagnostic, Findings, Severity};
use serde::Serialize;
use std::io::{self, Write};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    /// Evident counts columns in characters, as SARIF's `unicodeCodePoints` does.
    column_kind: &'static str,
    results: Results<'a>,
}

/// The results, made one at a time while they are written, so that a large report is never
/// held twice in memory.
struct Results<'a>(&'a Findings);

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|d| result(&d)))
    }
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    semantic_version: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    short_description: Text,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    /// Relative to the checked-out site root.
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// What each check finds, in a line.
fn describe(code: Code) -> &'static str {
    match code {
        Code::ContentUnreadable => "A content file cannot be read or is not UTF-8",
        Code::ContentChanged => "A content file changed while the site was being built",
        Code::ContentSkipped => "A linked content file or folder that Evident does not read",
        Code::ContentTooLarge => "A content or bibliography file larger than limits.max_file_size, refused unread",
        Code::ContentControlCharacter => "A content file holds a NUL or other control character",
        Code::ContentPlaceholder => "An article still holds placeholder text that `evident new` wrote",
        Code::FrontmatterSyntax => "Front matter is missing, unclosed or malformed YAML",
        Code::FrontmatterMissingField => "A required front-matter field is missing",
        Code::FrontmatterUnknownField => "A front-matter field Evident does not know",
        Code::FrontmatterInvalidValue => "A front-matter value is not allowed",
        Code::SlugDuplicate => "Two articles or pages share a slug",
        Code::CitationUnresolved => "A citation key matches no reference",
        Code::CitationUnused => "A listed reference is never cited",
        Code::CitationUncitedClaim => "A bullet or paragraph that needs evidence cites nothing",
        Code::CitationSyntax => "Citation-like Markdown that loses the citation",
        Code::CitationBareKey => "A bare @key that names a reference but is plain text",
        Code::CitationHandNumbered => "A hand-typed reference number instead of a citation",
        Code::ReferenceDuplicate => "One source under two keys, or near-identical titles",
        Code::ReferenceIdentifier => "A malformed DOI, PMID, PMCID, ISBN, ISSN or URL",
        Code::ReferenceMissingField => "A field the reference type requires is missing, or a year is impossible",
        Code::ReferenceStale => "A guideline older than the configured age",
        Code::ReferenceRetracted => "A reference on the retraction list",
        Code::ReferenceUnformattable => "A reference the configured citation style cannot format",
        Code::BibliographySyntax => "A shared bibliography file or entry cannot be read",
        Code::LinkBroken => "A link or image into the site that leads to no page or published file",
        Code::LinkAnchor => "A link to a heading that the page does not have",
        Code::LinkExternal => "A link to another site that did not answer well (check --external)",
        Code::UrlRemoved => "An address the last published site had, gone without an alias",
        Code::HistoryShallow => "A shallow git clone: earlier versions are missing from history pages",
        Code::ConfigSyntax | Code::ConfigUnknownField | Code::ConfigInvalidValue => "A problem in evident.yaml",
        _ => code.as_str(),
    }
}

/// A relative path as a URI reference: everything but unreserved characters and `/` is
/// percent-encoded, byte by byte.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn result(d: &Diagnostic) -> SarifResult {
    let mut text = d.message.clone();
    if let Some(hint) = &d.hint {
        text.push_str("\nhint: ");
        text.push_str(hint);
    }
    SarifResult {
        rule_id: d.code.as_str(),
        rule_index: Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0),
        level: level(d.severity),
        message: Text { text },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: uri(&d.file),
                    uri_base_id: "%SRCROOT%",
                },
                region: Region {
                    start_line: d.line.max(1),
                    start_column: d.column.max(1),
                },
            },
        }],
    }
}

pub fn write_sarif(out: &mut dyn Write, diagnostics: &Findings) -> io::Result<()> {
    let rules = Code::ALL
        .iter()
        .map(|code| Rule {
            id: code.as_str(),
            short_description: Text {
                text: describe(*code).to_string(),
            },
            default_configuration: Configuration {
                level: level(code.default_severity()),
            },
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "evident",
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results: Results(diagnostics),
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Position;

    #[test]
    fn results_name_their_rule_and_place() {
        let finding = Diagnostic::new(
            Code::CitationUnresolved,
            "content/a b/é.md",
            Position::new(18, 23),
            "citation `@nope` matches no reference",
        )
        .with_hint("add it");
        let log: serde_json::Value = {
            let mut out = Vec::new();
            write_sarif(&mut out, &Findings::from(vec![finding])).unwrap();
            serde_json::from_slice(&out).unwrap()
        };
        let run = &log["runs"][0];
        let result = &run["results"][0];
        assert_eq!(result["ruleId"], "citation/unresolved");
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(run["tool"]["driver"]["rules"][index]["id"], "citation/unresolved");
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "content/a%20b/%C3%A9.md");
        assert_eq!(location["region"]["startLine"], 18);
        assert_eq!(location["region"]["startColumn"], 23);
        assert_eq!(
            result["message"]["text"],
            "citation `@nope` matches no reference\nhint: add it"
        );
    }
}
