//! Building editions: each edition's files are taken from its commit into a temporary
//! folder and rendered by the same stages as the current site, under `/editions/<name>/`.
//! The result is kept in `.evident-cache/editions/<name>/` with a manifest; a later build
//! copies it unchanged when the commit, the Evident binary, the address and everything the
//! switcher shows on its pages are the same, and its files still hash to what the manifest
//! recorded when they were rendered; it renders it again otherwise.

use super::addresses::{EditionAddress, addresses_of};
use super::nav::{Nav, Place};
use super::{Edition, EditionsConfig};
use crate::config::{CONFIG_FILE, load_config};
use crate::diagnostic::{Code, Diagnostic};
use crate::link::{LinkOptions, link_site};
use crate::parse::{ParsedContent, Reading, read_and_parse};
use crate::progress::{Progress, Silent};
use crate::render::urls::{Urls, edition_dir};
use crate::render::{Extras, page_dirs, render_site, templates::load_templates};
use crate::versions::git::Repo;
use crate::write::{Sink, Staging};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The cache folder in the site root (git-ignored by `evident init`).
pub const CACHE_DIR: &str = ".evident-cache";

/// Bumped whenever what the cache holds changes meaning.
const CACHE_FORMAT: &str = "evident-edition-cache-3";

/// Files of an edition that make no sense below the site root: crawlers read robots.txt
/// and sitemaps only at the root, and the root's own describe the current site (so do the
/// parts of a sitemap too large for one file, `render::sitemap::is_part`).
const ROOT_ONLY: [&str; 2] = ["robots.txt", "sitemap.xml"];

#[derive(Serialize, Deserialize)]
struct Manifest {
    build_key: String,
    links_key: String,
    commit: String,
    pages: Vec<String>,
    /// `tree_digest` of the rendered files: a page edited in the cache by hand (or by
    /// anything else) is rendered again, never republished as it is.
    files: String,
    /// The question addresses the edition published, for `url/removed`.
    addresses: Vec<EditionAddress>,
}

/// An edition's content, read and parsed, waiting to be rendered.
struct Snapshot {
    dir: PathBuf,
    config: crate::config::SiteConfig,
    parsed: ParsedContent,
}

/// The editions of one build: where each lives, which pages each has, and what must be
/// rendered again.
pub struct Plan {
    pub editions: Vec<Edition>,
    /// The current site first, then each edition in `editions` order.
    pub places: Vec<Place>,
    snapshots: Vec<Option<Snapshot>>,
    manifests: Vec<Option<Manifest>>,
    /// Per edition, in `editions` order: the question addresses it published.
    addresses: Vec<Vec<EditionAddress>>,
    build_keys: Vec<String>,
    cache: PathBuf,
    include_drafts: bool,
    repo: Option<Repo>,
}

/// Resolves the editions and learns the pages of each — from its cache when the cache is
/// still good, else by reading and parsing its commit's content.
pub fn plan(
    root: &Path,
    repo: Option<&Repo>,
    config: &EditionsConfig,
    current: Place,
    include_drafts: bool,
) -> Result<Plan, Vec<Diagnostic>> {
    let editions = super::resolve(repo, config)?;
    let cache = root.join(CACHE_DIR).join("editions");
    let binary = crate::embedded::binary_identity();
    let mut plan = Plan {
        places: vec![current],
        snapshots: Vec::new(),
        manifests: Vec::new(),
        addresses: Vec::new(),
        build_keys: Vec::new(),
        cache,
        include_drafts,
        repo: repo.cloned(),
        editions: Vec::new(),
    };
    let mut problems = Vec::new();
    for edition in &editions {
        let base_url = format!("{}{}", plan.places[0].base_url, edition_dir(&edition.name));
        let build_key = digest(&[
            CACHE_FORMAT,
            &binary,
            &edition.commit,
            &base_url,
            if include_drafts { "drafts" } else { "published" },
        ]);
        let dir = plan.cache.join(&edition.name);
        let manifest = read_manifest(&dir)
            .filter(|m| m.build_key == build_key && m.commit == edition.commit && dir.join("site").is_dir());
        let (pages, addresses, snapshot) = match &manifest {
            Some(manifest) => (
                manifest.pages.iter().cloned().collect(),
                manifest.addresses.clone(),
                None,
            ),
            None => match plan.snapshot(edition, &base_url) {
                Ok(snapshot) => {
                    let site = link_site(
                        &snapshot.config,
                        &snapshot.parsed,
                        LinkOptions {
                            include_drafts: plan.include_drafts,
                            include_pending: plan.include_drafts,
                        },
                        None,
                    );
                    let pages: HashSet<String> = page_dirs(&site).into_iter().collect();
                    let addresses = addresses_of(&site);
                    drop(site);
                    (pages, addresses, Some(snapshot))
                }
                Err(problem) => {
                    problems.push(problem);
                    continue;
                }
            },
        };
        plan.places.push(Place {
            name: Some(edition.name.clone()),
            label: edition.label.clone(),
            base_path: Urls::new(&base_url).base_path,
            base_url,
            date: Some(edition.date),
            pages,
        });
        plan.snapshots.push(snapshot);
        plan.manifests.push(manifest);
        plan.addresses.push(addresses);
        plan.build_keys.push(build_key);
    }
    if !problems.is_empty() {
        plan.clean_sources();
        return Err(problems);
    }
    plan.editions = editions;
    Ok(plan)
}

impl Plan {
    /// The switcher as the current site shows it.
    pub fn current_nav(&self) -> Nav<'_> {
        Nav::new(&self.places, 0)
    }

    /// The newest edition and the question addresses it published: what a build must keep
    /// even when it starts from an empty output folder.
    pub fn latest(&self) -> Option<(&Edition, &[EditionAddress])> {
        Some((self.editions.first()?, self.addresses.first()?.as_slice()))
    }

    /// Renders the editions whose cache is missing or stale, then copies every edition
    /// into `sink` under `editions/<name>/`.
    pub fn publish(&mut self, sink: &dyn Sink, progress: &dyn Progress) -> Result<(), Vec<Diagnostic>> {
        progress.stage("editions", Some(self.editions.len() as u64));
        let mut problems = Vec::new();
        for index in 0..self.editions.len() {
            let links_key = Nav::new(&self.places, index + 1).links_key();
            let site_dir = self.cache.join(&self.editions[index].name).join("site");
            let fresh = self.manifests[index].as_ref().is_some_and(|m| {
                m.links_key == links_key
                    && self.snapshots[index].is_none()
                    && tree_digest(&site_dir).is_ok_and(|files| files == m.files)
            });
            if !fresh {
                if let Err(problem) = self.render(index, &links_key) {
                    problems.push(problem);
                    continue;
                }
            }
            let edition = &self.editions[index];
            if let Err(error) = copy_tree(
                &self.cache.join(&edition.name).join("site"),
                &edition_dir(&edition.name),
                sink,
            ) {
                problems.push(edition_problem(
                    edition,
                    format!("cannot copy its cached pages into the site: {error:#}"),
                ));
            }
            progress.step();
        }
        self.clean_sources();
        self.prune();
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    /// Reads an edition's files from its commit and parses them.
    fn snapshot(&self, edition: &Edition, base_url: &str) -> Result<Snapshot, Diagnostic> {
        let Some(repo) = &self.repo else {
            return Err(edition_problem(edition, "the site is not in a git repository".into()));
        };
        let dir = self.cache.join(format!("{}.source", edition.name));
        extract(repo, &edition.commit, &dir).map_err(|message| edition_problem(edition, message))?;
        let config = load_config(&dir).map_err(|findings| {
            let first = findings.first().map_or_else(String::new, |d| {
                format!(": {}:{}:{}: {}", d.file, d.line, d.column, d.message)
            });
            edition_problem(edition, format!("its {CONFIG_FILE} cannot be used{first}"))
        })?;
        // Content is taken as it was published (findings in it were judged then, and an
        // archived edition stays readable even when later checks would object), its
        // approvals judged for the site's own address, not the edition's.
        let approved_base_url = config.base_url.clone();
        let config = config
            .with_base_url(base_url)
            .map_err(|message| edition_problem(edition, message))?;
        // Its approvals are judged by its own registry and rules, as its pages were then;
        // an archived page does not turn overdue later.
        let (registry, _) = crate::people::load_people(&dir);
        let trust = crate::review::trust::Trust::new(&config, std::sync::Arc::new(registry), None).without_currency();
        let reading = Reading {
            max_file_size: config.limits.max_file_size,
            trust: Some(&trust),
            ..Reading::of(&approved_base_url)
        };
        let (_, parsed) = read_and_parse(&dir, &reading);
        Ok(Snapshot { dir, config, parsed })
    }

    /// Renders one edition into its cache folder and records its manifest.
    fn render(&mut self, index: usize, links_key: &str) -> Result<(), Diagnostic> {
        let edition = self.editions[index].clone();
        let snapshot = match self.snapshots[index].take() {
            Some(snapshot) => snapshot,
            None => {
                let base_url = self.places[index + 1].base_url.clone();
                self.snapshot(&edition, &base_url)?
            }
        };
        let site = link_site(
            &snapshot.config,
            &snapshot.parsed,
            LinkOptions {
                include_drafts: self.include_drafts,
                include_pending: self.include_drafts,
            },
            None,
        );
        let mut templates = load_templates(&snapshot.dir).map_err(|findings| {
            let first = findings
                .first()
                .map_or_else(String::new, |d| format!(": {}", d.message));
            edition_problem(&edition, format!("its templates cannot be used{first}"))
        })?;
        let dir = self.cache.join(&edition.name);
        let target = dir.join("site");
        let staging = Staging::create(&target)
            .map_err(|error| edition_problem(&edition, format!("cannot write its cache: {error:#}")))?;
        let extras = Extras {
            history: None,
            editions: Some(Nav::new(&self.places, index + 1)),
            kept_index: None,
        };
        render_site(&site, &mut templates, &snapshot.dir, extras, &staging, &Silent).map_err(|findings| {
            let first = findings
                .first()
                .map_or_else(String::new, |d| format!(": {}", d.message));
            edition_problem(&edition, format!("it does not render{first}"))
        })?;
        let mut pages: Vec<String> = page_dirs(&site);
        pages.sort();
        let addresses = addresses_of(&site);
        drop(site);
        staging
            .commit()
            .map_err(|error| edition_problem(&edition, format!("cannot write its cache: {error:#}")))?;
        let files = tree_digest(&target)
            .map_err(|error| edition_problem(&edition, format!("cannot read back its cache: {error:#}")))?;
        let manifest = Manifest {
            files,
            build_key: self.build_keys[index].clone(),
            links_key: links_key.to_string(),
            commit: edition.commit.clone(),
            pages,
            addresses: addresses.clone(),
        };
        let text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
        std::fs::write(dir.join("manifest.json"), text)
            .map_err(|error| edition_problem(&edition, format!("cannot write its cache manifest: {error}")))?;
        self.manifests[index] = Some(manifest);
        self.addresses[index] = addresses;
        let _ = std::fs::remove_dir_all(&snapshot.dir);
        Ok(())
    }

    /// Removes the folders editions were read into: the cache keeps rendered pages only.
    fn clean_sources(&mut self) {
        for snapshot in self.snapshots.iter_mut().filter_map(Option::take) {
            let _ = std::fs::remove_dir_all(&snapshot.dir);
        }
    }

    /// Forgets cached editions that are no longer configured.
    fn prune(&self) {
        let Ok(entries) = std::fs::read_dir(&self.cache) else {
            return;
        };
        let names: HashSet<&str> = self.editions.iter().map(|e| e.name.as_str()).collect();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !names.contains(name.as_str()) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// Writes the site's files as they were at `commit` into `dir` (emptied first).
fn extract(repo: &Repo, commit: &str, dir: &Path) -> Result<(), String> {
    let files = repo
        .site_files(commit)
        .map_err(|error| format!("cannot list its files: {error}"))?;
    // The published output and this cache are never sources, and nothing may climb out of
    // the folder it is written to.
    let files: Vec<(String, String)> = files
        .into_iter()
        .filter(|(rel, _)| {
            !rel.starts_with("public/")
                && !rel.starts_with(CACHE_DIR)
                && !rel.starts_with(".git/")
                && rel
                    .split('/')
                    .all(|part| !part.is_empty() && part != "." && part != "..")
        })
        .collect();
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|error| format!("cannot clear {}: {error}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
    let ids: Vec<&str> = files.iter().map(|(_, blob)| blob.as_str()).collect();
    let mut failure: Option<String> = None;
    repo.read_blobs(&ids, |index, bytes| {
        if failure.is_some() {
            return;
        }
        let path = dir.join(&files[index].0);
        let Some(bytes) = bytes else {
            failure = Some(format!("git does not have the blob of {}", files[index].0));
            return;
        };
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, bytes));
        if let Err(error) = written {
            failure = Some(format!("cannot write {}: {error}", path.display()));
        }
    })
    .map_err(|error| format!("cannot read its files: {error}"))?;
    match failure {
        Some(message) => Err(message),
        None => Ok(()),
    }
}

/// Copies every file under `from` into `sink` below `prefix`, in name order.
fn copy_tree(from: &Path, prefix: &str, sink: &dyn Sink) -> anyhow::Result<()> {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = crate::load::rel_path(from, entry.path());
        // The cache's own marker: the published folder carries one, at its top.
        if ROOT_ONLY.contains(&rel.as_str()) || crate::render::sitemap::is_part(&rel) || rel == crate::write::MARKER {
            continue;
        }
        let bytes = std::fs::read(entry.path())?;
        sink.write(&format!("{prefix}{rel}"), &bytes)?;
    }
    Ok(())
}

/// SHA-256 over every file under `dir`: its path, length and bytes, in name order.
fn tree_digest(dir: &Path) -> anyhow::Result<String> {
    let mut hash = Sha256::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry?;
        if !entry.file_type().is_file() {
            continue;
        }
        let bytes = std::fs::read(entry.path())?;
        let rel = crate::load::rel_path(dir, entry.path());
        hash.update(format!("{}\n{}\n", serde_json::to_string(&rel)?, bytes.len()).as_bytes());
        hash.update(&bytes);
    }
    Ok(crate::text::hex(&hash.finalize()))
}

fn read_manifest(dir: &Path) -> Option<Manifest> {
    let text = std::fs::read_to_string(dir.join("manifest.json")).ok()?;
    serde_json::from_str(&text).ok()
}

fn digest(parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part.as_bytes());
        hash.update(b"\n");
    }
    crate::text::hex(&hash.finalize())
}

fn edition_problem(edition: &Edition, message: String) -> Diagnostic {
    Diagnostic::new(
        Code::ConfigInvalidValue,
        CONFIG_FILE,
        edition.at,
        format!(
            "edition `{}` ({} at {}) cannot be built: {message}",
            edition.name,
            edition.git_ref,
            &edition.commit[..edition.commit.len().min(10)]
        ),
    )
    .with_hint("point the edition at a commit whose site builds, or remove it from evident.yaml")
}
