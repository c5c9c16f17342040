//! Reads every published article's earlier versions from git in one pass: one `git log`
//! for the whole site, one `git cat-file --batch` for every blob whose `version` is not
//! known from an earlier build (`Facts`, kept by blob id in `cache::history`) and one
//! `--batch-check` that the known ones are still there. The texts of earlier versions whose
//! facts were known, and the shared bibliography and registry of their commits, are read
//! later (`SiteHistory::read_for`), only for the pages a build renders rather than takes
//! over; a text is parsed in full only when a page shows it.

use super::git::{GitError, Repo};
use super::lineage::{Revision, lineages};
use crate::date::Date;
use crate::load::SourceFile;
use crate::load::split::split_front_matter;
use crate::parse::article::{Article, Sources, parse_article};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// What git says about the site's articles.
#[derive(Default)]
pub struct SiteHistory {
    /// True when the site is in a git repository whose log could be read.
    pub from_git: bool,
    pub commits: Vec<CommitInfo>,
    /// By the article's file (relative to the site root, as it is now).
    pub articles: HashMap<String, ArticleHistory>,
    /// The commits (indexes into `commits`) whose shared bibliography and registry the
    /// earlier texts are judged against: those of every earlier version and of the texts an
    /// approval was traced in with them. A text of any other commit (an approval found with
    /// today's) is judged against today's. Known whether or not they were read yet.
    pub judged_at: BTreeSet<usize>,
    /// Of `judged_at`, the commits whose sources were read while tracing approvals; the
    /// others are read by `read_for` when a page parses a text of theirs.
    pub sources_at: HashMap<usize, Arc<CommitSources>>,
    /// Where the texts and sources not read yet are read from.
    repo: Option<Repo>,
}

/// What `SiteHistory::read_for` read for the pages a build renders.
#[derive(Default)]
pub struct Reads {
    /// Earlier texts by blob id.
    texts: HashMap<String, String>,
    /// The sources of commits of `judged_at` not in `SiteHistory::sources_at`.
    sources_at: HashMap<usize, Arc<CommitSources>>,
}

impl SiteHistory {
    /// Reads from git what parsing and showing `pasts` needs and the history does not hold:
    /// their texts not read yet, and the sources of their commits in `judged_at`.
    pub fn read_for<'p>(&self, pasts: impl IntoIterator<Item = &'p PastVersion>) -> Result<Reads, GitError> {
        let mut blobs = BTreeSet::new();
        let mut commits = BTreeSet::new();
        for past in pasts {
            if past.text.is_none() {
                blobs.insert(past.blob.as_str());
            }
            if self.judged_at.contains(&past.commit) && !self.sources_at.contains_key(&past.commit) {
                commits.insert(past.commit);
            }
        }
        if blobs.is_empty() && commits.is_empty() {
            return Ok(Reads::default());
        }
        let Some(repo) = &self.repo else {
            return Err(GitError("the history's texts are not in a repository".into()));
        };
        let ids: Vec<&str> = blobs.into_iter().collect();
        let mut texts = HashMap::with_capacity(ids.len());
        let mut lost = None;
        repo.read_blobs(&ids, |index, bytes| {
            match bytes.and_then(|b| String::from_utf8(b).ok()) {
                Some(text) => {
                    texts.insert(ids[index].to_string(), crate::load::split::strip_bom(text));
                }
                None => lost = Some(ids[index]),
            }
        })?;
        if let Some(blob) = lost {
            // It was there when the history was read: the repository changed during the build.
            return Err(GitError(format!("git no longer has the text {blob}")));
        }
        Ok(Reads {
            texts,
            sources_at: sources_at(repo, &self.commits, &commits)?,
        })
    }

    /// What the texts of `commit` are judged against: its own sources when it is in
    /// `judged_at`, else none (today's).
    pub fn sources_of<'s>(&'s self, commit: usize, reads: &'s Reads) -> Option<&'s CommitSources> {
        self.sources_at
            .get(&commit)
            .or_else(|| reads.sources_at.get(&commit))
            .map(|sources| &**sources)
    }
}

impl Reads {
    /// The text of `past`, from the history or as read for the pages.
    pub fn text_of<'r>(&'r self, past: &'r PastVersion) -> Option<&'r str> {
        past.text
            .as_deref()
            .or_else(|| self.texts.get(&past.blob).map(String::as_str))
    }
}

#[derive(Clone, Debug)]
pub struct CommitInfo {
    pub id: String,
    pub date: Date,
    pub subject: String,
}

#[derive(Default)]
pub struct ArticleHistory {
    /// One entry per `version` number other than the current one, in the order of the
    /// history (oldest first): the text of the last commit that carried that number.
    pub versions: Vec<PastVersion>,
    /// For a stale approval, the committed text whose fingerprint the approval recorded.
    pub approved: Option<PastVersion>,
    /// The `approved_hash` looked for in the history, found or not: `approved` is `None`
    /// either because no commit holds that text or because nobody looked (`serve` reads
    /// git again only at a pause), and only the first may be said to a reader.
    pub traced_hash: Option<String>,
}

/// One earlier text. It is kept unparsed: pages parse it when they render it and drop it
/// after, so that thousands of earlier versions never sit in memory as parsed articles.
/// Its text is read only when reading history needs it (a withdrawal or a `version` the
/// quick reading cannot judge, an approval to trace, a blob whose facts were not known);
/// otherwise a page that shows it reads it (`SiteHistory::read_for`).
pub struct PastVersion {
    pub version: u32,
    /// Index into `SiteHistory::commits`.
    pub commit: usize,
    /// The file's path in that commit, relative to the site root.
    pub path: String,
    /// Git's name of the bytes of the text: pages name the text by it.
    pub blob: String,
    /// `None` until a page needs it.
    pub text: Option<String>,
}

impl PastVersion {
    /// Its `text` parsed as the build parses it, or `None` when it no longer parses.
    pub fn parse(&self, text: &str, sources: Sources<'_>) -> Option<Article> {
        parse_text(&self.path, text, sources)
    }
}

fn parse_text(path: &str, text: &str, sources: Sources<'_>) -> Option<Article> {
    parse_article(
        &SourceFile {
            rel_path: path.to_string(),
            section: section_of(path),
            text: text.to_string(),
            bom: false,
        },
        sources,
        crate::parse::Output::Html,
    )
    .article
}

/// An article whose history is wanted: its file, its current version and, for a stale
/// approval, the hash the approval recorded.
pub struct Wanted<'a> {
    pub file: &'a str,
    pub version: u32,
    pub approved_hash: Option<&'a str>,
    /// The article is withdrawn (`retired:`): its current text is the withdrawal, not a
    /// version readers read, so every version it was published at — its current number
    /// too — is an earlier version; the texts that were already withdrawn are not.
    pub withdrawn: bool,
}

/// Per article, what the pass over the blobs keeps: for each version number the last
/// revision that carried it (its text, unless its facts were known and it was not read)
/// and, when an approval must be traced, every text.
#[derive(Default)]
struct Collected {
    by_version: BTreeMap<u32, (usize, usize, Option<String>)>,
    all: Vec<(usize, String)>,
}

impl Collected {
    /// Collects the revision `rev` (made by `commit`) of `want`, whose blob says `facts`:
    /// `text`, when it was read.
    fn revision(&mut self, want: &Wanted<'_>, (rev, commit): (usize, usize), text: Option<String>, facts: Facts) {
        if !facts.text {
            return;
        }
        if want.approved_hash.is_some()
            && let Some(text) = &text
        {
            self.all.push((rev, text.clone()));
        }
        if want.withdrawn && facts.withdrawn == Some(true) {
            return;
        }
        let Some(version) = facts.version else {
            // Front matter that the quick reading cannot judge is parsed in full later.
            self.by_version.insert(u32::MAX - rev as u32, (rev, commit, text));
            return;
        };
        if version == want.version && !want.withdrawn {
            // The current version's committed texts are not earlier versions.
            return;
        }
        // Later commits with the same version replace earlier ones: a version is what it
        // said when its number was last committed.
        self.by_version.insert(version, (rev, commit, text));
    }
}

/// What the quick reading tells of a blob (`quick_version`, `quick_withdrawn`), which is
/// all reading history needs of a text no page will show: kept between builds by blob id
/// (`cache::history`), so that a build whose history is unchanged reads only the texts
/// of earlier versions from git.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Facts {
    /// The blob is UTF-8 text: anything else is no version.
    pub text: bool,
    pub version: Option<u32>,
    pub withdrawn: Option<bool>,
}

impl Facts {
    /// The facts of a blob's `text`, its BOM stripped; `None` when it is not UTF-8.
    fn of(text: Option<&str>) -> Facts {
        match text {
            Some(text) => Facts {
                text: true,
                version: quick_version(text),
                withdrawn: quick_withdrawn(text),
            },
            None => Facts {
                text: false,
                version: None,
                withdrawn: None,
            },
        }
    }
}

/// Facts by blob id.
pub type BlobFacts = HashMap<String, Facts>;

/// Facts kept between builds (`cache::history` keeps them on disk).
pub trait KeptFacts {
    /// The facts an earlier build kept; none when there are none to read.
    fn recall(&self) -> BlobFacts;
    /// Keeps `facts` in place of what was kept. Failing to keep them fails nothing.
    fn keep(&self, facts: &BlobFacts);
}

/// What an earlier text was judged against when it was published: its commit's shared
/// bibliography and people registry. Judged against today's instead, a version approved at
/// the time would read as unapproved once a shared reference changed, and one never
/// approved could read as approved.
pub struct CommitSources {
    pub bibliography: crate::bibliography::Bibliography,
    pub registry: std::sync::Arc<crate::people::Registry>,
}

/// The shared bibliography and registry at each commit of `needed` (indexes into
/// `commits`). Commits whose `references/` and `people/` hold the same files share one.
pub fn sources_at(
    repo: &Repo,
    commits: &[CommitInfo],
    needed: &BTreeSet<usize>,
) -> Result<HashMap<usize, Arc<CommitSources>>, GitError> {
    let folders = [crate::bibliography::BIBLIOGRAPHY_DIR, crate::people::PEOPLE_DIR];
    let mut by_files: HashMap<Vec<(String, String)>, Arc<CommitSources>> = HashMap::new();
    let mut found = HashMap::new();
    for &index in needed {
        let Some(commit) = commits.get(index) else { continue };
        let files = repo.files_under(&commit.id, &folders)?;
        if let Some(known) = by_files.get(&files) {
            found.insert(index, known.clone());
            continue;
        }
        let ids: Vec<&str> = files.iter().map(|(_, blob)| blob.as_str()).collect();
        let mut texts: Vec<Option<String>> = vec![None; files.len()];
        repo.read_blobs(&ids, |at, bytes| {
            texts[at] = bytes
                .and_then(|b| String::from_utf8(b).ok())
                .map(crate::load::split::strip_bom);
        })?;
        let mut bibliography_files = Vec::new();
        let mut registry = crate::people::Registry::default();
        for ((path, _), text) in files.iter().zip(texts) {
            let Some(text) = text else { continue };
            let name = path.rsplit('/').next().unwrap_or_default();
            if path.starts_with(&format!("{}/", crate::bibliography::BIBLIOGRAPHY_DIR))
                && crate::bibliography::is_bibliography_file(name)
                && !name.starts_with('.')
            {
                bibliography_files.push(SourceFile {
                    rel_path: path.clone(),
                    section: String::new(),
                    text,
                    bom: false,
                });
            } else if path
                .strip_prefix(&format!("{}/", crate::people::PEOPLE_DIR))
                .is_some_and(|rest| {
                    // The registry is the folder's own files, as `load_people` reads it.
                    !rest.contains('/') && rest.ends_with(".md") && !rest.starts_with('.')
                })
            {
                registry.people.extend(crate::people::parse_person(path, &text).0);
            }
        }
        registry.people.sort_by(|a, b| a.id.cmp(&b.id));
        let sources = Arc::new(CommitSources {
            bibliography: crate::bibliography::parse_bibliography(&bibliography_files).0,
            registry: Arc::new(registry),
        });
        by_files.insert(files, sources.clone());
        found.insert(index, sources);
    }
    Ok(found)
}

/// Reads the history of the `wanted` articles from the repository holding the site. A
/// blob whose facts are `known` is read only when a page may show its text; `known` is
/// left holding the facts of every blob of this history, and only those.
pub fn read_history(
    repo: &Repo,
    wanted: &[Wanted<'_>],
    sources: Sources<'_>,
    known: &mut BlobFacts,
) -> Result<SiteHistory, GitError> {
    let log = repo.content_log()?;
    let commits: Vec<CommitInfo> = log
        .iter()
        .map(|c| CommitInfo {
            id: c.id.clone(),
            date: Date::from_days_since_epoch(c.time.div_euclid(86_400)),
            subject: c.subject.clone(),
        })
        .collect();
    let mut lines = lineages(&log);
    drop(log);

    // Every revision of every wanted article, in order: one request per revision.
    let mut requests: Vec<(usize, usize)> = Vec::new();
    let mut revisions: Vec<Vec<Revision>> = Vec::with_capacity(wanted.len());
    for (article, want) in wanted.iter().enumerate() {
        let line = lines.remove(want.file).unwrap_or_default();
        requests.extend((0..line.len()).map(|r| (article, r)));
        revisions.push(line);
    }
    let blob = |request: usize| {
        let (article, rev) = requests[request];
        revisions[article][rev].blob.as_str()
    };
    // A blob is read when what it says is not known, or when it is one of the texts an
    // approval is traced in (each is parsed); the texts of earlier versions are read after.
    let read_now: Vec<usize> = (0..requests.len())
        .filter(|&request| wanted[requests[request].0].approved_hash.is_some() || !known.contains_key(blob(request)))
        .collect();
    let ids: Vec<&str> = read_now.iter().map(|&request| blob(request)).collect();
    let mut collected: Vec<Collected> = wanted.iter().map(|_| Collected::default()).collect();
    let mut learnt = BlobFacts::with_capacity(requests.len());
    // Every revision is collected in the order of its article's history, read or known.
    let mut next = 0;
    let collect_known = |requested: std::ops::Range<usize>, collected: &mut Vec<Collected>, learnt: &mut BlobFacts| {
        for request in requested {
            if let Some(&facts) = known.get(blob(request)) {
                let (article, rev) = requests[request];
                learnt.insert(blob(request).to_string(), facts);
                collected[article].revision(&wanted[article], (rev, revisions[article][rev].commit), None, facts);
            }
        }
    };
    repo.read_blobs(&ids, |index, bytes| {
        let request = read_now[index];
        collect_known(next..request, &mut collected, &mut learnt);
        next = request + 1;
        let Some(bytes) = bytes else { return };
        let text = String::from_utf8(bytes).ok().map(crate::load::split::strip_bom);
        let facts = Facts::of(text.as_deref());
        learnt.insert(blob(request).to_string(), facts);
        let (article, rev) = requests[request];
        collected[article].revision(&wanted[article], (rev, revisions[article][rev].commit), text, facts);
    })?;
    collect_known(next..requests.len(), &mut collected, &mut learnt);

    // The earlier versions whose facts were known: a text whose number the quick reading
    // could not judge is read to be parsed; the others only looked up, for a page reads
    // them only if it renders them.
    let unread: Vec<(usize, u32, usize)> = collected
        .iter()
        .enumerate()
        .flat_map(|(article, c)| {
            c.by_version
                .iter()
                .filter(|(_, (_, _, text))| text.is_none())
                .map(move |(&number, &(rev, _, _))| (article, number, rev))
        })
        .collect();
    let (to_parse, to_find): (Vec<_>, Vec<_>) = unread.into_iter().partition(|&(_, number, _)| is_unjudged(number));
    let ids = |unread: &[(usize, u32, usize)]| -> Vec<&str> {
        unread
            .iter()
            .map(|&(article, _, rev)| revisions[article][rev].blob.as_str())
            .collect()
    };
    let mut lost = false;
    repo.read_blobs(&ids(&to_parse), |index, bytes| {
        let (article, number, _) = to_parse[index];
        match (
            bytes.and_then(|b| String::from_utf8(b).ok()),
            collected[article].by_version.get_mut(&number),
        ) {
            (Some(text), Some(entry)) => entry.2 = Some(crate::load::split::strip_bom(text)),
            _ => lost = true,
        }
    })?;
    // A text git no longer has would never have been collected: `lost`, as for a text read.
    lost |= repo.blobs_held(&ids(&to_find))?.contains(&false);
    if lost {
        // A blob known before is no longer in the repository: what it hid (an earlier text
        // of the same number) is found by reading everything, as without the facts.
        known.clear();
        return read_history(repo, wanted, sources, known);
    }
    *known = learnt;

    // Per article: its history, and the texts of an approval not found with today's shared
    // bibliography (newest last), to look for again with each commit's own.
    #[allow(clippy::type_complexity)]
    let results: Vec<(String, ArticleHistory, Vec<PastVersion>)> = wanted
        .par_iter()
        .zip(collected.into_par_iter())
        .zip(revisions.par_iter())
        .filter(|((_, collected), _)| !collected.by_version.is_empty() || !collected.all.is_empty())
        .map(|((want, collected), line)| {
            let mut versions: Vec<(usize, PastVersion)> = Vec::new();
            for (number, (rev, commit, text)) in collected.by_version {
                let path = line[rev].path.clone();
                // Only a `version` the quick reading could not judge needs the full parse here;
                // its text was read above.
                let version = if !is_unjudged(number) {
                    number
                } else {
                    let Some(text) = text.as_deref() else { continue };
                    match parse_text(&path, text, sources) {
                        Some(article) if want.withdrawn && article.is_retired() => continue,
                        Some(article) => article.version,
                        None => continue,
                    }
                };
                versions.push((
                    rev,
                    PastVersion {
                        version,
                        commit,
                        path,
                        blob: line[rev].blob.clone(),
                        text,
                    },
                ));
            }
            // A text that needed the full parse may carry a number another text also has:
            // the later commit wins, as for every other version.
            versions.sort_by_key(|(rev, _)| *rev);
            let mut seen = std::collections::HashSet::new();
            let mut kept: Vec<PastVersion> = Vec::new();
            for (_, past) in versions.into_iter().rev() {
                if (want.withdrawn || past.version != want.version) && seen.insert(past.version) {
                    kept.push(past);
                }
            }
            kept.reverse();
            let approved = want.approved_hash.and_then(|hash| {
                collected.all.iter().rev().find_map(|(rev, text)| {
                    let article = parse_text(&line[*rev].path, text, sources)?;
                    article.fingerprint.is(hash).then(|| PastVersion {
                        version: article.version,
                        commit: line[*rev].commit,
                        path: line[*rev].path.clone(),
                        blob: line[*rev].blob.clone(),
                        text: Some(text.clone()),
                    })
                })
            });
            let untraced = if approved.is_none() && want.approved_hash.is_some() {
                collected
                    .all
                    .into_iter()
                    .map(|(rev, text)| PastVersion {
                        version: 0,
                        commit: line[rev].commit,
                        path: line[rev].path.clone(),
                        blob: line[rev].blob.clone(),
                        text: Some(text),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            (
                want.file.to_string(),
                ArticleHistory {
                    versions: kept,
                    approved,
                    traced_hash: want.approved_hash.map(str::to_string),
                },
                untraced,
            )
        })
        .collect();
    let judged_at: BTreeSet<usize> = results
        .iter()
        .flat_map(|(_, history, untraced)| history.versions.iter().chain(untraced).map(|v| v.commit))
        .collect();
    // Only the untraced texts are parsed here: the other commits wait for a page to need them.
    let untraced_at: BTreeSet<usize> = results
        .iter()
        .flat_map(|(_, _, untraced)| untraced.iter().map(|v| v.commit))
        .collect();
    let sources_at = sources_at(repo, &commits, &untraced_at)?;
    let articles = results
        .into_iter()
        .map(|(file, mut history, untraced)| {
            // An approval given before a shared reference changed fingerprinted the text
            // with the reference as it was: its commit's bibliography finds it.
            if let Some(hash) = history.traced_hash.clone().filter(|_| history.approved.is_none()) {
                history.approved = untraced.into_iter().rev().find_map(|mut past| {
                    let then = sources_at.get(&past.commit)?;
                    let article = past.parse(
                        past.text.as_deref()?,
                        Sources {
                            bibliography: &then.bibliography,
                            ..sources
                        },
                    )?;
                    article.fingerprint.is(&hash).then(|| {
                        past.version = article.version;
                        past
                    })
                });
            }
            (file, history)
        })
        .collect();
    Ok(SiteHistory {
        from_git: true,
        commits,
        articles,
        judged_at,
        sources_at,
        repo: Some(repo.clone()),
    })
}

/// Whether `number`, a key of `Collected::by_version`, stands for a text whose `version`
/// the quick reading could not judge (keyed by its revision instead).
fn is_unjudged(number: u32) -> bool {
    number >= u32::MAX / 2
}

/// The `version` field of a text without parsing all of it: a top-level `version:` line in
/// the front matter (1 when there is none). `None` when the line is not a plain number, so
/// that the full parser decides.
pub fn quick_version(text: &str) -> Option<u32> {
    let split = split_front_matter(text).ok()?;
    for line in split.front_matter.lines() {
        if let Some(value) = line.strip_prefix("version:") {
            let value = value.split(" #").next().unwrap_or_default().trim();
            let value = value.trim_matches(|c| c == '"' || c == '\'');
            return value.parse().ok();
        }
    }
    Some(1)
}

/// Whether a text is withdrawn — a top-level `retired:` key in its front matter — without
/// parsing all of it; `None` when its front matter cannot be found.
pub fn quick_withdrawn(text: &str) -> Option<bool> {
    let split = split_front_matter(text).ok()?;
    Some(split.front_matter.lines().any(|line| {
        line.strip_prefix("retired")
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    }))
}

/// `content/a/b/x.md` → `a/b`: the folder under `content/`, as `load` computes it.
fn section_of(path: &str) -> String {
    let inside = path.strip_prefix("content/").unwrap_or(path);
    inside
        .rsplit_once('/')
        .map(|(dir, _)| dir.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_version_line_quickly() {
        assert_eq!(quick_version("---\nquestion: x?\nversion: 3\n---\nbody"), Some(3));
        assert_eq!(quick_version("---\nversion: \"2\"  # bumped\n---\n"), Some(2));
        assert_eq!(
            quick_version("---\nquestion: x?\n---\nversion: 9\n"),
            Some(1),
            "the body does not count"
        );
        assert_eq!(quick_version("---\nversion: three\n---\n"), None);
        assert_eq!(quick_version("no front matter"), None);
    }

    #[test]
    fn tells_a_withdrawn_text_quickly() {
        assert_eq!(
            quick_withdrawn("---\nquestion: x?\nretired: {date: 2026-01-01, reason: r}\n---\n"),
            Some(true)
        );
        assert_eq!(quick_withdrawn("---\nretired :\n  date: 2026-01-01\n---\n"), Some(true));
        assert_eq!(
            quick_withdrawn("---\nquestion: x?\nanswer: >-\n  retired: no\n---\nretired: body\n"),
            Some(false),
            "neither an indented line nor the body counts"
        );
        assert_eq!(quick_withdrawn("no front matter"), None);
    }

    #[test]
    fn sections_follow_the_folder_under_content() {
        assert_eq!(section_of("content/a/b/x.md"), "a/b");
        assert_eq!(section_of("content/x.md"), "");
    }
}
