//! Formatting a reference for the list at the foot of an article (AMA style).

use super::urls::encode_path_segment;
use crate::html::escape_into;
use crate::parse::front_matter::{Reference, ReferenceKind};

/// The reference styles `citations.style` may name: Evident's own AMA formatter, then the
/// CSL styles of `super::csl::CSL_STYLES`.
pub const STYLES: &[&str] = &[
    "ama",
    "american-medical-association",
    "american-psychological-association",
    "british-medical-journal",
    "chicago-author-date",
    "elsevier-vancouver",
    "harvard-cite-them-right",
    "nature",
    "the-lancet",
];

/// The reference in the site's style as trusted HTML, with the reason a paper on the
/// retraction list is cited when the editor gave one.
pub fn format_reference(reference: &Reference, style: &str) -> String {
    let mut html = match style {
        "ama" => format_ama(reference),
        // A reference the style cannot format is a `reference/unformattable` error, so no
        // build publishes this fallback; `serve` shows it while the error is fixed.
        csl => super::csl::format_csl(reference, csl).unwrap_or_else(|| format_ama(reference)),
    };
    // A paper cited despite a retraction or other notice says so beside its citation.
    if let Some(note) = reference.retraction_note.as_deref().filter(|n| !n.trim().is_empty()) {
        html.push_str(" <span class=\"reference__notice\">Notice: ");
        escape_into(&mut html, note.trim());
        html.push_str("</span>");
    }
    html
}

/// The AMA citation as trusted HTML; identifiers are linked separately by the template.
pub fn format_ama(reference: &Reference) -> String {
    let mut html = String::with_capacity(160);
    if !reference.authors.is_empty() {
        let shown: Vec<&str> = if reference.authors.len() > 6 {
            reference.authors.iter().take(3).map(String::as_str).collect()
        } else {
            reference.authors.iter().map(String::as_str).collect()
        };
        escape_into(&mut html, &shown.join(", "));
        if reference.authors.len() > 6 {
            html.push_str(", et al");
        }
        html.push_str(". ");
    }
    let italic_title = matches!(reference.kind, ReferenceKind::Guideline | ReferenceKind::Textbook);
    if italic_title {
        html.push_str("<i>");
    }
    escape_into(&mut html, &sentence(&reference.title));
    if italic_title {
        html.push_str("</i>");
    }
    if let Some(edition) = &reference.edition {
        html.push(' ');
        escape_into(&mut html, edition);
        html.push_str(" ed.");
    }
    match reference.kind {
        ReferenceKind::Research | ReferenceKind::Review => {
            if let Some(journal) = &reference.journal {
                html.push_str(" <i>");
                escape_into(&mut html, journal.trim_end_matches('.'));
                html.push_str("</i>.");
            }
            if let Some(year) = reference.year {
                html.push_str(&format!(" {year}"));
                if let Some(volume) = &reference.volume {
                    html.push(';');
                    escape_into(&mut html, volume);
                    if let Some(issue) = &reference.issue {
                        html.push('(');
                        escape_into(&mut html, issue);
                        html.push(')');
                    }
                }
                if let Some(pages) = &reference.pages {
                    html.push(':');
                    escape_into(&mut html, &pages.replace('-', "\u{2013}"));
                }
                html.push('.');
            }
        }
        _ => {
            if let Some(publisher) = &reference.publisher {
                html.push(' ');
                escape_into(&mut html, publisher.trim_end_matches('.'));
                html.push(if reference.year.is_some() { ';' } else { '.' });
            }
            if let Some(year) = reference.year {
                html.push_str(&format!(" {year}."));
            }
            if let Some(accessed) = reference.accessed {
                html.push_str(&format!(" Accessed {}.", accessed.display()));
            }
        }
    }
    html
}

/// Titles end with a full stop unless they already end with punctuation.
fn sentence(title: &str) -> String {
    let title = title.trim();
    if title.ends_with(['.', '?', '!']) {
        title.to_string()
    } else {
        format!("{title}.")
    }
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
            "Sartor O, de Bono J. Lutetium-177-PSMA-617 for Metastatic Castration-Resistant Prostate Cancer. <i>N Engl J Med</i>. 2021;385(12):1091\u{2013}1103."
        );
    }

    #[test]
    fn shortens_long_author_lists_and_escapes() {
        let mut reference = research();
        reference.authors = (1..=7).map(|n| format!("Author{n} A")).collect();
        reference.title = "<b>Bold</b> claims".into();
        let html = format_ama(&reference);
        assert!(
            html.starts_with("Author1 A, Author2 A, Author3 A, et al. &lt;b&gt;Bold&lt;/b&gt; claims."),
            "{html}"
        );
    }

    #[test]
    fn formats_a_guideline_with_its_publisher() {
        let mut reference = research();
        reference.kind = ReferenceKind::Guideline;
        reference.authors.clear();
        reference.title = "Guidelines on Prostate Cancer".into();
        reference.publisher = Some("European Association of Urology".into());
        reference.year = Some(2024);
        assert_eq!(
            format_ama(&reference),
            "<i>Guidelines on Prostate Cancer.</i> European Association of Urology; 2024."
        );
    }

    #[test]
    fn shows_why_a_retracted_paper_is_cited() {
        let mut reference = research();
        reference.retraction_note = Some("Retracted in 2024; cited to explain the <retraction>".into());
        for style in STYLES {
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
        assert_eq!(STYLES[0], "ama");
        assert_eq!(&STYLES[1..], super::super::csl::CSL_STYLES);
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
