//! Signed approvals: the statement a reviewer signs, signing it with an SSH key, and
//! verifying a signature in-process (no external program, network or git) against the
//! people registry.

use crate::date::Date;
use crate::people::{Person, Registry};
use ssh_key::{HashAlg, LineEnding, PrivateKey, SshSig};
use std::path::Path;

/// The `sshsig` namespace: a signature made for anything else (a git commit, a file) never
/// passes as an approval.
pub const NAMESPACE: &str = "evident-approval";

const ARMOR_BEGIN: &str = "-----BEGIN SSH SIGNATURE-----";
const ARMOR_END: &str = "-----END SSH SIGNATURE-----";

/// What one reviewer's signature vouches for.
#[derive(Clone, Copy, Debug)]
pub struct Statement<'a> {
    /// The site's `base_url`: an approval copied to another site does not hold there.
    pub site: &'a str,
    pub slug: &'a str,
    pub approved_hash: &'a str,
    pub reviewer: &'a str,
    pub role: Option<&'a str>,
    pub date: Date,
}

impl Statement<'_> {
    /// The exact bytes signed: one `key: value` line each, values as JSON strings so that
    /// no value can spill into the next line or be read two ways.
    pub fn text(&self) -> String {
        let quote = |v: &str| serde_json::to_string(v).unwrap_or_else(|_| "\"\"".into());
        format!(
            "evident-approval v1\nsite: {}\nslug: {}\napproved_hash: {}\nreviewer: {}\nrole: {}\ndate: {}\n",
            quote(self.site),
            quote(self.slug),
            quote(self.approved_hash),
            quote(self.reviewer),
            self.role.map_or_else(|| "null".to_string(), quote),
            quote(&self.date.to_string()),
        )
    }
}

/// Why an approval's signature does not make it count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// No signature at all.
    Unsigned,
    /// A signature that fails, with what is wrong in words.
    Bad(String),
}

/// Checks `signature` (as stored: the armour's base64 on one line) by `person` over
/// `statement`, and names what is wrong when it does not hold.
pub fn verify(
    signature: Option<&str>,
    statement: &Statement<'_>,
    person: &Person,
    registry: &Registry,
) -> Result<(), Problem> {
    verify_text(signature, &statement.text(), statement.date, person, registry).map_err(|problem| match problem {
        Problem::Bad(why) if why == NOT_OVER_THIS => Problem::Bad(
            "the signature is not over this approval: the site, slug, approved text (`approved_hash`), reviewer, role or date differ from what was signed".into(),
        ),
        other => other,
    })
}

const NOT_OVER_THIS: &str = "the signature is not over this statement";

/// Checks `signature` by `person` over the statement `text`, made on `date` (the key must
/// be valid that day). Other statements than an approval (the site's, `review::site`)
/// begin with their own first line, so that none passes for another.
pub fn verify_text(
    signature: Option<&str>,
    text: &str,
    date: Date,
    person: &Person,
    registry: &Registry,
) -> Result<(), Problem> {
    let signature = signature.filter(|s| !s.trim().is_empty()).ok_or(Problem::Unsigned)?;
    let sig = decode(signature).map_err(Problem::Bad)?;
    if sig.namespace() != NAMESPACE {
        return Err(Problem::Bad(format!(
            "the signature was made for `{}`, not for an approval (namespace `{NAMESPACE}`)",
            sig.namespace()
        )));
    }
    let signer = sig.public_key();
    let Some(registered) = person.keys.iter().find(|k| k.key.key_data() == signer) else {
        let fingerprint = signer.fingerprint(HashAlg::Sha256);
        return Err(Problem::Bad(match registry.owner_of(signer) {
            Some((other, _)) => format!(
                "signed with a key of {} ({}), not of {}",
                other.id, other.file, person.id
            ),
            None => format!("signed with a key registered for no one ({fingerprint})"),
        }));
    };
    if registry
        .trusted
        .as_ref()
        .is_some_and(|trusted| !trusted.contains(signer))
    {
        return Err(Problem::Bad(format!(
            "signed with a key registered for {} in {}, but not among the trusted keys given outside the repository (--trusted-keys or {}); a key added to people/ alone signs nothing",
            person.id,
            person.file,
            super::root::ENV_VAR
        )));
    }
    if let Some(why) = registered.invalid_on(date) {
        return Err(Problem::Bad(why));
    }
    registered
        .key
        .verify(NAMESPACE, text.as_bytes(), &sig)
        .map_err(|_| Problem::Bad(NOT_OVER_THIS.into()))
}

/// The stored one-line form of a signature back into an `SshSig`.
pub fn decode(stored: &str) -> Result<SshSig, String> {
    let body: String = stored.chars().filter(|c| !c.is_whitespace()).collect();
    let mut pem = String::from(ARMOR_BEGIN);
    pem.push('\n');
    // `ssh-keygen` wraps at 70 columns; the PEM reader wants lines no longer than 76.
    for chunk in body.as_bytes().chunks(70) {
        pem.push_str(&String::from_utf8_lossy(chunk));
        pem.push('\n');
    }
    pem.push_str(ARMOR_END);
    pem.push('\n');
    SshSig::from_pem(pem.as_bytes()).map_err(|e| format!("the signature cannot be read as an SSH signature ({e})"))
}

/// An armoured signature (what `ssh-keygen -Y sign` writes) as the one line stored in the
/// review record.
pub fn encode_armored(armored: &str) -> Result<String, String> {
    let body: String = armored
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && *l != ARMOR_BEGIN && *l != ARMOR_END)
        .collect();
    decode(&body)?;
    Ok(body)
}

/// Signs `statement` with the key at `key`: an unencrypted OpenSSH private key is used
/// in-process; a public key (whose private half is in ssh-agent) or a passphrase-protected
/// key is handed to `ssh-keygen -Y sign`, which asks the agent or the passphrase. Returns
/// the stored one-line form.
pub fn sign(key: &Path, statement: &Statement<'_>) -> Result<String, String> {
    sign_text(key, &statement.text())
}

/// `sign` for any statement's exact text.
pub fn sign_text(key: &Path, statement: &str) -> Result<String, String> {
    let text = std::fs::read_to_string(key).map_err(|e| format!("cannot read the key {}: {e}", key.display()))?;
    if text.contains("PRIVATE KEY-----") {
        let private = PrivateKey::from_openssh(text.trim())
            .map_err(|e| format!("{} is not an OpenSSH private key ({e})", key.display()))?;
        if !private.is_encrypted() {
            let sig = private
                .sign(NAMESPACE, HashAlg::Sha512, statement.as_bytes())
                .map_err(|e| format!("cannot sign with {}: {e}", key.display()))?;
            let armored = sig
                .to_pem(LineEnding::LF)
                .map_err(|e| format!("cannot encode the signature: {e}"))?;
            return encode_armored(&armored);
        }
    }
    sign_with_ssh_keygen(key, statement)
}

fn sign_with_ssh_keygen(key: &Path, statement: &str) -> Result<String, String> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new("ssh-keygen")
        .args(["-q", "-Y", "sign", "-n", NAMESPACE, "-f"])
        .arg(key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!(
                "{} needs `ssh-keygen` to sign (its private half is in ssh-agent or protected by a passphrase), and it cannot be run: {e}",
                key.display()
            )
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(statement.as_bytes())
            .map_err(|e| format!("cannot pass the statement to ssh-keygen: {e}"))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|e| format!("ssh-keygen did not finish: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "ssh-keygen could not sign with {}: {}",
            key.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    encode_armored(&String::from_utf8_lossy(&output.stdout))
}

/// The public key a signing key file stands for: the `.pub` itself, or the public half of
/// a private key (read from the file, else from `PATH.pub` when the file is encrypted).
pub fn public_key_of(key: &Path) -> Result<ssh_key::PublicKey, String> {
    let text = std::fs::read_to_string(key).map_err(|e| format!("cannot read the key {}: {e}", key.display()))?;
    if let Ok(private) = PrivateKey::from_openssh(text.trim()) {
        return Ok(private.public_key().clone());
    }
    ssh_key::PublicKey::from_openssh(text.trim()).map_err(|e| {
        format!(
            "{} is neither an OpenSSH private key nor a public key ({e})",
            key.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(role: Option<&str>) -> Statement<'_> {
        Statement {
            site: "https://kb.example.org/",
            slug: "a-b",
            approved_hash: "sha256:00",
            reviewer: "jane-example",
            role,
            date: Date::new(2026, 1, 8).unwrap(),
        }
    }

    #[test]
    fn the_statement_is_fixed_and_unambiguous() {
        assert_eq!(
            statement(Some("Board")).text(),
            "evident-approval v1\nsite: \"https://kb.example.org/\"\nslug: \"a-b\"\napproved_hash: \"sha256:00\"\nreviewer: \"jane-example\"\nrole: \"Board\"\ndate: \"2026-01-08\"\n"
        );
        // A role with a line break cannot forge a following line.
        let sneaky = statement(Some("Board\ndate: \"2030-01-01\""));
        assert_eq!(sneaky.text().lines().count(), 7);
        assert!(statement(None).text().contains("role: null\n"));
    }

    #[test]
    fn rejects_text_that_is_not_a_signature() {
        assert!(decode("bm90IGEgc2lnbmF0dXJl").unwrap_err().contains("cannot be read"));
        assert!(encode_armored("hello").is_err());
    }
}
