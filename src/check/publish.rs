//! With `review.publish: approved`, what the published site leaves out: a published
//! article's `related` entry naming an article that is not published (pending review, or a
//! draft) is dropped from its page, and the editor is told.

use crate::config::{Publish, SiteConfig};
use crate::diagnostic::{Code, Diagnostic};
use crate::link::{LinkOptions, is_published};
use crate::parse::article::Article;
use std::collections::HashMap;

pub fn check_unpublished_links(articles: &[Article], config: &SiteConfig) -> Vec<Diagnostic> {
    if config.review.publish != Publish::Approved {
        return Vec::new();
    }
    let published_site = LinkOptions::default();
    let by_slug: HashMap<&str, &Article> = articles.iter().map(|a| (a.slug.as_str(), a)).collect();
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
                .spans
                .related
                .get(index)
                .copied()
                .unwrap_or(article.spans.front_matter_start);
            found.push(
                Diagnostic::new(
                    Code::RelatedUnpublished,
                    &article.file,
                    at,
                    format!(
                        "`{slug}` is not published (review.publish: approved, and it is {}): the published page leaves this related question out",
                        crate::review::record::describe_state(&target.review_state)
                    ),
                )
                .with_hint(format!(
                    "it appears once a reviewer approves it ({}); or remove `{slug}` from `related` until then",
                    target.file
                )),
            );
        }
    }
    found
}
