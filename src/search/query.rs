//! The ranking `theme/search.js` runs in the browser, written again in Rust over the same
//! files: the reference the tests hold the script to, and a way to test ranking without a
//! browser. Keep the two in step.
//!
//! A query is read as slots, in order: a cue phrase of a question type ("how common",
//! "managed"), a phrase of the synonym table ("blood clot in the lung"), or a single word.
//! A slot's words are matched as typed: each its exact term, the terms of its stem, up to a
//! few longer terms it begins (for words still being typed), and — only when neither the
//! term nor its stem is known — terms within `allowed_typos` edits. A slot may also be met
//! another way: by every word of one of its synonyms (each word shipped as its stem and met
//! by the terms of that stem; worth `SYNONYM` of an exact match), or
//! for a cue by the question-type tag of an article's question. A document's points for a
//! slot are from whichever way matched most of the slot's words, then scored best; for a
//! term they are `weight(group) × quality × rarity`. Its score is the sum over slots, times
//! the square of the share of the query's words it matched. The postings are read a field
//! group at a time until the results asked for are certain (`topk`), from shards that hold
//! several groups' lists of a term (`TIERS`): reading the next group is often no request.

use super::encode::decode_postings;
use super::intents::TYPE_PREFIX;
use super::text::{allowed_typos, fold, keep, raw_words, shard_key, singular};
use super::topk::{Outcome, Plan, SlotPlan};
use super::vocab::second_key;
use crate::text::edit_distance as typo_distance;
use serde_json::Value;
use std::collections::HashMap;

/// At most this many candidate terms per query term.
pub const MAX_CANDIDATES: usize = 12;
/// At most this many query terms count; a pasted paragraph must not load every shard.
pub const MAX_QUERY_TERMS: usize = 8;
pub const EXACT: f64 = 1.0;
/// Another inflection of the word typed ("treated" for "treating").
pub const STEM: f64 = 0.9;
pub const PREFIX: f64 = 0.7;
pub const ONE_TYPO: f64 = 0.6;
pub const TWO_TYPOS: f64 = 0.4;
/// A synonym's match, against an exact match's 1: "heart attack" finds "myocardial
/// infarction", but an article that says "heart attack" comes first.
pub const SYNONYM: f64 = 0.8;
/// An article of the question type a cue asks for.
pub const TYPE: f64 = 1.0;
/// A result that matched fewer of the query's words than the best one, and scores below
/// this share of it, is dropped: "kidney damage" must not list every article that names
/// the kidney in passing under the ones about kidney damage.
pub const FLOOR: f64 = 0.1;
/// A stem stands for a word it begins with at most this many more characters ("treat" for
/// "treated"), and only from this length on: shorter stems begin too many words.
pub const STEM_SUFFIX_CHARS: usize = 4;
pub const STEM_MIN_CHARS: usize = 4;

/// One result, best first.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub doc: usize,
    pub slug: String,
    pub question: String,
    /// Its address: the manifest's question folder, the slug and `/`.
    pub url: String,
    pub status: String,
    pub score: f64,
    /// How many of the query's words it matched (a synonym or a question type standing in
    /// for the words it replaces).
    pub matched: usize,
    /// The indexed terms that earned its points, in query order: what a result highlights.
    pub terms: Vec<String>,
    /// The start of its answer, for the excerpt a result shows.
    pub excerpt: String,
}

/// A misspelt query term and the term it was read as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Correction {
    pub typed: String,
    pub read_as: String,
}

#[derive(Debug, Default)]
pub struct Results {
    pub hits: Vec<Hit>,
    /// How many results there are, when `exact`; else about how many (two figures):
    /// counting them all would mean reading every posting of every term.
    pub total: usize,
    pub exact: bool,
    pub corrections: Vec<Correction>,
    /// Every file read, by path: what a browser would download for this query.
    pub loaded: Vec<String>,
    /// Posting entries read into documents' matches: fewer when a level's first pass
    /// settled the results (`topk`).
    pub recorded: usize,
}

/// One part of a query: its words as typed (stopwords dropped), and the other ways it may
/// be met.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Slot {
    pub words: Vec<String>,
    /// Synonym phrases, each as its terms.
    pub synonyms: Vec<Vec<String>>,
    /// Question types a cue asks for.
    pub types: Vec<String>,
}

impl Slot {
    /// How many of the query's words the slot stands for.
    pub fn weight(&self) -> usize {
        self.words.len().max(1)
    }
}

/// A document's match of one slot: words matched, points, the terms that earned them.
#[derive(Clone, Debug, Default)]
pub struct SlotMatch {
    pub matched: usize,
    pub points: f64,
    pub terms: Vec<String>,
}

impl SlotMatch {
    pub fn better_than(&self, other: &SlotMatch) -> bool {
        self.matched > other.matched || (self.matched == other.matched && self.points > other.points)
    }
}

/// An index read through `load` (a path below the site root → its bytes), shard by shard.
pub struct Searcher<F: FnMut(&str) -> Option<Vec<u8>>> {
    load: F,
    base: String,
    manifest: Value,
    cache: HashMap<String, Value>,
    loaded: Vec<String>,
    /// How many files opening read: what every query starts from.
    opened: usize,
}

impl<F: FnMut(&str) -> Option<Vec<u8>>> Searcher<F> {
    /// Reads `search/index.json` below `base` ("" or "search/"'s parent folder, ending in `/`).
    pub fn open(base: &str, mut load: F) -> Result<Self, String> {
        let path = format!("{base}search/index.json");
        let bytes = load(&path).ok_or_else(|| format!("no {path}"))?;
        let manifest: Value = serde_json::from_slice(&bytes).map_err(|e| format!("{path}: {e}"))?;
        if manifest["format"] != super::FORMAT {
            return Err(format!("{path}: unknown format {}", manifest["format"]));
        }
        let mut searcher = Searcher {
            load,
            base: base.to_string(),
            manifest,
            cache: HashMap::new(),
            loaded: vec![path],
            opened: 0,
        };
        // Fetched beside the manifest (the browser asks for both at once): every query
        // that has a word needs it before anything else.
        searcher.file("synonyms.json");
        searcher.opened = searcher.loaded.len();
        Ok(searcher)
    }

    fn file(&mut self, rel: &str) -> Option<&Value> {
        if !self.cache.contains_key(rel) {
            let path = format!("{}search/{rel}", self.base);
            let bytes = (self.load)(&path)?;
            self.loaded.push(path);
            let value: Value = serde_json::from_slice(&bytes).ok()?;
            self.cache.insert(rel.to_string(), value);
        }
        self.cache.get(rel)
    }

    /// How `query` is read: its slots in query order, at most `MAX_QUERY_TERMS` words.
    /// Read left to right; at each word the longer of a cue phrase and a synonym phrase
    /// starting there is taken, a synonym phrase of two words or more on a tie: "stress
    /// test" and "side effects" are names of their own, not the diagnosis or side-effect cue
    /// they contain, while "signs" before "heart attack" stays a cue.
    pub fn slots(&mut self, query: &str) -> Vec<Slot> {
        let raw = raw_words(&fold(query));
        let cues: HashMap<String, String> = self.manifest["cues"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|cue| {
                let words: Vec<&str> = cue[0].as_array()?.iter().filter_map(Value::as_str).collect();
                Some((words.join(" "), cue[1].as_str()?.to_string()))
            })
            .collect();
        let cue_words = self.manifest["cue_words"].as_u64().unwrap_or(1) as usize;
        // The positions of the searchable words.
        let kept: Vec<usize> = (0..raw.len()).filter(|&i| keep(&raw[i])).collect();
        let table = self.cache.get("synonyms.json").unwrap_or(&Value::Null);
        let longest = table["longest"].as_u64().unwrap_or(1) as usize;
        // (position in the query, slot)
        let mut found: Vec<(usize, Slot)> = Vec::new();
        let mut i = 0;
        while i < raw.len() {
            let cue = (1..=cue_words.min(raw.len() - i)).rev().find_map(|len| {
                let key: Vec<String> = raw[i..i + len].iter().map(|w| singular(w)).collect();
                cues.get(&key.join(" ")).map(|kind| (len, kind.clone()))
            });
            // The synonym phrase starting here: the longest run of searchable words (the
            // stopwords between them skipped) that the table has.
            let synonym = kept.iter().position(|&k| k == i).and_then(|at| {
                (1..=longest.min(kept.len() - at)).rev().find_map(|len| {
                    let positions = &kept[at..at + len];
                    let key: Vec<String> = positions.iter().map(|&p| singular(&raw[p])).collect();
                    let list = table["expand"][key.join(" ")].as_array()?;
                    Some((positions, list))
                })
            });
            let cue_len = cue.as_ref().map_or(0, |(len, _)| *len);
            let synonym_wins = synonym.as_ref().is_some_and(|(positions, _)| {
                let span = positions[positions.len() - 1] - i + 1;
                cue.is_none() || (positions.len() > 1 && span >= cue_len)
            });
            if let (true, Some((positions, list))) = (synonym_wins, &synonym) {
                found.push((
                    i,
                    Slot {
                        words: positions.iter().map(|&p| raw[p].clone()).collect(),
                        synonyms: list
                            .iter()
                            .filter_map(Value::as_str)
                            .map(|p| p.split(' ').map(str::to_string).collect())
                            .collect(),
                        types: Vec::new(),
                    },
                ));
                i = positions[positions.len() - 1] + 1;
            } else if let Some((len, kind)) = cue {
                let words = raw[i..i + len].iter().filter(|w| keep(w)).cloned().collect();
                found.push((
                    i,
                    Slot {
                        words,
                        synonyms: Vec::new(),
                        types: vec![format!("{TYPE_PREFIX}{kind}")],
                    },
                ));
                i += len;
            } else {
                if keep(&raw[i]) {
                    found.push((
                        i,
                        Slot {
                            words: vec![raw[i].clone()],
                            ..Slot::default()
                        },
                    ));
                }
                i += 1;
            }
        }
        found.sort_by_key(|(at, _)| *at);
        // A word typed twice counts once; a long query keeps its first words.
        let mut slots: Vec<Slot> = Vec::new();
        let mut words_seen: Vec<String> = Vec::new();
        let mut total = 0;
        for (_, mut slot) in found {
            slot.words.retain(|w| !words_seen.contains(w));
            if slot.words.is_empty() && slot.types.is_empty() {
                continue;
            }
            if total + slot.weight() > MAX_QUERY_TERMS {
                break;
            }
            total += slot.weight();
            words_seen.extend(slot.words.iter().cloned());
            slots.push(slot);
        }
        slots
    }

    /// The ranked results for `query`, at most `limit` of them.
    pub fn search(&mut self, query: &str, limit: usize) -> Results {
        self.search_reading(query, limit, false)
    }

    /// As `search`, but with `everything` every level of every term is read before the
    /// results are decided: the reference the early stop is tested against.
    fn search_reading(&mut self, query: &str, limit: usize, everything: bool) -> Results {
        self.loaded.truncate(self.opened);
        let slots = self.slots(query);
        // The first tier's shard of each word as typed (its question, topic and heading
        // lists) is fetched with the vocabulary, not after it: most words are their own best
        // candidate, and the browser saves a round trip before the first result. So is that
        // of each synonym's words, and the question level of each question type: all but
        // certain to be read.
        let words: Vec<String> = slots.iter().flat_map(|s| s.words.iter().cloned()).collect();
        let synonym_words: Vec<String> = slots.iter().flat_map(|s| s.synonyms.concat()).collect();
        for word in words.iter().chain(&synonym_words) {
            self.postings(word, 0);
        }
        for kind in slots.iter().flat_map(|s| s.types.clone()) {
            self.postings(&kind, 0);
        }
        let docs = self.manifest["docs"].as_u64().unwrap_or(0) as usize;
        let weights: Vec<f64> = self.manifest["weights"]
            .as_array()
            .map(|w| w.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default();
        let docs_total = docs;
        let mut plan = Plan::new(docs, weights);
        let mut corrections = Vec::new();
        for slot in &slots {
            let mut planned = SlotPlan {
                weight: slot.weight(),
                ..SlotPlan::default()
            };
            for word in &slot.words {
                let candidates = self.candidates(word);
                if let Some(first) = candidates.first()
                    && first.quality < PREFIX
                {
                    corrections.push(Correction {
                        typed: word.clone(),
                        read_as: first.term.clone(),
                    });
                }
                planned
                    .words
                    .push(candidates.iter().map(|c| c.add_to(&mut plan)).collect());
            }
            for synonym in &slot.synonyms {
                let phrase = synonym
                    .iter()
                    .map(|term| {
                        let candidates = self.stem_candidates(term);
                        candidates.iter().map(|c| c.add_to(&mut plan)).collect()
                    })
                    .collect();
                planned.synonyms.push(phrase);
            }
            for kind in &slot.types {
                // Question-type tags are on the question group alone.
                planned.types.push(vec![(plan.term(kind, None, 1), TYPE)]);
            }
            plan.slots.push(planned);
        }
        let outcome = loop {
            let Some(level) = plan.next_level() else {
                break plan.decide(limit);
            };
            let mut dense = false;
            let lists: Vec<(usize, Option<Vec<u32>>, bool)> = plan
                .terms_at(level)
                .into_iter()
                .map(|t| {
                    let (docs, bitmap) = self.list(&plan.terms[t].term.clone(), level);
                    dense |= bitmap;
                    (t, docs, bitmap)
                })
                .collect();
            // Where a list names a good part of the site, the level for the site's first
            // documents, then, if that did not settle the results, for the rest (`topk`);
            // not where a short list names none of them, as the best results, those holding
            // its term too, are then further on ("case 51234").
            let mut from = 0;
            let upto = plan.prefix_for(level).filter(|&upto| {
                let short_past = lists.iter().any(|(_, docs, bitmap)| {
                    !bitmap
                        && docs
                            .as_ref()
                            .and_then(|d| d.first())
                            .is_some_and(|&first| first as usize >= upto)
                });
                dense && !short_past && !everything
            });
            if let Some(upto) = upto {
                plan.begin_partial(level, upto);
                for (t, docs, _) in &lists {
                    plan.read(*t, level, docs.as_deref(), 0..upto);
                }
                if let Some(outcome) = plan.decide(limit) {
                    break Some(outcome);
                }
                from = upto;
            }
            for (t, docs, _) in &lists {
                plan.read(*t, level, docs.as_deref(), from..docs_total);
            }
            plan.finish_level(level);
            if everything {
                continue;
            }
            if let Some(outcome) = plan.decide(limit) {
                break Some(outcome);
            }
        };
        // Every level read leaves nothing open, so there is always an outcome.
        let outcome = outcome.unwrap_or(Outcome {
            hits: Vec::new(),
            total: 0,
            exact: true,
        });
        let url = self.manifest["url"].as_str().unwrap_or_default().to_string();
        let per_shard = self.manifest["docs_per_shard"].as_u64().unwrap_or(1).max(1) as usize;
        let hits = outcome
            .hits
            .into_iter()
            .map(|(doc, score, found)| {
                let row = self
                    .file(&format!("docs/{}.json", doc / per_shard))
                    .and_then(|rows| rows.get(doc % per_shard))
                    .cloned()
                    .unwrap_or(Value::Null);
                let slug = row[0].as_str().unwrap_or_default().to_string();
                let mut terms: Vec<String> = Vec::new();
                for term in found.terms {
                    if !terms.contains(&term) {
                        terms.push(term);
                    }
                }
                Hit {
                    doc,
                    url: format!("{url}{slug}/"),
                    slug,
                    question: row[1].as_str().unwrap_or_default().to_string(),
                    status: row[2].as_str().unwrap_or_default().to_string(),
                    score,
                    matched: found.matched,
                    terms,
                    excerpt: row[4].as_str().unwrap_or_default().to_string(),
                }
            })
            .collect();
        Results {
            hits,
            total: outcome.total,
            exact: outcome.exact,
            corrections,
            loaded: self.loaded.clone(),
            recorded: plan.recorded,
        }
    }

    /// The terms of the vocabulary a query word may stand for, best first: its term, the
    /// terms of its stem, longer terms it begins, and, failing those, near misspellings.
    fn candidates(&mut self, word: &str) -> Vec<Candidate> {
        let typos = allowed_typos(word);
        let first = shard_key(word);
        let key = self.vocab_key(word);
        let mut vocabulary = self.vocabulary(&key);
        let exact_stem = vocabulary.iter().find(|v| v.term == word).map(|v| v.stem.clone());
        // The other inflections of a known word are where its stem is.
        if let Some(stem) = &exact_stem {
            if !stem.starts_with(first) {
                vocabulary = self.letter(first);
            } else if self.vocab_key(stem) != key {
                let more = self.vocabulary(&self.vocab_key(stem));
                vocabulary.extend(more);
            }
        }
        let word_chars = word.chars().count();
        let stem_of_word = |v: &VocabTerm| -> bool {
            match &exact_stem {
                Some(stem) => v.stem == *stem,
                None => {
                    let chars = v.stem.chars().count();
                    chars >= STEM_MIN_CHARS && word.starts_with(&v.stem) && word_chars - chars <= STEM_SUFFIX_CHARS
                }
            }
        };
        let stemmed = exact_stem.is_some() || vocabulary.iter().any(stem_of_word);
        // A slip in the first letter (swapped with the second, or one too many) moves the
        // word to another vocabulary shard: look in the second letter's too, but only when
        // neither the word as typed nor its stem is known.
        if !stemmed && typos > 0 {
            vocabulary = self.letter(first);
            if let Some(second) = word.chars().nth(1).map(|c| shard_key(&c.to_string()))
                && second != first
            {
                vocabulary.extend(self.letter(second));
            }
        }
        let mut listed: std::collections::HashSet<String> = std::collections::HashSet::new();
        vocabulary.retain(|v| listed.insert(v.term.clone()));
        let long_enough = word_chars >= 3;
        let mut found: Vec<Candidate> = Vec::new();
        for v in &vocabulary {
            let quality = if v.term == word {
                EXACT
            } else if stem_of_word(v) {
                STEM
            } else if long_enough && v.term.starts_with(word) {
                PREFIX
            } else if !stemmed && typos > 0 {
                match typo_distance(word, &v.term, typos) {
                    Some(1) => ONE_TYPO,
                    Some(2) => TWO_TYPOS,
                    _ => continue,
                }
            } else {
                continue;
            };
            found.push(Candidate {
                term: v.term.clone(),
                quality,
                df: v.df,
                groups: v.groups,
            });
        }
        found.sort_by(|a, b| {
            b.quality
                .total_cmp(&a.quality)
                .then(b.df.cmp(&a.df))
                .then(a.term.cmp(&b.term))
        });
        found.truncate(MAX_CANDIDATES);
        found
    }

    /// The terms of the vocabulary whose stem is `stem`, the most common first: how a word
    /// of a synonym (shipped as its stem) is met. Guessing at typos and unfinished words is
    /// for what the reader typed, not for the table.
    fn stem_candidates(&mut self, stem: &str) -> Vec<Candidate> {
        let key = self.vocab_key(stem);
        let mut found: Vec<Candidate> = self
            .vocabulary(&key)
            .into_iter()
            .filter(|v| v.stem == stem)
            .map(|v| Candidate {
                term: v.term,
                quality: EXACT,
                df: v.df,
                groups: v.groups,
            })
            .collect();
        found.sort_by(|a, b| b.df.cmp(&a.df).then(a.term.cmp(&b.term)));
        found.truncate(MAX_CANDIDATES);
        found
    }

    /// The vocabulary shard a word is looked up in: that of its first character, or where
    /// that shard is split, that of its first two (`vocab`).
    fn vocab_key(&self, word: &str) -> String {
        let first = shard_key(word);
        match self.manifest["vocab_split"].get(first.to_string()) {
            Some(_) => format!("{first}{}", second_key(word)),
            None => first.to_string(),
        }
    }

    /// Every term beginning with `first` (each once, in its own sub-shard).
    fn letter(&mut self, first: char) -> Vec<VocabTerm> {
        let split = self.manifest["vocab_split"][first.to_string()]
            .as_str()
            .map(str::to_string);
        match split {
            None => self.vocabulary(&first.to_string()),
            Some(seconds) => seconds
                .chars()
                .flat_map(|second| self.vocabulary(&format!("{first}{second}")))
                .filter(|v| v.own)
                .collect(),
        }
    }

    /// The terms of one vocabulary shard or sub-shard (`key` of one or two characters) with
    /// their document counts, field groups and stems.
    fn vocabulary(&mut self, key: &str) -> Vec<VocabTerm> {
        let mut chars = key.chars();
        let first = chars.next().map(String::from).unwrap_or_default();
        let split = &self.manifest["vocab_split"][&first];
        let known = match chars.next() {
            None => !split.is_string() && self.manifest["vocab"].as_str().unwrap_or_default().contains(&first),
            Some(second) => split.as_str().is_some_and(|s| s.contains(second)),
        };
        let Some(shard) = known.then(|| self.file(&format!("vocab/{key}.json"))).flatten() else {
            return Vec::new();
        };
        let df = shard["df"].as_array().map(Vec::as_slice).unwrap_or_default();
        let groups = shard["groups"].as_array().map(Vec::as_slice).unwrap_or_default();
        let stems = shard["stems"].as_array().map(Vec::as_slice).unwrap_or_default();
        let own = shard["own"].as_u64().map_or(usize::MAX, |n| n as usize);
        shard["terms"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(i, term)| {
                let term = term.as_str().unwrap_or_default().to_string();
                let stem = stems.get(i).and_then(Value::as_str).unwrap_or_default();
                VocabTerm {
                    stem: if stem.is_empty() {
                        term.clone()
                    } else {
                        stem.to_string()
                    },
                    term,
                    df: df.get(i).and_then(Value::as_u64).unwrap_or(0),
                    groups: groups.get(i).and_then(Value::as_u64).unwrap_or(0) as u8,
                    own: i < own,
                }
            })
            .collect()
    }

    /// A term's documents in one field group, from the posting shard of its tier.
    fn postings(&mut self, term: &str, level: usize) -> Option<Vec<u32>> {
        self.list(term, level).0
    }

    /// As `postings`, and whether the list is written as a bitmap: a list that names a
    /// good part of the site.
    fn list(&mut self, term: &str, level: usize) -> (Option<Vec<u32>>, bool) {
        match self.entry(term, level) {
            Some(entry) => (decode_postings(&entry), entry.is_string()),
            None => (None, false),
        }
    }

    fn entry(&mut self, term: &str, level: usize) -> Option<Value> {
        let (tier, at) = self.manifest["tiers"]
            .as_array()?
            .iter()
            .enumerate()
            .find_map(|(tier, groups)| {
                let at = groups
                    .as_array()?
                    .iter()
                    .position(|g| g.as_u64() == Some(level as u64))?;
                Some((tier, at))
            })?;
        let firsts = self.manifest["postings"].get(tier)?.as_array()?;
        let shard = firsts.partition_point(|f| f.as_str().is_some_and(|f| f <= term));
        let shard = shard.checked_sub(1)?;
        let entry = self
            .file(&format!("postings/{tier}/{shard}.json"))?
            .get(term)?
            .get(at)?;
        Some(entry.clone())
    }
}

/// A term a query word may stand for, with what the vocabulary says of it.
struct Candidate {
    term: String,
    quality: f64,
    df: u64,
    groups: u8,
}

impl Candidate {
    /// The candidate as a term of `plan` with its quality.
    fn add_to(&self, plan: &mut Plan) -> (usize, f64) {
        (plan.term(&self.term, Some(self.df), self.groups), self.quality)
    }
}

struct VocabTerm {
    term: String,
    df: u64,
    groups: u8,
    /// Listed in its own (sub-)shard, not only for its stem.
    own: bool,
    stem: String,
}

/// Between 0.5 (a term in every document) and 1 (a term in one): rare terms tell more,
/// without ever letting rarity lift a body match over a question match.
pub fn rarity(total_docs: f64, df: f64) -> f64 {
    if total_docs <= 1.0 || df <= 0.0 {
        return 1.0;
    }
    0.5 + 0.5 * (1.0 + total_docs / df).ln() / (1.0 + total_docs).ln()
}

#[cfg(test)]
mod tests {
    use super::super::{Document, build_index};
    use super::*;
    use crate::render::context::TopicView;
    use crate::search::synonyms::Table;

    fn doc<'a>(slug: &'a str, question: &'a str, answer: &'a str, body: &'a str) -> Document<'a> {
        Document {
            slug,
            question,
            status: "under_review",
            topic: None,
            texts: vec![vec![question], vec![], vec![], vec![answer], vec![body]],
            source: None,
            body: None,
            excerpt: answer,
        }
    }

    fn search(docs: &[Document<'_>], query: &str) -> Results {
        search_top(docs, query, 10)
    }

    fn search_top(docs: &[Document<'_>], query: &str, limit: usize) -> Results {
        let files: HashMap<String, Vec<u8>> = build_index(docs, &[] as &[TopicView], "/questions/", &Table::built_in())
            .expect("terms unpack")
            .into_iter()
            .map(|f| (f.path, f.bytes))
            .collect();
        let mut searcher = Searcher::open("", |path| files.get(path).cloned()).expect("index opens");
        searcher.search(query, limit)
    }

    fn slugs(results: &Results) -> Vec<&str> {
        results.hits.iter().map(|h| h.slug.as_str()).collect()
    }

    fn corpus() -> Vec<Document<'static>> {
        vec![
            doc(
                "aspirin-af",
                "Should aspirin be used for stroke prevention in atrial fibrillation?",
                "No: anticoagulants prevent more strokes.",
                "Older trials compared aspirin with warfarin and with apixaban.",
            ),
            doc(
                "apixaban-dosing",
                "How is apixaban dosed in kidney disease?",
                "Reduce the dose when two of age, weight and creatinine criteria are met.",
                "Apixaban is cleared partly by the kidney.",
            ),
            doc(
                "metformin-first-line",
                "Is metformin still the first-line drug for type 2 diabetes?",
                "Yes, for most adults.",
                "Metformin lowers glucose without weight gain.",
            ),
            doc(
                "sglt2-ckd",
                "Do SGLT2 inhibitors protect the kidneys in chronic kidney disease?",
                "Yes, with or without diabetes.",
                "Most trial participants also took metformin.",
            ),
        ]
    }

    #[test]
    fn a_question_match_ranks_above_a_body_match() {
        let results = search(&corpus(), "metformin");
        assert_eq!(slugs(&results), ["metformin-first-line", "sglt2-ckd"]);
        assert!(results.hits[0].score > 10.0 * results.hits[1].score);
    }

    #[test]
    fn a_question_match_beats_a_body_match_of_every_term() {
        // "apixaban" is in the question of one article; "apixaban" and "warfarin" are both
        // only in the body of another: the question match still comes first.
        let results = search(&corpus(), "apixaban warfarin");
        assert_eq!(slugs(&results), ["apixaban-dosing", "aspirin-af"]);
        assert_eq!(results.hits[1].matched, 2);
        let results = search(&corpus(), "apixaban");
        assert_eq!(slugs(&results), ["apixaban-dosing", "aspirin-af"]);
    }

    #[test]
    fn misspelt_drug_names_are_found() {
        for typo in ["metfromin", "metformn", "metphormin", "emtformin"] {
            let results = search(&corpus(), typo);
            assert_eq!(slugs(&results).first(), Some(&"metformin-first-line"), "{typo}");
            assert_eq!(
                results.corrections,
                [Correction {
                    typed: typo.to_string(),
                    read_as: "metformin".to_string()
                }],
                "{typo}"
            );
        }
        assert_eq!(
            slugs(&search(&corpus(), "apixiban dose")).first(),
            Some(&"apixaban-dosing")
        );
    }

    #[test]
    fn short_words_are_not_guessed() {
        // "kidny" (5 letters) may be one slip from "kidney"; "ckd" (3) must match exactly.
        assert_eq!(slugs(&search(&corpus(), "kidny")), ["apixaban-dosing", "sglt2-ckd"]);
        assert!(search(&corpus(), "ckx").hits.is_empty());
    }

    #[test]
    fn a_word_being_typed_matches_longer_words() {
        assert_eq!(slugs(&search(&corpus(), "anticoag")), ["aspirin-af"]);
    }

    #[test]
    fn documents_matching_every_term_rank_first() {
        let results = search(&corpus(), "kidney diabetes");
        assert_eq!(slugs(&results)[0], "sglt2-ckd");
    }

    #[test]
    fn stopword_only_queries_find_nothing_and_load_only_the_manifest_and_synonyms() {
        let results = search(&corpus(), "what is the");
        assert!(results.hits.is_empty());
        assert_eq!((results.total, results.exact), (0, true));
        assert_eq!(results.loaded, ["search/index.json", "search/synonyms.json"]);
    }

    #[test]
    fn a_query_loads_only_the_shards_it_needs() {
        // "metformin" is in one question and in another article's body: the second result
        // needs the body level (4) too.
        let results = search(&corpus(), "metformin");
        assert_eq!(
            results.loaded,
            [
                "search/index.json",
                "search/synonyms.json",
                // The question level of the word as typed, fetched beside its vocabulary.
                "search/postings/0/0.json",
                "search/vocab/m.json",
                "search/postings/2/0.json",
                "search/docs/0.json"
            ]
        );
        assert_eq!((results.total, results.exact), (2, true));
        // A misspelt first letter also looks in the second letter's vocabulary.
        let results = search(&corpus(), "emtformin");
        assert!(results.loaded.contains(&"search/vocab/m.json".to_string()));
    }

    #[test]
    fn the_best_result_is_settled_by_the_question_level_alone() {
        // One result asked for: the question match outranks whatever the body could add,
        // so the body's postings are not read, and the count is an estimate.
        let results = search_top(&corpus(), "metformin", 1);
        assert_eq!(slugs(&results), ["metformin-first-line"]);
        assert!(
            !results.loaded.iter().any(|p| p.contains("/postings/2/")),
            "{:?}",
            results.loaded
        );
        assert!(!results.exact);
        // The same first result, and the same score, as when everything is read.
        let all = search(&corpus(), "metformin");
        assert_eq!(results.hits[0], all.hits[0]);
    }

    /// Documents in the shape of benches/gen_corpus.rs, with some lay words and question
    /// types mixed in: common words in every group, so that levels matter.
    fn generated(count: usize) -> Vec<(String, String, String, String, String)> {
        const WORDS: &[&str] = &[
            "metformin",
            "apixaban",
            "warfarin",
            "dose",
            "risk",
            "kidney",
            "renal",
            "heart",
            "attack",
            "myocardial",
            "infarction",
            "bleeding",
            "therapy",
            "treatment",
            "symptoms",
            "patients",
            "trial",
            "outcome",
            "dosing",
            "doses",
            "treated",
            "kidneys",
            "blood",
        ];
        let mut state: u64 = 42;
        let mut pick = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            WORDS[(state >> 33) as usize % WORDS.len()]
        };
        let mut sentence = |n: usize| (0..n).map(|_| pick()).collect::<Vec<_>>().join(" ");
        (0..count)
            .map(|i| {
                let question = match i % 3 {
                    0 => format!("What is the treatment of {} in case {i}?", sentence(2)),
                    1 => format!("What are the symptoms of {}?", sentence(1)),
                    _ => format!("Is {} safe for {}?", sentence(1), sentence(2)),
                };
                (format!("doc-{i:04}"), question, sentence(4), sentence(12), sentence(30))
            })
            .collect()
    }

    #[test]
    fn reading_levels_until_certain_gives_the_ranking_of_reading_everything() {
        let texts = generated(400);
        let docs: Vec<Document<'_>> = texts
            .iter()
            .map(|(slug, question, heading, answer, body)| Document {
                slug,
                question,
                status: "under_review",
                topic: None,
                texts: vec![vec![question], vec![], vec![heading], vec![answer], vec![body]],
                source: None,
                body: None,
                excerpt: answer,
            })
            .collect();
        let queries = [
            "metformin",
            "apixaban dose",
            "warfarin bleeding risk",
            "metfromin",
            "heart attack",
            "myocardial infarction symptoms",
            "how is kidney disease treated",
            "renal",
            "patients therapy dose risk outcome",
            "case 17",
            "dos",
            "kidney damage",
            "blood",
        ];
        let files: HashMap<String, Vec<u8>> = build_index(&docs, &[], "/questions/", &Table::built_in())
            .expect("terms unpack")
            .into_iter()
            .map(|f| (f.path, f.bytes))
            .collect();
        let search_top = |_: &[Document<'_>], query: &str, limit: usize| {
            Searcher::open("", |path| files.get(path).cloned())
                .expect("index opens")
                .search(query, limit)
        };
        for query in queries {
            let everything = Searcher::open("", |path| files.get(path).cloned())
                .expect("index opens")
                .search_reading(query, usize::MAX, true);
            assert!(everything.exact, "{query}: reading everything counts exactly");
            for limit in [1, 3, 10, 25] {
                let top = search_top(&docs, query, limit);
                let want: Vec<&Hit> = everything.hits.iter().take(limit).collect();
                let got: Vec<&Hit> = top.hits.iter().collect();
                assert_eq!(got, want, "{query}, top {limit}");
                if top.exact {
                    assert_eq!(top.total, everything.total, "{query}, top {limit}");
                }
                assert_eq!(top.corrections, everything.corrections, "{query}");
            }
        }
        // And the levels are worth it: the best ten of a common word need fewer files.
        let top = search_top(&docs, "metformin", 10);
        let everything = Searcher::open("", |path| files.get(path).cloned())
            .expect("index opens")
            .search_reading("metformin", 10, true);
        let postings = |r: &Results| r.loaded.iter().filter(|p| p.contains("/postings/")).count();
        assert!(postings(&top) < postings(&everything), "{:?}", top.loaded);
    }

    #[test]
    fn a_split_vocabulary_shard_finds_what_the_whole_shard_found() {
        // 1,500 "d…" codes make the "d" shard big enough to split by second character.
        let codes: Vec<String> = (0..1500).map(|n| format!("d{n} case {n}")).collect();
        let mut docs: Vec<Document<'_>> = codes.iter().map(|c| doc("code", c, "Code.", "Filler.")).collect();
        docs.push(doc("cells-die", "When do cells die?", "Apoptosis.", "Caspases."));
        docs.push(doc("dying", "What helps the dying patient?", "Comfort.", "Care."));
        let files: HashMap<String, Vec<u8>> = build_index(&docs, &[], "/questions/", &Table::built_in())
            .expect("terms unpack")
            .into_iter()
            .map(|f| (f.path, f.bytes))
            .collect();
        assert!(files.contains_key("search/vocab/dy.json") && !files.contains_key("search/vocab/d.json"));
        let search = |query: &str| {
            let mut searcher = Searcher::open("", |path| files.get(path).cloned()).expect("index opens");
            searcher.search(query, 10)
        };
        // "dying" (in "dy") finds "die" (in "di") through their stem, and the other way.
        for query in ["dying", "die"] {
            let results = search(query);
            let mut found = slugs(&results);
            found.sort_unstable();
            assert_eq!(found, ["cells-die", "dying"], "{query}: {:?}", results.loaded);
        }
        // A code is looked up in its sub-shard alone; a misspelt one in every "d" sub-shard.
        let results = search("d1234");
        assert_eq!(results.hits[0].question, "d1234 case 1234");
        let vocab: Vec<&String> = results.loaded.iter().filter(|p| p.contains("/vocab/")).collect();
        assert_eq!(vocab, ["search/vocab/d1.json"]);
        let results = search("d12x34");
        assert_eq!(results.corrections[0].read_as, "d1234");
        assert!(results.loaded.iter().filter(|p| p.contains("/vocab/d")).count() > 5);
    }

    #[test]
    fn the_index_is_the_same_for_the_same_documents() {
        let first = build_index(&corpus(), &[], "/questions/", &Table::built_in()).expect("terms unpack");
        let second = build_index(&corpus(), &[], "/questions/", &Table::built_in()).expect("terms unpack");
        let bytes = |files: &[super::super::SearchFile]| -> Vec<(String, Vec<u8>)> {
            files.iter().map(|f| (f.path.clone(), f.bytes.clone())).collect()
        };
        assert_eq!(bytes(&first), bytes(&second));
    }

    fn heart_corpus() -> Vec<Document<'static>> {
        vec![
            doc(
                "mi-treatment",
                "What are the treatments for myocardial infarction?",
                "Reopen the artery.",
                "Aspirin and a stent.",
            ),
            doc(
                "heart-attack-symptoms",
                "What are the symptoms of a heart attack?",
                "Chest pain.",
                "Call for help.",
            ),
            doc(
                "mi-causes",
                "What causes myocardial infarction?",
                "A blocked artery.",
                "Plaque.",
            ),
            doc(
                "glaucoma-treatment",
                "What are the treatments for glaucoma?",
                "Eye drops.",
                "Laser.",
            ),
            doc("glaucoma-causes", "What causes glaucoma?", "Pressure.", "Drainage."),
            doc("glaucoma", "What is glaucoma?", "An eye disease.", "Optic nerve."),
        ]
    }

    #[test]
    fn a_lay_phrase_finds_the_clinical_one_but_an_exact_match_comes_first() {
        let results = search(&heart_corpus(), "heart attack");
        assert_eq!(slugs(&results)[0], "heart-attack-symptoms");
        assert!(slugs(&results).contains(&"mi-treatment"), "{results:?}");
        assert!(results.hits[0].score > results.hits[1].score);
        // And the other way: the clinical term finds the lay question.
        let results = search(&heart_corpus(), "myocardial infarction symptoms");
        assert_eq!(slugs(&results)[0], "heart-attack-symptoms", "{results:?}");
        assert_eq!(results.hits[0].terms, ["heart", "attack", "symptoms"]);
    }

    #[test]
    fn a_synonym_finds_a_form_of_its_words_the_table_does_not_write() {
        // The table says "cavities", keyed "cavity"; the article says "cavity", and "caries"
        // (keyed "cary") and "pcos" (keyed "pco") must be met as written.
        let docs = vec![
            doc("cavity", "How is a cavity filled?", "With a filling.", "Drill."),
            doc("caries", "Is caries painful?", "Often.", "Nerve."),
            doc("pcos", "Does PCOS affect fertility?", "Often.", "Ovulation."),
            doc("gums", "Why do gums bleed?", "Gingivitis.", "Brush."),
        ];
        let results = search(&docs, "tooth decay");
        assert_eq!(slugs(&results), ["cavity", "caries"], "{results:?}");
        assert_eq!(results.hits[0].terms, ["cavity"]);
        let results = search(&docs, "polycystic ovary syndrome");
        assert_eq!(slugs(&results), ["pcos"], "{results:?}");
    }

    #[test]
    fn a_synonym_phrase_holding_a_cue_word_is_read_as_the_phrase() {
        // "test" alone asks for the diagnosis type; "stress test" is a test of its own.
        let docs = vec![
            doc("treadmill", "What does a treadmill test show?", "Blood flow.", "Walk."),
            doc("stress", "How does stress affect sleep?", "Badly.", "Cortisol."),
            doc("ecg-test", "How is an ECG test done?", "Electrodes.", "Leads."),
        ];
        let results = search(&docs, "stress test");
        assert_eq!(slugs(&results)[0], "treadmill", "{results:?}");
        // A cue beside a synonym stays a cue: "signs of a heart attack".
        let slots = {
            let files: HashMap<String, Vec<u8>> = build_index(&heart_corpus(), &[], "/questions/", &Table::built_in())
                .expect("terms unpack")
                .into_iter()
                .map(|f| (f.path, f.bytes))
                .collect();
            Searcher::open("", |path| files.get(path).cloned())
                .expect("index opens")
                .slots("signs of a heart attack")
        };
        assert_eq!(slots.len(), 2, "{slots:?}");
        assert_eq!(slots[0].types, ["~symptoms"]);
        assert_eq!(slots[1].words, ["heart", "attack"]);
    }

    #[test]
    fn a_question_word_ranks_the_article_of_that_type_first() {
        for query in ["how is glaucoma managed", "glaucoma therapy", "treating glaucoma"] {
            assert_eq!(
                slugs(&search(&heart_corpus(), query))[0],
                "glaucoma-treatment",
                "{query}"
            );
        }
        assert_eq!(
            slugs(&search(&heart_corpus(), "why does glaucoma happen"))[0],
            "glaucoma-causes"
        );
        assert_eq!(
            slugs(&search(&heart_corpus(), "heart attack therapy"))[0],
            "mi-treatment"
        );
    }

    #[test]
    fn inflections_find_each_other_through_their_stem() {
        // "doses" is nowhere in the corpus; its stem "dose" is, and the question's "dosed"
        // has that stem.
        let results = search(&corpus(), "apixaban doses");
        assert_eq!(slugs(&results)[0], "apixaban-dosing");
        assert_eq!(results.hits[0].matched, 2, "{results:?}");
        assert!(results.corrections.is_empty(), "a known stem is no typo: {results:?}");
    }

    #[test]
    fn passing_mentions_far_below_the_best_are_dropped() {
        // The SGLT2 article names metformin in its body and not glucose.
        let results = search(&corpus(), "metformin glucose");
        assert_eq!(slugs(&results), ["metformin-first-line"]);
        // With one word, every article that has it is listed.
        assert_eq!(slugs(&search(&corpus(), "metformin")).len(), 2);
    }

    #[test]
    fn a_term_s_question_topic_and_heading_lists_share_one_shard() {
        let mut docs = corpus();
        docs[1].texts[2] = vec!["Metformin and apixaban"];
        let files: HashMap<String, Vec<u8>> = build_index(&docs, &[], "/questions/", &Table::built_in())
            .expect("terms unpack")
            .into_iter()
            .map(|f| (f.path, f.bytes))
            .collect();
        let read = |path: &str| -> Value { serde_json::from_slice(&files[path]).unwrap() };
        assert_eq!(
            read("search/index.json")["tiers"],
            serde_json::json!([[0, 1, 2], [3], [4]])
        );
        // "metformin": the question of article 2, a heading of article 1, the body of 3.
        let tier0 = read("search/postings/0/0.json");
        assert_eq!(tier0["metformin"], serde_json::json!([[2], 0, [1]]));
        assert_eq!(read("search/postings/2/0.json")["metformin"], serde_json::json!([[3]]));
        // Its heading match needs no file more than its question match.
        let results = search(&docs, "metformin");
        assert_eq!(
            slugs(&results),
            ["metformin-first-line", "apixaban-dosing", "sglt2-ckd"]
        );
        let postings: Vec<&String> = results.loaded.iter().filter(|p| p.contains("/postings/")).collect();
        assert_eq!(postings, ["search/postings/0/0.json", "search/postings/2/0.json"]);
    }

    #[test]
    fn rarity_stays_between_half_and_one() {
        assert_eq!(rarity(100.0, 100.0), 0.5 + 0.5 * 2f64.ln() / 101f64.ln());
        assert!((rarity(100.0, 1.0) - 1.0).abs() < 1e-12);
        assert_eq!(rarity(1.0, 1.0), 1.0);
    }
}
