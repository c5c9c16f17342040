//! The search index's terms kept between builds (`.evident/cache/search.bin`): after an
//! edit that changes the index, a cached build publishes the index a clean `--no-cache`
//! build publishes (debug builds, these tests, also work out every recalled article's
//! terms and stop if they differ); after an edit that leaves every search input as it was,
//! the index's files are taken over, left where they are; a damaged entry is ignored.

mod common;

use common::{Site, edit};
use std::collections::BTreeMap;
use std::path::Path;

const ARTICLE: &str = "content/cardiology/statin-muscle-symptoms.md";
const NEIGHBOUR: &str = "content/cardiology/statins-primary-prevention.md";
const KEPT: &str = ".evident/cache/search.bin";

fn site() -> Site {
    let site = Site::fixture("serve/site");
    site.write(".gitignore", "/public/\n/.evident/\n");
    common::git(&site, "2025-02-01T12:00:00Z", &["init", "-q"]);
    common::commit(&site, "2025-02-01T12:00:00Z", "First version");
    site
}

fn build(site: &Site) {
    let output = site.run(&["build"]);
    output.expect_code(0);
    assert!(!output.stderr.contains("up to date"), "{}", output.stderr);
}

/// Every file of the index under `out`, with its bytes.
fn index(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    common::collect_files(out, &out.join("search"), &mut files);
    files
}

/// The cached build's index is, file for file, the one a clean build of the same tree makes.
fn expect_clean_index(site: &Site, what: &str) {
    let clean = tempfile::tempdir().unwrap();
    let out = clean.path().join("public");
    site.run(&["build", "--no-cache", "--out", &out.to_string_lossy()])
        .expect_code(0);
    let cached = index(&site.path("public"));
    let fresh = index(&out);
    common::assert_same_files(&cached, &fresh, what);
}

/// The terms the vocabulary lists, from every shard.
fn vocabulary(site: &Site) -> Vec<String> {
    let mut terms = Vec::new();
    for (rel, bytes) in index(&site.path("public")) {
        if rel.starts_with("search/vocab/") {
            let shard: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            terms.extend(
                shard["terms"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap().to_string()),
            );
        }
    }
    terms
}

#[test]
fn edits_that_change_the_index_give_the_index_of_a_clean_build() {
    let site = site();
    build(&site);
    assert!(site.exists(KEPT), "the first build keeps its terms");
    let statuses = |site: &Site| site.read("public/search/docs/0.json");

    edit(
        &site,
        ARTICLE,
        "Do statins cause muscle pain?",
        "Do statins cause muscle cramps?",
    );
    build(&site);
    assert!(vocabulary(&site).contains(&"cramps".to_string()));
    expect_clean_index(&site, "a new word in a question");

    let before = statuses(&site);
    edit(
        &site,
        NEIGHBOUR,
        "  status: submitted\n",
        "  status: under_review\n  reviewers:\n    - {name: \"Dr Grace Hopper\"}\n",
    );
    build(&site);
    assert_ne!(statuses(&site), before, "the status a result shows");
    expect_clean_index(&site, "a status change");

    // A published address may not disappear: the removed article's becomes an alias.
    std::fs::remove_file(site.path(NEIGHBOUR)).unwrap();
    edit(
        &site,
        ARTICLE,
        "question: \"Do statins cause muscle cramps?\"\n",
        "question: \"Do statins cause muscle cramps?\"\naliases: [statins-primary-prevention]\n",
    );
    edit(&site, ARTICLE, "related: [statins-primary-prevention]\n", "");
    build(&site);
    assert!(
        !vocabulary(&site).contains(&"moderate".to_string()),
        "a word only the removed article had"
    );
    expect_clean_index(&site, "a removed article");

    site.write(
        "content/diabetes/sglt2-heart-failure.md",
        site.read("content/diabetes/metformin-first-line.md").replace(
            "Is metformin still the first drug for type 2 diabetes?",
            "Do gliflozins help heart failure?",
        ),
    );
    build(&site);
    assert!(vocabulary(&site).contains(&"gliflozins".to_string()));
    expect_clean_index(&site, "a new article");
}

/// Inode of every index file: one taken over is left where it is (the build publishes in
/// place), one written anew is a new file.
fn inodes(site: &Site) -> BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    let out = site.path("public");
    index(&out)
        .into_keys()
        .map(|rel| {
            let ino = std::fs::metadata(out.join(&rel)).unwrap().ino();
            (rel, ino)
        })
        .collect()
}

#[test]
fn an_edit_outside_the_search_inputs_takes_the_index_over() {
    let site = site();
    build(&site);
    let before = inodes(&site);
    let page = "public/questions/statin-muscle-symptoms/index.html";
    let page_before = site.read(page);
    // A date and a reference's title: on the article's page, in no search input.
    edit(
        &site,
        ARTICLE,
        "created: 2025-02-01\n",
        "created: 2025-02-01\nupdated: 2025-03-01\n",
    );
    build(&site);
    assert_ne!(site.read(page), page_before, "the edit shows on the page");
    assert_eq!(inodes(&site), before, "an index file was written again");
    expect_clean_index(&site, "an update date");
}

#[test]
fn a_damaged_kept_terms_entry_is_ignored_and_replaced() {
    let site = site();
    build(&site);
    let kept = std::fs::read(site.path(KEPT)).unwrap();
    let damages: [(&str, Vec<u8>); 3] = [
        ("a byte altered", {
            let mut bytes = kept.clone();
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0x01;
            bytes
        }),
        ("cut short", kept[..kept.len() - 8].to_vec()),
        ("emptied", Vec::new()),
    ];
    for (round, (what, damaged)) in damages.into_iter().enumerate() {
        std::fs::write(site.path(KEPT), &damaged).unwrap();
        edit(
            &site,
            ARTICLE,
            "Do statins cause muscle pain",
            &format!("Do statins cause muscle pain{round}"),
        );
        build(&site);
        expect_clean_index(&site, what);
        assert_ne!(std::fs::read(site.path(KEPT)).unwrap(), damaged, "{what}: not replaced");
        edit(
            &site,
            ARTICLE,
            &format!("Do statins cause muscle pain{round}"),
            "Do statins cause muscle pain",
        );
    }
}

#[test]
fn an_index_file_edited_by_hand_is_written_again_and_the_others_taken_over() {
    let site = site();
    build(&site);
    let before = inodes(&site);
    let by_hand = [
        "search/index.json",
        "search/docs/0.json",
        "search/postings/2/0.json",
        "search/vocab/s.json",
    ];
    for rel in by_hand {
        let path = format!("public/{rel}");
        assert!(site.exists(&path), "{rel} is a file of the index");
        site.write(&path, format!("{} ", site.read(&path)));
    }
    // An edit in no search input: every file of the index is as the last build made it,
    // but those edited by hand.
    edit(
        &site,
        ARTICLE,
        "created: 2025-02-01\n",
        "created: 2025-02-01\nupdated: 2025-03-01\n",
    );
    build(&site);
    expect_clean_index(&site, "index files edited by hand");
    let after = inodes(&site);
    for (rel, inode) in &before {
        if !by_hand.contains(&rel.as_str()) {
            assert_eq!(after.get(rel), Some(inode), "{rel} was written again");
        }
    }
}
