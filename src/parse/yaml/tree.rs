//! Where every key and value of a YAML text is written, taken from libyaml's events and
//! marks, and what a syntax error means, judged from the error's kind, its marks and the
//! text at them (never from the wording of a message).

use super::events::{Event, Events, Mark, Problem, ScalarStyle, Stage};
use crate::diagnostic::Position;
use serde_yaml::{Mapping, Value};

type NodeId = usize;

#[derive(Clone, Debug)]
struct Node {
    start: Mark,
    end: Mark,
    kind: Kind,
}

#[derive(Clone, Debug)]
enum Kind {
    Scalar {
        value: String,
        style: ScalarStyle,
    },
    Sequence(Vec<NodeId>),
    /// Key and value of each entry, in the order written.
    Mapping(Vec<(NodeId, NodeId)>),
    Alias,
}

/// A part of the text that searches stay inside: one node (a value, an entry of a list),
/// searched for text from `from` (its key, when it has one) to its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scope {
    node: Option<NodeId>,
    from: usize,
}

/// Positions of the keys and values of one YAML text, as the parser read them.
#[derive(Clone, Debug)]
pub struct Locator<'a> {
    text: &'a str,
    first_line: u32,
    /// Byte offset at which each line of `text` starts.
    line_starts: Vec<usize>,
    nodes: Vec<Node>,
    root: Option<NodeId>,
    /// An anchor, alias or tag was read: the value cannot be built from the nodes alone.
    decorated: bool,
}

/// What is wrong with a text that does not parse, where the editor must look, and how to
/// fix it. `at` is a 0-based mark in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub at: Mark,
    pub kind: SyntaxKind,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyntaxKind {
    /// A tab in a line's indentation, where YAML allows spaces only.
    Tab,
    /// A quote opened and never closed; `at` is the opening quote.
    UnclosedQuote,
    /// A `[` or `{` never closed; `at` is where it opened.
    UnclosedBracket,
    /// A quoted value that ran on over several lines until a later quote closed it, after
    /// which the text made no sense; `at` is the opening quote.
    RunawayQuote { closed_on_line: u32 },
    /// A line whose key has no `:`.
    KeyWithoutColon,
    /// A key written twice in one mapping; `at` is the second.
    DuplicateKey(String),
    /// A second `---` document in one text.
    SecondDocument,
    /// A character YAML does not allow in a text (a control character).
    Reader,
    /// Anything else libyaml refuses, at the place it names.
    Other(Stage),
}

impl SyntaxKind {
    pub fn hint(&self) -> &'static str {
        match self {
            SyntaxKind::Tab => {
                "indent with spaces: replace the tab, and keep the lines of one block at the same indentation"
            }
            SyntaxKind::UnclosedQuote => "add the closing quote at the end of the value",
            SyntaxKind::UnclosedBracket => {
                "close the list or mapping, or put the value in quotes if the bracket is part of the text"
            }
            SyntaxKind::RunawayQuote { .. } => {
                "add the missing closing quote at the end of this value; the quote that closed it belongs to a later line"
            }
            SyntaxKind::KeyWithoutColon => "write the field as `name: value`, with a colon after the name",
            SyntaxKind::DuplicateKey(_) => "write each field once: remove or merge the repeated one",
            SyntaxKind::SecondDocument => "a `---` line ends the front matter; remove any other `---` line inside it",
            SyntaxKind::Reader => "remove the control character, or write it as an escape inside double quotes",
            SyntaxKind::Other(_) => "check the indentation and quote values that contain `:` or `#`",
        }
    }
}

/// Builds the position tree of `text`, whose first line is line `first_line` of its file.
pub fn locate(text: &str, first_line: u32) -> Result<Locator<'_>, SyntaxError> {
    let mut builder = Builder::default();
    let mut events = Events::new(text);
    for event in events.by_ref() {
        match event {
            Ok((event, start, end)) => builder.take(event, start, end)?,
            Err(problem) => return Err(classify(text, problem, builder.last_scalar())),
        }
    }
    let decorated = events.decorated() || builder.nodes.iter().any(|node| matches!(node.kind, Kind::Alias));
    let mut line_starts = vec![0];
    line_starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
    let locator = Locator {
        text,
        first_line,
        line_starts,
        nodes: builder.nodes,
        root: builder.root,
        decorated,
    };
    match locator.first_duplicate_key() {
        Some((key, at)) => Err(SyntaxError {
            at,
            message: format!("duplicate entry with key \"{key}\""),
            kind: SyntaxKind::DuplicateKey(key),
        }),
        None => Ok(locator),
    }
}

/// Collects nodes from the event stream without recursion: a hostile text may nest
/// thousands deep.
#[derive(Default)]
struct Builder {
    nodes: Vec<Node>,
    root: Option<NodeId>,
    /// Open collections, innermost last, each with the key awaiting its value.
    open: Vec<(NodeId, Option<NodeId>)>,
    documents: usize,
}

impl Builder {
    fn take(&mut self, event: Event, start: Mark, end: Mark) -> Result<(), SyntaxError> {
        let kind = match event {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(SyntaxError {
                        at: start,
                        kind: SyntaxKind::SecondDocument,
                        message: "a second YAML document starts here".into(),
                    });
                }
                return Ok(());
            }
            Event::DocumentEnd => return Ok(()),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((id, _)) = self.open.pop() {
                    self.nodes[id].end = end;
                }
                return Ok(());
            }
            Event::Scalar { value, style } => Kind::Scalar { value, style },
            Event::Alias => Kind::Alias,
            Event::SequenceStart => Kind::Sequence(Vec::new()),
            Event::MappingStart => Kind::Mapping(Vec::new()),
        };
        let opens = matches!(kind, Kind::Sequence(_) | Kind::Mapping(_));
        let id = self.nodes.len();
        self.nodes.push(Node { start, end, kind });
        self.attach(id);
        if opens {
            self.open.push((id, None));
        }
        Ok(())
    }

    fn attach(&mut self, id: NodeId) {
        let Some((parent, pending_key)) = self.open.last_mut() else {
            self.root.get_or_insert(id);
            return;
        };
        match &mut self.nodes[*parent].kind {
            Kind::Sequence(items) => items.push(id),
            Kind::Mapping(entries) => match pending_key.take() {
                Some(key) => entries.push((key, id)),
                None => *pending_key = Some(id),
            },
            Kind::Scalar { .. } | Kind::Alias => {}
        }
    }

    /// The scalar read last, if it was the last thing read.
    fn last_scalar(&self) -> Option<&Node> {
        self.nodes
            .last()
            .filter(|node| matches!(node.kind, Kind::Scalar { .. }))
    }
}

/// What a libyaml error means for the editor: judged by its stage, its marks and the
/// characters at them.
fn classify(text: &str, problem: Problem, last_scalar: Option<&Node>) -> SyntaxError {
    let at = match problem.stage {
        Stage::Reader => mark_at(text, problem.at.index),
        _ => problem.at,
    };
    let described = match &problem.context {
        Some((context, _)) => format!("{}, {context}", problem.problem),
        None => problem.problem.clone(),
    };
    let error = |at: Mark, kind: SyntaxKind, message: String| SyntaxError { at, kind, message };
    if problem.stage == Stage::Reader {
        return error(at, SyntaxKind::Reader, described);
    }
    if let Some(tab) = tab_in_indentation(text, at) {
        return error(
            tab,
            SyntaxKind::Tab,
            "a tab indents this line; YAML indents with spaces only".into(),
        );
    }
    if let Some((_, opened)) = &problem.context {
        match char_at(text, opened.index) {
            Some('"' | '\'') if problem.stage == Stage::Scanner => {
                return error(
                    *opened,
                    SyntaxKind::UnclosedQuote,
                    format!(
                        "the quoted value that starts here is never closed ({})",
                        problem.problem
                    ),
                );
            }
            Some(bracket @ ('[' | '{')) => {
                return error(
                    *opened,
                    SyntaxKind::UnclosedBracket,
                    format!("the `{bracket}` opened here is never closed ({})", problem.problem),
                );
            }
            _ => {}
        }
    }
    if let Some(scalar) = last_scalar {
        let quoted = matches!(
            scalar.kind,
            Kind::Scalar {
                style: ScalarStyle::Quoted,
                ..
            }
        );
        if quoted && problem.stage == Stage::Parser && scalar.start.line < scalar.end.line && at.line == scalar.end.line
        {
            let closed_on_line = scalar.end.line;
            return error(
                scalar.start,
                SyntaxKind::RunawayQuote { closed_on_line },
                format!(
                    "the quoted value that starts here runs on until a quote {} lines below, after which the text cannot be read ({described})",
                    closed_on_line - scalar.start.line
                ),
            );
        }
    }
    match problem.context {
        // libyaml notices a key without its colon only on a later line; the construct it
        // was reading when it gave up begins on the line the editor must look at.
        Some((_, opened)) if problem.stage == Stage::Scanner && opened.line < at.line => {
            error(opened, SyntaxKind::KeyWithoutColon, described)
        }
        Some((_, opened)) if problem.stage == Stage::Scanner => {
            error(opened, SyntaxKind::Other(problem.stage), described)
        }
        _ => error(at, SyntaxKind::Other(problem.stage), described),
    }
}

/// The first tab in the indentation of the line holding `at`, if there is one.
fn tab_in_indentation(text: &str, at: Mark) -> Option<Mark> {
    let index = at.index.min(text.len());
    let start = text.get(..index)?.rfind('\n').map_or(0, |n| n + 1);
    let line = &text[start..];
    let indentation = &line[..line.len() - line.trim_start_matches([' ', '\t', '-']).len()];
    let column = indentation.find('\t')?;
    Some(Mark {
        index: start + column,
        line: at.line,
        column: column as u32,
    })
}

fn char_at(text: &str, index: usize) -> Option<char> {
    text.get(index..)?.chars().next()
}

/// The 0-based line and column of a byte offset (the reader reports offsets only).
fn mark_at(text: &str, index: usize) -> Mark {
    let index = index.min(text.len());
    let before = text.get(..index).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    Mark {
        index,
        line: before.matches('\n').count() as u32,
        column: before[line_start..].chars().count() as u32,
    }
}

impl<'a> Locator<'a> {
    pub fn first_line(&self) -> u32 {
        self.first_line
    }

    /// The value serde_yaml reads from the same text, built from the nodes already read,
    /// or `None` where only serde_yaml can say: anchors, aliases and tags, nesting near
    /// its depth limit, integers past 64 bits, two keys it holds equal.
    pub fn to_value(&self) -> Option<Value> {
        if self.decorated {
            return None;
        }
        match self.root {
            Some(root) => self.value_of(root, 0),
            // An empty text, or comments only: serde_yaml's empty document.
            None => Some(Value::Null),
        }
    }

    fn value_of(&self, id: NodeId, depth: usize) -> Option<Value> {
        match &self.nodes[id].kind {
            Kind::Scalar {
                value,
                style: ScalarStyle::Plain,
            } => super::value::plain_scalar(value),
            Kind::Scalar { value, .. } => Some(Value::String(value.clone())),
            _ if depth >= super::value::MAX_DEPTH => None,
            Kind::Sequence(items) => items
                .iter()
                .map(|item| self.value_of(*item, depth + 1))
                .collect::<Option<Vec<Value>>>()
                .map(Value::Sequence),
            Kind::Mapping(entries) => {
                let mut mapping = Mapping::with_capacity(entries.len());
                for (key, value) in entries {
                    let key = self.value_of(*key, depth + 1)?;
                    if mapping.contains_key(&key) {
                        return None;
                    }
                    mapping.insert(key, self.value_of(*value, depth + 1)?);
                }
                Some(Value::Mapping(mapping))
            }
            Kind::Alias => None,
        }
    }

    fn position(&self, mark: Mark) -> Position {
        Position::new(self.first_line + mark.line, mark.column + 1)
    }

    /// The position of byte `index` of the text, counted by `\n` as findings count lines.
    fn position_of_index(&self, index: usize) -> Position {
        let line = self
            .line_starts
            .partition_point(|start| *start <= index)
            .saturating_sub(1);
        let start = self.line_starts[line];
        let column = self.text.get(start..index).map_or(0, |t| t.chars().count());
        Position::new(self.first_line + line as u32, column as u32 + 1)
    }

    /// The whole text, e.g. to list the entries of a file that is one YAML list.
    pub fn whole(&self) -> Scope {
        Scope {
            node: self.root,
            from: 0,
        }
    }

    fn scalar(&self, id: NodeId) -> Option<&str> {
        match &self.nodes[id].kind {
            Kind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The entry of `key` directly in the mapping `id`.
    fn entry(&self, id: NodeId, key: &str) -> Option<(NodeId, NodeId)> {
        match &self.nodes[id].kind {
            Kind::Mapping(entries) => entries.iter().copied().find(|(k, _)| self.scalar(*k) == Some(key)),
            _ => None,
        }
    }

    /// The position of the last key of `path` and the scope of its value.
    pub fn key(&self, path: &[&str]) -> Option<(Position, Scope)> {
        let mut node = self.root?;
        let mut found = None;
        for key in path {
            let (k, v) = self.entry(node, key)?;
            found = Some(k);
            node = v;
        }
        let key = found?;
        Some((
            self.position(self.nodes[key].start),
            Scope {
                node: Some(node),
                from: self.nodes[key].start.index,
            },
        ))
    }

    /// Where the value of the last key of `path` starts (the first line of a block value).
    pub fn value(&self, path: &[&str]) -> Option<Position> {
        let (_, scope) = self.key(path)?;
        let node = scope.node?;
        if self.is_empty_scalar(node) {
            return None;
        }
        Some(self.content_start(node))
    }

    fn is_empty_scalar(&self, id: NodeId) -> bool {
        matches!(&self.nodes[id].kind, Kind::Scalar { value, style: ScalarStyle::Plain } if value.is_empty())
    }

    /// Where a node's content starts: a block scalar's (`>-`, `|`) is on the first line
    /// after its indicator that holds text.
    fn content_start(&self, id: NodeId) -> Position {
        let node = &self.nodes[id];
        if !matches!(
            node.kind,
            Kind::Scalar {
                style: ScalarStyle::Block,
                ..
            }
        ) {
            return self.position(node.start);
        }
        let after = self.text.get(node.start.index..).unwrap_or("");
        let mut offset = node.start.index + after.find('\n').map_or(after.len(), |n| n + 1);
        while let Some(line) = self.text.get(offset..).filter(|rest| !rest.is_empty()) {
            let line = line.split('\n').next().unwrap_or("");
            if !line.trim().is_empty() {
                let indent = line.len() - line.trim_start_matches(' ').len();
                return self.position_of_index(offset + indent);
            }
            offset += line.len() + 1;
        }
        self.position(node.start)
    }

    /// Every entry (key, value) of the mappings in a scope, in the order written, the
    /// scope's own first.
    fn entries_in(&self, scope: Scope) -> Vec<(NodeId, NodeId)> {
        let mut found = Vec::new();
        let mut stack: Vec<NodeId> = scope.node.into_iter().collect();
        while let Some(id) = stack.pop() {
            let children: Vec<NodeId> = match &self.nodes[id].kind {
                Kind::Mapping(entries) => {
                    found.extend(entries.iter().copied());
                    entries.iter().map(|(_, v)| *v).collect()
                }
                Kind::Sequence(items) => items.clone(),
                Kind::Scalar { .. } | Kind::Alias => Vec::new(),
            };
            stack.extend(children.into_iter().rev());
        }
        found
    }

    /// Where `key` is written in a scope: its own entries first, then nested ones.
    pub fn key_in(&self, scope: Scope, key: &str) -> Option<Position> {
        self.entries_in(scope)
            .into_iter()
            .find(|(k, _)| self.scalar(*k) == Some(key))
            .map(|(k, _)| self.position(self.nodes[k].start))
    }

    /// Where the value of `key` in a scope starts when it is on the key's line (`doi: "10…"`
    /// points at the quote), else the key itself.
    pub fn value_in(&self, scope: Scope, key: &str) -> Option<Position> {
        self.values_in(scope, &[key]).into_iter().next().map(|(_, at)| at)
    }

    /// `value_in` for several keys: the value of each key's first occurrence, in the order
    /// of `keys`, for the keys that are written.
    pub fn values_in<'k>(&self, scope: Scope, keys: &[&'k str]) -> Vec<(&'k str, Position)> {
        let mut found: Vec<Option<Position>> = vec![None; keys.len()];
        for (k, v) in self.entries_in(scope) {
            let Some(name) = self.scalar(k) else { continue };
            let Some(slot) = keys.iter().position(|key| *key == name) else {
                continue;
            };
            if found[slot].is_none() {
                found[slot] = Some(self.value_or_key(k, v));
            }
        }
        keys.iter()
            .zip(found)
            .filter_map(|(key, at)| at.map(|at| (*key, at)))
            .collect()
    }

    fn value_or_key(&self, key: NodeId, value: NodeId) -> Position {
        let (k, v) = (&self.nodes[key], &self.nodes[value]);
        let block = matches!(
            v.kind,
            Kind::Scalar {
                style: ScalarStyle::Block,
                ..
            }
        );
        if v.start.line != k.start.line || block || self.is_empty_scalar(value) {
            return self.position(k.start);
        }
        self.position(v.start)
    }

    /// The `n`-th (from 0) occurrence of `needle` in the scope's text.
    pub fn nth_text_in(&self, scope: Scope, needle: &str, n: usize) -> Option<Position> {
        if needle.is_empty() {
            return None;
        }
        let (from, to) = self.span(scope)?;
        let (at, _) = self.text.get(from..to)?.match_indices(needle).nth(n)?;
        Some(self.position_of_index(from + at))
    }

    /// The first occurrence of `needle` in a scope: a value written as exactly that text
    /// (past its quote, if quoted), else the text itself wherever it stands.
    pub fn text_in(&self, scope: Scope, needle: &str) -> Option<Position> {
        if needle.is_empty() {
            return None;
        }
        let exact = self
            .nodes_in(scope)
            .into_iter()
            .find(|id| self.scalar(*id) == Some(needle));
        match exact.map(|id| &self.nodes[id]) {
            Some(node) => {
                let quoted = matches!(
                    node.kind,
                    Kind::Scalar {
                        style: ScalarStyle::Quoted,
                        ..
                    }
                );
                let mut at = node.start;
                at.column += u32::from(quoted);
                Some(self.position(at))
            }
            None => self.nth_text_in(scope, needle, 0),
        }
    }

    /// Every node in a scope, in the order written.
    fn nodes_in(&self, scope: Scope) -> Vec<NodeId> {
        let mut found = Vec::new();
        let mut stack: Vec<NodeId> = scope.node.into_iter().collect();
        while let Some(id) = stack.pop() {
            found.push(id);
            match &self.nodes[id].kind {
                Kind::Mapping(entries) => stack.extend(entries.iter().rev().flat_map(|(k, v)| [*v, *k])),
                Kind::Sequence(items) => stack.extend(items.iter().rev()),
                Kind::Scalar { .. } | Kind::Alias => {}
            }
        }
        found
    }

    /// The byte range a scope covers, from its key (if any) to the end of its value.
    fn span(&self, scope: Scope) -> Option<(usize, usize)> {
        let node = &self.nodes[scope.node?];
        let end = node.end.index.max(node.start.index).min(self.text.len());
        Some((scope.from.min(end), end))
    }

    /// The entries of a list (block `- …` or flow `[…]`) in a scope, each with its own scope.
    pub fn items(&self, scope: Scope) -> Vec<(Position, Scope)> {
        let Some(Kind::Sequence(items)) = scope.node.map(|id| &self.nodes[id].kind) else {
            return Vec::new();
        };
        items
            .iter()
            .map(|&id| {
                (
                    self.content_start(id),
                    Scope {
                        node: Some(id),
                        from: self.nodes[id].start.index,
                    },
                )
            })
            .collect()
    }

    /// The second occurrence of a key in any one mapping, first in the text: serde_yaml
    /// refuses it, and the editor must look at the second, not at the mapping's start.
    fn first_duplicate_key(&self) -> Option<(String, Mark)> {
        let mut found: Option<(String, Mark)> = None;
        for node in &self.nodes {
            let Kind::Mapping(entries) = &node.kind else {
                continue;
            };
            let mut seen = std::collections::HashSet::new();
            for (key, _) in entries {
                let Kind::Scalar { value, style } = &self.nodes[*key].kind else {
                    continue;
                };
                if !seen.insert((value.as_str(), key_type(value, *style))) {
                    let at = self.nodes[*key].start;
                    if found.as_ref().is_none_or(|(_, first)| at < *first) {
                        found = Some((value.clone(), at));
                    }
                    break;
                }
            }
        }
        found
    }
}

/// Whether serde_yaml reads a key as text (quoted, or a plain word) or as something else
/// (a plain number, boolean or null): `1` and `"1"` are two different keys to it.
fn key_type(value: &str, style: ScalarStyle) -> bool {
    let special = value.is_empty()
        || value.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | '~'))
        || matches!(
            value,
            "true" | "True" | "TRUE" | "false" | "False" | "FALSE" | "null" | "Null" | "NULL"
        );
    style != ScalarStyle::Plain || !special
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "question: \"Why?\"\nreview:\n  status: aproved\n  reviewers:\n    - name: A\n      date: 2026-13-01\nreferences:\n  - id: one\n    title: One\n  - id: two\n    titel: Two\nrelated: [a, b]\nanswer: >-\n\n  First line\n  second.\n";

    fn at(error: &SyntaxError) -> (u32, u32) {
        (error.at.line + 1, error.at.column + 1)
    }

    #[test]
    fn locates_top_level_and_nested_keys() {
        let locator = locate(TEXT, 2).unwrap();
        assert_eq!(locator.key(&["question"]).unwrap().0, Position::new(2, 1));
        assert_eq!(locator.key(&["review", "status"]).unwrap().0, Position::new(4, 3));
        assert_eq!(locator.value(&["review", "status"]), Some(Position::new(4, 11)));
        assert_eq!(locator.value(&["question"]), Some(Position::new(2, 11)));
        assert_eq!(locator.key(&["status"]), None, "nested keys are not top-level");
        assert_eq!(
            locator.value(&["answer"]),
            Some(Position::new(16, 3)),
            "a block value's first text"
        );
    }

    #[test]
    fn locates_block_and_flow_list_items() {
        let locator = locate(TEXT, 2).unwrap();
        let (_, scope) = locator.key(&["references"]).unwrap();
        let items = locator.items(scope);
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].0, Position::new(11, 5));
        assert_eq!(locator.key_in(items[1].1, "titel"), Some(Position::new(12, 5)));
        assert_eq!(locator.key_in(items[1].1, "title"), None, "the other entry's field");
        let (_, related) = locator.key(&["related"]).unwrap();
        let flow: Vec<Position> = locator.items(related).into_iter().map(|(at, _)| at).collect();
        assert_eq!(flow, [Position::new(13, 11), Position::new(13, 14)]);
    }

    #[test]
    fn a_value_is_found_by_its_text() {
        let locator = locate(TEXT, 2).unwrap();
        let (_, review) = locator.key(&["review"]).unwrap();
        assert_eq!(locator.text_in(review, "aproved"), Some(Position::new(4, 11)));
        assert_eq!(locator.value_in(review, "date"), Some(Position::new(7, 13)));
    }

    #[test]
    fn an_unclosed_quote_at_the_end_is_reported_where_it_opened() {
        let error = locate("a: 1\nb: \"open\nc: 2\n", 1).unwrap_err();
        assert_eq!(error.kind, SyntaxKind::UnclosedQuote);
        assert_eq!(at(&error), (2, 4));
    }

    #[test]
    fn a_quote_closed_lines_later_is_reported_where_it_opened() {
        let text = "question: \"Q?\"\ntitle: \"Unclosed\nversion: 1\nfunding: \"None\"\n";
        let error = locate(text, 1).unwrap_err();
        assert_eq!(error.kind, SyntaxKind::RunawayQuote { closed_on_line: 3 });
        assert_eq!(at(&error), (2, 8));
    }

    #[test]
    fn a_tab_in_the_indentation_is_named() {
        let error = locate("review:\n\tstatus: draft\n", 1).unwrap_err();
        assert_eq!(error.kind, SyntaxKind::Tab);
        assert_eq!(at(&error), (2, 1));
        let error = locate("references:\n  - id: a\n  \t title: b\n", 1).unwrap_err();
        assert_eq!((error.kind.clone(), at(&error)), (SyntaxKind::Tab, (3, 3)));
    }

    #[test]
    fn an_unclosed_bracket_is_reported_where_it_opened() {
        let error = locate("a: [1, 2\nb: 3\n", 1).unwrap_err();
        assert_eq!(error.kind, SyntaxKind::UnclosedBracket);
        assert_eq!(at(&error), (1, 4));
    }

    #[test]
    fn a_key_without_its_colon_is_reported_on_its_own_line() {
        let error = locate("a: 1\ncreated 2025-01-10\nb: 2\n", 1).unwrap_err();
        assert_eq!(error.kind, SyntaxKind::KeyWithoutColon);
        assert_eq!(at(&error), (2, 1));
    }

    #[test]
    fn a_duplicate_key_is_reported_at_its_second_occurrence() {
        let error = locate("question: a\nanswer: b\nquestion: c\n", 1).unwrap_err();
        assert_eq!(error.kind, SyntaxKind::DuplicateKey("question".into()));
        assert_eq!(at(&error), (3, 1));
        let error = locate("title: t\nreview:\n  status: draft\n  date: x\n  status: approved\n", 1).unwrap_err();
        assert_eq!(at(&error), (5, 3));
        let error = locate("- id: a\n  title: t\n- id: b\n  id: c\n", 1).unwrap_err();
        assert_eq!(at(&error), (4, 3));
        assert!(
            locate("1: a\n\"1\": b\n", 1).is_ok(),
            "a number and a text are two keys"
        );
    }

    #[test]
    fn a_second_document_is_refused_at_its_start() {
        let error = locate("a: 1\n---\nb: 2\n", 1).unwrap_err();
        assert_eq!((error.kind.clone(), at(&error)), (SyntaxKind::SecondDocument, (2, 1)));
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        // Deep enough to overflow a test thread's 2 MB stack one frame per level; libyaml
        // itself takes time quadratic in the depth, so no deeper.
        let text = format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
        assert!(locate(&text, 1).is_ok());
    }
}
