//! The question addresses an edition published — its articles' pages, their old
//! addresses (`aliases`) and its withdrawal notices — which later builds must keep
//! (`url/removed`, judged in `check::urls`), even when they start from an empty folder.

use super::Edition;
use crate::check::urls::Published;
use crate::config::CONFIG_FILE;
use crate::parse::article::Article;
use crate::render::urls::{Urls, article_dir};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// An address under `/questions/` that an edition published: the addresses later builds
/// must keep (`url/removed`), read from the edition's own content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditionAddress {
    pub slug: String,
    /// The file of the article it belonged to, in the edition's commit.
    pub file: String,
    pub kind: AddressKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressKind {
    /// The article's own page.
    Article,
    /// A redirect page at an old slug (`aliases`).
    Alias,
    /// The notice of a withdrawn article (`retired:`).
    Withdrawn,
}

/// Every question address `site` publishes: its articles' pages, their old addresses and
/// the notices of withdrawn articles.
pub(super) fn addresses_of(site: &crate::link::Site<'_>) -> Vec<EditionAddress> {
    let address = |slug: &str, file: &str, kind| EditionAddress {
        slug: slug.to_string(),
        file: file.to_string(),
        kind,
    };
    let mut addresses = Vec::new();
    for article in &site.articles {
        addresses.push(address(&article.slug, &article.file, AddressKind::Article));
        for alias in article.aliases() {
            addresses.push(address(alias, &article.file, AddressKind::Alias));
        }
    }
    for article in &site.retired {
        addresses.push(address(&article.slug, &article.file, AddressKind::Withdrawn));
    }
    addresses
}

/// The question addresses `edition` published, as URLs of the site at `base_url`. A
/// finding about one points at the `slug:` line of the article that is still in the
/// file that had it (where the alias goes), else at the line of `evident.yaml` that made
/// the edition.
pub fn published(
    edition: &Edition,
    addresses: &[EditionAddress],
    base_url: &str,
    articles: &[Article],
) -> Vec<Published> {
    let urls = Urls::new(base_url);
    let by_file: HashMap<&str, &Article> = articles.iter().map(|a| (a.file.as_ref(), a)).collect();
    addresses
        .iter()
        .map(|address| {
            let (file, at) = match by_file.get(address.file.as_str()) {
                Some(article) if article.places.slug_is_explicit => (article.file.to_string(), article.places.slug),
                Some(article) => (article.file.to_string(), article.places.question),
                None => (CONFIG_FILE.to_string(), edition.at),
            };
            Published {
                url: urls.absolute(&article_dir(&address.slug)),
                file,
                at,
                edition: Some((edition.name.clone(), address.file.clone())),
                withdrawn: address.kind == AddressKind::Withdrawn,
            }
        })
        .collect()
}
