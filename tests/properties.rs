//! Fuzzed properties of every reader of untrusted text (see `fuzz/mod.rs` for the engine
//! and its settings): front matter and article parsing with the Markdown and evidence
//! passes, citation labels, the bibliography readers (BibTeX, CSL-JSON, our YAML), the
//! importers (RIS, PubMed .nbib), and serve's request-head and request-path parsers.
//!
//! Each target holds for every mutant: no panic; every finding's line and column lie
//! inside the file; what must be safe stays safe (an accepted request path never climbs
//! out; imported YAML parses). A last target builds whole sites whose every field holds
//! markup, and no markup reaches the HTML unescaped.

mod fuzz;

use evident::diagnostic::Diagnostic;
use evident::load::SourceFile;
use fuzz::{Settings, run, seeds_from};

const ARTICLE_TOKENS: &[&[u8]] = &[
    b"---\n",
    b"\n---\n",
    b"\r\n",
    b"\t",
    b"\xef\xbb\xbf",
    b"\0",
    b"[@",
    b"]",
    b"[@a; @b, p. 3]",
    b"[^1]",
    b"&a ",
    b"*a",
    b"<<: *a\n",
    b"{",
    b"[",
    b"- ",
    b"  - ",
    b": ",
    b"\"",
    b"'",
    b"#",
    b"## Evidence\n",
    b"```\n",
    b"<script>",
    b"question: ",
    b"references:\n  - id: x\n",
    b"slug: ../../etc\n",
    b"\xc3\xa9",
    b"\xe2\x80\xae",
    b"!!binary ",
    b"~",
    b"> [!WARNING]\n",
];

/// Every finding's position lies inside `text`: line 1..=lines, column 1..=length + 1.
fn positions_inside(text: &str, diagnostics: &[Diagnostic]) -> Result<(), String> {
    let lines: Vec<&str> = text.split('\n').collect();
    for d in diagnostics {
        let line = d.line as usize;
        let inside = line >= 1
            && line <= lines.len()
            && d.column >= 1
            && d.column as usize <= lines[line - 1].chars().count() + 1;
        if !inside {
            return Err(format!(
                "{} at {}:{} lies outside the file ({} lines): {}",
                d.code.as_str(),
                d.line,
                d.column,
                lines.len(),
                d.message
            ));
        }
    }
    Ok(())
}

fn text_of(input: &[u8]) -> String {
    evident::load::split::strip_bom(String::from_utf8_lossy(input).into_owned())
}

#[test]
fn articles_front_matter_markdown_and_evidence() {
    let seeds = seeds_from(&["content", "tests/fixtures"], &[".md"]);
    run("article", &seeds, ARTICLE_TOKENS, &Settings::from_env(), |input| {
        let text = text_of(input);
        let source = SourceFile {
            rel_path: "content/fuzz/article.md".into(),
            section: "fuzz".into(),
            text: text.clone(),
            bom: false,
        };
        let parsed = evident::parse::article::parse_article(
            &source,
            evident::parse::article::Sources::none(),
            evident::parse::Output::Html,
        );
        let mut diagnostics = parsed.diagnostics;
        if let (Some(article), Some(spans)) = (&parsed.article, &parsed.spans) {
            diagnostics.extend(evident::check::check_article(article, spans));
        }
        positions_inside(&text, &diagnostics)?;
        let (_, page_findings) = evident::parse::page::parse_page(&source);
        positions_inside(&text, &page_findings)
    });
}

#[test]
fn front_matter_splitting() {
    let seeds = seeds_from(&["content", "tests/fixtures/front-matter"], &[".md"]);
    run("split", &seeds, ARTICLE_TOKENS, &Settings::from_env(), |input| {
        let text = text_of(input);
        if let Ok(split) = evident::load::split::split_front_matter(&text) {
            // Both parts are pieces of the text, in order.
            let (front, body) = (split.front_matter, split.body);
            let front_at = text.find(front).ok_or("front matter is not in the text")?;
            if !text[front_at..].contains(body) {
                return Err("the body is not after the front matter".into());
            }
        }
        Ok(())
    });
}

#[test]
fn citation_labels() {
    let seeds: Vec<Vec<u8>> = [
        "@ctt-2022",
        "@a; @b, p. 33",
        "@smith2020, pp. 1-3; -@doe",
        "see @a",
        "@a.b:c/d",
        "@{weird key}",
        "@a, chap. 2; @b",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    run(
        "citation",
        &seeds,
        &[b"@", b";", b",", b" ", b"-", b"{", b"}", b".", b"\xc3\xa9", b"p. "],
        &Settings::from_env(),
        |input| {
            let label = String::from_utf8_lossy(input);
            if let Some(items) = evident::parse::citation::parse_citation_label(&label) {
                for item in items {
                    if item.key.is_empty() || !label.contains(item.key.as_str()) {
                        return Err(format!("key {:?} is not in the label", item.key));
                    }
                }
            }
            Ok(())
        },
    );
}

fn bibliography_target(target: &'static str, name: &'static str, endings: &[&str], tokens: &[&[u8]]) {
    let seeds = seeds_from(&["references", "tests/fixtures"], endings);
    run(target, &seeds, tokens, &Settings::from_env(), |input| {
        let text = text_of(input);
        let (_, diagnostics) = evident::bibliography::parse_file(name, &text);
        positions_inside(&text, &diagnostics)
    });
}

#[test]
fn bibtex_files() {
    bibliography_target(
        "bibtex",
        "references/library.bib",
        &[".bib"],
        &[
            b"@article{",
            b"@string{a = \"x\"}\n",
            b" # a # ",
            b"{",
            b"}",
            b"\"",
            b",\n",
            b"= ",
            b"\\'",
            b"@comment{",
            b"doi = {10.1/x}",
        ],
    );
}

#[test]
fn csl_json_files() {
    bibliography_target(
        "csl-json",
        "references/library.json",
        &[".json"],
        &[
            b"{",
            b"}",
            b"[",
            b"]",
            b"\"",
            b":",
            b",",
            b"null",
            b"\"issued\": {\"date-parts\": [[2020]]}",
            b"\\u0000",
        ],
    );
}

#[test]
fn yaml_bibliography_files() {
    let seeds = {
        // Our YAML bibliography, and the site configurations beside it (YAML all the same).
        seeds_from(&["references", "tests/fixtures/citations"], &[".yaml"])
    };
    run(
        "yaml-bibliography",
        &seeds,
        ARTICLE_TOKENS,
        &Settings::from_env(),
        |input| {
            let text = text_of(input);
            let (_, diagnostics) = evident::bibliography::parse_file("references/shared.yaml", &text);
            positions_inside(&text, &diagnostics)
        },
    );
}

#[test]
fn ris_and_nbib_imports() {
    let seeds = seeds_from(&["tests/fixtures/citations/import"], &[".ris", ".nbib", ".bib"]);
    let tokens: &[&[u8]] = &[
        b"TY  - JOUR\n",
        b"ER  - \n",
        b"AU  - ",
        b"PMID- ",
        b"AU  - ",
        b"      ",
        b"DP  - 2020 Jan",
        b"\r\n",
        b"\n",
        b"\xef\xbb\xbf",
        b"DO  - 10.1/x\n",
    ];
    let settings = Settings::from_env();
    for (target, name) in [("ris", "export.ris"), ("nbib", "pubmed.nbib")] {
        run(
            target,
            &seeds,
            tokens,
            &settings,
            |input| match evident::import::import_bytes(name, input) {
                Ok(imported) => {
                    serde_yaml::from_str::<serde_yaml::Value>(&imported.yaml)
                        .map_err(|e| format!("imported YAML does not parse: {e}\n{}", imported.yaml))?;
                    positions_inside(&text_of(input), &imported.diagnostics)
                }
                Err(_) => Ok(()),
            },
        );
    }
}

#[test]
fn serve_request_heads_and_paths() {
    let seeds: Vec<Vec<u8>> = [
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:4000\r\nIf-None-Match: \"x\"",
        "HEAD /questions/a/?page=%2F HTTP/1.1\r\nHost: a",
        "GET /theme/evident.css HTTP/1.0",
        "GET /questions/caf%C3%A9/ HTTP/1.1",
        "GET /__evident/events?page=%2Fquestions%2Fa%2F HTTP/1.1",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    let tokens: &[&[u8]] = &[
        b"..", b"%2e", b"%2E%2e", b"%2f", b"%5c", b"\\", b"/", b"%00", b"%", b"%c3", b"?", b"#", b":", b"\r\n", b" ",
        b"//", b"./",
    ];
    run("serve-request", &seeds, tokens, &Settings::from_env(), |input| {
        let Some(request) = evident::serve::http::parse_request(input) else {
            return Ok(());
        };
        let Ok(resolved) = evident::serve::path::resolve(&request.target) else {
            return Ok(());
        };
        for segment in &resolved.segments {
            let unsafe_segment =
                segment.is_empty() || segment == "." || segment == ".." || segment.contains(['/', '\\', ':', '\0']);
            if unsafe_segment {
                return Err(format!("{:?} resolved to the segment {segment:?}", request.target));
            }
        }
        Ok(())
    });
}

/// Pieces of hostile text: every one that could open markup carries the marker `<xss`, which
/// must never reach a page raw.
const HOSTILE: &[&str] = &[
    "<xss-a>",
    "\"><xss-b x=\"",
    "'><xss-c>",
    "</script><xss-d>",
    "</title><xss-e>",
    "<!--<xss-f>-->",
    "<![CDATA[<xss-g>]]>",
    "&lt;",
    "&amp;",
    "&#60;",
    "javascript:alert(1)",
    "{{ config }}",
    "{% raw %}",
    "`",
    "*",
    "_",
    "[",
    "]",
    "(",
    ")",
    "\\",
    "é",
    "\u{202e}",
    " ",
    "\t",
];

fn hostile(rng: &mut fuzz::Rng) -> String {
    let mut text = String::from("x");
    for _ in 0..1 + rng.below(5) {
        let piece: &&str = rng.pick(HOSTILE);
        text.push_str(piece);
    }
    text
}

/// A YAML double-quoted scalar (the hostile pieces hold no character YAML forbids).
fn yaml(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

fn hostile_site(rng: &mut fuzz::Rng, root: &std::path::Path) {
    let h = |rng: &mut fuzz::Rng| yaml(&hostile(rng));
    let config = format!(
        "title: {}\ndescription: {}\npublisher: {}\nbase_url: \"https://kb.example.org/\"\ntopics:\n  cardiology:\n    title: {}\n    description: {}\n",
        h(rng),
        h(rng),
        h(rng),
        h(rng),
        h(rng)
    );
    let body_line = |rng: &mut fuzz::Rng| {
        let text = hostile(rng);
        match rng.below(8) {
            0 => format!("## {text}\n"),
            1 => format!("- {text} [@ref-a]\n"),
            2 => format!(
                "[{text}](https://example.org/{} \"{}\")\n",
                hostile(rng).replace([' ', '(', ')'], ""),
                text.replace('"', "")
            ),
            3 => format!("![{text}](/theme/x.png)\n"),
            4 => format!("`{}`\n", text.replace('`', "")),
            5 => format!("```\n{text}\n```\n"),
            6 => format!("{text}\n"),
            _ => format!("> {text}\n"),
        }
    };
    let mut body = String::new();
    for _ in 0..3 + rng.below(6) {
        body.push_str(&body_line(rng));
        body.push('\n');
    }
    let article = format!(
        "---\nquestion: {}\ntitle: {}\nanswer: {}\nplain_answer: {}\ntopics: [cardiology]\ncreated: 2025-01-01\nupdated: 2025-02-01\nversion: 2\nchanges:\n  - {{version: 2, date: 2025-02-01, summary: {}}}\nreview:\n  status: draft\nreferences:\n  - id: ref-a\n    type: guideline\n    title: {}\n    publisher: {}\n    year: 2024\n    url: \"https://example.org/guideline\"\n---\n{body}",
        yaml(&format!("{}?", hostile(rng))),
        h(rng),
        yaml(&format!("{} [@ref-a]", hostile(rng))),
        h(rng),
        h(rng),
        h(rng),
        h(rng),
    );
    let page = format!(
        "---\ntitle: {}\ndescription: {}\n---\n{}\n",
        h(rng),
        h(rng),
        hostile(rng)
    );
    for (rel, text) in [
        ("evident.yaml", config),
        ("content/cardiology/hostile.md", article),
        ("content/pages/about.md", page),
        // The image the body embeds: a link to a missing file is an error of its own.
        ("theme/x.png", "png".to_string()),
    ] {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn published_files(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            published_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "html" || e == "xml") {
            found.push(path);
        }
    }
}

#[test]
fn markup_in_every_field_reaches_no_page_unescaped() {
    let settings = Settings::from_env();
    // A whole build each: a tenth of the mutants of the other targets.
    let builds = (settings.iterations / 10).max(5);
    let started = std::time::Instant::now();
    let mut rng = fuzz::Rng::new(settings.seed ^ 0x0e5c_a9e5);
    let mut done = 0;
    while done < builds && started.elapsed() < settings.budget {
        let site = tempfile::tempdir().unwrap();
        hostile_site(&mut rng, site.path());
        let options = evident::pipeline::BuildOptions {
            include_drafts: true,
            as_of: evident::date::Date::new(2026, 1, 1),
            ..Default::default()
        };
        let report = evident::pipeline::build(site.path(), &options, &evident::progress::Silent);
        let errors: Vec<String> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == evident::diagnostic::Severity::Error)
            .map(|d| format!("{} {}:{}: {}", d.code.as_str(), d.line, d.column, d.message))
            .collect();
        let article = site.path().join("content/cardiology/hostile.md");
        assert!(
            errors.is_empty(),
            "build {done} failed: {errors:#?}\n{}",
            std::fs::read_to_string(&article).unwrap()
        );
        let mut files = Vec::new();
        published_files(&site.path().join("public"), &mut files);
        assert!(files.len() > 5, "build {done} published {} pages", files.len());
        let page = std::fs::read_to_string(site.path().join("public/questions/hostile/index.html")).unwrap();
        assert!(
            page.contains("&lt;xss-") || page.contains("&#60;xss-") || page.contains("&#x3C;xss-"),
            "build {done}: the marker is not on the page at all"
        );
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            if let Some(at) = text.find("<xss") {
                let from = text.floor_char_boundary(at.saturating_sub(200));
                let to = text.ceil_char_boundary((at + 100).min(text.len()));
                panic!(
                    "build {done}: raw markup in {}:\n…{}…\nfrom:\n{}",
                    file.display(),
                    &text[from..to],
                    std::fs::read_to_string(&article).unwrap()
                );
            }
        }
        done += 1;
    }
    eprintln!("fuzz hostile-site: {done} builds in {:.1?}", started.elapsed());
    assert!(done >= 1);
}

#[test]
fn articles_through_the_whole_check() {
    // The article target parses alone; this one runs every check a site runs (citations
    // across the site, the graph, review), with the mutant among real articles.
    let seeds = seeds_from(&["content", "tests/fixtures"], &[".md"]);
    let settings = Settings::from_env();
    let settings = Settings {
        iterations: (settings.iterations / 4).max(10),
        ..settings
    };
    let site = tempfile::tempdir().unwrap();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/build/valid-site");
    copy_tree(&fixture, site.path());
    let rel = "content/cardiology/fuzzed.md";
    let options = evident::pipeline::BuildOptions {
        as_of: evident::date::Date::new(2026, 1, 1),
        ..Default::default()
    };
    run("site-check", &seeds, ARTICLE_TOKENS, &settings, |input| {
        std::fs::write(site.path().join(rel), input).map_err(|e| e.to_string())?;
        let report = evident::pipeline::check(site.path(), &options);
        let mine: Vec<Diagnostic> = report.diagnostics.into_iter().filter(|d| d.file == rel).collect();
        positions_inside(&text_of(input), &mine)
    });
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
