//! How text becomes search terms. `theme/search.js` repeats these rules for the reader's
//! query, so any change here must be made there too (the `readers` tests compare both).

/// Lower-case letters with a diacritic (Latin-1 Supplement and Latin Extended-A) and the
/// ASCII letter each folds to: "Sjögren" and "Sjogren" must find each other.
const FOLD_FROM: &str = "àáâãäåçèéêëìíîïðñòóôõöøùúûüýÿāăąćĉċčďđēĕėęěĝğġģĥħĩīĭįıĵķĸĺļľŀłńņňŋōŏőŕŗřśŝşšţťŧũūŭůűųŵŷźżžſ";
const FOLD_TO: &str = "aaaaaaceeeeiiiidnoooooouuuuyyaaaccccddeeeeegggghhiiiiijkklllllnnnnooorrrsssstttuuuuuuwyzzzs";

/// Words too common in questions to tell one from another.
pub const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how", "i", "if", "in",
    "into", "is", "it", "its", "of", "on", "or", "should", "that", "the", "their", "this", "to", "was", "what", "when",
    "which", "who", "why", "will", "with",
];

/// Longer runs are identifiers or URLs, not words anyone types.
pub const MAX_TERM_CHARS: usize = 40;

/// Lower-cases, drops combining marks and folds accented Latin letters to ASCII.
pub fn fold(text: &str) -> String {
    // Almost all medical text is ASCII: lower-casing it in place skips the per-character
    // search of the folding table, which dominated build profiles.
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.to_lowercase().chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        match c {
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'þ' => out.push_str("th"),
            'ĳ' => out.push_str("ij"),
            _ => match FOLD_FROM.chars().position(|f| f == c) {
                Some(i) => out.push(FOLD_TO.as_bytes()[i] as char),
                None => out.push(c),
            },
        }
    }
    out
}

/// The search terms of `text`, in order, repeats included: runs of letters and digits
/// after folding, without stopwords, single letters or overlong runs.
pub fn terms(text: &str) -> impl Iterator<Item = String> {
    let folded = fold(text);
    folded_terms(&folded)
        .map(str::to_string)
        .collect::<Vec<_>>()
        .into_iter()
}

/// `terms` of a text already `fold`ed, borrowed from it: indexing a site meets millions of
/// words and only needs a copy of each distinct one.
pub fn folded_terms(folded: &str) -> impl Iterator<Item = &str> {
    words(folded).filter(|t| keep(t))
}

/// The runs of letters and digits of a folded text, empty runs included: the one place
/// that says what a word is (`theme/search.js` splits the reader's query the same way).
fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(|c: char| !c.is_alphanumeric())
}

/// The distinct search terms of `text`, in order of first occurrence, joined by spaces.
/// An article keeps this instead of its body's plain text: the index needs each word of
/// the body once, not the body (a tenth of the memory on a large site).
pub fn distinct_terms(text: &str) -> String {
    let folded = fold(text);
    // About one distinct word per 16 bytes of prose: sized once, not grown step by step.
    let mut seen: crate::fast_hash::FastSet<&str> =
        crate::fast_hash::FastSet::with_capacity_and_hasher(folded.len() / 16, Default::default());
    let mut out = String::new();
    for term in first_occurrences(&folded, &mut seen) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(term);
    }
    // Held from parsing until the search index is built: copied to its exact size, since
    // a string grown by doubling holds up to twice its length.
    out.as_str().to_owned()
}

/// `folded_terms` of `folded` that are not in `seen` yet, each once, adding them to it.
/// Every distinct word is judged (stopword, length) only once, however often it repeats.
pub fn first_occurrences<'t, 's>(
    folded: &'t str,
    seen: &'s mut crate::fast_hash::FastSet<&'t str>,
) -> impl Iterator<Item = &'t str> + use<'t, 's> {
    words(folded).filter(move |word| !word.is_empty() && seen.insert(word) && keep(word))
}

pub fn keep(term: &str) -> bool {
    let chars = term.chars().count();
    if chars == 0 || chars > MAX_TERM_CHARS {
        return false;
    }
    if chars == 1 && !term.chars().all(|c| c.is_numeric()) {
        return false;
    }
    !STOPWORDS.contains(&term)
}

/// Every run of letters and digits of a folded text, stopwords and single letters kept:
/// cue phrases such as "who is at risk" are made of the words `terms` drops.
pub fn raw_words(folded: &str) -> Vec<String> {
    words(folded)
        .filter(|w| !w.is_empty() && w.chars().count() <= MAX_TERM_CHARS)
        .map(str::to_string)
        .collect()
}

/// A word with a plural ending taken off ("veins" → "vein", "arteries" → "artery"), so that
/// cue and synonym phrases match either number. Deliberately crude and exactly repeated in
/// `search.js`: the stemmer decides what the index holds, this only how phrases are keyed.
pub fn singular(word: &str) -> String {
    let chars = word.chars().count();
    if chars <= 3 {
        return word.to_string();
    }
    if let Some(stem) = word.strip_suffix("ies")
        && chars > 4
    {
        return format!("{stem}y");
    }
    if word.ends_with("ss") || word.ends_with("us") || word.ends_with("is") {
        return word.to_string();
    }
    word.strip_suffix('s').unwrap_or(word).to_string()
}

/// The Snowball English stemmer (Porter 2), the algorithm search engines use for English.
pub struct Stemmer(rust_stemmers::Stemmer);

impl Stemmer {
    pub fn english() -> Stemmer {
        Stemmer(rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English))
    }

    pub fn stem(&self, term: &str) -> String {
        self.0.stem(term).into_owned()
    }
}

/// At most `max` characters of `text`, cut at a word boundary where there is one, with
/// " …" when something was cut.
pub fn clip(text: &str, max: usize) -> String {
    let Some((cut, _)) = text.char_indices().nth(max) else {
        return text.to_string();
    };
    let head = &text[..cut];
    let head = head.rfind(char::is_whitespace).map_or(head, |space| &head[..space]);
    format!("{} …", head.trim_end())
}

/// The vocabulary shard a term belongs to: its first character when that is an ASCII
/// letter or digit, `_` for everything else (file names stay ASCII).
pub fn shard_key(term: &str) -> char {
    match term.chars().next() {
        Some(c) if c.is_ascii_alphanumeric() => c,
        _ => '_',
    }
}

/// How many typing slips a query term may carry: none below five characters (short words
/// have too many neighbours), one up to seven, two from eight — drug names are long.
pub fn allowed_typos(term: &str) -> usize {
    match term.chars().count() {
        0..=4 => 0,
        5..=7 => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_and_fold_table_agree_in_length() {
        assert_eq!(FOLD_FROM.chars().count(), FOLD_TO.len());
        assert_eq!(fold("Sjögren’s Ménière ŁÓDŹ Straße"), "sjogren’s meniere lodz strasse");
        assert_eq!(fold("e\u{301}"), "e");
    }

    #[test]
    fn distinct_terms_are_the_terms_once_each_in_first_order() {
        let text = "Warfarin and the INR: warfarin dosing, Sjögren's; the INR again. A 5 mg dose.";
        let mut once: Vec<String> = Vec::new();
        for term in terms(text) {
            if !once.contains(&term) {
                once.push(term);
            }
        }
        assert_eq!(distinct_terms(text), once.join(" "));
        assert_eq!(distinct_terms(text), "warfarin inr dosing sjogren again 5 mg dose");
        // Indexing the kept terms again finds the same terms.
        assert_eq!(distinct_terms(&distinct_terms(text)), distinct_terms(text));
    }

    #[test]
    fn terms_split_on_punctuation_and_drop_stopwords() {
        let found: Vec<String> = terms("What comes after six cycles of Lu-177 PSMA-617?").collect();
        assert_eq!(found, ["comes", "after", "six", "cycles", "lu", "177", "psma", "617"]);
        let found: Vec<String> = terms("a 5 mg dose of x").collect();
        assert_eq!(found, ["5", "mg", "dose"]);
    }

    #[test]
    fn singular_takes_off_plural_endings_only() {
        assert_eq!(singular("veins"), "vein");
        assert_eq!(singular("arteries"), "artery");
        assert_eq!(singular("signs"), "sign");
        for kept in ["diagnosis", "virus", "illness", "gas", "mi"] {
            assert_eq!(singular(kept), kept);
        }
    }

    #[test]
    fn raw_words_keep_stopwords_and_single_letters() {
        assert_eq!(
            raw_words(&fold("Who is at risk for type 1 diabetes?")),
            ["who", "is", "at", "risk", "for", "type", "1", "diabetes"]
        );
    }

    #[test]
    fn stems_join_inflections() {
        let stemmer = Stemmer::english();
        assert_eq!(stemmer.stem("managed"), stemmer.stem("management"));
        assert_eq!(stemmer.stem("treated"), stemmer.stem("treating"));
        assert_eq!(stemmer.stem("arteries"), stemmer.stem("artery"));
    }

    #[test]
    fn clip_cuts_at_a_word() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("one two three", 9), "one two …");
        assert_eq!(clip("ééé ééé", 5), "ééé …");
    }

    #[test]
    fn short_words_allow_no_typos() {
        assert_eq!(allowed_typos("ace"), 0);
        assert_eq!(allowed_typos("renal"), 1);
        assert_eq!(allowed_typos("apixaban"), 2);
    }

    #[test]
    fn non_ascii_terms_share_one_shard() {
        assert_eq!(shard_key("metformin"), 'm');
        assert_eq!(shard_key("177"), '1');
        assert_eq!(shard_key("ωμέγα"), '_');
    }
}
