//! The documentation stays true: every link between README and the guides under `docs/`
//! leads to a file and a heading that exist, the configuration reference names every key
//! the binary accepts, and the five-minute tour's commands do what README says they do.

mod common;

use common::Site;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every page under docs/.
fn documentation_pages() -> Vec<PathBuf> {
    let mut pages = vec![repository().join("README.md")];
    let mut guides: Vec<PathBuf> = std::fs::read_dir(repository().join("docs"))
        .expect("docs/ exists")
        .map(|entry| entry.expect("read docs/").path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    guides.sort();
    pages.extend(guides);
    pages
}

/// GitHub's anchor for a heading: lowercase, punctuation dropped, spaces as hyphens.
fn anchor_of(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The anchors of a Markdown page's headings, outside code fences.
fn anchors_in(text: &str) -> BTreeSet<String> {
    let mut anchors = BTreeSet::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            anchors.insert(anchor_of(line.trim_start_matches('#')));
        }
    }
    anchors
}

/// `(target, line)` of every inline Markdown link `](target)` outside code fences.
fn links_in(text: &str) -> Vec<(String, usize)> {
    let mut links = Vec::new();
    let mut fenced = false;
    for (number, line) in text.lines().enumerate() {
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Code spans show Markdown rather than link: `[text](url)` is an example.
        let prose: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        let mut rest = prose.as_str();
        while let Some(start) = rest.find("](") {
            let after = &rest[start + 2..];
            let Some(end) = after.find(')') else { break };
            links.push((after[..end].to_string(), number + 1));
            rest = &after[end..];
        }
    }
    links
}

#[test]
fn every_link_between_the_pages_leads_to_a_file_and_heading_that_exist() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for page in documentation_pages() {
        let text = std::fs::read_to_string(&page).expect("read a documentation page");
        for (target, line) in links_in(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (file, fragment) = match target.split_once('#') {
                Some((file, fragment)) => (file, Some(fragment)),
                None => (target.as_str(), None),
            };
            let linked = if file.is_empty() {
                page.clone()
            } else {
                page.parent().expect("a page has a folder").join(file)
            };
            let name = format!("{}:{line}: {target}", page.display());
            if !linked.exists() {
                broken.push(format!("{name} (no such file)"));
                continue;
            }
            if let Some(fragment) = fragment {
                let linked_text = std::fs::read_to_string(&linked).expect("read the linked page");
                if !anchors_in(&linked_text).contains(fragment) {
                    broken.push(format!("{name} (no such heading)"));
                }
            }
        }
    }
    assert!(checked > 20, "the pages link to each other ({checked} links found)");
    assert!(broken.is_empty(), "broken documentation links:\n{}", broken.join("\n"));
}

/// Every property of a JSON Schema, nested ones as `parent.child`.
fn schema_keys(schema: &serde_json::Value, prefix: &str, keys: &mut Vec<String>) {
    if let Some(properties) = schema.get("properties").and_then(|p| p.as_object()) {
        for (name, property) in properties {
            let key = format!("{prefix}{name}");
            schema_keys(property, &format!("{key}."), keys);
            keys.push(key);
        }
    }
}

#[test]
fn the_configuration_reference_names_every_key_the_binary_accepts() {
    let output = Command::new(env!("CARGO_BIN_EXE_evident"))
        .args(["schema", "--config"])
        .output()
        .expect("run evident schema --config");
    assert!(output.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).expect("the schema is JSON");
    let mut keys = Vec::new();
    schema_keys(&schema, "", &mut keys);
    assert!(keys.len() > 30, "the schema has its keys ({})", keys.len());
    let reference = std::fs::read_to_string(repository().join("docs/configuration.md")).expect("read the reference");
    let missing: Vec<&String> = keys
        .iter()
        // Objects whose children are all listed are documented through them.
        .filter(|key| !reference.contains(&format!("`{key}`")))
        .filter(|key| !keys.iter().any(|other| other.starts_with(&format!("{key}."))))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/configuration.md does not document {missing:?}"
    );
}

/// The commands of README's five-minute tour, in order, without the ones that do not return
/// (`serve`).
fn tour_commands() -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string(repository().join("README.md")).expect("read README");
    let tour = readme
        .split("## Your first knowledge base in five minutes")
        .nth(1)
        .expect("README has the five-minute tour");
    let block = tour
        .split("```sh")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("the tour has a shell block");
    block
        .lines()
        .map(|line| line.split(" #").next().unwrap_or(line).trim())
        .filter(|line| !line.is_empty())
        .map(|line| {
            let mut words = Vec::new();
            let mut quoted: Option<String> = None;
            for word in line.split(' ') {
                match quoted.as_mut() {
                    Some(text) => {
                        text.push(' ');
                        text.push_str(word.trim_end_matches('"'));
                        if word.ends_with('"') {
                            words.push(quoted.take().unwrap_or_default());
                        }
                    }
                    None if word.starts_with('"') && !(word.len() > 1 && word.ends_with('"')) => {
                        quoted = Some(word.trim_start_matches('"').to_string());
                    }
                    None => words.push(word.trim_matches('"').to_string()),
                }
            }
            words
        })
        .collect()
}

#[test]
fn the_five_minute_tour_makes_the_site_and_the_draft_readme_names() {
    let commands = tour_commands();
    let programs: Vec<&str> = commands.iter().map(|c| c[0].as_str()).collect();
    assert_eq!(
        programs,
        ["evident", "cd", "evident", "evident"],
        "the tour: {commands:?}"
    );
    let place = Site::empty();
    let mut folder = place.root().to_path_buf();
    for command in &commands {
        match (command[0].as_str(), command.get(1).map(String::as_str)) {
            ("cd", Some(into)) => folder = folder.join(into),
            // serve does not return: the tour's last step is checked by tests/serve.rs.
            ("evident", Some("serve")) => {}
            ("evident", _) => {
                let output = Command::new(env!("CARGO_BIN_EXE_evident"))
                    .args(&command[1..])
                    .current_dir(&folder)
                    .env("NO_COLOR", "1")
                    .output()
                    .expect("run evident");
                assert!(
                    output.status.success(),
                    "`{}` failed: {}",
                    command.join(" "),
                    String::from_utf8_lossy(&output.stderr)
                );
            }
            other => panic!("the tour runs an unexpected command {other:?}"),
        }
    }
    let readme = std::fs::read_to_string(repository().join("README.md")).expect("read README");
    let promised = readme
        .split("`new` writes `")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .expect("README names the file `new` writes");
    assert!(folder.join("evident.yaml").is_file(), "init made the site");
    assert!(folder.join(promised).is_file(), "`new` wrote {promised} as README says");
}
