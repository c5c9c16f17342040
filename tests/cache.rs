//! The build cache (`.evident/cache/`): a build whose inputs and output are those of the
//! last build says "up to date" and writes nothing; after any kind of edit the cached build
//! publishes exactly the bytes of a clean `--no-cache` build; a corrupt or foreign cache is
//! ignored; `--no-cache` builds and records nothing; `init` keeps the cache out of git.

mod common;

use common::{Site, commit, edit, git};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const ARTICLE: &str = "content/cardiology/statin-muscle-symptoms.md";

/// The alias that keeps a deleted article's address working.
const REDIRECT_CRAMPS: &str = "aliases: [statin-cramps]\n";
const ENTRIES: &str = ".evident/cache/builds";

fn site() -> Site {
    let site = Site::fixture("serve/site");
    site.write(
        "references/shared.yaml",
        "- id: shared-trial\n  type: research\n  authors: [\"Roe R\"]\n  title: \"Pooled statin trials\"\n  journal: \"BMJ\"\n  year: 2021\n",
    );
    edit(
        &site,
        ARTICLE,
        "- In blinded trials",
        "- Pooled data agree [@shared-trial].\n- In blinded trials",
    );
    // A file the article embeds (its approval covers the bytes) and an author it names.
    site.write(
        "static/files/chart.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>edition 0</title></svg>\n",
    );
    edit(
        &site,
        ARTICLE,
        "## Evidence\n",
        "## Evidence\n\n![Reported muscle symptoms](/files/chart.svg)\n",
    );
    // And one beside it, published beside its page.
    site.write(
        "content/cardiology/symptom-scale.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>scale 0</title></svg>\n",
    );
    edit(
        &site,
        ARTICLE,
        "## Evidence\n",
        "## Evidence\n\n![Symptom scale](symptom-scale.svg)\n",
    );
    edit(
        &site,
        ARTICLE,
        "audience: all\n",
        "audience: all\nauthors: [rose-roe]\n",
    );
    site.write(
        "people/rose-roe.md",
        "---\nname: \"Rose Roe\"\ncredentials: \"MD\"\nrole: \"Medical writer\"\ndisclosures: \"None declared\"\n---\n\nRose Roe writes on heart medicines.\n",
    );
    site.write(".gitignore", "/public/\n/.evident/\n");
    git(&site, "2025-02-01T12:00:00Z", &["init", "-q"]);
    commit(&site, "2025-02-01T12:00:00Z", "First version");
    site
}

/// `build` with the cache, into public/: whether it said "up to date".
fn cached_build(site: &Site, extra: &[&str]) -> bool {
    let output = site.run(&[&["build"], extra].concat());
    output.expect_code(0);
    output.stderr.contains("up to date")
}

/// A clean build of the same tree elsewhere, and the cached output beside it.
fn expect_clean_bytes(site: &Site, extra: &[&str], what: &str) {
    let clean = tempfile::tempdir().unwrap();
    let out = clean.path().join("public");
    let out_arg = out.to_string_lossy().into_owned();
    let output = site.run(&[&["build", "--no-cache", "--out", &out_arg], extra].concat());
    output.expect_code(0);
    assert!(!output.stderr.contains("up to date"), "{}", output.stderr);
    let cached = tree(&site.path("public"));
    let fresh = tree(&out);
    common::assert_same_files(&cached, &fresh, what);
}

/// Every file under `dir` with its bytes, and every folder (named with a trailing `/`): a
/// build that publishes in place must also leave no folder a clean build has not.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walk(dir) {
        let rel = entry.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
        files.insert(rel, std::fs::read(&entry).unwrap());
    }
    for folder in folders(dir) {
        let rel = folder.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
        files.insert(format!("{rel}/"), Vec::new());
    }
    files
}

fn folders(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(folders(&path));
            found.push(path);
        }
    }
    found
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// One kind of edit named in the scale issue, applied to the site.
type Edit = (&'static str, fn(&Site));

/// The article ARTICLE lists as related, and which lists it back.
const NEIGHBOUR: &str = "content/cardiology/statins-primary-prevention.md";

const EDITS: [Edit; 19] = [
    ("article text", |s| {
        edit(s, ARTICLE, "are not caused", "are seldom caused")
    }),
    // As many topics as before: only their names tell the related graph what changed.
    ("a topic renamed", |s| {
        edit(s, ARTICLE, "topics: [cardiology", "topics: [lipids")
    }),
    ("a related list", |s| {
        edit(
            s,
            ARTICLE,
            "related: [statins-primary-prevention]",
            "related: [metformin-first-line]",
        )
    }),
    // Shown on ARTICLE's page (its related list) but written in another file: a page keyed
    // by its inputs must name its neighbours' too.
    ("a related question's answer", |s| {
        edit(
            s,
            NEIGHBOUR,
            "a moderate-intensity statin",
            "a statin of moderate intensity",
        )
    }),
    ("a review state", |s| {
        edit(
            s,
            NEIGHBOUR,
            "  status: submitted\n",
            "  status: under_review\n  reviewers:\n    - {name: \"Dr Grace Hopper\"}\n",
        )
    }),
    // Shown on the history page, which is keyed by its inputs too.
    ("an update date", |s| {
        edit(
            s,
            ARTICLE,
            "created: 2025-02-01\n",
            "created: 2025-02-01\nupdated: 2025-03-01\n",
        )
    }),
    ("topics", |s| {
        let text = s.read(ARTICLE);
        let line = text.lines().find(|l| l.starts_with("topics: [")).unwrap().to_string();
        edit(s, ARTICLE, &line, &line.replace(']', ", diabetes]"))
    }),
    ("a shared reference", |s| {
        edit(
            s,
            "references/shared.yaml",
            "Pooled statin trials",
            "Pooled trials of statins",
        )
    }),
    ("a template", |s| {
        let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/page.html")).unwrap();
        s.write(
            "templates/page.html",
            page.replace("<div class=\"prose\">", "<div class=\"prose\" id=\"t\">"),
        );
    }),
    ("the theme", |s| {
        s.write("theme/extra.css", "body { color: #222; }\n");
    }),
    ("evident.yaml", |s| {
        edit(s, "evident.yaml", "A tiny site", "A small site")
    }),
    ("synonyms.yaml", |s| {
        s.write("synonyms.yaml", "expand:\n  achy: [muscle pain]\n");
    }),
    // Copied to the output as it is, and the article's approval covers its bytes.
    ("a static file", |s| {
        edit(s, "static/files/chart.svg", "edition 0", "edition 1")
    }),
    // Beside the article: read by its parse, not named by its own file.
    ("a file beside an article", |s| {
        edit(s, "content/cardiology/symptom-scale.svg", "scale 0", "scale 1")
    }),
    ("the people registry", |s| {
        edit(
            s,
            "people/rose-roe.md",
            "credentials: \"MD\"",
            "credentials: \"MD, PhD\"",
        )
    }),
    ("a page", |s| {
        edit(s, "content/pages/disclaimer.md", "never replaces", "does not replace")
    }),
    ("a new article", |s| {
        // Its address comes back as a page: the redirect a deletion left gives way.
        let text = s.read(ARTICLE).replace(REDIRECT_CRAMPS, "");
        s.write(ARTICLE, &text);
        let text = text.replace("Do statins cause muscle pain?", "Do statins cause cramps?");
        s.write("content/cardiology/statin-cramps.md", text);
    }),
    // A published address may not disappear (`url/removed`): the deleted article's address
    // becomes an alias of the article that answers instead.
    ("a deleted article", |s| {
        std::fs::remove_file(s.path("content/cardiology/statin-cramps.md")).unwrap();
        edit(
            s,
            ARTICLE,
            "question: \"Do statins cause muscle pain?\"\n",
            &format!("question: \"Do statins cause muscle pain?\"\n{REDIRECT_CRAMPS}"),
        );
    }),
    // The files stay as they are: only git's history moves.
    ("a commit that changes history", |s| {
        commit(s, "2025-03-01T12:00:00Z", "Second version")
    }),
];

#[test]
fn every_kind_of_edit_gives_the_bytes_of_a_clean_build() {
    let site = site();
    assert!(!cached_build(&site, &[]), "the first build builds");
    assert!(cached_build(&site, &[]), "nothing changed: up to date");
    expect_clean_bytes(&site, &[], "nothing");
    for (what, apply) in EDITS {
        apply(&site);
        assert!(!cached_build(&site, &[]), "after {what}, the cache was trusted");
        expect_clean_bytes(&site, &[], what);
        assert!(cached_build(&site, &[]), "after {what} and a build, up to date");
    }
    // The options and the day are inputs too.
    for extra in [
        &["--drafts"][..],
        &["--as-of", "2030-01-01"],
        &["--base-url", "https://other.example/"],
    ] {
        assert!(!cached_build(&site, extra), "{extra:?} trusted the cache");
        expect_clean_bytes(&site, extra, &format!("{extra:?}"));
        assert!(cached_build(&site, extra), "{extra:?} again: up to date");
    }
}

/// `synonyms.yaml` is read by no stage but the search index: an edit of it alone must not
/// be "up to date", and must give the index a clean build gives.
#[test]
fn an_edit_of_synonyms_yaml_alone_rebuilds_the_search_index() {
    let site = site();
    assert!(!cached_build(&site, &[]), "the first build builds");
    let before = site.read("public/search/synonyms.json");
    let expansion = |site: &Site| {
        let table: serde_json::Value = serde_json::from_str(&site.read("public/search/synonyms.json")).unwrap();
        table["expand"]["achy"].clone()
    };
    assert_eq!(expansion(&site), serde_json::Value::Null);
    for (text, shipped) in [
        ("expand:\n  achy: [muscle pain]\n", serde_json::json!(["muscl pain"])),
        ("expand:\n  achy: [statins]\n", serde_json::json!(["statin"])),
    ] {
        site.write("synonyms.yaml", text);
        assert!(
            !cached_build(&site, &[]),
            "after writing {text:?}, the cache was trusted"
        );
        assert_eq!(expansion(&site), shipped, "{text:?}");
        expect_clean_bytes(&site, &[], text);
        assert!(cached_build(&site, &[]), "{text:?} built: up to date");
    }
    std::fs::remove_file(site.path("synonyms.yaml")).unwrap();
    assert!(!cached_build(&site, &[]), "a removed synonyms.yaml was not seen");
    assert_eq!(site.read("public/search/synonyms.json"), before);
    expect_clean_bytes(&site, &[], "removing synonyms.yaml");
}

#[test]
fn an_output_changed_by_hand_is_built_again() {
    let site = site();
    cached_build(&site, &[]);
    // Restored from an archive with other dates but the same bytes: still what was built.
    let page = site.read("public/index.html");
    std::thread::sleep(std::time::Duration::from_millis(20));
    site.write("public/index.html", &page);
    assert!(cached_build(&site, &[]), "the same bytes with another date");
    site.write("public/index.html", "defaced");
    assert!(!cached_build(&site, &[]), "the output no longer matches what was built");
    expect_clean_bytes(&site, &[], "a defaced page");
    std::fs::remove_file(site.path("public/feed.xml")).unwrap();
    assert!(!cached_build(&site, &[]));
    site.write("public/extra.html", "left over");
    assert!(!cached_build(&site, &[]));
    expect_clean_bytes(&site, &[], "an extra file");
}

/// The only entry of the cache.
fn entry(site: &Site) -> std::path::PathBuf {
    let entries: Vec<_> = std::fs::read_dir(site.path(ENTRIES))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    entries[0].clone()
}

#[test]
fn a_corrupt_or_foreign_cache_is_ignored_and_replaced() {
    let site = site();
    cached_build(&site, &[]);
    let path = entry(&site);
    let good = std::fs::read(&path).unwrap();
    let mut flipped = good.clone();
    let middle = good.len() / 2;
    flipped[middle] ^= 0x20;
    let corruptions: [(&str, Vec<u8>); 5] = [
        ("truncated", good[..good.len() - 10].to_vec()),
        ("one byte changed", flipped),
        ("empty", Vec::new()),
        ("another format", b"{\"inputs\": \"x\"}".to_vec()),
        ("grown", [good.as_slice(), b"more"].concat()),
    ];
    for (what, bytes) in corruptions {
        std::fs::write(&path, bytes).unwrap();
        assert!(!cached_build(&site, &[]), "a {what} entry was trusted");
        expect_clean_bytes(&site, &[], what);
        assert!(cached_build(&site, &[]), "the {what} entry was replaced by a good one");
    }
    std::fs::remove_dir_all(site.path(".evident/cache")).unwrap();
    assert!(!cached_build(&site, &[]), "a deleted cache builds");
    assert!(cached_build(&site, &[]));

    // Another binary (a rebuilt one of the same version): its entries are not this one's.
    let other = tempfile::tempdir().unwrap();
    let binary = other.path().join("evident");
    std::fs::copy(env!("CARGO_BIN_EXE_evident"), &binary).unwrap();
    let run_other = || {
        let run = || {
            Command::new(&binary)
                .arg("--root")
                .arg(site.root())
                .arg("build")
                .env("NO_COLOR", "1")
                .env_remove("EVIDENT_TRUSTED_KEYS")
                .output()
        };
        // A copy just written can be "busy" while another test's child, forked meanwhile,
        // still holds the copy's write handle: Linux refuses to run it until that closes.
        let mut output = run();
        for _ in 0..50 {
            match &output {
                Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    output = run();
                }
                _ => break,
            }
        }
        let output = output.unwrap();
        assert_eq!(output.status.code(), Some(0));
        String::from_utf8(output.stderr).unwrap().contains("up to date")
    };
    assert!(!run_other(), "another binary trusted this binary's entry");
    assert!(run_other());
    assert!(!cached_build(&site, &[]), "this binary trusted another's entry");
    expect_clean_bytes(&site, &[], "another binary");
}

#[test]
fn no_cache_builds_and_records_nothing() {
    let site = site();
    let output = site.run(&["build", "--no-cache"]);
    output.expect_code(0);
    assert!(!site.exists(".evident/cache"), "--no-cache wrote the cache");
    let output = site.run(&["build", "--no-cache"]);
    assert!(!output.stderr.contains("up to date"), "{}", output.stderr);
    cached_build(&site, &[]);
    let output = site.run(&["build", "--no-cache"]);
    assert!(!output.stderr.contains("up to date"), "--no-cache used the cache");
}

/// A listed reference the article never cites: a warning of the article's own checks.
fn list_an_uncited_reference(site: &Site) {
    edit(
        site,
        "content/diabetes/metformin-first-line.md",
        "references:\n",
        "references:\n  - id: never-cited\n    type: web\n    title: \"Never cited\"\n    url: \"https://example.org/x\"\n    accessed: 2025-01-01\n",
    );
}

#[test]
fn findings_of_the_build_are_reported_again_when_up_to_date() {
    let site = site();
    list_an_uncited_reference(&site);
    let first = site.run(&["build", "--format", "json"]);
    first.expect_code(0);
    let again = site.run(&["build", "--format", "json"]);
    again.expect_code(0);
    assert!(again.stderr.contains("up to date"), "{}", again.stderr);
    assert!(first.stdout.contains("citation/unused"), "{}", first.stdout);
    assert_eq!(first.stdout, again.stdout, "the same findings, in the same form");
}

#[test]
fn init_keeps_the_cache_out_of_git() {
    let site = Site::empty();
    site.run(&["init", "."]).expect_code(0);
    let ignored = site.read(".gitignore");
    assert!(ignored.lines().any(|l| l == "/.evident/cache/"), "{ignored}");
}

/// Random sequences of the edits above, with builds that repeat the last one between them:
/// after every step, the cached output is a clean build's. `EVIDENT_CACHE_SEQUENCES=N`
/// runs more of them.
#[test]
fn random_sequences_of_edits_keep_the_cached_output_clean() {
    let sequences: u64 = std::env::var("EVIDENT_CACHE_SEQUENCES")
        .map(|n| n.parse().expect("a number"))
        .unwrap_or(2);
    for seed in 1..=sequences {
        let site = site();
        let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut done = Vec::new();
        for step in 0..8 {
            // Each edit once per sequence (some undo others, and some need an earlier one).
            let (what, apply) = EDITS[(next() % EDITS.len() as u64) as usize];
            if what == "a deleted article" && !site.exists("content/cardiology/statin-cramps.md")
                || what == "a new article" && site.exists("content/cardiology/statin-cramps.md")
                || done.contains(&what) && what != "the theme"
            {
                cached_build(&site, &[]);
            } else {
                apply(&site);
                done.push(what);
                if what == "the theme" {
                    site.write("theme/extra.css", format!("body {{ margin: {step}px; }}\n"));
                }
                cached_build(&site, &[]);
            }
            expect_clean_bytes(&site, &[], &format!("seed {seed}: {}", done.join(", ")));
        }
    }
}

/// The packs of kept parses (`.evident/cache/articles/*.pack`), one per configuration.
fn packs(site: &Site) -> Vec<std::path::PathBuf> {
    let Ok(dir) = std::fs::read_dir(site.path(".evident/cache/articles")) else {
        return Vec::new();
    };
    let mut packs: Vec<_> = dir
        .map(|e| e.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "pack"))
        .collect();
    packs.sort();
    packs
}

/// The only pack of kept parses.
fn pack(site: &Site) -> std::path::PathBuf {
    let packs = packs(site);
    assert_eq!(packs.len(), 1, "{packs:?}");
    packs[0].clone()
}

/// What the index beside `pack` names: each entry's name in hex, and where its record is.
fn indexed(pack: &Path) -> BTreeMap<String, (u64, u32)> {
    let Ok(bytes) = std::fs::read(pack.with_extension("index")) else {
        return BTreeMap::new();
    };
    let tag = b"evident-kept-parses index 1\n".len();
    let binary = u64::from_le_bytes(bytes[tag..tag + 8].try_into().unwrap()) as usize;
    let count_at = tag + 8 + binary + 16;
    let count = u64::from_le_bytes(bytes[count_at..count_at + 8].try_into().unwrap()) as usize;
    let entries = &bytes[count_at + 8..bytes.len() - 8];
    assert_eq!(entries.len(), count * 48, "an index of {count} entries");
    entries
        .chunks(48)
        .map(|entry| {
            let name: String = entry[..32].iter().map(|b| format!("{b:02x}")).collect();
            let offset = u64::from_le_bytes(entry[32..40].try_into().unwrap());
            let length = u32::from_le_bytes(entry[40..44].try_into().unwrap());
            (name, (offset, length))
        })
        .collect()
}

/// The kept parses of article files, by name: each record's bytes, as the index places it.
fn kept_parses(site: &Site) -> BTreeMap<String, Vec<u8>> {
    let mut kept = BTreeMap::new();
    for pack in packs(site) {
        let bytes = std::fs::read(&pack).unwrap();
        for (name, (offset, length)) in indexed(&pack) {
            kept.insert(name, bytes[offset as usize..offset as usize + length as usize].to_vec());
        }
    }
    kept
}

/// After an edit of one article, the next build parses that file alone: one new kept
/// parse, the others read back, and the output a clean build's. A template edit parses
/// nothing anew.
#[test]
fn a_build_after_an_edit_parses_only_the_edited_article() {
    let site = site();
    cached_build(&site, &[]);
    let first = kept_parses(&site);
    assert_eq!(first.len(), 3, "one kept parse per article: {:?}", first.keys());
    edit(&site, ARTICLE, "are not caused", "are seldom caused");
    cached_build(&site, &[]);
    expect_clean_bytes(&site, &[], "an article edit");
    let second = kept_parses(&site);
    let new: Vec<_> = second.keys().filter(|name| !first.contains_key(*name)).collect();
    assert_eq!(new.len(), 1, "only the edited article was parsed anew: {new:?}");
    for (name, bytes) in &first {
        assert_eq!(second.get(name), Some(bytes), "{name} was rewritten");
    }
    let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/page.html")).unwrap();
    site.write(
        "templates/page.html",
        page.replace("<div class=\"prose\">", "<div class=\"prose\" id=\"t\">"),
    );
    assert!(!cached_build(&site, &[]), "a template edit builds");
    expect_clean_bytes(&site, &[], "a template edit");
    assert_eq!(kept_parses(&site), second, "a template edit parsed articles anew");
}

/// The inode of each file under public/: a page taken over from the earlier build is the
/// same file, one written anew is another.
fn inodes(site: &Site) -> BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    let out = site.path("public");
    walk(&out)
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(&out).unwrap().to_string_lossy().into_owned();
            (rel, std::fs::metadata(&path).unwrap().ino())
        })
        .collect()
}

/// After an article edit, the pages that do not show it are taken over from the earlier
/// output, not rendered and written again; the edited article's page, and a page edited by
/// hand since, are written anew. Debug builds (these tests) also render each page taken
/// over and stop if it differs.
#[test]
fn a_build_after_an_edit_writes_only_the_pages_it_changes() {
    let site = site();
    cached_build(&site, &[]);
    let before = inodes(&site);
    let page = "questions/statin-muscle-symptoms/index.html";
    let unchanged = ["disclaimer/index.html", "robots.txt", "theme/evident.css"];
    let by_hand = "404.html";
    // Edited by hand after that build: same size, other bytes, a later date.
    let defaced = site.read(&format!("public/{by_hand}")).replace('<', "[");
    site.write(&format!("public/{by_hand}"), defaced);
    edit(&site, ARTICLE, "are not caused", "are seldom caused");
    let build = site.run(&["build"]);
    build.expect_code(0);
    expect_clean_bytes(&site, &[], "an article edit");
    let after = inodes(&site);
    for rel in unchanged {
        assert_eq!(before[rel], after[rel], "{rel} was written again");
    }
    assert_ne!(before[page], after[page], "the edited article's page was taken over");
    assert!(site.read(&format!("public/{page}")).contains("are seldom caused"));
    assert_ne!(before[by_hand], after[by_hand], "a page edited by hand was taken over");
    // Evident's own mark stays too (the build publishes in place), but is no page.
    let taken_over = before
        .iter()
        .filter(|(rel, ino)| *rel != ".evident-output" && after.get(*rel) == Some(*ino))
        .count();
    assert!(
        taken_over * 2 > before.len(),
        "most files are taken over: {taken_over} of {}",
        before.len()
    );
    // The summary says so, counting what the folder holds but Evident's own mark.
    assert!(after.contains_key(".evident-output"));
    let (files, unchanged) = (after.len() - 1, taken_over);
    let said = format!(
        "{files} files, {} written and {unchanged} unchanged, ",
        files - unchanged
    );
    assert!(build.stderr.contains(&said), "expected {said:?} in {}", build.stderr);
    // Without the cache, nothing is taken over.
    let again = inodes(&site);
    site.run(&["build", "--no-cache"]).expect_code(0);
    let fresh = inodes(&site);
    assert!(
        again.iter().all(|(rel, ino)| fresh[rel] != *ino),
        "--no-cache took a file over"
    );
}

/// The checksum of the cache's records and index (`cache::pack::checksum`): the Fx hash
/// of the length, then of the bytes as zero-padded little-endian words.
fn checksum(bytes: &[u8]) -> u64 {
    let add = |hash: u64, word: u64| (hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    bytes.chunks(8).fold(add(0, bytes.len() as u64), |hash, chunk| {
        let mut word = [0; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        add(hash, u64::from_le_bytes(word))
    })
}

/// Seals `bytes` again after a change: its last eight bytes are the checksum of the rest.
fn reseal(bytes: &mut [u8]) {
    let end = bytes.len() - 8;
    let sum = checksum(&bytes[..end]);
    bytes[end..].copy_from_slice(&sum.to_le_bytes());
}

/// Swaps the names of the first two records of the pack at `path` (placed as `places`
/// says), sealing each again, and their entries in its index: each name's entry is whole
/// and sealed, and holds the other article's parse.
fn swap_two(path: &Path, places: &BTreeMap<String, (u64, u32)>) {
    let mut bytes = std::fs::read(path).unwrap();
    let mut two = places.values().take(2);
    let (a, b) = (*two.next().unwrap(), *two.next().unwrap());
    let (a_name, b_name) = (
        bytes[a.0 as usize..a.0 as usize + 32].to_vec(),
        bytes[b.0 as usize..b.0 as usize + 32].to_vec(),
    );
    for ((offset, length), name) in [(a, &b_name), (b, &a_name)] {
        let record = &mut bytes[offset as usize..offset as usize + length as usize];
        record[..32].copy_from_slice(name);
        reseal(record);
    }
    std::fs::write(path, bytes).unwrap();
    let index_path = path.with_extension("index");
    let mut index = std::fs::read(&index_path).unwrap();
    let a_at = index.windows(32).position(|w| w == a_name).unwrap();
    let b_at = index.windows(32).position(|w| w == b_name).unwrap();
    index[a_at..a_at + 32].copy_from_slice(&b_name);
    index[b_at..b_at + 32].copy_from_slice(&a_name);
    reseal(&mut index);
    std::fs::write(index_path, index).unwrap();
}

/// Changes one byte of the pack at `path` and of its index, at `pack_at` and `index_at`
/// (their tag, or the binary that wrote them), sealing the index again.
fn mark_foreign(path: &Path, pack_at: usize, index_at: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes[pack_at] ^= 0x01;
    std::fs::write(path, bytes).unwrap();
    let mut index = std::fs::read(path.with_extension("index")).unwrap();
    index[index_at] ^= 0x01;
    reseal(&mut index);
    std::fs::write(path.with_extension("index"), index).unwrap();
}

/// A pack of kept parses damaged in one entry's bytes, cut short, emptied, of another
/// format or of another binary, or left half-compacted: what cannot be proved is parsed
/// anew and replaced, and the output is a clean build's. Debug builds (every test) parse
/// each recalled file again and stop when a recalled parse differs, so an entry that was
/// trusted wrongly fails the test too.
#[test]
fn a_damaged_pack_of_kept_parses_is_parsed_anew_and_replaced() {
    let site = site();
    cached_build(&site, &[]);
    let good = kept_parses(&site);
    assert_eq!(good.len(), 3);
    let path = pack(&site);
    let index = path.with_extension("index");
    let (good_pack, good_index) = (std::fs::read(&path).unwrap(), std::fs::read(&index).unwrap());
    let places = indexed(&path);
    let (offset, length) = places.values().next().copied().unwrap();
    let places: &'static BTreeMap<String, (u64, u32)> = Box::leak(Box::new(places));
    let head = places.values().map(|(offset, _)| *offset).min().unwrap() as usize;
    type Damage = Box<dyn Fn(&Path)>;
    let damages: Vec<(&str, Damage)> = vec![
        (
            "one entry's byte flipped",
            Box::new(move |path| {
                let mut bytes = std::fs::read(path).unwrap();
                bytes[(offset + u64::from(length) / 2) as usize] ^= 0x01;
                std::fs::write(path, bytes).unwrap();
            }),
        ),
        (
            "cut short",
            Box::new(|path| {
                let bytes = std::fs::read(path).unwrap();
                std::fs::write(path, &bytes[..bytes.len() - 100]).unwrap();
            }),
        ),
        ("emptied", Box::new(|path| std::fs::write(path, b"").unwrap())),
        // Each of these holds records whole and sealed, but two articles' parses swapped:
        // only what says whose pack it is keeps them from being read.
        (
            "of another format",
            Box::new(move |path| {
                swap_two(path, places);
                mark_foreign(
                    path,
                    b"evident-kept-parses pack ".len(),
                    b"evident-kept-parses index ".len(),
                );
            }),
        ),
        (
            "of another binary",
            Box::new(move |path| {
                swap_two(path, places);
                let (pack_tag, index_tag) = (
                    b"evident-kept-parses pack 1\n".len(),
                    b"evident-kept-parses index 1\n".len(),
                );
                mark_foreign(path, pack_tag + 8, index_tag + 8);
            }),
        ),
        (
            "left by a compaction cut off after its pack was renamed",
            Box::new(move |path| {
                // A new pack's records where the old index places others, under a new id.
                swap_two(path, places);
                let mut bytes = std::fs::read(path).unwrap();
                bytes[head - 1] ^= 0x01;
                std::fs::write(path, bytes).unwrap();
            }),
        ),
        (
            "left by a compaction cut off while writing its pack",
            Box::new(|path| {
                let bytes = std::fs::read(path).unwrap();
                let name = path.file_name().unwrap().to_string_lossy();
                let left = path.with_file_name(format!(".{name}.999999.tmp"));
                std::fs::write(left, &bytes[..bytes.len() / 2]).unwrap();
            }),
        ),
    ];
    let disclaimer = site.read("content/pages/disclaimer.md");
    for (what, damage) in damages {
        std::fs::write(&path, &good_pack).unwrap();
        std::fs::write(&index, &good_index).unwrap();
        damage(&path);
        // An edit of a page, so that the build does not stop at "up to date".
        site.write("content/pages/disclaimer.md", format!("{disclaimer}\nNot {what}.\n"));
        assert!(!cached_build(&site, &[]));
        expect_clean_bytes(&site, &[], what);
        let now = kept_parses(&site);
        assert_eq!(
            now.keys().collect::<Vec<_>>(),
            good.keys().collect::<Vec<_>>(),
            "{what}: the kept parses were not replaced"
        );
        for (name, bytes) in &good {
            assert!(now[name] == *bytes, "{what}: {name} was kept otherwise");
        }
    }
}

/// Sets a file's modification time `days` back.
fn age(path: &Path, days: u64) {
    let then = std::time::SystemTime::now() - std::time::Duration::from_secs(days * 24 * 60 * 60);
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(then).unwrap();
}

/// A pack of kept parses no build has used for a week goes, when the folder was last
/// searched more than a day ago, with its index, and so does a temporary file a build left
/// a day ago; the pack in use, a recent one, and a file that is not the cache's, stay.
/// Within a pack, entries unused for a week leave the index (`cache::pack`'s tests).
#[test]
fn packs_of_kept_parses_unused_for_a_week_are_removed() {
    let site = site();
    let dir = site.path(".evident/cache/articles");
    // "Today" names the packs' configurations: one pack a day.
    cached_build(&site, &["--as-of", "2026-01-01"]);
    let old = pack(&site);
    cached_build(&site, &["--as-of", "2026-01-02"]);
    let recent: Vec<_> = packs(&site).into_iter().filter(|p| *p != old).collect();
    assert_eq!(recent.len(), 1);
    for file in [old.clone(), old.with_extension("index")] {
        age(&file, 8);
    }
    let foreign = dir.join("notes.pack");
    std::fs::write(&foreign, "not the cache's").unwrap();
    age(&foreign, 30);
    let left = dir.join(".x.pack.999999.tmp");
    std::fs::write(&left, "cut off").unwrap();
    age(&left, 2);
    // The folder was searched by the first build, within the last day: nothing goes.
    edit(&site, ARTICLE, "are not caused", "are seldom caused");
    cached_build(&site, &["--as-of", "2026-01-03"]);
    assert!(old.exists() && left.exists(), "searched twice in a day");
    age(&dir.join("pruned"), 2);
    edit(&site, ARTICLE, "are seldom caused", "are rarely caused");
    cached_build(&site, &["--as-of", "2026-01-03"]);
    expect_clean_bytes(&site, &["--as-of", "2026-01-03"], "pruning");
    assert!(!old.exists(), "a pack unused for a week stayed");
    assert!(!old.with_extension("index").exists(), "its index stayed");
    assert!(!left.exists(), "a temporary file of yesterday stayed");
    assert!(recent[0].exists(), "a pack of yesterday was removed");
    assert!(foreign.exists(), "a file that is not the cache's was removed");
    assert_eq!(packs(&site).len(), 3, "yesterday's, today's and the foreign file");
}

/// `check` reads the parses `build` kept and finds what it finds without them; it writes
/// nothing to the cache. Debug builds parse each recalled file again and compare.
#[test]
fn check_with_kept_parses_finds_what_it_finds_without_and_writes_none() {
    let site = site();
    list_an_uncited_reference(&site);
    let fresh = site.run(&["check", "--no-cache", "--format", "json"]);
    assert!(!site.exists(".evident/cache"), "check --no-cache wrote the cache");
    assert!(fresh.stdout.contains("citation/unused"), "{}", fresh.stdout);
    cached_build(&site, &[]);
    let kept = kept_parses(&site);
    assert_eq!(kept.len(), 3);
    for deny in [&[][..], &["--deny", "warnings"]] {
        let recalled = site.run(&[&["check", "--format", "json"], deny].concat());
        let again = site.run(&[&["check", "--no-cache", "--format", "json"], deny].concat());
        assert_eq!(recalled.code, again.code, "{deny:?}");
        assert_eq!(recalled.stdout, again.stdout, "{deny:?}: the same findings");
    }
    edit(&site, ARTICLE, "are not caused", "are seldom caused");
    site.run(&["check"]);
    assert_eq!(kept_parses(&site), kept, "check wrote to the cache");
}

/// A build reads only the files that changed since the last one (`.evident/cache/
/// known-files.bin`): an edit that keeps the file's size and even its modification time is
/// still seen, as every write changes the file's change time, which no program can set.
#[test]
fn an_edit_that_keeps_size_and_modification_time_is_still_built() {
    let site = site();
    // Left alone long enough that the first build records the files as settled.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    assert!(!cached_build(&site, &[]));
    assert!(site.path(".evident/cache/known-files.bin").is_file());
    assert!(cached_build(&site, &[]), "nothing changed: up to date");

    let path = site.path(ARTICLE);
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let before = std::fs::metadata(&path).unwrap().len();
    edit(&site, ARTICLE, "are not caused", "are NOT caused");
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len(), before);
    assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), modified);

    assert!(
        !cached_build(&site, &[]),
        "the edit was missed: the build said up to date"
    );
    expect_clean_bytes(&site, &[], "an edit of the same size and time");
    assert!(
        site.read("public/questions/statin-muscle-symptoms/index.html")
            .contains("are NOT caused")
    );
}

/// In a build after an edit, an article file the build cache knows, unchanged since it was
/// last read and hashed, is recalled without being read (`parse::recall_unread`); a file
/// that begins with a byte order mark is known by its bytes, the mark included. Its
/// findings still quote its lines (the file is read again for them, and must still be what
/// the cache knew), and the output is a clean build's. Debug builds, so this test, read
/// each such file all the same and stop when the cache's digest is not the file's or its
/// parse is not the file's parse.
#[test]
fn files_the_cache_knows_are_recalled_unread_and_give_a_clean_build() {
    let site = site();
    let marked = "content/cardiology/statins-primary-prevention.md";
    let text = format!("{}\n- A claim with no source at all.\n", site.read(marked));
    site.write(marked, format!("\u{feff}{text}"));
    // Left alone long enough that the first build records the files as settled.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let quoted = "31 | - A claim with no source at all.";
    let first = site.run(&["build"]);
    first.expect_code(0);
    assert!(first.stderr.contains(quoted), "{}", first.stderr);
    edit(&site, ARTICLE, "are not caused", "are seldom caused");
    let warm = site.run(&["build"]);
    warm.expect_code(0);
    assert!(
        warm.stderr.contains(quoted) && warm.stderr.contains(&format!("{marked}:31:1")),
        "the finding of a file recalled unread lost its line: {}",
        warm.stderr
    );
    expect_clean_bytes(&site, &[], "an edit beside files recalled unread");
    // The mark removed: other bytes, the same text.
    site.write(marked, &text);
    assert!(!cached_build(&site, &[]));
    expect_clean_bytes(&site, &[], "a byte order mark removed");
}

/// The related-question graph is kept (`.evident/cache/graph.bin`): an edit of a body below
/// its answer, which no input of the graph reads, takes it back; an edit of a question
/// builds it anew. Either way the output is a clean build's (and debug builds, so this
/// test, check the kept graph against one built anew).
/// graph.json too is keyed by what it reads (each node, and of each edge its ends, score
/// and what its reason reads): after a body edit it is taken over, not written again.
#[test]
fn an_edit_below_the_answer_takes_the_related_graph_back() {
    let site = site();
    assert!(!cached_build(&site, &[]));
    let kept = site.path(".evident/cache/graph.bin");
    let first = std::fs::read(&kept).expect("the graph is kept");
    let graph_json = || inodes(&site)["graph.json"];
    let written = graph_json();

    edit(
        &site,
        ARTICLE,
        "almost as often on placebo",
        "nearly as often on placebo",
    );
    assert!(!cached_build(&site, &[]));
    expect_clean_bytes(&site, &[], "a body edit");
    assert_eq!(std::fs::read(&kept).unwrap(), first, "the kept graph was made again");
    assert_eq!(graph_json(), written, "graph.json was written again");

    edit(
        &site,
        ARTICLE,
        "Do statins cause muscle pain?",
        "Do statins cause muscle aches?",
    );
    assert!(!cached_build(&site, &[]));
    expect_clean_bytes(&site, &[], "a question edit");
    assert_ne!(
        std::fs::read(&kept).unwrap(),
        first,
        "a question is an input of the graph"
    );
    assert_ne!(graph_json(), written, "graph.json shows the question: written anew");
}

/// A history page that names who approved a text the article has outgrown judges their
/// approvals as of the build's day (`--as-of`), as the article's page does: an approval
/// dated after it does not count. Keyed by its inputs, the day is one of them: a build of
/// another day renders it again, and gives a clean build's bytes.
#[test]
fn a_history_page_naming_approvers_is_keyed_by_the_day_of_the_build() {
    let site = Site::fixture("serve/site");
    let slug = "statin-muscle-symptoms";
    site.run(&["claim", slug, "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    site.run(&["approve", slug, "--reviewer", "Dr Ada Lovelace"])
        .expect_code(0);
    edit(&site, ARTICLE, "are not caused", "are seldom caused");
    // The approved text never committed (as after a squash): the page names who approved
    // it, and has no earlier text to show, so it is keyed by its inputs.
    site.write(".gitignore", "/public/\n/.evident/\n");
    git(&site, "2025-02-01T12:00:00Z", &["init", "-q"]);
    commit(&site, "2025-02-01T12:00:00Z", "First version");
    let history = format!("public/questions/{slug}/history/index.html");
    let today = common::today().to_string();
    // The approval is dated today: a day before it, it is not yet given.
    let days = [today.as_str(), "2025-06-01", today.as_str()];
    for (n, day) in days.into_iter().enumerate() {
        let extra = ["--as-of", day];
        assert!(!cached_build(&site, &extra), "{day}: the cache was trusted");
        expect_clean_bytes(&site, &extra, &format!("a build as of {day}"));
        let names = site.read(&history).contains("Ada Lovelace");
        assert_eq!(names, n != 1, "{day}: the history page names the approver: {names}");
    }
}

/// A related entry's reason names the words two questions share as the site writes them
/// most briefly: an article that lists neither question can change it without changing
/// either question or their score. A page keyed by its inputs names what its reasons read
/// of the graph (`Graph::reason_inputs`), and is rendered again.
#[test]
fn a_word_written_shorter_in_another_article_changes_the_reasons_that_name_it() {
    let site = site();
    const OTHER: &str = "content/diabetes/metformin-first-line.md";
    // More questions, so that a word three of them share still weighs in a reason.
    let other = site.read(OTHER);
    for (slug, question) in [
        ("gout-causes", "What causes gout?"),
        ("asthma-triggers", "What triggers asthma?"),
        ("snoring-treatment", "How is snoring treated?"),
    ] {
        let text = other.replace("Is metformin still the first drug for type 2 diabetes?", question);
        site.write(&format!("content/diabetes/{slug}.md"), text);
    }
    // Each page lists the question its editors chose alone: the article that changes the
    // reason is on neither page, and its name on neither key.
    let config = site.read("evident.yaml");
    site.write("evident.yaml", format!("{config}related:\n  max: 1\n"));
    // A site's own template may show why each related question is listed.
    let template = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/article.html")).unwrap();
    let shown = "{%- set show_reason = false %}\n        {%- for s in article.related %}";
    assert!(template.contains(shown));
    site.write(
        "templates/article.html",
        template.replacen(shown, &shown.replace("false", "true"), 1),
    );
    edit(&site, ARTICLE, "muscle pain?\"", "muscle pain or cramps?\"");
    edit(&site, NEIGHBOUR, "take a statin?\"", "take a statin despite cramps?\"");
    edit(
        &site,
        OTHER,
        "Metformin remains",
        "Metformin, which can cause cramps, remains",
    );
    let reason = |site: &Site| {
        let graph: serde_json::Value = serde_json::from_str(&site.read("public/graph.json")).unwrap();
        let edges = graph["edges"].as_array().unwrap().clone();
        let edge = edges
            .into_iter()
            .find(|e| e["source"] == "statin-muscle-symptoms" && e["target"] == "statins-primary-prevention")
            .unwrap();
        edge["reason"].as_str().unwrap().to_string()
    };
    assert!(!cached_build(&site, &[]));
    expect_clean_bytes(&site, &[], "a word three articles share");
    assert!(
        reason(&site).ends_with("similar wording: statin, cramps"),
        "{}",
        reason(&site)
    );
    edit(&site, OTHER, "can cause cramps", "can cause a cramp");
    assert!(!cached_build(&site, &[]));
    expect_clean_bytes(&site, &[], "a shorter form of the word in another article");
    assert!(
        reason(&site).ends_with("similar wording: statin, cramp"),
        "{}",
        reason(&site)
    );
    let page = site.read("public/questions/statin-muscle-symptoms/index.html");
    assert!(
        page.contains("similar wording: statin, cramp<"),
        "the page shows the reason"
    );
}
