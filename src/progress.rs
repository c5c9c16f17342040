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

/// Times each stage (`--timings`): when a stage begins, the one before it ends. The
/// figures go to standard error at `finish`, for whoever wants to know where a large
/// site's build spends its time.
pub struct StageClock {
    stages: std::sync::Mutex<Vec<(&'static str, Mark)>>,
}

/// Where the process stood when a stage began: wall clock, CPU time over all threads and
/// resident memory. CPU time beside wall time shows which stages keep both cores busy.
#[derive(Clone, Copy)]
struct Mark {
    at: std::time::Instant,
    cpu: Option<Duration>,
    resident: Option<u64>,
}

impl Mark {
    fn now() -> Mark {
        Mark {
            at: std::time::Instant::now(),
            cpu: cpu_time(),
            resident: resident_bytes(),
        }
    }
}

/// One stage as `--timings` reports it.
#[derive(Clone, Copy, Debug)]
pub struct StageTime {
    pub name: &'static str,
    pub wall: Duration,
    /// User plus system time of every thread, where the system tells (Linux).
    pub cpu: Option<Duration>,
    /// Resident memory when the stage ended.
    pub resident: Option<u64>,
}

/// The CPU time the process has used so far, user and system, all threads (Linux).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name in parentheses may hold spaces: count fields after its closing one.
    let fields: Vec<&str> = stat.get(stat.rfind(')')? + 1..)?.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    // Clock ticks of USER_HZ, which is 100 on every architecture we build for.
    Some(Duration::from_millis((user + system) * 10))
}

/// The process's resident memory now, in bytes, where the system tells (Linux).
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line
        .trim_start_matches("VmRSS:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

impl StageClock {
    pub fn new() -> StageClock {
        StageClock {
            stages: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// Each stage with its wall time, CPU time and the memory in use when it ended, in the
    /// order they ran.
    pub fn durations(&self) -> Vec<StageTime> {
        let now = Mark::now();
        let stages = self.stages.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut durations = Vec::with_capacity(stages.len());
        // Whatever ran before the first stage (parsing the command line) is not a stage.
        let ends = stages.iter().skip(1).map(|(_, mark)| *mark).chain([now]);
        for (&(name, began), ended) in stages.iter().zip(ends) {
            durations.push(StageTime {
                name,
                wall: ended.at - began.at,
                cpu: ended.cpu.zip(began.cpu).map(|(end, start)| end.saturating_sub(start)),
                resident: ended.resident,
            });
        }
        durations
    }
}

impl Default for StageClock {
    fn default() -> Self {
        StageClock::new()
    }
}

impl Progress for StageClock {
    fn stage(&self, name: &'static str, _total: Option<u64>) {
        let mut stages = self.stages.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        stages.push((name, Mark::now()));
    }

    fn finish(&self) {
        for stage in self.durations() {
            let cpu = stage
                .cpu
                .map(|cpu| format!(", {:>5.0} ms CPU", cpu.as_secs_f64() * 1000.0))
                .unwrap_or_default();
            let memory = stage
                .resident
                .map(|bytes| format!(", {} MB resident after", bytes >> 20))
                .unwrap_or_default();
            eprintln!(
                "timings: {:<25} {:>6.0} ms{cpu}{memory}",
                stage.name,
                stage.wall.as_secs_f64() * 1000.0
            );
        }
    }
}
