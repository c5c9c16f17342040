//! A readable diff of two texts as HTML: changed lines with a line of context, and inside
//! a changed line the words that changed, in `<del>` and `<ins>`, shown once. Every
//! character of either text is escaped. Fed with `reader_text`, a line is a paragraph,
//! bullet or reference, so a changed number reads as one passage with that number changed.

use crate::html::escape_into;
use similar::{ChangeTag, DiffOp, TextDiff};
use std::fmt::Write as _;

/// Lines of unchanged text shown around each change.
const CONTEXT: usize = 1;

/// Below this share of unchanged words a replaced line is shown as removed and added: a
/// rewritten passage marked word by word reads as noise.
const SIMILAR_ENOUGH: f32 = 0.4;

pub struct Diff {
    /// Trusted HTML (`<div class="diff">…`), empty when the texts are the same.
    pub html: String,
    /// Lines only in the new text, only in the old one, and in both with words changed.
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
}

/// The changes from `old` to `new`, line by line, a changed line shown once with its
/// changed words marked.
pub fn diff_html(old: &str, new: &str) -> Diff {
    let diff = TextDiff::from_lines(old, new);
    let old_lines: Vec<&str> = diff.iter_old_slices().collect();
    let new_lines: Vec<&str> = diff.iter_new_slices().collect();
    let mut out = Diff {
        html: String::new(),
        added: 0,
        removed: 0,
        changed: 0,
    };
    for group in diff.grouped_ops(CONTEXT) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let (from, to) = (
            first.new_range().start + 1,
            last.new_range().end.max(first.new_range().start + 1),
        );
        let _ = write!(
            out.html,
            "<div class=\"diff__hunk\"><p class=\"diff__where\">{}</p><pre class=\"diff__lines\"><code>",
            if from == to {
                format!("Passage {from}")
            } else {
                format!("Passages {from}\u{2013}{to}")
            }
        );
        for op in &group {
            let (old_range, new_range) = (op.old_range(), op.new_range());
            match *op {
                DiffOp::Equal { .. } => {
                    for line in &new_lines[new_range] {
                        whole_line(&mut out.html, "same", line);
                    }
                }
                DiffOp::Delete { .. } => {
                    for line in &old_lines[old_range] {
                        out.removed += 1;
                        whole_line(&mut out.html, "del", line);
                    }
                }
                DiffOp::Insert { .. } => {
                    for line in &new_lines[new_range] {
                        out.added += 1;
                        whole_line(&mut out.html, "ins", line);
                    }
                }
                DiffOp::Replace { .. } => {
                    let (old_part, new_part) = (&old_lines[old_range], &new_lines[new_range]);
                    let paired = old_part.len().min(new_part.len());
                    for (a, b) in old_part.iter().zip(new_part) {
                        let words = TextDiff::from_words(strip_end(a), strip_end(b));
                        if shared_words(&words) >= SIMILAR_ENOUGH {
                            out.changed += 1;
                            changed_line(&mut out.html, &words);
                        } else {
                            out.removed += 1;
                            out.added += 1;
                            whole_line(&mut out.html, "del", a);
                            whole_line(&mut out.html, "ins", b);
                        }
                    }
                    for line in &old_part[paired..] {
                        out.removed += 1;
                        whole_line(&mut out.html, "del", line);
                    }
                    for line in &new_part[paired..] {
                        out.added += 1;
                        whole_line(&mut out.html, "ins", line);
                    }
                }
            }
        }
        out.html.push_str("</code></pre></div>\n");
    }
    if !out.html.is_empty() {
        out.html = format!("<div class=\"diff\">\n{}</div>", out.html);
    }
    out
}

impl Diff {
    /// "2 passages changed, 1 added": what the diff holds, in words.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        let passages = |n: usize| {
            if n == 1 {
                "1 passage".to_string()
            } else {
                format!("{n} passages")
            }
        };
        if self.changed > 0 {
            parts.push(format!("{} changed", passages(self.changed)));
        }
        if self.added > 0 {
            parts.push(format!("{} added", passages(self.added)));
        }
        if self.removed > 0 {
            parts.push(format!("{} removed", passages(self.removed)));
        }
        if parts.is_empty() {
            "no change".to_string()
        } else {
            parts.join(", ")
        }
    }
}

/// The share of words (not the spaces between them) the two sides have in common.
fn shared_words(words: &TextDiff<'_, '_, str>) -> f32 {
    let (mut same, mut old, mut new) = (0usize, 0usize, 0usize);
    for change in words.iter_all_changes() {
        if change.value().trim().is_empty() {
            continue;
        }
        match change.tag() {
            ChangeTag::Equal => {
                same += 1;
                old += 1;
                new += 1;
            }
            ChangeTag::Delete => old += 1,
            ChangeTag::Insert => new += 1,
        }
    }
    let longer = old.max(new);
    if longer == 0 {
        return 1.0;
    }
    // Word counts of a line are far below f32's exact integer range.
    same as f32 / longer as f32
}

fn strip_end(line: &str) -> &str {
    line.trim_end_matches(['\n', '\r'])
}

/// One line of the diff. Lines are block elements with no newline between them: inside
/// `<pre>`, a newline after a block line would show as an empty line under it.
fn whole_line(html: &mut String, class: &str, line: &str) {
    let (sign, label) = match class {
        "del" => ("\u{2212}", "Removed: "),
        "ins" => ("+", "Added: "),
        _ => (" ", ""),
    };
    let _ = write!(
        html,
        "<span class=\"diff__line diff__line--{class}\"><span class=\"diff__sign\" aria-hidden=\"true\">{sign}</span>"
    );
    if !label.is_empty() {
        let _ = write!(html, "<span class=\"visually-hidden\">{label}</span><{class}>");
    }
    escape_into(html, strip_end(line));
    if !label.is_empty() {
        let _ = write!(html, "</{class}>");
    }
    html.push_str("</span>");
}

/// A line in both texts with some words changed: shown once, removed words in `<del>`,
/// added ones in `<ins>`.
fn changed_line(html: &mut String, words: &TextDiff<'_, '_, str>) {
    html.push_str(
        "<span class=\"diff__line diff__line--changed\"><span class=\"diff__sign\" aria-hidden=\"true\">~</span><span class=\"visually-hidden\">Changed: </span>",
    );
    let mut open: Option<&str> = None;
    for change in words.iter_all_changes() {
        let mark = match change.tag() {
            ChangeTag::Equal => None,
            ChangeTag::Delete => Some("del"),
            ChangeTag::Insert => Some("ins"),
        };
        if open != mark {
            if let Some(tag) = open {
                let _ = write!(html, "</{tag}>");
            }
            if let Some(tag) = mark {
                let _ = write!(html, "<{tag}>");
            }
            open = mark;
        }
        escape_into(html, change.value());
    }
    if let Some(tag) = open {
        let _ = write!(html, "</{tag}>");
    }
    html.push_str("</span>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_number_is_marked_inside_its_line() {
        let diff = diff_html("a\nTake 40 mg daily.\nb\n", "a\nTake 80 mg daily.\nb\n");
        assert!(
            diff.html.contains("Take <del>40</del><ins>80</ins> mg daily."),
            "{}",
            diff.html
        );
        assert_eq!((diff.added, diff.removed, diff.changed), (0, 0, 1), "shown once");
        assert_eq!(diff.html.matches("daily.").count(), 1, "{}", diff.html);
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
        assert!(!diff.html.contains("line 15"), "far from both changes");
    }

    #[test]
    fn lines_follow_each_other_without_blank_lines_between() {
        let diff = diff_html("a\nb\nc\n", "a\nB\nc\n");
        assert!(!diff.html.contains("</span>\n<span"), "{}", diff.html);
    }

    #[test]
    fn a_rewritten_line_is_shown_removed_and_added() {
        let diff = diff_html(
            "x\nThe old sentence said one thing.\n",
            "x\nEntirely different words here now.\n",
        );
        assert_eq!((diff.added, diff.removed, diff.changed), (1, 1, 0));
    }
}
