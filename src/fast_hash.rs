//! The hash the build's many small, site-internal maps use: term tables, posting lists,
//! duplicate lookups. Rust's default hasher resists crafted collisions at several times
//! the cost; these keys come from a site's own editors.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A fast, fixed (so deterministic) hash for the graph's many small string and integer
/// keys: the Firefox/rustc "Fx" hash. Not resistant to crafted collisions, which content
/// written by a site's own editors has no reason to attempt.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Eight bytes at a time, little-endian; a shorter tail is zero-padded. The tail is
        // assembled byte by byte: most keys are words shorter than eight bytes, and a
        // variable-length copy into a buffer cost a call to memcpy for each.
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let tail = chunks.remainder();
        if !tail.is_empty() {
            let word = tail
                .iter()
                .enumerate()
                .fold(0u64, |word, (i, &byte)| word | (u64::from(byte) << (8 * i)));
            self.add(word);
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
pub type FastSet<T> = HashSet<T, BuildHasherDefault<FxHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(bytes: &[u8]) -> u64 {
        let mut hasher = FxHasher::default();
        hasher.write(bytes);
        hasher.finish()
    }

    #[test]
    fn bytes_hash_as_zero_padded_little_endian_words() {
        // Eight-byte little-endian words, the last one zero-padded.
        let mut expected = FxHasher::default();
        expected.add(u64::from_le_bytes(*b"warfarin"));
        expected.add(u64::from_le_bytes([b'-', b'i', b'n', b'r', 0, 0, 0, 0]));
        assert_eq!(hash(b"warfarin-inr"), expected.finish());
        assert_eq!(hash(b""), FxHasher::default().finish());
        assert_ne!(hash(b"ab"), hash(b"ba"));
    }
}
