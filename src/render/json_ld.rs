//! schema.org structured data for article pages. Review fields appear only when the page
//! may claim review: search engines must not be told more than readers are.

use super::reference::doi_url;
use super::urls::{Urls, article_dir, topic_dir};
use crate::link::Site;
use crate::parse::article::Article;
use crate::parse::front_matter::{Audience, Reference, ReferenceKind};
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
            .map(|slug| {
                let (name, url) = topic_name_and_url(site, slug, urls);
                json!({"@type": "Thing", "name": name, "url": url})
            })
            .collect();
        page.insert("about".into(), Value::Array(about));
    }
    // schema.org's MedicalAudienceType has Clinician and Patient; "all" is written for both.
    let audience: Vec<Value> = match article.audience {
        Audience::Clinician => vec!["Clinician"],
        Audience::Patient => vec!["Patient"],
        Audience::All => vec!["Clinician", "Patient"],
    }
    .into_iter()
    .map(|kind| json!({"@type": "MedicalAudience", "audienceType": kind}))
    .collect();
    page.insert(
        "audience".into(),
        if audience.len() == 1 {
            audience[0].clone()
        } else {
            Value::Array(audience)
        },
    );
    page.insert(
        "isPartOf".into(),
        json!({"@type": "WebSite", "name": site.config.title, "url": urls.base_url}),
    );
    page.insert(
        "publisher".into(),
        json!({"@type": "Organization", "name": site.config.publisher}),
    );
    page.insert("breadcrumb".into(), breadcrumb(site, article, urls));
    let citations: Vec<Value> = article
        .citations
        .order
        .iter()
        .map(|&r| {
            let reference = &article.references[r];
            citation(reference)
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

/// A cited work: its kind, title, authors, year and identifiers (DOI first, as search
/// engines and reference managers match on it).
fn citation(reference: &Reference) -> Value {
    let kind = match reference.kind {
        ReferenceKind::Research | ReferenceKind::Review => "ScholarlyArticle",
        ReferenceKind::Textbook => "Book",
        ReferenceKind::Web => "WebPage",
        ReferenceKind::Guideline | ReferenceKind::Other => "CreativeWork",
    };
    let mut work = Map::new();
    work.insert("@type".into(), json!(kind));
    work.insert("name".into(), json!(reference.title));
    if !reference.authors.is_empty() {
        let authors: Vec<Value> = reference
            .authors
            .iter()
            .map(|name| json!({"@type": "Person", "name": name}))
            .collect();
        work.insert("author".into(), Value::Array(authors));
    }
    if let Some(year) = reference.year {
        work.insert("datePublished".into(), json!(year.to_string()));
    }
    if let Some(journal) = &reference.journal {
        work.insert("isPartOf".into(), json!({"@type": "Periodical", "name": journal}));
    } else if let Some(publisher) = &reference.publisher {
        work.insert("publisher".into(), json!({"@type": "Organization", "name": publisher}));
    }
    let mut identifiers = Vec::new();
    if let Some(doi) = &reference.doi {
        identifiers.push(json!({"@type": "PropertyValue", "propertyID": "DOI", "value": doi}));
        work.insert("sameAs".into(), json!(doi_url(doi)));
    }
    if let Some(pmid) = &reference.pmid {
        identifiers.push(json!({"@type": "PropertyValue", "propertyID": "PMID", "value": pmid}));
    }
    if !identifiers.is_empty() {
        work.insert("identifier".into(), Value::Array(identifiers));
    }
    if let Some(url) = reference.url.as_deref().filter(|u| crate::html::is_safe_url(u)) {
        work.insert("url".into(), json!(url));
    }
    Value::Object(work)
}

/// Home → primary topic → the article, as the page's breadcrumb trail shows it.
fn breadcrumb(site: &Site<'_>, article: &Article, urls: &Urls) -> Value {
    let mut trail = vec![(site.config.title.clone(), urls.absolute(""))];
    if let Some(slug) = article.topics.first() {
        trail.push(topic_name_and_url(site, slug, urls));
    }
    trail.push((article.question.clone(), urls.absolute(&article_dir(&article.slug))));
    let items: Vec<Value> = trail
        .into_iter()
        .enumerate()
        .map(|(i, (name, url))| json!({"@type": "ListItem", "position": i + 1, "name": name, "item": url}))
        .collect();
    json!({"@type": "BreadcrumbList", "itemListElement": items})
}

/// A topic's title (from evident.yaml, else from its slug) and its hub's absolute URL.
fn topic_name_and_url(site: &Site<'_>, slug: &str, urls: &Urls) -> (String, String) {
    let name = site
        .topics
        .iter()
        .find(|t| t.slug == slug)
        .map_or_else(|| crate::link::title_from_slug(slug), |t| t.title.clone());
    (name, urls.absolute(&topic_dir(slug)))
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
