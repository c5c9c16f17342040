//! Watching the site: the file system's noisy events become a few changes an editor can
//! make, by one pure function (`classify`, tested for every kind of event and path), and
//! the changes of one save are gathered into one batch (`Watcher::next_batch`).

use notify::event::{AccessKind, AccessMode, CreateKind, MetadataKind, ModifyKind, RemoveKind};
use notify::{EventKind, RecursiveMode, Watcher as _};
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

// The folders `serve` watches besides `evident.yaml` are those the build cache
// fingerprints: the folders whose files a build reads, one list for both.
use crate::cache::SOURCE_DIRS as WATCHED_DIRS;

/// What one file-system event means for the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// One Markdown file under `content/` was written, created or removed (its path
    /// relative to the site root, `/`-separated, as findings name it).
    Content(String),
    /// A folder under `content/` appeared, vanished or was renamed: which files changed is
    /// not known, so all content is read again.
    ContentTree,
    /// The shared bibliography: any article may cite it.
    References,
    /// The people registry: any approval may name someone in it, and keys verify them all.
    People,
    Templates,
    Theme,
    Config,
    /// Another file at the top of the site that a build reads (`synonyms.yaml`, the site
    /// approval), by name.
    SiteFile(String),
    /// A commit, a checkout or a tag: the articles' histories and the editions may differ.
    History,
    /// Editor temporary files, hidden files, reads, anything outside the watched places.
    Ignored,
}

/// What the path of an event is now, as the caller saw it just after the event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathKind {
    File,
    Dir,
    /// Not there (any more).
    Missing,
    /// Not there any more, and files of the site were in it: a folder moved or deleted.
    MissingFolder,
}

/// A file `evident.yaml` names, as written there and where that is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub written: String,
    pub at: PathBuf,
}

impl Named {
    /// The files the configuration under `root` names now (`cache::named_files`).
    pub fn read(root: &Path) -> Vec<Named> {
        crate::cache::named_files(root)
            .into_iter()
            .map(|written| Named {
                at: root.join(&written),
                written,
            })
            .collect()
    }
}

/// Maps one event to a change. Pure: the caller looks at the disk (`kind`) and says which
/// files `evident.yaml` names (`named`).
pub fn classify(root: &Path, event: &EventKind, path: &Path, kind: PathKind, named: &[Named]) -> Change {
    if !changes_something(event) {
        return Change::Ignored;
    }
    // Wherever it is, even outside the site, a file the configuration names is read by
    // every build.
    if let Some(file) = named.iter().find(|file| file.at == path) {
        return Change::SiteFile(file.written.clone());
    }
    let Ok(rel) = path.strip_prefix(root) else {
        return Change::Ignored;
    };
    let parts: Vec<&str> = match rel.components().map(normal).collect::<Option<Vec<_>>>() {
        Some(parts) if !parts.is_empty() => parts,
        _ => return Change::Ignored,
    };
    let name = parts[parts.len() - 1];
    if parts[1..].iter().any(|p| p.starts_with('.')) || is_editor_temporary(name) {
        return Change::Ignored;
    }
    match parts[0] {
        crate::config::CONFIG_FILE if parts.len() == 1 => Change::Config,
        // The same list the build cache fingerprints: what a build reads, a change rebuilds.
        file if parts.len() == 1 && crate::cache::SITE_FILES.contains(&file) => Change::SiteFile(file.to_string()),
        // What a commit, checkout or tag moves; objects and the index change on their own.
        GIT_DIR if matches!(parts.get(1), Some(&"HEAD" | &"packed-refs" | &"refs")) => Change::History,
        "content" if parts.len() == 1 => Change::ContentTree,
        "content" => {
            // A folder that appears, vanishes or is renamed carries its files with it
            // without an event for each: only reading everything again finds them.
            let folder = matches!(kind, PathKind::Dir | PathKind::MissingFolder)
                || matches!(
                    event,
                    EventKind::Create(CreateKind::Folder) | EventKind::Remove(RemoveKind::Folder)
                );
            if folder {
                Change::ContentTree
            } else if name.ends_with(".md") {
                Change::Content(parts.join("/"))
            } else {
                Change::Ignored
            }
        }
        "references" => Change::References,
        "people" => Change::People,
        "templates" => Change::Templates,
        "theme" => Change::Theme,
        _ => Change::Ignored,
    }
}

fn normal(component: Component<'_>) -> Option<&str> {
    match component {
        Component::Normal(part) => part.to_str(),
        _ => None,
    }
}

/// Reads, opens and access-time updates change nothing; writes, creations, removals,
/// renames and other metadata changes (`touch`) may.
fn changes_something(event: &EventKind) -> bool {
    match event {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    }
}

/// Files editors write beside the one being edited, which must not trigger a rebuild.
fn is_editor_temporary(name: &str) -> bool {
    name.starts_with('.')                       // vim .x.swp, emacs .#x lock, gedit .goutputstream
        || name.ends_with('~')                  // vim, emacs and nano backups
        || name.ends_with(".swp")
        || name.ends_with(".swo")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".kate-swp")
        || name.ends_with(".crswap")            // Chrome's File System Access writes
        || name.ends_with("___jb_tmp___")       // JetBrains safe write
        || name.ends_with("___jb_old___")
        || (name.starts_with('#') && name.ends_with('#')) // emacs auto-save
        || (!name.is_empty() && name.bytes().all(|b| b.is_ascii_digit())) // vim's 4913 probe
}

/// What a batch of changes touched, for the terminal ("content/a/x.md", "theme/"); empty
/// when nothing of the site changed. Any change rebuilds the whole site.
pub fn changed(changes: impl IntoIterator<Item = Change>) -> BTreeSet<String> {
    let mut touched = BTreeSet::new();
    for change in changes {
        let what = match change {
            Change::Content(file) => file,
            Change::ContentTree => "content/".to_string(),
            Change::References => "references/".to_string(),
            Change::People => "people/".to_string(),
            Change::Templates => "templates/".to_string(),
            Change::Theme => "theme/".to_string(),
            Change::Config => crate::config::CONFIG_FILE.to_string(),
            Change::SiteFile(name) => name,
            Change::History => "git history".to_string(),
            Change::Ignored => continue,
        };
        touched.insert(what);
    }
    touched
}

/// The site's git folder, when the site is the top of a repository.
const GIT_DIR: &str = ".git";

/// After the first event of a batch, wait until the file system has been quiet this long:
/// one save is several events (write, rename, chmod) within a few milliseconds.
const QUIET: Duration = Duration::from_millis(15);
/// …but never longer than this, so a process writing continuously still gets previews.
const LONGEST_BATCH: Duration = Duration::from_millis(300);

/// The site's watched places, with their events in a channel.
pub struct Watcher {
    root: PathBuf,
    inner: notify::RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    watching: BTreeSet<PathBuf>,
    /// The files `evident.yaml` names, as it was when last read; their folders are watched.
    named: Vec<Named>,
}

impl Watcher {
    pub fn start(root: &Path) -> notify::Result<Watcher> {
        let (sender, events) = channel();
        let mut inner = notify::recommended_watcher(sender)?;
        // The root alone, not its subfolders: `evident.yaml`, and watched folders that
        // appear later. Recursively it would also see `public/` and the preview output.
        inner.watch(root, RecursiveMode::NonRecursive)?;
        let mut watcher = Watcher {
            root: root.to_path_buf(),
            inner,
            events,
            watching: BTreeSet::new(),
            named: Vec::new(),
        };
        watcher.watch_folders();
        // A commit moves a ref in `.git/refs` and `HEAD`; `.git` itself sees `packed-refs`.
        let git = root.join(GIT_DIR);
        if git.is_dir() {
            let _ = watcher.inner.watch(&git, RecursiveMode::NonRecursive);
            let _ = watcher.inner.watch(&git.join("refs"), RecursiveMode::Recursive);
        }
        Ok(watcher)
    }

    /// The files `evident.yaml` named when the watched folders were last brought up to date.
    pub fn named(&self) -> &[Named] {
        &self.named
    }

    /// Watches each of `WATCHED_DIRS` and the folder of each file `evident.yaml` names that
    /// exists and is not watched yet; forgets those that vanished or are no longer named,
    /// so that they are watched again when they come back.
    fn watch_folders(&mut self) {
        self.named = Named::read(&self.root);
        // The root is watched already; a named file's folder may be anywhere, as a build
        // reads it wherever it is.
        let named_dirs = self.named.iter().filter_map(|file| {
            let dir = file.at.parent()?.to_path_buf();
            (dir != self.root).then_some(dir)
        });
        let wanted: BTreeSet<PathBuf> = WATCHED_DIRS
            .iter()
            .map(|name| self.root.join(name))
            .chain(named_dirs)
            .collect();
        for dir in self.watching.clone() {
            if !wanted.contains(&dir) || !dir.is_dir() {
                self.watching.remove(&dir);
                let _ = self.inner.unwatch(&dir);
            }
        }
        for dir in wanted {
            let mode = if WATCHED_DIRS.iter().any(|name| self.root.join(name) == dir) {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            if dir.is_dir() && !self.watching.contains(&dir) && self.inner.watch(&dir, mode).is_ok() {
                self.watching.insert(dir);
            }
        }
    }

    /// Blocks until something happens, then gathers what follows within a quiet moment:
    /// each event's kind and path. `None`: the watcher stopped.
    pub fn next_batch(&mut self) -> Option<Vec<(EventKind, PathBuf)>> {
        let mut batch = Vec::new();
        collect(&self.root, &mut batch, self.events.recv().ok()?);
        let deadline = Instant::now() + LONGEST_BATCH;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(QUIET.min(left)) {
                Ok(event) => collect(&self.root, &mut batch, event),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        self.watch_folders();
        Some(batch)
    }
}

fn collect(root: &Path, batch: &mut Vec<(EventKind, PathBuf)>, event: notify::Result<notify::Event>) {
    match event {
        // The kernel's queue overflowed: what changed is unknown, so report the whole
        // content folder as changed, which reads everything again.
        Ok(event) if event.need_rescan() => batch.push((EventKind::Any, root.join("content"))),
        Ok(event) => batch.extend(event.paths.into_iter().map(|path| (event.kind, path))),
        // A watch failed: the same.
        Err(error) => {
            batch.extend(error.paths.into_iter().map(|path| (EventKind::Any, path)));
            batch.push((EventKind::Any, root.join("content")));
        }
    }
}

/// Looks at the disk for `classify`; `held_files` tells whether a vanished path was a
/// folder of the site's files (a temporary file renamed into place vanishes too).
pub fn path_kind(path: &Path, held_files: impl FnOnce(&Path) -> bool) -> PathKind {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => PathKind::Dir,
        Ok(_) => PathKind::File,
        Err(_) if held_files(path) => PathKind::MissingFolder,
        Err(_) => PathKind::Missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{DataChange, RenameMode};

    const WRITE: EventKind = EventKind::Modify(ModifyKind::Data(DataChange::Content));

    fn at(path: &str, event: EventKind, kind: PathKind) -> Change {
        classify(Path::new("/site"), &event, &Path::new("/site").join(path), kind, &[])
    }

    fn content(path: &str) -> Change {
        Change::Content(path.to_string())
    }

    #[test]
    fn saving_an_article_is_a_content_change_whatever_the_event() {
        let file = "content/cardiology/statins.md";
        for event in [
            WRITE,
            EventKind::Create(CreateKind::File),
            EventKind::Remove(RemoveKind::File),
            EventKind::Modify(ModifyKind::Name(RenameMode::To)),
            EventKind::Modify(ModifyKind::Name(RenameMode::From)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)),
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            EventKind::Any,
        ] {
            assert_eq!(at(file, event, PathKind::File), content(file), "{event:?}");
        }
        assert_eq!(at(file, WRITE, PathKind::Missing), content(file), "deleted");
        assert_eq!(
            at("content/pages/about.md", WRITE, PathKind::File),
            content("content/pages/about.md")
        );
    }

    #[test]
    fn reading_is_not_a_change() {
        let file = "content/cardiology/statins.md";
        for event in [
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            EventKind::Access(AccessKind::Read),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)),
        ] {
            assert_eq!(at(file, event, PathKind::File), Change::Ignored, "{event:?}");
        }
    }

    #[test]
    fn editor_temporary_files_are_ignored() {
        for name in [
            "content/a/.statins.md.swp",
            "content/a/statins.md.swp",
            "content/a/statins.md~",
            "content/a/4913",
            "content/a/.#statins.md",
            "content/a/#statins.md#",
            "content/a/statins.md.tmp",
            "content/a/statins.md___jb_tmp___",
            "content/a/statins.md.kate-swp",
            "content/.hidden/statins.md",
            "templates/.article.html.swp",
            "templates/article.html~",
            "theme/4913",
            ".evident.yaml.swp",
            "evident.yaml~",
        ] {
            for kind in [PathKind::File, PathKind::Missing] {
                assert_eq!(at(name, WRITE, kind), Change::Ignored, "{name} {kind:?}");
            }
        }
    }

    #[test]
    fn a_file_the_configuration_names_is_a_site_file_wherever_it_is() {
        let root = Path::new("/site");
        let named = [
            Named {
                written: "data/retractions.csv".into(),
                at: root.join("data/retractions.csv"),
            },
            Named {
                written: "../shared/rw.csv".into(),
                at: root.join("../shared/rw.csv"),
            },
        ];
        let change = |path: &Path| classify(root, &WRITE, path, PathKind::File, &named);
        assert_eq!(
            change(&root.join("data/retractions.csv")),
            Change::SiteFile("data/retractions.csv".into())
        );
        assert_eq!(
            change(&root.join("../shared/rw.csv")),
            Change::SiteFile("../shared/rw.csv".into())
        );
        // Its neighbours are not, and without the configuration naming it neither is it.
        assert_eq!(change(&root.join("data/notes.csv")), Change::Ignored);
        assert_eq!(change(&root.join("../shared/other.csv")), Change::Ignored);
        assert_eq!(at("data/retractions.csv", WRITE, PathKind::File), Change::Ignored);
    }

    #[test]
    fn other_places_map_to_their_kind_of_change() {
        assert_eq!(at("evident.yaml", WRITE, PathKind::File), Change::Config);
        for file in ["synonyms.yaml", "site-approval.yaml"] {
            assert_eq!(at(file, WRITE, PathKind::File), Change::SiteFile(file.to_string()));
            assert_eq!(
                at(file, EventKind::Remove(RemoveKind::File), PathKind::Missing),
                Change::SiteFile(file.to_string())
            );
        }
        assert_eq!(at("notes.yaml", WRITE, PathKind::File), Change::Ignored);
        assert_eq!(at("content/synonyms.yaml", WRITE, PathKind::File), Change::Ignored);
        assert_eq!(at("templates/article.html", WRITE, PathKind::File), Change::Templates);
        assert_eq!(at("people/jane-example.md", WRITE, PathKind::File), Change::People);
        assert_eq!(
            at("templates/partials/review.html", WRITE, PathKind::File),
            Change::Templates
        );
        assert_eq!(at("templates", WRITE, PathKind::Dir), Change::Templates);
        assert_eq!(at("theme/evident.css", WRITE, PathKind::File), Change::Theme);
        assert_eq!(at("references/library.bib", WRITE, PathKind::File), Change::References);
        assert_eq!(at("content", WRITE, PathKind::Missing), Change::ContentTree);
        assert_eq!(
            at(
                "content/new-topic",
                EventKind::Create(CreateKind::Folder),
                PathKind::Dir
            ),
            Change::ContentTree
        );
        assert_eq!(
            at(
                "content/old-topic",
                EventKind::Remove(RemoveKind::Folder),
                PathKind::Missing
            ),
            Change::ContentTree
        );
        let moved_away = EventKind::Modify(ModifyKind::Name(RenameMode::From));
        assert_eq!(
            at("content/old-topic", moved_away, PathKind::MissingFolder),
            Change::ContentTree
        );
        assert_eq!(
            at("content/a/sedx1Yz9", moved_away, PathKind::Missing),
            Change::Ignored,
            "sed -i's temporary file"
        );
        assert_eq!(at("content/a/figure.png", WRITE, PathKind::File), Change::Ignored);
        assert_eq!(at("public/index.html", WRITE, PathKind::File), Change::Ignored);
        assert_eq!(at(".evident/serve/x", WRITE, PathKind::File), Change::Ignored);
        assert_eq!(at("notes.txt", WRITE, PathKind::File), Change::Ignored);
        assert_eq!(at("content/evident.yaml", WRITE, PathKind::File), Change::Ignored);
        assert_eq!(
            classify(
                Path::new("/site"),
                &WRITE,
                Path::new("/elsewhere/evident.yaml"),
                PathKind::File,
                &[]
            ),
            Change::Ignored
        );
        assert_eq!(
            classify(Path::new("/site"), &WRITE, Path::new("/site"), PathKind::Dir, &[]),
            Change::Ignored
        );
    }

    #[test]
    fn a_commit_checkout_or_tag_is_a_history_change() {
        for path in [
            ".git/HEAD",
            ".git/packed-refs",
            ".git/refs/heads/main",
            ".git/refs/tags/v1",
        ] {
            assert_eq!(at(path, WRITE, PathKind::File), Change::History, "{path}");
        }
        for path in [".git/index", ".git/objects/ab/cdef", ".git/config", ".gitignore"] {
            assert_eq!(at(path, WRITE, PathKind::File), Change::Ignored, "{path}");
        }
    }

    #[test]
    fn a_batch_names_what_it_touched_once() {
        assert!(changed([Change::Ignored, Change::Ignored]).is_empty());
        let touched = changed([
            content("content/a/x.md"),
            content("content/a/x.md"),
            Change::Theme,
            Change::History,
        ]);
        assert_eq!(
            touched.into_iter().collect::<Vec<_>>(),
            ["content/a/x.md", "git history", "theme/"]
        );
    }
}
