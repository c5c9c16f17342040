//! The output folder: `build` replaces it whole, so it replaces only a folder Evident made
//! (marked at each build), refuses the site and anything of the editors', publishes by an
//! atomic swap, and after a kill or an interruption the previous output is where it was
//! or is put back by the next build.

mod common;

use common::{Output, Site};

const SITE: &str = "build/valid-site";
const MARKER: &str = ".evident-output";
/// A pid no process can have: above the kernel's limit (`pid_max` is at most 2^22).
const DEAD_PID: u32 = 99_999_999;

/// A refused build: exit 2, one `output/write` finding saying `needle`, nothing published.
fn assert_refused(out: &Output, needle: &str) {
    out.expect_code(2);
    let report = out.report();
    let finding = report.only("output/write");
    assert!(finding.message.contains(needle), "{finding:#?}");
    assert!(finding.hint.is_some(), "{finding:#?}");
}

fn json_build(site: &Site, args: &[&str]) -> Output {
    let mut all = vec!["build", "--format", "json"];
    all.extend_from_slice(args);
    site.run(&all)
}

fn foreign_folder(site: &Site, rel: &str) {
    site.write(&format!("{rel}/deploy-notes.txt"), "not Evident's");
    site.write(&format!("{rel}/assets/logo.svg"), "<svg/>");
}

#[test]
fn the_site_itself_and_its_parents_are_never_the_output() {
    let site = Site::fixture(SITE);
    let before = site.tree("");
    let parent = site.root().parent().unwrap().display().to_string();
    for out in [".", "./", "content/..", parent.as_str()] {
        assert_refused(
            &json_build(&site, &["--out", out]),
            "publishing there would delete the site",
        );
        assert_refused(
            &json_build(&site, &["--out", out, "--force", out]),
            "publishing there would delete the site",
        );
    }
    assert!(site.tree("") == before, "the site is untouched");
}

#[test]
fn folders_of_the_site_are_refused_unless_forced() {
    let site = Site::fixture(SITE);
    let articles = site.tree("content");
    for out in [
        "content",
        "content/cardiology",
        "references",
        "templates",
        "theme",
        "people",
    ] {
        let refused = json_build(&site, &["--out", out]);
        assert_refused(
            &refused,
            &format!("is inside the site's `{}/` folder", out.split('/').next().unwrap()),
        );
        assert!(
            refused
                .report()
                .only("output/write")
                .hint
                .as_deref()
                .unwrap()
                .contains("--force")
        );
        assert!(
            refused.stderr.contains("the previous output is unchanged"),
            "{}",
            refused.stderr
        );
    }
    assert!(site.tree("content") == articles, "no article replaced");
    assert!(!site.exists("references") && !site.exists("theme"), "nothing created");
    // Named explicitly, a new folder inside one is allowed.
    json_build(&site, &["--out", "content/built", "--force", "content/built"]).expect_code(0);
    assert!(site.exists("content/built/index.html"));
}

#[test]
fn a_folder_evident_did_not_write_is_replaced_only_when_force_names_it() {
    let site = Site::fixture(SITE);
    foreign_folder(&site, "deploy");
    assert_refused(
        &json_build(&site, &["--out", "deploy"]),
        "holds files Evident did not write",
    );
    assert_refused(
        &json_build(&site, &["--out", "deploy", "--force", "public"]),
        "does not name the output folder",
    );
    assert_eq!(site.read("deploy/deploy-notes.txt"), "not Evident's");

    json_build(&site, &["--out", "deploy", "--force", "./deploy"]).expect_code(0);
    assert!(site.exists("deploy/index.html"));
    assert!(!site.exists("deploy/deploy-notes.txt"), "forced: replaced whole");
    assert!(site.exists(&format!("deploy/{MARKER}")));
    // Marked now: the next build needs no force.
    json_build(&site, &["--out", "deploy"]).expect_code(0);
}

#[test]
fn another_site_or_repository_is_refused_even_when_marked() {
    let site = Site::fixture(SITE);
    for (folder, file) in [("other-site", "evident.yaml"), ("repo", ".git/HEAD")] {
        site.write(&format!("{folder}/{file}"), "x");
        site.write(&format!("{folder}/{MARKER}"), "");
        assert_refused(
            &json_build(&site, &["--out", folder]),
            "it looks like a site or a repository",
        );
        assert!(site.exists(&format!("{folder}/{file}")));
    }
}

#[test]
fn a_link_as_output_is_refused_and_neither_it_nor_its_target_is_touched() {
    let site = Site::fixture(SITE);
    // A deploy folder that once held an Evident build, and files of others.
    json_build(&site, &["--out", "deploy"]).expect_code(0);
    site.write("deploy/uploads/report.pdf", "someone else's");
    let deploy = site.tree("deploy");
    std::os::unix::fs::symlink(site.path("deploy"), site.path("public")).unwrap();
    for args in [&["--out", "public"][..], &[], &["--out", "public", "--force", "public"]] {
        let out = json_build(&site, args);
        assert_refused(&out, "is a symbolic link");
        let hint = out.report().only("output/write").hint.clone().unwrap();
        assert!(hint.contains(&site.path("deploy").display().to_string()), "{hint}");
        assert!(
            out.stderr.contains("the previous output is unchanged"),
            "{}",
            out.stderr
        );
    }
    assert!(
        std::fs::symlink_metadata(site.path("public"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(site.tree("deploy") == deploy, "the link's target is untouched");
}

#[test]
fn a_file_as_output_is_refused_and_kept() {
    let site = Site::fixture(SITE);
    site.write("notes.txt", "my notes");
    for args in [
        &["--out", "notes.txt"][..],
        &["--out", "notes.txt", "--force", "notes.txt"],
    ] {
        assert_refused(&json_build(&site, args), "is a file, not a folder");
    }
    assert_eq!(site.read("notes.txt"), "my notes");
    assert_eq!(site.top_level_names(), ["content", "evident.yaml", "notes.txt"]);
}

#[test]
fn a_rebuild_swaps_the_whole_folder_and_leaves_nothing_beside_it() {
    let site = Site::fixture(SITE);
    json_build(&site, &[]).expect_code(0);
    assert_eq!(
        site.read(&format!("public/{MARKER}")),
        "This folder is a site built by Evident. Each build replaces it whole:\nkeep nothing else here.\n"
    );
    let first = site.tree("public");
    site.write("public/stale/index.html", "left from an old build");
    json_build(&site, &[]).expect_code(0);
    assert!(
        site.tree("public") == first,
        "replaced whole, stale files gone, same bytes"
    );
    assert_eq!(
        site.top_level_names(),
        [".evident", "content", "evident.yaml", "public"]
    );
}

/// The names beside the output that a dead build of pid `pid` would have left.
fn leftover(kind: &str, pid: u32) -> String {
    format!(".public.{kind}-{pid}")
}

#[test]
fn a_build_killed_between_the_two_renames_is_undone_by_the_next_build() {
    let site = Site::fixture(SITE);
    json_build(&site, &[]).expect_code(0);
    let published = site.tree("public");
    // The layout a kill between the renames leaves: the previous site moved aside, the
    // new one still staged, no output folder.
    std::fs::rename(site.path("public"), site.path(&leftover("old", DEAD_PID))).unwrap();
    site.write(&format!("{}/{MARKER}", leftover("staging", DEAD_PID)), "");
    site.write(&format!("{}/index.html", leftover("staging", DEAD_PID)), "half a site");

    // The next build fails on a finding, yet puts the previous output back first.
    let article = "content/cardiology/statin-muscle-symptoms.md";
    let text = site.read(article);
    site.write(article, text.replace("[@ctt-2022]", "[@missing-key]"));
    let failed = json_build(&site, &[]);
    failed.expect_code(1);
    assert!(
        failed.stderr.contains("the previous output is unchanged"),
        "{}",
        failed.stderr
    );
    assert!(
        site.tree("public") == published,
        "the previous output is back at its path"
    );
    assert_eq!(
        site.top_level_names(),
        [".evident", "content", "evident.yaml", "public"]
    );

    site.write(article, text);
    json_build(&site, &[]).expect_code(0);
    assert!(site.tree("public") == published);
}

#[test]
fn dead_builds_leftovers_are_removed_and_a_running_builds_are_kept() {
    let site = Site::fixture(SITE);
    json_build(&site, &[]).expect_code(0);
    for kind in ["staging", "old"] {
        site.write(&format!("{}/{MARKER}", leftover(kind, DEAD_PID)), "");
        site.write(&format!("{}/index.html", leftover(kind, DEAD_PID)), "dead");
    }
    // This test's own process stands for a build still running.
    let live = leftover("staging", std::process::id());
    site.write(&format!("{live}/{MARKER}"), "");
    // Named like a leftover but not Evident's: a person's backup.
    site.write(".public.old-2024/index.html", "my backup");

    json_build(&site, &[]).expect_code(0);
    let mut expected = vec![
        ".evident",
        ".public.old-2024",
        &live,
        "content",
        "evident.yaml",
        "public",
    ];
    expected.sort();
    assert_eq!(site.top_level_names(), expected);
    assert_eq!(site.read(".public.old-2024/index.html"), "my backup");
}

/// A site large enough that its build runs for a while in a debug binary.
fn large_site() -> Site {
    let site = Site::fixture(SITE);
    for n in 0..400 {
        site.write(
            &format!("content/cardiology/generated-{n}.md"),
            format!(
                "---\nquestion: \"Generated question number {n}?\"\nanswer: \"An answer.\"\ncreated: 2026-01-08\n---\n\n\
                 Plain text about question {n} with words enough to index.\n"
            ),
        );
    }
    site
}

#[test]
fn an_interrupted_build_removes_its_staging_folder_and_keeps_the_output() {
    let site = large_site();
    json_build(&site, &["--quiet"]).expect_code(0);
    let published = site.tree("public");
    site.write(
        "content/cardiology/generated-0.md",
        site.read("content/cardiology/generated-0.md")
            .replace("An answer.", "A new answer."),
    );
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_evident"))
        .arg("--root")
        .arg(site.root())
        .args(["build", "--quiet"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let staging = site.path(&leftover("staging", child.id()));
    // Waits for the event itself: the staging folder exists, with its marker written.
    let started = std::time::Instant::now();
    while !staging.join(MARKER).exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the build ended before it was interrupted"
        );
        assert!(started.elapsed().as_secs() < 120, "no staging folder appeared");
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    // SAFETY: sends SIGINT to the child this test started.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) }, 0);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted: the unfinished build was removed"),
        "{stderr}"
    );
    assert!(!staging.exists(), "the staging folder is removed");
    assert!(site.tree("public") == published, "the output is untouched");
    assert_eq!(
        site.top_level_names(),
        [".evident", "content", "evident.yaml", "public"]
    );
}

#[test]
fn serve_never_writes_its_preview_through_a_link() {
    let site = Site::fixture(SITE);
    let elsewhere = site.root().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("precious.txt"), "keep").unwrap();
    std::os::unix::fs::symlink(&elsewhere, site.path(".evident")).unwrap();
    // A server that started anyway would run until stopped: wait for it a bounded time.
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_evident"))
        .arg("--root")
        .arg(site.root())
        .args(["serve", "--port", "0"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while server.try_wait().unwrap().is_none() {
        if started.elapsed().as_secs() > 60 {
            server.kill().unwrap();
            panic!("serve started with a preview folder reached through a link");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let output = server.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert_eq!(std::fs::read_to_string(elsewhere.join("precious.txt")).unwrap(), "keep");
    assert_eq!(
        elsewhere.read_dir().unwrap().count(),
        1,
        "nothing written through the link"
    );
}
