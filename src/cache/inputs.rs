//! The fingerprint of everything a build reads: the binary, the options, "today", the
//! site's files (`evident.yaml`, the site approval, `synonyms.yaml`, the retraction list it
//! names, and every file under the folders the stages read) and the state of git's refs
//! (history pages and editions come from commits and tags). Two builds with equal
//! fingerprints write the same bytes.

use super::Settings;
use super::known::KnownFiles;
use crate::review::root::Source;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::Command;

/// The files at the top of a site that a build reads, besides those `evident.yaml` names.
pub const SITE_FILES: [&str; 3] = [
    crate::config::CONFIG_FILE,
    crate::review::site::APPROVAL_FILE,
    crate::search::synonyms::SITE_FILE,
];

/// The folders of the site whose files any stage reads: `static/` too, as its files are
/// copied to the output and an article's approval covers the bytes of those it embeds.
pub const SOURCE_DIRS: [&str; 6] = [
    "content",
    "references",
    "templates",
    "theme",
    "people",
    crate::site_path::STATIC_DIR,
];

/// The folders whose files the kept parses' shared inputs name (`ArticleCache::open`): a
/// build's fingerprint keeps its listings of them for that one later walk
/// (`Walk::NowAndKeep`), which takes them rather than reading the folders again.
pub(super) const READ_BY_PARSES: [&str; 5] = ["references", "people", "theme", crate::site_path::STATIC_DIR, "content"];

/// How `Fields::tree` comes by a folder's entries.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Walk {
    /// Read the folder now.
    Now,
    /// Read it now and keep the listing in `KnownFiles` for one `Kept` walk.
    NowAndKeep,
    /// Take the listing an earlier walk of this build kept, else read the folder now.
    Kept,
}

/// One entry of a folder as a walk found it, relative to the site's root (its path is
/// made again from that when the file is looked at: held twice, the listing of a large
/// site's content was twice its size while it waited for its second walk).
pub(super) struct Listed {
    /// As the file system names it: a name that is not UTF-8 is hashed as its lossy text
    /// but looked at by its own bytes.
    rel: Box<Path>,
    /// A folder; else a file, with the target of the link it is, if it is one.
    folder: bool,
    link: Option<Box<str>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// `None` when something the build depends on cannot be read as it would be (such a
    /// build is never cached).
    pub fn of(root: &Path, settings: &Settings<'_>) -> Option<Fingerprint> {
        let known = KnownFiles::open(root);
        let fingerprint = Fingerprint::with(&known, root, settings, Walk::Now);
        known.save();
        fingerprint
    }

    /// `of`, the files' digests taken from `known` where it holds them for the files as
    /// they are now; `known` learns the rest, and is not saved. With `Walk::NowAndKeep`,
    /// `known` also keeps the listings of the folders `READ_BY_PARSES` names.
    pub(super) fn with(known: &KnownFiles, root: &Path, settings: &Settings<'_>, walk: Walk) -> Option<Fingerprint> {
        let mut hash = Fields(Sha256::new());
        hash.field(b"binary", crate::embedded::binary_identity().as_bytes());
        hash.settings(settings)?;
        for name in SITE_FILES {
            hash.file(known, name, &root.join(name));
        }
        for name in named_files(root) {
            hash.file(known, "retraction list", &root.join(name));
        }
        for dir in SOURCE_DIRS {
            let walk = match walk {
                Walk::NowAndKeep if READ_BY_PARSES.contains(&dir) => Walk::NowAndKeep,
                _ => Walk::Now,
            };
            hash.tree(known, root, dir, &|_| true, walk)?;
        }
        hash.field(b"git", &git_state(root));
        Some(Fingerprint(hash.0.finalize().into()))
    }

    pub fn hex(&self) -> String {
        crate::text::hex(&self.0)
    }
}

/// A hasher fed with named, length-prefixed fields, so that no two different sequences of
/// fields hash the same bytes.
pub(super) struct Fields(pub(super) Sha256);

impl Fields {
    pub(super) fn field(&mut self, name: &[u8], value: &[u8]) {
        for part in [name, value] {
            self.0.update((part.len() as u64).to_le_bytes());
            self.0.update(part);
        }
    }

    pub(super) fn settings(&mut self, settings: &Settings<'_>) -> Option<()> {
        // The sitemap's addresses a file are read from the environment (`sitemap::limits`).
        let flags = format!(
            "drafts={} pending={} deny={} today={} base_url={:?} sitemap_urls={}",
            settings.include_drafts,
            settings.include_pending,
            settings.deny_warnings,
            settings.today,
            settings.base_url,
            crate::render::sitemap::limits().urls
        );
        self.field(b"options", flags.as_bytes());
        self.trusted_keys(settings)
    }

    /// The keys that may sign approvals, as the options give them.
    pub(super) fn trusted_keys(&mut self, settings: &Settings<'_>) -> Option<()> {
        match settings.trusted_keys {
            None => self.field(b"trusted keys", b""),
            Some(Source::Environment(keys)) => self.field(b"trusted keys from the environment", keys.as_bytes()),
            Some(Source::File(path)) => self.field(b"trusted keys file", &std::fs::read(path).ok()?),
        }
        Some(())
    }

    /// A file by name: the digest of its bytes, or of why it is absent or unreadable
    /// (`known` has it when the file did not change since it was last read).
    pub(super) fn file(&mut self, known: &KnownFiles, name: &str, path: &Path) {
        self.field(name.as_bytes(), &known.digest(path));
    }

    /// Every entry under `root/dir`, in name order: folders by name, files by name and
    /// the digest of their bytes, links by target and, where it leads to a file, that
    /// file's digest; of files `counts` refuses, nothing. The files are read and digested
    /// on every core (a large site's sources are tens of megabytes, read twice a build);
    /// the digests go in in name order. A file `known` has, unchanged, is not read.
    /// `walk` says whether the folder is read now or its listing taken from an earlier
    /// walk of this build (see `Walk`): the same entries either way, as the fingerprint
    /// that kept it found them.
    pub(super) fn tree(
        &mut self,
        known: &KnownFiles,
        root: &Path,
        dir: &str,
        counts: &(dyn Fn(&Path) -> bool + Sync),
        walk: Walk,
    ) -> Option<()> {
        let kept = match walk {
            Walk::Kept => known.take_listing(dir),
            Walk::Now | Walk::NowAndKeep => None,
        };
        let listing = match kept {
            Some(listing) => listing,
            None => list(root, dir)?,
        };
        let Some(entries) = &listing else {
            self.field(dir.as_bytes(), b"absent");
            return Some(());
        };
        let digests: Vec<Option<[u8; 32]>> = entries
            .par_iter()
            .map(|entry| {
                let path = root.join(&entry.rel);
                (!entry.folder && counts(&path)).then(|| known.digest(&path))
            })
            .collect();
        for (entry, digest) in entries.iter().zip(digests) {
            let rel = entry.rel.to_string_lossy();
            if entry.folder {
                self.field(b"folder", rel.as_bytes());
            } else if let Some(digest) = digest {
                if let Some(target) = &entry.link {
                    self.field(b"link", target.as_bytes());
                }
                // As `file` puts it in, read on another core.
                self.field(rel.as_bytes(), &digest);
            }
        }
        if walk == Walk::NowAndKeep {
            known.keep_listing(dir, listing);
        }
        Some(())
    }
}

/// Every entry under `root/dir`, in name order (`None` inside for a folder that is not
/// there); `None` when the folder cannot be read whole, or a link's target read.
fn list(root: &Path, dir: &str) -> Option<Option<Vec<Listed>>> {
    let base = root.join(dir);
    if !base.exists() {
        return Some(None);
    }
    let mut listed = Vec::new();
    for entry in walkdir::WalkDir::new(&base).sort_by_file_name() {
        let entry = entry.ok()?;
        let rel: Box<Path> = entry.path().strip_prefix(root).ok()?.into();
        let kind = entry.file_type();
        let link = if kind.is_symlink() {
            Some(std::fs::read_link(entry.path()).ok()?.to_string_lossy().into())
        } else {
            None
        };
        listed.push(Listed {
            rel,
            folder: kind.is_dir(),
            link,
        });
    }
    Some(Some(listed))
}

/// The files `evident.yaml` names that a build reads, relative to the site root as written
/// there: the retraction list (`citations: retractions:`).
pub fn named_files(root: &Path) -> Vec<String> {
    retraction_list(root).into_iter().collect()
}

/// The retraction list `evident.yaml` names (`citations: retractions:`), if it names one.
fn retraction_list(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).ok()?;
    let config: serde_yaml::Value = serde_yaml::from_str(&text).ok()?;
    config
        .get("citations")?
        .get("retractions")?
        .as_str()
        .map(str::to_string)
}

/// Where HEAD points and every ref with its commit, as git reports them (worktrees and
/// packed refs included); empty outside a repository or without git, as the history stage
/// then reads no history either.
fn git_state(root: &Path) -> Vec<u8> {
    let run = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .map(|o| [o.status.success().to_string().into_bytes(), o.stdout].concat())
            .unwrap_or_default()
    };
    let mut state = run(&["rev-parse", "--show-toplevel", "HEAD"]);
    state.extend(run(&["for-each-ref", "--format=%(refname) %(objectname)"]));
    state
}
