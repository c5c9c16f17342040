//! Publishing from CI: the workflow `evident init` writes, what its commands do on the demo,
//! annotations that attach when the site is a subfolder of its repository, shallow clones,
//! and `--version`.

mod common;

use common::{Site, commit, git};
use serde_yaml::Value;
use std::path::Path;
use std::process::Command;

fn workflow_of_a_new_site() -> (Site, Value) {
    let site = Site::empty();
    site.run(&["init", "."]).expect_code(0);
    let text = site.read(".github/workflows/evident.yml");
    let workflow: Value = serde_yaml::from_str(&text).expect("the workflow is valid YAML");
    (site, workflow)
}

fn steps(workflow: &Value, job: &str) -> Vec<Value> {
    workflow["jobs"][job]["steps"]
        .as_sequence()
        .unwrap_or_else(|| panic!("job `{job}` has steps"))
        .clone()
}

fn uses(steps: &[Value]) -> Vec<String> {
    steps
        .iter()
        .filter_map(|s| s["uses"].as_str().map(|u| u.split('@').next().unwrap_or(u).to_string()))
        .collect()
}

#[test]
fn init_writes_a_workflow_that_checks_pull_requests_and_publishes_main() {
    let (site, workflow) = workflow_of_a_new_site();
    // The checked-links cache is the site's working state, not its content.
    assert!(site.read(".gitignore").lines().any(|l| l == "/.evident/cache/"));
    let on = &workflow["on"];
    assert!(on.get("pull_request").is_some(), "{on:?}");
    assert_eq!(on["push"]["branches"][0].as_str(), Some("main"));

    let check = steps(&workflow, "check");
    assert_eq!(
        workflow["jobs"]["check"]["if"].as_str(),
        Some("github.event_name == 'pull_request'")
    );
    let check_uses = uses(&check);
    assert!(check_uses.contains(&"actions/checkout".to_string()), "{check_uses:?}");
    assert!(
        check_uses.contains(&"github/codeql-action/upload-sarif".to_string()),
        "{check_uses:?}"
    );
    assert_eq!(
        workflow["jobs"]["check"]["permissions"]["security-events"].as_str(),
        Some("write")
    );
    let runs: Vec<&str> = check.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(runs.iter().any(|r| r.contains("check --format github")), "{runs:?}");
    assert!(runs.iter().any(|r| r.contains("check --format sarif")), "{runs:?}");

    let build = steps(&workflow, "build");
    let build_uses = uses(&build);
    for action in [
        "actions/checkout",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
    ] {
        assert!(build_uses.contains(&action.to_string()), "{action} in {build_uses:?}");
    }
    assert!(
        build.iter().any(|s| s["with"]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with(".evident/cache"))),
        "the build cache is kept between runs"
    );
    let deploy = &workflow["jobs"]["deploy"];
    assert_eq!(deploy["needs"].as_str(), Some("build"));
    assert_eq!(uses(&steps(&workflow, "deploy")), ["actions/deploy-pages"]);
    assert_eq!(deploy["permissions"]["pages"].as_str(), Some("write"));
    assert_eq!(deploy["permissions"]["id-token"].as_str(), Some("write"));

    // Shallow checkouts lose history: every checkout fetches all of it.
    for job in ["check", "build"] {
        let checkout = steps(&workflow, job)
            .into_iter()
            .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("actions/checkout")))
            .unwrap();
        assert_eq!(checkout["with"]["fetch-depth"].as_i64(), Some(0), "{job}");
    }
    // It names the Evident that wrote it.
    let rev = workflow["env"]["EVIDENT_REV"].as_str().unwrap_or_default().to_string();
    let version = Site::empty().run(&["--version"]).stdout;
    assert!(version.contains(&rev), "{rev} in {version}");
}

#[test]
fn the_workflow_commands_succeed_on_the_demo() {
    let (_new, workflow) = workflow_of_a_new_site();
    let demo = Site::demo();
    let bin = Path::new(env!("CARGO_BIN_EXE_evident")).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut ran = 0;
    for job in ["check", "build"] {
        for step in steps(&workflow, job) {
            let Some(script) = step["run"].as_str() else { continue };
            // What the Pages action would answer.
            let script = script.replace("${{ steps.pages.outputs.base_url }}", "https://example.org/kb");
            assert!(
                !script.contains("${{"),
                "an expression the test does not supply: {script}"
            );
            let output = Command::new("bash")
                .args(["-eo", "pipefail", "-c", &script])
                .current_dir(demo.root())
                .env("PATH", &path)
                .env("SITE", demo.root())
                .env("EVIDENT_GIT", "")
                .env("EVIDENT_REV", "")
                .env_remove("EVIDENT_TRUSTED_KEYS")
                .env("NO_COLOR", "1")
                .output()
                .expect("bash runs");
            assert!(
                output.status.success(),
                "`{script}` failed:\n{}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            ran += 1;
        }
    }
    assert_eq!(ran, 5, "install, check, SARIF, install, build");
    let sarif: serde_json::Value = serde_json::from_str(&demo.read("evident.sarif")).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let home = demo.html("public/index.html");
    assert!(
        home.attrs("link[rel=stylesheet]", "href")
            .iter()
            .all(|href| href.starts_with("/kb/")),
        "built for the Pages address"
    );
}

#[test]
fn annotations_name_files_from_the_repository_root() {
    let repo = Site::empty();
    let site_dir = repo.path("docs/kb");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/build/valid-site");
    std::fs::create_dir_all(repo.path("docs")).unwrap();
    let copied = Command::new("cp")
        .arg("-R")
        .arg(&fixture)
        .arg(&site_dir)
        .status()
        .unwrap();
    assert!(copied.success());
    let file = "content/cardiology/statin-muscle-symptoms.md";
    let text = std::fs::read_to_string(site_dir.join(file)).unwrap();
    std::fs::write(site_dir.join(file), text + "\n[gone](/nowhere/)\n").unwrap();
    git(&repo, "2026-01-05T10:00:00Z", &["init", "-q"]);
    let run = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_evident"))
            .arg("--root")
            .arg(&site_dir)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    let github = run(&["check", "--format", "github"]);
    assert!(
        github.contains("file=docs/kb/content/cardiology/statin-muscle-symptoms.md,"),
        "{github}"
    );
    let sarif: serde_json::Value = serde_json::from_str(&run(&["check", "--format", "sarif"])).unwrap();
    let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(uri, "docs/kb/content/cardiology/statin-muscle-symptoms.md");
    // Given, the prefix wins; JSON keeps naming files from the site root, as documented.
    let given = run(&["check", "--format", "github", "--path-prefix", "site"]);
    assert!(given.contains("file=site/content/cardiology/"), "{given}");
    let json: serde_json::Value = serde_json::from_str(&run(&["check", "--format", "json"])).unwrap();
    assert_eq!(json["diagnostics"][0]["file"], file);
}

#[test]
fn a_shallow_clone_is_reported_with_the_fix() {
    let source = Site::fixture("build/valid-site");
    git(&source, "2026-01-05T10:00:00Z", &["init", "-q"]);
    commit(&source, "2026-01-05T10:00:00Z", "first");
    let file = "content/cardiology/statin-muscle-symptoms.md";
    source.write(file, source.read(file) + "\nA second paragraph.\n");
    commit(&source, "2026-01-06T10:00:00Z", "second");
    let url = format!("file://{}", source.root().display());

    let shallow = Site::empty();
    git(
        &shallow,
        "2026-01-06T10:00:00Z",
        &["clone", "-q", "--depth", "1", &url, "."],
    );
    let report = shallow.run(&["build", "--format", "json"]).expect_code(0).report();
    let warning = report.only("history/shallow");
    assert_eq!(warning.severity, "warning");
    assert!(
        warning.hint.as_deref().unwrap_or_default().contains("fetch-depth: 0"),
        "{:?}",
        warning.hint
    );

    let full = Site::empty();
    git(&full, "2026-01-06T10:00:00Z", &["clone", "-q", &url, "."]);
    let report = full.run(&["build", "--format", "json"]).expect_code(0).report();
    assert!(
        report.with_code("history/shallow").is_empty(),
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn version_names_the_release_and_the_commit() {
    let output = Site::empty().run(&["--version"]);
    output.expect_code(0);
    let line = output.stdout.trim();
    assert!(
        line.starts_with(&format!("evident {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{line}"
    );
    let head = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match head {
        // Built from a checkout: the commit it was built at.
        Some(head) => assert!(line.ends_with(&format!("(commit {head})")), "{line} names {head}"),
        None => assert!(line.ends_with("(commit unknown)"), "{line}"),
    }
}
