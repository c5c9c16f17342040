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

const METFORMIN_FILE: &str = "content/diabetes/metformin-first-line.md";
const AGAIN_FILE: &str = "content/diabetes/metformin-reworded.md";

/// The readers fixture with a second article asking the metformin question again, in other
/// words and with `status` as given.
fn with_reworded_metformin(status: &str) -> Site {
    let site = Site::fixture("readers/site");
    let original = site.read(METFORMIN_FILE);
    let again = original
        .replace(
            "Is metformin still the first-line drug for type 2 diabetes?",
            "Is metformin still the first-line drug for type 2 diabetes today?",
        )
        .replace("status: submitted", &format!("status: {status}"))
        .replace("status: under_review", &format!("status: {status}"));
    site.write(AGAIN_FILE, again);
    site
}

#[test]
fn check_warns_of_two_published_questions_asking_the_same_naming_both_files() {
    let site = with_reworded_metformin("submitted");
    let output = site.run(&["check", "--format", "json"]);
    output.expect_code(0);
    let report = output.report();
    let found = report.only("question/duplicate");
    assert_eq!(found.severity, "warning");
    let question_line = site
        .read(AGAIN_FILE)
        .lines()
        .position(|l| l.starts_with("question:"))
        .unwrap() as u32
        + 1;
    assert_eq!(found.at(), (AGAIN_FILE, question_line, 11));
    assert!(found.message.contains(METFORMIN_FILE), "{}", found.message);
    assert!(
        found.message.contains("Is metformin still the first-line drug"),
        "{}",
        found.message
    );
    // --deny warnings makes it stop a build in CI.
    site.run(&["check", "--deny", "warnings"]).expect_code(1);
}

#[test]
fn drafts_and_a_stricter_threshold_raise_no_duplicate() {
    let draft = with_reworded_metformin("draft");
    let report = draft.run(&["check", "--format", "json"]).report();
    assert!(
        report.with_code("question/duplicate").is_empty(),
        "a draft is not published"
    );

    let site = with_reworded_metformin("submitted");
    let config = site.read("evident.yaml");
    site.write("evident.yaml", format!("{config}search:\n  duplicate_threshold: 1.0\n"));
    let report = site.run(&["check", "--format", "json"]).report();
    assert!(
        report.with_code("question/duplicate").is_empty(),
        "one word more: 'today'"
    );
    // ... but identical wording is still caught at 1.0.
    site.write(
        AGAIN_FILE,
        site.read(METFORMIN_FILE)
            .replace("status: under_review", "status: submitted"),
    );
    let report = site.run(&["check", "--format", "json"]).report();
    assert_eq!(report.with_code("question/duplicate").len(), 1);
}

#[test]
fn a_duplicate_threshold_outside_zero_to_one_is_a_configuration_error() {
    let site = Site::fixture("readers/site");
    let config = site.read("evident.yaml");
    site.write("evident.yaml", format!("{config}search:\n  duplicate_threshold: 1.5\n"));
    let output = site.run(&["check", "--format", "json"]);
    output.expect_code(2);
    let report = output.report();
    let found = report.only("config/invalid-value");
    assert_eq!(found.file, "evident.yaml");
    assert!(found.message.contains("1.5"), "{}", found.message);
}

#[test]
fn new_lists_the_existing_questions_search_ranks_closest() {
    let site = Site::fixture("readers/site");
    let output = site.run(&[
        "new",
        "When should metformin be started in type 2 diabetes?",
        "--topic",
        "diabetes",
    ]);
    output.expect_code(0);
    let created = output.stdout.trim();
    assert_eq!(output.stdout.lines().count(), 1, "stdout holds the new file alone");
    assert!(std::path::Path::new(created).is_file(), "{created}");
    let listed: Vec<&str> = output.stderr.lines().filter(|l| l.starts_with("  ")).collect();
    // Both diabetes questions share most of its words; the nephrology one does not.
    assert_eq!(listed.len(), 2, "{}", output.stderr);
    assert!(
        listed.iter().any(|l| l.contains(
            "Is metformin still the first-line drug for type 2 diabetes?  (/questions/metformin-first-line/)"
        )),
        "{}",
        output.stderr
    );
    assert!(
        listed.iter().any(|l| l.contains("/questions/insulin-basal-start/")),
        "{}",
        output.stderr
    );
    let new_slug = std::path::Path::new(created).file_stem().unwrap().to_str().unwrap();
    assert!(!output.stderr.contains(new_slug), "not itself: {}", output.stderr);
}
