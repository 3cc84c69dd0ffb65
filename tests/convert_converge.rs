//! End-to-end: `convert --write` converges on the first run for every `--emit` (a `--check` right
//! after exits 0 and a second `--write` writes nothing), the files it generated are not counted as
//! new workloads by `scan`, the mark does not hide a file convert did not write, and
//! `--emit spinapp` lists every field a SpinApp cannot hold (issue 22, items 3 and 5).

mod common;

use std::path::Path;

use common::{copy_tree, fixture, run_in, stderr, stdout};

/// `(id, verdict)` of every workload `scan` reports, and the notes' messages.
fn scan(cwd: &Path, root: &str) -> (Vec<(String, String)>, Vec<String>) {
    let out = run_in(cwd, &["scan", root, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("scan json");
    let workloads = v["workloads"]
        .as_array()
        .expect("workloads")
        .iter()
        .map(|w| {
            (
                w["id"].as_str().expect("id").to_string(),
                w["verdict"].as_str().expect("verdict").to_string(),
            )
        })
        .collect();
    let notes = v["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .map(|n| {
            format!(
                "{}: {}",
                n["file"].as_str().unwrap_or("?"),
                n["message"].as_str().unwrap_or("?")
            )
        })
        .collect();
    (workloads, notes)
}

/// Copy `fixture` to a temp dir, `convert --write` with `args`, then check it converged: `--check`
/// exits 0, a second `--write` writes nothing, and `scan` reports the workloads it did before
/// (same ids and verdicts when the conversion left the base untouched). Returns the scan notes
/// afterwards and the temp dir (kept alive by the caller).
fn converges(
    fixture_name: &str,
    args: &[&str],
    same_verdicts: bool,
) -> (Vec<String>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&fixture(fixture_name), &dir.path().join("repo"));
    let (before, _) = scan(dir.path(), "repo");

    let mut write = vec!["convert", "repo", "--write"];
    write.extend_from_slice(args);
    let out = run_in(dir.path(), &write);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    assert!(
        stdout(&out).contains("\nwrote "),
        "{args:?}: nothing written:\n{}",
        stdout(&out)
    );

    let mut check = vec!["convert", "repo", "--check"];
    check.extend_from_slice(args);
    let out = run_in(dir.path(), &check);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{fixture_name} {args:?}: --check after the first --write:\n{}",
        stdout(&out)
    );
    let out = run_in(dir.path(), &write);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        !stdout(&out).contains("\nwrote "),
        "{fixture_name} {args:?}: the second --write wrote again:\n{}",
        stdout(&out)
    );

    let (after, notes) = scan(dir.path(), "repo");
    // A Deployment emitted as a SpinApp keeps its namespace and name; its kind is the change.
    let spinapp = args.contains(&"spinapp");
    let ids = |w: &[(String, String)]| {
        w.iter()
            .map(|(id, _)| match id.split_once('/') {
                Some(("SpinApp" | "Deployment", rest)) if spinapp => format!("*/{rest}"),
                _ => id.clone(),
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&after),
        ids(&before),
        "{fixture_name} {args:?}: scan after convert"
    );
    if same_verdicts {
        assert_eq!(
            after, before,
            "{fixture_name} {args:?}: verdicts after convert"
        );
    }
    (notes, dir)
}

#[test]
fn emit_kustomize_converges_on_the_demo_and_scan_keeps_its_workloads() {
    let (notes, dir) = converges("demo", &["--emit", "kustomize"], true);
    assert!(
        dir.path()
            .join("repo/k8s/base-wasm/kustomization.yaml")
            .is_file()
    );
    assert!(
        notes.contains(&"k8s/base-wasm/kustomization.yaml: the repository holds a wasm-migrate conversion: a Kustomize overlay of `k8s/base` written by `wasm-migrate convert`: the workloads it renders are those of its base, not counted again".to_string()),
        "{notes:#?}"
    );
    assert!(
        notes.iter().any(|n| n.starts_with(
            "frontend/Dockerfile.wasm: the repository holds a wasm-migrate conversion"
        )),
        "{notes:#?}"
    );
    assert!(
        !notes.iter().any(|n| n.contains("`patches` is not applied")),
        "a generated overlay's patches are convert's own: {notes:#?}"
    );
}

#[test]
fn emit_kustomize_with_runtime_class_manifest_converges() {
    let (_, dir) = converges(
        "demo",
        &["--emit", "kustomize", "--runtime-class-manifest"],
        true,
    );
    let k = std::fs::read_to_string(dir.path().join("repo/k8s/base-wasm/kustomization.yaml"))
        .expect("overlay");
    assert!(k.contains("- runtimeclass-wasmtime-spin-v2.yaml\n"), "{k}");
}

/// In place, the converted workloads change (runtimeClassName, Wasm image), so only their ids are
/// compared; the generated Dockerfile.wasm must not become a workload of its own.
#[test]
fn emit_deployment_and_spinapp_converge_with_and_without_the_runtime_class() {
    for args in [
        &["--emit", "deployment"][..],
        &["--emit", "deployment", "--runtime-class-manifest"],
        &["--emit", "spinapp"],
        &["--emit", "spinapp", "--runtime-class-manifest"],
    ] {
        converges("demo", args, false);
        converges("convert/kustomize-rc", args, false);
        converges("convert/spinapp-fields", args, false);
    }
}

#[test]
fn runtime_class_manifest_joins_the_kustomization_and_converges() {
    let (_, dir) = converges("convert/kustomize-rc", &["--runtime-class-manifest"], false);
    let k = std::fs::read_to_string(dir.path().join("repo/deploy/app/kustomization.yaml"))
        .expect("kustomization");
    assert_eq!(
        k,
        "# The api's base; prod builds on it. Comments and order here must survive convert.\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nlabels:\n  - pairs:\n      team: payments\nresources:\n  - api.yaml # the workload\n  - api-svc.yaml\n  - runtimeclass-wasmtime-spin-v2.yaml\n"
    );
}

/// Without a kustomization listing the manifest, the output says where the RuntimeClass goes.
#[test]
fn runtime_class_manifest_without_a_kustomization_says_how_to_apply_it() {
    let out = common::run(&[
        "convert",
        "fixtures/convert/spinapp-fields",
        "--runtime-class-manifest",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("\nnotes:\n  - no kustomization lists `k8s/greeter.yaml`: apply `k8s/runtimeclass-wasmtime-spin-v2.yaml` with the manifests (`kubectl apply -f k8s/runtimeclass-wasmtime-spin-v2.yaml`) before the converted pods, or the API server refuses them (RuntimeClass not found)\n"),
        "{}",
        stdout(&out)
    );
}

/// A loadgenerator-style Deployment (init container, pod and container securityContext, grace
/// period, tolerations, envFrom) stays a Deployment under `--emit spinapp`, and every field a
/// SpinApp cannot hold is listed with its file:line.
#[test]
fn spinapp_lists_every_field_that_does_not_fit() {
    let out = common::run(&[
        "convert",
        "fixtures/convert/spinapp-fields",
        "--emit",
        "spinapp",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let loadgen = text
        .split("\n\n")
        .find(|s| s.starts_with("Deployment/shop/loadgen"))
        .unwrap_or_else(|| panic!("{text}"));
    let decisions = loadgen
        .split("  needs a decision:\n")
        .nth(1)
        .and_then(|s| s.split("  assumes:\n").next())
        .unwrap_or_else(|| panic!("{loadgen}"));
    assert_eq!(
        decisions,
        "    - not emitted as a SpinApp: 6 fields a SpinApp cannot hold, listed below; rewritten as a Deployment with runtimeClassName instead
    - does not fit a SpinApp: `spec.template.spec.terminationGracePeriodSeconds` (k8s/loadgen.yaml:21): a SpinApp has no terminationGracePeriodSeconds: its pods get the default 30 s to stop (only the default `30` fits)
    - does not fit a SpinApp: `spec.template.spec.securityContext` (k8s/loadgen.yaml:23): a SpinApp has no pod securityContext: its pods run with the namespace's defaults
    - does not fit a SpinApp: `spec.template.spec.tolerations` (k8s/loadgen.yaml:26): a SpinApp places its pods only through the executor's RuntimeClass (whose scheduling.tolerations may hold them)
    - does not fit a SpinApp: `spec.template.spec.initContainers` (k8s/loadgen.yaml:30): a SpinApp runs one Spin app container and has no init containers
    - does not fit a SpinApp: `spec.template.spec.containers[main].securityContext` (k8s/loadgen.yaml:37): a SpinApp has no container securityContext: the app would run with the namespace's defaults
    - does not fit a SpinApp: `spec.template.spec.containers[main].envFrom` (k8s/loadgen.yaml:47): a SpinApp binds variables one by one; it has no envFrom
    - envFrom configMapRef `loadgen-tuning` at k8s/loadgen.yaml:48 is not read here: if its keys name peers the module calls, add them to allowed_outbound_hosts (`scheme://host:port`) by hand
"
    );
    assert!(
        text.contains("+      runtimeClassName: wasmtime-spin-v2\n"),
        "{text}"
    );
    assert!(
        text.contains("+kind: SpinApp\n"),
        "the greeter fits: {text}"
    );
}

/// The mark is honoured only at the paths and in the shapes convert writes: a marked manifest,
/// a marked overlay with a namespace convert never writes, and a marked `Dockerfile` (not
/// `Dockerfile.wasm`) are scanned as usual; an unmarked `Dockerfile.wasm` too.
#[test]
fn the_mark_does_not_hide_files_convert_did_not_write() {
    let root = common::repo_root();
    let (workloads, notes) = scan(&root, "fixtures/generated-marker");
    let ids: Vec<&str> = workloads.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "Deployment/other/web",
            "Deployment/default/app",
            "dockerfile:tools/Dockerfile.wasm",
            "dockerfile:worker/Dockerfile",
        ]
    );
    assert!(
        !notes.iter().any(|n| n.contains("wasm-migrate conversion")),
        "{notes:#?}"
    );
}

/// A base directory without a kustomization.yaml gets a generated one listing its manifests (so
/// the overlay can build on it): `scan` afterwards still reads those manifests as it did.
#[test]
fn emit_kustomize_over_a_plain_directory_converges_and_keeps_the_workloads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    copy_tree(&fixture("convert/kustomize"), &root);
    // The fixture's images are built elsewhere (the scan says `unknown`): vouch for them.
    let cfg = root.join(".wasm-migrate.toml");
    let mut text = std::fs::read_to_string(&cfg).expect("config");
    text.push_str("\n[convert]\nthreshold = \"unknown\"\n");
    std::fs::write(&cfg, text).expect("config");
    let (before, _) = scan(dir.path(), "repo");
    let out = run_in(
        dir.path(),
        &["convert", "repo", "--emit", "kustomize", "--write"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(root.join("deploy/plain/kustomization.yaml").is_file());
    assert!(root.join("deploy/plain-wasm/kustomization.yaml").is_file());
    let out = run_in(
        dir.path(),
        &["convert", "repo", "--emit", "kustomize", "--check"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let (after, notes) = scan(dir.path(), "repo");
    assert_eq!(after, before);
    assert!(
        notes.iter().any(|n| n.starts_with("deploy/plain/kustomization.yaml: the repository holds a wasm-migrate conversion: a Kustomize base listing")),
        "{notes:#?}"
    );
}
