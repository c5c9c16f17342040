//! What reading history learnt of each blob it read (`versions::history::Facts`: whether it
//! is text, its `version` and whether it is withdrawn, as the quick reading tells them),
//! kept in `.evident/cache/history.bin`, so that a build whose history has not changed
//! reads from git only the texts a page may show. A blob id names its bytes, so a fact
//! kept is the fact of those bytes for as long as the binary that learnt it reads them the
//! same way (`frame`: an entry of another binary is never read).
//!
//! One entry: a line per blob, `<id> <text> <version> <withdrawn>` (`-` for unknown). An
//! entry that does not open or whose lines do not read is ignored: every blob is read.

use super::frame;
use crate::versions::history::{BlobFacts, Facts, KeptFacts};
use std::path::{Path, PathBuf};

const FILE: &str = "history.bin";

/// The kept facts of one site's blobs.
pub struct HistoryCache {
    path: PathBuf,
}

impl HistoryCache {
    pub fn open(root: &Path) -> HistoryCache {
        HistoryCache {
            path: root.join(super::CACHE_DIR).join(FILE),
        }
    }
}

impl KeptFacts for HistoryCache {
    fn recall(&self) -> BlobFacts {
        let Ok(bytes) = std::fs::read(&self.path) else {
            return BlobFacts::default();
        };
        frame::open(&bytes)
            .ok()
            .and_then(|payload| std::str::from_utf8(payload).ok())
            .and_then(read_facts)
            .unwrap_or_default()
    }

    /// Failing to write fails nothing: the next build reads the blobs again.
    fn keep(&self, facts: &BlobFacts) {
        let mut payload = String::with_capacity(facts.len() * 52);
        for (id, facts) in facts {
            let flag = |value: Option<bool>| match value {
                Some(true) => "1",
                Some(false) => "0",
                None => "-",
            };
            let version = facts.version.map_or_else(|| "-".to_string(), |v| v.to_string());
            payload.push_str(&format!(
                "{id} {} {version} {}\n",
                flag(Some(facts.text)),
                flag(facts.withdrawn)
            ));
        }
        let _ = frame::write(&self.path, &[payload.as_bytes()]);
    }
}

fn read_facts(payload: &str) -> Option<BlobFacts> {
    let flag = |field: &str| match field {
        "1" => Some(Some(true)),
        "0" => Some(Some(false)),
        "-" => Some(None),
        _ => None,
    };
    let mut facts = BlobFacts::default();
    for line in payload.lines() {
        let mut fields = line.split(' ');
        let (Some(id), Some(text), Some(version), Some(withdrawn), None) = (
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
        ) else {
            return None;
        };
        let version = match version {
            "-" => None,
            number => Some(number.parse().ok()?),
        };
        facts.insert(
            id.to_string(),
            Facts {
                text: flag(text)??,
                version,
                withdrawn: flag(withdrawn)?,
            },
        );
    }
    Some(facts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_facts_read_back_as_they_were() {
        let dir = tempfile::tempdir().unwrap();
        let cache = HistoryCache::open(dir.path());
        assert!(cache.recall().is_empty(), "nothing kept yet");
        let mut facts = BlobFacts::default();
        let of = |text, version, withdrawn| Facts {
            text,
            version,
            withdrawn,
        };
        facts.insert("a".repeat(40), of(true, Some(3), Some(false)));
        facts.insert("b".repeat(40), of(true, None, Some(true)));
        facts.insert("c".repeat(40), of(false, None, None));
        cache.keep(&facts);
        assert_eq!(cache.recall(), facts);
        // A damaged entry is no facts at all.
        let path = dir.path().join(crate::cache::CACHE_DIR).join(FILE);
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 40;
        bytes[last] ^= 1;
        std::fs::write(&path, bytes).unwrap();
        assert!(cache.recall().is_empty());
    }
}
