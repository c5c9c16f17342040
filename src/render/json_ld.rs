//! schema.org structured data for article pages. Review fields appear only when the page
//! may claim review: search engines must not be told more than readers are.

use super::reference::doi_url;
use super::urls::{Urls, article_dir};
use crate::link::Site;
use crate::parse::article::Article;
use crate::parse::front_matter::Audience;
use serde_json::{Map, Value, json};

pub fn article_json_ld(site: &Site<'_>, article: &Article, urls: &Urls, reviewed: bool) -> String {
    let mut page = Map::new();
    page.insert("@context".into(), json!("https://schema.org"));
    page.insert("@type".into(), json!("MedicalWebPage"));
    page.insert("name".into(), json!(article.question));
    page.insert("headline".into(), json!(article.headline()));
    page.insert(
        "description".into(),
        json!(super::context::excerpt(&article.answer.plain, 300)),
    );
    page.insert("url".into(), json!(urls.absolute(&article_dir(&article.slug))));
    page.insert("inLanguage".into(), json!(site.config.language));
    page.insert("version".into(), json!(article.version));
    if let Some(created) = article.created {
        page.insert("dateCreated".into(), json!(created.to_string()));
    }
    if let Some(updated) = article.updated {
        page.insert("dateModified".into(), json!(updated.to_string()));
    }
    if !article.topics.is_empty() {
        let about: Vec<Value> = article
            .topics
            .iter()
            .map(|t| json!({"@type": "Thing", "name": crate::link::title_from_slug(t)}))
            .collect();
        page.insert("about".into(), Value::Array(about));
    }
    let audience = match article.audience {
        Audience::Clinician => Some("Clinician"),
        Audience::Patient => Some("Patient"),
        Audience::All => None,
    };
    if let Some(kind) = audience {
        page.insert(
            "audience".into(),
            json!({"@type": "MedicalAudience", "audienceType": kind}),
        );
    }
    page.insert(
        "isPartOf".into(),
        json!({"@type": "WebSite", "name": site.config.title, "url": urls.base_url}),
    );
    let citations: Vec<Value> = article
        .citations
        .order
        .iter()
        .map(|&r| {
            let reference = &article.references[r];
            let mut work = Map::new();
            work.insert("@type".into(), json!("CreativeWork"));
            work.insert("name".into(), json!(reference.title));
            if let Some(doi) = &reference.doi {
                work.insert("sameAs".into(), json!(doi_url(doi)));
            }
            if let Some(year) = reference.year {
                work.insert("datePublished".into(), json!(year.to_string()));
            }
            Value::Object(work)
        })
        .collect();
    if !citations.is_empty() {
        page.insert("citation".into(), Value::Array(citations));
    }
    if reviewed {
        if let Some(last) = article.review.reviewers.iter().filter_map(|r| r.date).max() {
            page.insert("lastReviewed".into(), json!(last.to_string()));
        }
        let reviewers: Vec<Value> = article
            .review
            .reviewers
            .iter()
            .map(|r| match &r.role {
                Some(role) => json!({"@type": "Person", "name": r.name, "jobTitle": role}),
                None => json!({"@type": "Person", "name": r.name}),
            })
            .collect();
        page.insert("reviewedBy".into(), Value::Array(reviewers));
    }
    script_safe(&Value::Object(page).to_string())
}

/// JSON inside `<script>` must not contain `</script>` or `<!--`: `<` is written as an escape,
/// which JSON allows in strings (the only place it can occur).
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_breakouts_are_escaped() {
        let text = script_safe(&json!({"name": "</script><script>alert(1)</script>"}).to_string());
        assert!(!text.contains('<'));
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script>");
    }
}
