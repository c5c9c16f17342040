//! The files findings name, to be read again when their lines are quoted. A report holds
//! where each text is, not the text: a report of warnings on every file of a large site
//! reads one file at a time while it prints (`Quoted::lines`), instead of keeping every
//! text from the end of the build until the last finding is printed.

use super::{ContentFile, LoadedContent};
use crate::diagnostic::{Diagnostic, Findings};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

#[derive(Debug)]
pub struct Quoted {
    // Small on purpose: every command's result carries one (see `pipeline::Report`).
    root: Box<Path>,
    files: BTreeMap<String, Origin>,
}

/// Quotes nothing: the report of a command that read no file.
impl Default for Quoted {
    fn default() -> Quoted {
        Quoted::new(Path::new(""))
    }
}

#[derive(Debug)]
enum Origin {
    /// A content file: quoted only while it still holds the text that was judged, so that a
    /// file saved since is never quoted at lines it no longer has.
    Content(ContentFile),
    /// A text the build keeps anyway (the shared bibliography's files).
    Held(String),
    /// A file read apart from the content (`evident.yaml`, the people registry), quoted as
    /// it is on disk.
    Disk,
}

impl Quoted {
    /// Nothing to quote yet; files are added with `with_file_on_disk`.
    pub fn new(root: &Path) -> Quoted {
        Quoted {
            root: root.into(),
            files: BTreeMap::new(),
        }
    }

    /// The content and bibliography files `diagnostics` name, as `loaded` holds them.
    pub fn named_by(root: &Path, loaded: &LoadedContent, diagnostics: &[Diagnostic]) -> Quoted {
        Quoted::of_files(root, loaded, diagnostics.iter().map(|d| d.file.as_str()).collect())
    }

    /// The content and bibliography files a build's findings name, as `loaded` holds them.
    pub fn named_in(root: &Path, loaded: &LoadedContent, findings: &Findings) -> Quoted {
        let files = findings.files();
        Quoted::of_files(root, loaded, files.iter().map(|f| &**f).collect())
    }

    fn of_files(root: &Path, loaded: &LoadedContent, named: HashSet<&str>) -> Quoted {
        let mut quoted = Quoted::new(root);
        for file in loaded
            .bibliography
            .iter()
            .filter(|f| named.contains(f.rel_path.as_str()))
        {
            quoted
                .files
                .insert(file.rel_path.clone(), Origin::Held(file.text.clone()));
        }
        for file in loaded
            .articles
            .iter()
            .chain(&loaded.pages)
            .filter(|f| named.contains(f.rel_path.as_str()))
        {
            quoted
                .files
                .insert(file.rel_path.clone(), Origin::Content(file.clone()));
        }
        quoted
    }

    /// Adds `rel` (relative to the root), to be quoted as it is on disk, unless it is known.
    pub fn with_file_on_disk(mut self, rel: &str) -> Quoted {
        self.files.entry(rel.to_string()).or_insert(Origin::Disk);
        self
    }

    /// The text of `file` (as findings name it), read now; `None` when it is not one of
    /// the files, cannot be read, or is a content file that changed since it was judged.
    pub fn text(&self, file: &str) -> Option<String> {
        match self.files.get(file)? {
            Origin::Content(content) => content.read_again(&self.root).ok(),
            Origin::Held(text) => Some(text.clone()),
            Origin::Disk => std::fs::read_to_string(self.root.join(file)).ok(),
        }
    }

    /// Every text at once, for a report small enough to hold whole (the live preview's).
    pub fn read_all(&self) -> HashMap<String, String> {
        use rayon::prelude::*;
        let names: Vec<&String> = self.files.keys().collect();
        names
            .par_iter()
            .filter_map(|name| self.text(name).map(|text| ((*name).clone(), text)))
            .collect()
    }

    /// Line `line` (1-based) of a file, for a report printed in file order: the last file
    /// read is kept until a finding names another, so each file is read once and only one
    /// is held at a time.
    pub fn lines(&self) -> impl FnMut(&str, u32) -> Option<String> + '_ {
        let mut current: Option<(String, Option<String>)> = None;
        move |file, line| {
            if current.as_ref().is_none_or(|(name, _)| name != file) {
                current = Some((file.to_string(), self.text(file)));
            }
            let text = current.as_ref()?.1.as_deref()?;
            crate::diagnostic::nth_line(text, line).map(str::to_string)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Code, Position};

    fn finding(file: &str, line: u32) -> Diagnostic {
        Diagnostic::new(Code::CitationUnused, file, Position { line, column: 1 }, "x")
    }

    /// A site of two articles as a build leaves it: files judged, texts dropped.
    fn judged(root: &Path) -> LoadedContent {
        std::fs::create_dir_all(root.join("content/heart")).unwrap();
        std::fs::write(root.join("content/heart/a.md"), "---\nquestion: A?\n---\nLine a.\n").unwrap();
        std::fs::write(root.join("content/heart/b.md"), "---\nquestion: B?\n---\nLine b.\n").unwrap();
        std::fs::write(root.join("evident.yaml"), "title: T\n").unwrap();
        crate::parse::read_and_parse(root, &crate::parse::Reading::of("https://example.org/")).0
    }

    #[test]
    fn lines_are_read_from_the_files_findings_name_and_from_no_other() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        let loaded = judged(root);
        let findings = [finding("content/heart/a.md", 4)];
        let quoted = Quoted::named_by(root, &loaded, &findings).with_file_on_disk("evident.yaml");
        let mut lines = quoted.lines();
        assert_eq!(lines("content/heart/a.md", 4).as_deref(), Some("Line a."));
        assert_eq!(lines("content/heart/a.md", 9), None, "past the last line");
        assert_eq!(lines("evident.yaml", 1).as_deref(), Some("title: T"));
        assert_eq!(lines("content/heart/b.md", 4), None, "no finding names it");
    }

    #[test]
    fn only_the_file_being_printed_is_held() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        let loaded = judged(root);
        let findings = [finding("content/heart/a.md", 4), finding("content/heart/b.md", 4)];
        let quoted = Quoted::named_by(root, &loaded, &findings);
        let mut lines = quoted.lines();
        assert_eq!(lines("content/heart/a.md", 4).as_deref(), Some("Line a."));
        // Held while its findings are printed: a later save does not change its quotes.
        std::fs::write(root.join("content/heart/a.md"), "---\nquestion: A?\n---\nLine c.\n").unwrap();
        assert_eq!(lines("content/heart/a.md", 4).as_deref(), Some("Line a."));
        // Let go once the next file's findings begin: asked again, it is read again, and
        // a text that is no longer the one judged is not quoted.
        assert_eq!(lines("content/heart/b.md", 4).as_deref(), Some("Line b."));
        assert_eq!(lines("content/heart/a.md", 4), None);
        assert_eq!(quoted.text("content/heart/a.md"), None);
    }
}
