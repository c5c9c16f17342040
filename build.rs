//! Compiles the default templates and theme into the binary, so that `evident build` works
//! in any folder without installing anything beside it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut code = String::new();
    for (folder, constant, macro_name, kind) in [
        ("templates", "TEMPLATES", "include_str", "str"),
        ("theme", "THEME", "include_bytes", "[u8]"),
    ] {
        let root = manifest.join(folder);
        println!("cargo:rerun-if-changed={}", root.display());
        let mut files = Vec::new();
        collect_files(&root, &mut files);
        files.sort();
        writeln!(code, "pub static {constant}: &[(&str, &{kind})] = &[").unwrap();
        for file in files {
            let name = file
                .strip_prefix(&root)
                .expect("collected below the root")
                .to_string_lossy()
                .replace('\\', "/");
            println!("cargo:rerun-if-changed={}", file.display());
            writeln!(code, "    ({name:?}, {macro_name}!({:?})),", file.display().to_string()).unwrap();
        }
        writeln!(code, "];").unwrap();
    }
    std::fs::write(out.join("embedded.rs"), code).expect("OUT_DIR is writable");
    announce_commit(&manifest);
}

/// Sets `EVIDENT_COMMIT` for `evident --version`: the commit checked out when the binary
/// was built, so that a report from CI names the code. "unknown" outside a git checkout (a
/// crate downloaded from a registry) or without git.
fn announce_commit(manifest: &Path) {
    let git = |args: &[&str]| -> Option<String> {
        let output = std::process::Command::new("git")
            .args(args)
            .current_dir(manifest)
            .output()
            .ok()?;
        let text = String::from_utf8(output.stdout).ok()?.trim().to_string();
        (output.status.success() && !text.is_empty()).then_some(text)
    };
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=EVIDENT_COMMIT={commit}");
    // Rebuilt when the checkout moves to another commit: HEAD, the branch it names, and
    // packed refs (paths as git gives them, so worktrees work too).
    let mut watched = vec!["HEAD".to_string(), "packed-refs".to_string()];
    watched.extend(git(&["symbolic-ref", "-q", "HEAD"]));
    for name in watched {
        if let Some(path) = git(&["rev-parse", "--git-path", &name]) {
            println!("cargo:rerun-if-changed={}", manifest.join(path).display());
        }
    }
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            collect_files(&path, files);
        } else {
            files.push(path);
        }
    }
}
