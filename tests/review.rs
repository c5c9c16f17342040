//! Editorial review: a page says it was reviewed only while its approval matches its text,
//! and the review commands change nothing in an article but its `review:` lines.

mod common;

use common::Site;

const RADIUM: &str = "content/oncology/radium-223-visceral-disease.md";
const RADIUM_PAGE: &str = "public/questions/radium-223-visceral-disease/index.html";

/// The fixture with the radium article approved through the whole workflow.
fn approved_site() -> Site {
    let site = Site::fixture("review/workflow");
    claim_and_approve(&site);
    site
}

/// Takes the radium article through review: claimed, then approved (today).
fn claim_and_approve(site: &Site) {
    site.run(&["claim", "radium-223-visceral-disease", "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    site.run(&[
        "approve",
        "radium-223-visceral-disease",
        "--reviewer",
        "Dr Ada Lovelace",
        "--role",
        "Medical Advisory Board",
    ])
    .expect_code(0);
}

#[test]
fn an_approved_article_shows_its_reviewer_on_the_page_and_in_structured_data() {
    let site = approved_site();
    site.run(&["build"]).expect_code(0);
    let page = site.html(RADIUM_PAGE);
    let banner = page.text(".review-banner");
    assert!(banner.contains("Dr Ada Lovelace"), "{banner}");
    assert!(banner.contains(&common::today().display()), "{banner}");
    assert!(!banner.contains("pending human review"), "{banner}");
    assert_eq!(
        page.count(".tracker__step[aria-current=step]"),
        0,
        "no step is pending once approved"
    );
    assert!(page.text(".tracker__label").contains("Approved"));
    let data = site.html(RADIUM_PAGE).json_ld();
    assert_eq!(data["reviewedBy"][0]["name"], "Dr Ada Lovelace");
    assert_eq!(data["reviewedBy"][0]["jobTitle"], "Medical Advisory Board");
    assert_eq!(data["lastReviewed"], common::today().to_string());
}

#[test]
fn changing_one_number_voids_the_approval_everywhere() {
    let site = approved_site();
    let text = site.read(RADIUM).replace("6 injections", "5 injections");
    site.write(RADIUM, text);
    site.run(&["build"]).expect_code(0);

    let html = site.read(RADIUM_PAGE);
    assert!(!html.contains("reviewedBy"), "no review claim in the metadata");
    assert!(!html.contains("lastReviewed"));
    assert!(
        !html.contains("Dr Ada Lovelace"),
        "the reviewer of other words is not named"
    );
    let page = site.html(RADIUM_PAGE);
    assert!(page.text(".review-banner").contains("pending human review"));
    // Said the way it is, without naming who reviewed the earlier text.
    assert_eq!(
        page.text(".review-banner__note"),
        format!(
            "An earlier version was reviewed on {}; this version has changes not yet reviewed. What changed",
            common::today().display()
        )
    );
    let history = RADIUM_PAGE
        .trim_start_matches("public")
        .replace("index.html", "history/");
    assert_eq!(page.attr(".review-banner__note a", "href"), history);
    assert_eq!(
        page.text(".tracker__label"),
        "Review progress: Changed since its review"
    );

    let out = site.run(&["check", "--format", "json"]);
    out.expect_code(0);
    let report = out.report();
    let finding = report.only("review/stale-approval");
    assert_eq!(finding.severity, "warning");
    // Line 11: `review:`, where the approval is recorded.
    assert_eq!((finding.file.as_str(), finding.line), (RADIUM, 11));
    assert!(finding.message.contains("the body changed"), "{}", finding.message);
    site.run(&["check", "--deny", "warnings"]).expect_code(1);
}

#[test]
fn changing_only_related_topics_or_updated_keeps_the_approval() {
    let site = approved_site();
    let text = site
        .read(RADIUM)
        .replace("related: [lu-psma-dose]", "related: []")
        .replace("topics: [oncology]", "topics: [oncology, urology]")
        .replace("updated: 2026-02-01", "updated: 2026-02-02");
    site.write(RADIUM, text);
    let out = site.run(&["check", "--format", "json"]);
    out.expect_code(0);
    assert!(out.report().diagnostics.is_empty(), "{}", out.stdout);
    site.run(&["build"]).expect_code(0);
    assert!(
        site.html(RADIUM_PAGE)
            .text(".review-banner")
            .contains("Dr Ada Lovelace")
    );
}

#[test]
fn line_endings_and_trailing_spaces_do_not_void_an_approval() {
    let site = approved_site();
    let text = site
        .read(RADIUM)
        .replace("every 4 weeks [@alsympca-2013].", "every 4 weeks [@alsympca-2013].   ");
    site.write(RADIUM, text.replace('\n', "\r\n"));
    site.run(&["build"]).expect_code(0);
    assert!(
        site.html(RADIUM_PAGE)
            .text(".review-banner")
            .contains("Dr Ada Lovelace")
    );
}

#[test]
fn the_review_commands_change_only_the_review_lines() {
    let site = Site::fixture("review/workflow");
    let before = site.read(RADIUM);
    claim_and_approve(&site);
    let after = site.read(RADIUM);
    let review_block = |text: &str| -> (String, String) {
        let start = text.find("review:\n").unwrap();
        let end = text.find("references:\n").unwrap();
        (
            format!("{}{}", &text[..start], &text[end..]),
            text[start..end].to_string(),
        )
    };
    let (outside_before, _) = review_block(&before);
    let (outside_after, block) = review_block(&after);
    assert_eq!(
        outside_before, outside_after,
        "every byte outside the review block is kept"
    );
    assert!(block.contains("status: approved"), "{block}");
    assert!(block.contains("approved_hash: \"sha256:"), "{block}");
    assert!(block.contains(&format!("date: {}", common::today())), "{block}");
    assert!(after.contains("# Editors: keep this question short."));
}

#[test]
fn illegal_transitions_and_nameless_approvals_are_refused() {
    let site = Site::fixture("review/workflow");
    let before = site.read(RADIUM);
    let out = site.run(&[
        "approve",
        "radium-223-visceral-disease",
        "--reviewer",
        "Dr Ada Lovelace",
    ]);
    out.expect_code(2);
    assert!(
        out.stderr
            .contains("claims it before approving: evident claim radium-223-visceral-disease --reviewer <your id>"),
        "{}",
        out.stderr
    );
    let out = site.run(&["submit", "radium-223-visceral-disease"]);
    out.expect_code(2);
    assert!(out.stderr.contains("only a draft can be submitted"), "{}", out.stderr);
    let out = site.run(&["claim", "radium-223-visceral-disease", "--reviewer", "  "]);
    out.expect_code(2);
    assert!(out.stderr.contains("reviewer"), "{}", out.stderr);
    let out = site.run(&["approve", "lu-psma-dose", "--reviewer", "Dr Ada Lovelace"]);
    out.expect_code(2);
    assert!(out.stderr.contains("draft"), "{}", out.stderr);
    let out = site.run(&["claim", "no-such-article", "--reviewer", "Dr Ada Lovelace"]);
    out.expect_code(2);
    assert!(out.stderr.contains("no article has the slug"), "{}", out.stderr);
    assert_eq!(site.read(RADIUM), before, "a refused step writes nothing");
}

#[test]
fn an_approval_is_dated_today_and_cannot_be_backdated() {
    let site = Site::fixture("review/workflow");
    site.run(&["claim", "radium-223-visceral-disease", "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    let before = site.read(RADIUM);
    // There is no way to name another day.
    let out = site.run(&[
        "approve",
        "radium-223-visceral-disease",
        "--reviewer",
        "Dr Ada Lovelace",
        "--date",
        "2026-01-20",
    ]);
    out.expect_code(2);
    assert!(out.stderr.contains("--date"), "{}", out.stderr);
    assert_eq!(site.read(RADIUM), before);
    // An `updated` date after today is a typo to fix, not a reason to date the approval later.
    let tomorrow = evident::date::Date::from_days_since_epoch(common::today().days_since_epoch() + 1);
    let future = before.replace("updated: 2026-02-01", &format!("updated: {tomorrow}"));
    assert_ne!(future, before, "the fixture has an `updated` date");
    site.write(RADIUM, &future);
    let out = site.run(&[
        "approve",
        "radium-223-visceral-disease",
        "--reviewer",
        "Dr Ada Lovelace",
    ]);
    out.expect_code(2);
    assert!(out.stderr.contains("is after today"), "{}", out.stderr);
    site.write(RADIUM, &before);
    site.run(&[
        "approve",
        "radium-223-visceral-disease",
        "--reviewer",
        "Dr Ada Lovelace",
    ])
    .expect_code(0);
    assert!(site.read(RADIUM).contains(&format!("date: {}", common::today())));
}

#[test]
fn an_approved_status_typed_by_hand_is_not_a_review() {
    let site = Site::fixture("review/workflow");
    let text = site.read(RADIUM).replace(
        "review:\n  status: submitted\n",
        "review:\n  status: approved\n  reviewers:\n    - {name: \"Dr Ada Lovelace\", date: 2026-02-03}\n",
    );
    site.write(RADIUM, text);
    let out = site.run(&["check", "--format", "json"]);
    out.expect_code(1);
    let report = out.report();
    assert!(report.only("review/incomplete").message.contains("approved_hash"));
    site.run(&["build", "--drafts"]).expect_code(1);
    assert!(!site.exists("public"));
}

#[test]
fn drafts_are_left_out_and_nothing_links_to_them() {
    let site = approved_site();
    site.run(&["build"]).expect_code(0);
    assert!(!site.exists("public/questions/lu-psma-dose/index.html"));
    for file in [
        "public/index.html",
        RADIUM_PAGE,
        "public/topics/oncology/index.html",
        "public/sitemap.xml",
        "public/feed.xml",
    ] {
        assert!(!site.read(file).contains("lu-psma-dose"), "{file} mentions the draft");
    }
    site.run(&["build", "--drafts"]).expect_code(0);
    assert!(site.exists("public/questions/lu-psma-dose/index.html"));
}

#[test]
fn the_review_queue_lists_changed_approvals_first_and_is_not_indexed() {
    let site = approved_site();
    let extra = site
        .read(RADIUM)
        .replace(
            "Can radium-223 be used when prostate cancer has spread to the liver?",
            "Is radium-223 given with abiraterone?",
        )
        .replace("updated: 2026-02-01", "updated: 2026-01-06")
        .replace(
            "review:\n  status: approved\n",
            "review:\n  status: submitted\n  reviewers: []\nignored_marker_line_removed: x\n",
        );
    // The second article is a plain submitted one, older than the first's update.
    let extra = remove_review_details(&extra);
    site.write("content/oncology/radium-abiraterone.md", extra);
    let text = site.read(RADIUM).replace("6 injections", "5 injections");
    site.write(RADIUM, text);
    site.run(&["build"]).expect_code(0);

    let page = site.html("public/review/index.html");
    assert_eq!(page.attr("meta[name=robots]", "content"), "noindex, nofollow");
    let questions = page.texts(".queue tbody tr td:first-child a");
    assert_eq!(
        questions,
        [
            "Can radium-223 be used when prostate cancer has spread to the liver?",
            "Is radium-223 given with abiraterone?"
        ]
    );
    assert!(page.text(".queue").contains("Changed since approval: the body"));
    assert!(!site.read("public/sitemap.xml").contains("/review/"));

    let out = site.run(&["review", "--format", "json"]);
    out.expect_code(0);
    let queue: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(queue["queue"][0]["slug"], "radium-223-visceral-disease");
    assert_eq!(queue["queue"][0]["changed"][0], "body");
    assert_eq!(queue["queue"][1]["slug"], "radium-abiraterone");
}

/// Turns an approved copy of the fixture article back into a plain submitted one.
fn remove_review_details(text: &str) -> String {
    let start = text.find("review:\n").unwrap();
    let end = text.find("references:\n").unwrap();
    format!("{}review:\n  status: submitted\n{}", &text[..start], &text[end..])
}

#[test]
fn the_home_page_counts_only_verified_approvals_as_approved() {
    let site = approved_site();
    let text = site.read(RADIUM).replace("6 injections", "5 injections");
    site.write(RADIUM, text);
    site.run(&["build"]).expect_code(0);
    let home = site.html("public/index.html");
    assert_eq!(home.text(".count--approved dd"), "0");
    assert_eq!(home.text(".count--under_review dd"), "1");
    assert!(home.text(".status-summary__queue").contains("changed since approval"));
}

#[test]
fn an_approval_covers_the_shared_bibliography_entries_the_text_cites() {
    let site = Site::fixture("review/workflow");
    site.write(
        "references/shared.yaml",
        "- id: parker-2013\n  type: research\n  authors: [\"Parker C\"]\n  title: \"Alpha emitter radium-223 and survival\"\n  journal: \"N Engl J Med\"\n  year: 2013\n",
    );
    let text = site.read(RADIUM).replace(
        "every 4 weeks [@alsympca-2013].",
        "every 4 weeks [@alsympca-2013; @parker-2013].",
    );
    site.write(RADIUM, text);
    claim_and_approve(&site);
    site.run(&["build"]).expect_code(0);
    assert!(
        site.html(RADIUM_PAGE)
            .text(".review-banner")
            .contains("Dr Ada Lovelace")
    );

    // Correcting the shared entry changes what the reader sees: the approval no longer holds.
    let shared = site.read("references/shared.yaml").replace("year: 2013", "year: 2014");
    site.write("references/shared.yaml", shared);
    let out = site.run(&["check", "--format", "json"]);
    let report = out.report();
    assert!(
        report
            .only("review/stale-approval")
            .message
            .contains("the references changed")
    );
}

#[test]
fn approving_shows_the_changes_since_the_approved_commit_and_only_the_claimant_approves() {
    let site = Site::fixture("review/workflow");
    let slug = "radium-223-visceral-disease";
    common::git(&site, "2026-02-02T12:00:00Z", &["init", "-q"]);
    common::commit(&site, "2026-02-02T12:00:00Z", "Submitted");
    site.run(&["claim", slug, "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    let first = site.run(&["approve", slug, "--reviewer", "Dr Ada Lovelace"]);
    first.expect_code(0);
    assert!(
        first.stdout.contains("no earlier approval recorded a commit"),
        "{}",
        first.stdout
    );
    let approved_at = common::git(&site, "2026-02-02T12:00:00Z", &["rev-parse", "HEAD"]);
    assert!(
        site.read(RADIUM)
            .contains(&format!("  commit: \"{}\"\n", approved_at.trim())),
        "{}",
        site.read(RADIUM)
    );
    common::commit(&site, "2026-02-03T12:00:00Z", "Approved");

    // An editor changes a dose: the hint names no reviewer, least of all the last one.
    site.write(RADIUM, site.read(RADIUM).replace("6 injections", "5 injections"));
    let report = site.run(&["check", "--format", "json"]).report();
    let stale = report.only("review/stale-approval");
    let hint = stale.hint.as_deref().unwrap_or_default();
    assert!(
        hint.contains(&format!("evident claim {slug} --reviewer <your id>")),
        "{hint}"
    );
    assert!(!hint.contains("Lovelace"), "{hint}");
    // Not straight from "changed since approval".
    let out = site.run(&["approve", slug, "--reviewer", "Dr Ada Lovelace"]);
    out.expect_code(2);
    assert!(out.stderr.contains("claims it before approving"), "{}", out.stderr);

    site.run(&["claim", slug, "--reviewer", "Dr Grace Hopper"])
        .expect_code(0);
    let out = site.run(&["approve", slug, "--reviewer", "Dr Ada Lovelace"]);
    out.expect_code(2);
    assert!(out.stderr.contains("claimed by Dr Grace Hopper"), "{}", out.stderr);
    // The claimant, but the changed text is not committed: the commit would not hold it.
    let out = site.run(&["approve", slug, "--reviewer", "Dr Grace Hopper"]);
    out.expect_code(2);
    assert!(out.stderr.contains("not committed"), "{}", out.stderr);
    common::commit(&site, "2026-02-04T12:00:00Z", "Fewer injections");
    let second = site.run(&["approve", slug, "--reviewer", "Dr Grace Hopper"]);
    second.expect_code(0);
    let short = &approved_at.trim()[..12];
    assert!(
        second.stdout.contains(&format!("(approved at {short})")),
        "{}",
        second.stdout
    );
    let removed = second
        .stdout
        .lines()
        .find(|l| l.starts_with('-') && l.contains("6 injections"));
    let added = second
        .stdout
        .lines()
        .find(|l| l.starts_with('+') && l.contains("5 injections"));
    assert!(removed.is_some() && added.is_some(), "{}", second.stdout);
    // What readers read, not the source: citations as their numbers, no Markdown or YAML.
    assert!(!second.stdout.contains("[@"), "{}", second.stdout);
    assert!(
        !second
            .stdout
            .lines()
            .any(|l| l.starts_with("--") && !l.starts_with("---")),
        "{}",
        second.stdout
    );
    assert!(
        !second.stdout.contains("status:"),
        "the review block is not part of the diff"
    );
    let head = common::git(&site, "2026-02-04T12:00:00Z", &["rev-parse", "HEAD"]);
    assert!(site.read(RADIUM).contains(&format!("  commit: \"{}\"\n", head.trim())));
}

#[test]
fn check_reapplies_the_date_rules_to_an_approval_edited_by_hand() {
    let today = common::today();
    let tomorrow = evident::date::Date::from_days_since_epoch(today.days_since_epoch() + 1);
    // The fixture's article was created on 2026-01-05.
    for (date, says) in [
        (tomorrow.to_string(), "after today"),
        ("2026-01-04".to_string(), "before the article was created (2026-01-05)"),
    ] {
        let site = approved_site();
        site.write(
            RADIUM,
            site.read(RADIUM)
                .replace(&format!("date: {today}"), &format!("date: {date}")),
        );
        let out = site.run(&["check", "--format", "json"]);
        out.expect_code(1);
        let report = out.report();
        let finding = report.only("review/bad-record");
        assert!(finding.message.contains(says), "{}", finding.message);
        assert!(
            finding
                .hint
                .as_deref()
                .unwrap_or_default()
                .contains("--reviewer <your id>")
        );
        site.run(&["build"]).expect_code(1);
        // Not published as written: the page is pending and names no one.
        site.write(
            "evident.yaml",
            format!("{}checks: {{review/bad-record: warning}}\n", site.read("evident.yaml")),
        );
        site.run(&["build"]).expect_code(0);
        let page = site.html(RADIUM_PAGE);
        assert!(page.text(".review-banner").contains("pending human review"));
        assert!(!site.read(RADIUM_PAGE).contains("Dr Ada Lovelace"));
    }
}

#[test]
fn with_publish_approved_pending_articles_stay_in_the_preview() {
    let site = Site::fixture("review/workflow");
    site.write(
        "evident.yaml",
        format!("{}review: {{publish: approved}}\n", site.read("evident.yaml")),
    );
    // The dose article becomes a second, submitted article the radium page lists as related.
    let dose = "content/oncology/lu-psma-dose.md";
    site.write(dose, site.read(dose).replace("status: draft", "status: submitted"));
    // Nothing is approved yet: nothing is published, and no published page links anywhere.
    site.run(&["build"]).expect_code(0);
    assert!(!site.exists(RADIUM_PAGE));
    assert!(site.run(&["check", "--format", "json"]).report().diagnostics.is_empty());
    claim_and_approve(&site);
    // Radium is published; its related question awaits review.
    let out = site.run(&["check", "--format", "json"]);
    out.expect_code(0);
    let report = out.report();
    let finding = report.only("related/unpublished");
    assert_eq!((finding.file.as_str(), finding.severity.as_str()), (RADIUM, "warning"));
    assert!(
        finding.message.contains("`lu-psma-dose` is not published"),
        "{}",
        finding.message
    );
    assert_eq!(
        finding.line,
        site.read(RADIUM)
            .lines()
            .position(|l| l.starts_with("related:"))
            .unwrap() as u32
            + 1
    );

    site.run(&["build"]).expect_code(0);
    assert!(site.exists(RADIUM_PAGE));
    assert!(!site.exists("public/questions/lu-psma-dose/index.html"));
    for file in [
        "public/index.html",
        RADIUM_PAGE,
        "public/topics/oncology/index.html",
        "public/sitemap.xml",
        "public/feed.xml",
        "public/graph.json",
        "public/review/index.html",
    ] {
        assert!(
            !site.read(file).contains("lu-psma-dose"),
            "{file} mentions the pending article"
        );
    }
    // The search index: every file under public/search/.
    let search: Vec<String> = site
        .tree("public/search")
        .into_values()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .collect();
    assert!(
        search.iter().any(|s| s.contains("radium")),
        "a search index is published"
    );
    assert!(search.iter().all(|s| !s.contains("lu-psma-dose")));
    // The radium page is listed; the default (`all`) would have published both.
    assert!(site.read("public/sitemap.xml").contains("radium-223-visceral-disease"));

    // The preview shows what awaits review.
    site.run(&["build", "--drafts"]).expect_code(0);
    assert!(site.exists("public/questions/lu-psma-dose/index.html"));
}

#[test]
fn with_publish_approved_a_body_link_to_a_pending_article_stops_the_build() {
    let site = Site::fixture("review/workflow");
    site.write(
        "evident.yaml",
        format!("{}review: {{publish: approved}}\n", site.read("evident.yaml")),
    );
    let dose = "content/oncology/lu-psma-dose.md";
    site.write(dose, site.read(dose).replace("status: draft", "status: submitted"));
    let link = "See also [the dose](../lu-psma-dose/).";
    site.write(RADIUM, format!("{}\n{link}\n", site.read(RADIUM)));
    claim_and_approve(&site);
    let out = site.run(&["check", "--format", "json"]);
    out.expect_code(1);
    let report = out.report();
    let finding = report.only("link/unpublished");
    assert_eq!((finding.file.as_str(), finding.severity.as_str()), (RADIUM, "error"));
    let text = site.read(RADIUM);
    let line = text.lines().position(|l| l == link).unwrap() as u32 + 1;
    assert_eq!((finding.line, finding.column), (line, 10), "the `[` of the link");
    assert!(
        finding.message.contains("`lu-psma-dose`, which is not published"),
        "{}",
        finding.message
    );
    site.run(&["build"]).expect_code(1);
    assert!(!site.exists(RADIUM_PAGE));
    // Once the dose article is approved too, the link is fine.
    site.run(&["claim", "lu-psma-dose", "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    site.run(&["approve", "lu-psma-dose", "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    assert!(
        site.run(&["check", "--format", "json"])
            .report()
            .with_code("link/unpublished")
            .is_empty()
    );
}

#[test]
fn the_queue_counts_the_wait_from_submission_and_orders_by_it_whatever_the_status() {
    let site = Site::fixture("review/workflow");
    let original = site.read(RADIUM);
    claim_and_approve(&site);
    // A copy of the article, waiting with the given review record.
    let waiting = |file: &str, question: &str, updated: &str, record: &str| {
        let text = original
            .replace(
                "Can radium-223 be used when prostate cancer has spread to the liver?",
                question,
            )
            .replace("created: 2026-01-05", "created: 2025-01-05")
            .replace("updated: 2026-02-01", &format!("updated: {updated}"))
            .replace("review:\n  status: submitted\n", record);
        site.write(file, text);
    };
    // Claimed in September, submitted then; updated earlier.
    waiting(
        "content/oncology/radium-september.md",
        "Is radium-223 given every four weeks?",
        "2025-09-01",
        "review:\n  status: under_review\n  submitted: 2025-09-14\n  reviewers:\n    - name: \"Dr Bob Example\"\n",
    );
    // Submitted in March, but its `updated` date is later than September's.
    waiting(
        "content/oncology/radium-march.md",
        "Is radium-223 given with abiraterone?",
        "2025-10-01",
        "review:\n  status: submitted\n  submitted: 2025-03-10\n",
    );
    let text = site.read(RADIUM).replace("6 injections", "5 injections");
    site.write(RADIUM, text);
    site.run(&["build"]).expect_code(0);

    let page = site.html("public/review/index.html");
    let rows: Vec<(String, String, String)> = page
        .texts(".queue:not(.queue--overdue) tbody tr td:first-child > a")
        .into_iter()
        .zip(page.texts(".queue:not(.queue--overdue) tbody tr td:nth-child(2)"))
        .zip(page.texts(".queue:not(.queue--overdue) tbody tr td:nth-child(3)"))
        .map(|((q, status), since)| (q, common::collapse(&status), since))
        .collect();
    assert_eq!(
        rows,
        [
            (
                "Can radium-223 be used when prostate cancer has spread to the liver?".to_string(),
                "Review status: Changed since its review".to_string(),
                "February 1, 2026".to_string()
            ),
            (
                "Is radium-223 given with abiraterone?".to_string(),
                "Review status: Submitted".to_string(),
                "March 10, 2025".to_string()
            ),
            (
                "Is radium-223 given every four weeks?".to_string(),
                "Review status: Under review".to_string(),
                "September 14, 2025".to_string()
            ),
        ]
    );
}

#[test]
fn submit_records_the_day_and_claim_keeps_it() {
    let site = Site::fixture("review/workflow");
    site.run(&["submit", "lu-psma-dose"]).expect_code(0);
    let today = common::today();
    assert!(
        site.read("content/oncology/lu-psma-dose.md")
            .contains(&format!("review:\n  status: submitted\n  submitted: {today}\n")),
        "{}",
        site.read("content/oncology/lu-psma-dose.md")
    );
    site.run(&["claim", "lu-psma-dose", "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    assert!(
        site.read("content/oncology/lu-psma-dose.md")
            .contains(&format!("  status: under_review\n  submitted: {today}\n"))
    );
    site.run(&["check", "--format", "json"]).expect_code(0);
    let out = site.run(&["review", "--format", "json"]);
    let queue: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let entry = queue["queue"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["slug"] == "lu-psma-dose")
        .expect("queued");
    assert_eq!(entry["since"], today.to_string());
}
