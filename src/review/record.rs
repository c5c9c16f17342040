//! Carrying out a workflow step on disk: find the article by slug, refuse what the workflow
//! or the article's own findings forbid, rewrite only its `review:` lines, and verify the
//! result reads back as intended before replacing the file.

use super::edit::replace_review_block;
use super::file::replace_if_unchanged;
use super::workflow::{Action, Subject, apply};
use super::{ReviewState, describe_parts};
use crate::bibliography::Bibliography;
use crate::date::Date;
use crate::diagnostic::terminal::{Keep, escape};
use crate::diagnostic::{Code, Diagnostic, Position, Severity};
use crate::load::SourceFile;
use crate::parse::article::{Article, parse_article_in};
use crate::pipeline::{BuildOptions, load_and_check_facts};
use anyhow::{Result, anyhow, bail};
use std::path::{Path, PathBuf};

pub struct Recorded {
    pub file: PathBuf,
    pub state: ReviewState,
}

pub fn record_action(root: &Path, slug: &str, action: &Action, today: Date) -> Result<Recorded> {
    // The same load and checks as `evident check`, site-wide context (shared bibliography,
    // retraction list, severities from evident.yaml) included, so that `approve` can never
    // sign text that `check` rejects.
    let options = BuildOptions {
        as_of: Some(today),
        ..BuildOptions::default()
    };
    let checked = load_and_check_facts(root, &options).map_err(|report| {
        anyhow!(
            "evident.yaml has errors; fix them first (run `evident check`):\n{}",
            list(report.diagnostics.iter())
        )
    })?;
    let parsed = &checked.parsed;
    let matches: Vec<&Article> = parsed.articles.iter().filter(|a| a.slug == slug).collect();
    let article = match matches.as_slice() {
        [one] => *one,
        [] => {
            let slugs = parsed.articles.iter().map(|a| a.slug.as_str());
            let hint = crate::diagnostic::did_you_mean(slug, slugs)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            bail!("no article has the slug `{slug}`{hint}");
        }
        many => bail!(
            "the slug `{slug}` is used by {} files ({}); fix the duplicate first",
            many.len(),
            many.iter().map(|a| a.file.as_str()).collect::<Vec<_>>().join(", ")
        ),
    };
    if matches!(action, Action::Approve { .. }) {
        refuse_errors(article, &checked.diagnostics, &parsed.bibliography)?;
    }
    let loaded = checked
        .loaded
        .articles
        .iter()
        .find(|s| s.rel_path == article.file)
        .ok_or_else(|| anyhow!("the source of {} was not loaded", article.file))?;
    // The text that was checked, read again: an edit saved since the load is refused here,
    // and one saved from now on by `replace_if_unchanged`.
    let text = loaded
        .read_again(root)
        .map_err(|d| anyhow!("{}: {}; nothing was written", article.file, d.message))?;
    let source = SourceFile {
        rel_path: article.file.clone(),
        section: article.section.clone(),
        text,
    };

    let next = apply(
        action,
        &Subject {
            slug,
            review: &article.review,
            state: &article.review_state,
            fingerprint: &article.fingerprint,
            updated: article.updated,
            today,
        },
    )
    .map_err(|message| anyhow!(message))?;
    let text = replace_review_block(&source.text, &next).map_err(|m| anyhow!("{}: {m}", article.file))?;
    let state = verify(&source, &text, action, &parsed.bibliography)?;
    let path = root.join(&article.file);
    replace_if_unchanged(&path, &source.text, &text).map_err(|e| anyhow!("{}: {e}", article.file))?;
    Ok(Recorded { file: path, state })
}

/// Approving text with errors would bind a reviewer's name to a page that cannot be built:
/// any error `check` reports in the article, or in a shared bibliography entry it cites
/// (whose fields are part of what is approved). `review/incomplete` is what approving fixes.
fn refuse_errors(article: &Article, findings: &[Diagnostic], bibliography: &Bibliography) -> Result<()> {
    let cited = cited_entry_spans(article, bibliography);
    let blocking: Vec<&Diagnostic> = findings
        .iter()
        .filter(|d| d.severity == Severity::Error && d.code != Code::ReviewIncomplete)
        .filter(|d| d.file == article.file || cited.iter().any(|span| span.holds(d)))
        .collect();
    if !blocking.is_empty() {
        bail!(
            "{} has errors; fix them before approving (run `evident check` for hints):\n{}",
            article.file,
            list(blocking.into_iter())
        );
    }
    Ok(())
}

/// Where a cited shared entry is written: from its first line to the next entry of its file.
struct EntrySpan<'a> {
    file: &'a str,
    from: Position,
    until: Option<Position>,
}

impl EntrySpan<'_> {
    fn holds(&self, d: &Diagnostic) -> bool {
        d.file == self.file && d.position() >= self.from && self.until.is_none_or(|until| d.position() < until)
    }
}

fn cited_entry_spans<'a>(article: &Article, bibliography: &'a Bibliography) -> Vec<EntrySpan<'a>> {
    article
        .citations
        .shared
        .iter()
        .filter_map(|&index| bibliography.get(index))
        .map(|entry| EntrySpan {
            file: &entry.file,
            from: entry.at,
            until: bibliography
                .entries
                .iter()
                .filter(|other| other.file == entry.file && other.at > entry.at)
                .map(|other| other.at)
                .min(),
        })
        .collect()
}

/// Findings as lines of an error message, escaped: they quote the content.
fn list<'d>(findings: impl Iterator<Item = &'d Diagnostic>) -> String {
    findings
        .map(|d| {
            let line = format!("  {}:{}:{} {} [{}]", d.file, d.line, d.column, d.message, d.code);
            escape(&line, Keep::Nothing).into_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parses the edited text as the build will (with the shared bibliography, whose entries
/// are part of what was approved) and checks the step did what it says.
fn verify(source: &SourceFile, text: &str, action: &Action, bibliography: &Bibliography) -> Result<ReviewState> {
    let edited = SourceFile {
        rel_path: source.rel_path.clone(),
        section: source.section.clone(),
        text: text.to_string(),
    };
    let parsed = parse_article_in(&edited, bibliography);
    let article = parsed
        .article
        .ok_or_else(|| anyhow!("the edited {} no longer parses; nothing was written", source.rel_path))?;
    let expected = match action {
        Action::Submit => matches!(article.review_state, ReviewState::Submitted),
        Action::Claim { .. } => matches!(article.review_state, ReviewState::UnderReview),
        Action::Approve { .. } => matches!(article.review_state, ReviewState::Approved),
    };
    if !expected || !parsed.diagnostics.is_empty() {
        bail!(
            "the edited {} would not read back as intended ({:?}); nothing was written",
            source.rel_path,
            article.review_state
        );
    }
    Ok(article.review_state)
}

/// A one-line account of a stale approval, for the terminal queue.
pub fn describe_state(state: &ReviewState) -> String {
    match state {
        ReviewState::Draft => "draft".into(),
        ReviewState::Submitted => "submitted".into(),
        ReviewState::UnderReview => "under review".into(),
        ReviewState::Approved => "approved".into(),
        ReviewState::ChangedSinceApproval { changed } => {
            format!("changed since approval ({})", describe_parts(changed))
        }
        ReviewState::IncompleteApproval => "approval incomplete".into(),
    }
}
