//! Addresses that last: an article's `aliases` (the slugs it was published under before)
//! keep its old addresses working, so each must be a valid slug that no other article
//! holds; and no address the last published site had — in the previous output, or in the
//! latest edition — may disappear without one (`url/removed`).

use crate::diagnostic::{Code, Diagnostic, Position};
use crate::parse::article::Article;
use std::collections::{HashMap, HashSet};

pub fn check_aliases(articles: &[Article]) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let slugs: HashMap<&str, &Article> = articles.iter().map(|a| (a.slug.as_ref(), a)).collect();
    // The first article (in file order) to claim an old address keeps it.
    let mut claimed: HashMap<&str, &Article> = HashMap::new();
    for article in articles {
        for (index, alias) in article.aliases().iter().enumerate() {
            let at = article.alias_place(index).unwrap_or(Position::START);
            if let Some((message, hint)) = super::slug_problem(alias, true) {
                found.push(
                    Diagnostic::new(
                        Code::FrontmatterInvalidValue,
                        &article.file,
                        at,
                        format!("alias {message}"),
                    )
                    .with_hint(hint),
                );
                continue;
            }
            if let Some(holder) = slugs.get(alias.as_str()) {
                let message = if holder.file == article.file {
                    format!("`{alias}` is this article's own slug: an alias is an address it had before")
                } else {
                    format!(
                        "`{alias}` is the slug of {}: its address cannot redirect here",
                        holder.file
                    )
                };
                found.push(
                    Diagnostic::new(Code::SlugDuplicate, &article.file, at, message)
                        .with_hint("remove it from `aliases`"),
                );
                continue;
            }
            match claimed.get(alias.as_str()) {
                Some(first) => found.push(
                    Diagnostic::new(
                        Code::SlugDuplicate,
                        &article.file,
                        at,
                        format!("the old address `{alias}` already redirects to {}", first.file),
                    )
                    .with_hint("an old address can lead to one article only: remove one of the two aliases"),
                ),
                None => {
                    claimed.insert(alias, article);
                }
            }
        }
    }
    found
}

/// An address the last published site had, and where a finding about it points.
#[derive(Clone, Debug)]
pub struct Published {
    /// The absolute URL.
    pub url: String,
    /// Where it is written (the previous output's sitemap or `_redirects`), or the file
    /// where it must be kept (the article that had it in the edition).
    pub file: String,
    pub at: Position,
    /// The edition that published it, and the file whose question it was there; `None`:
    /// the previous output did.
    pub edition: Option<(String, String)>,
    /// It was the notice of a withdrawn question.
    pub withdrawn: bool,
}

/// The addresses of the previous output's `file` (its sitemap or `_redirects`, as `locs`
/// reads them), each at its line.
pub fn previously_published(file: &str, locs: Vec<(String, Position)>) -> Vec<Published> {
    locs.into_iter()
        .map(|(url, at)| Published {
            url,
            file: file.to_string(),
            at,
            edition: None,
            withdrawn: false,
        })
        .collect()
}

/// `url/removed` for every address the last published site had (`previous`: the previous
/// output's and the latest edition's, each reported once, at its first mention) that the
/// new one does not have (`next`), unless an alias redirects it or its article is still
/// in the content, only held back (pending review, a draft) or withdrawn. Addresses outside
/// `base_url` are not judged: the site moved, and the old host must redirect.
pub fn check_removed_urls(
    previous: Vec<Published>,
    next: &HashSet<String>,
    base_url: &str,
    articles: &[Article],
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut judged: HashSet<String> = HashSet::new();
    for published in previous {
        if next.contains(&published.url) || !judged.insert(published.url.clone()) {
            continue;
        }
        let Some(path) = published.url.strip_prefix(base_url) else {
            continue;
        };
        let slug = path
            .strip_prefix("questions/")
            .and_then(|rest| rest.strip_suffix('/'))
            .filter(|slug| !slug.contains('/'));
        if let Some(slug) = slug
            && articles
                .iter()
                .any(|a| *a.slug == *slug || a.aliases().iter().any(|alias| alias == slug))
        {
            continue;
        }
        let hint = match slug {
            Some(slug) => removed_question_hint(slug, &published, articles),
            None => "restore the page, or have the host redirect its address".to_string(),
        };
        let when = match &published.edition {
            Some((name, file)) => format!(" in edition `{name}` (for {file})"),
            None => String::new(),
        };
        found.push(
            Diagnostic::new(
                Code::UrlRemoved,
                &published.file,
                published.at,
                format!(
                    "{} was published{when} and would disappear: links to it from other sites would break",
                    published.url
                ),
            )
            .with_hint(hint),
        );
    }
    found
}

/// Where the old address `slug` should lead now, as a hint.
fn removed_question_hint(slug: &str, published: &Published, articles: &[Article]) -> String {
    // The article now in the file that had the address, else one whose file is still named
    // after it (a slug changed in front matter leaves the file's name as it was), else the
    // nearest slug.
    let nearest = articles
        .iter()
        .find(|a| *a.file == *published.file)
        .or_else(|| {
            articles
                .iter()
                .find(|a| crate::parse::article::file_stem(&a.file) == slug)
        })
        .or_else(|| {
            crate::diagnostic::did_you_mean(slug, articles.iter().map(|a| a.slug.as_ref()))
                .and_then(|near| articles.iter().find(|a| *a.slug == *near))
        });
    let redirect = match nearest {
        Some(article) => format!(
            "if the question moved to `{}`, add `aliases: [{slug}]` to {} so that the old address redirects there",
            article.slug, article.file
        ),
        None => format!(
            "add `aliases: [{slug}]` to the article that answers it now, so that the old address redirects there"
        ),
    };
    if published.withdrawn {
        format!(
            "it was the notice of a withdrawn question: keep its file, with its `retired:` note, so that the notice stays; or {redirect}"
        )
    } else {
        redirect
    }
}

/// The old addresses a `_redirects` file redirects (its first column, a path), as
/// absolute URLs of the site at `base_url`, with where each is written.
pub fn redirected_addresses(text: &str, base_url: &str) -> Vec<(String, Position)> {
    let after_scheme = base_url.find("://").map_or(0, |i| i + 3);
    let origin = match base_url[after_scheme..].find('/') {
        Some(i) => &base_url[..after_scheme + i],
        None => base_url,
    };
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with('#'))
        .filter_map(|(n, line)| {
            let from = line.split_whitespace().next()?;
            let column = line.len() - line.trim_start().len() + 1;
            from.starts_with('/')
                .then(|| (format!("{origin}{from}"), Position::new(n as u32 + 1, column as u32)))
        })
        .collect()
}

/// Every `<loc>` of a sitemap with where it is written.
pub fn sitemap_locs(xml: &str) -> Vec<(String, Position)> {
    let lines = crate::load::LineIndex::new(xml);
    let mut locs = Vec::new();
    let mut from = 0;
    while let Some(start) = xml[from..].find("<loc>").map(|i| from + i + "<loc>".len()) {
        let Some(end) = xml[start..].find("</loc>").map(|i| start + i) else {
            break;
        };
        let loc = xml[start..end]
            .trim()
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&");
        locs.push((loc, lines.position(start)));
        from = end;
    }
    locs
}

/// A withdrawn article's `replaced_by` must name questions readers can go to.
pub fn check_retired(articles: &[Article]) -> Vec<Diagnostic> {
    let by_slug: HashMap<&str, &Article> = articles.iter().map(|a| (a.slug.as_ref(), a)).collect();
    let mut found = Vec::new();
    for article in articles {
        let Some(retired) = article.retired() else { continue };
        for slug in &retired.replaced_by {
            let problem = match by_slug.get(slug.as_str()) {
                None => Some(format!(
                    "`retired.replaced_by` names `{slug}`, but no question has that slug"
                )),
                Some(target) if target.is_retired() => {
                    Some(format!("`retired.replaced_by` names `{slug}`, which is withdrawn too"))
                }
                Some(_) => None,
            };
            if let Some(message) = problem {
                let hint = match crate::diagnostic::did_you_mean(
                    slug,
                    articles.iter().filter(|a| !a.is_retired()).map(|a| a.slug.as_ref()),
                ) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => "name the slug of a question that answers it now".to_string(),
                };
                found.push(
                    Diagnostic::new(Code::LinkBroken, &article.file, article.retired_place(), message).with_hint(hint),
                );
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::sitemap_locs;

    #[test]
    fn reads_every_address_of_a_sitemap_where_it_is_written() {
        let xml = "<urlset>\n<url><loc>https://kb.example.org/a?x=1&amp;y=2</loc></url>\n  <url><loc> https://kb.example.org/b/ </loc></url>\n</urlset>";
        let locs = sitemap_locs(xml);
        assert_eq!(locs.len(), 2);
        assert_eq!(locs[0].0, "https://kb.example.org/a?x=1&y=2");
        assert_eq!((locs[0].1.line, locs[0].1.column), (2, 11));
        assert_eq!(locs[1].0, "https://kb.example.org/b/");
        assert_eq!(locs[1].1.line, 3);
        assert!(sitemap_locs("<loc>unclosed").is_empty());
    }

    #[test]
    fn reads_the_old_addresses_of_a_redirects_file() {
        let text = "# comment\n/kb/questions/old/ /kb/questions/new/ 301\n\n  /kb/x/ /kb/y/ 301\n";
        let addresses = super::redirected_addresses(text, "https://example.org/kb/");
        let shown: Vec<(&str, u32, u32)> = addresses
            .iter()
            .map(|(a, at)| (a.as_str(), at.line, at.column))
            .collect();
        assert_eq!(
            shown,
            [
                ("https://example.org/kb/questions/old/", 2, 1),
                ("https://example.org/kb/x/", 4, 3)
            ]
        );
    }
}
