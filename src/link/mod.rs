//! Stage 4, link: decides what is published and connects it — slugs to articles, related
//! questions and backlinks, topic hubs, recency. Output: an immutable `Site` of indices.

use crate::config::SiteConfig;
use crate::parse::ParsedContent;
use crate::parse::article::Article;
use crate::parse::front_matter::ReviewStatus;
use crate::parse::page::Page;
use std::collections::{BTreeMap, HashMap};

pub struct Site<'a> {
    pub config: &'a SiteConfig,
    /// Published articles, sorted by slug.
    pub articles: Vec<&'a Article>,
    /// Plain pages, sorted by title.
    pub pages: Vec<&'a Page>,
    /// For each article, the articles it lists as related that are published.
    pub related: Vec<Vec<usize>>,
    /// For each article, the published articles that list it as related.
    pub backlinks: Vec<Vec<usize>>,
    /// Sorted by title, then slug.
    pub topics: Vec<Topic>,
    /// Article indices, most recently updated first.
    pub recent: Vec<usize>,
}

pub struct Topic {
    pub slug: String,
    pub title: String,
    pub description: String,
    /// Sorted by question.
    pub articles: Vec<usize>,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct LinkOptions {
    /// Publish drafts too (`--drafts`): for previews, never for production.
    pub include_drafts: bool,
}

pub fn link_site<'a>(config: &'a SiteConfig, parsed: &'a ParsedContent, options: LinkOptions) -> Site<'a> {
    let mut articles: Vec<&Article> = parsed
        .articles
        .iter()
        .filter(|a| options.include_drafts || a.review.status != ReviewStatus::Draft)
        .collect();
    articles.sort_by(|a, b| a.slug.cmp(&b.slug).then_with(|| a.file.cmp(&b.file)));
    articles.dedup_by(|later, earlier| later.slug == earlier.slug);

    let index_of: HashMap<&str, usize> = articles.iter().enumerate().map(|(i, a)| (a.slug.as_str(), i)).collect();
    let related: Vec<Vec<usize>> = articles
        .iter()
        .enumerate()
        .map(|(own, article)| {
            let mut targets: Vec<usize> = Vec::with_capacity(article.related.len());
            for slug in &article.related {
                if let Some(&target) = index_of.get(slug.as_str()) {
                    if target != own && !targets.contains(&target) {
                        targets.push(target);
                    }
                }
            }
            targets
        })
        .collect();
    let mut backlinks: Vec<Vec<usize>> = vec![Vec::new(); articles.len()];
    for (source, targets) in related.iter().enumerate() {
        for &target in targets {
            backlinks[target].push(source);
        }
    }

    let mut by_topic: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, article) in articles.iter().enumerate() {
        for topic in &article.topics {
            let list = by_topic.entry(topic.as_str()).or_default();
            if !list.contains(&index) {
                list.push(index);
            }
        }
    }
    let mut topics: Vec<Topic> = by_topic
        .into_iter()
        .map(|(slug, mut members)| {
            members.sort_by(|&a, &b| articles[a].question.cmp(&articles[b].question).then(a.cmp(&b)));
            let configured = config.topics.get(slug);
            Topic {
                slug: slug.to_string(),
                title: configured
                    .and_then(|t| t.title.clone())
                    .unwrap_or_else(|| title_from_slug(slug)),
                description: configured.and_then(|t| t.description.clone()).unwrap_or_default(),
                articles: members,
            }
        })
        .collect();
    topics.sort_by(|a, b| a.title.cmp(&b.title).then_with(|| a.slug.cmp(&b.slug)));

    let mut recent: Vec<usize> = (0..articles.len()).collect();
    recent.sort_by(|&a, &b| articles[b].updated.cmp(&articles[a].updated).then(a.cmp(&b)));

    let mut pages: Vec<&Page> = parsed.pages.iter().collect();
    pages.sort_by(|a, b| a.title.cmp(&b.title).then_with(|| a.slug.cmp(&b.slug)));

    Site {
        config,
        articles,
        pages,
        related,
        backlinks,
        topics,
        recent,
    }
}

/// "prostate-cancer" → "Prostate cancer", for topics the configuration does not name.
pub fn title_from_slug(slug: &str) -> String {
    let words = slug.replace('-', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
