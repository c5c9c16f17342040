//! An article's references: as typed while its parse job judges and annotates them, then
//! packed (`References::pack`) for the rest of the build — written to the build's spill
//! when it publishes — keeping in memory only what the stages across articles read (each
//! reference's key, DOI and PMID, for the graph). The article's page reads the typed list
//! back when it is rendered. Held typed for the whole build, references were ~3.6 KB an
//! article, the largest part of what parse hands on.

use super::front_matter::Reference;
use crate::packed::{PackedText, Spill, UnpackError};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::Arc;

pub struct References(Held);

enum Held {
    Typed(Vec<Reference>),
    Packed { identities: Identities, packed: PackedText },
}

/// What the graph knows a reference by.
#[derive(Debug, PartialEq, Eq)]
pub struct Identity<'a> {
    pub id: &'a str,
    pub doi: Option<&'a str>,
    pub pmid: Option<&'a str>,
}

impl Identity<'_> {
    fn of(reference: &Reference) -> Identity<'_> {
        Identity {
            id: &reference.id,
            doi: reference.doi.as_deref(),
            pmid: reference.pmid.as_deref(),
        }
    }
}

/// Every reference's identity in one run of bytes, each field length first (a length of
/// `u32::MAX` for a DOI or PMID not given): three strings of their own for each reference,
/// held to the end of the build, were most of what an article's references cost (0.4 KB).
/// The build cache stores these bytes as they are.
struct Identities {
    bytes: Box<[u8]>,
}

const ABSENT: u32 = u32::MAX;

impl Identities {
    fn of(references: &[Reference]) -> Identities {
        let mut bytes = Vec::new();
        let mut put = |field: Option<&str>| match field {
            Some(text) => {
                // No field of one Markdown file reaches 4 GiB (`limits.max_file_size`).
                bytes.extend_from_slice(&(text.len() as u32).to_le_bytes());
                bytes.extend_from_slice(text.as_bytes());
            }
            None => bytes.extend_from_slice(&ABSENT.to_le_bytes()),
        };
        for reference in references {
            put(Some(&reference.id));
            put(reference.doi.as_deref());
            put(reference.pmid.as_deref());
        }
        Identities {
            bytes: bytes.into_boxed_slice(),
        }
    }

    /// The identities `bytes` hold, when they are well formed: every field whole and
    /// UTF-8, and an id for every reference.
    fn read(bytes: &[u8]) -> Option<Identities> {
        let mut rest = bytes;
        while !rest.is_empty() {
            for field in 0..3 {
                let (text, after) = take_field(rest)?;
                (field > 0 || text.is_some()).then_some(())?;
                rest = after;
            }
        }
        Some(Identities { bytes: bytes.into() })
    }

    /// How many references: counted, as it is asked for rarely and every article would
    /// hold the number.
    fn count(&self) -> usize {
        self.iter().count()
    }

    fn iter(&self) -> impl Iterator<Item = Identity<'_>> {
        let mut rest: &[u8] = &self.bytes;
        // Read whole when it was made or read back (`read`): every field is there.
        std::iter::from_fn(move || {
            let (id, after) = take_field(rest)?;
            let (doi, after) = take_field(after)?;
            let (pmid, after) = take_field(after)?;
            rest = after;
            Some(Identity { id: id?, doi, pmid })
        })
    }
}

/// One field and what follows it; `None` when the bytes end early or are not UTF-8, and
/// `Some((None, _))` for a field not given.
fn take_field(bytes: &[u8]) -> Option<(Option<&str>, &[u8])> {
    let (length, rest) = bytes.split_first_chunk::<4>()?;
    let length = u32::from_le_bytes(*length);
    if length == ABSENT {
        return Some((None, rest));
    }
    let (text, rest) = rest.split_at_checked(length as usize)?;
    Some((Some(std::str::from_utf8(text).ok()?), rest))
}

/// The packed form: the list as the cache stores it, and the corrections, which it does
/// not (`Reference::correction` is set from the retraction list in each build).
#[derive(Serialize, Deserialize)]
struct Stored<'a> {
    references: Cow<'a, [Reference]>,
    corrections: Vec<Option<Cow<'a, str>>>,
}

impl From<Vec<Reference>> for References {
    fn from(references: Vec<Reference>) -> References {
        References(Held::Typed(references))
    }
}

impl Default for References {
    fn default() -> References {
        References(Held::Typed(Vec::new()))
    }
}

impl References {
    pub fn len(&self) -> usize {
        match &self.0 {
            Held::Typed(references) => references.len(),
            Held::Packed { identities, .. } => identities.count(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Each reference's key, DOI and PMID, in order, without unpacking anything.
    pub fn identities(&self) -> Vec<Identity<'_>> {
        match &self.0 {
            Held::Typed(references) => references.iter().map(Identity::of).collect(),
            Held::Packed { identities, .. } => identities.iter().collect(),
        }
    }

    /// The references as typed: borrowed in the parse job, read back after it.
    pub fn typed(&self) -> Result<Cow<'_, [Reference]>, UnpackError> {
        match &self.0 {
            Held::Typed(references) => Ok(Cow::Borrowed(references)),
            Held::Packed { packed, .. } => {
                let text = packed.unpack()?;
                let stored: Stored<'_> =
                    serde_json::from_str(&text).map_err(|e| UnpackError::new(&format!("references: {e}")))?;
                let mut references = stored.references.into_owned();
                for (reference, correction) in references.iter_mut().zip(stored.corrections) {
                    reference.correction = correction.map(Cow::into_owned);
                }
                Ok(Cow::Owned(references))
            }
        }
    }

    /// The list to annotate, while it is typed: only the parse job changes references.
    pub fn typed_mut(&mut self) -> Option<&mut Vec<Reference>> {
        match &mut self.0 {
            Held::Typed(references) => Some(references),
            Held::Packed { .. } => None,
        }
    }

    /// Packs the list (into `spill` when there is one) and keeps only the identities; the
    /// list stays typed if it cannot be written as JSON, which never happens to data that
    /// was read from it.
    pub fn pack(&mut self, spill: Option<&Arc<Spill>>) {
        let Held::Typed(references) = &self.0 else { return };
        if references.is_empty() {
            return;
        }
        let stored = Stored {
            references: Cow::Borrowed(references),
            corrections: references
                .iter()
                .map(|r| r.correction.as_deref().map(Cow::Borrowed))
                .collect(),
        };
        let Ok(text) = serde_json::to_string(&stored) else {
            return;
        };
        let packed = match spill {
            Some(spill) => PackedText::pack_into(&text, spill),
            None => PackedText::pack(&text),
        };
        let identities = Identities::of(references);
        self.0 = Held::Packed { identities, packed };
    }
}

/// The references as the build cache keeps them: the identities, and the packed list as
/// `PackedText::packed` gives it (empty when there are no references).
pub struct KeptForm<'a> {
    /// Every reference's key, DOI and PMID, as `References::from_kept` reads them back.
    pub identities: &'a [u8],
    pub packed: Vec<u8>,
}

impl References {
    /// What the build cache stores, once the list is packed (`pack`); `None` while it is
    /// typed: a list is kept only as every later stage holds it.
    pub fn kept_form(&self) -> Option<Result<KeptForm<'_>, UnpackError>> {
        match &self.0 {
            Held::Typed(references) if references.is_empty() => Some(Ok(KeptForm {
                identities: &[],
                packed: Vec::new(),
            })),
            Held::Typed(_) => None,
            Held::Packed { identities, packed } => Some(packed.packed().map(|packed| KeptForm {
                identities: &identities.bytes,
                packed,
            })),
        }
    }

    /// The references `kept_form` gave, held packed again where `holding` says,
    /// without reading the list: its corrections are those of the retraction list the kept
    /// parse was named by. `None` when the bytes are too short to be packed text.
    /// `None` when the bytes are too short to be packed text, or the identities are not
    /// whole.
    pub fn from_kept(identities: &[u8], packed: &[u8], holding: crate::packed::Holding<'_>) -> Option<References> {
        if identities.is_empty() {
            return packed.is_empty().then(References::default);
        }
        let identities = Identities::read(identities)?;
        let packed = PackedText::from_packed(packed, holding)?;
        Some(References(Held::Packed { identities, packed }))
    }
}

impl std::fmt::Debug for References {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Held::Typed(references) => references.fmt(f),
            Held::Packed { identities, packed } => write!(f, "{} references in {packed:?}", identities.count()),
        }
    }
}

/// Stored by the build cache as the plain list, whichever way it is held.
impl Serialize for References {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let typed = self.typed().map_err(serde::ser::Error::custom)?;
        typed.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for References {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<References, D::Error> {
        Vec::<Reference>::deserialize(deserializer).map(References::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn references() -> Vec<Reference> {
        let yaml = "- id: a\n  type: research\n  title: \"A “quoted” title\"\n  authors: [Doe J, Roe R]\n  journal: J\n  year: 2024\n  date: 2024-03\n  volume: 12\n  doi: \"10.1/x\"\n  pmid: 123\n  accessed: 2025-01-02\n- id: b\n  type: web\n  title: B\n  url: https://example.org/\n";
        let mut references: Vec<Reference> = serde_yaml::from_str(yaml).expect("references");
        references[1].correction = Some("Corrected in 2025".to_string());
        references
    }

    fn json(references: &[Reference]) -> (String, Vec<Option<String>>) {
        (
            serde_json::to_string(references).expect("json"),
            references.iter().map(|r| r.correction.clone()).collect(),
        )
    }

    #[test]
    fn packed_references_read_back_as_they_were_typed() {
        let typed = references();
        let spill = Spill::create().expect("a temporary file");
        for spill in [None, Some(&spill)] {
            let mut held = References::from(references());
            held.pack(spill);
            assert!(held.typed_mut().is_none(), "packed");
            assert_eq!(held.len(), 2);
            assert_eq!(json(&held.typed().expect("unpacks")), json(&typed));
            assert_eq!(
                held.identities(),
                [
                    Identity {
                        id: "a",
                        doi: Some("10.1/x"),
                        pmid: Some("123")
                    },
                    Identity {
                        id: "b",
                        doi: None,
                        pmid: None
                    }
                ]
            );
            // The cache's form reads back as the same identities; cut short, it does not.
            let kept = held.kept_form().expect("packed").expect("readable");
            let back = References::from_kept(kept.identities, &kept.packed, crate::packed::Holding::Copied(None))
                .expect("reads back");
            assert_eq!(back.identities(), held.identities());
            let cut = &kept.identities[..kept.identities.len() - 1];
            assert!(References::from_kept(cut, &kept.packed, crate::packed::Holding::Copied(None)).is_none());
            // The cache stores the same list either way.
            assert_eq!(
                serde_json::to_string(&held).expect("json"),
                serde_json::to_string(&typed).expect("json")
            );
        }
    }
}
