//! The converter: migration plans for suitable workloads, applied as lossless YAML edits.

pub mod yamledit;
