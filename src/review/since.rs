//! What a reviewer is shown before approving: the article as it is now against the text of
//! the last approval, read from the commit that approval recorded. In a git repository an
//! approval also records the commit holding the text it approves, and only text that is
//! committed can be approved there: otherwise `commit:` would name text nobody approved.

use super::edit::replace_review_block;
use crate::parse::front_matter::Review;
use crate::versions::git::Repo;
use anyhow::{Result, anyhow, bail};
use similar::TextDiff;
use std::path::Path;

/// Where the site's history is, for one article about to be approved.
pub struct History {
    repo: Repo,
    /// The commit HEAD points at.
    pub head: String,
}

impl History {
    /// The repository holding the site at its current commit; `None` outside a repository
    /// (or one without a commit yet), where approvals record no commit.
    pub fn discover(root: &Path) -> Result<Option<History>> {
        let Some(repo) = Repo::discover(root).map_err(|e| anyhow!("cannot read the site's git repository: {e}"))?
        else {
            return Ok(None);
        };
        let head = repo
            .resolve("HEAD")
            .map_err(|e| anyhow!("cannot read the site's git repository: {e}"))?;
        Ok(head.map(|(head, _)| History { repo, head }))
    }

    /// The text of `file` (relative to the site root) at `commit`; `None` when that commit
    /// does not hold the file.
    pub fn text_at(&self, commit: &str, file: &str) -> Result<Option<String>> {
        let files = self
            .repo
            .site_files(commit)
            .map_err(|e| anyhow!("cannot read commit {commit}: {e}"))?;
        let Some((_, blob)) = files.iter().find(|(path, _)| path == file) else {
            return Ok(None);
        };
        let mut text = None;
        self.repo
            .read_blobs(&[blob.as_str()], |_, bytes| {
                text = bytes.map(|b| String::from_utf8_lossy(&b).into_owned());
            })
            .map_err(|e| anyhow!("cannot read {file} at {commit}: {e}"))?;
        Ok(text)
    }

    /// Refuses to approve text that HEAD does not hold: the recorded commit must be where
    /// the approved words can be found again.
    pub fn require_committed(&self, file: &str, current: &str) -> Result<()> {
        let committed = self.text_at(&self.head, file)?;
        match committed {
            Some(committed) if without_review(&committed) == without_review(current) => Ok(()),
            Some(_) => bail!(
                "{file} has changes that are not committed; commit them first, so that the approval records the commit holding the text it approves (git commit {file})"
            ),
            None => bail!(
                "{file} is not in the current commit; commit it first, so that the approval records the commit holding the text it approves (git add {file} && git commit)"
            ),
        }
    }
}

/// The article without its `review:` block, which approving rewrites and which is not part
/// of what a reviewer reads.
fn without_review(text: &str) -> String {
    replace_review_block(text, &Review::default()).unwrap_or_else(|_| text.to_string())
}

/// The passages changed between the last approved text and `current`, as a unified diff of
/// what readers read of each (`readable`: question, answers, body blocks, references, a line
/// each; the source without its review block where a text does not parse), or a sentence
/// saying why there is nothing to compare with.
pub fn changes_since_approval(
    history: Option<&History>,
    review: &Review,
    file: &str,
    current: &str,
    readable: &dyn Fn(&str) -> Option<String>,
) -> Result<String> {
    let Some(commit) = review.commit.as_deref() else {
        return Ok(format!(
            "{file}: no earlier approval recorded a commit; read the whole article before approving\n"
        ));
    };
    let Some(history) = history else {
        return Ok(format!(
            "{file}: the last approval was of commit {commit}, but the site is not in a git repository here; read the whole article before approving\n"
        ));
    };
    let Some(approved) = history.text_at(commit, file)? else {
        return Ok(format!(
            "{file}: commit {commit} of the last approval does not hold this file; read the whole article before approving\n"
        ));
    };
    let (before, after) = match (readable(&approved), readable(current)) {
        (Some(before), Some(after)) => (before, after),
        _ => (without_review(&approved), without_review(current)),
    };
    if before == after {
        return Ok(format!("{file}: unchanged since the text approved at {commit}\n"));
    }
    let short = commit.get(..12).unwrap_or(commit);
    Ok(TextDiff::from_lines(&before, &after)
        .unified_diff()
        .context_radius(1)
        .header(&format!("{file} (approved at {short})"), &format!("{file} (now)"))
        .to_string())
}
