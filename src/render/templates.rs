//! The site's templates: the built-in ones, each replaceable by a file of the same name in
//! the site's `templates/` folder.

use crate::diagnostic::{Code, Diagnostic, Position};
use crate::embedded;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use walkdir::WalkDir;

/// The site's templates compiled, and a digest of their sources: a page is a function of
/// its context and of these (Tera's own functions and filters read nothing else).
pub struct Templates {
    pub tera: tera::Tera,
    digest: [u8; 32],
}

impl Templates {
    /// A SHA-256 over every template's name and source.
    pub fn digest(&self) -> &[u8; 32] {
        &self.digest
    }
}

/// Loads built-in templates, then the site's overrides, and compiles them all once.
pub fn load_templates(root: &Path) -> Result<Templates, Vec<Diagnostic>> {
    let mut sources: BTreeMap<String, (String, String)> = embedded::TEMPLATES
        .iter()
        .map(|(name, text)| {
            (
                name.to_string(),
                (format!("built-in templates/{name}"), text.to_string()),
            )
        })
        .collect();
    let mut problems = Vec::new();
    let dir = root.join("templates");
    if dir.is_dir() {
        for entry in WalkDir::new(&dir).sort_by_file_name() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    problems.push(template_error(
                        "templates",
                        format!("cannot read the templates folder: {error}"),
                    ));
                    continue;
                }
            };
            if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let name = crate::load::rel_path(&dir, entry.path());
            let file = format!("templates/{name}");
            match std::fs::read_to_string(entry.path()) {
                Ok(text) => {
                    sources.insert(name, (file, text));
                }
                Err(error) => problems.push(template_error(&file, format!("cannot read the template: {error}"))),
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut digest = Sha256::new();
    for (name, (_, text)) in &sources {
        for part in [name.as_bytes(), text.as_bytes()] {
            digest.update((part.len() as u64).to_le_bytes());
            digest.update(part);
        }
    }
    let mut tera = tera::Tera::new();
    let templates: Vec<(&str, &str)> = sources
        .iter()
        .map(|(name, (_, text))| (name.as_str(), text.as_str()))
        .collect();
    if let Err(error) = tera.add_raw_templates(templates) {
        let message = error.to_string();
        let file = sources
            .iter()
            .find(|(name, _)| message.contains(name.as_str()))
            .map_or_else(|| "templates".to_string(), |(_, (file, _))| file.clone());
        return Err(vec![template_error(
            &file,
            format!("the template does not compile:\n{message}"),
        )]);
    }
    Ok(Templates {
        tera,
        digest: digest.finalize().into(),
    })
}

thread_local! {
    /// Each thread's page buffer, reused from page to page: ten thousand article pages of
    /// 30 KB each would otherwise each grow a fresh buffer, and fault in fresh memory.
    static PAGE: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Renders `template` with `ctx` (the page at `output`) and hands the bytes to `use_page`.
pub fn render_page<T>(
    tera: &tera::Tera,
    template: &str,
    ctx: &tera::Context,
    output: &str,
    use_page: impl FnOnce(&[u8]) -> Result<T, Diagnostic>,
) -> Result<T, Diagnostic> {
    // Taken out of the cell while in use, so that no nesting could ever share it.
    let mut bytes = PAGE.take();
    bytes.clear();
    let result = match tera.render_to(template, ctx, &mut bytes) {
        Ok(()) => use_page(&bytes),
        Err(error) => Err(template_error(
            &format!("templates/{template}"),
            format!("rendering {output} failed:\n{error}"),
        )),
    };
    PAGE.set(bytes);
    result
}

pub fn template_error(file: &str, message: String) -> Diagnostic {
    Diagnostic::new(Code::TemplateError, file, Position::START, message)
        .with_hint("fix the template named here, or remove it to use the built-in one")
}
