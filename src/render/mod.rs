//! Renderers: every output format is a rendering of the same [`rules::report::Report`].

pub mod human;
pub mod json;
