//! Stage 6, write: builds the new site in a staging folder beside the target and swaps it
//! in only when everything succeeded, so a failed build never damages the published one.
//! Over the record of the target's last build, only the files that changed are staged and
//! the commit moves them in (`in_place`).

mod contained;
pub mod earlier;
mod held;
mod in_place;
mod interrupt;
mod leftovers;
pub mod table;
pub mod target;

pub use contained::{MAX_COMPONENT_BYTES, Uncontained, contained};
pub use earlier::{Earlier, EarlierFile, FolderRead, PageKey, SETTLED, Written, WrittenFile, settled_before};
pub use held::HeldFolder;
pub use in_place::{FoundFile, read_output};
pub use interrupt::remove_staging_on_interrupt;
pub use table::PathTable;
pub use target::{MARKER, Refusal};

use anyhow::{Context as _, Result, bail};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where rendered files go: a staging folder (`build`), or the live folder `serve` shows.
pub trait Sink: Sync {
    /// Writes one output file at a `/`-separated path relative to the site root.
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<()>;

    /// Writes one output file whose bytes `fill` produces piece by piece. By default they
    /// are gathered and passed to `write`; a sink that can stream them to disk does, so
    /// that a large file (graph.json: 16 MB at 10,000 articles) is never held whole.
    fn write_streamed(&self, rel: &str, fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
        let mut bytes = Vec::new();
        fill(&mut bytes).with_context(|| format!("cannot produce {rel}"))?;
        self.write(rel, &bytes)
    }

    /// `write_streamed` for a file made from `key`, which a sink that keeps pages records
    /// with it, so that a later build can take it over (`take_over`).
    fn write_streamed_page(
        &self,
        rel: &str,
        _key: &PageKey,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<()> {
        self.write_streamed(rel, fill)
    }

    /// Whether pages should be given keys: the sink records them, so that a later build
    /// can take its pages over (`write_page`), or takes over those of an earlier one.
    fn keeps_pages(&self) -> bool {
        false
    }

    /// Publishes the page an earlier build rendered at `rel` from the same `key`, when it
    /// is still there unchanged: `true` when it did, and the caller renders nothing.
    /// `rendered`, when given, is the page rendered anew, which must be what is taken over
    /// (debug builds check every page they take over this way).
    fn take_over(&self, _rel: &str, _key: &PageKey, _rendered: Option<&[u8]>) -> Result<bool> {
        Ok(false)
    }

    /// Writes a page rendered from `key`.
    fn write_page(&self, rel: &str, bytes: &[u8], _key: &PageKey) -> Result<()> {
        self.write(rel, bytes)
    }

    /// Publishes a page just rendered: with its `key` when it has one, and in debug builds
    /// (every test) through `take_over` first, which stops the build if the earlier page of
    /// that key is not these bytes.
    fn write_rendered(&self, rel: &str, bytes: &[u8], key: Option<&PageKey>) -> Result<()> {
        match key {
            Some(key) if cfg!(debug_assertions) => match self.take_over(rel, key, Some(bytes)) {
                Ok(true) => Ok(()),
                Ok(false) => self.write_page(rel, bytes, key),
                Err(error) => Err(error),
            },
            Some(key) => self.write_page(rel, bytes, key),
            None => self.write(rel, bytes),
        }
    }
}

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        Staging::write(self, rel, bytes)
    }

    fn write_streamed(&self, rel: &str, fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
        self.write_streamed_recorded(rel, None, fill)
    }

    fn write_streamed_page(
        &self,
        rel: &str,
        key: &PageKey,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<()> {
        self.write_streamed_recorded(rel, Some(*key), fill)
    }

    fn keeps_pages(&self) -> bool {
        self.written.is_some()
    }

    fn take_over(&self, rel: &str, key: &PageKey, rendered: Option<&[u8]>) -> Result<bool> {
        let Some((earlier, from)) = self.earlier.as_ref().and_then(|earlier| earlier.page(rel, key)) else {
            return Ok(false);
        };
        if let Some(rendered) = rendered {
            let kept = std::fs::read(&from).with_context(|| format!("cannot read {}", from.display()))?;
            assert!(
                kept == rendered,
                "{rel}: the page taken over differs from the page its key renders: the key misses an input"
            );
        }
        let earlier = earlier.clone();
        self.publish_unchanged(rel, &from, earlier.size, earlier.sha256, Some(*key))
    }

    fn write_page(&self, rel: &str, bytes: &[u8], key: &PageKey) -> Result<()> {
        self.write_recorded(rel, bytes, Some(*key))
    }
}

impl Staging {
    /// A file streamed to the staging folder, recorded (when the build keeps a record) with
    /// its size, SHA-256 and `key`.
    fn write_streamed_recorded(
        &self,
        rel: &str,
        key: Option<PageKey>,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<()> {
        let path = self.path_for(rel)?;
        let file = std::fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
        let mut out = Counted {
            out: std::io::BufWriter::with_capacity(64 * 1024, file),
            sha256: self.written.is_some().then(Sha256::new),
            size: 0,
        };
        fill(&mut out)
            .and_then(|()| out.out.flush())
            .with_context(|| format!("cannot write {}", path.display()))?;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.staged(rel);
        if let (Some(written), Some(sha256)) = (&self.written, out.sha256) {
            let file = WrittenFile {
                size: out.size,
                sha256: sha256.finalize().into(),
                key,
            };
            written.record(rel, file);
        }
        Ok(())
    }
}

/// A file being streamed, its bytes counted and (when the build records them) digested.
struct Counted<W> {
    out: W,
    sha256: Option<Sha256>,
    size: u64,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(bytes)?;
        if let Some(sha256) = &mut self.sha256 {
            sha256.update(&bytes[..n]);
        }
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    /// Where the new site's files are written: `dir` itself, or its `files` folder when the
    /// build publishes in place.
    files_dir: PathBuf,
    committed: bool,
    /// When the build publishes in place (`in_place`): the paths of the files written into
    /// the staging folder, which the commit moves into the output. Every other file of the
    /// new site is the earlier build's, left where it is.
    in_place: Option<Mutex<HashSet<String>>>,
    /// What the last build wrote into the target, for this one to take over.
    earlier: Option<Earlier>,
    /// What this build writes, when a record of it is kept (`recording`).
    written: Option<Written>,
    /// When the build publishes in place: what it found of the output's folders, holding
    /// nothing the record does not name (`in_place::holds_only`).
    folders: PathTable<FolderRead>,
    /// Files put in the staging folder, and of those, files linked from the previous
    /// output rather than written: what the build's summary says it did. A file written
    /// twice (a page where a static file was) counts twice.
    files: AtomicUsize,
    unchanged: AtomicUsize,
}

/// What a successful `commit` left behind.
#[derive(Debug, Default)]
pub struct Committed {
    /// The previous output, moved aside, when it could not be removed after the swap
    /// (the new output is in place; the next build tries to remove it again).
    pub leftover: Option<Leftover>,
    /// What the build wrote, when it was `recording`.
    pub written: Option<Written>,
}

#[derive(Debug)]
pub struct Leftover {
    pub path: PathBuf,
    pub error: String,
}

/// The output folder `out` for the site at `root`, ready to publish into: what a killed
/// build left beside it cleared (the previous output put back where a kill cut a swap in
/// two), then judged by `target::output_folder`.
pub fn prepare_output(root: &Path, out: &Path, force: Option<&Path>) -> Result<PathBuf, Refusal> {
    leftovers::clear(&target::resolve(out));
    target::output_folder(root, out, force)
}

/// Whether a build into `target` that takes over from `earlier` publishes in place
/// (`Staging::recording`): `earlier` is the record of `target` itself, and the folder holds
/// nothing it does not name. Otherwise the build stages the whole site and swaps it in.
pub fn publishes_in_place(target: &Path, earlier: &Earlier) -> bool {
    earlier.dir() == target && in_place::holds_only(target, earlier).is_some()
}

/// Where this process left the previous output of `target` when a failed swap could not
/// put it back (the next build does); `None` when `target` is in place.
pub fn moved_aside(target: &Path) -> Option<PathBuf> {
    if std::fs::symlink_metadata(target).is_ok() {
        return None;
    }
    let name = target.file_name()?.to_str()?;
    let old = target.parent()?.join(leftovers::old_name(name, std::process::id()));
    old.is_dir().then_some(old)
}

/// The staging folder this process left beside `target` holding the journal of a commit
/// in place that failed midway (the next build finishes it); `None` when there is none.
pub fn unfinished_commit(target: &Path) -> Option<PathBuf> {
    let name = target.file_name()?.to_str()?;
    let staging = target.parent()?.join(leftovers::staging_name(name, std::process::id()));
    staging.join(in_place::JOURNAL).is_file().then_some(staging)
}

impl Staging {
    /// Creates an empty staging folder next to `target` (same file system, so the final
    /// rename is cheap and atomic per folder), marked as Evident's from the start. Dead
    /// builds' leftovers beside `target` are cleared first.
    pub fn create(target: &Path) -> Result<Staging> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        leftovers::clear(target);
        let dir = parent.join(leftovers::staging_name(&name, std::process::id()));
        remove_own(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
        std::fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        interrupt::register(&dir);
        let staging = Staging {
            target: target.to_path_buf(),
            files_dir: dir.clone(),
            dir,
            committed: false,
            in_place: None,
            earlier: None,
            written: None,
            folders: PathTable::default(),
            files: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
        };
        target::mark(&staging.dir).with_context(|| format!("cannot write {}", staging.dir.display()))?;
        Ok(staging)
    }

    /// Where the new site's file `rel` is until `commit`: in the staging folder, or, for a
    /// file taken over in place, in the output folder.
    pub fn new_file(&self, rel: &str) -> PathBuf {
        let staged = self.files_dir.join(rel);
        match (&self.in_place, &self.written) {
            (Some(_), Some(written)) if !staged.exists() && written.has(rel) => self.target.join(rel),
            _ => staged,
        }
    }

    /// Keeps a record of what this build writes (each file's size, SHA-256 and page key),
    /// and takes over from `earlier` the files it already holds: what the build cache
    /// needs to judge the output next time and to let the next build take files over.
    ///
    /// When `earlier` is the record of the output folder itself and the folder holds
    /// nothing else, the build publishes in place (`in_place`): only the files it writes
    /// anew are staged. Otherwise it stages the whole site, taking files over by hard link.
    pub fn recording(mut self, mut earlier: Option<Earlier>) -> Result<Staging> {
        if let Some(earlier) = &mut earlier {
            earlier.hold();
        }
        let folders = earlier
            .as_ref()
            .filter(|earlier| earlier.dir() == self.target)
            .and_then(|earlier| in_place::holds_only(&self.target, earlier));
        if let Some(folders) = folders {
            self.folders = folders;
            self.files_dir = self.dir.join(in_place::FILES);
            std::fs::create_dir(&self.files_dir)
                .with_context(|| format!("cannot create {}", self.files_dir.display()))?;
            self.in_place = Some(Mutex::default());
        }
        self.written = Some(Written::taking_over_from(earlier.as_ref().map(Earlier::shared_files)));
        // The last build's readings of the folders served the walk just made; this build's
        // own (`self.folders`) are what the next one reads. Held to the end beside them,
        // they were a second table of every folder (13 MB at 100,000 articles).
        if let Some(earlier) = &mut earlier {
            earlier.forget_folders();
        }
        self.earlier = earlier;
        Ok(self)
    }

    /// Notes that `rel` was written into the staging folder, for the commit to move it.
    fn staged(&self, rel: &str) {
        if let Some(staged) = &self.in_place {
            staged.lock().unwrap_or_else(|e| e.into_inner()).insert(rel.to_string());
        }
    }

    /// How many files the build put in the staging folder so far, and how many of those
    /// were the previous output's, linked rather than written (`take_over`, or the same
    /// bytes again).
    pub fn files(&self) -> (usize, usize) {
        (
            self.files.load(Ordering::Relaxed),
            self.unchanged.load(Ordering::Relaxed),
        )
    }

    /// Writes one output file at a `/`-separated path relative to the site root.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        self.write_recorded(rel, bytes, None)
    }

    fn write_recorded(&self, rel: &str, bytes: &[u8], key: Option<PageKey>) -> Result<()> {
        let Some(written) = &self.written else {
            let path = self.path_for(rel)?;
            std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
            self.files.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        };
        let size = bytes.len() as u64;
        let sha256: [u8; 32] = Sha256::digest(bytes).into();
        // The same bytes at the same place: the earlier file is taken over, not written again.
        let same = self
            .earlier
            .as_ref()
            .and_then(|earlier| earlier.same_bytes(rel, size, &sha256));
        if let Some((_, from)) = same
            && self.publish_unchanged(rel, &from, size, sha256, key)?
        {
            return Ok(());
        }
        let path = self.path_for(rel)?;
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.staged(rel);
        written.record(rel, WrittenFile { size, sha256, key });
        Ok(())
    }

    /// Publishes the earlier build's file `from` at `rel` as it is: left where it is when
    /// the build publishes in place, else by a hard link into the staging folder; `false`
    /// where the file system will not link (the caller writes the file instead).
    fn publish_unchanged(
        &self,
        rel: &str,
        from: &Path,
        size: u64,
        sha256: [u8; 32],
        key: Option<PageKey>,
    ) -> Result<bool> {
        if let Some(staged) = &self.in_place {
            // A file staged at `rel` earlier in this build (a static file a page replaces)
            // gives way, as a write would.
            if staged.lock().unwrap_or_else(|e| e.into_inner()).remove(rel) {
                let _ = std::fs::remove_file(self.files_dir.join(rel));
            }
        } else {
            let path = self.path_for(rel)?;
            // A file already at `rel` gives way, as a write would.
            let _ = std::fs::remove_file(&path);
            if std::fs::hard_link(from, &path).is_err() {
                return Ok(false);
            }
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.unchanged.fetch_add(1, Ordering::Relaxed);
        if let Some(written) = &self.written {
            written.record_taken_over(rel, WrittenFile { size, sha256, key });
        }
        Ok(true)
    }

    /// Where output file `rel` goes in the staging folder, its folder created; an error
    /// for a path that would leave the staging folder.
    fn path_for(&self, rel: &str) -> Result<PathBuf> {
        if interrupt::interrupted() {
            bail!("the build was interrupted");
        }
        let path = contained(&self.files_dir, rel)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        Ok(path)
    }

    /// Replaces the target with the staged site. The old site is moved aside first and
    /// removed only after the new one is in place. An error means the new site is not
    /// published; its message says where the previous one is.
    ///
    /// A build publishing in place instead moves the files it wrote into the output, and
    /// removes those the earlier build wrote that it does not (`in_place`); an error there
    /// leaves the journal for the next build to finish the commit.
    pub fn commit(self) -> Result<Committed> {
        if self.in_place.is_some() {
            return self.commit_in_place(None);
        }
        self.commit_removing_with(remove_tree)
    }

    /// The commit in place, stopped after `stop` of its steps when given, as a kill there
    /// would stop it (tests): the staging folder and its journal are then left behind.
    fn commit_in_place(mut self, stop: Option<usize>) -> Result<Committed> {
        let shown = self.target.display().to_string();
        let (Some(staged), Some(written), Some(earlier)) =
            (self.in_place.take(), self.written.take(), self.earlier.take())
        else {
            bail!("{shown}: a commit in place without a record of the earlier output");
        };
        let staged: Vec<String> = staged
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .collect();
        let files = written.into_files();
        let journal = in_place::Journal::plan(earlier.files(), &files, staged);
        // The record of the output after the commit: the earlier build's entries for the
        // files left in place, and the staged files' own (a rename keeps the date). Both
        // records are in path order, and so is this one, made in one walk of them.
        let marker = self.target.join(MARKER);
        let meta = std::fs::symlink_metadata(&marker).with_context(|| format!("cannot read {}", marker.display()))?;
        let mut marker = Some(EarlierFile {
            size: meta.len(),
            modified: earlier::modified_nanos(&meta).with_context(|| format!("{MARKER}: no modification time"))?,
            sha256: Sha256::digest(
                std::fs::read(&marker).with_context(|| format!("cannot read {}", marker.display()))?,
            )
            .into(),
            key: None,
        });
        let was = earlier.files();
        let mut place = 0;
        let mut record = PathTable::with_capacity(files.len() + 1, files.path_bytes() + MARKER.len());
        for (rel, file) in files.iter() {
            // The marker is Evident's, whatever was written at its path.
            if rel >= MARKER
                && let Some(entry) = marker.take()
            {
                record.push(MARKER, entry);
            }
            if rel == MARKER {
                continue;
            }
            while place < was.len() && was.entry(place).0 < rel {
                place += 1;
            }
            let (size, modified) = if journal.moves.binary_search_by(|moved| moved.as_str().cmp(rel)).is_ok() {
                let path = self.files_dir.join(rel);
                let meta =
                    std::fs::symlink_metadata(&path).with_context(|| format!("cannot read {}", path.display()))?;
                (meta.len(), earlier::modified_nanos(&meta))
            } else {
                let same = place < was.len() && was.entry(place).0 == rel;
                (file.size, same.then(|| was.value(place).modified))
            };
            let modified = modified.with_context(|| format!("{rel}: no modification time"))?;
            let entry = EarlierFile {
                size,
                modified,
                sha256: file.sha256,
                key: file.key,
            };
            record.push(rel, entry);
        }
        if let Some(entry) = marker {
            record.push(MARKER, entry);
        }
        drop(files);

        // The commit runs whole or not at all as far as an interruption goes.
        let mut held = interrupt::lock();
        // Judged again at the last moment: the folder may have been replaced since.
        match std::fs::symlink_metadata(&self.target) {
            Ok(meta) if meta.is_dir() && target::is_marked(&self.target) => {}
            Ok(_) => bail!("{shown} is no longer Evident's folder (a file, a link, or unmarked): it was left as it is"),
            Err(error) => return Err(error).with_context(|| format!("cannot look at {shown}")),
        }
        journal
            .write(&self.dir)
            .with_context(|| format!("cannot write the journal of the commit into {}", self.dir.display()))?;
        // From here on the staging folder is the commit's journal: neither an interruption
        // nor a failure removes it, and the next build finishes what this one began.
        self.committed = true;
        interrupt::forget(&mut held, &self.dir);
        let done = journal.apply(&self.dir, &self.target, stop).with_context(|| {
            format!(
                "publishing into {shown} was cut short; the next build finishes it from {}",
                self.dir.display()
            )
        })?;
        drop(held);
        if !done {
            bail!("publishing into {shown} was stopped midway");
        }
        // The commit is done once its journal is gone; what is left of the staging folder
        // (folders emptied by the moves, the marker) goes next, or with the next build.
        if std::fs::remove_file(self.dir.join(in_place::JOURNAL)).is_ok() {
            let _ = remove_tree(&self.dir);
        }
        // A folder the commit changed has other times now, and is read again next time;
        // one whose names it removed or moved in is forgotten all the same.
        let touched: HashSet<&str> = (journal.delete.iter().chain(&journal.moves).chain(&journal.remove_dirs))
            .map(|rel| in_place::folders_of(rel).next().unwrap_or(""))
            .collect();
        let folders = std::mem::take(&mut self.folders).without(|folder| touched.contains(folder));
        let mut published = Written::default();
        published.set_published(record, folders);
        Ok(Committed {
            leftover: None,
            written: Some(published),
        })
    }

    /// `commit`, with the previous site removed by `remove` (tests make it fail).
    fn commit_removing_with(mut self, remove: impl Fn(&Path) -> std::io::Result<()>) -> Result<Committed> {
        let parent = self.dir.parent().unwrap_or(Path::new(".")).to_path_buf();
        let name = self
            .target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let old = parent.join(leftovers::old_name(&name, std::process::id()));
        let shown = self.target.display().to_string();
        // The swap runs whole or not at all as far as an interruption goes.
        let mut held = interrupt::lock();
        // Judged again at the last moment: the folder may have been replaced since.
        let had_old = match std::fs::symlink_metadata(&self.target) {
            Ok(meta) if meta.is_dir() => true,
            Ok(_) => bail!("{shown} is no longer a folder (it is a file or a link): it was left as it is"),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => false,
            Err(error) => return Err(error).with_context(|| format!("cannot look at {shown}")),
        };
        if had_old {
            remove_own(&old).with_context(|| format!("cannot clear {}", old.display()))?;
            // A folder replaced with `--force` is marked too, so that a swap cut short by a
            // kill can be undone at the next build like any other.
            if !target::is_marked(&self.target) {
                let _ = target::mark(&self.target);
            }
            std::fs::rename(&self.target, &old)
                .with_context(|| format!("cannot move the previous site aside ({shown})"))?;
        }
        if let Err(error) = std::fs::rename(&self.dir, &self.target) {
            let error = anyhow::Error::from(error).context(format!("cannot move the new site into {shown}"));
            if had_old && std::fs::rename(&old, &self.target).is_err() {
                return Err(error.context(format!(
                    "the previous site is at {} and the next build puts it back",
                    old.display()
                )));
            }
            return Err(error);
        }
        self.committed = true;
        interrupt::forget(&mut held, &self.dir);
        drop(held);
        let mut committed = Committed {
            written: self.written.take(),
            ..Committed::default()
        };
        if had_old {
            if let Err(error) = remove(&old) {
                committed.leftover = Some(Leftover {
                    path: old,
                    error: error.to_string(),
                });
            }
        }
        Ok(committed)
    }
}

/// Removes this process's own folder of that name, if an earlier process of the same
/// pid left one; a link there is removed, never followed.
fn remove_own(dir: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(dir) {
        Ok(meta) if meta.is_dir() => remove_tree(dir),
        Ok(_) => std::fs::remove_file(dir),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error),
    }
}

/// `remove_dir_all`, with the folders of a level removed in parallel: a site of ten thousand
/// pages is as many folders, and removing them one by one took a third of a second.
/// Symbolic links are removed, never followed.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    use rayon::prelude::*;
    let entries = std::fs::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
    entries.par_iter().try_for_each(|entry| {
        if entry.file_type()?.is_dir() {
            remove_tree(&entry.path())
        } else {
            std::fs::remove_file(entry.path())
        }
    })?;
    std::fs::remove_dir(dir)
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let mut held = interrupt::lock();
            let _ = remove_tree(&self.dir);
            interrupt::forget(&mut held, &self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_abandoned_build_leaves_the_old_site() {
        let temp = tempfile::tempdir().unwrap();
        let target = temp.path().join("public");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("index.html"), "old").unwrap();
        {
            let staging = Staging::create(&target).unwrap();
            staging.write("index.html", b"new").unwrap();
        }
        assert_eq!(std::fs::read_to_string(target.join("index.html")).unwrap(), "old");
        assert_eq!(
            std::fs::read_dir(temp.path()).unwrap().count(),
            1,
            "staging folder removed"
        );
    }

    #[test]
    fn a_committed_build_replaces_the_old_site() {
        let temp = tempfile::tempdir().unwrap();
        let target = temp.path().join("public");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("stale.html"), "old").unwrap();
        let staging = Staging::create(&target).unwrap();
        staging.write("a/b/index.html", b"new").unwrap();
        staging.commit().unwrap();
        assert_eq!(std::fs::read_to_string(target.join("a/b/index.html")).unwrap(), "new");
        assert!(!target.join("stale.html").exists());
        assert_eq!(std::fs::read_dir(temp.path()).unwrap().count(), 1);
    }

    #[test]
    fn the_output_is_marked_and_paths_stay_inside_it() {
        let temp = tempfile::tempdir().unwrap();
        let target = temp.path().join("public");
        let staging = Staging::create(&target).unwrap();
        for rel in ["../escaped.html", "/tmp/absolute.html", "./index.html", "", "a//b.html"] {
            let error = staging.write(rel, b"x").unwrap_err();
            assert!(
                format!("{error:#}").contains("stay inside the output folder"),
                "{rel:?}: {error:#}"
            );
        }
        staging.commit().unwrap();
        assert!(target::is_marked(&target));
        assert!(!temp.path().join("escaped.html").exists());
        let names: Vec<_> = std::fs::read_dir(&target)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [MARKER], "nothing but the marker was written");
    }

    #[test]
    fn a_previous_site_that_cannot_be_removed_is_reported_where_it_is() {
        let temp = tempfile::tempdir().unwrap();
        let target = temp.path().join("public");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("index.html"), "old").unwrap();
        let staging = Staging::create(&target).unwrap();
        staging.write("index.html", b"new").unwrap();
        let committed = staging
            .commit_removing_with(|_| Err(std::io::Error::from(std::io::ErrorKind::PermissionDenied)))
            .unwrap();
        assert_eq!(std::fs::read_to_string(target.join("index.html")).unwrap(), "new");
        let leftover = committed.leftover.expect("the old site is reported");
        assert_eq!(
            std::fs::read_to_string(leftover.path.join("index.html")).unwrap(),
            "old"
        );
        assert!(leftover.error.contains("ermission denied"), "{}", leftover.error);
    }

    /// Every file under `dir`, and every folder (as `/`-ended names), with its bytes.
    fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|entry| {
                let entry = entry.unwrap();
                let rel = entry.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                if entry.file_type().is_dir() {
                    (format!("{rel}/"), Vec::new())
                } else {
                    (rel, std::fs::read(entry.path()).unwrap())
                }
            })
            .collect()
    }

    fn inode(path: &Path) -> u64 {
        std::os::unix::fs::MetadataExt::ino(&std::fs::symlink_metadata(path).unwrap())
    }

    const FIRST: [(&str, &str); 5] = [
        ("index.html", "one"),
        ("q/a/index.html", "a"),
        ("q/b/index.html", "b"),
        ("t/x/index.html", "t"),
        ("f", "a file where a folder comes"),
    ];
    const SECOND: [(&str, &str); 4] = [
        ("index.html", "two"),
        ("q/b/index.html", "b"),
        ("f/index.html", "a folder where a file was"),
        ("n/new/index.html", "new"),
    ];

    /// A first build of `FIRST` into `target`, recorded: what the second build takes over.
    fn first_build(target: &Path) -> Earlier {
        let staging = Staging::create(target).unwrap().recording(None).unwrap();
        for (rel, bytes) in FIRST {
            staging.write(rel, bytes.as_bytes()).unwrap();
        }
        let written = staging.commit().unwrap().written.unwrap();
        crate::cache::earlier_output(target, written).unwrap()
    }

    /// `SECOND` staged over the first build.
    fn second_build(target: &Path, earlier: Earlier) -> Staging {
        let staging = Staging::create(target).unwrap().recording(Some(earlier)).unwrap();
        for (rel, bytes) in SECOND {
            staging.write(rel, bytes.as_bytes()).unwrap();
        }
        staging
    }

    /// What a build of `SECOND` alone gives.
    fn clean_second(temp: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
        let clean = temp.join("clean");
        let staging = Staging::create(&clean).unwrap();
        for (rel, bytes) in SECOND {
            staging.write(rel, bytes.as_bytes()).unwrap();
        }
        staging.commit().unwrap();
        let tree = tree(&clean);
        std::fs::remove_dir_all(&clean).unwrap();
        tree
    }

    #[test]
    fn a_build_over_its_own_record_publishes_in_place() {
        let temp = tempfile::tempdir().unwrap();
        let target = temp.path().join("public");
        let expected = clean_second(temp.path());
        let earlier = first_build(&target);
        let (folder, kept) = (inode(&target), inode(&target.join("q/b/index.html")));
        let staging = second_build(&target, earlier);
        assert!(
            staging.in_place.is_some(),
            "the folder holds only what its record names"
        );
        assert_eq!(staging.files(), (4, 1));
        let staged = tree(&staging.files_dir);
        assert!(!staged.contains_key("q/b/index.html"), "the same bytes are not staged");
        assert_eq!(
            std::fs::read(staging.new_file("q/b/index.html")).unwrap(),
            b"b",
            "a file left in place is read where it is"
        );
        let committed = staging.commit().unwrap();
        assert_eq!(tree(&target), expected, "the bytes and folders of a clean build");
        assert_eq!(inode(&target), folder, "the output folder is the same folder");
        assert_eq!(inode(&target.join("q/b/index.html")), kept, "an unchanged file stayed");
        assert_eq!(
            std::fs::read_dir(temp.path()).unwrap().count(),
            1,
            "nothing is left beside the output"
        );
        // The record the commit made is the one reading the folder gives.
        let record = crate::cache::earlier_output(&target, committed.written.unwrap()).unwrap();
        let read = crate::cache::earlier_output(&target, Written::default()).unwrap();
        assert_eq!(record.files(), read.files());
    }

    #[test]
    fn a_build_in_place_that_fails_leaves_the_output_as_it_was() {
        let temp = tempfile::tempdir().unwrap();
        let target = temp.path().join("public");
        let earlier = first_build(&target);
        let before = tree(&target);
        drop(second_build(&target, earlier));
        assert_eq!(tree(&target), before);
        assert_eq!(std::fs::read_dir(temp.path()).unwrap().count(), 1, "staging removed");
    }

    #[test]
    fn a_folder_holding_what_its_record_does_not_name_is_swapped_whole() {
        let temp = tempfile::tempdir().unwrap();
        let target = temp.path().join("public");
        let expected = clean_second(temp.path());
        for foreign in ["q/notes.txt", "empty/"] {
            let earlier = first_build(&target);
            if let Some(dir) = foreign.strip_suffix('/') {
                std::fs::create_dir(target.join(dir)).unwrap();
            } else {
                std::fs::write(target.join(foreign), "mine").unwrap();
            }
            let staging = second_build(&target, earlier);
            assert!(staging.in_place.is_none(), "{foreign}");
            staging.commit().unwrap();
            assert_eq!(tree(&target), expected, "{foreign}: a clean build's output");
        }
    }

    #[test]
    fn a_commit_in_place_cut_short_anywhere_is_finished_by_the_next_build() {
        let temp = tempfile::tempdir().unwrap();
        let target = temp.path().join("public");
        let expected = clean_second(temp.path());
        let mut stop = 0;
        loop {
            let earlier = first_build(&target);
            let before = tree(&target);
            let staging = second_build(&target, earlier);
            let Err(error) = staging.commit_in_place(Some(stop)) else {
                // 3 deletions (q/a/index.html, t/x/index.html, f), 3 folders, 3 moves.
                assert_eq!(stop, 9, "every step was cut once");
                assert_eq!(tree(&target), expected);
                break;
            };
            assert!(format!("{error:#}").contains("stopped midway"), "{error:#}");
            // What the build's summary names: where the next build finishes the commit from.
            let journal = unfinished_commit(&target).expect("the journal is left");
            assert!(journal.join(in_place::JOURNAL).is_file(), "after {stop} steps");
            if stop == 0 {
                assert_eq!(tree(&target), before, "nothing changed before the first step");
            }
            let cleared = leftovers::clear(&target);
            assert_eq!(cleared.finished.len(), 1, "after {stop} steps");
            assert_eq!(tree(&target), expected, "after {stop} steps");
            assert_eq!(std::fs::read_dir(temp.path()).unwrap().count(), 1, "after {stop} steps");
            assert_eq!(unfinished_commit(&target), None);
            stop += 1;
        }
    }

    #[test]
    fn a_target_turned_into_a_link_is_left_alone() {
        let temp = tempfile::tempdir().unwrap();
        let target = temp.path().join("public");
        let elsewhere = temp.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("keep.txt"), "theirs").unwrap();
        let staging = Staging::create(&target).unwrap();
        staging.write("index.html", b"new").unwrap();
        std::os::unix::fs::symlink(&elsewhere, &target).unwrap();
        let error = staging.commit().unwrap_err();
        assert!(format!("{error:#}").contains("no longer a folder"), "{error:#}");
        assert!(std::fs::symlink_metadata(&target).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(elsewhere.join("keep.txt")).unwrap(), "theirs");
        let names: Vec<_> = std::fs::read_dir(temp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "the staging folder is removed: {names:?}");
    }
}
