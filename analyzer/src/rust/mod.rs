//! Rust source front-end (in progress).
