//! `convert --emit helm-values` on charts of our own: a chart that takes `runtimeClassName` and
//! the image from values gets a values override, one that does not gets a post-renderer overlay,
//! and each, applied with the real `helm template`, yields a pod spec with the RuntimeClass.
//!
//! The helm runs need a helm (`WASM_MIGRATE_TEST_HELM`, or `helm` on PATH) and the post-renderer
//! one kustomize (`KUSTOMIZE`, or `kustomize` on PATH); without them those steps say SKIPPED on
//! stderr, unless `WASM_MIGRATE_REQUIRE_HELM=1` / `WASM_MIGRATE_REQUIRE_KUSTOMIZE=1` (set by
//! .ci/run) make that a failure. Helm runs only on these trusted fixtures, offline.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{copy_tree, fixture, run_in, stderr, stdout};

/// A binary named by `var`, or `name` on PATH; `None` (SKIPPED) unless `require` is set.
fn tool(var: &str, name: &str, require: &str, test: &str) -> Option<PathBuf> {
    let found = std::env::var_os(var)
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            let path = std::env::var_os("PATH")?;
            std::env::split_paths(&path)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        });
    if found.is_none() {
        assert!(
            std::env::var_os(require).is_none(),
            "{name} is required here ({require})"
        );
        eprintln!("SKIPPED {test}: no {name} ({var} or PATH)");
    }
    found
}

/// A copy of the convert fixture, converted with `--write` and `extra` flags.
fn converted(extra: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&fixture("helm/convert"), &dir.path().join("repo"));
    let mut args = vec!["convert", "repo", "--emit", "helm-values", "--write"];
    args.extend_from_slice(extra);
    let out = run_in(dir.path(), &args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    dir
}

/// `helm template RELEASE CHART ARGS` in `repo`, with HOME in a scratch directory.
fn helm_template(helm: &Path, repo: &Path, args: &[&str], path: Option<&str>) -> String {
    let home = tempfile::tempdir().expect("home");
    let mut cmd = Command::new(helm);
    cmd.arg("template")
        .args(args)
        .current_dir(repo)
        .env_clear()
        .env("HOME", home.path())
        .env(
            "PATH",
            path.map_or_else(|| std::env::var("PATH").unwrap_or_default(), str::to_string),
        );
    let out = cmd.output().expect("run helm");
    assert!(
        out.status.success(),
        "helm template {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_chart_that_takes_the_runtime_class_from_values_gets_a_values_override() {
    let dir = converted(&["--runtime", "wasmtime", "--only", "greeter"]);
    let repo = dir.path().join("repo");
    let values = std::fs::read_to_string(repo.join("charts/greeter/values-wasm.yaml"))
        .expect("values-wasm.yaml written");
    assert_eq!(
        values,
        "# Helm values that move Deployment/default/greeter to Wasm, written by `wasm-migrate convert`.\n\
         # Apply: helm upgrade --install <release> charts/greeter -f charts/greeter/values-wasm.yaml\n\
         runtimeClassName: wasmtime-v1\n\
         image:\n  repository: ghcr.io/acme/greeter-wasm\n  tag: \"3\"\n"
    );
    // The template itself is never edited.
    assert_eq!(
        std::fs::read_to_string(repo.join("charts/greeter/templates/deployment.yaml"))
            .expect("read"),
        std::fs::read_to_string(fixture(
            "helm/convert/charts/greeter/templates/deployment.yaml"
        ))
        .expect("read")
    );
    let test = "a_chart_that_takes_the_runtime_class_from_values_gets_a_values_override";
    let Some(helm) = tool(
        "WASM_MIGRATE_TEST_HELM",
        "helm",
        "WASM_MIGRATE_REQUIRE_HELM",
        test,
    ) else {
        return;
    };
    let out = helm_template(
        &helm,
        &repo,
        &[
            "greeter",
            "charts/greeter",
            "-f",
            "charts/greeter/values-wasm.yaml",
        ],
        None,
    );
    assert!(
        out.contains("      runtimeClassName: wasmtime-v1\n"),
        "{out}"
    );
    assert!(
        out.contains("image: \"ghcr.io/acme/greeter-wasm:3\""),
        "{out}"
    );
}

#[test]
fn a_chart_without_it_gets_a_post_renderer_overlay() {
    let dir = converted(&["--only", "legacy-api"]);
    let repo = dir.path().join("repo");
    let pr = repo.join("charts/legacy-api-wasm-post-renderer");
    let kust = std::fs::read_to_string(pr.join("kustomization.yaml")).expect("kustomization");
    assert!(kust.contains("- helm-output.yaml\n"), "{kust}");
    assert!(kust.contains("    name: legacy-api\n"), "{kust}");
    assert!(!repo.join("charts/legacy-api/values-wasm.yaml").exists());

    let test = "a_chart_without_it_gets_a_post_renderer_overlay";
    let Some(helm) = tool(
        "WASM_MIGRATE_TEST_HELM",
        "helm",
        "WASM_MIGRATE_REQUIRE_HELM",
        test,
    ) else {
        return;
    };
    let Some(kustomize) = tool(
        "KUSTOMIZE",
        "kustomize",
        "WASM_MIGRATE_REQUIRE_KUSTOMIZE",
        test,
    ) else {
        return;
    };
    // The script runs `kustomize build .`: put the one found on PATH under that name.
    let bin = tempfile::tempdir().expect("bin");
    std::os::unix::fs::symlink(&kustomize, bin.path().join("kustomize")).expect("symlink");
    let script = pr.join("post-render.sh");
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let path = format!("{}:/usr/bin:/bin", bin.path().display());
    let out = helm_template(
        &helm,
        &repo,
        &[
            "legacy-api",
            "charts/legacy-api",
            "--post-renderer",
            script.to_str().expect("utf-8"),
        ],
        Some(&path),
    );
    assert!(out.contains("runtimeClassName: wasmtime-spin-v2"), "{out}");
    assert!(out.contains("image: ghcr.io/acme/greeter-wasm:3"), "{out}");
}
