//! Which pages an edit touches. The shape of the linked site — who neighbours whom, which
//! topic lists which articles, what every page shows — is kept after each render; the next
//! render compares it with the new one and redoes only the pages whose inputs moved.

use crate::link::Site;
use crate::render::{Selection, site_context_json};
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};

/// What the pages of a linked site depend on beyond each article's own text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shape {
    /// The `site` context every page sees.
    pub site: String,
    /// Published articles by slug.
    pub articles: BTreeMap<String, ArticleShape>,
    /// Published articles' slugs by file.
    pub article_files: BTreeMap<String, String>,
    /// Each topic's articles, in listed order.
    pub topics: BTreeMap<String, Vec<String>>,
    /// Plain pages' slugs by file.
    pub page_files: BTreeMap<String, String>,
}

/// One article's place in the site.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ArticleShape {
    /// A fingerprint of the articles its page lists (related, then backlinks) and what it
    /// shows of each link; its page must be rendered again when this changes. A hash, not
    /// the list: this is computed for every article after every edit.
    pub links: u64,
    /// The slugs of those articles: their pages show this one's summary.
    pub neighbours: BTreeSet<String>,
    pub topics: Vec<String>,
}

impl Shape {
    pub fn of(site: &Site<'_>) -> Shape {
        let slug = |index: usize| site.articles[index].slug.clone();
        let mut shape = Shape {
            site: site_context_json(site),
            ..Shape::default()
        };
        for (index, article) in site.articles.iter().enumerate() {
            let mut links = std::collections::hash_map::DefaultHasher::new();
            let mut neighbours = BTreeSet::new();
            for related in &site.related[index] {
                let target = &site.articles[related.index].slug;
                (target, related.explicit, related.score.to_bits(), &related.reason).hash(&mut links);
                neighbours.insert(target.clone());
            }
            for &source in &site.backlinks[index] {
                ("<-", &site.articles[source].slug).hash(&mut links);
                neighbours.insert(slug(source));
            }
            let links = links.finish();
            shape.articles.insert(
                article.slug.clone(),
                ArticleShape {
                    links,
                    neighbours,
                    topics: article.topics.clone(),
                },
            );
            shape.article_files.insert(article.file.clone(), article.slug.clone());
        }
        for topic in &site.topics {
            shape
                .topics
                .insert(topic.slug.clone(), topic.articles.iter().map(|&i| slug(i)).collect());
        }
        for page in &site.pages {
            shape.page_files.insert(page.file.clone(), page.slug.clone());
        }
        shape
    }
}

/// What to render after an edit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Affected {
    /// What every page shows changed (a title, a count, the list of pages): all of them.
    Everything,
    /// These pages, and outputs to delete because their article, topic or page is gone.
    Some { selection: Selection, removed: Removed },
}

/// Slugs published before an edit and not after it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Removed {
    pub articles: BTreeSet<String>,
    pub topics: BTreeSet<String>,
    pub pages: BTreeSet<String>,
}

/// The pages to render again, given the site before and after and the content files whose
/// text changed in between.
pub fn affected(old: &Shape, new: &Shape, changed_files: &BTreeSet<String>) -> Affected {
    if old.site != new.site {
        return Affected::Everything;
    }
    let mut selection = Selection::default();
    let mut edited: BTreeSet<&str> = BTreeSet::new();
    for file in changed_files {
        edited.extend(old.article_files.get(file).map(String::as_str));
        edited.extend(new.article_files.get(file).map(String::as_str));
        selection.pages.extend(new.page_files.get(file).cloned());
    }
    for slug in &edited {
        for shape in [old.articles.get(*slug), new.articles.get(*slug)].into_iter().flatten() {
            // Its neighbours' pages and its topics' hubs show its summary.
            selection.articles.extend(shape.neighbours.iter().cloned());
            selection.topics.extend(shape.topics.iter().cloned());
        }
        selection.articles.insert(slug.to_string());
    }
    for (slug, shape) in &new.articles {
        if old.articles.get(slug).is_none_or(|before| before.links != shape.links) {
            selection.articles.insert(slug.clone());
        }
    }
    for (slug, members) in &new.topics {
        if old.topics.get(slug) != Some(members) {
            selection.topics.insert(slug.clone());
        }
    }
    // Only what still exists can be rendered.
    selection.articles.retain(|slug| new.articles.contains_key(slug));
    selection.topics.retain(|slug| new.topics.contains_key(slug));
    let new_pages: BTreeSet<&String> = new.page_files.values().collect();
    let removed = Removed {
        articles: gone(old.articles.keys(), |s| new.articles.contains_key(s)),
        topics: gone(old.topics.keys(), |s| new.topics.contains_key(s)),
        pages: gone(old.page_files.values(), |s| new_pages.contains(s)),
    };
    Affected::Some { selection, removed }
}

fn gone<'a>(before: impl Iterator<Item = &'a String>, still: impl Fn(&String) -> bool) -> BTreeSet<String> {
    before.filter(|s| !still(s)).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site of articles `(file, slug, topics, related slugs)`; backlinks are derived.
    fn shape(articles: &[(&str, &str, &[&str], &[&str])]) -> Shape {
        let mut shape = Shape {
            site: "site".into(),
            ..Shape::default()
        };
        for (file, slug, topics, related) in articles {
            let mut article = ArticleShape {
                topics: topics.iter().map(|t| t.to_string()).collect(),
                ..ArticleShape::default()
            };
            let mut links = Vec::new();
            for target in *related {
                links.push(target.to_string());
                article.neighbours.insert(target.to_string());
            }
            for (_, other, _, their_related) in articles {
                if their_related.contains(slug) {
                    links.push(format!("<- {other}"));
                    article.neighbours.insert(other.to_string());
                }
            }
            article.links = fingerprint(&links);
            shape.articles.insert(slug.to_string(), article);
            shape.article_files.insert(file.to_string(), slug.to_string());
            for topic in *topics {
                shape
                    .topics
                    .entry(topic.to_string())
                    .or_default()
                    .push(slug.to_string());
            }
        }
        shape
    }

    fn fingerprint(links: &[impl Hash]) -> u64 {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        links.hash(&mut hasher);
        hasher.finish()
    }

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn some(result: Affected) -> (Selection, Removed) {
        match result {
            Affected::Some { selection, removed } => (selection, removed),
            Affected::Everything => panic!("expected a partial render"),
        }
    }

    const SITE: &[(&str, &str, &[&str], &[&str])] = &[
        ("content/c/a.md", "a", &["cardio"], &["b"]),
        ("content/c/b.md", "b", &["cardio"], &[]),
        ("content/d/c.md", "c", &["diabetes"], &["a"]),
        ("content/d/d.md", "d", &["diabetes"], &[]),
    ];

    #[test]
    fn an_edit_renders_the_article_its_neighbours_and_its_topics() {
        let before = shape(SITE);
        let after = before.clone();
        let (selection, removed) = some(affected(&before, &after, &set(&["content/c/a.md"])));
        assert_eq!(
            selection.articles,
            set(&["a", "b", "c"]),
            "a, what it links to, what links to it"
        );
        assert_eq!(selection.topics, set(&["cardio"]));
        assert!(selection.pages.is_empty());
        assert_eq!(removed, Removed::default());
    }

    #[test]
    fn a_new_link_renders_both_ends_and_a_dropped_one_too() {
        let before = shape(SITE);
        let mut edited = SITE.to_vec();
        edited[3] = ("content/d/d.md", "d", &["diabetes"], &["b"]);
        edited[0] = ("content/c/a.md", "a", &["cardio"], &[]);
        let after = shape(&edited);
        let changed = set(&["content/c/a.md", "content/d/d.md"]);
        let (selection, _) = some(affected(&before, &after, &changed));
        assert_eq!(selection.articles, set(&["a", "b", "c", "d"]));
        assert_eq!(selection.topics, set(&["cardio", "diabetes"]));
    }

    #[test]
    fn moving_an_article_to_another_topic_renders_both_hubs() {
        let before = shape(SITE);
        let mut edited = SITE.to_vec();
        edited[1] = ("content/c/b.md", "b", &["diabetes"], &[]);
        let after = shape(&edited);
        let (selection, removed) = some(affected(&before, &after, &set(&["content/c/b.md"])));
        assert_eq!(selection.topics, set(&["cardio", "diabetes"]));
        assert_eq!(selection.articles, set(&["a", "b"]));
        assert!(removed.topics.is_empty());
    }

    #[test]
    fn a_new_slug_removes_the_old_page() {
        let before = shape(SITE);
        let mut edited = SITE.to_vec();
        edited[3] = ("content/d/d.md", "d2", &["diabetes"], &[]);
        let after = shape(&edited);
        let (selection, removed) = some(affected(&before, &after, &set(&["content/d/d.md"])));
        assert_eq!(selection.articles, set(&["d2"]));
        assert_eq!(removed.articles, set(&["d"]));
        assert_eq!(selection.topics, set(&["diabetes"]));
    }

    #[test]
    fn computed_links_that_move_elsewhere_are_rendered_too() {
        let before = shape(SITE);
        let mut after = before.clone();
        // The graph now ranks d's neighbours differently though d itself was not edited.
        after.articles.get_mut("d").unwrap().links = fingerprint(&["b score 0.4"]);
        let (selection, _) = some(affected(&before, &after, &set(&["content/c/b.md"])));
        assert!(selection.articles.contains("d"), "{selection:?}");
    }

    #[test]
    fn what_every_page_shows_changing_means_everything() {
        let before = shape(SITE);
        let mut after = before.clone();
        after.site = "site with one more page in the footer".into();
        assert_eq!(affected(&before, &after, &BTreeSet::new()), Affected::Everything);
    }

    #[test]
    fn a_plain_page_edit_renders_that_page() {
        let mut before = shape(SITE);
        before
            .page_files
            .insert("content/pages/about.md".into(), "about".into());
        let after = before.clone();
        let (selection, _) = some(affected(&before, &after, &set(&["content/pages/about.md"])));
        assert_eq!(selection.pages, set(&["about"]));
        assert!(selection.articles.is_empty());
    }

    #[test]
    fn an_unpublished_draft_touches_only_the_listings() {
        let before = shape(SITE);
        let (selection, removed) = some(affected(&before, &before.clone(), &set(&["content/c/draft.md"])));
        assert_eq!(selection, Selection::default());
        assert_eq!(removed, Removed::default());
    }
}
