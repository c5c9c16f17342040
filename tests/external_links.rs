//! `evident check --external` fetches links to other sites, only when asked: here from a
//! server the test starts on 127.0.0.1, never from the network.

mod common;

use common::Site;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

const MUSCLE: &str = "content/cardiology/statin-muscle-symptoms.md";

/// A server that answers `/ok` 200, `/gone` 404, `/no-head` 405 to HEAD and 200 to GET,
/// and counts the requests per `METHOD path`.
fn start_server() -> (String, Arc<Mutex<BTreeMap<String, usize>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen: Arc<Mutex<BTreeMap<String, usize>>> = Arc::default();
    let counter = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            // The rest of the head, up to the blank line.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let mut parts = request_line.split_whitespace();
            let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            *counter.lock().unwrap().entry(format!("{method} {path}")).or_default() += 1;
            let status = match (method, path) {
                (_, "/ok") => "200 OK",
                ("HEAD", "/no-head") => "405 Method Not Allowed",
                (_, "/no-head") => "200 OK",
                _ => "404 Not Found",
            };
            let mut stream = reader.into_inner();
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    (base, seen)
}

fn site_linking(base: &str) -> (Site, u32) {
    let site = Site::fixture("build/valid-site");
    let before = site.read(MUSCLE);
    let line = before.lines().count() as u32 + 2;
    site.write(
        MUSCLE,
        format!("{before}\n[a]({base}/ok) [b]({base}/gone) [c]({base}/no-head)\n\n[again]({base}/gone)\n"),
    );
    (site, line)
}

#[test]
fn links_to_other_sites_are_fetched_only_when_asked() {
    let (base, seen) = start_server();
    let (site, line) = site_linking(&base);

    let report = site.run(&["check", "--format", "json"]).expect_code(0).report();
    assert!(report.with_code("link/external").is_empty());
    assert!(seen.lock().unwrap().is_empty(), "nothing is fetched without --external");

    let report = site
        .run(&["check", "--external", "--format", "json"])
        .expect_code(0)
        .report();
    let found = report.with_code("link/external");
    let at: Vec<(&str, u32, u32)> = found.iter().map(|f| f.at()).collect();
    let column = format!("[a]({base}/ok) ").len() as u32 + 1;
    assert_eq!(at, [(MUSCLE, line, column), (MUSCLE, line + 2, 1)], "{found:#?}");
    assert!(found[0].message.contains("HTTP 404"), "{}", found[0].message);
    assert_eq!(found[0].severity, "warning");
    {
        let seen = seen.lock().unwrap();
        assert_eq!(
            seen.get("HEAD /gone"),
            Some(&1),
            "one request per URL, however often it is linked: {seen:?}"
        );
        assert_eq!(
            seen.get("GET /no-head"),
            Some(&1),
            "GET where HEAD is refused: {seen:?}"
        );
    }

    // Good answers are remembered; failures are asked again.
    site.run(&["check", "--external", "--format", "json"]).expect_code(0);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.get("HEAD /ok"), Some(&1), "{seen:?}");
    assert_eq!(seen.get("HEAD /gone"), Some(&2), "{seen:?}");
    assert!(site.read(".evident/cache/external-links.json").contains("/ok"));
}

#[test]
fn an_unreachable_site_is_reported_and_deny_warnings_fails() {
    // A port nothing listens on: the connection is refused at once.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (site, _) = site_linking(&format!("http://127.0.0.1:{port}"));
    let output = site.run(&["check", "--external", "--deny", "warnings", "--format", "json"]);
    output.expect_code(1);
    let report = output.report();
    let found = report.with_code("link/external");
    assert_eq!(found.len(), 4, "{found:#?}");
    assert!(
        found[0].message.contains("could not be reached"),
        "{}",
        found[0].message
    );
}
