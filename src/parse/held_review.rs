//! An article's review record as the build holds it: most records say only where the
//! text stands (`status:`), and those are held as that status alone, 16 bytes instead of
//! the record's 136; a record that names reviewers, a hash or a date is boxed as written.

use super::front_matter::{Review, ReviewStatus};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
pub enum HeldReview {
    /// A record that says nothing but its status.
    Status(ReviewStatus),
    Record(Box<Review>),
}

/// The record of each status that says nothing else, in the order of `ReviewStatus`.
static STATUS_ONLY: [Review; 4] = [
    status_only(ReviewStatus::Draft),
    status_only(ReviewStatus::Submitted),
    status_only(ReviewStatus::UnderReview),
    status_only(ReviewStatus::Approved),
];

const fn status_only(status: ReviewStatus) -> Review {
    Review {
        status,
        submitted: None,
        reviewers: Vec::new(),
        approved_hash: None,
        approved_parts: None,
        next_due: None,
        commit: None,
    }
}

impl HeldReview {
    pub fn new(review: Review) -> HeldReview {
        let says_only_its_status = review.submitted.is_none()
            && review.reviewers.is_empty()
            && review.approved_hash.is_none()
            && review.approved_parts.is_none()
            && review.next_due.is_none()
            && review.commit.is_none();
        if says_only_its_status {
            HeldReview::Status(review.status)
        } else {
            HeldReview::Record(Box::new(review))
        }
    }

    pub fn get(&self) -> &Review {
        match self {
            HeldReview::Status(status) => &STATUS_ONLY[*status as usize],
            HeldReview::Record(review) => review,
        }
    }
}

impl Default for HeldReview {
    fn default() -> HeldReview {
        HeldReview::Status(ReviewStatus::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_of_its_status_alone_reads_back_as_written() {
        for status in [
            ReviewStatus::Draft,
            ReviewStatus::Submitted,
            ReviewStatus::UnderReview,
            ReviewStatus::Approved,
        ] {
            let held = HeldReview::new(Review {
                status,
                ..Review::default()
            });
            assert!(matches!(held, HeldReview::Status(_)));
            assert_eq!(held.get().status, status);
        }
    }

    #[test]
    fn a_record_that_says_more_is_kept_whole() {
        let held = HeldReview::new(Review {
            status: ReviewStatus::Approved,
            approved_hash: Some("sha256:00".into()),
            commit: Some("abc".into()),
            ..Review::default()
        });
        assert!(matches!(held, HeldReview::Record(_)));
        assert_eq!(held.get().status, ReviewStatus::Approved);
        assert_eq!(held.get().approved_hash.as_deref(), Some("sha256:00"));
        assert_eq!(held.get().commit.as_deref(), Some("abc"));
    }
}
