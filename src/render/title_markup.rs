//! The markup editors put in reference titles, as HTML: Markdown emphasis
//! (`*Staphylococcus aureus*`) and the rich-text tags CSL-JSON allows (`<i>`, `<b>`,
//! `<sup>`, `<sub>`, `<span class="nocase">`). Everything else is text and is escaped.

use crate::html::escape_into;

/// The styles a stretch of title text carries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Style {
    italic: bool,
    bold: bool,
    sup: bool,
    sub: bool,
}

/// Writes the title as trusted HTML. In an italic title (a book's) emphasised words are
/// set roman, as CSL flips them, so a species name stays distinguishable.
pub fn write_title_html(out: &mut String, title: &str, italic: bool) {
    let mut runs = runs(title);
    for (style, _) in &mut runs {
        style.italic ^= italic;
    }
    let mut before = None;
    for (style, text) in merged(runs) {
        let text = typographic_quotes(&text, before);
        before = text.chars().last();
        let tags: [(bool, &str); 4] = [
            (style.italic, "i"),
            (style.bold, "b"),
            (style.sup, "sup"),
            (style.sub, "sub"),
        ];
        for (on, tag) in tags {
            if on {
                out.push('<');
                out.push_str(tag);
                out.push('>');
            }
        }
        escape_into(out, &text);
        for (on, tag) in tags.iter().rev() {
            if *on {
                out.push_str("</");
                out.push_str(tag);
                out.push('>');
            }
        }
    }
}

/// Straight quotes as typographic ones, as citeproc-js and journals print them: `'` is an
/// apostrophe or closing quote (`’`) unless it opens a word (`‘`); `"` opens (`“`) at the
/// start of a word and closes (`”`) elsewhere. `before` is the character preceding `text`.
pub fn typographic_quotes(text: &str, mut before: Option<char>) -> String {
    let opens = |before: Option<char>| before.is_none_or(|c| c.is_whitespace() || "([{\u{2014}\u{2013}-/".contains(c));
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        out.push(match c {
            '\'' if opens(before) => '\u{2018}',
            '\'' => '\u{2019}',
            '"' if opens(before) => '\u{201c}',
            '"' => '\u{201d}',
            other => other,
        });
        before = Some(c);
    }
    out
}

/// The title's plain text, markup removed (for comparisons and hints).
pub fn plain_text(title: &str) -> String {
    runs(title).into_iter().map(|(_, text)| text).collect()
}

fn merged(runs: Vec<(Style, String)>) -> Vec<(Style, String)> {
    let mut out: Vec<(Style, String)> = Vec::with_capacity(runs.len());
    for (style, text) in runs {
        match out.last_mut() {
            Some((last, so_far)) if *last == style => so_far.push_str(&text),
            _ if text.is_empty() => {}
            _ => out.push((style, text)),
        }
    }
    out
}

/// The rich-text tags understood, as opening and closing tag; any other `<` is text.
const TAGS: &[(&str, &str, Kind)] = &[
    ("<i>", "</i>", Kind::Italic),
    ("<em>", "</em>", Kind::Italic),
    ("<b>", "</b>", Kind::Bold),
    ("<strong>", "</strong>", Kind::Bold),
    ("<sup>", "</sup>", Kind::Sup),
    ("<sub>", "</sub>", Kind::Sub),
    ("<span class=\"nocase\">", "</span>", Kind::NoCase),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Italic,
    Bold,
    Sup,
    Sub,
    NoCase,
}

impl Style {
    fn switch(&mut self, kind: Kind, on: bool) {
        match kind {
            Kind::Italic => self.italic = on,
            Kind::Bold => self.bold = on,
            Kind::Sup => self.sup = on,
            Kind::Sub => self.sub = on,
            Kind::NoCase => {}
        }
    }
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// The tag at the start of `rest` when it is markup: an opening tag whose closing tag
/// follows, or the closing tag of the innermost open one. A stray tag is text, as in
/// citeproc-js, so `</i>` typed in a title is shown, not obeyed.
/// `last_close[t]` is where the last closing tag of `TAGS[t]` starts in the title (found
/// once, so that a title of many stray tags stays linear).
fn tag_at(
    rest: &str,
    at: usize,
    open: &[(Kind, &'static str)],
    last_close: &[Option<usize>],
) -> Option<(usize, Kind, bool)> {
    if let Some((kind, close)) = open.last().filter(|(_, close)| starts_with_ignore_case(rest, close)) {
        return Some((close.len(), *kind, false));
    }
    TAGS.iter()
        .zip(last_close)
        .find(|((opening, _, _), last)| {
            starts_with_ignore_case(rest, opening) && last.is_some_and(|close| close >= at + opening.len())
        })
        .map(|((opening, _, kind), _)| (opening.len(), *kind, true))
}

fn closing_of(kind: Kind, opened: &str) -> &'static str {
    TAGS.iter()
        .find(|(opening, _, k)| *k == kind && opened.len() >= opening.len() && starts_with_ignore_case(opened, opening))
        .map_or("", |(_, closing, _)| closing)
}

/// Splits the title into runs of equally styled text.
fn runs(title: &str) -> Vec<(Style, String)> {
    // Most titles hold no markup at all: one plain run, without the scans below (every
    // reference of every page passes through here, twice).
    if !title.bytes().any(|b| matches!(b, b'<' | b'*' | b'_' | b'\\')) {
        return vec![(Style::default(), title.to_string())];
    }
    let chars: Vec<(usize, char)> = title.char_indices().collect();
    let mut runs = vec![(Style::default(), String::new())];
    let mut style = Style::default();
    let mut open: Vec<(Kind, &'static str)> = Vec::new();
    let lower = title.to_ascii_lowercase();
    let last_close: Vec<Option<usize>> = TAGS.iter().map(|(_, closing, _)| lower.rfind(closing)).collect();
    let possible_closers = closers(&chars);
    // Where each open Markdown emphasis closes, decided when it opens.
    let mut closers: Vec<usize> = Vec::new();
    let mut i = 0;
    let set = |runs: &mut Vec<(Style, String)>, style: Style| runs.push((style, String::new()));
    while i < chars.len() {
        let (at, c) = chars[i];
        if c == '\\' && chars.get(i + 1).is_some_and(|(_, n)| matches!(n, '*' | '_' | '\\')) {
            push_char(&mut runs, chars[i + 1].1);
            i += 2;
            continue;
        }
        if c == '<' {
            let rest = &title[at..];
            if let Some((len, kind, opening)) = tag_at(rest, at, &open, &last_close) {
                if opening {
                    open.push((kind, closing_of(kind, rest)));
                } else {
                    open.pop();
                }
                style.switch(kind, opening);
                set(&mut runs, style);
                // Tags are ASCII: their length in bytes is their length in characters.
                i += len;
                continue;
            }
        }
        if matches!(c, '*' | '_') {
            if closers.last() == Some(&i) {
                closers.pop();
                style.italic = !style.italic;
                set(&mut runs, style);
                i += 1;
                continue;
            }
            if let Some(close) = emphasis_close(&chars, &possible_closers, i) {
                closers.push(close);
                style.italic = !style.italic;
                set(&mut runs, style);
                i += 1;
                continue;
            }
        }
        push_char(&mut runs, c);
        i += 1;
    }
    runs
}

fn push_char(runs: &mut [(Style, String)], c: char) {
    if let Some((_, text)) = runs.last_mut() {
        text.push(c);
    }
}

/// Where the emphasis a `*` or `_` at `open` starts is closed, by CommonMark's flanking
/// rules in their simple form: the opener is followed and the closer preceded by a
/// non-space, and `_` does not open or close inside a word (`snake_case` stays text).
/// `closers` lists, in order, every index that can close emphasis (see `closers`).
fn emphasis_close(chars: &[(usize, char)], closers: &Closers, open: usize) -> Option<usize> {
    let delimiter = chars[open].1;
    let next = chars.get(open + 1)?.1;
    let before = open.checked_sub(1).map(|i| chars[i].1);
    if next.is_whitespace() || next == delimiter || before == Some(delimiter) {
        return None;
    }
    if delimiter == '_' && before.is_some_and(char::is_alphanumeric) {
        return None;
    }
    let closers = if delimiter == '*' {
        &closers.stars
    } else {
        &closers.underscores
    };
    let first = closers.partition_point(|&close| close < open + 2);
    closers.get(first).copied()
}

/// Where emphasis can close, by delimiter, in order.
struct Closers {
    stars: Vec<usize>,
    underscores: Vec<usize>,
}

/// The indices of every `*` or `_` that can close emphasis: preceded by a non-space that
/// is not a backslash, not doubled, and for `_` not followed by a letter. Found once, so a
/// title full of asterisks stays linear.
fn closers(chars: &[(usize, char)]) -> Closers {
    let (stars, underscores) = (1..chars.len())
        .filter(|&close| {
            let (_, c) = chars[close];
            let prev = chars[close - 1].1;
            let after = chars.get(close + 1).map(|(_, c)| *c);
            matches!(c, '*' | '_')
                && !prev.is_whitespace()
                && prev != '\\'
                && after != Some(c)
                && !(c == '_' && after.is_some_and(char::is_alphanumeric))
        })
        .partition(|&close| chars[close].1 == '*');
    Closers { stars, underscores }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(title: &str, italic: bool) -> String {
        let mut out = String::new();
        write_title_html(&mut out, title, italic);
        out
    }

    #[test]
    fn markdown_emphasis_is_italic() {
        assert_eq!(
            html("Decolonization of *Staphylococcus aureus* carriers", false),
            "Decolonization of <i>Staphylococcus aureus</i> carriers"
        );
        assert_eq!(html("_E coli_ in water", false), "<i>E coli</i> in water");
    }

    #[test]
    fn csl_rich_text_is_kept_and_other_tags_escaped() {
        assert_eq!(
            html(
                "<i>BRCA1</i> and <b>bold</b> x<sup>2</sup> <script>alert(1)</script>",
                false
            ),
            "<i>BRCA1</i> and <b>bold</b> x<sup>2</sup> &lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            html("<span class=\"nocase\">mRNA</span> vaccines", false),
            "mRNA vaccines"
        );
        assert_eq!(html("a </span> b", false), "a &lt;/span&gt; b");
    }

    #[test]
    fn emphasis_in_an_italic_title_is_roman() {
        assert_eq!(
            html("Infections by *Candida auris*", true),
            "<i>Infections by </i>Candida auris"
        );
    }

    #[test]
    fn lone_and_intraword_delimiters_are_text() {
        assert_eq!(html("2 * 3 and snake_case_name", false), "2 * 3 and snake_case_name");
        assert_eq!(html("an *unclosed emphasis", false), "an *unclosed emphasis");
        assert_eq!(html(r"escaped \*stars\*", false), "escaped *stars*");
    }

    #[test]
    fn stray_tags_are_text() {
        assert_eq!(html("<i>never closed", false), "&lt;i&gt;never closed");
        assert_eq!(
            html("</i><script>x</script> a", false),
            "&lt;/i&gt;&lt;script&gt;x&lt;/script&gt; a"
        );
        assert_eq!(html("<i>a</b> b</i>", false), "<i>a&lt;/b&gt; b</i>");
    }

    #[test]
    fn quotes_and_apostrophes_are_typographic() {
        assert_eq!(
            html("O'Neil's \"real-world\" data and 'quoted' words", false),
            "O\u{2019}Neil\u{2019}s \u{201c}real-world\u{201d} data and \u{2018}quoted\u{2019} words"
        );
    }

    #[test]
    fn hostile_titles_are_read_in_linear_time() {
        let title = "*a_ ".repeat(50_000) + &"<i>".repeat(50_000) + &"\\".repeat(3);
        let mut out = String::new();
        write_title_html(&mut out, &title, false);
        assert!(out.len() > title.len());
    }

    #[test]
    fn plain_text_drops_the_markup() {
        assert_eq!(plain_text("*S aureus* in <i>vivo</i>"), "S aureus in vivo");
    }
}
