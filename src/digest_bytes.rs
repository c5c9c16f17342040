//! A SHA-256 digest as what is stored holds it: one run of 32 bytes (`#[serde(with =
//! "crate::digest_bytes")]`, or `digest_bytes::optional` for an `Option`). serde gives an
//! array as a tuple of 32 values, each decoded on its own: the build cache reads back tens
//! of thousands of digests on every warm build (each output file's, each page's key), and
//! decoding them a byte at a time was a tenth of reading its record. Formats without bytes
//! of their own (JSON) write and read the same digest as a list of 32 numbers, as before.

use serde::de::{Error, SeqAccess, Visitor};
use serde::{Deserializer, Serializer};

pub fn serialize<S: Serializer>(digest: &[u8; 32], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_bytes(digest)
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<[u8; 32], D::Error> {
    deserializer.deserialize_bytes(Digest)
}

/// An `Option` of a digest, stored the same way.
pub mod optional {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    struct Stored([u8; 32]);

    impl Serialize for Stored {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            super::serialize(&self.0, serializer)
        }
    }

    impl<'de> Deserialize<'de> for Stored {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Stored, D::Error> {
            super::deserialize(deserializer).map(Stored)
        }
    }

    pub fn serialize<S: Serializer>(digest: &Option<[u8; 32]>, serializer: S) -> Result<S::Ok, S::Error> {
        digest.map(Stored).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<[u8; 32]>, D::Error> {
        Ok(Option::<Stored>::deserialize(deserializer)?.map(|stored| stored.0))
    }
}

struct Digest;

impl<'de> Visitor<'de> for Digest {
    type Value = [u8; 32];

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("the 32 bytes of a digest")
    }

    fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<[u8; 32], E> {
        bytes.try_into().map_err(|_| E::invalid_length(bytes.len(), &self))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<[u8; 32], A::Error> {
        let mut digest = [0; 32];
        for (at, byte) in digest.iter_mut().enumerate() {
            *byte = seq.next_element()?.ok_or_else(|| A::Error::invalid_length(at, &self))?;
        }
        match seq.next_element::<u8>()? {
            Some(_) => Err(A::Error::invalid_length(33, &self)),
            None => Ok(digest),
        }
    }
}

#[cfg(test)]
mod tests {
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Record {
        #[serde(with = "super")]
        digest: [u8; 32],
        #[serde(with = "super::optional")]
        key: Option<[u8; 32]>,
        #[serde(with = "super::optional")]
        none: Option<[u8; 32]>,
    }

    fn record() -> Record {
        Record {
            digest: std::array::from_fn(|i| i as u8),
            key: Some([7; 32]),
            none: None,
        }
    }

    #[test]
    fn a_digest_is_stored_as_one_run_of_bytes_and_reads_back() {
        let stored = bincode::serialize(&record()).unwrap();
        // Each digest its length and its bytes; an option's tag before it.
        assert_eq!(stored.len(), (8 + 32) + (1 + 8 + 32) + 1);
        assert_eq!(bincode::deserialize::<Record>(&stored).unwrap(), record());
        assert!(bincode::deserialize::<Record>(&stored[..stored.len() - 2]).is_err());
    }

    #[test]
    fn json_keeps_a_digest_as_a_list_of_numbers_of_the_right_length() {
        let json = serde_json::to_value(record()).unwrap();
        assert_eq!(json["digest"].as_array().map(Vec::len), Some(32));
        assert_eq!(serde_json::from_value::<Record>(json.clone()).unwrap(), record());
        let mut short = json.clone();
        short["digest"].as_array_mut().unwrap().pop();
        assert!(serde_json::from_value::<Record>(short).is_err());
        let mut long = json;
        long["key"].as_array_mut().unwrap().push(0.into());
        assert!(serde_json::from_value::<Record>(long).is_err());
    }
}
