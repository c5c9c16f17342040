//! Files an earlier build wrote into the output folder, which this build takes over instead
//! of writing them again: a page whose key (a digest of everything it was rendered from) is
//! the one it had, or any file whose new bytes are those it already holds. Taking over is
//! leaving the file where it is, when the build publishes in place into that folder
//! (`in_place`), or else a hard link into the staging folder that is swapped in; either way
//! a failed build leaves the previous output as it was.
//!
//! An earlier file is taken over only while the folder still holds it as that build left it:
//! a regular file (never a link) of the recorded size and modification time, the rule the
//! build cache's manifest judges a folder by. A file edited by hand, or by another tool,
//! is written again.

use super::held::HeldFolder;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::UNIX_EPOCH;

/// A digest of everything a page is rendered from: the same key, the same bytes.
pub type PageKey = [u8; 32];

/// One file of the earlier build, as its record says it wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EarlierFile {
    pub size: u64,
    /// Nanoseconds since the epoch.
    pub modified: u128,
    pub sha256: [u8; 32],
    /// For a page: the key it was rendered from.
    pub key: Option<PageKey>,
}

/// What the file system said of an output folder when a build read its names and found
/// nothing its record does not name (`in_place::holds_only`). Any entry created, removed or
/// renamed in a folder sets both its modification and its change time, and the change time
/// cannot be set back: a folder whose times are still these holds the same names, and is
/// not read again (the rule `cache::known` judges files by, settling included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FolderRead {
    pub device: u64,
    pub inode: u64,
    pub modified: (i64, i64),
    pub changed: (i64, i64),
    /// The clock when its names were read, after these times were taken.
    pub read_at: (i64, i64),
}

/// How long a file or folder must have been left alone before it was read for its unchanged
/// times to prove it unchanged since: well over the granularity of any file system's clock.
pub const SETTLED: std::time::Duration = std::time::Duration::from_secs(2);

/// Whether something last changed at `changed` had been left alone for `SETTLED` when it
/// was read at `read_at` (both seconds and nanoseconds since the epoch). The output's
/// folders (`FolderRead`) and the memo of known source files (`cache::known`) follow it.
pub fn settled_before(changed: (i64, i64), read_at: (i64, i64)) -> bool {
    let nanos = |at: (i64, i64)| at.0 as i128 * 1_000_000_000 + at.1 as i128;
    nanos(changed) + (SETTLED.as_nanos() as i128) < nanos(read_at)
}

impl FolderRead {
    /// Whether what was read of the folder holds for it with the times `now` (a `read`
    /// with `read_at` unset).
    pub fn holds_for(&self, now: &FolderRead) -> bool {
        let settled = |at: (i64, i64)| settled_before(at, self.read_at);
        (self.device, self.inode, self.modified, self.changed) == (now.device, now.inode, now.modified, now.changed)
            && settled(self.modified)
            && settled(self.changed)
    }
}

/// The output folder as the last build into it left it.
#[derive(Clone)]
pub struct Earlier {
    dir: PathBuf,
    files: HashMap<String, EarlierFile>,
    /// Its folders (`""` for itself) as the last build found them holding only what its
    /// record names, where it knows them.
    folders: HashMap<String, FolderRead>,
    /// The folder held open while a build judges its files (`hold`).
    held: Option<Arc<HeldFolder>>,
}

impl Earlier {
    /// `files` by `/`-separated path relative to `dir`.
    pub fn new(dir: &Path, files: HashMap<String, EarlierFile>) -> Earlier {
        Earlier {
            dir: dir.to_path_buf(),
            files,
            folders: HashMap::new(),
            held: None,
        }
    }

    /// Holds the folder open, for its files to be looked at relative to it from now on
    /// rather than by their full paths (`held`): done once the build is about to judge
    /// them, after whatever a killed build left in their place was put back.
    pub(super) fn hold(&mut self) {
        self.held = HeldFolder::open(&self.dir).map(Arc::new);
    }

    /// The folder held open, when it is.
    pub(super) fn held(&self) -> Option<&HeldFolder> {
        self.held.as_deref()
    }

    /// The same, with what the last build found of its folders (`FolderRead`).
    pub fn with_folders(mut self, folders: HashMap<String, FolderRead>) -> Earlier {
        self.folders = folders;
        self
    }

    /// What the last build found of its folders, by path.
    pub(super) fn folders(&self) -> &HashMap<String, FolderRead> {
        &self.folders
    }

    /// The folder the earlier build wrote.
    pub(super) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Its files, by path.
    pub(super) fn files(&self) -> &HashMap<String, EarlierFile> {
        &self.files
    }

    /// The earlier file at `rel` and where it is, when the folder still holds it unchanged.
    fn unchanged(&self, rel: &str) -> Option<(&EarlierFile, PathBuf)> {
        let file = self.files.get(rel)?;
        let path = super::contained(&self.dir, rel).ok()?;
        let (is_file, size, modified) = match &self.held {
            Some(held) => {
                let entry = held.look_at(rel.strip_suffix('/').unwrap_or(rel))?;
                (entry.is_file, entry.size, entry.modified_nanos)
            }
            None => {
                let meta = std::fs::symlink_metadata(&path).ok()?;
                (meta.file_type().is_file(), meta.len(), modified_nanos(&meta))
            }
        };
        (is_file && size == file.size && modified == Some(file.modified)).then_some((file, path))
    }

    /// Where the page `rel` rendered from `key` already is, unchanged.
    pub(super) fn page(&self, rel: &str, key: &PageKey) -> Option<(&EarlierFile, PathBuf)> {
        self.unchanged(rel).filter(|(file, _)| file.key.as_ref() == Some(key))
    }

    /// Where a file of these bytes (their SHA-256) already is at `rel`, unchanged.
    pub(super) fn same_bytes(&self, rel: &str, size: u64, sha256: &[u8; 32]) -> Option<(&EarlierFile, PathBuf)> {
        self.unchanged(rel)
            .filter(|(file, _)| file.size == size && &file.sha256 == sha256)
    }
}

pub fn modified_nanos(meta: &std::fs::Metadata) -> Option<u128> {
    Some(meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?.as_nanos())
}

/// One file this build put in the staging folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenFile {
    pub size: u64,
    pub sha256: [u8; 32],
    pub key: Option<PageKey>,
}

/// What this build put in the staging folder, for the record the next build takes over
/// from: filled from every rendering thread.
#[derive(Debug, Default)]
pub struct Written {
    files: Mutex<Vec<(String, WrittenFile)>>,
    /// The whole folder's record, when the commit made it without reading the folder (a
    /// commit in place: the earlier record, and the files it moved in).
    published: Option<HashMap<String, EarlierFile>>,
    /// The folders found holding only what the record names, which the commit left alone.
    folders: HashMap<String, FolderRead>,
}

impl Written {
    pub(super) fn record(&self, rel: &str, file: WrittenFile) {
        // A poisoned lock means a rendering thread panicked: the build is failing anyway.
        if let Ok(mut files) = self.files.lock() {
            files.push((rel.to_string(), file));
        }
    }

    /// Whether this build put a file at `rel`.
    pub(super) fn has(&self, rel: &str) -> bool {
        self.files
            .lock()
            .is_ok_and(|files| files.iter().any(|(path, _)| path == rel))
    }

    pub(super) fn set_published(&mut self, record: HashMap<String, EarlierFile>, folders: HashMap<String, FolderRead>) {
        self.published = Some(record);
        self.folders = folders;
    }

    /// What the build found of the output's folders that still holds after its commit
    /// (`FolderRead`), for the next build not to read them again.
    pub fn take_folders(&mut self) -> HashMap<String, FolderRead> {
        std::mem::take(&mut self.folders)
    }

    /// What the folder holds after the commit, every file of it, when the commit knew it
    /// without reading the folder; otherwise the files the build wrote (`Err`), by path.
    pub fn into_record(self) -> Result<HashMap<String, EarlierFile>, HashMap<String, WrittenFile>> {
        match self.published {
            Some(record) => Ok(record),
            None => Err(Self::by_path(self.files)),
        }
    }

    /// By path; a path written twice (a later write replaces the file) keeps the last.
    pub fn into_files(self) -> HashMap<String, WrittenFile> {
        Self::by_path(self.files)
    }

    fn by_path(files: Mutex<Vec<(String, WrittenFile)>>) -> HashMap<String, WrittenFile> {
        files
            .into_inner()
            .map(|files| files.into_iter().collect())
            .unwrap_or_default()
    }
}
