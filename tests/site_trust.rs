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

    // The partial the banner once came from now only places it: a template written
    // against it keeps working…
    site.write(
        "templates/article.html",
        article_template(BANNER, "{% include \"partials/review.html\" %}"),
    );
    commit(&site, "2026-02-03T10:00:00Z", "banner from the partial");
    site.run(&["build"]).expect_code(0);
    assert_eq!(site.html(RADIUM_PAGE).count(".review-banner--pending"), 1);

    // …and a site's own version of it is refused for the claim it makes.
    site.write(
        "templates/partials/review.html",
        "<div class=\"review-banner review-banner--reviewed\"><p>Reviewed by Dr House</p></div>",
    );
    commit(&site, "2026-02-04T10:00:00Z", "a banner of our own");
    let report = site.run(&["build", "--format", "json"]).report();
    let finding = report.only("review/false-claim");
    assert_eq!(finding.file, "templates/partials/review.html");
    assert!(
        site.html(RADIUM_PAGE)
            .text(".review-banner")
            .contains("pending human review"),
        "the refused build left the previous page as it was"
    );
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

/// An Ed25519 key pair made for one test from a seed, outside the site: (private key
/// path, public key line).
fn keygen(dir: &std::path::Path, name: &str) -> (std::path::PathBuf, String) {
    use sha2::Digest as _;
    let seed: [u8; 32] = sha2::Sha256::digest(name.as_bytes()).into();
    let pair = ssh_key::private::Ed25519Keypair::from_seed(&seed);
    let key = ssh_key::PrivateKey::new(ssh_key::private::KeypairData::Ed25519(pair), name).unwrap();
    let private = dir.join(name);
    std::fs::write(&private, key.to_openssh(ssh_key::LineEnding::LF).unwrap().as_bytes()).unwrap();
    (private, key.public_key().to_openssh().unwrap())
}

/// The review fixture in git with signatures required, Ada registered, and the radium
/// article approved and signed by her.
fn signed_site(keys: &std::path::Path) -> (Site, std::path::PathBuf) {
    let site = Site::fixture("review/workflow");
    site.write(
        "evident.yaml",
        "title: \"Review fixture\"\nbase_url: \"https://kb.example.org/\"\nreview: {signatures: required, trust_root: repository}\n",
    );
    let (key, public) = keygen(keys, "ada");
    site.write(
        "people/ada-example.md",
        format!(
            "---\nname: \"Ada Example\"\ncredentials: \"MD\"\ndisclosures: \"None declared\"\nkeys:\n  - \"{public}\"\n---\n\nA fictional oncologist.\n"
        ),
    );
    git(&site, "2026-02-01T10:00:00Z", &["init", "-q"]);
    commit(&site, "2026-02-01T10:00:00Z", "content");
    let slug = "radium-223-visceral-disease";
    site.run(&["claim", slug, "--reviewer", "ada-example"]).expect_code(0);
    site.run(&[
        "approve",
        slug,
        "--reviewer",
        "ada-example",
        "--key",
        key.to_str().unwrap(),
    ])
    .expect_code(0);
    commit(&site, "2026-02-02T10:00:00Z", "approved");
    (site, key)
}

fn site_findings(site: &Site) -> Vec<(String, u32, u32, String)> {
    site.run(&["check", "--format", "json"])
        .report()
        .with_code("review/site-changed")
        .into_iter()
        .map(|f| (f.file.clone(), f.line, f.column, f.message.clone()))
        .collect()
}

#[test]
fn template_changes_are_reported_until_a_registered_reviewer_signs_the_site() {
    let keys = tempfile::tempdir().unwrap();
    let (site, key) = signed_site(keys.path());
    // On the built-in templates and theme there is nothing of the site's own to sign.
    assert_eq!(site_findings(&site), Vec::new());
    site.run(&["build"]).expect_code(0);
    assert!(site.html(RADIUM_PAGE).text(".review-banner").contains("Ada Example"));

    site.write(
        "templates/article.html",
        article_template(
            BANNER,
            &format!("{BANNER}<p class=\"house\">Printed copies expire.</p>"),
        ),
    );
    commit(&site, "2026-02-03T10:00:00Z", "house note");
    let findings = site_findings(&site);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].0, "site-approval.yaml");
    assert!(findings[0].3.contains("no reviewer has signed"), "{}", findings[0].3);
    site.run(&["check", "--deny", "warnings"]).expect_code(1);

    site.run(&["sign-site", "--reviewer", "ada-example", "--key", key.to_str().unwrap()])
        .expect_code(0);
    assert!(site.read("site-approval.yaml").contains("reviewer: ada-example"));
    assert_eq!(site_findings(&site), Vec::new());
    site.run(&["check", "--deny", "warnings"]).expect_code(0);
    commit(&site, "2026-02-04T10:00:00Z", "site signed");

    // A template that adds words after the approved answer is the site's change, not the
    // article's: the page keeps its approval, and check names the file until it is signed.
    site.write(
        "templates/article.html",
        site.read("templates/article.html").replace(
            "Printed copies expire.",
            "Printed copies expire. Double the dose if in doubt.",
        ),
    );
    commit(&site, "2026-02-05T10:00:00Z", "a helpful note");
    let findings = site_findings(&site);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(
        (findings[0].0.as_str(), findings[0].1, findings[0].2),
        ("templates/article.html", 1, 1)
    );
    assert!(
        findings[0].3.contains("since ada-example signed them"),
        "{}",
        findings[0].3
    );

    // A settings change that renders nothing (a check's severity) needs no signature; the
    // publisher's name, which the banner shows, does.
    site.write(
        "templates/article.html",
        site.read("templates/article.html")
            .replace(" Double the dose if in doubt.", ""),
    );
    let settings = site.read("evident.yaml");
    site.write("evident.yaml", format!("{settings}checks: {{graph/orphan: off}}\n"));
    assert_eq!(site_findings(&site), Vec::new());
    site.write("evident.yaml", format!("{settings}publisher: \"Someone Else\"\n"));
    assert_eq!(site_findings(&site)[0].0, "evident.yaml");
    site.write("evident.yaml", &settings);

    // Writing the new fingerprint by hand does not make it signed.
    site.write("theme/site.css", "body { margin: 0 }\n");
    let approval = site.read("site-approval.yaml");
    let forged_hash = approval
        .lines()
        .find(|l| l.starts_with("site_hash:"))
        .unwrap()
        .to_string();
    site.write(
        "site-approval.yaml",
        approval.replace(&forged_hash, "site_hash: sha256:0000"),
    );
    let findings = site_findings(&site);
    assert!(findings[0].3.contains("does not hold"), "{findings:?}");
}

#[test]
fn only_a_registered_key_of_the_named_reviewer_signs_the_site() {
    let keys = tempfile::tempdir().unwrap();
    let (site, _) = signed_site(keys.path());
    let (stranger, _) = keygen(keys.path(), "mallory");
    let output = site.run(&[
        "sign-site",
        "--reviewer",
        "ada-example",
        "--key",
        stranger.to_str().unwrap(),
    ]);
    output.expect_code(2);
    assert!(
        output.stderr.contains("not a key registered for ada-example"),
        "{}",
        output.stderr
    );
    let output = site.run(&["sign-site", "--reviewer", "nobody", "--key", stranger.to_str().unwrap()]);
    output.expect_code(2);
    assert!(!site.exists("site-approval.yaml"));
}
