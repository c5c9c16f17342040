//! What an output folder holds: each file's path, size, modification time and SHA-256.
//! A folder matches when it holds the same paths with the same sizes and each file either
//! kept its modification time or, where the time differs (a copy, a CI cache restored by
//! `tar`), still has the same bytes.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// In name order.
    files: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    path: String,
    size: u64,
    /// Nanoseconds since the epoch.
    modified: u128,
    sha256: String,
}

/// A file as found on disk now, its bytes not yet read.
struct Found {
    path: String,
    full: PathBuf,
    size: u64,
    modified: u128,
}

fn found(dir: &Path) -> Option<Vec<Found>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.ok()?;
        if entry.file_type().is_dir() {
            continue;
        }
        let meta = entry.metadata().ok()?;
        let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?.as_nanos();
        let path = entry.path().strip_prefix(dir).ok()?.to_string_lossy().into_owned();
        files.push(Found {
            path,
            full: entry.path().to_path_buf(),
            size: meta.len(),
            modified,
        });
    }
    Some(files)
}

fn sha256(path: &Path) -> Option<String> {
    std::fs::read(path)
        .ok()
        .map(|bytes| crate::text::hex(&Sha256::digest(&bytes)))
}

impl Manifest {
    /// `None` when the folder or one of its files cannot be read.
    pub fn of(dir: &Path) -> Option<Manifest> {
        let files = found(dir)?
            .into_par_iter()
            .map(|f| {
                Some(Entry {
                    sha256: sha256(&f.full)?,
                    path: f.path,
                    size: f.size,
                    modified: f.modified,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Manifest { files })
    }

    /// Whether `dir` holds what this manifest recorded.
    pub fn matches(&self, dir: &Path) -> bool {
        let Some(now) = found(dir) else {
            return false;
        };
        now.len() == self.files.len()
            && now.par_iter().zip(&self.files).all(|(now, was)| {
                now.path == was.path
                    && now.size == was.size
                    && (now.modified == was.modified || sha256(&now.full).as_ref() == Some(&was.sha256))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_matches_while_it_holds_the_same_bytes_whatever_their_dates() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path();
        std::fs::create_dir(dir.join("a")).unwrap();
        std::fs::write(dir.join("a/index.html"), "one").unwrap();
        std::fs::write(dir.join("feed.xml"), "two").unwrap();
        let manifest = Manifest::of(dir).unwrap();
        assert!(manifest.matches(dir));
        // Rewritten with the same bytes (a new date): still the same output.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.join("feed.xml"), "two").unwrap();
        assert!(manifest.matches(dir));
        std::fs::write(dir.join("feed.xml"), "owt").unwrap();
        assert!(!manifest.matches(dir), "same size, other bytes, other date");
        std::fs::write(dir.join("feed.xml"), "two").unwrap();
        std::fs::write(dir.join("extra"), "").unwrap();
        assert!(!manifest.matches(dir), "a file more");
        std::fs::remove_file(dir.join("extra")).unwrap();
        std::fs::remove_file(dir.join("a/index.html")).unwrap();
        assert!(!manifest.matches(dir), "a file less");
        assert!(!manifest.matches(&dir.join("gone")));
    }
}
