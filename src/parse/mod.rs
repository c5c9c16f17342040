//! Stage 2, parse: turns each loaded file into typed data — front matter, rendered Markdown,
//! numbered citations — in parallel. Output: articles, pages, and the findings of parsing.

pub mod answer;
pub mod article;
pub mod canonical;
pub mod citation;
pub mod evidence;
pub mod fields;
pub mod front_matter;
pub mod headings;
pub mod held_review;
pub mod highlight;
pub mod markdown;
pub mod page;
pub mod placeholder;
pub mod rare;
pub mod references;
pub mod yaml;

use crate::bibliography::{Bibliography, parse_bibliography};
use crate::diagnostic::{Diagnostic, Findings};
use crate::load::{ContentFile, LoadedContent, SourceKind, find_content, load_bibliography};
use crate::review::hash::ReviewSite;
use article::{Article, ParsedArticle, Sources, parse_article};
pub use markdown::Output;
use page::{Page, parse_page};
use rayon::prelude::*;
use std::path::Path;

#[derive(Debug, Default)]
pub struct ParsedContent {
    pub articles: Vec<Article>,
    pub pages: Vec<Page>,
    /// The shared bibliography that articles' keys fall back to.
    pub bibliography: Bibliography,
    /// Where the articles' approvals hold (they were judged against it).
    pub site: ReviewSite,
    /// The findings of parsing, held compactly (`Findings`) from the moment each job ends.
    pub diagnostics: Findings,
    /// The people registry approvals were judged by (empty when none were judged).
    pub people: std::sync::Arc<crate::people::Registry>,
    /// Where the bodies' HTML waits for the pages (`crate::packed`), when a build publishes.
    pub spill: Option<std::sync::Arc<crate::packed::Spill>>,
}

impl ParsedContent {
    /// The people registry approvals were judged by (empty when none were judged).
    pub fn people(&self) -> std::sync::Arc<crate::people::Registry> {
        self.people.clone()
    }

    /// What the articles were parsed against, to parse other versions of their texts as
    /// they were: an old version's approval is judged by its caller against the registry
    /// of its own time, so none is judged here.
    pub fn sources(&self) -> article::Sources<'_> {
        article::Sources {
            bibliography: &self.bibliography,
            site: &self.site,
            trust: None,
            retractions: None,
            spill: self.spill.as_ref(),
            judge: None,
        }
    }

    /// Frees the articles on every core: ten thousand articles are millions of small
    /// allocations, and freeing them on one thread took 80 ms at the end of every build.
    pub fn drop_in_parallel(self) {
        self.articles.into_par_iter().for_each(drop);
    }
}

/// How `read_and_parse` reads a site's content and what it judges each article by.
#[derive(Clone, Copy)]
pub struct Reading<'a> {
    /// `base_url` as `evident.yaml` gives it: approvals are bound to it.
    pub base_url: &'a str,
    /// Whether articles' body HTML is made (`evident check` publishes nothing).
    pub output: Output,
    /// Files over this many bytes are refused unread (`limits.max_file_size`).
    pub max_file_size: u64,
    /// The registry and rules each approval is judged by as its article is parsed; `None`
    /// leaves approvals unjudged.
    pub trust: Option<&'a crate::review::trust::Trust>,
    /// The retraction list whose corrections each reference is annotated with.
    pub retractions: Option<&'a crate::bibliography::retraction::RetractionList>,
    /// The checks of one article alone, run in its parse job (see `article::Judge`); `None`
    /// leaves the article unchecked, with everything the checks would read.
    pub judge: Option<&'a article::Judge<'a>>,
    /// Parses kept from earlier builds against these same sources (the build cache);
    /// `None` parses every file.
    pub kept: Option<&'a dyn article::Kept>,
}

impl<'a> Reading<'a> {
    /// Reading for `base_url`, with the HTML, the default size limit, and nothing judged.
    pub fn of(base_url: &'a str) -> Reading<'a> {
        Reading {
            base_url,
            output: Output::Html,
            max_file_size: crate::load::DEFAULT_MAX_FILE_SIZE,
            trust: None,
            retractions: None,
            judge: None,
            kept: None,
        }
    }
}

/// Reads and parses every content file under `root`, each text dropped as soon as it is
/// parsed, so that every text is never held at once (on a large site they are a quarter of
/// the parsed articles' size): what stays of each file is its `ContentFile`. Each article
/// leaves its file's job finished: parsed, its approval judged and its references
/// annotated, as `reading` says; no later stage changes it.
pub fn read_and_parse(root: &Path, reading: &Reading<'_>) -> (LoadedContent, ParsedContent) {
    let Reading {
        base_url,
        output,
        max_file_size,
        trust,
        retractions,
        judge,
        kept,
    } = *reading;
    let site = ReviewSite::new(base_url, root);
    let found = find_content(root, max_file_size);
    let (bibliography_files, bibliography_problems) = load_bibliography(root, max_file_size);
    let (bibliography, bibliography_findings) = parse_bibliography(&bibliography_files);
    // Only what publishes makes bodies; without a temporary folder they stay in memory.
    let spill = (output == Output::Html)
        .then(crate::packed::Spill::create)
        .and_then(Result::ok);
    // Each job's findings are packed before it ends: held whole until all files were
    // parsed, 170,000 findings were 80 MB.
    let mut findings: Findings = bibliography_findings.into();
    let packing = findings.sibling();
    let parse_file = |(path, kind): &(std::path::PathBuf, SourceKind)| {
        let sources = Sources {
            bibliography: &bibliography,
            site: &site,
            trust,
            retractions,
            spill: spill.as_ref(),
            judge,
        };
        let finish_article = |mut parsed: ParsedArticle| {
            // Kept: from here on only its page reads the answers' HTML (a recalled parse
            // holds it where it is in the build cache already: nothing to spill).
            if let Some(article) = parsed.article.as_mut() {
                article.spill_answers(spill.as_ref());
                // What publishes reads the whole hash alone; `check`, which approvals
                // are recorded from, keeps the parts.
                if output == Output::Html {
                    article.fingerprint.forget_parts();
                }
            }
            let mut packed = packing.sibling();
            packed.extend(std::mem::take(&mut parsed.diagnostics));
            FileParse::Article(parsed, packed)
        };
        if *kind == SourceKind::Article
            && let Some(kept) = kept
            && let Some((file, recalled)) = recall_unread(&found, root, path, kept, sources, output)
        {
            return (Ok(file), Some(finish_article(recalled)));
        }
        match found.read(root, path) {
            Ok(source) => {
                let parse = match kind {
                    SourceKind::Article => finish_article(parse_or_recall(&source, sources, output, kept)),
                    SourceKind::Page => {
                        let (page, diagnostics) = parse_page(&source);
                        let mut packed = packing.sibling();
                        packed.extend(diagnostics);
                        FileParse::Page(page, packed)
                    }
                };
                (Ok(source.into_content_file()), Some(parse))
            }
            Err(unreadable) => (Err(unreadable), None),
        }
    };
    let mut loaded = LoadedContent {
        bibliography: bibliography_files,
        ..LoadedContent::default()
    };
    // Each parse is moved once, straight into the list the build holds: collected whole
    // and then sorted by kind, every article was held twice for a moment (at 100,000
    // articles, 300 MB of structs on top of what they hold). Sized once: grown by
    // doubling, ten thousand articles of a kilobyte each left 6 MB of the list unused for
    // the whole build.
    let article_files = found
        .files
        .iter()
        .filter(|(_, kind)| *kind == SourceKind::Article)
        .count();
    let mut articles = Vec::with_capacity(article_files);
    let mut pages = Vec::new();
    // Pages' findings follow every article's, as pages follow articles.
    let mut page_findings = Vec::new();
    let mut unreadable_files = Vec::new();
    for block in found.files.chunks(PARSE_BLOCK) {
        let parsed: Vec<(Result<ContentFile, Diagnostic>, Option<FileParse>)> =
            block.par_iter().map(parse_file).collect();
        for (file, parse) in parsed {
            match (file, parse) {
                (Ok(file), Some(FileParse::Article(parsed, found))) => {
                    loaded.articles.push(file);
                    findings.append(found);
                    articles.extend(parsed.article);
                }
                (Ok(file), Some(FileParse::Page(page, found))) => {
                    loaded.pages.push(file);
                    page_findings.push(found);
                    pages.extend(page);
                }
                (Err(unreadable), _) => unreadable_files.push(unreadable),
                (Ok(_), None) => {}
            }
        }
    }
    for found in page_findings {
        findings.append(found);
    }
    loaded.diagnostics = found.diagnostics;
    loaded.diagnostics.extend(unreadable_files);
    loaded.diagnostics.extend(bibliography_problems);
    let parsed = ParsedContent {
        articles,
        pages,
        bibliography,
        site,
        diagnostics: findings,
        people: trust.map(|trust| trust.registry.clone()).unwrap_or_default(),
        spill,
    };
    (loaded, parsed)
}

/// Files parsed together, on every core, before their parses are moved into the lists the
/// build holds: only one block's parses are ever held twice.
const PARSE_BLOCK: usize = 1024;

/// The parse of `source`: kept from an earlier build when `kept` has it, else parsed now
/// and offered to `kept`.
fn parse_or_recall(
    source: &crate::load::SourceFile,
    sources: Sources<'_>,
    output: Output,
    kept: Option<&dyn article::Kept>,
) -> ParsedArticle {
    let Some(kept) = kept else {
        return parse_and_pack(source, sources, output);
    };
    let name = kept.name(source);
    if let Some(mut recalled) = kept.recall(&name, sources.spill) {
        // The references come back packed with the corrections they were kept with: the
        // retraction list is one of the inputs that name a kept parse.
        // Debug builds (every test) check the kept parse against parsing anew, field by
        // field, the references with their corrections and the body's HTML, as `yaml`
        // checks its values against serde_yaml's.
        #[cfg(debug_assertions)]
        assert_same_parse(&recalled, &parse_and_pack(source, sources, output), &source.rel_path);
        named(&mut recalled, name);
        return recalled;
    }
    let mut parsed = parse_and_pack(source, sources, output);
    kept.keep(&name, &parsed);
    named(&mut parsed, name);
    parsed
}

/// The kept parse of the article file at `path`, found by what the build cache knows of
/// the file's bytes, without reading it: in a build after one edit, the other files are
/// neither read nor hashed again. `None` when the cache does not know the file as it is
/// now or keeps no parse of it: the file is then read (`parse_or_recall`).
fn recall_unread(
    found: &crate::load::FoundContent,
    root: &Path,
    path: &Path,
    kept: &dyn article::Kept,
    sources: Sources<'_>,
    // Read only by debug builds, which parse the file anew to check the kept parse.
    #[cfg_attr(not(debug_assertions), allow(unused_variables))] output: Output,
) -> Option<(ContentFile, ParsedArticle)> {
    let (rel_path, section) = found.named(root, path);
    let (name, bytes) = kept.name_unread(path, &rel_path, &section)?;
    // A file over the limit is read, to be refused with its finding.
    if bytes.len > found.max_file_size() {
        return None;
    }
    let mut recalled = kept.recall(&name, sources.spill)?;
    // Debug builds (every test) read the file all the same: the digest the cache knew must
    // be the file's, and the parse it names the parse of the file's text.
    #[cfg(debug_assertions)]
    {
        let source = found
            .read(root, path)
            .expect("a file the build cache knows is readable");
        assert!(
            source.file_bytes() == bytes,
            "{rel_path}: the build cache's digest of the file is not the digest of its bytes"
        );
        assert!(kept.name(&source) == name, "{rel_path}: named otherwise when read");
        assert_same_parse(&recalled, &parse_and_pack(&source, sources, output), &rel_path);
    }
    named(&mut recalled, name);
    Some((ContentFile::unread(rel_path, bytes), recalled))
}

/// `source` parsed now, judged and annotated: from here on only its page reads the
/// references whole, and the graph their identities. A kept parse stores them packed as
/// they are held.
fn parse_and_pack(source: &crate::load::SourceFile, sources: Sources<'_>, output: Output) -> ParsedArticle {
    let mut parsed = parse_article(source, sources, output);
    if let Some(article) = parsed.article.as_mut() {
        article.references.pack(sources.spill);
    }
    parsed
}

/// Gives the article the name of its parse.
fn named(parsed: &mut ParsedArticle, name: [u8; 32]) {
    if let Some(article) = parsed.article.as_mut() {
        article.inputs = Some(name);
    }
}

#[cfg(debug_assertions)]
fn assert_same_parse(recalled: &ParsedArticle, fresh: &ParsedArticle, file: &str) {
    let facts = |parsed: &ParsedArticle| {
        let article = parsed.article.as_ref();
        let references = article.map(|a| a.references.typed().map(|r| r.into_owned()));
        let corrections: Vec<_> = references
            .as_ref()
            .and_then(|r| r.as_ref().ok())
            .map(|references| references.iter().map(|r| r.correction.clone()).collect())
            .unwrap_or_default();
        // Not part of the article's own JSON: the cache keeps them apart.
        let references = references.map(|r| r.ok().and_then(|r| serde_json::to_value(r).ok()));
        let html = article.and_then(|a| a.body.html().ok());
        // Not part of the article's own JSON either.
        let answers = article.map(|a| {
            let plain = a.plain_answer().map(|plain| plain.html().ok());
            (a.answer.html().ok(), plain)
        });
        (
            // A value, not text: maps compare by their entries, whatever their order.
            serde_json::to_value(&parsed.article).ok(),
            references,
            corrections,
            html,
            answers,
            parsed.spans.is_some(),
        )
    };
    assert!(
        facts(recalled) == facts(fresh) && recalled.diagnostics == fresh.diagnostics,
        "the kept parse of {file} is not what parsing it gives"
    );
}

// Pages are a handful beside thousands of articles: boxing the article to even out the
// variants would cost an allocation for each.
#[allow(clippy::large_enum_variant)]
enum FileParse {
    /// The parse, its findings moved out and packed.
    Article(ParsedArticle, Findings),
    Page(Option<Page>, Findings),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Articles by file and question, pages by file, findings by file and code.
    type Summary = (Vec<(String, String)>, Vec<String>, Vec<(String, String)>);

    fn summary(articles: &[Article], pages: &[Page], findings: impl Iterator<Item = Diagnostic>) -> Summary {
        (
            articles
                .iter()
                .map(|a| (a.file.to_string(), a.question.to_string()))
                .collect(),
            pages.iter().map(|p| p.file.clone()).collect(),
            findings.map(|d| (d.file, d.code.to_string())).collect(),
        )
    }

    #[test]
    fn every_file_is_read_and_parsed_in_name_order_with_its_findings() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        for dir in ["content/heart", "content/lungs", "content/pages", "references"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        let article =
            |q: &str| format!("---\nquestion: \"{q}\"\nanswer: An answer.\ncreated: 2026-01-08\n---\n\nText.\n");
        std::fs::write(root.join("content/heart/b.md"), article("B?")).unwrap();
        std::fs::write(root.join("content/heart/a.md"), article("A?")).unwrap();
        std::fs::write(root.join("content/lungs/c.md"), "---\nquestion: [unclosed\n---\n").unwrap();
        std::fs::write(root.join("content/lungs/d.md"), b"---\nquestion: \xff\n---\n").unwrap();
        std::fs::write(root.join("content/pages/about.md"), "---\ntitle: About\n---\n\nUs.\n").unwrap();
        std::fs::write(root.join("references/shared.yaml"), "- id: [unclosed\n").unwrap();

        let (files, parsed) = read_and_parse(root, &Reading::of("https://example.org/"));
        let got = summary(
            &parsed.articles,
            &parsed.pages,
            files.diagnostics.iter().cloned().chain(parsed.diagnostics.iter()),
        );
        assert_eq!(
            got.0,
            [
                ("content/heart/a.md".to_string(), "A?".to_string()),
                ("content/heart/b.md".to_string(), "B?".to_string())
            ]
        );
        assert_eq!(got.1, ["content/pages/about.md"]);
        for (file, code) in [
            ("content/lungs/d.md", "content/unreadable"),
            ("content/lungs/c.md", "frontmatter/syntax"),
            ("references/shared.yaml", "bibliography/syntax"),
        ] {
            assert!(
                got.2.iter().any(|(f, c)| f == file && c == code),
                "{code} on {file} missing from {got:?}"
            );
        }
        let names = |files: &[ContentFile]| files.iter().map(|f| f.rel_path.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&files.articles),
            ["content/heart/a.md", "content/heart/b.md", "content/lungs/c.md"]
        );
        assert_eq!(names(&files.pages), ["content/pages/about.md"]);
        assert_eq!(files.bibliography.len(), 1);
    }

    #[test]
    fn parsing_to_check_finds_what_parsing_to_publish_finds_without_the_html() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        std::fs::create_dir_all(root.join("content/heart")).unwrap();
        let article = "---\nquestion: \"Which dose?\"\nanswer: Start low [@a].\ncreated: 2026-01-08\nreferences:\n  - id: a\n    type: guideline\n    title: \"A\"\n    publisher: \"P\"\n    year: 2025\n---\n\n## Dose\n\n- Five milligrams [@a; @missing].\n- No evidence here.\n\n```python\nprint(1)\n```\n";
        std::fs::write(root.join("content/heart/a.md"), article).unwrap();
        let (_, published) = read_and_parse(root, &Reading::of("https://example.org/"));
        let (_, checked) = read_and_parse(
            root,
            &Reading {
                output: Output::FactsOnly,
                ..Reading::of("https://example.org/")
            },
        );
        let facts = |parsed: &ParsedContent| {
            let a = &parsed.articles[0];
            (
                parsed
                    .diagnostics
                    .iter()
                    .map(|d| (d.code, d.line, d.column, d.message.clone()))
                    .collect::<Vec<_>>(),
                a.body.headings.toc().map(|t| t.id.to_string()).collect::<Vec<_>>(),
                a.body.has_code,
                a.body.search_terms().expect("unpacks"),
                a.citations.order.clone(),
                a.fingerprint.hash(),
                a.answer.html().expect("unpacks"),
                a.citations
                    .uses
                    .iter()
                    .map(|u| (u.key.clone(), u.at, u.resolved))
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(facts(&checked), facts(&published));
        let uses = facts(&published).7;
        assert!(
            uses.iter().any(|(key, _, resolved)| key == "missing" && !resolved),
            "{uses:?}"
        );
        assert!(published.articles[0].body.html().unwrap().contains("<h2 id=\"dose\">"));
        assert!(checked.articles[0].body.html().is_err(), "no page can be made from it");
    }

    #[test]
    fn references_leave_the_parse_packed_and_read_back_whole() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        std::fs::create_dir_all(root.join("content/heart")).unwrap();
        let article = "---\nquestion: \"Which dose?\"\nanswer: Start low [@a].\ncreated: 2026-01-08\nreferences:\n  - id: a\n    type: research\n    title: \"A trial\"\n    journal: \"J\"\n    year: 2025\n    doi: \"10.1/a\"\n---\n\nText [@a].\n";
        std::fs::write(root.join("content/heart/a.md"), article).unwrap();
        for output in [Output::Html, Output::FactsOnly] {
            let (_, mut parsed) = read_and_parse(
                root,
                &Reading {
                    output,
                    ..Reading::of("https://example.org/")
                },
            );
            let references = &mut parsed.articles[0].references;
            assert_eq!(references.identities()[0].doi, Some("10.1/a"));
            assert_eq!(references.typed().unwrap()[0].title, "A trial");
            assert!(references.typed_mut().is_none(), "held packed, not typed");
        }
    }
}
