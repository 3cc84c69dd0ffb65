//! The converter: migration plans for workloads the scan judged suitable, applied as lossless
//! YAML edits and verified, then rendered as a diff, written in place, or emitted as a SpinApp or
//! a Kustomize overlay, with the Wasm image recipe for each workload (DESIGN §7-8, issue 4).

pub mod catalogue;
pub mod config;
pub mod convert;
pub mod diff;
pub mod emit;
pub mod helm;
pub mod json;
pub mod outbound;
pub mod overlay;
pub mod plan;
pub mod ports;
pub mod recipe;
pub mod runtimeclass;
pub mod spinapp;
pub mod spinapp_fit;
pub mod verify;
pub mod write;
pub mod yamledit;

pub use config::{ConvertConfig, KubeVersion, Runtime};
pub use convert::{Conversion, Emit, FileChange, Options, convert};
