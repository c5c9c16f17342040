//! How an entry is stored: a tag naming the format, the identity of the binary that wrote
//! it, the payload's length, the payload, and a checksum over all of it (`checksum`). An
//! entry from another format or binary, cut short, grown or altered is rejected, never
//! read.

use super::checksum::{self, Checksum};
use std::path::Path;

const TAG: &[u8] = b"evident-build-cache 3\n";

/// Why an entry was not read.
#[derive(Debug, PartialEq, Eq)]
pub enum Rejected {
    Format,
    OtherBinary,
    Length,
    Checksum,
}

#[cfg(test)]
fn seal(payload: &[u8], binary: &str) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(TAG.len() + binary.len() + payload.len() + 64);
    seal_into(&[payload], binary, &mut bytes).expect("writing to memory does not fail");
    bytes
}

/// Writes the entry whose payload is `parts`, one after another, to `to`: the payload is
/// never copied into one buffer, so a large entry costs no second copy of itself.
fn seal_into(parts: &[&[u8]], binary: &str, to: &mut impl std::io::Write) -> std::io::Result<()> {
    let length: usize = parts.iter().map(|part| part.len()).sum();
    seal_sized_into(binary, length as u64, to, |payload| {
        parts.iter().try_for_each(|part| payload.write_all(part))
    })
}

/// Writes the entry whose payload of `length` bytes `write_payload` writes to `to`; an
/// error, and no checksum, when the payload is not `length` bytes.
fn seal_sized_into(
    binary: &str,
    length: u64,
    to: &mut impl std::io::Write,
    write_payload: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut sealing = Sealing {
        sum: Checksum::default(),
        to,
    };
    sealing.write(TAG)?;
    sealing.write(&(binary.len() as u64).to_le_bytes())?;
    sealing.write(binary.as_bytes())?;
    sealing.write(&length.to_le_bytes())?;
    let mut payload = Measured {
        sealing: &mut sealing,
        count: 0,
    };
    write_payload(&mut payload)?;
    if payload.count != length {
        return Err(std::io::Error::other("the payload is not the length its entry gives"));
    }
    let sum = sealing.sum.finish();
    sealing.to.write_all(&sum)
}

/// What goes into an entry, summed as it is written.
struct Sealing<'a, W> {
    sum: Checksum,
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
    if rest.len() != checksum::BYTES {
        return Err(Rejected::Length);
    }
    let sealed = &bytes[..bytes.len() - checksum::BYTES];
    if checksum::of(sealed) != rest {
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
    replace_through_temporary(path, |file| seal_into(parts, &crate::embedded::binary_identity(), file))
}

/// `write`, with a payload of `length` bytes that `write_payload` writes as it makes them,
/// never held whole: read back by `open` like any other. Nothing is written when the
/// payload is not `length` bytes.
pub fn write_sized(
    path: &Path,
    length: u64,
    write_payload: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    replace_through_temporary(path, |file| {
        seal_sized_into(&crate::embedded::binary_identity(), length, file, write_payload)
    })
}

/// Writes `path` anew with what `fill` writes, into a temporary file beside it that is
/// renamed over it once written, and removed when anything failed.
fn replace_through_temporary(
    path: &Path,
    fill: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&temporary).and_then(|file| {
        let mut file = std::io::BufWriter::new(file);
        fill(&mut file)?;
        // Not synced: an entry cut short by a crash fails its checksum and is ignored.
        file.flush()
    });
    written
        .and_then(|()| std::fs::rename(&temporary, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&temporary);
        })
}

/// What starts an entry written as it is made (`write_streamed`): its length and checksum
/// come after the payload, whose size is not known before it is written.
const STREAMED_TAG: &[u8] = b"evident-build-cache streamed 2\n";

/// Writes an entry whose payload `write_payload` writes, through a temporary file and a
/// rename like `write`, never holding the payload whole: the tag, the binary's identity,
/// the payload, then its length and a checksum of all before it.
pub fn write_streamed(
    path: &Path,
    write_payload: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write;
    let binary = crate::embedded::binary_identity();
    replace_through_temporary(path, |file| {
        let mut sealing = Sealing {
            sum: Checksum::default(),
            to: &mut *file,
        };
        sealing.write(STREAMED_TAG)?;
        sealing.write(&(binary.len() as u64).to_le_bytes())?;
        sealing.write(binary.as_bytes())?;
        let mut payload = Measured {
            sealing: &mut sealing,
            count: 0,
        };
        write_payload(&mut payload)?;
        let count = payload.count;
        sealing.write(&count.to_le_bytes())?;
        let sum = sealing.sum.finish();
        file.write_all(&sum)
    })
}

/// The payload's bytes, summed and counted as they are written.
struct Measured<'s, 'a, W> {
    sealing: &'s mut Sealing<'a, W>,
    count: u64,
}

impl<W: std::io::Write> std::io::Write for Measured<'_, '_, W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.sealing.write(bytes)?;
        self.count += bytes.len() as u64;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What `read_payload` makes of the payload of the entry at `path` (`write_streamed`),
/// read as a stream: `None` unless the entry is this binary's, whole and intact — the
/// value made is dropped when the checksum after it fails — and `read_payload` read the
/// payload to its end.
pub fn read_streamed<T>(path: &Path, read_payload: impl FnOnce(&mut dyn std::io::Read) -> Option<T>) -> Option<T> {
    read_streamed_as(path, &crate::embedded::binary_identity(), read_payload)
}

fn read_streamed_as<T>(
    path: &Path,
    binary: &str,
    read_payload: impl FnOnce(&mut dyn std::io::Read) -> Option<T>,
) -> Option<T> {
    use std::io::Read;
    let file = std::fs::File::open(path).ok()?;
    let length = file.metadata().ok()?.len();
    // All but the checksum is summed, however far ahead the buffer reads.
    let hashed = length.checked_sub(checksum::BYTES as u64)?;
    let mut reading = Counting {
        from: std::io::BufReader::with_capacity(
            256 * 1024,
            Hashing {
                from: file,
                sum: Checksum::default(),
                unhashed_at: hashed,
                at: 0,
            },
        ),
        count: 0,
    };
    let mut tag = [0; STREAMED_TAG.len()];
    reading.read_exact(&mut tag).ok()?;
    let mut size = [0; 8];
    reading.read_exact(&mut size).ok()?;
    if tag != STREAMED_TAG || u64::from_le_bytes(size) != binary.len() as u64 {
        return None;
    }
    let mut written_by = vec![0; binary.len()];
    reading.read_exact(&mut written_by).ok()?;
    if written_by != binary.as_bytes() {
        return None;
    }
    let start = reading.count;
    let value = read_payload(&mut reading)?;
    let payload = reading.count - start;
    reading.read_exact(&mut size).ok()?;
    let mut stored = [0; checksum::BYTES];
    reading.read_exact(&mut stored).ok()?;
    // Read to the end, so that the whole of what is hashed was hashed.
    let at_end = reading.count == length && reading.read(&mut [0]).ok()? == 0;
    let sum = reading.from.into_inner().sum.finish();
    (at_end && u64::from_le_bytes(size) == payload && stored[..] == sum[..]).then_some(value)
}

/// A file's bytes, summed as they are read up to `unhashed_at`, where the checksum is.
struct Hashing<R> {
    from: R,
    sum: Checksum,
    unhashed_at: u64,
    at: u64,
}

impl<R: std::io::Read> std::io::Read for Hashing<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.from.read(buffer)?;
        let hashed = (self.unhashed_at.saturating_sub(self.at) as usize).min(read);
        self.sum.update(&buffer[..hashed]);
        self.at += read as u64;
        Ok(read)
    }
}

/// What a reader has taken from its source.
struct Counting<R> {
    from: R,
    count: u64,
}

impl<R: std::io::Read> std::io::Read for Counting<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.from.read(buffer)?;
        self.count += read as u64;
        Ok(read)
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
        // A byte of the payload, before the checksum.
        let at = sealed.len() - checksum::BYTES - 3;
        flipped[at] ^= 1;
        assert_eq!(open_as(&flipped, "evident 1 2 3"), Err(Rejected::Checksum));
        assert_eq!(open_as(b"garbage", "evident 1 2 3"), Err(Rejected::Format));
        let mut huge = TAG.to_vec();
        huge.extend_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(open_as(&huge, "x"), Err(Rejected::Length));
    }

    #[test]
    fn a_streamed_entry_reads_back_only_whole_intact_and_read_to_its_end() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.bin");
        write_streamed(&path, |out: &mut dyn std::io::Write| out.write_all(b"hello world")).unwrap();
        let binary = crate::embedded::binary_identity();
        let read_all = |input: &mut dyn std::io::Read| {
            let mut text = [0; 11];
            input.read_exact(&mut text).ok()?;
            Some(text)
        };
        assert_eq!(read_streamed_as(&path, &binary, read_all), Some(*b"hello world"));
        assert_eq!(read_streamed_as(&path, "another binary", read_all), None);
        // A reader that stops short of the payload's end sees no value.
        let read_some = |input: &mut dyn std::io::Read| {
            let mut text = [0; 5];
            input.read_exact(&mut text).ok()?;
            Some(text)
        };
        assert_eq!(read_streamed_as(&path, &binary, read_some), None);
        let bytes = std::fs::read(&path).unwrap();
        for at in [
            0,
            STREAMED_TAG.len() + 9,
            // A byte of the payload, and of its length, before the checksum.
            bytes.len() - checksum::BYTES - 8 - 3,
            bytes.len() - checksum::BYTES - 5,
            bytes.len() - 1,
        ] {
            let mut flipped = bytes.clone();
            flipped[at] ^= 1;
            std::fs::write(&path, &flipped).unwrap();
            assert_eq!(read_streamed_as(&path, &binary, read_all), None, "byte {at} flipped");
        }
        for cut in [10, bytes.len() - 1] {
            std::fs::write(&path, &bytes[..cut]).unwrap();
            assert_eq!(read_streamed_as(&path, &binary, read_all), None, "cut at {cut}");
        }
        let mut grown = bytes.clone();
        grown.push(0);
        std::fs::write(&path, &grown).unwrap();
        assert_eq!(read_streamed_as(&path, &binary, read_all), None, "grown");
    }

    #[test]
    fn an_entry_written_as_it_is_made_is_the_entry_of_its_bytes_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("entry.bin");
        let payload: Vec<u8> = (0..200_000u32).flat_map(u32::to_le_bytes).collect();
        write_sized(&path, payload.len() as u64, |sink| {
            payload.chunks(4096).try_for_each(|chunk| sink.write_all(chunk))
        })
        .unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(open(&bytes), Ok(payload.as_slice()));
        let mut whole = Vec::new();
        seal_into(&[&payload], &crate::embedded::binary_identity(), &mut whole).unwrap();
        assert_eq!(bytes, whole);

        // A payload shorter or longer than announced leaves the entry as it was.
        for wrong in [payload.len() as u64 - 1, payload.len() as u64 + 1] {
            assert!(write_sized(&path, wrong, |sink| sink.write_all(&payload)).is_err());
            assert_eq!(std::fs::read(&path).unwrap(), bytes);
        }
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[test]
    fn an_entry_written_in_parts_is_the_entry_of_their_concatenation() {
        let mut parts = Vec::new();
        seal_into(&[b"{\"x\"", b"", b":1}"], "evident 1 2 3", &mut parts).unwrap();
        assert_eq!(parts, seal(b"{\"x\":1}", "evident 1 2 3"));
    }
}
