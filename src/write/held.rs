//! An output folder held open while a build judges it, so that each of its entries is
//! looked at relative to the folder (`fstatat`) rather than by a path the kernel walks from
//! the root of the file system every time. After one edit a build looks at every file and
//! folder of the output (40,000 at 10,000 articles: each page, and each folder the walk of
//! `in_place` passes) to prove them unchanged; walking the output's own path again for each
//! was about half of that cost.
//!
//! The descriptor names the folder the path led to when it was opened: whoever holds it
//! checks that the path still leads there (`is`) before trusting what it says of the path.

use std::path::Path;

/// What the file system says of one entry, a link not followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub is_file: bool,
    pub is_dir: bool,
    pub size: u64,
    /// Nanoseconds since the epoch; `None` before it (as `earlier::modified_nanos`).
    pub modified_nanos: Option<u128>,
    pub device: u64,
    pub inode: u64,
    pub modified: (i64, i64),
    pub changed: (i64, i64),
}

/// A folder held open to look at what it holds.
#[derive(Debug)]
pub struct HeldFolder {
    #[cfg(unix)]
    fd: std::os::fd::OwnedFd,
    device: u64,
    inode: u64,
}

impl HeldFolder {
    /// The folder at `dir` (through a link), held open; `None` when it cannot be, or off
    /// Unix: its entries are then looked at by their full paths.
    #[cfg(unix)]
    #[allow(clippy::unnecessary_cast)]
    pub fn open(dir: &Path) -> Option<HeldFolder> {
        use std::os::fd::{AsRawFd, OwnedFd};
        use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
        // Only looked through, never read: O_PATH where there is one.
        #[cfg(target_os = "linux")]
        let flags = libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC;
        #[cfg(not(target_os = "linux"))]
        let flags = libc::O_DIRECTORY | libc::O_CLOEXEC;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(flags)
            .open(dir)
            .ok()?;
        let fd = OwnedFd::from(file);
        // SAFETY: `stat` is plain data the call fills; `fd` is open for the call's length.
        let mut stat: libc::stat = unsafe { std::mem::zeroed() };
        if unsafe { libc::fstat(fd.as_raw_fd(), &mut stat) } != 0 {
            return None;
        }
        let held = HeldFolder {
            fd,
            device: stat.st_dev as u64,
            inode: stat.st_ino as u64,
        };
        // Opened through the path just read: the same folder, or nothing is held.
        let meta = std::fs::metadata(dir).ok()?;
        held.is(meta.dev(), meta.ino()).then_some(held)
    }

    #[cfg(not(unix))]
    pub fn open(_dir: &Path) -> Option<HeldFolder> {
        None
    }

    /// Whether the folder held is the one of this device and inode.
    pub fn is(&self, device: u64, inode: u64) -> bool {
        (self.device, self.inode) == (device, inode)
    }

    /// What the file system says of the entry at `rel` (`/`-separated, already judged
    /// contained: `write::contained`) inside the folder; `None` when there is none or it
    /// cannot be looked at.
    #[cfg(unix)]
    pub fn look_at(&self, rel: &str) -> Option<Entry> {
        self.stat_at(rel, libc::AT_SYMLINK_NOFOLLOW)
    }

    /// What the file system says of the entry at `rel` inside the folder, a link followed
    /// to what it leads to (as `std::fs::metadata` does).
    #[cfg(unix)]
    pub fn look_through(&self, rel: &str) -> Option<Entry> {
        self.stat_at(rel, 0)
    }

    #[cfg(unix)]
    // The fields' types differ between systems: the casts are not all no-ops everywhere.
    #[allow(clippy::unnecessary_cast)]
    fn stat_at(&self, rel: &str, flags: libc::c_int) -> Option<Entry> {
        use std::os::fd::AsRawFd;
        let name = std::ffi::CString::new(rel).ok()?;
        // SAFETY: `stat` is plain data the call fills; `name` is NUL-terminated and lives
        // through the call, and `fd` is open.
        let mut stat: libc::stat = unsafe { std::mem::zeroed() };
        let found = unsafe { libc::fstatat(self.fd.as_raw_fd(), name.as_ptr(), &mut stat, flags) };
        if found != 0 {
            return None;
        }
        let kind = stat.st_mode & libc::S_IFMT;
        let modified = (stat.st_mtime as i64, stat.st_mtime_nsec as i64);
        Some(Entry {
            is_file: kind == libc::S_IFREG,
            is_dir: kind == libc::S_IFDIR,
            size: stat.st_size as u64,
            modified_nanos: nanos(modified),
            device: stat.st_dev as u64,
            inode: stat.st_ino as u64,
            modified,
            changed: (stat.st_ctime as i64, stat.st_ctime_nsec as i64),
        })
    }

    #[cfg(not(unix))]
    pub fn look_at(&self, _rel: &str) -> Option<Entry> {
        None
    }

    #[cfg(not(unix))]
    pub fn look_through(&self, _rel: &str) -> Option<Entry> {
        None
    }
}

/// Nanoseconds since the epoch of a time in seconds and nanoseconds, as
/// `earlier::modified_nanos` gives them: `None` before the epoch.
fn nanos((seconds, nanos): (i64, i64)) -> Option<u128> {
    let seconds = u128::try_from(seconds).ok()?;
    let nanos = u128::try_from(nanos).ok().filter(|&n| n < 1_000_000_000)?;
    Some(seconds * 1_000_000_000 + nanos)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn an_entry_looked_at_through_the_folder_is_what_its_path_says() {
        use std::os::unix::fs::MetadataExt;
        let temp = tempfile::tempdir().unwrap();
        let out = temp.path();
        std::fs::create_dir_all(out.join("q/a")).unwrap();
        std::fs::write(out.join("q/a/index.html"), "<p>a</p>").unwrap();
        std::os::unix::fs::symlink(out.join("q/a/index.html"), out.join("q/link")).unwrap();
        let held = HeldFolder::open(out).expect("a folder");

        let file = held.look_at("q/a/index.html").expect("there");
        let meta = std::fs::symlink_metadata(out.join("q/a/index.html")).unwrap();
        let meta_file = meta.clone();
        assert!(file.is_file && !file.is_dir);
        assert_eq!(file.size, 8);
        assert_eq!(file.modified_nanos, super::super::earlier::modified_nanos(&meta));
        assert_eq!((file.device, file.inode), (meta.dev(), meta.ino()));

        let folder = held.look_at("q/a").expect("there");
        let meta = std::fs::symlink_metadata(out.join("q/a")).unwrap();
        assert!(folder.is_dir && !folder.is_file);
        assert_eq!(folder.changed, (meta.ctime(), meta.ctime_nsec()));
        assert_eq!(folder.modified, (meta.mtime(), meta.mtime_nsec()));

        let link = held.look_at("q/link").expect("there");
        assert!(!link.is_file && !link.is_dir, "a link is not followed");
        let through = held.look_through("q/link").expect("there");
        assert!(through.is_file, "unless looked through");
        assert_eq!((through.device, through.inode), (meta_file.dev(), meta_file.ino()));
        assert_eq!(held.look_at("q/missing"), None);
        assert_eq!(held.look_at("q/a/index.html/x"), None);
    }

    #[test]
    fn the_folder_held_stays_the_one_opened_when_its_path_is_given_to_another() {
        use std::os::unix::fs::MetadataExt;
        let temp = tempfile::tempdir().unwrap();
        let out = temp.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("index.html"), "old").unwrap();
        let held = HeldFolder::open(&out).expect("a folder");
        std::fs::rename(&out, temp.path().join("aside")).unwrap();
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("index.html"), "newer").unwrap();
        assert_eq!(held.look_at("index.html").map(|e| e.size), Some(3));
        let now = std::fs::metadata(&out).unwrap();
        assert!(!held.is(now.dev(), now.ino()), "the holder can tell");
        assert!(HeldFolder::open(&temp.path().join("missing")).is_none());
        assert!(HeldFolder::open(&out.join("index.html")).is_none(), "not a folder");
    }
}
