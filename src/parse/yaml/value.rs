//! What serde_yaml makes of a plain (unquoted) scalar: null, a boolean, a number or text.
//! Its rules (YAML 1.2's core schema with its own edges: `0x`, `0o`, `0b`, leading zeros
//! are text, `.inf`, no `yes`/`no`) are copied from serde_yaml 0.9.34's `de.rs`
//! (`visit_untagged_scalar` and the parsers it calls) so that a value built from libyaml's
//! events is the value serde_yaml would have read; `tests` compares the two.

use serde_yaml::Value;
use std::num::ParseIntError;

/// Collections nested deeper than this are left to serde_yaml, which refuses them at 128.
pub const MAX_DEPTH: usize = 64;

/// The value of a plain scalar, or `None` for an integer past 64 bits, which serde_yaml
/// reads as a 128-bit number that its `Value` refuses (the caller lets it say so).
pub fn plain_scalar(v: &str) -> Option<Value> {
    if v.is_empty() || matches!(v, "null" | "Null" | "NULL" | "~") {
        return Some(Value::Null);
    }
    match v {
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    // Text is by far the most common: no parser below accepts a value that does not
    // start like a number, so it need not try them.
    if !v.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) {
        return Some(Value::String(v.to_owned()));
    }
    if let Some(int) = unsigned_int(v, u64::from_str_radix) {
        return Some(Value::Number(int.into()));
    }
    if let Some(int) = negative_int(v, i64::from_str_radix) {
        return Some(Value::Number(int.into()));
    }
    if unsigned_int(v, u128::from_str_radix).is_some() || negative_int(v, i128::from_str_radix).is_some() {
        return None;
    }
    if !digits_but_not_number(v)
        && let Some(float) = float(v)
    {
        return Some(Value::Number(float.into()));
    }
    Some(Value::String(v.to_owned()))
}

type FromStrRadix<T> = fn(&str, u32) -> Result<T, ParseIntError>;

/// serde_yaml's `parse_unsigned_int`.
fn unsigned_int<T>(scalar: &str, from_str_radix: FromStrRadix<T>) -> Option<T> {
    let unpositive = scalar.strip_prefix('+').unwrap_or(scalar);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(int) = from_str_radix(rest, radix) {
                return Some(int);
            }
        }
    }
    if unpositive.starts_with(['+', '-']) || digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(unpositive, 10).ok()
}

/// serde_yaml's `parse_negative_int`.
fn negative_int<T>(scalar: &str, from_str_radix: FromStrRadix<T>) -> Option<T> {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = scalar.strip_prefix(prefix)
            && let Ok(int) = from_str_radix(&format!("-{rest}"), radix)
        {
            return Some(int);
        }
    }
    if digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(scalar, 10).ok()
}

/// serde_yaml's `parse_f64`.
fn float(scalar: &str) -> Option<f64> {
    let unpositive = match scalar.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => scalar,
    };
    if matches!(unpositive, ".inf" | ".Inf" | ".INF") {
        return Some(f64::INFINITY);
    }
    if matches!(scalar, "-.inf" | "-.Inf" | "-.INF") {
        return Some(f64::NEG_INFINITY);
    }
    if matches!(scalar, ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN.copysign(1.0));
    }
    unpositive.parse::<f64>().ok().filter(|float| float.is_finite())
}

/// Leading zeros followed by digits are text to YAML 1.2 (serde_yaml's
/// `digits_but_not_number`).
fn digits_but_not_number(scalar: &str) -> bool {
    let scalar = scalar.strip_prefix(['-', '+']).unwrap_or(scalar);
    scalar.len() > 1 && scalar.starts_with('0') && scalar[1..].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plain scalars on every edge of serde_yaml's typing rules.
    const EDGES: &[&str] = &[
        "",
        "~",
        "null",
        "Null",
        "NULL",
        "nUll",
        "true",
        "True",
        "TRUE",
        "tRue",
        "false",
        "False",
        "FALSE",
        "yes",
        "no",
        "on",
        "off",
        "y",
        "n",
        "0",
        "-0",
        "+0",
        "00",
        "007",
        "-007",
        "+007",
        "08",
        "1",
        "+1",
        "-1",
        "++1",
        "+-1",
        "--1",
        "0x1F",
        "0X1F",
        "0x1f",
        "-0x1F",
        "+0x1F",
        "0x-1",
        "0x+1",
        "0x",
        "0o17",
        "0o8",
        "-0o17",
        "0b101",
        "-0b101",
        "0b2",
        "+0b1",
        "1_000",
        "1,000",
        "1e3",
        "1E3",
        "1e-3",
        "-1e3",
        "+1e3",
        "1.",
        ".5",
        "5.",
        "+.5",
        "-.5",
        ".",
        "+",
        "-",
        "0.",
        "0.0",
        "-0.0",
        "00.5",
        "01.5",
        "0e0",
        ".inf",
        ".Inf",
        ".INF",
        "-.inf",
        "+.inf",
        "-.INF",
        "inf",
        "Infinity",
        "-inf",
        ".nan",
        ".NaN",
        ".NAN",
        "nan",
        "NaN",
        "-.nan",
        "1e400",
        "-1e400",
        "3.14abc",
        "1:20",
        "12:30:45",
        "2026-01-08",
        "2026-13-45",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "340282366920938463463374607431768211456",
        "0xFFFFFFFFFFFFFFFF",
        "0x10000000000000000",
        "-0x8000000000000000",
        "-0x8000000000000001",
        "v1.2",
        "1.2.3",
        "What is the role?",
        "10.2967/jnumed.123",
        "sha256:abc",
        "-x",
        ".x",
    ];

    fn through_serde(text: &str) -> Result<Value, String> {
        serde_yaml::from_str::<Value>(text).map_err(|e| e.to_string())
    }

    #[test]
    fn plain_scalars_are_typed_as_serde_yaml_types_them() {
        for edge in EDGES {
            let text = format!("a: {edge}\n");
            let expected = through_serde(&text);
            let built = match super::super::tree::locate(&text, 1) {
                Ok(locator) => locator.to_value(),
                // `-` alone starts a list: not a scalar at all, and refused by both.
                Err(_) => {
                    assert!(expected.is_err(), "{edge:?}");
                    continue;
                }
            };
            match (built, expected) {
                (Some(built), Ok(expected)) => assert_eq!(built, expected, "{edge:?}"),
                // Left to serde_yaml, which must then have something to say.
                (None, Err(_)) => {}
                (None, Ok(expected)) => panic!("{edge:?}: left to serde_yaml, which reads {expected:?}"),
                (Some(built), Err(error)) => panic!("{edge:?}: built {built:?}, serde_yaml refused: {error}"),
            }
        }
    }

    /// Whole texts: nesting, key types, block and quoted scalars, empty documents, and
    /// what is left to serde_yaml (anchors, aliases, tags, merge keys, equal keys, depth).
    #[test]
    fn whole_texts_are_read_as_serde_yaml_reads_them() {
        let mut deep: String = (0..70).map(|i| format!("{}k:\n", "  ".repeat(i))).collect();
        deep.push_str(&format!("{}x: 1\n", "  ".repeat(70)));
        let texts = [
            "",
            "# only a comment\n",
            "---\n",
            "---\n...\n",
            "a: 1\n...\n",
            "- 1\n- two\n- [3, {four: 4.0}]\n",
            "question: \"Why?\"\nanswer: >-\n  One\n  two.\nbody: |\n  kept\n   as is\n",
            "1: a\n\"1\": b\ntrue: c\n\"true\": d\n~: e\n",
            "1: a\n0x1: b\n",
            "null: a\n~: b\n",
            "1.0: a\n1.00: b\n",
            "[a, b]: 1\n{c: d}: 2\n",
            "? complex\n: key\n",
            "a: &x {b: 1}\nc: *x\n",
            "base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n",
            "<<: {x: 1}\n",
            "a: !!str 1\nb: !!int \"2\"\n",
            "a: !custom value\n",
            "a: 'it''s'\nb: \"tab\\tand \\u00e9\"\n",
            "a: 18446744073709551616\n",
            "a:\nb: ~\nc: ''\n",
            &deep,
        ];
        for text in texts {
            let expected = through_serde(text);
            let built = match super::super::tree::locate(text, 1) {
                Ok(locator) => locator.to_value(),
                Err(error) => panic!("{text:?}: {error:?}"),
            };
            match (built, expected) {
                (Some(built), Ok(expected)) => assert_eq!(built, expected, "{text:?}"),
                (None, _) => {}
                (Some(built), Err(error)) => panic!("{text:?}: built {built:?}, serde_yaml refused: {error}"),
            }
        }
        let built = |text: &str| super::super::tree::locate(text, 1).unwrap().to_value();
        assert!(built("a: &x 1\nb: *x\n").is_none(), "an alias");
        assert!(built("a: !!str 1\n").is_none(), "a tag");
        assert!(built("1: a\n0x1: b\n").is_none(), "two keys serde_yaml holds equal");
        assert!(built(&deep).is_none(), "nested 70 deep");
        assert_eq!(built(""), Some(Value::Null));
        assert!(
            built("[a, b]: 1\n").is_some(),
            "a list as a key is no reason to read twice"
        );
    }

    #[test]
    fn numbers_past_64_bits_are_left_to_serde_yaml() {
        assert_eq!(plain_scalar("18446744073709551616"), None);
        assert_eq!(plain_scalar("-9223372036854775809"), None);
        assert!(through_serde("a: 18446744073709551616\n").is_err());
    }
}
