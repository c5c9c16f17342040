//! TeX left in BibTeX titles after the `biblatex` crate resolved what it knows: font
//! commands (`\textit{…}`, `{\it …}`), math (`$\beta$`, `$\alpha_2$`) and the dotless-i
//! accent (`{\'\i}`), turned into the characters and the rich-text tags (`<i>`, `<b>`,
//! `<sup>`, `<sub>`) that titles carry everywhere else (`render::title_markup`).

use biblatex::{Chunk, Spanned};

/// The chunks of a title as text with rich-text tags. A lone `<` stays text: the title
/// markup reads only whole tags it knows.
pub fn title_text(chunks: &[Spanned<Chunk>]) -> String {
    let mut out = String::new();
    for chunk in chunks {
        match &chunk.v {
            Chunk::Math(math) => out.push_str(&math_text(math)),
            Chunk::Verbatim(text) => out.push_str(&group_text(text)),
            Chunk::Normal(text) => out.push_str(&commands_text(text)),
        }
    }
    crate::text::collapse_whitespace(&out)
}

/// Text that holds no markup (a name): TeX resolved to characters, font commands dropped.
pub fn plain_text(text: &str) -> String {
    let mut out = commands_text(text);
    for tag in ["<i>", "</i>", "<b>", "</b>", "<sup>", "</sup>", "<sub>", "</sub>"] {
        out = out.replace(tag, "");
    }
    out
}

/// A braced group: `{\it in vitro}` sets the whole group in italics.
fn group_text(text: &str) -> String {
    let switches: [(&str, &str); 6] = [
        ("\\itshape", "i"),
        ("\\it", "i"),
        ("\\em", "i"),
        ("\\sl", "i"),
        ("\\bfseries", "b"),
        ("\\bf", "b"),
    ];
    for (switch, tag) in switches {
        if let Some(rest) = text.strip_prefix(switch)
            && rest.starts_with(|c: char| c.is_whitespace())
        {
            return format!("<{tag}>{}</{tag}>", commands_text(rest.trim_start()));
        }
    }
    commands_text(text)
}

/// Text with `\command{argument}` forms: font commands become tags, other commands
/// leave their argument, and `\&`-style escapes their character.
fn commands_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c != '\\' {
            push_escaped(&mut out, c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let after = &rest[1..];
        // The crate reads `\'\i` as an accent on a backslash: put it on the `i`.
        if let Some(mark) = after.chars().next().filter(|m| is_combining(*m))
            && let Some(letter) = after[mark.len_utf8()..].chars().next()
        {
            out.push_str(&accented(letter, mark));
            rest = &after[mark.len_utf8() + letter.len_utf8()..];
            continue;
        }
        let name_len = after.bytes().take_while(u8::is_ascii_alphabetic).count();
        if name_len == 0 {
            // `\&`, `\%`, `\_`: the character itself.
            match after.chars().next() {
                Some(escaped) => {
                    push_escaped(&mut out, escaped);
                    rest = &after[escaped.len_utf8()..];
                }
                None => rest = after,
            }
            continue;
        }
        let name = &after[..name_len];
        let mut tail = &after[name_len..];
        let argument = if tail.starts_with('{') {
            let end = matching_brace(tail);
            let inner = &tail[1..end];
            tail = tail.get(end + 1..).unwrap_or("");
            Some(inner)
        } else {
            None
        };
        let tag = match name {
            "textit" | "emph" | "textsl" | "mathit" => Some("i"),
            "textbf" | "mathbf" => Some("b"),
            "textsuperscript" => Some("sup"),
            "textsubscript" => Some("sub"),
            _ => None,
        };
        match (tag, argument) {
            (Some(tag), Some(inner)) => out.push_str(&format!("<{tag}>{}</{tag}>", commands_text(inner))),
            (None, Some(inner)) => out.push_str(&commands_text(inner)),
            (_, None) => match symbol(name) {
                Some(symbol) => out.push_str(symbol),
                // `\i`, `\j` and unknown commands without an argument: keep the letters.
                None => out.push_str(if name == "i" { "ı" } else { name }),
            },
        }
        rest = tail;
    }
    out
}

/// Math as characters: Greek letters and common relations, `_x` and `^x` as sub- and
/// superscripts.
fn math_text(math: &str) -> String {
    let mut out = String::new();
    let mut rest = math;
    while let Some(c) = rest.chars().next() {
        match c {
            '\\' => {
                let after = &rest[1..];
                let len = after.bytes().take_while(u8::is_ascii_alphabetic).count();
                let name = &after[..len];
                match symbol(name) {
                    Some(symbol) => out.push_str(symbol),
                    None if len == 0 => {
                        if let Some(escaped) = after.chars().next() {
                            push_escaped(&mut out, escaped);
                            rest = &after[escaped.len_utf8()..];
                            continue;
                        }
                    }
                    None => out.push_str(name),
                }
                rest = &after[len..];
            }
            '_' | '^' => {
                let tag = if c == '_' { "sub" } else { "sup" };
                let after = &rest[1..];
                let (inner, tail) = if after.starts_with('{') {
                    let end = matching_brace(after);
                    (&after[1..end], after.get(end + 1..).unwrap_or(""))
                } else {
                    let len = after.chars().next().map_or(0, char::len_utf8);
                    (&after[..len], &after[len..])
                };
                out.push_str(&format!("<{tag}>{}</{tag}>", math_text(inner)));
                rest = tail;
            }
            '{' | '}' => rest = &rest[1..],
            other => {
                push_escaped(&mut out, other);
                rest = &rest[other.len_utf8()..];
            }
        }
    }
    out
}

/// The index of the `}` closing the `{` that `text` starts with (or the end).
fn matching_brace(text: &str) -> usize {
    let mut depth = 0usize;
    for (index, byte) in text.bytes().enumerate() {
        match byte {
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return index;
                }
            }
            _ => {}
        }
    }
    text.len()
}

fn push_escaped(out: &mut String, c: char) {
    out.push(c);
}

fn is_combining(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

/// An `i` or `j` with the accent TeX put on its dotless form, composed where Unicode has
/// the character.
fn accented(letter: char, mark: char) -> String {
    let composed = match (letter, mark) {
        ('i', '\u{301}') => Some('í'),
        ('i', '\u{300}') => Some('ì'),
        ('i', '\u{302}') => Some('î'),
        ('i', '\u{308}') => Some('ï'),
        ('i', '\u{303}') => Some('ĩ'),
        ('i', '\u{304}') => Some('ī'),
        ('i', '\u{306}') => Some('ĭ'),
        ('j', '\u{302}') => Some('ĵ'),
        _ => None,
    };
    match composed {
        Some(c) => c.to_string(),
        None => format!("{letter}{mark}"),
    }
}

/// The character a TeX symbol command stands for.
fn symbol(name: &str) -> Option<&'static str> {
    Some(match name {
        "alpha" => "α",
        "beta" => "β",
        "gamma" => "γ",
        "delta" => "δ",
        "epsilon" | "varepsilon" => "ε",
        "zeta" => "ζ",
        "eta" => "η",
        "theta" => "θ",
        "iota" => "ι",
        "kappa" => "κ",
        "lambda" => "λ",
        "mu" => "μ",
        "nu" => "ν",
        "xi" => "ξ",
        "pi" => "π",
        "rho" => "ρ",
        "sigma" => "σ",
        "tau" => "τ",
        "upsilon" => "υ",
        "phi" | "varphi" => "φ",
        "chi" => "χ",
        "psi" => "ψ",
        "omega" => "ω",
        "Gamma" => "Γ",
        "Delta" => "Δ",
        "Theta" => "Θ",
        "Lambda" => "Λ",
        "Xi" => "Ξ",
        "Pi" => "Π",
        "Sigma" => "Σ",
        "Phi" => "Φ",
        "Psi" => "Ψ",
        "Omega" => "Ω",
        "geq" | "ge" => "≥",
        "leq" | "le" => "≤",
        "pm" => "±",
        "times" => "×",
        "approx" => "≈",
        "sim" => "∼",
        "neq" | "ne" => "≠",
        "to" | "rightarrow" => "→",
        "infty" => "∞",
        "circ" => "°",
        "cdot" => "·",
        "textendash" => "–",
        "textemdash" => "—",
        "textdegree" => "°",
        "textmu" => "μ",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title(bib_title: &str) -> String {
        let text = format!("@article{{a, title = {{{bib_title}}}}}");
        let bibliography = biblatex::Bibliography::parse(&text).unwrap();
        let chunks = bibliography.get("a").unwrap().get("title").unwrap().to_vec();
        title_text(&chunks)
    }

    #[test]
    fn font_commands_become_rich_text() {
        assert_eq!(
            title(r"Effect of \textit{Staphylococcus aureus} and \emph{E. coli} {\it in vitro}"),
            "Effect of <i>Staphylococcus aureus</i> and <i>E. coli</i> <i>in vitro</i>"
        );
        assert_eq!(
            title(r"\textbf{Bold} H\textsubscript{2}O"),
            "<b>Bold</b> H<sub>2</sub>O"
        );
    }

    #[test]
    fn math_and_accents_become_characters() {
        assert_eq!(title(r"$\beta$-cells in Garc{\'\i}a"), "β-cells in García");
        assert_eq!(title(r"HbA$_{1c}$ $\geq$ 7\%"), "HbA<sub>1c</sub> ≥ 7%");
        assert_eq!(title(r"$\alpha_2$"), "α<sub>2</sub>");
        assert_eq!(plain_text("Garc\\\u{301}ia"), "García");
        // A `<` typed in the title stays text.
        assert_eq!(title(r"p $<$ 0.05"), "p < 0.05");
    }
}
