//! Editions: full snapshots of the site as it was at a git tag or commit, published under
//! `/editions/<name>/` beside the current site, with a switcher between them. Configured in
//! `evident.yaml` (`editions:` and `edition_tags:`); built by `build` (see `build.rs`).

pub mod addresses;
mod build;
pub mod nav;

pub use addresses::{AddressKind, EditionAddress};
pub use build::{Plan, plan};
pub use nav::{EditionsView, Nav, Place};

pub mod config;
pub use config::{EditionEntry, EditionsConfig, config_problems, is_valid_name};

use crate::config::CONFIG_FILE;
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic, Position};
use crate::versions::git::Repo;

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
