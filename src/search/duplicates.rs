//! Near-identical questions (`question/duplicate`): two published articles asking the same
//! thing split readers, links and reviews between them.
//!
//! A question's signature is the set of stems of its search words; two questions are
//! near-identical when the Jaccard similarity of their signatures reaches the threshold
//! (`search.duplicate_threshold`, default 0.8). Pairs are found with prefix filtering: with
//! stems ordered rarest first, two sets that similar must share one of the first few stems
//! of each, so only questions sharing a rare stem are ever compared — near-linear on a
//! real site, where almost every question has a stem few others have.

use super::text::{Stemmer, terms};
use crate::diagnostic::{Code, Diagnostic};
use crate::fast_hash::FastMap;
use crate::parse::article::Article;
use crate::parse::front_matter::ReviewStatus;
use std::collections::BTreeSet;

/// The distinct stems of a question's search words, sorted.
pub fn signature(question: &str, stemmer: &Stemmer) -> Vec<String> {
    let set: BTreeSet<String> = terms(question).map(|t| stemmer.stem(&t)).collect();
    set.into_iter().collect()
}

/// |A ∩ B| / |A ∪ B| of two sorted, distinct lists.
pub fn jaccard(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
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
    both as f64 / (a.len() + b.len() - both) as f64
}

/// Every pair `(i, j, similarity)` with `i < j` whose signatures reach `threshold`, in
/// order of `i` then `j`.
pub fn similar_pairs(signatures: &[Vec<String>], threshold: f64) -> Vec<(usize, usize, f64)> {
    let mut df: FastMap<&str, usize> = FastMap::default();
    for signature in signatures {
        for stem in signature {
            *df.entry(stem).or_default() += 1;
        }
    }
    let mut by_prefix: FastMap<&str, Vec<usize>> = FastMap::default();
    let mut pairs: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (i, signature) in signatures.iter().enumerate() {
        if signature.is_empty() {
            continue;
        }
        let mut ordered: Vec<&str> = signature.iter().map(String::as_str).collect();
        ordered.sort_by(|a, b| df[a].cmp(&df[b]).then(a.cmp(b)));
        // A set B with J(A, B) ≥ t shares at least ⌈t·|A|⌉ stems with A, so at least one of
        // A's first |A| − ⌈t·|A|⌉ + 1 stems in this order.
        let needed = (threshold * ordered.len() as f64).ceil() as usize;
        let prefix = (ordered.len() + 1).saturating_sub(needed.max(1)).max(1);
        for stem in &ordered[..prefix.min(ordered.len())] {
            let seen = by_prefix.entry(stem).or_default();
            for &other in seen.iter() {
                pairs.insert((other, i));
            }
            seen.push(i);
        }
    }
    pairs
        .into_iter()
        .filter_map(|(i, j)| {
            let similarity = jaccard(&signatures[i], &signatures[j]);
            (similarity >= threshold).then_some((i, j, similarity))
        })
        .collect()
}

/// `question/duplicate` for each pair of published articles whose questions are
/// near-identical, reported on the later file of the two and naming the other.
pub fn check_duplicates(articles: &[Article], threshold: f64) -> Vec<Diagnostic> {
    let published: Vec<&Article> = articles
        .iter()
        .filter(|a| a.review.status != ReviewStatus::Draft)
        .collect();
    let stemmer = Stemmer::english();
    let signatures: Vec<Vec<String>> = published.iter().map(|a| signature(&a.question, &stemmer)).collect();
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
                second.spans.question,
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
            let mut every = Vec::new();
            for i in 0..signatures.len() {
                for j in i + 1..signatures.len() {
                    let s = jaccard(&signatures[i], &signatures[j]);
                    if s >= threshold {
                        every.push((i, j, s));
                    }
                }
            }
            assert_eq!(similar_pairs(&signatures, threshold), every, "{threshold}");
        }
    }

    #[test]
    fn jaccard_of_sorted_sets() {
        let a = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let b = vec!["b".to_string(), "c".to_string(), "d".to_string()];
        assert_eq!(jaccard(&a, &b), 0.5);
        assert_eq!(jaccard(&a, &a), 1.0);
        assert_eq!(jaccard(&[], &[]), 0.0);
    }
}
