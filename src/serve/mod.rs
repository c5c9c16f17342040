//! `evident serve`: builds the site into a preview folder of its own, serves it over HTTP on
//! 127.0.0.1, watches the site's files, builds again after each save, and reloads the open
//! pages — with the findings over the page when a rebuild fails.
//!
//! Modules: `http` (the server), `path` (request targets → files, safely), `watch` (file
//! events → changes), `workspace` (the rebuilds: the `build` pipeline itself), `output`
//! (the preview folder), `reload` (event streams), `overlay` (what is injected into served
//! pages).

pub mod http;
pub mod output;
pub mod overlay;
pub mod path;
pub mod reload;
pub mod watch;
pub mod workspace;

use crate::diagnostic::{Diagnostic, Format, write_report};
use crate::pipeline::BuildOptions;
use anyhow::{Context as _, Result, bail};
use http::Live;
use output::Generations;
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use workspace::{Outcome, Workspace};

#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub bind: IpAddr,
    /// 0 lets the system pick a free port.
    pub port: u16,
    pub include_drafts: bool,
    /// The keys that may sign approvals (`--trusted-keys`).
    pub trusted_keys: Option<crate::review::root::Source>,
}

/// Idle event streams get a comment this often, which also finds tabs that were closed.
const PING_EVERY: Duration = Duration::from_secs(15);

/// Runs the preview server until the process is stopped.
pub fn serve(root: &Path, options: &ServeOptions) -> Result<()> {
    if !root.join(crate::config::CONFIG_FILE).is_file() {
        bail!(
            "{} is not an Evident site (no {}); run `evident init DIR` first or pass --root",
            root.display(),
            crate::config::CONFIG_FILE
        );
    }
    // File events name absolute, resolved paths; the site root must be comparable to them.
    let root = root
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", root.display()))?;
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: serving on {}: anyone who can reach this machine can read the preview, drafts included",
            options.bind
        );
    }
    let listener = TcpListener::bind(SocketAddr::new(options.bind, options.port)).with_context(|| {
        format!(
            "cannot listen on {}:{} (pass --port N, or --port 0 for any free port)",
            options.bind, options.port
        )
    })?;
    let address = listener.local_addr().context("cannot read the bound address")?;
    let url = format!("http://{address}/");
    let mut generations = Generations::create(&root, address)?;
    let live = Arc::new(Live::new(generations.current().to_path_buf()));
    // Links in the preview point at the preview, not at the published site.
    // The preview is where pending articles are read before they are approved.
    let build_options = BuildOptions {
        include_drafts: options.include_drafts,
        include_pending: true,
        base_url: Some(url.clone()),
        trusted_keys: options.trusted_keys.clone(),
        ..BuildOptions::default()
    };
    let mut workspace = Workspace::new(&root, build_options);
    // Watch before the first build, so that a save during it is not lost.
    let mut watcher = watch::Watcher::start(&root).context("cannot watch the site's files")?;

    let started = Instant::now();
    if let Some(outcome) = workspace.rebuild(&mut generations) {
        publish(&live, &generations, &outcome, "first build", started.elapsed());
    }

    http::start(listener, Arc::clone(&live)).context("cannot start the HTTP server")?;
    let pinger = Arc::clone(&live);
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(PING_EVERY);
            pinger.events.ping();
        }
    });
    // The one line on standard output: scripts and tests read the address from it.
    println!("Serving {} at {url}", root.display());
    let _ = std::io::stdout().flush();
    // Named from the list the watcher uses, so that the line cannot leave a folder out.
    let folders: Vec<String> = crate::cache::SOURCE_DIRS.iter().map(|dir| format!("{dir}/")).collect();
    eprintln!(
        "watching {}, evident.yaml, the files it names, and git; preview files in {}; Ctrl-C stops",
        folders.join(", "),
        generations.current().parent().unwrap_or(&root).display()
    );

    while let Some(batch) = watcher.next_batch() {
        let changes = batch.iter().map(|(kind, path)| {
            // A vanished path without an extension may have been a folder of articles.
            let now = watch::path_kind(path, |gone| gone.extension().is_none());
            watch::classify(&root, kind, path, now, watcher.named())
        });
        let changed = watch::changed(changes);
        if changed.is_empty() {
            continue;
        }
        let started = Instant::now();
        match workspace.rebuild(&mut generations) {
            Some(outcome) => publish(&live, &generations, &outcome, &describe(&changed), started.elapsed()),
            None => eprintln!("{}: nothing a build reads changed", describe(&changed)),
        }
    }
    bail!("the file watcher stopped")
}

/// Shows a rebuild's outcome: in the terminal, in the pages (overlay), and to open tabs.
fn publish(live: &Live, generations: &Generations, outcome: &Outcome, what: &str, elapsed: Duration) {
    live.set_dir(generations.current().to_path_buf());
    let had_overlay = live.has_overlay();
    match outcome {
        Outcome::Rendered { stats, warnings } => {
            if let Some((warnings, sources)) = warnings {
                print_findings(warnings, sources);
            }
            live.set_overlay(None);
            let files = match crate::commands::files_unchanged(stats) {
                None => format!("{} files", stats.files_written),
                Some(unchanged) => format!("{} files, {unchanged},", stats.files_written),
            };
            eprintln!("{what}: built {files} in {}", milliseconds(elapsed));
            // The overlay is on every page: every page must lose it.
            live.events.reload(None, if had_overlay { "fixed" } else { "all" });
        }
        Outcome::Failed { diagnostics, sources } => {
            print_findings(diagnostics, sources);
            eprintln!(
                "{what}: not rebuilt ({}); the preview shows the findings over the last good pages",
                milliseconds(elapsed)
            );
            live.set_overlay(Some(overlay::overlay_html(diagnostics)));
            live.events.reload(None, "failed");
        }
    }
}

fn print_findings(diagnostics: &[Diagnostic], sources: &HashMap<String, String>) {
    if diagnostics.is_empty() {
        return;
    }
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = std::io::BufWriter::new(std::io::stderr().lock());
    let _ = write_report(&mut out, diagnostics, Format::Human, color, |file| {
        sources.get(file).map(String::as_str)
    })
    .and_then(|()| std::io::Write::flush(&mut out));
}

/// The changed files for the terminal: the first three, and how many more.
fn describe(changed: &std::collections::BTreeSet<String>) -> String {
    let mut parts: Vec<String> = changed.iter().take(3).cloned().collect();
    if changed.len() > 3 {
        parts.push(format!("{} more", changed.len() - 3));
    }
    parts.join(", ")
}

fn milliseconds(elapsed: Duration) -> String {
    format!("{:.1} ms", elapsed.as_secs_f64() * 1000.0)
}
