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
    Packed {
        identities: Box<[Identity]>,
        packed: PackedText,
    },
}

/// What the graph knows a reference by.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub id: Box<str>,
    pub doi: Option<Box<str>>,
    pub pmid: Option<Box<str>>,
}

impl Identity {
    fn of(reference: &Reference) -> Identity {
        Identity {
            id: reference.id.as_str().into(),
            doi: reference.doi.as_deref().map(Into::into),
            pmid: reference.pmid.as_deref().map(Into::into),
        }
    }
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
            Held::Packed { identities, .. } => identities.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Each reference's key, DOI and PMID, in order, without unpacking anything.
    pub fn identities(&self) -> Vec<Identity> {
        match &self.0 {
            Held::Typed(references) => references.iter().map(Identity::of).collect(),
            Held::Packed { identities, .. } => identities
                .iter()
                .map(|i| Identity {
                    id: i.id.clone(),
                    doi: i.doi.clone(),
                    pmid: i.pmid.clone(),
                })
                .collect(),
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
        let identities = references.iter().map(Identity::of).collect();
        self.0 = Held::Packed { identities, packed };
    }
}

/// The references as the build cache keeps them: the identities, and the packed list as
/// `PackedText::packed` gives it (empty when there are no references).
pub struct KeptForm<'a> {
    pub identities: &'a [Identity],
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
            Held::Packed { identities, packed } => Some(packed.packed().map(|packed| KeptForm { identities, packed })),
        }
    }

    /// The references `kept_form` gave, held packed again where `holding` says,
    /// without reading the list: its corrections are those of the retraction list the kept
    /// parse was named by. `None` when the bytes are too short to be packed text.
    pub fn from_kept(
        identities: Box<[Identity]>,
        packed: &[u8],
        holding: crate::packed::Holding<'_>,
    ) -> Option<References> {
        if identities.is_empty() {
            return packed.is_empty().then(References::default);
        }
        let packed = PackedText::from_packed(packed, holding)?;
        Some(References(Held::Packed { identities, packed }))
    }
}

impl std::fmt::Debug for References {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Held::Typed(references) => references.fmt(f),
            Held::Packed { identities, packed } => write!(f, "{} references in {packed:?}", identities.len()),
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
                        id: "a".into(),
                        doi: Some("10.1/x".into()),
                        pmid: Some("123".into())
                    },
                    Identity {
                        id: "b".into(),
                        doi: None,
                        pmid: None
                    }
                ]
            );
            // The cache stores the same list either way.
            assert_eq!(
                serde_json::to_string(&held).expect("json"),
                serde_json::to_string(&typed).expect("json")
            );
        }
    }
}
