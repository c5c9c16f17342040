//! The findings a build holds until they are reported, each a fixed 32-byte record: its file
//! an index into one table of names, its fixed hint an index into one table of hints, its
//! message (and a hint made for it) in one text store that moves to an unnamed temporary
//! file once it outgrows `TEXTS_HELD`. A large site with 170,000 warnings then holds ~5 MB
//! of findings, not ~80 MB, and the report reads them back one at a time, in order.

use super::{Code, Diagnostic, Severity, Summary};
use crate::packed::Spill;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Bytes of messages kept in memory before they all move to the temporary file: a site
/// with a few thousand findings never makes one.
const TEXTS_HELD: usize = 1 << 20;
/// How much of the temporary file one read brings in: findings are read back in file
/// order, and one file's texts were written together, so a block serves many of them.
const READ_BLOCK: u64 = 64 * 1024;

/// Findings in a compact form, in the order they were added until `sort`.
pub struct Findings {
    tables: Arc<Tables>,
    records: Vec<Record>,
}

/// One finding. Messages and hints are text in `Texts`, found by offset and length.
#[derive(Clone, Copy, Debug)]
struct Record {
    text: u64,
    message_len: u32,
    /// `NO_HINT`, `MADE_HINT | length` (after the message in `Texts`), or one more than
    /// the hint's index in `Inner::hints`.
    hint: u32,
    file: u32,
    line: u32,
    column: u32,
    code: Code,
    severity: Severity,
}

const NO_HINT: u32 = 0;
const MADE_HINT: u32 = 1 << 31;

/// What the records point into, shared by the findings parse jobs make in parallel
/// (`Findings::sibling`) so that joining them moves records, never text.
struct Tables {
    inner: Arc<Mutex<Inner>>,
    /// Put before each file of the site when findings are read back (`repository`).
    file_prefix: Option<Box<str>>,
}

struct Inner {
    files: Vec<Arc<str>>,
    file_ids: HashMap<Arc<str>, u32>,
    /// Fixed hints (`&'static str`): as many as the program has, whatever the findings.
    hints: Vec<&'static str>,
    hint_ids: HashMap<&'static str, u32>,
    texts: Texts,
}

/// Message bytes, appended only: offsets below `spilled` are in the temporary file, the
/// rest in `held`. Where no temporary file can be made or written, everything stays held:
/// slower to scale, never wrong.
struct Texts {
    spill: Option<Arc<Spill>>,
    spill_failed: bool,
    spilled: u64,
    held: Vec<u8>,
    limit: usize,
}

impl Default for Findings {
    fn default() -> Findings {
        Findings::with_limit(TEXTS_HELD)
    }
}

impl Clone for Findings {
    /// The tables are shared (they are only ever appended to); the records are copied.
    fn clone(&self) -> Findings {
        Findings {
            tables: self.tables.clone(),
            records: self.records.clone(),
        }
    }
}

impl Findings {
    pub fn new() -> Findings {
        Findings::default()
    }

    /// Findings whose messages move to a temporary file past `limit` bytes.
    fn with_limit(limit: usize) -> Findings {
        Findings {
            tables: Arc::new(Tables {
                inner: Arc::new(Mutex::new(Inner {
                    files: Vec::new(),
                    file_ids: HashMap::new(),
                    hints: Vec::new(),
                    hint_ids: HashMap::new(),
                    texts: Texts {
                        spill: None,
                        spill_failed: false,
                        spilled: 0,
                        held: Vec::new(),
                        limit,
                    },
                })),
                file_prefix: None,
            }),
            records: Vec::new(),
        }
    }

    /// Empty findings that share these ones' tables: what a parallel job fills, to be
    /// `append`ed here without copying a text.
    pub fn sibling(&self) -> Findings {
        Findings {
            tables: self.tables.clone(),
            records: Vec::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere while the tables were held leaves them whole: every change
        // to them is made before anything points at it.
        self.tables.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        let record = self.lock().encode(diagnostic);
        self.records.push(record);
    }

    /// `other`'s findings after these.
    pub fn append(&mut self, other: Findings) {
        if Arc::ptr_eq(&self.tables.inner, &other.tables.inner) {
            self.records.extend_from_slice(&other.records);
        } else {
            self.extend(other.iter());
        }
    }

    /// `front` before these findings, in its order.
    pub fn prepend(&mut self, front: Vec<Diagnostic>) {
        let encoded: Vec<Record> = {
            let mut inner = self.lock();
            front.into_iter().map(|d| inner.encode(d)).collect()
        };
        self.records.splice(0..0, encoded);
    }

    /// Room for `more` findings, so that a list of hundreds of thousands is not copied as
    /// it grows.
    pub fn reserve(&mut self, more: usize) {
        self.records.reserve_exact(more);
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn summary(&self) -> Summary {
        let errors = self.records.iter().filter(|r| r.severity == Severity::Error).count();
        Summary {
            errors,
            warnings: self.records.len() - errors,
        }
    }

    pub fn has_errors(&self) -> bool {
        self.records.iter().any(|r| r.severity == Severity::Error)
    }

    /// Each finding's severity as `severity(code, severity)` gives it; `None` drops it.
    pub fn resolve_severities(&mut self, mut severity: impl FnMut(Code, Severity) -> Option<Severity>) {
        self.records
            .retain_mut(|record| match severity(record.code, record.severity) {
                Some(resolved) => {
                    record.severity = resolved;
                    true
                }
                None => false,
            });
    }

    /// `--deny warnings`: every finding an error.
    pub fn deny_warnings(&mut self) {
        for record in &mut self.records {
            record.severity = Severity::Error;
        }
    }

    /// By file, line, column, code and message, as `super::sort_diagnostics` sorts, so that
    /// every run reports the same order whatever order the parallel stages produced.
    pub fn sort(&mut self) {
        let inner = self.tables.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let mut by_name: Vec<u32> = (0..inner.files.len() as u32).collect();
        by_name.sort_by(|a, b| inner.files[*a as usize].cmp(&inner.files[*b as usize]));
        let mut rank = vec![0u32; by_name.len()];
        for (place, file) in by_name.into_iter().enumerate() {
            rank[file as usize] = place as u32;
        }
        let key = |r: &Record| (rank[r.file as usize], r.line, r.column, r.code);
        self.records.sort_by(|a, b| {
            key(a)
                .cmp(&key(b))
                .then_with(|| inner.texts.message(a).cmp(&inner.texts.message(b)))
        });
    }

    /// The files findings name, as they name them (without a prefix), each once.
    pub fn files(&self) -> Vec<Arc<str>> {
        let inner = self.lock();
        let mut named = vec![false; inner.files.len()];
        for record in &self.records {
            named[record.file as usize] = true;
        }
        inner
            .files
            .iter()
            .zip(named)
            .filter(|(_, named)| *named)
            .map(|(file, _)| file.clone())
            .collect()
    }

    /// These findings read back with `prefix` before each file of the site (not before a
    /// command-line flag such as `--base-url`, which findings about flags name).
    pub fn with_file_prefix(&self, prefix: &str) -> Findings {
        Findings {
            tables: Arc::new(Tables {
                inner: self.tables.inner.clone(),
                file_prefix: Some(prefix.into()),
            }),
            records: self.records.clone(),
        }
    }

    /// Each finding as a `Diagnostic`, made when it is reached.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            findings: self,
            next: 0,
            only: None,
            block: None,
        }
    }

    /// The findings of one severity, in order; the others are skipped unread.
    pub fn iter_severity(&self, severity: Severity) -> Iter<'_> {
        Iter {
            only: Some(severity),
            ..self.iter()
        }
    }

    pub fn to_vec(&self) -> Vec<Diagnostic> {
        self.iter().collect()
    }

    fn decode(&self, record: &Record, block: &mut Option<(u64, Vec<u8>)>) -> Diagnostic {
        let inner = self.lock();
        let file = &inner.files[record.file as usize];
        let file = match &self.tables.file_prefix {
            Some(prefix) if !file.starts_with('-') && !file.is_empty() => format!("{prefix}{file}"),
            _ => file.to_string(),
        };
        let message = inner
            .texts
            .read(record.text, record.message_len, block)
            .map(text)
            .unwrap_or_else(unreadable);
        let hint = match record.hint {
            NO_HINT => None,
            made if made & MADE_HINT != 0 => Some(Cow::Owned(
                inner
                    .texts
                    .read(record.text + u64::from(record.message_len), made & !MADE_HINT, block)
                    .map(text)
                    .unwrap_or_else(unreadable),
            )),
            fixed => inner.hints.get(fixed as usize - 1).map(|hint| Cow::Borrowed(*hint)),
        };
        Diagnostic {
            code: record.code,
            severity: record.severity,
            file,
            line: record.line,
            column: record.column,
            message,
            hint,
        }
    }
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// What a finding says when the temporary file will not give its text back: the disk's
/// fault, said as it is rather than stopping the report.
fn unreadable(error: std::io::Error) -> String {
    format!("(this finding's text could not be read back from the build's temporary file: {error})")
}

/// At most `max` bytes of `text`, cut at a character boundary. No message or hint comes
/// near 2 GiB (files are limited far below); the cut only keeps lengths honest.
fn fit(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

impl Inner {
    fn encode(&mut self, d: Diagnostic) -> Record {
        let file = self.file_id(&d.file);
        let message = fit(&d.message, (MADE_HINT - 1) as usize);
        let (hint, made) = match &d.hint {
            None => (NO_HINT, ""),
            Some(Cow::Borrowed(fixed)) => (self.hint_id(fixed) + 1, ""),
            Some(Cow::Owned(made)) => {
                let made = fit(made, (MADE_HINT - 1) as usize);
                (MADE_HINT | made.len() as u32, made)
            }
        };
        let text = self.texts.push(&[message, made]);
        Record {
            text,
            message_len: message.len() as u32,
            hint,
            file,
            line: d.line,
            column: d.column,
            code: d.code,
            severity: d.severity,
        }
    }

    fn file_id(&mut self, file: &str) -> u32 {
        if let Some(id) = self.file_ids.get(file) {
            return *id;
        }
        let id = self.files.len() as u32;
        let name: Arc<str> = file.into();
        self.files.push(name.clone());
        self.file_ids.insert(name, id);
        id
    }

    fn hint_id(&mut self, hint: &'static str) -> u32 {
        if let Some(id) = self.hint_ids.get(hint) {
            return *id;
        }
        let id = self.hints.len() as u32;
        self.hints.push(hint);
        self.hint_ids.insert(hint, id);
        id
    }
}

impl Texts {
    /// Where `parts`, written one after the other, begin.
    fn push(&mut self, parts: &[&str]) -> u64 {
        let offset = self.spilled + self.held.len() as u64;
        for part in parts {
            self.held.extend_from_slice(part.as_bytes());
        }
        if self.held.len() >= self.limit {
            self.spill_held();
        }
        offset
    }

    /// Moves the held texts to the temporary file, made on first use.
    fn spill_held(&mut self) {
        if self.spill_failed {
            return;
        }
        if self.spill.is_none() {
            match Spill::create() {
                Ok(spill) => self.spill = Some(spill),
                Err(_) => {
                    self.spill_failed = true;
                    return;
                }
            }
        }
        let Some(spill) = &self.spill else { return };
        // The file is ours alone, written only here: each write lands where the last ended.
        match spill.write(&self.held) {
            Ok(at) if at == self.spilled => {
                self.spilled += self.held.len() as u64;
                self.held.clear();
            }
            _ => self.spill_failed = true,
        }
    }

    /// `length` bytes at `offset`; spilled ones through `block`, the last stretch of the
    /// temporary file read.
    fn read(&self, offset: u64, length: u32, block: &mut Option<(u64, Vec<u8>)>) -> std::io::Result<Vec<u8>> {
        let end = offset + u64::from(length);
        if offset >= self.spilled {
            let start = (offset - self.spilled) as usize;
            return self
                .held
                .get(start..start + length as usize)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| std::io::Error::other("a finding's text is missing"));
        }
        let Some(spill) = &self.spill else {
            return Err(std::io::Error::other("the temporary file is gone"));
        };
        if let Some((at, bytes)) = block.as_ref() {
            if offset >= *at && end <= at + bytes.len() as u64 {
                return Ok(bytes[(offset - at) as usize..(end - at) as usize].to_vec());
            }
        }
        if u64::from(length) >= READ_BLOCK / 2 {
            return spill.read(offset, length);
        }
        // Findings sorted by line come back in a different order than they were written
        // within a file: the block reaches back as well as forward.
        let start = offset.saturating_sub(READ_BLOCK / 4);
        let stop = (start + READ_BLOCK).min(self.spilled).max(end);
        let bytes = spill.read(start, (stop - start) as u32)?;
        let wanted = bytes[(offset - start) as usize..(end - start) as usize].to_vec();
        *block = Some((start, bytes));
        Ok(wanted)
    }

    /// A finding's message, for sorting findings at one place by it (rare: no block kept).
    fn message(&self, record: &Record) -> Cow<'_, [u8]> {
        if record.text >= self.spilled {
            let start = (record.text - self.spilled) as usize;
            return Cow::Borrowed(self.held.get(start..start + record.message_len as usize).unwrap_or(&[]));
        }
        Cow::Owned(
            self.read(record.text, record.message_len, &mut None)
                .unwrap_or_default(),
        )
    }
}

/// The findings in order, each made into a `Diagnostic` when it is reached.
pub struct Iter<'a> {
    findings: &'a Findings,
    next: usize,
    only: Option<Severity>,
    block: Option<(u64, Vec<u8>)>,
}

impl Iterator for Iter<'_> {
    type Item = Diagnostic;

    fn next(&mut self) -> Option<Diagnostic> {
        loop {
            let record = self.findings.records.get(self.next)?;
            self.next += 1;
            if self.only.is_none_or(|only| only == record.severity) {
                return Some(self.findings.decode(record, &mut self.block));
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.findings.records.len() - self.next;
        (if self.only.is_some() { 0 } else { left }, Some(left))
    }
}

impl<'a> IntoIterator for &'a Findings {
    type Item = Diagnostic;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl Extend<Diagnostic> for Findings {
    fn extend<I: IntoIterator<Item = Diagnostic>>(&mut self, diagnostics: I) {
        let tables = self.tables.inner.clone();
        let mut inner = tables.lock().unwrap_or_else(PoisonError::into_inner);
        self.records.extend(diagnostics.into_iter().map(|d| inner.encode(d)));
    }
}

impl FromIterator<Diagnostic> for Findings {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(diagnostics: I) -> Findings {
        let mut findings = Findings::new();
        findings.extend(diagnostics);
        findings
    }
}

impl From<Vec<Diagnostic>> for Findings {
    fn from(diagnostics: Vec<Diagnostic>) -> Findings {
        diagnostics.into_iter().collect()
    }
}

impl PartialEq for Findings {
    fn eq(&self, other: &Findings) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl fmt::Debug for Findings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Position, sort_diagnostics};

    fn finding(code: Code, file: &str, line: u32, message: &str) -> Diagnostic {
        Diagnostic::new(code, file, Position::new(line, 2), message)
    }

    fn varied() -> Vec<Diagnostic> {
        vec![
            finding(Code::CitationUnused, "content/b.md", 3, "b three").with_hint("fixed hint"),
            finding(Code::CitationUncitedClaim, "content/a.md", 9, "a nine é")
                .with_optional_hint(Some(format!("made {}", 7))),
            finding(Code::CitationUnused, "content/a.md", 9, "a nine, unused"),
            finding(Code::CitationUncitedClaim, "content/a.md", 9, "a nine, again"),
            finding(Code::GraphOrphan, "--base-url", 1, "flag").with_severity(Severity::Warning),
            finding(Code::CitationUnused, "content/a.md", 1, "").with_hint(String::new()),
        ]
    }

    #[test]
    fn a_finding_is_a_record_of_32_bytes() {
        assert_eq!(std::mem::size_of::<Record>(), 32);
        assert_eq!(std::mem::size_of::<Findings>(), 32);
    }

    #[test]
    fn findings_read_back_as_they_were_given() {
        let given = varied();
        let findings: Findings = given.clone().into();
        assert_eq!(findings.to_vec(), given);
        assert_eq!(findings.len(), 6);
    }

    #[test]
    fn texts_past_the_limit_are_read_back_from_the_temporary_file() {
        let given: Vec<Diagnostic> = (0..2_000)
            .map(|n| {
                finding(
                    Code::CitationUncitedClaim,
                    &format!("content/{}.md", n % 7),
                    n,
                    &format!("claim {n} “x”"),
                )
                .with_optional_hint((n % 3 == 0).then(|| format!("made hint {n}")))
            })
            .collect();
        let mut findings = Findings::with_limit(1_000);
        findings.extend(given.clone());
        let inner = findings.lock();
        assert!(inner.texts.spill.is_some() && inner.texts.spilled > 10_000);
        assert!(inner.texts.held.len() < 1_000);
        drop(inner);
        assert_eq!(findings.to_vec(), given);
        let mut sorted = given;
        sort_diagnostics(&mut sorted);
        findings.sort();
        assert_eq!(findings.to_vec(), sorted);
    }

    #[test]
    fn sorting_orders_as_sort_diagnostics_does() {
        for limit in [0, TEXTS_HELD] {
            let mut findings = Findings::with_limit(limit);
            findings.extend(varied());
            findings.sort();
            let mut expected = varied();
            sort_diagnostics(&mut expected);
            assert_eq!(findings.to_vec(), expected, "limit {limit}");
        }
    }

    #[test]
    fn siblings_filled_apart_join_in_order() {
        let mut all = Findings::new();
        all.push(finding(Code::CitationUnused, "content/z.md", 1, "first"));
        let mut one = all.sibling();
        one.extend(varied());
        let mut other = Findings::new();
        other.push(finding(Code::GraphOrphan, "content/y.md", 1, "from elsewhere").with_hint("h"));
        all.append(one);
        all.append(other);
        all.prepend(vec![finding(Code::SlugDuplicate, "content/x.md", 4, "front")]);
        let got = all.to_vec();
        assert_eq!(got.len(), 9);
        assert_eq!(got[0].message, "front");
        assert_eq!(got[1].message, "first");
        assert_eq!(&got[2..8], &varied()[..]);
        assert_eq!(got[8].hint.as_deref(), Some("h"));
    }

    #[test]
    fn severities_are_resolved_dropped_and_denied() {
        let mut findings: Findings = varied().into();
        findings.resolve_severities(|code, severity| match code {
            Code::GraphOrphan => None,
            Code::CitationUnused => Some(Severity::Error),
            _ => Some(severity),
        });
        assert_eq!(findings.len(), 5);
        assert_eq!(findings.summary(), Summary { errors: 3, warnings: 2 });
        assert!(findings.has_errors());
        findings.deny_warnings();
        assert_eq!(findings.summary(), Summary { errors: 5, warnings: 0 });
    }

    #[test]
    fn files_are_named_once_and_prefixes_spare_flags() {
        let findings: Findings = varied().into();
        let files: Vec<String> = findings.files().iter().map(|f| f.to_string()).collect();
        assert_eq!(files, ["content/b.md", "content/a.md", "--base-url"]);
        let prefixed = findings.with_file_prefix("docs/kb/");
        let files: Vec<String> = prefixed.iter().map(|d| d.file).collect();
        assert_eq!(files[..2], ["docs/kb/content/b.md", "docs/kb/content/a.md"]);
        assert_eq!(files[4], "--base-url");
        // The findings themselves are unchanged.
        assert_eq!(findings.to_vec(), varied());
    }
}
