//! Lay ↔ clinical equivalents: a built-in English table (`synonyms.txt`) and a site's own
//! `synonyms.yaml`, merged into the `search/synonyms.json` the ranking expands queries with.
//!
//! A group ("heart attack, myocardial infarction, MI") makes every member find the others;
//! a one-way expansion ("MI -> myocardial infarction") only its left side. Phrases are keyed
//! by their search terms with plural endings folded (`text::singular`), so "blood clots"
//! and "blood clot" are one phrase. What a phrase expands to is shipped as the English
//! stems of its words as written ("cavities" → "caviti"), which the index's vocabulary
//! records for every term: "tooth decay" then finds an article that says only "cavity".

use super::text::{Stemmer, singular, terms};
use crate::diagnostic::{Code, Diagnostic, Position};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The site's file, beside evident.yaml.
pub const SITE_FILE: &str = "synonyms.yaml";

const BUILT_IN: &str = include_str!("synonyms.txt");

/// Equivalence groups and one-way expansions, as phrase keys.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub groups: Vec<Vec<String>>,
    pub expand: BTreeMap<String, Vec<String>>,
    /// What each key expands to as shipped: the English stems of its words as first
    /// written. A key such as "pco" (from "PCOS") or "cary" (from "caries") is no word an
    /// article holds; only the written word stems to what the article's word stems to.
    pub stems: BTreeMap<String, String>,
}

/// A phrase's key: its search terms, plural endings folded, joined by single spaces;
/// empty when nothing searchable is left ("the", "a").
pub fn key(phrase: &str) -> String {
    terms(phrase).map(|t| singular(&t)).collect::<Vec<_>>().join(" ")
}

impl Table {
    /// The built-in table. Its text is part of the program, checked by the tests below.
    pub fn built_in() -> Table {
        parse_lines(BUILT_IN).unwrap_or_default()
    }

    /// The table a site searches with: the built-in one (unless the site turns it off)
    /// with the site's groups and expansions laid over it.
    pub fn for_site(site: Option<&SiteSynonyms>) -> Table {
        let Some(site) = site else {
            return Table::built_in();
        };
        let mut table = if site.builtin {
            Table::built_in()
        } else {
            Table::default()
        };
        for group in &site.groups {
            let keys = table.keys(group.iter().map(String::as_str));
            // A site's group replaces every built-in group that shares a phrase with it:
            // that is how a site corrects or narrows what the table says.
            table.groups.retain(|g| !g.iter().any(|k| keys.contains(k)));
            if keys.len() > 1 {
                table.groups.push(keys);
            }
        }
        for (from, to) in &site.expand {
            let from = key(from);
            let mut to = table.keys(to.iter().map(String::as_str));
            to.retain(|k| *k != from);
            if !from.is_empty() {
                table.expand.insert(from, to);
            }
        }
        table
    }

    /// What a phrase key expands to: the other members of its groups, then its one-way
    /// expansions, each once.
    pub fn expansions(&self) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for group in &self.groups {
            for member in group {
                let list = out.entry(member.clone()).or_default();
                list.extend(group.iter().filter(|m| *m != member).cloned());
            }
        }
        for (from, to) in &self.expand {
            out.entry(from.clone()).or_default().extend(to.iter().cloned());
        }
        for list in out.values_mut() {
            *list = dedup(list.drain(..));
        }
        out.retain(|_, list| !list.is_empty());
        out
    }

    /// The table as `search/synonyms.json` holds it: each typed phrase key with what it
    /// expands to, as stems. Only what can match is kept: an expansion all of whose stems
    /// `present` knows. Most of the table names conditions a given site does not cover;
    /// shipping them would cost readers bytes for nothing.
    pub fn to_json(&self, present: impl Fn(&str) -> bool) -> Vec<u8> {
        let mut expand: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (from, list) in self.expansions() {
            let shipped = dedup(
                list.iter()
                    .filter_map(|phrase| self.stems.get(phrase).cloned())
                    .filter(|stems| stems.split(' ').all(&present)),
            );
            if !shipped.is_empty() {
                expand.insert(from, shipped);
            }
        }
        #[derive(Serialize)]
        struct Shipped {
            /// The longest typed phrase in words: how far the query looks ahead.
            longest: usize,
            expand: BTreeMap<String, Vec<String>>,
        }
        let longest = expand.keys().map(|k| k.split(' ').count()).max().unwrap_or(1);
        serde_json::to_vec(&Shipped { longest, expand }).unwrap_or_default()
    }

    /// The keys of `phrases`, each once, without empty ones; records the stems of each.
    fn keys<'p>(&mut self, phrases: impl IntoIterator<Item = &'p str>) -> Vec<String> {
        let stemmer = Stemmer::english();
        let mut keys = Vec::new();
        for phrase in phrases {
            let key = key(phrase);
            if key.is_empty() || keys.contains(&key) {
                continue;
            }
            self.stems
                .entry(key.clone())
                .or_insert_with(|| terms(phrase).map(|t| stemmer.stem(&t)).collect::<Vec<_>>().join(" "));
            keys.push(key);
        }
        keys
    }
}

fn dedup(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    items.into_iter().filter(|i| seen.insert(i.clone())).collect()
}

/// Parses the built-in table: one group a line ("a, b, c"), or a one-way expansion
/// ("a -> b, c"); `#` starts a comment. Errors name the line.
pub fn parse_lines(text: &str) -> Result<Table, String> {
    let mut table = Table::default();
    for (number, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        if let Some((from, to)) = line.split_once("->") {
            let from = key(from);
            let to = table.keys(to.split(','));
            if from.is_empty() || to.is_empty() {
                return Err(format!("line {}: `{line}` expands nothing", number + 1));
            }
            table.expand.entry(from).or_default().extend(to);
        } else {
            let group = table.keys(line.split(','));
            if group.len() < 2 {
                return Err(format!("line {}: `{line}` is a group of one", number + 1));
            }
            table.groups.push(group);
        }
    }
    Ok(table)
}

/// `synonyms.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSynonyms {
    /// Whether the built-in table is used at all (default: yes).
    #[serde(default = "yes")]
    pub builtin: bool,
    /// Groups of equivalent phrases.
    #[serde(default)]
    pub groups: Vec<Vec<String>>,
    /// One-way expansions: what a phrase also finds.
    #[serde(default)]
    pub expand: BTreeMap<String, Vec<String>>,
}

fn yes() -> bool {
    true
}

/// The site's `synonyms.yaml`: `Ok(None)` when there is none, a finding when it cannot be
/// read as one.
pub fn load_site(root: &Path) -> Result<Option<SiteSynonyms>, Diagnostic> {
    let path = root.join(SITE_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(Diagnostic::new(
                Code::ConfigSyntax,
                SITE_FILE,
                Position::new(1, 1),
                format!("{SITE_FILE} cannot be read: {error}"),
            ));
        }
    };
    let parsed: SiteSynonyms = serde_yaml::from_str(&text).map_err(|error| {
        let (line, column) = error
            .location()
            .map_or((1, 1), |at| (at.line() as u32, at.column() as u32));
        let message = error.to_string();
        // serde_yaml appends " at line L column C"; the finding carries the position.
        let message = message.split(" at line ").next().unwrap_or(&message).to_string();
        Diagnostic::new(
            Code::ConfigSyntax,
            SITE_FILE,
            Position::new(line, column),
            format!("{SITE_FILE}: {message}"),
        )
        .with_hint(
            "write `groups:` as lists of equivalent phrases (- [heart attack, myocardial infarction]) \
             and `expand:` as phrase: [phrases it also finds] (MI: [myocardial infarction])",
        )
    })?;
    for (index, group) in parsed.groups.iter().enumerate() {
        let keys = dedup(group.iter().map(|p| key(p)).filter(|k| !k.is_empty()));
        if keys.len() < 2 {
            let line = line_of_group(&text, index);
            return Err(Diagnostic::new(
                Code::ConfigInvalidValue,
                SITE_FILE,
                Position::new(line, 1),
                format!(
                    "group {} of {SITE_FILE} names fewer than two searchable phrases",
                    index + 1
                ),
            )
            .with_hint(
                "a group lists at least two phrases that mean the same; stopwords alone (\"the\") are not searchable",
            ));
        }
    }
    Ok(Some(parsed))
}

/// The line of the `index`th item under `groups:`, for pointing at a bad group; 1 if not found.
fn line_of_group(text: &str, index: usize) -> u32 {
    let mut in_groups = false;
    let mut seen = 0;
    for (number, line) in text.lines().enumerate() {
        if !line.starts_with(' ') && !line.starts_with('-') {
            in_groups = line.trim_end().starts_with("groups:");
            continue;
        }
        if in_groups && line.trim_start().starts_with('-') {
            if seen == index {
                return number as u32 + 1;
            }
            seen += 1;
        }
    }
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_table_parses_and_is_a_few_hundred_groups() {
        let table = parse_lines(BUILT_IN).expect("synonyms.txt parses");
        assert!(table.groups.len() >= 250, "{} groups", table.groups.len());
    }

    #[test]
    fn no_phrase_is_in_two_built_in_groups() {
        let table = Table::built_in();
        let mut owner: BTreeMap<&str, usize> = BTreeMap::new();
        for (index, group) in table.groups.iter().enumerate() {
            for member in group {
                if let Some(other) = owner.insert(member, index) {
                    panic!("`{member}` is in {:?} and {:?}", table.groups[other], group);
                }
            }
        }
    }

    #[test]
    fn groups_expand_both_ways_and_arrows_one_way() {
        let table = parse_lines("heart attack, myocardial infarction\nMI -> myocardial infarction\n").unwrap();
        let expansions = table.expansions();
        assert_eq!(expansions["heart attack"], ["myocardial infarction"]);
        assert_eq!(expansions["myocardial infarction"], ["heart attack"]);
        assert_eq!(expansions["mi"], ["myocardial infarction"]);
        assert!(parse_lines("lonely\n").is_err());
        assert!(parse_lines("x ->\n").is_err());
    }

    #[test]
    fn keys_fold_case_plurals_and_stopwords() {
        assert_eq!(key("Blood clots in the Lungs"), "blood clot lung");
        assert_eq!(key("the"), "");
    }

    #[test]
    fn a_site_group_replaces_the_built_in_groups_it_shares_a_phrase_with() {
        let site = SiteSynonyms {
            builtin: true,
            groups: vec![vec!["heart attack".into(), "cardiac event".into()]],
            expand: BTreeMap::from([("MI".to_string(), vec!["mitral insufficiency".to_string()])]),
        };
        let table = Table::for_site(Some(&site));
        let expansions = table.expansions();
        assert_eq!(expansions["heart attack"], ["cardiac event"]);
        assert_eq!(expansions["mi"], ["mitral insufficiency"]);
        let bare = Table::for_site(Some(&SiteSynonyms {
            builtin: false,
            groups: vec![],
            expand: BTreeMap::new(),
        }));
        assert!(bare.expansions().is_empty());
    }

    #[test]
    fn expansions_are_shipped_as_the_stems_of_the_words_as_written() {
        // "cavities" keys as "cavity" and "PCOS" as "pco", which no article holds.
        let table = parse_lines("tooth decay, cavities, caries\npcos, polycystic ovary syndrome\n").unwrap();
        let json: serde_json::Value = serde_json::from_slice(&table.to_json(|_| true)).unwrap();
        assert_eq!(json["expand"]["tooth decay"], serde_json::json!(["caviti", "cari"]));
        assert_eq!(json["expand"]["cavity"], serde_json::json!(["tooth decay", "cari"]));
        assert_eq!(json["expand"]["polycystic ovary syndrome"], serde_json::json!(["pcos"]));
        assert_eq!(json["expand"]["pco"], serde_json::json!(["polycyst ovari syndrom"]));
    }

    #[test]
    fn only_expansions_the_site_can_match_are_shipped() {
        let table = parse_lines("heart attack, myocardial infarction, mi\nkidney, renal\n").unwrap();
        let json: serde_json::Value =
            serde_json::from_slice(&table.to_json(|t| ["heart", "attack", "renal"].contains(&t))).unwrap();
        assert_eq!(json["expand"]["mi"], serde_json::json!(["heart attack"]));
        assert_eq!(json["expand"]["kidney"], serde_json::json!(["renal"]));
        assert!(json["expand"].get("renal").is_none());
        assert_eq!(json["longest"], 2);
    }
}
