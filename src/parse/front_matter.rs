//! The typed fields an editor writes in an article's front matter.

use crate::date::{Date, PublicationDate};
use serde::{Deserialize, Deserializer, Serialize};

/// Every top-level field an article may have; anything else is a finding.
pub const ARTICLE_FIELDS: &[&str] = &[
    "question",
    "title",
    "slug",
    "answer",
    "plain_answer",
    "topics",
    "audience",
    "created",
    "updated",
    "version",
    "changes",
    "review",
    "references",
    "related",
    "aliases",
    "retired",
    "authors",
    "funding",
    "conflicts",
    "grade",
];

pub const PAGE_FIELDS: &[&str] = &["title", "description", "slug", "updated"];

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Clinician,
    Patient,
    #[default]
    All,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Clinician => "clinician",
            Audience::Patient => "patient",
            Audience::All => "all",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Audience::Clinician => "Clinicians",
            Audience::Patient => "Patients",
            Audience::All => "Everyone",
        }
    }
}

/// Where an article stands in editorial review. The order is the workflow's order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    #[default]
    Draft,
    Submitted,
    UnderReview,
    Approved,
}

impl ReviewStatus {
    pub const ALL: [ReviewStatus; 4] = [
        ReviewStatus::Draft,
        ReviewStatus::Submitted,
        ReviewStatus::UnderReview,
        ReviewStatus::Approved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Draft => "draft",
            ReviewStatus::Submitted => "submitted",
            ReviewStatus::UnderReview => "under_review",
            ReviewStatus::Approved => "approved",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReviewStatus::Draft => "Draft",
            ReviewStatus::Submitted => "Submitted",
            ReviewStatus::UnderReview => "Under review",
            ReviewStatus::Approved => "Approved",
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    #[serde(default)]
    pub status: ReviewStatus,
    /// The day the text was submitted for review (written by `evident submit`, kept by
    /// `claim`): what the review queue counts the wait from.
    #[serde(default)]
    pub submitted: Option<Date>,
    #[serde(default)]
    pub reviewers: Vec<Reviewer>,
    #[serde(default)]
    pub approved_hash: Option<String>,
    /// A short hash per reviewable part at approval, written by `evident approve`, so a
    /// stale approval can say what changed.
    #[serde(default)]
    pub approved_parts: Option<std::collections::BTreeMap<String, String>>,
    /// When the approval must be renewed, in place of the last review date plus the
    /// configured interval (`review.interval`).
    #[serde(default)]
    pub next_due: Option<Date>,
    /// The commit the site's repository was at when the text was approved (written by
    /// `evident approve`): where the next approval finds the text to show a diff against.
    #[serde(default)]
    pub commit: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reviewer {
    /// The reviewer's id in the people registry (`people/<id>.md`).
    #[serde(default)]
    pub id: Option<String>,
    /// A name written by hand, from before the registry; only sites with `signatures: off`
    /// may show it.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub date: Option<Date>,
    /// The reviewer's SSH signature over the approval statement (`review::signature`),
    /// base64 without the armour lines.
    #[serde(default)]
    pub signature: Option<String>,
}

impl Reviewer {
    /// How findings and the terminal name this entry: its id, else its written name.
    pub fn label(&self) -> &str {
        self.id
            .as_deref()
            .or(self.name.as_deref())
            .unwrap_or("an unnamed reviewer")
    }
}

/// `retired:`: the article is withdrawn. Its page says so, why, and where to read instead;
/// it leaves every listing, and its address stays.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Retired {
    pub date: Date,
    pub reason: String,
    /// Slugs of the questions that answer it now.
    #[serde(default)]
    pub replaced_by: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub version: u32,
    pub date: Date,
    pub summary: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceKind {
    Guideline,
    Research,
    Review,
    Textbook,
    Web,
    Other,
}

impl ReferenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReferenceKind::Guideline => "guideline",
            ReferenceKind::Research => "research",
            ReferenceKind::Review => "review",
            ReferenceKind::Textbook => "textbook",
            ReferenceKind::Web => "web",
            ReferenceKind::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReferenceKind::Guideline => "Guideline",
            ReferenceKind::Research => "Research",
            ReferenceKind::Review => "Review",
            ReferenceKind::Textbook => "Textbook",
            ReferenceKind::Web => "Web page",
            ReferenceKind::Other => "Other",
        }
    }
}

/// A source an article cites, as the editor typed it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: ReferenceKind,
    pub title: String,
    #[serde(default)]
    pub authors: Vec<String>,
    /// A book's editors (of the book a chapter is in, for a chapter), written like authors.
    #[serde(default)]
    pub editors: Vec<String>,
    /// The book a chapter is in: with it, a `textbook` reference is that chapter.
    #[serde(default)]
    pub book_title: Option<String>,
    #[serde(default)]
    pub journal: Option<String>,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub year: Option<i32>,
    /// The day or month of publication (`2024-03-07`, `2024-03`), beside `year`: AMA prints
    /// it for papers online ahead of print, preprints and web pages.
    #[serde(default)]
    pub date: Option<PublicationDate>,
    #[serde(default, deserialize_with = "text_or_number")]
    pub volume: Option<String>,
    #[serde(default, deserialize_with = "text_or_number")]
    pub issue: Option<String>,
    #[serde(default, deserialize_with = "text_or_number")]
    pub pages: Option<String>,
    #[serde(default, deserialize_with = "text_or_number")]
    pub edition: Option<String>,
    #[serde(default)]
    pub doi: Option<String>,
    #[serde(default, deserialize_with = "text_or_number")]
    pub pmid: Option<String>,
    #[serde(default)]
    pub pmcid: Option<String>,
    #[serde(default, deserialize_with = "text_or_number")]
    pub isbn: Option<String>,
    #[serde(default)]
    pub issn: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub accessed: Option<Date>,
    /// Why a paper on the retraction list is still cited (e.g. to discuss the retraction);
    /// shown with the reference, and it turns `reference/retracted` off for this entry.
    #[serde(default)]
    pub retraction_note: Option<String>,
    /// The corrections the retraction list records for this paper, shown beside it; set by
    /// the check stage from the list, never typed by the editor.
    #[serde(skip)]
    pub correction: Option<String>,
}

impl Reference {
    /// The `date` when it lies within `year` (or there is no year); a contradicting date is a
    /// finding (`check::citations`), and the year stands until it is corrected.
    pub fn publication_date(&self) -> Option<PublicationDate> {
        self.date
            .filter(|date| self.year.is_none_or(|year| year == date.year()))
    }
}

/// Identifiers like PMIDs and page ranges are text, but editors often leave them unquoted.
fn text_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum TextOrNumber {
        Text(String),
        Integer(u64),
        Float(f64),
    }
    Ok(match Option::<TextOrNumber>::deserialize(deserializer)? {
        None => None,
        Some(TextOrNumber::Text(text)) => Some(text),
        Some(TextOrNumber::Integer(n)) => Some(n.to_string()),
        Some(TextOrNumber::Float(n)) => Some(n.to_string()),
    })
}
