//! The layering holds: every module of `src/` sits in one layer of the table in
//! docs/architecture.md ("Layers"), and no file imports from a layer above its own. An
//! upward import fails this test: move the shared type down, or the module up.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The layers, bottom first, each with the module paths it holds, read from the table
/// under "## Layers" in docs/architecture.md.
fn layers() -> Vec<(String, Vec<String>)> {
    let doc = std::fs::read_to_string(repository().join("docs/architecture.md")).expect("read docs/architecture.md");
    let section = doc
        .split("\n## Layers")
        .nth(1)
        .expect("docs/architecture.md has a \"## Layers\" section");
    let mut layers = Vec::new();
    for row in section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
    {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let (Some(name), Some(modules)) = (cells.get(1), cells.get(2)) else {
            continue;
        };
        if name.starts_with("---") || *name == "Layer" {
            continue;
        }
        let modules: Vec<String> = modules.split('`').skip(1).step_by(2).map(str::to_string).collect();
        layers.push((name.trim_matches('*').to_string(), modules));
    }
    assert!(layers.len() >= 8, "the Layers table has its rows: {layers:?}");
    layers
}

/// The layer of a module path: that of the longest listed path it is, or is inside.
fn layer_of<'a>(path: &str, table: &'a [(String, usize)]) -> Option<&'a (String, usize)> {
    table
        .iter()
        .filter(|(listed, _)| path == listed || path.starts_with(&format!("{listed}::")))
        .max_by_key(|(listed, _)| listed.len())
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src/") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// `src/parse/yaml/mod.rs` → `parse::yaml`; `src/main.rs` → `main`.
fn module_of(file: &Path) -> String {
    let rel = file.strip_prefix(repository().join("src")).expect("a file of src/");
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

/// The code of a file without its test module and comments: tests may reach anywhere.
fn code_of(text: &str) -> String {
    let code = text.split("#[cfg(test)]\nmod ").next().unwrap_or(text);
    code.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .map(|line| line.split(" // ").next().unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The module paths a file names: `crate::a::b…` and `super::…` (resolved), the last
/// segment dropped when it names an item (a capital) rather than a module.
fn imports(module: &str, code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let bytes = code.as_bytes();
    for prefix in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(prefix) {
            let start = from + at;
            from = start + prefix.len();
            if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
                continue;
            }
            let mut path: Vec<&str> = Vec::new();
            let mut rest = &code[start + prefix.len()..];
            while let Some(segment) = rest
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .filter(|s| !s.is_empty() && s.starts_with(|c: char| c.is_ascii_lowercase()))
            {
                path.push(segment);
                rest = &rest[segment.len()..];
                match rest.strip_prefix("::") {
                    Some(after) => rest = after,
                    None => break,
                }
            }
            let base: Vec<&str> = if prefix == "crate::" {
                Vec::new()
            } else {
                // `super` of module `a::b` (a file `a/b.rs` or `a/b/mod.rs`) is `a`.
                let mut own: Vec<&str> = module.split("::").collect();
                own.pop();
                let mut rest_super = &code[start + prefix.len()..];
                while let Some(after) = rest_super.strip_prefix("super::") {
                    own.pop();
                    rest_super = after;
                }
                own
            };
            let full: Vec<&str> = base.into_iter().chain(path).filter(|s| *s != "super").collect();
            if !full.is_empty() {
                found.insert(full.join("::"));
            }
        }
    }
    found
}

#[test]
fn no_module_imports_from_a_layer_above_its_own() {
    let layers = layers();
    let table: Vec<(String, usize)> = layers
        .iter()
        .enumerate()
        .flat_map(|(index, (_, modules))| modules.iter().map(move |m| (m.clone(), index)))
        .collect();
    let mut files = Vec::new();
    rust_files(&repository().join("src"), &mut files);
    files.sort();
    let mut unlisted = BTreeSet::new();
    let mut upward: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for file in &files {
        let module = module_of(file);
        if module == "lib" {
            continue;
        }
        let Some((_, own_layer)) = layer_of(&module, &table) else {
            unlisted.insert(module);
            continue;
        };
        let text = std::fs::read_to_string(file).expect("read a source file");
        for imported in imports(&module, &code_of(&text)) {
            let Some((listed, layer)) = layer_of(&imported, &table) else {
                continue;
            };
            if layer > own_layer {
                upward
                    .entry((module.clone(), listed.clone()))
                    .or_default()
                    .push(format!(
                        "{} ({} → {})",
                        imported, layers[*own_layer].0, layers[*layer].0
                    ));
            }
        }
    }
    assert!(
        unlisted.is_empty(),
        "modules missing from the Layers table of docs/architecture.md: {unlisted:?}"
    );
    let found: Vec<String> = upward
        .iter()
        .map(|((from, to), how)| format!("{from} imports {to}: {}", how.join(", ")))
        .collect();
    assert!(
        found.is_empty(),
        "upward imports (a stage may use only its own layer and those below it; move the shared type down):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_scanner_sees_crate_and_super_paths_and_skips_tests_and_comments() {
    let code = code_of(
        "use crate::render::csl::Style;\nuse super::fields::Locator;\n// crate::serve::x\nfn f() { crate::link::graph::Graph::build(); }\n#[cfg(test)]\nmod tests { use crate::pipeline; }\n",
    );
    let found = imports("parse::article", &code);
    let expected: BTreeSet<String> = ["render::csl", "parse::fields", "link::graph"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(found, expected);
    let table = vec![("parse".to_string(), 3), ("parse::yaml".to_string(), 0)];
    assert_eq!(layer_of("parse::yaml::tree", &table).map(|l| l.1), Some(0));
    assert_eq!(layer_of("parse::article", &table).map(|l| l.1), Some(3));
    assert_eq!(layer_of("parser", &table), None);
}
