//! "Did you mean" suggestions for misspelt names.

use crate::text::edit_distance;

/// The closest candidate within a small edit distance, so that `reveiw` suggests
/// `review` but `colour` suggests nothing among unrelated field names.
pub fn did_you_mean<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let typed_lower = typed.to_lowercase();
    let limit = (typed.chars().count() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .filter_map(|candidate| {
            Some((
                edit_distance(&typed_lower, &candidate.to_lowercase(), limit)?,
                candidate,
            ))
        })
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_field() {
        let fields = ["question", "review", "references", "related", "updated"];
        assert_eq!(did_you_mean("reveiw", fields), Some("review"));
        assert_eq!(did_you_mean("refrences", fields), Some("references"));
        assert_eq!(did_you_mean("Question", fields), Some("question"));
        assert_eq!(did_you_mean("colour", fields), None);
    }
}
