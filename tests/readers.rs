//! Readers: search, structured data and the markup that search engines and screen readers
//! read. The search index is checked through the Rust reference ranking and, when Node is
//! installed, through the very script the site ships.

mod common;

use common::Site;
use evident::search::query::{Results, Searcher};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

const METFORMIN: &str = "metformin-first-line";
const SGLT2: &str = "sglt2-kidney-protection";
const INSULIN: &str = "insulin-basal-start";

fn page_of(slug: &str) -> String {
    format!("public/questions/{slug}/index.html")
}

/// The fixture, with the metformin article approved through the workflow (so that its
/// approval is verified) and built.
fn built() -> Site {
    let site = Site::fixture("readers/site");
    site.run(&["claim", METFORMIN, "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    site.run(&[
        "approve",
        METFORMIN,
        "--reviewer",
        "Dr Ada Lovelace",
        "--role",
        "Medical Advisory Board",
    ])
    .expect_code(0);
    site.run(&["build"]).expect_code(0);
    site
}

fn searcher(site: &Site) -> Searcher<impl FnMut(&str) -> Option<Vec<u8>> + '_> {
    let public = site.path("public");
    Searcher::open("", move |path| std::fs::read(public.join(path)).ok()).expect("the index opens")
}

fn slugs(results: &Results) -> Vec<&str> {
    results.hits.iter().map(|h| h.slug.as_str()).collect()
}

fn json_ld(site: &Site, slug: &str) -> Value {
    site.html(&page_of(slug)).json_ld()
}

// ---------- Search ----------

#[test]
fn search_finds_a_question_by_a_misspelt_drug_name() {
    let site = built();
    let mut search = searcher(&site);
    for typo in ["metfromin", "metformn", "mettformin", "emtformin"] {
        let results = search.search(typo, 10);
        assert_eq!(slugs(&results).first(), Some(&METFORMIN), "{typo}: {results:?}");
        assert_eq!(results.corrections[0].read_as, "metformin", "{typo}");
    }
    let results = search.search("dapagliflozine", 10);
    assert_eq!(slugs(&results), [SGLT2]);
}

#[test]
fn search_ranks_a_question_match_above_a_body_match() {
    let site = built();
    let results = searcher(&site).search("metformin", 10);
    // The SGLT2 article names metformin only in its body.
    assert_eq!(slugs(&results), [METFORMIN, SGLT2]);
    assert!(results.hits[0].score > 10.0 * results.hits[1].score, "{results:?}");
    let results = searcher(&site).search("kidney", 10);
    // Question first, then the article with kidney only in a heading and its body.
    assert_eq!(slugs(&results), [SGLT2, METFORMIN]);
}

#[test]
fn search_results_carry_the_question_and_the_verified_review_status() {
    let site = built();
    let mut search = searcher(&site);
    let results = search.search("diabetes", 10);
    let status = |slug: &str| {
        let hit = results.hits.iter().find(|h| h.slug == slug).expect("found");
        (hit.question.as_str(), hit.status.as_str())
    };
    assert_eq!(
        status(METFORMIN),
        (
            "Is metformin still the first-line drug for type 2 diabetes?",
            "approved"
        )
    );
    // Named as reviewer but not approved: not "approved".
    assert_eq!(status(SGLT2).1, "under_review");
    assert_eq!(status(INSULIN).1, "submitted");
}

#[test]
fn the_shipped_search_script_finds_what_the_reference_finds() {
    let Some(node) = common::search::node_or_skip("the_shipped_search_script_finds_what_the_reference_finds") else {
        return;
    };
    let site = built();
    let queries = [
        "metformin",
        "metfromin",
        "emtformin",
        "kidney",
        "dapagliflozine kidney",
        "insulin dose",
        "Ménière",
        "what is the",
        "diabet",
        // Synonyms, question types and stems: the shared query set of the two rankings.
        "kidney damage",
        "renal protection",
        "high blood sugar treatment",
        "how is diabetes managed",
        "signs of kidney disease",
        "sugar diabetes pills",
        "dosed insulin",
        "t2d first line therapy",
        "is metformin safe in ckd",
        "how common is kidney failure",
        // A synonym phrase holding a cue word, and one beside a cue.
        "kidney function test",
        "side effects of metformin",
        "signs of high blood sugar",
    ];
    let from_js: Vec<Value> = common::search::run_driver(node, &site, NODE_DRIVER, &queries);
    for (query, js) in queries.iter().zip(&from_js) {
        let expected = searcher(&site).search(query, 10);
        let js_slugs: Vec<&str> = js["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["slug"].as_str().unwrap())
            .collect();
        assert_eq!(js_slugs, slugs(&expected), "{query}");
        for (hit, want) in js["hits"].as_array().unwrap().iter().zip(&expected.hits) {
            let score = hit["score"].as_f64().unwrap();
            assert!((score - want.score).abs() < 1e-9, "{query}: {score} vs {}", want.score);
            assert_eq!(hit["status"], want.status.as_str(), "{query}");
            assert_eq!(
                hit["terms"],
                serde_json::json!(want.terms),
                "{query}: the same matched terms"
            );
            assert_eq!(hit["excerpt"], want.excerpt.as_str(), "{query}");
            assert_eq!(hit["url"], format!("/questions/{}/", want.slug), "{query}");
        }
        common::search::assert_same_corrections(js, &expected, query);
        let mut js_loaded = common::search::strings(&js["loaded"]);
        let mut rust_loaded: Vec<&str> = expected.loaded.iter().map(String::as_str).collect();
        js_loaded.sort_unstable();
        rust_loaded.sort_unstable();
        assert_eq!(js_loaded, rust_loaded, "{query}: the same files are fetched");
    }
    assert_eq!(from_js[0]["hits"][0]["slug"], METFORMIN);
    assert_eq!(from_js[1]["corrections"][0]["readAs"], "metformin");
    // A lay or clinical word finds the other in the browser too: "renal" → "kidneys".
    let renal = queries.iter().position(|q| *q == "renal protection").unwrap();
    assert_eq!(from_js[renal]["hits"][0]["slug"], SGLT2);
    assert_eq!(
        from_js[renal]["hits"][0]["terms"],
        serde_json::json!(["kidneys", "protect"])
    );
}

#[test]
fn the_shipped_script_quotes_the_answer_around_the_matched_words_and_marks_them() {
    let Some(node) =
        common::search::node_or_skip("the_shipped_script_quotes_the_answer_around_the_matched_words_and_marks_them")
    else {
        return;
    };
    let site = built();
    let script = site.path("public/theme/search.js");
    let probe = r#"
const engine = require(process.argv[1]);
const text = "Metformin lowers glucose. It is safe until the eGFR falls below 30, when Metformin must stop; reduce the dose below 45.";
const long = engine.excerpt(text, ["egfr", "metformin"], 60);
const none = engine.excerpt("Short answer.", [], 60);
process.stdout.write(JSON.stringify({ long, none }));
"#;
    let output = Command::new(node)
        .arg("-e")
        .arg(probe)
        .arg(&script)
        .output()
        .expect("run node");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let found: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let marked: Vec<&str> = found["long"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["mark"] == true)
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    // The second "Metformin" lies past the 60 characters shown.
    assert_eq!(marked, ["Metformin", "eGFR"]);
    let whole: String = found["long"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    assert!(whole.ends_with(" …"), "a cut excerpt says so: {whole}");
    assert!(whole.chars().count() <= 64, "{whole}");
    assert_eq!(
        found["none"],
        serde_json::json!([{"text": "Short answer.", "mark": false}])
    );
}

/// Each query's results from the site's search script, as JSON.
const NODE_DRIVER: &str = r#"
async function answer(query) {
  // A fresh searcher per query, so each reports its own first download.
  return engine.createSearcher(readSiteFile).search(query, 10);
}
"#;

#[test]
fn no_page_but_the_search_page_loads_search_code_and_none_loads_the_index() {
    let site = built();
    let mut html_files = Vec::new();
    collect_html(&site.path("public"), &mut html_files);
    assert!(html_files.len() > 5);
    for file in &html_files {
        let text = std::fs::read_to_string(file).unwrap();
        let rel = file
            .strip_prefix(site.path("public"))
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        assert!(!text.contains("index.json"), "{rel} names the search index");
        assert!(
            !text.contains("search/vocab") && !text.contains("search/postings"),
            "{rel}"
        );
        if rel == "search/index.html" {
            assert!(text.contains("theme/search.js"));
        } else {
            assert!(!text.contains("search.js"), "{rel} loads the search script");
        }
    }
    // The search page works without JavaScript by offering the topic hubs.
    let page = site.html("public/search/index.html");
    assert_eq!(page.texts("h1"), ["Search"]);
    assert!(page.text("noscript").contains("Search needs JavaScript"));
    let hubs = page.attrs(".search-topics a", "href");
    assert_eq!(hubs, ["/topics/diabetes/", "/topics/nephrology/"]);
    // Every other page has the header form, which lands there.
    let article = site.html(&page_of(METFORMIN));
    assert_eq!(article.attr("header form[role=search]", "action"), "/search/");
    assert_eq!(article.attr("#site-search-query", "name"), "q");
    assert_eq!(article.text("label[for=site-search-query]"), "Search questions");
    assert_eq!(
        page.count("header form[role=search]"),
        0,
        "one search form on the search page"
    );
}

fn collect_html(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_html(&path, out);
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
}

#[test]
fn the_search_index_is_byte_identical_across_builds() {
    let site = built();
    let first = site.tree("public/search");
    site.run(&["build"]).expect_code(0);
    assert_eq!(first, site.tree("public/search"));
    assert!(first.contains_key("index.json") && first.contains_key("docs/0.json"));
}

/// The first search on a site of 10,000 articles must download well under 300 KB. No file
/// of the index grows faster than the corpus (the manifest by one entry per posting shard,
/// a vocabulary shard by its new words, a posting list by its documents), and document
/// shards hold a fixed number of rows. So ten times what a query loads from the manifest,
/// vocabulary and postings of 1,000 articles, plus its document shards, bounds what it
/// would load from 10,000: that projection must stay under the 300 KB target.
#[test]
fn the_first_search_download_stays_small_for_a_thousand_articles() {
    const ARTICLES: usize = 1000;
    const TARGET_FOR_10K: usize = 300 * 1024;
    let site = Site::empty();
    write_corpus(&site, ARTICLES);
    let out = site.run(&["build", "--format", "json"]);
    out.expect_code(0);
    let tree = site.tree("public/search");
    let total: usize = tree.values().map(Vec::len).sum();

    let public = site.path("public");
    for query in [
        "metformin",
        "apixiban",
        "warfarin bleeding risk",
        "patients therapy dose risk outcome",
        "case 512",
        "lutetium 177",
    ] {
        let (mut scaling, mut fixed) = (0usize, 0usize);
        let mut search = Searcher::open("", |path| {
            let read = std::fs::read(public.join(path)).ok();
            let bytes = read.as_ref().map_or(0, Vec::len);
            if path.contains("/docs/") {
                fixed += bytes;
            } else {
                scaling += bytes;
            }
            read
        })
        .unwrap();
        let results = search.search(query, 10);
        drop(search);
        assert!(!results.hits.is_empty(), "{query} finds something");
        let projected = scaling * 10 + fixed;
        eprintln!(
            "{ARTICLES} articles: {query:?} downloads {} B ({} files) of a {total} B index; projected for 10,000: {projected} B",
            scaling + fixed,
            results.loaded.len()
        );
        assert!(
            projected <= TARGET_FOR_10K,
            "{query}: {scaling} B of manifest, vocabulary and postings and {fixed} B of documents \
             project to {projected} B for 10,000 articles ({:?})",
            results.loaded
        );
    }
}

/// A synthetic knowledge base in the shape of benches/gen_corpus.rs: drug questions with
/// sections of clinical words, so that common terms are in nearly every article.
fn write_corpus(site: &Site, count: usize) {
    const DRUGS: &[&str] = &[
        "metformin",
        "empagliflozin",
        "apixaban",
        "rivaroxaban",
        "warfarin",
        "atorvastatin",
        "lisinopril",
        "nitrofurantoin",
        "enzalutamide",
        "lutetium-177",
        "levetiracetam",
        "budesonide",
    ];
    const WORDS: &[&str] = &[
        "patients",
        "therapy",
        "dose",
        "risk",
        "benefit",
        "trial",
        "outcome",
        "mortality",
        "bleeding",
        "monitoring",
        "renal",
        "function",
        "guideline",
        "evidence",
        "cohort",
        "randomized",
        "placebo",
        "hazard",
        "treatment",
        "response",
        "survival",
        "safety",
        "baseline",
        "clinical",
        "imaging",
    ];
    const TOPICS: &[&str] = &[
        "cardiology",
        "oncology",
        "diabetes",
        "nephrology",
        "neurology",
        "respiratory",
    ];
    let mut words = common::corpus::Words::new(DRUGS, WORDS);
    site.write(
        "evident.yaml",
        "title: \"Corpus\"\nbase_url: \"https://kb.example.org/\"\nchecks:\n  graph/orphan: off\n  related/implausible: off\n",
    );
    for i in 0..count {
        let topic = TOPICS[i % TOPICS.len()];
        let drug = DRUGS[(i / TOPICS.len()) % DRUGS.len()];
        let mut sentence = |count: usize| words.sentence(count);
        let mut body = String::new();
        for s in 0..4 {
            body.push_str(&format!("\n## {} {s}\n\n{} [@r{i}].\n", sentence(3), sentence(40)));
            for _ in 0..4 {
                body.push_str(&format!("- {} [@r{i}]\n", sentence(14)));
            }
        }
        // The answer's words are drawn before the reference title's.
        let answer = sentence(20);
        let text = common::corpus::Article {
            drug,
            topic,
            answer: &answer,
            status: ["submitted", "under_review"][i % 2],
            reference_title: &sentence(6),
            body: &body,
        }
        .text(i);
        site.write(&format!("content/{topic}/q-{i:04}.md"), text);
    }
}

// ---------- Structured data ----------

#[test]
fn an_approved_article_carries_medical_web_page_structured_data() {
    let site = built();
    let data = json_ld(&site, METFORMIN);
    assert_eq!(data["@context"], "https://schema.org");
    assert_eq!(data["@type"], "MedicalWebPage");
    assert_eq!(
        data["name"],
        "Is metformin still the first-line drug for type 2 diabetes?"
    );
    assert_eq!(data["url"], "https://kb.example.org/questions/metformin-first-line/");
    assert_eq!(data["about"][0]["name"], "Diabetes");
    assert_eq!(data["about"][0]["url"], "https://kb.example.org/topics/diabetes/");
    assert_eq!(data["audience"]["@type"], "MedicalAudience");
    assert_eq!(data["audience"]["audienceType"], "Clinician");
    assert_eq!(data["dateModified"], "2026-01-15");
    assert_eq!(data["lastReviewed"], common::today().to_string());
    assert_eq!(data["reviewedBy"][0]["name"], "Dr Ada Lovelace");
    assert_eq!(data["reviewedBy"][0]["jobTitle"], "Medical Advisory Board");
    assert_eq!(data["isPartOf"]["@type"], "WebSite");
    assert_eq!(data["isPartOf"]["name"], "Readers fixture");
    assert_eq!(data["isPartOf"]["url"], "https://kb.example.org/");

    let citations = data["citation"].as_array().expect("citations");
    assert_eq!(citations.len(), 2);
    assert_eq!(
        citations[0]["name"].as_str().unwrap().split(':').next(),
        Some("Pharmacologic Approaches to Glycemic Treatment")
    );
    assert_eq!(citations[0]["identifier"][0]["propertyID"], "DOI");
    assert_eq!(citations[0]["identifier"][0]["value"], "10.2337/dc25-S009");
    assert_eq!(citations[0]["sameAs"], "https://doi.org/10.2337/dc25-S009");
    assert_eq!(citations[0]["identifier"][1]["propertyID"], "PMID");
    assert_eq!(citations[1]["@type"], "ScholarlyArticle");
    assert_eq!(citations[1]["identifier"][0]["value"], "10.1016/S0140-6736(98)07037-8");

    let crumbs = data["breadcrumb"]["itemListElement"].as_array().expect("breadcrumb");
    assert_eq!(data["breadcrumb"]["@type"], "BreadcrumbList");
    let trail: Vec<(i64, &str, &str)> = crumbs
        .iter()
        .map(|c| {
            (
                c["position"].as_i64().unwrap(),
                c["name"].as_str().unwrap(),
                c["item"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        trail,
        [
            (1, "Readers fixture", "https://kb.example.org/"),
            (2, "Diabetes", "https://kb.example.org/topics/diabetes/"),
            (
                3,
                "Is metformin still the first-line drug for type 2 diabetes?",
                "https://kb.example.org/questions/metformin-first-line/"
            ),
        ]
    );
}

#[test]
fn a_pending_article_makes_no_review_claim_in_its_structured_data() {
    let site = built();
    let data = json_ld(&site, SGLT2);
    assert_eq!(data["@type"], "MedicalWebPage");
    for field in ["reviewedBy", "lastReviewed"] {
        assert!(data.get(field).is_none(), "{field} on a pending page: {data}");
    }
    assert!(
        !data.to_string().contains("Grace Hopper"),
        "a named but not approving reviewer"
    );
    // Written for everyone: both audiences.
    let audiences: Vec<&str> = data["audience"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["audienceType"].as_str().unwrap())
        .collect();
    assert_eq!(audiences, ["Clinician", "Patient"]);
    assert_eq!(data["dateModified"], "2026-02-01");
    assert_eq!(json_ld(&site, INSULIN)["audience"]["audienceType"], "Patient");
}

#[test]
fn no_page_claims_faq_or_qa_markup() {
    let site = built();
    let mut html_files = Vec::new();
    collect_html(&site.path("public"), &mut html_files);
    for file in html_files {
        let text = std::fs::read_to_string(&file).unwrap();
        for kind in ["FAQPage", "QAPage", "\"Question\"", "acceptedAnswer"] {
            assert!(!text.contains(kind), "{} has {kind}", file.display());
        }
    }
}

#[test]
fn article_pages_carry_open_graph_twitter_and_a_meta_description() {
    let site = built();
    let page = site.html(&page_of(METFORMIN));
    let meta = |attr: &str, name: &str| page.attr(&format!("meta[{attr}=\"{name}\"]"), "content");
    let question = "Is metformin still the first-line drug for type 2 diabetes?";
    assert!(meta("name", "description").starts_with("Yes, for most adults without contraindications"));
    assert!(meta("name", "description").chars().count() <= 161);
    assert_eq!(meta("property", "og:type"), "article");
    assert_eq!(meta("property", "og:title"), question);
    assert_eq!(
        meta("property", "og:url"),
        "https://kb.example.org/questions/metformin-first-line/"
    );
    assert_eq!(meta("property", "og:site_name"), "Readers fixture");
    assert!(meta("property", "og:description").starts_with("Yes, for most adults"));
    assert_eq!(meta("property", "article:modified_time"), "2026-01-15");
    assert_eq!(meta("property", "article:section"), "Diabetes");
    assert_eq!(meta("name", "twitter:card"), "summary");
    assert_eq!(meta("name", "twitter:title"), question);
    assert!(meta("name", "twitter:description").starts_with("Yes, for most adults"));
    assert_eq!(
        page.attr("link[rel=canonical]", "href"),
        "https://kb.example.org/questions/metformin-first-line/"
    );
}

// ---------- Accessibility ----------

#[test]
fn every_page_has_landmarks_one_h1_and_a_skip_link_to_main() {
    let site = built();
    let mut html_files = Vec::new();
    collect_html(&site.path("public"), &mut html_files);
    for file in html_files {
        let page = common::Page::parse(&std::fs::read_to_string(&file).unwrap());
        let name = file.display();
        assert_eq!(page.count("h1"), 1, "{name}: one h1");
        assert_eq!(page.count("header.site-header"), 1, "{name}");
        assert_eq!(page.count("main#main"), 1, "{name}");
        assert_eq!(page.count("footer"), 1, "{name}");
        assert!(page.count("nav[aria-label]") >= 1, "{name}");
        assert_eq!(page.attr("a.skip-link", "href"), "#main", "{name}");
        assert!(page.attr("html", "lang").len() >= 2, "{name}");
        // Every control has a label.
        for id in page.attrs("input:not([type=hidden])", "id") {
            assert_eq!(page.count(&format!("label[for=\"{id}\"]")), 1, "{name}: input #{id}");
        }
    }
}

#[test]
fn the_audience_switch_is_a_labelled_radio_group() {
    let site = built();
    let page = site.html(&page_of(METFORMIN));
    assert_eq!(page.text("fieldset.audience-switch legend"), "Show the answer for");
    let radios = page.attrs("fieldset.audience-switch input[type=radio]", "value");
    assert_eq!(radios, ["clinician", "patient"]);
    assert_eq!(
        page.attrs("fieldset.audience-switch input[type=radio]", "name"),
        ["audience", "audience"]
    );
    assert_eq!(
        page.count("fieldset.audience-switch label > input[type=radio]"),
        2,
        "each inside its label"
    );
    assert_eq!(page.count("fieldset.audience-switch input[checked]"), 1);
}

#[test]
fn the_disclaimer_is_addressed_to_the_audience_the_page_is_written_for() {
    let site = built();
    let disclaimer = |slug: &str| {
        let page = site.html(&page_of(slug));
        (page.text("#disclaimer-heading"), page.text("aside.disclaimer"))
    };
    let (heading, text) = disclaimer(INSULIN);
    assert_eq!(heading, "Before you act on this", "audience: patient");
    assert!(
        text.contains("advice from a doctor, nurse or pharmacist who knows you"),
        "{text}"
    );
    for professional in ["health professionals", "prescribing information", "clinical judgement"] {
        assert!(
            !text.contains(professional),
            "a patient page says {professional:?}: {text}"
        );
    }
    let (heading, text) = disclaimer(METFORMIN);
    assert_eq!(heading, "Professional disclaimer", "audience: clinician");
    assert!(text.contains("for health professionals"), "{text}");
    let (heading, text) = disclaimer(SGLT2);
    assert_eq!(heading, "Disclaimer", "audience: all");
    assert!(
        text.contains("If you are a patient") && text.contains("If you are a health professional"),
        "{text}"
    );
}

#[test]
fn the_review_banner_is_a_landmark_named_by_its_state() {
    let site = built();
    for (slug, title) in [
        (METFORMIN, "Medically reviewed"),
        (SGLT2, "Educational purpose only — pending human review"),
    ] {
        let page = site.html(&page_of(slug));
        assert_eq!(page.attr(".review-banner", "role"), "region", "{slug}");
        let label = page.attr(".review-banner", "aria-labelledby");
        assert_eq!(page.text(&format!("#{label}")), title, "{slug}");
    }
}

/// WCAG 2.2 AA contrast (4.5:1 for text, 3:1 for large text and control borders) for the
/// theme's colour pairs, in the light and the dark scheme, read from theme/evident.css.
#[test]
fn theme_colours_meet_wcag_aa_contrast_in_light_and_dark() {
    let css = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("theme/evident.css")).unwrap();
    let dark_at = css.find("@media (prefers-color-scheme: dark)").expect("a dark scheme");
    let light = variables(&css[..dark_at]);
    let mut dark = light.clone();
    dark.extend(variables(
        &css[dark_at..css[dark_at..].find("\n}\n").map_or(css.len(), |e| dark_at + e)],
    ));
    const TEXT: &[(&str, &str)] = &[
        ("text", "bg"),
        ("text", "surface"),
        ("text", "surface-2"),
        ("muted", "bg"),
        ("muted", "surface"),
        ("muted", "surface-2"),
        ("link", "bg"),
        ("link", "surface"),
        ("link", "surface-2"),
        ("link", "cite-bg"),
        ("link", "answer-bg"),
        ("text", "answer-bg"),
        ("muted", "answer-bg"),
        ("on-accent", "accent"),
        ("ok", "ok-bg"),
        ("warn", "warn-bg"),
        ("info", "info-bg"),
        ("neutral", "neutral-bg"),
        ("text", "ok-bg"),
        ("text", "warn-bg"),
        ("link", "warn-bg"),
        ("link", "ok-bg"),
        ("text", "target-bg"),
        ("alert-note", "alert-note-bg"),
        ("alert-tip", "alert-tip-bg"),
        ("alert-important", "alert-important-bg"),
        ("alert-warning", "alert-warning-bg"),
        ("alert-caution", "alert-caution-bg"),
        ("hl-comment", "code-bg"),
        ("hl-keyword", "code-bg"),
        ("hl-string", "code-bg"),
    ];
    const UI: &[(&str, &str)] = &[("border-strong", "surface"), ("focus", "bg"), ("focus", "surface")];
    for (scheme, vars) in [("light", &light), ("dark", &dark)] {
        for (pairs, minimum) in [(TEXT, 4.5), (UI, 3.0)] {
            for (fg, bg) in pairs {
                let colour = |name: &str| *vars.get(name).unwrap_or_else(|| panic!("{scheme}: no --{name}"));
                let ratio = contrast(colour(fg), colour(bg));
                assert!(
                    ratio >= minimum,
                    "{scheme}: --{fg} on --{bg} is {ratio:.2}:1, below {minimum}:1"
                );
            }
        }
    }
}

/// `--name: #rrggbb;` declarations, as RGB.
fn variables(css: &str) -> std::collections::HashMap<String, [f64; 3]> {
    let mut found = std::collections::HashMap::new();
    let mut uncommented = String::new();
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        uncommented.push_str(&rest[..start]);
        rest = rest[start..].find("*/").map_or("", |end| &rest[start + end + 2..]);
    }
    uncommented.push_str(rest);
    for declaration in uncommented.split(';') {
        // A declaration may follow a selector or an at-rule on the same chunk.
        let declaration = declaration.rsplit(['{', '}']).next().unwrap_or_default();
        let Some((name, value)) = declaration.trim().split_once(':') else {
            continue;
        };
        let Some(name) = name.trim().strip_prefix("--") else {
            continue;
        };
        let value = value.trim();
        if let Some(hex) = value.strip_prefix('#').filter(|h| h.len() == 6) {
            let channel = |i: usize| f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            found.insert(name.to_string(), [channel(0), channel(2), channel(4)]);
        }
    }
    found
}

fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
    let luminance = |c: [f64; 3]| {
        let linear = |v: f64| {
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(c[0]) + 0.7152 * linear(c[1]) + 0.0722 * linear(c[2])
    };
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}
