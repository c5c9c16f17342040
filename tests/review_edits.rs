//! The review commands as an editor's safety net: `approve` refuses what `check` rejects,
//! and a review edit keeps the file's bytes, byte-order mark, line endings, permissions and
//! hard links, and any name as valid YAML.

mod common;

use common::Site;

const RADIUM: &str = "content/oncology/radium-223-visceral-disease.md";
const SLUG: &str = "radium-223-visceral-disease";

fn claim(site: &Site) {
    site.run(&["claim", SLUG, "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
}

fn approve(site: &Site, reviewer: &str) -> common::Output {
    site.run(&["approve", SLUG, "--reviewer", reviewer])
}

#[test]
fn approve_refuses_an_article_whose_reference_check_fails() {
    let site = Site::fixture("review/workflow");
    let text = site
        .read(RADIUM)
        .replace("    year: 2013\n", "    year: 2013\n    doi: \"10.1056\"\n");
    site.write(RADIUM, &text);
    site.run(&["check", "--format", "json"])
        .expect_code(1)
        .report()
        .only("reference/identifier");
    claim(&site);
    let claimed = site.read(RADIUM);

    let out = approve(&site, "Dr Ada Lovelace");
    out.expect_code(2);
    assert!(
        out.stderr.contains("has errors; fix them before approving"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("[reference/identifier]"), "{}", out.stderr);
    assert_eq!(site.read(RADIUM), claimed, "nothing was written");
}

#[test]
fn approve_refuses_text_citing_a_retracted_shared_entry_but_not_for_entries_it_does_not_cite() {
    let site = Site::fixture("review/workflow");
    site.write(
        "evident.yaml",
        "title: \"Review fixture\"\nbase_url: \"https://kb.example.org/\"\ncitations:\n  retractions: retractions.csv\n",
    );
    site.write(
        "retractions.csv",
        "Record ID,Title,Subject,Institution,Journal,Publisher,Country,Author,URLS,ArticleType,RetractionDate,RetractionDOI,RetractionPubMedID,OriginalPaperDate,OriginalPaperDOI,OriginalPaperPubMedID,RetractionNature,Reason,Paywalled,Notes\n\
         103,\"A retracted paper\",(HSC) Medicine;,Somewhere,Some Journal,Publisher,Nowhere,B Author,,Research Article;,6/1/2021 0:00,10.1000/notice.3,0,1/1/2019 0:00,10.1000/retracted.3,0,Retraction,+Fabrication;,No,\n",
    );
    let entry = |id: &str, doi: &str| {
        format!(
            "- id: {id}\n  type: research\n  authors: [\"Doe J\"]\n  title: \"Paper {id}\"\n  journal: \"J Test\"\n  year: 2019\n  doi: \"{doi}\"\n"
        )
    };
    let uncited_with_an_error = entry("uncited-2019", "not a doi");
    site.write(
        "references/shared.yaml",
        format!(
            "{}{uncited_with_an_error}",
            entry("retracted-2019", "10.1000/retracted.3")
        ),
    );
    let text = site.read(RADIUM).replace(
        "every 4 weeks [@alsympca-2013].",
        "every 4 weeks [@alsympca-2013; @retracted-2019].",
    );
    site.write(RADIUM, &text);
    let report = site.run(&["check", "--format", "json"]).expect_code(1).report();
    assert_eq!(report.only("reference/retracted").file, "references/shared.yaml");
    claim(&site);

    let out = approve(&site, "Dr Ada Lovelace");
    out.expect_code(2);
    assert!(out.stderr.contains("references/shared.yaml:"), "{}", out.stderr);
    assert!(out.stderr.contains("[reference/retracted]"), "{}", out.stderr);
    assert!(
        !out.stderr.contains("[reference/identifier]"),
        "an entry the article does not cite is not part of its approval: {}",
        out.stderr
    );

    // Without the retracted citation, the uncited entry's error does not block the approval.
    site.write(RADIUM, site.read(RADIUM).replace("; @retracted-2019]", "]"));
    approve(&site, "Dr Ada Lovelace").expect_code(0);
}

#[test]
fn review_edits_keep_the_byte_order_mark_and_crlf() {
    let site = Site::fixture("review/workflow");
    let original = site.read(RADIUM).replace('\n', "\r\n");
    site.write(RADIUM, format!("\u{feff}{original}"));
    claim(&site);
    approve(&site, "Dr Ada Lovelace").expect_code(0);
    let bytes = std::fs::read(site.path(RADIUM)).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.starts_with("\u{feff}---\r\n# Editors"), "{text:?}");
    assert!(text.contains("review:\r\n  status: approved\r\n"), "{text:?}");
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "a bare LF was written: {text:?}"
    );
    assert_eq!(text.matches('\u{feff}').count(), 1);
    site.run(&["check"]).expect_code(0);
}

#[cfg(unix)]
#[test]
fn review_edits_keep_the_file_mode_and_its_hard_links() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::fixture("review/workflow");
    let path = site.path(RADIUM);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    claim(&site);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "claim reset the mode to {mode:o}");

    let outside = tempfile::tempdir().unwrap();
    let linked = outside.path().join("radium.md");
    std::fs::hard_link(&path, &linked).unwrap();
    approve(&site, "Dr Ada Lovelace").expect_code(0);
    assert!(
        std::fs::read_to_string(&linked).unwrap().contains("status: approved"),
        "the hard link was broken"
    );
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "approve reset the mode to {mode:o}");
}

#[test]
fn a_reviewer_name_with_yaml_syntax_is_written_as_valid_yaml() {
    let site = Site::fixture("review/workflow");
    let name = "Dr \"Ada\" O'Lovelace: MD # board, [chair] {x} & *y";
    site.run(&["claim", SLUG, "--reviewer", name]).expect_code(0);
    approve(&site, name).expect_code(0);
    site.run(&["build"]).expect_code(0);
    let page = site.html("public/questions/radium-223-visceral-disease/index.html");
    assert!(
        page.text(".review-banner").contains(name),
        "{}",
        page.text(".review-banner")
    );
    assert_eq!(page.json_ld()["reviewedBy"][0]["name"], name);
}

#[test]
fn a_reviewer_name_with_a_line_break_or_escape_is_refused() {
    let site = Site::fixture("review/workflow");
    let before = site.read(RADIUM);
    for name in ["Dr Ada\nstatus: approved", "Dr \u{1b}[2JAda"] {
        let out = site.run(&["claim", SLUG, "--reviewer", name]);
        out.expect_code(2);
        assert!(
            out.stderr.contains("one line of text without control characters"),
            "{}",
            out.stderr
        );
        assert!(!out.stderr.contains('\u{1b}'), "{:?}", out.stderr);
    }
    assert_eq!(site.read(RADIUM), before);
}
