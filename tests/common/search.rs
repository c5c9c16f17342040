//! What the search tests compare between the script the site ships (run under Node) and
//! the Rust reference ranking: the JSON the script printed against `Results`.

use evident::search::query::Results;
use serde_json::Value;

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
