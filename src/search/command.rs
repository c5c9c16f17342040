//! `evident search`'s engine and output: the browser's ranking over an index held in
//! memory, printed for editors or as JSON lines for evaluation. `commands::search` runs it
//! on a site.

use super::SearchFile;
use super::query::{Hit, Results, Searcher};
use serde::Serialize;
use std::collections::HashMap;

/// Answers queries over the files of one index, as the browser would read them.
pub struct Engine {
    files: HashMap<String, Vec<u8>>,
}

impl Engine {
    pub fn new(files: Vec<SearchFile>) -> Engine {
        Engine {
            files: files.into_iter().map(|f| (f.path, f.bytes)).collect(),
        }
    }

    /// The best `limit` results for `query`; an index that does not open gives none.
    pub fn search(&self, query: &str, limit: usize) -> Result<Results, String> {
        // A fresh searcher per query, as a reader's first query in a new page: what it
        // loads is what that query costs.
        let mut searcher = Searcher::open("", |path| self.files.get(path).cloned())?;
        Ok(searcher.search(query, limit))
    }
}

#[derive(Serialize)]
struct ResultRow<'a> {
    slug: &'a str,
    question: &'a str,
    url: &'a str,
    score: f64,
    matched: &'a [String],
}

fn rows(hits: &[Hit]) -> Vec<ResultRow<'_>> {
    hits.iter()
        .map(|h| ResultRow {
            slug: &h.slug,
            question: &h.question,
            url: &h.url,
            // Rounded so that the JSON is the same on every platform and easy to read.
            score: (h.score * 1e6).round() / 1e6,
            matched: &h.terms,
        })
        .collect()
}

/// `{"results": [...]}` for one query.
pub fn json(results: &Results) -> String {
    #[derive(Serialize)]
    struct One<'a> {
        results: Vec<ResultRow<'a>>,
    }
    serde_json::to_string(&One {
        results: rows(&results.hits),
    })
    .unwrap_or_default()
}

/// `{"query": ..., "results": [...]}`: one line of a `--queries` run.
pub fn json_line(query: &str, results: &Results) -> String {
    #[derive(Serialize)]
    struct Line<'a> {
        query: &'a str,
        results: Vec<ResultRow<'a>>,
    }
    serde_json::to_string(&Line {
        query,
        results: rows(&results.hits),
    })
    .unwrap_or_default()
}

/// The results as a person reads them in a terminal.
pub fn human(query: &str, results: &Results) -> String {
    let mut out = String::new();
    for c in &results.corrections {
        out.push_str(&format!("(read \"{}\" as \"{}\")\n", c.typed, c.read_as));
    }
    if results.hits.is_empty() {
        out.push_str(&format!("no published question matches \"{query}\"\n"));
        return out;
    }
    for (rank, hit) in results.hits.iter().enumerate() {
        out.push_str(&format!(
            "{:>2}. {}\n    {}  score {:.2}  matched: {}\n",
            rank + 1,
            hit.question,
            hit.url,
            hit.score,
            hit.terms.join(", ")
        ));
    }
    out
}

/// The queries of a `--queries` file: one a line, blank lines and `#` comments skipped.
pub fn queries_of(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_files_skip_blank_lines_and_comments() {
        assert_eq!(
            queries_of("# lay words\nheart attack\n\n  water pills  \n"),
            ["heart attack", "water pills"]
        );
    }
}
