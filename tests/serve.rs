//! `evident serve` over real TCP connections on 127.0.0.1: pages served, edits rebuilt and
//! announced on the event stream, findings shown over the page, nothing outside the output
//! served; `init` wiring the schema for editors, and the schema itself.
//!
//! Every server started here is killed when its guard drops, and every wait is bounded.

mod common;

use common::serve::Serve;
use common::{Site, commit, git};
use std::cell::RefCell;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

const EVENT_TIMEOUT: Duration = Duration::from_secs(30);
const IO_TIMEOUT: Duration = Duration::from_secs(20);

const ARTICLE: &str = "content/cardiology/statin-muscle-symptoms.md";
const NEIGHBOUR_URL: &str = "/questions/statins-primary-prevention/";
const ARTICLE_URL: &str = "/questions/statin-muscle-symptoms/";

/// A running `evident serve`, killed on drop.
struct Server {
    serve: Serve,
    address: SocketAddr,
    /// An event stream of the test's own, opened at the first `eventually`, that tells when
    /// the server published something.
    reloads: RefCell<Option<Events>>,
}

impl Server {
    fn start(site: &Site, extra: &[&str]) -> Server {
        let serve = Serve::start(site, extra);
        Server {
            address: serve.address(),
            serve,
            reloads: RefCell::new(None),
        }
    }

    fn stderr(&self) -> String {
        self.serve.stderr()
    }

    /// What the server printed, once it contains `text`: woken by the thread that reads the
    /// pipe each time the server prints; `EVENT_TIMEOUT` only ends a broken run.
    fn stderr_with(&self, text: &str) -> String {
        self.serve.stderr_when(EVENT_TIMEOUT, |printed| printed.contains(text))
    }

    fn get(&self, path: &str) -> Response {
        self.request("GET", path, &[])
    }

    fn request(&self, method: &str, target: &str, headers: &[(&str, &str)]) -> Response {
        let mut stream = TcpStream::connect_timeout(&self.address, IO_TIMEOUT).expect("connect");
        stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        stream.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
        let mut head = format!(
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.address
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).expect("send the request");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read the response");
        Response::parse(&raw)
    }

    /// Opens the live-reload stream and waits until the server has registered it.
    fn events(&self) -> Events {
        let mut stream = TcpStream::connect_timeout(&self.address, IO_TIMEOUT).expect("connect");
        stream.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        let head = format!("GET /__evident/events HTTP/1.1\r\nHost: {}\r\n\r\n", self.address);
        stream.write_all(head.as_bytes()).unwrap();
        let mut events = Events {
            stream,
            seen: String::new(),
        };
        assert!(
            events.wait_for(": connected", EVENT_TIMEOUT),
            "no event-stream greeting: {:?}",
            events.seen
        );
        assert!(events.seen.starts_with("HTTP/1.1 200"), "{}", events.seen);
        assert!(
            events.seen.contains("Content-Type: text/event-stream"),
            "{}",
            events.seen
        );
        events.seen.clear();
        events
    }

    /// Fetches `path` until `done` holds for the page, fetching again each time the server
    /// publishes (a `reload` event), never on a timer. The stream is open before the first
    /// fetch, so a publication either shows in that fetch or wakes the wait; a run that
    /// gets no event for `EVENT_TIMEOUT` returns the last page for the caller to fail on.
    fn eventually(&self, path: &str, done: impl Fn(&Response) -> bool) -> Response {
        let mut reloads = self.reloads.borrow_mut();
        let reloads = reloads.get_or_insert_with(|| self.events());
        loop {
            let response = self.get(path);
            if done(&response) || !reloads.wait_for("event: reload\n", EVENT_TIMEOUT) {
                return response;
            }
            reloads.seen.clear();
        }
    }
}

struct Events {
    stream: TcpStream,
    seen: String,
}

impl Events {
    /// Reads the stream until `text` appears; false after `timeout`.
    fn wait_for(&mut self, text: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut buffer = [0u8; 4096];
        while !self.seen.contains(text) {
            if Instant::now() > deadline {
                return false;
            }
            match self.stream.read(&mut buffer) {
                Ok(0) => return false,
                Ok(n) => self.seen.push_str(&String::from_utf8_lossy(&buffer[..n])),
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
                Err(e) => panic!("event stream: {e}"),
            }
        }
        true
    }

    /// Waits for the next `reload` event and forgets what came before it.
    fn expect_reload(&mut self, server: &Server) {
        let arrived = self.wait_for("event: reload\n", EVENT_TIMEOUT);
        assert!(
            arrived,
            "no reload event; stream: {:?}\nstderr:\n{}",
            self.seen,
            server.stderr()
        );
        self.seen.clear();
    }
}

#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn parse(raw: &[u8]) -> Response {
        let text = String::from_utf8_lossy(raw);
        let (head, body) = text.split_once("\r\n\r\n").expect("a complete response head");
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .expect("a status line");
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Response {
            status,
            headers,
            body: body.to_string(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

fn fixture() -> Site {
    Site::fixture("serve/site")
}

/// Saves a file as many editors do — a hidden temporary file renamed over it — so that the
/// server never sees it half-written and each save is exactly one change.
fn save(site: &Site, rel: &str, text: impl AsRef<[u8]>) {
    let path = site.path(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let temporary = path.with_file_name(format!(".{name}.saving"));
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(&temporary, &path).unwrap();
}

/// Saves `rel` with each `(from, to)` replaced. Each `from` must be in the text: an edit
/// that silently changed nothing would let a test pass without testing anything.
fn save_edited(site: &Site, rel: &str, edits: &[(&str, &str)]) {
    let mut text = site.read(rel);
    for (from, to) in edits {
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        text = text.replace(from, to);
    }
    save(site, rel, text);
}

#[test]
fn serves_pages_with_the_reload_script_and_correct_types() {
    let site = fixture();
    let server = Server::start(&site, &[]);

    let page = server.get(ARTICLE_URL);
    assert_eq!(page.status, 200, "{page:?}");
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(page.body.contains("Do statins cause muscle pain?"));
    assert!(
        page.body.contains("data-evident-serve"),
        "the reload script is injected"
    );
    assert!(page.body.contains("/__evident/events"));
    assert!(!page.body.contains("evident-overlay"));
    assert_eq!(
        page.header("content-length").and_then(|l| l.parse().ok()),
        Some(page.body.len())
    );

    for (path, kind) in [
        ("/", "text/html; charset=utf-8"),
        ("/theme/evident.css", "text/css; charset=utf-8"),
        ("/theme/evident.js", "text/javascript; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/feed.xml", "application/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
    ] {
        let response = server.get(path);
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.header("content-type"), Some(kind), "{path}");
    }
    assert!(
        !server.get("/theme/evident.css").body.contains("data-evident-serve"),
        "only HTML is touched"
    );

    let folder = server.get("/questions/statin-muscle-symptoms");
    assert_eq!(folder.status, 301);
    assert_eq!(folder.header("location"), Some(ARTICLE_URL));

    let missing = server.get("/questions/no-such-question/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("couldn’t find that page"), "the site's 404.html");
    assert!(missing.body.contains("data-evident-serve"));

    assert_eq!(server.request("POST", "/", &[]).status, 405);
}

#[test]
fn head_has_no_body_and_conditional_requests_get_304() {
    let site = fixture();
    let server = Server::start(&site, &[]);

    let head = server.request("HEAD", ARTICLE_URL, &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "HEAD sent a body");
    let full = server.get(ARTICLE_URL);
    assert_eq!(head.header("content-length"), full.header("content-length"));

    let etag = full.header("etag").expect("an ETag").to_string();
    let again = server.request("GET", ARTICLE_URL, &[("If-None-Match", &etag)]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(
        server.request("HEAD", ARTICLE_URL, &[("If-None-Match", &etag)]).status,
        304
    );
    assert_eq!(
        server
            .request("GET", ARTICLE_URL, &[("If-None-Match", "\"stale\"")])
            .status,
        200
    );

    let css = server.get("/theme/evident.css");
    let modified = css.header("last-modified").expect("a Last-Modified date").to_string();
    assert_eq!(
        server
            .request("GET", "/theme/evident.css", &[("If-Modified-Since", &modified)])
            .status,
        304
    );
    assert_eq!(
        server
            .request(
                "GET",
                "/theme/evident.css",
                &[("If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT")]
            )
            .status,
        200
    );
}

#[test]
fn an_edit_is_served_and_announced() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    let before = server.get(NEIGHBOUR_URL);
    assert!(
        before.body.contains("Do statins cause muscle pain?"),
        "the neighbour lists it"
    );
    let served_before = served_generation(&site, &server);
    #[cfg(unix)]
    let inodes_before: Vec<(&str, u64)> = ["disclaimer/index.html", "questions/statin-muscle-symptoms/index.html"]
        .into_iter()
        .map(|rel| (rel, inode(&served_before.join(rel))))
        .collect();

    save_edited(
        &site,
        ARTICLE,
        &[
            ("Do statins cause muscle pain?", "Do statins really cause muscle pain?"),
            ("are not caused by the statin", "are not caused by the statin itself"),
        ],
    );
    events.expect_reload(&server);

    let page = server.eventually(ARTICLE_URL, |r| r.body.contains("really cause"));
    assert!(
        page.body.contains("Do statins really cause muscle pain?"),
        "{}",
        page.body
    );
    assert!(page.body.contains("caused by the statin itself"));
    assert_ne!(page.header("etag"), before.header("etag"));
    assert!(
        server
            .get(NEIGHBOUR_URL)
            .body
            .contains("Do statins really cause muscle pain?"),
        "the related question's page shows the new question"
    );
    assert!(
        server
            .get("/topics/cardiology/")
            .body
            .contains("Do statins really cause muscle pain?")
    );
    assert!(
        server.get("/").body.contains("Do statins really cause muscle pain?"),
        "the home page lists it"
    );
    assert!(
        server
            .get("/feed.xml")
            .body
            .contains("Do statins really cause muscle pain?")
    );
    let stderr = server.stderr_with("statin-muscle-symptoms.md: built");
    assert!(stderr.contains("statin-muscle-symptoms.md: built"), "{stderr}");
    // The line says how little the save wrote: "built 57 files, 9 written and 48 unchanged".
    let said = stderr
        .lines()
        .find_map(|line| line.split_once("statin-muscle-symptoms.md: built"))
        .map(|(_, said)| said)
        .unwrap_or_default();
    let counts: Vec<usize> = said
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .take(3)
        .collect();
    assert!(
        said.contains(" written and ")
            && counts.len() == 3
            && counts[0] == counts[1] + counts[2]
            && counts[2] > counts[1],
        "{said}"
    );
    assert!(
        server
            .get("/review/")
            .body
            .contains("Do statins really cause muscle pain?"),
        "the review queue is built with the rest"
    );
    // The save was published in place: the same folder is served, the pages the edit does
    // not show in are the very files they were, and the edited article's page was moved in.
    #[cfg(unix)]
    {
        assert_eq!(served_generation(&site, &server), served_before);
        for (rel, same) in [
            ("disclaimer/index.html", true),
            ("questions/statin-muscle-symptoms/index.html", false),
        ] {
            let was = inodes_before
                .iter()
                .find(|(path, _)| *path == rel)
                .map(|(_, inode)| *inode);
            assert_eq!(was == Some(inode(&served_before.join(rel))), same, "{rel}");
        }
    }
}

/// An edit to an answer keeps every article's place, so the listings reuse the summaries of
/// the articles not edited: the edited one's must be new in every listing rendered, and
/// stay new when another article is edited next.
#[test]
fn listings_show_each_edited_answer_after_successive_edits() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    let metformin = "content/diabetes/metformin-first-line.md";

    save_edited(
        &site,
        ARTICLE,
        &[("are not caused by the statin", "are rarely caused by the statin")],
    );
    events.expect_reload(&server);
    // Read at once: these are the pages the save itself rendered, before any later pass.
    let hub = server.get("/topics/cardiology/");
    assert!(hub.body.contains("are rarely caused by the statin"), "{}", hub.body);
    assert!(!hub.body.contains("are not caused by the statin"), "{}", hub.body);
    let feed = server.get("/feed.xml");
    assert!(feed.body.contains("are rarely caused by the statin"), "{}", feed.body);

    save_edited(
        &site,
        metformin,
        &[("remains a first-line choice", "remains the usual first choice")],
    );
    events.expect_reload(&server);
    let feed = server.eventually("/feed.xml", |r| r.body.contains("remains the usual first choice"));
    assert!(feed.body.contains("remains the usual first choice"), "{}", feed.body);
    assert!(
        feed.body.contains("are rarely caused by the statin"),
        "the first edit's answer is still the new one: {}",
        feed.body
    );
    let hub = server.get("/topics/diabetes/");
    assert!(hub.body.contains("remains the usual first choice"), "{}", hub.body);
}

/// The preview has the history pages a build publishes, and an edit shows at once in its
/// article's history: the last committed version's diff runs to the text being edited.
#[test]
fn history_pages_are_served_and_follow_an_edit() {
    let site = fixture();
    git(&site, "2025-02-01T12:00:00Z", &["init", "-q"]);
    commit(&site, "2025-02-01T12:00:00Z", "First version");
    let second = site
        .read(ARTICLE)
        .replace("created: 2025-02-01\n", "created: 2025-02-01\nversion: 2\n")
        .replace("are not caused by the statin", "are seldom caused by the statin");
    site.write(ARTICLE, &second);
    commit(&site, "2025-03-01T12:00:00Z", "Say seldom");
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    let history_url = format!("{ARTICLE_URL}history/");

    let article = server.get(ARTICLE_URL);
    assert!(
        article.body.contains(&format!("href=\"{history_url}\"")),
        "the article links to its history: {}",
        article.body
    );
    let history = server.get(&history_url);
    assert_eq!(history.status, 200, "{}", server.stderr());
    assert!(history.body.contains("Version 1"), "{}", history.body);
    assert!(
        history.body.contains("First version"),
        "the commit is named: {}",
        history.body
    );
    assert!(history.body.contains("seldom"), "{}", history.body);
    assert_eq!(server.get(&format!("{ARTICLE_URL}v/1/")).status, 200);

    save(
        &site,
        ARTICLE,
        second.replace("are seldom caused by the statin", "are rarely caused by the statin"),
    );
    events.expect_reload(&server);
    // Read at once: the page the save itself rendered.
    let history = server.get(&history_url);
    assert!(history.body.contains("rarely"), "{}", history.body);
    assert!(!history.body.contains("seldom"), "{}", history.body);

    // A commit alone is seen and built: version 2 stays a past one under the new text.
    let third = second
        .replace("version: 2\n", "version: 3\n")
        .replace("are seldom caused by the statin", "are rarely caused by the statin");
    save(&site, ARTICLE, &third);
    events.expect_reload(&server);
    commit(&site, "2025-04-01T12:00:00Z", "Say rarely");
    events.expect_reload(&server);
    let stderr = server.stderr_with("git history: built");
    assert!(stderr.contains("git history: built"), "{stderr}");
    let history = server.get(&history_url);
    assert!(history.body.contains("Version 2"), "{}", history.body);
    assert!(history.body.contains("Say seldom"), "{}", history.body);
}

/// An approved article edited in the preview: its history page shows what changed since the approved text, and the review queue links to it — what a
/// reviewer reads before approving again.
#[test]
fn an_edit_to_an_approved_article_shows_the_changes_since_approval() {
    let site = fixture();
    let slug = "statin-muscle-symptoms";
    git(&site, "2025-02-01T12:00:00Z", &["init", "-q"]);
    site.run(&["claim", slug, "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    site.run(&["approve", slug, "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    commit(&site, "2025-02-02T12:00:00Z", "Approved");
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    let history_url = format!("{ARTICLE_URL}history/");
    assert!(!server.get(&history_url).body.contains("since-approval"));
    assert!(!server.get("/review/").body.contains("See what changed"));

    save_edited(
        &site,
        ARTICLE,
        &[("are not caused by the statin", "are rarely caused by the statin")],
    );
    events.expect_reload(&server);
    let history = server.eventually(&history_url, |r| r.body.contains("id=\"since-approval\""));
    assert!(history.body.contains("id=\"since-approval\""), "{}", history.body);
    assert!(history.body.contains("Dr Ada Lovelace"), "{}", history.body);
    assert!(history.body.contains("rarely"), "{}", history.body);
    let queue = server.eventually("/review/", |r| r.body.contains("See what changed"));
    assert!(
        queue.body.contains(&format!("href=\"{history_url}#since-approval\"")),
        "{}",
        queue.body
    );
}

#[test]
fn a_changed_theme_image_withdraws_the_approval_of_the_article_showing_it() {
    let site = fixture();
    let slug = "statin-muscle-symptoms";
    site.write(
        "theme/symptoms.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>1 in 10</text></svg>",
    );
    let text = site.read(ARTICLE) + "\n![Symptom rates](/theme/symptoms.svg)\n";
    site.write(ARTICLE, text);
    site.run(&["claim", slug, "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    site.run(&["approve", slug, "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    assert!(server.get(ARTICLE_URL).body.contains("Dr Ada Lovelace"));

    save(
        &site,
        "theme/symptoms.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>9 in 10</text></svg>",
    );
    events.expect_reload(&server);
    let page = server.eventually(ARTICLE_URL, |r| !r.body.contains("Dr Ada Lovelace"));
    assert!(page.body.contains("pending human review"), "{}", page.body);
}

/// A stopped server leaves its preview (a whole site) behind; the next server to start
/// removes it once nothing answers at its address, and keeps a running server's.
#[test]
fn previews_of_stopped_servers_are_removed_and_running_ones_kept() {
    let site = fixture();
    let preview_of = |server: &Server| {
        site.path(&format!(
            ".evident/serve/{}",
            server.address.to_string().replace([':', '[', ']'], "_")
        ))
    };
    let stopped = Server::start(&site, &[]);
    let stopped_dir = preview_of(&stopped);
    let running = Server::start(&site, &[]);
    let running_dir = preview_of(&running);
    assert!(stopped_dir.join("address").is_file(), "{}", stopped_dir.display());
    drop(stopped);
    assert!(stopped_dir.is_dir(), "a killed server cannot clean up after itself");

    let next = Server::start(&site, &[]);
    let deadline = Instant::now() + EVENT_TIMEOUT;
    while stopped_dir.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!stopped_dir.exists(), "{} is left", stopped_dir.display());
    assert!(
        running_dir.join("address").is_file(),
        "{} was removed",
        running_dir.display()
    );
    assert_eq!(running.get("/").status, 200);
    assert!(preview_of(&next).is_dir());
}

#[test]
fn a_broken_file_shows_the_overlay_and_a_fix_clears_it() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    let good = site.read(ARTICLE);

    save(
        &site,
        ARTICLE,
        good.replace("audience: all\n", "audience: all\nreveiw: {status: draft}\n"),
    );
    events.expect_reload(&server);
    let page = server.eventually(ARTICLE_URL, |r| r.body.contains("evident-overlay"));
    assert_eq!(page.status, 200, "the last good page is still served");
    assert!(page.body.contains("id=\"evident-overlay\""), "{}", page.body);
    assert!(page.body.contains("frontmatter/unknown-field"));
    assert!(page.body.contains(&format!("{ARTICLE}:8:1")), "file:line:column");
    assert!(page.body.contains("did you mean `review`?"));
    assert!(server.get("/").body.contains("evident-overlay"), "every page shows it");
    let stderr = server.stderr_with("not rebuilt");
    assert!(stderr.contains("error[frontmatter/unknown-field]"), "{stderr}");
    assert!(stderr.contains(&format!("--> {ARTICLE}:8:1")), "{stderr}");

    save(&site, ARTICLE, &good);
    events.expect_reload(&server);
    let page = server.eventually(ARTICLE_URL, |r| !r.body.contains("evident-overlay"));
    assert!(!page.body.contains("evident-overlay"), "the fix clears the overlay");
    assert!(page.body.contains("data-evident-serve"));
}

/// A save whose build fails once it has begun writing (a template that fails as a page
/// renders) leaves the served folder as it was: the same files, the same bytes, nothing
/// half-published, and nothing of the failed build left beside it.
#[cfg(unix)]
#[test]
fn a_save_whose_build_fails_leaves_the_served_pages_as_they_were() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    let served = served_generation(&site, &server);
    let preview = served.parent().expect("the preview folder").to_path_buf();
    let before = tree_with_inodes(&served);
    let names = |dir: &std::path::Path| {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    };
    let beside = names(&preview);

    // Parsed when the templates are read, failing only when the 404 page renders, after
    // the other pages of the save were written.
    save(
        &site,
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}{{ no_such_value.field }}{% endblock content %}",
    );
    events.expect_reload(&server);
    save_edited(
        &site,
        ARTICLE,
        &[("Do statins cause muscle pain?", "Do statins really cause muscle pain?")],
    );
    events.expect_reload(&server);
    let page = server.eventually(ARTICLE_URL, |r| r.body.contains("evident-overlay"));
    assert!(page.body.contains("template/error"), "{}", server.stderr());
    assert!(!page.body.contains("really cause"), "the failed save is not served");
    assert!(server.stderr().contains("not rebuilt"), "{}", server.stderr());

    assert_eq!(served_generation(&site, &server), served);
    assert!(tree_with_inodes(&served) == before, "the served folder changed");
    assert_eq!(names(&preview), beside, "the failed build's staging folder is removed");
}

/// Every file under `dir` by path: its inode and its bytes.
#[cfg(unix)]
fn tree_with_inodes(dir: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, (u64, Vec<u8>)> {
    let mut files = std::collections::BTreeMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_path_buf();
                files.insert(rel, (inode(&path), std::fs::read(&path).unwrap()));
            }
        }
    }
    files
}

#[test]
fn markup_in_findings_is_escaped_in_the_overlay() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    save_edited(
        &site,
        ARTICLE,
        &[("audience: all\n", "audience: all\n<script>alert(1)</script>: x\n")],
    );
    events.expect_reload(&server);
    let page = server.eventually("/", |r| r.body.contains("evident-overlay"));
    assert!(page.body.contains("evident-overlay"));
    assert!(!page.body.contains("<script>alert(1)"), "{}", page.body);
    assert!(page.body.contains("&lt;script&gt;alert(1)"));
}

const NEW_ARTICLE: &str = r#"---
question: "Do SGLT2 inhibitors protect the kidneys?"
answer: >-
  They slow the decline of kidney function [@ada-2025].
topics: [diabetes]
created: 2025-05-01
review:
  status: submitted
references:
  - id: ada-2025
    type: guideline
    title: "Standards of Care in Diabetes"
    publisher: "American Diabetes Association"
    year: 2025
related: [metformin-first-line]
---
## Evidence

- Trials show a slower decline of kidney function [@ada-2025].
"#;

#[test]
fn new_and_removed_articles_update_the_site() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    let new_file = "content/diabetes/sglt2-kidney.md";
    save(&site, new_file, NEW_ARTICLE);
    events.expect_reload(&server);
    let page = server.eventually("/questions/sglt2-kidney/", |r| r.status == 200);
    assert_eq!(page.status, 200, "{}", server.stderr());
    assert!(
        server
            .get("/topics/diabetes/")
            .body
            .contains("Do SGLT2 inhibitors protect the kidneys?")
    );
    assert!(
        server
            .get("/questions/metformin-first-line/")
            .body
            .contains("Do SGLT2 inhibitors protect the kidneys?"),
        "the backlink appears on the article it links to"
    );

    std::fs::remove_file(site.path(new_file)).unwrap();
    events.expect_reload(&server);
    let gone = server.eventually("/questions/sglt2-kidney/", |r| r.status == 404);
    assert_eq!(gone.status, 404);
    assert!(!server.get("/topics/diabetes/").body.contains("SGLT2"));
}

#[test]
fn a_template_change_rebuilds_every_page() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    save(
        &site,
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<p>Custom not found</p>{% endblock content %}",
    );
    events.expect_reload(&server);
    let missing = server.eventually("/nowhere/", |r| r.body.contains("Custom not found"));
    assert!(missing.body.contains("Custom not found"), "{}", server.stderr());

    save(
        &site,
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}{{ oops(",
    );
    events.expect_reload(&server);
    let page = server.eventually("/", |r| r.body.contains("template/error"));
    assert!(
        page.body.contains("template/error"),
        "a broken template shows in the overlay"
    );
}

/// `synonyms.yaml` is outside every watched folder and read only by the search index: a
/// save of it alone must still rebuild, and the served index change.
#[test]
fn a_save_of_synonyms_yaml_alone_changes_the_served_search_index() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let before = server.get("/search/synonyms.json");
    assert_eq!(before.status, 200);
    assert!(!before.body.contains("\"achy\""), "{}", before.body);
    save(&site, "synonyms.yaml", "expand:\n  achy: [muscle pain]\n");
    let after = server.eventually("/search/synonyms.json", |r| r.body.contains("\"achy\""));
    assert!(
        after.body.contains("\"achy\":[\"muscl pain\"]"),
        "{}\nstderr:\n{}",
        after.body,
        server.stderr()
    );
    // The line naming the saved file can reach the pipe after the new pages are served.
    let printed = server.stderr_with("synonyms.yaml");
    assert!(printed.contains("synonyms.yaml"), "{printed}");
    std::fs::remove_file(site.path("synonyms.yaml")).unwrap();
    let removed = server.eventually("/search/synonyms.json", |r| !r.body.contains("\"achy\""));
    assert_eq!(removed.body, before.body, "{}", server.stderr());
}

/// The retraction list lives wherever `evident.yaml` says, outside every watched folder:
/// a paper retracted in it must reach the preview as it reaches `build`, and a list moved
/// to another file must be watched there.
#[test]
fn a_change_to_the_retraction_list_alone_reaches_the_preview() {
    let site = fixture();
    let article = "content/cardiology/statin-muscle-symptoms.md";
    let text = std::fs::read_to_string(site.path(article)).unwrap();
    site.write(
        article,
        text.replace(
            "    year: 2022\n",
            "    year: 2022\n    doi: \"10.1016/S0140-6736(22)00000-0\"\n",
        ),
    );
    const HEADER: &str = "Record ID,Title,Subject,Institution,Journal,Publisher,Country,Author,URLS,ArticleType,RetractionDate,RetractionDOI,RetractionPubMedID,OriginalPaperDate,OriginalPaperDOI,OriginalPaperPubMedID,RetractionNature,Reason,Paywalled,Notes\n";
    const RETRACTED: &str = "1,Statin muscle symptoms,,,,,,,,,3/1/2024 0:00,10.1016/retraction,0,1/1/2022 0:00,10.1016/S0140-6736(22)00000-0,0,Retraction,Data,No,\n";
    site.write("data/retractions.csv", HEADER);
    let config = std::fs::read_to_string(site.path("evident.yaml")).unwrap();
    site.write(
        "evident.yaml",
        format!("{config}citations:\n  retractions: data/retractions.csv\n"),
    );
    let server = Server::start(&site, &[]);
    assert!(!server.get(ARTICLE_URL).body.contains("evident-overlay"));

    save(&site, "data/retractions.csv", format!("{HEADER}{RETRACTED}"));
    let page = server.eventually(ARTICLE_URL, |r| r.body.contains("evident-overlay"));
    assert!(
        page.body.contains("reference/retracted"),
        "{}\nstderr:\n{}",
        page.body,
        server.stderr()
    );
    // The line naming the saved file can reach the pipe after the new pages are served.
    let printed = server.stderr_with("data/retractions.csv");
    assert!(printed.contains("data/retractions.csv"), "{printed}");

    // The configuration now names another list: that one is watched from then on.
    site.write("lists/rw.csv", HEADER);
    save(
        &site,
        "evident.yaml",
        format!("{config}citations:\n  retractions: lists/rw.csv\n"),
    );
    server.eventually(ARTICLE_URL, |r| !r.body.contains("evident-overlay"));
    save(&site, "lists/rw.csv", format!("{HEADER}{RETRACTED}"));
    let page = server.eventually(ARTICLE_URL, |r| r.body.contains("evident-overlay"));
    assert!(page.body.contains("reference/retracted"), "{}", server.stderr());
}

#[test]
fn traversal_attempts_are_refused() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    for target in [
        "/../evident.yaml",
        "/questions/../../evident.yaml",
        "/%2e%2e/evident.yaml",
        "/%2E%2E/evident.yaml",
        "/..%2fevident.yaml",
        "/%2e%2e%2fevident.yaml",
        "/..%5cevident.yaml",
        "/..\\evident.yaml",
        "/%00",
        "/index.html%00",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    ] {
        let response = server.get(target);
        assert!(
            response.status == 400 || response.status == 404,
            "{target}: {}",
            response.status
        );
        assert!(!response.body.contains("base_url"), "{target} leaked evident.yaml");
    }
}

/// The served generation: the newest folder of the preview that holds a home page.
fn served_generation(site: &Site, server: &Server) -> std::path::PathBuf {
    let preview = site
        .path(".evident/serve")
        .join(server.address.to_string().replace(':', "_"));
    std::fs::read_dir(&preview)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("index.html").is_file())
        .max_by_key(|p| p.file_name().and_then(|n| n.to_str()?.parse::<u64>().ok()))
        .expect("a served generation")
}

#[cfg(unix)]
fn inode(path: &std::path::Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).unwrap().ino()
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_output_are_not_followed() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let served = served_generation(&site, &server);
    std::os::unix::fs::symlink(site.path("evident.yaml"), served.join("leak.yaml")).unwrap();
    std::os::unix::fs::symlink(site.root(), served.join("site")).unwrap();
    std::os::unix::fs::symlink(served.join("robots.txt"), served.join("robots-alias.txt")).unwrap();

    for target in ["/leak.yaml", "/site/evident.yaml", "/site/content/"] {
        let response = server.get(target);
        assert_eq!(response.status, 404, "{target}");
        assert!(!response.body.contains("base_url"));
    }
    assert_eq!(
        server.get("/robots-alias.txt").status,
        200,
        "links inside the output are fine"
    );
}

#[test]
fn build_output_never_carries_the_reload_script() {
    let site = fixture();
    {
        let server = Server::start(&site, &[]);
        assert!(server.get("/").body.contains("data-evident-serve"));
    }
    site.run(&["build", "--quiet"]).expect_code(0);
    let tree = site.tree("public");
    assert!(tree.keys().any(|k| k.ends_with(".html")));
    for (name, bytes) in tree {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("__evident") && !text.contains("EventSource") && !text.contains("evident-overlay"),
            "{name} carries serve-only markup"
        );
    }
    assert!(!site.exists("public/.evident"));
}

#[test]
fn drafts_are_served_only_when_asked() {
    let site = fixture();
    site.write(
        "content/diabetes/draft-question.md",
        "---\nquestion: \"Is this a draft?\"\nanswer: \"Yes [@a].\"\ntopics: [diabetes]\ncreated: 2025-05-01\n\
references:\n  - {id: a, type: other, title: \"A\", year: 2025}\n---\n",
    );
    {
        let server = Server::start(&site, &[]);
        assert_eq!(server.get("/questions/draft-question/").status, 404);
    }
    let server = Server::start(&site, &["--drafts"]);
    assert_eq!(
        server.get("/questions/draft-question/").status,
        200,
        "{}",
        server.stderr()
    );
}

#[test]
fn build_prints_one_summary_line_when_not_on_a_terminal() {
    let site = fixture();
    let out = site.run(&["build"]);
    out.expect_code(0);
    let lines: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("built ")).collect();
    assert_eq!(lines.len(), 1, "{}", out.stderr);
    assert!(
        lines[0].contains("3 articles") && lines[0].contains("files written"),
        "{}",
        lines[0]
    );
    assert!(!out.stderr.contains('\r'), "no progress bar drawn into a pipe");
    // Built again, not found up to date in the cache: the summary of a real build.
    let quiet = site.run(&["build", "--quiet", "--no-cache"]);
    quiet.expect_code(0);
    assert!(quiet.stderr.contains("built 3 articles"), "{}", quiet.stderr);
}

#[test]
fn build_with_timings_names_every_stage_in_order() {
    let site = fixture();
    let out = site.run(&["build", "--timings"]);
    out.expect_code(0);
    let stages: Vec<&str> = out
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("timings: "))
        .map(|l| l.split("  ").next().unwrap_or("").trim())
        .collect();
    for expected in [
        "reading the configuration",
        "reading and parsing",
        "checking articles",
        "building the graph",
        "rendering",
        "publishing",
    ] {
        assert!(stages.contains(&expected), "{expected} missing from {stages:?}");
    }
    if cfg!(target_os = "linux") {
        // Beside each stage's wall time, the CPU time of all threads and the memory after it.
        for line in out.stderr.lines().filter(|l| l.starts_with("timings: ")) {
            assert!(
                line.contains(" ms CPU, ") && line.ends_with(" MB resident after"),
                "{line}"
            );
        }
    }
    let position = |name: &str| stages.iter().position(|s| *s == name).unwrap();
    assert!(position("reading and parsing") < position("building the graph"));
    assert!(position("rendering") < position("publishing"));
    assert!(
        out.stderr.lines().any(|l| l.starts_with("built 3 articles")),
        "{}",
        out.stderr
    );
}

// ---- init, new and the schema ----

#[test]
fn init_new_and_build_pass_check_with_the_editor_wired() {
    let site = Site::empty();
    site.run(&["init", "."]).expect_code(0);
    let out = site.run(&["new", "Does coffee raise blood pressure?", "--topic", "cardiology"]);
    out.expect_code(0);
    let created = std::path::PathBuf::from(out.stdout.trim());
    let article = std::fs::read_to_string(&created).unwrap();
    let today = evident::date::Date::today().to_string();
    assert!(article.contains(&format!("created: {today}")), "{article}");
    assert!(article.contains(&format!("updated: {today}")));
    site.run(&["new", "Does coffee raise blood pressure?", "--topic", "cardiology"])
        .expect_code(2);
    assert_eq!(std::fs::read_to_string(&created).unwrap(), article, "never overwritten");

    // Until the editor replaces `new`'s placeholders, they are the only findings.
    let check = site.run(&["check", "--format", "json"]);
    check.expect_code(1);
    let report = check.report();
    assert!(
        report.diagnostics.iter().all(|d| d.code == "content/placeholder"),
        "{}",
        check.stdout
    );
    let filled = article
        .replace(
            "Write the bottom line here in one to three sentences, citing the evidence",
            "It may, briefly",
        )
        .replace("Title of the guideline or study", "Caffeine and blood pressure")
        .replace("Publishing organisation", "Example Society")
        .replace(
            "Each statement ends with the citation that supports it",
            "Caffeine raises blood pressure for a few hours",
        );
    std::fs::write(&created, filled).unwrap();
    let check = site.run(&["check", "--format", "json"]);
    check.expect_code(0);
    assert_eq!(check.report().summary.errors, 0, "{}", check.stdout);
    site.run(&["build", "--drafts"]).expect_code(0);

    // The editor wiring.
    assert!(
        site.read("evident.yaml")
            .starts_with("# yaml-language-server: $schema=.evident/schema/config.json\n")
    );
    let settings: serde_json::Value = serde_json::from_str(&site.read(".vscode/settings.json")).unwrap();
    assert!(settings["yaml.schemas"]["./.evident/schema/config.json"].is_array());
    let tasks: serde_json::Value = serde_json::from_str(&site.read(".vscode/tasks.json")).unwrap();
    assert_eq!(tasks["tasks"][0]["label"], "evident: check");
    let extensions: serde_json::Value = serde_json::from_str(&site.read(".vscode/extensions.json")).unwrap();
    assert_eq!(extensions["recommendations"][0], "redhat.vscode-yaml");
    assert_eq!(
        site.read(".evident/schema/article.json"),
        site.run(&["schema"]).expect_code(0).stdout,
        "init writes what `evident schema` prints"
    );
    assert_eq!(
        site.read(".evident/schema/config.json"),
        site.run(&["schema", "--config"]).expect_code(0).stdout
    );
}

#[test]
fn the_problem_matcher_of_the_check_task_reads_human_findings() {
    let site = Site::empty();
    site.run(&["init", "."]).expect_code(0);
    let tasks: serde_json::Value = serde_json::from_str(&site.read(".vscode/tasks.json")).unwrap();
    let patterns = &tasks["tasks"][0]["problemMatcher"]["pattern"];
    // VS Code's matcher syntax is JavaScript's; these two patterns mean the same in Rust's
    // notation, so check them against real output with a tiny matcher of our own.
    let first = patterns[0]["regexp"].as_str().unwrap();
    let second = patterns[1]["regexp"].as_str().unwrap();
    assert_eq!(first, "^(error|warning)\\[([^\\]]+)\\]: (.*)$");
    assert_eq!(second, "^\\s*--> (.+):(\\d+):(\\d+)$");
    let file = "content/general/how-to-write-an-evident-article.md";
    site.write(
        file,
        site.read(file).replace("audience: all\n", "audience: all\nreveiw: x\n"),
    );
    let out = site.run(&["check"]);
    let lines: Vec<&str> = out.stderr.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("error[frontmatter/unknown-field]: "))
        .expect("a human finding");
    assert_eq!(lines[at + 1].trim_start(), format!("--> {file}:9:1"));
}

/// The YAML between the `---` lines of an article, as JSON.
fn front_matter(text: &str) -> serde_json::Value {
    let text = text.strip_prefix("---\n").expect("front matter");
    let end = text.find("\n---").expect("closing ---");
    serde_yaml::from_str(&text[..end]).expect("valid YAML")
}

fn schema_from_cli(args: &[&str]) -> jsonschema::Validator {
    let out = Site::empty().run(args);
    out.expect_code(0);
    let schema: serde_json::Value = serde_json::from_str(&out.stdout).expect("the schema is JSON");
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

fn demo_articles() -> Vec<(String, String)> {
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut found = Vec::new();
    for entry in walk(&content) {
        let is_page = entry.parent().is_some_and(|p| p.ends_with("pages"));
        if entry.extension().is_some_and(|e| e == "md") && !is_page {
            found.push((entry.display().to_string(), std::fs::read_to_string(&entry).unwrap()));
        }
    }
    assert!(found.len() >= 10, "the demo content is there");
    found
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[test]
fn the_schema_validates_the_demo_content() {
    let articles = schema_from_cli(&["schema"]);
    for (name, text) in demo_articles() {
        let value = front_matter(&text);
        let problems: Vec<String> = articles.iter_errors(&value).map(|e| e.to_string()).collect();
        assert!(problems.is_empty(), "{name}: {problems:#?}");
    }
    let config = schema_from_cli(&["schema", "--config"]);
    let demo_config = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/evident.yaml")).unwrap();
    let value: serde_json::Value = serde_yaml::from_str(&demo_config).unwrap();
    let problems: Vec<String> = config.iter_errors(&value).map(|e| e.to_string()).collect();
    assert!(problems.is_empty(), "evident.yaml: {problems:#?}");
}

#[test]
fn the_schema_rejects_misspelt_and_malformed_fields() {
    let articles = schema_from_cli(&["schema"]);
    let (_, text) = demo_articles().remove(0);
    let good = front_matter(&text);
    assert!(articles.is_valid(&good));
    let mut misspelt = good.clone();
    misspelt
        .as_object_mut()
        .unwrap()
        .insert("reveiw".into(), serde_json::json!({"status": "draft"}));
    assert!(!articles.is_valid(&misspelt), "a misspelt top-level field");
    let mut nested = good.clone();
    nested["references"][0]
        .as_object_mut()
        .unwrap()
        .insert("jounral".into(), "Lancet".into());
    assert!(!articles.is_valid(&nested), "a misspelt field in a reference");
    let mut bad_status = good.clone();
    bad_status["review"] = serde_json::json!({"status": "aproved"});
    assert!(!articles.is_valid(&bad_status));
    let mut bad_date = good.clone();
    bad_date["created"] = "8 January 2026".into();
    assert!(!articles.is_valid(&bad_date));
    let mut no_question_mark = good;
    no_question_mark["question"] = "Statins and muscle pain".into();
    assert!(!articles.is_valid(&no_question_mark));

    let config = schema_from_cli(&["schema", "--config"]);
    let misspelt: serde_json::Value = serde_yaml::from_str("title: KB\nbaseurl: https://kb.example.org/\n").unwrap();
    assert!(!config.is_valid(&misspelt));
    let unknown_check: serde_json::Value =
        serde_yaml::from_str("title: KB\nbase_url: https://kb.example.org/\nchecks: {citation/unsued: off}\n").unwrap();
    assert!(!config.is_valid(&unknown_check));
}

#[test]
fn an_unknown_author_saved_in_an_article_shows_in_the_overlay() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    let good = site.read(ARTICLE);

    save_edited(
        &site,
        ARTICLE,
        &[("audience: all\n", "audience: all\nauthors: [nobody]\n")],
    );
    events.expect_reload(&server);
    let page = server.eventually(ARTICLE_URL, |r| r.body.contains("evident-overlay"));
    assert!(page.body.contains("people/unknown"), "{}", page.body);
    assert!(page.body.contains(&format!("{ARTICLE}:8:11")), "file:line:column");

    save(&site, ARTICLE, &good);
    events.expect_reload(&server);
    let page = server.eventually(ARTICLE_URL, |r| !r.body.contains("evident-overlay"));
    assert!(!page.body.contains("people/unknown"));
}

#[test]
fn the_preview_shows_articles_that_publish_approved_keeps_off_the_site() {
    let site = fixture();
    site.write(
        "evident.yaml",
        format!("{}review: {{publish: approved}}\n", site.read("evident.yaml")),
    );
    // Nothing is approved: the published site carries none of the articles…
    site.run(&["build"]).expect_code(0);
    assert!(!site.exists("public/questions/statin-muscle-symptoms/index.html"));
    // …and the preview shows them all, pending review.
    let server = Server::start(&site, &[]);
    let page = server.get(ARTICLE_URL);
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.body.contains("Do statins cause muscle pain?"));
    assert!(page.body.contains("pending human review"));
}
