//! Addresses that outlive renames: `aliases` publish a redirect page at each old address
//! and list it in `_redirects`.

mod common;

use common::{Site, commit, git};

const MUSCLE: &str = "content/cardiology/statin-muscle-symptoms.md";

fn with_aliases(aliases: &str) -> Site {
    let site = Site::fixture("build/valid-site");
    let text = site.read(MUSCLE).replacen(
        "related: [statins-primary-prevention]\n",
        &format!("related: [statins-primary-prevention]\naliases: {aliases}\n"),
        1,
    );
    site.write(MUSCLE, text);
    site
}

#[test]
fn an_old_address_redirects_to_the_renamed_question() {
    let site = with_aliases("[statin-myalgia, do-statins-hurt]");
    site.run(&["build", "--base-url", "https://example.org/kb/"])
        .expect_code(0);
    let page = site.html("public/questions/statin-myalgia/index.html");
    assert_eq!(
        page.attr("meta[http-equiv=refresh]", "content"),
        "0; url=/kb/questions/statin-muscle-symptoms/"
    );
    assert_eq!(
        page.attr("link[rel=canonical]", "href"),
        "https://example.org/kb/questions/statin-muscle-symptoms/"
    );
    assert_eq!(page.attr("meta[name=robots]", "content"), "noindex");
    assert_eq!(page.attr("main a", "href"), "/kb/questions/statin-muscle-symptoms/");
    assert_eq!(page.text("main a"), "Do statins cause muscle pain?");
    assert!(site.exists("public/questions/do-statins-hurt/index.html"));

    let redirects: Vec<String> = site
        .read("public/_redirects")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    assert_eq!(
        redirects,
        [
            "/kb/questions/statin-myalgia/ /kb/questions/statin-muscle-symptoms/ 301",
            "/kb/questions/do-statins-hurt/ /kb/questions/statin-muscle-symptoms/ 301",
        ]
    );
    // Redirects are not pages of the site for search engines.
    assert!(!site.read("public/sitemap.xml").contains("statin-myalgia"));
}

#[test]
fn a_link_to_an_old_address_still_leads_somewhere() {
    let site = with_aliases("[statin-myalgia]");
    let page = "content/pages/editorial-policy.md";
    site.write(page, site.read(page) + "\n[muscle pain](/questions/statin-myalgia/)\n");
    site.run(&["check", "--deny", "warnings"]).expect_code(0);
    site.write(page, site.read(page) + "\n[muscle pain](/questions/statin-myalga/)\n");
    let report = site.run(&["check", "--format", "json"]).expect_code(1).report();
    assert_eq!(
        report.only("link/broken").file,
        page,
        "a misspelt old address is still broken"
    );
}

#[test]
fn an_alias_cannot_take_another_questions_address() {
    let site = with_aliases("[statins-primary-prevention, Bad_Alias]");
    let report = site.run(&["check", "--format", "json"]).expect_code(1).report();
    let duplicate = report.only("slug/duplicate");
    let line = site
        .read(MUSCLE)
        .lines()
        .position(|l| l.starts_with("aliases:"))
        .unwrap() as u32
        + 1;
    assert_eq!(duplicate.at(), (MUSCLE, line, 11));
    assert!(
        duplicate.message.contains("statins-primary-prevention.md"),
        "{}",
        duplicate.message
    );
    let invalid = report.only("frontmatter/invalid-value");
    assert_eq!(invalid.at(), (MUSCLE, line, 39));
    assert!(
        invalid.hint.as_deref().unwrap_or_default().contains("bad-alias"),
        "{:?}",
        invalid.hint
    );
}

/// The fixture built once, then its muscle-symptoms article renamed to `statin-muscle-pain`
/// (the question that listed it as related updated too).
fn built_then_renamed() -> Site {
    let site = Site::fixture("build/valid-site");
    site.run(&["build"]).expect_code(0);
    let renamed = site.read(MUSCLE).replacen(
        "related: [statins-primary-prevention]\n",
        "slug: statin-muscle-pain\nrelated: [statins-primary-prevention]\n",
        1,
    );
    site.write(MUSCLE, renamed);
    let other = "content/cardiology/statins-primary-prevention.md";
    site.write(
        other,
        site.read(other)
            .replace("related: [statin-muscle-symptoms]", "related: [statin-muscle-pain]"),
    );
    site
}

#[test]
fn a_published_address_cannot_disappear_without_an_alias() {
    let site = built_then_renamed();
    let output = site.run(&["build", "--format", "json"]);
    output.expect_code(1);
    let report = output.report();
    let removed = report.only("url/removed");
    let line = line_naming(&site.read("public/sitemap.xml"), "/questions/statin-muscle-symptoms/");
    assert_eq!(removed.file, "public/sitemap.xml");
    assert_eq!(removed.line, line);
    assert!(
        removed
            .message
            .contains("https://kb.example.org/questions/statin-muscle-symptoms/")
    );
    assert!(
        removed
            .hint
            .as_deref()
            .unwrap_or_default()
            .contains(&format!("add `aliases: [statin-muscle-symptoms]` to {MUSCLE}")),
        "{:?}",
        removed.hint
    );
    // Nothing was published: the old page is still there, the new one is not.
    assert!(site.exists("public/questions/statin-muscle-symptoms/index.html"));
    assert!(!site.exists("public/questions/statin-muscle-pain/index.html"));

    // With the alias, the old address redirects and the build publishes.
    site.write(
        MUSCLE,
        site.read(MUSCLE).replacen(
            "slug: statin-muscle-pain\n",
            "slug: statin-muscle-pain\naliases: [statin-muscle-symptoms]\n",
            1,
        ),
    );
    site.run(&["build"]).expect_code(0);
    assert!(site.exists("public/questions/statin-muscle-pain/index.html"));
    assert!(site.exists("public/questions/statin-muscle-symptoms/index.html"));

    // The old address is remembered through `_redirects`: dropping the alias later is caught.
    site.write(
        MUSCLE,
        site.read(MUSCLE).replacen("aliases: [statin-muscle-symptoms]\n", "", 1),
    );
    let report = site.run(&["build", "--format", "json"]).expect_code(1).report();
    assert_eq!(report.only("url/removed").at(), ("public/_redirects", 2, 1));
}

/// A site past the sitemap protocol's 50,000 addresses publishes `sitemap.xml` as an index
/// of numbered parts (`render::sitemap`); an address listed in a part is as published as
/// one in a single sitemap. The earlier output is made split here by hand: the test site
/// is far below the limit.
#[test]
fn an_address_in_a_part_of_a_split_sitemap_cannot_disappear_either() {
    let site = built_then_renamed();
    let whole = site.read("public/sitemap.xml");
    site.write("public/sitemap-1.xml", &whole);
    site.write(
        "public/sitemap.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n\
         \x20 <sitemap>\n\
         \x20   <loc>https://kb.example.org/sitemap-1.xml</loc>\n\
         \x20 </sitemap>\n\
         </sitemapindex>\n",
    );
    let report = site.run(&["build", "--format", "json"]).expect_code(1).report();
    let removed = report.only("url/removed");
    let line = line_naming(&whole, "/questions/statin-muscle-symptoms/");
    assert_eq!((removed.file.as_str(), removed.line), ("public/sitemap-1.xml", line));
    assert!(
        removed
            .message
            .contains("https://kb.example.org/questions/statin-muscle-symptoms/")
    );
}

#[test]
fn a_question_held_back_for_review_keeps_its_address() {
    // Not published today (a draft), but still in the content: its address comes back.
    let site = Site::fixture("build/valid-site");
    site.run(&["build"]).expect_code(0);
    site.write(
        MUSCLE,
        site.read(MUSCLE).replacen("status: submitted", "status: draft", 1),
    );
    let report = site.run(&["build", "--format", "json"]).expect_code(0).report();
    assert!(report.with_code("url/removed").is_empty(), "{:#?}", report.diagnostics);
    assert!(
        !site.read("public/sitemap.xml").contains("statin-muscle-symptoms"),
        "the draft is left out of this build"
    );
}

#[test]
fn a_withdrawn_question_keeps_its_address_for_a_notice_and_leaves_every_listing() {
    let site = Site::fixture("build/valid-site");
    site.run(&["build"]).expect_code(0);
    site.write(
        MUSCLE,
        site.read(MUSCLE).replacen(
            "related: [statins-primary-prevention]\n",
            "related: [statins-primary-prevention]\nretired: {date: 2026-02-01, reason: \"Merged into the question on primary prevention.\", replaced_by: [statins-primary-prevention]}\n",
            1,
        ),
    );
    let report = site.run(&["build", "--format", "json"]).expect_code(0).report();
    assert!(report.with_code("url/removed").is_empty(), "{:#?}", report.diagnostics);

    let page = site.html("public/questions/statin-muscle-symptoms/index.html");
    assert_eq!(page.text("h1"), "Do statins cause muscle pain?");
    assert!(
        page.text("main")
            .contains("Merged into the question on primary prevention.")
    );
    assert!(page.text(".eyebrow").contains("2026-02-01"));
    assert_eq!(page.attr("main li a", "href"), "/questions/statins-primary-prevention/");
    assert_eq!(page.attr("meta[name=robots]", "content"), "noindex");
    assert!(
        page.texts(".review-banner").is_empty(),
        "no review claim on a withdrawn page"
    );
    assert!(!site.read("public/sitemap.xml").contains("statin-muscle-symptoms"));
    assert!(!site.read("public/index.html").contains("statin-muscle-symptoms"));
    assert!(
        !site
            .read("public/topics/cardiology/index.html")
            .contains("statin-muscle-symptoms")
    );
}

#[test]
fn a_withdrawn_question_must_name_questions_that_exist() {
    let site = Site::fixture("build/valid-site");
    site.write(
        MUSCLE,
        site.read(MUSCLE).replacen(
            "related: [statins-primary-prevention]\n",
            "related: [statins-primary-prevention]\nretired: {date: 2026-02-01, reason: \"Merged.\", replaced_by: [statins-primary-preventon]}\n",
            1,
        ),
    );
    let report = site.run(&["check", "--format", "json"]).expect_code(1).report();
    let broken = report.only("link/broken");
    assert_eq!(broken.file, MUSCLE);
    assert!(
        broken
            .hint
            .as_deref()
            .unwrap_or_default()
            .contains("statins-primary-prevention")
    );
}

/// The fixture as a git repository whose one commit is tagged `edition-1` (editions from
/// `edition_tags`), never built: the state of a CI job that builds into an empty folder.
fn published_as_edition() -> Site {
    let site = Site::fixture("build/valid-site");
    site.write(
        "evident.yaml",
        site.read("evident.yaml") + "edition_tags: \"edition-*\"\n",
    );
    site.write(".gitignore", "/public/\n/fresh/\n/.evident-cache/\n/.evident/\n");
    git(&site, "2026-01-10T12:00:00Z", &["init", "-q"]);
    commit(&site, "2026-01-10T12:00:00Z", "Edition 1");
    git(&site, "2026-01-10T12:00:00Z", &["tag", "edition-1"]);
    site
}

/// Renames the muscle-symptoms question to `statin-muscle-pain` (the question listing it
/// as related follows), with `extra` front matter after the new slug, and commits it.
fn rename_muscle(site: &Site, extra: &str) {
    site.write(
        MUSCLE,
        site.read(MUSCLE).replacen(
            "related: [statins-primary-prevention]\n",
            &format!("slug: statin-muscle-pain\n{extra}related: [statins-primary-prevention]\n"),
            1,
        ),
    );
    let other = "content/cardiology/statins-primary-prevention.md";
    site.write(
        other,
        site.read(other)
            .replace("related: [statin-muscle-symptoms]", "related: [statin-muscle-pain]"),
    );
    commit(site, "2026-02-01T12:00:00Z", "Rename the muscle question");
}

/// Deletes the muscle-symptoms question, and the related link to it.
fn delete_muscle(site: &Site) {
    std::fs::remove_file(site.path(MUSCLE)).unwrap();
    let other = "content/cardiology/statins-primary-prevention.md";
    site.write(
        other,
        site.read(other)
            .replace("related: [statin-muscle-symptoms]", "related: []"),
    );
}

/// The line (from 1) of `text` that names `address`: where a sitemap lists it.
fn line_naming(text: &str, address: &str) -> u32 {
    text.lines()
        .position(|l| l.contains(address))
        .unwrap_or_else(|| panic!("no line names {address:?}")) as u32
        + 1
}

fn line_of(site: &Site, rel: &str, start: &str) -> u32 {
    site.read(rel)
        .lines()
        .position(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line starting {start:?} in {rel}")) as u32
        + 1
}

#[test]
fn an_address_of_the_latest_edition_cannot_disappear_even_from_an_empty_output_folder() {
    let site = published_as_edition();
    rename_muscle(&site, "");
    assert!(!site.exists("fresh"));
    let report = site
        .run(&["build", "--out", "fresh", "--format", "json"])
        .expect_code(1)
        .report();
    let removed = report.only("url/removed");
    // At the line where the alias belongs: the renamed article's slug.
    assert_eq!(removed.at(), (MUSCLE, line_of(&site, MUSCLE, "slug:"), 7));
    assert!(
        removed
            .message
            .contains("https://kb.example.org/questions/statin-muscle-symptoms/")
            && removed.message.contains("edition `1`"),
        "{}",
        removed.message
    );
    assert!(
        removed
            .hint
            .as_deref()
            .unwrap_or_default()
            .contains(&format!("add `aliases: [statin-muscle-symptoms]` to {MUSCLE}")),
        "{:?}",
        removed.hint
    );
    assert!(!site.exists("fresh/index.html"), "nothing was published");

    // With the alias, the old address redirects and the build publishes.
    site.write(
        MUSCLE,
        site.read(MUSCLE).replacen(
            "slug: statin-muscle-pain\n",
            "slug: statin-muscle-pain\naliases: [statin-muscle-symptoms]\n",
            1,
        ),
    );
    let report = site
        .run(&["build", "--out", "fresh", "--format", "json"])
        .expect_code(0)
        .report();
    assert!(report.with_code("url/removed").is_empty(), "{:#?}", report.diagnostics);
    assert!(site.exists("fresh/questions/statin-muscle-symptoms/index.html"));
    assert!(site.exists("fresh/questions/statin-muscle-pain/index.html"));
}

#[test]
fn an_edition_question_withdrawn_since_keeps_its_address() {
    let site = published_as_edition();
    site.write(
        MUSCLE,
        site.read(MUSCLE).replacen(
            "related: [statins-primary-prevention]\n",
            "related: [statins-primary-prevention]\nretired: {date: 2026-02-01, reason: \"Merged.\", replaced_by: [statins-primary-prevention]}\n",
            1,
        ),
    );
    commit(&site, "2026-02-01T12:00:00Z", "Withdraw the muscle question");
    let report = site
        .run(&["build", "--out", "fresh", "--format", "json"])
        .expect_code(0)
        .report();
    assert!(report.with_code("url/removed").is_empty(), "{:#?}", report.diagnostics);
    assert!(site.exists("fresh/questions/statin-muscle-symptoms/index.html"));

    // Published withdrawn in edition 2, the notice's address must stay too.
    git(&site, "2026-02-01T12:00:00Z", &["tag", "edition-2"]);
    delete_muscle(&site);
    commit(&site, "2026-03-01T12:00:00Z", "Delete the withdrawn question");
    std::fs::remove_dir_all(site.path("fresh")).unwrap();
    let report = site
        .run(&["build", "--out", "fresh", "--format", "json"])
        .expect_code(1)
        .report();
    let removed = report.only("url/removed");
    assert!(removed.message.contains("edition `2`"), "{}", removed.message);
    assert!(
        removed.hint.as_deref().unwrap_or_default().contains("`retired:` note"),
        "{:?}",
        removed.hint
    );
}

#[test]
fn an_edition_question_whose_file_is_gone_is_reported_at_the_edition() {
    let site = published_as_edition();
    delete_muscle(&site);
    commit(&site, "2026-02-01T12:00:00Z", "Delete the muscle question");
    let report = site
        .run(&["build", "--out", "fresh", "--format", "json"])
        .expect_code(1)
        .report();
    let removed = report.only("url/removed");
    // No file holds the question now: the finding names the edition that published it.
    assert_eq!(
        removed.at(),
        ("evident.yaml", line_of(&site, "evident.yaml", "edition_tags:"), 15)
    );
    assert!(
        removed.message.contains(&format!("(for {MUSCLE})")),
        "{}",
        removed.message
    );
}

#[test]
fn an_address_in_both_the_previous_output_and_the_edition_is_reported_once() {
    let site = published_as_edition();
    site.run(&["build"]).expect_code(0);
    rename_muscle(&site, "");
    let report = site.run(&["build", "--format", "json"]).expect_code(1).report();
    let removed = report.only("url/removed");
    assert_eq!(
        removed.file, "public/sitemap.xml",
        "the previous output's finding comes first"
    );
}
