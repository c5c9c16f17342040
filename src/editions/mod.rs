//! Editions: full snapshots of the site as it was at a git tag or commit, published under
//! `/editions/<name>/` beside the current site, with a switcher between them. Configured in
//! `evident.yaml` (`editions:` and `edition_tags:`); built by `build` (see `build.rs`).

mod build;
pub mod nav;

pub use build::{Plan, plan};
pub use nav::{EditionsView, Nav, Place};

use crate::config::CONFIG_FILE;
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic, Position};
use crate::versions::git::Repo;
use serde::Deserialize;

/// One entry of `editions:` in `evident.yaml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditionEntry {
    /// The folder under `/editions/`: letters, digits, `.`, `_` and `-`.
    pub name: String,
    /// The git tag, branch or commit the edition is built from.
    #[serde(rename = "ref")]
    pub git_ref: String,
    /// What the switcher calls it (default: the name).
    #[serde(default)]
    pub title: Option<String>,
}

/// `editions:` and `edition_tags:` of `evident.yaml`.
#[derive(Clone, Debug, Default)]
pub struct EditionsConfig {
    /// Each entry with where it is written.
    pub list: Vec<(EditionEntry, Position)>,
    /// A glob: every tag matching it is an edition, named by what the `*` matched
    /// (`edition-*` makes tag `edition-2025` the edition `2025`).
    pub tags: Option<String>,
    pub tags_at: Position,
    /// `edition_branch:`, the branch the site is published from: every edition's commit
    /// must be in its history (default: the branch checked out, else `main`).
    pub branch: Option<String>,
    pub branch_at: Position,
}

impl EditionsConfig {
    pub fn is_empty(&self) -> bool {
        self.list.is_empty() && self.tags.is_none()
    }

    /// Where findings about editions in general point.
    fn position(&self) -> Position {
        self.list.first().map(|(_, at)| *at).unwrap_or(self.tags_at)
    }
}

/// An edition resolved to its commit.
#[derive(Clone, Debug)]
pub struct Edition {
    pub name: String,
    pub label: String,
    pub git_ref: String,
    pub commit: String,
    /// The commit's date (UTC).
    pub date: Date,
    /// Where it is configured in `evident.yaml`.
    pub at: Position,
}

/// Problems with the edition settings themselves, found while reading `evident.yaml`.
pub fn config_problems(config: &EditionsConfig) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (entry, at) in &config.list {
        if !is_valid_name(&entry.name) {
            problems.push(
                Diagnostic::new(
                    Code::ConfigInvalidValue,
                    CONFIG_FILE,
                    *at,
                    format!("`{}` cannot name an edition folder", entry.name),
                )
                .with_hint(
                    "use at most 255 letters, digits, `.`, `_` and `-`, starting with a letter or digit, e.g. `2025`",
                ),
            );
        } else if !seen.insert(entry.name.as_str()) {
            problems.push(
                Diagnostic::new(
                    Code::ConfigInvalidValue,
                    CONFIG_FILE,
                    *at,
                    format!("two editions are named `{}`", entry.name),
                )
                .with_hint("give each edition its own name: it is the folder under /editions/"),
            );
        }
        if entry.git_ref.trim().is_empty() || entry.git_ref.starts_with('-') {
            problems.push(
                Diagnostic::new(
                    Code::ConfigInvalidValue,
                    CONFIG_FILE,
                    *at,
                    format!("edition `{}` has no usable `ref`", entry.name),
                )
                .with_hint("name the git tag or commit it is built from, e.g. `ref: edition-2025`"),
            );
        }
    }
    if let Some(pattern) = &config.tags {
        if pattern.trim().is_empty() || pattern.contains(char::is_whitespace) {
            problems.push(
                Diagnostic::new(
                    Code::ConfigInvalidValue,
                    CONFIG_FILE,
                    config.tags_at,
                    format!("`{pattern}` is not a tag pattern"),
                )
                .with_hint("write a glob without spaces, e.g. `edition_tags: \"edition-*\"`"),
            );
        }
    }
    problems
}

/// Edition names become one folder of a URL: nothing that needs escaping or climbs out.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && !name.contains("..")
        && name.len() <= crate::write::MAX_COMPONENT_BYTES
}

/// The edition a tag makes under `pattern`: what the pattern's `*` matched, or the whole
/// tag when that is empty or not a usable name.
pub fn name_from_tag(pattern: &str, tag: &str) -> String {
    let (prefix, suffix) = match (pattern.find('*'), pattern.rfind('*')) {
        (Some(first), Some(last)) => (&pattern[..first], &pattern[last + 1..]),
        _ => ("", ""),
    };
    let inner = tag
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(suffix))
        .unwrap_or(tag);
    if is_valid_name(inner) {
        inner.to_string()
    } else {
        tag.to_string()
    }
}

/// Resolves the configured editions to commits, newest first. Every problem is reported,
/// at the line of `evident.yaml` that asked for the edition.
pub fn resolve(repo: Option<&Repo>, config: &EditionsConfig) -> Result<Vec<Edition>, Vec<Diagnostic>> {
    if config.is_empty() {
        return Ok(Vec::new());
    }
    let Some(repo) = repo else {
        return Err(vec![
            Diagnostic::new(
                Code::ConfigInvalidValue,
                CONFIG_FILE,
                config.position(),
                "editions are built from git, but the site is not in a git repository (or git is not installed)",
            )
            .with_hint("build from a clone of the site's repository, or remove `editions` and `edition_tags`"),
        ]);
    };
    let mut problems = Vec::new();
    let mut editions: Vec<Edition> = Vec::new();
    let mut wanted: Vec<(String, Option<String>, String, Position)> = config
        .list
        .iter()
        .map(|(e, at)| (e.name.clone(), e.title.clone(), e.git_ref.clone(), *at))
        .collect();
    if let Some(pattern) = &config.tags {
        match repo.tags_matching(pattern) {
            Ok(tags) => {
                for tag in tags {
                    let name = name_from_tag(pattern, &tag);
                    // An edition named in the list wins over a tag of the same name.
                    if !is_valid_name(&name) || wanted.iter().any(|(n, ..)| *n == name) {
                        continue;
                    }
                    wanted.push((name, None, tag, config.tags_at));
                }
            }
            Err(error) => problems.push(git_problem(config.tags_at, &error.0)),
        }
    }
    let branch = config
        .branch
        .clone()
        .or_else(|| repo.current_branch())
        .unwrap_or_else(|| "main".to_string());
    for (name, title, git_ref, at) in wanted {
        match repo.resolve(&git_ref) {
            Ok(Some((commit, _))) if !matches!(repo.is_on_branch(&commit, &branch), Ok(Some(true))) => {
                problems.push(off_branch(&name, &git_ref, &commit, &branch, repo, config, at));
            }
            Ok(Some((commit, time))) => editions.push(Edition {
                label: title.unwrap_or_else(|| name.clone()),
                name,
                git_ref,
                commit,
                date: Date::from_days_since_epoch(time.div_euclid(86_400)),
                at,
            }),
            Ok(None) => problems.push(
                Diagnostic::new(
                    Code::ConfigInvalidValue,
                    CONFIG_FILE,
                    at,
                    format!("edition `{name}`: `{git_ref}` does not name a commit in this repository"),
                )
                .with_hint(format!(
                    "create the tag (`git tag {git_ref} COMMIT`), fetch tags (`git fetch --tags`), or fix the name"
                )),
            ),
            Err(error) => problems.push(git_problem(at, &error.0)),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    editions.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.name.cmp(&b.name)));
    Ok(editions)
}

/// An edition whose commit the published branch never held: an archive of something that
/// was never published.
fn off_branch(
    name: &str,
    git_ref: &str,
    commit: &str,
    branch: &str,
    repo: &Repo,
    config: &EditionsConfig,
    at: Position,
) -> Diagnostic {
    let short = &commit[..commit.len().min(10)];
    match repo.is_on_branch(commit, branch) {
        Ok(None) => Diagnostic::new(
            Code::ConfigInvalidValue,
            CONFIG_FILE,
            if config.branch.is_some() { config.branch_at } else { at },
            format!("edition `{name}`: there is no branch `{branch}` to check that `{git_ref}` was published from it"),
        )
        .with_hint("set `edition_branch:` in evident.yaml to the branch the site is published from (fetch it in CI)"),
        Err(error) => git_problem(at, &error.0),
        Ok(_) => Diagnostic::new(
            Code::ConfigInvalidValue,
            CONFIG_FILE,
            at,
            format!(
                "edition `{name}`: `{git_ref}` ({short}) is not on the published branch `{branch}`; an edition archives what was published, and this commit never was"
            ),
        )
        .with_hint(format!(
            "tag a commit of `{branch}` instead, or set `edition_branch:` to the branch the site is published from"
        )),
    }
}

fn git_problem(at: Position, message: &str) -> Diagnostic {
    Diagnostic::new(
        Code::ConfigInvalidValue,
        CONFIG_FILE,
        at,
        format!("cannot read the editions from git: {message}"),
    )
    .with_hint("check that `git status` works in the site's folder")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_editions_after_what_the_star_matched() {
        assert_eq!(name_from_tag("edition-*", "edition-2025"), "2025");
        assert_eq!(name_from_tag("v*-final", "v3-final"), "3");
        assert_eq!(name_from_tag("release", "release"), "release");
        assert_eq!(
            name_from_tag("e/*", "e/"),
            "e/",
            "an empty match keeps the tag, refused later"
        );
    }

    #[test]
    fn edition_names_are_single_safe_folders() {
        for good in ["2025", "v1.2", "spring_2026", "a-b"] {
            assert!(is_valid_name(good), "{good}");
        }
        let long = "e".repeat(256);
        for bad in [
            "",
            ".",
            "..",
            "/abs",
            ".hidden",
            "a/b",
            "a..b",
            "two words",
            "é",
            "-x",
            "a\0b",
            &long,
        ] {
            assert!(!is_valid_name(bad), "{bad}");
        }
        assert!(is_valid_name(&"e".repeat(255)));
    }

    #[test]
    fn reports_bad_and_duplicate_names() {
        let entry = |name: &str| {
            (
                EditionEntry {
                    name: name.into(),
                    git_ref: "v1".into(),
                    title: None,
                },
                Position::new(3, 5),
            )
        };
        let config = EditionsConfig {
            list: vec![entry("2025"), entry("2025"), entry("../x")],
            ..EditionsConfig::default()
        };
        let problems = config_problems(&config);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().all(|p| p.line == 3));
    }

    #[test]
    fn editions_without_git_are_a_configuration_error() {
        let config = EditionsConfig {
            tags: Some("edition-*".into()),
            tags_at: Position::new(7, 15),
            ..EditionsConfig::default()
        };
        let problems = resolve(None, &config).unwrap_err();
        assert_eq!((problems[0].line, problems[0].column), (7, 15));
        assert!(resolve(None, &EditionsConfig::default()).unwrap().is_empty());
    }
}
