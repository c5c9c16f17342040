//! `evident search`: the browser's ranking from the command line, for editors and for
//! evaluation.

mod common;

use common::Site;
use serde_json::Value;

fn json(text: &str) -> Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn slugs(answer: &Value) -> Vec<String> {
    answer["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["slug"].as_str().expect("slug").to_string())
        .collect()
}

#[test]
fn search_prints_the_ranked_results_as_json() {
    let site = Site::fixture("readers/site");
    let output = site.run(&["search", "metformin", "--format", "json"]);
    output.expect_code(0);
    let answer = json(&output.stdout);
    assert_eq!(slugs(&answer), ["metformin-first-line", "sglt2-kidney-protection"]);
    let first = &answer["results"][0];
    assert_eq!(first["url"], "/questions/metformin-first-line/");
    assert_eq!(
        first["question"],
        "Is metformin still the first-line drug for type 2 diabetes?"
    );
    assert_eq!(first["matched"], serde_json::json!(["metformin"]));
    assert!(first["score"].as_f64().unwrap() > answer["results"][1]["score"].as_f64().unwrap());
}

#[test]
fn search_limits_the_results_and_prints_them_for_people() {
    let site = Site::fixture("readers/site");
    let output = site.run(&["search", "metformin", "--limit", "1"]);
    output.expect_code(0);
    assert!(
        output.stdout.contains("1. Is metformin still the first-line drug"),
        "{}",
        output.stdout
    );
    assert!(output.stdout.contains("/questions/metformin-first-line/"));
    assert!(!output.stdout.contains("sglt2"), "{}", output.stdout);
    let output = site.run(&["search", "zzzzqqq"]);
    output.expect_code(0);
    assert!(
        output.stdout.contains("no published question matches"),
        "{}",
        output.stdout
    );
}

#[test]
fn search_answers_a_file_of_queries_one_json_line_each() {
    let site = Site::fixture("readers/site");
    site.write("queries.txt", "# comment\nmetformin\n\ninsulin\n");
    let output = site.run(&["search", "--queries", "queries.txt"]);
    output.expect_code(0);
    let lines: Vec<Value> = output.stdout.lines().map(json).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["query"], "metformin");
    assert_eq!(slugs(&lines[0])[0], "metformin-first-line");
    assert_eq!(lines[1]["query"], "insulin");
    assert_eq!(slugs(&lines[1])[0], "insulin-basal-start");
}

#[test]
fn search_leaves_drafts_out_unless_asked() {
    let site = Site::fixture("readers/site");
    site.write(
        "content/diabetes/tirzepatide-draft.md",
        "---\nquestion: \"Does tirzepatide lower weight more than semaglutide?\"\nanswer: \"Yes.\"\ntopics: [diabetes]\ncreated: 2025-01-01\nreview:\n  status: draft\n---\nBody.\n",
    );
    let published = site.run(&["search", "tirzepatide", "--format", "json"]);
    published.expect_code(0);
    assert!(slugs(&json(&published.stdout)).is_empty());
    let drafts = site.run(&["search", "tirzepatide", "--format", "json", "--drafts"]);
    drafts.expect_code(0);
    assert_eq!(slugs(&json(&drafts.stdout)), ["tirzepatide-draft"]);
}

#[test]
fn search_without_a_query_or_with_an_unreadable_file_is_a_usage_error() {
    let site = Site::fixture("readers/site");
    site.run(&["search"]).expect_code(2);
    let output = site.run(&["search", "--queries", "missing.txt"]);
    output.expect_code(2);
    assert!(output.stderr.contains("missing.txt"), "{}", output.stderr);
}

#[test]
fn a_site_synonyms_file_adds_groups_and_one_way_expansions() {
    let site = Site::fixture("readers/site");
    // A brand name neither the articles nor the built-in table know finds nothing.
    let before = site.run(&["search", "glucomet", "--format", "json"]);
    before.expect_code(0);
    assert!(slugs(&json(&before.stdout)).is_empty(), "{}", before.stdout);
    site.write(
        "synonyms.yaml",
        "groups:\n  - [basal insulin, night insulin shot]\nexpand:\n  glucomet: [metformin]\n",
    );
    let after = site.run(&["search", "glucomet", "--format", "json"]);
    after.expect_code(0);
    assert_eq!(slugs(&json(&after.stdout))[0], "metformin-first-line");
    let group = site.run(&["search", "night insulin shot", "--format", "json"]);
    assert_eq!(slugs(&json(&group.stdout))[0], "insulin-basal-start");
    // One way only: "metformin" is not read as the brand, nor the brand's article found
    // by anything but the word itself.
    let back = site.run(&["search", "metformin", "--format", "json"]);
    assert_eq!(
        json(&back.stdout)["results"][0]["matched"],
        serde_json::json!(["metformin"])
    );
}

#[test]
fn a_site_can_turn_the_built_in_table_off() {
    let site = Site::fixture("readers/site");
    let with_table = site.run(&["search", "renal", "--format", "json"]);
    assert_eq!(slugs(&json(&with_table.stdout))[0], "sglt2-kidney-protection");
    site.write("synonyms.yaml", "builtin: false\n");
    let without = site.run(&["search", "renal", "--format", "json"]);
    without.expect_code(0);
    assert!(slugs(&json(&without.stdout)).is_empty(), "{}", without.stdout);
}

#[test]
fn a_broken_synonyms_file_is_a_finding_with_its_place() {
    let site = Site::fixture("readers/site");
    site.write("synonyms.yaml", "groups:\n  - [kidney, renal]\ngroupz: []\n");
    let report = site.run(&["check", "--format", "json"]);
    report.expect_code(1);
    let finding = report.report();
    let found = finding.only("config/syntax");
    assert_eq!(found.at(), ("synonyms.yaml", 3, 1));
    assert!(found.message.contains("groupz"), "{}", found.message);
    site.write("synonyms.yaml", "groups:\n  - [kidney, renal]\n  - [the]\n");
    let report = site.run(&["check", "--format", "json"]);
    report.expect_code(1);
    let finding = report.report();
    assert_eq!(finding.only("config/invalid-value").at(), ("synonyms.yaml", 3, 1));
}
