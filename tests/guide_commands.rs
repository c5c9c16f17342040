//! The guides' command examples work: every `sh` block under docs/ that opens with the line
//! `# runs on the demo (tests/guide_commands.rs)` is run, line by line, on a copy of the
//! demo knowledge base with this build's `evident` first on `PATH`; each must succeed.

mod common;

use common::Site;
use std::path::Path;
use std::process::Command;

const MARKER: &str = "# runs on the demo (tests/guide_commands.rs)";

/// `(page, first line, commands)` of every marked block.
fn marked_blocks() -> Vec<(String, usize, Vec<String>)> {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let mut pages: Vec<_> = std::fs::read_dir(&docs)
        .expect("docs/ exists")
        .map(|e| e.expect("read docs/").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    let mut blocks = Vec::new();
    for page in pages {
        let text = std::fs::read_to_string(&page).expect("read a guide");
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            if lines[i].trim() == "```sh" && lines.get(i + 1).is_some_and(|l| l.trim() == MARKER) {
                let start = i + 1;
                let commands: Vec<String> = lines[i + 2..]
                    .iter()
                    .take_while(|l| l.trim() != "```")
                    .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
                    .map(|l| l.to_string())
                    .collect();
                i += commands.len() + 2;
                let name = page.file_name().unwrap().to_string_lossy().to_string();
                blocks.push((name, start, commands));
            }
            i += 1;
        }
    }
    blocks
}

#[test]
fn the_guides_command_examples_succeed_on_the_demo() {
    let blocks = marked_blocks();
    assert!(
        blocks.iter().any(|(page, _, _)| page == "publishing.md"),
        "the CI section's commands are marked to run: {blocks:?}"
    );
    let bin = Path::new(env!("CARGO_BIN_EXE_evident")).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    for (page, line, commands) in blocks {
        let demo = Site::demo();
        for command in commands {
            assert!(
                command.starts_with("evident "),
                "docs/{page}:{line}: `{command}` is not an evident command"
            );
            let output = Command::new("bash")
                .args(["-eo", "pipefail", "-c", &command])
                .current_dir(demo.root())
                .env("PATH", &path)
                .env_remove("EVIDENT_TRUSTED_KEYS")
                .env("NO_COLOR", "1")
                .output()
                .expect("bash runs");
            assert!(
                output.status.success(),
                "docs/{page}:{line}: `{command}` failed:\n{}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        assert!(demo.exists("public/index.html") || page != "publishing.md");
    }
}
