//! How many findings a person is shown: at most `SHOWN_PER_CODE_AND_FILE` of one code in one
//! file, the rest counted. One line of 20,000 adjacent citations gives 20,000 findings, and
//! nobody reads past the first few; the machine formats list them all.

use super::{Code, Diagnostic};
use std::borrow::Borrow;
use std::collections::{BTreeMap, VecDeque};

pub const SHOWN_PER_CODE_AND_FILE: usize = 10;

/// One item of a capped report: a finding as it was given (`&Diagnostic` from a list, a
/// `Diagnostic` read back from `super::Findings`), or a count.
#[derive(Debug, PartialEq, Eq)]
pub enum Shown<D> {
    Finding(D),
    /// Given after the last finding of `file`: how many of `code` were left out.
    Omitted {
        file: String,
        code: Code,
        count: usize,
    },
}

/// The findings to show, in their order, each file's counts after its findings. Findings
/// arrive sorted by file, so only one file's counts are held at a time.
pub fn capped<D: Borrow<Diagnostic>, I: IntoIterator<Item = D>>(diagnostics: I) -> Capped<I::IntoIter, D> {
    Capped {
        rest: diagnostics.into_iter(),
        file: None,
        counts: BTreeMap::new(),
        omitted: VecDeque::new(),
    }
}

pub struct Capped<I, D> {
    rest: I,
    file: Option<String>,
    /// Per code of the current file: (shown, left out).
    counts: BTreeMap<Code, (usize, usize)>,
    omitted: VecDeque<Shown<D>>,
}

impl<I, D> Capped<I, D> {
    /// Moves the counts of the file just finished into the queue of notes.
    fn close_file(&mut self) {
        if let Some(file) = self.file.take() {
            let counts = std::mem::take(&mut self.counts);
            self.omitted
                .extend(
                    counts
                        .into_iter()
                        .filter(|(_, (_, left_out))| *left_out > 0)
                        .map(|(code, (_, count))| Shown::Omitted {
                            file: file.clone(),
                            code,
                            count,
                        }),
                );
        }
    }
}

impl<D: Borrow<Diagnostic>, I: Iterator<Item = D>> Iterator for Capped<I, D> {
    type Item = Shown<D>;

    fn next(&mut self) -> Option<Shown<D>> {
        loop {
            if let Some(note) = self.omitted.pop_front() {
                return Some(note);
            }
            let Some(item) = self.rest.next() else {
                self.close_file();
                return self.omitted.pop_front();
            };
            let d = item.borrow();
            if self.file.as_deref() != Some(d.file.as_str()) {
                self.close_file();
                self.file = Some(d.file.clone());
            }
            let (shown, left_out) = self.counts.entry(d.code).or_default();
            if *shown < SHOWN_PER_CODE_AND_FILE {
                *shown += 1;
                // A file change queued notes above: they come before this finding.
                if let Some(note) = self.omitted.pop_front() {
                    self.omitted.push_back(Shown::Finding(item));
                    return Some(note);
                }
                return Some(Shown::Finding(item));
            }
            *left_out += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Position;

    fn finding(code: Code, file: &str, column: u32) -> Diagnostic {
        Diagnostic::new(code, file, Position::new(1, column), "m")
    }

    #[test]
    fn each_file_shows_ten_of_a_code_then_counts_the_rest() {
        let mut all: Vec<Diagnostic> = (1..=25).map(|n| finding(Code::CitationSyntax, "a.md", n)).collect();
        all.push(finding(Code::CitationUnused, "a.md", 30));
        all.extend((1..=12).map(|n| finding(Code::CitationSyntax, "b.md", n)));
        let shown: Vec<Shown<&Diagnostic>> = capped(&all).collect();
        let findings = |file: &str| {
            shown
                .iter()
                .filter(|s| matches!(s, Shown::Finding(d) if d.file == file))
                .count()
        };
        assert_eq!(findings("a.md"), 11);
        assert_eq!(findings("b.md"), 10);
        let notes: Vec<&Shown<&Diagnostic>> = shown.iter().filter(|s| matches!(s, Shown::Omitted { .. })).collect();
        assert_eq!(
            notes,
            [
                &Shown::Omitted {
                    file: "a.md".to_string(),
                    code: Code::CitationSyntax,
                    count: 15
                },
                &Shown::Omitted {
                    file: "b.md".to_string(),
                    code: Code::CitationSyntax,
                    count: 2
                }
            ]
        );
        // a.md's note comes after its last finding and before b.md's first.
        let note_at = shown
            .iter()
            .position(|s| matches!(s, Shown::Omitted { file, .. } if file == "a.md"))
            .unwrap();
        assert!(matches!(shown[note_at - 1], Shown::Finding(d) if d.file == "a.md"));
        assert!(matches!(shown[note_at + 1], Shown::Finding(d) if d.file == "b.md"));
        assert!(matches!(shown.last(), Some(Shown::Omitted { file, .. }) if file == "b.md"));
    }

    #[test]
    fn a_short_report_is_shown_whole() {
        let all: Vec<Diagnostic> = (1..=3).map(|n| finding(Code::CitationSyntax, "a.md", n)).collect();
        assert_eq!(capped(&all).count(), 3);
        assert_eq!(capped(&[] as &[Diagnostic]).count(), 0);
    }
}
