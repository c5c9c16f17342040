//! Search relevance on real questions: a MedQuAD subset (tests/fixtures/search-relevance/)
//! built into an Evident site, queried as readers phrase things through `evident search
//! --queries`. Reports hit@1, hit@3 and MRR@10 per query set (run with `--nocapture` to
//! see them; BENCHMARKS.md records them) and holds the targets.

mod common;

use common::Site;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/search-relevance/");

/// `[a-z0-9]+` runs joined by hyphens: "Gum (Periodontal) Disease" → "gum-periodontal-disease".
fn slug_part(text: &str) -> String {
    text.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn article_slug(focus: &str, qtype: &str) -> String {
    format!("{}-{}", slug_part(focus), slug_part(qtype))
}

/// The subset's source collection decides its topic.
fn topic_of(source: &str) -> &'static str {
    if source.contains("nhlbi") {
        "heart-lung-blood"
    } else if source.contains("ghr.nlm") {
        "genetic-conditions"
    } else {
        "senior-health"
    }
}

/// Writes the subset as a site; returns the slugs it holds.
fn medquad_site() -> (Site, BTreeSet<String>) {
    let site = Site::empty();
    site.write(
        "evident.yaml",
        "title: \"MedQuAD relevance set\"\nbase_url: \"https://kb.example.org/\"\ntopics:\n  \
         heart-lung-blood: {title: \"Heart, lung and blood\"}\n  \
         senior-health: {title: \"Senior health\"}\n  \
         genetic-conditions: {title: \"Genetic conditions\"}\n",
    );
    let table = std::fs::read_to_string(format!("{FIXTURE}medquad.tsv")).expect("read medquad.tsv");
    let mut slugs = BTreeSet::new();
    for line in table.lines().skip(1) {
        let cells: Vec<&str> = line.split('\t').collect();
        let [focus, qtype, question, answer, source] = cells[..] else {
            panic!("malformed row: {line}");
        };
        let slug = article_slug(focus, qtype);
        assert!(slugs.insert(slug.clone()), "two rows make {slug}");
        let quote = |text: &str| serde_json::to_string(text).expect("quote");
        site.write(
            &format!("content/{}/{slug}.md", topic_of(source)),
            format!(
                "---\nquestion: {}\nanswer: {}\ntopics: [{}]\ncreated: 2024-01-01\nreview:\n  status: submitted\n---\nFrom MedQuAD (CC BY 4.0): <{source}>\n",
                quote(question),
                quote(answer),
                topic_of(source),
            ),
        );
    }
    (site, slugs)
}

struct Query {
    set: String,
    text: String,
    expected: Vec<String>,
}

fn queries() -> Vec<Query> {
    let text = std::fs::read_to_string(format!("{FIXTURE}queries.tsv")).expect("read queries.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            let [set, text, expected] = cells[..] else {
                panic!("malformed query: {line}");
            };
            let expected = expected
                .split('|')
                .map(|e| {
                    let (focus, qtype) = e.rsplit_once('/').expect("focus/type");
                    article_slug(focus, qtype)
                })
                .collect();
            Query {
                set: set.to_string(),
                text: text.to_string(),
                expected,
            }
        })
        .collect()
}

#[derive(Default, Debug)]
struct Scores {
    queries: usize,
    hit1: usize,
    hit3: usize,
    reciprocal_ranks: f64,
    misses: Vec<String>,
}

impl Scores {
    fn rate(&self, n: usize) -> f64 {
        n as f64 / self.queries.max(1) as f64
    }
}

#[test]
fn readers_wordings_find_the_right_medquad_article() {
    let (site, slugs) = medquad_site();
    let queries = queries();
    for query in &queries {
        for slug in &query.expected {
            assert!(slugs.contains(slug), "{}: no article {slug}", query.text);
        }
    }
    let list: String = queries.iter().map(|q| format!("{}\n", q.text)).collect();
    site.write("queries.txt", &list);
    let output = site.run(&["search", "--queries", "queries.txt", "--limit", "10"]);
    output.expect_code(0);
    let answers: Vec<Value> = output
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    assert_eq!(answers.len(), queries.len(), "one line per query");
    let mut by_set: BTreeMap<&str, Scores> = BTreeMap::new();
    for (query, answer) in queries.iter().zip(&answers) {
        assert_eq!(answer["query"], query.text.as_str());
        let found: Vec<&str> = answer["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| r["slug"].as_str().expect("slug"))
            .collect();
        let rank = found.iter().position(|s| query.expected.iter().any(|e| e == s));
        let scores = by_set.entry(&query.set).or_default();
        scores.queries += 1;
        match rank {
            Some(r) => {
                scores.hit1 += usize::from(r == 0);
                scores.hit3 += usize::from(r < 3);
                scores.reciprocal_ranks += 1.0 / (r as f64 + 1.0);
                if r >= 3 {
                    scores
                        .misses
                        .push(format!("{} → #{} (top: {})", query.text, r + 1, found[0]));
                }
            }
            None => scores.misses.push(format!(
                "{} → not in top 10 (top: {})",
                query.text,
                found.first().unwrap_or(&"nothing")
            )),
        }
    }
    println!("| query set | queries | hit@1 | hit@3 | MRR@10 |");
    println!("|---|---:|---:|---:|---:|");
    for (set, s) in &by_set {
        println!(
            "| {set} | {} | {:.1} % | {:.1} % | {:.3} |",
            s.queries,
            100.0 * s.rate(s.hit1),
            100.0 * s.rate(s.hit3),
            s.reciprocal_ranks / s.queries as f64
        );
    }
    for (set, s) in &by_set {
        for miss in &s.misses {
            println!("miss [{set}] {miss}");
        }
    }
    // The targets: the right article in the top 3 for 90 % of paraphrased queries
    // and 80 % of lay ↔ clinical ones.
    for (set, target) in [("paraphrase", 0.9), ("lay-clinical", 0.8), ("lay-clinical-unseen", 0.8)] {
        let s = by_set.get(set).unwrap_or_else(|| panic!("no {set} queries"));
        assert!(
            s.rate(s.hit3) >= target,
            "{set}: hit@3 {:.3} < {target}",
            s.rate(s.hit3)
        );
    }
}
