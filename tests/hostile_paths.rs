//! Names editors write become paths: slugs of articles and pages, topic names. Whatever
//! they hold, `check` reports them where they are written and `build` writes nothing
//! outside its output folder. Links under `content/` are reported, never followed.

mod common;

use common::Site;

const SITE: &str = "build/valid-site";

/// Slugs that must never become a folder, and a word for the failure messages.
fn hostile_slugs() -> Vec<(String, &'static str)> {
    let escape = format!("evident-escaped-{}", std::process::id());
    vec![
        (format!("../../{escape}"), "traversal"),
        (format!("/tmp/{escape}-absolute"), "absolute"),
        (".".to_string(), "dot"),
        ("..".to_string(), "dot-dot"),
        (String::new(), "empty"),
        ("über-uns".to_string(), "unicode"),
        ("a/b".to_string(), "nested"),
        ("a".repeat(256), "too long"),
    ]
}

/// What a build must not have written for any of `hostile_slugs`.
fn assert_nothing_escaped(site: &Site) {
    let escape = format!("evident-escaped-{}", std::process::id());
    let outside = site.root().parent().unwrap();
    assert!(!outside.join(&escape).exists(), "written outside the site");
    assert!(!std::path::Path::new(&format!("/tmp/{escape}-absolute")).exists());
    assert!(!site.exists("public"), "a site with errors publishes nothing");
}

fn page(slug: &str) -> String {
    format!("---\ntitle: \"A page\"\nslug: \"{slug}\"\n---\nBody.\n")
}

fn article(slug_line: &str, topics: &str) -> String {
    format!(
        "---\nquestion: \"Is this a hostile article?\"\nanswer: \"It is.\"\n{slug_line}\ntopics: {topics}\n\
         created: 2026-01-08\n---\n\nText.\n"
    )
}

#[test]
fn bad_page_slugs_are_reported_at_the_slug_and_never_written() {
    for (slug, what) in hostile_slugs() {
        let site = Site::fixture(SITE);
        site.write("content/pages/hostile.md", page(&slug));
        let out = site.run(&["check", "--format", "json"]);
        out.expect_code(1);
        let report = out.report();
        let finding = report.only("frontmatter/invalid-value");
        assert_eq!(finding.at(), ("content/pages/hostile.md", 3, 7), "{what}: {finding:#?}");
        assert!(finding.message.contains("slug"), "{what}: {finding:#?}");
        site.run(&["build", "--format", "json"]).expect_code(1);
        assert_nothing_escaped(&site);
    }
}

#[test]
fn a_page_file_name_that_is_no_slug_is_reported() {
    let site = Site::fixture(SITE);
    site.write("content/pages/Über uns.md", "---\ntitle: \"About\"\n---\nUs.\n");
    let out = site.run(&["check", "--format", "json"]);
    out.expect_code(1);
    let report = out.report();
    let finding = report.only("frontmatter/invalid-value");
    assert_eq!(finding.at(), ("content/pages/Über uns.md", 1, 1));
    assert!(finding.message.contains("file name"), "{finding:#?}");
    assert!(finding.hint.as_deref().unwrap().contains("ber-uns.md"), "{finding:#?}");
}

#[test]
fn bad_article_slugs_are_reported_at_the_slug_and_never_written() {
    for (slug, what) in hostile_slugs() {
        let site = Site::fixture(SITE);
        site.write(
            "content/cardiology/hostile.md",
            article(&format!("slug: \"{slug}\""), "[cardiology]"),
        );
        let out = site.run(&["check", "--format", "json"]);
        out.expect_code(1);
        let report = out.report();
        let finding = report.only("frontmatter/invalid-value");
        assert_eq!(
            finding.at(),
            ("content/cardiology/hostile.md", 4, 7),
            "{what}: {finding:#?}"
        );
        assert!(!report.codes().contains(&"template/error"), "{what}");
        site.run(&["build", "--format", "json"]).expect_code(1);
        assert_nothing_escaped(&site);
    }
}

#[test]
fn a_slug_too_long_for_a_folder_name_is_reported_with_its_length() {
    let site = Site::fixture(SITE);
    let slug = "a".repeat(300);
    site.write(
        "content/cardiology/long.md",
        article(&format!("slug: {slug}"), "[cardiology]"),
    );
    let out = site.run(&["build", "--format", "json"]);
    out.expect_code(1);
    let report = out.report();
    let finding = report.only("frontmatter/invalid-value");
    assert_eq!(finding.at(), ("content/cardiology/long.md", 4, 7));
    assert!(finding.message.contains("300 characters long"), "{finding:#?}");
    assert!(!report.codes().contains(&"template/error"));
}

#[test]
fn bad_topic_names_are_reported_at_the_topic() {
    for (topic, what) in hostile_slugs() {
        let site = Site::fixture(SITE);
        let quoted = serde_json::to_string(&topic).unwrap();
        site.write(
            "content/cardiology/hostile.md",
            article("slug: hostile", &format!("[{quoted}]")),
        );
        let out = site.run(&["check", "--format", "json"]);
        out.expect_code(1);
        let report = out.report();
        let finding = report
            .with_code("frontmatter/invalid-value")
            .into_iter()
            .find(|f| f.message.contains("topic"))
            .unwrap_or_else(|| panic!("{what}: {:#?}", report.diagnostics));
        // At the name, or at the list for an empty name.
        let (file, line, column) = finding.at();
        assert_eq!(
            (file, line),
            ("content/cardiology/hostile.md", 5),
            "{what}: {finding:#?}"
        );
        assert!((9..=11).contains(&column), "{what}: {finding:#?}");
        assert!(!finding.hint.as_deref().unwrap().contains("``"), "{what}: {finding:#?}");
        site.run(&["build", "--format", "json"]).expect_code(1);
        assert_nothing_escaped(&site);
    }
}

#[test]
fn bad_edition_names_are_configuration_errors() {
    for (name, what) in hostile_slugs() {
        if name == "über-uns" || name.is_empty() {
            // Not names of a folder climbing out; the unit tests cover the character rules.
            continue;
        }
        let site = Site::fixture(SITE);
        let config = site.read("evident.yaml");
        let quoted = serde_json::to_string(&name).unwrap();
        site.write(
            "evident.yaml",
            format!("{config}editions:\n  - {{name: {quoted}, ref: v1}}\n"),
        );
        let out = site.run(&["build", "--format", "json"]);
        out.expect_code(2);
        let report = out.report();
        let finding = report.only("config/invalid-value");
        assert!(
            finding.message.contains("cannot name an edition folder"),
            "{what}: {finding:#?}"
        );
        assert_nothing_escaped(&site);
    }
}

#[test]
fn a_nul_byte_is_an_error_at_its_line_and_column() {
    let site = Site::fixture(SITE);
    let path = "content/cardiology/statin-muscle-symptoms.md";
    let text = site.read(path);
    let line = text.lines().position(|l| l.starts_with("question:")).unwrap() + 1;
    site.write(
        path,
        text.replacen("question: \"Do statins", "question: \"Do\0 statins", 1),
    );
    let out = site.run(&["build", "--format", "json"]);
    out.expect_code(1);
    let report = out.report();
    let finding = report.only("content/control-character");
    assert_eq!(finding.severity, "error");
    assert_eq!(finding.at(), (path, line as u32, 14), "{finding:#?}");
    assert!(finding.message.contains("U+0000 (NUL)"), "{finding:#?}");
    assert!(!site.exists("public"), "not published");

    // Another control character, and the count of the rest.
    site.write(path, text.replace("statin", "stat\u{1b}in"));
    let report = site.run(&["check", "--format", "json"]).report();
    let finding = report.only("content/control-character");
    assert!(finding.message.contains("U+001B (ESC), and"), "{finding:#?}");
}

#[test]
fn linked_content_is_reported_once_each_and_never_read() {
    let site = Site::fixture(SITE);
    let link = |from: &str, to: &str| std::os::unix::fs::symlink(to, site.path(from)).unwrap();
    link("content/cardiology/passwd.md", "/etc/passwd");
    link("content/cardiology/loop-a.md", "loop-b.md");
    link("content/cardiology/loop-b.md", "loop-a.md");
    link("content/cardiology/again", "..");
    link("content/cardiology/gone.md", "nowhere.md");
    // A link to an image is no content: passed over without a word.
    site.write("images/heart.svg", "<svg/>");
    link("content/cardiology/heart.svg", "../../images/heart.svg");
    let out = site.run(&["check", "--format", "json"]);
    out.expect_code(0);
    let report = out.report();
    let skipped: Vec<(&str, &str)> = report
        .with_code("content/skipped")
        .into_iter()
        .map(|f| {
            assert_eq!(f.severity, "warning");
            (f.file.as_str(), f.message.as_str())
        })
        .collect();
    let files: Vec<&str> = skipped.iter().map(|(file, _)| *file).collect();
    assert_eq!(
        files,
        [
            "content/cardiology/again",
            "content/cardiology/gone.md",
            "content/cardiology/loop-a.md",
            "content/cardiology/loop-b.md",
            "content/cardiology/passwd.md",
        ]
    );
    assert!(skipped[0].1.contains("points at `content` in the site"), "{skipped:?}");
    assert!(skipped[1].1.contains("does not exist"), "{skipped:?}");
    assert!(skipped[2].1.contains("loop of links"), "{skipped:?}");
    assert!(
        skipped[4].1.contains("outside the site, to `/etc/passwd`"),
        "{skipped:?}"
    );

    // The shared bibliography's folder follows the same rule.
    std::fs::create_dir_all(site.path("references")).unwrap();
    link("references/shared.bib", "/etc/passwd");
    let report = site.run(&["check", "--format", "json"]).report();
    let linked = report
        .with_code("content/skipped")
        .into_iter()
        .find(|f| f.file == "references/shared.bib")
        .unwrap_or_else(|| panic!("{:#?}", report.diagnostics));
    assert!(linked.message.contains("outside the site"), "{linked:#?}");
    assert!(!report.codes().contains(&"bibliography/syntax"), "not read");

    site.run(&["build"]).expect_code(0);
    assert!(!site.exists("public/questions/passwd"));
    for (file, bytes) in site.tree("public") {
        assert!(!String::from_utf8_lossy(&bytes).contains("root:x:0:0"), "{file}");
    }
}
