//! Markdown to HTML: one pass over pulldown-cmark's events (kept, so that the evidence scan
//! reads the same ones) that resolves citations, names headings, highlights code, renders
//! clinical alerts and escapes any raw HTML.

use super::canonical::{CanonicalHasher, ContentDigest};
use super::citation::{CitationItem, Citer, ReadingOrder, parse_citation_label};
use super::highlight::highlight_code_block;
use crate::diagnostic::Position;
use crate::html::{escape, is_safe_url};
use crate::site_path::{Target, is_reserved, site_url};
use crate::text::collapse_whitespace;
use pulldown_cmark::{
    BlockQuoteKind, BrokenLink, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use std::cell::RefCell;
use std::collections::HashSet;
use std::ops::Range;

/// The one place that decides which Markdown extensions content may use.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// An article body or a page: headings, lists, tables, alerts.
    Block,
    /// A bottom-line answer: one paragraph of inline Markdown, without the `<p>`.
    Inline,
}

/// What a render produces besides the text's facts (plain text, headings, citations and
/// their findings, whether it holds code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// The HTML too, code highlighted: for pages.
    Html,
    /// No HTML: `evident check` reads only the facts, and writing and highlighting the HTML
    /// was a fifth of its time.
    FactsOnly,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub text: String,
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Rendered {
    pub html: String,
    /// The text without markup or citation markers: for summaries and feeds in inline mode,
    /// where runs of whitespace are collapsed; in block mode, only for its words (search),
    /// so whitespace is left as it comes.
    pub plain: String,
    pub toc: Vec<TocEntry>,
    pub has_code: bool,
    /// In inline mode: the text held a list, heading, table or other block.
    pub has_blocks: bool,
    /// The hash of what a reader sees of the text (`super::canonical`), for approvals.
    pub digest: ContentDigest,
    /// Local images the text embeds, their URLs as written (after neutralising).
    pub embeds: Vec<String>,
    /// Links and images into the site (pages, files, `#fragments`, `@slug`), as written
    /// and where each starts: what link checks judge.
    pub links: Vec<Link>,
    /// The id of every heading, in order: what `#fragment` links may name.
    pub anchors: Vec<String>,
    /// Links and images to other sites (`http:`, `https:`), for `check --external`.
    pub external: Vec<Link>,
}

/// A link or image of a text that points into the site.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Link {
    /// The URL as written.
    pub url: String,
    pub at: Position,
    /// An image (`![alt](url)`): it must name a file, not a page.
    pub image: bool,
}

/// A citation marker as pulldown-cmark reports it, with its byte span in the text.
struct PendingCitation {
    items: Vec<CitationItem>,
    start: usize,
    end: usize,
    /// Written inside a link's text (`[the trial [@a]](url)`). A link cannot hold a link,
    /// so CommonMark would unmake the outer one: such a citation stays text for the parser
    /// and its marker is written after the link instead.
    in_link: bool,
}

/// Internal link target for citations; a NUL cannot come from content (CommonMark
/// replaces it), so no author link can be mistaken for one.
const CITATION_URL_PREFIX: &str = "\0cite:";

/// Ids the page templates use themselves; headings never take them.
pub const RESERVED_IDS: &[&str] = &[
    "main",
    "top",
    "content",
    "bottom-line-heading",
    "toc-heading",
    "tracker-label",
    "answer-clinician",
    "answer-patient",
    "references-heading",
    "related-heading",
    "backlinks-heading",
    "topics-heading",
    "disclaimer-heading",
    "version-history",
    "version-history-heading",
];

/// One pass of pulldown-cmark over a text, kept so that the renderer and the evidence scan
/// (`super::evidence`) read the same events instead of parsing the text twice.
pub struct MarkdownEvents<'a> {
    pub text: &'a str,
    /// Every event with its byte range in `text`. A citation is a link whose target starts
    /// with `CITATION_URL_PREFIX` and names its entry in `citations`.
    pub events: Vec<(Event<'a>, Range<usize>)>,
    citations: Vec<PendingCitation>,
    /// Bracketed text that is not a link and could be a mistake: a shortcut label that looks
    /// like a hand-typed reference number, or a full reference link with no definition.
    pub suspicious_labels: Vec<(LinkType, Range<usize>)>,
    /// Link definitions whose label is a citation (`[@key]: …`), with their span and target.
    pub citation_definitions: Vec<(String, Range<usize>, String)>,
}

/// Parses `text` once. With `cites`, `[@key]` groups become citation links; without, they
/// stay text (plain pages have no references).
pub fn parse_events(text: &str, cites: bool) -> MarkdownEvents<'_> {
    let link_spans = if cites { link_spans(text) } else { Vec::new() };
    let citations: RefCell<Vec<PendingCitation>> = RefCell::new(Vec::new());
    let suspicious: RefCell<Vec<(LinkType, Range<usize>)>> = RefCell::new(Vec::new());
    let callback = |link: BrokenLink<'_>| -> Option<(CowStr<'_>, CowStr<'_>)> {
        match link.link_type {
            LinkType::Shortcut | LinkType::Collapsed => {
                if let Some(items) = parse_citation_label(&link.reference).filter(|_| cites) {
                    let mut citations = citations.borrow_mut();
                    let in_link = link_spans
                        .iter()
                        .any(|outer| outer.start < link.span.start && link.span.end <= outer.end);
                    citations.push(PendingCitation {
                        items,
                        start: link.span.start,
                        end: link.span.end,
                        in_link,
                    });
                    if in_link {
                        return None;
                    }
                    return Some((
                        format!("{CITATION_URL_PREFIX}{}", citations.len() - 1).into(),
                        "".into(),
                    ));
                }
                if super::evidence::is_hand_number(&link.reference) {
                    suspicious.borrow_mut().push((link.link_type, link.span));
                }
            }
            LinkType::Reference => suspicious.borrow_mut().push((link.link_type, link.span)),
            _ => {}
        }
        None
    };
    let mut parser = Parser::new_with_broken_link_callback(text, markdown_options(), Some(callback)).into_offset_iter();
    let events: Vec<(Event<'_>, Range<usize>)> = parser.by_ref().collect();
    let citation_definitions = parser
        .reference_definitions()
        .iter()
        .filter(|(label, _)| label.starts_with('@') && parse_citation_label(label).is_some())
        .map(|(label, definition)| (label.to_string(), definition.span.clone(), definition.dest.to_string()))
        .collect();
    drop(parser);
    MarkdownEvents {
        text,
        events,
        citations: citations.into_inner(),
        suspicious_labels: suspicious.into_inner(),
        citation_definitions,
    }
}

/// The spans of the links a text has when no citation is read as a link: the links a
/// citation in their text would otherwise unmake. Only texts that have both a citation
/// and a link destination are parsed this second time.
fn link_spans(text: &str) -> Vec<Range<usize>> {
    if !text.contains("[@") && !text.contains("@{") || !text.contains("](") && !text.contains("][") {
        return Vec::new();
    }
    Parser::new_ext(text, markdown_options())
        .into_offset_iter()
        .filter_map(|(event, range)| matches!(event, Event::Start(Tag::Link { .. })).then_some(range))
        .collect()
}

/// The text of `range` without the bytes of `cut` (citations written in a link's text),
/// when the event's text is the source as written; otherwise the event's text.
fn without_spans(text: &str, event_text: &str, range: &Range<usize>, cut: &[Range<usize>]) -> Option<String> {
    let overlapping: Vec<&Range<usize>> = cut
        .iter()
        .filter(|c| c.start < range.end && range.start < c.end)
        .collect();
    if overlapping.is_empty() || text.get(range.clone()) != Some(event_text) {
        return None;
    }
    let mut kept = String::new();
    let mut at = range.start;
    for span in overlapping {
        if span.start > at {
            kept.push_str(text.get(at..span.start)?);
        }
        at = at.max(span.end);
    }
    if at < range.end {
        kept.push_str(text.get(at..range.end)?);
    }
    Some(kept)
}

impl MarkdownEvents<'_> {
    /// Whether a citation is written in the text of the link spanning `link`: its marker
    /// follows the link, and the claim it is part of cites.
    pub fn cites_inside(&self, link: &Range<usize>) -> bool {
        self.citations
            .iter()
            .any(|c| c.in_link && link.start < c.start && c.end <= link.end)
    }
}

/// Whether a link target is one `parse_events` gave a citation.
pub fn is_citation_link(dest_url: &str) -> bool {
    dest_url.starts_with(CITATION_URL_PREFIX)
}

/// Renders `text`. `position_of` maps a byte offset of `text` to its place in the file so
/// that citation findings point at the right line.
/// `page_dir` is the folder of the page the text is shown on (`questions/<slug>/`), which
/// relative links are resolved against.
pub fn render_markdown(
    text: &str,
    mode: Mode,
    citer: Option<&mut Citer<'_>>,
    position_of: &dyn Fn(usize) -> Position,
    page_dir: &str,
) -> Rendered {
    let parsed = parse_events(text, citer.is_some());
    render_events(parsed, mode, citer, position_of, Output::Html, page_dir)
}

/// Renders what `parse_events` read. Links into the site are written under
/// `site_path::SITE_ROOT` (resolved against `page_dir`) for the render stage to put under
/// the base path; the digest reads them as written, so an approval outlives a new address.
pub fn render_events(
    parsed: MarkdownEvents<'_>,
    mode: Mode,
    citer: Option<&mut Citer<'_>>,
    position_of: &dyn Fn(usize) -> Position,
    output: Output,
    page_dir: &str,
) -> Rendered {
    let MarkdownEvents {
        text,
        events: parsed_events,
        citations: pending,
        ..
    } = parsed;
    let mut out = Rendered::default();
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut heading: Option<(usize, String)> = None;
    // The ids the page itself gives are never taken (`unique_id`): not copied in for each text.
    let mut used_ids: HashSet<String> = HashSet::new();
    let mut code: Option<(String, String)> = None;
    let mut alerts: Vec<bool> = Vec::new();
    let mut in_citation = false;
    let mut paragraphs = 0usize;
    // Citation markers are numbered after the pass, in reading order (see `ReadingOrder`):
    // each group leaves a placeholder event, `(slot, pending index)`.
    let mut reading = ReadingOrder::default();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut footnote: Option<String> = None;
    // Citation groups whose marker is plain text: in an image's alt text no markup can go.
    let mut in_alt: HashSet<usize> = HashSet::new();
    let mut images = 0usize;
    // The source spans of the links being written, innermost last, and of the citations
    // written in link text (see `PendingCitation::in_link`).
    let mut open_links: Vec<Range<usize>> = Vec::new();
    // The spaces before such a citation go with it: the link text ends at its last word.
    let link_citations: Vec<Range<usize>> = pending
        .iter()
        .filter(|c| c.in_link)
        .map(|c| {
            let before = text.get(..c.start).unwrap_or("");
            before.trim_end_matches([' ', '\t']).len()..c.end
        })
        .collect();

    for (event, range) in parsed_events {
        if in_citation {
            if matches!(event, Event::End(TagEnd::Link)) {
                in_citation = false;
            }
            continue;
        }
        if let Some((_, buffer)) = code.as_mut() {
            match event {
                Event::Text(t) => buffer.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (language, buffer) = code.take().unwrap_or_default();
                    out.has_code |= !language.is_empty();
                    // Kept as events (highlighted when the HTML is written), so that the
                    // fingerprint reads the code in either output.
                    events.push(Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(language.into()))));
                    events.push(Event::Text(buffer.into()));
                    events.push(Event::End(TagEnd::CodeBlock));
                }
                _ => {}
            }
            continue;
        }
        match &event {
            Event::Start(Tag::FootnoteDefinition(label)) => footnote = Some(label.to_string()),
            Event::End(TagEnd::FootnoteDefinition) => footnote = None,
            Event::FootnoteReference(label) => reading.footnote_reference(footnote.as_deref(), label),
            _ => {}
        }
        match event {
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with(CITATION_URL_PREFIX) => {
                in_citation = true;
                // "therapy [@a]." reads "therapy." in summaries.
                out.plain.truncate(out.plain.trim_end().len());
                let index: usize = dest_url[CITATION_URL_PREFIX.len()..].parse().unwrap_or(usize::MAX);
                if images > 0 {
                    in_alt.insert(groups.len());
                }
                reading.group(footnote.as_deref(), groups.len());
                groups.push((events.len(), index));
                events.push(Event::InlineHtml("".into()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = if is_safe_url(&dest_url) && !is_reserved(&dest_url) {
                    dest_url
                } else {
                    "#".into()
                };
                if points_into_site(&dest_url) {
                    out.links.push(Link {
                        url: dest_url.to_string(),
                        at: position_of(range.start),
                        image: false,
                    });
                } else if is_web_url(&dest_url) {
                    out.external.push(Link {
                        url: dest_url.to_string(),
                        at: position_of(range.start),
                        image: false,
                    });
                }
                open_links.push(range);
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Link) => {
                events.push(event);
                let Some(link) = open_links.pop() else {
                    continue;
                };
                for (index, citation) in pending.iter().enumerate() {
                    let inside = link.start < citation.start && citation.end <= link.end;
                    // An inner link's citations were written at its own end.
                    let deeper = open_links.last().is_some_and(|outer| outer.start >= link.start);
                    if citation.in_link && inside && !deeper {
                        if images > 0 {
                            in_alt.insert(groups.len());
                        }
                        reading.group(footnote.as_deref(), groups.len());
                        groups.push((events.len(), index));
                        events.push(Event::InlineHtml("".into()));
                    }
                }
            }
            Event::Text(ref t) if !open_links.is_empty() && !link_citations.is_empty() => {
                match without_spans(text, t, &range, &link_citations) {
                    Some(kept) => {
                        out.plain.push_str(&kept);
                        events.push(Event::Text(kept.into()));
                    }
                    None => {
                        out.plain.push_str(t);
                        events.push(event);
                    }
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                images += 1;
                let dest_url = if is_safe_url(&dest_url) && !is_reserved(&dest_url) {
                    dest_url
                } else {
                    "#".into()
                };
                if is_local_url(&dest_url) {
                    out.embeds.push(dest_url.to_string());
                }
                if points_into_site(&dest_url) {
                    out.links.push(Link {
                        url: dest_url.to_string(),
                        at: position_of(range.start),
                        image: true,
                    });
                } else if is_web_url(&dest_url) {
                    out.external.push(Link {
                        url: dest_url.to_string(),
                        at: position_of(range.start),
                        image: true,
                    });
                }
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Image) => {
                images = images.saturating_sub(1);
                events.push(event);
            }
            Event::Html(raw) | Event::InlineHtml(raw) => {
                // Content never injects markup: raw HTML is shown as the text it is.
                out.plain.push_str(&raw);
                events.push(Event::Text(raw));
            }
            Event::Start(Tag::HtmlBlock) => events.push(Event::Start(Tag::Paragraph)),
            Event::End(TagEnd::HtmlBlock) => events.push(Event::End(TagEnd::Paragraph)),
            Event::Start(Tag::CodeBlock(kind)) => {
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                out.has_blocks = true;
                code = Some((language, String::new()));
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                out.has_blocks = true;
                let level = if level == HeadingLevel::H1 {
                    HeadingLevel::H2
                } else {
                    level
                };
                heading = Some((events.len(), id.map(|i| i.to_string()).unwrap_or_default()));
                events.push(Event::Start(Tag::Heading {
                    level,
                    id: None,
                    classes,
                    attrs,
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                let level = if level == HeadingLevel::H1 {
                    HeadingLevel::H2
                } else {
                    level
                };
                if let Some((start, explicit)) = heading.take() {
                    let text = plain_text(&events[start + 1..]);
                    let wanted = if explicit.is_empty() {
                        slugify(&text)
                    } else {
                        slugify(&explicit)
                    };
                    let id = unique_id(if wanted.is_empty() { "section".into() } else { wanted }, &mut used_ids);
                    if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[start] {
                        *slot = Some(id.clone().into());
                    }
                    out.anchors.push(id.clone());
                    if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
                        out.toc.push(TocEntry {
                            level: level as u8,
                            id,
                            text,
                        });
                    }
                }
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::BlockQuote(kind)) => {
                out.has_blocks = true;
                match kind {
                    Some(kind) => {
                        alerts.push(true);
                        events.push(Event::Html(alert_open(kind).into()));
                    }
                    None => {
                        alerts.push(false);
                        events.push(Event::Start(Tag::BlockQuote(None)));
                    }
                }
            }
            Event::End(TagEnd::BlockQuote(kind)) => {
                if alerts.pop().unwrap_or(false) {
                    events.push(Event::Html("</div>\n".into()));
                } else {
                    events.push(Event::End(TagEnd::BlockQuote(kind)));
                }
            }
            Event::Start(Tag::Paragraph) if mode == Mode::Inline => {
                if paragraphs > 0 {
                    events.push(Event::Text(" ".into()));
                    out.plain.push(' ');
                }
                paragraphs += 1;
            }
            Event::End(TagEnd::Paragraph) if mode == Mode::Inline => {}
            Event::Start(Tag::List(_) | Tag::Table(_) | Tag::FootnoteDefinition(_)) => {
                out.has_blocks = true;
                events.push(event);
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                out.plain.push_str(t);
                events.push(event);
            }
            Event::SoftBreak | Event::HardBreak => {
                out.plain.push(' ');
                events.push(event);
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                out.plain.push(' ');
                events.push(event);
            }
            other => events.push(other),
        }
    }
    if let Some(citer) = citer {
        for group in reading.groups() {
            let Some(&(slot, index)) = groups.get(group) else {
                continue;
            };
            if let Some(citation) = pending.get(index) {
                let html = citer.cite(&citation.items, position_of(citation.start));
                events[slot] = if in_alt.contains(&group) {
                    Event::Text(format!("[{}]", marker_text(&html)).into())
                } else {
                    Event::InlineHtml(html.into())
                };
            }
        }
    }
    let mut canonical = CanonicalHasher::default();
    for event in &events {
        canonical.event(event);
    }
    out.digest = canonical.finish();
    if output == Output::Html {
        for event in &mut events {
            if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event
                && let Some(url) = site_url(page_dir, dest_url)
            {
                *dest_url = url.into();
            }
        }
        let mut html = String::with_capacity(text.len() + text.len() / 2);
        pulldown_cmark::html::push_html(&mut html, highlight_code_blocks(events));
        // An article's texts are packed at once (`crate::packed`), not held as they are, so
        // the string is not copied to its exact size here: what holds one does that.
        out.html = html;
    }
    if mode == Mode::Inline {
        out.plain = collapse_whitespace(&out.plain);
    }
    out
}

/// Code blocks as highlighted HTML; every other event as it is.
fn highlight_code_blocks<'a>(events: Vec<Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    let mut language: Option<String> = None;
    events.into_iter().filter_map(move |event| match event {
        Event::Start(Tag::CodeBlock(kind)) => {
            language = Some(match kind {
                CodeBlockKind::Fenced(info) => info.to_string(),
                CodeBlockKind::Indented => String::new(),
            });
            None
        }
        Event::Text(code) if language.is_some() => {
            let html = highlight_code_block(&code, language.as_deref().unwrap_or(""));
            Some(Event::Html(html.into()))
        }
        Event::End(TagEnd::CodeBlock) => {
            language = None;
            None
        }
        other => Some(other),
    })
}

/// A URL naming a file of this site rather than another site's (no scheme, not `//host`,
/// not a fragment): an embedded image whose bytes the reader sees.
fn is_local_url(url: &str) -> bool {
    crate::site_path::is_local(url)
}

/// A link to another site that `check --external` can fetch.
fn is_web_url(url: &str) -> bool {
    let lowered = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lowered.starts_with("http://") || lowered.starts_with("https://")
}

/// Whether link checks judge `url`: a page, file or place of this site (a bare `#` is the
/// neutralised form of a refused URL, and names nothing).
fn points_into_site(url: &str) -> bool {
    url != "#" && !matches!(crate::site_path::resolve("", url), Some(Target::Elsewhere))
}

/// A citation marker's text (`1(p33),2`), for where only text can go: an image's alt.
fn marker_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len() / 4);
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    // The marker escaped only these (`crate::html::escape_into`); `&amp;` goes last so
    // that an escaped entity is not decoded twice.
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn alert_open(kind: BlockQuoteKind) -> String {
    let (class, title) = match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    };
    format!(
        "<div class=\"alert alert-{class}\" role=\"note\"><p class=\"alert-title\">{}</p>\n",
        escape(title)
    )
}

fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        if let Event::Text(t) | Event::Code(t) = event {
            text.push_str(t);
        }
    }
    collapse_whitespace(&text)
}

/// A heading's anchor: lowercase words joined by hyphens.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.extend(c.to_lowercase());
        } else {
            pending_dash = true;
        }
    }
    slug
}

/// `wanted`, or `wanted-N` for the first N that makes it unique among the ids in `used` and
/// those the page gives itself (`RESERVED_IDS`, `is_generated_id`).
fn unique_id(wanted: String, used: &mut HashSet<String>) -> String {
    let mut take = |candidate: &str| {
        !is_generated_id(candidate) && !RESERVED_IDS.contains(&candidate) && used.insert(candidate.to_string())
    };
    if take(&wanted) {
        return wanted;
    }
    (1..)
        .map(|n| format!("{wanted}-{n}"))
        .find(|candidate| take(candidate))
        .unwrap_or(wanted)
}

/// `ref-N` and `cite-N` name reference entries and citation markers on every article page.
fn is_generated_id(id: &str) -> bool {
    ["ref-", "cite-"].iter().any(|prefix| {
        id.strip_prefix(prefix)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str, mode: Mode) -> Rendered {
        let mut citer = Citer::new(["a", "b"]);
        render_markdown(text, mode, Some(&mut citer), &|_| Position::START, "questions/a/")
    }

    #[test]
    fn escapes_raw_html() {
        let out = render(
            "Hello <script>alert(1)</script>\n\n<div onclick=x>y</div>\n",
            Mode::Block,
        );
        assert!(!out.html.contains("<script"), "{}", out.html);
        assert!(!out.html.contains("<div"), "{}", out.html);
        assert!(out.html.contains("&lt;script&gt;"));
    }

    #[test]
    fn a_citation_in_link_text_keeps_the_link_and_follows_it() {
        let inline = render(
            "Read [the *VISION* trial [@a]](https://example.org/v) now.",
            Mode::Block,
        );
        assert!(
            inline.html.contains(
                "<a href=\"https://example.org/v\">the <em>VISION</em> trial</a><sup class=\"cite\" id=\"cite-1\"><a href=\"#ref-1\">1</a></sup> now."
            ),
            "{}",
            inline.html
        );
        let by_reference = render(
            "Read [the trial [@b; @a]][v].\n\n[v]: https://example.org/v\n",
            Mode::Block,
        );
        assert!(
            by_reference
                .html
                .contains("<a href=\"https://example.org/v\">the trial</a><sup class=\"cite\""),
            "{}",
            by_reference.html
        );
        // Without a link around it, nothing changes.
        let plain = render("Plain [@a] text.", Mode::Block);
        assert!(plain.html.contains("Plain <sup class=\"cite\""), "{}", plain.html);
    }

    #[test]
    fn a_citation_in_alt_text_is_text_there() {
        let out = render("![Curve [@a, p. 3]](https://example.org/c.png)", Mode::Block);
        assert!(out.html.contains("alt=\"Curve [1(p3)]\""), "{}", out.html);
    }

    #[test]
    fn neutralises_script_links() {
        let out = render("[x](javascript:alert(1)) [y](https://example.org)", Mode::Block);
        assert!(out.html.contains("href=\"#\""), "{}", out.html);
        assert!(out.html.contains("href=\"https://example.org\""));
    }

    #[test]
    fn names_headings_uniquely_and_builds_a_toc() {
        let out = render(
            "# Overview\n\n## Side effects\n\n## Side effects\n\n### Details {#custom}\n",
            Mode::Block,
        );
        assert!(out.html.contains("<h2 id=\"overview\">Overview</h2>"), "{}", out.html);
        assert!(out.html.contains("<h2 id=\"side-effects\">"));
        assert!(out.html.contains("<h2 id=\"side-effects-1\">"));
        assert!(out.html.contains("<h3 id=\"custom\">"));
        let ids: Vec<&str> = out.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(render("## Ref 1\n", Mode::Block).toc[0].id, "ref-1-1");
        assert_eq!(ids, ["overview", "side-effects", "side-effects-1", "custom"]);
    }

    #[test]
    fn renders_alerts_as_labelled_notes() {
        let out = render("> [!WARNING]\n> Not with visceral disease.\n", Mode::Block);
        assert!(
            out.html
                .contains("<div class=\"alert alert-warning\" role=\"note\"><p class=\"alert-title\">Warning</p>"),
            "{}",
            out.html
        );
        assert!(out.html.contains("Not with visceral disease."));
    }

    #[test]
    fn renders_citations_and_drops_their_label_text() {
        let out = render("Claim [@b]. Other [@a; @b].", Mode::Inline);
        assert_eq!(
            out.html,
            "Claim <sup class=\"cite\" id=\"cite-1\"><a href=\"#ref-1\">1</a></sup>. Other <sup class=\"cite\" id=\"cite-2\"><a href=\"#ref-1\">1</a>,<a href=\"#ref-2\">2</a></sup>."
        );
        assert_eq!(out.plain, "Claim. Other.");
    }

    #[test]
    fn citations_in_footnotes_are_numbered_where_the_footnote_is_marked() {
        let mut citer = Citer::new(["a", "b", "c"]);
        let text = "One[^n] claim [@c].\n\nTwo [@a].\n\n[^n]: Details [@b].\n";
        let out = render_markdown(
            text,
            Mode::Block,
            Some(&mut citer),
            &|_| Position::START,
            "questions/a/",
        );
        let citations = citer.finish();
        // Reading order: the footnote (b) comes before "claim [@c]".
        assert_eq!(*citations.order, [1, 2, 0]);
        assert!(
            out.html
                .contains("claim <sup class=\"cite\" id=\"cite-2\"><a href=\"#ref-2\">2</a>"),
            "{}",
            out.html
        );
        assert!(
            out.html
                .contains("Details <sup class=\"cite\" id=\"cite-1\"><a href=\"#ref-1\">1</a>"),
            "{}",
            out.html
        );
    }

    #[test]
    fn citations_are_not_seen_in_code() {
        let out = render("`[@a]` and\n\n```\n[@b]\n```\n", Mode::Block);
        assert!(!out.html.contains("class=\"cite\""), "{}", out.html);
    }

    #[test]
    fn the_digest_follows_what_a_reader_sees_not_how_it_is_written() {
        let digest = |text: &str| render(text, Mode::Block).digest;
        let page = "## Dose\n\n- Take *10 mg* daily [@a].\n- Stop [@b].\n\n```text\nx  =  1\n```\n";
        for same in [
            "## Dose\n\n\n- Take *10 mg*\n  daily [@a].\n- Stop [@b].\n\n```text\nx  =  1\n```\n",
            "## Dose\n\n* Take _10 mg_ daily [@a].\n* Stop [@b].\n\n```text\nx  =  1\n```\n",
            "Dose\n----\n\n- Take *10 mg*    daily [@a].\n- Stop [@b].\n\n~~~text\nx  =  1\n~~~\n",
        ] {
            assert_eq!(digest(same), digest(page), "{same:?}");
        }
        for other in [
            "## Dose\n\n- Take *10 mg*  \n  daily [@a].\n- Stop [@b].\n\n```text\nx  =  1\n```\n",
            "## Dose\n\n- Take *10\u{a0}mg* daily [@a].\n- Stop [@b].\n\n```text\nx  =  1\n```\n",
            "## Dose\n\n- Take **10 mg** daily [@a].\n- Stop [@b].\n\n```text\nx  =  1\n```\n",
            "## Dose\n\n- Take *10 mg* daily [@a].\n- Stop [@b].\n\n```text\nx = 1\n```\n",
            "## Dose\n\n1. Take *10 mg* daily [@a].\n2. Stop [@b].\n\n```text\nx  =  1\n```\n",
        ] {
            assert_ne!(digest(other), digest(page), "{other:?}");
        }
    }

    #[test]
    fn citations_count_by_number_not_by_key() {
        let mut first = Citer::new(["smith", "jones"]);
        let mut renamed = Citer::new(["smith-2020", "jones"]);
        let a = render_markdown(
            "A [@smith]. B [@jones, p. 3].",
            Mode::Inline,
            Some(&mut first),
            &|_| Position::START,
            "questions/a/",
        );
        let b = render_markdown(
            "A [@smith-2020]. B [@jones, p. 3].",
            Mode::Inline,
            Some(&mut renamed),
            &|_| Position::START,
            "questions/a/",
        );
        assert_eq!(a.digest, b.digest);
        let mut other_locator = Citer::new(["smith", "jones"]);
        let c = render_markdown(
            "A [@smith]. B [@jones, p. 4].",
            Mode::Inline,
            Some(&mut other_locator),
            &|_| Position::START,
            "questions/a/",
        );
        assert_ne!(a.digest, c.digest);
    }

    #[test]
    fn local_images_are_listed_for_the_fingerprint() {
        let out = render(
            "![a](/theme/a.png) ![b](https://cdn.example.org/b.png) ![c](../../theme/c.svg) ![d](//cdn.example.org/d.png)",
            Mode::Block,
        );
        assert_eq!(out.embeds, ["/theme/a.png", "../../theme/c.svg"]);
    }

    #[test]
    fn links_into_the_site_are_listed_and_written_from_the_site_root() {
        let out = render(
            "## Dose\n\n[a](@b#dose) [c](/topics/) ![d](scan.png) [e](#dose) [f](https://example.org/) [g](evident-site:/x)\n",
            Mode::Block,
        );
        let listed: Vec<(&str, bool)> = out.links.iter().map(|l| (l.url.as_str(), l.image)).collect();
        assert_eq!(
            listed,
            [
                ("@b#dose", false),
                ("/topics/", false),
                ("scan.png", true),
                ("#dose", false)
            ]
        );
        assert_eq!(out.anchors, ["dose"]);
        for expected in [
            r#"href="evident-site:/questions/b/#dose""#,
            r#"href="evident-site:/topics/""#,
            r#"src="evident-site:/questions/a/scan.png""#,
            r##"href="#dose""##,
            r#"href="https://example.org/""#,
        ] {
            assert!(out.html.contains(expected), "{expected} in {}", out.html);
        }
        assert!(
            !out.html.contains("evident-site:/x"),
            "content cannot write the marker: {}",
            out.html
        );
    }

    #[test]
    fn code_blocks_are_highlighted_in_the_html_and_hashed_in_both_outputs() {
        let text = "```rust\nfn main() {}\n```\n";
        let html = render(text, Mode::Block);
        assert!(
            html.html.contains("<pre class=\"code\" data-lang=\"rust\">"),
            "{}",
            html.html
        );
        let facts = render_events(
            parse_events(text, false),
            Mode::Block,
            None,
            &|_| Position::START,
            Output::FactsOnly,
            "questions/a/",
        );
        assert_eq!(facts.digest, html.digest);
        assert!(facts.has_code);
    }

    #[test]
    fn inline_mode_flags_blocks() {
        assert!(!render("One *answer*.", Mode::Inline).has_blocks);
        assert!(render("- a list", Mode::Inline).has_blocks);
        assert_eq!(render("One *answer*.", Mode::Inline).html, "One <em>answer</em>.");
    }
}
