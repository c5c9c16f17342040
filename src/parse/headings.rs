//! A body's headings as the whole build keeps them: every heading's id (what `#fragment`
//! links may name) and, for the table of contents (levels 2 and 3), its text, in one
//! string with a 12-byte mark per heading.
//!
//! Held as a `Vec<TocEntry>` and a `Vec<String>` of ids, the same headings were ~1.1 KB an
//! article for the whole build: each id twice, three allocations a heading and their
//! slack. The search index, the graph and the link checks read them across articles, so
//! they stay in memory, only smaller.

use super::markdown::TocEntry;
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Headings {
    /// Each heading's id, then its text when it is in the table of contents.
    text: Box<str>,
    marks: Box<[Mark]>,
}

/// Where one heading's id and text end in `Headings::text`; its id starts where the
/// previous heading's text ended. A level of 0 keeps it out of the table of contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Mark {
    level: u8,
    id_end: u32,
    text_end: u32,
}

/// One entry of the table of contents, as templates see it (the fields of `TocEntry`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TocItem<'a> {
    pub level: u8,
    pub id: &'a str,
    pub text: &'a str,
}

impl Headings {
    /// `toc` is the table of contents, `anchors` every heading's id in order (the toc's
    /// among them, as the renderer makes them). `None` if the text would pass 4 GiB, which
    /// no file a build accepts can make.
    pub fn new(toc: &[TocEntry], anchors: &[String]) -> Option<Headings> {
        let mut text = String::with_capacity(
            anchors.iter().map(String::len).sum::<usize>() + toc.iter().map(|t| t.text.len()).sum::<usize>(),
        );
        let mut marks = Vec::with_capacity(anchors.len());
        let mut toc = toc.iter().peekable();
        for id in anchors {
            text.push_str(id);
            let id_end = u32::try_from(text.len()).ok()?;
            let level = match toc.next_if(|entry| &entry.id == id) {
                Some(entry) => {
                    text.push_str(&entry.text);
                    entry.level
                }
                None => 0,
            };
            let text_end = u32::try_from(text.len()).ok()?;
            marks.push(Mark {
                level,
                id_end,
                text_end,
            });
        }
        // An entry whose id is no anchor cannot come from the renderer; keep it all the same.
        for entry in toc {
            text.push_str(&entry.id);
            let id_end = u32::try_from(text.len()).ok()?;
            text.push_str(&entry.text);
            marks.push(Mark {
                level: entry.level.max(1),
                id_end,
                text_end: u32::try_from(text.len()).ok()?,
            });
        }
        Some(Headings {
            text: text.into_boxed_str(),
            marks: marks.into_boxed_slice(),
        })
    }

    /// Each heading as (level, id, text): level 0 and no text out of the contents. A mark
    /// that points outside the text (a damaged cache entry) reads as empty, never panics.
    fn each(&self) -> impl Iterator<Item = (u8, &str, &str)> {
        let mut start = 0;
        self.marks.iter().map(move |mark| {
            let (id_end, text_end) = (mark.id_end as usize, mark.text_end as usize);
            let id = self.text.get(start..id_end).unwrap_or_default();
            let text = self.text.get(id_end..text_end).unwrap_or_default();
            start = text_end;
            (mark.level, id, text)
        })
    }

    /// Every heading's id, in order: what `#fragment` links may name.
    pub fn anchors(&self) -> impl Iterator<Item = &str> {
        self.each().map(|(_, id, _)| id)
    }

    /// The table of contents: the headings of levels 2 and 3, in order.
    pub fn toc(&self) -> impl Iterator<Item = TocItem<'_>> {
        self.each()
            .filter(|(level, _, _)| *level != 0)
            .map(|(level, id, text)| TocItem { level, id, text })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(level: u8, id: &str, text: &str) -> TocEntry {
        TocEntry {
            level,
            id: id.into(),
            text: text.into(),
        }
    }

    #[test]
    fn gives_back_the_contents_and_every_anchor() {
        let toc = [
            entry(2, "dose", "Dose"),
            entry(3, "dose-1", "Dose in kidney disease"),
            entry(2, "sources", "Sources é 中文"),
        ];
        let anchors: Vec<String> = ["dose", "dose-1", "deep-detail", "sources", "section"]
            .map(String::from)
            .to_vec();
        let headings = Headings::new(&toc, &anchors).expect("small");
        assert_eq!(headings.anchors().collect::<Vec<_>>(), anchors);
        let items: Vec<TocItem<'_>> = headings.toc().collect();
        assert_eq!(
            items,
            toc.iter()
                .map(|t| TocItem {
                    level: t.level,
                    id: &t.id,
                    text: &t.text
                })
                .collect::<Vec<_>>()
        );
        // Templates see the fields of a `TocEntry`.
        assert_eq!(
            serde_json::to_string(&items).expect("json"),
            serde_json::to_string(&toc).expect("json")
        );
        let empty = Headings::new(&[], &[]).expect("empty");
        assert_eq!(empty.anchors().count() + empty.toc().count(), 0);
    }

    #[test]
    fn reads_back_as_stored_and_a_damaged_mark_reads_empty() {
        let headings = Headings::new(&[entry(2, "a", "A")], &["a".into(), "b".into()]).expect("small");
        let json = serde_json::to_string(&headings).expect("json");
        let back: Headings = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, headings);
        let damaged = json.replace("\"text_end\":2", "\"text_end\":200");
        assert_ne!(damaged, json);
        let damaged: Headings = serde_json::from_str(&damaged).expect("still JSON");
        assert_eq!(
            damaged.toc().next(),
            Some(TocItem {
                level: 2,
                id: "a",
                text: ""
            })
        );
    }
}
