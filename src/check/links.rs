//! Links and images written in articles and pages that point into the site must lead
//! somewhere the build publishes: a page, a heading of that page, or a file (a theme file,
//! a file under `static/`, or a file beside the article). Each one that does not is
//! `link/broken` or `link/anchor`, at the link, with the nearest target that exists.

use crate::config::SiteConfig;
use crate::diagnostic::{Code, Diagnostic};
use crate::parse::ParsedContent;
use crate::parse::article::Article;
use crate::parse::markdown::{Link, RESERVED_IDS};
use crate::site_path::{STATIC_DIR, Target, percent_decode, resolve};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What the build publishes, as paths under the site root.
struct Published<'a> {
    /// Page folders (`questions/x/`, `` for home) → the ids a `#fragment` may name, when
    /// Evident knows them (article and plain pages); `None`: any fragment is accepted.
    pages: BTreeMap<String, Option<Anchors<'a>>>,
    files: BTreeSet<String>,
    /// Editions are snapshots of other commits: what they hold is not judged here.
    editions: bool,
}

struct Anchors<'a> {
    /// Headings of the text, which suggestions draw from.
    written: Vec<&'a str>,
    /// Numbered reference entries, `ref-1` to `ref-N`.
    references: usize,
}

impl Anchors<'_> {
    fn contains(&self, id: &str) -> bool {
        self.written.contains(&id)
            || RESERVED_IDS.contains(&id)
            || id
                .strip_prefix("ref-")
                .and_then(|n| n.parse::<usize>().ok())
                .is_some_and(|n| (1..=self.references).contains(&n))
    }
}

/// Every finding about links of articles and pages.
pub fn check_links(parsed: &ParsedContent, config: &SiteConfig) -> Vec<Diagnostic> {
    let root = parsed.site.root.as_deref();
    let published = published(parsed, config, root);
    // Each article's links judged on a core of their own, the findings kept in site order.
    let mut found: Vec<Diagnostic> = parsed
        .articles
        .par_iter()
        .flat_map_iter(|article| {
            let own = crate::site_path::article_dir(&article.slug);
            let beside = root.map(|root| article_folder(root, &article.file));
            article_links(article)
                .filter_map(|link| judge(link, &own, &article.file, beside.as_deref(), &published))
                .collect::<Vec<_>>()
        })
        .collect();
    for page in &parsed.pages {
        let own = format!("{}/", page.slug);
        for link in &page.body.links {
            found.extend(judge(link, &own, &page.file, None, &published));
        }
    }
    found
}

/// The links of an article's answers and body, in reading order.
pub fn article_links(article: &Article) -> impl Iterator<Item = &Link> {
    article.answers().flat_map(|a| a.links()).chain(article.body_links())
}

/// The files beside an article that its links name, which the build publishes in the
/// article's folder: site path → file on disk. Markdown files are never published.
pub fn files_beside(root: &Path, article: &Article) -> Vec<(String, PathBuf)> {
    let own = crate::site_path::article_dir(&article.slug);
    let folder = article_folder(root, &article.file);
    let mut files: Vec<(String, PathBuf)> = article_links(article)
        .filter_map(|link| match resolve(&own, &link.url)? {
            Target::Site { path, .. } => {
                let source = beside_file(&folder, &own, &path)?;
                Some((path, source))
            }
            _ => None,
        })
        .collect();
    files.sort();
    files.dedup();
    files
}

/// Every file under `static/`: path under the site root → file on disk, in path order.
pub fn static_files(root: &Path) -> Vec<(String, PathBuf)> {
    let dir = root.join(STATIC_DIR);
    if !dir.is_dir() {
        return Vec::new();
    }
    walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|entry| entry.file_type().is_file())
        .filter(|entry| !entry.file_name().to_string_lossy().starts_with('.'))
        .map(|entry| (crate::load::rel_path(&dir, entry.path()), entry.into_path()))
        .collect()
}

fn article_folder(root: &Path, file: &str) -> PathBuf {
    match file.rsplit_once('/') {
        Some((folder, _)) => root.join(folder),
        None => root.to_path_buf(),
    }
}

/// The file beside the article that the site path `path` (in the article's folder `own`)
/// names, if there is one.
fn beside_file(folder: &Path, own: &str, path: &str) -> Option<PathBuf> {
    let rest = path.strip_prefix(own)?;
    if rest.is_empty() || rest.ends_with('/') || rest.ends_with(".md") {
        return None;
    }
    let decoded = percent_decode(rest);
    if decoded.split('/').any(|part| part == ".." || part.starts_with('.')) {
        return None;
    }
    let source = folder.join(&decoded);
    // A symbolic link could lead out of the site: only plain files are published.
    let metadata = std::fs::symlink_metadata(&source).ok()?;
    metadata.is_file().then_some(source)
}

fn published<'a>(parsed: &'a ParsedContent, config: &SiteConfig, root: Option<&Path>) -> Published<'a> {
    let mut pages: BTreeMap<String, Option<Anchors<'a>>> = BTreeMap::new();
    for fixed in ["", "topics/", "graph/", "review/", "search/", "people/"] {
        pages.insert(fixed.to_string(), None);
    }
    let mut files: BTreeSet<String> = [
        "404.html",
        "sitemap.xml",
        "feed.xml",
        "robots.txt",
        "graph.json",
        "search-index.json",
    ]
    .into_iter()
    .map(str::to_string)
    .collect();
    // Each article's pages named on every core, then put in the map in site order, where
    // a later entry of a name replaces an earlier one as inserting them one by one did.
    let articles: Vec<(String, Option<Anchors<'a>>)> = parsed
        .articles
        .par_iter()
        .flat_map_iter(|article| {
            let own = crate::site_path::article_dir(&article.slug);
            let mut named = vec![(format!("{own}history/"), None)];
            named.extend((1..article.version).map(|version| (format!("{own}v/{version}/"), None)));
            // An old address: a page that sends readers on.
            named.extend(
                article
                    .aliases()
                    .iter()
                    .map(|alias| (crate::site_path::article_dir(alias), None)),
            );
            named.extend(article.topics.iter().map(|topic| (format!("topics/{topic}/"), None)));
            named.push((
                own,
                Some(Anchors {
                    written: article.body.headings.anchors().collect(),
                    references: article.citations.order.len(),
                }),
            ));
            named
        })
        .collect();
    // `extend` of a map inserts one by one: the later of two equal names replaces the other.
    pages.extend(articles);
    for page in &parsed.pages {
        pages.insert(
            format!("{}/", page.slug),
            Some(Anchors {
                written: page.body.anchors.iter().map(String::as_str).collect(),
                references: 0,
            }),
        );
    }
    for person in &parsed.people().people {
        pages.insert(format!("people/{}/", person.id), None);
    }
    files.extend(crate::embedded::THEME.iter().map(|(name, _)| format!("theme/{name}")));
    if let Some(root) = root {
        let theme = root.join("theme");
        if theme.is_dir() {
            files.extend(
                walkdir::WalkDir::new(&theme)
                    .into_iter()
                    .flatten()
                    .filter(|e| e.file_type().is_file())
                    .map(|e| format!("theme/{}", crate::load::rel_path(&theme, e.path()))),
            );
        }
        files.extend(static_files(root).into_iter().map(|(path, _)| path));
    }
    Published {
        pages,
        files,
        editions: !config.editions.list.is_empty() || config.editions.tags.is_some(),
    }
}

/// The finding for one link written on the page `own`, if it leads nowhere.
fn judge(link: &Link, own: &str, file: &str, beside: Option<&Path>, site: &Published<'_>) -> Option<Diagnostic> {
    let shown = &link.url;
    let Some(target) = resolve(own, &link.url) else {
        return Some(
            Diagnostic::new(
                Code::LinkBroken,
                file,
                link.at,
                format!("`{shown}` climbs above the site's root folder: it leads nowhere on the site"),
            )
            .with_hint("write the path from the site's root, e.g. `/images/scan.png`, or `@slug` for another question"),
        );
    };
    let (path, fragment) = match target {
        Target::Elsewhere => return None,
        Target::Fragment(fragment) => (own.to_string(), Some(fragment)),
        Target::Site { path, fragment } => (path, fragment),
    };
    let decoded = percent_decode(&path);
    if site.editions && decoded.starts_with("editions/") {
        return None;
    }
    let page = page_of(&decoded, site);
    if link.image {
        let is_file = site.files.contains(&decoded) || beside.is_some_and(|f| beside_file(f, own, &path).is_some());
        if is_file {
            return None;
        }
        return Some(broken(link, file, &decoded, page.is_some(), site));
    }
    match page {
        Some(page) => {
            let fragment = fragment.filter(|f| !f.is_empty())?;
            let Some(Some(anchors)) = site.pages.get(&page) else {
                return None;
            };
            let id = percent_decode(&fragment);
            if anchors.contains(&id) {
                return None;
            }
            let mut diagnostic = Diagnostic::new(
                Code::LinkAnchor,
                file,
                link.at,
                format!("`{shown}`: the page /{page} has no heading with the id `{id}`"),
            );
            diagnostic = match nearest(&id, anchors.written.iter().copied()) {
                Some(near) => diagnostic.with_hint(format!(
                    "did you mean `#{near}`? Headings' ids are their words in lower case, joined by hyphens"
                )),
                None if anchors.written.is_empty() => diagnostic
                    .with_hint("that page has no headings: link to the page itself, or add a `## heading` to it"),
                None => diagnostic.with_hint(format!(
                    "its headings are {}",
                    anchors
                        .written
                        .iter()
                        .take(5)
                        .map(|a| format!("`#{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
            Some(diagnostic)
        }
        None => {
            let is_file = site.files.contains(&decoded) || beside.is_some_and(|f| beside_file(f, own, &path).is_some());
            (!is_file).then(|| broken(link, file, &decoded, false, site))
        }
    }
}

/// The page folder `path` names (`questions/x`, `questions/x/index.html` and `questions/x/`
/// all name `questions/x/`), if the site has that page.
fn page_of(path: &str, site: &Published<'_>) -> Option<String> {
    let folder = path.strip_suffix("index.html").unwrap_or(path);
    let candidates = [folder.to_string(), format!("{folder}/")];
    candidates.into_iter().find(|c| site.pages.contains_key(c))
}

fn broken(link: &Link, file: &str, path: &str, is_page: bool, site: &Published<'_>) -> Diagnostic {
    let shown = &link.url;
    let message = if is_page {
        format!("the image `{shown}` names the page /{path}, not an image file")
    } else if link.url.starts_with('@') {
        let slug = link.url[1..].split('#').next().unwrap_or_default();
        format!("`{shown}`: there is no question with the slug `{slug}`")
    } else {
        format!("`{shown}` leads nowhere: the site publishes nothing at /{path}")
    };
    let wants_file = link.image || path.rsplit('/').next().is_some_and(|name| name.contains('.'));
    let hint = if wants_file {
        let near = nearest(
            path,
            site.files
                .iter()
                .map(String::as_str)
                .filter(|f| !f.starts_with("theme/")),
        )
        .or_else(|| nearest(path, site.files.iter().map(String::as_str)));
        let place = "put the file under `static/` (published at the same path) or beside the article and link to it by its name";
        match near {
            Some(near) => format!("did you mean `/{near}`? Otherwise {place}"),
            None => place.to_string(),
        }
    } else {
        let pages = site.pages.keys().map(String::as_str);
        let wanted = if link.url.starts_with('@') {
            format!("questions/{}/", link.url[1..].split('#').next().unwrap_or_default())
        } else {
            path.to_string()
        };
        match nearest(&wanted, pages) {
            Some(near) => match near.strip_prefix("questions/").map(|s| s.trim_end_matches('/')) {
                Some(slug) if !slug.contains('/') => {
                    format!("did you mean `@{slug}` (the question at /{near})? `@slug` links survive a new base path")
                }
                _ => format!("did you mean `/{near}`?"),
            },
            None => "link to a question with `@slug`, or to a page by its path from the site's root".to_string(),
        }
    };
    Diagnostic::new(Code::LinkBroken, file, link.at, message).with_hint(hint)
}

/// The candidate closest to `wanted` by edit distance (ties: the first in order), if any
/// is closer than replacing it entirely.
fn nearest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = wanted.chars().count().max(1);
    candidates
        .filter_map(|c| Some((crate::text::edit_distance(wanted, c, limit)?, c)))
        .filter(|(distance, c)| *distance < c.chars().count().max(wanted.chars().count()))
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::nearest;

    #[test]
    fn the_nearest_target_is_the_fewest_edits_away() {
        let pages = ["questions/metformin-first-line/", "questions/sglt2/", "topics/"];
        assert_eq!(
            nearest("questions/metformin-first-lne/", pages.into_iter()),
            Some("questions/metformin-first-line/")
        );
        assert_eq!(
            nearest("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", pages.into_iter()),
            None
        );
    }
}
