//! Publishing in place: when a build takes over from the record of the folder it publishes
//! into, only the files it wrote anew are staged, and the commit moves them into the
//! output, deletes the files the earlier build wrote that this one does not, and removes the
//! folders that leaves empty. Unchanged files stay where they are, so publishing costs what
//! changed, not what the site holds.
//!
//! A folder holding anything its record does not name (a file put there by hand, a link
//! where a folder was) is not updated in place: the build stages the whole site and swaps
//! it in, as a first build does, so the output is a clean build's either way. To know that,
//! a build reads the names in each folder; what it found is kept with the record (each
//! folder's times, `FolderRead`), and the next build reads again only the folders whose
//! times changed since (the commit's own, or a hand's): after one edit, a few. A build that
//! swaps the whole site in reads the folder once for its record (`read_output`) and notes
//! its folders the same way; those it wrote within `SETTLED` of that reading are read again
//! by the next build, so after a short first build most are.
//!
//! Before the first change to the output, the commit writes a journal into the staging
//! folder: what it deletes, which folders it removes, what it moves. The journal is the
//! commit point. A build killed while it publishes leaves the journal behind, and the next
//! build finishes that commit before anything else (`leftovers::clear`): each step can be
//! done again, so the output ends as the killed build would have left it.

use super::earlier::FolderRead;
use super::held::HeldFolder;
use super::target::{MARKER, is_marked};
use super::{Earlier, EarlierFile, PathTable, contained};
use crate::fast_hash::{FastMap, FastSet};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The journal's name in the staging folder, beside the folder of staged files: never an
/// output path, so no page can overwrite it.
pub(super) const JOURNAL: &str = "journal";
/// Where the staged files go inside the staging folder.
pub(super) const FILES: &str = "files";

/// What a commit in place does to the output, in order.
#[derive(Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Journal {
    /// Files the earlier build wrote that this one does not.
    pub delete: Vec<String>,
    /// Folders only those files kept, deepest first: removed when empty.
    pub remove_dirs: Vec<String>,
    /// Files staged anew, moved to the same path in the output (replacing what is there).
    pub moves: Vec<String>,
}

impl Journal {
    /// The commit from an output holding `earlier` to one holding `now`, of which `staged`
    /// are in the staging folder and the others are left where they are.
    pub(super) fn plan<V>(earlier: &PathTable<EarlierFile>, now: &PathTable<V>, staged: Vec<String>) -> Journal {
        // In path order, as both records are.
        let delete: Vec<String> = earlier
            .paths_missing_from(now)
            .filter(|&rel| rel != MARKER)
            .map(str::to_string)
            .collect();
        let mut remove_dirs = Vec::new();
        if !delete.is_empty() {
            let kept: HashSet<&str> = now.keys().flat_map(folders_of).collect();
            let emptied: HashSet<&str> = delete
                .iter()
                .flat_map(|rel| folders_of(rel))
                .filter(|dir| !kept.contains(dir))
                .collect();
            remove_dirs = emptied.into_iter().map(str::to_string).collect();
            // Deepest first, so that a folder is empty by the time its turn comes.
            remove_dirs.sort_by(|a, b| b.matches('/').count().cmp(&a.matches('/').count()).then(a.cmp(b)));
        }
        let mut moves = staged;
        moves.sort();
        Journal {
            delete,
            remove_dirs,
            moves,
        }
    }

    /// Writes the journal into `staging` whole (a temporary file renamed), or not at all.
    pub(super) fn write(&self, staging: &Path) -> std::io::Result<()> {
        let json = serde_json::to_vec(self).map_err(std::io::Error::other)?;
        let part = staging.join(format!("{JOURNAL}.part"));
        std::fs::write(&part, json)?;
        std::fs::rename(&part, staging.join(JOURNAL))
    }

    /// The journal a commit left in `staging`, if it wrote one.
    pub(super) fn read(staging: &Path) -> Option<Journal> {
        let bytes = std::fs::read(staging.join(JOURNAL)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Carries the commit out, from the start or from wherever a killed build stopped:
    /// each step is skipped when it is done already. Stops after `stop` steps when given
    /// (tests stand for a kill there); `Ok(true)` when every step is done.
    pub(super) fn apply(&self, staging: &Path, target: &Path, stop: Option<usize>) -> std::io::Result<bool> {
        let files = staging.join(FILES);
        let mut budget = stop.unwrap_or(usize::MAX);
        let mut step = || {
            if budget == 0 {
                return false;
            }
            budget -= 1;
            true
        };
        for rel in &self.delete {
            if !step() {
                return Ok(false);
            }
            let path = contained(target, rel).map_err(std::io::Error::other)?;
            match std::fs::symlink_metadata(&path) {
                // A link where the file was is removed, never followed.
                Ok(meta) if !meta.is_dir() => remove_if_there(&path)?,
                // A folder where the record had a file: not this build's to remove.
                Ok(_) => {}
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => return Err(error),
            }
        }
        for rel in &self.remove_dirs {
            if !step() {
                return Ok(false);
            }
            let path = contained(target, rel).map_err(std::io::Error::other)?;
            // Not empty (or gone already): left as it is.
            let _ = std::fs::remove_dir(&path);
        }
        for rel in &self.moves {
            if !step() {
                return Ok(false);
            }
            let from = contained(&files, rel).map_err(std::io::Error::other)?;
            let to = contained(target, rel).map_err(std::io::Error::other)?;
            match std::fs::symlink_metadata(&from) {
                Ok(_) => {}
                // Moved before a kill.
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
                Err(error) => return Err(error),
            }
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::rename(&from, &to)?;
        }
        Ok(true)
    }
}

fn remove_if_there(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

/// The folders `rel` is in, from the deepest: `a/b/c.html` is in `a/b` and `a`.
pub(super) fn folders_of(rel: &str) -> impl Iterator<Item = &str> {
    let mut rest = rel;
    std::iter::from_fn(move || {
        let cut = rest.rfind('/')?;
        rest = &rest[..cut];
        Some(rest)
    })
}

/// Whether the output folder `target` holds nothing but what the record `earlier` names
/// and the folders they are in (and Evident's marker): files as files (or a link where a
/// file was, which the commit replaces or removes), folders as real folders. Only names are
/// read, never a file's metadata; and a folder whose times are those the last build found
/// it with (`FolderRead`) is not read at all, only its subfolders are looked at.
///
/// `Some` when it does, with what was found of each folder for the next build: the folders
/// read now whose times did not change while they were read, and those taken on trust.
pub(super) fn holds_only(target: &Path, earlier: &Earlier) -> Option<PathTable<FolderRead>> {
    if !is_marked(target) {
        return None;
    }
    let files = earlier.files();
    // Fx-hashed: tens of thousands of folder names, hashed on every build.
    let folders: FastSet<&str> = files.keys().flat_map(folders_of).collect();
    let mut children: FastMap<&str, Vec<&str>> = FastMap::default();
    for &folder in &folders {
        children
            .entry(folders_of(folder).next().unwrap_or(""))
            .or_default()
            .push(folder);
    }
    // The output folder itself may be reached through a link; a folder in it may not.
    let root = folder_times(target, true);
    // Its folders are looked at through it, held open, where it is the folder just found.
    let opened;
    let held = match earlier.held() {
        Some(held) if root.is_some_and(|root| held.is(root.device, root.inode)) => Some(held),
        _ => {
            opened = HeldFolder::open(target).filter(|held| root.is_some_and(|root| held.is(root.device, root.inode)));
            opened.as_ref()
        }
    };
    let walk = Walk {
        files,
        folders,
        children,
        known: earlier.folders(),
        held,
        found: Mutex::default(),
    };
    walk.holds_only_under(target, "", root)
        .then(|| PathTable::from_entries(walk.found.into_inner().unwrap_or_else(|e| e.into_inner())))
}

/// One check of an output folder against its record.
struct Walk<'a> {
    files: &'a PathTable<EarlierFile>,
    /// The folders the record's files are in.
    folders: FastSet<&'a str>,
    /// Those folders by the folder they are in (`""`: the output folder).
    children: FastMap<&'a str, Vec<&'a str>>,
    known: &'a PathTable<FolderRead>,
    /// The output folder held open: its folders are looked at relative to it.
    held: Option<&'a HeldFolder>,
    /// Noted as the walk goes, in any order (`PathTable::from_entries` sorts them).
    found: Mutex<Vec<(String, FolderRead)>>,
}

impl Walk<'_> {
    /// Whether the folder `dir`, at `prefix` in the output, holds only what the record
    /// names, as a whole tree; `before` is what the file system said of it just now.
    fn holds_only_under(&self, dir: &Path, prefix: &str, before: Option<FolderRead>) -> bool {
        if let (Some(now), Some(known)) = (&before, self.known.get(prefix))
            && known.holds_for(now)
        {
            self.note(prefix, *known);
            return self.children.get(prefix).is_none_or(|children| {
                children.par_iter().all(|&child| {
                    let name = child.rsplit('/').next().unwrap_or(child);
                    let path = dir.join(name);
                    // Its entry is as it was when it was read, a real folder: anything
                    // else is not this record's output.
                    let now = self.folder_times(&path, child);
                    now.is_some() && self.holds_only_under(&path, child, now)
                })
            });
        }
        let read_at = now();
        let Ok(entries) = std::fs::read_dir(dir).and_then(|entries| entries.collect::<std::io::Result<Vec<_>>>())
        else {
            return false;
        };
        let holds = entries.par_iter().all(|entry| {
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                return false;
            };
            let rel = if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix}/{name}")
            };
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => {
                    let path = entry.path();
                    self.folders.contains(rel.as_str())
                        && self.holds_only_under(&path, &rel, self.folder_times(&path, &rel))
                }
                Ok(_) => self.files.contains_key(&rel) || rel == MARKER,
                Err(_) => false,
            }
        });
        // Names read while the folder changed are not known to be all it holds.
        let still = before.filter(|&before| self.folder_times(dir, prefix) == Some(before));
        if holds && let Some(before) = still {
            self.note(prefix, FolderRead { read_at, ..before });
        }
        holds
    }

    /// What the file system says of the folder `dir`, at `prefix` in the output (`""`: the
    /// output folder, through a link), relative to the folder held where there is one.
    fn folder_times(&self, dir: &Path, prefix: &str) -> Option<FolderRead> {
        match self.held {
            Some(held) if !prefix.is_empty() => {
                held.look_at(prefix)
                    .filter(|entry| entry.is_dir)
                    .map(|entry| FolderRead {
                        device: entry.device,
                        inode: entry.inode,
                        modified: entry.modified,
                        changed: entry.changed,
                        read_at: (0, 0),
                    })
            }
            _ => folder_times(dir, prefix.is_empty()),
        }
    }

    fn note(&self, prefix: &str, read: FolderRead) {
        note_folder(&self.found, prefix, read);
    }
}

/// What to keep of a reading of the folder `dir` (at `prefix`) begun at `read_at`, when the
/// file system says of it what it said before (`before`): names read while the folder
/// changed are not known to be all it holds.
fn reading_held(dir: &Path, prefix: &str, before: Option<FolderRead>, read_at: (i64, i64)) -> Option<FolderRead> {
    let before = before?;
    (folder_times(dir, prefix.is_empty()) == Some(before)).then_some(FolderRead { read_at, ..before })
}

fn note_folder(found: &Mutex<Vec<(String, FolderRead)>>, prefix: &str, read: FolderRead) {
    found
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((prefix.to_string(), read));
}

/// A file found in an output folder read whole (`read_output`): any entry that is not a
/// real folder, a link too. Its bytes are not read.
pub struct FoundFile {
    /// `/`-separated, relative to the output folder; a name that is not UTF-8 lossily.
    pub rel: String,
    pub path: PathBuf,
    pub size: u64,
    /// Nanoseconds since the epoch.
    pub modified: u128,
}

/// Every file in the output folder `target`, read whole: what a build that swapped the
/// folder in reads of it for its record. With them, what was found of its folders, for the
/// next build to publish in place without reading them again (`holds_only`), as that walk
/// notes them: a folder whose names are all UTF-8, whose subfolders each hold a file
/// somewhere below (a record names no empty folder), and whose times did not change while
/// it was read. Without this, the first build after one that swapped read every folder.
/// `None` when something cannot be read.
pub fn read_output(target: &Path) -> Option<(Vec<FoundFile>, PathTable<FolderRead>)> {
    let found = Mutex::default();
    let files = read_folder(target, "", folder_times(target, true), &found)?;
    Some((
        files,
        PathTable::from_entries(found.into_inner().unwrap_or_else(|e| e.into_inner())),
    ))
}

/// The files under the folder `dir`, at `prefix` in the output; `before` is what the file
/// system said of it just now. The folder is noted in `found` when its reading can be
/// trusted later (`read_output`).
fn read_folder(
    dir: &Path,
    prefix: &str,
    before: Option<FolderRead>,
    found: &Mutex<Vec<(String, FolderRead)>>,
) -> Option<Vec<FoundFile>> {
    let read_at = now();
    let entries = std::fs::read_dir(dir)
        .and_then(|entries| entries.collect::<std::io::Result<Vec<_>>>())
        .ok()?;
    // Each entry's files, and whether it leaves the folder's reading one to keep.
    let read: Vec<Option<(Vec<FoundFile>, bool)>> = entries
        .par_iter()
        .map(|entry| {
            let name = entry.file_name();
            let named = name.to_str().is_some();
            let name = name.to_string_lossy();
            let rel = if prefix.is_empty() {
                name.into_owned()
            } else {
                format!("{prefix}/{name}")
            };
            let path = entry.path();
            if entry.file_type().ok()?.is_dir() {
                let now = folder_times(&path, false);
                let files = read_folder(&path, &rel, now, found)?;
                let kept = named && !files.is_empty();
                return Some((files, kept));
            }
            // Of the entry itself, a link not followed.
            let meta = entry.metadata().ok()?;
            let file = FoundFile {
                rel,
                size: meta.len(),
                modified: super::earlier::modified_nanos(&meta)?,
                path,
            };
            Some((vec![file], named))
        })
        .collect();
    let mut files = Vec::new();
    let mut kept = true;
    for entry in read {
        let (found, keeps) = entry?;
        kept &= keeps;
        files.extend(found);
    }
    if kept && let Some(read) = reading_held(dir, prefix, before, read_at) {
        note_folder(found, prefix, read);
    }
    Some(files)
}

/// What the file system says of the folder at `path` (through a link when `follow`), with
/// no time of reading; `None` when it is not a folder, or not on Unix.
#[cfg(unix)]
fn folder_times(path: &Path, follow: bool) -> Option<FolderRead> {
    use std::os::unix::fs::MetadataExt;
    let meta = if follow {
        std::fs::metadata(path)
    } else {
        std::fs::symlink_metadata(path)
    }
    .ok()?;
    meta.is_dir().then(|| FolderRead {
        device: meta.dev(),
        inode: meta.ino(),
        modified: (meta.mtime(), meta.mtime_nsec()),
        changed: (meta.ctime(), meta.ctime_nsec()),
        read_at: (0, 0),
    })
}

#[cfg(not(unix))]
fn folder_times(_path: &Path, _follow: bool) -> Option<FolderRead> {
    None
}

fn now() -> (i64, i64) {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    (since.as_secs() as i64, since.subsec_nanos() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(paths: &[&str]) -> PathTable<EarlierFile> {
        paths
            .iter()
            .map(|rel| {
                let file = EarlierFile {
                    size: 0,
                    modified: 0,
                    sha256: [0; 32],
                    key: None,
                };
                (rel.to_string(), file)
            })
            .collect()
    }

    #[test]
    fn folders_are_listed_from_the_deepest() {
        assert_eq!(folders_of("a/b/c.html").collect::<Vec<_>>(), ["a/b", "a"]);
        assert_eq!(folders_of("index.html").count(), 0);
    }

    #[test]
    fn a_plan_deletes_what_is_gone_and_the_folders_it_empties() {
        let earlier = record(&[
            MARKER,
            "index.html",
            "q/a/index.html",
            "q/b/index.html",
            "t/x/y/index.html",
            "f",
        ]);
        let now = record(&["index.html", "q/b/index.html", "f/index.html"]);
        let journal = Journal::plan(&earlier, &now, vec!["f/index.html".into(), "index.html".into()]);
        assert_eq!(journal.delete, ["f", "q/a/index.html", "t/x/y/index.html"]);
        assert_eq!(journal.remove_dirs, ["t/x/y", "q/a", "t/x", "t"]);
        assert_eq!(journal.moves, ["f/index.html", "index.html"]);
    }

    #[test]
    fn only_recorded_names_pass() {
        let temp = tempfile::tempdir().unwrap();
        let out = temp.path();
        std::fs::create_dir_all(out.join("q/a")).unwrap();
        std::fs::write(out.join("q/a/index.html"), "").unwrap();
        std::fs::write(out.join("index.html"), "").unwrap();
        let files = record(&["index.html", "q/a/index.html"]);
        let files = Earlier::new(out, files);
        assert!(holds_only(out, &files).is_none(), "not marked");
        super::super::target::mark(out).unwrap();
        assert!(holds_only(out, &files).is_some());
        std::fs::write(out.join("q/notes.txt"), "").unwrap();
        assert!(holds_only(out, &files).is_none(), "a file of someone else's");
        std::fs::remove_file(out.join("q/notes.txt")).unwrap();
        std::fs::create_dir(out.join("q/empty")).unwrap();
        assert!(holds_only(out, &files).is_none(), "a folder no file is in");
        std::fs::remove_dir(out.join("q/empty")).unwrap();
        std::fs::remove_dir_all(out.join("q/a")).unwrap();
        std::os::unix::fs::symlink(temp.path(), out.join("q/a")).unwrap();
        assert!(holds_only(out, &files).is_none(), "a link where a folder was");
    }

    /// What `read_output` found of `out`, each folder's reading taken as if made an hour
    /// after its last change (settled), for `holds_only` to trust it.
    fn read_and_settled(out: &Path) -> (Vec<String>, PathTable<FolderRead>) {
        let (files, found) = read_output(out).expect("readable");
        let mut names: Vec<String> = files.into_iter().map(|file| file.rel).collect();
        names.sort();
        let settled = found
            .iter()
            .map(|(rel, read)| {
                let read_at = (read.changed.0.max(read.modified.0) + 3600, 0);
                (rel.to_string(), FolderRead { read_at, ..*read })
            })
            .collect();
        (names, settled)
    }

    #[test]
    fn a_folder_read_whole_is_noted_only_when_its_record_would_name_all_it_holds() {
        use std::os::unix::ffi::OsStrExt;
        let temp = tempfile::tempdir().unwrap();
        let out = temp.path();
        std::fs::create_dir_all(out.join("q/a")).unwrap();
        std::fs::create_dir_all(out.join("q/empty")).unwrap();
        std::fs::write(out.join("q/a/index.html"), "").unwrap();
        super::super::target::mark(out).unwrap();
        let (names, settled) = read_and_settled(out);
        assert_eq!(names, [MARKER, "q/a/index.html"]);
        assert!(settled.contains_key("") && settled.contains_key("q/a"));
        assert!(!settled.contains_key("q"), "a record names no empty folder");
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let earlier = Earlier::new(out, record(&names)).with_folders(settled);
        assert!(holds_only(out, &earlier).is_none(), "the empty folder is found");

        let odd = std::ffi::OsStr::from_bytes(b"notes-\xff.txt");
        std::fs::remove_dir(out.join("q/empty")).unwrap();
        std::fs::write(out.join("q/a").join(odd), "").unwrap();
        let (names, settled) = read_and_settled(out);
        assert_eq!(names, [MARKER, "q/a/index.html", "q/a/notes-\u{fffd}.txt"]);
        assert!(
            settled.contains_key("q") && !settled.contains_key("q/a"),
            "a name that is not UTF-8"
        );
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let earlier = Earlier::new(out, record(&names)).with_folders(settled);
        assert!(holds_only(out, &earlier).is_none(), "the name is read, and refused");
    }

    #[test]
    fn a_folder_read_before_is_not_read_again_while_its_times_hold() {
        let temp = tempfile::tempdir().unwrap();
        let out = temp.path();
        std::fs::create_dir_all(out.join("q/a")).unwrap();
        std::fs::write(out.join("q/a/index.html"), "").unwrap();
        std::fs::write(out.join("index.html"), "").unwrap();
        super::super::target::mark(out).unwrap();
        let earlier = Earlier::new(out, record(&["index.html", "q/a/index.html"]));
        let found = holds_only(out, &earlier).expect("only recorded names");
        let mut read: Vec<&str> = found.keys().collect();
        read.sort();
        assert_eq!(read, ["", "q", "q/a"]);

        // Read just now, within the settling time: a file added since is found.
        std::fs::write(out.join("q/notes.txt"), "").unwrap();
        let again = earlier.clone().with_folders(found.clone());
        assert!(holds_only(out, &again).is_none(), "a file of someone else's");

        // A reading long after the folder's last change, with its times as they are now,
        // is trusted: the file in it is not seen, which shows the folder was not read.
        let now = folder_times(&out.join("q"), false).unwrap();
        let forged: PathTable<FolderRead> = found
            .iter()
            .map(|(rel, read)| (rel.to_string(), *read))
            .chain([(
                "q".to_string(),
                FolderRead {
                    read_at: (now.changed.0 + 3600, 0),
                    ..now
                },
            )])
            .collect();
        assert!(holds_only(out, &earlier.clone().with_folders(forged.clone())).is_some());

        // Any name added to it sets its times: read again.
        std::fs::write(out.join("q/more.txt"), "").unwrap();
        assert!(holds_only(out, &earlier.with_folders(forged)).is_none());
    }
}
