//! Index terms for textual similarity: lowercase words, light plural folding, stop words
//! dropped, and hyphenated medical names ("177Lu-PSMA-617") kept whole beside their parts.

use std::borrow::Cow;

/// Calls `emit(term, surface)` for every index term of `text`, in order. `surface` is the
/// lowercased word as written, for showing the term to people; `term` may be folded.
pub fn tokenize(text: &str, mut emit: impl FnMut(&str, &str)) {
    let mut chunk = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        // Nearly all clinical text is ASCII: lower-cased in place, without the general
        // Unicode mapping.
        if c.is_ascii_alphanumeric() {
            chunk.push(c.to_ascii_lowercase());
            continue;
        }
        if !c.is_ascii() && c.is_alphanumeric() {
            chunk.extend(c.to_lowercase());
            continue;
        }
        // Hyphens (and their typographic twins) join a compound only between two word
        // characters; an apostrophe ends the word so that "patient's" yields "patient".
        let joins = matches!(c, '-' | '\u{2010}' | '\u{2011}')
            && !chunk.is_empty()
            && chars.peek().is_some_and(|n| n.is_alphanumeric());
        if joins {
            chunk.push('-');
        } else if !chunk.is_empty() {
            emit_chunk(&chunk, &mut emit);
            chunk.clear();
        }
    }
    if !chunk.is_empty() {
        emit_chunk(&chunk, &mut emit);
    }
}

fn emit_chunk(chunk: &str, emit: &mut impl FnMut(&str, &str)) {
    let mut parts = 0;
    let mut numeric_parts = 0;
    for part in chunk.split('-') {
        parts += 1;
        if part.bytes().all(|b| b.is_ascii_digit()) {
            numeric_parts += 1;
        }
        if keeps_part(part) {
            if is_alphabetic(part) {
                emit(&fold_plural(part), part);
            } else {
                emit(part, part);
            }
        }
    }
    // The compound itself is the most specific term ("177lu-psma-617", "lu-177"); a run
    // of numbers ("2025-11-02", "7-16") is a date or a range, not a name.
    if parts > 1 && numeric_parts < parts && !is_stop_compound(chunk) {
        emit(chunk, chunk);
    }
}

/// Whether a single word carries meaning for similarity.
fn keeps_part(part: &str) -> bool {
    let chars = part.chars().count();
    if chars < 2 {
        return false;
    }
    if part.bytes().all(|b| b.is_ascii_digit()) {
        // Three digits name isotopes and compounds (177, 223, 617); shorter numbers are
        // doses, counts and cycles, longer ones mostly years: noise for similarity.
        return chars == 3;
    }
    !is_stop_word(part)
}

fn is_alphabetic(part: &str) -> bool {
    part.chars().all(char::is_alphabetic)
}

/// A compound made only of stop words and numbers ("so-called", "follow-up" stays).
fn is_stop_compound(chunk: &str) -> bool {
    chunk.split('-').all(|p| !keeps_part(p))
}

/// Folds English plurals onto the singular (the "S stemmer"): "infusions" → "infusion",
/// "therapies" → "therapy". Anything stronger mangles drug and disease names.
pub fn fold_plural(word: &str) -> Cow<'_, str> {
    if let Ok(i) = GREEK_PLURALS.binary_search_by(|(plural, _)| plural.cmp(&word)) {
        return Cow::Borrowed(GREEK_PLURALS[i].1);
    }
    let n = word.len();
    if n > 4 && word.ends_with("ies") && !word.ends_with("eies") && !word.ends_with("aies") {
        return Cow::Owned(format!("{}y", &word[..n - 3]));
    }
    if n > 3 && word.ends_with("es") && !(word.ends_with("aes") || word.ends_with("ees") || word.ends_with("oes")) {
        // "doses" → "dose", "cases" → "case"; the "-is/-es" plurals of medicine are listed
        // in GREEK_PLURALS, because no suffix rule tells "diagnoses" from "purposes".
        return Cow::Borrowed(&word[..n - 1]);
    }
    if n > 3 && word.ends_with('s') && !(word.ends_with("us") || word.ends_with("ss") || word.ends_with("is")) {
        return Cow::Borrowed(&word[..n - 1]);
    }
    Cow::Borrowed(word)
}

/// Plurals of the Greek "-is" nouns that medicine is full of, sorted for binary search.
const GREEK_PLURALS: &[(&str, &str)] = &[
    ("analyses", "analysis"),
    ("crises", "crisis"),
    ("diagnoses", "diagnosis"),
    ("fibroses", "fibrosis"),
    ("hypotheses", "hypothesis"),
    ("metastases", "metastasis"),
    ("necroses", "necrosis"),
    ("prognoses", "prognosis"),
    ("psychoses", "psychosis"),
    ("stenoses", "stenosis"),
    ("syntheses", "synthesis"),
    ("thromboses", "thrombosis"),
];

/// How much a term counts for similarity: words that name the kind of question ("side
/// effects", "dose", "diagnosis") count a quarter of words that name its subject (a drug,
/// a disease), so that "side effects of metformin" is nearer "metformin in kidney disease"
/// than "side effects of SGLT2 inhibitors".
pub fn term_factor(term: &str) -> f32 {
    if ASPECT_WORDS.binary_search(&term).is_ok() {
        0.25
    } else {
        1.0
    }
}

/// Words (as folded by `fold_plural`) that say what is asked rather than what about.
/// Sorted, for binary search.
const ASPECT_WORDS: &[&str] = &[
    "adverse",
    "cause",
    "contraindication",
    "diagnosis",
    "dosage",
    "dose",
    "dosing",
    "drug",
    "duration",
    "effect",
    "effective",
    "effectiveness",
    "efficacy",
    "indication",
    "level",
    "line",
    "mean",
    "meaning",
    "medication",
    "medicine",
    "monitoring",
    "next",
    "outcome",
    "prevent",
    "prevention",
    "prognosis",
    "risk",
    "safe",
    "safety",
    "side",
    "sign",
    "start",
    "starting",
    "step",
    "stop",
    "stopping",
    "symptom",
    "test",
    "testing",
    "therapy",
];

pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// English function words, question words, and the generic vocabulary of clinical
/// questions ("patient", "treatment", "recommended") that every article of a medical
/// knowledge base shares and that would otherwise make unrelated questions look alike.
/// Sorted, for binary search.
const STOP_WORDS: &[&str] = &[
    "about",
    "above",
    "according",
    "across",
    "adult",
    "adults",
    "after",
    "again",
    "against",
    "all",
    "also",
    "although",
    "always",
    "am",
    "among",
    "an",
    "and",
    "any",
    "approach",
    "are",
    "as",
    "at",
    "available",
    "be",
    "because",
    "been",
    "before",
    "being",
    "best",
    "better",
    "between",
    "both",
    "but",
    "by",
    "can",
    "cannot",
    "case",
    "cases",
    "clinical",
    "clinician",
    "clinicians",
    "common",
    "commonly",
    "compared",
    "consider",
    "considered",
    "could",
    "course",
    "did",
    "do",
    "does",
    "doing",
    "done",
    "due",
    "during",
    "each",
    "either",
    "especially",
    "etc",
    "evidence",
    "for",
    "from",
    "further",
    "generally",
    "get",
    "given",
    "gives",
    "giving",
    "good",
    "guideline",
    "guidelines",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "high",
    "his",
    "how",
    "however",
    "if",
    "important",
    "in",
    "include",
    "includes",
    "including",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "less",
    "like",
    "likely",
    "low",
    "made",
    "make",
    "manage",
    "managed",
    "management",
    "many",
    "may",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "need",
    "needed",
    "needs",
    "new",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "often",
    "on",
    "once",
    "one",
    "only",
    "option",
    "options",
    "or",
    "other",
    "others",
    "our",
    "out",
    "over",
    "own",
    "patient",
    "patients",
    "people",
    "per",
    "person",
    "possible",
    "rather",
    "recommend",
    "recommendation",
    "recommendations",
    "recommended",
    "same",
    "she",
    "should",
    "since",
    "so",
    "some",
    "such",
    "take",
    "taken",
    "takes",
    "taking",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "took",
    "treat",
    "treated",
    "treating",
    "treatment",
    "treatments",
    "typically",
    "under",
    "until",
    "up",
    "us",
    "use",
    "used",
    "using",
    "usually",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yes",
    "you",
    "your",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        tokenize(text, |term, _| out.push(term.to_string()));
        out
    }

    #[test]
    fn word_tables_are_sorted_for_binary_search() {
        assert!(
            STOP_WORDS.windows(2).all(|w| w[0] < w[1]),
            "STOP_WORDS must be sorted and unique"
        );
        assert!(
            GREEK_PLURALS.windows(2).all(|w| w[0].0 < w[1].0),
            "GREEK_PLURALS must be sorted"
        );
        assert!(
            ASPECT_WORDS.windows(2).all(|w| w[0] < w[1]),
            "ASPECT_WORDS must be sorted and unique"
        );
    }

    #[test]
    fn keeps_medical_compounds_whole_and_in_parts() {
        assert_eq!(terms("177Lu-PSMA-617"), ["177lu", "psma", "617", "177lu-psma-617"]);
        assert_eq!(terms("Lutetium-177"), ["lutetium", "177", "lutetium-177"]);
        assert_eq!(terms("SGLT2 inhibitors"), ["sglt2", "inhibitor"]);
    }

    #[test]
    fn drops_stop_words_short_numbers_dates_and_ranges() {
        assert_eq!(terms("What is the best treatment after 6 cycles?"), ["cycle"]);
        assert_eq!(terms("on 2025-11-02, range 7-16"), ["range"]);
        assert_eq!(terms("a so-called x"), ["called", "so-called"]);
    }

    #[test]
    fn splits_at_apostrophes_dashes_and_punctuation() {
        assert_eq!(
            terms("the patient's kidney–function (eGFR)"),
            ["kidney", "function", "egfr"]
        );
        assert_eq!(terms("-leading and trailing-"), ["leading", "trailing"]);
    }

    #[test]
    fn folds_plurals_but_not_latin_singulars() {
        assert_eq!(fold_plural("infusions"), "infusion");
        assert_eq!(fold_plural("therapies"), "therapy");
        assert_eq!(fold_plural("doses"), "dose");
        assert_eq!(fold_plural("metastasis"), "metastasis");
        assert_eq!(fold_plural("metastases"), "metastasis");
        assert_eq!(fold_plural("purposes"), "purpose");
        assert_eq!(fold_plural("diabetes"), "diabete");
        assert_eq!(fold_plural("virus"), "virus");
        assert_eq!(fold_plural("mass"), "mass");
        assert_eq!(fold_plural("bus"), "bus");
    }

    #[test]
    fn words_about_the_kind_of_question_count_less_than_its_subject() {
        assert_eq!(term_factor("metformin"), 1.0);
        let mut folded = Vec::new();
        tokenize("side effects, doses, effectiveness", |term, _| {
            folded.push(term_factor(term))
        });
        assert_eq!(folded, [0.25, 0.25, 0.25, 0.25]);
    }

    #[test]
    fn reports_the_written_form_beside_the_folded_term() {
        let mut out = Vec::new();
        tokenize("Infusions", |term, surface| {
            out.push((term.to_string(), surface.to_string()))
        });
        assert_eq!(out, [("infusion".to_string(), "infusions".to_string())]);
    }
}
