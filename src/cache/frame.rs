//! How an entry is stored: a tag naming the format, the identity of the binary that wrote
//! it, the payload's length, the payload, and a SHA-256 over all of it. An entry from
//! another format or binary, cut short, grown or altered is rejected, never read.

use sha2::{Digest, Sha256};
use std::path::Path;

const TAG: &[u8] = b"evident-build-cache 1\n";

/// Why an entry was not read.
#[derive(Debug, PartialEq, Eq)]
pub enum Rejected {
    Format,
    OtherBinary,
    Length,
    Checksum,
}

pub fn seal(payload: &[u8], binary: &str) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(TAG.len() + binary.len() + payload.len() + 64);
    seal_into(&[payload], binary, &mut bytes).expect("writing to memory does not fail");
    bytes
}

/// Writes the entry whose payload is `parts`, one after another, to `to`: the payload is
/// never copied into one buffer, so a large entry costs no second copy of itself.
fn seal_into(parts: &[&[u8]], binary: &str, to: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut sealing = Sealing { sum: Sha256::new(), to };
    sealing.write(TAG)?;
    sealing.write(&(binary.len() as u64).to_le_bytes())?;
    sealing.write(binary.as_bytes())?;
    let length: usize = parts.iter().map(|part| part.len()).sum();
    sealing.write(&(length as u64).to_le_bytes())?;
    for part in parts {
        sealing.write(part)?;
    }
    let sum = sealing.sum.finalize();
    sealing.to.write_all(&sum)
}

/// What goes into an entry, hashed as it is written.
struct Sealing<'a, W> {
    sum: Sha256,
    to: &'a mut W,
}

impl<W: std::io::Write> Sealing<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.sum.update(bytes);
        self.to.write_all(bytes)
    }
}

/// The payload of an entry this binary wrote.
pub fn open(bytes: &[u8]) -> Result<&[u8], Rejected> {
    open_as(bytes, &crate::embedded::binary_identity())
}

fn open_as<'a>(bytes: &'a [u8], binary: &str) -> Result<&'a [u8], Rejected> {
    let rest = bytes.strip_prefix(TAG).ok_or(Rejected::Format)?;
    let (written_by, rest) = take_sized(rest).ok_or(Rejected::Length)?;
    if written_by != binary.as_bytes() {
        return Err(Rejected::OtherBinary);
    }
    let (payload, rest) = take_sized(rest).ok_or(Rejected::Length)?;
    if rest.len() != 32 {
        return Err(Rejected::Length);
    }
    let sealed = &bytes[..bytes.len() - 32];
    if Sha256::digest(sealed).as_slice() != rest {
        return Err(Rejected::Checksum);
    }
    Ok(payload)
}

/// A length-prefixed field and what follows it.
pub(super) fn take_sized(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let (length, rest) = bytes.split_first_chunk::<8>()?;
    let length = usize::try_from(u64::from_le_bytes(*length)).ok()?;
    (rest.len() >= length).then(|| rest.split_at(length))
}

/// Writes an entry through a temporary file and a rename: a reader sees the old entry or
/// the new one, and a build killed midway leaves at worst a temporary file.
/// The payload is `parts`, one after another.
pub fn write(path: &Path, parts: &[&[u8]]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    use std::io::Write;
    let written = std::fs::File::create(&temporary).and_then(|file| {
        let mut file = std::io::BufWriter::new(file);
        seal_into(parts, &crate::embedded::binary_identity(), &mut file)?;
        // Not synced: an entry cut short by a crash fails its checksum and is ignored.
        file.flush()
    });
    written
        .and_then(|()| std::fs::rename(&temporary, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&temporary);
        })
}

/// Writes an entry in place: cheaper than `write` where many are written at once, and as
/// safe where a cut-short or interleaved entry is only ever rejected (`open`), never read.
pub fn write_in_place(path: &Path, payload: &[u8]) -> std::io::Result<()> {
    let sealed = seal(payload, &crate::embedded::binary_identity());
    match std::fs::write(path, &sealed) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
            std::fs::write(path, &sealed)
        }
        written => written,
    }
}

/// Whether the file at `path` starts as every entry does: one of the cache's own.
pub fn is_ours(path: &Path) -> bool {
    use std::io::Read;
    let mut start = [0; TAG.len()];
    std::fs::File::open(path)
        .and_then(|mut file| file.read_exact(&mut start))
        .is_ok()
        && start == TAG
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_entry_opens_only_intact_and_for_its_binary() {
        let sealed = seal(b"{\"x\":1}", "evident 1 2 3");
        assert_eq!(open_as(&sealed, "evident 1 2 3"), Ok(&b"{\"x\":1}"[..]));
        assert_eq!(open_as(&sealed, "evident 1 2 4"), Err(Rejected::OtherBinary));
        for cut in [0, 5, TAG.len() + 3, sealed.len() - 40, sealed.len() - 1] {
            assert!(open_as(&sealed[..cut], "evident 1 2 3").is_err(), "cut at {cut}");
        }
        let mut grown = sealed.clone();
        grown.push(0);
        assert_eq!(open_as(&grown, "evident 1 2 3"), Err(Rejected::Length));
        let mut flipped = sealed.clone();
        let at = sealed.len() - 35;
        flipped[at] ^= 1;
        assert_eq!(open_as(&flipped, "evident 1 2 3"), Err(Rejected::Checksum));
        assert_eq!(open_as(b"garbage", "evident 1 2 3"), Err(Rejected::Format));
        let mut huge = TAG.to_vec();
        huge.extend_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(open_as(&huge, "x"), Err(Rejected::Length));
    }

    #[test]
    fn an_entry_written_in_parts_is_the_entry_of_their_concatenation() {
        let mut parts = Vec::new();
        seal_into(&[b"{\"x\"", b"", b":1}"], "evident 1 2 3", &mut parts).unwrap();
        assert_eq!(parts, seal(b"{\"x\":1}", "evident 1 2 3"));
    }
}
