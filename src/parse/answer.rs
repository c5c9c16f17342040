//! An article's answers (`answer`, `plain_answer`) once parsed. Their text stays in memory:
//! listings, the search index, the graph, JSON-LD and the reader text quote it. Their HTML
//! is read by the article's own page alone, so it is packed (`crate::packed`) and, once the
//! parse job is done, written to the build's spill (`Answer::spill`); the page reads it
//! back. The links the checks across articles judge stay, in a box that an answer without
//! links (most answers) does not hold. What the renderer gives besides (`Rendered`'s
//! digest, embedded images, headings) is read while the article is parsed, for its
//! fingerprint and its own checks, and not kept: held as `Rendered`, the two answers were
//! ~0.45 KB of struct and ~0.7 KB of heap an article.
//!
//! The build cache stores an answer's HTML apart from the rest of it, packed as it is held
//! (`packed_html`), and holds a recalled one where it is in the cache (`restore_html`), as
//! it does a body's: a build after one edit neither packs nor spills ten thousand answers
//! again.

use super::markdown::{Link, Rendered};
use crate::packed::{Holding, PackedText, Spill, UnpackError};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::Arc;

#[derive(Debug)]
pub struct Answer {
    /// The text without markup or citation markers, whitespace collapsed.
    pub plain: Box<str>,
    /// `None` only in an answer read back from the build cache before its HTML is restored.
    html: Option<PackedText>,
    /// Its links, for the checks; `None` for an answer without any, as most are.
    links: Option<Box<Links>>,
}

#[derive(Debug)]
struct Links {
    /// Links and images into the site, for the link checks (`Rendered::links`).
    into_site: Vec<Link>,
    /// Links and images to other sites, for `check --external`.
    external: Vec<Link>,
}

/// `None` when there are no links at all.
fn boxed(into_site: Vec<Link>, external: Vec<Link>) -> Option<Box<Links>> {
    (!into_site.is_empty() || !external.is_empty()).then(|| Box::new(Links { into_site, external }))
}

impl Answer {
    pub fn from_rendered(rendered: Rendered) -> Answer {
        Answer {
            plain: rendered.plain.into_boxed_str(),
            html: Some(PackedText::pack(&rendered.html)),
            links: boxed(rendered.links, rendered.external),
        }
    }

    /// Links and images into the site, for the link checks (`Rendered::links`).
    pub fn links(&self) -> &[Link] {
        self.links.as_ref().map_or(&[], |links| &links.into_site)
    }

    /// Links and images to other sites, for `check --external`.
    pub fn external(&self) -> &[Link] {
        self.links.as_ref().map_or(&[], |links| &links.external)
    }

    /// The answer's HTML, unpacked.
    pub fn html(&self) -> Result<String, UnpackError> {
        self.held()?.unpack()
    }

    /// Moves the HTML to `spill`: it stays in memory, packed, if the write fails.
    pub fn spill(&mut self, spill: &Arc<Spill>) {
        if let Some(html) = &mut self.html {
            html.spill(spill);
        }
    }

    /// The packed HTML, as `restore_html` takes it back (for the build cache).
    pub fn packed_html(&self) -> Result<Vec<u8>, UnpackError> {
        self.held()?.packed()
    }

    /// Holds `packed` (from `packed_html`) as the HTML again, where `holding` says; false,
    /// and nothing held, when the bytes are too short to be packed text.
    pub fn restore_html(&mut self, packed: &[u8], holding: Holding<'_>) -> bool {
        self.html = PackedText::from_packed(packed, holding);
        self.html.is_some()
    }

    fn held(&self) -> Result<&PackedText, UnpackError> {
        self.html
            .as_ref()
            .ok_or_else(|| UnpackError::new("read back from the build cache without its HTML"))
    }
}

impl Default for Answer {
    fn default() -> Answer {
        Answer {
            plain: Box::default(),
            html: Some(PackedText::pack("")),
            links: None,
        }
    }
}

/// What the build cache stores of an answer with the article: all but its HTML, which it
/// keeps apart (`packed_html`).
#[derive(Serialize, Deserialize)]
struct Stored<'a> {
    plain: Cow<'a, str>,
    links: Cow<'a, [Link]>,
    external: Cow<'a, [Link]>,
}

impl Serialize for Answer {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Stored {
            plain: Cow::Borrowed(&self.plain),
            links: Cow::Borrowed(self.links()),
            external: Cow::Borrowed(self.external()),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Answer, D::Error> {
        let stored = Stored::deserialize(deserializer)?;
        Ok(Answer {
            plain: stored.plain.into_owned().into_boxed_str(),
            html: None,
            links: boxed(stored.links.into_owned(), stored.external.into_owned()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Position;

    fn answer() -> Answer {
        let link = |url: &str| Link {
            url: url.to_string(),
            at: Position::new(3, 9),
            image: false,
        };
        Answer {
            plain: "Start low, with 5 mg — é 中文.".into(),
            html: Some(PackedText::pack(
                "Start <em>low</em>, with 5 mg <sup><a href=\"#ref-1\">1</a></sup> — é 中文.",
            )),
            links: boxed(vec![link("@warfarin-dose")], vec![link("https://example.org/")]),
        }
    }

    #[test]
    fn spilled_html_reads_back_and_the_cache_stores_the_same_either_way() {
        let kept = answer();
        let stored = serde_json::to_string(&kept).expect("json");
        let packed = kept.packed_html().expect("packed");
        let mut spilled = answer();
        let spill = Spill::create().expect("a temporary file");
        spilled.spill(&spill);
        assert!(format!("{spilled:?}").contains("spilled"), "{spilled:?}");
        assert_eq!(spilled.html().expect("reads back"), kept.html().expect("unpacks"));
        assert_eq!(kept.links().len() + kept.external().len(), 2);
        assert_eq!(serde_json::to_string(&spilled).expect("json"), stored);
        assert_eq!(spilled.packed_html().expect("read back"), packed);

        let mut recalled: Answer = serde_json::from_str(&stored).expect("reads");
        assert!(recalled.html().is_err(), "no HTML until it is restored");
        assert!(!recalled.restore_html(&packed[..2], Holding::Copied(None)), "too short");
        assert!(recalled.html().is_err());
        assert!(recalled.restore_html(&packed, Holding::Copied(Some(&spill))));
        assert!(format!("{recalled:?}").contains("spilled"), "{recalled:?}");
        assert_eq!(recalled.html().expect("unpacks"), kept.html().expect("unpacks"));
        assert_eq!(
            (&recalled.plain, recalled.links(), recalled.external()),
            (&kept.plain, kept.links(), kept.external())
        );
    }
}
