//! What linking computed in the last build (`link::kept`), kept in `.evident/cache/` so
//! that a build after an edit that leaves its inputs as they were takes it back: the
//! published site's lists in `links.bin`, the graph's findings in `graph-findings.bin`.
//!
//! One entry each, framed like the others (`frame`: the binary that wrote it is part of
//! the frame, so another ranking never gives back its lists) and named inside by the
//! digest of what it was computed from. An entry that does not open or does not name these
//! inputs is ignored; what it holds is checked again as `link::kept` reads it.

use super::frame;
use crate::link::{KeptLinking, Part};
use std::path::{Path, PathBuf};

/// The kept results of linking one site.
pub struct LinkingCache {
    dir: PathBuf,
    /// A build that publishes keeps what it linked; `check` only reads.
    keeps: bool,
}

impl LinkingCache {
    pub fn open(root: &Path, keeps: bool) -> LinkingCache {
        LinkingCache {
            dir: root.join(super::CACHE_DIR),
            keeps,
        }
    }

    fn path(&self, part: Part) -> PathBuf {
        self.dir.join(match part {
            Part::Linked => "links.bin",
            Part::GraphFindings => "graph-findings.bin",
        })
    }
}

impl KeptLinking for LinkingCache {
    fn recall(&self, part: Part, inputs: &[u8; 32]) -> Option<Vec<u8>> {
        let mut bytes = std::fs::read(self.path(part)).ok()?;
        let payload = frame::open(&bytes).ok()?;
        let rest = payload.strip_prefix(inputs.as_slice())?;
        // The lists are given back in the buffer they were read into, not copied: 25 MB at
        // 100,000 articles.
        let (start, len) = (rest.as_ptr() as usize - bytes.as_ptr() as usize, rest.len());
        bytes.truncate(start + len);
        bytes.drain(..start);
        Some(bytes)
    }

    fn keep(&self, part: Part, inputs: &[u8; 32], write: &dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>) {
        if !self.keeps {
            return;
        }
        // Written twice, the first time only counted: the entry's length comes before its
        // payload, which is never held whole.
        let mut counted = Counted(0);
        if write(&mut counted).is_err() {
            return;
        }
        // Failing to keep it fails nothing: the next build links again.
        let _ = frame::write_sized(&self.path(part), 32 + counted.0, |payload| {
            payload.write_all(inputs)?;
            write(payload)
        });
    }
}

/// A sink that counts what is written to it.
struct Counted(u64);

impl std::io::Write for Counted {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len() as u64;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
