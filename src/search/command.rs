//! `evident search`: the browser's ranking over an index held in memory, for editors ("is
//! there already an answer to this?") and for relevance evaluation (`--queries`).

use super::SearchFile;
use super::query::{Hit, Results, Searcher};
use crate::pipeline::{BuildOptions, Report};
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// What was asked: one query, or the text of a `--queries` file.
pub enum Asked {
    One(String),
    File(String),
}

/// How one query's answer is printed (a `--queries` run always prints JSON lines).
#[derive(Clone, Copy)]
pub enum Style {
    Human,
    Json,
}

/// `evident search`: the findings of the site, and the text to print for each query; none
/// when a finding at error severity kept the index from being built. `Err` when the index
/// does not open.
pub fn answer(
    root: &Path,
    asked: &Asked,
    limit: usize,
    style: Style,
    drafts: bool,
) -> (Report, Result<Vec<String>, String>) {
    let options = BuildOptions {
        include_drafts: drafts,
        ..BuildOptions::default()
    };
    let (report, files) = crate::pipeline::search_index(root, &options);
    let Some(files) = files else {
        return (report, Ok(Vec::new()));
    };
    let engine = Engine::new(files);
    let queries: Vec<&str> = match asked {
        Asked::File(text) => queries_of(text),
        Asked::One(query) => vec![query.as_str()],
    };
    let mut lines = Vec::new();
    for query in queries {
        let results = match engine.search(query, limit) {
            Ok(results) => results,
            Err(error) => return (report, Err(format!("the search index does not open: {error}"))),
        };
        lines.push(match (asked, style) {
            (Asked::File(_), _) => json_line(query, &results),
            (Asked::One(_), Style::Json) => json(&results),
            (Asked::One(_), Style::Human) => human(query, &results),
        });
    }
    (report, Ok(lines))
}

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

/// The questions already on the site (drafts too) that search ranks closest to `question`,
/// as "question (file-less URL)" lines, at most `limit`: what `evident new` shows before an
/// editor writes an answer that may exist. Nothing when the site cannot be searched now
/// (its findings are `check`'s business, not `new`'s).
pub fn closest(root: &Path, question: &str, limit: usize) -> Vec<String> {
    let options = BuildOptions {
        include_drafts: true,
        ..BuildOptions::default()
    };
    let (_, files) = crate::pipeline::search_index(root, &options);
    let Some(files) = files else {
        return Vec::new();
    };
    match Engine::new(files).search(question, limit) {
        Ok(results) => results
            .hits
            .iter()
            .map(|hit| format!("{}  ({})", hit.question, hit.url))
            .collect(),
        Err(_) => Vec::new(),
    }
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
