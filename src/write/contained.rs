//! The one guard every output path passes: a page's place comes from slugs, topic and
//! edition names that editors write, and whatever slipped past the checks must still never
//! put a file outside the folder being written.

use std::fmt;
use std::path::{Path, PathBuf};

/// The longest name one folder or file may have on common file systems, in bytes.
pub const MAX_COMPONENT_BYTES: usize = 255;

/// Why an output path was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uncontained {
    pub rel: String,
    pub reason: &'static str,
}

impl fmt::Display for Uncontained {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "refused to write `{}` ({}): output paths stay inside the output folder",
            self.rel.escape_debug(),
            self.reason
        )
    }
}

impl std::error::Error for Uncontained {}

/// `dir` joined with the `/`-separated relative path `rel`, when `rel` names a place
/// inside `dir`: not empty, not absolute, no empty, `.` or `..` part, no backslash or NUL
/// (a separator or terminator elsewhere), no part longer than a file system allows.
/// A single trailing `/` is allowed, for paths that name folders (`questions/x/`).
pub fn contained(dir: &Path, rel: &str) -> Result<PathBuf, Uncontained> {
    let refuse = |reason| {
        Err(Uncontained {
            rel: rel.to_string(),
            reason,
        })
    };
    let inner = rel.strip_suffix('/').unwrap_or(rel);
    if inner.is_empty() {
        return refuse("an empty path");
    }
    if inner.starts_with('/') {
        return refuse("an absolute path");
    }
    if inner.contains('\\') {
        return refuse("a backslash");
    }
    if inner.contains('\0') {
        return refuse("a NUL byte");
    }
    for part in inner.split('/') {
        match part {
            "" => return refuse("an empty folder name"),
            "." => return refuse("a `.` part"),
            ".." => return refuse("a `..` part"),
            _ if part.len() > MAX_COMPONENT_BYTES => return refuse("a name longer than 255 bytes"),
            _ => {}
        }
    }
    // Also catches what `split` cannot see, such as a Windows drive prefix.
    if !Path::new(inner)
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)))
    {
        return refuse("a part that is not a plain name");
    }
    Ok(dir.join(inner))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_relative_paths_are_joined() {
        let dir = Path::new("/out");
        for (rel, joined) in [
            ("index.html", "/out/index.html"),
            ("questions/a-b/index.html", "/out/questions/a-b/index.html"),
            ("questions/a/", "/out/questions/a"),
            ("theme/.hidden", "/out/theme/.hidden"),
            ("topics/é/index.html", "/out/topics/é/index.html"),
            ("a..b/index.html", "/out/a..b/index.html"),
        ] {
            assert_eq!(contained(dir, rel).unwrap(), Path::new(joined), "{rel}");
        }
    }

    #[test]
    fn paths_that_leave_the_folder_are_refused() {
        let long = format!("questions/{}/index.html", "a".repeat(256));
        for (rel, reason) in [
            ("", "an empty path"),
            ("/", "an empty path"),
            ("/etc/passwd", "an absolute path"),
            ("../x/index.html", "a `..` part"),
            ("questions/../../x/index.html", "a `..` part"),
            ("./index.html", "a `.` part"),
            ("questions/./index.html", "a `.` part"),
            ("questions//index.html", "an empty folder name"),
            ("questions/a\\..\\..\\x", "a backslash"),
            ("questions/a\0/index.html", "a NUL byte"),
            (long.as_str(), "a name longer than 255 bytes"),
        ] {
            let refused = contained(Path::new("/out"), rel).unwrap_err();
            assert_eq!(refused.reason, reason, "{rel:?}");
            assert!(refused.to_string().contains("stay inside the output folder"));
        }
        let longest = format!("{}/index.html", "a".repeat(255));
        assert!(contained(Path::new("/out"), &longest).is_ok());
    }
}
