//! What kind of question a reader asks ("how is X managed" asks for treatment) and what kind
//! an article answers ("What are the treatments for X?"). Both are read with one table of
//! cue phrases: an article's question is tagged with the types its cues name (a `~type`
//! term in the question group), and a query's cue phrase may be satisfied by that tag.

use super::text::singular;

/// The prefix of the synthetic terms that tag an article's question type. Never produced
/// by `terms` (which keeps only letters and digits), so no word can collide with one.
pub const TYPE_PREFIX: char = '~';

/// Question types, each with the cue phrases that ask for it, written as folded words with
/// stopwords kept ("who is at risk"); matched on whole words, plurals folded by `singular`.
pub const INTENTS: &[(&str, &[&str])] = &[
    (
        "treatment",
        &[
            "treat",
            "treated",
            "treating",
            "treatment",
            "therapy",
            "therapies",
            "manage",
            "managed",
            "managing",
            "management",
            "cure",
            "cured",
            "curing",
            "remedy",
            "remedies",
            "medication",
            "treatable",
        ],
    ),
    (
        "symptoms",
        &[
            "symptom",
            "sign",
            "warning sign",
            "feel like",
            "feels like",
            "symptomatic",
            "presentation",
            "how do i know if",
            "signs and symptoms",
        ],
    ),
    (
        "causes",
        &[
            "cause",
            "caused",
            "causing",
            "what leads to",
            "leads to",
            "brings on",
            "bring on",
            "trigger",
            "triggered",
            "why do",
            "why does",
            "etiology",
            "aetiology",
            "reason for",
        ],
    ),
    (
        "risk",
        &[
            "risk",
            "at risk",
            "risk factor",
            "who gets",
            "who get",
            "who is likely",
            "likely to get",
            "susceptible",
            "susceptibility",
            "more likely",
        ],
    ),
    (
        "diagnosis",
        &[
            "diagnose",
            "diagnosed",
            "diagnosing",
            "diagnosis",
            "diagnostic",
            "test",
            "tested",
            "testing",
            "exam",
            "examination",
            "detect",
            "detected",
            "detecting",
            "screening",
            "screen for",
        ],
    ),
    (
        "prevention",
        &[
            "prevent",
            "prevented",
            "preventing",
            "prevention",
            "preventive",
            "avoid",
            "avoided",
            "avoiding",
            "stop from",
            "reduce the risk of",
            "lower the risk of",
            "prophylaxis",
        ],
    ),
    (
        "inheritance",
        &[
            "inherit",
            "inherited",
            "inheritance",
            "hereditary",
            "heritable",
            "run in families",
            "runs in families",
            "run in the family",
            "runs in the family",
            "passed down",
            "passed on",
            "pass on",
        ],
    ),
    (
        "frequency",
        &[
            "how common",
            "how rare",
            "how many people",
            "how often",
            "prevalence",
            "prevalent",
            "incidence",
            "frequency",
            "frequent",
        ],
    ),
    (
        "genetics",
        &[
            "gene",
            "genetic",
            "genetics",
            "genetic change",
            "mutation",
            "mutated",
            "genotype",
        ],
    ),
    (
        "outlook",
        &[
            "outlook",
            "prognosis",
            "life expectancy",
            "survival",
            "survival rate",
            "recovery",
            "long term outlook",
            "what to expect",
        ],
    ),
    ("complications", &["complication", "complicate", "complicated by"]),
    (
        "side-effects",
        &[
            "side effect",
            "adverse effect",
            "adverse reaction",
            "adverse event",
            "unwanted effect",
        ],
    ),
];

/// The longest cue of all, in words: how far a match looks ahead.
pub fn longest_cue() -> usize {
    INTENTS
        .iter()
        .flat_map(|(_, cues)| cues.iter())
        .map(|cue| cue.split(' ').count())
        .max()
        .unwrap_or(1)
}

/// The cue table as the index ships it: each cue's words (`singular`ised) with its type.
pub fn cue_table() -> Vec<(Vec<String>, &'static str)> {
    let mut table: Vec<(Vec<String>, &'static str)> = INTENTS
        .iter()
        .flat_map(|(kind, cues)| {
            cues.iter()
                .map(move |cue| (cue.split(' ').map(singular).collect::<Vec<_>>(), *kind))
        })
        .collect();
    table.sort();
    table.dedup_by(|a, b| a.0 == b.0);
    table
}

/// The question types `words` (the folded words of a question, stopwords kept) ask
/// about, each once, in table order.
pub fn types_of(words: &[String]) -> Vec<&'static str> {
    let words: Vec<String> = words.iter().map(|w| singular(w)).collect();
    let mut found: Vec<&'static str> = Vec::new();
    for (kind, cues) in SINGULAR_CUES.iter() {
        let hit = cues
            .iter()
            .any(|cue| words.windows(cue.len()).any(|window| window == cue.as_slice()));
        if hit && !found.contains(kind) {
            found.push(kind);
        }
    }
    found
}

/// A cue phrase as words.
type Cue = Vec<String>;

/// `INTENTS` with each cue's words made singular, as `types_of` compares them: made once,
/// not for every question of the index.
static SINGULAR_CUES: std::sync::LazyLock<Vec<(&'static str, Vec<Cue>)>> = std::sync::LazyLock::new(|| {
    INTENTS
        .iter()
        .map(|(kind, cues)| {
            let cues = cues.iter().map(|cue| cue.split(' ').map(singular).collect()).collect();
            (*kind, cues)
        })
        .collect()
});

/// The synthetic index term of a question type.
pub fn type_term(kind: &str) -> String {
    format!("{TYPE_PREFIX}{kind}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::text::{fold, raw_words};

    fn types(question: &str) -> Vec<&'static str> {
        types_of(&raw_words(&fold(question)))
    }

    #[test]
    fn medquad_style_questions_get_their_type() {
        assert_eq!(types("What are the treatments for Glaucoma?"), ["treatment"]);
        assert_eq!(types("What are the symptoms of Heart Attack?"), ["symptoms"]);
        assert_eq!(types("What causes Angina?"), ["causes"]);
        assert_eq!(types("Who is at risk for Stroke?"), ["risk"]);
        assert_eq!(types("How to diagnose Anemia?"), ["diagnosis"]);
        assert_eq!(types("How to prevent Asthma?"), ["prevention"]);
        assert_eq!(types("Is achondroplasia inherited?"), ["inheritance"]);
        assert_eq!(types("How many people are affected by achondroplasia?"), ["frequency"]);
        assert_eq!(
            types("What are the genetic changes related to achondroplasia?"),
            ["genetics"]
        );
        assert_eq!(types("What is the outlook for Knee Replacement?"), ["outlook"]);
        assert!(types("What is (are) Glaucoma?").is_empty());
    }

    #[test]
    fn readers_phrasings_ask_for_the_same_types() {
        assert_eq!(types("how is glaucoma managed"), ["treatment"]);
        assert_eq!(types("glaucoma therapy"), ["treatment"]);
        assert_eq!(types("signs of glaucoma"), ["symptoms"]);
        assert_eq!(types("is glaucoma hereditary"), ["inheritance"]);
        assert_eq!(types("how common is glaucoma"), ["frequency"]);
        assert_eq!(types("glaucoma prognosis"), ["outlook"]);
        assert_eq!(types("tests for glaucoma"), ["diagnosis"]);
        assert_eq!(types("does it run in families"), ["inheritance"]);
    }

    #[test]
    fn every_cue_is_unique_to_one_type() {
        let mut seen: std::collections::HashMap<Vec<String>, &str> = Default::default();
        for (kind, cues) in INTENTS {
            for cue in *cues {
                let key: Vec<String> = cue.split(' ').map(singular).collect();
                let before = seen.insert(key, kind);
                assert!(before.is_none_or(|b| b == *kind), "{cue}: {before:?} and {kind}");
            }
        }
        assert_eq!(cue_table().len(), seen.len());
        assert!(longest_cue() >= 4);
    }
}
