//! Findings about content: one `Diagnostic` type for every stage, with a stable code, a
//! position and a hint, so that editors and CI see the same facts in every format.

use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

pub mod cap;
mod findings;
mod report;
pub mod repository;
mod sarif;
mod suggest;
pub mod terminal;

pub use findings::Findings;
pub use report::{Format, nth_line, render_report, write_report, write_report_quoting};
pub use suggest::did_you_mean;

/// Stable finding codes. The names are an interface: CI configurations and editors'
/// `evident.yaml` files refer to them, so they never change once published.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    ContentUnreadable,
    ContentChanged,
    ContentSkipped,
    ContentTooLarge,
    ContentControlCharacter,
    ContentPlaceholder,
    FrontmatterSyntax,
    FrontmatterMissingField,
    FrontmatterUnknownField,
    FrontmatterInvalidValue,
    SlugDuplicate,
    CitationUnresolved,
    CitationUnused,
    CitationUncitedClaim,
    CitationSyntax,
    CitationBareKey,
    CitationHandNumbered,
    ReferenceDuplicate,
    ReferenceIdentifier,
    ReferenceMissingField,
    ReferenceStale,
    ReferenceRetracted,
    ReferenceUnformattable,
    ReferenceTitleCase,
    BibliographySyntax,
    RelatedDangling,
    RelatedImplausible,
    QuestionDuplicate,
    RelatedOneWay,
    RelatedUnpublished,
    LinkUnpublished,
    LinkBroken,
    LinkAnchor,
    UrlRemoved,
    LinkExternal,
    GraphOrphan,
    ReviewIncomplete,
    ReviewStaleApproval,
    ReviewUnsigned,
    ReviewBadSignature,
    ReviewOverdue,
    ReviewUntrustedRegistry,
    ReviewBadRecord,
    ReviewFalseClaim,
    ReviewBannerStyle,
    ReviewSiteChanged,
    PeopleUnknown,
    PeopleNoDisclosures,
    ReadabilityTooHard,
    HistoryUnreadable,
    HistoryShallow,
    ConfigSyntax,
    ConfigUnknownField,
    ConfigInvalidValue,
    TemplateError,
    OutputWrite,
}

impl Code {
    pub const ALL: [Code; 56] = [
        Code::ContentUnreadable,
        Code::ContentChanged,
        Code::ContentSkipped,
        Code::ContentTooLarge,
        Code::ContentControlCharacter,
        Code::ContentPlaceholder,
        Code::FrontmatterSyntax,
        Code::FrontmatterMissingField,
        Code::FrontmatterUnknownField,
        Code::FrontmatterInvalidValue,
        Code::SlugDuplicate,
        Code::CitationUnresolved,
        Code::CitationUnused,
        Code::CitationUncitedClaim,
        Code::CitationSyntax,
        Code::CitationBareKey,
        Code::CitationHandNumbered,
        Code::ReferenceDuplicate,
        Code::ReferenceIdentifier,
        Code::ReferenceMissingField,
        Code::ReferenceStale,
        Code::ReferenceRetracted,
        Code::ReferenceUnformattable,
        Code::ReferenceTitleCase,
        Code::BibliographySyntax,
        Code::RelatedDangling,
        Code::RelatedImplausible,
        Code::QuestionDuplicate,
        Code::RelatedOneWay,
        Code::RelatedUnpublished,
        Code::LinkUnpublished,
        Code::LinkBroken,
        Code::LinkAnchor,
        Code::UrlRemoved,
        Code::LinkExternal,
        Code::GraphOrphan,
        Code::ReviewIncomplete,
        Code::ReviewStaleApproval,
        Code::ReviewUnsigned,
        Code::ReviewBadSignature,
        Code::ReviewOverdue,
        Code::ReviewUntrustedRegistry,
        Code::ReviewBadRecord,
        Code::ReviewFalseClaim,
        Code::ReviewBannerStyle,
        Code::ReviewSiteChanged,
        Code::PeopleUnknown,
        Code::PeopleNoDisclosures,
        Code::ReadabilityTooHard,
        Code::HistoryUnreadable,
        Code::HistoryShallow,
        Code::ConfigSyntax,
        Code::ConfigUnknownField,
        Code::ConfigInvalidValue,
        Code::TemplateError,
        Code::OutputWrite,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::ContentUnreadable => "content/unreadable",
            Code::ContentChanged => "content/changed",
            Code::ContentSkipped => "content/skipped",
            Code::ContentTooLarge => "content/too-large",
            Code::ContentControlCharacter => "content/control-character",
            Code::ContentPlaceholder => "content/placeholder",
            Code::FrontmatterSyntax => "frontmatter/syntax",
            Code::FrontmatterMissingField => "frontmatter/missing-field",
            Code::FrontmatterUnknownField => "frontmatter/unknown-field",
            Code::FrontmatterInvalidValue => "frontmatter/invalid-value",
            Code::SlugDuplicate => "slug/duplicate",
            Code::CitationUnresolved => "citation/unresolved",
            Code::CitationUnused => "citation/unused",
            Code::CitationUncitedClaim => "citation/uncited-claim",
            Code::CitationSyntax => "citation/syntax",
            Code::CitationBareKey => "citation/bare-key",
            Code::CitationHandNumbered => "citation/hand-numbered",
            Code::ReferenceDuplicate => "reference/duplicate",
            Code::ReferenceIdentifier => "reference/identifier",
            Code::ReferenceMissingField => "reference/missing-field",
            Code::ReferenceStale => "reference/stale",
            Code::ReferenceRetracted => "reference/retracted",
            Code::ReferenceUnformattable => "reference/unformattable",
            Code::ReferenceTitleCase => "reference/title-case",
            Code::BibliographySyntax => "bibliography/syntax",
            Code::RelatedDangling => "related/dangling",
            Code::RelatedImplausible => "related/implausible",
            Code::QuestionDuplicate => "question/duplicate",
            Code::RelatedOneWay => "related/one-way",
            Code::RelatedUnpublished => "related/unpublished",
            Code::LinkUnpublished => "link/unpublished",
            Code::LinkBroken => "link/broken",
            Code::LinkAnchor => "link/anchor",
            Code::UrlRemoved => "url/removed",
            Code::LinkExternal => "link/external",
            Code::GraphOrphan => "graph/orphan",
            Code::ReviewIncomplete => "review/incomplete",
            Code::ReviewStaleApproval => "review/stale-approval",
            Code::ReviewUnsigned => "review/unsigned",
            Code::ReviewBadSignature => "review/bad-signature",
            Code::ReviewOverdue => "review/overdue",
            Code::ReviewUntrustedRegistry => "review/untrusted-registry",
            Code::ReviewBadRecord => "review/bad-record",
            Code::ReviewFalseClaim => "review/false-claim",
            Code::ReviewBannerStyle => "review/banner-style",
            Code::ReviewSiteChanged => "review/site-changed",
            Code::PeopleUnknown => "people/unknown",
            Code::PeopleNoDisclosures => "people/no-disclosures",
            Code::ReadabilityTooHard => "readability/too-hard",
            Code::HistoryUnreadable => "history/unreadable",
            Code::HistoryShallow => "history/shallow",
            Code::ConfigSyntax => "config/syntax",
            Code::ConfigUnknownField => "config/unknown-field",
            Code::ConfigInvalidValue => "config/invalid-value",
            Code::TemplateError => "template/error",
            Code::OutputWrite => "output/write",
        }
    }

    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|code| code.as_str() == name)
    }

    /// What a finding of this code is unless `evident.yaml` says otherwise.
    pub fn default_severity(self) -> Severity {
        match self {
            Code::ContentSkipped
            | Code::CitationUnused
            | Code::CitationUncitedClaim
            | Code::CitationBareKey
            | Code::CitationHandNumbered
            | Code::ReferenceStale
            | Code::ReviewStaleApproval
            | Code::ReviewOverdue
            | Code::ReviewUntrustedRegistry
            | Code::ReviewSiteChanged
            | Code::PeopleNoDisclosures
            | Code::ReadabilityTooHard
            | Code::HistoryUnreadable
            | Code::HistoryShallow
            | Code::LinkExternal
            | Code::RelatedImplausible
            | Code::QuestionDuplicate
            | Code::RelatedOneWay
            | Code::ReferenceTitleCase
            | Code::RelatedUnpublished
            | Code::GraphOrphan => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// Suggestions a site asks for by giving them a severity in `evident.yaml`; by default
    /// they are off. `related/one-way` is one: pages already show "questions that link
    /// here", so a link in one direction is not a defect, only a chance to add the reverse.
    /// `reference/title-case` is another: imported titles are as the journal printed them,
    /// and a site that has not chosen to restyle them should not be told to.
    pub fn enabled_by_default(self) -> bool {
        !matches!(self, Code::RelatedOneWay | Code::ReferenceTitleCase)
    }

    /// Findings about the site's configuration or templates stop everything with exit
    /// status 2: no content can be judged against a broken setup.
    pub fn is_configuration(self) -> bool {
        matches!(
            self,
            Code::ConfigSyntax
                | Code::ConfigUnknownField
                | Code::ConfigInvalidValue
                | Code::TemplateError
                | Code::OutputWrite
        )
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A 1-based line and column (in characters) in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

impl Position {
    pub const START: Position = Position { line: 1, column: 1 };

    pub fn new(line: u32, column: u32) -> Position {
        Position { line, column }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// Relative to the site root, with `/` separators on every platform.
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
    /// Most hints are fixed text: borrowed, they cost a finding nothing, which matters when
    /// a large site has a hundred thousand findings of one code.
    pub hint: Option<Cow<'static, str>>,
}

impl Diagnostic {
    pub fn new(code: Code, file: &str, at: Position, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.default_severity(),
            file: file.to_string(),
            line: at.line,
            column: at.column,
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<Cow<'static, str>>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// A finding milder than its code's default (a near-identical title among duplicates, an
    /// expression of concern among retractions). A severity set in `evident.yaml` still wins.
    pub fn with_severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }

    pub fn with_optional_hint(mut self, hint: Option<String>) -> Diagnostic {
        self.hint = hint.map(Cow::Owned);
        self
    }

    pub fn position(&self) -> Position {
        Position::new(self.line, self.column)
    }

    fn sort_key(&self) -> (&str, u32, u32, Code, &str) {
        (&self.file, self.line, self.column, self.code, &self.message)
    }
}

/// Sorts findings by place so that every run reports them in the same order, whatever
/// order the parallel stages produced them in.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
}

pub fn summarize(diagnostics: &[Diagnostic]) -> Summary {
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    Summary {
        errors,
        warnings: diagnostics.len() - errors,
    }
}
