//! The persistent build cache in `.evident/cache/`: `build` skips a build whose inputs and
//! output are exactly those of the last build into the same folder, and says so.
//!
//! A build is a pure function of its inputs (the site's files, git's refs, the options,
//! "today", the binary), so it is reused only when a fingerprint over all of them is equal
//! and the output folder still holds what that build wrote (`manifest`); anything else
//! builds. Nothing in the cache is trusted: each entry is framed with a format tag, the
//! binary's identity, its length and a SHA-256 of its bytes (`frame`), and an entry that
//! fails any of these is ignored and replaced; kept parses, many and small, are records of
//! one file with a checksum each (`pack`), checked as strictly. Deleting the folder is
//! always safe.
//!
//! The cache sits beside the pipeline, not inside it: `pipeline::build` asks `recall` before
//! it starts (up to date, or what the last build wrote, to take over) and calls `remember`
//! after a clean build; `serve` compares the same fingerprint to skip a rebuild that would
//! give the pages it serves.

pub mod articles;
mod checksum;
mod findings;
mod frame;
pub mod graph;
pub mod history;
mod inputs;
mod known;
pub mod linking;
mod manifest;
mod pack;
pub mod search;

pub use articles::ArticleCache;
pub use inputs::{Fingerprint, SITE_FILES, SOURCE_DIRS, named_files};
pub use known::KnownFiles;

use crate::diagnostic::{Code, Diagnostic, Findings, Severity};
use crate::text::hex;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The cache folder, relative to the site root (git-ignored by `evident init`).
pub const CACHE_DIR: &str = ".evident/cache";

/// What a build into one output folder needs to be skipped next time.
pub struct BuildCache {
    entry: PathBuf,
    inputs: inputs::Fingerprint,
    /// The site's files as the fingerprint found them, which the build's kept parses are
    /// named by (`files`): handed to them, and dropped with them once parsed, not held to
    /// the end of the build (20 MB at 100,000 articles).
    files: std::sync::Mutex<Option<Arc<KnownFiles>>>,
}

/// The options a build's output depends on (the pipeline's, seen from below it).
#[derive(Clone, Copy, Debug)]
pub struct Settings<'a> {
    pub include_drafts: bool,
    pub include_pending: bool,
    pub deny_warnings: bool,
    /// "Today": `--as-of`, or the system date.
    pub today: crate::date::Date,
    pub base_url: Option<&'a str>,
    pub trusted_keys: Option<&'a crate::review::root::Source>,
}

/// What the cache knows of the last build into an output folder.
pub enum Recalled {
    /// Its inputs were these and the folder holds what it wrote: nothing to build.
    UpToDate(Reused),
    /// Something changed: what it wrote, for the build to take over the files it would
    /// write again (`None` when there is no record this binary made).
    Changed(Option<crate::write::Earlier>),
}

/// A build skipped: what the build it repeats reported.
pub struct Reused {
    pub diagnostics: Findings,
    /// Articles built and pages read, as that build counted them.
    pub articles: usize,
    pub pages: usize,
}

impl BuildCache {
    /// The cache of builds from `root` into `out` with `options`, its inputs fingerprinted
    /// now. `None` when the inputs cannot all be read: such a build is never cached.
    pub fn open(root: &Path, out: &Path, settings: &Settings<'_>) -> Option<BuildCache> {
        let files = KnownFiles::open(root);
        let inputs = inputs::Fingerprint::with(&files, root, settings, inputs::Walk::NowAndKeep)?;
        files.save();
        let name = hex(&Sha256::digest(out.to_string_lossy().as_bytes())[..8]);
        Some(BuildCache {
            entry: root.join(CACHE_DIR).join("builds").join(format!("{name}.bin")),
            inputs,
            files: std::sync::Mutex::new(Some(Arc::new(files.found_only()))),
        })
    }

    /// The site's files as this build's fingerprint found them, for the build's kept
    /// parses (`ArticleCache::open`): one stat of each file and one read of the memo
    /// before the build's end. Given once: the cache holds them no longer.
    pub fn files(&self) -> Option<Arc<KnownFiles>> {
        self.files.lock().ok()?.take()
    }

    /// The last recorded build into `out`, read once: its report when its inputs were
    /// these and `out` still holds exactly what it wrote, else what it wrote there.
    pub fn recall(&self, out: &Path) -> Recalled {
        let Ok(bytes) = std::fs::read(&self.entry) else {
            return Recalled::Changed(None);
        };
        let Some((entry, folders, findings)) = read_entry(&bytes) else {
            return Recalled::Changed(None);
        };
        if entry.inputs == self.inputs.hex() && entry.output.matches(out) {
            // Findings that will not read back leave the build to be made again.
            if let Some(diagnostics) = findings::recall(findings, entry.findings) {
                return Recalled::UpToDate(Reused {
                    diagnostics,
                    articles: entry.articles,
                    pages: entry.pages,
                });
            }
        }
        Recalled::Changed(Some(entry.output.into_earlier(out).with_folders(folders)))
    }

    /// Records a clean build into `out`, unless an input changed while it ran (the output
    /// then matches neither fingerprint). `written` is what the build recorded of the files
    /// it wrote (`write::Staging::recording`): the whole folder's record after a commit in
    /// place, so that the folder is not read. Failing to write the cache fails nothing.
    pub fn remember(
        &self,
        root: &Path,
        settings: &Settings<'_>,
        out: &Path,
        written: crate::write::Written,
        diagnostics: &crate::diagnostic::Findings,
        counts: (usize, usize),
    ) {
        // The entry is made on one core while the other checks that no file changed
        // during the build (a stat of every file): it is written only if none did.
        let (unchanged, made) = rayon::join(
            || self.unchanged_since_opened(root, settings),
            || {
                let (output, folders) = manifest::Manifest::of_written(out, written)?;
                let folders = manifest::encode_folders(&folders);
                let (count, packed) = findings::pack(diagnostics).ok()?;
                let entry = Entry {
                    inputs: self.inputs.hex(),
                    output,
                    findings: count,
                    articles: counts.0,
                    pages: counts.1,
                };
                let stored = bincode::Options::serialize(form(usize::MAX), &entry).ok()?;
                Some((stored, folders, packed))
            },
        );
        let (true, Some((stored, folders, packed))) = (unchanged, made) else {
            return;
        };
        let length = (stored.len() as u64).to_le_bytes();
        let folders_length = (folders.len() as u64).to_le_bytes();
        let _ = frame::write(&self.entry, &[&length, &stored, &folders_length, &folders, &packed]);
    }
}

impl BuildCache {
    /// Whether the fingerprint taken now is the one taken when the cache was opened.
    /// Every file is stat'ed again against the memo as that fingerprint saved it, what it
    /// found: one written since (its times moved, whatever its size) is read, and changes
    /// the fingerprint.
    fn unchanged_since_opened(&self, root: &Path, settings: &Settings<'_>) -> bool {
        inputs::Fingerprint::of(root, settings).as_ref() == Some(&self.inputs)
    }
}

/// The folder `dir` as a build that wrote `written` into it left it, for the next build to
/// take files over from (`serve`'s preview, which keeps no record on disk), with what the
/// build found of its folders, as the cache keeps it for `build`: a save published in place
/// then reads again only the folders whose times changed; `None` when the folder cannot
/// be read.
pub fn earlier_output(dir: &Path, written: crate::write::Written) -> Option<crate::write::Earlier> {
    let (manifest, folders) = manifest::Manifest::of_written(dir, written)?;
    Some(manifest.into_earlier(dir).with_folders(folders))
}

/// An entry this binary wrote, what it found of the output's folders, and its findings
/// still packed.
fn read_entry(bytes: &[u8]) -> Option<(Entry, crate::write::PathTable<crate::write::FolderRead>, &[u8])> {
    let payload = frame::open(bytes).ok()?;
    let (stored, rest) = frame::take_sized(payload)?;
    let (folders, findings) = frame::take_sized(rest)?;
    let folders = manifest::decode_folders(folders)?;
    let entry = bincode::Options::deserialize(form(stored.len()), stored).ok()?;
    Some((entry, folders, findings))
}

/// The binary form entries are stored in (bincode's, lengths as varints, nothing left
/// over): a large site's record of its output is tens of thousands of paths and digests,
/// which JSON took a tenth of a warm build to write and read. No length read from an entry
/// may allocate more than `limit`, the entry's own length.
pub(super) fn form(limit: usize) -> impl bincode::Options {
    use bincode::Options;
    bincode::DefaultOptions::new().with_limit(limit as u64)
}

/// One cached build, as stored: this in the binary `form`, with its length before it, then
/// what it found of the output's folders (`manifest::encode_folders`), its length first,
/// then its findings packed (`findings`).
#[derive(Serialize, Deserialize)]
struct Entry {
    inputs: String,
    output: manifest::Manifest,
    /// How many findings follow.
    findings: usize,
    articles: usize,
    pages: usize,
}

/// A finding as stored; read back only when its code is one this binary knows.
#[derive(Serialize, Deserialize)]
pub(super) struct Finding {
    code: String,
    error: bool,
    file: String,
    line: u32,
    column: u32,
    message: String,
    hint: Option<String>,
}

impl Finding {
    pub(super) fn of(d: &Diagnostic) -> Finding {
        Finding {
            code: d.code.as_str().to_string(),
            error: d.severity == Severity::Error,
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            message: d.message.clone(),
            hint: d.hint.as_deref().map(str::to_string),
        }
    }

    pub(super) fn into_diagnostic(self) -> Option<Diagnostic> {
        let code = Code::ALL.into_iter().find(|code| code.as_str() == self.code)?;
        let severity = if self.error { Severity::Error } else { Severity::Warning };
        Some(Diagnostic {
            code,
            severity,
            file: self.file,
            line: self.line,
            column: self.column,
            message: self.message,
            hint: self.hint.map(std::borrow::Cow::Owned),
        })
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn settings() -> Settings<'static> {
        Settings {
            include_drafts: false,
            include_pending: false,
            deny_warnings: false,
            today: crate::date::Date::parse_iso("2026-12-06").expect("a date"),
            base_url: None,
            trusted_keys: None,
        }
    }

    #[test]
    fn a_source_written_while_the_build_ran_keeps_it_from_being_recorded() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).expect("content");
        let path = root.join("content/a.md");
        std::fs::write(&path, "one").expect("write");
        let cache = BuildCache::open(root, &root.join("public"), &settings()).expect("opens");
        assert!(cache.unchanged_since_opened(root, &settings()), "nothing changed");

        // Same length, modification time set back: only the change time tells.
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).expect("mtime");
        std::fs::write(&path, "two").expect("write");
        std::fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|file| file.set_modified(modified))
            .expect("set mtime");
        assert!(!cache.unchanged_since_opened(root, &settings()));

        // Touched without a change of bytes: read again, and the same.
        std::fs::write(&path, "one").expect("write");
        let cache = BuildCache::open(root, &root.join("public"), &settings()).expect("opens");
        std::fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|file| file.set_modified(modified))
            .expect("set mtime");
        assert!(cache.unchanged_since_opened(root, &settings()));
    }
}
