//! One article file → one `Article`: typed front matter, rendered answer and body, numbered
//! citations, and the positions that later checks point at.

use super::citation::{Citations, Citer};
use super::evidence::{Claim, ScanContext, field_position, scan_events};
use super::fields::{FRONT_MATTER_CODES, FieldReader, Locator};
use super::front_matter::{ARTICLE_FIELDS, Audience, Change, Reference, Review};
use super::markdown::{MarkdownEvents, Mode, Output, Rendered, parse_events, render_events};
use super::rare::Rare;
use crate::bibliography::Bibliography;
use crate::bibliography::yaml::field_positions;
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic, Position};
use crate::load::split::split_front_matter;
use crate::load::{FileBytes, LineIndex, SourceFile};
use crate::packed::{PackedText, Spill};
use crate::review::hash::{Fingerprint, ReviewSite, ReviewableContent, fingerprint};
use crate::review::state::{ReviewState, review_state};
use std::path::Path;
use std::sync::Arc;

// Serialised only by the build cache (`crate::cache::articles`), which keeps judged articles.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Article {
    pub file: Box<str>,
    pub section: Box<str>,
    pub slug: Box<str>,
    pub question: Box<str>,
    /// Its text in memory, its HTML packed for the page (`super::answer`).
    pub answer: super::answer::Answer,
    pub body: Body,
    pub topics: Box<[String]>,
    pub audience: Audience,
    pub created: Option<Date>,
    /// `updated`, or `created` when the article was never updated.
    pub updated: Option<Date>,
    pub version: u32,
    /// The review record as written; read through `review()`.
    pub review: super::held_review::HeldReview,
    /// The hash of the reviewable content as it is now.
    pub fingerprint: Fingerprint,
    /// The review record judged against `fingerprint`: the only source of "reviewed".
    pub review_state: ReviewState,
    /// Which reviewers the page may name and when the review falls due, once
    /// `review::trust::judge` has weighed the approval against the registry.
    /// Boxed, and `None` for the approval that shows nobody and falls due never, as an
    /// article without an approval has; read through `approval()`.
    approval: Option<Box<crate::review::trust::Approval>>,
    /// Its own references, then the shared-bibliography entries it cites
    /// (`citations.shared`), in that order; packed once its parse job is done
    /// (`super::references`). The build cache keeps them apart, packed as they are held
    /// (`References::kept_form`).
    #[serde(skip)]
    pub references: super::references::References,
    pub citations: Citations,
    pub related: Box<[String]>,
    /// Where the fields that checks across articles point at are written.
    pub places: Places,
    /// What few articles have, or only one check or its own page reads (`super::rare`):
    /// `None` for an article with none of it. Read through the accessors below
    /// (`title()`, `aliases()`, ...).
    pub rare: Option<Box<Rare>>,
    /// A name of everything its parse read (the build cache's name of its kept parse,
    /// `Kept::name`): two articles of one name are the same article. Pages are keyed by
    /// it instead of by all they show of it (`render::page_key`). `None` when nothing
    /// named the parse (no build cache).
    #[serde(skip)]
    pub inputs: Option<[u8; 32]>,
}

/// An article's body as the site uses it: the page's HTML and table of contents, and for
/// the search index only its words.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Body {
    /// Packed, and spilled to disk when the build gave a spill: read once, when the page is
    /// written (see `crate::packed`). `None` when the article was parsed only to be
    /// checked; `html()` reads it.
    // Stored beside the article, packed, by the build cache.
    #[serde(skip)]
    html: Option<PackedText>,
    /// A SHA-256 of the HTML, when it was made: what a page's key holds of the body instead
    /// of its text (`render::page_key`), so that a page taken over is never unpacked.
    #[serde(with = "crate::digest_bytes::optional")]
    html_digest: Option<[u8; 32]>,
    /// The table of contents and every heading's id (`#fragment` targets), deeper ones too.
    pub headings: super::headings::Headings,
    pub has_code: bool,
    /// `search::text::distinct_terms` of the body's text, packed: only the search index
    /// reads it, once, and a build with the cache reads the terms of an unchanged article
    /// from the kept index instead. Held as they were, the terms were the largest part of
    /// an article kept to the end of a build (0.6 KB). Spilled with the HTML when the build
    /// gave a spill; stored beside the article by the build cache.
    #[serde(skip)]
    search_terms: Option<PackedText>,
}

impl Body {
    /// The body's HTML, unpacked.
    pub fn html(&self) -> Result<String, crate::packed::UnpackError> {
        match &self.html {
            Some(packed) => packed.unpack(),
            None => Err(crate::packed::UnpackError::new(
                "the article was parsed to be checked, not published",
            )),
        }
    }

    /// The SHA-256 of `html()`'s text, without unpacking it; `None` when no HTML was made.
    pub fn html_digest(&self) -> Option<&[u8; 32]> {
        self.html.as_ref().and(self.html_digest.as_ref())
    }

    /// Drops what is held of the HTML, as a parse that makes none would hold.
    pub fn forget_html(&mut self) {
        self.html = None;
        self.html_digest = None;
    }

    /// The body's distinct search terms, unpacked (`search::text::distinct_terms`); empty
    /// for a body with no words.
    pub fn search_terms(&self) -> Result<String, crate::packed::UnpackError> {
        self.search_terms.as_ref().map_or(Ok(String::new()), PackedText::unpack)
    }

    /// The packed search terms, as `restore_search_terms` takes them back (for the build
    /// cache); empty when none were made.
    pub fn packed_search_terms(&self) -> Result<Vec<u8>, crate::packed::UnpackError> {
        self.search_terms.as_ref().map_or(Ok(Vec::new()), PackedText::packed)
    }

    /// Holds `packed` (from `packed_search_terms`) as the search terms again, where
    /// `holding` says; empty bytes are no terms. False when the bytes are too short to be
    /// packed text.
    pub fn restore_search_terms(&mut self, packed: &[u8], holding: crate::packed::Holding<'_>) -> bool {
        if packed.is_empty() {
            self.search_terms = None;
            return true;
        }
        self.search_terms = PackedText::from_packed(packed, holding);
        self.search_terms.is_some()
    }

    /// The packed HTML, as `restore_html` takes it back (for the build cache); `None` when
    /// none was made.
    pub fn packed_html(&self) -> Option<Result<Vec<u8>, crate::packed::UnpackError>> {
        self.html.as_ref().map(PackedText::packed)
    }

    /// Holds `packed` (from `packed_html`) as the HTML again, where `holding` says; false,
    /// and nothing held, when the bytes are too short to be packed text
    /// (`PackedText::from_packed`).
    pub fn restore_html(&mut self, packed: &[u8], holding: crate::packed::Holding<'_>) -> bool {
        self.html = PackedText::from_packed(packed, holding);
        self.html.is_some()
    }

    fn from_rendered(rendered: Rendered, output: Output, spill: Option<&Arc<Spill>>) -> Body {
        let pack = |text: &str| match spill {
            Some(spill) => PackedText::pack_into(text, spill),
            None => PackedText::pack(text),
        };
        let html = output == Output::Html;
        let search_terms = crate::search::text::distinct_terms(&rendered.plain);
        Body {
            search_terms: (!search_terms.is_empty()).then(|| pack(&search_terms)),
            html: html.then(|| pack(&rendered.html)),
            html_digest: html.then(|| {
                use sha2::Digest;
                sha2::Sha256::digest(rendered.html.as_bytes()).into()
            }),
            // No body reaches 4 GiB of headings: `limits.max_file_size` refuses it first.
            headings: super::headings::Headings::new(&rendered.toc, &rendered.anchors).unwrap_or_default(),
            has_code: rendered.has_code,
        }
    }
}

/// Where the fields that checks across articles point at are written: duplicate slugs and
/// questions, links into the site, the graph's findings, and `url/removed` once the pages
/// are made. Kept for the whole build; everything else of `Spans` is not.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Places {
    pub question: Position,
    pub slug: Position,
    pub slug_is_explicit: bool,
    pub front_matter_start: Position,
    pub related: Box<[Position]>,
}

/// Where the other fields are written in the file: what only the checks of the article
/// alone point at (they read the article's `Places` too). Handed to them beside the
/// article (`Judge`), never kept in it.
#[derive(Debug, Default)]
pub struct Spans {
    pub topics: Vec<Position>,
    pub audience: Position,
    pub created: Position,
    pub updated: Position,
    pub version: Position,
    pub review: Position,
    pub reviewers: Vec<Position>,
    pub references: Vec<Position>,
    /// For each of its own references, where each field's value is written.
    pub reference_fields: Vec<crate::bibliography::FieldPositions>,
    pub changes: Vec<Position>,
    pub authors: Vec<Position>,
    pub funding: Position,
    pub conflicts: Position,
    pub grade: Position,
}

impl Article {
    /// What the page shows as its headline when the editor gave no `title`.
    pub fn headline(&self) -> &str {
        self.title().unwrap_or(&self.question)
    }

    /// Which reviewers the page may name and when the review falls due.
    pub fn approval(&self) -> &crate::review::trust::Approval {
        self.approval.as_deref().unwrap_or(&NO_APPROVAL)
    }

    /// Holds `approval` as what the page may say, once judged.
    pub fn set_approval(&mut self, approval: crate::review::trust::Approval) {
        self.approval = held(approval);
    }

    /// Its review record, as written.
    pub fn review(&self) -> &Review {
        self.review.get()
    }

    pub fn title(&self) -> Option<&str> {
        self.rare.as_ref()?.title.as_deref()
    }

    /// The answer in plain language, for patients, when the editor wrote one.
    pub fn plain_answer(&self) -> Option<&super::answer::Answer> {
        self.rare.as_ref()?.plain_answer.as_ref()
    }

    /// The plain answer, for the build cache to restore its HTML.
    pub fn plain_answer_mut(&mut self) -> Option<&mut super::answer::Answer> {
        self.rare.as_mut()?.plain_answer.as_mut()
    }

    /// The answer and, when there is one, the plain answer.
    pub fn answers(&self) -> impl Iterator<Item = &super::answer::Answer> {
        std::iter::once(&self.answer).chain(self.plain_answer())
    }

    pub fn changes(&self) -> &[Change] {
        self.rare.as_ref().map_or(&[], |rare| &rare.changes)
    }

    /// Slugs the article was published under before: each old address redirects to it.
    pub fn aliases(&self) -> &[String] {
        self.rare.as_ref().map_or(&[], |rare| &rare.aliases)
    }

    /// Where the alias numbered `index` (from 0) is written.
    pub fn alias_place(&self, index: usize) -> Option<Position> {
        self.rare.as_ref()?.alias_places.get(index).copied()
    }

    /// Withdrawn: published as a notice at its address, left out of everything else.
    pub fn retired(&self) -> Option<&super::front_matter::Retired> {
        self.rare.as_ref()?.retired.as_ref()
    }

    pub fn is_retired(&self) -> bool {
        self.retired().is_some()
    }

    /// Where `retired:` is written.
    pub fn retired_place(&self) -> Position {
        self.rare.as_ref().map_or(Position::START, |rare| rare.retired_place)
    }

    /// Local URLs of the images its texts embed: their bytes are part of its approval.
    pub fn embedded(&self) -> &[String] {
        self.rare.as_ref().map_or(&[], |rare| &rare.embedded)
    }

    /// Ids of its authors in the people registry, as written.
    pub fn authors(&self) -> &[String] {
        self.rare.as_ref().map_or(&[], |rare| &rare.authors)
    }

    /// Who paid for the work, as written; `None` when the article does not say.
    pub fn funding(&self) -> Option<&str> {
        self.rare.as_ref()?.funding.as_deref()
    }

    /// What its authors declare, as written; `None` when the article does not say.
    pub fn conflicts(&self) -> Option<&str> {
        self.rare.as_ref()?.conflicts.as_deref()
    }

    /// The strength of the evidence behind the answer, as written.
    pub fn grade(&self) -> Option<&str> {
        self.rare.as_ref()?.grade.as_deref()
    }

    /// Reading grades of the texts written for patients.
    pub fn readability(&self) -> &[crate::standards::readability::Scored] {
        self.rare.as_ref().map_or(&[], |rare| &rare.readability)
    }

    /// Links of the body to pages of the site; the answers keep their own.
    pub fn body_links(&self) -> &[super::markdown::Link] {
        self.rare.as_ref().map_or(&[], |rare| &rare.body_links)
    }

    /// Links of the body to other sites, for `check --external`.
    pub fn body_external(&self) -> &[super::markdown::Link] {
        self.rare.as_ref().map_or(&[], |rare| &rare.body_external)
    }

    /// Bullets and paragraphs of the body that cite nothing (see `Rare::uncited_claims`);
    /// empty once the checks of the article alone have run.
    pub fn uncited_claims(&self) -> &[Claim] {
        self.rare.as_ref().map_or(&[], |rare| &rare.uncited_claims)
    }

    /// Moves the answers' HTML to `spill`, once the parse job is done with them: only the
    /// page reads it.
    pub fn spill_answers(&mut self, spill: Option<&Arc<Spill>>) {
        let Some(spill) = spill else { return };
        self.answer.spill(spill);
        if let Some(plain) = self.plain_answer_mut() {
            plain.spill(spill);
        }
    }

    /// Drops what only the checks of the article alone read, once they have run: the uses
    /// of citation keys and the uncited claims (and the rare fields' box, when they were
    /// all it held).
    fn forget_what_only_checks_read(&mut self) {
        self.citations.uses = Box::default();
        if let Some(rare) = self.rare.take() {
            self.rare = Rare {
                uncited_claims: Vec::new(),
                ..*rare
            }
            .boxed();
        }
    }
}

/// What an article is parsed against besides its own text: the shared bibliography its
/// keys fall back to, the site its approvals are bound to, and what it is judged by.
#[derive(Clone, Copy)]
pub struct Sources<'a> {
    pub bibliography: &'a Bibliography,
    pub site: &'a ReviewSite,
    /// The registry and rules its approval is judged by (`review::trust::judge`); `None`
    /// leaves it unjudged.
    pub trust: Option<&'a crate::review::trust::Trust>,
    /// The retraction list its references' corrections come from.
    pub retractions: Option<&'a crate::bibliography::retraction::RetractionList>,
    /// Where its body's HTML waits for the page, out of memory; `None` keeps it packed in
    /// memory.
    pub spill: Option<&'a Arc<Spill>>,
    /// The checks of the article alone, run as soon as it is parsed; what only they read
    /// is then dropped before the article leaves its job. `None` keeps it.
    pub judge: Option<&'a Judge<'a>>,
}

/// Finished parses kept between builds (`crate::cache::articles` keeps them on disk): the
/// parse job asks before it parses a file and offers what it parsed. Only what a parse
/// job hands on is kept (a judged article, or the findings of a file that did not parse),
/// so a recalled parse is what parsing the same text against the same sources gives.
pub trait Kept: Sync {
    /// The name of `source`'s parse: a digest of its path, its text and everything else
    /// its parse reads. One name, one parse.
    fn name(&self, source: &SourceFile) -> [u8; 32];
    /// The name of the parse of the file at `path` (named `rel_path`, in `section`) and
    /// what its bytes are, when they are known without reading the file: `None` when the
    /// file must be read to be named (the name is then `name` of its text).
    fn name_unread(&self, path: &Path, rel_path: &str, section: &str) -> Option<([u8; 32], FileBytes)>;
    /// The parse named `name` kept from an earlier build, its body's HTML written to
    /// `spill`.
    fn recall(&self, name: &[u8; 32], spill: Option<&Arc<Spill>>) -> Option<ParsedArticle>;
    /// Keeps `parsed`, the parse named `name`.
    fn keep(&self, name: &[u8; 32], parsed: &ParsedArticle);
}

/// The checks that need one article and what it was parsed against (the shared
/// bibliography) and nothing of other articles. They run in the parse job, so that where
/// each field is written and every use of a citation key (a fifth of a parsed article)
/// never outlive it. The parse layer runs them without knowing them: the pipeline, above
/// the checks, hands them down.
pub type Judge<'a> = dyn Fn(&Article, &Spans, &Bibliography) -> Vec<Diagnostic> + Sync + 'a;

impl Sources<'static> {
    /// An article on its own: its keys resolve only to its own references, and its
    /// approval is bound to no site.
    pub fn none() -> Sources<'static> {
        static BIBLIOGRAPHY: std::sync::LazyLock<Bibliography> = std::sync::LazyLock::new(Bibliography::default);
        static SITE: std::sync::LazyLock<ReviewSite> = std::sync::LazyLock::new(ReviewSite::default);
        Sources {
            bibliography: &BIBLIOGRAPHY,
            site: &SITE,
            trust: None,
            retractions: None,
            spill: None,
            judge: None,
        }
    }
}

pub struct ParsedArticle {
    pub article: Option<Article>,
    /// Where each of its fields is written, for the checks of the article alone; `None`
    /// once they have run in the parse job (`Sources::judge`), or when it did not parse.
    pub spans: Option<Spans>,
    pub diagnostics: Vec<Diagnostic>,
}

/// One article file parsed against `sources`, making the body's HTML only when `output`
/// asks for it: every finding, fact and number is the same either way. `sources.site` is
/// where approvals hold: it is part of what a reviewer approves. With `sources.trust` its
/// approval is judged, with `sources.retractions` its references annotated: the article
/// comes out finished.
pub fn parse_article(source: &SourceFile, sources: Sources<'_>, output: Output) -> ParsedArticle {
    let mut parsed = parse_text(source, &sources, output);
    parsed.diagnostics.extend(crate::load::control_characters(source));
    parsed.diagnostics.extend(super::placeholder::placeholders(source));
    if let (Some(article), Some(spans)) = (parsed.article.as_mut(), parsed.spans.as_ref()) {
        if let Some(trust) = sources.trust {
            parsed
                .diagnostics
                .extend(crate::review::trust::judge(article, spans, trust));
        }
        if let Some(list) = sources.retractions {
            crate::bibliography::retraction::annotate_corrections(article, list);
        }
        if let Some(judge) = sources.judge {
            parsed.diagnostics.extend(judge(article, spans, sources.bibliography));
            article.forget_what_only_checks_read();
            parsed.spans = None;
        }
    }
    parsed
}

fn parse_text(source: &SourceFile, sources: &Sources<'_>, output: Output) -> ParsedArticle {
    let (bibliography, site) = (sources.bibliography, sources.site);
    let file = source.rel_path.as_str();
    let split = match split_front_matter(&source.text) {
        Ok(split) => split,
        Err(error) => {
            return ParsedArticle {
                article: None,
                spans: None,
                diagnostics: vec![
                    Diagnostic::new(Code::FrontmatterSyntax, file, error.at, error.message).with_hint(error.hint),
                ],
            };
        }
    };
    let first_line = split.front_matter_line;
    let lines = LineIndex::new(&source.text);
    let mut reader = match FieldReader::parse(file, split.front_matter, first_line, FRONT_MATTER_CODES, ARTICLE_FIELDS)
    {
        Ok(reader) => reader,
        Err(diagnostic) => {
            return ParsedArticle {
                article: None,
                spans: None,
                diagnostics: vec![diagnostic],
            };
        }
    };

    let question: Option<String> = reader.required(
        "question",
        "add the question the article answers, e.g. `question: \"What is the first-line treatment for …?\"`",
    );
    let answer_text: Option<String> = reader.required(
        "answer",
        "add the bottom line, e.g. `answer: >-` followed by one short paragraph with citations",
    );
    let title: Option<String> = reader.optional("title");
    let slug: Option<String> = reader.optional("slug");
    let plain_answer_text: Option<String> = reader.optional("plain_answer");
    let topics: Vec<String> = reader.optional("topics").unwrap_or_default();
    let audience: Audience = reader.optional("audience").unwrap_or_default();
    let created: Option<Date> = reader.required(
        "created",
        "add the date the article was first written, e.g. `created: 2026-01-08`",
    );
    let updated: Option<Date> = reader.optional("updated");
    let version: u32 = reader.optional("version").unwrap_or(1);
    let review: Review = reader.optional("review").unwrap_or_default();
    let related: Vec<String> = reader.optional("related").unwrap_or_default();
    let aliases: Vec<String> = reader.optional("aliases").unwrap_or_default();
    let retired: Option<super::front_matter::Retired> = reader.optional("retired");
    let changes = reader.list::<Change>("changes");
    let references = reader.list::<Reference>("references");
    let authors: Vec<String> = reader.optional("authors").unwrap_or_default();
    let funding: Option<String> = reader.optional("funding");
    let conflicts: Option<String> = reader.optional("conflicts");
    let grade: Option<String> = reader.optional("grade");

    let locator = reader.locator().clone();
    let places = Places {
        question: reader.value_position("question"),
        // A slug taken from the file name is written nowhere in the file.
        slug: match slug {
            Some(_) => reader.value_position("slug"),
            None => Position::START,
        },
        slug_is_explicit: slug.is_some(),
        front_matter_start: Position::new(first_line.saturating_sub(1).max(1), 1),
        related: list_positions(&locator, "related", &related, reader.value_position("related")).into(),
    };
    let alias_places = list_positions(&locator, "aliases", &aliases, reader.value_position("aliases"));
    let retired_place = reader.key_position("retired");
    let mut spans = Spans {
        topics: list_positions(&locator, "topics", &topics, reader.value_position("topics")),
        audience: reader.value_position("audience"),
        created: reader.value_position("created"),
        updated: reader.value_position("updated"),
        version: reader.value_position("version"),
        review: reader.key_position("review"),
        reviewers: Vec::new(),
        references: references.iter().map(|(_, at)| *at).collect(),
        reference_fields: Vec::new(),
        changes: changes.iter().map(|(_, at)| *at).collect(),
        authors: list_positions(&locator, "authors", &authors, reader.value_position("authors")),
        funding: reader.value_position("funding"),
        conflicts: reader.value_position("conflicts"),
        grade: reader.value_position("grade"),
    };
    spans.reviewers = locator
        .key(&["review", "reviewers"])
        .map(|(_, scope)| locator.items(scope).into_iter().map(|(at, _)| at).collect())
        .unwrap_or_default();
    let entry_scopes = locator
        .key(&["references"])
        .map(|(_, scope)| locator.items(scope))
        .unwrap_or_default();
    spans.reference_fields = spans
        .references
        .iter()
        .map(|at| {
            entry_scopes
                .iter()
                .find(|(start, _)| start == at)
                .map(|(_, scope)| field_positions(&locator, *scope))
                .unwrap_or_default()
        })
        .collect();

    let mut references: Vec<Reference> = references.into_iter().map(|(r, _)| r).collect();
    let shared = |key: &str| bibliography.lookup(key);
    let mut citer = Citer::new(references.iter().map(|r| r.id.as_str())).with_shared(&shared);
    let mut diagnostics = reader.finish();

    let answer_text = answer_text.unwrap_or_default();
    let readability = crate::standards::readability::score_article(&crate::standards::readability::PatientTexts {
        plain_answer: plain_answer_text
            .as_deref()
            .map(|text| (text, locator.value(&["plain_answer"]).unwrap_or(Position::START))),
        answer: (&answer_text, locator.value(&["answer"]).unwrap_or(Position::START)),
        body: (
            split.body,
            lines.position(split.body_offset + (split.body.len() - split.body.trim_start().len())),
        ),
        patient: audience == Audience::Patient,
    });
    // Each text is parsed once: the evidence scan reads the events, then the renderer.
    let answer_events = parse_events(&answer_text, true);
    let plain_answer_events = plain_answer_text.as_deref().map(|text| parse_events(text, true));
    let body_events = parse_events(split.body, true);
    let body_offset = split.body_offset;
    let mut scanned = Vec::new();
    let knows = |key: &str| citer.knows(key);
    for (key, events) in [
        ("answer", Some(&answer_events)),
        ("plain_answer", plain_answer_events.as_ref()),
    ] {
        let Some(events) = events else { continue };
        let position_of = |offset: usize| field_position(events.text, offset, &locator, key);
        let context = ScanContext {
            file,
            knows: &knows,
            position_of: &position_of,
            claims: false,
        };
        scanned.extend(scan_events(events, &context).findings);
    }
    let body_position = |offset: usize| lines.position(body_offset + offset);
    let body_scan = scan_events(
        &body_events,
        &ScanContext {
            file,
            knows: &knows,
            position_of: &body_position,
            claims: true,
        },
    );

    // Relative links and images resolve against the article's folder on the site.
    let page_dir = crate::site_path::article_dir(&slug.clone().unwrap_or_else(|| file_stem(file)));
    let answer = render_field(answer_events, "answer", &locator, &mut citer, &page_dir);
    if answer.has_blocks {
        diagnostics.push(
            Diagnostic::new(
                Code::FrontmatterInvalidValue,
                file,
                locator.value(&["answer"]).unwrap_or(Position::START),
                "the answer must be one paragraph of inline Markdown",
            )
            .with_hint("keep the bottom line to a few sentences; put lists, headings and tables in the body"),
        );
    }
    let plain_answer = plain_answer_events.map(|events| {
        let rendered = render_field(events, "plain_answer", &locator, &mut citer, &page_dir);
        if rendered.has_blocks {
            diagnostics.push(
                Diagnostic::new(
                    Code::FrontmatterInvalidValue,
                    file,
                    locator.value(&["plain_answer"]).unwrap_or(Position::START),
                    "the plain answer must be one paragraph of inline Markdown",
                )
                .with_hint("keep the plain-language answer to a few sentences"),
            );
        }
        rendered
    });
    let mut body_rendered = render_events(
        body_events,
        Mode::Block,
        Some(&mut citer),
        &|offset| lines.position(body_offset + offset),
        output,
        &page_dir,
    );
    let body_digest = body_rendered.digest;
    let body_embeds = std::mem::take(&mut body_rendered.embeds);
    let body_links = std::mem::take(&mut body_rendered.links);
    let body_external = std::mem::take(&mut body_rendered.external);
    let body = Body::from_rendered(body_rendered, output, sources.spill);
    diagnostics.extend(scanned);
    diagnostics.extend(body_scan.findings);

    let citations = citer.finish();
    // Shared entries the text cites join the list after the article's own, in the order
    // the citer gave them indices.
    references.extend(
        citations
            .shared
            .iter()
            .filter_map(|&index| bibliography.get(index))
            .map(|entry| entry.reference.clone()),
    );
    let question = question.unwrap_or_default();
    let slug = slug.unwrap_or_else(|| file_stem(file));
    let changes: Vec<Change> = changes.into_iter().map(|(c, _)| c).collect();
    let embedded: Vec<String> = answer
        .embeds
        .iter()
        .chain(plain_answer.iter().flat_map(|a| &a.embeds))
        .chain(&body_embeds)
        .cloned()
        .collect();
    let fingerprint = fingerprint(&ReviewableContent {
        site,
        slug: &slug,
        file,
        question: &question,
        title: title.as_deref(),
        audience,
        created,
        answer: &answer.digest,
        plain_answer: plain_answer.as_ref().map(|a| &a.digest),
        body: &body_digest,
        cited: citations.order.iter().map(|&i| &references[i]).collect(),
        changes: &changes,
        embeds: embedded.iter().map(String::as_str).collect(),
        standards: crate::review::hash::Standards {
            authors: &authors,
            funding: funding.as_deref(),
            conflicts: conflicts.as_deref(),
            grade: grade.as_deref(),
        },
    });
    let review_state = review_state(&review, &fingerprint);
    let topics = if topics.is_empty() && !source.section.is_empty() {
        vec![source.section.rsplit('/').next().unwrap_or_default().to_string()]
    } else {
        topics
    };
    let rare = Rare {
        title,
        plain_answer: plain_answer.map(super::answer::Answer::from_rendered),
        changes,
        aliases,
        alias_places,
        retired,
        retired_place,
        embedded,
        authors,
        funding,
        conflicts,
        grade,
        readability,
        body_links,
        body_external,
        uncited_claims: body_scan.uncited_claims,
    };
    let article = Article {
        file: file.into(),
        section: source.section.as_str().into(),
        slug: slug.into(),
        question: question.into(),
        answer: super::answer::Answer::from_rendered(answer),
        body,
        topics: topics.into(),
        audience,
        created,
        updated: updated.or(created),
        version,
        approval: held(crate::review::trust::Approval::unjudged(
            &review_state,
            review.reviewers.len(),
        )),
        review: super::held_review::HeldReview::new(review),
        fingerprint,
        review_state,
        references: references.into(),
        citations,
        related: related.into(),
        places,
        rare: rare.boxed(),
        inputs: None,
    };
    ParsedArticle {
        article: Some(article),
        spans: Some(spans),
        diagnostics,
    }
}

/// What `approval()` reads for an article that holds none.
static NO_APPROVAL: crate::review::trust::Approval = crate::review::trust::Approval::NONE;

/// `approval` boxed, or `None` for `Approval::NONE`.
fn held(approval: crate::review::trust::Approval) -> Option<Box<crate::review::trust::Approval>> {
    (approval != crate::review::trust::Approval::NONE).then(|| Box::new(approval))
}

/// Renders an answer field. Its citations are found again in the YAML text by their
/// label, since a folded scalar's offsets do not map back to the file.
fn render_field(
    events: MarkdownEvents<'_>,
    key: &str,
    locator: &Locator<'_>,
    citer: &mut Citer<'_>,
    page_dir: &str,
) -> Rendered {
    let scope = locator.key(&[key]);
    let fallback = locator.value(&[key]).unwrap_or(Position::START);
    let text = events.text;
    render_events(
        events,
        Mode::Inline,
        Some(citer),
        &|offset| {
            let label = text[offset..].split_inclusive(']').next().unwrap_or("");
            let first_line = label.lines().next().unwrap_or("");
            scope
                .and_then(|(_, scope)| locator.text_in(scope, first_line))
                .unwrap_or(fallback)
        },
        // Answers are shown in lists and feeds as well as on their page, and are small:
        // always rendered.
        Output::Html,
        page_dir,
    )
}

/// Positions of a list's entries, block (`- a`) or flow (`[a, b]`) style.
fn list_positions(locator: &Locator<'_>, key: &str, values: &[String], fallback: Position) -> Vec<Position> {
    let Some((_, scope)) = locator.key(&[key]) else {
        return vec![fallback; values.len()];
    };
    let items = locator.items(scope);
    if items.len() == values.len() {
        return items.into_iter().map(|(at, _)| at).collect();
    }
    values
        .iter()
        .map(|value| locator.text_in(scope, value).unwrap_or(fallback))
        .collect()
}

pub fn file_stem(rel_path: &str) -> String {
    let name = rel_path.rsplit('/').next().unwrap_or(rel_path);
    name.strip_suffix(".md").unwrap_or(name).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str, sources: Sources<'_>) -> Article {
        let source = SourceFile {
            rel_path: "content/heart/a.md".into(),
            section: "heart".into(),
            text: text.into(),
            bom: false,
        };
        parse_article(&source, sources, Output::Html).article.expect("parses")
    }

    const PLAIN: &str = "---\nquestion: \"Does it work?\"\nanswer: It does.\ncreated: 2026-01-08\nreview:\n  status: submitted\n---\n\nText.\n";

    #[test]
    fn an_article_with_none_of_the_rare_fields_holds_no_box_for_them() {
        let article = parsed(PLAIN, Sources::none());
        assert!(article.rare.is_none());
        assert!(matches!(
            article.review,
            super::super::held_review::HeldReview::Status(_)
        ));
        assert_eq!(
            article.review().status,
            super::super::front_matter::ReviewStatus::Submitted
        );
        assert_eq!(
            (article.title(), article.aliases(), article.retired_place()),
            (None, &[][..], Position::START)
        );
        assert_eq!(article.headline(), "Does it work?");
    }

    #[test]
    fn the_rare_fields_read_back_as_written() {
        let text = "---\nquestion: \"Does it work?\"\ntitle: It works\nanswer: It does.\nplain_answer: Yes.\n\
                    created: 2026-01-08\naliases:\n  - old-name\nfunding: None declared\nretired:\n  date: 2026-02-01\n  reason: Merged.\n---\n\nText.\n";
        let article = parsed(text, Sources::none());
        assert_eq!(article.title(), Some("It works"));
        assert_eq!(article.headline(), "It works");
        assert_eq!(article.plain_answer().map(|a| &*a.plain), Some("Yes."));
        assert_eq!(article.answers().count(), 2);
        assert_eq!(article.aliases(), ["old-name"]);
        assert_eq!(article.alias_place(0), Some(Position::new(8, 5)));
        assert_eq!(article.funding(), Some("None declared"));
        assert_eq!(article.retired().map(|r| r.reason.as_str()), Some("Merged."));
        assert_eq!(article.retired_place(), Position::new(10, 1));
    }

    #[test]
    fn uncited_claims_alone_leave_no_box_once_judged() {
        let text = "---\nquestion: \"Does it work?\"\nanswer: It does.\ncreated: 2026-01-08\n---\n\n## Treatment\n\nMetformin lowers glucose in most adults.\n";
        let unjudged = parsed(text, Sources::none());
        assert_eq!(unjudged.uncited_claims().len(), 1, "{:?}", unjudged.uncited_claims());
        let judge: &Judge<'_> = &|article, _, _| {
            assert_eq!(article.uncited_claims().len(), 1, "the checks read them");
            Vec::new()
        };
        let judged = parsed(
            text,
            Sources {
                judge: Some(judge),
                ..Sources::none()
            },
        );
        assert!(judged.uncited_claims().is_empty());
        assert!(judged.rare.is_none());
    }
}
