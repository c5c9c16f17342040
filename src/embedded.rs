//! The default templates and theme, compiled in by `build.rs` from `templates/` and `theme/`.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// What identifies the running binary: its version, and the size and date of the
/// executable. A rebuilt binary of the same version may render differently (other templates
/// compiled in, other code), so the caches that key on this (the build cache, the editions
/// already built) reuse nothing an older binary made.
pub fn binary_identity() -> String {
    // Read once: the code running is the binary as it was when the process started, even if
    // the file is replaced meanwhile, and the kept parses of a build ask for it per file.
    static IDENTITY: std::sync::LazyLock<String> = std::sync::LazyLock::new(describe_binary);
    IDENTITY.clone()
}

fn describe_binary() -> String {
    let described = std::env::current_exe()
        .and_then(std::fs::metadata)
        .ok()
        .and_then(|meta| {
            let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
            Some(format!(
                "{} {} {}",
                env!("CARGO_PKG_VERSION"),
                meta.len(),
                modified.as_nanos()
            ))
        });
    // Unknown: an identity no entry can match, so that nothing is ever reused.
    described.unwrap_or_else(|| format!("unknown {}", std::process::id()))
}
