//! The hostile inputs of issue #19 that no other test file covers, each a real site run
//! through the real binary: the finding's code and position, the exit status, a generous
//! time bound (so that a slow machine cannot make it flake, while an exponential blow-up
//! still fails it), and the size of the report. Covered elsewhere: slugs with traversal,
//! absolute paths and unicode (hostile_paths.rs), NUL (hostile_paths.rs), symlink loops
//! (hostile_paths.rs), markup in every field (security.rs, properties.rs), BOM and CRLF
//! (build_output.rs, checks.rs), a 10 MB line (limits.rs).

mod common;

use common::Site;
use std::time::{Duration, Instant};

const FILE: &str = "content/cardiology/hostile.md";
const TIME_BOUND: Duration = Duration::from_secs(30);
const REPORT_BOUND: usize = 2048;

const HEAD: &str = "---\nquestion: \"Is it hostile?\"\nanswer: \"Yes.\"\ntopics: [cardiology]\ncreated: 2026-01-01\n";

/// Nine aliases of nine aliases, eight deep: 9^9 strings once expanded.
fn alias_bomb(indent: &str) -> String {
    let mut text = format!("{indent}a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
    for level in 0..8u8 {
        let (this, prev) = ((b'b' + level) as char, (b'a' + level) as char);
        let list = vec![format!("*{prev}"); 9].join(",");
        text.push_str(&format!("{indent}{this}: &{this} [{list}]\n"));
    }
    text
}

struct Case {
    name: &'static str,
    text: Vec<u8>,
    /// The finding on the hostile file: code, line, column, a word of its message.
    code: &'static str,
    at: (u32, u32),
    says: &'static str,
}

fn cases() -> Vec<Case> {
    let case = |name, text: String, code, at, says| Case {
        name,
        text: text.into_bytes(),
        code,
        at,
        says,
    };
    let mut invalid_utf8 = format!("{HEAD}---\nGood line.\nBad ").into_bytes();
    invalid_utf8.extend_from_slice(b"\xff byte.\n");
    vec![
        case(
            "alias bomb",
            format!("---\n{}question: \"Q?\"\n---\nBody.\n", alias_bomb("")),
            "frontmatter/syntax",
            (2, 1),
            "repetition limit exceeded",
        ),
        case(
            "deep nesting of lists",
            format!(
                "{}---\nBody.\n",
                HEAD.replace(
                    "answer: \"Yes.\"",
                    &format!("answer: {}{}", "[".repeat(5000), "]".repeat(5000))
                )
            ),
            "frontmatter/syntax",
            (3, 136),
            "recursion limit exceeded",
        ),
        // libyaml's time grows with the square of the depth: 100,000 brackets took minutes
        // before the depth was measured ahead of it.
        case(
            "a hundred thousand nested lists",
            format!(
                "{}---\nBody.\n",
                HEAD.replace(
                    "answer: \"Yes.\"",
                    &format!("answer: {}{}", "[".repeat(100_000), "]".repeat(100_000))
                )
            ),
            "frontmatter/syntax",
            (3, 136),
            "recursion limit exceeded",
        ),
        case(
            "deep nesting of maps",
            format!(
                "{HEAD}review: {}1{}\n---\nBody.\n",
                "{a: ".repeat(5000),
                "}".repeat(5000)
            ),
            "frontmatter/syntax",
            (6, 517),
            "recursion limit exceeded",
        ),
        case(
            "unclosed front matter",
            "---\nquestion: \"Q?\"\nanswer: \"A.\"\n".into(),
            "frontmatter/syntax",
            (1, 1),
            "never closed",
        ),
        case(
            "empty file",
            String::new(),
            "frontmatter/syntax",
            (1, 1),
            "the file is empty",
        ),
        case(
            "a tab as indentation",
            format!("{HEAD}review:\n\tstatus: draft\n---\nBody.\n"),
            "frontmatter/syntax",
            (7, 1),
            "a tab indents this line",
        ),
        case(
            "duplicate keys",
            format!("{HEAD}question: \"Again?\"\n---\nBody.\n"),
            "frontmatter/syntax",
            (6, 1),
            "duplicate entry with key \"question\"",
        ),
        case(
            "a string for a number",
            format!("{HEAD}version: \"three\"\n---\nBody.\n"),
            "frontmatter/invalid-value",
            (6, 11),
            "`version`",
        ),
        case(
            "a number for a list",
            format!("{}---\nBody.\n", HEAD.replace("topics: [cardiology]", "topics: 5")),
            "frontmatter/invalid-value",
            (4, 9),
            "`topics`",
        ),
        Case {
            name: "invalid UTF-8",
            text: invalid_utf8,
            code: "content/unreadable",
            at: (8, 5),
            says: "not valid UTF-8",
        },
    ]
}

#[test]
fn each_hostile_article_gets_one_bounded_finding_at_its_place() {
    for case in cases() {
        let site = Site::fixture("build/valid-site");
        site.write(FILE, &case.text);
        let started = Instant::now();
        let out = site.run(&["check", "--format", "json", "--as-of", "2026-11-28"]);
        let took = started.elapsed();
        out.expect_code(1);
        let report = out.report();
        let finding = report
            .diagnostics
            .iter()
            .find(|d| d.file == FILE && d.code == case.code)
            .unwrap_or_else(|| panic!("{}: no {} finding: {:#?}", case.name, case.code, report.diagnostics));
        assert_eq!((finding.line, finding.column), case.at, "{}: {finding:#?}", case.name);
        assert_eq!(finding.severity, "error", "{}", case.name);
        assert!(
            finding.message.contains(case.says),
            "{}: {}",
            case.name,
            finding.message
        );
        assert!(finding.hint.is_some(), "{}: no hint", case.name);
        assert!(took < TIME_BOUND, "{}: took {took:?}", case.name);
        assert!(
            out.stdout.len() < REPORT_BOUND,
            "{}: {} bytes of report",
            case.name,
            out.stdout.len()
        );

        // The human report is as short, and a failed build publishes nothing.
        let human = site.run(&["check", "--as-of", "2026-11-28"]);
        human.expect_code(1);
        assert!(
            human.stdout.len() + human.stderr.len() < 2 * REPORT_BOUND,
            "{}: {}",
            case.name,
            human.stderr
        );
        site.run(&["build", "--format", "json", "--as-of", "2026-11-28"])
            .expect_code(1);
        assert!(!site.exists("public"), "{}: published", case.name);
    }
}

#[test]
fn an_alias_bomb_in_the_bibliography_or_the_configuration_is_refused_quickly() {
    let site = Site::fixture("build/valid-site");
    site.write(
        "references/bomb.yaml",
        format!(
            "- id: bomb\n  type: web\n  title: \"T\"\n  extra:\n{}",
            alias_bomb("    ")
        ),
    );
    let started = Instant::now();
    let out = site.run(&["check", "--format", "json", "--as-of", "2026-11-28"]);
    out.expect_code(1);
    let finding = out.report().only("bibliography/syntax").clone();
    assert_eq!(finding.file, "references/bomb.yaml");
    assert!(
        finding.message.contains("repetition limit exceeded"),
        "{}",
        finding.message
    );
    assert!(started.elapsed() < TIME_BOUND);

    let site = Site::fixture("build/valid-site");
    let config = site.read("evident.yaml");
    site.write("evident.yaml", format!("{config}{}", alias_bomb("")));
    let started = Instant::now();
    let out = site.run(&["check", "--format", "json", "--as-of", "2026-11-28"]);
    out.expect_code(2);
    let finding = out.report().only("config/syntax").clone();
    assert!(
        finding.message.contains("repetition limit exceeded"),
        "{}",
        finding.message
    );
    assert!(started.elapsed() < TIME_BOUND);
    assert!(out.stdout.len() < REPORT_BOUND);
}
