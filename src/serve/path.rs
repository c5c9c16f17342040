//! Request targets → files of the output folder, and never anything outside it.
//!
//! The target is decoded and judged first by a pure function (`resolve`), so that every
//! trick — `..`, percent-encoded dots and slashes, backslashes, NUL — is refused before the
//! file system is asked anything; `locate` then follows symlinks and refuses any file whose
//! real path leaves the output folder.

use std::path::{Path, PathBuf};

/// Why a target is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reject {
    /// Malformed, or an attempt to climb out of the site: 400.
    BadRequest,
}

/// A target's decoded path segments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub segments: Vec<String>,
    /// The target ended with `/` (a folder's address).
    pub trailing_slash: bool,
}

/// Decodes an origin-form request target (`/questions/a%20b/?x=1`) into safe path segments.
pub fn resolve(target: &str) -> Result<Resolved, Reject> {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    if !path.starts_with('/') || path.contains('\\') {
        return Err(Reject::BadRequest);
    }
    let mut segments = Vec::new();
    for raw in path[1..].split('/') {
        if raw.is_empty() {
            continue;
        }
        // Browsers remove dot segments before sending; only a crafted request keeps them.
        if raw == "." || raw == ".." {
            return Err(Reject::BadRequest);
        }
        let decoded = percent_decode(raw).ok_or(Reject::BadRequest)?;
        let dangerous = decoded.is_empty()
            || decoded == "."
            || decoded == ".."
            || decoded.contains(['/', '\\', ':'])
            || decoded.chars().any(char::is_control);
        if dangerous {
            return Err(Reject::BadRequest);
        }
        segments.push(decoded);
    }
    Ok(Resolved {
        segments,
        trailing_slash: path.ends_with('/'),
    })
}

/// `%XX` escapes → UTF-8 text; `None` for a broken escape or bytes that are not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// What a resolved target is in the output folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Located {
    /// A regular file inside the folder (its real path).
    File(PathBuf),
    /// A folder asked for without its trailing slash: send the browser to `location`, so
    /// that the page's relative links resolve against the folder.
    Redirect(String),
    NotFound,
}

/// Finds the file a resolved target names inside `dir`, following symlinks only as far as
/// they stay inside it.
pub fn locate(dir: &Path, resolved: &Resolved) -> Located {
    let Ok(base) = dir.canonicalize() else {
        return Located::NotFound;
    };
    let mut path = base.clone();
    path.extend(&resolved.segments);
    let Some(real) = inside(&base, &path) else {
        return Located::NotFound;
    };
    if real.is_dir() {
        if !resolved.trailing_slash && !resolved.segments.is_empty() {
            let mut location = String::new();
            for segment in &resolved.segments {
                location.push('/');
                location.push_str(&percent_encode(segment));
            }
            location.push('/');
            return Located::Redirect(location);
        }
        return match inside(&base, &real.join("index.html")) {
            Some(index) if index.is_file() => Located::File(index),
            _ => Located::NotFound,
        };
    }
    if real.is_file() {
        Located::File(real)
    } else {
        Located::NotFound
    }
}

/// The real path of `path` when it exists and lies inside `base` (both canonical).
fn inside(base: &Path, path: &Path) -> Option<PathBuf> {
    let real = path.canonicalize().ok()?;
    real.starts_with(base).then_some(real)
}

/// Escapes a decoded segment again for a `Location` header.
fn percent_encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The `Content-Type` of a file, by its extension.
pub fn content_type(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(target: &str) -> Vec<String> {
        resolve(target).unwrap().segments
    }

    #[test]
    fn resolves_ordinary_targets() {
        assert_eq!(segments("/"), Vec::<String>::new());
        assert_eq!(segments("/questions/a/"), ["questions", "a"]);
        assert_eq!(segments("/theme/evident.css?v=2#x"), ["theme", "evident.css"]);
        assert_eq!(segments("/a%20b//c"), ["a b", "c"]);
        assert_eq!(segments("/caf%C3%A9"), ["café"]);
        assert!(resolve("/questions/a/").unwrap().trailing_slash);
        assert!(!resolve("/questions/a").unwrap().trailing_slash);
    }

    #[test]
    fn refuses_every_way_out_of_the_folder() {
        for target in [
            "/../evident.yaml",
            "/questions/../../evident.yaml",
            "/./index.html",
            "/%2e%2e/evident.yaml",
            "/%2E%2E/evident.yaml",
            "/..%2fevident.yaml",
            "/..%2Fevident.yaml",
            "/%2e%2e%2fevident.yaml",
            "/..%5cevident.yaml",
            "/..\\evident.yaml",
            "/a\\b",
            "/index.html%00.css",
            "/%0a",
            "/c:/windows",
            "/%zz",
            "/%e",
            "/%ff%fe",
            "evident.yaml",
            "http://example.org/",
            "*",
            "",
        ] {
            assert_eq!(resolve(target), Err(Reject::BadRequest), "{target:?}");
        }
    }

    #[test]
    fn locates_files_folders_and_refuses_links_out() {
        let temp = tempfile::tempdir().unwrap();
        let out = temp.path().join("out");
        std::fs::create_dir_all(out.join("questions/a")).unwrap();
        std::fs::write(out.join("questions/a/index.html"), "a").unwrap();
        std::fs::write(out.join("index.html"), "home").unwrap();
        std::fs::write(temp.path().join("secret.yaml"), "secret").unwrap();
        let base = out.canonicalize().unwrap();
        let at = |target: &str| locate(&out, &resolve(target).unwrap());

        assert_eq!(at("/"), Located::File(base.join("index.html")));
        assert_eq!(at("/questions/a/"), Located::File(base.join("questions/a/index.html")));
        assert_eq!(at("/questions/a"), Located::Redirect("/questions/a/".into()));
        assert_eq!(at("/questions/"), Located::NotFound, "a folder without index.html");
        assert_eq!(at("/missing.css"), Located::NotFound);

        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(temp.path().join("secret.yaml"), out.join("leak.yaml")).unwrap();
            std::os::unix::fs::symlink(temp.path(), out.join("up")).unwrap();
            std::os::unix::fs::symlink(out.join("index.html"), out.join("alias.html")).unwrap();
            assert_eq!(at("/leak.yaml"), Located::NotFound);
            assert_eq!(at("/up/secret.yaml"), Located::NotFound);
            assert_eq!(
                at("/alias.html"),
                Located::File(base.join("index.html")),
                "links inside are fine"
            );
        }
    }

    #[test]
    fn knows_the_content_types_of_a_site() {
        for (name, expected) in [
            ("index.html", "text/html; charset=utf-8"),
            ("evident.css", "text/css; charset=utf-8"),
            ("evident.js", "text/javascript; charset=utf-8"),
            ("graph.json", "application/json"),
            ("feed.xml", "application/xml; charset=utf-8"),
            ("logo.SVG", "image/svg+xml"),
            ("a.png", "image/png"),
            ("a.jpg", "image/jpeg"),
            ("a.jpeg", "image/jpeg"),
            ("font.woff2", "font/woff2"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("data.bin", "application/octet-stream"),
            ("README", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(name)), expected, "{name}");
        }
    }
}
