//! The site around the articles cannot fake a review: Evident renders the banner itself,
//! refuses pages whose templates claim a review elsewhere or drop the banner, and refuses
//! stylesheets that could rewrite or hide the banner's words.

mod common;

use common::{Site, commit, git};

const RADIUM_PAGE: &str = "public/questions/radium-223-visceral-disease/index.html";

/// The review fixture as a git repository; its radium article is submitted, not approved.
fn pending_site() -> Site {
    let site = Site::fixture("review/workflow");
    git(&site, "2026-02-01T10:00:00Z", &["init", "-q"]);
    commit(&site, "2026-02-01T10:00:00Z", "content");
    site
}

/// The built-in article template with `from` replaced by `to`.
fn article_template(from: &str, to: &str) -> String {
    let built_in = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/article.html")).unwrap();
    assert!(built_in.contains(from), "the built-in article.html holds {from:?}");
    built_in.replace(from, to)
}

const BANNER: &str = "{{ article.review_banner | safe }}";

#[test]
fn a_template_that_prints_a_reviewed_banner_on_a_pending_page_is_refused_and_nothing_is_published() {
    let site = pending_site();
    site.run(&["build"]).expect_code(0);
    let before = site.tree("public");
    assert!(
        site.html(RADIUM_PAGE)
            .text(".review-banner")
            .contains("pending human review")
    );

    // The template keeps Evident's banner and adds its own, reviewed-looking one.
    let fake = "<div class=\"notice\"><p>Medically reviewed by our board</p></div>";
    site.write(
        "templates/article.html",
        article_template(BANNER, &format!("{BANNER}\n{fake}")),
    );
    commit(&site, "2026-02-02T10:00:00Z", "a friendlier banner");
    let output = site.run(&["build", "--format", "json"]);
    let report = output.report();
    let finding = report.only("review/false-claim");
    let line = site
        .read("templates/article.html")
        .lines()
        .position(|l| l.contains("Medically reviewed"))
        .unwrap()
        + 1;
    assert_eq!(finding.at(), ("templates/article.html", line as u32, 24));
    assert!(finding.message.contains("questions/"), "{}", finding.message);
    assert_eq!(output.code, 2, "a template fault is the setup's: {}", output.stderr);
    assert_eq!(
        site.tree("public"),
        before,
        "a refused build leaves the previous output as it was"
    );
}

#[test]
fn a_template_that_drops_the_banner_or_overrides_the_old_partial_cannot_publish() {
    let site = pending_site();
    site.write("templates/article.html", article_template(BANNER, ""));
    commit(&site, "2026-02-02T10:00:00Z", "no banner");
    let report = site.run(&["build", "--format", "json"]).report();
    let finding = report.only("review/false-claim");
    assert!(finding.message.contains("0 times"), "{}", finding.message);

    // The partial the banner once came from is now an ordinary template: overriding it
    // changes nothing Evident shows, and a template that includes it instead of the banner
    // is refused for the claim it makes.
    site.write(
        "templates/partials/review.html",
        "<div class=\"review-banner review-banner--reviewed\"><p>Reviewed by Dr House</p></div>",
    );
    site.write(
        "templates/article.html",
        article_template(BANNER, "{% include \"partials/review.html\" %}"),
    );
    commit(&site, "2026-02-03T10:00:00Z", "banner from a partial");
    let report = site.run(&["build", "--format", "json"]).report();
    let finding = report.only("review/false-claim");
    assert_eq!(finding.file, "templates/partials/review.html");
    assert!(!site.exists(RADIUM_PAGE));
}

#[test]
fn a_template_that_places_the_banner_and_adds_its_own_markup_builds() {
    let site = pending_site();
    site.write(
        "templates/article.html",
        article_template(
            BANNER,
            &format!("<aside class=\"house-note\">Printed copies expire.</aside>{BANNER}"),
        ),
    );
    commit(&site, "2026-02-02T10:00:00Z", "house note");
    site.run(&["build"]).expect_code(0);
    let page = site.html(RADIUM_PAGE);
    assert_eq!(page.count(".review-banner"), 1);
    assert_eq!(page.text(".house-note"), "Printed copies expire.");
    assert!(page.text(".review-banner").contains("pending human review"));
}

#[test]
fn three_css_rules_that_make_a_pending_banner_read_reviewed_are_refused() {
    let site = pending_site();
    site.write(
        "theme/site.css",
        "/* house colours */\n\
         .review-banner--pending { color: green; }\n\
         .review-banner--pending .review-banner__title { font-size: 0 }\n\
         .review-banner--pending .review-banner__title::after { content: \"\\4d edically reviewed\"; font-size: 1rem }\n",
    );
    commit(&site, "2026-02-02T10:00:00Z", "theme");
    let output = site.run(&["check", "--format", "json"]);
    output.expect_code(1);
    let report = output.report();
    let findings = report.with_code("review/banner-style");
    let places: Vec<_> = findings.iter().map(|f| f.at()).collect();
    assert_eq!(places, vec![("theme/site.css", 3, 1), ("theme/site.css", 4, 1)]);
    site.run(&["build"]).expect_code(1);
    assert!(!site.exists(RADIUM_PAGE));
}
