//! The few questions Evident asks git, each answered by one `git` process: where the site
//! sits in a repository, which commits touched `content/` (once for the whole site), what a
//! ref points at, and the bytes of many blobs through a single `git cat-file --batch`.
//!
//! We call the `git` command rather than link a Git library: it is on every machine where a
//! repository exists, it honours the user's configuration (safe directories, alternates,
//! partial clones) exactly as their own `git log` does, and it keeps the build free of a
//! heavy dependency. Every failure is an `Err` with git's own message, never a panic.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A failure of git that is worth telling the user about.
#[derive(Debug)]
pub struct GitError(pub String);

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The repository holding a site.
#[derive(Clone, Debug)]
pub struct Repo {
    /// The repository's top folder.
    pub top: PathBuf,
    /// The site root relative to `top`, `/`-separated and ending with `/`, or "" when the
    /// site is the repository's top.
    pub prefix: String,
}

/// One commit of `git log`, with the files it changed under `content/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commit {
    pub id: String,
    /// Committer time, seconds since the epoch (UTC).
    pub time: i64,
    pub subject: String,
    pub changes: Vec<FileChange>,
}

/// One line of `git log --raw`: what happened to one path in one commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileChange {
    pub kind: ChangeKind,
    /// Relative to the site root.
    pub path: String,
    /// For a rename or copy, where the file came from (relative to the site root).
    pub from: Option<String>,
    /// The blob the path holds after the commit (all zeros for a deletion).
    pub blob: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
    Renamed,
    Copied,
}

impl Repo {
    /// The repository `root` is in. `Ok(None)` when it is not in one, or git is not
    /// installed: a site without history is an ordinary site.
    pub fn discover(root: &Path) -> Result<Option<Repo>, GitError> {
        let output = match git_in(root)
            .args(["rev-parse", "--show-toplevel", "--show-prefix"])
            .output()
        {
            Ok(output) => output,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(GitError(format!("cannot run git: {error}"))),
        };
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            // Outside any repository (or in a bare one) there is simply no history to read.
            if stderr.contains("not a git repository") || stderr.contains("must be run in a work tree") {
                return Ok(None);
            }
            return Err(GitError(format!("git rev-parse failed: {}", stderr.trim())));
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        let mut lines = stdout.lines();
        let top = lines.next().unwrap_or_default().trim();
        if top.is_empty() {
            return Ok(None);
        }
        let prefix = lines.next().unwrap_or_default().trim().to_string();
        Ok(Some(Repo {
            top: PathBuf::from(top),
            prefix,
        }))
    }

    fn git(&self) -> Command {
        git_in(&self.top)
    }

    /// Whether the clone holds only the newest commits (`git clone --depth`, as CI checkouts
    /// make by default): earlier versions are then missing from the history it reads.
    pub fn is_shallow(&self) -> bool {
        self.git()
            .args(["rev-parse", "--is-shallow-repository"])
            .output()
            .is_ok_and(|output| output.status.success() && output.stdout.starts_with(b"true"))
    }

    /// Every commit on the first-parent line of HEAD that touched `content/`, oldest
    /// first, with the blob each changed path holds afterwards. Renames are detected, so an
    /// article keeps its history when its file moves. A merge counts as one change against
    /// its first parent: that is when its content reached this line of the site.
    pub fn content_log(&self) -> Result<Vec<Commit>, GitError> {
        let pathspec = format!("{}content/", self.prefix);
        let output = self
            .git()
            .args([
                "log",
                "--reverse",
                "--first-parent",
                "-m",
                "--raw",
                "--no-abbrev",
                "-M",
                "-z",
                "--no-color",
                "--no-show-signature",
                "--format=%x01%H %ct %s",
                "--",
                &pathspec,
            ])
            .output()
            .map_err(|error| GitError(format!("cannot run git log: {error}")))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            // A repository without a commit yet has no history, which is not a failure.
            if stderr.contains("does not have any commits") || stderr.contains("bad default revision") {
                return Ok(Vec::new());
            }
            return Err(GitError(format!("git log failed: {}", stderr.trim())));
        }
        parse_log(&output.stdout, &self.prefix)
    }

    /// The commit `reference` (a tag, branch or commit id) points at, with its time.
    /// `Ok(None)` when nothing of that name exists.
    pub fn resolve(&self, reference: &str) -> Result<Option<(String, i64)>, GitError> {
        if reference.starts_with('-') {
            return Ok(None);
        }
        let output = self
            .git()
            .args(["log", "-1", "--no-walk", "--format=%H %ct", "--no-show-signature"])
            .arg(format!("{reference}^{{commit}}"))
            .arg("--")
            .output()
            .map_err(|error| GitError(format!("cannot run git log: {error}")))?;
        if !output.status.success() {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let mut parts = text.split_whitespace();
        match (parts.next(), parts.next().and_then(|t| t.parse::<i64>().ok())) {
            (Some(id), Some(time)) => Ok(Some((id.to_string(), time))),
            _ => Ok(None),
        }
    }

    /// The branch checked out, when one is (not on a detached HEAD).
    pub fn current_branch(&self) -> Option<String> {
        let output = self
            .git()
            .args(["symbolic-ref", "--quiet", "--short", "HEAD"])
            .output()
            .ok()?;
        let name = String::from_utf8_lossy(&output.stdout).trim().to_string();
        (output.status.success() && !name.is_empty()).then_some(name)
    }

    /// Whether `commit` is in the history of `branch`; `Ok(None)` when there is no such
    /// branch (locally, or as `origin/<branch>` in a CI clone).
    pub fn is_on_branch(&self, commit: &str, branch: &str) -> Result<Option<bool>, GitError> {
        if branch.starts_with('-') || commit.starts_with('-') {
            return Ok(None);
        }
        let tip = [format!("refs/heads/{branch}"), format!("refs/remotes/origin/{branch}")]
            .into_iter()
            .find(|name| self.resolve(name).is_ok_and(|found| found.is_some()));
        let Some(tip) = tip else { return Ok(None) };
        let status = self
            .git()
            .args(["merge-base", "--is-ancestor", commit, &tip])
            .status()
            .map_err(|error| GitError(format!("cannot run git merge-base: {error}")))?;
        match status.code() {
            Some(0) => Ok(Some(true)),
            Some(1) => Ok(Some(false)),
            _ => Err(GitError(format!(
                "git merge-base could not compare {commit} with {branch}"
            ))),
        }
    }

    /// Tag names matching a glob (`edition-*`), sorted by name.
    pub fn tags_matching(&self, pattern: &str) -> Result<Vec<String>, GitError> {
        let output = self
            .git()
            .args(["for-each-ref", "--format=%(refname:strip=2)", "--sort=refname"])
            .arg(format!("refs/tags/{pattern}"))
            .output()
            .map_err(|error| GitError(format!("cannot run git for-each-ref: {error}")))?;
        if !output.status.success() {
            return Err(GitError(format!(
                "git for-each-ref failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        Ok(String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::to_string)
            .filter(|l| !l.is_empty())
            .collect())
    }

    /// The files of the site (its folder in the repository) at `commit`: path relative to
    /// the site root and blob id. Symbolic links and submodules are left out.
    pub fn site_files(&self, commit: &str) -> Result<Vec<(String, String)>, GitError> {
        self.files_under(commit, &[""])
    }

    /// `site_files` of the site's folders `folders` only (`""`: the whole site).
    pub fn files_under(&self, commit: &str, folders: &[&str]) -> Result<Vec<(String, String)>, GitError> {
        let mut command = self.git();
        command.args(["ls-tree", "-r", "-z", "--full-tree", commit]);
        let specs: Vec<String> = folders
            .iter()
            .map(|folder| format!("{}{folder}", self.prefix))
            .filter(|spec| !spec.is_empty())
            .collect();
        if !specs.is_empty() {
            command.arg("--").args(&specs);
        }
        let output = command
            .output()
            .map_err(|error| GitError(format!("cannot run git ls-tree: {error}")))?;
        if !output.status.success() {
            return Err(GitError(format!(
                "git ls-tree failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        let mut files = Vec::new();
        for entry in output.stdout.split(|&b| b == 0).filter(|e| !e.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            let Some((meta, path)) = entry.split_once('\t') else {
                continue;
            };
            let mut meta = meta.split(' ');
            let (mode, kind, blob) = (meta.next(), meta.next(), meta.next());
            if kind != Some("blob") || mode == Some("120000") {
                continue;
            }
            if let (Some(blob), Some(rel)) = (blob, path.strip_prefix(self.prefix.as_str())) {
                files.push((rel.to_string(), blob.to_string()));
            }
        }
        Ok(files)
    }

    /// `git cat-file` in batch mode `batch` (`--batch`, `--batch-check=…`), its three
    /// streams piped: both readers of blobs talk to it the same way.
    fn cat_file(&self, batch: &str) -> Result<std::process::Child, GitError> {
        self.git()
            .args(["cat-file", batch])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| GitError(format!("cannot run git cat-file: {error}")))
    }

    /// Whether git has each blob of `ids`, in order, through one `git cat-file
    /// --batch-check`: an object that is no blob counts as missing, as for `read_blobs`.
    pub fn blobs_held(&self, ids: &[&str]) -> Result<Vec<bool>, GitError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut child = self.cat_file("--batch-check=%(objecttype)")?;
        let Some(mut stdin) = child.stdin.take() else {
            let _ = child.kill();
            return Err(GitError("cannot talk to git cat-file".into()));
        };
        // Requests are written from another thread, as in `read_blobs`: git answers while
        // it reads.
        let writer = std::thread::spawn({
            let requests: String = ids.iter().flat_map(|id| [*id, "\n"]).collect();
            move || stdin.write_all(requests.as_bytes())
        });
        let output = child
            .wait_with_output()
            .map_err(|error| GitError(format!("git cat-file: {error}")))?;
        match writer.join() {
            Ok(Ok(())) => {}
            Ok(Err(error)) => return Err(GitError(format!("cannot send requests to git cat-file: {error}"))),
            Err(_) => return Err(GitError("the thread writing to git cat-file stopped".into())),
        }
        if !output.status.success() {
            return Err(GitError(format!(
                "git cat-file failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        let held: Vec<bool> = output
            .stdout
            .split(|&b| b == b'\n')
            .take(ids.len())
            .map(|line| line == b"blob")
            .collect();
        if held.len() != ids.len() {
            return Err(GitError("git cat-file stopped answering".into()));
        }
        Ok(held)
    }

    /// Reads every blob in `ids` through one `git cat-file --batch` process, handing each
    /// to `each` in order (`None` for an object git does not have).
    pub fn read_blobs(&self, ids: &[&str], mut each: impl FnMut(usize, Option<Vec<u8>>)) -> Result<(), GitError> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut child = self.cat_file("--batch")?;
        let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            return Err(GitError("cannot talk to git cat-file".into()));
        };
        let result = std::thread::scope(|scope| {
            // Requests are written from another thread: git answers while it reads, and a
            // full pipe in either direction would otherwise stop both sides.
            let writer = scope.spawn(move || -> std::io::Result<()> {
                let mut buffered = std::io::BufWriter::new(&mut stdin);
                for id in ids {
                    buffered.write_all(id.as_bytes())?;
                    buffered.write_all(b"\n")?;
                }
                buffered.flush()
            });
            let mut reader = BufReader::with_capacity(1 << 16, stdout);
            let mut read_result = Ok(());
            for index in 0..ids.len() {
                match read_one(&mut reader) {
                    Ok(blob) => each(index, blob),
                    Err(error) => {
                        read_result = Err(error);
                        break;
                    }
                }
            }
            let written = writer.join();
            match (read_result, written) {
                (Err(error), _) => Err(error),
                (Ok(()), Ok(Err(error))) => Err(GitError(format!("cannot send requests to git cat-file: {error}"))),
                (Ok(()), Err(_)) => Err(GitError("the thread writing to git cat-file stopped".into())),
                (Ok(()), Ok(Ok(()))) => Ok(()),
            }
        });
        let status = child.wait();
        if result.is_err() {
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                let _ = pipe.read_to_string(&mut stderr);
            }
            return result.map_err(|GitError(message)| GitError(format!("{message} {}", stderr.trim())));
        }
        match status {
            Ok(status) if status.success() => Ok(()),
            Ok(status) => Err(GitError(format!("git cat-file ended with {status}"))),
            Err(error) => Err(GitError(format!("git cat-file: {error}"))),
        }
    }
}

/// One answer of `git cat-file --batch`: `<id> blob <size>\n<bytes>\n`, or `<id> missing\n`.
fn read_one(reader: &mut impl BufRead) -> Result<Option<Vec<u8>>, GitError> {
    let mut header = String::new();
    let n = reader
        .read_line(&mut header)
        .map_err(|error| GitError(format!("cannot read from git cat-file: {error}")))?;
    if n == 0 {
        return Err(GitError("git cat-file stopped answering".into()));
    }
    let mut fields = header.split_whitespace();
    let _id = fields.next();
    let kind = fields.next().unwrap_or_default();
    if kind == "missing" || kind == "ambiguous" {
        return Ok(None);
    }
    let size: usize = fields
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| GitError(format!("unexpected answer from git cat-file: {}", header.trim())))?;
    let mut bytes = vec![0; size + 1];
    reader
        .read_exact(&mut bytes)
        .map_err(|error| GitError(format!("cannot read from git cat-file: {error}")))?;
    bytes.pop();
    Ok((kind == "blob").then_some(bytes))
}

/// `git -C dir` with the settings that make its output machine-readable everywhere.
fn git_in(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(dir)
        .args(["-c", "core.quotepath=off", "-c", "log.showSignature=false"])
        // Messages are matched in English above; output must not depend on the locale.
        .env("LC_ALL", "C")
        .stdin(Stdio::null());
    command
}

/// Parses `git log --raw -z --format=%x01%H %ct %s`: commit headers start with \x01, each
/// raw entry is `:<modes> <old> <new> <status>\0<path>\0[<path>\0]`. Paths outside the
/// site's folder are dropped, the others made relative to it.
pub fn parse_log(bytes: &[u8], prefix: &str) -> Result<Vec<Commit>, GitError> {
    let mut commits: Vec<Commit> = Vec::new();
    let mut fields = bytes.split(|&b| b == 0).map(|f| {
        let f = String::from_utf8_lossy(f);
        f.trim_start_matches('\n').to_string()
    });
    let relative = |path: &str| path.strip_prefix(prefix).map(str::to_string);
    while let Some(field) = fields.next() {
        if field.is_empty() {
            continue;
        }
        if let Some(header) = field.strip_prefix('\u{1}') {
            let mut parts = header.splitn(3, ' ');
            let id = parts.next().unwrap_or_default().to_string();
            let time = parts
                .next()
                .and_then(|t| t.trim().parse().ok())
                .ok_or_else(|| GitError(format!("unexpected commit line from git log: {header}")))?;
            let subject = parts.next().unwrap_or_default().trim().to_string();
            commits.push(Commit {
                id,
                time,
                subject,
                changes: Vec::new(),
            });
            continue;
        }
        let Some(meta) = field.strip_prefix(':') else {
            return Err(GitError(format!("unexpected line from git log: {field}")));
        };
        let meta: Vec<&str> = meta.split(' ').collect();
        let (blob, status) = match meta.as_slice() {
            [_, _, _, new, status] => (new.to_string(), *status),
            _ => return Err(GitError(format!("unexpected change line from git log: {field}"))),
        };
        let kind = match status.chars().next() {
            Some('A') => ChangeKind::Added,
            Some('D') => ChangeKind::Deleted,
            Some('R') => ChangeKind::Renamed,
            Some('C') => ChangeKind::Copied,
            // M, T (type change) and anything newer: the path now holds the new blob.
            _ => ChangeKind::Modified,
        };
        let first = fields.next().unwrap_or_default();
        let (from, path) = if matches!(kind, ChangeKind::Renamed | ChangeKind::Copied) {
            (Some(first), fields.next().unwrap_or_default())
        } else {
            (None, first)
        };
        let Some(commit) = commits.last_mut() else {
            return Err(GitError("git log printed a change before any commit".into()));
        };
        let Some(path) = relative(&path) else { continue };
        let from = from.and_then(|f| relative(&f));
        // A rename from outside the site is, for the site, a new file.
        let kind = if kind == ChangeKind::Renamed && from.is_none() {
            ChangeKind::Added
        } else {
            kind
        };
        commit.changes.push(FileChange { kind, path, from, blob });
    }
    Ok(commits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(lines: &[&str]) -> Vec<u8> {
        let mut bytes = Vec::new();
        for line in lines {
            bytes.extend_from_slice(line.as_bytes());
            bytes.push(0);
        }
        bytes
    }

    #[test]
    fn parses_commits_changes_and_renames() {
        let z = "0".repeat(40);
        let (a, b) = ("a".repeat(40), "b".repeat(40));
        let bytes = log(&[
            "\u{1}1111 1700000000 First version",
            &format!("\n:000000 100644 {z} {a} A"),
            "site/content/x/one.md",
            "\u{1}2222 1700086400 Move: and fix",
            &format!("\n:100644 100644 {a} {b} R087"),
            "site/content/x/one.md",
            "site/content/y/one.md",
            &format!(":100644 000000 {b} {z} D"),
            "site/content/x/gone.md",
        ]);
        let commits = parse_log(&bytes, "site/").unwrap();
        assert_eq!(commits.len(), 2);
        assert_eq!(commits[0].subject, "First version");
        assert_eq!(commits[0].changes[0].path, "content/x/one.md");
        assert_eq!(commits[0].changes[0].kind, ChangeKind::Added);
        let rename = &commits[1].changes[0];
        assert_eq!(rename.kind, ChangeKind::Renamed);
        assert_eq!(rename.from.as_deref(), Some("content/x/one.md"));
        assert_eq!(
            (rename.path.as_str(), rename.blob.as_str()),
            ("content/y/one.md", b.as_str())
        );
        assert_eq!(commits[1].changes[1].kind, ChangeKind::Deleted);
        assert_eq!(commits[1].time, 1700086400);
    }

    #[test]
    fn refuses_output_it_does_not_understand() {
        assert!(parse_log(b"garbage\0", "").is_err());
        assert!(parse_log(b"\x01abc notatime x\0", "").is_err());
    }

    #[test]
    fn reads_blobs_and_missing_objects_from_a_batch_answer() {
        let mut answer: &[u8] = b"abc blob 5\nhello\ndef missing\n";
        assert_eq!(read_one(&mut answer).unwrap().as_deref(), Some(&b"hello"[..]));
        assert_eq!(read_one(&mut answer).unwrap(), None);
        assert!(read_one(&mut answer).is_err(), "no more answers");
    }
}
