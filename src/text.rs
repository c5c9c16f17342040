//! Whitespace handling shared by the stages that turn Markdown into plain text (summaries,
//! claims, headings, imported titles).

/// `text` with every run of whitespace (as `char::is_whitespace` sees it) made one space,
/// and none at either end: what `split_whitespace().collect::<Vec<_>>().join(" ")` gives,
/// without the list. Summaries of a large site pass through here, so ASCII text, by far
/// the most common, is handled byte by byte.
pub fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    if text.is_ascii() {
        let words = text
            .split([' ', '\t', '\n', '\x0B', '\x0C', '\r'])
            .filter(|w| !w.is_empty());
        for word in words {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        return out;
    }
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_what_split_and_join_give() {
        for text in [
            "",
            "   ",
            "one",
            "  two  words ",
            "tabs\tand\nnew\r\nlines\x0Bvertical\x0Cfeed",
            "non\u{a0}breaking\u{2003}em space, naïve café",
            "\u{3000}ideographic\u{3000}",
        ] {
            assert_eq!(
                collapse_whitespace(text),
                text.split_whitespace().collect::<Vec<_>>().join(" "),
                "{text:?}"
            );
        }
    }
}
