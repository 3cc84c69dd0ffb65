//! Renderers: every output format is a rendering of the same [`rules::report::Report`].

pub mod excerpt;
pub mod html;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;
