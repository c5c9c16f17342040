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
    /// The commit the site's repository is at, when it is one: recorded by an approval.
    pub commit: Option<&'a str>,
}

pub fn apply(action: &Action, subject: &Subject<'_>) -> Result<Review, String> {
    let slug = subject.slug;
    match action {
        Action::Submit => match subject.state {
            ReviewState::Draft => Ok(Review {
                status: ReviewStatus::Submitted,
                submitted: Some(subject.today),
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
                    // The wait counts from the submission, not from the claim.
                    submitted: subject.review.submitted,
                    // Where the last approved text is, so that approving can show the
                    // reviewer what changed since.
                    commit: subject.review.commit.clone(),
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
            if *date != subject.today {
                // The date is part of what the reviewer vouches for: only the day they
                // actually read the text is true.
                return Err(format!(
                    "an approval is dated the day it is given ({}), not {date}",
                    subject.today
                ));
            }
            if let Some(updated) = subject.updated.filter(|updated| updated > date) {
                return Err(format!(
                    "the article's `updated` date ({updated}) is after today ({date}); correct it before approving"
                ));
            }
            let approval = reviewer.entry(role.clone(), Some(*date));
            let claim_first = || {
                let stands = match subject.state {
                    ReviewState::ChangedSinceApproval { .. } => "was approved, but has changed since",
                    ReviewState::IncompleteApproval => "is marked approved without a complete record",
                    ReviewState::UnverifiedApproval => "is marked approved without a verified approval",
                    _ => "has not been claimed for review",
                };
                format!(
                    "`{slug}` {stands}; a reviewer claims it before approving: evident claim {slug} --reviewer <your id>"
                )
            };
            match subject.state {
                ReviewState::UnderReview => {
                    let Some(claimant) = subject.review.reviewers.first() else {
                        return Err(format!(
                            "`{slug}` is under review, but its record names no one who claimed it; claim it first: evident claim {slug} --reviewer <your id>"
                        ));
                    };
                    if claimant.label() != approval.label() {
                        return Err(format!(
                            "`{slug}` was claimed by {}; only the reviewer who claimed it may approve it (an editor can hand it back with `status: submitted`)",
                            claimant.label()
                        ));
                    }
                    // `check`'s parse keeps the parts; only a build that publishes forgets them.
                    let Some(parts) = subject.fingerprint.parts() else {
                        return Err(format!(
                            "`{slug}`: the parts of its fingerprint were not kept, so the approval cannot record them; this is a bug in Evident, please report it"
                        ));
                    };
                    Ok(Review {
                        status: ReviewStatus::Approved,
                        // The wait is over.
                        submitted: None,
                        reviewers: vec![approval],
                        approved_hash: Some(subject.fingerprint.hash()),
                        approved_parts: Some(parts),
                        next_due: None,
                        commit: subject.commit.map(str::to_string),
                    })
                }
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
                ReviewState::Submitted
                | ReviewState::ChangedSinceApproval { .. }
                | ReviewState::IncompleteApproval
                | ReviewState::UnverifiedApproval => Err(claim_first()),
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

    const TODAY: (i32, u8, u8) = (2026, 11, 28);

    fn today() -> Date {
        Date::new(TODAY.0, TODAY.1, TODAY.2).unwrap()
    }

    fn fingerprint() -> Fingerprint {
        Fingerprint::of_parts([[7; 32]; crate::review::hash::PARTS.len()])
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
                today: today(),
                commit: Some("c0ffee"),
            },
        )
    }

    fn approve(id: &str) -> Action {
        Action::Approve {
            reviewer: Identity::Id(id.into()),
            role: Some("Board".into()),
            date: today(),
        }
    }

    fn claim(id: &str) -> Action {
        Action::Claim {
            reviewer: Identity::Id(id.into()),
        }
    }

    #[test]
    fn walks_the_whole_workflow() {
        let submitted = run(Action::Submit, &Review::default(), ReviewState::Draft).unwrap();
        assert_eq!(submitted.status, ReviewStatus::Submitted);
        let claimed = run(claim("dr-a"), &submitted, ReviewState::Submitted).unwrap();
        assert_eq!(claimed.status, ReviewStatus::UnderReview);
        assert_eq!(claimed.reviewers[0].id.as_deref(), Some("dr-a"));
        let approved = run(approve("dr-a"), &claimed, ReviewState::UnderReview).unwrap();
        assert_eq!(approved.status, ReviewStatus::Approved);
        assert_eq!(approved.approved_hash, Some(fingerprint().hash()));
        assert_eq!(approved.reviewers[0].date, Some(today()));
        assert_eq!(approved.commit.as_deref(), Some("c0ffee"));
        let cosigned = run(approve("dr-b"), &approved, ReviewState::Approved).unwrap();
        assert_eq!(cosigned.reviewers.len(), 2);
    }

    #[test]
    fn refuses_illegal_transitions_with_the_way_forward() {
        let draft = Review::default();
        let error = run(approve("dr-a"), &draft, ReviewState::Draft).unwrap_err();
        assert!(error.contains("draft"), "{error}");
        let error = run(approve("dr-a"), &draft, ReviewState::Submitted).unwrap_err();
        assert!(error.contains("evident claim x --reviewer <your id>"), "{error}");
        assert!(run(Action::Submit, &draft, ReviewState::Submitted).is_err());
        assert!(run(claim("dr-a"), &draft, ReviewState::Draft).is_err());
        assert!(run(claim("dr-a"), &draft, ReviewState::Approved).is_err());
    }

    #[test]
    fn only_the_claimant_approves() {
        let claimed = run(claim("dr-a"), &Review::default(), ReviewState::Submitted).unwrap();
        let error = run(approve("dr-b"), &claimed, ReviewState::UnderReview).unwrap_err();
        assert!(error.contains("claimed by dr-a"), "{error}");
        // A hand-written `under_review` that names no claimant is not a claim.
        let unclaimed = Review {
            status: ReviewStatus::UnderReview,
            ..Review::default()
        };
        let error = run(approve("dr-a"), &unclaimed, ReviewState::UnderReview).unwrap_err();
        assert!(error.contains("claim it first"), "{error}");
    }

    #[test]
    fn refuses_approvals_without_a_reviewer_or_dated_another_day() {
        let claimed = run(claim("dr-a"), &Review::default(), ReviewState::Submitted).unwrap();
        assert!(
            run(approve("  "), &claimed, ReviewState::UnderReview)
                .unwrap_err()
                .contains("reviewer")
        );
        for date in [Date::new(2026, 11, 27).unwrap(), Date::new(2026, 11, 29).unwrap()] {
            let dated = Action::Approve {
                reviewer: Identity::Id("dr-a".into()),
                role: None,
                date,
            };
            let error = run(dated, &claimed, ReviewState::UnderReview).unwrap_err();
            assert!(error.contains("dated the day it is given"), "{error}");
        }
    }

    #[test]
    fn a_changed_approval_is_claimed_before_it_is_approved_again() {
        let stale = ReviewState::ChangedSinceApproval {
            changed: crate::review::hash::ChangedParts::Named(vec!["body"]),
        };
        let review = Review {
            status: ReviewStatus::Approved,
            reviewers: vec![Identity::Id("dr-a".into()).entry(None, Date::new(2026, 2, 2))],
            commit: Some("0ld".into()),
            ..Review::default()
        };
        let error = run(approve("dr-a"), &review, stale.clone()).unwrap_err();
        assert!(error.contains("evident claim x --reviewer <your id>"), "{error}");
        let claimed = run(claim("dr-a"), &review, stale).unwrap();
        // The claim keeps where the approved text is, for the diff shown on approving.
        assert_eq!(claimed.commit.as_deref(), Some("0ld"));
        let approved = run(approve("dr-a"), &claimed, ReviewState::UnderReview).unwrap();
        assert_eq!(approved.approved_hash, Some(fingerprint().hash()));
        for state in [ReviewState::IncompleteApproval, ReviewState::UnverifiedApproval] {
            assert!(run(approve("dr-a"), &review, state).is_err());
        }
    }
}
