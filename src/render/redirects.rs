//! Old addresses of renamed articles (`aliases`): a page at each that sends readers and
//! search engines on (meta refresh, canonical, noindex, and a link to follow by hand), and
//! `_redirects`, in the syntax Netlify and Cloudflare Pages read, so that hosts which
//! support it answer with a permanent redirect instead.

use super::templates::{render_page, template_error};
use super::urls::{Urls, article_dir};
use crate::diagnostic::Diagnostic;
use crate::link::Site;
use crate::write::Sink;
use serde::Serialize;

/// The file hosts read redirects from, at the top of the output.
pub const REDIRECTS_FILE: &str = "_redirects";

#[derive(Serialize)]
struct RedirectView<'a> {
    question: &'a str,
    /// Where the article is now: site-absolute, and absolute.
    url: String,
    permalink: String,
}

/// Writes the redirect pages of the article at `index` in `site.articles`.
pub fn write_redirect_pages(
    site: &Site<'_>,
    tera: &tera::Tera,
    urls: &Urls,
    index: usize,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    let article = site.articles[index];
    let to = article_dir(&article.slug);
    let view = RedirectView {
        question: &article.question,
        url: urls.path(&to),
        permalink: urls.absolute(&to),
    };
    let mut ctx = tera::Context::new();
    ctx.insert("redirect", &view);
    article
        .aliases()
        .iter()
        .filter_map(|alias| {
            let output = format!("{}index.html", article_dir(alias));
            render_page(tera, "redirect.html", &ctx, &output, |bytes| {
                sink.write(&output, bytes)
                    .map_err(|error| template_error(&output, format!("{error:#}")))
            })
            .err()
        })
        .collect()
}

/// `_redirects`: one permanent redirect per old address, in the order of the articles.
/// Only static rules: Cloudflare Pages allows 2,000 of them but 100 with wildcards, and it
/// follows a rule even where a file exists; Netlify serves the redirect page there
/// instead, unless the rule is forced, which Cloudflare would not parse.
pub fn redirects_file(site: &Site<'_>, urls: &Urls) -> String {
    let mut text = String::from("# Written by Evident: old addresses of renamed questions (`aliases`).\n");
    for article in &site.articles {
        let to = urls.path(&article_dir(&article.slug));
        for alias in article.aliases() {
            let from = urls.path(&article_dir(alias));
            text.push_str(&format!("{from} {to} 301\n"));
        }
    }
    text
}

#[derive(Serialize)]
struct RetiredView<'a> {
    question: &'a str,
    date: String,
    reason: &'a str,
    /// The published questions that answer it now.
    replaced_by: Vec<ReplacementView<'a>>,
    /// Its version history, where the build publishes history pages.
    history_url: Option<String>,
}

/// A published question that answers a withdrawn one now.
#[derive(Serialize)]
pub struct ReplacementView<'a> {
    pub question: &'a str,
    pub url: String,
}

/// The published questions `retired` names as its replacements, in its order; a slug that
/// is not published is left out (the checks report it).
pub fn replacements<'a>(
    retired: &crate::parse::front_matter::Retired,
    site: &Site<'a>,
    urls: &Urls,
) -> Vec<ReplacementView<'a>> {
    retired
        .replaced_by
        .iter()
        .filter_map(|slug| site.articles.iter().find(|a| *a.slug == **slug))
        .map(|a| ReplacementView {
            question: &a.question,
            url: urls.path(&article_dir(&a.slug)),
        })
        .collect()
}

/// Writes the notice at the address of each withdrawn article (`retired:`): when and why,
/// the questions that replace it and, `with_history`, a link to its version history.
pub fn write_retired_pages(
    site: &Site<'_>,
    tera: &tera::Tera,
    urls: &Urls,
    with_history: bool,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    site.retired
        .iter()
        .filter_map(|article| {
            let retired = article.retired()?;
            let replaced_by = replacements(retired, site, urls);
            let view = RetiredView {
                question: &article.question,
                date: retired.date.to_string(),
                reason: &retired.reason,
                replaced_by,
                history_url: with_history.then(|| urls.path(&super::urls::history_dir(&article.slug))),
            };
            let dir = article_dir(&article.slug);
            let output = format!("{dir}index.html");
            let mut ctx = tera::Context::new();
            ctx.insert("retired", &view);
            ctx.insert("canonical", &Option::<String>::None);
            ctx.insert("page_url", &urls.path(&dir));
            ctx.insert("editions", &Option::<String>::None);
            render_page(tera, "retired.html", &ctx, &output, |bytes| {
                sink.write(&output, bytes)
                    .map_err(|error| template_error(&output, format!("{error:#}")))
            })
            .err()
        })
        .collect()
}
