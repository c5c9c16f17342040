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

/// The article `new` wrote, with every placeholder replaced by the editor's own words.
fn fill_in(site: &Site, rel: &str) {
    let text = site
        .read(rel)
        .replace(
            "Write the bottom line here in one to three sentences, citing the evidence",
            "X is a substance the guideline describes",
        )
        .replace("Title of the guideline or study", "Guideline on X")
        .replace("Publishing organisation", "Example Society")
        .replace(
            "Each statement ends with the citation that supports it",
            "The guideline describes X",
        );
    site.write(rel, text);
}

#[test]
fn new_writes_an_article_whose_placeholders_are_errors_at_their_places() {
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

    // Nothing but the placeholders, each where it is: no orphan warning on a new site.
    let out = site.run(&["check", "--format", "json"]);
    out.expect_code(1);
    let report = out.report();
    let found: Vec<(&str, &str, u32, u32)> = report
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.file.as_str(), d.line, d.column))
        .collect();
    let code = "content/placeholder";
    assert_eq!(
        found,
        [
            (code, rel.as_str(), 4, 3),
            (code, rel.as_str(), 18, 13),
            (code, rel.as_str(), 19, 17),
            (code, rel.as_str(), 25, 3),
        ],
        "{}",
        out.stdout
    );
    assert!(report.diagnostics.iter().all(|d| d.severity == "error"));

    fill_in(&site, &rel);
    site.run(&["check", "--deny", "warnings"]).expect_code(0);
}

#[test]
fn a_new_site_with_its_first_articles_has_no_orphan_warnings() {
    let site = initialised();
    for question in ["What is X?", "How is Y dosed?"] {
        let rel = new_article(&site, question);
        fill_in(&site, &rel);
    }
    let out = site.run(&["check", "--deny", "warnings", "--format", "json"]);
    out.expect_code(0);
    assert!(out.report().diagnostics.is_empty(), "{}", out.stdout);
}

#[test]
fn an_article_with_a_placeholder_can_be_submitted_but_neither_approved_nor_built() {
    let site = initialised();
    let rel = new_article(&site, "What is X?");
    let slug = rel.trim_start_matches("content/general/").trim_end_matches(".md");
    site.run(&["submit", slug]).expect_code(0);
    site.run(&["claim", slug, "--reviewer", "editor"]).expect_code(0);
    let before = site.read(&rel);
    let out = site.run(&["approve", slug, "--reviewer", "editor"]);
    assert_ne!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!("{rel}:4:3")) && out.stderr.contains("[content/placeholder]"),
        "{}",
        out.stderr
    );
    assert_eq!(site.read(&rel), before, "nothing was written");
    site.run(&["build", "--drafts"]).expect_code(1);
    assert!(!site.exists(&format!("public/questions/{slug}/index.html")));
}

#[test]
fn new_article_is_a_draft_left_out_of_the_build() {
    let site = initialised();
    let rel = new_article(&site, "What is X?");
    fill_in(&site, &rel);
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
    fill_in(&site, &rel);
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
