//! Slugs: an article's identity in URLs and folder names, and the rule every stage that
//! names an article (parse, check, the people registry, imports) applies the same way.

/// The longest slug: a slug is one folder name of the output.
pub const MAX_SLUG_LEN: usize = MAX_FOLDER_NAME_BYTES;

/// The longest name of one folder, which file systems cap at 255 bytes
/// (`write::MAX_COMPONENT_BYTES`, held equal by a test).
pub const MAX_FOLDER_NAME_BYTES: usize = 255;

/// `[a-z0-9]+(-[a-z0-9]+)*`, at most `MAX_SLUG_LEN` long: what slugs and topic names may
/// be, so URLs stay clean and every one is a folder name the file system takes.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= MAX_SLUG_LEN
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// What to tell an editor whose `slug` (or, when not `explicit`, file name) is not a valid
/// slug: the message and the hint. `None` for a valid one.
pub fn slug_problem(slug: &str, explicit: bool) -> Option<(String, String)> {
    if is_valid_slug(slug) {
        return None;
    }
    let suggestion = suggest_slug(slug);
    let too_long = suggestion.len() > MAX_SLUG_LEN || slug.len() > MAX_SLUG_LEN;
    let shown: String = if slug.chars().count() > 60 {
        format!("{}…", slug.chars().take(60).collect::<String>())
    } else {
        slug.to_string()
    };
    Some(match (explicit, too_long) {
        (_, true) => (
            format!(
                "the slug `{shown}` is {} characters long; a slug may have at most {MAX_SLUG_LEN}",
                slug.chars().count()
            ),
            "shorten it: a slug names the page's folder, and a few words are enough".to_string(),
        ),
        (true, false) if suggestion.is_empty() => (
            format!("`{shown}` is not a valid slug"),
            "use lowercase letters, digits and single hyphens, e.g. `editorial-policy`".to_string(),
        ),
        (true, false) => (
            format!("`{shown}` is not a valid slug"),
            format!("use lowercase letters, digits and single hyphens, e.g. `{suggestion}`"),
        ),
        (false, false) => (
            format!("the file name `{shown}` is not a valid slug"),
            format!("rename the file to `{suggestion}.md` or add `slug: {suggestion}`"),
        ),
    })
}

/// A suggestion for a slug that breaks the rules: lowercase words joined by single hyphens.
pub fn suggest_slug(text: &str) -> String {
    let mut slug = String::new();
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.push(c);
        } else {
            dash = true;
        }
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slug_fits_in_one_folder_name() {
        assert_eq!(MAX_FOLDER_NAME_BYTES, crate::write::MAX_COMPONENT_BYTES);
    }
}
