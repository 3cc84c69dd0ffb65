//! Helpers shared by the end-to-end tests: run the real binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo_root().join("fixtures").join(name)
}

/// Run `wasm-migrate ARGS` from `cwd` with colour off.
pub fn run_in(cwd: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_wasm-migrate"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("run wasm-migrate")
}

pub fn run(args: &[&str]) -> Output {
    run_in(&repo_root(), args)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Copy a directory tree (files and directories only).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
        let target = to.join(entry.file_name());
        let ft = entry.file_type().expect("file type");
        if ft.is_dir() {
            copy_tree(&entry.path(), &target);
        } else if ft.is_file() {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Write `files` (path, text) under a fresh `repo/` and scan it as JSON (exit 0 asserted).
pub fn scan_files(files: &[(&str, &str)]) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, text) in files {
        let p = dir.path().join("repo").join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    let out = run_in(dir.path(), &["scan", "repo", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

/// Scan `fixture` (a path from the repository root) as JSON; exit 0 or 1 (findings over the
/// threshold) asserted.
pub fn scan_fixture(fixture: &str) -> serde_json::Value {
    let out = run(&["scan", fixture, "--format", "json"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

/// The workload `id` of a scan of `fixture`.
pub fn scanned_workload(fixture: &str, id: &str) -> serde_json::Value {
    workload(&scan_fixture(fixture), id).clone()
}

/// The workload `id` of a JSON report.
pub fn workload<'v>(report: &'v serde_json::Value, id: &str) -> &'v serde_json::Value {
    report["workloads"]
        .as_array()
        .expect("workloads")
        .iter()
        .find(|w| w["id"] == id)
        .unwrap_or_else(|| panic!("no workload {id} in {report}"))
}

/// `file:line:column` of a JSON finding.
pub fn location(f: &serde_json::Value) -> String {
    format!(
        "{}:{}:{}",
        f["file"].as_str().unwrap_or(""),
        f["line"],
        f["column"]
    )
}

/// The workload's findings of `rule`.
pub fn findings_of<'v>(w: &'v serde_json::Value, rule: &str) -> Vec<&'v serde_json::Value> {
    w["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

/// The workload's finding of `rule` at `file:line:column`.
pub fn finding_at<'v>(w: &'v serde_json::Value, rule: &str, at: &str) -> &'v serde_json::Value {
    findings_of(w, rule)
        .into_iter()
        .find(|f| location(f) == at)
        .unwrap_or_else(|| panic!("no {rule} at {at} in {w}"))
}
