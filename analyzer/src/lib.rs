//! The analyzer: discovery, one front-end per input kind (languages behind [`frontend::Frontend`]),
//! the source map and workload linking.
//!
//! It turns a directory into [`Repo`] facts with byte spans. It never executes anything from the
//! scanned tree and never panics on its content: a file that does not parse becomes a
//! [`ParseError`] and the scan goes on.

pub mod build_config;
pub mod cargo;
pub mod container_script;
pub mod discover;
pub mod dockerfile;
pub mod error;
pub mod frontend;
pub mod fsread;
pub mod generated;
pub mod golang;
pub mod helm;
pub mod images;
pub mod k8s;
pub mod kustomize;
pub mod link;
pub mod node;
pub mod operators;
pub mod projects;
pub mod python;
pub mod repo;
pub mod rust;
pub mod services;
pub mod source;
pub mod span;
pub mod wasm;
pub mod yaml;

pub use repo::{Limits, Note, Repo, ScanError, scan, scan_with};
