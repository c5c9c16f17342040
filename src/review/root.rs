//! The trust root: the keys that may sign approvals, given from outside the repository
//! (`--trusted-keys FILE`, or `EVIDENT_TRUSTED_KEYS` set from a CI's protected settings).
//! The people registry lives with the content, so anyone who can write to `people/` can
//! register a key of their own under a reviewer's name; a key counts only when it is also
//! in this set, which such a writer cannot change.

use crate::diagnostic::{Code, Diagnostic, Position};
use ssh_key::public::KeyData;
use std::path::PathBuf;

/// The environment variable holding trusted keys themselves (not a path): CI secrets are
/// values, and a file written from one would sit in the work tree.
pub const ENV_VAR: &str = "EVIDENT_TRUSTED_KEYS";

/// Where the trusted keys come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    /// The value of `EVIDENT_TRUSTED_KEYS`.
    Environment(String),
}

/// The keys that may sign, as `authorized_keys` lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedKeys {
    keys: Vec<KeyData>,
}

impl TrustedKeys {
    pub fn contains(&self, key: &KeyData) -> bool {
        self.keys.contains(key)
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// Reads the trusted keys; every line that is not blank or a `#` comment must be one
/// public key (`ssh-ed25519 AAAA… comment`), and at least one is required: an empty root
/// would silently withdraw every approval.
pub fn load(source: &Source) -> Result<TrustedKeys, Vec<Diagnostic>> {
    let (name, text) = match source {
        Source::File(path) => {
            let name = path.display().to_string();
            match std::fs::read_to_string(path) {
                Ok(text) => (name, text),
                Err(error) => {
                    return Err(vec![
                        Diagnostic::new(
                            Code::ConfigInvalidValue,
                            &name,
                            Position::START,
                            format!("cannot read the trusted keys: {error}"),
                        )
                        .with_hint("pass a file of authorized_keys lines: --trusted-keys FILE"),
                    ]);
                }
            }
        }
        Source::Environment(value) => (ENV_VAR.to_string(), value.clone()),
    };
    parse(&name, &text)
}

fn parse(name: &str, text: &str) -> Result<TrustedKeys, Vec<Diagnostic>> {
    let mut keys = Vec::new();
    let mut problems = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let column = line[..line.len() - line.trim_start().len()].chars().count() + 1;
        let at = Position::new(
            u32::try_from(index + 1).unwrap_or(u32::MAX),
            u32::try_from(column).unwrap_or(u32::MAX),
        );
        match ssh_key::PublicKey::from_openssh(trimmed) {
            Ok(key) => keys.push(key.key_data().clone()),
            Err(error) => problems.push(
                Diagnostic::new(
                    Code::ConfigInvalidValue,
                    name,
                    at,
                    format!("not an SSH public key ({error})"),
                )
                .with_hint("write one public key a line, as in authorized_keys: `ssh-ed25519 AAAA… comment`"),
            ),
        }
    }
    if problems.is_empty() && keys.is_empty() {
        problems.push(
            Diagnostic::new(
                Code::ConfigInvalidValue,
                name,
                Position::START,
                "no trusted key is given",
            )
            .with_hint("list the public keys that may sign approvals, one a line as in authorized_keys"),
        );
    }
    if problems.is_empty() {
        Ok(TrustedKeys { keys })
    } else {
        Err(problems)
    }
}

/// `review/untrusted-registry` for a site that verifies signatures against its own registry
/// alone, without saying so (`review.trust_root: repository`); not before anyone has a key
/// registered, when nothing can be signed yet.
pub fn unpinned(config: &crate::config::SiteConfig, registry: &crate::people::Registry) -> Option<Diagnostic> {
    use crate::review::policy::{Signatures, TrustRoot};
    let signing = registry.people.iter().any(|person| !person.keys.is_empty());
    if !signing || config.review.signatures == Signatures::Off || config.review.trust_root == TrustRoot::Repository {
        return None;
    }
    Some(
        Diagnostic::new(
            Code::ReviewUntrustedRegistry,
            crate::config::CONFIG_FILE,
            config.review.at,
            "signatures are checked against the keys in people/ alone: anyone who can write to the repository can register a key under a reviewer's name and sign",
        )
        .with_hint(format!(
            "pin the keys that may sign outside the repository: --trusted-keys FILE (authorized_keys lines) or {ENV_VAR} set from your CI's protected settings; or say `review.trust_root: repository` if every writer is trusted"
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB7JPbnFzktnLheLRbsx7Xb2cc3qd0lI1oujuE4I7Sei demo";

    #[test]
    fn reads_keys_and_skips_comments() {
        let keys = parse("k", &format!("# CI secret\n\n  {KEY}\n")).unwrap();
        assert_eq!(keys.len(), 1);
    }

    #[test]
    fn names_the_line_and_column_of_a_bad_key_and_refuses_an_empty_root() {
        let problems = parse("k", &format!("{KEY}\n  ssh-ed25519 nonsense\n")).unwrap_err();
        assert_eq!((problems[0].line, problems[0].column), (2, 3));
        assert!(
            parse("k", "# nothing\n").unwrap_err()[0]
                .message
                .contains("no trusted key")
        );
    }
}
