//! Text held compressed while it waits. An article body's HTML is made when the article is
//! parsed and read once, when its page is written; in between every other article is
//! parsed, checked and linked, and ten thousand bodies held as they are were the largest
//! thing in a build's memory (74 MB of 280). LZ4 packs HTML to between a half and a third
//! of its size and unpacks it faster than the page around it is rendered.
//!
//! Packed, the bodies were still 2.6 KB an article for the whole build: 2.6 GB at a million
//! articles. A build that publishes therefore writes them to a `Spill`, an unnamed
//! temporary file the system deletes when the build ends however it ends, and holds only
//! where each one is; the page reads its body back when it is rendered. Where no such file
//! can be made, the text stays packed in memory: slower to scale, never wrong. A text read
//! back from the build cache is held where the cache's file has it (`Holding::At`).

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A text packed with LZ4, its length in front: in memory, or written to a spill.
pub struct PackedText(Held);

enum Held {
    Memory(Box<[u8]>),
    Spilled {
        spill: Arc<Spill>,
        offset: u64,
        length: u32,
    },
}

impl Held {
    /// `bytes` written to `spill`, held as where they are there; `None` when they are too
    /// long for one entry or the write fails (the caller keeps them in memory).
    fn written_to(spill: &Arc<Spill>, bytes: &[u8]) -> Option<Held> {
        let length = u32::try_from(bytes.len()).ok()?;
        let offset = spill.write(bytes).ok()?;
        Some(Held::Spilled {
            spill: spill.clone(),
            offset,
            length,
        })
    }
}

/// An unnamed temporary file that packed texts are written to while they wait, each at
/// its own offset, from any thread; it is gone when the last text in it is dropped. Or a
/// file that already holds packed texts where they are (the build cache's pack of kept
/// parses, `Spill::holding`), read and never written.
pub struct Spill {
    file: std::fs::File,
    end: AtomicU64,
    writable: bool,
}

impl fmt::Debug for Spill {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Spill({} bytes)", self.end.load(Ordering::Relaxed))
    }
}

impl Spill {
    /// A new spill in the system's temporary folder.
    pub fn create() -> std::io::Result<Arc<Spill>> {
        Ok(Arc::new(Spill {
            file: tempfile::tempfile()?,
            end: AtomicU64::new(0),
            writable: true,
        }))
    }

    /// The texts `file` holds, read where they are (`PackedText::held_in`). Nothing is
    /// ever written to it through the spill: whoever wrote it only appends after what was
    /// read, or writes a new file in its place, so the bytes a text was checked by stay.
    pub fn holding(file: std::fs::File) -> Arc<Spill> {
        Arc::new(Spill {
            file,
            end: AtomicU64::new(0),
            writable: false,
        })
    }

    /// Where `bytes` now are: each writer reserves its own range, so writes never overlap.
    pub(crate) fn write(&self, bytes: &[u8]) -> std::io::Result<u64> {
        if !self.writable {
            return Err(std::io::ErrorKind::PermissionDenied.into());
        }
        let offset = self.end.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        write_at(&self.file, bytes, offset)?;
        Ok(offset)
    }

    pub(crate) fn read(&self, offset: u64, length: u32) -> std::io::Result<Vec<u8>> {
        let mut bytes = vec![0; length as usize];
        read_at(&self.file, &mut bytes, offset)?;
        Ok(bytes)
    }
}

#[cfg(unix)]
fn write_at(file: &std::fs::File, bytes: &[u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

#[cfg(unix)]
pub(crate) fn read_at(file: &std::fs::File, bytes: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

#[cfg(windows)]
fn write_at(file: &std::fs::File, mut bytes: &[u8], mut offset: u64) -> std::io::Result<()> {
    while !bytes.is_empty() {
        let written = std::os::windows::fs::FileExt::seek_write(file, bytes, offset)?;
        if written == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        bytes = &bytes[written..];
        offset += written as u64;
    }
    Ok(())
}

#[cfg(windows)]
pub(crate) fn read_at(file: &std::fs::File, mut bytes: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    while !bytes.is_empty() {
        let read = std::os::windows::fs::FileExt::seek_read(file, bytes, offset)?;
        if read == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        bytes = &mut bytes[read..];
        offset += read as u64;
    }
    Ok(())
}

#[cfg(not(any(unix, windows)))]
fn write_at(_: &std::fs::File, _: &[u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(not(any(unix, windows)))]
pub(crate) fn read_at(_: &std::fs::File, _: &mut [u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// A held text that cannot be given back: bytes that do not unpack to the text that was
/// packed (a fault of this program's memory, never of content), or a spill the system
/// would not read back.
#[derive(Debug)]
pub struct UnpackError {
    reason: String,
    /// The temporary file failed, not this program: the disk, not a bug.
    pub unreadable: bool,
}

impl UnpackError {
    pub fn new(reason: &str) -> UnpackError {
        UnpackError {
            reason: reason.to_string(),
            unreadable: false,
        }
    }
}

impl fmt::Display for UnpackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "held text could not be unpacked: {}", self.reason)
    }
}

const LENGTH_BYTES: usize = 4;

thread_local! {
    /// Each thread packs into one buffer, grown to the largest text it met, and keeps only
    /// the packed bytes: LZ4's worst case is larger than its input.
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

impl PackedText {
    pub fn pack(text: &str) -> PackedText {
        // A text of 4 GiB cannot come from one Markdown file a build accepts; should one
        // ever, it is kept unpacked rather than given a wrong length (u32::MAX marks that).
        let Some(length) = u32::try_from(text.len()).ok().filter(|&length| length != u32::MAX) else {
            return PackedText::stored(text);
        };
        BUFFER.with_borrow_mut(|buffer| {
            let bound = LENGTH_BYTES + lz4_flex::block::get_maximum_output_size(text.len());
            if buffer.len() < bound {
                buffer.resize(bound, 0);
            }
            buffer[..LENGTH_BYTES].copy_from_slice(&length.to_le_bytes());
            match lz4_flex::block::compress_into(text.as_bytes(), &mut buffer[LENGTH_BYTES..]) {
                Ok(written) => PackedText(Held::Memory(buffer[..LENGTH_BYTES + written].into())),
                Err(_) => PackedText::stored(text),
            }
        })
    }

    /// `text` packed and written to `spill`, holding only where it is; kept in memory when
    /// the write fails (a full disk costs memory, not the page).
    pub fn pack_into(text: &str, spill: &Arc<Spill>) -> PackedText {
        PackedText::pack(text).spilled_to(spill)
    }

    /// Moves the text to `spill`, when it is held in memory and the write succeeds.
    pub fn spill(&mut self, spill: &Arc<Spill>) {
        if let Held::Memory(bytes) = &self.0
            && let Some(spilled) = Held::written_to(spill, bytes)
        {
            self.0 = spilled;
        }
    }

    /// Written to `spill`, when it is held in memory and the write succeeds.
    fn spilled_to(mut self, spill: &Arc<Spill>) -> PackedText {
        self.spill(spill);
        self
    }

    /// The text as it was packed.
    pub fn unpack(&self) -> Result<String, UnpackError> {
        match &self.0 {
            Held::Memory(bytes) => unpack_bytes(bytes),
            Held::Spilled { .. } => unpack_bytes(&self.packed()?),
        }
    }

    /// The packed bytes, as `from_packed` takes them back: what the build cache stores.
    pub fn packed(&self) -> Result<Vec<u8>, UnpackError> {
        match &self.0 {
            Held::Memory(bytes) => Ok(bytes.to_vec()),
            Held::Spilled { spill, offset, length } => spill.read(*offset, *length).map_err(|e| UnpackError {
                reason: format!("the build's temporary file could not be read back: {e}"),
                unreadable: true,
            }),
        }
    }

    /// Bytes `packed` gave, held again as `holding` says. They are not unpacked to be
    /// judged: they come from a build cache entry whose checksum was checked when it was
    /// read (`cache::pack`), and this binary stores only what `packed` gave. `None` when
    /// they are too short to hold a length.
    pub fn from_packed(bytes: &[u8], holding: Holding<'_>) -> Option<PackedText> {
        if bytes.len() < LENGTH_BYTES {
            return None;
        }
        let held = match holding {
            Holding::At(file, offset) => Some(Held::Spilled {
                spill: file.clone(),
                offset,
                length: u32::try_from(bytes.len()).ok()?,
            }),
            Holding::Copied(spill) => spill.and_then(|spill| Held::written_to(spill, bytes)),
        };
        Some(PackedText(held.unwrap_or_else(|| Held::Memory(bytes.into()))))
    }

    /// Kept as it is, marked by a length no packed text has.
    fn stored(text: &str) -> PackedText {
        let mut bytes = Vec::with_capacity(LENGTH_BYTES + text.len());
        bytes.extend_from_slice(&u32::MAX.to_le_bytes());
        bytes.extend_from_slice(text.as_bytes());
        PackedText(Held::Memory(bytes.into_boxed_slice()))
    }
}

/// Where bytes read back from the build cache are held.
#[derive(Clone, Copy)]
pub enum Holding<'a> {
    /// Where they were read: at this offset of a file that keeps them unchanged
    /// (`Spill::holding`), so a recalled body costs no second copy of itself.
    At(&'a Arc<Spill>, u64),
    /// Written to the build's spill when there is one, else in memory.
    Copied(Option<&'a Arc<Spill>>),
}

fn unpack_bytes(bytes: &[u8]) -> Result<String, UnpackError> {
    let (length, packed) = bytes
        .split_at_checked(LENGTH_BYTES)
        .ok_or_else(|| UnpackError::new("too short"))?;
    let length = u32::from_le_bytes(length.try_into().map_err(|_| UnpackError::new("no length"))?);
    if length == u32::MAX {
        return String::from_utf8(packed.to_vec()).map_err(|e| UnpackError::new(&e.to_string()));
    }
    let mut text = vec![0; length as usize];
    let written = lz4_flex::block::decompress_into(packed, &mut text).map_err(|e| UnpackError::new(&e.to_string()))?;
    if written != text.len() {
        return Err(UnpackError::new(&format!("{written} bytes of {length}")));
    }
    String::from_utf8(text).map_err(|e| UnpackError::new(&e.to_string()))
}

impl fmt::Debug for PackedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Held::Memory(bytes) => write!(f, "PackedText({} bytes)", bytes.len()),
            Held::Spilled { offset, length, .. } => write!(f, "PackedText({length} bytes spilled at {offset})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes_of(packed: &PackedText) -> Vec<u8> {
        match &packed.0 {
            Held::Memory(bytes) => bytes.to_vec(),
            Held::Spilled { .. } => panic!("expected a text in memory"),
        }
    }

    fn in_memory(bytes: Vec<u8>) -> PackedText {
        PackedText(Held::Memory(bytes.into_boxed_slice()))
    }

    #[test]
    fn unpacks_to_the_text_packed() {
        let html = "<h2 id=\"dose\">Dose</h2>\n<p>Warfarin 5 mg <sup class=\"cite\" id=\"cite-1\"><a href=\"#ref-1\">1</a></sup>; é, 中文, 🩺.</p>\n";
        let long = html.repeat(200);
        for text in ["", "a", html, long.as_str()] {
            let packed = PackedText::pack(text);
            assert_eq!(packed.unpack().unwrap(), text);
        }
        assert!(
            bytes_of(&PackedText::pack(&long)).len() < long.len() / 10,
            "repetitive HTML packs small"
        );
    }

    #[test]
    fn a_kept_text_unpacks_too() {
        assert_eq!(PackedText::stored("<p>x</p>").unpack().unwrap(), "<p>x</p>");
    }

    #[test]
    fn spilled_texts_read_back_from_any_thread_and_hold_no_bytes() {
        let spill = Spill::create().expect("a temporary file");
        let texts: Vec<String> = (0..64)
            .map(|n| format!("<p>warfarin {n} mg</p>").repeat(n + 1))
            .collect();
        // Written from several threads at once, as parse jobs do.
        let packed: Vec<PackedText> = std::thread::scope(|scope| {
            let jobs: Vec<_> = texts
                .chunks(16)
                .map(|chunk| {
                    scope.spawn(|| {
                        chunk
                            .iter()
                            .map(|t| PackedText::pack_into(t, &spill))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            jobs.into_iter().flat_map(|job| job.join().unwrap()).collect()
        });
        for (text, packed) in texts.iter().zip(&packed) {
            assert!(matches!(packed.0, Held::Spilled { .. }), "held in memory: {packed:?}");
            assert_eq!(&packed.unpack().unwrap(), text);
        }
        // The last text dropped closes the file; the spill itself is only shared.
        assert_eq!(Arc::strong_count(&spill), 1 + packed.len());
        drop(packed);
        assert_eq!(Arc::strong_count(&spill), 1);
    }

    #[test]
    fn a_text_held_where_a_file_has_it_reads_back_and_the_file_is_never_written() {
        use std::io::{Seek, Write};
        let text = "<p>warfarin 5 mg</p>".repeat(20);
        let bytes = PackedText::pack(&text).packed().unwrap();
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(b"head").unwrap();
        file.write_all(&bytes).unwrap();
        file.rewind().unwrap();
        let holding = Spill::holding(file);
        let held = PackedText::from_packed(&bytes, Holding::At(&holding, 4)).unwrap();
        assert!(matches!(held.0, Held::Spilled { offset: 4, .. }), "{held:?}");
        assert_eq!(held.unpack().unwrap(), text);
        assert!(holding.write(b"x").is_err(), "a holding spill is read, never written");
        let mut copied = PackedText::from_packed(&bytes, Holding::Copied(None)).unwrap();
        copied.spill(&holding);
        assert!(matches!(copied.0, Held::Memory(_)), "{copied:?}");
        assert_eq!(copied.unpack().unwrap(), text);
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        let packed = PackedText::pack(&"<p>warfarin</p>".repeat(50));
        let mut bytes = bytes_of(&packed);
        bytes.truncate(bytes.len() / 2);
        assert!(in_memory(bytes).unpack().is_err());
        assert!(in_memory(vec![1, 2]).unpack().is_err());
        let mut wrong_length = bytes_of(&packed);
        wrong_length[0] = wrong_length[0].wrapping_add(1);
        assert!(in_memory(wrong_length).unpack().is_err());
        // A spill read past its end is an error too.
        let spill = Spill::create().expect("a temporary file");
        let beyond = PackedText(Held::Spilled {
            spill,
            offset: 1 << 20,
            length: 16,
        });
        let error = beyond.unpack().expect_err("nothing was written there");
        assert!(error.unreadable, "{error}");
    }
}
