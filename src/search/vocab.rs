//! The vocabulary shards: the terms of the index by first character, and a shard grown
//! past `SPLIT_BYTES` split again by second character (a large site's digit shards hold
//! its case numbers: 145 KB each at 100,000 articles, for a query that needs one term).
//!
//! A query word is looked up in one sub-shard, so each sub-shard also lists, after its own
//! terms, the terms of its first character whose stem falls in it though they do not
//! ("dying", stem "die", is listed under "di" as well as "dy"): a word's stem finds all its
//! inflections in one place. Guessing at typos still reads every sub-shard of the letter.

use super::SearchFile;
use serde::Serialize;
use std::collections::BTreeMap;

/// A first-character shard larger than this, in bytes, is split by second character.
pub const SPLIT_BYTES: usize = 16 * 1024;

/// One shard's terms, each with what the query needs to know before reading postings.
#[derive(Serialize, Default)]
pub struct Shard<'a> {
    pub terms: Vec<&'a str>,
    /// How many articles hold each term, for choosing among many prefix matches.
    pub df: Vec<usize>,
    /// The field groups each term occurs in, bit `g` for `GROUPS[g]`: which posting levels
    /// a query must read for it, and what the levels it has not read can still add.
    pub groups: Vec<u8>,
    /// Each term's English stem, "" where it is the term itself: the terms of one stem
    /// find each other ("treated", "treating"), and the browser needs no stemmer.
    pub stems: Vec<String>,
    /// In a sub-shard, how many of the terms are its own; the rest are listed for their
    /// stem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub own: Option<usize>,
}

impl<'a> Shard<'a> {
    pub fn push(&mut self, term: &'a str, df: usize, groups: u8, stem: String) {
        self.terms.push(term);
        self.df.push(df);
        self.groups.push(groups);
        self.stems.push(if stem == term { String::new() } else { stem });
    }

    /// Each term's stem, in order (the term itself where `stems` holds "").
    pub fn stems(&self) -> impl Iterator<Item = &str> {
        (0..self.terms.len()).map(|i| self.stem(i))
    }

    fn stem(&self, i: usize) -> &str {
        if self.stems[i].is_empty() {
            self.terms[i]
        } else {
            &self.stems[i]
        }
    }
}

/// The sub-shard of a term in a split shard: the ASCII letter or digit after its first
/// character, `_` for anything else or nothing.
pub fn second_key(term: &str) -> char {
    let mut chars = term.chars();
    chars.next();
    match chars.next() {
        Some(c) if c.is_ascii_alphanumeric() => c,
        _ => '_',
    }
}

/// What the manifest says of the vocabulary: the first characters with a shard, and for
/// each split one the second characters of its sub-shards.
pub struct Keys {
    pub first: String,
    pub split: BTreeMap<char, String>,
}

/// Writes the shards (`search/vocab/<c>.json`, or `<c><d>.json` when split) into `files`.
pub fn write(shards: &BTreeMap<char, Shard<'_>>, files: &mut Vec<SearchFile>) -> Keys {
    let mut keys = Keys {
        first: shards.keys().collect(),
        split: BTreeMap::new(),
    };
    for (first, shard) in shards {
        let bytes = serde_json::to_vec(shard).unwrap_or_default();
        if bytes.len() <= SPLIT_BYTES {
            files.push(SearchFile {
                path: format!("search/vocab/{first}.json"),
                bytes,
            });
            continue;
        }
        let mut subs: BTreeMap<char, Shard<'_>> = BTreeMap::new();
        for i in 0..shard.terms.len() {
            subs.entry(second_key(shard.terms[i])).or_default().push(
                shard.terms[i],
                shard.df[i],
                shard.groups[i],
                shard.stem(i).to_string(),
            );
        }
        for sub in subs.values_mut() {
            sub.own = Some(sub.terms.len());
        }
        for i in 0..shard.terms.len() {
            let (term, stem) = (shard.terms[i], shard.stem(i));
            let home = second_key(term);
            let stem_home = second_key(stem);
            // A stem of another first character is not looked for here (nor was it before
            // the split).
            if stem_home != home && stem.starts_with(*first) {
                subs.entry(stem_home).or_insert_with(|| Shard {
                    own: Some(0),
                    ..Shard::default()
                });
                if let Some(sub) = subs.get_mut(&stem_home) {
                    sub.push(term, shard.df[i], shard.groups[i], stem.to_string());
                }
            }
        }
        for (second, sub) in &subs {
            files.push(SearchFile {
                path: format!("search/vocab/{first}{second}.json"),
                bytes: serde_json::to_vec(sub).unwrap_or_default(),
            });
        }
        keys.split.insert(*first, subs.keys().collect());
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_shard_is_split_and_a_stem_finds_its_terms_in_one_sub_shard() {
        let numbers: Vec<String> = (0..1500).map(|n| format!("d{n}")).collect();
        let mut shard = Shard::default();
        shard.push("die", 3, 1, "die".to_string());
        shard.push("dying", 2, 16, "die".to_string());
        for n in &numbers {
            shard.push(n, 1, 1, n.clone());
        }
        let shards = BTreeMap::from([('d', shard)]);
        let mut files = Vec::new();
        let keys = write(&shards, &mut files);
        assert_eq!(keys.first, "d");
        assert_eq!(keys.split[&'d'], "0123456789iy");
        let read = |name: &str| -> serde_json::Value {
            let file = files
                .iter()
                .find(|f| f.path == format!("search/vocab/{name}.json"))
                .unwrap();
            serde_json::from_slice(&file.bytes).unwrap()
        };
        // "dying" is its own in "dy" and listed for its stem in "di".
        assert_eq!(read("di")["terms"], serde_json::json!(["die", "dying"]));
        assert_eq!(read("di")["own"], 1);
        assert_eq!(read("dy")["terms"], serde_json::json!(["dying"]));
        assert!(
            files.iter().all(|f| f.bytes.len() <= SPLIT_BYTES),
            "sub-shards are small"
        );
    }
}
