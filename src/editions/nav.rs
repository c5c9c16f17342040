//! The edition switcher: for one page of one edition, where the same page lives in every
//! other edition — or that edition's home when it has no such page. Page sets are known
//! before anything is rendered, so no link points at a page that was not written.

use crate::date::Date;
use crate::render::context::DateView;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// The current site or one edition, as the switcher knows it.
#[derive(Clone, Debug)]
pub struct Place {
    /// `None` for the current site at the root.
    pub name: Option<String>,
    pub label: String,
    /// Site-absolute path of its home, ending with `/`: "/" or "/editions/2025/".
    pub base_path: String,
    /// Absolute address of its home.
    pub base_url: String,
    /// When the edition's commit was made; `None` for the current site.
    pub date: Option<Date>,
    /// Folders of its pages relative to its home ("", "questions/x/", …).
    pub pages: HashSet<String>,
}

/// The switcher as seen from one place (`this`); the current site is always `places[0]`.
#[derive(Clone, Copy)]
pub struct Nav<'p> {
    pub places: &'p [Place],
    pub this: usize,
}

/// The `editions` value every page's template receives (null when the site has none).
#[derive(Serialize)]
pub struct EditionsView {
    pub this: EditionLink,
    /// True on the current site, false on an older edition (which shows a banner).
    pub is_current: bool,
    /// This page in the current site, or the current home when it has no such page.
    pub current_url: String,
    pub current_has_page: bool,
    /// The current site first, then the editions, newest first.
    pub list: Vec<EditionLink>,
}

#[derive(Serialize)]
pub struct EditionLink {
    /// `null` for the current site.
    pub name: Option<String>,
    pub label: String,
    /// This page in that edition, or that edition's home.
    pub url: String,
    pub date: Option<DateView>,
    pub is_this: bool,
    /// The page does not exist there: `url` is the edition's home.
    pub fallback: bool,
}

impl<'p> Nav<'p> {
    pub fn new(places: &'p [Place], this: usize) -> Nav<'p> {
        Nav { places, this }
    }

    fn link(&self, index: usize, rel: &str) -> EditionLink {
        let place = &self.places[index];
        let has = place.pages.contains(rel);
        EditionLink {
            name: place.name.clone(),
            label: place.label.clone(),
            url: if has {
                format!("{}{rel}", place.base_path)
            } else {
                place.base_path.clone()
            },
            date: place.date.map(DateView::from),
            is_this: index == self.this,
            fallback: !has,
        }
    }

    /// The switcher for the page at `rel` (relative to this place's home).
    pub fn view(&self, rel: &str) -> EditionsView {
        let current = self.link(0, rel);
        EditionsView {
            this: self.link(self.this, rel),
            is_current: self.this == 0,
            current_url: current.url.clone(),
            current_has_page: !current.fallback,
            list: (0..self.places.len()).map(|i| self.link(i, rel)).collect(),
        }
    }

    /// For an older edition's page that also exists in the current site, the current
    /// page's absolute address: search engines and citations should point there.
    pub fn canonical(&self, rel: &str) -> Option<String> {
        let current = self.places.first()?;
        (self.this != 0 && current.pages.contains(rel)).then(|| format!("{}{rel}", current.base_url))
    }

    /// A digest of everything the switcher, banner and canonical links of this place's
    /// pages depend on: when it is unchanged, a cached rendering of the edition is still
    /// exactly what a new rendering would be.
    pub fn links_key(&self) -> String {
        let mut hash = Sha256::new();
        for place in self.places {
            hash.update(format!(
                "{:?}\n{}\n{}\n{}\n{:?}\n",
                place.name, place.label, place.base_path, place.base_url, place.date
            ));
        }
        hash.update(format!("this {}\n", self.this));
        let mut pages: Vec<&String> = self.places[self.this].pages.iter().collect();
        pages.sort();
        for page in pages {
            hash.update(page.as_bytes());
            let present: String = self
                .places
                .iter()
                .map(|p| if p.pages.contains(page) { '1' } else { '0' })
                .collect();
            hash.update(format!(" {present}\n"));
        }
        crate::text::hex(&hash.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(name: Option<&str>, base: &str, pages: &[&str]) -> Place {
        Place {
            name: name.map(str::to_string),
            label: name.unwrap_or("Current").to_string(),
            base_path: base.to_string(),
            base_url: format!("https://x.org{base}"),
            date: None,
            pages: pages.iter().map(|p| p.to_string()).collect(),
        }
    }

    fn places() -> Vec<Place> {
        vec![
            place(None, "/", &["", "questions/a/", "questions/b/"]),
            place(Some("2025"), "/editions/2025/", &["", "questions/a/", "questions/old/"]),
        ]
    }

    #[test]
    fn links_the_same_page_or_falls_back_to_the_edition_home() {
        let places = places();
        let view = Nav::new(&places, 0).view("questions/b/");
        assert_eq!(view.list[0].url, "/questions/b/");
        assert!(view.list[0].is_this && view.is_current);
        assert_eq!(view.list[1].url, "/editions/2025/");
        assert!(view.list[1].fallback);
        let view = Nav::new(&places, 0).view("questions/a/");
        assert_eq!(view.list[1].url, "/editions/2025/questions/a/");
    }

    #[test]
    fn an_older_edition_points_at_the_current_page_when_there_is_one() {
        let places = places();
        let nav = Nav::new(&places, 1);
        assert_eq!(
            nav.canonical("questions/a/").as_deref(),
            Some("https://x.org/questions/a/")
        );
        assert_eq!(nav.canonical("questions/old/"), None);
        let view = nav.view("questions/old/");
        assert!(!view.is_current && !view.current_has_page);
        assert_eq!(view.current_url, "/");
        assert_eq!(Nav::new(&places, 0).canonical("questions/a/"), None);
    }

    #[test]
    fn the_links_key_changes_only_with_what_the_pages_show() {
        let mut places = places();
        let before = Nav::new(&places, 1).links_key();
        places[0].pages.insert("questions/new/".into());
        assert_eq!(Nav::new(&places, 1).links_key(), before, "a page the edition lacks");
        places[0].pages.remove("questions/a/");
        assert_ne!(Nav::new(&places, 1).links_key(), before, "a page the edition has");
    }
}
