//! Reference styles beyond Evident's own AMA formatter: CSL styles bundled with hayagriva,
//! formatted offline. A style is offered only when a test shows it prints the authors
//! (hayagriva's NLM/Vancouver styles drop them) and no list number of its own.
//!
//! hayagriva's HTML writer does not escape text, so the rendered element tree is written
//! here, escaping every text and keeping only italic, bold, super- and subscript and safe links.

use crate::html::{escape_into, is_safe_url};
use crate::parse::front_matter::{Reference, ReferenceKind};
use crate::parse::yaml::{self, Mapping, Value};
use hayagriva::archive::{ArchivedStyle, locales};
use hayagriva::citationberg::{FontStyle, FontWeight, IndependentStyle, Locale, Style, VerticalAlign};
use hayagriva::{BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, ElemChild, Formatted};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::config::CSL_STYLES;

/// Parsed once per process: decoding a bundled style is far slower than using it.
fn styles() -> &'static [(&'static str, IndependentStyle)] {
    static STYLES: OnceLock<Vec<(&'static str, IndependentStyle)>> = OnceLock::new();
    STYLES.get_or_init(|| {
        CSL_STYLES
            .iter()
            .filter_map(|name| match ArchivedStyle::by_name(name)?.get() {
                Style::Independent(style) => Some((*name, style)),
                Style::Dependent(_) => None,
            })
            .collect()
    })
}

fn locale_files() -> &'static [Locale] {
    static LOCALES: OnceLock<Vec<Locale>> = OnceLock::new();
    LOCALES.get_or_init(locales)
}

/// The reference in a CSL style as trusted HTML, or `None` for a style not offered or a
/// reference the style cannot format (which `check` reports: see `format_in_style`).
pub fn format_csl(reference: &Reference, style_name: &str) -> Option<String> {
    format_in_style(reference, style_name)?.get()?.as_ref().ok().cloned()
}

/// A reference formatted in a style, or why hayagriva could not: the reason, and the
/// reference field it names when it names one.
pub type StyleResult = Result<String, StyleFailure>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StyleFailure {
    pub reason: String,
    /// Evident's name of the field the reason is about (`authors`, `url`, …).
    pub field: Option<&'static str>,
}

/// Results by style and reference (as the YAML given to hayagriva), each computed once
/// per process: `check` formats every listed reference to find the ones that fail, and
/// the pages then take the same result, however many pages list the reference. A memo
/// of a pure function, so a rebuild in `serve` reuses what did not change.
type Memo = Mutex<HashMap<(&'static str, String), Arc<OnceLock<StyleResult>>>>;

fn memo() -> &'static Memo {
    static MEMO: OnceLock<Memo> = OnceLock::new();
    MEMO.get_or_init(Memo::default)
}

/// The reference in a CSL style, or `None` for a style not offered. The same reference in
/// the same style is formatted once; later calls share the first result.
pub fn format_in_style(reference: &Reference, style_name: &str) -> Option<Arc<OnceLock<StyleResult>>> {
    let (name, style) = styles().iter().find(|(name, _)| *name == style_name)?;
    let yaml = entry_yaml(reference);
    let slot = {
        // A poisoned lock only means another thread panicked while inserting; the map is
        // still whole.
        let mut map = memo().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        map.entry((*name, yaml.clone())).or_default().clone()
    };
    // Formatting happens outside the map's lock, once per slot.
    slot.get_or_init(|| format_yaml(&yaml, style));
    Some(slot)
}

fn format_yaml(yaml: &str, style: &IndependentStyle) -> StyleResult {
    let library = hayagriva::io::from_yaml_str(yaml).map_err(|error| failure(&error.to_string()))?;
    let entry = library
        .iter()
        .next()
        .ok_or_else(|| failure("hayagriva read no entry"))?;
    let locales = locale_files();
    let mut driver = BibliographyDriver::new();
    driver.citation(CitationRequest::from_items(
        vec![CitationItem::with_entry(entry)],
        style,
        locales,
    ));
    let rendered = driver.finish(BibliographyRequest {
        style,
        locale: None,
        locale_files: locales,
    });
    let item = rendered
        .bibliography
        .and_then(|bibliography| bibliography.items.into_iter().next())
        .ok_or_else(|| failure("the style printed no bibliography entry for it"))?;
    let mut html = String::new();
    write_children(&mut html, &item.content.0);
    Ok(html.trim().to_string())
}

/// hayagriva's message without its position in the generated YAML (meaningless to an
/// editor), and the field it is about.
fn failure(message: &str) -> StyleFailure {
    let reason = message.split(" at line ").next().unwrap_or(message).trim().to_string();
    let path = reason.strip_prefix("reference.").unwrap_or("");
    let head = path.split(['.', '[', ':']).next().unwrap_or("");
    let field = match head {
        "author" => Some("authors"),
        "title" => Some("title"),
        "url" => Some("url"),
        "date" => Some("year"),
        "volume" => Some("volume"),
        "issue" => Some("issue"),
        "page-range" => Some("pages"),
        "edition" => Some("edition"),
        "publisher" => Some("publisher"),
        "parent" => Some("journal"),
        _ => None,
    };
    StyleFailure { reason, field }
}

/// The reference as a one-entry hayagriva YAML library. Building text and letting
/// hayagriva parse it keeps this independent of its entry-building API.
fn entry_yaml(reference: &Reference) -> String {
    let mut entry = Mapping::new();
    let mut put = |key: &str, value: Value| {
        entry.insert(Value::String(key.into()), value);
    };
    let text = |s: &str| Value::String(s.trim().to_string());
    let (kind, in_periodical) = match reference.kind {
        ReferenceKind::Research | ReferenceKind::Review => ("article", true),
        ReferenceKind::Guideline if reference.journal.is_some() => ("article", true),
        ReferenceKind::Guideline => ("report", false),
        ReferenceKind::Textbook => ("book", false),
        ReferenceKind::Web => ("web", false),
        ReferenceKind::Other => ("misc", false),
    };
    put("type", text(kind));
    put("title", text(&reference.title));
    if !reference.authors.is_empty() {
        put(
            "author",
            Value::Sequence(reference.authors.iter().map(|a| text(&csl_name(a))).collect()),
        );
    }
    if let Some(date) = reference.publication_date() {
        put("date", text(&date.to_string()));
    } else if let Some(year) = reference.year {
        put("date", Value::Number(i64::from(year).into()));
    }
    for (key, value) in [
        ("volume", &reference.volume),
        ("issue", &reference.issue),
        ("page-range", &reference.pages),
        ("edition", &reference.edition),
        ("publisher", &reference.publisher),
    ] {
        if let Some(value) = value {
            put(key, text(value));
        }
    }
    if let Some(url) = reference.url.as_deref().filter(|u| is_safe_url(u)) {
        let mut link = Mapping::new();
        link.insert(Value::String("value".into()), text(url));
        if let Some(accessed) = reference.accessed {
            link.insert(Value::String("date".into()), Value::String(accessed.to_string()));
        }
        put("url", Value::Mapping(link));
    }
    let mut serials = Mapping::new();
    for (key, value) in [
        ("doi", &reference.doi),
        ("pmid", &reference.pmid),
        ("pmcid", &reference.pmcid),
        ("isbn", &reference.isbn),
        ("issn", &reference.issn),
    ] {
        if let Some(value) = value {
            serials.insert(Value::String(key.into()), text(value));
        }
    }
    if !serials.is_empty() {
        put("serial-number", Value::Mapping(serials));
    }
    if let (true, Some(journal)) = (in_periodical, &reference.journal) {
        let mut parent = Mapping::new();
        parent.insert(Value::String("type".into()), text("periodical"));
        parent.insert(Value::String("title".into()), text(journal));
        put("parent", Value::Mapping(parent));
    }
    let mut library = Mapping::new();
    library.insert(Value::String("reference".into()), Value::Mapping(entry));
    yaml::to_string(&Value::Mapping(library)).unwrap_or_default()
}

/// "Van Gelder IC" (the front matter's form) → "Van Gelder, I. C." (CSL's); a group author
/// without initials stays as it is.
fn csl_name(name: &str) -> String {
    let name = name.trim();
    match name.rsplit_once(' ') {
        Some((family, initials))
            if initials.len() <= 4 && initials.chars().all(|c| c.is_uppercase() && c.is_alphabetic()) =>
        {
            let given: Vec<String> = initials.chars().map(|c| format!("{c}.")).collect();
            format!("{family}, {}", given.join(" "))
        }
        _ => name.to_string(),
    }
}

fn write_children(out: &mut String, children: &[ElemChild]) {
    for child in children {
        match child {
            ElemChild::Text(formatted) => write_formatted(out, formatted),
            ElemChild::Elem(elem) => write_children(out, &elem.children.0),
            ElemChild::Markup(markup) => escape_into(out, markup),
            ElemChild::Link { text, url } if is_safe_url(url) => {
                out.push_str("<a href=\"");
                escape_into(out, url);
                out.push_str("\">");
                write_formatted(out, text);
                out.push_str("</a>");
            }
            ElemChild::Link { text, .. } => write_formatted(out, text),
            ElemChild::Transparent { .. } => {}
        }
    }
}

fn write_formatted(out: &mut String, formatted: &Formatted) {
    let style = formatted.formatting;
    let tags: Vec<&str> = [
        (style.font_style == FontStyle::Italic, "i"),
        (style.font_weight == FontWeight::Bold, "b"),
        (style.vertical_align == VerticalAlign::Sup, "sup"),
        (style.vertical_align == VerticalAlign::Sub, "sub"),
    ]
    .into_iter()
    .filter_map(|(on, tag)| on.then_some(tag))
    .collect();
    for tag in &tags {
        out.push('<');
        out.push_str(tag);
        out.push('>');
    }
    escape_into(out, &formatted.text);
    for tag in tags.iter().rev() {
        out.push_str("</");
        out.push_str(tag);
        out.push('>');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bibliography::blank_reference;

    fn vision() -> Reference {
        let mut r = blank_reference(
            "vision-2021".into(),
            ReferenceKind::Research,
            "Lutetium-177-PSMA-617 for Metastatic Castration-Resistant Prostate Cancer".into(),
        );
        r.authors = vec!["Sartor O".into(), "Herrmann K".into(), "Chi KN".into()];
        r.journal = Some("N Engl J Med".into());
        r.year = Some(2021);
        r.volume = Some("385".into());
        r.issue = Some("12".into());
        r.pages = Some("1091-1103".into());
        r.doi = Some("10.1056/NEJMoa2107322".into());
        r
    }

    #[test]
    fn every_offered_style_prints_the_authors_and_no_number_of_its_own() {
        assert_eq!(
            styles().len(),
            CSL_STYLES.len(),
            "a listed style is missing from hayagriva"
        );
        for name in CSL_STYLES {
            let html = format_csl(&vision(), name).unwrap_or_else(|| panic!("{name} formats nothing"));
            for author in ["Sartor", "Herrmann", "Chi"] {
                assert!(html.contains(author), "{name} drops {author}: {html}");
            }
            assert!(html.contains("N Engl J Med"), "{name}: {html}");
            assert!(html.contains("2021"), "{name}: {html}");
            assert!(
                !html.starts_with(|c: char| c.is_ascii_digit()),
                "{name} numbers entries: {html}"
            );
        }
    }

    #[test]
    fn a_publication_date_reaches_the_styles_that_print_it() {
        // APA dates a web page to the day.
        let mut epub = vision();
        epub.kind = ReferenceKind::Web;
        epub.journal = None;
        epub.doi = None;
        epub.url = Some("https://example.org/page".into());
        let year_only = format_csl(&epub, "american-psychological-association").unwrap();
        epub.date = crate::date::PublicationDate::parse_iso("2021-09-16");
        let dated = format_csl(&epub, "american-psychological-association").unwrap();
        assert!(dated.contains("2021, September 16"), "{dated}");
        assert!(!year_only.contains("September"), "{year_only}");
    }

    #[test]
    fn the_vancouver_styles_left_out_would_drop_the_authors() {
        // Why "vancouver" is not offered: the bundled NLM style prints no author names.
        let Some(Style::Independent(style)) = ArchivedStyle::by_name("vancouver").map(ArchivedStyle::get) else {
            return;
        };
        let library = hayagriva::io::from_yaml_str(&entry_yaml(&vision())).unwrap();
        let entry = library.iter().next().unwrap();
        let mut driver = BibliographyDriver::new();
        driver.citation(CitationRequest::from_items(
            vec![CitationItem::with_entry(entry)],
            &style,
            locale_files(),
        ));
        let rendered = driver.finish(BibliographyRequest {
            style: &style,
            locale: None,
            locale_files: locale_files(),
        });
        let mut html = String::new();
        write_children(&mut html, &rendered.bibliography.unwrap().items[0].content.0);
        assert!(
            !html.contains("Sartor"),
            "hayagriva's Vancouver now prints authors: offer it? {html}"
        );
    }

    #[test]
    fn text_is_escaped_and_unsafe_links_are_dropped() {
        let mut reference = vision();
        reference.title = "A <script>alert(1)</script> & co".into();
        reference.kind = ReferenceKind::Web;
        reference.url = Some("javascript:alert(1)".into());
        for name in CSL_STYLES {
            let html = format_csl(&reference, name).unwrap();
            assert!(!html.contains("<script"), "{name}: {html}");
            assert!(!html.contains("javascript:"), "{name}: {html}");
        }
        let html = format_csl(&vision(), "american-medical-association").unwrap();
        assert!(html.contains("<i>N Engl J Med</i>"), "{html}");
        assert!(
            html.contains("<a href=\"https://doi.org/10.1056/NEJMoa2107322\">"),
            "{html}"
        );
    }

    #[test]
    fn a_reference_the_style_cannot_read_is_a_failure_naming_the_field() {
        let mut reference = vision();
        reference.authors = vec!["Smith, John A, Jr., MD".into()];
        let result = format_in_style(&reference, "american-medical-association").unwrap();
        let failure = result.get().unwrap().clone().unwrap_err();
        assert_eq!(failure.field, Some("authors"));
        assert!(failure.reason.contains("author"), "{failure:?}");
        assert!(!failure.reason.contains("line"), "{failure:?}");
        assert_eq!(format_csl(&reference, "american-medical-association"), None);
        assert!(format_in_style(&reference, "no-such-style").is_none());
    }

    #[test]
    fn each_reference_is_formatted_once_per_style() {
        let mut reference = vision();
        reference.title = "A title only this test uses".into();
        let first = format_in_style(&reference, "nature").unwrap();
        let again = format_in_style(&reference.clone(), "nature").unwrap();
        // The second call got the first call's result, not a new formatting.
        assert!(Arc::ptr_eq(&first, &again));
        let other_style = format_in_style(&reference, "the-lancet").unwrap();
        assert!(!Arc::ptr_eq(&first, &other_style));
    }

    #[test]
    fn names_are_turned_into_csl_form() {
        assert_eq!(csl_name("Van Gelder IC"), "Van Gelder, I. C.");
        assert_eq!(csl_name("Sartor O"), "Sartor, O.");
        assert_eq!(csl_name("RECOVERY Collaborative Group"), "RECOVERY Collaborative Group");
        assert_eq!(csl_name("WHO"), "WHO");
    }
}
