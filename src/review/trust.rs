//! Whether an approval that matches its text may also name its reviewers: each reviewer is
//! looked up in the people registry and, when the site asks for signatures, their signature
//! over the approval statement is verified. Also when the review falls due.

use super::policy::{Interval, Signatures};
use super::signature::{Problem, Statement, verify};
use super::state::ReviewState;
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::parse::article::{Article, Spans};
use crate::people::Registry;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What judging approvals needs from the site: the registry, the rules, and "today".
#[derive(Clone, Debug)]
pub struct Trust {
    pub registry: Arc<Registry>,
    pub signatures: Signatures,
    /// The site's `base_url`, part of every signed statement.
    pub site: String,
    pub interval: Interval,
    /// Review cycles of topics that set their own, by topic slug.
    pub topic_intervals: BTreeMap<String, Interval>,
    /// `--as-of`, or the system date: when a review is overdue; `None` for an archived
    /// edition, which says what it said when it was published.
    pub as_of: Option<Date>,
}

impl Trust {
    pub fn new(config: &crate::config::SiteConfig, registry: Arc<Registry>, as_of: Option<Date>) -> Trust {
        Trust {
            registry,
            signatures: config.review.signatures,
            // Signed statements name the site `evident.yaml` names, wherever it is previewed
            // or built (`serve`, `--base-url`, editions).
            site: config.declared_base_url.clone(),
            interval: config.review.interval,
            topic_intervals: config
                .topics
                .iter()
                .filter_map(|(slug, t)| t.review_interval.map(|i| (slug.clone(), i)))
                .collect(),
            as_of: Some(as_of.unwrap_or_else(Date::today)),
        }
    }

    /// The same rules without judging currency: nothing is ever overdue.
    pub fn without_currency(mut self) -> Trust {
        self.as_of = None;
        self
    }

    fn interval_for(&self, article: &Article) -> Interval {
        article
            .topics
            .first()
            .and_then(|t| self.topic_intervals.get(t))
            .copied()
            .unwrap_or(self.interval)
    }
}

/// What a page may say about its approval, once judged.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Approval {
    /// Indexes into `review.reviewers` of the approvals a page may name.
    pub shown: Vec<usize>,
    /// When the review falls due (only for a counted approval).
    pub next_due: Option<Date>,
    /// `next_due` is before "today".
    pub overdue: bool,
}

impl Approval {
    /// Nobody shown, nothing due: the approval of an article no approval holds for.
    pub const NONE: Approval = Approval {
        shown: Vec::new(),
        next_due: None,
        overdue: false,
    };

    /// Before judging, an approval that matches its text names everyone it lists: what a
    /// site without registry or signatures has always shown.
    pub fn unjudged(article_state: &ReviewState, reviewers: usize) -> Approval {
        Approval {
            shown: if article_state.is_reviewed() {
                (0..reviewers).collect()
            } else {
                Vec::new()
            },
            next_due: None,
            overdue: false,
        }
    }
}

/// Judges `article`'s approval against the registry and the rules, updating its state and
/// what it may show; returns the findings.
pub fn judge(article: &mut Article, spans: &Spans, trust: &Trust) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let reviewers = &article.review().reviewers;
    let at = |index: usize| spans.reviewers.get(index).copied().unwrap_or(spans.review);
    for (index, reviewer) in reviewers.iter().enumerate() {
        if let Some(id) = &reviewer.id {
            if trust.registry.get(id).is_none() {
                found.push(
                    Diagnostic::new(
                        Code::PeopleUnknown,
                        &article.file,
                        at(index),
                        format!("no one with the id `{id}` is registered in people/"),
                    )
                    .with_hint(trust.registry.hint_for(id)),
                );
            }
        }
    }
    let mut shown = Vec::new();
    if article.review_state.is_reviewed() {
        for (index, reviewer) in reviewers.iter().enumerate() {
            if let Some(problem) = record_problem(article, reviewer, trust.as_of) {
                found.push(
                    Diagnostic::new(Code::ReviewBadRecord, &article.file, at(index), problem)
                        .with_hint(format!(
                            "`evident approve` writes approvals; none is edited by hand. A reviewer approves it again: evident claim {0} --reviewer <your id>, then evident approve {0} --reviewer <your id> [--key PATH]",
                            article.slug
                        )),
                );
                continue;
            }
            let Some(verdict) = verdict(article, index, trust) else {
                continue;
            };
            match verdict {
                Ok(()) => shown.push(index),
                Err(Problem::Unsigned) => {
                    let required = trust.signatures == Signatures::Required;
                    let what = if reviewer.id.is_none() {
                        format!("the approval by {} names no registered person and is not signed", reviewer.label())
                    } else {
                        format!("the approval by {} is not signed", reviewer.label())
                    };
                    let consequence = if required {
                        "; signatures are required, so the page shows as pending review"
                    } else {
                        "; it counts because signatures are optional"
                    };
                    let mut finding = Diagnostic::new(
                        Code::ReviewUnsigned,
                        &article.file,
                        at(index),
                        format!("{what}{consequence}"),
                    )
                    .with_hint(format!(
                        "the reviewer signs with their registered key: evident claim {0} --reviewer <your id>, then evident approve {0} --reviewer <your id> --key ~/.ssh/id_ed25519",
                        article.slug
                    ));
                    if !required {
                        finding.severity = Severity::Warning;
                        shown.push(index);
                    }
                    found.push(finding);
                }
                Err(Problem::Bad(why)) => found.push(
                    Diagnostic::new(
                        Code::ReviewBadSignature,
                        &article.file,
                        at(index),
                        format!(
                            "the signature of the approval by {} does not hold: {why}; the approval does not count",
                            reviewer.label()
                        ),
                    )
                    .with_hint(format!(
                        "only the reviewer can make a valid one: they claim and approve it again (evident claim {0} --reviewer <your id>, then evident approve {0} --reviewer <your id> --key PATH, with a key registered in people/ and valid today)",
                        article.slug
                    )),
                ),
            }
        }
        if shown.is_empty() {
            article.review_state = ReviewState::UnverifiedApproval;
        }
    }
    let mut approval = Approval {
        shown,
        ..Approval::default()
    };
    if article.review_state.is_reviewed() {
        let last = approval
            .shown
            .iter()
            .filter_map(|&i| article.review().reviewers[i].date)
            .max();
        approval.next_due = article
            .review()
            .next_due
            .or_else(|| last.map(|d| trust.interval_for(article).after(d)));
        if let Some(due) = approval
            .next_due
            .filter(|due| trust.as_of.is_some_and(|today| today > *due))
        {
            approval.overdue = true;
            found.push(
                Diagnostic::new(
                    Code::ReviewOverdue,
                    &article.file,
                    spans.review,
                    format!(
                        "the review was due on {due}{}: the page says the review is overdue",
                        last.map(|d| format!(" (last reviewed {d})")).unwrap_or_default()
                    ),
                )
                .with_hint(format!(
                    "ask a reviewer to review it again (evident claim {0} --reviewer <your id>, then evident approve {0} --reviewer <your id> --key PATH), or set `review.next_due`",
                    article.slug
                )),
            );
        }
    }
    article.set_approval(approval);
    found
}

/// What makes an approval entry one that `evident approve` cannot have written, whatever
/// its signature: a date after `today` or before the article existed, or a written name
/// beside a registered id (nothing verifies the name). `None` when there is nothing wrong.
fn record_problem(
    article: &Article,
    reviewer: &crate::parse::front_matter::Reviewer,
    today: Option<Date>,
) -> Option<String> {
    let who = reviewer.label();
    let date = reviewer.date?;
    if let Some(today) = today.filter(|today| date > *today) {
        return Some(format!(
            "the approval by {who} is dated {date}, after today ({today}): an approval is dated the day it is given; it does not count"
        ));
    }
    if let Some(created) = article.created.filter(|created| date < *created) {
        return Some(format!(
            "the approval by {who} is dated {date}, before the article was created ({created}); it does not count"
        ));
    }
    if let (Some(_), Some(name)) = (&reviewer.id, &reviewer.name) {
        return Some(format!(
            "the approval by {who} also gives a written name ({}), which nothing verifies; it does not count",
            crate::diagnostic::terminal::escape(name, crate::diagnostic::terminal::Keep::Nothing)
        ));
    }
    None
}

/// Whether reviewer `index`'s approval of the hash it records holds under the site's rules;
/// `None` when there is nothing to judge (an unregistered id, no date or hash).
fn verdict(article: &Article, index: usize, trust: &Trust) -> Option<Result<(), Problem>> {
    let reviewer = article.review().reviewers.get(index)?;
    Some(match (&reviewer.id, trust.signatures) {
        (Some(id), _) if trust.registry.get(id).is_none() => return None,
        (None, Signatures::Off) if reviewer.name.is_some() => Ok(()),
        (None, _) => Err(Problem::Unsigned),
        (Some(_), Signatures::Off) => Ok(()),
        (Some(id), _) => {
            let person = trust.registry.get(id)?;
            let statement = Statement {
                site: &trust.site,
                slug: &article.slug,
                approved_hash: article.review().approved_hash.as_deref()?,
                reviewer: id,
                role: reviewer.role.as_deref(),
                date: reviewer.date?,
            };
            verify(reviewer.signature.as_deref(), &statement, person, &trust.registry)
        }
    })
}

/// The reviewers whose approval of the text they approved holds, whether or not that text
/// is still the current one: what a history page may name for an earlier approval.
pub fn vouched_reviewers(article: &Article, trust: &Trust) -> Vec<usize> {
    (0..article.review().reviewers.len())
        .filter(|&i| record_problem(article, &article.review().reviewers[i], trust.as_of).is_none())
        .filter(|&i| match verdict(article, i, trust) {
            Some(Ok(())) => true,
            Some(Err(Problem::Unsigned)) => trust.signatures == Signatures::Optional,
            _ => false,
        })
        .collect()
}

/// Site-wide findings about the registry: a person who reviews must say what they declare.
pub fn check_people(articles: &[Article], registry: &Registry) -> Vec<Diagnostic> {
    registry.undisclosed(shown_reviewers(articles), "reviews")
}

/// The ids of the reviewers the pages name (those of verified approvals), each once, in order.
pub fn shown_reviewers(articles: &[Article]) -> std::collections::BTreeSet<&str> {
    articles
        .iter()
        .flat_map(|a| {
            a.approval()
                .shown
                .iter()
                .filter_map(|&i| a.review().reviewers.get(i).and_then(|r| r.id.as_deref()))
        })
        .collect()
}
