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
use super::table::PathTable;
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
    /// Shared with this build's `Written`, which names the files it takes over by their
    /// place in it.
    files: Arc<PathTable<EarlierFile>>,
    /// Its folders (`""` for itself) as the last build found them holding only what its
    /// record names, where it knows them.
    folders: PathTable<FolderRead>,
    /// The folder held open while a build judges its files (`hold`).
    held: Option<Arc<HeldFolder>>,
}

impl Earlier {
    /// `files` by `/`-separated path relative to `dir`.
    pub fn new(dir: &Path, files: PathTable<EarlierFile>) -> Earlier {
        Earlier {
            dir: dir.to_path_buf(),
            files: Arc::new(files),
            folders: PathTable::default(),
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
    pub fn with_folders(mut self, folders: PathTable<FolderRead>) -> Earlier {
        self.folders = folders;
        self
    }

    /// Drops what the last build found of its folders, once they are judged.
    pub(super) fn forget_folders(&mut self) {
        self.folders = PathTable::default();
    }

    /// What the last build found of its folders, by path.
    pub(super) fn folders(&self) -> &PathTable<FolderRead> {
        &self.folders
    }

    /// The folder the earlier build wrote.
    pub(super) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Its files, by path.
    pub(super) fn files(&self) -> &PathTable<EarlierFile> {
        &self.files
    }

    /// The same, shared.
    pub(super) fn shared_files(&self) -> Arc<PathTable<EarlierFile>> {
        Arc::clone(&self.files)
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
    recorded: Mutex<Recorded>,
    /// The earlier output's record, which the files taken over unchanged are places in.
    earlier: Option<Arc<PathTable<EarlierFile>>>,
    /// The whole folder's record, when the commit made it without reading the folder (a
    /// commit in place: the earlier record, and the files it moved in).
    published: Option<PathTable<EarlierFile>>,
    /// The folders found holding only what the record names, which the commit left alone.
    folders: PathTable<FolderRead>,
}

/// The files recorded, each with its place in the order they were recorded (a path
/// recorded twice keeps the later).
#[derive(Debug, Default)]
struct Recorded {
    files: Vec<(String, WrittenFile, u32)>,
    /// Files taken over as the earlier record has them, by their place in it: a warm
    /// build takes over nearly every file, and 8 bytes each is what it holds of them while
    /// it renders, not a path and a record (150 bytes, 30 MB at 100,000 articles).
    taken: Vec<(u32, u32)>,
    next: u32,
}

impl Recorded {
    /// The place of the next file recorded, in the order of recording.
    fn next_order(&mut self) -> u32 {
        let order = self.next;
        self.next += 1;
        order
    }
}

impl Written {
    /// A record of a build that may take files over from `earlier`.
    pub(super) fn taking_over_from(earlier: Option<Arc<PathTable<EarlierFile>>>) -> Written {
        Written {
            earlier,
            ..Written::default()
        }
    }

    pub(super) fn record(&self, rel: &str, file: WrittenFile) {
        // A poisoned lock means a rendering thread panicked: the build is failing anyway.
        if let Ok(mut recorded) = self.recorded.lock() {
            let order = recorded.next_order();
            recorded.files.push((rel.to_string(), file, order));
        }
    }

    /// Records the earlier output's file `rel`, taken over: by its place in the earlier
    /// record when that has it as `file` (size, digest and page key), else as written.
    pub(super) fn record_taken_over(&self, rel: &str, file: WrittenFile) {
        let place = self.earlier.as_ref().and_then(|earlier| {
            let index = earlier.index_of(rel)?;
            let was = earlier.value(index);
            let same = was.size == file.size && was.sha256 == file.sha256 && was.key == file.key;
            u32::try_from(index).ok().filter(|_| same)
        });
        let Some(index) = place else {
            return self.record(rel, file);
        };
        if let Ok(mut recorded) = self.recorded.lock() {
            let order = recorded.next_order();
            recorded.taken.push((index, order));
        }
    }

    /// Whether this build put a file at `rel`.
    pub(super) fn has(&self, rel: &str) -> bool {
        let Ok(recorded) = self.recorded.lock() else {
            return false;
        };
        let taken = self.earlier.as_ref().and_then(|earlier| earlier.index_of(rel));
        recorded.files.iter().any(|(path, _, _)| path == rel)
            || taken.is_some_and(|index| recorded.taken.iter().any(|&(place, _)| place as usize == index))
    }

    pub(super) fn set_published(&mut self, record: PathTable<EarlierFile>, folders: PathTable<FolderRead>) {
        self.published = Some(record);
        self.folders = folders;
    }

    /// What the build found of the output's folders that still holds after its commit
    /// (`FolderRead`), for the next build not to read them again.
    pub fn take_folders(&mut self) -> PathTable<FolderRead> {
        std::mem::take(&mut self.folders)
    }

    /// What the folder holds after the commit, every file of it, when the commit knew it
    /// without reading the folder; otherwise the files the build wrote (`Err`), by path.
    pub fn into_record(self) -> Result<PathTable<EarlierFile>, PathTable<WrittenFile>> {
        match self.published {
            Some(record) => Ok(record),
            None => Err(Self::by_path(self.recorded, self.earlier.as_deref())),
        }
    }

    /// By path; a path written twice (a later write replaces the file) keeps the last.
    pub fn into_files(self) -> PathTable<WrittenFile> {
        Self::by_path(self.recorded, self.earlier.as_deref())
    }

    fn by_path(recorded: Mutex<Recorded>, earlier: Option<&PathTable<EarlierFile>>) -> PathTable<WrittenFile> {
        let Ok(Recorded { files, taken, .. }) = recorded.into_inner() else {
            return PathTable::default();
        };
        /// Where a recorded file's entry is: recorded whole, or in the earlier record.
        #[derive(Clone, Copy)]
        enum Entry<'a> {
            Recorded(u32),
            TakenOver(&'a EarlierFile),
        }
        // Every file by path, a path recorded twice in the order it was recorded; the
        // paths borrowed from where they are held, not copied.
        let mut entries: Vec<(&str, u32, Entry)> = files
            .iter()
            .enumerate()
            .map(|(index, (path, _, order))| (path.as_str(), *order, Entry::Recorded(index as u32)))
            .collect();
        if let Some(earlier) = earlier {
            entries.extend(taken.iter().map(|&(index, order)| {
                let (path, was) = earlier.entry(index as usize);
                (path, order, Entry::TakenOver(was))
            }));
        }
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(&b.1)));
        // Of a path recorded twice, the later stands.
        entries.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0;
            if same {
                *earlier = *later;
            }
            same
        });
        let mut table = PathTable::with_capacity(entries.len(), entries.iter().map(|(path, _, _)| path.len()).sum());
        for (path, _, entry) in entries {
            let file = match entry {
                Entry::Recorded(index) => files[index as usize].1.clone(),
                Entry::TakenOver(was) => WrittenFile {
                    size: was.size,
                    sha256: was.sha256,
                    key: was.key,
                },
            };
            table.push(path, file);
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn earlier_file(size: u64, key: Option<PageKey>) -> EarlierFile {
        EarlierFile {
            size,
            modified: 1,
            sha256: [size as u8; 32],
            key,
        }
    }

    fn written_as(file: &EarlierFile) -> WrittenFile {
        WrittenFile {
            size: file.size,
            sha256: file.sha256,
            key: file.key,
        }
    }

    #[test]
    fn files_taken_over_read_back_as_the_earlier_record_had_them_and_the_later_record_stands() {
        let page = earlier_file(3, Some([9; 32]));
        let table: PathTable<EarlierFile> = [
            ("q/a/index.html".to_string(), page.clone()),
            ("feed.xml".to_string(), earlier_file(4, None)),
        ]
        .into_iter()
        .collect();
        let written = Written::taking_over_from(Some(Arc::new(table)));
        let fresh = WrittenFile {
            size: 5,
            sha256: [5; 32],
            key: None,
        };
        // A static file staged, then the page at its place taken over: the page stands.
        written.record("q/a/index.html", fresh.clone());
        written.record_taken_over("q/a/index.html", written_as(&page));
        // Taken over, then written again: the write stands.
        written.record_taken_over("feed.xml", written_as(&earlier_file(4, None)));
        written.record("feed.xml", fresh.clone());
        // Taken over with a key the earlier record does not have: recorded as given.
        let rekeyed = WrittenFile {
            key: Some([1; 32]),
            ..written_as(&page)
        };
        written.record_taken_over("q/b/index.html", rekeyed.clone());
        assert!(written.has("q/a/index.html") && written.has("feed.xml") && written.has("q/b/index.html"));
        assert!(!written.has("q/c/index.html"));
        let files = written.into_files();
        let files: Vec<(&str, &WrittenFile)> = files.iter().collect();
        assert_eq!(
            files,
            [
                ("feed.xml", &fresh),
                ("q/a/index.html", &written_as(&page)),
                ("q/b/index.html", &rekeyed),
            ]
        );
    }
}
