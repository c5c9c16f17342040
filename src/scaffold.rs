//! `evident init` and `evident new`: files that start a site or an article, which pass
//! `evident check` as written.

use crate::check::{is_valid_slug, suggest_slug};
use crate::config::CONFIG_FILE;
use crate::date::Date;
use anyhow::{Context as _, Result, bail};
use std::path::{Path, PathBuf};

/// Creates a new site in `dir`: configuration, one example article, and the editorial
/// policy and disclaimer pages. Refuses to touch an existing site.
pub fn init_site(dir: &Path, today: Date) -> Result<Vec<PathBuf>> {
    if dir.join(CONFIG_FILE).exists() {
        bail!(
            "{} already holds a site ({CONFIG_FILE} exists); nothing was changed",
            dir.display()
        );
    }
    if dir.join("content").exists() {
        bail!("{} already has a content/ folder; nothing was changed", dir.display());
    }
    let mut files: Vec<(PathBuf, String)> = vec![
        (dir.join(CONFIG_FILE), CONFIG_TEMPLATE.to_string()),
        (
            dir.join("content/general/how-to-write-an-evident-article.md"),
            EXAMPLE_ARTICLE.replace("{today}", &today.to_string()),
        ),
        (dir.join("content/pages/editorial-policy.md"), POLICY_PAGE.to_string()),
        (dir.join("content/pages/disclaimer.md"), DISCLAIMER_PAGE.to_string()),
        // The example article's author: `standards.require_authors` is on in a new site.
        (
            dir.join(crate::people::PEOPLE_DIR).join("editor.md"),
            crate::people::person_template("editor"),
        ),
    ];
    files.extend(editor_files(dir));
    // The output and the edition cache are rebuilt from the sources: never committed. An
    // existing .gitignore is the owner's and is left alone.
    if !dir.join(".gitignore").exists() {
        files.push((dir.join(".gitignore"), GITIGNORE.to_string()));
    }
    // Signatures cannot guard who is registered to sign, nor the templates around every
    // page: the hosting platform's required reviews can. An existing file is the owner's.
    if !dir.join("CODEOWNERS").exists() {
        files.push((dir.join("CODEOWNERS"), CODEOWNERS.to_string()));
    }
    // Every path is checked before anything is written, so a refusal changes nothing.
    if let Some((path, _)) = files.iter().find(|(path, _)| path.exists()) {
        bail!("{} already exists; nothing was changed", path.display());
    }
    for (path, text) in &files {
        write_new_file(path, text)?;
    }
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

/// What editors use: the JSON Schemas (`evident schema`), and VS Code settings that apply
/// them — `evident.yaml` is also wired by its `yaml-language-server` comment, which other
/// editors with the YAML language server honour. The YAML extension does not look inside
/// Markdown front matter, so articles get a task that runs `evident check` into the
/// Problems panel instead.
fn editor_files(dir: &Path) -> Vec<(PathBuf, String)> {
    use crate::schema::{ARTICLE_SCHEMA_FILE, CONFIG_SCHEMA_FILE, article_schema, config_schema, to_text};
    vec![
        (dir.join(ARTICLE_SCHEMA_FILE), to_text(&article_schema())),
        (dir.join(CONFIG_SCHEMA_FILE), to_text(&config_schema())),
        (dir.join(".vscode/settings.json"), VSCODE_SETTINGS.to_string()),
        (dir.join(".vscode/extensions.json"), VSCODE_EXTENSIONS.to_string()),
        (dir.join(".vscode/tasks.json"), VSCODE_TASKS.to_string()),
    ]
}

/// Writes a complete article skeleton for `question` under `content/<topic>/`.
pub fn new_article(root: &Path, question: &str, topic: &str, today: Date) -> Result<PathBuf> {
    let question = question.trim();
    if !question.ends_with('?') {
        bail!("the question must end with `?`: write it as a reader would ask it");
    }
    if !is_valid_slug(topic) {
        bail!(
            "`{topic}` is not a valid topic name: use lowercase letters, digits and hyphens, e.g. `{}`",
            suggest_slug(topic)
        );
    }
    if !root.join(CONFIG_FILE).exists() {
        bail!(
            "{} is not an Evident site (no {CONFIG_FILE}); run `evident init DIR` first or pass --root",
            root.display()
        );
    }
    let slug = slug_for_question(question);
    if slug.is_empty() {
        bail!("cannot make a file name from this question; write it with some letters or digits");
    }
    let path = root.join("content").join(topic).join(format!("{slug}.md"));
    let quoted = serde_json::to_string(question).context("the question cannot be written as YAML")?;
    // Sites that require authors get one to start from: the first person registered.
    let (registry, _) = crate::people::load_people(root);
    let authors = match registry.people.first() {
        Some(person) => format!("authors: [{}]   # ids in people/: the article's authors\n", person.id),
        None => String::new(),
    };
    let text = ARTICLE_SKELETON
        .replace("{authors}", &authors)
        .replace("{question}", &quoted)
        .replace("{topic}", topic)
        .replace("{today}", &today.to_string())
        .replace("{year}", &today.year().to_string());
    write_new_file(&path, &text)?;
    Ok(path)
}

/// Writes `people/<id>.md`, a complete registry entry to fill in; never overwrites.
pub fn new_person(root: &Path, id: &str) -> Result<PathBuf> {
    if !is_valid_slug(id) {
        bail!(
            "`{id}` is not a valid person id: use lowercase letters, digits and hyphens, e.g. `{}`",
            suggest_slug(id)
        );
    }
    if !root.join(CONFIG_FILE).exists() {
        bail!(
            "{} is not an Evident site (no {CONFIG_FILE}); run `evident init DIR` first or pass --root",
            root.display()
        );
    }
    let path = root.join(crate::people::PEOPLE_DIR).join(format!("{id}.md"));
    write_new_file(&path, &crate::people::person_template(id))?;
    Ok(path)
}

/// A short slug from a question: its meaningful words, at most eight.
pub fn slug_for_question(question: &str) -> String {
    const FILLER: &[&str] = &[
        "a", "an", "and", "are", "can", "do", "does", "for", "how", "i", "in", "is", "it", "of", "on", "or", "should",
        "the", "to", "what", "when", "which", "who", "why", "with",
    ];
    let slug = suggest_slug(question);
    let words: Vec<&str> = slug.split('-').filter(|w| !w.is_empty()).collect();
    let meaningful: Vec<&str> = words.iter().copied().filter(|w| !FILLER.contains(w)).take(8).collect();
    if meaningful.is_empty() {
        words.into_iter().take(8).collect::<Vec<_>>().join("-")
    } else {
        meaningful.join("-")
    }
}

fn write_new_file(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| {
            format!(
                "{} already exists or cannot be created; nothing was overwritten",
                path.display()
            )
        })?;
    std::io::Write::write_all(&mut file, text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))
}

const CONFIG_TEMPLATE: &str = r#"# yaml-language-server: $schema=.evident/schema/config.json
# Evident site configuration. Unknown keys are reported as errors.
title: "My knowledge base"
description: "Evidence-based answers to clinical questions, reviewed by experts."
base_url: "https://kb.example.org/"
language: en
publisher: "Editorial board"
# Who may approve: an approval counts only with the reviewer's SSH signature, by a key
# registered in people/<id>.md (`evident new-person ID`, then `evident approve SLUG
# --reviewer ID --key ~/.ssh/id_ed25519`). Approvals fall due after `interval`.
# people/ is in the repository, so anyone who can write to it could register a key: give
# `check` and `build` the keys that may sign from outside it (--trusted-keys FILE, or
# EVIDENT_TRUSTED_KEYS from your CI's protected settings).
# Only approved answers are published; the others show in `evident serve` (and
# `build --drafts`) until a reviewer approves them. `all` publishes them marked pending.
review:
  signatures: required
  interval: 3y
  publish: approved
topics:
  general:
    title: "General"
    description: "Questions that do not fit a specialty yet."
# Health-information standards (Evident's reviewer's guide: Standards): every article names its authors (ids
# in people/), grades its evidence on the SORT scale (A, B, C), keeps texts for patients at
# a reading grade of 8 or below, and links to where readers report a problem.
standards:
  require_authors: true
  grading: sort
readability:
  max_grade: 8
feedback_url: "mailto:editors@kb.example.org?subject=Problem%20with%20{slug}%20(version%20{version})&body={url}"
# Severity per check: error | warning | off
checks:
  citation/unused: warning
  reference/title-case: warning   # article titles in sentence case, as AMA prints them
# Older editions, each built from a git tag and published under /editions/<name>/:
# edition_tags: "edition-*"
"#;

const GITIGNORE: &str = "/public/\n/.evident-cache/\n";

const CODEOWNERS: &str = r#"# Who must approve changes to what signatures cannot guard: the people registry (who may
# sign approvals), the templates and theme around every page, and the site configuration.
# Turn on required reviews from code owners on your hosting platform (GitHub, GitLab,
# Bitbucket), and replace @medical-board and @site-owners with your own teams or people.
/people/ @medical-board
/templates/ @site-owners
/theme/ @site-owners
/evident.yaml @site-owners @medical-board
"#;

const VSCODE_SETTINGS: &str = r#"{
  "yaml.schemas": {
    "./.evident/schema/config.json": ["/evident.yaml"]
  },
  "files.watcherExclude": {
    "**/.evident/serve/**": true,
    "**/public/**": true
  },
  "search.exclude": {
    "**/.evident/serve": true,
    "**/public": true
  }
}
"#;

const VSCODE_EXTENSIONS: &str = r#"{
  "recommendations": ["redhat.vscode-yaml"]
}
"#;

const VSCODE_TASKS: &str = r#"{
  "version": "2.0.0",
  "tasks": [
    {
      "label": "evident: check",
      "type": "shell",
      "command": "evident check",
      "options": { "env": { "NO_COLOR": "1" } },
      "group": "build",
      "problemMatcher": {
        "owner": "evident",
        "fileLocation": ["relative", "${workspaceFolder}"],
        "pattern": [
          { "regexp": "^(error|warning)\\[([^\\]]+)\\]: (.*)$", "severity": 1, "code": 2, "message": 3 },
          { "regexp": "^\\s*--> (.+):(\\d+):(\\d+)$", "file": 1, "line": 2, "column": 3 }
        ]
      }
    },
    {
      "label": "evident: serve",
      "type": "shell",
      "command": "evident serve",
      "isBackground": true,
      "problemMatcher": []
    }
  ]
}
"#;

const EXAMPLE_ARTICLE: &str = r#"---
question: "How do I write an article in Evident?"
title: "Writing an Evident article"
answer: >-
  Write the question, a short bottom line with citations, and a body whose claims each
  cite a reference listed in the front matter [@evident-guide].
topics: [general]
audience: all
authors: [editor]
funding: "None declared"
conflicts: "None declared"
created: {today}
updated: {today}
version: 1
review:
  status: submitted
references:
  - id: evident-guide
    type: web
    title: "Evident content format"
    publisher: "Evident"
    url: "https://kb.example.org/editorial-policy/"
    accessed: {today}
---
## How an article is built

- The `question` is the page's title and ends with a question mark [@evident-guide].
- Every claim cites a reference with `[@key]`; the list at the foot is numbered for you [@evident-guide].
"#;

const POLICY_PAGE: &str = r#"---
title: "Editorial policy"
description: "How articles are written, referenced and reviewed."
---
Every article answers one question, cites its sources, and is reviewed by a named expert
before it is shown as reviewed. Until then it carries a pending-review notice.
"#;

const DISCLAIMER_PAGE: &str = r#"---
title: "Disclaimer"
description: "What this site is and is not."
---
This site is for education. It does not replace the judgement of a qualified professional
who knows the patient.
"#;

const ARTICLE_SKELETON: &str = r#"---
question: {question}
answer: >-
  Write the bottom line here in one to three sentences, citing the evidence [@source-key].
topics: [{topic}]
audience: all
{authors}# funding: "Who paid for the work, or None declared"
# conflicts: "The authors' conflicts of interest, or None declared"
created: {today}
updated: {today}
version: 1
review:
  status: draft
references:
  - id: source-key
    type: guideline
    title: "Title of the guideline or study"
    publisher: "Publishing organisation"
    year: {year}
related: []
---
## Key recommendations

- Each statement ends with the citation that supports it [@source-key].
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_short_slugs_from_questions() {
        assert_eq!(
            slug_for_question("What are the next treatment options after six cycles of Pluvicto?"),
            "next-treatment-options-after-six-cycles-pluvicto"
        );
        assert_eq!(slug_for_question("What is it?"), "what-is-it");
    }
}
