//! Stage 3, check: judges the parsed content and returns every finding; it never stops at
//! the first. The caller applies the site's severities and decides what fails.

mod article;
pub mod citations;
mod graph;
mod site;
mod title_case;

pub use article::check_article;
pub use graph::check_graph;
pub use site::check_site;

use crate::diagnostic::Diagnostic;
use crate::parse::ParsedContent;
use rayon::prelude::*;

/// All content checks: per article in parallel, then those that need the whole site.
pub fn check_content(parsed: &ParsedContent) -> Vec<Diagnostic> {
    let mut diagnostics: Vec<Diagnostic> = parsed.articles.par_iter().flat_map_iter(check_article).collect();
    diagnostics.extend(check_site(&parsed.articles, &parsed.pages));
    diagnostics
}

/// `[a-z0-9]+(-[a-z0-9]+)*`: what slugs and topic names may be, so URLs stay clean.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A suggestion for a slug that breaks the rules: lowercase words joined by single hyphens.
pub fn suggest_slug(text: &str) -> String {
    let mut slug = String::new();
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.push(c);
        } else {
            dash = true;
        }
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_hyphens() {
        for good in ["a", "lu-psma-617", "type-2-diabetes"] {
            assert!(is_valid_slug(good), "{good}");
        }
        for bad in ["", "-a", "a-", "a--b", "Lu-PSMA", "a_b", "a b", "é"] {
            assert!(!is_valid_slug(bad), "{bad}");
        }
        assert_eq!(suggest_slug("Lu PSMA_617 (Pluvicto)"), "lu-psma-617-pluvicto");
    }
}
