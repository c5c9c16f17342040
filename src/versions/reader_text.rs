//! What a reader reads of an article, as plain text with one block (heading, paragraph,
//! bullet, reference) per line: the parts a diff between two versions compares. Front
//! matter syntax (`version:`, `changes:`, the review record) never appears in it, so a
//! changed number shows as that number changed, not as YAML lines.

use crate::parse::article::Article;
use crate::render::reference::format_reference;

/// The article's question, title, answers, body blocks and numbered references, a line
/// each; `None` when its body cannot be read back.
pub fn reader_text(article: &Article) -> Option<String> {
    let mut out = String::new();
    push_line(&mut out, "Question: ", &article.question);
    if let Some(title) = article.title() {
        push_line(&mut out, "Title: ", title);
    }
    push_line(&mut out, "Bottom line: ", &article.answer.plain);
    if let Some(plain) = article.plain_answer() {
        push_line(&mut out, "In plain language: ", &plain.plain);
    }
    let body = article.body.html().ok()?;
    for block in html_blocks(&body) {
        push_line(&mut out, "", &block);
    }
    let references = article.references.typed().ok()?;
    for (n, &r) in article.citations.order.iter().enumerate() {
        let Some(reference) = references.get(r) else {
            continue;
        };
        let text = html_blocks(&format_reference(reference, "ama")).join(" ");
        push_line(&mut out, &format!("Reference {}: ", n + 1), &text);
    }
    Some(out)
}

fn push_line(out: &mut String, label: &str, text: &str) {
    let text = collapse(text);
    if text.is_empty() {
        return;
    }
    out.push_str(label);
    out.push_str(&text);
    out.push('\n');
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Elements whose start or end ends a block of text.
const BLOCKS: [&str; 20] = [
    "p",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "dt",
    "dd",
    "dl",
    "blockquote",
    "pre",
    "tr",
    "table",
    "figcaption",
    "div",
    "br",
];

/// The text of `html` (Evident's own rendering: well-formed, escaped) split into blocks;
/// citation numbers in brackets, so that "measures [1]" does not read "measures1".
pub fn html_blocks(html: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        current.push_str(&decode_entities(&rest[..open]));
        let Some(close) = rest[open..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name == "sup" {
            current.push_str(if closing { "]" } else { " [" });
        } else if name == "td" || name == "th" {
            if closing {
                current.push_str(" | ");
            }
        } else if BLOCKS.contains(&name.as_str()) {
            flush(&mut blocks, &mut current);
        }
    }
    current.push_str(&decode_entities(rest));
    flush(&mut blocks, &mut current);
    blocks
}

fn flush(blocks: &mut Vec<String>, current: &mut String) {
    let text = collapse(current).replace(" ]", "]").replace("[ ", "[");
    let text = text.trim_end_matches(" |").to_string();
    if !text.is_empty() {
        blocks.push(text);
    }
    current.clear();
}

/// The entities Evident's HTML escaping and Markdown rendering produce, and numeric ones.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_lines_and_citations_are_bracketed() {
        let html = "<h2 id=\"a\">Why</h2>\n<ul>\n<li>Reduced deaths by 36% <sup class=\"cite\"><a href=\"#ref-2\">2</a></sup>.</li>\n<li>Fewer &amp; fewer &#x27;events&#39;</li>\n</ul>\n<p>Done.</p>";
        assert_eq!(
            html_blocks(html),
            ["Why", "Reduced deaths by 36% [2].", "Fewer & fewer 'events'", "Done."]
        );
    }

    #[test]
    fn a_nested_list_is_a_block_of_its_own() {
        assert_eq!(
            html_blocks("<ul><li>Outer<ul><li>Inner</li></ul></li></ul>"),
            ["Outer", "Inner"]
        );
    }

    #[test]
    fn table_cells_stay_on_their_row() {
        assert_eq!(
            html_blocks("<table><tr><th>Dose</th><th>eGFR</th></tr><tr><td>500 mg</td><td>30–45</td></tr></table>"),
            ["Dose | eGFR", "500 mg | 30–45"]
        );
    }
}
