//! Carrying out a workflow step on disk: find the article by slug, refuse what the workflow
//! or the article's own findings forbid, rewrite only its `review:` lines, and verify the
//! result reads back as intended before replacing the file.

use super::ReviewState;
pub use super::describe_state;
use super::edit::replace_review_block;
use super::file::replace_if_unchanged;
use super::hash::ReviewSite;
use super::policy::Signatures;
use super::signature::{self, Statement};
use super::since::{History, changes_since_approval};
use super::trust::Trust;
use super::workflow::{Action, Identity, Subject, apply};
use crate::bibliography::Bibliography;
use crate::date::Date;
use crate::diagnostic::terminal::{Keep, escape};
use crate::diagnostic::{Diagnostic, Position, Severity};
use crate::load::SourceFile;
use crate::parse::article::{Article, Sources, parse_article};
use crate::parse::front_matter::Review;
use crate::pipeline::{BuildOptions, load_and_check};
use anyhow::{Result, anyhow, bail};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct Recorded {
    pub file: PathBuf,
    pub state: ReviewState,
}

/// Carries out `action` on the article `slug`. An approval first writes to `show` what changed
/// since the last approved text, so that the reviewer sees what they are signing.
pub fn record_action(
    root: &Path,
    slug: &str,
    action: &Action,
    key: Option<&Path>,
    today: Date,
    show: &mut dyn std::io::Write,
) -> Result<Recorded> {
    // The same load and checks as `evident check`, site-wide context (shared bibliography,
    // retraction list, severities from evident.yaml) included, so that `approve` can never
    // sign text that `check` rejects.
    let options = BuildOptions {
        as_of: Some(today),
        ..BuildOptions::default()
    };
    let checked = load_and_check(
        root,
        &options,
        &crate::progress::Silent,
        crate::parse::Output::FactsOnly,
    )
    .map_err(|report| {
        anyhow!(
            "evident.yaml has errors; fix them first (run `evident check`):\n{}",
            list(report.diagnostics.to_vec().iter())
        )
    })?;
    let (registry, _) = crate::people::load_people(root);
    let trust = Trust::new(&checked.config, Arc::new(registry), Some(today));
    let action = &resolve_identity(action, &trust)?;
    let parsed = &checked.parsed;
    let matches: Vec<&Article> = parsed.articles.iter().filter(|a| *a.slug == *slug).collect();
    let article = match matches.as_slice() {
        [one] => *one,
        [] => {
            let slugs = parsed.articles.iter().map(|a| a.slug.as_ref());
            let hint = crate::diagnostic::did_you_mean(slug, slugs)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            bail!("no article has the slug `{slug}`{hint}");
        }
        many => bail!(
            "the slug `{slug}` is used by {} files ({}); fix the duplicate first",
            many.len(),
            many.iter().map(|a| a.file.as_ref()).collect::<Vec<_>>().join(", ")
        ),
    };
    if matches!(action, Action::Approve { .. }) {
        refuse_errors(article, &checked.diagnostics.to_vec(), &parsed.bibliography)?;
    }
    let loaded = checked
        .loaded
        .articles
        .iter()
        .find(|s| *s.rel_path == *article.file)
        .ok_or_else(|| anyhow!("the source of {} was not loaded", article.file))?;
    // The text that was checked, read again: an edit saved since the load is refused here,
    // and one saved from now on by `replace_if_unchanged`.
    let text = loaded
        .read_again(root)
        .map_err(|d| anyhow!("{}: {}; nothing was written", article.file, d.message))?;
    let source = SourceFile {
        rel_path: article.file.to_string(),
        section: article.section.to_string(),
        text,
        bom: false,
    };

    let history = History::discover(root)?;
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
            commit: history.as_ref().map(|h| h.head.as_str()),
        },
    )
    .map_err(|message| anyhow!(message))?;
    if matches!(action, Action::Approve { .. }) {
        if let (Some(history), ReviewState::UnderReview) = (&history, &article.review_state) {
            history.require_committed(&article.file, &source.text)?;
        }
        let readable = |text: &str| {
            let file = SourceFile {
                rel_path: source.rel_path.clone(),
                section: source.section.clone(),
                text: text.to_string(),
                bom: false,
            };
            let parsed_text = parse_article(&file, parsed.sources(), crate::parse::Output::Html);
            parsed_text
                .article
                .as_ref()
                .and_then(crate::versions::reader_text::reader_text)
        };
        let changes = changes_since_approval(
            history.as_ref(),
            article.review(),
            &article.file,
            &source.text,
            &readable,
        )?;
        show.write_all(escape(&changes, Keep::LineBreaksAndTabs).as_bytes())
            .and_then(|()| show.flush())
            .map_err(|e| anyhow!("cannot show the changes since the last approval: {e}"))?;
    }
    let next = sign_approval(next, action, key, slug, &trust)?;
    let text = replace_review_block(&source.text, &next).map_err(|m| anyhow!("{}: {m}", article.file))?;
    let state = verify(&source, &text, action, parsed.sources(), &trust)?;
    let path = root.join(&*article.file);
    replace_if_unchanged(&path, &source.text, &text).map_err(|e| anyhow!("{}: {e}", article.file))?;
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

/// The record with the approving reviewer's own entry left out when it does not verify
/// (unsigned, or a signature that fails) while others' do: approving again replaces it,
/// rather than being refused as a second approval by the same person.
fn without_own_unverified_entry(article: &Article, action: &Action) -> Review {
    let mut review = article.review().clone();
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
        let keep = r.id.as_deref() != Some(id.as_str()) || article.approval().shown.contains(&index);
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

/// Approving text with errors would bind a reviewer's name to a page that cannot be built:
/// any error `check` reports in the article, or in a shared bibliography entry it cites
/// (whose fields are part of what is approved). The article's `review/` findings (an
/// incomplete, stale or unverified approval) are what approving fixes.
fn refuse_errors(article: &Article, findings: &[Diagnostic], bibliography: &Bibliography) -> Result<()> {
    let cited = cited_entry_spans(article, bibliography);
    let blocking: Vec<&Diagnostic> = findings
        .iter()
        .filter(|d| d.severity == Severity::Error && !d.code.as_str().starts_with("review/"))
        .filter(|d| *d.file == *article.file || cited.iter().any(|span| span.holds(d)))
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
fn verify(
    source: &SourceFile,
    text: &str,
    action: &Action,
    sources: Sources<'_>,
    trust: &Trust,
) -> Result<ReviewState> {
    let edited = SourceFile {
        rel_path: source.rel_path.clone(),
        section: source.section.clone(),
        text: text.to_string(),
        bom: false,
    };
    let parsed = parse_article(&edited, sources, crate::parse::Output::Html);
    let (Some(mut article), Some(spans)) = (parsed.article, parsed.spans) else {
        bail!("the edited {} no longer parses; nothing was written", source.rel_path);
    };
    // The signature just made must verify as `check` will verify it; an overdue review or
    // an optional signature left out is no reason to refuse.
    let judged: Vec<String> = crate::review::trust::judge(&mut article, &spans, trust)
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
    // Placeholder text is the editor's to replace and no effect of this step: submitting or
    // claiming such an article is allowed, approving it is refused before this point.
    let unexpected = parsed
        .diagnostics
        .iter()
        .any(|d| d.code != crate::diagnostic::Code::ContentPlaceholder);
    if !expected || unexpected {
        bail!(
            "the edited {} would not read back as intended ({:?}); nothing was written",
            source.rel_path,
            article.review_state
        );
    }
    Ok(article.review_state)
}
