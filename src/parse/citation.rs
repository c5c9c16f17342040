//! Citations: `[@key]`, `[@a; @b]`, `[@a, p. 33]` as in Pandoc, numbered by first
//! appearance (Vancouver) and rendered as superscript links to the reference list.

use crate::diagnostic::Position;
use crate::html::escape_into;
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CitationItem {
    pub key: String,
    pub locator: Option<String>,
    /// Pandoc's prefix, the words before the key (`see` in `[see @a, p. 3]`), printed
    /// before the number as Pandoc does.
    pub prefix: Option<String>,
}

/// Parses the text between the brackets of `[@a; @b, p. 3]`, with Pandoc's prefixes
/// (`[see @a; also @b]`) and braced keys (`[@{phi.2020}]`). Anything that is not a list of
/// items each naming one `@key` (such as `[see below]`) is not a citation.
pub fn parse_citation_label(label: &str) -> Option<Vec<CitationItem>> {
    let mut items = Vec::new();
    for part in label.split(';') {
        let part = part.trim();
        let (prefix, rest) = split_prefix(part)?;
        let (key, tail) = match rest.strip_prefix('{') {
            // Pandoc: any characters but braces between the braces.
            Some(braced) => {
                let end = braced.find('}')?;
                let key = braced[..end].trim();
                if key.is_empty() || key.contains('{') {
                    return None;
                }
                (key, &braced[end + 1..])
            }
            None => {
                let key_len = citation_key_len(rest);
                if key_len == 0 {
                    return None;
                }
                (&rest[..key_len], &rest[key_len..])
            }
        };
        let tail = tail.trim();
        let locator = tail.strip_prefix(',').unwrap_or(tail).trim();
        items.push(CitationItem {
            key: key.to_string(),
            locator: (!locator.is_empty()).then(|| locator.to_string()),
            prefix: prefix.map(str::to_string),
        });
    }
    (!items.is_empty()).then_some(items)
}

/// Splits `see @a, p. 3` into the prefix `see` and `@a, p. 3` (also `-@a`, Pandoc's
/// suppressed author). The `@` must start a word, so `[mail a@b.org]` is no citation.
fn split_prefix(part: &str) -> Option<(Option<&str>, &str)> {
    let at = part
        .char_indices()
        .find(|&(i, c)| {
            c == '@' && {
                let before = part[..i].trim_end_matches('-');
                before.is_empty() || before.ends_with(char::is_whitespace)
            }
        })
        .map(|(i, _)| i)?;
    let prefix = part[..at].trim_end_matches('-').trim();
    Some(((!prefix.is_empty()).then_some(prefix), &part[at + 1..]))
}

/// A locator as AMA prints it after the number: Pandoc's label in CSL's short form with
/// its periods stripped and no space (`p. 33` → `p33`, `pp. 3-5` → `pp3-5`, `chapter 2` →
/// `chap2`); a bare number is a page, as in Pandoc; anything else is kept as written.
pub fn ama_locator(locator: &str) -> String {
    // Pandoc's locator terms, as written and in CSL's short singular and plural forms.
    const LABELS: &[(&[&str], &str, &str)] = &[
        (&["pp.", "pp", "p.", "p", "pages", "page"], "p", "pp"),
        (&["chaps.", "chap.", "chapters", "chapter", "ch."], "chap", "chaps"),
        (&["figs.", "fig.", "figures", "figure"], "fig", "figs"),
        (&["secs.", "sec.", "sections", "section", "§§", "§"], "sec", "secs"),
        (
            &["paras.", "para.", "paragraphs", "paragraph", "¶¶", "¶"],
            "para",
            "paras",
        ),
        (&["vols.", "vol.", "volumes", "volume"], "vol", "vols"),
        (&["nos.", "no.", "numbers", "number"], "no", "nos"),
        (&["cols.", "col.", "columns", "column"], "col", "cols"),
        (&["ll.", "l.", "lines", "line"], "l", "ll"),
        (&["nn.", "n.", "notes", "note"], "n", "nn"),
        (&["pts.", "pt.", "parts", "part"], "pt", "pts"),
        (&["bks.", "bk.", "books", "book"], "bk", "bks"),
        (&["vv.", "v.", "verses", "verse"], "v", "vv"),
        (&["fols.", "fol.", "folios", "folio"], "fol", "fols"),
        (&["opp.", "op.", "opera", "opus"], "op", "opp"),
    ];
    let locator = locator.trim();
    let starts_with_digit = |s: &str| s.starts_with(|c: char| c.is_ascii_digit());
    let plural = |value: &str| value.contains(['-', '\u{2013}', ',', '&']);
    if starts_with_digit(locator) {
        let label = if plural(locator) { "pp" } else { "p" };
        return format!("{label}{locator}");
    }
    for (forms, singular, several) in LABELS {
        for form in *forms {
            let Some(value) = locator.get(..form.len()).filter(|head| head.eq_ignore_ascii_case(form)) else {
                continue;
            };
            let value = locator[value.len()..].trim_start();
            // `page 3` is read by the form `page`, not by `p` followed by `age 3`.
            if starts_with_digit(value) {
                let label = if plural(value) { several } else { singular };
                return format!("{label}{value}");
            }
        }
    }
    locator.to_string()
}

/// Pandoc's key grammar: starts with a letter, digit or `_`, goes on with alphanumerics, `_`
/// and internal punctuation; punctuation at the end belongs to the sentence, not the key.
pub(crate) fn citation_key_len(text: &str) -> usize {
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

/// Looks a key up in the shared bibliography: the index of its entry there.
pub type SharedLookup<'r> = &'r (dyn Fn(&str) -> Option<usize> + Sync);

/// Numbers an article's references by first citation and renders each citation marker.
/// Keys resolve to the article's own references first, then to the shared bibliography;
/// a shared entry cited for the first time becomes reference index `local + k`.
pub struct Citer<'r> {
    keys: HashMap<&'r str, usize>,
    local: usize,
    shared: Option<SharedLookup<'r>>,
    /// Bibliography index of each shared entry pulled in, in order of first citation.
    pulled: Vec<usize>,
    /// Reference index for each number, in order of first appearance.
    order: Vec<usize>,
    number_of: HashMap<usize, usize>,
    /// For each number, the marker that first cites it.
    first_marker: Vec<u32>,
    markers: usize,
    uses: Vec<CitationUse>,
}

/// The outcome of numbering: `order[n - 1]` is the index of reference number `n`. Frozen
/// slices, not vectors: every article keeps them for the whole build, and a slice is 8
/// bytes smaller.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Citations {
    pub order: Box<[usize]>,
    /// `first_marker[n - 1]`: the marker (`cite-M`) that first cites reference number `n`,
    /// which its entry in the list links back to. Numbers, not a map of ids: every article
    /// keeps them for the whole build.
    pub first_marker: Box<[u32]>,
    // Empty once judged (`Article::forget_what_only_checks_read`): never stored.
    #[serde(skip)]
    pub uses: Box<[CitationUse]>,
    /// The shared-bibliography entries the article cites: reference index `local + k` is
    /// bibliography entry `shared[k]`, where `local` is the number of its own references.
    pub shared: Box<[usize]>,
}

impl Citations {
    /// The id of the marker that first cites the reference numbered `index + 1`, which
    /// its entry in the list links back to.
    pub fn first_marker_id(&self, index: usize) -> Option<String> {
        self.first_marker.get(index).map(|marker| format!("cite-{marker}"))
    }
}

impl<'r> Citer<'r> {
    pub fn new(reference_ids: impl IntoIterator<Item = &'r str>) -> Citer<'r> {
        let mut keys = HashMap::new();
        let mut local = 0;
        for (index, id) in reference_ids.into_iter().enumerate() {
            keys.entry(id).or_insert(index);
            local = index + 1;
        }
        Citer {
            keys,
            local,
            shared: None,
            pulled: Vec::new(),
            order: Vec::new(),
            number_of: HashMap::new(),
            first_marker: Vec::new(),
            markers: 0,
            uses: Vec::new(),
        }
    }

    /// Also resolves keys the article does not list through `shared`.
    pub fn with_shared(mut self, shared: SharedLookup<'r>) -> Citer<'r> {
        self.shared = Some(shared);
        self
    }

    /// Whether `key` names a reference this article can cite.
    pub fn knows(&self, key: &str) -> bool {
        self.keys.contains_key(key) || self.shared.is_some_and(|lookup| lookup(key).is_some())
    }

    /// The reference index of `key`, pulling a shared entry in on its first citation.
    fn resolve(&mut self, key: &str) -> Option<usize> {
        if let Some(index) = self.keys.get(key) {
            return Some(*index);
        }
        let entry = self.shared.and_then(|lookup| lookup(key))?;
        let index = match self.pulled.iter().position(|&pulled| pulled == entry) {
            Some(k) => self.local + k,
            None => {
                self.pulled.push(entry);
                self.local + self.pulled.len() - 1
            }
        };
        Some(index)
    }

    /// Records a citation group at `at` and returns its marker's HTML.
    pub fn cite(&mut self, items: &[CitationItem], at: Position) -> String {
        self.markers += 1;
        let marker = self.markers;
        let mut marker_id = String::with_capacity(12);
        marker_id.push_str("cite-");
        push_number(&mut marker_id, marker);
        let mut numbered: Vec<Numbered<'_>> = Vec::with_capacity(items.len());
        for item in items {
            let resolved = self.resolve(&item.key);
            self.uses.push(CitationUse {
                key: item.key.clone(),
                at,
                resolved: resolved.is_some(),
            });
            let number = resolved.map(|reference| {
                *self.number_of.entry(reference).or_insert_with(|| {
                    self.order.push(reference);
                    // A text of 4 billion markers is refused long before (`limits`).
                    self.first_marker.push(u32::try_from(marker).unwrap_or(u32::MAX));
                    self.order.len()
                })
            });
            numbered.push(Numbered {
                number,
                locator: item.locator.as_deref(),
                prefix: item.prefix.as_deref(),
            });
        }
        let mut html = String::with_capacity(64);
        html.push_str("<sup class=\"cite\" id=\"");
        html.push_str(&marker_id);
        html.push_str("\">");
        write_marker_links(&mut html, &mut numbered);
        html.push_str("</sup>");
        html
    }

    pub fn finish(self) -> Citations {
        // Held for the whole build: no room to grow.
        Citations {
            order: self.order.into_boxed_slice(),
            first_marker: self.first_marker.into_boxed_slice(),
            uses: self.uses.into_boxed_slice(),
            shared: self.pulled.into_boxed_slice(),
        }
    }
}

/// Citation groups and footnote references as they are written, per flow (the main text or
/// one footnote's definition). pulldown-cmark delivers a footnote's text where it is
/// defined, usually at the end; a reader meets its citations at the footnote's mark, so
/// that is where they are numbered.
#[derive(Debug, Default)]
pub struct ReadingOrder {
    main: Vec<Step>,
    /// Footnote definitions by label (lowercased, as GFM matches them), in written order.
    footnotes: Vec<(String, Vec<Step>)>,
}

#[derive(Debug)]
enum Step {
    Group(usize),
    Footnote(String),
}

impl ReadingOrder {
    fn flow(&mut self, footnote: Option<&str>) -> &mut Vec<Step> {
        let Some(label) = footnote else {
            return &mut self.main;
        };
        let label = label.to_lowercase();
        let index = match self.footnotes.iter().position(|(l, _)| *l == label) {
            Some(index) => index,
            None => {
                self.footnotes.push((label, Vec::new()));
                self.footnotes.len() - 1
            }
        };
        &mut self.footnotes[index].1
    }

    /// Citation group `group` is written in the main text (`None`) or in a footnote.
    pub fn group(&mut self, footnote: Option<&str>, group: usize) {
        self.flow(footnote).push(Step::Group(group));
    }

    /// A footnote mark `[^label]` is written in the main text or in another footnote.
    pub fn footnote_reference(&mut self, footnote: Option<&str>, label: &str) {
        let label = label.to_lowercase();
        self.flow(footnote).push(Step::Footnote(label));
    }

    /// Group indices in reading order: the main text, entering each footnote at its first
    /// mark; footnotes that nothing marks follow in the order they are written.
    pub fn groups(&self) -> Vec<usize> {
        let mut out = Vec::new();
        let mut entered: Vec<&str> = Vec::new();
        self.walk(&self.main, &mut entered, &mut out);
        for (label, steps) in &self.footnotes {
            if !entered.contains(&label.as_str()) {
                entered.push(label);
                self.walk(steps, &mut entered, &mut out);
            }
        }
        out
    }

    fn walk<'s>(&'s self, steps: &'s [Step], entered: &mut Vec<&'s str>, out: &mut Vec<usize>) {
        for step in steps {
            match step {
                Step::Group(group) => out.push(*group),
                Step::Footnote(label) => {
                    if entered.contains(&label.as_str()) {
                        continue;
                    }
                    entered.push(label);
                    if let Some((_, inner)) = self.footnotes.iter().find(|(l, _)| l == label) {
                        self.walk(inner, entered, out);
                    }
                }
            }
        }
    }
}

/// One item of a citation group with its number (none when the key is unresolved).
struct Numbered<'i> {
    number: Option<usize>,
    locator: Option<&'i str>,
    prefix: Option<&'i str>,
}

impl Numbered<'_> {
    /// Items with words of their own are never folded into a range.
    fn is_plain(&self) -> bool {
        self.locator.is_none() && self.prefix.is_none()
    }
}

/// Writes "1,3–5" style links: sorted, runs of three or more collapsed; a prefix before its
/// number and a locator after it (`see 1(pp3-5)`).
fn write_marker_links(html: &mut String, numbered: &mut [Numbered<'_>]) {
    numbered.sort_by_key(|item| item.number.unwrap_or(usize::MAX));
    // Written straight into the marker: every citation of a large site passes through here.
    let mut parts = 0;
    let mut separate = |html: &mut String| {
        if parts > 0 {
            html.push(',');
        }
        parts += 1;
    };
    let mut index = 0;
    while index < numbered.len() {
        let item = &numbered[index];
        let Some(first) = item.number else {
            separate(html);
            html.push_str("<a class=\"cite-missing\" title=\"unresolved citation\">?</a>");
            index += 1;
            continue;
        };
        if !item.is_plain() {
            separate(html);
            if let Some(prefix) = item.prefix {
                html.push_str("<span class=\"cite-prefix\">");
                escape_into(html, prefix);
                html.push_str(" </span>");
            }
            push_link(html, first);
            if let Some(locator) = item.locator {
                html.push_str("<span class=\"cite-locator\">(");
                escape_into(html, &ama_locator(locator));
                html.push_str(")</span>");
            }
            index += 1;
            continue;
        }
        let mut last = first;
        let mut next = index + 1;
        while next < numbered.len() && numbered[next].is_plain() && numbered[next].number == Some(last + 1) {
            last += 1;
            next += 1;
        }
        while next < numbered.len() && numbered[next].is_plain() && numbered[next].number == Some(last) {
            next += 1;
        }
        separate(html);
        push_link(html, first);
        if last >= first + 2 {
            html.push('\u{2013}');
            push_link(html, last);
        } else if last > first {
            separate(html);
            push_link(html, last);
        }
        index = next;
    }
}

fn push_link(out: &mut String, number: usize) {
    out.push_str("<a href=\"#ref-");
    push_number(out, number);
    out.push_str("\">");
    push_number(out, number);
    out.push_str("</a>");
}

/// `number` in decimal, without the formatting machinery.
fn push_number(out: &mut String, mut number: usize) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (number % 10) as u8;
        number /= 10;
        if number == 0 {
            break;
        }
    }
    for &digit in &digits[start..] {
        out.push(char::from(digit));
    }
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
    fn pandoc_prefixes_and_braced_keys_are_citations() {
        let items = parse_citation_label("see @a, pp. 3-5; also @b").unwrap();
        assert_eq!(items[0].prefix.as_deref(), Some("see"));
        assert_eq!(items[0].locator.as_deref(), Some("pp. 3-5"));
        assert_eq!((items[1].key.as_str(), items[1].prefix.as_deref()), ("b", Some("also")));
        assert_eq!(keys("@{phi.2020}"), ["phi.2020"]);
        assert_eq!(keys("@{Smith, 2020!}, p. 3"), ["Smith, 2020!"]);
        assert_eq!(keys("see -@a"), ["a"]);
        assert_eq!(parse_citation_label("mail me at a@b.org"), None);
        assert_eq!(parse_citation_label("@{}"), None);
        assert_eq!(parse_citation_label("@{unclosed"), None);
    }

    #[test]
    fn locators_read_as_ama_prints_them() {
        assert_eq!(ama_locator("p. 33"), "p33");
        assert_eq!(ama_locator("pp. 3-5"), "pp3-5");
        assert_eq!(ama_locator("p. 3-5"), "pp3-5");
        assert_eq!(ama_locator("33"), "p33");
        assert_eq!(ama_locator("page 12"), "p12");
        assert_eq!(ama_locator("chapter 2"), "chap2");
        assert_eq!(ama_locator("fig. 3"), "fig3");
        assert_eq!(ama_locator("table 2"), "table 2");
        assert_eq!(ama_locator("passim"), "passim");
    }

    #[test]
    fn a_prefix_is_printed_before_its_number() {
        let html = render(&["a", "b"], &["@b", "see @a, pp. 3-5; @b"]);
        assert_eq!(
            html[1],
            "<sup class=\"cite\" id=\"cite-2\"><a href=\"#ref-1\">1</a>,<span class=\"cite-prefix\">see </span><a href=\"#ref-2\">2</a><span class=\"cite-locator\">(pp3-5)</span></sup>"
        );
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
    fn each_number_links_back_to_the_marker_that_first_cites_it() {
        let mut citer = Citer::new(["a", "b", "c"]);
        for group in ["@b", "@nobody", "@b; @a", "@c; @a"] {
            citer.cite(&parse_citation_label(group).unwrap(), Position::START);
        }
        let citations = citer.finish();
        assert_eq!(*citations.order, [1, 0, 2]);
        let ids: Vec<Option<String>> = (0..4).map(|n| citations.first_marker_id(n)).collect();
        assert_eq!(
            ids,
            [
                Some("cite-1".to_string()),
                Some("cite-3".to_string()),
                Some("cite-4".to_string()),
                None
            ]
        );
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
    fn resolves_local_references_before_the_shared_bibliography() {
        let shared = |key: &str| match key {
            "a" => Some(7),
            "s" => Some(3),
            "t" => Some(5),
            _ => None,
        };
        let mut citer = Citer::new(["a", "b"]).with_shared(&shared);
        assert!(citer.knows("s") && citer.knows("b") && !citer.knows("zz"));
        for group in ["@t", "@a; @s", "@t; @b"] {
            citer.cite(&parse_citation_label(group).unwrap(), Position::START);
        }
        let citations = citer.finish();
        // `a` is the article's own; `t` and `s` come from the bibliography in cited order.
        assert_eq!(*citations.shared, [5, 3]);
        assert_eq!(*citations.order, [2, 0, 3, 1]);
        assert!(citations.uses.iter().all(|u| u.resolved));
    }

    #[test]
    fn footnote_citations_are_read_where_the_footnote_is_marked() {
        let mut order = ReadingOrder::default();
        order.group(None, 0);
        order.footnote_reference(None, "N");
        order.group(None, 1);
        order.group(Some("unmarked"), 2);
        order.group(Some("n"), 3);
        order.footnote_reference(Some("n"), "deeper");
        order.group(Some("deeper"), 4);
        order.footnote_reference(None, "n");
        assert_eq!(order.groups(), [0, 3, 4, 1, 2]);
    }

    #[test]
    fn keeps_locators_and_marks_unresolved_keys() {
        let html = render(&["a"], &["@a, p. 33; @missing"]);
        assert!(
            html[0].contains("1</a><span class=\"cite-locator\">(p33)</span>"),
            "{}",
            html[0]
        );
        assert_eq!(
            html[0],
            "<sup class=\"cite\" id=\"cite-1\"><a href=\"#ref-1\">1</a><span class=\"cite-locator\">(p33)</span>,<a class=\"cite-missing\" title=\"unresolved citation\">?</a></sup>"
        );
    }

    #[test]
    fn numbers_of_several_digits_are_written_whole() {
        let ids: Vec<String> = (0..120).map(|n| format!("r{n}")).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let groups: Vec<String> = (0..120).map(|n| format!("@r{n}")).collect();
        let groups: Vec<&str> = groups.iter().map(String::as_str).collect();
        let html = render(&ids, &groups);
        assert_eq!(
            html[9],
            "<sup class=\"cite\" id=\"cite-10\"><a href=\"#ref-10\">10</a></sup>"
        );
        assert_eq!(
            html[119],
            "<sup class=\"cite\" id=\"cite-120\"><a href=\"#ref-120\">120</a></sup>"
        );
    }
}
