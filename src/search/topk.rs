//! The best results of a query from part of its postings. A term's documents are read a
//! field group (a level) at a time, the question first: a document found at a level earns
//! that group's points, and one not found yet can earn at most the points of the term's
//! next unread level. After each level every document seen gets its score so far and the
//! most it could still reach; reading stops as soon as the results shown are certain — the
//! first `limit` kept after the floor, in their final order — so that a common word's body
//! matches are read only when they can change what the reader sees.
//!
//! A level where a list is a bitmap (names a good part of the site) is read in two
//! passes: first for the site's first sixteenth of documents (`prefix_for`), then, only if
//! that did not settle the results, for the rest. Documents past the bound
//! keep the level unread, so they can still reach its points; ties go by site order, so
//! one past the bound that can at most tie the last result shown comes after it. A common
//! word's heading list holds a third of the site: the best ten holding every word of a
//! query are usually in its first sixteenth, and the rest of the list need not be decoded
//! (on a phone, most of such a query's script).
//!
//! `theme/search.js` repeats this with the same outcome (`Plan` there), but a class of
//! documents at a time: documents found at the same level of every term score alike, so
//! it evaluates each class once instead of each of the tens of thousands of documents a
//! common word's level brings, which on a phone was most of a query's time. `query` loads
//! the files.

use super::query::{FLOOR, SYNONYM};
use super::query::{SlotMatch, rarity};

/// One term a query reads, and what has been read of it.
pub struct QueryTerm {
    pub term: String,
    /// Articles holding it, once known (a question-type tag's count is its list's length).
    pub df: Option<u64>,
    /// The field groups it occurs in, bit `g` for group `g`.
    pub groups: u8,
    rarity: f64,
    /// Per document: 0 while not found in the levels read, else its group + 1.
    found: Vec<u8>,
}

/// The ways a slot may be met, each as candidate terms (an index into `Plan::terms`) with
/// the quality of the match.
#[derive(Default)]
pub struct SlotPlan {
    pub weight: usize,
    pub words: Vec<Vec<(usize, f64)>>,
    pub synonyms: Vec<Vec<Vec<(usize, f64)>>>,
    pub types: Vec<Vec<(usize, f64)>>,
}

/// A query's terms and slots, and the levels read so far.
pub struct Plan {
    pub terms: Vec<QueryTerm>,
    pub slots: Vec<SlotPlan>,
    docs: usize,
    weights: Vec<f64>,
    /// Every level up to this one has been read for every term.
    read_through: Option<usize>,
    /// The level after `read_through` when it has been read only for the documents below
    /// the bound (`begin_partial`).
    partial: Option<(usize, usize)>,
    /// Posting entries read into documents' matches so far: what the partial pass saves.
    pub recorded: usize,
    seen: Vec<bool>,
    seen_list: Vec<usize>,
}

/// The results a query shows: documents with their score and match, best first.
pub struct Outcome {
    pub hits: Vec<(usize, f64, SlotMatch)>,
    /// How many results the query has: exact, or estimated when counting them would mean
    /// reading every level of every term.
    pub total: usize,
    pub exact: bool,
}

/// One document's score as far as the levels read tell, and the most it could reach.
struct Eval {
    doc: usize,
    /// Past the bound of a partial pass: after every document below it in site order.
    beyond: bool,
    found: SlotMatch,
    score: f64,
    most_score: f64,
    most_matched: usize,
    /// Whether levels not read yet could still change its match.
    open: bool,
}

impl Plan {
    pub fn new(docs: usize, weights: Vec<f64>) -> Plan {
        Plan {
            terms: Vec::new(),
            slots: Vec::new(),
            docs,
            weights,
            read_through: None,
            partial: None,
            recorded: 0,
            seen: vec![false; docs],
            seen_list: Vec::new(),
        }
    }

    /// The index of `term`, added on first use.
    pub fn term(&mut self, term: &str, df: Option<u64>, groups: u8) -> usize {
        if let Some(i) = self.terms.iter().position(|t| t.term == term) {
            return i;
        }
        self.terms.push(QueryTerm {
            term: term.to_string(),
            df,
            groups,
            rarity: rarity(self.docs as f64, df.unwrap_or(0) as f64),
            found: Vec::new(),
        });
        self.terms.len() - 1
    }

    /// The next level some term has and has not been read, if any.
    pub fn next_level(&self) -> Option<usize> {
        let from = self.read_through.map_or(0, |l| l + 1);
        (from..self.weights.len().min(8)).find(|&level| self.terms.iter().any(|t| t.groups & (1 << level) != 0))
    }

    /// The terms with documents at `level`.
    pub fn terms_at(&self, level: usize) -> Vec<usize> {
        (0..self.terms.len())
            .filter(|&t| self.terms[t].groups & (1 << level) != 0)
            .collect()
    }

    /// The bound of a first, partial pass over `level`: the first sixteenth of the site, in
    /// whole bitmap bytes. None for a site too small to gain from it, and where a term's
    /// document count is known only from its list read whole (a question-type tag's).
    pub fn prefix_for(&self, level: usize) -> Option<usize> {
        let upto = (self.docs / 16).div_ceil(8) * 8;
        let counted = self.terms_at(level).iter().all(|&t| self.terms[t].df.is_some());
        (counted && upto > 0 && upto < self.docs).then_some(upto)
    }

    /// `level` is about to be read for the documents below `upto` only.
    pub fn begin_partial(&mut self, level: usize, upto: usize) {
        self.partial = Some((level, upto));
    }

    /// Records term `t`'s documents at `level` among `range` (`None`: the index has no list
    /// for it).
    pub fn read(&mut self, t: usize, level: usize, docs: Option<&[u32]>, range: std::ops::Range<usize>) {
        let docs = docs.unwrap_or_default();
        let whole = range.start == 0 && range.end >= self.docs;
        let term = &mut self.terms[t];
        if term.df.is_none() && whole {
            term.df = Some(docs.len() as u64);
            term.rarity = rarity(self.docs as f64, docs.len() as f64);
        }
        if term.found.is_empty() {
            term.found = vec![0; self.docs];
        }
        for &doc in docs {
            let doc = doc as usize;
            // A malformed list may name a document the index does not have.
            if doc < self.docs && range.contains(&doc) {
                self.recorded += 1;
                term.found[doc] = level as u8 + 1;
                if !self.seen[doc] {
                    self.seen[doc] = true;
                    self.seen_list.push(doc);
                }
            }
        }
    }

    pub fn finish_level(&mut self, level: usize) {
        self.read_through = Some(level);
        self.partial = None;
    }

    /// Where `doc` stands: below the bound of a partial pass (its level read) or not.
    fn at(&self, doc: usize) -> At {
        At {
            doc: Some(doc),
            prefix: self.partial.is_some_and(|(_, upto)| doc < upto),
        }
    }

    /// The documents not seen yet, as evaluated alike: below the bound of a partial pass
    /// and past it, each where there are any.
    fn unseen(&self) -> Vec<At> {
        let seen = self.seen_list.len();
        let Some((_, upto)) = self.partial else {
            return (seen < self.docs)
                .then_some(At {
                    doc: None,
                    prefix: false,
                })
                .into_iter()
                .collect();
        };
        let below = self.seen_list.iter().filter(|&&doc| doc < upto).count();
        [(below < upto, true), (seen - below < self.docs - upto, false)]
            .into_iter()
            .filter(|&(any, _)| any)
            .map(|(_, prefix)| At { doc: None, prefix })
            .collect()
    }

    /// The results once they are certain, else `None` (read the next level).
    pub fn decide(&self, limit: usize) -> Option<Outcome> {
        let total_words = self.slots.iter().map(|s| s.weight).sum::<usize>().max(1) as f64;
        let evals: Vec<Eval> = self
            .seen_list
            .iter()
            .map(|&doc| self.eval(self.at(doc), total_words))
            .collect();
        let unseen: Vec<Eval> = self.unseen().into_iter().map(|at| self.eval(at, total_words)).collect();
        let mut ranked: Vec<&Eval> = evals.iter().filter(|e| e.found.matched > 0).collect();
        ranked.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(b.found.matched.cmp(&a.found.matched))
                .then(a.doc.cmp(&b.doc))
        });
        let others_open = || evals.iter().chain(&unseen).filter(|e| e.open);
        let Some(first) = ranked.first() else {
            // Nothing matches yet: done only if nothing still could.
            return others_open().all(|e| e.most_matched == 0).then(|| Outcome {
                hits: Vec::new(),
                total: 0,
                exact: true,
            });
        };
        if first.open {
            return None;
        }
        let (floor, most) = (first.score * FLOOR, first.found.matched);
        let kept = |score: f64, matched: usize| score >= floor || matched >= most;
        let surely_dropped = |e: &Eval| e.most_score < floor && e.most_matched < most;
        let mut hits: Vec<&Eval> = Vec::new();
        let mut walked = vec![false; self.docs];
        for e in &ranked {
            if hits.len() == limit {
                break;
            }
            walked[e.doc] = true;
            if kept(e.score, e.found.matched) {
                if e.open {
                    return None;
                }
                hits.push(e);
            } else if e.open && !surely_dropped(e) {
                return None;
            }
        }
        // Whatever is still open must stay below the last result shown, or under the floor;
        // or, from past a partial pass's bound, at most tie it, which puts it after.
        let last = (hits.len() == limit).then(|| hits.last().map(|e| (e.score, e.found.matched, e.doc)));
        let below_last = |e: &Eval, last: Option<(f64, usize, usize)>| match last {
            None => true,
            Some((score, matched, doc)) => {
                e.most_score < score
                    || (e.beyond
                        && self.partial.is_some_and(|(_, upto)| doc < upto)
                        && e.most_score == score
                        && e.most_matched <= matched)
            }
        };
        let unsure = others_open()
            .filter(|e| e.doc == usize::MAX || !walked[e.doc])
            .any(|e| !surely_dropped(e) && last.is_none_or(|last| !below_last(e, last)));
        if unsure {
            return None;
        }
        let exact = others_open().all(surely_dropped);
        let total = if exact {
            ranked.iter().filter(|e| kept(e.score, e.found.matched)).count()
        } else {
            let known = ranked.iter().filter(|e| kept(e.score, e.found.matched)).count();
            // After a partial pass, the share of the site read stands for the rest of it.
            let projected = self.partial.map_or(0, |(_, upto)| {
                let below = ranked
                    .iter()
                    .filter(|e| e.doc < upto && kept(e.score, e.found.matched))
                    .count();
                (below as f64 * self.docs as f64 / upto as f64).round() as usize
            });
            about(known.max(projected).max(self.estimate()))
        };
        Some(Outcome {
            hits: hits.into_iter().map(|e| (e.doc, e.score, e.found.clone())).collect(),
            total,
            exact,
        })
    }

    /// The articles expected to match every slot, were the slots' words independent: the
    /// site's size times each slot's share of it (that of its commonest term).
    fn estimate(&self) -> usize {
        let docs = self.docs as f64;
        let mut expected = docs;
        for slot in &self.slots {
            let ways = slot
                .words
                .iter()
                .chain(slot.synonyms.iter().flatten())
                .chain(&slot.types);
            let most = ways
                .flatten()
                .map(|&(t, _)| self.terms[t].df.unwrap_or(0))
                .max()
                .unwrap_or(0);
            expected *= most as f64 / docs;
        }
        expected.round() as usize
    }

    /// Points of candidate `(t, quality)` for `at`: `Ok` when known (0 when absent for
    /// sure), `Err(most)` when a level not read yet may still hold it.
    fn points(&self, t: usize, quality: f64, at: At) -> Result<f64, f64> {
        let term = &self.terms[t];
        let rarity = term.rarity;
        if let Some(doc) = at.doc {
            let group = term.found.get(doc).copied().unwrap_or(0);
            if group > 0 {
                let weight = self.weights.get(usize::from(group) - 1).copied().unwrap_or(0.0);
                return Ok(weight * quality * rarity);
            }
        }
        let from = match self.partial {
            Some((level, _)) if at.prefix => level + 1,
            _ => self.read_through.map_or(0, |l| l + 1),
        };
        match (from..self.weights.len().min(8)).find(|&g| term.groups & (1 << g) != 0) {
            Some(group) => Err(self.weights[group] * quality * rarity),
            None => Ok(0.0),
        }
    }

    /// The best of `candidates` for `doc` (the first to reach the most points wins):
    /// points, term, the most it could reach, and whether unread levels could change it.
    fn best(&self, candidates: &[(usize, f64)], doc: At) -> (f64, Option<usize>, f64, bool) {
        let (mut points, mut term, mut unread) = (0.0, None, 0.0f64);
        for &(t, quality) in candidates {
            match self.points(t, quality, doc) {
                Ok(p) if p > points => {
                    points = p;
                    term = Some(t);
                }
                Ok(_) => {}
                Err(most) => unread = unread.max(most),
            }
        }
        let open = unread > 0.0 && unread >= points;
        (points, term, points.max(unread), open)
    }

    /// One slot for `doc`: its match as far as known, the most points and words it could
    /// reach, and whether unread levels could change its match.
    fn slot(&self, slot: &SlotPlan, doc: At) -> (SlotMatch, f64, usize, bool) {
        let mut found = SlotMatch::default();
        // Each way's most (words, points) and whether it is still open.
        let mut ways: Vec<(usize, f64, bool)> = Vec::new();
        let (mut most_words, mut most_points, mut open) = (0, 0.0, false);
        for candidates in &slot.words {
            let (points, term, most, word_open) = self.best(candidates, doc);
            if let Some(t) = term {
                found.matched += 1;
                found.points += points;
                found.terms.push(self.terms[t].term.clone());
            }
            most_words += usize::from(most > 0.0);
            most_points += most;
            open |= word_open;
        }
        ways.push((most_words, most_points, open));
        for phrase in &slot.synonyms {
            let (mut all, mut sum, mut terms) = (true, 0.0, Vec::new());
            let (mut possible, mut most_sum, mut open) = (true, 0.0, false);
            for candidates in phrase {
                let (points, term, most, term_open) = self.best(candidates, doc);
                match term {
                    Some(t) => {
                        sum += points;
                        terms.push(self.terms[t].term.clone());
                    }
                    None => all = false,
                }
                possible &= most > 0.0;
                most_sum += most;
                open |= term_open;
            }
            let share = |sum: f64| sum / phrase.len() as f64 * SYNONYM * slot.weight as f64;
            if all && !phrase.is_empty() {
                let candidate = SlotMatch {
                    matched: slot.weight,
                    points: share(sum),
                    terms,
                };
                if candidate.better_than(&found) {
                    found = candidate;
                }
            }
            let reach = possible && !phrase.is_empty();
            ways.push((
                if reach { slot.weight } else { 0 },
                if reach { share(most_sum) } else { 0.0 },
                open,
            ));
        }
        for candidates in &slot.types {
            let (points, term, most, open) = self.best(candidates, doc);
            if term.is_some() {
                let candidate = SlotMatch {
                    matched: slot.weight,
                    points,
                    terms: Vec::new(),
                };
                if candidate.better_than(&found) {
                    found = candidate;
                }
            }
            ways.push((if most > 0.0 { slot.weight } else { 0 }, most, open));
        }
        // A way still open matters only if it could match or beat what is found.
        let open = ways.iter().any(|&(matched, points, open)| {
            open && !found.better_than(&SlotMatch {
                matched,
                points,
                terms: Vec::new(),
            })
        });
        if !open {
            let (matched, points) = (found.matched, found.points);
            return (found, points, matched, false);
        }
        let most_matched = ways.iter().map(|w| w.0).max().unwrap_or(0);
        let most_points = ways.iter().map(|w| w.1).fold(0.0, f64::max);
        (found, most_points, most_matched, true)
    }

    /// A document's score as far as known and at most.
    fn eval(&self, doc: At, total_words: f64) -> Eval {
        let mut found = SlotMatch::default();
        let (mut most_points, mut most_matched, mut open) = (0.0, 0, false);
        for slot in &self.slots {
            let (matched, points, words, slot_open) = self.slot(slot, doc);
            found.matched += matched.matched;
            found.points += matched.points;
            found.terms.extend(matched.terms);
            most_points += points;
            most_matched += words;
            open |= slot_open;
        }
        let share = found.matched as f64 / total_words;
        let most_share = most_matched as f64 / total_words;
        Eval {
            doc: doc.doc.unwrap_or(usize::MAX),
            beyond: self.partial.is_some() && !doc.prefix,
            score: found.points * share * share,
            found,
            most_score: most_points * most_share * most_share,
            most_matched,
            open,
        }
    }
}

/// A document as evaluated: which (`None`: any not seen yet), and whether it is below the
/// bound of a partial pass, where that pass's level has been read.
#[derive(Clone, Copy)]
struct At {
    doc: Option<usize>,
    prefix: bool,
}

/// `n` to two significant figures: what "about" a count says.
pub fn about(n: usize) -> usize {
    if n < 100 {
        return n;
    }
    let scale = 10f64.powi(n.to_string().len() as i32 - 2);
    ((n as f64 / scale).round() * scale) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plan of one slot a word over `docs` documents, each word found in headings and
    /// bodies only.
    fn headings_plan(docs: usize, words: usize) -> Plan {
        let mut plan = Plan::new(docs, vec![40.0, 12.0, 6.0, 3.0, 1.0]);
        for w in 0..words {
            let t = plan.term(&format!("w{w}"), Some(docs as u64 / 8), 0b10100);
            plan.slots.push(SlotPlan {
                weight: 1,
                words: vec![vec![(t, 1.0)]],
                ..SlotPlan::default()
            });
        }
        plan
    }

    #[test]
    fn a_first_pass_settles_when_what_lies_past_its_bound_can_at_most_tie() {
        let mut plan = headings_plan(640, 1);
        let upto = plan.prefix_for(2).unwrap();
        assert_eq!(upto, 40);
        let headings: Vec<u32> = (0..640).step_by(3).collect();
        plan.begin_partial(2, upto);
        plan.read(0, 2, Some(&headings), 0..upto);
        // Documents past the bound may have the word in a heading too, and tie the third:
        // site order puts them after it.
        let outcome = plan.decide(3).expect("settled by the first pass");
        let docs: Vec<usize> = outcome.hits.iter().map(|h| h.0).collect();
        assert_eq!(docs, [0, 3, 6]);
        assert_eq!(plan.recorded, 14, "the list read below the bound alone");
        assert!(!outcome.exact);
        // Counted as the share read projects onto the site (14 of 40 make 224 of 640), not
        // by the document counts of the vocabulary (80).
        assert_eq!(outcome.total, 220);
    }

    #[test]
    fn a_first_pass_does_not_settle_when_past_its_bound_a_document_could_do_better() {
        // Below the bound no document has both words in a heading; past it one might.
        let mut plan = headings_plan(640, 2);
        let upto = plan.prefix_for(2).unwrap();
        plan.begin_partial(2, upto);
        let evens: Vec<u32> = (0..640).step_by(2).collect();
        let odds_then_all: Vec<u32> = (1..40).step_by(2).chain(40..640).collect();
        plan.read(0, 2, Some(&evens), 0..upto);
        plan.read(1, 2, Some(&odds_then_all), 0..upto);
        assert!(plan.decide(3).is_none());
        // Read whole, the level finds them: both words, from document 40 on.
        plan.read(0, 2, Some(&evens), upto..640);
        plan.read(1, 2, Some(&odds_then_all), upto..640);
        plan.finish_level(2);
        let outcome = plan.decide(3).expect("settled by the whole level");
        let docs: Vec<usize> = outcome.hits.iter().map(|h| h.0).collect();
        assert_eq!(docs, [40, 42, 44]);
    }

    #[test]
    fn counts_are_rounded_to_two_figures() {
        assert_eq!(about(7), 7);
        assert_eq!(about(99), 99);
        assert_eq!(about(1_234), 1_200);
        assert_eq!(about(98_490), 98_000);
        assert_eq!(about(96_500), 97_000);
    }
}
