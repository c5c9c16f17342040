//! Checks of evidence that depend on the site's settings and on a date: claims that cite
//! nothing, reference identifiers, required fields, duplicates, stale guidelines and
//! retracted papers. Front-matter references are judged in their article; shared ones once,
//! in their bibliography file.

use crate::bibliography::Entry;
use crate::bibliography::config::CitationConfig;
use crate::bibliography::identifiers::{
    doi_problem, isbn_problem, issn_problem, normalize_doi, pmcid_problem, pmid_problem, url_problem,
};
use crate::bibliography::retraction::RetractionList;
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic, Position, Severity};
use crate::fast_hash::FastMap;
use crate::parse::ParsedContent;
use crate::parse::article::Article;
use crate::parse::evidence::ClaimKind;
use crate::parse::front_matter::{Reference, ReferenceKind};
use rayon::prelude::*;

/// What the checks judge against.
pub struct CitationChecks<'a> {
    pub config: &'a CitationConfig,
    /// "Today" for age checks: `--as-of`, or the system date.
    pub as_of: Date,
    pub retractions: Option<&'a RetractionList>,
}

pub fn check_citations(parsed: &ParsedContent, checks: &CitationChecks<'_>) -> Vec<Diagnostic> {
    let mut found: Vec<Diagnostic> = parsed
        .articles
        .par_iter()
        .flat_map_iter(|article| check_article(article, parsed, checks))
        .collect();
    let shared: Vec<Located<'_>> = parsed.bibliography.entries.iter().map(Located::from_entry).collect();
    for located in &shared {
        check_reference(located, checks, &mut found);
    }
    check_duplicates(&shared, &mut found);
    found
}

/// A reference and where its fields are written.
struct Located<'a> {
    reference: &'a Reference,
    file: &'a str,
    at: Position,
    fields: Option<&'a crate::bibliography::FieldPositions>,
}

impl<'a> Located<'a> {
    fn from_entry(entry: &'a Entry) -> Located<'a> {
        Located {
            reference: &entry.reference,
            file: &entry.file,
            at: entry.at,
            fields: Some(&entry.fields),
        }
    }

    fn field(&self, name: &str) -> Position {
        self.fields.and_then(|f| f.get(name)).copied().unwrap_or(self.at)
    }

    fn finding(&self, code: Code, field: &str, message: String) -> Diagnostic {
        Diagnostic::new(code, self.file, self.field(field), message)
    }
}

fn check_article(article: &Article, parsed: &ParsedContent, checks: &CitationChecks<'_>) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    check_claims(article, checks.config, &mut found);
    let local = article.references.len() - article.citations.shared.len();
    let mut located: Vec<Located<'_>> = article.references[..local]
        .iter()
        .enumerate()
        .map(|(index, reference)| Located {
            reference,
            file: &article.file,
            at: article
                .spans
                .references
                .get(index)
                .copied()
                .unwrap_or(article.spans.front_matter_start),
            fields: article.spans.reference_fields.get(index),
        })
        .collect();
    for reference in &located {
        check_reference(reference, checks, &mut found);
    }
    // A shared entry cited here is judged in its own file; it only matters here as the
    // other half of a duplicate.
    located.extend(
        article
            .citations
            .shared
            .iter()
            .filter_map(|&index| parsed.bibliography.get(index))
            .map(Located::from_entry),
    );
    let mut duplicates = Vec::new();
    check_duplicates(&located, &mut duplicates);
    // Two shared entries that duplicate each other are reported once, in the bibliography.
    found.extend(duplicates.into_iter().filter(|d| d.file == article.file));
    found
}

fn check_claims(article: &Article, config: &CitationConfig, found: &mut Vec<Diagnostic>) {
    let rules = &config.uncited_claims;
    for claim in &article.uncited_claims {
        let required = match claim.kind {
            ClaimKind::Bullet => rules.bullets,
            ClaimKind::Paragraph => rules.paragraphs,
        };
        if !required {
            continue;
        }
        let exempt = rules.is_exempt(&claim.section) || claim.subsection.as_deref().is_some_and(|s| rules.is_exempt(s));
        if exempt {
            continue;
        }
        let what = match claim.kind {
            ClaimKind::Bullet => "bullet",
            ClaimKind::Paragraph => "paragraph",
        };
        found.push(
            Diagnostic::new(
                Code::CitationUncitedClaim,
                &article.file,
                claim.at,
                format!(
                    "this {what} under “{}” cites nothing: “{}”",
                    claim.subsection.as_deref().unwrap_or(&claim.section),
                    claim.excerpt
                ),
            )
            .with_hint(
                "end the claim with the citation that supports it, e.g. `[@key]`; a section that needs none can be \
                 listed in `citations.uncited_claims.exempt_sections` in evident.yaml",
            ),
        );
    }
}

fn check_reference(located: &Located<'_>, checks: &CitationChecks<'_>, found: &mut Vec<Diagnostic>) {
    let reference = located.reference;
    check_identifiers(located, found);
    check_required_fields(located, checks.as_of, found);
    check_title_case(located, found);
    let guideline_year = reference.year.filter(|_| reference.kind == ReferenceKind::Guideline);
    if let Some(year) = guideline_year {
        let age = checks.as_of.year() - year;
        if age > checks.config.guideline_max_age as i32 {
            found.push(
                located
                    .finding(
                        Code::ReferenceStale,
                        "year",
                        format!(
                            "the guideline `{}` is from {year}, {age} years before {}",
                            reference.id, checks.as_of
                        ),
                    )
                    .with_hint(format!(
                        "cite the current edition if there is one; guidelines older than {} years are flagged \
                         (`citations.guideline_max_age`)",
                        checks.config.guideline_max_age
                    )),
            );
        }
    }
    if let Some(list) = checks.retractions {
        check_retraction(located, list, found);
    }
}

/// `reference/title-case`: an article title (AMA prints it as typed) written in title case.
fn check_title_case(located: &Located<'_>, found: &mut Vec<Diagnostic>) {
    let reference = located.reference;
    let in_journal = match reference.kind {
        ReferenceKind::Research | ReferenceKind::Review => true,
        ReferenceKind::Guideline | ReferenceKind::Other => reference.journal.is_some(),
        ReferenceKind::Textbook | ReferenceKind::Web => false,
    };
    let Some(sentence) = in_journal
        .then(|| super::title_case::sentence_case(&reference.title))
        .flatten()
    else {
        return;
    };
    found.push(
        located
            .finding(
                Code::ReferenceTitleCase,
                "title",
                format!(
                    "the title of `{}` is in title case; AMA sets article titles in sentence case",
                    reference.id
                ),
            )
            .with_hint(format!(
                "title: \"{}\" (keep any other proper nouns capitalised)",
                sentence.replace('\\', "\\\\").replace('"', "\\\"")
            )),
    );
}

/// Says what is wrong with an identifier, if anything.
type ProblemOf = fn(&str) -> Option<String>;

fn check_identifiers(located: &Located<'_>, found: &mut Vec<Diagnostic>) {
    let reference = located.reference;
    let identifiers: [(&str, &str, Option<&String>, ProblemOf); 6] = [
        ("doi", "DOI", reference.doi.as_ref(), doi_problem),
        ("pmid", "PMID", reference.pmid.as_ref(), pmid_problem),
        ("pmcid", "PMCID", reference.pmcid.as_ref(), pmcid_problem),
        ("isbn", "ISBN", reference.isbn.as_ref(), isbn_problem),
        ("issn", "ISSN", reference.issn.as_ref(), issn_problem),
        ("url", "URL", reference.url.as_ref(), url_problem),
    ];
    for (field, name, value, problem_of) in identifiers {
        let Some(value) = value else { continue };
        if let Some(problem) = problem_of(value.trim()) {
            found.push(
                located
                    .finding(
                        Code::ReferenceIdentifier,
                        field,
                        format!("the {name} `{value}` of `{}` is malformed", reference.id),
                    )
                    .with_hint(format!("{problem}; copy it from the publisher's page or PubMed")),
            );
        }
    }
}

/// What each type of reference needs for a reader to find the source.
fn required_fields(kind: ReferenceKind) -> &'static [&'static str] {
    match kind {
        // Authors may be missing only when a PMID or DOI still leads the reader to them.
        ReferenceKind::Research | ReferenceKind::Review => &["authors|pmid|doi", "journal", "year"],
        ReferenceKind::Guideline => &["publisher|journal", "year"],
        ReferenceKind::Textbook => &["publisher", "year"],
        ReferenceKind::Web => &["url", "accessed"],
        ReferenceKind::Other => &[],
    }
}

fn check_required_fields(located: &Located<'_>, as_of: Date, found: &mut Vec<Diagnostic>) {
    let reference = located.reference;
    let present = |field: &str| match field {
        "authors" => !reference.authors.is_empty(),
        "journal" => reference.journal.as_deref().is_some_and(|j| !j.trim().is_empty()),
        "publisher" => reference.publisher.as_deref().is_some_and(|p| !p.trim().is_empty()),
        "year" => reference.year.is_some(),
        "url" => reference.url.is_some(),
        "accessed" => reference.accessed.is_some(),
        "pmid" => reference.pmid.is_some(),
        "doi" => reference.doi.is_some(),
        _ => true,
    };
    for requirement in required_fields(reference.kind) {
        let options: Vec<&str> = requirement.split('|').collect();
        if options.iter().any(|field| present(field)) {
            continue;
        }
        let wanted = options
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(" or ");
        found.push(
            located
                .finding(
                    Code::ReferenceMissingField,
                    "id",
                    format!(
                        "the {} reference `{}` has no {wanted}",
                        reference.kind.as_str(),
                        reference.id
                    ),
                )
                .with_hint(format!(
                    "a {} reference needs {}",
                    reference.kind.as_str(),
                    required_fields(reference.kind)
                        .iter()
                        .map(|f| format!("`{}`", f.replace('|', "` or `")))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
        );
    }
    if let Some(year) = reference.year.filter(|&y| y < 1800 || y > as_of.year() + 1) {
        found.push(
            located
                .finding(
                    Code::ReferenceMissingField,
                    "year",
                    format!("the year {year} of `{}` is impossible", reference.id),
                )
                .with_hint(format!(
                    "write the year of publication (up to {}, for work in press)",
                    as_of.year() + 1
                )),
        );
    }
    if let Some(accessed) = reference.accessed.filter(|&a| a > as_of) {
        found.push(
            located
                .finding(
                    Code::ReferenceMissingField,
                    "accessed",
                    format!("`{}` was accessed on {accessed}, after {as_of}", reference.id),
                )
                .with_hint("write the date the page was read"),
        );
    }
}

fn check_retraction(located: &Located<'_>, list: &RetractionList, found: &mut Vec<Diagnostic>) {
    let reference = located.reference;
    if reference
        .retraction_note
        .as_deref()
        .is_some_and(|n| !n.trim().is_empty())
    {
        return;
    }
    let notices = list.find(reference.doi.as_deref(), reference.pmid.as_deref());
    let Some(notice) = notices.first() else { return };
    let field = match reference.doi.as_deref() {
        Some(doi) if !list.find(Some(doi), None).is_empty() => "doi",
        _ => "pmid",
    };
    let when = notice.date.map(|d| format!(" on {d}")).unwrap_or_default();
    let why = match notice.reasons.as_slice() {
        [] => String::new(),
        reasons => format!(" ({})", reasons.join("; ")),
    };
    let notice_doi = notice
        .notice_doi
        .as_deref()
        .map(|d| format!(", notice {d}"))
        .unwrap_or_default();
    let (message, severity) = if notice.is_retraction() {
        (
            format!("`{}` was retracted{when}{why}{notice_doi}", reference.id),
            Severity::Error,
        )
    } else {
        (
            format!(
                "`{}` carries a notice: {}{when}{why}{notice_doi}",
                reference.id,
                notice.nature.to_lowercase()
            ),
            Severity::Warning,
        )
    };
    found.push(
        located
            .finding(Code::ReferenceRetracted, field, message)
            .with_severity(severity)
            .with_hint(
                "replace it with sound evidence, or, when the notice itself is the point, add \
                 `retraction_note: \"…\"` saying why it is cited",
            ),
    );
}

/// Normalized title for comparison: lowercase words.
fn title_key(title: &str) -> String {
    let mut key = String::with_capacity(title.len());
    for word in title.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if !key.is_empty() {
            key.push(' ');
        }
        if word.is_ascii() {
            key.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            // `str::to_lowercase` knows a word-final sigma; per-character lowering does not.
            key.push_str(&word.to_lowercase());
        }
    }
    key
}

/// Beyond this many references only exact title matches are compared, to stay linear.
const FUZZY_TITLE_LIMIT: usize = 200;

fn check_duplicates(references: &[Located<'_>], found: &mut Vec<Diagnostic>) {
    // One table per identifier kind, so that a lookup borrows the value instead of copying it.
    let mut seen: [FastMap<String, usize>; 3] = Default::default();
    let mut flagged = vec![false; references.len()];
    for (index, located) in references.iter().enumerate() {
        let reference = located.reference;
        let identifiers = [
            ("doi", "DOI", reference.doi.as_deref().map(normalize_doi)),
            ("pmid", "PMID", reference.pmid.as_deref().map(|p| p.trim().to_string())),
            (
                "pmcid",
                "PMCID",
                reference.pmcid.as_deref().map(|p| p.trim().to_uppercase()),
            ),
        ];
        for ((field, name, value), seen) in identifiers.into_iter().zip(&mut seen) {
            let Some(value) = value.filter(|v| !v.is_empty()) else {
                continue;
            };
            match seen.get(value.as_str()) {
                Some(&first) if references[first].reference.id != reference.id && !flagged[index] => {
                    flagged[index] = true;
                    let other = &references[first];
                    found.push(
                        located
                            .finding(
                                Code::ReferenceDuplicate,
                                field,
                                format!(
                                    "`{}` has the same {name} as `{}` ({}:{})",
                                    reference.id, other.reference.id, other.file, other.at.line
                                ),
                            )
                            .with_hint(format!(
                                "cite one key for one source: keep `{}` and cite it where `{}` is cited",
                                other.reference.id, reference.id
                            )),
                    );
                }
                Some(_) => {}
                None => {
                    seen.insert(value, index);
                }
            }
        }
    }
    let titles: Vec<String> = references.iter().map(|r| title_key(&r.reference.title)).collect();
    // Each title's words and digits are worked out once, not once per pair compared.
    let shapes: Vec<TitleShape<'_>> = if references.len() <= FUZZY_TITLE_LIMIT {
        titles.iter().map(|t| TitleShape::of(t)).collect()
    } else {
        Vec::new()
    };
    let mut by_title: FastMap<&str, usize> = FastMap::default();
    for (index, located) in references.iter().enumerate() {
        if flagged[index] || titles[index].is_empty() {
            continue;
        }
        let earlier = match by_title.get(titles[index].as_str()) {
            Some(&first) => Some(first),
            None if !shapes.is_empty() => {
                (0..index).find(|&other| !titles[other].is_empty() && shapes[other].near_identical(&shapes[index]))
            }
            None => None,
        };
        by_title.entry(titles[index].as_str()).or_insert(index);
        let Some(first) = earlier else { continue };
        let other = &references[first];
        if other.reference.id == located.reference.id {
            continue;
        }
        flagged[index] = true;
        found.push(
            located
                .finding(
                    Code::ReferenceDuplicate,
                    "title",
                    format!(
                        "`{}` has nearly the same title as `{}` ({}:{})",
                        located.reference.id, other.reference.id, other.file, other.at.line
                    ),
                )
                .with_severity(Severity::Warning)
                .with_hint("if both are the same source, keep one key; if not, check that each entry is right"),
        );
    }
}

/// Words that do not tell two titles apart.
const STOP_WORDS: &[&str] = &["a", "an", "and", "for", "in", "of", "on", "the", "to", "with"];

/// A title key (`title_key`) as `TitleShape::near_identical` compares it.
struct TitleShape<'t> {
    title: &'t str,
    /// Its words without small words or plural `s`, sorted.
    bag: Vec<&'t str>,
    digits: String,
    chars: usize,
}

impl<'t> TitleShape<'t> {
    fn of(title: &'t str) -> TitleShape<'t> {
        let mut bag: Vec<&str> = title
            .split(' ')
            .filter(|w| !w.is_empty() && !STOP_WORDS.contains(w))
            .map(|w| w.strip_suffix('s').filter(|s| s.len() > 2).unwrap_or(w))
            .collect();
        bag.sort_unstable();
        TitleShape {
            title,
            bag,
            digits: title.chars().filter(char::is_ascii_digit).collect(),
            chars: title.chars().count(),
        }
    }

    /// The same title typed twice: the same words in any order, ignoring case, punctuation,
    /// small words and plural `s`, or one stray character in a long title. Titles of
    /// different works often differ in one word only ("Dapagliflozin"/"Empagliflozin in …"),
    /// so a changed word, or any changed digit, is not near-identical.
    fn near_identical(&self, other: &TitleShape<'_>) -> bool {
        if self.bag == other.bag {
            return true;
        }
        // One edit changes the length by at most one character.
        self.chars.min(other.chars) >= 40
            && self.chars.abs_diff(other.chars) <= 1
            && self.digits == other.digits
            && levenshtein(self.title, other.title) <= 1
    }
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb)).min(row[j] + 1).min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bibliography::blank_reference;

    fn located(reference: &Reference) -> Located<'_> {
        Located {
            reference,
            file: "a.md",
            at: Position::new(1, 1),
            fields: None,
        }
    }

    fn reference(id: &str, title: &str) -> Reference {
        let mut r = blank_reference(id.into(), ReferenceKind::Research, title.into());
        r.authors = vec!["Doe J".into()];
        r.journal = Some("Lancet".into());
        r.year = Some(2020);
        r
    }

    fn codes(found: &[Diagnostic]) -> Vec<(Code, Severity)> {
        found.iter().map(|d| (d.code, d.severity)).collect()
    }

    #[test]
    fn the_same_identifier_under_two_keys_is_a_duplicate() {
        let mut a = reference("a", "First trial of a drug");
        a.doi = Some("10.1000/ABC".into());
        let mut b = reference("b", "Entirely different title here");
        b.doi = Some("10.1000/abc".into());
        let mut found = Vec::new();
        check_duplicates(&[located(&a), located(&b)], &mut found);
        assert_eq!(codes(&found), [(Code::ReferenceDuplicate, Severity::Error)]);
        assert!(
            found[0].message.contains("`b` has the same DOI as `a`"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn near_identical_titles_are_a_warning() {
        let a = reference(
            "a",
            "Lutetium-177-PSMA-617 for Metastatic Castration-Resistant Prostate Cancer",
        );
        let b = reference(
            "b",
            "Lutetium-177 PSMA-617 for metastatic castration resistant prostate cancers",
        );
        let c = reference("c", "Olaparib for Metastatic Castration-Resistant Prostate Cancer");
        let d = reference("d", "Dapagliflozin in Patients with Chronic Kidney Disease");
        let e = reference("e", "Empagliflozin in Patients with Chronic Kidney Disease");
        let f = reference("f", "2023 ACC/AHA Guideline for the Management of Atrial Fibrillation");
        let g = reference("g", "2024 ACC/AHA Guideline for the Management of Atrial Fibrillation");
        let all = [a, b, c, d, e, f, g];
        let located: Vec<Located<'_>> = all.iter().map(located).collect();
        let mut found = Vec::new();
        check_duplicates(&located, &mut found);
        assert_eq!(codes(&found), [(Code::ReferenceDuplicate, Severity::Warning)]);
        assert!(found[0].message.starts_with("`b`"));
    }

    #[test]
    fn required_fields_depend_on_the_type_and_years_must_be_possible() {
        let as_of = Date::new(2026, 11, 28).unwrap();
        let mut web = blank_reference("w".into(), ReferenceKind::Web, "A page".into());
        web.year = Some(2031);
        let mut found = Vec::new();
        check_required_fields(&located(&web), as_of, &mut found);
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(found.len(), 3, "{messages:?}");
        assert!(messages[0].contains("no `url`"));
        assert!(messages[1].contains("no `accessed`"));
        assert!(messages[2].contains("2031"));
        let mut found = Vec::new();
        check_required_fields(&located(&reference("r", "T")), as_of, &mut found);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn levenshtein_counts_edits() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
    }
}
