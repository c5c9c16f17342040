//! Criterion benches of the pipeline's hot stages, one group per stage:
//!
//! - `front_matter`: one article file → `Article` (`parse_article`, everything the parse
//!   stage does to a file) and the YAML alone (`split_and_read_yaml`), over the demo articles;
//! - `markdown`: an article body → HTML with its citations resolved and numbered, over the
//!   demo articles;
//! - `parse`: the whole read-and-parse stage over a 1,000-article site (parallel, as `check`
//!   runs it);
//! - `citations`: the whole-site citation checks over 1,000 articles;
//! - `graph`: the related-question graph (tokenize, index, exact scores) over 1,000
//!   articles, and the whole link stage that ranks every article's related list from it;
//! - `templates`: every page of the 1,000-article site (drafts left out, as `build` does),
//!   the theme and the listings, into a sink that only counts the bytes.
//!
//! Input is generated once per group into a temporary folder from the demo site in this
//! repository (`evident.yaml`, `content/`, `references/` when present): the site-scale
//! groups replicate the demo articles under new file names (a file name is its slug) and
//! point each copy's `related:` links at copies of the same round. Every generated site is
//! checked once before it is measured: it must have no finding at error severity, so no
//! bench measures an error path. Checks use a fixed date, so runs are comparable.
//!
//! ```sh
//! cargo bench --bench stages                 # all groups
//! cargo bench --bench stages -- graph/       # one group
//! ```

use criterion::{BatchSize, BenchmarkGroup, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use evident::check::citations::{CitationChecks, check_citations};
use evident::config::{SiteConfig, load_config};
use evident::date::Date;
use evident::diagnostic::{Position, Severity};
use evident::link::graph::Graph;
use evident::link::{LinkOptions, in_site_order, link_site};
use evident::load::split::split_front_matter;
use evident::load::{SourceFile, SourceKind, find_content};
use evident::parse::article::{Sources, parse_article};
use evident::parse::fields::FieldReader;
use evident::parse::markdown::{Mode, render_markdown};
use evident::parse::{Output, ParsedContent, Reading, read_and_parse};
use evident::pipeline::{BuildOptions, Outcome};
use evident::progress::Silent;
use evident::render::templates::load_templates;
use evident::render::{Extras, render_site};
use evident::write::Sink;
use std::collections::HashMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tempfile::TempDir;

/// Articles in the site-scale groups.
const SITE_ARTICLES: usize = 1_000;

/// "Today" for the checks that depend on a date (stale guidelines, review age).
fn as_of() -> Date {
    Date::new(2026, 12, 1).expect("a valid date")
}

// ---------------------------------------------------------------------------------------
// Input: the demo site, replicated.

/// One article of the repository's demo site.
struct DemoArticle {
    /// Folder under `content/`.
    topic: String,
    /// File name without `.md`: the article's slug.
    stem: String,
    text: String,
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The demo articles (every `content/<topic>/*.md` but `content/pages/`), in name order.
fn demo_articles() -> Vec<DemoArticle> {
    let content = repo_root().join("content");
    let mut articles = Vec::new();
    for topic in sorted_entries(&content) {
        let name = file_name(&topic);
        if !topic.is_dir() || name == "pages" || name.starts_with('.') {
            continue;
        }
        for file in sorted_entries(&topic) {
            let stem = file_name(&file);
            let Some(stem) = stem.strip_suffix(".md") else { continue };
            if stem.starts_with('.') {
                continue;
            }
            articles.push(DemoArticle {
                topic: name.clone(),
                stem: stem.to_string(),
                text: std::fs::read_to_string(&file).expect("demo article is readable"),
            });
        }
    }
    assert!(!articles.is_empty(), "no demo articles under {}", content.display());
    articles
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("readable folder entry").path())
        .collect();
    entries.sort();
    entries
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in sorted_entries(from) {
        let target = to.join(entry.file_name().expect("entry has a name"));
        if entry.is_dir() {
            copy_tree(&entry, &target);
        } else {
            std::fs::copy(&entry, &target).expect("copy file");
        }
    }
}

/// The slug of round `round`'s copy of `stem`: round 0 is the demo article itself.
fn replica_slug(stem: &str, round: usize) -> String {
    if round == 0 {
        stem.to_string()
    } else {
        format!("{stem}-r{round}")
    }
}

/// `text` as round `round`'s copy: an explicit `slug:` renamed, and `related:` pointing at
/// the same round's copies, dropping those beyond the site's `total` articles.
fn replicate(text: &str, round: usize, index_of: &HashMap<&str, usize>, total: usize) -> String {
    if round == 0 {
        return text.to_string();
    }
    let demo = index_of.len();
    let exists = |slug: &str| index_of.get(slug).is_some_and(|&i| round * demo + i < total);
    let mut out = String::with_capacity(text.len() + 64);
    let mut fences = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "---" {
            fences += 1;
        }
        let in_front_matter = fences == 1;
        let slug = line.strip_prefix("slug:").filter(|_| in_front_matter);
        let related = line.strip_prefix("related:").filter(|_| in_front_matter);
        if let Some(value) = slug {
            let slug = value.trim().trim_matches('"');
            out.push_str(&format!("slug: {}\n", replica_slug(slug, round)));
        } else if let Some(value) = related {
            let list = value.trim().trim_start_matches('[').trim_end_matches(']');
            let targets: Vec<String> = list
                .split(',')
                .map(|s| s.trim().trim_matches('"'))
                .filter(|s| !s.is_empty() && exists(s))
                .map(|s| replica_slug(s, round))
                .collect();
            out.push_str(&format!("related: [{}]\n", targets.join(", ")));
        } else {
            out.push_str(line);
        }
    }
    out
}

/// A copy of the demo site with `articles` articles (at least the demo's own), written into
/// a fresh temporary folder and checked to have no finding at error severity.
fn generate_site(articles: Option<usize>) -> TempDir {
    let repo = repo_root();
    let dir = tempfile::Builder::new()
        .prefix("evident-bench-")
        .tempdir()
        .expect("temporary folder");
    let root = dir.path();
    std::fs::copy(repo.join("evident.yaml"), root.join("evident.yaml")).expect("copy evident.yaml");
    for folder in ["references", "content/pages"] {
        if repo.join(folder).is_dir() {
            copy_tree(&repo.join(folder), &root.join(folder));
        }
    }
    let demo = demo_articles();
    let total = articles.unwrap_or(demo.len()).max(demo.len());
    let index_of: HashMap<&str, usize> = demo.iter().enumerate().map(|(i, a)| (a.stem.as_str(), i)).collect();
    for n in 0..total {
        let (round, article) = (n / demo.len(), &demo[n % demo.len()]);
        let folder = root.join("content").join(&article.topic);
        std::fs::create_dir_all(&folder).expect("create topic folder");
        let path = folder.join(format!("{}.md", replica_slug(&article.stem, round)));
        std::fs::write(path, replicate(&article.text, round, &index_of, total)).expect("write article");
    }
    assert_clean(root, total);
    dir
}

/// The generated site must check without errors (warnings are fine), and hold `articles`.
fn assert_clean(root: &Path, articles: usize) {
    let options = BuildOptions {
        as_of: Some(as_of()),
        ..BuildOptions::default()
    };
    let report = evident::pipeline::check(root, &options);
    let errors: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .take(10)
        .map(|d| format!("{}:{}:{}: {:?}: {}", d.file, d.line, d.column, d.code, d.message))
        .collect();
    assert!(
        report.outcome == Outcome::Clean && errors.is_empty(),
        "the generated bench site has errors; a bench would measure an error path:\n{}",
        errors.join("\n")
    );
    assert_eq!(report.stats.articles, articles, "every generated article parses");
    let mut codes: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for d in &report.diagnostics {
        *codes.entry(format!("{:?}", d.code)).or_default() += 1;
    }
    eprintln!(
        "bench site: {} articles, {} pages, {} warnings {codes:?}",
        report.stats.articles,
        report.stats.pages,
        report.diagnostics.len()
    );
}

/// A generated site, read, parsed and configured once.
struct Fixture {
    _dir: TempDir,
    root: PathBuf,
    config: SiteConfig,
    /// The articles' files as read, in site order.
    sources: Vec<SourceFile>,
    parsed: ParsedContent,
}

impl Fixture {
    fn new(articles: Option<usize>) -> Fixture {
        let dir = generate_site(articles);
        let root = dir.path().to_path_buf();
        let config = load_config(&root).unwrap_or_else(|d| panic!("bench site configuration: {d:?}"));
        let found = find_content(&root, config.limits.max_file_size);
        let sources: Vec<SourceFile> = found
            .files
            .iter()
            .filter(|(_, kind)| *kind == SourceKind::Article)
            .map(|(path, _)| found.read(&root, path).expect("a generated file reads"))
            .collect();
        let reading = Reading {
            max_file_size: config.limits.max_file_size,
            ..Reading::of(&config.base_url)
        };
        let (_, parsed) = read_and_parse(&root, &reading);
        assert!(
            parsed.diagnostics.iter().all(|d| d.severity != Severity::Error),
            "parse findings at error severity"
        );
        Fixture {
            _dir: dir,
            root,
            config,
            sources,
            parsed,
        }
    }

    fn source_bytes(&self) -> u64 {
        self.sources.iter().map(|f| f.text.len() as u64).sum()
    }
}

/// Where rendered pages go in the bench: counted, then dropped.
#[derive(Default)]
struct CountingSink {
    files: AtomicU64,
    bytes: AtomicU64,
}

impl Sink for CountingSink {
    fn write(&self, _rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(black_box(bytes).len() as u64, Ordering::Relaxed);
        Ok(())
    }
}

fn configure<M: criterion::measurement::Measurement>(group: &mut BenchmarkGroup<'_, M>, samples: usize, secs: u64) {
    group
        .sample_size(samples)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(secs));
}

// ---------------------------------------------------------------------------------------
// Per-article stages, over the demo articles.

fn front_matter(c: &mut Criterion) {
    let site = Fixture::new(None);
    let sources = &site.sources;
    let bibliography = &site.parsed.bibliography;
    let mut group = c.benchmark_group("front_matter");
    configure(&mut group, 20, 3);
    group.throughput(Throughput::Bytes(site.source_bytes()));
    // The whole per-file parse: split, YAML, typed fields, answer and body Markdown,
    // citations, evidence scan, fingerprint.
    group.bench_function("parse_article", |b| {
        b.iter(|| {
            for source in sources {
                let against = Sources {
                    bibliography,
                    site: &site.parsed.site,
                    trust: None,
                    retractions: None,
                    spill: None,
                    judge: None,
                };
                black_box(parse_article(black_box(source), against, Output::Html));
            }
        })
    });
    // Only the front matter: split the file and parse its YAML into the field reader.
    let front_bytes: u64 = sources
        .iter()
        .map(|s| split_front_matter(&s.text).map_or(0, |split| split.front_matter.len() as u64))
        .sum();
    group.throughput(Throughput::Bytes(front_bytes));
    group.bench_function("split_and_read_yaml", |b| {
        b.iter(|| {
            for source in sources {
                let split = split_front_matter(black_box(&source.text)).expect("front matter");
                let reader = FieldReader::parse(
                    &source.rel_path,
                    split.front_matter,
                    split.front_matter_line,
                    evident::parse::fields::FRONT_MATTER_CODES,
                    evident::parse::front_matter::ARTICLE_FIELDS,
                );
                black_box(reader.is_ok());
            }
        })
    });
    group.finish();
}

fn markdown(c: &mut Criterion) {
    let site = Fixture::new(None);
    let bibliography = &site.parsed.bibliography;
    let shared = |key: &str| bibliography.lookup(key);
    // Each article's body and its own reference ids, which the citer resolves keys against.
    let bodies: Vec<(&str, Vec<String>)> = site
        .parsed
        .articles
        .iter()
        .map(|article| {
            let source = site
                .sources
                .iter()
                .find(|s| *s.rel_path == *article.file)
                .expect("the article's source");
            let body = split_front_matter(&source.text).expect("front matter").body;
            let own = article.references.len() - article.citations.shared.len();
            let ids = article.references.identities()[..own]
                .iter()
                .map(|r| r.id.to_string())
                .collect::<Vec<String>>();
            (body, ids)
        })
        .collect();
    let mut group = c.benchmark_group("markdown");
    configure(&mut group, 20, 3);
    group.throughput(Throughput::Bytes(bodies.iter().map(|(b, _)| b.len() as u64).sum()));
    group.bench_function("render_body", |b| {
        b.iter(|| {
            for (body, ids) in &bodies {
                let mut citer =
                    evident::parse::citation::Citer::new(ids.iter().map(String::as_str)).with_shared(&shared);
                let rendered = render_markdown(
                    black_box(body),
                    Mode::Block,
                    Some(&mut citer),
                    &|_| Position::START,
                    "questions/bench/",
                );
                black_box((rendered, citer.finish()));
            }
        })
    });
    group.finish();
}

// ---------------------------------------------------------------------------------------
// Site-scale stages, over SITE_ARTICLES articles.

fn site_scale(c: &mut Criterion) {
    let site = Fixture::new(Some(SITE_ARTICLES));
    let articles = site.parsed.articles.len();
    assert_eq!(articles, SITE_ARTICLES);

    let mut group = c.benchmark_group("parse");
    configure(&mut group, 10, 5);
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(articles as u64));
    group.bench_function(format!("read_and_parse_{SITE_ARTICLES}"), |b| {
        let reading = Reading {
            output: Output::FactsOnly,
            max_file_size: site.config.limits.max_file_size,
            ..Reading::of(&site.config.base_url)
        };
        b.iter(|| black_box(read_and_parse(black_box(&site.root), &reading)))
    });
    group.finish();

    let mut group = c.benchmark_group("citations");
    configure(&mut group, 20, 3);
    group.throughput(Throughput::Elements(articles as u64));
    let checks = CitationChecks {
        config: &site.config.citations,
        as_of: as_of(),
        retractions: None,
    };
    group.bench_function("check_site", |b| {
        b.iter(|| black_box(check_citations(black_box(&site.parsed), &checks)))
    });
    group.finish();

    let mut group = c.benchmark_group("graph");
    configure(&mut group, 20, 3);
    group.throughput(Throughput::Elements(articles as u64));
    let corpus = in_site_order(&site.parsed.articles);
    group.bench_function(format!("build_{SITE_ARTICLES}"), |b| {
        b.iter(|| black_box(Graph::build(black_box(&corpus), site.config.related.max)))
    });
    // The link stage as `build` runs it without a graph to reuse (drafts left out): build
    // the graph, rank every related list, order each topic by centrality.
    let options = LinkOptions::default();
    let published = link_site(&site.config, &site.parsed, options, None);
    group.throughput(Throughput::Elements(published.articles.len() as u64));
    drop(published);
    group.bench_function(format!("link_site_{SITE_ARTICLES}"), |b| {
        b.iter(|| {
            black_box(
                link_site(&site.config, black_box(&site.parsed), options, None)
                    .edges
                    .len(),
            )
        })
    });
    group.finish();

    let linked = link_site(&site.config, &site.parsed, options, None);
    let mut templates = load_templates(&site.root).unwrap_or_else(|d| panic!("templates: {d:?}"));
    let sink = CountingSink::default();
    render_site(&linked, &mut templates, &site.root, Extras::default(), &sink, &Silent)
        .unwrap_or_else(|d| panic!("render: {d:?}"));
    eprintln!(
        "templates: one render writes {} files, {} bytes",
        sink.files.load(Ordering::Relaxed),
        sink.bytes.load(Ordering::Relaxed)
    );
    let mut group = c.benchmark_group("templates");
    configure(&mut group, 10, 5);
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(linked.articles.len() as u64));
    group.bench_function("render_site", |b| {
        b.iter_batched_ref(
            CountingSink::default,
            |sink| {
                render_site(&linked, &mut templates, &site.root, Extras::default(), sink, &Silent).expect("render");
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = front_matter, markdown, site_scale
}
criterion_main!(benches);
