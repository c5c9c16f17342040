//! What few articles have, or what only one check or the article's own page reads: held
//! behind one box (`Article::rare`), absent for an article with none of it.
//!
//! Held in the article itself, these fields were 360 bytes of every `Article` for the
//! whole build (a `String`, `Vec` or `Option` of 24 bytes each, and the places of aliases
//! and of `retired:`), though a generated site sets none of them and a written one sets
//! a title and the authors' declarations. `Article`'s accessors read them as if they were
//! its own fields.

use super::answer::Answer;
use super::evidence::Claim;
use super::front_matter::{Change, Retired};
use super::markdown::Link;
use crate::diagnostic::Position;
use crate::standards::readability::Scored;
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Rare {
    pub title: Option<String>,
    /// Its text in memory, its HTML packed for the page, as the answer's.
    pub plain_answer: Option<Answer>,
    pub changes: Vec<Change>,
    /// Slugs the article was published under before: each old address redirects to it.
    pub aliases: Vec<String>,
    /// Where each alias is written, in the order of `aliases`.
    pub alias_places: Vec<Position>,
    /// Withdrawn: published as a notice at its address, left out of everything else.
    pub retired: Option<Retired>,
    /// Where `retired:` is written.
    pub retired_place: Position,
    /// Local URLs of the images its texts embed: their bytes are part of its approval.
    pub embedded: Vec<String>,
    /// Ids of its authors in the people registry, as written.
    pub authors: Vec<String>,
    /// Who paid for the work, and what its authors declare; "None declared" is explicit,
    /// `None` means the article does not say.
    pub funding: Option<String>,
    pub conflicts: Option<String>,
    /// The strength of the evidence behind the answer, as written; judged against the
    /// site's scale (`standards.grading`) by `crate::standards`.
    pub grade: Option<String>,
    /// Reading grades of the texts written for patients (`crate::standards::readability`):
    /// scored while the text is at hand, and judged against the site's target later.
    pub readability: Vec<Scored>,
    /// Links of the body to pages of the site (see `Rendered::links`); the answers keep
    /// their own.
    pub body_links: Vec<Link>,
    /// Links of the body to other sites, for `check --external`.
    pub body_external: Vec<Link>,
    /// Bullets and paragraphs of the body under `##` headings that cite nothing and do not
    /// introduce a list, for `citation/uncited-claim`. The cited ones are not kept: nothing
    /// judges them, and a large site has hundreds of thousands.
    // Empty once judged (`Article::forget_what_only_checks_read`): never stored.
    #[serde(skip)]
    pub uncited_claims: Vec<Claim>,
}

impl Rare {
    /// Whether it holds nothing an article would show or a check would read: such an
    /// article holds no box at all. `retired_place` is read only beside `retired`.
    pub fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.plain_answer.is_none()
            && self.changes.is_empty()
            && self.aliases.is_empty()
            && self.alias_places.is_empty()
            && self.retired.is_none()
            && self.embedded.is_empty()
            && self.authors.is_empty()
            && self.funding.is_none()
            && self.conflicts.is_none()
            && self.grade.is_none()
            && self.readability.is_empty()
            && self.body_links.is_empty()
            && self.body_external.is_empty()
            && self.uncited_claims.is_empty()
    }

    /// Boxed, or `None` when it holds nothing.
    pub fn boxed(self) -> Option<Box<Rare>> {
        (!self.is_empty()).then(|| Box::new(self))
    }
}
