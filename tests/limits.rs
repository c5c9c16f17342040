//! `limits.max_file_size`: a content or bibliography file over the limit is refused unread
//! with `content/too-large`, quickly, with a short report, and a failed build keeps the
//! previous output.

mod common;

use common::Site;
use std::time::{Duration, Instant};

const CHECK: &[&str] = &["check", "--format", "json", "--as-of", "2026-11-28"];

fn article(question: &str, body_len: usize) -> Vec<u8> {
    let mut text = format!(
        "---\nquestion: \"{question}\"\nanswer: \"Yes.\"\ntopics: [cardiology]\ncreated: 2026-01-01\nupdated: 2026-01-01\nversion: 1\nreview: {{status: draft}}\n---\n"
    )
    .into_bytes();
    text.resize(body_len, b'a');
    text.push(b'\n');
    text
}

fn with_limit(site: &Site, bytes: u64) {
    let config = site.read("evident.yaml");
    site.write("evident.yaml", format!("{config}limits:\n  max_file_size: {bytes}\n"));
}

#[test]
fn a_ten_megabyte_line_is_refused_unread_by_default() {
    let site = Site::fixture("build/valid-site");
    site.write("content/cardiology/huge.md", article("Huge?", 10 * 1024 * 1024));
    let started = Instant::now();
    let out = site.run(CHECK);
    let took = started.elapsed();
    out.expect_code(1);
    let report = out.report();
    let finding = report.only("content/too-large");
    assert_eq!(finding.at(), ("content/cardiology/huge.md", 1, 1));
    assert_eq!(finding.severity, "error");
    assert!(finding.message.contains("10.0 MiB"), "{}", finding.message);
    assert!(
        finding.message.contains("5.0 MiB (5242880 bytes)"),
        "{}",
        finding.message
    );
    assert!(finding.hint.as_deref().unwrap().contains("limits.max_file_size"));
    // Nothing else is said of the file: it was not parsed.
    assert!(
        report
            .diagnostics
            .iter()
            .all(|d| d.file != "content/cardiology/huge.md" || d.code == "content/too-large")
    );
    assert!(out.stdout.len() < 4096, "{} bytes of report", out.stdout.len());
    assert!(took < Duration::from_secs(30), "took {took:?}");

    // The human report quotes no line of it either.
    let human = site.run(&["check", "--as-of", "2026-11-28"]);
    human.expect_code(1);
    assert!(human.stderr.len() + human.stdout.len() < 4096, "{}", human.stderr);
    assert!(human.stderr.contains("content/too-large") || human.stdout.contains("content/too-large"));
}

#[test]
fn the_configured_limit_is_inclusive_and_applies_to_the_bibliography() {
    let site = Site::fixture("build/valid-site");
    with_limit(&site, 3000);
    site.write("content/cardiology/at-limit.md", article("At the limit?", 2999));
    site.write("content/cardiology/over-limit.md", article("Over the limit?", 3000));
    let mut bib = b"@article{big, title = {Big}, year = {2020}}\n".to_vec();
    bib.resize(3001, b' ');
    site.write("references/big.bib", &bib);
    let out = site.run(CHECK);
    out.expect_code(1);
    let report = out.report();
    let mut refused: Vec<_> = report.with_code("content/too-large").iter().map(|f| f.at()).collect();
    refused.sort();
    assert_eq!(
        refused,
        [("content/cardiology/over-limit.md", 1, 1), ("references/big.bib", 1, 1)]
    );
    assert_eq!(
        std::fs::metadata(site.path("content/cardiology/at-limit.md"))
            .unwrap()
            .len(),
        3000
    );
    let over = report.with_code("content/too-large");
    assert!(
        over.iter().any(|f| f
            .message
            .contains("(3001 bytes), over the limit of 2.9 KiB (3000 bytes)")),
        "{over:#?}"
    );
}

#[test]
fn a_refused_file_fails_the_build_and_keeps_the_previous_site() {
    let site = Site::fixture("build/valid-site");
    site.run(&["build", "--format", "json", "--as-of", "2026-11-28"])
        .expect_code(0);
    let before = site.tree("public");
    with_limit(&site, 4000);
    site.write("content/cardiology/big.md", article("Big?", 5000));
    let out = site.run(&["build", "--format", "json", "--as-of", "2026-11-28"]);
    out.expect_code(1);
    assert_eq!(out.report().only("content/too-large").file, "content/cardiology/big.md");
    assert_eq!(site.tree("public"), before);
}

#[test]
fn a_limit_of_zero_or_an_unknown_limit_is_a_configuration_error() {
    let site = Site::fixture("build/valid-site");
    with_limit(&site, 0);
    let out = site.run(CHECK);
    out.expect_code(2);
    let finding = out.report().only("config/invalid-value").clone();
    let line = site
        .read("evident.yaml")
        .lines()
        .position(|l| l.contains("max_file_size"))
        .unwrap() as u32
        + 1;
    assert_eq!((finding.file.as_str(), finding.line), ("evident.yaml", line));
    assert!(finding.message.contains("limits.max_file_size"), "{}", finding.message);

    let site = Site::fixture("build/valid-site");
    let config = site.read("evident.yaml");
    site.write("evident.yaml", format!("{config}limits:\n  max_file_sise: 100\n"));
    let out = site.run(CHECK);
    out.expect_code(2);
    assert!(
        out.report()
            .diagnostics
            .iter()
            .any(|d| d.message.contains("max_file_sise")),
        "{}",
        out.stdout
    );
}
