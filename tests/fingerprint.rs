//! What an approval covers: everything the article page shows a reader (its texts as they
//! render, its references, change notes, audience, embedded files) at its address, and
//! nothing a reader cannot see. Each test approves the fixture article through the real
//! workflow, edits the site, and looks at the page and at `check`'s findings.

mod common;

use common::Site;

const RADIUM: &str = "content/oncology/radium-223-visceral-disease.md";
const SLUG: &str = "radium-223-visceral-disease";
const RADIUM_PAGE: &str = "public/questions/radium-223-visceral-disease/index.html";
const REVIEWER: &str = "Dr Ada Lovelace";

/// The review fixture, with `prepare` applied to the article before it is claimed and
/// approved on 3 February 2026.
fn approved_site_with(prepare: impl Fn(String) -> String) -> Site {
    let site = Site::fixture("review/workflow");
    site.write(RADIUM, prepare(site.read(RADIUM)));
    site.run(&["claim", SLUG, "--reviewer", REVIEWER]).expect_code(0);
    site.run(&["approve", SLUG, "--reviewer", REVIEWER]).expect_code(0);
    assert_reviewed(&site, RADIUM_PAGE);
    site
}

fn approved_site() -> Site {
    approved_site_with(|text| text)
}

fn edit(site: &Site, file: &str, from: &str, to: &str) {
    let text = site.read(file);
    assert!(text.contains(from), "{file} has no {from:?}");
    site.write(file, text.replacen(from, to, 1));
}

fn assert_reviewed(site: &Site, page: &str) {
    site.run(&["build"]).expect_code(0);
    let banner = site.html(page).text(".review-banner");
    assert!(banner.contains(REVIEWER), "{page} should name its reviewer: {banner}");
    assert!(!banner.contains("pending human review"), "{banner}");
}

/// The page shows as pending, names no reviewer, and `check` says which part changed.
fn assert_pending(site: &Site, file: &str, page: &str, changed: &str) {
    site.run(&["build"]).expect_code(0);
    let html = site.read(page);
    assert!(!html.contains(REVIEWER), "{page} still names the reviewer");
    assert!(!html.contains("reviewedBy"));
    assert!(site.html(page).text(".review-banner").contains("pending human review"));
    let out = site.run(&["check", "--format", "json"]);
    let report = out.report();
    let stale: Vec<_> = report
        .with_code("review/stale-approval")
        .into_iter()
        .filter(|f| f.file == file)
        .collect();
    assert_eq!(stale.len(), 1, "{}", out.stdout);
    assert!(
        stale[0].message.contains(&format!("{changed} changed")),
        "expected `{changed}` in: {}",
        stale[0].message
    );
}

#[test]
fn a_change_note_shown_on_the_page_withdraws_the_approval() {
    let site = approved_site();
    edit(
        &site,
        RADIUM,
        "version: 2\n",
        "version: 2\nchanges:\n  - {version: 2, date: 2026-02-01, summary: \"Dose doubled to 20 mg\"}\n",
    );
    assert_pending(&site, RADIUM, RADIUM_PAGE, "the changes");
}

#[test]
fn a_retraction_note_revokes_the_badge_until_a_reviewer_approves_it() {
    let site =
        approved_site_with(|text| text.replace("year: 2013\n", "year: 2013\n    doi: \"10.1056/NEJMoa1213755\"\n"));
    // The paper is retracted after the approval; the editor explains why it is still cited.
    site.write(
        "retractions.csv",
        "Record ID,Title,Subject,Institution,Journal,Publisher,Country,Author,URLS,ArticleType,RetractionDate,RetractionDOI,RetractionPubMedID,OriginalPaperDate,OriginalPaperDOI,OriginalPaperPubMedID,RetractionNature,Reason,Paywalled,Notes\n\
         1,Alpha emitter,,,,,,,,,3/1/2024 0:00,10.1056/retraction,0,1/1/2013 0:00,10.1056/NEJMoa1213755,0,Retraction,Data,No,\n",
    );
    edit(
        &site,
        "evident.yaml",
        "base_url:",
        "citations:\n  retractions: retractions.csv\nbase_url:",
    );
    let out = site.run(&["check", "--format", "json"]);
    out.expect_code(1);
    out.report().only("reference/retracted");
    edit(
        &site,
        RADIUM,
        "year: 2013\n",
        "year: 2013\n    retraction_note: \"Cited for its safety data, which the retraction does not concern.\"\n",
    );
    assert!(
        site.run(&["check", "--format", "json"])
            .report()
            .with_code("reference/retracted")
            .is_empty()
    );
    assert_pending(&site, RADIUM, RADIUM_PAGE, "the references");

    // A reviewer reads the note and approves it: the badge is back.
    site.run(&["claim", SLUG, "--reviewer", REVIEWER]).expect_code(0);
    site.run(&["approve", SLUG, "--reviewer", REVIEWER]).expect_code(0);
    assert_reviewed(&site, RADIUM_PAGE);
}

#[test]
fn an_accessed_date_withdraws_the_approval() {
    let site = approved_site();
    edit(&site, RADIUM, "year: 2013\n", "year: 2013\n    accessed: 2026-02-02\n");
    assert_pending(&site, RADIUM, RADIUM_PAGE, "the references");
}

#[test]
fn authors_written_as_one_string_are_not_the_same_list() {
    let site = approved_site();
    edit(
        &site,
        RADIUM,
        "[\"Parker C\", \"Nilsson S\"]",
        "[\"Parker C; Nilsson S\"]",
    );
    assert_pending(&site, RADIUM, RADIUM_PAGE, "the references");
}

#[test]
fn a_hard_line_break_withdraws_the_approval_and_a_soft_wrap_does_not() {
    let site = approved_site();
    edit(&site, RADIUM, "metastases; 6 injections", "metastases;\n  6 injections");
    assert_reviewed(&site, RADIUM_PAGE);
    edit(&site, RADIUM, "metastases;\n", "metastases;  \n");
    assert_pending(&site, RADIUM, RADIUM_PAGE, "the body");
}

#[test]
fn a_no_break_space_is_a_change_a_reader_can_see() {
    let site = approved_site();
    edit(&site, RADIUM, "6 injections", "6\u{a0}injections");
    assert_pending(&site, RADIUM, RADIUM_PAGE, "the body");
}

#[test]
fn a_changed_image_withdraws_the_approval() {
    let site = Site::fixture("review/workflow");
    site.write(
        "theme/dose-schedule.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>6 doses</text></svg>",
    );
    let site = {
        edit(
            &site,
            RADIUM,
            "every 4 weeks [@alsympca-2013].",
            "every 4 weeks [@alsympca-2013].\n\n![Dose schedule](/theme/dose-schedule.svg)",
        );
        site.run(&["claim", SLUG, "--reviewer", REVIEWER]).expect_code(0);
        site.run(&["approve", SLUG, "--reviewer", REVIEWER]).expect_code(0);
        assert_reviewed(&site, RADIUM_PAGE);
        site
    };
    site.write(
        "theme/dose-schedule.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>8 doses</text></svg>",
    );
    assert_pending(&site, RADIUM, RADIUM_PAGE, "the embedded files");
}

#[test]
fn a_changed_audience_withdraws_the_approval() {
    let site = approved_site();
    edit(&site, RADIUM, "audience: clinician", "audience: patient");
    assert_pending(&site, RADIUM, RADIUM_PAGE, "the audience");
}

#[test]
fn an_approved_file_copied_under_another_slug_is_not_approved() {
    let site = approved_site();
    let copy = "content/urology/radium-and-the-liver.md";
    site.write(
        copy,
        site.read(RADIUM).replace("topics: [oncology]", "topics: [urology]"),
    );
    assert_pending(
        &site,
        copy,
        "public/questions/radium-and-the-liver/index.html",
        "the address",
    );
    assert_reviewed(&site, RADIUM_PAGE);
}

#[test]
fn an_approval_holds_for_its_own_site_and_its_previews_only() {
    let site = approved_site();
    site.run(&["build", "--base-url", "https://preview.example.net/"])
        .expect_code(0);
    assert!(
        site.html(RADIUM_PAGE).text(".review-banner").contains(REVIEWER),
        "a preview of the same site keeps its approvals"
    );
    edit(
        &site,
        "evident.yaml",
        "https://kb.example.org/",
        "https://copy.example.net/",
    );
    assert_pending(&site, RADIUM, RADIUM_PAGE, "the address");
}

#[test]
fn edits_that_render_the_same_page_keep_the_approval() {
    let site = approved_site_with(|text| {
        text.replace(
            "every 4 weeks [@alsympca-2013].",
            "every 4 weeks [@alsympca-2013].\n- Pain flares are *common* [@alsympca-2013].",
        )
    });
    let file = site.read(RADIUM);
    let edits: [(&str, &str); 5] = [
        ("## Evidence\n\n", "## Evidence\n\n\n\n"),
        ("metastases; 6 injections", "metastases;\n  6 injections"),
        ("\n- ", "\n* "),
        ("*common*", "_common_"),
        // A key renamed everywhere: in the list and in every citation.
        ("alsympca-2013", "parker-2013"),
    ];
    for (from, to) in edits {
        assert!(file.contains(from), "{from:?}");
        site.write(RADIUM, file.replace(from, to));
        let out = site.run(&["check", "--format", "json"]);
        out.expect_code(0);
        assert!(
            out.report().with_code("review/stale-approval").is_empty(),
            "{from:?} -> {to:?} renders the same page but withdrew the approval:\n{}",
            out.stdout
        );
    }
    let all = edits
        .iter()
        .fold(file.clone(), |text, (from, to)| text.replace(from, to));
    site.write(RADIUM, all);
    site.run(&["check", "--deny", "warnings"]).expect_code(0);
    assert_reviewed(&site, RADIUM_PAGE);
}

#[test]
fn a_rewritten_parts_record_is_reported_as_altered_and_blames_no_part() {
    let site = approved_site();
    let edited = |text: String| text.replace("6 injections", "5 injections");
    // The forger learns the edited body's part hash by approving the edit elsewhere…
    let elsewhere = approved_site_with(edited);
    let body_line = |text: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with("body: \""))
            .expect("a body part")
            .to_string()
    };
    let new_body = body_line(&elsewhere.read(RADIUM));
    // …and records it, so that a naive comparison blames the title instead of the body.
    let text = edited(site.read(RADIUM));
    let old_body = body_line(&text);
    let title_line = text
        .lines()
        .find(|l| l.trim_start().starts_with("title: \""))
        .expect("a title part")
        .to_string();
    let forged = text
        .replace(&old_body, &new_body)
        .replace(&title_line, &format!("    title: \"{}\"", "0".repeat(64)));
    site.write(RADIUM, forged);

    let out = site.run(&["check", "--format", "json"]);
    let report = out.report();
    let finding = report.only("review/stale-approval");
    assert!(finding.message.contains("altered"), "{}", finding.message);
    assert!(!finding.message.contains("the title"), "{}", finding.message);
    let out = site.run(&["review", "--format", "json"]);
    out.expect_code(0);
    let queue: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(queue["queue"][0]["changed"], serde_json::json!([]), "{}", out.stdout);
    site.run(&["build"]).expect_code(0);
    assert!(!site.read("public/review/index.html").contains("the title"));
}

#[test]
fn an_approval_recorded_by_an_earlier_evident_is_old_not_altered() {
    let site = approved_site();
    let text = site.read(RADIUM);
    let start = text.find("  approved_hash:").unwrap();
    let end = text.find("references:\n").unwrap();
    // The record `approve` wrote before the fingerprint covered the whole page.
    let first_version = "  approved_hash: \"sha256:26a3ff0a1dd233a4e0c8c6634411f1f4c54b126387405575979fc008bca1f025\"\n  approved_parts:\n    answer: \"f467104c0a0d3586\"\n    body: \"ddcb1e3089355500\"\n    plain_answer: \"e3b0c44298fc1c14\"\n    question: \"fbde8f919b79b94a\"\n    references: \"1d176c12352c5af9\"\n    title: \"bdb35a023162c452\"\n";
    site.write(RADIUM, format!("{}{first_version}{}", &text[..start], &text[end..]));
    let out = site.run(&["check", "--format", "json"]);
    let report = out.report();
    let finding = report.only("review/stale-approval");
    assert!(
        finding.message.contains("earlier version of Evident"),
        "{}",
        finding.message
    );
    assert!(!finding.message.contains("altered"), "{}", finding.message);
    site.run(&["build"]).expect_code(0);
    assert!(
        site.html(RADIUM_PAGE)
            .text(".review-banner")
            .contains("pending human review")
    );
}
