//! Stage 3, check: judges the parsed content and returns every finding; it never stops at
//! the first. The caller applies the site's severities and decides what fails.

mod article;
pub mod citations;
pub mod external;
mod graph;
pub mod links;
pub mod publish;
mod site;
mod title_case;
pub mod urls;

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

/// The longest slug: a slug is one folder name of the output, which file systems cap.
pub const MAX_SLUG_LEN: usize = crate::write::MAX_COMPONENT_BYTES;

/// `[a-z0-9]+(-[a-z0-9]+)*`, at most `MAX_SLUG_LEN` long: what slugs and topic names may
/// be, so URLs stay clean and every one is a folder name the file system takes.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= MAX_SLUG_LEN
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// What to tell an editor whose `slug` (or, when not `explicit`, file name) is not a valid
/// slug: the message and the hint. `None` for a valid one.
pub fn slug_problem(slug: &str, explicit: bool) -> Option<(String, String)> {
    if is_valid_slug(slug) {
        return None;
    }
    let suggestion = suggest_slug(slug);
    let too_long = suggestion.len() > MAX_SLUG_LEN || slug.len() > MAX_SLUG_LEN;
    let shown: String = if slug.chars().count() > 60 {
        format!("{}…", slug.chars().take(60).collect::<String>())
    } else {
        slug.to_string()
    };
    Some(match (explicit, too_long) {
        (_, true) => (
            format!(
                "the slug `{shown}` is {} characters long; a slug may have at most {MAX_SLUG_LEN}",
                slug.chars().count()
            ),
            "shorten it: a slug names the page's folder, and a few words are enough".to_string(),
        ),
        (true, false) if suggestion.is_empty() => (
            format!("`{shown}` is not a valid slug"),
            "use lowercase letters, digits and single hyphens, e.g. `editorial-policy`".to_string(),
        ),
        (true, false) => (
            format!("`{shown}` is not a valid slug"),
            format!("use lowercase letters, digits and single hyphens, e.g. `{suggestion}`"),
        ),
        (false, false) => (
            format!("the file name `{shown}` is not a valid slug"),
            format!("rename the file to `{suggestion}.md` or add `slug: {suggestion}`"),
        ),
    })
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
        assert!(is_valid_slug(&"a".repeat(MAX_SLUG_LEN)));
        assert!(!is_valid_slug(&"a".repeat(MAX_SLUG_LEN + 1)));
    }

    #[test]
    fn bad_slugs_are_explained() {
        assert_eq!(slug_problem("fine-slug", true), None);
        let (message, hint) = slug_problem("../../x", true).unwrap();
        assert_eq!(message, "`../../x` is not a valid slug");
        assert!(hint.contains("e.g. `x`"), "{hint}");
        let (_, hint) = slug_problem(".", true).unwrap();
        assert!(hint.contains("editorial-policy"), "{hint}");
        let (message, hint) = slug_problem(&"a".repeat(300), true).unwrap();
        assert!(
            message.contains("300 characters long") && message.contains("at most 255"),
            "{message}"
        );
        assert!(message.len() < 200, "the slug is not quoted whole: {message}");
        assert!(hint.starts_with("shorten"));
        let (message, hint) = slug_problem("Über Uns", false).unwrap();
        assert!(message.starts_with("the file name"));
        assert!(hint.contains("ber-uns.md"), "{hint}");
    }
}
