//! Progress of long work, reported to whoever shows it. The pipeline only calls an
//! observer; whether that draws a bar on a terminal or nothing is the command's choice.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::Duration;

/// Receives the pipeline's progress. Calls come from many threads at once (pages render
/// in parallel), hence `Sync`; every method has a do-nothing default.
pub trait Progress: Sync {
    /// A stage begins: `name` is what it does ("checking", "rendering"), `total` the number
    /// of steps when it is known in advance.
    fn stage(&self, _name: &'static str, _total: Option<u64>) {}
    /// One step of the current stage is done.
    fn step(&self) {}
    /// The work is over: remove whatever was drawn.
    fn finish(&self) {}
}

/// Reports nothing: for `check`, tests, `serve`'s rebuilds and output that is not a terminal.
pub struct Silent;

impl Progress for Silent {}

/// A progress bar on standard error (indicatif): a spinner while the site is read and
/// checked, then a bar of pages rendered. It is drawn only on a terminal, and cleared when
/// done so that only the summary line stays.
pub struct TerminalBar {
    bar: ProgressBar,
}

impl TerminalBar {
    pub fn new() -> TerminalBar {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.enable_steady_tick(Duration::from_millis(100));
        TerminalBar { bar }
    }
}

impl Default for TerminalBar {
    fn default() -> Self {
        TerminalBar::new()
    }
}

impl Progress for TerminalBar {
    fn stage(&self, name: &'static str, total: Option<u64>) {
        let style = match total {
            Some(total) => {
                self.bar.set_length(total);
                self.bar.set_position(0);
                ProgressStyle::with_template("{spinner} {msg:<10} [{bar:30}] {pos}/{len} pages ({eta} left)")
            }
            None => {
                self.bar.unset_length();
                ProgressStyle::with_template("{spinner} {msg} … {elapsed}")
            }
        };
        // The templates above are constants; a failure to parse them would be a bug here,
        // and the default style is an acceptable fallback rather than a crash.
        if let Ok(style) = style {
            self.bar.set_style(style.progress_chars("=> "));
        }
        self.bar.set_message(name);
    }

    fn step(&self) {
        self.bar.inc(1);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for TerminalBar {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
