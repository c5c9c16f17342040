//! Live heap per build stage: `cargo run --release --example heap_by_stage -- SITE [OUT]`
//! builds SITE (into OUT, default /dev/shm/heap_by_stage) through `pipeline::build`
//! with a counting allocator in front of the system's, and prints for each stage the bytes
//! in use when it began and the most in use while it ran. Resident memory (what
//! `--timings` shows) adds the allocator's own slack on top; these are the bytes the
//! build's data itself holds, which is what any memory work has to shrink.

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
    let mut args = std::env::args().skip(1);
    let Some(site) = args.next() else {
        eprintln!("usage: heap_by_stage SITE [OUT]");
        std::process::exit(2);
    };
    let out = args.next().unwrap_or_else(|| "/dev/shm/heap_by_stage".to_string());
    let options = BuildOptions {
        out: Some(PathBuf::from(&out)),
        ..BuildOptions::default()
    };
    let stages = Stages {
        current: Mutex::new(None),
    };
    let report = build(PathBuf::from(site).as_path(), &options, &stages);
    stages.close(None);
    println!("built {} articles into {out}", report.stats.articles);
}
