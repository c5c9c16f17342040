//! What of the article page an approval covers: every field of the article template's
//! context (`crate::render::context::ArticleView`) with the fingerprint part that holds it,
//! or why none does. The tests fail on a field that is in neither list, so a field added to
//! the page cannot slip past review unnoticed.

/// How one field of the article page relates to the approval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coverage {
    /// In the fingerprint, in this part (`super::hash::PARTS`).
    Hashed(&'static str),
    /// Shown, but editors may change it without review (README: `related`, `topics`,
    /// `updated`, `version`).
    Exempt,
    /// Not the article's content: the approval record itself (what is claimed about the
    /// review, checked against the fingerprint), what other articles say about this one,
    /// what the people registry says about a person the article names (as for reviewers),
    /// or what the site's settings add (the grading scale's wording, the feedback address).
    NotContent,
    /// Not shown by the built-in templates: a citation key, which readers never see.
    Key,
}

use Coverage::{Exempt, Hashed, Key, NotContent};

/// Each field of the article template's context by its path (`a.b` for a nested field,
/// `a[].b` for a field of a list's items); a field is covered by its nearest listed path.
pub const ARTICLE_PAGE: &[(&str, Coverage)] = &[
    ("slug", Hashed("address")),
    ("url", Hashed("address")),
    ("permalink", Hashed("address")),
    ("history_url", Hashed("address")),
    ("question", Hashed("question")),
    ("title", Hashed("title")),
    ("answer_html", Hashed("answer")),
    ("answer_text", Hashed("answer")),
    ("plain_answer_html", Hashed("plain_answer")),
    ("body_html", Hashed("body")),
    ("toc", Hashed("body")),
    ("has_code", Hashed("body")),
    ("audience", Hashed("audience")),
    ("audience_label", Hashed("audience")),
    ("created", Hashed("created")),
    ("changes", Hashed("changes")),
    ("references", Hashed("references")),
    ("references[].id", Key),
    ("topics", Exempt),
    ("related", Exempt),
    ("updated", Exempt),
    ("version", Exempt),
    ("backlinks", NotContent),
    ("review", NotContent),
    // Made from the fields above (question, answer, dates, topics, references, audience)
    // and the verified review; nothing of its own.
    ("json_ld", NotContent),
    // Authors count by id; their names and credentials are the registry's.
    ("authors", Hashed("authors")),
    ("authors[].name", NotContent),
    ("authors[].url", NotContent),
    ("disclosures", Hashed("disclosures")),
    ("disclosures.people", NotContent),
    ("grade", Hashed("grade")),
    ("grade.scale", NotContent),
    ("grade.legend_url", NotContent),
    ("feedback_url", NotContent),
    // `review` rendered by Evident's own banner template, with the publisher's name and
    // the policy page's address; what the site says around it is `review::site`'s.
    ("review_banner", NotContent),
    ("review_progress", NotContent),
];

/// The coverage of a field: that of the nearest listed path at or above it.
pub fn coverage_of(path: &str) -> Option<Coverage> {
    let mut path = path;
    loop {
        if let Some((_, coverage)) = ARTICLE_PAGE.iter().find(|(p, _)| *p == path) {
            return Some(*coverage);
        }
        let cut = path.rfind(['.', '['])?;
        path = &path[..cut];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bibliography::Bibliography;
    use crate::load::SourceFile;
    use crate::parse::article::{Article, Sources, parse_article};
    use crate::render::context::{TopicView, article_content_view};
    use crate::render::urls::Urls;
    use crate::review::hash::ReviewSite;
    use serde_json::Value;

    /// An article that fills every field its page can show.
    const ARTICLE: &str = r#"---
question: "Which dose of drug X after a stroke?"
title: "Drug X after stroke"
slug: drug-x-after-stroke
answer: Start with *10 mg* daily [@trial].
plain_answer: Take one small tablet each day [@trial].
topics: [neurology]
audience: clinician
created: 2026-01-05
updated: 2026-01-08
version: 2
changes:
  - {version: 2, date: 2026-01-08, summary: "Added the renal dose"}
review:
  status: submitted
references:
  - id: trial
    type: research
    authors: ["Doe J", "Roe R"]
    title: "A trial of drug X"
    journal: "Lancet"
    year: 2020
    volume: "395"
    issue: "2"
    pages: "10-20"
    doi: "10.1000/xyz123"
    pmid: "31234567"
    pmcid: "PMC123456"
    url: "https://example.org/trial"
    accessed: 2026-01-01
related: [other-question]
authors: [jane-doe]
funding: "None"
conflicts: "None declared"
grade: B
---
## Dose

- 10 mg daily [@trial].

```text
dose = 10
```
"#;

    /// For each hashed field, an edit of the source that changes what the field shows.
    const EDITS: &[(&str, &str, &str)] = &[
        ("slug", "slug: drug-x-after-stroke", "slug: drug-x-dose"),
        ("url", "slug: drug-x-after-stroke", "slug: drug-x-dose"),
        ("permalink", "slug: drug-x-after-stroke", "slug: drug-x-dose"),
        ("history_url", "slug: drug-x-after-stroke", "slug: drug-x-dose"),
        ("question", "Which dose", "What dose"),
        ("title", "Drug X after stroke", "Drug X after a stroke"),
        ("answer_html", "*10 mg*", "**10 mg**"),
        ("answer_text", "*10 mg*", "*20 mg*"),
        ("plain_answer_html", "small tablet", "big tablet"),
        ("body_html", "- 10 mg daily", "- 20 mg daily"),
        ("toc", "## Dose", "## Dosing"),
        ("has_code", "```text", "```"),
        ("audience", "audience: clinician", "audience: patient"),
        ("audience_label", "audience: clinician", "audience: patient"),
        ("created", "created: 2026-01-05", "created: 2026-01-04"),
        ("changes", "the renal dose", "the hepatic dose"),
        ("references", "year: 2020", "year: 2021"),
        ("authors", "authors: [jane-doe]", "authors: [john-roe]"),
        ("disclosures", "funding: \"None\"", "funding: \"Example Fund\""),
        ("grade", "grade: B", "grade: A"),
    ];

    fn parse(text: &str) -> Article {
        let source = SourceFile {
            rel_path: "content/neurology/drug-x.md".into(),
            section: "neurology".into(),
            text: text.into(),
            bom: false,
        };
        let site = ReviewSite {
            base_url: "https://kb.example.org/".into(),
            root: None,
        };
        let parsed = parse_article(
            &source,
            Sources {
                bibliography: &Bibliography::default(),
                site: &site,
                trust: None,
                retractions: None,
                spill: None,
                judge: None,
            },
            crate::parse::Output::Html,
        );
        parsed.article.expect("the coverage article parses")
    }

    fn context(article: &Article) -> Value {
        let urls = Urls::new("https://kb.example.org/");
        let topics = [TopicView::new(
            "neurology".into(),
            "Neurology".into(),
            String::new(),
            "/topics/neurology/".into(),
            1,
        )];
        let body = article.body.html().expect("parsed for publishing");
        let people = crate::people::Registry::default();
        let references = article.references.typed().expect("references");
        let mut view =
            article_content_view(article, &people, &body, &references, &urls, &topics).expect("answers unpack");
        view.history_url = Some(urls.path(&format!("questions/{}/history/", article.slug)));
        serde_json::to_value(&view).expect("the context serialises")
    }

    /// Every leaf path of a JSON value, lists' items as `[]`.
    fn paths(value: &Value, prefix: &str, out: &mut Vec<String>) {
        match value {
            Value::Object(fields) => {
                for (key, field) in fields {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    paths(field, &path, out);
                }
            }
            Value::Array(items) if !items.is_empty() => {
                for item in items {
                    paths(item, &format!("{prefix}[]"), out);
                }
            }
            _ => out.push(prefix.to_string()),
        }
    }

    fn at<'v>(value: &'v Value, path: &str) -> &'v Value {
        value.get(path).unwrap_or(&Value::Null)
    }

    #[test]
    fn every_field_of_the_article_page_is_hashed_or_exempt() {
        let article = parse(ARTICLE);
        let mut found = Vec::new();
        paths(&context(&article), "", &mut found);
        let unlisted: Vec<&String> = found.iter().filter(|p| coverage_of(p).is_none()).collect();
        assert!(
            unlisted.is_empty(),
            "article page fields neither hashed nor exempt (list them in review::coverage): {unlisted:?}"
        );
        for path in ["references[].html", "changes[].summary", "created.iso", "toc[].text"] {
            assert!(found.iter().any(|p| p == path), "the article shows {path}: {found:?}");
        }
    }

    #[test]
    fn each_hashed_field_changes_its_part_when_it_changes() {
        let article = parse(ARTICLE);
        let before = context(&article);
        for (path, coverage) in ARTICLE_PAGE {
            let Hashed(part) = coverage else { continue };
            let Some((_, from, to)) = EDITS.iter().find(|(p, _, _)| p == path) else {
                panic!("no edit shows that {path} is hashed");
            };
            assert!(ARTICLE.contains(from), "{from}");
            let edited = parse(&ARTICLE.replace(from, to));
            assert_ne!(at(&context(&edited), path), at(&before, path), "{path}");
            assert_ne!(
                edited.fingerprint.part(part),
                article.fingerprint.part(part),
                "{path} is shown changed, but the {part} part is the same"
            );
        }
    }

    #[test]
    fn exempt_fields_change_without_touching_the_fingerprint() {
        let article = parse(ARTICLE);
        for (from, to) in [
            ("topics: [neurology]", "topics: [neurology, cardiology]"),
            ("related: [other-question]", "related: []"),
            ("updated: 2026-01-08", "updated: 2026-01-09"),
            ("\nversion: 2\n", "\nversion: 3\n"),
            ("id: trial", "id: doe-2020"),
        ] {
            let mut text = ARTICLE.replace(from, to);
            if from == "id: trial" {
                // A key renamed everywhere.
                text = text.replace("[@trial]", "[@doe-2020]");
            }
            assert_eq!(parse(&text).fingerprint, article.fingerprint, "{from} -> {to}");
        }
    }
}
