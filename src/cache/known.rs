//! The digests of the site's files as the last fingerprint read them, with what the file
//! system said of each (`.evident/cache/known-files.bin`), so that a build reads and hashes
//! only the files that changed since: a warm build of 10,000 articles fingerprinted its
//! 40 MB of sources three times, reading every byte.
//!
//! A digest is taken from the memo only when the file's size, inode, device and
//! modification and change times are those recorded, and when its last change was more
//! than `SETTLED` before it was read. The change time (`ctime`) is set by the kernel on
//! every write and cannot be set back by a program, so a file written since has another;
//! and a file still changing while it was hashed (two writes within one tick of the file
//! system's clock leave the times equal) is read again, until it has been left alone, as
//! git does with its index. Without those times (not Unix) every file is read.
//!
//! A build reads the memo once and shares it (`BuildCache::files`): the fingerprint stats
//! each file once, and what it found then names the kept parses and the parses' shared
//! inputs without a second stat (`digest`, `settled`). Whether a file changed while the
//! build ran is told at its end by a fingerprint against the memo as the first one saved
//! it (what this build found), which stats every file again and reads those whose times
//! moved.

use crate::fast_hash::FastMap;
use crate::write::{HeldFolder, settled_before};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

/// Where the memo is, under the cache folder.
const FILE: &str = "known-files.bin";

/// What the file system says of a file that tells a change: equal for a file not written
/// since.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stat {
    len: u64,
    device: u64,
    inode: u64,
    modified: (i64, i64),
    changed: (i64, i64),
}

/// One file as a fingerprint read it.
#[derive(Clone, Copy, Debug)]
struct Known {
    stat: Stat,
    /// When it was read (the system clock, as seconds and nanoseconds since the epoch).
    read_at: (i64, i64),
    digest: [u8; 32],
}

impl Known {
    /// Whether the digest holds for a file whose times are now `stat`.
    fn holds_for(&self, stat: &Stat) -> bool {
        // The rule the output's folders follow too: `write::settled_before`, with its `SETTLED`.
        self.stat == *stat && settled_before(stat.modified, self.read_at) && settled_before(stat.changed, self.read_at)
    }
}

/// The memo of one site, read when a fingerprint starts and written when it ends, if it
/// learned anything; with what this build found of each file it looked at.
pub struct KnownFiles {
    root: PathBuf,
    /// The site's folder held open: each file is looked at relative to it, rather than by
    /// a path the kernel walks from the root of the file system every time (twice for each
    /// source in a warm build). `None` off Unix or when it cannot be held.
    held: Option<HeldFolder>,
    known: FastMap<String, Known>,
    /// What this fingerprint read: the next memo holds these alone, so removed files leave it.
    seen: Mutex<FastMap<String, Known>>,
    /// The folders the build's fingerprint walked, by name, for the one later walk of each
    /// (`inputs::Walk`); `None` for a folder that is not there. Taken, not copied.
    listings: Mutex<FastMap<String, Option<Vec<super::inputs::Listed>>>>,
}

impl KnownFiles {
    /// The memo of the site at `root`; empty when there is none this binary wrote, or it
    /// is damaged (`frame`).
    pub(super) fn open(root: &Path) -> KnownFiles {
        let path = root.join(super::CACHE_DIR).join(FILE);
        let known = std::fs::read(path)
            .ok()
            .and_then(|bytes| {
                let payload = super::frame::open(&bytes).ok()?;
                decode(payload)
            })
            .unwrap_or_default();
        KnownFiles {
            root: root.to_path_buf(),
            held: HeldFolder::open(root),
            known,
            seen: Mutex::new(FastMap::default()),
            listings: Mutex::new(FastMap::default()),
        }
    }

    /// Keeps what a walk found under `dir` for the next walk of it that asks
    /// (`take_listing`).
    pub(super) fn keep_listing(&self, dir: &str, listing: Option<Vec<super::inputs::Listed>>) {
        if let Ok(mut listings) = self.listings.lock() {
            listings.insert(dir.to_string(), listing);
        }
    }

    /// What a walk of this build found under `dir` and kept, given once; `None` when no
    /// walk kept it.
    pub(super) fn take_listing(&self, dir: &str) -> Option<Option<Vec<super::inputs::Listed>>> {
        self.listings.lock().ok()?.remove(dir)
    }

    /// What this build found alone, without the memo it read: once a fingerprint has
    /// looked at every file and the memo is saved, the memo read is only held memory (a
    /// file not found is then read, `settled`).
    pub(super) fn found_only(self) -> KnownFiles {
        KnownFiles {
            known: FastMap::default(),
            ..self
        }
    }

    /// What this build found of the file named `name` (under the root), if it looked at it.
    fn found(&self, name: &str) -> Option<Known> {
        self.seen.lock().ok()?.get(name).copied()
    }

    /// The digest of the file at `path` (under the root): the one this build took when it
    /// already looked at the file, else from the memo when it holds, else read now. Same as
    /// `file_digest` always, as the file was when this build first looked at it.
    pub(super) fn digest(&self, path: &Path) -> [u8; 32] {
        let Some(name) = path.strip_prefix(&self.root).ok().and_then(Path::to_str) else {
            return file_digest(path);
        };
        if let Some(found) = self.found(name) {
            return found.digest;
        }
        let Some(stat) = self.stat(name, path) else {
            return file_digest(path);
        };
        if let Some(known) = self.known.get(name).filter(|known| known.holds_for(&stat)) {
            self.remember(name, *known);
            return known.digest;
        }
        // The clock before the read: a write during it is within `SETTLED` of it.
        let read_at = now();
        let digest = file_digest(path);
        // Times taken after the read: a file written during it is read again next time.
        if let Some(after) = self.stat(name, path).filter(|after| *after == stat) {
            self.remember(
                name,
                Known {
                    stat: after,
                    read_at,
                    digest,
                },
            );
        }
        digest
    }

    /// The length and digest of the file at `path` (under the root) when they hold for a
    /// file left alone since it was read: as this build's fingerprint found the file (no
    /// second stat; a change since keeps the build from being recorded), or,
    /// for a file it did not look at, from the memo by the rule `digest` reuses it by.
    /// Nothing is read and nothing is remembered.
    pub(super) fn settled(&self, path: &Path) -> Option<crate::load::FileBytes> {
        let name = path.strip_prefix(&self.root).ok().and_then(Path::to_str)?;
        let known = match self.found(name) {
            // Read by this build while it may still have been changing: read again.
            Some(found) => Some(found).filter(|found| found.holds_for(&found.stat))?,
            None => {
                let stat = self.stat(name, path)?;
                self.known.get(name).copied().filter(|known| known.holds_for(&stat))?
            }
        };
        Some(crate::load::FileBytes {
            len: known.stat.len,
            sha256: known.digest,
        })
    }

    /// What the file system says of the file `name` at `path`, a link followed: through the
    /// folder held, else by its path.
    fn stat(&self, name: &str, path: &Path) -> Option<Stat> {
        match &self.held {
            Some(held) => held.look_through(name).filter(|entry| entry.is_file).map(|entry| Stat {
                len: entry.size,
                device: entry.device,
                inode: entry.inode,
                modified: entry.modified,
                changed: entry.changed,
            }),
            None => stat_of(path),
        }
    }

    fn remember(&self, name: &str, known: Known) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.insert(name.to_string(), known);
        }
    }

    /// Writes the memo of what this fingerprint read, when it differs from the one read.
    /// Failing to write it fails nothing: the next build reads the files.
    pub(super) fn save(&self) {
        let Ok(seen) = self.seen.lock() else {
            return;
        };
        let unchanged = seen.len() == self.known.len()
            && seen
                .iter()
                .all(|(name, known)| self.known.get(name).is_some_and(|k| k.read_at == known.read_at));
        if unchanged {
            return;
        }
        let path = self.root.join(super::CACHE_DIR).join(FILE);
        let _ = super::frame::write(&path, &[&encode(&seen)]);
    }
}

/// The SHA-256 of a file's bytes, or of why it could not be read: either way the same
/// file gives the same digest, and a change of either kind changes it.
pub(super) fn file_digest(path: &Path) -> [u8; 32] {
    match std::fs::read(path) {
        Ok(bytes) => crate::load::file_bytes_digest(&[&bytes]),
        Err(error) => Sha256::digest(format!("unreadable\n{:?}", error.kind()).as_bytes()).into(),
    }
}

#[cfg(unix)]
fn stat_of(path: &Path) -> Option<Stat> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    m.is_file().then(|| Stat {
        len: m.len(),
        device: m.dev(),
        inode: m.ino(),
        modified: (m.mtime(), m.mtime_nsec()),
        changed: (m.ctime(), m.ctime_nsec()),
    })
}

#[cfg(not(unix))]
fn stat_of(_path: &Path) -> Option<Stat> {
    None
}

fn now() -> (i64, i64) {
    let since = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    (since.as_secs() as i64, since.subsec_nanos() as i64)
}

/// Each file: its name's length and name, then the numbers little-endian, then the digest.
fn encode<S: std::hash::BuildHasher>(files: &HashMap<String, Known, S>) -> Vec<u8> {
    let mut names: Vec<&String> = files.keys().collect();
    names.sort();
    let mut bytes = Vec::with_capacity(files.len() * 128);
    for name in names {
        let known = &files[name];
        bytes.extend_from_slice(&(name.len() as u32).to_le_bytes());
        bytes.extend_from_slice(name.as_bytes());
        let s = &known.stat;
        for n in [s.len, s.device, s.inode] {
            bytes.extend_from_slice(&n.to_le_bytes());
        }
        for n in [
            s.modified.0,
            s.modified.1,
            s.changed.0,
            s.changed.1,
            known.read_at.0,
            known.read_at.1,
        ] {
            bytes.extend_from_slice(&n.to_le_bytes());
        }
        bytes.extend_from_slice(&known.digest);
    }
    bytes
}

fn decode(mut bytes: &[u8]) -> Option<FastMap<String, Known>> {
    fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        let (taken, rest) = bytes.split_at_checked(n)?;
        *bytes = rest;
        Some(taken)
    }
    fn u64_of(bytes: &mut &[u8]) -> Option<u64> {
        Some(u64::from_le_bytes(take(bytes, 8)?.try_into().ok()?))
    }
    let mut files = FastMap::default();
    while !bytes.is_empty() {
        let length = u32::from_le_bytes(take(&mut bytes, 4)?.try_into().ok()?) as usize;
        let name = std::str::from_utf8(take(&mut bytes, length)?).ok()?.to_string();
        let [len, device, inode] = [(); 3].map(|()| u64_of(&mut bytes));
        let [m0, m1, c0, c1, r0, r1] = [(); 6].map(|()| u64_of(&mut bytes).map(|n| n as i64));
        let digest: [u8; 32] = take(&mut bytes, 32)?.try_into().ok()?;
        let known = Known {
            stat: Stat {
                len: len?,
                device: device?,
                inode: inode?,
                modified: (m0?, m1?),
                changed: (c0?, c1?),
            },
            read_at: (r0?, r1?),
            digest,
        };
        files.insert(name, known);
    }
    Some(files)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join(super::super::CACHE_DIR)).expect("cache dir");
        dir
    }

    /// Sets a file's times to an hour ago, as if it had been left alone since.
    fn age(path: &Path) {
        let hour_ago = SystemTime::now() - std::time::Duration::from_secs(3600);
        let file = std::fs::File::options().write(true).open(path).expect("open");
        file.set_times(std::fs::FileTimes::new().set_modified(hour_ago).set_accessed(hour_ago))
            .expect("set times");
    }

    #[test]
    fn a_settled_file_is_not_read_again_and_a_written_one_is() {
        let dir = site();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "one").expect("write");
        age(&path);
        let memo = KnownFiles::open(dir.path());
        assert_eq!(memo.digest(&path), file_digest(&path));
        memo.save();

        // Setting the times changed ctime to now: unsettled, so read again and recorded.
        let memo = KnownFiles::open(dir.path());
        let name = "a.md";
        assert!(!memo.known[name].holds_for(&stat_of(&path).expect("stat")));

        // A memo whose record says the file was read long after it settled is trusted: a
        // changed digest in it shows that the file was not read.
        let mut known = memo.known[name];
        known.read_at.0 += 3600 * 2;
        known.digest = [7; 32];
        let fake = HashMap::from([(name.to_string(), known)]);
        super::super::frame::write(&dir.path().join(super::super::CACHE_DIR).join(FILE), &[&encode(&fake)])
            .expect("write memo");
        let memo = KnownFiles::open(dir.path());
        assert_eq!(memo.digest(&path), [7; 32], "taken from the memo");

        // Any write changes the change time: read again, whatever the size and mtime.
        std::fs::write(&path, "two").expect("write");
        age(&path);
        let memo = KnownFiles::open(dir.path());
        assert_eq!(memo.digest(&path), file_digest(&path));
        assert_ne!(file_digest(&path), [7; 32]);
    }

    /// A memo that holds `digest` for the file at `path` as it is now, read long after it
    /// settled: a digest taken from it shows the file was not read.
    fn memo_holding(root: &Path, path: &Path, digest: [u8; 32]) {
        let mut known = Known {
            stat: stat_of(path).expect("stat"),
            read_at: now(),
            digest,
        };
        known.read_at.0 += 3600 * 2;
        let memo = HashMap::from([(
            path.strip_prefix(root)
                .expect("under root")
                .to_str()
                .expect("name")
                .to_string(),
            known,
        )]);
        super::super::frame::write(&root.join(super::super::CACHE_DIR).join(FILE), &[&encode(&memo)])
            .expect("write memo");
    }

    #[test]
    fn what_a_build_found_names_a_file_without_a_second_look_and_is_checked_at_its_end() {
        let dir = site();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "one").expect("write");
        memo_holding(dir.path(), &path, [7; 32]);
        let memo = KnownFiles::open(dir.path());
        assert_eq!(memo.digest(&path), [7; 32], "taken from the memo");

        // Written since, same length, modification time set back: the build goes on with
        // the file as its fingerprint found it...
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).expect("mtime");
        std::fs::write(&path, "two").expect("write");
        let file = std::fs::File::options().write(true).open(&path).expect("open");
        file.set_modified(modified).expect("set mtime");
        assert_eq!(memo.digest(&path), [7; 32], "as found");
        assert_eq!(memo.settled(&path).map(|bytes| bytes.sha256), Some([7; 32]), "as found");

        // ...and its end, against the memo as the build saved it, sees the change time
        // move: the file is read again.
        memo.save();
        let again = KnownFiles::open(dir.path());
        assert_eq!(again.digest(&path), file_digest(&path));

        // A file this build read while it may still have been changing is not named by
        // that read.
        let fresh = KnownFiles::open(dir.path());
        assert_eq!(fresh.digest(&path), file_digest(&path));
        assert_eq!(fresh.settled(&path), None, "read within SETTLED of its change");
    }

    #[test]
    fn a_damaged_memo_is_ignored() {
        let dir = site();
        std::fs::write(dir.path().join(super::super::CACHE_DIR).join(FILE), b"not a memo").expect("write");
        assert!(KnownFiles::open(dir.path()).known.is_empty());
        let mut entry = encode(&HashMap::from([(
            "a".to_string(),
            Known {
                stat: Stat {
                    len: 1,
                    device: 2,
                    inode: 3,
                    modified: (4, 5),
                    changed: (6, 7),
                },
                read_at: (8, 9),
                digest: [1; 32],
            },
        )]));
        assert_eq!(decode(&entry).map(|m| m.len()), Some(1));
        entry.pop();
        assert!(decode(&entry).is_none(), "a record cut short");
    }
}
