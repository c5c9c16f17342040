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

/// Imports `file`, cites every imported key in one article, checks and builds the site, and
/// returns the rendered reference list: text and italic runs of each entry, in order.
fn round_trip(file: &str) -> Vec<(String, Vec<String>)> {
    let out = import(file);
    out.expect_code(0);
    let keys: Vec<String> = out
        .stdout
        .lines()
        .filter_map(|line| line.strip_prefix("  - id: "))
        .map(|key| key.split_whitespace().next().unwrap_or_default().to_string())
        .collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let site = site_citing(&keys, &out.stdout);
    let check = site.run(&["check", "--format", "json", "--as-of", AS_OF]);
    let report = check.report();
    assert!(report.diagnostics.is_empty(), "{file}: {:#?}", report.diagnostics);
    let build = site.run(&["build", "--as-of", AS_OF]);
    assert_eq!(build.code, 0, "{file}: {}", build.stderr);
    let page = site.html("public/questions/q/index.html");
    let texts = page.texts("ol.reference-list > li .reference__text");
    (1..=texts.len())
        .map(|n| {
            let italics = page.texts(&format!("#ref-{n} .reference__text i"));
            (texts[n - 1].clone(), italics)
        })
        .collect()
}

fn assert_entry(entries: &[(String, Vec<String>)], index: usize, text: &str, italics: &[&str]) {
    let (found, found_italics) = &entries[index];
    assert_eq!(found, text, "entry {index}");
    assert_eq!(found_italics, italics, "italics of entry {index}");
}

#[test]
fn bibtex_round_trips_to_the_page_with_markup_suffixes_chapters_and_guidelines() {
    let entries = round_trip("roundtrip.bib");
    assert_entry(
        &entries,
        0,
        "García M, Smith J Jr. Staphylococcus aureus and β-lactam resistance in vitro: A cohort study. Lancet Infect Dis. 2023;23(4):401-410. doi:10.1016/S1473-3099(22)00001-1",
        &["Staphylococcus aureus", "in vitro", "Lancet Infect Dis"],
    );
    assert_entry(
        &entries,
        1,
        "American Diabetes Association Professional Practice Committee. Pharmacologic approaches to glycemic treatment: Standards of Care in Diabetes-2024. Diabetes Care. 2024;47(Suppl 1):S158-S178. doi:10.2337/dc24-S009",
        &["Diabetes Care"],
    );
    assert_entry(
        &entries,
        2,
        "Jameson JL. Approach to the patient with kidney disease. In: Loscalzo J, Fauci AS, eds. Harrison’s Principles of Internal Medicine. 21st ed. McGraw Hill; 2022:2301-2310.",
        &["Harrison’s Principles of Internal Medicine"],
    );
    assert_entry(
        &entries,
        3,
        "Okonkwo AC. Early outcomes of radioligand therapy. JAMA Oncol. Published online March 7, 2024. doi:10.5555/epub.2024.0307",
        &["JAMA Oncol"],
    );
    assert_entry(
        &entries,
        4,
        "Centers for Disease Control and Prevention. Prostate cancer screening. CDC. June 2024. Accessed February 20, 2025. https://www.cdc.gov/prostate-cancer/screening/index.html",
        &[],
    );
}

#[test]
fn csl_json_round_trips_to_the_page_with_rich_text_suffixes_chapters_and_guidelines() {
    let entries = round_trip("roundtrip.json");
    assert_entry(
        &entries,
        0,
        "Lee A, Hellinger FR Jr. Carriage of Staphylococcus aureus in nursing homes. J Hosp Infect. 2023;135:12-19. doi:10.1016/j.jhin.2023.01.001",
        &["Staphylococcus aureus", "J Hosp Infect"],
    );
    assert_entry(
        &entries,
        1,
        "Writing Committee Members. 2024 AHA/ACC guideline for the management of lower extremity peripheral artery disease. Circulation. 2024;149(24):e1313-e1410. doi:10.1161/CIR.0000000000001251",
        &["Circulation"],
    );
    assert_entry(
        &entries,
        2,
        "Brown S. Sepsis. In: Walls RM, ed. Rosen’s Emergency Medicine. Elsevier; 2021:1700-1715.",
        &["Rosen’s Emergency Medicine"],
    );
    assert_entry(
        &entries,
        3,
        "Okonkwo AC. Early outcomes of radioligand therapy. JAMA Oncol. Published online March 7, 2024. doi:10.5555/epub.2024.0307.json",
        &["JAMA Oncol"],
    );
    assert_entry(
        &entries,
        4,
        "Centers for Disease Control and Prevention. Prostate cancer screening. CDC. June 2024. Accessed February 20, 2025. https://www.cdc.gov/prostate-cancer/screening/index.html",
        &[],
    );
}

#[test]
fn ris_round_trips_to_the_page_with_chapters_and_guidelines() {
    let entries = round_trip("roundtrip.ris");
    assert_entry(
        &entries,
        0,
        "Brown S. Sepsis. In: Walls RM, ed. Rosen’s Emergency Medicine. Elsevier; 2021:1700-1715.",
        &["Rosen’s Emergency Medicine"],
    );
    assert_entry(
        &entries,
        1,
        "American Diabetes Association Professional Practice Committee. Pharmacologic approaches to glycemic treatment: Standards of Care in Diabetes-2024. Diabetes Care. 2024;47(Suppl 1):S158-S178. doi:10.2337/dc24-S009",
        &["Diabetes Care"],
    );
    assert_entry(
        &entries,
        2,
        "Okonkwo AC. Early outcomes of radioligand therapy. JAMA Oncol. Published online March 7, 2024. doi:10.5555/epub.2024.0307",
        &["JAMA Oncol"],
    );
    assert_entry(
        &entries,
        3,
        "Centers for Disease Control and Prevention. Prostate cancer screening. CDC. June 12, 2024. Accessed February 20, 2025. https://www.cdc.gov/prostate-cancer/screening/index.html",
        &[],
    );
}

#[test]
fn medline_round_trips_to_the_page_with_suffixes_and_a_guideline_in_a_journal() {
    let entries = round_trip("roundtrip.nbib");
    assert_entry(
        &entries,
        0,
        "Hellinger FR Jr, Given CA 2nd. Cost of care for people with diabetes. Health Serv Res. 2024;12(2):101-109. doi:10.1000/diab.2024.12",
        &["Health Serv Res"],
    );
    assert_entry(
        &entries,
        1,
        "Okonkwo AC. Early outcomes of radioligand therapy. JAMA Oncol. Published online March 7, 2024. doi:10.5555/epub.2024.0307",
        &["JAMA Oncol"],
    );
}

#[test]
fn markup_in_shared_bibliography_titles_is_italic_on_the_page() {
    let site = site_citing(&["garcia-2023", "lee-2023"], "");
    site.write(
        "references/library.bib",
        std::fs::read(fixture("roundtrip.bib")).unwrap(),
    );
    // The resolver link is the import's to strip; in `references/` it is a finding of its own.
    let json = std::fs::read_to_string(fixture("roundtrip.json"))
        .unwrap()
        .replace("https://doi.org/", "");
    site.write("references/zotero.json", json);
    let build = site.run(&["build", "--as-of", AS_OF]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    let page = site.html("public/questions/q/index.html");
    assert_eq!(
        page.texts("#ref-1 .reference__text i"),
        ["Staphylococcus aureus", "in vitro", "Lancet Infect Dis"]
    );
    assert_eq!(
        page.texts("#ref-2 .reference__text i"),
        ["Staphylococcus aureus", "J Hosp Infect"]
    );
    let html = site.read("public/questions/q/index.html");
    for literal in ["\\textit", "$\\beta$", "&lt;i&gt;", "{\\it"] {
        assert!(!html.contains(literal), "{literal} shown literally");
    }
}
