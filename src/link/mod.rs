//! Stage 4, link: decides what is published and connects it — slugs to articles, related
//! questions and backlinks, topic hubs, recency. Output: an immutable `Site` of indices.

mod findings;
pub use findings::check_graph;
pub mod graph;
mod kept;
pub mod lists;
pub use kept::{KeptLinking, Part};

use crate::config::SiteConfig;
use crate::parse::ParsedContent;
use crate::parse::article::Article;
use crate::parse::page::Page;
use graph::{Edge, Graph, Related};
use kept::Linked;
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
    in_site_order(parsed.articles.iter().filter(|a| a.is_retired()))
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
    link_site_keeping(config, parsed, options, graph, None)
}

/// `link_site`, taking back from `kept` what an earlier build linked when it was linked
/// from the same inputs (`kept::linked_inputs`), and keeping it there otherwise. With
/// `kept` comes the digest of the inputs of `graph` (`Graph::inputs_digest`, as
/// `link_graph` gives it), which names the graph.
pub fn link_site_keeping<'a>(
    config: &'a SiteConfig,
    parsed: &'a ParsedContent,
    options: LinkOptions,
    graph: Option<Graph>,
    kept: Option<(&dyn KeptLinking, [u8; 32])>,
) -> Site<'a> {
    let articles = in_site_order(parsed.articles.iter().filter(|a| is_published(a, config, options)));
    let (graph, kept) = match graph {
        Some(graph) if graph.covers(&articles) => (graph, kept),
        _ => {
            let built = Graph::build(&articles, config.related.max);
            let kept = kept.map(|(kept, _)| (kept, Graph::inputs_digest(&articles, config.related.max)));
            (built, kept)
        }
    };
    let linked = match kept {
        None => link(&articles, &graph, config),
        Some((kept, graph_inputs)) => {
            let inputs = kept::linked_inputs(&graph_inputs, &articles, config);
            let recalled = kept
                .recall(Part::Linked, &inputs)
                .and_then(|bytes| Linked::from_bytes(&bytes, articles.len()));
            match recalled {
                Some(linked) => {
                    // Debug builds (every test) check what is taken back against linking
                    // anew, as they check the kept graph.
                    #[cfg(debug_assertions)]
                    assert!(
                        linked == link(&articles, &graph, config),
                        "the kept links are not the links of these articles"
                    );
                    linked
                }
                None => {
                    let linked = link(&articles, &graph, config);
                    kept.keep(Part::Linked, &inputs, &|sink| linked.write_to(sink));
                    linked
                }
            }
        }
    };
    let topics = linked
        .topics
        .into_iter()
        .map(|(slug, members)| {
            let configured = config.topics.get(&slug);
            Topic {
                title: topic_title(config, &slug),
                description: configured.and_then(|t| t.description.clone()).unwrap_or_default(),
                slug,
                articles: members,
            }
        })
        .collect();

    let mut pages: Vec<&Page> = parsed.pages.iter().collect();
    pages.sort_by(|a, b| a.title.cmp(&b.title).then_with(|| a.slug.cmp(&b.slug)));

    Site {
        config,
        articles,
        pages,
        related: linked.related,
        backlinks: linked.backlinks,
        graph,
        edges: linked.edges,
        topics,
        recent: linked.recent,
        people: parsed.people(),
        retired: retired_articles(parsed),
    }
}

/// What the site's lists are, from the published `articles` and their graph.
fn link(articles: &[&Article], graph: &Graph, config: &SiteConfig) -> Linked {
    let index_of: HashMap<&str, usize> = articles.iter().enumerate().map(|(i, a)| (a.slug.as_ref(), i)).collect();
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
    let (related, edges) = graph::rank(graph, &explicit, &config.related);
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
    let mut topics: Vec<(String, String, Vec<usize>)> = by_topic
        .into_iter()
        .map(|(slug, mut members)| {
            graph::rank_topic(&mut members, articles, &adjacent);
            (topic_title(config, slug), slug.to_string(), members)
        })
        .collect();
    topics.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));

    let mut recent: Box<[u32]> = (0..articles.len() as u32).collect();
    recent.sort_by(|&a, &b| {
        articles[b as usize]
            .updated
            .cmp(&articles[a as usize].updated)
            .then(a.cmp(&b))
    });

    Linked {
        related,
        backlinks,
        edges,
        topics: topics.into_iter().map(|(_, slug, members)| (slug, members)).collect(),
        recent,
    }
}

/// A topic's title: as the configuration names it, else made from its slug.
fn topic_title(config: &SiteConfig, slug: &str) -> String {
    config
        .topics
        .get(slug)
        .and_then(|t| t.title.clone())
        .unwrap_or_else(|| title_from_slug(slug))
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
/// (or taken back from `kept`), judged here (or the judgement taken back from
/// `kept_findings`, named by what it reads: `kept::findings_inputs`), and reused by `build`
/// when it publishes the same articles. With `kept` comes the digest of the graph's inputs
/// too, which names it for what is kept of linking (`link_site_keeping`).
pub fn link_graph(
    articles: &[Article],
    config: &SiteConfig,
    progress: &dyn crate::progress::Progress,
    kept: Option<&dyn KeptGraph>,
    kept_findings: Option<&dyn KeptLinking>,
) -> (Graph, Option<[u8; 32]>, Vec<crate::diagnostic::Diagnostic>) {
    let corpus = in_site_order(articles);
    let (graph, inputs) = match kept {
        None => (Graph::build(&corpus, config.related.max), None),
        Some(kept) => {
            let inputs = Graph::inputs_digest(&corpus, config.related.max);
            let graph = match kept.recall(&inputs) {
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
            };
            (graph, Some(inputs))
        }
    };
    progress.stage("checking the graph", None);
    let findings = match (kept_findings, inputs) {
        (Some(kept), Some(graph_inputs)) => {
            let inputs = kept::findings_inputs(&graph_inputs, &corpus, config);
            let recalled = kept
                .recall(Part::GraphFindings, &inputs)
                .and_then(|bytes| kept::findings_from_bytes(&bytes));
            match recalled {
                Some(findings) => {
                    #[cfg(debug_assertions)]
                    assert!(
                        findings == findings::check_graph(&corpus, &graph, config),
                        "the kept graph findings are not the findings of these articles"
                    );
                    findings
                }
                None => {
                    let findings = findings::check_graph(&corpus, &graph, config);
                    kept.keep(Part::GraphFindings, &inputs, &|sink| {
                        sink.write_all(&kept::findings_to_bytes(&findings))
                    });
                    findings
                }
            }
        }
        _ => findings::check_graph(&corpus, &graph, config),
    };
    (graph, inputs, findings)
}
