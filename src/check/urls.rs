//! Addresses that last: an article's `aliases` (the slugs it was published under before)
//! keep its old addresses working, so each must be a valid slug that no other article
//! holds.

use crate::diagnostic::{Code, Diagnostic, Position};
use crate::parse::article::Article;
use std::collections::HashMap;

pub fn check_aliases(articles: &[Article]) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let slugs: HashMap<&str, &Article> = articles.iter().map(|a| (a.slug.as_str(), a)).collect();
    // The first article (in file order) to claim an old address keeps it.
    let mut claimed: HashMap<&str, &Article> = HashMap::new();
    for article in articles {
        for (index, alias) in article.aliases.iter().enumerate() {
            let at = article.spans.aliases.get(index).copied().unwrap_or(Position::START);
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
