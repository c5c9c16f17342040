//! A build's findings as its cache entry stores them: one record after another, packed
//! with LZ4 a block at a time as the report's own order reads them, and read back the same
//! way into
//! `diagnostic::Findings`. A site with 170,000 warnings then costs the entry a few
//! megabytes, not a list of 170,000 owned findings and its JSON held at once.
//!
//! A record is its code's name, its severity, its file, line and column, its message and
//! its hint, each text with its length before it. Codes are stored by name, so that an
//! entry naming a code this binary does not know is refused whole rather than misread.

use crate::diagnostic::{Code, Diagnostic, Findings, Severity};
use std::io::{self, Read, Write};

/// Bytes of records packed together: big enough for LZ4 to find a file's repeated
/// messages, small enough that packing or reading back holds one block of plain text.
const BLOCK: usize = 64 * 1024;

/// Severity bytes; anything else refuses the entry.
const WARNING: u8 = 0;
const ERROR: u8 = 1;
/// Hint bytes: none, or one follows.
const NO_HINT: u8 = 0;
const HINT: u8 = 1;

/// `findings`, in their order, packed; with how many there are, which `recall` checks.
pub fn pack(findings: &Findings) -> io::Result<(usize, Vec<u8>)> {
    let mut packed = Blocks::default();
    let mut count = 0;
    for finding in findings {
        store(&finding, &mut packed)?;
        count += 1;
    }
    Ok((count, packed.finish()))
}

fn store(finding: &Diagnostic, to: &mut impl Write) -> io::Result<()> {
    text(finding.code.as_str(), to)?;
    let severity = match finding.severity {
        Severity::Error => ERROR,
        Severity::Warning => WARNING,
    };
    to.write_all(&[severity])?;
    text(&finding.file, to)?;
    to.write_all(&finding.line.to_le_bytes())?;
    to.write_all(&finding.column.to_le_bytes())?;
    text(&finding.message, to)?;
    match &finding.hint {
        None => to.write_all(&[NO_HINT]),
        Some(hint) => {
            to.write_all(&[HINT])?;
            text(hint, to)
        }
    }
}

fn text(text: &str, to: &mut impl Write) -> io::Result<()> {
    let length = u32::try_from(text.len()).map_err(io::Error::other)?;
    to.write_all(&length.to_le_bytes())?;
    to.write_all(text.as_bytes())
}

/// The `count` findings `pack` made of `packed`; `None` when the bytes do not hold exactly
/// that many well-formed findings of codes this binary knows.
pub fn recall(packed: &[u8], count: usize) -> Option<Findings> {
    let mut from = Unblocks::new(packed);
    let mut findings = Findings::new();
    findings.reserve(count);
    let mut reading = Reading::default();
    for _ in 0..count {
        findings.push(reading.finding(&mut from)?);
    }
    let mut rest = [0; 1];
    (from.read(&mut rest).ok()? == 0).then_some(findings)
}

/// One buffer for every text read, so that reading back makes no string it does not keep.
#[derive(Default)]
struct Reading {
    bytes: Vec<u8>,
}

impl Reading {
    fn finding(&mut self, from: &mut impl Read) -> Option<Diagnostic> {
        let name = self.text(from)?;
        let code = Code::ALL.into_iter().find(|code| code.as_str() == name)?;
        let severity = match byte(from)? {
            ERROR => Severity::Error,
            WARNING => Severity::Warning,
            _ => return None,
        };
        let file = self.text(from)?.to_string();
        let line = u32::from_le_bytes(array(from)?);
        let column = u32::from_le_bytes(array(from)?);
        let message = self.text(from)?.to_string();
        let hint = match byte(from)? {
            NO_HINT => None,
            HINT => Some(std::borrow::Cow::Owned(self.text(from)?.to_string())),
            _ => return None,
        };
        Some(Diagnostic {
            code,
            severity,
            file,
            line,
            column,
            message,
            hint,
        })
    }

    fn text(&mut self, from: &mut impl Read) -> Option<&str> {
        let length = u32::from_le_bytes(array(from)?) as usize;
        self.bytes.clear();
        // Read through `take`, so that a corrupt length cannot ask for more memory than
        // the entry holds.
        let read = from.take(length as u64).read_to_end(&mut self.bytes).ok()?;
        if read != length {
            return None;
        }
        std::str::from_utf8(&self.bytes).ok()
    }
}

/// Packs what is written to it into LZ4 blocks, each with its packed length before it.
#[derive(Default)]
struct Blocks {
    packed: Vec<u8>,
    plain: Vec<u8>,
}

impl Blocks {
    fn pack_block(&mut self) {
        if self.plain.is_empty() {
            return;
        }
        let block = lz4_flex::block::compress_prepend_size(&self.plain);
        // A block packs at most `BLOCK` plus one record's bytes: its length fits.
        self.packed.extend_from_slice(&(block.len() as u32).to_le_bytes());
        self.packed.extend_from_slice(&block);
        self.plain.clear();
    }

    fn finish(mut self) -> Vec<u8> {
        self.pack_block();
        self.packed
    }
}

impl Write for Blocks {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.plain.extend_from_slice(bytes);
        if self.plain.len() >= BLOCK {
            self.pack_block();
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Reads back what `Blocks` packed, a block at a time.
struct Unblocks<'a> {
    rest: &'a [u8],
    block: Vec<u8>,
    at: usize,
}

impl<'a> Unblocks<'a> {
    fn new(packed: &'a [u8]) -> Unblocks<'a> {
        Unblocks {
            rest: packed,
            block: Vec::new(),
            at: 0,
        }
    }

    /// The next block unpacked; `false` at the end, an error where the bytes are not blocks.
    fn next_block(&mut self) -> io::Result<bool> {
        let Some((length, rest)) = self.rest.split_first_chunk::<4>() else {
            return match self.rest.is_empty() {
                true => Ok(false),
                false => Err(io::ErrorKind::InvalidData.into()),
            };
        };
        let length = u32::from_le_bytes(*length) as usize;
        if rest.len() < length {
            return Err(io::ErrorKind::InvalidData.into());
        }
        let (block, rest) = rest.split_at(length);
        let (size, packed) = block.split_first_chunk::<4>().ok_or(io::ErrorKind::InvalidData)?;
        // No block holds more than this: a larger size is not one `Blocks` wrote.
        let size = u32::from_le_bytes(*size) as usize;
        if size > 2 * BLOCK {
            return Err(io::ErrorKind::InvalidData.into());
        }
        self.block.resize(size, 0);
        let unpacked = lz4_flex::block::decompress_into(packed, &mut self.block).map_err(io::Error::other)?;
        if unpacked != size {
            return Err(io::ErrorKind::InvalidData.into());
        }
        self.rest = rest;
        self.at = 0;
        Ok(true)
    }
}

impl Read for Unblocks<'_> {
    fn read(&mut self, into: &mut [u8]) -> io::Result<usize> {
        while self.at == self.block.len() {
            if !self.next_block()? {
                return Ok(0);
            }
        }
        let count = into.len().min(self.block.len() - self.at);
        into[..count].copy_from_slice(&self.block[self.at..self.at + count]);
        self.at += count;
        Ok(count)
    }
}

fn byte(from: &mut impl Read) -> Option<u8> {
    Some(array::<1>(from)?[0])
}

fn array<const N: usize>(from: &mut impl Read) -> Option<[u8; N]> {
    let mut bytes = [0; N];
    from.read_exact(&mut bytes).ok()?;
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn finding(code: Code, file: &str, line: u32, message: &str, hint: Option<&'static str>) -> Diagnostic {
        Diagnostic {
            code,
            severity: if line % 2 == 0 {
                Severity::Error
            } else {
                Severity::Warning
            },
            file: file.to_string(),
            line,
            column: line * 3,
            message: message.to_string(),
            hint: hint.map(Cow::Borrowed),
        }
    }

    fn some_findings() -> Vec<Diagnostic> {
        vec![
            finding(Code::ALL[0], "content/a.md", 1, "first", Some("do this")),
            finding(Code::ALL[3], "content/b.md", 2, "ünïcödé « quoted »", None),
            finding(Code::ALL[7], "", 0, "", Some("")),
        ]
    }

    #[test]
    fn findings_packed_come_back_the_same_in_the_same_order() {
        let findings: Findings = some_findings().into_iter().collect();
        let (count, packed) = pack(&findings).unwrap();
        assert_eq!(count, 3);
        let recalled = recall(&packed, count).expect("recalled");
        assert_eq!(recalled.to_vec(), some_findings());
    }

    #[test]
    fn packed_findings_cut_short_grown_or_miscounted_are_refused() {
        let findings: Findings = some_findings().into_iter().collect();
        let (count, packed) = pack(&findings).unwrap();
        assert!(recall(&packed, count + 1).is_none(), "more than were stored");
        assert!(recall(&packed, count - 1).is_none(), "fewer than were stored");
        assert!(recall(&packed[..packed.len() / 2], count).is_none(), "cut short");
        assert!(recall(b"not lz4 at all", 1).is_none(), "not ours");
    }

    #[test]
    fn many_findings_span_blocks_and_come_back_whole() {
        let many: Vec<Diagnostic> = (0..20_000)
            .map(|n| {
                let file = format!("content/article-{}.md", n / 17);
                finding(
                    Code::ALL[n as usize % Code::ALL.len()],
                    &file,
                    n,
                    &format!("claim {n} cites nothing"),
                    None,
                )
            })
            .collect();
        let findings: Findings = many.iter().cloned().collect();
        let (count, packed) = pack(&findings).unwrap();
        let mut blocks = Unblocks::new(&packed);
        let mut count_blocks = 0;
        while blocks.next_block().unwrap() {
            count_blocks += 1;
        }
        assert!(count_blocks > 5, "{count_blocks} blocks");
        assert_eq!(recall(&packed, count).expect("recalled").to_vec(), many);
    }

    #[test]
    fn a_code_this_binary_does_not_know_refuses_the_findings() {
        let mut raw = Vec::new();
        text("code/from-the-future", &mut raw).unwrap();
        raw.extend_from_slice(&[WARNING]);
        text("content/a.md", &mut raw).unwrap();
        raw.extend_from_slice(&[1, 0, 0, 0, 1, 0, 0, 0]);
        text("message", &mut raw).unwrap();
        raw.push(NO_HINT);
        let mut packed = Blocks::default();
        packed.write_all(&raw).unwrap();
        let packed = packed.finish();
        assert!(recall(&packed, 1).is_none());
    }
}
