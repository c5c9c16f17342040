//! What the Markdown body turns into on the page, and how a site replaces one template or
//! one asset of the built-in theme.

mod common;

use common::Site;

const ARTICLE: &str = "content/cardiology/statin-muscle-symptoms.md";
const PAGE: &str = "public/questions/statin-muscle-symptoms/index.html";

fn with_body(body: &str) -> Site {
    let site = Site::fixture("build/valid-site");
    let text = site.read(ARTICLE);
    let front_matter_end = text.rfind("---\n").expect("front matter closes") + 4;
    site.write(ARTICLE, format!("{}{body}", &text[..front_matter_end]));
    site.run(&["build"]).expect_code(0);
    site
}

#[test]
fn a_github_alert_becomes_a_labelled_caution_box() {
    let site = with_body("> [!WARNING]\n> Stop the statin if CK is above ten times normal [@ctt-2022].\n");
    let page = site.html(PAGE);
    assert_eq!(page.text(".alert.alert-warning .alert-title"), "Warning");
    assert!(page.text(".alert.alert-warning").contains("Stop the statin"));
    assert_eq!(page.attr(".alert.alert-warning", "role"), "note");
}

#[test]
fn fenced_code_is_highlighted_with_classes_and_unknown_languages_are_escaped() {
    let site = with_body("Dose [@ctt-2022].\n\n```python\ndose = 40  # mg\n```\n\n```no-such-lang\n<b>raw</b>\n```\n");
    let page = site.html(PAGE);
    assert_eq!(page.attr("pre.code[data-lang=python]", "class"), "code");
    assert!(
        page.count("pre.code[data-lang=python] span[class^=hl-]") > 0,
        "python is highlighted"
    );
    assert_eq!(page.text("pre.code[data-lang=no-such-lang] code"), "<b>raw</b>");
    assert_eq!(page.count("pre.code b"), 0, "code is never markup");
}

#[test]
fn tables_footnotes_and_strikethrough_render() {
    let site = with_body(
        "| Dose | Effect |\n|---|---|\n| 40 mg | moderate [@ctt-2022] |\n\nA note[^1] and ~~an error~~.\n\n[^1]: The footnote [@ctt-2022].\n",
    );
    let page = site.html(PAGE);
    assert_eq!(page.texts("table th"), ["Dose", "Effect"]);
    assert_eq!(page.count("del"), 1);
    assert!(page.count(".footnote-definition") == 1, "footnote rendered");
}

#[test]
fn headings_get_anchors_and_a_table_of_contents() {
    let site = with_body("## Muscle symptoms\n\nText [@ctt-2022].\n\n## Muscle symptoms\n\nMore [@ctt-2022].\n");
    let page = site.html(PAGE);
    assert_eq!(
        page.attrs("h2[id^=muscle-symptoms]", "id"),
        ["muscle-symptoms", "muscle-symptoms-1"]
    );
}

#[test]
fn a_site_template_replaces_only_that_template() {
    let site = Site::fixture("build/valid-site");
    site.write(
        "templates/topic.html",
        "{% extends \"base.html\" %}{% block content %}<h1 class=\"custom-hub\">{{ topic.title }}</h1>{% endblock content %}",
    );
    site.run(&["build"]).expect_code(0);
    assert_eq!(
        site.html("public/topics/cardiology/index.html").text("h1.custom-hub"),
        "Cardiology"
    );
    let article = site.html(PAGE);
    assert_eq!(article.count("h1.custom-hub"), 0, "other templates stay built-in");
    assert_eq!(article.text("h1"), "Do statins cause muscle pain?");
}

#[test]
fn a_site_theme_file_replaces_the_built_in_asset_and_adds_new_ones() {
    let site = Site::fixture("build/valid-site");
    site.write("theme/evident.css", "body { color: black; }\n");
    site.write("theme/img/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n");
    site.run(&["build"]).expect_code(0);
    assert_eq!(site.read("public/theme/evident.css"), "body { color: black; }\n");
    assert!(site.exists("public/theme/img/logo.svg"));
    assert!(
        site.exists("public/theme/evident.js"),
        "built-in assets that are not replaced stay"
    );
}

#[test]
fn a_template_that_does_not_compile_is_a_configuration_error_and_publishes_nothing() {
    let site = Site::fixture("build/valid-site");
    site.write("templates/article.html", "{% if %}");
    let out = site.run(&["build", "--format", "json"]);
    out.expect_code(2);
    let report = out.report();
    assert_eq!(report.codes(), ["template/error"]);
    assert_eq!(report.diagnostics[0].file, "templates/article.html");
    assert!(!site.exists("public"));
}

#[test]
fn the_clinician_and_patient_answers_are_both_in_the_page_without_javascript() {
    let site = Site::fixture("build/valid-site");
    let text = site.read(ARTICLE).replacen(
        "topics:",
        "plain_answer: >-\n  Muscle aches on a statin are usually not caused by it [@ctt-2022].\ntopics:",
        1,
    );
    site.write(ARTICLE, text);
    site.run(&["build"]).expect_code(0);
    let page = site.html(PAGE);
    assert!(page.text("#answer-clinician").contains("true statin myopathy"));
    assert!(page.text("#answer-patient").contains("usually not caused by it"));
    assert_eq!(
        page.count("input[type=radio][name]"),
        2,
        "a real radio group switches them"
    );
}
