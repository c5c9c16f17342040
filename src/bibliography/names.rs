//! Author names in the form the front matter uses and AMA prints: family name, then the
//! initials of the given names without stops ("de Bono J", "Van Gelder IC").

/// "Oliver" + "Sartor" → "Sartor O"; "Jean-Pierre" → "JP"; a name without given names is
/// kept as it is (a group author, "WHO").
pub fn vancouver(family: &str, given: &str) -> String {
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
pub fn from_inverted(name: &str) -> String {
    match name.split_once(',') {
        Some((family, given)) => vancouver(family, given),
        None => name.trim().to_string(),
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
}
