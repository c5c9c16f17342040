//! The sitemap: every public address with its last change, for search engines.
//!
//! The protocol (sitemaps.org) allows one file 50,000 addresses and 50 MB. A site within
//! both keeps its one `sitemap.xml`. A larger one gets `sitemap.xml` as a sitemap index
//! naming `sitemap-1.xml`, `sitemap-2.xml`, … beside it (a sitemap may only list addresses
//! at or below its own folder, so the parts stay at the root), each within both limits.
//! One `<urlset>` of 100,000 articles was not a sitemap a search engine reads.
//!
//! `EVIDENT_SITEMAP_URLS` lowers the number of addresses a file (`limits`), so that a small
//! site can be published split, to be checked.
//!
//! The parts are made one at a time as the addresses come: the whole site's addresses in
//! one template context were 75 MB at 100,000 articles, the rendering stage's peak.

use serde::Serialize;

/// The sitemap's file, at the output's root; `robots.txt` names it.
pub const FILE: &str = "sitemap.xml";

/// The protocol's limits on one sitemap file.
pub const LIMITS: Limits = Limits {
    urls: 50_000,
    bytes: 52_428_800,
};

/// The limits a build splits its sitemap by: the protocol's, or fewer addresses a file
/// when `EVIDENT_SITEMAP_URLS` asks for fewer. Tests and CI's schema check make a split
/// sitemap of a small site that way; a number at or above the protocol's changes nothing.
pub fn limits() -> Limits {
    let urls = std::env::var("EVIDENT_SITEMAP_URLS")
        .ok()
        .and_then(|n| n.trim().parse::<usize>().ok())
        .filter(|&n| n >= 1)
        .map_or(LIMITS.urls, |n| n.min(LIMITS.urls));
    Limits { urls, ..LIMITS }
}

/// How many addresses and bytes one file may hold.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub urls: usize,
    pub bytes: usize,
}

/// One address of the sitemap, as `sitemap.xml`'s template sees it.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub loc: String,
    pub lastmod: Option<String>,
}

/// One part of a split sitemap, as the index's template (`sitemap-index.xml`) sees it.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Part {
    pub loc: String,
    /// The newest `lastmod` of its addresses.
    pub lastmod: Option<String>,
}

/// The file name of the `number`th part (from 1).
pub fn part_file(number: usize) -> String {
    format!("sitemap-{number}.xml")
}

/// Whether `rel` (relative to the output's root) is a part of a split sitemap.
pub fn is_part(rel: &str) -> bool {
    rel.strip_prefix("sitemap-")
        .and_then(|rest| rest.strip_suffix(".xml"))
        .is_some_and(|number| !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
}

/// The bytes the built-in template writes around the addresses of one file.
const FILE_BYTES: usize = 120;

/// The bytes the built-in template writes for `entry`, its address escaped as markup is
/// (`&`, `<`, `>`, `"` and `'` become entities of up to six bytes).
fn entry_bytes(entry: &Entry) -> usize {
    let escaped = |text: &str| text.len() + 5 * text.bytes().filter(|b| b"&<>\"'".contains(b)).count();
    let lastmod = entry.lastmod.as_deref().map_or(0, |date| 30 + escaped(date));
    40 + escaped(&entry.loc) + lastmod
}

/// Gives `entries` to `write` a file at a time, each within `limits`: all as `sitemap.xml`
/// when they fit in one file, else as the numbered parts, whose index entries (addressed
/// by `address`, from a part's file name) it returns for `sitemap.xml`. Empty when there
/// was one file. Each file's entries are given as soon as it is full, and dropped after.
pub fn write_in_parts<E>(
    entries: impl Iterator<Item = Entry>,
    limits: Limits,
    address: impl Fn(&str) -> String,
    mut write: impl FnMut(&str, &[Entry]) -> Result<(), E>,
) -> Result<Vec<Part>, E> {
    let mut parts = Vec::new();
    let mut file: Vec<Entry> = Vec::new();
    let mut bytes = FILE_BYTES;
    let mut give = |file: &mut Vec<Entry>, parts: &mut Vec<Part>| {
        let name = part_file(parts.len() + 1);
        write(&name, file)?;
        parts.push(Part {
            loc: address(&name),
            lastmod: file.iter().filter_map(|entry| entry.lastmod.clone()).max(),
        });
        file.clear();
        Ok(())
    };
    for entry in entries {
        let size = entry_bytes(&entry);
        if !file.is_empty() && (file.len() >= limits.urls || bytes + size > limits.bytes) {
            give(&mut file, &mut parts)?;
            bytes = FILE_BYTES;
        }
        bytes += size;
        file.push(entry);
    }
    if !parts.is_empty() {
        give(&mut file, &mut parts)?;
        return Ok(parts);
    }
    write(FILE, &file)?;
    Ok(parts)
}

/// The file names of the parts a sitemap index (`xml`) names, in its order, when it is one
/// Evident writes; `None` for a sitemap that lists pages. A part is looked for beside the
/// index by its name alone: an index naming any other file names none of ours.
pub fn parts_named(xml: &str) -> Option<Vec<String>> {
    if !xml.contains("<sitemapindex") {
        return None;
    }
    Some(
        crate::check::urls::sitemap_locs(xml)
            .into_iter()
            .filter_map(|(loc, _)| loc.rsplit('/').next().map(str::to_string))
            .filter(|name| is_part(name))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(count: usize) -> impl Iterator<Item = Entry> {
        (0..count).map(|i| Entry {
            loc: format!("https://kb.example.org/questions/q{i}/"),
            lastmod: Some(format!("2026-01-{:02}", 1 + i % 28)),
        })
    }

    fn written(count: usize, limits: Limits) -> (Vec<(String, usize)>, Vec<Part>) {
        let mut files = Vec::new();
        let parts = write_in_parts::<()>(
            entries(count),
            limits,
            |name| format!("https://kb.example.org/{name}"),
            |name, file| {
                files.push((name.to_string(), file.len()));
                Ok(())
            },
        )
        .expect("no write fails");
        (files, parts)
    }

    #[test]
    fn a_site_within_the_limits_keeps_one_sitemap() {
        let (files, parts) = written(3, Limits { urls: 3, bytes: 10_000 });
        assert_eq!(files, [("sitemap.xml".to_string(), 3)]);
        assert!(parts.is_empty());
        let (files, _) = written(0, LIMITS);
        assert_eq!(files, [("sitemap.xml".to_string(), 0)]);
    }

    #[test]
    fn more_addresses_than_a_file_may_hold_are_split_into_numbered_parts() {
        let (files, parts) = written(7, Limits { urls: 3, bytes: 10_000 });
        assert_eq!(
            files,
            [
                ("sitemap-1.xml".to_string(), 3),
                ("sitemap-2.xml".to_string(), 3),
                ("sitemap-3.xml".to_string(), 1)
            ]
        );
        let locs: Vec<&str> = parts.iter().map(|p| p.loc.as_str()).collect();
        assert_eq!(
            locs,
            [
                "https://kb.example.org/sitemap-1.xml",
                "https://kb.example.org/sitemap-2.xml",
                "https://kb.example.org/sitemap-3.xml"
            ]
        );
        // Each part's newest change: the third of the 28 days cycled through.
        assert_eq!(parts[0].lastmod.as_deref(), Some("2026-01-03"));
        assert_eq!(parts[2].lastmod.as_deref(), Some("2026-01-07"));
    }

    #[test]
    fn a_file_is_closed_before_its_bytes_would_pass_the_limit() {
        let one = entry_bytes(&entries(1).next().expect("one"));
        // Room for two addresses a file, however many it could count.
        let (files, _) = written(
            5,
            Limits {
                urls: 100,
                bytes: FILE_BYTES + 2 * one + one / 2,
            },
        );
        let sizes: Vec<usize> = files.iter().map(|(_, n)| *n).collect();
        assert_eq!(sizes, [2, 2, 1]);
    }

    #[test]
    fn an_address_with_markup_counts_its_entities() {
        let plain = Entry {
            loc: "https://kb.example.org/a/".into(),
            lastmod: None,
        };
        let marked = Entry {
            loc: "https://kb.example.org/a&'/".into(),
            lastmod: None,
        };
        assert_eq!(entry_bytes(&marked), entry_bytes(&plain) + 2 + 10);
    }

    #[test]
    fn only_numbered_parts_are_parts() {
        for part in ["sitemap-1.xml", "sitemap-20.xml"] {
            assert!(is_part(part), "{part}");
        }
        for other in [
            "sitemap.xml",
            "sitemap-.xml",
            "sitemap-a.xml",
            "sitemap-1.xml.gz",
            "x/sitemap-1.xml",
        ] {
            assert!(!is_part(other), "{other}");
        }
    }

    #[test]
    fn an_index_names_its_parts_and_a_urlset_none() {
        let index = "<?xml version=\"1.0\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n  <sitemap>\n    <loc>https://kb.example.org/sitemap-1.xml</loc>\n  </sitemap>\n  <sitemap>\n    <loc>https://kb.example.org/sitemap-2.xml</loc>\n  </sitemap>\n  <sitemap>\n    <loc>https://elsewhere.example/../secret.xml</loc>\n  </sitemap>\n</sitemapindex>\n";
        assert_eq!(
            parts_named(index),
            Some(vec!["sitemap-1.xml".to_string(), "sitemap-2.xml".to_string()])
        );
        let urlset = "<urlset><url><loc>https://kb.example.org/</loc></url></urlset>";
        assert_eq!(parts_named(urlset), None);
    }
}
