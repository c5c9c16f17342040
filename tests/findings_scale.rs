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

/// Peak resident memory of `evident ARGS` on `site`, in KB, from the kernel's accounting of
/// that one child (not of the other tests' children, which run beside it).
#[cfg(target_os = "linux")]
// The child is reaped by `wait4`, which reports its own resources as `Child::wait` cannot.
#[allow(clippy::zombie_processes)]
fn peak_kb(site: &Site, args: &[&str]) -> i64 {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_evident"))
        .arg("--root")
        .arg(site.root())
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run the evident binary");
    let mut status = 0;
    // SAFETY: `rusage` is plain data the call fills; the pid is our own unwaited child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "status {status}"
    );
    usage.ru_maxrss
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
