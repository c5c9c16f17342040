//! Stage 1, load: finds the site's content files and reads each exactly once.
//! Output: the raw text of every article and page, or a finding for each unreadable file.

pub mod split;

use crate::diagnostic::{Code, Diagnostic, Position};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// One content file's text, as read from disk.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the site root, `/`-separated: the name findings use.
    pub rel_path: String,
    /// Folder under `content/` (the article's section), empty for files at the top.
    pub section: String,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    Article,
    Page,
}

#[derive(Debug, Default)]
pub struct LoadedContent {
    pub articles: Vec<SourceFile>,
    pub pages: Vec<SourceFile>,
    /// The shared bibliography's files under `references/`, in name order.
    pub bibliography: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads every Markdown file under `content/`, in parallel, in a stable order.
/// `content/pages/` holds plain pages; everything else is an article.
pub fn load_content(root: &Path) -> LoadedContent {
    let content_dir = root.join("content");
    let mut found: Vec<(PathBuf, SourceKind)> = Vec::new();
    let mut diagnostics = Vec::new();
    let walker = WalkDir::new(&content_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() && is_markdown(entry.path()) => {
                let kind = if entry.path().parent() == Some(&content_dir.join("pages")) {
                    SourceKind::Page
                } else {
                    SourceKind::Article
                };
                found.push((entry.into_path(), kind));
            }
            Ok(_) => {}
            Err(error) => diagnostics.extend(unreadable_path(root, &error, "content")),
        }
    }

    let read: Vec<(Result<SourceFile, Diagnostic>, SourceKind)> = found
        .par_iter()
        .map(|(path, kind)| (read_source(root, &content_dir, path), *kind))
        .collect();
    let mut loaded = LoadedContent {
        diagnostics,
        ..LoadedContent::default()
    };
    for (result, kind) in read {
        match (result, kind) {
            (Ok(file), SourceKind::Article) => loaded.articles.push(file),
            (Ok(file), SourceKind::Page) => loaded.pages.push(file),
            (Err(diagnostic), _) => loaded.diagnostics.push(diagnostic),
        }
    }
    let (bibliography, problems) = load_bibliography(root);
    loaded.bibliography = bibliography;
    loaded.diagnostics.extend(problems);
    loaded
}

/// Reads the shared bibliography's files (`references/*.yaml|*.yml|*.json|*.bib`, at any
/// depth, hidden files skipped) in name order.
pub fn load_bibliography(root: &Path) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let dir = root.join(crate::bibliography::BIBLIOGRAPHY_DIR);
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let walker = WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
    for entry in walker {
        match entry {
            Ok(entry)
                if entry.file_type().is_file()
                    && crate::bibliography::is_bibliography_file(&entry.file_name().to_string_lossy()) =>
            {
                match read_source(root, &dir, entry.path()) {
                    Ok(file) => files.push(file),
                    Err(diagnostic) => problems.push(diagnostic),
                }
            }
            Ok(_) => {}
            Err(error) => problems.extend(unreadable_path(root, &error, "references")),
        }
    }
    (files, problems)
}

/// What `load_content` makes of one path: `None` when it would not read it at all (not
/// Markdown, hidden, a link, outside `content/`), else its kind and the file or the finding.
/// `serve` re-reads only the file an editor saved through this.
pub fn load_file(root: &Path, path: &Path) -> Option<(SourceKind, Result<SourceFile, Diagnostic>)> {
    let content_dir = root.join("content");
    let inside = path.strip_prefix(&content_dir).ok()?;
    let hidden = inside.components().any(|c| is_hidden(c.as_os_str()));
    // `load_content` walks without following links, so a linked file is not content there.
    let regular = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file());
    if hidden || !regular || !is_markdown(path) {
        return None;
    }
    let kind = if path.parent() == Some(&content_dir.join("pages")) {
        SourceKind::Page
    } else {
        SourceKind::Article
    };
    Some((kind, read_source(root, &content_dir, path)))
}

fn read_source(root: &Path, content_dir: &Path, path: &Path) -> Result<SourceFile, Diagnostic> {
    let rel = rel_path(root, path);
    let bytes = std::fs::read(path).map_err(|error| {
        Diagnostic::new(
            Code::ContentUnreadable,
            &rel,
            Position::START,
            format!("cannot read the file: {error}"),
        )
        .with_hint("check that the file exists and is readable")
    })?;
    let text = String::from_utf8(bytes).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        let valid = String::from_utf8_lossy(&error.as_bytes()[..offset]).into_owned();
        Diagnostic::new(
            Code::ContentUnreadable,
            &rel,
            position_of_offset(&valid, offset),
            "the file is not valid UTF-8",
        )
        .with_hint("save the file as UTF-8 in your editor")
    })?;
    let section = path
        .parent()
        .and_then(|parent| parent.strip_prefix(content_dir).ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    Ok(SourceFile {
        rel_path: rel,
        section,
        text: split::strip_bom(text),
    })
}

/// A finding for a path the walk could not enter; a missing top folder is simply empty.
fn unreadable_path(root: &Path, error: &walkdir::Error, folder: &str) -> Option<Diagnostic> {
    if error.depth() == 0 && error.io_error().map(|e| e.kind()) == Some(std::io::ErrorKind::NotFound) {
        return None;
    }
    let path = error.path().map(|p| rel_path(root, p)).unwrap_or_else(|| folder.into());
    Some(
        Diagnostic::new(
            Code::ContentUnreadable,
            &path,
            Position::START,
            format!("cannot read this path: {error}"),
        )
        .with_hint("check the file's permissions, or remove the broken link"),
    )
}

fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "md")
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

/// A path relative to the site root with `/` separators, as findings name files.
pub fn rel_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Byte offsets of line starts, so that many offsets in one file map to positions without
/// rescanning the text each time.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { text, starts }
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&start| start <= offset);
        let line_start = self.starts[line - 1];
        let column = self.text[line_start..offset].chars().count() as u32 + 1;
        Position::new(line as u32, column)
    }
}

/// The 1-based line and column (in characters) of a byte offset.
pub fn position_of_offset(text: &str, offset: usize) -> Position {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|b| *b == b'\n').count() as u32 + 1;
    let column = before[line_start..].chars().count() as u32 + 1;
    Position::new(line, column)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters_from_one() {
        let text = "ab\ncdé f\n";
        assert_eq!(position_of_offset(text, 0), Position::new(1, 1));
        assert_eq!(position_of_offset(text, 3), Position::new(2, 1));
        assert_eq!(position_of_offset(text, "ab\ncdé ".len()), Position::new(2, 5));
        assert_eq!(position_of_offset(text, 999), Position::new(3, 1));
        let index = LineIndex::new(text);
        for offset in [0, 1, 3, "ab\ncdé ".len(), 999] {
            assert_eq!(
                index.position(offset),
                position_of_offset(text, offset),
                "offset {offset}"
            );
        }
    }
}
