//! Article history and site editions, on real git repositories made by each test with the
//! `git` command: versions in order, earlier versions at stable URLs, readable diffs,
//! editions with a switcher that falls back to the edition's home, the edition cache, the
//! "changed since approval" diff, and a site that is not a repository.

mod common;

use common::{Site, commit, git};

const DOSE_FILE: &str = "content/cardiology/statin-start-dose.md";
const MOVED_FILE: &str = "content/lipids/statin-start-dose.md";
const TIMING_FILE: &str = "content/cardiology/statin-timing.md";
const SLUG: &str = "statin-start-dose";

/// The dose article at one version: `dose` appears in the answer and the body.
fn dose_article(version: u32, updated: &str, dose: &str, changes: &[(u32, &str, &str)], extra: &str) -> String {
    let mut notes = String::new();
    for (v, date, summary) in changes {
        notes.push_str(&format!("  - {{version: {v}, date: {date}, summary: \"{summary}\"}}\n"));
    }
    format!(
        "---\nquestion: \"What dose of atorvastatin do adults start on?\"\nanswer: >-\n  Most adults start on {dose} daily [@ctt-2010].\ntopics: [cardiology]\naudience: clinician\ncreated: 2025-01-05\nupdated: {updated}\nversion: {version}\nchanges:\n{notes}review:\n  status: submitted\nreferences:\n  - id: ctt-2010\n    type: research\n    authors: [\"Baigent C\"]\n    title: \"Efficacy and safety of more intensive lowering of LDL cholesterol\"\n    journal: \"Lancet\"\n    year: 2010\n---\n## Dose\n\n- Start atorvastatin at {dose} daily for most adults [@ctt-2010].\n- Check lipids again after six weeks [@ctt-2010].{extra}\n"
    )
}

/// The fixture as a repository with this history:
/// 1. version 1 (40 mg), with the timing article;
/// 2. version 2 (80 mg), tagged `edition-2025`;
/// 3. version 2 again, one more sentence (same version: collapses into this commit);
/// 4. the file moved to `content/lipids/` and version 3 (120 mg); the timing article
///    withdrawn (its address, published in the edition, stays for the notice).
fn site_with_history() -> Site {
    let site = Site::fixture("versions/basic");
    site.write(".gitignore", "/public/\n/.evident-cache/\n");
    git(&site, "2025-01-05T12:00:00Z", &["init", "-q"]);
    commit(&site, "2025-01-05T12:00:00Z", "First version");

    let v2 = [
        (2, "2025-03-01", "Raised the usual dose"),
        (1, "2025-01-05", "First published"),
    ];
    site.write(DOSE_FILE, dose_article(2, "2025-03-01", "80 mg", &v2, ""));
    commit(&site, "2025-03-01T12:00:00Z", "Raise the starting dose");
    git(&site, "2025-03-01T12:00:00Z", &["tag", "edition-2025"]);
    site.write(
        DOSE_FILE,
        dose_article(
            2,
            "2025-03-01",
            "80 mg",
            &v2,
            "\n- Lower doses suit frail patients [@ctt-2010].",
        ),
    );
    commit(&site, "2025-03-02T12:00:00Z", "Mention frail patients");

    std::fs::create_dir_all(site.path("content/lipids")).unwrap();
    git(&site, "2025-06-01T12:00:00Z", &["mv", DOSE_FILE, MOVED_FILE]);
    let v3 = [
        (3, "2025-06-01", "High-intensity dose for all"),
        (2, "2025-03-01", "Raised the usual dose"),
        (1, "2025-01-05", "First published"),
    ];
    site.write(
        MOVED_FILE,
        dose_article(
            3,
            "2025-06-01",
            "120 mg",
            &v3,
            "\n- Lower doses suit frail patients [@ctt-2010].",
        ),
    );
    site.write(TIMING_FILE, withdrawn(&site.read(TIMING_FILE)));
    commit(&site, "2025-06-01T12:00:00Z", "Move to lipids; high-intensity dose");
    site
}

/// `text` (an article) withdrawn in favour of the dose question.
fn withdrawn(text: &str) -> String {
    text.replacen(
        "\nreview:",
        "\nretired: {date: 2025-06-01, reason: \"Timing makes no difference: the dose question covers what matters.\", replaced_by: [statin-start-dose]}\nreview:",
        1,
    )
}

/// Saves a new text of one file when the build reaches its history pages: an editor saving
/// mid-build, at the one moment the build reads the file again.
struct SavesDuringHistory {
    path: std::path::PathBuf,
    text: String,
}

impl evident::progress::Progress for SavesDuringHistory {
    fn stage(&self, name: &'static str, _total: Option<u64>) {
        if name == "history" {
            std::fs::write(&self.path, &self.text).expect("save the article");
        }
    }
}

#[test]
fn an_article_saved_while_its_history_is_written_stops_the_build_and_keeps_the_old_site() {
    use evident::diagnostic::Code;
    use evident::pipeline::{BuildOptions, Outcome, build};
    let site = site_with_history();
    site.run(&["build"]).expect_code(0);
    let before = site.tree("public");
    let saves = SavesDuringHistory {
        path: site.path(MOVED_FILE),
        text: site.read(MOVED_FILE).replace("120 mg", "160 mg"),
    };
    let report = build(site.root(), &BuildOptions::default(), &saves);
    assert_eq!(report.outcome, Outcome::Failed);
    assert_eq!(report.outcome.exit_code(), 1);
    let changed: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::ContentChanged)
        .collect();
    assert_eq!(changed.len(), 1, "{:?}", report.diagnostics);
    assert_eq!(changed[0].file, MOVED_FILE);
    assert!(
        changed[0].hint.as_deref().unwrap_or("").contains("again"),
        "{changed:?}"
    );
    assert!(
        report.source_of(MOVED_FILE).is_none(),
        "a file that changed is not quoted: its lines are not the ones judged"
    );
    assert_eq!(site.tree("public"), before, "the previous site is untouched");
    // Built again, the saved text is what the site shows.
    site.run(&["build"]).expect_code(0);
    assert!(
        site.read(&format!("public/questions/{SLUG}/index.html"))
            .contains("160 mg")
    );
}

fn history_page(slug: &str) -> String {
    format!("public/questions/{slug}/history/index.html")
}

#[test]
fn the_history_page_lists_every_version_in_order_across_a_rename() {
    let site = site_with_history();
    site.run(&["build"]).expect_code(0);
    let page = site.html(&history_page(SLUG));
    assert_eq!(
        page.texts(".history__version"),
        ["Version 3 current", "Version 2", "Version 1"]
    );
    // Each earlier version carries its date, its note, its commit and its review state.
    let v1 = page.text("#version-1");
    assert!(v1.contains("January 5, 2025") && v1.contains("First published"), "{v1}");
    assert!(v1.contains("First version"), "the commit's subject: {v1}");
    assert!(v1.contains("Submitted (not approved for this text)"), "{v1}");
    let v2 = page.text("#version-2");
    assert!(
        v2.contains("Mention frail patients"),
        "the last commit of version 2: {v2}"
    );
    // The article page links to its history.
    let article = site.html(&format!("public/questions/{SLUG}/index.html"));
    assert_eq!(
        article.attr("a.history-link", "href"),
        format!("/questions/{SLUG}/history/")
    );
}

#[test]
fn a_withdrawn_question_stays_in_history_with_its_withdrawal_last() {
    let site = site_with_history();
    site.run(&["build"]).expect_code(0);
    let timing = "statin-timing";
    // The notice at its address links to its history…
    let notice = site.html(&format!("public/questions/{timing}/index.html"));
    assert_eq!(
        notice.attr("a.history-link", "href"),
        format!("/questions/{timing}/history/")
    );
    // …which lists the withdrawal first, then every version it was published at: version 1
    // is the number it was withdrawn at, but the text readers read was the committed one.
    let history = site.html(&history_page(timing));
    assert_eq!(history.texts(".history__version"), ["Withdrawn current", "Version 1"]);
    let withdrawal = history.text("#withdrawn");
    assert!(
        withdrawal.contains("June 1, 2025") && withdrawal.contains("Timing makes no difference"),
        "{withdrawal}"
    );
    assert_eq!(
        history.attrs("#withdrawn a", "href"),
        [format!("/questions/{SLUG}/"), format!("/questions/{timing}/")]
    );
    let v1 = history.text("#version-1");
    assert!(v1.contains("First version"), "the commit that published it: {v1}");
    assert_eq!(
        history.attr("#version-1 a", "href"),
        format!("/questions/{timing}/v/1/")
    );
    assert_eq!(
        history.count(".history__diff"),
        0,
        "a withdrawal is no text to compare with"
    );
    assert_eq!(history.count("#current"), 0);

    // The version stays readable, saying it was withdrawn and why.
    let page = site.html(&format!("public/questions/{timing}/v/1/index.html"));
    assert!(page.text(".article-body").contains("at any time of day"));
    let banner = page.text("[data-evident-superseded]");
    assert!(
        banner.contains("This question was withdrawn") && banner.contains("Timing makes no difference"),
        "{banner}"
    );
    assert_eq!(
        page.attrs(".superseded a", "href"),
        [
            format!("/questions/{timing}/"),
            format!("/questions/{SLUG}/"),
            format!("/questions/{timing}/history/")
        ]
    );
    assert_eq!(page.attr("meta[name=robots]", "content"), "noindex, follow");
    assert_eq!(page.count(".review-banner--reviewed"), 0);

    // Withdrawn under a new number, with a note: the number is the withdrawal's own, not a
    // version readers read.
    site.write(
        TIMING_FILE,
        site.read(TIMING_FILE).replacen(
            "updated: 2025-01-05\n",
            "updated: 2025-01-05\nversion: 2\nchanges:\n  - {version: 2, date: 2025-06-01, summary: \"Withdrawn\"}\n",
            1,
        ),
    );
    commit(&site, "2025-06-02T12:00:00Z", "Number the withdrawal");
    site.run(&["build"]).expect_code(0);
    let history = site.html(&history_page(timing));
    assert_eq!(history.texts(".history__version"), ["Withdrawn current", "Version 1"]);
    assert!(site.exists(&format!("public/questions/{timing}/v/1/index.html")));
    assert!(!site.exists(&format!("public/questions/{timing}/v/2/index.html")));
}

#[test]
fn earlier_versions_stay_readable_at_their_own_urls() {
    let site = site_with_history();
    site.run(&["build"]).expect_code(0);
    let v1 = site.html(&format!("public/questions/{SLUG}/v/1/index.html"));
    assert!(v1.text(".article-body").contains("40 mg daily"));
    assert!(
        v1.text("[data-evident-superseded]")
            .contains("This is not the current version")
    );
    assert_eq!(
        v1.attr("link[rel=canonical]", "href"),
        format!("https://kb.example.org/questions/{SLUG}/")
    );
    assert_eq!(v1.attr("meta[name=robots]", "content"), "noindex, follow");
    assert!(
        v1.attrs(".superseded a", "href")
            .contains(&format!("/questions/{SLUG}/")),
        "links to the current page"
    );
    // Commits that keep a version number collapse into the last of them.
    let v2 = site.read(&format!("public/questions/{SLUG}/v/2/index.html"));
    assert!(v2.contains("80 mg daily") && v2.contains("frail patients"));
    assert!(
        !site.exists(&format!("public/questions/{SLUG}/v/3/index.html")),
        "3 is current"
    );
    // No review claim: version 1 was never approved.
    assert_eq!(v1.count(".review-banner--reviewed"), 0);
    assert_eq!(v1.count("script[type='application/ld+json']"), 0);
}

#[test]
fn the_diff_marks_the_changed_number_inside_its_line() {
    let site = site_with_history();
    site.run(&["build"]).expect_code(0);
    let html = site.read(&history_page(SLUG));
    // Version 1 → 2 and version 2 → current.
    assert!(
        html.contains("<del>40</del>") && html.contains("<ins>80</ins>"),
        "{html}"
    );
    assert!(
        html.contains("<del>80</del>") && html.contains("<ins>120</ins>"),
        "{html}"
    );
    let page = site.html(&history_page(SLUG));
    assert!(
        page.text("#version-2 summary").contains("the current version"),
        "the newest earlier version is compared with the current text"
    );
    assert!(page.text("#version-1 summary").contains("version 2"));
}

#[test]
fn text_from_history_is_escaped() {
    let site = site_with_history();
    let text = site
        .read(MOVED_FILE)
        .replace("- Check lipids", "- Never <script>alert(1)</script> check lipids");
    let text = text.replace("version: 3", "version: 4");
    site.write(MOVED_FILE, text);
    commit(&site, "2025-07-01T12:00:00Z", "A <b>bold</b> subject");
    site.write(MOVED_FILE, site.read(MOVED_FILE).replace("version: 4", "version: 5"));
    site.run(&["build"]).expect_code(0);
    let html = site.read(&history_page(SLUG));
    assert!(!html.contains("<script>alert(1)</script>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    assert!(!html.contains("<b>bold</b>"));
}

#[test]
fn editions_render_switch_and_fall_back_to_their_home() {
    let site = site_with_history();
    site.write(
        "evident.yaml",
        site.read("evident.yaml") + "edition_tags: \"edition-*\"\n",
    );
    site.run(&["build"]).expect_code(0);

    // The edition is the site as tagged: version 2 (before the extra sentence), and the
    // timing article that the current site has withdrawn.
    let old = site.html(&format!("public/editions/2025/questions/{SLUG}/index.html"));
    assert!(old.text(".article-body").contains("80 mg daily"));
    assert!(!old.text(".article-body").contains("frail"));
    assert!(site.exists("public/editions/2025/questions/statin-timing/index.html"));
    assert!(site.exists("public/editions/2025/theme/evident.css"));
    assert!(
        !site.exists("public/editions/2025/robots.txt"),
        "robots.txt is read at the root only"
    );

    // Its pages say they are an older edition and point search engines at the current page.
    assert!(old.text(".editions__banner").contains("2025 edition"));
    assert_eq!(
        old.attr("link[rel=canonical]", "href"),
        format!("https://kb.example.org/questions/{SLUG}/")
    );
    assert_eq!(old.attr(".editions__banner a", "href"), format!("/questions/{SLUG}/"));

    // The switcher on the current page links to the same page in the edition…
    let current = site.html(&format!("public/questions/{SLUG}/index.html"));
    assert_eq!(current.count(".editions__banner"), 0, "the current site has no banner");
    assert_eq!(
        current.attrs(".editions__switcher a", "href"),
        [
            format!("/questions/{SLUG}/"),
            format!("/editions/2025/questions/{SLUG}/")
        ]
    );
    // …and to the edition's home where the edition has no such page.
    let history = site.html(&history_page(SLUG));
    assert_eq!(
        history.attrs(".editions__switcher a", "href"),
        [format!("/questions/{SLUG}/history/"), "/editions/2025/".to_string()]
    );
    let gone = site.html("public/editions/2025/questions/statin-timing/index.html");
    assert_eq!(gone.attr(".editions__switcher a[data-edition=current]", "href"), "/");
    assert_eq!(
        gone.attr("link[rel=canonical]", "href"),
        "https://kb.example.org/editions/2025/questions/statin-timing/",
        "no current page to point at: a withdrawn question has a notice only"
    );

    let versions: serde_json::Value = serde_json::from_str(&site.read("public/versions.json")).unwrap();
    assert_eq!(versions["editions"][0]["name"], "2025");
    assert_eq!(versions["editions"][0]["ref"], "edition-2025");
    assert_eq!(versions["editions"][0]["date"], "2025-03-01");
    assert_eq!(versions["editions"][0]["url"], "https://kb.example.org/editions/2025/");
}

#[test]
fn an_edition_built_once_is_copied_from_the_cache_until_something_changes() {
    let site = site_with_history();
    site.write(
        "evident.yaml",
        site.read("evident.yaml") + "editions:\n  - {name: \"2025\", ref: edition-2025, title: \"2025 edition\"}\n",
    );
    site.run(&["build"]).expect_code(0);
    let first = site.tree("public");
    // Builds that run (the build cache would find the unchanged site up to date and leave
    // the editions' cache alone, which this test is about).
    site.run(&["build", "--no-cache"]).expect_code(0);
    assert!(site.tree("public") == first, "identical input, identical output");

    // The cache is copied, not rendered again: its files are left as they were written.
    let cached = format!(".evident-cache/editions/2025/site/questions/{SLUG}/index.html");
    let written = std::fs::metadata(site.path(&cached)).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    site.run(&["build", "--no-cache"]).expect_code(0);
    assert_eq!(
        std::fs::metadata(site.path(&cached)).unwrap().modified().unwrap(),
        written
    );

    // A page edited in the cache by hand is not republished: the edition is rendered again.
    let published = format!("public/editions/2025/questions/{SLUG}/index.html");
    let genuine = site.read(&published);
    site.write(&cached, site.read(&cached).replace("80 mg", "800 mg"));
    site.run(&["build", "--no-cache"]).expect_code(0);
    assert_eq!(site.read(&published), genuine);
    assert_eq!(site.read(&cached), genuine);
    assert!(site.tree("public") == first);

    // Moving the tag to another commit builds the edition again.
    git(&site, "2025-06-02T12:00:00Z", &["tag", "-f", "edition-2025", "HEAD~1"]);
    site.run(&["build"]).expect_code(0);
    let page = site.read(&format!("public/editions/2025/questions/{SLUG}/index.html"));
    assert!(page.contains("frail patients"));
}

#[test]
fn an_edition_that_does_not_resolve_is_a_configuration_error() {
    let site = site_with_history();
    site.write(
        "evident.yaml",
        site.read("evident.yaml") + "editions:\n  - name: \"2024\"\n    ref: no-such-tag\n",
    );
    let out = site.run(&["build", "--format", "json"]);
    out.expect_code(2);
    let finding = out.report().only("config/invalid-value").clone();
    assert_eq!(finding.at(), ("evident.yaml", 4, 5));
    assert!(finding.message.contains("no-such-tag"), "{}", finding.message);
    assert!(!site.exists("public"));
}

#[test]
fn a_site_that_is_not_a_git_repository_still_builds_with_its_notes() {
    let site = Site::fixture("versions/basic");
    site.write(
        DOSE_FILE,
        dose_article(
            2,
            "2025-03-01",
            "80 mg",
            &[
                (2, "2025-03-01", "Raised the usual dose"),
                (1, "2025-01-05", "First published"),
            ],
            "",
        ),
    );
    site.run(&["build"]).expect_code(0);
    let page = site.html(&history_page(SLUG));
    assert_eq!(page.texts(".history__version"), ["Version 2 current", "Version 1"]);
    assert!(page.text("#version-1").contains("First published"));
    assert!(page.text(".history__source").contains("change notes"));
    assert!(!site.exists(&format!("public/questions/{SLUG}/v/1/index.html")));
    let versions: serde_json::Value = serde_json::from_str(&site.read("public/versions.json")).unwrap();
    assert_eq!(versions["editions"], serde_json::json!([]));
    // Editions need git: asking for them here says so.
    site.write(
        "evident.yaml",
        site.read("evident.yaml") + "edition_tags: \"edition-*\"\n",
    );
    let out = site.run(&["build", "--format", "json"]);
    out.expect_code(2);
    assert!(
        out.report()
            .only("config/invalid-value")
            .message
            .contains("not in a git repository")
    );
}

#[test]
fn a_stale_approval_links_reviewers_to_what_changed_since() {
    let site = Site::fixture("versions/basic");
    site.write(".gitignore", "/public/\n/.evident-cache/\n");
    git(&site, "2025-01-05T12:00:00Z", &["init", "-q"]);
    commit(&site, "2025-01-05T12:00:00Z", "First version");
    site.run(&["claim", SLUG, "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    site.run(&["approve", SLUG, "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    commit(&site, "2025-01-06T12:00:00Z", "Approved");
    site.write(
        DOSE_FILE,
        site.read(DOSE_FILE).replace("at 40 mg daily", "at 20 mg daily"),
    );
    commit(&site, "2025-02-01T12:00:00Z", "Lower the dose in the body");
    site.run(&["build"]).expect_code(0);

    let page = site.html(&history_page(SLUG));
    let section = page.text("#since-approval");
    assert!(section.contains("Dr Ada Lovelace"), "{section}");
    let html = site.read(&history_page(SLUG));
    assert!(
        html.contains("<del>40</del>") && html.contains("<ins>20</ins>"),
        "{html}"
    );
    let queue = site.html("public/review/index.html");
    assert_eq!(
        queue.attr("a.queue__diff", "href"),
        format!("/questions/{SLUG}/history/#since-approval")
    );
    // The article itself makes no review claim.
    let article = site.html(&format!("public/questions/{SLUG}/index.html"));
    assert_eq!(article.count(".review-banner--reviewed"), 0);
}

#[test]
fn an_approved_version_in_history_shows_its_reviewers() {
    let site = Site::fixture("versions/basic");
    site.write(".gitignore", "/public/\n/.evident-cache/\n");
    git(&site, "2025-01-05T12:00:00Z", &["init", "-q"]);
    site.run(&["claim", SLUG, "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    site.run(&["approve", SLUG, "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    commit(&site, "2025-01-06T12:00:00Z", "Approved version 1");
    let text = site
        .read(DOSE_FILE)
        .replace("version: 1", "version: 2")
        .replace("at 40 mg daily", "at 80 mg daily");
    site.write(DOSE_FILE, text);
    commit(&site, "2025-02-01T12:00:00Z", "Version 2");
    site.run(&["build"]).expect_code(0);
    let page = site.html(&history_page(SLUG));
    assert!(page.text("#version-1").contains("Approved by Dr Ada Lovelace"));
    let v1 = site.html(&format!("public/questions/{SLUG}/v/1/index.html"));
    assert_eq!(
        v1.count(".review-banner--reviewed"),
        1,
        "that version's approval matches its text"
    );
}

#[test]
fn init_keeps_the_output_and_the_edition_cache_out_of_git() {
    let site = Site::empty();
    site.run(&["init", "."]).expect_code(0);
    let ignored = site.read(".gitignore");
    assert!(ignored.lines().any(|l| l == "/.evident-cache/"), "{ignored}");
    assert!(ignored.lines().any(|l| l == "/public/"), "{ignored}");
}

#[test]
fn an_edition_from_a_commit_never_on_the_published_branch_is_refused() {
    let site = site_with_history();
    // A commit made on a side branch and tagged, never merged: nobody published it.
    git(&site, "2025-07-01T12:00:00Z", &["checkout", "-q", "-b", "rogue"]);
    site.write(MOVED_FILE, site.read(MOVED_FILE).replace("120 mg", "900 mg"));
    commit(&site, "2025-07-01T12:00:00Z", "an unpublished dose");
    git(&site, "2025-07-01T12:00:00Z", &["tag", "edition-rogue"]);
    git(&site, "2025-07-01T12:00:00Z", &["checkout", "-q", "main"]);
    let config = site.read("evident.yaml") + "edition_tags: \"edition-*\"\n";
    site.write("evident.yaml", &config);

    let out = site.run(&["build", "--format", "json"]);
    out.expect_code(2);
    let finding = out.report().only("config/invalid-value").clone();
    assert_eq!(finding.line, config.lines().count() as u32);
    assert!(
        finding.message.contains("`edition-rogue`") && finding.message.contains("not on the published branch `main`"),
        "{}",
        finding.message
    );
    assert!(!site.exists("public"));

    // The tag on the published branch alone builds; so does naming the branch it is on.
    git(&site, "2025-07-01T12:00:00Z", &["tag", "-d", "edition-rogue"]);
    site.run(&["build"]).expect_code(0);
    assert!(site.exists(&format!("public/editions/2025/questions/{SLUG}/index.html")));
    git(&site, "2025-07-01T12:00:00Z", &["tag", "edition-rogue", "rogue"]);
    site.write("evident.yaml", format!("{config}edition_branch: rogue\n"));
    site.run(&["build"]).expect_code(0);
    assert!(
        site.read(&format!("public/editions/rogue/questions/{SLUG}/index.html"))
            .contains("900 mg")
    );
    site.write("evident.yaml", format!("{config}edition_branch: gh-pages\n"));
    let out = site.run(&["build", "--format", "json"]);
    out.expect_code(2);
    assert!(out.report().diagnostics[0].message.contains("no branch `gh-pages`"));
}

/// The fixture in git at version 1 (40 mg, submitted).
fn dose_in_git() -> Site {
    let site = Site::fixture("versions/basic");
    site.write(".gitignore", "/public/\n/.evident-cache/\n");
    git(&site, "2025-01-05T12:00:00Z", &["init", "-q"]);
    commit(&site, "2025-01-05T12:00:00Z", "First version");
    site
}

fn approve_and_raise(site: &Site) {
    site.run(&["claim", SLUG, "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    site.run(&["approve", SLUG, "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    let text = site
        .read(DOSE_FILE)
        .replace("version: 1", "version: 2")
        .replace("at 40 mg daily", "at 80 mg daily");
    site.write(DOSE_FILE, text);
}

#[test]
fn after_a_squash_the_history_never_offers_an_unapproved_page_as_the_approved_version() {
    // The approval and the next edit land in one commit (a squash merge): the approved
    // text is in the history only as it was before anyone approved it.
    let site = dose_in_git();
    approve_and_raise(&site);
    commit(&site, "2025-02-01T12:00:00Z", "Approve, then raise the dose (squashed)");
    site.run(&["build"]).expect_code(0);
    let page = site.html(&history_page(SLUG));
    let section = page.text("#since-approval");
    assert!(section.contains("Dr Ada Lovelace"), "{section}");
    assert_eq!(
        page.count("#since-approval a"),
        0,
        "no link to a page that says it is unapproved"
    );
    assert!(
        section.contains("the history holds no page of it with its approval"),
        "{section}"
    );
    let v1 = site.html(&format!("public/questions/{SLUG}/v/1/index.html"));
    assert_eq!(v1.count(".review-banner--reviewed"), 0);
}

#[test]
fn when_the_approved_text_is_in_no_commit_the_history_says_so_plainly() {
    let site = dose_in_git();
    site.write(
        DOSE_FILE,
        site.read(DOSE_FILE).replace("at 40 mg daily", "at 60 mg daily"),
    );
    // `approve` takes only committed text: the 60 mg text is committed on a branch…
    commit(&site, "2025-01-20T12:00:00Z", "60 mg");
    approve_and_raise(&site);
    site.write(
        DOSE_FILE,
        site.read(DOSE_FILE).replace("at 60 mg daily", "at 80 mg daily"),
    );
    // …which a squash merge then replaces: the approved text is in no commit of the history.
    git(&site, "2025-02-01T12:00:00Z", &["reset", "-q", "--soft", "HEAD~1"]);
    commit(&site, "2025-02-01T12:00:00Z", "Squashed: 60 mg, approved, then 80 mg");
    site.run(&["build"]).expect_code(0);
    let page = site.html(&history_page(SLUG));
    let section = collapse_text(&page.text("#since-approval"));
    assert!(
        section.contains("the approved text is not in this site's history"),
        "{section}"
    );
    assert!(section.contains("Dr Ada Lovelace"), "{section}");
    assert_eq!(page.count("#since-approval a"), 0);
}

fn collapse_text(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An article citing only the shared bibliography, at `version`, with `dose`.
fn shared_citing_article(version: u32, dose: &str) -> String {
    format!(
        "---\nquestion: \"What dose of rosuvastatin do adults start on?\"\nanswer: >-\n  Most adults start on {dose} daily [@jupiter].\ntopics: [cardiology]\naudience: clinician\ncreated: 2025-01-05\nupdated: 2025-0{version}-05\nversion: {version}\nreview:\n  status: submitted\n---\n## Dose\n\n- Start rosuvastatin at {dose} daily [@jupiter].\n"
    )
}

fn shared_reference(title: &str) -> String {
    format!(
        "- id: jupiter\n  type: research\n  authors: [\"Ridker PM\"]\n  title: \"{title}\"\n  journal: \"N Engl J Med\"\n  year: 2008\n"
    )
}

#[test]
fn each_earlier_version_is_judged_with_its_own_commits_bibliography() {
    const FILE: &str = "content/cardiology/rosuvastatin-dose.md";
    const ROSU: &str = "rosuvastatin-dose";
    let site = dose_in_git();
    site.write(FILE, shared_citing_article(1, "10 mg"));
    site.write(
        "references/shared.yaml",
        shared_reference("Rosuvastatin to prevent vascular events"),
    );
    commit(&site, "2025-01-05T12:00:00Z", "Rosuvastatin, version 1");
    site.run(&["claim", ROSU, "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    site.run(&["approve", ROSU, "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    commit(&site, "2025-01-06T12:00:00Z", "Approved");

    // Later the shared reference is corrected and the article moves on to version 2.
    site.write(
        "references/shared.yaml",
        shared_reference("Rosuvastatin to prevent vascular events in men and women"),
    );
    site.write(FILE, shared_citing_article(2, "20 mg"));
    commit(&site, "2025-02-05T12:00:00Z", "Version 2, corrected reference");
    site.run(&["build"]).expect_code(0);

    // Version 1 was approved as it was published, with the reference as it read then.
    let history = site.html(&history_page(ROSU));
    let review = collapse_text(&history.text("#version-1"));
    assert!(review.contains("Approved by Dr Ada Lovelace"), "{review}");
    let v1 = site.html(&format!("public/questions/{ROSU}/v/1/index.html"));
    assert_eq!(v1.count(".review-banner--reviewed"), 1);
    let reference = v1.text(".reference__text");
    assert!(
        reference.contains("vascular events.") && !reference.contains("men and women"),
        "{reference}"
    );
}

#[test]
fn an_approval_withdrawn_by_a_changed_shared_reference_still_finds_its_text() {
    const FILE: &str = "content/cardiology/rosuvastatin-dose.md";
    const ROSU: &str = "rosuvastatin-dose";
    let site = dose_in_git();
    site.write(FILE, shared_citing_article(1, "10 mg"));
    site.write(
        "references/shared.yaml",
        shared_reference("Rosuvastatin to prevent vascular events"),
    );
    commit(&site, "2025-01-05T12:00:00Z", "Rosuvastatin, version 1");
    site.run(&["claim", ROSU, "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    site.run(&["approve", ROSU, "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    commit(&site, "2025-01-06T12:00:00Z", "Approved");
    // Only the shared reference changes: the approved text is still in the history.
    site.write(
        "references/shared.yaml",
        shared_reference("Rosuvastatin in men and women"),
    );
    commit(&site, "2025-02-05T12:00:00Z", "Corrected reference");
    site.run(&["build"]).expect_code(0);

    let page = site.html(&history_page(ROSU));
    let section = collapse_text(&page.text("#since-approval"));
    assert!(!section.contains("not in this site's history"), "{section}");
    assert!(
        section.contains("A reviewer approved the text of version 1"),
        "{section}"
    );
    assert_eq!(
        site.html("public/review/index.html").attr("a.queue__diff", "href"),
        format!("/questions/{ROSU}/history/#since-approval")
    );
}

#[test]
fn the_changes_since_approval_read_as_the_page_reads_and_are_shown_once() {
    let site = dose_in_git();
    site.run(&["claim", SLUG, "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    site.run(&["approve", SLUG, "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    commit(&site, "2025-01-06T12:00:00Z", "Approved");
    // One number changed, with the version and its note raised as editors do.
    let text = site
        .read(DOSE_FILE)
        .replace("updated: 2025-01-05", "updated: 2025-02-01")
        .replace("version: 1", "version: 2")
        .replace(
            "changes:\n",
            "changes:\n  - {version: 2, date: 2025-02-01, summary: \"Higher starting dose\"}\n",
        )
        .replace("at 40 mg daily", "at 80 mg daily");
    site.write(DOSE_FILE, text);
    commit(&site, "2025-02-01T12:00:00Z", "Raise the dose");
    site.run(&["build"]).expect_code(0);

    let page = site.html(&history_page(SLUG));
    let section = page.text("#since-approval");
    assert!(section.contains("(1 passage changed)"), "{section}");
    for yaml in ["version:", "changes:", "updated:", "review:", "status:"] {
        assert!(!section.contains(yaml), "front matter in the diff: {yaml}: {section}");
    }
    // The changed bullet once, with the number marked inside it.
    assert_eq!(page.count("#since-approval .diff__line--changed"), 1);
    assert_eq!(
        page.count("#since-approval .diff__line--ins, #since-approval .diff__line--del"),
        0
    );
    let changed = page.text("#since-approval .diff__line--changed");
    assert_eq!(
        changed,
        "~Changed: Start atorvastatin at 4080 mg daily for most adults [1]."
    );
    let html = site.read(&history_page(SLUG));
    assert!(html.contains("<del>40</del><ins>80</ins>"), "{html}");
    // Version 1's diff to the current text is that same diff: the page shows it once.
    assert_eq!(page.count(".diff"), 1, "{html}");
    assert_eq!(page.attr("#version-1 .history__same-diff a", "href"), "#since-approval");
}

/// The demo knowledge base (this repository) shows real earlier versions, read from git.
#[test]
fn the_demo_history_shows_an_earlier_version_read_from_git() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let shallow = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--is-shallow-repository"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match shallow.as_deref() {
        Ok("false") => {}
        other => {
            // A depth-1 clone has no earlier versions to show (CI fetches full history).
            eprintln!("SKIPPED the demo's history: not a full git clone ({other:?})");
            return;
        }
    }
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let build = std::process::Command::new(env!("CARGO_BIN_EXE_evident"))
        .arg("--root")
        .arg(root)
        .arg("build")
        .arg("--out")
        .arg(&public)
        .output()
        .unwrap();
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let slug = "metformin-first-line-type-2-diabetes";
    let history = std::fs::read_to_string(public.join(format!("questions/{slug}/history/index.html"))).unwrap();
    let page = common::Page::parse(&history);
    assert!(page.text("#version-2 .history__facts").contains("commit"), "{history}");
    assert_eq!(
        page.attr("#version-2 a[href*='/v/2/']", "href"),
        format!("/questions/{slug}/v/2/")
    );
    assert_eq!(page.count("#version-2 details.history__diff .diff__line--changed"), 1);
    assert!(public.join(format!("questions/{slug}/v/2/index.html")).is_file());
    // The article links to its history once.
    let article =
        common::Page::parse(&std::fs::read_to_string(public.join(format!("questions/{slug}/index.html"))).unwrap());
    assert_eq!(article.count(".article-header a.history-link"), 1);
    assert_eq!(article.count(".article-header a[href='#version-history']"), 0);
}
