//! What the search tests compare between the script the site ships (run under Node) and
//! the Rust reference ranking: the JSON the script printed against `Results`; and how they
//! run it.

use super::Site;
use evident::search::query::Results;
use serde_json::Value;
use std::process::Command;

/// `node`, when it is installed. In CI (`CI` set, as every CI service sets it) a missing
/// `node` fails: passing there without running the search script readers get is what the
/// callers exist to prevent, and `.ci/run` installs it. README's test command must still
/// work on a machine with only the Rust toolchain, so elsewhere `test` says it skipped.
pub fn node_or_skip(test: &str) -> Option<&'static str> {
    let found = Command::new("node").arg("--version").output();
    if found.is_ok_and(|o| o.status.success()) {
        return Some("node");
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "`node` is needed to run the shipped search script: install Node.js (Debian: apt-get install nodejs)"
    );
    eprintln!("SKIPPED {test}: `node` is not installed (CI fails here)");
    None
}

/// What every driver starts with: the shipped script as `engine`, and `readSiteFile(p)`, a
/// file of the built site as the page would fetch it (null: not there).
const DRIVER_START: &str = r#"
const fs = require("fs");
const path = require("path");
const engine = require(process.argv[2]);
const root = process.argv[3];
function readSiteFile(p) {
  const file = path.join(root, p);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : null;
}
"#;

/// What every driver ends with: its `answer(query)` for each query, printed as a JSON array.
const DRIVER_END: &str = r#"
(async () => {
  const out = [];
  for (const query of process.argv.slice(4)) {
    out.push(await answer(query));
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
"#;

/// Runs `driver` (Node code defining `async function answer(query)`, between
/// `DRIVER_START` and `DRIVER_END`) on the site's shipped `theme/search.js` and output
/// folder for each of `queries`: the JSON array of the answers.
pub fn run_driver<T: serde::de::DeserializeOwned>(node: &str, site: &Site, driver: &str, queries: &[&str]) -> T {
    let path = site.path("driver.js");
    std::fs::write(&path, [DRIVER_START, driver, DRIVER_END].concat()).unwrap();
    let output = Command::new(node)
        .arg(&path)
        .arg(site.path("public/theme/search.js"))
        .arg(site.path("public"))
        .args(queries)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "node failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&stdout).expect("the driver prints JSON")
}

/// The strings of a JSON array the script printed.
pub fn strings(array: &Value) -> Vec<&str> {
    array
        .as_array()
        .expect("an array")
        .iter()
        .map(|item| item.as_str().expect("a string"))
        .collect()
}

/// The script read the typed words as the reference did ("did you mean").
pub fn assert_same_corrections(js: &Value, want: &Results, at: &str) {
    let corrections: Vec<(&str, &str)> = js["corrections"]
        .as_array()
        .expect("an array of corrections")
        .iter()
        .map(|c| (c["typed"].as_str().unwrap(), c["readAs"].as_str().unwrap()))
        .collect();
    let expected: Vec<(&str, &str)> = want
        .corrections
        .iter()
        .map(|c| (c.typed.as_str(), c.read_as.as_str()))
        .collect();
    assert_eq!(corrections, expected, "{at}");
}
