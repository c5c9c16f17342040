//! An article's review state: what a reader may be told about review, derived from the
//! one review record and the fingerprint of the text it approved. Parsing computes it, so
//! it sits in the parse layer, below the review checks.

use super::hash::{ChangedParts, Fingerprint, changed_parts};
use crate::parse::front_matter::{Review, ReviewStatus};

/// Where an article really stands, once its approval has been checked against its text.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ReviewState {
    Draft,
    Submitted,
    UnderReview,
    /// Approved, with a complete record whose hash matches the current text.
    Approved,
    /// Approved once, but the text changed since; `changed` names the parts, when the
    /// record can tell.
    ChangedSinceApproval {
        changed: ChangedParts,
    },
    /// Marked approved without a reviewer, a date or a hash: nothing was verifiably approved.
    IncompleteApproval,
    /// Matches its text, but no reviewer's approval is verified (unsigned where signatures
    /// are required, a signature that fails, or an unregistered reviewer).
    UnverifiedApproval,
}

impl ReviewState {
    /// Only this state lets a page say it was reviewed.
    pub fn is_reviewed(&self) -> bool {
        matches!(self, ReviewState::Approved)
    }

    /// The status readers see: an approval that no longer holds is back under review.
    pub fn shown_status(&self) -> ReviewStatus {
        match self {
            ReviewState::Draft => ReviewStatus::Draft,
            ReviewState::Submitted => ReviewStatus::Submitted,
            ReviewState::UnderReview
            | ReviewState::ChangedSinceApproval { .. }
            | ReviewState::IncompleteApproval
            | ReviewState::UnverifiedApproval => ReviewStatus::UnderReview,
            ReviewState::Approved => ReviewStatus::Approved,
        }
    }

    pub fn is_stale(&self) -> bool {
        matches!(self, ReviewState::ChangedSinceApproval { .. })
    }
}

/// Judges a review record against the article's current fingerprint.
pub fn review_state(review: &Review, current: &Fingerprint) -> ReviewState {
    match review.status {
        ReviewStatus::Draft => ReviewState::Draft,
        ReviewStatus::Submitted => ReviewState::Submitted,
        ReviewStatus::UnderReview => ReviewState::UnderReview,
        ReviewStatus::Approved => {
            let complete = !review.reviewers.is_empty() && review.reviewers.iter().all(|r| r.date.is_some());
            match &review.approved_hash {
                _ if !complete => ReviewState::IncompleteApproval,
                None => ReviewState::IncompleteApproval,
                Some(hash) if current.is(hash) => ReviewState::Approved,
                Some(hash) => ReviewState::ChangedSinceApproval {
                    changed: changed_parts(hash, review.approved_parts.as_ref(), current),
                },
            }
        }
    }
}

/// "the body and the references": how findings and pages name what changed.
pub fn describe_parts(parts: &[&str]) -> String {
    let names: Vec<String> = parts.iter().map(|p| p.replace('_', " ")).collect();
    match names.as_slice() {
        [] => "the text".to_string(),
        [one] => format!("the {one}"),
        [init @ .., last] => format!("the {} and the {last}", init.join(", the ")),
    }
}

/// A review state in a few words, as the queue and findings show it.
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
        ReviewState::UnverifiedApproval => "approved, but no approval is verified".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_changed_parts_in_prose() {
        assert_eq!(describe_parts(&[]), "the text");
        assert_eq!(describe_parts(&["body"]), "the body");
        assert_eq!(
            describe_parts(&["answer", "plain_answer", "body"]),
            "the answer, the plain answer and the body"
        );
    }
}
