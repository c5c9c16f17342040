//! Each page's key: a SHA-256 of all its template is given — the templates' sources, the
//! site-wide context every page shares, the template's name, where the page goes, and each
//! value of its own context as JSON. A page is a pure function of these (Tera's functions
//! and filters read nothing else), so a page whose key is the one an earlier build recorded
//! has that build's bytes, and the build takes the earlier file over instead of rendering
//! it (`write::Sink::take_over`). The key is made from the very values handed to Tera, not
//! from a list of what a page is thought to depend on: nothing can be left out of it by
//! mistake. Debug builds, so every test, render each page they take over all the same and
//! stop if the bytes differ.
//!
//! Serialising a view costs about what rendering it does, so the pages there are one of
//! per article (its own page, its history) are keyed by their inputs instead (`Keys::inputs`):
//! the names of the parses of the articles the view reads (`Article::inputs`: a digest of
//! each one's text and all its parse read), what the site adds between them (a related
//! entry's score, and what its reason reads of the two articles' profiles in the graph,
//! `Graph::reason_inputs`, so that no reason is made for a page taken over), and
//! everything site-wide — the templates, the site view, and
//! the configuration, the people registry and what the build adds, in their `Debug` form,
//! which names every field. Such a key names no value handed to Tera, so a new input of a
//! view must enter its key by hand: debug builds render every page taken over by either key
//! and stop if it differs, and `tests/cache.rs` edits each kind of input, neighbours'
//! included, and compares whole trees.

use crate::write::PageKey;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Write;

/// A value a page's template is given, by name.
pub trait Part {
    fn insert_into(&self, name: &'static str, ctx: &mut tera::Context);
    fn digest_into(&self, digest: &mut Sha256);
}

thread_local! {
    /// Set while a part is serialised into a page's template context (`into_tera`).
    static INTO_TERA: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether what is serialised now goes into a page's template context (`Part::insert_into`)
/// and nowhere else: a view may then give Tera a value it made once (`tera::Value`s share
/// their parts) instead of its fields, which it must give any other serializer.
pub fn into_tera() -> bool {
    INTO_TERA.get()
}

impl<T: Serialize> Part for T {
    fn insert_into(&self, name: &'static str, ctx: &mut tera::Context) {
        let outer = INTO_TERA.replace(true);
        ctx.insert(name, self);
        INTO_TERA.set(outer);
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
    /// What every key by inputs starts from.
    inputs: Sha256,
}

impl Keys {
    /// Keys for pages of these templates (`Templates::digest`) sharing the global context
    /// `global` (its one value, by name). `site` is the rest of what the views keyed by
    /// their inputs read site-wide (`site_inputs`).
    pub fn new(templates: &[u8; 32], global: (&str, &dyn Part), site: &str) -> Keys {
        let mut shared = Sha256::new();
        shared.update(templates);
        name_into(&mut shared, global.0);
        global.1.digest_into(&mut shared);
        let mut inputs = shared.clone();
        // Each kind of key is tagged: no key by inputs can equal a key by values.
        inputs.update(b"\0evident page key by inputs 1\0");
        name_into(&mut inputs, site);
        shared.update(b"\0evident page key 1\0");
        Keys { shared, inputs }
    }

    /// The start of the key of the page `output` rendered by `template`, from its inputs:
    /// everything site-wide is in it; the page's own inputs are added to it.
    pub fn inputs(&self, template: &str, output: &str) -> InputKey {
        let mut digest = self.inputs.clone();
        name_into(&mut digest, template);
        name_into(&mut digest, output);
        InputKey(digest)
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

/// What views keyed by their inputs read site-wide beside the templates and the site view:
/// the configuration and the people registry, in their `Debug` form (every field, in
/// declaration and id order), and what the build adds to every page (`extras`).
pub fn site_inputs(config: &crate::config::SiteConfig, people: &crate::people::Registry, extras: &str) -> String {
    format!("{config:?}\n{people:?}\n{extras}")
}

/// A page's key by inputs, as it is made (`Keys::inputs`).
pub struct InputKey(Sha256);

impl InputKey {
    /// Adds one input, by name.
    pub fn bytes(&mut self, name: &str, bytes: &[u8]) {
        name_into(&mut self.0, name);
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    /// Adds a value the page is given as it is.
    pub fn part(&mut self, name: &'static str, part: &dyn Part) {
        name_into(&mut self.0, name);
        part.digest_into(&mut self.0);
    }

    pub fn finish(self) -> PageKey {
        self.0.finalize().into()
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
        let keys = Keys::new(&[0; 32], ("site", &"Heart KB"), "");
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
            Keys::new(&[1; 32], ("site", &"Heart KB"), "").key(
                "article.html",
                "a/index.html",
                &[("article", &view("Q?", vec!["b"]))],
            ),
            Keys::new(&[0; 32], ("site", &"Lung KB"), "").key(
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

    #[test]
    fn a_key_by_inputs_changes_with_every_input_and_with_the_site() {
        let by = |site: &str, inputs: &[(&str, &[u8])], output: &str| {
            let mut key = Keys::new(&[0; 32], ("site", &"Heart KB"), site).inputs("article.html", output);
            for (name, bytes) in inputs {
                key.bytes(name, bytes);
            }
            key.finish()
        };
        let base = by("config A", &[("article", b"a"), ("related", b"b")], "a/index.html");
        assert_eq!(
            base,
            by("config A", &[("article", b"a"), ("related", b"b")], "a/index.html")
        );
        let others = [
            by("config B", &[("article", b"a"), ("related", b"b")], "a/index.html"),
            by("config A", &[("article", b"a"), ("related", b"c")], "a/index.html"),
            by("config A", &[("article", b"a")], "a/index.html"),
            by("config A", &[("article", b"a"), ("backlink", b"b")], "a/index.html"),
            by("config A", &[("article", b"ab")], "a/index.html"),
            by("config A", &[("article", b"a"), ("related", b"b")], "b/index.html"),
        ];
        for (n, other) in others.iter().enumerate() {
            assert_ne!(&base, other, "change {n}");
        }
        // Never a key by values, whatever the values.
        let keys = Keys::new(&[0; 32], ("site", &"Heart KB"), "config A");
        assert_ne!(keys.inputs("t", "o").finish(), keys.key("t", "o", &[]));
    }
}
