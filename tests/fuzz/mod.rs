//! A small corpus-mutation fuzzer for the property tests: it takes real inputs (the demo
//! site, the test fixtures), mutates them the way libFuzzer does (flip, insert, delete,
//! repeat, splice, insert a token of the format), and checks a property on each mutant.
//!
//! It runs on the stable toolchain inside `cargo test`, deterministically: the seed and the
//! iteration count are fixed unless the environment says otherwise, so a failure found in
//! CI fails the same way on a laptop. A failing input is written to
//! `target/tmp/fuzz-failures/<target>-<iteration>` and named in the panic message.
//!
//! - `EVIDENT_FUZZ_ITERATIONS`: mutants per target (default 200, for the bounded run);
//! - `EVIDENT_FUZZ_SECONDS`: time per target after which a run stops early (default 20);
//! - `EVIDENT_FUZZ_SEED`: the generator's seed (default fixed), for long runs with new seeds.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The largest mutant: past it, a mutation that would grow the input shrinks it instead, so
/// that a run stays fast; size limits themselves are tested on their own.
const MAX_LEN: usize = 64 * 1024;

/// xorshift64*: small, fast, and the same sequence on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// One run's settings, read from the environment.
pub struct Settings {
    pub iterations: usize,
    pub budget: Duration,
    pub seed: u64,
}

impl Settings {
    pub fn from_env() -> Settings {
        let number = |name: &str, default: u64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(default)
        };
        Settings {
            iterations: number("EVIDENT_FUZZ_ITERATIONS", 200) as usize,
            budget: Duration::from_secs(number("EVIDENT_FUZZ_SECONDS", 20)),
            seed: number("EVIDENT_FUZZ_SEED", 0x05ee_de71_de27),
        }
    }
}

/// Applies one to eight mutations to `input`.
pub fn mutate(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>], tokens: &[&[u8]]) -> Vec<u8> {
    let mut data = input.to_vec();
    for _ in 0..=rng.below(8) {
        mutate_once(rng, &mut data, corpus, tokens);
        if data.len() > MAX_LEN {
            data.truncate(MAX_LEN);
        }
    }
    data
}

fn mutate_once(rng: &mut Rng, data: &mut Vec<u8>, corpus: &[Vec<u8>], tokens: &[&[u8]]) {
    let at = |rng: &mut Rng, data: &Vec<u8>| rng.below(data.len() + 1);
    match rng.below(9) {
        0 if !data.is_empty() => {
            let i = rng.below(data.len());
            data[i] ^= 1 << rng.below(8);
        }
        1 => {
            let i = at(rng, data);
            data.insert(i, rng.next() as u8);
        }
        2 if !data.is_empty() => {
            let start = rng.below(data.len());
            let end = (start + 1 + rng.below(32)).min(data.len());
            data.drain(start..end);
        }
        3 if !data.is_empty() => {
            // Repeat a piece many times: deep nesting, long lines, many citations.
            let start = rng.below(data.len());
            let end = (start + 1 + rng.below(16)).min(data.len());
            let piece = data[start..end].to_vec();
            let times = 1 + rng.below(200);
            let i = at(rng, data);
            let repeated: Vec<u8> = piece.iter().copied().cycle().take(piece.len() * times).collect();
            data.splice(i..i, repeated);
        }
        4 | 5 if !tokens.is_empty() => {
            let token = *rng.pick(tokens);
            let i = at(rng, data);
            data.splice(i..i, token.iter().copied());
        }
        6 if !corpus.is_empty() => {
            // Splice: this input's head with another's tail.
            let other = rng.pick(corpus);
            let cut = at(rng, data);
            let from = rng.below(other.len() + 1);
            data.truncate(cut);
            data.extend_from_slice(&other[from..]);
        }
        7 if !data.is_empty() => {
            let i = rng.below(data.len());
            data.truncate(i);
        }
        _ if !data.is_empty() => {
            // Swap two lines' worth of bytes: reorders keys and blocks.
            let a = rng.below(data.len());
            let b = rng.below(data.len());
            data.swap(a, b);
        }
        _ => data.push(rng.next() as u8),
    }
}

/// What one target's run did, for the log and the long-run record.
pub struct Ran {
    pub iterations: usize,
    pub elapsed: Duration,
}

/// Checks `property` on every seed, then on mutants of them until `settings` says stop.
/// A panic inside the property is a failure like an `Err`.
pub fn run(
    target: &'static str,
    seeds: &[Vec<u8>],
    tokens: &[&[u8]],
    settings: &Settings,
    property: impl Fn(&[u8]) -> Result<(), String>,
) -> Ran {
    assert!(!seeds.is_empty(), "{target}: no seed inputs");
    let started = Instant::now();
    let mut rng = Rng::new(settings.seed ^ fnv(target.as_bytes()));
    let check = |iteration: usize, input: &[u8]| {
        let outcome = catch_unwind(AssertUnwindSafe(|| property(input)));
        let problem = match outcome {
            Ok(Ok(())) => return,
            Ok(Err(problem)) => problem,
            Err(panic) => format!("panicked: {}", panic_text(&panic)),
        };
        let saved = save_failure(target, iteration, input);
        panic!(
            "{target}, iteration {iteration} (seed {:#x}): {problem}\ninput saved to {}",
            settings.seed,
            saved.display()
        );
    };
    for (i, seed) in seeds.iter().enumerate() {
        check(i, seed);
    }
    let mut iterations = 0;
    while iterations < settings.iterations && started.elapsed() < settings.budget {
        let base = rng.pick(seeds).clone();
        let mutant = mutate(&mut rng, &base, seeds, tokens);
        check(seeds.len() + iterations, &mutant);
        iterations += 1;
    }
    let ran = Ran {
        iterations,
        elapsed: started.elapsed(),
    };
    eprintln!(
        "fuzz {target}: {} seeds, {} mutants in {:.1?}",
        seeds.len(),
        ran.iterations,
        ran.elapsed
    );
    ran
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

fn save_failure(target: &str, iteration: usize, input: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{target}-{iteration}"));
    let _ = std::fs::write(&path, input);
    path
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Every file under `dir` (relative to the repository) whose name ends with one of `endings`.
pub fn seeds_from(dirs: &[&str], endings: &[&str]) -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    for dir in dirs {
        collect(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), endings, &mut files);
    }
    files.sort();
    files.into_iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

fn collect(dir: &Path, endings: &[&str], files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            collect(&path, endings, files);
        } else if kind.is_file() && endings.iter().any(|e| path.to_string_lossy().ends_with(e)) {
            files.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_repeats_itself_for_a_seed() {
        let run = |seed| {
            let mut rng = Rng::new(seed);
            mutate(&mut rng, b"question: x", &[b"abc".to_vec()], &[b"[@"])
        };
        assert_eq!(run(7), run(7));
    }
}
