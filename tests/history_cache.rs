//! History and version pages in builds with the cache, on a real git repository made by
//! the test: after each kind of edit — a commit, a text not yet committed, a reworded
//! commit, the shared bibliography, the people registry, a replacing question, a template,
//! the site leaving git — a cached build publishes exactly the bytes of a clean
//! `--no-cache` build. These pages are keyed by what they read and taken over when it is
//! unchanged; debug builds (these tests) render every page they could take over and stop
//! when it differs from the page its key names, so an input missing from a key fails here.

mod common;

use common::{Site, commit, edit, git};
use std::collections::BTreeMap;

const DOSE_FILE: &str = "content/cardiology/statin-start-dose.md";
const ROSU_FILE: &str = "content/cardiology/rosuvastatin-dose.md";
const TIMING_FILE: &str = "content/cardiology/statin-timing.md";

/// The dose article at `version`: written by Rose Roe (the registry names her on every
/// version's page), citing the shared bibliography.
fn dose_article(version: u32, dose: &str) -> String {
    format!(
        "---\nquestion: \"What dose of atorvastatin do adults start on?\"\nanswer: >-\n  Most adults start on {dose} daily [@jupiter].\ntopics: [cardiology]\naudience: clinician\nauthors: [rose-roe]\ncreated: 2025-01-05\nupdated: 2025-0{version}-05\nversion: {version}\nreview:\n  status: submitted\n---\n## Dose\n\n- Start atorvastatin at {dose} daily for most adults [@jupiter].\n- Check lipids again after six weeks [@jupiter].\n"
    )
}

/// An article citing only the shared bibliography, at `version`, with `dose`.
fn rosuvastatin_article(version: u32, dose: &str) -> String {
    format!(
        "---\nquestion: \"What dose of rosuvastatin do adults start on?\"\nanswer: >-\n  Most adults start on {dose} daily [@jupiter].\ntopics: [cardiology]\naudience: clinician\ncreated: 2025-01-05\nupdated: 2025-0{version}-05\nversion: {version}\nreview:\n  status: submitted\n---\n## Dose\n\n- Start rosuvastatin at {dose} daily [@jupiter].\n"
    )
}

fn shared_reference(title: &str) -> String {
    format!(
        "- id: jupiter\n  type: research\n  authors: [\"Ridker PM\"]\n  title: \"{title}\"\n  journal: \"N Engl J Med\"\n  year: 2008\n"
    )
}

/// A site in git whose history pages read all there is to read: earlier versions (the dose
/// article at 1), an approval its text has outgrown (the rosuvastatin article, approved in
/// the last commit and edited since, its version number kept), and a question withdrawn
/// in favour of the dose question (the timing article), with their version pages.
fn site() -> Site {
    let site = Site::fixture("versions/basic");
    site.write(".gitignore", "/public/\n/.evident/\n");
    site.write(DOSE_FILE, dose_article(1, "40 mg"));
    site.write(ROSU_FILE, rosuvastatin_article(1, "10 mg"));
    site.write(
        "references/shared.yaml",
        shared_reference("Rosuvastatin to prevent vascular events"),
    );
    site.write(
        "people/rose-roe.md",
        "---\nname: \"Rose Roe\"\ncredentials: \"MD\"\nrole: \"Medical writer\"\ndisclosures: \"None declared\"\n---\n\nRose Roe writes on heart medicines.\n",
    );
    git(&site, "2025-01-05T12:00:00Z", &["init", "-q"]);
    commit(&site, "2025-01-05T12:00:00Z", "First version");
    site.write(DOSE_FILE, dose_article(2, "80 mg"));
    edit(
        &site,
        TIMING_FILE,
        "\nreview:",
        "\nretired: {date: 2025-02-01, reason: \"The dose question covers what matters.\", replaced_by: [statin-start-dose]}\nreview:",
    );
    commit(
        &site,
        "2025-02-01T12:00:00Z",
        "Raise the dose; withdraw the timing question",
    );
    site.run(&["claim", "rosuvastatin-dose", "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    site.run(&["approve", "rosuvastatin-dose", "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    commit(&site, "2025-02-06T12:00:00Z", "Approved");
    edit(&site, ROSU_FILE, "at 10 mg daily", "at 20 mg daily");
    site
}

/// A clean build of the same tree elsewhere, compared with the cached output in public/.
fn expect_clean_bytes(site: &Site, what: &str) {
    let clean = tempfile::tempdir().unwrap();
    let out = clean.path().join("public");
    site.run(&["build", "--no-cache", "--out", &out.to_string_lossy()])
        .expect_code(0);
    let mut cached = BTreeMap::new();
    common::collect_files(&site.path("public"), &site.path("public"), &mut cached);
    cached.remove(".evident-output");
    let mut fresh = BTreeMap::new();
    common::collect_files(&out, &out, &mut fresh);
    fresh.remove(".evident-output");
    common::assert_same_files(&cached, &fresh, what);
}

/// The pages this site's history adds, as a build wrote them (`None`: not written).
fn history_pages(site: &Site) -> BTreeMap<String, Option<String>> {
    [
        "statin-start-dose/history",
        "statin-start-dose/v/1",
        "statin-start-dose/v/2",
        "statin-start-dose/v/3",
        "rosuvastatin-dose/history",
        "statin-timing/history",
        "statin-timing/v/1",
    ]
    .into_iter()
    .map(|dir| {
        let rel = format!("public/questions/{dir}/index.html");
        (dir.to_string(), std::fs::read_to_string(site.path(&rel)).ok())
    })
    .collect()
}

type Edit = fn(&Site);

/// Each kind of edit a history or version page reads, in the order they are made: each
/// leaves the site as the next one expects it.
const EDITS: &[(&str, Edit)] = &[
    ("the commit of an approved text reworded", |s| {
        // The rosuvastatin article's text is not committed since: only the approval's
        // commit (its id and date, on the history page) changes.
        git(
            s,
            "2025-02-09T12:00:00Z",
            &["commit", "--amend", "-q", "-m", "Approved by Dr Lovelace"],
        );
    }),
    ("a commit changing one article", |s| {
        s.write(DOSE_FILE, dose_article(3, "120 mg"));
        commit(s, "2025-03-01T12:00:00Z", "High-intensity dose for all");
    }),
    ("an article's text not yet committed", |s| {
        // Every earlier version's page names the current version.
        s.write(DOSE_FILE, dose_article(4, "160 mg"));
    }),
    ("the commit of an earlier version reworded", |s| {
        // The commit that holds version 3, now an earlier one: its subject and date change
        // on the history page and its date on version 3's page; no text changes.
        git(
            s,
            "2025-03-09T12:00:00Z",
            &["commit", "--amend", "-q", "-m", "Raise the dose to 120 mg for all"],
        );
    }),
    ("a commit changing the shared bibliography", |s| {
        // What changed since the approval of the rosuvastatin article reads the reference
        // as it is now; its earlier texts keep their commits' reference.
        s.write(
            "references/shared.yaml",
            shared_reference("Rosuvastatin in men and women"),
        );
        commit(s, "2025-04-01T12:00:00Z", "Correct the shared reference");
    }),
    ("the people registry", |s| {
        edit(
            s,
            "people/rose-roe.md",
            "credentials: \"MD\"",
            "credentials: \"MD, PhD\"",
        );
    }),
    ("the question that replaces a withdrawn one", |s| {
        edit(
            s,
            DOSE_FILE,
            "What dose of atorvastatin do adults start on?",
            "What starting dose of atorvastatin suits adults?",
        );
    }),
    ("the templates", |s| {
        let templates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        for (name, from, to) in [
            (
                "version.html",
                "This is not the current version",
                "This version is not current",
            ),
            (
                "history.html",
                "None of them is current.",
                "None of them is current any more.",
            ),
        ] {
            let text = std::fs::read_to_string(templates.join(name)).unwrap();
            assert!(text.contains(from), "{name} does not contain {from:?}");
            s.write(&format!("templates/{name}"), text.replace(from, to));
        }
    }),
    ("the site leaving git", |s| {
        std::fs::rename(s.path(".git"), s.path("git-away")).unwrap();
    }),
];

#[test]
fn after_each_kind_of_edit_history_pages_are_those_of_a_clean_build() {
    let site = site();
    site.run(&["build"]).expect_code(0);
    expect_clean_bytes(&site, "the first build");
    let mut before = history_pages(&site);
    let missing: Vec<_> = before
        .iter()
        .filter(|(_, page)| page.is_none())
        .map(|(dir, _)| dir)
        .collect();
    assert_eq!(
        missing,
        ["statin-start-dose/v/2", "statin-start-dose/v/3"],
        "versions to come"
    );
    assert!(
        before["rosuvastatin-dose/history"]
            .as_ref()
            .is_some_and(|page| page.contains("class=\"history__approval\" id=\"since-approval\"")),
        "the stale approval's changes are on its history page"
    );
    for (what, make) in EDITS {
        make(&site);
        let build = site.run(&["build"]);
        build.expect_code(0);
        assert!(!build.stderr.contains("up to date"), "after {what}: {}", build.stderr);
        expect_clean_bytes(&site, what);
        // Each edit is one a history page shows: the test would prove nothing otherwise.
        let after = history_pages(&site);
        assert_ne!(before, after, "after {what}: no history page changed");
        before = after;
    }
}

#[test]
fn a_commit_of_what_was_built_writes_nothing_again() {
    let site = site();
    // Edited but not committed: the dose article's text is newer than its history.
    site.write(DOSE_FILE, dose_article(3, "120 mg"));
    site.run(&["build"]).expect_code(0);
    let mut before = site.tree("public");
    before.remove(".evident-output");
    commit(&site, "2025-03-01T12:00:00Z", "High-intensity dose for all");
    let build = site.run(&["build"]);
    build.expect_code(0);
    assert!(!build.stderr.contains("up to date"), "{}", build.stderr);
    let files = before.len();
    let said = format!("{files} files, 0 written and {files} unchanged");
    assert!(build.stderr.contains(&said), "expected {said:?} in {}", build.stderr);
    let mut after = site.tree("public");
    after.remove(".evident-output");
    assert!(after == before, "the output changed");
    expect_clean_bytes(&site, "a commit of the text built");
}

#[test]
fn an_earlier_text_git_no_longer_has_is_left_out_as_without_the_cache() {
    let site = site();
    site.run(&["build"]).expect_code(0);
    // Version 1 of the dose article: the build kept what its blob says, and a later build
    // reads its text only for a page that shows it. Gone from git, it is no version at all.
    let blob = git(
        &site,
        "2025-02-06T12:00:00Z",
        &["rev-parse", &format!("HEAD~2:{DOSE_FILE}")],
    );
    let blob = blob.trim();
    std::fs::remove_file(site.path(&format!(".git/objects/{}/{}", &blob[..2], &blob[2..]))).unwrap();
    edit(&site, DOSE_FILE, "Check lipids again", "Check lipids");
    site.run(&["build"]).expect_code(0);
    expect_clean_bytes(&site, "an earlier text gone from git");
    assert_eq!(history_pages(&site)["statin-start-dose/v/1"], None);
}
