//! Ctrl-C during a build: the staging folders the process is writing are removed before
//! it exits, so an interrupted build leaves only what was there before it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// The staging folders this process is writing. A swap holds the lock while it renames,
/// so an interruption comes wholly before it (staging removed, output untouched) or wholly
/// after (the new output in place).
static STAGING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Set once an interruption came: the writers stop adding files to the folders that are
/// being removed.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

pub(super) fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

pub(super) fn lock() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    STAGING.lock().unwrap_or_else(|e| e.into_inner())
}

pub(super) fn register(dir: &Path) {
    lock().push(dir.to_path_buf());
}

pub(super) fn forget(held: &mut Vec<PathBuf>, dir: &Path) {
    held.retain(|d| d != dir);
}

/// Removes this process's staging folders on SIGINT, SIGTERM or SIGHUP, then exits with
/// 130 (the shell's status for an interrupted command). Call once, early, from commands
/// that build; a second call changes nothing.
pub fn remove_staging_on_interrupt() {
    let installed = ctrlc::set_handler(|| {
        INTERRUPTED.store(true, Ordering::SeqCst);
        let held = lock();
        for dir in held.iter() {
            remove_while_written(dir);
        }
        eprintln!("interrupted: the unfinished build was removed; the output folder holds the last finished one");
        std::process::exit(130);
    });
    // Already installed, or the system refused: builds then leave their staging folder to
    // the next build, which removes it.
    drop(installed);
}

/// Removes `dir`, which rendering threads may still be writing a last file into: a write
/// that began before the interruption can add a file (or make a folder again) after a
/// removal, so it is tried again until the folder stays gone, for at most a second.
fn remove_while_written(dir: &Path) {
    for _ in 0..50 {
        let _ = std::fs::remove_dir_all(dir);
        if std::fs::symlink_metadata(dir).is_err() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
