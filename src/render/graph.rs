//! The related-question graph as output: each article's related entries with their reasons,
//! `graph.json`, Graphviz DOT for `evident graph`, and the graph page with its SVG drawing,
//! laid out in Rust so that the same input gives the same bytes. graph.json is keyed by what
//! it reads (`graph_json_key`), so that a build taking over an earlier output makes it only
//! when a node or a reason changed.

use super::context::{SummaryView, TopicView};
use super::page_key::InputKey;
use super::urls::{Urls, article_dir};
use crate::link::Site;
use crate::link::graph::Edge;
use crate::parse::article::Article;
use crate::write::PageKey;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::f64::consts::PI;
use std::fmt::Write as _;

/// Above this many articles the drawing and the list show topics, not articles: ten
/// thousand dots and their lines are neither readable nor a page anyone wants to load.
pub const ARTICLE_DETAIL_LIMIT: usize = 400;

/// A related question on an article page: its summary's fields, and why it is listed.
pub struct RelatedView<'a> {
    pub summary: &'a SummaryView<'a>,
    /// "chosen by the editors; shares 2 references; topic prostate-cancer".
    pub reason: String,
    /// Chosen by the editors rather than computed.
    pub explicit: bool,
    /// 0 to 1, rounded to two decimals.
    pub score: f64,
}

impl Serialize for RelatedView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut fields = serializer.serialize_struct("RelatedView", SummaryView::FIELDS + 3)?;
        self.summary.serialize_fields(&mut fields)?;
        fields.serialize_field("reason", &self.reason)?;
        fields.serialize_field("explicit", &self.explicit)?;
        fields.serialize_field("score", &self.score)?;
        fields.end()
    }
}

pub fn related_views<'a>(site: &'a Site<'_>, index: usize, summaries: &'a [SummaryView<'a>]) -> Vec<RelatedView<'a>> {
    site.related[index]
        .iter()
        .map(|r| RelatedView {
            summary: &summaries[r.index()],
            reason: site.related_reason(index, r),
            explicit: r.explicit,
            score: round(r.score, 2),
        })
        .collect()
}

/// Rounds for output: fixed decimals keep the bytes stable and the numbers readable.
fn round(value: f32, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (f64::from(value) * scale).round() / scale
}

/// What `evident graph` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphFormat {
    Json,
    Dot,
}

/// The site's graph in `format`, exactly as `graph.json` holds it for JSON.
pub fn graph_text(site: &Site<'_>, format: GraphFormat) -> String {
    match format {
        GraphFormat::Json => graph_json(site, &Urls::new(&site.config.base_url)),
        GraphFormat::Dot => graph_dot(site),
    }
}

fn edge_kind(edge: &Edge) -> &'static str {
    if edge.explicit { "explicit" } else { "computed" }
}

#[derive(Serialize)]
struct NodeJson<'a> {
    slug: &'a str,
    question: &'a str,
    url: String,
    topics: &'a [String],
    status: &'static str,
}

#[derive(Serialize)]
struct EdgeJson<'a> {
    source: &'a str,
    target: &'a str,
    kind: &'static str,
    weight: f64,
    reason: String,
}

/// `graph.json` (and `evident graph --format json`): `{"nodes": [{slug, question, url,
/// topics, status}], "edges": [{source, target, kind, weight, reason}]}`, one node or
/// edge per line so that a change shows as a small diff.
pub fn graph_json(site: &Site<'_>, urls: &Urls) -> String {
    let mut bytes = Vec::new();
    // Writing into memory cannot fail.
    let _ = write_graph_json(site, urls, &mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// `graph_json`, written to `out` line by line rather than gathered first. The lines are
/// made a block at a time on every core (an edge's reason is most of the work) and written
/// in order: a block's lines are all that is held.
pub fn write_graph_json(site: &Site<'_>, urls: &Urls, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    out.write_all(b"{\"nodes\": [\n")?;
    write_blocks(out, &site.articles, |article| node_json(article, urls))?;
    out.write_all(b"],\n\"edges\": [\n")?;
    write_blocks(out, &site.edges, |edge| EdgeJson {
        source: &site.articles[edge.source()].slug,
        target: &site.articles[edge.target()].slug,
        kind: edge_kind(edge),
        weight: round(edge.score, 3),
        reason: site.edge_reason(edge),
    })?;
    out.write_all(b"]}\n")
}

/// graph.json's key by its inputs (see `page_key`), begun as `key`: each node's line as
/// it is written with what an edge's reason reads of its article's profile
/// (`Graph::reason_inputs`: with an edge's kind, all that `link::graph::reason` reads),
/// and of each edge its ends, kind and score. No reason is made to name the file: after
/// an edit that changes no node and no reason, the file is taken over, not written again.
pub fn graph_json_key(mut key: InputKey, site: &Site<'_>, urls: &Urls) -> PageKey {
    use rayon::prelude::*;
    use sha2::{Digest, Sha256};
    // Nodes a run at a time, each run written out and hashed on a core of its own: one
    // node at a time, each a value of the key, was a tenth of a warm build's hashing.
    // Nothing of the whole list is held (at a million articles, a hundred megabytes).
    let runs: Vec<[u8; 32]> = site
        .articles
        .par_chunks(KEY_RUN)
        .enumerate()
        .map(|(run, articles)| {
            let mut bytes = Vec::with_capacity(articles.len() * 320);
            for (offset, article) in articles.iter().enumerate() {
                // A node is strings and a list of them: serde cannot fail on it, and the
                // byte after it keeps the key distinct if it did.
                let failed = serde_json::to_writer(&mut bytes, &node_json(article, urls)).is_err();
                bytes.push(u8::from(failed));
                bytes.extend_from_slice(site.graph.reason_inputs(run * KEY_RUN + offset));
            }
            Sha256::digest(&bytes).into()
        })
        .collect();
    key.bytes("nodes", runs.as_flattened());
    // The edges as fixed-size records, a block of them to one input: a name and a length
    // for each of 80,000 edges (at 10,000 articles) were a fifth of what the key hashed.
    let mut records = Vec::with_capacity(EDGE_KEY_BLOCK * EDGE_RECORD);
    for edges in site.edges.chunks(EDGE_KEY_BLOCK) {
        records.clear();
        for edge in edges {
            records.extend_from_slice(&(edge.source() as u32).to_le_bytes());
            records.extend_from_slice(&(edge.target() as u32).to_le_bytes());
            records.push(u8::from(edge.explicit));
            records.extend_from_slice(&edge.score.to_le_bytes());
        }
        key.bytes("edges", &records);
    }
    key.finish()
}

/// An edge in graph.json's key: its ends, kind and score (what its reason reads is its
/// ends' nodes').
const EDGE_RECORD: usize = 4 + 4 + 1 + 4;
/// How many edges' records are one input of graph.json's key.
const EDGE_KEY_BLOCK: usize = 4096;
/// How many nodes are hashed at once for graph.json's key: fixed, so that the key is the
/// same however many cores made it.
const KEY_RUN: usize = 512;

fn node_json<'a>(article: &'a Article, urls: &Urls) -> NodeJson<'a> {
    NodeJson {
        slug: &article.slug,
        question: &article.question,
        url: urls.path(&article_dir(&article.slug)),
        topics: &article.topics,
        status: status_of(article),
    }
}

/// How many lines of graph.json are made at once.
const BLOCK: usize = 2048;
/// How many lines of a block one job makes into one buffer: a buffer a line was an
/// allocation for each of 80,000 edges at 10,000 articles.
const LINES_PER_JOB: usize = 128;

/// One JSON line per item of `items`, as `line` describes it, each but the last followed
/// by a comma.
fn write_blocks<T: Sync, L: Serialize>(
    out: &mut dyn std::io::Write,
    items: &[T],
    line: impl Fn(&T) -> L + Sync,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let last = items.len().saturating_sub(1);
    for (number, block) in items.chunks(BLOCK).enumerate() {
        let jobs: Vec<std::io::Result<Vec<u8>>> = block
            .par_chunks(LINES_PER_JOB)
            .enumerate()
            .map(|(job, lines)| {
                let first = number * BLOCK + job * LINES_PER_JOB;
                let mut bytes = Vec::new();
                for (offset, item) in lines.iter().enumerate() {
                    write_json_line(&mut bytes, &line(item), first + offset < last)?;
                }
                Ok(bytes)
            })
            .collect();
        for bytes in jobs {
            out.write_all(&bytes?)?;
        }
    }
    Ok(())
}

fn write_json_line(out: &mut Vec<u8>, value: &impl Serialize, comma: bool) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.extend_from_slice(if comma { b",\n" } else { b"\n" });
    Ok(())
}

/// The status a reader is shown, as in the pages' status badges.
fn status_of(article: &Article) -> &'static str {
    article.review_state.shown_status().as_str()
}

/// Graphviz DOT (`evident graph --format dot`): a digraph whose explicit edges are arrows
/// from the linking article and whose computed edges are dashed and undirected.
pub fn graph_dot(site: &Site<'_>) -> String {
    let mut out = String::from("digraph related {\n  graph [overlap=false];\n  node [shape=box, style=rounded];\n");
    for article in &site.articles {
        let _ = writeln!(
            out,
            "  {} [label={}, tooltip={}];",
            dot_id(&article.slug),
            dot_id(&article.question),
            dot_id(status_of(article))
        );
    }
    for edge in &site.edges {
        let style = if edge.explicit { "solid" } else { "dashed\", dir=\"none" };
        let _ = writeln!(
            out,
            "  {} -> {} [kind={}, weight={:.3}, style=\"{style}\", tooltip={}];",
            dot_id(&site.articles[edge.source()].slug),
            dot_id(&site.articles[edge.target()].slug),
            edge_kind(edge),
            round(edge.score, 3),
            dot_id(&site.edge_reason(edge))
        );
    }
    out.push_str("}\n");
    out
}

/// A DOT quoted string: backslashes and quotes escaped, line breaks as `\n`.
fn dot_id(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// What `graph.html` receives as `graph`.
#[derive(Serialize)]
pub struct GraphView<'a> {
    /// "articles" when the drawing and list show every article, "topics" on large sites.
    pub level: &'static str,
    /// The SVG drawing (trusted markup built here, print with `| safe`).
    pub svg_html: String,
    pub json_url: String,
    pub article_count: usize,
    pub explicit_count: usize,
    pub computed_count: usize,
    /// Level "articles": each topic's articles with their related questions.
    pub groups: Vec<GroupView<'a>>,
    /// Level "topics": each topic with the topics its articles link to most.
    pub topics: Vec<TopicLinksView<'a>>,
}

#[derive(Serialize)]
pub struct GroupView<'a> {
    pub topic: Option<&'a TopicView>,
    pub articles: Vec<NodeView<'a>>,
}

#[derive(Serialize)]
pub struct NodeView<'a> {
    #[serde(flatten)]
    pub summary: &'a SummaryView<'a>,
    pub related: Vec<RelatedView<'a>>,
}

#[derive(Serialize)]
pub struct TopicLinksView<'a> {
    pub topic: &'a TopicView,
    pub links: Vec<TopicLinkView<'a>>,
}

#[derive(Serialize)]
pub struct TopicLinkView<'a> {
    pub topic: &'a TopicView,
    /// How many edges join an article of one topic to an article of the other.
    pub count: usize,
}

/// The primary topic of each article, as an index into `site.topics` (None without topics).
fn primary_topics(site: &Site<'_>) -> Vec<Option<usize>> {
    let index_of: HashMap<&str, usize> = site
        .topics
        .iter()
        .enumerate()
        .map(|(i, t)| (t.slug.as_str(), i))
        .collect();
    site.articles
        .iter()
        .map(|a| a.topics.first().and_then(|t| index_of.get(t.as_str()).copied()))
        .collect()
}

pub fn graph_view<'a>(
    site: &'a Site<'_>,
    urls: &Urls,
    topic_views: &'a [TopicView],
    summaries: &'a [SummaryView<'a>],
) -> GraphView<'a> {
    let primary = primary_topics(site);
    let explicit_count = site.edges.iter().filter(|e| e.explicit).count();
    let mut view = GraphView {
        level: "articles",
        svg_html: String::new(),
        json_url: urls.path("graph.json"),
        article_count: site.articles.len(),
        explicit_count,
        computed_count: site.edges.len() - explicit_count,
        groups: Vec::new(),
        topics: Vec::new(),
    };
    if site.articles.len() <= ARTICLE_DETAIL_LIMIT {
        // Articles grouped by primary topic, in the topic hub's order.
        let mut order: Vec<usize> = Vec::with_capacity(site.articles.len());
        let mut groups: Vec<(Option<usize>, Vec<usize>)> = Vec::new();
        for (t, topic) in site.topics.iter().enumerate() {
            let members: Vec<usize> = topic
                .articles
                .iter()
                .copied()
                .filter(|&a| primary[a] == Some(t))
                .collect();
            if !members.is_empty() {
                groups.push((Some(t), members));
            }
        }
        let homeless: Vec<usize> = (0..site.articles.len()).filter(|&a| primary[a].is_none()).collect();
        if !homeless.is_empty() {
            groups.push((None, homeless));
        }
        for (_, members) in &groups {
            order.extend(members);
        }
        view.svg_html = article_drawing(site, &order, &groups, topic_views, summaries);
        view.groups = groups
            .into_iter()
            .map(|(t, members)| GroupView {
                topic: t.map(|t| &topic_views[t]),
                articles: members
                    .into_iter()
                    .map(|a| NodeView {
                        summary: &summaries[a],
                        related: related_views(site, a, summaries),
                    })
                    .collect(),
            })
            .collect();
    } else {
        view.level = "topics";
        let links = topic_links(site, &primary);
        view.svg_html = topic_drawing(site, &links, topic_views);
        view.topics = topic_views
            .iter()
            .enumerate()
            .map(|(t, topic)| {
                let mut row: Vec<(usize, usize)> = links
                    .iter()
                    .filter_map(|(&(a, b), &count)| match (a == t, b == t) {
                        (true, false) => Some((b, count)),
                        (false, true) => Some((a, count)),
                        _ => None,
                    })
                    .collect();
                row.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
                TopicLinksView {
                    topic,
                    links: row
                        .into_iter()
                        .take(5)
                        .map(|(other, count)| TopicLinkView {
                            topic: &topic_views[other],
                            count,
                        })
                        .collect(),
                }
            })
            .collect();
    }
    view
}

/// Edges between different primary topics, counted per (smaller, larger) topic pair.
fn topic_links(site: &Site<'_>, primary: &[Option<usize>]) -> BTreeMap<(usize, usize), usize> {
    let mut links = BTreeMap::new();
    for edge in &site.edges {
        if let (Some(a), Some(b)) = (primary[edge.source()], primary[edge.target()]) {
            if a != b {
                *links.entry((a.min(b), a.max(b))).or_insert(0) += 1;
            }
        }
    }
    links
}

/// The drawing's square, with room outside the circle for topic names.
const SIZE: f64 = 1300.0;
const CENTER: f64 = SIZE / 2.0;
const RADIUS: f64 = 340.0;
const LABEL_RADIUS: f64 = 366.0;

/// A point on the circle, angle 0 at the top, clockwise.
fn on_circle(angle: f64, radius: f64) -> (f64, f64) {
    (CENTER + radius * angle.sin(), CENTER - radius * angle.cos())
}

/// The angle of each slot when `sizes` groups share the circle, with one empty slot
/// between groups so that topics stand apart.
fn group_angles(sizes: &[usize]) -> Vec<Vec<f64>> {
    let total: usize = sizes.iter().sum::<usize>() + if sizes.len() > 1 { sizes.len() } else { 0 };
    let step = 2.0 * PI / total.max(1) as f64;
    let mut slot = 0usize;
    sizes
        .iter()
        .map(|&size| {
            let angles = (0..size).map(|i| (slot + i) as f64 * step).collect();
            slot += size + usize::from(sizes.len() > 1);
            angles
        })
        .collect()
}

/// A chord bent towards the centre, so that lines between neighbours on the circle stay
/// short and lines across it bundle through the middle.
fn chord(from: (f64, f64), to: (f64, f64)) -> String {
    let mid = ((from.0 + to.0) / 2.0, (from.1 + to.1) / 2.0);
    let control = (CENTER + (mid.0 - CENTER) * 0.35, CENTER + (mid.1 - CENTER) * 0.35);
    format!(
        "M{:.1} {:.1}Q{:.1} {:.1} {:.1} {:.1}",
        from.0, from.1, control.0, control.1, to.0, to.1
    )
}

fn topic_label(svg: &mut String, title: &str, url: Option<&str>, angle: f64, radius: f64) {
    let (x, y) = on_circle(angle, radius);
    let anchor = if angle.sin() > 0.2 {
        "start"
    } else if angle.sin() < -0.2 {
        "end"
    } else {
        "middle"
    };
    let text = format!(
        "<text class=\"graph-label\" x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" dominant-baseline=\"middle\">{}</text>",
        crate::html::escape(title)
    );
    match url {
        Some(url) => {
            let _ = write!(svg, "<a href=\"{}\">{text}</a>", crate::html::escape(url));
        }
        None => svg.push_str(&text),
    }
}

fn svg_open(svg: &mut String, title: &str, description: &str) {
    let _ = write!(
        svg,
        "<svg class=\"graph-svg\" viewBox=\"0 0 {SIZE} {SIZE}\" role=\"group\" aria-labelledby=\"graph-svg-title graph-svg-desc\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"graph-svg-title\">{}</title><desc id=\"graph-svg-desc\">{}</desc>",
        crate::html::escape(title),
        crate::html::escape(description)
    );
}

/// Every article a dot on one circle, grouped by primary topic; explicit links solid,
/// computed ones dashed.
fn article_drawing(
    site: &Site<'_>,
    order: &[usize],
    groups: &[(Option<usize>, Vec<usize>)],
    topic_views: &[TopicView],
    summaries: &[SummaryView],
) -> String {
    let sizes: Vec<usize> = groups.iter().map(|(_, m)| m.len()).collect();
    let angles = group_angles(&sizes);
    let mut position: HashMap<usize, (f64, f64)> = HashMap::new();
    for ((_, members), angles) in groups.iter().zip(&angles) {
        for (&a, &angle) in members.iter().zip(angles) {
            position.insert(a, on_circle(angle, RADIUS));
        }
    }
    let mut svg = String::new();
    svg_open(
        &mut svg,
        "Related-question graph",
        &format!(
            "{} questions on a circle, grouped by topic; lines join related questions. The list below gives the same information as text.",
            order.len()
        ),
    );
    svg.push_str("<g class=\"graph-edges\">");
    for edge in &site.edges {
        let (Some(&from), Some(&to)) = (position.get(&edge.source()), position.get(&edge.target())) else {
            continue;
        };
        let width = 0.6 + 2.4 * f64::from(edge.score.clamp(0.0, 1.0));
        let _ = write!(
            svg,
            "<path class=\"graph-edge graph-edge--{}\" d=\"{}\" stroke-width=\"{width:.2}\"/>",
            edge_kind(edge),
            chord(from, to)
        );
    }
    svg.push_str("</g><g class=\"graph-nodes\">");
    for &a in order {
        let Some(&(x, y)) = position.get(&a) else { continue };
        let summary = &summaries[a];
        let _ = write!(
            svg,
            "<a href=\"{}\"><circle class=\"graph-node graph-node--{}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"9\"><title>{} ({})</title></circle></a>",
            crate::html::escape(&summary.url()),
            summary.status(),
            crate::html::escape(summary.question()),
            summary.status_label()
        );
    }
    svg.push_str("</g><g class=\"graph-labels\">");
    for ((topic, _), angles) in groups.iter().zip(&angles) {
        let (Some(first), Some(last)) = (angles.first(), angles.last()) else {
            continue;
        };
        let middle = (first + last) / 2.0;
        match topic {
            Some(t) => topic_label(
                &mut svg,
                &topic_views[*t].title,
                Some(&topic_views[*t].url),
                middle,
                LABEL_RADIUS,
            ),
            None => topic_label(&mut svg, "Without topic", None, middle, LABEL_RADIUS),
        }
    }
    svg.push_str("</g></svg>");
    svg
}

/// Topics as dots sized by their number of questions; lines join topics whose articles
/// link to each other, thicker for more links.
fn topic_drawing(site: &Site<'_>, links: &BTreeMap<(usize, usize), usize>, topic_views: &[TopicView]) -> String {
    let angles = group_angles(&vec![1; topic_views.len()]);
    let points: Vec<(f64, f64)> = angles.iter().map(|a| on_circle(a[0], RADIUS)).collect();
    let mut svg = String::new();
    svg_open(
        &mut svg,
        "Related-question graph by topic",
        &format!(
            "{} topics of {} questions on a circle; lines join topics whose questions are related. The list below gives the same information as text.",
            topic_views.len(),
            site.articles.len()
        ),
    );
    let strongest = links.values().copied().max().unwrap_or(1).max(1) as f64;
    svg.push_str("<g class=\"graph-edges\">");
    for (&(a, b), &count) in links {
        let width = 0.6 + 7.4 * (count as f64 / strongest);
        let _ = write!(
            svg,
            "<path class=\"graph-edge graph-edge--topic\" d=\"{}\" stroke-width=\"{width:.2}\"><title>{} – {}: {count} links</title></path>",
            chord(points[a], points[b]),
            crate::html::escape(&topic_views[a].title),
            crate::html::escape(&topic_views[b].title)
        );
    }
    svg.push_str("</g><g class=\"graph-nodes\">");
    let largest = topic_views.iter().map(|t| t.count).max().unwrap_or(1).max(1) as f64;
    let size = |count: usize| 6.0 + 24.0 * (count as f64 / largest).sqrt();
    for (t, topic) in topic_views.iter().enumerate() {
        let (x, y) = points[t];
        let r = size(topic.count);
        let _ = write!(
            svg,
            "<a href=\"{}\"><circle class=\"graph-node graph-node--topic\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\"><title>{}: {} questions</title></circle></a>",
            crate::html::escape(&topic.url),
            crate::html::escape(&topic.title),
            topic.count
        );
    }
    svg.push_str("</g><g class=\"graph-labels\">");
    for (t, topic) in topic_views.iter().enumerate() {
        // Outside the topic's dot, whatever its size.
        let radius = RADIUS + size(topic.count) + 14.0;
        topic_label(&mut svg, &topic.title, Some(&topic.url), angles[t][0], radius);
    }
    svg.push_str("</g></svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_written_in_order_each_but_the_last_with_a_comma_across_jobs_and_blocks() {
        // Past two blocks, ending inside a job: every boundary a line can fall on.
        for count in [0, 1, LINES_PER_JOB, LINES_PER_JOB + 1, 2 * BLOCK + LINES_PER_JOB / 2] {
            let items: Vec<usize> = (0..count).collect();
            let mut out = Vec::new();
            write_blocks(&mut out, &items, |&n| n).unwrap();
            let expected: String = items
                .iter()
                .map(|n| {
                    if *n + 1 < count {
                        format!("{n},\n")
                    } else {
                        format!("{n}\n")
                    }
                })
                .collect();
            assert_eq!(String::from_utf8(out).unwrap(), expected, "{count} lines");
        }
    }

    #[test]
    fn dot_strings_escape_quotes_backslashes_and_newlines() {
        assert_eq!(dot_id("a \"b\" \\ c\nd"), "\"a \\\"b\\\" \\\\ c\\nd\"");
    }

    #[test]
    fn groups_share_the_circle_with_a_gap_between_them() {
        let angles = group_angles(&[2, 1]);
        let step = 2.0 * PI / 5.0;
        assert_eq!(angles[0], [0.0, step]);
        assert_eq!(angles[1], [3.0 * step]);
        assert_eq!(group_angles(&[3])[0].len(), 3);
        assert!(group_angles(&[]).is_empty());
    }

    #[test]
    fn chords_bend_towards_the_centre() {
        // A quarter of the circle: the control point sits 35 % of the way from the centre
        // to the chord's middle.
        let (top, right) = (on_circle(0.0, 100.0), on_circle(PI / 2.0, 100.0));
        assert_eq!(top, (CENTER, CENTER - 100.0));
        let path = chord(top, right);
        assert_eq!(path, "M650.0 550.0Q667.5 632.5 750.0 650.0");
    }

    #[test]
    fn rounding_keeps_the_requested_decimals() {
        assert_eq!(round(0.123_456, 3), 0.123);
        assert_eq!(round(0.5, 2), 0.5);
    }
}
