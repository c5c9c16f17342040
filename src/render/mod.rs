//! Stage 5, render: fills the templates with each page's context and hands the bytes to the
//! writer. Every page is an independent job, run in parallel; contexts are built once.

pub mod banner;
pub mod context;
pub mod graph;
pub mod json_ld;
pub mod page_key;
pub mod redirects;
pub mod reference;
pub mod sitemap;
pub mod templates;
pub mod title_markup;
pub mod urls;

use crate::diagnostic::Diagnostic;
use crate::embedded;
use crate::link::Site;
use crate::progress::Progress;
use crate::write::{PageKey, Sink};
use context::{SummaryView, TopicView, article_view, listing_page_dir, page_view, site_view, summary_view, topic_view};
use page_key::Part;
use rayon::prelude::*;
use serde::Serialize;
use std::path::Path;
use urls::{Urls, article_dir, history_dir, page_dir, topic_dir};

/// One output file to produce.
#[derive(Clone, Copy, Debug)]
enum Job {
    Home,
    NotFound,
    TopicIndex,
    /// A topic, and which page of its questions (from 0).
    Topic(usize, usize),
    Article(usize),
    Page(usize),
    Sitemap,
    Feed,
    Robots,
    /// One page of the review queue, from 0.
    ReviewQueue(usize),
    Graph,
    GraphJson,
    /// The search page, /search/.
    Search,
    /// The client-side search index under search/ (many files, one job).
    SearchIndex,
    /// /people/, everyone in the registry.
    People,
    /// One page of /people/<id>/, one person's profile, from 0.
    Person(usize, usize),
}

struct Shared<'s, 'a> {
    site: &'s Site<'a>,
    root: &'s Path,
    templates: &'s templates::Templates,
    /// What every page's key starts from.
    keys: page_key::Keys,
    urls: Urls,
    topics: &'s [TopicView],
    summaries: &'s [SummaryView<'s>],
    /// The review queue in order, with where each entry's summary stands.
    queue: &'s [(usize, crate::review::queue::QueueEntry<'a>)],
    /// The overdue reviews in order, as indices into the articles.
    overdue: &'s [usize],
    /// Every registered person's lists, in registry order.
    people: &'s [context::PersonEntries<'s>],
    extras: Extras<'s>,
}

/// What the listings show of the articles: a summary of each, in site order, built once
/// for all the pages of a render (after the topics' views, which the summaries point into).
fn summaries<'a>(site: &Site<'a>, urls: &'a Urls, topics: &'a [TopicView]) -> Vec<SummaryView<'a>> {
    site.articles
        .par_iter()
        .map(|a| summary_view(a, urls, topics))
        .collect()
}

/// What a full build adds to the pages beyond the site itself (see `crate::versions` and
/// `crate::editions`). The default adds nothing: an edition's own pages, and benchmarks.
#[derive(Clone, Copy, Default)]
pub struct Extras<'x> {
    /// Set when the build writes history pages: article pages link to theirs, and the
    /// review queue links a stale approval to its "changed since approval" diff.
    pub history: Option<&'x crate::versions::HistoryLinks>,
    /// The edition switcher and banner, when the site has editions.
    pub editions: Option<crate::editions::Nav<'x>>,
    /// Where the search index's terms are kept between builds (`search::kept`).
    pub kept_index: Option<&'x dyn crate::search::kept::KeptIndex>,
}

/// The folder (relative to the site root) of every HTML page a full render writes, known
/// before anything is rendered: the edition switcher links only to pages that exist.
pub fn page_dirs(site: &Site<'_>) -> Vec<String> {
    all_jobs(site)
        .into_iter()
        .filter_map(|job| match job {
            Job::Home => Some(String::new()),
            Job::TopicIndex => Some("topics/".to_string()),
            Job::Topic(i, page) => Some(listing_page_dir(&topic_dir(&site.topics[i].slug), page)),
            Job::Article(i) => Some(article_dir(&site.articles[i].slug)),
            Job::Page(i) => Some(page_dir(&site.pages[i].slug)),
            Job::Graph => Some("graph/".to_string()),
            Job::ReviewQueue(page) => Some(listing_page_dir("review/", page)),
            Job::Search => Some("search/".to_string()),
            Job::People => Some("people/".to_string()),
            Job::Person(i, page) => Some(listing_page_dir(&urls::person_dir(&site.people.people[i].id), page)),
            Job::NotFound | Job::Sitemap | Job::Feed | Job::Robots | Job::GraphJson | Job::SearchIndex => None,
        })
        .collect()
}

/// Renders every page of `site` into `sink`, with the theme's assets, the files under the
/// site's `static/` folder and beside each article (read from `root`), and what `extras`
/// adds to the pages, reporting each page to `progress`.
pub fn render_site(
    site: &Site<'_>,
    templates: &mut templates::Templates,
    root: &Path,
    extras: Extras<'_>,
    sink: &dyn Sink,
    progress: &dyn Progress,
) -> Result<(), Vec<Diagnostic>> {
    let urls = Urls::new(&site.config.base_url);
    let topics: Vec<TopicView> = site.topics.iter().map(|t| topic_view(t, &urls)).collect();
    let summaries = summaries(site, &urls, &topics);
    let queue = context::review_queue(site);
    let overdue = context::overdue_reviews(site);
    let people = context::people_entries(site);
    let site_view = site_view(site, &urls, &topics);
    templates.tera.global_context().insert("site", &site_view);
    let keys = page_keys(
        site,
        templates,
        &site_view,
        extras.history.is_some(),
        extras.editions.is_some(),
    );
    drop(site_view);
    let shared = Shared {
        site,
        root,
        templates: &*templates,
        keys,
        // The summaries borrow `urls` for their addresses.
        urls: urls.clone(),
        topics: &topics,
        summaries: &summaries,
        queue: &queue,
        overdue: &overdue,
        people: &people,
        extras,
    };

    let jobs: Vec<Job> = all_jobs(site);
    // Before the pages: a file under `static/` never replaces a page Evident writes.
    let mut copied = copy_files(crate::check::links::static_files(root), sink);
    progress.stage("rendering", Some(jobs.len() as u64));
    // The search index first, alone (it works on every core itself): made beside the
    // pages, its peak met the record of every page written, 12 MB more at 100,000
    // articles than either alone.
    let mut problems: Vec<Diagnostic> = run(&shared, Job::SearchIndex, sink).err().into_iter().collect();
    progress.step();
    problems.extend(
        jobs.par_iter()
            .filter(|job| !matches!(job, Job::SearchIndex))
            .filter_map(|job| {
                let result = run(&shared, *job, sink);
                progress.step();
                result.err()
            })
            .collect::<Vec<_>>(),
    );
    for job in &jobs {
        if let Job::Article(i) = job {
            copied.extend(copy_files(
                crate::check::links::files_beside(root, site.articles[*i]),
                sink,
            ));
            copied.extend(redirects::write_redirect_pages(
                site,
                &shared.templates.tera,
                &shared.urls,
                *i,
                sink,
            ));
        }
    }
    problems.extend(copied);
    problems.extend(redirects::write_retired_pages(
        site,
        &shared.templates.tera,
        &shared.urls,
        shared.extras.history.is_some(),
        sink,
    ));
    let text = redirects::redirects_file(site, &shared.urls);
    if let Err(error) = sink.write(redirects::REDIRECTS_FILE, text.as_bytes()) {
        problems.push(templates::template_error(
            redirects::REDIRECTS_FILE,
            format!("{error:#}"),
        ));
    }
    problems.extend(copy_theme(root, sink));
    if !problems.is_empty() {
        // The same template error repeats for every page that uses it: report it once.
        problems.sort_by(|a, b| a.message.cmp(&b.message));
        problems.dedup_by(|a, b| a.message == b.message);
        return Err(problems);
    }
    Ok(())
}

/// What the keys of every page of a build start from: the templates, the site view every
/// page is given (`site_view`, the global context), and what views keyed by their inputs
/// read site-wide besides (`page_key::site_inputs`), with whether the build writes history
/// pages and has editions.
pub fn page_keys(
    site: &Site<'_>,
    templates: &templates::Templates,
    site_view: &context::SiteView,
    history: bool,
    editions: bool,
) -> page_key::Keys {
    let added = format!("history pages: {history}, editions: {editions}");
    let site_inputs = page_key::site_inputs(site.config, &site.people, &added);
    page_key::Keys::new(templates.digest(), ("site", site_view), &site_inputs)
}

/// Every page of the site, listing pages first.
fn all_jobs(site: &Site<'_>) -> Vec<Job> {
    let mut jobs = vec![
        Job::Home,
        Job::NotFound,
        Job::TopicIndex,
        Job::Sitemap,
        Job::Feed,
        Job::Robots,
        Job::Graph,
        Job::GraphJson,
        Job::Search,
        Job::SearchIndex,
        Job::People,
    ];
    jobs.extend((0..context::review_queue_pages(site)).map(Job::ReviewQueue));
    for (index, entries) in context::people_entries(site).iter().enumerate() {
        jobs.extend((0..entries.pages()).map(|page| Job::Person(index, page)));
    }
    for (index, topic) in site.topics.iter().enumerate() {
        jobs.extend((0..context::listing_pages(topic.articles.len())).map(|page| Job::Topic(index, page)));
    }
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs.extend((0..site.articles.len()).map(Job::Article));
    jobs
}

fn run(shared: &Shared<'_, '_>, job: Job, staging: &dyn Sink) -> Result<(), Diagnostic> {
    let site = shared.site;
    let urls = &shared.urls;
    match job {
        Job::Home => {
            let recent: Vec<&SummaryView> = site
                .recent
                .iter()
                .take(site.config.home_recent)
                .map(|&i| &shared.summaries[i as usize])
                .collect();
            emit(
                shared,
                &Page::at("index.html", ""),
                &[("recent", &recent)],
                None,
                staging,
            )
        }
        Job::NotFound => emit(shared, &Page::file("404.html", "404.html"), &[], None, staging),
        Job::TopicIndex => emit(shared, &Page::at("topics.html", "topics/"), &[], None, staging),
        Job::Topic(index, page) => {
            let topic = &site.topics[index];
            let (listed, pagination) = context::listing_page(&topic.articles, page, urls, |page| {
                listing_page_dir(&topic_dir(&topic.slug), page)
            });
            let articles: Vec<&SummaryView> = listed.iter().map(|&i| &shared.summaries[i]).collect();
            let parts: [(&'static str, &dyn Part); 3] = [
                ("topic", &shared.topics[index]),
                ("articles", &articles),
                ("pagination", &pagination),
            ];
            let page = Page::at("topic.html", listing_page_dir(&topic_dir(&topic.slug), page));
            let frame = Frame::of(shared, &page);
            // A listing's summaries are each its article's and the site view's: keyed by
            // the articles' names where all were named.
            let by_inputs = staging
                .keeps_pages()
                .then(|| {
                    listing_inputs(
                        shared,
                        &frame,
                        &[("topic", &shared.topics[index]), ("pagination", &pagination)],
                        &[("listed", listed)],
                    )
                })
                .flatten();
            let key = by_inputs.or_else(|| frame.key(shared, &parts, staging));
            if frame.taken_over(key.as_ref(), staging)? {
                return Ok(());
            }
            frame.render(shared, &parts, None, key.as_ref(), staging)
        }
        Job::Article(index) => {
            let article = site.articles[index];
            let page = Page::at("article.html", article_dir(&article.slug));
            let frame = Frame::of(shared, &page);
            // Keyed by its inputs where every article its view reads was named: nothing of
            // the view is made for a page taken over.
            let by_inputs = staging
                .keeps_pages()
                .then(|| article_inputs(shared, &frame, index))
                .flatten();
            if frame.taken_over(by_inputs.as_ref(), staging)? {
                return Ok(());
            }
            // The references are part of the view: read back for every page rendered.
            let references = article
                .references
                .typed()
                .map_err(|error| unpacking_failed(&article.file, error))?;
            let mut view = article_view(site, index, urls, shared.topics, shared.summaries, "", &references)
                .map_err(|error| unpacking_failed(&article.file, error))?;
            if shared.extras.history.is_some() {
                view.history_url = Some(urls.path(&history_dir(&article.slug)));
            }
            context::place_banner(&mut view, site, urls)?;
            // Else by its view, made without the body's text: the body enters the key as its
            // digest, and is unpacked only for a page that is rendered.
            let key = match by_inputs {
                Some(key) => Some(key),
                None => {
                    let key = article.body.html_digest().and_then(|digest| {
                        let body = (digest, &urls.base_path);
                        frame.key(shared, &[("article", &view), ("body", &body)], staging)
                    });
                    if frame.taken_over(key.as_ref(), staging)? {
                        return Ok(());
                    }
                    key
                }
            };
            let body = article
                .body
                .html()
                .map_err(|error| unpacking_failed(&article.file, error))?;
            context::place_body(&mut view, &body, urls);
            // Evident's own parts of the page, which the guard checks the page against.
            let own = context::own_parts(&view);
            frame.render(shared, &[("article", &view)], Some(&own), key.as_ref(), staging)
        }
        Job::Page(index) => {
            let page = site.pages[index];
            let view = page_view(page, urls);
            emit(
                shared,
                &Page::at("page.html", page_dir(&page.slug)),
                &[("page", &view)],
                None,
                staging,
            )
        }
        Job::Sitemap => write_sitemap(shared, staging),
        Job::Feed => emit(
            shared,
            &Page::file("feed.xml", "feed.xml"),
            &[("feed", &feed(shared))],
            None,
            staging,
        ),
        Job::Robots => emit(shared, &Page::file("robots.txt", "robots.txt"), &[], None, staging),
        Job::Graph => {
            let view = graph::graph_view(site, urls, shared.topics, shared.summaries);
            emit(
                shared,
                &Page::at("graph.html", "graph/"),
                &[("graph", &view)],
                None,
                staging,
            )
        }
        Job::GraphJson => {
            // Data, not a page: written as it is produced, without a template, and keyed by
            // its inputs so that an edit that changes no node and no reason makes none.
            let rel = "graph.json";
            let key = staging
                .keeps_pages()
                .then(|| graph::graph_json_key(shared.keys.inputs(rel, rel), site, urls));
            let mut fill = |out: &mut dyn std::io::Write| graph::write_graph_json(site, urls, out);
            match key {
                // Debug builds (every test) make it whole all the same, and stop if the file
                // taken over is not these bytes.
                Some(key) if cfg!(debug_assertions) => {
                    staging.write_rendered(rel, graph::graph_json(site, urls).as_bytes(), Some(&key))
                }
                Some(key) => match staging.take_over(rel, &key, None) {
                    Ok(true) => Ok(()),
                    Ok(false) => staging.write_streamed_page(rel, &key, &mut fill),
                    Err(error) => Err(error),
                },
                None => staging.write_streamed(rel, &mut fill),
            }
            .map_err(|error| templates::template_error(rel, format!("{error:#}")))
        }
        Job::People => {
            let people = context::people_views(site, urls, shared.people);
            emit(
                shared,
                &Page::at("people.html", "people/"),
                &[("people", &people)],
                None,
                staging,
            )
        }
        Job::Person(index, page) => {
            let person = &site.people.people[index];
            let (view, pagination) = context::person_view(person, &shared.people[index], urls, shared.summaries, page);
            let page = Page::at("person.html", listing_page_dir(&urls::person_dir(&person.id), page));
            emit(
                shared,
                &page,
                &[("person", &view), ("pagination", &pagination)],
                None,
                staging,
            )
        }
        Job::Search => emit(shared, &Page::at("search.html", "search/"), &[], None, staging),
        Job::SearchIndex => {
            // Data, not a page: the index files are written as they are made.
            crate::search::publish_index(
                site,
                shared.topics,
                shared.summaries,
                shared.root,
                shared.extras.kept_index,
                staging,
            )
            .map_err(|unpublished| match unpublished {
                crate::search::Unpublished::Unwritten(path, error) => {
                    templates::template_error(&path, format!("{error:#}"))
                }
                crate::search::Unpublished::Unreadable(unreadable) => unreadable.reported(site),
            })
        }
        Job::ReviewQueue(page) => {
            // Two lists share the queue's pages, each split into hundreds: the questions
            // awaiting review and, beneath them, the overdue reviews.
            // The same count as `context::review_queue_pages`, from the lists already made.
            let pages = context::listing_pages(shared.queue.len().max(shared.overdue.len()));
            let total = shared.queue.len();
            let (entries, pagination) = (
                context::page_of(shared.queue, page),
                context::pagination_view(page, pages, total, urls, |page| listing_page_dir("review/", page)),
            );
            let mut queue = context::review_queue_view(entries, shared.summaries);
            if let Some(history) = shared.extras.history {
                for item in &mut queue {
                    item.diff_url = history.approval_diff_url(urls, item.article.slug());
                }
            }
            let overdue_listed = context::page_of(shared.overdue, page);
            let overdue = context::overdue_view(site, overdue_listed, shared.summaries);
            let overdue_total = shared.overdue.len();
            let parts: [(&'static str, &dyn Part); 4] = [
                ("queue", &queue),
                ("overdue", &overdue),
                ("overdue_total", &overdue_total),
                ("pagination", &pagination),
            ];
            let page = Page::at("review.html", listing_page_dir("review/", page));
            let frame = Frame::of(shared, &page);
            // Each entry's summary is its article's and the site view's: keyed by the
            // articles' names and the rest of each entry, where all were named. Its
            // summaries serialised were most of what a warm build spent on the queue.
            let by_inputs = staging
                .keeps_pages()
                .then(|| {
                    let queued: Vec<usize> = entries.iter().map(|(index, _)| *index).collect();
                    let queue_rest: Vec<_> = queue
                        .iter()
                        .map(|item| (&item.since, item.reviewer, &item.changed, &item.diff_url))
                        .collect();
                    let overdue_rest: Vec<_> = overdue.iter().map(|item| (&item.due, &item.last_reviewed)).collect();
                    listing_inputs(
                        shared,
                        &frame,
                        &[
                            ("queue", &queue_rest),
                            ("overdue", &overdue_rest),
                            ("overdue_total", &overdue_total),
                            ("pagination", &pagination),
                        ],
                        &[("queue listed", &queued), ("overdue listed", overdue_listed)],
                    )
                })
                .flatten();
            let key = by_inputs.or_else(|| frame.key(shared, &parts, staging));
            if frame.taken_over(key.as_ref(), staging)? {
                return Ok(());
            }
            frame.render(shared, &parts, None, key.as_ref(), staging)
        }
    }
}

/// The key of article `index`'s page from its inputs (see `page_key`): the names of its
/// parse and of those of the questions its page lists (related, with the graph's score and
/// what its reason reads, for each, and backlinks), and its frame. `None` when one of them was not named.
fn article_inputs(shared: &Shared<'_, '_>, frame: &Frame<'_>, index: usize) -> Option<PageKey> {
    let site = shared.site;
    let mut key = shared.keys.inputs(frame.page.template, &frame.page.output);
    key.bytes("article", site.articles[index].inputs.as_ref()?);
    // An entry's reason is named by what it reads of both profiles, not made: with its
    // explicitness, that is all `link::graph::reason` reads.
    key.bytes("reason inputs", site.graph.reason_inputs(index));
    // Each list as one input of fixed-size records: a name and a length for each field of
    // each entry were most of what a page's key hashed.
    let mut related = Vec::with_capacity(site.related[index].len() * RELATED_RECORD);
    for entry in &site.related[index] {
        related.extend_from_slice(site.articles[entry.index()].inputs.as_ref()?);
        related.push(u8::from(entry.explicit));
        related.extend_from_slice(&entry.score.to_le_bytes());
        related.extend_from_slice(site.graph.reason_inputs(entry.index()));
    }
    key.bytes("related", &related);
    let mut backlinks = Vec::with_capacity(site.backlinks[index].len() * 32);
    for &other in &site.backlinks[index] {
        backlinks.extend_from_slice(site.articles[other as usize].inputs.as_ref()?);
    }
    key.bytes("backlinks", &backlinks);
    for (name, part) in frame.common() {
        key.part(name, part);
    }
    Some(key.finish())
}

/// One related entry in an article page's key: its article's parse name, whether it is
/// explicit, its score and what its reason reads of its profile.
const RELATED_RECORD: usize = 32 + 1 + 4 + 32;

/// The key of a listing page from its inputs: its own values `parts`, the names of the
/// articles whose summaries each of its `lists` shows, in order, and its frame. A summary
/// is made of its article and the site view alone (`context::summary_view`). `None` when
/// one article was not named.
fn listing_inputs(
    shared: &Shared<'_, '_>,
    frame: &Frame<'_>,
    parts: &[(&'static str, &dyn Part)],
    lists: &[(&'static str, &[usize])],
) -> Option<PageKey> {
    let mut key = shared.keys.inputs(frame.page.template, &frame.page.output);
    for (name, part) in parts {
        key.part(name, *part);
    }
    for (name, listed) in lists {
        let mut names = Vec::with_capacity(listed.len() * 32);
        for &index in *listed {
            names.extend_from_slice(shared.site.articles[index].inputs.as_ref()?);
        }
        key.bytes(name, &names);
    }
    for (name, part) in frame.common() {
        key.part(name, part);
    }
    Some(key.finish())
}

/// A page to produce: its template, its folder (for a page with an address of its own),
/// and its file.
struct Page {
    template: &'static str,
    rel_dir: Option<String>,
    output: String,
}

impl Page {
    /// A page with an address of its own: `dir`'s `index.html`.
    fn at(template: &'static str, dir: impl Into<String>) -> Page {
        let dir = dir.into();
        Page {
            template,
            output: format!("{dir}index.html"),
            rel_dir: Some(dir),
        }
    }

    /// A file addressed by its own name (the feed, the sitemap, the not-found page).
    fn file(template: &'static str, output: &str) -> Page {
        Page {
            template,
            rel_dir: None,
            output: output.to_string(),
        }
    }
}

/// Produces `page` from its own `parts` and what every page is given: taken over from the
/// earlier build where its key is unchanged, else rendered, checked against Evident's
/// `own` parts where it has them, and written.
fn emit(
    shared: &Shared<'_, '_>,
    page: &Page,
    parts: &[(&'static str, &dyn Part)],
    own: Option<&banner::OwnParts<'_>>,
    staging: &dyn Sink,
) -> Result<(), Diagnostic> {
    let frame = Frame::of(shared, page);
    let key = frame.key(shared, parts, staging);
    if frame.taken_over(key.as_ref(), staging)? {
        return Ok(());
    }
    frame.render(shared, parts, own, key.as_ref(), staging)
}

/// What every page is given beside its own parts: its canonical address, its own
/// address, and the edition switcher.
struct Frame<'p> {
    page: &'p Page,
    canonical: Option<String>,
    page_url: String,
    editions: Option<crate::editions::EditionsView>,
}

impl<'p> Frame<'p> {
    fn of(shared: &Shared<'_, '_>, page: &'p Page) -> Frame<'p> {
        let urls = &shared.urls;
        let output = &page.output;
        let editions = shared.extras.editions;
        // An older edition's page names the current page as canonical, where there is one.
        let (canonical, page_url) = match &page.rel_dir {
            Some(dir) => (
                Some(
                    editions
                        .and_then(|nav| nav.canonical(dir))
                        .unwrap_or_else(|| urls.absolute(dir)),
                ),
                urls.path(dir),
            ),
            None => (None, urls.path(output)),
        };
        Frame {
            page,
            canonical,
            page_url,
            editions: editions.map(|nav| nav.view(page.rel_dir.as_deref().unwrap_or(output))),
        }
    }

    fn common(&self) -> [(&'static str, &dyn Part); 3] {
        [
            ("canonical", &self.canonical),
            ("page_url", &self.page_url),
            ("editions", &self.editions),
        ]
    }

    /// The page's key from `parts`, when the sink keeps pages.
    fn key(&self, shared: &Shared<'_, '_>, parts: &[(&'static str, &dyn Part)], staging: &dyn Sink) -> Option<PageKey> {
        staging.keeps_pages().then(|| {
            let common = self.common();
            let all: Vec<(&'static str, &dyn Part)> = parts.iter().chain(&common).copied().collect();
            shared.keys.key(self.page.template, &self.page.output, &all)
        })
    }

    /// Whether the earlier build's page of this key was taken over. Debug builds take over
    /// nothing here: they render every page and compare (`render`).
    fn taken_over(&self, key: Option<&PageKey>, staging: &dyn Sink) -> Result<bool, Diagnostic> {
        match key {
            Some(key) if !cfg!(debug_assertions) => staging
                .take_over(&self.page.output, key, None)
                .map_err(|error| self.unwritten(error)),
            _ => Ok(false),
        }
    }

    fn render(
        &self,
        shared: &Shared<'_, '_>,
        parts: &[(&'static str, &dyn Part)],
        own: Option<&banner::OwnParts<'_>>,
        key: Option<&PageKey>,
        staging: &dyn Sink,
    ) -> Result<(), Diagnostic> {
        let (template, output) = (self.page.template, &self.page.output);
        let mut ctx = tera::Context::new();
        for (name, part) in parts.iter().chain(&self.common()) {
            part.insert_into(name, &mut ctx);
        }
        templates::render_page(&shared.templates.tera, template, &ctx, output, |bytes| {
            if let Some(own) = own {
                banner::guard_page(bytes, own)
                    .map_err(|refusal| banner::refusal_finding(shared.root, output, template, &refusal))?;
            }
            staging
                .write_rendered(output, bytes, key)
                .map_err(|error| self.unwritten(error))
        })
    }

    fn unwritten(&self, error: anyhow::Error) -> Diagnostic {
        templates::template_error(&self.page.output, format!("{error:#}"))
    }
}

/// An article's held body that would not unpack: a fault of the program, reported as
/// one rather than publishing the page without its text.
pub fn unpacking_failed(file: &str, error: crate::packed::UnpackError) -> Diagnostic {
    if error.unreadable {
        // The page's body waited in a temporary file that the system would not give back.
        return Diagnostic::new(
            crate::diagnostic::Code::OutputWrite,
            file,
            crate::diagnostic::Position::START,
            format!("{error}; the page was not written"),
        )
        .with_hint("check that the temporary folder (TMPDIR) has room and is readable, then build again");
    }
    templates::template_error(
        file,
        format!("{error}; the page was not written (this is a bug in Evident: please report it)"),
    )
}

/// Every address of the sitemap, in its order, made as they are read.
fn sitemap_entries<'s>(shared: &'s Shared<'_, '_>) -> impl Iterator<Item = sitemap::Entry> + 's {
    use sitemap::Entry;
    let site = shared.site;
    let urls = &shared.urls;
    let newest = site
        .recent
        .first()
        .and_then(|&i| site.articles[i as usize].updated)
        .map(|d| d.to_string());
    // The related-question graph is a page for readers too; it changes with any article.
    let fixed = ["", "topics/", "graph/"].map(|dir| Entry {
        loc: urls.absolute(dir),
        lastmod: newest.clone(),
    });
    let topics = site.topics.iter().map(move |topic| Entry {
        loc: urls.absolute(&topic_dir(&topic.slug)),
        lastmod: topic
            .articles
            .iter()
            .filter_map(|&i| site.articles[i].updated)
            .max()
            .map(|d| d.to_string()),
    });
    let articles = site.articles.iter().map(move |article| Entry {
        loc: urls.absolute(&article_dir(&article.slug)),
        lastmod: article.updated.map(|d| d.to_string()),
    });
    // Profiles are what readers and search engines check a reviewer's name against.
    let people = (!site.people.people.is_empty())
        .then(|| Entry {
            loc: urls.absolute("people/"),
            lastmod: None,
        })
        .into_iter()
        .chain(site.people.people.iter().map(move |person| Entry {
            loc: urls.absolute(&urls::person_dir(&person.id)),
            lastmod: None,
        }));
    let pages = site.pages.iter().map(move |page| Entry {
        loc: urls.absolute(&page_dir(&page.slug)),
        lastmod: page.updated.map(|d| d.to_string()),
    });
    fixed
        .into_iter()
        .chain(topics)
        .chain(articles)
        .chain(people)
        .chain(pages)
}

/// The sitemap, in one file or, past the protocol's limits, in parts with `sitemap.xml`
/// their index (`sitemap`): each file keyed by its own addresses, so an edit remakes only
/// the part that lists the page.
fn write_sitemap(shared: &Shared<'_, '_>, staging: &dyn Sink) -> Result<(), Diagnostic> {
    let parts = sitemap::write_in_parts(
        sitemap_entries(shared),
        sitemap::limits(),
        |file| shared.urls.absolute(file),
        |file, entries| {
            emit(
                shared,
                &Page::file("sitemap.xml", file),
                &[("urls", &entries)],
                None,
                staging,
            )
        },
    )?;
    if parts.is_empty() {
        return Ok(());
    }
    emit(
        shared,
        &Page::file("sitemap-index.xml", sitemap::FILE),
        &[("sitemaps", &parts)],
        None,
        staging,
    )
}

#[derive(Serialize)]
struct Feed {
    id: String,
    url: String,
    updated: String,
    entries: Vec<FeedEntry>,
}

#[derive(Serialize)]
struct FeedEntry {
    title: String,
    url: String,
    updated: String,
    summary: String,
}

fn feed(shared: &Shared<'_, '_>) -> Feed {
    let site = shared.site;
    let urls = &shared.urls;
    let entries: Vec<FeedEntry> = site
        .recent
        .iter()
        .take(site.config.feed_entries)
        .map(|&i| {
            let article = site.articles[i as usize];
            FeedEntry {
                title: article.question.to_string(),
                url: urls.absolute(&article_dir(&article.slug)),
                updated: article
                    .updated
                    .map(|d| d.rfc3339())
                    .unwrap_or_else(|| "1970-01-01T00:00:00Z".into()),
                summary: shared.summaries[i as usize].answer_text.to_string(),
            }
        })
        .collect();
    // The feed's date is the newest entry's, never the build time: same input, same bytes.
    let updated = entries
        .first()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |e| e.updated.clone());
    Feed {
        id: urls.absolute(""),
        url: urls.absolute("feed.xml"),
        updated,
        entries,
    }
}

/// Publishes files as they are: site path → file on disk.
fn copy_files(files: Vec<(String, std::path::PathBuf)>, sink: &dyn Sink) -> Vec<Diagnostic> {
    files
        .into_iter()
        .filter_map(|(path, source)| {
            let result = std::fs::read(&source)
                .map_err(anyhow::Error::from)
                .and_then(|bytes| sink.write(&path, &bytes));
            result.err().map(|error| {
                Diagnostic::new(
                    crate::diagnostic::Code::OutputWrite,
                    &path,
                    crate::diagnostic::Position::START,
                    format!("cannot publish {}: {error:#}", source.display()),
                )
                .with_hint("check that the file is readable and the output folder writable")
            })
        })
        .collect()
}

/// Writes the built-in theme, then the site's `theme/` files over it.
fn copy_theme(root: &Path, staging: &dyn Sink) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let site_theme = root.join("theme");
    for (name, bytes) in embedded::THEME {
        if site_theme.join(name).is_file() {
            continue;
        }
        if let Err(error) = staging.write(&format!("theme/{name}"), bytes) {
            problems.push(templates::template_error(
                &format!("theme/{name}"),
                format!("{error:#}"),
            ));
        }
    }
    if site_theme.is_dir() {
        for entry in walkdir::WalkDir::new(&site_theme)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let name = crate::load::rel_path(&site_theme, entry.path());
            let result = std::fs::read(entry.path())
                .map_err(anyhow::Error::from)
                .and_then(|bytes| staging.write(&format!("theme/{name}"), &bytes));
            if let Err(error) = result {
                problems.push(templates::template_error(
                    &format!("theme/{name}"),
                    format!("{error:#}"),
                ));
            }
        }
    }
    problems
}
