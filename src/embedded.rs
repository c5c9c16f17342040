//! The default templates and theme, compiled in by `build.rs` from `templates/` and `theme/`.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
