//! Editorial review: what a reader may be told about review is derived here, from the one
//! review record and the fingerprint of the text it approved.

pub mod coverage;
pub mod edit;
pub mod file;
pub mod hash;
pub mod policy;
pub mod queue;
pub mod record;
pub mod root;
pub mod signature;
pub mod since;
pub mod site;
pub mod state;
pub mod trust;
pub mod workflow;

pub use state::{ReviewState, describe_parts, describe_state, review_state};
