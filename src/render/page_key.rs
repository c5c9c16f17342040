//! Each page's key: a SHA-256 of all its template is given — the templates' sources, the
//! site-wide context every page shares, the template's name, where the page goes, and each
//! value of its own context as JSON. A page is a pure function of these (Tera's functions
//! and filters read nothing else), so a page whose key is the one an earlier build recorded
//! has that build's bytes, and the build takes the earlier file over instead of rendering
//! it (`write::Sink::take_over`). The key is made from the very values handed to Tera, not
//! from a list of what a page is thought to depend on: nothing can be left out of it by
//! mistake. Debug builds, so every test, render each page they take over all the same and
//! stop if the bytes differ.

use crate::write::PageKey;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Write;

/// A value a page's template is given, by name.
pub trait Part {
    fn insert_into(&self, name: &'static str, ctx: &mut tera::Context);
    fn digest_into(&self, digest: &mut Sha256);
}

impl<T: Serialize> Part for T {
    fn insert_into(&self, name: &'static str, ctx: &mut tera::Context) {
        ctx.insert(name, self);
    }

    fn digest_into(&self, digest: &mut Sha256) {
        let mut out = Digesting {
            digest,
            buffer: Vec::with_capacity(BUFFER),
        };
        // Serializing into a digest cannot fail but for a value serde cannot express, which
        // Tera could not be given either: the byte after it keeps the key distinct.
        let failed = serde_json::to_writer(&mut out, self).is_err();
        out.buffer.push(if failed { 1 } else { 0 });
        out.digest.update(&out.buffer);
    }
}

/// How much is gathered before the digest is updated: the serializer writes a quote or a
/// comma at a time, and each update of the digest costs far more than copying a byte.
const BUFFER: usize = 8 * 1024;

/// Feeds what is written to a SHA-256.
struct Digesting<'d> {
    digest: &'d mut Sha256,
    buffer: Vec<u8>,
}

impl Write for Digesting<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.buffer.len() + bytes.len() > BUFFER {
            self.digest.update(&self.buffer);
            self.buffer.clear();
            if bytes.len() > BUFFER {
                self.digest.update(bytes);
                return Ok(bytes.len());
            }
        }
        self.buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What every page's key starts from.
pub struct Keys {
    shared: Sha256,
}

impl Keys {
    /// Keys for pages of these templates (`Templates::digest`) sharing the global context
    /// `global` (its one value, by name).
    pub fn new(templates: &[u8; 32], global: (&str, &dyn Part)) -> Keys {
        let mut shared = Sha256::new();
        shared.update(b"evident page key 1\0");
        shared.update(templates);
        name_into(&mut shared, global.0);
        global.1.digest_into(&mut shared);
        Keys { shared }
    }

    /// The key of the page `output` rendered by `template` from `parts`.
    pub fn key(&self, template: &str, output: &str, parts: &[(&'static str, &dyn Part)]) -> PageKey {
        let mut digest = self.shared.clone();
        name_into(&mut digest, template);
        name_into(&mut digest, output);
        for (name, part) in parts {
            name_into(&mut digest, name);
            part.digest_into(&mut digest);
        }
        digest.finalize().into()
    }
}

/// A name, length first, so that no two sequences of names and values digest alike.
fn name_into(digest: &mut Sha256, name: &str) {
    digest.update((name.len() as u64).to_le_bytes());
    digest.update(name.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct View<'a> {
        question: &'a str,
        related: Vec<&'a str>,
    }

    #[test]
    fn a_key_changes_with_every_value_a_page_is_given() {
        let keys = Keys::new(&[0; 32], ("site", &"Heart KB"));
        let view = |question, related| View { question, related };
        let base = keys.key("article.html", "a/index.html", &[("article", &view("Q?", vec!["b"]))]);
        assert_eq!(
            base,
            keys.key("article.html", "a/index.html", &[("article", &view("Q?", vec!["b"]))])
        );
        let others = [
            keys.key("article.html", "a/index.html", &[("article", &view("Q!", vec!["b"]))]),
            keys.key("article.html", "a/index.html", &[("article", &view("Q?", vec!["c"]))]),
            keys.key("article.html", "a/index.html", &[("article", &view("Q?", vec![]))]),
            keys.key("page.html", "a/index.html", &[("article", &view("Q?", vec!["b"]))]),
            keys.key("article.html", "b/index.html", &[("article", &view("Q?", vec!["b"]))]),
            keys.key("article.html", "a/index.html", &[("page", &view("Q?", vec!["b"]))]),
            Keys::new(&[1; 32], ("site", &"Heart KB")).key(
                "article.html",
                "a/index.html",
                &[("article", &view("Q?", vec!["b"]))],
            ),
            Keys::new(&[0; 32], ("site", &"Lung KB")).key(
                "article.html",
                "a/index.html",
                &[("article", &view("Q?", vec!["b"]))],
            ),
        ];
        for (n, other) in others.iter().enumerate() {
            assert_ne!(&base, other, "change {n}");
        }
        // A value's boundary is part of the key: ("ab", "c") is not ("a", "bc").
        assert_ne!(
            keys.key("t", "o", &[("x", &"ab"), ("y", &"c")]),
            keys.key("t", "o", &[("x", &"a"), ("y", &"bc")])
        );
    }
}
