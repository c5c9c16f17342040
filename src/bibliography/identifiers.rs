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
    // SICI-based DOIs (`…(1963)020<0130:DNF>2.0.CO;2`) were registered by many publishers
    // besides Wiley; the `<>[]` Crossref's pattern refuses are part of the SICI itself.
    if is_sici(suffix) {
        return suffix
            .chars()
            .find(|c| c.is_whitespace() || c.is_control())
            .map(|_| "a DOI cannot contain spaces".to_string());
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-._;()/:".contains(c);
    suffix
        .chars()
        .find(|c| !allowed(*c))
        .map(|c| format!("`{c}` is not allowed in a DOI suffix by Crossref's pattern"))
}

/// A suffix built on a Serial Item and Contribution Identifier: it ends in the SICI's
/// version and check part, `.CO;2` and an optional `-X` check character.
fn is_sici(suffix: &str) -> bool {
    let upper = suffix.to_ascii_uppercase();
    let Some(at) = upper.rfind(".CO;2") else {
        return false;
    };
    let tail = &upper[at + 5..];
    (tail.is_empty() || (tail.len() == 2 && tail.starts_with('-'))) && upper.contains('(') && upper.contains(')')
}

/// The DOI an import should write: resolver prefixes (`doi:`, `https://dx.doi.org/`)
/// removed through the same list the check uses.
pub fn imported_doi(doi: &str) -> String {
    bare_doi(doi).to_string()
}

/// The ISBN an import should write: without an `ISBN`/`ISBN-13:` label, and only the first
/// of several (exports list the print and e-book ISBNs in one field).
pub fn imported_isbn(isbn: &str) -> String {
    let mut text = isbn.trim();
    let upper = text.to_ascii_uppercase();
    for label in ["ISBN-13", "ISBN-10", "ISBN13", "ISBN10", "ISBN"] {
        if upper.starts_with(label) {
            text = text[label.len()..].trim_start_matches([':', ' ']);
            break;
        }
    }
    let first = text.split([';', ',']).next().unwrap_or(text).trim();
    // "978-0-07-… 978-1-26-…": two numbers joined by a space.
    let mut digits = 0;
    let mut end = first.len();
    for (index, c) in first.char_indices() {
        if c.is_ascii_digit() || c == 'X' || c == 'x' {
            digits += 1;
        } else if c == ' ' && (digits == 10 || digits == 13) {
            end = index;
            break;
        }
    }
    first[..end].trim().to_string()
}

/// The URL an import should write: the first of several joined ones, and a
/// protocol-relative (`//host/…`) or scheme-less (`www.host/…`) address made https.
pub fn imported_url(url: &str) -> String {
    let text = url.trim();
    // Later addresses start again with a scheme, after a space, `;` or nothing at all.
    let mut first = text.split([' ', ';', '\n', '\t']).next().unwrap_or(text);
    for scheme in ["https://", "http://"] {
        if let Some(at) = first.get(1..).and_then(|rest| rest.find(scheme)) {
            first = &first[..at + 1];
        }
    }
    if let Some(rest) = first.strip_prefix("//") {
        return format!("https://{rest}");
    }
    if first.get(..4).is_some_and(|w| w.eq_ignore_ascii_case("www.")) {
        return format!("https://{first}");
    }
    first.to_string()
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
    "dx.doi.org/",
    "doi.org/",
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
    fn sici_dois_outside_wiley_are_dois() {
        for good in [
            "10.1175/1520-0469(1963)020<0130:DNF>2.0.CO;2",
            "10.1641/0006-3568(2001)051[0933:TEOTWA]2.0.CO;2",
            "10.1043/0003-9985(2003)127<0e1:EOTPTI>2.0.CO;2-X",
        ] {
            assert_eq!(doi_problem(good), None, "{good}");
        }
        // Only a SICI may carry these characters.
        assert!(doi_problem("10.1016/x<y>").is_some());
        assert!(doi_problem("10.1175/1520-0469(1963)020<0130: DNF>2.0.CO;2").is_some());
    }

    #[test]
    fn imports_write_identifiers_the_check_accepts() {
        for (written, doi) in [
            ("doi:10.1056/NEJMoa2107322", "10.1056/NEJMoa2107322"),
            ("DOI: 10.1000/X", "10.1000/X"),
            ("http://dx.doi.org/10.1000/X", "10.1000/X"),
            ("dx.doi.org/10.1000/X", "10.1000/X"),
        ] {
            assert_eq!(imported_doi(written), doi);
            assert_eq!(doi_problem(&imported_doi(written)), None, "{written}");
        }
        for (written, isbn) in [
            ("ISBN 978-1-264-26850-4", "978-1-264-26850-4"),
            ("ISBN-13: 9781264268504", "9781264268504"),
            ("ISBN0071466339", "0071466339"),
            ("9781264268504 9781264268511", "9781264268504"),
            ("0-07-146633-9; 978-0-07-146633-2", "0-07-146633-9"),
        ] {
            assert_eq!(imported_isbn(written), isbn, "{written}");
        }
        for (written, url) in [
            ("//www.who.int/publications", "https://www.who.int/publications"),
            ("www.who.int/x", "https://www.who.int/x"),
            ("https://a.org/x https://b.org/y", "https://a.org/x"),
            ("https://a.org/xhttps://b.org/y", "https://a.org/x"),
            ("https://a.org/x;https://b.org/y", "https://a.org/x"),
        ] {
            assert_eq!(imported_url(written), url, "{written}");
            assert_eq!(url_problem(&imported_url(written)), None);
        }
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
