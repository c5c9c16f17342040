//! `editions:`, `edition_tags:` and `edition_branch:` of `evident.yaml`, and what is wrong
//! with them: read with the rest of the configuration, before any edition is built.

use crate::config::CONFIG_FILE;
use crate::diagnostic::{Code, Diagnostic, Position};
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
    pub(super) fn position(&self) -> Position {
        self.list.first().map(|(_, at)| *at).unwrap_or(self.tags_at)
    }
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
        && name.len() <= crate::slug::MAX_FOLDER_NAME_BYTES
}
