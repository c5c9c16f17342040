//! Stage 3, check: judges the parsed content and returns every finding; it never stops at
//! the first. The caller applies the site's severities and decides what fails.

mod article;
pub mod citations;
pub mod external;
pub mod links;
pub mod publish;
mod site;
mod title_case;
pub mod urls;

pub use article::check_article;
pub use site::check_site;

pub use crate::slug::{MAX_SLUG_LEN, is_valid_slug, slug_problem, suggest_slug};

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
