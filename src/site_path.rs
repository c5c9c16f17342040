//! Where a link written in content leads, as a path under the site root: the one resolver
//! that rendering (rewriting links under the base path), link checking and the
//! unpublished-link check share, so that what is checked is what readers follow.

/// Rendered Markdown writes a link to a file or page of the site with this prefix in place
/// of the base path, which only the render stage knows (`--base-url`, `serve`, an edition's
/// folder): `rebase` puts it in. Content cannot write it (`is_reserved`).
pub const SITE_ROOT: &str = "evident-site:/";

/// Files under `static/` are published at the same path under the site root.
pub const STATIC_DIR: &str = "static";

/// The folder of article `slug`'s page (as `render::urls::article_dir`, which later
/// stages use; this one is for the stages before them).
pub fn article_dir(slug: &str) -> String {
    format!("questions/{slug}/")
}

/// A link as written, understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A page or file of this site: its path under the site root without a leading slash
    /// (`questions/x/`, `images/a.png`, `` for the home page), and the fragment if any.
    Site { path: String, fragment: Option<String> },
    /// `#fragment`: a place on the page the link is written on.
    Fragment(String),
    /// Another site, a `mailto:`, or anything Evident does not publish.
    Elsewhere,
}

/// Whether `url` was written with Evident's internal prefix, which content may not use.
pub fn is_reserved(url: &str) -> bool {
    url.trim_start().to_ascii_lowercase().starts_with("evident-site:")
}

/// What `url`, written on the page whose folder is `page_dir` (under the site root, ending
/// in `/`), points at. `@slug` and `@slug#heading` name the article `slug`; `/path` is under
/// the site root (whatever the base path); other paths are relative to the page's folder.
/// `None` when a relative path climbs above the site root.
pub fn resolve(page_dir: &str, url: &str) -> Option<Target> {
    if let Some(fragment) = url.strip_prefix('#') {
        return Some(Target::Fragment(fragment.to_string()));
    }
    if let Some(named) = url.strip_prefix('@') {
        let (slug, fragment) = split_fragment(named);
        return Some(Target::Site {
            path: format!("questions/{slug}/"),
            fragment,
        });
    }
    if !is_local(url) {
        return Some(Target::Elsewhere);
    }
    let (path, fragment) = split_fragment(url);
    let path = path.split('?').next().unwrap_or_default();
    let (dir, relative) = match path.strip_prefix('/') {
        Some(absolute) => ("", absolute),
        None => (page_dir, path),
    };
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    let segments: Vec<&str> = relative.split('/').collect();
    for segment in &segments {
        match *segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    let mut joined = parts.join("/");
    // `x/`, `x/.` and `` keep naming a folder.
    let names_folder = relative.is_empty() || matches!(segments.last(), Some(&"" | &"." | &".."));
    if names_folder && !joined.is_empty() {
        joined.push('/');
    }
    Some(Target::Site { path: joined, fragment })
}

/// The URL to write in the HTML for `url` written on the page in `page_dir`: a link into
/// the site gets `SITE_ROOT` and its path (query and fragment kept), anything else stays.
pub fn site_url(page_dir: &str, url: &str) -> Option<String> {
    match resolve(page_dir, url)? {
        Target::Site { path, fragment } => {
            let query = if url.starts_with('@') {
                None
            } else {
                split_fragment(url).0.split_once('?').map(|(_, q)| q)
            };
            let mut out = format!("{SITE_ROOT}{path}");
            if let Some(query) = query {
                out.push('?');
                out.push_str(query);
            }
            if let Some(fragment) = fragment {
                out.push('#');
                out.push_str(&fragment);
            }
            Some(out)
        }
        Target::Fragment(_) | Target::Elsewhere => None,
    }
}

/// `html` with every link and image Evident rewrote (`site_url`) put under `base_path`
/// ("/" or "/kb/").
pub fn rebase<'a>(html: &'a str, base_path: &str) -> std::borrow::Cow<'a, str> {
    if !html.contains(SITE_ROOT) {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(SITE_ROOT) {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        // Only at the start of an attribute value: the prefix in text is text.
        if before.ends_with("href=\"") || before.ends_with("src=\"") {
            out.push_str(base_path);
        } else {
            out.push_str(SITE_ROOT);
        }
        rest = &after[SITE_ROOT.len()..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// A URL naming a file or page of this site rather than another site's (no scheme, not
/// `//host`, not a bare fragment).
pub fn is_local(url: &str) -> bool {
    let before_path = url.split(['/', '?', '#']).next().unwrap_or("");
    !url.is_empty() && !url.starts_with("//") && !url.starts_with('#') && !before_path.contains(':')
}

fn split_fragment(url: &str) -> (&str, Option<String>) {
    match url.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment.to_string())),
        None => (url, None),
    }
}

/// `%xx` escapes decoded, for finding the file a URL names on disk; invalid escapes stay.
pub fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(path: &str, fragment: Option<&str>) -> Option<Target> {
        Some(Target::Site {
            path: path.to_string(),
            fragment: fragment.map(str::to_string),
        })
    }

    #[test]
    fn resolves_links_as_a_browser_would_from_the_page_folder() {
        let page = "questions/a/";
        for (url, expected) in [
            ("/questions/b/", site("questions/b/", None)),
            ("/questions/b", site("questions/b", None)),
            ("../b/#dose", site("questions/b/", Some("dose"))),
            ("../../questions/b/index.html", site("questions/b/index.html", None)),
            ("./", site("questions/a/", None)),
            ("scan.png", site("questions/a/scan.png", None)),
            ("figures/../scan.png?v=2", site("questions/a/scan.png", None)),
            ("/", site("", None)),
            ("@b", site("questions/b/", None)),
            ("@b#dose", site("questions/b/", Some("dose"))),
            ("#dose", Some(Target::Fragment("dose".into()))),
            ("https://example.org/x", Some(Target::Elsewhere)),
            ("mailto:a@example.org", Some(Target::Elsewhere)),
            ("//cdn.example.org/x.png", Some(Target::Elsewhere)),
            ("../../../x", None),
        ] {
            assert_eq!(resolve(page, url), expected, "{url}");
        }
    }

    #[test]
    fn writes_site_links_with_the_root_marker_and_keeps_the_rest() {
        assert_eq!(
            site_url("questions/a/", "@b#dose").unwrap(),
            "evident-site:/questions/b/#dose"
        );
        assert_eq!(
            site_url("questions/a/", "x.pdf?v=2#p3").unwrap(),
            "evident-site:/questions/a/x.pdf?v=2#p3"
        );
        assert_eq!(
            site_url("about/", "/images/a.png").unwrap(),
            "evident-site:/images/a.png"
        );
        assert_eq!(site_url("questions/a/", "#x"), None);
        assert_eq!(site_url("questions/a/", "https://example.org/"), None);
    }

    #[test]
    fn rebases_only_attribute_values() {
        let html =
            r#"<a href="evident-site:/questions/b/">evident-site:/ as text</a><img src="evident-site:/a.png" alt="">"#;
        assert_eq!(
            rebase(html, "/kb/"),
            r#"<a href="/kb/questions/b/">evident-site:/ as text</a><img src="/kb/a.png" alt="">"#
        );
        assert_eq!(rebase("<p>plain</p>", "/kb/"), "<p>plain</p>");
    }

    #[test]
    fn content_cannot_write_the_marker() {
        assert!(is_reserved("evident-site:/x"));
        assert!(is_reserved(" EVIDENT-SITE:x"));
        assert!(!is_reserved("/evident-site/x"));
    }

    #[test]
    fn decodes_percent_escapes_for_file_names() {
        assert_eq!(percent_decode("my%20scan.png"), "my scan.png");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
