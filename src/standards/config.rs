//! The settings of `evident.yaml` that the health-information standards read:
//! `standards:`, `readability:` and `feedback_url`.

use serde::Deserialize;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandardsConfig {
    /// Every article must name its authors (`frontmatter/missing-field` otherwise).
    #[serde(default)]
    pub require_authors: bool,
    /// The scale of the answer's `grade:`.
    #[serde(default)]
    pub grading: GradingScale,
}

/// The evidence-grading scale an article's `grade:` is written in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GradingScale {
    /// SORT (Strength of Recommendation Taxonomy): A, B or C.
    #[default]
    Sort,
    /// GRADE certainty of evidence: high, moderate, low or very low.
    Grade,
}

impl GradingScale {
    pub fn name(self) -> &'static str {
        match self {
            GradingScale::Sort => "SORT",
            GradingScale::Grade => "GRADE",
        }
    }

    /// The grades of the scale as written, strongest first, each with what it means.
    pub fn grades(self) -> &'static [(&'static str, &'static str)] {
        match self {
            GradingScale::Sort => &[
                ("A", "consistent, good-quality patient-oriented evidence"),
                ("B", "inconsistent or limited-quality patient-oriented evidence"),
                (
                    "C",
                    "consensus, usual practice, opinion, disease-oriented evidence or case series",
                ),
            ],
            GradingScale::Grade => &[
                (
                    "high",
                    "further research is very unlikely to change our confidence in the estimate",
                ),
                (
                    "moderate",
                    "further research is likely to have an important impact on our confidence",
                ),
                ("low", "further research is very likely to change the estimate"),
                ("very low", "any estimate of effect is very uncertain"),
            ],
        }
    }

    /// The grade as the scale writes it, when `written` is one of its grades (SORT's
    /// letters in either case).
    pub fn parse(self, written: &str) -> Option<&'static str> {
        let written = written.trim();
        self.grades()
            .iter()
            .map(|(grade, _)| *grade)
            .find(|grade| grade.eq_ignore_ascii_case(written))
    }

    /// "SORT A", "GRADE: moderate certainty" — as the page shows it.
    pub fn label(self, grade: &str) -> String {
        match self {
            GradingScale::Sort => format!("Strength of recommendation: {grade} (SORT)"),
            GradingScale::Grade => format!("Certainty of evidence: {grade} (GRADE)"),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadabilityConfig {
    /// The highest reading grade (SMOG) a text for patients may have.
    #[serde(default = "default_max_grade")]
    pub max_grade: f64,
}

impl Default for ReadabilityConfig {
    fn default() -> Self {
        ReadabilityConfig {
            max_grade: default_max_grade(),
        }
    }
}

fn default_max_grade() -> f64 {
    8.0
}

/// Why `template` cannot be a feedback address, or `None` when it can.
pub fn feedback_url_problem(template: &str) -> Option<String> {
    let lower = template.trim().to_ascii_lowercase();
    if !(lower.starts_with("mailto:") || lower.starts_with("https://")) {
        return Some(format!(
            "the feedback address `{template}` must start with `mailto:` or `https://`"
        ));
    }
    if template.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some(format!("the feedback address `{template}` contains spaces"));
    }
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            return Some("an unclosed `{` in the feedback address".into());
        };
        let name = &rest[open + 1..open + close];
        if !matches!(name, "slug" | "url" | "version") {
            return Some(format!("the feedback address has an unknown placeholder `{{{name}}}`"));
        }
        rest = &rest[open + close + 1..];
    }
    None
}

/// The feedback address of one article: placeholders filled in, percent-encoded so that
/// a page address inside a `mailto:` subject stays one value.
pub fn feedback_url(template: &str, slug: &str, permalink: &str, version: u32) -> String {
    template
        .replace("{slug}", &encode(slug))
        .replace("{url}", &encode(permalink))
        .replace("{version}", &version.to_string())
}

fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_addresses_are_mailto_or_https_with_known_placeholders() {
        assert_eq!(feedback_url_problem("mailto:kb@example.org?subject={slug}"), None);
        assert_eq!(
            feedback_url_problem("https://example.org/report?page={url}&v={version}"),
            None
        );
        assert!(feedback_url_problem("http://example.org/").is_some());
        assert!(feedback_url_problem("javascript:alert(1)").is_some());
        assert!(
            feedback_url_problem("https://example.org/?p={page}")
                .unwrap()
                .contains("{page}")
        );
        assert_eq!(
            feedback_url(
                "mailto:kb@x.org?subject={slug}%20v{version}&body={url}",
                "a-b",
                "https://x.org/q/a-b/",
                3
            ),
            "mailto:kb@x.org?subject=a-b%20v3&body=https%3A%2F%2Fx.org%2Fq%2Fa-b%2F"
        );
    }

    #[test]
    fn grades_are_read_on_the_configured_scale() {
        assert_eq!(GradingScale::Sort.parse("b"), Some("B"));
        assert_eq!(GradingScale::Sort.parse("moderate"), None);
        assert_eq!(GradingScale::Grade.parse("Very low"), Some("very low"));
        assert_eq!(GradingScale::Grade.parse("A"), None);
    }
}
