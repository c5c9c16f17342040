//! The terms of every document as places in one sorted dictionary, and what a build keeps
//! of them for the next (`KeptIndex`): each document's terms named by everything they are
//! made from, so that a build after an edit works out only the edited articles' terms, and
//! a digest of everything the index's files are made from (`index_key`), so that a build
//! whose index would be the same bytes takes its files over instead of making them.
//!
//! A document's terms are a pure function of its texts (`Document::texts`) and its
//! question, which are its article's and its topics' titles: they are named by the
//! article's parse name (`Article::inputs`, which names everything the parse read) and
//! those titles (`term_names`). What is kept is only ever a hint: a recalled list that does
//! not decode into this dictionary is worked out again, and debug builds (every test) work
//! out every recalled list all the same and stop if it differs.

use super::encode::Postings;
use super::{DocTerms, Document, TERMS_BLOCK, doc_terms};
use crate::fast_hash::FastMap;
use crate::link::Site;
use sha2::{Digest, Sha256};

/// What a build keeps of its search index for the next one.
#[derive(Debug, Default, PartialEq)]
pub struct KeptTerms {
    /// The digest of everything the index's files were made from (`index_key`).
    pub index: [u8; 32],
    /// The index's files, in the order they were made.
    pub files: Vec<String>,
    /// Every term of the index, ascending, each once.
    pub dictionary: Vec<String>,
    /// Each named document's terms: the name of what they are made from (`term_names`),
    /// and each term in the order `doc_terms` gives them as its place in `dictionary`
    /// shifted left by three bits, or'ed with its group, as a varint.
    pub documents: Vec<([u8; 32], Vec<u8>)>,
}

/// What a build keeps, borrowed from where it was made: the documents' lists are read
/// one at a time as they are kept, from wherever `SiteTerms` holds them, not copied into
/// a list of lists (at 100,000 articles a second copy of every list, tens of megabytes,
/// while the build renders).
pub struct Keeping<'a> {
    pub index: [u8; 32],
    pub files: &'a [String],
    pub dictionary: &'a [String],
    /// How many documents `documents` gives.
    pub count: usize,
    /// Each named document's name and terms, in order. A list that cannot be read back
    /// fails the keeping, never the build.
    pub documents: Box<dyn Iterator<Item = KeptDocument> + 'a>,
}

/// A document's name and its terms as `KeptTerms::documents` holds them, as read back to
/// be kept.
pub type KeptDocument = std::io::Result<([u8; 32], Vec<u8>)>;

impl KeptTerms {
    /// The same, to be kept.
    pub fn keeping(&self) -> Keeping<'_> {
        Keeping {
            index: self.index,
            files: &self.files,
            dictionary: &self.dictionary,
            count: self.documents.len(),
            documents: Box::new(self.documents.iter().map(|(name, list)| Ok((*name, list.clone())))),
        }
    }
}

/// Where a build's terms are kept between builds (`cache::search`).
pub trait KeptIndex: Sync {
    /// What the last build kept, when it can be read and is this binary's.
    fn recall(&self) -> Option<KeptTerms>;
    /// Keeps `kept` for the next build; failing to keep it fails nothing.
    fn keep(&self, kept: Keeping<'_>);
}

/// The name of each published article's terms, in site order: its parse name and the
/// titles of its topics, which are all its document's texts are made from. `None` where
/// the parse was not named (no build cache).
pub fn term_names(site: &Site<'_>) -> Vec<Option<[u8; 32]>> {
    use rayon::prelude::*;
    site.articles
        .par_iter()
        .map(|article| {
            let mut name = Sha256::new();
            name.update(article.inputs?);
            for slug in &article.topics {
                match site.topics.iter().find(|t| &t.slug == slug) {
                    Some(topic) => {
                        name.update([1]);
                        name.update((topic.title.len() as u64).to_le_bytes());
                        name.update(topic.title.as_bytes());
                    }
                    None => name.update([0]),
                }
            }
            Some(name.finalize().into())
        })
        .collect()
}

/// The terms of every document: the dictionary, each term's documents, and, when asked
/// for, each document's terms as places in the dictionary (what is kept).
pub struct SiteTerms {
    /// Every term some document has, ascending.
    pub dictionary: Vec<String>,
    /// Each term's documents, in the order of `dictionary`.
    pub postings: Vec<Postings>,
    /// Each document's terms as `KeptTerms::documents` holds them, one after another, a
    /// block of `TERMS_BLOCK` documents to a buffer; `ends[d]` is where document `d`'s end
    /// in its block's. Empty unless asked for. One buffer for the site grew by doubling to
    /// three times its length for a moment, and was copied whole to be renumbered.
    lists: Blocks,
    ends: Vec<usize>,
    /// How many documents' terms were worked out rather than recalled.
    pub made: usize,
}

/// One document's terms as a block gives them to the merge: recalled as places in the
/// kept dictionary, or worked out.
enum Found {
    Recalled(Vec<(u32, u8)>),
    Made(DocTerms),
    /// Its body's terms would not unpack.
    Unreadable(crate::packed::UnpackError),
}

/// A document whose body's search terms would not unpack (`Body::search_terms`): its place
/// among the documents, and why. No index is made without them.
#[derive(Debug)]
pub struct Unreadable {
    pub document: usize,
    pub error: crate::packed::UnpackError,
}

impl SiteTerms {
    /// The terms of `docs`, each document's `texts` emptied once read. A document whose
    /// name (`names`, in the same order; empty for none) `kept` holds takes its terms from
    /// there; `lists` asks for each document's terms to be held for keeping.
    pub fn of(
        docs: &mut [Document<'_>],
        names: &[Option<[u8; 32]>],
        kept: Option<KeptTerms>,
        lists: bool,
    ) -> Result<SiteTerms, Unreadable> {
        use rayon::prelude::*;
        let KeptTerms {
            dictionary: kept_dictionary,
            documents: kept_documents,
            ..
        } = kept.unwrap_or_default();
        // A dictionary out of order would find the wrong places: nothing of it is used.
        let ordered = kept_dictionary.windows(2).all(|pair| pair[0] < pair[1]);
        let (kept_dictionary, kept_documents) = if ordered {
            (kept_dictionary, kept_documents)
        } else {
            (Vec::new(), Vec::new())
        };
        let by_name: FastMap<[u8; 32], usize> = kept_documents
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (*name, i))
            .collect();
        // Each kept list is read once, and let go of as its block is merged: held to the
        // end, they were 25 MB at 100,000 articles beside the lists made from them. One
        // let go of is never read as an empty list: a second document of the same name
        // works its terms out.
        let mut kept_lists: Vec<Option<Vec<u8>>> = kept_documents.into_iter().map(|(_, list)| Some(list)).collect();
        let kept_place =
            |number: usize| -> Option<usize> { by_name.get(&names.get(number).copied().flatten()?).copied() };
        let known = kept_dictionary.len() as u32;
        // Terms no kept document has, numbered from `known` on.
        let mut added: FastMap<String, u32> = FastMap::default();
        let mut added_terms: Vec<String> = Vec::new();
        let mut postings: Vec<Postings> = vec![Postings::default(); kept_dictionary.len()];
        let mut merged = Merged {
            keep: lists,
            blocks: Blocks::new(lists),
            block: Vec::new(),
            ends: Vec::new(),
        };
        let mut made = 0;
        for (block, chunk) in docs.chunks_mut(TERMS_BLOCK).enumerate() {
            let start = block * TERMS_BLOCK;
            let found: Vec<Found> = chunk
                .par_iter()
                .enumerate()
                .map(|(offset, doc)| {
                    let recalled = kept_place(start + offset)
                        .and_then(|i| kept_lists[i].as_deref())
                        .and_then(|list| decode(list, known));
                    match recalled {
                        Some(terms) => {
                            if cfg!(debug_assertions) {
                                let made = match doc_terms(doc) {
                                    Ok(made) => made,
                                    Err(error) => return Found::Unreadable(error),
                                };
                                let recalled: Vec<(&str, u8)> = terms
                                    .iter()
                                    .map(|&(place, group)| (kept_dictionary[place as usize].as_str(), group))
                                    .collect();
                                let worked_out: Vec<(&str, u8)> =
                                    made.terms.split(' ').zip(made.groups.iter().copied()).collect();
                                assert!(
                                    recalled == worked_out,
                                    "{}: the kept terms differ from the document's: their name misses an input",
                                    doc.slug
                                );
                            }
                            Found::Recalled(terms)
                        }
                        None => match doc_terms(doc) {
                            Ok(made) => Found::Made(made),
                            Err(error) => Found::Unreadable(error),
                        },
                    }
                })
                .collect();
            // Read only for their terms: held to the end, they were a list of lists for
            // every document.
            for (offset, doc) in chunk.iter_mut().enumerate() {
                doc.texts = Default::default();
                doc.body = None;
                if let Some(i) = kept_place(start + offset) {
                    kept_lists[i] = None;
                }
            }
            for (offset, found) in found.into_iter().enumerate() {
                let number = (start + offset) as u32;
                match found {
                    Found::Unreadable(error) => {
                        return Err(Unreadable {
                            document: number as usize,
                            error,
                        });
                    }
                    Found::Recalled(terms) => {
                        for (place, group) in terms {
                            postings[place as usize].push(number, group);
                            merged.push(place, group);
                        }
                    }
                    Found::Made(terms) => {
                        made += 1;
                        for (term, &group) in terms.terms.split(' ').zip(&terms.groups) {
                            let place = match kept_dictionary.binary_search_by(|k| k.as_str().cmp(term)) {
                                Ok(place) => place as u32,
                                // Most terms are already known: look up by the borrowed
                                // word, copy only new ones.
                                Err(_) => match added.get(term) {
                                    Some(&place) => place,
                                    None => {
                                        let place = known + added_terms.len() as u32;
                                        added.insert(term.to_string(), place);
                                        added_terms.push(term.to_string());
                                        postings.push(Postings::default());
                                        place
                                    }
                                },
                            };
                            postings[place as usize].push(number, group);
                            merged.push(place, group);
                        }
                    }
                }
                merged.end();
            }
            merged.close_block();
        }
        drop(added);
        drop(kept_lists);
        // The kept terms still in use, in order, merged with the added ones, sorted.
        let mut added_order: Vec<u32> = (known..known + added_terms.len() as u32).collect();
        added_order
            .sort_unstable_by(|&a, &b| added_terms[(a - known) as usize].cmp(&added_terms[(b - known) as usize]));
        let term = |place: u32| -> &str {
            if place < known {
                &kept_dictionary[place as usize]
            } else {
                &added_terms[(place - known) as usize]
            }
        };
        let mut order: Vec<u32> = Vec::with_capacity(postings.len());
        let mut kept_in_use = (0..known)
            .filter(|&place| !postings[place as usize].is_empty())
            .peekable();
        let mut added_in_use = added_order.into_iter().peekable();
        loop {
            let next = match (kept_in_use.peek(), added_in_use.peek()) {
                (Some(&k), Some(&a)) if term(k) < term(a) => kept_in_use.next(),
                (Some(_), Some(_)) => added_in_use.next(),
                (Some(_), None) => kept_in_use.next(),
                (None, _) => added_in_use.next(),
            };
            match next {
                Some(place) => order.push(place),
                None => break,
            }
        }
        let mut rank = vec![u32::MAX; postings.len()];
        for (i, &place) in order.iter().enumerate() {
            rank[place as usize] = i as u32;
        }
        let (mut kept_dictionary, mut added_terms) = (kept_dictionary, added_terms);
        let dictionary: Vec<String> = order
            .iter()
            .map(|&place| {
                if place < known {
                    std::mem::take(&mut kept_dictionary[place as usize])
                } else {
                    std::mem::take(&mut added_terms[(place - known) as usize])
                }
            })
            .collect();
        let postings: Vec<Postings> = order
            .iter()
            .map(|&place| std::mem::take(&mut postings[place as usize]))
            .collect();
        let (lists, ends) = merged.renumbered(&rank);
        Ok(SiteTerms {
            dictionary,
            postings,
            lists,
            ends,
            made,
        })
    }

    /// Each named document's terms as `KeptTerms::documents` holds them, in order, read
    /// back a block at a time; `names` in the order of the documents. With how many there
    /// are: none unless the lists were asked for and all were made.
    pub fn kept_documents<'a>(
        &'a self,
        names: &'a [Option<[u8; 32]>],
    ) -> (usize, impl Iterator<Item = KeptDocument> + 'a) {
        // A block that could not be read back to be renumbered ended the lists short.
        let whole = self.lists.blocks.len() == self.ends.len().div_ceil(TERMS_BLOCK);
        let documents = if whole { self.ends.len() } else { 0 };
        let count = names.iter().take(documents).flatten().count();
        let lists = (0..documents.div_ceil(TERMS_BLOCK)).flat_map(move |block| {
            let first = block * TERMS_BLOCK;
            let last = (first + TERMS_BLOCK).min(documents);
            match self.lists.read(block) {
                Err(error) => vec![Err(error)],
                Ok(bytes) => {
                    let mut start = 0;
                    let mut named = Vec::new();
                    for number in first..last {
                        let end = self.ends[number];
                        if let Some(name) = names.get(number).copied().flatten() {
                            named.push(Ok((name, bytes.get(start..end).unwrap_or(&[]).to_vec())));
                        }
                        start = end;
                    }
                    named
                }
            }
        });
        (count, lists)
    }

    /// Document `number`'s terms as `KeptTerms::documents` holds them (empty unless the
    /// lists were asked for).
    #[cfg(test)]
    fn list(&self, number: usize) -> Vec<u8> {
        let start = if number % TERMS_BLOCK == 0 {
            0
        } else {
            self.ends.get(number - 1).copied().unwrap_or(0)
        };
        match (self.ends.get(number), self.lists.read(number / TERMS_BLOCK)) {
            (Some(&end), Ok(block)) => block.get(start..end).unwrap_or(&[]).to_vec(),
            _ => Vec::new(),
        }
    }

    /// Every document's terms, for tests to compare.
    #[cfg(test)]
    fn all_lists(&self) -> Vec<Vec<u8>> {
        (0..self.ends.len()).map(|number| self.list(number)).collect()
    }
}

/// Blocks of bytes written to a temporary file as they are made, and read back only when
/// asked for: the lists of terms kept for the next build are read once, after the whole
/// index is written (held in memory, they were 20 MB at 100,000 articles through all of
/// it). Held in memory where no temporary file can be written.
struct Blocks {
    spill: Option<std::sync::Arc<crate::packed::Spill>>,
    blocks: Vec<Block>,
}

enum Block {
    Held(Vec<u8>),
    Spilled { offset: u64, length: u32 },
}

impl Blocks {
    /// Blocks that go to a temporary file when `spilled`.
    fn new(spilled: bool) -> Blocks {
        Blocks {
            spill: spilled.then(|| crate::packed::Spill::create().ok()).flatten(),
            blocks: Vec::new(),
        }
    }

    fn push(&mut self, bytes: Vec<u8>) {
        let spilled = self.spill.as_ref().and_then(|spill| {
            let length = u32::try_from(bytes.len()).ok()?;
            let offset = spill.write(&bytes).ok()?;
            Some(Block::Spilled { offset, length })
        });
        self.blocks.push(spilled.unwrap_or(Block::Held(bytes)));
    }

    fn read(&self, block: usize) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        use std::borrow::Cow;
        match (self.blocks.get(block), &self.spill) {
            (Some(Block::Held(bytes)), _) => Ok(Cow::Borrowed(bytes)),
            (Some(&Block::Spilled { offset, length }), Some(spill)) => spill.read(offset, length).map(Cow::Owned),
            _ => Err(std::io::ErrorKind::NotFound.into()),
        }
    }
}

/// Each document's terms as places, one after another, a block of documents to a buffer
/// (`SiteTerms::lists`), while the dictionary is merged.
struct Merged {
    keep: bool,
    blocks: Blocks,
    /// The block being filled.
    block: Vec<u8>,
    ends: Vec<usize>,
}

impl Merged {
    fn push(&mut self, place: u32, group: u8) {
        if self.keep {
            push_varint(&mut self.block, (u64::from(place) << 3) | u64::from(group & 7));
        }
    }

    fn end(&mut self) {
        if self.keep {
            self.ends.push(self.block.len());
        }
    }

    /// Ends the block of `TERMS_BLOCK` documents being filled.
    fn close_block(&mut self) {
        if self.keep {
            let block = std::mem::take(&mut self.block);
            self.blocks.push(block);
        }
    }

    /// The lists with each place replaced by its `rank` in the sorted dictionary, a block
    /// at a time: each block's old lists go as its new ones are made.
    fn renumbered(self, rank: &[u32]) -> (Blocks, Vec<usize>) {
        let mut blocks = Blocks::new(self.keep);
        if !self.keep {
            return (blocks, Vec::new());
        }
        let mut ends = Vec::with_capacity(self.ends.len());
        for (number, old_ends) in self.ends.chunks(TERMS_BLOCK).enumerate() {
            // One that cannot be read back ends the lists short: they are not kept.
            let Ok(old) = self.blocks.read(number) else {
                break;
            };
            let mut block = Vec::with_capacity(old.len());
            let mut start = 0;
            for &end in old_ends {
                for (place, group) in decode(old.get(start..end).unwrap_or(&[]), rank.len() as u32).unwrap_or_default()
                {
                    push_varint(&mut block, (u64::from(rank[place as usize]) << 3) | u64::from(group));
                }
                ends.push(block.len());
                start = end;
            }
            blocks.push(block);
        }
        (blocks, ends)
    }
}

fn push_varint(bytes: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        bytes.push((value & 0x7f) as u8 | 0x80);
        value >>= 7;
    }
    bytes.push(value as u8);
}

/// A document's kept terms as (place, group); `None` unless every place is below
/// `terms`, every group one of `GROUPS` and the list ends where its last varint does.
fn decode(bytes: &[u8], terms: u32) -> Option<Vec<(u32, u8)>> {
    let mut found = Vec::with_capacity(bytes.len() / 2);
    let (mut value, mut shift) = (0u64, 0);
    for &byte in bytes {
        if shift > 35 {
            return None;
        }
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 != 0 {
            shift += 7;
            continue;
        }
        let (place, group) = (value >> 3, (value & 7) as u8);
        if place >= u64::from(terms) || usize::from(group) >= super::GROUPS.len() {
            return None;
        }
        found.push((place as u32, group));
        (value, shift) = (0, 0);
    }
    (shift == 0).then_some(found)
}

/// A digest of everything the index's files are made from besides the code: each
/// document's row (slug, question, status, topic, excerpt) and terms, the dictionary,
/// the topics, where questions live and the synonym table. The same digest, the same
/// files, byte for byte.
pub fn index_key(
    docs: &[Document<'_>],
    terms: &SiteTerms,
    topics: &[crate::render::context::TopicView],
    url: &str,
    synonyms: &super::synonyms::Table,
) -> [u8; 32] {
    use rayon::prelude::*;
    fn field(bytes: &mut Vec<u8>, value: &[u8]) {
        bytes.extend_from_slice(&(value.len() as u64).to_le_bytes());
        bytes.extend_from_slice(value);
    }
    let mut head = Vec::new();
    field(&mut head, crate::embedded::binary_identity().as_bytes());
    field(&mut head, url.as_bytes());
    for topic in topics {
        field(&mut head, topic.title.as_bytes());
        field(&mut head, topic.url.as_bytes());
    }
    field(&mut head, b"synonyms");
    field(&mut head, &synonyms.to_json(|_| true));
    field(&mut head, b"dictionary");
    for term in &terms.dictionary {
        field(&mut head, term.as_bytes());
    }
    // Each term's documents and groups: what the files are made of (the order of a
    // document's own terms is not; its list, read back from where it waits, is not read).
    field(&mut head, b"postings");
    let postings: Vec<[u8; 32]> = terms
        .postings
        .par_chunks(POSTINGS_RUN)
        .map(|run| {
            let mut bytes = Vec::new();
            for postings in run {
                field(&mut bytes, postings.as_bytes());
            }
            Sha256::digest(&bytes).into()
        })
        .collect();
    for run in &postings {
        head.extend_from_slice(run);
    }
    // The documents a run at a time, each run written out and hashed on a core of its own
    // (a fixed number of them, so that the key does not depend on the cores): an update
    // of the digest for each short field cost more than hashing its bytes.
    let runs: Vec<[u8; 32]> = docs
        .par_chunks(DOCUMENT_RUN)
        .map(|docs| {
            let mut bytes = Vec::with_capacity(docs.len() * 512);
            for doc in docs {
                field(&mut bytes, doc.slug.as_bytes());
                field(&mut bytes, doc.question.as_bytes());
                field(&mut bytes, doc.status.as_bytes());
                field(&mut bytes, &doc.topic.map_or(u64::MAX, |t| t as u64).to_le_bytes());
                field(
                    &mut bytes,
                    super::text::clip(doc.excerpt, super::EXCERPT_CHARS).as_bytes(),
                );
            }
            Sha256::digest(&bytes).into()
        })
        .collect();
    let mut key = Sha256::new();
    key.update(&head);
    key.update(b"documents");
    key.update((docs.len() as u64).to_le_bytes());
    for run in &runs {
        key.update(run);
    }
    key.finalize().into()
}

/// How many documents `index_key` hashes at once.
const DOCUMENT_RUN: usize = 512;
/// How many terms' postings `index_key` hashes at once.
const POSTINGS_RUN: usize = 4096;

/// The key a file of the index is recorded with: the index's, and its path.
pub fn file_key(index: &[u8; 32], path: &str) -> crate::write::PageKey {
    let mut key = Sha256::new();
    key.update(index);
    key.update(path.as_bytes());
    key.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs() -> Vec<Document<'static>> {
        [
            (
                "a",
                "Does metformin cause weight loss?",
                "metformin weight loss appetite",
            ),
            ("b", "Is aspirin safe?", "aspirin bleeding stomach"),
            ("c", "What is apnea?", "apnea sleep snoring weight"),
        ]
        .into_iter()
        .map(|(slug, question, body)| Document {
            slug,
            question,
            status: "draft",
            topic: None,
            texts: vec![vec![question], vec![], vec![], vec![], vec![body]],
            source: None,
            body: None,
            excerpt: "",
        })
        .collect()
    }

    fn named(n: u8) -> Vec<Option<[u8; 32]>> {
        (0..3).map(|i| Some([i + n; 32])).collect()
    }

    fn kept(terms: &SiteTerms, names: &[Option<[u8; 32]>]) -> KeptTerms {
        KeptTerms {
            dictionary: terms.dictionary.clone(),
            documents: names
                .iter()
                .enumerate()
                .filter_map(|(i, name)| Some(((*name)?, terms.list(i))))
                .collect(),
            ..KeptTerms::default()
        }
    }

    /// A document for each of `bodies`, of that body text alone.
    fn documents_of(bodies: &[String]) -> Vec<Document<'_>> {
        bodies
            .iter()
            .map(|body| Document {
                slug: "s",
                question: "",
                status: "draft",
                topic: None,
                texts: vec![vec![], vec![], vec![], vec![], vec![body.as_str()]],
                source: None,
                body: None,
                excerpt: "",
            })
            .collect()
    }

    /// The terms of a kept `list`, sorted, against the words of `body`, sorted.
    fn assert_list_is_terms_of<'t>(terms: &'t SiteTerms, list: &[u8], body: &str, number: usize) {
        let places = decode(list, terms.dictionary.len() as u32).expect("decodes");
        let mut words: Vec<&'t str> = places
            .iter()
            .map(|&(place, _)| terms.dictionary[place as usize].as_str())
            .collect();
        words.sort();
        let mut expected: Vec<&str> = body.split(' ').collect();
        expected.sort();
        assert_eq!(words, expected, "document {number}");
    }

    #[test]
    fn each_documents_list_is_its_own_terms_across_blocks_of_documents() {
        // Past two blocks, each document with a word of its own and one all share.
        let bodies: Vec<String> = (0..TERMS_BLOCK * 2 + 3).map(|i| format!("shared word{i}")).collect();
        let mut docs = documents_of(&bodies);
        let names: Vec<Option<[u8; 32]>> = (0..bodies.len()).map(|i| Some([(i % 251) as u8; 32])).collect();
        let terms = SiteTerms::of(&mut docs, &names, None, true).expect("terms unpack");
        for (number, body) in bodies.iter().enumerate() {
            assert_list_is_terms_of(&terms, &terms.list(number), body, number);
        }
        assert!(terms.list(bodies.len()).is_empty());
    }

    #[test]
    fn what_is_kept_is_each_named_documents_terms_read_back_in_order() {
        // Past a block (each block waits in a temporary file), every other document named.
        let bodies: Vec<String> = (0..TERMS_BLOCK + 5).map(|i| format!("shared word{i}")).collect();
        let names: Vec<Option<[u8; 32]>> = (0..bodies.len())
            .map(|i| (i % 2 == 0).then_some([(i % 251) as u8; 32]))
            .collect();
        let terms = SiteTerms::of(&mut documents_of(&bodies), &names, None, true).expect("terms unpack");
        let (count, documents) = terms.kept_documents(&names);
        let documents: Vec<([u8; 32], Vec<u8>)> = documents.map(|d| d.expect("read back")).collect();
        assert_eq!(count, documents.len());
        assert_eq!(count, bodies.len().div_ceil(2));
        for ((name, list), number) in documents.iter().zip((0..bodies.len()).step_by(2)) {
            assert_eq!(Some(*name), names[number]);
            assert_list_is_terms_of(&terms, list, &bodies[number], number);
        }
        // Lists not asked for: nothing to keep.
        let unkept = SiteTerms::of(&mut documents_of(&bodies), &names, None, false).expect("terms unpack");
        let (count, mut documents) = unkept.kept_documents(&names);
        assert_eq!(count, 0);
        assert!(documents.next().is_none());
    }

    #[test]
    fn recalled_terms_give_the_dictionary_and_postings_worked_out_ones_do() {
        let fresh = SiteTerms::of(&mut docs(), &[], None, true).expect("terms unpack");
        assert_eq!(fresh.made, 3);
        assert!(fresh.dictionary.windows(2).all(|p| p[0] < p[1]));
        let names = named(0);
        let recalled = SiteTerms::of(&mut docs(), &names, Some(kept(&fresh, &names)), true).expect("terms unpack");
        assert_eq!(recalled.made, 0);
        assert_eq!(recalled.dictionary, fresh.dictionary);
        assert_eq!(recalled.postings, fresh.postings);
        assert_eq!(recalled.all_lists(), fresh.all_lists());
    }

    #[test]
    fn an_edited_document_is_worked_out_and_its_new_terms_sorted_in() {
        let names = named(0);
        let before = SiteTerms::of(&mut docs(), &names, None, true).expect("terms unpack");
        let mut edited = docs();
        edited[1].texts[4] = vec!["aspirin zinc bleeding"];
        let mut renamed = names.clone();
        renamed[1] = Some([9; 32]);
        let after = SiteTerms::of(&mut edited, &renamed, Some(kept(&before, &names)), true).expect("terms unpack");
        assert_eq!(after.made, 1);
        let mut edited = docs();
        edited[1].texts[4] = vec!["aspirin zinc bleeding"];
        let fresh = SiteTerms::of(&mut edited, &[], None, true).expect("terms unpack");
        assert_eq!(after.dictionary, fresh.dictionary);
        assert!(after.dictionary.iter().any(|t| t == "zinc"));
        assert!(
            !after.dictionary.iter().any(|t| t == "stomach"),
            "a term no one has left"
        );
        assert_eq!(after.postings, fresh.postings);
        assert_eq!(after.all_lists(), fresh.all_lists());
    }

    #[test]
    fn a_list_that_does_not_decode_is_worked_out_again() {
        let names = named(0);
        let fresh = SiteTerms::of(&mut docs(), &names, None, true).expect("terms unpack");
        let mut damaged = kept(&fresh, &names);
        // A place past the dictionary, and a varint cut short.
        damaged.documents[0].1 = vec![0xff, 0x7f];
        damaged.documents[2].1.push(0x80);
        let again = SiteTerms::of(&mut docs(), &names, Some(damaged), true).expect("terms unpack");
        assert_eq!(again.made, 2);
        assert_eq!(again.postings, fresh.postings);
        let mut unsorted = kept(&fresh, &names);
        unsorted.dictionary.swap(0, 1);
        let again = SiteTerms::of(&mut docs(), &names, Some(unsorted), true).expect("terms unpack");
        assert_eq!(again.made, 3);
        assert_eq!(again.dictionary, fresh.dictionary);
    }
}
