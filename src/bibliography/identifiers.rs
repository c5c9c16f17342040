//! Syntax and checksums of the identifiers a reference carries. Each check returns what is
//! wrong in words an editor can act on, or `None` when the identifier is well-formed.

/// DOI: Crossref's recommended pattern `^10.\d{4,9}/[-._;()/:A-Z0-9]+$` (case-insensitive),
/// which matches nearly every DOI ever registered, plus its second pattern for Wiley's older
/// `10.1002/…` DOIs with other characters.
pub fn doi_problem(doi: &str) -> Option<String> {
    if let Some(prefix) = doi_prefix(doi) {
        return Some(format!("write the bare DOI without `{prefix}`"));
    }
    let Some(rest) = doi.strip_prefix("10.") else {
        return Some("a DOI starts with `10.` followed by the registrant code, e.g. `10.1056/NEJMoa2107322`".into());
    };
    let Some((registrant, suffix)) = rest.split_once('/') else {
        return Some("a DOI has a `/` between the registrant code and the suffix".into());
    };
    if !(4..=9).contains(&registrant.len()) || !registrant.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!(
            "`10.{registrant}` is not a DOI registrant code (4 to 9 digits)"
        ));
    }
    if suffix.is_empty() {
        return Some("the DOI has nothing after the `/`".into());
    }
    if registrant == "1002" && !suffix.contains(char::is_whitespace) {
        return None;
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-._;()/:".contains(c);
    suffix
        .chars()
        .find(|c| !allowed(*c))
        .map(|c| format!("`{c}` is not allowed in a DOI suffix by Crossref's pattern"))
}

/// PubMed identifiers are 1 to 8 digits without a leading zero.
pub fn pmid_problem(pmid: &str) -> Option<String> {
    if pmid.is_empty() || pmid.len() > 8 || !pmid.bytes().all(|b| b.is_ascii_digit()) {
        return Some("a PMID is 1 to 8 digits, e.g. `34161051`".into());
    }
    if pmid.starts_with('0') {
        return Some("a PMID does not start with 0".into());
    }
    None
}

/// PubMed Central identifiers are `PMC` followed by digits.
pub fn pmcid_problem(pmcid: &str) -> Option<String> {
    match pmcid.strip_prefix("PMC") {
        Some(digits) if !digits.is_empty() && digits.len() <= 10 && digits.bytes().all(|b| b.is_ascii_digit()) => None,
        _ => Some("a PMCID is `PMC` followed by digits, e.g. `PMC8446797`".into()),
    }
}

/// ISBN-10 or ISBN-13, hyphens and spaces allowed, with its check digit.
pub fn isbn_problem(isbn: &str) -> Option<String> {
    let chars: Vec<char> = isbn.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    match chars.len() {
        10 => {
            let mut sum = 0u32;
            for (index, c) in chars.iter().enumerate() {
                let value = match c {
                    '0'..='9' => *c as u32 - '0' as u32,
                    'X' | 'x' if index == 9 => 10,
                    _ => return Some(format!("`{c}` cannot appear in an ISBN-10")),
                };
                sum += value * (10 - index as u32);
            }
            (sum % 11 != 0).then(|| "the ISBN-10 check digit does not match: a digit is probably mistyped".into())
        }
        13 => {
            let mut sum = 0u32;
            for (index, c) in chars.iter().enumerate() {
                let Some(value) = c.to_digit(10) else {
                    return Some(format!("`{c}` cannot appear in an ISBN-13"));
                };
                sum += value * if index % 2 == 0 { 1 } else { 3 };
            }
            if !chars.starts_with(&['9', '7', '8']) && !chars.starts_with(&['9', '7', '9']) {
                return Some("an ISBN-13 starts with 978 or 979".into());
            }
            (sum % 10 != 0).then(|| "the ISBN-13 check digit does not match: a digit is probably mistyped".into())
        }
        n => Some(format!("an ISBN has 10 or 13 digits, this one has {n}")),
    }
}

/// ISSN `NNNN-NNNC`, with its check digit (which may be `X`).
pub fn issn_problem(issn: &str) -> Option<String> {
    let chars: Vec<char> = issn.chars().filter(|c| *c != '-').collect();
    if chars.len() != 8 || issn.len() > 9 {
        return Some("an ISSN is eight characters, e.g. `0028-4793`".into());
    }
    let mut sum = 0u32;
    for (index, c) in chars.iter().enumerate() {
        let value = match c {
            '0'..='9' => *c as u32 - '0' as u32,
            'X' | 'x' if index == 7 => 10,
            _ => return Some(format!("`{c}` cannot appear in an ISSN")),
        };
        sum += value * (8 - index as u32).max(1);
    }
    (sum % 11 != 0).then(|| "the ISSN check digit does not match: a digit is probably mistyped".into())
}

/// An absolute http(s) address with a host and no spaces.
pub fn url_problem(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    let Some(rest) = rest else {
        return Some("a URL starts with `https://` or `http://`".into());
    };
    if url.contains(char::is_whitespace) {
        return Some("a URL cannot contain spaces; encode them as `%20`".into());
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    let name = host.split(':').next().unwrap_or(host);
    if name.is_empty() || !(name.contains('.') || name == "localhost") {
        return Some(format!("`{host}` is not a host name"));
    }
    None
}

/// What people put before a DOI: resolver links and the `doi:` scheme. The identifier
/// check refuses them and `normalize_doi` strips them, from this one list, so that a DOI
/// the check names is the DOI duplicates and retractions are matched on.
const DOI_PREFIXES: &[&str] = &[
    "https://doi.org/",
    "http://doi.org/",
    "https://dx.doi.org/",
    "http://dx.doi.org/",
    "doi:",
];

/// The resolver prefix `doi` starts with, as written (any case).
fn doi_prefix(doi: &str) -> Option<&str> {
    let doi = doi.trim_start();
    DOI_PREFIXES.iter().find_map(|prefix| {
        let head = doi.get(..prefix.len())?;
        head.eq_ignore_ascii_case(prefix).then_some(head)
    })
}

/// A DOI as compared for duplicates, retractions and the related-question graph: without
/// a resolver prefix, and lowercased in ASCII only, since DOI names are case-insensitive
/// for ASCII characters only (the DOI Handbook, 2.4) and Unicode lowercasing would make
/// two distinct names equal.
pub fn normalize_doi(doi: &str) -> String {
    bare_doi(doi).to_ascii_lowercase()
}

/// The DOI without surrounding space or a resolver prefix, its case kept (for links).
pub fn bare_doi(doi: &str) -> &str {
    let doi = doi.trim();
    doi_prefix(doi).map_or(doi, |prefix| doi[prefix.len()..].trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dois_follow_crossrefs_pattern() {
        for good in [
            "10.1056/NEJMoa2107322",
            "10.2967/jnumed.122.264293",
            "10.1016/S0140-6736(13)62343-0",
            "10.1002/(SICI)1097-4636(199812)43:4<378::AID-JBM5>3.0.CO;2-6",
        ] {
            assert_eq!(doi_problem(good), None, "{good}");
        }
        for bad in [
            "https://doi.org/10.1056/x",
            "10.1056",
            "10.12/abc",
            "11.1056/abc",
            "10.1056/",
            "10.1056/a b",
            "10.1016/x<y>",
        ] {
            assert!(doi_problem(bad).is_some(), "{bad}");
        }
        assert_eq!(
            normalize_doi(" https://doi.org/10.1056/NEJMoa2107322"),
            "10.1056/nejmoa2107322"
        );
    }

    #[test]
    fn dois_are_compared_without_case_or_resolver_prefix() {
        // The union of the tests of the two copies this replaced.
        assert_eq!(
            normalize_doi(" https://doi.org/10.1056/NEJMoa2107322 "),
            "10.1056/nejmoa2107322"
        );
        assert_eq!(normalize_doi("doi:10.1/X"), "10.1/x");
        assert_eq!(normalize_doi("DOI: 10.1/X"), "10.1/x");
        assert_eq!(normalize_doi("http://dx.doi.org/10.1/X"), "10.1/x");
        assert_eq!(normalize_doi("HTTPS://DX.DOI.ORG/10.1/X"), "10.1/x");
        // ASCII only: `İ` lowercases to two characters in Unicode, `K` (Kelvin) to `k`.
        assert_eq!(normalize_doi("10.1000/İ\u{212A}"), "10.1000/İ\u{212A}");
    }

    #[test]
    fn every_prefix_the_check_refuses_is_one_normalizing_strips() {
        for prefix in DOI_PREFIXES {
            for written in [prefix.to_string(), prefix.to_ascii_uppercase()] {
                let doi = format!("{written}10.1056/NEJMoa2107322");
                assert!(doi_problem(&doi).is_some(), "{doi}");
                assert_eq!(normalize_doi(&doi), "10.1056/nejmoa2107322", "{doi}");
            }
        }
        assert_eq!(doi_problem("10.1056/NEJMoa2107322"), None);
    }

    #[test]
    fn pmids_and_pmcids() {
        assert_eq!(pmid_problem("34161051"), None);
        assert_eq!(pmid_problem("1"), None);
        for bad in ["", "034161051", "0123", "123456789", "PMID123", "12 34"] {
            assert!(pmid_problem(bad).is_some(), "{bad}");
        }
        assert_eq!(pmcid_problem("PMC8446797"), None);
        for bad in ["8446797", "pmc8446797", "PMC", "PMC12a"] {
            assert!(pmcid_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn isbn_and_issn_checksums() {
        for good in ["978-0-306-40615-7", "0-306-40615-2", "0 8044 2957 X", "9780071802154"] {
            assert_eq!(isbn_problem(good), None, "{good}");
        }
        for bad in [
            "978-0-306-40615-8",
            "0-306-40615-3",
            "12345",
            "977-0-306-40615-7",
            "X-306-40615-2",
        ] {
            assert!(isbn_problem(bad).is_some(), "{bad}");
        }
        for good in ["0028-4793", "0140-6736", "2049-3630", "0317-8471", "1050-124X"] {
            assert_eq!(issn_problem(good), None, "{good}");
        }
        for bad in ["0028-4794", "0028-479", "X028-4793", "00284-793x"] {
            assert!(issn_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn urls_are_absolute_http_addresses() {
        assert_eq!(url_problem("https://uroweb.org/guidelines/prostate-cancer"), None);
        assert_eq!(url_problem("http://localhost:8000/x"), None);
        for bad in [
            "uroweb.org/guidelines",
            "https://",
            "https://uroweb",
            "ftp://x.org/",
            "https://x.org/a b",
        ] {
            assert!(url_problem(bad).is_some(), "{bad}");
        }
    }
}
