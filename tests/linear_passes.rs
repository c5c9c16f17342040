//! The parse, citation and evidence passes take time linear in an article's size: a 4 MB
//! article (under the 5 MiB limit) costs about four times a 1 MB one. Compared as a ratio
//! of two runs on the same machine, so the bound holds in debug and release builds alike
//! and on a loaded machine; a quadratic pass would give about sixteen.

use evident::pipeline::{BuildOptions, check};
use std::path::Path;
use std::time::{Duration, Instant};

const CONFIG: &str = "title: \"Linear\"\nbase_url: \"https://kb.example.org/\"\n";

/// An article of about `bytes` bytes: sections of bullets and paragraphs, every one citing,
/// with single, multiple and located citations, and one long line of adjacent ones.
fn article(bytes: usize) -> String {
    let mut text = String::from(
        "---\nquestion: \"Does it scale?\"\nanswer: \"Linearly [@ref-a].\"\ntopics: [scale]\ncreated: 2026-01-01\nreferences:\n",
    );
    for key in ["ref-a", "ref-b", "ref-c"] {
        text.push_str(&format!(
            "  - id: {key}\n    type: guideline\n    title: \"Guideline {key}\"\n    publisher: \"Society\"\n    year: 2025\n"
        ));
    }
    text.push_str("---\n");
    let mut section = 0;
    while text.len() < bytes {
        section += 1;
        text.push_str(&format!("\n## Evidence part {section}\n\n"));
        for n in 0..40 {
            text.push_str(&format!(
                "- Claim {section}.{n} holds in adults [@ref-a] and in children [@ref-b; @ref-c, p. {n}].\n"
            ));
        }
        text.push_str("\nA paragraph that cites its source, as every claim here must [@ref-b].\n");
        text.push_str(&"[@ref-a][@ref-b]".repeat(20));
        text.push('\n');
    }
    text
}

fn time_check(root: &Path, bytes: usize) -> Duration {
    std::fs::write(root.join("content/scale/long.md"), article(bytes)).unwrap();
    let options = BuildOptions {
        as_of: evident::date::Date::new(2026, 6, 1),
        ..Default::default()
    };
    let started = Instant::now();
    let report = check(root, &options);
    let took = started.elapsed();
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.code.as_str().starts_with("content/") || d.code.as_str().starts_with("frontmatter/")),
        "{:#?}",
        report.diagnostics.iter().take(5).collect::<Vec<_>>()
    );
    took
}

#[test]
fn citation_and_evidence_passes_are_linear_in_the_file_size() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("evident.yaml"), CONFIG).unwrap();
    std::fs::create_dir_all(site.path().join("content/scale")).unwrap();
    // The best of two runs each, so that one pause of a busy machine counts for nothing.
    let best = |bytes| (0..2).map(|_| time_check(site.path(), bytes)).min().unwrap();
    let small = best(1_000_000);
    let large = best(4_000_000);
    let ratio = large.as_secs_f64() / small.as_secs_f64().max(0.001);
    eprintln!("1 MB: {small:?}, 4 MB: {large:?}, ratio {ratio:.1}");
    assert!(
        ratio < 8.0,
        "4 MB took {ratio:.1} times as long as 1 MB ({small:?} vs {large:?})"
    );
}
