//! Checks of evidence that depend on the site's settings and on a date: claims that cite
//! nothing, reference identifiers, required fields, duplicates, stale guidelines and
//! retracted papers. Front-matter references are judged in their article; shared ones once,
//! in their bibliography file.

use crate::bibliography::config::CitationConfig;
use crate::bibliography::identifiers::{
    doi_problem, isbn_problem, issn_problem, normalize_doi, pmcid_problem, pmid_problem, url_problem,
};
use crate::bibliography::retraction::RetractionList;
use crate::bibliography::{Bibliography, Entry};
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic, Position, Severity};
use crate::fast_hash::FastMap;
use crate::parse::ParsedContent;
use crate::parse::article::{Article, Spans};
use crate::parse::evidence::ClaimKind;
use crate::parse::front_matter::{Reference, ReferenceKind};

/// What the checks judge against.
pub struct CitationChecks<'a> {
    pub config: &'a CitationConfig,
    /// "Today" for age checks: `--as-of`, or the system date.
    pub as_of: Date,
    pub retractions: Option<&'a RetractionList>,
}

/// The findings of the shared bibliography: each entry judged once in its own file, and
/// the style of those the articles cite. Each article's own are `check_article`'s.
pub fn check_citations(parsed: &ParsedContent, checks: &CitationChecks<'_>) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let shared: Vec<Located<'_>> = parsed.bibliography.entries.iter().map(Located::from_entry).collect();
    for located in &shared {
        check_reference(located, checks, &mut found);
    }
    // Only listed references are formatted; a shared one is judged once, in its own file,
    // however many articles cite it.
    let mut cited: Vec<usize> = parsed
        .articles
        .iter()
        .flat_map(|article| article.citations.shared.iter().copied())
        .collect();
    cited.sort_unstable();
    cited.dedup();
    for located in cited.iter().filter_map(|&index| shared.get(index)) {
        check_style(located, &checks.config.style, &mut found);
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

/// The citation findings of one article: its claims, its own references (fields, style,
/// duplicates, also against the shared entries it cites), judged as it is parsed.
pub fn check_article(
    article: &Article,
    spans: &Spans,
    bibliography: &Bibliography,
    checks: &CitationChecks<'_>,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    check_claims(article, checks.config, &mut found);
    // Judged in the parse job, while the references are typed.
    let references = article.references.typed().unwrap_or_default();
    let local = references.len().saturating_sub(article.citations.shared.len());
    let mut located: Vec<Located<'_>> = references[..local]
        .iter()
        .enumerate()
        .map(|(index, reference)| Located {
            reference,
            file: &article.file,
            at: spans
                .references
                .get(index)
                .copied()
                .unwrap_or(article.places.front_matter_start),
            fields: spans.reference_fields.get(index),
        })
        .collect();
    for reference in &located {
        check_reference(reference, checks, &mut found);
        check_style(reference, &checks.config.style, &mut found);
    }
    // A shared entry cited here is judged in its own file; it only matters here as the
    // other half of a duplicate.
    located.extend(
        article
            .citations
            .shared
            .iter()
            .filter_map(|&index| bibliography.get(index))
            .map(Located::from_entry),
    );
    let mut duplicates = Vec::new();
    check_duplicates(&located, &mut duplicates);
    // Two shared entries that duplicate each other are reported once, in the bibliography.
    found.extend(duplicates.into_iter().filter(|d| *d.file == *article.file));
    found
}

fn check_claims(article: &Article, config: &CitationConfig, found: &mut Vec<Diagnostic>) {
    let rules = &config.uncited_claims;
    for claim in article.uncited_claims() {
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

/// A reference the configured CSL style cannot format would be printed in another style
/// beside its neighbours: an error, so that the build stops instead. The result is kept
/// for the pages (`format_in_style` formats each reference once).
fn check_style(located: &Located<'_>, style: &str, found: &mut Vec<Diagnostic>) {
    if style == "ama" {
        return;
    }
    let Some(result) = crate::bibliography::csl::format_in_style(located.reference, style) else {
        return;
    };
    let Some(Err(failure)) = result.get() else {
        return;
    };
    found.push(
        located
            .finding(
                Code::ReferenceUnformattable,
                failure.field.unwrap_or("id"),
                format!(
                    "`{}` cannot be formatted in the `{style}` style: {}",
                    located.reference.id, failure.reason
                ),
            )
            .with_hint(
                "correct the value the style cannot read (authors are written `Family Initials`, e.g. \
                 `Smith JA Jr`; a URL in full), or set `citations.style: ama`",
            ),
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
    if let (Some(date), Some(year)) = (reference.date, reference.year) {
        if date.year() != year {
            found.push(
                located
                    .finding(
                        Code::ReferenceMissingField,
                        "date",
                        format!("the date {date} of `{}` is not in its year {year}", reference.id),
                    )
                    .with_hint("`date` is the day or month of publication within `year`: correct one of them"),
            );
        }
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
    // Corrections raise no finding: the page shows them beside the reference.
    let Some(notice) = list
        .standing(reference.doi.as_deref(), reference.pmid.as_deref())
        .flagged
    else {
        return;
    };
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
    let shapes: Vec<TitleShape<'_>> = titles.iter().map(|t| TitleShape::of(t)).collect();
    let mut blocks = TitleBlocks::default();
    for (index, located) in references.iter().enumerate() {
        if titles[index].is_empty() {
            continue;
        }
        let earlier = blocks.candidates(&shapes[index]).into_iter().find(|&other| {
            shapes[other].near_identical(&shapes[index]) && references[other].reference.id != located.reference.id
        });
        blocks.insert(&shapes[index], index);
        if flagged[index] {
            continue;
        }
        let Some(first) = earlier else { continue };
        let other = &references[first];
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

/// Titles grouped so that each is compared only with the few that could be near-identical
/// to it, keeping the check linear in the number of references (a Zotero export holds
/// thousands): blocking by the title's words. Two keys find every near-identical pair
/// `TitleShape::near_identical` can accept: the bag of words (same words in any order),
/// and, for titles long enough for the one-edit rule, the word sequence with a gap for
/// one word or two neighbours (`shortened_hashes`).
#[derive(Default)]
struct TitleBlocks<'s> {
    /// The first title (index) with each bag of words.
    by_bag: FastMap<&'s [&'s str], usize>,
    /// The first title (index) with each shortened form, by hash. A hash shared by chance
    /// only adds a comparison.
    by_shortened: FastMap<u64, usize>,
}

impl<'s> TitleBlocks<'s> {
    /// The earlier titles that may be near-identical to `shape`, earliest first.
    fn candidates(&self, shape: &TitleShape<'_>) -> Vec<usize> {
        let mut found: Vec<usize> = self.by_bag.get(shape.bag.as_slice()).copied().into_iter().collect();
        if shape.one_edit_eligible() {
            found.extend(shortened_hashes(shape.title).filter_map(|hash| self.by_shortened.get(&hash).copied()));
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    fn insert(&mut self, shape: &'s TitleShape<'_>, index: usize) {
        self.by_bag.entry(shape.bag.as_slice()).or_insert(index);
        if shape.one_edit_eligible() {
            for hash in shortened_hashes(shape.title) {
                self.by_shortened.entry(hash).or_insert(index);
            }
        }
    }
}

/// Hashes of `title`'s word sequence whole, with each word replaced by a gap, and with
/// each two neighbouring words replaced by a gap: one edit changes one word, or two
/// neighbours when it touches the space between them (or splits or joins them), so two
/// titles one edit apart share one of these. About twice as many hashes as words, each in
/// constant time from prefix and suffix hashes.
fn shortened_hashes(title: &str) -> impl Iterator<Item = u64> + '_ {
    use std::hash::{BuildHasher as _, BuildHasherDefault};
    const BASE: u64 = 0x0100_0000_01b3;
    const GAP: u64 = 0x9E37_79B9_7F4A_7C15;
    let hasher = BuildHasherDefault::<crate::fast_hash::FxHasher>::default();
    let words: Vec<u64> = title.split(' ').map(|word| hasher.hash_one(word) | 1).collect();
    let n = words.len();
    // prefix[i]: hash of words[..i]; suffix[i]: hash of words[i..]; power[k] = BASE^k.
    let mut prefix = vec![0u64; n + 1];
    let mut power = vec![1u64; n + 1];
    for i in 0..n {
        prefix[i + 1] = prefix[i].wrapping_mul(BASE).wrapping_add(words[i]);
        power[i + 1] = power[i].wrapping_mul(BASE);
    }
    let mut suffix = vec![0u64; n + 1];
    for i in (0..n).rev() {
        suffix[i] = words[i].wrapping_mul(power[n - 1 - i]).wrapping_add(suffix[i + 1]);
    }
    let whole = prefix[n];
    // Words before the gap, the gap, then the words after it.
    let with_gap = move |start: usize, end: usize| {
        let rest = n - end;
        prefix[start]
            .wrapping_mul(power[rest + 1])
            .wrapping_add(GAP.wrapping_mul(power[rest]))
            .wrapping_add(suffix[end])
    };
    let one = (0..n).map(|i| (i, i + 1));
    let two = (1..n).map(|i| (i - 1, i + 1));
    std::iter::once(whole).chain(one.chain(two).map(move |(start, end)| with_gap(start, end)))
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

    /// Long enough for one stray character to count as the same title.
    fn one_edit_eligible(&self) -> bool {
        self.chars >= 40
    }

    /// The same title typed twice: the same words in any order, ignoring case, punctuation,
    /// small words and plural `s`, or one stray or swapped character in a long title. Titles of
    /// different works often differ in one word only ("Dapagliflozin"/"Empagliflozin in …"),
    /// so a changed word, or any changed digit, is not near-identical.
    fn near_identical(&self, other: &TitleShape<'_>) -> bool {
        if self.bag == other.bag {
            return true;
        }
        // One edit changes the length by at most one character.
        self.one_edit_eligible()
            && other.one_edit_eligible()
            && self.chars.abs_diff(other.chars) <= 1
            && self.digits == other.digits
            && crate::text::edit_distance(self.title, other.title, 1).is_some()
    }
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
        // Written as a link (which the identifier check names), it is still the same DOI.
        let mut c = reference("c", "A third title");
        c.doi = Some("http://dx.doi.org/10.1000/Abc".into());
        let mut found = Vec::new();
        check_duplicates(&[located(&a), located(&c)], &mut found);
        assert_eq!(codes(&found), [(Code::ReferenceDuplicate, Severity::Error)]);
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

    /// `count` distinct titles of eight words from a small vocabulary, all opening alike
    /// (as trial reports do), none near-identical to another.
    fn generated_titles(count: usize) -> Vec<String> {
        const WORDS: &[&str] = &[
            "apixaban",
            "warfarin",
            "stroke",
            "bleeding",
            "elderly",
            "renal",
            "hepatic",
            "cohort",
            "outcomes",
            "mortality",
            "sepsis",
            "insulin",
            "glucose",
            "pressure",
            "cardiac",
            "failure",
            "infection",
            "pediatric",
            "vaccine",
            "dose",
            "placebo",
            "safety",
            "efficacy",
            "screening",
            "cancer",
            "prostate",
            "breast",
            "lung",
            "therapy",
            "surgery",
            "imaging",
            "biomarker",
        ];
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut seen = std::collections::HashSet::new();
        let mut titles = Vec::with_capacity(count);
        while titles.len() < count {
            let words: Vec<&str> = (0..8)
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    WORDS[(state >> 33) as usize % WORDS.len()]
                })
                .collect();
            let mut bag = words.clone();
            bag.sort_unstable();
            if seen.insert(bag) {
                titles.push(format!("A randomized controlled trial of {}", words.join(" ")));
            }
        }
        titles
    }

    #[test]
    fn near_identical_titles_are_found_among_twenty_thousand_references_quickly() {
        let mut titles = generated_titles(20_000);
        // A typo of title 5 and a reordering of title 100, far down the list.
        let mut typo: Vec<char> = titles[5].chars().collect();
        typo.swap(50, 51);
        titles[19_990] = typo.into_iter().collect();
        let mut words: Vec<&str> = titles[100].split(' ').collect();
        words.reverse();
        titles[19_995] = words.join(" ");
        let references: Vec<Reference> = titles
            .iter()
            .enumerate()
            .map(|(i, title)| reference(&format!("r{i}"), title))
            .collect();
        let located: Vec<Located<'_>> = references.iter().map(located).collect();
        let start = std::time::Instant::now();
        let mut found = Vec::new();
        check_duplicates(&located, &mut found);
        let took = start.elapsed();
        assert!(took < std::time::Duration::from_secs(60), "{took:?}");
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(found.len(), 2, "{messages:?}");
        assert!(
            messages[0].starts_with("`r19990` has nearly the same title as `r5`"),
            "{messages:?}"
        );
        assert!(
            messages[1].starts_with("`r19995` has nearly the same title as `r100`"),
            "{messages:?}"
        );
    }

    #[test]
    fn shortened_hashes_meet_for_one_edit_only() {
        let shared = |a: &str, b: &str| {
            let a: std::collections::HashSet<u64> = shortened_hashes(a).collect();
            shortened_hashes(b).any(|h| a.contains(&h))
        };
        let title = "lutetium psma for metastatic prostate cancer";
        assert!(shared(title, "lutetium psma for metastatic prostate cancers")); // inserted
        assert!(shared(title, "lutetium psma fro metastatic prostate cancer")); // swapped
        assert!(shared(title, "lutetium psma for metastatic prostate canser")); // substituted
        assert!(shared(title, title));
        assert!(shared(title, "lutetium psmafor metastatic prostate cancer")); // space deleted
        assert!(shared(title, "lutetium psm afor metastatic prostate cancer")); // space moved
        assert!(!shared(title, "lutetium psmb for metastatic prostate cancre")); // two words apart
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
}
