//! The site around the articles — theme and templates — judged for what it could make a
//! page claim about review. Stylesheets can put words on a page that no HTML holds
//! (`content:`) and hide words that it does: the page guard (`render::banner`) cannot see
//! either, so the theme's stylesheets are read here. And since templates, theme and
//! settings shape every approved page, an editor signs them (`site-approval.yaml`): until
//! the signed fingerprint matches them again, `check` reports `review/site-changed`.

use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic, Position};
use crate::people::Registry;
use crate::text::hex;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where `evident sign-site` records who approved the site's templates, theme and settings.
pub const APPROVAL_FILE: &str = "site-approval.yaml";

/// Settings that change no page's text: what `check` reports and how severely.
const SETTINGS_NOT_RENDERED: [&str; 1] = ["checks"];

/// Selectors naming these reach Evident's banner and review tracker.
const BANNER_NAMES: [&str; 2] = ["review", "tracker"];

/// Every finding about the site's own stylesheets (`theme/**/*.css`).
pub fn check_theme(root: &Path) -> Vec<Diagnostic> {
    let dir = root.join("theme");
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name().into_iter().flatten() {
        let is_css = entry.path().extension().is_some_and(|e| e.eq_ignore_ascii_case("css"));
        if !entry.file_type().is_file() || !is_css {
            continue;
        }
        let Ok(bytes) = std::fs::read(entry.path()) else {
            // An unreadable theme file fails the build when it is copied, with its reason.
            continue;
        };
        let file = format!("theme/{}", crate::load::rel_path(&dir, entry.path()));
        findings.extend(check_stylesheet(&String::from_utf8_lossy(&bytes)).into_iter().map(|problem| {
            Diagnostic::new(Code::ReviewBannerStyle, &file, problem.at, problem.message).with_hint(
                "the review banner's words are in the page's HTML, where the build can check them: put words in the templates, and style the banner without hiding or replacing its text",
            )
        }));
    }
    findings
}

#[derive(Debug, PartialEq, Eq)]
pub struct StyleProblem {
    pub at: Position,
    pub message: String,
}

/// One rule of a stylesheet: its selector, its declarations, and where it starts.
struct Rule<'s> {
    selector: &'s str,
    declarations: &'s str,
    at: Position,
}

/// The problems of one stylesheet: generated text with words in it anywhere, and any way of
/// hiding text on a rule that names the banner.
pub fn check_stylesheet(css: &str) -> Vec<StyleProblem> {
    let css = strip_comments(css);
    let mut problems = Vec::new();
    for rule in rules(&css) {
        let selector = rule.selector.to_ascii_lowercase();
        let on_banner = BANNER_NAMES.iter().any(|name| selector.contains(name));
        for declaration in rule.declarations.split(';') {
            let Some((property, value)) = declaration.split_once(':') else {
                continue;
            };
            let property = property.trim().to_ascii_lowercase();
            let value = value.trim();
            if property == "content" && generates_words(value) {
                problems.push(StyleProblem {
                    at: rule.at,
                    message: format!(
                        "`{}` puts words on the page through `content: {value}`; words a stylesheet adds could say a page was reviewed, and no check could see them",
                        rule.selector.trim()
                    ),
                });
            } else if on_banner && hides_text(&property, value) {
                problems.push(StyleProblem {
                    at: rule.at,
                    message: format!(
                        "`{}` hides or moves the review banner's text (`{property}: {value}`): a reader could no longer see whether the page was reviewed",
                        rule.selector.trim()
                    ),
                });
            }
        }
    }
    problems
}

/// Comments replaced by spaces of the same extent, so that positions stay true.
fn strip_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.find("*/").map_or(after.len(), |e| e + 2);
        out.extend(after[..end].chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The innermost rules of a stylesheet (those inside `@media` included), in order.
fn rules(css: &str) -> Vec<Rule<'_>> {
    let mut found = Vec::new();
    let mut start = 0;
    let mut selector: Option<(usize, usize)> = None;
    for (i, c) in css.char_indices() {
        match c {
            '{' => {
                selector = Some((start, i));
                start = i + 1;
            }
            '}' => {
                if let Some((from, to)) = selector.take() {
                    let selector_text = &css[from..to];
                    let leading = selector_text.len() - selector_text.trim_start().len();
                    found.push(Rule {
                        selector: selector_text,
                        declarations: &css[start..i],
                        at: position_of(css, from + leading),
                    });
                }
                start = i + 1;
            }
            ';' if selector.is_none() => start = i + 1,
            _ => {}
        }
    }
    found
}

fn position_of(text: &str, offset: usize) -> Position {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Position::new(
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// Whether a `content` value's strings hold a letter, once CSS escapes are decoded:
/// icons and punctuation (`"✓"`, `" <"`) are not words.
fn generates_words(value: &str) -> bool {
    let mut chars = value.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (Some(_), '\\') => {
                let mut hex = String::new();
                while let Some(&h) = chars.peek() {
                    if h.is_ascii_hexdigit() && hex.len() < 6 {
                        hex.push(h);
                        chars.next();
                    } else {
                        break;
                    }
                }
                let decoded = if hex.is_empty() {
                    chars.next()
                } else {
                    u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                };
                if decoded.is_some_and(char::is_alphabetic) {
                    return true;
                }
            }
            (Some(_), c) if c.is_alphabetic() => return true,
            _ => {}
        }
    }
    false
}

/// Declarations that make text unreadable while leaving it in the HTML.
fn hides_text(property: &str, value: &str) -> bool {
    let value = value.to_ascii_lowercase();
    let value = value.trim_end_matches("!important").trim();
    let zero = value
        .trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '%')
        .parse::<f64>()
        .is_ok_and(|n| n == 0.0);
    match property {
        "display" => value == "none",
        "visibility" => value == "hidden" || value == "collapse",
        "opacity" | "font-size" | "max-height" | "height" | "line-height" => zero,
        "color" | "-webkit-text-fill-color" => value == "transparent",
        "text-indent" | "clip" | "clip-path" | "transform" | "content-visibility" => true,
        _ => false,
    }
}

/// What a site approval fingerprints: each template and theme file, and the settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteFingerprint {
    /// `sha256:` over every entry of `files`, in order.
    pub hash: String,
    /// Site-relative path → `sha256:` of its bytes (`evident.yaml`: of its rendered settings).
    pub files: BTreeMap<String, String>,
}

/// Fingerprints `templates/`, `theme/` and the settings of `evident.yaml` that can change
/// what a page says (all but `checks`; comments and layout are not settings).
pub fn fingerprint(root: &Path) -> Result<SiteFingerprint, String> {
    let mut files = BTreeMap::new();
    for folder in ["templates", "theme"] {
        let dir = root.join(folder);
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.map_err(|e| format!("cannot read {folder}/: {e}"))?;
            if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let name = crate::load::rel_path(&dir, entry.path());
            let rel = format!("{folder}/{name}");
            let bytes = std::fs::read(entry.path()).map_err(|e| format!("cannot read {rel}: {e}"))?;
            // A copy of a built-in file renders as the binary does without it: it is the
            // binary's, trusted as the binary is, not something of the site's own to sign.
            if is_built_in(folder, &name, &bytes) {
                continue;
            }
            files.insert(rel, digest(&bytes));
        }
    }
    files.insert("evident.yaml".to_string(), digest(settings_text(root)?.as_bytes()));
    let mut all = Sha256::new();
    for (path, hash) in &files {
        // Both parts are one line each (paths from the file system may not be): JSON
        // strings keep one entry from reading as two.
        let quote = |v: &str| serde_json::to_string(v).unwrap_or_default();
        all.update(format!("{} {}\n", quote(path), quote(hash)).as_bytes());
    }
    Ok(SiteFingerprint {
        hash: format!("sha256:{}", hex(&all.finalize())),
        files,
    })
}

/// Whether `bytes` are exactly the built-in template or theme file called `name`.
fn is_built_in(folder: &str, name: &str, bytes: &[u8]) -> bool {
    match folder {
        "templates" => crate::embedded::TEMPLATES
            .iter()
            .any(|(built_in, text)| *built_in == name && text.as_bytes() == bytes),
        "theme" => crate::embedded::THEME
            .iter()
            .any(|(built_in, data)| *built_in == name && *data == bytes),
        _ => false,
    }
}

fn digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(bytes)))
}

/// The rendering settings of `evident.yaml` as canonical JSON.
fn settings_text(root: &Path) -> Result<String, String> {
    let path = root.join("evident.yaml");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(String::new()),
        Err(error) => return Err(format!("cannot read evident.yaml: {error}")),
    };
    let value: serde_json::Value =
        serde_yaml::from_str(&text).map_err(|e| format!("evident.yaml does not parse: {e}"))?;
    let value = match value {
        serde_json::Value::Object(mut map) => {
            for key in SETTINGS_NOT_RENDERED {
                map.remove(key);
            }
            // Sorted keys: the same settings in another order are the same settings.
            serde_json::Value::Object(map.into_iter().collect::<BTreeMap<_, _>>().into_iter().collect())
        }
        other => other,
    };
    Ok(value.to_string())
}

/// What an editor signs for the site: its address, the fingerprint, who and when. Its
/// first line differs from an approval's, so that neither signature passes for the other.
pub fn statement(site: &str, hash: &str, reviewer: &str, date: Date) -> String {
    let quote = |v: &str| serde_json::to_string(v).unwrap_or_else(|_| "\"\"".into());
    format!(
        "evident-site v1\nsite: {}\nsite_hash: {}\nreviewer: {}\ndate: {}\n",
        quote(site),
        quote(hash),
        quote(reviewer),
        quote(&date.to_string())
    )
}

/// `site-approval.yaml`.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteApproval {
    pub site_hash: String,
    pub reviewer: String,
    pub date: String,
    pub signature: String,
    /// Each file's fingerprint when signed, so that `check` can name what changed since.
    pub files: BTreeMap<String, String>,
}

/// `evident sign-site`: signs the site's current templates, theme and settings as
/// `reviewer` with `key`, and writes `site-approval.yaml`.
pub fn sign_site(root: &Path, reviewer: &str, key: &Path, today: Date) -> Result<PathBuf, String> {
    let config = crate::config::load_config(root).map_err(|problems| {
        let first = problems
            .first()
            .map_or_else(String::new, |d| format!(": {}", d.message));
        format!("evident.yaml has problems{first}")
    })?;
    let (registry, _) = crate::people::load_people(root);
    let person = registry
        .get(reviewer)
        .ok_or_else(|| format!("`{reviewer}` is not in people/: {}", registry.hint_for(reviewer)))?;
    let public = crate::review::signature::public_key_of(key)?;
    let registered = person
        .keys
        .iter()
        .find(|k| k.key.key_data() == public.key_data())
        .ok_or_else(|| {
            format!(
                "{} is not a key registered for {reviewer} in {}",
                key.display(),
                person.file
            )
        })?;
    if let Some(why) = registered.invalid_on(today) {
        return Err(why);
    }
    let print = fingerprint(root)?;
    let text = statement(&config.base_url, &print.hash, reviewer, today);
    let signature = crate::review::signature::sign_text(key, &text)?;
    let approval = SiteApproval {
        site_hash: print.hash,
        reviewer: reviewer.to_string(),
        date: today.to_string(),
        signature,
        files: print.files,
    };
    let yaml = serde_yaml::to_string(&approval).map_err(|e| format!("cannot write the approval: {e}"))?;
    let text = format!(
        "# Written by `evident sign-site`: who approved the site's templates, theme and settings.\n# Sign again after changing them; do not edit by hand.\n{yaml}"
    );
    let path = root.join(APPROVAL_FILE);
    let temp = root.join(format!(".{APPROVAL_FILE}.tmp"));
    std::fs::write(&temp, text).map_err(|e| format!("cannot write {}: {e}", temp.display()))?;
    std::fs::rename(&temp, &path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// What `check` says about the site approval. Nothing on sites without signatures, or while
/// no page claims a review: then nothing a template changes is a reviewer's word.
pub fn check_site_approval(root: &Path, base_url: &str, registry: &Registry, any_reviewed: bool) -> Vec<Diagnostic> {
    if !any_reviewed {
        return Vec::new();
    }
    let finding = |file: &str, message: String| {
        vec![Diagnostic::new(Code::ReviewSiteChanged, file, Position::START, message).with_hint(
            "a reviewer checks the approved pages as the templates, theme and settings now render them, then runs `evident sign-site --reviewer ID --key PATH`",
        )]
    };
    let current = match fingerprint(root) {
        Ok(print) => print,
        Err(why) => {
            return finding(
                APPROVAL_FILE,
                format!("the site's templates, theme and settings cannot be fingerprinted: {why}"),
            );
        }
    };
    let text = match std::fs::read_to_string(root.join(APPROVAL_FILE)) {
        Ok(text) => text,
        // A site on the built-in templates and theme has only its settings to sign; that
        // is asked once it has templates or theme files of its own.
        Err(_) if !current.files.keys().any(|path| path != "evident.yaml") => return Vec::new(),
        Err(_) => {
            return finding(
                APPROVAL_FILE,
                "the site's templates, theme and settings shape every approved page, and no reviewer has signed them"
                    .to_string(),
            );
        }
    };
    let approval: SiteApproval = match serde_yaml::from_str(&text) {
        Ok(approval) => approval,
        Err(error) => return finding(APPROVAL_FILE, format!("{APPROVAL_FILE} cannot be read: {error}")),
    };
    let Some(date) = Date::parse_iso(&approval.date) else {
        return finding(APPROVAL_FILE, format!("{APPROVAL_FILE} has no valid date"));
    };
    let Some(person) = registry.get(&approval.reviewer) else {
        return finding(
            APPROVAL_FILE,
            format!(
                "{APPROVAL_FILE} is signed by `{}`, who is not in people/",
                approval.reviewer
            ),
        );
    };
    let signed = statement(base_url, &approval.site_hash, &approval.reviewer, date);
    if let Err(problem) =
        crate::review::signature::verify_text(Some(&approval.signature), &signed, date, person, registry)
    {
        let why = match problem {
            crate::review::signature::Problem::Unsigned => "it is not signed".to_string(),
            crate::review::signature::Problem::Bad(why) => why,
        };
        return finding(APPROVAL_FILE, format!("the site approval does not hold: {why}"));
    }
    if approval.site_hash == current.hash {
        return Vec::new();
    }
    // The recorded list is not signed; it only says where to look. The signed hash decides.
    let changed: Vec<&str> = current
        .files
        .iter()
        .filter(|(path, hash)| approval.files.get(*path) != Some(*hash))
        .map(|(path, _)| path.as_str())
        .chain(
            approval
                .files
                .keys()
                .filter(|path| !current.files.contains_key(*path))
                .map(String::as_str),
        )
        .collect();
    let first = changed.first().copied().unwrap_or(APPROVAL_FILE);
    let file = if root.join(first).is_file() {
        first
    } else {
        APPROVAL_FILE
    };
    finding(
        file,
        format!(
            "the templates, theme or settings changed since {} signed them on {}: {}; approved pages may now read differently from what was approved",
            approval.reviewer,
            approval.date,
            if changed.is_empty() {
                "the signed fingerprint differs".to_string()
            } else {
                changed.join(", ")
            }
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(css: &str) -> Vec<(u32, u32)> {
        check_stylesheet(css)
            .into_iter()
            .map(|p| (p.at.line, p.at.column))
            .collect()
    }

    #[test]
    fn copies_of_built_in_files_are_not_the_sites_own_to_sign() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        std::fs::write(
            root.join("evident.yaml"),
            "title: \"KB\"\nbase_url: \"https://kb.example.org/\"\n",
        )
        .unwrap();
        std::fs::create_dir_all(root.join("templates")).unwrap();
        let (name, built_in) = crate::embedded::TEMPLATES[0];
        let path = root.join("templates").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, built_in).unwrap();
        let copied = fingerprint(root).unwrap();
        assert_eq!(copied.files.keys().collect::<Vec<_>>(), ["evident.yaml"]);
        std::fs::write(&path, format!("{built_in}<!-- changed -->")).unwrap();
        let changed = fingerprint(root).unwrap();
        assert!(changed.files.contains_key(&format!("templates/{name}")));
        assert_ne!(changed.hash, copied.hash);
    }

    #[test]
    fn the_built_in_theme_passes() {
        for (name, bytes) in crate::embedded::THEME {
            if name.ends_with(".css") {
                assert_eq!(check_stylesheet(&String::from_utf8_lossy(bytes)), Vec::new(), "{name}");
            }
        }
    }

    #[test]
    fn three_rules_that_make_a_pending_banner_read_reviewed_are_refused() {
        let css = ".review-banner--pending { color: green; }\n\
                   .review-banner--pending .review-banner__title { font-size: 0 }\n\
                   .review-banner--pending .review-banner__title::after { content: \"Medically reviewed\"; font-size: 1rem }\n";
        assert_eq!(messages(css), vec![(2, 1), (3, 1)]);
    }

    #[test]
    fn words_in_generated_text_are_found_through_escapes_and_anywhere() {
        assert!(generates_words("\"\\4d edically\""));
        assert!(generates_words("'Reviewed'"));
        assert!(!generates_words("\"✓\" / \"\""));
        assert!(!generates_words("\" <\" attr(href) \">\""));
        assert_eq!(
            messages("@media print {\n  h1::before { content: \"ok\" }\n}"),
            vec![(2, 3)]
        );
    }

    #[test]
    fn hiding_text_counts_only_on_the_banner_and_comments_do_not() {
        assert_eq!(messages(".sidebar { display: none }"), Vec::<(u32, u32)>::new());
        assert_eq!(
            messages("/* .review { display: none } */ p { color: red }"),
            Vec::<(u32, u32)>::new()
        );
        assert_eq!(
            messages("a{}\n#review-banner-title { opacity: 0 !important }"),
            vec![(2, 1)]
        );
        assert_eq!(messages(".tracker { visibility: hidden }"), vec![(1, 1)]);
    }
}
