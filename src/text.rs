//! Text helpers shared by the stages: whitespace handling for everything that turns
//! Markdown into plain text (summaries, claims, headings, imported titles), and the one
//! edit distance ("did you mean", search typos, near-identical reference titles), and digests
//! written as lowercase hexadecimal.

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

/// Optimal-string-alignment distance between `a` and `b` in characters (Levenshtein plus
/// adjacent transpositions, the most common typing slip: `reveiw`), or `None` once it
/// must exceed `max`. Bounded, so that comparing long titles stops as soon as they differ.
pub fn edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    // Three rolling rows: a transposition looks two rows back.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

/// `bytes` as lowercase hexadecimal: how every digest Evident records or compares is written
/// (approval fingerprints, site approvals, cache keys, edition keys).
/// The name of `names` equal to `name`: how a name held as `&'static str` comes back from
/// storage.
pub fn known_name(name: &str, names: &[&'static str]) -> Option<&'static str> {
    names.iter().copied().find(|known| *known == name)
}

/// The 32 bytes that 64 lowercase hex digits spell, as `hex` writes them; `None` for any
/// other text.
pub fn digest_of_hex(text: &str) -> Option<[u8; 32]> {
    let digits = text.as_bytes();
    if digits.len() != 64 {
        return None;
    }
    let value = |digit: u8| match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        _ => None,
    };
    let mut bytes = [0; 32];
    for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = value(pair[0])? << 4 | value(pair[1])?;
    }
    Some(bytes)
}

pub fn hex(bytes: &[u8]) -> String {
    // Twelve digests per article: the formatting machinery per byte showed in profiles.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_edits_and_transpositions() {
        // From the search's typo tolerance.
        assert_eq!(edit_distance("metformin", "metformin", 2), Some(0));
        assert_eq!(edit_distance("metfromin", "metformin", 2), Some(1));
        assert_eq!(edit_distance("metformn", "metformin", 2), Some(1));
        assert_eq!(edit_distance("metphormin", "metformin", 2), Some(2));
        assert_eq!(edit_distance("warfarin", "heparin", 2), None);
        assert_eq!(edit_distance("ab", "abcdef", 2), None);
        // From "did you mean" and the duplicate-title check.
        assert_eq!(edit_distance("reveiw", "review", 3), Some(1));
        assert_eq!(edit_distance("", "abc", 3), Some(3));
        assert_eq!(edit_distance("kitten", "sitting", 3), Some(3));
        assert_eq!(edit_distance("kitten", "sitting", 2), None);
        // Characters, not bytes.
        assert_eq!(edit_distance("Ménière", "Meniere", 2), Some(2));
    }

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
