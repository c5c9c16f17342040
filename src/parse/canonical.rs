//! The reader-visible form of a rendered Markdown text, hashed for the approval fingerprint.
//!
//! It reads the events the renderer hands to the HTML writer (citations already resolved
//! to their numbered markers, raw HTML already turned into text), so two sources that
//! render the same page — a soft wrap or a run of blank lines, `-` or `*` bullets, `*a*`
//! or `_a_`, a citation key renamed everywhere — hash the same, and any difference a
//! reader could see does not. Only ASCII whitespace is collapsed, as a browser collapses
//! it; a no-break space is text.

use pulldown_cmark::{Event, LinkType, Tag};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt::Write as _;

/// A SHA-256 of a text's canonical event stream.
pub type ContentDigest = [u8; 32];

pub struct CanonicalHasher {
    hasher: Sha256,
    /// Adjacent text (and soft breaks) joined, so that where the source wraps does not count.
    text: String,
    /// Footnotes by label, numbered as a reader sees them: in order of first appearance.
    footnotes: HashMap<String, usize>,
    /// Inside a code block, where every space shows.
    verbatim: bool,
    /// Reused for each token's framing: every article's every event passes through here.
    scratch: String,
    /// Reused for each run of text with its whitespace collapsed.
    collapsed: String,
    /// Reused for the name of each closing tag: one closes every element of every text.
    end_name: String,
}

impl Default for CanonicalHasher {
    fn default() -> Self {
        CanonicalHasher {
            hasher: Sha256::new(),
            text: String::new(),
            footnotes: HashMap::new(),
            verbatim: false,
            scratch: String::new(),
            collapsed: String::new(),
            end_name: String::new(),
        }
    }
}

impl CanonicalHasher {
    pub fn event(&mut self, event: &Event<'_>) {
        match event {
            Event::Text(text) if self.verbatim => self.token("pre", &[text]),
            Event::Text(text) => self.text.push_str(text),
            Event::SoftBreak => self.text.push(' '),
            other => {
                self.flush_text();
                self.structural(other);
            }
        }
    }

    pub fn finish(mut self) -> ContentDigest {
        self.flush_text();
        self.hasher.finalize().into()
    }

    fn structural(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(end) => {
                self.verbatim &= *end != pulldown_cmark::TagEnd::CodeBlock;
                let mut name = std::mem::take(&mut self.end_name);
                name.clear();
                let _ = write!(name, "{end:?}");
                self.token("end", &[&name]);
                self.end_name = name;
            }
            Event::Code(code) => self.token("code", &[code]),
            Event::InlineMath(math) => self.token("math", &[math]),
            Event::DisplayMath(math) => self.token("display-math", &[math]),
            // Trusted markup the renderer made itself: citation markers, alert frames.
            Event::Html(html) | Event::InlineHtml(html) => self.token("html", &[html]),
            Event::FootnoteReference(label) => {
                let number = self.footnote(label);
                self.token("footnote-ref", &[&number]);
            }
            Event::HardBreak => self.token("br", &[]),
            Event::Rule => self.token("hr", &[]),
            Event::TaskListMarker(done) => self.token("task", &[if *done { "x" } else { " " }]),
            Event::Text(_) | Event::SoftBreak => {}
        }
    }

    fn start(&mut self, tag: &Tag<'_>) {
        match tag {
            Tag::Paragraph => self.token("p", &[]),
            Tag::Heading {
                level,
                id,
                classes,
                attrs,
            } => {
                let mut fields = vec![format!("{level:?}"), id.as_deref().unwrap_or("").to_string()];
                fields.extend(classes.iter().map(|c| format!("class={c}")));
                fields.extend(attrs.iter().map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or(""))));
                let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
                self.token("heading", &fields);
            }
            Tag::BlockQuote(kind) => self.token("quote", &[&format!("{kind:?}")]),
            Tag::CodeBlock(kind) => {
                let language = match kind {
                    pulldown_cmark::CodeBlockKind::Fenced(info) => info.as_ref(),
                    pulldown_cmark::CodeBlockKind::Indented => "",
                };
                self.verbatim = true;
                self.token("code-block", &[language]);
            }
            Tag::HtmlBlock => self.token("html-block", &[]),
            Tag::List(start) => match start {
                Some(n) => self.token("ol", &[&n.to_string()]),
                None => self.token("ul", &[]),
            },
            Tag::Item => self.token("li", &[]),
            Tag::FootnoteDefinition(label) => {
                let number = self.footnote(label);
                self.token("footnote", &[&number]);
            }
            Tag::DefinitionList => self.token("dl", &[]),
            Tag::DefinitionListTitle => self.token("dt", &[]),
            Tag::DefinitionListDefinition => self.token("dd", &[]),
            Tag::Table(alignments) => self.token("table", &[&format!("{alignments:?}")]),
            Tag::TableHead => self.token("thead", &[]),
            Tag::TableRow => self.token("tr", &[]),
            Tag::TableCell => self.token("td", &[]),
            Tag::Emphasis => self.token("em", &[]),
            Tag::Strong => self.token("strong", &[]),
            Tag::Strikethrough => self.token("del", &[]),
            Tag::Superscript => self.token("sup", &[]),
            Tag::Subscript => self.token("sub", &[]),
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => {
                // `<a@b.org>` is written out as a mailto: link.
                let href = if *link_type == LinkType::Email {
                    format!("mailto:{dest_url}")
                } else {
                    dest_url.to_string()
                };
                self.token("a", &[&href, title]);
            }
            Tag::Image { dest_url, title, .. } => self.token("img", &[dest_url, title]),
            Tag::MetadataBlock(kind) => self.token("metadata", &[&format!("{kind:?}")]),
        }
    }

    fn footnote(&mut self, label: &str) -> String {
        let next = self.footnotes.len() + 1;
        self.footnotes.entry(label.to_lowercase()).or_insert(next).to_string()
    }

    fn flush_text(&mut self) {
        if self.text.is_empty() {
            return;
        }
        // Both buffers are kept for the next run of text.
        let (text, mut collapsed) = (std::mem::take(&mut self.text), std::mem::take(&mut self.collapsed));
        collapse_ascii_whitespace_into(&text, &mut collapsed);
        self.token("text", &[&collapsed]);
        (self.text, self.collapsed) = (text, collapsed);
        self.text.clear();
    }

    /// Each field length-prefixed: no text can pass for a token boundary.
    fn token(&mut self, kind: &str, fields: &[&str]) {
        self.hasher.update(kind.as_bytes());
        for field in fields {
            self.scratch.clear();
            let _ = write!(self.scratch, " {}:", field.len());
            self.hasher.update(self.scratch.as_bytes());
            self.hasher.update(field.as_bytes());
        }
        self.hasher.update(b"\n");
    }
}

/// Runs of space, tab, line feed, form feed and carriage return become one space, as HTML
/// renders them; every other character, the no-break space included, is kept.
#[cfg(test)]
fn collapse_ascii_whitespace(text: &str) -> String {
    let mut out = String::new();
    collapse_ascii_whitespace_into(text, &mut out);
    out
}

/// `collapse_ascii_whitespace` into `out` (cleared first), copying the text between
/// whitespace runs slice by slice: ASCII whitespace bytes never occur inside a multi-byte
/// UTF-8 character, so every cut falls on a character boundary.
fn collapse_ascii_whitespace_into(text: &str, out: &mut String) {
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    out.clear();
    out.reserve(text.len());
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let word_end = bytes[at..].iter().position(is_space).map_or(bytes.len(), |n| at + n);
        out.push_str(&text[at..word_end]);
        if word_end == bytes.len() {
            break;
        }
        out.push(' ');
        at = bytes[word_end..]
            .iter()
            .position(|b| !is_space(b))
            .map_or(bytes.len(), |n| word_end + n);
    }
}

#[cfg(test)]
mod tests {
    use super::collapse_ascii_whitespace;

    #[test]
    fn collapses_only_what_a_browser_collapses() {
        assert_eq!(collapse_ascii_whitespace("a \n\t b"), "a b");
        assert_eq!(collapse_ascii_whitespace("10\u{a0}mg"), "10\u{a0}mg");
        assert_ne!(
            collapse_ascii_whitespace("10\u{a0}mg"),
            collapse_ascii_whitespace("10 mg")
        );
        for (text, collapsed) in [
            ("", ""),
            (" ", " "),
            ("\r\n\x0c", " "),
            ("  lead and trail\t", " lead and trail "),
            ("é\u{2003}\n ü", "é\u{2003} ü"),
            ("a\u{85}b", "a\u{85}b"),
        ] {
            assert_eq!(collapse_ascii_whitespace(text), collapsed, "{text:?}");
        }
    }
}
