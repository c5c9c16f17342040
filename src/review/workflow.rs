//! The review workflow: draft → submitted → under review → approved, and back to under
//! review when an approved text changes. Each step is a pure function from the current
//! record to the next, refusing what the workflow does not allow.

use super::ReviewState;
use super::hash::Fingerprint;
use crate::date::Date;
use crate::parse::front_matter::{Review, ReviewStatus, Reviewer};

/// Who acts: a registered person's id, or (on sites without signatures) a written name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Identity {
    Id(String),
    Name(String),
}

impl Identity {
    fn entry(&self, role: Option<String>, date: Option<Date>) -> Reviewer {
        let (id, name) = match self {
            Identity::Id(id) => (Some(id.clone()), None),
            Identity::Name(name) => (None, Some(name.clone())),
        };
        Reviewer {
            id,
            name,
            role,
            date,
            signature: None,
        }
    }

    fn as_str(&self) -> &str {
        match self {
            Identity::Id(s) | Identity::Name(s) => s,
        }
    }
}

#[derive(Clone, Debug)]
pub enum Action {
    Submit,
    Claim {
        reviewer: Identity,
    },
    Approve {
        reviewer: Identity,
        role: Option<String>,
        date: Date,
    },
}

/// What the article looks like to the workflow.
pub struct Subject<'a> {
    pub slug: &'a str,
    pub review: &'a Review,
    pub state: &'a ReviewState,
    pub fingerprint: &'a Fingerprint,
    pub updated: Option<Date>,
    pub today: Date,
}

pub fn apply(action: &Action, subject: &Subject<'_>) -> Result<Review, String> {
    let slug = subject.slug;
    match action {
        Action::Submit => match subject.state {
            ReviewState::Draft => Ok(Review {
                status: ReviewStatus::Submitted,
                ..Review::default()
            }),
            state => Err(format!(
                "`{slug}` is {}; only a draft can be submitted",
                describe(state)
            )),
        },
        Action::Claim { reviewer } => {
            let reviewer = named(reviewer)?;
            match subject.state {
                ReviewState::Submitted
                | ReviewState::ChangedSinceApproval { .. }
                | ReviewState::IncompleteApproval
                | ReviewState::UnverifiedApproval => Ok(Review {
                    status: ReviewStatus::UnderReview,
                    reviewers: vec![reviewer.entry(None, None)],
                    ..Review::default()
                }),
                ReviewState::UnderReview => {
                    let by = subject
                        .review
                        .reviewers
                        .first()
                        .map(Reviewer::label)
                        .unwrap_or("someone");
                    Err(format!("`{slug}` is already under review by {by}"))
                }
                ReviewState::Draft => Err(format!("`{slug}` is a draft; submit it first: evident submit {slug}")),
                ReviewState::Approved => Err(format!(
                    "`{slug}` is approved and unchanged since; there is nothing to review"
                )),
            }
        }
        Action::Approve { reviewer, role, date } => {
            let reviewer = named(reviewer)?;
            if *date > subject.today {
                return Err(format!("the approval date {date} is in the future"));
            }
            if let Some(updated) = subject.updated {
                if *date < updated {
                    return Err(format!(
                        "the approval date {date} is before the article's last update ({updated}); a reviewer cannot approve text that did not exist yet"
                    ));
                }
            }
            let approval = reviewer.entry(role.clone(), Some(*date));
            match subject.state {
                ReviewState::UnderReview
                | ReviewState::ChangedSinceApproval { .. }
                | ReviewState::IncompleteApproval
                | ReviewState::UnverifiedApproval => Ok(Review {
                    status: ReviewStatus::Approved,
                    reviewers: vec![approval],
                    approved_hash: Some(subject.fingerprint.hash.clone()),
                    approved_parts: Some(subject.fingerprint.parts.clone()),
                    next_due: None,
                }),
                ReviewState::Approved => {
                    // A second reviewer co-signs the same, unchanged text.
                    if subject.review.reviewers.iter().any(|r| r.label() == approval.label()) {
                        return Err(format!(
                            "`{slug}` is already approved by {} for this text",
                            approval.label()
                        ));
                    }
                    let mut review = subject.review.clone();
                    review.reviewers.push(approval);
                    Ok(review)
                }
                ReviewState::Submitted => Err(format!(
                    "`{slug}` has not been claimed for review; claim it first: evident claim {slug} --reviewer \"{}\"",
                    approval.label()
                )),
                ReviewState::Draft => Err(format!("`{slug}` is a draft; submit and claim it before approving")),
            }
        }
    }
}

fn named(reviewer: &Identity) -> Result<Identity, String> {
    if reviewer.as_str().trim().is_empty() {
        return Err("a reviewer is required: pass --reviewer ID (their file in people/)".into());
    }
    // A name or id is one line of text: a line break or an escape sequence would be signed
    // into the record and printed on every page and terminal that shows it.
    let text = reviewer.as_str();
    if text.chars().any(char::is_control) {
        return Err(format!(
            "a reviewer is one line of text without control characters: {}",
            crate::diagnostic::terminal::escape(text, crate::diagnostic::terminal::Keep::Nothing)
        ));
    }
    Ok(reviewer.clone())
}

fn describe(state: &ReviewState) -> &'static str {
    match state {
        ReviewState::Draft => "a draft",
        ReviewState::Submitted => "already submitted",
        ReviewState::UnderReview => "under review",
        ReviewState::Approved => "approved",
        ReviewState::ChangedSinceApproval { .. } => "approved but changed since; claim it for review again",
        ReviewState::IncompleteApproval => "marked approved without a complete record; claim it for review",
        ReviewState::UnverifiedApproval => "approved without a verified signature; claim it for review",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn fingerprint() -> Fingerprint {
        Fingerprint {
            hash: "sha256:new".into(),
            parts: BTreeMap::new(),
        }
    }

    fn run(action: Action, review: &Review, state: ReviewState) -> Result<Review, String> {
        let fingerprint = fingerprint();
        apply(
            &action,
            &Subject {
                slug: "x",
                review,
                state: &state,
                fingerprint: &fingerprint,
                updated: Date::new(2026, 1, 1),
                today: Date::new(2026, 11, 28).unwrap(),
            },
        )
    }

    fn approve(name: &str, day: u8) -> Action {
        Action::Approve {
            reviewer: Identity::Id(name.into()),
            role: Some("Board".into()),
            date: Date::new(2026, 2, day).unwrap(),
        }
    }

    #[test]
    fn walks_the_whole_workflow() {
        let submitted = run(Action::Submit, &Review::default(), ReviewState::Draft).unwrap();
        assert_eq!(submitted.status, ReviewStatus::Submitted);
        let claimed = run(
            Action::Claim {
                reviewer: Identity::Id("dr-a".into()),
            },
            &submitted,
            ReviewState::Submitted,
        )
        .unwrap();
        assert_eq!(claimed.status, ReviewStatus::UnderReview);
        let approved = run(approve("Dr A", 2), &claimed, ReviewState::UnderReview).unwrap();
        assert_eq!(approved.status, ReviewStatus::Approved);
        assert_eq!(approved.approved_hash.as_deref(), Some("sha256:new"));
        assert_eq!(approved.reviewers[0].date, Date::new(2026, 2, 2));
        let cosigned = run(approve("Dr B", 3), &approved, ReviewState::Approved).unwrap();
        assert_eq!(cosigned.reviewers.len(), 2);
    }

    #[test]
    fn refuses_illegal_transitions_with_the_way_forward() {
        let draft = Review::default();
        let error = run(approve("Dr A", 2), &draft, ReviewState::Draft).unwrap_err();
        assert!(error.contains("draft"), "{error}");
        let error = run(approve("Dr A", 2), &draft, ReviewState::Submitted).unwrap_err();
        assert!(error.contains("evident claim x"), "{error}");
        assert!(run(Action::Submit, &draft, ReviewState::Submitted).is_err());
        assert!(
            run(
                Action::Claim {
                    reviewer: Identity::Id("dr-a".into())
                },
                &draft,
                ReviewState::Draft
            )
            .is_err()
        );
        assert!(
            run(
                Action::Claim {
                    reviewer: Identity::Id("dr-a".into())
                },
                &draft,
                ReviewState::Approved
            )
            .is_err()
        );
    }

    #[test]
    fn refuses_approvals_without_a_reviewer_or_with_impossible_dates() {
        let review = Review::default();
        assert!(
            run(approve("  ", 2), &review, ReviewState::UnderReview)
                .unwrap_err()
                .contains("reviewer")
        );
        let early = Action::Approve {
            reviewer: Identity::Id("dr-a".into()),
            role: None,
            date: Date::new(2025, 12, 31).unwrap(),
        };
        assert!(
            run(early, &review, ReviewState::UnderReview)
                .unwrap_err()
                .contains("before")
        );
        let future = Action::Approve {
            reviewer: Identity::Id("dr-a".into()),
            role: None,
            date: Date::new(2027, 1, 1).unwrap(),
        };
        assert!(
            run(future, &review, ReviewState::UnderReview)
                .unwrap_err()
                .contains("future")
        );
    }

    #[test]
    fn a_changed_approval_can_be_claimed_and_approved_again() {
        let stale = ReviewState::ChangedSinceApproval { changed: vec!["body"] };
        let review = Review {
            status: ReviewStatus::Approved,
            ..Review::default()
        };
        assert!(
            run(
                Action::Claim {
                    reviewer: Identity::Id("dr-a".into())
                },
                &review,
                stale.clone()
            )
            .is_ok()
        );
        assert_eq!(
            run(approve("Dr A", 2), &review, stale)
                .unwrap()
                .approved_hash
                .as_deref(),
            Some("sha256:new")
        );
    }
}
