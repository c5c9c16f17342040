//! Stage 6, write: builds the new site in a staging folder beside the target and swaps it
//! in only when everything succeeded, so a failed build never damages the published one.

use anyhow::{Context as _, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

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
}

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        Staging::write(self, rel, bytes)
    }

    fn write_streamed(&self, rel: &str, fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
        let path = self.path_for(rel)?;
        let file = std::fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, file);
        fill(&mut out)
            .and_then(|()| out.flush())
            .with_context(|| format!("cannot write {}", path.display()))
    }
}

pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    committed: bool,
}

impl Staging {
    /// Creates an empty staging folder next to `target` (same file system, so the final
    /// rename is cheap and atomic per folder).
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
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
        }
        std::fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Staging {
            target: target.to_path_buf(),
            dir,
            committed: false,
        })
    }

    /// Writes one output file at a `/`-separated path relative to the site root.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path_for(rel)?;
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))
    }

    /// Where output file `rel` goes in the staging folder, its folder created.
    fn path_for(&self, rel: &str) -> Result<PathBuf> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        Ok(path)
    }

    /// Replaces the target with the staged site. The old site is moved aside first and
    /// removed only after the new one is in place.
    pub fn commit(mut self) -> Result<()> {
        let parent = self.dir.parent().unwrap_or(Path::new(".")).to_path_buf();
        let name = self
            .target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        let had_old = self.target.exists();
        if had_old {
            if old.exists() {
                std::fs::remove_dir_all(&old).with_context(|| format!("cannot clear {}", old.display()))?;
            }
            std::fs::rename(&self.target, &old)
                .with_context(|| format!("cannot move the previous site aside ({})", self.target.display()))?;
        }
        if let Err(error) = std::fs::rename(&self.dir, &self.target) {
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(error).with_context(|| format!("cannot move the new site into {}", self.target.display()));
        }
        self.committed = true;
        if had_old {
            remove_tree(&old).with_context(|| format!("cannot remove the previous site at {}", old.display()))?;
        }
        Ok(())
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
            let _ = std::fs::remove_dir_all(&self.dir);
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
}
