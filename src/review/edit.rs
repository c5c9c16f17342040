//! Rewriting the `review:` block of an article in place. Every other byte of the file —
//! comments, key order, quoting, line endings — stays exactly as the editor left it.

use crate::load::split::split_front_matter;
use crate::parse::front_matter::Review;

/// The file text with its `review:` block replaced by `review` (or added at the end of
/// the front matter when the article has none).
pub fn replace_review_block(text: &str, review: &Review) -> Result<String, String> {
    let split = split_front_matter(text).map_err(|e| e.message.to_string())?;
    let fm_start = split.front_matter.as_ptr() as usize - text.as_ptr() as usize;
    let fm_end = fm_start + split.front_matter.len();
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let block = serialize_review(review, newline);

    let (start, end) = match find_review_block(split.front_matter) {
        Some((start, end)) => (fm_start + start, fm_start + end),
        None => (fm_end, fm_end),
    };
    let mut out = String::with_capacity(text.len() + block.len());
    out.push_str(&text[..start]);
    if start == fm_end && !out.ends_with('\n') && !out.ends_with("---") {
        out.push_str(newline);
    }
    out.push_str(&block);
    out.push_str(&text[end..]);
    Ok(out)
}

/// Byte range of the top-level `review:` key and its indented lines, without the blank
/// lines or comments that follow it.
fn find_review_block(front_matter: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    let mut start = None;
    let mut end = 0;
    for line in front_matter.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let indented = content.starts_with([' ', '\t']);
        let blank = content.trim().is_empty();
        match start {
            None if is_review_key(content) => {
                start = Some(offset);
                end = offset + line.len();
            }
            Some(_) if indented && !content.trim_start().starts_with('#') => end = offset + line.len(),
            Some(_) if blank || indented => {}
            Some(_) => break,
            None => {}
        }
        offset += line.len();
    }
    start.map(|s| (s, end))
}

fn is_review_key(line: &str) -> bool {
    let unquoted = line.strip_prefix(['"', '\'']).unwrap_or(line);
    unquoted
        .strip_prefix("review")
        .map(|rest| rest.strip_prefix(['"', '\'']).unwrap_or(rest))
        .is_some_and(|rest| rest.trim_start().starts_with(':'))
}

fn quote(text: &str) -> String {
    // A JSON string is a valid YAML double-quoted scalar.
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

pub fn serialize_review(review: &Review, nl: &str) -> String {
    let mut out = format!("review:{nl}  status: {}{nl}", review.status.as_str());
    if let Some(submitted) = review.submitted {
        out.push_str(&format!("  submitted: {submitted}{nl}"));
    }
    if !review.reviewers.is_empty() {
        out.push_str(&format!("  reviewers:{nl}"));
        for reviewer in &review.reviewers {
            // The first key opens the list item; a signed entry always has an id.
            let mut lead = "    - ";
            let mut field = |out: &mut String, line: String| {
                out.push_str(lead);
                out.push_str(&line);
                out.push_str(nl);
                lead = "      ";
            };
            if let Some(id) = &reviewer.id {
                field(&mut out, format!("id: {}", quote(id)));
            }
            if let Some(name) = &reviewer.name {
                field(&mut out, format!("name: {}", quote(name)));
            }
            if let Some(role) = &reviewer.role {
                field(&mut out, format!("role: {}", quote(role)));
            }
            if let Some(date) = reviewer.date {
                field(&mut out, format!("date: {date}"));
            }
            if let Some(signature) = &reviewer.signature {
                field(&mut out, format!("signature: {}", quote(signature)));
            }
        }
    }
    if let Some(hash) = &review.approved_hash {
        out.push_str(&format!("  approved_hash: {}{nl}", quote(hash)));
    }
    if let Some(parts) = &review.approved_parts {
        out.push_str(&format!("  approved_parts:{nl}"));
        for (part, hash) in parts {
            out.push_str(&format!("    {part}: {}{nl}", quote(hash)));
        }
    }
    if let Some(due) = review.next_due {
        out.push_str(&format!("  next_due: {due}{nl}"));
    }
    if let Some(commit) = &review.commit {
        out.push_str(&format!("  commit: {}{nl}", quote(commit)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;
    use crate::parse::front_matter::{ReviewStatus, Reviewer};

    fn approved() -> Review {
        Review {
            status: ReviewStatus::Approved,
            submitted: None,
            reviewers: vec![Reviewer {
                id: None,
                name: Some("A. \"Doc\" Example, MD".into()),
                role: Some("Board".into()),
                date: Date::new(2026, 1, 8),
                signature: None,
            }],
            approved_hash: Some("sha256:ab".into()),
            approved_parts: None,
            next_due: None,
            commit: Some("0123abc".into()),
        }
    }

    #[test]
    fn replaces_only_the_review_lines() {
        let text = "---\n# a comment\nquestion: \"Why?\"  # asked often\nreview:\n  status: under_review\n  reviewers:\n    - {name: X}\n\n# trailing comment\nrelated: [a]\n---\nBody\n";
        let edited = replace_review_block(text, &approved()).unwrap();
        assert_eq!(
            edited,
            "---\n# a comment\nquestion: \"Why?\"  # asked often\nreview:\n  status: approved\n  reviewers:\n    - name: \"A. \\\"Doc\\\" Example, MD\"\n      role: \"Board\"\n      date: 2026-01-08\n  approved_hash: \"sha256:ab\"\n  commit: \"0123abc\"\n\n# trailing comment\nrelated: [a]\n---\nBody\n"
        );
    }

    #[test]
    fn adds_a_block_when_there_is_none_and_keeps_crlf() {
        let text = "---\r\nquestion: \"Why?\"\r\n---\r\nBody\r\n";
        let edited = replace_review_block(text, &approved()).unwrap();
        assert!(
            edited.starts_with("---\r\nquestion: \"Why?\"\r\nreview:\r\n  status: approved\r\n"),
            "{edited:?}"
        );
        assert!(edited.ends_with("---\r\nBody\r\n"));
        assert!(!edited.replace("\r\n", "").contains('\n'));
    }

    #[test]
    fn the_edited_block_reads_back_as_the_same_record() {
        let text = "---\nquestion: \"Why?\"\nreview: {status: draft}\nrelated: []\n---\n";
        let edited = replace_review_block(text, &approved()).unwrap();
        let split = split_front_matter(&edited).unwrap();
        let value = crate::parse::yaml::parse_value(split.front_matter).unwrap();
        let Some(review) = value.get("review").cloned() else {
            panic!("no review")
        };
        let back: Review = crate::parse::yaml::from_value(review).unwrap();
        assert_eq!(back.status, ReviewStatus::Approved);
        assert_eq!(back.reviewers[0].name.as_deref(), Some("A. \"Doc\" Example, MD"));
        assert!(edited.ends_with("related: []\n---\n"));
    }
}
