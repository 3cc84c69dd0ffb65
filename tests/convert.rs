//! End-to-end tests of `wasm-migrate convert`: the diff on stdout, `--check` and `--write` exit
//! codes, atomic writes that keep file modes, and usage errors (exit 2) that name what is wrong.

mod common;

use common::{copy_tree, fixture, run, run_in, stderr, stdout};

#[test]
fn default_output_is_a_header_per_workload_then_a_git_diff() {
    let out = run(&["convert", "fixtures/convert/spin-compact"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "wasm-migrate convert: 1 workload to convert, 0 unchanged, 0 not converted\n"
        ),
        "{text}"
    );
    assert!(text.contains(
        "\nDeployment/default/web (portable, score 79): to spin, RuntimeClass wasmtime-spin-v2\n"
    ));
    assert!(text.contains("  ~ Service web: targetPort 8080 -> 80\n      why: it pointed at container port 8080, which moved to 80\n"));
    assert!(text.contains(
        "\ndiff --git a/k8s/web.yaml b/k8s/web.yaml\n--- a/k8s/web.yaml\n+++ b/k8s/web.yaml\n"
    ));
    assert!(text.contains("\ndiff --git a/web/Dockerfile.wasm b/web/Dockerfile.wasm\nnew file mode 100644\n--- /dev/null\n"));
}

#[test]
fn check_then_write_then_check_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    copy_tree(&fixture("convert/wasmtime-crlf"), &root);
    let manifest = root.join("deploy/api.yaml");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&manifest, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    let before = std::fs::read(&manifest).expect("read");

    let check = run_in(dir.path(), &["convert", "repo", "--check"]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    assert_eq!(
        std::fs::read(&manifest).expect("read"),
        before,
        "--check writes nothing"
    );

    let write = run_in(dir.path(), &["convert", "repo", "--write"]);
    assert_eq!(write.status.code(), Some(0), "{}", stderr(&write));
    assert!(
        stdout(&write).contains("\nwrote 2 files:\n  api/Dockerfile.wasm\n  deploy/api.yaml\n"),
        "{}",
        stdout(&write)
    );
    let after = std::fs::read_to_string(&manifest).expect("read");
    assert!(
        after.starts_with('\u{feff}') && after.contains("runtimeClassName: wasm\r\n"),
        "BOM and CRLF kept"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&manifest)
            .expect("stat")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "the file mode is kept");
    }

    let again = run_in(dir.path(), &["convert", "repo", "--check"]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "converting twice changes nothing:\n{}",
        stdout(&again)
    );
    assert!(
        stdout(&again)
            .contains("Deployment/default/api: already converted (runtimeClassName: wasm)")
    );
}

#[test]
fn command_line_overrides_the_configuration() {
    let out = run(&[
        "convert",
        "fixtures/convert/spin-compact",
        "--runtime",
        "wasmtime",
        "--runtime-class",
        "wasm",
        "--only",
        "web",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("to wasmtime, RuntimeClass wasm\n"), "{text}");
    assert!(text.contains("+      runtimeClassName: wasm\n"));
    assert!(
        !text.contains("containerPort 8080 ->") && !text.contains("targetPort"),
        "8080 is already wasmtime's port:\n{text}"
    );
    assert!(text.contains("  ~ container web: livenessProbe httpGet /healthz on port 8080\n"));
    assert!(text.contains("  ~ container web: remove command\n"));
}

#[test]
fn usage_errors_exit_2_and_say_what_to_do() {
    let out = run(&["convert", "fixtures/convert/spin-compact", "--only", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no workload `nope`"),
        "{}",
        stderr(&out)
    );

    let out = run(&[
        "convert",
        "fixtures/convert/spin-compact",
        "--runtime-class",
        "Not_A_Name",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--runtime-class `Not_A_Name` is not a valid RuntimeClass name"),
        "{}",
        stderr(&out)
    );

    let out = run(&[
        "convert",
        "fixtures/convert/spin-compact",
        "--kube-version",
        "latest",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--kube-version `latest` is not a Kubernetes version"),
        "{}",
        stderr(&out)
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("bad.toml");
    std::fs::write(
        &cfg,
        "[convert]\nruntime = \"spin\"\nruntme-class = \"x\"\n",
    )
    .expect("write");
    let out = run(&[
        "convert",
        "fixtures/convert/spin-compact",
        "--config",
        cfg.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("bad.toml:3:1: unknown field `runtme-class`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_fails_when_a_plan_cannot_be_applied() {
    let out = run(&["convert", "fixtures/convert/anchors", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("failed (nothing written for these):\n  Deployment/default/billing:"),
        "{}",
        stdout(&out)
    );
}

/// A Go service is not given cargo's recipe: the plan names its language's toolchain as a
/// decision and writes no Dockerfile.wasm for it.
#[test]
fn a_go_service_gets_its_toolchain_as_a_decision_never_a_cargo_recipe() {
    let out = common::run(&["convert", "fixtures/frontends/polyglot"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let text = common::stdout(&out);
    let gateway = text
        .split("\n\n")
        .find(|s| s.starts_with("Deployment/default/gateway"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(!gateway.contains("cargo build"), "{gateway}");
    assert!(
        gateway.contains("its code is go: build the Wasm image")
            && gateway.contains("tinygo build -target=wasip2"),
        "{gateway}"
    );
    assert!(!text.contains("services/gateway/Dockerfile.wasm"), "{text}");
}

/// A file that does not parse is named by `convert` as by `scan`, and `--check` cannot vouch for
/// a tree it did not read (exit 2); a file path is refused with the way to convert one workload.
#[test]
fn unreadable_inputs_are_said_and_check_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let k8s = dir.path().join("repo/k8s");
    std::fs::create_dir_all(&k8s).expect("mkdir");
    std::fs::write(
        k8s.join("bad.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a\n",
    )
    .expect("write");
    let out = run_in(dir.path(), &["convert", "repo", "--check"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("input problem: k8s/bad.yaml:4:"),
        "{}",
        stderr(&out)
    );
    let out = run_in(dir.path(), &["convert", "repo/k8s/bad.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("pass its folder"), "{}", stderr(&out));
}
