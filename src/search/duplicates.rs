//! Near-identical questions (`question/duplicate`): two published articles asking the same
//! thing split readers, links and reviews between them.
//!
//! A question's signature is the set of stems of its search words; two questions are
//! near-identical when the Jaccard similarity of their signatures reaches the threshold
//! (`search.duplicate_threshold`, default 0.8). Pairs are found as PPJoin finds them
//! (Xiao et al., "Efficient similarity joins for near duplicate detection", 2008): stems
//! are ranked rarest first, questions are taken shortest first, and a question meets only
//! the earlier ones sharing a stem in the first few of each (prefix filter), long enough to
//! be that alike (length filter), and with enough stems left after the shared one to reach
//! the threshold (positional filter). Templated questions ("What is the role of X in Y
//! case N?") share common stems by the thousand; the positional filter drops those pairs
//! the moment they meet, so the work stays near-linear in the number of questions.

use super::text::{Stemmer, terms};
use crate::diagnostic::{Code, Diagnostic};
use crate::fast_hash::FastMap;
use crate::parse::article::Article;
use crate::parse::front_matter::ReviewStatus;
use rayon::prelude::*;
use std::collections::BTreeSet;

/// The distinct stems of a question's search words, sorted.
pub fn signature(question: &str, stemmer: &Stemmer) -> Vec<String> {
    let set: BTreeSet<String> = terms(question).map(|t| stemmer.stem(&t)).collect();
    set.into_iter().collect()
}

/// |A ∩ B| / |A ∪ B| of two sorted, distinct lists.
pub fn jaccard<T: Ord>(a: &[T], b: &[T]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    let both = overlap(a, b);
    both as f64 / (a.len() + b.len() - both) as f64
}

/// |A ∩ B| of two sorted, distinct lists.
fn overlap<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    both
}

/// Every bound below errs towards more candidates by this much: the verdict is the
/// floating-point Jaccard of `jaccard`, and a pair it accepts must never be filtered out
/// by a bound rounded the other way (0.8 as an `f64` is a hair above 4/5).
const SLACK: f64 = 1e-6;

/// The least integer not below `x`, less a hair (see `SLACK`).
fn at_least(x: f64) -> usize {
    (x - SLACK).ceil().max(0.0) as usize
}

/// Every pair `(i, j, similarity)` with `i < j` whose signatures reach `threshold`, in
/// order of `i` then `j`. Pairs share at least one stem: a threshold above 0 asks that.
pub fn similar_pairs(signatures: &[Vec<String>], threshold: f64) -> Vec<(usize, usize, f64)> {
    let ranked = rank_stems(signatures);
    let mut pairs: Vec<(usize, usize, f64)> = candidates(&ranked, threshold)
        .into_par_iter()
        .filter_map(|(a, b)| {
            let similarity = jaccard(&ranked[a], &ranked[b]);
            (similarity >= threshold).then_some((a.min(b), a.max(b), similarity))
        })
        .collect();
    pairs.sort_by_key(|x| (x.0, x.1));
    pairs
}

/// Each signature as the ranks of its stems, rarest stem first (ties by the stem's text),
/// so that the prefixes of two signatures are taken in one global order.
fn rank_stems(signatures: &[Vec<String>]) -> Vec<Vec<u32>> {
    let mut df: FastMap<&str, u32> = FastMap::default();
    for signature in signatures {
        for stem in signature {
            *df.entry(stem).or_default() += 1;
        }
    }
    let mut order: Vec<(u32, &str)> = df.iter().map(|(stem, count)| (*count, *stem)).collect();
    order.sort_unstable();
    let rank: FastMap<&str, u32> = order
        .iter()
        .enumerate()
        .map(|(rank, (_, stem))| (*stem, rank as u32))
        .collect();
    signatures
        .iter()
        .map(|signature| {
            let mut ranks: Vec<u32> = signature.iter().map(|stem| rank[stem.as_str()]).collect();
            ranks.sort_unstable();
            ranks
        })
        .collect()
}

/// The pairs that may reach `threshold` (each once, unordered), from signatures of ranks
/// sorted ascending: PPJoin's prefix, length and positional filters. Every pair that does
/// reach it is among them; the caller verifies each.
fn candidates(ranked: &[Vec<u32>], threshold: f64) -> Vec<(usize, usize)> {
    let mut by_length: Vec<usize> = (0..ranked.len()).filter(|&i| !ranked[i].is_empty()).collect();
    by_length.sort_by_key(|&i| (ranked[i].len(), i));
    // Stem rank → the questions indexed under it, with its position in each.
    let mut index: FastMap<u32, Vec<(u32, u32)>> = FastMap::default();
    // Per earlier question met: the stems shared so far, or `PRUNED`.
    let mut shared: FastMap<u32, u32> = FastMap::default();
    const PRUNED: u32 = u32::MAX;
    let mut found = Vec::new();
    let alike = threshold / (1.0 + threshold);
    for &x in &by_length {
        let stems = &ranked[x];
        let length = stems.len();
        // J ≥ t needs |X ∩ Y| ≥ t·|X|: one shared stem must be among X's first
        // |X| − ⌈t·|X|⌉ + 1; a shorter Y than t·|X| cannot get there.
        let probe = (length + 1)
            .saturating_sub(at_least(threshold * length as f64).max(1))
            .clamp(1, length);
        let shortest = at_least(threshold * length as f64);
        shared.clear();
        for (i, stem) in stems[..probe].iter().enumerate() {
            let Some(entries) = index.get(stem) else { continue };
            for &(y, j) in entries {
                let other = ranked[y as usize].len();
                if other < shortest {
                    continue;
                }
                let count = shared.entry(y).or_insert(0);
                if *count == PRUNED {
                    continue;
                }
                // Stems are in one order: what follows this shared stem in each is all
                // that can still be shared.
                let needed = at_least(alike * (length + other) as f64);
                let most = *count as usize + 1 + (length - i - 1).min(other - j as usize - 1);
                *count = if most >= needed { *count + 1 } else { PRUNED };
            }
        }
        found.extend(
            shared
                .iter()
                .filter(|(_, count)| **count != PRUNED)
                .map(|(&y, _)| (y as usize, x)),
        );
        // Every later question is at least as long, so X need be found only by a stem
        // among its first |X| − ⌈2t/(1+t)·|X|⌉ + 1.
        let indexed = (length + 1)
            .saturating_sub(at_least(2.0 * alike * length as f64).max(1))
            .clamp(1, length);
        for (position, stem) in stems[..indexed].iter().enumerate() {
            index.entry(*stem).or_default().push((x as u32, position as u32));
        }
    }
    found
}

/// `question/duplicate` for each pair of published articles whose questions are
/// near-identical, reported on the later file of the two and naming the other.
pub fn check_duplicates(articles: &[Article], threshold: f64) -> Vec<Diagnostic> {
    let published: Vec<&Article> = articles
        .iter()
        .filter(|a| a.review().status != ReviewStatus::Draft)
        .collect();
    let signatures: Vec<Vec<String>> = published
        .par_iter()
        .map_init(Stemmer::english, |stemmer, a| signature(&a.question, stemmer))
        .collect();
    similar_pairs(&signatures, threshold)
        .into_iter()
        .map(|(i, j, similarity)| {
            let (first, second) = if published[i].file <= published[j].file {
                (published[i], published[j])
            } else {
                (published[j], published[i])
            };
            Diagnostic::new(
                Code::QuestionDuplicate,
                &second.file,
                second.places.question,
                format!(
                    "this question is near-identical to the one {} asks ({:.0} % of their words alike): \"{}\"",
                    first.file,
                    similarity * 100.0,
                    first.question
                ),
            )
            .with_hint(format!(
                "merge the two into one article (keep the other slug as an alias), or word the questions so \
                 that each says what it alone answers; {} is compared at `search.duplicate_threshold`",
                second.file
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sigs(questions: &[&str]) -> Vec<Vec<String>> {
        let stemmer = Stemmer::english();
        questions.iter().map(|q| signature(q, &stemmer)).collect()
    }

    fn every_pair(signatures: &[Vec<String>], threshold: f64) -> Vec<(usize, usize, f64)> {
        let mut every = Vec::new();
        for i in 0..signatures.len() {
            for j in i + 1..signatures.len() {
                let s = jaccard(&signatures[i], &signatures[j]);
                if s >= threshold {
                    every.push((i, j, s));
                }
            }
        }
        every
    }

    #[test]
    fn rewordings_of_one_question_are_found_and_neighbours_are_not() {
        let signatures = sigs(&[
            "Is metformin safe in chronic kidney disease?",
            "What are the treatments for heart attack?",
            "Is metformin safe in kidney disease?",
            "What are the treatments for heart failure?",
            "Is Metformin safe in chronic kidney diseases?",
        ]);
        let pairs: Vec<(usize, usize)> = similar_pairs(&signatures, 0.8)
            .into_iter()
            .map(|(i, j, _)| (i, j))
            .collect();
        assert_eq!(pairs, [(0, 2), (0, 4), (2, 4)]);
    }

    #[test]
    fn prefix_filtering_finds_what_comparing_every_pair_finds() {
        let questions: Vec<String> = (0..60)
            .map(|i| {
                let words = [
                    "kidney",
                    "heart",
                    "metformin",
                    "dose",
                    "child",
                    "risk",
                    "stroke",
                    "diet",
                ];
                let pick: Vec<&str> = (0..4).map(|k| words[(i * (k + 3) + k) % words.len()]).collect();
                format!("Is {} {} ok?", pick.join(" "), i % 7)
            })
            .collect();
        let refs: Vec<&str> = questions.iter().map(String::as_str).collect();
        let signatures = sigs(&refs);
        for threshold in [0.5, 0.6, 0.8, 1.0] {
            assert_eq!(
                similar_pairs(&signatures, threshold),
                every_pair(&signatures, threshold),
                "{threshold}"
            );
        }
    }

    /// Sets of 1 to 12 stems from a vocabulary where a few stems are everywhere and most
    /// are rare, at thresholds whose bounds fall on and between whole numbers of stems.
    #[test]
    fn the_filters_lose_no_pair_of_any_length_at_any_threshold() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |below: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % below
        };
        let base: Vec<Vec<String>> = (0..150)
            .map(|_| {
                let length = 1 + next(12) as usize;
                let set: BTreeSet<String> = (0..length)
                    .map(|_| {
                        // Squaring skews the draw towards the first, common stems.
                        let r = next(40);
                        format!("s{}", r * r / 40)
                    })
                    .collect();
                set.into_iter().collect()
            })
            .collect();
        // Near-copies of some sets (one stem dropped or added), so that many pairs reach
        // the higher thresholds too.
        let mut signatures = base.clone();
        for (k, set) in base.iter().enumerate().filter(|(k, _)| k % 3 == 0) {
            let mut copy = set.clone();
            if k % 2 == 0 && copy.len() > 1 {
                copy.remove(next(copy.len() as u64) as usize);
            } else {
                copy.push(format!("x{k}"));
                copy.sort();
            }
            signatures.push(copy);
        }
        signatures.push(Vec::new());
        for threshold in [0.1, 0.25, 1.0 / 3.0, 0.5, 0.6, 2.0 / 3.0, 0.75, 0.8, 0.9, 1.0] {
            let expected = every_pair(&signatures, threshold);
            assert!(
                threshold < 0.5 || !expected.is_empty(),
                "the case tests something at {threshold}"
            );
            assert_eq!(similar_pairs(&signatures, threshold), expected, "{threshold}");
        }
    }

    /// Generated sites ask one templated question per article; every question shares its
    /// common stems with thousands of others, which is no reason to compare them.
    #[test]
    fn templated_questions_are_not_compared_pair_by_pair() {
        let drugs = ["metformin", "apixaban", "warfarin", "olaparib", "docetaxel"];
        let topics = ["cardiology", "oncology", "diabetes", "neurology"];
        let questions: Vec<String> = (0..3000)
            .map(|i| {
                format!(
                    "What is the role of {} in {} case {i}?",
                    drugs[i % drugs.len()],
                    topics[i / drugs.len() % topics.len()]
                )
            })
            .collect();
        let refs: Vec<&str> = questions.iter().map(String::as_str).collect();
        let signatures = sigs(&refs);
        let ranked = rank_stems(&signatures);
        let compared = candidates(&ranked, 0.8).len();
        assert!(compared < questions.len(), "{compared} pairs compared");
        assert_eq!(similar_pairs(&signatures, 0.8), []);
        // At a threshold the templates do reach, every pair is still found.
        let loose = similar_pairs(&signatures[..200], 0.6);
        assert_eq!(loose, every_pair(&signatures[..200], 0.6));
        assert!(!loose.is_empty());
    }

    #[test]
    fn jaccard_of_sorted_sets() {
        let a = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let b = vec!["b".to_string(), "c".to_string(), "d".to_string()];
        assert_eq!(jaccard(&a, &b), 0.5);
        assert_eq!(jaccard(&a, &a), 1.0);
        assert_eq!(jaccard::<String>(&[], &[]), 0.0);
    }
}
