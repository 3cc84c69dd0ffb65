//! The language front-ends run from one list (`analyzer::frontend::FRONTENDS`) through the same
//! steps: a repository with a Rust, a Go and a Python service gets each service's code read by
//! its own front-end, linked to its workload with the reason, and judged at the exact line.

mod common;

use common::{finding_at, fixture, run, stderr, workload};
use serde_json::Value;

fn report() -> Value {
    let dir = fixture("frontends/polyglot");
    let out = run(&["scan", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

fn linked_by(w: &Value) -> Vec<&str> {
    w["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["linked_by"].as_str().unwrap())
        .collect()
}

/// Rust: the Dockerfile's `cargo build --bin ledger` links the package; the child process it
/// starts blocks it at the call.
#[test]
fn the_rust_service_is_linked_by_its_cargo_build_and_blocked_at_the_call() {
    let r = report();
    let w = workload(&r, "Deployment/default/ledger");
    assert_eq!(w["verdict"], "blocked", "{w:#}");
    assert_eq!(w["language"], "rust");
    assert!(
        linked_by(w).contains(&"services/ledger/Dockerfile:7 (builds binary `ledger`)"),
        "{w:#}"
    );
    let f = finding_at(w, "WM207", "services/ledger/src/main.rs:8:13");
    assert_eq!(f["category"], "process-spawn");
    assert_eq!(f["severity"], "blocker");
    // The package runs in the Deployment, so it is no `crate:` workload of its own.
    assert!(
        r["workloads"]
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["id"] != "crate:ledger"),
        "{r:#}"
    );
}

/// Go: the `go build` stage links the module copied from the service's folder; a pure
/// `net/http` server with a signal handler is portable (a toolchain change), never ready.
#[test]
fn the_go_service_is_linked_by_its_go_build_and_portable() {
    let r = report();
    let w = workload(&r, "Deployment/default/gateway");
    assert_eq!(w["verdict"], "portable", "{w:#}");
    assert_eq!(w["language"], "go");
    assert!(
        linked_by(w).contains(
            &"services/gateway/Dockerfile:4 (`go build` of Go module `example.com/shop/gateway` copied from `services/gateway`)"
        ),
        "{w:#}"
    );
    let f = finding_at(w, "WM603", "services/gateway/main.go:13:2");
    assert_eq!(f["category"], "signal-handling");
    assert_eq!(f["severity"], "warning");
    let f = finding_at(w, "WM604", "services/gateway/go.mod:3:4");
    assert_eq!(f["category"], "language-runtime");
}

/// Python: the requirements file the image's `pip install -r` installs names `psycopg2`, a C
/// extension with no WASI build, which blocks it at its line; the copied `app.py` is read too.
#[test]
fn the_python_service_is_read_through_its_dockerfile_and_blocked_by_a_native_package() {
    let r = report();
    let w = workload(&r, "Deployment/default/reports");
    assert_eq!(w["verdict"], "blocked", "{w:#}");
    assert_eq!(w["language"], "python");
    let f = finding_at(w, "WM106", "services/reports/requirements.txt:2:1");
    assert_eq!(f["category"], "python-native");
    assert_eq!(f["severity"], "blocker");
    let f = finding_at(w, "WM502", "services/reports/app.py:3:6");
    assert_eq!(f["category"], "language-runtime");
}
