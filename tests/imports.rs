//! `evident import` on files as reference managers and Crossref really write them, and
//! what the imported references become on the page: each run goes through the real binary.

mod common;

use common::Site;

const AS_OF: &str = "2026-06-01";

fn fixture(file: &str) -> String {
    format!("{}/tests/fixtures/imports/{file}", env!("CARGO_MANIFEST_DIR"))
}

fn import(file: &str) -> common::Output {
    Site::empty().run(&["import", &fixture(file)])
}

/// A site with one article whose front matter ends with `references` and whose answer
/// cites `keys`.
fn site_citing(keys: &[&str], references: &str) -> Site {
    let site = Site::empty();
    site.write("evident.yaml", "title: \"T\"\nbase_url: \"https://kb.example.org/\"\n");
    let cites: Vec<String> = keys.iter().map(|k| format!("@{k}")).collect();
    site.write(
        "content/general/q.md",
        format!(
            "---\nquestion: \"Does it work?\"\nanswer: \"It does [{}].\"\ntopics: [general]\ncreated: 2026-01-08\nreview:\n  status: submitted\n{references}---\n## Evidence\n\n- It worked [{}].\n",
            cites.join("; "),
            cites.join("; ")
        ),
    );
    site
}

#[test]
fn key_less_bibtex_entries_get_keys_and_identifiers_come_out_bare() {
    let out = import("keyless.bib");
    out.expect_code(0);
    let yaml = out.stdout.clone();
    for expected in [
        "  - id: smith-2020\n",
        "  - id: smith-2020a\n",
        "    authors: [\"Smith J Jr\", \"Doe J\"]\n",
        "    doi: \"10.1136/bmj.m1849\"\n",
        "    isbn: \"978-1-264-26850-4\"\n",
        "    url: \"https://www.accessmedicine.com/book\"\n",
    ] {
        assert!(yaml.contains(expected), "missing {expected:?} in\n{yaml}");
    }
    let site = site_citing(&["smith-2020", "smith-2020a"], &yaml);
    let report = site.run(&["check", "--format", "json", "--as-of", AS_OF]).report();
    assert!(
        report.with_code("reference/identifier").is_empty(),
        "{:#?}",
        report.diagnostics
    );
    assert!(
        report.with_code("bibliography/syntax").is_empty(),
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn key_less_bibtex_entries_in_the_shared_bibliography_can_be_cited() {
    let site = site_citing(&["smith-2020", "smith-2020a"], "");
    site.write("references/library.bib", std::fs::read(fixture("keyless.bib")).unwrap());
    let out = site.run(&["check", "--format", "json", "--as-of", AS_OF]);
    let report = out.report();
    assert!(
        report.with_code("bibliography/syntax").is_empty(),
        "{:#?}",
        report.diagnostics
    );
    assert!(
        report.with_code("citation/unresolved").is_empty(),
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn crossref_csl_json_is_imported_and_read_in_the_shared_bibliography() {
    let out = import("crossref.json");
    out.expect_code(0);
    for expected in [
        "  - id: sartor-2021\n    type: research   # source: journal-article\n",
        "    journal: \"N Engl J Med\"\n",
        "    issn: \"0028-4793\"\n",
        "    doi: \"10.1056/NEJMoa2107322\"\n",
        "    url: \"http://dx.doi.org/10.1056/NEJMoa2107322\"\n",
    ] {
        assert!(out.stdout.contains(expected), "missing {expected:?} in\n{}", out.stdout);
    }
    let site = site_citing(&["sartor-2021"], "");
    site.write(
        "references/crossref.json",
        std::fs::read(fixture("crossref.json")).unwrap(),
    );
    let build = site.run(&["build", "--as-of", AS_OF]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    let page = site.html("public/questions/q/index.html");
    let text = page.text("ol.reference-list > li .reference__text");
    assert!(text.starts_with("Sartor O, de Bono J. Lutetium-177"), "{text}");
    assert!(text.contains("N Engl J Med. 2021;385(12):1091-1103."), "{text}");
}

#[test]
fn sici_dois_of_any_publisher_are_accepted_and_linked_encoded() {
    let references = "references:\n  - {id: a, type: research, authors: [\"Doe J\"], title: \"A\", journal: \"J Atmos Sci\", year: 1963, doi: \"10.1175/1520-0469(1963)020<0130:DNF>2.0.CO;2\"}\n  - {id: b, type: research, authors: [\"Roe R\"], title: \"B\", journal: \"BioScience\", year: 2001, doi: \"10.1641/0006-3568(2001)051[0933:TEOTWA]2.0.CO;2\"}\n";
    let site = site_citing(&["a", "b"], references);
    let build = site.run(&["build", "--as-of", AS_OF]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(!build.stderr.contains("reference/identifier"), "{}", build.stderr);
    let page = site.html("public/questions/q/index.html");
    let links = page.attrs(".reference__links a", "href");
    assert!(
        links.contains(&"https://doi.org/10.1175/1520-0469(1963)020%3C0130:DNF%3E2.0.CO%3B2".to_string()),
        "{links:?}"
    );
    assert!(
        links.contains(&"https://doi.org/10.1641/0006-3568(2001)051%5B0933:TEOTWA%5D2.0.CO%3B2".to_string()),
        "{links:?}"
    );
}
