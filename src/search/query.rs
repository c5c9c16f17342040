//! The ranking `theme/search.js` runs in the browser, written again in Rust over the same
//! files: the reference the tests hold the script to, and a way to test ranking without a
//! browser. Keep the two in step.
//!
//! For each query term: its exact term, up to a few longer terms it begins (for words still
//! being typed), and — only when the exact term is absent — terms within `allowed_typos`
//! edits. A document's points for a term are the best of `weight(group) × quality × rarity`
//! over those candidates; its score is the sum over query terms, times the square of the
//! share of query terms it matched.

use super::encode::decode_postings;
use super::text::{allowed_typos, shard_key, terms};
use crate::text::edit_distance as typo_distance;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// At most this many candidate terms per query term.
pub const MAX_CANDIDATES: usize = 12;
/// At most this many query terms count; a pasted paragraph must not load every shard.
pub const MAX_QUERY_TERMS: usize = 8;
pub const EXACT: f64 = 1.0;
pub const PREFIX: f64 = 0.7;
pub const ONE_TYPO: f64 = 0.6;
pub const TWO_TYPOS: f64 = 0.4;

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
    pub matched: usize,
    /// The indexed terms that earned its points, one per matched query term, in query order.
    pub terms: Vec<String>,
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
    pub corrections: Vec<Correction>,
    /// Every file read, by path: what a browser would download for this query.
    pub loaded: Vec<String>,
}

/// An index read through `load` (a path below the site root → its bytes), shard by shard.
pub struct Searcher<F: FnMut(&str) -> Option<Vec<u8>>> {
    load: F,
    base: String,
    manifest: Value,
    cache: HashMap<String, Value>,
    loaded: Vec<String>,
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
        Ok(Searcher {
            load,
            base: base.to_string(),
            manifest,
            cache: HashMap::new(),
            loaded: vec![path],
        })
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

    /// The ranked results for `query`, at most `limit` of them.
    pub fn search(&mut self, query: &str, limit: usize) -> Results {
        self.loaded.truncate(1);
        let mut words: Vec<String> = Vec::new();
        for term in terms(query) {
            if !words.contains(&term) && words.len() < MAX_QUERY_TERMS {
                words.push(term);
            }
        }
        let total_docs = self.manifest["docs"].as_u64().unwrap_or(0) as f64;
        let weights: Vec<f64> = self.manifest["weights"]
            .as_array()
            .map(|w| w.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default();
        let mut scores: BTreeMap<usize, (f64, Vec<String>)> = BTreeMap::new();
        let mut corrections = Vec::new();
        for word in &words {
            let candidates = self.candidates(word);
            if let Some((term, quality)) = candidates.first()
                && *quality < PREFIX
            {
                corrections.push(Correction {
                    typed: word.clone(),
                    read_as: term.clone(),
                });
            }
            let mut best: HashMap<usize, (f64, usize)> = HashMap::new();
            for (index, (term, quality)) in candidates.iter().enumerate() {
                let Some(groups) = self.postings(term) else { continue };
                let df: usize = groups.iter().map(Vec::len).sum();
                let rarity = rarity(total_docs, df as f64);
                for (group, docs) in groups.iter().enumerate() {
                    let points = weights.get(group).copied().unwrap_or(0.0) * quality * rarity;
                    for &doc in docs {
                        let entry = best.entry(doc as usize).or_insert((0.0, index));
                        if points > entry.0 {
                            *entry = (points, index);
                        }
                    }
                }
            }
            for (doc, (points, index)) in best {
                let entry = scores.entry(doc).or_insert((0.0, Vec::new()));
                entry.0 += points;
                entry.1.push(candidates[index].0.clone());
            }
        }
        let n = words.len().max(1) as f64;
        let mut ranked: Vec<(usize, f64, Vec<String>)> = scores
            .into_iter()
            .map(|(doc, (points, terms))| {
                let share = terms.len() as f64 / n;
                (doc, points * share * share, terms)
            })
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.2.len().cmp(&a.2.len())).then(a.0.cmp(&b.0)));
        ranked.truncate(limit);
        let url = self.manifest["url"].as_str().unwrap_or_default().to_string();
        let per_shard = self.manifest["docs_per_shard"].as_u64().unwrap_or(1).max(1) as usize;
        let hits = ranked
            .into_iter()
            .map(|(doc, score, terms)| {
                let row = self
                    .file(&format!("docs/{}.json", doc / per_shard))
                    .and_then(|rows| rows.get(doc % per_shard))
                    .cloned()
                    .unwrap_or(Value::Null);
                let slug = row[0].as_str().unwrap_or_default().to_string();
                Hit {
                    doc,
                    url: format!("{url}{slug}/"),
                    slug,
                    question: row[1].as_str().unwrap_or_default().to_string(),
                    status: row[2].as_str().unwrap_or_default().to_string(),
                    score,
                    matched: terms.len(),
                    terms,
                }
            })
            .collect();
        Results {
            hits,
            corrections,
            loaded: self.loaded.clone(),
        }
    }

    /// The terms of the vocabulary a query word may stand for, best first.
    fn candidates(&mut self, word: &str) -> Vec<(String, f64)> {
        let typos = allowed_typos(word);
        let first = shard_key(word);
        let mut vocabulary = self.vocabulary(first);
        let exact = vocabulary.iter().any(|(t, _)| t == word);
        // A slip in the first letter (swapped with the second, or one too many) moves the
        // word to another vocabulary shard: look in the second letter's too, but only when
        // the word as typed is unknown.
        if !exact
            && typos > 0
            && let Some(second) = word.chars().nth(1).map(|c| shard_key(&c.to_string()))
            && second != first
        {
            vocabulary.extend(self.vocabulary(second));
        }
        let long_enough = word.chars().count() >= 3;
        let mut found: Vec<(String, f64, u64)> = Vec::new();
        for (term, df) in vocabulary {
            let quality = if term == word {
                EXACT
            } else if long_enough && term.starts_with(word) {
                PREFIX
            } else if !exact && typos > 0 {
                match typo_distance(word, &term, typos) {
                    Some(1) => ONE_TYPO,
                    Some(2) => TWO_TYPOS,
                    _ => continue,
                }
            } else {
                continue;
            };
            found.push((term, quality, df));
        }
        found.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        found.truncate(MAX_CANDIDATES);
        found.into_iter().map(|(t, q, _)| (t, q)).collect()
    }

    /// The terms of one vocabulary shard with their document counts.
    fn vocabulary(&mut self, key: char) -> Vec<(String, u64)> {
        let known = self.manifest["vocab"].as_str().unwrap_or_default().contains(key);
        let Some(shard) = known.then(|| self.file(&format!("vocab/{key}.json"))).flatten() else {
            return Vec::new();
        };
        let df = shard["df"].as_array().map(Vec::as_slice).unwrap_or_default();
        shard["terms"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(i, term)| {
                let count = df.get(i).and_then(Value::as_u64).unwrap_or(0);
                (term.as_str().unwrap_or_default().to_string(), count)
            })
            .collect()
    }

    /// A term's documents in each group, from its posting shard.
    fn postings(&mut self, term: &str) -> Option<Vec<Vec<u32>>> {
        let firsts = self.manifest["postings"].as_array()?;
        let shard = firsts.partition_point(|f| f.as_str().is_some_and(|f| f <= term));
        let shard = shard.checked_sub(1)?;
        let entry = self.file(&format!("postings/{shard}.json"))?.get(term)?.as_array()?;
        entry.iter().map(decode_postings).collect()
    }
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

    fn doc<'a>(slug: &'a str, question: &'a str, answer: &'a str, body: &'a str) -> Document<'a> {
        Document {
            slug,
            question,
            status: "under_review",
            topic: None,
            texts: [vec![question], vec![], vec![], vec![answer], vec![body]],
        }
    }

    fn search(docs: &[Document<'_>], query: &str) -> Results {
        let files: HashMap<String, Vec<u8>> = build_index(docs, &[] as &[TopicView], "/questions/")
            .into_iter()
            .map(|f| (f.path, f.bytes))
            .collect();
        let mut searcher = Searcher::open("", |path| files.get(path).cloned()).expect("index opens");
        searcher.search(query, 10)
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
    fn stopword_only_queries_find_nothing_and_load_only_the_manifest() {
        let results = search(&corpus(), "what is the");
        assert!(results.hits.is_empty());
        assert_eq!(results.loaded, ["search/index.json"]);
    }

    #[test]
    fn a_query_loads_only_the_shards_it_needs() {
        let results = search(&corpus(), "metformin");
        let postings = results.loaded.iter().filter(|p| p.contains("/postings/")).count();
        let docs = results.loaded.iter().filter(|p| p.contains("/docs/")).count();
        assert_eq!(
            results.loaded[..2],
            ["search/index.json".to_string(), "search/vocab/m.json".to_string()]
        );
        assert_eq!(
            (results.loaded.len(), postings, docs),
            (4, 1, 1),
            "{:?}",
            results.loaded
        );
        // A misspelt first letter also looks in the second letter's vocabulary.
        let results = search(&corpus(), "emtformin");
        assert!(results.loaded.contains(&"search/vocab/m.json".to_string()));
    }

    #[test]
    fn the_index_is_the_same_for_the_same_documents() {
        let first = build_index(&corpus(), &[], "/questions/");
        let second = build_index(&corpus(), &[], "/questions/");
        let bytes = |files: &[super::super::SearchFile]| -> Vec<(String, Vec<u8>)> {
            files.iter().map(|f| (f.path.clone(), f.bytes.clone())).collect()
        };
        assert_eq!(bytes(&first), bytes(&second));
    }

    #[test]
    fn rarity_stays_between_half_and_one() {
        assert_eq!(rarity(100.0, 100.0), 0.5 + 0.5 * 2f64.ln() / 101f64.ln());
        assert!((rarity(100.0, 1.0) - 1.0).abs() < 1e-12);
        assert_eq!(rarity(1.0, 1.0), 1.0);
    }
}
