//! The findings the related-question graph gives, made where the graph is built: explicit
//! links that look like noise, links in one direction only, and articles nothing connects to.

use crate::config::SiteConfig;
use crate::diagnostic::{Code, Diagnostic};
use crate::link::graph::Graph;
use crate::parse::article::Article;
use std::collections::HashMap;

/// Below this many articles no question is called an orphan: a new site's first articles
/// have nothing to link to yet, and a warning on each would fail `--deny warnings` from the
/// first `evident new`.
pub const ORPHAN_MIN_ARTICLES: usize = 5;

/// An explicit link is implausible when its score is below the bar computed neighbours
/// must clear (`related.min_score`) and also below this share of the article's typical
/// neighbour: far below what the article usually has in common with its neighbours.
pub const IMPLAUSIBLE_RATIO: f32 = 0.35;

/// Below this score a link is implausible whatever the article's neighbours look like: the
/// two articles share no topic, no reference and almost no words.
pub const IMPLAUSIBLE_FLOOR: f32 = 0.02;

/// `articles` in site order (see `link::in_site_order`), the order `graph` was built in.
pub fn check_graph(articles: &[&Article], graph: &Graph, config: &SiteConfig) -> Vec<Diagnostic> {
    let settings = &config.related;
    let index_of: HashMap<&str, usize> = articles.iter().enumerate().map(|(i, a)| (a.slug.as_ref(), i)).collect();
    // Explicit links that resolve, with the position of each in its file.
    let explicit: Vec<Vec<(usize, usize)>> = articles
        .iter()
        .enumerate()
        .map(|(own, a)| {
            let mut seen = Vec::new();
            for (position, slug) in a.related.iter().enumerate() {
                if let Some(&target) = index_of.get(slug.as_str()) {
                    if target != own && !seen.iter().any(|(t, _)| *t == target) {
                        seen.push((target, position));
                    }
                }
            }
            seen
        })
        .collect();
    let mut linked = vec![false; articles.len()];
    for (source, targets) in explicit.iter().enumerate() {
        if !targets.is_empty() {
            linked[source] = true;
        }
        for &(target, _) in targets {
            linked[target] = true;
        }
    }
    for source in 0..articles.len() {
        for neighbour in graph.neighbours(source, settings.min_score, settings.max) {
            linked[source] = true;
            linked[neighbour.index()] = true;
        }
    }

    let mut found = Vec::new();
    let suggest_one_way = config.severity_of(Code::RelatedOneWay).is_some();
    for (source, targets) in explicit.iter().enumerate() {
        let article = articles[source];
        let typical = graph.typical(source);
        for &(target, position) in targets {
            let score = graph.score(source, target);
            if score < settings.min_score && score < (IMPLAUSIBLE_RATIO * typical).max(IMPLAUSIBLE_FLOOR) {
                found.push(implausible(
                    articles,
                    graph,
                    &explicit[source],
                    source,
                    target,
                    position,
                    typical,
                ));
            }
            let linked_back = explicit[target].iter().any(|(t, _)| *t == source);
            if suggest_one_way
                && !linked_back
                && graph
                    .neighbours(target, settings.min_score, settings.max)
                    .any(|n| n.index() == source)
            {
                let other = articles[target];
                let at = other.places.related.last().copied().unwrap_or(other.places.question);
                found.push(
                    Diagnostic::new(
                        Code::RelatedOneWay,
                        &other.file,
                        at,
                        format!(
                            "`{}` links here and is one of this article's closest questions ({}), but this article does not link back",
                            article.slug,
                            crate::link::graph::reason(graph, target, source, false)
                        ),
                    )
                    .with_hint(format!("add `{}` to `related` so that readers can go both ways", article.slug)),
                );
            }
        }
    }
    if articles.len() >= ORPHAN_MIN_ARTICLES {
        for (index, article) in articles.iter().enumerate() {
            if linked[index] {
                continue;
            }
            // A candidate far below the bar for listing would be a poor suggestion.
            let worth_suggesting = graph
                .candidates(index)
                .first()
                .filter(|best| best.score >= settings.min_score / 2.0);
            let hint = match worth_suggesting {
                Some(best) => format!(
                    "link it to the questions its readers would ask next, e.g. `related: [{}]` ({})",
                    articles[best.index()].slug,
                    crate::link::graph::reason(graph, index, best.index(), false)
                ),
                None => {
                    "add `related:` links, or give it a topic or reference it shares with other articles".to_string()
                }
            };
            found.push(
                Diagnostic::new(
                    Code::GraphOrphan,
                    &article.file,
                    article.places.question,
                    "no question links here, this one links nowhere, and none is similar enough to be listed beside it",
                )
                .with_hint(hint),
            );
        }
    }
    found
}

fn implausible(
    articles: &[&Article],
    graph: &Graph,
    chosen: &[(usize, usize)],
    source: usize,
    target: usize,
    position: usize,
    typical: f32,
) -> Diagnostic {
    let article = articles[source];
    let at = article
        .places
        .related
        .get(position)
        .copied()
        .unwrap_or(article.places.front_matter_start);
    let explanation = graph.explain(source, target);
    let better: Vec<String> = graph
        .candidates(source)
        .iter()
        .filter(|c| c.index() != target && !chosen.iter().any(|(t, _)| *t == c.index()))
        .take(2)
        .map(|c| format!("`{}`", articles[c.index()].slug))
        .collect();
    let mut hint =
        "remove it, or if the link is right, say so in both articles: a shared topic or reference".to_string();
    if !better.is_empty() {
        hint.push_str(&format!("; closer questions: {}", better.join(", ")));
    }
    Diagnostic::new(
        Code::RelatedImplausible,
        &article.file,
        at,
        format!(
            "related question `{}` looks unrelated: score {:.2} ({}), against {:.2} for this article's typical neighbour",
            articles[target].slug,
            explanation.score,
            explanation.reason(),
            typical
        ),
    )
    .with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_config;
    use crate::link::graph::tests::article;

    fn findings(articles: &[Article], config: &str) -> Vec<Diagnostic> {
        let config = parse_config(&format!("title: T\nbase_url: https://x.org/\n{config}")).expect("config");
        let refs: Vec<&Article> = articles.iter().collect();
        let graph = Graph::build(&refs, config.related.max);
        check_graph(&refs, &graph, &config)
    }

    fn linked(mut a: Article, related: &[&str]) -> Article {
        a.related = related.iter().map(|s| s.to_string()).collect();
        a
    }

    fn site() -> Vec<Article> {
        vec![
            linked(
                article(
                    "a-metformin-dose",
                    "How is metformin dosed?",
                    "Metformin starts at 500 mg.",
                    &["diabetes"],
                    &[],
                ),
                &["b-metformin-kidney", "d-snoring"],
            ),
            article(
                "b-metformin-kidney",
                "Is metformin safe in kidney disease?",
                "Metformin is reduced when eGFR falls.",
                &["diabetes"],
                &[],
            ),
            article(
                "c-metformin-b12",
                "Does metformin lower vitamin B12?",
                "Metformin lowers B12 over years.",
                &["diabetes"],
                &[],
            ),
            article(
                "d-snoring",
                "How is snoring treated?",
                "Oral appliances reduce snoring.",
                &["sleep"],
                &[],
            ),
            article(
                "e-atelectasis",
                "What is atelectasis?",
                "Collapse of lung tissue.",
                &["lungs"],
                &[],
            ),
        ]
    }

    #[test]
    fn flags_the_unrelated_link_and_the_orphan_only() {
        let found = findings(&site(), "");
        let codes: Vec<(Code, &str)> = found.iter().map(|d| (d.code, d.file.as_str())).collect();
        assert_eq!(
            codes,
            [
                (Code::RelatedImplausible, "content/t/a-metformin-dose.md"),
                (Code::GraphOrphan, "content/t/e-atelectasis.md")
            ],
            "{found:#?}"
        );
        assert!(found[0].message.contains("`d-snoring`"), "{}", found[0].message);
    }

    #[test]
    fn one_way_links_are_suggested_only_when_the_site_asks() {
        assert!(findings(&site(), "").iter().all(|d| d.code != Code::RelatedOneWay));
        let found = findings(&site(), "checks:\n  related/one-way: warning\n");
        let one_way: Vec<&Diagnostic> = found.iter().filter(|d| d.code == Code::RelatedOneWay).collect();
        assert_eq!(one_way.len(), 1, "{found:#?}");
        assert_eq!(one_way[0].file, "content/t/b-metformin-kidney.md");
    }

    #[test]
    fn a_site_of_fewer_than_a_handful_of_articles_has_no_orphan() {
        let few: Vec<Article> = (0..ORPHAN_MIN_ARTICLES - 1)
            .map(|n| {
                article(
                    &format!("q{n}"),
                    &format!("Question {n} about {n}?"),
                    "Alone.",
                    &[&format!("t{n}")],
                    &[],
                )
            })
            .collect();
        assert!(findings(&few, "").iter().all(|d| d.code != Code::GraphOrphan));
    }

    #[test]
    fn a_site_of_one_article_has_no_orphan() {
        let one = vec![article("only", "A lonely question?", "Alone.", &["x"], &[])];
        assert!(findings(&one, "").is_empty());
    }
}
