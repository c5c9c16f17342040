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
}

impl Default for CanonicalHasher {
    fn default() -> Self {
        CanonicalHasher {
            hasher: Sha256::new(),
            text: String::new(),
            footnotes: HashMap::new(),
            verbatim: false,
            scratch: String::new(),
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
                self.token("end", &[&format!("{end:?}")]);
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
        let text = std::mem::take(&mut self.text);
        let collapsed = collapse_ascii_whitespace(&text);
        self.token("text", &[&collapsed]);
        // The buffer is kept for the next run of text.
        self.text = text;
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
fn collapse_ascii_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c') {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
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
    }
}
