//! schema.org structured data for article pages. Review fields appear only when the page
//! may claim review: search engines must not be told more than readers are.

use super::reference::doi_url;
use super::urls::{Urls, article_dir, topic_dir};
use crate::link::Site;
use crate::parse::article::Article;
use crate::parse::front_matter::{Audience, Reference, ReferenceKind};
use serde::Serialize;

// Each value is written straight from these structs. Their fields are declared in the
// byte order of their names, the order the page's JSON-LD has always had.

#[derive(Serialize)]
struct MedicalWebPage<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    about: Vec<Thing>,
    audience: Audiences,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    author: Vec<Reviewer<'a>>,
    breadcrumb: BreadcrumbList<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    citation: Vec<CitedWork<'a>>,
    #[serde(rename = "dateCreated", skip_serializing_if = "Option::is_none")]
    date_created: Option<String>,
    #[serde(rename = "dateModified", skip_serializing_if = "Option::is_none")]
    date_modified: Option<String>,
    description: String,
    headline: &'a str,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(rename = "isPartOf")]
    is_part_of: Named<'a>,
    #[serde(rename = "lastReviewed", skip_serializing_if = "Option::is_none")]
    last_reviewed: Option<String>,
    name: &'a str,
    publisher: Organization<'a>,
    #[serde(rename = "reviewedBy", skip_serializing_if = "Option::is_none")]
    reviewed_by: Option<Vec<Reviewer<'a>>>,
    url: String,
    version: u32,
}

#[derive(Serialize)]
struct Thing {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: String,
    url: String,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Audiences {
    One(MedicalAudience),
    Both([MedicalAudience; 2]),
}

#[derive(Serialize)]
struct MedicalAudience {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "audienceType")]
    audience_type: &'static str,
}

/// A web site or periodical: its type, name and (for the site) address.
#[derive(Serialize)]
struct Named<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct Organization<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
}

#[derive(Serialize)]
struct Person<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "jobTitle", skip_serializing_if = "Option::is_none")]
    job_title: Option<&'a str>,
    name: &'a str,
}

/// A reviewer from the people registry: the profile page is the claim's evidence.
#[derive(Serialize)]
struct Reviewer<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "hasCredential", skip_serializing_if = "Option::is_none")]
    has_credential: Option<Credential<'a>>,
    #[serde(rename = "jobTitle", skip_serializing_if = "Option::is_none")]
    job_title: Option<&'a str>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct Credential<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
}

#[derive(Serialize)]
struct BreadcrumbList<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    item_list_element: Vec<ListItem<'a>>,
}

#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    item: String,
    name: std::borrow::Cow<'a, str>,
    position: usize,
}

#[derive(Serialize)]
struct CitedWork<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    author: Vec<Person<'a>>,
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    identifier: Vec<PropertyValue<'a>>,
    #[serde(rename = "isPartOf", skip_serializing_if = "Option::is_none")]
    is_part_of: Option<Named<'a>>,
    /// The title without its markup (`*S aureus*`, `<i>`): structured data is plain text.
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<Organization<'a>>,
    #[serde(rename = "sameAs", skip_serializing_if = "Option::is_none")]
    same_as: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct PropertyValue<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "propertyID")]
    property_id: &'static str,
    value: &'a str,
}

pub fn article_json_ld(
    site: &Site<'_>,
    article: &Article,
    references: &[Reference],
    urls: &Urls,
    reviewed: bool,
) -> String {
    let about = article
        .topics
        .iter()
        .map(|slug| {
            let (name, url) = topic_name_and_url(site, slug, urls);
            Thing {
                kind: "Thing",
                name,
                url,
            }
        })
        .collect();
    // schema.org's MedicalAudienceType has Clinician and Patient; "all" is written for both.
    let audience = |audience_type| MedicalAudience {
        kind: "MedicalAudience",
        audience_type,
    };
    let audience = match article.audience {
        Audience::Clinician => Audiences::One(audience("Clinician")),
        Audience::Patient => Audiences::One(audience("Patient")),
        Audience::All => Audiences::Both([audience("Clinician"), audience("Patient")]),
    };
    let approvals: Vec<&crate::parse::front_matter::Reviewer> = if reviewed {
        article
            .approval()
            .shown
            .iter()
            .filter_map(|&i| article.review().reviewers.get(i))
            .collect()
    } else {
        Vec::new()
    };
    let page = MedicalWebPage {
        context: "https://schema.org",
        kind: "MedicalWebPage",
        about,
        audience,
        author: article
            .authors()
            .iter()
            .filter_map(|id| site.people.get(id))
            .map(|person| registered_person(person, None, urls))
            .collect(),
        breadcrumb: breadcrumb(site, article, urls),
        citation: article
            .citations
            .order
            .iter()
            .map(|&r| citation(&references[r]))
            .collect(),
        date_created: article.created.map(|d| d.to_string()),
        date_modified: article.updated.map(|d| d.to_string()),
        description: super::context::excerpt(&article.answer.plain, 300),
        headline: article.headline(),
        in_language: &site.config.language,
        is_part_of: Named {
            kind: "WebSite",
            name: &site.config.title,
            url: Some(&urls.base_url),
        },
        last_reviewed: approvals.iter().filter_map(|r| r.date).max().map(|d| d.to_string()),
        name: &article.question,
        publisher: Organization {
            kind: "Organization",
            name: &site.config.publisher,
        },
        reviewed_by: reviewed.then(|| approvals.iter().filter_map(|r| reviewer(site, r, urls)).collect()),
        url: urls.absolute(&article_dir(&article.slug)),
        version: article.version,
    };
    // Serialising these plain structs cannot fail: every key is a string, no number a float.
    script_safe(&serde_json::to_string(&page).unwrap_or_default())
}

fn reviewer<'a>(
    site: &'a Site<'_>,
    entry: &'a crate::parse::front_matter::Reviewer,
    urls: &Urls,
) -> Option<Reviewer<'a>> {
    let person = entry.id.as_deref().and_then(|id| site.people.get(id));
    let Some(person) = person else {
        return entry.name.as_deref().map(|name| Reviewer {
            kind: "Person",
            has_credential: None,
            job_title: entry.role.as_deref(),
            name,
            url: None,
        });
    };
    Some(registered_person(person, entry.role.as_deref(), urls))
}

/// A person of the registry as a schema.org `Person`: an author, or a reviewer (whose
/// review role stands in when the registry gives none).
fn registered_person<'a>(person: &'a crate::people::Person, role: Option<&'a str>, urls: &Urls) -> Reviewer<'a> {
    Reviewer {
        kind: "Person",
        has_credential: person.credentials.as_deref().map(|name| Credential {
            kind: "EducationalOccupationalCredential",
            name,
        }),
        job_title: person.role.as_deref().or(role),
        name: &person.name,
        url: Some(urls.absolute(&super::urls::person_dir(&person.id))),
    }
}

/// A cited work: its kind, title, authors, year and identifiers (DOI first, as search
/// engines and reference managers match on it).
fn citation(reference: &Reference) -> CitedWork<'_> {
    let kind = match reference.kind {
        ReferenceKind::Research | ReferenceKind::Review => "ScholarlyArticle",
        ReferenceKind::Textbook => "Book",
        ReferenceKind::Web => "WebPage",
        ReferenceKind::Guideline | ReferenceKind::Other => "CreativeWork",
    };
    let mut identifier = Vec::new();
    if let Some(doi) = &reference.doi {
        identifier.push(PropertyValue {
            kind: "PropertyValue",
            property_id: "DOI",
            value: doi,
        });
    }
    if let Some(pmid) = &reference.pmid {
        identifier.push(PropertyValue {
            kind: "PropertyValue",
            property_id: "PMID",
            value: pmid,
        });
    }
    CitedWork {
        kind,
        author: reference
            .authors
            .iter()
            .map(|name| Person {
                kind: if is_group_author(name) {
                    "Organization"
                } else {
                    "Person"
                },
                job_title: None,
                name,
            })
            .collect(),
        date_published: reference
            .publication_date()
            .map(|d| d.to_string())
            .or_else(|| reference.year.map(|y| y.to_string())),
        identifier,
        is_part_of: reference.journal.as_deref().map(|journal| Named {
            kind: "Periodical",
            name: journal,
            url: None,
        }),
        name: super::title_markup::plain_text(&reference.title),
        publisher: match reference.journal {
            Some(_) => None,
            None => reference.publisher.as_deref().map(|publisher| Organization {
                kind: "Organization",
                name: publisher,
            }),
        },
        same_as: reference.doi.as_deref().map(doi_url),
        url: reference.url.as_deref().filter(|u| crate::html::is_safe_url(u)),
    }
}

/// Whether an author as the front matter writes them is a group ("American Diabetes
/// Association Professional Practice Committee", "WHO") rather than a person: a person
/// is a family name and then initials ("de Bono JS", "Smith JA Jr", "王 伟"), where the
/// initials are a short word with no lower-case letter.
fn is_group_author(name: &str) -> bool {
    const SUFFIXES: &[&str] = &["Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV", "2nd", "3rd", "4th"];
    let mut words: Vec<&str> = name.split_whitespace().collect();
    if words.len() > 2 && words.last().is_some_and(|w| SUFFIXES.contains(w)) {
        words.pop();
    }
    let Some((initials, family)) = words.split_last() else {
        return true;
    };
    let initials_like = initials.chars().count() <= 4
        && initials
            .chars()
            .all(|c| c == '-' || (c.is_alphabetic() && !c.is_lowercase()));
    family.is_empty() || !initials_like
}

/// Home → primary topic → the article, as the page's breadcrumb trail shows it.
fn breadcrumb<'a>(site: &'a Site<'_>, article: &'a Article, urls: &Urls) -> BreadcrumbList<'a> {
    let mut trail: Vec<(std::borrow::Cow<'a, str>, String)> =
        vec![(site.config.title.as_str().into(), urls.absolute(""))];
    if let Some(slug) = article.topics.first() {
        let (name, url) = topic_name_and_url(site, slug, urls);
        trail.push((name.into(), url));
    }
    trail.push((
        article.question.as_ref().into(),
        urls.absolute(&article_dir(&article.slug)),
    ));
    BreadcrumbList {
        kind: "BreadcrumbList",
        item_list_element: trail
            .into_iter()
            .enumerate()
            .map(|(i, (name, item))| ListItem {
                kind: "ListItem",
                item,
                name,
                position: i + 1,
            })
            .collect(),
    }
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
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    let mut rest = json;
    // Bytes, not characters: the three are ASCII, and a byte loop is several times faster
    // than a search for any of a set of characters.
    while let Some(at) = rest.bytes().position(|b| matches!(b, b'<' | b'>' | b'&')) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            _ => "\\u0026",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cited_work_is_dated_to_its_day_when_known() {
        let mut reference = crate::bibliography::blank_reference("a".into(), ReferenceKind::Web, "A page".into());
        reference.year = Some(2024);
        let year_only = serde_json::to_value(citation(&reference)).unwrap();
        assert_eq!(year_only["datePublished"], "2024");
        reference.date = crate::date::PublicationDate::parse_iso("2024-03-07");
        let dated = serde_json::to_value(citation(&reference)).unwrap();
        assert_eq!(dated["datePublished"], "2024-03-07");
    }

    #[test]
    fn group_authors_are_organizations() {
        for group in [
            "American Diabetes Association Professional Practice Committee",
            "WHO",
            "National Institute for Health and Care Excellence",
            "Writing Group for the PSMAfore Investigators",
        ] {
            assert!(is_group_author(group), "{group}");
        }
        for person in [
            "Sartor O",
            "de Bono JS",
            "van der Berg A",
            "Smith JA Jr",
            "Given CA 2nd",
            "Ødegård Å",
            "王 伟",
        ] {
            assert!(!is_group_author(person), "{person}");
        }
    }
    use serde_json::{Value, json};

    #[test]
    fn script_breakouts_are_escaped() {
        let name = "</script><script>alert(1)</script> <!-- & -->";
        let text = script_safe(&json!({ "name": name }).to_string());
        assert!(!text.contains(['<', '>', '&']), "{text}");
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], name);
    }
}
