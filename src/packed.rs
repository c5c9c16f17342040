//! Text held compressed while it waits. An article body's HTML is made when the article is
//! parsed and read once, when its page is written; in between every other article is
//! parsed, checked and linked, and ten thousand bodies held as they are were the largest
//! thing in a build's memory (74 MB of 280). LZ4 packs HTML to between a half and a third
//! of its size and unpacks it faster than the page around it is rendered.

use std::cell::RefCell;
use std::fmt;

/// A text packed with LZ4, its length in front.
pub struct PackedText(Box<[u8]>);

/// Bytes that do not unpack to the text that was packed: a fault of this program's memory,
/// never of content.
#[derive(Debug)]
pub struct UnpackError(String);

impl UnpackError {
    pub fn new(reason: &str) -> UnpackError {
        UnpackError(reason.to_string())
    }
}

impl fmt::Display for UnpackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "held text could not be unpacked: {}", self.0)
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
                Ok(written) => PackedText(buffer[..LENGTH_BYTES + written].into()),
                Err(_) => PackedText::stored(text),
            }
        })
    }

    /// The text as it was packed.
    pub fn unpack(&self) -> Result<String, UnpackError> {
        let (length, packed) = self
            .0
            .split_at_checked(LENGTH_BYTES)
            .ok_or_else(|| UnpackError("too short".into()))?;
        let length = u32::from_le_bytes(length.try_into().map_err(|_| UnpackError("no length".into()))?);
        if length == u32::MAX {
            return String::from_utf8(packed.to_vec()).map_err(|e| UnpackError(e.to_string()));
        }
        let mut text = vec![0; length as usize];
        let written = lz4_flex::block::decompress_into(packed, &mut text).map_err(|e| UnpackError(e.to_string()))?;
        if written != text.len() {
            return Err(UnpackError(format!("{written} bytes of {length}")));
        }
        String::from_utf8(text).map_err(|e| UnpackError(e.to_string()))
    }

    /// Kept as it is, marked by a length no packed text has.
    fn stored(text: &str) -> PackedText {
        let mut bytes = Vec::with_capacity(LENGTH_BYTES + text.len());
        bytes.extend_from_slice(&u32::MAX.to_le_bytes());
        bytes.extend_from_slice(text.as_bytes());
        PackedText(bytes.into_boxed_slice())
    }
}

impl fmt::Debug for PackedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PackedText({} bytes)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpacks_to_the_text_packed() {
        let html = "<h2 id=\"dose\">Dose</h2>\n<p>Warfarin 5 mg <sup class=\"cite\" id=\"cite-1\"><a href=\"#ref-1\">1</a></sup>; é, 中文, 🩺.</p>\n";
        let long = html.repeat(200);
        for text in ["", "a", html, long.as_str()] {
            let packed = PackedText::pack(text);
            assert_eq!(packed.unpack().unwrap(), text);
        }
        assert!(
            PackedText::pack(&long).0.len() < long.len() / 10,
            "repetitive HTML packs small"
        );
    }

    #[test]
    fn a_kept_text_unpacks_too() {
        assert_eq!(PackedText::stored("<p>x</p>").unpack().unwrap(), "<p>x</p>");
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        let packed = PackedText::pack(&"<p>warfarin</p>".repeat(50));
        let mut bytes = packed.0.to_vec();
        bytes.truncate(bytes.len() / 2);
        assert!(PackedText(bytes.into_boxed_slice()).unpack().is_err());
        assert!(PackedText(Box::new([1, 2])).unpack().is_err());
        let mut wrong_length = packed.0.to_vec();
        wrong_length[0] = wrong_length[0].wrapping_add(1);
        assert!(PackedText(wrong_length.into_boxed_slice()).unpack().is_err());
    }
}
