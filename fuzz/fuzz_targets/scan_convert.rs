//! The whole pipeline the binary runs for `scan` and `convert`: the input becomes a tiny
//! repository on disk, `analyzer::scan` reads it, the rules engine judges it, and the converter
//! plans, edits, verifies and renders the diff, as `src/scan_cmd.rs` and `src/convert_cmd.rs`
//! chain them.
//!
//! Input layout: byte 0 picks the converter options (bits 0-1 `--emit`, bit 2
//! `--runtime-class-manifest`, bit 3 `no_suppressions`); the rest is split on NUL bytes into, in
//! order, `k8s/app.yaml`, `Dockerfile`, `kustomization.yaml`, the `.wasm-migrate.toml` text
//! (its `[convert]` table goes through `ConvertConfig::from_toml`), `Cargo.toml` and
//! `src/main.rs`. Empty or missing parts are not written. Property: nothing panics.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use converter::config::ConvertConfig;
use converter::plan::PlanOptions;
use converter::{Emit, Options};
use libfuzzer_sys::fuzz_target;
use rules::engine::{self, Options as EngineOptions};

const FILES: [&str; 6] = [
    "k8s/app.yaml",
    "Dockerfile",
    "kustomization.yaml",
    ".wasm-migrate.toml",
    "Cargo.toml",
    "src/main.rs",
];

/// One scratch directory per process, on tmpfs when there is one.
fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if std::path::Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        base.join(format!("wasm-migrate-fuzz-{}", std::process::id()))
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let root = scratch();
    let _ = std::fs::remove_dir_all(root);
    std::fs::create_dir_all(root.join("k8s")).expect("scratch dir");
    std::fs::create_dir_all(root.join("src")).expect("scratch dir");

    let mut cfg = ConvertConfig::default();
    for (part, name) in rest.split(|b| *b == 0).zip(FILES) {
        if part.is_empty() {
            continue;
        }
        if name == ".wasm-migrate.toml" {
            // Same rule as the binary: a config that does not parse stops the run.
            match ConvertConfig::from_toml(&String::from_utf8_lossy(part)) {
                Ok(c) => cfg = c,
                Err(_) => return,
            }
        }
        std::fs::write(root.join(name), part).expect("write scratch file");
    }

    let Ok(repo) = analyzer::scan(root) else { return };
    let eopts = EngineOptions {
        root_display: root.display().to_string(),
        no_suppressions: selector & 8 != 0,
        ..Default::default()
    };
    let report = engine::run(&repo, &eopts);
    let opts = Options {
        emit: match selector & 3 {
            1 => Emit::SpinApp,
            2 => Emit::Kustomize,
            _ => Emit::Deployment,
        },
        runtime_class_manifest: selector & 4 != 0,
        plan: PlanOptions::default(),
    };
    let conv = converter::convert(&repo, &report, &cfg, &opts);
    let _ = converter::diff::render(&conv);
    let _ = converter::diff::summary(&conv);
});
