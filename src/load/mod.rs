//! Stage 1, load: finds the site's content files and reads each once.
//! Output: the raw text of every article and page, or a finding for each unreadable file.
//! The build reads each file just before parsing it (`parse::read_and_parse`) and keeps
//! only a `ContentFile` after; the rare reader of a text after that reads it again.

pub mod quoted;
pub mod split;

use crate::diagnostic::{Code, Diagnostic, Position};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

pub use crate::config::DEFAULT_MAX_FILE_SIZE;

/// The folder of the shared bibliography, which the loader reads beside `content/`.
pub const BIBLIOGRAPHY_DIR: &str = "references";

/// Whether a file in the bibliography folder is one Evident reads: our YAML, CSL-JSON or
/// BibTeX, told by its extension.
pub fn is_bibliography_file(name: &str) -> bool {
    let extension = name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase());
    matches!(extension.as_deref(), Some("yaml" | "yml" | "json" | "bib"))
}

/// One content file's text, as read from disk.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the site root, `/`-separated: the name findings use.
    pub rel_path: String,
    /// Folder under `content/` (the article's section), empty for files at the top.
    pub section: String,
    pub text: String,
    /// Whether the file began with a byte order mark, which `text` leaves out.
    pub bom: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    Article,
    Page,
}

/// What was read of a site's content: what stays of each article and page once
/// `parse::read_and_parse` has parsed and dropped its text.
#[derive(Debug, Default)]
pub struct LoadedContent {
    pub articles: Vec<ContentFile>,
    pub pages: Vec<ContentFile>,
    /// The shared bibliography's files under `references/`, in name order.
    pub bibliography: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What stays of a content file once it is parsed: its name and a digest of its text.
/// A large site's texts are most of what parsing leaves in memory, and nothing reads them
/// again but a finding that quotes a line or a history page that compares versions; those
/// read the file again, and the digest tells whether it changed in between.
#[derive(Clone, Debug)]
pub struct ContentFile {
    /// Path relative to the site root, `/`-separated: the name findings use.
    pub rel_path: String,
    digest: TextDigest,
}

/// Enough of a text to tell whether a file read again still holds it. The 64-bit hash of a
/// text read catches edits, not forgeries: a file changed during a build by someone who
/// wanted the change to go unnoticed is outside what this guards against. A file whose
/// parse was recalled without reading it is known by the SHA-256 of its bytes that the
/// build cache holds (`FileBytes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TextDigest {
    Read { len: usize, hash: u64 },
    Unread(FileBytes),
}

/// A file's length and the SHA-256 of its bytes, framed as `file_bytes_digest` frames them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileBytes {
    pub len: u64,
    pub sha256: [u8; 32],
}

/// The SHA-256 of a file whose bytes are `parts`, one after another: what the build cache
/// knows files by, so that a digest it kept from reading a file is the digest of the text
/// a build reads.
pub fn file_bytes_digest(parts: &[&[u8]]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    hash.update(b"bytes\n");
    for part in parts {
        hash.update(part);
    }
    hash.finalize().into()
}

impl TextDigest {
    fn of(text: &str) -> TextDigest {
        use std::hash::Hasher;
        let mut hasher = crate::fast_hash::FxHasher::default();
        hasher.write(text.as_bytes());
        TextDigest::Read {
            len: text.len(),
            hash: hasher.finish(),
        }
    }

    /// Whether `source`, read again, is the text this digest was taken of.
    fn holds_for(&self, source: &SourceFile) -> bool {
        match self {
            TextDigest::Read { .. } => TextDigest::of(&source.text) == *self,
            TextDigest::Unread(bytes) => source.file_bytes() == *bytes,
        }
    }

    /// How many bytes the file held.
    fn len(&self) -> u64 {
        match self {
            TextDigest::Read { len, .. } => *len as u64,
            TextDigest::Unread(bytes) => bytes.len,
        }
    }
}

impl SourceFile {
    /// Keeps the file's name and the digest of its text, and drops the text.
    pub fn into_content_file(self) -> ContentFile {
        ContentFile {
            digest: TextDigest::of(&self.text),
            rel_path: self.rel_path,
        }
    }

    /// The file's length and the digest of its bytes as read: the text, after the byte
    /// order mark it began with.
    pub fn file_bytes(&self) -> FileBytes {
        const BOM: &[u8] = "\u{feff}".as_bytes();
        let bom: &[u8] = if self.bom { BOM } else { b"" };
        FileBytes {
            len: (bom.len() + self.text.len()) as u64,
            sha256: file_bytes_digest(&[bom, self.text.as_bytes()]),
        }
    }
}

impl ContentFile {
    /// A file whose parse was recalled without reading it: named by `rel_path`, its bytes
    /// those the build cache knows.
    pub fn unread(rel_path: String, bytes: FileBytes) -> ContentFile {
        ContentFile {
            rel_path,
            digest: TextDigest::Unread(bytes),
        }
    }

    /// The file's text, read again from under `root`, when it is still the text that was
    /// parsed; a `content/changed` or `content/unreadable` finding otherwise.
    pub fn read_again(&self, root: &Path) -> Result<String, Diagnostic> {
        let path = root.join(&self.rel_path);
        let content_dir = root.join("content");
        let changed = || {
            Diagnostic::new(
                Code::ContentChanged,
                &self.rel_path,
                Position::START,
                "the file changed while the site was being built",
            )
            .with_hint("run the command again once the file is saved")
        };
        // A file that grew past what was parsed is changed: never read more of it than that.
        let limit = self.digest.len() + 3;
        let source = read_source(root, &content_dir, &path, limit).map_err(|d| match d.code {
            Code::ContentTooLarge => changed(),
            _ => d,
        })?;
        if !self.digest.holds_for(&source) {
            return Err(changed());
        }
        Ok(source.text)
    }
}

/// The content files of a site, in the order they are read and parsed, before any is read.
pub struct FoundContent {
    content_dir: PathBuf,
    max_file_size: u64,
    pub files: Vec<(PathBuf, SourceKind)>,
    /// Paths the walk could not enter.
    pub diagnostics: Vec<Diagnostic>,
}

impl FoundContent {
    /// Reads one of the found files.
    pub fn read(&self, root: &Path, path: &Path) -> Result<SourceFile, Diagnostic> {
        read_source(root, &self.content_dir, path, self.max_file_size)
    }

    /// One of the found files as it is named, not read: its path relative to `root` and
    /// its section, as `read` would give them.
    pub fn named(&self, root: &Path, path: &Path) -> (String, String) {
        (rel_path(root, path), section_of(&self.content_dir, path))
    }

    /// The most bytes `read` reads of a file.
    pub fn max_file_size(&self) -> u64 {
        self.max_file_size
    }
}

/// Finds every Markdown file under `content/` in a stable order (file names, depth first).
/// `content/pages/` holds plain pages; everything else is an article. `read` refuses files
/// over `max_file_size` bytes.
pub fn find_content(root: &Path, max_file_size: u64) -> FoundContent {
    let content_dir = root.join("content");
    let mut files: Vec<(PathBuf, SourceKind)> = Vec::new();
    let mut diagnostics = Vec::new();
    let walker = WalkDir::new(&content_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
    for entry in walker {
        match entry {
            Ok(entry) if entry.path_is_symlink() => diagnostics.extend(skipped_link(root, entry.path(), is_markdown)),
            Ok(entry) if entry.file_type().is_file() && is_markdown(entry.path()) => {
                let kind = if entry.path().parent() == Some(&content_dir.join("pages")) {
                    SourceKind::Page
                } else {
                    SourceKind::Article
                };
                files.push((entry.into_path(), kind));
            }
            Ok(_) => {}
            Err(error) => diagnostics.extend(unreadable_path(root, &error, "content")),
        }
    }
    FoundContent {
        content_dir,
        max_file_size,
        files,
        diagnostics,
    }
}

/// The text of each file `diagnostics` name, for quoting the offending line: the
/// bibliography's as held, the content files' read again. A file that changed since it was
/// parsed is left out, so that no finding quotes a line it was not about.
pub fn texts_named_by(
    root: &Path,
    loaded: &LoadedContent,
    diagnostics: &[Diagnostic],
) -> std::collections::HashMap<String, String> {
    quoted::Quoted::named_by(root, loaded, diagnostics).read_all()
}

/// Reads the shared bibliography's files (`references/*.yaml|*.yml|*.json|*.bib`, at any
/// depth, hidden files skipped) in name order; files over `max_file_size` bytes are refused.
pub fn load_bibliography(root: &Path, max_file_size: u64) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let dir = root.join(BIBLIOGRAPHY_DIR);
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let walker = WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
    let is_bibliography = |path: &Path| {
        path.file_name()
            .is_some_and(|name| is_bibliography_file(&name.to_string_lossy()))
    };
    for entry in walker {
        match entry {
            Ok(entry) if entry.path_is_symlink() => problems.extend(skipped_link(root, entry.path(), is_bibliography)),
            Ok(entry) if entry.file_type().is_file() && is_bibliography_file(&entry.file_name().to_string_lossy()) => {
                match read_source(root, &dir, entry.path(), max_file_size) {
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

/// The warning for a symbolic link under `content/` or `references/`: Evident follows
/// none, so that nothing outside the site (`/etc/passwd`) is read or published, and a loop
/// of links cannot trap the walk. A link to a file that would not be read anyway (an image,
/// when `wanted` says only Markdown is) is passed over without a word.
fn skipped_link(root: &Path, path: &Path, wanted: impl Fn(&Path) -> bool) -> Option<Diagnostic> {
    let rel = rel_path(root, path);
    let target = std::fs::read_link(path).map_or_else(|_| "?".to_string(), |t| t.display().to_string());
    let site = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let reason = match std::fs::canonicalize(path) {
        Err(error) if error.raw_os_error() == Some(libc::ELOOP) => "it leads into a loop of links".to_string(),
        Err(_) => format!("it points at `{target}`, which does not exist"),
        Ok(real) if !real.starts_with(&site) => format!("it points outside the site, to `{}`", real.display()),
        Ok(real) if real.is_file() && !wanted(path) && !wanted(&real) => return None,
        Ok(real) => format!("it points at `{}` in the site", rel_path(&site, &real)),
    };
    Some(
        Diagnostic::new(
            Code::ContentSkipped,
            &rel,
            Position::START,
            format!("`{rel}` is a symbolic link and was not read: {reason}"),
        )
        .with_hint("Evident follows no links: copy the file or folder here, or remove the link"),
    )
}

/// Whether `text` may hold a control character `control_characters` reports: C0 controls
/// but tab, line breaks and form feed, DEL, and the C1 controls (`C2 80`–`C2 9F` in UTF-8).
/// A byte scan: decoding every character of every file was a hundredth of a build. Blocks
/// are first tested for a suspect byte without stopping early, which the compiler turns
/// into vector instructions; only a block with one is looked at byte by byte.
fn may_hold_control_character(text: &[u8]) -> bool {
    const BLOCK: usize = 64;
    let suspect =
        |b: u8| (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r') & (b != 0x0c) | (b == 0x7f) | (b == 0xc2);
    text.chunks(BLOCK).enumerate().any(|(n, block)| {
        block.iter().fold(false, |any, &b| any | suspect(b))
            && (n * BLOCK..n * BLOCK + block.len()).any(|at| match text[at] {
                b'\t' | b'\n' | b'\r' | 0x0c => false,
                0x00..=0x1f | 0x7f => true,
                // The next byte may be in the next block.
                0xc2 => text.get(at + 1).is_some_and(|next| (0x80..=0x9f).contains(next)),
                _ => false,
            })
    })
}

/// A finding for the first NUL or other control character in a content file (HTML allows
/// none of them, and a NUL most often means a broken save), counting the rest.
pub fn control_characters(file: &SourceFile) -> Option<Diagnostic> {
    if !may_hold_control_character(file.text.as_bytes()) {
        return None;
    }
    let is_control = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}');
    let (offset, first) = file.text.char_indices().find(|&(_, c)| is_control(c))?;
    let more = file.text[offset + first.len_utf8()..]
        .chars()
        .filter(|&c| is_control(c))
        .count();
    let name = match first {
        '\0' => " (NUL)".to_string(),
        '\u{1b}' => " (ESC)".to_string(),
        _ => String::new(),
    };
    let rest = match more {
        0 => String::new(),
        1 => ", and 1 more".to_string(),
        n => format!(", and {n} more"),
    };
    Some(
        Diagnostic::new(
            Code::ContentControlCharacter,
            &file.rel_path,
            position_of_offset(&file.text, offset),
            format!(
                "the file holds the control character U+{:04X}{name}{rest}, which would be published into the page",
                u32::from(first)
            ),
        )
        .with_hint(
            "remove it: control characters are invisible in most editors and usually come from a broken copy or save",
        ),
    )
}

fn read_source(root: &Path, content_dir: &Path, path: &Path, max_file_size: u64) -> Result<SourceFile, Diagnostic> {
    let rel = rel_path(root, path);
    let bytes = read_at_most(path, max_file_size)
        .map_err(|error| {
            Diagnostic::new(
                Code::ContentUnreadable,
                &rel,
                Position::START,
                format!("cannot read the file: {error}"),
            )
            .with_hint("check that the file exists and is readable")
        })?
        .map_err(|size| too_large(&rel, size, max_file_size))?;
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
    Ok(SourceFile {
        rel_path: rel,
        section: section_of(content_dir, path),
        bom: text.starts_with('\u{feff}'),
        text: split::strip_bom(text),
    })
}

/// The folder under `content_dir` that holds `path`: the article's section.
fn section_of(content_dir: &Path, path: &Path) -> String {
    path.parent()
        .and_then(|parent| parent.strip_prefix(content_dir).ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default()
}

/// The bytes of the file at `path`, or `Err(size)` when it holds more than `limit` bytes.
/// The size is asked first, so that a huge file costs no reading; the read itself stops
/// one byte past the limit, so that a file growing in between cannot slip through.
fn read_at_most(path: &Path, limit: u64) -> std::io::Result<Result<Vec<u8>, u64>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > limit {
        return Ok(Err(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Ok(Err(bytes.len() as u64));
    }
    Ok(Ok(bytes))
}

fn too_large(rel: &str, size: u64, limit: u64) -> Diagnostic {
    Diagnostic::new(
        Code::ContentTooLarge,
        rel,
        Position::START,
        format!(
            "the file is {} ({size} bytes), over the limit of {} ({limit} bytes); it was not read",
            human_size(size),
            human_size(limit)
        ),
    )
    .with_hint(
        "split it into several articles, or raise `limits.max_file_size` (in bytes) in evident.yaml if it must stay whole",
    )
}

/// A byte count the way a file manager shows it: "5.0 MiB".
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
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
    fn the_byte_scan_finds_every_control_character_the_finding_reports() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let text = format!("a{c}é");
            let reported = c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}');
            assert_eq!(
                may_hold_control_character(text.as_bytes()),
                reported,
                "U+{:04X}",
                u32::from(c)
            );
        }
    }

    #[test]
    fn the_byte_scan_finds_control_characters_on_every_side_of_a_block() {
        for at in 0..200 {
            for control in ["\0", "\u{7f}", "\u{85}", "\u{9f}"] {
                let text = format!("{}{control}{}", "x".repeat(at), "±°".repeat(40));
                assert!(may_hold_control_character(text.as_bytes()), "{control:?} at {at}");
            }
            let clean = format!("{}±\u{a0}{}\t\r\n", "x".repeat(at), "é".repeat(at));
            assert!(!may_hold_control_character(clean.as_bytes()), "{at}");
        }
    }

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

    #[test]
    fn a_file_read_again_is_given_only_while_it_holds_the_parsed_text() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        std::fs::create_dir_all(root.join("content/heart")).unwrap();
        let path = root.join("content/heart/a.md");
        std::fs::write(&path, "\u{feff}---\nquestion: A?\n---\nText.\n").unwrap();
        let found = find_content(root, DEFAULT_MAX_FILE_SIZE);
        assert!(found.diagnostics.is_empty(), "{:?}", found.diagnostics);
        let source = found.read(root, &found.files[0].0).unwrap();
        let text = source.text.clone();
        let file = source.into_content_file();
        assert_eq!(file.rel_path, "content/heart/a.md");
        assert_eq!(
            file.read_again(root).unwrap(),
            text,
            "the byte-order mark is dropped again"
        );

        // One letter changed, the length kept: still noticed.
        std::fs::write(&path, "\u{feff}---\nquestion: B?\n---\nText.\n").unwrap();
        let changed = file.read_again(root).unwrap_err();
        assert_eq!(changed.code, Code::ContentChanged);
        assert_eq!(changed.file, "content/heart/a.md");

        let finding = Diagnostic::new(Code::CitationUnused, "content/heart/a.md", Position::START, "x");
        let held = LoadedContent {
            articles: vec![file.clone()],
            ..LoadedContent::default()
        };
        assert!(
            texts_named_by(root, &held, std::slice::from_ref(&finding)).is_empty(),
            "a changed file is not quoted"
        );
        std::fs::write(&path, "\u{feff}---\nquestion: A?\n---\nText.\n").unwrap();
        let texts = texts_named_by(root, &held, std::slice::from_ref(&finding));
        assert_eq!(texts.get("content/heart/a.md"), Some(&text));

        std::fs::remove_file(&path).unwrap();
        assert_eq!(file.read_again(root).unwrap_err().code, Code::ContentUnreadable);
    }
}
