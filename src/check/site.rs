//! Checks that need every article at once: unique slugs and related links that resolve.

use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::fast_hash::FastMap;
use crate::parse::article::Article;
use crate::parse::page::Page;

/// Top-level folders the site's own pages use; a plain page cannot take their names.
pub const RESERVED_PAGE_SLUGS: &[&str] = &["questions", "topics", "theme", "graph", "review", "editions", "search"];

pub fn check_site(articles: &[Article], pages: &[Page]) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    // Run on every save in `serve`, over every article: the fast hash halves its cost.
    let mut first_of: FastMap<&str, &Article> = FastMap::default();
    first_of.reserve(articles.len());
    for article in articles {
        match first_of.get(article.slug.as_ref()) {
            Some(first) => found.push(
                Diagnostic::new(
                    Code::SlugDuplicate,
                    &article.file,
                    article.places.slug,
                    format!("the slug `{}` is already used by {}", article.slug, first.file),
                )
                .with_hint("every article needs its own slug: set a different `slug:` in one of the two"),
            ),
            None => {
                first_of.insert(&article.slug, article);
            }
        }
    }
    let mut page_first: FastMap<&str, &Page> = FastMap::default();
    for page in pages {
        // A page's slug is its folder at the top of the output: the article rules apply.
        if let Some((message, hint)) = super::slug_problem(&page.slug, page.slug_is_explicit) {
            found.push(
                Diagnostic::new(Code::FrontmatterInvalidValue, &page.file, page.slug_at, message).with_hint(hint),
            );
        } else if RESERVED_PAGE_SLUGS.contains(&page.slug.as_str()) {
            found.push(
                Diagnostic::new(
                    Code::SlugDuplicate,
                    &page.file,
                    page.slug_at,
                    format!("the page slug `{}` is reserved for the site's own pages", page.slug),
                )
                .with_hint("rename the file or set another `slug:`"),
            );
        } else if let Some(first) = page_first.insert(&page.slug, page) {
            found.push(
                Diagnostic::new(
                    Code::SlugDuplicate,
                    &page.file,
                    page.slug_at,
                    format!("the page slug `{}` is already used by {}", page.slug, first.file),
                )
                .with_hint("set a different `slug:` in one of the two"),
            );
        }
    }
    for article in articles {
        for (index, target) in article.related.iter().enumerate() {
            let at = article
                .places
                .related
                .get(index)
                .copied()
                .unwrap_or(article.places.front_matter_start);
            if **target == *article.slug {
                found.push(
                    Diagnostic::new(
                        Code::RelatedDangling,
                        &article.file,
                        at,
                        "the article lists itself as related",
                    )
                    .with_hint("remove its own slug from `related`"),
                );
            } else if !first_of.contains_key(target.as_str()) {
                let hint = match did_you_mean(target, first_of.keys().copied()) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => "use the slug of an existing article (its file name without .md)".to_string(),
                };
                found.push(
                    Diagnostic::new(
                        Code::RelatedDangling,
                        &article.file,
                        at,
                        format!("related question `{target}` does not exist"),
                    )
                    .with_hint(hint),
                );
            }
        }
    }
    found
}
