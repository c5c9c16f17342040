//! The related-question graph computed from content: how alike two articles are by their
//! topics, their references and the wording of question, answer and headings, as one score
//! per pair with its reasons. Near-linear: candidates come from an inverted index whose
//! posting lists are capped, so no article is ever compared with every other.

pub mod tokens;

use super::lists::Lists;
use crate::bibliography::identifiers::normalize_doi;
use crate::fast_hash::{FastMap, FastSet};
use crate::parse::article::Article;
use rayon::prelude::*;

pub use crate::config::RelatedConfig;

/// How much each signal counts in a pair's score; they sum to 1, so scores are in 0..=1.
/// Wording counts most: topics are coarse (a whole specialty), and shared references,
/// though strong when present, are absent between most related questions.
pub const TEXT_WEIGHT: f32 = 0.6;
pub const TOPIC_WEIGHT: f32 = 0.2;
pub const REFERENCE_WEIGHT: f32 = 0.2;

/// A term, topic or reference in more articles than this stops proposing candidates by
/// itself (its posting list keeps only the articles it weighs most in): this bounds the
/// work per article and so keeps the whole graph linear in the number of articles.
pub const POSTING_CAP: usize = 64;

/// How many of an article's strongest computed neighbours describe its "typical" neighbour.
pub const TYPICAL_NEIGHBOURS: usize = 5;

/// Articles whose bags are made together, on every core, before their terms are numbered.
const BAG_BLOCK: usize = 1024;

/// Field boosts: the question says what an article is about more than any other part.
const QUESTION_BOOST: f32 = 3.0;
const TITLE_BOOST: f32 = 2.0;
const HEADING_BOOST: f32 = 1.5;
const ANSWER_BOOST: f32 = 1.0;

/// A sparse vector of unit length, sorted by dimension.
type Vector = Vec<(u32, f32)>;

/// One article as the graph sees it.
#[derive(Debug, Default, PartialEq)]
struct Profile {
    /// Unit length: text similarity is the cosine.
    text: Vector,
    /// Each topic and reference with its rarity, 0 to 1 (see `rarity` and `shared`).
    topics: Vector,
    references: Vector,
}

/// A computed neighbour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    index: u32,
    pub score: f32,
}

impl Scored {
    /// The neighbour's position in the graph's articles.
    pub fn index(&self) -> usize {
        self.index as usize
    }
}

/// Why two articles are alike, for people: the parts of their score.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    pub score: f32,
    pub text: f32,
    /// Shared topics, most specific first.
    pub topics: Vec<String>,
    pub references: usize,
    /// The shared words that weigh most, as written.
    pub terms: Vec<String>,
}

impl Explanation {
    /// "shares 2 references; topic prostate-cancer; similar wording: lutetium-177, psma-617".
    pub fn reason(&self) -> String {
        let mut parts = Vec::new();
        match self.references {
            0 => {}
            1 => parts.push("shares 1 reference".to_string()),
            n => parts.push(format!("shares {n} references")),
        }
        match self.topics.as_slice() {
            [] => {}
            [one] => parts.push(format!("topic {one}")),
            many => parts.push(format!("topics {}", many.join(", "))),
        }
        if !self.terms.is_empty() {
            parts.push(format!("similar wording: {}", self.terms.join(", ")));
        }
        if parts.is_empty() {
            "nothing in common".to_string()
        } else {
            parts.join("; ")
        }
    }
}

/// The computed graph over a fixed list of articles (indices are positions in that list).
/// The build cache keeps the last one (`cache::graph`), named by `Graph::inputs_digest`.
#[derive(Debug, Default, PartialEq)]
pub struct Graph {
    slugs: Vec<String>,
    profiles: Vec<Profile>,
    /// Display form of each text term.
    surfaces: Vec<String>,
    topic_names: Vec<String>,
    /// Each article's strongest computed neighbours, strongest first, ties by index.
    candidates: Lists<Scored>,
    /// For each article, a digest of its profile as a reason reads it (`profile_digests`):
    /// equal digests of two pairs give the two pairs the same reason, so a page's key names
    /// its related entries' reasons by these instead of making them.
    reason_inputs: Vec<[u8; 32]>,
}

impl Graph {
    /// Builds the graph over `articles`, which must be in a fixed order (by slug) for the
    /// result to be deterministic. `keep` is how many computed neighbours to remember.
    pub fn build(articles: &[&Article], keep: usize) -> Graph {
        let keep = keep.max(TYPICAL_NEIGHBOURS);
        let n = articles.len();

        // Text terms get ids in first-seen order, walking articles in order: deterministic.
        // Bags are made on every core a block at a time and their terms numbered at once:
        // made all before any was numbered, the bags of 100,000 articles held every term of
        // each as its own string.
        let mut term_ids: FastMap<String, u32> = FastMap::default();
        let mut surfaces: Vec<String> = Vec::new();
        let mut factors: Vec<f32> = Vec::new();
        let mut text_docs: Vec<Vec<(u32, f32)>> = Vec::with_capacity(n);
        let mut identities = Identities::default();
        let mut cited: Vec<Vec<Cited>> = Vec::with_capacity(n);
        for block in articles.chunks(BAG_BLOCK) {
            let bags: Vec<Bag> = block.par_iter().map(|a| bag_of(a)).collect();
            for bag in bags {
                let mut doc = Vec::with_capacity(bag.terms.len());
                for (term, (weight, surface)) in bag.terms {
                    let written = surface.as_deref().unwrap_or(&term);
                    let id = match term_ids.get(term.as_str()) {
                        Some(&id) => {
                            let shown = &mut surfaces[id as usize];
                            if (written.len(), written) < (shown.len(), shown.as_str()) {
                                *shown = written.to_string();
                            }
                            id
                        }
                        None => {
                            let id = surfaces.len() as u32;
                            surfaces.push(written.to_string());
                            factors.push(tokens::term_factor(&term));
                            term_ids.insert(term, id);
                            id
                        }
                    };
                    doc.push((id, weight));
                }
                text_docs.push(doc);
                cited.push(bag.references.iter().map(|r| identities.cited(r)).collect());
            }
        }

        let mut topic_ids: FastMap<&str, u32> = FastMap::default();
        let mut topic_names: Vec<String> = Vec::new();
        let topic_docs: Vec<Vec<(u32, f32)>> = articles
            .iter()
            .map(|a| {
                a.topics
                    .iter()
                    .map(|t| {
                        let next = topic_ids.len() as u32;
                        let id = *topic_ids.entry(t.as_str()).or_insert_with(|| {
                            topic_names.push(t.clone());
                            next
                        });
                        (id, 1.0)
                    })
                    .collect()
            })
            .collect();

        let reference_docs = reference_classes(&cited, &identities);
        drop(cited);

        let text = weigh_text(text_docs, n, &factors);
        let topics = weigh_set(topic_docs, n);
        let references = weigh_set(reference_docs, n);
        let profiles: Vec<Profile> = text
            .into_iter()
            .zip(topics)
            .zip(references)
            .map(|((text, topics), references)| Profile {
                text,
                topics,
                references,
            })
            .collect();

        let index = Index::new(&profiles, surfaces.len(), topic_names.len());
        let candidates: Vec<Vec<Scored>> = (0..n)
            .into_par_iter()
            .map_init(
                || Scratch::new(n),
                |scratch, doc| index.neighbours(&profiles, doc, keep, scratch),
            )
            .collect();
        let candidates = Lists::collect(candidates);
        let reason_inputs = profile_digests(&profiles, &term_ids, &surfaces, &topic_names, &identities);

        Graph {
            slugs: articles.iter().map(|a| a.slug.to_string()).collect(),
            profiles,
            surfaces,
            topic_names,
            candidates,
            reason_inputs,
        }
    }

    pub fn len(&self) -> usize {
        self.slugs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slugs.is_empty()
    }

    /// A SHA-256 of everything `build` reads of `articles` and `keep`: two graphs built
    /// from equal digests are equal (debug builds check each graph the cache gives back
    /// against one built anew). Whatever `bag_of` or `build` comes to read must enter here.
    pub fn inputs_digest(articles: &[&Article], keep: usize) -> [u8; 32] {
        use rayon::prelude::*;
        use sha2::{Digest, Sha256};
        // Each run of articles is written out and hashed on a core of its own, whole: one
        // update of the digest per field was most of what naming the graph cost.
        let runs: Vec<[u8; 32]> = articles
            .par_chunks(INPUTS_RUN)
            .map(|run| {
                let mut bytes = Vec::with_capacity(run.len() * 2048);
                for article in run {
                    article_inputs_into(article, &mut bytes);
                }
                Sha256::digest(&bytes).into()
            })
            .collect();
        let mut digest = Sha256::new();
        digest.update(b"evident related graph 2\0");
        digest.update((keep as u64).to_le_bytes());
        digest.update((articles.len() as u64).to_le_bytes());
        for run in &runs {
            digest.update(run);
        }
        digest.finalize().into()
    }

    /// The graph as the build cache keeps it, written as it goes: counts and numbers
    /// little-endian, texts length first (`read_from` reads it back).
    pub fn write_to(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut put = |bytes: &[u8]| out.write_all(bytes);
        for texts in [&self.slugs, &self.surfaces, &self.topic_names] {
            put(&(texts.len() as u64).to_le_bytes())?;
            for text in texts {
                put(&(text.len() as u64).to_le_bytes())?;
                put(text.as_bytes())?;
            }
        }
        put(&(self.profiles.len() as u64).to_le_bytes())?;
        for profile in &self.profiles {
            for vector in [&profile.text, &profile.topics, &profile.references] {
                put(&(vector.len() as u64).to_le_bytes())?;
                for (dimension, value) in vector {
                    put(&dimension.to_le_bytes())?;
                    put(&value.to_bits().to_le_bytes())?;
                }
            }
        }
        put(&(self.candidates.len() as u64).to_le_bytes())?;
        for list in self.candidates.iter() {
            put(&(list.len() as u64).to_le_bytes())?;
            for scored in list {
                put(&scored.index.to_le_bytes())?;
                put(&scored.score.to_bits().to_le_bytes())?;
            }
        }
        put(&(self.reason_inputs.len() as u64).to_le_bytes())?;
        for digest in &self.reason_inputs {
            put(digest)?;
        }
        Ok(())
    }

    /// A graph `write_to` wrote; `None` when the bytes end early or do not hold together
    /// (`is_well_formed`). Counts are checked against what is left to read before anything
    /// is allocated for them.
    pub fn read_from(input: &mut dyn std::io::Read) -> Option<Graph> {
        use std::io::Read;
        fn count(input: &mut dyn std::io::Read) -> Option<usize> {
            let mut bytes = [0; 8];
            input.read_exact(&mut bytes).ok()?;
            // No list of a graph this build holds in memory has a billion entries.
            usize::try_from(u64::from_le_bytes(bytes)).ok().filter(|&n| n < 1 << 30)
        }
        let texts = |input: &mut dyn std::io::Read| -> Option<Vec<String>> {
            let n = count(input)?;
            let mut texts = Vec::with_capacity(n.min(1 << 16));
            for _ in 0..n {
                let length = count(input)?;
                let mut bytes = Vec::new();
                std::io::Read::take(&mut *input, length as u64)
                    .read_to_end(&mut bytes)
                    .ok()?;
                (bytes.len() == length).then_some(())?;
                texts.push(String::from_utf8(bytes).ok()?);
            }
            Some(texts)
        };
        let slugs = texts(input)?;
        let surfaces = texts(input)?;
        let topic_names = texts(input)?;
        // A list's bytes read at once (a read of each number was most of the graph's
        // recall), never more than the entry holds: a damaged count finds the entry's end.
        let mut run = Vec::new();
        let mut pairs = |input: &mut dyn std::io::Read| -> Option<Vec<(u32, f32)>> {
            let n = count(input)?;
            run.clear();
            std::io::Read::take(&mut *input, n as u64 * 8)
                .read_to_end(&mut run)
                .ok()?;
            (run.len() == n * 8).then_some(())?;
            let word = |bytes: &[u8]| u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
            Some(
                run.chunks_exact(8)
                    .map(|pair| (word(&pair[..4]), f32::from_bits(word(&pair[4..]))))
                    .collect(),
            )
        };
        let n = count(input)?;
        let mut profiles = Vec::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            profiles.push(Profile {
                text: pairs(input)?,
                topics: pairs(input)?,
                references: pairs(input)?,
            });
        }
        let n = count(input)?;
        let mut lists = Vec::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            let list: Vec<Scored> = pairs(input)?
                .into_iter()
                .map(|(index, score)| Scored { index, score })
                .collect();
            lists.push(list);
        }
        let n = count(input)?;
        let mut reason_inputs = Vec::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            let mut digest = [0; 32];
            input.read_exact(&mut digest).ok()?;
            reason_inputs.push(digest);
        }
        let graph = Graph {
            slugs,
            profiles,
            surfaces,
            topic_names,
            candidates: Lists::collect(lists),
            reason_inputs,
        };
        graph.is_well_formed().then_some(graph)
    }

    /// Whether a graph read back holds together: one profile and one list of neighbours per
    /// article, each neighbour one of them.
    pub fn is_well_formed(&self) -> bool {
        let n = self.slugs.len();
        self.profiles.len() == n
            && self.reason_inputs.len() == n
            && self.candidates.len() == n
            && self.candidates.is_well_formed()
            && self.candidates.iter().flatten().all(|scored| scored.index() < n)
            && self.profiles.iter().all(|p| {
                p.text.iter().all(|&(term, _)| (term as usize) < self.surfaces.len())
                    && p.topics
                        .iter()
                        .all(|&(topic, _)| (topic as usize) < self.topic_names.len())
            })
    }

    /// Whether this graph was built over exactly these articles, in this order.
    pub fn covers(&self, articles: &[&Article]) -> bool {
        self.slugs.len() == articles.len() && self.slugs.iter().zip(articles).all(|(s, a)| **s == *a.slug)
    }

    /// The strongest computed neighbours of `index`, strongest first, whatever their score.
    pub fn candidates(&self, index: usize) -> &[Scored] {
        &self.candidates[index]
    }

    /// Computed neighbours good enough to list: at least `min_score`, at most `max`.
    pub fn neighbours(&self, index: usize, min_score: f32, max: usize) -> impl Iterator<Item = Scored> + '_ {
        self.candidates[index]
            .iter()
            .copied()
            .filter(move |s| s.score >= min_score)
            .take(max)
    }

    /// The score of an article's typical close neighbour: the median of its strongest few.
    /// 0 for an article with nothing in common with any other.
    pub fn typical(&self, index: usize) -> f32 {
        let top: Vec<f32> = self.candidates[index]
            .iter()
            .take(TYPICAL_NEIGHBOURS)
            .map(|s| s.score)
            .collect();
        top.get(top.len() / 2).copied().unwrap_or(0.0)
    }

    /// The exact score of a pair (symmetric).
    pub fn score(&self, a: usize, b: usize) -> f32 {
        score(&self.profiles[a], &self.profiles[b])
    }

    /// What the reasons of article `index`'s pairs read of it (see `profile_digests`): two
    /// pairs whose articles have the same digests have the same reason (`reason`).
    pub fn reason_inputs(&self, index: usize) -> &[u8; 32] {
        &self.reason_inputs[index]
    }

    /// The parts of a pair's score, named.
    pub fn explain(&self, a: usize, b: usize) -> Explanation {
        Explanation {
            score: self.score(a, b),
            ..self.shared_parts(a, b)
        }
    }

    /// `explain` without the score, which a reason does not show: every page's related
    /// entries and every edge of graph.json are given one, and the score is a second pass
    /// over both profiles.
    fn shared_parts(&self, a: usize, b: usize) -> Explanation {
        let (pa, pb) = (&self.profiles[a], &self.profiles[b]);
        let mut shared_topics: Vec<(f32, &str)> = Vec::new();
        merge(&pa.topics, &pb.topics, |t, wa, _| {
            shared_topics.push((wa, &self.topic_names[t as usize]));
        });
        // Most specific (highest weight) first; the name breaks ties for stable output.
        shared_topics.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| x.1.cmp(y.1)));
        let mut references = 0;
        merge(&pa.references, &pb.references, |_, _, _| references += 1);
        let mut shared_text: Vec<(f32, u32)> = Vec::new();
        merge(&pa.text, &pb.text, |t, wa, wb| shared_text.push((wa * wb, t)));
        let text = shared_text.iter().map(|(w, _)| w).sum::<f32>();
        // Only words that carry a real share of a real likeness are worth naming: one
        // shared everyday word between unrelated questions explains nothing. They are
        // picked before they are ordered: every page's related entries and every edge of
        // graph.json are given a reason, and two profiles share dozens of words of which
        // a handful are worth naming.
        let worth = (text * 0.1).max(0.01);
        let mut strong: Vec<(f32, &str)> = shared_text
            .into_iter()
            .filter(|&(w, _)| is_worth_naming(w, worth))
            .map(|(w, t)| (w, self.surfaces[t as usize].as_str()))
            .collect();
        strong.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| x.1.cmp(y.1)));
        Explanation {
            score: 0.0,
            text,
            topics: shared_topics.into_iter().take(3).map(|(_, t)| t.to_string()).collect(),
            references,
            terms: name_terms(&strong, worth),
        }
    }
}

/// The (at most three) shared words worth naming, strongest first; a part of a compound
/// that is named too ("lu" beside "lu-177") adds nothing and is left out.
fn name_terms(terms: &[(f32, &str)], worth: f32) -> Vec<String> {
    let strong: Vec<&str> = terms
        .iter()
        .filter(|(w, _)| is_worth_naming(*w, worth))
        .map(|(_, t)| *t)
        .collect();
    let is_part = |term: &str| {
        strong
            .iter()
            .any(|other| other.contains('-') && *other != term && other.split('-').any(|p| p == term))
    };
    strong
        .iter()
        .filter(|t| !is_part(t))
        .take(3)
        .map(|t| t.to_string())
        .collect()
}

/// Whether a shared word of this weight carries enough of the likeness to be named.
fn is_worth_naming(weight: f32, worth: f32) -> bool {
    weight >= worth && weight > 0.0
}

/// One entry of an article's related list. Its reason is made when a page shows it
/// (`reason`): held for every entry of a large site, the text cost more than the graph.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Related {
    index: u32,
    /// Chosen by the editors (`related:`) rather than computed.
    pub explicit: bool,
    pub score: f32,
}

impl Related {
    /// The related article's position in the site.
    pub fn index(&self) -> usize {
        self.index as usize
    }

    /// An entry as the build cache kept it (`link::kept`).
    pub(super) fn kept(index: u32, explicit: bool, score: f32) -> Related {
        Related { index, explicit, score }
    }
}

/// A line of the published graph. Explicit edges point from the article whose editors
/// chose the link; computed edges are undirected, stored with `source < target`, and left
/// out where an explicit edge already joins the pair.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Edge {
    source: u32,
    target: u32,
    pub explicit: bool,
    pub score: f32,
}

impl Edge {
    pub fn source(&self) -> usize {
        self.source as usize
    }

    pub fn target(&self) -> usize {
        self.target as usize
    }

    /// An edge as the build cache kept it (`link::kept`).
    pub(super) fn kept(source: u32, target: u32, explicit: bool, score: f32) -> Edge {
        Edge {
            source,
            target,
            explicit,
            score,
        }
    }
}

/// Why `to` is related to `from`, for people: "chosen by the editors; topic x" when
/// `from`'s editors chose it, else the computed likeness ("shares 1 reference; …").
/// An explanation is the same read from either end, so an undirected edge has one reason.
pub fn reason(graph: &Graph, from: usize, to: usize, explicit: bool) -> String {
    let why = graph.shared_parts(from, to).reason();
    match (explicit, why.as_str()) {
        (false, _) => why,
        (true, "nothing in common") => "chosen by the editors".to_string(),
        (true, why) => format!("chosen by the editors; {why}"),
    }
}

/// Each article's related list and the edges of the published graph. `explicit[a]` holds
/// the articles `a`'s editors link to, resolved, without `a` itself or repeats.
pub fn rank(graph: &Graph, explicit: &[Vec<usize>], config: &RelatedConfig) -> (Lists<Related>, Vec<Edge>) {
    let related: Vec<Vec<Related>> = explicit
        .par_iter()
        .enumerate()
        .map(|(a, chosen)| {
            let mut editors: Vec<Related> = chosen
                .iter()
                .map(|&b| Related {
                    index: b as u32,
                    explicit: true,
                    score: graph.score(a, b),
                })
                .collect();
            let room = config.max.saturating_sub(editors.len());
            let computed: Vec<Related> = graph
                .neighbours(a, config.min_score, usize::MAX)
                .filter(|s| !chosen.contains(&s.index()))
                .take(room)
                .map(|s| Related {
                    index: s.index,
                    explicit: false,
                    score: s.score,
                })
                .collect();
            let by_strength = |x: &Related, y: &Related| y.score.total_cmp(&x.score).then(x.index.cmp(&y.index));
            editors.sort_by(by_strength);
            editors.extend(computed);
            if !config.explicit_first {
                editors.sort_by(by_strength);
            }
            editors
        })
        .collect();
    let related = Lists::collect(related);

    // Each pair once: an editor's choice from each side that made it, a computed pair
    // from the first list that names it, unless an editor chose it from either side.
    // Looked up in the lists themselves, a few entries each: two hash sets of the pairs,
    // and the edges grown by doubling, were most of the linking stage's peak (about
    // 40 MB at 100,000 articles).
    let is_edge = |a: usize, entry: &Related| {
        let b = entry.index();
        entry.explicit || (!explicit[b].contains(&a) && (a < b || !related[b].iter().any(|r| r.index() == a)))
    };
    let count = related
        .iter()
        .enumerate()
        .map(|(a, list)| list.iter().filter(|entry| is_edge(a, entry)).count())
        .sum();
    let mut edges = Vec::with_capacity(count);
    for (a, list) in related.iter().enumerate() {
        for entry in list.iter().filter(|entry| is_edge(a, entry)) {
            let b = entry.index();
            let (source, target) = if entry.explicit { (a, b) } else { (a.min(b), a.max(b)) };
            edges.push(Edge {
                source: source as u32,
                target: target as u32,
                explicit: entry.explicit,
                score: entry.score,
            });
        }
    }
    edges.sort_by_key(|x| (x.source, x.target, !x.explicit));
    (related, edges)
}

/// Who is joined to whom in the published graph, either direction, each pair once, in
/// the order of `edges` (sorted by source and target, as `rank` gives them). A pair is
/// twice in `edges` only when editors chose it from both sides: the second, from the
/// larger index, is left out, found by a search of the sorted edges. Held as a list a
/// node and a hash set of the pairs, this was 60 MB at 100,000 articles, the linking
/// stage's peak.
pub fn adjacency(edges: &[Edge], n: usize) -> Lists<(u32, f32)> {
    let repeated = |edge: &Edge| {
        edge.source > edge.target
            && edges
                .binary_search_by_key(&(edge.target, edge.source), |e| (e.source, e.target))
                .is_ok()
    };
    let mut starts = vec![0u32; n + 1];
    for edge in edges.iter().filter(|edge| !repeated(edge)) {
        starts[edge.source() + 1] += 1;
        starts[edge.target() + 1] += 1;
    }
    for node in 0..n {
        starts[node + 1] += starts[node];
    }
    let mut next: Vec<u32> = starts[..n].to_vec();
    let mut items = vec![(0u32, 0f32); starts[n] as usize];
    for edge in edges.iter().filter(|edge| !repeated(edge)) {
        let (low, high) = (edge.source.min(edge.target), edge.source.max(edge.target));
        for (node, other) in [(low, high), (high, low)] {
            items[next[node as usize] as usize] = (other, edge.score);
            next[node as usize] += 1;
        }
    }
    Lists::from_parts(starts, items).unwrap_or_default()
}

/// Orders a topic hub's questions: the most central first — the summed score of their
/// links (either kind, either direction) to other questions of the same topic — so that
/// the questions the rest of the topic connects to lead; then by question.
pub fn rank_topic(members: &mut [usize], articles: &[&Article], adjacent: &Lists<(u32, f32)>) {
    let inside: FastSet<usize> = members.iter().copied().collect();
    // Each member with its centrality, worked out once: looked up by the sort, it was two
    // hash lookups a comparison.
    let mut ranked: Vec<(f32, usize)> = members
        .iter()
        .map(|&a| {
            let sum = adjacent[a]
                .iter()
                .filter(|(b, _)| inside.contains(&(*b as usize)))
                .map(|(_, w)| w)
                .sum::<f32>();
            (sum, a)
        })
        .collect();
    ranked.sort_by(|(centrality_a, a), (centrality_b, b)| {
        centrality_b
            .total_cmp(centrality_a)
            .then_with(|| articles[*a].question.cmp(&articles[*b].question))
            .then(a.cmp(b))
    });
    for (member, (_, article)) in members.iter_mut().zip(ranked) {
        *member = article;
    }
}

/// An article's raw material: weighted text terms and reference identities.
struct Bag {
    /// term → (boosted frequency, shortest written form when it differs from the term).
    terms: Vec<(String, (f32, Option<String>))>,
    /// For each reference, its identities: "doi:…", "pmid:…", "key:…".
    references: Vec<Vec<String>>,
}

fn bag_of(article: &Article) -> Bag {
    // Most words are written as their term; only the others carry a written form, and a
    // word is looked up before it is inserted: repeated words cost no allocation.
    let written = |term: &str, surface: &str| (surface != term).then(|| surface.to_string());
    let mut terms: FastMap<String, (f32, Option<String>)> = FastMap::default();
    let mut add = |text: &str, boost: f32| {
        tokens::tokenize(text, |term, surface| match terms.get_mut(term) {
            Some(entry) => {
                entry.0 += boost;
                let shown = entry.1.as_deref().unwrap_or(term);
                if (surface.len(), surface) < (shown.len(), shown) {
                    entry.1 = written(term, surface);
                }
            }
            None => {
                terms.insert(term.to_string(), (boost, written(term, surface)));
            }
        });
    };
    add(&article.question, QUESTION_BOOST);
    if let Some(title) = article.title() {
        add(title, TITLE_BOOST);
    }
    add(&article.answer.plain, ANSWER_BOOST);
    if let Some(plain) = article.plain_answer() {
        add(&plain.plain, ANSWER_BOOST);
    }
    for heading in article.body.headings.toc() {
        add(heading.text, HEADING_BOOST);
    }
    // Sorted so that term ids, and with them every float sum, come out the same each run.
    let mut terms: Vec<(String, (f32, Option<String>))> = terms.into_iter().collect();
    terms.sort_by(|a, b| a.0.cmp(&b.0));
    let references = article
        .references
        .identities()
        .into_iter()
        .map(|r| {
            let mut ids = Vec::with_capacity(3);
            if let Some(doi) = r.doi.map(normalize_doi).filter(|d| !d.is_empty()) {
                ids.push(format!("doi:{doi}"));
            }
            if let Some(pmid) = r.pmid.map(str::trim).filter(|p| !p.is_empty()) {
                ids.push(format!("pmid:{pmid}"));
            }
            ids.push(format!("key:{}", r.id));
            ids
        })
        .collect();
    Bag { terms, references }
}

/// Gives each distinct work one id across the site, so that "shares 2 references" counts
/// works, not identifiers. Two references are one work when they share a DOI or a PMID, or
/// the same key where that key does not name two different works elsewhere.
/// A work is numbered, and named, by the first of its identities (`Identities::name`).
fn reference_classes(cited: &[Vec<Cited>], identities: &Identities) -> Vec<Vec<(u32, f32)>> {
    let mut sets = DisjointSets::default();
    for _ in 0..identities.len() {
        sets.add();
    }
    // Strong identifiers first: a DOI and a PMID of one reference are one work.
    for reference in cited.iter().flatten() {
        if let [Some(doi), Some(pmid)] = reference.strong {
            sets.union(doi as usize, pmid as usize);
        }
    }
    // Then keys: a key names a work only when every reference that has that key and a
    // strong identifier names the same work ("smith-2020" may be two papers).
    #[derive(Clone, Copy, PartialEq)]
    enum KeyWork {
        Unknown,
        One(usize),
        Several,
    }
    let mut key_work = vec![KeyWork::Unknown; identities.keys.len()];
    for reference in cited.iter().flatten() {
        let Some(strong) = reference.first_strong() else {
            continue;
        };
        let work = sets.find(strong);
        let entry = &mut key_work[reference.key as usize];
        match *entry {
            KeyWork::Unknown => *entry = KeyWork::One(work),
            KeyWork::One(known) if sets.find(known) != work => *entry = KeyWork::Several,
            _ => {}
        }
    }
    let mut docs: Vec<Vec<(u32, f32)>> = Vec::with_capacity(cited.len());
    for references in cited {
        let mut doc = Vec::with_capacity(references.len());
        for reference in references {
            let key = identities.key_number(reference.key);
            let class = match reference.first_strong() {
                Some(work) => {
                    if key_work[reference.key as usize] != KeyWork::Several {
                        sets.union(work, key);
                    }
                    work
                }
                None => key,
            };
            doc.push((class as u32, 1.0));
        }
        docs.push(doc);
    }
    // Classes are final only once every union is done.
    for doc in &mut docs {
        for entry in doc.iter_mut() {
            entry.0 = sets.find(entry.0 as usize) as u32;
        }
        doc.sort_by_key(|e| e.0);
        doc.dedup_by_key(|e| e.0);
    }
    docs
}

/// One reference as works are told apart: its DOI's and PMID's identities, in that order,
/// and its key's, by their numbers in `Identities`.
#[derive(Clone, Copy)]
struct Cited {
    strong: [Option<u32>; 2],
    key: u32,
}

impl Cited {
    /// Its first strong identity: the one its work is known by.
    fn first_strong(&self) -> Option<usize> {
        self.strong.iter().flatten().next().map(|&n| n as usize)
    }
}

/// Every reference identity of the site ("doi:…", "pmid:…", "key:…"), each held once.
/// Numbered as the works they name are: DOIs and PMIDs in the order first met, then keys
/// in the order first met; a work takes the smallest number of its identities, and these
/// numbers order the reference dimensions. Held as owned strings, in each reference and
/// again in a table and a list, identities were 250 MB at 100,000 articles of seven
/// references each.
#[derive(Default)]
struct Identities {
    strong: Texts,
    keys: Texts,
}

impl Identities {
    /// `identities` as `bag_of` gives them: any DOI and PMID, then the key.
    fn cited(&mut self, identities: &[String]) -> Cited {
        let (key, strong) = match identities.split_last() {
            Some((key, strong)) => (key.as_str(), strong),
            None => ("", &[][..]),
        };
        let mut numbers = strong.iter().map(|identity| self.strong.number(identity));
        Cited {
            strong: [numbers.next(), numbers.next()],
            key: self.keys.number(key),
        }
    }

    fn len(&self) -> usize {
        self.strong.len() + self.keys.len()
    }

    /// The work number of key number `key`.
    fn key_number(&self, key: u32) -> usize {
        self.strong.len() + key as usize
    }

    /// The identity that work number `number` is named by.
    fn name(&self, number: usize) -> &str {
        match number.checked_sub(self.strong.len()) {
            None => self.strong.text(number),
            Some(key) => self.keys.text(key),
        }
    }
}

/// Texts numbered in the order first met, each held once, end to end in one string.
#[derive(Default)]
struct Texts {
    all: String,
    ends: Vec<usize>,
    /// The number of the first text met of each hash.
    by_hash: FastMap<u64, u32>,
    /// Texts whose hash an earlier, different text has.
    clashing: FastMap<String, u32>,
}

impl Texts {
    fn number(&mut self, text: &str) -> u32 {
        use std::hash::BuildHasher;
        let hash = std::hash::BuildHasherDefault::<crate::fast_hash::FxHasher>::default().hash_one(text);
        let next = self.ends.len() as u32;
        match self.by_hash.get(&hash) {
            Some(&number) if self.text(number as usize) == text => return number,
            Some(_) => {
                if let Some(&number) = self.clashing.get(text) {
                    return number;
                }
                self.clashing.insert(text.to_string(), next);
            }
            None => {
                self.by_hash.insert(hash, next);
            }
        }
        self.all.push_str(text);
        self.ends.push(self.all.len());
        next
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn text(&self, number: usize) -> &str {
        let start = number.checked_sub(1).map_or(0, |before| self.ends[before]);
        &self.all[start..self.ends[number]]
    }
}

/// Each profile as a reason reads it (`Graph::shared_parts`), digested. Its text terms in
/// the order of their numbers, which is the order a reason sums the shares of the words
/// two profiles share (so its float total and the words it names), each by its term,
/// written form and weight; its topics by name and weight; its references' works by the
/// name of the identity that numbers each (a reason counts the works two profiles share).
/// Never a number itself: an edit of another article renumbers terms and works, and leaves
/// these digests, and with them the pages keyed by them, as they were.
fn profile_digests(
    profiles: &[Profile],
    term_ids: &FastMap<String, u32>,
    surfaces: &[String],
    topic_names: &[String],
    references: &Identities,
) -> Vec<[u8; 32]> {
    use sha2::{Digest, Sha256};
    let mut terms = vec![""; surfaces.len()];
    for (term, &id) in term_ids {
        terms[id as usize] = term;
    }
    let text = |digest: &mut Sha256, bytes: &[u8]| {
        digest.update((bytes.len() as u64).to_le_bytes());
        digest.update(bytes);
    };
    profiles
        .par_iter()
        .map(|profile| {
            let mut digest = Sha256::new();
            digest.update(b"evident reason inputs 1");
            digest.update((profile.text.len() as u64).to_le_bytes());
            for &(term, weight) in &profile.text {
                text(&mut digest, terms[term as usize].as_bytes());
                text(&mut digest, surfaces[term as usize].as_bytes());
                digest.update(weight.to_bits().to_le_bytes());
            }
            digest.update((profile.topics.len() as u64).to_le_bytes());
            for &(topic, weight) in &profile.topics {
                text(&mut digest, topic_names[topic as usize].as_bytes());
                digest.update(weight.to_bits().to_le_bytes());
            }
            digest.update((profile.references.len() as u64).to_le_bytes());
            for &(work, _) in &profile.references {
                text(&mut digest, references.name(work as usize).as_bytes());
            }
            digest.finalize().into()
        })
        .collect()
}

#[derive(Default)]
struct DisjointSets {
    parent: Vec<usize>,
}

impl DisjointSets {
    fn add(&mut self) {
        self.parent.push(self.parent.len());
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// Joins two sets; the smaller root wins, so the result does not depend on call order.
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (keep, other) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[other] = keep;
        }
    }
}

/// BM25's inverse document frequency of a dimension found in `df` of `n` articles.
fn idf(df: u32, n: usize) -> f32 {
    let (d, n) = (df as f32, n as f32);
    (1.0 + (n - d + 0.5) / (d + 0.5)).ln()
}

fn document_frequencies(docs: &[Vec<(u32, f32)>]) -> Vec<u32> {
    let dims = docs.iter().flatten().map(|(t, _)| *t as usize + 1).max().unwrap_or(0);
    let mut df = vec![0u32; dims];
    for doc in docs {
        for (t, _) in doc {
            df[*t as usize] += 1;
        }
    }
    df
}

/// Text vectors: frequency damped by its logarithm (the tenth "metformin" adds less than
/// the second), times each term's `factors` entry, times rarity (idf) — so that what few
/// articles share counts more than what all of them say — scaled to unit length.
fn weigh_text(docs: Vec<Vec<(u32, f32)>>, n: usize, factors: &[f32]) -> Vec<Vector> {
    let idf: Vec<f32> = document_frequencies(&docs).into_iter().map(|d| idf(d, n)).collect();
    docs.into_par_iter()
        .map(|doc| {
            let mut v: Vector = doc
                .into_iter()
                // Boosted frequencies are at least 1, so the logarithm is never negative.
                .map(|(t, f)| (t, (1.0 + f.max(1.0).ln()) * factors[t as usize] * idf[t as usize]))
                .filter(|(_, w)| *w > 0.0)
                .collect();
            v.sort_by_key(|e| e.0);
            let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
            if norm > 0.0 {
                for e in &mut v {
                    e.1 /= norm;
                }
            }
            v
        })
        .collect()
}

/// Set vectors (topics, references): each member with its rarity, its idf as a share of
/// the largest idf possible, so 0 for what every article has and near 1 for what only two
/// share, whatever the size of the site.
fn weigh_set(docs: Vec<Vec<(u32, f32)>>, n: usize) -> Vec<Vector> {
    let most = idf(1, n);
    let rarity: Vec<f32> = document_frequencies(&docs)
        .into_iter()
        .map(|d| {
            if most > 0.0 {
                (idf(d, n) / most).clamp(0.0, 1.0)
            } else {
                0.0
            }
        })
        .collect();
    docs.into_iter()
        .map(|doc| {
            let mut v: Vector = doc.into_iter().map(|(t, _)| (t, rarity[t as usize])).collect();
            v.sort_by_key(|e| e.0);
            v.dedup_by_key(|e| e.0);
            v
        })
        .collect()
}

/// Walks two sorted sparse vectors and calls `f(dimension, a, b)` for each shared one.
fn merge(a: &[(u32, f32)], b: &[(u32, f32)], mut f: impl FnMut(u32, f32, f32)) {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                f(a[i].0, a[i].1, b[j].1);
                i += 1;
                j += 1;
            }
        }
    }
}

fn dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let mut sum = 0.0;
    merge(a, b, |_, x, y| sum += x * y);
    sum
}

/// The evidence that two sets (of topics, of references) make their articles alike, 0 to
/// 1: each shared member counts as independent evidence as strong as it is rare, so one
/// shared rare reference says much, a topic every article has says nothing, and an extra,
/// narrower topic on one side ("nephrology" beside "diabetes") dilutes nothing.
fn shared(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let mut unlike = 1.0;
    merge(a, b, |_, rarity, _| unlike *= 1.0 - rarity);
    1.0 - unlike
}

fn score(a: &Profile, b: &Profile) -> f32 {
    TEXT_WEIGHT * dot(&a.text, &b.text)
        + TOPIC_WEIGHT * shared(&a.topics, &b.topics)
        + REFERENCE_WEIGHT * shared(&a.references, &b.references)
}

/// Inverted index: for each field and dimension, the articles that have it and its weight.
struct Index {
    text: Postings,
    topics: Postings,
    references: Postings,
}

impl Index {
    fn new(profiles: &[Profile], terms: usize, topics: usize) -> Index {
        let classes = profiles
            .iter()
            .flat_map(|p| p.references.iter().map(|(c, _)| *c as usize + 1))
            .max()
            .unwrap_or(0);
        // A common word still proposes the articles it weighs most in (a "champion
        // list"); a topic or reference shared by very many articles proposes none, since
        // its weights are all alike and any cut would favour early slugs. Their share of
        // the score still counts when the pair is scored exactly below.
        let none_when_common = |list: &mut [(u32, f32)]| if list.len() > POSTING_CAP { 0 } else { list.len() };
        Index {
            text: Postings::new(profiles, terms, |p| &p.text, cap_champions),
            topics: Postings::new(profiles, topics, |p| &p.topics, none_when_common),
            references: Postings::new(profiles, classes, |p| &p.references, none_when_common),
        }
    }

    /// The `keep` strongest neighbours of `doc`: candidates by accumulating over capped
    /// posting lists, then the best of those scored exactly.
    fn neighbours(&self, profiles: &[Profile], doc: usize, keep: usize, scratch: &mut Scratch) -> Vec<Scored> {
        let p = &profiles[doc];
        // For sets, rarity times rarity stands in for the exact evidence: an estimate good
        // enough to choose whom to score exactly.
        for (vector, postings, weight) in [
            (&p.text, &self.text, TEXT_WEIGHT),
            (&p.topics, &self.topics, TOPIC_WEIGHT),
            (&p.references, &self.references, REFERENCE_WEIGHT),
        ] {
            for &(t, w) in vector {
                for &(other, wo) in postings.list(t) {
                    let other = other as usize;
                    if other == doc {
                        continue;
                    }
                    if !scratch.seen[other] {
                        scratch.seen[other] = true;
                        scratch.touched.push(other as u32);
                    }
                    scratch.partial[other] += weight * w * wo;
                }
            }
        }
        let mut pool: Vec<(f32, u32)> = scratch
            .touched
            .iter()
            .map(|&o| (scratch.partial[o as usize], o))
            .collect();
        for &o in &scratch.touched {
            scratch.partial[o as usize] = 0.0;
            scratch.seen[o as usize] = false;
        }
        scratch.touched.clear();
        let limit = (keep * 4).max(32);
        if pool.len() > limit {
            pool.select_nth_unstable_by(limit - 1, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            pool.truncate(limit);
        }
        let mut scored: Vec<Scored> = pool
            .into_iter()
            .map(|(_, o)| Scored {
                index: o,
                score: score(p, &profiles[o as usize]),
            })
            .filter(|s| s.score > 0.0)
            .collect();
        scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.index.cmp(&b.index)));
        scored.truncate(keep);
        // `pool` and `scored` have the same layout, so the collect above reused pool's
        // buffer, sized for every candidate touched: give back all but the few kept.
        scored.shrink_to_fit();
        scored
    }
}

/// Keeps the `POSTING_CAP` heaviest postings of a list (ties: earlier article), in article
/// order so that sums are accumulated in the same order every run, at its start; returns
/// how many it keeps.
fn cap_champions(list: &mut [(u32, f32)]) -> usize {
    if list.len() <= POSTING_CAP {
        return list.len();
    }
    list.select_nth_unstable_by(POSTING_CAP - 1, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    list[..POSTING_CAP].sort_by_key(|e| e.0);
    POSTING_CAP
}

/// The posting lists of one field, end to end in one array: the list of dimension `d` is
/// `entries[starts[d]..starts[d + 1]]`. A list of its own for each dimension was 24 bytes
/// even when empty, as most reference dimensions are (a work is numbered by one of its
/// identities), and grown by doubling, each left room unused.
struct Postings {
    starts: Vec<usize>,
    entries: Vec<(u32, f32)>,
}

impl Postings {
    /// The lists of the `dimensions` of `field`, in article order, each cut by `cap` to the
    /// start it keeps.
    fn new(
        profiles: &[Profile],
        dimensions: usize,
        field: impl Fn(&Profile) -> &Vector,
        cap: impl Fn(&mut [(u32, f32)]) -> usize,
    ) -> Postings {
        let mut starts = vec![0usize; dimensions + 1];
        for profile in profiles {
            for &(d, _) in field(profile) {
                starts[d as usize + 1] += 1;
            }
        }
        for d in 0..dimensions {
            starts[d + 1] += starts[d];
        }
        let mut entries = vec![(0u32, 0f32); starts[dimensions]];
        let mut next = starts.clone();
        for (doc, profile) in profiles.iter().enumerate() {
            for &(d, weight) in field(profile) {
                entries[next[d as usize]] = (doc as u32, weight);
                next[d as usize] += 1;
            }
        }
        drop(next);
        // Each list cut where it lies and moved down over what the lists before it left.
        let mut kept = 0;
        for d in 0..dimensions {
            let (start, end) = (starts[d], starts[d + 1]);
            let keep = cap(&mut entries[start..end]);
            entries.copy_within(start..start + keep, kept);
            starts[d] = kept;
            kept += keep;
        }
        starts[dimensions] = kept;
        entries.truncate(kept);
        entries.shrink_to_fit();
        Postings { starts, entries }
    }

    fn list(&self, dimension: u32) -> &[(u32, f32)] {
        let d = dimension as usize;
        &self.entries[self.starts[d]..self.starts[d + 1]]
    }
}

/// Per-thread accumulators, reused from one article to the next.
struct Scratch {
    partial: Vec<f32>,
    seen: Vec<bool>,
    touched: Vec<u32>,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch {
            partial: vec![0.0; n],
            seen: vec![false; n],
            touched: Vec::new(),
        }
    }
}

/// How many articles each part of `Graph::inputs_digest` names: fixed, so that the same
/// articles give the same digest however many cores hash them.
const INPUTS_RUN: usize = 256;

/// Everything `Graph::build` reads of `article`, each field its length first.
fn article_inputs_into(article: &Article, bytes: &mut Vec<u8>) {
    let mut put = |field: &[u8]| {
        bytes.extend_from_slice(&(field.len() as u64).to_le_bytes());
        bytes.extend_from_slice(field);
    };
    put(article.slug.as_bytes());
    put(article.question.as_bytes());
    match article.title() {
        Some(title) => put(format!("title {title}").as_bytes()),
        None => put(b"no title"),
    }
    put(article.answer.plain.as_bytes());
    match article.plain_answer() {
        Some(plain) => put(format!("plain answer {}", plain.plain).as_bytes()),
        None => put(b"no plain answer"),
    }
    let headings: Vec<&str> = article.body.headings.toc().map(|heading| heading.text).collect();
    put(&(headings.len() as u64).to_le_bytes());
    for heading in headings {
        put(heading.as_bytes());
    }
    put(&(article.topics.len() as u64).to_le_bytes());
    for topic in &article.topics {
        put(topic.as_bytes());
    }
    let references = article.references.identities();
    put(&(references.len() as u64).to_le_bytes());
    for reference in &references {
        put(reference.id.as_bytes());
        match &reference.doi {
            Some(doi) => put(format!("doi {doi}").as_bytes()),
            None => put(b"no doi"),
        }
        match &reference.pmid {
            Some(pmid) => put(format!("pmid {pmid}").as_bytes()),
            None => put(b"no pmid"),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::load::SourceFile;
    use crate::parse::article::{Sources, parse_article};

    /// A parsed article with the given fields; `refs` are `(key, doi)` pairs.
    pub(crate) fn article(slug: &str, question: &str, answer: &str, topics: &[&str], refs: &[(&str, &str)]) -> Article {
        let mut text = format!(
            "---\nquestion: \"{question}\"\nanswer: \"{answer}\"\ntopics: [{}]\ncreated: 2025-01-01\n",
            topics.join(", ")
        );
        if !refs.is_empty() {
            text.push_str("references:\n");
            for (key, doi) in refs {
                text.push_str(&format!(
                    "  - {{id: {key}, type: research, title: \"T\", doi: \"{doi}\"}}\n"
                ));
            }
        }
        text.push_str("---\nText.\n");
        let source = SourceFile {
            rel_path: format!("content/t/{slug}.md"),
            section: "t".into(),
            text,
            bom: false,
        };
        let parsed = parse_article(&source, Sources::none(), crate::parse::Output::Html);
        parsed
            .article
            .unwrap_or_else(|| panic!("{slug}: {:?}", parsed.diagnostics))
    }

    fn sample() -> Vec<Article> {
        vec![
            article(
                "metformin-b12",
                "Does metformin cause vitamin B12 deficiency?",
                "Long-term metformin lowers vitamin B12 levels.",
                &["diabetes"],
                &[("dpp", "10.1/dpp")],
            ),
            article(
                "metformin-kidney",
                "How should metformin be dosed in kidney disease?",
                "Metformin is reduced when eGFR falls below 45 and stopped below 30.",
                &["diabetes", "nephrology"],
                &[],
            ),
            article(
                "metformin-side-effects",
                "What are the side effects of metformin?",
                "Metformin causes gastrointestinal upset and, over years, vitamin B12 deficiency.",
                &["diabetes"],
                &[("dpp-study", "10.1/DPP")],
            ),
            article(
                "snoring",
                "How is snoring treated?",
                "Snoring improves with weight loss and oral appliances.",
                &["sleep"],
                &[],
            ),
            article(
                "sglt2-side-effects",
                "What are the side effects of SGLT2 inhibitors?",
                "Genital infections and ketoacidosis are the main side effects.",
                &["diabetes"],
                &[],
            ),
        ]
    }

    fn built(articles: &[Article]) -> Graph {
        let refs: Vec<&Article> = articles.iter().collect();
        Graph::build(&refs, 8)
    }

    fn slugs(articles: &[Article], list: &[Scored]) -> Vec<String> {
        list.iter().map(|s| articles[s.index()].slug.to_string()).collect()
    }

    #[test]
    fn a_drugs_questions_are_each_others_closest_neighbours() {
        let articles = sample();
        let graph = built(&articles);
        let top: Vec<String> = slugs(&articles, graph.candidates(2)).into_iter().take(2).collect();
        assert_eq!(top, ["metformin-b12", "metformin-kidney"]);
        assert!(
            graph.candidates(3).is_empty(),
            "snoring shares nothing: {:?}",
            graph.candidates(3)
        );
    }

    #[test]
    fn scores_are_symmetric_and_bounded() {
        let articles = sample();
        let graph = built(&articles);
        for a in 0..articles.len() {
            for b in 0..articles.len() {
                let (ab, ba) = (graph.score(a, b), graph.score(b, a));
                assert!((ab - ba).abs() < 1e-6, "{a} {b}");
                assert!((0.0..=1.0001).contains(&ab), "{ab}");
            }
        }
        assert!(
            graph.score(0, 0) >= TEXT_WEIGHT - 1e-4,
            "an article's wording is fully like its own"
        );
    }

    #[test]
    fn the_same_doi_in_any_case_is_one_shared_reference() {
        let articles = sample();
        let graph = built(&articles);
        let why = graph.explain(0, 2);
        assert_eq!(why.references, 1);
        assert_eq!(why.topics, ["diabetes"]);
        assert!(why.terms.contains(&"metformin".to_string()), "{why:?}");
        assert!(
            why.reason()
                .starts_with("shares 1 reference; topic diabetes; similar wording: "),
            "{}",
            why.reason()
        );
        assert_eq!(graph.explain(1, 3).reason(), "nothing in common");
    }

    #[test]
    fn reference_keys_join_works_only_when_unambiguous() {
        let articles = vec![
            article("a", "Alpha question?", "Alpha.", &["x"], &[("smith-2020", "10.1/one")]),
            article("b", "Beta question?", "Beta.", &["y"], &[("smith-2020", "10.1/two")]),
            article(
                "c",
                "Gamma question?",
                "Gamma.",
                &["z"],
                &[("jones-2021", "10.1/three")],
            ),
        ];
        let mut with_key_only = articles;
        with_key_only.push({
            let mut d = article("d", "Delta question?", "Delta.", &["w"], &[("jones-2021", "10.1/x")]);
            if let Some(references) = d.references.typed_mut() {
                references[0].doi = None;
            }
            d
        });
        let graph = built(&with_key_only);
        // "smith-2020" names two different DOIs: not the same work.
        assert_eq!(graph.explain(0, 1).references, 0);
        // "jones-2021" without a DOI in d is the work c cites under that key.
        assert_eq!(graph.explain(2, 3).references, 1);
    }

    #[test]
    fn a_doi_and_a_pmid_of_one_reference_join_the_articles_citing_either() {
        let cited_as = |mut a: Article, doi: Option<&str>, pmid: &str| {
            if let Some(references) = a.references.typed_mut() {
                references[0].doi = doi.map(str::to_string);
                references[0].pmid = Some(pmid.to_string());
            }
            a
        };
        let articles = vec![
            cited_as(
                article("a", "Alpha question?", "Alpha.", &["x"], &[("one", "10.1/one")]),
                Some("10.1/one"),
                "111",
            ),
            cited_as(
                article("b", "Beta question?", "Beta.", &["y"], &[("two", "10.1/two")]),
                None,
                "111",
            ),
            article("c", "Gamma question?", "Gamma.", &["z"], &[("three", "10.1/one")]),
            article("d", "Delta question?", "Delta.", &["w"], &[("four", "10.1/four")]),
        ];
        let graph = built(&articles);
        assert_eq!(graph.explain(0, 1).references, 1, "by the PMID");
        assert_eq!(graph.explain(0, 2).references, 1, "by the DOI");
        assert_eq!(graph.explain(1, 2).references, 1, "one work, known by both");
        assert_eq!(graph.explain(0, 3).references, 0);
    }

    #[test]
    fn identities_are_numbered_once_each_in_the_order_first_met() {
        let mut texts = Texts::default();
        let numbers: Vec<u32> = ["doi:b", "doi:a", "doi:b", "", "doi:a", "pmid:1"]
            .iter()
            .map(|t| texts.number(t))
            .collect();
        assert_eq!(numbers, [0, 1, 0, 2, 1, 3]);
        assert_eq!(texts.len(), 4);
        let read: Vec<&str> = (0..texts.len()).map(|n| texts.text(n)).collect();
        assert_eq!(read, ["doi:b", "doi:a", "", "pmid:1"]);
    }

    #[test]
    fn ranking_puts_editors_links_first_unless_configured_and_breaks_ties_by_index() {
        let articles = sample();
        let graph = built(&articles);
        let explicit = vec![vec![3], vec![], vec![], vec![], vec![]];
        let config = RelatedConfig::default();
        let (related, edges) = rank(&graph, &explicit, &config);
        assert_eq!(related[0][0].index(), 3);
        assert!(related[0][0].explicit);
        assert_eq!(reason(&graph, 0, 3, true), "chosen by the editors");
        assert!(
            related[0][1..]
                .iter()
                .all(|r| !r.explicit && r.score >= config.min_score)
        );
        let scores: Vec<f32> = related[0][1..].iter().map(|r| r.score).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
        assert!(edges.iter().any(|e| e.explicit && e.source() == 0 && e.target() == 3));
        assert!(edges.iter().filter(|e| !e.explicit).all(|e| e.source() < e.target()));

        let by_score = RelatedConfig {
            explicit_first: false,
            ..RelatedConfig::default()
        };
        let (related, _) = rank(&graph, &explicit, &by_score);
        assert_eq!(
            related[0].last().map(|r| r.index()),
            Some(3),
            "the weak editor's link sinks"
        );

        let short = RelatedConfig {
            max: 1,
            ..RelatedConfig::default()
        };
        let (related, _) = rank(&graph, &explicit, &short);
        assert_eq!(related[0].len(), 1, "editors' links fill the list first");
    }

    #[test]
    fn topic_hubs_lead_with_their_most_connected_questions() {
        let articles = sample();
        let graph = built(&articles);
        let explicit = vec![Vec::new(); articles.len()];
        let (_, edges) = rank(&graph, &explicit, &RelatedConfig::default());
        let refs: Vec<&Article> = articles.iter().collect();
        let adjacent = adjacency(&edges, articles.len());
        let mut members = vec![0, 1, 2, 4];
        rank_topic(&mut members, &refs, &adjacent);
        let centrality = |a: usize| -> f32 {
            adjacent[a]
                .iter()
                .filter(|(b, _)| [0, 1, 2, 4].contains(b))
                .map(|(_, w)| w)
                .sum()
        };
        let order: Vec<f32> = members.iter().map(|&a| centrality(a)).collect();
        assert!(order.windows(2).all(|w| w[0] >= w[1]), "{order:?}");
        assert!(order[0] > 0.0);
        assert_eq!(
            &*articles[members[3]].slug, "sglt2-side-effects",
            "the odd one out comes last"
        );
    }

    #[test]
    fn a_pairs_reason_reads_the_same_from_either_end() {
        // Computed edges are stored once, smaller index first, and their reason is made
        // from that end when shown: it must be the text the other end's list would give.
        let articles = sample();
        let graph = built(&articles);
        for a in 0..articles.len() {
            for b in 0..articles.len() {
                assert_eq!(reason(&graph, a, b, false), reason(&graph, b, a, false), "{a} {b}");
            }
        }
        assert!(reason(&graph, 0, 2, true).starts_with("chosen by the editors; shares 1 reference"));
        assert_eq!(reason(&graph, 1, 3, false), "nothing in common");
    }

    #[test]
    fn building_twice_gives_the_same_graph() {
        let articles = sample();
        let (a, b) = (built(&articles), built(&articles));
        for i in 0..articles.len() {
            assert_eq!(a.candidates(i), b.candidates(i));
        }
    }

    #[test]
    fn a_kept_graph_reads_back_equal_and_only_whole() {
        let articles = sample();
        let graph = built(&articles);
        let mut bytes = Vec::new();
        graph.write_to(&mut bytes).unwrap();
        assert_eq!(Graph::read_from(&mut &bytes[..]), Some(built(&articles)));
        for cut in [0, 7, bytes.len() / 2, bytes.len() - 1] {
            assert_eq!(Graph::read_from(&mut &bytes[..cut]), None, "cut at {cut}");
        }
        // A neighbour that is no article of the graph: refused, not indexed out of bounds.
        let mut broken = Vec::new();
        let mut wrong = built(&articles);
        wrong.candidates = Lists::collect(vec![vec![Scored { index: 99, score: 1.0 }]; articles.len()]);
        wrong.write_to(&mut broken).unwrap();
        assert_eq!(Graph::read_from(&mut &broken[..]), None);
    }

    #[test]
    fn the_inputs_digest_changes_with_what_the_graph_reads_and_only_with_it() {
        let articles = sample();
        let digest = |articles: &[Article]| Graph::inputs_digest(&articles.iter().collect::<Vec<_>>(), 8);
        let base = digest(&articles);
        assert_eq!(base, digest(&sample()));
        let mut changed = sample();
        changed[0].question = format!("{} today", changed[0].question).into();
        assert_ne!(digest(&changed), base, "a question");
        let mut changed = sample();
        changed[1].topics = [&changed[1].topics[..], &["nephrology".into()]].concat().into();
        assert_ne!(digest(&changed), base, "a topic");
        let mut changed = sample();
        changed[2].answer.plain = format!("{} More.", changed[2].answer.plain).into();
        assert_ne!(digest(&changed), base, "an answer");
        let mut changed = sample();
        changed[0].version += 1;
        assert_eq!(digest(&changed), base, "a version is not read by the graph");
        assert_ne!(
            Graph::inputs_digest(&articles.iter().collect::<Vec<_>>(), 9),
            base,
            "keep"
        );
    }

    #[test]
    fn posting_caps_keep_the_heaviest_entries_in_article_order() {
        let extra = 10;
        let mut list: Vec<(u32, f32)> = (0..(POSTING_CAP + extra) as u32)
            .map(|d| (d, (d % 37) as f32))
            .collect();
        let kept = cap_champions(&mut list);
        assert_eq!(kept, POSTING_CAP);
        list.truncate(kept);
        assert!(list.windows(2).all(|w| w[0].0 < w[1].0), "kept in article order");
        // Weights 0..=9 appear twice each below 74 entries (d and d + 37): the ten lightest
        // postings are the two 0s, two 1s … two 4s.
        assert!(list.iter().all(|(_, w)| *w >= 5.0), "{list:?}");
    }

    #[test]
    fn reasons_name_a_compound_rather_than_its_parts() {
        let terms = [
            (0.3, "177"),
            (0.2, "lu"),
            (0.2, "lu-177"),
            (0.1, "pluvicto"),
            (0.05, "dose"),
            (0.001, "x"),
        ];
        assert_eq!(name_terms(&terms, 0.01), ["lu-177", "pluvicto", "dose"]);
        assert_eq!(name_terms(&terms, 0.15), ["lu-177"]);
    }

    /// A page names its related entries' reasons by `reason_inputs` instead of making them:
    /// what changes a reason must change the digests, and what leaves both profiles as
    /// they were must leave them, however the site's terms are numbered.
    #[test]
    fn reason_inputs_change_with_a_reason_and_only_with_what_it_reads() {
        let site = |third: &str| {
            vec![
                article(
                    "statin-cramps",
                    "Do statins cause muscle cramps?",
                    "Cramps on statins are seldom caused by statins.",
                    &["cardiology"],
                    &[],
                ),
                article(
                    "statin-cramps-common",
                    "Are cramps common with statins?",
                    "Muscle cramps are common and seldom serious.",
                    &["cardiology"],
                    &[],
                ),
                article("leg-cramps", "How are leg cramps treated?", third, &["sports"], &[]),
                article(
                    "snoring",
                    "How is snoring treated?",
                    "Weight loss helps.",
                    &["sleep"],
                    &[],
                ),
                article(
                    "asthma",
                    "What triggers asthma?",
                    "Cold air and pollen.",
                    &["lungs"],
                    &[],
                ),
                article(
                    "gout",
                    "What causes gout?",
                    "Uric acid crystals.",
                    &["rheumatology"],
                    &[],
                ),
            ]
        };
        let before = built(&site("Stretching eases cramps."));
        // The third article writes the shared word shorter: the same term, as often, so
        // neither profile's weights move, but the reason shows the word as now written.
        let spelled = built(&site("Stretching eases a cramp."));
        // A word neither article has: their profiles and reasons are as they were.
        let elsewhere = built(&site("Stretching relieves cramps."));
        let why = |graph: &Graph| reason(graph, 0, 1, false);
        assert!(why(&before).contains("cramps"), "{}", why(&before));
        assert_ne!(why(&before), why(&spelled));
        assert_eq!(before.score(0, 1).to_bits(), spelled.score(0, 1).to_bits());
        assert_ne!(before.reason_inputs(0), spelled.reason_inputs(0));
        assert_ne!(before.reason_inputs(1), spelled.reason_inputs(1));
        assert_eq!(why(&before), why(&elsewhere));
        assert_eq!(before.reason_inputs(0), elsewhere.reason_inputs(0));
        assert_eq!(before.reason_inputs(1), elsewhere.reason_inputs(1));
        assert_ne!(before.reason_inputs(2), elsewhere.reason_inputs(2));
        // Kept and read back, the digests come with the graph.
        let mut bytes = Vec::new();
        before.write_to(&mut bytes).unwrap();
        assert_eq!(Graph::read_from(&mut bytes.as_slice()), Some(before));
    }
}
