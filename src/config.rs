//! `evident.yaml`: the site's configuration, read strictly (unknown keys are findings) in
//! this one place.

use crate::bibliography::config::CitationConfig;
use crate::diagnostic::{Code, Diagnostic, Position, Severity, did_you_mean};
use crate::parse::fields::{CONFIG_CODES, FieldReader};
pub use crate::review::policy::{Interval, Publish, ReviewConfig, Signatures};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The largest content or bibliography file read unless `limits.max_file_size` says
/// otherwise: 5 MiB is a hundred times the longest real article, and what the parse and
/// check passes handle in about a second; beyond it a file is refused unread.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;

pub const CONFIG_FILE: &str = "evident.yaml";

/// Every top-level key `evident.yaml` may have; anything else is a finding.
pub const CONFIG_FIELDS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "publisher",
    "topics",
    "checks",
    "home_recent",
    "feed_entries",
    "related",
    "citations",
    "editions",
    "edition_tags",
    "edition_branch",
    "review",
    "standards",
    "readability",
    "feedback_url",
    "limits",
    "search",
];

#[derive(Clone, Debug)]
pub struct SiteConfig {
    pub title: String,
    pub description: String,
    /// Always ends with `/`.
    pub base_url: String,
    /// The address `evident.yaml` gives, which approvals and their signatures are bound to:
    /// `with_base_url` (a preview's or a build's override) leaves it as it is.
    pub declared_base_url: String,
    pub language: String,
    pub publisher: String,
    pub topics: BTreeMap<String, TopicConfig>,
    /// Severity per finding code; `None` turns a check off.
    pub severities: BTreeMap<Code, Option<Severity>>,
    pub home_recent: usize,
    pub feed_entries: usize,
    /// How related-question lists are ranked and cut.
    pub related: RelatedConfig,
    /// How references are formatted and judged (`citations:`).
    pub citations: CitationConfig,
    /// Older editions of the site to publish under `/editions/<name>/` (`editions:`,
    /// `edition_tags:`).
    pub editions: crate::editions::config::EditionsConfig,
    /// Whether approvals must be signed, and how long they stay current (`review:`).
    pub review: ReviewConfig,
    /// Authorship and evidence grades (`standards:`), the reading-grade target
    /// (`readability:`) and where readers report problems (`feedback_url`).
    pub standards: crate::standards::config::StandardsConfig,
    pub readability: crate::standards::config::ReadabilityConfig,
    pub feedback_url: Option<String>,
    /// How much of any one input is read (`limits:`).
    pub limits: LimitsConfig,
    /// How search judges questions (`search:`).
    pub search: SearchConfig,
}

/// The default `search.duplicate_threshold`: four in five distinct word stems in common.
pub const DEFAULT_DUPLICATE_THRESHOLD: f64 = 0.8;

/// `search:` in `evident.yaml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    /// How alike two published questions' words must be (0 to 1, the share of their
    /// distinct word stems in common) for `question/duplicate`.
    pub duplicate_threshold: f64,
}

impl Default for SearchConfig {
    fn default() -> SearchConfig {
        SearchConfig {
            duplicate_threshold: DEFAULT_DUPLICATE_THRESHOLD,
        }
    }
}

/// Bounds on what one input may cost to read (`limits:` in `evident.yaml`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    /// The largest content or bibliography file read, in bytes; larger ones are refused
    /// unread with `content/too-large`.
    pub max_file_size: u64,
}

impl Default for LimitsConfig {
    fn default() -> LimitsConfig {
        LimitsConfig {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicConfig {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// This topic's review cycle, in place of `review.interval` (for articles whose primary
    /// topic it is).
    #[serde(default)]
    pub review_interval: Option<Interval>,
}

impl SiteConfig {
    /// The severity a finding of `code` has on this site, or `None` when it is turned off.
    pub fn severity_of(&self, code: Code) -> Option<Severity> {
        self.severities
            .get(&code)
            .copied()
            .unwrap_or_else(|| code.enabled_by_default().then(|| code.default_severity()))
    }

    /// Applies the site's severities: changes them, and drops findings that are off.
    pub fn apply_severities(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        diagnostics
            .into_iter()
            .filter_map(|mut d| {
                d.severity = self.resolve_severity(d.code, d.severity)?;
                Some(d)
            })
            .collect()
    }

    /// What a finding of `code` given at `severity` is on this site; `None`: the site
    /// turned it off.
    pub fn resolve_severity(&self, code: Code, severity: Severity) -> Option<Severity> {
        if code.is_configuration() {
            return Some(severity);
        }
        // A check may report one finding milder than its code's default (a
        // near-identical title among duplicates); only an explicit setting overrides it.
        match self.severities.get(&code) {
            Some(configured) => *configured,
            None if code.enabled_by_default() => Some(severity),
            None => None,
        }
    }

    /// The site with `--base-url` in place of the configured address, or the reason the
    /// given address cannot be used.
    pub fn with_base_url(mut self, base_url: &str) -> Result<SiteConfig, String> {
        if let Some(problem) = base_url_problem(base_url) {
            return Err(problem);
        }
        self.base_url = normalize_base_url(base_url);
        Ok(self)
    }
}

/// Reads `evident.yaml` from the site root. Every problem is returned, not just the first.
pub fn load_config(root: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
    let path = root.join(CONFIG_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => {
            let hint = if error.kind() == std::io::ErrorKind::NotFound {
                "run `evident init DIR` to create a site, or pass `--root DIR` to point at one"
            } else {
                "check the file's permissions and that it is UTF-8"
            };
            return Err(vec![
                Diagnostic::new(
                    Code::ConfigSyntax,
                    CONFIG_FILE,
                    Position::START,
                    format!("cannot read {CONFIG_FILE}: {error}"),
                )
                .with_hint(hint),
            ]);
        }
    };
    let text = crate::load::split::strip_bom(text);
    parse_config(&text)
}

pub fn parse_config(text: &str) -> Result<SiteConfig, Vec<Diagnostic>> {
    let mut reader = FieldReader::parse(CONFIG_FILE, text, 1, CONFIG_CODES, CONFIG_FIELDS).map_err(|d| vec![d])?;
    let title: Option<String> = reader.required("title", "add `title: \"Your knowledge base\"`");
    let description: String = reader.optional("description").unwrap_or_default();
    let base_url: Option<String> = reader.required(
        "base_url",
        "add the address the site is published at, e.g. `base_url: \"https://kb.example.org/\"`",
    );
    let language: String = reader.optional("language").unwrap_or_else(|| "en".into());
    let publisher: Option<String> = reader.optional("publisher");
    let topics: BTreeMap<String, TopicConfig> = reader.optional("topics").unwrap_or_default();
    let checks: BTreeMap<String, String> = reader.optional("checks").unwrap_or_default();
    let home_recent: usize = reader.optional("home_recent").unwrap_or(10);
    let feed_entries: usize = reader.optional("feed_entries").unwrap_or(20);
    let related: RelatedConfig = reader.optional("related").unwrap_or_default();
    let mut citations: CitationConfig = reader.optional("citations").unwrap_or_default();
    let citations_at = |key: &str| {
        reader
            .locator()
            .value(&["citations", key])
            .unwrap_or_else(|| reader.key_position("citations"))
    };
    citations.retractions_at = citations_at("retractions");
    let citation_problems = crate::bibliography::config::problems(&citations, citations_at("style"));
    let editions = crate::editions::config::EditionsConfig {
        list: reader.list::<crate::editions::config::EditionEntry>("editions"),
        tags_at: reader.value_position("edition_tags"),
        tags: reader.optional("edition_tags"),
        branch_at: reader.value_position("edition_branch"),
        branch: reader.optional("edition_branch"),
    };
    let edition_problems = crate::editions::config::config_problems(&editions);
    let review_at = reader.key_position("review");
    let review = ReviewConfig {
        at: review_at,
        ..reader.optional("review").unwrap_or_default()
    };
    let standards: crate::standards::config::StandardsConfig = reader.optional("standards").unwrap_or_default();
    let readability: crate::standards::config::ReadabilityConfig = reader.optional("readability").unwrap_or_default();
    let feedback_url: Option<String> = reader.optional("feedback_url");
    let limits: LimitsConfig = reader.optional("limits").unwrap_or_default();
    let search: SearchConfig = reader.optional("search").unwrap_or_default();

    let mut severities = BTreeMap::new();
    let mut problems = Vec::new();
    if let Some(problem) = base_url.as_deref().and_then(base_url_problem) {
        problems.push(
            Diagnostic::new(
                Code::ConfigInvalidValue,
                CONFIG_FILE,
                reader.value_position("base_url"),
                problem,
            )
            .with_hint("write it with its scheme and without query or fragment, e.g. `https://kb.example.org/`"),
        );
    }
    let threshold = search.duplicate_threshold;
    if !(threshold > 0.0 && threshold <= 1.0) {
        let at = reader
            .locator()
            .value(&["search", "duplicate_threshold"])
            .unwrap_or_else(|| reader.key_position("search"));
        problems.push(
            Diagnostic::new(
                Code::ConfigInvalidValue,
                CONFIG_FILE,
                at,
                format!("`search.duplicate_threshold` is {threshold}: it must be above 0 and at most 1"),
            )
            .with_hint(
                "0.8 (the default) flags questions that share four in five of their words; 1 only identical ones",
            ),
        );
    }
    if limits.max_file_size == 0 {
        let at = reader
            .locator()
            .value(&["limits", "max_file_size"])
            .unwrap_or_else(|| reader.key_position("limits"));
        problems.push(
            Diagnostic::new(
                Code::ConfigInvalidValue,
                CONFIG_FILE,
                at,
                "`limits.max_file_size` must be at least 1 byte",
            )
            .with_hint("give the size in bytes, e.g. `max_file_size: 5242880` for 5 MiB (the default)"),
        );
    }
    if !(0.0..=1.0).contains(&related.min_score) {
        let at = reader
            .locator()
            .key(&["related"])
            .and_then(|(_, scope)| reader.locator().key_in(scope, "min_score"))
            .unwrap_or_else(|| reader.key_position("related"));
        problems.push(
            Diagnostic::new(
                Code::ConfigInvalidValue,
                CONFIG_FILE,
                at,
                format!("`related.min_score` must be between 0 and 1, not {}", related.min_score),
            )
            .with_hint("scores run from 0 (nothing in common) to 1; the default is 0.1"),
        );
    }
    if let Some(problem) = feedback_url
        .as_deref()
        .and_then(crate::standards::config::feedback_url_problem)
    {
        problems.push(
            Diagnostic::new(
                Code::ConfigInvalidValue,
                CONFIG_FILE,
                reader.value_position("feedback_url"),
                problem,
            )
            .with_hint("e.g. `feedback_url: \"mailto:editors@example.org?subject=Problem%20on%20{slug}\"`; placeholders: {slug}, {url}, {version}"),
        );
    }
    if !(readability.max_grade > 0.0 && readability.max_grade <= 20.0) {
        let at = reader
            .locator()
            .value(&["readability", "max_grade"])
            .unwrap_or_else(|| reader.key_position("readability"));
        problems.push(
            Diagnostic::new(
                Code::ConfigInvalidValue,
                CONFIG_FILE,
                at,
                format!(
                    "`readability.max_grade` must be a school grade between 1 and 20, not {}",
                    readability.max_grade
                ),
            )
            .with_hint("health-literacy guidance asks for grade 6 to 8 in texts for patients; the default is 8"),
        );
    }
    let checks_scope = reader.locator().key(&["checks"]).map(|(_, scope)| scope);
    for (name, severity) in &checks {
        let at = checks_scope
            .and_then(|scope| reader.locator().key_in(scope, name))
            .unwrap_or_else(|| reader.key_position("checks"));
        let Some(code) = Code::from_name(name) else {
            let names = Code::ALL.map(Code::as_str);
            let hint = match did_you_mean(name, names) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("known checks: {}", names.join(", ")),
            };
            problems.push(
                Diagnostic::new(
                    Code::ConfigInvalidValue,
                    CONFIG_FILE,
                    at,
                    format!("no check is named `{name}`"),
                )
                .with_hint(hint),
            );
            continue;
        };
        let level = match severity.as_str() {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "off" => None,
            other => {
                problems.push(
                    Diagnostic::new(
                        Code::ConfigInvalidValue,
                        CONFIG_FILE,
                        at,
                        format!("`{other}` is not a severity"),
                    )
                    .with_hint("use `error`, `warning` or `off`"),
                );
                continue;
            }
        };
        if code.is_configuration() || (is_structural(code) && level != Some(Severity::Error)) {
            problems.push(
                Diagnostic::new(
                    Code::ConfigInvalidValue,
                    CONFIG_FILE,
                    at,
                    format!("`{name}` cannot be turned off or lowered"),
                )
                .with_hint("a site whose files cannot be read or parsed cannot be built"),
            );
            continue;
        }
        severities.insert(code, level);
    }
    let mut diagnostics = reader.finish();
    diagnostics.extend(problems);
    diagnostics.extend(citation_problems);
    diagnostics.extend(edition_problems);
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let title = title.unwrap_or_default();
    Ok(SiteConfig {
        publisher: publisher.unwrap_or_else(|| title.clone()),
        title,
        description,
        declared_base_url: normalize_base_url(base_url.as_deref().unwrap_or_default()),
        base_url: normalize_base_url(&base_url.unwrap_or_default()),
        language,
        topics,
        severities,
        home_recent,
        feed_entries,
        related,
        citations,
        editions,
        review,
        standards,
        readability,
        feedback_url,
        limits,
        search,
    })
}

impl SiteConfig {
    /// The review cycle of articles whose primary topic is `topic`.
    pub fn review_interval(&self, topic: Option<&str>) -> Interval {
        topic
            .and_then(|t| self.topics.get(t))
            .and_then(|t| t.review_interval)
            .unwrap_or(self.review.interval)
    }
}

/// Findings that mean a file could not be understood at all; they stay errors.
fn is_structural(code: Code) -> bool {
    matches!(
        code,
        Code::ContentUnreadable
            | Code::ContentTooLarge
            | Code::ContentControlCharacter
            | Code::ContentPlaceholder
            | Code::FrontmatterSyntax
            | Code::SlugDuplicate
    )
}

/// Canonical links, the sitemap and the feed are built by appending paths to the base URL,
/// so it must be absolute and end in a path.
fn base_url_problem(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match rest {
        None => Some(format!("the base URL `{url}` is not an absolute http(s) address")),
        Some(rest) if rest.is_empty() || rest.starts_with('/') => Some(format!("the base URL `{url}` has no host")),
        Some(_) if url.contains(['?', '#']) => Some(format!("the base URL `{url}` has a query or fragment")),
        Some(_) if url.contains(char::is_whitespace) => Some(format!("the base URL `{url}` contains spaces")),
        Some(_) => None,
    }
}

fn normalize_base_url(url: &str) -> String {
    let mut url = url.trim().to_string();
    if !url.ends_with('/') {
        url.push('/');
    }
    url
}

/// `related:` in `evident.yaml`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RelatedConfig {
    /// How many related questions a page lists. Links chosen by editors always appear,
    /// even beyond this number; computed ones fill the list up to it.
    pub max: usize,
    /// List the editors' links before computed ones (each group strongest first); when
    /// false, one list ordered by score.
    pub explicit_first: bool,
    /// The score a computed neighbour needs to be listed (0 to 1).
    pub min_score: f32,
}

impl Default for RelatedConfig {
    fn default() -> RelatedConfig {
        RelatedConfig {
            max: 8,
            explicit_first: true,
            min_score: 0.1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_review_rules_with_defaults() {
        let config = parse_config("title: KB\nbase_url: https://x.org/\n").unwrap();
        assert_eq!(config.review.signatures, Signatures::Off);
        assert_eq!(config.review_interval(None), Interval::Years(3));
        let config = parse_config(
            "title: KB\nbase_url: https://x.org/\nreview: {signatures: required, interval: 2y}\ntopics:\n  onc: {review_interval: 12m}\n",
        )
        .unwrap();
        assert_eq!(config.review.signatures, Signatures::Required);
        assert_eq!(config.review_interval(Some("onc")), Interval::Months(12));
        assert_eq!(config.review_interval(Some("other")), Interval::Years(2));
        let errors = parse_config("title: KB\nbase_url: https://x.org/\nreview:\n  signatures: always\n").unwrap_err();
        assert_eq!(
            (errors[0].code, errors[0].line),
            (Code::ConfigInvalidValue, 4),
            "{errors:?}"
        );
    }

    #[test]
    fn reads_a_minimal_config() {
        let config = parse_config("title: KB\nbase_url: https://kb.example.org\n").unwrap();
        assert_eq!(config.base_url, "https://kb.example.org/");
        assert_eq!(config.publisher, "KB");
        assert_eq!(config.severity_of(Code::CitationUnused), Some(Severity::Warning));
    }

    #[test]
    fn refuses_base_urls_that_cannot_prefix_paths() {
        for bad in [
            "kb.example.org/",
            "https://",
            "https://x.org/kb?x=1",
            "https://x.org/#top",
            "ftp://x.org/",
        ] {
            let errors = parse_config(&format!("title: KB\nbase_url: \"{bad}\"\n")).unwrap_err();
            assert_eq!(errors[0].line, 2, "{bad}");
        }
        let config = parse_config("title: KB\nbase_url: https://x.org/\n").unwrap();
        assert!(config.clone().with_base_url("other.example/kb/").is_err());
        assert_eq!(
            config.with_base_url("https://other.example/kb").unwrap().base_url,
            "https://other.example/kb/"
        );
    }

    #[test]
    fn configures_severities_per_code() {
        let config = parse_config(
            "title: KB\nbase_url: https://x.org/\nchecks:\n  citation/unused: error\n  related/dangling: warning\n",
        )
        .unwrap();
        assert_eq!(config.severity_of(Code::CitationUnused), Some(Severity::Error));
        assert_eq!(config.severity_of(Code::RelatedDangling), Some(Severity::Warning));
    }

    #[test]
    fn reports_unknown_keys_and_checks_with_suggestions() {
        let errors =
            parse_config("title: KB\nbase_url: https://x.org/\nbaseurl: x\nchecks:\n  citation/unsued: error\n")
                .unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        let unknown = errors.iter().find(|d| d.code == Code::ConfigUnknownField).unwrap();
        assert_eq!((unknown.line, unknown.column), (3, 1));
        assert_eq!(unknown.hint.as_deref(), Some("did you mean `base_url`?"));
        let check = errors.iter().find(|d| d.message.contains("citation/unsued")).unwrap();
        assert_eq!(check.line, 5);
        assert_eq!(check.hint.as_deref(), Some("did you mean `citation/unused`?"));
    }
}
