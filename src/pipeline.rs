//! The stages in order — load → parse → check → link → render → write — as the commands
//! run them. Nothing here prints: the caller decides how findings are shown.
//!
//! # What a build holds, and what streams
//!
//! Memory is what limits the size of a site, so each stage's hand-off is stated here; the
//! figures are bytes per article of a generated 10,000-article site (`gen_corpus`, heap
//! measured with `benches/heap_by_stage.rs`; BENCHMARKS.md has the runs).
//!
//! Streamed, never held for the whole build:
//! - **Source texts.** `parse::read_and_parse` reads each file just before parsing
//!   it and drops the text after; what stays is a `load::ContentFile` (path, length and a
//!   64-bit hash). Whoever needs the text later reads it again and gets `content/changed`
//!   if it is no longer the text that was judged: the history pages, and the report.
//! - **Pages.** `render::render_site` renders one page per job on every core and
//!   hands its bytes to the staging folder at once; no page outlives its job.
//! - **Quoted lines of findings.** A `Report` holds where each named file is
//!   (`load::quoted::Quoted`), not its text: the human report reads each file again when
//!   it reaches that file's findings and keeps only that one. Findings themselves hold
//!   no source line.
//! - **Findings' texts.** Findings are held as `diagnostic::Findings`: a 32-byte record
//!   each (file and fixed hint as indices into one table each, code, severity, place, and
//!   where its message is). Messages and hints made for one finding go to one text store
//!   that moves to an unnamed temporary file past 1 MiB. Each parse job packs its
//!   findings before it ends; the report reads each back, in order, as it prints it.
//!
//! - **Each article's own checks.** The checks that need one article alone (its fields,
//!   citations and references, the standards) run in its parse job, handed down as a
//!   `parse::article::Judge`; where each field is written (`Spans`), every use of a
//!   citation key and the uncited claims go to them and are dropped with the job.
//! - **Bodies' HTML.** Each parse job packs its body with LZ4 and writes it to a
//!   `packed::Spill`, an unnamed temporary file; the article keeps where it is, and its
//!   page reads it back. A parse recalled from the build cache keeps where its body is in
//!   the cache's pack (`cache::pack`), never copied.
//! - **Bodies' search terms.** The distinct terms of each body, which only the search
//!   index reads, are packed and spilled beside its HTML (0.6 KB an article when they were
//!   held as text), and kept beside it by the build cache; the index unpacks them a block of
//!   documents at a time, and a build with the cache only those of the articles whose terms
//!   the kept index does not hold (`search::kept::SiteTerms::of`).
//! - **References as typed.** Once its job has judged and annotated them, each article's
//!   references are packed the same way (`parse::references::References::pack`: into the
//!   spill when the build publishes, in memory otherwise); what stays is each one's key,
//!   DOI and PMID, which the graph reads. The article's page, its earlier versions and its
//!   reader text read the typed list back.
//! - **Answers' HTML.** The answer and plain answer keep their text (listings, search, the
//!   graph, JSON-LD and the reader text quote it) and the links the checks across articles
//!   judge; their HTML is packed and, once the job is done, spilled too
//!   (`parse::answer::Answer`; a recalled parse's stays where it is in the cache's pack),
//!   and the page reads it back. The rest of what the renderer
//!   gave for them (digest, embedded images) is read in the job and not kept.
//! - **Fingerprints' parts.** A build that publishes keeps of each review fingerprint only
//!   its whole hash once the job has kept its parse (`Fingerprint::forget_parts`): the part
//!   digests are read only to record an approval (from `check`'s parse, which keeps them)
//!   and by the build cache.
//!
//! What parse hands on (`ParsedContent`), held to the end of the build: about 2.5 KB an
//! article of live heap in a build (`heap_by_stage --fields` at 100,000 articles; 4.0 KB
//! before the body's search terms were packed, the struct made smaller and the references'
//! identities made one run of bytes, 5.2 KB before answers were packed and fingerprints'
//! parts forgotten, 8.7 KB before the fingerprint, headings and citation markers were made
//! compact).
//! - per article one `parse::article::Article`, which no later stage changes: front-matter
//!   facts (slug, question, topics, related, dates, review record and state; the struct
//!   itself is 576 bytes, 1,184 before what few articles have moved to one box that most
//!   articles do not hold (`parse::rare::Rare`: title, plain answer, changes, aliases,
//!   declarations, readability, the body's links) and a review record that says only its
//!   status was held as that status), the review fingerprint
//!   (`review::hash::Fingerprint`: the whole hash, and until a build forgets them one
//!   boxed array of part digests, 0.45 KB; `hash()`/`parts()` make the texts an approval
//!   records), the `Places` the checks across articles point at, its references'
//!   identities (key, DOI and PMID of each in one run of bytes, read as borrowed views:
//!   0.2 KB; 0.4 KB as three strings a reference), citation numbering (the order and each
//!   number's first marker as integers), the answers' text (~0.3 KB), and of the body its headings
//!   (`parse::headings::Headings`: ids and contents' texts in one string, 0.4 KB);
//! - the shared bibliography, the people registry, the configuration.
//!
//! Then, to the end: the related-question graph (`link::graph::Graph`: profiles and
//! candidates, ~0.5 KB an article) and the linked `link::Site` (related lists, backlinks and
//! edges as u32 indices in flat arrays (`link::lists::Lists`), topics: ~0.4 KB an article).
//! No related entry or edge holds its reason: `link::graph::reason` makes it from the
//! graph when a page, graph.json or DOT shows it. While rendering: the summary every
//! listing page shares (`render::context::SummaryView`, built once by
//! `render::render_site`: 56 bytes, its article borrowed and its excerpt cut; its address,
//! dates and status are made when a page shows them); and the findings' records until
//! they are reported (32 bytes a finding).
//!
//! A build with the cache also holds, from start to end, the output's record: what the last
//! build wrote there (`write::Earlier`: each file's path, size, time, SHA-256 and page key)
//! and what it found of the folders, as `write::PathTable`s (every path in one string,
//! every value in one array, about 150 bytes a file, two files an article); while it
//! renders, each file it takes over is 8 bytes of `write::Written` (its place in that
//! record), and only what it writes anew is a path and a record of its own.
//!
//! What still grows with the site beyond a few KB an article: the struct itself, the
//! body's headings, and while rendering the search index while it is made, which is made
//! first and alone (its files go to the staging folder as each is made; its postings are
//! varint gaps and go before its vocabulary is made; a document, 128 bytes, reads its
//! texts from its article only when its terms are worked out; each document's terms kept
//! for the next build wait in a temporary file until they are kept). The
//! sitemap is made a file of at most 50,000 addresses at a time (`render::sitemap`): one
//! template context of every address was 75 MB at 100,000 articles. No
//! page lists more than 100 questions (`render::context::LISTING_PAGE_SIZE`): the review
//! queue and its overdue reviews, topics and people's profiles are split into pages, since
//! Tera holds each row's summary as a JSON tree while a page renders (one page of a
//! 10,000-question queue held 43 MB).
//!
//! Above what is held, each stage's own transient at 100,000 articles (`heap_by_stage`):
//! reading and parsing 13 MB (each block of 1,024 parses moved once into the lists above;
//! 280 MB when every parse was collected first), building the graph 106 MB (bags made and
//! numbered a block at a time, identities held once, postings flat; 302 MB before), linking
//! 51 MB (96 MB with hash sets of the graph's pairs and a `Vec` a node of adjacency),
//! rendering 47 MB in a first build with the cache (103 MB at 6cd38a5, with the summaries' strings,
//! the kept lists in memory and the index made beside the pages; 200 MB before). Peak RSS
//! of the clean build: 415–417 MB at e3dd0be (430–434 MB at 7b5584a; 595 MB before that).
//!
//! The hand-off between stages is plain data the build cache stores per file: a file's text
//! and what every parse reads besides it name its `parse::article::ParsedArticle` (the
//! article and the findings of parsing and judging it; `cache::articles`), so a build
//! after an edit parses only the files that changed. The related-question graph is kept
//! the same way, named by what it reads of every article (`cache::graph`), and taken back
//! when an edit left that unchanged; so are what linking makes of it (the published site's
//! related lists, backlinks, edges, topic order and recency, and the graph's findings),
//! named by the graph and what they read of each article (`link::kept`, `cache::linking`);
//! so are the search index's terms, each article's named
//! by its parse and its topics' titles, and the index's files are taken over whole when
//! nothing they are made from changed (`cache::search`, `search::kept`). Everything else
//! after parse is computed from those
//! in every build, up to each page's key (`render::page_key`): for article, topic and most
//! history pages a digest of the names of the parses the page reads and of what is
//! site-wide, made before any of the page's context; for graph.json the lines of its
//! nodes and what its edges' reasons read (`render::graph::graph_json_key`); for the
//! others a digest of the context itself. A page whose key is the one the output's record holds is taken over
//! from the previous output instead of rendered and written (`write::Earlier`).

use crate::check::check_site;
use crate::config::{SiteConfig, load_config};
use crate::diagnostic::{Diagnostic, Findings, Severity, sort_diagnostics};
use crate::link::graph::Graph;
use crate::link::{LinkOptions, Site};
use crate::load::LoadedContent;
use crate::load::quoted::Quoted;
use crate::parse::article::{Article, Spans};
use crate::parse::{Output, ParsedContent, Reading, read_and_parse};
use crate::progress::{Progress, Silent};
use crate::render::graph::{GraphFormat, graph_text};
use crate::render::{render_site, templates::load_templates};
use crate::versions::Versions;
use crate::write::Staging;
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
    /// A preview (`serve`): articles pending review are shown even where `review.publish:
    /// approved` keeps them off the published site.
    pub include_pending: bool,
    /// `--no-cache`: build even when the cache says the output is up to date, and record
    /// nothing.
    pub no_cache: bool,
}

impl BuildOptions {
    /// What of these options the build cache fingerprints: all that changes the output.
    pub fn cache_settings(&self) -> crate::cache::Settings<'_> {
        crate::cache::Settings {
            include_drafts: self.include_drafts,
            include_pending: self.include_pending,
            deny_warnings: self.deny_warnings,
            today: self.as_of.unwrap_or_else(crate::date::Date::today),
            base_url: self.base_url.as_deref(),
            trusted_keys: self.trusted_keys.as_ref(),
        }
    }
}

/// What a failed build left of the previous output, when not the output as it was.
#[derive(Debug, PartialEq, Eq)]
pub enum PreviousOutput {
    /// Moved aside by a swap that could not be undone: the next build puts it back.
    MovedTo(PathBuf),
    /// Partly replaced by a commit in place cut short: the next build finishes the commit
    /// from the journal in this staging folder.
    PartlyPublished(PathBuf),
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
    /// Held compactly and read back as they are reported (`Findings`).
    pub diagnostics: Findings,
    /// Where the text of each file findings name is, for quoting the offending line: read
    /// again as the report is printed, never held for the whole report.
    pub sources: Quoted,
    pub stats: Stats,
    /// Where the previous output is when a failed build did not leave it as it was;
    /// `None`: it is where it was, unchanged. A thin box, as every command's result
    /// carries one and seldom a path.
    pub previous_output: Option<Box<PreviousOutput>>,
    /// Nothing was built: the cache showed the output is what these inputs build.
    pub up_to_date: bool,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    pub articles: usize,
    pub pages: usize,
    /// Files the build published, written or `files_unchanged`.
    pub files_written: usize,
    /// Of those, the files the previous output already held, taken over rather than written.
    pub files_unchanged: usize,
}

impl Report {
    /// The text of `file` as the findings judged it, read now (see `Quoted::text`).
    pub fn source_of(&self, file: &str) -> Option<String> {
        self.sources.text(file)
    }
}

/// A site read and judged: what `build` publishes from, and what `serve` keeps in memory
/// between edits.
pub struct Checked {
    pub config: SiteConfig,
    pub loaded: LoadedContent,
    pub parsed: ParsedContent,
    pub diagnostics: Findings,
    /// The related-question graph over every article, drafts included, which the graph
    /// checks judge; `build` reuses it when it publishes the same articles.
    pub graph: Graph,
    /// The digest of the graph's inputs (`Graph::inputs_digest`) when the build cache is
    /// on: what is kept of linking names the graph by it.
    pub graph_inputs: Option<[u8; 32]>,
}

impl Checked {
    /// What was read, before anything is published.
    fn stats(&self) -> Stats {
        Stats {
            articles: self.parsed.articles.len(),
            pages: self.parsed.pages.len(),
            files_written: 0,
            files_unchanged: 0,
        }
    }
}

/// The site `build` publishes (drafts only with `--drafts`), linked with the graph the
/// checks built.
fn link_published<'a>(
    config: &'a SiteConfig,
    parsed: &'a ParsedContent,
    graph: Graph,
    kept: Option<(&dyn crate::link::KeptLinking, [u8; 32])>,
    options: &BuildOptions,
) -> Site<'a> {
    let link = LinkOptions {
        include_drafts: options.include_drafts,
        // A build with drafts is a preview: it shows what awaits review too.
        include_pending: options.include_drafts || options.include_pending,
    };
    crate::link::link_site_keeping(config, parsed, link, Some(graph), kept)
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
    load_and_check_knowing(root, options, progress, output, None)
}

/// `load_and_check`, the kept parses named by what `build`'s fingerprint found of the
/// site's files (`cache::BuildCache::files`), so that no file is stat'ed twice before the
/// build ends.
fn load_and_check_knowing(
    root: &Path,
    options: &BuildOptions,
    progress: &dyn Progress,
    output: Output,
    files: Option<std::sync::Arc<crate::cache::KnownFiles>>,
) -> Result<Checked, Report> {
    progress.stage("reading the configuration", None);
    let config = match load_config(root) {
        Ok(config) => config,
        Err(diagnostics) => return Err(misconfigured(root, diagnostics)),
    };
    // The retraction list is part of the setup: a named file that cannot be read stops
    // everything, like a broken evident.yaml.
    let retractions = match crate::bibliography::retraction::load(root, &config.citations) {
        Ok(list) => list,
        Err(problem) => return Err(misconfigured(root, vec![problem])),
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
    // Who may approve, read before the articles: each approval is judged as its article
    // is parsed.
    let (mut registry, mut people_findings) = crate::people::load_people(root);
    match &options.trusted_keys {
        Some(source) => match crate::review::root::load(source) {
            Ok(keys) => registry.trusted = Some(std::sync::Arc::new(keys)),
            Err(problems) => return Err(misconfigured(root, problems)),
        },
        None => people_findings.extend(crate::review::root::unpinned(&config, &registry)),
    }
    let trust = crate::review::trust::Trust::new(&config, std::sync::Arc::new(registry), options.as_of);
    progress.stage("reading and parsing", None);
    let (mut loaded, parsed) = {
        let citation_checks = crate::check::citations::CitationChecks {
            config: &config.citations,
            as_of: options.as_of.unwrap_or_else(crate::date::Date::today),
            retractions: retractions.as_ref(),
        };
        // The checks of each article alone run in its parse job; those across articles below.
        let judge = |article: &Article, spans: &Spans, bibliography: &crate::bibliography::Bibliography| {
            let mut found = crate::check::check_article(article, spans);
            found.extend(crate::check::citations::check_article(
                article,
                spans,
                bibliography,
                &citation_checks,
            ));
            found.extend(crate::standards::check_article(
                article,
                spans,
                &trust.registry,
                &config,
            ));
            found
        };
        // What publishes keeps each file's parse, so that the next build parses only the
        // files that changed; `check` recalls them and writes nothing.
        let kept = (!options.no_cache)
            .then(|| crate::cache::ArticleCache::open(root, &options.cache_settings(), output, files))
            .flatten();
        let reading = Reading {
            base_url: &approved_base_url,
            output,
            max_file_size: config.limits.max_file_size,
            trust: Some(&trust),
            retractions: retractions.as_ref(),
            judge: Some(&judge),
            kept: kept.as_ref().map(|kept| kept as &dyn crate::parse::article::Kept),
        };
        let read = read_and_parse(root, &reading);
        if let Some(kept) = &kept {
            kept.prune();
        }
        read
    };
    loaded.diagnostics.extend(people_findings);
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
    // Kept between builds like the parses; `check` reads the kept graph and keeps none.
    let kept_graph = (!options.no_cache).then(|| crate::cache::graph::GraphCache::open(root, output == Output::Html));
    let kept_linking =
        (!options.no_cache).then(|| crate::cache::linking::LinkingCache::open(root, output == Output::Html));
    Ok(check_parsed(
        config,
        retractions.as_ref(),
        loaded,
        parsed,
        (kept_graph, kept_linking),
        options,
        progress,
    ))
}

/// The checks of `load_and_check`, on content read and parsed.
fn check_parsed(
    config: SiteConfig,
    retractions: Option<&crate::bibliography::retraction::RetractionList>,
    mut loaded: LoadedContent,
    mut parsed: ParsedContent,
    (kept_graph, kept_linking): (
        Option<crate::cache::graph::GraphCache>,
        Option<crate::cache::linking::LinkingCache>,
    ),
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Checked {
    progress.stage("checking articles", None);
    let mut diagnostics = std::mem::take(&mut parsed.diagnostics);
    diagnostics.prepend(std::mem::take(&mut loaded.diagnostics));
    diagnostics.extend(check_site(&parsed.articles, &parsed.pages));
    diagnostics.extend(crate::search::duplicates::check_duplicates(
        &parsed.articles,
        config.search.duplicate_threshold,
    ));
    diagnostics.extend(crate::review::trust::check_people(&parsed.articles, &parsed.people()));
    diagnostics.extend(crate::standards::check_standards(&parsed.articles, &parsed.people()));
    diagnostics.extend(crate::check::publish::check_unpublished_links(
        &parsed.articles,
        &config,
    ));
    diagnostics.extend(crate::check::links::check_links(&parsed, &config));
    diagnostics.extend(crate::check::urls::check_aliases(&parsed.articles));
    diagnostics.extend(crate::check::urls::check_retired(&parsed.articles));
    progress.stage("checking citations", None);
    diagnostics.extend(crate::check::citations::check_citations(
        &parsed,
        &crate::check::citations::CitationChecks {
            config: &config.citations,
            as_of: options.as_of.unwrap_or_else(crate::date::Date::today),
            retractions,
        },
    ));
    progress.stage("building the graph", None);
    let (graph, graph_inputs, graph_findings) = crate::link::link_graph(
        &parsed.articles,
        &config,
        progress,
        kept_graph.as_ref().map(|kept| kept as &dyn crate::link::KeptGraph),
        kept_linking.as_ref().map(|kept| kept as &dyn crate::link::KeptLinking),
    );
    diagnostics.extend(graph_findings);
    diagnostics.resolve_severities(|code, severity| config.resolve_severity(code, severity));
    if options.deny_warnings {
        diagnostics.deny_warnings();
    }
    diagnostics.sort();
    Checked {
        config,
        loaded,
        parsed,
        diagnostics,
        graph,
        graph_inputs,
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

/// `evident check --external`: `check`, and the links to other sites fetched
/// (`check::external`).
pub fn check_with_external_links(root: &Path, options: &BuildOptions) -> Report {
    match load_and_check(root, options, &Silent, Output::FactsOnly) {
        Ok(checked) => {
            let stats = checked.stats();
            let today = options.as_of.unwrap_or_else(crate::date::Date::today);
            let found = crate::check::external::check_external(root, &checked.parsed, today);
            let mut found = checked.config.apply_severities(found);
            if options.deny_warnings {
                found.iter_mut().for_each(|d| d.severity = Severity::Error);
            }
            let mut diagnostics = checked.diagnostics;
            diagnostics.extend(found);
            diagnostics.sort();
            let report = finish(root, diagnostics, &checked.loaded, stats);
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
    let settings = options.cache_settings();
    let cache = (!options.no_cache)
        .then(|| crate::cache::BuildCache::open(root, &out, &settings))
        .flatten();
    // What the last build wrote into the folder: the pages whose inputs are unchanged, and
    // the files of the same bytes, are taken over rather than made again.
    let record = match cache.as_ref().map(|cache| cache.recall(&out)) {
        None => Record::Off,
        Some(crate::cache::Recalled::UpToDate(reused)) => return up_to_date(root, reused),
        Some(crate::cache::Recalled::Changed(earlier)) => Record::Kept(earlier),
    };
    let mut written = None;
    let files = cache.as_ref().and_then(crate::cache::BuildCache::files);
    let report = build_to(root, &out, &given_out, options, progress, record, files, &mut written);
    if let (Some(cache), Outcome::Clean, Some(written)) = (&cache, report.outcome, written) {
        let counts = (report.stats.articles, report.stats.pages);
        cache.remember(root, &settings, &out, written, &report.diagnostics, counts);
    }
    report
}

/// The report of a build the cache showed to be made already: the one it repeats.
fn up_to_date(root: &Path, reused: crate::cache::Reused) -> Report {
    let stats = Stats {
        articles: reused.articles,
        pages: reused.pages,
        files_written: 0,
        files_unchanged: 0,
    };
    let mut report = finish(root, reused.diagnostics, &LoadedContent::default(), stats);
    // The files the findings quote are those the cache fingerprinted: read from disk.
    let mut quoted = std::mem::take(&mut report.sources);
    for file in report.diagnostics.files() {
        quoted = quoted.with_file_on_disk(&file);
    }
    report.sources = quoted;
    report.up_to_date = true;
    report
}

/// `build` into `out`, a folder the caller has judged safe to replace (`serve`'s preview):
/// the same stages, so that a preview is what `build` would publish. The build takes over
/// what it would write again from `earlier` (the preview before: `out` itself, which it
/// then updates in place, or another generation) and gives back what it wrote. What the
/// preview before showed was never published, so no address of it is held to
/// (`url/removed`).
pub fn build_into(
    root: &Path,
    out: &Path,
    options: &BuildOptions,
    progress: &dyn Progress,
    earlier: Option<crate::write::Earlier>,
) -> (Report, Option<crate::write::Written>) {
    let mut written = None;
    let report = build_to(
        root,
        out,
        out,
        options,
        progress,
        Record::Preview(earlier),
        None,
        &mut written,
    );
    (report, written)
}

/// Whether a build keeps a record of what it writes (for the build cache, or `serve`'s
/// next generation), and what the last build into the same folder wrote.
enum Record {
    Off,
    /// Kept, taking files over from the earlier output where it is known.
    Kept(Option<crate::write::Earlier>),
    /// Kept, over an earlier preview (`build_into`): its files are taken over, but what
    /// it showed was never published.
    Preview(Option<crate::write::Earlier>),
}

/// `out` is where the site goes; `given_out`, the folder as the user named it, for findings;
/// `files`, what the build cache's fingerprint found of the site's files.
/// With a `record` kept, `written` is given what the build wrote once it is published.
#[allow(clippy::too_many_arguments)]
fn build_to(
    root: &Path,
    out: &Path,
    given_out: &Path,
    options: &BuildOptions,
    progress: &dyn Progress,
    record: Record,
    files: Option<std::sync::Arc<crate::cache::KnownFiles>>,
    written: &mut Option<crate::write::Written>,
) -> Report {
    let checked = match load_and_check_knowing(root, options, progress, Output::Html, files) {
        Ok(checked) => checked,
        Err(report) => return report,
    };
    let mut stats = checked.stats();
    if checked.diagnostics.has_errors() {
        return finish(root, checked.diagnostics, &checked.loaded, stats);
    }
    let templates = match load_templates(root) {
        Ok(templates) => templates,
        Err(problems) => return misconfigured(root, problems),
    };
    progress.stage("linking", None);
    let kept_links = (!options.no_cache).then(|| crate::cache::linking::LinkingCache::open(root, true));
    let kept_links = kept_links
        .as_ref()
        .zip(checked.graph_inputs)
        .map(|(kept, graph)| (kept as &dyn crate::link::KeptLinking, graph));
    let site = link_published(&checked.config, &checked.parsed, checked.graph, kept_links, options);
    stats.articles = site.articles.len();
    // The folder whose site was published last, whose addresses must not disappear.
    let published = match record {
        Record::Preview(_) => None,
        Record::Off | Record::Kept(_) => Some(out),
    };
    let staging = match Staging::create(out) {
        Ok(staging) => match record {
            Record::Kept(earlier) | Record::Preview(earlier) => match staging.recording(earlier) {
                Ok(staging) => staging,
                Err(error) => return io_failure(root, given_out, error),
            },
            Record::Off => staging,
        },
        Err(error) => return io_failure(root, given_out, error),
    };
    let mut templates = templates;
    // History and editions are read before any page is rendered, so that every page links
    // only to versions and editions that exist.
    progress.stage("reading history", None);
    let mut versions = match Versions::prepare(
        root,
        &site,
        checked.parsed.sources(),
        (
            options.include_drafts,
            options.as_of.unwrap_or_else(crate::date::Date::today),
        ),
        // Kept between builds like the graph; `--no-cache` keeps and reads nothing.
        (!options.no_cache)
            .then(|| crate::cache::history::HistoryCache::open(root))
            .as_ref()
            .map(|kept| kept as &dyn crate::versions::history::KeptFacts),
    ) {
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
    diagnostics.sort();
    if diagnostics.has_errors() {
        return finish(root, diagnostics, &checked.loaded, stats);
    }
    // Kept between builds like the graph; `--no-cache` keeps and reads nothing.
    let kept_index = (!options.no_cache).then(|| crate::cache::search::SearchCache::open(root));
    let mut extras = versions.extras();
    extras.kept_index = kept_index
        .as_ref()
        .map(|kept| kept as &dyn crate::search::kept::KeptIndex);
    if let Err(problems) = render_site(&site, &mut templates, root, extras, &staging, progress) {
        return misconfigured(root, problems);
    }
    match versions.publish(
        &site,
        &checked.loaded,
        checked.parsed.sources(),
        &templates,
        &staging,
        progress,
    ) {
        Ok(()) => {}
        Err(problems) if problems.iter().any(|p| p.code.is_configuration()) => return misconfigured(root, problems),
        // An article changed under the build: a finding about it, not about the setup. It
        // stopped the build, so it is an error whatever its code's usual severity.
        Err(problems) => {
            diagnostics.extend(problems.into_iter().map(|mut problem| {
                problem.severity = Severity::Error;
                problem
            }));
            diagnostics.sort();
            return finish(root, diagnostics, &checked.loaded, stats);
        }
    }
    let removed = removed_urls(
        root,
        published,
        &staging,
        &site.config.base_url,
        &checked.parsed.articles,
        versions.latest_edition(),
    );
    if !removed.is_empty() {
        let mut removed = checked.config.apply_severities(removed);
        if options.deny_warnings {
            removed.iter_mut().for_each(|d| d.severity = Severity::Error);
        }
        diagnostics.extend(removed);
        diagnostics.sort();
        if diagnostics.has_errors() {
            return finish(root, diagnostics, &checked.loaded, stats);
        }
    }
    (stats.files_written, stats.files_unchanged) = staging.files();
    progress.stage("publishing", None);
    match staging.commit() {
        Ok(committed) => {
            *written = committed.written;
            diagnostics.extend(committed.leftover.map(|left| leftover_warning(root, given_out, left)));
        }
        Err(error) => {
            let mut report = io_failure(root, given_out, error);
            report.previous_output = crate::write::moved_aside(out)
                .map(PreviousOutput::MovedTo)
                .or_else(|| crate::write::unfinished_commit(out).map(PreviousOutput::PartlyPublished))
                .map(Box::new);
            return report;
        }
    }
    let report = finish(root, diagnostics, &checked.loaded, stats);
    drop(versions);
    drop(site);
    checked.parsed.drop_in_parallel();
    report
}

/// The addresses the last published site had — the site in `published`, the output folder
/// of a build (its sitemap's pages and the old addresses its `_redirects` kept), and the
/// latest edition's questions, when editions are configured — that the new one in `staging`
/// drops (`check::urls::check_removed_urls`); none on a first build.
fn removed_urls(
    root: &Path,
    published: Option<&Path>,
    staging: &Staging,
    base_url: &str,
    articles: &[crate::parse::article::Article],
    latest_edition: Option<(&crate::editions::Edition, &[crate::editions::EditionAddress])>,
) -> Vec<Diagnostic> {
    use crate::check::urls::{check_removed_urls, previously_published, redirected_addresses, sitemap_locs};
    use crate::render::redirects::REDIRECTS_FILE;
    let read = |path: PathBuf| std::fs::read(path).ok().and_then(|bytes| String::from_utf8(bytes).ok());
    let (new_sitemap, new_redirects) = (
        read_sitemap(|file| read(staging.new_file(file))),
        read(staging.new_file(REDIRECTS_FILE)),
    );
    let (old_sitemap, old_redirects) = match published {
        Some(out) => (
            read_sitemap(|file| read(out.join(file))),
            read(out.join(REDIRECTS_FILE)),
        ),
        None => (Vec::new(), None),
    };
    // Addresses that disappear are those an earlier sitemap or redirects file or edition
    // names and the new ones do not: with no edition, and both files as they were, none
    // does, and neither is parsed (a warm build of 10,000 articles parsed 2 MB for it).
    let unchanged = old_sitemap == new_sitemap && old_redirects == new_redirects;
    if latest_edition.is_none() && (published.is_none() || unchanged) {
        return Vec::new();
    }
    let mut next: std::collections::HashSet<String> = new_sitemap
        .iter()
        .flat_map(|(_, xml)| sitemap_locs(xml))
        .map(|(loc, _)| loc)
        .collect();
    drop(new_sitemap);
    next.extend(
        redirected_addresses(new_redirects.as_deref().unwrap_or_default(), base_url)
            .into_iter()
            .map(|(loc, _)| loc),
    );
    let mut previous = Vec::new();
    if let Some(out) = published {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let shown = |name: &str| {
            let path = out.join(name);
            path.strip_prefix(&root)
                .map(|rel| rel.to_string_lossy().replace('\\', "/"))
                .unwrap_or_else(|_| path.display().to_string())
        };
        for (file, xml) in &old_sitemap {
            previous.extend(previously_published(&shown(file), sitemap_locs(xml)));
        }
        previous.extend(previously_published(
            &shown(REDIRECTS_FILE),
            redirected_addresses(old_redirects.as_deref().unwrap_or_default(), base_url),
        ));
    }
    if let Some((edition, addresses)) = latest_edition {
        previous.extend(crate::editions::addresses::published(
            edition, addresses, base_url, articles,
        ));
    }
    check_removed_urls(previous, &next, base_url, articles)
}

/// A published sitemap as the files that list its pages, each with its name: `sitemap.xml`
/// alone, or the parts its index names (`render::sitemap`), as `read` gives them; none
/// where there is no sitemap. A part that cannot be read lists nothing.
fn read_sitemap(read: impl Fn(&str) -> Option<String>) -> Vec<(String, String)> {
    use crate::render::sitemap;
    let Some(xml) = read(sitemap::FILE) else {
        return Vec::new();
    };
    match sitemap::parts_named(&xml) {
        None => vec![(sitemap::FILE.to_string(), xml)],
        Some(parts) => parts
            .into_iter()
            .filter_map(|part| Some((part.clone(), read(&part)?)))
            .collect(),
    }
}

/// `evident graph`: the related-question graph `build` would publish, as text. Like
/// `build`, it gives nothing when a finding is at error severity.
pub fn graph(root: &Path, options: &BuildOptions, format: GraphFormat) -> (Report, Option<String>) {
    from_published_site(root, options, |site| graph_text(site, format))
}

/// `evident search`: the search index `build` would publish (drafts only with
/// `--drafts`), held in memory. Like `build`, it gives nothing when a finding is at error
/// severity: an editor then searches a site that no reader could see.
pub fn search_index(root: &Path, options: &BuildOptions) -> (Report, Option<Vec<crate::search::SearchFile>>) {
    match from_published_site(root, options, |site| crate::search::site_index(site, root)) {
        (report, Some(Ok(files))) => (report, Some(files)),
        (report, None) => (report, None),
        // As `build` reports a page it could not render: a fault of the setup, exit 2.
        (mut report, Some(Err(unmade))) => {
            report.diagnostics.push(unmade);
            report.outcome = Outcome::Misconfigured;
            (report, None)
        }
    }
}

/// What `make` computes from the site `build` would publish, without its pages; nothing
/// when a finding is at error severity, as `build` publishes nothing then.
fn from_published_site<T>(
    root: &Path,
    options: &BuildOptions,
    make: impl FnOnce(&Site<'_>) -> T,
) -> (Report, Option<T>) {
    let checked = match load_and_check(root, options, &Silent, Output::FactsOnly) {
        Ok(checked) => checked,
        Err(report) => return (report, None),
    };
    let stats = checked.stats();
    if checked.diagnostics.has_errors() {
        return (finish(root, checked.diagnostics, &checked.loaded, stats), None);
    }
    let site = link_published(&checked.config, &checked.parsed, checked.graph, None, options);
    let made = make(&site);
    drop(site);
    (finish(root, checked.diagnostics, &checked.loaded, stats), Some(made))
}

fn finish(root: &Path, diagnostics: Findings, loaded: &LoadedContent, stats: Stats) -> Report {
    let outcome = if diagnostics.has_errors() {
        Outcome::Failed
    } else {
        Outcome::Clean
    };
    let mut sources = Quoted::named_in(root, loaded, &diagnostics);
    // The people registry is read apart from the content: its files are quoted from disk.
    for file in diagnostics.files().iter().filter(|file| file.starts_with("people/")) {
        sources = sources.with_file_on_disk(file);
    }
    Report {
        outcome,
        diagnostics,
        sources,
        stats,
        previous_output: None,
        up_to_date: false,
    }
}

fn misconfigured(root: &Path, mut diagnostics: Vec<Diagnostic>) -> Report {
    sort_diagnostics(&mut diagnostics);
    let sources = Quoted::new(root).with_file_on_disk(crate::config::CONFIG_FILE);
    Report {
        outcome: Outcome::Misconfigured,
        diagnostics: diagnostics.into(),
        sources,
        stats: Stats::default(),
        previous_output: None,
        up_to_date: false,
    }
}

/// A build that will not publish into `out` (see `write::target`): exit status 2, nothing
/// read or written.
fn refused(root: &Path, out: &Path, refusal: crate::write::Refusal) -> Report {
    output_problem(root, out, refusal.message, refusal.hint)
}

/// An `output/write` problem with the output folder `out`, which stops the build (exit 2).
fn output_problem(root: &Path, out: &Path, message: String, hint: impl Into<std::borrow::Cow<'static, str>>) -> Report {
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
