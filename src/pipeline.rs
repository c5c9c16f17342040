//! The stages in order — load → parse → check → link → render → write — as the commands
//! run them. Nothing here prints: the caller decides how findings are shown.

use crate::check::check_content;
use crate::config::{SiteConfig, load_config};
use crate::diagnostic::{Diagnostic, Severity, sort_diagnostics};
use crate::link::graph::Graph;
use crate::link::{LinkOptions, Site, link_site_with_graph};
use crate::load::{ContentFile, LoadedContent};
use crate::parse::{Output, ParsedContent, read_and_parse_within};
use crate::progress::{Progress, Silent};
use crate::render::graph::{GraphFormat, graph_text};
use crate::render::{Listed, Scope, render_scope_with, templates::load_templates};
use crate::versions::Versions;
use crate::write::Staging;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    pub out: Option<PathBuf>,
    /// `--force DIR`: replace the output folder even where the rules would refuse it
    /// (never the site or a folder holding it); must name the output folder itself.
    pub force: Option<PathBuf>,
    pub include_drafts: bool,
    pub base_url: Option<String>,
    pub deny_warnings: bool,
    /// "Today" for age checks (`--as-of`); the system date when absent.
    pub as_of: Option<crate::date::Date>,
    /// The keys that may sign approvals, pinned outside the repository (`--trusted-keys`).
    pub trusted_keys: Option<crate::review::root::Source>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing at error severity: exit status 0.
    Clean,
    /// Findings at error severity: exit status 1.
    Failed,
    /// The configuration or templates are broken: exit status 2.
    Misconfigured,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::Failed => 1,
            Outcome::Misconfigured => 2,
        }
    }
}

pub struct Report {
    pub outcome: Outcome,
    pub diagnostics: Vec<Diagnostic>,
    /// The text of each file findings name, for quoting the offending line.
    pub sources: HashMap<String, String>,
    pub stats: Stats,
    /// Where the previous output is when a failed build could not leave it in place
    /// (a swap that could not be undone); `None`: it is where it was, unchanged.
    pub previous_output_moved_to: Option<Box<Path>>,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    pub articles: usize,
    pub pages: usize,
    pub files_written: usize,
}

impl Report {
    pub fn source_of(&self, file: &str) -> Option<&str> {
        self.sources.get(file).map(String::as_str)
    }
}

/// A site read and judged: what `build` publishes from, and what `serve` keeps in memory
/// between edits.
pub struct Checked {
    pub config: SiteConfig,
    pub loaded: LoadedContent<ContentFile>,
    pub parsed: ParsedContent,
    pub diagnostics: Vec<Diagnostic>,
    /// The related-question graph over every article, drafts included, which the graph
    /// checks judge; `build` reuses it when it publishes the same articles.
    pub graph: Graph,
}

impl Checked {
    /// What was read, before anything is published.
    fn stats(&self) -> Stats {
        Stats {
            articles: self.parsed.articles.len(),
            pages: self.parsed.pages.len(),
            files_written: 0,
        }
    }
}

/// The site `build` publishes (drafts only with `--drafts`), linked with the graph the
/// checks built.
fn link_published<'a>(
    config: &'a SiteConfig,
    parsed: &'a ParsedContent,
    graph: Graph,
    options: &BuildOptions,
) -> Site<'a> {
    let link = LinkOptions {
        include_drafts: options.include_drafts,
        // A build with drafts is a preview: it shows what awaits review too.
        include_pending: options.include_drafts,
    };
    link_site_with_graph(config, parsed, link, Some(graph))
}

/// Runs load, parse and check, telling `progress` each stage as it begins. The body HTML
/// is made only when `output` asks for it: commands that publish no page (`check`,
/// `graph`, the review commands) leave it out. `Err` carries a configuration failure.
pub fn load_and_check(
    root: &Path,
    options: &BuildOptions,
    progress: &dyn Progress,
    output: Output,
) -> Result<Checked, Report> {
    progress.stage("reading the configuration", None);
    let config = match load_config(root) {
        Ok(config) => config,
        Err(diagnostics) => return Err(misconfigured(root, diagnostics)),
    };
    // Approvals hold for the site `evident.yaml` names, wherever it is previewed.
    let approved_base_url = config.base_url.clone();
    let config = match &options.base_url {
        Some(url) => match config.with_base_url(url) {
            Ok(config) => config,
            Err(problem) => {
                let diagnostic = Diagnostic::new(
                    crate::diagnostic::Code::ConfigInvalidValue,
                    "--base-url",
                    crate::diagnostic::Position::START,
                    problem,
                )
                .with_hint("pass an absolute address, e.g. `--base-url https://kb.example.org/`");
                return Err(misconfigured(root, vec![diagnostic]));
            }
        },
        None => config,
    };
    progress.stage("reading and parsing", None);
    let (mut loaded, mut parsed) = read_and_parse_within(root, &approved_base_url, output, config.limits.max_file_size);
    let (mut registry, mut people_findings) = crate::people::load_people(root);
    match &options.trusted_keys {
        Some(source) => match crate::review::root::load(source) {
            Ok(keys) => registry.trusted = Some(std::sync::Arc::new(keys)),
            Err(problems) => return Err(misconfigured(root, problems)),
        },
        None => people_findings.extend(crate::review::root::unpinned(&config, &registry)),
    }
    let trust = crate::review::trust::Trust::new(&config, std::sync::Arc::new(registry), options.as_of);
    parsed.establish_trust(trust, people_findings);
    loaded.diagnostics.extend(crate::review::site::check_theme(root));
    if config.review.signatures != crate::config::Signatures::Off {
        let any_reviewed = parsed.articles.iter().any(|a| a.review_state.is_reviewed());
        loaded.diagnostics.extend(crate::review::site::check_site_approval(
            root,
            &approved_base_url,
            &parsed.people(),
            any_reviewed,
        ));
    }
    // A synonyms.yaml that does not load would silently search with the built-in table.
    loaded
        .diagnostics
        .extend(crate::search::synonyms::load_site(root).err());
    Ok(check_loaded(config, loaded, parsed, options, progress))
}

/// The checks of `load_and_check`, on content already read and parsed: `serve` runs them
/// again after re-reading only the file an editor saved (`reload_file`).
pub fn check_loaded(
    config: SiteConfig,
    loaded: LoadedContent<ContentFile>,
    parsed: ParsedContent,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Checked {
    let mut parsed = parsed;
    if let Some(list) = config.citations.retraction_list.as_deref() {
        crate::bibliography::retraction::annotate_corrections(&mut parsed.articles, list);
    }
    progress.stage("checking articles", None);
    // Cloned, not taken: a later re-check of the same content must see them again.
    let mut diagnostics = loaded.diagnostics.clone();
    diagnostics.extend(parsed.diagnostics.iter().cloned());
    diagnostics.extend(check_content(&parsed));
    diagnostics.extend(crate::search::duplicates::check_duplicates(
        &parsed.articles,
        config.search.duplicate_threshold,
    ));
    diagnostics.extend(crate::review::trust::check_people(&parsed.articles, &parsed.people()));
    diagnostics.extend(crate::standards::check_standards(
        &parsed.articles,
        &parsed.people(),
        &config,
    ));
    diagnostics.extend(crate::check::publish::check_unpublished_links(
        &parsed.articles,
        &config,
    ));
    progress.stage("checking citations", None);
    diagnostics.extend(crate::check::citations::check_citations(
        &parsed,
        &crate::check::citations::CitationChecks {
            config: &config.citations,
            as_of: options.as_of.unwrap_or_else(crate::date::Date::today),
            retractions: config.citations.retraction_list.as_deref(),
        },
    ));
    progress.stage("building the graph", None);
    let (graph, graph_findings) = crate::link::link_graph(&parsed.articles, &config, progress);
    diagnostics.extend(graph_findings);
    let mut diagnostics = config.apply_severities(diagnostics);
    if options.deny_warnings {
        for d in &mut diagnostics {
            d.severity = Severity::Error;
        }
    }
    sort_diagnostics(&mut diagnostics);
    Checked {
        config,
        loaded,
        parsed,
        diagnostics,
        graph,
    }
}

/// Reads one content file again (`rel`, as findings name it) and parses it as `load_content`
/// and `parse_content` would, replacing what `loaded` and `parsed` held for it; a file that
/// is gone is removed. Both lists keep the order of a full load, so a re-check finds what a
/// fresh `check` would.
pub fn reload_file(root: &Path, loaded: &mut LoadedContent<ContentFile>, parsed: &mut ParsedContent, rel: &str) {
    // An edited file keeps its place in every list: it is replaced where it stands rather
    // than removed and inserted again, which moved ten thousand articles on each save.
    let old_source = Held::find(
        &loaded.articles,
        &loaded.pages,
        |f| f.rel_path == rel,
        |f| f.rel_path == rel,
    );
    let old_parsed = Held::find(&parsed.articles, &parsed.pages, |a| a.file == rel, |p| p.file == rel);
    loaded.diagnostics.retain(|d| d.file != rel);
    parsed.diagnostics.retain(|d| d.file != rel);
    let read = crate::load::load_file(root, &root.join(rel), loaded.max_file_size);
    let (kind, source) = match read {
        Some((kind, Ok(source))) => (kind, source),
        // Gone, or no longer readable: nothing of it stays but the reason.
        unreadable => {
            old_source.remove(&mut loaded.articles, &mut loaded.pages);
            old_parsed.remove(&mut parsed.articles, &mut parsed.pages);
            if let Some((_, Err(diagnostic))) = unreadable {
                loaded.diagnostics.push(diagnostic);
            }
            return;
        }
    };
    // `load_content` walks folders in file-name order; paths compare the same way, by component.
    let before = |other: &str| Path::new(other) < Path::new(rel);
    match kind {
        crate::load::SourceKind::Article => {
            let mut result = crate::parse::article::parse_article_in(&source, &parsed.bibliography, &parsed.site);
            parsed.diagnostics.extend(result.diagnostics);
            if let (Some(article), Some(trust)) = (result.article.as_mut(), parsed.trust.as_ref()) {
                parsed.diagnostics.extend(crate::review::trust::judge(article, trust));
            }
            old_parsed.put_article(&mut parsed.articles, &mut parsed.pages, result.article, |a| {
                before(&a.file)
            });
            let file = Some(source.into_content_file());
            old_source.put_article(&mut loaded.articles, &mut loaded.pages, file, |f| before(&f.rel_path));
        }
        crate::load::SourceKind::Page => {
            let (page, diagnostics) = crate::parse::page::parse_page(&source);
            parsed.diagnostics.extend(diagnostics);
            old_parsed.put_page(&mut parsed.articles, &mut parsed.pages, page, |p| before(&p.file));
            let file = Some(source.into_content_file());
            old_source.put_page(&mut loaded.articles, &mut loaded.pages, file, |f| before(&f.rel_path));
        }
    }
}

/// Where a file's entry stands in a pair of lists (articles, pages), if anywhere.
#[derive(Clone, Copy)]
enum Held {
    Article(usize),
    Page(usize),
    Nowhere,
}

impl Held {
    fn find<A, P>(articles: &[A], pages: &[P], is_article: impl Fn(&A) -> bool, is_page: impl Fn(&P) -> bool) -> Held {
        if let Some(at) = articles.iter().position(is_article) {
            return Held::Article(at);
        }
        pages.iter().position(is_page).map_or(Held::Nowhere, Held::Page)
    }

    fn remove<A, P>(self, articles: &mut Vec<A>, pages: &mut Vec<P>) {
        match self {
            Held::Article(at) => drop(articles.remove(at)),
            Held::Page(at) => drop(pages.remove(at)),
            Held::Nowhere => {}
        }
    }

    /// Puts the file's new article entry (`None`: it has none now) in place of its old
    /// one, or, when it had none there, at its place in name order (`goes_before` tells
    /// the entries it follows).
    fn put_article<A, P>(
        self,
        articles: &mut Vec<A>,
        pages: &mut Vec<P>,
        entry: Option<A>,
        goes_before: impl Fn(&A) -> bool,
    ) {
        match (entry, self) {
            (Some(entry), Held::Article(at)) => articles[at] = entry,
            (Some(entry), old) => {
                old.remove(articles, pages);
                let at = articles.partition_point(goes_before);
                articles.insert(at, entry);
            }
            (None, old) => old.remove(articles, pages),
        }
    }

    /// `put_article` for a page entry.
    fn put_page<A, P>(
        self,
        articles: &mut Vec<A>,
        pages: &mut Vec<P>,
        entry: Option<P>,
        goes_before: impl Fn(&P) -> bool,
    ) {
        let swapped = match self {
            Held::Article(at) => Held::Page(at),
            Held::Page(at) => Held::Article(at),
            Held::Nowhere => Held::Nowhere,
        };
        swapped.put_article(pages, articles, entry, goes_before);
    }
}

/// `evident check`: every finding, nothing written.
pub fn check(root: &Path, options: &BuildOptions) -> Report {
    match load_and_check(root, options, &Silent, Output::FactsOnly) {
        Ok(checked) => {
            let stats = checked.stats();
            let report = finish(root, checked.diagnostics, &checked.loaded, stats);
            checked.parsed.drop_in_parallel();
            report
        }
        Err(report) => report,
    }
}

/// `evident build`: check, and publish only when nothing is at error severity, telling
/// `progress` how far it got.
pub fn build(root: &Path, options: &BuildOptions, progress: &dyn Progress) -> Report {
    let given_out = options.out.clone().unwrap_or_else(|| root.join("public"));
    // Judged before anything is read: a folder that will not be replaced fails at once.
    let out = match crate::write::prepare_output(root, &given_out, options.force.as_deref()) {
        Ok(out) => out,
        Err(refusal) => return refused(root, &given_out, refusal),
    };
    let mut checked = match load_and_check(root, options, progress, Output::Html) {
        Ok(checked) => checked,
        Err(report) => return report,
    };
    let mut stats = checked.stats();
    if checked.diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return finish(root, checked.diagnostics, &checked.loaded, stats);
    }
    let tera = match load_templates(root) {
        Ok(tera) => tera,
        Err(problems) => return misconfigured(root, problems),
    };
    checked.parsed.drop_check_details();
    progress.stage("linking", None);
    let site = link_published(&checked.config, &checked.parsed, checked.graph, options);
    stats.articles = site.articles.len();
    let staging = match Staging::create(&out) {
        Ok(staging) => staging,
        Err(error) => return io_failure(root, &given_out, error),
    };
    let mut tera = tera;
    // History and editions are read before any page is rendered, so that every page links
    // only to versions and editions that exist.
    progress.stage("reading history", None);
    let mut versions = match Versions::prepare(root, &site, checked.parsed.sources(), options.include_drafts) {
        Ok(versions) => versions,
        Err(problems) => return misconfigured(root, problems),
    };
    let mut diagnostics = checked.diagnostics;
    let mut warnings = checked.config.apply_severities(std::mem::take(&mut versions.warnings));
    if options.deny_warnings {
        for warning in &mut warnings {
            warning.severity = Severity::Error;
        }
    }
    diagnostics.extend(warnings);
    sort_diagnostics(&mut diagnostics);
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return finish(root, diagnostics, &checked.loaded, stats);
    }
    match render_scope_with(
        &site,
        &mut tera,
        root,
        &staging,
        &Scope::All,
        progress,
        versions.extras(),
        &Listed::of(&site),
    ) {
        Ok(rendered) => stats.files_written = rendered.files,
        Err(problems) => return misconfigured(root, problems),
    }
    match versions.publish(
        &site,
        &checked.loaded,
        checked.parsed.sources(),
        &tera,
        &staging,
        progress,
    ) {
        Ok(files) => stats.files_written += files,
        Err(problems) if problems.iter().any(|p| p.code.is_configuration()) => return misconfigured(root, problems),
        // An article changed under the build: a finding about it, not about the setup. It
        // stopped the build, so it is an error whatever its code's usual severity.
        Err(problems) => {
            diagnostics.extend(problems.into_iter().map(|mut problem| {
                problem.severity = Severity::Error;
                problem
            }));
            sort_diagnostics(&mut diagnostics);
            return finish(root, diagnostics, &checked.loaded, stats);
        }
    }
    progress.stage("publishing", None);
    match staging.commit() {
        Ok(committed) => diagnostics.extend(committed.leftover.map(|left| leftover_warning(root, &given_out, left))),
        Err(error) => {
            let mut report = io_failure(root, &given_out, error);
            report.previous_output_moved_to = crate::write::moved_aside(&out).map(PathBuf::into_boxed_path);
            return report;
        }
    }
    let report = finish(root, diagnostics, &checked.loaded, stats);
    drop(versions);
    drop(site);
    checked.parsed.drop_in_parallel();
    report
}

/// `evident graph`: the related-question graph `build` would publish, as text. Like
/// `build`, it gives nothing when a finding is at error severity.
pub fn graph(root: &Path, options: &BuildOptions, format: GraphFormat) -> (Report, Option<String>) {
    let checked = match load_and_check(root, options, &Silent, Output::FactsOnly) {
        Ok(checked) => checked,
        Err(report) => return (report, None),
    };
    let stats = checked.stats();
    if checked.diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return (finish(root, checked.diagnostics, &checked.loaded, stats), None);
    }
    let site = link_published(&checked.config, &checked.parsed, checked.graph, options);
    let text = graph_text(&site, format);
    drop(site);
    (finish(root, checked.diagnostics, &checked.loaded, stats), Some(text))
}

/// `evident search`: the search index `build` would publish (drafts only with
/// `--drafts`), held in memory. Like `build`, it gives nothing when a finding is at error
/// severity: an editor then searches a site that no reader could see.
pub fn search_index(root: &Path, options: &BuildOptions) -> (Report, Option<Vec<crate::search::SearchFile>>) {
    let checked = match load_and_check(root, options, &Silent, Output::FactsOnly) {
        Ok(checked) => checked,
        Err(report) => return (report, None),
    };
    let stats = checked.stats();
    if checked.diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return (finish(root, checked.diagnostics, &checked.loaded, stats), None);
    }
    let site = link_published(&checked.config, &checked.parsed, checked.graph, options);
    let files = crate::search::site_index(&site, root);
    drop(site);
    (finish(root, checked.diagnostics, &checked.loaded, stats), Some(files))
}

fn finish(root: &Path, diagnostics: Vec<Diagnostic>, loaded: &LoadedContent<ContentFile>, stats: Stats) -> Report {
    let outcome = if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        Outcome::Failed
    } else {
        Outcome::Clean
    };
    let mut sources = crate::load::texts_named_by(root, loaded, &diagnostics);
    // The people registry is read apart from the content: its files are quoted from disk.
    for d in diagnostics.iter().filter(|d| d.file.starts_with("people/")) {
        if !sources.contains_key(&d.file) {
            if let Ok(text) = std::fs::read_to_string(root.join(&d.file)) {
                sources.insert(d.file.clone(), text);
            }
        }
    }
    Report {
        outcome,
        diagnostics,
        sources,
        stats,
        previous_output_moved_to: None,
    }
}

fn misconfigured(root: &Path, mut diagnostics: Vec<Diagnostic>) -> Report {
    sort_diagnostics(&mut diagnostics);
    let mut sources = HashMap::new();
    if let Ok(text) = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)) {
        sources.insert(crate::config::CONFIG_FILE.to_string(), text);
    }
    Report {
        outcome: Outcome::Misconfigured,
        diagnostics,
        sources,
        stats: Stats::default(),
        previous_output_moved_to: None,
    }
}

/// A build that will not publish into `out` (see `write::target`): exit status 2, nothing
/// read or written.
fn refused(root: &Path, out: &Path, refusal: crate::write::Refusal) -> Report {
    output_problem(root, out, refusal.message, refusal.hint)
}

/// An `output/write` problem with the output folder `out`, which stops the build (exit 2).
fn output_problem(root: &Path, out: &Path, message: String, hint: impl Into<String>) -> Report {
    let diagnostic = Diagnostic::new(
        crate::diagnostic::Code::OutputWrite,
        &crate::load::rel_path(root, out),
        crate::diagnostic::Position::START,
        message,
    )
    .with_hint(hint);
    misconfigured(root, vec![diagnostic])
}

/// The new site is published, but the previous one stayed beside it: said as it is.
fn leftover_warning(root: &Path, out: &Path, leftover: crate::write::Leftover) -> Diagnostic {
    Diagnostic::new(
        crate::diagnostic::Code::OutputWrite,
        &crate::load::rel_path(root, out),
        crate::diagnostic::Position::START,
        format!(
            "the new site is published, but the previous one could not be removed ({}): it is left at {}",
            leftover.error,
            leftover.path.display()
        ),
    )
    .with_severity(Severity::Warning)
    .with_hint("make the folder writable; the next build removes it (or remove it by hand)")
}

fn io_failure(root: &Path, out: &Path, error: anyhow::Error) -> Report {
    output_problem(
        root,
        out,
        format!("cannot write the site: {error:#}"),
        "check that the output folder is writable and the disk has space",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::read_and_parse;

    fn article(question: &str) -> String {
        format!(
            "---\nquestion: \"{question}\"\nanswer: \"An answer.\"\ncreated: 2026-01-08\n---\n\n## Evidence\n\nText.\n"
        )
    }

    /// What the held lists say: articles (file, question), pages, sources, findings' files.
    #[derive(Debug, PartialEq)]
    struct Lists {
        articles: Vec<(String, String)>,
        pages: Vec<String>,
        sources: Vec<String>,
        findings: Vec<String>,
    }

    /// What a full load and parse of the site gives now: the order and content `serve`
    /// must keep in step with.
    fn fresh(root: &Path) -> Lists {
        let (loaded, parsed) = read_and_parse(root, "https://example.org/");
        summarize(&loaded, &parsed)
    }

    fn summarize(loaded: &LoadedContent<ContentFile>, parsed: &ParsedContent) -> Lists {
        Lists {
            articles: parsed
                .articles
                .iter()
                .map(|a| (a.file.clone(), a.question.clone()))
                .collect(),
            pages: parsed.pages.iter().map(|p| p.file.clone()).collect(),
            sources: loaded
                .articles
                .iter()
                .chain(&loaded.pages)
                .map(|f| f.rel_path.clone())
                .collect(),
            findings: parsed.diagnostics.iter().map(|d| d.file.clone()).collect(),
        }
    }

    #[test]
    fn reloading_a_file_gives_what_a_full_load_gives() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        std::fs::create_dir_all(root.join("content/cardiology")).unwrap();
        std::fs::create_dir_all(root.join("content/pages")).unwrap();
        for name in ["a", "b", "c"] {
            let path = root.join(format!("content/cardiology/{name}.md"));
            std::fs::write(path, article(&format!("Question {name}?"))).unwrap();
        }
        std::fs::write(root.join("content/pages/about.md"), "---\ntitle: About\n---\n\nUs.\n").unwrap();
        let (mut loaded, mut parsed) = read_and_parse(root, "https://example.org/");
        let b = "content/cardiology/b.md";
        let mut step = |change: &dyn Fn(), rel: &str| {
            change();
            reload_file(root, &mut loaded, &mut parsed, rel);
            assert_eq!(summarize(&loaded, &parsed), fresh(root), "after changing {rel}");
        };
        // Edited in place, then broken (kept as a source, gone as an article, with a
        // finding), fixed, deleted and written again.
        step(&|| std::fs::write(root.join(b), article("Edited b?")).unwrap(), b);
        step(
            &|| std::fs::write(root.join(b), "---\nquestion: [unclosed\n---\n").unwrap(),
            b,
        );
        step(&|| std::fs::write(root.join(b), article("Fixed b?")).unwrap(), b);
        step(&|| std::fs::remove_file(root.join(b)).unwrap(), b);
        step(&|| std::fs::write(root.join(b), article("Back b?")).unwrap(), b);
        let about = "content/pages/about.md";
        step(
            &|| std::fs::write(root.join(about), "---\ntitle: About us\n---\n\nUs.\n").unwrap(),
            about,
        );
        step(&|| std::fs::remove_file(root.join(about)).unwrap(), about);
        assert_eq!(parsed.articles[1].question, "Back b?");
    }
}
