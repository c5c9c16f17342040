//! Finished parses of article files, kept in `.evident/cache/articles/` so that a build
//! after an edit parses only the files that changed.
//!
//! A parse job's result (the judged article and the findings of its file) is a pure
//! function of the file's path and text and of what every article is parsed against: the
//! configuration, the shared bibliography, the people registry and the pinned keys, the
//! retraction list, the files an approval may embed (`static/`, `theme/`, files beside the
//! articles), the options, "today" and the binary. An entry is named by a SHA-256 over all
//! of them, so an entry found is the parse that would be made now; anything else parses.
//! Templates, pages, git's history and other articles are not read by a parse job and do
//! not name entries: editing a template reuses every parse.
//!
//! A file is named by the SHA-256 of its bytes. Where the build's fingerprint found that
//! digest for the file, settled (`known`), the entry is found without reading the file or
//! looking at it again (`name_unread`): a build after one edit of a large site reads only
//! the edited file, and a file changed since keeps the build from being recorded.
//!
//! The entries of one configuration (everything but the article's own file) are records
//! of one pack (`pack`), named by that configuration: a build reads each from one open
//! file, checked by a fast checksum, and holds a recalled body's and answers' HTML and its
//! references where they are in the pack rather than copying them into its own spill. A
//! damaged or foreign entry is parsed again and appended. The article itself is stored in bincode's compact
//! form, not JSON: a build after one edit reads back every other article, and JSON's text
//! (digests in hex, field names) took most of that time. Entries unused for a week leave
//! the pack's index (and its bytes at the next compaction); a pack no build has used for a
//! week is removed, at most once a day, and only when it is one of ours.

use super::Finding;
use super::frame;
use super::inputs::Fields;
use super::pack::Pack;
use crate::load::{FileBytes, SourceFile};
use crate::packed::{Holding, Spill};
use crate::parse::Output;
use crate::parse::article::{Article, Kept, ParsedArticle};
use crate::parse::references::References;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// Where the entries are, under the cache folder.
const ARTICLES_DIR: &str = "articles";

/// A pack, or a file of the cache's earlier form, unused for this long is removed.
const UNUSED_FOR: Duration = Duration::from_secs(super::pack::UNUSED_FOR_DAYS as u64 * 24 * 60 * 60);

/// A temporary file left by a build that died while writing it is removed after this long
/// (a build running beside this one may be writing it now).
const LEFT_FOR: Duration = Duration::from_secs(24 * 60 * 60);

/// How often the folder is searched for such entries.
const PRUNE_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// The kept parses of one site, against the sources it has now.
pub struct ArticleCache {
    dir: PathBuf,
    /// The entries of this configuration.
    pack: Pack,
    /// The pack's file name in `dir`, which the daily search leaves.
    pack_name: String,
    /// The fingerprint of everything a parse job reads besides its own file.
    shared: [u8; 32],
    /// Parses with their body's HTML are recalled and kept; else recalled without it.
    publishing: bool,
    /// The entries this build read or wrote: marked used today in the pack's index.
    used: Mutex<HashSet<[u8; 32]>>,
    /// The digests of the site's files as the build's fingerprint found them: an article
    /// whose file it knows, settled, is named without being read or stat'ed again
    /// (`name_unread`).
    known: Arc<super::known::KnownFiles>,
}

/// One kept parse as stored: bincode (`super::form`: the article without its references, its
/// body's search terms and its answers' HTML; the findings), then the body's packed HTML,
/// its packed search terms, the answer's and the plain answer's packed HTML, the
/// references' identities (each length first; empty for no article, no terms, no plain
/// answer or no references), then the packed references, all as the build holds them:
/// recalled, none is unpacked or packed again.
#[derive(Serialize)]
struct Storing<'a> {
    article: &'a Option<Article>,
    findings: Vec<Finding>,
}

#[derive(Deserialize)]
struct Stored {
    article: Option<Article>,
    findings: Vec<Finding>,
}

impl ArticleCache {
    /// The kept parses of `root`'s articles for a run with `settings` that makes `output`:
    /// one that publishes recalls parses with their HTML and keeps what it parses; `check`
    /// (no HTML) recalls them too, without the HTML, and keeps nothing, as its parses have
    /// no HTML to keep. `files` is what the build's fingerprint found of the site's files
    /// (`BuildCache::files`); without it the memo is read here. `None` when what every
    /// parse reads cannot all be read.
    pub fn open(
        root: &Path,
        settings: &super::Settings<'_>,
        output: Output,
        files: Option<Arc<super::known::KnownFiles>>,
    ) -> Option<ArticleCache> {
        let mut hash = Fields(Sha256::new());
        hash.field(b"binary", crate::embedded::binary_identity().as_bytes());
        // Of the options, what a parse job reads: drafts, pending articles and `--deny`
        // decide later what is published and how findings count, so `check --deny
        // warnings` recalls what `build` kept.
        let read = format!("today={} base_url={:?}", settings.today, settings.base_url);
        hash.field(b"options", read.as_bytes());
        hash.trusted_keys(settings)?;
        // Read alone, this memo of the files would forget the articles the build's own
        // fingerprint read: it is only read here, never written.
        let known = files.unwrap_or_else(|| Arc::new(super::known::KnownFiles::open(root)));
        for name in [crate::config::CONFIG_FILE, crate::review::site::APPROVAL_FILE] {
            hash.file(&known, name, &root.join(name));
        }
        for name in super::named_files(root) {
            hash.file(&known, "retraction list", &root.join(name));
        }
        // Walked already by the build's fingerprint, which kept what it found of them.
        use super::inputs::{READ_BY_PARSES, Walk};
        for dir in READ_BY_PARSES {
            // Of `content/`, what an article embeds from beside it: the articles themselves
            // name their own entries, and pages are not read by an article's parse.
            let beside_articles = dir == "content";
            hash.tree(
                &known,
                root,
                dir,
                &|path| !beside_articles || path.extension().is_none_or(|e| e != "md"),
                Walk::Kept,
            )?;
        }
        let shared: [u8; 32] = hash.0.finalize().into();
        let dir = root.join(super::CACHE_DIR).join(ARTICLES_DIR);
        let publishing = output == Output::Html;
        let pack_name = format!("{}.pack", crate::text::hex(&shared[..8]));
        Some(ArticleCache {
            pack: Pack::open(&dir.join(&pack_name), publishing),
            pack_name,
            dir,
            shared,
            publishing,
            used: Mutex::new(HashSet::new()),
            known,
        })
    }

    /// The name of the entry of the parse of the file at `rel_path` in `section` whose
    /// bytes have the digest `bytes`: the same whether the build read them now or knew them.
    fn key(&self, rel_path: &str, section: &str, bytes: &crate::load::FileBytes) -> [u8; 32] {
        let mut hash = Fields(Sha256::new());
        hash.field(b"shared", &self.shared);
        hash.field(b"path", rel_path.as_bytes());
        hash.field(b"section", section.as_bytes());
        hash.field(b"bytes", &bytes.sha256);
        hash.0.finalize().into()
    }

    fn mark_used(&self, key: [u8; 32]) {
        if let Ok(mut used) = self.used.lock() {
            used.insert(key);
        }
    }

    /// Ends the build's use of its pack (`Pack::finish`: entries marked used, the pack
    /// compacted when mostly dead) and, when the folder was not searched in the last day,
    /// removes the packs no build has used for a week, temporary files builds left, and
    /// entries of the cache's earlier form (one file each). Failing to remove anything
    /// fails nothing; `check` removes nothing.
    pub fn prune(&self) {
        if !self.publishing {
            return;
        }
        if let Ok(used) = self.used.lock() {
            self.pack.finish(&used);
        }
        let marker = self.dir.join("pruned");
        let now = SystemTime::now();
        let recently = std::fs::metadata(&marker)
            .and_then(|m| m.modified())
            .is_ok_and(|at| now.duration_since(at).is_ok_and(|age| age < PRUNE_EVERY));
        if recently || std::fs::write(&marker, b"").is_err() {
            return;
        }
        let older_than = |path: &Path, limit: Duration| {
            std::fs::metadata(path)
                .and_then(|m| m.modified())
                .is_ok_and(|at| now.duration_since(at).is_ok_and(|age| age > limit))
        };
        for entry in walkdir::WalkDir::new(&self.dir)
            .min_depth(1)
            .max_depth(2)
            .into_iter()
            .flatten()
        {
            let name = entry.file_name().to_string_lossy();
            let path = entry.path();
            if !entry.file_type().is_file() || name == self.pack_name.as_str() {
                continue;
            }
            let remove = if entry.depth() == 2 {
                is_entry_name(&name) && older_than(path, UNUSED_FOR) && frame::is_ours(path)
            } else if name.starts_with('.') && name.ends_with(".tmp") {
                older_than(path, LEFT_FOR)
            } else if name.ends_with(".pack") {
                // In use when its index was written this week (each build that uses it
                // rewrites it at least once a day).
                let index = path.with_extension("index");
                older_than(path, UNUSED_FOR)
                    && (!index.exists() || older_than(&index, UNUSED_FOR))
                    && super::pack::is_ours(path)
            } else if name.ends_with(".index") {
                older_than(path, UNUSED_FOR) && !path.with_extension("pack").exists() && super::pack::is_ours(path)
            } else {
                false
            };
            if remove {
                let _ = std::fs::remove_file(path);
                if name.ends_with(".pack") {
                    let _ = std::fs::remove_file(path.with_extension("index"));
                }
            }
        }
    }
}

/// `<64 hex digits>.bin`, as the cache's earlier form named entries.
fn is_entry_name(name: &str) -> bool {
    name.strip_suffix(".bin")
        .is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl Kept for ArticleCache {
    fn name(&self, source: &SourceFile) -> [u8; 32] {
        self.key(&source.rel_path, &source.section, &source.file_bytes())
    }

    fn name_unread(&self, path: &Path, rel_path: &str, section: &str) -> Option<([u8; 32], FileBytes)> {
        let bytes = self.known.settled(path)?;
        Some((self.key(rel_path, section, &bytes), bytes))
    }

    fn recall(&self, key: &[u8; 32], spill: Option<&Arc<Spill>>) -> Option<ParsedArticle> {
        let entry = self.pack.read(key)?;
        let payload = entry.bytes();
        let (article, rest) = frame::take_sized(payload)?;
        let (html, rest) = frame::take_sized(rest)?;
        let (terms, rest) = frame::take_sized(rest)?;
        let (answer, rest) = frame::take_sized(rest)?;
        let (plain_answer, rest) = frame::take_sized(rest)?;
        let (identities, references) = frame::take_sized(rest)?;
        // Held where they are in the pack when the build spills: never copied again.
        let (file, start) = entry.place();
        let html_at = start + 16 + article.len() as u64;
        let terms_at = html_at + 8 + html.len() as u64;
        let answer_at = terms_at + 8 + terms.len() as u64;
        let plain_answer_at = answer_at + 8 + answer.len() as u64;
        let references_at = plain_answer_at + plain_answer.len() as u64 + 8 + identities.len() as u64;
        let holding = |at: u64| match spill {
            Some(_) => Holding::At(file, at),
            None => Holding::Copied(None),
        };
        let stored: Stored = bincode::Options::deserialize(super::form(article.len()), article).ok()?;
        let diagnostics = stored
            .findings
            .into_iter()
            .map(Finding::into_diagnostic)
            .collect::<Option<Vec<_>>>()?;
        let mut article = stored.article;
        if let Some(article) = article.as_mut() {
            if !self.publishing {
                // `check` parses make no HTML: recalled, they hold none either.
                article.body.forget_html();
            } else if html.is_empty() || !article.body.restore_html(html, holding(html_at)) {
                return None;
            }
            if !article.body.restore_search_terms(terms, holding(terms_at))
                || !article.answer.restore_html(answer, holding(answer_at))
            {
                return None;
            }
            let plain_restored = match article.plain_answer_mut() {
                Some(plain) => plain.restore_html(plain_answer, holding(plain_answer_at)),
                None => plain_answer.is_empty(),
            };
            if !plain_restored {
                return None;
            }
            article.references = References::from_kept(identities, references, holding(references_at))?;
        } else if [html, terms, answer, plain_answer, identities, references]
            .iter()
            .any(|part| !part.is_empty())
        {
            return None;
        }
        self.mark_used(*key);
        Some(ParsedArticle {
            article,
            spans: None,
            diagnostics,
        })
    }

    fn keep(&self, key: &[u8; 32], parsed: &ParsedArticle) {
        // Only what a parse job hands on: where each field is written is dropped once the
        // article is judged, and an unjudged article would come back unjudged. A parse
        // without its HTML would be recalled by a build that needs it.
        if parsed.spans.is_some() || !self.publishing {
            return;
        }
        let (html, terms, answers, references) = match parsed.article.as_ref() {
            None => (Vec::new(), Vec::new(), [Vec::new(), Vec::new()], None),
            Some(article) => {
                let plain_answer = article.plain_answer().map(|plain| plain.packed_html());
                match (
                    article.body.packed_html(),
                    article.body.packed_search_terms(),
                    article.answer.packed_html(),
                    plain_answer.transpose(),
                    article.references.kept_form(),
                ) {
                    (Some(Ok(html)), Ok(terms), Ok(answer), Ok(plain_answer), Some(Ok(references))) => (
                        html,
                        terms,
                        [answer, plain_answer.unwrap_or_default()],
                        Some(references),
                    ),
                    // Unreadable, or references not yet packed: not kept.
                    _ => return,
                }
            }
        };
        let storing = Storing {
            article: &parsed.article,
            findings: parsed.diagnostics.iter().map(Finding::of).collect(),
        };
        let Ok(article) = bincode::Options::serialize(super::form(usize::MAX), &storing) else {
            return;
        };
        let identities = references.as_ref().map_or(&[][..], |r| r.identities);
        let length = |part: &[u8]| (part.len() as u64).to_le_bytes();
        let [answer, plain_answer] = &answers;
        let packed_references = references.as_ref().map_or(&[][..], |r| &r.packed[..]);
        let parts: [&[u8]; 13] = [
            &length(&article),
            &article,
            &length(&html),
            &html,
            &length(&terms),
            &terms,
            &length(answer),
            answer,
            &length(plain_answer),
            plain_answer,
            &length(identities),
            identities,
            packed_references,
        ];
        if self.pack.append(key, &parts) {
            self.mark_used(*key);
        }
    }
}
