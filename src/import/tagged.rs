//! RIS and MEDLINE (PubMed's `.nbib`): line-tagged formats, one `TAG - value` per line, that
//! differ in tag width and in how records end. Both become reference entries here.

use crate::bibliography::{Entry, blank_reference, kind_from_words, leading_year, names};
use crate::date::PublicationDate;
use crate::diagnostic::{Code, Diagnostic, Position};
use crate::parse::front_matter::ReferenceKind;

/// One tagged line: the tag, its value and where the value starts.
struct Line {
    tag: String,
    value: String,
    at: Position,
}

type Record = Vec<Line>;

/// Splits `TAG  - value` lines into records. RIS ends a record with `ER  -`; MEDLINE with a
/// blank line. Lines that start with spaces continue the previous value (MEDLINE). Records
/// that do not end properly are returned apart: a RIS record without `ER` (the next `TY`
/// or the end of the file came first), a MEDLINE record cut in the middle of its last line.
fn records(text: &str, ris: bool) -> (Vec<Record>, Vec<Record>) {
    let mut cut_off = Vec::new();
    let mut records = Vec::new();
    let mut current: Record = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line_number = index as u32 + 1;
        let line = raw.trim_end();
        if line.trim().is_empty() {
            if !ris && !current.is_empty() {
                records.push(std::mem::take(&mut current));
            }
            continue;
        }
        if line.starts_with(' ') {
            if let Some(last) = current.last_mut() {
                last.value.push(' ');
                last.value.push_str(line.trim());
            }
            continue;
        }
        let Some((tag, value)) = line.split_once('-') else {
            continue;
        };
        let tag = tag.trim().to_string();
        if tag.is_empty() || tag.len() > 4 || !tag.chars().all(|c| c.is_ascii_alphanumeric()) {
            continue;
        }
        let value_start = line.len() - value.trim_start().len();
        if ris && tag == "ER" {
            records.push(std::mem::take(&mut current));
            continue;
        }
        if ris && tag == "TY" && !current.is_empty() {
            cut_off.push(std::mem::take(&mut current));
        }
        current.push(Line {
            tag,
            value: value.trim().to_string(),
            at: Position::new(line_number, line[..value_start].chars().count() as u32 + 1),
        });
    }
    // A MEDLINE export ends each line, the last one too, with a line break.
    let complete = !ris && text.ends_with('\n');
    if !current.is_empty() {
        match complete {
            true => records.push(current),
            false => cut_off.push(current),
        }
    }
    (records, cut_off)
}

/// A finding for each record that did not end properly; none of them is imported, since
/// a cut record holds cut values (a title that stops mid-word).
fn report_cut_off(file: &str, cut_off: &[Record], ris: bool, diagnostics: &mut Vec<Diagnostic>) {
    for record in cut_off {
        let at = Position::new(record.first().map_or(1, |l| l.at.line), 1);
        let (message, hint) = match ris {
            true => (
                "this RIS record has no `ER  -` end line: the file looks cut off or two records ran together",
                "each RIS record ends with `ER  -`; export the file again",
            ),
            false => (
                "the file ends in the middle of this MEDLINE record's last line: it looks cut off",
                "export the file from PubMed again; a complete file ends with a line break",
            ),
        };
        diagnostics.push(Diagnostic::new(Code::BibliographySyntax, file, at, message).with_hint(hint));
    }
}

fn first<'r>(record: &'r Record, tags: &[&str]) -> Option<&'r Line> {
    tags.iter()
        .find_map(|tag| record.iter().find(|line| line.tag == *tag && !line.value.is_empty()))
}

fn all<'r>(record: &'r Record, tag: &str) -> impl Iterator<Item = &'r Line> {
    record
        .iter()
        .filter(move |line| line.tag == tag && !line.value.is_empty())
}

/// An entry for a record that starts at `at`.
fn entry(file: &str, reference: crate::parse::front_matter::Reference, at: Position) -> Entry {
    let mut fields = crate::bibliography::FieldPositions::default();
    fields.insert_first("id", at);
    Entry {
        reference,
        file: file.to_string(),
        at,
        fields,
        source_type: None,
    }
}

pub fn parse_ris(file: &str, text: &str) -> (Vec<Entry>, Vec<Diagnostic>) {
    let mut entries = Vec::new();
    let mut diagnostics = Vec::new();
    let (records, cut_off) = records(text, true);
    report_cut_off(file, &cut_off, true, &mut diagnostics);
    for record in records {
        let Some(type_line) = first(&record, &["TY"]) else {
            let at = record.first().map_or(Position::START, |l| l.at);
            diagnostics.push(
                Diagnostic::new(Code::BibliographySyntax, file, at, "this RIS record has no `TY` line")
                    .with_hint("each RIS record starts with `TY  - JOUR` (or another type) and ends with `ER  -`"),
            );
            continue;
        };
        let at = Position::new(type_line.at.line, 1);
        let Some(title) = first(&record, &["TI", "T1", "CT", "BT"]) else {
            diagnostics.push(
                Diagnostic::new(Code::ReferenceMissingField, file, at, "this RIS record has no title")
                    .with_hint("add a `TI  - …` line"),
            );
            continue;
        };
        let ty = type_line.value.to_ascii_uppercase();
        let words: Vec<String> = ["M3", "KW"]
            .iter()
            .flat_map(|tag| all(&record, tag).map(|l| l.value.clone()))
            .collect();
        let kind = kind_from_words(&words.join(" ")).unwrap_or(match ty.as_str() {
            "JOUR" | "JFULL" | "ABST" | "INPR" | "CPAPER" | "CONF" => ReferenceKind::Research,
            "BOOK" | "CHAP" | "EBOOK" | "ECHAP" | "EDBOOK" | "ENCYC" => ReferenceKind::Textbook,
            "ELEC" | "WEB" | "BLOG" => ReferenceKind::Web,
            _ => ReferenceKind::Other,
        });
        let mut reference = blank_reference(String::new(), kind, title.value.clone());
        reference.authors = ["AU", "A1"]
            .iter()
            .flat_map(|tag| all(&record, tag))
            .map(|l| names::from_inverted(&l.value))
            .collect();
        let is_book = kind == ReferenceKind::Textbook;
        reference.journal = first(&record, &["J2", "JA", "JO", "JF", "T2"])
            .filter(|_| !is_book && kind != ReferenceKind::Web)
            .map(|l| l.value.clone());
        // A chapter's book is its `T2` (or `BT`); its editors are `A2` (EndNote) or `ED`.
        if ty == "CHAP" || ty == "ECHAP" {
            reference.book_title = first(&record, &["T2", "BT"]).map(|l| l.value.clone());
        }
        reference.editors = ["A2", "ED"]
            .iter()
            .flat_map(|tag| all(&record, tag))
            .map(|l| names::from_inverted(&l.value))
            .collect();
        reference.publisher = first(&record, &["PB"]).map(|l| l.value.clone());
        if kind == ReferenceKind::Web {
            // A web page's `T2` is its site, which AMA prints where Evident's `publisher` is.
            reference.publisher = first(&record, &["T2"]).map(|l| l.value.clone()).or(reference.publisher);
        }
        reference.year = first(&record, &["PY", "Y1", "DA"]).and_then(|l| leading_year(&l.value));
        // `DA` is the full date where `PY` often holds the year alone (`2024///`).
        reference.date = ["DA", "PY", "Y1"]
            .iter()
            .filter_map(|tag| first(&record, &[tag]))
            .find_map(|l| PublicationDate::parse_loose(&l.value))
            .filter(|date| reference.year.is_none_or(|year| year == date.year()));
        reference.volume = first(&record, &["VL"]).map(|l| l.value.clone());
        reference.issue = first(&record, &["IS"]).map(|l| l.value.clone());
        reference.pages = match (first(&record, &["SP"]), first(&record, &["EP"])) {
            (Some(start), Some(end)) if !start.value.contains('-') => Some(format!("{}-{}", start.value, end.value)),
            (Some(start), _) => Some(start.value.clone()),
            _ => None,
        };
        reference.edition = first(&record, &["ET"]).map(|l| l.value.clone());
        reference.doi = first(&record, &["DO"]).map(|l| l.value.clone());
        let serial = first(&record, &["SN"]).map(|l| l.value.split_whitespace().next().unwrap_or("").to_string());
        if is_book {
            reference.isbn = serial;
        } else {
            reference.issn = serial;
        }
        reference.url = first(&record, &["UR", "L2"]).map(|l| l.value.clone());
        // EndNote and Zotero write the access date as `Y2` (`2025/02/20/`).
        reference.accessed = first(&record, &["Y2"]).and_then(|l| PublicationDate::parse_loose(&l.value)?.day());
        let from_pubmed = first(&record, &["DB"]).is_some_and(|l| {
            let db = l.value.to_ascii_lowercase();
            db.contains("pubmed") || db.contains("medline")
        });
        reference.pmid = first(&record, &["AN"])
            .filter(|l| from_pubmed && l.value.bytes().all(|b| b.is_ascii_digit()))
            .map(|l| l.value.clone());
        reference.pmcid = first(&record, &["C2"])
            .filter(|l| l.value.starts_with("PMC"))
            .map(|l| l.value.clone());
        let mut entry = entry(file, reference, at);
        entry.source_type = Some(match words.is_empty() {
            true => format!("RIS {ty}"),
            false => format!("RIS {ty} ({})", words.join("; ")),
        });
        entries.push(entry);
    }
    (entries, diagnostics)
}

pub fn parse_medline(file: &str, text: &str) -> (Vec<Entry>, Vec<Diagnostic>) {
    let mut entries = Vec::new();
    let mut diagnostics = Vec::new();
    let (records, cut_off) = records(text, false);
    report_cut_off(file, &cut_off, false, &mut diagnostics);
    for record in records {
        let at = Position::new(record.first().map_or(1, |l| l.at.line), 1);
        let Some(title) = first(&record, &["TI", "BTI"]) else {
            diagnostics.push(
                Diagnostic::new(
                    Code::ReferenceMissingField,
                    file,
                    at,
                    "this MEDLINE record has no `TI` title",
                )
                .with_hint("export the citation from PubMed again in MEDLINE format"),
            );
            continue;
        };
        let types: Vec<String> = all(&record, "PT").map(|l| l.value.clone()).collect();
        let is_book = first(&record, &["BTI"]).is_some() || types.iter().any(|t| t.contains("Book"));
        let kind = kind_from_words(&types.join("; ")).unwrap_or(if is_book {
            ReferenceKind::Textbook
        } else {
            ReferenceKind::Research
        });
        let mut reference = blank_reference(String::new(), kind, title.value.clone());
        // PubMed's `AU` is already in the form we print, suffix included ("Hellinger FR Jr");
        // initials rebuilt from `FAU` would only risk reading a suffix as a given name.
        let short: Vec<String> = all(&record, "AU").map(|l| l.value.clone()).collect();
        reference.authors = if short.is_empty() {
            all(&record, "FAU").map(|l| names::from_inverted(&l.value)).collect()
        } else {
            short
        };
        reference.journal = first(&record, &["TA", "JT"])
            .filter(|_| !is_book)
            .map(|l| l.value.clone());
        reference.publisher = first(&record, &["PB"]).map(|l| l.value.clone());
        reference.year = first(&record, &["DP"]).and_then(|l| leading_year(&l.value));
        // `DP` dates the issue; online ahead of one, `DEP` (`20240307`) is the day AMA prints.
        // An e-pub of December before a January issue is outside the year: the issue's date stands.
        let within_year = |date: &PublicationDate| reference.year.is_none_or(|year| year == date.year());
        let published = first(&record, &["DP"])
            .and_then(|l| PublicationDate::parse_loose(&l.value))
            .filter(within_year);
        let online = first(&record, &["DEP"])
            .and_then(|l| PublicationDate::parse_loose(&l.value))
            .filter(within_year);
        let in_issue = first(&record, &["VI", "IP"]).is_some();
        reference.date = match (published, online) {
            (_, Some(online)) if !in_issue => Some(online),
            (published, online) => published.or(online),
        };
        reference.volume = first(&record, &["VI"]).map(|l| l.value.clone());
        reference.issue = first(&record, &["IP"]).map(|l| l.value.clone());
        reference.pages = first(&record, &["PG"]).map(|l| l.value.clone());
        reference.edition = first(&record, &["EN"]).map(|l| l.value.clone());
        reference.doi = ["LID", "AID"]
            .iter()
            .flat_map(|tag| all(&record, tag))
            .find_map(|l| l.value.strip_suffix("[doi]").map(|d| d.trim().to_string()));
        reference.pmid = first(&record, &["PMID"]).map(|l| l.value.clone());
        reference.pmcid = first(&record, &["PMC"]).map(|l| l.value.clone());
        reference.isbn = first(&record, &["ISBN"]).map(|l| l.value.clone());
        // `IS  - 0028-4793 (Linking)` is the ISSN that names the journal across media.
        reference.issn = all(&record, "IS")
            .find(|l| l.value.contains("(Linking)"))
            .or_else(|| first(&record, &["IS"]))
            .map(|l| l.value.split_whitespace().next().unwrap_or("").to_string());
        let mut entry = entry(file, reference, at);
        entry.source_type = (!types.is_empty()).then(|| types.join("; "));
        entries.push(entry);
    }
    (entries, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NBIB: &str = "PMID- 34161051\nOWN - NLM\nIS  - 1533-4406 (Electronic)\nIS  - 0028-4793 (Linking)\nVI  - 385\nIP  - 12\nDP  - 2021 Sep 16\nTI  - Lutetium-177-PSMA-617 for Metastatic Castration-Resistant Prostate\n      Cancer.\nPG  - 1091-1103\nLID - 10.1056/NEJMoa2107322 [doi]\nFAU - Sartor, Oliver\nAU  - Sartor O\nFAU - de Bono, Johann\nAU  - de Bono J\nPT  - Clinical Trial, Phase III\nPT  - Journal Article\nPT  - Randomized Controlled Trial\nTA  - N Engl J Med\nJT  - The New England journal of medicine\nPMC - PMC8446797\n\nPMID- 36719999\nTI  - A systematic review of something.\nPT  - Journal Article\nPT  - Systematic Review\nDP  - 2023\n";

    #[test]
    fn reads_pubmed_medline_records() {
        let (entries, found) = parse_medline("a.nbib", NBIB);
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(entries.len(), 2);
        let vision = &entries[0].reference;
        assert_eq!(
            vision.title,
            "Lutetium-177-PSMA-617 for Metastatic Castration-Resistant Prostate Cancer."
        );
        assert_eq!(vision.authors, ["Sartor O", "de Bono J"]);
        assert_eq!(vision.pmid.as_deref(), Some("34161051"));
        assert_eq!(vision.pmcid.as_deref(), Some("PMC8446797"));
        assert_eq!(vision.doi.as_deref(), Some("10.1056/NEJMoa2107322"));
        assert_eq!(vision.issn.as_deref(), Some("0028-4793"));
        assert_eq!(vision.year, Some(2021));
        assert_eq!(vision.kind, ReferenceKind::Research);
        assert_eq!(
            entries[0].source_type.as_deref(),
            Some("Clinical Trial, Phase III; Journal Article; Randomized Controlled Trial")
        );
        assert_eq!(entries[1].reference.kind, ReferenceKind::Review);
        assert_eq!(entries[1].at.line, 23);
    }

    #[test]
    fn medline_dates_prefer_the_online_day_before_an_issue_and_stay_in_the_year() {
        let date = |text: &str| parse_medline("a.nbib", text).0[0].reference.date.map(|d| d.to_string());
        assert_eq!(
            date("PMID- 1\nTI  - T.\nDP  - 2024 Mar\nDEP - 20240307\n"),
            Some("2024-03-07".into())
        );
        assert_eq!(
            date("PMID- 1\nTI  - T.\nVI  - 5\nDP  - 2024 Apr 1\nDEP - 20240307\n"),
            Some("2024-04-01".into()),
            "in an issue, the issue's date"
        );
        assert_eq!(
            date("PMID- 1\nTI  - T.\nDP  - 2024 Jan\nDEP - 20231215\n"),
            Some("2024-01".into()),
            "an e-pub in the year before is not the year's date"
        );
        assert_eq!(date("PMID- 1\nTI  - T.\nDP  - 2021 Sep-Oct\n"), None);
    }

    #[test]
    fn medline_names_keep_their_suffixes() {
        let text = "PMID- 1\nTI  - T.\nFAU - Hellinger, Fred R Jr\nAU  - Hellinger FR Jr\nFAU - Given, Charles A 2nd\nAU  - Given CA 2nd\n";
        let (entries, _) = parse_medline("a.nbib", text);
        assert_eq!(entries[0].reference.authors, ["Hellinger FR Jr", "Given CA 2nd"]);
    }

    const RIS: &str = "TY  - JOUR\nDB  - PubMed\nAU  - Sartor, Oliver\nAU  - de Bono, Johann\nT1  - Lutetium-177-PSMA-617 for Metastatic Castration-Resistant Prostate Cancer\nY1  - 2021/09/16\nSP  - 1091\nEP  - 1103\nVL  - 385\nIS  - 12\nJA  - N Engl J Med\nSN  - 1533-4406\nDO  - 10.1056/NEJMoa2107322\nC2  - PMC8446797\nAN  - 34161051\nER  - \n\nTY  - BOOK\nTI  - Harrison's Principles of Internal Medicine\nPB  - McGraw Hill\nPY  - 2022\nET  - 21\nSN  - 978-1-264-26850-4\nER  - \n";

    #[test]
    fn reads_ris_records() {
        let (entries, found) = parse_ris("a.ris", RIS);
        assert!(found.is_empty(), "{found:?}");
        let vision = &entries[0].reference;
        assert_eq!(vision.authors, ["Sartor O", "de Bono J"]);
        assert_eq!(vision.pages.as_deref(), Some("1091-1103"));
        assert_eq!(vision.pmid.as_deref(), Some("34161051"));
        assert_eq!(vision.pmcid.as_deref(), Some("PMC8446797"));
        assert_eq!(vision.journal.as_deref(), Some("N Engl J Med"));
        let book = &entries[1].reference;
        assert_eq!(book.kind, ReferenceKind::Textbook);
        assert_eq!(book.isbn.as_deref(), Some("978-1-264-26850-4"));
        assert_eq!(book.journal, None);
        assert_eq!(entries[1].at.line, 18);
    }

    #[test]
    fn a_ris_record_without_its_end_line_is_an_error_not_a_cut_title() {
        let text = "TY  - JOUR\nTI  - Complete\nER  - \n\nTY  - JOUR\nTI  - Lutetium-177-PSMA-617 for Metast";
        let (entries, found) = parse_ris("cut.ris", text);
        assert_eq!(entries.len(), 1);
        assert_eq!((found[0].code, found[0].line), (Code::BibliographySyntax, 5));
        // Two records run together: the first has no end line.
        let (entries, found) = parse_ris("joined.ris", "TY  - JOUR\nTI  - A\nTY  - JOUR\nTI  - B\nER  - \n");
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].reference.title, "B");
        assert_eq!(found[0].line, 1);
    }

    #[test]
    fn a_medline_file_cut_mid_line_reports_its_last_record() {
        let cut = &NBIB[..NBIB.len() - 3];
        let (entries, found) = parse_medline("cut.nbib", cut);
        assert_eq!(entries.len(), 1);
        assert_eq!((found[0].code, found[0].line), (Code::BibliographySyntax, 23));
        let (entries, found) = parse_medline("whole.nbib", NBIB);
        assert_eq!((entries.len(), found.len()), (2, 0));
    }
}
