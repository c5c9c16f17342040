//! The retraction list: a local CSV in the columns of the Retraction Watch data (`Record ID,
//! Title, …, RetractionDate, RetractionDOI, …, OriginalPaperDOI, OriginalPaperPubMedID,
//! RetractionNature, Reason, …`), matched on the original paper's DOI and PMID.
//!
//! The published file is not clean: list cells are `;`-separated, "unavailable" and "0"
//! stand for no value, dates read `3/1/2024 0:00` (month first), and some bytes are not
//! UTF-8. It is read leniently, by header name, so that added columns do not matter.

use super::config::CitationConfig;
use super::identifiers::normalize_doi;
use crate::config::CONFIG_FILE;
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic};
use std::collections::HashMap;

/// One row: a notice about an original paper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub record_id: String,
    /// "Retraction", "Expression of concern", "Correction", "Reinstatement".
    pub nature: String,
    pub date: Option<Date>,
    pub notice_doi: Option<String>,
    pub reasons: Vec<String>,
}

impl Notice {
    /// Only a retraction withdraws a paper; the other notices qualify it.
    pub fn is_retraction(&self) -> bool {
        self.nature().is_retraction()
    }

    pub fn nature(&self) -> Nature {
        Nature::parse(&self.nature)
    }
}

/// What a notice does to the paper it is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nature {
    Retraction,
    ExpressionOfConcern,
    Correction,
    /// Undoes an earlier retraction (or concern): the paper stands again.
    Reinstatement,
    /// A nature the list may add later: treated like a concern, so it is seen, not lost.
    Other,
}

impl Nature {
    pub fn parse(text: &str) -> Nature {
        let text = text.trim();
        let is = |name: &str| text.eq_ignore_ascii_case(name);
        if is("retraction") {
            Nature::Retraction
        } else if is("expression of concern") {
            Nature::ExpressionOfConcern
        } else if is("correction") {
            Nature::Correction
        } else if is("reinstatement") {
            Nature::Reinstatement
        } else {
            Nature::Other
        }
    }

    pub fn is_retraction(self) -> bool {
        self == Nature::Retraction
    }
}

/// Where a paper stands after all its notices, read in date order.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Standing<'a> {
    /// The retraction or concern in force: a later reinstatement clears it.
    pub flagged: Option<&'a Notice>,
    /// Corrections, oldest first: they amend the paper without withdrawing it.
    pub corrections: Vec<&'a Notice>,
}

#[derive(Debug, Default)]
pub struct RetractionList {
    notices: Vec<Notice>,
    by_doi: HashMap<String, Vec<usize>>,
    by_pmid: HashMap<String, Vec<usize>>,
}

/// Columns without which the file cannot be matched against references.
const REQUIRED: [&str; 3] = ["OriginalPaperDOI", "OriginalPaperPubMedID", "RetractionNature"];

impl RetractionList {
    /// Reads the CSV; fails only when a column it matches on is missing.
    pub fn parse(bytes: &[u8]) -> Result<RetractionList, String> {
        let text = String::from_utf8_lossy(bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let mut rows = csv_rows(text).into_iter();
        let header = rows.next().unwrap_or_default();
        let column = |name: &str| header.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
        let missing: Vec<&str> = REQUIRED.iter().copied().filter(|name| column(name).is_none()).collect();
        if !missing.is_empty() {
            return Err(format!(
                "the retraction list has no column {}",
                missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
            ));
        }
        let [doi, pmid, nature] = REQUIRED.map(|name| column(name).unwrap_or(0));
        let (record, date, notice_doi, reason) = (
            column("Record ID"),
            column("RetractionDate"),
            column("RetractionDOI"),
            column("Reason"),
        );
        let mut list = RetractionList::default();
        for row in rows {
            let cell = |index: Option<usize>| index.and_then(|i| row.get(i)).map(String::as_str).unwrap_or("");
            let notice = Notice {
                record_id: cell(record).trim().to_string(),
                nature: cell(Some(nature)).trim().to_string(),
                date: us_date(cell(date)),
                notice_doi: values(cell(notice_doi)).into_iter().next(),
                reasons: values(cell(reason))
                    .into_iter()
                    .map(|r| r.trim_start_matches('+').trim().to_string())
                    .filter(|r| !r.is_empty())
                    .collect(),
            };
            let index = list.notices.len();
            for value in values(cell(Some(doi))) {
                list.by_doi.entry(normalize_doi(&value)).or_default().push(index);
            }
            for value in values(cell(Some(pmid))) {
                list.by_pmid.entry(value).or_default().push(index);
            }
            list.notices.push(notice);
        }
        Ok(list)
    }

    pub fn len(&self) -> usize {
        self.notices.len()
    }

    pub fn is_empty(&self) -> bool {
        self.notices.is_empty()
    }

    /// Notices about the paper with this DOI or PMID, retractions first, then newest first.
    pub fn find(&self, doi: Option<&str>, pmid: Option<&str>) -> Vec<&Notice> {
        let mut indices: Vec<usize> = Vec::new();
        if let Some(found) = doi.and_then(|d| self.by_doi.get(&normalize_doi(d))) {
            indices.extend(found);
        }
        if let Some(found) = pmid.and_then(|p| self.by_pmid.get(p.trim())) {
            indices.extend(found);
        }
        indices.sort_unstable();
        indices.dedup();
        let mut notices: Vec<&Notice> = indices.into_iter().filter_map(|i| self.notices.get(i)).collect();
        notices.sort_by(|a, b| {
            b.is_retraction()
                .cmp(&a.is_retraction())
                .then(b.date.cmp(&a.date))
                .then(a.record_id.cmp(&b.record_id))
        });
        notices
    }
}

impl RetractionList {
    /// The paper's standing: notices are applied oldest first, a reinstatement clearing
    /// whatever retraction or concern came before it. An undated reinstatement can only
    /// follow what it reinstates, so it counts as the latest notice.
    pub fn standing(&self, doi: Option<&str>, pmid: Option<&str>) -> Standing<'_> {
        let mut notices = self.find(doi, pmid);
        let order = |n: &Notice| match (n.nature(), n.date) {
            (Nature::Reinstatement, None) => (1, None),
            (_, date) => (0, date),
        };
        notices.sort_by(|a, b| order(a).cmp(&order(b)).then(a.record_id.cmp(&b.record_id)));
        let mut standing = Standing::default();
        for notice in notices {
            match notice.nature() {
                Nature::Correction => standing.corrections.push(notice),
                Nature::Reinstatement => standing.flagged = None,
                // A concern after a retraction does not soften it.
                Nature::ExpressionOfConcern | Nature::Other if standing.flagged.is_some_and(|f| f.is_retraction()) => {}
                _ => standing.flagged = Some(notice),
            }
        }
        standing
    }
}

/// The line shown beside a corrected paper: "Corrected on 2023-05-01 (notice 10.…)".
pub fn correction_text(corrections: &[&Notice]) -> Option<String> {
    let parts: Vec<String> = corrections
        .iter()
        .map(|c| {
            let mut part = String::from("corrected");
            if let Some(date) = c.date {
                part.push_str(&format!(" on {date}"));
            }
            if let Some(doi) = c.notice_doi.as_deref() {
                part.push_str(&format!(" (notice doi:{doi})"));
            }
            part
        })
        .collect();
    let text = parts.join("; ");
    let mut chars = text.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().chain(chars).collect())
}

/// Gives every reference of `article` the correction line its notices call for.
/// Only a parse job annotates, while the references are typed.
pub fn annotate_corrections(article: &mut crate::parse::article::Article, list: &RetractionList) {
    let Some(references) = article.references.typed_mut() else {
        return;
    };
    for reference in references {
        let standing = list.standing(reference.doi.as_deref(), reference.pmid.as_deref());
        reference.correction = correction_text(&standing.corrections);
    }
}

/// Reads the list `citations.retractions` names, if any. A named file that cannot be read
/// or matched is a configuration error: checking against nothing would pass every paper.
pub fn load(root: &std::path::Path, config: &CitationConfig) -> Result<Option<RetractionList>, Diagnostic> {
    let Some(path) = config.retractions.as_deref() else {
        return Ok(None);
    };
    let problem = |message: String, hint: &'static str| {
        Diagnostic::new(Code::ConfigInvalidValue, CONFIG_FILE, config.retractions_at, message).with_hint(hint)
    };
    let bytes = read_list(&root.join(path), MAX_LIST_BYTES).map_err(|error| {
        problem(
            format!("cannot read the retraction list `{path}`: {error}"),
            "give the path of the Retraction Watch CSV (a regular file) relative to the site root",
        )
    })?;
    RetractionList::parse(&bytes).map(Some).map_err(|message| {
        problem(
            format!("`{path}`: {message}"),
            "use the CSV as Retraction Watch publishes it",
        )
    })
}

/// The largest retraction list read: the whole Retraction Watch database is about a
/// quarter of this.
pub const MAX_LIST_BYTES: u64 = 256 * 1024 * 1024;

/// The bytes of a regular file of at most `limit` bytes. A FIFO would block the check
/// forever and `/dev/zero` never ends, so anything else is refused before it is opened.
fn read_list(path: &std::path::Path, limit: u64) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let not_regular = |kind: std::fs::FileType| {
        let what = if kind.is_dir() {
            "a folder"
        } else if kind.is_symlink() {
            "a broken link"
        } else {
            "not a regular file (a pipe, socket or device)"
        };
        format!("it is {what}")
    };
    let metadata = std::fs::metadata(path).map_err(|error| error.to_string())?;
    if !metadata.is_file() {
        return Err(not_regular(metadata.file_type()));
    }
    let too_large = || format!("it is larger than {limit} bytes");
    if metadata.len() > limit {
        return Err(too_large());
    }
    let file = std::fs::File::open(path).map_err(|error| error.to_string())?;
    let mut bytes = Vec::new();
    // Bounded even if the file grows between the check and the read.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| error.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// The values of a list cell; "unavailable", "0" and blanks mean none.
fn values(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|v| !v.is_empty() && *v != "0" && !v.eq_ignore_ascii_case("unavailable"))
        .map(str::to_string)
        .collect()
}

/// `3/1/2024 0:00` (month/day/year, time ignored).
pub fn us_date(text: &str) -> Option<Date> {
    let day_part = text.split_whitespace().next()?;
    let mut parts = day_part.split('/');
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    let year: i32 = parts.next()?.parse().ok()?;
    Date::new(year, month, day)
}

/// RFC 4180 rows: quoted cells may hold commas, doubled quotes and line breaks.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows.retain(|r| !(r.len() == 1 && r[0].trim().is_empty()));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_read_only_from_a_regular_file_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("list.csv");
        std::fs::write(&file, "0123456789").unwrap();
        assert_eq!(read_list(&file, 10).unwrap().len(), 10);
        assert_eq!(read_list(&file, 9).unwrap_err(), "it is larger than 9 bytes");
        assert_eq!(read_list(dir.path(), 10).unwrap_err(), "it is a folder");
        assert!(
            read_list(std::path::Path::new("/dev/zero"), 10)
                .unwrap_err()
                .contains("not a regular file")
        );
    }

    const CSV: &[u8] = b"Record ID,Title,Subject,Institution,Journal,Publisher,Country,Author,URLS,ArticleType,RetractionDate,RetractionDOI,RetractionPubMedID,OriginalPaperDate,OriginalPaperDOI,OriginalPaperPubMedID,RetractionNature,Reason,Paywalled,Notes\r\n\
1,\"Hydroxychloroquine, a \"\"cure\"\"\",(HSC) Medicine;,Univ,J,P,France,A,,Research Article;,3/1/2024 0:00,10.1016/j.notice.2024.1,38000000,3/20/2020 0:00,10.1016/J.IJANTIMICAG.2020.105949,32205204,Retraction,+Concerns/Issues About Data;+Lack of IRB;,No,\r\n\
2,Other,,,,,,,,,1/5/2023 0:00,unavailable,0,1/1/2020 0:00,10.1000/xyz,0,Expression of concern,+Concerns about results;,No,\"multi\nline note\"\r\n\
3,Bad bytes \xff here,,,,,,,,,12/31/2022 0:00,,,,unavailable,12345678,Correction,,No,\r\n";

    #[test]
    fn reads_the_retraction_watch_columns() {
        let list = RetractionList::parse(CSV).unwrap();
        assert_eq!(list.len(), 3);
        let found = list.find(Some("10.1016/j.ijantimicag.2020.105949"), None);
        assert_eq!(found.len(), 1);
        assert!(found[0].is_retraction());
        assert_eq!(found[0].date, Date::new(2024, 3, 1));
        assert_eq!(found[0].reasons, ["Concerns/Issues About Data", "Lack of IRB"]);
        assert_eq!(list.find(None, Some("32205204")).len(), 1);
        let concern = list.find(Some("https://doi.org/10.1000/XYZ"), None);
        assert_eq!(concern[0].nature, "Expression of concern");
        assert!(!concern[0].is_retraction());
        // "0" and "unavailable" are no identifiers at all.
        assert!(list.find(None, Some("0")).is_empty());
        assert!(list.find(Some("unavailable"), None).is_empty());
        assert_eq!(list.find(None, Some("12345678"))[0].nature, "Correction");
    }

    fn list_of(rows: &[(&str, &str, &str)]) -> RetractionList {
        let mut csv = String::from(
            "Record ID,RetractionDate,RetractionDOI,OriginalPaperDOI,OriginalPaperPubMedID,RetractionNature\n",
        );
        for (i, (date, notice, nature)) in rows.iter().enumerate() {
            csv.push_str(&format!("{i},{date},{notice},10.1000/paper,0,{nature}\n"));
        }
        RetractionList::parse(csv.as_bytes()).unwrap()
    }

    fn flagged(list: &RetractionList) -> Option<String> {
        let standing = list.standing(Some("10.1000/paper"), None);
        standing.flagged.map(|n| n.nature.clone())
    }

    #[test]
    fn a_later_reinstatement_clears_an_earlier_retraction() {
        let list = list_of(&[("1/1/2021", "", "Reinstatement"), ("1/1/2020", "", "Retraction")]);
        assert_eq!(flagged(&list), None);
        // Reinstated, then retracted again: retracted.
        let list = list_of(&[
            ("1/1/2020", "", "Retraction"),
            ("1/1/2021", "", "Reinstatement"),
            ("1/1/2022", "", "Retraction"),
        ]);
        assert_eq!(flagged(&list).as_deref(), Some("Retraction"));
        // A reinstatement dated before the retraction does not undo it.
        let list = list_of(&[("1/1/2019", "", "Reinstatement"), ("1/1/2020", "", "Retraction")]);
        assert_eq!(flagged(&list).as_deref(), Some("Retraction"));
        // An undated reinstatement follows what it reinstates.
        let list = list_of(&[("", "", "Reinstatement"), ("1/1/2020", "", "Expression of concern")]);
        assert_eq!(flagged(&list), None);
    }

    #[test]
    fn a_concern_does_not_soften_a_retraction_and_corrections_are_kept_apart() {
        let list = list_of(&[
            ("1/1/2020", "", "Retraction"),
            ("1/1/2021", "", "Expression of concern"),
            ("3/2/2019", "10.1000/erratum", "Correction"),
        ]);
        let standing = list.standing(Some("10.1000/paper"), None);
        assert_eq!(standing.flagged.map(|n| n.nature.as_str()), Some("Retraction"));
        assert_eq!(
            correction_text(&standing.corrections).as_deref(),
            Some("Corrected on 2019-03-02 (notice doi:10.1000/erratum)")
        );
        let only_correction = list_of(&[("", "", "Correction")]);
        let standing = only_correction.standing(Some("10.1000/paper"), None);
        assert_eq!(standing.flagged, None);
        assert_eq!(correction_text(&standing.corrections).as_deref(), Some("Corrected"));
    }

    #[test]
    fn a_file_without_the_matching_columns_is_refused() {
        let error = RetractionList::parse(b"Record ID,Title\n1,x\n").unwrap_err();
        assert!(error.contains("OriginalPaperDOI"), "{error}");
    }

    #[test]
    fn reads_us_dates() {
        assert_eq!(us_date("3/1/2024 0:00"), Date::new(2024, 3, 1));
        assert_eq!(us_date("12/31/2022"), Date::new(2022, 12, 31));
        assert_eq!(us_date("2024-03-01"), None);
    }
}
