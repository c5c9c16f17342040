//! What a reader's browser shows, judged in headless Chromium: axe-core on the error
//! overlay of `serve` in the light and the dark scheme, and where the answer starts on a
//! phone. The browser is driven by `tests/browser/chromium.js` through the tools
//! `.ci/validate-site` installs (Debian's chromium and chromium-driver, selenium-webdriver and
//! axe-core in `.ci/node_modules`, or the folder `EVIDENT_NODE_MODULES` names).
//!
//! Without those tools the tests say so loudly and pass, so that README's `cargo test` works
//! with only the Rust toolchain; where `CI` is set (`.ci/run` installs them) they fail.

mod common;

use common::Site;
use common::serve::Serve;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Bounds that only end a broken run: the machine running the tests may be loaded.
const WAIT: Duration = Duration::from_secs(90);

struct Tools {
    node: PathBuf,
    chromium: PathBuf,
    chromedriver: PathBuf,
    modules: PathBuf,
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// The browser tools, or `None` (with a loud note) where they are missing outside CI.
fn tools(test: &str) -> Option<Tools> {
    let modules = std::env::var_os("EVIDENT_NODE_MODULES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/node_modules"));
    let found = (|| {
        let has_modules = modules.join("selenium-webdriver").is_dir() && modules.join("axe-core/axe.min.js").is_file();
        Some(Tools {
            node: on_path("node")?,
            chromium: on_path("chromium").or_else(|| on_path("chromium-browser"))?,
            chromedriver: on_path("chromedriver")?,
            modules: has_modules.then(|| modules.clone())?,
        })
    })();
    if found.is_none() {
        let why = format!(
            "{test} needs node, chromium, chromedriver and selenium-webdriver + axe-core in {} \
             (run `bash .ci/validate-site` once, or set EVIDENT_NODE_MODULES)",
            modules.display()
        );
        assert!(std::env::var_os("CI").is_none(), "{why}");
        eprintln!("SKIPPED {why}");
    }
    found
}

/// Runs the driver on `jobs`; one result per job.
fn drive(tools: &Tools, jobs: &Value) -> Vec<Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/chromium.js");
    let output = Command::new(&tools.node)
        .arg(script)
        .arg(jobs.to_string())
        .env("EVIDENT_NODE_MODULES", &tools.modules)
        .env("EVIDENT_CHROMIUM", &tools.chromium)
        .env("EVIDENT_CHROMEDRIVER", &tools.chromedriver)
        .output()
        .expect("run node");
    assert!(
        output.status.success(),
        "the browser driver failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the driver prints JSON")
}

fn violations(result: &Value) -> Vec<String> {
    result["violations"]
        .as_array()
        .expect("an axe report")
        .iter()
        .map(|v| format!("{} ({}): {} at {}", v["id"], v["impact"], v["help"], v["targets"]))
        .collect()
}

fn get(address: SocketAddr, path: &str) -> String {
    let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_secs(20)) else {
        return String::new();
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return String::new();
    }
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw).into_owned()
}

/// A running `evident serve --port 0`, killed on drop.
struct Preview {
    serve: Serve,
}

impl Preview {
    fn start(site: &Site) -> Preview {
        Preview {
            serve: Serve::start(site, &[]),
        }
    }

    /// The page at `path` once `done` holds for it.
    fn page_when(&self, path: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let page = get(self.serve.address(), path);
            if done(&page) {
                return page;
            }
            assert!(Instant::now() < deadline, "{path} never got there:\n{page}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// A static server of a built folder on a free loopback port, as a web host serves it.
fn serve_static(dir: PathBuf) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || answer(&dir, stream));
        }
    });
    address
}

fn answer(dir: &Path, mut stream: TcpStream) {
    let mut line = String::new();
    if BufReader::new(&stream).read_line(&mut line).is_err() {
        return;
    }
    let target = line.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let mut file = dir.join(path.trim_start_matches('/'));
    if path.ends_with('/') {
        file = file.join("index.html");
    }
    let (status, body) = match std::fs::read(&file) {
        Ok(body) if !path.contains("..") => ("200 OK", body),
        _ => ("404 Not Found", b"not found".to_vec()),
    };
    let kind = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

// ---------- The error overlay of `serve` ----------

const SERVE_ARTICLE: &str = "content/cardiology/statin-muscle-symptoms.md";
const SERVE_URL: &str = "/questions/statin-muscle-symptoms/";

#[test]
fn the_error_overlay_is_legible_in_both_colour_schemes() {
    let Some(tools) = tools("the_error_overlay_is_legible_in_both_colour_schemes") else {
        return;
    };
    let site = Site::fixture("serve/site");
    let server = Preview::start(&site);
    server.page_when(SERVE_URL, |page| page.contains("200 OK"));
    let good = site.read(SERVE_ARTICLE);
    site.write(
        SERVE_ARTICLE,
        good.replace("audience: all\n", "audience: all\nreveiw: {status: draft}\n"),
    );
    server.page_when(SERVE_URL, |page| page.contains("evident-overlay"));
    let url = format!("http://{}{SERVE_URL}", server.serve.address());
    let results = drive(
        &tools,
        &json!([
            {"kind": "axe", "url": url, "scheme": "light"},
            {"kind": "axe", "url": url, "scheme": "dark"},
            {"kind": "layout", "url": url, "selectors": ["#evident-overlay"]},
        ]),
    );
    assert_eq!(violations(&results[0]), Vec::<String>::new(), "light scheme");
    assert_eq!(violations(&results[1]), Vec::<String>::new(), "dark scheme");
    let overlay = &results[2]["boxes"]["#evident-overlay"];
    assert!(
        overlay["bottom"].as_f64().unwrap() > 100.0,
        "the overlay is shown: {overlay}"
    );
}

// ---------- Where the answer starts ----------

const PHONE: (u32, u32) = (390, 844);
const DESKTOP: (u32, u32) = (1280, 800);

/// The demo knowledge base (this repository), built into a temporary folder.
fn demo_built() -> (tempfile::TempDir, SocketAddr) {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let build = Command::new(env!("CARGO_BIN_EXE_evident"))
        .arg("--root")
        .arg(env!("CARGO_MANIFEST_DIR"))
        .arg("build")
        .arg("--out")
        .arg(&public)
        .env("NO_COLOR", "1")
        .output()
        .expect("build the demo");
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let address = serve_static(public);
    (out, address)
}

#[test]
fn the_bottom_line_starts_on_the_first_screen_of_a_phone() {
    let Some(tools) = tools("the_bottom_line_starts_on_the_first_screen_of_a_phone") else {
        return;
    };
    let (_out, address) = demo_built();
    // Approved articles with a subtitle, authors and an audience switch: one with a
    // five-line question on a phone and two reviewers (the tallest header of the demo).
    let pages = [
        "/questions/metformin-first-line-type-2-diabetes/",
        "/questions/lu-psma-after-six-cycles/",
    ];
    let selectors = [".bottom-line", ".answer", "h1", ".review-banner", ".tracker"];
    let mut jobs = Vec::new();
    for page in pages {
        for (width, height) in [PHONE, DESKTOP] {
            jobs.push(json!({"kind": "layout", "url": format!("http://{address}{page}"),
                "width": width, "height": height, "selectors": selectors}));
        }
    }
    let results = drive(&tools, &Value::Array(jobs));
    let mut i = 0;
    for page in pages {
        for (width, height) in [PHONE, DESKTOP] {
            let boxes = &results[i]["boxes"];
            i += 1;
            let top = |s: &str| boxes[s]["top"].as_f64().unwrap_or_else(|| panic!("{page}: no {s}"));
            // The question, then the one-line review status, then the answer.
            assert!(top("h1") < top(".review-banner"), "{page}: {boxes}");
            assert!(top(".review-banner") < top(".bottom-line"), "{page}: {boxes}");
            // The bottom line's heading and its first lines, within the first screen.
            let limit = f64::from(height) - 200.0;
            assert!(
                top(".bottom-line") < limit,
                "{page} at {width}×{height}: the bottom line starts {} px down (limit {limit})",
                top(".bottom-line")
            );
            assert!(
                top(".answer") < f64::from(height),
                "{page} at {width}: the answer's first line is on screen"
            );
            // The workflow is further down, after the answer.
            assert!(top(".tracker") > top(".answer"), "{page}: {boxes}");
            assert_eq!(
                results[i - 1]["viewport"][0].as_u64(),
                Some(u64::from(width)),
                "{page} at {width} px: nothing is wider than the screen"
            );
        }
    }
}

#[test]
fn history_diff_lines_are_not_double_spaced() {
    let Some(tools) = tools("history_diff_lines_are_not_double_spaced") else {
        return;
    };
    let (_out, address) = demo_built();
    let first = ".diff__lines code > .diff__line:nth-child(1)";
    let second = ".diff__lines code > .diff__line:nth-child(2)";
    let results = drive(
        &tools,
        &json!([{"kind": "layout",
            "url": format!("http://{address}/questions/metformin-first-line-type-2-diabetes/history/"),
            "selectors": [first, second]}]),
    );
    let boxes = &results[0]["boxes"];
    let gap = boxes[second]["top"].as_f64().expect("a second diff line") - boxes[first]["bottom"].as_f64().unwrap();
    assert!(gap.abs() < 2.0, "{gap} px between two diff lines: {boxes}");
}
