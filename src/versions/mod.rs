//! Versions, as `build` publishes them: each article's history (from git where the site is
//! a repository, else from its `changes` notes) with diffs and earlier versions at stable
//! URLs, and the site's editions with a switcher between them. Runs between link and
//! render; reads git once for the whole site, then only what the pages a build renders
//! rather than takes over show (`history::SiteHistory::read_for`).

pub mod diff;
pub mod git;
pub mod history;
pub mod lineage;
pub mod pages;
pub mod reader_text;

use crate::diagnostic::{Code, Diagnostic, Position};
use crate::editions::{Place, Plan};
use crate::fast_hash::FastMap;
use crate::link::Site;
use crate::load::{ContentFile, LoadedContent};
use crate::progress::Progress;
use crate::render::Extras;
use crate::render::urls::{Urls, edition_dir, history_dir};
use crate::write::Sink;
use git::Repo;
use history::{SiteHistory, Wanted, read_history};
use serde::Serialize;
use std::collections::HashSet;

/// What the rest of the site links to in the history pages.
#[derive(Default)]
pub struct HistoryLinks {
    /// Slugs of the articles whose stale approval has a "changed since approval" diff.
    approval_diffs: HashSet<String>,
}

impl HistoryLinks {
    pub fn approval_diff_url(&self, urls: &Urls, slug: &str) -> Option<String> {
        self.approval_diffs
            .contains(slug)
            .then(|| format!("{}#since-approval", urls.path(&history_dir(slug))))
    }
}

/// History and editions for one build, read before anything is rendered.
pub struct Versions {
    /// The site's folder, where the history pages read an article's current text again.
    root: std::path::PathBuf,
    pub history: SiteHistory,
    links: HistoryLinks,
    editions: Option<Plan>,
    /// Git could not be read: the build goes on without history, and says so.
    pub warnings: Vec<Diagnostic>,
    /// The build's today (`--as-of`, else the system's), as the articles were judged:
    /// the history pages judge approvals of outgrown texts as of it too.
    today: crate::date::Date,
}

impl Versions {
    /// Reads the history of every published article and plans the editions; what the
    /// history's blobs say is taken from and kept in `kept`, when the build keeps a cache.
    /// `Err` holds configuration findings (an edition that cannot be resolved or read).
    pub fn prepare(
        root: &std::path::Path,
        site: &Site<'_>,
        sources: crate::parse::article::Sources<'_>,
        (include_drafts, today): (bool, crate::date::Date),
        kept: Option<&dyn history::KeptFacts>,
    ) -> Result<Versions, Vec<Diagnostic>> {
        let (repo, mut versions) = Versions::read(root, site, sources, today, kept);
        if !site.config.editions.is_empty() {
            let urls = Urls::new(&site.config.base_url);
            let mut pages: HashSet<String> = crate::render::page_dirs(site).into_iter().collect();
            pages.extend(pages::page_dirs(site, &versions.history));
            let current = Place {
                name: None,
                label: "Current".to_string(),
                base_path: urls.base_path.clone(),
                base_url: urls.base_url.clone(),
                date: None,
                pages,
            };
            versions.editions = Some(crate::editions::plan(
                root,
                repo.as_ref(),
                &site.config.editions,
                current,
                include_drafts,
            )?);
        }
        Ok(versions)
    }

    /// Reads the history of every published article; the repository, when there is one.
    fn read(
        root: &std::path::Path,
        site: &Site<'_>,
        sources: crate::parse::article::Sources<'_>,
        today: crate::date::Date,
        kept: Option<&dyn history::KeptFacts>,
    ) -> (Option<Repo>, Versions) {
        let mut warnings = Vec::new();
        let repo = match Repo::discover(root) {
            Ok(repo) => repo,
            Err(error) => {
                warnings.push(history_warning(&error.0));
                None
            }
        };
        if repo.as_ref().is_some_and(Repo::is_shallow) {
            warnings.push(shallow_warning());
        }
        let wanted = wanted_of(site);
        let history = match &repo {
            Some(repo) => {
                let mut known = kept.map(|kept| kept.recall()).unwrap_or_default();
                let before = kept.is_some().then(|| known.clone());
                let history = read_history(repo, &wanted, sources, &mut known);
                if let (Some(kept), Some(before), Ok(_)) = (kept, before, &history)
                    && before != known
                {
                    kept.keep(&known);
                }
                history.unwrap_or_else(|error| {
                    warnings.push(history_warning(&error.0));
                    SiteHistory::default()
                })
            }
            None => SiteHistory::default(),
        };
        let links = HistoryLinks {
            approval_diffs: site
                .articles
                .iter()
                .filter(|a| history.articles.get(&*a.file).is_some_and(|h| h.approved.is_some()))
                .map(|a| a.slug.to_string())
                .collect(),
        };
        let versions = Versions {
            root: root.to_path_buf(),
            history,
            links,
            editions: None,
            warnings,
            today,
        };
        (repo, versions)
    }

    /// The newest edition and the question addresses it published, when editions are
    /// configured: the published site a build must keep the addresses of.
    pub fn latest_edition(&self) -> Option<(&crate::editions::Edition, &[crate::editions::EditionAddress])> {
        self.editions.as_ref().and_then(Plan::latest)
    }

    /// What the site's own pages show of history and editions.
    pub fn extras(&self) -> Extras<'_> {
        Extras {
            history: Some(&self.links),
            editions: self.editions.as_ref().map(Plan::current_nav),
            kept_index: None,
        }
    }

    /// Writes the history pages, the editions and `versions.json` into `sink`.
    pub fn publish(
        &mut self,
        site: &Site<'_>,
        loaded: &LoadedContent,
        sources: crate::parse::article::Sources<'_>,
        templates: &crate::render::templates::Templates,
        sink: &dyn Sink,
        progress: &dyn Progress,
    ) -> Result<(), Vec<Diagnostic>> {
        self.publish_history(site, loaded, sources, templates, sink, progress)?;
        if let Some(plan) = &mut self.editions {
            plan.publish(sink, progress)?;
        }
        let json = versions_json(site, self.editions.as_ref());
        sink.write("versions.json", json.as_bytes()).map_err(|error| {
            vec![crate::render::templates::template_error(
                "versions.json",
                format!("{error:#}"),
            )]
        })
    }

    /// Writes the history page and the earlier versions' pages of every article.
    fn publish_history(
        &self,
        site: &Site<'_>,
        loaded: &LoadedContent,
        sources: crate::parse::article::Sources<'_>,
        templates: &crate::render::templates::Templates,
        sink: &dyn Sink,
        progress: &dyn Progress,
    ) -> Result<(), Vec<Diagnostic>> {
        let files: FastMap<&str, &ContentFile> = loaded.articles.iter().map(|f| (f.rel_path.as_str(), f)).collect();
        pages::render_pages(
            &pages::Inputs {
                site,
                history: &self.history,
                root: &self.root,
                files: &files,
                sources,
                templates,
                nav: self.editions.as_ref().map(Plan::current_nav),
                today: self.today,
            },
            sink,
            progress,
        )
    }
}

/// The articles that have history pages: every published article, then every withdrawn
/// one (a withdrawn question stays in history), each with whether it is withdrawn.
pub fn with_history<'s>(site: &'s Site<'_>) -> impl Iterator<Item = (&'s crate::parse::article::Article, bool)> {
    site.articles
        .iter()
        .map(|a| (*a, false))
        .chain(site.retired.iter().map(|a| (*a, true)))
}

/// The history each article of `with_history` needs: its file, its current version and,
/// for a stale approval of a published article, the hash of the text to trace.
fn wanted_of<'s>(site: &'s Site<'_>) -> Vec<Wanted<'s>> {
    with_history(site)
        .map(|(a, withdrawn)| Wanted {
            file: &a.file,
            version: a.version,
            approved_hash: a
                .review_state
                .is_stale()
                .then_some(a.review().approved_hash.as_deref())
                .flatten()
                .filter(|_| !withdrawn),
            withdrawn,
        })
        .collect()
}

#[derive(Serialize)]
struct VersionsJson {
    current: CurrentJson,
    /// Newest first.
    editions: Vec<EditionJson>,
}

#[derive(Serialize)]
struct CurrentJson {
    label: &'static str,
    url: String,
}

#[derive(Serialize)]
struct EditionJson {
    name: String,
    label: String,
    #[serde(rename = "ref")]
    git_ref: String,
    commit: String,
    date: String,
    url: String,
}

/// `/versions.json`: the current site and every edition, for scripts and other sites.
fn versions_json(site: &Site<'_>, plan: Option<&Plan>) -> String {
    let urls = Urls::new(&site.config.base_url);
    let value = VersionsJson {
        current: CurrentJson {
            label: "Current",
            url: urls.absolute(""),
        },
        editions: plan
            .map(|plan| {
                plan.editions
                    .iter()
                    .map(|e| EditionJson {
                        name: e.name.clone(),
                        label: e.label.clone(),
                        git_ref: e.git_ref.clone(),
                        commit: e.commit.clone(),
                        date: e.date.to_string(),
                        url: urls.absolute(&edition_dir(&e.name)),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// A shallow clone reads as a history that began with its oldest commit: earlier versions,
/// their pages and the changes since an approval would vanish without a word.
fn shallow_warning() -> Diagnostic {
    Diagnostic::new(
        Code::HistoryShallow,
        "content",
        Position::START,
        "the repository is a shallow clone: versions older than its first commit are missing from history pages, /v/<n>/ pages and the changes since approval",
    )
    .with_hint("fetch the whole history: `git fetch --unshallow`, or in GitHub Actions `actions/checkout` with `fetch-depth: 0` (GitLab CI: `GIT_DEPTH: 0`)")
}

fn history_warning(message: &str) -> Diagnostic {
    Diagnostic::new(
        Code::HistoryUnreadable,
        "content",
        Position::START,
        format!("cannot read the site's history from git: {message}"),
    )
    .with_hint("pages show only the `changes` notes until `git log` works in the site's folder")
}
