//! Signed approvals and the people registry: a page names a reviewer only when the
//! reviewer's own registered key signed that approval of that text, and says when the
//! review falls due.

mod common;

use common::{Site, commit, git};
use std::path::{Path, PathBuf};
use std::process::Command;

const RADIUM: &str = "content/oncology/radium-223-visceral-disease.md";
const RADIUM_SLUG: &str = "radium-223-visceral-disease";
const RADIUM_PAGE: &str = "public/questions/radium-223-visceral-disease/index.html";
const DOSE: &str = "content/oncology/lu-psma-dose.md";
const DOSE_SLUG: &str = "lu-psma-dose";
const ADA_NAME: &str = "Ada Example";

/// An SSH key pair made for one test, outside the site.
struct Key {
    private: PathBuf,
    public: String,
}

impl Key {
    fn public_path(&self) -> PathBuf {
        PathBuf::from(format!("{}.pub", self.private.display()))
    }
}

fn has_ssh_keygen() -> bool {
    Command::new("ssh-keygen").arg("-?").output().is_ok()
}

/// `ssh-keygen -t ed25519 -N ''` when it is installed; else the same kind of key made with
/// the `ssh-key` crate from a seed derived from the name.
fn keygen(dir: &Path, name: &str) -> Key {
    let private = dir.join(name);
    if has_ssh_keygen() {
        let status = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
            .arg(&private)
            .status()
            .expect("run ssh-keygen");
        assert!(status.success());
    } else {
        use sha2::Digest as _;
        let seed: [u8; 32] = sha2::Sha256::digest(name.as_bytes()).into();
        let pair = ssh_key::private::Ed25519Keypair::from_seed(&seed);
        let key = ssh_key::PrivateKey::new(ssh_key::private::KeypairData::Ed25519(pair), name).unwrap();
        std::fs::write(&private, key.to_openssh(ssh_key::LineEnding::LF).unwrap().as_bytes()).unwrap();
        std::fs::write(
            format!("{}.pub", private.display()),
            key.public_key().to_openssh().unwrap(),
        )
        .unwrap();
    }
    let public = std::fs::read_to_string(format!("{}.pub", private.display()))
        .unwrap()
        .trim()
        .to_string();
    Key { private, public }
}

fn person(name: &str, credentials: &str, keys_yaml: &str) -> String {
    format!(
        "---\nname: \"{name}\"\ncredentials: \"{credentials}\"\nrole: \"Medical Advisory Board\"\nspecialties: [oncology]\ndisclosures: \"None declared\"\nkeys:\n{keys_yaml}---\n\n{name} is a fictional oncologist.\n"
    )
}

fn key_line(key: &Key) -> String {
    format!("  - \"{}\"\n", key.public)
}

fn dated_key(key: &Key, from: Option<&str>, until: Option<&str>) -> String {
    let mut yaml = format!("  - key: \"{}\"\n", key.public);
    if let Some(from) = from {
        yaml.push_str(&format!("    valid_from: {from}\n"));
    }
    if let Some(until) = until {
        yaml.push_str(&format!("    valid_until: {until}\n"));
    }
    yaml
}

/// The review fixture with signatures required, and two registered people with a key each.
struct Signed {
    site: Site,
    keys: tempfile::TempDir,
    ada: Key,
    bob: Key,
}

impl Signed {
    fn new() -> Signed {
        Signed::with_config("review: {signatures: required}\n")
    }

    fn with_config(extra: &str) -> Signed {
        let site = Site::fixture("review/workflow");
        site.write(
            "evident.yaml",
            format!("title: \"Review fixture\"\nbase_url: \"https://kb.example.org/\"\n{extra}"),
        );
        let keys = tempfile::tempdir().unwrap();
        let ada = keygen(keys.path(), "ada");
        let bob = keygen(keys.path(), "bob");
        site.write("people/ada-example.md", person(ADA_NAME, "MD, FRCR", &key_line(&ada)));
        site.write("people/bob-example.md", person("Bob Example", "MD", &key_line(&bob)));
        Signed { site, keys, ada, bob }
    }

    fn run(&self, args: &[&str]) -> common::Output {
        self.site.run(args)
    }

    /// Claims and approves `slug` as `id` (today), signing with `key`.
    fn approve(&self, slug: &str, id: &str, key: &Path) -> common::Output {
        self.run(&["claim", slug, "--reviewer", id]);
        self.run(&[
            "approve",
            slug,
            "--reviewer",
            id,
            "--role",
            "Medical Advisory Board",
            "--key",
            key.to_str().unwrap(),
        ])
    }

    fn check(&self) -> common::Report {
        self.run(&["check", "--format", "json", "--as-of", &*rel(118)]).report()
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.site.read(rel);
        assert!(text.contains(from), "{rel} has no `{from}`:\n{text}");
        self.site.write(rel, text.replacen(from, to, 1));
    }

    /// Builds with `code` lowered to a warning, so that the page a forgery would produce
    /// can be looked at.
    fn build_despite(&self, code: &str) -> common::Page {
        let config = self.site.read("evident.yaml");
        self.site
            .write("evident.yaml", format!("{config}checks:\n  {code}: warning\n"));
        self.run(&["build", "--as-of", &*rel(118)]).expect_code(0);
        self.site.write("evident.yaml", config);
        self.site.html(RADIUM_PAGE)
    }
}

/// Nothing of a review claim anywhere in the page or its metadata.
fn assert_names_no_reviewer(page: &common::Page, html: &str) {
    assert!(page.text(".review-banner").contains("pending human review"));
    assert!(!html.contains(ADA_NAME), "the page names the reviewer");
    assert!(!html.contains("Bob Example"), "the page names the reviewer");
    assert!(!html.contains("reviewedBy") && !html.contains("lastReviewed"));
    // Earlier versions' pages carry no structured data at all.
    if html.contains("application/ld+json") {
        let data = page.json_ld();
        assert!(data.get("reviewedBy").is_none(), "{data}");
    }
}

#[test]
fn a_signed_approval_holds_wherever_the_site_is_previewed_or_built() {
    // The statement names the site `evident.yaml` names; `serve` and `--base-url` render
    // the same approval at another address.
    let s = Signed::new();
    s.approve(RADIUM_SLUG, "ada-example", &s.ada.private).expect_code(0);
    let out = s.run(&[
        "build",
        "--format",
        "json",
        "--base-url",
        "http://127.0.0.1:4000/",
        "--as-of",
        &*rel(1),
    ]);
    out.expect_code(0);
    assert!(
        out.report().with_code("review/bad-signature").is_empty(),
        "{}",
        out.stdout
    );
    let page = s.site.html(RADIUM_PAGE);
    assert!(
        page.text(".review-banner").contains("Reviewed by Ada Example"),
        "{}",
        page.text(".review-banner")
    );
}

#[test]
fn a_signed_approval_names_the_reviewer_and_links_their_profile() {
    let s = Signed::new();
    s.approve(RADIUM_SLUG, "ada-example", &s.ada.private).expect_code(0);
    let text = s.site.read(RADIUM);
    assert!(text.contains("    - id: \"ada-example\"\n"), "{text}");
    assert!(text.contains("      signature: \""), "{text}");
    assert_clean_but_unpinned(&s.check());

    s.run(&["build", "--as-of", &*rel(118)]).expect_code(0);
    let page = s.site.html(RADIUM_PAGE);
    let banner = page.text(".review-banner");
    assert!(banner.contains("Medically reviewed"), "{banner}");
    assert!(banner.contains("Reviewed by Ada Example, MD, FRCR"), "{banner}");
    let due = common::today().plus_months(36).display();
    // The next due date sits with the review's progress, below the answer.
    let progress = page.text(".review-progress");
    assert!(progress.contains(&format!("Next review due {due}")), "{progress}");
    assert!(!banner.contains("overdue"), "{banner}");
    assert_eq!(page.attr(".review-banner__reviewer a", "href"), "/people/ada-example/");

    let data = page.json_ld();
    let reviewer = &data["reviewedBy"][0];
    assert_eq!(reviewer["@type"], "Person");
    assert_eq!(reviewer["name"], ADA_NAME);
    assert_eq!(reviewer["url"], "https://kb.example.org/people/ada-example/");
    assert_eq!(reviewer["jobTitle"], "Medical Advisory Board");
    assert_eq!(reviewer["hasCredential"]["name"], "MD, FRCR");
    assert_eq!(data["lastReviewed"], &*rel(0));

    let profile = s.site.html("public/people/ada-example/index.html");
    assert_eq!(profile.text("h1"), "Ada Example, MD, FRCR");
    assert!(profile.text(".person__facts").contains("None declared"));
    let approvals = profile.texts(".person__approvals li");
    assert_eq!(approvals.len(), 1, "{approvals:?}");
    assert!(approvals[0].contains("Can radium-223 be used"), "{approvals:?}");
    assert!(approvals[0].contains(&common::today().display()), "{approvals:?}");
    assert_eq!(
        profile.attr(".person__approvals a", "href"),
        "/questions/radium-223-visceral-disease/"
    );
    let bob = s.site.html("public/people/bob-example/index.html");
    assert_eq!(bob.count(".person__approvals li"), 0);
    assert!(
        s.site
            .read("public/sitemap.xml")
            .contains("<loc>https://kb.example.org/people/ada-example/</loc>")
    );
    let people = s.site.html("public/people/index.html");
    assert_eq!(
        people.attrs(".people__list a", "href"),
        ["/people/ada-example/", "/people/bob-example/"]
    );
}

#[test]
fn approve_refuses_what_it_cannot_sign_truthfully() {
    let s = Signed::new();
    s.run(&["claim", RADIUM_SLUG, "--reviewer", "ada-example"])
        .expect_code(0);
    let before = s.site.read(RADIUM);
    let approve = |id: &str, key: Option<&Path>| {
        let mut args = vec!["approve", RADIUM_SLUG, "--reviewer", id];
        if let Some(key) = key {
            args.extend(["--key", key.to_str().unwrap()]);
        }
        s.run(&args)
    };
    // Another person's key.
    let refused = approve("ada-example", Some(&s.bob.private));
    refused.expect_code(2);
    assert!(
        refused.stderr.contains("not one of ada-example's registered keys"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("registered for bob-example"),
        "{}",
        refused.stderr
    );
    // A key registered for no one.
    let stranger = keygen(s.keys.path(), "stranger");
    approve("ada-example", Some(&stranger.private)).expect_code(2);
    // No key where signatures are required.
    let unsigned = approve("ada-example", None);
    unsigned.expect_code(2);
    assert!(unsigned.stderr.contains("--key"), "{}", unsigned.stderr);
    // An id no one has, with the nearest as a hint.
    let unknown = approve("ada-exemple", Some(&s.ada.private));
    unknown.expect_code(2);
    assert!(
        unknown.stderr.contains("did you mean `ada-example`?"),
        "{}",
        unknown.stderr
    );
    assert_eq!(s.site.read(RADIUM), before, "a refused approval changes nothing");
}

#[test]
fn a_key_outside_its_dates_cannot_sign_and_revoking_it_withdraws_its_approvals() {
    let s = Signed::new();
    // Rotated away before the approval date: refused at approve.
    s.site.write(
        "people/ada-example.md",
        person(ADA_NAME, "MD", &dated_key(&s.ada, None, Some(&*rel(-3)))),
    );
    let refused = s.approve(RADIUM_SLUG, "ada-example", &s.ada.private);
    refused.expect_code(2);
    assert!(refused.stderr.contains("expired or been revoked"), "{}", refused.stderr);

    // Valid on the day it signed, then rotated out later: the approval holds.
    s.site.write(
        "people/ada-example.md",
        person(ADA_NAME, "MD", &dated_key(&s.ada, Some(&*rel(-33)), None)),
    );
    s.approve(RADIUM_SLUG, "ada-example", &s.ada.private).expect_code(0);
    let new_key = keygen(s.keys.path(), "ada-2");
    let rotated = format!(
        "{}{}",
        dated_key(&s.ada, Some(&*rel(-33)), Some(&*rel(26))),
        dated_key(&new_key, Some(&*rel(27)), None)
    );
    s.site.write("people/ada-example.md", person(ADA_NAME, "MD", &rotated));
    let report = s.check();
    assert_eq!(report.summary.errors, 0, "{report:?}");

    // Revoked from before the approval (the key was stolen): the approval no longer counts.
    s.site.write(
        "people/ada-example.md",
        person(ADA_NAME, "MD", &dated_key(&s.ada, Some(&*rel(-33)), Some(&*rel(-19)))),
    );
    let report = s.check();
    let finding = report.only("review/bad-signature");
    assert_eq!(finding.severity, "error");
    assert!(
        finding.message.contains("expired or been revoked"),
        "{}",
        finding.message
    );
    let page = s.build_despite("review/bad-signature");
    assert_names_no_reviewer(&page, &s.site.read(RADIUM_PAGE));
}

/// The line of the first reviewer entry of a file.
fn entry_line(text: &str) -> u32 {
    let at = text.find("    - id: ").expect("a reviewer entry");
    text[..at].lines().count() as u32 + 1
}

/// A signed approval of the radium article, then one tampering; `check` must name what is
/// wrong at the reviewer's entry and the page must name no one.
fn assert_forgery_caught(tamper: impl Fn(&Signed), expected: &str) {
    let s = Signed::new();
    s.approve(RADIUM_SLUG, "ada-example", &s.ada.private).expect_code(0);
    tamper(&s);
    let report = s.check();
    let finding = report.only("review/bad-signature");
    assert_eq!(finding.severity, "error");
    assert_eq!(
        (finding.file.as_str(), finding.line),
        (RADIUM, entry_line(&s.site.read(RADIUM))),
        "{finding:?}"
    );
    assert!(
        finding.message.contains(expected),
        "{expected:?} not in {}",
        finding.message
    );
    s.run(&["build", "--as-of", &*rel(118)]).expect_code(1);
    let page = s.build_despite("review/bad-signature");
    assert_names_no_reviewer(&page, &s.site.read(RADIUM_PAGE));
}

#[test]
fn a_changed_date_or_role_breaks_the_signature() {
    assert_forgery_caught(
        |s| s.edit(RADIUM, &format!("date: {}", rel(0)), &format!("date: {}", rel(1))),
        "not over this approval",
    );
    assert_forgery_caught(
        |s| {
            s.edit(
                RADIUM,
                "role: \"Medical Advisory Board\"",
                "role: \"Chief of Oncology\"",
            )
        },
        "not over this approval",
    );
}

#[test]
fn a_signature_by_another_persons_key_is_named_as_such() {
    assert_forgery_caught(
        |s| {
            // Bob co-signs as himself; then Ada's entry is dropped and Bob's relabelled as
            // hers, keeping Bob's valid signature.
            s.approve(RADIUM_SLUG, "bob-example", &s.bob.private).expect_code(0);
            let text = s.site.read(RADIUM);
            let ada = text.find("    - id: \"ada-example\"").unwrap();
            let bob = text.find("    - id: \"bob-example\"").unwrap();
            let forged = format!("{}{}", &text[..ada], &text[bob..]).replace("bob-example", "ada-example");
            s.site.write(RADIUM, forged);
        },
        "signed with a key of bob-example",
    );
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn a_key_registered_after_the_approval_date_cannot_have_signed_it() {
    assert_forgery_caught(
        |s| {
            s.site.write(
                "people/ada-example.md",
                person(ADA_NAME, "MD", &dated_key(&s.ada, Some(&*rel(26)), None)),
            );
        },
        &format!("not yet valid on {}", rel(0)),
    );
}

#[test]
fn a_hand_written_hash_over_changed_text_keeps_no_signature() {
    assert_forgery_caught(
        |s| {
            // The dose changes; the hash of the new text is written in by hand (here taken
            // from an unsigned approval on a copy without signatures).
            s.edit(RADIUM, "6 injections", "8 injections");
            let scratch = Site::empty();
            copy_tree(s.site.root(), scratch.root());
            scratch.write(
                "evident.yaml",
                "title: \"Copy\"\nbase_url: \"https://kb.example.org/\"\n",
            );
            scratch
                .run(&["claim", RADIUM_SLUG, "--reviewer", "Someone Else"])
                .expect_code(0);
            scratch
                .run(&["approve", RADIUM_SLUG, "--reviewer", "Someone Else"])
                .expect_code(0);
            let hash_line = |text: &str| {
                let start = text.find("  approved_hash: ").unwrap();
                let end = start + text[start..].find('\n').unwrap();
                text[start..end].to_string()
            };
            let forged = hash_line(&scratch.read(RADIUM));
            let text = s.site.read(RADIUM);
            let old = hash_line(&text);
            assert_ne!(old, forged);
            s.site.write(RADIUM, text.replace(&old, &forged));
        },
        "not over this approval",
    );
}

#[test]
fn a_signature_moved_to_another_article_or_a_copied_block_does_not_count() {
    let s = Signed::new();
    s.approve(RADIUM_SLUG, "ada-example", &s.ada.private).expect_code(0);
    s.run(&["submit", DOSE_SLUG]).expect_code(0);
    s.approve(DOSE_SLUG, "ada-example", &s.ada.private).expect_code(0);
    assert_eq!(s.check().summary.errors, 0);
    let signature = |rel: &str| {
        let text = s.site.read(rel);
        let start = text.find("      signature: \"").unwrap();
        let end = start + text[start..].find('\n').unwrap();
        text[start..end].to_string()
    };
    let (radium, dose) = (signature(RADIUM), signature(DOSE));
    s.edit(RADIUM, &radium, &dose);
    s.edit(DOSE, &dose, &radium);
    let report = s.check();
    let findings = report.with_code("review/bad-signature");
    let files: Vec<&str> = findings.iter().map(|f| f.file.as_str()).collect();
    assert_eq!(files, [DOSE, RADIUM], "{report:?}");

    // The whole review block copied from one article to another: its hash is not the
    // other's text, so that page is pending too.
    let t = Signed::new();
    t.approve(RADIUM_SLUG, "ada-example", &t.ada.private).expect_code(0);
    let text = t.site.read(RADIUM);
    let block = &text[text.find("review:\n").unwrap()..text.find("references:\n").unwrap()];
    let dose_text = t.site.read(DOSE);
    let own = &dose_text[dose_text.find("review:\n").unwrap()..dose_text.find("references:\n").unwrap()];
    t.site.write(DOSE, dose_text.replace(own, block));
    let report = t.check();
    assert_eq!(report.only("review/stale-approval").file, DOSE);
    t.run(&["build", "--as-of", &*rel(118)]).expect_code(0);
    let page = t.site.html("public/questions/lu-psma-dose/index.html");
    assert_names_no_reviewer(&page, &t.site.read("public/questions/lu-psma-dose/index.html"));
}

#[test]
fn unsigned_approvals_are_pending_when_required_and_counted_with_a_warning_when_optional() {
    let s = Signed::with_config("review: {signatures: optional}\n");
    s.run(&["claim", RADIUM_SLUG, "--reviewer", "ada-example"])
        .expect_code(0);
    s.run(&["approve", RADIUM_SLUG, "--reviewer", "ada-example"])
        .expect_code(0);
    let report = s.check();
    let finding = report.only("review/unsigned");
    assert_eq!(
        (finding.severity.as_str(), finding.line),
        ("warning", entry_line(&s.site.read(RADIUM)))
    );
    s.run(&["build", "--as-of", &*rel(118)]).expect_code(0);
    assert!(s.site.html(RADIUM_PAGE).text(".review-banner").contains(ADA_NAME));

    s.site.write(
        "evident.yaml",
        "title: \"Review fixture\"\nbase_url: \"https://kb.example.org/\"\nreview: {signatures: required}\n",
    );
    let report = s.check();
    let finding = report.only("review/unsigned");
    assert_eq!(finding.severity, "error");
    assert!(finding.message.contains("pending review"), "{}", finding.message);
    let page = s.build_despite("review/unsigned");
    assert_names_no_reviewer(&page, &s.site.read(RADIUM_PAGE));
}

#[test]
fn an_overdue_review_still_names_the_reviewer_and_says_it_is_overdue() {
    let s = Signed::with_config("review: {signatures: required, interval: 1y}\n");
    s.approve(RADIUM_SLUG, "ada-example", &s.ada.private).expect_code(0);
    let current = s
        .run(&["check", "--format", "json", "--as-of", &*due().to_string()])
        .report();
    assert!(current.with_code("review/overdue").is_empty(), "{current:?}");

    let late = s
        .run(&["check", "--format", "json", "--as-of", &*rel_to(due(), 1)])
        .report();
    let finding = late.only("review/overdue");
    assert_eq!((finding.file.as_str(), finding.severity.as_str()), (RADIUM, "warning"));
    assert!(
        finding.message.contains(&*format!("due on {}", due())),
        "{}",
        finding.message
    );

    s.run(&["build", "--as-of", &*rel_to(due(), 1)]).expect_code(0);
    let page = s.site.html(RADIUM_PAGE);
    let banner = page.text(".review-banner");
    assert!(banner.contains("Reviewed by Ada Example"), "{banner}");
    assert!(banner.contains("review overdue"), "{banner}");
    assert!(
        banner.contains(&*format!("This review is overdue: it was due on {}", due().display())),
        "{banner}"
    );
    assert_eq!(page.json_ld()["lastReviewed"], &*rel(0));
    let queue = s.site.html("public/review/index.html");
    assert_eq!(queue.texts(".queue--overdue tbody tr").len(), 1);
    assert!(queue.text(".queue--overdue").contains("Can radium-223 be used"));
    let home = s.site.html("public/index.html");
    assert!(
        home.text(".status-summary__queue")
            .contains("1 approved question is overdue for review"),
        "{}",
        home.text(".status-summary__queue")
    );

    // An article's own `next_due` takes the place of the interval.
    s.edit(
        RADIUM,
        "  approved_hash:",
        &format!("  next_due: {}\n  approved_hash:", rel(700)),
    );
    let report = s.run(&["check", "--format", "json", "--as-of", &*rel(480)]).report();
    assert!(report.with_code("review/overdue").is_empty(), "{report:?}");

    // The terminal queue (judged against today) lists overdue reviews in their own group.
    s.edit(
        RADIUM,
        &format!("next_due: {}", rel(700)),
        &format!("next_due: {}", rel(-1)),
    );
    let out = s.run(&["review", "--format", "json"]);
    out.expect_code(0);
    let queue: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(queue["overdue"][0]["slug"], RADIUM_SLUG, "{queue}");
    assert_eq!(queue["overdue"][0]["due"], rel(-1), "{queue}");
    let human = s.run(&["review"]);
    assert!(human.stdout.contains("1 overdue for review"), "{}", human.stdout);
}

#[test]
fn unknown_reviewer_ids_and_missing_disclosures_are_findings() {
    let s = Signed::with_config("");
    s.run(&["claim", RADIUM_SLUG, "--reviewer", "ada-example"])
        .expect_code(0);
    s.edit(RADIUM, "- id: \"ada-example\"", "- id: \"ada-exampel\"");
    let report = s.check();
    let unknown = report.only("people/unknown");
    assert_eq!(unknown.at(), (RADIUM, entry_line(&s.site.read(RADIUM)), 7));
    assert_eq!(unknown.hint.as_deref(), Some("did you mean `ada-example`?"));

    let s = Signed::with_config("");
    s.run(&["claim", RADIUM_SLUG, "--reviewer", "ada-example"])
        .expect_code(0);
    s.run(&["approve", RADIUM_SLUG, "--reviewer", "ada-example"])
        .expect_code(0);
    s.edit("people/ada-example.md", "disclosures: \"None declared\"\n", "");
    let report = s.check();
    let finding = report.only("people/no-disclosures");
    assert_eq!(
        (finding.file.as_str(), finding.severity.as_str()),
        ("people/ada-example.md", "warning")
    );
}

#[test]
fn new_person_writes_a_complete_entry_that_checks_clean() {
    let s = Signed::with_config("");
    let out = s.run(&["new-person", "carol-example"]);
    out.expect_code(0);
    let text = s.site.read("people/carol-example.md");
    for field in [
        "name:",
        "credentials:",
        "role:",
        "affiliation:",
        "specialties:",
        "disclosures:",
        "keys:",
        "emails:",
    ] {
        assert!(text.contains(field), "{field} missing:\n{text}");
    }
    assert_eq!(s.check().summary.errors, 0);
    s.run(&["new-person", "carol-example"]).expect_code(2);
    s.run(&["new-person", "Carol Example"]).expect_code(2);
    s.edit("people/carol-example.md", "emails: []", "emials: []");
    let report = s.check();
    let finding = report.only("frontmatter/unknown-field");
    assert_eq!(finding.file, "people/carol-example.md");
    assert_eq!(finding.hint.as_deref(), Some("did you mean `emails`?"));
    // The human report quotes the line, as it does for articles.
    let human = s.run(&["check"]);
    assert!(
        human.stderr.contains("--> people/carol-example.md:"),
        "{}",
        human.stderr
    );
    assert!(human.stderr.contains("| emials: []"), "{}", human.stderr);
}

/// The statement as README documents it, for signing outside Evident.
fn statement(hash: &str, date: &str) -> String {
    format!(
        "evident-approval v1\nsite: \"https://kb.example.org/\"\nslug: \"{RADIUM_SLUG}\"\napproved_hash: \"{hash}\"\nreviewer: \"ada-example\"\nrole: \"Medical Advisory Board\"\ndate: \"{date}\"\n"
    )
}

fn approved_hash(text: &str) -> String {
    let start = text.find("approved_hash: \"").unwrap() + "approved_hash: \"".len();
    let end = start + text[start..].find('"').unwrap();
    text[start..end].to_string()
}

#[test]
fn signatures_interoperate_with_ssh_keygen() {
    if !has_ssh_keygen() {
        eprintln!("ssh-keygen is not installed: interoperability not tested");
        return;
    }
    let s = Signed::new();
    s.approve(RADIUM_SLUG, "ada-example", &s.ada.private).expect_code(0);
    let text = s.site.read(RADIUM);
    let hash = approved_hash(&text);
    let scratch = s.keys.path();
    std::fs::write(scratch.join("statement"), statement(&hash, &rel(0))).unwrap();

    // Evident's signature verifies with `ssh-keygen -Y verify`.
    let start = text.find("signature: \"").unwrap() + "signature: \"".len();
    let body = &text[start..start + text[start..].find('"').unwrap()];
    let mut armored = String::from("-----BEGIN SSH SIGNATURE-----\n");
    for chunk in body.as_bytes().chunks(70) {
        armored.push_str(std::str::from_utf8(chunk).unwrap());
        armored.push('\n');
    }
    armored.push_str("-----END SSH SIGNATURE-----\n");
    std::fs::write(scratch.join("evident.sig"), armored).unwrap();
    std::fs::write(scratch.join("allowed"), format!("ada-example {}\n", s.ada.public)).unwrap();
    let verified = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-n", "evident-approval", "-I", "ada-example", "-f"])
        .arg(scratch.join("allowed"))
        .arg("-s")
        .arg(scratch.join("evident.sig"))
        .stdin(std::fs::File::open(scratch.join("statement")).unwrap())
        .output()
        .unwrap();
    assert!(
        verified.status.success(),
        "ssh-keygen -Y verify refused Evident's signature: {}",
        String::from_utf8_lossy(&verified.stderr)
    );

    // A signature made by `ssh-keygen -Y sign` verifies in Evident.
    let signed = Command::new("ssh-keygen")
        .args(["-q", "-Y", "sign", "-n", "evident-approval", "-f"])
        .arg(&s.ada.private)
        .stdin(std::fs::File::open(scratch.join("statement")).unwrap())
        .output()
        .unwrap();
    assert!(signed.status.success(), "{}", String::from_utf8_lossy(&signed.stderr));
    let theirs: String = String::from_utf8(signed.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    // Ed25519 signatures are deterministic: ssh-keygen's signature of the statement README
    // documents is byte for byte the one Evident wrote, so each verifies the other's.
    assert_eq!(theirs, body);
    let report = s.check();
    assert_eq!(report.summary.errors, 0, "{report:?}");
    // The same signature over another date does not.
    s.edit(RADIUM, &format!("date: {}", rel(0)), &format!("date: {}", rel(-1)));
    assert_eq!(
        s.check().only("review/bad-signature").line,
        entry_line(&s.site.read(RADIUM))
    );
}

#[test]
fn a_public_key_whose_private_half_is_in_ssh_agent_signs() {
    let agent_available = Command::new("ssh-agent").arg("-h").output().is_ok();
    if !has_ssh_keygen() || !agent_available {
        eprintln!("ssh-keygen or ssh-agent is not installed: signing through the agent not tested");
        return;
    }
    let s = Signed::new();
    let socket = s.keys.path().join("agent.sock");
    let mut agent = Command::new("ssh-agent")
        .arg("-D")
        .arg("-a")
        .arg(&socket)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start ssh-agent");
    for _ in 0..100 {
        if socket.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let added = Command::new("ssh-add")
        .arg("-q")
        .arg(&s.ada.private)
        .env("SSH_AUTH_SOCK", &socket)
        .output()
        .expect("run ssh-add");
    // Only the agent holds the private key from here on.
    std::fs::remove_file(&s.ada.private).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_evident"))
            .arg("--root")
            .arg(s.site.root())
            .args(args)
            .env("SSH_AUTH_SOCK", &socket)
            .output()
            .expect("run evident")
    };
    run(&["claim", RADIUM_SLUG, "--reviewer", "ada-example"]);
    let public = s.ada.public_path();
    let approved = run(&[
        "approve",
        RADIUM_SLUG,
        "--reviewer",
        "ada-example",
        "--key",
        public.to_str().unwrap(),
    ]);
    let _ = agent.kill();
    let _ = agent.wait();
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    assert!(
        approved.status.success(),
        "{}",
        String::from_utf8_lossy(&approved.stderr)
    );
    assert!(s.site.read(RADIUM).contains("signature: \""));
    assert_eq!(s.check().summary.errors, 0);
}

#[test]
fn a_reviewer_whose_co_signature_fails_can_sign_again() {
    let s = Signed::new();
    s.approve(RADIUM_SLUG, "ada-example", &s.ada.private).expect_code(0);
    s.approve(RADIUM_SLUG, "bob-example", &s.bob.private).expect_code(0);
    // Bob's entry loses its signature (say, a bad merge); Ada's still holds.
    let text = s.site.read(RADIUM);
    let bob = text.find("    - id: \"bob-example\"").unwrap();
    let start = bob + text[bob..].find("      signature: ").unwrap();
    let end = start + text[start..].find('\n').unwrap() + 1;
    s.site.write(RADIUM, format!("{}{}", &text[..start], &text[end..]));
    let bob_line = text[..bob].lines().count() as u32 + 1;
    assert_eq!(s.check().only("review/unsigned").line, bob_line);
    s.approve(RADIUM_SLUG, "bob-example", &s.bob.private).expect_code(0);
    assert_clean_but_unpinned(&s.check());
    let signed = s.site.read(RADIUM);
    assert_eq!(signed.matches("      signature: ").count(), 2, "{signed}");
    assert_eq!(signed.matches("    - id: \"bob-example\"").count(), 1, "{signed}");
}

#[test]
fn init_requires_signed_approvals_and_a_new_person_completes_the_setup() {
    let site = Site::empty();
    site.run(&["init", "."]).expect_code(0);
    assert!(site.read("evident.yaml").contains("review:\n  signatures: required\n"));
    site.run(&["new-person", "jane-example"]).expect_code(0);
    let report = site.run(&["check", "--format", "json"]).report();
    assert_eq!(report.summary.errors, 0, "{report:?}");
    site.run(&["build"]).expect_code(0);
    let profile = site.html("public/people/jane-example/index.html");
    assert_eq!(profile.text("h1"), "Firstname Lastname, MD");
}

#[test]
fn an_edition_is_judged_by_its_own_rules_and_registry() {
    // Tagged: an unsigned approval on a site that (by then) required signatures.
    let s = Signed::with_config("review: {signatures: optional}\n");
    s.run(&["claim", RADIUM_SLUG, "--reviewer", "ada-example"])
        .expect_code(0);
    s.run(&["approve", RADIUM_SLUG, "--reviewer", "ada-example"])
        .expect_code(0);
    let required = "title: \"Review fixture\"\nbase_url: \"https://kb.example.org/\"\nreview: {signatures: required}\n";
    s.site.write("evident.yaml", required);
    s.site.write(".gitignore", "/public/\n/.evident-cache/\n");
    git(&s.site, "2026-02-04T12:00:00Z", &["init", "-q"]);
    commit(&s.site, "2026-02-04T12:00:00Z", "Unsigned approval");
    git(&s.site, "2026-02-04T12:00:00Z", &["tag", "edition-1"]);

    // Now: a new version, which Ada signs.
    s.edit(RADIUM, "version: 2", "version: 3");
    s.edit(RADIUM, "6 injections", "six injections");
    s.edit(RADIUM, "updated: 2026-02-01", "updated: 2026-02-03");
    // Only committed text is approved in a repository.
    commit(&s.site, "2026-02-05T11:00:00Z", "A new version");
    s.approve(RADIUM_SLUG, "ada-example", &s.ada.private).expect_code(0);
    s.site
        .write("evident.yaml", format!("{required}edition_tags: \"edition-*\"\n"));
    commit(&s.site, "2026-02-05T12:00:00Z", "Signed approval");
    s.run(&["build", "--as-of", &*rel(118)]).expect_code(0);

    assert!(s.site.html(RADIUM_PAGE).text(".review-banner").contains(ADA_NAME));
    let old_path = format!("public/editions/1/questions/{RADIUM_SLUG}/index.html");
    let old = s.site.html(&old_path);
    assert_names_no_reviewer(&old, &s.site.read(&old_path));
    // The earlier version's own page, and the history page, judge it the same way.
    let v2_path = format!("public/questions/{RADIUM_SLUG}/v/2/index.html");
    assert_names_no_reviewer(&s.site.html(&v2_path), &s.site.read(&v2_path));
    let history = s
        .site
        .read(&format!("public/questions/{RADIUM_SLUG}/history/index.html"));
    assert_eq!(history.matches(ADA_NAME).count(), 0, "{history}");
}

/// The day `days` after today (before, when negative), as YYYY-MM-DD: approvals are dated
/// today, so every date around them is written relative to it.
fn rel(days: i64) -> String {
    rel_to(common::today(), days)
}

fn rel_to(date: evident::date::Date, days: i64) -> String {
    evident::date::Date::from_days_since_epoch(date.days_since_epoch() + days).to_string()
}

/// When an approval given today falls due under `interval: 1y`.
fn due() -> evident::date::Date {
    common::today().plus_months(12)
}

#[test]
fn only_keys_pinned_outside_the_repository_sign_when_a_trust_root_is_given() {
    let s = Signed::new();
    s.approve(RADIUM_SLUG, "ada-example", &s.ada.private).expect_code(0);
    // Without a pinned root, check says that people/ alone decides who may sign.
    let unpinned = s.check();
    let finding = unpinned.only("review/untrusted-registry");
    assert_eq!(
        (finding.file.as_str(), finding.severity.as_str()),
        ("evident.yaml", "warning")
    );
    assert!(finding.hint.as_deref().unwrap_or_default().contains("--trusted-keys"));

    // Whoever can write to the repository registers a key of their own under Ada's name
    // and signs: the registry alone cannot tell.
    let mallory = keygen(s.keys.path(), "mallory");
    s.site.write(
        "people/ada-example.md",
        person(
            ADA_NAME,
            "MD, FRCR",
            &format!("{}{}", key_line(&s.ada), key_line(&mallory)),
        ),
    );
    s.run(&["submit", DOSE_SLUG]).expect_code(0);
    s.approve(DOSE_SLUG, "ada-example", &mallory.private).expect_code(0);
    assert!(s.check().with_code("review/bad-signature").is_empty());

    // Pinned outside the repository: Ada's real key still signs, Mallory's does not.
    let pinned = s.keys.path().join("trusted");
    std::fs::write(&pinned, format!("# who may sign\n{}\n", s.ada.public)).unwrap();
    let pinned = pinned.to_str().unwrap();
    let report = s
        .run(&[
            "check",
            "--format",
            "json",
            "--as-of",
            &rel(118),
            "--trusted-keys",
            pinned,
        ])
        .report();
    assert!(report.with_code("review/untrusted-registry").is_empty(), "{report:?}");
    let refused = report.only("review/bad-signature");
    assert_eq!(refused.file, DOSE);
    assert!(
        refused.message.contains("not among the trusted keys"),
        "{}",
        refused.message
    );
    s.run(&["build", "--as-of", &rel(118), "--trusted-keys", pinned])
        .expect_code(1);
    // The same keys from the environment, as a CI secret sets them.
    let from_env = s
        .site
        .run_with_env(
            &["check", "--format", "json", "--as-of", &rel(118)],
            &[("EVIDENT_TRUSTED_KEYS", s.ada.public.as_str())],
        )
        .report();
    assert_eq!(from_env.only("review/bad-signature").file, DOSE);
    assert!(from_env.with_code("review/untrusted-registry").is_empty());

    // A trust root that cannot be read is a configuration error naming line and column.
    let broken = s.keys.path().join("broken");
    std::fs::write(&broken, format!("{}\n  ssh-ed25519 not-a-key\n", s.ada.public)).unwrap();
    let out = s.run(&["check", "--format", "json", "--trusted-keys", broken.to_str().unwrap()]);
    out.expect_code(2);
    let report = out.report();
    let finding = report.only("config/invalid-value");
    assert_eq!((finding.line, finding.column), (2, 3));
}

#[test]
fn a_site_that_trusts_its_repository_says_so_and_is_not_warned() {
    let s = Signed::with_config("review: {signatures: required, trust_root: repository}\n");
    s.approve(RADIUM_SLUG, "ada-example", &s.ada.private).expect_code(0);
    assert!(s.check().with_code("review/untrusted-registry").is_empty());
    let off = Signed::with_config("review: {signatures: off}\n");
    assert!(off.check().with_code("review/untrusted-registry").is_empty());
}

/// No finding but the warning that no trust root is pinned (these sites pin none).
fn assert_clean_but_unpinned(report: &common::Report) {
    let others: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code != "review/untrusted-registry")
        .collect();
    assert!(others.is_empty(), "{report:?}");
}

#[test]
fn a_name_or_co_signer_added_by_hand_is_not_published() {
    let s = Signed::new();
    s.approve(RADIUM_SLUG, "ada-example", &s.ada.private).expect_code(0);
    let approved = s.site.read(RADIUM);
    // A written name beside the signed id: nothing verifies it.
    s.edit(
        RADIUM,
        "    - id: \"ada-example\"\n",
        "    - id: \"ada-example\"\n      name: \"Prof Famous\"\n",
    );
    let report = s.check();
    assert_eq!(report.only("review/bad-record").line, entry_line(&s.site.read(RADIUM)));
    let page = s.build_despite("review/bad-record");
    assert_names_no_reviewer(&page, &s.site.read(RADIUM_PAGE));
    assert!(!s.site.read(RADIUM_PAGE).contains("Prof Famous"));

    // A co-signer typed in: unsigned, so the page names only the reviewer who signed.
    s.site.write(RADIUM, &approved);
    s.edit(
        RADIUM,
        "  approved_hash:",
        &format!("    - id: \"bob-example\"\n      date: {}\n  approved_hash:", rel(0)),
    );
    let report = s.check();
    assert_eq!(report.only("review/unsigned").severity, "error");
    let page = s.build_despite("review/unsigned");
    let banner = page.text(".review-banner");
    assert!(banner.contains(ADA_NAME), "{banner}");
    assert!(!banner.contains("Bob Example"), "{banner}");
}
