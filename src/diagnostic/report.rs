//! Printing findings for people (rustc-style, with the offending line) and machines.

use super::cap::{Shown, capped};
use super::terminal::{self, Keep, escape};
use super::{Diagnostic, Findings, Severity, Summary};
use std::io::{self, Write};

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

/// Renders all findings in one format into a string; for small reports (the live preview,
/// tests). Commands print through `write_report`, which never holds the whole report.
pub fn render_report<'a>(
    diagnostics: &[Diagnostic],
    format: Format,
    color: bool,
    source_of: impl Fn(&str) -> Option<&'a str>,
) -> String {
    let mut out = Vec::new();
    // Writing into a `Vec` cannot fail.
    let _ = write_report(&mut out, diagnostics, format, color, source_of);
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes a list of findings in one format. `source_of` returns a file's text (relative
/// path as in the diagnostic) so that human output can quote the offending line.
pub fn write_report<'a>(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    format: Format,
    color: bool,
    source_of: impl Fn(&str) -> Option<&'a str>,
) -> io::Result<()> {
    let lines = |file: &str, line: u32| {
        source_of(file)
            .and_then(|text| nth_line(text, line))
            .map(str::to_string)
    };
    write_report_quoting(out, &Findings::from(diagnostics.to_vec()), format, color, lines)
}

/// Writes a build's findings in one format as it goes, each read back when it is reached,
/// so that the memory used does not grow with the number of findings: `line_of(file, line)`
/// gives the line to quote. It is asked in the findings' order (by file), so it can read
/// each file once and keep only the last (`crate::load::quoted::Quoted::lines`).
pub fn write_report_quoting(
    out: &mut dyn Write,
    diagnostics: &Findings,
    format: Format,
    color: bool,
    line_of: impl FnMut(&str, u32) -> Option<String>,
) -> io::Result<()> {
    match format {
        Format::Human => write_human(out, diagnostics, color, line_of),
        Format::Json => write_json(out, diagnostics),
        Format::Github => write_github(out, diagnostics),
        Format::Sarif => super::sarif::write_sarif(out, diagnostics),
    }
}

fn write_json(out: &mut dyn Write, diagnostics: &Findings) -> io::Result<()> {
    #[derive(serde::Serialize)]
    struct Report<'a> {
        diagnostics: Listed<'a>,
        summary: Summary,
    }
    /// The findings, each made as it is written.
    struct Listed<'a>(&'a Findings);
    impl serde::Serialize for Listed<'_> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_seq(self.0.iter())
        }
    }
    let report = Report {
        diagnostics: Listed(diagnostics),
        summary: diagnostics.summary(),
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    out.write_all(b"\n")
}

fn write_github(out: &mut dyn Write, diagnostics: &Findings) -> io::Result<()> {
    // GitHub shows only the first few annotations of each kind, so errors go first.
    let errors = diagnostics.iter_severity(Severity::Error);
    for d in errors.chain(diagnostics.iter_severity(Severity::Warning)) {
        let mut message = d.message.clone();
        if let Some(hint) = &d.hint {
            message.push_str("\nhint: ");
            message.push_str(hint);
        }
        writeln!(
            out,
            "::{} file={},line={},col={},title={}::{}",
            d.severity.as_str(),
            escape_github_property(&d.file),
            d.line,
            d.column,
            escape_github_property(d.code.as_str()),
            escape_github_data(&message)
        )?;
    }
    Ok(())
}

/// The workflow log is a terminal too: escape sequences from content are shown as text.
fn escape_github_data(text: &str) -> String {
    escape(text, Keep::LineBreaksAndTabs)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
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

fn write_human(
    out: &mut dyn Write,
    diagnostics: &Findings,
    color: bool,
    mut line_of: impl FnMut(&str, u32) -> Option<String>,
) -> io::Result<()> {
    let p = if color { &COLORS } else { &PLAIN };
    for shown in capped(diagnostics.iter()) {
        match shown {
            Shown::Finding(d) => write_finding(out, p, &d, line_of(&d.file, d.line).as_deref())?,
            Shown::Omitted { file, code, count } => writeln!(
                out,
                "{}note{}: {count} more [{code}] {} in {} not shown (`--format json` lists all)\n",
                p.bold,
                p.reset,
                plural(count, "finding", "findings"),
                escape(&file, Keep::Nothing),
            )?,
        }
    }
    let summary = diagnostics.summary();
    if summary.errors + summary.warnings > 0 {
        writeln!(
            out,
            "{}{} {}, {} {}{}",
            p.bold,
            summary.errors,
            plural(summary.errors, "error", "errors"),
            summary.warnings,
            plural(summary.warnings, "warning", "warnings"),
            p.reset
        )?;
    }
    Ok(())
}

fn write_finding(out: &mut dyn Write, p: &Palette, d: &Diagnostic, line_text: Option<&str>) -> io::Result<()> {
    let (label, tint) = match d.severity {
        Severity::Error => ("error", p.error),
        Severity::Warning => ("warning", p.warning),
    };
    writeln!(
        out,
        "{tint}{label}[{}]{reset}{bold}: {}{reset}",
        d.code,
        escape(&d.message, Keep::LineBreaksAndTabs),
        reset = p.reset,
        bold = p.bold
    )?;
    let gutter = " ".repeat(d.line.to_string().len());
    writeln!(
        out,
        "{gutter}{}-->{} {}:{}:{}",
        p.accent,
        p.reset,
        escape(&d.file, Keep::Nothing),
        d.line,
        d.column
    )?;
    if let Some(line_text) = line_text {
        let quote = Quote::of(line_text, d.column.max(1) as usize);
        writeln!(out, "{gutter} {}|{}", p.accent, p.reset)?;
        writeln!(out, "{}{} |{} {}", p.accent, d.line, p.reset, quote.text)?;
        writeln!(
            out,
            "{gutter} {}|{} {}{tint}{}{reset}",
            p.accent,
            p.reset,
            " ".repeat(quote.pad),
            "^".repeat(quote.width),
            reset = p.reset
        )?;
    }
    if let Some(hint) = &d.hint {
        writeln!(
            out,
            "{gutter} {}={} {}hint{}: {}",
            p.accent,
            p.reset,
            p.bold,
            p.reset,
            escape(hint, Keep::LineBreaksAndTabs)
        )?;
    }
    writeln!(out)
}

/// At most this many cells of a source line are quoted; a longer line is cut around the
/// column with `…`, as rustc does, so that a 250 KB line is not printed once per finding.
const QUOTE_WIDTH: usize = 100;
/// How much of the line before the column a cut quote keeps.
const QUOTE_CONTEXT_BEFORE: usize = 30;

/// The part of a source line that is printed, with the caret's offset and width in cells.
struct Quote {
    text: String,
    pad: usize,
    width: usize,
}

impl Quote {
    fn of(line: &str, column: usize) -> Quote {
        let shown_width = |c: char| {
            if c == '\t' {
                4
            } else {
                terminal::shown_width(c, Keep::Nothing)
            }
        };
        let caret = column - 1;
        let pad: usize = line.chars().take(caret).map(shown_width).sum();
        let underlined = token_width(line.chars().skip(caret));
        let width: usize = line
            .chars()
            .skip(caret)
            .take(underlined)
            .map(shown_width)
            .sum::<usize>()
            .max(1);
        let start = if line.chars().map(shown_width).sum::<usize>() <= QUOTE_WIDTH {
            0
        } else {
            pad.saturating_sub(QUOTE_CONTEXT_BEFORE)
        };
        let mut text = String::new();
        let mut offset = 0;
        let mut skipped = 0;
        let mut cut_end = false;
        for c in line.chars() {
            let cells = shown_width(c);
            if offset < start {
                offset += cells;
                skipped = offset;
                continue;
            }
            if offset + cells > start + QUOTE_WIDTH {
                cut_end = true;
                break;
            }
            if c == '\t' {
                text.push_str("    ");
            } else {
                terminal::push_shown(&mut text, c, Keep::Nothing);
            }
            offset += cells;
        }
        let lead = usize::from(skipped > 0);
        if skipped > 0 {
            text.insert(0, '…');
        }
        if cut_end {
            text.push('…');
        }
        let pad = pad.saturating_sub(skipped) + lead;
        let room = (offset - skipped + lead + usize::from(cut_end))
            .saturating_sub(pad)
            .max(1);
        Quote {
            text,
            pad,
            width: width.min(room),
        }
    }
}

fn plural<'s>(n: usize, one: &'s str, many: &'s str) -> &'s str {
    if n == 1 { one } else { many }
}

/// Line `line` (1-based) of `text`, without its line break.
pub fn nth_line(text: &str, line: u32) -> Option<&str> {
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

    #[test]
    fn github_annotations_escape_control_characters() {
        let d = Diagnostic::new(
            Code::CitationSyntax,
            "content/\x1b[31m.md",
            Position::START,
            "a \x1b]0;x\x07 b",
        );
        let out = render_report(&[d], Format::Github, false, |_| None);
        assert!(!out.contains('\x1b') && !out.contains('\x07'), "{out:?}");
        assert!(out.contains("file=content/\\u{1b}[31m.md,"), "{out}");
        assert!(out.contains("::a \\u{1b}]0;x\\u{7} b"), "{out}");
    }

    fn finding(code: Code, file: &str, line: u32, column: u32) -> Diagnostic {
        Diagnostic::new(code, file, Position::new(line, column), "message")
    }

    #[test]
    fn a_long_line_is_quoted_as_a_window_around_the_column() {
        let line = format!("{} @target {}", "a".repeat(5_000), "b".repeat(5_000));
        let d = finding(Code::CitationSyntax, "content/a.md", 1, 5_002);
        let out = render_report(&[d], Format::Human, false, |_| Some(line.as_str()));
        let quoted = out.lines().find(|l| l.starts_with("1 | ")).unwrap();
        let caret = out.lines().find(|l| l.contains('^')).unwrap();
        assert!(quoted.chars().count() <= 4 + QUOTE_WIDTH + 2, "{quoted}");
        assert!(quoted.starts_with("1 | …a") && quoted.ends_with("b…"), "{quoted}");
        // The caret stands under `@target`, whatever was cut before it.
        let at = caret.find('^').unwrap();
        let quoted_chars: Vec<char> = quoted.chars().collect();
        let caret_chars = caret[..at].chars().count();
        let underlined: String = quoted_chars[caret_chars..caret_chars + 7].iter().collect();
        assert_eq!(underlined, "@target", "{quoted}\n{caret}");
        assert_eq!(caret.matches('^').count(), 7);
    }

    #[test]
    fn a_short_line_is_quoted_whole() {
        let line = "x ".repeat(40);
        let d = finding(Code::CitationSyntax, "content/a.md", 1, 79);
        let out = render_report(&[d], Format::Human, false, |_| Some(line.as_str()));
        assert!(out.contains(&format!("1 | {line}\n")), "{out}");
        assert!(out.contains(&format!("  | {}^\n", " ".repeat(78))), "{out}");
    }

    #[test]
    fn findings_beyond_the_cap_are_counted_not_printed() {
        let mut all: Vec<Diagnostic> = (1..=25)
            .map(|n| finding(Code::CitationSyntax, "content/a.md", 1, n))
            .collect();
        all.push(finding(Code::CitationUnused, "content/a.md", 2, 1));
        all.extend((1..=3).map(|n| finding(Code::CitationSyntax, "content/b.md", 1, n)));
        let out = render_report(&all, Format::Human, false, |_| Some("text"));
        assert_eq!(
            out.matches("error[citation/syntax]").count(),
            crate::diagnostic::cap::SHOWN_PER_CODE_AND_FILE + 3
        );
        assert_eq!(out.matches("warning[citation/unused]").count(), 1);
        assert!(
            out.contains("note: 15 more [citation/syntax] findings in content/a.md not shown"),
            "{out}"
        );
        assert_eq!(out.matches("note:").count(), 1, "{out}");
        assert!(out.ends_with("28 errors, 1 warning\n"), "{out}");
    }

    #[test]
    fn control_characters_from_content_and_file_names_are_escaped() {
        let text = "evil \x1b]0;pwned\x07 text \u{202e}gnp.exe\n";
        let d = Diagnostic::new(
            Code::CitationSyntax,
            "content/\x1b[31mred.md",
            Position::new(1, 1),
            "quoted `\x1b[2J`",
        )
        .with_hint("hint \u{9b}1m");
        let out = render_report(&[d], Format::Human, false, |_| Some(text));
        assert!(
            !out.contains('\x1b') && !out.contains('\u{9b}') && !out.contains('\u{202e}'),
            "{out:?}"
        );
        assert!(out.contains("--> content/\\u{1b}[31mred.md:1:1"), "{out}");
        assert!(
            out.contains("1 | evil \\u{1b}]0;pwned\\u{7} text \\u{202e}gnp.exe\n"),
            "{out}"
        );
        assert!(out.contains("quoted `\\u{1b}[2J`"), "{out}");
        assert!(out.contains("hint \\u{9b}1m"), "{out}");
    }

    #[test]
    fn the_caret_stays_under_the_column_after_escapes() {
        let text = "\x1b\x1b @key";
        let d = finding(Code::CitationSyntax, "content/a.md", 1, 4);
        let out = render_report(&[d], Format::Human, false, |_| Some(text));
        assert!(
            out.contains("1 | \\u{1b}\\u{1b} @key\n  | ") && out.contains(&format!("  | {}^^^^\n", " ".repeat(13))),
            "{out}"
        );
    }
}
