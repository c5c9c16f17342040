//! Formatting a reference for the list at the foot of an article (AMA style).

use super::urls::encode_path_segment;
use crate::html::escape_into;
use crate::parse::front_matter::{Reference, ReferenceKind};

/// The reference in the site's style as trusted HTML, with the reason a paper on the
/// retraction list is cited when the editor gave one.
pub fn format_reference(reference: &Reference, style: &str) -> String {
    let mut html = match style {
        "ama" => format_ama(reference),
        // A reference the style cannot format is a `reference/unformattable` error, so no
        // build publishes this fallback; `serve` shows it while the error is fixed.
        csl => crate::bibliography::csl::format_csl(reference, csl).unwrap_or_else(|| format_ama(reference)),
    };
    // A paper cited despite a retraction or other notice says so beside its citation.
    if let Some(note) = reference.retraction_note.as_deref().filter(|n| !n.trim().is_empty()) {
        html.push_str(" <span class=\"reference__notice\">Notice: ");
        escape_into(&mut html, note.trim());
        html.push_str("</span>");
    }
    // A correction amends without withdrawing: a reader should know, no editor need act.
    if let Some(correction) = reference.correction.as_deref() {
        html.push_str(" <span class=\"reference__correction\">");
        escape_into(&mut html, correction);
        html.push_str("</span>");
    }
    html
}

/// The AMA 11 citation as trusted HTML, as the official CSL style prints it (proven against
/// citeproc-js by `tests/ama_oracle.rs`): authors, title, source, then `doi:` or the URL.
pub fn format_ama(reference: &Reference) -> String {
    let mut html = String::with_capacity(160);
    let editors = name_list(&reference.editors).map(|names| editors_label(&names, reference.editors.len()));
    let has_authors = reference.authors.iter().any(|a| !a.trim().is_empty());
    // Without authors, a book's editors stand in their place, as in CSL's `substitute`.
    let editors_as_authors = !has_authors && editors.is_some();
    write_authors(&mut html, &reference.authors);
    if editors_as_authors {
        push_sentence(&mut html, editors.as_deref().unwrap_or_default());
    }
    let journal = reference.journal.as_deref().map(str::trim).filter(|j| !j.is_empty());
    let book_title = reference.book_title.as_deref().map(str::trim).filter(|b| !b.is_empty());
    match ama_form(reference.kind, journal.is_some(), book_title.is_some()) {
        AmaForm::Periodical => {
            write_title(&mut html, &reference.title, false);
            write_periodical(&mut html, reference, journal);
        }
        AmaForm::Book => {
            write_title(&mut html, &reference.title, true);
            write_edition(&mut html, reference.edition.as_deref());
            if let Some(editors) = editors.as_deref().filter(|_| !editors_as_authors) {
                push_sentence(&mut html, &format!("({editors})"));
            }
            write_publisher_year(&mut html, reference.publisher.as_deref(), reference.year, None);
        }
        AmaForm::Chapter => {
            write_title(&mut html, &reference.title, false);
            let mut book = String::from("In: ");
            if let Some(editors) = editors.as_deref().filter(|_| !editors_as_authors) {
                book.push_str(editors);
                book.push(' ');
            }
            super::title_markup::write_title_html(&mut book, book_title.unwrap_or_default(), true);
            push_sentence(&mut html, &book);
            write_edition(&mut html, reference.edition.as_deref());
            write_publisher_year(
                &mut html,
                reference.publisher.as_deref(),
                reference.year,
                reference.pages.as_deref(),
            );
        }
        AmaForm::WebPage => {
            write_title(&mut html, &reference.title, false);
            if let Some(site) = reference.publisher.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                push_sentence(&mut html, &escape(site));
            }
            if let Some(date) = publication_date(reference) {
                push_sentence(&mut html, &date);
            }
        }
    }
    write_access(&mut html, reference);
    html
}

/// The shapes AMA gives the kinds of work Evident knows. A guideline printed in a journal
/// is cited as the article it is; other works without a journal as books/reports; a
/// textbook reference naming its `book_title` is a chapter of that book.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AmaForm {
    Periodical,
    Book,
    Chapter,
    WebPage,
}

fn ama_form(kind: ReferenceKind, has_journal: bool, has_book_title: bool) -> AmaForm {
    match kind {
        ReferenceKind::Textbook if has_book_title => AmaForm::Chapter,
        ReferenceKind::Research | ReferenceKind::Review => AmaForm::Periodical,
        ReferenceKind::Guideline | ReferenceKind::Other if has_journal => AmaForm::Periodical,
        ReferenceKind::Web => AmaForm::WebPage,
        ReferenceKind::Guideline | ReferenceKind::Textbook | ReferenceKind::Other => AmaForm::Book,
    }
}

/// Text for the citation: typographic quotes, then escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, &super::title_markup::typographic_quotes(text, None));
    out
}

/// Appends one element of the citation followed by its full stop, after a space when
/// something precedes it; an element already ending in punctuation keeps its own.
fn push_sentence(html: &mut String, element: &str) {
    if !html.is_empty() {
        html.push(' ');
    }
    html.push_str(element);
    if !ends_with_punctuation(element) {
        html.push('.');
    }
}

/// Whether the visible text ends with a full stop, question or exclamation mark (closing
/// italics do not count as text).
fn ends_with_punctuation(html: &str) -> bool {
    html.trim_end_matches("</i>").ends_with(['.', '?', '!'])
}

/// All names up to six; from seven on, the first three and "et al" (AMA 11, 3.6.1), as
/// escaped HTML.
fn name_list(names: &[String]) -> Option<String> {
    let names: Vec<&str> = names.iter().map(|a| a.trim()).filter(|a| !a.is_empty()).collect();
    if names.is_empty() {
        return None;
    }
    let mut list = if names.len() > 6 {
        names[..3].join(", ")
    } else {
        names.join(", ")
    };
    if names.len() > 6 {
        list.push_str(", et al");
    }
    Some(escape(&list))
}

fn write_authors(html: &mut String, authors: &[String]) {
    if let Some(list) = name_list(authors) {
        push_sentence(html, &list);
    }
}

/// `Jameson JL, Fauci AS, eds.`; a shortened list keeps its own stop (`et al., eds.`).
fn editors_label(names: &str, count: usize) -> String {
    let label = if count > 1 { "eds." } else { "ed." };
    let stop = if names.ends_with("et al") { "." } else { "" };
    format!("{names}{stop}, {label}")
}

fn write_edition(html: &mut String, edition: Option<&str>) {
    if let Some(edition) = edition.map(str::trim).filter(|e| !e.is_empty()) {
        push_sentence(html, &escape(&edition_label(edition)));
    }
}

/// The title with its markup as italics; books and reports are italic as a whole, and
/// their closing full stop stands outside the italics.
fn write_title(html: &mut String, title: &str, italic: bool) {
    let title = title.trim();
    if title.is_empty() {
        return;
    }
    let mut element = String::with_capacity(title.len() + 8);
    super::title_markup::write_title_html(&mut element, title, italic);
    push_sentence(html, &element);
}

/// `J Journal. 2021;385(12):1091-1103.` with the journal's abbreviation periods stripped
/// (CSL's `strip-periods`), and "Published online" for an article not yet in an issue.
fn write_periodical(html: &mut String, reference: &Reference, journal: Option<&str>) {
    if let Some(journal) = journal {
        let stripped: String = journal.chars().filter(|c| *c != '.').collect();
        let stripped = stripped.split_whitespace().collect::<Vec<_>>().join(" ");
        if !stripped.is_empty() {
            push_sentence(html, &format!("<i>{}</i>", escape(&stripped)));
        }
    }
    let volume = reference.volume.as_deref().map(str::trim).filter(|v| !v.is_empty());
    let issue = reference.issue.as_deref().map(str::trim).filter(|i| !i.is_empty());
    let pages = reference.pages.as_deref().map(str::trim).filter(|p| !p.is_empty());
    let not_yet = if journal.is_some_and(is_preprint_server) {
        "Preprint posted online"
    } else {
        "Published online"
    };
    // An issue carries the year alone; online ahead of one, the month and day count.
    let date = match reference.year {
        Some(year) if volume.is_some() || issue.is_some() => Some(year.to_string()),
        _ => publication_date(reference).map(|date| format!("{not_yet} {date}")),
    };
    let mut issue_part = String::new();
    if let Some(volume) = volume {
        escape_into(&mut issue_part, volume);
    }
    if let Some(issue) = issue {
        issue_part.push('(');
        escape_into(&mut issue_part, issue);
        issue_part.push(')');
    }
    let mut source: String = [date, Some(issue_part).filter(|p| !p.is_empty())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(";");
    if let Some(pages) = pages {
        if !source.is_empty() {
            source.push(':');
        }
        escape_into(&mut source, &page_range(pages));
    }
    if !source.is_empty() {
        push_sentence(html, &source);
    }
}

/// "March 7, 2024" when the reference has a `date` within its `year`, else the year; a date
/// that contradicts the year is a finding (`check::citations`), and the year stands.
fn publication_date(reference: &Reference) -> Option<String> {
    match reference.publication_date() {
        Some(date) => Some(date.display()),
        None => reference.year.map(|y| y.to_string()),
    }
}

/// The servers whose papers are preprints, which AMA cites as "Preprint posted online".
pub const PREPRINT_SERVERS: &[&str] = &[
    "arXiv",
    "Authorea",
    "bioRxiv",
    "ChemRxiv",
    "medRxiv",
    "OSF Preprints",
    "Preprints",
    "Preprints.org",
    "PsyArXiv",
    "Research Square",
    "SocArXiv",
    "SSRN",
    "TechRxiv",
];

fn is_preprint_server(journal: &str) -> bool {
    let journal = journal.trim().trim_end_matches('.');
    PREPRINT_SERVERS
        .iter()
        .any(|server| server.eq_ignore_ascii_case(journal))
}

/// `Publisher; 2024.`, or whichever of the two is known; a chapter adds its pages
/// (`Publisher; 2024:12-19.`).
fn write_publisher_year(html: &mut String, publisher: Option<&str>, year: Option<i32>, pages: Option<&str>) {
    let publisher = publisher.map(str::trim).filter(|p| !p.is_empty());
    let mut text = match (publisher, year) {
        (Some(publisher), Some(year)) => format!("{}; {year}", escape(publisher)),
        (Some(publisher), None) => escape(publisher),
        (None, Some(year)) => year.to_string(),
        (None, None) => String::new(),
    };
    if let Some(pages) = pages.map(str::trim).filter(|p| !p.is_empty()) {
        if !text.is_empty() {
            text.push(':');
        }
        text.push_str(&escape(&page_range(pages)));
    }
    if !text.is_empty() {
        push_sentence(html, &text);
    }
}

/// `doi:10.…` when the work has a DOI, else the access date and URL; AMA ends the
/// citation with either without a full stop.
fn write_access(html: &mut String, reference: &Reference) {
    if let Some(doi) = reference.doi.as_deref().map(bare_doi).filter(|d| !d.is_empty()) {
        html.push_str(" doi:");
        escape_into(html, doi);
    } else if let Some(url) = reference.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        if let Some(accessed) = reference.accessed {
            push_sentence(html, &format!("Accessed {}", accessed.display()));
        }
        html.push(' ');
        escape_into(html, url);
    }
}

/// The DOI without the resolver or `doi:` prefix editors sometimes paste with it.
fn bare_doi(doi: &str) -> &str {
    let doi = doi.trim();
    [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi:",
    ]
    .iter()
    .find(|prefix| {
        doi.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    })
    .map_or(doi, |prefix| doi[prefix.len()..].trim())
}

/// `15` → `15th ed.`; a number with its ordinal (`2nd`) gains ` ed.`; anything else
/// (`2nd ed.`, `Revised`) is printed as written, as CSL's `label-edition` does.
fn edition_label(edition: &str) -> String {
    if !edition.is_empty() && edition.bytes().all(|b| b.is_ascii_digit()) {
        return format!("{}{} ed.", edition.trim_start_matches('0'), ordinal_suffix(edition));
    }
    let digits = edition.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &edition[digits.len()..];
    if !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && suffix.eq_ignore_ascii_case(ordinal_suffix(digits))
    {
        return format!("{edition} ed.");
    }
    edition.to_string()
}

fn ordinal_suffix(number: &str) -> &'static str {
    let tens = number
        .len()
        .checked_sub(2)
        .and_then(|i| number.get(i..))
        .unwrap_or(number);
    if matches!(tens, "11" | "12" | "13") {
        return "th";
    }
    match number.as_bytes().last() {
        Some(b'1') => "st",
        Some(b'2') => "nd",
        Some(b'3') => "rd",
        _ => "th",
    }
}

/// A page range with a hyphen and the second number written out in full (`1235-46` →
/// `1235-1246`, CSL's `expanded` form); anything that is not a plain range (article
/// numbers, `e123-e130`, lists) keeps its digits with hyphens for dashes.
pub fn page_range(pages: &str) -> String {
    let dashed: String = pages
        .chars()
        .map(|c| {
            if matches!(c, '\u{2013}' | '\u{2014}' | '\u{2012}' | '\u{2212}') {
                '-'
            } else {
                c
            }
        })
        .collect();
    let Some((first, last)) = dashed.split_once('-') else {
        return dashed;
    };
    let (first, last) = (first.trim(), last.trim().trim_start_matches('-').trim());
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if numeric(first) && numeric(last) && last.len() < first.len() {
        return format!("{first}-{}{last}", &first[..first.len() - last.len()]);
    }
    format!("{first}-{last}")
}

pub fn doi_url(doi: &str) -> String {
    let doi = crate::bibliography::identifiers::bare_doi(doi);
    format!("https://doi.org/{}", encode_path_segment(doi))
}

pub fn pubmed_url(pmid: &str) -> String {
    format!("https://pubmed.ncbi.nlm.nih.gov/{}/", encode_path_segment(pmid.trim()))
}

pub fn pmc_url(pmcid: &str) -> String {
    format!(
        "https://pmc.ncbi.nlm.nih.gov/articles/{}/",
        encode_path_segment(pmcid.trim())
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bibliography::blank_reference;

    fn research() -> Reference {
        let mut reference = blank_reference(
            "vision".into(),
            ReferenceKind::Research,
            "Lutetium-177-PSMA-617 for Metastatic Castration-Resistant Prostate Cancer".into(),
        );
        reference.authors = vec!["Sartor O".into(), "de Bono J".into()];
        reference.journal = Some("N Engl J Med".into());
        reference.year = Some(2021);
        reference.volume = Some("385".into());
        reference.issue = Some("12".into());
        reference.pages = Some("1091-1103".into());
        reference.doi = Some("10.1056/NEJMoa2107322".into());
        reference
    }

    #[test]
    fn formats_a_journal_article_in_ama_style() {
        assert_eq!(
            format_ama(&research()),
            "Sartor O, de Bono J. Lutetium-177-PSMA-617 for Metastatic Castration-Resistant Prostate Cancer. <i>N Engl J Med</i>. 2021;385(12):1091-1103. doi:10.1056/NEJMoa2107322"
        );
    }

    #[test]
    fn shortens_long_author_lists_and_escapes() {
        let mut reference = research();
        reference.authors = (1..=7).map(|n| format!("Author{n} A")).collect();
        reference.title = "<script>Bold</script> claims".into();
        let html = format_ama(&reference);
        assert!(
            html.starts_with("Author1 A, Author2 A, Author3 A, et al. &lt;script&gt;Bold&lt;/script&gt; claims."),
            "{html}"
        );
    }

    #[test]
    fn formats_a_guideline_with_its_publisher() {
        let mut reference = research();
        reference.kind = ReferenceKind::Guideline;
        reference.authors.clear();
        reference.title = "Guidelines on Prostate Cancer".into();
        reference.journal = None;
        reference.doi = None;
        reference.publisher = Some("European Association of Urology".into());
        reference.year = Some(2024);
        assert_eq!(
            format_ama(&reference),
            "<i>Guidelines on Prostate Cancer</i>. European Association of Urology; 2024."
        );
    }

    #[test]
    fn pages_use_a_hyphen_and_the_full_second_number() {
        assert_eq!(page_range("1235-46"), "1235-1246");
        assert_eq!(page_range("1091\u{2013}1103"), "1091-1103");
        assert_eq!(page_range("e2312345"), "e2312345");
        assert_eq!(page_range("S12-S19"), "S12-S19");
        assert_eq!(page_range("99-101"), "99-101");
    }

    #[test]
    fn editions_read_as_ama_prints_them() {
        assert_eq!(edition_label("15"), "15th ed.");
        assert_eq!(edition_label("2"), "2nd ed.");
        assert_eq!(edition_label("11"), "11th ed.");
        assert_eq!(edition_label("21"), "21st ed.");
        assert_eq!(edition_label("3rd"), "3rd ed.");
        assert_eq!(edition_label("2nd ed."), "2nd ed.");
        assert_eq!(edition_label("Revised"), "Revised");
    }

    #[test]
    fn a_book_has_its_edition_and_its_period_outside_the_italics() {
        let mut reference = research();
        reference.kind = ReferenceKind::Textbook;
        reference.title = "Harrison's Principles of Internal Medicine".into();
        reference.edition = Some("21".into());
        reference.publisher = Some("McGraw Hill".into());
        reference.year = Some(2022);
        reference.doi = None;
        reference.authors = vec!["Loscalzo J".into()];
        assert_eq!(
            format_ama(&reference),
            "Loscalzo J. <i>Harrison\u{2019}s Principles of Internal Medicine</i>. 21st ed. McGraw Hill; 2022."
        );
        reference.edition = Some("2nd ed.".into());
        assert!(format_ama(&reference).contains("</i>. 2nd ed. McGraw Hill"));
    }

    #[test]
    fn books_name_their_editors_and_chapters_their_book() {
        let mut book = research();
        book.kind = ReferenceKind::Textbook;
        book.doi = None;
        book.journal = None;
        book.authors.clear();
        book.editors = vec!["Jameson JL".into(), "Fauci AS".into()];
        book.title = "Harrison's Manual of Medicine".into();
        book.edition = Some("20".into());
        book.publisher = Some("McGraw Hill".into());
        book.year = Some(2020);
        assert_eq!(
            format_ama(&book),
            "Jameson JL, Fauci AS, eds. <i>Harrison\u{2019}s Manual of Medicine</i>. 20th ed. McGraw Hill; 2020."
        );
        book.authors = vec!["Walsh PC".into()];
        book.editors = (1..=7).map(|n| format!("Editor{n} E")).collect();
        assert!(
            format_ama(&book).contains("</i>. 20th ed. (Editor1 E, Editor2 E, Editor3 E, et al., eds.). McGraw Hill"),
            "{}",
            format_ama(&book)
        );
        let mut chapter = book.clone();
        chapter.editors = vec!["Goldman L".into()];
        chapter.title = "Approach to the patient".into();
        chapter.book_title = Some("Goldman-Cecil Medicine".into());
        chapter.pages = Some("12-9".into());
        assert_eq!(
            format_ama(&chapter),
            "Walsh PC. Approach to the patient. In: Goldman L, ed. <i>Goldman-Cecil Medicine</i>. 20th ed. McGraw Hill; 2020:12-19."
        );
    }

    #[test]
    fn journal_abbreviations_lose_their_periods() {
        let mut reference = research();
        reference.journal = Some("N. Engl. J. Med.".into());
        assert!(format_ama(&reference).contains(" <i>N Engl J Med</i>. 2021;"));
    }

    #[test]
    fn an_article_without_an_issue_is_published_online() {
        let mut reference = research();
        reference.volume = None;
        reference.issue = None;
        reference.pages = None;
        assert!(
            format_ama(&reference).ends_with("<i>N Engl J Med</i>. Published online 2021. doi:10.1056/NEJMoa2107322")
        );
    }

    #[test]
    fn a_paper_on_a_preprint_server_is_a_preprint() {
        let mut reference = research();
        reference.journal = Some("medRxiv".into());
        reference.volume = None;
        reference.issue = None;
        reference.pages = None;
        assert!(
            format_ama(&reference).ends_with("<i>medRxiv</i>. Preprint posted online 2021. doi:10.1056/NEJMoa2107322"),
            "{}",
            format_ama(&reference)
        );
    }

    #[test]
    fn a_publication_date_prints_only_where_ama_prints_it() {
        let mut reference = research();
        reference.date = crate::date::PublicationDate::parse_iso("2021-09-16");
        assert!(
            format_ama(&reference).contains("<i>N Engl J Med</i>. 2021;385(12)"),
            "in an issue: the year"
        );
        reference.volume = None;
        reference.issue = None;
        reference.pages = None;
        assert!(
            format_ama(&reference).contains("<i>N Engl J Med</i>. Published online September 16, 2021. doi:"),
            "{}",
            format_ama(&reference)
        );
        reference.date = crate::date::PublicationDate::parse_iso("2020-09");
        assert!(
            format_ama(&reference).contains(". Published online 2021. doi:"),
            "a date contradicting the year gives way to it: {}",
            format_ama(&reference)
        );
    }

    #[test]
    fn a_web_page_ends_with_its_access_date_and_address() {
        let mut reference = research();
        reference.kind = ReferenceKind::Web;
        reference.authors.clear();
        reference.journal = None;
        reference.doi = None;
        reference.title = "Pluvicto".into();
        reference.publisher = Some("Novartis".into());
        reference.year = Some(2024);
        reference.url = Some("https://example.org/a?b=1&c=2".into());
        reference.accessed = crate::date::Date::parse_iso("2025-03-07");
        assert_eq!(
            format_ama(&reference),
            "Pluvicto. Novartis. 2024. Accessed March 7, 2025. https://example.org/a?b=1&amp;c=2"
        );
    }

    #[test]
    fn title_markup_becomes_italics_and_the_rest_is_escaped() {
        let mut reference = research();
        reference.title = "*Staphylococcus aureus* & <i>E coli</i> <img src=x>".into();
        assert!(
            format_ama(&reference)
                .contains(". <i>Staphylococcus aureus</i> &amp; <i>E coli</i> &lt;img src=x&gt;. <i>N Engl J Med</i>"),
            "{}",
            format_ama(&reference)
        );
    }

    #[test]
    fn shows_why_a_retracted_paper_is_cited() {
        let mut reference = research();
        reference.retraction_note = Some("Retracted in 2024; cited to explain the <retraction>".into());
        for style in crate::bibliography::config::styles() {
            let html = format_reference(&reference, style);
            assert!(
                html.ends_with(
                    " <span class=\"reference__notice\">Notice: Retracted in 2024; cited to explain the &lt;retraction&gt;</span>"
                ),
                "{style}: {html}"
            );
        }
    }

    #[test]
    fn every_style_offered_in_evident_yaml_is_one_that_formats() {
        let styles: Vec<&str> = crate::bibliography::config::styles().collect();
        assert_eq!(styles[0], "ama");
        assert_eq!(&styles[1..], crate::bibliography::config::CSL_STYLES);
    }

    #[test]
    fn links_identifiers() {
        assert_eq!(
            doi_url("10.1056/NEJMoa2107322"),
            "https://doi.org/10.1056/NEJMoa2107322"
        );
        // The same prefixes the identifier check names, case kept.
        assert_eq!(doi_url(" http://dx.doi.org/10.1/X"), "https://doi.org/10.1/X");
        assert_eq!(doi_url("DOI:10.1/X"), "https://doi.org/10.1/X");
        assert_eq!(pubmed_url("34161051"), "https://pubmed.ncbi.nlm.nih.gov/34161051/");
    }
}
