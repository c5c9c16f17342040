//! A small fluent harness for integration tests: copy a fixture site from
//! `tests/fixtures/<feature>/<case>/` into a temporary folder, run the real `evident`
//! binary on it, and look at its exit status, its report and the files it wrote.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

pub mod corpus;
pub mod search;
pub mod serve;

use scraper::{Html, Selector};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A site in a temporary folder, removed when the value is dropped.
pub struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    /// A copy of `tests/fixtures/<name>/`.
    pub fn fixture(name: &str) -> Site {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
        assert!(source.is_dir(), "no fixture at {}", source.display());
        let site = Site::empty();
        copy_dir(&source, site.root());
        site
    }

    /// A copy of the demo knowledge base (the repository's own site), outside any git
    /// repository.
    pub fn demo() -> Site {
        let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = Site::empty();
        for entry in ["evident.yaml", "content", "people", "templates", "theme"] {
            let from = repository.join(entry);
            if from.is_dir() {
                copy_dir(&from, &site.root().join(entry));
            } else if from.is_file() {
                std::fs::copy(&from, site.root().join(entry)).unwrap_or_else(|e| panic!("copy {entry}: {e}"));
            }
        }
        site
    }

    /// An empty temporary folder (for `evident init`).
    pub fn empty() -> Site {
        Site {
            dir: tempfile::tempdir().expect("create a temporary folder"),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Runs `evident --root <site> ARGS…` from inside the site's folder.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_env(args, &[])
    }

    /// `run` with environment variables set (and `EVIDENT_TRUSTED_KEYS` cleared unless
    /// given, so that the caller's environment never decides a test).
    pub fn run_with_env(&self, args: &[&str], vars: &[(&str, &str)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_evident"));
        command
            .arg("--root")
            .arg(self.root())
            .args(args)
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .env_remove("EVIDENT_TRUSTED_KEYS");
        for (name, value) in vars {
            command.env(name, value);
        }
        let output = command.output().expect("run the evident binary");
        Output {
            code: output.status.code().expect("evident exited normally"),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Writes (or overwrites) a file of the site.
    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Site {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {rel}: {e}"));
        self
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }

    /// An HTML output file, parsed.
    pub fn html(&self, rel: &str) -> Page {
        Page::parse(&self.read(rel))
    }

    /// Every file under `rel` (relative path → bytes), to compare whole output trees.
    pub fn tree(&self, rel: &str) -> BTreeMap<String, Vec<u8>> {
        let base = self.path(rel);
        let mut files = BTreeMap::new();
        collect_files(&base, &base, &mut files);
        files
    }

    /// The names in the site's top folder, sorted.
    pub fn top_level_names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.root())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, named relative to `base`, into `files`.
pub fn collect_files(base: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_files(base, &path, files);
        } else {
            let rel = path.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
            files.insert(rel, std::fs::read(&path).unwrap());
        }
    }
}

/// That the files `cached` (a cached build's) are those of `fresh` (a clean build's of the
/// same tree), byte for byte, and no others; `what` names the edit the build followed.
pub fn assert_same_files(cached: &BTreeMap<String, Vec<u8>>, fresh: &BTreeMap<String, Vec<u8>>, what: &str) {
    assert_eq!(
        cached.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>(),
        "after {what}: the cached build wrote other files"
    );
    for (rel, bytes) in fresh {
        assert!(cached[rel] == *bytes, "after {what}: {rel} differs from a clean build");
    }
}

/// What one run of the binary did.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Asserts the exit status, showing everything the program said when it differs.
    pub fn expect_code(&self, code: i32) -> &Output {
        assert_eq!(
            self.code, code,
            "unexpected exit status\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// The `--format json` report on stdout.
    pub fn report(&self) -> Report {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not a JSON report ({e}):\n{}\n{}", self.stdout, self.stderr))
    }
}

#[derive(Debug, Deserialize)]
pub struct Report {
    pub diagnostics: Vec<Finding>,
    pub summary: Summary,
}

#[derive(Debug, Deserialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Finding {
    pub code: String,
    pub severity: String,
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
    pub hint: Option<String>,
}

impl Finding {
    /// `(file, line, column)`, to assert a position in one comparison.
    pub fn at(&self) -> (&str, u32, u32) {
        (&self.file, self.line, self.column)
    }
}

impl Report {
    pub fn with_code(&self, code: &str) -> Vec<&Finding> {
        self.diagnostics.iter().filter(|d| d.code == code).collect()
    }

    /// The single finding with `code`; fails when there are none or several.
    pub fn only(&self, code: &str) -> &Finding {
        match self.with_code(code).as_slice() {
            [one] => one,
            found => panic!(
                "expected one `{code}` finding, got {}: {:#?}",
                found.len(),
                self.diagnostics
            ),
        }
    }

    pub fn codes(&self) -> Vec<&str> {
        self.diagnostics.iter().map(|d| d.code.as_str()).collect()
    }
}

/// A parsed HTML document with small CSS-selector helpers.
pub struct Page {
    pub html: Html,
}

impl Page {
    pub fn parse(text: &str) -> Page {
        Page {
            html: Html::parse_document(text),
        }
    }

    /// The page's one JSON-LD block, parsed.
    pub fn json_ld(&self) -> serde_json::Value {
        let scripts = self.texts("script[type=\"application/ld+json\"]");
        assert_eq!(scripts.len(), 1, "one JSON-LD block");
        serde_json::from_str(&scripts[0]).expect("JSON-LD parses")
    }

    /// The whitespace-collapsed text of every element matching `css`, in document order.
    pub fn texts(&self, css: &str) -> Vec<String> {
        self.html
            .select(&selector(css))
            .map(|e| collapse(&e.text().collect::<String>()))
            .collect()
    }

    /// The text of the one element matching `css`.
    pub fn text(&self, css: &str) -> String {
        match self.texts(css).as_slice() {
            [one] => one.clone(),
            found => panic!("expected one element for `{css}`, found {}: {found:?}", found.len()),
        }
    }

    /// The value of `attr` on every element matching `css` that has it.
    pub fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        self.html
            .select(&selector(css))
            .filter_map(|e| e.value().attr(attr).map(str::to_string))
            .collect()
    }

    pub fn attr(&self, css: &str, attr: &str) -> String {
        match self.attrs(css, attr).as_slice() {
            [one] => one.clone(),
            found => panic!("expected one `{attr}` for `{css}`, found {found:?}"),
        }
    }

    pub fn count(&self, css: &str) -> usize {
        self.html.select(&selector(css)).count()
    }
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector `{css}`: {e:?}"))
}

pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One element of an XML document: its path from the root (`feed/entry/title`) and its text.
#[derive(Debug)]
pub struct XmlElement {
    pub path: String,
    pub text: String,
}

/// Parses a (namespace-unaware, DTD-free) XML document strictly enough to catch what a
/// template can break: unbalanced or misnamed tags, unquoted attributes, bare `<` or `&`.
pub fn parse_xml(text: &str) -> Result<Vec<XmlElement>, String> {
    let mut rest = text.strip_prefix("<?xml").map_or(Ok(text), |r| {
        r.find("?>")
            .map(|end| &r[end + 2..])
            .ok_or("unterminated XML declaration")
    })?;
    let mut open: Vec<(String, usize)> = Vec::new();
    let mut done: Vec<XmlElement> = Vec::new();
    let mut roots = 0;
    loop {
        let (chunk, after) = rest.split_at(rest.find('<').unwrap_or(rest.len()));
        let chunk = unescape_xml(chunk)?;
        match open.last() {
            Some(&(_, index)) => done[index].text.push_str(&chunk),
            None if chunk.trim().is_empty() => {}
            None => return Err(format!("text outside the root element: {chunk:?}")),
        }
        if after.is_empty() {
            break;
        }
        if let Some(comment) = after.strip_prefix("<!--") {
            rest = &comment[comment.find("-->").ok_or("unterminated comment")? + 3..];
            continue;
        }
        let end = after.find('>').ok_or("unterminated tag")?;
        let tag = &after[1..end];
        rest = &after[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            match open.pop() {
                Some((open_name, _)) if open_name == name.trim() => continue,
                other => return Err(format!("</{name}> closes {other:?}")),
            }
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
        let (name, attributes) = tag.split_at(name_end);
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || ":-_.".contains(c)) {
            return Err(format!("bad element name in <{tag}>"));
        }
        check_xml_attributes(attributes)?;
        if open.is_empty() {
            roots += 1;
        }
        let parent = open.last().map(|(_, i)| done[*i].path.clone());
        let path = parent.map_or(name.to_string(), |p| format!("{p}/{name}"));
        done.push(XmlElement {
            path,
            text: String::new(),
        });
        if !self_closing {
            open.push((name.to_string(), done.len() - 1));
        }
    }
    match (open.last(), roots) {
        (Some((name, _)), _) => Err(format!("<{name}> is never closed")),
        (None, 1) => Ok(done),
        (None, n) => Err(format!("expected one root element, found {n}")),
    }
}

fn check_xml_attributes(mut text: &str) -> Result<(), String> {
    loop {
        text = text.trim_start();
        if text.is_empty() {
            return Ok(());
        }
        let eq = text
            .find('=')
            .ok_or_else(|| format!("attribute without value: {text}"))?;
        let value = text[eq + 1..].trim_start();
        let quote = value.chars().next().filter(|q| *q == '"' || *q == '\'');
        let quote = quote.ok_or_else(|| format!("unquoted attribute: {text}"))?;
        let close = value[1..].find(quote).ok_or("unterminated attribute")? + 1;
        if value[1..close].contains('<') {
            return Err(format!("`<` in attribute: {text}"));
        }
        unescape_xml(&value[1..close])?;
        text = &value[close + 1..];
    }
}

fn unescape_xml(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let semi = rest[amp..].find(';').ok_or_else(|| format!("bare `&` in {text:?}"))? + amp;
        let entity = &rest[amp + 1..semi];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => match entity.strip_prefix("#x").or_else(|| entity.strip_prefix("#X")) {
                Some(hex) => u32::from_str_radix(hex, 16).ok().and_then(char::from_u32),
                None => entity
                    .strip_prefix('#')
                    .and_then(|d| d.parse().ok())
                    .and_then(char::from_u32),
            },
        };
        out.push(c.ok_or_else(|| format!("unknown entity &{entity}; in {text:?}"))?);
        rest = &rest[semi + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Runs git in the site's folder with a fixed identity and date, so that commits (and the
/// dates pages show) are the same on every machine.
pub fn git(site: &Site, date: &str, args: &[&str]) -> String {
    let output = Command::new("git")
        .arg("-C")
        .arg(site.root())
        .args([
            "-c",
            "user.name=Evident Test",
            "-c",
            "user.email=test@example.org",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "tag.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("run git");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn commit(site: &Site, date: &str, message: &str) {
    git(site, date, &["add", "-A"]);
    git(site, date, &["commit", "-q", "-m", message]);
}

/// Replaces the first `from` in the site's file `rel` with `to`; the file must hold `from`.
pub fn edit(site: &Site, rel: &str, from: &str, to: &str) {
    let text = site.read(rel);
    assert!(text.contains(from), "{rel} does not contain {from:?}");
    site.write(rel, text.replacen(from, to, 1));
}

/// The day `evident approve` dates an approval: the real date, which tests cannot fix.
pub fn today() -> evident::date::Date {
    evident::date::Date::today()
}
