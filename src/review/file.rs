//! Writing a review edit back to its article without losing anything an editor did: the edit
//! replaces the file only if it still holds the text the edit was made from, and keeps the
//! file's byte-order mark, permissions and hard links.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum WriteError {
    /// The file no longer holds the text the edit was made from: someone saved it meanwhile.
    Changed,
    Io {
        action: &'static str,
        path: PathBuf,
        error: io::Error,
    },
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Changed => f.write_str(
                "the file changed since it was read (saved in an editor?); nothing was written: run the command again",
            ),
            WriteError::Io { action, path, error } => write!(f, "cannot {action} {}: {error}", path.display()),
        }
    }
}

impl std::error::Error for WriteError {}

const BOM: &[u8] = "\u{feff}".as_bytes();

/// Replaces the text of `path` (read without its byte-order mark, as the loader reads it)
/// by `edited`, if the file still holds `read`.
///
/// The file is compared again immediately before it is replaced. A file with one link is
/// replaced by renaming a sibling written with the same permissions, so an interruption
/// leaves the old or the new text, never half of one. A file with several hard links is
/// rewritten in place instead: a rename would cut it from its other names, which the editor
/// made on purpose, and the review lines are short enough that the window is small. The
/// compare and the replace are two steps, so a save landing between them would still be
/// lost; the window is one rename, instead of the whole load and check of the site.
pub fn replace_if_unchanged(path: &Path, read: &str, edited: &str) -> Result<(), WriteError> {
    // Write to the file a symlink points to: replacing the link by a file would cut it.
    let path = fs::canonicalize(path).map_err(io_error("read", path))?;
    let current = fs::read(&path).map_err(io_error("read", &path))?;
    let has_bom = current.starts_with(BOM);
    if without_bom(&current) != read.as_bytes() {
        return Err(WriteError::Changed);
    }
    let mut bytes = Vec::with_capacity(edited.len() + BOM.len());
    if has_bom {
        bytes.extend_from_slice(BOM);
    }
    bytes.extend_from_slice(edited.as_bytes());
    let metadata = fs::metadata(&path).map_err(io_error("read", &path))?;
    if link_count(&metadata) > 1 {
        rewrite_in_place(&path, &current, &bytes)
    } else {
        replace_by_rename(&path, &current, &bytes, metadata.permissions())
    }
}

fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

fn replace_by_rename(
    path: &Path,
    expected: &[u8],
    bytes: &[u8],
    permissions: fs::Permissions,
) -> Result<(), WriteError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.evident-{}", std::process::id()));
    let written = (|| -> io::Result<()> {
        let mut file = OpenOptions::new().write(true).create_new(true).open(&temp)?;
        file.set_permissions(permissions)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    let result = written.map_err(io_error("write", &temp)).and_then(|()| {
        if fs::read(path).map_err(io_error("read", path))? != expected {
            return Err(WriteError::Changed);
        }
        fs::rename(&temp, path).map_err(io_error("replace", path))
    });
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

fn rewrite_in_place(path: &Path, expected: &[u8], bytes: &[u8]) -> Result<(), WriteError> {
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(io_error("open", path))?;
    if read_all(&mut file).map_err(io_error("read", path))? != expected {
        return Err(WriteError::Changed);
    }
    (|| -> io::Result<()> {
        file.seek(SeekFrom::Start(0))?;
        file.write_all(bytes)?;
        file.set_len(bytes.len() as u64)?;
        file.sync_all()
    })()
    .map_err(io_error("write", path))
}

fn read_all(file: &mut File) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(unix)]
fn link_count(metadata: &fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(metadata)
}

#[cfg(not(unix))]
fn link_count(_: &fs::Metadata) -> u64 {
    1
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> WriteError {
    let path = path.to_path_buf();
    move |error| WriteError::Io { action, path, error }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_with(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        fs::write(&path, bytes).unwrap();
        (dir, path)
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_not_overwritten() {
        let (_dir, path) = file_with(b"---\nquestion: Saved by the editor?\n---\n");
        let result = replace_if_unchanged(&path, "---\nquestion: As read?\n---\n", "edited");
        assert!(matches!(result, Err(WriteError::Changed)), "{result:?}");
        assert_eq!(fs::read(&path).unwrap(), b"---\nquestion: Saved by the editor?\n---\n");
        assert_eq!(
            fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[test]
    fn a_change_between_writing_the_new_text_and_replacing_is_detected() {
        let (_dir, path) = file_with(b"saved meanwhile");
        let result = replace_by_rename(&path, b"as read", b"edited", fs::metadata(&path).unwrap().permissions());
        assert!(matches!(result, Err(WriteError::Changed)), "{result:?}");
        assert_eq!(fs::read(&path).unwrap(), b"saved meanwhile");
        assert_eq!(
            fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1,
            "no temporary file left"
        );
        let result = rewrite_in_place(&path, b"as read", b"edited");
        assert!(matches!(result, Err(WriteError::Changed)), "{result:?}");
        assert_eq!(fs::read(&path).unwrap(), b"saved meanwhile");
    }

    #[test]
    fn an_unchanged_file_is_replaced_and_keeps_its_byte_order_mark() {
        let (_dir, path) = file_with("\u{feff}old\r\n".as_bytes());
        replace_if_unchanged(&path, "old\r\n", "new\r\n").unwrap();
        assert_eq!(fs::read(&path).unwrap(), "\u{feff}new\r\n".as_bytes());
    }

    #[cfg(unix)]
    #[test]
    fn permissions_and_hard_links_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let (dir, path) = file_with(b"old text, longer than the new");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let other = dir.path().join("other-name.md");
        fs::hard_link(&path, &other).unwrap();
        replace_if_unchanged(&path, "old text, longer than the new", "new").unwrap();
        assert_eq!(fs::read(&other).unwrap(), b"new", "the hard link sees the edit");
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);

        let (_dir, single) = file_with(b"old");
        fs::set_permissions(&single, fs::Permissions::from_mode(0o640)).unwrap();
        replace_if_unchanged(&single, "old", "new").unwrap();
        assert_eq!(fs::read(&single).unwrap(), b"new");
        assert_eq!(fs::metadata(&single).unwrap().permissions().mode() & 0o777, 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_article_is_edited_through_its_link() {
        let (dir, target) = file_with(b"old");
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        replace_if_unchanged(&link, "old", "new").unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(fs::read(&target).unwrap(), b"new");
    }
}
