//! `evident schema`: JSON Schemas (draft 2020-12) of an article's front matter and of
//! `evident.yaml`, for editors' completion and validation.
//!
//! Hand-written rather than derived: the parser reads fields one by one (for positions and
//! "did you mean" hints), so there is no single type to derive from, and the schema carries
//! editor-facing descriptions and patterns the types do not. It cannot drift silently: the
//! property lists are generated from the parser's own lists (`ARTICLE_FIELDS`,
//! `CONFIG_FIELDS`, and the field names of the nested serde types), and tests fail when
//! a field has no written definition.

use crate::diagnostic::Code;
use crate::parse::front_matter::{ARTICLE_FIELDS, Change, Reference, Review, Reviewer};
use serde::Deserialize;
use serde_json::{Map, Value, json};

pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Where `init` writes the schemas, relative to the site root.
pub const ARTICLE_SCHEMA_FILE: &str = ".evident/schema/article.json";
pub const CONFIG_SCHEMA_FILE: &str = ".evident/schema/config.json";

const SLUG_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";
const DATE_PATTERN: &str = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

fn slug(description: &str) -> Value {
    json!({"type": "string", "pattern": SLUG_PATTERN, "description": description})
}

const INTERVAL_PATTERN: &str = "^[1-9][0-9]*[ymwd]$";

fn date(description: &str) -> Value {
    json!({"type": "string", "pattern": DATE_PATTERN, "description": description})
}

fn text(description: &str) -> Value {
    json!({"type": "string", "description": description})
}

/// Identifiers and page ranges editors often leave unquoted: text or a number.
fn text_or_number(description: &str) -> Value {
    json!({"type": ["string", "integer", "number"], "description": description})
}

/// The written definition of a top-level article field.
fn article_field(name: &str) -> Option<Value> {
    Some(match name {
        "question" => json!({
            "type": "string",
            "pattern": "\\?\\s*$",
            "description": "The question the article answers, as a reader would ask it; ends with \"?\"."
        }),
        "title" => text("Optional shorter headline; the question is shown otherwise."),
        "slug" => slug("The article's address: questions/<slug>/. Default: the file name."),
        "answer" => text("The bottom line: one paragraph of inline Markdown with citations like [@key]."),
        "plain_answer" => text("The same answer in plain language for patients (inline Markdown)."),
        "topics" => json!({
            "type": "array",
            "items": {"type": "string", "pattern": SLUG_PATTERN},
            "description": "Topic slugs; the first is the primary topic. Default: the article's folder."
        }),
        "audience" => json!({
            "enum": ["clinician", "patient", "all"],
            "description": "Who the article is written for (default: all)."
        }),
        "created" => date("The date the article was first written, YYYY-MM-DD."),
        "updated" => date("The date of the last substantive change, YYYY-MM-DD (default: created)."),
        "version" => json!({
            "type": "integer",
            "minimum": 1,
            "description": "Bumped on each substantive change (default 1)."
        }),
        "changes" => json!({
            "type": "array",
            "items": {"$ref": "#/$defs/change"},
            "description": "Revision notes, newest first."
        }),
        "review" => json!({"$ref": "#/$defs/review"}),
        "references" => json!({
            "type": "array",
            "items": {"$ref": "#/$defs/reference"},
            "description": "The sources the article cites, by id."
        }),
        "related" => json!({
            "type": "array",
            "items": {"type": "string", "pattern": SLUG_PATTERN},
            "description": "Slugs of related questions chosen by the editors."
        }),
        "aliases" => json!({
            "type": "array",
            "items": {"type": "string", "pattern": SLUG_PATTERN},
            "description": "Slugs the article was published under before: each old address redirects to it."
        }),
        "retired" => json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["date", "reason"],
            "properties": {
                "date": {"type": "string", "format": "date", "description": "When it was withdrawn."},
                "reason": {"type": "string", "description": "Why, in words readers understand."},
                "replaced_by": {
                    "type": "array",
                    "items": {"type": "string", "pattern": SLUG_PATTERN},
                    "description": "Slugs of the questions that answer it now."
                }
            },
            "description": "The article is withdrawn: its page says when, why and where to read instead, and it leaves every listing."
        }),
        "authors" => json!({
            "type": "array",
            "items": {"type": "string", "pattern": SLUG_PATTERN},
            "description": "Ids of the authors in the people registry (people/<id>.md)."
        }),
        "funding" => text("Who paid for the work; write \"None declared\" when no one did."),
        "conflicts" => text("The authors' conflicts of interest for this article; \"None declared\" is a statement."),
        "grade" => json!({
            "type": "string",
            "enum": ["A", "B", "C", "high", "moderate", "low", "very low"],
            "description": "The strength of the evidence for the answer: A, B or C (standards.grading: sort), or high, moderate, low, very low (grading: grade)."
        }),
        _ => return None,
    })
}

fn review_field(name: &str) -> Option<Value> {
    Some(match name {
        "status" => json!({
            "enum": ["draft", "submitted", "under_review", "approved"],
            "description": "Where the article stands in editorial review."
        }),
        "submitted" => date("Written by `evident submit`: the day the text was submitted for review, YYYY-MM-DD."),
        "reviewers" => json!({"type": "array", "items": {"$ref": "#/$defs/reviewer"}}),
        "approved_hash" => text("Written by `evident approve`: the hash of the approved text. Do not edit."),
        "approved_parts" => json!({
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Written by `evident approve`: a hash per reviewable part. Do not edit."
        }),
        "next_due" => {
            date("When the approval must be renewed, YYYY-MM-DD; default: the last review plus `review.interval`.")
        }
        "commit" => {
            text("Written by `evident approve` in a git repository: the commit whose text was approved. Do not edit.")
        }
        _ => return None,
    })
}

fn reviewer_field(name: &str) -> Option<Value> {
    Some(match name {
        "id" => {
            json!({"type": "string", "pattern": SLUG_PATTERN, "description": "The reviewer's id in the people registry: people/<id>.md."})
        }
        "name" => text("A reviewer's name written by hand (sites with `review.signatures: off` only); prefer `id`."),
        "signature" => {
            text("Written by `evident approve --key`: the reviewer's SSH signature of the approval. Do not edit.")
        }
        "role" => text("e.g. \"Medical Advisory Board\"."),
        "date" => date("The date of the review, YYYY-MM-DD."),
        _ => return None,
    })
}

fn change_field(name: &str) -> Option<Value> {
    Some(match name {
        "version" => json!({"type": "integer", "minimum": 1}),
        "date" => date("YYYY-MM-DD"),
        "summary" => text("What changed in this version."),
        _ => return None,
    })
}

fn reference_field(name: &str) -> Option<Value> {
    Some(match name {
        "id" => text("The key citations use: [@id]."),
        "type" => json!({"enum": ["guideline", "research", "review", "textbook", "web", "other"]}),
        "title" => text("The title of the work."),
        "authors" => {
            json!({"type": "array", "items": {"type": "string"}, "description": "e.g. [\"Sartor O\", \"de Bono J\"]"})
        }
        "editors" => {
            json!({"type": "array", "items": {"type": "string"}, "description": "A book's editors, e.g. [\"Loscalzo J\"]"})
        }
        "book_title" => text("For a chapter (type textbook): the title of the book it is in."),
        "journal" => text("Journal abbreviation, e.g. \"N Engl J Med\"."),
        "publisher" => text("Publishing organisation."),
        "year" => json!({"type": "integer"}),
        "date" => json!({
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$",
            "description": "The month or day of publication beside `year`, YYYY-MM or YYYY-MM-DD: AMA prints it for papers online ahead of print, preprints and web pages."
        }),
        "volume" | "issue" | "pages" | "edition" => text_or_number(name),
        "doi" => text("e.g. \"10.1056/NEJMoa2107322\" (without https://doi.org/)."),
        "pmid" => text_or_number("PubMed id, digits only."),
        "pmcid" => text("PubMed Central id, e.g. \"PMC1234567\"."),
        "isbn" => text_or_number("ISBN-10 or ISBN-13."),
        "issn" => text("ISSN, e.g. \"0028-4793\"."),
        "url" => text("Address of a web page."),
        "accessed" => date("When a web page was read, YYYY-MM-DD."),
        "retraction_note" => text("Why a retracted paper is still cited; turns `reference/retracted` off for it."),
        _ => return None,
    })
}

/// The written definition of a top-level `evident.yaml` field.
fn config_field(name: &str) -> Option<Value> {
    let checks: Vec<&str> = Code::ALL
        .into_iter()
        .filter(|code| !code.is_configuration())
        .map(Code::as_str)
        .collect();
    Some(match name {
        "title" => text("The site's name."),
        "description" => text("One sentence about the site, for search engines and the feed."),
        "base_url" => json!({
            "type": "string",
            "pattern": "^https?://[^/?#\\s]+(/[^?#\\s]*)?$",
            "description": "The absolute address the site is published at, e.g. https://kb.example.org/."
        }),
        "language" => text("The pages' language tag (default \"en\")."),
        "publisher" => text("The editorial board named on every page (default: the title)."),
        "topics" => json!({
            "type": "object",
            "description": "Titles and descriptions of topics, by topic slug.",
            "propertyNames": {"pattern": SLUG_PATTERN},
            "additionalProperties": {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "title": {"type": "string"},
                    "description": {"type": "string"},
                    "review_interval": {"type": "string", "pattern": INTERVAL_PATTERN, "description": "This topic's review cycle, in place of review.interval."}
                }
            }
        }),
        "review" => json!({
            "type": "object",
            "additionalProperties": false,
            "description": "How approvals are trusted and how long they stay current.",
            "properties": {
                "signatures": {"enum": ["required", "optional", "off"], "description": "required: an approval counts only with a valid SSH signature by a registered key of its reviewer; optional: unsigned approvals count with a warning; off: no signatures (default)."},
                "interval": {"type": "string", "pattern": INTERVAL_PATTERN, "description": "How long an approval stays current: e.g. 3y (default), 18m, 26w, 90d."},
                "publish": {"enum": ["all", "approved"], "description": "all (default): every article but drafts is published with its review state; approved: only articles whose approval holds are published, the others appear in the serve preview only."},
                "trust_root": {"enum": ["pinned", "repository"], "description": "pinned (default): the keys that may sign are given outside the repository (--trusted-keys, EVIDENT_TRUSTED_KEYS), and check warns without them; repository: the people registry is trusted as written (a demo)."}
            }
        }),
        "standards" => json!({
            "type": "object",
            "additionalProperties": false,
            "description": "Health-information standards.",
            "properties": {
                "require_authors": {"type": "boolean", "description": "Every article names its authors (default false; init writes true)."},
                "grading": {"enum": ["sort", "grade"], "description": "The scale of an article's grade: sort (A, B, C; default) or grade (high, moderate, low, very low)."}
            }
        }),
        "readability" => json!({
            "type": "object",
            "additionalProperties": false,
            "description": "Reading grade of texts for patients.",
            "properties": {
                "max_grade": {"type": "number", "exclusiveMinimum": 0, "maximum": 20, "description": "The highest SMOG grade a plain answer or patient article may have (default 8)."}
            }
        }),
        "feedback_url" => json!({
            "type": "string",
            "pattern": "^(mailto:|https://)",
            "description": "Where readers report a problem: mailto: or https:, with {slug}, {url} and {version} filled in per article."
        }),
        "checks" => json!({
            "type": "object",
            "description": "Severity per finding code.",
            "propertyNames": {"enum": checks},
            "additionalProperties": {"enum": ["error", "warning", "off"]}
        }),
        "home_recent" => {
            json!({"type": "integer", "minimum": 0, "description": "Recently updated questions on the home page (default 10)."})
        }
        "editions" => json!({
            "type": "array",
            "description": "Older editions of the site, each built from a git tag or commit and published under /editions/<name>/.",
            "items": {
                "type": "object",
                "additionalProperties": false,
                "required": ["name", "ref"],
                "properties": {
                    "name": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$", "description": "The folder under /editions/."},
                    "ref": {"type": "string", "description": "The git tag, branch or commit the edition is built from."},
                    "title": {"type": "string", "description": "What the edition switcher calls it (default: the name)."}
                }
            }
        }),
        "edition_tags" => {
            text("A glob of git tags that are editions too, named by what `*` matched, e.g. \"edition-*\".")
        }
        "edition_branch" => text(
            "The branch the site is published from: every edition's commit must be in its history (default: the branch checked out, else main).",
        ),
        "feed_entries" => json!({"type": "integer", "minimum": 0, "description": "Entries in feed.xml (default 20)."}),
        "limits" => json!({
            "type": "object",
            "additionalProperties": false,
            "description": "Bounds on what one input may cost to read.",
            "properties": {
                "max_file_size": {"type": "integer", "minimum": 1, "description": "The largest content or bibliography file read, in bytes (default 5242880, 5 MiB); larger ones are refused unread (content/too-large)."}
            }
        }),
        "search" => json!({
            "type": "object",
            "additionalProperties": false,
            "description": "How search judges questions.",
            "properties": {
                "duplicate_threshold": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "description": "How alike two published questions' words must be (the share of their distinct word stems in common) for question/duplicate (default 0.8)."}
            }
        }),
        "related" => json!({
            "type": "object",
            "description": "How related-question lists are ranked and cut.",
            "properties": {
                "max": {"type": "integer", "minimum": 0},
                "explicit_first": {"type": "boolean"},
                "min_score": {"type": "number", "minimum": 0, "maximum": 1}
            }
        }),
        "citations" => json!({
            "type": "object",
            "description": "How references are formatted and judged.",
            "properties": {
                "style": {"type": "string"},
                "guideline_max_age": {"type": "integer", "minimum": 0},
                "retractions": {"type": "string", "description": "Retraction Watch CSV, relative to the site root."},
                "uncited_claims": {
                    "type": "object",
                    "properties": {
                        "bullets": {"type": "boolean"},
                        "paragraphs": {"type": "boolean"},
                        "exempt_sections": {"type": "array", "items": {"type": "string"}}
                    }
                }
            }
        }),
        _ => return None,
    })
}

/// An object of exactly `fields`, each with its written definition (or, for a field added
/// to the parser but not here yet, any value: the schema must never reject what Evident
/// accepts). Tests make sure the fallback is never used.
/// Writes the definition of one field of an object, or knows none.
type Define = fn(&str) -> Option<Value>;

fn object(fields: &[&str], define: Define) -> Map<String, Value> {
    fields
        .iter()
        .map(|name| (name.to_string(), define(name).unwrap_or_else(|| json!({}))))
        .collect()
}

fn strict_object(properties: Map<String, Value>, required: &[&str], description: &str) -> Value {
    json!({
        "type": "object",
        "description": description,
        "properties": properties,
        "required": required,
        "additionalProperties": false
    })
}

/// The schema of an article's front matter.
pub fn article_schema() -> Value {
    json!({
        "$schema": DIALECT,
        "title": "Evident article front matter",
        "description": "The YAML between the --- lines at the top of content/<topic>/<slug>.md. Unknown fields are errors.",
        "type": "object",
        "properties": object(ARTICLE_FIELDS, article_field),
        "required": ["question", "answer", "created"],
        "additionalProperties": false,
        "$defs": {
            "review": strict_object(object(serde_fields::<Review>(), review_field), &[], "Editorial review."),
            "reviewer": strict_object(object(serde_fields::<Reviewer>(), reviewer_field), &[], "A reviewer, by id in the people registry."),
            "change": strict_object(object(serde_fields::<Change>(), change_field), &["version", "date", "summary"], "A revision note."),
            "reference": strict_object(object(serde_fields::<Reference>(), reference_field), &["id", "type", "title"], "A cited source."),
        }
    })
}

/// The schema of `evident.yaml`.
pub fn config_schema() -> Value {
    json!({
        "$schema": DIALECT,
        "title": "Evident site configuration (evident.yaml)",
        "type": "object",
        "properties": object(crate::config::CONFIG_FIELDS, config_field),
        "required": ["title", "base_url"],
        "additionalProperties": false
    })
}

/// A schema as its file is written: pretty JSON with a final newline.
pub fn to_text(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

/// The field names a `#[derive(Deserialize)]` struct accepts (after renames), read from the
/// derive itself: it passes them to `deserialize_struct`, which this probe records.
fn serde_fields<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    use serde::de::{Error as _, Visitor, value::Error};

    struct Probe<'a>(&'a mut &'static [&'static str]);

    impl<'de> serde::Deserializer<'de> for Probe<'_> {
        type Error = Error;

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Error> {
            *self.0 = fields;
            Err(Error::custom("probe"))
        }

        fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Error> {
            Err(Error::custom("probe"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn property_names(schema: &Value) -> BTreeSet<String> {
        schema["properties"]
            .as_object()
            .expect("an object schema")
            .keys()
            .cloned()
            .collect()
    }

    fn names(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_article_schema_has_exactly_the_parsers_fields() {
        assert_eq!(property_names(&article_schema()), names(ARTICLE_FIELDS));
    }

    #[test]
    fn the_config_schema_has_exactly_the_parsers_fields() {
        assert_eq!(property_names(&config_schema()), names(crate::config::CONFIG_FIELDS));
    }

    #[test]
    fn every_field_has_a_written_definition() {
        let lists: [(&str, &[&str], Define); 6] = [
            ("article", ARTICLE_FIELDS, article_field),
            ("config", crate::config::CONFIG_FIELDS, config_field),
            ("review", serde_fields::<Review>(), review_field),
            ("reviewer", serde_fields::<Reviewer>(), reviewer_field),
            ("change", serde_fields::<Change>(), change_field),
            ("reference", serde_fields::<Reference>(), reference_field),
        ];
        for (what, fields, define) in lists {
            assert!(!fields.is_empty(), "no fields found for {what}");
            for field in fields {
                assert!(
                    define(field).is_some(),
                    "{what} field `{field}` has no definition in src/schema.rs"
                );
            }
        }
    }

    #[test]
    fn nested_objects_follow_the_serde_types() {
        let schema = article_schema();
        let reference = property_names(&schema["$defs"]["reference"]);
        assert!(reference.contains("type") && reference.contains("doi"), "{reference:?}");
        assert!(!reference.contains("kind"), "the serde rename is used");
        assert_eq!(
            property_names(&schema["$defs"]["reviewer"]),
            names(&["id", "name", "role", "date", "signature"])
        );
    }

    #[test]
    fn every_check_code_can_be_configured() {
        let schema = config_schema();
        let allowed = schema["properties"]["checks"]["propertyNames"]["enum"]
            .as_array()
            .unwrap();
        assert!(allowed.iter().any(|c| c == "citation/unused"));
        assert!(
            !allowed.iter().any(|c| c == "config/syntax"),
            "configuration codes cannot be set"
        );
    }
}
