//! The site as `serve` keeps it between edits — read, parsed, templates compiled — and the
//! rebuilds. A configuration, template or folder change rebuilds everything. A saved
//! article takes two steps: at once, that one file is read again, judged by the checks that
//! concern it alone, and the pages it touches are rendered (the fast path an editor waits
//! for); once the editor pauses, the whole-site checks (citations across the site, the
//! related-question graph) run and the large listings (search index, graph, review queue)
//! follow ("settling"). This is the server's only mutable state; the pipeline stays pure.

use super::affected::{Affected, Shape, affected};
use super::output::{Generations, InPlace};
use super::reload::page_of;
use super::watch::Plan;
use crate::check::{check_article, check_site};
use crate::config::{CONFIG_FILE, SiteConfig};
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic, Position, Severity, sort_diagnostics};
use crate::fast_hash::FastMap;
use crate::link::graph::{Edge, Graph, Related};
use crate::link::{LinkOptions, Site, Topic, link_site_with_graph};
use crate::load::{ContentFile, LoadedContent};
use crate::parse::ParsedContent;
use crate::parse::article::Article;
use crate::parse::front_matter::ReviewStatus;
use crate::parse::page::Page;
use crate::pipeline::{self, BuildOptions, Checked};
use crate::progress::Silent;
use crate::render::templates::load_templates;
use crate::render::urls::{article_dir, page_dir, topic_dir};
use crate::render::{Extras, Listed, Scope, render_scope_with, site_context_json};
use crate::versions::{HistorySource, Versions};
use crate::write::{Sink, Staging};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// What one rebuild did.
#[derive(Debug)]
pub enum Outcome {
    Rendered {
        /// Pages rendered.
        pages: usize,
        changed: Changed,
        /// Findings below error severity and the text of their files, when they differ from
        /// those last reported (a site's standing warnings are not repeated after each save).
        warnings: Option<(Vec<Diagnostic>, HashMap<String, String>)>,
    },
    /// Nothing was published; the previous pages stay.
    Failed {
        diagnostics: Vec<Diagnostic>,
        sources: HashMap<String, String>,
    },
}

/// Which pages have new bytes after a rebuild.
#[derive(Debug, PartialEq, Eq)]
pub enum Changed {
    /// Every page was rendered, into a new generation.
    Everything,
    /// These pages (URL paths, "/questions/x/"); empty when nothing visible changed.
    Pages(BTreeSet<String>),
}

struct Content {
    config: SiteConfig,
    loaded: LoadedContent<ContentFile>,
    parsed: ParsedContent,
}

pub struct Workspace {
    root: PathBuf,
    options: BuildOptions,
    /// `None` until the configuration can be read.
    content: Option<Content>,
    tera: Option<tera::Tera>,
    /// The findings of the last check of the content in memory.
    findings: Vec<Diagnostic>,
    /// The related-question graph of the published articles, from the last link: an edit
    /// that keeps the set of articles links against it instead of computing it again.
    graph: Option<Graph>,
    /// The shape of the generation being served; `None` when its pages do not match the
    /// content in memory in ways an edit cannot tell (after a failed full rebuild), so the
    /// next success renders everything.
    shape: Option<Shape>,
    /// Content files edited since the served pages were rendered.
    pending: BTreeSet<String>,
    theme_pending: bool,
    /// Content files edited since the last whole-site check; the fast path does not settle.
    unsettled: BTreeSet<String>,
    /// The findings last reported to the terminal.
    reported: Vec<Diagnostic>,
    /// What the last link computed, for edits that move no article in the site.
    links: Option<Links>,
    /// The listings' views of the served site, kept with `links`.
    listed: Option<Listed>,
    /// The articles' histories as git told them when last read, and what that read
    /// depended on.
    versions: Option<(Versions, HistorySource)>,
    /// Why git could not be read then, if it could not.
    history_warnings: Vec<Diagnostic>,
}

/// The owned results of a link. Linking computes the related-question ranking for every
/// article, which costs far more than an edit's budget on a large site; an edit that keeps
/// each article's place (slug, topics, links, status, date, question) reuses them, and the
/// whole-site pass that follows a pause links afresh.
struct Links {
    /// The file of each article, in site order.
    files: Vec<String>,
    keys: HashMap<String, LinkKey>,
    related: Vec<Vec<Related>>,
    backlinks: Vec<Vec<usize>>,
    edges: Vec<Edge>,
    topics: Vec<Topic>,
    recent: Vec<usize>,
}

/// What decides an article's place in the linked site.
#[derive(PartialEq)]
struct LinkKey {
    slug: String,
    topics: Vec<String>,
    related: Vec<String>,
    status: ReviewStatus,
    updated: Option<Date>,
    question: String,
}

impl LinkKey {
    fn of(article: &Article) -> LinkKey {
        LinkKey {
            slug: article.slug.clone(),
            topics: article.topics.clone(),
            related: article.related.clone(),
            status: article.review.status,
            updated: article.updated,
            question: article.question.clone(),
        }
    }
}

impl Links {
    /// The site linked as before, with the edited articles' new text, when every edited
    /// file is an article that kept its place; `Err` gives the graph back otherwise.
    fn relink<'a>(
        self,
        content: &'a Content,
        edited: &BTreeSet<String>,
        graph: Graph,
    ) -> Result<(Site<'a>, HashMap<String, LinkKey>), Graph> {
        let by_file: FastMap<&str, &Article> = content.parsed.articles.iter().map(|a| (a.file.as_str(), a)).collect();
        let kept = edited
            .iter()
            .all(|file| match (self.keys.get(file), by_file.get(file.as_str())) {
                (Some(key), Some(article)) => *key == LinkKey::of(article),
                _ => false,
            });
        let articles: Option<Vec<&Article>> = self.files.iter().map(|f| by_file.get(f.as_str()).copied()).collect();
        let Some(articles) = articles.filter(|_| kept) else {
            return Err(graph);
        };
        let mut pages: Vec<&Page> = content.parsed.pages.iter().collect();
        pages.sort_by(|a, b| a.title.cmp(&b.title).then_with(|| a.slug.cmp(&b.slug)));
        let site = Site {
            config: &content.config,
            articles,
            pages,
            related: self.related,
            backlinks: self.backlinks,
            graph,
            edges: self.edges,
            topics: self.topics,
            recent: self.recent,
            people: content.parsed.people(),
        };
        Ok((site, self.keys))
    }

    /// Takes a rendered site apart again; `keys` are carried over when the articles kept
    /// their places.
    fn from_site(site: Site<'_>, keys: Option<HashMap<String, LinkKey>>) -> (Links, Graph) {
        let Site {
            articles,
            related,
            backlinks,
            graph,
            edges,
            topics,
            recent,
            ..
        } = site;
        let keys = keys.unwrap_or_else(|| articles.iter().map(|a| (a.file.clone(), LinkKey::of(a))).collect());
        let files = articles.iter().map(|a| a.file.clone()).collect();
        let links = Links {
            files,
            keys,
            related,
            backlinks,
            edges,
            topics,
            recent,
        };
        (links, graph)
    }
}

impl Workspace {
    pub fn new(root: &Path, options: BuildOptions) -> Workspace {
        Workspace {
            root: root.to_path_buf(),
            options,
            content: None,
            tera: None,
            findings: Vec::new(),
            graph: None,
            shape: None,
            pending: BTreeSet::new(),
            theme_pending: false,
            unsettled: BTreeSet::new(),
            reported: Vec::new(),
            links: None,
            listed: None,
            versions: None,
            history_warnings: Vec::new(),
        }
    }

    /// Whether content files were read from inside `dir` (an absolute path).
    pub fn held_files_in(&self, dir: &Path) -> bool {
        let Some(content) = &self.content else { return false };
        let Ok(rel) = dir.strip_prefix(&self.root) else {
            return false;
        };
        let prefix = format!("{}/", rel.to_string_lossy().replace('\\', "/"));
        let loaded = &content.loaded;
        loaded
            .articles
            .iter()
            .chain(&loaded.pages)
            .any(|f| f.rel_path.starts_with(&prefix))
    }

    /// The fast path ran since the last whole-site check: `settle` has work to do.
    pub fn needs_settling(&self) -> bool {
        !self.unsettled.is_empty()
    }

    /// Rebuilds what `plan` asks for: everything, or the fast path for edited files.
    pub fn apply(&mut self, plan: &Plan, generations: &mut Generations) -> Outcome {
        let Some(content) = self.content.as_mut().filter(|_| !plan.full && self.tera.is_some()) else {
            return self.rebuild_all(generations);
        };
        let mut files = plan.files.clone();
        if plan.theme {
            // An approval covers the bytes of the images an article embeds, which may be
            // theme files: those articles are judged again.
            let embedding = content.parsed.articles.iter().filter(|a| !a.embedded.is_empty());
            files.extend(embedding.map(|a| a.file.clone()));
        }
        for file in &files {
            pipeline::reload_file(&self.root, &mut content.loaded, &mut content.parsed, file);
        }
        self.pending.extend(files.iter().cloned());
        self.unsettled.extend(files.iter().cloned());
        self.theme_pending |= plan.theme;
        self.findings = self.quick_findings(&files);
        let graph = self.graph.take();
        self.publish(graph, true, false, generations)
    }

    /// The whole-site checks and the large listings the fast path left for a pause.
    pub fn settle(&mut self, generations: &mut Generations) -> Outcome {
        let Some(Content { config, loaded, parsed }) = self.content.take() else {
            return self.rebuild_all(generations);
        };
        let checked = pipeline::check_loaded(config, loaded, parsed, &self.options, &crate::progress::Silent);
        // Pages of files edited since the last whole-site check are rendered again: the
        // graph their related lists came from has changed with them.
        self.pending.append(&mut self.unsettled);
        let graph = self.keep(checked);
        self.publish(Some(graph), false, true, generations)
    }

    /// Reads the whole site again, compiles the templates and renders every page.
    pub fn rebuild_all(&mut self, generations: &mut Generations) -> Outcome {
        self.shape = None;
        self.graph = None;
        self.pending.clear();
        self.unsettled.clear();
        self.theme_pending = false;
        self.tera = None;
        let checked = match pipeline::load_and_check(
            &self.root,
            &self.options,
            &crate::progress::Silent,
            crate::parse::Output::Html,
        ) {
            Ok(checked) => checked,
            Err(report) => {
                self.content = None;
                self.findings = report.diagnostics.clone();
                self.reported = report.diagnostics.clone();
                return Outcome::Failed {
                    diagnostics: report.diagnostics,
                    sources: report.sources,
                };
            }
        };
        let graph = self.keep(checked);
        match load_templates(&self.root) {
            Ok(tera) => self.tera = Some(tera),
            Err(problems) => return self.failed(problems),
        }
        self.publish(Some(graph), false, true, generations)
    }

    /// The findings of the last check, with those of the edited files judged again by the
    /// checks that need only them and the cheap whole-site ones (slugs, related links).
    fn quick_findings(&self, files: &BTreeSet<String>) -> Vec<Diagnostic> {
        let Some(content) = &self.content else {
            return self.findings.clone();
        };
        const SITE_CODES: [Code; 2] = [Code::SlugDuplicate, Code::RelatedDangling];
        let mut findings: Vec<Diagnostic> = self
            .findings
            .iter()
            .filter(|d| !files.contains(&d.file) && !SITE_CODES.contains(&d.code))
            .cloned()
            .collect();
        let concerns = |d: &&Diagnostic| files.contains(&d.file);
        let mut fresh: Vec<Diagnostic> = content.loaded.diagnostics.iter().filter(concerns).cloned().collect();
        fresh.extend(content.parsed.diagnostics.iter().filter(concerns).cloned());
        let people = content.parsed.people();
        for article in content.parsed.articles.iter().filter(|a| files.contains(&a.file)) {
            fresh.extend(check_article(article));
            fresh.extend(crate::standards::check_article(article, &people, &content.config));
        }
        fresh.extend(check_site(&content.parsed.articles, &content.parsed.pages));
        let mut fresh = content.config.apply_severities(fresh);
        if self.options.deny_warnings {
            for d in &mut fresh {
                d.severity = Severity::Error;
            }
        }
        findings.extend(fresh);
        sort_diagnostics(&mut findings);
        findings
    }

    /// Renders the content in memory when its findings allow: the pages the pending edits
    /// touch, in place, or everything into a new generation. `graph` is reused when it
    /// covers the published articles; with `fast`, so is the last link when the edits allow.
    fn publish(
        &mut self,
        graph: Option<Graph>,
        fast: bool,
        all_listings: bool,
        generations: &mut Generations,
    ) -> Outcome {
        let mut findings = self.findings.clone();
        if findings.iter().any(|d| d.severity == Severity::Error) {
            return self.failed(findings);
        }
        let (Some(content), Some(tera)) = (self.content.as_ref(), self.tera.as_mut()) else {
            return self.failed(findings);
        };
        // The preview is where pending articles are read before they are approved.
        let options = LinkOptions {
            include_drafts: self.options.include_drafts,
            include_pending: true,
        };
        let links = self.links.take().filter(|_| fast && self.shape.is_some());
        let listed = self.listed.take();
        let (site, kept_keys) = match (links, graph) {
            (Some(links), Some(graph)) => match links.relink(content, &self.pending, graph) {
                Ok((site, keys)) => (site, Some(keys)),
                Err(graph) => (
                    link_site_with_graph(&content.config, &content.parsed, options, Some(graph)),
                    None,
                ),
            },
            (_, graph) => (
                link_site_with_graph(&content.config, &content.parsed, options, graph),
                None,
            ),
        };
        // A full rebuild and each pause read git again when a commit or an approval that
        // turned stale asks for it, and then every history page is rendered again; between
        // them, an edited article's history page is rendered from the history last read,
        // against its new text.
        let mut history_read = false;
        if all_listings || self.versions.is_none() {
            let source = HistorySource::of(&self.root, &site);
            if self.versions.as_ref().is_none_or(|(_, read_from)| *read_from != source) {
                let mut versions = Versions::history_only(&self.root, &site, content.parsed.sources());
                self.history_warnings = content.config.apply_severities(std::mem::take(&mut versions.warnings));
                self.versions = Some((versions, source));
                history_read = true;
            }
        }
        if !self.history_warnings.is_empty() {
            findings.extend(self.history_warnings.iter().cloned());
            sort_diagnostics(&mut findings);
        }
        let versions = self.versions.as_ref().map(|(versions, _)| versions);
        let extras = versions.map(Versions::extras).unwrap_or_default();
        let publish_history = |tera: &tera::Tera, sink: &dyn Sink, only: Option<&[usize]>| match versions {
            Some(versions) => versions.publish_history(
                &site,
                &content.loaded,
                content.parsed.sources(),
                tera,
                sink,
                only,
                &Silent,
            ),
            None => Ok(0),
        };
        // The shape stays `None` if rendering fails: the pages served no longer match any.
        let (shape, scope) = match (self.shape.take(), kept_keys.is_some()) {
            // Relinked, every article kept its place: of the shape, only what every page
            // shows may have changed, and computing it for every article again would cost
            // more than the edit's whole budget on a large site.
            (Some(mut shape), true) => {
                let site_json = site_context_json(&site);
                let scope = if site_json == shape.site {
                    affected(&shape, &shape, &self.pending)
                } else {
                    Affected::Everything
                };
                shape.site = site_json;
                (shape, scope)
            }
            (old, _) => {
                let shape = Shape::of(&site);
                let scope = match &old {
                    None => Affected::Everything,
                    Some(old) => affected(old, &shape, &self.pending),
                };
                (shape, scope)
            }
        };
        // The published articles edited since the last render, by their places in the site.
        let edited: Vec<usize> = (0..site.articles.len())
            .filter(|&i| self.pending.contains(&site.articles[i].file))
            .collect();
        // The summaries of articles an edit did not touch are those of the last render when
        // the site was relinked as it was; otherwise every one is built again.
        let listed = match (listed, kept_keys.is_some(), &scope) {
            (Some(mut listed), true, Affected::Some { .. }) => {
                listed.refresh(&site, &edited);
                listed
            }
            _ => Listed::of(&site),
        };
        let result = match scope {
            Affected::Everything => {
                render_everything(&site, &listed, extras, tera, &self.root, generations, |tera, sink| {
                    publish_history(tera, sink, None)
                })
            }
            Affected::Some { mut selection, removed } => {
                selection.theme = self.theme_pending;
                selection.all_listings = all_listings;
                let sink = InPlace::new(generations.current());
                let removals = removed
                    .articles
                    .iter()
                    .map(|s| article_dir(s))
                    .chain(removed.topics.iter().map(|s| topic_dir(s)))
                    .chain(removed.pages.iter().map(|s| page_dir(s)))
                    .try_for_each(|dir| {
                        sink.remove_dir(&dir)
                            .map_err(|e| output_error(generations.current(), e))
                    });
                // An edit changes its own article's history (the diff to the current text);
                // a history read again may change any.
                let histories = (!history_read).then_some(edited.as_slice());
                let rendered = removals.map_err(|problem| vec![problem]).and_then(|()| {
                    let pages = render_scope_with(
                        &site,
                        tera,
                        &self.root,
                        &sink,
                        &Scope::Only(selection),
                        &Silent,
                        extras,
                        &listed,
                    )?;
                    Ok(pages.files + publish_history(tera, &sink, histories)?)
                });
                rendered.map(|files| {
                    let mut changed: BTreeSet<String> = sink.written().iter().map(|rel| page_of(rel)).collect();
                    // A removed page's tab shows the 404 now.
                    changed.extend(removed.articles.iter().map(|s| format!("/{}", article_dir(s))));
                    (files, Changed::Pages(changed))
                })
            }
        };
        let (links, graph) = Links::from_site(site, kept_keys);
        match result {
            Ok((pages, changed)) => {
                self.graph = Some(graph);
                self.links = Some(links);
                self.listed = Some(listed);
                self.shape = Some(shape);
                self.pending.clear();
                self.theme_pending = false;
                let warnings = if findings == self.reported {
                    None
                } else {
                    let sources = self.sources_for(&findings);
                    self.reported = findings.clone();
                    Some((findings, sources))
                };
                Outcome::Rendered {
                    pages,
                    changed,
                    warnings,
                }
            }
            Err(problems) => self.failed(problems),
        }
    }

    /// Keeps the content and findings of a check for the next edit; returns its graph.
    fn keep(&mut self, checked: Checked) -> Graph {
        let Checked {
            config,
            loaded,
            parsed,
            diagnostics,
            graph,
            ..
        } = checked;
        self.content = Some(Content { config, loaded, parsed });
        self.findings = diagnostics;
        graph
    }

    fn failed(&mut self, diagnostics: Vec<Diagnostic>) -> Outcome {
        let sources = self.sources_for(&diagnostics);
        self.reported = diagnostics.clone();
        Outcome::Failed { diagnostics, sources }
    }

    /// The text of each file the findings name, for quoting the offending line.
    fn sources_for(&self, diagnostics: &[Diagnostic]) -> HashMap<String, String> {
        let named: BTreeSet<&str> = diagnostics.iter().map(|d| d.file.as_str()).collect();
        let mut sources = HashMap::new();
        if named.contains(CONFIG_FILE) {
            if let Ok(text) = std::fs::read_to_string(self.root.join(CONFIG_FILE)) {
                sources.insert(CONFIG_FILE.to_string(), text);
            }
        }
        if let Some(content) = &self.content {
            sources.extend(crate::load::texts_named_by(&self.root, &content.loaded, diagnostics));
        }
        sources
    }
}

/// Renders every page into a new generation through a staging folder, then serves it.
/// `history` writes the history pages after the others, with the templates they set up.
fn render_everything(
    site: &Site<'_>,
    listed: &Listed,
    extras: Extras<'_>,
    tera: &mut tera::Tera,
    root: &Path,
    generations: &mut Generations,
    history: impl FnOnce(&tera::Tera, &dyn Sink) -> Result<usize, Vec<Diagnostic>>,
) -> Result<(usize, Changed), Vec<Diagnostic>> {
    let next = generations.next_dir();
    let staging = Staging::create(&next).map_err(|e| vec![output_error(&next, e)])?;
    let rendered = render_scope_with(site, tera, root, &staging, &Scope::All, &Silent, extras, listed)?;
    let histories = history(tera, &staging)?;
    staging.commit().map_err(|e| vec![output_error(&next, e)])?;
    generations.advance();
    Ok((rendered.files + histories, Changed::Everything))
}

fn output_error(dir: &Path, error: anyhow::Error) -> Diagnostic {
    Diagnostic::new(
        Code::OutputWrite,
        &dir.display().to_string(),
        Position::START,
        format!("cannot write the preview: {error:#}"),
    )
    .with_hint("check that the site folder is writable and the disk has space")
}
