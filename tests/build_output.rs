//! `evident build` on a small valid site: what each output file contains, and how the
//! output behaves across builds (failed builds, repeated builds, drafts, line endings).

mod common;

use common::{Site, parse_xml};

const SITE: &str = "build/valid-site";
const STATINS: &str = "public/questions/statins-primary-prevention/index.html";
const MUSCLE: &str = "public/questions/statin-muscle-symptoms/index.html";
const STATINS_QUESTION: &str = "Should adults without heart disease take a statin?";
const MUSCLE_QUESTION: &str = "Do statins cause muscle pain?";

fn built(args: &[&str]) -> Site {
    let site = Site::fixture(SITE);
    let mut all = vec!["build", "--format", "json"];
    all.extend_from_slice(args);
    let out = site.run(&all);
    out.expect_code(0);
    let report = out.report();
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    site
}

#[test]
fn a_valid_site_builds_every_documented_file() {
    let site = built(&[]);
    for file in [
        "public/index.html",
        STATINS,
        MUSCLE,
        "public/topics/index.html",
        "public/topics/cardiology/index.html",
        "public/editorial-policy/index.html",
        "public/404.html",
        "public/sitemap.xml",
        "public/feed.xml",
        "public/robots.txt",
        "public/theme/evident.css",
    ] {
        assert!(site.exists(file), "{file} was not written");
    }
}

#[test]
fn the_article_page_has_the_question_as_its_only_h1() {
    let page = built(&[]).html(STATINS);
    assert_eq!(page.texts("h1"), [STATINS_QUESTION]);
    assert!(page.text("title").starts_with(STATINS_QUESTION));
}

#[test]
fn the_article_page_shows_the_bottom_line_and_the_body() {
    let page = built(&[]).html(STATINS);
    let answer = page.text(".bottom-line .answer");
    assert!(
        answer.starts_with("Adults aged 40 to 75 with a ten-year cardiovascular risk of 10% or more"),
        "{answer}"
    );
    let body = page.text(".article-body");
    assert!(
        body.contains("European guidance estimates risk with the SCORE2 charts"),
        "{body}"
    );
    assert_eq!(page.attr(".article-body h2", "id"), "evidence");
}

#[test]
fn references_are_numbered_by_first_citation_not_by_listing_order() {
    let page = built(&[]).html(STATINS);
    let ids = page.attrs("ol.reference-list > li", "id");
    assert_eq!(ids, ["ref-1", "ref-2", "ref-3", "ref-4"]);
    let items = page.texts("ol.reference-list > li");
    // esc-2021 is listed first in the front matter but cited last.
    assert!(items[0].contains("Statin Use for the Primary Prevention"), "{items:?}");
    assert!(
        items[1].contains("more intensive lowering of LDL cholesterol"),
        "{items:?}"
    );
    assert!(
        items[2].contains("Rosuvastatin to prevent vascular events"),
        "{items:?}"
    );
    assert!(
        items[3].contains("ESC Guidelines on cardiovascular disease prevention"),
        "{items:?}"
    );
}

#[test]
fn citation_superscripts_link_to_the_reference_list_in_order_of_appearance() {
    let page = built(&[]).html(STATINS);
    let targets = page.attrs("sup.cite a", "href");
    assert_eq!(targets, ["#ref-1", "#ref-2", "#ref-1", "#ref-3", "#ref-4"]);
    let mut first_seen: Vec<&str> = Vec::new();
    for target in &targets {
        if !first_seen.contains(&target.as_str()) {
            first_seen.push(target);
        }
    }
    assert_eq!(first_seen, ["#ref-1", "#ref-2", "#ref-3", "#ref-4"]);
    for target in page.attrs("sup.cite a", "href") {
        assert_eq!(page.count(&format!("li{target}")), 1, "{target} has no list item");
    }
}

#[test]
fn three_consecutive_references_cited_together_collapse_into_a_range() {
    let page = built(&[]).html(STATINS);
    assert_eq!(page.texts("sup.cite"), ["1", "2", "1–3", "4"]);
}

#[test]
fn the_article_page_links_its_related_question() {
    let page = built(&[]).html(STATINS);
    let css = "section[aria-labelledby=related-heading] a.qitem__question";
    assert_eq!(page.attrs(css, "href"), ["/questions/statin-muscle-symptoms/"]);
    assert_eq!(page.texts(css), [MUSCLE_QUESTION]);
}

#[test]
fn an_approved_article_says_it_was_reviewed_and_by_whom() {
    let page = built(&[]).html(STATINS);
    assert_eq!(page.text(".review-banner__title"), "Medically reviewed");
    let reviewer = page.text(".review-banner__reviewer");
    assert!(reviewer.contains("A. Reviewer, MD"), "{reviewer}");
    assert!(reviewer.contains("March 5, 2025"), "{reviewer}");
}

#[test]
fn a_submitted_article_carries_the_pending_review_banner() {
    let page = built(&[]).html(MUSCLE);
    assert_eq!(
        page.text(".review-banner__title"),
        "Educational purpose only — pending human review"
    );
    assert_eq!(page.count(".review-banner--reviewed"), 0);
}

#[test]
fn the_topic_hub_and_the_home_page_list_the_articles() {
    let site = built(&[]);
    let hub = site.html("public/topics/cardiology/index.html");
    assert_eq!(hub.texts("h1"), ["Cardiology"]);
    let hub_links = hub.attrs("main a[href^='/questions/']", "href");
    assert!(
        hub_links.contains(&"/questions/statins-primary-prevention/".to_string()),
        "{hub_links:?}"
    );
    assert!(
        hub_links.contains(&"/questions/statin-muscle-symptoms/".to_string()),
        "{hub_links:?}"
    );

    let home = site.html("public/index.html");
    let home_links = home.texts("main a[href='/questions/statins-primary-prevention/']");
    assert_eq!(home_links, [STATINS_QUESTION]);
    let topics = site.html("public/topics/index.html");
    assert!(
        topics
            .attrs("main a", "href")
            .contains(&"/topics/cardiology/".to_string())
    );
}

#[test]
fn the_sitemap_lists_each_article_with_its_last_modification() {
    let site = built(&[]);
    let elements = parse_xml(&site.read("public/sitemap.xml")).expect("sitemap.xml is well-formed");
    let locs: Vec<&str> = elements
        .iter()
        .filter(|e| e.path == "urlset/url/loc")
        .map(|e| e.text.as_str())
        .collect();
    let lastmods: Vec<&str> = elements
        .iter()
        .filter(|e| e.path == "urlset/url/lastmod")
        .map(|e| e.text.as_str())
        .collect();
    assert!(
        locs.contains(&"https://kb.example.org/questions/statins-primary-prevention/"),
        "{locs:?}"
    );
    assert!(lastmods.contains(&"2025-03-05"), "{lastmods:?}");
    assert!(lastmods.contains(&"2025-02-01"), "{lastmods:?}");
    // The site's own pages for readers are listed; those marked noindex are not.
    for page in ["", "topics/", "graph/"] {
        let loc = format!("https://kb.example.org/{page}");
        assert!(locs.contains(&loc.as_str()), "{loc} in {locs:?}");
    }
    for page in ["search/", "review/"] {
        let loc = format!("https://kb.example.org/{page}");
        assert!(!locs.contains(&loc.as_str()), "{loc} in {locs:?}");
    }
}

/// Past the protocol's 50,000 addresses a file, `sitemap.xml` becomes an index of numbered
/// parts beside it; `EVIDENT_SITEMAP_URLS` lowers the limit so that this small site splits.
#[test]
fn a_sitemap_past_the_limit_is_an_index_of_parts_listing_the_same_addresses() {
    let site = built(&[]);
    let locs = |xml: &str, path: &str| -> Vec<String> {
        parse_xml(xml)
            .expect("well-formed")
            .into_iter()
            .filter(|e| e.path == path)
            .map(|e| e.text)
            .collect()
    };
    let whole = locs(&site.read("public/sitemap.xml"), "urlset/url/loc");
    assert!(whole.len() > 6, "{whole:?}");

    site.run_with_env(&["build"], &[("EVIDENT_SITEMAP_URLS", "3")])
        .expect_code(0);
    let index = locs(&site.read("public/sitemap.xml"), "sitemapindex/sitemap/loc");
    let expected: Vec<String> = (1..=whole.len().div_ceil(3))
        .map(|n| format!("https://kb.example.org/sitemap-{n}.xml"))
        .collect();
    assert_eq!(index, expected);
    let mut listed = Vec::new();
    for n in 1..=index.len() {
        let part = locs(&site.read(&format!("public/sitemap-{n}.xml")), "urlset/url/loc");
        assert!(!part.is_empty() && part.len() <= 3, "part {n}: {part:?}");
        listed.extend(part);
    }
    assert_eq!(listed, whole, "the parts list every address once, in order");
    // Each part's entry in the index carries its newest change.
    let lastmods = locs(&site.read("public/sitemap.xml"), "sitemapindex/sitemap/lastmod");
    assert!(lastmods.contains(&"2025-03-05".to_string()), "{lastmods:?}");
    assert!(
        site.read("public/robots.txt")
            .contains("Sitemap: https://kb.example.org/sitemap.xml")
    );

    // Back within the limit: one sitemap again, and the parts Evident wrote are gone.
    site.run(&["build"]).expect_code(0);
    assert_eq!(locs(&site.read("public/sitemap.xml"), "urlset/url/loc"), whole);
    assert!(!site.exists("public/sitemap-1.xml"));
}

#[test]
fn the_feed_is_well_formed_atom_with_an_entry_per_article() {
    let site = built(&[]);
    let elements = parse_xml(&site.read("public/feed.xml")).expect("feed.xml is well-formed");
    let texts = |path: &str| -> Vec<String> {
        elements
            .iter()
            .filter(|e| e.path == path)
            .map(|e| e.text.trim().to_string())
            .collect()
    };
    assert_eq!(texts("feed/entry/title"), [STATINS_QUESTION, MUSCLE_QUESTION]);
    assert_eq!(
        texts("feed/entry/id")[0],
        "https://kb.example.org/questions/statins-primary-prevention/"
    );
    assert_eq!(texts("feed/entry/updated")[0], "2025-03-05T00:00:00Z");
    assert_eq!(texts("feed/updated"), ["2025-03-05T00:00:00Z"]);
}

#[test]
fn robots_txt_names_the_sitemap() {
    let site = built(&[]);
    let robots = site.read("public/robots.txt");
    assert!(
        robots
            .lines()
            .any(|l| l.trim() == "Sitemap: https://kb.example.org/sitemap.xml"),
        "{robots}"
    );
}

#[test]
fn the_canonical_link_uses_base_url() {
    let site = built(&[]);
    let canonical = site.html(STATINS).attr("link[rel=canonical]", "href");
    assert_eq!(
        canonical,
        "https://kb.example.org/questions/statins-primary-prevention/"
    );
    let home = site.html("public/index.html").attr("link[rel=canonical]", "href");
    assert_eq!(home, "https://kb.example.org/");
}

#[test]
fn base_url_on_the_command_line_moves_canonical_links_and_prefixes_paths() {
    let site = built(&["--base-url", "https://other.example/kb/"]);
    let page = site.html(STATINS);
    assert_eq!(
        page.attr("link[rel=canonical]", "href"),
        "https://other.example/kb/questions/statins-primary-prevention/"
    );
    assert_eq!(
        page.attrs("section[aria-labelledby=related-heading] a.qitem__question", "href"),
        ["/kb/questions/statin-muscle-symptoms/"]
    );
    assert_eq!(page.attr("link[rel=stylesheet]", "href"), "/kb/theme/evident.css");
    for href in page.attrs("a[href^='/']", "href") {
        assert!(href.starts_with("/kb/"), "site link without the base path: {href}");
    }
    let robots = site.read("public/robots.txt");
    assert!(
        robots.contains("Sitemap: https://other.example/kb/sitemap.xml"),
        "{robots}"
    );
    assert!(
        site.read("public/sitemap.xml")
            .contains("<loc>https://other.example/kb/questions/")
    );
}

#[test]
fn a_failing_build_leaves_the_previous_output_untouched() {
    let site = built(&[]);
    let before = site.tree("public");
    let names_before = site.top_level_names();
    let path = "content/cardiology/statin-muscle-symptoms.md";
    site.write(
        path,
        site.read(path)
            .replace("placebo as on a statin [@ctt-2022]", "placebo [@missing-key]"),
    );

    let out = site.run(&["build", "--format", "json"]);
    out.expect_code(1);
    assert_eq!(out.report().only("citation/unresolved").file, path);
    assert!(site.tree("public") == before, "public/ changed after a failed build");
    assert_eq!(site.top_level_names(), names_before, "a staging folder was left behind");
}

#[test]
fn a_successful_rebuild_leaves_no_staging_folders() {
    let site = built(&[]);
    // A real rebuild, not one the cache finds up to date; the first build made the cache.
    site.run(&["build", "--no-cache"]).expect_code(0);
    assert_eq!(
        site.top_level_names(),
        [".evident", "content", "evident.yaml", "public"]
    );
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let site = Site::fixture(SITE);
    site.run(&["build", "--out", "first"]).expect_code(0);
    site.run(&["build", "--out", "second"]).expect_code(0);
    let (first, second) = (site.tree("first"), site.tree("second"));
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>(),
        "different file lists"
    );
    for (file, bytes) in &first {
        assert!(bytes == &second[file], "{file} differs between two builds");
    }
}

const DRAFT: &str = "content/cardiology/statin-timing.md";
const DRAFT_TEXT: &str = r#"---
question: "Should statins be taken in the evening?"
answer: >-
  Morning and evening dosing prevent events equally well [@timing-2021].
topics: [cardiology]
created: 2025-02-10
review:
  status: draft
references:
  - id: timing-2021
    type: research
    authors: ["Example A"]
    title: "Morning versus evening statin dosing"
    journal: "Example Journal"
    year: 2021
related: [statins-primary-prevention]
---
## Evidence

- Timing did not change LDL lowering in the trial [@timing-2021].
"#;

fn site_with_a_draft() -> Site {
    let site = Site::fixture(SITE);
    site.write(DRAFT, DRAFT_TEXT);
    site
}

#[test]
fn drafts_are_left_out_of_a_build_without_the_drafts_flag() {
    let site = site_with_a_draft();
    site.run(&["build"]).expect_code(0);
    assert!(!site.exists("public/questions/statin-timing"));
    for file in [
        "public/index.html",
        "public/topics/cardiology/index.html",
        "public/sitemap.xml",
        "public/feed.xml",
    ] {
        let text = site.read(file);
        assert!(!text.contains("statin-timing"), "{file} mentions the draft");
        assert!(!text.contains("taken in the evening"), "{file} mentions the draft");
    }
}

#[test]
fn drafts_are_published_with_the_drafts_flag() {
    let site = site_with_a_draft();
    site.run(&["build", "--drafts"]).expect_code(0);
    let page = site.html("public/questions/statin-timing/index.html");
    assert_eq!(page.texts("h1"), ["Should statins be taken in the evening?"]);
    let hub = site.html("public/topics/cardiology/index.html");
    assert!(
        hub.attrs("main a", "href")
            .contains(&"/questions/statin-timing/".to_string())
    );
}

#[test]
fn crlf_line_ends_and_a_byte_order_mark_change_nothing_in_the_output() {
    let plain = built(&[]);
    let windows = Site::fixture(SITE);
    for file in [
        "content/cardiology/statins-primary-prevention.md",
        "content/cardiology/statin-muscle-symptoms.md",
        "content/pages/editorial-policy.md",
    ] {
        let text = windows.read(file).replace('\n', "\r\n");
        windows.write(file, format!("\u{feff}{text}"));
    }
    let out = windows.run(&["build", "--format", "json"]);
    out.expect_code(0);
    assert!(out.report().diagnostics.is_empty(), "{}", out.stdout);
    let page = windows.html(STATINS);
    assert_eq!(page.texts("h1"), [STATINS_QUESTION]);
    assert_eq!(page.texts("sup.cite"), ["1", "2", "1–3", "4"]);
    let (expected, actual) = (plain.tree("public"), windows.tree("public"));
    assert_eq!(expected.keys().collect::<Vec<_>>(), actual.keys().collect::<Vec<_>>());
    for (file, bytes) in &expected {
        assert!(
            bytes == &actual[file],
            "public/{file} differs when the sources use CRLF and a BOM"
        );
    }
}

/// The output file a site-absolute link (`/kb/questions/x/#ref-1`) points at.
fn target_file(href: &str, base_path: &str) -> Option<String> {
    let path = href.split(['#', '?']).next()?.strip_prefix(base_path)?;
    Some(if path.is_empty() || path.ends_with('/') {
        format!("public/{path}index.html")
    } else {
        format!("public/{path}")
    })
}

fn assert_internal_links_resolve(site: &Site, base_path: &str) {
    let files: Vec<String> = site
        .tree("public")
        .into_keys()
        .filter(|f| f.ends_with(".html"))
        .collect();
    for file in files {
        let page = site.html(&format!("public/{file}"));
        for href in page
            .attrs("[href]", "href")
            .into_iter()
            .chain(page.attrs("[src]", "src"))
        {
            if href.starts_with("https://") || href.starts_with("data:") {
                continue;
            }
            if let Some(anchor) = href.strip_prefix('#') {
                assert_eq!(
                    page.count(&format!("[id='{anchor}']")),
                    1,
                    "{file}: `{href}` has no target"
                );
                continue;
            }
            let target = target_file(&href, base_path).unwrap_or_else(|| panic!("{file}: odd link `{href}`"));
            assert!(
                site.exists(&target),
                "{file}: `{href}` points at {target}, which was not written"
            );
        }
    }
}

#[test]
fn every_internal_link_and_anchor_points_at_something_the_build_wrote() {
    assert_internal_links_resolve(&built(&[]), "/");
}

#[test]
fn every_internal_link_resolves_under_a_base_path_too() {
    assert_internal_links_resolve(&built(&["--base-url", "https://other.example/kb/"]), "/kb/");
}

#[test]
fn ids_on_an_article_page_are_unique_even_when_headings_look_like_anchors() {
    let site = Site::fixture(SITE);
    let path = "content/cardiology/statins-primary-prevention.md";
    let extra = "\n## Ref 1\n\n- Absolute risk drives the decision [@uspstf-2022].\n\n## Cite 2\n\n- Relative risk reduction is similar across risk levels [@ctt-2010].\n";
    site.write(path, site.read(path) + extra);
    site.run(&["build"]).expect_code(0);
    let page = site.html(STATINS);
    let mut ids = page.attrs("[id]", "id");
    ids.sort();
    let duplicates: Vec<&String> = ids.windows(2).filter(|w| w[0] == w[1]).map(|w| &w[0]).collect();
    assert!(duplicates.is_empty(), "duplicate ids: {duplicates:?}");
    assert!(page.texts("#ref-1")[0].contains("Statin Use for the Primary Prevention"));
}

#[test]
fn a_base_url_without_a_scheme_on_the_command_line_is_refused() {
    // evident.yaml's base_url must be an absolute http(s) address; the override must be too.
    let site = Site::fixture(SITE);
    site.run(&["build", "--base-url", "other.example/kb/"]).expect_code(2);
    assert!(!site.exists("public"));
}

#[test]
fn the_xml_checker_used_above_rejects_broken_documents() {
    assert!(parse_xml("<?xml version=\"1.0\"?>\n<a x=\"1\"><b>t &amp; &#x2F;</b><c/></a>").is_ok());
    for broken in [
        "<a><b></a></b>",
        "<a>x & y</a>",
        "<a x=1></a>",
        "<a></a><b></b>",
        "<a>",
        "<a>&nbsp;</a>",
        "<a x=\"<\"></a>",
    ] {
        assert!(parse_xml(broken).is_err(), "accepted {broken:?}");
    }
}

/// Long listings are split into pages of 100, each linking to the pages beside it: the
/// review queue in its order (here the order of submission), with the overdue reviews on
/// the first page only, and a topic's questions. A listing that fits one page has no page
/// links, and only a topic's first page is in the sitemap.
#[test]
fn long_listings_are_split_into_pages() {
    let site = Site::fixture("serve/site");
    site.run(&["build"]).expect_code(0);
    let single = site.html("public/review/index.html");
    assert_eq!(single.count("nav.pagination"), 0, "one page: no page links");
    assert!(!site.exists("public/review/page/2/index.html"));

    for n in 0..230 {
        let day = 1 + n % 28;
        let month = 1 + n / 28;
        site.write(
            &format!("content/diabetes/waiting-{n:03}.md"),
            format!(
                "---\nquestion: \"Is waiting question {n:03} answered?\"\nanswer: \"It is answered.\"\ntopics: [diabetes]\ncreated: 2024-01-01\nupdated: 2024-01-01\nreview:\n  status: submitted\n  submitted: 2024-{month:02}-{day:02}\n---\nA body.\n"
            ),
        );
    }
    site.run(&["build"]).expect_code(0);
    let questions = |page: &common::Page| page.texts(".queue tbody tr td:first-child a");

    let first = site.html("public/review/index.html");
    let listed = questions(&first);
    assert_eq!(listed.len(), 100);
    assert_eq!(listed[0], "Is waiting question 000 answered?");
    assert_eq!(listed[99], "Is waiting question 099 answered?");
    assert_eq!(first.attr("nav.pagination a[rel=next]", "href"), "/review/page/2/");
    assert_eq!(first.count("nav.pagination a[rel=prev]"), 0);
    assert!(
        first.text(".queue__count").contains("of 3"),
        "{}",
        first.text(".queue__count")
    );
    assert_eq!(first.count("#overdue-heading"), 1);

    let second = site.html("public/review/page/2/index.html");
    assert_eq!(questions(&second)[0], "Is waiting question 100 answered?");
    assert_eq!(second.attr("nav.pagination a[rel=prev]", "href"), "/review/");
    assert_eq!(second.attr("nav.pagination a[rel=next]", "href"), "/review/page/3/");
    assert_eq!(
        second.count("#overdue-heading"),
        0,
        "overdue reviews are on the first page"
    );
    assert!(second.text("title").contains("page 2 of 3"));

    let third = site.html("public/review/page/3/index.html");
    let rest = questions(&third);
    // The fixture's three submitted questions wait too, since their 2025 updates.
    assert_eq!(rest.len(), 33);
    assert_eq!(rest[29], "Is waiting question 229 answered?");
    assert_eq!(third.count("nav.pagination a[rel=next]"), 0);
    assert!(!site.exists("public/review/page/4/index.html"));
    assert!(!site.read("public/sitemap.xml").contains("/review/"));

    // Diabetes: the fixture's metformin question and the 230 waiting ones.
    let topic = site.html("public/topics/diabetes/index.html");
    assert_eq!(topic.count(".qlist > li"), 100);
    assert!(
        topic.text(".count-line").starts_with("231 questions"),
        "{}",
        topic.text(".count-line")
    );
    assert_eq!(
        topic.attr("nav.pagination a[rel=next]", "href"),
        "/topics/diabetes/page/2/"
    );
    assert_eq!(topic.attr("nav.pagination", "aria-label"), "Pages of Diabetes");
    let last = site.html("public/topics/diabetes/page/3/index.html");
    assert_eq!(last.count(".qlist > li"), 31);
    assert_eq!(
        last.attr("nav.pagination a[rel=prev]", "href"),
        "/topics/diabetes/page/2/"
    );
    assert_eq!(last.count("nav.pagination a[rel=next]"), 0);
    assert!(!site.exists("public/topics/diabetes/page/4/index.html"));
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("/topics/diabetes/<") && !sitemap.contains("/topics/diabetes/page/"));
    let cardiology = site.html("public/topics/cardiology/index.html");
    assert_eq!(cardiology.count("nav.pagination"), 0, "two questions: one page");
}

/// `text` (the article at `rel_path`) as approved by `reviewer` on `date`, made by the
/// review workflow itself as `evident claim` and `evident approve` would, without running
/// them once per article.
fn approved_by(site: &Site, rel_path: &str, text: &str, reviewer: &str, date: evident::date::Date) -> String {
    use evident::review::workflow::{Action, Identity, Subject, apply};
    let source = evident::load::SourceFile {
        rel_path: rel_path.to_string(),
        section: rel_path.split('/').nth(1).unwrap_or_default().to_string(),
        text: text.to_string(),
        bom: false,
    };
    // The address an approval covers is the page's URL on the site.
    let review_site = evident::review::hash::ReviewSite::new("https://kb.example.org/", &site.path(""));
    let article = evident::parse::article::parse_article(
        &source,
        evident::parse::article::Sources {
            site: &review_site,
            ..evident::parse::article::Sources::none()
        },
        evident::parse::Output::Html,
    )
    .article
    .expect("the test's article parses");
    let subject = |review, state| Subject {
        slug: &article.slug,
        review,
        state,
        fingerprint: &article.fingerprint,
        updated: article.updated,
        today: date,
        commit: None,
    };
    let identity = Identity::Id(reviewer.to_string());
    let claimed = apply(
        &Action::Claim {
            reviewer: identity.clone(),
        },
        &subject(article.review(), &article.review_state),
    )
    .expect("claimed");
    let approved = apply(
        &Action::Approve {
            reviewer: identity,
            role: None,
            date,
        },
        &subject(&claimed, &evident::review::ReviewState::UnderReview),
    )
    .expect("approved");
    evident::review::edit::replace_review_block(text, &approved).expect("the review block is replaced")
}

/// A reviewer's profile of hundreds of questions, and hundreds of overdue reviews, are split
/// into pages of 100 as the review queue is: page k lists the k-th hundred of each list, a
/// list that has run out leaves its section off, and the people index counts without
/// listing.
#[test]
fn profiles_and_overdue_reviews_are_split_into_pages() {
    let site = Site::fixture("serve/site");
    site.write(
        "evident.yaml",
        format!("{}review: {{signatures: optional}}\n", site.read("evident.yaml")),
    );
    site.write(
        "people/ada-example.md",
        "---\nname: \"Ada Example\"\ncredentials: \"MD\"\ndisclosures: \"None.\"\n---\n\nA fictional reviewer.\n",
    );
    // 230 questions by Ada: the first 150 approved by her (the first 120 of them overdue,
    // the earliest due first), the other 80 submitted.
    let approved_on = evident::date::Date::new(2026, 10, 1).expect("a date");
    for n in 0..230 {
        let rel_path = format!("content/cardiology/ada-{n:03}.md");
        let text = format!(
            "---\nquestion: \"Is Ada's question {n:03} answered?\"\nanswer: \"It is answered.\"\ntopics: [cardiology]\nauthors: [ada-example]\ncreated: 2024-01-01\nupdated: 2024-01-01\nreview:\n  status: submitted\n  submitted: 2024-06-01\n---\nA body.\n"
        );
        let text = match n {
            0..150 => {
                let approved = approved_by(&site, &rel_path, &text, "ada-example", approved_on);
                let due = match n {
                    0..120 => format!("2025-{:02}-{:02}", 1 + n / 28, 1 + n % 28),
                    _ => "2027-06-01".to_string(),
                };
                assert!(approved.contains("  approved_hash:"), "{approved}");
                approved.replacen("  approved_hash:", &format!("  next_due: {due}\n  approved_hash:"), 1)
            }
            _ => text,
        };
        site.write(&rel_path, text);
    }
    site.run(&["build", "--as-of", "2026-12-06"]).expect_code(0);

    let rows = |page: &common::Page, list: &str| page.texts(&format!("ul.person__{list} > li > a"));
    let first = site.html("public/people/ada-example/index.html");
    let (approvals, authored) = (rows(&first, "approvals"), rows(&first, "authored"));
    assert_eq!((approvals.len(), authored.len()), (100, 100));
    // Approved on one day: newest first, then by slug.
    assert_eq!(approvals[0], "Is Ada's question 000 answered?");
    assert_eq!(authored[99], "Is Ada's question 099 answered?");
    let counts = first.texts(".count-line");
    assert!(
        counts.iter().any(|c| c.starts_with("150 questions reviewed")),
        "{counts:?}"
    );
    assert!(
        counts.iter().any(|c| c.starts_with("230 questions written")),
        "{counts:?}"
    );
    assert_eq!(
        first.attr("nav.pagination a[rel=next]", "href"),
        "/people/ada-example/page/2/"
    );
    let second = site.html("public/people/ada-example/page/2/index.html");
    assert_eq!(rows(&second, "approvals").len(), 50);
    assert_eq!(rows(&second, "approvals")[49], "Is Ada's question 149 answered?");
    assert!(second.text("title").contains("page 2 of 3"));
    let third = site.html("public/people/ada-example/page/3/index.html");
    assert_eq!(rows(&third, "authored").len(), 30);
    assert_eq!(third.count("#person-approvals"), 0, "her approvals ran out on page 2");
    assert_eq!(third.count("nav.pagination a[rel=next]"), 0);
    assert!(!site.exists("public/people/ada-example/page/4/index.html"));
    assert!(
        site.html("public/people/index.html")
            .text(".people__list")
            .contains("(150 questions reviewed)")
    );
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("/people/ada-example/<") && !sitemap.contains("/people/ada-example/page/"));

    // The queue: 83 waiting questions (the fixture's three and Ada's 80), 120 overdue.
    let overdue = |page: &common::Page| page.texts(".queue--overdue tbody tr td:first-child a");
    let waiting = |page: &common::Page| page.texts(".queue:not(.queue--overdue) tbody tr td:first-child a");
    let queue = site.html("public/review/index.html");
    assert_eq!(waiting(&queue).len(), 83);
    let listed = overdue(&queue);
    assert_eq!(listed.len(), 100);
    assert_eq!(listed[0], "Is Ada's question 000 answered?");
    assert_eq!(listed[99], "Is Ada's question 099 answered?");
    assert!(
        queue
            .texts(".queue__count")
            .iter()
            .any(|c| c.starts_with("120 reviews are overdue")),
        "{:?}",
        queue.texts(".queue__count")
    );
    let rest = site.html("public/review/page/2/index.html");
    assert_eq!(waiting(&rest).len(), 0);
    assert_eq!(overdue(&rest).len(), 20);
    assert_eq!(overdue(&rest)[19], "Is Ada's question 119 answered?");
    assert!(
        !rest.text("main").contains("Nothing awaits review"),
        "the queue's second page lists overdue reviews only, and does not say the queue is empty"
    );
    assert_eq!(rest.attr("nav.pagination a[rel=prev]", "href"), "/review/");
    assert!(!site.exists("public/review/page/3/index.html"));
}
