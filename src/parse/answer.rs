//! An article's answers (`answer`, `plain_answer`) once parsed. Their text stays in memory:
//! listings, the search index, the graph, JSON-LD and the reader text quote it. Their HTML
//! is read by the article's own page alone, so it is packed (`crate::packed`) and, once the
//! parse job is done, written to the build's spill (`Answer::spill`); the page reads it
//! back. The links the checks across articles judge stay (most answers have none). What
//! the renderer gives besides (`Rendered`'s digest, embedded images, headings) is read
//! while the article is parsed, for its fingerprint and its own checks, and not kept: held
//! as `Rendered`, the two answers were ~0.45 KB of struct and ~0.7 KB of heap an article.

use super::markdown::{Link, Rendered};
use crate::packed::{PackedText, Spill, UnpackError};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::Arc;

#[derive(Debug)]
pub struct Answer {
    /// The text without markup or citation markers, whitespace collapsed.
    pub plain: Box<str>,
    html: PackedText,
    /// Links and images into the site, for the link checks (`Rendered::links`).
    pub links: Vec<Link>,
    /// Links and images to other sites, for `check --external`.
    pub external: Vec<Link>,
}

impl Answer {
    pub fn from_rendered(rendered: Rendered) -> Answer {
        Answer {
            plain: rendered.plain.into_boxed_str(),
            html: PackedText::pack(&rendered.html),
            links: rendered.links,
            external: rendered.external,
        }
    }

    /// The answer's HTML, unpacked.
    pub fn html(&self) -> Result<String, UnpackError> {
        self.html.unpack()
    }

    /// Moves the HTML to `spill`: it stays in memory, packed, if the write fails.
    pub fn spill(&mut self, spill: &Arc<Spill>) {
        self.html.spill(spill);
    }
}

impl Default for Answer {
    fn default() -> Answer {
        Answer {
            plain: Box::default(),
            html: PackedText::pack(""),
            links: Vec::new(),
            external: Vec::new(),
        }
    }
}

/// What the build cache stores of an answer: its HTML as text, whichever way it is held.
#[derive(Serialize, Deserialize)]
struct Stored<'a> {
    html: Cow<'a, str>,
    plain: Cow<'a, str>,
    links: Cow<'a, [Link]>,
    external: Cow<'a, [Link]>,
}

impl Serialize for Answer {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let html = self.html().map_err(serde::ser::Error::custom)?;
        Stored {
            html: Cow::Owned(html),
            plain: Cow::Borrowed(&self.plain),
            links: Cow::Borrowed(&self.links),
            external: Cow::Borrowed(&self.external),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Answer, D::Error> {
        let stored = Stored::deserialize(deserializer)?;
        Ok(Answer {
            plain: stored.plain.into_owned().into_boxed_str(),
            html: PackedText::pack(&stored.html),
            links: stored.links.into_owned(),
            external: stored.external.into_owned(),
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
            html: PackedText::pack("Start <em>low</em>, with 5 mg <sup><a href=\"#ref-1\">1</a></sup> — é 中文."),
            links: vec![link("@warfarin-dose")],
            external: vec![link("https://example.org/")],
        }
    }

    #[test]
    fn spilled_html_reads_back_and_the_cache_stores_the_same_either_way() {
        let kept = answer();
        let stored = serde_json::to_string(&kept).expect("json");
        let mut spilled = answer();
        let spill = Spill::create().expect("a temporary file");
        spilled.spill(&spill);
        assert!(format!("{spilled:?}").contains("spilled"), "{spilled:?}");
        assert_eq!(spilled.html().expect("reads back"), kept.html().expect("unpacks"));
        assert_eq!(serde_json::to_string(&spilled).expect("json"), stored);
        let recalled: Answer = serde_json::from_str(&stored).expect("reads");
        assert_eq!(recalled.html().expect("unpacks"), kept.html().expect("unpacks"));
        assert_eq!(
            (&recalled.plain, &recalled.links, &recalled.external),
            (&kept.plain, &kept.links, &kept.external)
        );
    }
}
