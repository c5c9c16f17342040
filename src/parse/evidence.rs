//! A second look at an article's Markdown for what renders without complaint but misleads:
//! text that looks like a citation and is not one, and claims that cite nothing.
//!
//! It reads the very events the renderer renders (`parse_events`), so "is a citation" means
//! exactly what the page will show.

use super::citation::{citation_key_len, parse_citation_label};
use super::fields::Locator;
use super::markdown::{MarkdownEvents, is_citation_link, parse_events};
use crate::diagnostic::{Code, Diagnostic, Position};
use crate::text::collapse_whitespace;
use pulldown_cmark::{Event, HeadingLevel, LinkType, Tag, TagEnd};
use std::collections::HashSet;
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimKind {
    Bullet,
    Paragraph,
}

/// A bullet or a paragraph under a heading that cites nothing: neither its own text nor a
/// footnote it marks cites a reference (a nested bullet's citation does not count for its
/// parent: each bullet is a claim of its own), and it does not end with `:`, introducing
/// what follows rather than claiming.
#[derive(Clone, Debug)]
pub struct Claim {
    pub kind: ClaimKind,
    pub at: Position,
    /// The `##` heading it is under.
    pub section: String,
    /// The `###` heading it is under, if any.
    pub subsection: Option<String>,
    /// The start of its text, for messages.
    pub excerpt: String,
}

#[derive(Debug, Default)]
pub struct Scan {
    pub findings: Vec<Diagnostic>,
    /// Only the claims that cite nothing: the cited ones, most of a large site's, are of
    /// no further interest.
    pub uncited_claims: Vec<Claim>,
}

/// What the scan needs to know about the article it looks at.
pub struct ScanContext<'a> {
    pub file: &'a str,
    /// Whether a key names a reference the article can cite (its own or a shared one).
    pub knows: &'a dyn Fn(&str) -> bool,
    /// Maps a byte offset of the scanned text to its place in the file.
    pub position_of: &'a dyn Fn(usize) -> Position,
    /// Record bullets and paragraphs (the body); answers are judged only for look-alikes.
    pub claims: bool,
}

/// One open bullet or paragraph.
struct Frame {
    kind: ClaimKind,
    start: usize,
    cites: bool,
    text: String,
    footnotes: Vec<String>,
}

pub fn scan(text: &str, context: &ScanContext<'_>) -> Scan {
    scan_events(&parse_events(text, true), context)
}

/// `scan` of a text already parsed (with citations) for rendering.
pub fn scan_events(parsed: &MarkdownEvents<'_>, context: &ScanContext<'_>) -> Scan {
    let text = parsed.text;
    let mut out = Scan::default();
    let mut h2: Option<String> = None;
    let mut h3: Option<String> = None;
    let mut heading: Option<(HeadingLevel, String)> = None;
    let mut frames: Vec<Frame> = Vec::new();
    let mut footnote: Option<String> = None;
    let mut citing_footnotes: HashSet<String> = HashSet::new();
    let mut pending_claims: Vec<(Claim, Vec<String>)> = Vec::new();
    let mut links = 0usize;
    let mut in_code_block = false;
    // `<sup>` seen at this offset, then whether a hand-typed number followed it.
    let mut sup: Option<(usize, bool)> = None;

    for (event, range) in &parsed.events {
        let range = range.clone();
        if !matches!(event, Event::Text(_) | Event::InlineHtml(_)) {
            sup = None;
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((*level, String::new())),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, title)) = heading.take() {
                    let title = collapse_whitespace(&title);
                    match level {
                        HeadingLevel::H1 | HeadingLevel::H2 => {
                            h2 = Some(title);
                            h3 = None;
                        }
                        HeadingLevel::H3 => h3 = Some(title),
                        _ => {}
                    }
                }
            }
            Event::Start(Tag::FootnoteDefinition(label)) => footnote = Some(label.to_lowercase()),
            Event::End(TagEnd::FootnoteDefinition) => footnote = None,
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Start(Tag::Item) if footnote.is_none() => frames.push(Frame {
                kind: ClaimKind::Bullet,
                start: range.start,
                cites: false,
                text: String::new(),
                footnotes: Vec::new(),
            }),
            // A paragraph inside a bullet is part of that bullet's claim.
            Event::Start(Tag::Paragraph)
                if footnote.is_none() && !frames.last().is_some_and(|f| f.kind == ClaimKind::Bullet) =>
            {
                frames.push(Frame {
                    kind: ClaimKind::Paragraph,
                    start: range.start,
                    cites: false,
                    text: String::new(),
                    footnotes: Vec::new(),
                });
            }
            Event::End(TagEnd::Item) if footnote.is_none() => {
                close(ClaimKind::Bullet, &mut frames, &h2, &h3, context, &mut pending_claims)
            }
            Event::End(TagEnd::Paragraph) if footnote.is_none() => close(
                ClaimKind::Paragraph,
                &mut frames,
                &h2,
                &h3,
                context,
                &mut pending_claims,
            ),
            Event::Start(Tag::Link {
                dest_url, link_type, ..
            }) => {
                links += 1;
                if is_citation_link(dest_url) || parsed.cites_inside(&range) {
                    if let Some(frame) = frames.last_mut() {
                        frame.cites = true;
                    }
                    if let Some(label) = &footnote {
                        citing_footnotes.insert(label.clone());
                    }
                } else if *link_type == LinkType::Reference {
                    if let Some(found) = citation_then_label(context, text, range.clone(), true) {
                        out.findings.push(found);
                    }
                }
            }
            Event::End(TagEnd::Link) => links = links.saturating_sub(1),
            Event::FootnoteReference(label) => {
                if let Some(frame) = frames.last_mut() {
                    frame.footnotes.push(label.to_lowercase());
                }
            }
            Event::InlineHtml(html) => {
                let html = html.trim();
                if html.eq_ignore_ascii_case("<sup>") {
                    sup = Some((range.start, false));
                } else if let (true, Some((start, true))) = (html.eq_ignore_ascii_case("</sup>"), sup.take()) {
                    let written = text.get(start..range.end).unwrap_or("<sup>");
                    out.findings.push(hand_number(context, start, written));
                }
            }
            Event::Text(t) => {
                if let Some((_, title)) = heading.as_mut() {
                    title.push_str(t);
                }
                if let Some(frame) = frames.last_mut() {
                    frame.text.push_str(t);
                }
                sup = match sup {
                    Some((start, false)) if is_hand_number(t) => Some((start, true)),
                    _ => None,
                };
                if links == 0 && !in_code_block {
                    bare_keys(context, text, range, &mut out.findings);
                }
            }
            Event::Code(t) => {
                if let Some((_, title)) = heading.as_mut() {
                    title.push_str(t);
                }
                if let Some(frame) = frames.last_mut() {
                    frame.text.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(frame) = frames.last_mut() {
                    frame.text.push(' ');
                }
            }
            _ => {}
        }
    }

    for (label, span, dest) in &parsed.citation_definitions {
        let written = text.get(span.clone()).unwrap_or("").trim_end();
        out.findings.push(
            Diagnostic::new(
                Code::CitationSyntax,
                context.file,
                (context.position_of)(span.start),
                format!(
                    "`{written}` is read as a Markdown link definition: the line vanishes from the page and every `[{label}]` becomes a link to `{dest}`"
                ),
            )
            .with_hint(format!(
                "a line must not start with `[{label}]:`; put the citation after the claim it supports, e.g. `… {} [{label}].`",
                written
                    .split_once("]:")
                    .map(|(_, rest)| rest.trim())
                    .filter(|rest| !rest.is_empty())
                    .unwrap_or("claim")
            )),
        );
    }
    for (link_type, span) in &parsed.suspicious_labels {
        let found = match link_type {
            LinkType::Reference => citation_then_label(context, text, span.clone(), false),
            _ => Some(hand_number(context, span.start, &text[span.clone()])),
        };
        out.findings.extend(found);
    }

    for (claim, footnotes) in pending_claims {
        if !footnotes.iter().any(|label| citing_footnotes.contains(label)) {
            out.uncited_claims.push(claim);
        }
    }
    out
}

/// Ends the innermost open bullet or paragraph and records it as a claim when it sits under a
/// heading.
fn close(
    kind: ClaimKind,
    frames: &mut Vec<Frame>,
    h2: &Option<String>,
    h3: &Option<String>,
    context: &ScanContext<'_>,
    claims: &mut Vec<(Claim, Vec<String>)>,
) {
    if !frames.last().is_some_and(|f| f.kind == kind) {
        return;
    }
    let Some(frame) = frames.pop() else { return };
    let (Some(section), true, false) = (h2, context.claims, frame.cites) else {
        return;
    };
    let own_text = collapse_whitespace(&frame.text);
    if own_text.is_empty() || own_text.ends_with(':') {
        return;
    }
    let excerpt: String = own_text.chars().take(60).collect();
    let excerpt = if excerpt.len() < own_text.len() {
        format!("{}…", excerpt.trim_end())
    } else {
        excerpt
    };
    claims.push((
        Claim {
            kind,
            at: (context.position_of)(frame.start),
            section: section.clone(),
            subsection: h3.clone(),
            excerpt,
        },
        frame.footnotes,
    ));
}

/// Where byte `offset` of a front-matter text field (a folded answer) is written. A folded
/// scalar's offsets do not map back to the file, but its words do: the word at `offset` is
/// found again among the field's lines, the n-th time when it occurs n times before.
pub fn field_position(text: &str, offset: usize, locator: &Locator<'_>, key: &str) -> Position {
    let fallback = locator.value(&[key]).unwrap_or(Position::START);
    let (Some((_, scope)), Some(rest)) = (locator.key(&[key]), text.get(offset..)) else {
        return fallback;
    };
    let word = rest.split(char::is_whitespace).next().unwrap_or("");
    let before = text.get(..offset).map_or(0, |b| b.matches(word).count());
    locator.nth_text_in(scope, word, before).unwrap_or(fallback)
}

/// `3`, `1, 2`, `4-6` or `4–6`: what a hand-typed reference number looks like. Numbers of
/// four digits are left alone, since `[2024]` is more likely a year.
pub(super) fn is_hand_number(text: &str) -> bool {
    let text = text.trim();
    if !text.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    text.split([',', '-', '\u{2013}']).all(|n| {
        let n = n.trim();
        !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit())
    })
}

fn hand_number(context: &ScanContext<'_>, offset: usize, written: &str) -> Diagnostic {
    Diagnostic::new(
        Code::CitationHandNumbered,
        context.file,
        (context.position_of)(offset),
        format!("`{written}` looks like a hand-typed reference number, which will not follow the reference list"),
    )
    .with_hint("cite the reference by its key instead, e.g. `[@smith-2020]`; numbers are given by first citation")
}

/// `[@b][c]`: CommonMark reads a full reference link, so the citation of `@b` is lost.
/// `defined`: the label names a link definition, so the text links there.
fn citation_then_label(context: &ScanContext<'_>, text: &str, span: Range<usize>, defined: bool) -> Option<Diagnostic> {
    let source = text.get(span.clone())?;
    let inner = source.strip_prefix('[')?.split(']').next()?;
    let items = parse_citation_label(inner)?;
    let label = source.get(inner.len() + 3..)?.trim_end_matches(']');
    let keys: Vec<String> = items.iter().map(|i| format!("@{}", i.key)).collect();
    let message = match defined {
        true => format!(
            "`{source}` is a link to the definition `[{label}]`, not a citation of {}",
            keys.join(", ")
        ),
        false => format!(
            "`{source}` is read as a reference link labelled `{label}`: the citation of {} is lost",
            keys.join(", ")
        ),
    };
    // `[@a][@b]` swallows a citation too: its label already carries the `@`. The first
    // group is kept as written, with its prefixes and locators (`[see @a, p. 3; @c]`).
    let merged = format!("[{}; @{}]", inner.trim(), label.strip_prefix('@').unwrap_or(label));
    Some(
        Diagnostic::new(
            Code::CitationSyntax,
            context.file,
            (context.position_of)(span.start),
            message,
        )
        .with_hint(format!(
            "put a space between the brackets (`[{inner}] [{label}]`), or cite both in one group: `{merged}`"
        )),
    )
}

/// `@key` in running text is plain text in Evident (Pandoc would cite in-text); when the key
/// names a reference the author almost certainly meant `[@key]`.
fn bare_keys(context: &ScanContext<'_>, text: &str, range: Range<usize>, found: &mut Vec<Diagnostic>) {
    let Some(source) = text.get(range.clone()) else {
        return;
    };
    for (index, _) in source.match_indices('@') {
        let absolute = range.start + index;
        let before = text[..absolute].chars().next_back();
        // `name@host` is an address; `[@`, `;@` and `-@` belong to citation syntax that
        // is reported elsewhere.
        if before.is_some_and(|c| !(c.is_whitespace() || matches!(c, '(' | '"' | '\'' | '*' | '_'))) {
            continue;
        }
        let rest = &text[absolute + 1..];
        let key = &rest[..citation_key_len(rest)];
        if key.is_empty() || !(context.knows)(key) || in_citation_group(text, absolute) {
            continue;
        }
        found.push(
            Diagnostic::new(
                Code::CitationBareKey,
                context.file,
                (context.position_of)(absolute),
                format!("`@{key}` is plain text here, not a citation"),
            )
            .with_hint(format!("write `[@{key}]` to cite reference `{key}`")),
        );
    }
}

/// Whether the `@` at `at` is inside brackets that hold a citation group with a prefix
/// (`[see @a, p. 3]`): it is then a citation, or a lost one `citation/syntax` reports, not
/// a bare key. Looks at most a few hundred bytes either way, so long texts stay linear.
fn in_citation_group(text: &str, at: usize) -> bool {
    const REACH: usize = 400;
    let mut low = at.saturating_sub(REACH);
    while !text.is_char_boundary(low) {
        low -= 1;
    }
    let mut high = (at + REACH).min(text.len());
    while !text.is_char_boundary(high) {
        high += 1;
    }
    let open = text[low..at]
        .rfind(['[', ']'])
        .map(|i| low + i)
        .filter(|&i| text.as_bytes()[i] == b'[');
    let close = text[at..high]
        .find(['[', ']'])
        .map(|i| at + i)
        .filter(|&i| text.as_bytes()[i] == b']');
    match (open, close) {
        (Some(open), Some(close)) => parse_citation_label(&text[open + 1..close]).is_some(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Scan {
        let knows = |key: &str| ["a", "b", "vision-2021"].contains(&key);
        let position_of = |offset: usize| crate::load::position_of_offset(text, offset);
        scan(
            text,
            &ScanContext {
                file: "a.md",
                knows: &knows,
                position_of: &position_of,
                claims: true,
            },
        )
    }

    fn found(scan: &Scan) -> Vec<(Code, u32, u32)> {
        let mut found: Vec<_> = scan.findings.iter().map(|d| (d.code, d.line, d.column)).collect();
        found.sort();
        found
    }

    #[test]
    fn a_citation_followed_by_a_bracket_is_a_lost_citation() {
        let scan = run("Claim [@a][zz] end.\n\nOther [@b][c].\n\n[c]: https://example.org\n");
        assert_eq!(
            found(&scan),
            [(Code::CitationSyntax, 1, 7), (Code::CitationSyntax, 3, 7)]
        );
        assert!(
            scan.findings.iter().any(|d| d.message.contains("labelled `zz`")),
            "{:?}",
            scan.findings
        );
        assert!(
            scan.findings
                .iter()
                .any(|d| d.hint.as_deref().unwrap_or("").contains("[@b; @c]"))
        );
    }

    #[test]
    fn the_merged_hint_keeps_prefixes_and_locators() {
        let scan = run("Claim [see @a, p. 3][@b] end.\n");
        assert_eq!(found(&scan), [(Code::CitationSyntax, 1, 7)]);
        let hint = scan.findings[0].hint.as_deref().unwrap_or("");
        assert!(hint.contains("`[see @a, p. 3; @b]`"), "{hint}");
    }

    #[test]
    fn two_adjacent_citations_are_merged_with_one_at_sign_each() {
        let scan = run("Claim [@a][@b] end.\n");
        assert_eq!(found(&scan), [(Code::CitationSyntax, 1, 7)]);
        let hint = scan.findings[0].hint.as_deref().unwrap_or("");
        assert!(hint.contains("`[@a; @b]`"), "{hint}");
    }

    #[test]
    fn a_line_starting_with_a_citation_and_colon_can_become_a_link_definition() {
        let scan = run("Intro.\n\n[@a]: VISION\n\n[@b]: not a definition because of spaces\n");
        assert_eq!(found(&scan), [(Code::CitationSyntax, 3, 1)]);
        assert!(
            scan.findings[0].message.contains("link to `VISION`"),
            "{}",
            scan.findings[0].message
        );
    }

    #[test]
    fn bare_keys_that_name_references_are_flagged() {
        let scan = run("As @vision-2021 showed, mail x@a.org, and @unknown says [@b].\n");
        assert_eq!(found(&scan), [(Code::CitationBareKey, 1, 4)]);
        assert!(run("`@a` in code\n\n```\n@a\n```\n").findings.is_empty());
    }

    #[test]
    fn hand_typed_numbers_are_flagged() {
        let scan = run("Claim [3] and [1, 2] and [4–6] and <sup>7</sup> but not [2024] or [note].\n");
        assert_eq!(
            found(&scan),
            [
                (Code::CitationHandNumbered, 1, 7),
                (Code::CitationHandNumbered, 1, 15),
                (Code::CitationHandNumbered, 1, 26),
                (Code::CitationHandNumbered, 1, 36),
            ]
        );
        let defined = run("See [3].\n\n[3]: https://example.org\n");
        assert!(defined.findings.is_empty(), "{:?}", defined.findings);
    }

    #[test]
    fn records_bullets_and_paragraphs_under_headings() {
        let text = "Intro without heading.\n\n## Treatment\n\nLead paragraph [@a].\n\nOptions:\n\n- First [@a]\n- Second\n  - nested [@b]\n- Third[^n]\n\n### Detail\n\n- Plain\n\n[^n]: Source [@b].\n";
        let scan = run(text);
        // Cited (lines 5, 9, 11), a lead-in (7), cited through its footnote (12): not
        // claims that cite nothing. "Second" is uncited although its nested bullet cites.
        let claims: Vec<(ClaimKind, u32, Option<&str>, &str)> = scan
            .uncited_claims
            .iter()
            .map(|c| (c.kind, c.at.line, c.subsection.as_deref(), c.excerpt.as_str()))
            .collect();
        assert_eq!(
            claims,
            [
                (ClaimKind::Bullet, 10, None, "Second"),
                (ClaimKind::Bullet, 16, Some("Detail"), "Plain"),
            ]
        );
        assert!(scan.uncited_claims.iter().all(|c| c.section == "Treatment"));
    }
}
