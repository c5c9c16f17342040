//! Citations and their integrity, end to end: the model page's defect, the Markdown traps,
//! each reference check (a finding where it is wrong, none where it is right), the shared
//! bibliography, the rendered numbering, `import`, `--as-of` and `--format sarif`.

mod common;

use common::{Finding, Site};

const FILE: &str = "content/general/cystitis-treatment.md";
const AS_OF: &str = "2026-11-28";

/// `evident check --format json --as-of 2026-11-28` on a fixture under citations/.
fn check(case: &str) -> common::Report {
    let out = Site::fixture(&format!("citations/{case}")).run(&["check", "--format", "json", "--as-of", AS_OF]);
    out.report()
}

/// `(code, line, column)` of every finding with one of `codes`, in report order.
fn found<'r>(report: &'r common::Report, codes: &[&str]) -> Vec<(&'r str, u32, u32)> {
    report
        .diagnostics
        .iter()
        .filter(|d| codes.contains(&d.code.as_str()))
        .map(|d| (d.code.as_str(), d.line, d.column))
        .collect()
}

fn only<'r>(report: &'r common::Report, code: &str) -> &'r Finding {
    report.only(code)
}

#[test]
fn the_model_pages_defect_citing_references_it_does_not_list_is_caught_and_not_published() {
    // The model page cites 5 and 6 while listing 4: here, two keys no reference carries.
    const PAGE: &str = "content/prostate-cancer/lu-psma-after-six-cycles.md";
    let site = Site::fixture("citations/model-page-defect");
    let out = site.run(&["check", "--format", "json", "--as-of", AS_OF]);
    out.expect_code(1);
    let report = out.report();
    let unresolved: Vec<(&str, u32, u32)> = report.with_code("citation/unresolved").iter().map(|d| d.at()).collect();
    // `- Cabazitaxel is considered after docetaxel [@card-2019].` and
    // `- Severe neurological events are rare [@neuro-jnm-2025].`
    assert_eq!(unresolved, [(PAGE, 36, 45), (PAGE, 41, 39)]);
    let near = &report.with_code("citation/unresolved")[1];
    assert!(
        near.hint
            .as_deref()
            .unwrap_or("")
            .contains("did you mean `@neuro-jnm-2024`?"),
        "{near:?}"
    );
    assert_eq!(report.summary.errors, 2, "{:#?}", report.diagnostics);

    let build = site.run(&["build", "--as-of", AS_OF]);
    build.expect_code(1);
    assert!(
        !site.exists("public"),
        "a page citing references it does not list was published"
    );
}

#[test]
fn citation_look_alikes_are_reported_where_they_are_written() {
    let report = check("traps");
    assert_eq!(
        found(
            &report,
            &["citation/syntax", "citation/bare-key", "citation/hand-numbered"]
        ),
        [
            // answer: `… first-line choice [@idsa-2024], as @eau-2024 agrees.`
            ("citation/bare-key", 4, 71),
            // `- Nitrofurantoin … episodes [@idsa-2024][eau].`
            ("citation/syntax", 23, 52),
            // `- Fosfomycin … alternative [3].`
            ("citation/hand-numbered", 24, 49),
            // `- Pivmecillinam … countries <sup>2</sup>.`
            ("citation/hand-numbered", 25, 45),
            // `[@idsa-2024]: IDSA` on a line of its own
            ("citation/syntax", 28, 1),
        ]
    );
    let severity = |code: &str| report.with_code(code)[0].severity.clone();
    assert_eq!(severity("citation/syntax"), "error");
    assert_eq!(severity("citation/bare-key"), "warning");
    assert_eq!(severity("citation/hand-numbered"), "warning");
    let definition = report.with_code("citation/syntax")[1];
    assert!(definition.message.contains("link definition"), "{definition:?}");
    let lost = report.with_code("citation/syntax")[0];
    assert!(
        lost.hint.as_deref().unwrap_or("").contains("[@idsa-2024] [eau]"),
        "{lost:?}"
    );
    let bare = only(&report, "citation/bare-key");
    assert_eq!(
        bare.hint.as_deref(),
        Some("write `[@eau-2024]` to cite reference `eau-2024`")
    );
    // An e-mail address is not a bare key.
    assert!(!report.diagnostics.iter().any(|d| d.message.contains("example.org")));
}

#[test]
fn text_that_only_resembles_the_traps_passes() {
    let report = check("clean-traps");
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
}

#[test]
fn a_bullet_under_a_heading_that_cites_nothing_is_an_uncited_claim() {
    let report = check("uncited-claim");
    // `- Fosfomycin … alternative.` (its nested bullet cites, but each bullet is a claim of
    // its own) and `- Fever or flank pain …` under "When to refer / Red flags". The
    // introduction has no heading, "Options include:" introduces a list, the Summary is
    // exempt, the cited bullets pass, and paragraphs are not required by default.
    let findings = report.with_code("citation/uncited-claim");
    let at: Vec<(&str, u32, u32)> = findings.iter().map(|d| d.at()).collect();
    assert_eq!(at, [(FILE, 25, 1), (FILE, 36, 1)], "{:#?}", report.diagnostics);
    assert_eq!(findings[0].severity, "warning");
    assert!(findings[0].message.contains("“Treatment”"), "{}", findings[0].message);
    assert!(findings[1].message.contains("“Red flags”"), "{}", findings[1].message);
    assert_eq!(report.diagnostics.len(), 2);
}

#[test]
fn uncited_claim_rules_are_configurable() {
    let site = Site::fixture("citations/uncited-claim");
    let config = site.read("evident.yaml");
    site.write(
        "evident.yaml",
        format!("{config}citations:\n  uncited_claims:\n    paragraphs: true\n    exempt_sections: [Red flags]\n"),
    );
    let report = site.run(&["check", "--format", "json"]).report();
    let at: Vec<(&str, u32, u32)> = report
        .with_code("citation/uncited-claim")
        .iter()
        .map(|d| d.at())
        .collect();
    // The paragraph under Treatment now needs a citation; "Red flags" no longer does, and
    // naming it replaced the default list, so the Summary bullet needs one too.
    assert_eq!(
        at,
        [(FILE, 20, 1), (FILE, 25, 1), (FILE, 30, 1)],
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn malformed_identifiers_are_reported_at_the_value_and_good_ones_pass() {
    let report = check("identifiers");
    assert_eq!(
        found(&report, &["reference/identifier"]),
        [
            ("reference/identifier", 27, 10),
            ("reference/identifier", 34, 11),
            ("reference/identifier", 41, 12),
            ("reference/identifier", 47, 11),
            ("reference/identifier", 54, 11),
            ("reference/identifier", 58, 10),
        ]
    );
    let messages: Vec<&str> = report.diagnostics.iter().map(|d| d.message.as_str()).collect();
    for (what, id) in [
        ("DOI", "bad-doi"),
        ("PMID", "bad-pmid"),
        ("PMCID", "bad-pmcid"),
        ("ISBN", "bad-isbn"),
        ("ISSN", "bad-issn"),
        ("URL", "bad-url"),
    ] {
        assert!(
            messages.iter().any(|m| m.contains(what) && m.contains(id)),
            "{what} {id}: {messages:?}"
        );
    }
    assert!(!messages.iter().any(|m| m.contains("`good`")), "{messages:?}");
    let doi = &report.diagnostics[0];
    assert!(doi.hint.as_deref().unwrap_or("").contains("bare DOI"), "{doi:?}");
}

#[test]
fn each_reference_type_needs_its_fields_and_a_possible_year() {
    let report = check("missing-field");
    assert_eq!(
        found(&report, &["reference/missing-field"]),
        [
            ("reference/missing-field", 16, 9),
            ("reference/missing-field", 21, 9),
            ("reference/missing-field", 30, 11),
            ("reference/missing-field", 31, 9),
        ]
    );
    let messages: Vec<&str> = report.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(messages[0].contains("`no-journal` has no `journal`"), "{messages:?}");
    assert!(messages[1].contains("`no-access` has no `accessed`"), "{messages:?}");
    assert!(messages[2].contains("3024"), "{messages:?}");
    assert!(messages[3].contains("no `publisher` or `journal`"), "{messages:?}");
    assert!(!messages.iter().any(|m| m.contains("`complete`")));
}

#[test]
fn one_source_under_two_keys_is_a_duplicate_and_a_near_identical_title_a_warning() {
    let report = check("duplicate");
    let duplicates = report.with_code("reference/duplicate");
    let seen: Vec<(u32, u32, &str)> = duplicates
        .iter()
        .map(|d| (d.line, d.column, d.severity.as_str()))
        .collect();
    // gupta-trial's DOI differs only in case; hooton-review's title only in case, plural and
    // full stop. `other` ("Complicated …") is a different paper.
    assert_eq!(
        seen,
        [(23, 10, "error"), (33, 12, "warning")],
        "{:#?}",
        report.diagnostics
    );
    assert!(
        duplicates[0]
            .message
            .contains("`gupta-trial` has the same DOI as `gupta-2011`")
    );
    assert!(
        duplicates[1]
            .message
            .contains("`hooton-review` has nearly the same title as `hooton-2012`")
    );
    assert_eq!(report.diagnostics.len(), 2, "{:#?}", report.diagnostics);
}

#[test]
fn an_old_guideline_is_stale_as_of_the_given_date() {
    let site = Site::fixture("citations/stale");
    let report = site.run(&["check", "--format", "json", "--as-of", AS_OF]).report();
    let finding = only(&report, "reference/stale");
    // `    year: 2011` of idsa-2011.
    assert_eq!(finding.at(), (FILE, 14, 11));
    assert_eq!(finding.severity, "warning");
    assert!(
        finding.message.contains("15 years before 2026-11-28"),
        "{}",
        finding.message
    );

    // The same files judged as of 2014 hold no stale guideline.
    let then = site
        .run(&["check", "--format", "json", "--as-of", "2014-06-01"])
        .report();
    assert!(then.with_code("reference/stale").is_empty(), "{:#?}", then.diagnostics);

    // Age and severity are both configurable.
    let config = site.read("evident.yaml");
    site.write("evident.yaml", format!("{config}citations:\n  guideline_max_age: 20\n"));
    let report = site.run(&["check", "--format", "json", "--as-of", AS_OF]).report();
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    site.write("evident.yaml", format!("{config}checks:\n  reference/stale: error\n"));
    let out = site.run(&["build", "--format", "json", "--as-of", AS_OF]);
    out.expect_code(1);
    assert_eq!(out.report().only("reference/stale").severity, "error");
    assert!(!site.exists("public"));
}

#[test]
fn a_bad_as_of_date_is_a_usage_error() {
    Site::fixture("citations/stale")
        .run(&["check", "--as-of", "28/11/2026"])
        .expect_code(2);
}

#[test]
fn retracted_papers_are_errors_other_notices_warnings_and_an_explained_citation_passes() {
    let report = check("retracted");
    const COVID: &str = "content/general/covid-hydroxychloroquine.md";
    let retracted = report.with_code("reference/retracted");
    let seen: Vec<((&str, u32, u32), &str)> = retracted.iter().map(|d| (d.at(), d.severity.as_str())).collect();
    // gautret-2020 matched on its DOI (written in capitals), notice-2020 on its PMID;
    // discussed-2019 carries a `retraction_note`; recovery-2020 has only a correction (shown
    // on the page, no finding); reinstated-2018 was retracted, then reinstated.
    assert_eq!(seen, [((COVID, 24, 10), "error"), ((COVID, 31, 11), "warning")]);
    assert!(
        retracted[0].message.contains("retracted on 2024-12-17"),
        "{}",
        retracted[0].message
    );
    assert!(
        retracted[1].message.contains("expression of concern"),
        "{}",
        retracted[1].message
    );
    assert_eq!(report.diagnostics.len(), 2, "{:#?}", report.diagnostics);
}

#[test]
fn a_retraction_list_that_cannot_be_read_stops_everything() {
    let site = Site::fixture("citations/retracted");
    std::fs::remove_file(site.path("retraction-watch.csv")).unwrap();
    let out = site.run(&["check", "--format", "json"]);
    out.expect_code(2);
    let finding = out.report().only("config/invalid-value").clone();
    assert_eq!(finding.at(), ("evident.yaml", 4, 16));
    assert!(finding.message.contains("retraction-watch.csv"), "{}", finding.message);
}

#[test]
fn the_page_shows_why_a_retracted_paper_is_still_cited() {
    let site = Site::fixture("citations/retracted");
    site.run(&["build", "--drafts"]).expect_code(1);
    // The retracted paper without a note keeps the build from publishing; with notes on
    // both flagged entries it builds, and the note is on the page.
    let page = "content/general/covid-hydroxychloroquine.md";
    let text = site.read(page).replace(
        "    doi: \"10.1016/J.IJANTIMICAG.2020.105949\"\n",
        "    doi: \"10.1016/J.IJANTIMICAG.2020.105949\"\n    retraction_note: \"Retracted in 2024; cited as the origin of the claim.\"\n",
    );
    site.write(page, text);
    site.run(&["build"]).expect_code(0);
    let html = site.html("public/questions/covid-hydroxychloroquine/index.html");
    let notices = html.texts(".reference__notice");
    assert!(
        notices.contains(&"Notice: Retracted in 2024; cited as the origin of the claim.".to_string()),
        "{notices:?}"
    );
    // The correction is shown beside the corrected paper, and only there.
    let corrections = html.texts("#ref-1 .reference__correction");
    assert_eq!(
        corrections,
        ["Corrected on 2021-08-01 (notice doi:10.1056/NEJMx210015)"]
    );
    assert_eq!(html.texts(".reference__correction").len(), 1);
}

#[test]
fn keys_resolve_to_the_articles_own_references_then_the_shared_bibliography() {
    let site = Site::fixture("citations/shared-bibliography");
    let out = site.run(&["check", "--format", "json", "--as-of", AS_OF]);
    out.expect_code(1);
    let report = out.report();
    // The only finding: the BibTeX entry whose DOI lost its prefix, at its value.
    let finding = only(&report, "reference/identifier");
    assert_eq!(finding.at(), ("references/library.bib", 17, 14));
    assert!(finding.message.contains("typo-2019"), "{}", finding.message);
    assert_eq!(report.diagnostics.len(), 1, "{:#?}", report.diagnostics);

    // Remove the broken entry; the page then lists local and shared references in order.
    let bib = site.read("references/library.bib");
    site.write(
        "references/library.bib",
        &bib[..bib.find("@article{typo-2019").unwrap()],
    );
    site.run(&["build", "--as-of", AS_OF]).expect_code(0);
    let page = site.html("public/questions/after-six-cycles/index.html");
    let items = page.texts("ol.reference-list > li .reference__text");
    let titles = [
        "177Lu-PSMA for Extended Treatment",       // derlin-2023, the article's own
        "Lutetium-177-PSMA-617 for Metastatic",    // vision-2021, references/shared.yaml
        "Cabazitaxel versus Abiraterone",          // card-2019, references/library.bib
        "Olaparib for Metastatic",                 // profound-2020, references/zotero.json
        "EAU - EANM - ESTRO - ESUR - ISUP - SIOG", // the article's own eau-prostate-2025
    ];
    assert_eq!(items.len(), titles.len(), "{items:?}");
    for (item, title) in items.iter().zip(titles) {
        assert!(item.contains(title), "{item} should contain {title}");
    }
    assert!(items[1].starts_with("Sartor O, de Bono J, Chi KN."), "{}", items[1]);
    assert!(items[3].starts_with("de Bono J, Mateo J."), "{}", items[3]);
    // AMA 11: a hyphen between pages, then the DOI in the text.
    assert!(
        items[2].contains("2019;381(26):2506-2518. doi:10.1056/NEJMoa1911206"),
        "{}",
        items[2]
    );
    assert_eq!(
        page.attrs("#ref-2 a", "href")[..2],
        [
            "https://doi.org/10.1056/NEJMoa2107322".to_string(),
            "https://pubmed.ncbi.nlm.nih.gov/34161051/".to_string()
        ]
    );
    assert_eq!(page.texts("sup.cite"), ["1,2", "3\u{2013}5", "3"]);
}

#[test]
fn a_malformed_bibliography_file_is_reported_at_its_line() {
    let site = Site::fixture("citations/shared-bibliography");
    site.write("references/zotero.json", "[\n  {\"id\": \"x\", \"title\": \"X\",}\n]\n");
    site.write(
        "references/shared.yaml",
        "- id: vision-2021\n  type: reserch\n  title: T\n",
    );
    let report = site.run(&["check", "--format", "json"]).report();
    let at: Vec<(&str, u32)> = report
        .with_code("bibliography/syntax")
        .iter()
        .map(|d| (d.file.as_str(), d.line))
        .collect();
    assert_eq!(at, [("references/shared.yaml", 2), ("references/zotero.json", 2)]);
    // Keys from the broken files resolve nowhere now.
    assert!(!report.with_code("citation/unresolved").is_empty());
}

#[test]
fn the_rendered_page_numbers_by_reading_order_collapses_ranges_and_links_both_ways() {
    let site = Site::fixture("citations/rendered");
    site.run(&["build"]).expect_code(0);
    let page = site.html("public/questions/lu-psma-extended/index.html");
    // Answer: c, a, b → 1–3. The footnote is marked before `[@d]`, so f (cited only in the
    // footnote) is 4 and d is 5; e is 6.
    let titles: Vec<String> = page.texts("ol.reference-list > li .reference__text");
    let order: Vec<char> = titles
        .iter()
        .map(|t| {
            t.split("Reference ")
                .nth(1)
                .and_then(|r| r.chars().next())
                .unwrap_or('?')
        })
        .collect();
    assert_eq!(order, ['C', 'A', 'B', 'F', 'D', 'E']);
    assert_eq!(
        page.attrs("ol.reference-list > li", "id"),
        ["ref-1", "ref-2", "ref-3", "ref-4", "ref-5", "ref-6"]
    );
    // In document order: the answer, the three bullets, then the footnote's text.
    assert_eq!(
        page.texts("sup.cite"),
        // AMA prints a locator without its space or period: 2(p1095).
        ["1\u{2013}3", "5", "2(p1095),6", "1\u{2013}4", "4"]
    );
    assert_eq!(page.attrs(".bottom-line sup.cite a", "href"), ["#ref-1", "#ref-3"]);
    // Each entry links back to the first marker that cites it, and that marker exists.
    let backrefs = page.attrs("ol.reference-list a.backref", "href");
    assert_eq!(
        backrefs,
        ["#cite-1", "#cite-1", "#cite-1", "#cite-2", "#cite-3", "#cite-4"]
    );
    for target in &backrefs {
        assert_eq!(page.count(&format!("sup.cite{target}")), 1, "{target}");
    }
    // The reference kinds are shown as the model page shows them.
    assert_eq!(
        page.texts("ol.reference-list .ref-kind"),
        ["Review", "Research", "Guideline", "Research", "Research", "Textbook"]
    );
    assert_eq!(
        page.attrs("#ref-4 a", "href")[0],
        "https://pmc.ncbi.nlm.nih.gov/articles/PMC9841254/"
    );
}

#[test]
fn another_reference_style_can_be_chosen_and_an_unknown_one_is_refused() {
    let site = Site::fixture("citations/rendered");
    let config = site.read("evident.yaml");
    site.write("evident.yaml", format!("{config}citations:\n  style: the-lancet\n"));
    site.run(&["build"]).expect_code(0);
    let page = site.html("public/questions/lu-psma-extended/index.html");
    let items = page.texts("ol.reference-list > li .reference__text");
    // Reference A (number 2) in The Lancet's style: authors, journal, year; bold volume.
    assert!(
        items[1].starts_with("Sartor O, de Bono J") || items[1].starts_with("Sartor O, Bono J de"),
        "{}",
        items[1]
    );
    assert!(items[1].contains("N Engl J Med 2021"), "{}", items[1]);
    assert_eq!(page.attrs("ol.reference-list > li", "id").len(), 6);

    site.write("evident.yaml", format!("{config}citations:\n  style: vancover\n"));
    let out = site.run(&["check", "--format", "json"]);
    out.expect_code(2);
    let finding = out.report().only("config/invalid-value").clone();
    assert_eq!(finding.at(), ("evident.yaml", 4, 10));
    // The bundled Vancouver styles print no authors, so they are not offered at all.
    assert!(
        !finding.hint.as_deref().unwrap_or("").contains("`vancouver`"),
        "{finding:?}"
    );
    assert!(
        finding.hint.as_deref().unwrap_or("").contains("the-lancet"),
        "{finding:?}"
    );
}

#[test]
fn check_and_build_report_the_same_findings() {
    for case in ["traps", "identifiers", "duplicate", "retracted"] {
        let site = Site::fixture(&format!("citations/{case}"));
        let checked = site.run(&["check", "--format", "json", "--as-of", AS_OF]).report();
        let built = site.run(&["build", "--format", "json", "--as-of", AS_OF]).report();
        assert_eq!(checked.diagnostics, built.diagnostics, "{case}");
    }
}

#[test]
fn github_annotations_put_errors_before_warnings() {
    let out = Site::fixture("citations/traps").run(&["check", "--format", "github"]);
    out.expect_code(1);
    let kinds: Vec<&str> = out.stdout.lines().map(|l| l.split(' ').next().unwrap_or("")).collect();
    let first_warning = kinds.iter().position(|k| *k == "::warning").unwrap();
    assert!(kinds[..first_warning].iter().all(|k| *k == "::error"), "{kinds:?}");
    assert!(kinds[first_warning..].iter().all(|k| *k == "::warning"), "{kinds:?}");
}

fn sarif_schema() -> jsonschema::Validator {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/citations/sarif-2.1.0-subset.schema.json"
    );
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

#[test]
fn the_sarif_report_is_valid_and_uses_the_codes_as_stable_rule_ids() {
    let validator = sarif_schema();
    for case in ["traps", "retracted", "clean-traps"] {
        let out = Site::fixture(&format!("citations/{case}")).run(&["check", "--format", "sarif", "--as-of", AS_OF]);
        let log: serde_json::Value =
            serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
        let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{case}: {errors:#?}");
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        for result in run["results"].as_array().unwrap() {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"], "{result}");
        }
        for code in ["citation/unresolved", "reference/retracted", "citation/uncited-claim"] {
            assert!(rules.iter().any(|r| r["id"] == code), "{code} is not a rule");
        }
    }
    let out = Site::fixture("citations/traps").run(&["check", "--format", "sarif"]);
    out.expect_code(1);
    let log: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "citation/bare-key");
    assert_eq!(result["level"], "warning");
    let place = &result["locations"][0]["physicalLocation"];
    assert_eq!(place["artifactLocation"]["uri"], FILE);
    assert_eq!(
        (
            place["region"]["startLine"].as_u64(),
            place["region"]["startColumn"].as_u64()
        ),
        (Some(4), Some(71))
    );
}

#[test]
fn the_schema_used_above_rejects_a_broken_log() {
    let validator = sarif_schema();
    let broken = serde_json::json!({
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "evident"}}, "results": [{"level": "fatal", "message": {}}]}]
    });
    assert!(!validator.is_valid(&broken));
    assert!(!validator.is_valid(&serde_json::json!({"version": "2.0.0", "runs": []})));
}

fn import(file: &str) -> common::Output {
    let path = format!("{}/tests/fixtures/citations/import/{file}", env!("CARGO_MANIFEST_DIR"));
    Site::empty().run(&["import", &path])
}

#[test]
fn import_turns_pubmed_medline_into_front_matter_keeping_pmid_pmcid_and_type() {
    let out = import("pubmed.nbib");
    out.expect_code(0);
    let yaml = &out.stdout;
    for expected in [
        "references:\n  - id: sartor-2021\n    type: research   # source: Clinical Trial, Phase III; Journal Article; Randomized Controlled Trial\n",
        "    authors: [\"Sartor O\", \"de Bono J\", \"Chi KN\"]\n",
        "    journal: \"N Engl J Med\"\n",
        "    doi: \"10.1056/NEJMoa2107322\"\n",
        "    pmid: \"34161051\"\n",
        "    pmcid: \"PMC8446797\"\n",
        "    issn: \"0028-4793\"\n",
        "    type: guideline   # source: Journal Article; Practice Guideline\n",
    ] {
        assert!(yaml.contains(expected), "missing {expected:?} in\n{yaml}");
    }
    assert!(out.stderr.contains("imported 3 references"), "{}", out.stderr);
}

#[test]
fn imported_references_check_clean_in_an_article() {
    let out = import("pubmed.nbib");
    let yaml = out.stdout.clone();
    let site = Site::fixture("citations/stale");
    let article = format!(
        "---\nquestion: \"Does it work?\"\nanswer: >-\n  Yes [@sartor-2021].\ntopics: [general]\ncreated: 2025-01-10\n{yaml}---\n## Evidence\n\n- It worked in VISION [@sartor-2021].\n"
    );
    site.write(FILE, article);
    let report = site.run(&["check", "--format", "json", "--as-of", AS_OF]).report();
    // The VISION record converts into a reference that passes every check. (The third
    // record lost its PMID and journal, and is rightly reported.)
    assert!(
        !report.diagnostics.iter().any(|d| d.message.contains("sartor-2021")),
        "{:#?}",
        report.diagnostics
    );
    assert!(
        report.with_code("reference/identifier").is_empty(),
        "{:#?}",
        report.diagnostics
    );
    let incomplete: Vec<&str> = report
        .with_code("reference/missing-field")
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(incomplete.len(), 2, "{incomplete:?}");
    assert!(incomplete.iter().all(|m| m.contains("`a-2020`")), "{incomplete:?}");
}

#[test]
fn import_reads_csl_json_ris_and_bibtex_and_reports_what_it_cannot_convert() {
    let out = import("zotero.json");
    out.expect_code(1);
    assert!(
        out.stdout
            .contains("  - id: hooton-2012\n    type: research   # source: article-journal\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("    pmid: \"22417256\"\n"), "{}", out.stdout);
    assert!(out.stderr.contains("reference/missing-field"), "{}", out.stderr);
    assert!(out.stderr.contains("no-title"), "{}", out.stderr);

    let out = import("export.ris");
    out.expect_code(0);
    assert!(out.stdout.contains("  - id: hooton-2012\n"), "{}", out.stdout);
    assert!(out.stdout.contains("    authors: [\"Hooton TM\"]\n"), "{}", out.stdout);
    assert!(out.stdout.contains("    pages: \"1028-1037\"\n"), "{}", out.stdout);
    assert!(out.stdout.contains("    pmid: \"22417256\"\n"), "{}", out.stdout);

    let out = import("library.bib");
    out.expect_code(0);
    assert!(
        out.stdout
            .contains("  - id: harrison-2022\n    type: textbook   # source: @book\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("    edition: \"21\"\n"), "{}", out.stdout);

    let site = Site::empty();
    site.write("notes.txt", "just some notes");
    site.run(&["import", &site.path("notes.txt").to_string_lossy()])
        .expect_code(2);
}

/// Citation syntax as Pandoc reads it: prefixes, braced keys, citations inside a link's
/// text and inside an image's alt text.
#[test]
fn pandoc_citation_forms_render_as_citations_and_keep_links_and_alt_text_intact() {
    let site = Site::empty();
    site.write("evident.yaml", "title: \"T\"\nbase_url: \"https://kb.example.org/\"\n");
    site.write(
        "content/general/forms.md",
        r#"---
question: "Do Pandoc's citation forms work?"
answer: "Yes [see @a, pp. 3-5]."
topics: [general]
created: 2026-01-08
review:
  status: submitted
references:
  - {id: a, type: research, authors: ["Doe J"], title: "A", journal: "BMJ", year: 2020}
  - {id: phi.2020, type: research, authors: ["Roe R"], title: "Phi", journal: "BMJ", year: 2020}
  - {id: c, type: research, authors: ["Poe P"], title: "C", journal: "BMJ", year: 2021}
---

Braced keys cite [@{phi.2020}].

## Evidence

- Read [the VISION trial [e.g. @c]](https://example.org/vision) first.

![Survival curve [@a, p. 7]](https://example.org/curve.png)
"#,
    );
    let build = site.run(&["build", "--as-of", AS_OF]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(
        !build.stderr.contains("citation/"),
        "no citation findings: {}",
        build.stderr
    );
    let page = site.html("public/questions/forms/index.html");
    assert_eq!(page.texts("sup.cite"), ["see 1(pp3-5)", "2", "e.g. 3"]);
    assert_eq!(page.text(".bottom-line .cite-prefix"), "see");
    let order: Vec<String> = page.texts("ol.reference-list > li .reference__text");
    assert!(order[1].starts_with("Roe R. Phi."), "{order:?}");
    // The link survives, its text without the citation, the marker after it.
    assert_eq!(
        page.attr(".article-body a[href=\"https://example.org/vision\"]", "href"),
        "https://example.org/vision"
    );
    assert_eq!(
        page.text(".article-body a[href=\"https://example.org/vision\"]"),
        "the VISION trial"
    );
    let alt = page.attr(".article-body img", "alt");
    assert_eq!(alt, "Survival curve [1(p7)]");
    assert!(
        !site
            .read("public/questions/forms/index.html")
            .contains("alt=\"Survival curve <")
    );
}

#[test]
fn group_authors_are_organizations_in_the_structured_data() {
    let site = Site::empty();
    site.write("evident.yaml", "title: \"T\"\nbase_url: \"https://kb.example.org/\"\n");
    site.write(
        "content/general/groups.md",
        r#"---
question: "Who wrote the standards?"
answer: "A committee and a person [@ada; @p]."
topics: [general]
created: 2026-01-08
review:
  status: submitted
references:
  - {id: ada, type: guideline, authors: ["American Diabetes Association Professional Practice Committee"], title: "Standards of Care", journal: "Diabetes Care", year: 2024}
  - {id: p, type: research, authors: ["de Bono JS", "Smith JA Jr"], title: "*Staphylococcus aureus* and <i>E coli</i>", journal: "BMJ", year: 2020}
---
"#,
    );
    site.run(&["build", "--as-of", AS_OF]).expect_code(0);
    let data = site.html("public/questions/groups/index.html").json_ld();
    let authors = |n: usize| -> Vec<(String, String)> {
        data["citation"][n]["author"]
            .as_array()
            .unwrap_or_else(|| panic!("citation {n} has authors: {data}"))
            .iter()
            .map(|a| {
                (
                    a["@type"].as_str().unwrap().to_string(),
                    a["name"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        authors(0),
        [(
            "Organization".to_string(),
            "American Diabetes Association Professional Practice Committee".to_string()
        )]
    );
    // Structured data is plain text: the title's markup is not part of its name.
    assert_eq!(data["citation"][1]["name"], "Staphylococcus aureus and E coli");
    assert_eq!(
        authors(1),
        [
            ("Person".to_string(), "de Bono JS".to_string()),
            ("Person".to_string(), "Smith JA Jr".to_string())
        ]
    );
}
