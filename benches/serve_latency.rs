//! Measures what an editor feels in `evident serve`: the time from saving one article to the
//! reload event reaching the browser's event stream.
//!
//! `cargo run --release --example serve_latency -- SITE_DIR [SAVES]`
//!
//! Starts `target/release/evident serve --port 0` (or `$EVIDENT`) on SITE_DIR (build it first
//! with `cargo build --release`), connects to `/__evident/events` like a page does, then SAVES
//! times (default 20) rewrites one article in place, as most editors save, and times each
//! save until its `reload` event arrives. The article's page is fetched after each reload
//! to check the edit was really served. The server is stopped at the end.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let site = PathBuf::from(args.next().expect("usage: serve_latency SITE_DIR [SAVES]"));
    let saves: usize = args.next().map_or(20, |n| n.parse().expect("SAVES is a number"));
    // `EVIDENT=BIN` times another binary (an older one, side by side).
    let binary = std::env::var_os("EVIDENT").map(PathBuf::from).unwrap_or_else(|| {
        std::env::current_exe()
            .expect("own path")
            .parent()
            .and_then(Path::parent)
            .expect("target/release/examples/")
            .join("evident")
    });

    let started = Instant::now();
    let mut child = Command::new(&binary)
        .arg("--root")
        .arg(&site)
        .args(["serve", "--port", "0"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
    let stdout = child.stdout.take().expect("piped stdout");
    let _server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the server's address");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("an address");
    let address: SocketAddr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .expect("host:port");
    eprintln!("server ready after {:.2?}", started.elapsed());

    let (file, slug) = pick_article(&site, address);
    eprintln!("editing {}", file.display());
    let original = std::fs::read_to_string(&file).expect("read the article");
    let mut events = TcpStream::connect(address).expect("connect");
    events
        .write_all(format!("GET /__evident/events HTTP/1.1\r\nHost: {address}\r\n\r\n").as_bytes())
        .expect("subscribe");
    events.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let mut pending = String::new();
    next_block(&mut events, &mut pending);

    let mut latencies = Vec::with_capacity(saves);
    for round in 0..saves {
        let marker = format!("latency probe {round}");
        let edited = original.replacen("answer: >-\n", &format!("answer: >-\n  ({marker})\n"), 1);
        assert_ne!(edited, original, "the article has a folded `answer: >-`");
        let saved = Instant::now();
        std::fs::write(&file, &edited).expect("save the article");
        // A rebuild that caught the file half-written fails and says so; wait for the good one.
        loop {
            let block = next_block(&mut events, &mut pending);
            if block.starts_with("event: reload") && !block.ends_with("data: failed") {
                break;
            }
        }
        let latency = saved.elapsed();
        latencies.push(latency);
        let page = get(address, &format!("/questions/{slug}/"));
        assert!(page.contains(&marker), "round {round}: the edit was not served");
        // Let the next save be a separate batch, as an editor's saves are.
        std::thread::sleep(Duration::from_millis(300));
    }
    std::fs::write(&file, &original).expect("restore the article");
    std::thread::sleep(Duration::from_millis(300));

    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = latencies[latencies.len() / 2];
    let p90 = latencies[(latencies.len() * 9 / 10).min(latencies.len() - 1)];
    println!(
        "save → reload event, {} saves: min {:.1} ms, median {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        latencies.len(),
        ms(latencies[0]),
        ms(median),
        ms(p90),
        ms(latencies[latencies.len() - 1])
    );
}

/// The first published article of the site (its page answers 200), by file name order.
fn pick_article(site: &Path, address: SocketAddr) -> (PathBuf, String) {
    let mut topics: Vec<PathBuf> = std::fs::read_dir(site.join("content"))
        .expect("content/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir() && !p.ends_with("pages"))
        .collect();
    topics.sort();
    for topic in topics {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&topic)
            .expect("topic folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        files.sort();
        for file in files {
            let slug = file.file_stem().expect("a name").to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&file).expect("read");
            if !text.contains("slug:") && get(address, &format!("/questions/{slug}/")).starts_with("HTTP/1.1 200") {
                return (file, slug);
            }
        }
    }
    panic!("no published article found");
}

/// The next blank-line-terminated block of the event stream (the response head first).
fn next_block(stream: &mut TcpStream, pending: &mut String) -> String {
    let mut buffer = [0u8; 4096];
    loop {
        if let Some(end) = pending.find("\n\n") {
            let block = pending[..end].trim_start_matches(['\r', '\n']).to_string();
            pending.drain(..end + 2);
            return block;
        }
        let n = stream.read(&mut buffer).expect("the event stream");
        assert!(n > 0, "the event stream closed");
        pending.push_str(&String::from_utf8_lossy(&buffer[..n]));
    }
}

fn get(address: SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").as_bytes())
        .expect("request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response");
    response
}
