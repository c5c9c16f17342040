//! What the commands compute beyond a pipeline run: the review queue, the audit, an import,
//! the one-line build summary. The binary only parses flags and prints what these return,
//! so that every command's result can be tested without a terminal.

use crate::date::Date;
use crate::parse::Output;
use crate::pipeline::{self, BuildOptions, Outcome, Report};
use crate::progress::Silent;
use crate::review::queue::{overdue_reviews, review_queue};
use crate::review::record::describe_state;
use crate::review::root::{ENV_VAR, Source};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The trust root: `--trusted-keys FILE`, else the keys in `EVIDENT_TRUSTED_KEYS` (set
/// from a CI's protected settings), else none.
pub fn trust_root(flag: Option<PathBuf>, environment: Option<String>) -> Option<Source> {
    flag.map(Source::File).or_else(|| {
        environment
            .filter(|keys| !keys.trim().is_empty())
            .map(Source::Environment)
    })
}

/// `trust_root` with the environment variable read from this process.
pub fn trust_root_from_env(flag: Option<PathBuf>) -> Option<Source> {
    trust_root(flag, std::env::var(ENV_VAR).ok())
}

/// What awaits review, as `evident review` shows it. Fields are in name order, the order
/// `--format json` has always printed them in.
#[derive(Debug, Serialize)]
pub struct ReviewQueue {
    pub overdue: Vec<Overdue>,
    pub queue: Vec<Waiting>,
}

#[derive(Debug, Serialize)]
pub struct Waiting {
    pub age_days: Option<i64>,
    pub changed: Vec<&'static str>,
    pub file: String,
    #[serde(skip)]
    pub question: String,
    pub reviewer: Option<String>,
    pub since: Option<String>,
    pub slug: String,
    pub state: String,
}

#[derive(Debug, Serialize)]
pub struct Overdue {
    pub due: Option<String>,
    pub file: String,
    #[serde(skip)]
    pub question: String,
    pub slug: String,
}

/// The review queue of the site at `root`, judged as `check` judges it (an unverified
/// approval awaits review; overdue approvals are their own group), ages counted to `today`.
pub fn review_queue_of(root: &Path, today: Date) -> Result<ReviewQueue, Report> {
    // Facts only: the queue shows no page.
    let checked = pipeline::load_and_check(root, &BuildOptions::default(), &Silent, Output::FactsOnly)?;
    let articles = &checked.parsed.articles;
    let queue = review_queue(articles)
        .iter()
        .map(|entry| Waiting {
            slug: entry.article.slug.to_string(),
            question: entry.article.question.to_string(),
            file: entry.article.file.to_string(),
            state: describe_state(entry.state()),
            since: entry.since.map(|d| d.to_string()),
            age_days: entry.since.map(|d| today.days_since_epoch() - d.days_since_epoch()),
            reviewer: entry.reviewer.map(str::to_string),
            changed: entry.changed().to_vec(),
        })
        .collect();
    let overdue = overdue_reviews(articles)
        .iter()
        .map(|article| Overdue {
            slug: article.slug.to_string(),
            question: article.question.to_string(),
            file: article.file.to_string(),
            due: article.approval().next_due.map(|d| d.to_string()),
        })
        .collect();
    Ok(ReviewQueue { overdue, queue })
}

impl ReviewQueue {
    /// The queue as the terminal shows it.
    pub fn human(&self) -> String {
        let mut out = String::new();
        if self.queue.is_empty() {
            out.push_str("Nothing awaits review.\n");
        } else {
            let _ = writeln!(
                out,
                "{} awaiting review, changed approvals first, then oldest first:\n",
                self.queue.len()
            );
            for entry in &self.queue {
                let days = entry.age_days.map_or("?".to_string(), |d| d.to_string());
                let _ = writeln!(out, "{}  ({})", entry.slug, entry.state);
                let _ = writeln!(out, "    {}", entry.question);
                let _ = writeln!(
                    out,
                    "    waiting {days} days since {} · reviewer: {} · {}\n",
                    entry.since.as_deref().unwrap_or("an unknown date"),
                    entry.reviewer.as_deref().unwrap_or("unassigned"),
                    entry.file
                );
            }
        }
        if !self.overdue.is_empty() {
            let _ = writeln!(
                out,
                "{} overdue for review, longest overdue first:\n",
                self.overdue.len()
            );
            for article in &self.overdue {
                let _ = writeln!(
                    out,
                    "{}  (review due {})",
                    article.slug,
                    article.due.as_deref().unwrap_or("?")
                );
                let _ = writeln!(out, "    {}", article.question);
                let _ = writeln!(out, "    {}\n", article.file);
            }
        }
        out
    }
}

/// `evident audit`: each article against the health-information criteria, with dates
/// judged as of `as_of` (today when absent).
pub fn audit(root: &Path, as_of: Option<Date>) -> Result<crate::standards::audit::Audit, Report> {
    let options = BuildOptions {
        as_of,
        ..BuildOptions::default()
    };
    let checked = pipeline::load_and_check(root, &options, &Silent, Output::FactsOnly)?;
    let registry = checked.parsed.people();
    Ok(crate::standards::audit::audit(&crate::standards::audit::AuditInput {
        articles: &checked.parsed.articles,
        diagnostics: &checked.diagnostics.to_vec(),
        registry: &registry,
        config: &checked.config,
    }))
}

/// An imported file: the YAML to print, and its text for quoting the lines findings name.
pub struct ImportedFile {
    pub imported: crate::import::Imported,
    pub text: String,
}

impl ImportedFile {
    pub fn failed(&self) -> bool {
        self.imported
            .diagnostics
            .iter()
            .any(|d| d.severity == crate::diagnostic::Severity::Error)
    }
}

/// `evident import FILE`; `Err` for a file that cannot be read or whose format is unknown.
pub fn import_file(file: &Path) -> anyhow::Result<ImportedFile> {
    let bytes = std::fs::read(file).map_err(|error| anyhow::anyhow!("cannot read {}: {error}", file.display()))?;
    let name = file.display().to_string();
    let imported =
        crate::import::import_bytes(&name, &bytes).map_err(|error| anyhow::anyhow!("cannot import {name}: {error}"))?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    Ok(ImportedFile { imported, text })
}

/// "20 files written", or when some were the last build's "20 files, 2 written and 18
/// unchanged": an editor who changed one article sees that one build touched little.
fn files_published(stats: &pipeline::Stats) -> String {
    let files = count(stats.files_written, "file", "files");
    match files_unchanged(stats) {
        None => format!("{files} written"),
        Some(unchanged) => format!("{files}, {unchanged}"),
    }
}

/// "2 written and 18 unchanged", when the build took any file over from the last one.
pub fn files_unchanged(stats: &pipeline::Stats) -> Option<String> {
    let unchanged = stats.files_unchanged;
    (unchanged > 0).then(|| {
        format!(
            "{} written and {unchanged} unchanged",
            stats.files_written.saturating_sub(unchanged)
        )
    })
}

/// The one line a build always ends with: articles, files written, findings, time.
pub fn build_summary(report: &Report, elapsed: Duration) -> String {
    let findings = findings_summary(&report.diagnostics);
    match report.outcome {
        Outcome::Clean if report.up_to_date => format!(
            "up to date: {} as the last build wrote them, {findings}, in {elapsed:.2?} (.evident/cache/; --no-cache builds anyway)",
            count(report.stats.articles, "article", "articles"),
        ),
        Outcome::Clean => format!(
            "built {}: {}, {findings}, in {:.2?}",
            count(report.stats.articles, "article", "articles"),
            files_published(&report.stats),
            elapsed
        ),
        _ => match report.previous_output.as_deref() {
            None => format!("nothing was published ({findings}, {elapsed:.2?}): the previous output is unchanged"),
            Some(pipeline::PreviousOutput::MovedTo(aside)) => format!(
                "nothing was published ({findings}, {elapsed:.2?}): the previous output is at {} and the next build puts it back",
                aside.display()
            ),
            Some(pipeline::PreviousOutput::PartlyPublished(journal)) => format!(
                "publishing was cut short ({findings}, {elapsed:.2?}): the output is partly updated, and the next build finishes it from {}",
                journal.display()
            ),
        },
    }
}

fn findings_summary(diagnostics: &crate::diagnostic::Findings) -> String {
    let summary = diagnostics.summary();
    match (summary.errors, summary.warnings) {
        (0, 0) => "no findings".to_string(),
        (0, w) => count(w, "warning", "warnings"),
        (e, w) => format!("{}, {}", count(e, "error", "errors"), count(w, "warning", "warnings")),
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_wins_over_the_environment_and_blank_keys_are_none() {
        let file = PathBuf::from("keys.txt");
        assert_eq!(
            trust_root(Some(file.clone()), Some("ssh-ed25519 AAAA".into())),
            Some(Source::File(file))
        );
        assert_eq!(
            trust_root(None, Some("ssh-ed25519 AAAA".into())),
            Some(Source::Environment("ssh-ed25519 AAAA".into()))
        );
        assert_eq!(trust_root(None, Some("  \n".into())), None);
        assert_eq!(trust_root(None, None), None);
    }

    #[test]
    fn a_summary_counts_in_words() {
        let report = Report {
            outcome: Outcome::Clean,
            diagnostics: Default::default(),
            sources: Default::default(),
            stats: pipeline::Stats {
                articles: 1,
                pages: 0,
                files_written: 2,
                files_unchanged: 0,
            },
            previous_output: None,
            up_to_date: false,
        };
        let line = build_summary(&report, Duration::from_millis(5));
        assert!(
            line.starts_with("built 1 article: 2 files written, no findings, in "),
            "{line}"
        );
        let mut taken_over = Report { ..report };
        taken_over.stats.files_unchanged = 1;
        let line = build_summary(&taken_over, Duration::from_millis(5));
        assert!(
            line.starts_with("built 1 article: 2 files, 1 written and 1 unchanged, no findings, in "),
            "{line}"
        );
        let cached = Report {
            up_to_date: true,
            ..taken_over
        };
        let line = build_summary(&cached, Duration::from_millis(5));
        assert!(
            line.starts_with("up to date: 1 article as the last build wrote them, no findings, in "),
            "{line}"
        );
        // A failed build says whether the output is as it was or half published.
        let failed = Report {
            outcome: Outcome::Misconfigured,
            up_to_date: false,
            ..cached
        };
        let line = build_summary(&failed, Duration::from_millis(5));
        assert!(line.ends_with("the previous output is unchanged"), "{line}");
        let cut = Report {
            previous_output: Some(Box::new(pipeline::PreviousOutput::PartlyPublished(PathBuf::from(
                "/site/.public.staging-7",
            )))),
            ..failed
        };
        let line = build_summary(&cut, Duration::from_millis(5));
        assert!(
            line.starts_with("publishing was cut short")
                && line.ends_with("the next build finishes it from /site/.public.staging-7"),
            "{line}"
        );
    }
}

// ---- `evident search` and `evident new`'s closest questions

use crate::search::command::{Engine, human, json, json_line, queries_of};

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
pub fn search(
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
