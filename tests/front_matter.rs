//! Front-matter findings: each error class has a fixture that differs from the shared valid
//! article shape (`front-matter/valid`) in one place, and its finding must point there.

mod common;

use common::{Report, Site};

const FILE: &str = "content/general/cystitis-treatment.md";

/// `evident check --format json` on a fixture, expecting `code` as the exit status.
fn check(fixture: &str, code: i32) -> Report {
    let out = Site::fixture(fixture).run(&["check", "--format", "json"]);
    out.expect_code(code);
    out.report()
}

#[test]
fn the_shared_article_shape_is_valid() {
    let report = check("front-matter/valid", 0);
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    Site::fixture("front-matter/valid").run(&["build"]).expect_code(0);
}

#[test]
fn malformed_yaml_is_reported_at_the_offending_character() {
    // Line 5: `title: Cystitis: first-line treatment` (the second colon, column 16).
    let report = check("front-matter/malformed-yaml", 1);
    let finding = report.only("frontmatter/syntax");
    assert_eq!(finding.at(), (FILE, 5, 16));
    assert_eq!(finding.severity, "error");
    assert!(finding.message.starts_with("malformed YAML"), "{}", finding.message);
    assert!(finding.hint.as_deref().unwrap_or("").contains("quote"), "{finding:?}");
}

#[test]
fn a_missing_question_is_reported_at_the_start_of_the_front_matter() {
    let report = check("front-matter/missing-question", 1);
    let finding = report.only("frontmatter/missing-field");
    assert_eq!(finding.at(), (FILE, 1, 1));
    assert!(finding.message.contains("`question`"), "{}", finding.message);
}

#[test]
fn a_misspelt_field_is_unknown_and_the_hint_names_the_right_one() {
    // Line 7: `reveiw:`.
    let report = check("front-matter/unknown-field", 1);
    let finding = report.only("frontmatter/unknown-field");
    assert_eq!(finding.at(), (FILE, 7, 1));
    assert!(finding.message.contains("`reveiw`"), "{}", finding.message);
    let hint = finding.hint.as_deref().unwrap_or("");
    assert!(hint.contains("did you mean `review`"), "{hint}");
}

#[test]
fn an_impossible_date_is_reported_at_the_date() {
    // Line 6: `created: 2025-02-30`, the value starting at column 10.
    let report = check("front-matter/impossible-date", 1);
    let finding = report.only("frontmatter/invalid-value");
    assert_eq!(finding.at(), (FILE, 6, 10));
    assert!(finding.message.contains("2025-02-30"), "{}", finding.message);
    assert!(
        finding.hint.as_deref().unwrap_or("").contains("YYYY-MM-DD"),
        "{finding:?}"
    );
}

#[test]
fn a_slug_with_capitals_and_underscores_is_invalid() {
    // Line 3: `slug: Bad_Slug`, the value at column 7.
    let report = check("front-matter/bad-slug", 1);
    let finding = report.only("frontmatter/invalid-value");
    assert_eq!(finding.at(), (FILE, 3, 7));
    assert!(finding.message.contains("Bad_Slug"), "{}", finding.message);
    assert!(
        finding.hint.as_deref().unwrap_or("").contains("bad-slug"),
        "{finding:?}"
    );
}

#[test]
fn a_slug_used_twice_is_reported_on_the_second_file() {
    // uti-duration.md, line 3: `slug: cystitis-treatment`, which the other file's name claims.
    let report = check("slug/duplicate", 1);
    let finding = report.only("slug/duplicate");
    assert_eq!(finding.at(), ("content/general/uti-duration.md", 3, 7));
    assert!(finding.message.contains(FILE), "{}", finding.message);
}

#[test]
fn front_matter_without_a_closing_delimiter_is_a_syntax_error() {
    let report = check("front-matter/unclosed", 1);
    let finding = report.only("frontmatter/syntax");
    assert_eq!(finding.at(), (FILE, 1, 1));
    assert!(finding.message.contains("never closed"), "{}", finding.message);
    assert!(finding.hint.as_deref().unwrap_or("").contains("---"), "{finding:?}");
}

#[test]
fn a_misspelt_review_status_is_invalid_and_the_hint_names_the_right_one() {
    // Line 8: `  status: aproved`, the value at column 11.
    let report = check("front-matter/unknown-review-status", 1);
    let finding = report.only("frontmatter/invalid-value");
    assert_eq!(finding.at(), (FILE, 8, 11));
    assert!(finding.message.contains("aproved"), "{}", finding.message);
    let hint = finding.hint.as_deref().unwrap_or("");
    assert!(hint.contains("did you mean `approved`"), "{hint}");
}

#[test]
fn an_article_with_front_matter_errors_is_not_built() {
    let site = Site::fixture("front-matter/unknown-field");
    let out = site.run(&["build", "--format", "json"]);
    out.expect_code(1);
    assert_eq!(out.report().only("frontmatter/unknown-field").line, 7);
    assert!(!site.exists("public"), "a failed first build wrote public/");
}

/// The valid article with `from` replaced by `to` (which must occur once), checked.
fn check_edited(from: &str, to: &str, code: i32) -> Report {
    let site = Site::fixture("front-matter/valid");
    let text = site.read(FILE);
    assert_eq!(text.matches(from).count(), 1, "{from:?} in {text}");
    site.write(FILE, text.replace(from, to));
    let out = site.run(&["check", "--format", "json"]);
    out.expect_code(code);
    out.report()
}

#[test]
fn an_unclosed_quote_is_reported_where_the_quote_opens() {
    // Line 3: `title: "Cystitis treatment`, never closed on its line; the next `"` (line 13)
    // closes it, and libyaml gives up only after that.
    let question = "?\"\nanswer:";
    let report = check_edited(question, "?\"\ntitle: \"Cystitis treatment\nanswer:", 1);
    let finding = report.only("frontmatter/syntax");
    assert_eq!(finding.at(), (FILE, 3, 8), "{finding:?}");
    assert!(finding.message.contains("quoted value"), "{}", finding.message);
    assert!(
        finding.hint.as_deref().unwrap_or("").contains("closing quote"),
        "{finding:?}"
    );
    // With no later quote of its kind, the scanner reaches the end: the same place.
    let report = check_edited(question, "?\"\ntitle: 'Cystitis treatment\nanswer:", 1);
    let finding = report.only("frontmatter/syntax");
    assert_eq!(finding.at(), (FILE, 3, 8), "{finding:?}");
    assert!(finding.message.contains("never closed"), "{}", finding.message);
}

#[test]
fn a_tab_in_the_indentation_is_called_a_tab() {
    // Line 8: `<tab>status: submitted`.
    let report = check_edited("  status: submitted", "\tstatus: submitted", 1);
    let finding = report.only("frontmatter/syntax");
    assert_eq!(finding.at(), (FILE, 8, 1), "{finding:?}");
    assert!(finding.message.contains("tab"), "{}", finding.message);
    assert!(finding.hint.as_deref().unwrap_or("").contains("spaces"), "{finding:?}");
}

#[test]
fn a_misspelt_reference_field_is_reported_once_and_the_reference_still_resolves() {
    // Line 12: `    titel: …`, the reference's required title misspelt; its two citations
    // must still find it, and no "missing title" may follow the misspelling.
    let report = check_edited("    title: \"Guideline", "    titel: \"Guideline", 1);
    let finding = report.only("frontmatter/unknown-field");
    assert_eq!(finding.at(), (FILE, 12, 5), "{finding:?}");
    assert!(finding.message.contains("`titel`"), "{}", finding.message);
    assert_eq!(finding.hint.as_deref(), Some("did you mean `title`?"));
    assert_eq!(report.diagnostics.len(), 1, "{:#?}", report.diagnostics);
    // A misspelt optional field the same: one finding, no unresolved citation.
    let report = check_edited("    publisher:", "    publsher:", 1);
    assert_eq!(report.only("frontmatter/unknown-field").at(), (FILE, 13, 5));
    assert_eq!(report.diagnostics.len(), 1, "{:#?}", report.diagnostics);
}
