//! The shared bibliography and `evident import` on hostile or damaged input: every
//! problem is a finding at its line (or a clear error), never a crash, a hang or a
//! silent loss. Each run goes through the real binary.

mod common;

use common::Site;
use std::time::{Duration, Instant};

/// A `.bib` beside the shared-bibliography fixture, checked with `--format json`.
fn check_with_bib(bib: &str) -> (common::Output, Duration) {
    let site = Site::fixture("citations/shared-bibliography");
    site.write("references/hostile.bib", bib);
    let start = Instant::now();
    let out = site.run(&["check", "--format", "json"]);
    (out, start.elapsed())
}

/// `evident import FILE` on a file of that name holding `bytes`.
fn import(name: &str, bytes: impl AsRef<[u8]>) -> (common::Output, Duration) {
    let site = Site::empty();
    site.write(name, bytes);
    let start = Instant::now();
    let out = site.run(&["import", &site.path(name).to_string_lossy()]);
    (out, start.elapsed())
}

#[test]
fn a_crossref_cycle_is_a_finding_in_check_and_import_not_a_crash() {
    let bib = "@article{self, title = {Self}, crossref = {self}}\n\n@article{a, title = {A}, crossref = {c}}\n@article{c, title = {C}, crossref = {a}}\n";
    let (out, _) = check_with_bib(bib);
    out.expect_code(1);
    let report = out.report();
    let cycles: Vec<_> = report.with_code("bibliography/syntax").iter().map(|d| d.at()).collect();
    assert_eq!(
        cycles,
        [("references/hostile.bib", 1, 44), ("references/hostile.bib", 4, 38)]
    );
    let (out, _) = import("cycle.bib", bib);
    out.expect_code(1);
    assert!(out.stderr.contains("a `crossref` cycle: a → c → a"), "{}", out.stderr);
    assert!(out.stdout.contains("  - id: self\n"), "{}", out.stdout);
}

#[test]
fn doubling_string_definitions_are_cut_at_their_line_in_moments() {
    let mut bib = String::from("@string{s0 = \"ab\"}\n");
    for i in 1..=40 {
        bib.push_str(&format!("@string{{s{i} = s{} # s{}}}\n", i - 1, i - 1));
    }
    bib.push_str("@article{big, title = s40, journal = {J}, year = 2020, author = {Doe, J}}\n");
    let (out, took) = check_with_bib(&bib);
    assert!(took < Duration::from_secs(60), "{took:?}");
    out.expect_code(1);
    let finding = out.report().with_code("bibliography/syntax")[0].clone();
    assert_eq!(finding.at(), ("references/hostile.bib", 11, 9));
    assert!(finding.message.contains("@string `s10`"), "{}", finding.message);
    let (out, took) = import("strings.bib", &bib);
    assert!(took < Duration::from_secs(60), "{took:?}");
    out.expect_code(1);
    assert!(out.stderr.contains("strings.bib:11:9"), "{}", out.stderr);
}

#[test]
fn braces_nested_200_kb_deep_are_refused_quickly() {
    let depth = 100_000;
    let bib = format!(
        "@article{{deep,\n  title = {{{}x{}}}}}\n",
        "{".repeat(depth),
        "}".repeat(depth)
    );
    let (out, took) = import("deep.bib", &bib);
    assert!(took < Duration::from_secs(60), "{took:?}");
    out.expect_code(1);
    assert!(
        out.stderr.contains("deep.bib:2:12"),
        "{}",
        &out.stderr[..out.stderr.len().min(2000)]
    );
    let (out, took) = check_with_bib(&bib);
    assert!(took < Duration::from_secs(60), "{took:?}");
    let report = out.report();
    assert_eq!(
        report.with_code("bibliography/syntax")[0].at(),
        ("references/hostile.bib", 2, 12)
    );
}

#[test]
fn ten_thousand_records_by_one_author_in_one_year_import_with_distinct_letter_keys() {
    let record = "TY  - JOUR\nAU  - Smith, John\nTI  - A study\nJO  - J Test\nPY  - 2021\nER  - \n\n";
    let (out, took) = import("many.ris", record.repeat(10_000));
    assert!(took < Duration::from_secs(90), "{took:?}");
    out.expect_code(0);
    assert!(out.stderr.contains("imported 10000 references"), "{}", out.stderr);
    let keys: Vec<&str> = out
        .stdout
        .lines()
        .filter_map(|line| line.strip_prefix("  - id: "))
        .collect();
    assert_eq!(keys.len(), 10_000);
    assert_eq!(&keys[..3], ["smith-2021", "smith-2021a", "smith-2021b"]);
    assert_eq!(keys[26], "smith-2021z");
    assert_eq!(keys[27], "smith-2021aa");
    let unique: std::collections::HashSet<&&str> = keys.iter().collect();
    assert_eq!(unique.len(), keys.len());
    for key in &keys {
        let suffix = key.strip_prefix("smith-2021").unwrap_or_else(|| panic!("{key}"));
        assert!(suffix.bytes().all(|b| b.is_ascii_lowercase()), "{key}");
    }
}

#[test]
fn import_refuses_invalid_utf8_naming_the_byte_and_line() {
    let (out, _) = import("latin1.ris", b"TY  - JOUR\nTI  - Caf\xe9 study\nER  - \n".as_slice());
    out.expect_code(2);
    assert!(
        out.stderr.contains("byte 0xE9 at offset 20 (line 2, column 10)"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

#[test]
fn import_reads_a_file_by_its_content_and_says_when_the_name_disagrees() {
    let json = r#"[{"id": "vision", "type": "article-journal", "title": "Lutetium-177-PSMA-617", "container-title": "N Engl J Med", "issued": {"date-parts": [[2021]]}}]"#;
    let (out, _) = import("zotero.bib", json);
    out.expect_code(0);
    assert!(
        out.stderr
            .contains("is named like a BibTeX file, but it starts with a JSON `[` or `{`: read as CSL-JSON"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("imported 1 references"), "{}", out.stderr);
    assert!(out.stdout.contains("  - id: vision\n"), "{}", out.stdout);
    let (out, _) = import("empty.bib", "% exported by nothing\n");
    out.expect_code(2);
    assert!(out.stderr.contains("found no BibTeX records"), "{}", out.stderr);
}

#[test]
fn import_reports_cut_off_records_instead_of_importing_cut_titles() {
    let ris = "TY  - JOUR\nTI  - Complete record\nER  - \n\nTY  - JOUR\nTI  - Lutetium-177-PSMA-617 for Metast";
    let (out, _) = import("cut.ris", ris);
    out.expect_code(1);
    assert!(out.stderr.contains("cut.ris:5:1"), "{}", out.stderr);
    assert!(out.stderr.contains("no `ER  -` end line"), "{}", out.stderr);
    assert!(!out.stdout.contains("Metast"), "{}", out.stdout);
    let nbib = "PMID- 1\nTI  - Complete record.\nDP  - 2020\n\nPMID- 2\nTI  - Lutetium-177-PSMA-617 for Metast";
    let (out, _) = import("cut.nbib", nbib);
    out.expect_code(1);
    assert!(out.stderr.contains("cut.nbib:5:1"), "{}", out.stderr);
    assert!(!out.stdout.contains("Metast"), "{}", out.stdout);
}

#[test]
fn a_bare_negative_volume_is_explained_not_called_end_of_file() {
    let (out, _) = import("vol.bib", "@article{a, title = {T},\n  volume = -1, year = 2020}\n");
    out.expect_code(1);
    assert!(out.stderr.contains("vol.bib:2:12"), "{}", out.stderr);
    assert!(
        out.stderr.contains("the value `-1` is neither a number"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("end of file"), "{}", out.stderr);
}

/// `evident check --format json` on `site`, killed if it runs past `limit` (a hang is
/// what the test guards against, so it must not hang the test itself).
fn check_within(site: &Site, limit: Duration) -> Option<(i32, String)> {
    use std::io::Read as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_evident"))
        .arg("--root")
        .arg(site.root())
        .args(["check", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run evident");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for evident") {
            let mut stdout = String::new();
            child.stdout.take()?.read_to_string(&mut stdout).ok()?;
            return Some((status.code()?, stdout));
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_retraction_list_that_is_not_a_regular_file_is_refused_at_once() {
    let site = Site::fixture("citations/retracted");
    let fifo = site.path("fifo.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    std::fs::create_dir(site.path("folder.csv")).expect("make a folder");
    for (path, says) in [
        ("fifo.csv", "not a regular file"),
        ("/dev/zero", "not a regular file"),
        ("folder.csv", "a folder"),
    ] {
        site.write(
            "evident.yaml",
            format!("title: \"Test knowledge base\"\nbase_url: \"https://kb.example.org/\"\ncitations:\n  retractions: {path}\n"),
        );
        let Some((code, stdout)) = check_within(&site, Duration::from_secs(20)) else {
            panic!("check hung on a retraction list at {path}");
        };
        assert_eq!(code, 2, "{stdout}");
        let report: serde_json::Value = serde_json::from_str(&stdout).expect("a JSON report");
        let message = report["diagnostics"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{path}: {message}");
        assert_eq!(report["diagnostics"][0]["line"], 4);
    }
}

#[test]
fn near_identical_titles_are_found_in_a_bibliography_of_hundreds() {
    // The check used to switch itself off above 200 references.
    let site = Site::fixture("citations/shared-bibliography");
    let mut yaml = String::new();
    for i in 0..300 {
        yaml.push_str(&format!(
            "- id: web-{i}\n  type: web\n  title: \"Patient leaflet number {i} on kidney stones\"\n  url: https://example.org/{i}\n  accessed: 2025-01-01\n"
        ));
    }
    yaml.push_str(
        "- id: vision-copy\n  type: web\n  title: \"Lutetium-177-PSMA-617 for metastatic castration resistant prostate cancre\"\n  url: https://example.org/v\n  accessed: 2025-01-01\n",
    );
    site.write("references/x-leaflets.yaml", yaml);
    let report = site.run(&["check", "--format", "json"]).report();
    let near: Vec<_> = report
        .with_code("reference/duplicate")
        .into_iter()
        .filter(|d| d.message.contains("nearly the same title"))
        .collect();
    assert_eq!(near.len(), 1, "{near:#?}");
    assert_eq!(near[0].severity, "warning");
    assert_eq!(near[0].at(), ("references/x-leaflets.yaml", 1503, 10));
    assert!(
        near[0]
            .message
            .contains("`vision-copy` has nearly the same title as `vision-2021`")
    );
}

#[test]
fn a_reference_the_configured_style_cannot_format_is_an_error_reported_once() {
    let site = Site::fixture("citations/shared-bibliography");
    site.write(
        "evident.yaml",
        "title: \"Test knowledge base\"\nbase_url: \"https://kb.example.org/\"\ncitations:\n  style: american-medical-association\n",
    );
    site.write(
        "references/x-bad.yaml",
        "- id: bad-shared\n  type: research\n  authors: [\"Smith, John A, Jr., MD\"]\n  title: \"A shared paper\"\n  journal: \"Lancet\"\n  year: 2020\n",
    );
    let first = site.read("content/prostate-cancer/after-six-cycles.md");
    site.write(
        "content/prostate-cancer/after-six-cycles.md",
        first.replacen(
            "[@derlin-2023; @vision-2021]",
            "[@derlin-2023; @vision-2021; @bad-shared]",
            1,
        ),
    );
    site.write(
        "content/prostate-cancer/second.md",
        "---\nquestion: \"Is there a second question?\"\nanswer: \"Yes [@bad-shared; @local-bad].\"\ntopics: [prostate-cancer]\ncreated: 2026-01-08\nreferences:\n  - id: local-bad\n    type: research\n    authors: [\"Doe, Jane, PhD, MD\"]\n    title: \"A local paper\"\n    journal: \"BMJ\"\n    year: 2021\n---\nText.\n",
    );
    let out = site.run(&["check", "--format", "json"]);
    out.expect_code(1);
    let report = out.report();
    let mut found: Vec<(&str, u32, u32)> = report
        .with_code("reference/unformattable")
        .iter()
        .map(|d| d.at())
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("content/prostate-cancer/second.md", 9, 14),
            ("references/x-bad.yaml", 3, 12)
        ]
    );
    let shared = report
        .with_code("reference/unformattable")
        .into_iter()
        .find(|d| d.file == "references/x-bad.yaml")
        .cloned()
        .expect("the shared finding");
    assert_eq!(shared.severity, "error");
    assert!(
        shared
            .message
            .starts_with("`bad-shared` cannot be formatted in the `american-medical-association` style"),
        "{}",
        shared.message
    );
    // The build stops rather than publish a list that mixes styles.
    site.run(&["build"]).expect_code(1);
    assert!(!site.exists("public/questions/second/index.html"));
    // In the default style the same references pass this check.
    site.write(
        "evident.yaml",
        "title: \"Test knowledge base\"\nbase_url: \"https://kb.example.org/\"\n",
    );
    let report = site.run(&["check", "--format", "json"]).report();
    assert!(report.with_code("reference/unformattable").is_empty());
}

#[test]
fn a_publication_date_outside_its_year_or_malformed_is_a_finding_at_its_line() {
    let site = Site::fixture("citations/shared-bibliography");
    site.write(
        "references/dated.yaml",
        "- id: dated-wrong-year\n  type: web\n  title: \"A page\"\n  url: \"https://example.org/a\"\n  accessed: 2025-01-02\n  year: 2023\n  date: 2024-03-07\n- id: dated-malformed\n  type: web\n  title: \"Another page\"\n  url: \"https://example.org/b\"\n  accessed: 2025-01-02\n  year: 2024\n  date: 2024-3\n",
    );
    let out = site.run(&["check", "--format", "json"]);
    out.expect_code(1);
    let report = out.report();
    let wrong_year: Vec<_> = report
        .with_code("reference/missing-field")
        .into_iter()
        .filter(|d| d.message.contains("dated-wrong-year"))
        .collect();
    assert_eq!(wrong_year.len(), 1, "{:?}", report.with_code("reference/missing-field"));
    assert_eq!(wrong_year[0].at(), ("references/dated.yaml", 7, 9));
    assert!(
        wrong_year[0].message.contains("2024-03-07"),
        "{}",
        wrong_year[0].message
    );
    let malformed: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.file == "references/dated.yaml" && d.code == "bibliography/syntax")
        .collect();
    assert_eq!(malformed.len(), 1, "{:?}", report.diagnostics);
    // Like any field serde refuses, the entry that holds it is pointed at.
    assert_eq!(malformed[0].at(), ("references/dated.yaml", 8, 3));
    assert!(
        malformed[0].message.contains("invalid date `2024-3`"),
        "{}",
        malformed[0].message
    );
}
