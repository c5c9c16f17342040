//! Citation and related-question findings, and how findings are reported: every finding in
//! one run, the three output formats, and the exit status.

mod common;

use common::Site;

const FILE: &str = "content/general/cystitis-treatment.md";

#[test]
fn a_citation_that_matches_no_reference_is_reported_where_it_is_written() {
    // Line 18: `- Cure rates are high [@nope].`, the `[` at column 23.
    let out = Site::fixture("citations/unresolved").run(&["check", "--format", "json"]);
    out.expect_code(1);
    let report = out.report();
    let finding = report.only("citation/unresolved");
    assert_eq!(finding.at(), (FILE, 18, 23));
    assert_eq!(finding.severity, "error");
    assert!(finding.message.contains("@nope"), "{}", finding.message);
    assert!(
        finding.hint.as_deref().unwrap_or("").contains("id: nope"),
        "{finding:?}"
    );
}

#[test]
fn a_reference_never_cited_is_a_warning_that_does_not_fail_the_check() {
    // Line 15: `  - id: eau-2023`, the entry starting at column 5.
    let out = Site::fixture("citations/unused").run(&["check", "--format", "json"]);
    out.expect_code(0);
    let report = out.report();
    let finding = report.only("citation/unused");
    assert_eq!(finding.at(), (FILE, 15, 5));
    assert_eq!(finding.severity, "warning");
    assert!(finding.message.contains("eau-2023"), "{}", finding.message);
    assert_eq!((report.summary.errors, report.summary.warnings), (0, 1));
}

#[test]
fn a_site_with_only_warnings_still_builds() {
    let site = Site::fixture("citations/unused");
    site.run(&["build"]).expect_code(0);
    assert!(site.exists("public/questions/cystitis-treatment/index.html"));
}

#[test]
fn deny_warnings_turns_warnings_into_errors() {
    let out = Site::fixture("citations/unused").run(&["check", "--format", "json", "--deny", "warnings"]);
    out.expect_code(1);
    let report = out.report();
    assert_eq!(report.only("citation/unused").severity, "error");
    assert_eq!((report.summary.errors, report.summary.warnings), (1, 0));
}

#[test]
fn a_related_question_that_does_not_exist_is_dangling() {
    // Line 15: `related: [cystitis-prevention]`, the slug at column 11.
    let out = Site::fixture("related/dangling").run(&["check", "--format", "json"]);
    out.expect_code(1);
    let report = out.report();
    let finding = report.only("related/dangling");
    assert_eq!(finding.at(), (FILE, 15, 11));
    assert!(finding.message.contains("cystitis-prevention"), "{}", finding.message);
}

#[test]
fn every_broken_file_is_reported_in_one_run_sorted_by_file() {
    let out = Site::fixture("front-matter/several-broken-files").run(&["check", "--format", "json"]);
    out.expect_code(1);
    let report = out.report();
    let found: Vec<(&str, &str, u32)> = report
        .diagnostics
        .iter()
        .map(|d| (d.file.as_str(), d.code.as_str(), d.line))
        .collect();
    for expected in [
        ("content/general/a-unknown-field.md", "frontmatter/unknown-field", 7),
        ("content/general/b-impossible-date.md", "frontmatter/invalid-value", 6),
        ("content/general/c-unresolved-citation.md", "citation/unresolved", 18),
    ] {
        assert!(found.contains(&expected), "{expected:?} missing from {found:#?}");
    }
    let files: Vec<&str> = found.iter().map(|f| f.0).collect();
    assert!(files.is_sorted(), "{files:?}");
    assert!(report.summary.errors >= 3, "{:?}", report.summary);
}

#[test]
fn the_human_report_quotes_the_line_and_gives_the_hint() {
    let out = Site::fixture("front-matter/unknown-field").run(&["check"]);
    out.expect_code(1);
    let text = &out.stderr;
    assert!(
        text.contains("error[frontmatter/unknown-field]: unknown field `reveiw`"),
        "{text}"
    );
    assert!(text.contains(&format!(" --> {FILE}:7:1\n")), "{text}");
    assert!(text.contains("7 | reveiw:\n"), "{text}");
    assert!(text.contains("  | ^^^^^^\n"), "{text}");
    assert!(text.contains("= hint: did you mean `review`?"), "{text}");
    assert!(text.contains("1 error, 0 warnings"), "{text}");
    assert!(!text.contains('\u{1b}'), "colour codes in a pipe: {text:?}");
}

#[test]
fn the_github_format_writes_one_workflow_annotation_per_finding() {
    let out = Site::fixture("front-matter/unknown-field").run(&["check", "--format", "github"]);
    out.expect_code(1);
    let expected = format!("::error file={FILE},line=7,col=1,title=frontmatter/unknown-field::unknown field `reveiw`");
    assert!(out.stdout.starts_with(&expected), "{}", out.stdout);
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
}

#[test]
fn a_clean_site_reports_no_findings_in_every_format() {
    let site = Site::fixture("front-matter/valid");
    let out = site.run(&["check"]);
    out.expect_code(0);
    assert!(!out.stderr.contains("error"), "{}", out.stderr);
    let report = site.run(&["check", "--format", "json"]).report();
    assert!(report.diagnostics.is_empty());
    assert_eq!((report.summary.errors, report.summary.warnings), (0, 0));
    assert_eq!(site.run(&["check", "--format", "github"]).expect_code(0).stdout, "");
}

#[test]
fn an_unknown_key_in_evident_yaml_is_a_configuration_error() {
    let site = Site::fixture("config/unknown-key");
    let out = site.run(&["check", "--format", "json"]);
    out.expect_code(2);
    let report = out.report();
    let finding = report.only("config/unknown-field");
    assert_eq!(finding.at(), ("evident.yaml", 3, 1));
    assert!(finding.message.contains("colour"), "{}", finding.message);

    site.run(&["build"]).expect_code(2);
    assert!(!site.exists("public"), "a misconfigured build wrote output");
}

#[test]
fn a_folder_without_evident_yaml_is_a_configuration_error() {
    Site::empty().run(&["check"]).expect_code(2);
}

#[test]
fn an_unknown_format_is_a_usage_error() {
    Site::fixture("front-matter/valid")
        .run(&["check", "--format", "xml"])
        .expect_code(2);
}

#[test]
fn crlf_line_ends_do_not_move_finding_positions() {
    let site = Site::fixture("citations/unresolved");
    site.write(FILE, format!("\u{feff}{}", site.read(FILE).replace('\n', "\r\n")));
    let out = site.run(&["check", "--format", "json"]);
    out.expect_code(1);
    assert_eq!(out.report().only("citation/unresolved").at(), (FILE, 18, 23));

    let site = Site::fixture("front-matter/unknown-review-status");
    site.write(FILE, site.read(FILE).replace('\n', "\r\n"));
    let out = site.run(&["check", "--format", "json"]);
    assert_eq!(out.report().only("frontmatter/invalid-value").at(), (FILE, 8, 11));
}
