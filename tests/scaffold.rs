//! `evident init` and `evident new`: what they write passes `check` and `build` as written,
//! and they never overwrite an editor's work.

mod common;

use common::Site;

fn initialised() -> Site {
    let site = Site::empty();
    site.run(&["init", "."]).expect_code(0);
    site
}

#[test]
fn a_new_site_from_init_builds_without_findings() {
    let site = initialised();
    assert!(site.exists("evident.yaml"));
    let out = site.run(&["build", "--format", "json"]);
    out.expect_code(0);
    let report = out.report();
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    assert!(site.exists("public/index.html"));
    // `init` publishes only approved answers: the example awaits review, so it is in the
    // preview, not on the published site.
    assert!(!site.exists("public/questions/how-to-write-an-evident-article/index.html"));
    site.run(&["build", "--drafts"]).expect_code(0);
    assert!(site.exists("public/questions/how-to-write-an-evident-article/index.html"));
}

#[test]
fn init_asks_the_hosting_platform_to_guard_what_signatures_cannot() {
    let site = initialised();
    let owners = site.read("CODEOWNERS");
    let guarded: Vec<&str> = owners
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert_eq!(guarded, ["/people/", "/templates/", "/theme/", "/evident.yaml"]);
    assert!(
        owners
            .lines()
            .filter(|l| !l.starts_with('#'))
            .all(|l| l.is_empty() || l.contains(" @"))
    );
}

#[test]
fn init_refuses_a_folder_that_already_holds_a_site() {
    let site = initialised();
    let config = site.read("evident.yaml");
    let out = site.run(&["init", "."]);
    out.expect_code(2);
    assert!(out.stderr.contains("already"), "{}", out.stderr);
    assert_eq!(site.read("evident.yaml"), config);
}

/// Runs `evident new QUESTION --topic general` and returns the new file's site-relative path.
fn new_article(site: &Site, question: &str) -> String {
    let out = site.run(&["new", question, "--topic", "general"]);
    out.expect_code(0);
    let printed = std::path::PathBuf::from(out.stdout.trim());
    let rel = printed
        .strip_prefix(site.root())
        .unwrap_or_else(|_| panic!("`new` printed a path outside the site: {}", out.stdout));
    rel.to_string_lossy().replace('\\', "/")
}

#[test]
fn new_writes_an_article_under_its_topic_that_passes_check() {
    let site = initialised();
    let rel = new_article(&site, "What is X?");
    assert!(rel.starts_with("content/general/") && rel.ends_with(".md"), "{rel}");
    let slug = rel.trim_start_matches("content/general/").trim_end_matches(".md");
    assert!(
        !slug.is_empty()
            && slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "{slug}"
    );
    assert!(
        site.read(&rel).contains("question: \"What is X?\""),
        "{}",
        site.read(&rel)
    );

    let out = site.run(&["check", "--format", "json"]);
    out.expect_code(0);
    assert_eq!(out.report().summary.errors, 0, "{}", out.stdout);
}

#[test]
fn new_article_is_a_draft_left_out_of_the_build() {
    let site = initialised();
    let rel = new_article(&site, "What is X?");
    let slug = rel.trim_start_matches("content/general/").trim_end_matches(".md");
    site.run(&["build"]).expect_code(0);
    assert!(!site.exists(&format!("public/questions/{slug}")));
    site.run(&["build", "--drafts"]).expect_code(0);
    assert!(site.exists(&format!("public/questions/{slug}/index.html")));
}

#[test]
fn new_refuses_to_overwrite_an_existing_article() {
    let site = initialised();
    let rel = new_article(&site, "What is X?");
    site.write(
        &rel,
        site.read(&rel)
            .replace("Write the bottom line here", "An editor's own words"),
    );
    let edited = site.read(&rel);

    let out = site.run(&["new", "What is X?", "--topic", "general"]);
    out.expect_code(2);
    assert!(out.stderr.contains("already exists"), "{}", out.stderr);
    assert_eq!(site.read(&rel), edited, "the editor's file was overwritten");
}

#[test]
fn new_refuses_a_question_without_a_question_mark() {
    let site = initialised();
    let out = site.run(&["new", "Statins and muscle pain", "--topic", "general"]);
    out.expect_code(2);
    assert!(!site.exists("content/general/statins-muscle-pain.md"));
}

#[test]
fn new_refuses_a_folder_that_is_not_a_site() {
    let site = Site::empty();
    site.run(&["new", "What is X?", "--topic", "general"]).expect_code(2);
    assert!(!site.exists("content"));
}

#[test]
fn init_turns_on_the_title_case_warning_that_is_off_by_default() {
    let site = initialised();
    site.write(
        "content/general/titles.md",
        r#"---
question: "Is the title in sentence case?"
answer: "Not yet [@vision; @book]."
topics: [general]
authors: [editor]
created: 2026-01-08
review:
  status: draft
references:
  - id: vision
    type: research
    authors: ["Sartor O"]
    title: "Lutetium-177-PSMA-617 for Metastatic Castration-Resistant Prostate Cancer"
    journal: "N Engl J Med"
    year: 2021
  - id: book
    type: textbook
    title: "Harrison's Principles of Internal Medicine"
    publisher: "McGraw Hill"
    year: 2022
---
"#,
    );
    let out = site.run(&["check", "--format", "json"]);
    out.expect_code(0);
    let report = out.report();
    // A book's title is in title case by rule: only the article's is reported.
    let finding = report.only("reference/title-case");
    assert_eq!(finding.at(), ("content/general/titles.md", 13, 12));
    assert_eq!(finding.severity, "warning");
    assert_eq!(
        finding.hint.as_deref(),
        Some(
            "title: \"Lutetium-177-PSMA-617 for metastatic castration-resistant prostate cancer\" \
             (keep any other proper nouns capitalised)"
        )
    );

    // Without init's line in evident.yaml the check is off.
    let config = site.read("evident.yaml");
    assert!(config.contains("reference/title-case: warning"), "{config}");
    let without: String = config
        .lines()
        .filter(|l| !l.contains("reference/title-case"))
        .map(|l| format!("{l}\n"))
        .collect();
    site.write("evident.yaml", without);
    let report = site.run(&["check", "--format", "json"]).report();
    assert!(
        report.with_code("reference/title-case").is_empty(),
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn init_requires_authors_and_new_names_a_registered_one() {
    let site = initialised();
    assert!(site.read("evident.yaml").contains("require_authors: true"));
    assert!(site.exists("people/editor.md"), "the example article's author");
    let rel = new_article(&site, "What is Y?");
    let text = site.read(&rel);
    let line = text
        .lines()
        .find(|l| l.starts_with("authors:"))
        .unwrap_or_else(|| panic!("no authors line: {text}"));
    assert!(line.starts_with("authors: [editor]"), "{line}");
    site.run(&["check"]).expect_code(0);

    site.write(&rel, text.replace(&format!("{line}\n"), ""));
    let out = site.run(&["check", "--format", "json"]);
    out.expect_code(1);
    let report = out.report();
    let finding = report.only("frontmatter/missing-field");
    assert_eq!(finding.file, rel);
    assert!(finding.message.contains("`authors`"), "{}", finding.message);
}
