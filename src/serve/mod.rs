//! `evident serve`: builds the site into a preview folder of its own, serves it over HTTP on
//! 127.0.0.1, watches the site's files, rebuilds what each save touches, and reloads the
//! open pages — with the findings over the page when a rebuild fails.
//!
//! Modules: `http` (the server), `path` (request targets → files, safely), `watch` (file
//! events → changes), `workspace` (the site in memory and its rebuilds), `affected` (which
//! pages an edit touches), `output` (the preview folder), `reload` (event streams),
//! `overlay` (what is injected into served pages).

pub mod affected;
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
use workspace::{Changed, Outcome, Workspace};

#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub bind: IpAddr,
    /// 0 lets the system pick a free port.
    pub port: u16,
    pub include_drafts: bool,
    /// The keys that may sign approvals (`--trusted-keys`).
    pub trusted_keys: Option<crate::review::root::Source>,
}

/// How long the editor must pause before the whole-site checks and large listings run.
const SETTLE_AFTER: Duration = Duration::from_millis(700);

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
    let build_options = BuildOptions {
        include_drafts: options.include_drafts,
        base_url: Some(url.clone()),
        trusted_keys: options.trusted_keys.clone(),
        ..BuildOptions::default()
    };
    let mut workspace = Workspace::new(&root, build_options);
    // Watch before the first build, so that a save during it is not lost.
    let mut watcher = watch::Watcher::start(&root).context("cannot watch the site's files")?;

    let started = Instant::now();
    let outcome = workspace.rebuild_all(&mut generations);
    publish(&live, &generations, &outcome, "first build", started.elapsed());

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
    eprintln!(
        "watching content/, references/, templates/, theme/ and evident.yaml; preview files in {}; Ctrl-C stops",
        generations.current().parent().unwrap_or(&root).display()
    );

    loop {
        let idle = workspace.needs_settling().then_some(SETTLE_AFTER);
        let batch = match watcher.next_batch(idle) {
            watch::Next::Events(batch) => batch,
            watch::Next::Idle => {
                let started = Instant::now();
                let outcome = workspace.settle(&mut generations);
                let what = "whole-site checks";
                publish(&live, &generations, &outcome, what, started.elapsed());
                continue;
            }
            watch::Next::Stopped => break,
        };
        let changes = batch.iter().map(|(kind, path)| {
            let now = watch::path_kind(path, |gone| workspace.held_files_in(gone));
            watch::classify(&root, kind, path, now)
        });
        let plan = watch::plan(changes);
        if plan.is_empty() {
            continue;
        }
        let started = Instant::now();
        let outcome = workspace.apply(&plan, &mut generations);
        publish(&live, &generations, &outcome, &describe(&plan), started.elapsed());
    }
    bail!("the file watcher stopped")
}

/// Shows a rebuild's outcome: in the terminal, in the pages (overlay), and to open tabs.
fn publish(live: &Live, generations: &Generations, outcome: &Outcome, what: &str, elapsed: Duration) {
    live.set_dir(generations.current().to_path_buf());
    let had_overlay = live.has_overlay();
    match outcome {
        Outcome::Rendered {
            pages,
            changed,
            warnings,
        } => {
            if let Some((warnings, sources)) = warnings {
                print_findings(warnings, sources);
            }
            live.set_overlay(None);
            let summary = match changed {
                Changed::Everything => format!("rendered all {pages} pages"),
                Changed::Pages(list) => format!("rendered {pages} pages ({} changed)", list.len()),
            };
            eprintln!("{what}: {summary} in {}", milliseconds(elapsed));
            match changed {
                // The overlay is on every page: every page must lose it.
                _ if had_overlay => live.events.reload(None, "fixed"),
                Changed::Everything => live.events.reload(None, "all"),
                Changed::Pages(list) if !list.is_empty() => live.events.reload(Some(list), "pages"),
                Changed::Pages(_) => {}
            }
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

fn describe(plan: &watch::Plan) -> String {
    if plan.full {
        return "site changed".to_string();
    }
    let mut parts: Vec<String> = plan.files.iter().take(3).cloned().collect();
    if plan.files.len() > 3 {
        parts.push(format!("{} more", plan.files.len() - 3));
    }
    if plan.theme {
        parts.push("theme".to_string());
    }
    parts.join(", ")
}

fn milliseconds(elapsed: Duration) -> String {
    format!("{:.1} ms", elapsed.as_secs_f64() * 1000.0)
}
