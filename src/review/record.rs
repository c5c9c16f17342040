//! Carrying out a workflow step on disk: find the article by slug, refuse what the workflow
//! or the article's own findings forbid, rewrite only its `review:` lines, and verify the
//! result reads back as intended before replacing the file.

use super::edit::replace_review_block;
use super::policy::Signatures;
use super::signature::{self, Statement};
use super::trust::Trust;
use super::workflow::{Action, Identity, Subject, apply};
use super::{ReviewState, describe_parts};
use crate::bibliography::Bibliography;
use crate::check::check_article;
use crate::date::Date;
use crate::diagnostic::Severity;
use crate::load::{SourceFile, load_content};
use crate::parse::article::{Article, parse_article_in};
use crate::parse::front_matter::Review;
use crate::parse::parse_content;
use anyhow::{Context as _, Result, anyhow, bail};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct Recorded {
    pub file: PathBuf,
    pub state: ReviewState,
}

pub fn record_action(root: &Path, slug: &str, action: &Action, key: Option<&Path>, today: Date) -> Result<Recorded> {
    let config = crate::config::load_config(root).map_err(|problems| {
        let lines: Vec<String> = problems
            .iter()
            .map(|d| format!("  {}:{}:{} {}", d.file, d.line, d.column, d.message))
            .collect();
        anyhow!("evident.yaml cannot be read; fix it first:\n{}", lines.join("\n"))
    })?;
    let (registry, _) = crate::people::load_people(root);
    let trust = Trust::new(&config, Arc::new(registry), Some(today));
    let action = &resolve_identity(action, &trust)?;
    let loaded = load_content(root);
    let mut parsed = parse_content(&loaded);
    parsed.establish_trust(trust.clone(), Vec::new());
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

    let review = without_own_unverified_entry(article, action);
    let next = apply(
        action,
        &Subject {
            slug,
            review: &review,
            state: &article.review_state,
            fingerprint: &article.fingerprint,
            updated: article.updated,
            today,
        },
    )
    .map_err(|message| anyhow!(message))?;
    let next = sign_approval(next, action, key, slug, &trust)?;
    let text = replace_review_block(&source.text, &next).map_err(|m| anyhow!("{}: {m}", article.file))?;
    let state = verify(source, &text, action, &parsed.bibliography, &trust)?;
    let path = root.join(&article.file);
    write_replacing(&path, &text)?;
    Ok(Recorded { file: path, state })
}

/// The record with the approving reviewer's own entry left out when it does not verify
/// (unsigned, or a signature that fails) while others' do: approving again replaces it,
/// rather than being refused as a second approval by the same person.
fn without_own_unverified_entry(article: &Article, action: &Action) -> Review {
    let mut review = article.review.clone();
    let Action::Approve {
        reviewer: Identity::Id(id),
        ..
    } = action
    else {
        return review;
    };
    if !article.review_state.is_reviewed() {
        return review;
    }
    let mut index = 0;
    review.reviewers.retain(|r| {
        let keep = r.id.as_deref() != Some(id.as_str()) || article.approval.shown.contains(&index);
        index += 1;
        keep
    });
    review
}

/// The `--reviewer` given: a registered id; a written name only where signatures are off.
fn resolve_identity(action: &Action, trust: &Trust) -> Result<Action> {
    let resolve = |who: &Identity| -> Result<Identity> {
        let text = match who {
            Identity::Id(text) | Identity::Name(text) => text.trim(),
        };
        if trust.registry.get(text).is_some() {
            return Ok(Identity::Id(text.to_string()));
        }
        if trust.signatures == Signatures::Off && !crate::check::is_valid_slug(text) {
            return Ok(Identity::Name(text.to_string()));
        }
        bail!(
            "no one with the id `{text}` is registered in people/ ({})",
            trust.registry.hint_for(text)
        )
    };
    Ok(match action {
        Action::Submit => Action::Submit,
        Action::Claim { reviewer } => Action::Claim {
            reviewer: resolve(reviewer)?,
        },
        Action::Approve { reviewer, role, date } => Action::Approve {
            reviewer: resolve(reviewer)?,
            role: role.clone(),
            date: *date,
        },
    })
}

/// Signs the new approval with `key` when there is one; refuses a key that is not the
/// reviewer's (or not valid on the approval date), and an unsigned approval where
/// signatures are required.
fn sign_approval(mut next: Review, action: &Action, key: Option<&Path>, slug: &str, trust: &Trust) -> Result<Review> {
    let Action::Approve { reviewer, role, date } = action else {
        return Ok(next);
    };
    let Some(key) = key else {
        if trust.signatures == Signatures::Required {
            bail!(
                "this site requires signed approvals (review.signatures: required): pass --key with the reviewer's SSH key, e.g. --key ~/.ssh/id_ed25519"
            );
        }
        return Ok(next);
    };
    let Identity::Id(id) = reviewer else {
        bail!("only a person registered in people/ can sign an approval");
    };
    let person = trust
        .registry
        .get(id)
        .ok_or_else(|| anyhow!("no one with the id `{id}` is registered in people/"))?;
    let public = signature::public_key_of(key).map_err(|m| anyhow!(m))?;
    let registered = person
        .keys
        .iter()
        .find(|k| k.key.key_data() == public.key_data())
        .ok_or_else(|| {
            let owner = trust
                .registry
                .owner_of(public.key_data())
                .map(|(other, _)| format!(" (it is registered for {})", other.id))
                .unwrap_or_default();
            anyhow!(
                "{} is not one of {id}'s registered keys{owner}; nothing was written. Add its public key to {} under `keys:` first",
                key.display(),
                person.file
            )
        })?;
    if let Some(why) = registered.invalid_on(*date) {
        bail!(
            "{} cannot sign an approval dated {date}: {why}; nothing was written",
            key.display()
        );
    }
    let hash = next
        .approved_hash
        .clone()
        .ok_or_else(|| anyhow!("the approval has no hash to sign"))?;
    let statement = Statement {
        site: &trust.site,
        slug,
        approved_hash: &hash,
        reviewer: id,
        role: role.as_deref(),
        date: *date,
    };
    let signed = signature::sign(key, &statement).map_err(|m| anyhow!(m))?;
    let entry = next
        .reviewers
        .iter_mut()
        .rev()
        .find(|r| r.id.as_deref() == Some(id.as_str()))
        .ok_or_else(|| anyhow!("the approval does not name {id}"))?;
    entry.signature = Some(signed);
    Ok(next)
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
        .filter(|d| {
            d.severity == Severity::Error
                && !d.code.as_str().starts_with("review/")
                && !d.code.as_str().starts_with("people/")
        })
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
fn verify(
    source: &SourceFile,
    text: &str,
    action: &Action,
    bibliography: &Bibliography,
    trust: &Trust,
) -> Result<ReviewState> {
    let edited = SourceFile {
        rel_path: source.rel_path.clone(),
        section: source.section.clone(),
        text: text.to_string(),
    };
    let parsed = parse_article_in(&edited, bibliography);
    let mut article = parsed
        .article
        .ok_or_else(|| anyhow!("the edited {} no longer parses; nothing was written", source.rel_path))?;
    // The signature just made must verify as `check` will verify it; an overdue review or
    // an optional signature left out is no reason to refuse.
    let judged: Vec<String> = crate::review::trust::judge(&mut article, trust)
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.message)
        .collect();
    if let Some(problem) = judged.first() {
        bail!("the approval would not verify ({problem}); nothing was written");
    }
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
        ReviewState::ChangedSinceApproval { changed } => {
            format!("changed since approval ({})", describe_parts(changed))
        }
        ReviewState::IncompleteApproval => "approval incomplete".into(),
        ReviewState::UnverifiedApproval => "approved, but no approval is verified".into(),
    }
}
