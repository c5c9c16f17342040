//! From the site's commits to each file's own line of revisions, following renames: a pure
//! function of the log, so that one walk of the history serves every article.

use super::git::{ChangeKind, Commit};
use std::collections::HashMap;

/// One committed state of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    /// Index of the commit in the log.
    pub commit: usize,
    pub blob: String,
    /// The file's path in that commit, relative to the site root.
    pub path: String,
}

/// For each path the last commit leaves in place, its revisions, oldest first. A file
/// renamed (even with edits) keeps its revisions under the new path; a file deleted and
/// later added again at the same path continues its line, as an editor restoring an
/// article expects.
pub fn lineages(commits: &[Commit]) -> HashMap<String, Vec<Revision>> {
    let mut live: HashMap<String, Vec<Revision>> = HashMap::new();
    let mut deleted: HashMap<String, Vec<Revision>> = HashMap::new();
    for (index, commit) in commits.iter().enumerate() {
        // Sources first, destinations second: within one commit two files may trade names,
        // and every rename must see the lines as they were before the commit.
        let mut taken: Vec<Option<Vec<Revision>>> = Vec::with_capacity(commit.changes.len());
        for change in &commit.changes {
            let source = match change.kind {
                ChangeKind::Renamed => change.from.as_deref().and_then(|from| live.remove(from)),
                ChangeKind::Modified | ChangeKind::Deleted => live.remove(&change.path),
                ChangeKind::Added => deleted.remove(&change.path),
                // A copy leaves the original in place: the new file starts its own line.
                ChangeKind::Copied => None,
            };
            taken.push(source);
        }
        for (change, source) in commit.changes.iter().zip(taken) {
            let mut line = source.unwrap_or_default();
            if change.kind == ChangeKind::Deleted {
                deleted.insert(change.path.clone(), line);
                continue;
            }
            line.push(Revision {
                commit: index,
                blob: change.blob.clone(),
                path: change.path.clone(),
            });
            live.insert(change.path.clone(), line);
        }
    }
    live
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::versions::git::FileChange;

    fn commit(changes: &[(ChangeKind, Option<&str>, &str, &str)]) -> Commit {
        Commit {
            id: "c".into(),
            time: 0,
            subject: String::new(),
            changes: changes
                .iter()
                .map(|(kind, from, path, blob)| FileChange {
                    kind: *kind,
                    from: from.map(str::to_string),
                    path: path.to_string(),
                    blob: blob.to_string(),
                })
                .collect(),
        }
    }

    fn blobs(lines: &HashMap<String, Vec<Revision>>, path: &str) -> Vec<(usize, String)> {
        lines[path].iter().map(|r| (r.commit, r.blob.clone())).collect()
    }

    #[test]
    fn a_rename_keeps_the_revisions_before_it() {
        use ChangeKind::*;
        let lines = lineages(&[
            commit(&[(Added, None, "a.md", "1")]),
            commit(&[(Modified, None, "a.md", "2")]),
            commit(&[(Renamed, Some("a.md"), "b.md", "3")]),
        ]);
        assert_eq!(lines.len(), 1);
        assert_eq!(
            blobs(&lines, "b.md"),
            [(0, "1".into()), (1, "2".into()), (2, "3".into())]
        );
        assert_eq!(lines["b.md"][0].path, "a.md");
    }

    #[test]
    fn files_that_trade_names_in_one_commit_keep_their_own_lines() {
        use ChangeKind::*;
        let lines = lineages(&[
            commit(&[(Added, None, "a.md", "a1"), (Added, None, "b.md", "b1")]),
            commit(&[
                (Renamed, Some("a.md"), "b.md", "a1"),
                (Renamed, Some("b.md"), "a.md", "b1"),
            ]),
        ]);
        assert_eq!(blobs(&lines, "b.md")[0].1, "a1");
        assert_eq!(blobs(&lines, "a.md")[0].1, "b1");
    }

    #[test]
    fn a_deleted_file_restored_at_its_path_continues_its_line() {
        use ChangeKind::*;
        let lines = lineages(&[
            commit(&[(Added, None, "a.md", "1")]),
            commit(&[(Deleted, None, "a.md", "0")]),
            commit(&[(Added, None, "a.md", "2")]),
            commit(&[(Added, None, "c.md", "9")]),
        ]);
        assert_eq!(blobs(&lines, "a.md"), [(0, "1".into()), (2, "2".into())]);
        assert_eq!(blobs(&lines, "c.md"), [(3, "9".into())]);
    }
}
