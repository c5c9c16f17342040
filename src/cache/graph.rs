//! The related-question graph of the last build, kept in `.evident/cache/graph.bin` so
//! that a build after an edit that leaves every article's graph inputs as they were (its
//! slug, question, title, answers, headings, topics and references' identities: an edit
//! of a body below its answer, a review, a date) takes it back instead of computing it.
//!
//! One entry, framed like the others (`frame`) and named inside by the digest of the
//! graph's inputs (`Graph::inputs_digest`); the binary that wrote it is part of the frame,
//! so another tokenizer or scoring never gives back its graph. An entry that does not
//! open, does not name these inputs or does not hold together is ignored.

use super::frame;
use crate::link::KeptGraph;
use crate::link::graph::Graph;
use std::path::{Path, PathBuf};

const FILE: &str = "graph.bin";

/// The kept graph of one site.
pub struct GraphCache {
    path: PathBuf,
    /// A build that publishes keeps its graph; `check` only reads the kept one.
    keeps: bool,
}

impl GraphCache {
    pub fn open(root: &Path, keeps: bool) -> GraphCache {
        GraphCache {
            path: root.join(super::CACHE_DIR).join(FILE),
            keeps,
        }
    }
}

impl KeptGraph for GraphCache {
    fn recall(&self, inputs: &[u8; 32]) -> Option<Graph> {
        // Read as a stream: at a million articles the entry is hundreds of megabytes.
        frame::read_streamed(&self.path, |payload| {
            let mut named = [0; 32];
            payload.read_exact(&mut named).ok()?;
            if named != *inputs {
                return None;
            }
            Graph::read_from(payload)
        })
    }

    fn keep(&self, inputs: &[u8; 32], graph: &Graph) {
        if !self.keeps {
            return;
        }
        // Failing to keep it fails nothing: the next build computes the graph.
        let _ = frame::write_streamed(&self.path, |payload| {
            payload.write_all(inputs)?;
            graph.write_to(payload)
        });
    }
}
