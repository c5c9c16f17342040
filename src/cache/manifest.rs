//! What an output folder holds, cheaply: each file's path, size and modification time.
//! A build writes every file anew, so a folder changed since (a file edited, added or
//! removed, the folder replaced) no longer matches the manifest taken after it.

use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::UNIX_EPOCH;

#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// (path relative to the folder, size, modification time in nanoseconds), in name order.
    files: Vec<(String, u64, u128)>,
}

impl Manifest {
    /// `None` when the folder or one of its files cannot be read.
    pub fn of(dir: &Path) -> Option<Manifest> {
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.ok()?;
            if entry.file_type().is_dir() {
                continue;
            }
            let meta = entry.metadata().ok()?;
            let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?.as_nanos();
            let rel = entry.path().strip_prefix(dir).ok()?.to_string_lossy().into_owned();
            files.push((rel, meta.len(), modified));
        }
        Some(Manifest { files })
    }
}
