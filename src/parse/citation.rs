//! Citations: `[@key]`, `[@a; @b]`, `[@a, p. 33]` as in Pandoc, numbered by first
//! appearance (Vancouver) and rendered as superscript links to the reference list.

use crate::diagnostic::Position;
use crate::html::escape_into;
use std::collections::HashMap;
use std::fmt::Write as _;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CitationItem {
    pub key: String,
    pub locator: Option<String>,
}

/// Parses the text between the brackets of `[@a; @b, p. 3]`. Anything that is not a list of
/// `@key` items (such as `[see below]`) is not a citation.
pub fn parse_citation_label(label: &str) -> Option<Vec<CitationItem>> {
    let mut items = Vec::new();
    for part in label.split(';') {
        let part = part.trim();
        let rest = part.strip_prefix("-@").or_else(|| part.strip_prefix('@'))?;
        let key_len = citation_key_len(rest);
        if key_len == 0 {
            return None;
        }
        let key = &rest[..key_len];
        let tail = rest[key_len..].trim();
        let locator = tail.strip_prefix(',').unwrap_or(tail).trim();
        items.push(CitationItem {
            key: key.to_string(),
            locator: (!locator.is_empty()).then(|| locator.to_string()),
        });
    }
    (!items.is_empty()).then_some(items)
}

/// Pandoc's key grammar: starts with a letter, digit or `_`, goes on with alphanumerics, `_`
/// and internal punctuation; punctuation at the end belongs to the sentence, not the key.
fn citation_key_len(text: &str) -> usize {
    const INTERNAL: &[char] = &[':', '.', '#', '$', '%', '&', '-', '+', '?', '<', '>', '~', '/'];
    let mut chars = text.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_alphanumeric() || c == '_' => {}
        _ => return 0,
    }
    let mut last_word_end = text.chars().next().map_or(0, char::len_utf8);
    for (index, c) in chars {
        if c.is_alphanumeric() || c == '_' {
            last_word_end = index + c.len_utf8();
        } else if !INTERNAL.contains(&c) {
            break;
        }
    }
    last_word_end
}

/// One use of a key in the text, for the checks.
#[derive(Clone, Debug)]
pub struct CitationUse {
    pub key: String,
    pub at: Position,
    pub resolved: bool,
}

/// Numbers an article's references by first citation and renders each citation marker.
pub struct Citer<'r> {
    keys: HashMap<&'r str, usize>,
    /// Reference index for each number, in order of first appearance.
    order: Vec<usize>,
    number_of: HashMap<usize, usize>,
    first_marker: HashMap<usize, String>,
    markers: usize,
    uses: Vec<CitationUse>,
}

/// The outcome of numbering: `order[n - 1]` is the index of reference number `n`.
#[derive(Debug)]
pub struct Citations {
    pub order: Vec<usize>,
    pub first_marker: HashMap<usize, String>,
    pub uses: Vec<CitationUse>,
}

impl<'r> Citer<'r> {
    pub fn new(reference_ids: impl IntoIterator<Item = &'r str>) -> Citer<'r> {
        let mut keys = HashMap::new();
        for (index, id) in reference_ids.into_iter().enumerate() {
            keys.entry(id).or_insert(index);
        }
        Citer {
            keys,
            order: Vec::new(),
            number_of: HashMap::new(),
            first_marker: HashMap::new(),
            markers: 0,
            uses: Vec::new(),
        }
    }

    /// Records a citation group at `at` and returns its marker's HTML.
    pub fn cite(&mut self, items: &[CitationItem], at: Position) -> String {
        self.markers += 1;
        let marker_id = format!("cite-{}", self.markers);
        let mut numbered: Vec<(Option<usize>, Option<&str>)> = Vec::with_capacity(items.len());
        for item in items {
            let resolved = self.keys.get(item.key.as_str()).copied();
            self.uses.push(CitationUse {
                key: item.key.clone(),
                at,
                resolved: resolved.is_some(),
            });
            let number = resolved.map(|reference| {
                self.first_marker.entry(reference).or_insert_with(|| marker_id.clone());
                *self.number_of.entry(reference).or_insert_with(|| {
                    self.order.push(reference);
                    self.order.len()
                })
            });
            numbered.push((number, item.locator.as_deref()));
        }
        let mut html = format!("<sup class=\"cite\" id=\"{marker_id}\">");
        write_marker_links(&mut html, &mut numbered);
        html.push_str("</sup>");
        html
    }

    pub fn finish(self) -> Citations {
        Citations {
            order: self.order,
            first_marker: self.first_marker,
            uses: self.uses,
        }
    }
}

/// Writes "1,3–5" style links: sorted, runs of three or more collapsed, locators kept.
fn write_marker_links(html: &mut String, numbered: &mut [(Option<usize>, Option<&str>)]) {
    numbered.sort_by_key(|(number, _)| number.unwrap_or(usize::MAX));
    let mut parts: Vec<String> = Vec::new();
    let mut index = 0;
    while index < numbered.len() {
        let (number, locator) = numbered[index];
        let Some(first) = number else {
            parts.push("<a class=\"cite-missing\" title=\"unresolved citation\">?</a>".into());
            index += 1;
            continue;
        };
        if let Some(locator) = locator {
            let mut part = link(first);
            part.push_str("<span class=\"cite-locator\">(");
            escape_into(&mut part, locator);
            part.push_str(")</span>");
            parts.push(part);
            index += 1;
            continue;
        }
        let mut last = first;
        let mut next = index + 1;
        while next < numbered.len() && numbered[next].1.is_none() && numbered[next].0 == Some(last + 1) {
            last += 1;
            next += 1;
        }
        while next < numbered.len() && numbered[next].1.is_none() && numbered[next].0 == Some(last) {
            next += 1;
        }
        if last >= first + 2 {
            parts.push(format!("{}\u{2013}{}", link(first), link(last)));
        } else {
            parts.push(link(first));
            if last > first {
                parts.push(link(last));
            }
        }
        index = next;
    }
    html.push_str(&parts.join(","));
}

fn link(number: usize) -> String {
    let mut out = String::new();
    let _ = write!(out, "<a href=\"#ref-{number}\">{number}</a>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(label: &str) -> Vec<String> {
        parse_citation_label(label)
            .unwrap()
            .into_iter()
            .map(|i| i.key)
            .collect()
    }

    #[test]
    fn parses_pandoc_citation_labels() {
        assert_eq!(keys("@smith2020"), ["smith2020"]);
        assert_eq!(keys("@a; @b"), ["a", "b"]);
        assert_eq!(keys("@doe:2024.x"), ["doe:2024.x"]);
        let items = parse_citation_label("@a, p. 33").unwrap();
        assert_eq!(items[0].locator.as_deref(), Some("p. 33"));
    }

    #[test]
    fn trailing_punctuation_is_not_part_of_a_key() {
        assert_eq!(keys("@smith2020."), ["smith2020"]);
        assert_eq!(keys("@vision-2021:"), ["vision-2021"]);
    }

    #[test]
    fn other_bracketed_text_is_not_a_citation() {
        assert_eq!(parse_citation_label("see below"), None);
        assert_eq!(parse_citation_label("@"), None);
        assert_eq!(parse_citation_label("@a; b"), None);
        assert_eq!(parse_citation_label(""), None);
    }

    fn render(ids: &[&str], groups: &[&str]) -> Vec<String> {
        let mut citer = Citer::new(ids.iter().copied());
        groups
            .iter()
            .map(|g| citer.cite(&parse_citation_label(g).unwrap(), Position::START))
            .collect()
    }

    #[test]
    fn numbers_by_first_appearance_and_collapses_ranges() {
        let html = render(&["a", "b", "c", "d"], &["@c", "@a; @b; @c; @d", "@b; @a"]);
        assert_eq!(
            html[0],
            "<sup class=\"cite\" id=\"cite-1\"><a href=\"#ref-1\">1</a></sup>"
        );
        assert!(
            html[1].contains("<a href=\"#ref-1\">1</a>\u{2013}<a href=\"#ref-4\">4</a>"),
            "{}",
            html[1]
        );
        assert!(
            html[2].contains("<a href=\"#ref-2\">2</a>,<a href=\"#ref-3\">3</a>"),
            "{}",
            html[2]
        );
    }

    #[test]
    fn keeps_locators_and_marks_unresolved_keys() {
        let html = render(&["a"], &["@a, p. 33; @missing"]);
        assert!(
            html[0].contains("1</a><span class=\"cite-locator\">(p. 33)</span>"),
            "{}",
            html[0]
        );
        assert!(html[0].contains("cite-missing"));
    }
}
