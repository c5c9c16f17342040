//! The compact forms of a posting list (the ascending document numbers where a term
//! occurs in one field group): gaps as a JSON array when the term is rare, a base64 bitmap
//! when it is common. Whichever is shorter is written; `search.js` reads both.

use serde_json::Value;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The documents a term occurs in as the index is built, each with the field group it
/// counts in: ascending, each held as its gap from the one before and its group, seven bits
/// a byte. Most postings are of common words, a gap of a few documents: a byte each, where
/// five lists of `u32`s (one per group, most of them empty) took four bytes each and 120
/// bytes a term besides (at 100,000 articles, tens of megabytes while the index was made).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Postings {
    bytes: Vec<u8>,
    count: u32,
    last: u32,
    /// Bit `g` set for each group `g` that has a document.
    groups: u8,
}

impl Postings {
    /// Adds `doc`, above every document already in the list, in `group` (below 8).
    pub fn push(&mut self, doc: u32, group: u8) {
        let gap = if self.count == 0 { doc } else { doc - self.last };
        let mut value = (u64::from(gap) << 3) | u64::from(group & 7);
        while value >= 0x80 {
            self.bytes.push((value & 0x7f) as u8 | 0x80);
            value >>= 7;
        }
        self.bytes.push(value as u8);
        self.last = doc;
        self.count += 1;
        self.groups |= 1 << (group & 7);
    }

    /// The list as it is held: each document's gap from the one before and its group.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// How many documents, in every group.
    pub fn len(&self) -> usize {
        self.count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Bit `g` set for each group `g` that has a document.
    pub fn groups(&self) -> u8 {
        self.groups
    }

    /// Each posting in order: its document and its group, decoded from the gaps.
    fn each_posting(&self, mut posting: impl FnMut(u32, usize)) {
        let (mut doc, mut value, mut shift, mut first) = (0u32, 0u64, 0, true);
        for &byte in &self.bytes {
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 != 0 {
                shift += 7;
                continue;
            }
            let gap = (value >> 3) as u32;
            doc = if first { gap } else { doc + gap };
            first = false;
            posting(doc, (value & 7) as usize);
            (value, shift) = (0, 0);
        }
    }

    /// The documents of each of `groups`, ascending, into `docs` (one list per group, in
    /// the same order, cleared first): one pass over the list for a posting tier's groups,
    /// where `docs` read it once per group.
    pub fn docs_of_groups(&self, groups: &[usize], docs: &mut [Vec<u32>]) {
        docs.iter_mut().for_each(Vec::clear);
        self.each_posting(|doc, group| {
            if let Some(list) = groups.iter().position(|&g| g == group).and_then(|i| docs.get_mut(i)) {
                list.push(doc);
            }
        });
    }

    /// The documents of `group`, ascending.
    pub fn docs(&self, group: u8) -> Vec<u32> {
        let mut docs = Vec::new();
        self.each_posting(|doc, of| {
            if of == usize::from(group) {
                docs.push(doc);
            }
        });
        docs
    }
}

/// One posting list as JSON: `0` when empty, `[first, gap, gap…]`, or a bitmap string
/// (bit `d % 8` of byte `d / 8` set for document `d`, base64 without padding).
pub fn encode_postings(docs: &[u32]) -> Value {
    let Some(&last) = docs.last() else {
        return Value::from(0);
    };
    let mut gaps = Vec::with_capacity(docs.len());
    let mut previous = 0;
    let mut gap_chars = 0usize;
    for (i, &doc) in docs.iter().enumerate() {
        let gap = if i == 0 { doc } else { doc - previous };
        previous = doc;
        gap_chars += digits(gap) + 1;
        gaps.push(gap);
    }
    let bitmap_bytes = last as usize / 8 + 1;
    let bitmap_chars = (bitmap_bytes * 4).div_ceil(3) + 2;
    // `[a,b,c]` takes `gap_chars + 1` characters, the bitmap its length and two quotes.
    if gap_chars < bitmap_chars {
        return Value::from(gaps);
    }
    let mut bitmap = vec![0u8; bitmap_bytes];
    for &doc in docs {
        bitmap[doc as usize / 8] |= 1 << (doc % 8);
    }
    Value::from(base64(&bitmap))
}

/// `encode_postings(docs)` as JSON, written straight into `out`: the same bytes, without a
/// `Value` (and its list of numbers) made for every list of every term of the index.
pub fn write_postings(docs: &[u32], out: &mut Vec<u8>) {
    let Some(&last) = docs.last() else {
        out.push(b'0');
        return;
    };
    let mut gap_chars = 0usize;
    let mut previous = 0;
    for (i, &doc) in docs.iter().enumerate() {
        let gap = if i == 0 { doc } else { doc - previous };
        previous = doc;
        gap_chars += digits(gap) + 1;
    }
    let bitmap_bytes = last as usize / 8 + 1;
    let bitmap_chars = (bitmap_bytes * 4).div_ceil(3) + 2;
    if gap_chars < bitmap_chars {
        out.push(b'[');
        let mut previous = 0;
        for (i, &doc) in docs.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_number(if i == 0 { doc } else { doc - previous }, out);
            previous = doc;
        }
        out.push(b']');
        return;
    }
    let mut bitmap = vec![0u8; bitmap_bytes];
    for &doc in docs {
        bitmap[doc as usize / 8] |= 1 << (doc % 8);
    }
    // The alphabet needs no escaping in a JSON string.
    out.push(b'"');
    base64_into(&bitmap, out);
    out.push(b'"');
}

fn write_number(mut n: u32, out: &mut Vec<u8>) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// The document numbers of an encoded posting list; `None` for a malformed one.
pub fn decode_postings(value: &Value) -> Option<Vec<u32>> {
    match value {
        Value::Number(n) if n.as_u64() == Some(0) => Some(Vec::new()),
        Value::Array(gaps) => {
            let mut docs = Vec::with_capacity(gaps.len());
            let mut doc = 0u32;
            for gap in gaps {
                doc = doc.checked_add(u32::try_from(gap.as_u64()?).ok()?)?;
                docs.push(doc);
            }
            Some(docs)
        }
        Value::String(text) => {
            let bytes = unbase64(text)?;
            let mut docs = Vec::new();
            for (i, byte) in bytes.iter().enumerate() {
                for bit in 0..8 {
                    if byte & (1 << bit) != 0 {
                        docs.push(i as u32 * 8 + bit);
                    }
                }
            }
            Some(docs)
        }
        _ => None,
    }
}

fn digits(n: u32) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

fn base64(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len().div_ceil(3) * 4);
    base64_into(bytes, &mut out);
    // Only characters of the alphabet were written.
    String::from_utf8(out).unwrap_or_default()
}

fn base64_into(bytes: &[u8], out: &mut Vec<u8>) {
    out.reserve(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]);
        }
    }
}

fn unbase64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_terms_documents_read_back_by_group() {
        let docs = [
            (0, 4),
            (1, 0),
            (2, 4),
            (127, 1),
            (128, 4),
            (300, 3),
            (16_511, 4),
            (16_512, 0),
            (2_000_000, 4),
            (u32::MAX, 2),
        ];
        let mut postings = Postings::default();
        for &(doc, group) in &docs {
            postings.push(doc, group);
        }
        for group in 0..5u8 {
            let want: Vec<u32> = docs.iter().filter(|d| d.1 == group).map(|d| d.0).collect();
            assert_eq!(postings.docs(group), want, "group {group}");
        }
        assert_eq!(postings.len(), docs.len());
        assert_eq!(postings.groups(), 0b11111);
        let mut first_not_zero = Postings::default();
        first_not_zero.push(5, 2);
        first_not_zero.push(6, 2);
        assert_eq!(first_not_zero.docs(2), [5, 6]);
        assert_eq!(first_not_zero.groups(), 0b100);
        assert!(Postings::default().is_empty() && Postings::default().docs(0).is_empty());
        // A common word's list: a byte a document.
        let mut common = Postings::default();
        (0..1000).for_each(|doc| common.push(doc, 4));
        assert_eq!(common.bytes.len(), 1000);
    }

    #[test]
    fn rare_terms_are_gaps_and_common_ones_bitmaps() {
        assert_eq!(encode_postings(&[]), Value::from(0));
        assert_eq!(encode_postings(&[3, 10, 400]), serde_json::json!([3, 7, 390]));
        let common: Vec<u32> = (0..1000).filter(|d| d % 3 != 0).collect();
        let encoded = encode_postings(&common);
        assert!(encoded.is_string(), "{encoded}");
        assert_eq!(decode_postings(&encoded).as_deref(), Some(common.as_slice()));
    }

    #[test]
    fn every_length_round_trips() {
        for last in 0..40u32 {
            let docs: Vec<u32> = (0..=last).collect();
            let encoded = encode_postings(&docs);
            assert_eq!(decode_postings(&encoded), Some(docs), "{encoded}");
        }
    }

    #[test]
    fn postings_written_straight_are_the_json_of_their_value() {
        // Empty, rare (gaps, including ones of many digits), common (bitmaps of every
        // length modulo three) and the edge between the two forms.
        let mut lists: Vec<Vec<u32>> = vec![
            vec![],
            vec![0],
            vec![7],
            vec![u32::MAX - 1],
            vec![3, 10, 400, 4_000_000],
        ];
        for last in 0..64u32 {
            lists.push((0..=last).collect());
            lists.push((0..=last).filter(|d| d % 5 == 0).collect());
            lists.push((0..=last * 37).step_by(37).collect());
        }
        for docs in &lists {
            let mut written = Vec::new();
            write_postings(docs, &mut written);
            assert_eq!(written, serde_json::to_vec(&encode_postings(docs)).unwrap(), "{docs:?}");
        }
    }

    #[test]
    fn a_tiers_groups_read_back_in_one_pass_as_each_alone() {
        let mut postings = Postings::default();
        for doc in 0..300u32 {
            postings.push(doc * 3, (doc % 5) as u8);
        }
        let groups = [0, 1, 2];
        let mut docs = vec![vec![99]; 3];
        postings.docs_of_groups(&groups, &mut docs);
        for (list, &group) in docs.iter().zip(&groups) {
            assert_eq!(*list, postings.docs(group as u8), "group {group}");
        }
    }

    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE");
        assert_eq!(base64(b"M"), "TQ");
        assert_eq!(unbase64("TWE").as_deref(), Some(&b"Ma"[..]));
        assert_eq!(unbase64("T*"), None);
    }
}
