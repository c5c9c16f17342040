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

    fn keep(&self, part: Part, inputs: &[u8; 32], bytes: &[u8]) {
        if !self.keeps {
            return;
        }
        // Failing to keep it fails nothing: the next build links again.
        let _ = frame::write(&self.path(part), &[inputs, bytes]);
    }
}
