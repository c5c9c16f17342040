//! Health-information standards (JAMA benchmarks, NHS Information Standard, PIF TICK,
//! health-literacy guidance): who wrote an article and what they declare, how hard its
//! patient texts are to read, how strong its evidence is, and the audit that reports them.

pub mod audit;
pub mod config;
pub mod readability;

use crate::config::SiteConfig;
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::parse::article::{Article, Spans};
use crate::people::Registry;

/// The finding of the standards across the site's articles: authors the pages name who
/// declare nothing. Each article's own are `check_article`'s.
pub fn check_standards(articles: &[Article], registry: &Registry) -> Vec<Diagnostic> {
    undisclosed_authors(articles, registry)
}

/// The findings about one article alone: unknown or missing authors, a grade off the
/// scale, patient texts above the reading-grade target; judged as it is parsed.
pub fn check_article(article: &Article, spans: &Spans, registry: &Registry, config: &SiteConfig) -> Vec<Diagnostic> {
    let mut found = author_findings(article, spans, registry, config);
    found.extend(grade_finding(article, spans, config));
    found.extend(readability_findings(article, config.readability.max_grade));
    found
}

fn author_findings(article: &Article, spans: &Spans, registry: &Registry, config: &SiteConfig) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if article.authors().is_empty() && config.standards.require_authors {
        found.push(
            Diagnostic::new(
                Code::FrontmatterMissingField,
                &article.file,
                article.places.front_matter_start,
                "missing required field `authors`: this site names the authors of every article",
            )
            .with_hint("add `authors: [person-id]` with ids from people/ (`evident new-person ID` registers someone)"),
        );
    }
    for (index, id) in article.authors().iter().enumerate() {
        if registry.get(id).is_none() {
            let at = spans
                .authors
                .get(index)
                .copied()
                .unwrap_or(article.places.front_matter_start);
            found.push(
                Diagnostic::new(
                    Code::PeopleUnknown,
                    &article.file,
                    at,
                    format!("the author `{id}` is not registered in people/"),
                )
                .with_hint(registry.hint_for(id)),
            );
        }
    }
    found
}

fn grade_finding(article: &Article, spans: &Spans, config: &SiteConfig) -> Option<Diagnostic> {
    let written = article.grade()?;
    let scale = config.standards.grading;
    if scale.parse(written).is_some() {
        return None;
    }
    let allowed: Vec<&str> = scale.grades().iter().map(|(g, _)| *g).collect();
    let hint = match did_you_mean(&written.to_lowercase(), allowed.iter().copied()) {
        Some(near) => format!(
            "did you mean `{near}`? The {} scale has: {}",
            scale.name(),
            allowed.join(", ")
        ),
        None => format!(
            "this site grades evidence on the {} scale (`standards.grading`): {}",
            scale.name(),
            allowed.join(", ")
        ),
    };
    Some(
        Diagnostic::new(
            Code::FrontmatterInvalidValue,
            &article.file,
            spans.grade,
            format!("`{written}` is not a grade of the {} scale", scale.name()),
        )
        .with_hint(hint),
    )
}

fn readability_findings(article: &Article, max_grade: f64) -> Vec<Diagnostic> {
    article
        .readability()
        .iter()
        .filter(|scored| scored.score.smog > max_grade)
        .map(|scored| {
            let score = &scored.score;
            let what = match scored.field {
                "plain_answer" => "the plain-language answer",
                "answer" => "the answer of an article for patients",
                _ => "the text of an article for patients",
            };
            let longest: Vec<String> = score
                .longest
                .iter()
                .map(|s| format!("\"{}\" ({} words)", shorten(s, 90), s.split(' ').count()))
                .collect();
            Diagnostic::new(
                Code::ReadabilityTooHard,
                &article.file,
                scored.at,
                format!(
                    "{what} reads at grade {:.1} by SMOG (Flesch–Kincaid grade {:.1}), above the target of {}: {} words of three or more syllables in {} sentences",
                    score.smog, score.flesch_kincaid, max_grade, score.polysyllables, score.sentences
                ),
            )
            .with_hint(format!(
                "use shorter sentences and everyday words; longest sentences: {}; words of three or more syllables: {}",
                longest.join("; "),
                score.hard_words.join(", ")
            ))
        })
        .collect()
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{}…", cut.trim_end())
}

/// `people/no-disclosures` for authors; reviewers are judged by `review::trust::check_people`,
/// so a person who both writes and reviews is reported there, once.
fn undisclosed_authors(articles: &[Article], registry: &Registry) -> Vec<Diagnostic> {
    let reviewing = crate::review::trust::shown_reviewers(articles);
    let authors: std::collections::BTreeSet<&str> = articles
        .iter()
        .flat_map(|a| a.authors().iter().map(String::as_str))
        .collect();
    registry.undisclosed(authors.into_iter().filter(|id| !reviewing.contains(id)), "writes")
}
