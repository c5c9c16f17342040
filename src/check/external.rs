//! `evident check --external`: links to other sites, fetched. Off by default (a build must
//! not depend on the network); when asked, every distinct URL is requested once, a few at a
//! time, each with a time limit, through `curl` (which speaks HTTPS with the system's
//! certificates, so Evident carries no TLS stack). A URL that answered well is remembered
//! in `.evident/cache/external-links.json` for a week, so that repeated checks stay fast
//! and polite; failures are asked again every time.

use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic, Position};
use crate::parse::ParsedContent;
use crate::parse::markdown::Link;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where answers that were good are remembered, under the site root.
pub const CACHE_FILE: &str = ".evident/cache/external-links.json";
/// How many requests run at once.
pub const CONCURRENCY: usize = 8;
/// The longest one request may take, redirects included.
pub const TIMEOUT_SECONDS: u32 = 10;
/// How long a good answer is trusted.
const CACHE_DAYS: i64 = 7;

/// The findings about links to other sites in articles and pages, as of `today`.
pub fn check_external(root: &Path, parsed: &ParsedContent, today: Date) -> Vec<Diagnostic> {
    let mut uses: BTreeMap<&str, Vec<(&str, &Link)>> = BTreeMap::new();
    for article in &parsed.articles {
        let links = article
            .answers()
            .flat_map(|a| a.external())
            .chain(article.body_external());
        for link in links {
            uses.entry(&link.url).or_default().push((&article.file, link));
        }
    }
    for page in &parsed.pages {
        for link in &page.body.external {
            uses.entry(&link.url).or_default().push((&page.file, link));
        }
    }
    if uses.is_empty() {
        return Vec::new();
    }
    if Command::new("curl").arg("--version").output().is_err() {
        return vec![
            Diagnostic::new(
                Code::LinkExternal,
                "--external",
                Position::START,
                "cannot check links to other sites: `curl` is not installed",
            )
            .with_hint("install curl (it is on most systems and CI images), or check without --external"),
        ];
    }
    let mut cache = read_cache(root);
    let fresh = |url: &str| {
        cache
            .get(url)
            .and_then(|date| Date::parse_iso(date))
            .is_some_and(|checked| (0..CACHE_DAYS).contains(&(today.days_since_epoch() - checked.days_since_epoch())))
    };
    let wanted: Vec<&str> = uses.keys().copied().filter(|url| !fresh(url)).collect();
    let answers = fetch_all(&wanted);
    let mut found = Vec::new();
    for (url, answer) in wanted.iter().zip(answers) {
        match answer {
            Ok(()) => {
                cache.insert(url.to_string(), today.to_string());
            }
            Err(problem) => {
                for (file, link) in &uses[url] {
                    found.push(
                        Diagnostic::new(Code::LinkExternal, file, link.at, format!("`{url}` {problem}"))
                            .with_hint("update the link, or point it at an archived copy (https://web.archive.org/)"),
                    );
                }
            }
        }
    }
    write_cache(root, &cache);
    found
}

/// Every URL's answer, in order: at most `CONCURRENCY` requests at once.
fn fetch_all(urls: &[&str]) -> Vec<Result<(), String>> {
    let next = AtomicUsize::new(0);
    let answers: Vec<Mutex<Option<Result<(), String>>>> = urls.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..CONCURRENCY.min(urls.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(url) = urls.get(i) else { break };
                    let answer = fetch(url);
                    if let Ok(mut slot) = answers[i].lock() {
                        *slot = Some(answer);
                    }
                }
            });
        }
    });
    answers
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .ok()
                .flatten()
                .unwrap_or_else(|| Err("was not checked".to_string()))
        })
        .collect()
}

/// One URL: a `HEAD` request, then a `GET` where the server refuses `HEAD`.
fn fetch(url: &str) -> Result<(), String> {
    let status = request(url, true)?;
    let status = if status >= 400 { request(url, false)? } else { status };
    match status {
        200..=399 => Ok(()),
        status => Err(format!("answered HTTP {status}")),
    }
}

fn request(url: &str, head: bool) -> Result<u16, String> {
    let mut command = Command::new("curl");
    command.args([
        "--silent",
        "--show-error",
        "--location",
        "--max-redirs",
        "5",
        "--proto",
        "=http,https",
        "--max-time",
        &TIMEOUT_SECONDS.to_string(),
        "--user-agent",
        concat!("Evident/", env!("CARGO_PKG_VERSION"), " (link check)"),
        "--output",
        "/dev/null",
        "--write-out",
        "%{http_code}",
    ]);
    if head {
        command.arg("--head");
    }
    let output = command
        .arg("--")
        .arg(url)
        .output()
        .map_err(|error| format!("could not be checked: {error}"))?;
    let code: u16 = String::from_utf8_lossy(&output.stdout).trim().parse().unwrap_or(0);
    if code == 0 {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let reason = stderr.trim().trim_start_matches("curl: ").trim();
        return Err(format!(
            "could not be reached ({})",
            if reason.is_empty() { "no answer" } else { reason }
        ));
    }
    Ok(code)
}

fn read_cache(root: &Path) -> BTreeMap<String, String> {
    std::fs::read(root.join(CACHE_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Best effort: a cache that cannot be written only makes the next check slower.
fn write_cache(root: &Path, cache: &BTreeMap<String, String>) {
    let path = root.join(CACHE_FILE);
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let Ok(text) = serde_json::to_vec_pretty(cache) else {
        return;
    };
    let temporary = dir.join(format!(".external-links.{}.tmp", std::process::id()));
    if std::fs::write(&temporary, text).is_ok() && std::fs::rename(&temporary, &path).is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
}
