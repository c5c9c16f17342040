//! Checks that need only one article: its fields' values, its citations, its review record.

use super::{is_valid_slug, slug_problem, suggest_slug};
use crate::diagnostic::{Code, Diagnostic};
use crate::parse::article::{Article, Spans};
use crate::review::hash::ChangedParts;
use crate::review::{ReviewState, describe_parts};
use std::collections::HashSet;

pub fn check_article(article: &Article, spans: &Spans) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    check_question(article, &mut found);
    check_slug_and_topics(article, spans, &mut found);
    check_dates_and_versions(article, spans, &mut found);
    check_review_record(article, spans, &mut found);
    check_citations(article, spans, &mut found);
    found
}

fn check_question(article: &Article, found: &mut Vec<Diagnostic>) {
    let question = article.question.trim();
    if !question.is_empty() && !question.ends_with('?') {
        found.push(
            Diagnostic::new(
                Code::FrontmatterInvalidValue,
                &article.file,
                article.places.question,
                "the question does not end with `?`",
            )
            .with_hint("phrase `question` as the question a reader asks, ending with a question mark"),
        );
    }
}

fn check_slug_and_topics(article: &Article, spans: &Spans, found: &mut Vec<Diagnostic>) {
    if let Some((message, hint)) = slug_problem(&article.slug, article.places.slug_is_explicit) {
        found.push(
            Diagnostic::new(
                Code::FrontmatterInvalidValue,
                &article.file,
                article.places.slug,
                message,
            )
            .with_hint(hint),
        );
    }
    if article.topics.is_empty() {
        found.push(
            Diagnostic::new(
                Code::FrontmatterMissingField,
                &article.file,
                article.places.front_matter_start,
                "the article has no topic",
            )
            .with_hint("add `topics: [your-topic]`, or put the file in a topic folder under content/"),
        );
    }
    for (index, topic) in article.topics.iter().enumerate() {
        if !is_valid_slug(topic) {
            let at = spans
                .topics
                .get(index)
                .copied()
                .unwrap_or(article.places.front_matter_start);
            found.push(
                Diagnostic::new(
                    Code::FrontmatterInvalidValue,
                    &article.file,
                    at,
                    format!("`{topic}` is not a valid topic name"),
                )
                .with_hint(match suggest_slug(topic) {
                    suggestion if suggestion.is_empty() || suggestion.len() > super::MAX_SLUG_LEN => {
                        format!(
                            "topics are slugs of at most {} lowercase letters, digits and hyphens, e.g. `cardiology`",
                            super::MAX_SLUG_LEN
                        )
                    }
                    suggestion => {
                        format!("topics are slugs: lowercase letters, digits and hyphens, e.g. `{suggestion}`")
                    }
                }),
            );
        }
    }
}

fn check_dates_and_versions(article: &Article, spans: &Spans, found: &mut Vec<Diagnostic>) {
    if let (Some(created), Some(updated)) = (article.created, article.updated) {
        if updated < created {
            found.push(
                Diagnostic::new(
                    Code::FrontmatterInvalidValue,
                    &article.file,
                    spans.updated,
                    format!("`updated` ({updated}) is before `created` ({created})"),
                )
                .with_hint("an article cannot be updated before it was written: check both dates"),
            );
        }
    }
    if article.version == 0 {
        found.push(
            Diagnostic::new(
                Code::FrontmatterInvalidValue,
                &article.file,
                spans.version,
                "`version` must be 1 or more",
            )
            .with_hint("the first published version is 1; bump it on each substantive change"),
        );
    }
    for (index, change) in article.changes().iter().enumerate() {
        if change.version > article.version {
            let at = spans.changes.get(index).copied().unwrap_or(spans.version);
            found.push(
                Diagnostic::new(
                    Code::FrontmatterInvalidValue,
                    &article.file,
                    at,
                    format!(
                        "the change note for version {} is newer than the article's version {}",
                        change.version, article.version
                    ),
                )
                .with_hint("bump `version` to match the newest change note"),
            );
        }
    }
}

fn check_review_record(article: &Article, spans: &Spans, found: &mut Vec<Diagnostic>) {
    match &article.review_state {
        ReviewState::IncompleteApproval => check_incomplete_approval(article, spans, found),
        ReviewState::ChangedSinceApproval { changed } => {
            let by = article
                .review()
                .reviewers
                .iter()
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join(", ");
            let on = article.review().reviewers.iter().filter_map(|r| r.date).max();
            let when = on.map(|d| format!(" on {d}")).unwrap_or_default();
            found.push(
                Diagnostic::new(
                    Code::ReviewStaleApproval,
                    &article.file,
                    spans.review,
                    match changed {
                        ChangedParts::Named(parts) => format!(
                            "approved by {by}{when}, but {} changed since: the page shows as pending review",
                            describe_parts(parts)
                        ),
                        ChangedParts::RecordAltered => format!(
                            "approved by {by}{when}, but the text changed since, and the record's `approved_parts` were altered after the approval (they do not combine to its `approved_hash`), so what changed is unknown: the page shows as pending review"
                        ),
                        ChangedParts::EarlierVersion => format!(
                            "approved by {by}{when} under an earlier version of Evident, whose fingerprint covered less of the page (see the reviewer's guide, docs/reviewers-guide.md, Review): the page shows as pending review until a reviewer approves it again"
                        ),
                    },
                )
                .with_hint(format!(
                    "ask a reviewer to check the change; the reviewer (never someone on their behalf) runs: evident claim {slug} --reviewer <your id>, then evident approve {slug} --reviewer <your id> [--key PATH]",
                    slug = article.slug
                )),
            );
        }
        _ => {}
    }
}

fn check_incomplete_approval(article: &Article, spans: &Spans, found: &mut Vec<Diagnostic>) {
    if article.review().reviewers.is_empty() {
        found.push(
            Diagnostic::new(
                Code::ReviewIncomplete,
                &article.file,
                spans.review,
                "the article is approved but names no reviewer",
            )
            .with_hint(format!(
                "a reviewer records an approval with `evident claim {0} --reviewer <your id>`, then `evident approve {0} --reviewer <your id> [--key PATH]`; or set the status back",
                article.slug
            )),
        );
    }
    for (index, reviewer) in article.review().reviewers.iter().enumerate() {
        if reviewer.date.is_none() {
            let at = spans.reviewers.get(index).copied().unwrap_or(spans.review);
            found.push(
                Diagnostic::new(
                    Code::ReviewIncomplete,
                    &article.file,
                    at,
                    format!("the approval by {} has no date", reviewer.label()),
                )
                .with_hint(format!(
                    "a reviewer approves it again: `evident claim {} --reviewer <your id>`, then `evident approve`, which dates it today",
                    article.slug
                )),
            );
        }
    }
    if article.review().approved_hash.is_none() {
        found.push(
            Diagnostic::new(
                Code::ReviewIncomplete,
                &article.file,
                spans.review,
                "the approval has no `approved_hash`, so nothing ties it to the text that was reviewed",
            )
            .with_hint(format!(
                "a reviewer records an approval with `evident claim {0} --reviewer <your id>`, then `evident approve {0} --reviewer <your id> [--key PATH]`, which writes the hash",
                article.slug
            )),
        );
    }
}

fn check_citations(article: &Article, spans: &Spans, found: &mut Vec<Diagnostic>) {
    // Judged in the parse job, while the references are typed.
    let references = article.references.typed().unwrap_or_default();
    let ids: Vec<&str> = references.iter().map(|r| r.id.as_str()).collect();
    for usage in article.citations.uses.iter().filter(|u| !u.resolved) {
        let hint = match crate::diagnostic::did_you_mean(&usage.key, ids.iter().copied()) {
            Some(near) => format!(
                "did you mean `@{near}`? Or add a reference with `id: {}` under `references`",
                usage.key
            ),
            None => format!(
                "add a reference with `id: {}` under `references`, or correct the key",
                usage.key
            ),
        };
        found.push(
            Diagnostic::new(
                Code::CitationUnresolved,
                &article.file,
                usage.at,
                format!("citation `@{}` matches no reference", usage.key),
            )
            .with_hint(hint),
        );
    }
    let cited: HashSet<&str> = article.citations.uses.iter().map(|u| u.key.as_str()).collect();
    let mut seen = HashSet::new();
    for (index, reference) in references.iter().enumerate() {
        let at = spans
            .references
            .get(index)
            .copied()
            .unwrap_or(article.places.front_matter_start);
        if !seen.insert(reference.id.as_str()) {
            found.push(
                Diagnostic::new(
                    Code::FrontmatterInvalidValue,
                    &article.file,
                    at,
                    format!("the reference id `{}` is used twice", reference.id),
                )
                .with_hint("give each reference its own id"),
            );
            continue;
        }
        if !cited.contains(reference.id.as_str()) {
            found.push(
                Diagnostic::new(
                    Code::CitationUnused,
                    &article.file,
                    at,
                    format!("reference `{}` is listed but never cited", reference.id),
                )
                .with_hint(format!(
                    "cite it with [@{}] where it supports a claim, or remove it",
                    reference.id
                )),
            );
        }
    }
}
