//! Times the related-question graph alone, on a site already on disk:
//! `cargo run --release --example graph_bench -- DIR [RUNS]`.
//!
//! Loading and parsing are done once and not timed; each run then builds the graph, runs
//! the graph checks and ranks every article's related list, as `evident build` does. The
//! wall time of each step is printed per run, then the fastest run, with the CPU time the
//! process spent in it (on Linux): on a shared machine wall time also counts other people's
//! work, CPU time does not.

use evident::config::load_config;
use evident::link::check_graph;
use evident::link::graph::{Graph, rank};
use evident::link::in_site_order;
use evident::parse::{Output, Reading, read_and_parse};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(root) = args.get(1).map(PathBuf::from) else {
        eprintln!("usage: graph_bench DIR [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5);
    let config = match load_config(&root) {
        Ok(config) => config,
        Err(problems) => {
            for problem in problems {
                eprintln!("{}: {}", problem.file, problem.message);
            }
            std::process::exit(2);
        }
    };
    let reading = Reading {
        output: Output::FactsOnly,
        max_file_size: config.limits.max_file_size,
        ..Reading::of(&config.base_url)
    };
    let (_, parsed) = read_and_parse(&root, &reading);
    let articles = in_site_order(&parsed.articles);
    let index_of: HashMap<&str, usize> = articles.iter().enumerate().map(|(i, a)| (a.slug.as_ref(), i)).collect();
    let explicit: Vec<Vec<usize>> = articles
        .iter()
        .enumerate()
        .map(|(own, a)| {
            let mut targets: Vec<usize> = Vec::new();
            for slug in &a.related {
                if let Some(&t) = index_of.get(slug.as_str()) {
                    if t != own && !targets.contains(&t) {
                        targets.push(t);
                    }
                }
            }
            targets
        })
        .collect();
    eprintln!(
        "{} articles, {} threads; graph build / checks / ranking, wall time",
        articles.len(),
        rayon::current_num_threads()
    );
    let mut best: Option<(Duration, Duration, Duration, Option<Duration>)> = None;
    for run in 1..=runs {
        let cpu_before = cpu_time();
        let started = Instant::now();
        let graph = Graph::build(&articles, config.related.max);
        let built = started.elapsed();
        let started = Instant::now();
        let findings = check_graph(&articles, &graph, &config);
        let checked = started.elapsed();
        let started = Instant::now();
        let (related, edges) = rank(&graph, &explicit, &config.related);
        let ranked = started.elapsed();
        let cpu = cpu_time()
            .zip(cpu_before)
            .map(|(after, before)| after.saturating_sub(before));
        eprintln!(
            "run {run}: {built:.2?} / {checked:.2?} / {ranked:.2?}  ({} findings, {} edges, {} listed)",
            findings.len(),
            edges.len(),
            related.iter().map(<[_]>::len).sum::<usize>()
        );
        let total = built + checked + ranked;
        if best.is_none_or(|(b, c, r, _)| total < b + c + r) {
            best = Some((built, checked, ranked, cpu));
        }
    }
    if let Some((built, checked, ranked, cpu)) = best {
        let cpu = cpu.map_or_else(|| "unknown".to_string(), |c| format!("{c:.2?}"));
        println!(
            "fastest: build {built:.2?}, checks {checked:.2?}, ranking {ranked:.2?}, total {:.2?} wall, {cpu} CPU",
            built + checked + ranked
        );
    }
}

/// User and system CPU time of this process so far, from /proc/self/stat (fields 14 and
/// 15, in clock ticks of 1/100 s, the value of USER_HZ on every Linux architecture).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces; the fields after it start past its `)`.
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}
