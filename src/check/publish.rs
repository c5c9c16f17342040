//! With `review.publish: approved`, what the published site leaves out: a published
//! article's `related` entry naming an article that is not published (pending review, or a
//! draft) is dropped from its page, and the editor is told; a link written in its text to
//! such an article would lead readers nowhere, and is an error.

use crate::config::{Publish, SiteConfig};
use crate::diagnostic::{Code, Diagnostic};
use crate::parse::article::Article;
use crate::parse::front_matter::ReviewStatus;
use crate::site_path::{Target, resolve};
use std::collections::HashMap;

/// What a build publishes beyond the site's rule (`review.publish`). The rule itself is
/// here, beside the checks of what it leaves out; `link` applies it.
#[derive(Clone, Copy, Debug, Default)]
pub struct LinkOptions {
    /// Publish drafts too (`--drafts`): for previews, never for production.
    pub include_drafts: bool,
    /// A preview: articles pending review are included even where `review.publish:
    /// approved` keeps them off the published site.
    pub include_pending: bool,
}

/// Whether `article` belongs on the site `options` builds.
pub fn is_published(article: &Article, config: &SiteConfig, options: LinkOptions) -> bool {
    let drafts_allowed = options.include_drafts || article.review().status != ReviewStatus::Draft;
    let pending_allowed = options.include_pending
        || config.review.publish == crate::config::Publish::All
        || article.review_state.is_reviewed();
    drafts_allowed && pending_allowed && !article.is_retired()
}

pub fn check_unpublished_links(articles: &[Article], config: &SiteConfig) -> Vec<Diagnostic> {
    if config.review.publish != Publish::Approved {
        return Vec::new();
    }
    let published_site = LinkOptions::default();
    let by_slug: HashMap<&str, &Article> = articles.iter().map(|a| (a.slug.as_ref(), a)).collect();
    let mut found = Vec::new();
    for article in articles.iter().filter(|a| is_published(a, config, published_site)) {
        for (index, slug) in article.related.iter().enumerate() {
            let Some(target) = by_slug.get(slug.as_str()) else {
                continue; // related/dangling reports it
            };
            if is_published(target, config, published_site) {
                continue;
            }
            let at = article
                .places
                .related
                .get(index)
                .copied()
                .unwrap_or(article.places.front_matter_start);
            found.push(
                Diagnostic::new(
                    Code::RelatedUnpublished,
                    &article.file,
                    at,
                    format!(
                        "`{slug}` is not published (review.publish: approved, and it is {}): the published page leaves this related question out",
                        crate::review::describe_state(&target.review_state)
                    ),
                )
                .with_hint(format!(
                    "it appears once a reviewer approves it ({}); or remove `{slug}` from `related` until then",
                    target.file
                )),
            );
        }
        let answers = article.answers().flat_map(|a| a.links());
        for link in answers.chain(article.body_links()) {
            let Some(target) = linked_slug(&article.slug, &link.url).and_then(|slug| by_slug.get(slug.as_str())) else {
                continue;
            };
            if is_published(target, config, published_site) {
                continue;
            }
            found.push(
                Diagnostic::new(
                    Code::LinkUnpublished,
                    &article.file,
                    link.at,
                    format!(
                        "this link leads to `{}`, which is not published (review.publish: approved, and it is {}): readers of the published page would find nothing there",
                        target.slug,
                        crate::review::describe_state(&target.review_state)
                    ),
                )
                .with_hint(format!(
                    "link to it once a reviewer approves it ({}), or remove the link until then",
                    target.file
                )),
            );
        }
    }
    found
}

/// The article slug a link of the page `/questions/<own>/` points at, if it points at an
/// article page: `@x`, `/questions/x/`, `../x/`, `x/` relative forms included.
fn linked_slug(own: &str, url: &str) -> Option<String> {
    let Some(Target::Site { path, .. }) = resolve(&format!("questions/{own}/"), url) else {
        return None;
    };
    let page = path.strip_suffix("index.html").unwrap_or(&path);
    let slug = page.strip_prefix("questions/")?.trim_end_matches('/');
    (!slug.is_empty() && !slug.contains('/')).then(|| slug.to_string())
}

#[cfg(test)]
mod tests {
    use super::linked_slug;

    #[test]
    fn finds_the_article_a_link_points_at() {
        for (url, slug) in [
            ("/questions/b/", Some("b")),
            ("@b#dose", Some("b")),
            ("#dose", None),
            ("/questions/b", Some("b")),
            ("../b/#dose", Some("b")),
            ("../../questions/b/index.html", Some("b")),
            ("./", Some("a")),
            ("/topics/x/", None),
            ("/questions/b/history/", None),
            ("../../theme/a.png", None),
        ] {
            assert_eq!(linked_slug("a", url).as_deref(), slug, "{url}");
        }
    }
}
