//! Addresses that outlive renames: `aliases` publish a redirect page at each old address
//! and list it in `_redirects`.

mod common;

use common::Site;

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
