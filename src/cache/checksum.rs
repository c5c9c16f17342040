//! The checksum that seals the build cache's entries (`frame`): it finds damage (an entry
//! cut short, grown, or with bytes changed), as the pack's records' checksum does. It is
//! not cryptographic and need not be: whoever can write the cache can write `content/`,
//! and every entry is named by SHA-256 digests of what it was made from. A warm build of
//! 100,000 articles reads and writes a few hundred megabytes of entries, which SHA-256
//! took a tenth of a second of CPU to seal and check.
//!
//! Four lanes of 64 bits take a word of 8 bytes each in turn (rotate, exclusive or,
//! multiply by an odd constant: each step a one-to-one function of the lane), so a change
//! within any one word always changes the sum, and the four lanes keep a core's
//! multipliers busy. The sum is the same however the bytes are cut into writes.

/// The multiplier of `fast_hash`'s FxHasher: odd, so that multiplying by it loses nothing.
const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// How many bytes one step takes: a word for each lane.
const BLOCK: usize = 32;

/// The bytes of a sum.
pub const BYTES: usize = 8;

/// A checksum being taken over bytes given a run at a time.
pub struct Checksum {
    lanes: [u64; 4],
    /// Bytes of a block not yet whole.
    pending: [u8; BLOCK],
    filled: usize,
    length: u64,
}

impl Default for Checksum {
    fn default() -> Self {
        Checksum {
            // Distinct starts: lanes given equal words stay apart.
            lanes: [1, 2, 3, 4],
            pending: [0; BLOCK],
            filled: 0,
            length: 0,
        }
    }
}

impl Checksum {
    pub fn update(&mut self, mut bytes: &[u8]) {
        self.length += bytes.len() as u64;
        if self.filled > 0 {
            let taken = (BLOCK - self.filled).min(bytes.len());
            self.pending[self.filled..self.filled + taken].copy_from_slice(&bytes[..taken]);
            self.filled += taken;
            bytes = &bytes[taken..];
            if self.filled < BLOCK {
                return;
            }
            let block = self.pending;
            self.step(&block);
            self.filled = 0;
        }
        let mut blocks = bytes.chunks_exact(BLOCK);
        for block in &mut blocks {
            self.step(block);
        }
        let rest = blocks.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
        self.filled = rest.len();
    }

    fn step(&mut self, block: &[u8]) {
        for (lane, word) in self.lanes.iter_mut().zip(block.chunks_exact(8)) {
            let word = u64::from_le_bytes([word[0], word[1], word[2], word[3], word[4], word[5], word[6], word[7]]);
            *lane = (lane.rotate_left(5) ^ word).wrapping_mul(K);
        }
    }

    /// The sum of every byte given, as `BYTES` bytes.
    pub fn finish(mut self) -> [u8; BYTES] {
        if self.filled > 0 {
            // Zeros after the last bytes: the length, folded in below, tells them apart.
            let mut block = [0; BLOCK];
            block[..self.filled].copy_from_slice(&self.pending[..self.filled]);
            self.step(&block);
        }
        let mut sum = self.length;
        for lane in self.lanes {
            sum = (sum.rotate_left(5) ^ lane).wrapping_mul(K);
        }
        // Every bit of the lanes reaches every bit of the sum (murmur3's finaliser).
        sum ^= sum >> 33;
        sum = sum.wrapping_mul(0xff51_afd7_ed55_8ccd);
        sum ^= sum >> 33;
        sum = sum.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        sum ^= sum >> 33;
        sum.to_le_bytes()
    }
}

/// The sum of `bytes`.
pub fn of(bytes: &[u8]) -> [u8; BYTES] {
    let mut sum = Checksum::default();
    sum.update(bytes);
    sum.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 7 + i / 251) as u8).collect()
    }

    #[test]
    fn the_sum_is_the_same_however_the_bytes_are_cut() {
        let all = bytes(1000);
        let whole = of(&all);
        for cut in [1, 3, 8, 31, 32, 33, 100, 999] {
            let mut sum = Checksum::default();
            for run in all.chunks(cut) {
                sum.update(run);
            }
            assert_eq!(sum.finish(), whole, "runs of {cut}");
        }
        let mut sum = Checksum::default();
        sum.update(&all[..10]);
        sum.update(&[]);
        sum.update(&all[10..]);
        assert_eq!(sum.finish(), whole);
    }

    #[test]
    fn any_byte_changed_and_any_length_changes_the_sum() {
        for n in [0, 1, 7, 8, 31, 32, 33, 64, 65, 200] {
            let all = bytes(n);
            let sum = of(&all);
            for at in 0..n {
                for bit in [0, 3, 7] {
                    let mut changed = all.clone();
                    changed[at] ^= 1 << bit;
                    assert_ne!(of(&changed), sum, "{n} bytes, byte {at} bit {bit}");
                }
            }
            let mut longer = all.clone();
            longer.push(0);
            assert_ne!(of(&longer), sum, "{n} bytes and a zero");
            if n > 0 {
                assert_ne!(of(&all[..n - 1]), sum, "{n} bytes cut by one");
            }
        }
        // Two words swapped, or a word moved to another lane.
        let all = bytes(64);
        let mut swapped = all.clone();
        swapped.copy_within(0..8, 56);
        swapped[..8].copy_from_slice(&all[56..]);
        assert_ne!(of(&swapped), of(&all));
    }
}
