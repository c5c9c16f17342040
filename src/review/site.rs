//! The site around the articles — theme and templates — judged for what it could make a
//! page claim about review. Stylesheets can put words on a page that no HTML holds
//! (`content:`) and hide words that it does: the page guard (`render::banner`) cannot see
//! either, so the theme's stylesheets are read here.

use crate::diagnostic::{Code, Diagnostic, Position};
use std::path::Path;

/// Selectors naming these reach Evident's banner and review tracker.
const BANNER_NAMES: [&str; 2] = ["review", "tracker"];

/// Every finding about the site's own stylesheets (`theme/**/*.css`).
pub fn check_theme(root: &Path) -> Vec<Diagnostic> {
    let dir = root.join("theme");
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name().into_iter().flatten() {
        let is_css = entry.path().extension().is_some_and(|e| e.eq_ignore_ascii_case("css"));
        if !entry.file_type().is_file() || !is_css {
            continue;
        }
        let Ok(bytes) = std::fs::read(entry.path()) else {
            // An unreadable theme file fails the build when it is copied, with its reason.
            continue;
        };
        let file = format!("theme/{}", crate::load::rel_path(&dir, entry.path()));
        findings.extend(check_stylesheet(&String::from_utf8_lossy(&bytes)).into_iter().map(|problem| {
            Diagnostic::new(Code::ReviewBannerStyle, &file, problem.at, problem.message).with_hint(
                "the review banner's words are in the page's HTML, where the build can check them: put words in the templates, and style the banner without hiding or replacing its text",
            )
        }));
    }
    findings
}

#[derive(Debug, PartialEq, Eq)]
pub struct StyleProblem {
    pub at: Position,
    pub message: String,
}

/// One rule of a stylesheet: its selector, its declarations, and where it starts.
struct Rule<'s> {
    selector: &'s str,
    declarations: &'s str,
    at: Position,
}

/// The problems of one stylesheet: generated text with words in it anywhere, and any way of
/// hiding text on a rule that names the banner.
pub fn check_stylesheet(css: &str) -> Vec<StyleProblem> {
    let css = strip_comments(css);
    let mut problems = Vec::new();
    for rule in rules(&css) {
        let selector = rule.selector.to_ascii_lowercase();
        let on_banner = BANNER_NAMES.iter().any(|name| selector.contains(name));
        for declaration in rule.declarations.split(';') {
            let Some((property, value)) = declaration.split_once(':') else {
                continue;
            };
            let property = property.trim().to_ascii_lowercase();
            let value = value.trim();
            if property == "content" && generates_words(value) {
                problems.push(StyleProblem {
                    at: rule.at,
                    message: format!(
                        "`{}` puts words on the page through `content: {value}`; words a stylesheet adds could say a page was reviewed, and no check could see them",
                        rule.selector.trim()
                    ),
                });
            } else if on_banner && hides_text(&property, value) {
                problems.push(StyleProblem {
                    at: rule.at,
                    message: format!(
                        "`{}` hides or moves the review banner's text (`{property}: {value}`): a reader could no longer see whether the page was reviewed",
                        rule.selector.trim()
                    ),
                });
            }
        }
    }
    problems
}

/// Comments replaced by spaces of the same extent, so that positions stay true.
fn strip_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.find("*/").map_or(after.len(), |e| e + 2);
        out.extend(after[..end].chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The innermost rules of a stylesheet (those inside `@media` included), in order.
fn rules(css: &str) -> Vec<Rule<'_>> {
    let mut found = Vec::new();
    let mut start = 0;
    let mut selector: Option<(usize, usize)> = None;
    for (i, c) in css.char_indices() {
        match c {
            '{' => {
                selector = Some((start, i));
                start = i + 1;
            }
            '}' => {
                if let Some((from, to)) = selector.take() {
                    let selector_text = &css[from..to];
                    let leading = selector_text.len() - selector_text.trim_start().len();
                    found.push(Rule {
                        selector: selector_text,
                        declarations: &css[start..i],
                        at: position_of(css, from + leading),
                    });
                }
                start = i + 1;
            }
            ';' if selector.is_none() => start = i + 1,
            _ => {}
        }
    }
    found
}

fn position_of(text: &str, offset: usize) -> Position {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Position::new(
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// Whether a `content` value's strings hold a letter, once CSS escapes are decoded:
/// icons and punctuation (`"✓"`, `" <"`) are not words.
fn generates_words(value: &str) -> bool {
    let mut chars = value.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (Some(_), '\\') => {
                let mut hex = String::new();
                while let Some(&h) = chars.peek() {
                    if h.is_ascii_hexdigit() && hex.len() < 6 {
                        hex.push(h);
                        chars.next();
                    } else {
                        break;
                    }
                }
                let decoded = if hex.is_empty() {
                    chars.next()
                } else {
                    u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                };
                if decoded.is_some_and(char::is_alphabetic) {
                    return true;
                }
            }
            (Some(_), c) if c.is_alphabetic() => return true,
            _ => {}
        }
    }
    false
}

/// Declarations that make text unreadable while leaving it in the HTML.
fn hides_text(property: &str, value: &str) -> bool {
    let value = value.to_ascii_lowercase();
    let value = value.trim_end_matches("!important").trim();
    let zero = value
        .trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '%')
        .parse::<f64>()
        .is_ok_and(|n| n == 0.0);
    match property {
        "display" => value == "none",
        "visibility" => value == "hidden" || value == "collapse",
        "opacity" | "font-size" | "max-height" | "height" | "line-height" => zero,
        "color" | "-webkit-text-fill-color" => value == "transparent",
        "text-indent" | "clip" | "clip-path" | "transform" | "content-visibility" => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(css: &str) -> Vec<(u32, u32)> {
        check_stylesheet(css)
            .into_iter()
            .map(|p| (p.at.line, p.at.column))
            .collect()
    }

    #[test]
    fn the_built_in_theme_passes() {
        for (name, bytes) in crate::embedded::THEME {
            if name.ends_with(".css") {
                assert_eq!(check_stylesheet(&String::from_utf8_lossy(bytes)), Vec::new(), "{name}");
            }
        }
    }

    #[test]
    fn three_rules_that_make_a_pending_banner_read_reviewed_are_refused() {
        let css = ".review-banner--pending { color: green; }\n\
                   .review-banner--pending .review-banner__title { font-size: 0 }\n\
                   .review-banner--pending .review-banner__title::after { content: \"Medically reviewed\"; font-size: 1rem }\n";
        assert_eq!(messages(css), vec![(2, 1), (3, 1)]);
    }

    #[test]
    fn words_in_generated_text_are_found_through_escapes_and_anywhere() {
        assert!(generates_words("\"\\4d edically\""));
        assert!(generates_words("'Reviewed'"));
        assert!(!generates_words("\"✓\" / \"\""));
        assert!(!generates_words("\" <\" attr(href) \">\""));
        assert_eq!(
            messages("@media print {\n  h1::before { content: \"ok\" }\n}"),
            vec![(2, 3)]
        );
    }

    #[test]
    fn hiding_text_counts_only_on_the_banner_and_comments_do_not() {
        assert_eq!(messages(".sidebar { display: none }"), Vec::<(u32, u32)>::new());
        assert_eq!(
            messages("/* .review { display: none } */ p { color: red }"),
            Vec::<(u32, u32)>::new()
        );
        assert_eq!(
            messages("a{}\n#review-banner-title { opacity: 0 !important }"),
            vec![(2, 1)]
        );
        assert_eq!(messages(".tracker { visibility: hidden }"), vec![(1, 1)]);
    }
}
