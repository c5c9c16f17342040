//! Links and images written in content: every one that points into the site must lead to
//! a page, a heading or a published file (`link/broken`, `link/anchor` at the link), and
//! each is written under the site's base path, wherever the site is published.

mod common;

use common::Site;

const MUSCLE: &str = "content/cardiology/statin-muscle-symptoms.md";

/// The fixture site with `text` appended to the muscle-symptoms article's body; returns the
/// site and the line number of `text`'s first line.
fn with_body(text: &str) -> (Site, u32) {
    let site = Site::fixture("build/valid-site");
    let before = site.read(MUSCLE);
    let line = before.lines().count() as u32 + 2;
    site.write(MUSCLE, format!("{before}\n{text}"));
    (site, line)
}

#[test]
fn links_and_images_that_lead_nowhere_are_errors_at_the_link() {
    let (site, line) = with_body(
        "See [the other](/questions/no-such-question/), ![scan](/images/missing.png) and [x](#nonexistent-heading).\n",
    );
    let output = site.run(&["check", "--format", "json"]);
    output.expect_code(1);
    let report = output.report();
    let broken = report.with_code("link/broken");
    assert_eq!(broken.len(), 2, "{:#?}", report.diagnostics);
    assert_eq!(broken[0].at(), (MUSCLE, line, 5));
    assert!(
        broken[0].message.contains("/questions/no-such-question/"),
        "{}",
        broken[0].message
    );
    assert_eq!(broken[1].at(), (MUSCLE, line, 48));
    assert!(
        broken[1].message.contains("/images/missing.png"),
        "{}",
        broken[1].message
    );
    assert!(
        broken[1].hint.as_deref().unwrap_or_default().contains("static/"),
        "says where images go: {:?}",
        broken[1].hint
    );
    let anchor = report.only("link/anchor");
    assert_eq!(anchor.at(), (MUSCLE, line, 81));
    assert!(
        anchor.hint.as_deref().unwrap_or_default().contains("`#evidence`"),
        "the nearest heading: {:?}",
        anchor.hint
    );
    // `build` runs the same checks and publishes nothing.
    site.run(&["build", "--format", "json"]).expect_code(1);
    assert!(!site.exists("public/index.html"));
}

#[test]
fn a_misspelt_question_suggests_the_nearest_one() {
    let (site, line) =
        with_body("[prevention](@statins-primary-preventon) and [evidence](@statins-primary-prevention#evidense)\n");
    let report = site.run(&["check", "--format", "json"]).report();
    let broken = report.only("link/broken");
    assert_eq!(broken.at(), (MUSCLE, line, 1));
    assert!(
        broken
            .hint
            .as_deref()
            .unwrap_or_default()
            .contains("`@statins-primary-prevention`"),
        "{:?}",
        broken.hint
    );
    let anchor = report.only("link/anchor");
    assert_eq!(anchor.at(), (MUSCLE, line, 46));
    assert!(anchor.message.contains("evidense"), "{}", anchor.message);
    assert!(
        anchor.hint.as_deref().unwrap_or_default().contains("`#evidence`"),
        "{:?}",
        anchor.hint
    );
}

#[test]
fn links_on_plain_pages_are_checked_too() {
    let site = Site::fixture("build/valid-site");
    let page = "content/pages/editorial-policy.md";
    site.write(page, site.read(page) + "\n[gone](/no-such-page/)\n");
    let report = site.run(&["check", "--format", "json"]).report();
    assert_eq!(report.only("link/broken").file, page);
}

#[test]
fn every_kind_of_working_link_passes_and_is_written_under_the_base_path() {
    let (site, _) = with_body(
        "## Links\n\n\
         [short](@statins-primary-prevention#evidence) [absolute](/questions/statins-primary-prevention/) \
         [page](/editorial-policy/) [topic](/topics/cardiology/) [here](#links) [reference](#ref-1) \
         [elsewhere](https://example.org/x) ![beside](scan.png) ![static](/images/chart.png) \
         [leaflet](files/leaflet.pdf) [theme](/theme/evident.css)\n",
    );
    site.write("content/cardiology/scan.png", b"beside the article");
    site.write("content/cardiology/files/leaflet.pdf", b"%PDF-1.4");
    site.write("static/images/chart.png", b"from static");
    site.run(&["check", "--deny", "warnings"]).expect_code(0);
    site.run(&["build", "--base-url", "https://example.org/kb/"])
        .expect_code(0);

    let page = site.html("public/questions/statin-muscle-symptoms/index.html");
    let hrefs = page.attrs(".article-body a, main a", "href");
    for expected in [
        "/kb/questions/statins-primary-prevention/#evidence",
        "/kb/questions/statins-primary-prevention/",
        "/kb/editorial-policy/",
        "/kb/topics/cardiology/",
        "#links",
        "#ref-1",
        "https://example.org/x",
        "/kb/questions/statin-muscle-symptoms/files/leaflet.pdf",
        "/kb/theme/evident.css",
    ] {
        assert!(hrefs.iter().any(|h| h == expected), "{expected} in {hrefs:?}");
    }
    let images = page.attrs("main img", "src");
    assert!(
        images.contains(&"/kb/questions/statin-muscle-symptoms/scan.png".to_string()),
        "{images:?}"
    );
    assert!(images.contains(&"/kb/images/chart.png".to_string()), "{images:?}");
    assert!(
        !site
            .read("public/questions/statin-muscle-symptoms/index.html")
            .contains("evident-site:"),
        "no internal marker reaches readers"
    );
    // The files are published where the links lead.
    assert_eq!(
        site.read("public/questions/statin-muscle-symptoms/scan.png"),
        "beside the article"
    );
    assert_eq!(
        site.read("public/questions/statin-muscle-symptoms/files/leaflet.pdf"),
        "%PDF-1.4"
    );
    assert_eq!(site.read("public/images/chart.png"), "from static");
    // A file beside the article that nothing links to stays unpublished.
    assert!(!site.exists("public/questions/statin-muscle-symptoms/statin-muscle-symptoms.md"));
}

#[test]
fn body_links_are_site_absolute_so_every_copy_of_the_body_works() {
    // The body is shown again on /questions/x/v/N/ and in editions: a relative `scan.png`
    // there would resolve against the wrong folder.
    let (site, _) = with_body("![beside](scan.png) [short](@statins-primary-prevention)\n");
    site.write("content/cardiology/scan.png", b"png");
    site.run(&["build"]).expect_code(0);
    let page = site.html("public/questions/statin-muscle-symptoms/index.html");
    assert_eq!(
        page.attrs("main img", "src"),
        ["/questions/statin-muscle-symptoms/scan.png"],
        "site-absolute, so the same HTML works at any depth"
    );
}
