//! Code highlighting with CSS classes (`hl-*`), so the theme decides the colours and dark
//! mode needs no second pass.

use crate::html::escape;
use std::sync::OnceLock;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// Loading the syntax definitions costs milliseconds, so only a site with code pays it.
fn syntaxes() -> &'static SyntaxSet {
    static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Renders a fenced code block; unknown languages are shown escaped, unhighlighted.
pub fn highlight_code_block(code: &str, language: &str) -> String {
    let language = language.split_whitespace().next().unwrap_or("");
    let lang_attr = escape(language);
    let body = (!language.is_empty())
        .then(|| highlight(code, language))
        .flatten()
        .unwrap_or_else(|| escape(code));
    if lang_attr.is_empty() {
        format!("<pre class=\"code\"><code>{body}</code></pre>\n")
    } else {
        format!("<pre class=\"code\" data-lang=\"{lang_attr}\"><code>{body}</code></pre>\n")
    }
}

fn highlight(code: &str, language: &str) -> Option<String> {
    let set = syntaxes();
    let syntax = set.find_syntax_by_token(language)?;
    let mut generator =
        ClassedHTMLGenerator::new_with_class_style(syntax, set, ClassStyle::SpacedPrefixed { prefix: "hl-" });
    for line in LinesWithEndings::from(code) {
        generator.parse_html_for_line_which_includes_newline(line).ok()?;
    }
    Some(generator.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_known_languages_with_classes() {
        let html = highlight_code_block("fn main() {}\n", "rust");
        assert!(html.starts_with("<pre class=\"code\" data-lang=\"rust\"><code>"));
        assert!(html.contains("class=\"hl-"), "{html}");
    }

    #[test]
    fn escapes_unknown_languages() {
        let html = highlight_code_block("<b>x</b>\n", "no-such-language");
        assert!(html.contains("&lt;b&gt;x&lt;/b&gt;"));
    }
}
