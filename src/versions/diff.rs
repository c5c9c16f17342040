//! A readable diff of two texts as HTML: changed lines with three lines of context, and
//! inside a changed line the words that changed, in `<del>` and `<ins>`. Every character
//! of either text is escaped.

use crate::html::escape_into;
use similar::{ChangeTag, InlineChangeOptions, TextDiff};
use std::fmt::Write as _;

/// Lines of unchanged text shown around each change.
const CONTEXT: usize = 3;

pub struct Diff {
    /// Trusted HTML (`<div class="diff">…`), empty when the texts are the same.
    pub html: String,
    pub added: usize,
    pub removed: usize,
}

/// The changes from `old` to `new`, line by line with word-level highlights.
pub fn diff_html(old: &str, new: &str) -> Diff {
    let diff = TextDiff::from_lines(old, new);
    let mut options = InlineChangeOptions::new();
    options.semantic_cleanup(true);
    let mut html = String::new();
    let (mut added, mut removed) = (0, 0);
    for group in diff.grouped_ops(CONTEXT) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let (from, to) = (
            first.new_range().start + 1,
            last.new_range().end.max(first.new_range().start + 1),
        );
        let _ = write!(
            html,
            "<div class=\"diff__hunk\"><p class=\"diff__where\">{}</p><pre class=\"diff__lines\"><code>",
            if from == to {
                format!("Line {from}")
            } else {
                format!("Lines {from}\u{2013}{to}")
            }
        );
        for op in &group {
            // No deadline: a time limit would make the output depend on the machine's load,
            // and identical input must give identical pages.
            for change in diff.iter_inline_changes_with_options_deadline(op, options, None) {
                let (class, sign, label, mark) = match change.tag() {
                    ChangeTag::Equal => ("same", " ", "", ""),
                    ChangeTag::Delete => {
                        removed += 1;
                        ("del", "\u{2212}", "Removed: ", "del")
                    }
                    ChangeTag::Insert => {
                        added += 1;
                        ("ins", "+", "Added: ", "ins")
                    }
                };
                let segments: Vec<(bool, String)> = change
                    .iter_strings_lossy()
                    .map(|(emphasized, text)| (emphasized, text.into_owned()))
                    .collect();
                let whole = !mark.is_empty()
                    && !segments
                        .iter()
                        .any(|(emphasized, text)| *emphasized && !text.trim().is_empty());
                let _ = write!(
                    html,
                    "<span class=\"diff__line diff__line--{class}\"><span class=\"diff__sign\" aria-hidden=\"true\">{sign}</span>"
                );
                if !label.is_empty() {
                    let _ = write!(html, "<span class=\"visually-hidden\">{label}</span>");
                }
                if whole {
                    let _ = write!(html, "<{mark}>");
                }
                let count = segments.len();
                for (i, (emphasized, text)) in segments.into_iter().enumerate() {
                    let text = if i + 1 == count {
                        text.trim_end_matches(['\n', '\r']).to_string()
                    } else {
                        text
                    };
                    if emphasized && !whole && !mark.is_empty() && !text.is_empty() {
                        let _ = write!(html, "<{mark}>");
                        escape_into(&mut html, &text);
                        let _ = write!(html, "</{mark}>");
                    } else {
                        escape_into(&mut html, &text);
                    }
                }
                if whole {
                    let _ = write!(html, "</{mark}>");
                }
                html.push_str("</span>\n");
            }
        }
        html.push_str("</code></pre></div>\n");
    }
    if !html.is_empty() {
        html = format!("<div class=\"diff\">\n{html}</div>");
    }
    Diff { html, added, removed }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_number_is_marked_inside_its_line() {
        let diff = diff_html("a\nTake 40 mg daily.\nb\n", "a\nTake 80 mg daily.\nb\n");
        assert!(diff.html.contains("<del>40</del>"), "{}", diff.html);
        assert!(diff.html.contains("<ins>80</ins>"), "{}", diff.html);
        assert_eq!((diff.added, diff.removed), (1, 1));
    }

    #[test]
    fn whole_new_lines_are_inserted_as_a_whole() {
        let diff = diff_html("a\n", "a\nnew line\n");
        assert!(diff.html.contains("<ins>new line</ins>"), "{}", diff.html);
        assert_eq!((diff.added, diff.removed), (1, 0));
    }

    #[test]
    fn escapes_both_texts() {
        let diff = diff_html("<script>x</script>\n", "<b onclick=\"y\">\n");
        assert!(
            !diff.html.contains("<script>") && !diff.html.contains("<b "),
            "{}",
            diff.html
        );
        assert!(diff.html.contains("&lt;script&gt;"));
    }

    #[test]
    fn identical_texts_give_nothing() {
        let diff = diff_html("same\n", "same\n");
        assert!(diff.html.is_empty());
    }

    #[test]
    fn distant_changes_fall_in_separate_hunks_with_context() {
        let old: String = (1..=30).map(|n| format!("line {n}\n")).collect();
        let new = old.replace("line 2\n", "line two\n").replace("line 28\n", "line 28b\n");
        let diff = diff_html(&old, &new);
        assert_eq!(diff.html.matches("diff__hunk").count(), 2, "{}", diff.html);
        assert!(!diff.html.contains("line 15\n"), "far from both changes");
    }
}
