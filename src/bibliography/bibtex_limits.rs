//! Bounds on the work a BibTeX file may ask for, checked on the raw parse before the
//! `biblatex` crate resolves it. The crate expands `@string`s and follows `crossref`s by
//! plain recursion, and merges a field's brace groups one by one: a small hostile (or
//! broken) file could make it run for minutes, take gigabytes or overflow the stack. Each
//! limit here is far above what a real bibliography needs; what exceeds one becomes a
//! finding at its line and is left out, so the rest of the file still loads.

use biblatex::{RawBibliography, RawChunk, Spanned};
use std::collections::HashMap;

/// Deepest `{…}` nesting inside one value. Real titles protect a word or an accent: two
/// or three levels.
pub const MAX_BRACE_DEPTH: usize = 32;
/// Brace groups, commands and math spans in one value. The crate merges them pairwise
/// with a cost that grows with the square of their number; a long abstract has a few
/// hundred.
pub const MAX_GROUPS: usize = 2_000;
/// Characters one `@string` may expand to (a journal name is under 200).
pub const MAX_STRING_LEN: usize = 64 * 1024;
/// `@string`s defined through other `@string`s, this many levels deep.
pub const MAX_STRING_DEPTH: usize = 16;
/// Pieces (values parsed, brace groups, commands) one `@string` expands to: each use of
/// another parses it again.
pub const MAX_STRING_PARSES: usize = 1_000;
/// Characters one field may expand to once its `@string`s are replaced, and parses.
pub const MAX_FIELD_LEN: usize = 1024 * 1024;
pub const MAX_FIELD_PARSES: usize = MAX_GROUPS;
/// The same for the whole file.
pub const MAX_FILE_LEN: usize = 64 * 1024 * 1024;
pub const MAX_FILE_PARSES: usize = 200_000;
/// Parents (`crossref`, `xdata`) the crate visits to resolve one entry, counted along
/// every path: a chain of four collections is 4.
pub const MAX_INHERITANCE: usize = 64;

/// Something in the file over a limit: where (a byte offset), what, and how to fix it.
#[derive(Debug, PartialEq, Eq)]
pub struct Excess {
    pub offset: usize,
    pub message: String,
    pub hint: &'static str,
}

/// Checks the raw file against the limits and removes what exceeds one: an over-large or
/// circular `@string` expands to nothing, an over-nested field and a `crossref`/`xdata`
/// that closes a cycle are dropped. After this the crate's work is linear in the file.
pub fn enforce(raw: &mut RawBibliography<'_>) -> Vec<Excess> {
    let mut found = Vec::new();
    shape(raw, &mut found);
    let strings = strings(raw, &mut found);
    field_sizes(raw, &strings, &mut found);
    inheritance(raw, &mut found);
    found
}

/// Nesting depth and group count of every value, in one pass over its characters.
fn shape(raw: &mut RawBibliography<'_>, found: &mut Vec<Excess>) {
    for pair in &mut raw.abbreviations {
        if let Some(excess) = over_shaped(pair.key.v, &pair.value.v) {
            found.push(excess);
            empty(&mut pair.value.v);
        }
    }
    for entry in &mut raw.entries {
        entry
            .v
            .fields
            .retain(|pair| match over_shaped(pair.key.v, &pair.value.v) {
                Some(excess) => {
                    found.push(excess);
                    false
                }
                None => true,
            });
    }
}

fn over_shaped(name: &str, value: &[Spanned<RawChunk<'_>>]) -> Option<Excess> {
    for chunk in value {
        let RawChunk::Normal(text) = chunk.v else { continue };
        let (mut depth, mut deepest, mut groups) = (0usize, 0usize, 0usize);
        for byte in text.bytes() {
            match byte {
                b'{' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                    groups += 1;
                }
                b'}' => depth = depth.saturating_sub(1),
                b'\\' | b'$' => groups += 1,
                _ => {}
            }
        }
        if deepest > MAX_BRACE_DEPTH {
            return Some(Excess {
                offset: chunk.span.start,
                message: format!("`{name}` nests braces {deepest} levels deep; Evident reads up to {MAX_BRACE_DEPTH}"),
                hint: "braces protect a word's case or an accent (`{PSMA}`, `{\\'e}`); remove the extra levels",
            });
        }
        if groups > MAX_GROUPS {
            return Some(Excess {
                offset: chunk.span.start,
                message: format!(
                    "`{name}` holds {groups} brace groups, commands and math spans; Evident reads up to {MAX_GROUPS}"
                ),
                hint: "this value looks generated or damaged: export the entry again",
            });
        }
    }
    None
}

fn empty(value: &mut Vec<Spanned<RawChunk<'_>>>) {
    let span = value.first().map_or(0..0, |chunk| chunk.span.start..chunk.span.start);
    *value = vec![Spanned::new(RawChunk::Normal(""), span)];
}

/// What expanding a value costs the crate: characters produced, values parsed (each use
/// of an @string parses its definition again) and recursion depth.
#[derive(Clone, Copy, Debug, Default)]
struct Cost {
    length: usize,
    parses: usize,
    depth: usize,
}

impl Cost {
    fn of<'s>(value: &[Spanned<RawChunk<'s>>], strings: impl Fn(&'s str) -> Option<Cost>) -> Cost {
        let mut cost = Cost {
            depth: 1,
            ..Cost::default()
        };
        for chunk in value {
            let inner = match chunk.v {
                // Each brace group, command or math span becomes a piece of its own,
                // which the crate merges pairwise.
                RawChunk::Normal(text) => Cost {
                    length: text.len(),
                    parses: 1 + text.bytes().filter(|b| matches!(b, b'{' | b'\\' | b'$')).count(),
                    depth: 0,
                },
                // An undefined name is an error (or a month) for the crate: short.
                RawChunk::Abbreviation(name) => strings(name).unwrap_or(Cost {
                    length: name.len(),
                    parses: 1,
                    depth: 0,
                }),
            };
            cost.length = cost.length.saturating_add(inner.length);
            cost.parses = cost.parses.saturating_add(inner.parses);
            cost.depth = cost.depth.max(inner.depth + 1);
        }
        cost
    }
}

/// The cost of every `@string`, each computed once (so the check is linear however the
/// definitions multiply). The crate keeps the last definition of a name, and so does
/// this. Returns each name's cost after the over-limit ones are emptied.
fn strings<'s>(raw: &mut RawBibliography<'s>, found: &mut Vec<Excess>) -> HashMap<&'s str, Cost> {
    let by_name: HashMap<&'s str, usize> = raw
        .abbreviations
        .iter()
        .enumerate()
        .map(|(index, pair)| (pair.key.v, index))
        .collect();
    let count = raw.abbreviations.len();
    let mut done: Vec<Option<Cost>> = vec![None; count];
    let mut visiting = vec![false; count];
    let mut bad = vec![false; count];
    for root in 0..count {
        if done[root].is_some() {
            continue;
        }
        // An explicit stack instead of recursion: a file may chain thousands of strings.
        let mut stack = vec![(root, 0usize)];
        let mut closes_cycle = vec![];
        visiting[root] = true;
        while let Some(&mut (index, ref mut next)) = stack.last_mut() {
            let value = &raw.abbreviations[index].value.v;
            if let Some(chunk) = value.get(*next) {
                *next += 1;
                let RawChunk::Abbreviation(name) = chunk.v else {
                    continue;
                };
                let Some(&used) = by_name.get(name) else { continue };
                if visiting[used] {
                    closes_cycle.push((index, name));
                } else if done[used].is_none() {
                    visiting[used] = true;
                    stack.push((used, 0));
                }
                continue;
            }
            stack.pop();
            visiting[index] = false;
            let pair = &raw.abbreviations[index];
            // A string built on one that was emptied is emptied too, without a finding
            // of its own: the first one is the cause.
            let tainted = value.iter().any(|chunk| match chunk.v {
                RawChunk::Abbreviation(name) => by_name.get(name).is_some_and(|&used| bad[used]),
                RawChunk::Normal(_) => false,
            });
            let excess = if tainted {
                bad[index] = true;
                None
            } else if let Some((_, via)) = closes_cycle.iter().find(|(at, _)| *at == index) {
                Some(Excess {
                    offset: pair.key.span.start,
                    message: format!("the @string `{}` is defined through itself (via `{via}`)", pair.key.v),
                    hint: "an @string may use only @strings defined before it",
                })
            } else {
                let cost = Cost::of(value, |name| by_name.get(name).and_then(|&used| done[used]));
                if cost.length > MAX_STRING_LEN || cost.parses > MAX_STRING_PARSES {
                    Some(Excess {
                        offset: pair.key.span.start,
                        message: format!(
                            "the @string `{}` expands to {} pieces ({} characters); Evident reads up to {MAX_STRING_PARSES} pieces and {MAX_STRING_LEN} characters",
                            pair.key.v, cost.parses, cost.length
                        ),
                        hint: "an @string abbreviates a journal or publisher name; this one multiplies other @strings",
                    })
                } else if cost.depth > MAX_STRING_DEPTH {
                    Some(Excess {
                        offset: pair.key.span.start,
                        message: format!(
                            "the @string `{}` is built from {} levels of other @strings; Evident reads up to {MAX_STRING_DEPTH}",
                            pair.key.v, cost.depth
                        ),
                        hint: "write the value out instead of chaining @strings",
                    })
                } else {
                    done[index] = Some(cost);
                    None
                }
            };
            if let Some(excess) = excess {
                found.push(excess);
                bad[index] = true;
            }
            if bad[index] {
                // Emptied, it costs one parse of nothing, which is what later uses see.
                done[index] = Some(Cost {
                    length: 0,
                    parses: 1,
                    depth: 1,
                });
                empty(&mut raw.abbreviations[index].value.v);
            }
        }
    }
    by_name
        .into_iter()
        .filter_map(|(name, index)| Some((name, done[index]?)))
        .collect()
}

/// The cost of every field, now that each @string is bounded; past the file's budget,
/// fields are left out with one finding.
fn field_sizes<'s>(raw: &mut RawBibliography<'s>, strings: &HashMap<&'s str, Cost>, found: &mut Vec<Excess>) {
    let mut total = Cost::default();
    let mut over_budget = false;
    for entry in &mut raw.entries {
        entry.v.fields.retain(|pair| {
            let cost = Cost::of(&pair.value.v, |name| strings.get(name).copied());
            if cost.length > MAX_FIELD_LEN || cost.parses > MAX_FIELD_PARSES {
                found.push(Excess {
                    offset: value_offset(&pair.value),
                    message: format!(
                        "`{}` is made of {} pieces ({} characters): `#`-joined parts, @strings, brace groups and commands; Evident reads up to {MAX_FIELD_PARSES} pieces and {MAX_FIELD_LEN} characters",
                        pair.key.v, cost.parses, cost.length
                    ),
                    hint: "write the value out as one braced value; a field this fragmented looks generated or damaged",
                });
                return false;
            }
            // A field without @strings costs its own text, which the file already holds;
            // the file's budget is for what @strings multiply.
            if pair.value.v.iter().all(|chunk| matches!(chunk.v, RawChunk::Normal(_))) {
                return true;
            }
            total.length = total.length.saturating_add(cost.length);
            total.parses = total.parses.saturating_add(cost.parses);
            if total.length <= MAX_FILE_LEN && total.parses <= MAX_FILE_PARSES {
                return true;
            }
            if !over_budget {
                found.push(Excess {
                    offset: value_offset(&pair.value),
                    message: format!(
                        "from here on, the file's @strings expand to more than {MAX_FILE_PARSES} pieces or {MAX_FILE_LEN} characters; the rest of the fields that use them are left out"
                    ),
                    hint: "fields repeat long @strings many times; write the values out",
                });
                over_budget = true;
            }
            false
        });
    }
}

/// `crossref` and `xdata` links: a cycle would recurse forever in the crate, and shared
/// parents are visited once per path, so the count of visits is bounded too.
fn inheritance(raw: &mut RawBibliography<'_>, found: &mut Vec<Excess>) {
    let by_key: HashMap<&str, usize> = raw
        .entries
        .iter()
        .enumerate()
        .map(|(index, entry)| (entry.v.key.v, index))
        .collect();
    let strings: HashMap<&str, String> = raw
        .abbreviations
        .iter()
        .map(|pair| (pair.key.v, plain(&pair.value.v, &HashMap::new())))
        .collect();
    // Each entry's parents: (field name, parent index).
    let mut parents: Vec<Vec<(&'static str, usize)>> = Vec::with_capacity(raw.entries.len());
    for entry in &raw.entries {
        let mut own = Vec::new();
        for pair in &entry.v.fields {
            let field = match pair.key.v.to_ascii_lowercase().as_str() {
                "crossref" => "crossref",
                "xdata" => "xdata",
                _ => continue,
            };
            let value = plain(&pair.value.v, &strings);
            let keys: Vec<&str> = match field {
                "crossref" => vec![value.trim()],
                _ => value.split(',').map(str::trim).collect(),
            };
            own.extend(
                keys.iter()
                    .filter_map(|key| by_key.get(key))
                    .map(|&parent| (field, parent)),
            );
        }
        parents.push(own);
    }
    // Depth-first, iteratively; `visits[i]` is how many entries resolving `i` touches.
    let count = raw.entries.len();
    let mut visits: Vec<Option<usize>> = vec![None; count];
    let mut on_path = vec![false; count];
    let mut cut: Vec<(usize, &'static str)> = Vec::new();
    for root in 0..count {
        if visits[root].is_some() {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        on_path[root] = true;
        while let Some(&(index, next)) = stack.last() {
            if let Some(&(field, parent)) = parents[index].get(next) {
                if on_path[parent] {
                    let path: Vec<&str> = stack
                        .iter()
                        .skip_while(|(at, _)| *at != parent)
                        .map(|(at, _)| raw.entries[*at].v.key.v)
                        .chain([raw.entries[parent].v.key.v])
                        .collect();
                    found.push(Excess {
                        offset: field_offset(&raw.entries[index].v, field),
                        message: format!("a `{field}` cycle: {}", path.join(" → ")),
                        hint: "an entry cannot inherit fields from itself; remove one link of the cycle",
                    });
                    cut.push((index, field));
                    // The crate will not see this field at all: drop its links and
                    // step back over the ones already followed.
                    let before = parents[index][..next].iter().filter(|(name, _)| *name == field).count();
                    parents[index].retain(|(name, _)| *name != field);
                    if let Some(top) = stack.last_mut() {
                        top.1 -= before;
                    }
                    continue;
                }
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                if visits[parent].is_none() {
                    on_path[parent] = true;
                    stack.push((parent, 0));
                }
                continue;
            }
            stack.pop();
            on_path[index] = false;
            let total = parents[index].iter().fold(0usize, |sum, (_, parent)| {
                sum.saturating_add(1 + visits[*parent].unwrap_or(0))
            });
            if total > MAX_INHERITANCE {
                found.push(Excess {
                    offset: field_offset(&raw.entries[index].v, parents[index][0].0),
                    message: format!(
                        "`{}` inherits through {total} `crossref`/`xdata` links; Evident follows up to {MAX_INHERITANCE}",
                        raw.entries[index].v.key.v
                    ),
                    hint: "inherit from one collection entry, not a chain of them",
                });
                for (field, _) in std::mem::take(&mut parents[index]) {
                    cut.push((index, field));
                }
                visits[index] = Some(0);
            } else {
                visits[index] = Some(total);
            }
        }
    }
    for (index, field) in cut {
        raw.entries[index]
            .v
            .fields
            .retain(|pair| !pair.key.v.eq_ignore_ascii_case(field));
    }
}

fn field_offset(entry: &biblatex::RawEntry<'_>, field: &str) -> usize {
    entry
        .fields
        .iter()
        .find(|pair| pair.key.v.eq_ignore_ascii_case(field))
        .map_or(entry.key.span.start, |pair| value_offset(&pair.value))
}

/// Where a value's text starts: inside its braces or quotes.
fn value_offset(value: &Spanned<Vec<Spanned<RawChunk<'_>>>>) -> usize {
    value.v.first().map_or(value.span.start, |chunk| chunk.span.start)
}

/// A value's text without TeX processing, @strings replaced one level deep (keys are
/// plain words).
fn plain(value: &[Spanned<RawChunk<'_>>], strings: &HashMap<&str, String>) -> String {
    value
        .iter()
        .map(|chunk| match chunk.v {
            RawChunk::Normal(text) => text.to_string(),
            RawChunk::Abbreviation(name) => strings.get(name).cloned().unwrap_or_default(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::bibliography::bibtex::parse;
    use crate::diagnostic::{Code, Diagnostic};
    use std::time::{Duration, Instant};

    fn at(found: &[Diagnostic]) -> Vec<(Code, u32)> {
        found.iter().map(|d| (d.code, d.line)).collect()
    }

    /// Runs the parse on a thread with a small stack, as a build's worker threads have:
    /// recursion that depends on the input would overflow it.
    fn parse_bounded(text: String) -> (Vec<crate::bibliography::Entry>, Vec<Diagnostic>, Duration) {
        std::thread::Builder::new()
            .stack_size(512 * 1024)
            .spawn(move || {
                let start = Instant::now();
                let (entries, found) = parse("references/hostile.bib", &text);
                (entries, found, start.elapsed())
            })
            .expect("spawn")
            .join()
            .expect("the parse neither panics nor overflows")
    }

    #[test]
    fn doubling_strings_are_cut_at_the_first_that_grows_too_large() {
        let mut bib = String::from("@string{s0 = \"ab\"}\n");
        for i in 1..=40 {
            bib.push_str(&format!("@string{{s{i} = s{} # s{}}}\n", i - 1, i - 1));
        }
        bib.push_str("@article{big, title = s40}\n@article{fine, title = {Fine} # s3}\n");
        let (entries, found, took) = parse_bounded(bib);
        assert!(took < Duration::from_secs(60), "{took:?}");
        // s10 is the first with more than 1,000 pieces; what is built on it is emptied.
        assert_eq!(
            at(&found),
            [(Code::BibliographySyntax, 11), (Code::ReferenceMissingField, 42)]
        );
        assert!(found[0].message.contains("`s10`"), "{}", found[0].message);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].reference.title, "Fineabababababababab");
    }

    #[test]
    fn a_string_defined_through_itself_is_a_finding_not_a_crash() {
        let (entries, found, _) =
            parse_bounded("@string{x = y}\n@string{y = \"a\" # x}\n@article{a, title = {T} # x}\n".into());
        assert_eq!(at(&found), [(Code::BibliographySyntax, 2)]);
        assert!(found[0].message.contains("`y`"), "{}", found[0].message);
        assert_eq!(entries[0].reference.title, "T");
        let (_, found, _) = parse_bounded("@string{s = s}\n@article{a, title = {T} # s}\n".into());
        assert_eq!(at(&found), [(Code::BibliographySyntax, 1)]);
    }

    #[test]
    fn crossref_cycles_are_reported_at_the_link_that_closes_them() {
        let bib = "@article{self, title = {Self}, crossref = {self}}\n\
                   @article{a, title = {A}, crossref = {c}}\n\
                   @article{c, title = {C}, crossref = {a}}\n\
                   @article{d, title = {D}, xdata = {d, c}}\n";
        let (entries, found, _) = parse_bounded(bib.into());
        assert_eq!(
            at(&found),
            [
                (Code::BibliographySyntax, 1),
                (Code::BibliographySyntax, 3),
                (Code::BibliographySyntax, 4)
            ]
        );
        assert_eq!(found[0].column, 44);
        assert!(found[1].message.contains("a → c → a"), "{}", found[1].message);
        assert_eq!(entries.len(), 4, "every entry still loads");
    }

    #[test]
    fn long_crossref_chains_are_cut_without_deep_recursion() {
        let mut bib = String::new();
        for i in 0..10_000 {
            bib.push_str(&format!("@book{{e{i}, title = {{T{i}}}, crossref = {{e{}}}}}\n", i + 1));
        }
        let (entries, found, took) = parse_bounded(bib);
        assert!(took < Duration::from_secs(60), "{took:?}");
        assert_eq!(entries.len(), 10_000);
        assert!(!found.is_empty() && found.iter().all(|d| d.code == Code::BibliographySyntax));
        assert!(found[0].message.contains("crossref"), "{}", found[0].message);
    }

    #[test]
    fn deep_nesting_is_refused_in_linear_time() {
        let depth = 100_000;
        let bib = format!(
            "@article{{ok, title = {{Fine}}}}\n@article{{deep,\n  title = {{{}x{}}}}}\n",
            "{".repeat(depth),
            "}".repeat(depth)
        );
        assert!(bib.len() > 200_000);
        let (entries, found, took) = parse_bounded(bib);
        assert!(took < Duration::from_secs(60), "{took:?}");
        assert_eq!(
            (found[0].code, found[0].line, found[0].column),
            (Code::BibliographySyntax, 3, 12)
        );
        assert!(found[0].message.contains("100000 levels"), "{}", found[0].message);
        assert_eq!(entries.len(), 1);
    }

    #[test]
    fn a_string_of_many_groups_repeated_in_a_field_is_cut() {
        let groups = "{x}".repeat(900);
        let uses = vec!["g"; 40].join(" # ");
        let bib = format!("@string{{g = {{{groups}}}}}\n@article{{a, title = {{T}}, note = {uses}}}\n");
        let (entries, found, took) = parse_bounded(bib);
        assert!(took < Duration::from_secs(60), "{took:?}");
        assert_eq!(at(&found), [(Code::BibliographySyntax, 2)]);
        assert!(found[0].message.contains("`note`"), "{}", found[0].message);
        assert_eq!(entries.len(), 1);
    }

    #[test]
    fn a_value_joined_from_thousands_of_parts_is_cut_in_linear_time() {
        let parts = vec!["{x}"; 80_000].join(" # ");
        let bib = format!("@article{{a, title = {{T}},\n  note = {parts}}}\n");
        let (entries, found, took) = parse_bounded(bib);
        assert!(took < Duration::from_secs(60), "{took:?}");
        assert_eq!(at(&found), [(Code::BibliographySyntax, 2)]);
        assert!(
            found[0].message.contains("`note` is made of 80000 pieces"),
            "{}",
            found[0].message
        );
        assert_eq!(entries[0].reference.title, "T");
    }

    #[test]
    fn ordinary_braces_accents_and_strings_pass_untouched() {
        let bib = "@string{nejm = \"N Engl J Med\"}\n@article{a, title = {{PSMA} and {\\'e}tudes $\\beta$}, journal = nejm}\n";
        let (entries, found, _) = parse_bounded(bib.into());
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(entries[0].reference.journal.as_deref(), Some("N Engl J Med"));
    }
}
