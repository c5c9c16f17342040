//! The floor for a build: what any static site generator must do at the least, and nothing
//! else. `floor SITE_DIR OUT_DIR [--threads N]` reads every `*.md` under SITE_DIR/content
//! once, splits off the YAML front matter and parses it (serde_yaml), renders the Markdown
//! body to HTML (pulldown-cmark, tables and footnotes on) and writes OUT_DIR/<slug>/index.html
//! with the title in a minimal page. Files are spread over all cores with rayon, as Evident
//! and Hugo do; `--threads 1` (or RAYON_NUM_THREADS=1) gives the single-threaded figure.

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--threads") {
        let n: usize = args.get(i + 1).and_then(|n| n.parse().ok()).unwrap_or_else(|| usage());
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .expect("thread pool");
        args.drain(i..i + 2);
    }
    let [site, out] = &args[..] else { usage() };
    let start = std::time::Instant::now();
    let files: Vec<PathBuf> = walkdir::WalkDir::new(Path::new(site).join("content"))
        .into_iter()
        .map(|entry| entry.expect("walk content"))
        .filter(|entry| entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "md"))
        .map(walkdir::DirEntry::into_path)
        .collect();
    let bytes: usize = files.par_iter().map(|path| page(path, Path::new(out))).sum();
    let threads = rayon::current_num_threads();
    eprintln!(
        "floor: {} files, {:.1} MB of HTML, {threads} thread{}, {:.2?}",
        files.len(),
        bytes as f64 / 1e6,
        if threads == 1 { "" } else { "s" },
        start.elapsed()
    );
}

fn usage() -> ! {
    eprintln!("usage: floor SITE_DIR OUT_DIR [--threads N]");
    std::process::exit(2);
}

/// Reads, parses and renders one file, writes its page and returns the page's size.
fn page(path: &Path, out: &Path) -> usize {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (front, body) = text
        .strip_prefix("---\n")
        .and_then(|rest| rest.find("\n---\n").map(|end| (&rest[..=end], &rest[end + 5..])))
        .unwrap_or(("", &text));
    let meta: serde_yaml::Value = serde_yaml::from_str(front).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let title = ["title", "question"]
        .iter()
        .find_map(|k| meta.get(k).and_then(|v| v.as_str()))
        .unwrap_or("");
    let slug = path.file_stem().and_then(|s| s.to_str()).expect("a UTF-8 file name");
    let mut html = String::with_capacity(body.len() * 3 / 2 + 256);
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>");
    escape(title, &mut html);
    html.push_str("</title></head>\n<body>\n<h1>");
    escape(title, &mut html);
    html.push_str("</h1>\n");
    html::push_html(
        &mut html,
        Parser::new_ext(body, Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES),
    );
    html.push_str("</body>\n</html>\n");
    let dir = out.join(slug);
    std::fs::create_dir_all(&dir).expect("create page folder");
    std::fs::write(dir.join("index.html"), &html).expect("write page");
    html.len()
}

fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}
