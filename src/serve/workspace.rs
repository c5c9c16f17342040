//! The rebuilds `serve` runs: each is the `build` pipeline itself, run with the preview's
//! options into the served folder in place (or, where `write` refuses that, into a new
//! generation: `output`), so that what is served is what `build` publishes by
//! construction. There is no hand-written "which pages changed" logic to fall out of step
//! with the build: the preview keeps no state between edits but the findings it last
//! showed and the fingerprint of the inputs it last built (`cache::Fingerprint`, as
//! `build`'s cache uses it), so that events that change nothing a build reads (a file
//! saved unchanged, `touch`) rebuild nothing.

use super::output::Generations;
use crate::cache::Fingerprint;
use crate::diagnostic::Diagnostic;
use crate::pipeline::{self, BuildOptions};
use crate::progress::Silent;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What one rebuild did.
#[derive(Debug)]
pub enum Outcome {
    Rendered {
        /// Files published, and how many of them were the served generation's.
        stats: crate::pipeline::Stats,
        /// Findings below error severity and the text of their files, when they differ from
        /// those last reported (a site's standing warnings are not repeated after each save).
        warnings: Option<(Vec<Diagnostic>, HashMap<String, String>)>,
    },
    /// Nothing was published; the previous pages stay.
    Failed {
        diagnostics: Vec<Diagnostic>,
        sources: HashMap<String, String>,
    },
}

pub struct Workspace {
    root: PathBuf,
    options: BuildOptions,
    /// The findings last reported to the terminal.
    reported: Vec<Diagnostic>,
    /// The inputs of the last build, whatever its outcome: the same inputs build the same.
    built: Option<Fingerprint>,
    /// The served generation as its builds left it: the next build takes over the pages
    /// whose inputs did not change, as `build` does from its cache's record, and publishes
    /// in place into it.
    served: Option<crate::write::Earlier>,
}

impl Workspace {
    pub fn new(root: &Path, options: BuildOptions) -> Workspace {
        Workspace {
            root: root.to_path_buf(),
            options,
            reported: Vec::new(),
            built: None,
            served: None,
        }
    }

    /// Builds the site and serves it when the build succeeds, the served pages staying as
    /// they were when it fails; `None` when the inputs are those of the last build.
    pub fn rebuild(&mut self, generations: &mut Generations) -> Option<Outcome> {
        // Taken before the build: an edit during it changes the inputs again, and its event
        // brings a rebuild that sees the difference.
        let inputs = Fingerprint::of(&self.root, &self.options.cache_settings());
        if inputs.is_some() && inputs == self.built {
            return None;
        }
        self.built = inputs;
        Some(self.build(generations))
    }

    fn build(&mut self, generations: &mut Generations) -> Outcome {
        // Into the served folder itself, in place, where `write` allows it: only what
        // changed is written and moved in, file by file, each move atomic for a reader.
        // Elsewhere (the first build, a folder holding what its record does not name) into
        // a new generation, served once it is whole.
        let in_place = self
            .served
            .as_ref()
            .is_some_and(|served| crate::write::publishes_in_place(generations.current(), served));
        let out = if in_place {
            generations.current().to_path_buf()
        } else {
            generations.next_dir()
        };
        // Cloned: a build that fails leaves the served folder, and its record, as they were.
        let earlier = self.served.clone();
        let (report, written) = pipeline::build_into(&self.root, &out, &self.options, &Silent, earlier);
        let diagnostics = report.diagnostics.to_vec();
        if report.outcome != pipeline::Outcome::Clean {
            if report.previous_output.is_some() {
                // A commit cut short: the folder no longer holds what the record says, and
                // the next build starts over in a new generation.
                self.served = None;
            }
            self.reported = diagnostics.clone();
            return Outcome::Failed {
                diagnostics,
                sources: report.sources.read_all(),
            };
        }
        if !in_place {
            generations.advance();
        }
        self.served = written.and_then(|written| crate::cache::earlier_output(&out, written));
        let warnings = (diagnostics != self.reported).then(|| {
            self.reported = diagnostics.clone();
            (diagnostics, report.sources.read_all())
        });
        Outcome::Rendered {
            stats: report.stats,
            warnings,
        }
    }
}
