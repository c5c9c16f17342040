//! The search page as a reader's browser runs it: headless Chromium loads the built page
//! with a query, and the results it shows are read from the DOM it ends with.

mod common;

use common::{Page, Site};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            Command::new(name)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

/// Serves `root` on 127.0.0.1 (any free port) from a thread, for as long as the test runs.
fn serve(root: PathBuf) -> u16 {
    serve_slowly(root, None)
}

/// As `serve`, each request on a thread of its own, and the file whose address ends in
/// `slow.0` answered `slow.1` late.
fn serve_slowly(root: PathBuf, slow: Option<(&'static str, Duration)>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || answer(&root, stream, slow));
        }
    });
    port
}

fn answer(root: &Path, stream: TcpStream, slow: Option<(&str, Duration)>) {
    let mut reader = BufReader::new(&stream);
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let path = request.split(' ').nth(1).unwrap_or("/");
    let path = path.split('?').next().unwrap_or("/").trim_start_matches('/');
    if let Some((suffix, delay)) = slow
        && path.ends_with(suffix)
    {
        std::thread::sleep(delay);
    }
    let mut file = root.join(path);
    if file.is_dir() {
        file = file.join("index.html");
    }
    let mut stream = &stream;
    let (status, body) = match std::fs::read(&file) {
        Ok(body) => ("200 OK", body),
        Err(_) => ("404 Not Found", Vec::new()),
    };
    let kind = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("json") => "application/json",
        Some("css") => "text/css",
        _ => "application/octet-stream",
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
}

/// The search page's DOM after the script has answered `query`.
fn search_page(browser: &str, port: u16, query: &str) -> Page {
    let url = format!("http://127.0.0.1:{port}/search/?q={}", query.replace(' ', "%20"));
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--virtual-time-budget=10000",
            "--dump-dom",
        ])
        .arg(&url)
        .output()
        .expect("run chromium");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    Page::parse(&String::from_utf8_lossy(&output.stdout))
}

#[test]
fn results_show_an_excerpt_with_marked_words_the_review_state_the_topic_and_a_count() {
    let Some(browser) = chromium() else {
        eprintln!("SKIPPED: no Chromium to run the search page in");
        return;
    };
    let site = Site::fixture("readers/site");
    site.run(&["build"]).expect_code(0);
    let port = serve(site.path("public"));

    let page = search_page(browser, port, "renal protection");
    assert!(
        page.text("#search-status").starts_with("1 question matches"),
        "{}",
        page.text("#search-status")
    );
    assert_eq!(
        page.texts(".qitem__question"),
        ["Do SGLT2 inhibitors protect the kidneys in chronic kidney disease?"]
    );
    assert_eq!(page.texts(".qitem__topic a"), ["Nephrology"]);
    // The fixture article is under review: the result says so, in words.
    assert_eq!(page.text(".qitem__meta .status"), "Review status: Under review");
    let marks = page.texts(".qitem__excerpt mark");
    assert!(
        !marks.is_empty(),
        "the excerpt marks the matched words: {}",
        page.text(".qitem__excerpt")
    );
    for mark in &marks {
        assert!(
            ["kidney", "kidneys", "protect", "renal"].contains(&mark.to_lowercase().as_str()),
            "{mark}"
        );
    }

    let page = search_page(browser, port, "dapaglitazone");
    assert!(
        page.text("#search-status").starts_with("No questions match"),
        "{}",
        page.text("#search-status")
    );
    assert_eq!(page.text(".search-results__nearest"), "Nearest questions");
    // Nothing is within two slips of "dapaglitazone"; its first letters begin "dapagliflozin".
    assert_eq!(
        page.texts(".search-results .qitem__question"),
        ["Do SGLT2 inhibitors protect the kidneys in chronic kidney disease?"]
    );
    assert!(page.count(".search-topics a") >= 2, "and the topics");
}

#[test]
fn without_javascript_the_search_page_links_to_the_topic_index() {
    let site = Site::fixture("readers/site");
    site.run(&["build"]).expect_code(0);
    let page = site.html("public/search/index.html");
    let noscript = page.text("noscript");
    assert!(noscript.contains("href=\"/topics/\""), "{noscript}");
}

/// A built site of `count` cited case articles, those `names_metformin` picks asking about
/// metformin, each body one sentence `body` with its citation.
fn built_cases(count: usize, names_metformin: fn(usize) -> bool, body: &str) -> Site {
    let site = Site::empty();
    site.write(
        "evident.yaml",
        "title: \"KB\"\nbase_url: \"https://kb.example.org/\"\nchecks:\n  graph/orphan: off\n  related/implausible: off\n  question/duplicate: off\n",
    );
    for i in 0..count {
        let question = if names_metformin(i) {
            format!("What is the role of metformin in case {i}?")
        } else {
            format!("What is the outlook in case {i}?")
        };
        site.write(
            &format!("content/cases/case-{i:02}.md"),
            format!(
                "---\nquestion: \"{question}\"\nanswer: \"It depends [@r{i}].\"\ntopics: [cases]\ncreated: 2025-01-01\n\
                 review:\n  status: submitted\nreferences:\n  - id: r{i}\n    type: research\n    title: \"Study {i}\"\n    \
                 journal: \"J Synth Med\"\n    year: 2020\n    doi: \"10.5555/synth.{i}\"\n---\n\n{body} [@r{i}].\n"
            ),
        );
    }
    site.run(&["build"]).expect_code(0);
    site
}

#[test]
fn a_word_in_many_questions_shows_the_best_ten_of_about_how_many() {
    let Some(browser) = chromium() else {
        eprintln!("SKIPPED: no Chromium to run the search page in");
        return;
    };
    // Thirty questions name metformin and thirty more articles only mention it: the ten
    // shown come from the question level, so the body level is never read and the count
    // is an estimate.
    let site = built_cases(60, |i| i < 30, "Patients took metformin");
    let port = serve(site.path("public"));
    let page = search_page(browser, port, "metformin");
    assert_eq!(
        page.text("#search-status"),
        "About 60 questions match \u{201c}metformin\u{201d}."
    );
    let questions = page.texts(".qitem__question");
    assert_eq!(questions.len(), 10);
    assert!(questions.iter().all(|q| q.contains("metformin")), "{questions:?}");
    assert_eq!(page.text(".search-more"), "Show more results");
}

#[test]
fn rows_are_shown_in_their_order_when_the_first_one_comes_last() {
    let Some(browser) = chromium() else {
        eprintln!("SKIPPED: no Chromium to run the search page in");
        return;
    };
    // Every fifth of 80 articles names metformin in its question: the ten results are in
    // three row shards (16 articles each), and the first of them is answered last.
    let site = built_cases(80, |i| i % 5 == 0, "Some text");
    let port = serve_slowly(
        site.path("public"),
        Some(("search/docs/0.json", Duration::from_millis(700))),
    );
    let page = search_page(browser, port, "metformin");
    let questions = page.texts(".qitem__question");
    let expected: Vec<String> = (0..50)
        .step_by(5)
        .map(|i| format!("What is the role of metformin in case {i}?"))
        .collect();
    assert_eq!(questions, expected);
    assert_eq!(
        page.text("#search-status"),
        "16 questions match \u{201c}metformin\u{201d}."
    );
    assert_eq!(page.text(".search-more"), "Show more results (6 more)");
}
