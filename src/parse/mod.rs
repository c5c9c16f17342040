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
use crate::load::LoadedContent;
use article::{Article, parse_article_in};
use page::{Page, parse_page};
use rayon::prelude::*;

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
    let mut parsed = ParsedContent {
        bibliography,
        diagnostics: bibliography_findings,
        ..ParsedContent::default()
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
