//! Writes a deterministic synthetic knowledge base for benchmarks:
//! `cargo run --release --example gen_corpus -- N OUT_DIR [SEED] [--hugo HUGO_DIR]`.
//!
//! Articles are 4–10 KB with several sections, citations, 3–8 references (some shared by
//! DOI across articles), related links, overlapping topics, and occasional tables and code.
//!
//! With `--hugo HUGO_DIR` the same articles are also written as a Hugo site, for
//! `benches/compare.sh`: the same front matter plus Hugo's `title` (the question), `slug`,
//! `date`, `lastmod` and `keywords` (the drug and the references' DOIs, for Hugo's related
//! pages), the same Markdown bodies (citation markers stay literal text), under
//! `content/questions/<topic>/`, with the configuration and layouts of `benches/hugo/`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The Hugo site's configuration and layouts, written under HUGO_DIR as they are.
const HUGO_FILES: &[(&str, &str)] = &[
    ("config.yaml", include_str!("hugo/config.yaml")),
    (
        "layouts/_default/baseof.html",
        include_str!("hugo/layouts/_default/baseof.html"),
    ),
    (
        "layouts/_default/single.html",
        include_str!("hugo/layouts/_default/single.html"),
    ),
    (
        "layouts/_default/taxonomy.html",
        include_str!("hugo/layouts/_default/taxonomy.html"),
    ),
    (
        "layouts/_default/term.html",
        include_str!("hugo/layouts/_default/term.html"),
    ),
    (
        "layouts/questions/single.html",
        include_str!("hugo/layouts/questions/single.html"),
    ),
    (
        "layouts/partials/topic-grid.html",
        include_str!("hugo/layouts/partials/topic-grid.html"),
    ),
    ("layouts/index.html", include_str!("hugo/layouts/index.html")),
    ("layouts/404.html", include_str!("hugo/layouts/404.html")),
];

const TOPICS: &[&str] = &[
    "cardiology",
    "oncology",
    "diabetes",
    "nephrology",
    "neurology",
    "infectious-diseases",
    "respiratory",
    "gastroenterology",
    "rheumatology",
    "dermatology",
    "hematology",
    "psychiatry",
];

const DRUGS: &[&str] = &[
    "metformin",
    "empagliflozin",
    "dapagliflozin",
    "apixaban",
    "rivaroxaban",
    "warfarin",
    "atorvastatin",
    "lisinopril",
    "amlodipine",
    "nitrofurantoin",
    "fosfomycin",
    "enzalutamide",
    "abiraterone",
    "docetaxel",
    "cabazitaxel",
    "olaparib",
    "lutetium-177",
    "levetiracetam",
    "salbutamol",
    "budesonide",
];

const WORDS: &[&str] = &[
    "patients",
    "therapy",
    "dose",
    "risk",
    "benefit",
    "trial",
    "outcome",
    "mortality",
    "adverse",
    "events",
    "monitoring",
    "renal",
    "function",
    "guideline",
    "recommendation",
    "evidence",
    "cohort",
    "randomized",
    "placebo",
    "hazard",
    "ratio",
    "interval",
    "treatment",
    "response",
    "progression",
    "survival",
    "safety",
    "tolerability",
    "baseline",
    "follow-up",
    "clinical",
    "assessment",
    "laboratory",
    "imaging",
    "referral",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

fn main() {
    let mut positional = Vec::new();
    let mut hugo: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--hugo" {
            hugo = Some(args.next().unwrap_or_else(|| usage()).into());
        } else if let Some(dir) = arg.strip_prefix("--hugo=") {
            hugo = Some(dir.into());
        } else if arg.starts_with("--") {
            usage();
        } else {
            positional.push(arg);
        }
    }
    if !(2..=3).contains(&positional.len()) {
        usage();
    }
    let count: usize = positional[0].parse().expect("N is a number");
    let out = Path::new(&positional[1]);
    let seed: u64 = positional.get(2).map_or(42, |s| s.parse().expect("SEED is a number"));
    let mut rng = Rng(seed.max(1));
    std::fs::create_dir_all(out.join("content/pages")).expect("create output");
    std::fs::write(
        out.join("evident.yaml"),
        "title: \"Synthetic knowledge base\"\nbase_url: \"https://bench.example.org/\"\n",
    )
    .expect("write config");
    const POLICY: &str = "---\ntitle: \"Editorial policy\"\n---\nHow articles are reviewed.\n";
    std::fs::write(out.join("content/pages/editorial-policy.md"), POLICY).expect("write page");
    if let Some(hugo) = &hugo {
        for (path, text) in HUGO_FILES {
            let path = hugo.join(path);
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("create Hugo folder");
            std::fs::write(path, text).expect("write Hugo layout");
        }
        std::fs::create_dir_all(hugo.join("content/questions")).expect("create Hugo content");
        std::fs::write(hugo.join("content/editorial-policy.md"), POLICY).expect("write Hugo page");
    }
    for index in 0..count {
        let topic = TOPICS[index % TOPICS.len()];
        let dir = out.join("content").join(topic);
        std::fs::create_dir_all(&dir).expect("create topic folder");
        let mut text = article(index, count, topic, &mut rng);
        if index % 4 >= 2 {
            text = approve(&text, topic, index);
        }
        if let Some(hugo) = &hugo {
            let dir = hugo.join("content/questions").join(topic);
            std::fs::create_dir_all(&dir).expect("create Hugo topic folder");
            std::fs::write(dir.join(format!("{}.md", slug(index))), hugo_article(&text, index))
                .expect("write Hugo article");
        }
        std::fs::write(dir.join(format!("{}.md", slug(index))), text).expect("write article");
    }
    eprintln!("wrote {count} articles to {}", out.display());
    if let Some(hugo) = &hugo {
        eprintln!("wrote the same {count} articles as a Hugo site to {}", hugo.display());
    }
}

fn usage() -> ! {
    eprintln!("usage: gen_corpus N OUT_DIR [SEED] [--hugo HUGO_DIR]");
    std::process::exit(2);
}

/// The article as a Hugo page: Hugo's own fields, then the article's front matter and body
/// unchanged. `keywords` carries what Evident relates articles by besides topics: the drug
/// (from the question) and the references' DOIs.
fn hugo_article(text: &str, index: usize) -> String {
    let rest = text.strip_prefix("---\n").expect("front matter");
    let end = rest.find("\n---\n").expect("end of front matter") + 1;
    let (front, body) = rest.split_at(end);
    let field = |name: &str| {
        front
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .unwrap_or_else(|| panic!("article has no {name}"))
    };
    let mut keywords = vec![drug(index).to_string()];
    keywords.extend(
        front
            .lines()
            .filter_map(|line| line.trim_start().strip_prefix("doi: "))
            .map(str::to_string),
    );
    format!(
        "---\ntitle: {}\nslug: {}\ndate: {}\nlastmod: {}\nkeywords: [{}]\n{front}{body}",
        field("question: "),
        slug(index),
        field("created: "),
        field("updated: "),
        keywords.join(", ")
    )
}

/// Records an approval the way `evident approve` does: the review block with the hash of
/// the text, so the corpus exercises verified approvals rather than incomplete ones.
fn approve(text: &str, topic: &str, index: usize) -> String {
    use evident::review::workflow::{Action, Identity, Subject, apply};
    let source = evident::load::SourceFile {
        rel_path: format!("content/{topic}/{}.md", slug(index)),
        section: topic.to_string(),
        text: text.to_string(),
        bom: false,
    };
    let Some(article) = evident::parse::article::parse_article(
        &source,
        evident::parse::article::Sources::none(),
        evident::parse::Output::Html,
    )
    .article
    else {
        return text.to_string();
    };
    let date = evident::date::Date::new(2026, 10, 1).expect("a real date");
    let reviewer = Identity::Name(format!("Reviewer {}", index % 50));
    // Claimed, then approved by the claimant: the only way to an approval.
    let claim = Action::Claim {
        reviewer: reviewer.clone(),
    };
    let claimed = apply(
        &claim,
        &Subject {
            slug: &article.slug,
            review: article.review(),
            state: &article.review_state,
            fingerprint: &article.fingerprint,
            updated: article.updated,
            today: date,
            commit: None,
        },
    );
    let approve = Action::Approve {
        reviewer,
        role: Some("Board".to_string()),
        date,
    };
    let approved = claimed.and_then(|claimed| {
        apply(
            &approve,
            &Subject {
                slug: &article.slug,
                review: &claimed,
                state: &evident::review::ReviewState::UnderReview,
                fingerprint: &article.fingerprint,
                updated: article.updated,
                today: date,
                commit: None,
            },
        )
    });
    match approved {
        Ok(review) => evident::review::edit::replace_review_block(text, &review).unwrap_or_else(|_| text.to_string()),
        Err(_) => text.to_string(),
    }
}

/// The drug an article's question is about.
fn drug(index: usize) -> &'static str {
    DRUGS[(index / TOPICS.len()) % DRUGS.len()]
}

fn slug(index: usize) -> String {
    format!("question-{index:05}")
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(if rng.below(6) == 0 {
            rng.pick(DRUGS)
        } else {
            rng.pick(WORDS)
        });
    }
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => s,
    }
}

fn article(index: usize, count: usize, topic: &str, rng: &mut Rng) -> String {
    let drug = drug(index);
    let second_topic = TOPICS[(index * 7 + 3) % TOPICS.len()];
    let refs = 3 + rng.below(6);
    let mut text = String::with_capacity(8 * 1024);
    let _ = writeln!(text, "---");
    let _ = writeln!(
        text,
        "question: \"What is the role of {drug} in {topic} case {index}?\""
    );
    let _ = writeln!(
        text,
        "answer: >-\n  {} [@r{index}-0]. {} [@r{index}-1; @r{index}-2].",
        sentence(rng, 18),
        sentence(rng, 14)
    );
    let _ = writeln!(text, "topics: [{topic}, {second_topic}]");
    let _ = writeln!(text, "audience: clinician");
    let _ = writeln!(text, "created: 2025-0{}-1{}", 1 + index % 9, index % 10);
    let _ = writeln!(text, "updated: 2026-0{}-2{}", 1 + index % 9, index % 8);
    let _ = writeln!(text, "version: {}", 1 + index % 4);
    // Half the articles are approved afterwards by `approve`, as `evident approve` would.
    let status = ["submitted", "under_review", "under_review", "under_review"][index % 4];
    let _ = writeln!(text, "review:\n  status: {status}");
    let _ = writeln!(text, "references:");
    for r in 0..refs {
        let shared = (index + r) % 200;
        let _ = writeln!(text, "  - id: r{index}-{r}");
        let _ = writeln!(text, "    type: research");
        let _ = writeln!(text, "    authors: [\"Author{shared} A\", \"Writer{r} B\"]");
        let _ = writeln!(text, "    title: \"{} study {shared}\"", sentence(rng, 6));
        let _ = writeln!(text, "    journal: \"J Synth Med\"");
        let _ = writeln!(text, "    year: {}", 2015 + shared % 10);
        let _ = writeln!(text, "    doi: \"10.5555/synth.{shared}\"");
    }
    let related: Vec<String> = (1..=3)
        .map(|k| slug((index + k * TOPICS.len()) % count))
        .filter(|s| *s != slug(index))
        .collect();
    let _ = writeln!(text, "related: [{}]", related.join(", "));
    let _ = writeln!(text, "---");
    let sections = 3 + rng.below(4);
    for s in 0..sections {
        let _ = writeln!(text, "\n## {}\n", sentence(rng, 4));
        let _ = writeln!(text, "{} [@r{index}-{}].\n", sentence(rng, 40), s % refs);
        for b in 0..(3 + rng.below(4)) {
            let _ = writeln!(text, "- {} [@r{index}-{}]", sentence(rng, 16), (s + b) % refs);
        }
        if rng.below(8) == 0 {
            let _ = writeln!(
                text,
                "\n| Measure | Value |\n|---|---|\n| Dose | {} mg |\n| Interval | {} h |\n",
                10 + rng.below(90),
                6 + rng.below(18)
            );
        }
        if rng.below(20) == 0 {
            let _ = writeln!(
                text,
                "\n```python\ndose = weight_kg * {}\nprint(dose)\n```\n",
                1 + rng.below(5)
            );
        }
    }
    let all: Vec<String> = (0..refs).map(|r| format!("@r{index}-{r}")).collect();
    let _ = writeln!(text, "\n## Summary\n\n{} [{}].", sentence(rng, 12), all.join("; "));
    text
}
