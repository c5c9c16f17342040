//! The people registry: `people/<id>.md` at the site root, one file per reviewer or author,
//! read as strictly as front matter. Reviews name people by id; their keys verify signatures.

use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic, Position, did_you_mean};
use crate::load::LineIndex;
use crate::load::split::split_front_matter;
use crate::parse::fields::{FRONT_MATTER_CODES, FieldReader};
use crate::parse::markdown::{Mode, render_markdown};
use serde::Deserialize;
use std::path::Path;

pub const PEOPLE_DIR: &str = "people";

/// Every field a person's file may have; anything else is a finding.
pub const PERSON_FIELDS: &[&str] = &[
    "name",
    "credentials",
    "role",
    "affiliation",
    "specialties",
    "disclosures",
    "keys",
    "emails",
];

#[derive(Clone, Debug)]
pub struct Person {
    /// The file stem: what reviews and URLs use.
    pub id: String,
    /// `people/<id>.md`, as findings name it.
    pub file: String,
    pub name: String,
    pub credentials: Option<String>,
    pub role: Option<String>,
    pub affiliation: Option<String>,
    pub specialties: Vec<String>,
    /// Conflicts of interest and funding; `None` when the file does not say.
    pub disclosures: Option<String>,
    pub disclosures_at: Position,
    pub keys: Vec<RegisteredKey>,
    pub emails: Vec<String>,
    pub bio_html: String,
}

impl Person {
    /// "Jane Example, MD, FRCR": the name with credentials, as a banner shows it.
    pub fn display_name(&self) -> String {
        match &self.credentials {
            Some(credentials) if !credentials.trim().is_empty() => format!("{}, {}", self.name, credentials),
            _ => self.name.clone(),
        }
    }
}

/// One signing key of a person and the days it may sign on.
#[derive(Clone, Debug)]
pub struct RegisteredKey {
    pub key: ssh_key::PublicKey,
    /// The first day the key may sign approvals; before it, it was not this person's key.
    pub valid_from: Option<Date>,
    /// The last day it may sign: a rotated or revoked key keeps its earlier approvals.
    pub valid_until: Option<Date>,
}

impl RegisteredKey {
    /// Why the key could not sign on `date`, or `None` when it could.
    pub fn invalid_on(&self, date: Date) -> Option<String> {
        if let Some(from) = self.valid_from.filter(|from| date < *from) {
            return Some(format!(
                "the key was not yet valid on {date}: it is registered from {from}"
            ));
        }
        if let Some(until) = self.valid_until.filter(|until| date > *until) {
            return Some(format!(
                "the key had expired or been revoked by {date}: it is valid until {until}"
            ));
        }
        None
    }

    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    pub fn fingerprint(&self) -> String {
        self.key.fingerprint(ssh_key::HashAlg::Sha256).to_string()
    }
}

/// Everyone registered, in id order.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    pub people: Vec<Person>,
    /// The keys pinned outside the repository (`--trusted-keys`): when given, a registered
    /// key that is not among them signs nothing.
    pub trusted: Option<std::sync::Arc<crate::review::root::TrustedKeys>>,
}

impl Registry {
    pub fn get(&self, id: &str) -> Option<&Person> {
        self.people
            .binary_search_by(|p| p.id.as_str().cmp(id))
            .ok()
            .map(|at| &self.people[at])
    }

    /// The registered id nearest to `id`, for "did you mean" hints.
    pub fn nearest(&self, id: &str) -> Option<&str> {
        did_you_mean(id, self.people.iter().map(|p| p.id.as_str()))
    }

    /// The person a key is registered to, whatever its dates.
    pub fn owner_of(&self, key: &ssh_key::public::KeyData) -> Option<(&Person, &RegisteredKey)> {
        self.people
            .iter()
            .find_map(|p| p.keys.iter().find(|k| k.key.key_data() == key).map(|k| (p, k)))
    }

    /// `people/no-disclosures` for each of `ids` registered without disclosures: what a
    /// reader weighs a reviewer's or an author's word by. `role` says what they do, as
    /// "reviews" or "writes".
    pub fn undisclosed<'a>(&self, ids: impl IntoIterator<Item = &'a str>, role: &str) -> Vec<Diagnostic> {
        ids.into_iter()
            .filter_map(|id| self.get(id))
            .filter(|person| person.disclosures.as_deref().is_none_or(|d| d.trim().is_empty()))
            .map(|person| {
                Diagnostic::new(
                    Code::PeopleNoDisclosures,
                    &person.file,
                    person.disclosures_at,
                    format!(
                        "{} {role} articles but declares no conflicts of interest or funding",
                        person.name
                    ),
                )
                .with_hint(
                    "add `disclosures: \"…\"`; write `disclosures: \"None declared\"` when there is nothing to declare",
                )
            })
            .collect()
    }

    /// "did you mean `x`?", or the ids there are.
    pub fn hint_for(&self, id: &str) -> String {
        match self.nearest(id) {
            Some(near) => format!("did you mean `{near}`?"),
            None if self.people.is_empty() => {
                "no one is registered: create the person's file with `evident new-person ID`".into()
            }
            None => format!(
                "registered ids: {}; add a person with `evident new-person ID`",
                self.people.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

/// A `keys` entry as written: an `authorized_keys` line, or one with its dates.
#[derive(Deserialize)]
#[serde(untagged)]
enum KeyEntry {
    Line(String),
    Dated(DatedKey),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DatedKey {
    key: String,
    #[serde(default)]
    valid_from: Option<Date>,
    #[serde(default)]
    valid_until: Option<Date>,
}

/// Reads every `people/*.md` (hidden files and links skipped) in name order.
pub fn load_people(root: &Path) -> (Registry, Vec<Diagnostic>) {
    let dir = root.join(PEOPLE_DIR);
    let mut names: Vec<String> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md") && !n.starts_with('.'))
            .collect(),
        Err(_) => return (Registry::default(), Vec::new()),
    };
    names.sort();
    let mut registry = Registry::default();
    let mut findings = Vec::new();
    for name in names {
        let file = format!("{PEOPLE_DIR}/{name}");
        match std::fs::read(dir.join(&name)).map(String::from_utf8) {
            Ok(Ok(text)) => {
                let (person, problems) = parse_person(&file, &crate::load::split::strip_bom(text));
                findings.extend(problems);
                registry.people.extend(person);
            }
            Ok(Err(_)) | Err(_) => findings.push(
                Diagnostic::new(
                    Code::ContentUnreadable,
                    &file,
                    Position::START,
                    "cannot read the file as UTF-8 text",
                )
                .with_hint("save it as UTF-8"),
            ),
        }
    }
    registry.people.sort_by(|a, b| a.id.cmp(&b.id));
    (registry, findings)
}

/// One person's file: front matter fields, then the Markdown bio.
pub fn parse_person(file: &str, text: &str) -> (Option<Person>, Vec<Diagnostic>) {
    let id = file
        .rsplit('/')
        .next()
        .and_then(|n| n.strip_suffix(".md"))
        .unwrap_or_default()
        .to_string();
    let mut findings = Vec::new();
    if !crate::slug::is_valid_slug(&id) {
        findings.push(
            Diagnostic::new(
                Code::FrontmatterInvalidValue,
                file,
                Position::START,
                format!("`{id}` cannot be a person's id: ids are lower-case letters, digits and single hyphens"),
            )
            .with_hint("rename the file, e.g. `people/jane-example.md`"),
        );
        return (None, findings);
    }
    let split = match split_front_matter(text) {
        Ok(split) => split,
        Err(error) => {
            findings.push(
                Diagnostic::new(Code::FrontmatterSyntax, file, error.at, error.message)
                    .with_hint("a person's file starts with `---`, `name: \"…\"`, `---`, then the bio"),
            );
            return (None, findings);
        }
    };
    let mut reader = match FieldReader::parse(
        file,
        split.front_matter,
        split.front_matter_line,
        FRONT_MATTER_CODES,
        PERSON_FIELDS,
    ) {
        Ok(reader) => reader,
        Err(diagnostic) => return (None, vec![diagnostic]),
    };
    let name: Option<String> =
        reader.required("name", "add `name: \"Jane Example\"` (credentials go in `credentials`)");
    let credentials: Option<String> = reader.optional("credentials");
    let role: Option<String> = reader.optional("role");
    let affiliation: Option<String> = reader.optional("affiliation");
    let specialties: Vec<String> = reader.optional("specialties").unwrap_or_default();
    let disclosures_at = reader.key_position("disclosures");
    let disclosures: Option<String> = reader.optional("disclosures");
    let emails: Vec<String> = reader.optional("emails").unwrap_or_default();
    let mut keys = Vec::new();
    for (entry, at) in reader.list::<KeyEntry>("keys") {
        let (line, valid_from, valid_until) = match entry {
            KeyEntry::Line(line) => (line, None, None),
            KeyEntry::Dated(d) => (d.key, d.valid_from, d.valid_until),
        };
        match ssh_key::PublicKey::from_openssh(line.trim()) {
            Ok(key) if valid_from.zip(valid_until).is_some_and(|(from, until)| until < from) => {
                drop(key);
                findings.push(
                    Diagnostic::new(
                        Code::FrontmatterInvalidValue,
                        file,
                        at,
                        "the key's `valid_until` is before its `valid_from`",
                    )
                    .with_hint("a key is valid from its first day to its last; swap or correct the dates"),
                );
            }
            Ok(key) => keys.push(RegisteredKey {
                key,
                valid_from,
                valid_until,
            }),
            Err(error) => findings.push(
                Diagnostic::new(
                    Code::FrontmatterInvalidValue,
                    file,
                    at,
                    format!("not an SSH public key in `authorized_keys` form ({error})"),
                )
                .with_hint("paste the one line of the `.pub` file, e.g. `ssh-ed25519 AAAAC3Nz… jane@laptop`"),
            ),
        }
    }
    findings.extend(reader.finish());
    let lines = LineIndex::new(text);
    let offset = split.body_offset;
    let bio = render_markdown(split.body, Mode::Block, None, &|at| lines.position(offset + at));
    let person = name.map(|name| Person {
        id,
        file: file.to_string(),
        name,
        credentials,
        role,
        affiliation,
        specialties,
        disclosures,
        disclosures_at,
        keys,
        emails,
        bio_html: bio.html,
    });
    (person, findings)
}

/// The complete file `evident new-person ID` writes: every field, with what goes in it.
pub fn person_template(id: &str) -> String {
    format!(
        r#"---
# The people registry: this file is /people/{id}/ on the site. Reviews name this person by
# the file name, `{id}`.
name: "Firstname Lastname"          # required: the name readers see
credentials: "MD"                   # e.g. "MD, FRCR"
role: "Medical Advisory Board"
affiliation: "Hospital or university"
specialties: [internal medicine]
# Conflicts of interest and funding, in words; write "None declared" when there are none.
disclosures: "None declared"
# SSH public keys that may sign this person's approvals (`evident approve --key`), one
# `authorized_keys` line each; `valid_from`/`valid_until` bound a key for rotation and
# revocation, e.g.
#   - key: "ssh-ed25519 AAAAC3Nz… {id}@laptop"
#     valid_from: 2026-01-01
keys: []
emails: []
---

A short biography: training, current post, and what this person reviews.
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHt6JgyM+9kmlTpflQ6TgZgwCvzPZTTHT6YWR0tKiaCo demo";

    #[test]
    fn reads_a_complete_person() {
        let text = format!(
            "---\nname: Jane Example\ncredentials: MD\nspecialties: [cardiology]\ndisclosures: None declared\nkeys:\n  - \"{KEY}\"\n  - key: \"{KEY}\"\n    valid_from: 2026-01-01\n    valid_until: 2026-12-31\n---\n\nBio *here*.\n"
        );
        let (person, findings) = parse_person("people/jane-example.md", &text);
        assert!(findings.is_empty(), "{findings:?}");
        let person = person.unwrap();
        assert_eq!(person.id, "jane-example");
        assert_eq!(person.display_name(), "Jane Example, MD");
        assert_eq!(person.keys.len(), 2);
        assert!(person.bio_html.contains("<em>here</em>"));
        let dated = &person.keys[1];
        assert!(
            dated
                .invalid_on(Date::new(2025, 12, 31).unwrap())
                .unwrap()
                .contains("not yet valid")
        );
        assert!(
            dated
                .invalid_on(Date::new(2027, 1, 1).unwrap())
                .unwrap()
                .contains("revoked")
        );
        assert!(dated.invalid_on(Date::new(2026, 12, 31).unwrap()).is_none());
    }

    #[test]
    fn reports_every_problem_at_its_line() {
        let text = "---\ncredentials: MD\nspecialities: [x]\nkeys:\n  - \"ssh-ed25519 not-base64\"\n---\n";
        let (person, findings) = parse_person("people/x.md", text);
        assert!(person.is_none());
        let at = |code: Code| {
            findings
                .iter()
                .find(|d| d.code == code)
                .map(|d| (d.line, d.hint.clone()))
        };
        assert_eq!(at(Code::FrontmatterMissingField).map(|f| f.0), Some(1));
        assert_eq!(
            at(Code::FrontmatterUnknownField),
            Some((3, Some("did you mean `specialties`?".into())))
        );
        assert_eq!(at(Code::FrontmatterInvalidValue).map(|f| f.0), Some(5));
        let (_, bad_id) = parse_person("people/Jane_X.md", "---\nname: J\n---\n");
        assert_eq!(bad_id[0].code, Code::FrontmatterInvalidValue);
    }

    #[test]
    fn the_new_person_template_reads_back_clean() {
        let (person, findings) = parse_person("people/jane-example.md", &person_template("jane-example"));
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(person.unwrap().disclosures.as_deref(), Some("None declared"));
    }
}
