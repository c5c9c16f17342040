//! Live heap per build stage: `cargo run --release --example heap_by_stage -- SITE [OUT]`
//! builds SITE (into OUT, default /dev/shm/heap_by_stage) through `pipeline::build`
//! with a counting allocator in front of the system's, and prints for each stage the bytes
//! in use when it began and the most in use while it ran. Resident memory (what
//! `--timings` shows) adds the allocator's own slack on top; these are the bytes the
//! build's data itself holds, which is what any memory work has to shrink.
//!
//! `heap_by_stage --cached SITE [OUT]` builds with the site's cache instead (`.evident/cache/`):
//! the first run keeps every parse, a run after an edit recalls them.
//!
//! `heap_by_stage --fields SITE` instead loads and checks SITE as `build` does and prints
//! what each part of the parsed articles holds: the live heap freed by taking that part
//! out of every article, one part after another.

use evident::pipeline::{BuildOptions, build};
use evident::progress::Progress;
use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(now, Relaxed);
}

// SAFETY: every call is passed on unchanged to the system allocator; only counters change.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            grew(new_size - layout.size());
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn megabytes(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

/// Prints the stage that just ended when the next one begins.
struct Stages {
    current: Mutex<Option<(&'static str, usize)>>,
}

impl Stages {
    fn close(&self, next: Option<&'static str>) {
        let live = LIVE.load(Relaxed);
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((name, at_start)) = current.take() {
            let peak = PEAK.swap(live, Relaxed);
            println!(
                "{name:<20} {:>7.0} MB at start, {:>7.0} MB at most",
                megabytes(at_start),
                megabytes(peak)
            );
        } else {
            PEAK.store(live, Relaxed);
        }
        *current = next.map(|name| (name, live));
    }
}

impl Progress for Stages {
    fn stage(&self, name: &'static str, _total: Option<u64>) {
        self.close(Some(name));
    }
    fn step(&self) {}
    fn finish(&self) {}
}

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("--fields") {
        args.next();
        let Some(site) = args.next() else {
            eprintln!("usage: heap_by_stage --fields SITE");
            std::process::exit(2);
        };
        fields(PathBuf::from(site).as_path());
        return;
    }
    // `--cached`: a build with the site's cache, as `build` makes it by default: run it
    // twice for a first cached build, then after an edit, to see what recalling holds.
    let cached = args.peek().map(String::as_str) == Some("--cached");
    if cached {
        args.next();
    }
    let Some(site) = args.next() else {
        eprintln!("usage: heap_by_stage [--cached] SITE [OUT]");
        std::process::exit(2);
    };
    let out = args.next().unwrap_or_else(|| "/dev/shm/heap_by_stage".to_string());
    // A clean build, as `build --no-cache` makes it, unless asked: a cache recorded by one
    // run would make the next a warm build, and the date fixes what the age checks find.
    let options = BuildOptions {
        out: Some(PathBuf::from(&out)),
        no_cache: !cached,
        as_of: evident::date::Date::parse_iso("2026-12-06"),
        ..BuildOptions::default()
    };
    let stages = Stages {
        current: Mutex::new(None),
    };
    let report = build(PathBuf::from(site).as_path(), &options, &stages);
    stages.close(None);
    println!("built {} articles into {out}", report.stats.articles);
}

/// The live heap each part of the parsed articles holds, per article.
fn fields(site: &std::path::Path) {
    use evident::parse::article::Article;
    let options = BuildOptions {
        no_cache: true,
        ..BuildOptions::default()
    };
    let Ok(mut checked) =
        evident::pipeline::load_and_check(site, &options, &evident::progress::Silent, evident::parse::Output::Html)
    else {
        eprintln!("the site's configuration does not load");
        std::process::exit(2);
    };
    let articles = &mut checked.parsed.articles;
    let count = articles.len().max(1);
    let struct_bytes = std::mem::size_of::<Article>();
    println!(
        "{} articles; the struct itself {} bytes; live heap {:.1} MB in all",
        articles.len(),
        struct_bytes,
        megabytes(LIVE.load(Relaxed))
    );
    type Take = fn(&mut Article);
    let parts: Vec<(&str, Take)> = vec![
        ("answer", |a| a.answer = Default::default()),
        ("body.headings", |a| a.body.headings = Default::default()),
        ("body.search_terms", |a| {
            a.body.restore_search_terms(&[], evident::packed::Holding::Copied(None));
        }),
        ("body.html", |a| a.body.forget_html()),
        ("references", |a| a.references = Default::default()),
        ("citations", |a| {
            a.citations.order = Box::default();
            a.citations.first_marker = Default::default();
            a.citations.shared = Box::default();
        }),
        ("review", |a| a.review = Default::default()),
        ("review_state, approval", |a| {
            a.review_state = evident::review::state::ReviewState::Draft;
            a.set_approval(evident::review::trust::Approval::NONE);
        }),
        ("places", |a| a.places = Default::default()),
        ("topics", |a| a.topics = Box::default()),
        ("related", |a| a.related = Box::default()),
        ("rare (title, plain answer, changes, ...)", |a| a.rare = None),
        ("file, section, slug, question", |a| {
            a.file = Box::default();
            a.section = Box::default();
            a.slug = Box::default();
            a.question = Box::default();
        }),
    ];
    for (name, take) in parts {
        let before = LIVE.load(Relaxed);
        articles.iter_mut().for_each(take);
        let freed = before.saturating_sub(LIVE.load(Relaxed));
        println!("{name:<45} {:>7.0} bytes an article", freed as f64 / count as f64);
    }
    let before = LIVE.load(Relaxed);
    drop(std::mem::take(articles));
    println!(
        "{:<45} {:>7.0} bytes an article (the structs: {struct_bytes})",
        "the rest: the structs, their fingerprints",
        before.saturating_sub(LIVE.load(Relaxed)) as f64 / count as f64
    );
    let before = LIVE.load(Relaxed);
    drop(checked.graph);
    println!(
        "{:<45} {:>7.0} bytes an article",
        "the graph",
        before.saturating_sub(LIVE.load(Relaxed)) as f64 / count as f64
    );
}
