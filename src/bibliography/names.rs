//! Author names in the form the front matter uses and AMA prints: family name, then the
//! initials of the given names without stops ("de Bono J", "Van Gelder IC").

/// "Oliver" + "Sartor" → "Sartor O"; "Jean-Pierre" → "JP"; a name without given names is
/// kept as it is (a group author, "WHO"). A suffix written at the end of the given names
/// ("Fred R Jr") stays a word of its own: "Hellinger FR Jr", not "Hellinger FRJ".
pub fn vancouver(family: &str, given: &str) -> String {
    let given = given.trim();
    match given.rsplit_once([' ', ',']) {
        Some((rest, last)) if is_suffix(last) && !rest.trim().is_empty() => {
            with_suffix(family, rest.trim_end_matches([' ', ',']), last)
        }
        _ => with_suffix(family, given, ""),
    }
}

/// `vancouver` with a generational suffix kept after the initials, as AMA prints it:
/// "Smith J Jr", "Given CA 2nd".
pub fn with_suffix(family: &str, given: &str, suffix: &str) -> String {
    let mut name = initials_after(family, given);
    let suffix = suffix.trim().trim_end_matches('.');
    if !suffix.is_empty() && !name.is_empty() {
        name.push(' ');
        name.push_str(suffix);
    }
    name
}

/// Whether a word is a generational suffix (Jr, Sr, II–V, 2nd–4th), which must never be
/// read as a given name.
pub fn is_suffix(word: &str) -> bool {
    let word = word.trim().trim_end_matches('.');
    // Not "V": as a lone capital it is far more often an initial than "the fifth".
    ["jr", "sr", "ii", "iii", "iv", "2nd", "3rd", "4th"]
        .iter()
        .any(|s| word.eq_ignore_ascii_case(s))
}

fn initials_after(family: &str, given: &str) -> String {
    let family = family.trim();
    let initials: String = given
        .split(|c: char| c.is_whitespace() || c == '-' || c == '.')
        .filter_map(|part| part.chars().find(|c| c.is_alphabetic()))
        .flat_map(char::to_uppercase)
        .collect();
    match (family.is_empty(), initials.is_empty()) {
        (true, _) => given.trim().to_string(),
        (false, true) => family.to_string(),
        (false, false) => format!("{family} {initials}"),
    }
}

/// "Sartor, Oliver" (BibTeX, RIS, MEDLINE `FAU`) or an already short "Sartor O" → "Sartor O".
/// Three parts carry a suffix, in BibTeX's order ("Smith, Jr., John") or RIS's ("Smith,
/// John, Jr."): whichever part is a suffix is the suffix.
pub fn from_inverted(name: &str) -> String {
    let parts: Vec<&str> = name.splitn(3, ',').map(str::trim).collect();
    match parts.as_slice() {
        [family, middle, last] if is_suffix(middle) => with_suffix(family, last, middle),
        [family, first, last] if is_suffix(last) => with_suffix(family, first, last),
        [family, given, ..] => vancouver(family, given),
        _ => name.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviates_given_names_to_initials() {
        assert_eq!(vancouver("Sartor", "Oliver"), "Sartor O");
        assert_eq!(vancouver("Van Gelder", "Isabelle C."), "Van Gelder IC");
        assert_eq!(vancouver("de Bono", "Johann S"), "de Bono JS");
        assert_eq!(vancouver("Hofman", "Jean-Pierre"), "Hofman JP");
        assert_eq!(vancouver("World Health Organization", ""), "World Health Organization");
        assert_eq!(from_inverted("Sartor, Oliver A."), "Sartor OA");
        assert_eq!(from_inverted("Sartor O"), "Sartor O");
    }

    #[test]
    fn suffixes_stay_words_of_their_own() {
        assert_eq!(from_inverted("Smith, Jr., John"), "Smith J Jr");
        assert_eq!(from_inverted("Smith, John, Jr."), "Smith J Jr");
        assert_eq!(from_inverted("Hellinger, Fred R Jr"), "Hellinger FR Jr");
        assert_eq!(from_inverted("Given, Charles A, 2nd"), "Given CA 2nd");
        assert_eq!(with_suffix("Smith", "John A", "III"), "Smith JA III");
        // A lone initial V is a given name, not "the fifth".
        assert_eq!(vancouver("Kumar", "Anil V"), "Kumar AV");
        assert_eq!(vancouver("Jr", ""), "Jr");
    }
}
