//! The related-question graph, through the real binary: which explicit links are flagged,
//! how related lists and topic hubs are ranked, backlinks, determinism, `graph.json`, the
//! graph page and `evident graph --format json|dot`.

mod common;

use common::Site;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

const MODEL: &str = "graph/model-page";
const MODEL_FILE: &str = "content/prostate-cancer/lu-psma-after-six-cycles.md";
const MODEL_PAGE: &str = "public/questions/lu-psma-after-six-cycles/index.html";

/// The model page's five Lutetium-177 questions.
const LUTETIUM: [&str; 5] = [
    "lu-psma-side-effects-after-infusion",
    "lu-psma-castration-sensitive",
    "lu-psma-visceral-metastases",
    "lu-psma-after-four-cycles",
    "lu-177-trials",
];

/// The model page's other "related questions", in the order the editors listed them.
const OFF_TOPIC: [&str; 6] = [
    "baclofen-starting-dose",
    "testosterone-shbg",
    "lung-cancer-brain-metastases-confusion",
    "snoring-treatment",
    "white-matter-flair-foci",
    "bibasilar-atelectasis",
];

const RANKING: &str = "graph/ranking";
const METFORMIN: [&str; 3] = [
    "metformin-vitamin-b12",
    "metformin-kidney-function",
    "metformin-first-line",
];

fn built(fixture: &str) -> Site {
    let site = Site::fixture(fixture);
    site.run(&["build", "--format", "json"]).expect_code(0);
    site
}

fn graph_json(site: &Site) -> Value {
    serde_json::from_str(&site.read("public/graph.json")).expect("graph.json is JSON")
}

/// The slugs a list of question links points at, in order.
fn slugs_of(hrefs: Vec<String>) -> Vec<String> {
    hrefs
        .into_iter()
        .map(|h| {
            h.trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

fn related_on(site: &Site, page: &str) -> Vec<String> {
    slugs_of(
        site.html(page)
            .attrs("section[aria-labelledby=related-heading] a.qitem__question", "href"),
    )
}

#[test]
fn the_model_pages_off_topic_links_are_implausible_and_its_lutetium_links_are_not() {
    let out = Site::fixture(MODEL).run(&["check", "--format", "json"]);
    out.expect_code(0);
    let report = out.report();
    let implausible = report.with_code("related/implausible");
    let flagged: Vec<&str> = implausible
        .iter()
        .map(|d| {
            OFF_TOPIC
                .iter()
                .chain(&LUTETIUM)
                .find(|slug| d.message.contains(&format!("`{slug}`")))
                .copied()
                .unwrap_or_else(|| panic!("finding names no linked question: {}", d.message))
        })
        .collect();
    assert_eq!(flagged, OFF_TOPIC, "{:#?}", report.diagnostics);
    for (finding, line) in implausible.iter().zip(68..) {
        assert_eq!(
            finding.at(),
            (MODEL_FILE, line, 5),
            "each finding points at its `related` entry"
        );
        assert_eq!(finding.severity, "warning");
        assert!(
            finding.hint.as_deref().is_some_and(|h| h.contains("remove it")),
            "{finding:?}"
        );
    }
    // Nothing else about the graph: every question is linked from the model page.
    assert!(report.with_code("graph/orphan").is_empty(), "{:#?}", report.diagnostics);
    assert!(report.with_code("related/dangling").is_empty());
}

#[test]
fn check_and_build_report_the_same_graph_findings() {
    let site = Site::fixture(MODEL);
    let check = site.run(&["check", "--format", "json"]).report();
    let build = site.run(&["build", "--format", "json"]).report();
    assert_eq!(check.diagnostics, build.diagnostics);
}

#[test]
fn editors_links_come_first_strongest_first_each_with_its_reason() {
    let site = built(MODEL);
    let related = related_on(&site, MODEL_PAGE);
    assert_eq!(related.len(), 11, "every editor's link is listed: {related:?}");
    let first: BTreeSet<&str> = related[..5].iter().map(String::as_str).collect();
    assert_eq!(first, BTreeSet::from(LUTETIUM), "{related:?}");
    let last: BTreeSet<&str> = related[5..].iter().map(String::as_str).collect();
    assert_eq!(last, BTreeSet::from(OFF_TOPIC), "{related:?}");

    // Readers see the questions; why each is listed (the scoring explained) is for editors,
    // in graph.json, on the graph page and from `evident graph`.
    let page = site.html(MODEL_PAGE);
    assert_eq!(page.count(".qitem__reason"), 0);
    let related_text = page.text("section[aria-labelledby=related-heading]");
    for algorithm in ["similar wording", "shares", "topics ", "chosen by the editors"] {
        assert!(!related_text.contains(algorithm), "{algorithm}: {related_text}");
    }
    let graph: Value = serde_json::from_str(&site.read("public/graph.json")).unwrap();
    let reasons: BTreeMap<&str, &str> = graph["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["source"] == "lu-psma-after-six-cycles" && e["kind"] == "explicit")
        .map(|e| (e["target"].as_str().unwrap(), e["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(reasons.len(), 11, "{reasons:?}");
    for slug in LUTETIUM {
        assert!(
            reasons[slug].starts_with("chosen by the editors; shares"),
            "{reasons:?}"
        );
    }
    assert!(
        OFF_TOPIC.iter().any(|slug| reasons[slug] == "chosen by the editors"),
        "an off-topic link has nothing in common: {reasons:?}"
    );
}

#[test]
fn a_drug_side_effects_question_is_nearest_to_the_other_questions_about_that_drug() {
    let site = built(RANKING);
    let related = related_on(&site, "public/questions/metformin-side-effects/index.html");
    let top: BTreeSet<&str> = related.iter().take(3).map(String::as_str).collect();
    assert_eq!(top, BTreeSet::from(METFORMIN), "{related:?}");
    // Side effects of other drugs may follow, but never ahead of the same drug.
    for other in [
        "sglt2-inhibitor-side-effects",
        "glp1-side-effects",
        "statin-side-effects",
    ] {
        if let Some(at) = related.iter().position(|s| s == other) {
            assert!(at >= 3, "{other} at {at}: {related:?}");
        }
    }
    // And the other way round: the other drugs' side-effect questions find each other.
    let glp1 = related_on(&site, "public/questions/glp1-side-effects/index.html");
    assert!(!glp1.is_empty());
}

#[test]
fn backlinks_list_the_questions_whose_editors_link_here() {
    let site = built(MODEL);
    let css = "section[aria-labelledby=backlinks-heading] a.qitem__question";
    let related_css = "section[aria-labelledby=related-heading] a.qitem__question";
    let mut listed_as_related = 0;
    for slug in OFF_TOPIC.iter().chain(&LUTETIUM) {
        let page = site.html(&format!("public/questions/{slug}/index.html"));
        let related = slugs_of(page.attrs(related_css, "href"));
        // Listed once: among the related questions when it is one, else as a backlink.
        if related.iter().any(|s| s == "lu-psma-after-six-cycles") {
            listed_as_related += 1;
            assert_eq!(page.count(css), 0, "{slug}: the same question twice");
        } else {
            assert_eq!(
                slugs_of(page.attrs(css, "href")),
                ["lu-psma-after-six-cycles"],
                "{slug}"
            );
        }
    }
    assert!(listed_as_related > 0, "the fixture links back from a related question");
    assert_eq!(site.html(MODEL_PAGE).count(css), 0, "no editor links to the model page");

    let ranking = built(RANKING);
    let kidney = ranking.html("public/questions/metformin-kidney-function/index.html");
    // metformin-first-line links here, and is among this page's related questions too.
    assert!(slugs_of(kidney.attrs(related_css, "href")).contains(&"metformin-first-line".to_string()));
    assert_eq!(kidney.count(css), 0, "the same question is not listed twice");
}

#[test]
fn the_same_input_gives_the_same_graph_byte_for_byte() {
    let site = Site::fixture(MODEL);
    site.run(&["build", "--out", "first", "--format", "json"])
        .expect_code(0);
    site.run(&["build", "--out", "second", "--format", "json"])
        .expect_code(0);
    for file in [
        "graph.json",
        "graph/index.html",
        "questions/lu-psma-after-six-cycles/index.html",
    ] {
        assert!(
            site.read(&format!("first/{file}")) == site.read(&format!("second/{file}")),
            "{file} differs between two builds"
        );
    }
    let dot = |site: &Site| site.run(&["graph", "--format", "dot"]).expect_code(0).stdout.clone();
    assert_eq!(dot(&site), dot(&site));
}

#[test]
fn graph_json_holds_every_published_question_and_every_listed_link() {
    let site = built(MODEL);
    let graph = graph_json(&site);
    let nodes = graph["nodes"].as_array().expect("nodes");
    let edges = graph["edges"].as_array().expect("edges");
    assert_eq!(nodes.len(), 12);
    let slugs: Vec<&str> = nodes.iter().map(|n| n["slug"].as_str().expect("slug")).collect();
    let mut sorted = slugs.clone();
    sorted.sort();
    assert_eq!(slugs, sorted, "nodes are sorted by slug");
    for node in nodes {
        let keys: BTreeSet<&str> = node.as_object().expect("object").keys().map(String::as_str).collect();
        assert_eq!(keys, BTreeSet::from(["slug", "question", "url", "topics", "status"]));
        assert!(node["question"].as_str().is_some_and(|q| q.ends_with('?')));
        assert_eq!(node["status"], "submitted");
        assert!(node["topics"].as_array().is_some_and(|t| !t.is_empty()));
        assert_eq!(
            node["url"],
            format!("/questions/{}/", node["slug"].as_str().unwrap_or(""))
        );
    }
    let known: BTreeSet<&str> = slugs.iter().copied().collect();
    let mut computed_pairs = BTreeSet::new();
    for edge in edges {
        let keys: BTreeSet<&str> = edge.as_object().expect("object").keys().map(String::as_str).collect();
        assert_eq!(keys, BTreeSet::from(["source", "target", "kind", "weight", "reason"]));
        let (source, target) = (
            edge["source"].as_str().unwrap_or(""),
            edge["target"].as_str().unwrap_or(""),
        );
        assert!(known.contains(source) && known.contains(target), "{edge}");
        assert_ne!(source, target);
        let weight = edge["weight"].as_f64().expect("weight");
        assert!((0.0..=1.0).contains(&weight), "{edge}");
        assert!(!edge["reason"].as_str().unwrap_or("").is_empty());
        match edge["kind"].as_str() {
            Some("explicit") => assert!(
                edge["reason"]
                    .as_str()
                    .is_some_and(|r| r.starts_with("chosen by the editors"))
            ),
            Some("computed") => {
                assert!(
                    source < target,
                    "computed edges are undirected, smaller slug first: {edge}"
                );
                assert!(computed_pairs.insert((source, target)), "one computed edge per pair");
            }
            other => panic!("unknown kind {other:?}"),
        }
    }
    let explicit: BTreeSet<&str> = edges
        .iter()
        .filter(|e| e["kind"] == "explicit")
        .map(|e| {
            assert_eq!(e["source"], "lu-psma-after-six-cycles");
            e["target"].as_str().unwrap_or("")
        })
        .collect();
    assert_eq!(explicit, LUTETIUM.iter().chain(&OFF_TOPIC).copied().collect());
    // Lutetium-177 questions that the editors did not link are joined by computed edges.
    assert!(computed_pairs.contains(&("lu-psma-after-four-cycles", "lu-psma-side-effects-after-infusion")));
    // Off-topic questions are never joined to the Lutetium-177 ones by computation.
    for (a, b) in &computed_pairs {
        let lutetium = |s: &str| LUTETIUM.contains(&s) || s == "lu-psma-after-six-cycles";
        let off = |s: &str| OFF_TOPIC.contains(&s) && s != "lung-cancer-brain-metastases-confusion";
        assert!(!(lutetium(a) && off(b) || off(a) && lutetium(b)), "{a} – {b}");
    }
}

#[test]
fn the_graph_command_prints_what_the_build_publishes() {
    let site = built(MODEL);
    let out = site.run(&["graph", "--format", "json"]);
    out.expect_code(0);
    assert_eq!(out.stdout, site.read("public/graph.json"));
    assert!(
        out.stderr.contains("related/implausible"),
        "findings go to stderr: {}",
        out.stderr
    );
}

/// One statement of a DOT graph: a node with attributes, or an edge.
#[derive(Debug, PartialEq)]
enum Statement {
    Node(String, BTreeMap<String, String>),
    Edge(String, String, BTreeMap<String, String>),
}

/// Parses the subset of DOT that Evident writes, strictly: `digraph ID { stmt; … }` where a
/// statement is `ID [attrs]`, `ID -> ID [attrs]`, or `graph|node [attrs]`, IDs are quoted
/// strings with `\"` and `\\` escapes or bare words, and attributes are `key=value` pairs.
fn parse_dot(text: &str) -> Result<Vec<Statement>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let mut s = String::new();
            loop {
                match chars.next() {
                    Some('\\') => match chars.next() {
                        Some('"') => s.push('"'),
                        Some('\\') => s.push('\\'),
                        Some('n') => s.push('\n'),
                        other => return Err(format!("bad escape {other:?}")),
                    },
                    Some('"') => break,
                    Some(c) => s.push(c),
                    None => return Err("unterminated string".into()),
                }
            }
            tokens.push(("id", s));
        } else if c == '-' {
            chars.next();
            if chars.next() != Some('>') {
                return Err("`-` without `>`".into());
            }
            tokens.push(("arrow", "->".into()));
        } else if "{}[];,=".contains(c) {
            chars.next();
            tokens.push(("punct", c.to_string()));
        } else if c.is_alphanumeric() || c == '_' || c == '.' {
            let mut s = String::new();
            while let Some(&c) = chars.peek().filter(|c| c.is_alphanumeric() || **c == '_' || **c == '.') {
                s.push(c);
                chars.next();
            }
            tokens.push(("id", s));
        } else {
            return Err(format!("unexpected character {c:?}"));
        }
    }
    let mut at = 0;
    let mut next = |kind: &str| -> Result<String, String> {
        let token = tokens.get(at).cloned().ok_or("unexpected end")?;
        at += 1;
        if kind != "any" && token.0 != kind && token.1 != kind {
            return Err(format!("expected {kind}, found {token:?}"));
        }
        Ok(token.1)
    };
    if next("id")? != "digraph" {
        return Err("not a digraph".into());
    }
    next("id")?;
    next("{")?;
    let mut statements = Vec::new();
    loop {
        let first = next("any")?;
        if first == "}" {
            break;
        }
        let mut target = None;
        let mut after = next("any")?;
        if after == "->" {
            target = Some(next("id")?);
            after = next("any")?;
        }
        let mut attrs = BTreeMap::new();
        if after == "[" {
            loop {
                let key = next("any")?;
                if key == "]" {
                    break;
                }
                if key == "," {
                    continue;
                }
                next("=")?;
                attrs.insert(key, next("id")?);
            }
            after = next("any")?;
        }
        if after != ";" {
            return Err(format!("expected `;`, found {after:?}"));
        }
        statements.push(match target {
            Some(target) => Statement::Edge(first, target, attrs),
            None => Statement::Node(first, attrs),
        });
    }
    if at != tokens.len() {
        return Err("text after the closing brace".into());
    }
    Ok(statements)
}

#[test]
fn dot_output_is_a_digraph_with_the_same_nodes_and_edges_as_graph_json() {
    let site = built(MODEL);
    let out = site.run(&["graph", "--format", "dot"]);
    out.expect_code(0);
    let statements = parse_dot(&out.stdout).unwrap_or_else(|e| panic!("{e}\n{}", out.stdout));
    let graph = graph_json(&site);
    let nodes: BTreeSet<String> = statements
        .iter()
        .filter_map(|s| match s {
            Statement::Node(id, attrs) if id != "graph" && id != "node" => {
                assert!(attrs.get("label").is_some_and(|l| l.ends_with('?')), "{s:?}");
                Some(id.clone())
            }
            _ => None,
        })
        .collect();
    let json_nodes: BTreeSet<String> = graph["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| n["slug"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(nodes, json_nodes);
    let edges: BTreeSet<(String, String, String)> = statements
        .iter()
        .filter_map(|s| match s {
            Statement::Edge(a, b, attrs) => {
                Some((a.clone(), b.clone(), attrs.get("kind").cloned().unwrap_or_default()))
            }
            _ => None,
        })
        .collect();
    let json_edges: BTreeSet<(String, String, String)> = graph["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or("").to_string();
            (s("source"), s("target"), s("kind"))
        })
        .collect();
    assert_eq!(edges, json_edges);
    assert!(edges.contains(&(
        "lu-psma-after-six-cycles".to_string(),
        "baclofen-starting-dose".to_string(),
        "explicit".to_string()
    )));
}

#[test]
fn the_dot_parser_used_here_rejects_broken_graphs() {
    assert!(parse_dot("digraph g { \"a\" -> \"b\" [kind=\"x\"]; }").is_ok());
    assert!(parse_dot("graph g { }").is_err());
    assert!(parse_dot("digraph g { \"a\" -> ; }").is_err());
    assert!(parse_dot("digraph g { \"a\" [label=\"unterminated]; }").is_err());
    assert!(parse_dot("digraph g { \"a\" }").is_err());
}

#[test]
fn an_article_that_nothing_links_to_and_that_links_nowhere_is_an_orphan() {
    let out = Site::fixture("graph/orphan").run(&["check", "--format", "json"]);
    out.expect_code(0);
    let report = out.report();
    let orphan = report.only("graph/orphan");
    assert_eq!(orphan.at(), ("content/pulmonology/bibasilar-atelectasis.md", 2, 11));
    assert_eq!(orphan.severity, "warning");
    assert!(
        orphan.hint.as_deref().is_some_and(|h| h.contains("related")),
        "{orphan:?}"
    );

    // Linking it from anywhere, even off topic, makes it no longer an orphan (and flags
    // the link instead).
    let site = Site::fixture("graph/orphan");
    let file = "content/urology/cystitis-recurrent.md";
    let text = site.read(file).replace(
        "related: [cystitis-antibiotics]",
        "related: [cystitis-antibiotics, bibasilar-atelectasis]",
    );
    site.write(file, text);
    let report = site.run(&["check", "--format", "json"]).report();
    assert!(report.with_code("graph/orphan").is_empty(), "{:#?}", report.diagnostics);
    assert_eq!(report.only("related/implausible").file, file);

    // Below five articles (a new site's first ones) nothing is called an orphan yet.
    let site = Site::fixture("graph/orphan");
    std::fs::remove_file(site.path("content/urology/cystitis-men.md")).unwrap();
    let report = site.run(&["check", "--format", "json"]).report();
    assert!(report.with_code("graph/orphan").is_empty(), "{:#?}", report.diagnostics);
}

#[test]
fn a_one_way_link_to_a_close_question_is_a_suggestion_only_when_asked_for() {
    let site = Site::fixture(RANKING);
    let report = site.run(&["check", "--format", "json"]).report();
    assert!(report.with_code("related/one-way").is_empty(), "off by default");

    let config = site.read("evident.yaml") + "checks:\n  related/one-way: warning\n";
    site.write("evident.yaml", config);
    let report = site.run(&["check", "--format", "json"]).report();
    let one_way = report.only("related/one-way");
    assert_eq!(one_way.file, "content/diabetes/metformin-kidney-function.md");
    assert!(
        one_way.message.contains("`metformin-first-line` links here"),
        "{one_way:?}"
    );
    assert_eq!(
        one_way.hint.as_deref(),
        Some("add `metformin-first-line` to `related` so that readers can go both ways")
    );
}

#[test]
fn the_graph_page_draws_every_question_and_lists_each_ones_neighbours() {
    let site = built(MODEL);
    let page = site.html("public/graph/index.html");
    assert_eq!(page.count("svg.graph-svg circle.graph-node"), 12);
    assert_eq!(page.count("svg.graph-svg path.graph-edge--explicit"), 11);
    assert_eq!(page.text("svg.graph-svg > title"), "Related-question graph");
    let listed = slugs_of(page.attrs(".graph-list > li > a", "href"));
    assert_eq!(listed.len(), 12);
    let model_item = page
        .texts(".graph-list > li")
        .into_iter()
        .find(|t| t.starts_with("What comes after six cycles"))
        .expect("the model page is listed");
    assert!(model_item.contains("chosen by the editors"), "{model_item}");
    assert_eq!(page.attr("a[aria-current=page]", "href"), "/graph/");
    // Every page's header links to the graph.
    let nav = site.html(MODEL_PAGE).attrs(".site-nav a", "href");
    assert!(nav.contains(&"/graph/".to_string()), "{nav:?}");
}

#[test]
fn topic_hubs_lead_with_their_most_connected_questions() {
    let site = built(RANKING);
    let graph = graph_json(&site);
    let topics_of: HashMap<&str, Vec<&str>> = graph["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| {
            let topics = n["topics"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            (n["slug"].as_str().unwrap_or(""), topics)
        })
        .collect();
    let mut centrality: BTreeMap<&str, f64> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for edge in graph["edges"].as_array().into_iter().flatten() {
        let (a, b) = (
            edge["source"].as_str().unwrap_or(""),
            edge["target"].as_str().unwrap_or(""),
        );
        let in_diabetes = |s: &str| topics_of.get(s).is_some_and(|t| t.contains(&"diabetes"));
        if in_diabetes(a) && in_diabetes(b) && seen.insert((a.min(b), a.max(b))) {
            let w = edge["weight"].as_f64().unwrap_or(0.0);
            *centrality.entry(a).or_default() += w;
            *centrality.entry(b).or_default() += w;
        }
    }
    let most_central = centrality
        .iter()
        .max_by(|x, y| x.1.total_cmp(y.1))
        .map(|(slug, _)| *slug)
        .expect("diabetes has edges");
    let hub = slugs_of(
        site.html("public/topics/diabetes/index.html")
            .attrs("a.qitem__question", "href"),
    );
    assert_eq!(hub.len(), 6);
    assert_eq!(hub[0], most_central, "{hub:?} {centrality:?}");
    let least = centrality.iter().min_by(|x, y| x.1.total_cmp(y.1)).map(|(s, _)| *s);
    assert_eq!(hub.last().map(String::as_str), least, "{hub:?} {centrality:?}");
}

#[test]
fn related_settings_cut_and_order_the_lists() {
    let site = Site::fixture(RANKING);
    let config = site.read("evident.yaml") + "related:\n  max: 2\n";
    site.write("evident.yaml", config);
    site.run(&["build", "--format", "json"]).expect_code(0);
    let related = related_on(&site, "public/questions/metformin-side-effects/index.html");
    assert_eq!(related, ["metformin-vitamin-b12", "metformin-kidney-function"]);

    // Editors' links are never cut: with `max: 3` the model page still lists all eleven.
    let site = Site::fixture(MODEL);
    let config = site.read("evident.yaml") + "related:\n  max: 3\n";
    site.write("evident.yaml", config);
    site.run(&["build", "--format", "json"]).expect_code(0);
    assert_eq!(related_on(&site, MODEL_PAGE).len(), 11);
}

#[test]
fn editors_links_lead_unless_explicit_first_is_false() {
    let site = Site::fixture(RANKING);
    let file = "content/diabetes/metformin-side-effects.md";
    let text = site.read(file).replace(
        "references:\n",
        "related: [sglt2-inhibitor-side-effects]\nreferences:\n",
    );
    site.write(file, text);
    let page = "public/questions/metformin-side-effects/index.html";
    site.run(&["build", "--format", "json"]).expect_code(0);
    assert_eq!(related_on(&site, page)[0], "sglt2-inhibitor-side-effects");

    let config = site.read("evident.yaml") + "related:\n  explicit_first: false\n";
    site.write("evident.yaml", config);
    site.run(&["build", "--format", "json"]).expect_code(0);
    let related = related_on(&site, page);
    let top: BTreeSet<&str> = related.iter().take(3).map(String::as_str).collect();
    assert_eq!(
        top,
        BTreeSet::from(METFORMIN),
        "the weaker editor's link takes its place by score: {related:?}"
    );
    assert!(
        related.contains(&"sglt2-inhibitor-side-effects".to_string()),
        "but stays listed: {related:?}"
    );
}

#[test]
fn an_unknown_related_setting_is_a_configuration_error_with_a_suggestion() {
    let site = Site::fixture(RANKING);
    let config = site.read("evident.yaml") + "related:\n  min-score: 0.2\n";
    site.write("evident.yaml", config);
    let out = site.run(&["check", "--format", "json"]);
    out.expect_code(2);
    let finding = out.report().only("config/unknown-field").clone();
    assert_eq!(finding.hint.as_deref(), Some("did you mean `min_score`?"));

    let config = site.read("evident.yaml").replace("min-score: 0.2", "min_score: 2");
    site.write("evident.yaml", config);
    let out = site.run(&["check", "--format", "json"]);
    out.expect_code(2);
    assert!(out.report().only("config/invalid-value").message.contains("min_score"));
}

#[test]
fn a_large_site_draws_and_lists_topics_instead_of_articles() {
    let site = Site::empty();
    site.write(
        "evident.yaml",
        "title: \"Large\"\nbase_url: \"https://kb.example.org/\"\n",
    );
    let topics = ["cardiology", "diabetes", "nephrology"];
    for i in 0..401 {
        let topic = topics[i % topics.len()];
        site.write(
            &format!("content/{topic}/question-{i:03}.md"),
            format!(
                "---\nquestion: \"What is question {i} about {topic}?\"\nanswer: \"An answer about {topic}.\"\ncreated: 2025-01-01\nreview:\n  status: submitted\n---\nText.\n"
            ),
        );
    }
    site.run(&["build", "--format", "json"]).expect_code(0);
    let page = site.html("public/graph/index.html");
    assert_eq!(page.count("svg.graph-svg circle.graph-node--topic"), 3);
    assert_eq!(page.count("svg.graph-svg circle.graph-node--submitted"), 0);
    let listed = page.texts(".graph-list > li > a");
    assert_eq!(listed, ["Cardiology", "Diabetes", "Nephrology"]);
    assert_eq!(graph_json(&site)["nodes"].as_array().map(Vec::len), Some(401));
}
