//! Every line of the built-in synonym table (`src/search/synonyms.txt`) takes effect: for
//! each group, a query made of any one of its phrases finds a document that says only
//! another of its phrases; for each one-way expansion, its left side finds a document that
//! says only one of its right side. Proved through the reference ranking (`query::Searcher`,
//! the code `evident search` runs and `theme/search.js` is held to), twice: once in one index
//! of every line's documents, where other lines' phrases and vocabulary are all present (a
//! phrase swallowed by a longer one, a cue word that eats a phrase), and once in an index
//! of the line's documents alone, as on a site that covers only that condition (a phrase
//! that matches only through words other articles happen to hold).

use evident::render::context::TopicView;
use evident::search::query::Searcher;
use evident::search::synonyms::{Table, key};
use evident::search::{Document, build_index};
use std::collections::HashMap;

const TABLE: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/search/synonyms.txt"));

/// One line of the table as written: its number, its text, what a query types and what the
/// documents it must find say.
struct Line {
    number: usize,
    text: String,
    /// (query phrase, the phrases whose documents it must find)
    queries: Vec<(String, Vec<String>)>,
    /// Every phrase of the line, each the whole text of one document.
    phrases: Vec<String>,
}

/// The table's lines, read independently of `synonyms::parse_lines` so that a phrase the
/// program drops silently (nothing searchable left in it) is still seen here.
fn lines(table: &str) -> Vec<Line> {
    let mut out = Vec::new();
    for (index, raw) in table.lines().enumerate() {
        let text = raw.split('#').next().unwrap_or_default().trim();
        if text.is_empty() {
            continue;
        }
        let list = |s: &str| -> Vec<String> { s.split(',').map(|p| p.trim().to_string()).collect() };
        let (queries, phrases) = match text.split_once("->") {
            Some((from, to)) => {
                let (from, to) = (from.trim().to_string(), list(to));
                let mut phrases = vec![from.clone()];
                phrases.extend(to.iter().cloned());
                (vec![(from, to)], phrases)
            }
            None => {
                let group = list(text);
                let queries = group
                    .iter()
                    .map(|q| (q.clone(), group.iter().filter(|p| *p != q).cloned().collect()))
                    .collect();
                (queries, group)
            }
        };
        out.push(Line {
            number: index + 1,
            text: text.to_string(),
            queries,
            phrases,
        });
    }
    out
}

/// The documents of `lines`: one per phrase, its question the phrase and nothing else.
/// Slugs are `L{line}-{phrase index}`.
fn documents(lines: &[&Line]) -> Vec<(String, String)> {
    let mut docs = Vec::new();
    for line in lines {
        for (i, phrase) in line.phrases.iter().enumerate() {
            docs.push((format!("L{}-{i}", line.number), phrase.clone()));
        }
    }
    docs
}

/// The index files of `docs`, searched with `table`.
fn index(docs: &[(String, String)], table: &Table) -> HashMap<String, Vec<u8>> {
    let documents: Vec<Document<'_>> = docs
        .iter()
        .map(|(slug, phrase)| Document {
            slug,
            question: phrase,
            status: "under_review",
            topic: None,
            texts: vec![vec![phrase.as_str()], vec![], vec![], vec![], vec![]],
            source: None,
            body: None,
            excerpt: "",
        })
        .collect();
    build_index(&documents, &[] as &[TopicView], "/questions/", table)
        .expect("terms unpack")
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect()
}

/// How many of the query's words a document must match to count as found: all of them.
fn words_of(query: &str) -> usize {
    let mut seen: Vec<String> = Vec::new();
    for term in evident::search::text::terms(query) {
        if !seen.contains(&term) {
            seen.push(term);
        }
    }
    seen.len()
}

/// What is wrong with `line` when searched in `files`: one sentence per query that misses
/// a document it should find.
fn misses(line: &Line, files: &HashMap<String, Vec<u8>>, all: &[(String, String)]) -> Vec<String> {
    let mut searcher = Searcher::open("", |path| files.get(path).cloned()).expect("the index opens");
    let mut out = Vec::new();
    for (query, targets) in &line.queries {
        let results = searcher.search(query, usize::MAX);
        let needed = words_of(query);
        for target in targets {
            let index = line
                .phrases
                .iter()
                .position(|p| p == target)
                .expect("a phrase of the line");
            let slug = format!("L{}-{index}", line.number);
            let hit = results.hits.iter().find(|h| h.slug == slug);
            match hit {
                Some(hit) if hit.matched >= needed => {}
                Some(hit) => out.push(format!(
                    "line {}: `{}` finds the document saying only `{target}` through {} of its {needed} words \
                     ({:?}), not as a synonym",
                    line.number, query, hit.matched, hit.terms
                )),
                None => {
                    let top: Vec<&str> = results
                        .hits
                        .iter()
                        .take(3)
                        .filter_map(|h| all.iter().find(|(s, _)| *s == h.slug).map(|(_, p)| p.as_str()))
                        .collect();
                    out.push(format!(
                        "line {}: `{}` does not find the document saying only `{target}` (it finds {top:?})",
                        line.number, query
                    ))
                }
            }
        }
    }
    out
}

/// Phrases with nothing searchable in them (only stopwords and single letters): the
/// program drops them, so they can never match.
fn empty_phrases(lines: &[Line]) -> Vec<String> {
    let mut out = Vec::new();
    for line in lines {
        for phrase in &line.phrases {
            if key(phrase).is_empty() {
                out.push(format!(
                    "line {}: `{phrase}` has no searchable word in `{}`",
                    line.number, line.text
                ));
            }
        }
    }
    out
}

fn fail_with(problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{} dead synonym(s) in src/search/synonyms.txt:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_test_reads_the_table_as_the_program_does() {
    let table = Table::built_in();
    let lines = lines(TABLE);
    let groups = lines.iter().filter(|l| !l.text.contains("->")).count();
    assert_eq!(groups, table.groups.len(), "the program dropped or split a line");
    assert!(groups >= 250, "a few hundred groups, not {groups}");
    let arrows: std::collections::BTreeSet<String> = lines
        .iter()
        .filter(|l| l.text.contains("->"))
        .map(|l| key(&l.queries[0].0))
        .collect();
    assert_eq!(arrows, table.expand.keys().cloned().collect());
}

#[test]
fn every_phrase_of_the_built_in_table_has_a_searchable_word() {
    fail_with(&empty_phrases(&lines(TABLE)));
}

#[test]
fn every_built_in_synonym_finds_its_equivalents_among_all_the_others() {
    let lines = lines(TABLE);
    let all = documents(&lines.iter().collect::<Vec<_>>());
    let files = index(&all, &Table::built_in());
    let problems: Vec<String> = lines.iter().flat_map(|line| misses(line, &files, &all)).collect();
    fail_with(&problems);
}

#[test]
fn every_built_in_synonym_finds_its_equivalents_on_a_site_of_its_own() {
    let lines = lines(TABLE);
    let table = Table::built_in();
    let mut problems = Vec::new();
    for line in &lines {
        let own = documents(&[line]);
        problems.extend(misses(line, &index(&own, &table), &own));
    }
    fail_with(&problems);
}

/// The test itself: a table with a dead line of each kind is caught, and named by line.
#[test]
fn a_dead_line_is_named_with_its_line_number() {
    let broken = "kidney stone, nephrolithiasis\nthe, a\nscreening, checkup\n";
    let lines = lines(broken);
    let empty = empty_phrases(&lines);
    assert_eq!(empty.len(), 2, "{empty:?}");
    assert!(empty[0].starts_with("line 2: `the`"), "{empty:?}");
    // "screening" alone is a cue of the diagnosis type, which a cue of one word takes
    // before any synonym: typed, it asks for tests, never for "checkup".
    let table =
        evident::search::synonyms::parse_lines("kidney stone, nephrolithiasis\nscreening, checkup\n").expect("parses");
    let (good, bad) = (&lines[0], &lines[2]);
    let own = documents(&[good, bad]);
    let files = index(&own, &table);
    assert_eq!(misses(good, &files, &own), Vec::<String>::new());
    let found = misses(bad, &files, &own);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("line 3: `screening` does not find the document saying only `checkup`"),
        "{found:?}"
    );
}
