//! Carrying out a workflow step on disk: find the article by slug, refuse what the workflow
//! or the article's own findings forbid, rewrite only its `review:` lines, and verify the
//! result reads back as intended before replacing the file.

use super::edit::replace_review_block;
use super::hash::{ChangedParts, ReviewSite};
use super::workflow::{Action, Subject, apply};
use super::{ReviewState, describe_parts};
use crate::check::check_article;
use crate::date::Date;
use crate::diagnostic::Severity;
use crate::load::{SourceFile, load_content};
use crate::parse::article::{Article, Sources, parse_article_in};
use crate::parse::parse_content;
use anyhow::{Context as _, Result, anyhow, bail};
use std::path::{Path, PathBuf};

pub struct Recorded {
    pub file: PathBuf,
    pub state: ReviewState,
}

pub fn record_action(root: &Path, slug: &str, action: &Action, today: Date) -> Result<Recorded> {
    let loaded = load_content(root);
    let parsed = parse_content(&loaded, &review_site(root)?);
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
    refuse_broken_article(article, &parsed.diagnostics, action)?;
    let source = loaded
        .articles
        .iter()
        .find(|s| s.rel_path == article.file)
        .ok_or_else(|| anyhow!("the source of {} was not loaded", article.file))?;

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
    let state = verify(source, &text, action, parsed.sources())?;
    let path = root.join(&article.file);
    write_replacing(&path, &text)?;
    Ok(Recorded { file: path, state })
}

/// The site an approval is bound to, as `evident.yaml` names it.
pub fn review_site(root: &Path) -> Result<ReviewSite> {
    let config = crate::config::load_config(root).map_err(|findings| {
        let first = findings
            .first()
            .map(|d| format!(": {}:{}:{} {}", d.file, d.line, d.column, d.message))
            .unwrap_or_default();
        anyhow!("cannot read the site configuration{first}; run `evident check` for hints")
    })?;
    Ok(ReviewSite::new(&config.base_url, root))
}

/// Approving text with errors would bind a reviewer's name to a page that cannot be built.
fn refuse_broken_article(
    article: &Article,
    parse_findings: &[crate::diagnostic::Diagnostic],
    action: &Action,
) -> Result<()> {
    if !matches!(action, Action::Approve { .. }) {
        return Ok(());
    }
    let own = parse_findings.iter().filter(|d| d.file == article.file).cloned();
    let errors: Vec<String> = own
        .chain(check_article(article))
        .filter(|d| d.severity == Severity::Error && d.code.as_str() != "review/incomplete")
        .map(|d| format!("  {}:{}:{} {} [{}]", d.file, d.line, d.column, d.message, d.code))
        .collect();
    if !errors.is_empty() {
        bail!(
            "{} has errors; fix them before approving (run `evident check` for hints):\n{}",
            article.file,
            errors.join("\n")
        );
    }
    Ok(())
}

/// Parses the edited text as the build will (with the shared bibliography, whose entries
/// are part of what was approved) and checks the step did what it says.
fn verify(source: &SourceFile, text: &str, action: &Action, sources: Sources<'_>) -> Result<ReviewState> {
    let edited = SourceFile {
        rel_path: source.rel_path.clone(),
        section: source.section.clone(),
        text: text.to_string(),
    };
    let parsed = parse_article_in(&edited, sources.bibliography, sources.site);
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

/// Replaces a file through a temporary sibling, so an interruption never leaves half a file.
fn write_replacing(path: &Path, text: &str) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.evident-{}", std::process::id()));
    std::fs::write(&temp, text).with_context(|| format!("cannot write {}", temp.display()))?;
    std::fs::rename(&temp, path).with_context(|| {
        let _ = std::fs::remove_file(&temp);
        format!("cannot replace {}", path.display())
    })
}

/// A one-line account of a stale approval, for the terminal queue.
pub fn describe_state(state: &ReviewState) -> String {
    match state {
        ReviewState::Draft => "draft".into(),
        ReviewState::Submitted => "submitted".into(),
        ReviewState::UnderReview => "under review".into(),
        ReviewState::Approved => "approved".into(),
        ReviewState::ChangedSinceApproval { changed } => match changed {
            ChangedParts::Named(parts) => format!("changed since approval ({})", describe_parts(parts)),
            ChangedParts::RecordAltered => "changed since approval (its recorded parts were altered)".into(),
            ChangedParts::EarlierVersion => "changed since approval (recorded by an earlier Evident)".into(),
        },
        ReviewState::IncompleteApproval => "approval incomplete".into(),
    }
}
