//! Every finding code is produced by the real binary on a real site. The match below has no
//! catch-all, so a new code does not compile until it has a case here, and each case must
//! yield a finding of its code, or the test fails.

mod common;

use common::{Site, commit, git};
use evident::diagnostic::Code;

/// How a code is shown to be reachable.
enum Exercise {
    /// Prepare a site, run `evident ARGS`; the JSON report must hold a finding of the code
    /// and the process must exit with `exit`.
    Run {
        site: fn() -> Site,
        args: &'static [&'static str],
        exit: i32,
    },
    /// Reachable only through a race the binary cannot be driven into deterministically
    /// (a file changed in the middle of a build); `test` in `file` covers it and must name
    /// the code.
    UnitTest {
        file: &'static str,
        test: &'static str,
        variant: &'static str,
    },
}

const CHECK: &[&str] = &["check", "--format", "json", "--as-of", "2026-11-28"];
const BUILD: &[&str] = &["build", "--format", "json", "--as-of", "2026-11-28"];
/// For sites with approvals, which are dated today: judged as of a fixed day before it, they
/// would be dated in the future.
const CHECK_TODAY: &[&str] = &["check", "--format", "json"];
const CHECK_EXTERNAL: &[&str] = &["check", "--external", "--format", "json", "--as-of", "2026-11-28"];
const RADIUM: &str = "content/oncology/radium-223-visceral-disease.md";

fn exercise(code: Code) -> Exercise {
    let check = |site: fn() -> Site, exit: i32| Exercise::Run {
        site,
        args: CHECK,
        exit,
    };
    let check_today = |site: fn() -> Site, exit: i32| Exercise::Run {
        site,
        args: CHECK_TODAY,
        exit,
    };
    match code {
        Code::ContentUnreadable => check(
            || {
                let site = Site::fixture("build/valid-site");
                site.write("content/general/latin-1.md", b"---\nquestion: \"Caf\xe9?\"\n---\n");
                site
            },
            1,
        ),
        Code::ContentTooLarge => check(
            || {
                let site = Site::fixture("build/valid-site");
                // One byte over the default limit of 5 MiB.
                let mut text = b"---\nquestion: \"Big?\"\n---\n".to_vec();
                text.resize(5 * 1024 * 1024 + 1, b'a');
                site.write("content/general/big.md", &text);
                site
            },
            1,
        ),
        Code::ContentChanged => Exercise::UnitTest {
            file: "src/load/mod.rs",
            test: "a_file_read_again_is_given_only_while_it_holds_the_parsed_text",
            variant: "Code::ContentChanged",
        },
        Code::ContentSkipped => check(
            || {
                let site = Site::fixture("build/valid-site");
                // A link out of the site is never followed, and said so.
                std::os::unix::fs::symlink("/etc/passwd", site.path("content/cardiology/passwd.md")).unwrap();
                site
            },
            0,
        ),
        Code::ContentControlCharacter => check(
            || {
                let site = Site::fixture("build/valid-site");
                site.write(
                    "content/cardiology/nul.md",
                    "---\nquestion: \"Is a NUL\0 byte text?\"\n---\n",
                );
                site
            },
            1,
        ),
        Code::ContentPlaceholder => check(
            || {
                let site = Site::fixture("build/valid-site");
                site.write(
                    "content/cardiology/placeholder.md",
                    "---\nquestion: \"Is it written yet?\"\nanswer: >-\n  Write the bottom line here.\ntopics: [cardiology]\n---\n",
                );
                site
            },
            1,
        ),
        Code::FrontmatterSyntax => check(|| Site::fixture("front-matter/unclosed"), 1),
        Code::FrontmatterMissingField => check(|| Site::fixture("front-matter/missing-question"), 1),
        Code::FrontmatterUnknownField => check(|| Site::fixture("front-matter/unknown-field"), 1),
        Code::FrontmatterInvalidValue => check(|| Site::fixture("front-matter/impossible-date"), 1),
        Code::SlugDuplicate => check(|| Site::fixture("slug/duplicate"), 1),
        Code::CitationUnresolved => check(|| Site::fixture("citations/unresolved"), 1),
        Code::CitationUnused => check(|| Site::fixture("citations/unused"), 0),
        Code::CitationUncitedClaim => check(|| Site::fixture("citations/uncited-claim"), 0),
        Code::CitationSyntax | Code::CitationBareKey | Code::CitationHandNumbered => {
            check(|| Site::fixture("citations/traps"), 1)
        }
        Code::ReferenceDuplicate => check(|| Site::fixture("citations/duplicate"), 1),
        Code::ReferenceIdentifier => check(|| Site::fixture("citations/identifiers"), 1),
        Code::ReferenceMissingField => check(|| Site::fixture("citations/missing-field"), 1),
        Code::ReferenceStale => check(|| Site::fixture("citations/stale"), 0),
        Code::ReferenceRetracted => check(|| Site::fixture("citations/retracted"), 1),
        Code::ReferenceUnformattable => check(
            || {
                let site = Site::fixture("citations/shared-bibliography");
                site.write(
                    "evident.yaml",
                    "title: \"Test knowledge base\"\nbase_url: \"https://kb.example.org/\"\ncitations:\n  style: nature\n",
                );
                let article = "content/prostate-cancer/after-six-cycles.md";
                let text = site
                    .read(article)
                    .replacen("[\"Derlin T\",", "[\"Derlin, Thorsten, Jr., MD\",", 1);
                site.write(article, text);
                site
            },
            1,
        ),
        Code::ReferenceTitleCase => check(
            || {
                // The fixture's article titles are in title case; the check is off by default.
                let site = Site::fixture("citations/rendered");
                let config = site.read("evident.yaml") + "checks:\n  reference/title-case: warning\n";
                site.write("evident.yaml", config);
                site.write(
                    "references/titles.yaml",
                    "- id: title-case\n  type: research\n  authors: [\"Doe J\"]\n  \
                     title: \"Neurologic Symptoms After Radioligand Therapy\"\n  journal: \"J Nucl Med\"\n  year: 2024\n",
                );
                site
            },
            0,
        ),
        Code::BibliographySyntax => check(
            || {
                let site = Site::fixture("citations/shared-bibliography");
                site.write("references/broken.yaml", "- id: [unclosed\n");
                site
            },
            1,
        ),
        Code::RelatedDangling => check(|| Site::fixture("related/dangling"), 1),
        Code::RelatedImplausible => check(|| Site::fixture("graph/model-page"), 0),
        Code::QuestionDuplicate => check(
            || {
                let site = Site::fixture("readers/site");
                let original = site.read("content/diabetes/metformin-first-line.md");
                site.write(
                    "content/diabetes/metformin-first-line-again.md",
                    original.replace(
                        "Is metformin still the first-line drug",
                        "Is metformin still a first-line drug",
                    ),
                );
                site
            },
            0,
        ),
        Code::RelatedUnpublished => check_today(
            || {
                // Radium is approved and lists the dose article, which is only submitted.
                let site = reviewed_site("review: {publish: approved}\n", people::DISCLOSED, None);
                let dose = "content/oncology/lu-psma-dose.md";
                site.write(dose, site.read(dose).replace("status: draft", "status: submitted"));
                site
            },
            0,
        ),
        Code::LinkUnpublished => check_today(
            || {
                let site = Site::fixture("review/workflow");
                site.write(
                    "evident.yaml",
                    format!("{}review: {{publish: approved}}\n", site.read("evident.yaml")),
                );
                site.write(
                    RADIUM,
                    format!("{}\n[Dose](/questions/lu-psma-dose/)\n", site.read(RADIUM)),
                );
                site.run(&["claim", "radium-223-visceral-disease", "--reviewer", "Dr Ada Lovelace"])
                    .expect_code(0);
                site.run(&[
                    "approve",
                    "radium-223-visceral-disease",
                    "--reviewer",
                    "Dr Ada Lovelace",
                ])
                .expect_code(0);
                site
            },
            1,
        ),
        Code::RelatedOneWay => check(
            || {
                let site = Site::fixture("graph/ranking");
                let config = site.read("evident.yaml") + "checks:\n  related/one-way: warning\n";
                site.write("evident.yaml", config);
                site
            },
            0,
        ),
        Code::LinkBroken => check(
            || {
                let site = Site::fixture("build/valid-site");
                let file = "content/cardiology/statin-muscle-symptoms.md";
                site.write(file, site.read(file) + "\n![scan](/images/missing.png)\n");
                site
            },
            1,
        ),
        Code::LinkAnchor => check(
            || {
                let site = Site::fixture("build/valid-site");
                let file = "content/cardiology/statin-muscle-symptoms.md";
                site.write(file, site.read(file) + "\n[more](#no-such-heading)\n");
                site
            },
            1,
        ),
        Code::LinkExternal => Exercise::Run {
            site: || {
                // A local port nothing listens on: refused at once, no network needed.
                let port = std::net::TcpListener::bind("127.0.0.1:0")
                    .unwrap()
                    .local_addr()
                    .unwrap()
                    .port();
                let site = Site::fixture("build/valid-site");
                let file = "content/cardiology/statin-muscle-symptoms.md";
                site.write(file, site.read(file) + &format!("\n[x](http://127.0.0.1:{port}/x)\n"));
                site
            },
            args: CHECK_EXTERNAL,
            exit: 0,
        },
        Code::UrlRemoved => Exercise::Run {
            site: || {
                let site = Site::fixture("build/valid-site");
                site.run(&["build"]).expect_code(0);
                let file = "content/cardiology/statin-muscle-symptoms.md";
                site.write(
                    file,
                    site.read(file)
                        .replacen("question:", "slug: statin-muscle-pain\nquestion:", 1),
                );
                let other = "content/cardiology/statins-primary-prevention.md";
                site.write(
                    other,
                    site.read(other)
                        .replace("[statin-muscle-symptoms]", "[statin-muscle-pain]"),
                );
                site
            },
            args: BUILD,
            exit: 1,
        },
        Code::GraphOrphan => check(|| Site::fixture("graph/orphan"), 0),
        Code::ReviewIncomplete => check(
            || {
                let site = Site::fixture("review/workflow");
                let text = site.read(RADIUM).replace(
                    "review:\n  status: submitted\n",
                    "review:\n  status: approved\n  reviewers:\n    - {name: \"Dr Ada Lovelace\", date: 2026-02-03}\n",
                );
                site.write(RADIUM, text);
                site
            },
            1,
        ),
        Code::ReviewStaleApproval => check(
            || {
                let site = Site::fixture("review/workflow");
                let slug = "radium-223-visceral-disease";
                site.run(&["claim", slug, "--reviewer", "Dr Ada Lovelace"])
                    .expect_code(0);
                site.run(&["approve", slug, "--reviewer", "Dr Ada Lovelace"])
                    .expect_code(0);
                site.write(RADIUM, site.read(RADIUM).replace("6 injections", "7 injections"));
                site
            },
            0,
        ),
        Code::ReviewUnsigned => check_today(
            || reviewed_site("review: {signatures: optional}\n", people::DISCLOSED, None),
            0,
        ),
        Code::ReviewBadSignature => check_today(
            || {
                let site = reviewed_site("review: {signatures: required}\n", people::DISCLOSED, Some("ada"));
                // A role changed after signing is no longer what was signed.
                site.write(RADIUM, site.read(RADIUM).replace("Medical Advisory Board", "Chair"));
                site
            },
            1,
        ),
        Code::ReviewUntrustedRegistry => check_today(
            || reviewed_site("review: {signatures: required}\n", people::DISCLOSED, Some("ada")),
            0,
        ),
        Code::ReviewBadRecord => check_today(
            || {
                let site = reviewed_site("", people::DISCLOSED, None);
                // Dated before the article was created (2026-01-05).
                let today = evident::date::Date::today();
                site.write(
                    RADIUM,
                    site.read(RADIUM).replace(&format!("date: {today}"), "date: 2026-01-01"),
                );
                site
            },
            1,
        ),
        Code::ReviewOverdue => Exercise::Run {
            // Approvals are dated today: a `next_due` already past makes one overdue.
            site: || {
                let site = reviewed_site("", people::DISCLOSED, None);
                site.write(
                    RADIUM,
                    site.read(RADIUM)
                        .replace("  approved_hash:", "  next_due: 2026-01-01\n  approved_hash:"),
                );
                site
            },
            args: &["check", "--format", "json"],
            exit: 0,
        },
        Code::ReviewFalseClaim => Exercise::Run {
            site: || {
                let site = Site::fixture("build/valid-site");
                site.write(
                    "templates/article.html",
                    "{% extends \"base.html\" %}{% block content %}{% block notice %}{% endblock notice %}{{ article.review_banner | safe }}<p>Medically reviewed</p>{% endblock content %}",
                );
                site
            },
            args: BUILD,
            exit: 2,
        },
        Code::ReviewBannerStyle => check(
            || {
                let site = Site::fixture("build/valid-site");
                site.write("theme/site.css", ".review-banner__title { display: none }\n");
                site
            },
            1,
        ),
        Code::ReviewSiteChanged => check_today(
            || {
                let site = reviewed_site("review: {signatures: required}\n", people::DISCLOSED, Some("ada"));
                // A template of the site's own that no reviewer has signed.
                site.write("templates/partials/toc.html", "<nav></nav>");
                site
            },
            0,
        ),
        Code::PeopleUnknown => check_today(
            || {
                let site = reviewed_site("", people::DISCLOSED, None);
                site.write(RADIUM, site.read(RADIUM).replace("ada-example", "ada-exampel"));
                site
            },
            1,
        ),
        Code::PeopleNoDisclosures => check_today(|| reviewed_site("", people::UNDISCLOSED, None), 0),
        Code::ReadabilityTooHard => check(
            || {
                let site = Site::fixture("standards/site");
                let article = site.read("content/general/water.md").replace(
                    "Drink when you feel thirsty.",
                    "Pharmacological interventions necessitate individualized consideration of comorbidities.",
                );
                site.write("content/general/water.md", article);
                site
            },
            0,
        ),
        Code::HistoryUnreadable => Exercise::Run {
            site: || {
                let site = Site::fixture("build/valid-site");
                git(&site, "2026-01-05T10:00:00Z", &["init", "-q"]);
                commit(&site, "2026-01-05T10:00:00Z", "first");
                // A repository whose objects are gone: `git log` fails.
                for entry in std::fs::read_dir(site.path(".git/objects")).unwrap() {
                    let path = entry.unwrap().path();
                    if path.file_name().is_some_and(|n| n.len() == 2) {
                        std::fs::remove_dir_all(path).unwrap();
                    }
                }
                site
            },
            args: BUILD,
            exit: 0,
        },
        Code::HistoryShallow => Exercise::Run {
            site: shallow_clone,
            args: BUILD,
            exit: 0,
        },
        Code::ConfigSyntax => check(
            || {
                let site = Site::fixture("build/valid-site");
                site.write("evident.yaml", "title: [unclosed\n");
                site
            },
            2,
        ),
        Code::ConfigUnknownField => check(|| Site::fixture("config/unknown-key"), 2),
        Code::ConfigInvalidValue => check(
            || {
                let site = Site::fixture("build/valid-site");
                site.write("evident.yaml", "title: \"KB\"\nbase_url: \"not an address\"\n");
                site
            },
            2,
        ),
        Code::TemplateError => Exercise::Run {
            site: || {
                let site = Site::fixture("build/valid-site");
                site.write("templates/article.html", "{% if %}");
                site
            },
            args: BUILD,
            exit: 2,
        },
        Code::OutputWrite => Exercise::Run {
            site: || {
                let site = Site::fixture("build/valid-site");
                // The output's parent is a file: no folder can be made there.
                site.write("not-a-folder", "x");
                site
            },
            args: &["build", "--format", "json", "--out", "not-a-folder/site"],
            exit: 2,
        },
    }
}

mod people {
    pub const DISCLOSED: &str = "disclosures: \"None declared\"\n";
    pub const UNDISCLOSED: &str = "";
}

/// The review fixture with `review_config` in evident.yaml, one registered reviewer (with
/// `disclosures`) and the radium article claimed and approved by her (today),
/// signed with a key made in the site folder when `key` names one.
fn reviewed_site(review_config: &str, disclosures: &str, key: Option<&str>) -> Site {
    let site = Site::fixture("review/workflow");
    site.write(
        "evident.yaml",
        format!("title: \"Review fixture\"\nbase_url: \"https://kb.example.org/\"\n{review_config}"),
    );
    let mut keys = String::new();
    if let Some(name) = key {
        // A key made by the `ssh-key` crate from a fixed seed: no external program needed.
        use sha2::Digest as _;
        let seed: [u8; 32] = sha2::Sha256::digest(name.as_bytes()).into();
        let pair = ssh_key::private::Ed25519Keypair::from_seed(&seed);
        let private = ssh_key::PrivateKey::new(ssh_key::private::KeypairData::Ed25519(pair), name).unwrap();
        site.write(
            &format!("keys/{name}"),
            private.to_openssh(ssh_key::LineEnding::LF).unwrap().as_bytes(),
        );
        keys = format!("keys:\n  - \"{}\"\n", private.public_key().to_openssh().unwrap());
    }
    site.write(
        "people/ada-example.md",
        format!("---\nname: \"Ada Example\"\ncredentials: \"MD\"\n{disclosures}{keys}---\n\nA fictional reviewer.\n"),
    );
    let slug = "radium-223-visceral-disease";
    site.run(&["claim", slug, "--reviewer", "ada-example"]).expect_code(0);
    let mut approve = vec![
        "approve",
        slug,
        "--reviewer",
        "ada-example",
        "--role",
        "Medical Advisory Board",
    ];
    let key_path = key.map(|name| site.path(&format!("keys/{name}")));
    if let Some(path) = &key_path {
        approve.extend(["--key", path.to_str().unwrap()]);
    }
    site.run(&approve).expect_code(0);
    site
}

#[test]
fn every_finding_code_is_produced_by_the_binary() {
    let mut failures = Vec::new();
    for code in Code::ALL {
        match exercise(code) {
            Exercise::Run { site, args, exit } => {
                let site = site();
                let out = site.run(args);
                let found = serde_json::from_str::<serde_json::Value>(&out.stdout)
                    .ok()
                    .and_then(|report| report["diagnostics"].as_array().cloned())
                    .is_some_and(|all| all.iter().any(|d| d["code"] == code.as_str()));
                if !found || out.code != exit {
                    failures.push(format!(
                        "{code}: `evident {}` exited {} (expected {exit}), finding {}:\n{}\n{}",
                        args.join(" "),
                        out.code,
                        if found { "present" } else { "absent" },
                        out.stdout,
                        out.stderr
                    ));
                }
            }
            Exercise::UnitTest { file, test, variant } => {
                let source = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
                    .unwrap_or_else(|e| panic!("{code}: cannot read {file}: {e}"));
                let body = source
                    .split_once(&format!("fn {test}()"))
                    .map(|(_, rest)| rest.split("\n    #[test]").next().unwrap_or(rest));
                if !body.is_some_and(|body| body.contains(variant)) {
                    failures.push(format!("{code}: no test `{test}` naming {variant} in {file}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Codes are an interface: each name is distinct and reads back as its code.
#[test]
fn the_code_list_names_every_code_once() {
    let names: std::collections::BTreeSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(names.len(), Code::ALL.len());
    for code in Code::ALL {
        assert_eq!(Code::from_name(code.as_str()), Some(code));
    }
}

/// A depth-1 clone of a site with two commits: what CI checkouts are by default.
fn shallow_clone() -> Site {
    let source = Site::fixture("build/valid-site");
    git(&source, "2026-01-05T10:00:00Z", &["init", "-q"]);
    commit(&source, "2026-01-05T10:00:00Z", "first");
    let file = "content/cardiology/statin-muscle-symptoms.md";
    source.write(file, source.read(file) + "\nA second paragraph.\n");
    commit(&source, "2026-01-06T10:00:00Z", "second");
    let clone = Site::empty();
    let url = format!("file://{}", source.root().display());
    git(
        &clone,
        "2026-01-06T10:00:00Z",
        &["clone", "-q", "--depth", "1", &url, "."],
    );
    clone
}
