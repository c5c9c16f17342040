//! The preview equals the build: random sequences of edits (article text, front matter,
//! related lists, a shared reference, the retraction list `data/retractions.csv`, a
//! template, the theme, `evident.yaml`, added and deleted articles, a broken file and its
//! fix, git commits) are applied to a small real
//! site while the real `evident serve` runs on it; after each edit, once the server has
//! settled, every file a clean `evident build --base-url <the server's address>` of the same
//! tree writes must be served with the same bytes (HTML without the injected reload script),
//! and every page an earlier build wrote that this one does not must be gone.
//!
//! `cargo test` runs a few short sequences. A long run, e.g. before a release:
//! `EVIDENT_SERVE_SEQUENCES=40 EVIDENT_SERVE_STEPS=25 cargo test --test serve_equals_build`;
//! `EVIDENT_SERVE_SEED=N` replays the sequences a failure names.

mod common;

use common::serve::Serve;
use common::{Site, commit, git};
use evident::serve::overlay::{OVERLAY_ID, RELOAD_SCRIPT};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// How long a server may take to show an edit: generous, the machine is shared. A run that
/// needs it fails anyway; a passing run never waits for it.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(120);
/// Quiet on the server's standard error for this long after an agreeing fetch means no
/// rebuild is under way or pending (a save reaches it within 0.3 s).
const QUIET: Duration = Duration::from_millis(1500);
const IO_TIMEOUT: Duration = Duration::from_secs(20);

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {value:?}")),
        Err(_) => default,
    }
}

/// A small, deterministic generator (xorshift64*): the sequences replay from their seed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const TOPICS: [&str; 3] = ["cardiology", "diabetes", "nephrology"];
const WORDS: [&str; 12] = [
    "statin", "muscle", "kidney", "insulin", "trial", "placebo", "dose", "risk", "adults", "glucose", "blood",
    "pressure",
];

/// One article as the sequence holds it; its file is written from this.
#[derive(Clone, Debug)]
struct Article {
    slug: String,
    topics: Vec<String>,
    question: String,
    answer: String,
    audience: &'static str,
    draft: bool,
    bullets: Vec<String>,
    related: Vec<String>,
    /// Addresses it took over from deleted articles, which `url/removed` asks for.
    aliases: Vec<String>,
    cites_shared: bool,
}

impl Article {
    fn file(&self) -> String {
        format!("content/{}/{}.md", self.topics[0], self.slug)
    }

    fn text(&self) -> String {
        let mut text = format!(
            "---\nquestion: \"{}\"\nanswer: >-\n  {} [@trial-{}].\ntopics: [{}]\naudience: {}\ncreated: 2025-02-01\n",
            self.question,
            self.answer,
            self.slug,
            self.topics.join(", "),
            self.audience
        );
        let status = if self.draft { "draft" } else { "submitted" };
        text.push_str(&format!("review:\n  status: {status}\n"));
        text.push_str(&format!(
            "references:\n  - id: trial-{}\n    type: research\n    authors: [\"Doe J\"]\n    title: \"A trial about {}\"\n    journal: \"Lancet\"\n    year: 2022\n",
            self.slug, self.slug
        ));
        if !self.related.is_empty() {
            text.push_str(&format!("related: [{}]\n", self.related.join(", ")));
        }
        if !self.aliases.is_empty() {
            text.push_str(&format!("aliases: [{}]\n", self.aliases.join(", ")));
        }
        text.push_str("---\n## Evidence\n\n");
        for bullet in &self.bullets {
            text.push_str(&format!("- {bullet} [@trial-{}].\n", self.slug));
        }
        if self.cites_shared {
            text.push_str("- Pooled data agree [@shared-trial].\n");
        }
        text
    }
}

fn words(rng: &mut Rng, n: usize) -> String {
    (0..n).map(|_| *rng.pick(&WORDS)).collect::<Vec<_>>().join(" ")
}

fn new_article(rng: &mut Rng, slug: &str) -> Article {
    let topic = rng.pick(&TOPICS).to_string();
    Article {
        slug: slug.to_string(),
        topics: vec![topic],
        question: format!("Does {} change {}?", words(rng, 2), words(rng, 2)),
        answer: format!("The evidence on {} is mixed", words(rng, 3)),
        audience: "all",
        draft: false,
        bullets: vec![format!("Trials of {} found little", words(rng, 3))],
        related: Vec::new(),
        aliases: Vec::new(),
        cites_shared: rng.chance(50),
    }
}

/// The site a sequence edits, as the test holds it.
struct Model {
    articles: Vec<Article>,
    next_slug: usize,
    shared_title: String,
    description: String,
    template_mark: Option<u64>,
    theme: String,
    page_text: String,
    /// The article a `Break` step left unparsable, fixed by the next step.
    broken: Option<usize>,
    /// What the retraction list says of the shared reference (`RetractionNature`), if
    /// anything: it lives in `data/`, outside every folder serve watches by name.
    retraction: Option<&'static str>,
}

impl Model {
    fn new(rng: &mut Rng) -> Model {
        let mut model = Model {
            articles: Vec::new(),
            next_slug: 0,
            shared_title: "Pooled analysis of statin trials".to_string(),
            description: "A site that serve and build must agree on.".to_string(),
            template_mark: None,
            theme: "body { color: #111; }\n".to_string(),
            page_text: "This site supports the judgement of a professional.".to_string(),
            broken: None,
            retraction: None,
        };
        for _ in 0..4 {
            model.add(rng);
        }
        let slugs: Vec<String> = model.articles.iter().map(|a| a.slug.clone()).collect();
        model.articles[0].related = vec![slugs[1].clone()];
        model
    }

    fn add(&mut self, rng: &mut Rng) -> usize {
        let slug = format!("q{}-{}", self.next_slug, rng.pick(&WORDS));
        self.next_slug += 1;
        self.articles.push(new_article(rng, &slug));
        self.articles.len() - 1
    }

    fn config(&self) -> String {
        let topics: String = TOPICS
            .iter()
            .map(|t| format!("  {t}:\n    title: \"{}\"\n", t.to_uppercase()))
            .collect();
        format!(
            "title: \"Serve equals build\"\ndescription: \"{}\"\nbase_url: \"https://kb.example.org/\"\npublisher: \"Test Board\"\ncitations:\n  retractions: data/retractions.csv\ntopics:\n{topics}",
            self.description
        )
    }

    fn retractions(&self) -> String {
        let mut csv = "Record ID,Title,Subject,Institution,Journal,Publisher,Country,Author,URLS,ArticleType,RetractionDate,RetractionDOI,RetractionPubMedID,OriginalPaperDate,OriginalPaperDOI,OriginalPaperPubMedID,RetractionNature,Reason,Paywalled,Notes\n".to_string();
        if let Some(nature) = self.retraction {
            csv.push_str(&format!(
                "1,Shared trial,,,,,,,,,3/1/2024 0:00,10.1136/notice,0,1/1/2021 0:00,10.1136/bmj.shared,0,{nature},Data,No,\n"
            ));
        }
        csv
    }

    fn shared(&self) -> String {
        format!(
            "- id: shared-trial\n  type: research\n  authors: [\"Roe R\"]\n  title: \"{}\"\n  journal: \"BMJ\"\n  year: 2021\n  doi: \"10.1136/bmj.shared\"\n",
            self.shared_title
        )
    }

    fn template(&self) -> Option<String> {
        let mark = self.template_mark?;
        let builtin = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/page.html"))
            .expect("read the built-in page template");
        Some(builtin.replace(
            "<div class=\"prose\">",
            &format!("<div class=\"prose\" data-mark=\"{mark}\">"),
        ))
    }

    /// Writes every file of the site as the model says, removing article files it no
    /// longer holds; files whose text is unchanged are not touched.
    fn write(&self, site: &Site) {
        let mut wanted: BTreeMap<String, String> = BTreeMap::new();
        wanted.insert("evident.yaml".into(), self.config());
        wanted.insert("references/shared.yaml".into(), self.shared());
        wanted.insert("data/retractions.csv".into(), self.retractions());
        wanted.insert("theme/extra.css".into(), self.theme.clone());
        wanted.insert(
            "content/pages/disclaimer.md".into(),
            format!("---\ntitle: \"Disclaimer\"\n---\n{}\n", self.page_text),
        );
        if let Some(template) = self.template() {
            wanted.insert("templates/page.html".into(), template);
        }
        for (i, article) in self.articles.iter().enumerate() {
            let text = match self.broken {
                Some(b) if b == i => article.text().replacen("question: \"", "question: [\"", 1),
                _ => article.text(),
            };
            wanted.insert(article.file(), text);
        }
        for rel in files_under(site, "content")
            .into_iter()
            .chain(files_under(site, "templates"))
        {
            if !wanted.contains_key(&rel) {
                std::fs::remove_file(site.path(&rel)).unwrap();
            }
        }
        for (rel, text) in &wanted {
            if std::fs::read_to_string(site.path(rel)).ok().as_deref() != Some(text.as_str()) {
                save(site, rel, text);
            }
        }
    }
}

fn files_under(site: &Site, dir: &str) -> Vec<String> {
    if !site.path(dir).is_dir() {
        return Vec::new();
    }
    site.tree(dir).into_keys().map(|rel| format!("{dir}/{rel}")).collect()
}

/// Saves as many editors do: a temporary file renamed over the old one.
fn save(site: &Site, rel: &str, text: &str) {
    let path = site.path(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let temporary = path.with_file_name(format!(".{name}.saving"));
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(&temporary, &path).unwrap();
}

/// One random edit, applied to the model; returns what it did, for the failure message.
fn edit(model: &mut Model, rng: &mut Rng, site: &Site) -> String {
    if let Some(broken) = model.broken.take() {
        return format!("fix the front matter of {}", model.articles[broken].file());
    }
    let slugs: Vec<String> = model.articles.iter().map(|a| a.slug.clone()).collect();
    let at = rng.below(model.articles.len());
    match rng.below(14) {
        0 | 1 => {
            let bullet = format!("A new trial of {} found more", words(rng, 3));
            model.articles[at].bullets.push(bullet);
            format!("add a bullet to {}", model.articles[at].file())
        }
        2 => {
            let article = &mut model.articles[at];
            article.question = format!("Does {} change {}?", words(rng, 2), words(rng, 3));
            article.audience = *rng.pick(&["all", "patient", "clinician"]);
            format!("change the question and audience of {}", article.file())
        }
        3 => {
            let extra = rng.pick(&TOPICS).to_string();
            let article = &mut model.articles[at];
            if !article.topics.contains(&extra) {
                article.topics.push(extra);
            } else if article.topics.len() > 1 {
                article.topics.pop();
            }
            format!("change the topics of {}", article.file())
        }
        4 => {
            let own = model.articles[at].slug.clone();
            let others: Vec<&String> = slugs.iter().filter(|s| **s != own).collect();
            let related: BTreeSet<String> = (0..rng.below(3)).map(|_| rng.pick(&others).to_string()).collect();
            model.articles[at].related = related.into_iter().collect();
            format!("set the related list of {}", model.articles[at].file())
        }
        5 => {
            model.shared_title = format!("Pooled analysis of {} trials", words(rng, 2));
            model.articles[at].cites_shared = true;
            "retitle the shared reference".to_string()
        }
        6 => {
            model.template_mark = (!rng.chance(25)).then(|| rng.next() % 1000);
            "change the page template".to_string()
        }
        7 => {
            model.theme = format!("body {{ color: #{:06x}; }}\n", rng.next() % 0xff_ffff);
            "change the theme".to_string()
        }
        8 => {
            model.description = format!("A site about {}.", words(rng, 3));
            model.page_text = format!("This site covers {}.", words(rng, 4));
            "change evident.yaml and a page".to_string()
        }
        9 => {
            let added = model.add(rng);
            if rng.chance(50) {
                let slug = model.articles[added].slug.clone();
                model.articles[at].related.push(slug);
            }
            format!("add {}", model.articles[added].file())
        }
        10 if model.articles.len() > 3 => {
            let gone = model.articles.remove(at);
            // An editor removes the links to an article with it, and sends its readers
            // (and those of the addresses it had taken over) to another question.
            for article in &mut model.articles {
                article.related.retain(|s| *s != gone.slug);
            }
            let heir = at % model.articles.len();
            let heir = &mut model.articles[heir];
            heir.aliases.push(gone.slug.clone());
            heir.aliases.extend(gone.aliases.iter().cloned());
            format!("delete {}", gone.file())
        }
        10 => {
            model.articles[at].draft = !model.articles[at].draft;
            format!("toggle the draft status of {}", model.articles[at].file())
        }
        12 => {
            model.retraction = match model.retraction {
                Some(_) => None,
                None => Some(*rng.pick(&["Retraction", "Correction", "Expression of concern"])),
            };
            model.articles[at].cites_shared = true;
            match model.retraction {
                Some(nature) => format!("list the shared reference as \"{nature}\" in data/retractions.csv"),
                None => "clear the shared reference from data/retractions.csv".to_string(),
            }
        }
        11 => {
            model.broken = Some(at);
            format!("break the front matter of {}", model.articles[at].file())
        }
        _ => {
            // Dated by step, so that history pages differ from one commit to the next.
            let date = format!("2026-01-{:02}T10:00:00", 10 + rng.below(18));
            git(site, &date, &["add", "-A"]);
            git(site, &date, &["commit", "-q", "--allow-empty", "-m", "an edit"]);
            "commit".to_string()
        }
    }
}

/// A running `evident serve`, killed on drop.
struct Server {
    serve: Serve,
    address: SocketAddr,
}

impl Server {
    fn start(site: &Site) -> Server {
        let serve = Serve::start(site, &[]);
        Server {
            address: serve.address(),
            serve,
        }
    }

    fn url(&self) -> String {
        format!("http://{}/", self.address)
    }

    fn printed(&self) -> usize {
        self.serve.stderr().len()
    }

    /// Waits until the server prints past `seen` bytes or `timeout` passes; true if it did.
    fn prints_within(&self, seen: usize, timeout: Duration) -> bool {
        self.serve.stderr_when(timeout, |printed| printed.len() > seen).len() > seen
    }

    /// Status and body of `GET path`.
    fn get(&self, path: &str) -> (u16, Vec<u8>) {
        let mut stream = TcpStream::connect_timeout(&self.address, IO_TIMEOUT).expect("connect");
        stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        let head = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.address
        );
        stream.write_all(head.as_bytes()).expect("send the request");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read the response");
        let end = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a complete response head");
        let status = String::from_utf8_lossy(&raw[..end])
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status line");
        (status, raw[end + 4..].to_vec())
    }
}

/// A served page without what serve adds to it.
fn without_reload_script(body: Vec<u8>) -> Vec<u8> {
    let script = RELOAD_SCRIPT.as_bytes();
    match body.windows(script.len()).position(|w| w == script) {
        Some(at) => [&body[..at], &body[at + script.len()..]].concat(),
        None => body,
    }
}

/// How the served site differs from `expected` (and from pages that must be gone);
/// empty when it agrees.
fn differences(server: &Server, expected: &BTreeMap<String, Vec<u8>>, gone: &BTreeSet<String>) -> Vec<String> {
    let mut found = Vec::new();
    for (rel, bytes) in expected {
        let (status, body) = server.get(&format!("/{rel}"));
        if status != 200 {
            found.push(format!("/{rel}: status {status}, the build wrote it"));
        } else if without_reload_script(body.clone()) != *bytes {
            found.push(format!(
                "/{rel}: {}",
                first_difference(bytes, &without_reload_script(body))
            ));
        }
    }
    for rel in gone {
        let (status, _) = server.get(&format!("/{rel}"));
        if status != 404 {
            found.push(format!("/{rel}: status {status}, the build no longer writes it"));
        }
    }
    found
}

fn first_difference(built: &[u8], served: &[u8]) -> String {
    let at = built
        .iter()
        .zip(served)
        .position(|(a, b)| a != b)
        .unwrap_or(built.len().min(served.len()));
    let around =
        |bytes: &[u8]| String::from_utf8_lossy(&bytes[at.saturating_sub(80)..(at + 80).min(bytes.len())]).into_owned();
    format!(
        "differs at byte {at} (built {} bytes, served {})\n  built:  …{}…\n  served: …{}…",
        built.len(),
        served.len(),
        around(built),
        around(served)
    )
}

/// Waits until the served site equals `expected` and stays so while the server is quiet;
/// panics with the differences when it does not within `SETTLE_TIMEOUT`.
fn expect_agreement(server: &Server, expected: &BTreeMap<String, Vec<u8>>, gone: &BTreeSet<String>, what: &str) {
    let deadline = Instant::now() + SETTLE_TIMEOUT;
    loop {
        let seen = server.printed();
        let found = differences(server, expected, gone);
        if found.is_empty() && !server.prints_within(seen, QUIET) {
            return;
        }
        if !found.is_empty() && Instant::now() > deadline {
            panic!(
                "after {what}, serve differs from build:\n{}\n--- serve's stderr ---\n{}",
                found.join("\n"),
                server.serve.stderr()
            );
        }
        if !found.is_empty() {
            server.prints_within(seen, Duration::from_secs(2));
        }
    }
}

/// After a failed build, serve keeps the last good pages and shows the overlay over them.
fn expect_overlay(server: &Server, what: &str, build_stderr: &str) {
    let deadline = Instant::now() + SETTLE_TIMEOUT;
    loop {
        let seen = server.printed();
        let (status, body) = server.get("/");
        if status == 200 && String::from_utf8_lossy(&body).contains(OVERLAY_ID) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "after {what}, the build fails but serve shows no findings:\n{}\nbuild:\n{build_stderr}",
            server.serve.stderr()
        );
        server.prints_within(seen, Duration::from_secs(2));
    }
}

fn run_sequence(seed: u64, steps: u64) {
    let site = Site::empty();
    let mut rng = Rng::new(seed);
    let mut model = Model::new(&mut rng);
    model.write(&site);
    site.write(".gitignore", ".evident/\n");
    git(&site, "2026-01-05T10:00:00", &["init", "-q"]);
    commit(&site, "2026-01-05T10:00:00", "first");
    let server = Server::start(&site);
    let out = tempfile::tempdir().unwrap();
    let url = server.url();
    let mut ever_built: BTreeSet<String> = BTreeSet::new();
    let mut history = vec!["start".to_string()];
    for step in 0..=steps {
        if step > 0 {
            history.push(edit(&mut model, &mut rng, &site));
            model.write(&site);
        }
        let what = format!("seed {seed}, steps: {}", history.join("; "));
        // A clean build, as the preview is: into a new folder, so that `url/removed` has no
        // earlier output of this test to hold the tree to (serve's generations have none).
        let out_dir = out.path().join(format!("public-{step}"));
        let out_arg = out_dir.to_string_lossy().into_owned();
        let build = site.run(&["build", "--base-url", &url, "--out", &out_arg]);
        match build.code {
            0 => {
                let mut expected: BTreeMap<String, Vec<u8>> = BTreeMap::new();
                collect(&out_dir, &out_dir, &mut expected);
                let gone: BTreeSet<String> = ever_built
                    .iter()
                    .filter(|rel| !expected.contains_key(*rel) && rel.ends_with(".html"))
                    .cloned()
                    .collect();
                ever_built.extend(expected.keys().cloned());
                expect_agreement(&server, &expected, &gone, &what);
            }
            1 => expect_overlay(&server, &what, &build.stderr),
            code => panic!("{what}: build exited {code}:\n{}", build.stderr),
        }
    }
    eprintln!("seed {seed} agreed after: {}", history.join("; "));
}

fn collect(base: &std::path::Path, dir: &std::path::Path, files: &mut BTreeMap<String, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(base, &path, files);
        } else {
            let rel = path.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
            // The build's marker of a folder it owns: not part of the site.
            if !rel.starts_with('.') {
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
}

#[test]
fn serve_shows_what_build_publishes_after_every_edit() {
    let sequences = env_number("EVIDENT_SERVE_SEQUENCES", 2);
    let steps = env_number("EVIDENT_SERVE_STEPS", 8);
    let first = env_number("EVIDENT_SERVE_SEED", 1);
    for seed in first..first + sequences {
        run_sequence(seed, steps);
    }
}
