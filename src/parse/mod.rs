//! Stage 2, parse: turns each loaded file into typed data — front matter, rendered Markdown,
//! numbered citations — in parallel. Output: articles, pages, and the findings of parsing.

pub mod article;
pub mod citation;
pub mod evidence;
pub mod fields;
pub mod front_matter;
pub mod highlight;
pub mod markdown;
pub mod page;
pub mod yaml;

use crate::bibliography::{Bibliography, parse_bibliography};
use crate::diagnostic::Diagnostic;
use crate::load::{ContentFile, LoadedContent, SourceKind, find_content, load_bibliography};
use article::{Article, ParsedArticle, parse_article_in};
use page::{Page, parse_page};
use rayon::prelude::*;
use std::path::Path;

#[derive(Debug, Default)]
pub struct ParsedContent {
    pub articles: Vec<Article>,
    pub pages: Vec<Page>,
    /// The shared bibliography that articles' keys fall back to.
    pub bibliography: Bibliography,
    pub diagnostics: Vec<Diagnostic>,
}

impl ParsedContent {
    /// Frees what only the checks read, once they have run: where each field is written
    /// and every use of a citation key (a tenth of a large site's parsed articles). The
    /// pages need neither; `serve`, which checks again after each edit, keeps them.
    pub fn drop_check_details(&mut self) {
        self.articles.par_iter_mut().for_each(|article| {
            article.spans = article::Spans::default();
            article.citations.uses = Vec::new();
        });
    }

    /// Frees the articles on every core: ten thousand articles are millions of small
    /// allocations, and freeing them on one thread took 80 ms at the end of every build.
    pub fn drop_in_parallel(self) {
        self.articles.into_par_iter().for_each(drop);
    }
}

pub fn parse_content(loaded: &LoadedContent) -> ParsedContent {
    let (bibliography, bibliography_findings) = parse_bibliography(&loaded.bibliography);
    let articles: Vec<_> = loaded
        .articles
        .par_iter()
        .map(|source| parse_article_in(source, &bibliography))
        .collect();
    let pages: Vec<_> = loaded.pages.par_iter().map(parse_page).collect();
    ParsedContent::assemble(bibliography, bibliography_findings, articles, pages)
}

/// Reads and parses every content file under `root`, each text dropped as soon as it is
/// parsed: what `load_content` then `parse_content` give, without ever holding every
/// text at once (on a large site they are a quarter of the parsed articles' size). What
/// stays of each file is its `ContentFile`.
pub fn read_and_parse(root: &Path) -> (LoadedContent<ContentFile>, ParsedContent) {
    let found = find_content(root);
    let (bibliography_files, bibliography_problems) = load_bibliography(root);
    let (bibliography, bibliography_findings) = parse_bibliography(&bibliography_files);
    let parsed: Vec<(Result<ContentFile, Diagnostic>, Option<FileParse>)> = found
        .files
        .par_iter()
        .map(|(path, kind)| match found.read(root, path) {
            Ok(source) => {
                let parse = match kind {
                    SourceKind::Article => FileParse::Article(parse_article_in(&source, &bibliography)),
                    SourceKind::Page => FileParse::Page(parse_page(&source)),
                };
                (Ok(source.into_content_file()), Some(parse))
            }
            Err(unreadable) => (Err(unreadable), None),
        })
        .collect();
    let mut loaded = LoadedContent {
        diagnostics: found.diagnostics,
        bibliography: bibliography_files,
        ..LoadedContent::default()
    };
    let mut articles = Vec::new();
    let mut pages = Vec::new();
    for (file, parse) in parsed {
        match (file, parse) {
            (Ok(file), Some(FileParse::Article(article))) => {
                loaded.articles.push(file);
                articles.push(article);
            }
            (Ok(file), Some(FileParse::Page(page))) => {
                loaded.pages.push(file);
                pages.push(page);
            }
            (Err(unreadable), _) => loaded.diagnostics.push(unreadable),
            (Ok(_), None) => {}
        }
    }
    loaded.diagnostics.extend(bibliography_problems);
    let parsed = ParsedContent::assemble(bibliography, bibliography_findings, articles, pages);
    (loaded, parsed)
}

// Pages are a handful beside thousands of articles: boxing the article to even out the
// variants would cost an allocation for each.
#[allow(clippy::large_enum_variant)]
enum FileParse {
    Article(ParsedArticle),
    Page((Option<Page>, Vec<Diagnostic>)),
}

impl ParsedContent {
    /// The parsed files in order, their findings after the bibliography's.
    fn assemble(
        bibliography: Bibliography,
        bibliography_findings: Vec<Diagnostic>,
        articles: Vec<ParsedArticle>,
        pages: Vec<(Option<Page>, Vec<Diagnostic>)>,
    ) -> ParsedContent {
        // Sized once: grown by doubling, ten thousand articles of a kilobyte each left
        // 6 MB of the list unused for the whole build.
        let mut parsed = ParsedContent {
            bibliography,
            diagnostics: bibliography_findings,
            articles: Vec::with_capacity(articles.len()),
            pages: Vec::with_capacity(pages.len()),
        };
        for result in articles {
            parsed.diagnostics.extend(result.diagnostics);
            parsed.articles.extend(result.article);
        }
        for (page, diagnostics) in pages {
            parsed.diagnostics.extend(diagnostics);
            parsed.pages.extend(page);
        }
        parsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_content;

    /// Articles by file and question, pages by file, findings by file and code.
    type Summary = (Vec<(String, String)>, Vec<String>, Vec<(String, String)>);

    fn summary(articles: &[Article], pages: &[Page], findings: impl Iterator<Item = Diagnostic>) -> Summary {
        (
            articles.iter().map(|a| (a.file.clone(), a.question.clone())).collect(),
            pages.iter().map(|p| p.file.clone()).collect(),
            findings.map(|d| (d.file, d.code.to_string())).collect(),
        )
    }

    #[test]
    fn reading_while_parsing_gives_what_loading_then_parsing_gives() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        for dir in ["content/heart", "content/lungs", "content/pages", "references"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        let article =
            |q: &str| format!("---\nquestion: \"{q}\"\nanswer: An answer.\ncreated: 2026-01-08\n---\n\nText.\n");
        std::fs::write(root.join("content/heart/b.md"), article("B?")).unwrap();
        std::fs::write(root.join("content/heart/a.md"), article("A?")).unwrap();
        std::fs::write(root.join("content/lungs/c.md"), "---\nquestion: [unclosed\n---\n").unwrap();
        std::fs::write(root.join("content/lungs/d.md"), b"---\nquestion: \xff\n---\n").unwrap();
        std::fs::write(root.join("content/pages/about.md"), "---\ntitle: About\n---\n\nUs.\n").unwrap();
        std::fs::write(root.join("references/shared.yaml"), "- id: [unclosed\n").unwrap();

        let loaded = load_content(root);
        let parsed = parse_content(&loaded);
        let (files, streamed) = read_and_parse(root);
        let expected = summary(
            &parsed.articles,
            &parsed.pages,
            loaded.diagnostics.iter().chain(&parsed.diagnostics).cloned(),
        );
        let got = summary(
            &streamed.articles,
            &streamed.pages,
            files.diagnostics.iter().chain(&streamed.diagnostics).cloned(),
        );
        assert_eq!(got, expected);
        assert_eq!(expected.0.len(), 2, "{expected:?}");
        assert_eq!(expected.1, ["content/pages/about.md"]);
        for code in ["content/unreadable", "frontmatter/syntax", "bibliography/syntax"] {
            assert!(
                expected.2.iter().any(|(_, c)| c == code),
                "{code} missing from {expected:?}"
            );
        }
        let names = |files: &[ContentFile]| files.iter().map(|f| f.rel_path.clone()).collect::<Vec<_>>();
        let source_names =
            |files: &[crate::load::SourceFile]| files.iter().map(|f| f.rel_path.clone()).collect::<Vec<_>>();
        assert_eq!(names(&files.articles), source_names(&loaded.articles));
        assert_eq!(names(&files.pages), source_names(&loaded.pages));
        assert_eq!(files.bibliography.len(), loaded.bibliography.len());
    }
}
