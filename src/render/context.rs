//! The typed context templates receive (documented in docs/templates.md). Each article's view is
//! built once and shared by every page that shows it.

use super::json_ld::article_json_ld;
use super::reference::{doi_url, format_reference, pmc_url, pubmed_url};
use super::urls::{Urls, article_dir, page_dir, person_dir, topic_dir};
use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::link::{Site, Topic};
use crate::parse::article::Article;
use crate::parse::front_matter::{Reference, ReviewStatus};
use crate::parse::headings::TocItem;
use crate::parse::markdown::TocEntry;
use crate::parse::page::Page;
use crate::review::ReviewState;
use crate::review::queue::QueueEntry;
use crate::site_path::rebase;
use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};
use std::borrow::Cow;
use std::fmt;

#[derive(Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub language: String,
    pub base_url: String,
    pub base_path: String,
    pub publisher: String,
    pub topics: Vec<TopicView>,
    pub pages: Vec<PageLink>,
    pub policy_url: Option<String>,
    pub disclaimer_url: Option<String>,
    pub counts: Counts,
}

#[derive(Clone, PartialEq)]
pub struct TopicView {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub url: String,
    pub count: usize,
    /// The view as a template holds it, made once (`TopicView::new`): every question a
    /// listing shows carries its primary topic, and Tera's values share their parts, so a
    /// page is given this one instead of a copy made anew for each question.
    as_tera: AsTera,
}

impl TopicView {
    pub fn new(slug: String, title: String, description: String, url: String, count: usize) -> TopicView {
        let mut view = TopicView {
            slug,
            title,
            description,
            url,
            count,
            as_tera: AsTera(None),
        };
        view.as_tera = AsTera(tera::Value::try_from_serializable(&view.fields()).ok());
        view
    }

    fn fields(&self) -> TopicFields<'_> {
        TopicFields {
            slug: &self.slug,
            title: &self.title,
            description: &self.description,
            url: &self.url,
            count: self.count,
        }
    }
}

/// What a template is given of a topic.
#[derive(Serialize)]
struct TopicFields<'a> {
    slug: &'a str,
    title: &'a str,
    description: &'a str,
    url: &'a str,
    count: usize,
}

/// A value made from the fields beside it: equal whenever they are.
#[derive(Clone)]
struct AsTera(Option<tera::Value>);

impl PartialEq for AsTera {
    fn eq(&self, _: &AsTera) -> bool {
        true
    }
}

impl Serialize for TopicView {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Only while a page's context is made (`page_key::into_tera`): Tera takes its own
        // value back as it is, where any other serializer (a page's key, JSON) would get
        // the entries of a map in no fixed order.
        match &self.as_tera.0 {
            Some(value) if super::page_key::into_tera() => value.serialize(serializer),
            _ => self.fields().serialize(serializer),
        }
    }
}

#[derive(Serialize)]
pub struct PageLink {
    pub title: String,
    pub url: String,
}

#[derive(Default, Serialize)]
pub struct Counts {
    pub total: usize,
    pub draft: usize,
    pub submitted: usize,
    pub under_review: usize,
    /// Verified approvals only.
    pub approved: usize,
    /// Approved once but changed since (counted under `under_review` too).
    pub changed_since_approval: usize,
    /// Approved, but past the date the review fell due (counted under `approved` too).
    pub overdue: usize,
}

#[derive(Clone, Serialize)]
pub struct DateView {
    pub iso: String,
    pub display: String,
}

impl From<Date> for DateView {
    fn from(date: Date) -> DateView {
        DateView {
            iso: date.to_string(),
            display: date.display(),
        }
    }
}

/// An article as listings show it. Every listing page shares one per article for the
/// whole render, so it borrows what the article holds, and what is made of it (its
/// address, its dates) is made when a page shows it: held for every article through the
/// render, those strings were a fifth of a kilobyte an article.
#[derive(Clone, Copy)]
pub struct SummaryView<'a> {
    article: &'a Article,
    /// Where the site's paths begin (`Urls::base_path`).
    base_path: &'a str,
    /// Cut once: every listing of the article shows the same.
    pub answer_text: Excerpt<'a>,
    pub primary_topic: Option<&'a TopicView>,
}

impl<'a> SummaryView<'a> {
    pub const FIELDS: usize = 12;

    pub fn slug(&self) -> &'a str {
        &self.article.slug
    }

    /// The article's page, site-absolute.
    pub fn url(&self) -> String {
        format!("{}{}", self.base_path, article_dir(&self.article.slug))
    }

    pub fn question(&self) -> &'a str {
        &self.article.question
    }

    /// The review status listings show (`ReviewState::shown_status`).
    pub fn status(&self) -> &'static str {
        self.article.review_state.shown_status().as_str()
    }

    pub fn status_label(&self) -> &'static str {
        status_label(&self.article.review_state)
    }

    pub fn reviewed(&self) -> bool {
        self.article.review_state.is_reviewed()
    }

    /// Approved once, but the text changed since; shown as under review.
    pub fn changed_since_approval(&self) -> bool {
        self.article.review_state.is_stale()
    }

    /// Writes every field into `fields`: `SummaryView` serialises through this, and so does
    /// a related question, whose summary's fields sit beside its own. (serde's `flatten`
    /// would do the same through a map whose keys are allocated strings, for each of a
    /// page's related questions: 3 % of a build's instructions.)
    pub fn serialize_fields<S: SerializeStruct>(&self, fields: &mut S) -> Result<(), S::Error> {
        let article = self.article;
        fields.serialize_field("slug", self.slug())?;
        fields.serialize_field("url", &self.url())?;
        fields.serialize_field("question", self.question())?;
        fields.serialize_field("title", &article.title())?;
        fields.serialize_field("answer_text", &self.answer_text)?;
        fields.serialize_field("updated", &article.updated.map(DateView::from))?;
        fields.serialize_field("version", &article.version)?;
        fields.serialize_field("status", self.status())?;
        fields.serialize_field("status_label", self.status_label())?;
        fields.serialize_field("reviewed", &self.reviewed())?;
        fields.serialize_field("changed_since_approval", &self.changed_since_approval())?;
        fields.serialize_field("primary_topic", &self.primary_topic)
    }
}

impl Serialize for SummaryView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut fields = serializer.serialize_struct("SummaryView", Self::FIELDS)?;
        self.serialize_fields(&mut fields)?;
        fields.end()
    }
}

#[derive(Serialize)]
pub struct ArticleView<'a> {
    pub slug: &'a str,
    pub url: String,
    pub permalink: String,
    pub question: &'a str,
    pub title: Option<&'a str>,
    pub answer_html: Cow<'a, str>,
    /// The bottom line as plain text, for meta descriptions.
    pub answer_text: String,
    pub plain_answer_html: Option<Cow<'a, str>>,
    pub body_html: Cow<'a, str>,
    pub toc: Vec<TocItem<'a>>,
    pub audience: &'static str,
    pub audience_label: &'static str,
    pub topics: Vec<TopicView>,
    pub created: Option<DateView>,
    pub updated: Option<DateView>,
    pub version: u32,
    pub changes: Vec<ChangeView<'a>>,
    pub review: ReviewView<'a>,
    pub references: Vec<ReferenceView<'a>>,
    /// Strongest first, each with why it is listed.
    pub related: Vec<super::graph::RelatedView<'a>>,
    /// Questions whose editors link here, except those already among `related`.
    pub backlinks: Vec<&'a SummaryView<'a>>,
    pub json_ld: String,
    pub has_code: bool,
    /// `/questions/<slug>/history/`, when the build writes history pages.
    pub history_url: Option<String>,
    /// Evident's review banner (trusted HTML): templates place it, and only it may say
    /// whether the page was reviewed (`render::banner`).
    pub review_banner: String,
    /// The review's progress (tracker, what a review covers), placed lower on the page
    /// than the banner (`{{ article.review_progress | safe }}`): readers come for the answer.
    pub review_progress: String,
    /// Who wrote it, from the people registry, in the order the article names them.
    pub authors: Vec<AuthorView>,
    /// Funding, conflicts of interest, and what each named author and reviewer declares.
    pub disclosures: DisclosuresView<'a>,
    /// The strength of the evidence behind the answer, or null.
    pub grade: Option<GradeView>,
    /// Where a reader reports a problem with this page (`feedback_url`), or null.
    pub feedback_url: Option<String>,
}

#[derive(Serialize)]
pub struct AuthorView {
    pub id: String,
    /// The name with credentials ("Jane Example, MD"); the id for one not registered.
    pub name: String,
    /// The profile page, or null for an id that is not registered.
    pub url: Option<String>,
}

#[derive(Serialize)]
pub struct DisclosuresView<'a> {
    /// As the article writes it ("None declared" is a statement), or null: not stated.
    pub funding: Option<&'a str>,
    pub conflicts: Option<&'a str>,
    /// The named authors, then the reviewers the page names, each once.
    pub people: Vec<PersonDisclosureView<'a>>,
}

#[derive(Serialize)]
pub struct PersonDisclosureView<'a> {
    pub name: String,
    pub url: String,
    /// "Author", "Reviewer", or "Author and reviewer".
    pub role: &'static str,
    /// Null when the person declares nothing (a finding).
    pub disclosures: Option<&'a str>,
}

#[derive(Serialize)]
pub struct GradeView {
    /// As the scale writes it ("A", "moderate").
    pub value: String,
    /// "Strength of recommendation: A (SORT)".
    pub label: String,
    /// "SORT" or "GRADE", once the site's scale is known.
    pub scale: Option<&'static str>,
    /// The grading legend on the editorial-policy page, or null when the site has none.
    pub legend_url: Option<String>,
}

#[derive(Serialize)]
pub struct ChangeView<'a> {
    pub version: u32,
    pub date: DateView,
    pub summary: &'a str,
}

#[derive(Serialize)]
pub struct ReviewView<'a> {
    pub status: &'static str,
    pub status_label: &'static str,
    pub reviewed: bool,
    pub reviewers: Vec<ReviewerView<'a>>,
    pub last_reviewed: Option<DateView>,
    /// When the approval must be renewed (reviewed pages only).
    pub next_due: Option<DateView>,
    /// The review is past `next_due`: the page still names the reviewers, and says so.
    pub overdue: bool,
    pub steps: Vec<StepView>,
    /// Approved once, but the text changed since: the page names no reviewer then (they
    /// did not see this text), only when the earlier version was reviewed.
    pub changed_since_approval: bool,
    pub earlier_review: Option<DateView>,
    /// The history page, where a reader sees what changed since that review.
    pub history_url: Option<String>,
}

#[derive(Serialize)]
pub struct ReviewerView<'a> {
    /// The name with credentials, from the people registry ("Jane Example, MD").
    pub name: String,
    pub role: Option<&'a str>,
    pub date: Option<DateView>,
    /// The registry id, or null for a name written by hand.
    pub id: Option<&'a str>,
    /// The profile page, or null.
    pub url: Option<String>,
}

/// Who a person is, as their profile and the people index both show them.
#[derive(Serialize)]
pub struct PersonFacts<'a> {
    pub id: &'a str,
    pub name: &'a str,
    /// The name with credentials.
    pub display_name: String,
    pub credentials: Option<&'a str>,
    pub role: Option<&'a str>,
    pub affiliation: Option<&'a str>,
    pub specialties: &'a [String],
    pub disclosures: Option<&'a str>,
    pub bio_html: Cow<'a, str>,
    pub url: String,
}

/// One page of a person's profile. A reviewer of a large site approves thousands of
/// questions: the profile is split into pages of `LISTING_PAGE_SIZE`, page k listing the
/// k-th hundred of each list.
#[derive(Serialize)]
pub struct PersonView<'a> {
    #[serde(flatten)]
    pub facts: PersonFacts<'a>,
    /// This page's published questions whose current approval names this person, newest first.
    pub approvals: Vec<PersonApprovalView<'a>>,
    /// This page's published questions that name this person as an author, in site order.
    pub authored: Vec<&'a SummaryView<'a>>,
    /// How many entries each list holds on all pages.
    pub approvals_total: usize,
    pub authored_total: usize,
}

/// A person as the people index lists them: who they are and how long their lists are,
/// counted without making the lists (the index of a large site would otherwise hold every
/// approval of every reviewer at once).
#[derive(Serialize)]
pub struct PersonEntryView<'a> {
    #[serde(flatten)]
    pub facts: PersonFacts<'a>,
    pub approvals_total: usize,
    pub authored_total: usize,
}

#[derive(Serialize)]
pub struct PersonApprovalView<'a> {
    pub article: &'a SummaryView<'a>,
    pub role: Option<&'a str>,
    pub date: DateView,
}

/// A person's two lists as plain facts, in the order their profile shows them: made once
/// for all of the profile's pages and the people index, and only a page's entries become
/// views.
#[derive(Debug, Default)]
pub struct PersonEntries<'a> {
    /// The published questions whose current approval names them (the article's index,
    /// the role, the date), newest first.
    pub approvals: Vec<(usize, Option<&'a str>, Date)>,
    /// The published questions that name them as an author, by index, in site order.
    pub authored: Vec<usize>,
}

impl PersonEntries<'_> {
    /// How many pages the profile takes: as many as its longer list needs.
    pub fn pages(&self) -> usize {
        listing_pages(self.approvals.len().max(self.authored.len()))
    }
}

/// The shown approvals of a published `article` that name a person, with that person's id:
/// what a profile lists and the index counts.
fn approvals_naming<'a>(article: &'a Article) -> impl Iterator<Item = (&'a str, Option<&'a str>, Date)> + 'a {
    article
        .review_state
        .is_reviewed()
        .then_some(&article.approval().shown)
        .into_iter()
        .flatten()
        .filter_map(|&i| article.review().reviewers.get(i))
        .filter_map(|r| Some((r.id.as_deref()?, r.role.as_deref(), r.date?)))
}

/// Every registered person's lists, in registry order, in one pass over the articles.
pub fn people_entries<'a>(site: &'a Site<'_>) -> Vec<PersonEntries<'a>> {
    let people = &site.people.people;
    let index_of: std::collections::HashMap<&str, usize> =
        people.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
    let mut entries: Vec<PersonEntries<'a>> = people.iter().map(|_| PersonEntries::default()).collect();
    for (index, article) in site.articles.iter().enumerate() {
        for (id, role, date) in approvals_naming(article) {
            if let Some(&i) = index_of.get(id) {
                entries[i].approvals.push((index, role, date));
            }
        }
        // Once per article, however often it names them.
        for (position, author) in article.authors().iter().enumerate() {
            let first_naming = !article.authors()[..position].contains(author);
            if first_naming && let Some(&i) = index_of.get(author.as_str()) {
                entries[i].authored.push(index);
            }
        }
    }
    for person in &mut entries {
        person.approvals.sort_by(|a, b| {
            b.2.cmp(&a.2)
                .then_with(|| site.articles[a.0].slug.cmp(&site.articles[b.0].slug))
        });
    }
    entries
}

fn person_facts<'a>(person: &'a crate::people::Person, urls: &Urls) -> PersonFacts<'a> {
    PersonFacts {
        id: &person.id,
        name: &person.name,
        display_name: person.display_name(),
        credentials: person.credentials.as_deref(),
        role: person.role.as_deref(),
        affiliation: person.affiliation.as_deref(),
        specialties: &person.specialties,
        disclosures: person.disclosures.as_deref(),
        bio_html: rebase(&person.bio_html, &urls.base_path),
        url: urls.path(&person_dir(&person.id)),
    }
}

/// Every registered person with how many questions they approved and wrote (`entries`,
/// from `people_entries`).
pub fn people_views<'a>(site: &'a Site<'_>, urls: &Urls, entries: &[PersonEntries<'_>]) -> Vec<PersonEntryView<'a>> {
    site.people
        .people
        .iter()
        .zip(entries)
        .map(|(person, entries)| PersonEntryView {
            facts: person_facts(person, urls),
            approvals_total: entries.approvals.len(),
            authored_total: entries.authored.len(),
        })
        .collect()
}

/// Page `page` (from 0) of one person's profile: who they are, and that page's share of
/// `entries`, the published approvals that name them and the questions they wrote.
pub fn person_view<'a>(
    person: &'a crate::people::Person,
    entries: &PersonEntries<'a>,
    urls: &Urls,
    summaries: &'a [SummaryView<'a>],
    page: usize,
) -> (PersonView<'a>, PaginationView) {
    let (approvals, authored) = (&entries.approvals, &entries.authored);
    let longest = approvals.len().max(authored.len());
    let pagination = pagination_view(page, entries.pages(), longest, urls, |page| {
        listing_page_dir(&person_dir(&person.id), page)
    });
    let view = PersonView {
        facts: person_facts(person, urls),
        approvals: page_of(approvals, page)
            .iter()
            .map(|&(index, role, date)| PersonApprovalView {
                article: &summaries[index],
                role,
                date: DateView::from(date),
            })
            .collect(),
        authored: page_of(authored, page).iter().map(|&i| &summaries[i]).collect(),
        approvals_total: approvals.len(),
        authored_total: authored.len(),
    };
    (view, pagination)
}

/// The reviewers a page may name (`Approval::shown`), each resolved in the registry.
pub fn reviewer_views<'a>(
    article: &'a Article,
    people: &'a crate::people::Registry,
    urls: &Urls,
) -> Vec<ReviewerView<'a>> {
    if !article.review_state.is_reviewed() {
        return Vec::new();
    }
    article
        .approval()
        .shown
        .iter()
        .filter_map(|&i| article.review().reviewers.get(i))
        .filter_map(|r| {
            let person = r.id.as_deref().and_then(|id| people.get(id));
            let name = match (person, &r.name) {
                (Some(person), _) => person.display_name(),
                (None, Some(name)) => name.clone(),
                (None, None) => return None,
            };
            Some(ReviewerView {
                name,
                role: r.role.as_deref(),
                date: r.date.map(DateView::from),
                id: person.map(|p| p.id.as_str()),
                url: person.map(|p| urls.path(&person_dir(&p.id))),
            })
        })
        .collect()
}

#[derive(Serialize)]
pub struct StepView {
    pub key: &'static str,
    pub label: &'static str,
    pub state: &'static str,
}

#[derive(Serialize)]
pub struct ReferenceView<'a> {
    pub number: usize,
    pub id: &'a str,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub html: String,
    pub doi: Option<&'a str>,
    pub doi_url: Option<String>,
    pub pmid: Option<&'a str>,
    pub pubmed_url: Option<String>,
    pub pmcid: Option<&'a str>,
    pub pmc_url: Option<String>,
    pub url: Option<&'a str>,
    pub backref: Option<String>,
}

#[derive(Serialize)]
pub struct PageView<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub body_html: Cow<'a, str>,
    pub url: String,
    pub permalink: String,
    pub updated: Option<DateView>,
    pub toc: &'a [TocEntry],
}

/// Everything about the site that every template sees, built once per build.
pub fn site_view(site: &Site<'_>, urls: &Urls, topic_views: &[TopicView]) -> SiteView {
    let mut counts = Counts {
        total: site.articles.len(),
        ..Counts::default()
    };
    for article in &site.articles {
        if article.review_state.is_stale() {
            counts.changed_since_approval += 1;
        }
        if article.review_state.is_reviewed() && article.approval().overdue {
            counts.overdue += 1;
        }
        match article.review_state.shown_status() {
            ReviewStatus::Draft => counts.draft += 1,
            ReviewStatus::Submitted => counts.submitted += 1,
            ReviewStatus::UnderReview => counts.under_review += 1,
            ReviewStatus::Approved => counts.approved += 1,
        }
    }
    let page_url = |slug: &str| plain_page_url(site, urls, slug);
    SiteView {
        title: site.config.title.clone(),
        description: site.config.description.clone(),
        language: site.config.language.clone(),
        base_url: urls.base_url.clone(),
        base_path: urls.base_path.clone(),
        publisher: site.config.publisher.clone(),
        topics: topic_views.to_vec(),
        pages: site
            .pages
            .iter()
            .map(|p| PageLink {
                title: p.title.clone(),
                url: urls.path(&page_dir(&p.slug)),
            })
            .collect(),
        policy_url: page_url("editorial-policy"),
        disclaimer_url: page_url("disclaimer"),
        counts,
    }
}

/// The address of the plain page `slug` (`editorial-policy`, `disclaimer`), if the site has it.
pub fn plain_page_url(site: &Site<'_>, urls: &Urls, slug: &str) -> Option<String> {
    site.pages
        .iter()
        .find(|p| p.slug == slug)
        .map(|p| urls.path(&page_dir(&p.slug)))
}

/// Renders the review banner and the review's progress into `view`.
pub fn place_banner(view: &mut ArticleView<'_>, site: &Site<'_>, urls: &Urls) -> Result<(), Diagnostic> {
    let policy = plain_page_url(site, urls, "editorial-policy");
    if view.review.changed_since_approval {
        view.review.history_url.clone_from(&view.history_url);
    }
    let placed = super::banner::render_banner(&view.review, &site.config.publisher, policy.as_deref())?;
    view.review_banner = placed.banner;
    view.review_progress = placed.progress;
    Ok(())
}

/// Evident's own parts of the page `view` makes (its banner placed by `place_banner`),
/// which the guard checks the rendered page against. Borrowed from the view, which
/// outlives the page: the body alone is tens of kilobytes an article.
pub fn own_parts<'v>(view: &'v ArticleView<'_>) -> super::banner::OwnParts<'v> {
    let escaped = |text: &str| {
        let mut out = Vec::new();
        // Writing into a Vec cannot fail.
        let _ = tera::escape_html(text, &mut out);
        Cow::Owned(String::from_utf8_lossy(&out).into_owned())
    };
    let mut fragments: Vec<Cow<'v, str>> = vec![
        Cow::Borrowed(view.json_ld.as_str()),
        Cow::Borrowed(&*view.answer_html),
        Cow::Borrowed(&*view.body_html),
        escaped(view.question),
        escaped(&view.answer_text),
    ];
    fragments.extend(view.plain_answer_html.as_deref().map(Cow::Borrowed));
    fragments.extend(view.title.map(escaped));
    fragments.extend(view.references.iter().map(|r| Cow::Borrowed(r.html.as_str())));
    fragments.extend(view.changes.iter().map(|c| escaped(c.summary)));
    fragments.push(Cow::Borrowed(view.review_progress.as_str()));
    super::banner::OwnParts {
        banner: &view.review_banner,
        fragments,
    }
}

pub fn topic_view(topic: &Topic, urls: &Urls) -> TopicView {
    TopicView::new(
        topic.slug.clone(),
        topic.title.clone(),
        topic.description.clone(),
        urls.path(&topic_dir(&topic.slug)),
        topic.articles.len(),
    )
}

pub fn summary_view<'a>(article: &'a Article, urls: &'a Urls, topic_views: &'a [TopicView]) -> SummaryView<'a> {
    SummaryView {
        article,
        base_path: &urls.base_path,
        answer_text: Excerpt::of(&article.answer.plain, 300),
        primary_topic: article
            .topics
            .first()
            .and_then(|slug| topic_views.iter().find(|t| &t.slug == slug)),
    }
}

pub fn article_view<'a>(
    site: &'a Site<'_>,
    index: usize,
    urls: &Urls,
    topic_views: &[TopicView],
    summaries: &'a [SummaryView<'a>],
    body_html: &'a str,
    references: &'a [Reference],
) -> Result<ArticleView<'a>, crate::packed::UnpackError> {
    let article: &'a Article = site.articles[index];
    let mut view = article_content_view(article, &site.people, body_html, references, urls, topic_views)?;
    restyle_references(&mut view, article, references, &site.config.citations.style);
    view.json_ld = article_json_ld(site, article, references, urls, view.review.reviewed);
    complete_standards(&mut view, site, urls);
    view.related = super::graph::related_views(site, index, summaries);
    // A question already among the related ones is not listed a second time.
    view.backlinks = site.backlinks[index]
        .iter()
        .filter(|&&i| !site.related[index].iter().any(|r| r.index() == i as usize))
        .map(|&i| &summaries[i as usize])
        .collect();
    Ok(view)
}

/// Puts the article's body (`Body::html`, unpacked) in a view made without it.
pub fn place_body<'a>(view: &mut ArticleView<'a>, body_html: &'a str, urls: &Urls) {
    view.body_html = rebase(body_html, &urls.base_path);
}

/// Formats the reference list in the site's `citations.style` (the content view uses AMA).
/// `references` are the article's, as typed (`References::typed`).
pub fn restyle_references(view: &mut ArticleView<'_>, article: &Article, references: &[Reference], style: &str) {
    if style == "ama" {
        return;
    }
    for (entry, &index) in view.references.iter_mut().zip(&article.citations.order) {
        if let Some(reference) = references.get(index) {
            entry.html = format_reference(reference, style);
        }
    }
}

/// An article's own content — text, references, review — without what the rest of the
/// site adds (related questions, backlinks, JSON-LD): all an earlier version's page shows.
/// `body_html` is the article's body unpacked (`Body::html`), `references` its references
/// as typed (`References::typed`); the answers' HTML is read back here (`Answer::html`).
pub fn article_content_view<'a>(
    article: &'a Article,
    people: &'a crate::people::Registry,
    body_html: &'a str,
    references: &'a [Reference],
    urls: &Urls,
    topic_views: &[TopicView],
) -> Result<ArticleView<'a>, crate::packed::UnpackError> {
    let reviewed = article.review_state.is_reviewed();
    let shown = article.review_state.shown_status();
    let references = article
        .citations
        .order
        .iter()
        .enumerate()
        .map(|(n, &r)| {
            let reference = &references[r];
            ReferenceView {
                number: n + 1,
                id: &reference.id,
                kind: reference.kind.as_str(),
                kind_label: reference.kind.label(),
                html: format_reference(reference, "ama"),
                doi: reference.doi.as_deref(),
                doi_url: reference.doi.as_deref().map(doi_url),
                pmid: reference.pmid.as_deref(),
                pubmed_url: reference.pmid.as_deref().map(pubmed_url),
                pmcid: reference.pmcid.as_deref(),
                pmc_url: reference.pmcid.as_deref().map(pmc_url),
                url: reference.url.as_deref().filter(|u| crate::html::is_safe_url(u)),
                backref: article.citations.first_marker_id(n),
            }
        })
        .collect();
    // No review claim of any kind unless the approval matches the text: a stale approval's
    // reviewers approved other words than the reader sees.
    let reviewers = reviewer_views(article, people, urls);
    let review = ReviewView {
        status: shown.as_str(),
        status_label: status_label(&article.review_state),
        reviewed,
        last_reviewed: reviewers
            .iter()
            .filter_map(|r| r.date.clone())
            .max_by(|a, b| a.iso.cmp(&b.iso)),
        reviewers,
        next_due: article.approval().next_due.filter(|_| reviewed).map(DateView::from),
        overdue: reviewed && article.approval().overdue,
        steps: review_steps(shown),
        changed_since_approval: article.review_state.is_stale(),
        earlier_review: earlier_review(article).map(DateView::from),
        history_url: None,
    };
    let path = article_dir(&article.slug);
    let plain_answer_html = match article.plain_answer() {
        Some(answer) => Some(rebased(answer.html()?, &urls.base_path)),
        None => None,
    };
    Ok(ArticleView {
        slug: &article.slug,
        url: urls.path(&path),
        permalink: urls.absolute(&path),
        question: &article.question,
        title: article.title(),
        answer_html: rebased(article.answer.html()?, &urls.base_path),
        answer_text: excerpt(&article.answer.plain, 300),
        plain_answer_html,
        body_html: rebase(body_html, &urls.base_path),
        toc: article.body.headings.toc().collect(),
        audience: article.audience.as_str(),
        audience_label: article.audience.label(),
        topics: article
            .topics
            .iter()
            .filter_map(|slug| topic_views.iter().find(|t| &t.slug == slug).cloned())
            .collect(),
        created: article.created.map(DateView::from),
        updated: article.updated.map(DateView::from),
        version: article.version,
        changes: article
            .changes()
            .iter()
            .map(|c| ChangeView {
                version: c.version,
                date: c.date.into(),
                summary: &c.summary,
            })
            .collect(),
        json_ld: String::new(),
        review,
        references,
        related: Vec::new(),
        backlinks: Vec::new(),
        has_code: article.body.has_code,
        history_url: None,
        authors: article
            .authors()
            .iter()
            .map(|id| match people.get(id) {
                Some(person) => AuthorView {
                    id: id.clone(),
                    name: person.display_name(),
                    url: Some(urls.path(&person_dir(id))),
                },
                None => AuthorView {
                    id: id.clone(),
                    name: id.clone(),
                    url: None,
                },
            })
            .collect(),
        disclosures: disclosures_view(article, people, urls),
        grade: article.grade().map(|written| GradeView {
            value: written.trim().to_string(),
            label: written.trim().to_string(),
            scale: None,
            legend_url: None,
        }),
        feedback_url: None,
        review_banner: String::new(),
        review_progress: String::new(),
    })
}

/// `html`, read back for one page, with the site's own links made relative to its base.
fn rebased(html: String, base_path: &str) -> Cow<'static, str> {
    let changed = match rebase(&html, base_path) {
        Cow::Owned(rebased) => Some(rebased),
        Cow::Borrowed(_) => None,
    };
    Cow::Owned(changed.unwrap_or(html))
}

/// The article's own statements, then each registered author and each reviewer the page
/// names (only while it may name them) with what they declare.
fn disclosures_view<'a>(article: &'a Article, people: &'a crate::people::Registry, urls: &Urls) -> DisclosuresView<'a> {
    let reviewers: Vec<&str> = if article.review_state.is_reviewed() {
        article
            .approval()
            .shown
            .iter()
            .filter_map(|&i| article.review().reviewers.get(i)?.id.as_deref())
            .collect()
    } else {
        Vec::new()
    };
    let mut ids: Vec<&str> = article.authors().iter().map(String::as_str).collect();
    ids.extend(reviewers.iter().copied());
    let mut seen = std::collections::BTreeSet::new();
    let listed = ids
        .into_iter()
        .filter(|id| seen.insert(*id))
        .filter_map(|id| people.get(id))
        .map(|person| {
            let author = article.authors().contains(&person.id);
            let reviewer = reviewers.contains(&person.id.as_str());
            PersonDisclosureView {
                name: person.display_name(),
                url: urls.path(&person_dir(&person.id)),
                role: match (author, reviewer) {
                    (true, true) => "Author and reviewer",
                    (true, false) => "Author",
                    _ => "Reviewer",
                },
                disclosures: person.disclosures.as_deref().filter(|d| !d.trim().is_empty()),
            }
        })
        .collect();
    // A blank statement says nothing: the page says "Not stated", as the audit does.
    let stated = |value: Option<&'a str>| value.filter(|v| !v.trim().is_empty());
    DisclosuresView {
        funding: stated(article.funding()),
        conflicts: stated(article.conflicts()),
        people: listed,
    }
}

/// Fills in what the site adds to an article's standards: the grade on the site's scale
/// with its legend, and the feedback address.
pub fn complete_standards(view: &mut ArticleView<'_>, site: &Site<'_>, urls: &Urls) {
    let policy_url = site
        .pages
        .iter()
        .find(|p| p.slug == "editorial-policy")
        .map(|p| urls.path(&page_dir(&p.slug)));
    let scale = site.config.standards.grading;
    if let Some(grade) = view.grade.as_mut() {
        if let Some(value) = scale.parse(&grade.value) {
            grade.value = value.to_string();
            grade.label = scale.label(value);
            grade.scale = Some(scale.name());
        }
        grade.legend_url = policy_url.as_deref().map(|url| format!("{url}#evidence-grades"));
    }
    view.feedback_url = site
        .config
        .feedback_url
        .as_deref()
        .map(|template| crate::standards::config::feedback_url(template, view.slug, &view.permalink, view.version));
}

pub fn page_view<'a>(page: &'a Page, urls: &Urls) -> PageView<'a> {
    let path = page_dir(&page.slug);
    PageView {
        slug: &page.slug,
        title: &page.title,
        description: page.description.as_deref(),
        body_html: rebase(&page.body.html, &urls.base_path),
        url: urls.path(&path),
        permalink: urls.absolute(&path),
        updated: page.updated.map(DateView::from),
        toc: &page.body.toc,
    }
}

/// One article awaiting review, as the queue page shows it.
#[derive(Serialize)]
pub struct QueueItemView<'a> {
    pub article: &'a SummaryView<'a>,
    pub since: Option<DateView>,
    pub reviewer: Option<&'a str>,
    /// "the body and the references" for a stale approval, else null.
    pub changed: Option<String>,
    /// The history page's "changed since approval" diff, when history holds the approved text.
    pub diff_url: Option<String>,
}

/// Where each article's summary stands in the site's list of summaries, by slug.
fn summary_index<'a>(site: &'a Site<'_>) -> std::collections::HashMap<&'a str, usize> {
    site.articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.slug.as_ref(), i))
        .collect()
}

/// How many entries one page of a long listing shows: the review queue and the overdue
/// reviews beneath it, a topic's questions, a person's approvals and questions. A site where nearly every question awaits review made one queue page of them
/// all (4 MB at 10,000 articles, and the largest thing a build held while it rendered it),
/// and a topic of a large site is tens of thousands of questions; nobody reads such a page.
pub const LISTING_PAGE_SIZE: usize = 100;

/// How many pages a listing of `entries` takes: one, even when it is empty.
pub fn listing_pages(entries: usize) -> usize {
    entries.div_ceil(LISTING_PAGE_SIZE).max(1)
}

/// The entries of page `page` (from 0) of a listing of `entries`, and where the page stands
/// among the others, whose folders `dir_of` names.
pub fn listing_page<'e, T>(
    entries: &'e [T],
    page: usize,
    urls: &Urls,
    dir_of: impl Fn(usize) -> String,
) -> (&'e [T], PaginationView) {
    let pagination = pagination_view(page, listing_pages(entries.len()), entries.len(), urls, dir_of);
    (page_of(entries, page), pagination)
}

/// Page `page` (from 0) of `entries`: empty past the end, for a page that shows two lists
/// of which this is the shorter.
pub fn page_of<T>(entries: &[T], page: usize) -> &[T] {
    let start = page.saturating_mul(LISTING_PAGE_SIZE).min(entries.len());
    let end = start.saturating_add(LISTING_PAGE_SIZE).min(entries.len());
    &entries[start..end]
}

/// Where page `page` (from 0) of `pages` stands, with the folders of its neighbours.
pub fn pagination_view(
    page: usize,
    pages: usize,
    total: usize,
    urls: &Urls,
    dir_of: impl Fn(usize) -> String,
) -> PaginationView {
    PaginationView {
        page: page + 1,
        pages,
        total,
        previous_url: (page > 0).then(|| urls.path(&dir_of(page - 1))),
        next_url: (page + 1 < pages).then(|| urls.path(&dir_of(page + 1))),
    }
}

/// The folder of page `page` (from 0) of a listing whose first page is `dir`: `dir`, then
/// `dir/page/2/`…
pub fn listing_page_dir(dir: &str, page: usize) -> String {
    match page {
        0 => dir.to_string(),
        _ => format!("{dir}page/{}/", page + 1),
    }
}

/// How many pages the review queue of `site` takes: as many as the longer of its two lists
/// needs, the questions awaiting review and the overdue reviews.
pub fn review_queue_pages(site: &Site<'_>) -> usize {
    let awaiting = site
        .articles
        .iter()
        .filter(|a| crate::review::queue::awaits_review(a))
        .count();
    let overdue = site
        .articles
        .iter()
        .filter(|a| crate::review::queue::is_overdue(a))
        .count();
    listing_pages(awaiting.max(overdue))
}

/// The whole review queue in order, stale approvals first, then oldest first, each entry
/// with where its article's summary stands: made once for all of the queue's pages.
pub fn review_queue<'a>(site: &'a Site<'_>) -> Vec<(usize, QueueEntry<'a>)> {
    let index_of = summary_index(site);
    crate::review::queue::review_queue(site.articles.iter().copied())
        .into_iter()
        .filter_map(|entry| Some((*index_of.get(entry.article.slug.as_ref())?, entry)))
        .collect()
}

/// One page of the review queue: `entries` as the page shows them. Dates, not ages, so
/// that the page does not change from one day to the next without a change of content.
pub fn review_queue_view<'a>(
    entries: &[(usize, QueueEntry<'a>)],
    summaries: &'a [SummaryView<'a>],
) -> Vec<QueueItemView<'a>> {
    entries
        .iter()
        .map(|(index, entry)| QueueItemView {
            article: &summaries[*index],
            since: entry.since.map(DateView::from),
            reviewer: entry.reviewer,
            changed: entry
                .article
                .review_state
                .is_stale()
                .then(|| crate::review::describe_parts(entry.changed())),
            diff_url: None,
        })
        .collect()
}

/// Where a page of a listing split into pages stands among them.
#[derive(Serialize)]
pub struct PaginationView {
    /// This page's number, from 1.
    pub page: usize,
    pub pages: usize,
    /// How many entries all the pages list.
    pub total: usize,
    pub previous_url: Option<String>,
    pub next_url: Option<String>,
}

#[derive(Serialize)]
pub struct OverdueItemView<'a> {
    pub article: &'a SummaryView<'a>,
    /// When the review fell due.
    pub due: DateView,
    pub last_reviewed: Option<DateView>,
}

/// Approved questions whose review has fallen due, the longest overdue first, as indices
/// into the site's articles (and summaries): made once for all of the queue's pages.
pub fn overdue_reviews(site: &Site<'_>) -> Vec<usize> {
    let mut overdue: Vec<usize> = (0..site.articles.len())
        .filter(|&i| crate::review::queue::is_overdue(site.articles[i]))
        .collect();
    overdue.sort_by(|&a, &b| crate::review::queue::longest_overdue_first(site.articles[a], site.articles[b]));
    overdue
}

/// What the queue's page shows of the overdue reviews `entries` (from `overdue_reviews`).
pub fn overdue_view<'a>(
    site: &'a Site<'_>,
    entries: &[usize],
    summaries: &'a [SummaryView<'a>],
) -> Vec<OverdueItemView<'a>> {
    entries
        .iter()
        .filter_map(|&index| {
            let article = site.articles[index];
            Some(OverdueItemView {
                article: &summaries[index],
                due: DateView::from(article.approval().next_due?),
                last_reviewed: article
                    .approval()
                    .shown
                    .iter()
                    .filter_map(|&i| article.review().reviewers.get(i)?.date)
                    .max()
                    .map(DateView::from),
            })
        })
        .collect()
}

/// The review state in words, the same in the tracker, listings and the queue: an approval
/// the text has outgrown is neither "approved" nor (until someone claims it) "under review".
pub fn status_label(state: &ReviewState) -> &'static str {
    if state.is_stale() {
        "Changed since its review"
    } else {
        state.shown_status().label()
    }
}

/// When the version before the current changes was reviewed: the latest date of the
/// record's approvals, for an approval the text has outgrown only.
fn earlier_review(article: &Article) -> Option<Date> {
    if !article.review_state.is_stale() {
        return None;
    }
    article.review().reviewers.iter().filter_map(|r| r.date).max()
}

/// The tracker's three steps; a draft has reached none of them.
fn review_steps(status: ReviewStatus) -> Vec<StepView> {
    let steps = [
        (ReviewStatus::Submitted, "submitted", "Submitted"),
        (ReviewStatus::UnderReview, "under_review", "Under review"),
        (ReviewStatus::Approved, "approved", "Approved"),
    ];
    steps
        .into_iter()
        .map(|(step, key, label)| StepView {
            key,
            label,
            state: if step < status {
                "done"
            } else if step == status {
                if status == ReviewStatus::Approved {
                    "done"
                } else {
                    "current"
                }
            } else {
                "upcoming"
            },
        })
        .collect()
}

/// Cuts plain text at a word boundary, with an ellipsis when shortened.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    Excerpt::of(text, max_chars).to_string()
}

/// The start of a text, cut at a word and marked with "…" when it was longer: a borrowed
/// part of the text, written out only where a page shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Excerpt<'a> {
    kept: &'a str,
    cut: bool,
}

impl<'a> Excerpt<'a> {
    pub fn of(text: &'a str, max_chars: usize) -> Excerpt<'a> {
        // Only the first `max_chars` characters are walked: every listing takes an excerpt
        // of every answer it shows, and answers run to several paragraphs.
        let Some((end, _)) = text.char_indices().nth(max_chars) else {
            return Excerpt { kept: text, cut: false };
        };
        let cut = &text[..end];
        let at_word = cut.rfind(' ').map_or(cut, |i| &cut[..i]);
        Excerpt {
            kept: at_word.trim_end_matches([',', ';', ':', '.', ' ']),
            cut: true,
        }
    }
}

impl fmt::Display for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kept)?;
        if self.cut {
            f.write_str("\u{2026}")?;
        }
        Ok(())
    }
}

thread_local! {
    /// A cut excerpt as it is shown, made in one buffer per thread: every listing of every
    /// page serialises one per question it shows.
    static EXCERPT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

impl Serialize for Excerpt<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if !self.cut {
            return serializer.serialize_str(self.kept);
        }
        EXCERPT.with_borrow_mut(|shown| {
            shown.clear();
            shown.push_str(self.kept);
            shown.push('\u{2026}');
            serializer.serialize_str(shown)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracker_marks_done_current_and_upcoming_steps() {
        let states = |s| review_steps(s).into_iter().map(|step| step.state).collect::<Vec<_>>();
        assert_eq!(states(ReviewStatus::Draft), ["upcoming", "upcoming", "upcoming"]);
        assert_eq!(states(ReviewStatus::UnderReview), ["done", "current", "upcoming"]);
        assert_eq!(states(ReviewStatus::Approved), ["done", "done", "done"]);
    }

    #[test]
    fn excerpts_cut_at_words() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("one two three four", 10), "one two\u{2026}");
        // Exactly the limit is kept whole; characters, not bytes, are counted.
        assert_eq!(excerpt("one two th", 10), "one two th");
        assert_eq!(excerpt("née à côté, très", 12), "née à côté\u{2026}");
    }

    #[test]
    fn an_excerpt_serialises_as_the_text_it_shows() {
        let cut = Excerpt::of("say \"no\" to <b>, then more", 12);
        assert_eq!(cut.to_string(), "say \"no\" to\u{2026}");
        assert_eq!(
            serde_json::to_string(&cut).ok().as_deref(),
            Some("\"say \\\"no\\\" to\u{2026}\"")
        );
        let whole = Excerpt::of("short", 12);
        assert_eq!(serde_json::to_string(&whole).ok().as_deref(), Some("\"short\""));
    }

    #[test]
    fn a_topic_gives_a_page_and_its_key_the_same_fields() {
        use crate::render::page_key::Part;
        let topic = TopicView::new(
            "neurology".into(),
            "Neurology".into(),
            "Nerves & brain".into(),
            "/topics/neurology/".into(),
            3,
        );
        let fields = r#"{"slug":"neurology","title":"Neurology","description":"Nerves & brain","url":"/topics/neurology/","count":3}"#;
        assert_eq!(serde_json::to_string(&topic).ok().as_deref(), Some(fields));
        // A page's context is given the value made once, nested as in a summary.
        #[derive(Serialize)]
        struct Summary<'a> {
            primary_topic: &'a TopicView,
        }
        let listed = [Summary { primary_topic: &topic }];
        let mut ctx = tera::Context::new();
        listed.insert_into("summaries", &mut ctx);
        let mut tera = tera::Tera::default();
        tera.add_raw_template(
            "t",
            "{% for s in summaries %}{% set t = s.primary_topic %}{{ t.slug }}|{{ t.title }}|{{ t.description }}|{{ t.url }}|{{ t.count }}{% endfor %}",
        )
        .expect("a template");
        assert_eq!(
            tera.render("t", &ctx).ok().as_deref(),
            Some("neurology|Neurology|Nerves & brain|/topics/neurology/|3")
        );
        // Anything serialised after the context was made gets the fields, in their order.
        for _ in 0..8 {
            assert_eq!(serde_json::to_string(&topic).ok().as_deref(), Some(fields));
        }
    }
}
