//! Printing findings for people (rustc-style, with the offending line) and machines.

use super::{Diagnostic, Severity, Summary, summarize};
use std::fmt::Write as _;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style text with the offending source line
    Human,
    /// `{"diagnostics": [...], "summary": {...}}`
    Json,
    /// GitHub Actions workflow annotations
    Github,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF viewers)
    Sarif,
}

/// Renders all findings in one format. `source_of` returns a file's text (relative path as in
/// the diagnostic) so that human output can quote the offending line.
pub fn render_report<'a>(
    diagnostics: &[Diagnostic],
    format: Format,
    color: bool,
    source_of: impl Fn(&str) -> Option<&'a str>,
) -> String {
    match format {
        Format::Human => render_human(diagnostics, color, source_of),
        Format::Json => render_json(diagnostics),
        Format::Github => render_github(diagnostics),
        Format::Sarif => super::sarif::render_sarif(diagnostics),
    }
}

fn render_json(diagnostics: &[Diagnostic]) -> String {
    #[derive(serde::Serialize)]
    struct Report<'a> {
        diagnostics: &'a [Diagnostic],
        summary: Summary,
    }
    let report = Report {
        diagnostics,
        summary: summarize(diagnostics),
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}

fn render_github(diagnostics: &[Diagnostic]) -> String {
    // GitHub shows only the first few annotations of each kind, so errors go first.
    let mut ordered: Vec<&Diagnostic> = diagnostics.iter().collect();
    ordered.sort_by_key(|d| d.severity);
    let mut out = String::new();
    for d in ordered {
        let mut message = d.message.clone();
        if let Some(hint) = &d.hint {
            message.push_str("\nhint: ");
            message.push_str(hint);
        }
        let _ = writeln!(
            out,
            "::{} file={},line={},col={},title={}::{}",
            d.severity.as_str(),
            escape_github_property(&d.file),
            d.line,
            d.column,
            escape_github_property(d.code.as_str()),
            escape_github_data(&message)
        );
    }
    out
}

fn escape_github_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_github_property(text: &str) -> String {
    escape_github_data(text).replace(':', "%3A").replace(',', "%2C")
}

struct Palette {
    error: &'static str,
    warning: &'static str,
    accent: &'static str,
    bold: &'static str,
    reset: &'static str,
}

const COLORS: Palette = Palette {
    error: "\x1b[1;31m",
    warning: "\x1b[1;33m",
    accent: "\x1b[1;34m",
    bold: "\x1b[1m",
    reset: "\x1b[0m",
};

const PLAIN: Palette = Palette {
    error: "",
    warning: "",
    accent: "",
    bold: "",
    reset: "",
};

fn render_human<'a>(diagnostics: &[Diagnostic], color: bool, source_of: impl Fn(&str) -> Option<&'a str>) -> String {
    let p = if color { &COLORS } else { &PLAIN };
    let mut out = String::new();
    for d in diagnostics {
        let (label, tint) = match d.severity {
            Severity::Error => ("error", p.error),
            Severity::Warning => ("warning", p.warning),
        };
        let _ = writeln!(
            out,
            "{tint}{label}[{}]{reset}{bold}: {}{reset}",
            d.code,
            d.message,
            reset = p.reset,
            bold = p.bold
        );
        let line_text = source_of(&d.file).and_then(|text| nth_line(text, d.line));
        let gutter = " ".repeat(d.line.to_string().len());
        let _ = writeln!(
            out,
            "{gutter}{}-->{} {}:{}:{}",
            p.accent, p.reset, d.file, d.line, d.column
        );
        if let Some(line_text) = line_text {
            let shown = line_text.replace('\t', "    ");
            let column = d.column.max(1) as usize;
            let prefix: String = line_text.chars().take(column - 1).collect();
            let pad = prefix.replace('\t', "    ").chars().count();
            let width = token_width(line_text.chars().skip(column - 1));
            let _ = writeln!(out, "{gutter} {}|{}", p.accent, p.reset);
            let _ = writeln!(out, "{}{} |{} {shown}", p.accent, d.line, p.reset);
            let _ = writeln!(
                out,
                "{gutter} {}|{} {}{tint}{}{reset}",
                p.accent,
                p.reset,
                " ".repeat(pad),
                "^".repeat(width),
                reset = p.reset
            );
        }
        if let Some(hint) = &d.hint {
            let _ = writeln!(
                out,
                "{gutter} {}={} {}hint{}: {hint}",
                p.accent, p.reset, p.bold, p.reset
            );
        }
        out.push('\n');
    }
    let summary = summarize(diagnostics);
    if summary.errors + summary.warnings > 0 {
        let _ = writeln!(
            out,
            "{}{} {}, {} {}{}",
            p.bold,
            summary.errors,
            plural(summary.errors, "error", "errors"),
            summary.warnings,
            plural(summary.warnings, "warning", "warnings"),
            p.reset
        );
    }
    out
}

fn plural<'s>(n: usize, one: &'s str, many: &'s str) -> &'s str {
    if n == 1 { one } else { many }
}

fn nth_line(text: &str, line: u32) -> Option<&str> {
    let index = (line as usize).checked_sub(1)?;
    text.split('\n').nth(index).map(|l| l.strip_suffix('\r').unwrap_or(l))
}

/// How many characters to underline: the word or quoted value at the column, or one.
fn token_width(mut rest: impl Iterator<Item = char>) -> usize {
    let Some(first) = rest.next() else { return 1 };
    if first == '"' || first == '\'' {
        return 1 + rest.position(|c| c == first).map_or(0, |n| n + 1);
    }
    if !is_token_char(first) {
        return 1;
    }
    1 + rest.take_while(|c| is_token_char(*c)).count()
}

fn is_token_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '@' | '.' | '/')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Code, Position};

    fn sample() -> Diagnostic {
        Diagnostic::new(
            Code::FrontmatterUnknownField,
            "content/a.md",
            Position::new(3, 1),
            "unknown field `reveiw`",
        )
        .with_hint("did you mean `review`?")
    }

    #[test]
    fn human_report_quotes_and_underlines_the_line() {
        let text = "---\nquestion: \"Why?\"\nreveiw: x\n---\n";
        let out = render_report(&[sample()], Format::Human, false, |_| Some(text));
        assert!(out.contains("error[frontmatter/unknown-field]: unknown field `reveiw`"));
        assert!(out.contains(" --> content/a.md:3:1"));
        assert!(out.contains("3 | reveiw: x\n  | ^^^^^^\n"), "{out}");
        assert!(out.contains("= hint: did you mean `review`?"));
        assert!(out.ends_with("1 error, 0 warnings\n"));
    }

    #[test]
    fn json_report_has_the_designed_shape() {
        let out = render_report(&[sample()], Format::Json, false, |_| None);
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value["diagnostics"][0]["code"], "frontmatter/unknown-field");
        assert_eq!(value["diagnostics"][0]["line"], 3);
        assert_eq!(value["diagnostics"][0]["hint"], "did you mean `review`?");
        assert_eq!(value["summary"]["errors"], 1);
        assert_eq!(value["summary"]["warnings"], 0);
    }

    #[test]
    fn github_annotations_escape_newlines() {
        let out = render_report(&[sample()], Format::Github, false, |_| None);
        assert_eq!(
            out,
            "::error file=content/a.md,line=3,col=1,title=frontmatter/unknown-field::unknown field `reveiw`%0Ahint: did you mean `review`?\n"
        );
    }
}
