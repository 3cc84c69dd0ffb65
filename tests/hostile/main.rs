//! The hostile-input suite: what a pull request from anyone can carry (git stores symlinks, FIFOs
//! can be made by a checkout hook or a previous step, files compress to nothing), one test per
//! defect of the hostile-input campaign plus the cases that already held. Every input is
//! generated here at test time; nothing large is committed.
//!
//! Each test runs the real binary through [`bounded::run`], which measures the child's wall time
//! and peak memory (wait4's rusage), caps its address space so a regression fails the test
//! instead of the CI runner, and kills it at a generous deadline. The limits asserted are
//! generous bounds that catch a hang or a blow-up, not speed targets (those live in
//! docs/performance.md).

mod bounded;
mod config;
mod convert;
mod ignore_files;
mod inputs;
mod kustomize;
mod node;
mod output;
mod toolchain;
