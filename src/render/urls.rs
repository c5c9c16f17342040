//! Where each page lives: one place decides every URL, so links and files always agree.

/// The site's URL scheme, derived from `base_url`.
#[derive(Clone, Debug)]
pub struct Urls {
    /// Absolute, ending with `/`: "https://kb.example.org/".
    pub base_url: String,
    /// The path part of `base_url`, starting and ending with `/`: "/" or "/kb/".
    pub base_path: String,
}

impl Urls {
    pub fn new(base_url: &str) -> Urls {
        let after_scheme = base_url.find("://").map_or(0, |i| i + 3);
        let path = base_url[after_scheme..]
            .find('/')
            .map_or("/", |i| &base_url[after_scheme + i..]);
        let mut base_path = path.split(['?', '#']).next().unwrap_or("/").to_string();
        if !base_path.ends_with('/') {
            base_path.push('/');
        }
        Urls {
            base_url: base_url.to_string(),
            base_path,
        }
    }

    /// Site-absolute path for a folder or file relative to the site root.
    pub fn path(&self, rel: &str) -> String {
        format!("{}{rel}", self.base_path)
    }

    /// Absolute URL for a folder or file relative to the site root.
    pub fn absolute(&self, rel: &str) -> String {
        format!("{}{rel}", self.base_url)
    }
}

pub fn article_dir(slug: &str) -> String {
    format!("questions/{slug}/")
}

/// The article's revision history.
pub fn history_dir(slug: &str) -> String {
    format!("questions/{slug}/history/")
}

/// Earlier version `version` of the article, kept readable.
pub fn version_dir(slug: &str, version: u32) -> String {
    format!("questions/{slug}/v/{version}/")
}

/// An older edition of the whole site.
pub fn edition_dir(name: &str) -> String {
    format!("editions/{name}/")
}

pub fn topic_dir(slug: &str) -> String {
    format!("topics/{slug}/")
}

/// A person's profile page.
pub fn person_dir(id: &str) -> String {
    format!("people/{id}/")
}

pub fn page_dir(slug: &str) -> String {
    format!("{slug}/")
}

/// Percent-encodes what may not stand raw in a URL path (DOIs may hold `<`, `#`, `;`…).
pub fn encode_path_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/:()".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_follows_base_url() {
        assert_eq!(Urls::new("https://kb.example.org/").base_path, "/");
        assert_eq!(Urls::new("https://example.org/kb/").base_path, "/kb/");
        let urls = Urls::new("https://example.org/kb/");
        assert_eq!(urls.path(&article_dir("x")), "/kb/questions/x/");
        assert_eq!(urls.absolute(&article_dir("x")), "https://example.org/kb/questions/x/");
    }

    #[test]
    fn encodes_unsafe_doi_characters() {
        assert_eq!(
            encode_path_segment("10.1002/(SICI)1097<x>#;"),
            "10.1002/(SICI)1097%3Cx%3E%23%3B"
        );
    }
}
