//! What an output folder holds: each file's path, size, modification time and SHA-256, and
//! for a page the key it was rendered from. A folder matches when it holds the same paths
//! with the same sizes and each file either kept its modification time or, where the time
//! differs (a copy, a CI cache restored by `tar`), still has the same bytes. The next build
//! into the folder takes over the files it would write again (`write::Earlier`).

use crate::write::{Earlier, EarlierFile, FolderRead, PathTable, WrittenFile};
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

/// Stored in the build cache's binary form (`super::Entry`): digests as their bytes, not
/// hex, as the next build reads tens of thousands of them back.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    path: String,
    size: u64,
    /// Nanoseconds since the epoch.
    modified: u128,
    #[serde(with = "crate::digest_bytes")]
    sha256: [u8; 32],
    /// The page key, for a page.
    #[serde(with = "crate::digest_bytes::optional")]
    key: Option<[u8; 32]>,
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

fn sha256(path: &Path) -> Option<[u8; 32]> {
    std::fs::read(path).ok().map(|bytes| Sha256::digest(&bytes).into())
}

impl Manifest {
    /// `None` when the folder or one of its files cannot be read. `written` is what the
    /// build that made the folder wrote, as it recorded it: those files are not read again.
    /// With it, what was found of the folder's folders (`write::read_output`).
    pub fn of(dir: &Path, written: &PathTable<WrittenFile>) -> Option<(Manifest, PathTable<FolderRead>)> {
        let (found, folders) = crate::write::read_output(dir)?;
        let mut files = found
            .into_par_iter()
            .map(|f| {
                let (sha256, key) = match written.get(&f.rel) {
                    Some(w) if w.size == f.size => (w.sha256, w.key),
                    _ => (sha256(&f.path)?, None),
                };
                Some(Entry {
                    sha256,
                    key,
                    path: f.rel,
                    size: f.size,
                    modified: f.modified,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        files.par_sort_unstable_by(in_walk_order);
        Some((Manifest { files }, folders))
    }

    /// The manifest of `dir` after a build that wrote `written` into it, with what was found
    /// of its folders: the record the commit made when it made one (a commit in place,
    /// which read only what it changed), else read from the folder (`of`).
    pub fn of_written(dir: &Path, mut written: crate::write::Written) -> Option<(Manifest, PathTable<FolderRead>)> {
        let folders = written.take_folders();
        let record = match written.into_record() {
            Ok(record) => record,
            Err(files) => return Manifest::of(dir, &files),
        };
        let mut files: Vec<Entry> = record
            .iter()
            .map(|(path, file)| Entry {
                path: path.to_string(),
                size: file.size,
                modified: file.modified,
                sha256: file.sha256,
                key: file.key,
            })
            .collect();
        drop(record);
        files.par_sort_unstable_by(in_walk_order);
        Some((Manifest { files }, folders))
    }

    /// The folder's files as an earlier output this build can take files over from.
    pub fn into_earlier(self, dir: &Path) -> Earlier {
        let files = self
            .files
            .into_iter()
            .map(|entry| {
                let file = EarlierFile {
                    size: entry.size,
                    modified: entry.modified,
                    sha256: entry.sha256,
                    key: entry.key,
                };
                (entry.path, file)
            })
            .collect();
        Earlier::new(dir, files)
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

/// The order of a walk that sorts each folder by name (`found`), which `matches` compares
/// with: that of paths compared part by part.
fn in_walk_order(a: &Entry, b: &Entry) -> std::cmp::Ordering {
    Path::new(&a.path).cmp(Path::new(&b.path))
}

/// What a build found of the output's folders (`write::FolderRead`), by path: each its
/// path's length and path, then the numbers little-endian.
pub fn encode_folders(folders: &PathTable<FolderRead>) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(folders.len() * 100);
    for (path, read) in folders.iter() {
        bytes.extend_from_slice(&(path.len() as u32).to_le_bytes());
        bytes.extend_from_slice(path.as_bytes());
        for n in [read.device, read.inode] {
            bytes.extend_from_slice(&n.to_le_bytes());
        }
        let times = [read.modified, read.changed, read.read_at];
        for n in times.iter().flat_map(|(seconds, nanos)| [seconds, nanos]) {
            bytes.extend_from_slice(&n.to_le_bytes());
        }
    }
    bytes
}

/// `encode_folders` read back; `None` when it is cut short.
pub fn decode_folders(mut bytes: &[u8]) -> Option<PathTable<FolderRead>> {
    fn take<const N: usize>(bytes: &mut &[u8]) -> Option<[u8; N]> {
        let (taken, rest) = bytes.split_first_chunk::<N>()?;
        *bytes = rest;
        Some(*taken)
    }
    let mut folders = Vec::new();
    while !bytes.is_empty() {
        let length = u32::from_le_bytes(take(&mut bytes)?) as usize;
        let (path, rest) = bytes.split_at_checked(length)?;
        bytes = rest;
        let path = std::str::from_utf8(path).ok()?.to_string();
        let [device, inode] = [(); 2].map(|()| take(&mut bytes).map(u64::from_le_bytes));
        let [m0, m1, c0, c1, r0, r1] = [(); 6].map(|()| take(&mut bytes).map(i64::from_le_bytes));
        let read = FolderRead {
            device: device?,
            inode: inode?,
            modified: (m0?, m1?),
            changed: (c0?, c1?),
            read_at: (r0?, r1?),
        };
        folders.push((path, read));
    }
    Some(PathTable::from_entries(folders))
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
        let (manifest, _) = Manifest::of(dir, &PathTable::default()).unwrap();
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

    #[test]
    fn folders_read_back_as_written_and_not_when_cut_short() {
        let read = FolderRead {
            device: 1,
            inode: 2,
            modified: (3, 4),
            changed: (5, -6),
            read_at: (7, 8),
        };
        let folders: PathTable<FolderRead> = [("questions/a".to_string(), read), (String::new(), read)]
            .into_iter()
            .collect();
        let mut bytes = encode_folders(&folders);
        let back = decode_folders(&bytes).expect("whole");
        assert_eq!(back.iter().collect::<Vec<_>>(), [("", &read), ("questions/a", &read)]);
        bytes.pop();
        assert!(decode_folders(&bytes).is_none());
    }
}
