//! The fingerprint of what a reviewer approves: everything article-specific that the page
//! shows a reader, where it is shown, and nothing else.
//!
//! Texts are hashed as they render (`crate::parse::canonical`), not as they are written: a
//! re-wrapped paragraph or a renamed citation key keeps an approval, a hard line break or a
//! no-break space does not. Citations count by the content of the references they resolve
//! to. What the page shows but an editor may change without review (`related`, `topics`,
//! `updated`, `version`) is left out; `coverage` lists every field of the article page.

use crate::date::Date;
use crate::parse::canonical::ContentDigest;
use crate::parse::front_matter::{Audience, Change, Reference};
use crate::text::hex;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The tag the whole hash starts with; a change of what is hashed changes it, so that an
/// approval recorded under other rules never matches by accident.
const VERSION_TAG: &[u8] = b"evident-review-v3\n";

/// The parts a reviewer approves, in the order they are hashed and named in findings.
pub const PARTS: [&str; 14] = [
    "address",
    "question",
    "title",
    "audience",
    "created",
    "answer",
    "plain_answer",
    "body",
    "references",
    "changes",
    "embedded_files",
    "authors",
    "disclosures",
    "grade",
];

/// Where an approval holds: one site, and the folder its embedded files are read from.
#[derive(Clone, Debug, Default)]
pub struct ReviewSite {
    /// `base_url` as `evident.yaml` gives it (not `--base-url`, nor an edition's address:
    /// the same site previewed elsewhere or archived keeps its approvals).
    pub base_url: String,
    /// The site root; `None` when there is no site on disk (embedded files count as missing).
    pub root: Option<PathBuf>,
}

impl ReviewSite {
    pub fn new(base_url: &str, root: &Path) -> ReviewSite {
        ReviewSite {
            base_url: base_url.to_string(),
            root: Some(root.to_path_buf()),
        }
    }

    /// The file (under the site root) a local URL on article `slug`'s page shows, when it
    /// names one, as the build publishes it (`crate::check::links`): a theme file, a file
    /// beside the article (`file` is the article's), or a file under `static/`. The URL
    /// resolves as `crate::site_path::resolve` reads it: `/x` under the site root whatever
    /// the base path, relative URLs against the article's `/questions/<slug>/`.
    pub fn embedded_path(&self, slug: &str, file: &str, url: &str) -> Option<String> {
        let own = crate::site_path::article_dir(slug);
        let Some(crate::site_path::Target::Site { path, .. }) = crate::site_path::resolve(&own, url) else {
            return None;
        };
        let path = crate::site_path::percent_decode(&path);
        if path.starts_with("theme/") {
            return Some(path);
        }
        let root = self.root.as_ref()?;
        let is_file = |rel: &str| std::fs::symlink_metadata(root.join(rel)).is_ok_and(|m| m.is_file());
        if let Some(rest) = path.strip_prefix(&own) {
            let folder = file.rsplit_once('/').map_or("", |(folder, _)| folder);
            let beside = if folder.is_empty() {
                rest.to_string()
            } else {
                format!("{folder}/{rest}")
            };
            if !rest.is_empty() && !rest.ends_with(".md") && is_file(&beside) {
                return Some(beside);
            }
        }
        let published = format!("{}/{path}", crate::site_path::STATIC_DIR);
        is_file(&published).then_some(published)
    }

    /// The embedded files' site paths with the digest of their bytes (`None`: not found).
    fn embedded(&self, slug: &str, file: &str, urls: &[&str]) -> Vec<(String, Option<String>)> {
        let mut files: Vec<(String, Option<String>)> = urls
            .iter()
            .map(|url| match self.embedded_path(slug, file, url) {
                Some(path) => {
                    let digest = self.file_digest(&path);
                    (path, digest)
                }
                // Not a file of this site (a page, or outside it): the URL is in the text.
                None => (format!("url:{url}"), None),
            })
            .collect();
        files.sort();
        files.dedup();
        files
    }

    fn file_digest(&self, site_path: &str) -> Option<String> {
        let on_disk = self
            .root
            .as_ref()
            .and_then(|root| std::fs::read(root.join(site_path)).ok());
        // A theme file the site does not override is the built-in one of that name.
        let bytes = on_disk.or_else(|| {
            let name = site_path.strip_prefix("theme/")?;
            let built_in = crate::embedded::THEME.iter().find(|(n, _)| *n == name);
            built_in.map(|(_, bytes)| bytes.to_vec())
        })?;
        Some(hex(&Sha256::digest(&bytes)))
    }
}

/// What a fingerprint is computed from: the article as its page shows it.
pub struct ReviewableContent<'a> {
    pub site: &'a ReviewSite,
    pub slug: &'a str,
    /// The article's file under the site root: files beside it are published with it.
    pub file: &'a str,
    pub question: &'a str,
    pub title: Option<&'a str>,
    pub audience: Audience,
    pub created: Option<Date>,
    /// Digests of the rendered texts (`crate::parse::markdown::Rendered::digest`).
    pub answer: &'a ContentDigest,
    pub plain_answer: Option<&'a ContentDigest>,
    pub body: &'a ContentDigest,
    /// The references in the order the page numbers them.
    pub cited: Vec<&'a Reference>,
    pub changes: &'a [Change],
    /// Local URLs of the images the texts embed.
    pub embeds: Vec<&'a str>,
    pub standards: Standards<'a>,
}

/// What the page says about who wrote the article, who paid for it and how strong its
/// evidence is. Authors count by id: their names and disclosures are the registry's, which
/// the site keeps, like a reviewer's.
#[derive(Clone, Copy, Default)]
pub struct Standards<'a> {
    pub authors: &'a [String],
    pub funding: Option<&'a str>,
    pub conflicts: Option<&'a str>,
    pub grade: Option<&'a str>,
}

/// The hash of the reviewable content as it is now, and of each part.
///
/// Held as bytes: every article keeps its fingerprint for the whole build, and as a map of
/// part names to hex strings it was 2.8 KB an article, the largest thing parse handed on.
/// `hash` and `parts` give the texts an approval records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    /// SHA-256 of the part digests (`combine`).
    whole: [u8; 32],
    /// The SHA-256 of each part, in the order of `PARTS`; `None` once forgotten
    /// (`forget_parts`).
    parts: Option<Box<[[u8; 32]; PARTS.len()]>>,
}

impl Fingerprint {
    /// `sha256:<64 hex>`, derived from the part digests alone (`combine`).
    pub fn hash(&self) -> String {
        format!("sha256:{}", hex(&self.whole))
    }

    /// Whether `recorded` (an `approved_hash`) is this hash.
    pub fn is(&self, recorded: &str) -> bool {
        recorded
            .strip_prefix("sha256:")
            .is_some_and(|digest| digest == hex(&self.whole))
    }

    /// The digest of the part named `name` (one of `PARTS`), as an approval records it;
    /// `None` for a name not in `PARTS`, or once the parts are forgotten.
    pub fn part(&self, name: &str) -> Option<String> {
        let index = PARTS.iter().position(|part| *part == name)?;
        Some(hex(&self.parts.as_ref()?[index]))
    }

    /// The digest of each part, so a stale approval can say what changed; `None` once
    /// they are forgotten.
    pub fn parts(&self) -> Option<BTreeMap<String, String>> {
        let parts = self.parts.as_ref()?;
        Some(
            PARTS
                .iter()
                .zip(parts.iter())
                .map(|(name, digest)| (name.to_string(), hex(digest)))
                .collect(),
        )
    }

    /// Drops the part digests (0.45 KB), keeping the whole hash. Only recording an
    /// approval and the build cache read the parts; what a stale approval changed is in
    /// its `ReviewState`, judged at parse. So a build that publishes forgets them as each
    /// parse job ends (`parse::read_and_parse`).
    pub fn forget_parts(&mut self) {
        self.parts = None;
    }

    /// A fingerprint made of these digests, their whole hash made from them.
    pub(crate) fn of_parts(parts: [[u8; 32]; PARTS.len()]) -> Fingerprint {
        let mut whole = Sha256::new();
        whole.update(VERSION_TAG);
        for (name, digest) in PARTS.iter().zip(&parts) {
            whole.update(name.as_bytes());
            whole.update(b"\n");
            whole.update(hex(digest).as_bytes());
            whole.update(b"\n");
        }
        Fingerprint {
            whole: whole.finalize().into(),
            parts: Some(Box::new(parts)),
        }
    }
}

/// Stored (by the build cache) as its digests' bytes, the whole hash then the parts in
/// `PARTS`' order: reading one back decodes no hex and hashes nothing. The cache's frame
/// (a SHA-256 over the entry) is what proves they are the digests it stored, the whole
/// one made from the parts (`of_parts`).
impl serde::Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // A fingerprint whose parts were forgotten is never stored: it would not read back.
        let parts = self
            .parts
            .as_deref()
            .ok_or_else(|| serde::ser::Error::custom("the fingerprint's parts were forgotten"))?;
        // One run of bytes: as arrays, each of their 512 bytes was a value of its own to
        // decode, a quarter of what reading a kept parse back cost.
        let mut bytes = [0; STORED_BYTES];
        bytes[..32].copy_from_slice(&self.whole);
        for (stored, part) in bytes[32..].chunks_exact_mut(32).zip(parts.iter()) {
            stored.copy_from_slice(part);
        }
        serializer.serialize_bytes(&bytes)
    }
}

/// A fingerprint as it is stored: the whole digest, then each part's.
const STORED_BYTES: usize = 32 * (1 + PARTS.len());

impl<'de> serde::Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Fingerprint, D::Error> {
        struct Stored;
        impl<'de> serde::de::Visitor<'de> for Stored {
            type Value = Fingerprint;

            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(formatter, "{STORED_BYTES} bytes of digests")
            }

            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Fingerprint, E> {
                if bytes.len() != STORED_BYTES {
                    return Err(E::invalid_length(bytes.len(), &self));
                }
                let mut whole = [0; 32];
                whole.copy_from_slice(&bytes[..32]);
                let mut parts = Box::new([[0; 32]; PARTS.len()]);
                for (part, stored) in parts.iter_mut().zip(bytes[32..].chunks_exact(32)) {
                    part.copy_from_slice(stored);
                }
                Ok(Fingerprint {
                    whole,
                    parts: Some(parts),
                })
            }

            // Formats without bytes of their own (JSON) give them as a sequence of numbers.
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Fingerprint, A::Error> {
                let mut bytes = Vec::with_capacity(STORED_BYTES);
                while let Some(byte) = seq.next_element::<u8>()? {
                    if bytes.len() == STORED_BYTES {
                        return Err(serde::de::Error::invalid_length(bytes.len() + 1, &self));
                    }
                    bytes.push(byte);
                }
                self.visit_bytes(&bytes)
            }
        }
        deserializer.deserialize_bytes(Stored)
    }
}

pub fn fingerprint(content: &ReviewableContent<'_>) -> Fingerprint {
    let texts: [String; 14] = [
        json!([content.site.base_url, content.slug]).to_string(),
        json!(visible_text(content.question)).to_string(),
        json!(content.title.map(visible_text)).to_string(),
        json!(content.audience.as_str()).to_string(),
        json!(content.created.map(|d| d.to_string())).to_string(),
        json!(hex(content.answer)).to_string(),
        json!(content.plain_answer.map(|d| hex(d))).to_string(),
        json!(hex(content.body)).to_string(),
        // Serialising plain structs cannot fail.
        serde_json::to_string(&content.cited.iter().map(|r| canonical_reference(r)).collect::<Vec<_>>())
            .unwrap_or_default(),
        serde_json::Value::Array(
            content
                .changes
                .iter()
                .map(|c| json!([c.version, c.date.to_string(), visible_text(&c.summary)]))
                .collect(),
        )
        .to_string(),
        json!(content.site.embedded(content.slug, content.file, &content.embeds)).to_string(),
        json!(content.standards.authors).to_string(),
        json!([
            content.standards.funding.map(visible_text),
            content.standards.conflicts.map(visible_text)
        ])
        .to_string(),
        json!(content.standards.grade.map(visible_text)).to_string(),
    ];
    let mut parts = [[0; 32]; PARTS.len()];
    for (digest, text) in parts.iter_mut().zip(&texts) {
        *digest = Sha256::digest(text.as_bytes()).into();
    }
    Fingerprint::of_parts(parts)
}

/// The whole hash of a set of part digests; `None` when a part is missing. An approval's
/// recorded parts must combine to its `approved_hash`, or they are not the parts approved.
pub fn combine(parts: &BTreeMap<String, String>) -> Option<String> {
    let mut whole = Sha256::new();
    whole.update(VERSION_TAG);
    for name in PARTS {
        let digest = parts.get(name)?;
        whole.update(name.as_bytes());
        whole.update(b"\n");
        whole.update(digest.as_bytes());
        whole.update(b"\n");
    }
    Some(format!("sha256:{}", hex(&whole.finalize())))
}

/// What changed between an approval and the current text, judged only from what can be
/// trusted: recorded parts that do not combine to the approved hash were altered after
/// the approval, and say nothing about which part changed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum ChangedParts {
    /// The named parts differ (empty: the record keeps no parts, so nothing can be named).
    Named(Vec<&'static str>),
    /// The recorded parts are not those of the approved hash.
    RecordAltered,
    /// Recorded under an earlier fingerprint, which covered less and had other parts.
    EarlierVersion,
}

/// Stored (by the build cache), the named parts come back as the names of `PARTS`.
impl<'de> serde::Deserialize<'de> for ChangedParts {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<ChangedParts, D::Error> {
        #[derive(serde::Deserialize)]
        enum Stored {
            Named(Vec<String>),
            RecordAltered,
            EarlierVersion,
        }
        Ok(match Stored::deserialize(deserializer)? {
            Stored::Named(names) => ChangedParts::Named(
                names
                    .iter()
                    .map(|name| {
                        crate::text::known_name(name, &PARTS)
                            .ok_or_else(|| serde::de::Error::custom(format!("no part {name:?}")))
                    })
                    .collect::<Result<_, _>>()?,
            ),
            Stored::RecordAltered => ChangedParts::RecordAltered,
            Stored::EarlierVersion => ChangedParts::EarlierVersion,
        })
    }
}

impl ChangedParts {
    /// The parts that can be named as changed; none unless the record is trusted.
    pub fn named(&self) -> &[&'static str] {
        match self {
            ChangedParts::Named(parts) => parts,
            ChangedParts::RecordAltered | ChangedParts::EarlierVersion => &[],
        }
    }
}

pub fn changed_parts(
    approved_hash: &str,
    approved_parts: Option<&BTreeMap<String, String>>,
    current: &Fingerprint,
) -> ChangedParts {
    let Some(approved) = approved_parts else {
        return ChangedParts::Named(Vec::new());
    };
    if combine(approved).as_deref() != Some(approved_hash) {
        // Version 1 recorded six short part hashes: an old approval, not a forged one.
        let earlier = PARTS.iter().any(|part| !approved.contains_key(*part))
            || approved.values().any(|digest| digest.len() != 64);
        return if earlier {
            ChangedParts::EarlierVersion
        } else {
            ChangedParts::RecordAltered
        };
    }
    ChangedParts::Named(
        PARTS
            .iter()
            .copied()
            .filter(|part| approved.get(*part) != current.part(part).as_ref())
            .collect(),
    )
}

/// Plain text as HTML shows it: runs of ASCII whitespace are one space, and none at the ends.
fn visible_text(text: &str) -> String {
    text.split([' ', '\t', '\n', '\r', '\x0c'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every field of a reference but its key (which readers never see), as a JSON object:
/// a list of authors and one string holding the same names cannot collide.
///
/// The fields stand in the order of their names, as a `serde_json::Value` object (a sorted
/// map) writes them, which is what the recorded approvals hashed; serialised from this
/// struct the bytes are the same without building and sorting a map per reference.
#[derive(serde::Serialize)]
struct CanonicalReference<'r> {
    accessed: Option<String>,
    authors: Vec<String>,
    // Written only when present, so that approvals made before these fields existed hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    book_title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    doi: Option<String>,
    edition: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    editors: Vec<String>,
    isbn: Option<String>,
    issn: Option<String>,
    issue: Option<String>,
    journal: Option<String>,
    pages: Option<String>,
    pmcid: Option<String>,
    pmid: Option<String>,
    publisher: Option<String>,
    retraction_note: Option<String>,
    title: String,
    #[serde(rename = "type")]
    kind: &'r str,
    url: Option<String>,
    volume: Option<String>,
    year: Option<i32>,
}

fn canonical_reference(reference: &Reference) -> CanonicalReference<'_> {
    let text = |value: &Option<String>| value.as_deref().map(visible_text);
    CanonicalReference {
        accessed: reference.accessed.map(|d| d.to_string()),
        authors: reference.authors.iter().map(|a| visible_text(a)).collect(),
        book_title: text(&reference.book_title),
        date: reference.date.map(|date| date.to_string()),
        doi: text(&reference.doi),
        edition: text(&reference.edition),
        editors: reference.editors.iter().map(|e| visible_text(e)).collect(),
        isbn: text(&reference.isbn),
        issn: text(&reference.issn),
        issue: text(&reference.issue),
        journal: text(&reference.journal),
        pages: text(&reference.pages),
        pmcid: text(&reference.pmcid),
        pmid: text(&reference.pmid),
        publisher: text(&reference.publisher),
        retraction_note: text(&reference.retraction_note),
        title: visible_text(&reference.title),
        kind: reference.kind.as_str(),
        url: text(&reference.url),
        volume: text(&reference.volume),
        year: reference.year,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bibliography::Bibliography;
    use crate::load::SourceFile;
    use crate::parse::article::{Sources, parse_article};

    const ARTICLE: &str = "---\nquestion: \"Which dose?\"\nanswer: Start *low* [@a].\ncreated: 2026-01-05\nreferences:\n  - id: a\n    type: research\n    authors: [\"Doe J\", \"Roe R\"]\n    title: \"A trial\"\n    journal: \"Lancet\"\n    year: 2020\n---\n## Dose\n\n- Take 10 mg\n  daily [@a].\n- Then stop.\n";

    fn site() -> ReviewSite {
        ReviewSite {
            base_url: "https://kb.example.org/".into(),
            root: None,
        }
    }

    fn fingerprint_in(text: &str, path: &str, site: &ReviewSite) -> Fingerprint {
        let source = SourceFile {
            rel_path: path.into(),
            section: "heart".into(),
            text: text.into(),
            bom: false,
        };
        let parsed = parse_article(
            &source,
            Sources {
                bibliography: &Bibliography::default(),
                site,
                trust: None,
                retractions: None,
                spill: None,
                judge: None,
            },
            crate::parse::Output::Html,
        );
        parsed.article.expect("the test article parses").fingerprint
    }

    fn of(text: &str) -> Fingerprint {
        fingerprint_in(text, "content/heart/dose.md", &site())
    }

    fn changed(before: &Fingerprint, after: &Fingerprint) -> ChangedParts {
        changed_parts(&before.hash(), before.parts().as_ref(), after)
    }

    /// The form approvals were first recorded with: a `serde_json::Value` object.
    fn canonical_reference_as_value(reference: &Reference) -> serde_json::Value {
        let text = |value: &Option<String>| value.as_deref().map(visible_text);
        let mut canonical = json!({
            "type": reference.kind.as_str(),
            "title": visible_text(&reference.title),
            "authors": reference.authors.iter().map(|a| visible_text(a)).collect::<Vec<_>>(),
            "journal": text(&reference.journal),
            "publisher": text(&reference.publisher),
            "year": reference.year,
            "volume": text(&reference.volume),
            "issue": text(&reference.issue),
            "pages": text(&reference.pages),
            "edition": text(&reference.edition),
            "doi": text(&reference.doi),
            "pmid": text(&reference.pmid),
            "pmcid": text(&reference.pmcid),
            "isbn": text(&reference.isbn),
            "issn": text(&reference.issn),
            "url": text(&reference.url),
            "accessed": reference.accessed.map(|d| d.to_string()),
            "retraction_note": text(&reference.retraction_note),
        });
        if let Some(fields) = canonical.as_object_mut() {
            if !reference.editors.is_empty() {
                let editors: Vec<String> = reference.editors.iter().map(|e| visible_text(e)).collect();
                fields.insert("editors".into(), json!(editors));
            }
            if let Some(book_title) = &reference.book_title {
                fields.insert("book_title".into(), json!(visible_text(book_title)));
            }
            if let Some(date) = reference.date {
                fields.insert("date".into(), json!(date.to_string()));
            }
        }
        canonical
    }

    #[test]
    fn references_hash_as_the_map_they_were_first_recorded_as() {
        let full = Reference {
            id: "b".into(),
            kind: crate::parse::front_matter::ReferenceKind::Textbook,
            title: "A  \"quoted\"\ttitle \u{1}é\n<i>x</i>".into(),
            authors: vec!["Doe  J".into(), "Ré\\R".into()],
            editors: vec!["Goldman L".into()],
            book_title: Some("Cecil\nMedicine".into()),
            journal: Some("J  Med".into()),
            publisher: Some("Pub".into()),
            year: Some(-12),
            date: crate::date::PublicationDate::parse_iso("2020-03-07"),
            volume: Some("3".into()),
            issue: Some("4".into()),
            pages: Some("1-2".into()),
            edition: Some("2nd".into()),
            doi: Some("10.1/x".into()),
            pmid: Some("1".into()),
            pmcid: Some("PMC1".into()),
            isbn: Some("978".into()),
            issn: Some("1234-5678".into()),
            url: Some("https://x.org/?a=1&b=2".into()),
            accessed: crate::date::Date::parse_iso("2024-01-02"),
            retraction_note: Some("cited for its method".into()),
            correction: Some("not hashed".into()),
        };
        let bare = crate::bibliography::blank_reference(
            "a".into(),
            crate::parse::front_matter::ReferenceKind::Web,
            String::new(),
        );
        for reference in [&bare, &full] {
            let expected = canonical_reference_as_value(reference).to_string();
            let written = serde_json::to_string(&canonical_reference(reference)).unwrap();
            assert_eq!(written, expected);
        }
        let both = serde_json::to_string(&[canonical_reference(&bare), canonical_reference(&full)]).unwrap();
        let as_values = serde_json::Value::Array(vec![
            canonical_reference_as_value(&bare),
            canonical_reference_as_value(&full),
        ]);
        assert_eq!(both, as_values.to_string());
    }

    #[test]
    fn editors_and_book_titles_count_only_when_written() {
        let approved = of(ARTICLE);
        let chapter = ARTICLE.replace(
            "year: 2020\n",
            "year: 2020\n    editors: [\"Goldman L\"]\n    book_title: \"Goldman-Cecil Medicine\"\n",
        );
        assert_eq!(
            changed(&approved, &of(&chapter)),
            ChangedParts::Named(vec!["references"])
        );
        let unchanged = ARTICLE.replace("year: 2020\n", "year: 2020\n    editors: []\n");
        assert_eq!(
            of(&unchanged),
            approved,
            "no editors is what an approval before the field saw"
        );
    }

    #[test]
    fn publication_dates_count_only_when_written() {
        let approved = of(ARTICLE);
        let dated = ARTICLE.replace("year: 2020\n", "year: 2020\n    date: 2020-03-07\n");
        assert_eq!(changed(&approved, &of(&dated)), ChangedParts::Named(vec!["references"]));
        let redated = ARTICLE.replace("year: 2020\n", "year: 2020\n    date: 2020-03\n");
        assert_ne!(of(&dated), of(&redated), "the day is part of what was approved");
    }

    #[test]
    fn a_fingerprint_without_its_parts_keeps_its_hash_and_is_never_stored() {
        let fingerprint = of(ARTICLE);
        let mut forgotten = fingerprint.clone();
        forgotten.forget_parts();
        assert_eq!(forgotten.hash(), fingerprint.hash());
        assert!(forgotten.is(&fingerprint.hash()));
        assert_eq!((forgotten.parts(), forgotten.part("body")), (None, None));
        assert!(
            serde_json::to_string(&forgotten).is_err(),
            "a fingerprint that could not be read back is stored"
        );
    }

    #[test]
    fn a_stored_fingerprint_reads_back_whole_and_a_short_one_does_not() {
        let fingerprint = of(ARTICLE);
        let stored = serde_json::to_value(&fingerprint).expect("stored");
        let back: Fingerprint = serde_json::from_value(stored.clone()).expect("reads back");
        assert_eq!(back, fingerprint);
        assert_eq!(back.hash(), fingerprint.hash());
        assert_eq!(back.parts(), fingerprint.parts());
        assert_eq!(combine(&back.parts().expect("kept")), Some(back.hash()));
        let mut short = stored.clone();
        short.as_array_mut().expect("the digests' bytes").pop();
        assert!(serde_json::from_value::<Fingerprint>(short).is_err());
        let mut long = stored;
        long.as_array_mut().expect("the digests' bytes").push(0.into());
        assert!(serde_json::from_value::<Fingerprint>(long).is_err());
        // As the build cache keeps it: one run of bytes.
        let kept = bincode::serialize(&fingerprint).expect("kept");
        assert_eq!(kept.len(), 8 + 32 * (1 + PARTS.len()));
        assert_eq!(
            bincode::deserialize::<Fingerprint>(&kept).expect("reads back"),
            fingerprint
        );
        assert!(bincode::deserialize::<Fingerprint>(&kept[..kept.len() - 1]).is_err());
        assert!(fingerprint.is(&fingerprint.hash()));
        assert!(!fingerprint.is(fingerprint.hash().trim_start_matches("sha256:")));
        assert_eq!(fingerprint.part("no such part"), None);
    }

    #[test]
    fn the_encoding_is_stable() {
        // Every recorded approval depends on these bytes: a change of what is hashed or how
        // must change VERSION_TAG too, and re-record the demo's approvals.
        assert_eq!(
            of(ARTICLE).hash(),
            "sha256:3f54ca4d1cda1b6a457f0f8335066c0f9b770913cf313bb5a2b74b764f2e3e17"
        );
    }

    #[test]
    fn what_renders_the_same_hashes_the_same() {
        let approved = of(ARTICLE);
        assert!(approved.hash().starts_with("sha256:") && approved.hash().len() == 71);
        for (from, to) in [
            ("- Take 10 mg\n  daily", "- Take 10 mg daily"),
            ("## Dose\n\n", "## Dose\n\n\n\n"),
            ("\n- ", "\n* "),
            ("*low*", "_low_"),
            ("\n", "\r\n"),
            ("daily [@a].\n", "daily [@a].  \n"),
        ] {
            let edited = ARTICLE.replace(from, to);
            assert_ne!(edited, ARTICLE);
            assert_eq!(of(&edited), approved, "{from:?} -> {to:?}");
        }
        let renamed = ARTICLE
            .replace("@a]", "@doe-2020]")
            .replace("id: a\n", "id: doe-2020\n");
        assert_eq!(of(&renamed), approved, "a key renamed everywhere");
    }

    #[test]
    fn what_a_reader_sees_differently_changes_the_named_part() {
        let approved = of(ARTICLE);
        for (from, to, part) in [
            ("Take 10 mg\n", "Take 10 mg  \n", "body"),
            ("Take 10 mg", "Take 10\u{a0}mg", "body"),
            ("Start *low*", "Start **low**", "answer"),
            ("year: 2020\n", "year: 2020\n    accessed: 2026-01-01\n", "references"),
            (
                "year: 2020\n",
                "year: 2020\n    retraction_note: \"Cited as retracted.\"\n",
                "references",
            ),
            ("[\"Doe J\", \"Roe R\"]", "[\"Doe J, Roe R\"]", "references"),
            (
                "created: 2026-01-05\n",
                "created: 2026-01-05\naudience: patient\n",
                "audience",
            ),
            ("created: 2026-01-05\n", "created: 2026-01-04\n", "created"),
            (
                "created: 2026-01-05\n",
                "created: 2026-01-05\nchanges:\n  - {version: 2, date: 2026-01-06, summary: \"Dose doubled\"}\n",
                "changes",
            ),
            (
                "created: 2026-01-05\n",
                "created: 2026-01-05\nslug: other-dose\n",
                "address",
            ),
        ] {
            let edited = of(&ARTICLE.replace(from, to));
            assert_eq!(
                changed(&approved, &edited),
                ChangedParts::Named(vec![part]),
                "{from:?} -> {to:?}"
            );
        }
        let other_site = ReviewSite {
            base_url: "https://copy.example.net/".into(),
            root: None,
        };
        let copied = fingerprint_in(ARTICLE, "content/heart/dose.md", &other_site);
        assert_eq!(changed(&approved, &copied), ChangedParts::Named(vec!["address"]));
    }

    #[test]
    fn the_order_references_are_listed_in_does_not_count_but_their_numbers_do() {
        let two = ARTICLE
            .replace("daily [@a].", "daily [@a].\n- Or [@b].")
            .replace("---\n## Dose", "  - id: b\n    type: research\n    authors: [\"Poe P\"]\n    title: \"B trial\"\n    journal: \"BMJ\"\n    year: 2021\n---\n## Dose");
        let listed_b_first = two.replacen("  - id: a\n", "  - id: placeholder\n", 1);
        let listed_b_first = listed_b_first
            .replace("  - id: b\n", "  - id: a\n")
            .replace("  - id: placeholder\n", "  - id: b\n")
            .replace("[@a]", "[@x]")
            .replace("[@b]", "[@a]")
            .replace("[@x]", "[@b]");
        assert_eq!(
            of(&listed_b_first),
            of(&two),
            "the same references cited in the same places"
        );
        let cited_in_other_order = two.replace("Start *low* [@a]", "Start *low* [@b]");
        assert_ne!(of(&cited_in_other_order).hash(), of(&two).hash());
    }

    #[test]
    fn recorded_parts_that_do_not_make_the_approved_hash_name_no_part() {
        let approved = of(ARTICLE);
        let edited = of(&ARTICLE.replace("10 mg", "20 mg"));
        assert_eq!(changed(&approved, &edited), ChangedParts::Named(vec!["body"]));
        // Someone rewrites the record so that the title seems to be what changed.
        let mut forged = edited.parts().expect("kept");
        forged.insert("title".into(), "0".repeat(64));
        assert_eq!(
            changed_parts(&approved.hash(), Some(&forged), &edited),
            ChangedParts::RecordAltered
        );
        assert_eq!(
            changed_parts(&approved.hash(), None, &edited),
            ChangedParts::Named(vec![])
        );
        assert_eq!(
            combine(&approved.parts().expect("kept")).as_deref(),
            Some(approved.hash().as_str())
        );
    }

    #[test]
    fn a_record_of_the_first_fingerprint_is_old_not_altered() {
        let current = of(ARTICLE);
        let parts: BTreeMap<String, String> = ["question", "title", "answer", "plain_answer", "body", "references"]
            .iter()
            .map(|part| (part.to_string(), "0123456789abcdef".to_string()))
            .collect();
        assert_eq!(
            changed_parts(&format!("sha256:{}", "1".repeat(64)), Some(&parts), &current),
            ChangedParts::EarlierVersion
        );
    }

    #[test]
    fn embedded_theme_files_count_by_their_bytes() {
        let temp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(temp.path().join("theme")).unwrap();
        std::fs::write(temp.path().join("theme/dose-chart.png"), b"first").unwrap();
        let site = ReviewSite::new("https://kb.example.org/", temp.path());
        let text = ARTICLE.replace("- Then stop.", "- Then stop.\n\n![Dose chart](/theme/dose-chart.png)");
        let approved = fingerprint_in(&text, "content/heart/dose.md", &site);
        std::fs::write(temp.path().join("theme/dose-chart.png"), b"second").unwrap();
        let redrawn = fingerprint_in(&text, "content/heart/dose.md", &site);
        assert_eq!(
            changed(&approved, &redrawn),
            ChangedParts::Named(vec!["embedded_files"])
        );
    }

    #[test]
    fn local_urls_name_the_file_the_page_shows() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("content/onc")).unwrap();
        std::fs::create_dir_all(root.path().join("static/img")).unwrap();
        std::fs::write(root.path().join("content/onc/scan.png"), b"png").unwrap();
        std::fs::write(root.path().join("static/img/a.png"), b"png").unwrap();
        let site = ReviewSite::new("https://example.org/kb/", root.path());
        let at = |url: &str| site.embedded_path("a", "content/onc/a.md", url);
        // Site-absolute URLs are under the site root, whatever the base path.
        assert_eq!(at("/theme/x.png?v=2").as_deref(), Some("theme/x.png"));
        assert_eq!(at("../../theme/x.png").as_deref(), Some("theme/x.png"));
        assert_eq!(at("scan.png").as_deref(), Some("content/onc/scan.png"));
        assert_eq!(at("/questions/a/scan.png").as_deref(), Some("content/onc/scan.png"));
        assert_eq!(at("/img/a.png").as_deref(), Some("static/img/a.png"));
        assert_eq!(at("/kb/theme/x.png"), None, "the base path is not written in content");
        assert_eq!(at("../../../x.png"), None);
        assert_eq!(at("missing.png"), None);
    }
}
