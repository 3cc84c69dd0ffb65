//! Every manifest `convert --write` edits or writes validates against the Kubernetes API schema
//! with `kubernetes-validate --strict` (TOOLS.md), for every emit mode, on the demo and the
//! converter's fixtures. Kustomizations and JSON 6902 patch files are not API objects and are
//! rendered by `converter/tests/kustomize_render.rs` instead.
//!
//! The validator is `KUBERNETES_VALIDATE` or `kubernetes-validate` on PATH; without it the test
//! says `SKIPPED` and passes, unless `WASM_MIGRATE_REQUIRE_KUBERNETES_VALIDATE=1` (as `.ci/run`
//! sets after installing it from PyPI).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{copy_tree, fixture, run_in, stderr};

fn validator() -> Option<PathBuf> {
    let candidate = std::env::var_os("KUBERNETES_VALIDATE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("kubernetes-validate"));
    let ok = Command::new(&candidate)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(candidate);
    }
    assert!(
        std::env::var("WASM_MIGRATE_REQUIRE_KUBERNETES_VALIDATE").as_deref() != Ok("1"),
        "kubernetes-validate is required here but {} does not run",
        candidate.display()
    );
    None
}

/// Every file under `dir`, by relative path, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// The YAML API objects `convert --write` changed or created in a copy of `fixture_dir`.
fn converted_manifests(fixture_dir: &Path, args: &[&str]) -> (tempfile::TempDir, Vec<PathBuf>) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    copy_tree(fixture_dir, &root);
    let before = snapshot(&root);
    let mut argv = vec!["convert", "repo", "--write"];
    argv.extend_from_slice(args);
    let out = run_in(tmp.path(), &argv);
    assert_eq!(out.status.code(), Some(0), "{argv:?}: {}", stderr(&out));
    let after = snapshot(&root);
    let files = after
        .iter()
        .filter(|(rel, bytes)| before.get(*rel) != Some(*bytes))
        .filter(|(rel, _)| rel.ends_with(".yaml") || rel.ends_with(".yml"))
        .filter(|(rel, bytes)| {
            let text = String::from_utf8_lossy(bytes);
            !rel.ends_with("kustomization.yaml")
                && text.contains("apiVersion:")
                && text.contains("kind:")
        })
        .map(|(rel, _)| root.join(rel))
        .collect();
    (tmp, files)
}

#[test]
fn every_manifest_convert_writes_validates_strictly() {
    let Some(validator) = validator() else {
        eprintln!("SKIPPED: kubernetes-validate not found (pip install kubernetes-validate)");
        return;
    };
    let cases: &[(&str, &[&str])] = &[
        ("demo", &[]),
        ("demo", &["--emit", "spinapp", "--runtime-class-manifest"]),
        ("demo", &["--emit", "kustomize", "--runtime-class-manifest"]),
        ("convert/dapr-probes", &[]),
        ("convert/dapr-spinapp", &["--emit", "spinapp"]),
        ("convert/grpc", &["--allow-grpc"]),
        ("convert/outbound", &[]),
        ("convert/spinapp-fields", &["--emit", "spinapp"]),
        ("convert/kustomize-rc", &["--runtime-class-manifest"]),
    ];
    let mut checked = 0;
    for (name, args) in cases {
        let (_tmp, files) = converted_manifests(&fixture(name), args);
        assert!(!files.is_empty(), "{name} {args:?}: nothing converted");
        let out = Command::new(&validator)
            .args(["--strict", "-k", "1.30.0"])
            .args(&files)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name} {args:?}: kubernetes-validate --strict failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        checked += files.len();
    }
    eprintln!("kubernetes-validate --strict: {checked} converted manifests valid");
}
