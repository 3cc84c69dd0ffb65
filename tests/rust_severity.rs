//! Severities and rule defects of the Rust and Cargo rules, end to end over the mini repositories
//! in `fixtures/rustdef/` (README there): each is scanned by the real binary, and the verdict,
//! category, severity and `file:line` of what decides it are asserted, as well as what must not
//! be reported.

mod common;

use common::{fixture, run, stderr};
use serde_json::Value;

/// Scan `fixtures/rustdef/<name>` and return the report's workloads.
fn scan(name: &str) -> Vec<Value> {
    let dir = fixture("rustdef").join(name);
    let out = run(&["scan", dir.to_str().unwrap(), "--format", "json"]);
    assert!(out.status.code().is_some(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json report");
    v["workloads"].as_array().cloned().unwrap_or_default()
}

fn workload<'a>(ws: &'a [Value], id: &str) -> &'a Value {
    ws.iter()
        .find(|w| w["id"] == id)
        .unwrap_or_else(|| panic!("no workload {id} in {ws:#?}"))
}

/// The findings of a workload as `(rule, category, severity, file:line, message)`.
fn findings(w: &Value) -> Vec<(String, String, String, String, String)> {
    w["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["category"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                format!("{}:{}", f["file"].as_str().unwrap(), f["line"]),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The one finding of `category` at `at` (`file:line`).
fn at<'a>(w: &'a Value, category: &str, place: &str) -> &'a Value {
    let hits: Vec<&Value> = w["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["category"] == category
                && format!("{}:{}", f["file"].as_str().unwrap(), f["line"]) == place
        })
        .collect();
    assert_eq!(hits.len(), 1, "{category} at {place}: {:#?}", findings(w));
    hits[0]
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

#[test]
fn c_that_builds_with_wasi_sdk_is_a_warning_that_names_the_toolchain() {
    let ws = scan("wasi-sdk-c");
    let w = workload(&ws, "Deployment/default/packer");
    assert_eq!(w["verdict"], "portable", "{:#?}", findings(w));
    let zstd = at(w, "sys-crate", "packer/Cargo.toml:7");
    assert_eq!(zstd["severity"], "warning");
    assert!(text(&zstd["message"]).contains("`zstd-sys`"), "{zstd}");
    assert!(text(&zstd["help"]).contains("wasi-sdk"), "{zstd}");
    assert!(text(&zstd["help"]).contains("CC_wasm32_wasip2="), "{zstd}");
    // jemalloc has no WASI port, but the allocator is left out of the wasm build locally.
    let jemalloc = at(w, "sys-crate", "packer/Cargo.toml:8");
    assert_eq!(jemalloc["severity"], "warning");
    assert!(text(&jemalloc["message"]).contains("`tikv-jemalloc-sys`"));
    assert!(text(&jemalloc["help"]).contains("#[global_allocator]"));
    // Build-host helpers on the chains (cc, pkg-config) are not findings.
    assert!(
        !findings(w)
            .iter()
            .any(|f| f.4.contains("`cc`") || f.4.contains("pkg-config")),
        "{:#?}",
        findings(w)
    );
}

#[test]
fn a_system_library_with_no_wasi_port_is_a_blocker_and_openssl_is_two_categories() {
    let ws = scan("system-lib");
    let w = workload(&ws, "Deployment/default/ledger");
    assert_eq!(w["verdict"], "blocked");
    let pq = at(w, "sys-crate", "ledger/Cargo.toml:7");
    assert_eq!(pq["severity"], "blocker");
    assert!(text(&pq["message"]).contains("no WASI port"), "{pq}");
    // One piece of evidence, two categories: openssl-sys is native TLS and native C.
    let tls = at(w, "tls-native", "ledger/Cargo.toml:8");
    let sys = at(w, "sys-crate", "ledger/Cargo.toml:8");
    for f in [tls, sys] {
        assert_eq!(f["severity"], "blocker");
        assert!(text(&f["message"]).contains("`openssl-sys`"), "{f}");
        assert_eq!(
            f["chain"],
            serde_json::json!(["ledger", "openssl (default features)", "openssl-sys"])
        );
    }
    assert_eq!(tls["rule"], "WM202");
    assert_eq!(sys["rule"], "WM201");
}

#[test]
fn native_code_reached_only_through_a_replaced_framework_is_reported_under_it() {
    let ws = scan("replaced");
    let w = workload(&ws, "Deployment/default/storefront");
    // zstd-sys comes only from actix-web's compression: replacing actix-web by a wasi:http
    // handler removes it, so it costs nothing of its own: a note that names actix-web.
    assert_eq!(w["verdict"], "portable", "{:#?}", findings(w));
    let zstd = at(w, "sys-crate", "storefront/Cargo.toml:7");
    assert_eq!(zstd["severity"], "note");
    assert!(
        text(&zstd["message"]).contains("the build reaches it only through `actix-web`"),
        "{zstd}"
    );
    let actix = at(w, "incompatible-crate", "storefront/Cargo.toml:7");
    assert_eq!(actix["severity"], "warning");
    assert!(
        text(&actix["message"]).contains(
            "replacing `actix-web` also removes the native code the build reaches only through it: `zstd-sys` (sys-crate)"
        ),
        "{actix}"
    );
    // Its own listener is an HTTP listener note, not raw-socket.
    let listener = at(w, "http-listener", "storefront/src/main.rs:10");
    assert_eq!(listener["severity"], "note");
    assert_eq!(listener["rule"], "WM213");
    assert!(!findings(w).iter().any(|f| f.1 == "raw-socket"));

    // The same framework, but the service uses zstd itself: zstd-sys is its own finding, on the
    // line that brings it in, and the framework's finding does not claim it.
    let w = workload(&ws, "Deployment/default/archiver");
    assert_eq!(w["verdict"], "portable");
    let zstd = at(w, "sys-crate", "archiver/Cargo.toml:8");
    assert_eq!(zstd["severity"], "warning");
    let actix = at(w, "incompatible-crate", "archiver/Cargo.toml:7");
    assert!(!text(&actix["message"]).contains("zstd-sys"), "{actix}");
}

#[test]
fn a_unix_only_program_is_counted_and_says_why() {
    let ws = scan("unix-only");
    let w = workload(&ws, "Deployment/default/agent");
    assert_eq!(w["verdict"], "blocked", "{:#?}", findings(w));
    let unix = at(w, "raw-socket", "agent/src/control.rs:6");
    assert_eq!(unix["severity"], "blocker");
    let msg = text(&unix["message"]);
    assert!(msg.contains("Unix domain socket"), "{msg}");
    assert!(
        msg.contains("unix-only code (`#[cfg(unix)]` on `fn main` at agent/src/main.rs:5)"),
        "{msg}"
    );
    assert!(
        msg.contains("would not even compile the real program"),
        "{msg}"
    );
    let spawn = at(w, "process-spawn", "agent/src/control.rs:10");
    assert!(text(&spawn["message"]).contains("unix-only code"));
    // The program itself: a wasm build compiles the stub.
    let main = at(w, "unix-only", "agent/src/main.rs:5");
    assert_eq!(main["rule"], "WM215");
    assert_eq!(main["severity"], "warning");
    assert!(text(&main["message"]).contains("a wasm build compiles the other `main`"));
}

#[test]
fn a_package_whose_sources_are_absent_is_noted_and_never_ready() {
    let ws = scan("sources-absent");
    let w = workload(&ws, "Deployment/default/reporter");
    // Its dependencies are clean, but its code was not read: not ready.
    assert_eq!(w["verdict"], "unknown", "{:#?}", findings(w));
    assert!(w["score"].is_null());
    let note = at(w, "parse-error", "reporter/Cargo.toml:2");
    assert_eq!(note["rule"], "WM214");
    assert_eq!(note["severity"], "note");
    assert!(text(&note["message"]).starts_with("sources not present"));
    let cov = w["coverage"].as_array().unwrap();
    assert!(cov.contains(&Value::from("dependency-manifest")), "{cov:?}");
    assert!(!cov.contains(&Value::from("source")), "{cov:?}");
    assert!(
        text(&w["confidence_reason"]).contains("source files are not in the scan"),
        "{w}"
    );
}

#[test]
fn features_are_resolved_per_workspace_member_and_build_dependencies_are_build_only() {
    let ws = scan("per-member");
    // `api` turns on tower-http's `compression-zstd`: zstd-sys is in its build.
    let api = workload(&ws, "Deployment/default/api");
    assert_eq!(api["verdict"], "portable", "{:#?}", findings(api));
    let zstd = at(api, "sys-crate", "api/Cargo.toml:7");
    assert!(
        text(&zstd["message"])
            .contains("`tower-http` (default features, compression-zstd) pulls in `zstd-sys`"),
        "{zstd}"
    );
    // `web` shares the Cargo.lock (where tower-http lists async-compression for `api`) but asks
    // only for `cors`: nothing of api's feature is blamed on it, and its build-dependency on
    // openssl-sys runs on the build host, not in the wasm build.
    let web = workload(&ws, "Deployment/default/web");
    let cats: Vec<String> = findings(web).into_iter().map(|f| f.1).collect();
    assert!(
        !cats.iter().any(|c| c == "sys-crate" || c == "tls-native"),
        "{:#?}",
        findings(web)
    );
    assert_eq!(web["verdict"], "ready", "{:#?}", findings(web));
}
