//! Hostile content: markup and script URLs in every field an editor controls must reach
//! readers as text, never as elements or executable links.

mod common;

use common::{Page, Site, parse_xml};

const ARTICLE: &str = "public/questions/hostile/index.html";
const QUESTION: &str = "Is <script>alert(1)</script> safe?";

fn built() -> Site {
    let site = Site::fixture("security/hostile");
    site.run(&["build"]).expect_code(0);
    site
}

fn html_files(site: &Site) -> Vec<String> {
    let files: Vec<String> = site
        .tree("public")
        .into_keys()
        .filter(|f| f.ends_with(".html"))
        .map(|f| format!("public/{f}"))
        .collect();
    assert!(files.len() >= 5, "{files:?}");
    files
}

/// Only the theme's scripts and the JSON-LD block may be `<script>` elements.
fn assert_only_trusted_scripts(file: &str, page: &Page) {
    for script in page.html.select(&scraper::Selector::parse("script").unwrap()) {
        let element = script.value();
        let body: String = script.text().collect();
        match (element.attr("src"), element.attr("type")) {
            (Some(src), None)
                if (src.ends_with("theme/evident.js") || src.ends_with("theme/search.js")) && body.is_empty() => {}
            (None, Some("application/ld+json")) => {
                let json: serde_json::Value = serde_json::from_str(&body)
                    .unwrap_or_else(|e| panic!("{file}: JSON-LD does not parse ({e}): {body}"));
                assert_eq!(json["name"], QUESTION, "{file}");
            }
            _ => panic!("{file}: unexpected script element {}", script.html()),
        }
    }
}

#[test]
fn markup_in_front_matter_and_body_never_becomes_a_script_element() {
    let site = built();
    for file in html_files(&site) {
        assert_only_trusted_scripts(&file, &site.html(&file));
    }
    let page = site.html(ARTICLE);
    assert_eq!(page.count("script[type='application/ld+json']"), 1);
    for tag in ["iframe", "img", "b", "main a[href*=alert]"] {
        assert_eq!(page.count(tag), 0, "`{tag}` from content reached the page");
    }
}

#[test]
fn no_link_or_attribute_can_run_script() {
    let site = built();
    for file in html_files(&site) {
        let page = site.html(&file);
        for element in page
            .html
            .root_element()
            .descendants()
            .filter_map(scraper::ElementRef::wrap)
        {
            for (name, value) in element.value().attrs() {
                assert!(!name.starts_with("on"), "{file}: event handler {name}={value:?}");
                let url: String = value.chars().filter(|c| !c.is_whitespace()).collect();
                assert!(
                    !url.to_ascii_lowercase().starts_with("javascript:"),
                    "{file}: script URL in {name}={value:?}"
                );
            }
        }
    }
}

#[test]
fn hostile_text_is_shown_to_readers_as_text() {
    let page = built().html(ARTICLE);
    assert_eq!(page.texts("h1"), [QUESTION]);
    assert!(page.text("title").starts_with(QUESTION));
    assert_eq!(page.text(".article-subtitle"), "<script>alert(2)</script> headline");
    let answer = page.text(".bottom-line .answer");
    assert!(
        answer.contains("<script>alert(3)</script> is escaped <img src=x onerror=alert(4)>"),
        "{answer}"
    );
    assert_eq!(page.text(".article-body h2"), "<script>alert(10)</script> dosing");
    let reference = page.text("#ref-1");
    assert!(
        reference.contains("</i><script>alert(7)</script> guideline"),
        "{reference}"
    );
    assert!(reference.contains("<b onmouseover=alert(8)>Board</b>"), "{reference}");
    let body = page.text(".article-body");
    assert!(body.contains("<script>alert(15)</script>"), "{body}");
    let reviewer = page.text(".review-banner__reviewer");
    assert!(reviewer.contains("<script>alert(5)</script>"), "{reviewer}");
}

#[test]
fn script_links_in_the_body_are_neutralised() {
    let page = built().html(ARTICLE);
    for text in ["harmless-looking link", "another"] {
        let hrefs: Vec<String> = page
            .html
            .select(&scraper::Selector::parse(".article-body a").unwrap())
            .filter(|a| a.text().collect::<String>() == text)
            .filter_map(|a| a.value().attr("href").map(str::to_string))
            .collect();
        assert_eq!(hrefs.len(), 1, "link `{text}` missing");
        assert!(!hrefs[0].to_ascii_lowercase().contains("javascript"), "{hrefs:?}");
    }
}

#[test]
fn hostile_text_keeps_the_feed_and_sitemap_well_formed() {
    let site = built();
    let feed = parse_xml(&site.read("public/feed.xml")).expect("feed.xml is well-formed");
    let titles: Vec<&str> = feed
        .iter()
        .filter(|e| e.path == "feed/entry/title")
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(titles, [QUESTION]);
    parse_xml(&site.read("public/sitemap.xml")).expect("sitemap.xml is well-formed");
}

#[test]
fn hostile_text_is_escaped_in_lists_of_questions() {
    let site = built();
    for file in ["public/index.html", "public/topics/general/index.html"] {
        let page = site.html(file);
        assert_eq!(page.texts("main a[href='/questions/hostile/']"), [QUESTION], "{file}");
    }
}
