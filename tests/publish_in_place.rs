//! A build after an edit publishes in place: the output folder stays, files that did not
//! change stay where they are, what the edit removed goes (with the folders it empties),
//! and the result is a clean build's tree. A folder holding files Evident did not write is
//! replaced whole instead, and a commit a kill cut short is finished by the next build.

mod common;

use common::Site;
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

const SITE: &str = "build/valid-site";
const ARTICLE: &str = "content/cardiology/statin-muscle-symptoms.md";
const UNCHANGED: &str = "public/editorial-policy/index.html";
/// A pid no process can have: above the kernel's limit (`pid_max` is at most 2^22).
const DEAD_PID: u32 = 99_999_999;

fn build(site: &Site, extra: &[&str]) -> String {
    let output = site.run(&[&["build", "--quiet"], extra].concat());
    output.expect_code(0);
    output.stderr.clone()
}

fn inode(site: &Site, rel: &str) -> u64 {
    std::fs::symlink_metadata(site.path(rel)).unwrap().ino()
}

/// Every file under `dir` with its bytes, and every folder (named with a trailing `/`).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            if std::fs::symlink_metadata(&path).unwrap().is_dir() {
                found.insert(format!("{rel}/"), Vec::new());
                pending.push(path);
            } else {
                found.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    found
}

/// The output a clean build of the site as it is now gives.
fn clean_tree(site: &Site) -> BTreeMap<String, Vec<u8>> {
    let clean = tempfile::tempdir().unwrap();
    let out = clean.path().join("public");
    build(site, &["--no-cache", "--out", &out.to_string_lossy()]);
    tree(&out)
}

fn edit(site: &Site, from: &str, to: &str) {
    let text = site.read(ARTICLE);
    assert!(text.contains(from), "{ARTICLE} does not contain {from:?}");
    site.write(ARTICLE, text.replacen(from, to, 1));
}

#[test]
fn an_edit_is_published_in_place_and_gives_a_clean_builds_tree() {
    let site = Site::fixture(SITE);
    site.write("static/files/old/notes.txt", "a file the next edit removes");
    build(&site, &[]);
    assert!(site.exists("public/files/old/notes.txt"));
    let (folder, unchanged) = (inode(&site, "public"), inode(&site, UNCHANGED));

    edit(&site, "Do statins cause muscle pain?", "Do statins cause muscle aches?");
    std::fs::remove_dir_all(site.path("static/files/old")).unwrap();
    build(&site, &[]);
    assert_eq!(inode(&site, "public"), folder, "the output folder stayed");
    assert_eq!(inode(&site, UNCHANGED), unchanged, "an unchanged page stayed");
    assert!(
        !site.path("public/files").exists(),
        "the removed file, and the folders it alone was in, are gone"
    );
    assert!(
        site.read("public/questions/statin-muscle-symptoms/index.html")
            .contains("muscle aches")
    );
    assert!(tree(&site.path("public")) == clean_tree(&site), "a clean build's tree");
    assert_eq!(
        site.top_level_names(),
        [".evident", "content", "evident.yaml", "public", "static"],
        "nothing is left beside the output"
    );
    // The record the commit made without reading the folder is the folder.
    assert!(build(&site, &[]).contains("up to date"));
}

#[test]
fn files_put_into_the_output_go_as_a_clean_build_drops_them() {
    let site = Site::fixture(SITE);
    build(&site, &[]);
    site.write("public/deploy-notes.txt", "not Evident's");
    site.write(
        "public/questions/statin-muscle-symptoms/extra/page.html",
        "not Evident's",
    );
    edit(&site, "Do statins cause muscle pain?", "Do statins cause muscle aches?");
    build(&site, &[]);
    assert!(tree(&site.path("public")) == clean_tree(&site), "a clean build's tree");
}

/// Longer than a folder must have been left alone for a build's reading of it to be
/// trusted (`write::FolderRead`).
fn settle() {
    std::thread::sleep(std::time::Duration::from_millis(2500));
}

/// A folder the last build read and found holding only what it wrote is not read again
/// while its times say nothing was added to it, removed or renamed since; a file put into
/// it by hand changes them, is found, and goes as a clean build drops it.
#[test]
fn a_file_put_into_a_folder_the_last_build_read_is_still_found() {
    let site = Site::fixture(SITE);
    build(&site, &[]);
    settle();
    // Publishes in place, reading every folder, settled since the first build.
    edit(&site, "Do statins cause muscle pain?", "Do statins cause muscle aches?");
    build(&site, &[]);
    settle();
    site.write("public/editorial-policy/notes.txt", "not Evident's");
    edit(&site, "Do statins cause muscle aches?", "Do statins cause muscle pain?");
    build(&site, &[]);
    assert!(tree(&site.path("public")) == clean_tree(&site), "a clean build's tree");
}

/// A build that swaps the output in reads it whole for its record, and notes its folders
/// as a build in place does: a file put by hand into one of them afterwards is found by
/// the next build all the same, and goes as a clean build drops it.
#[test]
fn a_file_put_into_a_folder_a_swapping_build_read_is_still_found() {
    let site = Site::fixture(SITE);
    build(&site, &[]);
    settle();
    site.write("public/editorial-policy/notes.txt", "not Evident's");
    edit(&site, "Do statins cause muscle pain?", "Do statins cause muscle aches?");
    build(&site, &[]);
    assert!(tree(&site.path("public")) == clean_tree(&site), "a clean build's tree");
}

#[test]
fn a_commit_in_place_killed_midway_is_finished_by_the_next_build() {
    let site = Site::fixture(SITE);
    build(&site, &[]);
    // What a build killed in its commit leaves: its staging folder, marked, with the
    // journal of the commit and the file it had not moved yet.
    let staging = format!(".public.staging-{DEAD_PID}");
    site.write(&format!("{staging}/.evident-output"), "");
    site.write(&format!("{staging}/files/index.html"), "the killed build's home page");
    site.write(
        &format!("{staging}/journal"),
        r#"{"delete":["editorial-policy/index.html"],"remove_dirs":["editorial-policy"],"moves":["index.html"]}"#,
    );
    assert!(site.exists(UNCHANGED));

    // The next build fails on a finding, yet finishes that commit first.
    let text = site.read(ARTICLE);
    site.write(ARTICLE, text.replace("[@ctt-2022]", "[@missing-key]"));
    let failed = site.run(&["build", "--quiet"]);
    failed.expect_code(1);
    assert_eq!(site.read("public/index.html"), "the killed build's home page");
    assert!(!site.path("public/editorial-policy").exists());
    assert_eq!(
        site.top_level_names(),
        [".evident", "content", "evident.yaml", "public"],
        "the finished commit's staging folder is removed"
    );

    // The folder is no longer what the cache recorded: the next build makes a clean one.
    site.write(ARTICLE, text);
    build(&site, &[]);
    assert!(tree(&site.path("public")) == clean_tree(&site), "a clean build's tree");
}
