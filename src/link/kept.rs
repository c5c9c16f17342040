//! What linking computes, kept in the build cache (`cache::linking`) so that a build after
//! an edit that leaves its inputs as they were takes it back instead of computing it again:
//! the published site's related lists, backlinks, edges, topic hubs' order and recency
//! order (`Linked`), and the findings the graph gives (`check_graph`). An edit of a body
//! below its answer, of a review, of references' details leaves both as they were.
//!
//! Each is named by a digest of exactly what it is computed from (`linked_inputs`,
//! `findings_inputs`): the graph by the digest of its own inputs (`Graph::inputs_digest`,
//! which names the graph it builds), the configuration's settings they read, and of each
//! article the fields they read, in site order, so that which articles are published (their
//! slugs) is named too. Whatever `link_site` or `check_graph` comes to read must enter here;
//! debug builds (every test) check each take-back against computing it anew.

use super::graph::{Edge, Related};
use super::lists::Lists;
use crate::config::SiteConfig;
use crate::diagnostic::{Code, Diagnostic, Position, Severity};
use crate::parse::article::Article;
use sha2::{Digest, Sha256};

/// The two things linking keeps, each in an entry of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The published site's lists (`Linked`).
    Linked,
    /// The findings about the graph over every article, drafts included.
    GraphFindings,
}

/// Where linking's results of an earlier build are kept (the build cache), each named by
/// the digest of its inputs.
pub trait KeptLinking {
    /// The bytes kept for `part` under `inputs`, if those are the inputs it was kept for.
    fn recall(&self, part: Part, inputs: &[u8; 32]) -> Option<Vec<u8>>;
    /// Keeps what `write` writes for `part` under `inputs`.
    fn keep(&self, part: Part, inputs: &[u8; 32], write: &dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>);
}

/// What `link_site` computes from the graph and the published articles, as indices into
/// them: everything of a `Site` that costs more than a sort to make.
#[derive(Debug, PartialEq)]
pub(super) struct Linked {
    pub related: Lists<Related>,
    pub backlinks: Lists<u32>,
    pub edges: Vec<Edge>,
    /// Each topic's slug and its articles, most central first, in the site's topic order.
    pub topics: Vec<(String, Vec<usize>)>,
    pub recent: Box<[u32]>,
}

/// Every field and setting `link_site` reads to make `Linked` from the graph named
/// `graph` and the published `articles`, in site order.
pub(super) fn linked_inputs(graph: &[u8; 32], articles: &[&Article], config: &SiteConfig) -> [u8; 32] {
    let mut digest = Inputs::new(b"evident linked 1", graph, config);
    digest.count(config.topics.len());
    for (slug, topic) in &config.topics {
        digest.text(slug);
        digest.optional(topic.title.as_deref());
        digest.optional(topic.description.as_deref());
    }
    digest.count(articles.len());
    for article in articles {
        digest.text(&article.slug);
        digest.texts(&article.related);
        digest.texts(&article.topics);
        // Topic hubs break ties by question; recency orders by the date updated.
        digest.text(&article.question);
        digest.text(&format!("{:?}", article.updated));
    }
    digest.finish()
}

/// Every field and setting `check_graph` reads to judge the graph named `graph` over
/// `articles` (every article, in site order).
pub(super) fn findings_inputs(graph: &[u8; 32], articles: &[&Article], config: &SiteConfig) -> [u8; 32] {
    let mut digest = Inputs::new(b"evident graph findings 1", graph, config);
    let one_way = config.severity_of(Code::RelatedOneWay).is_some();
    digest.count(usize::from(one_way));
    digest.count(articles.len());
    for article in articles {
        digest.text(&article.slug);
        digest.text(&article.file);
        digest.texts(&article.related);
        let places = &article.places;
        digest.count(places.related.len());
        for &place in &places.related {
            digest.position(place);
        }
        digest.position(places.question);
        digest.position(places.front_matter_start);
    }
    digest.finish()
}

/// A SHA-256 of texts and counts, each length first so that no two sequences of them
/// give the same bytes. They are gathered before the digest is given them: an update of
/// the digest for each short field cost more than hashing the bytes.
struct Inputs(Sha256, Vec<u8>);

/// How much `Inputs` gathers before it updates its digest.
const GATHERED: usize = 16 * 1024;

impl Inputs {
    /// Begun with what both kept parts read: the graph's name and the `related:` settings.
    fn new(tag: &[u8], graph: &[u8; 32], config: &SiteConfig) -> Inputs {
        let mut digest = Inputs(Sha256::new(), Vec::with_capacity(GATHERED + 256));
        digest.bytes(tag);
        digest.bytes(graph);
        let related = &config.related;
        digest.count(related.max);
        digest.count(usize::from(related.explicit_first));
        digest.bytes(&related.min_score.to_bits().to_le_bytes());
        digest
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.count(bytes.len());
        self.put(bytes);
    }

    fn count(&mut self, count: usize) {
        self.put(&(count as u64).to_le_bytes());
    }

    fn put(&mut self, bytes: &[u8]) {
        self.1.extend_from_slice(bytes);
        if self.1.len() >= GATHERED {
            self.0.update(&self.1);
            self.1.clear();
        }
    }

    fn text(&mut self, text: &str) {
        self.bytes(text.as_bytes());
    }

    fn texts(&mut self, texts: &[String]) {
        self.count(texts.len());
        for text in texts {
            self.text(text);
        }
    }

    fn optional(&mut self, text: Option<&str>) {
        match text {
            Some(text) => {
                self.count(1);
                self.text(text);
            }
            None => self.count(0),
        }
    }

    fn position(&mut self, at: Position) {
        self.put(&at.line.to_le_bytes());
        self.put(&at.column.to_le_bytes());
    }

    fn finish(mut self) -> [u8; 32] {
        self.0.update(&self.1);
        self.0.finalize().into()
    }
}

impl Linked {
    /// As the build cache keeps it: numbers little-endian, texts length first; indices as
    /// u32, as they are held (about 0.25 KB an article of a generated site). Written to
    /// `sink` a block at a time, never held whole: at 100,000 articles the bytes are 25
    /// MB, and holding them while linking raised a build's peak.
    pub fn write_to(&self, sink: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut out = Writer::to(sink);
        let (starts, items) = self.related.parts();
        out.u32s(starts);
        out.count(items.len());
        for entry in items {
            out.u32(entry.index() as u32);
            out.u32(u32::from(entry.explicit));
            out.u32(entry.score.to_bits());
        }
        let (starts, items) = self.backlinks.parts();
        out.u32s(starts);
        out.u32s(items);
        out.count(self.edges.len());
        for edge in &self.edges {
            out.u32(edge.source() as u32);
            out.u32(edge.target() as u32);
            out.u32(u32::from(edge.explicit));
            out.u32(edge.score.to_bits());
        }
        out.count(self.topics.len());
        for (slug, members) in &self.topics {
            out.text(slug);
            out.count(members.len());
            for &member in members {
                out.u32(member as u32);
            }
        }
        out.u32s(&self.recent);
        out.finish()
    }

    /// What `to_bytes` made for a site of `n` articles; `None` when the bytes end early,
    /// run on, or name an article past `n`.
    pub fn from_bytes(bytes: &[u8], n: usize) -> Option<Linked> {
        let mut input = Reader(bytes);
        let index = |value: u32| ((value as usize) < n).then_some(value);
        let flag = |value: u32| (value <= 1).then_some(value == 1);
        let starts = input.u32s()?;
        let entries = input.count(12)?;
        let mut items = Vec::with_capacity(entries);
        for _ in 0..entries {
            items.push(Related::kept(
                index(input.u32()?)?,
                flag(input.u32()?)?,
                f32::from_bits(input.u32()?),
            ));
        }
        let related = Lists::from_parts(starts, items).filter(|lists| lists.len() == n)?;
        let starts = input.u32s()?;
        let items = input.u32s()?;
        let backlinks = Lists::from_parts(starts, items).filter(|lists| lists.len() == n)?;
        if backlinks.parts().1.iter().any(|&source| index(source).is_none()) {
            return None;
        }
        let count = input.count(16)?;
        let mut edges = Vec::with_capacity(count);
        for _ in 0..count {
            edges.push(Edge::kept(
                index(input.u32()?)?,
                index(input.u32()?)?,
                flag(input.u32()?)?,
                f32::from_bits(input.u32()?),
            ));
        }
        let count = input.count(16)?;
        let mut topics = Vec::with_capacity(count);
        for _ in 0..count {
            let slug = input.text()?;
            let members = input.count(4)?;
            let mut articles = Vec::with_capacity(members);
            for _ in 0..members {
                articles.push(index(input.u32()?)? as usize);
            }
            topics.push((slug, articles));
        }
        let recent = input.u32s()?;
        if recent.len() != n || recent.iter().any(|&article| index(article).is_none()) {
            return None;
        }
        input.0.is_empty().then_some(Linked {
            related,
            backlinks,
            edges,
            topics,
            recent: recent.into_boxed_slice(),
        })
    }
}

/// The graph's findings as the build cache keeps them (a few dozen on a large site).
pub(super) fn findings_to_bytes(findings: &[Diagnostic]) -> Vec<u8> {
    let mut out = Writer::default();
    out.count(findings.len());
    for finding in findings {
        out.text(finding.code.as_str());
        out.u32(u32::from(finding.severity == Severity::Error));
        out.text(&finding.file);
        out.u32(finding.line);
        out.u32(finding.column);
        out.text(&finding.message);
        match &finding.hint {
            Some(hint) => {
                out.u32(1);
                out.text(hint);
            }
            None => out.u32(0),
        }
    }
    out.bytes
}

/// What `findings_to_bytes` made; `None` when the bytes do not read back whole, or name a
/// code this binary does not know.
pub(super) fn findings_from_bytes(bytes: &[u8]) -> Option<Vec<Diagnostic>> {
    let mut input = Reader(bytes);
    let count = input.count(24)?;
    let mut findings = Vec::with_capacity(count);
    for _ in 0..count {
        let code = input.text()?;
        let code = Code::ALL.into_iter().find(|known| known.as_str() == code)?;
        let severity = match input.u32()? {
            0 => Severity::Warning,
            1 => Severity::Error,
            _ => return None,
        };
        let file = input.text()?;
        let at = Position::new(input.u32()?, input.u32()?);
        let message = input.text()?;
        let mut finding = Diagnostic::new(code, &file, at, message);
        finding.severity = severity;
        match input.u32()? {
            0 => {}
            1 => finding = finding.with_hint(input.text()?),
            _ => return None,
        }
        findings.push(finding);
    }
    input.0.is_empty().then_some(findings)
}

/// Bytes made in order: held whole, or handed to a sink a block at a time (`to`).
#[derive(Default)]
struct Writer<'s> {
    bytes: Vec<u8>,
    sink: Option<&'s mut dyn std::io::Write>,
    /// The first error of the sink: what follows it is not written.
    failed: Option<std::io::Error>,
}

/// What a writer gathers before it hands it on to its sink.
const BLOCK: usize = 64 * 1024;

impl<'s> Writer<'s> {
    /// A writer that hands what it makes to `sink` as it goes, never holding it whole.
    fn to(sink: &'s mut dyn std::io::Write) -> Writer<'s> {
        Writer {
            bytes: Vec::with_capacity(BLOCK),
            sink: Some(sink),
            failed: None,
        }
    }

    fn put(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
        if self.bytes.len() >= BLOCK {
            self.hand_on();
        }
    }

    fn hand_on(&mut self) {
        if let Some(sink) = self.sink.as_mut() {
            if self.failed.is_none()
                && let Err(error) = sink.write_all(&self.bytes)
            {
                self.failed = Some(error);
            }
            self.bytes.clear();
        }
    }

    /// The rest handed on, and whether every write succeeded.
    fn finish(mut self) -> std::io::Result<()> {
        self.hand_on();
        self.failed.map_or(Ok(()), Err)
    }

    fn u32(&mut self, value: u32) {
        self.put(&value.to_le_bytes());
    }

    fn count(&mut self, count: usize) {
        self.put(&(count as u64).to_le_bytes());
    }

    fn u32s(&mut self, values: &[u32]) {
        self.count(values.len());
        for &value in values {
            self.u32(value);
        }
    }

    fn text(&mut self, text: &str) {
        self.count(text.len());
        self.put(text.as_bytes());
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.0.len() < n {
            return None;
        }
        let (taken, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(taken)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    /// A count of items of at least `size` bytes each: never more than the bytes left could
    /// hold, so that nothing is allocated for a count the entry cannot back.
    fn count(&mut self, size: usize) -> Option<usize> {
        let count = usize::try_from(u64::from_le_bytes(self.take(8)?.try_into().ok()?)).ok()?;
        (count <= self.0.len() / size.max(1)).then_some(count)
    }

    fn u32s(&mut self) -> Option<Vec<u32>> {
        let count = self.count(4)?;
        let bytes = self.take(count * 4)?;
        Some(
            bytes
                .chunks_exact(4)
                .map(|chunk| u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]))
                .collect(),
        )
    }

    fn text(&mut self) -> Option<String> {
        let length = self.count(1)?;
        String::from_utf8(self.take(length)?.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::Writer;

    /// What a writer makes of numbers and texts past several blocks.
    fn fill(out: &mut Writer<'_>) {
        out.u32s(&(0..50_000).collect::<Vec<u32>>());
        for n in 0..5_000 {
            out.text(&format!("topic-{n}"));
            out.count(n);
        }
    }

    #[test]
    fn what_is_handed_on_a_block_at_a_time_is_what_is_held_whole() {
        let mut whole = Writer::default();
        fill(&mut whole);
        let mut handed = Vec::new();
        let mut out = Writer::to(&mut handed);
        fill(&mut out);
        out.finish().expect("a Vec takes every write");
        assert!(whole.bytes.len() > 3 * super::BLOCK);
        assert_eq!(handed, whole.bytes);
    }
}
