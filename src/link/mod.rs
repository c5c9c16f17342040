//! Stage 4, link: decides what is published and connects it — slugs to articles, related
//! questions and backlinks, topic hubs, recency. Output: an immutable `Site` of indices.

mod findings;
pub use findings::check_graph;
pub mod graph;
pub mod lists;

use crate::config::SiteConfig;
use crate::parse::ParsedContent;
use crate::parse::article::Article;
use crate::parse::page::Page;
use graph::{Edge, Graph, Related};
use lists::Lists;
use std::collections::{BTreeMap, HashMap};

pub struct Site<'a> {
    pub config: &'a SiteConfig,
    /// Published articles, sorted by slug.
    pub articles: Vec<&'a Article>,
    /// Plain pages, sorted by title.
    pub pages: Vec<&'a Page>,
    /// For each article, its related questions: the published articles its editors chose
    /// and the strongest computed neighbours, ranked as `related:` in evident.yaml says.
    /// Their reasons are made when shown (`Site::related_reason`).
    pub related: Lists<Related>,
    /// For each article, the published articles whose editors list it as related,
    /// strongest first.
    pub backlinks: Lists<u32>,
    /// The related-question graph over the published articles.
    pub graph: Graph,
    /// Its edges, as published in graph.json (reasons: `Site::edge_reason`).
    pub edges: Vec<Edge>,
    /// Sorted by title, then slug.
    pub topics: Vec<Topic>,
    /// Article indices, most recently updated first.
    pub recent: Box<[u32]>,
    /// The people registry: profile pages, and reviewers' names and links.
    pub people: std::sync::Arc<crate::people::Registry>,
    /// Withdrawn articles (`retired:`), sorted by slug: each keeps its address for a notice
    /// that it was withdrawn, and appears nowhere else.
    pub retired: Vec<&'a Article>,
}

impl Site<'_> {
    /// Why `entry` is among the related questions of article `index`.
    pub fn related_reason(&self, index: usize, entry: &Related) -> String {
        graph::reason(&self.graph, index, entry.index(), entry.explicit)
    }

    /// Why `edge` is in the graph: as its source's related list says.
    pub fn edge_reason(&self, edge: &Edge) -> String {
        graph::reason(&self.graph, edge.source(), edge.target(), edge.explicit)
    }
}

pub struct Topic {
    pub slug: String,
    pub title: String,
    pub description: String,
    /// Most central in the topic first (see `graph::rank_topic`), then by question.
    pub articles: Vec<usize>,
}

pub use crate::check::publish::{LinkOptions, is_published};

/// The withdrawn articles of `parsed`, in site order.
pub fn retired_articles(parsed: &ParsedContent) -> Vec<&Article> {
    in_site_order(parsed.articles.iter().filter(|a| a.retired.is_some()))
}

/// Articles in the order every index of the site refers to: by slug, the first file of a
/// duplicated slug only (duplicates are reported by the checks).
pub fn in_site_order<'a>(articles: impl IntoIterator<Item = &'a Article>) -> Vec<&'a Article> {
    let mut articles: Vec<&Article> = articles.into_iter().collect();
    articles.sort_by(|a, b| a.slug.cmp(&b.slug).then_with(|| a.file.cmp(&b.file)));
    articles.dedup_by(|later, earlier| later.slug == earlier.slug);
    articles
}

/// The site `options` publishes from `parsed`: its articles, related questions, backlinks
/// and topics. `graph` is one the check stage already built, reused when it covers exactly
/// the published articles (the usual case: no drafts, or drafts included); otherwise, or
/// when `None`, the graph is built here.
pub fn link_site<'a>(
    config: &'a SiteConfig,
    parsed: &'a ParsedContent,
    options: LinkOptions,
    graph: Option<Graph>,
) -> Site<'a> {
    let articles = in_site_order(parsed.articles.iter().filter(|a| is_published(a, config, options)));

    let index_of: HashMap<&str, usize> = articles.iter().enumerate().map(|(i, a)| (a.slug.as_str(), i)).collect();
    let explicit: Vec<Vec<usize>> = articles
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
    let graph = match graph {
        Some(graph) if graph.covers(&articles) => graph,
        _ => Graph::build(&articles, config.related.max),
    };
    let (related, edges) = graph::rank(&graph, &explicit, &config.related);
    let mut backlinks: Vec<Vec<(f32, u32)>> = vec![Vec::new(); articles.len()];
    for (source, list) in related.iter().enumerate() {
        for entry in list.iter().filter(|r| r.explicit) {
            backlinks[entry.index()].push((entry.score, source as u32));
        }
    }
    let backlinks = Lists::collect(backlinks.into_iter().map(|mut sources| {
        sources.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        sources.into_iter().map(|(_, source)| source)
    }));
    let adjacent = graph::adjacency(&edges, articles.len());

    let mut by_topic: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, article) in articles.iter().enumerate() {
        for topic in &article.topics {
            let list = by_topic.entry(topic.as_str()).or_default();
            // Articles come in order: a repeated topic can only repeat the last entry.
            if list.last() != Some(&index) {
                list.push(index);
            }
        }
    }
    let mut topics: Vec<Topic> = by_topic
        .into_iter()
        .map(|(slug, mut members)| {
            graph::rank_topic(&mut members, &articles, &adjacent);
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

    let mut recent: Box<[u32]> = (0..articles.len() as u32).collect();
    recent.sort_by(|&a, &b| {
        articles[b as usize]
            .updated
            .cmp(&articles[a as usize].updated)
            .then(a.cmp(&b))
    });

    let mut pages: Vec<&Page> = parsed.pages.iter().collect();
    pages.sort_by(|a, b| a.title.cmp(&b.title).then_with(|| a.slug.cmp(&b.slug)));

    Site {
        config,
        articles,
        pages,
        related,
        backlinks,
        graph,
        edges,
        topics,
        recent,
        people: parsed.people(),
        retired: retired_articles(parsed),
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

/// Where the related-question graph of an earlier build is kept (the build cache): a build
/// whose articles give the graph the same inputs (`Graph::inputs_digest`) takes it back
/// instead of computing it, as an edit of an article's body below its answer leaves them.
pub trait KeptGraph {
    fn recall(&self, inputs: &[u8; 32]) -> Option<Graph>;
    fn keep(&self, inputs: &[u8; 32], graph: &Graph);
}

/// The related-question graph over every article, drafts included, and the findings
/// about it (`related/dangling`, `related/implausible`, `graph/orphan`): built once here
/// (or taken back from `kept`), judged here, and reused by `build` when it publishes the
/// same articles.
pub fn link_graph(
    articles: &[Article],
    config: &SiteConfig,
    progress: &dyn crate::progress::Progress,
    kept: Option<&dyn KeptGraph>,
) -> (Graph, Vec<crate::diagnostic::Diagnostic>) {
    let corpus = in_site_order(articles);
    let graph = match kept {
        None => Graph::build(&corpus, config.related.max),
        Some(kept) => {
            let inputs = Graph::inputs_digest(&corpus, config.related.max);
            match kept.recall(&inputs) {
                Some(graph) => {
                    // Debug builds (every test) check the kept graph against building it anew,
                    // as they check kept parses.
                    #[cfg(debug_assertions)]
                    assert!(
                        graph == Graph::build(&corpus, config.related.max),
                        "the kept graph is not the graph of these articles"
                    );
                    graph
                }
                None => {
                    let graph = Graph::build(&corpus, config.related.max);
                    kept.keep(&inputs, &graph);
                    graph
                }
            }
        }
    };
    progress.stage("checking the graph", None);
    let findings = findings::check_graph(&corpus, &graph, config);
    (graph, findings)
}
