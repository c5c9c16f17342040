//! What killed builds leave beside an output folder, cleared at the next build: a build
//! stages its site in `.<name>.staging-<pid>` and moves the previous one aside to
//! `.<name>.old-<pid>` for the instant of the swap, or, publishing in place, leaves the
//! journal of its commit in the staging folder while it moves files into the output. A
//! process that died left them; one that still runs is working in them and they are left
//! alone.

use super::in_place::{JOURNAL, Journal};
use super::target::{MARKER, is_marked};
use std::path::{Path, PathBuf};

/// The name of the staging folder process `pid` uses for the output folder `name`.
pub fn staging_name(name: &str, pid: u32) -> String {
    format!(".{name}.staging-{pid}")
}

/// The name under which process `pid` keeps the previous output during the swap.
pub fn old_name(name: &str, pid: u32) -> String {
    format!(".{name}.old-{pid}")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Staging,
    Old,
}

/// A leftover's kind and owner, read from its name.
fn parse_leftover(file_name: &str, name: &str) -> Option<(Kind, u32)> {
    let rest = file_name.strip_prefix('.')?.strip_prefix(name)?;
    let (kind, pid) = if let Some(pid) = rest.strip_prefix(".staging-") {
        (Kind::Staging, pid)
    } else {
        (Kind::Old, rest.strip_prefix(".old-")?)
    };
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((kind, pid.parse().ok()?))
}

/// Whether process `pid` runs. A pid that cannot name a process (0, or beyond `i32`)
/// is never treated as dead: the folder it names is then not ours to judge.
pub fn is_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    if pid <= 0 {
        return true;
    }
    // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
    let answer = unsafe { libc::kill(pid, 0) };
    // EPERM: it exists, under another user.
    answer == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// What `clear` did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Cleared {
    /// The previous output, found moved aside by a build killed mid-swap, put back.
    pub restored: Option<PathBuf>,
    /// Leftover folders removed.
    pub removed: Vec<PathBuf>,
    /// The staging folder of a build killed while it published in place, whose commit
    /// was finished from its journal.
    pub finished: Vec<PathBuf>,
}

/// Clears the leftovers of dead processes beside `target`. When `target` itself is
/// missing and a dead build left the previous output aside, that output is put back first
/// (the newest, if several): a build killed between its two renames loses nothing. Only
/// folders that carry Evident's marker are touched, so a folder a person named like a
/// leftover (`.public.old-2024`) is never removed; links are never followed. Best effort:
/// what cannot be removed stays for the next build.
pub fn clear(target: &Path) -> Cleared {
    let mut cleared = Cleared::default();
    let (Some(parent), Some(name)) = (target.parent(), target.file_name().and_then(|n| n.to_str())) else {
        return cleared;
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return cleared;
    };
    let own = std::process::id();
    let mut dead: Vec<(Kind, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let file_name = entry.file_name();
            let (kind, pid) = parse_leftover(file_name.to_str()?, name)?;
            // A real folder (never a link) that Evident wrote, of a process that is gone.
            let is_folder = entry.file_type().is_ok_and(|t| t.is_dir());
            let ours = is_folder && is_marked(&entry.path());
            (ours && (pid == own || !is_alive(pid))).then(|| (kind, entry.path()))
        })
        .collect();
    dead.sort_by(|a, b| a.1.cmp(&b.1));
    // A build killed while it published in place: its commit is finished first, so that
    // the output is the site that build made, not a mix of two.
    let is_output = std::fs::symlink_metadata(target).is_ok_and(|m| m.is_dir()) && is_marked(target);
    for (_, path) in dead.iter().filter(|(kind, _)| *kind == Kind::Staging) {
        let Some(journal) = Journal::read(path) else {
            continue;
        };
        if is_output && journal.apply(path, target, None).is_ok_and(|done| done) {
            let _ = std::fs::remove_file(path.join(JOURNAL));
            cleared.finished.push(path.clone());
        }
    }
    // A commit that could not be finished keeps its journal for a later build to try again.
    dead.retain(|(_, path)| std::fs::symlink_metadata(path.join(JOURNAL)).is_err());
    if std::fs::symlink_metadata(target).is_err() {
        let newest = dead
            .iter()
            .filter(|(kind, _)| *kind == Kind::Old)
            .max_by_key(|(_, path)| std::fs::metadata(path.join(MARKER)).and_then(|m| m.modified()).ok())
            .map(|(_, path)| path.clone());
        if let Some(old) = newest {
            if std::fs::rename(&old, target).is_ok() {
                dead.retain(|(_, path)| *path != old);
                cleared.restored = Some(old);
            }
        }
    }
    for (_, path) in dead {
        if super::remove_tree(&path).is_ok() {
            cleared.removed.push(path);
        }
    }
    cleared
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(path: &Path, marked: bool) {
        std::fs::create_dir_all(path.join("questions")).unwrap();
        std::fs::write(path.join("index.html"), path.display().to_string()).unwrap();
        if marked {
            super::super::target::mark(path).unwrap();
        }
    }

    /// A pid no process has: above the kernel's limit (`pid_max` is at most 2^22).
    const DEAD: u32 = 99_999_999;

    #[test]
    fn names_are_read_back() {
        assert_eq!(
            parse_leftover(".public.staging-42", "public"),
            Some((Kind::Staging, 42))
        );
        assert_eq!(parse_leftover(".public.old-7", "public"), Some((Kind::Old, 7)));
        for other in [
            ".public.old-",
            ".public.old-x1",
            ".publicx.old-1",
            "public.old-1",
            ".other.old-1",
        ] {
            assert_eq!(parse_leftover(other, "public"), None, "{other}");
        }
    }

    #[test]
    fn only_dead_processes_are_dead() {
        assert!(is_alive(std::process::id()));
        assert!(is_alive(1), "init runs (or answers EPERM)");
        assert!(!is_alive(DEAD));
        assert!(is_alive(0) && is_alive(u32::MAX), "not a single process: left alone");
    }

    #[test]
    fn dead_leftovers_go_and_live_or_foreign_ones_stay() {
        let temp = tempfile::tempdir().unwrap();
        let target = temp.path().join("public");
        folder(&target, true);
        let dead_staging = temp.path().join(staging_name("public", DEAD));
        let dead_old = temp.path().join(old_name("public", DEAD + 1));
        let live = temp.path().join(staging_name("public", 1));
        let unmarked = temp.path().join(old_name("public", DEAD + 2));
        let other_site = temp.path().join(staging_name("other", DEAD));
        folder(&dead_staging, true);
        folder(&dead_old, true);
        folder(&live, true);
        folder(&unmarked, false);
        folder(&other_site, true);
        let cleared = clear(&target);
        assert_eq!(cleared.restored, None, "the output is in place");
        assert_eq!(
            cleared.removed,
            [dead_old.clone(), dead_staging.clone()],
            "in name order"
        );
        assert!(!dead_staging.exists() && !dead_old.exists());
        assert!(live.exists(), "a running process's staging folder is kept");
        assert!(unmarked.exists(), "a folder without the marker is not Evident's");
        assert!(other_site.exists(), "another output's leftovers are not this one's");
        assert!(target.join("index.html").exists());
    }

    #[test]
    fn a_swap_cut_between_its_renames_is_undone() {
        let temp = tempfile::tempdir().unwrap();
        let target = temp.path().join("public");
        let old = temp.path().join(old_name("public", DEAD));
        let staged = temp.path().join(staging_name("public", DEAD));
        folder(&old, true);
        folder(&staged, true);
        let cleared = clear(&target);
        assert_eq!(cleared.restored, Some(old.clone()));
        assert_eq!(
            std::fs::read_to_string(target.join("index.html")).unwrap(),
            old.display().to_string(),
            "the previous output is back at its path"
        );
        assert!(!old.exists() && !staged.exists());
    }

    #[test]
    fn links_are_not_followed() {
        let temp = tempfile::tempdir().unwrap();
        let elsewhere = temp.path().join("elsewhere");
        folder(&elsewhere, true);
        let link = temp.path().join(staging_name("public", DEAD));
        std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
        let cleared = clear(&temp.path().join("public"));
        assert_eq!(cleared, Cleared::default());
        assert!(elsewhere.join("index.html").exists());
    }
}
