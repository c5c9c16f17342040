//! The `citations:` block of `evident.yaml`: how references are formatted and judged.

use crate::config::CONFIG_FILE;
use crate::diagnostic::{Code, Diagnostic, Position, did_you_mean};
use serde::Deserialize;

/// The CSL styles `citations.style` may name, by their names in the CSL repository
/// (`bibliography::csl` formats them).
pub const CSL_STYLES: &[&str] = &[
    "american-medical-association",
    "american-psychological-association",
    "british-medical-journal",
    "chicago-author-date",
    "elsevier-vancouver",
    "harvard-cite-them-right",
    "nature",
    "the-lancet",
];

/// The reference styles `citations.style` may name: Evident's own AMA formatter, then the
/// CSL styles.
pub fn styles() -> impl Iterator<Item = &'static str> + Clone {
    std::iter::once("ama").chain(CSL_STYLES.iter().copied())
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CitationConfig {
    /// How the reference list is formatted: `ama` (the default) or another offered style.
    pub style: String,
    /// A guideline older than this many years is `reference/stale`.
    pub guideline_max_age: u32,
    /// The Retraction Watch CSV, relative to the site root.
    pub retractions: Option<String>,
    /// Which blocks must cite something (`citation/uncited-claim`).
    pub uncited_claims: UncitedClaims,
    /// Where `retractions` is written in `evident.yaml`, for findings about the file.
    #[serde(skip)]
    pub retractions_at: Position,
}

impl Default for CitationConfig {
    fn default() -> Self {
        CitationConfig {
            style: "ama".into(),
            guideline_max_age: 5,
            retractions: None,
            uncited_claims: UncitedClaims::default(),
            retractions_at: Position::START,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UncitedClaims {
    /// Every bullet under a `##` heading must cite.
    pub bullets: bool,
    /// Every paragraph under a `##` heading must cite too.
    pub paragraphs: bool,
    /// Sections whose headings contain one of these names (any case) need no citations.
    pub exempt_sections: Vec<String>,
}

impl Default for UncitedClaims {
    fn default() -> Self {
        UncitedClaims {
            bullets: true,
            paragraphs: false,
            exempt_sections: ["Summary", "Key points", "Takeaways", "See also", "Further reading"]
                .map(String::from)
                .to_vec(),
        }
    }
}

impl UncitedClaims {
    /// "Summary of the evidence" is exempt by "Summary": the heading's words contain the
    /// name's words in order, ignoring case and punctuation.
    pub fn is_exempt(&self, heading: &str) -> bool {
        let heading = words(heading);
        self.exempt_sections.iter().any(|name| {
            let name = words(name);
            !name.is_empty() && heading.windows(name.len()).any(|window| window == name.as_slice())
        })
    }
}

/// Values of the block that parse but cannot be used.
pub fn problems(config: &CitationConfig, style_at: Position) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if !styles().any(|style| style == config.style) {
        let offered = styles().collect::<Vec<_>>().join(", ");
        let hint = match did_you_mean(&config.style, styles()) {
            Some(near) => format!("did you mean `{near}`? Offered styles: {offered}"),
            None => format!("offered styles: {offered}"),
        };
        found.push(
            Diagnostic::new(
                Code::ConfigInvalidValue,
                CONFIG_FILE,
                style_at,
                format!("`{}` is not a reference style Evident offers", config.style),
            )
            .with_hint(hint),
        );
    }
    found
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_named_like_an_exempt_name_are_exempt() {
        let claims = UncitedClaims::default();
        for exempt in ["Summary", "In summary", "Key Points:", "Summary of the evidence"] {
            assert!(claims.is_exempt(exempt), "{exempt}");
        }
        for required in ["Treatment", "Summarysomething", "Key", "Common pitfalls"] {
            assert!(!claims.is_exempt(required), "{required}");
        }
    }
}
