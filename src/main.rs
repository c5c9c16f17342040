//! The command line: parse flags, run the pipeline, print findings, choose the exit status.

use clap::{Parser, Subcommand};
use evident::commands::{build_summary, trust_root_from_env};
use evident::date::Date;
use evident::diagnostic::{Format, write_report, write_report_quoting};
use evident::pipeline::{self, BuildOptions, Report};
use evident::progress::{Progress, Silent, StageClock, TerminalBar};
use evident::review::record::{describe_state, record_action};
use evident::review::workflow::{Action, Identity};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

// Pages are built from many short-lived strings on every core at once; glibc's allocator
// spent a quarter of a large build's CPU time in malloc and free, mimalloc a fraction.
// Transparent huge pages are off (feature `no_thp`): with them the kernel zeroed 2 MB at
// every fault and system time doubled.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Has mimalloc give freed memory back to the system 10 ms after it is freed, as its
/// version 2 did, instead of the second version 3 waits: each stage of a build frees what
/// the one before it held, and with the long delay a 10,000-article build peaked 50 MB
/// higher (425 MB against 372 MB) for no gain in time.
fn return_freed_memory_promptly() {
    // `mi_option_purge_delay` in mimalloc's option enum, which libmimalloc-sys does not name.
    // The option is changed only where it holds version 3's default of 1000 ms, so that an
    // option at that place in some other mimalloc is left alone, and so is any other value
    // set through the `MIMALLOC_PURGE_DELAY` environment variable.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: reading and setting an option touch only mimalloc's option table; both may be
    // called at any time, from any thread.
    unsafe {
        if libmimalloc_sys::mi_option_get(PURGE_DELAY) == 1000 {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, 10);
        }
    }
}

/// `evident --version`: the release and the commit it was built from (see build.rs).
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("EVIDENT_COMMIT"), ")");

#[derive(Parser)]
#[command(
    name = "evident",
    version = VERSION,
    about = "Build evidence-based medical knowledge bases into reviewed, versioned websites"
)]
struct Cli {
    /// The site's folder (holding evident.yaml)
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    root: PathBuf,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new site in DIR
    Init {
        /// Folder to create the site in
        dir: PathBuf,
    },
    /// Write a new article skeleton for QUESTION
    New {
        /// The question the article answers, ending with "?"
        question: String,
        /// The article's primary topic (its folder under content/)
        #[arg(long, value_name = "T")]
        topic: String,
    },
    /// Check every article and report findings without writing anything
    Check {
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// For `--format github|sarif`: the site folder's path from the repository root,
        /// put before every file (default: asked of git; empty at the root)
        #[arg(long, value_name = "PREFIX")]
        path_prefix: Option<String>,
        /// Also fetch links to other sites (8 at a time, 10 s each; good answers are
        /// remembered for a week in .evident/cache/external-links.json); needs curl
        #[arg(long)]
        external: bool,
        /// The public keys that may sign approvals, one authorized_keys line each, kept
        /// outside the repository (or EVIDENT_TRUSTED_KEYS holding the lines themselves)
        #[arg(long, value_name = "FILE")]
        trusted_keys: Option<PathBuf>,
        /// Treat warnings as errors (`--deny warnings`)
        #[arg(long, value_name = "LEVEL", value_parser = ["warnings"])]
        deny: Option<String>,
        /// Judge the age of guidelines as of DATE (YYYY-MM-DD) instead of today
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<Date>,
        /// Parse every article, reading none of the parses `build` kept in .evident/cache/
        #[arg(long)]
        no_cache: bool,
    },
    /// Check and build the site into public/ (or --out)
    Build {
        /// Output folder (default: public/ in the site root)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Replace the output folder DIR even though it holds files Evident did not write
        /// (never the site itself or a folder holding it); DIR must name the output folder
        #[arg(long, value_name = "DIR")]
        force: Option<PathBuf>,
        /// Include draft articles
        #[arg(long)]
        drafts: bool,
        /// Override base_url from evident.yaml
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// For `--format github|sarif`: the site folder's path from the repository root,
        /// put before every file (default: asked of git; empty at the root)
        #[arg(long, value_name = "PREFIX")]
        path_prefix: Option<String>,
        /// Treat warnings as errors (`--deny warnings`)
        #[arg(long, value_name = "LEVEL", value_parser = ["warnings"])]
        deny: Option<String>,
        /// Judge the age of guidelines as of DATE (YYYY-MM-DD) instead of today
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<Date>,
        /// No progress bar: only the findings and the one-line summary
        #[arg(long, short)]
        quiet: bool,
        /// Print how long each stage took (reading, parsing, checks, rendering…)
        #[arg(long)]
        timings: bool,
        /// The public keys that may sign approvals, one authorized_keys line each, kept
        /// outside the repository (or EVIDENT_TRUSTED_KEYS holding the lines themselves)
        #[arg(long, value_name = "FILE")]
        trusted_keys: Option<PathBuf>,
        /// Build even when the output is up to date, and record nothing in .evident/cache/
        #[arg(long)]
        no_cache: bool,
    },
    /// Build the site, serve it on 127.0.0.1 and rebuild and reload pages as files change
    Serve {
        /// Port to listen on (0: any free port)
        #[arg(long, default_value_t = 4000)]
        port: u16,
        /// Address to listen on; anything but a loopback address exposes the preview
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Include draft articles
        #[arg(long)]
        drafts: bool,
        /// The public keys that may sign approvals, one authorized_keys line each, kept
        /// outside the repository (or EVIDENT_TRUSTED_KEYS holding the lines themselves)
        #[arg(long, value_name = "FILE")]
        trusted_keys: Option<PathBuf>,
    },
    /// Print the JSON Schema of article front matter (or of evident.yaml with --config)
    Schema {
        /// The schema of evident.yaml instead
        #[arg(long)]
        config: bool,
    },
    /// Print FILE (BibTeX, CSL-JSON, RIS or PubMed .nbib) as front-matter `references:` YAML
    Import {
        /// The file to convert; its format is recognised from its extension and content
        file: PathBuf,
    },
    /// Submit a draft for review (draft → submitted)
    Submit {
        /// The article's slug
        slug: String,
    },
    /// Take a submitted article, or one changed since approval, into review (→ under review)
    Claim {
        /// The article's slug
        slug: String,
        /// Who reviews it: their id in people/ (a written name on sites with `review.signatures: off`)
        #[arg(long, value_name = "ID")]
        reviewer: String,
    },
    /// Approve the article's current text (→ approved), recording reviewer, date and hash
    Approve {
        /// The article's slug
        slug: String,
        /// Who approves it: their id in people/ (a written name on sites with `review.signatures: off`)
        #[arg(long, value_name = "ID")]
        reviewer: String,
        /// The reviewer's SSH key that signs the approval: a private key file, or a public
        /// key whose private half is in ssh-agent
        #[arg(long, value_name = "PATH")]
        key: Option<std::path::PathBuf>,
        /// The reviewer's role, e.g. "Medical Advisory Board"
        #[arg(long, value_name = "ROLE")]
        role: Option<String>,
    },
    /// Sign the site's templates, theme and settings as they are now (site-approval.yaml),
    /// after checking that the approved pages read as they were approved
    SignSite {
        /// Who signs: their id in people/
        #[arg(long, value_name = "ID")]
        reviewer: String,
        /// Their SSH key: a private key file, or a public key whose private half is in ssh-agent
        #[arg(long, value_name = "PATH")]
        key: std::path::PathBuf,
    },
    /// Write people/ID.md, a complete entry of the people registry to fill in
    NewPerson {
        /// The person's id: lower-case letters, digits and hyphens, e.g. jane-example
        id: String,
    },
    /// Show what awaits review: changed approvals first, then oldest first
    Review {
        #[arg(long, value_enum, default_value = "human")]
        format: QueueFormat,
    },
    /// Report, per article and for the site, which health-information criteria it meets
    Audit {
        #[arg(long, value_enum, default_value = "human")]
        format: QueueFormat,
        /// Judge review dates as of DATE (YYYY-MM-DD) instead of today
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<Date>,
        /// Exit with status 1 when any article fails any criterion
        #[arg(long)]
        deny: bool,
    },
    /// Search the published questions with the ranking the site's search page uses
    Search {
        /// What a reader would type (omit with --queries)
        #[arg(required_unless_present = "queries")]
        query: Option<String>,
        /// Answer every query of FILE (one a line) in one run, one JSON object a line
        #[arg(long, value_name = "FILE", conflicts_with = "query")]
        queries: Option<PathBuf>,
        /// At most N results per query
        #[arg(long, default_value_t = 10, value_name = "N")]
        limit: usize,
        #[arg(long, value_enum, default_value = "human")]
        format: QueueFormat,
        /// Include draft articles
        #[arg(long)]
        drafts: bool,
    },
    /// Print the related-question graph that `build` publishes as graph.json
    Graph {
        #[arg(long, value_enum, default_value = "json")]
        format: GraphOutput,
        /// Include draft articles
        #[arg(long)]
        drafts: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum GraphOutput {
    /// The same JSON as graph.json
    Json,
    /// Graphviz DOT
    Dot,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum QueueFormat {
    Human,
    Json,
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse_iso(text).ok_or_else(|| format!("`{text}` is not a date written YYYY-MM-DD"))
}

fn main() -> ExitCode {
    return_freed_memory_promptly();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Init { dir } => match evident::scaffold::init_site(&dir, Date::today()) {
            Ok(files) => {
                for file in files {
                    eprintln!("created {}", file.display());
                }
                eprintln!("next: evident --root {} build", dir.display());
                ExitCode::SUCCESS
            }
            Err(error) => usage_error(error),
        },
        Command::New { question, topic } => {
            // Asked before the new file exists, so that it is not its own nearest question.
            let closest = evident::commands::closest(&cli.root, &question, CLOSEST_SHOWN);
            match evident::scaffold::new_article(&cli.root, &question, &topic, Date::today()) {
                Ok(path) => {
                    println!("{}", path.display());
                    if !closest.is_empty() {
                        eprintln!("the questions already on the site that search ranks closest to yours:");
                        for line in closest {
                            eprintln!("  {line}");
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(error) => usage_error(error),
            }
        }
        Command::Import { file } => import(&file),
        Command::Check {
            format,
            path_prefix,
            external,
            deny,
            as_of,
            trusted_keys,
            no_cache,
        } => {
            let options = BuildOptions {
                deny_warnings: deny.is_some(),
                as_of,
                trusted_keys: trust_root_from_env(trusted_keys),
                no_cache,
                ..BuildOptions::default()
            };
            let report = if external {
                pipeline::check_with_external_links(&cli.root, &options)
            } else {
                pipeline::check(&cli.root, &options)
            };
            print_report_from(&report, format, &cli.root, path_prefix.as_deref());
            if format == Format::Human && report.diagnostics.is_empty() {
                eprintln!(
                    "checked {} articles and {} pages: no findings",
                    report.stats.articles, report.stats.pages
                );
            }
            ExitCode::from(report.outcome.exit_code())
        }
        Command::Build {
            out,
            force,
            drafts,
            base_url,
            format,
            path_prefix,
            deny,
            as_of,
            quiet,
            timings,
            trusted_keys,
            no_cache,
        } => {
            let started = Instant::now();
            evident::write::remove_staging_on_interrupt();
            let options = BuildOptions {
                out,
                force,
                include_drafts: drafts,
                base_url,
                deny_warnings: deny.is_some(),
                as_of,
                trusted_keys: trust_root_from_env(trusted_keys),
                no_cache,
                ..BuildOptions::default()
            };
            // A bar only where a person watches; logs and pipes get the summary alone.
            let progress: Box<dyn Progress> = if timings {
                Box::new(StageClock::new())
            } else if !quiet && std::io::stderr().is_terminal() {
                Box::new(TerminalBar::new())
            } else {
                Box::new(Silent)
            };
            let report = pipeline::build(&cli.root, &options, progress.as_ref());
            progress.finish();
            print_report_from(&report, format, &cli.root, path_prefix.as_deref());
            eprintln!("{}", build_summary(&report, started.elapsed()));
            ExitCode::from(report.outcome.exit_code())
        }
        Command::Serve {
            port,
            bind,
            drafts,
            trusted_keys,
        } => {
            let options = evident::serve::ServeOptions {
                bind,
                port,
                include_drafts: drafts,
                trusted_keys: trust_root_from_env(trusted_keys),
            };
            match evident::serve::serve(&cli.root, &options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => usage_error(error),
            }
        }
        Command::Schema { config } => {
            let schema = if config {
                evident::schema::config_schema()
            } else {
                evident::schema::article_schema()
            };
            print!("{}", evident::schema::to_text(&schema));
            ExitCode::SUCCESS
        }
        Command::Submit { slug } => record(&cli.root, &slug, Action::Submit, None),
        Command::Claim { slug, reviewer } => record(
            &cli.root,
            &slug,
            Action::Claim {
                reviewer: Identity::Id(reviewer),
            },
            None,
        ),
        Command::Approve {
            slug,
            reviewer,
            key,
            role,
        } => record(
            &cli.root,
            &slug,
            Action::Approve {
                reviewer: Identity::Id(reviewer),
                role,
                // Always today: an approval says when the reviewer read the text.
                date: Date::today(),
            },
            key.as_deref(),
        ),
        Command::SignSite { reviewer, key } => {
            match evident::review::site::sign_site(&cli.root, &reviewer, &key, Date::today()) {
                Ok(path) => {
                    eprintln!(
                        "{}: the site's templates, theme and settings signed by {reviewer}",
                        path.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(error) => usage_error(anyhow::anyhow!(error)),
            }
        }
        Command::NewPerson { id } => match evident::scaffold::new_person(&cli.root, &id) {
            Ok(path) => {
                println!("{}", path.display());
                ExitCode::SUCCESS
            }
            Err(error) => usage_error(error),
        },
        Command::Review { format } => print_queue(&cli.root, format),
        Command::Audit { format, as_of, deny } => print_audit(&cli.root, format, as_of, deny),
        Command::Search {
            query,
            queries,
            limit,
            format,
            drafts,
        } => search(&cli.root, query, queries, limit, format, drafts),
        Command::Graph { format, drafts } => {
            let options = BuildOptions {
                include_drafts: drafts,
                ..BuildOptions::default()
            };
            let format = match format {
                GraphOutput::Json => evident::render::graph::GraphFormat::Json,
                GraphOutput::Dot => evident::render::graph::GraphFormat::Dot,
            };
            let (report, text) = pipeline::graph(&cli.root, &options, format);
            // Findings go to stderr, so that stdout holds nothing but the graph.
            print_report(&report, Format::Human);
            if let Some(text) = text {
                print!("{text}");
            }
            ExitCode::from(report.outcome.exit_code())
        }
    }
}

/// How many existing questions `evident new` lists.
const CLOSEST_SHOWN: usize = 5;

fn search(
    root: &std::path::Path,
    query: Option<String>,
    queries: Option<PathBuf>,
    limit: usize,
    format: QueueFormat,
    drafts: bool,
) -> ExitCode {
    use evident::commands::{Asked, Style};
    let asked = match queries {
        Some(path) => match std::fs::read_to_string(&path) {
            Ok(text) => Asked::File(text),
            Err(error) => return usage_error(anyhow::anyhow!("cannot read {}: {error}", path.display())),
        },
        None => Asked::One(query.unwrap_or_default()),
    };
    let style = match format {
        QueueFormat::Json => Style::Json,
        QueueFormat::Human => Style::Human,
    };
    let (report, lines) = evident::commands::search(root, &asked, limit, style, drafts);
    // Findings go to stderr, so that stdout holds nothing but the results.
    print_report(&report, Format::Human);
    match lines {
        Ok(lines) => {
            for line in lines {
                println!("{}", line.trim_end());
            }
            ExitCode::from(report.outcome.exit_code())
        }
        Err(error) => usage_error(anyhow::anyhow!(error)),
    }
}

fn record(root: &std::path::Path, slug: &str, action: Action, key: Option<&std::path::Path>) -> ExitCode {
    match record_action(root, slug, &action, key, Date::today(), &mut std::io::stdout().lock()) {
        Ok(recorded) => {
            eprintln!("{}: {}", recorded.file.display(), describe_state(&recorded.state));
            ExitCode::SUCCESS
        }
        Err(error) => usage_error(error),
    }
}

fn print_audit(root: &std::path::Path, format: QueueFormat, as_of: Option<Date>, deny: bool) -> ExitCode {
    let audit = match evident::commands::audit(root, as_of) {
        Ok(audit) => audit,
        Err(report) => return print_failure(&report),
    };
    match format {
        QueueFormat::Json => println!("{}", serde_json::to_string_pretty(&audit).unwrap_or_default()),
        QueueFormat::Human => print!("{}", evident::standards::audit::human(&audit)),
    }
    ExitCode::from(if deny && !audit.all_pass() { 1 } else { 0 })
}

fn print_queue(root: &std::path::Path, format: QueueFormat) -> ExitCode {
    let queue = match evident::commands::review_queue_of(root, Date::today()) {
        Ok(queue) => queue,
        Err(report) => return print_failure(&report),
    };
    match format {
        QueueFormat::Json => println!("{}", serde_json::to_string_pretty(&queue).unwrap_or_default()),
        QueueFormat::Human => print!("{}", queue.human()),
    }
    ExitCode::SUCCESS
}

/// A command that could not read the site: its findings, and the status they call for.
fn print_failure(report: &Report) -> ExitCode {
    print_report(report, Format::Human);
    ExitCode::from(report.outcome.exit_code())
}

/// `print_report`, with the files of `github` and `sarif` reports named from the
/// repository's root (`path_prefix`, else git's view of where `root` is), where GitHub
/// attaches them.
fn print_report_from(report: &Report, format: Format, root: &std::path::Path, path_prefix: Option<&str>) {
    use evident::diagnostic::repository::{normalize_prefix, site_prefix, with_prefix};
    if !matches!(format, Format::Github | Format::Sarif) {
        return print_report(report, format);
    }
    let prefix = match path_prefix {
        Some(given) => normalize_prefix(given),
        None => site_prefix(root).map(|p| normalize_prefix(&p)).unwrap_or_default(),
    };
    if prefix.is_empty() {
        return print_report(report, format);
    }
    let diagnostics = with_prefix(&report.diagnostics, &prefix);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let _ = write_report_quoting(&mut out, &diagnostics, format, false, |_, _| None)
        .and_then(|()| std::io::Write::flush(&mut out));
}

fn print_report(report: &Report, format: Format) {
    if report.diagnostics.is_empty() && format == Format::Human {
        return;
    }
    let color = format == Format::Human && std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    // Written as it is made: a report of many findings is never held whole in memory. A
    // closed pipe (`evident check | head`) only ends the report early.
    let _ = match format {
        Format::Human => write_through(std::io::stderr().lock(), report, format, color),
        Format::Json | Format::Github | Format::Sarif => write_through(std::io::stdout().lock(), report, format, color),
    };
}

fn write_through(stream: impl std::io::Write, report: &Report, format: Format, color: bool) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(stream);
    // Each file is read again as its findings are printed: a report naming every file of
    // a large site holds one text at a time.
    write_report_quoting(&mut out, &report.diagnostics, format, color, report.sources.lines())?;
    std::io::Write::flush(&mut out)
}

/// `evident import FILE`: the YAML on stdout, findings about the file on stderr (exit 1),
/// an unreadable file or unknown format exit 2.
fn import(file: &std::path::Path) -> ExitCode {
    let imported = match evident::commands::import_file(file) {
        Ok(imported) => imported,
        Err(error) => return usage_error(error),
    };
    for note in &imported.imported.notes {
        eprintln!("note: {note}");
    }
    print!("{}", imported.imported.yaml);
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    if !imported.imported.diagnostics.is_empty() {
        let mut out = std::io::BufWriter::new(std::io::stderr().lock());
        let _ = write_report(&mut out, &imported.imported.diagnostics, Format::Human, color, |_| {
            Some(imported.text.as_str())
        })
        .and_then(|()| std::io::Write::flush(&mut out));
    }
    eprintln!("imported {} references", imported.imported.count);
    ExitCode::from(if imported.failed() { 1 } else { 0 })
}

fn usage_error(error: anyhow::Error) -> ExitCode {
    eprintln!("error: {error:#}");
    ExitCode::from(2)
}
