//! Health-information standards on a real site: named authors, disclosures, evidence
//! grades, the feedback link, reading grade, and `evident audit` (docs/reviewers-guide.md: Standards).

mod common;

use common::{Site, commit, git};

const CHECK: &[&str] = &["check", "--format", "json", "--as-of", "2026-01-01"];
const ARTICLE: &str = "content/general/water.md";

fn site() -> Site {
    Site::fixture("standards/site")
}

/// The fixture's article with `from` replaced by `to`.
fn edit(site: &Site, from: &str, to: &str) {
    let text = site.read(ARTICLE);
    assert!(text.contains(from), "{from}");
    site.write(ARTICLE, text.replace(from, to));
}

fn edit_config(site: &Site, from: &str, to: &str) {
    let text = site.read("evident.yaml");
    assert!(text.contains(from), "{from}");
    site.write("evident.yaml", text.replace(from, to));
}

#[test]
fn the_article_page_names_its_authors_disclosures_grade_and_feedback_link() {
    let site = site();
    let out = site.run(&["build", "--format", "json", "--as-of", "2026-01-01"]);
    out.expect_code(0);
    assert!(out.report().diagnostics.is_empty(), "{:?}", out.report().diagnostics);
    let page = site.html("public/questions/water/index.html");

    assert_eq!(page.text(".article-authors"), "Written by Ana Author, MD, MPH");
    assert_eq!(page.attr("a.article-author", "href"), "/people/ana-author/");

    let disclosures = page.texts(".disclosures dd");
    assert_eq!(
        disclosures,
        ["None declared", "None declared", "Receives no industry funding."],
        "funding, conflicts, then the author's own"
    );
    assert_eq!(page.texts(".disclosures dt")[2], "Ana Author, MD, MPH (author)");

    assert_eq!(
        page.text(".evidence-grade"),
        "Strength of recommendation: B (SORT) · What the grades mean"
    );
    assert_eq!(
        page.attr(".evidence-grade a", "href"),
        "/editorial-policy/#evidence-grades"
    );

    assert_eq!(page.text(".feedback__link"), "Report a problem with this page");
    assert_eq!(
        page.attr(".feedback__link", "href"),
        "mailto:editors@example.org?subject=Problem%20with%20water%20v1&body=https%3A%2F%2Fkb.example.org%2Fquestions%2Fwater%2F"
    );

    let json_ld = page.json_ld();
    let author = &json_ld["author"][0];
    assert_eq!(author["@type"], "Person");
    assert_eq!(author["name"], "Ana Author");
    assert_eq!(author["url"], "https://kb.example.org/people/ana-author/");
    assert_eq!(author["hasCredential"]["name"], "MD, MPH");

    let profile = site.html("public/people/ana-author/index.html");
    assert_eq!(
        profile.texts(".person__authored a"),
        ["How much water should I drink each day?"]
    );
    assert_eq!(profile.attr(".person__authored a", "href"), "/questions/water/");
    let other = site.html("public/people/ben-writer/index.html");
    assert_eq!(other.count(".person__authored"), 0, "Ben wrote nothing");
}

#[test]
fn an_article_that_states_nothing_says_so() {
    let site = site();
    edit(&site, "funding: \"None declared\"\n", "");
    edit(&site, "conflicts: \"None declared\"", "conflicts: \"  \"");
    edit(&site, "grade: B\n", "");
    edit_config(&site, "feedback_url:", "# feedback_url:");
    site.run(&["build", "--as-of", "2026-01-01"]).expect_code(0);
    let page = site.html("public/questions/water/index.html");
    assert_eq!(page.texts(".disclosures dd")[..2], ["Not stated", "Not stated"]);
    assert_eq!(page.count(".evidence-grade"), 0);
    assert_eq!(page.count(".feedback"), 0);
}

#[test]
fn an_unknown_author_is_an_error_with_the_nearest_id() {
    let site = site();
    edit(&site, "authors: [ana-author]", "authors: [ana-autor]");
    let out = site.run(CHECK);
    out.expect_code(1);
    let finding = out.report().only("people/unknown").clone();
    assert_eq!(finding.at(), (ARTICLE, 7, 11));
    assert_eq!(finding.hint.as_deref(), Some("did you mean `ana-author`?"));
}

#[test]
fn require_authors_makes_an_article_without_authors_an_error() {
    let site = site();
    edit(&site, "authors: [ana-author]\n", "");
    let out = site.run(CHECK);
    out.expect_code(1);
    let report = out.report();
    let finding = report.only("frontmatter/missing-field");
    assert_eq!(finding.at(), (ARTICLE, 1, 1));
    assert!(finding.message.contains("`authors`"), "{}", finding.message);

    edit_config(&site, "require_authors: true", "require_authors: false");
    let out = site.run(CHECK);
    out.expect_code(0);
    assert!(out.report().diagnostics.is_empty(), "{:?}", out.report().diagnostics);
}

#[test]
fn an_author_who_declares_nothing_is_a_finding() {
    let site = site();
    edit(&site, "authors: [ana-author]", "authors: [ana-author, ben-writer]");
    let out = site.run(CHECK);
    out.expect_code(0);
    let report = out.report();
    let finding = report.only("people/no-disclosures");
    assert_eq!(finding.file, "people/ben-writer.md");
    assert_eq!(finding.severity, "warning");
    assert!(
        finding.message.contains("Ben Writer writes articles"),
        "{}",
        finding.message
    );
}

#[test]
fn a_grade_off_the_configured_scale_is_an_error() {
    let site = site();
    edit(&site, "grade: B", "grade: moderate");
    let out = site.run(CHECK);
    out.expect_code(1);
    let report = out.report();
    let finding = report.only("frontmatter/invalid-value");
    assert_eq!(finding.at(), (ARTICLE, 10, 8));
    assert!(finding.message.contains("SORT"), "{}", finding.message);
    assert!(
        finding.hint.as_deref().unwrap_or("").contains("A, B, C"),
        "{:?}",
        finding.hint
    );

    edit_config(&site, "grading: sort", "grading: grade");
    site.run(&["build", "--as-of", "2026-01-01"]).expect_code(0);
    let page = site.html("public/questions/water/index.html");
    assert_eq!(
        page.text(".evidence-grade"),
        "Certainty of evidence: moderate (GRADE) · What the grades mean"
    );
}

const HARD: &str = "Pharmacological interventions demonstrating considerable effectiveness necessitate individualized consideration of comorbidities. Additionally, physiological variability substantially influences therapeutic recommendations. Consequently, evaluation remains indispensable.";

#[test]
fn a_plain_answer_above_the_target_grade_is_too_hard() {
    let site = site();
    edit(
        &site,
        "Drink when you feel thirsty. Water, tea and milk all count. Drink more on hot days.",
        HARD,
    );
    let out = site.run(CHECK);
    out.expect_code(0);
    let report = out.report();
    let finding = report.only("readability/too-hard");
    assert_eq!(finding.at(), (ARTICLE, 6, 3));
    assert_eq!(finding.severity, "warning");
    assert!(finding.message.contains("by SMOG"), "{}", finding.message);
    assert!(finding.message.contains("Flesch–Kincaid grade"), "{}", finding.message);
    assert!(finding.message.contains("above the target of 8"), "{}", finding.message);
    let hint = finding.hint.as_deref().unwrap_or("");
    assert!(
        hint.contains("\"Pharmacological interventions"),
        "names the longest sentence: {hint}"
    );
    assert!(hint.contains("individualized"), "names the hard words: {hint}");

    edit_config(&site, "max_grade: 8", "max_grade: 20");
    let out = site.run(CHECK);
    assert!(out.report().with_code("readability/too-hard").is_empty());
}

#[test]
fn the_body_of_an_article_for_patients_is_judged_too() {
    let site = site();
    edit(&site, "audience: all", "audience: patient");
    let out = site.run(CHECK);
    assert!(
        out.report().with_code("readability/too-hard").is_empty(),
        "the fixture reads easily"
    );
    edit(
        &site,
        "- Thirst is a good guide for most people [@guide-2024].",
        &format!("- {HARD} [@guide-2024]"),
    );
    let out = site.run(CHECK);
    let report = out.report();
    let finding = report.only("readability/too-hard");
    assert_eq!(finding.at(), (ARTICLE, 23, 1), "the body's first line");
    assert!(finding.message.contains("article for patients"), "{}", finding.message);
}

#[test]
fn a_feedback_address_must_be_mailto_or_https() {
    let site = site();
    edit_config(&site, "feedback_url: \"mailto:", "feedback_url: \"javascript:");
    let out = site.run(CHECK);
    out.expect_code(2);
    let report = out.report();
    let finding = report.only("config/invalid-value");
    assert_eq!(finding.at(), ("evident.yaml", 9, 15));
    assert!(finding.message.contains("mailto:"), "{}", finding.message);
}

fn audit(site: &Site, as_of: &str) -> serde_json::Value {
    let out = site.run(&["audit", "--format", "json", "--as-of", as_of]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).expect("the audit is JSON")
}

fn verdicts(audit: &serde_json::Value) -> Vec<(String, bool)> {
    let criteria = audit["articles"][0]["criteria"].as_object().expect("criteria");
    criteria
        .iter()
        .map(|(name, v)| (name.clone(), v["pass"].as_bool().expect("pass is a bool")))
        .collect()
}

#[test]
fn audit_reports_each_criterion_per_article_and_for_the_site() {
    let site = site();
    let before = audit(&site, "2026-01-01");
    assert_eq!(before["articles"].as_array().map(Vec::len), Some(1));
    assert_eq!(before["articles"][0]["slug"], "water");
    assert_eq!(before["articles"][0]["file"], ARTICLE);
    let failing: Vec<String> = verdicts(&before)
        .into_iter()
        .filter(|(_, p)| !p)
        .map(|(n, _)| n)
        .collect();
    assert_eq!(failing, ["currency", "review"], "not reviewed yet");
    assert!(
        before["articles"][0]["criteria"]["review"]["why"]
            .as_str()
            .unwrap_or("")
            .contains("no verified approval")
    );
    assert_eq!(before["summary"]["review"], serde_json::json!({"pass": 0, "fail": 1}));
    assert_eq!(
        before["summary"]["authorship"],
        serde_json::json!({"pass": 1, "fail": 0})
    );
    let denied = site.run(&["audit", "--deny", "--as-of", "2026-01-01"]);
    assert_eq!(denied.code, 1);
    assert!(denied.stdout.contains("FAIL  review"), "{}", denied.stdout);

    site.run(&["claim", "water", "--reviewer", "ana-author"]).expect_code(0);
    site.run(&["approve", "water", "--reviewer", "ana-author"])
        .expect_code(0);
    // An approval is dated the day it is given: judge it as of then, and four years on.
    let today = common::today();
    let after = audit(&site, &today.to_string());
    assert!(verdicts(&after).iter().all(|(_, pass)| *pass), "{after:#}");
    assert_eq!(site.run(&["audit", "--deny", "--as-of", &today.to_string()]).code, 0);

    let later = evident::date::Date::from_days_since_epoch(today.days_since_epoch() + 4 * 366);
    let overdue = audit(&site, &later.to_string());
    let currency = &overdue["articles"][0]["criteria"]["currency"];
    assert_eq!(currency["pass"], false);
    assert!(
        currency["why"]
            .as_str()
            .unwrap_or("")
            .contains(&format!("due on {}-", today.year() + 3)),
        "{currency}"
    );
}

#[test]
fn audit_fails_each_criterion_that_is_not_met() {
    let site = site();
    edit(&site, "funding: \"None declared\"\n", "");
    edit(&site, "authors: [ana-author]", "authors: []");
    edit(&site, " [@guide-2024].\n", ".\n");
    edit(
        &site,
        "Drink when you feel thirsty. Water, tea and milk all count. Drink more on hot days.",
        HARD,
    );
    edit_config(&site, "feedback_url:", "# feedback_url:");
    let result = audit(&site, "2026-01-01");
    let criteria = &result["articles"][0]["criteria"];
    for name in ["authorship", "attribution", "disclosure", "plain_language", "feedback"] {
        assert_eq!(criteria[name]["pass"], false, "{name}: {criteria:#}");
    }
    assert!(criteria["disclosure"]["why"].as_str().unwrap_or("").contains("funding"));
    assert!(
        criteria["attribution"]["why"]
            .as_str()
            .unwrap_or("")
            .contains("cite nothing")
    );
    assert!(
        criteria["plain_language"]["why"]
            .as_str()
            .unwrap_or("")
            .contains("SMOG")
    );
}

#[test]
fn an_earlier_version_shows_its_own_grade_on_the_site_scale() {
    let site = site();
    git(&site, "2025-01-10T12:00:00Z", &["init", "-q"]);
    commit(&site, "2025-01-10T12:00:00Z", "version 1");
    edit(&site, "grade: B", "grade: A\nversion: 2");
    commit(&site, "2025-02-10T12:00:00Z", "version 2");
    site.run(&["build", "--as-of", "2026-01-01"]).expect_code(0);
    let current = site.html("public/questions/water/index.html");
    assert!(
        current
            .text(".evidence-grade")
            .starts_with("Strength of recommendation: A (SORT)")
    );
    let earlier = site.html("public/questions/water/v/1/index.html");
    assert!(
        earlier
            .text(".evidence-grade")
            .starts_with("Strength of recommendation: B (SORT)"),
        "{}",
        earlier.text(".evidence-grade")
    );
    assert_eq!(
        earlier.attr(".evidence-grade a", "href"),
        "/editorial-policy/#evidence-grades"
    );
    assert_eq!(earlier.text(".article-authors"), "Written by Ana Author, MD, MPH");
}
