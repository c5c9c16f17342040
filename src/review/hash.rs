//! The fingerprint of an article's reviewable content: what a reviewer approves. Line
//! endings, trailing spaces and front-matter key order do not count; any change of words,
//! numbers or cited references does.

use crate::parse::front_matter::Reference;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The parts a reviewer approves, in the order they are hashed and named in findings.
pub const PARTS: [&str; 6] = ["question", "title", "answer", "plain_answer", "body", "references"];

/// The texts a fingerprint is computed from.
pub struct ReviewableContent<'a> {
    pub question: &'a str,
    pub title: Option<&'a str>,
    pub answer: &'a str,
    pub plain_answer: Option<&'a str>,
    pub body: &'a str,
    /// The references the text cites (in any order).
    pub cited: Vec<&'a Reference>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    /// `sha256:<64 hex>` over every part.
    pub hash: String,
    /// A short hash per part, so a stale approval can say what changed.
    pub parts: BTreeMap<String, String>,
}

const PART_HASH_LEN: usize = 16;

pub fn fingerprint(content: &ReviewableContent<'_>) -> Fingerprint {
    let mut cited: Vec<&Reference> = content.cited.clone();
    cited.sort_by(|a, b| a.id.cmp(&b.id));
    cited.dedup_by(|a, b| a.id == b.id);
    let references: String = cited.iter().map(|r| canonical_reference(r)).collect();
    let texts: [String; 6] = [
        normalize(content.question),
        normalize(content.title.unwrap_or("")),
        normalize(content.answer),
        normalize(content.plain_answer.unwrap_or("")),
        normalize(content.body),
        references,
    ];
    let mut whole = Sha256::new();
    whole.update(b"evident-review-v1\n");
    let mut parts = BTreeMap::new();
    for (name, text) in PARTS.iter().zip(&texts) {
        let digest = hex(&Sha256::digest(text.as_bytes()));
        whole.update(name.as_bytes());
        whole.update(b"\n");
        whole.update(digest.as_bytes());
        whole.update(b"\n");
        parts.insert(name.to_string(), digest[..PART_HASH_LEN].to_string());
    }
    Fingerprint {
        hash: format!("sha256:{}", hex(&whole.finalize())),
        parts,
    }
}

/// The parts whose short hashes differ; empty when the record carries no part hashes.
pub fn changed_parts(approved: &BTreeMap<String, String>, current: &Fingerprint) -> Vec<&'static str> {
    PARTS
        .iter()
        .copied()
        .filter(|part| approved.get(*part).is_some_and(|h| current.parts.get(*part) != Some(h)))
        .collect()
}

/// Line endings unified, trailing spaces and surrounding blank lines dropped.
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    // Trimmed in place: the body of every article passes through here.
    out.truncate(out.trim_end_matches('\n').len());
    let leading = out.len() - out.trim_start_matches('\n').len();
    out.drain(..leading);
    out
}

/// Every field of a reference that a reader sees, in a fixed order.
fn canonical_reference(reference: &Reference) -> String {
    let mut out = String::new();
    let mut field = |name: &str, value: Option<&str>| {
        if let Some(value) = value {
            let _ = writeln!(out, "{name}={}", normalize(value).replace('\n', " "));
        }
    };
    field("id", Some(&reference.id));
    field("type", Some(reference.kind.as_str()));
    field("title", Some(&reference.title));
    field("authors", Some(&reference.authors.join("; ")));
    // Written only when present, so that approvals made before these fields existed hold.
    field(
        "editors",
        Some(reference.editors.join("; ")).filter(|e| !e.is_empty()).as_deref(),
    );
    field("book_title", reference.book_title.as_deref());
    field("journal", reference.journal.as_deref());
    field("publisher", reference.publisher.as_deref());
    field("year", reference.year.map(|y| y.to_string()).as_deref());
    field("volume", reference.volume.as_deref());
    field("issue", reference.issue.as_deref());
    field("pages", reference.pages.as_deref());
    field("edition", reference.edition.as_deref());
    field("doi", reference.doi.as_deref());
    field("pmid", reference.pmid.as_deref());
    field("pmcid", reference.pmcid.as_deref());
    field("isbn", reference.isbn.as_deref());
    field("url", reference.url.as_deref());
    out.push('\n');
    out
}

fn hex(bytes: &[u8]) -> String {
    // Seven digests per article: the formatting machinery per byte showed in profiles.
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
    use crate::bibliography::blank_reference;
    use crate::parse::front_matter::ReferenceKind;

    fn reference(id: &str, year: i32) -> Reference {
        let mut reference = blank_reference(id.into(), ReferenceKind::Research, "A trial".into());
        reference.authors = vec!["Doe J".into()];
        reference.journal = Some("Lancet".into());
        reference.year = Some(year);
        reference
    }

    fn content<'a>(body: &'a str, refs: Vec<&'a Reference>) -> ReviewableContent<'a> {
        ReviewableContent {
            question: "Why?",
            title: None,
            answer: "Because [@a].",
            plain_answer: None,
            body,
            cited: refs,
        }
    }

    #[test]
    fn line_endings_and_trailing_spaces_do_not_count() {
        let a = reference("a", 2020);
        let unix = fingerprint(&content("- 40 mg daily [@a]\n- more\n", vec![&a]));
        let windows = fingerprint(&content("- 40 mg daily [@a]  \r\n- more\r\n\r\n", vec![&a]));
        assert_eq!(unix, windows);
        assert!(unix.hash.starts_with("sha256:") && unix.hash.len() == 71);
    }

    #[test]
    fn a_changed_number_or_reference_counts_and_is_named() {
        let a = reference("a", 2020);
        let approved = fingerprint(&content("- 40 mg daily [@a]\n", vec![&a]));
        let dose = fingerprint(&content("- 80 mg daily [@a]\n", vec![&a]));
        assert_ne!(approved.hash, dose.hash);
        assert_eq!(changed_parts(&approved.parts, &dose), ["body"]);
        let newer = reference("a", 2021);
        let reference_changed = fingerprint(&content("- 40 mg daily [@a]\n", vec![&newer]));
        assert_eq!(changed_parts(&approved.parts, &reference_changed), ["references"]);
    }

    #[test]
    fn editors_and_book_titles_count_only_when_written() {
        let a = reference("a", 2020);
        // The canonical text of a reference without them is what it was before they existed.
        assert!(!canonical_reference(&a).contains("editors") && !canonical_reference(&a).contains("book_title"));
        let approved = fingerprint(&content("- text [@a]\n", vec![&a]));
        let mut chapter = reference("a", 2020);
        chapter.editors = vec!["Goldman L".into()];
        chapter.book_title = Some("Goldman-Cecil Medicine".into());
        let edited = fingerprint(&content("- text [@a]\n", vec![&chapter]));
        assert_eq!(changed_parts(&approved.parts, &edited), ["references"]);
    }

    #[test]
    fn the_order_references_are_listed_in_does_not_count() {
        let (a, b) = (reference("a", 2020), reference("b", 2021));
        assert_eq!(
            fingerprint(&content("x", vec![&a, &b])),
            fingerprint(&content("x", vec![&b, &a]))
        );
    }
}
