//! `reference/title-case`: AMA 11 sets article titles in sentence case, and the CSL style
//! prints them as typed, so a title typed in title case would be printed so. Finds such
//! titles and suggests the sentence-case form, keeping what must stay capitalised.

/// Words title case leaves in lower case; they say nothing about how a title was typed.
const MINOR_WORDS: &[&str] = &[
    "a", "about", "after", "among", "an", "and", "as", "at", "before", "between", "but", "by", "during", "for", "from",
    "in", "into", "nor", "of", "off", "on", "or", "over", "per", "so", "than", "the", "to", "under", "up", "versus",
    "via", "vs", "with", "within", "without", "yet",
];

/// Capitalised words that are proper nouns in medical titles often enough to be kept.
const PROPER_NOUNS: &[&str] = &[
    "African", "America", "American", "Asian", "Bayesian", "British", "Canadian", "Chinese", "Cox", "English",
    "Europe", "European", "French", "German", "Gaussian", "Indian", "Japanese", "Kaplan", "Medicaid", "Medicare",
    "Meier", "Swedish",
];

/// A word of the title and how it is written.
#[derive(Debug)]
struct Word<'t> {
    text: &'t str,
    /// First of its sentence: the title's, or after `?`, `!` or `.`. After a colon AMA
    /// goes on in lower case (`therapy: a single-center experience`).
    starts_sentence: bool,
    /// First after a colon, where the article `A` is lowered too.
    after_colon: bool,
    /// In `*emphasis*` or `<i>`: a species or gene name, kept.
    emphasised: bool,
}

/// The sentence-case form of a title typed in title case, or `None` when the title does
/// not read as title case. Acronyms, gene and drug names (any capital after the first
/// letter, or a digit: PSMA, BRCA1, 177Lu, eGFR), emphasised words, possessive eponyms
/// (Hodgkin's) and common proper nouns keep their case.
pub fn sentence_case(title: &str) -> Option<String> {
    let words = words(title);
    let (mut capitalised, mut lower) = (0usize, 0usize);
    for word in words.iter().filter(|w| !w.starts_sentence && !w.emphasised) {
        match shape(word.text) {
            Shape::Capitalised if !is_kept(word.text) => capitalised += 1,
            Shape::Lower if !MINOR_WORDS.contains(&word.text) => lower += 1,
            _ => {}
        }
    }
    if capitalised < 2 || lower > 0 {
        return None;
    }
    let mut out = String::with_capacity(title.len());
    let mut at = 0;
    for word in &words {
        let start = word.text.as_ptr() as usize - title.as_ptr() as usize;
        out.push_str(&title[at..start]);
        let lower_it = !word.starts_sentence
            && !word.emphasised
            && (shape(word.text) == Shape::Capitalised && !is_kept(word.text) || word.after_colon && word.text == "A");
        if lower_it {
            out.extend(word.text.chars().take(1).flat_map(char::to_lowercase));
            out.push_str(&word.text[word.text.chars().next().map_or(0, char::len_utf8)..]);
        } else {
            out.push_str(word.text);
        }
        at = start + word.text.len();
    }
    out.push_str(&title[at..]);
    (out != title).then_some(out)
}

#[derive(Debug, PartialEq, Eq)]
enum Shape {
    /// `Metastatic`: a capital, then only lower-case letters.
    Capitalised,
    /// `metastatic`.
    Lower,
    /// `PSMA`, `BRCA1`, `177Lu`, `eGFR`, `McDonald`: written so on purpose.
    Other,
}

fn shape(word: &str) -> Shape {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return Shape::Other;
    };
    let rest_lower = chars.all(|c| c.is_lowercase() || c == '\'' || c == '\u{2019}');
    match (first.is_uppercase(), first.is_lowercase(), rest_lower) {
        (true, _, true) if word.chars().count() > 1 => Shape::Capitalised,
        (_, true, true) => Shape::Lower,
        _ => Shape::Other,
    }
}

fn is_kept(word: &str) -> bool {
    PROPER_NOUNS.contains(&word) || word.ends_with("'s") || word.ends_with("\u{2019}s")
}

/// The words of a title (letters, digits and apostrophes; a hyphen separates), with
/// markup tags skipped.
fn words(title: &str) -> Vec<Word<'_>> {
    let mut words = Vec::new();
    let mut starts_sentence = true;
    let mut after_colon = false;
    let mut emphasised = false;
    let mut start: Option<usize> = None;
    let mut chars = title.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let in_word = c.is_alphanumeric() || (matches!(c, '\'' | '\u{2019}') && start.is_some());
        if in_word {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            words.push(Word {
                text: &title[s..i],
                starts_sentence,
                after_colon,
                emphasised,
            });
            starts_sentence = false;
            after_colon = false;
        }
        match c {
            // `.` ends a sentence only before a space: `2.5` and `e.g.` do not.
            '?' | '!' => starts_sentence = true,
            '.' if chars.peek().is_none_or(|(_, n)| n.is_whitespace()) => starts_sentence = true,
            ':' => after_colon = true,
            '*' => emphasised = !emphasised,
            '_' if chars.peek().is_none_or(|(_, n)| !n.is_alphanumeric()) || !emphasised => emphasised = !emphasised,
            '<' => {
                // Only the italic tags matter here; looking no further than them keeps a
                // title of many `<` linear.
                let rest = &title[i..];
                let tag = ["<i>", "<em>", "</i>", "</em>"]
                    .into_iter()
                    .find(|tag| rest.get(..tag.len()).is_some_and(|head| head.eq_ignore_ascii_case(tag)));
                if let Some(tag) = tag {
                    emphasised = !tag.starts_with("</");
                    while chars.peek().is_some_and(|(j, _)| *j < i + tag.len()) {
                        chars.next();
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push(Word {
            text: &title[s..],
            starts_sentence,
            after_colon,
            emphasised,
        });
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_case_gets_a_sentence_case_hint() {
        assert_eq!(
            sentence_case("Lutetium-177-PSMA-617 for Metastatic Castration-Resistant Prostate Cancer").as_deref(),
            Some("Lutetium-177-PSMA-617 for metastatic castration-resistant prostate cancer")
        );
        assert_eq!(
            sentence_case("Neurologic Symptoms After 177Lu-PSMA-617 Therapy: A Single-Center Experience").as_deref(),
            Some("Neurologic symptoms after 177Lu-PSMA-617 therapy: a single-center experience")
        );
    }

    #[test]
    fn acronyms_genes_species_and_proper_nouns_keep_their_case() {
        assert_eq!(
            sentence_case("Inherited BRCA1 Mutations and eGFR in European Women With Hodgkin's Lymphoma").as_deref(),
            Some("Inherited BRCA1 mutations and eGFR in European women with Hodgkin's lymphoma")
        );
        assert_eq!(
            sentence_case("Decolonization of *Staphylococcus aureus* Carriers in Intensive Care Units").as_deref(),
            Some("Decolonization of *Staphylococcus aureus* carriers in intensive care units")
        );
        assert_eq!(
            sentence_case("Outcomes of <i>Candida Auris</i> Infection in Intensive Care").as_deref(),
            Some("Outcomes of <i>Candida Auris</i> infection in intensive care")
        );
    }

    #[test]
    fn hostile_titles_are_read_in_linear_time_without_panics() {
        let title = "<".repeat(200_000) + "é Title Case Words Here";
        assert!(sentence_case(&title).is_some());
        assert_eq!(sentence_case("<é"), None);
    }

    #[test]
    fn sentence_case_titles_are_left_alone() {
        for title in [
            "Lutetium-177-PSMA-617 for metastatic castration-resistant prostate cancer",
            "Hydroxychloroquine or chloroquine with or without a macrolide for treatment of COVID-19: a multinational registry analysis",
            "PSMA PET in the USA",
            "Should every patient receive a PSMA PET scan?",
            "Cancer",
            "",
            "Results in Swedish and American patients",
        ] {
            assert_eq!(sentence_case(title), None, "{title}");
        }
    }
}
