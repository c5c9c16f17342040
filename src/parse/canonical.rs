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
                if let Some(name) = end_name(end) {
                    self.token("end", &[name]);
                    return;
                }
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
        // Most runs of text have nothing to collapse: hashed as they are, not copied.
        if !has_whitespace_to_collapse(&self.text) {
            let text = std::mem::take(&mut self.text);
            self.token("text", &[&text]);
            self.text = text;
            self.text.clear();
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
            self.hasher.update(length_prefix(field.len()).as_bytes());
            self.hasher.update(field.as_bytes());
        }
        self.hasher.update(b"\n");
    }
}

/// ` N:` for a field of `length` bytes, written without the formatting machinery: every
/// event of every text frames at least one field.
fn length_prefix(length: usize) -> LengthPrefix {
    let mut bytes = [0u8; LengthPrefix::CAPACITY];
    let mut start = bytes.len() - 1;
    bytes[start] = b':';
    let mut rest = length;
    loop {
        start -= 1;
        bytes[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    start -= 1;
    bytes[start] = b' ';
    LengthPrefix { bytes, start }
}

struct LengthPrefix {
    bytes: [u8; LengthPrefix::CAPACITY],
    start: usize,
}

impl LengthPrefix {
    /// A space, the twenty digits of the largest `usize`, and a colon.
    const CAPACITY: usize = 22;

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[self.start..]
    }
}

/// The name `{end:?}` gives, for the ends every text is made of; `None` for the rare ones,
/// which are formatted.
fn end_name(end: &pulldown_cmark::TagEnd) -> Option<&'static str> {
    use pulldown_cmark::{HeadingLevel, TagEnd};
    Some(match end {
        TagEnd::Paragraph => "Paragraph",
        TagEnd::Item => "Item",
        TagEnd::List(false) => "List(false)",
        TagEnd::List(true) => "List(true)",
        TagEnd::Emphasis => "Emphasis",
        TagEnd::Strong => "Strong",
        TagEnd::Link => "Link",
        TagEnd::Image => "Image",
        TagEnd::CodeBlock => "CodeBlock",
        TagEnd::Heading(HeadingLevel::H2) => "Heading(H2)",
        TagEnd::Heading(HeadingLevel::H3) => "Heading(H3)",
        TagEnd::Heading(HeadingLevel::H4) => "Heading(H4)",
        TagEnd::Table => "Table",
        TagEnd::TableHead => "TableHead",
        TagEnd::TableRow => "TableRow",
        TagEnd::TableCell => "TableCell",
        TagEnd::BlockQuote(None) => "BlockQuote(None)",
        _ => return None,
    })
}

/// Whether `collapse_ascii_whitespace` would change `text`: it holds ASCII whitespace other
/// than single spaces.
fn has_whitespace_to_collapse(text: &str) -> bool {
    let mut after_space = false;
    for &byte in text.as_bytes() {
        match byte {
            b' ' if after_space => return true,
            b' ' => after_space = true,
            b'\t' | b'\n' | b'\r' | b'\x0c' => return true,
            _ => after_space = false,
        }
    }
    false
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
    use super::{collapse_ascii_whitespace, end_name, has_whitespace_to_collapse, length_prefix};
    use pulldown_cmark::{BlockQuoteKind, HeadingLevel, MetadataBlockKind, TagEnd};

    #[test]
    fn ends_are_named_as_their_debug_form_names_them() {
        let levels = [
            HeadingLevel::H1,
            HeadingLevel::H2,
            HeadingLevel::H3,
            HeadingLevel::H4,
            HeadingLevel::H5,
            HeadingLevel::H6,
        ];
        let mut ends = vec![
            TagEnd::Paragraph,
            TagEnd::BlockQuote(None),
            TagEnd::BlockQuote(Some(BlockQuoteKind::Note)),
            TagEnd::CodeBlock,
            TagEnd::HtmlBlock,
            TagEnd::List(false),
            TagEnd::List(true),
            TagEnd::Item,
            TagEnd::FootnoteDefinition,
            TagEnd::DefinitionList,
            TagEnd::DefinitionListTitle,
            TagEnd::DefinitionListDefinition,
            TagEnd::Table,
            TagEnd::TableHead,
            TagEnd::TableRow,
            TagEnd::TableCell,
            TagEnd::Emphasis,
            TagEnd::Strong,
            TagEnd::Strikethrough,
            TagEnd::Superscript,
            TagEnd::Subscript,
            TagEnd::Link,
            TagEnd::Image,
            TagEnd::MetadataBlock(MetadataBlockKind::YamlStyle),
        ];
        ends.extend(levels.map(TagEnd::Heading));
        let mut named = 0;
        for end in ends {
            if let Some(name) = end_name(&end) {
                assert_eq!(name, format!("{end:?}"));
                named += 1;
            }
        }
        assert!(named >= 17, "the common ends are named: {named}");
    }

    #[test]
    fn length_prefixes_are_what_formatting_writes() {
        for length in [0, 1, 9, 10, 99, 100, 12345, usize::MAX] {
            assert_eq!(length_prefix(length).as_bytes(), format!(" {length}:").as_bytes());
        }
    }

    #[test]
    fn text_is_left_as_it_is_exactly_when_collapsing_keeps_it() {
        for text in [
            "",
            " ",
            "a b",
            "a  b",
            "a\nb",
            "a\tb",
            " lead",
            "trail ",
            "10\u{a0}mg",
            "é\u{2003} ü",
            "x\r",
            "\x0c",
        ] {
            assert_eq!(
                has_whitespace_to_collapse(text),
                collapse_ascii_whitespace(text) != text,
                "{text:?}"
            );
        }
    }

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
