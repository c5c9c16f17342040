//! Plain pages (`content/pages/*.md`): editorial policy, disclaimer, about.

use super::fields::{FRONT_MATTER_CODES, FieldReader};
use super::front_matter::PAGE_FIELDS;
use super::markdown::{Mode, Rendered, render_markdown};
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic, Position};
use crate::load::split::split_front_matter;
use crate::load::{LineIndex, SourceFile};

#[derive(Debug)]
pub struct Page {
    pub file: String,
    pub slug: String,
    pub slug_at: Position,
    /// Whether `slug` was written (else it is the file's name).
    pub slug_is_explicit: bool,
    pub title: String,
    pub description: Option<String>,
    pub updated: Option<Date>,
    pub body: Rendered,
}

pub fn parse_page(source: &SourceFile) -> (Option<Page>, Vec<Diagnostic>) {
    let (page, mut diagnostics) = parse_text(source);
    diagnostics.extend(crate::load::control_characters(source));
    (page, diagnostics)
}

fn parse_text(source: &SourceFile) -> (Option<Page>, Vec<Diagnostic>) {
    let file = source.rel_path.as_str();
    let split = match split_front_matter(&source.text) {
        Ok(split) => split,
        Err(error) => {
            let diagnostic = Diagnostic::new(Code::FrontmatterSyntax, file, error.at, error.message)
                .with_hint("a page starts with `---`, `title: \"…\"`, `---`, then its Markdown");
            return (None, vec![diagnostic]);
        }
    };
    let mut reader = match FieldReader::parse(
        file,
        split.front_matter,
        split.front_matter_line,
        FRONT_MATTER_CODES,
        PAGE_FIELDS,
    ) {
        Ok(reader) => reader,
        Err(diagnostic) => return (None, vec![diagnostic]),
    };
    let title: Option<String> = reader.required("title", "add `title: \"Editorial policy\"` (the page's heading)");
    let description: Option<String> = reader.optional("description");
    let slug: Option<String> = reader.optional("slug");
    let updated: Option<Date> = reader.optional("updated");
    let slug_at = if slug.is_some() {
        reader.value_position("slug")
    } else {
        Position::START
    };
    let diagnostics = reader.finish();
    // Pages have no reference list: a `[@x]` in them stays visible as the text it is.
    let lines = LineIndex::new(&source.text);
    let offset = split.body_offset;
    let slug_is_explicit = slug.is_some();
    let page_slug = slug.clone().unwrap_or_else(|| super::article::file_stem(file));
    let body = render_markdown(
        split.body,
        Mode::Block,
        None,
        &|at| lines.position(offset + at),
        &format!("{page_slug}/"),
    );
    let page = title.map(|title| Page {
        file: file.to_string(),
        slug_is_explicit,
        slug: page_slug,
        slug_at,
        title,
        description,
        updated,
        body,
    });
    (page, diagnostics)
}
