//! The Cargo front-end: manifests, lock files, cfg evaluation and workspace assembly; with
//! [`crate::rust`] it is the Rust language front-end ([`pipeline::RustFrontend`]).
//!
//! Nothing here runs cargo or reads outside the scanned files: the model is built from the
//! `Cargo.toml` and `Cargo.lock` text alone, with byte spans for every fact a rule may report.
//! The one exception is opt-in: [`metadata`] (`scan --cargo-metadata`).

pub mod cfg;
pub mod lock;
pub mod manifest;
pub mod metadata;
pub mod paths;
pub mod pipeline;
pub mod prebuilt;
pub(crate) mod tree;
pub mod workspace;

pub use cfg::{Cfg, CfgContext, WasiTarget};
pub use lock::{LockPackage, Lockfile, parse_lock};
pub use manifest::{
    BuildDecl, DepKind, DepSource, DepTarget, Dependency, FeatureDecl, Manifest, Package,
    TargetDecl, TargetKind, WorkspaceDecl, parse_manifest,
};
pub use workspace::{
    CargoProject, CargoWorkspace, ChainStep, FileRole, Member, Node, Reach, Request, Target,
};
