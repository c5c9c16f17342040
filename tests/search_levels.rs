//! Search reads a term's postings a field group (level) at a time and stops once the
//! results shown are certain; a term's question, topic and heading lists share one shard
//! (tier 0), its answer lists and body lists have tiers of their own (1 and 2). On a site
//! where every common word is in nearly every article, the shipped script must stop where
//! `evident search`'s ranking stops: the same results, scores, counts and files, for the
//! first page and for "show more".

mod common;

use common::Site;
use evident::search::query::{Results, Searcher};
use serde_json::Value;

const QUERIES: &[&str] = &[
    "metformin",
    "apixaban dose",
    "warfarin bleeding risk",
    "metfromin",
    "patients therapy dose risk outcome",
    "renal function",
    "case 17",
    "how is warfarin managed",
    "dose",
    "kidney damage",
    // The "d" vocabulary shard is split by second character (`corpus`'s codes): a word, its
    // inflections under another second letter, a code, a misspelt code.
    "dying",
    "die",
    "d17x3",
    "d17x33",
    // Articles alike in what they hold of each word score alike (one class of documents in
    // the script): ties broken by site order across classes, many classes at once.
    "dose risk",
    "renal function dose",
    "kidney function trial safety",
];

fn searcher(site: &Site) -> Searcher<impl FnMut(&str) -> Option<Vec<u8>> + '_> {
    let public = site.path("public");
    Searcher::open("", move |path| std::fs::read(public.join(path)).ok()).expect("the index opens")
}

/// The posting tiers a search read from.
fn postings_tiers(loaded: &[String]) -> Vec<&str> {
    let mut tiers: Vec<&str> = loaded
        .iter()
        .filter_map(|p| p.strip_prefix("search/postings/"))
        .filter_map(|p| p.split('/').next())
        .collect();
    tiers.sort_unstable();
    tiers.dedup();
    tiers
}

#[test]
fn a_common_word_is_ranked_from_its_question_level_alone() {
    let site = corpus(244);
    let results = searcher(&site).search("metformin", 10);
    assert_eq!(results.hits.len(), 10);
    assert!(results.hits.iter().all(|h| h.question.contains("metformin")));
    assert_eq!(postings_tiers(&results.loaded), ["0"], "{:?}", results.loaded);
    // Nearly every article names it somewhere: the count is an estimate, two figures.
    assert!(!results.exact);
    assert!((200..=240).contains(&results.total), "{}", results.total);
    // Words only in headings, answers and bodies need the levels down to where the best ten
    // are certain (here the answers' tier), and no further: the bodies are not read.
    let results = searcher(&site).search("patients therapy dose risk outcome", 10);
    assert_eq!(results.hits.len(), 10);
    assert!(results.hits.iter().all(|h| h.matched == 5), "{:?}", results.hits);
    assert_eq!(postings_tiers(&results.loaded), ["0", "1"], "{:?}", results.loaded);
}

#[test]
fn the_shipped_script_stops_where_the_reference_stops() {
    let Some(node) = common::search::node_or_skip("the_shipped_script_stops_where_the_reference_stops") else {
        return;
    };
    let site = corpus(244);
    let from_js: Vec<Value> = common::search::run_driver(node, &site, NODE_DRIVER, QUERIES);
    let mut stopped_early = 0;
    for (query, runs) in QUERIES.iter().zip(&from_js) {
        // One searcher for the three pages, as the search page keeps it: 3 results, then
        // 10, then 25 ("show more").
        let mut reference = searcher(&site);
        let mut seen_before: Vec<String> = Vec::new();
        for (limit, js) in [3, 10, 25].into_iter().zip(runs.as_array().unwrap()) {
            let want = reference.search(query, limit);
            same(query, limit, js, &want, &seen_before);
            seen_before.extend(want.loaded.iter().cloned());
            if !postings_tiers(&want.loaded).contains(&"2") && !want.hits.is_empty() {
                stopped_early += 1;
            }
        }
    }
    assert!(stopped_early >= 5, "the early stop is exercised ({stopped_early} runs)");
}

#[test]
fn a_query_reaches_its_first_row_in_three_round_trips_with_one_posting_shard_a_word() {
    let Some(node) = common::search::node_or_skip(
        "a_query_reaches_its_first_row_in_three_round_trips_with_one_posting_shard_a_word",
    ) else {
        return;
    };
    let site = corpus(244);
    let queries = [
        "apixaban dose",
        "warfarin bleeding risk",
        "kidney function",
        "metformin",
    ];
    let rounds: Vec<Value> = common::search::run_driver(node, &site, ROUNDS_DRIVER, &queries);
    for (query, answer) in queries.iter().zip(&rounds) {
        // The manifest with the synonyms; the vocabulary with each word's question, topic
        // and heading lists, one shard a word; the rows. Reading the heading level after
        // the question level would be a fourth round trip (a loaded phone's 40-70 ms), and
        // a shard a level a word would be twice the requests (six at a time over HTTP/1).
        let files: Vec<&str> = common::search::strings(&answer["rounds"]);
        assert_eq!(answer["count"], 3, "{query}: {files:?}");
        let hits = answer["hits"].as_u64().unwrap();
        assert_eq!(hits, 10, "{query}");
        let words = query.split(' ').count();
        let postings: Vec<&str> = files[1].split(' ').filter(|f| f.contains("/postings/")).collect();
        assert!(
            !postings.is_empty() && postings.len() <= words,
            "{query}: one posting shard a word at most: {postings:?}"
        );
        assert!(
            postings.iter().all(|f| f.starts_with("search/postings/0/")),
            "{postings:?}"
        );
        // And the best ten hold every word, the others only below the question: the
        // heading level was read, and nothing after tier 0 was needed.
        let reference = searcher(&site).search(query, 10);
        assert!(reference.hits.iter().all(|h| h.matched == words), "{query}");
        assert_eq!(postings_tiers(&reference.loaded), ["0"], "{query}");
        if *query != "metformin" {
            let question = reference.hits[0].question.to_lowercase();
            assert!(
                !query.split(' ').all(|w| question.contains(w)),
                "{query}: a word of the best result is matched below the question"
            );
        }
    }
}

#[test]
fn a_level_s_first_pass_settles_the_best_results_and_leaves_the_rest_of_its_lists_unread() {
    let Some(node) = common::search::node_or_skip(
        "a_level_s_first_pass_settles_the_best_results_and_leaves_the_rest_of_its_lists_unread",
    ) else {
        return;
    };
    let site = corpus(244);
    // Common words found first in headings: the best three are among the site's first
    // sixteenth (16 articles here), which is all the heading lists are read for.
    let queries = ["dose", "renal function", "dose risk", "kidney damage"];
    let from_js: Vec<Value> = common::search::run_driver(node, &site, FIRST_PAGE_DRIVER, &queries);
    for (query, js) in queries.iter().zip(&from_js) {
        let results = searcher(&site).search(query, 3);
        // What the levels read hold, each list whole: each word's question, topic and
        // heading lists, as many entries as it has documents there.
        let whole: usize = query.split(' ').map(|word| tier0_entries(&site, word)).sum();
        assert!(
            results.recorded * 4 < whole,
            "{query}: {} entries read of {whole}",
            results.recorded
        );
        // The same results as when the lists are read whole: those that open a longer page.
        let longer = searcher(&site).search(query, 40);
        assert!(longer.recorded >= whole, "{query}: a longer page reads the lists whole");
        assert_eq!(results.hits, longer.hits[..3], "{query}");
        // And the script read exactly as much, to the same page.
        same(query, 3, js, &results, &[]);
    }
}

/// How many documents `word`'s question, topic and heading lists name.
fn tier0_entries(site: &Site, word: &str) -> usize {
    let public = site.path("public");
    let manifest: Value = serde_json::from_slice(&std::fs::read(public.join("search/index.json")).unwrap()).unwrap();
    let firsts = common::search::strings(&manifest["postings"][0]);
    let shard = firsts.iter().rposition(|first| *first <= word).expect("a shard");
    let bytes = std::fs::read(public.join(format!("search/postings/0/{shard}.json"))).unwrap();
    let lists: Value = serde_json::from_slice(&bytes).unwrap();
    lists[word]
        .as_array()
        .expect("the word has tier-0 lists")
        .iter()
        .map(|list| evident::search::encode::decode_postings(list).expect("a list").len())
        .sum()
}

/// Per query, a fresh searcher asked for three results: what the search page's first
/// pass reads is what the reference reads.
const FIRST_PAGE_DRIVER: &str = r#"
async function answer(query) {
  const searcher = engine.createSearcher(readSiteFile);
  const result = await searcher.search(query, 3);
  result.fetched = searcher.loaded.slice();
  return result;
}
"#;

/// Per query, a fresh searcher that receives each file a turn of the event loop after
/// asking for it, as a browser does a round trip later: how many turns asked for files
/// before the first ten rows were in hand, and what each asked for.
const ROUNDS_DRIVER: &str = r#"
async function answer(query) {
  let turn = 0;
  const asked = new Map();
  const searcher = engine.createSearcher((p) => {
    if (!asked.has(turn)) asked.set(turn, []);
    asked.get(turn).push(p);
    const value = readSiteFile(p);
    return new Promise((resolve) => setTimeout(() => { turn++; resolve(value); }, 1));
  });
  const result = await searcher.search(query, 10);
  return { count: asked.size, hits: result.hits.length, rounds: [...asked.values()].map((files) => files.join(" ")) };
}
"#;

/// The script's answer for `query` and `limit` is the reference's, and it fetched the
/// reference's files that the searcher had not fetched before.
fn same(query: &str, limit: usize, js: &Value, want: &Results, fetched_before: &[String]) {
    let at = format!("{query} (top {limit})");
    let hits = js["hits"].as_array().unwrap();
    let slugs: Vec<&str> = hits.iter().map(|h| h["slug"].as_str().unwrap()).collect();
    let want_slugs: Vec<&str> = want.hits.iter().map(|h| h.slug.as_str()).collect();
    assert_eq!(slugs, want_slugs, "{at}");
    for (hit, w) in hits.iter().zip(&want.hits) {
        let score = hit["score"].as_f64().unwrap();
        assert!((score - w.score).abs() < 1e-9, "{at}: {score} vs {}", w.score);
        assert_eq!(hit["terms"], serde_json::json!(w.terms), "{at}");
        assert_eq!(hit["matched"], w.matched, "{at}");
    }
    assert_eq!(js["total"], want.total, "{at}");
    assert_eq!(js["exact"], want.exact, "{at}");
    // The same posting entries read: a level's first pass settled the same queries.
    assert_eq!(js["recorded"], want.recorded, "{at}");
    common::search::assert_same_corrections(js, want, &at);
    let mut js_new = common::search::strings(&js["fetched"]);
    let mut rust_new: Vec<&str> = want
        .loaded
        .iter()
        .filter(|p| !fetched_before.contains(p))
        .map(String::as_str)
        .collect();
    js_new.sort_unstable();
    rust_new.sort_unstable();
    rust_new.dedup();
    assert_eq!(js_new, rust_new, "{at}: the same files are fetched");
}

/// Per query, one searcher asked for 3, then 10, then 25 results; each answer with the
/// files it fetched that the searcher had not fetched before.
const NODE_DRIVER: &str = r#"
async function answer(query) {
  const searcher = engine.createSearcher(readSiteFile);
  const runs = [];
  for (const limit of [3, 10, 25]) {
    const before = searcher.loaded.length;
    const result = await searcher.search(query, limit);
    result.fetched = searcher.loaded.slice(before);
    runs.push(result);
  }
  return runs;
}
"#;

/// A built site in the shape of benches/gen_corpus.rs: each question names one drug, and
/// headings, answers and bodies are drawn from a few clinical words and the drugs, so that
/// common words are in nearly every article, in every field group. The tests take 244
/// articles: not a multiple of 8, so that a bitmap's last byte names fewer than eight.
fn corpus(count: usize) -> Site {
    const DRUGS: &[&str] = &[
        "metformin",
        "apixaban",
        "warfarin",
        "lisinopril",
        "olaparib",
        "budesonide",
    ];
    const WORDS: &[&str] = &[
        "patients",
        "therapy",
        "dose",
        "risk",
        "trial",
        "outcome",
        "bleeding",
        "renal",
        "function",
        "kidney",
        "damage",
        "treatment",
        "survival",
        "safety",
        "managed",
        "dying",
        "died",
    ];
    const TOPICS: &[&str] = &["cardiology", "oncology", "nephrology", "neurology"];
    let site = Site::empty();
    let mut words = common::corpus::Words::new(DRUGS, WORDS);
    site.write(
        "evident.yaml",
        "title: \"Corpus\"\nbase_url: \"https://kb.example.org/\"\nchecks:\n  graph/orphan: off\n  related/implausible: off\n  question/duplicate: off\n",
    );
    for i in 0..count {
        let topic = TOPICS[i % TOPICS.len()];
        let drug = DRUGS[(i / TOPICS.len()) % DRUGS.len()];
        let mut sentence = |count: usize| words.sentence(count);
        // Codes enough to split the "d" vocabulary shard.
        let codes: Vec<String> = (0..8).map(|j| format!("d{i}x{j}")).collect();
        let mut body = format!("Codes: {}.\n", codes.join(" "));
        for s in 0..4 {
            body.push_str(&format!("\n## {} {s}\n\n{} [@r{i}].\n", sentence(3), sentence(30)));
        }
        let text = common::corpus::Article {
            drug,
            topic,
            answer: &sentence(16),
            status: "submitted",
            reference_title: &format!("Synthetic study {i}"),
            body: &body,
        }
        .text(i);
        site.write(&format!("content/{topic}/q-{i:04}.md"), text);
    }
    site.run(&["build", "--format", "json"]).expect_code(0);
    assert!(
        site.exists("public/search/vocab/dy.json") && !site.exists("public/search/vocab/d.json"),
        "the corpus splits the \"d\" shard"
    );
    site
}
