//! With `review.publish: approved`, what the published site leaves out: a published
//! article's `related` entry naming an article that is not published (pending review, or a
//! draft) is dropped from its page, and the editor is told; a link written in its text to
//! such an article would lead readers nowhere, and is an error.

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
                        crate::review::describe_state(&target.review_state)
                    ),
                )
                .with_hint(format!(
                    "it appears once a reviewer approves it ({}); or remove `{slug}` from `related` until then",
                    target.file
                )),
            );
        }
        let answers = article
            .answer
            .links
            .iter()
            .chain(article.plain_answer.iter().flat_map(|a| &a.links));
        for (url, at) in answers.chain(&article.body_links) {
            let Some(target) = linked_slug(&article.slug, url).and_then(|slug| by_slug.get(slug.as_str())) else {
                continue;
            };
            if is_published(target, config, published_site) {
                continue;
            }
            found.push(
                Diagnostic::new(
                    Code::LinkUnpublished,
                    &article.file,
                    *at,
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
/// article page: `/questions/x/`, `../x/`, `x/` relative forms included.
fn linked_slug(own: &str, url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    if path.is_empty() {
        return None;
    }
    let mut segments: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        vec!["questions", own]
    };
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    match segments.as_slice() {
        ["questions", slug, rest @ ..] if rest.is_empty() || rest == ["index.html"] => Some((*slug).to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::linked_slug;

    #[test]
    fn finds_the_article_a_link_points_at() {
        for (url, slug) in [
            ("/questions/b/", Some("b")),
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
