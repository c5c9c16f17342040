//! Where findings' files are in the repository. Reports name files relative to the site
//! root; GitHub attaches annotations and code-scanning results to paths from the
//! repository's root, so when the site is a subfolder of the repository (a monorepo) those
//! two formats name files from there.

use super::Findings;
use std::path::Path;

/// The site folder's path inside its git repository (`docs/kb/`), empty at the root;
/// `None` outside a repository or without git.
pub fn site_prefix(root: &Path) -> Option<String> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--show-prefix"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// `prefix` written the way findings name files: `/`-separated, ending in `/` unless empty.
pub fn normalize_prefix(prefix: &str) -> String {
    let trimmed = prefix.replace('\\', "/");
    let trimmed = trimmed.trim_matches('/');
    let trimmed = trimmed.strip_prefix("./").unwrap_or(trimmed);
    if trimmed.is_empty() || trimmed == "." {
        String::new()
    } else {
        format!("{trimmed}/")
    }
}

/// The findings with `prefix` before each file that is a file of the site (not a
/// command-line flag such as `--base-url`, which findings about flags name).
pub fn with_prefix(diagnostics: &Findings, prefix: &str) -> Findings {
    diagnostics.with_file_prefix(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_folders_from_the_repository_root() {
        assert_eq!(normalize_prefix("docs/kb"), "docs/kb/");
        assert_eq!(normalize_prefix("./docs/kb/"), "docs/kb/");
        assert_eq!(normalize_prefix("."), "");
        assert_eq!(normalize_prefix(""), "");
        assert_eq!(normalize_prefix("docs\\kb"), "docs/kb/");
    }
}
