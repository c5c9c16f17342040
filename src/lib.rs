//! Evident: a static site generator for evidence-based medical knowledge bases.
//!
//! The pipeline is the architecture: [`load`] → [`parse`] → [`check`] → [`link`] →
//! [`render`] → [`write`], run in order by [`pipeline`]. Each stage hands plain data forward.

pub mod bibliography;
pub mod cache;
pub mod check;
pub mod commands;
pub mod config;
pub mod date;
pub mod diagnostic;
mod digest_bytes;
pub mod editions;
mod embedded;
pub mod fast_hash;
pub mod html;
pub mod import;
pub mod link;
pub mod load;
pub mod packed;
pub mod parse;
pub mod people;
pub mod pipeline;
pub mod progress;
pub mod render;
pub mod review;
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod serve;
pub mod site_path;
pub mod slug;
pub mod standards;
pub mod text;
pub mod versions;
pub mod write;
