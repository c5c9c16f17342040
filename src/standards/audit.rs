//! `evident audit`: for each published article and for the site, whether it meets each
//! criterion readers and search engines judge a health page by (see docs/reviewers-guide.md, Standards).
//! A pure function of the checked site; `main` prints it.

use crate::config::SiteConfig;
use crate::diagnostic::{Code, Diagnostic};
use crate::parse::article::Article;
use crate::parse::front_matter::ReviewStatus;
use crate::people::Registry;
use serde::Serialize;

/// The criteria, in the order they are reported.
pub const CRITERIA: [&str; 7] = [
    "authorship",
    "attribution",
    "disclosure",
    "currency",
    "review",
    "plain_language",
    "feedback",
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub pass: bool,
    pub why: String,
}

impl Verdict {
    fn pass(why: impl Into<String>) -> Verdict {
        Verdict {
            pass: true,
            why: why.into(),
        }
    }

    fn fail(why: impl Into<String>) -> Verdict {
        Verdict {
            pass: false,
            why: why.into(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ArticleAudit {
    pub slug: String,
    pub file: String,
    /// One verdict per criterion, keyed by its name (in `CRITERIA` order when printed).
    pub criteria: std::collections::BTreeMap<&'static str, Verdict>,
}

#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Tally {
    pub pass: usize,
    pub fail: usize,
}

#[derive(Debug, Serialize)]
pub struct Audit {
    pub articles: Vec<ArticleAudit>,
    pub summary: std::collections::BTreeMap<&'static str, Tally>,
}

impl Audit {
    pub fn all_pass(&self) -> bool {
        self.summary.values().all(|t| t.fail == 0)
    }
}

/// What the audit reads: the checked articles, their findings, the registry and settings.
pub struct AuditInput<'a> {
    pub articles: &'a [Article],
    pub diagnostics: &'a [Diagnostic],
    pub registry: &'a Registry,
    pub config: &'a SiteConfig,
}

/// Audits every article the site publishes (drafts are not published), in file order.
pub fn audit(input: &AuditInput<'_>) -> Audit {
    let mut articles: Vec<&Article> = input
        .articles
        .iter()
        .filter(|a| a.review().status != ReviewStatus::Draft)
        .collect();
    articles.sort_by(|a, b| a.file.cmp(&b.file));
    // Each article's findings, gathered in one pass: looking them up among all of the
    // site's findings for each article was quadratic on a large site.
    let mut by_file: std::collections::HashMap<&str, Vec<&Diagnostic>> = std::collections::HashMap::new();
    for finding in input.diagnostics {
        by_file.entry(finding.file.as_str()).or_default().push(finding);
    }
    let audited: Vec<ArticleAudit> = articles
        .into_iter()
        .map(|a| {
            let findings = by_file.get(a.file.as_ref()).map_or(&[][..], Vec::as_slice);
            audit_article(a, findings, input)
        })
        .collect();
    let mut summary: std::collections::BTreeMap<&'static str, Tally> =
        CRITERIA.iter().map(|c| (*c, Tally::default())).collect();
    for article in &audited {
        for (name, verdict) in &article.criteria {
            if let Some(tally) = summary.get_mut(name) {
                if verdict.pass {
                    tally.pass += 1;
                } else {
                    tally.fail += 1;
                }
            }
        }
    }
    Audit {
        articles: audited,
        summary,
    }
}

fn audit_article(article: &Article, findings: &[&Diagnostic], input: &AuditInput<'_>) -> ArticleAudit {
    let criteria = [
        ("authorship", authorship(article, input.registry)),
        ("attribution", attribution(article, findings)),
        ("disclosure", disclosure(article, input.registry)),
        ("currency", currency(article)),
        ("review", review(article)),
        (
            "plain_language",
            plain_language(article, input.config.readability.max_grade),
        ),
        ("feedback", feedback(input.config)),
    ];
    ArticleAudit {
        slug: article.slug.to_string(),
        file: article.file.to_string(),
        criteria: criteria.into_iter().collect(),
    }
}

/// JAMA, NHS Standard, PIF TICK: named authors, with their credentials.
fn authorship(article: &Article, registry: &Registry) -> Verdict {
    if article.authors().is_empty() {
        return Verdict::fail("names no authors (`authors:`)");
    }
    let mut names = Vec::new();
    for id in article.authors() {
        let Some(person) = registry.get(id) else {
            return Verdict::fail(format!("the author `{id}` is not registered in people/"));
        };
        if person.credentials.as_deref().is_none_or(|c| c.trim().is_empty()) {
            return Verdict::fail(format!("{} has no credentials in {}", person.name, person.file));
        }
        names.push(person.display_name());
    }
    Verdict::pass(format!("written by {}", names.join("; ")))
}

/// JAMA attribution: every claim under an evidence section cited, every citation resolved.
fn attribution(article: &Article, findings: &[&Diagnostic]) -> Verdict {
    let count = |code: Code| findings.iter().filter(|d| d.code == code).count();
    let unresolved = count(Code::CitationUnresolved);
    let uncited = count(Code::CitationUncitedClaim);
    if unresolved > 0 {
        return Verdict::fail(format!("{unresolved} citation(s) name no reference"));
    }
    if uncited > 0 {
        return Verdict::fail(format!("{uncited} claim(s) under an evidence section cite nothing"));
    }
    if article.citations.order.is_empty() {
        return Verdict::fail("cites no source");
    }
    Verdict::pass(format!(
        "{} reference(s) cited, every claim cited",
        article.citations.order.len()
    ))
}

/// JAMA disclosure, PIF TICK: funding, conflicts, and what each author and reviewer declares.
fn disclosure(article: &Article, registry: &Registry) -> Verdict {
    let stated = |value: Option<&str>| value.is_some_and(|v| !v.trim().is_empty());
    if !stated(article.funding()) {
        return Verdict::fail("does not state its funding (`funding:`)");
    }
    if !stated(article.conflicts()) {
        return Verdict::fail("does not state conflicts of interest (`conflicts:`)");
    }
    let reviewers = article
        .approval()
        .shown
        .iter()
        .filter_map(|&i| article.review().reviewers.get(i)?.id.as_deref());
    for id in article.authors().iter().map(String::as_str).chain(reviewers) {
        if let Some(person) = registry.get(id) {
            if person.disclosures.as_deref().is_none_or(|d| d.trim().is_empty()) {
                return Verdict::fail(format!("{} declares nothing in {}", person.name, person.file));
            }
        }
    }
    Verdict::pass("funding, conflicts and every named person's disclosures are stated")
}

/// JAMA currency, NHS Standard: dated, reviewed, and not past its review date.
fn currency(article: &Article) -> Verdict {
    let Some(updated) = article.updated else {
        return Verdict::fail("has no update date");
    };
    let Some(due) = article
        .approval()
        .next_due
        .filter(|_| article.review_state.is_reviewed())
    else {
        return Verdict::fail(format!("updated {updated}, but no current review date"));
    };
    if article.approval().overdue {
        return Verdict::fail(format!("its review was due on {due}"));
    }
    Verdict::pass(format!("updated {updated}; next review due {due}"))
}

/// A verified approval: the text is the one a named reviewer approved and signed.
fn review(article: &Article) -> Verdict {
    if article.review_state.is_reviewed() {
        Verdict::pass(format!(
            "approved by {}",
            article
                .approval()
                .shown
                .iter()
                .filter_map(|&i| article.review().reviewers.get(i))
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    } else {
        Verdict::fail(format!(
            "no verified approval (shown as {})",
            article.review_state.shown_status().label().to_lowercase()
        ))
    }
}

/// Health-literacy guidance: texts for patients at or below the target grade.
fn plain_language(article: &Article, max_grade: f64) -> Verdict {
    if article.readability().is_empty() {
        return Verdict::pass("does not apply: no plain answer and not written for patients");
    }
    let worst = article
        .readability()
        .iter()
        .max_by(|a, b| a.score.smog.total_cmp(&b.score.smog));
    match worst {
        Some(scored) if scored.score.smog > max_grade => Verdict::fail(format!(
            "the {} reads at grade {:.1} (SMOG), above {}",
            scored.field.replace('_', " "),
            scored.score.smog,
            max_grade
        )),
        Some(scored) => Verdict::pass(format!(
            "grade {:.1} (SMOG) or below, target {}",
            scored.score.smog, max_grade
        )),
        None => Verdict::pass("does not apply"),
    }
}

/// PIF TICK: readers can report a problem.
fn feedback(config: &SiteConfig) -> Verdict {
    match &config.feedback_url {
        Some(url) => Verdict::pass(format!("\"Report a problem with this page\" links to {url}")),
        None => Verdict::fail("the site sets no `feedback_url` in evident.yaml"),
    }
}

/// The audit for a terminal: one block per article, then the site's tally.
pub fn human(audit: &Audit) -> String {
    let mut out = String::new();
    for article in &audit.articles {
        out.push_str(&format!("{} ({})\n", article.slug, article.file));
        for name in CRITERIA {
            if let Some(verdict) = article.criteria.get(name) {
                let mark = if verdict.pass { "pass" } else { "FAIL" };
                out.push_str(&format!("  {mark}  {:<15} {}\n", name, verdict.why));
            }
        }
    }
    out.push_str(&format!("\nsite ({} articles)\n", audit.articles.len()));
    for name in CRITERIA {
        if let Some(tally) = audit.summary.get(name) {
            out.push_str(&format!("  {:<15} {} pass, {} fail\n", name, tally.pass, tally.fail));
        }
    }
    out
}
