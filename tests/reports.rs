//! The human report on hostile content: bounded in size and time whatever the number of
//! findings, and never a channel for terminal escape sequences hidden in a file.

mod common;

use common::Site;
use std::time::{Duration, Instant};

const FRONT_MATTER: &str = "---
question: \"What is the first-line treatment for uncomplicated cystitis?\"
answer: >-
  Five days of nitrofurantoin is a first-line choice [@idsa-2024].
topics: [general]
created: 2025-01-10
review:
  status: submitted
references:
  - id: idsa-2024
    type: guideline
    title: \"Guideline on uncomplicated urinary tract infection in women\"
    publisher: \"Infectious Diseases Society of America\"
    year: 2024
---
";

fn site_with(file: &str, body: &str) -> Site {
    let site = Site::empty();
    site.write(
        "evident.yaml",
        "title: \"Test knowledge base\"\nbase_url: \"https://kb.example.org/\"\n",
    );
    site.write(file, format!("{FRONT_MATTER}## Treatment\n\n{body}"));
    site
}

#[test]
fn one_line_of_twenty_thousand_adjacent_citations_gives_a_short_report() {
    let body: String = (0..20_000).map(|n| format!("[@k{n}]")).collect::<String>() + "\n";
    let site = site_with("content/general/many.md", &body);

    let started = Instant::now();
    let human = site.run(&["check"]);
    let took = started.elapsed();
    human.expect_code(1);
    // Before: 5 GB. Ten findings quoting a window of the line, a count of the rest, a summary.
    assert!(human.stderr.len() < 20_000, "{} bytes of report", human.stderr.len());
    assert!(took < Duration::from_secs(60), "check took {took:?}");
    assert_eq!(human.stderr.matches("error[citation/syntax]").count(), 10);
    assert!(
        human.stderr.contains(
            "note: 19989 more [citation/syntax] findings in content/general/many.md not shown (`--format json` lists all)"
        ),
        "{}",
        human.stderr
    );
    assert!(human.stderr.ends_with("19999 errors, 0 warnings\n"));
    for quoted in human.stderr.lines().filter(|l| l.starts_with("18 | ")) {
        assert!(quoted.chars().count() < 120, "{quoted}");
    }

    let json = site.run(&["check", "--format", "json"]);
    json.expect_code(1);
    assert_eq!(json.report().with_code("citation/syntax").len(), 19_999);
}

#[test]
fn escape_sequences_in_article_text_and_file_names_are_printed_escaped() {
    let site = site_with(
        "content/general/x\u{1b}[2Jy\u{202e}.md",
        "- Cure \u{1b}]0;owned\u{7} rates \u{9b}31m are high.\n- Also [@idsa-2024].\n",
    );
    let out = site.run(&["check"]);
    out.expect_code(1);
    for raw in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
        assert!(
            !out.stderr.contains(raw),
            "{raw:?} reached the terminal: {:?}",
            out.stderr
        );
    }
    assert!(
        out.stderr.contains("--> content/general/x\\u{1b}[2Jy\\u{202e}.md:18:1"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("18 | - Cure \\u{1b}]0;owned\\u{7} rates \\u{9b}31m are high.\n"),
        "{}",
        out.stderr
    );
}
