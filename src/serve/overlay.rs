//! What `serve` adds to HTML pages as it sends them — never to `build` output: the reload
//! script, and while the last rebuild failed, an overlay listing its findings.

use crate::diagnostic::cap::{Shown, capped};
use crate::diagnostic::{Diagnostic, Severity};
use crate::html::escape;

/// The page names itself, so that only the pages a rebuild changed reload.
/// Reloads the page when the server says a rebuild finished (or failed: the reloaded page
/// then carries the overlay). `EventSource` reconnects by itself if the server restarts.
pub const RELOAD_SCRIPT: &str = "<script data-evident-serve>\
(function(){var s=new EventSource(\"/__evident/events?page=\"+encodeURIComponent(location.pathname));\
s.addEventListener(\"reload\",function(){location.reload();});})();\
</script>\n";

/// The marker tests and people can look for in a served page.
pub const OVERLAY_ID: &str = "evident-overlay";

/// An overlay listing the findings of a failed rebuild, at most ten of a code per file with
/// a count of the rest. Everything from content is escaped.
pub fn overlay_html(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = diagnostics.len() - errors;
    let mut out = String::with_capacity(4096);
    out.push_str(concat!(
        // A shadow root of its own (declarative, so it needs no script) keeps the site's
        // styles out: a theme that styles `code` or `pre` once made the findings light text
        // on a light background. The host's inline style outranks any site rule that
        // matches it, and `all: initial` stops inherited colours and fonts at the boundary.
        "<evident-overlay id=\"evident-overlay\" style=\"all:initial;display:block;position:fixed;inset:0;z-index:2147483647\">",
        "<template shadowrootmode=\"open\">\n<style>",
        ":host{all:initial;display:block;position:fixed;inset:0;z-index:2147483647}",
        "*{box-sizing:border-box}",
        ".overlay{position:absolute;inset:0;overflow:auto;background:#14161a;color:#f3f3f3;",
        "font:15px/1.5 system-ui,sans-serif;padding:2rem;text-align:left}",
        ".panel{max-width:60rem;margin:0 auto}",
        "h2{color:#ff8a80;margin:0 0 .25rem;font:700 1.3rem/1.3 system-ui,sans-serif}",
        "p{margin:.5rem 0}",
        "ol{padding-left:1.4rem;margin:1rem 0}",
        "li{margin:1rem 0;padding:.6rem .9rem;background:#262a31;color:#f3f3f3;border-radius:6px}",
        "code{font:13px/1.4 ui-monospace,monospace;color:inherit;background:none;padding:0}",
        "pre{white-space:pre-wrap;margin:.3rem 0;font:14px/1.45 ui-monospace,monospace;color:inherit;background:none;padding:0;border:0}",
        ".evident-error{color:#ff8a80}.evident-warning{color:#ffd180}",
        ".evident-hint{color:#a5d6a7}",
        "button{float:right;font:inherit;cursor:pointer;color:#14161a;background:#f3f3f3;",
        "border:1px solid #f3f3f3;border-radius:4px;padding:.2rem .7rem}",
        "button:focus-visible{outline:3px solid #ffd180;outline-offset:2px}",
        "</style>\n",
        "<div class=\"overlay\" role=\"alertdialog\" aria-modal=\"true\" aria-labelledby=\"evident-overlay-title\">\n<div class=\"panel\">\n",
        "<button type=\"button\" onclick=\"this.getRootNode().host.remove()\">Dismiss</button>\n",
    ));
    out.push_str(&format!(
        "<h2 id=\"evident-overlay-title\">The site did not rebuild: {errors} {}, {warnings} {}</h2>\n",
        if errors == 1 { "error" } else { "errors" },
        if warnings == 1 { "warning" } else { "warnings" },
    ));
    out.push_str("<p>This page is the last good build. Fix the file and save: the page reloads by itself.</p>\n<ol>\n");
    // Capped as the terminal report is: the overlay goes into every page served.
    for shown in capped(diagnostics) {
        let d = match shown {
            Shown::Finding(d) => d,
            Shown::Omitted { file, code, count } => {
                out.push_str(&format!(
                    "<li>{count} more <code>{}</code> {} in <code>{}</code> not shown (<code>evident check --format json</code> lists all)</li>\n",
                    escape(code.as_str()),
                    if count == 1 { "finding" } else { "findings" },
                    escape(&file)
                ));
                continue;
            }
        };
        let (class, label) = match d.severity {
            Severity::Error => ("evident-error", "error"),
            Severity::Warning => ("evident-warning", "warning"),
        };
        out.push_str(&format!(
            "<li><code class=\"{class}\">{label}[{}]</code> <code>{}:{}:{}</code>\n<pre>{}</pre>\n",
            escape(d.code.as_str()),
            escape(&d.file),
            d.line,
            d.column,
            escape(&d.message)
        ));
        if let Some(hint) = &d.hint {
            out.push_str(&format!("<pre class=\"evident-hint\">hint: {}</pre>\n", escape(hint)));
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n</div>\n</div>\n</template></evident-overlay>\n");
    // Browsers without declarative shadow roots leave the template inert: attach it here.
    out.push_str(concat!(
        "<script data-evident-serve>(function(){var h=document.getElementById(\"evident-overlay\");",
        "if(h&&!h.shadowRoot){var t=h.querySelector(\"template\");",
        "if(t){h.attachShadow({mode:\"open\"}).appendChild(t.content);t.remove();}}})();</script>\n",
    ));
    out
}

/// Inserts `extra` before the page's last `</body>`, or at its end when it has none.
pub fn insert_before_body_end(mut page: Vec<u8>, extra: &str) -> Vec<u8> {
    let at = page
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(page.len());
    page.splice(at..at, extra.bytes());
    page
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Code, Position};

    #[test]
    fn the_overlay_lists_each_finding_escaped() {
        let finding = Diagnostic::new(
            Code::FrontmatterUnknownField,
            "content/a<b>.md",
            Position::new(3, 7),
            "unknown field `<script>alert(1)</script>`",
        )
        .with_hint("did you mean `review`? & more");
        let html = overlay_html(&[finding]);
        assert!(html.contains("1 error, 0 warnings"), "{html}");
        assert!(html.contains("error[frontmatter/unknown-field]"));
        assert!(html.contains("content/a&lt;b&gt;.md:3:7"));
        assert!(html.contains("unknown field `&lt;script&gt;alert(1)&lt;/script&gt;`"));
        assert!(html.contains("hint: did you mean `review`? &amp; more"));
        assert!(!html.contains("<script>alert"));
    }

    #[test]
    fn the_overlay_keeps_its_styles_in_a_shadow_root_of_its_own() {
        let finding = Diagnostic::new(Code::FrontmatterUnknownField, "content/a.md", Position::new(3, 7), "x");
        let html = overlay_html(&[finding]);
        let open = html
            .find("<template shadowrootmode=\"open\">")
            .expect("a declarative shadow root");
        let close = html.find("</template>").expect("closed");
        for inside in ["<style>", "error[frontmatter/unknown-field]", "content/a.md:3:7"] {
            let at = html.find(inside).expect(inside);
            assert!(open < at && at < close, "{inside} is inside the shadow root");
        }
        assert!(html.starts_with("<evident-overlay id=\"evident-overlay\" style=\"all:initial;"));
    }

    #[test]
    fn inserts_before_the_last_body_end() {
        let page = b"<html><body><p>&lt;/body&gt;</p></BODY></html>".to_vec();
        assert_eq!(
            insert_before_body_end(page, "<i>x</i>"),
            b"<html><body><p>&lt;/body&gt;</p><i>x</i></BODY></html>"
        );
        assert_eq!(insert_before_body_end(b"<p>bare".to_vec(), "!"), b"<p>bare!");
    }

    #[test]
    fn the_overlay_counts_what_it_does_not_list() {
        let all: Vec<Diagnostic> = (1..=20_000)
            .map(|n| Diagnostic::new(Code::CitationSyntax, "content/a.md", Position::new(1, n), "lost"))
            .collect();
        let html = overlay_html(&all);
        assert!(html.contains("20000 errors, 0 warnings"), "the heading counts all");
        assert_eq!(html.matches("error[citation/syntax]").count(), 10);
        assert!(
            html.contains("19990 more <code>citation/syntax</code> findings in <code>content/a.md</code> not shown"),
            "{html}"
        );
        assert!(html.len() < 10_000, "{} bytes", html.len());
    }
}
