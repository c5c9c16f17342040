//! The client-side search index, written at build time under `search/`. A reader's browser
//! loads it only when they search, and then only the shards their query needs: a small
//! manifest and the synonym table (fetched together), the vocabulary shard of each query
//! word's first letter, the posting shards of the matching terms a tier at a time (the
//! question, topic and heading lists of a term together; then answers; then bodies), for as
//! long as the results shown are not yet certain (`topk`), and the document shards of the
//! results shown (`theme/search.js`).
//!
//! Terms are recorded once per article, in the most telling field group they occur in
//! (question, topic, heading, answer, body), so that ranking can put a question match above
//! a body match. `query` is the reference implementation of the ranking the script runs.
//!
//! A build with the cache works out only the terms of the articles that changed, and
//! takes the whole index over when nothing it is made from changed (`kept`,
//! `publish_index`).

pub mod command;
pub mod duplicates;
pub mod encode;
pub mod intents;
pub mod kept;
pub mod query;
pub mod synonyms;
pub mod text;
pub mod topk;
pub mod vocab;

use crate::fast_hash::FastSet;
use crate::link::Site;
use crate::render::context::{SummaryView, TopicView};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The field groups, most telling first. A term counts in the first group it occurs in.
pub const GROUPS: [&str; 5] = ["question", "topic", "heading", "answer", "body"];
/// Points per group for a matched term. A question match (≥ 20 after the rarity factor)
/// outweighs any number of body matches of a short query (1 each).
pub const WEIGHTS: [u32; 5] = [40, 12, 6, 3, 1];
/// Documents per document shard: the ten results shown first need at most ten small files
/// (about 1.5 KB each), whatever the size of the site.
pub const DOCS_PER_SHARD: usize = 16;
/// A posting shard is closed once it would grow past this many bytes (a single very common
/// term may exceed it alone). Small shards cost a request each but keep a query from
/// downloading the neighbours of its terms.
pub const POSTINGS_SHARD_BYTES: usize = 4 * 1024;
/// The posting tiers: which field groups' lists share a shard. A query reads a term's
/// question, topic and heading lists from one file, fetched beside its vocabulary shard:
/// one request per word before the first result instead of one per word and level (on a
/// phone over HTTP/1, six requests at a time, each a round trip). Answers and bodies, which
/// a common word's first page rarely needs, stay apart.
pub const TIERS: [&[usize]; 3] = [&[0, 1, 2], &[3], &[4]];
/// Bumped when the file layout changes, so that a stale script refuses a new index.
pub const FORMAT: u32 = 4;
/// How much of an article's answer a result row carries, in characters: enough for the
/// excerpt a result shows around the matched words.
pub const EXCERPT_CHARS: usize = 200;

/// What a result shows for each review state; the keys are the documents' `status`.
pub const STATUSES: [(&str, &str); 5] = [
    ("approved", "Approved"),
    ("changed", "Under review · changed since approval"),
    ("under_review", "Under review"),
    ("submitted", "Submitted"),
    ("draft", "Draft"),
];

/// One article as the index sees it.
pub struct Document<'a> {
    pub slug: &'a str,
    pub question: &'a str,
    /// A key of `STATUSES`: "approved" only for a verified approval.
    pub status: &'static str,
    /// Index of its primary topic in the manifest's `topics`.
    pub topic: Option<usize>,
    /// Its text in each of `GROUPS`, one list a group, when it is given rather than read
    /// from `source`: otherwise empty (five empty lists in every document were a tenth of
    /// a kilobyte each).
    pub texts: Vec<Vec<&'a str>>,
    /// The article its texts are read from, when they are read (`doc_terms`): made for
    /// every document at once, the texts' lists were 42 MB at 100,000 articles, held
    /// while the index worked its way through them.
    pub source: Option<Source<'a>>,
    /// The article's body, whose search terms, unpacked only when they are read, follow
    /// `texts`' last group (`None` for a document of texts alone).
    pub body: Option<&'a crate::parse::article::Body>,
    /// The answer's plain text, which a result quotes around the matched words.
    pub excerpt: &'a str,
}

/// One file of the index, relative to the site root.
#[derive(Debug)]
pub struct SearchFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    format: u32,
    /// A hash of every shard: the script adds it to shard addresses so that a cached shard
    /// of an older build is never combined with this manifest.
    build: String,
    docs: usize,
    docs_per_shard: usize,
    /// Where the questions live: a result's address is this, its slug and `/`.
    url: &'a str,
    groups: [&'static str; 5],
    weights: [u32; 5],
    /// The first characters that have a vocabulary shard, in order.
    vocab: String,
    /// For each first character whose shard is split, the second characters of its
    /// sub-shards (`vocab::write`).
    vocab_split: BTreeMap<char, String>,
    /// The field groups of each posting tier (`TIERS`).
    tiers: [&'static [usize]; 3],
    /// Per tier, the first term of each of its shards, in order: shard `postings/t/i` holds
    /// tier `t`'s lists of the terms from `postings[t][i]` up to (not including)
    /// `postings[t][i + 1]`, each term's as an array of one list per group of the tier.
    postings: Vec<Vec<String>>,
    /// The cue phrases of question types (`intents`): each phrase's words and its type.
    cues: Vec<(Vec<String>, &'static str)>,
    /// The longest cue in words.
    cue_words: usize,
    topics: Vec<TopicEntry<'a>>,
    status: BTreeMap<&'static str, &'static str>,
}

#[derive(Serialize)]
struct TopicEntry<'a> {
    title: &'a str,
    url: &'a str,
}

/// Every file of the index of `site`, as `build` writes it under `search/`; `root` is
/// where its `synonyms.yaml` may be (one that does not load was reported by `check`, and
/// the built-in table is used instead).
pub fn site_index(site: &Site<'_>, root: &std::path::Path) -> Result<Vec<SearchFile>, crate::diagnostic::Diagnostic> {
    use crate::render::context::{summary_view, topic_view};
    use crate::render::urls::Urls;
    let urls = Urls::new(&site.config.base_url);
    let topics: Vec<TopicView> = site.topics.iter().map(|t| topic_view(t, &urls)).collect();
    let summaries: Vec<SummaryView> = site.articles.iter().map(|a| summary_view(a, &urls, &topics)).collect();
    let docs = documents(site, &topics, &summaries);
    build_index(&docs, &topics, &urls.path("questions/"), &site_synonyms(root))
        .map_err(|unreadable| unreadable.reported(site))
}

/// The synonym table of the site at `root`.
pub fn site_synonyms(root: &std::path::Path) -> synonyms::Table {
    synonyms::Table::for_site(synonyms::load_site(root).ok().flatten().as_ref())
}

/// The documents of the published articles, in the site's order (by slug), made on every
/// core: a warm build makes them all, whatever changed.
/// An article as a document's texts are read from it, with the site's topics that name
/// its topics' titles.
#[derive(Clone, Copy)]
pub struct Source<'a> {
    article: &'a crate::parse::article::Article,
    topics: &'a [crate::link::Topic],
}

impl<'a> Source<'a> {
    /// The texts of each of `GROUPS`: the question and title, the topics' titles, the
    /// headings of the contents, the answer (and its plain-language version), and none of
    /// the body, whose terms `Body::search_terms` gives.
    fn texts(&self) -> [Vec<&'a str>; 5] {
        let article = self.article;
        let topic_titles: Vec<&'a str> = article
            .topics
            .iter()
            .filter_map(|slug| self.topics.iter().find(|t| &t.slug == slug))
            .map(|t| t.title.as_str())
            .collect();
        let mut question = vec![article.question.as_ref()];
        question.extend(article.title());
        let mut answer = vec![&*article.answer.plain];
        answer.extend(article.plain_answer().map(|a| &*a.plain));
        [
            question,
            topic_titles,
            article.body.headings.toc().map(|t| t.text).collect(),
            answer,
            Vec::new(),
        ]
    }
}

pub fn documents<'a>(site: &'a Site<'_>, topics: &[TopicView], summaries: &[SummaryView]) -> Vec<Document<'a>> {
    use rayon::prelude::*;
    site.articles
        .par_iter()
        .zip(summaries)
        .map(|(article, summary)| {
            let status = if summary.reviewed() {
                "approved"
            } else if summary.changed_since_approval() {
                "changed"
            } else {
                summary.status()
            };
            Document {
                slug: &article.slug,
                question: &article.question,
                status,
                topic: article
                    .topics
                    .first()
                    .and_then(|slug| topics.iter().position(|t| &t.slug == slug)),
                texts: Default::default(),
                source: Some(Source {
                    article,
                    topics: &site.topics,
                }),
                body: Some(&article.body),
                excerpt: &article.answer.plain,
            }
        })
        .collect()
}

/// Why an index was not published.
#[derive(Debug)]
pub enum Unpublished {
    /// A document's body terms would not unpack.
    Unreadable(kept::Unreadable),
    /// A file of the index was not written: its path, and why.
    Unwritten(String, anyhow::Error),
}

impl From<kept::Unreadable> for Unpublished {
    fn from(unreadable: kept::Unreadable) -> Unpublished {
        Unpublished::Unreadable(unreadable)
    }
}

impl kept::Unreadable {
    /// The finding for it, on the file of the article of `site` it is the document of
    /// (`documents` keeps the site's order).
    pub fn reported(self, site: &Site<'_>) -> crate::diagnostic::Diagnostic {
        let file = site.articles.get(self.document).map_or("", |article| &*article.file);
        crate::render::unpacking_failed(file, self.error)
    }
}

/// Every file of the index for `docs`, the manifest first; `url` is where questions live
/// ("/questions/").
pub fn build_index(
    docs: &[Document<'_>],
    topics: &[TopicView],
    url: &str,
    synonyms: &synonyms::Table,
) -> Result<Vec<SearchFile>, kept::Unreadable> {
    // `write_index` lets go of each document's texts once it has read them.
    let mut docs: Vec<Document<'_>> = docs
        .iter()
        .map(|d| Document {
            texts: d.texts.clone(),
            ..*d
        })
        .collect();
    let mut files = Vec::new();
    write_index(&mut docs, topics, url, synonyms, &mut |file| {
        files.push(file);
        Ok::<(), kept::Unreadable>(())
    })?;
    // `write_index` gives the manifest last, once every shard it names is made.
    files.rotate_right(1);
    Ok(files)
}

/// Writes the index of `site` into `sink`, as `write_index` makes it. With `kept` and a
/// sink that keeps pages, only the terms of articles whose name `kept` does not hold are
/// worked out, and when everything the files are made from is what the last build made
/// them from (`kept::index_key`), its files are taken over rather than made; what this
/// build made is kept for the next. Debug builds make every file all the same and stop if
/// one taken over is not its bytes.
pub fn publish_index(
    site: &Site<'_>,
    topics: &[TopicView],
    summaries: &[SummaryView],
    root: &std::path::Path,
    kept: Option<&dyn kept::KeptIndex>,
    sink: &dyn crate::write::Sink,
) -> Result<(), Unpublished> {
    let urls = crate::render::urls::Urls::new(&site.config.base_url);
    let questions = urls.path("questions/");
    let synonyms = site_synonyms(root);
    let mut docs = documents(site, topics, summaries);
    let Some(kept) = kept.filter(|_| sink.keeps_pages()) else {
        return write_index(&mut docs, topics, &questions, &synonyms, &mut |file| {
            sink.write(&file.path, &file.bytes)
                .map_err(|error| Unpublished::Unwritten(file.path, error))
        });
    };
    let names = kept::term_names(site);
    let recalled = kept.recall();
    let earlier = recalled.as_ref().map(|k| (k.index, k.files.clone()));
    let mut terms = kept::SiteTerms::of(&mut docs, &names, recalled, true)?;
    let index = kept::index_key(&docs, &terms, topics, &questions, &synonyms);
    let mut taken: FastSet<String> = FastSet::default();
    if let Some((earlier_index, files)) = &earlier
        && *earlier_index == index
        && !cfg!(debug_assertions)
    {
        for path in files {
            match sink.take_over(path, &kept::file_key(&index, path), None) {
                Ok(true) => {
                    taken.insert(path.clone());
                }
                Ok(false) => break,
                Err(error) => return Err(Unpublished::Unwritten(path.clone(), error)),
            }
        }
        if taken.len() == files.len() {
            if terms.made > 0 {
                kept.keep(keeping(index, files, &terms, &names));
            }
            return Ok(());
        }
    }
    // Some file could not be taken over, or the index changed: every file is made, and
    // those taken over already are not given again.
    let mut files = Vec::new();
    write_terms(&docs, &mut terms, topics, &questions, &synonyms, &mut |file| {
        files.push(file.path.clone());
        if taken.contains(&file.path) {
            return Ok(());
        }
        let key = kept::file_key(&index, &file.path);
        sink.write_rendered(&file.path, &file.bytes, Some(&key))
            .map_err(|error| Unpublished::Unwritten(file.path, error))
    })?;
    let unchanged = earlier.is_some_and(|(earlier_index, _)| earlier_index == index);
    if !unchanged || terms.made > 0 {
        kept.keep(keeping(index, &files, &terms, &names));
    }
    Ok(())
}

/// What is kept of an index whose key is `index`, made as `files` from `terms`: read where
/// `terms` holds it.
fn keeping<'a>(
    index: [u8; 32],
    files: &'a [String],
    terms: &'a kept::SiteTerms,
    names: &'a [Option<[u8; 32]>],
) -> kept::Keeping<'a> {
    let (count, documents) = terms.kept_documents(names);
    kept::Keeping {
        index,
        files,
        dictionary: &terms.dictionary,
        count,
        documents: Box::new(documents),
    }
}

/// Makes every file of the index for `docs` and gives each to `put` as soon as it is made,
/// the manifest last: held until all were made, the files were a second copy of the whole
/// index in memory (tens of megabytes at 100,000 articles). Each document's `texts` are
/// emptied once its terms are read. Stops at the first error of `put`, or before any file
/// when a document's body terms do not unpack.
pub fn write_index<E: From<kept::Unreadable>>(
    docs: &mut [Document<'_>],
    topics: &[TopicView],
    url: &str,
    synonyms: &synonyms::Table,
    put: &mut dyn FnMut(SearchFile) -> Result<(), E>,
) -> Result<(), E> {
    let mut terms = kept::SiteTerms::of(docs, &[], None, false)?;
    write_terms(docs, &mut terms, topics, url, synonyms, put)
}

/// `write_index` from the documents' `terms` (which it lets go of as it goes, all but
/// the dictionary and what is kept).
fn write_terms<E>(
    docs: &[Document<'_>],
    terms: &mut kept::SiteTerms,
    topics: &[TopicView],
    url: &str,
    synonyms: &synonyms::Table,
    put: &mut dyn FnMut(SearchFile) -> Result<(), E>,
) -> Result<(), E> {
    let all_postings = std::mem::take(&mut terms.postings);
    // In term order, borrowed from the dictionary.
    let postings: Vec<(&str, &encode::Postings)> =
        terms.dictionary.iter().map(String::as_str).zip(&all_postings).collect();

    let mut build = BuildHash::default();
    let mut give = |file: SearchFile| {
        build.add(&file);
        put(file)
    };
    let shard_firsts: Vec<Vec<String>> = TIERS
        .iter()
        .enumerate()
        .map(|(tier, groups)| write_tier(&postings, tier, groups, &mut give))
        .collect::<Result<_, E>>()?;

    // Past the tiers, only how many documents each term has and in which groups are read:
    // the lists go before the vocabulary is made (14 MB at 100,000 articles).
    let counts: Vec<(usize, u8)> = all_postings.iter().map(|p| (p.len(), p.groups())).collect();
    drop(postings);
    drop(all_postings);

    let stemmer = text::Stemmer::english();
    let mut vocab: BTreeMap<char, vocab::Shard<'_>> = BTreeMap::new();
    // Question-type tags are looked up by name, never typed: they stay out of the vocabulary.
    for (term, &(documents, groups)) in terms
        .dictionary
        .iter()
        .zip(&counts)
        .filter(|(t, _)| !t.starts_with(intents::TYPE_PREFIX))
    {
        let stem = stemmer.stem(term);
        vocab
            .entry(text::shard_key(term))
            .or_default()
            .push(term, documents, groups, stem);
    }
    drop(counts);
    let mut vocab_files = Vec::new();
    let vocab_keys = vocab::write(&vocab, &mut vocab_files);
    for file in vocab_files {
        give(file)?;
    }
    // The stems the vocabulary holds, borrowed from it rather than copied into a set.
    let known_stems: FastSet<&str> = vocab.values().flat_map(vocab::Shard::stems).collect();
    let present = |stem: &str| known_stems.contains(stem);
    give(SearchFile {
        path: "search/synonyms.json".to_string(),
        bytes: synonyms.to_json(present),
    })?;
    drop(known_stems);
    drop(vocab);

    for (number, chunk) in docs.chunks(DOCS_PER_SHARD).enumerate() {
        let rows: Vec<Value> = chunk
            .iter()
            .map(|d| {
                let topic = d.topic.map_or(Value::from(-1), Value::from);
                Value::Array(vec![
                    d.slug.into(),
                    d.question.into(),
                    d.status.into(),
                    topic,
                    text::clip(d.excerpt, EXCERPT_CHARS).into(),
                ])
            })
            .collect();
        give(json_file(format!("search/docs/{number}.json"), &rows))?;
    }

    let manifest = Manifest {
        format: FORMAT,
        build: build.hex(),
        docs: docs.len(),
        docs_per_shard: DOCS_PER_SHARD,
        url,
        groups: GROUPS,
        weights: WEIGHTS,
        vocab: vocab_keys.first,
        vocab_split: vocab_keys.split,
        tiers: TIERS,
        postings: shard_firsts,
        cues: intents::cue_table(),
        cue_words: intents::longest_cue(),
        topics: topics
            .iter()
            .map(|t| TopicEntry {
                title: &t.title,
                url: &t.url,
            })
            .collect(),
        status: STATUSES.into_iter().collect(),
    };
    // Not in the hash: the hash is in it.
    let manifest = json_file("search/index.json".to_string(), &manifest);
    put(manifest)
}

/// Gives `put` the posting shards of one tier as each closes: each term with a list in one
/// of the tier's `groups`, as an array of its list in each (`0` where empty), in the shard
/// of its term range; returns the first term of each shard. Tiers are apart so that a query
/// reads a common word's question matches without its body matches, which at 100,000
/// articles are a 17 KB bitmap of their own.
///
/// Each entry is serialised once, straight into its shard: a shard is a JSON object whose
/// keys are its terms, ascending, which is the order the terms come in (a map of them,
/// serialised whole, wrote the same bytes after each entry had been serialised once more
/// to measure it). Its lists are written as bytes (`encode::write_postings`), each term's
/// read out of its postings once for the tier's groups: a `Value` of each list, serialised,
/// was most of the time a changed index took.
fn write_tier<E>(
    postings: &[(&str, &encode::Postings)],
    tier: usize,
    groups: &[usize],
    put: &mut dyn FnMut(SearchFile) -> Result<(), E>,
) -> Result<Vec<String>, E> {
    let mut firsts: Vec<String> = Vec::new();
    // The shard's entries so far, each `"term":[…]`, comma-separated.
    let mut shard: Vec<u8> = Vec::with_capacity(2 * POSTINGS_SHARD_BYTES);
    let mut shard_bytes = 2;
    let mut entry: Vec<u8> = Vec::new();
    let mut docs: Vec<Vec<u32>> = vec![Vec::new(); groups.len()];
    let mut close = |shard: &mut Vec<u8>, number: usize| {
        let mut bytes = Vec::with_capacity(shard.len() + 2);
        bytes.push(b'{');
        bytes.append(shard);
        bytes.push(b'}');
        put(SearchFile {
            path: format!("search/postings/{tier}/{number}.json"),
            bytes,
        })
    };
    for &(term, lists) in postings
        .iter()
        .filter(|(_, lists)| groups.iter().any(|&g| lists.groups() & 1 << g != 0))
    {
        // The array of the term's list in each group, as JSON.
        lists.docs_of_groups(groups, &mut docs);
        entry.clear();
        entry.push(b'[');
        for (number, docs) in docs.iter().enumerate() {
            if number > 0 {
                entry.push(b',');
            }
            encode::write_postings(docs, &mut entry);
        }
        entry.push(b']');
        // What a shard is closed by: the term's length unescaped, its quotes, colon and
        // comma, and its lists as JSON.
        let entry_bytes = term.len() + 4 + entry.len();
        if !shard.is_empty() && shard_bytes + entry_bytes > POSTINGS_SHARD_BYTES {
            close(&mut shard, firsts.len() - 1)?;
            shard_bytes = 2;
        }
        if shard.is_empty() {
            firsts.push(term.to_string());
        } else {
            shard.push(b',');
        }
        let _ = serde_json::to_writer(&mut shard, term);
        shard.push(b':');
        shard.extend_from_slice(&entry);
        shard_bytes += entry_bytes;
    }
    if !shard.is_empty() {
        close(&mut shard, firsts.len() - 1)?;
    }
    Ok(firsts)
}

/// Documents whose terms are worked out together before they are merged into the index.
const TERMS_BLOCK: usize = 1024;

/// A document's distinct terms, space-separated, each with the group it counts in (the
/// first it occurs in).
#[derive(Default)]
struct DocTerms {
    terms: String,
    groups: Vec<u8>,
}

fn doc_terms(doc: &Document<'_>) -> Result<DocTerms, crate::packed::UnpackError> {
    let body_terms = doc.body.map(crate::parse::article::Body::search_terms).transpose()?;
    // The body's terms are the last group's, after its texts.
    let read = doc.source.map(|source| source.texts());
    let texts: &[Vec<&str>] = match &read {
        Some(read) => read,
        None => &doc.texts,
    };
    let body_group = (GROUPS.len() - 1) as u8;
    let folded: Vec<(u8, String)> = texts
        .iter()
        .zip(0u8..)
        .flat_map(|(texts, group)| texts.iter().map(move |text| (group, text::fold(text))))
        .chain(body_terms.iter().map(|terms| (body_group, text::fold(terms))))
        .collect();
    let mut seen: FastSet<&str> = FastSet::default();
    let mut out = DocTerms::default();
    for (group, text) in &folded {
        for term in text::first_occurrences(text, &mut seen) {
            if !out.terms.is_empty() {
                out.terms.push(' ');
            }
            out.terms.push_str(term);
            out.groups.push(*group);
        }
    }
    // The kinds of question it answers, tagged on the question group.
    let words = text::raw_words(&text::fold(doc.question));
    for kind in intents::types_of(&words) {
        if !out.terms.is_empty() {
            out.terms.push(' ');
        }
        out.terms.push_str(&intents::type_term(kind));
        out.groups.push(0);
    }
    Ok(out)
}

fn json_file(path: String, value: &impl Serialize) -> SearchFile {
    // Serialising plain strings, numbers and maps cannot fail.
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    SearchFile { path, bytes }
}

/// FNV-1a over every shard's path and bytes, in the order they are made: stable across
/// builds of the same content.
struct BuildHash(u64);

impl Default for BuildHash {
    fn default() -> BuildHash {
        BuildHash(0xcbf2_9ce4_8422_2325)
    }
}

impl BuildHash {
    fn add(&mut self, file: &SearchFile) {
        for &byte in file.path.as_bytes().iter().chain([0u8].iter()).chain(&file.bytes) {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus() -> Vec<Document<'static>> {
        (0..40)
            .map(|n| Document {
                slug: ["metformin-dose", "statin-pain", "sleep-apnea", "b12-levels"][n % 4],
                question: [
                    "Which metformin dose?",
                    "Do statins hurt?",
                    "What is apnea?",
                    "Why B12?",
                ][n % 4],
                status: "draft",
                topic: None,
                texts: vec![
                    vec!["Which metformin dose?"],
                    vec![],
                    vec!["Dose"],
                    vec!["Start low."],
                    vec!["metformin kidney dose vitamin"],
                ],
                source: None,
                body: None,
                excerpt: "Start low.",
            })
            .collect()
    }

    #[test]
    fn the_index_is_given_file_by_file_as_build_index_holds_it_the_manifest_last() {
        let mut docs = corpus();
        let table = synonyms::Table::built_in();
        let held = build_index(&docs, &[], "/questions/", &table).expect("terms unpack");
        let mut given = Vec::new();
        write_index(&mut docs, &[], "/questions/", &table, &mut |file| {
            given.push((file.path, file.bytes));
            Ok::<(), kept::Unreadable>(())
        })
        .expect("nothing refused");
        assert_eq!(given.last().map(|(path, _)| path.as_str()), Some("search/index.json"));
        assert!(
            docs.iter().all(|d| d.texts.iter().all(Vec::is_empty)),
            "texts let go of"
        );
        given.rotate_right(1);
        let held: Vec<(String, Vec<u8>)> = held.into_iter().map(|f| (f.path, f.bytes)).collect();
        assert_eq!(given, held);
        assert!(
            given.len() > 5,
            "postings, vocabulary, synonyms, documents and manifest"
        );
    }

    #[test]
    fn a_posting_shard_is_its_terms_as_one_json_object_in_order_within_its_size() {
        // Terms enough for several shards a tier, common and rare.
        let mut docs: Vec<Document<'static>> = corpus();
        let words: Vec<&'static str> = (0..600)
            .map(|n| &*Box::leak(format!("w{n:03}é\"q").into_boxed_str()))
            .collect();
        for (n, doc) in docs.iter_mut().enumerate() {
            doc.texts[4] = words.iter().copied().filter(|w| w.len() % (n % 3 + 1) == 0).collect();
            doc.texts[4].extend(words.iter().copied().skip(n * 7).take(40));
        }
        let files = build_index(&docs, &[], "/questions/", &synonyms::Table::built_in()).expect("terms unpack");
        let mut split = false;
        for file in files.iter().filter(|f| f.path.starts_with("search/postings/")) {
            split |= file.path.ends_with("/1.json");
            let map: serde_json::Map<String, Value> = serde_json::from_slice(&file.bytes).expect("a JSON object");
            assert_eq!(
                serde_json::to_vec(&map).unwrap(),
                file.bytes,
                "{}: as the map gives it",
                file.path
            );
            let terms: Vec<&String> = map.keys().collect();
            assert!(
                terms.windows(2).all(|pair| pair[0] < pair[1]),
                "{}: in order",
                file.path
            );
            // Terms are plain words, nothing in them escaped: a shard of more than one
            // term holds no more than the size it is closed at.
            assert!(
                map.len() == 1 || file.bytes.len() < POSTINGS_SHARD_BYTES,
                "{}: {} bytes",
                file.path,
                file.bytes.len()
            );
        }
        assert!(split, "a tier of more than one shard");
    }

    #[test]
    fn a_body_whose_terms_do_not_unpack_stops_the_index_before_any_file() {
        // A length of five bytes, then no LZ4 that gives them.
        let mut body = crate::parse::article::Body::default();
        assert!(body.restore_search_terms(&[5, 0, 0, 0, 0xf0], crate::packed::Holding::Copied(None)));
        let mut docs = corpus();
        docs[3].body = Some(&body);
        let mut offered = 0;
        let written = write_index(&mut docs, &[], "/questions/", &synonyms::Table::built_in(), &mut |_| {
            offered += 1;
            Ok::<(), kept::Unreadable>(())
        });
        let unreadable = written.expect_err("no index without every document's terms");
        assert_eq!(unreadable.document, 3);
        assert_eq!(offered, 0);
    }

    #[derive(Debug, PartialEq)]
    enum Refused {
        DiskFull,
        Unreadable,
    }

    impl From<kept::Unreadable> for Refused {
        fn from(_: kept::Unreadable) -> Refused {
            Refused::Unreadable
        }
    }

    #[test]
    fn a_file_refused_stops_the_index() {
        let mut docs = corpus();
        let mut offered = 0;
        let written = write_index(&mut docs, &[], "/questions/", &synonyms::Table::built_in(), &mut |_| {
            offered += 1;
            if offered == 2 { Err(Refused::DiskFull) } else { Ok(()) }
        });
        assert_eq!(written, Err(Refused::DiskFull));
        assert_eq!(offered, 2);
    }
}
