//! The review queue: what awaits a reviewer, stale approvals first, then oldest first —
//! whatever the status, so that a text submitted in March comes before one claimed in
//! September.

use super::ReviewState;
use crate::date::Date;
use crate::parse::article::Article;

pub struct QueueEntry<'a> {
    pub article: &'a Article,
    /// Since when the current text has waited: its submission (`review.submitted`); for a
    /// stale approval or a record without that date, its last update.
    pub since: Option<Date>,
    pub reviewer: Option<&'a str>,
}

impl QueueEntry<'_> {
    pub fn state(&self) -> &ReviewState {
        &self.article.review_state
    }

    pub fn changed(&self) -> &[&'static str] {
        match self.state() {
            ReviewState::ChangedSinceApproval { changed } => changed.named(),
            _ => &[],
        }
    }
}

/// Whether `article` is in the review queue. Drafts are the author's and are not.
pub fn awaits_review(article: &Article) -> bool {
    !matches!(article.review_state, ReviewState::Draft | ReviewState::Approved)
}

/// Every article that awaits review (`awaits_review`), the most urgent first.
pub fn review_queue<'a>(articles: impl IntoIterator<Item = &'a Article>) -> Vec<QueueEntry<'a>> {
    let mut entries: Vec<QueueEntry<'a>> = articles
        .into_iter()
        .filter(|a| awaits_review(a))
        .map(|article| QueueEntry {
            article,
            since: article
                .review()
                .submitted
                .filter(|_| !article.review_state.is_stale())
                .or(article.updated),
            reviewer: match article.review_state {
                ReviewState::UnderReview => article.review().reviewers.first().map(|r| r.label()),
                _ => None,
            },
        })
        .collect();
    entries.sort_by(|a, b| {
        urgency(a.state())
            .cmp(&urgency(b.state()))
            .then(a.since.cmp(&b.since))
            .then_with(|| a.article.slug.cmp(&b.article.slug))
    });
    entries
}

/// Approved articles whose review has fallen due, the longest overdue first: their pages
/// still name the reviewer but say the review is overdue.
pub fn overdue_reviews<'a>(articles: impl IntoIterator<Item = &'a Article>) -> Vec<&'a Article> {
    let mut overdue: Vec<&Article> = articles.into_iter().filter(|a| is_overdue(a)).collect();
    overdue.sort_by(|a, b| longest_overdue_first(a, b));
    overdue
}

/// Whether `article` is among the overdue reviews: an approval that holds and whose review
/// has fallen due.
pub fn is_overdue(article: &Article) -> bool {
    article.review_state.is_reviewed() && article.approval().overdue
}

/// The order of the overdue reviews: the earliest due first.
pub fn longest_overdue_first(a: &Article, b: &Article) -> std::cmp::Ordering {
    a.approval()
        .next_due
        .cmp(&b.approval().next_due)
        .then_with(|| a.slug.cmp(&b.slug))
}

/// Approvals that no longer hold first (readers see those pages as pending until someone
/// acts); everything else by how long it has waited, not by its status.
fn urgency(state: &ReviewState) -> u8 {
    match state {
        ReviewState::ChangedSinceApproval { .. }
        | ReviewState::IncompleteApproval
        | ReviewState::UnverifiedApproval => 0,
        ReviewState::UnderReview | ReviewState::Submitted | ReviewState::Draft | ReviewState::Approved => 1,
    }
}
