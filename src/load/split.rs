//! Splitting a content file into its YAML front matter and its Markdown body.

use crate::diagnostic::Position;

/// The two parts of a content file, as slices of the original text.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub front_matter: &'a str,
    /// 1-based line of the first front-matter line (the one after the opening `---`).
    pub front_matter_line: u32,
    pub body: &'a str,
    /// Byte offset of the body in the text, for mapping Markdown spans back to the file.
    pub body_offset: usize,
}

#[derive(Debug, PartialEq, Eq)]
pub struct SplitError {
    pub at: Position,
    pub message: &'static str,
    pub hint: &'static str,
}

/// Splits `---\n<yaml>\n---\n<body>`. The text must already be free of a byte-order mark;
/// CRLF line ends are accepted anywhere.
pub fn split_front_matter(text: &str) -> Result<Split<'_>, SplitError> {
    let mut lines = LineCursor { text, offset: 0 };
    let Some(first) = lines.next() else {
        return Err(SplitError {
            at: Position::START,
            message: "the file is empty",
            hint: "start the file with a `---` line, the front matter, and a closing `---` line",
        });
    };
    if first.content.trim_end() != "---" {
        return Err(SplitError {
            at: Position::START,
            message: "the file does not start with front matter",
            hint: "put a line `---` first, then the YAML fields (question, answer, …), then a line `---`",
        });
    }
    let front_matter_start = lines.offset;
    while let Some(line) = lines.next() {
        if line.content.trim_end() == "---" {
            return Ok(Split {
                front_matter: &text[front_matter_start..line.start],
                front_matter_line: 2,
                body: &text[lines.offset..],
                body_offset: lines.offset,
            });
        }
    }
    Err(SplitError {
        at: Position::START,
        message: "the front matter opened here is never closed",
        hint: "add a line `---` after the last front-matter field, before the Markdown body",
    })
}

struct Line<'a> {
    start: usize,
    content: &'a str,
}

struct LineCursor<'a> {
    text: &'a str,
    offset: usize,
}

impl<'a> Iterator for LineCursor<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        if self.offset >= self.text.len() {
            return None;
        }
        let start = self.offset;
        let rest = &self.text[start..];
        let (content, advance) = match rest.find('\n') {
            Some(end) => (&rest[..end], end + 1),
            None => (rest, rest.len()),
        };
        self.offset += advance;
        Some(Line {
            start,
            content: content.strip_suffix('\r').unwrap_or(content),
        })
    }
}

/// Removes a UTF-8 byte-order mark, which some Windows editors write.
pub fn strip_bom(text: String) -> String {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> (String, String) {
        let split = split_front_matter(text).expect("splits");
        assert_eq!(&text[split.body_offset..], split.body);
        (split.front_matter.to_string(), split.body.to_string())
    }

    #[test]
    fn splits_front_matter_from_body() {
        assert_eq!(ok("---\na: 1\n---\nbody\n"), ("a: 1\n".into(), "body\n".into()));
    }

    #[test]
    fn accepts_crlf_line_ends() {
        assert_eq!(
            ok("---\r\na: 1\r\n---\r\nbody\r\n"),
            ("a: 1\r\n".into(), "body\r\n".into())
        );
    }

    #[test]
    fn accepts_an_empty_body_and_no_final_newline() {
        assert_eq!(ok("---\na: 1\n---"), ("a: 1\n".into(), "".into()));
        assert_eq!(ok("---\n---\n"), ("".into(), "".into()));
    }

    #[test]
    fn a_later_delimiter_stays_in_the_body() {
        assert_eq!(
            ok("---\na: 1\n---\nx\n---\ny\n"),
            ("a: 1\n".into(), "x\n---\ny\n".into())
        );
    }

    #[test]
    fn trailing_spaces_after_a_delimiter_are_tolerated() {
        assert_eq!(ok("--- \na: 1\n---  \nb"), ("a: 1\n".into(), "b".into()));
    }

    #[test]
    fn refuses_a_file_without_front_matter() {
        let err = split_front_matter("# Title\n").unwrap_err();
        assert_eq!(err.at, Position::START);
        assert!(err.message.contains("does not start"));
        assert!(split_front_matter("").is_err());
        assert!(split_front_matter("----\na: 1\n---\n").is_err());
    }

    #[test]
    fn reports_a_missing_closing_delimiter() {
        let err = split_front_matter("---\na: 1\nb: 2\n").unwrap_err();
        assert!(err.message.contains("never closed"));
    }

    #[test]
    fn strips_a_byte_order_mark() {
        let text = strip_bom("\u{feff}---\na: 1\n---\n".to_string());
        assert_eq!(ok(&text).0, "a: 1\n");
    }
}
