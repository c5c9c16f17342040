//! What linking keeps in the build cache (`.evident/cache/links.bin`, the published site's
//! related lists, backlinks, edges, topic order and recency; `graph-findings.bin`, the
//! graph's findings): an edit of anything either reads gives, after a cached build, the
//! pages and findings of a clean `--no-cache` build, also when the related-question graph
//! itself is taken back unchanged; an edit of none of it takes both back as they were.

mod common;

use common::{Site, edit};
use std::collections::BTreeMap;

const MUSCLE: &str = "content/cardiology/statin-muscle-symptoms.md";
const PREVENTION: &str = "content/cardiology/statins-primary-prevention.md";
const METFORMIN: &str = "content/diabetes/metformin-first-line.md";
const LINKS: &str = ".evident/cache/links.bin";
const FINDINGS: &str = ".evident/cache/graph-findings.bin";
const GRAPH: &str = ".evident/cache/graph.bin";

fn kept(site: &Site, rel: &str) -> Vec<u8> {
    std::fs::read(site.path(rel)).unwrap_or_else(|e| panic!("{rel} is not kept: {e}"))
}

/// The site built once with the cache, so that the next build can take linking back.
fn built_site() -> Site {
    let site = Site::fixture("serve/site");
    let output = site.run(&["build", "--as-of", "2026-01-01"]);
    output.expect_code(0);
    assert!(site.path(LINKS).is_file() && site.path(FINDINGS).is_file());
    site
}

/// The findings a report printed, without the line counting the files written (a cached
/// build takes files over that a clean one writes).
fn findings(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|line| !line.starts_with("built "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A cached build, then a clean one of the same tree elsewhere: the same findings and the
/// same bytes. Gives the findings.
fn expect_a_clean_builds_pages_and_findings(site: &Site, extra: &[&str], what: &str) -> String {
    let warm = site.run(&[&["build", "--as-of", "2026-01-01"], extra].concat());
    warm.expect_code(0);
    assert!(!warm.stderr.contains("up to date"), "{}", warm.stderr);
    let clean_dir = tempfile::tempdir().unwrap();
    let out = clean_dir.path().join("public");
    let out = out.to_string_lossy().into_owned();
    let clean = site.run(&[&["build", "--as-of", "2026-01-01", "--no-cache", "--out", &out], extra].concat());
    clean.expect_code(0);
    assert_eq!(
        findings(&warm.stderr),
        findings(&clean.stderr),
        "after {what}: the cached build found other things"
    );
    let mut fresh = BTreeMap::new();
    let public = clean_dir.path().join("public");
    common::collect_files(&public, &public, &mut fresh);
    let cached = site.tree("public");
    common::assert_same_files(&cached, &fresh, what);
    findings(&warm.stderr)
}

#[test]
fn an_edit_of_a_related_list_is_linked_anew_though_the_graph_is_taken_back() {
    let site = built_site();
    let (graph, links) = (kept(&site, GRAPH), kept(&site, LINKS));
    edit(
        &site,
        METFORMIN,
        "topics: [diabetes]\n",
        "topics: [diabetes]\nrelated: [statins-primary-prevention]\n",
    );
    expect_a_clean_builds_pages_and_findings(&site, &[], "a related list");
    assert_eq!(kept(&site, GRAPH), graph, "a related list is no input of the graph");
    assert_ne!(kept(&site, LINKS), links, "a related list is an input of the links");
    let page = site.html("public/questions/statins-primary-prevention/index.html");
    assert!(
        page.text("body").contains("Is metformin still the first drug"),
        "the backlink is shown"
    );
}

#[test]
fn an_edit_of_a_date_updated_reorders_what_is_recent() {
    let site = built_site();
    let links = kept(&site, LINKS);
    // Updated before the metformin question was written, now after it.
    edit(&site, PREVENTION, "updated: 2025-03-05", "updated: 2025-06-01");
    expect_a_clean_builds_pages_and_findings(&site, &[], "a date updated");
    assert_ne!(kept(&site, LINKS), links, "the date updated is an input of recency");
}

#[test]
fn an_article_made_a_draft_leaves_the_published_links() {
    let site = built_site();
    edit(&site, PREVENTION, "status: submitted", "status: draft");
    expect_a_clean_builds_pages_and_findings(&site, &[], "a draft");
    // Back to what was published: the links of the first build, named by the same inputs.
    edit(&site, PREVENTION, "status: draft", "status: submitted");
    expect_a_clean_builds_pages_and_findings(&site, &[], "a draft published again");
    expect_a_clean_builds_pages_and_findings(&site, &["--drafts"], "drafts shown");
}

#[test]
fn an_edit_of_the_related_settings_is_linked_anew() {
    let site = Site::fixture("serve/site");
    // The two statin questions related by their likeness alone (score 0.15), and one of
    // them linked by its editors to the metformin question, which shares nothing with it:
    // its list holds an explicit entry weaker than a computed one.
    edit(&site, MUSCLE, "related: [statins-primary-prevention]\n", "");
    edit(
        &site,
        PREVENTION,
        "related: [statin-muscle-symptoms]",
        "related: [metformin-first-line]",
    );
    site.run(&["build", "--as-of", "2026-01-01"]).expect_code(0);
    let graph = kept(&site, GRAPH);
    let (graph_json, page) = (
        site.read("public/graph.json"),
        site.read("public/questions/statins-primary-prevention/index.html"),
    );
    let config = site.read("evident.yaml");
    site.write("evident.yaml", format!("{config}related:\n  min_score: 0.5\n"));
    expect_a_clean_builds_pages_and_findings(&site, &[], "related.min_score");
    assert_eq!(kept(&site, GRAPH), graph, "min_score is no input of the graph");
    assert_ne!(
        site.read("public/graph.json"),
        graph_json,
        "the computed edge is dropped"
    );
    site.write("evident.yaml", &config);
    expect_a_clean_builds_pages_and_findings(&site, &[], "the related settings as they were");
    site.write("evident.yaml", format!("{config}related:\n  explicit_first: false\n"));
    expect_a_clean_builds_pages_and_findings(&site, &[], "related.explicit_first");
    assert_ne!(
        site.read("public/questions/statins-primary-prevention/index.html"),
        page,
        "the computed question is listed first"
    );
}

#[test]
fn an_edit_of_a_topics_title_reorders_the_topics() {
    let site = built_site();
    edit(&site, "evident.yaml", "title: \"Cardiology\"", "title: \"Zz Heart\"");
    expect_a_clean_builds_pages_and_findings(&site, &[], "a topic's title");
    let index = site.read("public/topics/index.html");
    let heart = index.find("Zz Heart").expect("the topic is listed");
    let diabetes = index.find("Diabetes").expect("the topic is listed");
    assert!(diabetes < heart, "topics are listed by title");
}

#[test]
fn an_edit_of_a_topic_gives_a_clean_builds_hubs() {
    let site = built_site();
    edit(&site, METFORMIN, "topics: [diabetes]", "topics: [diabetes, cardiology]");
    expect_a_clean_builds_pages_and_findings(&site, &[], "a topic");
}

#[test]
fn a_line_moved_in_front_matter_moves_the_graphs_findings() {
    let site = built_site();
    // An explicit link that shares nothing with its target: `related/implausible` at it.
    edit(
        &site,
        METFORMIN,
        "topics: [diabetes]\n",
        "topics: [diabetes]\nrelated: [statin-muscle-symptoms]\n",
    );
    let before = expect_a_clean_builds_pages_and_findings(&site, &[], "an implausible link");
    assert!(before.contains("related/implausible"), "{before}");
    let graph = kept(&site, GRAPH);
    edit(
        &site,
        METFORMIN,
        "topics: [diabetes]\n",
        "# seen by a pharmacist\ntopics: [diabetes]\n",
    );
    let after = expect_a_clean_builds_pages_and_findings(&site, &[], "a line added above the link");
    assert_eq!(kept(&site, GRAPH), graph, "a comment is no input of the graph");
    assert_ne!(before, after, "the finding points at the line the link is on");
}

#[test]
fn an_edit_below_the_answer_takes_the_links_and_findings_back() {
    let site = built_site();
    let (links, found) = (kept(&site, LINKS), kept(&site, FINDINGS));
    let modified = |rel: &str| std::fs::metadata(site.path(rel)).unwrap().modified().unwrap();
    let (links_at, found_at) = (modified(LINKS), modified(FINDINGS));
    edit(
        &site,
        MUSCLE,
        "almost as often on placebo",
        "nearly as often on placebo",
    );
    expect_a_clean_builds_pages_and_findings(&site, &[], "a body edit");
    assert_eq!(kept(&site, LINKS), links);
    assert_eq!(kept(&site, FINDINGS), found);
    assert_eq!(modified(LINKS), links_at, "the links were kept again, not taken back");
    assert_eq!(
        modified(FINDINGS),
        found_at,
        "the findings were kept again, not taken back"
    );
}
