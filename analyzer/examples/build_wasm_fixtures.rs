//! Builds the `.wasm` fixtures from their committed `.wat` sources, so every binary
//! fixture can be reproduced and reviewed as text.
//!
//! Run from the workspace root: `cargo run -p wasm-migrate-analyzer --example build_wasm_fixtures`.
//! Each `NAME.wat` under `fixtures/wasm/`, `fixtures/wasm-linked/` and
//! `fixtures/rules/WM4*/{fires,clean}/` becomes
//! `NAME.wasm` (the `wat` crate encodes both core modules and components);
//! `truncated.wasm` and `not-wasm.wasm` are derived as described in `fixtures/wasm/README.md`.
//! The analyzer's tests check that the committed binaries equal what this produces.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Bytes kept of `wasip1-command.wasm` for `truncated.wasm`: cuts the type section mid-entry.
const TRUNCATE_AT: usize = 20;

/// The content of `not-wasm.wasm`: a shell script someone named `.wasm`.
const NOT_WASM: &[u8] =
    b"#!/bin/sh\n# a shell script with a .wasm name: not a module\necho hello\n";

fn main() -> ExitCode {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    match build(&fixtures) {
        Ok(written) => {
            for path in written {
                let shown = path.strip_prefix(&fixtures).unwrap_or(&path);
                println!("wrote fixtures/{}", shown.display());
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The `.wat` sources: `fixtures/wasm/*.wat`, the `WM4xx` rule fixtures
/// (`fixtures/rules/WM4*/{fires,clean}/*.wat`) and everything under `fixtures/wasm-linked/`.
fn sources(fixtures: &Path) -> Result<Vec<PathBuf>, String> {
    let mut dirs = vec![fixtures.join("wasm")];
    let rules = fixtures.join("rules");
    for entry in read_dir(&rules)? {
        if entry
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("WM4"))
        {
            dirs.push(entry.join("fires"));
            dirs.push(entry.join("clean"));
        }
    }
    // fixtures/wasm-linked/ is a small repository: every directory in it.
    let mut pending = vec![fixtures.join("wasm-linked")];
    while let Some(dir) = pending.pop() {
        for path in read_dir(&dir)? {
            if path.is_dir() {
                pending.push(path);
            }
        }
        dirs.push(dir);
    }
    let mut sources = Vec::new();
    for dir in dirs {
        sources.extend(
            read_dir(&dir)?
                .into_iter()
                .filter(|p| p.extension().is_some_and(|e| e == "wat")),
        );
    }
    sources.sort();
    Ok(sources)
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    Ok(entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect())
}

fn build(fixtures: &Path) -> Result<Vec<PathBuf>, String> {
    let mut written = Vec::new();
    for source in sources(fixtures)? {
        let bytes = wat::parse_file(&source).map_err(|e| format!("{}: {e}", source.display()))?;
        let out = source.with_extension("wasm");
        write(&out, &bytes)?;
        written.push(out);
    }

    let dir = fixtures.join("wasm");
    let command = std::fs::read(dir.join("wasip1-command.wasm"))
        .map_err(|e| format!("wasip1-command.wasm: {e}"))?;
    let truncated = command
        .get(..TRUNCATE_AT)
        .ok_or("wasip1-command.wasm is too short")?;
    let out = dir.join("truncated.wasm");
    write(&out, truncated)?;
    written.push(out);

    let out = dir.join("not-wasm.wasm");
    write(&out, NOT_WASM)?;
    written.push(out);
    Ok(written)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
