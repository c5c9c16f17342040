//! The search index's terms as the last build made them, kept in
//! `.evident/cache/search.bin` (`search::kept`): each article's terms named by what they
//! are made from, so that a build after an edit works out only the edited ones, and the
//! digest and file list of the index, so that an index that would be the same bytes is
//! taken over whole.
//!
//! One entry, framed like the others (`frame`: the binary that wrote it is part of it, so
//! another tokenizer never gives back its terms), written as a stream: the index's digest,
//! its files, the dictionary, then each named document's terms. An entry that does not
//! open, or whose fields do not read back to their end, is ignored; what it holds is
//! checked again where it is used (`search::kept::SiteTerms::of`).

use super::frame;
use crate::search::kept::{Keeping, KeptIndex, KeptTerms};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const FILE: &str = "search.bin";

/// No field of an entry is longer: a length past it is a damaged entry, not a reason to
/// reserve memory.
const LONGEST_FIELD: u64 = 1 << 30;

/// The kept search terms of one site.
pub struct SearchCache {
    path: PathBuf,
}

impl SearchCache {
    pub fn open(root: &Path) -> SearchCache {
        SearchCache {
            path: root.join(super::CACHE_DIR).join(FILE),
        }
    }
}

impl KeptIndex for SearchCache {
    fn recall(&self) -> Option<KeptTerms> {
        frame::read_streamed(&self.path, |payload| read_terms(payload))
    }

    fn keep(&self, kept: Keeping<'_>) {
        // Failing to keep it fails nothing: the next build works the terms out.
        let _ = frame::write_streamed(&self.path, |payload| write_terms(payload, kept));
    }
}

fn write_terms(to: &mut dyn Write, kept: Keeping<'_>) -> std::io::Result<()> {
    let mut to = std::io::BufWriter::with_capacity(64 * 1024, to);
    to.write_all(&kept.index)?;
    write_count(&mut to, kept.files.len())?;
    for file in kept.files {
        write_bytes(&mut to, file.as_bytes())?;
    }
    write_count(&mut to, kept.dictionary.len())?;
    for term in kept.dictionary {
        write_bytes(&mut to, term.as_bytes())?;
    }
    write_count(&mut to, kept.count)?;
    let mut written = 0;
    for document in kept.documents {
        let (name, terms) = document?;
        to.write_all(&name)?;
        write_bytes(&mut to, &terms)?;
        written += 1;
    }
    // Fewer than counted would read as another layout: not kept at all.
    if written != kept.count {
        return Err(std::io::ErrorKind::InvalidData.into());
    }
    to.flush()
}

/// Reads exactly the fields `write_terms` wrote (the frame reads the length after them, and
/// checks that it is where the fields end): `from` is buffered already.
fn read_terms(mut from: &mut dyn Read) -> Option<KeptTerms> {
    let mut kept = KeptTerms::default();
    from.read_exact(&mut kept.index).ok()?;
    for _ in 0..read_count(&mut from)? {
        kept.files.push(String::from_utf8(read_bytes(&mut from)?).ok()?);
    }
    for _ in 0..read_count(&mut from)? {
        kept.dictionary.push(String::from_utf8(read_bytes(&mut from)?).ok()?);
    }
    for _ in 0..read_count(&mut from)? {
        let mut name = [0; 32];
        from.read_exact(&mut name).ok()?;
        kept.documents.push((name, read_bytes(&mut from)?));
    }
    Some(kept)
}

fn write_count(to: &mut impl Write, count: usize) -> std::io::Result<()> {
    to.write_all(&(count as u64).to_le_bytes())
}

fn write_bytes(to: &mut impl Write, bytes: &[u8]) -> std::io::Result<()> {
    write_count(to, bytes.len())?;
    to.write_all(bytes)
}

fn read_count(from: &mut impl Read) -> Option<u64> {
    let mut count = [0; 8];
    from.read_exact(&mut count).ok()?;
    let count = u64::from_le_bytes(count);
    (count <= LONGEST_FIELD).then_some(count)
}

fn read_bytes(from: &mut impl Read) -> Option<Vec<u8>> {
    let length = read_count(from)?;
    let mut bytes = Vec::with_capacity(usize::try_from(length).ok()?.min(64 * 1024));
    from.take(length).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 == length).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept() -> KeptTerms {
        KeptTerms {
            index: [7; 32],
            files: vec!["search/index.json".to_string(), "search/docs/0.json".to_string()],
            dictionary: vec!["apnea".to_string(), "sleep".to_string()],
            documents: vec![([1; 32], vec![0, 9]), ([2; 32], vec![8])],
        }
    }

    #[test]
    fn kept_terms_read_back_as_they_were_kept() {
        let temp = tempfile::tempdir().unwrap();
        let cache = SearchCache::open(temp.path());
        assert_eq!(cache.recall(), None);
        cache.keep(kept().keeping());
        assert_eq!(cache.recall(), Some(kept()));
    }

    #[test]
    fn a_list_that_cannot_be_read_back_keeps_nothing_and_leaves_the_entry_before() {
        let temp = tempfile::tempdir().unwrap();
        let cache = SearchCache::open(temp.path());
        cache.keep(kept().keeping());
        let before = kept();
        let keeping = |documents: Vec<crate::search::kept::KeptDocument>| Keeping {
            index: [8; 32],
            files: &before.files,
            dictionary: &before.dictionary,
            count: 2,
            documents: Box::new(documents.into_iter()),
        };
        cache.keep(keeping(vec![
            Ok(([1; 32], vec![0])),
            Err(std::io::ErrorKind::UnexpectedEof.into()),
        ]));
        assert_eq!(cache.recall(), Some(kept()));
        // Fewer lists than counted is not kept either.
        let short = keeping(vec![Ok(([1; 32], vec![0]))]);
        cache.keep(short);
        assert_eq!(cache.recall(), Some(kept()));
    }

    #[test]
    fn a_damaged_or_foreign_entry_is_ignored() {
        let temp = tempfile::tempdir().unwrap();
        let cache = SearchCache::open(temp.path());
        cache.keep(kept().keeping());
        let bytes = std::fs::read(&cache.path).unwrap();
        for at in [10, bytes.len() / 2, bytes.len() - 40] {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x20;
            std::fs::write(&cache.path, &damaged).unwrap();
            assert_eq!(cache.recall(), None, "byte {at} flipped");
        }
        std::fs::write(&cache.path, &bytes[..bytes.len() - 1]).unwrap();
        assert_eq!(cache.recall(), None, "cut short");
        // A payload of another layout, sealed as this binary's: it does not read to its end.
        frame::write_streamed(&cache.path, |payload| {
            write_terms(payload, kept().keeping())?;
            payload.write_all(b"more")
        })
        .unwrap();
        assert_eq!(cache.recall(), None, "read past its fields");
    }
}
