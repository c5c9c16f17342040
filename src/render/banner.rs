//! The review banner and the guard over the claims it makes. Evident renders the banner
//! itself from a template no site can replace; site templates only place it
//! (`{{ article.review_banner | safe }}`). Before a page is written, the guard refuses one
//! that claims a review anywhere but in that banner, or that leaves the banner out.

use super::context::ReviewView;
use crate::diagnostic::{Code, Diagnostic, Position};
use serde::Serialize;
use std::path::Path;
use std::sync::OnceLock;

/// Compiled into the binary and outside `templates/`, so that no site file shadows it.
const BANNER_TEMPLATE: &str = include_str!("banner.html");
/// The review's progress, placed below the answer: the banner says the state in a line.
const PROGRESS_TEMPLATE: &str = include_str!("review_progress.html");

/// What, outside Evident's own banner and article text, would tell a reader (or a search
/// engine) that a person reviewed the page. Lower case; the page is compared in lower case.
pub const CLAIM_MARKERS: [&str; 6] = [
    "medically reviewed",
    "reviewed by",
    "approved by",
    "review-banner",
    "reviewedby",
    "lastreviewed",
];

#[derive(Serialize)]
struct BannerArticle<'v, 'a> {
    review: &'v ReviewView<'a>,
}

#[derive(Serialize)]
struct BannerSite<'s> {
    publisher: &'s str,
    policy_url: Option<&'s str>,
}

fn banner_tera() -> Result<&'static tera::Tera, String> {
    static TERA: OnceLock<Result<tera::Tera, String>> = OnceLock::new();
    TERA.get_or_init(|| {
        let mut tera = tera::Tera::new();
        tera.add_raw_templates([
            ("banner.html", BANNER_TEMPLATE),
            ("review_progress.html", PROGRESS_TEMPLATE),
        ])
        .map_err(|error| error.to_string())?;
        Ok(tera)
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Evident's two review parts of an article page.
pub struct Placed {
    /// The banner under the question: the only place a page may say it was reviewed.
    pub banner: String,
    /// The review's progress, for lower on the page.
    pub progress: String,
}

/// The banner and the progress section for a page whose review is `review`.
pub fn render_banner(review: &ReviewView<'_>, publisher: &str, policy_url: Option<&str>) -> Result<Placed, Diagnostic> {
    let failed = |error: String| {
        Diagnostic::new(
            Code::TemplateError,
            "built-in review banner",
            Position::START,
            format!("the review banner could not be rendered (this is a bug in Evident: please report it): {error}"),
        )
    };
    let tera = banner_tera().map_err(failed)?;
    let mut ctx = tera::Context::new();
    ctx.insert("article", &BannerArticle { review });
    ctx.insert("site", &BannerSite { publisher, policy_url });
    let render = |name: &str| tera.render(name, &ctx).map_err(|error| failed(error.to_string()));
    Ok(Placed {
        banner: render("banner.html")?,
        progress: render("review_progress.html")?,
    })
}

/// Evident's own parts of one article page: the banner, and the HTML Evident made from the
/// article itself. Whatever a page holds besides these came from the site's templates.
pub struct OwnParts<'v> {
    pub banner: &'v str,
    /// Article text and Evident's structured data: a claim inside them is the article's
    /// own words (or Evident's), not the template's.
    pub fragments: Vec<std::borrow::Cow<'v, str>>,
}

/// Why a rendered article page may not be published.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The page does not show Evident's banner exactly once.
    BannerCount(usize),
    /// A review claim outside the banner: the marker found.
    Claim(&'static str),
}

/// Checks a rendered article page against Evident's own parts of it: every claim marker
/// (compared in ASCII lower case; the markers are ASCII, so offsets stay the page's) must lie
/// within a verbatim copy of one of them.
///
/// Every page is checked, so the page is scanned once for the stem all but one marker share
/// and once for the other, with `memchr`'s vectorised search, and an own part is looked for
/// only around each claim found (the banner first, which holds most of them).
///
/// The page is taken as the bytes about to be written (UTF-8, as Tera makes them): making
/// it a `str` again would check every byte of every page once more for nothing.
pub fn guard_page(page: &[u8], own: &OwnParts<'_>) -> Result<(), Refusal> {
    let shown = if own.banner.is_empty() {
        0
    } else {
        memchr::memmem::find_iter(page, own.banner.as_bytes()).count()
    };
    let mut parts: Vec<&str> = own.fragments.iter().map(|f| &**f).filter(|f| !f.is_empty()).collect();
    // Short parts first: they are the cheap ones to look for around a marker.
    parts.sort_by_key(|f| f.len());
    parts.insert(0, own.banner);
    let claims = LOWER.with_borrow_mut(|lower| {
        lower.clear();
        lower.extend(page.iter().map(u8::to_ascii_lowercase));
        claims_in(lower)
    });
    // In marker order, so that the finding names the most telling claim; a claim is the
    // more telling fault too: a template that fakes a banner usually drops Evident's.
    for marker in CLAIM_MARKERS {
        for &(start, _) in claims.iter().filter(|(_, m)| *m == marker) {
            let claim = start..start + marker.len();
            if !parts.iter().any(|part| holds(page, part, &claim)) {
                return Err(Refusal::Claim(marker));
            }
        }
    }
    if shown != 1 {
        return Err(Refusal::BannerCount(shown));
    }
    Ok(())
}

/// Substrings that every claim marker contains one of, found fast to find the markers.
const CLAIM_STEMS: [&str; 2] = ["review", "approved by"];

thread_local! {
    /// Each thread's lower-case copy of the page being guarded, reused from page to page.
    static LOWER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A searcher for each of `CLAIM_STEMS`, built once rather than for every page.
fn stem_finders() -> &'static [memchr::memmem::Finder<'static>; 2] {
    static FINDERS: OnceLock<[memchr::memmem::Finder<'static>; 2]> = OnceLock::new();
    FINDERS.get_or_init(|| CLAIM_STEMS.map(|stem| memchr::memmem::Finder::new(stem.as_bytes())))
}

/// Every claim marker in `lower` (the page in ASCII lower case): where it starts, and which.
fn claims_in(lower: &[u8]) -> Vec<(usize, &'static str)> {
    let mut claims = Vec::new();
    for (stem, finder) in CLAIM_STEMS.iter().zip(stem_finders()) {
        // Where in each marker this stem stands, if it does.
        let offsets = CLAIM_MARKERS.map(|marker| marker.find(stem));
        for at in finder.find_iter(lower) {
            for (marker, offset) in CLAIM_MARKERS.iter().zip(offsets) {
                // Where the marker would start if this stem is the one inside it.
                let Some(offset) = offset else { continue };
                let Some(start) = at.checked_sub(offset) else { continue };
                if lower.get(start..start + marker.len()) == Some(marker.as_bytes()) {
                    claims.push((start, *marker));
                }
            }
        }
    }
    claims
}

/// Whether a copy of `part` in `page` spans the bytes `claim`.
///
/// Looked for from the claim's side: a copy holds the claim's text at some offset of its
/// own, so each place `part` holds that text names the one start a copy could have, and a
/// comparison settles it. Searching the page for `part` instead built a searcher over the
/// whole part (often the article's body) for every claim: a twentieth of a build's time.
fn holds(page: &[u8], part: &str, claim: &std::ops::Range<usize>) -> bool {
    let part = part.as_bytes();
    let Some(said) = page.get(claim.clone()) else {
        return false;
    };
    if part.len() < said.len() {
        return false;
    }
    memchr::memmem::find_iter(part, said).any(|offset| {
        claim
            .start
            .checked_sub(offset)
            .and_then(|start| page.get(start..start + part.len()))
            == Some(part)
    })
}

/// The finding for a refused page, pointed at the site template that holds the claim when
/// one does.
pub fn refusal_finding(root: &Path, output: &str, template: &str, refusal: &Refusal) -> Diagnostic {
    match refusal {
        Refusal::BannerCount(count) => Diagnostic::new(
            Code::ReviewFalseClaim,
            &format!("templates/{template}"),
            Position::START,
            format!(
                "{output} would show Evident's review banner {count} times: a page must say exactly once whether a clinician reviewed it"
            ),
        )
        .with_hint("place the banner once with {{ article.review_banner | safe }}"),
        Refusal::Claim(marker) => {
            let (file, position) = find_in_templates(root, marker).unwrap_or_else(|| (format!("templates/{template}"), Position::START));
            Diagnostic::new(
                Code::ReviewFalseClaim,
                &file,
                position,
                format!(
                    "{output} would claim a review (\"{marker}\") outside Evident's review banner; the page was not written"
                ),
            )
            .with_hint("only Evident's banner may say whether a page was reviewed: remove the claim and place the banner with {{ article.review_banner | safe }}")
        }
    }
}

/// The first site template holding `marker` (any case), and where.
fn find_in_templates(root: &Path, marker: &str) -> Option<(String, Position)> {
    let dir = root.join("templates");
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name().into_iter().flatten() {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            if let Some(at) = line.to_lowercase().find(marker) {
                let column = line.to_lowercase()[..at].chars().count() + 1;
                let file = format!("templates/{}", crate::load::rel_path(&dir, entry.path()));
                let line = u32::try_from(n + 1).unwrap_or(u32::MAX);
                let column = u32::try_from(column).unwrap_or(u32::MAX);
                return Some((file, Position::new(line, column)));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard_page_str(page: &str, own: &OwnParts<'_>) -> Result<(), Refusal> {
        guard_page(page.as_bytes(), own)
    }

    fn own<'v>(banner: &'v str, fragments: &[&'v str]) -> OwnParts<'v> {
        OwnParts {
            banner,
            fragments: fragments.iter().map(|f| std::borrow::Cow::Borrowed(*f)).collect(),
        }
    }

    #[test]
    fn a_claim_inside_the_banner_or_the_article_text_is_allowed() {
        let parts = own(
            "<div>Medically reviewed</div>",
            &["<p>The dose was reviewed by the FDA.</p>"],
        );
        let page = "<h1>Q?</h1><div>Medically reviewed</div><p>The dose was reviewed by the FDA.</p>";
        assert_eq!(guard_page_str(page, &parts), Ok(()));
    }

    #[test]
    fn a_claim_the_template_adds_is_refused_in_any_case() {
        let parts = own("<div>pending</div>", &[]);
        let page = "<div>pending</div><p>MEDICALLY Reviewed</p>";
        assert_eq!(guard_page_str(page, &parts), Err(Refusal::Claim("medically reviewed")));
        let page = "<div>pending</div><script type=\"application/ld+json\">{\"reviewedBy\":\"x\"}</script>";
        assert_eq!(guard_page_str(page, &parts), Err(Refusal::Claim("reviewedby")));
        let page = "<div>pending</div><div class=\"review-banner review-banner--reviewed\"></div>";
        assert_eq!(guard_page_str(page, &parts), Err(Refusal::Claim("review-banner")));
    }

    #[test]
    fn the_banner_must_be_shown_exactly_once() {
        let parts = own("<div>pending</div>", &[]);
        assert_eq!(guard_page_str("<p>nothing</p>", &parts), Err(Refusal::BannerCount(0)));
        assert_eq!(
            guard_page_str("<div>pending</div><div>pending</div>", &parts),
            Err(Refusal::BannerCount(2))
        );
    }

    #[test]
    fn a_claim_made_across_the_edge_of_an_own_part_is_refused() {
        // The banner's last word and the template's next words make a claim that neither
        // holds whole.
        let parts = own("<div>Medically</div>", &["<p>Text é</p>"]);
        let page = "<div>Medically</div> reviewed by us";
        assert_eq!(guard_page_str(page, &parts), Err(Refusal::Claim("reviewed by")));
        let page = "<div>Medically</div><p>Text é</p>é Reviewed By é";
        assert_eq!(guard_page_str(page, &parts), Err(Refusal::Claim("reviewed by")));
    }

    #[test]
    fn a_part_that_says_the_claim_twice_covers_either_copy_it_is_written_around() {
        let parts = own("<div>pending</div>", &["<p>Reviewed once, reviewed by us twice</p>"]);
        let page = "<div>pending</div><p>Reviewed once, reviewed by us twice</p>";
        assert_eq!(guard_page_str(page, &parts), Ok(()));
        // The same words, one letter off the part: the second claim is the template's.
        let page = "<div>pending</div><p>Reviewed once, reviewed by us thrice</p>";
        assert_eq!(guard_page_str(page, &parts), Err(Refusal::Claim("reviewed by")));
    }

    #[test]
    fn a_copy_of_the_article_text_elsewhere_on_the_page_is_its_own() {
        let parts = own("<div>pending</div>", &["Approved by the EMA in 2022 — ü"]);
        let page =
            "<title>Approved by the EMA in 2022 — ü</title><div>pending</div><p>Approved by the EMA in 2022 — ü</p>";
        assert_eq!(guard_page_str(page, &parts), Ok(()));
    }
}
