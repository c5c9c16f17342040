//! The pages history adds to the site: `/questions/<slug>/history/` for every published
//! article, and `/questions/<slug>/v/<n>/` for every earlier version whose text is known.
//!
//! Each page is keyed by what it reads (`Keyed`: the current article's parse, each earlier
//! text by its blob, path, number and commit, the withdrawal, today and what is site-wide),
//! so that a build with the cache takes an unchanged page over (`Sink::take_over`), then
//! reads from git only the earlier texts, and their commits' shared bibliography and
//! registry, that the pages it renders show (`SiteHistory::read_for`), and parses only those.

use super::diff::{Diff, diff_html};
use super::history::{ArticleHistory, CommitInfo, PastVersion, Reads, SiteHistory};
use super::reader_text::reader_text;
use crate::diagnostic::Diagnostic;
use crate::editions::Nav;
use crate::fast_hash::FastMap;
use crate::link::Site;
use crate::load::ContentFile;
use crate::parse::article::Article;
use crate::progress::Progress;
use crate::render::context::{DateView, TopicView, article_content_view, restyle_references, summary_view, topic_view};
use crate::render::redirects::{ReplacementView, replacements};
use crate::render::templates::{render_page, template_error};
use crate::render::urls::{Urls, article_dir, history_dir, version_dir};
use crate::write::{PageKey, Sink};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// Written by `version.html` (through article.html's `notice` block); a page without it
/// would show old text without saying so.
const SUPERSEDED_MARK: &str = "data-evident-superseded";

/// The `history` value of history.html.
#[derive(Serialize)]
pub struct HistoryView<'a> {
    /// True when the versions below come from git as well as from the `changes` notes.
    pub from_git: bool,
    pub current: CurrentView<'a>,
    /// Earlier versions, newest first.
    pub versions: Vec<VersionView<'a>>,
    /// For an approval the text no longer matches: what changed since the approved text.
    pub approval: Option<ApprovalView<'a>>,
    /// For an approval whose text is in no commit (the history was squashed or rewritten
    /// since): who approved it. The page says so, rather than offer nothing to compare.
    pub approval_missing: Option<Vec<ReviewerView<'a>>>,
    /// For a withdrawn question: the withdrawal, its last entry. Every version it was
    /// published at, its current number too, is then an earlier version.
    pub withdrawn: Option<WithdrawnView<'a>>,
}

/// A question's withdrawal (`retired:`), as its history and its earlier versions say it.
#[derive(Serialize)]
pub struct WithdrawnView<'a> {
    pub date: DateView,
    pub reason: &'a str,
    /// The notice at the question's address.
    pub url: String,
    /// The published questions that answer it now.
    pub replaced_by: Vec<ReplacementView<'a>>,
}

/// The withdrawal of `article`, when it is withdrawn.
fn withdrawn_view<'a>(article: &'a Article, site: &'a Site<'_>, urls: &Urls) -> Option<WithdrawnView<'a>> {
    let retired = article.retired()?;
    Some(WithdrawnView {
        date: retired.date.into(),
        reason: &retired.reason,
        url: urls.path(&article_dir(&article.slug)),
        replaced_by: replacements(retired, site, urls),
    })
}

#[derive(Serialize)]
pub struct CurrentView<'a> {
    pub version: u32,
    pub url: String,
    pub updated: Option<DateView>,
    pub note: Option<&'a str>,
}

#[derive(Serialize)]
pub struct VersionView<'a> {
    pub version: u32,
    /// `/questions/<slug>/v/<n>/`, when the version's text is known and still parses.
    pub url: Option<String>,
    /// The `updated` date that version carried (or its note's date).
    pub updated: Option<DateView>,
    pub commit: Option<CommitView<'a>>,
    /// Its `changes` note.
    pub note: Option<&'a str>,
    /// Its review state at the time, judged against its own text.
    pub review: Option<PastReviewView<'a>>,
    /// Its changes up to `diff_to` (trusted HTML), when both texts are known.
    pub diff_html: Option<String>,
    /// The version the diff leads to: the next one, or the current text.
    pub diff_to: Option<u32>,
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    /// "2 passages changed, 1 added".
    pub diff_summary: String,
    /// The diff is the one "Changed since approval" shows already: the page shows it once.
    pub diff_is_approval: bool,
}

#[derive(Serialize)]
pub struct CommitView<'a> {
    pub id: &'a str,
    pub short: &'a str,
    pub date: DateView,
    pub subject: &'a str,
}

#[derive(Serialize)]
pub struct PastReviewView<'a> {
    pub status: &'static str,
    pub status_label: &'static str,
    /// True only when that version's approval matched that version's own text.
    pub reviewed: bool,
    /// Empty unless `reviewed`.
    pub reviewers: Vec<ReviewerView<'a>>,
}

pub use crate::render::context::ReviewerView;

#[derive(Serialize)]
pub struct ApprovalView<'a> {
    /// The version number the approved text carried.
    pub version: u32,
    pub url: Option<String>,
    pub commit: CommitView<'a>,
    /// Who approved that text, as the article's review record says.
    pub reviewers: Vec<ReviewerView<'a>>,
    pub diff_html: String,
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub diff_summary: String,
}

/// The `superseded` value of version.html.
#[derive(Serialize)]
pub struct SupersededView<'a> {
    pub version: u32,
    /// The question was withdrawn since: there is no current text to read instead.
    pub withdrawn: Option<WithdrawnView<'a>>,
    pub current_version: u32,
    pub current_url: String,
    pub history_url: String,
    pub updated: Option<DateView>,
    pub commit: CommitView<'a>,
}

/// Where the history pages of `site` go, relative to the site root.
pub fn page_dirs(site: &Site<'_>, history: &SiteHistory) -> Vec<String> {
    let mut dirs = Vec::new();
    for (article, _) in super::with_history(site) {
        dirs.push(history_dir(&article.slug));
        if let Some(own) = history.articles.get(&*article.file) {
            dirs.extend(own.versions.iter().map(|p| version_dir(&article.slug, p.version)));
        }
    }
    dirs
}

pub struct Inputs<'i> {
    pub site: &'i Site<'i>,
    pub history: &'i SiteHistory,
    /// The site's folder, for reading an article's current text again.
    pub root: &'i std::path::Path,
    /// Each article's file as it was parsed, by its path.
    pub files: &'i FastMap<&'i str, &'i ContentFile>,
    /// What the current texts were parsed against, for parsing earlier ones as they were.
    pub sources: crate::parse::article::Sources<'i>,
    /// The site's templates, their global context (the site view) set by `render_site`.
    pub templates: &'i crate::render::templates::Templates,
    pub nav: Option<Nav<'i>>,
    /// The build's today: who approved a text the article has outgrown is judged as of it.
    pub today: crate::date::Date,
}

/// What the history pages of a build are keyed by besides their own inputs (see
/// `render::page_key`), when the sink keeps pages.
struct Keyed<'k> {
    keys: crate::render::page_key::Keys,
    urls: &'k Urls,
    nav: Option<Nav<'k>>,
    today: crate::date::Date,
}

impl Keyed<'_> {
    /// The key of `article`'s history page at `dir` from its inputs: the article (named by
    /// its parse, which names its file's bytes, the configuration, the current shared
    /// bibliography and registry, the files an approval may embed and today), whether the
    /// site is in git, which approval was looked for, each earlier text and the approved
    /// one as `past_into` names them, the withdrawal as the page shows it, the build's
    /// today (who approved an outgrown text, `approved_by`) and what is site-wide. `None`
    /// when the article's parse was not named.
    fn history(
        &self,
        article: &Article,
        own: &ArticleHistory,
        history: &SiteHistory,
        (withdrawn, view): (bool, Option<&WithdrawnView<'_>>),
        dir: &str,
    ) -> Option<PageKey> {
        let mut key = self.keys.inputs("history.html", &format!("{dir}index.html"));
        self.article_into(&mut key, article, view, (dir, dir))?;
        // Whether the site withdrew it: a withdrawal is no text to compare with.
        key.bytes("withdrawn from the site", &[u8::from(withdrawn)]);
        key.bytes("from git", &[u8::from(history.from_git)]);
        key.part("traced", &own.traced_hash);
        let mut versions = Vec::new();
        for past in &own.versions {
            past_into(&mut versions, past, history);
        }
        key.bytes("versions", &versions);
        let mut approved = Vec::new();
        if let Some(past) = &own.approved {
            past_into(&mut approved, past, history);
        }
        key.bytes("approved", &approved);
        Some(key.finish())
    }

    /// The key of the page at `dir` of `article`'s earlier version `past`: the article, as
    /// for its history page (its number, address and withdrawal, and what `past` is parsed
    /// against beside its commit's sources: the configuration and the files it may embed),
    /// and `past` as `past_into` names it.
    fn version(
        &self,
        article: &Article,
        past: &PastVersion,
        history: &SiteHistory,
        withdrawn: Option<&WithdrawnView<'_>>,
        dir: &str,
    ) -> Option<PageKey> {
        let mut key = self.keys.inputs("version.html", &format!("{dir}index.html"));
        // An earlier version's canonical address is the article's own.
        self.article_into(&mut key, article, withdrawn, (dir, &article_dir(&article.slug)))?;
        let mut text = Vec::new();
        past_into(&mut text, past, history);
        key.bytes("version", &text);
        Some(key.finish())
    }

    /// What the history page and the version pages of `article` share: the page at `dir`,
    /// whose canonical address is that of `canonical`.
    fn article_into(
        &self,
        key: &mut crate::render::page_key::InputKey,
        article: &Article,
        withdrawn: Option<&WithdrawnView<'_>>,
        (dir, canonical): (&str, &str),
    ) -> Option<()> {
        key.bytes("article", article.inputs.as_ref()?);
        // The questions that replace a withdrawn one are other articles: their questions
        // and addresses as the page shows them.
        key.part("withdrawn", &withdrawn);
        key.bytes("today", self.today.to_string().as_bytes());
        key.part("canonical", &self.urls.absolute(canonical));
        key.part("page_url", &self.urls.path(dir));
        key.part("editions", &self.nav.map(|nav| nav.view(dir)));
        Some(())
    }
}

/// An earlier text as the pages read it, appended to `out`: its number, its path, its
/// bytes (by git's name of them), its commit (by id, which names the tree its shared
/// bibliography and registry are read from, and with the date and subject the pages show)
/// and whether it is judged against those (`judged_at`, known before they are read):
/// without them it is judged against today's, which the article's parse names.
fn past_into(out: &mut Vec<u8>, past: &PastVersion, history: &SiteHistory) {
    let mut field = |bytes: &[u8]| {
        out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        out.extend_from_slice(bytes);
    };
    field(&past.version.to_le_bytes());
    field(past.path.as_bytes());
    field(past.blob.as_bytes());
    match history.commits.get(past.commit) {
        Some(commit) => {
            field(commit.id.as_bytes());
            field(commit.date.to_string().as_bytes());
            field(commit.subject.as_bytes());
        }
        None => field(b""),
    }
    field(&[u8::from(history.judged_at.contains(&past.commit))]);
}

/// Renders the history and version pages of every published and every withdrawn question
/// into `sink`: one job per article takes over its pages whose key is unchanged, one read
/// from git fetches what the others show and git was not asked for yet (`read_for`), and
/// one job per article with pages left parses its earlier texts once, writes its pages
/// and drops them.
pub fn render_pages(inputs: &Inputs<'_>, sink: &dyn Sink, progress: &dyn Progress) -> Result<(), Vec<Diagnostic>> {
    let site = inputs.site;
    let urls = Urls::new(&site.config.base_url);
    let topics: Vec<TopicView> = site.topics.iter().map(|t| topic_view(t, &urls)).collect();
    let wanted: Vec<(&Article, bool)> = super::with_history(site).collect();
    let keyed = sink.keeps_pages().then(|| {
        let site_view = crate::render::context::site_view(site, &urls, &topics);
        Keyed {
            keys: crate::render::page_keys(site, inputs.templates, &site_view, true, inputs.nav.is_some()),
            urls: &urls,
            nav: inputs.nav,
            today: inputs.today,
        }
    });
    progress.stage("history", Some(wanted.len() as u64));
    let planned: Vec<Result<Option<Plan<'_>>, Diagnostic>> = wanted
        .into_par_iter()
        .map(|(article, withdrawn)| {
            let plan = plan_article(inputs, keyed.as_ref(), article, withdrawn, &urls, sink);
            if !matches!(plan, Ok(Some(_))) {
                progress.step();
            }
            plan
        })
        .collect();
    let mut problems = Vec::new();
    let mut plans = Vec::new();
    for plan in planned {
        match plan {
            Ok(Some(plan)) => plans.push(plan),
            Ok(None) => {}
            Err(problem) => problems.push(problem),
        }
    }
    let reads = inputs
        .history
        .read_for(plans.iter().flat_map(Plan::shown))
        .map_err(|error| {
            // An error whatever the code's usual severity: the build stops (`publish`).
            vec![
                Diagnostic::new(
                    crate::diagnostic::Code::HistoryUnreadable,
                    "content",
                    crate::diagnostic::Position::START,
                    format!("cannot read the earlier versions the history pages show from git: {error}"),
                )
                .with_hint(
                    "check that `git` works in the site's folder and that its objects are whole (`git fsck`), then build again",
                ),
            ]
        })?;
    problems.extend(
        plans
            .into_par_iter()
            .filter_map(|plan| {
                let result = render_article(inputs, &reads, plan, &urls, &topics, sink);
                progress.step();
                result.err()
            })
            .collect::<Vec<_>>(),
    );
    if !problems.is_empty() {
        // One broken template fails every article's page alike: it is reported once.
        problems.sort_by(|a, b| (&a.message, &a.file).cmp(&(&b.message, &b.file)));
        problems.dedup_by(|a, b| a.message == b.message && a.file == b.file);
        return Err(problems);
    }
    Ok(())
}

/// An article with no history from git.
static NO_HISTORY: ArticleHistory = ArticleHistory {
    versions: Vec::new(),
    approved: None,
    traced_hash: None,
};

/// One article's pages left to render once those whose key is unchanged are taken over.
struct Plan<'a> {
    article: &'a Article,
    withdrawn: bool,
    own: &'a ArticleHistory,
    history_key: Option<PageKey>,
    history_taken: bool,
    /// By earlier version, as `own.versions`.
    version_keys: Vec<Option<PageKey>>,
    version_taken: Vec<bool>,
}

impl Plan<'_> {
    /// The earlier texts the pages left show: all of them on the history page, else those
    /// of the version pages left.
    fn shown(&self) -> impl Iterator<Item = &PastVersion> {
        let all = !self.history_taken;
        self.own
            .versions
            .iter()
            .zip(&self.version_taken)
            .filter(move |(_, taken)| all || !**taken)
            .map(|(past, _)| past)
            .chain(self.own.approved.iter().filter(move |_| all))
    }
}

/// Takes over the pages of `article` whose key is unchanged; the pages left, if any.
fn plan_article<'a>(
    inputs: &'a Inputs<'_>,
    keyed: Option<&Keyed<'_>>,
    article: &'a Article,
    withdrawn: bool,
    urls: &Urls,
    sink: &dyn Sink,
) -> Result<Option<Plan<'a>>, Diagnostic> {
    let own = inputs.history.articles.get(&*article.file).unwrap_or(&NO_HISTORY);
    let history_path = history_dir(&article.slug);
    let withdrawn_now = withdrawn_view(article, inputs.site, urls);
    let history_key = keyed.and_then(|keyed| {
        keyed.history(
            article,
            own,
            inputs.history,
            (withdrawn, withdrawn_now.as_ref()),
            &history_path,
        )
    });
    // Only the pages not taken over are rendered, and only the texts they show are read
    // and parsed.
    let history_taken = taken_over(sink, &history_path, history_key.as_ref())?;
    let mut version_keys = Vec::with_capacity(own.versions.len());
    let mut version_taken = Vec::with_capacity(own.versions.len());
    for past in &own.versions {
        let dir = version_dir(&article.slug, past.version);
        let key = keyed.and_then(|keyed| keyed.version(article, past, inputs.history, withdrawn_now.as_ref(), &dir));
        version_taken.push(taken_over(sink, &dir, key.as_ref())?);
        version_keys.push(key);
    }
    if history_taken && version_taken.iter().all(|&taken| taken) {
        return Ok(None);
    }
    Ok(Some(Plan {
        article,
        withdrawn,
        own,
        history_key,
        history_taken,
        version_keys,
        version_taken,
    }))
}

/// The pages of `plan`: the history page and the earlier versions' pages not taken over,
/// from the texts and sources in the history or `reads`.
fn render_article(
    inputs: &Inputs<'_>,
    reads: &Reads,
    plan: Plan<'_>,
    urls: &Urls,
    topics: &[TopicView],
    sink: &dyn Sink,
) -> Result<(), Diagnostic> {
    let Plan {
        article,
        withdrawn,
        own,
        history_key,
        history_taken,
        version_keys,
        version_taken,
    } = plan;
    let site = inputs.site;
    let history_path = history_dir(&article.slug);
    // Earlier texts are judged as the current one is (an unsigned or forged approval of an
    // old version names no one either), but against their own commit's shared bibliography
    // and registry: what the page showed, and who could sign, then.
    let parse_past = |p: &PastVersion| -> Result<Option<Article>, Diagnostic> {
        let then = inputs.history.sources_of(p.commit, reads);
        let registry = then.map_or_else(|| site.people.clone(), |then| then.registry.clone());
        let trust = crate::review::trust::Trust::new(site.config, registry, None).without_currency();
        let sources = crate::parse::article::Sources {
            bibliography: then.map_or(inputs.sources.bibliography, |then| &then.bibliography),
            site: inputs.sources.site,
            trust: Some(&trust),
            retractions: None,
            spill: None,
            judge: None,
        };
        Ok(p.parse(shown_text(reads, p, article)?, sources))
    };
    let parsed: Vec<Option<Article>> = own
        .versions
        .iter()
        .zip(&version_taken)
        .map(|(past, &taken)| {
            if history_taken && taken {
                Ok(None)
            } else {
                parse_past(past)
            }
        })
        .collect::<Result<_, _>>()?;
    let current_dir = article_dir(&article.slug);

    if !history_taken {
        // The text a stale approval approved, to compare with the current one as readers read it.
        let approved = match &own.approved {
            Some(past) => Some((shown_text(reads, past, article)?, parse_past(past)?)),
            None => None,
        };
        let texts: Vec<&str> = own
            .versions
            .iter()
            .map(|past| shown_text(reads, past, article))
            .collect::<Result<_, _>>()?;
        let mut ctx = tera::Context::new();
        // Only a diff with the past needs the current text, and only a site in git has a past;
        // a withdrawal is no text to compare with.
        let current_text = if withdrawn || (own.versions.is_empty() && own.approved.is_none()) {
            String::new()
        } else {
            current_text(inputs, article)?
        };
        ctx.insert("article", &summary_view(article, urls, topics));
        ctx.insert(
            "history",
            &history_view(
                article,
                own,
                (&texts, &parsed),
                approved.as_ref().map(|(text, parsed)| (*text, parsed.as_ref())),
                inputs.history,
                &current_text,
                urls,
                (site, inputs.today),
            ),
        );
        ctx.insert("canonical", &urls.absolute(&history_path));
        render(
            inputs,
            ctx,
            "history.html",
            &history_path,
            None,
            history_key.as_ref(),
            sink,
        )?;
    }

    for (((past, old), key), &taken) in own.versions.iter().zip(&parsed).zip(&version_keys).zip(&version_taken) {
        let Some(old) = old.as_ref().filter(|_| !taken) else {
            continue;
        };
        let dir = version_dir(&article.slug, past.version);
        let body = old
            .body
            .html()
            .map_err(|error| crate::render::unpacking_failed(&article.file, error))?;
        let references = old
            .references
            .typed()
            .map_err(|error| crate::render::unpacking_failed(&article.file, error))?;
        let mut view = article_content_view(old, &site.people, &body, &references, urls, topics)
            .map_err(|error| crate::render::unpacking_failed(&article.file, error))?;
        restyle_references(&mut view, old, &references, &site.config.citations.style);
        // Links and metadata name the article as it is now: its current address.
        view.url = urls.path(&current_dir);
        view.permalink = urls.absolute(&current_dir);
        view.history_url = Some(urls.path(&history_path));
        crate::render::context::complete_standards(&mut view, site, urls);
        crate::render::context::place_banner(&mut view, site, urls)?;
        let own = crate::render::context::own_parts(&view);
        let mut ctx = tera::Context::new();
        ctx.insert("article", &view);
        ctx.insert(
            "superseded",
            &SupersededView {
                version: past.version,
                withdrawn: withdrawn_view(article, site, urls),
                current_version: article.version,
                current_url: urls.path(&current_dir),
                history_url: urls.path(&history_path),
                updated: old.updated.map(DateView::from),
                commit: commit_view(&inputs.history.commits[past.commit]),
            },
        );
        // An earlier version is not a page of its own for search engines: the current text is.
        ctx.insert("canonical", &urls.absolute(&current_dir));
        render(inputs, ctx, "version.html", &dir, Some(&own), key.as_ref(), sink)?;
    }
    Ok(())
}

/// The text of `article`'s earlier version `past`, which `read_for` read when git had not.
fn shown_text<'r>(reads: &'r Reads, past: &'r PastVersion, article: &Article) -> Result<&'r str, Diagnostic> {
    reads.text_of(past).ok_or_else(|| {
        template_error(
            &article.file,
            format!(
                "the earlier text {} of {} was never read (this is a bug in Evident: please report it)",
                past.blob, article.file
            ),
        )
    })
}

/// Whether the page at `dir` was taken over from the build before, by its `key`. Debug
/// builds take over nothing here: they render the page and compare (`render`).
fn taken_over(sink: &dyn Sink, dir: &str, key: Option<&PageKey>) -> Result<bool, Diagnostic> {
    let Some(key) = key.filter(|_| !cfg!(debug_assertions)) else {
        return Ok(false);
    };
    let output = format!("{dir}index.html");
    sink.take_over(&output, key, None)
        .map_err(|error| template_error(&output, format!("{error:#}")))
}

/// The article's text as it was parsed, read again from its file.
fn current_text(inputs: &Inputs<'_>, article: &Article) -> Result<String, Diagnostic> {
    match inputs.files.get(article.file.as_ref()) {
        Some(file) => file.read_again(inputs.root),
        None => Err(template_error(
            &article.file,
            format!(
                "{} was published but never read (this is a bug in Evident: please report it)",
                article.file
            ),
        )),
    }
}

/// Renders `template` to `<dir>index.html`, adding what every page receives; recorded
/// with its `key`, when it has one.
fn render(
    inputs: &Inputs<'_>,
    mut ctx: tera::Context,
    template: &str,
    dir: &str,
    own: Option<&crate::render::banner::OwnParts<'_>>,
    key: Option<&PageKey>,
    sink: &dyn Sink,
) -> Result<(), Diagnostic> {
    let urls = Urls::new(&inputs.site.config.base_url);
    ctx.insert("page_url", &urls.path(dir));
    ctx.insert("editions", &inputs.nav.map(|nav| nav.view(dir)));
    let output = format!("{dir}index.html");
    render_page(&inputs.templates.tera, template, &ctx, &output, |bytes| {
        if let Some(own) = own {
            crate::render::banner::guard_page(bytes, own)
                .map_err(|refusal| crate::render::banner::refusal_finding(inputs.root, &output, template, &refusal))?;
        }
        check_and_write(template, &output, bytes, key, sink)
    })
}

/// Writes a rendered history or version page, refusing a version page that would not say
/// it shows an earlier version. A page with a key is recorded with it; debug builds take
/// the earlier page of that key over only when it is these very bytes, and stop otherwise.
fn check_and_write(
    template: &str,
    output: &str,
    bytes: &[u8],
    key: Option<&PageKey>,
    sink: &dyn Sink,
) -> Result<(), Diagnostic> {
    if template == "version.html"
        && !bytes
            .windows(SUPERSEDED_MARK.len())
            .any(|w| w == SUPERSEDED_MARK.as_bytes())
    {
        return Err(template_error(
            "templates/article.html",
            format!(
                "{output} would show an earlier version without saying so: keep the `{{% block notice %}}` of article.html, where version.html puts its banner"
            ),
        ));
    }
    sink.write_rendered(output, bytes, key)
        .map_err(|error| template_error(output, format!("{error:#}")))
}

fn commit_view(commit: &CommitInfo) -> CommitView<'_> {
    CommitView {
        id: &commit.id,
        short: &commit.id[..commit.id.len().min(10)],
        date: commit.date.into(),
        subject: &commit.subject,
    }
}

fn past_review<'a>(article: &'a Article, site: &'a Site<'_>) -> PastReviewView<'a> {
    let shown = article.review_state.shown_status();
    let reviewed = article.review_state.is_reviewed();
    PastReviewView {
        status: shown.as_str(),
        status_label: shown.label(),
        reviewed,
        reviewers: if reviewed { reviewers(article, site) } else { Vec::new() },
    }
}

fn reviewers<'a>(article: &'a Article, site: &'a Site<'_>) -> Vec<ReviewerView<'a>> {
    crate::render::context::reviewer_views(article, &site.people, &Urls::new(&site.config.base_url))
}

/// Who approved the earlier text of a changed approval, as far as their approval holds
/// on the build's `today`, as the article's own page judges its approvals.
fn approved_by<'a>(article: &'a Article, site: &'a Site<'_>, today: crate::date::Date) -> Vec<ReviewerView<'a>> {
    let trust = crate::review::trust::Trust::new(site.config, site.people.clone(), Some(today));
    let urls = Urls::new(&site.config.base_url);
    crate::review::trust::vouched_reviewers(article, &trust)
        .into_iter()
        .filter_map(|i| article.review().reviewers.get(i))
        .filter_map(|r| {
            let person = r.id.as_deref().and_then(|id| site.people.get(id));
            Some(ReviewerView {
                name: match person {
                    Some(p) => p.display_name(),
                    None => r.name.clone()?,
                },
                role: r.role.as_deref(),
                date: r.date.map(DateView::from),
                id: person.map(|p| p.id.as_str()),
                url: person.map(|p| urls.path(&crate::render::urls::person_dir(&p.id))),
            })
        })
        .collect()
}

/// The changes between two texts as readers read them (question, answers, body, references:
/// `reader_text`); the source lines only where a text no longer parses.
fn readers_diff((old_source, old): (&str, Option<&Article>), (new_source, new): (&str, Option<&Article>)) -> Diff {
    match (old.and_then(reader_text), new.and_then(reader_text)) {
        (Some(old), Some(new)) => diff_html(&old, &new),
        _ => diff_html(old_source, new_source),
    }
}

/// Every earlier version the site knows of — from git and from the current text's
/// `changes` notes — newest first, each with its diff to the next known text.
#[allow(clippy::too_many_arguments)]
fn history_view<'a>(
    article: &'a Article,
    own: &'a ArticleHistory,
    (texts, parsed): (&[&str], &'a [Option<Article>]),
    approved_read: Option<(&str, Option<&Article>)>,
    history: &'a SiteHistory,
    current_text: &str,
    urls: &Urls,
    (site, today): (&'a Site<'_>, crate::date::Date),
) -> HistoryView<'a> {
    let notes: BTreeMap<u32, &crate::parse::front_matter::Change> =
        article.changes().iter().rev().map(|c| (c.version, c)).collect();
    // Git's versions in ascending number, so that each can be compared with the next.
    let mut known: Vec<(&PastVersion, &str, Option<&Article>)> = own
        .versions
        .iter()
        .zip(texts.iter().copied())
        .zip(parsed.iter().map(Option::as_ref))
        .map(|((past, text), old)| (past, text, old))
        .collect();
    known.sort_by_key(|(p, _, _)| p.version);
    let withdrawn = withdrawn_view(article, site, urls);
    let mut by_number: BTreeMap<u32, VersionView<'a>> = BTreeMap::new();
    for (k, &(past, text, old)) in known.iter().enumerate() {
        let (next_text, next_parsed, next_version) = match known.get(k + 1) {
            Some((next, next_text, next_parsed)) => (*next_text, *next_parsed, next.version),
            None => (current_text, Some(article), article.version),
        };
        // The last text of a withdrawn question was followed by its withdrawal, not a text.
        let diff =
            (withdrawn.is_none() || k + 1 < known.len()).then(|| readers_diff((text, old), (next_text, next_parsed)));
        let diff_is_approval =
            next_version == article.version && approved_read.is_some_and(|(approved, _)| approved == text);
        let own_note = old
            .and_then(|a| a.changes().iter().find(|c| c.version == past.version))
            .map(|c| c.summary.as_str());
        let note = own_note.or_else(|| notes.get(&past.version).map(|c| c.summary.as_str()));
        let updated = old
            .and_then(|a| a.updated)
            .or_else(|| notes.get(&past.version).map(|c| c.date));
        by_number.insert(
            past.version,
            VersionView {
                version: past.version,
                url: old.map(|_| urls.path(&version_dir(&article.slug, past.version))),
                updated: updated.map(DateView::from),
                commit: Some(commit_view(&history.commits[past.commit])),
                note,
                review: old.map(|old| past_review(old, site)),
                diff_to: diff.is_some().then_some(next_version),
                added: diff.as_ref().map_or(0, |d| d.added),
                removed: diff.as_ref().map_or(0, |d| d.removed),
                changed: diff.as_ref().map_or(0, |d| d.changed),
                diff_summary: diff.as_ref().map(Diff::summary).unwrap_or_default(),
                diff_html: diff.map(|d| d.html),
                diff_is_approval,
            },
        );
    }
    for (&version, change) in &notes {
        // A withdrawn question's current number is an earlier version when a text was
        // published at it: git says whether one was (else the number is the withdrawal's
        // own); without git, only the note can say it.
        let current = version == article.version && (withdrawn.is_none() || history.from_git);
        if current || by_number.contains_key(&version) {
            continue;
        }
        by_number.insert(
            version,
            VersionView {
                version,
                url: None,
                updated: Some(change.date.into()),
                commit: None,
                note: Some(&change.summary),
                review: None,
                diff_html: None,
                diff_to: None,
                added: 0,
                removed: 0,
                changed: 0,
                diff_summary: String::new(),
                diff_is_approval: false,
            },
        );
    }
    let approval = own
        .approved
        .as_ref()
        .zip(approved_read)
        .map(|(approved, approved_read)| {
            let diff = readers_diff(approved_read, (current_text, Some(article)));
            ApprovalView {
                version: approved.version,
                // Only when that version's page shows exactly the approved commit's text, with
                // its approval: a text committed before its approval was recorded (the commit
                // that recorded it squashed away) would be offered as "the approved version" on
                // a page that says no clinician approved it.
                url: own
                    .versions
                    .iter()
                    .zip(parsed)
                    .any(|(p, old)| {
                        p.version == approved.version
                            && p.commit == approved.commit
                            && old.as_ref().is_some_and(|old| old.review_state.is_reviewed())
                    })
                    .then(|| urls.path(&version_dir(&article.slug, approved.version))),
                commit: commit_view(&history.commits[approved.commit]),
                reviewers: approved_by(article, site, today),
                added: diff.added,
                removed: diff.removed,
                changed: diff.changed,
                diff_summary: diff.summary(),
                diff_html: diff.html,
            }
        });
    HistoryView {
        from_git: history.from_git,
        current: CurrentView {
            version: article.version,
            url: urls.path(&article_dir(&article.slug)),
            updated: article.updated.map(DateView::from),
            note: notes.get(&article.version).map(|c| c.summary.as_str()),
        },
        versions: by_number.into_values().rev().collect(),
        approval_missing: (approval.is_none()
            && article.review_state.is_stale()
            && own.traced_hash.is_some()
            && own.traced_hash.as_deref() == article.review().approved_hash.as_deref())
        .then(|| approved_by(article, site, today)),
        approval,
        withdrawn,
    }
}
