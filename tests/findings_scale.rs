//! Findings at scale (#18): tens of thousands of warnings come out whole, sorted and
//! capped in every format, and cost the build little memory while they wait.

mod common;

use common::Site;

/// A site of `articles` articles, each with `bullets` uncited bullets, every bullet's text
/// its own so that each finding's message can be told apart.
fn site_with_uncited_bullets(articles: usize, bullets: usize) -> Site {
    let site = Site::empty();
    site.write(
        "evident.yaml",
        "title: Findings at scale\nbase_url: https://kb.example.org/\n",
    );
    let words = [
        "aspirin", "warfarin", "statin", "insulin", "heparin", "digoxin", "lithium",
    ];
    for n in 0..articles {
        let mut text = format!(
            "---\nquestion: \"Is {} safe in case {n} of {} patients?\"\nanswer: It depends [@a].\ncreated: 2026-01-08\nreferences:\n  - id: a\n    type: guideline\n    title: \"Guideline {n}\"\n    publisher: \"P\"\n    year: 2025\n---\n\n## Dosing\n\n",
            words[n % words.len()],
            words[(n / 7) % words.len()],
        );
        for b in 0..bullets {
            text.push_str(&format!(
                "- Claim {b} of article {n}: {} needs monitoring of levels and kidney function.\n",
                words[b % words.len()]
            ));
        }
        site.write(&format!("content/topic{}/article-{n:04}.md", n % 3), text);
    }
    site
}

#[test]
fn every_finding_of_a_large_report_comes_out_in_order_in_every_format() {
    // 12,000 messages of ~120 bytes: more than the findings keep in memory, so most are
    // read back from their temporary file.
    let (articles, bullets) = (240, 50);
    let site = site_with_uncited_bullets(articles, bullets);
    let json = site.run(&["check", "--format", "json", "--as-of", "2026-06-01"]);
    json.expect_code(0);
    let report = json.report();
    let uncited = report.with_code("citation/uncited-claim");
    assert_eq!(uncited.len(), articles * bullets);
    assert_eq!(report.summary.warnings, report.diagnostics.len());
    let places: Vec<(&str, u32, u32)> = report.diagnostics.iter().map(|d| d.at()).collect();
    assert!(places.is_sorted(), "findings out of order");
    // Each message is its own bullet's, at its own line.
    for d in &uncited {
        let n: usize = d.file[23..27].parse().expect("article number");
        let b = d.line - 15;
        assert!(
            d.message.contains(&format!("“Claim {b} of article {n}: ")),
            "{}:{}: {}",
            d.file,
            d.line,
            d.message
        );
        assert_eq!(
            d.hint
                .as_deref()
                .map(|h| h.starts_with("end the claim with the citation")),
            Some(true)
        );
    }

    let human = site.run(&["check", "--as-of", "2026-06-01"]);
    human.expect_code(0);
    let shown = human.stderr.matches("warning[citation/uncited-claim]").count();
    assert_eq!(shown, articles * 10);
    assert_eq!(
        human
            .stderr
            .matches("note: 40 more [citation/uncited-claim] findings in")
            .count(),
        articles
    );
    let first = "content/topic0/article-0000.md";
    assert!(
        human.stderr.contains(&format!(" --> {first}:15:1\n")),
        "{}",
        &human.stderr[..2000]
    );
    assert!(
        human
            .stderr
            .contains("15 | - Claim 0 of article 0: aspirin needs monitoring of levels and kidney function.\n")
    );
    assert!(
        human
            .stderr
            .ends_with(&format!("0 errors, {} warnings\n", report.diagnostics.len()))
    );

    let github = site.run(&["check", "--format", "github", "--as-of", "2026-06-01"]);
    assert_eq!(github.stdout.lines().count(), report.diagnostics.len());
    let sarif = site.run(&["check", "--format", "sarif", "--as-of", "2026-06-01"]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("SARIF is JSON");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), report.diagnostics.len());
    let last = report.diagnostics.last().expect("findings");
    let last_result = results.last().expect("results");
    assert_eq!(last_result["ruleId"], last.code.as_str());
    assert!(
        last_result["message"]["text"]
            .as_str()
            .unwrap_or("")
            .starts_with(&last.message)
    );
}

/// Peak resident memory of `evident ARGS` on `site`, in KB.
///
/// Read by a small Python process that runs evident and reports its child's peak: a child
/// spawned by this test process would count this process's own peak too (Linux keeps the
/// high-water mark of the memory a process had before `exec`), and the tests beside this
/// one hold tens of megabytes, which would hide any difference being measured.
#[cfg(target_os = "linux")]
fn peak_kb(site: &Site, args: &[&str]) -> i64 {
    const MEASURE: &str = "import resource, subprocess, sys\n\
        done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n\
        print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n";
    let output = std::process::Command::new("python3")
        .args(["-c", MEASURE, env!("CARGO_BIN_EXE_evident"), "--root"])
        .arg(site.root())
        .args(args)
        .output()
        .expect("python3 runs (every machine this project builds on has it)");
    let said = String::from_utf8_lossy(&output.stdout);
    let mut fields = said.split_whitespace().map(|field| field.parse::<i64>().ok());
    match (fields.next().flatten(), fields.next().flatten()) {
        (Some(0), Some(kb)) => kb,
        _ => panic!("evident {args:?}: {said} {}", String::from_utf8_lossy(&output.stderr)),
    }
}

#[cfg(target_os = "linux")]
#[test]
fn forty_thousand_findings_cost_a_few_megabytes() {
    let (articles, bullets) = (400, 100);
    let with = site_with_uncited_bullets(articles, bullets);
    // The same site, each bullet cited: no finding.
    let without = site_with_uncited_bullets(articles, bullets);
    for entry in walkdir::WalkDir::new(without.path("content")) {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let text = std::fs::read_to_string(entry.path()).expect("read");
            std::fs::write(entry.path(), text.replace(" function.\n", " function [@a].\n")).expect("write");
        }
    }
    let args = ["check", "--format", "json", "--as-of", "2026-06-01", "--no-cache"];
    let base = peak_kb(&without, &args);
    let many = peak_kb(&with, &args);
    // Before findings were packed, each of these 40,000 held ~450 bytes: 18 MB. Packed, a
    // record is 32 bytes and the texts wait in a temporary file: ~1.3 MB, plus what the
    // allocator keeps.
    let extra_kb = many - base;
    assert!(
        extra_kb < 8 * 1024,
        "{} findings cost {extra_kb} KB (peak {many} KB against {base} KB)",
        articles * bullets
    );
}

/// A build with the cache keeps its findings for the next build and reads them back when
/// nothing changed: neither may hold them as a list of owned findings, as the build cache
/// once did (~650 bytes each, stored and read back).
#[cfg(target_os = "linux")]
#[test]
fn a_cached_build_keeps_forty_thousand_findings_in_a_few_megabytes() {
    let (articles, bullets) = (400, 100);
    let site = site_with_uncited_bullets(articles, bullets);
    let build = |out: &str, cache: bool| {
        let out = site.path(out);
        let out = out.to_str().expect("a UTF-8 temporary folder");
        let mut args = vec!["build", "--as-of", "2026-06-01", "--out", out];
        if !cache {
            args.push("--no-cache");
        }
        peak_kb(&site, &args)
    };
    let uncached = build("uncached", false);
    let first = build("cached", true);
    let out = site.path("cached");
    let written = std::fs::metadata(&out).expect("built").modified().expect("mtime");
    let up_to_date = build("cached", true);
    assert_eq!(
        std::fs::metadata(&out).expect("kept").modified().expect("mtime"),
        written,
        "the second build was up to date and wrote nothing"
    );
    // The up-to-date build reads the entry and reports its findings: it does not parse.
    assert!(
        first - uncached < 8 * 1024,
        "a first cached build of {} findings peaked at {first} KB against {uncached} KB",
        articles * bullets
    );
    assert!(
        up_to_date < uncached,
        "an up-to-date build peaked at {up_to_date} KB, more than building ({uncached} KB)"
    );
}
